//! Workload checks: KServe InferenceServices, Seldon deployments, Argo Workflows and Tekton
//! runs, read from their JSON (`Evidence::object` for the subject, `Evidence::custom` for the
//! objects of a namespace, or a PipelineRun's TaskRuns).
//!
//! Each check names the failing part (the condition, the step, the task) with its own message
//! and exit code, and the command that shows its log. Healthy objects give nothing; a run that
//! succeeded after retries is healthy.

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

    fn inference_service(&self) -> Vec<Finding> {
        static NO_RUNTIME: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)no runtime found|NoSupportingRuntime|does not support specified framework|specified runtime .* (does not exist|is disabled|not found)").unwrap()
        });
        let status = &self.obj["status"];
        let conds = array(&status["conditions"]);
        let ready = conds.iter().find(|c| c["type"].as_str() == Some("Ready"));
        if ready.is_some_and(|c| c["status"].as_str() == Some("True")) {
            return vec![];
        }
        let failure = &status["modelStatus"]["lastFailureInfo"];
        let mut texts: Vec<String> = conds
            .iter()
            .filter(|c| c["status"].as_str() != Some("True"))
            .filter_map(|c| json_str(&c["message"]).map(str::to_string))
            .collect();
        texts.extend(
            self.ev
                .events_of("InferenceService", &self.ns, &self.name)
                .iter()
                .filter_map(|e| e.message.clone()),
        );
        texts.extend(json_str(&failure["reason"]).map(str::to_string));
        texts.extend(json_str(&failure["message"]).map(str::to_string));
        if texts.iter().any(|t| NO_RUNTIME.is_match(t)) {
            return vec![self.no_runtime(&texts)];
        }
        if conds.is_empty() && self.age().is_some_and(|a| a < SETTLING_SECS) {
            return vec![];
        }
        // Ready=Unknown for a moment is a rollout in progress.
        if let Some(r) = ready
            && r["status"].as_str() == Some("Unknown")
            && json_time(&r["lastTransitionTime"])
                .is_some_and(|t| secs_between(t, self.now) < SETTLING_SECS)
        {
            return vec![];
        }
        vec![self.isvc_not_ready(ready)]
    }

    fn isvc_facts(&self, mut f: Finding) -> Finding {
        let status = &self.obj["status"];
        for c in array(&status["conditions"]) {
            if c["status"].as_str() == Some("True") {
                continue;
            }
            f = f.proof(Proof::Fact {
                text: format!(
                    "condition {}={}{}{}",
                    c["type"].as_str().unwrap_or_default(),
                    c["status"].as_str().unwrap_or_default(),
                    json_str(&c["reason"])
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default(),
                    json_str(&c["message"])
                        .map(|m| format!(": {}", clean(m)))
                        .unwrap_or_default()
                ),
            });
        }
        let failure = &status["modelStatus"]["lastFailureInfo"];
        if let Some(r) = json_str(&failure["reason"]) {
            f = f.proof(Proof::Fact {
                text: format!(
                    "modelStatus.lastFailureInfo: {r}{}",
                    json_str(&failure["message"])
                        .map(|m| format!(": {}", clean(m)))
                        .unwrap_or_default()
                ),
            });
        }
        for p in self.warning_events("InferenceService", 2) {
            f = f.proof(p);
        }
        f
    }

    fn isvc_not_ready(&self, ready: Option<&Value>) -> Finding {
        let (sev, state) = match ready.and_then(|c| c["status"].as_str()) {
            Some("False") => (Severity::Error, "False"),
            Some(s) => (Severity::Warning, s),
            None => (Severity::Warning, "no Ready condition"),
        };
        // The first failing condition other than Ready names the part that is not ready.
        let conds = array(&self.obj["status"]["conditions"]);
        let culprit = conds
            .iter()
            .find(|c| c["status"].as_str() != Some("True") && c["type"].as_str() != Some("Ready"))
            .or(ready);
        let why = culprit
            .map(|c| {
                format!(
                    "{} {}{}",
                    c["type"].as_str().unwrap_or_default(),
                    c["status"].as_str().unwrap_or_default(),
                    json_str(&c["reason"])
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_else(|| "the KServe controller has not reported any status".into());
        let mut f = Finding::new(
            "kserve.not-ready",
            sev,
            &self.ns,
            &format!("inferenceservice/{}", self.name),
        )
        .title(format!(
            "InferenceService {} is not ready ({state}): {why}",
            self.name
        ))
        .meaning(
            "KServe reports the InferenceService not ready, so it does not serve predictions; the \
             failing condition and the predictor's pods say which part is stuck.",
        );
        f = self.isvc_facts(f);
        let pods = self.pods_labelled("serving.kserve.io/inferenceservice", &self.name);
        let (facts, _) = self.pod_facts(&pods);
        if pods.is_empty() {
            f = f.proof(Proof::Fact {
                text: format!(
                    "no pod labelled serving.kserve.io/inferenceservice={} was found",
                    self.name
                ),
            });
        }
        for p in facts {
            f = f.proof(p);
        }
        let ns = &self.ns;
        let name = &self.name;
        f = f
            .fix(format!("kubectl describe inferenceservice {name} -n {ns}"))
            .fix(format!(
                "kubectl get pods -n {ns} -l serving.kserve.io/inferenceservice={name}"
            ));
        if let Some(p) = pods.first().and_then(|p| p.metadata.name.clone()) {
            f = f
                .fix(format!("kubectl logs {p} -n {ns} -c storage-initializer"))
                .fix(format!("kubectl logs {p} -n {ns} -c kserve-container"))
                .act(Act::Logs {
                    namespace: ns.clone(),
                    pod: p,
                    container: "kserve-container".into(),
                    previous: false,
                });
        }
        f
    }

    fn no_runtime(&self, texts: &[String]) -> Finding {
        static TYPE: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"model type: \{(\S+) ([^}]*)\}").unwrap());
        let predictor = &self.obj["spec"]["predictor"];
        let model = &predictor["model"];
        let mut format = json_str(&model["modelFormat"]["name"]).map(str::to_string);
        let mut version = json_str(&model["modelFormat"]["version"]).map(str::to_string);
        let named = json_str(&model["runtime"]).map(str::to_string);
        if format.is_none() {
            const LEGACY: [&str; 10] = [
                "sklearn",
                "xgboost",
                "tensorflow",
                "pytorch",
                "triton",
                "onnx",
                "pmml",
                "lightgbm",
                "paddle",
                "huggingface",
            ];
            format = LEGACY
                .iter()
                .find(|k| predictor[**k].is_object())
                .map(|k| k.to_string());
        }
        if format.is_none()
            && let Some(c) = texts.iter().find_map(|t| TYPE.captures(t))
        {
            format = Some(c[1].to_string());
            if &c[2] != "<nil>" {
                version = Some(c[2].to_string());
            }
        }
        let fmt = format.clone().unwrap_or_else(|| "?".into());
        let runtimes = self.runtimes();
        let matching: Vec<&Runtime> = runtimes
            .iter()
            .filter(|r| r.supports(&fmt, version.as_deref(), named.as_deref()))
            .collect();
        let ns = &self.ns;
        let name = &self.name;
        let label = format!("inferenceservice/{name}");
        let mut f = if let Some(r) = matching.first() {
            Finding::new("kserve.no-runtime", Severity::Warning, ns, &label)
                .title(format!(
                    "InferenceService {name} found no runtime for {fmt}; {} {} supports it now",
                    r.kind, r.name
                ))
                .meaning(
                    "When KServe last reconciled the InferenceService no ServingRuntime supported \
                     its model format; a matching runtime exists now (created or changed since), \
                     and the error stays until KServe reconciles again.",
                )
        } else {
            Finding::new("kserve.no-runtime", Severity::Error, ns, &label)
                .title(format!(
                    "No serving runtime supports model format {fmt} for InferenceService {name}"
                ))
                .meaning(
                    "KServe picks the model server from the ServingRuntimes of the namespace and \
                     the ClusterServingRuntimes that list the predictor's model format (with \
                     autoSelect, unless the predictor names a runtime); none does, so no \
                     predictor is created.",
                )
        };
        f = f.proof(Proof::Fact {
            text: format!(
                "predictor model format: {fmt}{}{}",
                version
                    .as_deref()
                    .map(|v| format!(" version {v}"))
                    .unwrap_or_default(),
                named
                    .as_deref()
                    .map(|r| format!(", runtime {r} named explicitly"))
                    .unwrap_or_default()
            ),
        });
        f = self.isvc_facts(f);
        for kind in ["ServingRuntime", "ClusterServingRuntime"] {
            let listed: Vec<&Runtime> = runtimes.iter().filter(|r| r.kind == kind).collect();
            let state = if self.ev.not_installed.contains(kind) {
                Some(format!("{kind}: the CRD is not installed"))
            } else if !self.ev.custom.contains_key(kind) {
                Some(format!("{kind}s were not read"))
            } else if listed.is_empty() {
                Some(match kind {
                    "ServingRuntime" => format!("no ServingRuntime in {ns}"),
                    _ => "no ClusterServingRuntime".to_string(),
                })
            } else {
                None
            };
            if let Some(s) = state {
                f = f.proof(Proof::Fact { text: s });
            }
            for r in listed {
                f = f.proof(Proof::Fact {
                    text: r.describe(&fmt, self.obj),
                });
            }
        }
        if let Some(r) = matching.first() {
            f = f
                .fix(format!(
                    "KServe retries on its own; to make it reconcile now, touch the object: kubectl annotate inferenceservice {name} -n {ns} kdoc.io/reconcile=\"$(date +%s)\" --overwrite"
                ))
                .fix(format!(
                    "Or pin the runtime: spec.predictor.model.runtime: {}",
                    r.name
                ));
        } else {
            f = f
                .fix(format!(
                    "kubectl get servingruntimes -n {ns}; kubectl get clusterservingruntimes"
                ))
                .fix(format!(
                    "Create a ServingRuntime in {ns} whose spec.supportedModelFormats has {{name: {fmt}{}, autoSelect: true}} and whose container serves it, or install KServe's default ClusterServingRuntimes",
                    version
                        .as_deref()
                        .map(|v| format!(", version: \"{v}\""))
                        .unwrap_or_default()
                ));
            if let Some(r) = runtimes.iter().find(|r| r.lists(&fmt) && !r.disabled) {
                f = f.fix(format!(
                    "{} {} lists {fmt} but is not auto-selected: name it in spec.predictor.model.runtime",
                    r.kind, r.name
                ));
            }
        }
        f.fix(format!("kubectl describe inferenceservice {name} -n {ns}"))
    }

    fn runtimes(&self) -> Vec<Runtime> {
        let mut out = vec![];
        for kind in ["ServingRuntime", "ClusterServingRuntime"] {
            for r in self.ev.custom(kind) {
                if kind == "ServingRuntime"
                    && json_str(&r["metadata"]["namespace"]).is_some_and(|n| n != self.ns)
                {
                    continue;
                }
                let spec = &r["spec"];
                out.push(Runtime {
                    kind,
                    name: json_str(&r["metadata"]["name"])
                        .unwrap_or_default()
                        .to_string(),
                    formats: array(&spec["supportedModelFormats"])
                        .iter()
                        .map(|f| {
                            (
                                json_str(&f["name"]).unwrap_or_default().to_string(),
                                json_str(&f["version"]).map(str::to_string),
                                f["autoSelect"].as_bool() == Some(true),
                            )
                        })
                        .collect(),
                    disabled: spec["disabled"].as_bool() == Some(true),
                    multi_model: spec["multiModel"].as_bool() == Some(true),
                    created: json_time(&r["metadata"]["creationTimestamp"]),
                });
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // Seldon
    // -----------------------------------------------------------------------------------------

    fn seldon(&self) -> Option<Finding> {
        let status = &self.obj["status"];
        let state = json_str(&status["state"]);
        if state == Some("Available") {
            return None;
        }
        if state != Some("Failed") && self.age().is_some_and(|a| a < SETTLING_SECS) {
            return None;
        }
        let pods = self.pods_labelled("seldon-deployment-id", &self.name);
        let (facts, pod_failed) = self.pod_facts(&pods);
        let sev = if state == Some("Failed") || pod_failed {
            Severity::Error
        } else {
            Severity::Warning
        };
        let desc = json_str(&status["description"]);
        let ns = &self.ns;
        let name = &self.name;
        let mut f = Finding::new(
            "seldon.not-available",
            sev,
            ns,
            &format!("seldondeployment/{name}"),
        )
        .title(format!(
            "SeldonDeployment {name} is not available: {}{}",
            state.unwrap_or("no status yet"),
            desc.map(|d| format!(" ({})", clean(d))).unwrap_or_default()
        ))
        .meaning(
            "Seldon marks the deployment Available only when every predictor's Deployment has its \
             replicas available; until then its service does not answer predictions.",
        )
        .proof(Proof::Fact {
            text: format!(
                "status.state: {}{}",
                state.unwrap_or("(none)"),
                desc.map(|d| format!(", description: {}", clean(d)))
                    .unwrap_or_default()
            ),
        });
        if let Some(map) = status["deploymentStatus"].as_object() {
            for (d, s) in map {
                f = f.proof(Proof::Fact {
                    text: format!(
                        "deployment {d}: {} of {} replicas available",
                        s["availableReplicas"].as_i64().unwrap_or(0),
                        s["replicas"].as_i64().unwrap_or(0)
                    ),
                });
            }
        }
        for p in facts {
            f = f.proof(p);
        }
        for p in self.warning_events("SeldonDeployment", 2) {
            f = f.proof(p);
        }
        f = f
            .fix(format!("kubectl describe seldondeployment {name} -n {ns}"))
            .fix(format!(
                "kubectl get pods -n {ns} -l seldon-deployment-id={name}"
            ));
        if let Some(p) = pods.first().and_then(|p| p.metadata.name.clone()) {
            f = f
                .fix(format!("kubectl describe pod {p} -n {ns}"))
                .act(Act::Events {
                    namespace: ns.clone(),
                    object: format!("pod/{p}"),
                });
        }
        Some(f)
    }

    // -----------------------------------------------------------------------------------------
    // Argo
    // -----------------------------------------------------------------------------------------

    fn workflow(&self) -> Vec<Finding> {
        let wf = self.obj;
        let wf_phase = argo::phase(wf);
        let nodes_raw = wf["status"]["nodes"].as_object();
        let pod_values: Vec<Value> = self
            .pods()
            .into_iter()
            .filter_map(|p| serde_json::to_value(p).ok())
            .collect();
        let by_id = argo::pods_by_node_id(&self.name, pod_values.iter());
        let version = argo::pod_name_version(wf);
        let mut nodes: HashMap<String, argo::ArgoNode> = HashMap::new();
        for (k, v) in nodes_raw.into_iter().flatten() {
            let mut n = argo::ArgoNode::from_status(k, v);
            if n.node_type == argo::NodeType::Pod {
                n.pod_name = Some(by_id.get(&n.id).cloned().unwrap_or_else(|| {
                    argo::pod_name(
                        &self.name,
                        &n.name,
                        n.template.as_deref().unwrap_or_default(),
                        &n.id,
                        version,
                    )
                }));
            }
            nodes.insert(n.id.clone(), n);
        }
        // Attempt → its Retry node.
        let mut retry_of: HashMap<&str, &argo::ArgoNode> = HashMap::new();
        for n in nodes.values() {
            if n.node_type == argo::NodeType::Retry {
                for c in &n.children {
                    retry_of.insert(c.as_str(), n);
                }
            }
        }
        let failed = |n: &argo::ArgoNode| matches!(n.phase.as_str(), "Failed" | "Error");
        let mut out = vec![];
        let mut attempts: HashMap<&str, Vec<&argo::ArgoNode>> = HashMap::new();
        let mut singles: Vec<&argo::ArgoNode> = vec![];
        for n in nodes.values() {
            if !matches!(n.node_type, argo::NodeType::Pod | argo::NodeType::Container) || !failed(n)
            {
                continue;
            }
            match retry_of.get(n.id.as_str()) {
                Some(r) if r.phase == "Succeeded" => {}
                Some(r) => attempts.entry(r.id.as_str()).or_default().push(n),
                None => singles.push(n),
            }
        }
        let by_time = |a: &&argo::ArgoNode, b: &&argo::ArgoNode| {
            (a.started_at, &a.name).cmp(&(b.started_at, &b.name))
        };
        let mut reported: Vec<(Option<&argo::ArgoNode>, &argo::ArgoNode, usize)> = vec![];
        for (rid, mut list) in attempts {
            list.sort_by(by_time);
            let n = list.len();
            if let Some(last) = list.last() {
                reported.push((nodes.get(rid), last, n));
            }
        }
        for n in singles {
            reported.push((None, n, 1));
        }
        reported.sort_by(|a, b| by_time(&a.1, &b.1));
        let wf_failed = matches!(wf_phase.as_str(), "Failed" | "Error");
        for (retry, node, count) in &reported {
            out.push(self.step_failed(*retry, node, *count, &wf_phase));
        }
        if wf_failed && reported.is_empty() {
            let msg = argo::message(wf).unwrap_or_else(|| "no message".into());
            out.push(
                Finding::new(
                    "argo.workflow-failed",
                    Severity::Error,
                    &self.ns,
                    &format!("workflow/{}", self.name),
                )
                .title(format!("Workflow {} {}: {}", self.name, wf_phase.to_lowercase(), clean(&msg)))
                .meaning(
                    "The workflow failed without a failed step pod: the controller stopped it \
                     (invalid spec, deadline, missing artifact repository or service account, ...).",
                )
                .proof(Proof::Fact {
                    text: format!("status.phase: {wf_phase}; status.message: {}", clean(&msg)),
                })
                .fix(format!("argo get {} -n {}", self.name, self.ns))
                .fix(format!(
                    "kubectl describe workflow {} -n {}",
                    self.name, self.ns
                )),
            );
        }
        // Steps that did not run because of the failures.
        if wf_failed || !reported.is_empty() {
            let mut skipped: Vec<&argo::ArgoNode> = nodes
                .values()
                .filter(|n| {
                    matches!(n.phase.as_str(), "Omitted" | "Skipped")
                        || n.node_type == argo::NodeType::Skipped
                })
                .collect();
            skipped.sort_by(by_time);
            if !skipped.is_empty() {
                let names: Vec<String> = skipped.iter().map(|n| node_label(n)).collect();
                let mut f = Finding::new(
                    "argo.step-skipped",
                    Severity::Info,
                    &self.ns,
                    &format!("workflow/{}", self.name),
                )
                .title(format!(
                    "{} of workflow {} did not run: {}",
                    if skipped.len() == 1 {
                        "1 step"
                    } else {
                        "Steps"
                    },
                    self.name,
                    names.join(", ")
                ))
                .meaning(
                    "Argo skipped or omitted these steps: their `when` or `depends` condition \
                     was not met once the steps before them failed. They run when the failure is \
                     fixed and the workflow is retried.",
                );
                for n in &skipped {
                    f = f.proof(Proof::Fact {
                        text: format!(
                            "{} ({}): {}",
                            node_label(n),
                            n.phase,
                            n.message.as_deref().map(clean).unwrap_or_default()
                        ),
                    });
                }
                out.push(f.fix(format!("argo get {} -n {}", self.name, self.ns)));
            }
        }
        out
    }

    fn step_failed(
        &self,
        retry: Option<&argo::ArgoNode>,
        node: &argo::ArgoNode,
        attempts: usize,
        wf_phase: &str,
    ) -> Finding {
        static EXIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"exit code (\d+)").unwrap());
        let raw = &self.obj["status"]["nodes"][node.id.as_str()];
        let code = raw["outputs"]["exitCode"]
            .as_str()
            .and_then(|s| s.parse::<i64>().ok())
            .or_else(|| raw["outputs"]["exitCode"].as_i64())
            .or_else(|| {
                node.message
                    .as_deref()
                    .and_then(|m| EXIT.captures(m))
                    .and_then(|c| c[1].parse().ok())
            });
        let step = retry.map(node_label).unwrap_or_else(|| node_label(node));
        let msg = node
            .message
            .clone()
            .unwrap_or_else(|| node.phase.to_lowercase());
        let still_retrying = retry.is_some_and(|r| !matches!(r.phase.as_str(), "Failed" | "Error"));
        let sev = if still_retrying {
            Severity::Warning
        } else {
            Severity::Error
        };
        let pod = node.pod_name.clone().unwrap_or_default();
        let ns = &self.ns;
        let wf = &self.name;
        let mut f = Finding::new("argo.step-failed", sev, ns, &format!("workflow/{wf}"))
            .title(format!(
                "Step {step} of workflow {wf} failed: {}",
                clean(&msg)
            ))
            .meaning(
                "A step's pod ran and failed; the step's `main` container holds your command, and \
                 its log says why. Steps that depend on it do not run.",
            )
            .proof(Proof::Fact {
                text: format!(
                    "node {} (template {}, pod {pod}): {}: {}",
                    node.name,
                    node.template.as_deref().unwrap_or("?"),
                    node.phase,
                    clean(&msg)
                ),
            });
        if let Some(code) = code
            && let Some(m) = exit_code_meaning(code)
        {
            f = f.proof(Proof::Fact {
                text: format!("exit code {code}: {m}"),
            });
        }
        if let Some(r) = retry {
            f = f.proof(Proof::Fact {
                text: format!(
                    "retry node {}: {}{}; {attempts} of {} attempts failed",
                    r.name,
                    r.phase,
                    r.message
                        .as_deref()
                        .map(|m| format!(" ({})", clean(m)))
                        .unwrap_or_default(),
                    r.children.len()
                ),
            });
        }
        f = f.proof(Proof::Fact {
            text: format!(
                "workflow {wf}: {wf_phase}{}",
                argo::message(self.obj)
                    .map(|m| format!(": {}", clean(&m)))
                    .unwrap_or_default()
            ),
        });
        if let Some(s) = self.container_state(&pod, "main") {
            f = f.proof(s);
        }
        let mut hints = vec![];
        if let Some(log) = self.ev.log(&pod, "main", false) {
            for p in log_tail(log, LOG_TAIL) {
                f = f.proof(p);
            }
            hints = log_hints(log);
        }
        for h in hints {
            f = f.fix(h);
        }
        f = f
            .fix(format!("argo logs {wf} {pod} -n {ns} -c main"))
            .fix(format!("kubectl logs {pod} -n {ns} -c main"));
        if matches!(wf_phase, "Failed" | "Error") {
            f = f.fix(format!("After fixing it: argo retry {wf} -n {ns}"));
        }
        f.act(Act::Logs {
            namespace: ns.clone(),
            pod,
            container: "main".into(),
            previous: false,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Tekton
    // -----------------------------------------------------------------------------------------

    fn taskruns(&self) -> HashMap<String, Value> {
        self.ev
            .custom("TaskRun")
            .iter()
            .filter(|t| json_str(&t["metadata"]["namespace"]).is_none_or(|n| n == self.ns))
            .filter_map(|t| json_str(&t["metadata"]["name"]).map(|n| (n.to_string(), t.clone())))
            .collect()
    }

    fn pipeline_run(&self) -> Vec<Finding> {
        static FAILED_TR: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"TaskRun (\S+) has failed").unwrap());
        let trs = self.taskruns();
        let tree = tekton::pipeline_run(self.obj, &trs);
        let ns = &self.ns;
        let pr = &self.name;
        let mut out = vec![];
        for t in &tree.tasks {
            let obj = trs.get(&t.name);
            match t.phase.as_str() {
                "Failed" => out.push(self.task_failed(t, obj, Some(pr))),
                "Pending" => out.extend(self.task_pending(t, obj)),
                _ => {}
            }
        }
        if tree.phase == "Failed" && !out.iter().any(|f| f.id == "tekton.task-failed") {
            let msg = tree.message.clone().unwrap_or_default();
            let mut f = Finding::new(
                "tekton.run-failed",
                Severity::Error,
                ns,
                &format!("pipelinerun/{pr}"),
            )
            .title(format!(
                "PipelineRun {pr} failed ({}): {}",
                tree.reason.as_deref().unwrap_or("Failed"),
                clean(&msg)
            ))
            .meaning(
                "The PipelineRun failed; its message names what failed (a TaskRun, a timeout, a \
                 pipeline that could not be resolved).",
            )
            .proof(Proof::Fact {
                text: format!(
                    "condition Succeeded=False ({}): {}",
                    tree.reason.as_deref().unwrap_or_default(),
                    clean(&msg)
                ),
            });
            if !self.ev.custom.contains_key("TaskRun") {
                f = f.proof(Proof::Fact {
                    text: "its TaskRuns were not read".into(),
                });
            }
            for p in &tree.problems {
                f = f.proof(Proof::Fact { text: p.clone() });
            }
            if let Some(c) = FAILED_TR.captures(&msg) {
                f = f.fix(format!("tkn taskrun logs {} -n {ns}", &c[1]));
            }
            f = f
                .fix(format!("tkn pipelinerun describe {pr} -n {ns}"))
                .fix(format!("tkn pipelinerun logs {pr} -n {ns}"));
            out.push(f);
        }
        let succeeded = tree.phase == "Succeeded";
        for (i, (task, reason)) in tree.skipped.iter().enumerate() {
            if succeeded && reason.contains("When Expressions") {
                continue;
            }
            let raw = &self.obj["status"]["skippedTasks"][i];
            out.push(self.task_skipped(task, reason, raw, &tree));
        }
        out
    }

    fn task_run(&self) -> Vec<Finding> {
        let t = tekton::task_run(self.obj);
        match t.phase.as_str() {
            "Failed" => vec![self.task_failed(&t, Some(self.obj), None)],
            "Pending" => self.task_pending(&t, Some(self.obj)).into_iter().collect(),
            _ => vec![],
        }
    }

    /// The TaskRun's pod: `status.podName`, the pod named in the failure message, or the pod
    /// labelled `tekton.dev/taskRun=<name>`.
    fn task_pod(&self, t: &tekton::TaskRunInfo) -> Option<String> {
        static LOGS: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"logs (\S+) -c (\S+)").unwrap());
        t.pod_name
            .clone()
            .or_else(|| {
                t.message
                    .as_deref()
                    .and_then(|m| LOGS.captures(m))
                    .map(|c| c[1].to_string())
            })
            .or_else(|| {
                self.pods_labelled(tekton::LABEL_TASK_RUN, &t.name)
                    .first()
                    .and_then(|p| p.metadata.name.clone())
            })
    }

    fn task_failed(
        &self,
        t: &tekton::TaskRunInfo,
        obj: Option<&Value>,
        pipeline_run: Option<&str>,
    ) -> Finding {
        static STEP: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r#""(step-[^"]+)" exited with code (\d+)"#).unwrap());
        let ns = &self.ns;
        let tr = &t.name;
        let msg = t.message.clone().unwrap_or_default();
        let failing = t
            .steps
            .iter()
            .find(|s| s.exit_code.is_some_and(|c| c != 0))
            .or_else(|| {
                t.steps.iter().find(|s| {
                    matches!(
                        s.termination_reason.as_deref(),
                        Some("TimeoutExceeded") | Some("Error")
                    ) || s
                        .reason
                        .as_deref()
                        .is_some_and(|r| r.contains("BackOff") || r.contains("Err"))
                })
            });
        let (container, code) = match failing {
            Some(s) => (Some(s.container.clone()), s.exit_code.map(i64::from)),
            None => match STEP.captures(&msg) {
                Some(c) => (Some(c[1].to_string()), c[2].parse().ok()),
                None => (None, None),
            },
        };
        let task = t.pipeline_task.clone().unwrap_or_else(|| tr.clone());
        let title = match (&container, code) {
            (Some(c), Some(code)) => format!("Task {task} failed: {c} exited with code {code}"),
            (Some(c), None) => format!("Task {task} failed in {c}"),
            _ => format!(
                "Task {task} failed: {}",
                clean(t.reason.as_deref().unwrap_or("Failed"))
            ),
        };
        let mut f = Finding::new(
            "tekton.task-failed",
            Severity::Error,
            ns,
            &format!("taskrun/{tr}"),
        )
        .title(title)
        .meaning(match pipeline_run {
            Some(_) => "A TaskRun of the pipeline failed: one of its steps exited non-zero (or the run timed out), so the steps after it and the tasks that run after it did not run.",
            None => "The TaskRun failed: one of its steps exited non-zero (or the run timed out), so the steps after it did not run.",
        })
        .proof(Proof::Fact {
            text: format!(
                "condition Succeeded=False ({}): {}",
                t.reason.as_deref().unwrap_or_default(),
                clean(&msg)
            ),
        });
        if let Some(s) = failing {
            let mut text = s.state.clone();
            if let Some(c) = s.exit_code {
                text = format!("{text}, exit code {c}");
            }
            if let Some(m) = &s.message {
                text = format!("{text}: {}", clean(m));
            }
            f = f.proof(Proof::State {
                pod: self.task_pod(t).unwrap_or_default(),
                container: s.container.clone(),
                text,
            });
        }
        if let Some(m) = code.and_then(exit_code_meaning) {
            f = f.proof(Proof::Fact {
                text: format!("exit code {}: {m}", code.unwrap_or_default()),
            });
        }
        let pod = self.task_pod(t);
        let mut hints = vec![];
        if let (Some(p), Some(c)) = (&pod, &container)
            && let Some(log) = self.ev.log(p, c, false)
        {
            for l in log_tail(log, LOG_TAIL) {
                f = f.proof(l);
            }
            hints = log_hints(log);
        }
        if obj.is_none() {
            f = f.proof(Proof::Fact {
                text: format!("TaskRun {tr} itself was not read"),
            });
        }
        for p in self.ev.events_of("TaskRun", ns, tr).iter().rev().take(1) {
            f = f.proof(event_proof(p, self.now));
        }
        for h in hints {
            f = f.fix(h);
        }
        f = f.fix(format!("tkn taskrun logs {tr} -n {ns}"));
        match (&pod, &container) {
            (Some(p), Some(c)) => {
                f = f.fix(format!("kubectl logs {p} -n {ns} -c {c}"));
            }
            (None, Some(c)) => {
                f = f.fix(format!(
                    "kubectl logs -n {ns} -l tekton.dev/taskRun={tr} -c {c}"
                ));
            }
            _ => {}
        }
        if let Some(pr) = pipeline_run {
            f = f.fix(format!("tkn pipelinerun describe {pr} -n {ns}"));
        }
        if let (Some(p), Some(c)) = (pod, container) {
            f = f.act(Act::Logs {
                namespace: ns.clone(),
                pod: p,
                container: c,
                previous: false,
            });
        }
        f
    }

    fn task_pending(&self, t: &tekton::TaskRunInfo, obj: Option<&Value>) -> Option<Finding> {
        let since = t
            .started
            .or_else(|| obj.and_then(|o| json_time(&o["metadata"]["creationTimestamp"])))?;
        let waited = secs_between(since, self.now);
        if waited < PENDING_SECS {
            return None;
        }
        let ns = &self.ns;
        let tr = &t.name;
        let pod = self.task_pod(t);
        let mut f = Finding::new(
            "tekton.task-pending",
            Severity::Warning,
            ns,
            &format!("taskrun/{tr}"),
        )
        .title(format!(
            "TaskRun {tr} has been pending for {}",
            crate::core::age::age_since(since, self.now)
        ))
        .meaning(
            "The TaskRun's pod has not started its steps: it is not scheduled, its images cannot \
             be pulled or its volumes mounted; the pod's own status and events say which.",
        );
        if let Some(m) = &t.message {
            f = f.proof(Proof::Fact {
                text: format!(
                    "condition Succeeded=Unknown ({}): {}",
                    t.reason.as_deref().unwrap_or_default(),
                    clean(m)
                ),
            });
        }
        let waiting: BTreeSet<String> = t.steps.iter().filter_map(|s| s.reason.clone()).collect();
        if !waiting.is_empty() {
            f = f.proof(Proof::Fact {
                text: format!(
                    "{} steps waiting: {}",
                    t.steps.len(),
                    waiting.into_iter().collect::<Vec<_>>().join(", ")
                ),
            });
        }
        match pod {
            Some(p) => {
                if let Some(pod) = self.pod(&p) {
                    f = f.proof(Proof::Fact {
                        text: format!("pod {p}: {}", pod_status(pod)),
                    });
                }
                f = f
                    .fix(format!("kubectl describe pod {p} -n {ns}"))
                    .act(Act::Events {
                        namespace: ns.clone(),
                        object: format!("pod/{p}"),
                    });
            }
            None => {
                f = f.fix(format!(
                    "kubectl get pods -n {ns} -l tekton.dev/taskRun={tr}"
                ));
            }
        }
        Some(f.fix(format!("tkn taskrun describe {tr} -n {ns}")))
    }

    fn task_skipped(
        &self,
        task: &str,
        reason: &str,
        raw: &Value,
        tree: &tekton::PipelineRunTree,
    ) -> Finding {
        let pr = &self.name;
        let ns = &self.ns;
        let failure_cascade = !reason.contains("When Expressions");
        let sev = if failure_cascade && tree.phase != "Succeeded" {
            Severity::Warning
        } else {
            Severity::Info
        };
        let meaning = if reason.contains("stopping") {
            "A task failed, so the PipelineRun stopped scheduling new tasks; this task never ran."
        } else if reason.contains("Parent Tasks were skipped") {
            "A task it runs after was skipped, so it was skipped too."
        } else if reason.contains("Results were missing") {
            "It needs a result that an earlier task did not produce."
        } else if reason.contains("When Expressions") {
            "Its `when` expressions evaluated to false, so it was not meant to run."
        } else if reason.contains("timeout") || reason.contains("cancel") {
            "The PipelineRun timed out or was cancelled before this task could start."
        } else {
            "Tekton skipped the task; the reason says why."
        };
        let mut f = Finding::new("tekton.task-skipped", sev, ns, &format!("pipelinerun/{pr}"))
            .title(format!("Task {task} of {pr} was skipped: {reason}"))
            .meaning(meaning);
        // What it runs after, and how those ended.
        let spec_tasks = array(&self.obj["status"]["pipelineSpec"]["tasks"]);
        let spec_tasks = if spec_tasks.is_empty() {
            array(&self.obj["spec"]["pipelineSpec"]["tasks"])
        } else {
            spec_tasks
        };
        if let Some(t) = spec_tasks.iter().find(|t| t["name"].as_str() == Some(task)) {
            let after: Vec<String> = array(&t["runAfter"])
                .iter()
                .filter_map(Value::as_str)
                .map(|a| {
                    let phase = tree
                        .tasks
                        .iter()
                        .find(|x| x.pipeline_task.as_deref() == Some(a))
                        .map(|x| x.phase.clone())
                        .or_else(|| {
                            tree.skipped
                                .iter()
                                .any(|(n, _)| n == a)
                                .then(|| "Skipped".to_string())
                        })
                        .unwrap_or_else(|| "unknown".into());
                    format!("{a} ({phase})")
                })
                .collect();
            if !after.is_empty() {
                f = f.proof(Proof::Fact {
                    text: format!("{task} runs after {}", after.join(", ")),
                });
            }
        }
        for w in array(&raw["whenExpressions"]) {
            let values: Vec<&str> = array(&w["values"])
                .iter()
                .filter_map(Value::as_str)
                .collect();
            f = f.proof(Proof::Fact {
                text: format!(
                    "when: {:?} {} [{}]",
                    w["input"].as_str().unwrap_or_default(),
                    w["operator"].as_str().unwrap_or_default(),
                    values.join(", ")
                ),
            });
        }
        if failure_cascade && tree.phase != "Succeeded" {
            f = f.fix(format!(
                "Fix the failed task first; then rerun the pipeline: tkn pipeline start {} -n {ns} (or re-apply the PipelineRun)",
                json_str(&self.obj["spec"]["pipelineRef"]["name"]).unwrap_or("PIPELINE")
            ));
        }
        f.fix(format!("tkn pipelinerun describe {pr} -n {ns}"))
    }
}

/// A node as `argo get` names it: its display name, else its name.
fn node_label(n: &argo::ArgoNode) -> String {
    if n.display_name.is_empty() {
        n.name.clone()
    } else {
        n.display_name.clone()
    }
}

struct Runtime {
    kind: &'static str,
    name: String,
    /// (format, version, autoSelect).
    formats: Vec<(String, Option<String>, bool)>,
    disabled: bool,
    multi_model: bool,
    created: Option<Timestamp>,
}

impl Runtime {
    fn lists(&self, format: &str) -> bool {
        self.formats
            .iter()
            .any(|(n, _, _)| n.eq_ignore_ascii_case(format))
    }

    /// KServe's choice: not disabled, single-model, lists the format (and version, when the
    /// predictor gives one), and auto-selected unless the predictor names this runtime.
    fn supports(&self, format: &str, version: Option<&str>, named: Option<&str>) -> bool {
        if self.disabled || self.multi_model {
            return false;
        }
        if named.is_some_and(|n| n != self.name) {
            return false;
        }
        self.formats.iter().any(|(n, v, auto)| {
            n.eq_ignore_ascii_case(format)
                && (*auto || named.is_some())
                && match (version, v) {
                    (None, _) => true,
                    (Some(want), Some(have)) => {
                        want == have
                            || want.starts_with(&format!("{have}."))
                            || have.starts_with(&format!("{want}."))
                    }
                    (Some(_), None) => false,
                }
        })
    }

    fn describe(&self, format: &str, isvc: &Value) -> String {
        let formats: Vec<String> = self
            .formats
            .iter()
            .map(|(n, v, auto)| {
                format!(
                    "{n}{}{}",
                    v.as_deref().map(|v| format!(" v{v}")).unwrap_or_default(),
                    if *auto { " (autoSelect)" } else { "" }
                )
            })
            .collect();
        let mut s = format!(
            "{} {}: {}",
            self.kind,
            self.name,
            if formats.is_empty() {
                "no supportedModelFormats".to_string()
            } else {
                formats.join(", ")
            }
        );
        if self.disabled {
            s.push_str("; disabled");
        }
        if self.multi_model {
            s.push_str("; multi-model (ModelMesh) only");
        }
        if self.lists(format) {
            // A runtime made after the InferenceService failed explains a stale error.
            let failed_at = array(&isvc["status"]["conditions"])
                .iter()
                .find(|c| c["type"].as_str() == Some("Ready"))
                .and_then(|c| json_time(&c["lastTransitionTime"]));
            if let (Some(c), Some(f)) = (self.created, failed_at)
                && c > f
            {
                s.push_str("; created after the InferenceService's Ready condition last changed");
            }
        }
        s
    }
}
