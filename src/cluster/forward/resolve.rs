//! What a forward connects to, resolved as `kubectl port-forward` resolves it (the doctor's
//! `resolve`/`resolve_pod`, kubectl's pod choice), with kubectl's error texts and kdoc's
//! suggestion when it cannot start.

use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::ListParams;
use kube::{Api, Client};

use super::StartError;
use crate::core::forward::{ForwardRequest, ForwardTarget};
use crate::doctor::forward::{forwarded_pod, resolve, resolve_pod};
use crate::doctor::ports::{pod_forward_hint, service_forward_hint};

/// Where the forward goes first.
pub(super) struct Resolved {
    pub namespace: String,
    pub pod: String,
    pub local: u16,
    pub remote: u16,
    /// The service (a service target): re-resolved against when its pod goes away.
    pub service: Option<Service>,
}

/// The API's words, as kubectl prints them: `Error from server (NotFound): services "x" not
/// found`; a transport error as it is.
pub(super) fn api_error(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if !s.reason.is_empty() => {
            format!("Error from server ({}): {}", s.reason, s.message)
        }
        kube::Error::Api(s) => format!("Error from server: {}", s.message),
        e => e.to_string(),
    }
}

/// The words of a failed portforward request (the server's message, without kubectl's frame).
pub(super) fn open_error(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => s.message.clone(),
        e => e.to_string(),
    }
}

/// `k=v,k2=v2` for a label selector query.
pub(super) fn selector_query(svc: &Service) -> String {
    svc.spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .map(|sel| {
            sel.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

pub(super) fn namespace_of(client: &Client, req: &ForwardRequest) -> String {
    if req.namespace.is_empty() {
        client.default_namespace().to_string()
    } else {
        req.namespace.clone()
    }
}

pub(super) async fn start(client: &Client, req: &ForwardRequest) -> Result<Resolved, StartError> {
    let ns = namespace_of(client, req);
    let now = jiff::Timestamp::now();
    let spec = req.spec.trim();
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns);
    match &req.target {
        ForwardTarget::Pod(name) => {
            let pod = pods
                .get(name)
                .await
                .map_err(|e| StartError::plain(api_error(&e)))?;
            let (local, remote) = resolve_pod(&pod, spec).map_err(|error| StartError {
                hint: pod_forward_hint(&pod, spec, now),
                error,
            })?;
            Ok(Resolved {
                namespace: ns,
                pod: name.clone(),
                local,
                remote,
                service: None,
            })
        }
        ForwardTarget::Service(name) => {
            let services: Api<Service> = Api::namespaced(client.clone(), &ns);
            let svc = services
                .get(name)
                .await
                .map_err(|e| StartError::plain(api_error(&e)))?;
            let sel = selector_query(&svc);
            let matched = if sel.is_empty() {
                vec![]
            } else {
                pods.list(&ListParams::default().labels(&sel))
                    .await
                    .map_err(|e| StartError::plain(api_error(&e)))?
                    .items
            };
            let pod = forwarded_pod(&matched);
            let (local, remote) = resolve(&svc, pod, spec).map_err(|error| StartError {
                hint: service_forward_hint(&svc, &matched, spec, now),
                error,
            })?;
            let pod = pod
                .and_then(|p| p.metadata.name.clone())
                .unwrap_or_default();
            Ok(Resolved {
                namespace: ns,
                pod,
                local,
                remote,
                service: Some(svc),
            })
        }
    }
}

/// The pod a service forward moves to after its pod went away or a stream to it broke: a
/// Running, ready pod in kubectl's order, else the pod it was on (`previous`) if that still
/// runs (kubectl forwards to an unready pod too); and the container port behind the same
/// service port on it.
pub(super) fn reresolve(
    svc: &Service,
    pods: &[Pod],
    spec: &str,
    previous: &str,
) -> Option<(String, u16)> {
    let usable = |p: &&Pod| p.metadata.deletion_timestamp.is_none() && running(p);
    let ready_pods: Vec<Pod> = pods
        .iter()
        .filter(usable)
        .filter(|p| ready(p))
        .cloned()
        .collect();
    let pod = forwarded_pod(&ready_pods).or_else(|| {
        pods.iter()
            .filter(usable)
            .find(|p| p.metadata.name.as_deref() == Some(previous))
    })?;
    let (_, remote) = resolve(svc, Some(pod), spec).ok()?;
    Some((pod.metadata.name.clone()?, remote))
}

pub(super) fn running(pod: &Pod) -> bool {
    pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
}

pub(super) fn ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

pub(super) fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Unknown")
}
