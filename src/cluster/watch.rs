//! Watches through `kube::runtime::watcher` with backoff, turned into reducer messages: pods,
//! namespaces, services and endpoints here, workflows in `workflows.rs`. A full list arrives as
//! one reset, so relists never duplicate rows. Messages go through a bounded channel: a flood
//! of events waits for the app instead of growing memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Endpoints, Namespace, Pod, Service};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, Resource};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::latency::{self, Meter};

use crate::core::cluster_event::{ClusterEvent, ClusterMsg, Conn};
use crate::core::effect::EffectId;
use crate::core::pods::PodEntry;
use crate::core::services::ServiceEntry;
use crate::core::state::Scope;

/// Running watches; dropping this cancels them.
pub struct Watches {
    tasks: Vec<JoinHandle<()>>,
    /// Where other requests of this cluster report how long they took.
    pub meter: Meter,
}

impl Drop for Watches {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// The API's status when the server answered (403, 404, 410, ...).
pub fn api_status(e: &watcher::Error) -> Option<&kube::core::Status> {
    match e {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s))
        | watcher::Error::WatchError(s) => Some(s),
        _ => None,
    }
}

/// What a watch's error means for the app.
pub enum Failure {
    /// 410 Gone: the watcher relists by itself; nothing to say.
    Expired,
    /// The server answered with an error (403, ...): its own message.
    Refused(String),
    /// No answer (the connection is down), or an answer saying to try again later (5xx, 429).
    Unreachable(String),
}

pub fn classify(e: &watcher::Error) -> Failure {
    match api_status(e) {
        Some(s) if s.code == 410 => Failure::Expired,
        // An apiserver or etcd in trouble (500, 503, 504) or shedding load (429): it may well
        // answer the next attempt, and what was listed before is still the best we know.
        Some(s) if s.code >= 500 || s.code == 429 => Failure::Unreachable(s.message.clone()),
        Some(s) => Failure::Refused(s.message.clone()),
        None => Failure::Unreachable(e.to_string()),
    }
}

/// How one watched kind turns into cluster events.
pub struct Kind<K, T> {
    pub convert: fn(&K) -> T,
    pub reset: fn(Vec<T>) -> ClusterEvent,
    pub applied: fn(T) -> ClusterEvent,
    pub deleted: fn(String, String) -> ClusterEvent,
    /// The server refused (e.g. 403): the event that says so, if this kind reports it.
    pub refused: Option<fn(String) -> ClusterEvent>,
}

/// Watch `api` and send what happens as events of watch `id`. The first kind (pods) also
/// reports the connection; `conn` says whether this one does. Each list is timed on `meter`.
pub fn spawn<K, T>(
    api: Api<K>,
    kind: Kind<K, T>,
    id: EffectId,
    tx: Sender<ClusterMsg>,
    conn: Option<Client>,
    meter: Meter,
) -> JoinHandle<()>
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
    T: Send + 'static,
{
    tokio::spawn(async move {
        let mut stream = watcher::watcher(api, watcher::Config::default())
            .default_backoff()
            .boxed();
        let mut buffer: Vec<T> = vec![];
        let mut attempt = 0u32;
        let probing = Arc::new(AtomicBool::new(false));
        // `Init` comes just before the list request; its first item or `InitDone` after it.
        let mut listing: Option<Instant> = None;
        while let Some(item) = stream.next().await {
            if item.is_ok() {
                attempt = 0;
            }
            if let (Ok(Event::InitApply(_) | Event::InitDone), Some(t)) = (&item, listing) {
                meter.record(t.elapsed());
                listing = None;
            }
            let ev = match item {
                Ok(Event::Init) => {
                    buffer.clear();
                    listing = Some(Instant::now());
                    continue;
                }
                Ok(Event::InitApply(o)) => {
                    // Convert now: keeping 10,000 parsed Pods until InitDone would cost ~110 MB.
                    buffer.push((kind.convert)(&o));
                    continue;
                }
                Ok(Event::InitDone) => (kind.reset)(std::mem::take(&mut buffer)),
                Ok(Event::Apply(o)) => (kind.applied)((kind.convert)(&o)),
                Ok(Event::Delete(o)) => {
                    let m = o.meta();
                    (kind.deleted)(
                        m.namespace.clone().unwrap_or_default(),
                        m.name.clone().unwrap_or_default(),
                    )
                }
                Err(e) => match (classify(&e), &conn) {
                    (Failure::Expired, _) => continue,
                    (Failure::Refused(text), _) => match kind.refused {
                        Some(f) => {
                            if conn.is_some() {
                                // The server answered: the connection itself is fine.
                                send(&tx, id, ClusterEvent::Conn(Conn::Connected)).await;
                            }
                            f(text)
                        }
                        None => continue,
                    },
                    (Failure::Unreachable(text), Some(client)) => {
                        attempt += 1;
                        let ev = ClusterEvent::Conn(Conn::Reconnecting {
                            attempt,
                            error: text,
                        });
                        let ok = send(&tx, id, ev).await;
                        if ok && !probing.swap(true, Ordering::SeqCst) {
                            tokio::spawn(probe(client.clone(), tx.clone(), id, probing.clone()));
                        }
                        continue;
                    }
                    // Only the pods watch reports the connection, once.
                    (Failure::Unreachable(_), None) => continue,
                },
            };
            if !send(&tx, id, ev).await {
                return;
            }
        }
    })
}

async fn send(tx: &Sender<ClusterMsg>, id: EffectId, event: ClusterEvent) -> bool {
    tx.send(ClusterMsg::watch(id, event)).await.is_ok()
}

fn api<K>(client: &Client, scope: &Scope) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    K::DynamicType: Default,
{
    match scope {
        Scope::All => Api::all(client.clone()),
        Scope::Namespace(ns) => Api::namespaced(client.clone(), ns),
    }
}

fn ns_name(n: &Namespace) -> String {
    n.metadata.name.clone().unwrap_or_default()
}

pub fn start(client: Client, scope: &Scope, id: EffectId, tx: Sender<ClusterMsg>) -> Watches {
    let (meter, metering) = latency::spawn(client.clone(), id, tx.clone());
    let pods = spawn(
        api::<Pod>(&client, scope),
        Kind {
            convert: PodEntry::new,
            reset: ClusterEvent::PodsReset,
            applied: |p| ClusterEvent::PodApplied(Box::new(p)),
            deleted: ClusterEvent::PodDeleted,
            refused: Some(ClusterEvent::PodsError),
        },
        id,
        tx.clone(),
        Some(client.clone()),
        meter.clone(),
    );
    // Namespaces feed the picker and completion in every scope.
    let namespaces = spawn(
        Api::<Namespace>::all(client.clone()),
        Kind {
            convert: ns_name,
            reset: ClusterEvent::NamespacesReset,
            applied: ClusterEvent::NamespaceApplied,
            deleted: |_, name| ClusterEvent::NamespaceDeleted(name),
            refused: None,
        },
        id,
        tx.clone(),
        None,
        meter.clone(),
    );
    let services = spawn(
        api::<Service>(&client, scope),
        Kind {
            convert: ServiceEntry::new,
            reset: ClusterEvent::ServicesReset,
            applied: |s| ClusterEvent::ServiceApplied(Box::new(s)),
            deleted: ClusterEvent::ServiceDeleted,
            refused: Some(ClusterEvent::ServicesError),
        },
        id,
        tx.clone(),
        None,
        meter.clone(),
    );
    let endpoints = spawn(
        api::<Endpoints>(&client, scope),
        Kind {
            convert: Endpoints::clone,
            reset: ClusterEvent::EndpointsReset,
            applied: |e| ClusterEvent::EndpointsApplied(Box::new(e)),
            deleted: ClusterEvent::EndpointsDeleted,
            refused: None,
        },
        id,
        tx.clone(),
        None,
        meter.clone(),
    );
    let mut tasks = vec![pods, namespaces, services, endpoints, metering];
    tasks.extend(super::workflows::start(client, scope, id, tx));
    Watches { tasks, meter }
}

/// While the watch is failing to connect, ask for /version once a second; the first answer
/// means the server is back (a resumed watch that brings no events would not tell us).
async fn probe(client: Client, tx: Sender<ClusterMsg>, id: EffectId, probing: Arc<AtomicBool>) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if client.apiserver_version().await.is_ok() {
            send(&tx, id, ClusterEvent::Conn(Conn::Connected)).await;
            break;
        }
        if tx.is_closed() {
            break;
        }
    }
    probing.store(false, Ordering::SeqCst);
}
