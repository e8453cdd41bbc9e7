//! Argo Workflows: pod names and the node tree of a Workflow, read from its JSON.
//!
//! Ports the parts of argo-workflows the TUI needs (notes/upstream-error-semantics.md §3):
//! `GeneratePodName` and `GetWorkflowPodNameVersion` (workflow/util/pod_name.go),
//! `Workflow.NodeID` (pkg/apis/workflow/v1alpha1/workflow_types.go), `GetTemplateFromNode`
//! (workflow/util/util.go) and the STATUS column of `argo list` (`WorkflowStatus`,
//! cmd/argo/commands/common). Everything is pure and never panics on odd input: missing
//! fields behave like Go's zero values, and a broken `status.nodes` graph (children that do not
//! exist, cycles) is reported in [`Tree::problems`] instead.

use std::collections::{BTreeMap, HashMap, HashSet};

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
    let mut prefix = if template_name.is_empty() {
        wf_name.to_string()
    } else {
        format!("{wf_name}-{template_name}")
    };
    if prefix.len() > MAX_PREFIX_LENGTH - 1 {
        // Go slices bytes; names are ASCII, but never split a UTF-8 character here.
        let mut cut = MAX_PREFIX_LENGTH - 1;
        while !prefix.is_char_boundary(cut) {
            cut -= 1;
        }
        prefix.truncate(cut);
    }
    format!("{prefix}-{}", fnv32a(node_name))
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
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        let opt = |k: &str| v[k].as_str().filter(|x| !x.is_empty()).map(str::to_string);
        let id = opt("id").unwrap_or_else(|| key.to_string());
        let template = v
            .pointer("/templateRef/template")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .or_else(|| opt("templateName"));
        ArgoNode {
            id,
            name: s("name"),
            display_name: s("displayName"),
            node_type: NodeType::parse(v["type"].as_str().unwrap_or_default()),
            template,
            phase: s("phase"),
            message: opt("message"),
            started_at: time(&v["startedAt"]),
            finished_at: time(&v["finishedAt"]),
            boundary_id: opt("boundaryID"),
            children: v["children"]
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

/// One line of the flattened tree.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeRow {
    pub depth: usize,
    pub node: ArgoNode,
    /// The node this row hangs under (`None` at depth 0).
    pub parent: Option<String>,
    /// Last among its siblings (draw `└─` rather than `├─`).
    pub is_last: bool,
    /// One entry per enclosing level 1..depth-1: `true` when that ancestor has later siblings,
    /// i.e. a `│` continues through this line at that level.
    pub guides: Vec<bool>,
}

impl TreeRow {
    /// The tree guides before the node, e.g. "", "├─", "│ └─", "  ├─".
    pub fn prefix(&self) -> String {
        if self.depth == 0 {
            return String::new();
        }
        let mut s = String::new();
        for &g in &self.guides {
            s.push_str(if g { "│ " } else { "  " });
        }
        s.push_str(if self.is_last { "└─" } else { "├─" });
        s
    }
}

/// The node tree of a workflow, depth-first from the root, plus anything odd found on the way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tree {
    pub rows: Vec<TreeRow>,
    pub problems: Vec<String>,
}

impl Tree {
    pub fn row(&self, id: &str) -> Option<&TreeRow> {
        self.rows.iter().find(|r| r.node.id == id)
    }
}

/// The node tree of `wf`: a depth-first flattening that follows each node's `children`,
/// starting at the root node (ID == workflow name; without one, every node no other node
/// lists as a child). The exit handler `<wf>.onExit` follows as a second root, as `argo get`
/// prints it. A node reached twice (a DAG join such as a diamond's last task) is shown once,
/// under the first parent reached. Children that do not exist are skipped, cycles are cut,
/// and nodes not reachable from the root are appended at depth 0; each is reported in
/// `problems`. `pods_by_node_id` (see [`pods_by_node_id`]) gives real pod names, which win over
/// computed ones.
pub fn build(wf: &Value, pods_by_node_id: &HashMap<String, String>) -> Tree {
    let mut tree = Tree::default();
    let status = &wf["status"];
    if status.as_object().is_none_or(|o| o.is_empty()) {
        tree.problems.push("workflow has no status yet".into());
        return tree;
    }
    let raw = status["nodes"].as_object().filter(|n| !n.is_empty());
    let Some(raw) = raw else {
        if let Some(v) = status["offloadNodeStatusVersion"]
            .as_str()
            .filter(|s| !s.is_empty())
        {
            tree.problems.push(format!(
                "node status is offloaded to the Argo database (offloadNodeStatusVersion {v}); only the Argo server can show it"
            ));
        } else if status["compressedNodes"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
        {
            tree.problems.push(
                "node status is compressed (status.compressedNodes), which kdoc does not read"
                    .into(),
            );
        } else {
            tree.problems.push("workflow has no nodes yet".into());
        }
        return tree;
    };

    let wf_name = wf
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let version = pod_name_version(wf);
    let mut nodes: BTreeMap<String, ArgoNode> = BTreeMap::new();
    for (key, v) in raw {
        let mut n = ArgoNode::from_status(key, v);
        if n.id != *key {
            tree.problems.push(format!(
                "status.nodes[{key}] has id {}; using the key",
                n.id
            ));
            n.id = key.clone();
        }
        if n.node_type == NodeType::Pod {
            n.pod_name = Some(match pods_by_node_id.get(&n.id) {
                Some(p) => p.clone(),
                None => pod_name(
                    wf_name,
                    &n.name,
                    n.template.as_deref().unwrap_or_default(),
                    &n.id,
                    version,
                ),
            });
        }
        nodes.insert(key.clone(), n);
    }

    let listed: HashSet<&str> = nodes
        .values()
        .flat_map(|n| n.children.iter().map(String::as_str))
        .collect();
    let parentless = |n: &&ArgoNode| !listed.contains(n.id.as_str());
    let by_start = |a: &&ArgoNode, b: &&ArgoNode| {
        (a.started_at.is_none(), a.started_at, &a.id).cmp(&(
            b.started_at.is_none(),
            b.started_at,
            &b.id,
        ))
    };

    // Roots that need no explanation.
    let mut roots: Vec<String> = vec![];
    if nodes.contains_key(wf_name) {
        roots.push(wf_name.to_string());
        let on_exit = format!("{wf_name}.onExit");
        if let Some(n) = nodes
            .values()
            .find(|n| n.name == on_exit && !listed.contains(n.id.as_str()))
        {
            roots.push(n.id.clone());
        }
    } else {
        let mut top: Vec<&ArgoNode> = nodes.values().filter(parentless).collect();
        top.sort_by(by_start);
        roots.extend(top.into_iter().map(|n| n.id.clone()));
    }

    let mut walk = Walk {
        nodes: &nodes,
        visited: HashSet::new(),
        kids: HashMap::new(),
        problems: vec![],
    };
    for r in &roots {
        if !walk.visited.contains(r) {
            walk.claim(r);
        }
    }
    // Whatever is left: first parentless nodes, then members of cycles nothing leads into.
    let mut rest: Vec<&ArgoNode> = nodes
        .values()
        .filter(|n| !walk.visited.contains(&n.id))
        .collect();
    rest.sort_by(|a, b| {
        parentless(b)
            .cmp(&parentless(a))
            .then_with(|| by_start(a, b))
    });
    let root_desc = if roots.is_empty() {
        "any root".to_string()
    } else {
        format!("the root {}", roots[0])
    };
    for n in rest {
        if walk.visited.contains(&n.id) {
            continue;
        }
        walk.problems.push(format!(
            "node {} ({}) is not reachable from {root_desc}",
            n.id, n.name
        ));
        roots.push(n.id.clone());
        walk.claim(&n.id);
    }

    tree.problems.append(&mut walk.problems);
    let last_root = roots.len().saturating_sub(1);
    for (i, r) in roots.iter().enumerate() {
        walk.render(r, i == last_root, &mut tree.rows);
    }
    tree
}

struct Walk<'a> {
    nodes: &'a BTreeMap<String, ArgoNode>,
    visited: HashSet<String>,
    /// The spanning tree: each node's children in the order they were claimed.
    kids: HashMap<String, Vec<String>>,
    problems: Vec<String>,
}

impl Walk<'_> {
    /// Depth-first from `root` (iterative: step workflows nest deeply), claiming every node not
    /// seen before for the parent that reaches it first.
    fn claim(&mut self, root: &str) {
        self.visited.insert(root.to_string());
        let mut on_path: HashSet<String> = HashSet::from([root.to_string()]);
        let mut stack: Vec<(String, usize)> = vec![(root.to_string(), 0)];
        while let Some(top) = stack.last_mut() {
            let id = top.0.clone();
            let node = &self.nodes[&id];
            let Some(child) = node.children.get(top.1) else {
                on_path.remove(&id);
                stack.pop();
                continue;
            };
            top.1 += 1;
            if !self.nodes.contains_key(child) {
                self.problems.push(format!(
                    "node {id} ({}) lists child {child}, which is not in status.nodes",
                    node.name
                ));
            } else if on_path.contains(child) {
                self.problems.push(format!(
                    "cycle: node {id} ({}) lists its ancestor {child} as a child",
                    node.name
                ));
            } else if self.visited.insert(child.clone()) {
                self.kids.entry(id).or_default().push(child.clone());
                on_path.insert(child.clone());
                stack.push((child.clone(), 0));
            }
        }
    }

    fn render(&self, root: &str, root_last: bool, rows: &mut Vec<TreeRow>) {
        let mut stack = vec![Pending {
            id: root,
            depth: 0,
            is_last: root_last,
            parent: None,
            guides: vec![],
        }];
        while let Some(p) = stack.pop() {
            let Some(node) = self.nodes.get(p.id) else {
                continue;
            };
            let kids = self.kids.get(p.id).map(Vec::as_slice).unwrap_or_default();
            let mut child_guides = p.guides.clone();
            if p.depth > 0 {
                child_guides.push(!p.is_last);
            }
            for (i, k) in kids.iter().enumerate().rev() {
                stack.push(Pending {
                    id: k,
                    depth: p.depth + 1,
                    is_last: i + 1 == kids.len(),
                    parent: Some(p.id),
                    guides: child_guides.clone(),
                });
            }
            rows.push(TreeRow {
                depth: p.depth,
                node: node.clone(),
                parent: p.parent.map(str::to_string),
                is_last: p.is_last,
                guides: p.guides,
            });
        }
    }
}

/// A row waiting to be emitted by [`Walk::render`].
struct Pending<'a> {
    id: &'a str,
    depth: usize,
    is_last: bool,
    parent: Option<&'a str>,
    guides: Vec<bool>,
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
