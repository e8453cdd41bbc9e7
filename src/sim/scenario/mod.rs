//! Scenarios: the objects a simulated cluster starts with, the logs and in-process services
//! behind its pods, and a timeline of changes that watches and log followers see live.

pub mod build;
pub mod cluster;
mod engine;
pub mod hostile;
pub mod load;
pub mod mlops;

use serde_json::Value;

use super::backend::Backend;
use super::faults::AccessRule;

pub use engine::{apply, run};

#[derive(Debug, Clone, Default)]
pub struct Scenario {
    pub name: String,
    pub objects: Vec<Value>,
    pub logs: Vec<LogSeed>,
    pub backends: Vec<BackendSpec>,
    pub timeline: Vec<Step>,
    pub generators: Vec<Generator>,
    /// Lines kept per container (generated load would otherwise grow without bound).
    pub log_cap: Option<usize>,
    /// The user 403 messages name (default `system:anonymous`, as for a kubeconfig with no
    /// credentials).
    pub user: Option<String>,
    /// What this cluster's RBAC refuses (403 with the apiserver's message; access reviews agree).
    pub denied: Vec<AccessRule>,
}

/// Log lines a container already wrote when the scenario starts; times are seconds relative to
/// the start (negative: in the past).
#[derive(Debug, Clone)]
pub struct LogSeed {
    pub ns: String,
    pub pod: String,
    pub container: String,
    pub previous: bool,
    pub lines: Vec<(i64, String)>,
}

#[derive(Debug, Clone)]
pub struct BackendSpec {
    pub ns: String,
    pub pod: String,
    pub port: u16,
    pub backend: Backend,
}

/// One change at `at` seconds after the start (scaled by `--speed`), repeated every `every`.
#[derive(Debug, Clone)]
pub struct Step {
    pub at: f64,
    pub every: Option<f64>,
    pub action: Action,
}

#[derive(Debug, Clone)]
pub enum Action {
    /// Create or replace an object.
    Upsert(Value),
    /// JSON merge patch (RFC 7386) on an existing object.
    Patch {
        api_version: String,
        kind: String,
        ns: String,
        name: String,
        patch: Value,
    },
    Delete {
        api_version: String,
        kind: String,
        ns: String,
        name: String,
    },
    /// Merge into one container's status (`state`/`lastState` are replaced whole) and recompute
    /// the pod's phase and conditions.
    SetContainer {
        ns: String,
        pod: String,
        container: String,
        status: Value,
    },
    /// The container exits with this code and reason; it waits in `waiting` (e.g. CrashLoopBackOff).
    Crash {
        ns: String,
        pod: String,
        container: String,
        exit_code: i32,
        reason: String,
        waiting: String,
    },
    /// The container (re)starts running with a fresh container ID.
    Start {
        ns: String,
        pod: String,
        container: String,
    },
    /// Lines appear in a container's log.
    Log {
        ns: String,
        pod: String,
        container: String,
        lines: Vec<String>,
    },
    /// An Event is recorded, or its count bumped if one with that name exists.
    Event(Value),
}

/// Lines written continuously: `rate` per second, `{n}` in the template replaced by a counter.
#[derive(Debug, Clone)]
pub struct Generator {
    pub ns: String,
    pub pod: String,
    pub container: String,
    pub rate: f64,
    pub template: String,
}

pub const NAMES: [&str; 4] = ["mlops", "empty", "load", "hostile"];

/// A built-in scenario by name (`load` uses the given sizes).
pub fn builtin(name: &str, load: &load::LoadSpec) -> Result<Scenario, String> {
    match name {
        "mlops" => Ok(mlops::scenario(jiff::Timestamp::now())),
        "empty" => {
            let mut s = Scenario {
                name: "empty".into(),
                ..Default::default()
            };
            cluster::complete(&mut s, jiff::Timestamp::now());
            Ok(s)
        }
        "load" => Ok(load::scenario(load, jiff::Timestamp::now())),
        "hostile" => Ok(hostile::scenario(jiff::Timestamp::now())),
        other => Err(format!(
            "unknown scenario {other:?}; the built-in scenarios are: {}",
            NAMES.join(", ")
        )),
    }
}
