//! Watches of Argo Workflows and Tekton PipelineRuns/TaskRuns, as dynamic objects. A kind the
//! cluster does not serve (CRDs not installed) is reported once and not retried in a loop.

use futures::StreamExt;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};
use serde_json::Value;
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;

use crate::core::cluster_event::{ClusterEvent, ClusterMsg};
use crate::core::effect::EffectId;
use crate::core::state::Scope;
use crate::core::workflows::WfKind;

/// What a watched list turns into.
#[derive(Clone, Copy)]
enum Target {
    Workflows(WfKind),
    TaskRuns,
}

impl Target {
    fn reset(self, list: Vec<Value>) -> ClusterEvent {
        match self {
            Target::Workflows(k) => ClusterEvent::WorkflowsReset(k, list),
            Target::TaskRuns => ClusterEvent::TaskRunsReset(list),
        }
    }
    fn applied(self, v: Value) -> ClusterEvent {
        match self {
            Target::Workflows(k) => ClusterEvent::WorkflowApplied(k, Box::new(v)),
            Target::TaskRuns => ClusterEvent::TaskRunApplied(Box::new(v)),
        }
    }
    fn deleted(self, ns: String, name: String) -> ClusterEvent {
        match self {
            Target::Workflows(k) => ClusterEvent::WorkflowDeleted(k, ns, name),
            Target::TaskRuns => ClusterEvent::TaskRunDeleted(ns, name),
        }
    }
    fn missing(self) -> Option<ClusterEvent> {
        match self {
            Target::Workflows(k) => Some(ClusterEvent::CrdMissing(k)),
            Target::TaskRuns => None,
        }
    }
    fn error(self, e: String) -> ClusterEvent {
        match self {
            Target::Workflows(k) => ClusterEvent::WorkflowsError(k, e),
            Target::TaskRuns => ClusterEvent::TaskRunsError(e),
        }
    }
}

fn to_value(o: DynamicObject) -> Value {
    serde_json::to_value(o).unwrap_or(Value::Null)
}

fn is_not_found(e: &watcher::Error) -> bool {
    matches!(e, watcher::Error::InitialListFailed(kube::Error::Api(s)) if s.code == 404)
}

/// Watch the first of `versions` the cluster serves; report the kind missing if none is.
/// A custom resource kind and the versions to try, newest first.
struct Crd {
    group: &'static str,
    versions: &'static [&'static str],
    kind: &'static str,
}

async fn run(
    client: Client,
    scope: Scope,
    crd: Crd,
    target: Target,
    id: EffectId,
    tx: Sender<ClusterMsg>,
) {
    let Crd {
        group,
        versions,
        kind,
    } = crd;
    let send = async |event| tx.send(ClusterMsg::watch(id, event)).await.is_ok();
    'versions: for version in versions {
        let ar = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
        let api: Api<DynamicObject> = match &scope {
            Scope::All => Api::all_with(client.clone(), &ar),
            Scope::Namespace(ns) => Api::namespaced_with(client.clone(), ns, &ar),
        };
        let mut stream = watcher::watcher(api, watcher::Config::default())
            .default_backoff()
            .boxed();
        let mut buffer = vec![];
        let mut listed = false;
        while let Some(item) = stream.next().await {
            let ev = match item {
                Ok(Event::Init) => {
                    buffer.clear();
                    continue;
                }
                Ok(Event::InitApply(o)) => {
                    buffer.push(to_value(o));
                    continue;
                }
                Ok(Event::InitDone) => {
                    listed = true;
                    target.reset(std::mem::take(&mut buffer))
                }
                Ok(Event::Apply(o)) => target.applied(to_value(o)),
                Ok(Event::Delete(o)) => {
                    let ns = o.metadata.namespace.clone().unwrap_or_default();
                    target.deleted(ns, o.metadata.name.clone().unwrap_or_default())
                }
                Err(e) if !listed && is_not_found(&e) => continue 'versions,
                // A 410 relists by itself; anything else is shown with the kind it concerns.
                Err(e) => match super::watch::classify(&e) {
                    super::watch::Failure::Expired => continue,
                    super::watch::Failure::Refused(m) | super::watch::Failure::Unreachable(m) => {
                        target.error(m)
                    }
                },
            };
            if !send(ev).await {
                return;
            }
        }
        return;
    }
    if let Some(ev) = target.missing() {
        send(ev).await;
    }
}

pub fn start(
    client: Client,
    scope: &Scope,
    id: EffectId,
    tx: Sender<ClusterMsg>,
) -> Vec<JoinHandle<()>> {
    let spawn = |group: &'static str,
                 versions: &'static [&'static str],
                 kind: &'static str,
                 target: Target| {
        tokio::spawn(run(
            client.clone(),
            scope.clone(),
            Crd {
                group,
                versions,
                kind,
            },
            target,
            id,
            tx.clone(),
        ))
    };
    vec![
        spawn(
            "argoproj.io",
            &["v1alpha1"],
            "Workflow",
            Target::Workflows(WfKind::Argo),
        ),
        spawn(
            "tekton.dev",
            &["v1", "v1beta1"],
            "PipelineRun",
            Target::Workflows(WfKind::Tekton),
        ),
        spawn(
            "tekton.dev",
            &["v1", "v1beta1"],
            "TaskRun",
            Target::TaskRuns,
        ),
    ]
}
