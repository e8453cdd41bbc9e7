//! Pure domain logic: what kubectl prints, view state, actions and the reducer.
//! No tokio, no kube client, no ratatui here (tests/architecture.rs enforces it).
pub mod actions;
pub mod age;
pub mod argo;
pub mod cluster_event;
pub mod command;
pub mod containers;
pub mod filter;
pub mod labels;
pub mod pod_status;
pub mod pods;
pub mod state;
pub mod tekton;
pub mod text;
pub mod workflows;
