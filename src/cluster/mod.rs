//! The only code that talks to an API server: kubeconfig resolution, the effect runner and
//! the watches that turn into `ClusterMsg`s for the reducer.

pub mod doctor;
pub mod forward;
pub mod kubeconfig;
pub mod latency;
pub mod logs;
pub mod objects;
pub mod runner;
pub mod tables;
pub mod watch;
pub mod workflows;
