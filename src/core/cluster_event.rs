//! What the cluster layer tells the reducer. Pure data: k8s-openapi types, no client.

use k8s_openapi::api::core::v1::Endpoints;
use serde_json::Value;

use super::effect::{EffectId, EffectResult};
use super::pods::PodEntry;
use super::services::ServiceEntry;
use super::workflows::WfKind;

/// The API connection as the header shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conn {
    Connecting,
    Connected,
    /// Watches are failing and being retried.
    Reconnecting {
        attempt: u32,
        error: String,
    },
}

#[derive(Clone, Debug)]
pub enum ClusterEvent {
    /// A full (re)list: replaces every pod known so far, so relists never duplicate.
    PodsReset(Vec<PodEntry>),
    PodApplied(Box<PodEntry>),
    /// (namespace, name)
    PodDeleted(String, String),
    /// The pods watch failed with this API message (e.g. 403); other panes keep working.
    PodsError(String),
    NamespacesReset(Vec<String>),
    NamespaceApplied(String),
    NamespaceDeleted(String),
    Conn(Conn),
    /// How long the API's requests take, measured by the cluster layer: `Some` while they take
    /// longer than [`SLOW`], `None` once they are quick again.
    Slow(Option<std::time::Duration>),
    ServicesReset(Vec<ServiceEntry>),
    ServiceApplied(Box<ServiceEntry>),
    ServiceDeleted(String, String),
    /// The services watch failed with this API message.
    ServicesError(String),
    EndpointsReset(Vec<Endpoints>),
    EndpointsApplied(Box<Endpoints>),
    EndpointsDeleted(String, String),
    /// Workflows of one kind (Argo Workflows, Tekton PipelineRuns): a full list.
    WorkflowsReset(WfKind, Vec<Value>),
    WorkflowApplied(WfKind, Box<Value>),
    WorkflowDeleted(WfKind, String, String),
    /// The API does not serve this kind (its CRDs are not installed).
    CrdMissing(WfKind),
    WorkflowsError(WfKind, String),
    TaskRunsReset(Vec<Value>),
    TaskRunApplied(Box<Value>),
    TaskRunDeleted(String, String),
    TaskRunsError(String),
}

/// Requests taking at least this long make the header say the cluster is slow.
pub const SLOW: std::time::Duration = std::time::Duration::from_secs(1);

/// An item of a running effect's stream (the `Watch` with this id), or an effect's result.
#[derive(Clone, Debug)]
pub enum ClusterMsg {
    /// A piece of the doctor's evidence for the `Doctor` effect with this id.
    Doctor {
        id: EffectId,
        piece: Box<crate::doctor::Piece>,
    },
    Watch {
        id: EffectId,
        event: ClusterEvent,
    },
    /// A report of a running port-forward (`EffectKind::Forward`).
    Forward {
        id: EffectId,
        event: super::forward::ForwardEvent,
    },
    /// An item of a log stream (`EffectKind::Logs`).
    Log {
        id: EffectId,
        event: LogEvent,
    },
    Done {
        id: EffectId,
        result: EffectResult,
    },
    /// An item of a table watch (`EffectKind::Table`).
    Table {
        id: EffectId,
        event: TableEvent,
    },
    /// An item of an events watch (`EffectKind::Events`).
    Events {
        id: EffectId,
        event: EventsEvent,
    },
}

/// What a table watch reports.
#[derive(Clone, Debug)]
pub enum TableEvent {
    /// Every row (the first list, and after a relist).
    Reset(Box<super::table::Table>),
    /// Rows added or changed.
    Applied(Box<super::table::Table>),
    Deleted(Box<super::table::Table>),
    /// The server refused or could not be reached: the words to show (the watch retries).
    Failed(String),
}

/// What an events watch reports.
#[derive(Clone, Debug)]
pub enum EventsEvent {
    /// The full list (the first, and after a relist).
    Reset(Vec<k8s_openapi::api::core::v1::Event>),
    Applied(Box<k8s_openapi::api::core::v1::Event>),
    /// Gone (events expire after an hour by default): its uid.
    Deleted(String),
    /// The server refused (403, ...): its own words.
    Failed(String),
}

impl ClusterMsg {
    pub fn watch(id: EffectId, event: ClusterEvent) -> ClusterMsg {
        ClusterMsg::Watch { id, event }
    }
}

/// One line of a container's log: the kubelet's timestamp and the bytes as they came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub ts: Option<jiff::Timestamp>,
    pub bytes: Vec<u8>,
}

/// What a log stream reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogEvent {
    /// The server answered; lines follow.
    Opened,
    Lines(Vec<LogLine>),
    /// The stream broke and is being reopened (attempt N), with the error.
    Reconnecting {
        attempt: u32,
        error: String,
    },
    /// The server closed the stream (the container stopped, or not following).
    Ended,
    /// The API refused or the stream gave up: its message, verbatim.
    Failed(String),
}
