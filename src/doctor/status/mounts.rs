//! Volumes that cannot be mounted (a configmap, secret or claim that does not exist or is not bound), and pods that failed as a whole.

use super::*;

impl<'a> PodCheck<'a> {
    pub(super) fn pod_failed(&self) -> Option<Finding> {
        if self.phase() != "Failed" {
            return None;
        }
        let reason = json_str(&self.v["status"]["reason"])?;
        let message = json_str(&self.v["status"]["message"]).unwrap_or_default();
        let meaning = match reason {
            "Evicted" => {
                "The kubelet evicted the pod to relieve pressure on its node (memory, disk or PIDs); it will not restart, its controller makes a new one."
            }
            "Preempting" | "Preempted" => {
                "The pod was stopped to make room for a pod of higher priority."
            }
            r if r.starts_with("OutOf") => {
                "The node's kubelet refused the pod at admission: the node did not have the resources the pod requests, although the scheduler thought it had."
            }
            "NodeAffinity" => {
                "The kubelet rejected the pod because the node no longer matches its node affinity or selector."
            }
            "DeadlineExceeded" => {
                "The pod ran longer than its activeDeadlineSeconds and was stopped."
            }
            "Shutdown" | "Terminated" | "NodeShutdown" => {
                "The pod was stopped because its node shut down."
            }
            _ => "The pod failed for a reason of its node or lifecycle, not of a container.",
        };
        let mut f = self
            .finding("status.pod-failed", Severity::Warning)
            .title(format!("Pod failed: {reason}"))
            .meaning(meaning);
        if !message.is_empty() {
            f = f.proof(Proof::Fact {
                text: format!("status.message: {}", clean(message)),
            });
        }
        if let Some(node) = json_str(&self.v["spec"]["nodeName"]) {
            f = f.proof(Proof::Fact {
                text: format!("node: {node}"),
            });
            f = f.fix(format!("kubectl describe node {node}"));
        }
        Some(
            f.fix(format!(
                "A failed pod is not restarted; once understood, delete it: kubectl delete pod {} -n {}",
                self.name, self.ns
            ))
            .act(self.act_events()),
        )
    }

    // -----------------------------------------------------------------------------------------
    // Volumes
    // -----------------------------------------------------------------------------------------

    pub(super) fn mounts(&self) -> Vec<Finding> {
        static SETUP: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r#"MountVolume\.\w+ failed for volume "([^"]+)"\s*:\s*(.*)"#).unwrap()
        });
        static UNMOUNTED: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"unmounted volumes=\[([^\]]*)\]").unwrap());
        // Only a pod on a node has its volumes mounted (an unscheduled one is `status.pending`).
        if self.phase() != "Pending" || json_str(&self.v["spec"]["nodeName"]).is_none() {
            return vec![];
        }
        let mut problems: BTreeMap<String, VolumeProblem> = BTreeMap::new();
        let mut general: Vec<&Event> = vec![];
        for e in self.events.iter().copied().filter(|e| {
            matches!(
                e.reason.as_deref(),
                Some("FailedMount") | Some("FailedAttachVolume")
            )
        }) {
            let m = e.message.as_deref().unwrap_or_default();
            if let Some(c) = SETUP.captures(m) {
                let p = problems.entry(c[1].to_string()).or_default();
                p.events.push(e);
                if p.cause.is_none() {
                    p.cause = Some(MountCause::parse(&c[2]));
                }
            } else if let Some(c) = UNMOUNTED.captures(m) {
                for v in c[1].split_whitespace() {
                    problems.entry(v.to_string()).or_default().events.push(e);
                }
            } else {
                general.push(e);
            }
        }
        // The spec, checked against what exists (a missing ConfigMap fails the mount even when
        // the event has expired or was not read).
        for vol in self.v["spec"]["volumes"].as_array().into_iter().flatten() {
            let Some(vname) = json_str(&vol["name"]) else {
                continue;
            };
            for (kind, name, optional) in volume_refs(vol) {
                if optional {
                    continue;
                }
                let map = match kind {
                    "secret" => &self.ev.secrets,
                    _ => &self.ev.config_maps,
                };
                let Some(map) = map else { continue };
                if map.get(&self.ns).is_some_and(|s| s.contains(&name)) {
                    continue;
                }
                let p = problems.entry(vname.to_string()).or_default();
                p.facts.push(format!(
                    "volume {vname} refers to {kind} {name}, which does not exist in {}",
                    self.ns
                ));
                let elsewhere: Vec<&str> = map
                    .iter()
                    .filter(|(ns, names)| **ns != self.ns && names.contains(&name))
                    .map(|(ns, _)| ns.as_str())
                    .collect();
                if !elsewhere.is_empty() {
                    p.facts.push(format!(
                        "a {kind} named {name} exists in namespace {} (they are not shared across namespaces)",
                        elsewhere.join(", ")
                    ));
                    p.copy_from = elsewhere.first().map(|s| s.to_string());
                }
                if p.cause.is_none() {
                    p.cause = Some(if kind == "secret" {
                        MountCause::MissingSecret(name.clone())
                    } else {
                        MountCause::MissingConfigMap(name.clone())
                    });
                }
            }
            if let Some(claim) = json_str(&vol["persistentVolumeClaim"]["claimName"]) {
                let state = self.pvc_state(claim);
                if self.ev.pvcs.is_some() && !state.contains(" is Bound") {
                    let p = problems.entry(vname.to_string()).or_default();
                    p.facts.push(state);
                    if p.cause.is_none() {
                        p.cause = Some(MountCause::Pvc(claim.to_string()));
                    }
                }
            }
        }
        let mut out = vec![];
        for (vname, p) in problems {
            out.push(self.mount_finding(&vname, p));
        }
        if !general.is_empty() {
            let mut f = self
                .finding("status.failed-mount", Severity::Error)
                .title("Volumes cannot be attached or mounted")
                .meaning("The kubelet cannot set up the pod's volumes, so its containers are never created.");
            for e in general.iter().rev().take(3) {
                f = f.proof(event_proof(e, self.now));
            }
            out.push(f.fix(self.describe()).act(self.act_events()));
        }
        out
    }

    pub(super) fn mount_finding(&self, vname: &str, p: VolumeProblem) -> Finding {
        let ns = &self.ns;
        let vol = self.v["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|v| v["name"].as_str() == Some(vname))
            .cloned()
            .unwrap_or(Value::Null);
        let node = json_str(&self.v["spec"]["nodeName"]).unwrap_or("its node");
        let mut fixes = vec![];
        let what = match &p.cause {
            Some(MountCause::MissingConfigMap(n)) => {
                if let Some(from) = &p.copy_from {
                    fixes.push(format!(
                        "kubectl get configmap {n} -n {from} -o json | jq 'del(.metadata.namespace,.metadata.uid,.metadata.resourceVersion,.metadata.creationTimestamp)' | kubectl apply -n {ns} -f -"
                    ));
                }
                fixes.push(format!(
                    "kubectl create configmap {n} -n {ns} {}",
                    from_file_flags(&vol["configMap"])
                ));
                fixes.push(format!(
                    "Or, if the pod can run without it, mark the volume optional: configMap: {{name: {n}, optional: true}}"
                ));
                format!("configmap {n} not found")
            }
            Some(MountCause::MissingSecret(n)) => {
                if let Some(from) = &p.copy_from {
                    fixes.push(format!(
                        "Copy it from {from}: kubectl get secret {n} -n {from} -o json | jq 'del(.metadata.namespace,.metadata.uid,.metadata.resourceVersion,.metadata.creationTimestamp)' | kubectl apply -n {ns} -f -"
                    ));
                }
                fixes.push(format!(
                    "kubectl create secret generic {n} -n {ns} --from-literal=KEY=VALUE"
                ));
                format!("secret {n} not found")
            }
            Some(MountCause::Pvc(n)) => {
                fixes.push(format!("kubectl describe pvc {n} -n {ns}"));
                fixes.push("kubectl get storageclass".into());
                format!("PersistentVolumeClaim {n} is not usable")
            }
            Some(MountCause::HostPath(path, kind)) => {
                fixes.push(format!(
                    "Create {path} on {node} as a {kind}, or set hostPath.type to {} (or \"\" to skip the check)",
                    if kind == "directory" { "DirectoryOrCreate" } else { "FileOrCreate" }
                ));
                format!("hostPath {path} is not a {kind} on {node}")
            }
            Some(MountCause::Other(t)) => t.clone(),
            None => "it cannot be mounted".into(),
        };
        let mut f = self
            .finding("status.failed-mount", Severity::Error)
            .title(format!("Volume {vname} cannot be mounted: {what}"))
            .meaning(
                "The kubelet mounts every volume before it creates the containers; until this one \
                 mounts, the pod stays in ContainerCreating and retries with a back-off.",
            );
        for e in p.events.iter().rev().take(3).rev() {
            f = f.proof(event_proof(e, self.now));
        }
        for t in p.facts {
            f = f.proof(Proof::Fact { text: t });
        }
        for l in fixes {
            f = f.fix(l);
        }
        f.fix(self.describe()).act(self.act_events())
    }

    // -----------------------------------------------------------------------------------------
    // Probes
    // -----------------------------------------------------------------------------------------
}

#[derive(Default)]
pub(super) struct VolumeProblem<'a> {
    events: Vec<&'a Event>,
    facts: Vec<String>,
    cause: Option<MountCause>,
    /// A namespace where the missing ConfigMap/Secret does exist.
    copy_from: Option<String>,
}

pub(super) enum MountCause {
    MissingConfigMap(String),
    MissingSecret(String),
    Pvc(String),
    /// (path, what it should be).
    HostPath(String, String),
    Other(String),
}

impl MountCause {
    fn parse(s: &str) -> MountCause {
        static NOT_FOUND: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r#"(configmap|secret|persistentvolumeclaim) "([^"]+)" not found"#).unwrap()
        });
        static HOSTPATH: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"hostPath type check failed: (\S+) is not a (\w+(?: \w+)?)").unwrap()
        });
        if let Some(c) = NOT_FOUND.captures(s) {
            let n = c[2].to_string();
            return match &c[1] {
                "configmap" => MountCause::MissingConfigMap(n),
                "secret" => MountCause::MissingSecret(n),
                _ => MountCause::Pvc(n),
            };
        }
        if let Some(c) = HOSTPATH.captures(s) {
            return MountCause::HostPath(c[1].to_string(), c[2].to_string());
        }
        MountCause::Other(clean(s))
    }
}

/// ConfigMaps and Secrets a volume refers to: (kind, name, optional). The per-namespace CA
/// bundles every projected service-account volume carries are left out.
pub(super) fn volume_refs(vol: &Value) -> Vec<(&'static str, String, bool)> {
    let mut out = vec![];
    let opt = |v: &Value| v["optional"].as_bool() == Some(true);
    if let Some(n) = json_str(&vol["configMap"]["name"]) {
        out.push(("configmap", n.to_string(), opt(&vol["configMap"])));
    }
    if let Some(n) = json_str(&vol["secret"]["secretName"]) {
        out.push(("secret", n.to_string(), opt(&vol["secret"])));
    }
    for s in vol["projected"]["sources"].as_array().into_iter().flatten() {
        if let Some(n) = json_str(&s["configMap"]["name"])
            && n != "kube-root-ca.crt"
            && n != "openshift-service-ca.crt"
        {
            out.push(("configmap", n.to_string(), opt(&s["configMap"])));
        }
        if let Some(n) = json_str(&s["secret"]["name"]) {
            out.push(("secret", n.to_string(), opt(&s["secret"])));
        }
    }
    out
}

/// `--from-file=KEY=PATH` flags for a ConfigMap volume's items, or a placeholder.
pub(super) fn from_file_flags(cm: &Value) -> String {
    let items: Vec<String> = cm["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| json_str(&i["key"]).map(|k| format!("--from-file={k}=PATH")))
        .collect();
    if items.is_empty() {
        "--from-file=PATH".into()
    } else {
        items.join(" ")
    }
}

pub(super) fn literal_flags(keys: &[String]) -> String {
    if keys.is_empty() {
        "--from-literal=KEY=VALUE".into()
    } else {
        keys.iter()
            .map(|k| format!("--from-literal={k}=VALUE"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}
