//! The doctor's evidence, read from the API server: the subject, the namespace's pods, events,
//! services, endpoints, configmap and secret names (never their data), service accounts, PVCs,
//! nodes, the custom resources the subject involves, then the logs `doctor::scope` asks for,
//! then an active probe through a port-forward. Each piece is sent as soon as it is read; a
//! read the server refuses becomes `Missing` with its own words, so no check reports "all
//! clear" on evidence it never saw.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures::{StreamExt, stream};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Node, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount,
};
use kube::api::{Api, ApiResource, DynamicObject, ListParams, LogParams};
use kube::core::GroupVersionKind;
use kube::{Client, Error};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc::Sender;

use crate::doctor::scope::{self, LogWant};
use crate::doctor::{ContainerLog, Evidence, Missing, Piece, ProbeResult, Subject, SubjectKind};

/// A log is read whole up to this many bytes (a 3 MB workflow log fits); beyond it the head
/// is kept, which is where a crash's cause usually is not, so the tail is read instead.
const LOG_BYTES: i64 = 16 << 20;
/// In a namespace triage only the unwell containers are read, and only their end.
const TRIAGE_TAIL: i64 = 500;
/// Logs read at once.
const LOG_PARALLEL: usize = 8;
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// A custom kind the doctor reads: (kind, group, version, plural, namespaced).
const CUSTOM: &[(&str, &str, &str, &str, bool)] = &[
    ("Workflow", "argoproj.io", "v1alpha1", "workflows", true),
    ("PipelineRun", "tekton.dev", "v1", "pipelineruns", true),
    ("TaskRun", "tekton.dev", "v1", "taskruns", true),
    (
        "InferenceService",
        "serving.kserve.io",
        "v1beta1",
        "inferenceservices",
        true,
    ),
    (
        "ServingRuntime",
        "serving.kserve.io",
        "v1alpha1",
        "servingruntimes",
        true,
    ),
    (
        "ClusterServingRuntime",
        "serving.kserve.io",
        "v1alpha1",
        "clusterservingruntimes",
        false,
    ),
    (
        "SeldonDeployment",
        "machinelearning.seldon.io",
        "v1",
        "seldondeployments",
        true,
    ),
];

fn resource(kind: &str) -> Option<(ApiResource, bool)> {
    CUSTOM
        .iter()
        .find(|c| c.0 == kind)
        .map(|&(k, g, v, p, ns)| {
            (
                ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(g, v, k), p),
                ns,
            )
        })
}

/// The custom kinds a subject involves.
fn customs(kind: SubjectKind) -> &'static [&'static str] {
    match kind {
        SubjectKind::Workflow => &["Workflow"],
        SubjectKind::PipelineRun => &["PipelineRun", "TaskRun"],
        SubjectKind::TaskRun => &["TaskRun"],
        SubjectKind::InferenceService => &[
            "InferenceService",
            "ServingRuntime",
            "ClusterServingRuntime",
        ],
        SubjectKind::SeldonDeployment => &["SeldonDeployment"],
        SubjectKind::Namespace => &[
            "Workflow",
            "PipelineRun",
            "TaskRun",
            "InferenceService",
            "ServingRuntime",
            "ClusterServingRuntime",
            "SeldonDeployment",
        ],
        _ => &[],
    }
}

fn kind_name(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Pod => "Pod",
        SubjectKind::Service => "Service",
        SubjectKind::Deployment => "Deployment",
        SubjectKind::Workflow => "Workflow",
        SubjectKind::PipelineRun => "PipelineRun",
        SubjectKind::TaskRun => "TaskRun",
        SubjectKind::InferenceService => "InferenceService",
        SubjectKind::SeldonDeployment => "SeldonDeployment",
        SubjectKind::Namespace => "Namespace",
    }
}

fn status_code(e: &Error) -> Option<u16> {
    match e {
        Error::Api(s) => Some(s.code),
        _ => None,
    }
}

/// The server's words for an error (`pods is forbidden: User ...`), or the client's.
fn words(e: &Error) -> String {
    match e {
        Error::Api(s) => s.message.clone(),
        e => e.to_string(),
    }
}

/// Where a namespaced list reads from: one namespace, or all of them.
fn api<K>(client: &Client, ns: &str) -> Api<K>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    K::DynamicType: Default,
{
    if ns.is_empty() {
        Api::all(client.clone())
    } else {
        Api::namespaced(client.clone(), ns)
    }
}

fn place(ns: &str) -> String {
    if ns.is_empty() {
        "all namespaces".into()
    } else {
        ns.to_string()
    }
}

async fn list<K>(api: Api<K>, what: &str, ns: &str) -> Result<Vec<K>, Missing>
where
    K: kube::Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    api.list(&ListParams::default())
        .await
        .map(|l| l.items)
        .map_err(|e| Missing {
            what: format!("{what} in {}", place(ns)),
            reason: words(&e),
        })
}

/// Names per namespace, from metadata only: a secret's data never leaves the server.
async fn names<K>(
    api: Api<K>,
    what: &str,
    ns: &str,
) -> Result<BTreeMap<String, BTreeSet<String>>, Missing>
where
    K: kube::Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    let l = api
        .list_metadata(&ListParams::default())
        .await
        .map_err(|e| Missing {
            what: format!("{what} in {}", place(ns)),
            reason: words(&e),
        })?;
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for o in l.items {
        if let (Some(n), name) = (o.metadata.namespace, o.metadata.name) {
            out.entry(n).or_default().extend(name);
        }
    }
    Ok(out)
}

async fn send(tx: &Sender<Piece>, p: Piece) {
    let _ = tx.send(p).await;
}

async fn send_list<T>(tx: &Sender<Piece>, r: Result<T, Missing>, f: impl FnOnce(T) -> Piece) {
    send(
        tx,
        match r {
            Ok(v) => f(v),
            Err(m) => Piece::Missing(m),
        },
    )
    .await;
}

/// The subject object as JSON; `Err` when it cannot be read (the doctor cannot run then).
async fn object(client: &Client, s: &Subject) -> Result<Option<Value>, String> {
    async fn typed<K>(api: Api<K>, name: &str) -> Result<Value, Error>
    where
        K: kube::Resource + Clone + DeserializeOwned + std::fmt::Debug + serde::Serialize,
    {
        let o = api.get(name).await?;
        Ok(serde_json::to_value(o).unwrap_or_default())
    }
    let ns = &s.namespace;
    let got = match s.kind {
        SubjectKind::Namespace => {
            if ns.is_empty() {
                return Ok(None);
            }
            let nss: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
            nss.get(ns).await.map(|_| Value::Null)
        }
        SubjectKind::Pod => typed::<Pod>(Api::namespaced(client.clone(), ns), &s.name).await,
        SubjectKind::Service => {
            typed::<Service>(Api::namespaced(client.clone(), ns), &s.name).await
        }
        SubjectKind::Deployment => {
            typed::<Deployment>(Api::namespaced(client.clone(), ns), &s.name).await
        }
        k => {
            let (ar, _) = resource(kind_name(k)).ok_or("unknown kind")?;
            let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, &ar);
            api.get(&s.name)
                .await
                .map(|o| serde_json::to_value(o).unwrap_or_default())
        }
    };
    match got {
        Ok(Value::Null) => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(e) => Err(match (status_code(&e), s.kind) {
            (Some(404), SubjectKind::Namespace) => format!("namespace {ns:?} not found"),
            (Some(404), k)
                if k != SubjectKind::Pod
                    && k != SubjectKind::Service
                    && k != SubjectKind::Deployment =>
            {
                format!(
                    "{} {:?} not found in namespace {ns} ({}; is the {} CRD installed?)",
                    k.resource(),
                    s.name,
                    words(&e),
                    kind_name(k)
                )
            }
            (Some(404), k) => format!("{} {:?} not found in namespace {ns}", k.resource(), s.name),
            _ => format!("cannot read {}: {}", s.label(), words(&e)),
        }),
    }
}

async fn custom_list(client: &Client, ns: &str, kind: &str, tx: &Sender<Piece>) {
    let Some((ar, namespaced)) = resource(kind) else {
        return;
    };
    let api: Api<DynamicObject> = if namespaced && !ns.is_empty() {
        Api::namespaced_with(client.clone(), ns, &ar)
    } else {
        Api::all_with(client.clone(), &ar)
    };
    match api.list(&ListParams::default()).await {
        Ok(l) => {
            let v = l
                .items
                .into_iter()
                .map(|o| {
                    let mut v = serde_json::to_value(o).unwrap_or_default();
                    v["kind"] = Value::String(kind.to_string());
                    v
                })
                .collect();
            send(tx, Piece::Custom(kind.to_string(), v)).await;
        }
        Err(e) if status_code(&e) == Some(404) => {
            send(tx, Piece::NotInstalled(kind.to_string())).await;
        }
        Err(e) => {
            send(
                tx,
                Piece::Missing(Missing {
                    what: format!("{} in {}", ar.plural, place(ns)),
                    reason: words(&e),
                }),
            )
            .await;
        }
    }
}

async fn read_log(client: Client, w: LogWant, tail: Option<i64>) -> Piece {
    let api: Api<Pod> = Api::namespaced(client, &w.namespace);
    let params = LogParams {
        container: Some(w.container.clone()),
        previous: w.previous,
        limit_bytes: Some(LOG_BYTES),
        tail_lines: tail,
        ..LogParams::default()
    };
    match api.logs(&w.pod, &params).await {
        Ok(text) => Piece::Log(ContainerLog {
            namespace: w.namespace,
            pod: w.pod,
            container: w.container,
            previous: w.previous,
            lines: text.lines().map(str::to_string).collect(),
            first_line: 1,
        }),
        Err(e) => Piece::Missing(Missing {
            what: format!(
                "{}logs of pod/{} container {} in {}",
                if w.previous { "previous " } else { "" },
                w.pod,
                w.container,
                w.namespace
            ),
            reason: words(&e),
        }),
    }
}

/// Through a short-lived port-forward: does anything answer on `port`? An HTTP request is
/// sent; the first line of whatever comes back is the answer (a gRPC port answers too).
pub async fn probe(client: Client, ns: &str, pod: &str, port: u16) -> ProbeResult {
    let api: Api<Pod> = Api::namespaced(client, ns);
    let outcome = tokio::time::timeout(PROBE_TIMEOUT, async {
        let mut pf = api.portforward(pod, &[port]).await.map_err(|e| words(&e))?;
        let mut s = pf.take_stream(port).ok_or("the forward opened no stream")?;
        s.write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
            .await
            .map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; 256];
        let n = s.read(&mut buf).await.map_err(|e| e.to_string())?;
        let errs = pf.take_error(port);
        drop(s);
        if n == 0 {
            if let Some(errs) = errs
                && let Some(e) = errs.await
            {
                return Err(e);
            }
            return Err(format!(
                "nothing answered on port {port}: the connection was closed"
            ));
        }
        let text = String::from_utf8_lossy(&buf[..n]);
        Ok(text.lines().next().unwrap_or("").trim().to_string())
    })
    .await
    .unwrap_or_else(|_| {
        Err(format!(
            "no answer on port {port} within {} s",
            PROBE_TIMEOUT.as_secs()
        ))
    });
    ProbeResult {
        namespace: ns.to_string(),
        pod: pod.to_string(),
        port,
        outcome,
    }
}

/// Read everything the doctor needs about `subject`, sending each piece as it comes, `Done`
/// last. `Err` when the subject itself cannot be read (nothing else is then sent but `Done`).
pub async fn gather(
    client: Client,
    subject: Subject,
    probe: bool,
    tx: Sender<Piece>,
) -> Result<(), String> {
    let r = gather_inner(&client, &subject, probe, &tx).await;
    send(&tx, Piece::Done).await;
    r
}

async fn gather_inner(
    client: &Client,
    s: &Subject,
    probe_port: bool,
    tx: &Sender<Piece>,
) -> Result<(), String> {
    let ns = s.namespace.as_str();
    let obj = object(client, s).await?;
    let mut ev = Evidence {
        object: obj.clone(),
        ..Evidence::default()
    };
    if let Some(o) = obj {
        send(tx, Piece::Object(o)).await;
    }
    let pods = list(api::<Pod>(client, ns), "pods", ns);
    let events = list(api::<Event>(client, ns), "events", ns);
    let services = list(api::<Service>(client, ns), "services", ns);
    let endpoints = list(api::<Endpoints>(client, ns), "endpoints", ns);
    let sas = list(api::<ServiceAccount>(client, ns), "serviceaccounts", ns);
    let pvcs = list(
        api::<PersistentVolumeClaim>(client, ns),
        "persistentvolumeclaims",
        ns,
    );
    let nodes = list(Api::<Node>::all(client.clone()), "nodes", "");
    let cms = names(api::<ConfigMap>(client, ns), "configmaps", ns);
    let secrets = names(api::<Secret>(client, ns), "secrets", ns);
    let customs = futures::future::join_all(
        customs(s.kind)
            .iter()
            .map(|k| custom_list(client, ns, k, tx)),
    );
    let (pods, events, services, endpoints, sas, pvcs, nodes, cms, secrets, _) = futures::join!(
        pods, events, services, endpoints, sas, pvcs, nodes, cms, secrets, customs
    );
    // The checks need the pods as evidence, and the scope is computed from them.
    match pods {
        Ok(p) => {
            ev.all_pods = Some(p.clone());
            send(tx, Piece::AllPods(p)).await;
        }
        Err(m) => send(tx, Piece::Missing(m)).await,
    }
    send_list(tx, events, Piece::Events).await;
    send_list(tx, services, Piece::Services).await;
    send_list(tx, endpoints, Piece::Endpoints).await;
    send_list(tx, sas, Piece::ServiceAccounts).await;
    send_list(tx, pvcs, Piece::Pvcs).await;
    send_list(tx, nodes, Piece::Nodes).await;
    send_list(tx, cms, Piece::ConfigMaps).await;
    send_list(tx, secrets, Piece::Secrets).await;

    let mine = scope::pods_of(s, &ev);
    ev.pods = mine.clone();
    send(tx, Piece::Pods(mine.clone())).await;

    let triage = s.kind == SubjectKind::Namespace;
    let mut wants = scope::logs_wanted(&mine, triage);
    wants.extend(scope::builders_of(&ev));
    wants.sort();
    wants.dedup();
    let tail = triage.then_some(TRIAGE_TAIL);
    let mut logs = stream::iter(wants)
        .map(|w| read_log(client.clone(), w, tail))
        .buffer_unordered(LOG_PARALLEL);
    while let Some(p) = logs.next().await {
        if let Piece::Log(l) = &p {
            ev.logs.push(l.clone());
        }
        send(tx, p).await;
    }
    if probe_port && let Some((pns, pod, port)) = crate::doctor::ports::probe_plan(s, &ev) {
        send(
            tx,
            Piece::Probe(probe(client.clone(), &pns, &pod, port).await),
        )
        .await;
    }
    Ok(())
}

/// Gather everything about `subject` into one `Evidence` (the headless `kdoc doctor`).
pub async fn collect(client: Client, subject: Subject, probe: bool) -> Result<Evidence, String> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    let task = tokio::spawn(gather(client, subject, probe, tx));
    let mut ev = Evidence::default();
    while let Some(p) = rx.recv().await {
        if !ev.apply(p) {
            break;
        }
    }
    task.await
        .map_err(|e| format!("the doctor's reader stopped: {e}"))??;
    Ok(ev)
}

/// Gather for the app: each piece goes out as `ClusterMsg::Doctor` with the effect's id.
pub fn spawn(
    client: Client,
    id: crate::core::effect::EffectId,
    subject: Subject,
    probe: bool,
    out: Sender<crate::core::cluster_event::ClusterMsg>,
) -> tokio::task::AbortHandle {
    tokio::spawn(async move {
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        let fwd = {
            let out = out.clone();
            tokio::spawn(async move {
                while let Some(p) = rx.recv().await {
                    let msg = crate::core::cluster_event::ClusterMsg::Doctor {
                        id,
                        piece: Box::new(p),
                    };
                    if out.send(msg).await.is_err() {
                        break;
                    }
                }
            })
        };
        if let Err(e) = gather_inner(&client, &subject, probe, &tx).await {
            send(&tx, Piece::Failed(e)).await;
        }
        send(&tx, Piece::Done).await;
        drop(tx);
        let _ = fwd.await;
    })
    .abort_handle()
}
