//! The port check: what `kubectl port-forward` does with the port the user tried (its exact
//! resolution and error texts, kubectl pkg/cmd/portforward and client-go tools/portforward),
//! whether a service's ports reach a container port at all (Popeye's POP-1106), whether it has
//! pods and ready endpoints, and what the active probes found listening.

use std::collections::BTreeSet;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};

use super::model::{Act, Evidence, Finding, ProbeResult, Proof, Severity, Subject, SubjectKind};
use crate::core::containers as rows;
use crate::core::services::{endpoints_summary, selects};

use super::forward::*;
pub use super::forward::{forwarded_pod, resolve, resolve_pod};
// ------------------------------------------------------------------------------------------
// Text
// ------------------------------------------------------------------------------------------

/// `8000/TCP (http)`.
fn port_text(port: i32, proto: &str, name: Option<&str>) -> String {
    match name.filter(|n| !n.is_empty()) {
        Some(n) => format!("{port}/{proto} ({n})"),
        None => format!("{port}/{proto}"),
    }
}

/// A service's ports as `8000/TCP (http), 5001/TCP (grpc)`; `<none>` without ports.
pub fn service_ports_text(svc: &Service) -> String {
    let ports: Vec<String> = svc_ports(svc)
        .iter()
        .map(|p| port_text(p.port, protocol(p.protocol.as_ref()), p.name.as_deref()))
        .collect();
    if ports.is_empty() {
        "<none>".into()
    } else {
        ports.join(", ")
    }
}

/// One line per container that declares ports: `classifier: 9000/TCP (http), 9500/TCP (grpc)`;
/// or one line saying none does.
fn container_port_facts(pod: &Pod) -> Vec<Proof> {
    let spec = pod.spec.as_ref();
    let mut out: Vec<Proof> = spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten().chain(&s.containers))
        .filter(|c| c.ports.as_ref().is_some_and(|p| !p.is_empty()))
        .map(|c| {
            let ports: Vec<String> = c
                .ports
                .iter()
                .flatten()
                .map(|p| {
                    port_text(
                        p.container_port,
                        protocol(p.protocol.as_ref()),
                        p.name.as_deref(),
                    )
                })
                .collect();
            Proof::Fact {
                text: format!("{}: {}", c.name, ports.join(", ")),
            }
        })
        .collect();
    if out.is_empty() {
        out.push(Proof::Fact {
            text: format!("no container of pod/{} declares a port", pod_name(pod)),
        });
    }
    out
}

fn ports_fact(svc: &Service) -> Proof {
    Proof::Fact {
        text: format!(
            "ports of service/{}: {}",
            svc_name(svc),
            service_ports_text(svc)
        ),
    }
}

/// `80/TCP (http) goes to container port 8080`, for each port whose target differs.
fn target_facts(svc: &Service) -> Vec<Proof> {
    if headless(svc) {
        return vec![];
    }
    svc_ports(svc)
        .iter()
        .filter_map(|p| {
            let what = match target(p) {
                Target::Num(n) if n == p.port => return None,
                Target::Num(n) => format!("container port {n}"),
                Target::Name(n) => format!("the container port named {n}"),
            };
            Some(Proof::Fact {
                text: format!(
                    "service port {} goes to {what} (targetPort)",
                    port_text(p.port, protocol(p.protocol.as_ref()), p.name.as_deref())
                ),
            })
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// Which port the user meant
// ------------------------------------------------------------------------------------------

/// A port someone could forward: a service port or a container port.
#[derive(Clone, Debug)]
struct Cand {
    port: i32,
    name: Option<String>,
    /// The container port behind it (a service port's resolved target; the port itself for a
    /// container port).
    target: Option<i32>,
    /// The container that declares it (container ports only).
    container: Option<String>,
}

/// The conventions of the serving stacks the runbooks use.
#[derive(Clone, Copy, Debug, Default)]
struct Stack {
    seldon: bool,
    kserve: bool,
    mlflow: bool,
}

fn is_http_name(n: &str) -> bool {
    n == "http"
        || n.starts_with("http-")
        || n == "rest"
        || n == "web"
        || n == "ui"
        || n == "api"
        || n == "user-port"
}

/// The port the user most likely meant among `cands`, and why: the port whose container port
/// is the one tried; the only port; a serving stack's HTTP port (Seldon 8000 over gRPC 5001,
/// KServe 80 to 8080, Triton 8000 over 8001/8002, MLflow 5000); a port named http; the first.
fn pick(cands: &[Cand], stack: Stack, tried: Option<i64>, what: &str) -> Option<(i32, String)> {
    if let Some(t) = tried
        && let Some(c) = cands
            .iter()
            .find(|c| c.target.map(i64::from) == Some(t) && i64::from(c.port) != t)
    {
        return Some((
            c.port,
            format!(
                "{t} is the container port behind {what} {} (its targetPort); a port-forward to a service takes the service port",
                c.port
            ),
        ));
    }
    if let [only] = cands {
        return Some((
            only.port,
            format!("{} is the {what}'s only port", only.port),
        ));
    }
    let has = |n: i32| cands.iter().any(|c| c.port == n);
    if stack.seldon && has(8000) {
        return Some((
            8000,
            "Seldon's executor serves REST on 8000 (gRPC on 5001)".into(),
        ));
    }
    if has(8000) && has(8001) && has(8002) {
        return Some((
            8000,
            "Triton serves HTTP on 8000 (gRPC on 8001, metrics on 8002)".into(),
        ));
    }
    if stack.kserve && has(80) {
        return Some((
            80,
            "KServe's predictor service takes HTTP on 80 and sends it to the model server's 8080"
                .into(),
        ));
    }
    if stack.kserve && has(8080) {
        return Some((8080, "KServe's model server listens on 8080".into()));
    }
    if stack.mlflow && has(5000) {
        return Some((5000, "MLflow's tracking server listens on 5000".into()));
    }
    if let Some(c) = cands
        .iter()
        .find(|c| c.name.as_deref().is_some_and(is_http_name))
    {
        return Some((
            c.port,
            format!(
                "{} is the HTTP port ({})",
                c.port,
                c.name.as_deref().unwrap_or_default()
            ),
        ));
    }
    cands
        .first()
        .map(|c| (c.port, format!("{} is the {what}'s first port", c.port)))
}

fn has_label(labels: Option<&std::collections::BTreeMap<String, String>>, key: &str) -> bool {
    labels.is_some_and(|l| l.contains_key(key))
}

fn service_stack(svc: &Service) -> Stack {
    let labels = svc.metadata.labels.as_ref();
    let sel = selector(svc);
    let name = svc_name(svc);
    let ports: Vec<i32> = svc_ports(svc).iter().map(|p| p.port).collect();
    Stack {
        seldon: has_label(labels, "seldon-deployment-id")
            || sel.contains_key("seldon-app")
            || sel.contains_key("seldon-deployment-id")
            || (ports.contains(&8000) && ports.contains(&5001)),
        kserve: has_label(labels, "serving.kserve.io/inferenceservice")
            || sel.contains_key("serving.kserve.io/inferenceservice")
            || name.ends_with("-predictor"),
        mlflow: name.contains("mlflow"),
    }
}

fn service_cands(svc: &Service, pod: Option<&Pod>) -> Vec<Cand> {
    let udp = service_udp_only(svc);
    svc_ports(svc)
        .iter()
        .filter(|p| !udp.contains(&i64::from(p.port)))
        .map(|p| Cand {
            port: p.port,
            name: p.name.clone().filter(|n| !n.is_empty()),
            target: container_port_by_service_port(svc, pod, i64::from(p.port)).ok(),
            container: None,
        })
        .collect()
}

fn pod_stack(pod: &Pod) -> Stack {
    let labels = pod.metadata.labels.as_ref();
    let names: Vec<&str> = pod
        .spec
        .iter()
        .flat_map(|s| &s.containers)
        .map(|c| c.name.as_str())
        .collect();
    Stack {
        seldon: has_label(labels, "seldon-deployment-id")
            || names.contains(&"seldon-container-engine"),
        kserve: has_label(labels, "serving.kserve.io/inferenceservice")
            || names.contains(&"kserve-container"),
        mlflow: pod_name(pod).contains("mlflow"),
    }
}

/// Container ports a forward could use: not UDP-only, and not a mesh or Knative sidecar's
/// when another container declares ports.
fn pod_cands(pod: &Pod) -> Vec<Cand> {
    let udp = pod_udp_only(pod);
    let all: Vec<Cand> = pod
        .spec
        .iter()
        .flat_map(|s| &s.containers)
        .flat_map(|c| {
            c.ports.iter().flatten().map(|p| Cand {
                port: p.container_port,
                name: p.name.clone().filter(|n| !n.is_empty()),
                target: Some(p.container_port),
                container: Some(c.name.clone()),
            })
        })
        .filter(|c| !udp.contains(&i64::from(c.port)))
        .collect();
    let sidecar = |c: &Cand| {
        matches!(
            c.container.as_deref(),
            Some("istio-proxy" | "queue-proxy" | "linkerd-proxy")
        )
    };
    let app: Vec<Cand> = all.iter().filter(|c| !sidecar(c)).cloned().collect();
    if app.is_empty() { all } else { app }
}

// ------------------------------------------------------------------------------------------
// Findings
// ------------------------------------------------------------------------------------------

/// The LOCAL the user typed, if it is a usable port; else `fallback`.
fn local_of(spec: Option<&str>, fallback: i32) -> i32 {
    let Some(spec) = spec else {
        return fallback;
    };
    let (local, _) = split_port(spec);
    match parse_u16(local) {
        Ok(n) if n != 0 => i32::from(n),
        _ => fallback,
    }
}

fn port_u16(n: i32) -> u16 {
    u16::try_from(n).unwrap_or(0)
}

struct Ctx {
    ns: String,
    label: String,
}

impl Ctx {
    fn finding(&self, id: &str, sev: Severity) -> Finding {
        Finding::new(id, sev, &self.ns, &self.label)
    }
}

/// Forward `svc/NAME` to `port`: the fix line and the act.
fn forward_svc(f: Finding, ns: &str, svc: &str, local: i32, port: i32) -> Finding {
    f.fix(format!(
        "kubectl port-forward svc/{svc} -n {ns} {local}:{port}"
    ))
    .act(Act::PortForward {
        namespace: ns.to_string(),
        target: format!("svc/{svc}"),
        local: port_u16(local),
        remote: port_u16(port),
    })
}

fn forward_pod(f: Finding, ns: &str, pod: &str, local: i32, port: i32) -> Finding {
    f.fix(format!(
        "kubectl port-forward pod/{pod} -n {ns} {local}:{port}"
    ))
    .act(Act::PortForward {
        namespace: ns.to_string(),
        target: format!("pod/{pod}"),
        local: port_u16(local),
        remote: port_u16(port),
    })
}

/// A finding for a tried spec kubectl refuses on a service.
fn service_failure(
    ctx: &Ctx,
    svc: &Service,
    pod: Option<&Pod>,
    spec: &str,
    failure: &Failure,
) -> Option<Finding> {
    let name = svc_name(svc);
    let ns = &ctx.ns;
    let title = failure.text(name);
    let cands = service_cands(svc, pod);
    let stack = service_stack(svc);
    let (id, sev, meaning, tried) = match failure {
        Failure::NoSpec => return None,
        Failure::ServicePort(p) => (
            "port.no-service-port",
            Severity::Error,
            format!(
                "kubectl port-forward svc/{name} takes one of the service's own ports and forwards to that port's targetPort on a pod; {p} is not one of them."
            ),
            Some(*p),
        ),
        Failure::NamedServicePort(n) => (
            "port.no-named-service-port",
            Severity::Error,
            format!(
                "A port given by name must be the name of one of service/{name}'s ports; none is called {n}."
            ),
            None,
        ),
        Failure::Udp(p) => (
            "port.udp",
            Severity::Error,
            format!(
                "kubectl port-forward carries TCP only, and service port {p} is UDP only."
            ),
            None,
        ),
        Failure::Parse(_) => (
            "port.bad-spec",
            Severity::Error,
            "kubectl port-forward takes [LOCAL:]REMOTE: REMOTE a service port number or name, LOCAL a port number (or empty for any free port).".to_string(),
            None,
        ),
        // A named target no container declares is the target check's; the rest are not about
        // the port.
        Failure::NamedPodPort { .. }
        | Failure::NoSelector
        | Failure::NoPod
        | Failure::NotRunning(_) => return None,
    };
    let mut f = ctx.finding(id, sev).title(title).proof(ports_fact(svc));
    for p in target_facts(svc) {
        f = f.proof(p);
    }
    let picked = pick(&cands, stack, tried, "service");
    match picked {
        Some((port, why)) => {
            f = f.meaning(format!("{meaning} Use {port}: {why}."));
            f = forward_svc(f, ns, name, local_of(Some(spec), port), port);
        }
        None => f = f.meaning(meaning),
    }
    Some(f)
}

fn kserve_isvc(svc: &Service) -> Option<String> {
    svc.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("serving.kserve.io/inferenceservice"))
        .cloned()
        .or_else(|| svc_name(svc).strip_suffix("-predictor").map(str::to_string))
}

fn isvc_url(ev: &Evidence, ns: &str, isvc: &str) -> Option<String> {
    ev.custom("InferenceService")
        .iter()
        .find(|v| {
            v["metadata"]["name"].as_str() == Some(isvc)
                && v["metadata"]["namespace"].as_str().unwrap_or(ns) == ns
        })
        .and_then(|v| v["status"]["url"].as_str())
        .map(str::to_string)
}

/// A selector-less service (or an ExternalName one): kubectl cannot pick a pod.
fn no_selector(ctx: &Ctx, ev: &Evidence, svc: &Service, tried: Option<&str>) -> Finding {
    let name = svc_name(svc);
    let ns = &ctx.ns;
    let spec = svc.spec.as_ref();
    let external = spec.and_then(|s| s.type_.as_deref()) == Some("ExternalName");
    let alias = spec
        .and_then(|s| s.external_name.as_deref())
        .unwrap_or_default();
    let sev = if tried.is_some() {
        Severity::Error
    } else {
        Severity::Info
    };
    let mut f = ctx
        .finding("port.no-selector", sev)
        .title(Failure::NoSelector.text(name));
    let kserve_gateway = alias.contains("knative") || alias.contains("istio");
    let isvc =
        kserve_isvc(svc).filter(|_| external && (kserve_gateway || service_stack(svc).kserve));
    if external {
        f = f.proof(Proof::Fact {
            text: format!("service/{name} is type ExternalName: a DNS alias for {alias}"),
        });
    } else {
        f = f.proof(Proof::Fact {
            text: format!("service/{name} has no spec.selector"),
        });
    }
    if let Some(isvc) = isvc {
        f = f.meaning(format!(
            "service/{name} is the serverless KServe predictor of InferenceService {isvc}: an ExternalName alias for the Knative gateway ({alias}), with no pods behind it, so kubectl cannot port-forward to it. Forward the predictor pod, or the Istio ingress gateway with the InferenceService's host."
        ));
        let pod = ev.all_pods.iter().flatten().find(|p| {
            p.metadata.namespace.as_deref().unwrap_or(ns) == ns
                && p.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get("serving.kserve.io/inferenceservice"))
                    .map(String::as_str)
                    == Some(isvc.as_str())
                && p.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get("component"))
                    .is_none_or(|c| c == "predictor")
        });
        let host = isvc_url(ev, ns, &isvc).map(|u| {
            u.trim_start_matches("http://")
                .trim_start_matches("https://")
                .trim_end_matches('/')
                .to_string()
        });
        f = f.fix("kubectl port-forward -n istio-system svc/istio-ingressgateway 8080:80");
        match host {
            Some(h) => {
                f = f.fix(format!(
                    "curl -H \"Host: {h}\" http://localhost:8080/v1/models/{isvc}"
                ))
            }
            None => {
                f = f.fix(format!(
                    "kubectl get inferenceservice {isvc} -n {ns} -o jsonpath='{{.status.url}}'   # the Host header for the gateway"
                ))
            }
        }
        if let Some(p) = pod {
            let port = pod_cands(p)
                .iter()
                .find(|c| c.container.as_deref() == Some("kserve-container"))
                .map_or(8080, |c| c.port);
            f = forward_pod(f, ns, pod_name(p), local_of(tried, port), port);
        }
        return f;
    }
    if external {
        return f.meaning(format!(
            "service/{name} is an ExternalName service: a DNS alias for {alias}, with no pods behind it, so kubectl cannot port-forward to it. Reach {alias} directly, or forward a pod that serves it."
        ));
    }
    f = f.meaning(format!(
        "service/{name} has no selector: its endpoints are set by hand or by another controller, and kubectl port-forward needs a pod. Forward a pod behind it instead."
    ));
    let ep = endpoints_of(ev, ns, name);
    let target = ep.and_then(|ep| {
        ep.subsets.iter().flatten().find_map(|s| {
            let addr = s.addresses.iter().flatten().find_map(|a| {
                a.target_ref
                    .as_ref()
                    .filter(|r| r.kind.as_deref() == Some("Pod"))
                    .and_then(|r| r.name.clone())
            })?;
            let port = s.ports.iter().flatten().next()?.port;
            Some((addr, port))
        })
    });
    if let Some(ep) = ep {
        let sum = endpoints_summary(ep);
        f = f.proof(Proof::Fact {
            text: format!(
                "endpoints of service/{name}: {}",
                if sum.ready.is_empty() {
                    "<none>".to_string()
                } else {
                    sum.ready.join(", ")
                }
            ),
        });
    }
    if let Some((pod, port)) = target {
        f = forward_pod(f, ns, &pod, local_of(tried, port), port);
    }
    f
}

fn endpoints_of<'a>(ev: &'a Evidence, ns: &str, name: &str) -> Option<&'a Endpoints> {
    ev.endpoints.iter().flatten().find(|e| {
        e.metadata.name.as_deref() == Some(name)
            && e.metadata.namespace.as_deref().unwrap_or(ns) == ns
    })
}

fn selector_text(sel: &std::collections::BTreeMap<String, String>) -> String {
    sel.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Pods of the namespace that nearly match: every selector key but one matches, or (for a
/// single-key selector) the key is there with another value.
fn near_misses(
    sel: &std::collections::BTreeMap<String, String>,
    all: &[Pod],
    ns: &str,
) -> Vec<Proof> {
    all.iter()
        .filter(|p| p.metadata.namespace.as_deref().unwrap_or(ns) == ns)
        .filter_map(|p| {
            let labels = p.metadata.labels.as_ref()?;
            let matched = sel
                .iter()
                .filter(|(k, v)| labels.get(*k) == Some(*v))
                .count();
            let differing: Vec<String> = sel
                .iter()
                .filter_map(|(k, v)| match labels.get(k) {
                    Some(have) if have != v => Some(format!("{k}={have}")),
                    _ => None,
                })
                .collect();
            (matched + 1 == sel.len() && differing.len() == 1).then(|| Proof::Fact {
                text: format!(
                    "pod/{} has {} (the selector wants {})",
                    pod_name(p),
                    differing.join(","),
                    selector_text(sel)
                ),
            })
        })
        .take(3)
        .collect()
}

fn no_pods(ctx: &Ctx, ev: &Evidence, svc: &Service) -> Finding {
    let name = svc_name(svc);
    let sel = selector(svc);
    let mut f = ctx
        .finding("port.no-pods", Severity::Error)
        .title(format!(
            "service/{name} selects no pods: no pod in {} has {}",
            ctx.ns,
            selector_text(&sel)
        ))
        .meaning(format!(
            "Nothing answers behind service/{name}: its selector matches no pod, so it has no endpoints, and kubectl port-forward waits for a pod (--pod-running-timeout, 1m) and then fails with \"timed out waiting for the condition\"."
        ))
        .proof(Proof::Fact {
            text: format!("selector of service/{name}: {}", selector_text(&sel)),
        });
    if let Some(all) = &ev.all_pods {
        for p in near_misses(&sel, all, &ctx.ns) {
            f = f.proof(p);
        }
    }
    f.fix(format!(
        "kubectl get pods -n {} -l {} --show-labels",
        ctx.ns,
        selector_text(&sel)
    ))
    .fix("Fix the selector or the pod template's labels so they agree, or start the workload that should run these pods.")
}

/// `(protocol, number)` and `(protocol, name)` of every declared port.
type PortKeys = (BTreeSet<(String, i32)>, BTreeSet<(String, String)>);

fn declared_keys(pod: &Pod) -> PortKeys {
    let mut nums = BTreeSet::new();
    let mut names = BTreeSet::new();
    let spec = pod.spec.as_ref();
    let containers = spec.iter().flat_map(|s| {
        s.containers.iter().chain(
            s.init_containers
                .iter()
                .flatten()
                .filter(|c| c.restart_policy.as_deref() == Some("Always")),
        )
    });
    for c in containers {
        for p in c.ports.iter().flatten() {
            let proto = protocol(p.protocol.as_ref()).to_string();
            nums.insert((proto.clone(), p.container_port));
            if let Some(n) = p.name.as_deref().filter(|n| !n.is_empty()) {
                names.insert((proto, n.to_string()));
            }
        }
    }
    (nums, names)
}

fn declares_ports(pod: &Pod) -> bool {
    pod.spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten().chain(&s.containers))
        .any(|c| c.ports.as_ref().is_some_and(|p| !p.is_empty()))
}

/// Popeye POP-1106 over the pod kubectl would forward to: each service port's target must be a
/// container port (number or name, same protocol). A named target no container declares is
/// kubectl's `Pod '%s' does not have a named port '%s'`; a number is only a warning (the app
/// may listen without declaring it), and is skipped when the pod declares no port at all.
fn target_checks(ctx: &Ctx, svc: &Service, pod: &Pod) -> Vec<Finding> {
    if headless(svc) {
        return vec![];
    }
    let (nums, names) = declared_keys(pod);
    let declares_any = !nums.is_empty();
    let name = svc_name(svc);
    let pname = pod_name(pod);
    let ns = &ctx.ns;
    let tcp: Vec<Cand> = pod_cands(pod);
    let mut out = vec![];
    for (i, sp) in svc_ports(svc).iter().enumerate() {
        let proto = protocol(sp.protocol.as_ref()).to_string();
        let sp_text = port_text(sp.port, &proto, sp.name.as_deref());
        let popeye = format!(
            "Popeye: [POP-1106] No target ports match service port {proto}:{}:{}",
            sp.name.as_deref().unwrap_or_default(),
            sp.port
        );
        match target(sp) {
            Target::Name(n) => {
                if container_port_by_name(pod, &n).is_ok() {
                    continue;
                }
                let mut f = ctx
                    .finding("port.no-named-pod-port", Severity::Error)
                    .title(Failure::NamedPodPort {
                        pod: pname.to_string(),
                        name: n.clone(),
                    }
                    .text(name))
                    .meaning(format!(
                        "Service port {sp_text} sends traffic to the container port named {n}, but no container of pod/{pname} declares a port by that name: the service has no endpoint for it, and kubectl port-forward fails."
                    ))
                    .proof(Proof::Fact { text: popeye });
                for p in container_port_facts(pod) {
                    f = f.proof(p);
                }
                if let Some((port, why)) = pick(&tcp, pod_stack(pod), None, "pod") {
                    f = f
                        .fix(format!(
                            "kubectl patch svc {name} -n {ns} --type=json -p '[{{\"op\":\"replace\",\"path\":\"/spec/ports/{i}/targetPort\",\"value\":{port}}}]'   # {why}"
                        ))
                        .fix(format!("or name the container port {n} in the pod template"));
                    f = forward_pod(f, ns, pname, port, port);
                }
                out.push(f);
            }
            Target::Num(t) => {
                if !declares_any
                    || nums.contains(&(proto.clone(), t))
                    || names.contains(&(proto.clone(), t.to_string()))
                {
                    continue;
                }
                let mut f = ctx
                    .finding("port.target-not-declared", Severity::Warning)
                    .title(format!(
                        "service port {sp_text} of service/{name} goes to port {t}, which no container of pod/{pname} declares"
                    ))
                    .meaning(format!(
                        "Traffic for service port {} goes to port {t} of the pod, but its containers declare other ports: unless the app listens on {t} without declaring it, connections are refused.",
                        sp.port
                    ))
                    .proof(Proof::Fact { text: popeye });
                for p in container_port_facts(pod) {
                    f = f.proof(p);
                }
                if let [only] = tcp.as_slice() {
                    f = f.fix(format!(
                        "kubectl patch svc {name} -n {ns} --type=json -p '[{{\"op\":\"replace\",\"path\":\"/spec/ports/{i}/targetPort\",\"value\":{}}}]'",
                        only.port
                    ));
                    f = forward_pod(f, ns, pname, only.port, only.port);
                } else {
                    f = f.fix(format!(
                        "Set targetPort of service port {} to the port the app listens on, or declare {t} in the pod template.",
                        sp.port
                    ));
                }
                out.push(f);
            }
        }
    }
    out
}

/// Endpoints whose port disagrees with a numeric targetPort (stale, or kept by hand).
fn endpoint_port_checks(ctx: &Ctx, svc: &Service, ep: &Endpoints) -> Vec<Finding> {
    if headless(svc) {
        return vec![];
    }
    let name = svc_name(svc);
    let mut out = vec![];
    for sp in svc_ports(svc) {
        let Target::Num(t) = target(sp) else {
            continue;
        };
        let want = sp.name.as_deref().unwrap_or_default();
        let have: Vec<i32> = ep
            .subsets
            .iter()
            .flatten()
            .flat_map(|s| s.ports.iter().flatten())
            .filter(|p| p.name.as_deref().unwrap_or_default() == want)
            .map(|p| p.port)
            .collect();
        if have.is_empty() || have.contains(&t) {
            continue;
        }
        let have_text: Vec<String> = have.iter().map(i32::to_string).collect();
        out.push(
            ctx.finding("port.endpoints-mismatch", Severity::Warning)
                .title(format!(
                    "the endpoints of service/{name} send port {} to {}, not to its targetPort {t}",
                    sp.port,
                    have_text.join(", ")
                ))
                .meaning(
                    "The endpoints controller keeps a selector's endpoints on the targetPort; endpoints on another port are stale or kept by hand, and traffic goes where they say.",
                )
                .proof(Proof::Fact {
                    text: format!(
                        "service port {} targetPort {t}; endpoints port {}",
                        port_text(sp.port, protocol(sp.protocol.as_ref()), sp.name.as_deref()),
                        have_text.join(", ")
                    ),
                })
                .fix(format!("kubectl get endpoints {name} -n {} -o yaml", ctx.ns)),
        );
    }
    out
}

fn not_ready_facts(pods: &[Pod], now: Timestamp) -> Vec<Proof> {
    pods.iter()
        .filter(|p| !is_ready(p))
        .flat_map(|p| {
            let name = pod_name(p).to_string();
            rows::rows(p, now)
                .into_iter()
                .filter(|r| matches!(r.kind, rows::Kind::Regular) && !r.ready)
                .map(move |r| Proof::State {
                    pod: name.clone(),
                    container: r.name.to_string(),
                    text: format!("not ready, {}", r.state),
                })
        })
        .take(6)
        .collect()
}

fn no_ready_endpoints(
    ctx: &Ctx,
    ev: &Evidence,
    svc: &Service,
    pods: &[Pod],
    now: Timestamp,
) -> Option<Finding> {
    let name = svc_name(svc);
    let ns = &ctx.ns;
    let (ready, not_ready, from_endpoints) =
        match (ev.endpoints.is_some(), endpoints_of(ev, ns, name)) {
            (_, Some(ep)) => {
                let s = endpoints_summary(ep);
                (s.ready, s.not_ready, true)
            }
            _ => {
                // Pods without conditions (copied partially) say nothing about readiness.
                if pods.iter().any(|p| {
                    p.status
                        .as_ref()
                        .and_then(|s| s.conditions.as_ref())
                        .is_none_or(Vec::is_empty)
                }) {
                    return None;
                }
                let r: Vec<String> = pods
                    .iter()
                    .filter(|p| is_ready(p))
                    .map(|p| pod_name(p).to_string())
                    .collect();
                (r, vec![], false)
            }
        };
    if !ready.is_empty() {
        return None;
    }
    let sel = selector_text(&selector(svc));
    let unready: Vec<&str> = pods.iter().filter(|p| !is_ready(p)).map(pod_name).collect();
    let who = match unready.as_slice() {
        [one] => format!("pod/{one} is not ready"),
        many => format!("{} pods are not ready", many.len()),
    };
    let title = format!("service/{name} has no ready endpoints: {who}");
    let said = if !not_ready.is_empty() {
        format!(
            "k8sgpt: Service has not ready endpoints, pods: {}, expected {}",
            not_ready.join(", "),
            pods.len()
        )
    } else if from_endpoints {
        format!("k8sgpt: Service has no endpoints, expected label {sel}")
    } else {
        format!("no pod selected by {sel} is ready")
    };
    let mut f = ctx
        .finding("port.no-ready-endpoints", Severity::Error)
        .title(title)
        .meaning(format!(
            "Clients of service/{name} inside the cluster get no answer: it sends traffic only to ready pods, and none is. kubectl port-forward goes straight to a pod, ready or not, so it may still connect."
        ))
        .proof(Proof::Fact { text: said });
    for p in not_ready_facts(pods, now) {
        f = f.proof(p);
    }
    if let Some(p) = pods.iter().find(|p| !is_ready(p)) {
        let pn = pod_name(p);
        f = f
            .fix(format!("kubectl describe pod {pn} -n {ns}"))
            .act(Act::Events {
                namespace: ns.to_string(),
                object: format!("pod/{pn}"),
            });
    }
    Some(f)
}

fn not_running(ctx: &Ctx, pod: &Pod, now: Timestamp, via: &str) -> Finding {
    let pn = pod_name(pod);
    let ph = phase(pod);
    let mut f = Finding::new(
        "port.pod-not-running",
        Severity::Error,
        &ctx.ns,
        &format!("pod/{pn}"),
    )
    .title(Failure::NotRunning(ph.to_string()).text(""))
    .meaning(format!(
        "kubectl port-forward {via} connects to pod/{pn}, which is {ph}: nothing in it can answer until it runs."
    ));
    for r in rows::rows(pod, now) {
        if r.state.as_str().starts_with("running") {
            continue;
        }
        f = f.proof(Proof::State {
            pod: pn.to_string(),
            container: r.name.to_string(),
            text: r.state.to_string(),
        });
    }
    f.fix(format!("kubectl describe pod {pn} -n {}", ctx.ns))
        .act(Act::Events {
            namespace: ctx.ns.clone(),
            object: format!("pod/{pn}"),
        })
}

/// The container of `pod` that declares `port`, else its first container.
fn container_for(pod: &Pod, port: u16) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .find(|c| {
            c.ports
                .iter()
                .flatten()
                .any(|p| p.container_port == i32::from(port))
        })
        .or_else(|| spec.containers.first())
        .map(|c| c.name.clone())
}

fn probe_findings(ctx: &Ctx, ev: &Evidence, pods: &[Pod]) -> Vec<Finding> {
    let names: BTreeSet<&str> = pods.iter().map(pod_name).collect();
    ev.probes
        .iter()
        .filter(|p: &&ProbeResult| p.namespace == ctx.ns && names.contains(p.pod.as_str()))
        .map(|p| {
            let pod = pods.iter().find(|x| pod_name(x) == p.pod);
            let subject = format!("pod/{}", p.pod);
            match &p.outcome {
                Ok(what) => Finding::new("port.answered", Severity::Info, &ctx.ns, &subject)
                    .title(format!("port {} of pod/{} answers: {what}", p.port, p.pod))
                    .meaning(format!(
                        "A probe through a port-forward reached a process listening on port {} of pod/{}.",
                        p.port, p.pod
                    ))
                    .proof(Proof::Fact {
                        text: format!("probe of {}:{}: {what}", p.pod, p.port),
                    }),
                Err(err) => {
                    let mut f = Finding::new(
                        "port.nothing-listening",
                        Severity::Error,
                        &ctx.ns,
                        &subject,
                    )
                    .title(format!("nothing answers on port {} of pod/{}", p.port, p.pod))
                    .meaning(format!(
                        "A port-forward reached pod/{} but the connection to port {} inside it failed: no process listens there (or it listens on another port, or on another address than localhost/0.0.0.0). kubectl port-forward keeps running and fails every connection with \"error forwarding port {}\".",
                        p.pod, p.port, p.port
                    ))
                    .proof(Proof::Fact {
                        text: format!("probe of {}:{}: {err}", p.pod, p.port),
                    });
                    if let Some(pod) = pod {
                        for fact in container_port_facts(pod) {
                            f = f.proof(fact);
                        }
                        let others: Vec<Cand> = pod_cands(pod)
                            .into_iter()
                            .filter(|c| c.port != i32::from(p.port))
                            .collect();
                        let container = container_for(pod, p.port);
                        if let Some(c) = &container {
                            f = f.fix(format!(
                                "kubectl logs {} -n {} -c {c}   # which address and port did the app bind?",
                                p.pod, ctx.ns
                            ));
                        }
                        if let Some((port, why)) = pick(&others, pod_stack(pod), None, "pod") {
                            f = f.fix(format!("Try the declared port {port} ({why}):"));
                            f = forward_pod(f, &ctx.ns, &p.pod, port, port);
                        } else if let Some(c) = container {
                            f = f.act(Act::Logs {
                                namespace: ctx.ns.clone(),
                                pod: p.pod.clone(),
                                container: c,
                                previous: false,
                            });
                        }
                    }
                    f
                }
            }
        })
        .collect()
}

fn service_of(subject: &Subject, ev: &Evidence) -> Option<Service> {
    ev.object
        .as_ref()
        .and_then(|v| serde_json::from_value::<Service>(v.clone()).ok())
        .filter(|s| s.metadata.name.as_deref() == Some(subject.name.as_str()))
        .or_else(|| {
            ev.services
                .iter()
                .flatten()
                .find(|s| {
                    s.metadata.name.as_deref() == Some(subject.name.as_str())
                        && s.metadata
                            .namespace
                            .as_deref()
                            .unwrap_or(&subject.namespace)
                            == subject.namespace
                })
                .cloned()
        })
}

/// The pods a service selects: `ev.pods`, or (when those were not gathered) the matching ones
/// among `ev.all_pods`.
fn selected(svc: &Service, ev: &Evidence, ns: &str) -> Vec<Pod> {
    if !ev.pods.is_empty() {
        return ev.pods.clone();
    }
    let sel = selector(svc);
    ev.all_pods
        .iter()
        .flatten()
        .filter(|p| p.metadata.namespace.as_deref().unwrap_or(ns) == ns)
        .filter(|p| p.metadata.labels.as_ref().is_some_and(|l| selects(&sel, l)))
        .cloned()
        .collect()
}

/// Whether the subject's pods were read: an empty list then means none exist.
fn pods_known(ev: &Evidence) -> bool {
    !ev.pods.is_empty()
        || ev.all_pods.is_some()
        || !ev.missing.iter().any(|m| m.what.contains("pods"))
}

fn check_service(subject: &Subject, ev: &Evidence, svc: &Service, now: Timestamp) -> Vec<Finding> {
    let ns = svc
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| subject.namespace.clone());
    let name = svc_name(svc).to_string();
    let ctx = Ctx {
        ns: ns.clone(),
        label: format!("service/{name}"),
    };
    let tried = subject
        .port
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let pods = selected(svc, ev, &ns);
    let mut out = vec![];
    if selector(svc).is_empty() {
        out.push(no_selector(&ctx, ev, svc, tried));
        out.extend(probe_findings(&ctx, ev, &pods));
        return out;
    }
    let spec = svc.spec.as_ref();
    let external = spec.and_then(|s| s.type_.as_deref()) == Some("ExternalName");
    if external {
        let alias = spec
            .and_then(|s| s.external_name.as_deref())
            .unwrap_or_default();
        out.push(
            ctx.finding("port.external-name", Severity::Warning)
                .title(format!(
                    "service/{name} is an ExternalName service: a DNS alias for {}, whatever its selector",
                    if alias.is_empty() { "<none>" } else { alias }
                ))
                .meaning(format!(
                    "Clients of service/{name} resolve it to {alias} by DNS; its selector {} is ignored and it has no endpoints. kubectl port-forward still uses the selector to pick a pod.",
                    selector_text(&selector(svc))
                ))
                .proof(Proof::Fact {
                    text: format!("service/{name}: type ExternalName, externalName {alias:?}"),
                }),
        );
    }
    let pod = forwarded_pod(&pods);
    if let Some(spec) = tried {
        match translate(svc, pod, spec) {
            // A named target no container declares: the target check below says it, once.
            Ok(_) | Err(Failure::NamedPodPort { .. }) => {}
            Err(f) => out.extend(service_failure(&ctx, svc, pod, spec, &f)),
        }
    }
    if pods.is_empty() {
        if pods_known(ev) {
            out.push(no_pods(&ctx, ev, svc));
        }
    } else if let Some(p) = pod {
        out.extend(target_checks(&ctx, svc, p));
        if tried.is_some() && !phase(p).is_empty() && phase(p) != "Running" {
            out.push(not_running(&ctx, p, now, &format!("svc/{name}")));
        }
        if !external {
            out.extend(no_ready_endpoints(&ctx, ev, svc, &pods, now));
        }
    }
    if !external && let Some(ep) = endpoints_of(ev, &ns, &name) {
        out.extend(endpoint_port_checks(&ctx, svc, ep));
    }
    if tried.is_none() && !svc_ports(svc).is_empty() && service_cands(svc, pod).is_empty() {
        out.push(
            ctx.finding("port.udp", Severity::Info)
                .title(format!("service/{name} has UDP ports only: {}", service_ports_text(svc)))
                .meaning("kubectl port-forward carries TCP only; reach UDP ports from a pod inside the cluster."),
        );
    }
    out.extend(probe_findings(&ctx, ev, &pods));
    out
}

fn check_pod(subject: &Subject, ev: &Evidence, pod: &Pod, now: Timestamp) -> Vec<Finding> {
    let ns = pod
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| subject.namespace.clone());
    let pn = pod_name(pod).to_string();
    let ctx = Ctx {
        ns: ns.clone(),
        label: format!("pod/{pn}"),
    };
    let mut out = vec![];
    if let Some(spec) = subject
        .port
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let cands = pod_cands(pod);
        let stack = pod_stack(pod);
        let with_ports = |mut f: Finding| {
            for p in container_port_facts(pod) {
                f = f.proof(p);
            }
            f
        };
        match translate_pod(pod, spec) {
            Ok((_, remote)) => {
                let declared = pod
                    .spec
                    .iter()
                    .flat_map(|s| s.init_containers.iter().flatten().chain(&s.containers))
                    .flat_map(|c| c.ports.iter().flatten())
                    .any(|p| p.container_port == i32::from(remote));
                let declares_any = declares_ports(pod);
                if !declared && declares_any {
                    let mut f = with_ports(
                        ctx.finding("port.not-declared", Severity::Warning)
                            .title(format!("pod/{pn} declares no port {remote}")),
                    );
                    let meaning = format!(
                        "kubectl port-forward does not check container ports, so the forward starts, but no container declares {remote}: unless the app listens there anyway, every connection is refused."
                    );
                    match pick(&cands, stack, Some(i64::from(remote)), "pod") {
                        Some((port, why)) => {
                            f = f.meaning(format!("{meaning} Use {port}: {why}."));
                            f = forward_pod(f, &ns, &pn, local_of(Some(spec), port), port);
                        }
                        None => f = f.meaning(meaning),
                    }
                    out.push(f);
                }
                if !phase(pod).is_empty() && phase(pod) != "Running" {
                    out.push(not_running(&ctx, pod, now, &format!("pod/{pn}")));
                }
            }
            Err(Failure::NoSpec) => {}
            Err(failure) => {
                let (id, meaning) = match &failure {
                    Failure::NamedPodPort { name, .. } => (
                        "port.no-named-pod-port",
                        format!("No container of pod/{pn} declares a port named {name}."),
                    ),
                    Failure::Udp(p) => (
                        "port.udp",
                        format!("kubectl port-forward carries TCP only, and port {p} of pod/{pn} is UDP only."),
                    ),
                    _ => (
                        "port.bad-spec",
                        "kubectl port-forward takes [LOCAL:]REMOTE: REMOTE a container port number or name, LOCAL a port number (or empty for any free port).".to_string(),
                    ),
                };
                let mut f = with_ports(ctx.finding(id, Severity::Error).title(failure.text("")));
                match pick(&cands, stack, None, "pod") {
                    Some((port, why)) => {
                        f = f.meaning(format!("{meaning} Use {port}: {why}."));
                        f = forward_pod(f, &ns, &pn, local_of(Some(spec), port), port);
                    }
                    None => f = f.meaning(meaning),
                }
                out.push(f);
            }
        }
    }
    out.extend(probe_findings(&ctx, ev, std::slice::from_ref(pod)));
    out
}

/// Findings about reaching the subject's ports.
///
/// For a service (`ev.object`, else found in `ev.services`; its pods in `ev.pods`, else matched
/// in `ev.all_pods`): the tried port as `kubectl port-forward svc/NAME PORT` resolves it
/// (`port.no-service-port`, `port.no-named-service-port`, `port.udp`, `port.bad-spec`), a
/// selector-less or ExternalName service (`port.no-selector`, `port.external-name`), no pods
/// (`port.no-pods`), targets no container declares (`port.no-named-pod-port`,
/// `port.target-not-declared`), no ready endpoints (`port.no-ready-endpoints`), endpoints on
/// another port (`port.endpoints-mismatch`), the pod kubectl would pick not Running
/// (`port.pod-not-running`, when a port was tried).
///
/// For a pod with a tried port: `port.no-named-pod-port`, `port.udp`, `port.bad-spec`,
/// `port.not-declared`, `port.pod-not-running`.
///
/// For both: the probes of the subject's pods, `port.nothing-listening` (error) or
/// `port.answered` (info). A healthy service gives nothing.
pub fn check(subject: &Subject, ev: &Evidence, now: Timestamp) -> Vec<Finding> {
    match subject.kind {
        SubjectKind::Service => match service_of(subject, ev) {
            Some(svc) => check_service(subject, ev, &svc, now),
            None => vec![],
        },
        SubjectKind::Pod => match ev
            .pods
            .iter()
            .find(|p| p.metadata.name.as_deref() == Some(subject.name.as_str()))
            .or(ev.pods.first())
        {
            Some(pod) => check_pod(subject, ev, pod, now),
            None => vec![],
        },
        _ => vec![],
    }
}

/// Which pod and port the app should probe through a port-forward: for a service, the first
/// ready pod in kubectl's order and the container port behind the tried service port (or, when
/// that does not resolve or none was tried, behind the port [`check`] would suggest); for a
/// running pod, the tried port (a number, or a container port name) or the suggested
/// container port. None when no pod is ready/running or no port can be named.
pub fn probe_plan(subject: &Subject, ev: &Evidence) -> Option<(String, String, u16)> {
    let tried = subject
        .port
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match subject.kind {
        SubjectKind::Service => {
            let svc = service_of(subject, ev)?;
            if selector(&svc).is_empty() {
                return None;
            }
            let ns = svc
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| subject.namespace.clone());
            let ready: Vec<Pod> = selected(&svc, ev, &ns)
                .into_iter()
                .filter(|p| is_ready(p) && phase(p) == "Running")
                .collect();
            let pod = forwarded_pod(&ready)?;
            let remote = match tried.map(|t| translate(&svc, Some(pod), t)) {
                Some(Ok((_, remote))) => remote,
                _ => {
                    let tried_num = tried.and_then(|t| atoi(split_port(t).1));
                    let (port, _) = pick(
                        &service_cands(&svc, Some(pod)),
                        service_stack(&svc),
                        tried_num,
                        "service",
                    )?;
                    port_u16(container_port_by_service_port(&svc, Some(pod), i64::from(port)).ok()?)
                }
            };
            (remote != 0).then(|| (ns, pod_name(pod).to_string(), remote))
        }
        SubjectKind::Pod => {
            let pod = ev
                .pods
                .iter()
                .find(|p| p.metadata.name.as_deref() == Some(subject.name.as_str()))?;
            if phase(pod) != "Running" {
                return None;
            }
            let ns = pod
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| subject.namespace.clone());
            let remote = match tried.map(|t| translate_pod(pod, t)) {
                Some(Ok((_, remote))) => remote,
                _ => port_u16(pick(&pod_cands(pod), pod_stack(pod), None, "pod")?.0),
            };
            (remote != 0).then(|| (ns, pod_name(pod).to_string(), remote))
        }
        _ => None,
    }
}

// ------------------------------------------------------------------------------------------
// One-line suggestions for a forward that cannot start (`kdoc port-forward`, the forwards pane)
// ------------------------------------------------------------------------------------------

/// `pod/P is Pending (classifier: ImagePullBackOff ...): nothing in it can answer until it runs`.
fn not_running_hint(pod: &Pod, now: Timestamp) -> String {
    let pn = pod_name(pod);
    let states: Vec<String> = rows::rows(pod, now)
        .iter()
        .filter(|r| !r.state.as_str().starts_with("running"))
        .map(|r| format!("{}: {}", r.name, r.state))
        .collect();
    let why = if states.is_empty() {
        String::new()
    } else {
        format!(" ({})", states.join(", "))
    };
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    format!(
        "pod/{pn} is {}{why}: nothing in it can answer until it runs; see kubectl describe pod {pn} -n {ns}",
        phase(pod)
    )
}

/// `its ports are 8000/TCP (http), 5001/TCP (grpc); use 8000: Seldon's executor serves ...`.
fn ports_hint(ports: String, picked: Option<(i32, String)>) -> String {
    match picked {
        Some((port, why)) => format!("its ports are {ports}; use {port}: {why}"),
        None => format!("its ports are {ports}"),
    }
}

/// A pod's container ports as `9000/TCP (http), 8000/TCP (http)`; `<none>` without any.
fn pod_ports_text(pod: &Pod) -> String {
    let ports: Vec<String> = pod
        .spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten().chain(&s.containers))
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| {
            port_text(
                p.container_port,
                protocol(p.protocol.as_ref()),
                p.name.as_deref(),
            )
        })
        .collect();
    if ports.is_empty() {
        "<none>".into()
    } else {
        ports.join(", ")
    }
}

/// kdoc's suggestion, in one line, for `kubectl port-forward svc/NAME SPEC` when [`resolve`]
/// refuses it (`pods`: the pods its selector matches): the service's ports and the one meant
/// (a serving stack's HTTP port), why there is no pod to forward to (no selector, an
/// ExternalName alias, no pod matches), or why the pod cannot answer. None when it resolves.
pub fn service_forward_hint(
    svc: &Service,
    pods: &[Pod],
    spec: &str,
    now: Timestamp,
) -> Option<String> {
    let name = svc_name(svc);
    let s = svc.spec.as_ref();
    if selector(svc).is_empty() {
        let alias = s.and_then(|s| s.external_name.as_deref()).unwrap_or("");
        if s.and_then(|s| s.type_.as_deref()) == Some("ExternalName") {
            return Some(format!(
                "service/{name} is an ExternalName service, a DNS alias for {alias} with no pods behind it: reach {alias} directly, or forward a pod that serves it"
            ));
        }
        return Some(format!(
            "service/{name} has no selector, so there is no pod to forward to: forward a pod behind it instead (its Endpoints name them)"
        ));
    }
    let Some(pod) = forwarded_pod(pods) else {
        return Some(format!(
            "no pod matches the selector {} of service/{name}",
            selector_text(&selector(svc))
        ));
    };
    let (_, remote) = split_port(spec);
    let picked = |tried: Option<i64>| {
        ports_hint(
            service_ports_text(svc),
            pick(
                &service_cands(svc, Some(pod)),
                service_stack(svc),
                tried,
                "service",
            ),
        )
    };
    match translate(svc, Some(pod), spec) {
        Err(Failure::NoSpec) => None,
        Err(Failure::ServicePort(p)) => Some(picked(Some(p))),
        Err(Failure::NamedServicePort(_) | Failure::Udp(_) | Failure::Parse(_)) => {
            Some(picked(atoi(remote)))
        }
        Err(Failure::NamedPodPort { pod, .. }) => Some(format!(
            "the ports of pod/{pod} are {}",
            pods.iter()
                .find(|p| pod_name(p) == pod)
                .map_or("<none>".into(), pod_ports_text)
        )),
        Err(_) => None,
        Ok(_) if phase(pod) != "Running" => Some(not_running_hint(pod, now)),
        Ok(_) => None,
    }
}

/// kdoc's suggestion, in one line, for `kubectl port-forward pod/NAME SPEC` when
/// [`resolve_pod`] refuses it: the pod's ports and the one meant, or why it cannot answer.
pub fn pod_forward_hint(pod: &Pod, spec: &str, now: Timestamp) -> Option<String> {
    match translate_pod(pod, spec) {
        Err(Failure::NoSpec) => None,
        Err(_) => Some(ports_hint(
            pod_ports_text(pod),
            pick(&pod_cands(pod), pod_stack(pod), None, "pod"),
        )),
        Ok(_) if phase(pod) != "Running" => Some(not_running_hint(pod, now)),
        Ok(_) => None,
    }
}
