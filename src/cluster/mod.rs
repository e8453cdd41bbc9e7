//! The only code that talks to an API server: kubeconfig resolution and watches that turn
//! into `ClusterMsg`s for the reducer.

pub mod kubeconfig;
pub mod watch;
pub mod workflows;
