//! The forward's state, kept true: the pods watched, the target connections go to, and the
//! reconnect attempts with their backoff.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, Service};
use kube::runtime::watcher::Event;
use tokio::sync::mpsc::Sender;
use tokio::sync::watch;
use tokio::time::Instant;

use super::{backoff, conn, resolve};
use crate::core::forward::{ForwardEvent, ForwardRequest, ForwardState};

/// The forward's state and the pods it knows of.
pub(super) struct Supervisor {
    pub events: Sender<ForwardEvent>,
    pub target: watch::Sender<conn::Target>,
    spec: String,
    /// The pod of a pod target; for a service, the pod it was last active on.
    pod_name: String,
    service: Option<Service>,
    /// The pods watched (a pod target's one, or the service's), once listed.
    pods: BTreeMap<String, Pod>,
    listing: BTreeMap<String, Pod>,
    synced: bool,
    attempt: u32,
    last_error: String,
    pub retry_at: Option<Instant>,
    /// The pods watch cannot reach the API server: the pods known may be stale, so nothing
    /// goes active again until the server answers (see [`Supervisor::api_back`]).
    pub api_down: bool,
}

impl Supervisor {
    pub fn new(req: &ForwardRequest, r: &resolve::Resolved, events: Sender<ForwardEvent>) -> Self {
        let (target, _) = watch::channel(conn::Target {
            generation: 1,
            active: Some((r.pod.clone(), r.remote)),
        });
        Supervisor {
            events,
            target,
            spec: req.spec.trim().to_string(),
            pod_name: r.pod.clone(),
            service: r.service.clone(),
            pods: BTreeMap::new(),
            listing: BTreeMap::new(),
            synced: false,
            attempt: 0,
            last_error: String::new(),
            retry_at: None,
            api_down: false,
        }
    }

    pub async fn send(&self, state: ForwardState) -> bool {
        self.events.send(ForwardEvent::State(state)).await.is_ok()
    }

    fn current(&self) -> Option<(String, u16)> {
        self.target.borrow().active.clone()
    }

    fn set_target(&self, active: Option<(String, u16)>) {
        self.target.send_modify(|t| {
            t.generation += 1;
            t.active = active;
        });
    }

    pub async fn pod_event(&mut self, ev: Event<Pod>) -> bool {
        let name = |p: &Pod| p.metadata.name.clone().unwrap_or_default();
        match ev {
            Event::Init => {
                self.listing.clear();
                return true;
            }
            Event::InitApply(p) => {
                self.listing.insert(name(&p), p);
                return true;
            }
            Event::InitDone => {
                self.pods = std::mem::take(&mut self.listing);
                self.synced = true;
            }
            Event::Apply(p) => {
                self.pods.insert(name(&p), p);
            }
            Event::Delete(p) => {
                self.pods.remove(&name(&p));
            }
        }
        if !self.synced {
            return true;
        }
        match self.current() {
            Some((pod, _)) => match self.gone(&pod) {
                Some(why) => self.lose(why).await,
                None => true,
            },
            None => self.try_activate().await.unwrap_or(true),
        }
    }

    /// Why the current pod cannot be forwarded to any more, if it cannot.
    fn gone(&self, pod: &str) -> Option<String> {
        match self.pods.get(pod) {
            None => Some(format!("pod {pod} was deleted")),
            Some(p) if p.metadata.deletion_timestamp.is_some() => {
                Some(format!("pod {pod} is terminating"))
            }
            Some(p) if !resolve::running(p) => Some(format!(
                "pod {pod} is not running (phase {})",
                resolve::phase(p)
            )),
            Some(_) => None,
        }
    }

    /// A connection's stream broke: its target is in doubt.
    pub async fn failed(&mut self, f: conn::Failure) -> bool {
        let now = self.target.borrow().generation;
        if f.generation == now && self.current().is_some() {
            self.lose(f.error).await
        } else {
            if self.current().is_none() {
                self.last_error = f.error;
            }
            true
        }
    }

    /// Stop sending connections to the current pod; retry after the backoff.
    async fn lose(&mut self, error: String) -> bool {
        self.set_target(None);
        self.attempt += 1;
        self.last_error = error.clone();
        self.retry_at = Some(Instant::now() + backoff(self.attempt));
        self.send(ForwardState::Reconnecting {
            attempt: self.attempt,
            error,
        })
        .await
    }

    /// The pods watch failed without an answer from the API server (or with a 5xx): the
    /// forward cannot open streams either, so it says so instead of looking active.
    pub async fn api_unreachable(&mut self, error: String) -> bool {
        if self.api_down {
            return true;
        }
        self.api_down = true;
        let error = format!("the API server is unreachable: {error}");
        if self.current().is_some() {
            self.lose(error).await
        } else {
            self.last_error = error;
            true
        }
    }

    /// The API server answered again (or did not, `ok` false).
    pub async fn api_back(&mut self, ok: bool) -> bool {
        if ok {
            self.api_down = false;
        }
        self.retry().await
    }

    /// A backoff ran out: check again, or count another attempt.
    pub async fn retry(&mut self) -> bool {
        self.retry_at = None;
        if self.current().is_some() {
            return true;
        }
        let found = if self.api_down {
            None
        } else {
            self.try_activate().await
        };
        match found {
            Some(ok) => ok,
            None => {
                self.attempt += 1;
                self.retry_at = Some(Instant::now() + backoff(self.attempt));
                self.send(ForwardState::Reconnecting {
                    attempt: self.attempt,
                    error: self.last_error.clone(),
                })
                .await
            }
        }
    }

    /// Where to forward now, from the pods watched: None while there is nowhere.
    fn candidate(&self) -> Option<(String, u16)> {
        if !self.synced {
            return None;
        }
        let pods: Vec<Pod> = self.pods.values().cloned().collect();
        match &self.service {
            Some(svc) => resolve::reresolve(svc, &pods, &self.spec, &self.pod_name),
            None => {
                let p = self.pods.get(&self.pod_name)?;
                if p.metadata.deletion_timestamp.is_some() || !resolve::running(p) {
                    return None;
                }
                let (_, remote) = crate::doctor::forward::resolve_pod(p, &self.spec).ok()?;
                Some((self.pod_name.clone(), remote))
            }
        }
    }

    /// Go active if there is a pod; None when there is none (yet), else whether the app is
    /// still listening.
    async fn try_activate(&mut self) -> Option<bool> {
        let (pod, remote) = self.candidate()?;
        self.set_target(Some((pod.clone(), remote)));
        self.pod_name.clone_from(&pod);
        self.attempt = 0;
        self.retry_at = None;
        Some(self.send(ForwardState::Active { pod, remote }).await)
    }
}
