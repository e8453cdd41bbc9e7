//! The container list of a pod: init containers in order, native sidecars, regular and
//! ephemeral containers, each with its state, last termination, ports, probes and known role.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, ContainerState, ContainerStatus, Pod, Probe};

use super::age::age_since;
use super::text::Safe;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Init,
    /// An init container with `restartPolicy: Always` (Kubernetes native sidecar).
    Sidecar,
    Regular,
    Ephemeral,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Init => "init",
            Kind::Sidecar => "sidecar",
            Kind::Regular => "container",
            Kind::Ephemeral => "ephemeral",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContainerRow {
    pub name: Safe,
    pub kind: Kind,
    pub image: Safe,
    pub ready: bool,
    pub state: Safe,
    pub restarts: i32,
    pub last_termination: Safe,
    pub ports: Safe,
    pub probes: Safe,
    /// What the container is in known layouts (Argo, Tekton, KServe, Istio, Seldon).
    pub role: Option<&'static str>,
}

/// The role a well-known container name plays; the doctor's container-name check builds on it.
pub fn role(name: &str) -> Option<&'static str> {
    Some(match name {
        "main" => "Argo: your step's container",
        "wait" => "Argo: executor (saves outputs)",
        "init" => "Argo: executor (loads inputs)",
        "prepare" => "Tekton: entrypoint setup",
        "place-scripts" => "Tekton: writes step scripts",
        "working-dir-initializer" => "Tekton: creates workingDirs",
        "storage-initializer" => "KServe: downloads the model",
        "kserve-container" => "KServe: model server",
        "queue-proxy" => "Knative: request queue",
        "transformer-container" => "KServe: transformer",
        "agent" => "KServe: logger/batcher agent",
        "istio-proxy" => "Istio: sidecar proxy",
        "istio-init" => "Istio: iptables setup",
        "seldon-container-engine" => "Seldon: executor (ports 8000/5001)",
        n if n.starts_with("step-") => "Tekton: step",
        n if n.starts_with("sidecar-") => "Tekton: sidecar",
        n if n.ends_with("-model-initializer") => "Seldon: downloads the model",
        _ => return None,
    })
}

fn state_text(s: Option<&ContainerState>, now: Timestamp) -> String {
    let Some(s) = s else { return "unknown".into() };
    if let Some(r) = &s.running {
        return match &r.started_at {
            Some(t) => format!("running since {} ago", age_since(t.0, now)),
            None => "running".into(),
        };
    }
    if let Some(w) = &s.waiting {
        let reason = w.reason.as_deref().unwrap_or("Waiting");
        return match w.message.as_deref().filter(|m| !m.is_empty()) {
            Some(m) => format!("waiting: {reason}: {m}"),
            None => format!("waiting: {reason}"),
        };
    }
    if let Some(t) = &s.terminated {
        let reason = t.reason.as_deref().unwrap_or(if t.exit_code == 0 {
            "Completed"
        } else {
            "Error"
        });
        return format!("terminated: {reason}, exit code {}", t.exit_code);
    }
    "unknown".into()
}

fn last_text(st: Option<&ContainerStatus>, now: Timestamp) -> String {
    let Some(t) = st
        .and_then(|s| s.last_state.as_ref())
        .and_then(|l| l.terminated.as_ref())
    else {
        return String::new();
    };
    let reason = t.reason.as_deref().unwrap_or("Error");
    match &t.finished_at {
        Some(f) => format!(
            "{reason}, exit {} ({} ago)",
            t.exit_code,
            age_since(f.0, now)
        ),
        None => format!("{reason}, exit {}", t.exit_code),
    }
}

fn ports_text(c: &Container) -> String {
    c.ports
        .iter()
        .flatten()
        .map(|p| {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match &p.name {
                Some(n) => format!("{n}:{}/{proto}", p.container_port),
                None => format!("{}/{proto}", p.container_port),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn probe_text(kind: &str, p: &Probe) -> String {
    let how = if let Some(h) = &p.http_get {
        let port = match &h.port {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n) => n.to_string(),
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
        };
        format!("http {}:{port}", h.path.as_deref().unwrap_or("/"))
    } else if let Some(t) = &p.tcp_socket {
        let port = match &t.port {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n) => n.to_string(),
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
        };
        format!("tcp :{port}")
    } else if p.exec.is_some() {
        "exec".to_string()
    } else if p.grpc.is_some() {
        "grpc".to_string()
    } else {
        "?".to_string()
    };
    format!("{kind} {how}")
}

fn probes_text(c: &Container) -> String {
    [
        ("liveness", &c.liveness_probe),
        ("readiness", &c.readiness_probe),
        ("startup", &c.startup_probe),
    ]
    .iter()
    .filter_map(|(k, p)| p.as_ref().map(|p| probe_text(k, p)))
    .collect::<Vec<_>>()
    .join(", ")
}

fn row(
    c: &Container,
    kind: Kind,
    statuses: Option<&Vec<ContainerStatus>>,
    now: Timestamp,
) -> ContainerRow {
    let st = statuses.and_then(|s| s.iter().find(|s| s.name == c.name));
    ContainerRow {
        name: c.name.as_str().into(),
        kind,
        image: c.image.as_deref().unwrap_or_default().into(),
        ready: st.is_some_and(|s| s.ready),
        state: state_text(st.and_then(|s| s.state.as_ref()), now).into(),
        restarts: st.map_or(0, |s| s.restart_count),
        last_termination: last_text(st, now).into(),
        ports: ports_text(c).into(),
        probes: probes_text(c).into(),
        role: role(&c.name),
    }
}

/// Rows in the order the kubelet starts them: init containers (and native sidecars among them,
/// in place), then regular containers, then ephemeral ones.
pub fn rows(pod: &Pod, now: Timestamp) -> Vec<ContainerRow> {
    let (Some(spec), status) = (pod.spec.as_ref(), pod.status.as_ref()) else {
        return vec![];
    };
    let mut out = vec![];
    for c in spec.init_containers.iter().flatten() {
        let kind = if c.restart_policy.as_deref() == Some("Always") {
            Kind::Sidecar
        } else {
            Kind::Init
        };
        out.push(row(
            c,
            kind,
            status.and_then(|s| s.init_container_statuses.as_ref()),
            now,
        ));
    }
    for c in &spec.containers {
        out.push(row(
            c,
            Kind::Regular,
            status.and_then(|s| s.container_statuses.as_ref()),
            now,
        ));
    }
    for e in spec.ephemeral_containers.iter().flatten() {
        let st = status
            .and_then(|s| s.ephemeral_container_statuses.as_ref())
            .and_then(|v| v.iter().find(|s| s.name == e.name));
        out.push(ContainerRow {
            name: e.name.as_str().into(),
            kind: Kind::Ephemeral,
            image: e.image.as_deref().unwrap_or_default().into(),
            ready: st.is_some_and(|s| s.ready),
            state: state_text(st.and_then(|s| s.state.as_ref()), now).into(),
            restarts: st.map_or(0, |s| s.restart_count),
            last_termination: last_text(st, now).into(),
            ports: Safe::default(),
            probes: Safe::default(),
            role: role(&e.name),
        });
    }
    out
}
