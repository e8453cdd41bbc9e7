//! Pure domain logic: what kubectl prints, the cluster cache, panes, actions and the reducer.
//! No tokio, no kube client, no ratatui here (tests/architecture.rs enforces it).
pub mod actions;
pub mod age;
pub mod argo;
pub mod cache;
pub mod cluster_event;
pub mod command;
pub mod containers;
pub mod describe;
pub mod effect;
pub mod filter;
pub mod forward;
pub mod kinds;
pub mod labels;
pub mod log_sources;
pub mod objects;
pub mod pane;
pub mod panes;
pub mod pod_status;
pub mod pods;
pub mod services;
pub mod state;
pub mod step_rows;
pub mod table;
pub mod tekton;
pub mod text;
pub mod workflows;
