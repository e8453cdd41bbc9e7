//! KServe InferenceServices (not Ready, no runtime for the model's format) and SeldonDeployments (not Available), with their conditions and pods.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn inference_service(&self) -> Vec<Finding> {
        static NO_RUNTIME: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)no runtime found|NoSupportingRuntime|does not support specified framework|specified runtime .* (does not exist|is disabled|not found)").unwrap()
        });
        let status = &self.obj["status"];
        let conds = array(&status["conditions"]);
        let ready = conds.iter().find(|c| c["type"].as_str() == Some("Ready"));
        if ready.is_some_and(|c| c["status"].as_str() == Some("True")) {
            // Ready now; a "no runtime" event still on record is the history of how it got
            // here (runbook 002), worth a note rather than silence.
            let past: Vec<String> = self
                .ev
                .events_of("InferenceService", &self.ns, &self.name)
                .iter()
                .filter_map(|e| e.message.clone())
                .collect();
            if past.iter().any(|t| NO_RUNTIME.is_match(t)) {
                let mut f = self.no_runtime(&past);
                f.severity = Severity::Info;
                f.title = format!("{} (resolved: it is Ready now)", f.title);
                return vec![f];
            }
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

    pub(super) fn isvc_facts(&self, mut f: Finding) -> Finding {
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

    pub(super) fn isvc_not_ready(&self, ready: Option<&Value>) -> Finding {
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

    pub(super) fn no_runtime(&self, texts: &[String]) -> Finding {
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

    pub(super) fn runtimes(&self) -> Vec<Runtime> {
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

    pub(super) fn seldon(&self) -> Option<Finding> {
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
}

pub(super) struct Runtime {
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
