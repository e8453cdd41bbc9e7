//! What the reducer asks the outside world to do, and what comes back.
//!
//! Every effect has an id. Its result, and every item of a stream it opens (watch events
//! today; log lines and forward states later), come back to the reducer tagged with that id.
//! The reducer remembers which ids it still wants; anything else is stale (a newer request
//! replaced it, its pane closed) and is dropped. `Cancel` stops a running effect.

use super::state::Scope;

pub type EffectId = u64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    pub id: EffectId,
    pub kind: EffectKind,
}

impl Effect {
    /// An effect with the next free id (taken from `next_id`, which moves on).
    pub fn next(next_id: &mut EffectId, kind: EffectKind) -> Effect {
        let id = *next_id;
        *next_id += 1;
        Effect { id, kind }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EffectKind {
    /// Watch pods, namespaces, services, endpoints and workflows in `scope`, replacing the
    /// watches of any earlier `Watch`. `client`: use the client that the `ResolveContext` effect
    /// with this id resolved (a context switch); `None` keeps the current one.
    Watch {
        scope: Scope,
        client: Option<EffectId>,
    },
    /// Load the kubeconfig context and build a client for it; answers `ContextResolved`.
    ResolveContext(String),
    /// Stream one container's log; items come back as `ClusterMsg::Log` until `Cancel`.
    Logs(LogRequest),
    /// Write a file (a saved log); answers `Written` or `Failed` with the path and the OS error.
    WriteFile {
        path: String,
        contents: Vec<u8>,
    },
    /// Gather the doctor's evidence on a subject; pieces come back as `ClusterMsg::Doctor`,
    /// `Piece::Done` last.
    /// `probe`: also try the resolved port through a short-lived port-forward (not on captured
    /// files, where no process can answer).
    Doctor {
        subject: crate::doctor::Subject,
        probe: bool,
    },
    /// Start a supervised port-forward; its reports come back as `ClusterMsg::Forward` until
    /// `Cancel` stops it (and closes its listener).
    Forward(super::forward::ForwardRequest),
    /// One HTTP request to a local forward; answers `Http` or `Failed`.
    Http(super::forward::HttpCheck),
    /// Put text on the clipboard (OSC 52, which works over ssh too): the app's to do.
    Copy(String),
    /// Read one object as the server has it (every field); answers `Object` or `Failed`.
    Get(super::objects::ObjRef),
    /// Watch events: of one object, of a namespace, or of all namespaces (`namespace` empty).
    /// They come back as `ClusterMsg::Events` until `Cancel`.
    Events(EventsFor),
    /// Ask discovery which kinds the cluster serves; answers `Kinds` or `Failed`.
    Discover,
    /// List then watch any kind as the server's Table; rows come back as `ClusterMsg::Table`
    /// until `Cancel`.
    Table(TableFor),
    /// Stop the effect with this id (a stream or a pending request).
    Cancel(EffectId),
    Quit,
}

/// Which events to watch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventsFor {
    pub namespace: String,
    /// `(kind, name)` of the involved object, or every event of the namespace.
    pub object: Option<(String, String)>,
}

/// Which rows of a kind to list and watch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableFor {
    pub kind: super::kinds::KindInfo,
    /// `None`: all namespaces (or a cluster-scoped kind).
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
}

/// One container's log, as `kubectl logs` options say it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRequest {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub follow: bool,
    pub tail: Option<i64>,
    pub since_seconds: Option<i64>,
    /// Only lines after this instant (reopening a stream that ended early); wins over tail.
    pub since_time: Option<jiff::Timestamp>,
    pub previous: bool,
}

/// A finished effect's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EffectResult {
    ContextResolved {
        context: String,
        cluster: String,
    },
    Written {
        path: String,
        bytes: usize,
    },
    Http(super::forward::HttpAnswer),
    /// A `Get`'s object, as JSON.
    Object(serde_json::Value),
    /// What discovery found.
    Kinds(super::kinds::Kinds),
    Failed(String),
}
