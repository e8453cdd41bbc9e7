//! The doctor: pure checks over evidence gathered by `cluster/`.
//!
//! Every check is `fn(&Subject, &Evidence, now) -> Vec<Finding>`: no I/O, so each runbook
//! incident is a table test over real objects. `run` calls them all and sorts the findings,
//! most severe first. The evidence may be partial (it arrives piece by piece, and RBAC may
//! forbid some reads); a check that lacks what it needs says so through `Evidence::missing`
//! instead of reporting all clear.
pub mod across;
pub mod containers;
pub mod forward;
pub mod log_scan;
pub mod model;
pub mod pack;
pub mod ports;
pub mod redact;
pub mod report;
pub mod rules;
pub mod run;
pub mod scope;
pub mod status;
pub mod workloads;

pub use model::*;
