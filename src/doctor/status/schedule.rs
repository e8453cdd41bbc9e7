//! Pods the scheduler cannot place: the FailedScheduling message taken apart (resources, node selectors and affinity, taints, volumes) against what the pod asks for.

use super::*;

impl<'a> PodCheck<'a> {
    pub(super) fn pending(&self) -> Option<Finding> {
        if self.phase() != "Pending" || json_str(&self.v["spec"]["nodeName"]).is_some() {
            return None;
        }
        let cond = self.v["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["type"].as_str() == Some("PodScheduled"));
        if cond.is_some_and(|c| c["status"].as_str() == Some("True")) {
            return None;
        }
        let failed: Vec<&Event> = self
            .events_with("FailedScheduling")
            .into_iter()
            .filter(|e| {
                !e.message
                    .as_deref()
                    .unwrap_or_default()
                    .starts_with("skip schedule deleting pod")
            })
            .collect();
        let latest = failed.last().copied();
        let message = latest
            .and_then(|e| e.message.clone())
            .or_else(|| cond.and_then(|c| json_str(&c["message"]).map(str::to_string)));
        let ns = &self.ns;
        let mut f = self.finding("status.pending", Severity::Error);
        let age = self.age_secs();
        if let Some(a) = age {
            f = f.proof(Proof::Fact {
                text: format!(
                    "Pending and not scheduled for {}",
                    crate::core::age::human_duration(std::time::Duration::from_secs(
                        a.max(0) as u64
                    ))
                ),
            });
        }
        let gates: Vec<&str> = self.v["spec"]["schedulingGates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| json_str(&g["name"]))
            .collect();
        if !gates.is_empty() {
            return Some(
                f.title(format!(
                    "Pod is held back from scheduling by gates: {}",
                    gates.join(", ")
                ))
                .meaning(
                    "The scheduler ignores a pod while spec.schedulingGates is not empty; \
                     whatever added the gates must remove them.",
                )
                .fix(format!(
                    "Find the controller that owns the gates ({}) and why it has not removed them",
                    gates.join(", ")
                ))
                .act(self.act_events()),
            );
        }
        let Some(message) = message else {
            if age.is_some_and(|a| a < SCHEDULING_GRACE_SECS) {
                return None;
            }
            let scheduler =
                json_str(&self.v["spec"]["schedulerName"]).unwrap_or("default-scheduler");
            f.severity = Severity::Warning;
            let mut f = f
                .title("Pod is Pending and not scheduled, and nothing says why")
                .meaning(
                    "No FailedScheduling event and no PodScheduled condition: the scheduler has \
                     not looked at the pod yet, or the scheduler it names is not running.",
                )
                .proof(Proof::Fact {
                    text: format!("spec.schedulerName: {scheduler}"),
                });
            if self.ev.events.is_none() {
                f = f.proof(Proof::Fact {
                    text: "events were not read, so a FailedScheduling event may exist".into(),
                });
            }
            if scheduler != "default-scheduler" {
                f = f.fix(format!(
                    "The pod asks for scheduler {scheduler}: check that it runs (kubectl get pods -A | grep {scheduler})"
                ));
            }
            return Some(
                f.fix(format!(
                    "kubectl get events -n {ns} --field-selector involvedObject.name={}",
                    self.name
                ))
                .fix("kubectl get pods -n kube-system -l component=kube-scheduler")
                .act(self.act_events()),
            );
        };
        let parsed = Unschedulable::parse(&message);
        f = f
            .title(format!("Pod cannot be scheduled: {}", parsed.summary))
            .meaning(
                "No node passes the scheduler's filters, so the pod waits in Pending; the \
                 scheduler retries when nodes or pods change, but nothing will change by itself.",
            );
        if let Some(e) = latest {
            f = f.proof(event_proof(e, self.now));
        } else {
            f = f.proof(Proof::Fact {
                text: format!(
                    "condition PodScheduled=False (Unschedulable): {}",
                    clean(&message)
                ),
            });
        }
        let mut fixes = vec![];
        for item in &parsed.items {
            self.explain_unschedulable(item, &mut f, &mut fixes);
        }
        if let Some(p) = &parsed.preemption {
            f = f.proof(Proof::Fact {
                text: format!("preemption: {p}"),
            });
        }
        let mut seen = BTreeSet::new();
        for l in fixes {
            if seen.insert(l.clone()) {
                f = f.fix(l);
            }
        }
        Some(f.fix(self.describe()).act(self.act_events()))
    }

    pub(super) fn explain_unschedulable(
        &self,
        item: &Reason,
        f: &mut Finding,
        fixes: &mut Vec<String>,
    ) {
        let ns = &self.ns;
        let mut fact = |text: String| f.evidence.push(Proof::Fact { text });
        match &item.kind {
            ReasonKind::Insufficient(res) => {
                let asks = self.requests_of(res);
                if asks.is_empty() {
                    fact(format!(
                        "the pod requests no {res} itself (init containers or overhead may)"
                    ));
                } else {
                    fact(format!(
                        "the pod requests {res}: {}",
                        asks.iter()
                            .map(|(c, q)| format!("{c} {q}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if let Some(nodes) = &self.ev.nodes {
                    let mut any = false;
                    for n in nodes {
                        let name = n.metadata.name.as_deref().unwrap_or_default();
                        let alloc = n
                            .status
                            .as_ref()
                            .and_then(|s| s.allocatable.as_ref())
                            .and_then(|a| a.get(res.as_str()));
                        if let Some(q) = alloc {
                            any = true;
                            fact(format!("node {name} can allocate {res} {}", q.0));
                        }
                    }
                    if !any && res.contains('/') {
                        fact(format!("no node advertises {res}"));
                    }
                }
                if res.contains('/') {
                    fixes.push(format!(
                        "No node has {res} free: check the device plugin that advertises it (kubectl get nodes -o custom-columns='NAME:.metadata.name,{res}:.status.allocatable.{}')",
                        res.replace('.', "\\.")
                    ));
                    fixes.push(format!(
                        "Add a node with {res} (or let the autoscaler add one), or remove the {res} request"
                    ));
                } else {
                    fixes.push(format!(
                        "Lower resources.requests.{res} of the pod's containers, or add nodes with more {res} free"
                    ));
                    fixes.push("See what is allocated per node: kubectl describe nodes | grep -A 8 'Allocated resources'".into());
                }
            }
            ReasonKind::Selector => {
                let sel: Vec<String> = self.v["spec"]["nodeSelector"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect();
                if !sel.is_empty() {
                    fact(format!("nodeSelector: {}", sel.join(", ")));
                    if let Some(nodes) = &self.ev.nodes {
                        let matching = nodes
                            .iter()
                            .filter(|n| {
                                let labels = n.metadata.labels.as_ref();
                                self.v["spec"]["nodeSelector"]
                                    .as_object()
                                    .into_iter()
                                    .flatten()
                                    .all(|(k, v)| {
                                        labels.and_then(|l| l.get(k)).map(String::as_str)
                                            == v.as_str()
                                    })
                            })
                            .count();
                        fact(format!(
                            "{matching} of {} nodes have these labels",
                            nodes.len()
                        ));
                    }
                    fixes.push(format!("kubectl get nodes -l {}", sel.join(",")));
                }
                for term in node_affinity_terms(&self.v) {
                    fact(format!("required node affinity: {term}"));
                }
                fixes
                    .push("Compare with the nodes' labels: kubectl get nodes --show-labels".into());
                fixes.push(
                    "Label a node to match (kubectl label node NODE KEY=VALUE), or correct the pod's nodeSelector/affinity"
                        .into(),
                );
            }
            ReasonKind::Taint(key, value) => {
                let tolerated: Vec<String> = self.v["spec"]["tolerations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| json_str(&t["key"]).map(str::to_string))
                    .collect();
                fact(format!(
                    "nodes carry taint {key}{}; the pod tolerates {}",
                    if value.is_empty() {
                        String::new()
                    } else {
                        format!("={value}")
                    },
                    if tolerated.is_empty() {
                        "no taints".to_string()
                    } else {
                        tolerated.join(", ")
                    }
                ));
                if key.starts_with("node.kubernetes.io/") {
                    fixes.push(format!(
                        "{key} is set by Kubernetes on nodes that are not healthy: kubectl get nodes; kubectl describe node NODE"
                    ));
                } else {
                    fixes.push(format!(
                        "Add a toleration to the pod: tolerations: [{{key: \"{key}\", operator: \"Exists\"}}], or remove the taint: kubectl taint nodes NODE {key}-"
                    ));
                }
            }
            ReasonKind::Volume => {
                let claims = self.claims();
                if claims.is_empty() {
                    fact("the pod mounts no PersistentVolumeClaim".into());
                }
                for claim in claims {
                    let text = self.pvc_state(&claim);
                    fact(text);
                    fixes.push(format!("kubectl describe pvc {claim} -n {ns}"));
                }
                fixes.push("kubectl get storageclass".into());
            }
            ReasonKind::Cordoned => {
                fact(format!(
                    "{} node(s) are cordoned (unschedulable)",
                    item.count.unwrap_or(0)
                ));
                fixes.push("kubectl get nodes (SchedulingDisabled); kubectl uncordon NODE when it is ready".into());
            }
            ReasonKind::Ports => {
                fixes.push("The pod uses a hostPort already taken on every node: drop hostPort or free the port".into());
            }
            ReasonKind::TooManyPods => {
                fixes.push(
                    "The nodes are at their pod limit (max-pods): add nodes or remove pods".into(),
                );
            }
            ReasonKind::Other => {}
        }
    }

    /// What each container requests of a resource (the limit for an extended resource given
    /// only as a limit).
    pub(super) fn requests_of(&self, res: &str) -> Vec<(String, String)> {
        let mut v = vec![];
        for key in ["initContainers", "containers"] {
            for c in self.v["spec"][key].as_array().into_iter().flatten() {
                let r = &c["resources"];
                let q = json_str(&r["requests"][res])
                    .map(str::to_string)
                    .or_else(|| json_str(&r["limits"][res]).map(|l| format!("{l} (its limit)")));
                if let Some(q) = q {
                    let name = c["name"].as_str().unwrap_or_default();
                    let name = if key == "initContainers" {
                        format!("init container {name}")
                    } else {
                        name.to_string()
                    };
                    v.push((name, q));
                }
            }
        }
        v
    }

    pub(super) fn claims(&self) -> Vec<String> {
        self.v["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| json_str(&v["persistentVolumeClaim"]["claimName"]).map(str::to_string))
            .collect()
    }

    /// One line about a PVC: bound, pending (and its class), missing, or unknown.
    pub(super) fn pvc_state(&self, claim: &str) -> String {
        let Some(pvcs) = &self.ev.pvcs else {
            return format!("PVC {claim}: not read");
        };
        let found = pvcs.iter().find(|p| {
            p.metadata.name.as_deref() == Some(claim)
                && p.metadata.namespace.as_deref().unwrap_or(&self.ns) == self.ns
        });
        match found {
            None => format!("PVC {claim} does not exist in {}", self.ns),
            Some(p) => {
                let phase = p
                    .status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_else(|| "Pending".into());
                let class = p
                    .spec
                    .as_ref()
                    .and_then(|s| s.storage_class_name.clone())
                    .unwrap_or_else(|| "(default)".into());
                format!("PVC {claim} is {phase} (storageClass {class})")
            }
        }
    }
}

/// Required node affinity terms, one line each: `zone In [a, b]; metadata.name In [x]`.
pub(super) fn node_affinity_terms(pod: &Value) -> Vec<String> {
    let terms = &pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    terms
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            let mut parts = vec![];
            for key in ["matchExpressions", "matchFields"] {
                for e in t[key].as_array().into_iter().flatten() {
                    let values: Vec<&str> = e["values"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    parts.push(format!(
                        "{} {} [{}]",
                        e["key"].as_str().unwrap_or_default(),
                        e["operator"].as_str().unwrap_or_default(),
                        values.join(", ")
                    ));
                }
            }
            parts.join(" and ")
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// A FailedScheduling message, e.g. `0/3 nodes are available: 1 node(s) had untolerated taint
/// {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unschedulable {
    /// The message without its preemption part and final period.
    pub summary: String,
    pub items: Vec<Reason>,
    pub preemption: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// How many nodes gave this reason.
    pub count: Option<u32>,
    pub text: String,
    pub kind: ReasonKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReasonKind {
    Insufficient(String),
    Selector,
    /// (key, value) of the taint.
    Taint(String, String),
    Volume,
    Cordoned,
    Ports,
    TooManyPods,
    Other,
}

impl Unschedulable {
    pub fn parse(message: &str) -> Unschedulable {
        static HEAD: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^\d+/\d+ nodes are available:\s*(.*)$").unwrap());
        static TAINT: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\{([^:}]+):\s*([^}]*)\}").unwrap());
        let message = message.trim();
        let (main, preemption) = match message.find(" preemption: ") {
            Some(i) => (
                message[..i].trim_end(),
                Some(message[i + 13..].trim().to_string()),
            ),
            None => (message, None),
        };
        let summary = main.trim_end_matches('.').to_string();
        let body = HEAD
            .captures(&summary)
            .map(|c| c[1].to_string())
            .unwrap_or_else(|| summary.clone());
        // Items are ", "-separated and start with a node count; a taint's text has its own
        // ", that the pod didn't tolerate", which belongs to the item before.
        let mut raw: Vec<String> = vec![];
        for piece in body.split(", ") {
            let starts_count = piece
                .split(' ')
                .next()
                .is_some_and(|w| w.parse::<u32>().is_ok());
            match raw.last_mut() {
                Some(last) if !starts_count && !piece.starts_with("pod has") => {
                    last.push_str(", ");
                    last.push_str(piece);
                }
                _ => raw.push(piece.to_string()),
            }
        }
        let items = raw
            .into_iter()
            .map(|r| {
                let (count, text) = match r.split_once(' ') {
                    Some((n, t)) if n.parse::<u32>().is_ok() => (n.parse().ok(), t.to_string()),
                    _ => (None, r.clone()),
                };
                let kind = if let Some(res) = text.strip_prefix("Insufficient ") {
                    ReasonKind::Insufficient(res.trim().to_string())
                } else if text.contains("node affinity") || text.contains("node selector") {
                    ReasonKind::Selector
                } else if text.contains("taint") {
                    match TAINT.captures(&text) {
                        Some(c) => {
                            ReasonKind::Taint(c[1].trim().to_string(), c[2].trim().to_string())
                        }
                        None => ReasonKind::Taint(String::new(), String::new()),
                    }
                } else if text.contains("PersistentVolumeClaim")
                    || text.contains("persistentvolumeclaim")
                    || text.contains("volume node affinity conflict")
                    || text.contains("persistent volumes to bind")
                {
                    ReasonKind::Volume
                } else if text.contains("were unschedulable") {
                    ReasonKind::Cordoned
                } else if text.contains("free ports") {
                    ReasonKind::Ports
                } else if text.contains("Too many pods") {
                    ReasonKind::TooManyPods
                } else {
                    ReasonKind::Other
                };
                Reason { count, text, kind }
            })
            .collect();
        Unschedulable {
            summary,
            items,
            preemption,
        }
    }
}
