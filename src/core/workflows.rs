//! Rows of the workflows view (Argo Workflows, Tekton PipelineRuns and standalone TaskRuns
//! together), built from the objects once per change. The steps pane's rows are in
//! [`super::step_rows`].

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::text::Safe;
use super::{argo, tekton};

pub use super::step_rows::{StepRow, Steps, deps_text, steps};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WfKind {
    Argo,
    Tekton,
    /// A TaskRun no PipelineRun owns (`tkn task start`); the cache keeps it with the TaskRuns.
    TaskRun,
}

impl WfKind {
    pub fn label(self) -> &'static str {
        match self {
            WfKind::Argo => "Workflow",
            WfKind::Tekton => "PipelineRun",
            WfKind::TaskRun => "TaskRun",
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

/// The workflows view's rows: every Workflow and PipelineRun, then every standalone TaskRun
/// (see [`standalone_taskruns`]).
pub fn workflow_rows(
    wfs: &BTreeMap<WfKey, Value>,
    taskruns: &BTreeMap<(String, String), Value>,
) -> Vec<WorkflowRow> {
    let mut rows: Vec<WorkflowRow> = wfs
        .iter()
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
                let (succeeded, total) = tekton::progress(&tree);
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
            // Not kept with the workflows; a stray one is shown as a TaskRun all the same.
            WfKind::TaskRun => taskrun_row(key.clone(), v),
        })
        .collect();
    for ((ns, name), v) in standalone_taskruns(wfs, taskruns) {
        rows.push(taskrun_row((WfKind::TaskRun, ns.clone(), name.clone()), v));
    }
    rows
}

fn taskrun_row(key: WfKey, v: &Value) -> WorkflowRow {
    let t = tekton::task_run(v);
    let (succeeded, total) = tekton::step_progress(&t);
    WorkflowRow {
        key,
        phase: t.phase.into(),
        succeeded,
        total,
        started: t.started,
        finished: t.finished,
        message: t.message.unwrap_or_default().into(),
    }
}

/// The TaskRuns that belong to no PipelineRun: no PipelineRun owner or label, and not
/// referenced by a PipelineRun of their namespace (captured objects often lack both marks).
pub fn standalone_taskruns<'a>(
    wfs: &BTreeMap<WfKey, Value>,
    taskruns: &'a BTreeMap<(String, String), Value>,
) -> Vec<(&'a (String, String), &'a Value)> {
    let referenced: HashSet<(&str, String)> = wfs
        .iter()
        .filter(|(k, _)| k.0 == WfKind::Tekton)
        .flat_map(|(k, v)| {
            tekton::referenced_runs(v)
                .into_iter()
                .map(|name| (k.1.as_str(), name))
        })
        .collect();
    taskruns
        .iter()
        .filter(|((ns, name), v)| {
            tekton::owner_pipeline_run(v).is_none()
                && !referenced.contains(&(ns.as_str(), name.clone()))
        })
        .collect()
}

pub(super) fn taskruns_of(
    taskruns: &BTreeMap<(String, String), Value>,
    ns: &str,
) -> HashMap<String, Value> {
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
