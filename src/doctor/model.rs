//! What the doctor looks at (the subject and its evidence) and what it says (findings).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    Endpoints, Event, Node, PersistentVolumeClaim, Pod, Service, ServiceAccount,
};
use serde::Serialize;
use serde_json::Value;

/// How bad a finding is; the order is the display order (errors first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What kind of object the doctor was asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    Pod,
    Workflow,
    PipelineRun,
    TaskRun,
    Service,
    InferenceService,
    SeldonDeployment,
    Deployment,
    /// Every object of a namespace (or of all namespaces when the namespace is empty).
    Namespace,
}

impl SubjectKind {
    /// The resource name kubectl uses in `KIND/NAME`.
    pub fn resource(self) -> &'static str {
        match self {
            SubjectKind::Pod => "pod",
            SubjectKind::Workflow => "workflow",
            SubjectKind::PipelineRun => "pipelinerun",
            SubjectKind::TaskRun => "taskrun",
            SubjectKind::Service => "service",
            SubjectKind::InferenceService => "inferenceservice",
            SubjectKind::SeldonDeployment => "seldondeployment",
            SubjectKind::Deployment => "deployment",
            SubjectKind::Namespace => "namespace",
        }
    }
}

/// The selected object, and what the user tried on it (`kdoc doctor --container/--port`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub kind: SubjectKind,
    /// Empty for `Namespace` over all namespaces.
    pub namespace: String,
    /// Empty for `Namespace`.
    pub name: String,
    /// The container the user asked for (a `-c` that may not exist), or the selected one.
    pub container: Option<String>,
    /// The port the user asked for, as typed: `8080`, `http`, `9000:8080`.
    pub port: Option<String>,
}

impl Subject {
    pub fn new(kind: SubjectKind, namespace: &str, name: &str) -> Subject {
        Subject {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
            container: None,
            port: None,
        }
    }

    /// `pod/NAME`, `service/NAME`, `namespace/NAME`, as kubectl names it.
    pub fn label(&self) -> String {
        match self.kind {
            SubjectKind::Namespace if self.namespace.is_empty() => "all namespaces".into(),
            SubjectKind::Namespace => format!("namespace/{}", self.namespace),
            k => format!("{}/{}", k.resource(), self.name),
        }
    }
}

impl SubjectKind {
    /// `pod`, `po`, `svc`, `wf`, `pr`, `tr`, `isvc`, `sdep`, `deploy`, `ns` and the full names,
    /// singular or plural, as kubectl and the CRDs' short names spell them.
    pub fn parse(s: &str) -> Option<SubjectKind> {
        Some(match s.to_ascii_lowercase().as_str() {
            "pod" | "pods" | "po" => SubjectKind::Pod,
            "service" | "services" | "svc" => SubjectKind::Service,
            "workflow" | "workflows" | "wf" => SubjectKind::Workflow,
            "pipelinerun" | "pipelineruns" | "pr" => SubjectKind::PipelineRun,
            "taskrun" | "taskruns" | "tr" => SubjectKind::TaskRun,
            "inferenceservice" | "inferenceservices" | "isvc" => SubjectKind::InferenceService,
            "seldondeployment" | "seldondeployments" | "sdep" => SubjectKind::SeldonDeployment,
            "deployment" | "deployments" | "deploy" => SubjectKind::Deployment,
            "namespace" | "namespaces" | "ns" => SubjectKind::Namespace,
            _ => return None,
        })
    }
}

impl Subject {
    /// `KIND/NAME` (or a bare pod name) in namespace `ns`; `ns/NAME` is a namespace triage.
    pub fn parse(target: &str, ns: &str) -> Result<Subject, String> {
        let (kind, name) = match target.split_once('/') {
            Some((k, n)) => (
                SubjectKind::parse(k).ok_or_else(|| {
                    format!(
                        "{target}: unknown kind {k:?}; expected pod, svc, workflow, pipelinerun, \
                         taskrun, isvc, sdep, deploy or ns"
                    )
                })?,
                n,
            ),
            None => (SubjectKind::Pod, target),
        };
        if name.is_empty() {
            return Err(format!("{target}: a name is missing after the kind"));
        }
        Ok(match kind {
            SubjectKind::Namespace => Subject::new(kind, name, ""),
            k => Subject::new(k, ns, name),
        })
    }
}

/// One container's log as read for the doctor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerLog {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// The previous instance's log (`kubectl logs --previous`).
    pub previous: bool,
    /// Lines as read (raw; the doctor sanitises what it shows). Line numbers in findings are
    /// 1-based indexes into this, offset by `first_line`.
    pub lines: Vec<String>,
    /// The number of the first line kept (1 unless the log was read with a tail).
    pub first_line: usize,
}

/// A read that did not happen, and why: RBAC forbade it, the kind is not installed, the
/// server failed. Checks that need it report it instead of "all clear".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// What was to be read: `events in mlops`, `logs of pod/x container main`.
    pub what: String,
    /// The API's own message (e.g. `events is forbidden: User "x" cannot list ...`).
    pub reason: String,
}

/// Everything gathered about a subject. Lists are of the subject's namespace (all namespaces
/// for a cluster-wide triage); `pods` are the subject's own pods only. `None` means not read
/// (yet, or forbidden: see `missing`).
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// The subject object itself, as JSON (a Workflow, an InferenceService, a Service ...).
    pub object: Option<Value>,
    /// The subject's pods (for a pod subject, that pod).
    pub pods: Vec<Pod>,
    /// Every pod of the namespace, for checks across resources (a selector, an image).
    pub all_pods: Option<Vec<Pod>>,
    pub events: Option<Vec<Event>>,
    pub services: Option<Vec<Service>>,
    pub endpoints: Option<Vec<Endpoints>>,
    /// Names of ConfigMaps and Secrets per namespace (never their data).
    pub config_maps: Option<BTreeMap<String, BTreeSet<String>>>,
    pub secrets: Option<BTreeMap<String, BTreeSet<String>>>,
    pub service_accounts: Option<Vec<ServiceAccount>>,
    pub pvcs: Option<Vec<PersistentVolumeClaim>>,
    pub nodes: Option<Vec<Node>>,
    /// Custom resources of the namespace by kind (`Workflow`, `TaskRun`, `PipelineRun`,
    /// `InferenceService`, `ServingRuntime`, `ClusterServingRuntime`, `SeldonDeployment`).
    pub custom: BTreeMap<String, Vec<Value>>,
    /// Kinds the server does not serve (a CRD not installed), by kind name.
    pub not_installed: BTreeSet<String>,
    pub logs: Vec<ContainerLog>,
    /// Active probes: did anything answer on a port, through a short-lived port-forward.
    pub probes: Vec<ProbeResult>,
    pub missing: Vec<Missing>,
    /// Why the doctor could not run at all, if it could not.
    pub failed: Option<String>,
}

/// What a probe through a port-forward found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeResult {
    pub namespace: String,
    pub pod: String,
    pub port: u16,
    /// `Ok(what answered)`, e.g. `HTTP/1.1 200 OK`, or `Err(the error)`, e.g. the
    /// forwarder's `connection refused`.
    pub outcome: Result<String, String>,
}

/// A piece of evidence shown under a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Proof {
    /// An event: `Warning BackOff (x12 over 5m): Back-off restarting failed container ...`.
    Event {
        object: String,
        kind: String,
        reason: String,
        message: String,
        count: i32,
        /// Seconds since the last time it was seen, when known.
        age_seconds: Option<i64>,
    },
    /// A container's state: `main: terminated, exit code 137, OOMKilled`.
    State {
        pod: String,
        container: String,
        text: String,
    },
    /// A log line; `context` lines are around a match, not matches themselves.
    Log {
        pod: String,
        container: String,
        previous: bool,
        line: usize,
        text: String,
        context: bool,
    },
    /// Anything else, in one line: a field of an object, a condition, a port list.
    Fact { text: String },
}

/// Something kdoc itself can do about a finding, bound to a key in the overlay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Act {
    Logs {
        namespace: String,
        pod: String,
        container: String,
        previous: bool,
    },
    /// The logs of the subject with the errors preset applied.
    ErrorsFilter {
        namespace: String,
        pod: String,
        container: String,
    },
    PortForward {
        namespace: String,
        /// `svc/NAME` or `pod/NAME`.
        target: String,
        local: u16,
        remote: u16,
    },
    Events {
        namespace: String,
        /// `pod/NAME`.
        object: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable across releases: `container-name.not-found`, `port.no-service-port`, a rule id.
    pub id: String,
    pub severity: Severity,
    /// What it is about, as kubectl names it: `pod/iris-demo-kaniko-2925953904`.
    pub subject: String,
    pub namespace: String,
    pub title: String,
    /// What it means, in one or two sentences.
    pub meaning: String,
    pub evidence: Vec<Proof>,
    /// The fix: sentences and commands with the real names filled in, one per line.
    pub fix: Vec<String>,
    pub act: Option<Act>,
}

impl Finding {
    pub fn new(id: &str, severity: Severity, namespace: &str, subject: &str) -> Finding {
        Finding {
            id: id.to_string(),
            severity,
            subject: subject.to_string(),
            namespace: namespace.to_string(),
            title: String::new(),
            meaning: String::new(),
            evidence: vec![],
            fix: vec![],
            act: None,
        }
    }

    pub fn title(mut self, t: impl Into<String>) -> Finding {
        self.title = t.into();
        self
    }

    pub fn meaning(mut self, t: impl Into<String>) -> Finding {
        self.meaning = t.into();
        self
    }

    pub fn proof(mut self, p: Proof) -> Finding {
        self.evidence.push(p);
        self
    }

    pub fn fix(mut self, line: impl Into<String>) -> Finding {
        self.fix.push(line.into());
        self
    }

    pub fn act(mut self, a: Act) -> Finding {
        self.act = Some(a);
        self
    }
}

impl Evidence {
    /// The pod's events (involvedObject kind Pod and that name), newest last.
    pub fn events_of<'a>(&'a self, kind: &str, namespace: &str, name: &str) -> Vec<&'a Event> {
        let mut v: Vec<&Event> = self
            .events
            .iter()
            .flatten()
            .filter(|e| {
                let o = &e.involved_object;
                o.kind.as_deref() == Some(kind)
                    && o.name.as_deref() == Some(name)
                    && o.namespace.as_deref().unwrap_or(namespace) == namespace
            })
            .collect();
        v.sort_by_key(|e| event_time(e));
        v
    }

    /// The log of one container (current or previous), if it was read.
    pub fn log(&self, pod: &str, container: &str, previous: bool) -> Option<&ContainerLog> {
        self.logs
            .iter()
            .find(|l| l.pod == pod && l.container == container && l.previous == previous)
    }

    /// Custom resources of one kind (empty when none or not read).
    pub fn custom(&self, kind: &str) -> &[Value] {
        self.custom.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// When an event was last seen: lastTimestamp, else eventTime, else the first timestamp.
pub fn event_time(e: &Event) -> Option<jiff::Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
}

/// One piece of evidence as it arrives from the cluster; the overlay re-runs the checks after
/// each batch, so findings appear as their evidence does.
#[derive(Clone, Debug)]
pub enum Piece {
    Object(Value),
    /// The subject's pods, once the namespace's pods and the object are known.
    Pods(Vec<Pod>),
    AllPods(Vec<Pod>),
    Events(Vec<Event>),
    Services(Vec<Service>),
    Endpoints(Vec<Endpoints>),
    ConfigMaps(BTreeMap<String, BTreeSet<String>>),
    Secrets(BTreeMap<String, BTreeSet<String>>),
    ServiceAccounts(Vec<ServiceAccount>),
    Pvcs(Vec<PersistentVolumeClaim>),
    Nodes(Vec<Node>),
    Custom(String, Vec<Value>),
    NotInstalled(String),
    Log(ContainerLog),
    Probe(ProbeResult),
    Missing(Missing),
    /// The doctor could not run at all (the subject cannot be read, no connection).
    Failed(String),
    /// Everything asked for has answered.
    Done,
}

impl Evidence {
    /// Take in one piece. Returns false for `Done`.
    pub fn apply(&mut self, piece: Piece) -> bool {
        match piece {
            Piece::Object(v) => self.object = Some(v),
            Piece::Pods(p) => self.pods = p,
            Piece::AllPods(p) => self.all_pods = Some(p),
            Piece::Events(e) => self.events = Some(e),
            Piece::Services(s) => self.services = Some(s),
            Piece::Endpoints(e) => self.endpoints = Some(e),
            Piece::ConfigMaps(m) => self.config_maps = Some(m),
            Piece::Secrets(m) => self.secrets = Some(m),
            Piece::ServiceAccounts(s) => self.service_accounts = Some(s),
            Piece::Pvcs(p) => self.pvcs = Some(p),
            Piece::Nodes(n) => self.nodes = Some(n),
            Piece::Custom(k, v) => {
                self.custom.insert(k, v);
            }
            Piece::NotInstalled(k) => {
                self.not_installed.insert(k);
            }
            Piece::Log(l) => {
                self.logs.retain(|o| {
                    (&o.pod, &o.container, o.previous) != (&l.pod, &l.container, l.previous)
                        || o.namespace != l.namespace
                });
                self.logs.push(l);
            }
            Piece::Probe(p) => self.probes.push(p),
            Piece::Missing(m) => self.missing.push(m),
            Piece::Failed(e) => self.failed = Some(e),
            Piece::Done => return false,
        }
        true
    }
}
