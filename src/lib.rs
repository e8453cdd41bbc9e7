//! kdoc: a terminal UI for debugging Kubernetes ML pipelines and model servers.

pub mod app;
pub mod cluster;
pub mod config;
pub mod core;
pub mod doctor;
pub mod logs;
pub mod sim;
pub mod ui;
