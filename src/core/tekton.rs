//! Tekton Pipelines: a PipelineRun with its TaskRuns and their steps, read from JSON.
//!
//! Follows tektoncd/pipeline (notes/upstream-error-semantics.md §4): the `Succeeded` condition
//! of runs, `PipelineRun.status.childReferences` (v1) and the older embedded
//! `status.taskRuns`/`status.runs` maps (v1beta1), `status.skippedTasks`, and
//! `TaskRun.status.steps[]`/`sidecars[]` (`StepState`: inline container state plus `name`,
//! `container`, `terminationReason`). Pure, and never panics on odd input.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde_json::Value;

use super::age::is_go_zero_time;

/// TaskRun/pod label naming the pipeline task (`pipeline.PipelineTaskLabelKey`).
pub const LABEL_PIPELINE_TASK: &str = "tekton.dev/pipelineTask";
/// Pod label naming the TaskRun (`pipeline.TaskRunLabelKey`); use it to find the pod of a
/// TaskRun without `status.podName`.
pub const LABEL_TASK_RUN: &str = "tekton.dev/taskRun";
/// TaskRun/pod label naming the PipelineRun that created it (`pipeline.PipelineRunLabelKey`).
pub const LABEL_PIPELINE_RUN: &str = "tekton.dev/pipelineRun";
/// The phase of a run a PipelineRun references that is neither in the cluster nor embedded in
/// its status (deleted, pruned, or not seen yet). Not "Unknown": nothing says it did not run.
pub const NOT_FOUND: &str = "not found";

/// One step (or sidecar) of a TaskRun.
#[derive(Clone, Debug, PartialEq)]
pub struct StepInfo {
    /// The step name, without the `step-` prefix.
    pub name: String,
    /// The pod container: `status.steps[].container`, else `step-<name>` (`sidecar-<name>`).
    pub container: String,
    /// "Completed", "Error", "OOMKilled"... (the terminated reason, else from the exit code),
    /// "Running", "Waiting: <reason>" or "Waiting".
    pub state: String,
    pub exit_code: Option<i32>,
    /// The container state's reason (terminated or waiting).
    pub reason: Option<String>,
    /// The waiting message, e.g. "Back-off pulling image ...".
    pub message: Option<String>,
    /// Tekton's own `terminationReason`: "Completed", "Error", "TimeoutExceeded", "Skipped",
    /// "Continued", "Cancelled".
    pub termination_reason: Option<String>,
    pub started: Option<Timestamp>,
    pub finished: Option<Timestamp>,
}

/// One TaskRun (or CustomRun) of a PipelineRun, or a standalone TaskRun.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRunInfo {
    pub name: String,
    /// "TaskRun" or "CustomRun".
    pub kind: String,
    /// The pipeline task it runs (childReference `pipelineTaskName`, else the TaskRun's label
    /// `tekton.dev/pipelineTask`).
    pub pipeline_task: Option<String>,
    /// childReference `displayName`.
    pub display_name: Option<String>,
    /// False when the PipelineRun references a run that is neither in the given map nor
    /// embedded in its status: then `phase` is [`NOT_FOUND`] and the rest is empty.
    pub found: bool,
    /// "Succeeded", "Failed", "Cancelled", "Running", "Pending", "Unknown" (see [`run_phase`]),
    /// or [`NOT_FOUND`].
    pub phase: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub started: Option<Timestamp>,
    pub finished: Option<Timestamp>,
    /// `status.podName`. Without it, look the pod up by label `tekton.dev/taskRun=<name>`.
    pub pod_name: Option<String>,
    pub steps: Vec<StepInfo>,
    pub sidecars: Vec<StepInfo>,
}

/// A PipelineRun and its runs, in the order of `status.childReferences`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PipelineRunTree {
    pub name: String,
    pub phase: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub started: Option<Timestamp>,
    pub finished: Option<Timestamp>,
    pub tasks: Vec<TaskRunInfo>,
    /// `status.skippedTasks[]`: (pipeline task name, reason).
    pub skipped: Vec<(String, String)>,
    pub problems: Vec<String>,
}

/// The phase of a run from its `Succeeded` condition (as `tkn` reads it): True → "Succeeded";
/// False → "Cancelled" for a cancel reason, else "Failed"; Unknown → "Pending" for a run whose
/// pod (or ref) is not there yet, else "Running"; no condition → "Pending". Also returns the
/// condition's reason and message.
pub fn run_phase(obj: &Value) -> (String, Option<String>, Option<String>) {
    let cond = obj
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["type"].as_str() == Some("Succeeded")));
    let Some(c) = cond else {
        return ("Pending".into(), None, None);
    };
    let reason = text(&c["reason"]);
    let message = text(&c["message"]);
    let r = reason.as_deref().unwrap_or_default();
    let phase = match c["status"].as_str() {
        Some("True") => "Succeeded",
        Some("False") if r.ends_with("Cancelled") => "Cancelled",
        Some("False") => "Failed",
        Some("Unknown") => match r {
            // TaskRun: the pod is not running yet (reconciler/taskrun, pod/status.go);
            // PipelineRun: `spec.status: PipelineRunPending`; both: resolving the ref.
            "Pending"
            | "PipelineRunPending"
            | "ExceededNodeResources"
            | "ExceededResourceQuota"
            | "TaskRunResolvingTaskRef"
            | "ResolvingTaskRef"
            | "ResolvingPipelineRef"
            | "ResolvingStepActionRef" => "Pending",
            _ => "Running",
        },
        _ => "Unknown",
    };
    (phase.into(), reason, message)
}

/// A TaskRun (or CustomRun) object.
pub fn task_run(tr: &Value) -> TaskRunInfo {
    let (phase, reason, message) = run_phase(tr);
    let status = &tr["status"];
    TaskRunInfo {
        name: text(&tr["metadata"]["name"]).unwrap_or_default(),
        kind: text(&tr["kind"]).unwrap_or_else(|| "TaskRun".into()),
        pipeline_task: text(&tr["metadata"]["labels"][LABEL_PIPELINE_TASK]),
        display_name: None,
        found: true,
        phase,
        reason,
        message,
        started: time(&status["startTime"]),
        finished: time(&status["completionTime"]),
        pod_name: text(&status["podName"]),
        steps: states(&status["steps"], "step-"),
        sidecars: states(&status["sidecars"], "sidecar-"),
    }
}

/// The PipelineRun `pr` with its runs. `taskruns` maps run name → TaskRun/CustomRun object.
/// Reads v1 `status.childReferences`; v1beta1 `status.taskRuns`/`status.runs` (name →
/// {pipelineTaskName, status}) add the runs not referenced, using the embedded status when the
/// object is not in `taskruns`. A referenced run found nowhere becomes a row with phase
/// [`NOT_FOUND`] and the problem "TaskRun <name> not found".
pub fn pipeline_run(pr: &Value, taskruns: &HashMap<String, Value>) -> PipelineRunTree {
    let (phase, reason, message) = run_phase(pr);
    let status = &pr["status"];
    let mut out = PipelineRunTree {
        name: text(&pr["metadata"]["name"]).unwrap_or_default(),
        phase,
        reason,
        message,
        started: time(&status["startTime"]),
        finished: time(&status["completionTime"]),
        ..Default::default()
    };
    if status.as_object().is_none_or(|o| o.is_empty()) {
        out.problems.push("PipelineRun has no status yet".into());
        return out;
    }
    let mut seen: HashSet<String> = HashSet::new();
    for (i, r) in array(&status["childReferences"]).iter().enumerate() {
        let Some(name) = text(&r["name"]) else {
            out.problems
                .push(format!("status.childReferences[{i}] has no name"));
            continue;
        };
        if !seen.insert(name.clone()) {
            continue;
        }
        let kind = text(&r["kind"]).unwrap_or_else(|| "TaskRun".into());
        let mut info = match taskruns.get(&name) {
            Some(obj) => task_run(obj),
            None => {
                out.problems.push(format!("{kind} {name} not found"));
                missing(&name)
            }
        };
        info.kind = kind;
        if let Some(t) = text(&r["pipelineTaskName"]) {
            info.pipeline_task = Some(t);
        }
        info.display_name = text(&r["displayName"]);
        out.tasks.push(info);
    }
    // v1beta1: runs embedded in the status.
    let mut embedded = vec![];
    for (field, kind) in [("taskRuns", "TaskRun"), ("runs", "CustomRun")] {
        let Some(map) = status[field].as_object() else {
            continue;
        };
        for (name, entry) in map {
            if !seen.insert(name.clone()) {
                continue;
            }
            let mut info = match taskruns.get(name) {
                Some(obj) => task_run(obj),
                None if entry["status"].is_object() => {
                    let obj = serde_json::json!({
                        "metadata": {"name": name},
                        "status": entry["status"],
                    });
                    task_run(&obj)
                }
                None => {
                    out.problems.push(format!("{kind} {name} not found"));
                    missing(name)
                }
            };
            info.kind = kind.into();
            if let Some(t) = text(&entry["pipelineTaskName"]) {
                info.pipeline_task = Some(t);
            }
            embedded.push(info);
        }
    }
    embedded.sort_by(|a, b| {
        (a.started.is_none(), a.started, &a.name).cmp(&(b.started.is_none(), b.started, &b.name))
    });
    out.tasks.extend(embedded);
    for (i, s) in array(&status["skippedTasks"]).iter().enumerate() {
        match text(&s["name"]) {
            Some(name) => out
                .skipped
                .push((name, text(&s["reason"]).unwrap_or_default())),
            None => out
                .problems
                .push(format!("status.skippedTasks[{i}] has no name")),
        }
    }
    out
}

/// The PipelineRun a TaskRun belongs to: its owner of kind PipelineRun, else its label
/// `tekton.dev/pipelineRun`. `None` for a TaskRun created on its own (`tkn task start`).
pub fn owner_pipeline_run(tr: &Value) -> Option<String> {
    let meta = &tr["metadata"];
    array(&meta["ownerReferences"])
        .iter()
        .find(|o| o["kind"].as_str() == Some("PipelineRun"))
        .and_then(|o| text(&o["name"]))
        .or_else(|| text(&meta["labels"][LABEL_PIPELINE_RUN]))
}

/// The names of the runs a PipelineRun references: `status.childReferences` (v1) and the
/// embedded `status.taskRuns`/`status.runs` (v1beta1).
pub fn referenced_runs(pr: &Value) -> Vec<String> {
    let status = &pr["status"];
    let mut out: Vec<String> = array(&status["childReferences"])
        .iter()
        .filter_map(|r| text(&r["name"]))
        .collect();
    for field in ["taskRuns", "runs"] {
        if let Some(map) = status[field].as_object() {
            out.extend(map.keys().cloned());
        }
    }
    out
}

/// The counts a PipelineRun's `Succeeded` condition message carries
/// (`GetPipelineConditionStatus`): "Tasks Completed: 4 (Failed: 2, Cancelled 0), Skipped: 1",
/// with ", Incomplete: N" while running; older releases wrote "Tasks Completed: 2, Skipped: 0".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskCounts {
    /// Succeeded, failed and cancelled tasks together.
    pub completed: usize,
    pub failed: usize,
    pub cancelled: usize,
    pub skipped: usize,
    pub incomplete: usize,
}

/// [`TaskCounts`] from a condition message; `None` when it carries none (a timeout, a pipeline
/// that could not be resolved...).
pub fn task_counts(message: &str) -> Option<TaskCounts> {
    let count = |label: &str| -> Option<usize> {
        let rest = &message[message.find(label)? + label.len()..];
        let digits: String = rest
            .trim_start_matches([':', ' '])
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    Some(TaskCounts {
        completed: count("Tasks Completed")?,
        failed: count("Failed").unwrap_or(0),
        cancelled: count("Cancelled").unwrap_or(0),
        skipped: count("Skipped").unwrap_or(0),
        incomplete: count("Incomplete").unwrap_or(0),
    })
}

/// PROGRESS of a PipelineRun as (succeeded, total) tasks: its runs and skipped tasks, and the
/// counts its condition carries, whichever says more (runs can be pruned from the cluster
/// while the condition stays; the condition can lag the runs by a reconcile).
pub fn progress(tree: &PipelineRunTree) -> (usize, usize) {
    let ok = tree.tasks.iter().filter(|t| t.phase == "Succeeded").count();
    let total = tree.tasks.len() + tree.skipped.len();
    match tree.message.as_deref().and_then(task_counts) {
        Some(c) => (
            ok.max(c.completed.saturating_sub(c.failed + c.cancelled)),
            total.max(c.completed + c.skipped + c.incomplete),
        ),
        None => (ok, total),
    }
}

/// A standalone TaskRun's PROGRESS: its steps that completed with exit code 0, of all.
pub fn step_progress(t: &TaskRunInfo) -> (usize, usize) {
    let ok = t.steps.iter().filter(|s| s.exit_code == Some(0)).count();
    (ok, t.steps.len())
}

fn missing(name: &str) -> TaskRunInfo {
    TaskRunInfo {
        name: name.to_string(),
        kind: "TaskRun".into(),
        pipeline_task: None,
        display_name: None,
        found: false,
        phase: NOT_FOUND.into(),
        reason: None,
        message: None,
        started: None,
        finished: None,
        pod_name: None,
        steps: vec![],
        sidecars: vec![],
    }
}

fn states(v: &Value, prefix: &str) -> Vec<StepInfo> {
    array(v).iter().map(|s| step(s, prefix)).collect()
}

fn step(s: &Value, prefix: &str) -> StepInfo {
    let name = text(&s["name"]).unwrap_or_default();
    let container = text(&s["container"]).unwrap_or_else(|| format!("{prefix}{name}"));
    let (term, run, wait) = (&s["terminated"], &s["running"], &s["waiting"]);
    let mut info = StepInfo {
        name,
        container,
        state: "Waiting".into(),
        exit_code: None,
        reason: None,
        message: None,
        termination_reason: text(&s["terminationReason"]),
        started: None,
        finished: None,
    };
    if term.is_object() {
        let code = term["exitCode"]
            .as_i64()
            .and_then(|c| i32::try_from(c).ok());
        info.exit_code = code;
        info.reason = text(&term["reason"]);
        info.state = info.reason.clone().unwrap_or_else(|| {
            if code.unwrap_or_default() == 0 {
                "Completed".into()
            } else {
                "Error".into()
            }
        });
        info.started = time(&term["startedAt"]);
        info.finished = time(&term["finishedAt"]);
    } else if run.is_object() {
        info.state = "Running".into();
        info.started = time(&run["startedAt"]);
    } else if wait.is_object() {
        info.reason = text(&wait["reason"]);
        info.message = text(&wait["message"]);
        if let Some(r) = &info.reason {
            info.state = format!("Waiting: {r}");
        }
    }
    info
}

fn array(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// A non-empty string.
fn text(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

/// An RFC 3339 time; null, "", garbage and Go's zero time are `None`.
fn time(v: &Value) -> Option<Timestamp> {
    v.as_str()
        .and_then(|s| s.parse::<Timestamp>().ok())
        .filter(|t| !is_go_zero_time(*t))
}
