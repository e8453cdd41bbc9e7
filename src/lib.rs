//! kdoc: a terminal UI for debugging Kubernetes ML pipelines and model servers.

pub mod core;
pub mod sim;
