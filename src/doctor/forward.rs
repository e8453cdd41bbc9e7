//! What `kubectl port-forward` does with a port spec, step by step and with its exact error
//! texts (kubectl pkg/cmd/portforward, client-go tools/portforward), and which pod it picks.
//! The port check (`ports.rs`) reports what this says.

use std::collections::BTreeSet;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Pod, Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Why `kubectl port-forward` stops, in the order it checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Failure {
    /// No port argument at all.
    NoSpec,
    /// `spec.selector` is empty: kubectl cannot pick a pod.
    NoSelector,
    /// The selector matches no pod: kubectl waits `--pod-running-timeout`, then gives up.
    NoPod,
    /// A non-numeric remote port that is no service port's name.
    NamedServicePort(String),
    /// A remote port number that is no service port.
    ServicePort(i64),
    /// A named port (a service's targetPort, or the remote port of a pod forward) that no
    /// container of the pod declares.
    NamedPodPort { pod: String, name: String },
    /// The remote port is UDP only.
    Udp(String),
    /// The rewritten spec does not parse (client-go `parsePorts`).
    Parse(String),
    /// The pod's phase is not Running.
    NotRunning(String),
}

impl Failure {
    /// kubectl's text for it (what follows `error: `).
    pub(super) fn text(&self, svc: &str) -> String {
        match self {
            Failure::NoSpec => "TYPE/NAME and list of ports are required for port-forward".into(),
            Failure::NoSelector => format!(
                "cannot attach to *v1.Service: invalid service '{svc}': Service is defined without a selector"
            ),
            Failure::NoPod => "timed out waiting for the condition".into(),
            Failure::NamedServicePort(n) => {
                format!("Service '{svc}' does not have a named port '{n}'")
            }
            Failure::ServicePort(p) => format!("Service {svc} does not have a service port {p}"),
            Failure::NamedPodPort { pod, name } => {
                format!("Pod '{pod}' does not have a named port '{name}'")
            }
            Failure::Udp(p) => format!("UDP protocol is not supported for {p}"),
            Failure::Parse(t) => t.clone(),
            Failure::NotRunning(phase) => {
                format!("unable to forward port because pod is not running. Current status={phase}")
            }
        }
    }
}

/// kubectl's `splitPort`: `LOCAL:REMOTE` when there is exactly one colon, else the whole spec
/// (up to a first colon) as both.
pub(super) fn split_port(spec: &str) -> (&str, &str) {
    let parts: Vec<&str> = spec.split(':').collect();
    if parts.len() == 2 {
        (parts[0], parts[1])
    } else {
        (parts[0], parts[0])
    }
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits.
pub(super) fn atoi(s: &str) -> Option<i64> {
    s.parse::<i64>().ok()
}

/// Go's `strconv.ParseUint(s, 10, 16)`, with its error text.
pub(super) fn parse_u16(s: &str) -> Result<u16, String> {
    let syntax = || format!("strconv.ParseUint: parsing \"{s}\": invalid syntax");
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax());
    }
    let digits = s.trim_start_matches('0');
    if digits.len() > 5 {
        return Err(format!(
            "strconv.ParseUint: parsing \"{s}\": value out of range"
        ));
    }
    let n: u32 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| syntax())?
    };
    u16::try_from(n).map_err(|_| format!("strconv.ParseUint: parsing \"{s}\": value out of range"))
}

/// client-go's `parsePorts` for one `[LOCAL:]REMOTE` (an empty LOCAL means any free port, 0).
pub(super) fn parse_ports(spec: &str) -> Result<(u16, u16), String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (local, remote) = match parts.as_slice() {
        [one] => (*one, *one),
        [l, r] => (if l.is_empty() { "0" } else { *l }, *r),
        _ => return Err(format!("invalid port format '{spec}'")),
    };
    let local = parse_u16(local).map_err(|e| format!("error parsing local port '{local}': {e}"))?;
    let remote =
        parse_u16(remote).map_err(|e| format!("error parsing remote port '{remote}': {e}"))?;
    if remote == 0 {
        return Err("remote port must be > 0".into());
    }
    Ok((local, remote))
}

pub(super) fn svc_name(svc: &Service) -> &str {
    svc.metadata.name.as_deref().unwrap_or_default()
}

pub(super) fn svc_ports(svc: &Service) -> &[ServicePort] {
    svc.spec
        .as_ref()
        .and_then(|s| s.ports.as_deref())
        .unwrap_or_default()
}

pub(super) fn protocol(p: Option<&String>) -> &str {
    match p.map(String::as_str) {
        None | Some("") => "TCP",
        Some(x) => x,
    }
}

/// A service port's target as the apiserver defaults it: a number (0/omitted: the port) or a
/// container port name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Target {
    Num(i32),
    Name(String),
}

pub(super) fn target(p: &ServicePort) -> Target {
    match &p.target_port {
        Some(IntOrString::Int(n)) if *n != 0 => Target::Num(*n),
        Some(IntOrString::String(s)) if !s.is_empty() => Target::Name(s.clone()),
        _ => Target::Num(p.port),
    }
}

pub(super) fn pod_name(pod: &Pod) -> &str {
    pod.metadata.name.as_deref().unwrap_or_default()
}

/// kubectl `LookupContainerPortNumberByName`: containers, then init containers.
pub(super) fn container_port_by_name(pod: &Pod, name: &str) -> Result<i32, Failure> {
    let spec = pod.spec.as_ref();
    spec.iter()
        .flat_map(|s| s.containers.iter())
        .chain(spec.iter().flat_map(|s| s.init_containers.iter().flatten()))
        .flat_map(|c| c.ports.iter().flatten())
        .find(|p| p.name.as_deref() == Some(name))
        .map(|p| p.container_port)
        .ok_or_else(|| Failure::NamedPodPort {
            pod: pod_name(pod).to_string(),
            name: name.to_string(),
        })
}

/// kubectl `LookupServicePortNumberByName`.
pub(super) fn service_port_by_name(svc: &Service, name: &str) -> Result<i32, Failure> {
    svc_ports(svc)
        .iter()
        .find(|p| p.name.as_deref().unwrap_or_default() == name)
        .map(|p| p.port)
        .ok_or_else(|| Failure::NamedServicePort(name.to_string()))
}

pub(super) fn headless(svc: &Service) -> bool {
    svc.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None")
}

/// kubectl `LookupContainerPortNumberByServicePort`: the container port behind service port
/// `port` (headless: the port itself). A named target needs the pod (`NoPod` without one).
pub(super) fn container_port_by_service_port(
    svc: &Service,
    pod: Option<&Pod>,
    port: i64,
) -> Result<i32, Failure> {
    let Some(sp) = svc_ports(svc).iter().find(|p| i64::from(p.port) == port) else {
        return Err(Failure::ServicePort(port));
    };
    if headless(svc) {
        return Ok(sp.port);
    }
    match target(sp) {
        Target::Num(n) => Ok(n),
        Target::Name(name) => container_port_by_name(pod.ok_or(Failure::NoPod)?, &name),
    }
}

/// Ports whose only protocol is UDP (kubectl `checkUDPPortInService`/`InPod`).
pub(super) fn udp_only(ports: impl Iterator<Item = (i32, String)>) -> BTreeSet<i64> {
    let (mut udp, mut tcp) = (BTreeSet::new(), BTreeSet::new());
    for (n, proto) in ports {
        match proto.as_str() {
            "UDP" => udp.insert(i64::from(n)),
            "TCP" => tcp.insert(i64::from(n)),
            _ => false,
        };
    }
    udp.difference(&tcp).copied().collect()
}

pub(super) fn service_udp_only(svc: &Service) -> BTreeSet<i64> {
    udp_only(
        svc_ports(svc)
            .iter()
            .map(|p| (p.port, protocol(p.protocol.as_ref()).to_string())),
    )
}

pub(super) fn pod_udp_only(pod: &Pod) -> BTreeSet<i64> {
    udp_only(
        pod.spec
            .iter()
            .flat_map(|s| &s.containers)
            .flat_map(|c| c.ports.iter().flatten())
            .map(|p| (p.container_port, protocol(p.protocol.as_ref()).to_string())),
    )
}

pub(super) fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

/// `kubectl port-forward svc/NAME SPEC` up to the pod: the UDP check, then
/// `translateServicePortToTargetPort`, then client-go's parse. `pod` is the pod kubectl picked
/// (only a named targetPort needs it).
pub(super) fn translate(
    svc: &Service,
    pod: Option<&Pod>,
    spec: &str,
) -> Result<(u16, u16), Failure> {
    if spec.trim().is_empty() {
        return Err(Failure::NoSpec);
    }
    let (local, remote) = split_port(spec);
    // checkUDPPortInService
    let num = match atoi(remote) {
        Some(n) => n,
        None => i64::from(service_port_by_name(svc, remote)?),
    };
    if service_udp_only(svc).contains(&num) {
        return Err(Failure::Udp(remote.to_string()));
    }
    // translateServicePortToTargetPort
    let mut local = local.to_string();
    let port = match atoi(remote) {
        Some(n) => n,
        None => {
            let p = i64::from(service_port_by_name(svc, remote)?);
            if local == remote {
                local = p.to_string();
            }
            p
        }
    };
    let remote = container_port_by_service_port(svc, pod, port)?.to_string();
    let translated = if local != remote {
        format!("{local}:{remote}")
    } else {
        remote
    };
    parse_ports(&translated).map_err(Failure::Parse)
}

pub(super) fn selector(svc: &Service) -> std::collections::BTreeMap<String, String> {
    svc.spec
        .as_ref()
        .and_then(|s| s.selector.clone())
        .unwrap_or_default()
}

/// `(local, remote)` exactly as `kubectl port-forward svc/NAME SPEC` computes them: `pod` is
/// the pod it would forward to ([`forwarded_pod`] of the pods the selector matches), `spec`
/// is `[LOCAL:]REMOTE` with REMOTE a service port number or name; `remote` is the container
/// port the forward connects to (a local of 0 means any free port). The error is kubectl's
/// text, in the order kubectl meets it: no selector, no pod, a UDP-only port, an unknown
/// service port (name or number), a named targetPort no container declares, a spec client-go
/// cannot parse, and the pod not Running.
pub fn resolve(service: &Service, pod: Option<&Pod>, spec: &str) -> Result<(u16, u16), String> {
    let name = svc_name(service);
    if selector(service).is_empty() {
        return Err(Failure::NoSelector.text(name));
    }
    let Some(pod) = pod else {
        return Err(Failure::NoPod.text(name));
    };
    let ports = translate(service, Some(pod), spec).map_err(|f| f.text(name))?;
    if phase(pod) != "Running" {
        return Err(Failure::NotRunning(phase(pod).to_string()).text(name));
    }
    Ok(ports)
}

/// `kubectl port-forward pod/NAME SPEC` before it forwards: the UDP check, the named port
/// lookup (`convertPodNamedPortToNumber`), client-go's parse.
pub(super) fn translate_pod(pod: &Pod, spec: &str) -> Result<(u16, u16), Failure> {
    if spec.trim().is_empty() {
        return Err(Failure::NoSpec);
    }
    let (local, remote) = split_port(spec);
    if remote.is_empty() {
        return Err(Failure::Parse("remote port cannot be empty".into()));
    }
    let num = match atoi(remote) {
        Some(n) => n,
        None => i64::from(container_port_by_name(pod, remote)?),
    };
    if pod_udp_only(pod).contains(&num) {
        return Err(Failure::Udp(remote.to_string()));
    }
    let converted = match atoi(remote) {
        Some(_) => remote.to_string(),
        None => container_port_by_name(pod, remote)?.to_string(),
    };
    let translated = if local != remote {
        format!("{local}:{converted}")
    } else {
        converted
    };
    parse_ports(&translated).map_err(Failure::Parse)
}

/// `(local, remote)` as `kubectl port-forward pod/NAME SPEC` computes them (REMOTE a number,
/// which kubectl does not check against the container ports, or a container port name), or
/// kubectl's error text.
pub fn resolve_pod(pod: &Pod, spec: &str) -> Result<(u16, u16), String> {
    let ports = translate_pod(pod, spec).map_err(|f| f.text(""))?;
    if phase(pod) != "Running" {
        return Err(Failure::NotRunning(phase(pod).to_string()).text(""));
    }
    Ok(ports)
}

pub(super) fn ready_since(pod: &Pod) -> Option<Option<Timestamp>> {
    pod.status
        .as_ref()?
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "Ready" && c.status == "True")
        .map(|c| c.last_transition_time.as_ref().map(|t| t.0))
}

pub(super) fn is_ready(pod: &Pod) -> bool {
    ready_since(pod).is_some()
}

pub(super) fn max_restarts(pod: &Pod) -> i32 {
    pod.status
        .iter()
        .flat_map(|s| s.container_statuses.iter().flatten())
        .map(|s| s.restart_count)
        .max()
        .unwrap_or(0)
}

/// Go's `afterOrZero(t1, t2)`: a zero time counts as the latest.
pub(super) fn after_or_zero(a: Option<Timestamp>, b: Option<Timestamp>) -> bool {
    match (a, b) {
        (None, _) | (_, None) => a.is_none(),
        (Some(a), Some(b)) => a > b,
    }
}

/// kubectl's `podutils.ActivePods` order (`Less`): the pod kubectl forwards to is the greatest.
pub(super) fn less(a: &Pod, b: &Pod) -> bool {
    let node = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .unwrap_or_default()
            .to_string()
    };
    let (na, nb) = (node(a), node(b));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return na.is_empty();
    }
    let rank = |p: &Pod| match phase(p) {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };
    if rank(a) != rank(b) {
        return rank(a) < rank(b);
    }
    if is_ready(a) != is_ready(b) {
        return !is_ready(a);
    }
    if let (Some(ta), Some(tb)) = (ready_since(a), ready_since(b))
        && ta != tb
    {
        return after_or_zero(ta, tb);
    }
    if max_restarts(a) != max_restarts(b) {
        return max_restarts(a) > max_restarts(b);
    }
    let created = |p: &Pod| p.metadata.creation_timestamp.as_ref().map(|t| t.0);
    if created(a) != created(b) {
        return after_or_zero(created(a), created(b));
    }
    false
}

/// The pod `kubectl port-forward svc/...` picks among the pods its selector matches: the first
/// of `sort.Reverse(podutils.ActivePods(pods))` (scheduled, Running, ready longest, fewest
/// restarts, oldest).
pub fn forwarded_pod(pods: &[Pod]) -> Option<&Pod> {
    let mut best = pods.first()?;
    for p in &pods[1..] {
        if less(best, p) {
            best = p;
        }
    }
    Some(best)
}
