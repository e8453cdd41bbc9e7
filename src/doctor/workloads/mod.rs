//! Workload checks: KServe InferenceServices, Seldon deployments, Argo Workflows and Tekton
//! runs, read from their JSON (`Evidence::object` for the subject, `Evidence::custom` for the
//! objects of a namespace, or a PipelineRun's TaskRuns).
//!
//! Each check names the failing part (the condition, the step, the task) with its own message
//! and exit code, and the command that shows its log. Healthy objects give nothing; a run that
//! succeeded after retries is healthy.

mod argo_steps;
mod serving;
mod tekton_runs;

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use regex::Regex;
use serde_json::Value;

use super::model::{Act, Evidence, Finding, Proof, Severity, Subject, SubjectKind};
use super::status::{
    LOG_TAIL, clean, event_proof, exit_code_meaning, json_str, json_time, log_hints, log_tail,
    secs_between,
};
use crate::core::pod_status::{Health, health, pod_status};
use crate::core::{argo, tekton};

/// A resource younger than this that is still getting ready is given time.
const SETTLING_SECS: i64 = 120;
/// A TaskRun whose pod has not started after this long is reported.
const PENDING_SECS: i64 = 300;

const KINDS: [&str; 5] = [
    "InferenceService",
    "SeldonDeployment",
    "Workflow",
    "PipelineRun",
    "TaskRun",
];

pub fn check(subject: &Subject, ev: &Evidence, now: Timestamp) -> Vec<Finding> {
    let mut objects: Vec<(String, &Value)> = vec![];
    if let Some(o) = &ev.object {
        let kind = json_str(&o["kind"])
            .map(str::to_string)
            .unwrap_or_else(|| kind_of(subject.kind).to_string());
        objects.push((kind, o));
    }
    if subject.kind == SubjectKind::Namespace {
        let runs: BTreeSet<&str> = ev
            .custom("PipelineRun")
            .iter()
            .filter_map(|p| json_str(&p["metadata"]["name"]))
            .collect();
        for kind in KINDS {
            for o in ev.custom(kind) {
                if ev.object.as_ref().is_some_and(|s| same(s, o)) {
                    continue;
                }
                // A PipelineRun's TaskRuns are checked with it.
                if kind == "TaskRun"
                    && json_str(&o["metadata"]["labels"]["tekton.dev/pipelineRun"])
                        .is_some_and(|p| runs.contains(p))
                {
                    continue;
                }
                objects.push((kind.to_string(), o));
            }
        }
    }
    let mut out = vec![];
    for (kind, o) in objects {
        let ctx = Ctx {
            ev,
            now,
            obj: o,
            ns: json_str(&o["metadata"]["namespace"])
                .unwrap_or(&subject.namespace)
                .to_string(),
            name: json_str(&o["metadata"]["name"])
                .unwrap_or(&subject.name)
                .to_string(),
        };
        match kind.as_str() {
            "InferenceService" => out.extend(ctx.inference_service()),
            "SeldonDeployment" => out.extend(ctx.seldon()),
            "Workflow" => out.extend(ctx.workflow()),
            "PipelineRun" => out.extend(ctx.pipeline_run()),
            "TaskRun" => out.extend(ctx.task_run()),
            _ => {}
        }
    }
    out
}

fn kind_of(k: SubjectKind) -> &'static str {
    match k {
        SubjectKind::Workflow => "Workflow",
        SubjectKind::PipelineRun => "PipelineRun",
        SubjectKind::TaskRun => "TaskRun",
        SubjectKind::InferenceService => "InferenceService",
        SubjectKind::SeldonDeployment => "SeldonDeployment",
        _ => "",
    }
}

fn same(a: &Value, b: &Value) -> bool {
    a["kind"] == b["kind"]
        && a["metadata"]["name"] == b["metadata"]["name"]
        && a["metadata"]["namespace"] == b["metadata"]["namespace"]
}

fn array(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

struct Ctx<'a> {
    ev: &'a Evidence,
    now: Timestamp,
    obj: &'a Value,
    ns: String,
    name: String,
}

impl<'a> Ctx<'a> {
    fn age(&self) -> Option<i64> {
        json_time(&self.obj["metadata"]["creationTimestamp"]).map(|t| secs_between(t, self.now))
    }

    /// Every pod known (the subject's, then the namespace's), each once.
    fn pods(&self) -> Vec<&'a Pod> {
        let mut seen = BTreeSet::new();
        self.ev
            .pods
            .iter()
            .chain(self.ev.all_pods.iter().flatten())
            .filter(|p| seen.insert(p.metadata.name.clone()))
            .collect()
    }

    fn pod(&self, name: &str) -> Option<&'a Pod> {
        self.pods()
            .into_iter()
            .find(|p| p.metadata.name.as_deref() == Some(name))
    }

    fn pods_labelled(&self, key: &str, value: &str) -> Vec<&'a Pod> {
        self.pods()
            .into_iter()
            .filter(|p| {
                p.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(key))
                    .is_some_and(|v| v == value)
            })
            .collect()
    }

    /// `pod NAME: STATUS` facts for pods, and whether any of them has failed.
    fn pod_facts(&self, pods: &[&Pod]) -> (Vec<Proof>, bool) {
        let mut failed = false;
        let facts = pods
            .iter()
            .map(|p| {
                let s = pod_status(p);
                if health(&s, p) == Health::Failed {
                    failed = true;
                }
                Proof::Fact {
                    text: format!(
                        "pod {}: {s}",
                        p.metadata.name.as_deref().unwrap_or_default()
                    ),
                }
            })
            .collect();
        (facts, failed)
    }

    fn warning_events(&self, kind: &str, n: usize) -> Vec<Proof> {
        let events = self.ev.events_of(kind, &self.ns, &self.name);
        let mut v: Vec<Proof> = events
            .iter()
            .rev()
            .filter(|e| e.type_.as_deref() == Some("Warning"))
            .take(n)
            .map(|e| event_proof(e, self.now))
            .collect();
        v.reverse();
        v
    }

    /// The container state of a pod's container, if the pod is known.
    fn container_state(&self, pod: &str, container: &str) -> Option<Proof> {
        let p = self.pod(pod)?;
        let st = p.status.as_ref()?;
        let cs = st
            .container_statuses
            .iter()
            .flatten()
            .chain(st.init_container_statuses.iter().flatten())
            .find(|c| c.name == container)?;
        let v = serde_json::to_value(cs.state.as_ref()?).ok()?;
        let text = if let Some(t) = v.get("terminated") {
            let mut s = format!("terminated, exit code {}", t["exitCode"]);
            if let Some(r) = json_str(&t["reason"]) {
                s.push_str(&format!(", {r}"));
            }
            if let Some(m) = json_str(&t["message"]) {
                s.push_str(&format!(": {}", clean(m)));
            }
            s
        } else if let Some(w) = v.get("waiting") {
            format!("waiting, {}", json_str(&w["reason"]).unwrap_or_default())
        } else {
            "running".into()
        };
        Some(Proof::State {
            pod: pod.to_string(),
            container: container.to_string(),
            text,
        })
    }

    // -----------------------------------------------------------------------------------------
    // KServe
    // -----------------------------------------------------------------------------------------
}
