//! What the cluster layer tells the reducer. Pure data: k8s-openapi types, no client.

use serde_json::Value;

use super::pods::PodEntry;
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
}

/// Events from one watch generation; events of an older scope (before `:ns`) are dropped.
#[derive(Clone, Debug)]
pub struct ClusterMsg {
    pub generation: u64,
    pub event: ClusterEvent,
}
