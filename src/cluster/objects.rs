//! One object read whole (`Get`, for the YAML and describe views) and events watched live
//! (`Events`). Objects are read as `DynamicObject`s so no field the server sends is lost to a
//! typed struct that does not know it.

use futures::StreamExt;
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::watcher;
use kube::{Client, ResourceExt};
use tokio::sync::mpsc::Sender;
use tokio::task::AbortHandle;

use super::latency::Meter;
use super::watch::{Failure, classify};
use crate::core::cluster_event::{ClusterMsg, EventsEvent};
use crate::core::effect::{EffectId, EffectResult, EventsFor};
use crate::core::objects::ObjRef;

/// The API's own words for an error (its Status message when it answered).
fn words(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => s.message.clone(),
        e => e.to_string(),
    }
}

pub async fn get(client: &Client, r: &ObjRef) -> Result<serde_json::Value, String> {
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk(&r.group, &r.version, &r.kind),
        &r.plural,
    );
    let api: Api<DynamicObject> = if r.namespaced {
        Api::namespaced_with(client.clone(), &r.namespace, &ar)
    } else {
        Api::all_with(client.clone(), &ar)
    };
    match api.get(&r.name).await {
        Ok(o) => serde_json::to_value(o).map_err(|e| e.to_string()),
        // kubectl's words: Error from server (NotFound): pods "x" not found
        Err(kube::Error::Api(s)) if s.code == 404 && s.message.is_empty() => Err(format!(
            "{} {:?} not found{}",
            r.plural,
            r.name,
            if r.namespaced {
                format!(" in namespace {}", r.namespace)
            } else {
                String::new()
            }
        )),
        Err(e) => Err(words(&e)),
    }
}

/// Read `r` and answer `Done` with the object or the reason.
/// `meter`: where the read's time goes, for the header's "cluster is slow".
pub fn spawn_get(
    client: Client,
    id: EffectId,
    r: ObjRef,
    out: Sender<ClusterMsg>,
    meter: Option<Meter>,
) -> AbortHandle {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now();
        let result = match get(&client, &r).await {
            Ok(v) => {
                if let Some(m) = meter {
                    m.record(start.elapsed());
                }
                EffectResult::Object(v)
            }
            Err(e) => EffectResult::Failed(e),
        };
        let _ = out.send(ClusterMsg::Done { id, result }).await;
    })
    .abort_handle()
}

/// Watch the events `what` asks for, as `kubectl events` (and describe) select them.
pub fn spawn_events(
    client: Client,
    id: EffectId,
    what: EventsFor,
    out: Sender<ClusterMsg>,
) -> AbortHandle {
    tokio::spawn(async move {
        let api: Api<Event> = if what.namespace.is_empty() {
            Api::all(client)
        } else {
            Api::namespaced(client, &what.namespace)
        };
        let mut cfg = watcher::Config::default();
        if let Some((kind, name)) = &what.object {
            cfg = cfg.fields(&format!(
                "involvedObject.kind={kind},involvedObject.name={name}"
            ));
        }
        let mut stream = watcher::watcher(api, cfg).boxed();
        let mut batch: Vec<Event> = vec![];
        let send = |event: EventsEvent| {
            let out = out.clone();
            async move { out.send(ClusterMsg::Events { id, event }).await.is_ok() }
        };
        while let Some(ev) = stream.next().await {
            let msg = match ev {
                Ok(watcher::Event::Init) => {
                    batch.clear();
                    continue;
                }
                Ok(watcher::Event::InitApply(e)) => {
                    batch.push(e);
                    continue;
                }
                Ok(watcher::Event::InitDone) => EventsEvent::Reset(std::mem::take(&mut batch)),
                Ok(watcher::Event::Apply(e)) => EventsEvent::Applied(Box::new(e)),
                Ok(watcher::Event::Delete(e)) => EventsEvent::Deleted(e.uid().unwrap_or_default()),
                Err(e) => match classify(&e) {
                    Failure::Expired => continue,
                    Failure::Refused(m) => EventsEvent::Failed(m),
                    Failure::Unreachable(m) => {
                        if !send(EventsEvent::Failed(m)).await {
                            return;
                        }
                        // The watcher retries by itself; wait a little before asking again.
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        continue;
                    }
                },
            };
            if !send(msg).await {
                return;
            }
        }
    })
    .abort_handle()
}
