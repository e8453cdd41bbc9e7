//! Rows of the steps pane: an Argo Workflow's node tree, a PipelineRun's TaskRuns with their
//! steps, or one TaskRun's steps.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::Value;

use super::text::Safe;
use super::workflows::{WfKey, WfKind, taskruns_of};
use super::{argo, tekton};

/// One line of the steps pane.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRow {
    /// Tree guides, e.g. "│ └─".
    pub prefix: String,
    pub name: Safe,
    /// Node type (Argo) or PipelineRun / TaskRun / Step / Sidecar / Skipped (Tekton).
    pub kind: Safe,
    pub template: Safe,
    pub phase: Safe,
    pub started: Option<Timestamp>,
    pub finished: Option<Timestamp>,
    pub message: Safe,
    /// The pod behind this step, and the container to select in it.
    pub pod: Option<Safe>,
    /// The pod's name as the API has it, for looking it up (`pod` is for display).
    pub pod_key: Option<String>,
    pub container: Option<Safe>,
    /// A DAG task's edges, e.g. "depends on B && C · needed by E"; empty elsewhere.
    pub deps: Safe,
}

pub struct Steps {
    pub rows: Vec<StepRow>,
    /// What could not be rendered (missing status, dangling children, TaskRuns not found).
    pub problems: Vec<Safe>,
}

/// The steps of one workflow (`wf` is the Workflow, PipelineRun or TaskRun object). `pods` are
/// (name, object) of pods in its namespace, used to map Argo node ids to real pod names and
/// Tekton TaskRuns without `podName` to their pods.
pub fn steps(
    key: &WfKey,
    wf: &Value,
    taskruns: &BTreeMap<(String, String), Value>,
    pods: &[(String, Value)],
) -> Steps {
    match key.0 {
        WfKind::Argo => argo_steps(key, wf, pods),
        WfKind::Tekton => pipeline_run_steps(key, wf, taskruns, pods),
        WfKind::TaskRun => {
            let mut rows = vec![];
            task_run_rows(&mut rows, &tekton::task_run(wf), pods, "", "");
            Steps {
                rows,
                problems: vec![],
            }
        }
    }
}

fn argo_steps(key: &WfKey, wf: &Value, pods: &[(String, Value)]) -> Steps {
    let by_node = argo::pods_by_node_id(&key.2, pods.iter().map(|(_, v)| v));
    let tree = argo::build(wf, &by_node);
    // Pushed into a fresh Vec, strings moved out of the nodes: collecting in place would copy
    // every row again when the (smaller) StepRows are shrunk into their own allocation.
    let mut rows = Vec::with_capacity(tree.rows.len());
    for r in tree.rows {
        let n = r.node;
        let is_pod = matches!(n.node_type, argo::NodeType::Pod);
        rows.push(StepRow {
            prefix: r.prefix,
            name: if n.display_name.is_empty() {
                Safe::from(n.name)
            } else {
                Safe::from(n.display_name)
            },
            kind: n.node_type.as_str().into(),
            template: n.template.unwrap_or_default().into(),
            phase: n.phase.into(),
            started: n.started_at,
            finished: n.finished_at,
            message: n.message.unwrap_or_default().into(),
            pod: n.pod_name.as_deref().map(Safe::new),
            pod_key: n.pod_name,
            // Argo renames the template's container to `main`.
            container: is_pod.then(|| "main".into()),
            deps: r.deps.as_ref().map(deps_text).unwrap_or_default().into(),
        });
    }
    Steps {
        rows,
        problems: tree.problems.iter().map(Safe::from).collect(),
    }
}

fn pipeline_run_steps(
    key: &WfKey,
    wf: &Value,
    taskruns: &BTreeMap<(String, String), Value>,
    pods: &[(String, Value)],
) -> Steps {
    let tree = tekton::pipeline_run(wf, &taskruns_of(taskruns, &key.1));
    let mut rows = vec![StepRow {
        prefix: String::new(),
        name: Safe::new(&tree.name),
        kind: "PipelineRun".into(),
        template: Safe::default(),
        phase: Safe::new(&tree.phase),
        started: tree.started,
        finished: tree.finished,
        message: tree.message.as_deref().unwrap_or_default().into(),
        pod: None,
        pod_key: None,
        container: None,
        deps: Safe::default(),
    }];
    let n_tasks = tree.tasks.len() + tree.skipped.len();
    for (i, t) in tree.tasks.iter().enumerate() {
        let (branch, guide) = branch(i + 1 == n_tasks);
        task_run_rows(&mut rows, t, pods, branch, guide);
    }
    for (i, (name, reason)) in tree.skipped.iter().enumerate() {
        rows.push(StepRow {
            prefix: branch(tree.tasks.len() + i + 1 == n_tasks).0.into(),
            name: Safe::new(name),
            kind: "Skipped".into(),
            template: Safe::default(),
            phase: "Skipped".into(),
            started: None,
            finished: None,
            message: Safe::new(reason),
            pod: None,
            pod_key: None,
            container: None,
            deps: Safe::default(),
        });
    }
    Steps {
        rows,
        problems: tree.problems.iter().map(Safe::from).collect(),
    }
}

/// (the guide on a child's line, the guide its own children continue with).
fn branch(last: bool) -> (&'static str, &'static str) {
    if last {
        ("└─", "  ")
    } else {
        ("├─", "│ ")
    }
}

/// A TaskRun's row (guide `prefix`) and its steps and sidecars under it (each line starting
/// with `guide`).
fn task_run_rows(
    rows: &mut Vec<StepRow>,
    t: &tekton::TaskRunInfo,
    pods: &[(String, Value)],
    prefix: &str,
    guide: &str,
) {
    let pod = t.pod_name.clone().or_else(|| {
        pods.iter()
            .find(|(_, p)| p["metadata"]["labels"][tekton::LABEL_TASK_RUN] == t.name.as_str())
            .map(|(n, _)| n.clone())
    });
    rows.push(StepRow {
        prefix: prefix.into(),
        name: Safe::new(t.pipeline_task.as_deref().unwrap_or(&t.name)),
        kind: Safe::new(&t.kind),
        template: Safe::new(&t.name),
        phase: Safe::new(&t.phase),
        started: t.started,
        finished: t.finished,
        message: t.message.as_deref().unwrap_or_default().into(),
        pod: pod.as_deref().map(Safe::new),
        pod_key: pod.clone(),
        // Enter opens the step that failed, else the first.
        container: t
            .steps
            .iter()
            .find(|s| s.exit_code.is_some_and(|c| c != 0))
            .or(t.steps.first())
            .map(|s| Safe::new(&s.container)),
        deps: Safe::default(),
    });
    let subs: Vec<(&tekton::StepInfo, &str)> = t
        .steps
        .iter()
        .map(|s| (s, "Step"))
        .chain(t.sidecars.iter().map(|s| (s, "Sidecar")))
        .collect();
    for (j, (s, kind)) in subs.iter().enumerate() {
        let mut msg = s.message.clone().unwrap_or_default();
        if let Some(code) = s.exit_code.filter(|c| *c != 0) {
            msg = if msg.is_empty() {
                format!("exit code {code}")
            } else {
                format!("exit code {code}: {msg}")
            };
        }
        rows.push(StepRow {
            prefix: format!("{guide}{}", branch(j + 1 == subs.len()).0),
            name: Safe::new(&s.name),
            kind: (*kind).into(),
            template: Safe::new(&s.container),
            phase: Safe::new(&s.state),
            started: s.started,
            finished: s.finished,
            message: msg.into(),
            pod: pod.as_deref().map(Safe::new),
            pod_key: pod.clone(),
            container: Some(Safe::new(&s.container)),
            deps: Safe::default(),
        });
    }
}

/// A DAG task's edges in a line: "depends on A, B · needed by D" (`depends` as written when the
/// task uses it; "nothing" at either end of the DAG).
pub fn deps_text(d: &argo::TaskDeps) -> String {
    let on = match &d.expression {
        Some(e) => e.clone(),
        None if d.depends_on.is_empty() => "nothing".into(),
        None => d.depends_on.join(", "),
    };
    let by = if d.needed_by.is_empty() {
        "nothing".into()
    } else {
        d.needed_by.join(", ")
    };
    format!("depends on {on} · needed by {by}")
}
