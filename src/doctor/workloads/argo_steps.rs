//! Argo Workflows: failed or errored step nodes with their message and exit code, and the steps omitted or skipped because of them.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn workflow(&self) -> Vec<Finding> {
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

    pub(super) fn step_failed(
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
}

/// A node as `argo get` names it: its display name, else its name.
pub(super) fn node_label(n: &argo::ArgoNode) -> String {
    if n.display_name.is_empty() {
        n.name.clone()
    } else {
        n.display_name.clone()
    }
}
