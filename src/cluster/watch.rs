//! Pods and namespaces through `kube::runtime::watcher` with backoff, turned into reducer
//! messages. A full list arrives as one reset so relists never duplicate rows.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::core::cluster_event::{ClusterEvent, ClusterMsg, Conn};
use crate::core::pods::PodEntry;
use crate::core::state::Scope;

/// Running watches; dropping this cancels them.
pub struct Watches {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Watches {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// A message for the user from a watch error: the API's own text when it answered.
fn describe(e: &watcher::Error) -> (bool, String) {
    let api = match e {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s)) => Some(s.message.clone()),
        watcher::Error::WatchError(s) => Some(s.message.clone()),
        _ => None,
    };
    match api {
        Some(m) => (true, m),
        None => (false, e.to_string()),
    }
}

pub fn start(
    client: Client,
    scope: &Scope,
    generation: u64,
    tx: UnboundedSender<ClusterMsg>,
) -> Watches {
    let pods: Api<Pod> = match scope {
        Scope::All => Api::all(client.clone()),
        Scope::Namespace(ns) => Api::namespaced(client.clone(), ns),
    };
    let send = move |tx: &UnboundedSender<ClusterMsg>, event| {
        tx.send(ClusterMsg { generation, event }).is_ok()
    };
    let pod_tx = tx.clone();
    let probe_client = client.clone();
    let pods_task = tokio::spawn(async move {
        let mut stream = watcher::watcher(pods, watcher::Config::default())
            .default_backoff()
            .boxed();
        let mut buffer: Vec<PodEntry> = vec![];
        let mut attempt = 0u32;
        let probing = Arc::new(AtomicBool::new(false));
        while let Some(item) = stream.next().await {
            if item.is_ok() {
                attempt = 0;
            }
            let ev = match item {
                Ok(Event::Init) => {
                    buffer.clear();
                    continue;
                }
                Ok(Event::InitApply(p)) => {
                    // Convert now: keeping 10,000 parsed Pods until InitDone would cost ~110 MB.
                    buffer.push(PodEntry::new(&p));
                    continue;
                }
                Ok(Event::InitDone) => ClusterEvent::PodsReset(std::mem::take(&mut buffer)),
                Ok(Event::Apply(p)) => ClusterEvent::PodApplied(Box::new(PodEntry::new(&p))),
                Ok(Event::Delete(p)) => ClusterEvent::PodDeleted(
                    p.metadata.namespace.unwrap_or_default(),
                    p.metadata.name.unwrap_or_default(),
                ),
                Err(e) => {
                    let (answered, text) = describe(&e);
                    if answered && !text.contains("too old resource version") {
                        // The server answered (e.g. 403): show its message; the connection is fine.
                        send(&pod_tx, ClusterEvent::Conn(Conn::Connected));
                        ClusterEvent::PodsError(text)
                    } else if answered {
                        continue; // a 410: the watcher relists by itself
                    } else {
                        attempt += 1;
                        let ok = send(
                            &pod_tx,
                            ClusterEvent::Conn(Conn::Reconnecting {
                                attempt,
                                error: text,
                            }),
                        );
                        if ok && !probing.swap(true, Ordering::SeqCst) {
                            tokio::spawn(probe(
                                probe_client.clone(),
                                pod_tx.clone(),
                                generation,
                                probing.clone(),
                            ));
                        }
                        continue;
                    }
                }
            };
            if !send(&pod_tx, ev) {
                return;
            }
        }
    });
    let (client_for_crds, tx_for_crds) = (client.clone(), tx.clone());
    let ns_api: Api<Namespace> = Api::all(client);
    let ns_task = tokio::spawn(async move {
        let mut stream = watcher::watcher(ns_api, watcher::Config::default())
            .default_backoff()
            .boxed();
        let mut buffer = vec![];
        let name = |n: &Namespace| n.metadata.name.clone().unwrap_or_default();
        while let Some(item) = stream.next().await {
            let ev = match item {
                Ok(Event::Init) => {
                    buffer.clear();
                    continue;
                }
                Ok(Event::InitApply(n)) => {
                    buffer.push(name(&n));
                    continue;
                }
                Ok(Event::InitDone) => ClusterEvent::NamespacesReset(std::mem::take(&mut buffer)),
                Ok(Event::Apply(n)) => ClusterEvent::NamespaceApplied(name(&n)),
                Ok(Event::Delete(n)) => ClusterEvent::NamespaceDeleted(name(&n)),
                // Namespaces only feed the picker; the pods watch reports connection trouble.
                Err(_) => continue,
            };
            if !send(&tx, ev) {
                return;
            }
        }
    });
    let mut tasks = vec![pods_task, ns_task];
    tasks.extend(super::workflows::start(
        client_for_crds,
        scope,
        generation,
        tx_for_crds,
    ));
    Watches { tasks }
}

/// While the watch is failing to connect, ask for /version once a second; the first answer
/// means the server is back (a resumed watch that brings no events would not tell us).
async fn probe(
    client: Client,
    tx: UnboundedSender<ClusterMsg>,
    generation: u64,
    probing: Arc<AtomicBool>,
) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if client.apiserver_version().await.is_ok() {
            let _ = tx.send(ClusterMsg {
                generation,
                event: ClusterEvent::Conn(Conn::Connected),
            });
            break;
        }
        if tx.is_closed() {
            break;
        }
    }
    probing.store(false, Ordering::SeqCst);
}
