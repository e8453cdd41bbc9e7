//! Rows of the workflows view (Argo Workflows and Tekton PipelineRuns together) and of the
//! steps pane, built from the objects once per change.

use std::collections::{BTreeMap, HashMap};

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::text::Safe;
use super::{argo, tekton};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WfKind {
    Argo,
    Tekton,
}

impl WfKind {
    pub fn label(self) -> &'static str {
        match self {
            WfKind::Argo => "Workflow",
            WfKind::Tekton => "PipelineRun",
        }
    }
}

/// (kind, namespace, name)
pub type WfKey = (WfKind, String, String);

#[derive(Clone, Debug, PartialEq)]
pub struct WorkflowRow {
    pub key: WfKey,
    pub phase: Safe,
    pub succeeded: usize,
    pub total: usize,
    pub started: Option<Timestamp>,
    pub finished: Option<Timestamp>,
    pub message: Safe,
}

fn ts(v: &Value, path: &[&str]) -> Option<Timestamp> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()?.parse().ok()
}

pub fn workflow_rows(
    wfs: &BTreeMap<WfKey, Value>,
    taskruns: &BTreeMap<(String, String), Value>,
) -> Vec<WorkflowRow> {
    wfs.iter()
        .map(|(key, v)| match key.0 {
            WfKind::Argo => {
                let (succeeded, total) = argo::progress(v);
                WorkflowRow {
                    key: key.clone(),
                    phase: argo::phase(v).into(),
                    succeeded,
                    total,
                    started: argo::started(v),
                    finished: argo::finished(v),
                    message: argo::message(v).unwrap_or_default().into(),
                }
            }
            WfKind::Tekton => {
                let tree = tekton::pipeline_run(v, &taskruns_of(taskruns, &key.1));
                let total = tree.tasks.len() + tree.skipped.len();
                let succeeded = tree.tasks.iter().filter(|t| t.phase == "Succeeded").count();
                WorkflowRow {
                    key: key.clone(),
                    phase: tree.phase.into(),
                    succeeded,
                    total,
                    started: ts(v, &["status", "startTime"]),
                    finished: ts(v, &["status", "completionTime"]),
                    message: tree.message.unwrap_or_default().into(),
                }
            }
        })
        .collect()
}

fn taskruns_of(taskruns: &BTreeMap<(String, String), Value>, ns: &str) -> HashMap<String, Value> {
    taskruns
        .range((ns.to_string(), String::new())..)
        .take_while(|((n, _), _)| n == ns)
        .map(|((_, name), v)| (name.clone(), v.clone()))
        .collect()
}

/// Run time so far (or in total once finished).
pub fn duration(
    started: Option<Timestamp>,
    finished: Option<Timestamp>,
    now: Timestamp,
) -> Option<SignedDuration> {
    let s = started?;
    Some(finished.unwrap_or(now).duration_since(s))
}

/// DURATION as the workflow and steps panes show it ("2m57s"; empty before the start).
pub fn duration_text(
    started: Option<Timestamp>,
    finished: Option<Timestamp>,
    now: Timestamp,
) -> String {
    duration(started, finished, now)
        .map(super::age::human_duration_signed)
        .unwrap_or_default()
}

/// One line of the steps pane.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRow {
    /// Tree guides, e.g. "│ └─".
    pub prefix: String,
    pub name: Safe,
    /// Node type (Argo) or TaskRun / Step / Sidecar / Skipped (Tekton).
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

/// The steps of one workflow. `pods` are (name, object) of pods in its namespace, used to map
/// Argo node ids to real pod names and Tekton TaskRuns without `podName` to their pods.
pub fn steps(
    key: &WfKey,
    wf: &Value,
    taskruns: &BTreeMap<(String, String), Value>,
    pods: &[(String, Value)],
) -> Steps {
    match key.0 {
        WfKind::Argo => {
            let by_node = argo::pods_by_node_id(&key.2, pods.iter().map(|(_, v)| v));
            let tree = argo::build(wf, &by_node);
            let rows = tree
                .rows
                .iter()
                .map(|r| {
                    let n = &r.node;
                    let is_pod = matches!(n.node_type, argo::NodeType::Pod);
                    StepRow {
                        prefix: r.prefix.clone(),
                        name: if n.display_name.is_empty() {
                            Safe::new(&n.name)
                        } else {
                            Safe::new(&n.display_name)
                        },
                        kind: n.node_type.as_str().into(),
                        template: n.template.as_deref().unwrap_or_default().into(),
                        phase: n.phase.as_str().into(),
                        started: n.started_at,
                        finished: n.finished_at,
                        message: n.message.as_deref().unwrap_or_default().into(),
                        pod: n.pod_name.as_deref().map(Safe::new),
                        pod_key: n.pod_name.clone(),
                        // Argo renames the template's container to `main`.
                        container: is_pod.then(|| "main".into()),
                        deps: r.deps.as_ref().map(deps_text).unwrap_or_default().into(),
                    }
                })
                .collect();
            Steps {
                rows,
                problems: tree.problems.iter().map(Safe::from).collect(),
            }
        }
        WfKind::Tekton => {
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
                let last_task = i + 1 == n_tasks;
                let pod = t.pod_name.clone().or_else(|| {
                    pods.iter()
                        .find(|(_, p)| {
                            p["metadata"]["labels"][tekton::LABEL_TASK_RUN] == t.name.as_str()
                        })
                        .map(|(n, _)| n.clone())
                });
                rows.push(StepRow {
                    prefix: if last_task {
                        "└─".into()
                    } else {
                        "├─".into()
                    },
                    name: Safe::new(t.pipeline_task.as_deref().unwrap_or(&t.name)),
                    kind: Safe::new(&t.kind),
                    template: Safe::new(&t.name),
                    phase: Safe::new(&t.phase),
                    started: t.started,
                    finished: t.finished,
                    message: t.message.as_deref().unwrap_or_default().into(),
                    pod: pod.as_deref().map(Safe::new),
                    pod_key: pod.clone(),
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
                    let guide = if last_task { "  " } else { "│ " };
                    let branch = if j + 1 == subs.len() {
                        "└─"
                    } else {
                        "├─"
                    };
                    let mut msg = s.message.clone().unwrap_or_default();
                    if let Some(code) = s.exit_code.filter(|c| *c != 0) {
                        msg = format!(
                            "exit code {code}{}",
                            if msg.is_empty() {
                                String::new()
                            } else {
                                format!(": {msg}")
                            }
                        );
                    }
                    rows.push(StepRow {
                        prefix: format!("{guide}{branch}"),
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
            for (i, (name, reason)) in tree.skipped.iter().enumerate() {
                rows.push(StepRow {
                    prefix: if tree.tasks.len() + i + 1 == n_tasks {
                        "└─".into()
                    } else {
                        "├─".into()
                    },
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
