//! Argo Workflows: pod names, nodes and the STATUS of a Workflow, read from its JSON; the node
//! tree is in [`tree`], the edges of a DAG task in [`deps`].
//!
//! Ports the parts of argo-workflows the TUI needs (notes/upstream-error-semantics.md §3):
//! `GeneratePodName` and `GetWorkflowPodNameVersion` (workflow/util/pod_name.go),
//! `Workflow.NodeID` (pkg/apis/workflow/v1alpha1/workflow_types.go), `GetTemplateFromNode`
//! (workflow/util/util.go) and the STATUS column of `argo list` (`WorkflowStatus`,
//! cmd/argo/commands/common). Everything is pure and never panics on odd input: missing
//! fields behave like Go's zero values.

pub mod deps;
pub mod tree;

pub use deps::TaskDeps;
pub use tree::{Tree, TreeRow, build};

use std::collections::HashMap;
use std::fmt::Write as _;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::age::is_go_zero_time;

/// Workflow annotation naming the pod-name scheme (`common.AnnotationKeyPodNameVersion`).
pub const ANNOTATION_POD_NAME_FORMAT: &str = "workflows.argoproj.io/pod-name-format";
/// Pod annotation holding the node ID the pod runs (`common.AnnotationKeyNodeID`).
pub const ANNOTATION_NODE_ID: &str = "workflows.argoproj.io/node-id";
/// Pod annotation holding the node name (`common.AnnotationKeyNodeName`).
pub const ANNOTATION_NODE_NAME: &str = "workflows.argoproj.io/node-name";
/// Pod label naming the owning workflow (`common.LabelKeyWorkflow`).
pub const LABEL_WORKFLOW: &str = "workflows.argoproj.io/workflow";

/// `maxK8sResourceNameLength - k8sNamingHashLength` (253 - 10) in pod_name.go; prefixes longer
/// than `MAX_PREFIX_LENGTH - 1` are cut to that length.
const MAX_PREFIX_LENGTH: usize = 243;

/// FNV-1a, 32 bits (Go's `hash/fnv.New32a`): the hash in node IDs and v2 pod names.
pub fn fnv32a(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The pod-name scheme of a workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodNameVersion {
    /// The pod name is the node ID.
    V1,
    /// `<wf>-<template>-<fnv32a(nodeName)>` (the default).
    V2,
}

/// `GetWorkflowPodNameVersion`: the annotation `workflows.argoproj.io/pod-name-format`; only
/// "v1" selects v1, anything else (or no annotation) is the default v2. (Argo falls back to the
/// controller's `POD_NAMES` env var when the annotation is absent; a client cannot see that, and
/// its default is v2.)
pub fn pod_name_version(wf: &Value) -> PodNameVersion {
    match wf
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(ANNOTATION_POD_NAME_FORMAT))
        .and_then(Value::as_str)
    {
        Some("v1") => PodNameVersion::V1,
        _ => PodNameVersion::V2,
    }
}

/// `GeneratePodName`: v1 → the node ID; v2 → the workflow name for the root node, otherwise
/// `<wf>-<template>-<fnv32a(node_name)>` (`<wf>-<hash>` without a template), the prefix cut to
/// 242 bytes. The hash prints in decimal.
pub fn pod_name(
    wf_name: &str,
    node_name: &str,
    template_name: &str,
    node_id: &str,
    v: PodNameVersion,
) -> String {
    if v == PodNameVersion::V1 {
        return node_id.to_string();
    }
    if wf_name == node_name {
        return wf_name.to_string();
    }
    // Built in one string (with room for the hash): this runs for every pod node.
    let mut name = String::with_capacity(wf_name.len() + template_name.len() + 12);
    name.push_str(wf_name);
    if !template_name.is_empty() {
        name.push('-');
        name.push_str(template_name);
    }
    if name.len() > MAX_PREFIX_LENGTH - 1 {
        // Go slices bytes; names are ASCII, but never split a UTF-8 character here.
        let mut cut = MAX_PREFIX_LENGTH - 1;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    name.push('-');
    let _ = write!(name, "{}", fnv32a(node_name));
    name
}

/// `Workflow.NodeID`: the workflow name for the root node, else `<wf>-<fnv32a(node_name)>`.
pub fn node_id(wf_name: &str, node_name: &str) -> String {
    if wf_name == node_name {
        wf_name.to_string()
    } else {
        format!("{wf_name}-{}", fnv32a(node_name))
    }
}

/// Node ID → pod name from the workflow's pods (annotation `workflows.argoproj.io/node-id`).
/// Only pods labelled `workflows.argoproj.io/workflow=<wf_name>` count, so any pod list may be
/// passed. A pod without the annotation is mapped by its own name ("the node ID is the pod
/// name", common.go), which is right for v1 names.
pub fn pods_by_node_id<'a>(
    wf_name: &str,
    pods: impl IntoIterator<Item = &'a Value>,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for pod in pods {
        let meta = &pod["metadata"];
        let Some(name) = meta["name"].as_str() else {
            continue;
        };
        if meta["labels"][LABEL_WORKFLOW].as_str() != Some(wf_name) {
            continue;
        }
        let id = meta["annotations"][ANNOTATION_NODE_ID]
            .as_str()
            .unwrap_or(name);
        out.insert(id.to_string(), name.to_string());
    }
    out
}

/// `NodeType` (workflow_types.go). Unknown strings are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeType {
    Pod,
    Container,
    Steps,
    StepGroup,
    DAG,
    TaskGroup,
    Retry,
    Skipped,
    Suspend,
    HTTP,
    Plugin,
    Unknown(String),
}

impl NodeType {
    pub fn parse(s: &str) -> NodeType {
        match s {
            "Pod" => NodeType::Pod,
            "Container" => NodeType::Container,
            "Steps" => NodeType::Steps,
            "StepGroup" => NodeType::StepGroup,
            "DAG" => NodeType::DAG,
            "TaskGroup" => NodeType::TaskGroup,
            "Retry" => NodeType::Retry,
            "Skipped" => NodeType::Skipped,
            "Suspend" => NodeType::Suspend,
            "HTTP" => NodeType::HTTP,
            "Plugin" => NodeType::Plugin,
            other => NodeType::Unknown(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            NodeType::Pod => "Pod",
            NodeType::Container => "Container",
            NodeType::Steps => "Steps",
            NodeType::StepGroup => "StepGroup",
            NodeType::DAG => "DAG",
            NodeType::TaskGroup => "TaskGroup",
            NodeType::Retry => "Retry",
            NodeType::Skipped => "Skipped",
            NodeType::Suspend => "Suspend",
            NodeType::HTTP => "HTTP",
            NodeType::Plugin => "Plugin",
            NodeType::Unknown(s) => s,
        }
    }
}

/// One entry of `status.nodes` (`NodeStatus`).
#[derive(Clone, Debug, PartialEq)]
pub struct ArgoNode {
    pub id: String,
    /// The hash input, e.g. `wf[0].build`, `wf.A(1)`.
    pub name: String,
    pub display_name: String,
    pub node_type: NodeType,
    /// `templateRef.template` when set, else `templateName` (`GetTemplateFromNode`).
    pub template: Option<String>,
    /// "" when the node has no phase yet.
    pub phase: String,
    pub message: Option<String>,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    /// The enclosing Steps/DAG node.
    pub boundary_id: Option<String>,
    pub children: Vec<String>,
    /// Only for `Pod` nodes: the real pod's name when one maps to this node ID, else the name
    /// `GeneratePodName` gives.
    pub pod_name: Option<String>,
}

impl ArgoNode {
    /// A node from its `status.nodes` entry (`key` is the map key, used when `id` is missing).
    /// `pod_name` is left `None`; [`build`] fills it.
    pub fn from_status(key: &str, v: &Value) -> ArgoNode {
        // One pass over the entry's fields, not a map lookup per field: workflows have
        // thousands of nodes. A field that is absent reads as null.
        static NULL: Value = Value::Null;
        let [
            mut id,
            mut name,
            mut display_name,
            mut node_type,
            mut template_ref,
        ] = [&NULL; 5];
        let [mut template_name, mut phase, mut message, mut started_at] = [&NULL; 4];
        let [mut finished_at, mut boundary_id, mut children] = [&NULL; 3];
        for (k, x) in v.as_object().into_iter().flatten() {
            match k.as_str() {
                "id" => id = x,
                "name" => name = x,
                "displayName" => display_name = x,
                "type" => node_type = x,
                "templateRef" => template_ref = x,
                "templateName" => template_name = x,
                "phase" => phase = x,
                "message" => message = x,
                "startedAt" => started_at = x,
                "finishedAt" => finished_at = x,
                "boundaryID" => boundary_id = x,
                "children" => children = x,
                _ => {}
            }
        }
        let s = |x: &Value| x.as_str().unwrap_or_default().to_string();
        let opt = |x: &Value| x.as_str().filter(|x| !x.is_empty()).map(str::to_string);
        let template = opt(&template_ref["template"]).or_else(|| opt(template_name));
        ArgoNode {
            id: opt(id).unwrap_or_else(|| key.to_string()),
            name: s(name),
            display_name: s(display_name),
            node_type: NodeType::parse(node_type.as_str().unwrap_or_default()),
            template,
            phase: s(phase),
            message: opt(message),
            started_at: time(started_at),
            finished_at: time(finished_at),
            boundary_id: opt(boundary_id),
            children: children
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            pod_name: None,
        }
    }
}

/// `(succeeded, total)` over the workflow's `Pod` nodes (retried attempts count separately).
pub fn progress(wf: &Value) -> (usize, usize) {
    let Some(nodes) = wf.pointer("/status/nodes").and_then(Value::as_object) else {
        return (0, 0);
    };
    let pods = nodes.values().filter(|n| n["type"].as_str() == Some("Pod"));
    pods.fold((0, 0), |(ok, total), n| {
        (
            ok + usize::from(n["phase"].as_str() == Some("Succeeded")),
            total + 1,
        )
    })
}

/// The STATUS column of `argo list` (`WorkflowStatus`): the phase, "Running (Suspended)" while
/// suspended, "Failed (Terminated)" after `spec.shutdown`, and for no phase (or Pending)
/// "Pending" when the object has a creation time, else "Unknown".
pub fn phase(wf: &Value) -> String {
    let p = wf
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match p {
        "Running" if suspended(wf) => "Running (Suspended)".into(),
        "Failed"
            if wf
                .pointer("/spec/shutdown")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty()) =>
        {
            "Failed (Terminated)".into()
        }
        "" | "Pending" => {
            if time(&wf["metadata"]["creationTimestamp"]).is_some() {
                "Pending".into()
            } else {
                "Unknown".into()
            }
        }
        other => other.into(),
    }
}

/// `IsWorkflowSuspended`: `spec.suspend`, or a `Suspend` node still Running.
fn suspended(wf: &Value) -> bool {
    wf.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true)
        || wf
            .pointer("/status/nodes")
            .and_then(Value::as_object)
            .is_some_and(|nodes| {
                nodes.values().any(|n| {
                    n["type"].as_str() == Some("Suspend") && n["phase"].as_str() == Some("Running")
                })
            })
}

/// `status.message`, if any.
pub fn message(wf: &Value) -> Option<String> {
    wf.pointer("/status/message")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `status.startedAt`.
pub fn started(wf: &Value) -> Option<Timestamp> {
    wf.pointer("/status/startedAt").and_then(time)
}

/// `status.finishedAt`.
pub fn finished(wf: &Value) -> Option<Timestamp> {
    wf.pointer("/status/finishedAt").and_then(time)
}

/// The DURATION of `argo list`: `finishedAt - startedAt`, or up to `now` while unfinished.
/// `None` before the workflow started.
pub fn duration(wf: &Value, now: Timestamp) -> Option<SignedDuration> {
    let start = started(wf)?;
    let end = finished(wf).unwrap_or(now);
    Some(end.duration_since(start))
}

/// An RFC 3339 time; null, "", garbage and Go's zero time are `None`.
fn time(v: &Value) -> Option<Timestamp> {
    v.as_str()
        .and_then(|s| s.parse::<Timestamp>().ok())
        .filter(|t| !is_go_zero_time(*t))
}
