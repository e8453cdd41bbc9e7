//! The `mlops` scenario: the incidents of the shared MLOps runbooks (`/work/shared/runbooks/`)
//! replayed in one simulated cluster, one namespace per runbook, with the real object names and
//! the exact error texts.
//!
//! - `argowf` (runbook 000): the finished Argo Workflow `iris-demo` (its kaniko step built the
//!   model image with `--no-push`) and the SeldonDeployment `iris`, whose pod cannot pull
//!   `ghcr.io/jtayl222/iris:latest` (403 from GHCR) until the package is made public at t+45s.
//! - `mlflow` (runbook 000, "MLflow Access Issues"): the tracking server behind NodePort 30800.
//! - `user-example-com` (runbook 002): the KServe InferenceService `iris-model`: no runtime for
//!   sklearn, then the storage-initializer's `NoCredentialsError` (fixed at t+12..20s), the Istio
//!   DNS timeout and the dummy-model warning.
//! - `private-ai-demo` (runbook 003): the Tekton PipelineRun `mistral-24b-full-8t9qf` whose push
//!   tasks fail with `manifest unknown` because the build never pushed.
//! - `mlops` (runbooks 001/004): CrashLoopBackOff, OOMKilled, Unschedulable and FailedMount pods.
//!
//! Times are seconds relative to the scenario start `base` (negative: in the past). Log lines
//! that carry their own clock are stamped from `base` too, so at `--speed 1` they agree with
//! the kubelet's timestamps; repeating steps only use lines without an embedded clock.

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::build::{self, NODE, c, container_id, namespace, node, pod, service, uid_for};
use super::{Action, BackendSpec, Generator, LogSeed, Scenario, Step};
use crate::sim::backend::{Backend, HttpRoute};
use crate::sim::time::{offset, rfc3339};

const ARGOWF: &str = "argowf";
const MLFLOW: &str = "mlflow";
const KSERVE: &str = "user-example-com";
const TEKTON: &str = "private-ai-demo";
const MLOPS: &str = "mlops";

pub fn scenario(base: Timestamp) -> Scenario {
    let mut s = Scenario {
        name: "mlops".into(),
        log_cap: Some(5_000),
        ..Default::default()
    };
    s.objects.push(node(base));
    let namespaces = [
        ("default", 40),
        (ARGOWF, 21),
        (MLFLOW, 30),
        (KSERVE, 12),
        (TEKTON, 9),
        (MLOPS, 30),
    ];
    for (ns, days) in namespaces {
        let mut v = namespace(ns);
        v["metadata"]["uid"] = json!(uid_for("", ns));
        v["metadata"]["creationTimestamp"] = json!(at(base, -86_400 * days));
        s.objects.push(v);
    }
    argowf(base, &mut s);
    seldon(base, &mut s);
    mlflow(base, &mut s);
    kserve(base, &mut s);
    tekton(base, &mut s);
    mlops(base, &mut s);
    super::cluster::complete(&mut s, base);
    s
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// FNV-1a, 32 bits: Argo's hash for node IDs and v2 pod names (`workflow/util/pod_name.go`).
pub fn fnv32a(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn fnv64(parts: &[&str]) -> u64 {
    parts
        .iter()
        .flat_map(|p| p.bytes().chain([0]))
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

/// `metav1.Time` `secs` from the start.
fn at(base: Timestamp, secs: i64) -> String {
    rfc3339(offset(base, secs))
}

/// A moment formatted with `strftime`, for log lines that carry their own clock.
fn clock(base: Timestamp, secs: i64, fmt: &str) -> String {
    offset(base, secs).strftime(fmt).to_string()
}

/// Milliseconds that look like a real clock's: stable per second, growing with the line number.
fn millis(secs: i64, n: usize) -> u64 {
    (fnv64(&[&secs.to_string()]) % 400 + 37 * n as u64) % 1000
}

fn object(base: Timestamp, api_version: &str, kind: &str, ns: &str, name: &str, age: i64) -> Value {
    json!({
        "apiVersion": api_version, "kind": kind,
        "metadata": {"name": name, "namespace": ns, "uid": uid_for(ns, name),
                     "creationTimestamp": at(base, -age), "labels": {}, "annotations": {}},
    })
}

fn set_owner(v: &mut Value, api_version: &str, kind: &str, name: &str) {
    let ns = v["metadata"]["namespace"]
        .as_str()
        .unwrap_or("")
        .to_string();
    v["metadata"]["ownerReferences"] = json!([{
        "apiVersion": api_version, "kind": kind, "name": name, "uid": uid_for(&ns, name),
        "controller": true, "blockOwnerDeletion": true,
    }]);
}

fn set_map(v: &mut Value, key: &str, kv: &[(&str, &str)]) {
    for (k, val) in kv {
        v["metadata"][key][*k] = json!(val);
    }
}

fn strs(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

/// Lines written `gap` seconds apart from `start`.
fn spaced(start: i64, gap: i64, lines: Vec<String>) -> Vec<(i64, String)> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| (start + gap * i as i64, l))
        .collect()
}

fn seed(
    s: &mut Scenario,
    pod: (&str, &str),
    container: &str,
    previous: bool,
    lines: Vec<(i64, String)>,
) {
    s.logs.push(LogSeed {
        ns: pod.0.into(),
        pod: pod.1.into(),
        container: container.into(),
        previous,
        lines,
    });
}

fn once(at: f64, action: Action) -> Step {
    Step {
        at,
        every: None,
        action,
    }
}

fn every(at: f64, period: f64, action: Action) -> Step {
    Step {
        at,
        every: Some(period),
        action,
    }
}

fn log(pod: (&str, &str), container: &str, lines: Vec<String>) -> Action {
    Action::Log {
        ns: pod.0.into(),
        pod: pod.1.into(),
        container: container.into(),
        lines,
    }
}

fn set(pod: (&str, &str), container: &str, status: Value) -> Action {
    Action::SetContainer {
        ns: pod.0.into(),
        pod: pod.1.into(),
        container: container.into(),
        status,
    }
}

fn start(pod: (&str, &str), container: &str) -> Action {
    Action::Start {
        ns: pod.0.into(),
        pod: pod.1.into(),
        container: container.into(),
    }
}

fn crash(pod: (&str, &str), container: &str, exit_code: i32, reason: &str) -> Action {
    Action::Crash {
        ns: pod.0.into(),
        pod: pod.1.into(),
        container: container.into(),
        exit_code,
        reason: reason.into(),
        waiting: "CrashLoopBackOff".into(),
    }
}

fn patch(api_version: &str, kind: &str, ns: &str, name: &str, patch: Value) -> Action {
    Action::Patch {
        api_version: api_version.into(),
        kind: kind.into(),
        ns: ns.into(),
        name: name.into(),
        patch,
    }
}

/// `repo@sha256:…` for an image (keeps a registry port such as `192.168.58.12:30002`).
fn image_id(image: &str) -> String {
    let repo = match image.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => image,
    };
    format!("{repo}@sha256:{}", &container_id(image, "", 0)[13..77])
}

/// kubelet details `PodB::build` leaves out: a container that never started has no image ID,
/// the others get one that keeps a registry port; the QoS class follows the resources.
fn finish(mut p: Value, qos: &str) -> Value {
    for key in ["initContainerStatuses", "containerStatuses"] {
        if let Some(list) = p["status"][key].as_array_mut() {
            for cs in list {
                let never_ran = cs["state"]["waiting"].is_object()
                    && !cs["lastState"]["terminated"].is_object();
                let id = if never_ran {
                    String::new()
                } else {
                    image_id(cs["image"].as_str().unwrap_or(""))
                };
                cs["imageID"] = json!(id);
            }
        }
    }
    p["status"]["qosClass"] = json!(qos);
    p
}

/// The object an Event is about; `field` names a container (`spec.containers{x}`).
struct On<'a> {
    ns: &'a str,
    kind: &'a str,
    name: &'a str,
    field: Option<String>,
}

fn on<'a>(ns: &'a str, kind: &'a str, name: &'a str) -> On<'a> {
    On {
        ns,
        kind,
        name,
        field: None,
    }
}

fn on_container<'a>(ns: &'a str, pod: &'a str, container: &str) -> On<'a> {
    On {
        ns,
        kind: "Pod",
        name: pod,
        field: Some(format!("spec.containers{{{container}}}")),
    }
}

fn on_init<'a>(ns: &'a str, pod: &'a str, container: &str) -> On<'a> {
    On {
        ns,
        kind: "Pod",
        name: pod,
        field: Some(format!("spec.initContainers{{{container}}}")),
    }
}

/// An Event seen `count` times between `first` and `last`. Its name depends only on the object,
/// reason and message, so a timeline Event with the same text bumps the count, as the event
/// recorder's aggregation does.
fn ev(
    base: Timestamp,
    on: &On,
    ty: &str,
    reason: &str,
    message: &str,
    source: &str,
    seen: (i64, i64, i64),
) -> Value {
    let (first, last, count) = seen;
    let mut v = build::event(
        base, on.ns, on.kind, on.name, ty, reason, message, source, first, last, count,
    );
    let field = on.field.as_deref().unwrap_or("");
    v["metadata"]["name"] = json!(format!(
        "{}.{:016x}",
        on.name,
        fnv64(&[on.kind, field, reason, message])
    ));
    if let Some(f) = &on.field {
        v["involvedObject"]["fieldPath"] = json!(f);
    }
    v
}

/// A timeline Event (recorded at the moment it is applied, or bumping its twin).
fn ev_now(base: Timestamp, on: &On, ty: &str, reason: &str, message: &str, source: &str) -> Action {
    Action::Event(ev(base, on, ty, reason, message, source, (0, 0, 1)))
}

fn scheduled(base: Timestamp, ns: &str, pod: &str, when: i64) -> Value {
    let msg = format!("Successfully assigned {ns}/{pod} to {NODE}");
    ev(
        base,
        &on(ns, "Pod", pod),
        "Normal",
        "Scheduled",
        &msg,
        "default-scheduler",
        (when, when, 1),
    )
}

/// `Pulled` (image present) + `Created` + `Started` for one container run.
fn started_events(base: Timestamp, on: &On, image: &str, seen: (i64, i64, i64)) -> Vec<Value> {
    let name = on
        .field
        .as_deref()
        .unwrap_or("")
        .split(['{', '}'])
        .nth(1)
        .unwrap_or("")
        .to_string();
    vec![
        ev(
            base,
            on,
            "Normal",
            "Pulled",
            &format!("Container image \"{image}\" already present on machine"),
            "kubelet",
            seen,
        ),
        ev(
            base,
            on,
            "Normal",
            "Created",
            &format!("Created container: {name}"),
            "kubelet",
            seen,
        ),
        ev(
            base,
            on,
            "Normal",
            "Started",
            &format!("Started container {name}"),
            "kubelet",
            seen,
        ),
    ]
}

fn deploy_status(rs: &str, replicas: i64, ready: i64, age: i64) -> Value {
    let (progressing, reason, message) = if ready == replicas {
        (
            "True",
            "NewReplicaSetAvailable",
            format!("ReplicaSet \"{rs}\" has successfully progressed."),
        )
    } else if age > 600 {
        (
            "False",
            "ProgressDeadlineExceeded",
            format!("ReplicaSet \"{rs}\" has timed out progressing."),
        )
    } else {
        (
            "True",
            "ReplicaSetUpdated",
            format!("ReplicaSet \"{rs}\" is progressing."),
        )
    };
    let available = if ready == replicas {
        json!({"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
               "message": "Deployment has minimum availability."})
    } else {
        json!({"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable",
               "message": "Deployment does not have minimum availability."})
    };
    let mut st = json!({
        "observedGeneration": 1, "replicas": replicas, "updatedReplicas": replicas,
        "conditions": [available, {"type": "Progressing", "status": progressing, "reason": reason, "message": message}],
    });
    if ready > 0 {
        st["readyReplicas"] = json!(ready);
        st["availableReplicas"] = json!(ready);
    }
    if replicas > ready {
        st["unavailableReplicas"] = json!(replicas - ready);
    }
    st
}

fn rs_status(replicas: i64, ready: i64) -> Value {
    let mut st =
        json!({"observedGeneration": 1, "replicas": replicas, "fullyLabeledReplicas": replicas});
    if ready > 0 {
        st["readyReplicas"] = json!(ready);
        st["availableReplicas"] = json!(ready);
    }
    st
}

/// The Deployment `deploy` (created `age` ago, `ready` of 1 replica ready) and the ReplicaSet
/// that owns `pod`, named from the pod's `pod-template-hash` label; `owner` owns the Deployment.
fn workload(
    base: Timestamp,
    pod: &Value,
    deploy: &str,
    age: i64,
    ready: i64,
    owner: Option<(&str, &str, &str)>,
) -> [Value; 2] {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let labels = pod["metadata"]["labels"].clone();
    let hash = labels["pod-template-hash"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let rs_name = format!("{deploy}-{hash}");
    let mut selector = labels.clone();
    if let Some(m) = selector.as_object_mut() {
        m.remove("pod-template-hash");
    }
    let template = json!({"metadata": {"labels": selector}, "spec": {"containers": pod["spec"]["containers"].clone()}});
    let mut d = object(base, "apps/v1", "Deployment", ns, deploy, age);
    d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = json!("1");
    d["metadata"]["labels"] = selector.clone();
    d["spec"] = json!({"replicas": 1, "selector": {"matchLabels": selector}, "template": template,
                       "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                       "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600});
    d["status"] = deploy_status(&rs_name, 1, ready, age);
    if let Some((api, kind, name)) = owner {
        set_owner(&mut d, api, kind, name);
    }
    let mut rs = object(base, "apps/v1", "ReplicaSet", ns, &rs_name, age);
    rs["metadata"]["labels"] = labels.clone();
    rs["metadata"]["annotations"] = json!({"deployment.kubernetes.io/desired-replicas": "1",
                                           "deployment.kubernetes.io/max-replicas": "2",
                                           "deployment.kubernetes.io/revision": "1"});
    set_owner(&mut rs, "apps/v1", "Deployment", deploy);
    let mut rs_template = template;
    rs_template["metadata"]["labels"] = labels.clone();
    rs["spec"] =
        json!({"replicas": 1, "selector": {"matchLabels": labels}, "template": rs_template});
    rs["status"] = rs_status(1, ready);
    [d, rs]
}

/// Timeline patches that mark a Deployment (and its ReplicaSet) 1/1 ready.
fn workload_ready(at: f64, ns: &str, deploy: &str, hash: &str) -> Vec<Step> {
    let rs = format!("{deploy}-{hash}");
    let mut st = deploy_status(&rs, 1, 1, 0);
    st["unavailableReplicas"] = Value::Null;
    vec![
        once(
            at,
            patch("apps/v1", "Deployment", ns, deploy, json!({"status": st})),
        ),
        once(
            at,
            patch(
                "apps/v1",
                "ReplicaSet",
                ns,
                &rs,
                json!({"status": rs_status(1, 1)}),
            ),
        ),
    ]
}

fn http(
    method: &'static str,
    path: &'static str,
    content_type: &'static str,
    body: &str,
) -> HttpRoute {
    HttpRoute {
        method,
        path,
        content_type,
        body: body.to_string(),
    }
}

fn backend(s: &mut Scenario, pod: (&str, &str), port: u16, routes: Vec<HttpRoute>) {
    s.backends.push(BackendSpec {
        ns: pod.0.into(),
        pod: pod.1.into(),
        port,
        backend: Backend::Http(routes),
    });
}

// ---------------------------------------------------------------------------------------------
// argowf: the Argo Workflow `iris-demo` (runbook 000)
// ---------------------------------------------------------------------------------------------

const WF: &str = "iris-demo";
const ARGOEXEC: &str = "quay.io/argoproj/argoexec:v3.6.2";
const IRIS_IMAGE: &str = "ghcr.io/jtayl222/iris:latest";
const MLFLOW_URI: &str = "http://mlflow.mlflow.svc.cluster.local:5000";

/// One DAG task of `iris-demo` and the Pod node that ran it.
struct ArgoTask {
    task: &'static str,
    template: &'static str,
    image: &'static str,
    command: &'static [&'static str],
    args: &'static [&'static str],
    start: i64,
    end: i64,
}

/// The DAG `train -> build-image (template kaniko) -> deploy`, finished about an hour ago.
fn argo_tasks() -> [ArgoTask; 3] {
    [
        ArgoTask {
            task: "train",
            template: "train",
            image: "python:3.9-slim",
            command: &["sh", "-c"],
            args: &["pip install --quiet -r /src/requirements.txt && python /src/train.py"],
            start: -3720,
            end: -3652,
        },
        // Runbook 000: `--no-push`, so the image never reaches GHCR.
        ArgoTask {
            task: "build-image",
            template: "kaniko",
            image: "gcr.io/kaniko-project/executor:v1.23.2",
            command: &["/kaniko/executor"],
            args: &[
                "--dockerfile=/workspace/Dockerfile",
                "--context=dir:///workspace",
                "--destination=ghcr.io/jtayl222/iris:latest",
                "--no-push",
            ],
            start: -3645,
            end: -3566,
        },
        ArgoTask {
            task: "deploy",
            template: "deploy",
            image: "bitnami/kubectl:1.32",
            command: &["kubectl"],
            args: &["apply", "-f", "/src/seldon-deployment.yaml"],
            start: -3560,
            end: -3552,
        },
    ]
}

fn node_name(task: &str) -> String {
    format!("{WF}.{task}")
}

/// `Workflow.NodeID`: `<wf>-<fnv32a(nodeName)>`.
fn node_id(task: &str) -> String {
    format!("{WF}-{}", fnv32a(&node_name(task)))
}

/// v2 pod name (`GeneratePodName`): `<wf>-<template>-<fnv32a(nodeName)>`.
fn argo_pod_name(t: &ArgoTask) -> String {
    format!("{WF}-{}-{}", t.template, fnv32a(&node_name(t.task)))
}

fn argowf(base: Timestamp, s: &mut Scenario) {
    let tasks = argo_tasks();
    s.objects.push(workflow(base, &tasks, -3725, -3548));
    for t in &tasks {
        argo_step(base, s, t);
    }
    // The ConfigMap the workflow mounts at /src (runbook 000, "Source Code Not Found" fix).
    let mut cm = object(base, "v1", "ConfigMap", ARGOWF, "iris-src", 3900);
    cm["data"] = json!({
        "train.py": "import mlflow\nfrom sklearn.datasets import load_iris\nfrom sklearn.ensemble import RandomForestClassifier\n# ...\n",
        "serve.py": "class IrisClassifier:\n    def predict(self, X, features_names=None):\n        return self.model.predict_proba(X)\n",
        "Dockerfile": "FROM python:3.9-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY serve.py .\nCOPY model/ /app/model/\nEXPOSE 9000\nCMD [\"seldon-core-microservice\", \"IrisClassifier\", \"--service-type\", \"MODEL\"]\n",
        "requirements.txt": "scikit-learn==1.5.2\nmlflow==2.17.2\nseldon-core==1.18.2\n",
        "seldon-deployment.yaml": "apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\nmetadata:\n  name: iris\nspec:\n  predictors:\n  - name: default\n    graph:\n      name: classifier\n      type: MODEL\n    componentSpecs:\n    - spec:\n        containers:\n        - name: classifier\n          image: ghcr.io/jtayl222/iris:latest\n",
    });
    s.objects.push(cm);
    let mut pvc = object(
        base,
        "v1",
        "PersistentVolumeClaim",
        ARGOWF,
        "iris-demo-workdir",
        3724,
    );
    set_map(
        &mut pvc,
        "labels",
        &[("workflows.argoproj.io/workflow", WF)],
    );
    set_owner(&mut pvc, "argoproj.io/v1alpha1", "Workflow", WF);
    pvc["spec"] = json!({"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "1Gi"}},
                         "storageClassName": "nfs-shared", "volumeMode": "Filesystem",
                         "volumeName": format!("pvc-{}", uid_for(ARGOWF, "iris-demo-workdir"))});
    pvc["status"] =
        json!({"phase": "Bound", "accessModes": ["ReadWriteMany"], "capacity": {"storage": "1Gi"}});
    s.objects.push(pvc);
}

/// The Workflow with Argo's real `status.nodes` shape (DAG node + one Pod node per task).
fn workflow(base: Timestamp, tasks: &[ArgoTask; 3], started: i64, finished: i64) -> Value {
    let mut nodes = Map::new();
    nodes.insert(
        WF.into(),
        json!({
            "id": WF, "name": WF, "displayName": WF, "type": "DAG", "templateName": "iris-pipeline",
            "templateScope": format!("local/{WF}"), "phase": "Succeeded",
            "startedAt": at(base, started), "finishedAt": at(base, finished), "progress": "3/3",
            "resourcesDuration": {"cpu": 96, "memory": 412},
            "children": [node_id(tasks[0].task)], "outboundNodes": [node_id(tasks[2].task)],
        }),
    );
    for (i, t) in tasks.iter().enumerate() {
        let mut n = json!({
            "id": node_id(t.task), "name": node_name(t.task), "displayName": t.task, "type": "Pod",
            "templateName": t.template, "templateScope": format!("local/{WF}"), "phase": "Succeeded",
            "boundaryID": WF, "startedAt": at(base, t.start - 2), "finishedAt": at(base, t.end + 2),
            "progress": "1/1", "resourcesDuration": {"cpu": (t.end - t.start) / 2, "memory": (t.end - t.start) * 2},
            "hostNodeName": NODE, "outputs": {"exitCode": "0"},
        });
        if let Some(next) = tasks.get(i + 1) {
            n["children"] = json!([node_id(next.task)]);
        }
        nodes.insert(node_id(t.task), n);
    }
    let mut dag = vec![];
    let mut templates = vec![];
    for (i, t) in tasks.iter().enumerate() {
        let mut task = json!({"name": t.task, "template": t.template});
        if i > 0 {
            task["dependencies"] = json!([tasks[i - 1].task]);
        }
        dag.push(task);
        templates.push(json!({"name": t.template, "container": {
            "image": t.image, "command": t.command, "args": t.args,
            "env": [{"name": "MLFLOW_TRACKING_URI", "value": MLFLOW_URI}],
            "volumeMounts": [{"name": "src", "mountPath": "/src"}, {"name": "workdir", "mountPath": "/workspace"}],
            "securityContext": {"runAsUser": 0, "runAsGroup": 0},
        }}));
    }
    templates.insert(0, json!({"name": "iris-pipeline", "dag": {"tasks": dag}}));
    let mut wf = object(
        base,
        "argoproj.io/v1alpha1",
        "Workflow",
        ARGOWF,
        WF,
        -started + 1,
    );
    set_map(
        &mut wf,
        "annotations",
        &[("workflows.argoproj.io/pod-name-format", "v2")],
    );
    set_map(
        &mut wf,
        "labels",
        &[
            ("workflows.argoproj.io/completed", "true"),
            ("workflows.argoproj.io/phase", "Succeeded"),
            ("app.kubernetes.io/instance", "homelab-mlops-demo"),
        ],
    );
    wf["spec"] = json!({
        "entrypoint": "iris-pipeline", "templates": templates, "serviceAccountName": "default",
        "volumes": [{"name": "src", "configMap": {"name": "iris-src"}}],
        "volumeClaimTemplates": [{"metadata": {"name": "workdir"}, "spec": {
            "accessModes": ["ReadWriteMany"], "storageClassName": "nfs-shared", "resources": {"requests": {"storage": "1Gi"}}}}],
    });
    wf["status"] = json!({
        "phase": "Succeeded", "startedAt": at(base, started), "finishedAt": at(base, finished), "progress": "3/3",
        "nodes": nodes, "resourcesDuration": {"cpu": 96, "memory": 412},
        "conditions": [{"type": "PodRunning", "status": "False"}, {"type": "Completed", "status": "True"}],
        "artifactRepositoryRef": {"default": true, "artifactRepository": {}},
        "persistentVolumeClaims": [{"name": "workdir", "persistentVolumeClaim": {"claimName": "iris-demo-workdir"}}],
    });
    wf
}

/// An Argo step pod (init `init`, containers `wait` + `main`, all Completed) and its logs.
fn argo_step(base: Timestamp, s: &mut Scenario, t: &ArgoTask) {
    let name = argo_pod_name(t);
    let (node_name, node_id) = (node_name(t.task), node_id(t.task));
    let exec = |cmd: &str| {
        c(cmd, ARGOEXEC).command(&[
            "argoexec",
            cmd,
            "--loglevel",
            "info",
            "--log-format",
            "text",
        ])
    };
    let mut main_cmd = vec![
        "/var/run/argo/argoexec",
        "emissary",
        "--loglevel",
        "info",
        "--log-format",
        "text",
        "--",
    ];
    main_cmd.extend_from_slice(t.command);
    let main = c("main", t.image)
        .command(&main_cmd)
        .args(t.args)
        .env("MLFLOW_TRACKING_URI", MLFLOW_URI)
        .mount("var-run-argo", "/var/run/argo")
        .mount("src", "/src")
        .mount("workdir", "/workspace")
        .terminated(0, "Completed", t.start, t.end);
    let p = pod(base, ARGOWF, &name, 4 - t.start)
        .labels(&[
            ("workflows.argoproj.io/workflow", WF),
            ("workflows.argoproj.io/completed", "true"),
        ])
        .annotations(&[
            ("workflows.argoproj.io/node-id", &node_id),
            ("workflows.argoproj.io/node-name", &node_name),
            ("kubectl.kubernetes.io/default-container", "main"),
        ])
        .owner("argoproj.io/v1alpha1", "Workflow", WF)
        .restart_policy("Never")
        .init(
            exec("init")
                .mount("var-run-argo", "/var/run/argo")
                .terminated(0, "Completed", t.start - 3, t.start - 2),
        )
        .container(
            exec("wait")
                .mount("var-run-argo", "/var/run/argo")
                .terminated(0, "Completed", t.start - 1, t.end + 1),
        )
        .container(main)
        .volumes(json!([
            {"name": "var-run-argo", "emptyDir": {}},
            {"name": "src", "configMap": {"name": "iris-src", "defaultMode": 420}},
            {"name": "workdir", "persistentVolumeClaim": {"claimName": "iris-demo-workdir"}},
        ]))
        .build();
    s.objects.push(finish(p, "BestEffort"));
    // Scheduled a second after the pod was created (`4 - t.start` seconds ago).
    s.objects.push(scheduled(base, ARGOWF, &name, t.start - 3));
    argo_logs(base, s, t, &name);
}

/// The argoexec `init`/`wait` logs and the template's `main` log of one step pod.
fn argo_logs(base: Timestamp, s: &mut Scenario, t: &ArgoTask, name: &str) {
    let at_pod = (ARGOWF, name);
    let time = |off: i64, n: usize| {
        format!(
            "{}.{:03}Z",
            clock(base, off, "%Y-%m-%dT%H:%M:%S"),
            millis(off, n)
        )
    };
    let executor =
        |off: i64, n: usize, msg: &str| format!("time=\"{}\" level=info msg={msg}", time(off, n));
    let init = [
        "\"Starting Workflow Executor\" version=v3.6.2",
        "\"Using executor retry strategy\" Duration=1s Factor=1.6 Jitter=0.5 Steps=5",
        &format!("\"Executor initialized\" deadline=\"0001-01-01 00:00:00 +0000 UTC\" includeScriptOutput=false namespace={ARGOWF} podName={name} templateName={}", t.template),
        "\"Start loading input artifacts...\"",
        "\"Alloc=6522 TotalAlloc=11394 Sys=23909 NumGC=3 Goroutines=5\"",
    ]
    .iter()
    .enumerate()
    .map(|(i, m)| (t.start - 3, executor(t.start - 3, i, m)))
    .collect();
    seed(s, at_pod, "init", false, init);
    let head = [
        "\"Starting Workflow Executor\" version=v3.6.2",
        "\"Using executor retry strategy\" Duration=1s Factor=1.6 Jitter=0.5 Steps=5",
        &format!(
            "\"Executor initialized\" deadline=\"0001-01-01 00:00:00 +0000 UTC\" includeScriptOutput=false namespace={ARGOWF} podName={name} templateName={}",
            t.template
        ),
        "\"Starting deadline monitor\"",
    ];
    let tail = [
        "\"Main container completed\" error=\"<nil>\"",
        "\"No output parameters\"",
        "\"No output artifacts\"",
        "\"Alloc=9874 TotalAlloc=16233 Sys=25701 NumGC=4 Goroutines=7\"",
        "\"Deadline monitor stopped\"",
    ];
    let mut wait: Vec<(i64, String)> = head
        .iter()
        .enumerate()
        .map(|(i, m)| (t.start - 1, executor(t.start - 1, i, m)))
        .collect();
    wait.extend(
        tail.iter()
            .enumerate()
            .map(|(i, m)| (t.end + 1, executor(t.end + 1, i + 10, m))),
    );
    seed(s, at_pod, "wait", false, wait);
    let main_log = match t.template {
        "train" => train_log(base, t.start),
        "kaniko" => kaniko_log(t.start),
        _ => vec![(
            t.start + 6,
            "seldondeployment.machinelearning.seldon.io/iris created".to_string(),
        )],
    };
    seed(s, at_pod, "main", false, main_log);
}

/// The train step: sklearn + MLflow (runbook 000: "Check if train.py successfully logged to MLflow").
fn train_log(base: Timestamp, t0: i64) -> Vec<(i64, String)> {
    let mlflow_time = clock(base, t0 + 52, "%Y/%m/%d %H:%M:%S");
    let run_id = format!(
        "{:016x}{:016x}",
        fnv64(&["iris-run"]),
        fnv64(&["iris-run", "2"])
    );
    let mut lines = spaced(
        t0 + 1,
        0,
        strs(&[
            "[notice] A new release of pip is available: 23.0.1 -> 25.0.1",
            "[notice] To update, run: pip install --upgrade pip",
        ]),
    );
    lines.extend(spaced(t0 + 48, 1, strs(&[
        "Loading iris dataset (150 samples, 4 features)",
        "Train/test split: 120/30 (stratified, random_state=42)",
        "Training RandomForestClassifier(n_estimators=100, max_depth=5, random_state=42)",
        "Test accuracy: 0.9667",
        "              precision    recall  f1-score   support",
        "      setosa       1.00      1.00      1.00        10",
        "  versicolor       1.00      0.90      0.95        10",
        "   virginica       0.91      1.00      0.95        10",
        &format!("Logging to MLflow at {MLFLOW_URI}"),
        &format!("{mlflow_time} INFO mlflow.tracking.fluent: Experiment with name 'iris-classification' does not exist. Creating a new experiment."),
        "Logged params: n_estimators=100, max_depth=5; metrics: accuracy=0.9667, f1_macro=0.9666",
        &format!("🏃 View run rf-baseline at: {MLFLOW_URI}/#/experiments/1/runs/{run_id}"),
        &format!("🧪 View experiment at: {MLFLOW_URI}/#/experiments/1"),
        "Model saved to /workspace/model/model.pkl",
    ])));
    lines
}

/// The kaniko step: builds, then skips the push (runbook 000: `INFO[0077] Skipping push ...`).
fn kaniko_log(t0: i64) -> Vec<(i64, String)> {
    let k = |secs: i64, msg: &str| (t0 + secs, format!("INFO[{secs:04}] {msg}"));
    let mut lines = vec![
        k(0, "Retrieving image manifest python:3.9-slim"),
        k(
            0,
            "Retrieving image python:3.9-slim from registry index.docker.io",
        ),
        k(1, "Retrieving image manifest python:3.9-slim"),
        k(1, "Returning cached image manifest"),
        k(1, "Built cross stage deps: map[]"),
        k(1, "Executing 0 build triggers"),
        k(
            1,
            "Building stage 'python:3.9-slim' [idx: '0', base-idx: '-1']",
        ),
        k(
            1,
            "Unpacking rootfs as cmd COPY requirements.txt . requires it.",
        ),
        k(6, "WORKDIR /app"),
        k(6, "Cmd: workdir"),
        k(6, "Changed working directory to /app"),
        k(6, "Creating directory /app with uid -1 and gid -1"),
        k(6, "Taking snapshot of files..."),
        k(6, "COPY requirements.txt ."),
        k(6, "Taking snapshot of files..."),
        k(6, "RUN pip install --no-cache-dir -r requirements.txt"),
        k(6, "Initializing snapshotter ..."),
        k(6, "Taking snapshot of full filesystem..."),
        k(7, "Cmd: /bin/sh"),
        k(
            7,
            "Args: [-c pip install --no-cache-dir -r requirements.txt]",
        ),
        k(
            7,
            "Running: [/bin/sh -c pip install --no-cache-dir -r requirements.txt]",
        ),
    ];
    lines.extend(spaced(t0 + 9, 5, strs(&[
        "Collecting scikit-learn==1.5.2",
        "Collecting mlflow==2.17.2",
        "Collecting seldon-core==1.18.2",
        "Installing collected packages: ... scikit-learn, mlflow, seldon-core",
        "Successfully installed Flask-2.2.5 gunicorn-20.1.0 mlflow-2.17.2 numpy-1.26.4 scikit-learn-1.5.2 scipy-1.13.1 seldon-core-1.18.2",
    ])));
    lines.extend([
        k(68, "Taking snapshot of full filesystem..."),
        k(74, "COPY serve.py ."),
        k(74, "Taking snapshot of files..."),
        k(74, "COPY model/ /app/model/"),
        k(74, "Taking snapshot of files..."),
        k(75, "EXPOSE 9000"),
        k(75, "Cmd: EXPOSE"),
        k(75, "Adding exposed port: 9000/tcp"),
        k(
            75,
            "CMD [\"seldon-core-microservice\", \"IrisClassifier\", \"--service-type\", \"MODEL\"]",
        ),
        k(
            75,
            "No files changed in this command, skipping snapshotting.",
        ),
        k(75, "Taking snapshot of full filesystem..."),
        k(
            77,
            "Skipping push to container registry due to --no-push flag",
        ),
    ]);
    lines
}

// ---------------------------------------------------------------------------------------------
// argowf: the SeldonDeployment `iris` and its ImagePullBackOff pod (runbook 000)
// ---------------------------------------------------------------------------------------------

const SDEP_POD: &str = "iris-default-0-classifier-85d56cc6b6-qsjpr";
const SDEP_DEPLOY: &str = "iris-default-0-classifier";
const SDEP_HASH: &str = "85d56cc6b6";
const EXECUTOR: &str = "docker.io/seldonio/seldon-core-executor:1.18.2";
/// When the GHCR package becomes public (runbook 000, "Make GHCR repository public").
const GHCR_FIX: f64 = 45.0;
/// `kubectl get pods`: AGE 56m; the services are older (59m) because the pod was recreated.
const SDEP_POD_AGE: i64 = 3360;
const SDEP_AGE: i64 = 3553;

fn seldon(base: Timestamp, s: &mut Scenario) {
    s.objects.push(seldon_deployment(base));
    let p = seldon_pod(base);
    s.objects.extend(workload(
        base,
        &p,
        SDEP_DEPLOY,
        SDEP_AGE - 2,
        0,
        Some(("machinelearning.seldon.io/v1", "SeldonDeployment", "iris")),
    ));
    s.objects.push(p);
    for (name, sel, ports, ip) in [
        (
            "iris-default",
            ("seldon-app", "iris-default"),
            [("http", 8000), ("grpc", 5001)],
            "10.43.247.226",
        ),
        (
            "iris-default-classifier",
            ("seldon-app-svc", "iris-default-classifier"),
            [("http", 9000), ("grpc", 9500)],
            "",
        ),
    ] {
        let ports: Vec<_> = ports.iter().map(|(n, p)| (*n, *p, *p, None)).collect();
        let mut svc = service(base, ARGOWF, name, &[sel], &ports, SDEP_AGE - 2);
        set_map(
            &mut svc,
            "labels",
            &[
                ("seldon-app", "iris-default"),
                ("seldon-deployment-id", "iris"),
            ],
        );
        set_owner(
            &mut svc,
            "machinelearning.seldon.io/v1",
            "SeldonDeployment",
            "iris",
        );
        if !ip.is_empty() {
            svc["spec"]["clusterIP"] = json!(ip);
            svc["spec"]["clusterIPs"] = json!([ip]);
        }
        s.objects.push(svc);
    }
    seldon_events(base, s);
    seldon_logs(base, s);
    seldon_timeline(base, s);
    // The executor answers on 8000 and the model on 9000; nothing listens behind gRPC 5001/9500
    // or metrics 6000 in the simulator, so a port-forward there reports connection refused.
    let prediction =
        r#"{"data":{"names":["t:0","t:1","t:2"],"ndarray":[[0.0,0.0,1.0]]},"meta":{}}"#;
    backend(
        s,
        (ARGOWF, SDEP_POD),
        8000,
        vec![
            http(
                "POST",
                "/api/v1.0/predictions",
                "application/json",
                prediction,
            ),
            http("GET", "/ready", "text/plain", "ok"),
            http("GET", "/live", "text/plain", "ok"),
        ],
    );
    backend(
        s,
        (ARGOWF, SDEP_POD),
        9000,
        vec![
            http(
                "POST",
                "/api/v1.0/predictions",
                "application/json",
                prediction,
            ),
            http("GET", "/health/ping", "text/plain", "pong"),
            http("GET", "/health/status", "application/json", prediction),
        ],
    );
}

fn seldon_deployment(base: Timestamp) -> Value {
    let mut v = object(
        base,
        "machinelearning.seldon.io/v1",
        "SeldonDeployment",
        ARGOWF,
        "iris",
        SDEP_AGE,
    );
    set_map(
        &mut v,
        "labels",
        &[("app.kubernetes.io/instance", "homelab-mlops-demo")],
    );
    v["spec"] = json!({"name": "iris", "protocol": "seldon", "predictors": [{
        "name": "default", "replicas": 1, "labels": {"version": "default"},
        "graph": {"name": "classifier", "type": "MODEL", "implementation": "UNKNOWN_IMPLEMENTATION", "children": [],
                  "endpoint": {"type": "REST", "service_host": "localhost", "service_port": 9000, "httpPort": 9000, "grpcPort": 9500}},
        "componentSpecs": [{"spec": {"containers": [{"name": "classifier", "image": IRIS_IMAGE}]}}],
        "svcOrchSpec": {"env": [{"name": "SELDON_LOG_LEVEL", "value": "DEBUG"}]},
        "engineResources": {},
    }]});
    v["status"] = json!({
        "state": "Creating", "replicas": 1,
        "description": "Deployment is progressing",
        "deploymentStatus": {SDEP_DEPLOY: {"replicas": 1}},
        "serviceStatus": {
            "iris-default": {"svcName": "iris-default", "httpEndpoint": "iris-default.argowf:8000", "grpcEndpoint": "iris-default.argowf:5001"},
            "iris-default-classifier": {"svcName": "iris-default-classifier", "httpEndpoint": "iris-default-classifier.argowf:9000", "grpcEndpoint": "iris-default-classifier.argowf:9500"},
        },
        "address": {"url": "http://iris-default.argowf.svc.cluster.local:8000/api/v1.0/predictions"},
    });
    v
}

fn seldon_pod(base: Timestamp) -> Value {
    let classifier = c("classifier", IRIS_IMAGE)
        .port("http", 9000)
        .port("grpc", 9500)
        .port("metrics", 6000)
        .env("PREDICTIVE_UNIT_SERVICE_PORT", "9000")
        .env("PREDICTIVE_UNIT_HTTP_SERVICE_PORT", "9000")
        .env("PREDICTIVE_UNIT_GRPC_SERVICE_PORT", "9500")
        .env("PREDICTIVE_UNIT_METRICS_SERVICE_PORT", "6000")
        .env("PREDICTIVE_UNIT_METRICS_ENDPOINT", "/prometheus")
        .env("PREDICTIVE_UNIT_ID", "classifier")
        .env("PREDICTOR_ID", "default")
        .env("SELDON_DEPLOYMENT_ID", "iris")
        .env("SELDON_EXECUTOR_ENABLED", "true")
        .waiting(
            "ImagePullBackOff",
            &format!("Back-off pulling image \"{IRIS_IMAGE}\""),
        );
    // Seldon appends the executor after the graph's containers.
    let engine = c("seldon-container-engine", EXECUTOR)
        .args(&[
            "--sdep",
            "iris",
            "--namespace",
            ARGOWF,
            "--predictor",
            "default",
            "--http_port",
            "8000",
            "--grpc_port",
            "5001",
            "--protocol",
            "seldon",
            "--prometheus_path",
            "/prometheus",
        ])
        .port("http", 8000)
        .port("grpc", 5001)
        .env("ENGINE_SERVER_PORT", "8000")
        .env("ENGINE_SERVER_GRPC_PORT", "5001")
        .env("SELDON_LOG_LEVEL", "DEBUG")
        .http_probe("/ready", 8000)
        .resources(json!({"requests": {"cpu": "100m", "memory": "100Mi"}}))
        .running(5 - SDEP_POD_AGE)
        .not_ready();
    let mut p = pod(base, ARGOWF, SDEP_POD, SDEP_POD_AGE)
        .labels(&[
            ("app", SDEP_DEPLOY),
            ("app.kubernetes.io/managed-by", "seldon-core"),
            ("fluentd", "true"),
            ("pod-template-hash", SDEP_HASH),
            ("seldon-app", "iris-default"),
            ("seldon-app-svc", "iris-default-classifier"),
            ("seldon-deployment-id", "iris"),
            ("seldon.io/model", "true"),
            ("version", "default"),
        ])
        .annotations(&[
            ("prometheus.io/path", "/prometheus"),
            ("prometheus.io/scrape", "true"),
        ])
        .owner(
            "apps/v1",
            "ReplicaSet",
            &format!("{SDEP_DEPLOY}-{SDEP_HASH}"),
        )
        .container(classifier)
        .container(engine)
        .build();
    // kubelet `getPhase`: a container waiting without a previous run keeps the pod Pending.
    p["status"]["phase"] = json!("Pending");
    finish(p, "Burstable")
}

fn seldon_events(base: Timestamp, s: &mut Scenario) {
    let pod = on_container(ARGOWF, SDEP_POD, "classifier");
    let first = 3 - SDEP_POD_AGE;
    let pull_err = format!(
        "Failed to pull image \"{IRIS_IMAGE}\": failed to pull and unpack image \"{IRIS_IMAGE}\": failed to resolve reference \"{IRIS_IMAGE}\": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Ajtayl222%2Firis%3Apull&service=ghcr.io: 403 Forbidden"
    );
    s.objects
        .push(scheduled(base, ARGOWF, SDEP_POD, 1 - SDEP_POD_AGE));
    s.objects.extend([
        ev(
            base,
            &pod,
            "Normal",
            "Pulling",
            &format!("Pulling image \"{IRIS_IMAGE}\""),
            "kubelet",
            (first, -98, 15),
        ),
        ev(
            base,
            &pod,
            "Warning",
            "Failed",
            &pull_err,
            "kubelet",
            (first + 1, -97, 15),
        ),
        ev(
            base,
            &pod,
            "Warning",
            "Failed",
            "Error: ErrImagePull",
            "kubelet",
            (first + 1, -97, 15),
        ),
        // kubelet records the pull back-off as a Normal event (images/image_manager.go).
        ev(
            base,
            &pod,
            "Normal",
            "BackOff",
            &format!("Back-off pulling image \"{IRIS_IMAGE}\""),
            "kubelet",
            (first + 2, -12, 64),
        ),
        ev(
            base,
            &pod,
            "Warning",
            "Failed",
            "Error: ImagePullBackOff",
            "kubelet",
            (first + 2, -12, 64),
        ),
    ]);
    let engine = on_container(ARGOWF, SDEP_POD, "seldon-container-engine");
    s.objects.extend(started_events(
        base,
        &engine,
        EXECUTOR,
        (first + 2, first + 2, 1),
    ));
    s.objects.push(ev(
        base,
        &engine,
        "Warning",
        "Unhealthy",
        "Readiness probe failed: HTTP probe failed with statuscode: 503",
        "kubelet",
        (first + 10, -5, 331),
    ));
}

/// The executor's zap JSON line (epoch seconds, as controller-runtime's production encoder).
fn zap(base: Timestamp, off: i64, n: usize, level: &str, logger: &str, rest: &str) -> String {
    let ts = offset(base, off).as_second();
    let frac = fnv64(&[&off.to_string(), &n.to_string(), "zap"]) % 10_000_000;
    format!("{{\"level\":\"{level}\",\"ts\":{ts}.{frac:07},\"logger\":\"{logger}\",{rest}}}")
}

fn ready_failed(base: Timestamp, off: i64) -> String {
    zap(
        base,
        off,
        0,
        "error",
        "SeldonRestApi",
        "\"msg\":\"Ready check failed\",\"error\":\"dial tcp 127.0.0.1:9000: connect: connection refused\"",
    )
}

fn seldon_logs(base: Timestamp, s: &mut Scenario) {
    let t0 = 5 - SDEP_POD_AGE;
    let startup = [
        (
            "entrypoint.maxprocs",
            "\"msg\":\"maxprocs: Leaving GOMAXPROCS=4: CPU quota undefined\"",
        ),
        (
            "entrypoint",
            "\"msg\":\"Full health checks \",\"value\":false",
        ),
        (
            "entrypoint",
            "\"msg\":\"Hostname unset will use localhost\"",
        ),
        ("entrypoint", "\"msg\":\"Starting\",\"worker\":1"),
        (
            "entrypoint",
            "\"msg\":\"Running http server \",\"port\":8000",
        ),
        (
            "entrypoint",
            "\"msg\":\"Creating non-TLS listener\",\"port\":8000",
        ),
        (
            "SeldonRestApi",
            "\"msg\":\"Listening\",\"Address\":\"0.0.0.0:8000\"",
        ),
        (
            "entrypoint",
            "\"msg\":\"Running grpc server \",\"port\":5001",
        ),
    ];
    let mut lines: Vec<(i64, String)> = startup
        .iter()
        .enumerate()
        .map(|(i, (l, m))| (t0, zap(base, t0, i, "info", l, m)))
        .collect();
    lines.extend(
        (0..6)
            .map(|i| t0 + 10 + 10 * i)
            .map(|off| (off, ready_failed(base, off))),
    );
    lines.extend(
        (1..7)
            .rev()
            .map(|i| -10 * i + 5)
            .map(|off| (off, ready_failed(base, off))),
    );
    seed(
        s,
        (ARGOWF, SDEP_POD),
        "seldon-container-engine",
        false,
        lines,
    );
}

/// The classifier's start once the image pulls: seldon-core-microservice, then gunicorn.
fn classifier_startup(base: Timestamp, t: i64) -> Vec<String> {
    let py = |n: usize, msg: &str| {
        format!(
            "{},{:03} - {msg}",
            clock(base, t, "%Y-%m-%d %H:%M:%S"),
            millis(t, n)
        )
    };
    let gu = |msg: &str| {
        format!(
            "[{}] [1] [INFO] {msg}",
            clock(base, t + 1, "%Y-%m-%d %H:%M:%S +0000")
        )
    };
    vec![
        py(
            0,
            "seldon_core.microservice:main:578 - INFO:  Starting microservice.py:main",
        ),
        py(
            1,
            "seldon_core.microservice:main:579 - INFO:  Seldon Core version: 1.18.2",
        ),
        py(
            2,
            "seldon_core.microservice:main:703 - INFO:  Parse JAEGER_EXTRA_TAGS []",
        ),
        py(
            3,
            "seldon_core.microservice:load_annotations:159 - INFO:  Found annotation prometheus.io/path:/prometheus",
        ),
        py(
            4,
            "seldon_core.microservice:load_annotations:159 - INFO:  Found annotation prometheus.io/scrape:true",
        ),
        py(
            5,
            "seldon_core.microservice:main:710 - INFO:  Importing IrisClassifier",
        ),
        py(
            6,
            "seldon_core.microservice:main:795 - INFO:  REST gunicorn microservice running on port 9000",
        ),
        py(
            7,
            "seldon_core.microservice:main:889 - INFO:  REST metrics microservice running on port 6000",
        ),
        py(
            8,
            "seldon_core.microservice:main:899 - INFO:  Starting servers",
        ),
        gu("Starting gunicorn 20.1.0"),
        gu("Listening at: http://0.0.0.0:9000 (1)"),
        gu("Using worker: sync"),
        gu("Booting worker with pid: 27"),
        py(
            9,
            "seldon_core.gunicorn_utils:load:103 - INFO:  Tracing not active",
        ),
        py(
            10,
            "IrisClassifier:__init__:12 - INFO:  Loaded model from /app/model/model.pkl",
        ),
    ]
}

fn seldon_timeline(base: Timestamp, s: &mut Scenario) {
    let pod = (ARGOWF, SDEP_POD);
    let classifier = on_container(ARGOWF, SDEP_POD, "classifier");
    let engine = "seldon-container-engine";
    // Still failing: the executor's readiness checks and the kubelet's pull back-off.
    for when in [5.0, 15.0, 25.0, 35.0] {
        s.timeline.push(once(
            when,
            log(pod, engine, vec![ready_failed(base, when as i64)]),
        ));
    }
    for when in [8.0, 28.0] {
        s.timeline.push(once(
            when,
            ev_now(
                base,
                &classifier,
                "Normal",
                "BackOff",
                &format!("Back-off pulling image \"{IRIS_IMAGE}\""),
                "kubelet",
            ),
        ));
        s.timeline.push(once(
            when,
            ev_now(
                base,
                &classifier,
                "Warning",
                "Failed",
                "Error: ImagePullBackOff",
                "kubelet",
            ),
        ));
    }
    // t+45s: the package is public; the next pull succeeds.
    let fix = GHCR_FIX;
    let pulled = format!(
        "Successfully pulled image \"{IRIS_IMAGE}\" in 2.1s (2.143s including waiting). Image size: 412734562 bytes."
    );
    s.timeline.extend([
        once(
            fix - 1.0,
            ev_now(
                base,
                &classifier,
                "Normal",
                "Pulling",
                &format!("Pulling image \"{IRIS_IMAGE}\""),
                "kubelet",
            ),
        ),
        once(
            fix + 1.0,
            ev_now(base, &classifier, "Normal", "Pulled", &pulled, "kubelet"),
        ),
        once(
            fix + 1.0,
            ev_now(
                base,
                &classifier,
                "Normal",
                "Created",
                "Created container: classifier",
                "kubelet",
            ),
        ),
        once(fix + 1.0, start(pod, "classifier")),
        once(
            fix + 1.0,
            set(pod, "classifier", json!({"imageID": image_id(IRIS_IMAGE)})),
        ),
        once(
            fix + 1.5,
            ev_now(
                base,
                &classifier,
                "Normal",
                "Started",
                "Started container classifier",
                "kubelet",
            ),
        ),
        once(
            fix + 2.0,
            log(pod, "classifier", classifier_startup(base, fix as i64 + 2)),
        ),
        once(fix + 5.0, set(pod, engine, json!({"ready": true}))),
        once(
            fix + 6.0,
            patch(
                "machinelearning.seldon.io/v1",
                "SeldonDeployment",
                ARGOWF,
                "iris",
                json!({"status": {
                    "state": "Available", "description": null,
                    "deploymentStatus": {SDEP_DEPLOY: {"replicas": 1, "availableReplicas": 1}},
                }}),
            ),
        ),
    ]);
    s.timeline
        .extend(workload_ready(fix + 6.0, ARGOWF, SDEP_DEPLOY, SDEP_HASH));
    seldon_predictions(base, s);
}

/// Someone tests the endpoint (runbook 000, "Verification Steps"): one request every 2 s for ten
/// minutes after the fix, each logged by the executor at debug level (SELDON_LOG_LEVEL=DEBUG).
fn seldon_predictions(base: Timestamp, s: &mut Scenario) {
    let pod = (ARGOWF, SDEP_POD);
    let engine = "seldon-container-engine";
    let fix = GHCR_FIX;
    for i in 0..300 {
        let off = fix as i64 + 10 + 2 * i;
        let puid = format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            fnv64(&["puid", &i.to_string()]) >> 32,
            i & 0xffff,
            i & 0xfff,
            (i * 7) & 0xfff,
            fnv64(&["puid", &i.to_string()]) & 0xffff_ffff_ffff
        );
        let line = zap(
            base,
            off,
            1,
            "debug",
            "SeldonRestApi",
            &format!("\"msg\":\"Predictions called\",\"puid\":\"{puid}\""),
        );
        s.timeline
            .push(once(off as f64, log(pod, engine, vec![line])));
    }
}

// ---------------------------------------------------------------------------------------------
// mlflow: the tracking server (runbook 000, "MLflow Access Issues")
// ---------------------------------------------------------------------------------------------

const MLFLOW_POD: &str = "mlflow-7d9c6b8f45-w2x8q";
const MLFLOW_IMAGE: &str = "ghcr.io/mlflow/mlflow:v2.17.2";
const MLFLOW_AGE: i64 = 86_400 * 30;
const MLFLOW_POD_AGE: i64 = 86_400 * 9;

fn mlflow(base: Timestamp, s: &mut Scenario) {
    // Access log without gunicorn's %(t)s, so generated lines never carry a stale clock.
    let gunicorn_opts = "--workers 4 --access-logfile - --access-logformat '%(h)s \"%(r)s\" %(s)s %(b)s %(M)sms \"%(a)s\"'";
    let mlflow = c("mlflow", MLFLOW_IMAGE)
        .command(&["mlflow"])
        .args(&[
            "server",
            "--host",
            "0.0.0.0",
            "--port",
            "5000",
            "--backend-store-uri",
            "sqlite:////mlflow/mlflow.db",
            "--artifacts-destination",
            "s3://mlflow-artifacts",
            "--gunicorn-opts",
            gunicorn_opts,
        ])
        .env(
            "MLFLOW_S3_ENDPOINT_URL",
            "http://minio.minio.svc.cluster.local:9000",
        )
        .port("http", 5000)
        .http_probe("/health", 5000)
        .mount("data", "/mlflow")
        .resources(
            json!({"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}}),
        )
        .running(2 - MLFLOW_POD_AGE);
    let p = pod(base, MLFLOW, MLFLOW_POD, MLFLOW_POD_AGE)
        .labels(&[("app", "mlflow"), ("pod-template-hash", "7d9c6b8f45")])
        .owner("apps/v1", "ReplicaSet", "mlflow-7d9c6b8f45")
        .container(mlflow)
        .volumes(json!([{"name": "data", "persistentVolumeClaim": {"claimName": "mlflow-data"}}]))
        .build();
    let p = finish(p, "Burstable");
    s.objects
        .extend(workload(base, &p, "mlflow", MLFLOW_AGE, 1, None));
    s.objects.push(p);
    s.objects.push(service(
        base,
        MLFLOW,
        "mlflow",
        &[("app", "mlflow")],
        &[("http", 5000, 5000, Some(30800))],
        MLFLOW_AGE,
    ));
    mlflow_logs(base, s);
    mlflow_backend(base, s);
}

/// gunicorn's start nine days ago, then access-log lines (kube-probe and an API client).
fn mlflow_logs(base: Timestamp, s: &mut Scenario) {
    let t0 = 3 - MLFLOW_POD_AGE;
    let py = clock(base, t0, "%Y/%m/%d %H:%M:%S");
    let gu = |pid: u32, msg: &str| {
        format!(
            "[{}] [{pid}] [INFO] {msg}",
            clock(base, t0 + 4, "%Y-%m-%d %H:%M:%S +0000")
        )
    };
    let mut lines = vec![
        format!("{py} INFO mlflow.store.db.utils: Creating initial MLflow database tables..."),
        format!("{py} INFO mlflow.store.db.utils: Updating database tables"),
        "INFO  [alembic.runtime.migration] Context impl SQLiteImpl.".to_string(),
        "INFO  [alembic.runtime.migration] Will assume non-transactional DDL.".to_string(),
        gu(24, "Starting gunicorn 22.0.0"),
        gu(24, "Listening at: http://0.0.0.0:5000 (24)"),
        gu(24, "Using worker: sync"),
    ];
    lines.extend((25..29).map(|pid| gu(pid, &format!("Booting worker with pid: {pid}"))));
    seed(
        s,
        (MLFLOW, MLFLOW_POD),
        "mlflow",
        false,
        spaced(t0, 0, lines),
    );
    let access = |rate: f64, template: &str| Generator {
        ns: MLFLOW.into(),
        pod: MLFLOW_POD.into(),
        container: "mlflow".into(),
        rate,
        template: template.into(),
    };
    s.generators.push(access(
        0.1,
        "10.42.0.1 \"GET /health HTTP/1.1\" 200 2 1ms \"kube-probe/1.32\"",
    ));
    s.generators.push(access(0.05, "10.42.0.1 \"GET /api/2.0/mlflow/experiments/get-by-name?experiment_name=iris-classification HTTP/1.1\" 200 318 4ms \"curl/8.5.0\""));
}

/// `/health` and the experiment the train step created (runbook 000: `experiments/get-by-name`).
fn mlflow_backend(base: Timestamp, s: &mut Scenario) {
    let created = offset(base, -3668).as_millisecond();
    let experiment = json!({"experiment": {
        "experiment_id": "1", "name": "iris-classification", "artifact_location": "mlflow-artifacts:/1",
        "lifecycle_stage": "active", "last_update_time": created, "creation_time": created,
    }});
    backend(
        s,
        (MLFLOW, MLFLOW_POD),
        5000,
        vec![
            http("GET", "/health", "text/plain; charset=utf-8", "OK"),
            http("GET", "/version", "text/plain; charset=utf-8", "2.17.2"),
            http(
                "GET",
                "/api/2.0/mlflow/experiments/get-by-name",
                "application/json",
                &experiment.to_string(),
            ),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// user-example-com: the KServe InferenceService `iris-model` (runbook 002)
// ---------------------------------------------------------------------------------------------

const ISVC: &str = "iris-model";
const ISVC_POD: &str = "iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r";
const ISVC_DEPLOY: &str = "iris-model-predictor-00001-deployment";
const ISVC_HASH: &str = "6579ddcfbd";
const ISVC_AGE: i64 = 1500;
const ISVC_POD_AGE: i64 = 1320;
const SERVE_IMAGE: &str = "192.168.58.12:30002/kubeflow-iris/iris-serve:v1.1";
const STORAGE_INIT: &str = "kserve/storage-initializer:v0.14.0";
const ISTIO_PROXY: &str = "docker.io/istio/proxyv2:1.23.2";
const QUEUE_PROXY: &str = "gcr.io/knative-releases/knative.dev/serving/cmd/queue@sha256:5a2e5a7ed4fa4a1d0e6f8a52d6a13d8e2c6a0b2f8a3c4e5d6f7a8b9c0d1e2f3a";
/// Runbook 002, Issue 1 (`kubectl describe isvc`).
const NO_RUNTIME: &str = "no runtime found to support predictor with model type: {sklearn <nil>}";
/// The storage-initializer starts its successful run (runbook 002, Attempt 7).
const INIT_FIX: f64 = 12.0;

fn kserve(base: Timestamp, s: &mut Scenario) {
    s.objects.push(serving_runtime(base));
    s.objects.push(inference_service(base));
    s.objects.push(ev(
        base,
        &on(KSERVE, "InferenceService", ISVC),
        "Warning",
        "InternalError",
        NO_RUNTIME,
        "v1beta1Controllers",
        (3 - ISVC_AGE, 13 - ISVC_AGE, 12),
    ));
    kserve_secrets(base, s);
    let p = isvc_pod(base);
    let pod_ip = p["status"]["podIP"].as_str().unwrap_or("").to_string();
    s.objects.extend(workload(
        base,
        &p,
        ISVC_DEPLOY,
        ISVC_POD_AGE + 2,
        0,
        Some((
            "serving.knative.dev/v1",
            "Revision",
            "iris-model-predictor-00001",
        )),
    ));
    s.objects.push(p);
    kserve_events(base, s);
    seed(
        s,
        (KSERVE, ISVC_POD),
        "storage-initializer",
        true,
        storage_init_failure(base, -131),
    );
    kserve_timeline(base, s, &pod_ip);
    backend(
        s,
        (KSERVE, ISVC_POD),
        8080,
        vec![
            http(
                "GET",
                "/health",
                "application/json",
                r#"{"status":"healthy"}"#,
            ),
            http(
                "GET",
                "/v1/models/iris-model",
                "application/json",
                r#"{"name":"iris-model","ready":true}"#,
            ),
            http(
                "POST",
                "/v1/models/iris-model:predict",
                "application/json",
                r#"{"predictions":[0]}"#,
            ),
        ],
    );
}

/// Runbook 002, Issue 1 solution (`serving-runtime.yaml`).
fn serving_runtime(base: Timestamp) -> Value {
    let mut v = object(
        base,
        "serving.kserve.io/v1alpha1",
        "ServingRuntime",
        KSERVE,
        "iris-fastapi-runtime",
        ISVC_POD_AGE + 60,
    );
    v["spec"] = json!({
        "supportedModelFormats": [{"name": "sklearn", "version": "1", "autoSelect": true}],
        "containers": [{"name": "kserve-container", "image": SERVE_IMAGE,
                        "ports": [{"containerPort": 8080, "protocol": "TCP"}]}],
    });
    v
}

fn inference_service(base: Timestamp) -> Value {
    let mut v = object(
        base,
        "serving.kserve.io/v1beta1",
        "InferenceService",
        KSERVE,
        ISVC,
        ISVC_AGE,
    );
    set_map(
        &mut v,
        "annotations",
        &[("serving.kserve.io/storageSecretName", "minio-s3-secret")],
    );
    v["metadata"]["finalizers"] = json!(["inferenceservice.finalizers"]);
    v["metadata"]["generation"] = json!(1);
    v["spec"] = json!({"predictor": {
        "serviceAccountName": "iris-sa",
        "model": {"modelFormat": {"name": "sklearn"}, "storageUri": "s3://mlpipeline/models/iris",
                  "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "2Gi"}}},
    }});
    let cond = |ty: &str| {
        json!({"type": ty, "status": "False", "reason": "InternalError", "message": NO_RUNTIME,
                                 "lastTransitionTime": at(base, 3 - ISVC_AGE)})
    };
    // The event carries the controller's error; `modelStatus.lastFailureInfo` is KServe's own text.
    v["status"] = json!({
        "observedGeneration": 1,
        "conditions": [cond("PredictorReady"), cond("Ready")],
        "modelStatus": {"transitionStatus": "InvalidSpec",
                        "states": {"activeModelState": "", "targetModelState": "FailedToLoad"},
                        "lastFailureInfo": {"reason": "NoSupportingRuntime", "message": "No runtime found to support specified framework/version"}},
    });
    v
}

/// Runbook 002, Issue 2: the AWS-format secret, the KFP one, the Harbor pull secret, `iris-sa`.
fn kserve_secrets(base: Timestamp, s: &mut Scenario) {
    let s3 = [
        (
            "serving.kserve.io/s3-endpoint",
            "minio-service.kubeflow:9000",
        ),
        ("serving.kserve.io/s3-usehttps", "0"),
        ("serving.kserve.io/s3-region", "us-east-1"),
    ];
    let mut minio = object(base, "v1", "Secret", KSERVE, "minio-s3-secret", 1000);
    set_map(&mut minio, "annotations", &s3);
    minio["type"] = json!("Opaque");
    // AWS_ACCESS_KEY_ID=BY3N3TZ2XFGBI763IGEPD, AWS_SECRET_ACCESS_KEY=KQgORRVCRvRZa6pTsd6CtFmyTn7SONi1f66A0Ch/kg
    minio["data"] = json!({"AWS_ACCESS_KEY_ID": "QlkzTjNUWjJYRkdCSTc2M0lHRVBE",
                           "AWS_SECRET_ACCESS_KEY": "S1FnT1JSVkNSdlJaYTZwVHNkNkN0Rm15VG43U09OaTFmNjZBMENoL2tn"});
    let mut kfp = object(
        base,
        "v1",
        "Secret",
        KSERVE,
        "mlpipeline-minio-artifact",
        86_400 * 12,
    );
    kfp["type"] = json!("Opaque");
    kfp["data"] = json!({"accesskey": "QlkzTjNUWjJYRkdCSTc2M0lHRVBE",
                         "secretkey": "S1FnT1JSVkNSdlJaYTZwVHNkNkN0Rm15VG43U09OaTFmNjZBMENoL2tn"});
    let mut harbor = object(
        base,
        "v1",
        "Secret",
        KSERVE,
        "harbor-credentials",
        86_400 * 3,
    );
    harbor["type"] = json!("kubernetes.io/dockerconfigjson");
    // {"auths":{"192.168.58.12:30002":{"username":"admin","password":"Harbor12345","auth":"YWRtaW46SGFyYm9yMTIzNDU="}}}
    harbor["data"] = json!({".dockerconfigjson": "eyJhdXRocyI6eyIxOTIuMTY4LjU4LjEyOjMwMDAyIjp7InVzZXJuYW1lIjoiYWRtaW4iLCJwYXNzd29yZCI6IkhhcmJvcjEyMzQ1IiwiYXV0aCI6IllXUnRhVzQ2U0dGeVltOXlNVEl6TkRVPSJ9fX0="});
    let mut sa = object(
        base,
        "v1",
        "ServiceAccount",
        KSERVE,
        "iris-sa",
        ISVC_AGE + 600,
    );
    set_map(&mut sa, "annotations", &s3);
    set_map(
        &mut sa,
        "annotations",
        &[
            ("serving.kserve.io/s3-verifyssl", "0"),
            ("serving.kserve.io/secretName", "minio-s3-secret"),
            ("serving.kserve.io/storageSecretName", "minio-s3-secret"),
        ],
    );
    sa["secrets"] = json!([{"name": "minio-s3-secret"}]);
    sa["imagePullSecrets"] = json!([{"name": "harbor-credentials"}]);
    s.objects.extend([minio, kfp, harbor, sa]);
}

fn isvc_pod(base: Timestamp) -> Value {
    let rev = "iris-model-predictor-00001";
    // The webhook found no credentials to inject (runbook 002: "Checked init container
    // environment variables: None found").
    let init = c("storage-initializer", STORAGE_INIT)
        .args(&["s3://mlpipeline/models/iris", "/mnt/models"])
        .mount("kserve-provision-location", "/mnt/models")
        .resources(json!({"requests": {"cpu": "100m", "memory": "100Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}))
        .restarts(7)
        .last(1, "Error", -131, -126)
        .waiting("CrashLoopBackOff", &format!("back-off 5m0s restarting failed container=storage-initializer pod={ISVC_POD}_{KSERVE}({})", uid_for(KSERVE, ISVC_POD)));
    let model = c("kserve-container", SERVE_IMAGE)
        .port("user-port", 8080)
        .env("PORT", "8080")
        .env("K_REVISION", rev)
        .env("K_CONFIGURATION", "iris-model-predictor")
        .env("K_SERVICE", "iris-model-predictor")
        .mount("kserve-provision-location", "/mnt/models")
        .resources(json!({"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "2Gi"}}))
        .waiting("PodInitializing", "");
    // Knative's queue-proxy port names (serving pkg/reconciler/revision/resources/queue.go).
    let queue = c("queue-proxy", QUEUE_PROXY)
        .port("http-queueadm", 8022)
        .port("http-autometric", 9090)
        .port("http-usermetric", 9091)
        .port("queue-port", 8012)
        .port("https-port", 8112)
        .env("SERVING_NAMESPACE", KSERVE)
        .env("SERVING_REVISION", rev)
        .env("USER_PORT", "8080")
        .http_probe("/", 8012)
        .resources(json!({"requests": {"cpu": "25m"}}))
        .waiting("PodInitializing", "");
    let istio = c("istio-proxy", ISTIO_PROXY)
        .args(&["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning",
                "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info"])
        .port("http-envoy-prom", 15090)
        .http_probe("/healthz/ready", 15021)
        .resources(json!({"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "2", "memory": "1Gi"}}))
        .waiting("PodInitializing", "");
    let p = pod(base, KSERVE, ISVC_POD, ISVC_POD_AGE)
        .labels(&[
            ("app", rev),
            ("component", "predictor"),
            ("pod-template-hash", ISVC_HASH),
            ("security.istio.io/tlsMode", "istio"),
            ("service.istio.io/canonical-name", "iris-model-predictor"),
            ("service.istio.io/canonical-revision", rev),
            ("serving.knative.dev/configuration", "iris-model-predictor"),
            ("serving.knative.dev/revision", rev),
            ("serving.knative.dev/service", "iris-model-predictor"),
            ("serving.kserve.io/inferenceservice", ISVC),
        ])
        .annotations(&[
            ("autoscaling.knative.dev/class", "kpa.autoscaling.knative.dev"),
            ("autoscaling.knative.dev/min-scale", "1"),
            ("internal.serving.kserve.io/storage-initializer-sourceuri", "s3://mlpipeline/models/iris"),
            ("serving.kserve.io/storageSecretName", "minio-s3-secret"),
            ("sidecar.istio.io/status", "{\"initContainers\":null,\"containers\":[\"istio-proxy\"],\"volumes\":[\"istio-envoy\",\"istio-data\",\"istio-podinfo\",\"istio-token\",\"istiod-ca-cert\"]}"),
        ])
        .owner("apps/v1", "ReplicaSet", &format!("{ISVC_DEPLOY}-{ISVC_HASH}"))
        .service_account("iris-sa")
        .init(init)
        .container(model)
        .container(queue)
        .container(istio)
        .volumes(json!([{"name": "kserve-provision-location", "emptyDir": {}},
                        {"name": "istio-envoy", "emptyDir": {"medium": "Memory"}}]))
        .build();
    finish(p, "Burstable")
}

fn kserve_events(base: Timestamp, s: &mut Scenario) {
    let init = on_init(KSERVE, ISVC_POD, "storage-initializer");
    let first = 3 - ISVC_POD_AGE;
    s.objects
        .push(scheduled(base, KSERVE, ISVC_POD, 1 - ISVC_POD_AGE));
    s.objects
        .extend(started_events(base, &init, STORAGE_INIT, (first, -132, 8)));
    let backoff = format!(
        "Back-off restarting failed container storage-initializer in pod {ISVC_POD}_{KSERVE}({})",
        uid_for(KSERVE, ISVC_POD)
    );
    s.objects.push(ev(
        base,
        &init,
        "Warning",
        "BackOff",
        &backoff,
        "kubelet",
        (first + 40, -20, 29),
    ));
}

/// The storage-initializer's failed run (runbook 002, Issue 2), kserve's log format.
fn storage_init_failure(base: Timestamp, t: i64) -> Vec<(i64, String)> {
    let site = "/prod_venv/lib/python3.11/site-packages";
    let mut lines = storage_init_head(base, t);
    let trace = [
        "Traceback (most recent call last):".to_string(),
        "  File \"/storage-initializer/scripts/initializer-entrypoint\", line 20, in <module>"
            .into(),
        "    Storage.download(src_uri, dest_path)".into(),
        "  File \"/kserve/kserve/storage/storage.py\", line 73, in download".into(),
        "    model_dir = Storage._download_s3(uri, out_dir)".into(),
        "  File \"/kserve/kserve/storage/storage.py\", line 239, in _download_s3".into(),
        "    for obj in bucket.objects.filter(Prefix=bucket_path):".into(),
        format!("  File \"{site}/boto3/resources/collection.py\", line 81, in __iter__"),
        "    for page in self.pages():".into(),
        format!("  File \"{site}/boto3/resources/collection.py\", line 171, in pages"),
        "    for page in pages:".into(),
        format!("  File \"{site}/botocore/paginate.py\", line 269, in __iter__"),
        "    response = self._make_request(current_kwargs)".into(),
        format!("  File \"{site}/botocore/client.py\", line 569, in _api_call"),
        "    return self._make_api_call(operation_name, kwargs)".into(),
        format!("  File \"{site}/botocore/client.py\", line 1005, in _make_api_call"),
        "    http, parsed_response = self._make_request(".into(),
        format!("  File \"{site}/botocore/endpoint.py\", line 132, in create_request"),
        "    self._event_emitter.emit(".into(),
        format!("  File \"{site}/botocore/signers.py\", line 105, in handler"),
        "    return self.sign(operation_name, request)".into(),
        format!("  File \"{site}/botocore/signers.py\", line 195, in sign"),
        "    auth.add_auth(request)".into(),
        format!("  File \"{site}/botocore/auth.py\", line 418, in add_auth"),
        "    raise NoCredentialsError()".into(),
        "botocore.exceptions.NoCredentialsError: Unable to locate credentials".into(),
    ];
    lines.extend(trace.into_iter().map(|l| (t + 5, l)));
    lines
}

fn kserve_log(base: Timestamp, t: i64, n: usize, site: &str, msg: &str) -> String {
    let now = clock(base, t, "%Y-%m-%d %H:%M:%S");
    format!("{now}.{:03} 1 kserve INFO [{site}] {msg}", millis(t, n))
}

fn storage_init_head(base: Timestamp, t: i64) -> Vec<(i64, String)> {
    vec![
        (
            t,
            kserve_log(
                base,
                t,
                0,
                "initializer-entrypoint:<module>():16",
                "Initializing, args: src_uri [s3://mlpipeline/models/iris] dest_path[ [/mnt/models]",
            ),
        ),
        (
            t,
            kserve_log(
                base,
                t,
                1,
                "storage.py:download():66",
                "Copying contents of s3://mlpipeline/models/iris to local",
            ),
        ),
    ]
}

/// The Istio sidecar's start, with runbook 002's Issue 3 line kept verbatim.
fn istio_startup(base: Timestamp, t: i64, pod_ip: &str) -> Vec<String> {
    let l = |n: usize, level: &str, msg: &str| {
        format!(
            "{}.{:06}Z\t{level}\t{msg}",
            clock(base, t, "%Y-%m-%dT%H:%M:%S"),
            millis(t, n) * 1000 + 311
        )
    };
    vec![
        l(0, "info", "FLAG: --concurrency=\"2\""),
        l(1, "info", "FLAG: --domain=\"user-example-com.svc.cluster.local\""),
        l(3, "info", &format!("Proxy role\tips=[{pod_ip}] type=sidecar id={ISVC_POD}.{KSERVE} domain={KSERVE}.svc.cluster.local")),
        l(4, "info", "Opening status port 15020"),
        l(5, "info", "CA Endpoint istiod.istio-system.svc:15012, provider Citadel"),
        l(6, "info", "Using CA istiod.istio-system.svc:15012 cert with certs: var/run/secrets/istio/root-cert.pem"),
        "2025-11-29T18:44:24 error cache resource:default failed to sign: create certificate: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp: lookup istiod.istio-system.svc: i/o timeout\"".to_string(),
        l(8, "warn", "Envoy proxy is NOT ready: config received from XDS server, but was rejected: cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected"),
    ]
}

fn kserve_timeline(base: Timestamp, s: &mut Scenario, pod_ip: &str) {
    storage_init_succeeds(base, s);
    containers_start(base, s, pod_ip);
}

/// t+12s: credentials and MinIO access fixed, the storage-initializer downloads the model.
fn storage_init_succeeds(base: Timestamp, s: &mut Scenario) {
    let pod = (KSERVE, ISVC_POD);
    let init = on_init(KSERVE, ISVC_POD, "storage-initializer");
    let t = INIT_FIX;
    let ti = t as i64;
    let mut ok = storage_init_head(base, ti + 1);
    ok.extend([
        (
            ti + 6,
            kserve_log(
                base,
                ti + 6,
                2,
                "storage.py:_download_s3():268",
                "Downloaded object models/iris/model to /mnt/models/model",
            ),
        ),
        (
            ti + 6,
            kserve_log(
                base,
                ti + 6,
                3,
                "storage.py:download():108",
                "Successfully copied s3://mlpipeline/models/iris to /mnt/models",
            ),
        ),
    ]);
    s.timeline.extend([
        once(t, ev_now(base, &init, "Normal", "Pulled", &format!("Container image \"{STORAGE_INIT}\" already present on machine"), "kubelet")),
        once(t, ev_now(base, &init, "Normal", "Created", "Created container: storage-initializer", "kubelet")),
        once(t, start(pod, "storage-initializer")),
        once(t, set(pod, "storage-initializer", json!({"ready": false}))),
        once(t, ev_now(base, &init, "Normal", "Started", "Started container storage-initializer", "kubelet")),
        once(t + 1.0, log(pod, "storage-initializer", ok.iter().take(2).map(|l| l.1.clone()).collect())),
        once(t + 6.0, log(pod, "storage-initializer", ok.iter().skip(2).map(|l| l.1.clone()).collect())),
        once(t + 8.0, set(pod, "storage-initializer", json!({"state": {"running": null, "terminated": {
            "exitCode": 0, "reason": "Completed", "startedAt": at(base, ti), "finishedAt": at(base, ti + 8),
            "containerID": container_id(&uid_for(KSERVE, ISVC_POD), "storage-initializer", 7)}}, "started": false}))),
    ]);
}

/// t+21s: the three containers start; istio-proxy waits for its certificate (Issue 3), the
/// model server loads a dummy model (Issue 5), then the InferenceService turns Ready.
fn containers_start(base: Timestamp, s: &mut Scenario, pod_ip: &str) {
    let pod = (KSERVE, ISVC_POD);
    let t = INIT_FIX;
    let run = t + 9.0;
    for (name, image) in [
        ("kserve-container", SERVE_IMAGE),
        ("queue-proxy", QUEUE_PROXY),
        ("istio-proxy", ISTIO_PROXY),
    ] {
        let at_c = on_container(KSERVE, ISVC_POD, name);
        s.timeline.extend([
            once(
                run,
                ev_now(
                    base,
                    &at_c,
                    "Normal",
                    "Pulled",
                    &format!("Container image \"{image}\" already present on machine"),
                    "kubelet",
                ),
            ),
            once(
                run,
                ev_now(
                    base,
                    &at_c,
                    "Normal",
                    "Created",
                    &format!("Created container: {name}"),
                    "kubelet",
                ),
            ),
            once(run, start(pod, name)),
            once(run, set(pod, name, json!({"imageID": image_id(image)}))),
            once(
                run,
                ev_now(
                    base,
                    &at_c,
                    "Normal",
                    "Started",
                    &format!("Started container {name}"),
                    "kubelet",
                ),
            ),
        ]);
    }
    let r = run as i64;
    let queue_log = |off: i64, msg: &str| {
        format!(
            "{{\"severity\":\"INFO\",\"timestamp\":\"{}.{:03}Z\",\"logger\":\"queueproxy\",\"caller\":\"sharedmain/main.go:271\",\"message\":\"{msg}\",\"knative.dev/key\":\"{KSERVE}/iris-model-predictor-00001\",\"knative.dev/pod\":\"{ISVC_POD}\"}}",
            clock(base, off, "%Y-%m-%dT%H:%M:%S"),
            millis(off, 0)
        )
    };
    let istio_ready = |n: usize, msg: &str| {
        format!(
            "{}.{:06}Z\tinfo\t{msg}",
            clock(base, r + 9, "%Y-%m-%dT%H:%M:%S"),
            millis(r + 9, n) * 1000 + 7
        )
    };
    s.timeline.extend([
        once(run, set(pod, "queue-proxy", json!({"ready": false}))),
        once(run, set(pod, "istio-proxy", json!({"ready": false}))),
        once(run + 0.5, log(pod, "istio-proxy", istio_startup(base, r, pod_ip))),
        once(run + 0.5, log(pod, "queue-proxy", vec![queue_log(r, "Starting queue-proxy"), queue_log(r, "Starting http server metrics:9090"), queue_log(r, "Starting http server main:8012")])),
        once(run + 1.0, log(pod, "kserve-container", strs(&[
            "INFO:     Started server process [1]",
            "INFO:     Waiting for application startup.",
            "INFO:     Application startup complete.",
            "INFO:     Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)",
        ]))),
        // CoreDNS answers again (the runbook's `rollout restart deployment coredns`).
        once(run + 9.0, log(pod, "istio-proxy", vec![
            istio_ready(0, "cache\tgenerated new workload certificate\tresourceName=default latency=9.214981375s ttl=23h59m59.785018855s"),
            istio_ready(1, "cache\tRoot cert has changed, start rotating root cert"),
            istio_ready(2, &format!("ads\tADS: new connection for node:{ISVC_POD}.{KSERVE}-1")),
            istio_ready(3, "Readiness succeeded in 9.88012735s"),
            istio_ready(4, "Envoy proxy is ready"),
        ])),
        once(run + 9.0, set(pod, "istio-proxy", json!({"ready": true}))),
        // Issue 5: the first request loads the model, from the wrong path.
        once(run + 10.0, log(pod, "kserve-container", strs(&[
            "INFO:serve:Loading model from /mnt/models/model.pkl",
            "WARNING:serve:Model file not found at /mnt/models/model.pkl, using dummy model",
            "INFO:     10.42.0.1:41372 - \"GET /v1/models/iris-model HTTP/1.1\" 200 OK",
        ]))),
        once(run + 11.0, set(pod, "queue-proxy", json!({"ready": true}))),
        once(run + 12.0, patch("serving.kserve.io/v1beta1", "InferenceService", KSERVE, ISVC, isvc_ready(base, r + 12))),
    ]);
    s.timeline
        .extend(workload_ready(run + 12.0, KSERVE, ISVC_DEPLOY, ISVC_HASH));
}

/// Runbook 002, "Final Deployment Status": READY True, URL, 100% on revision 00001.
fn isvc_ready(base: Timestamp, t: i64) -> Value {
    let when = at(base, t);
    let conds: Vec<Value> = [
        "IngressReady",
        "LatestDeploymentReady",
        "PredictorConfigurationReady",
        "PredictorReady",
        "PredictorRouteReady",
        "Ready",
        "RoutesReady",
    ]
    .iter()
    .map(|ty| json!({"type": ty, "status": "True", "lastTransitionTime": when}))
    .collect();
    json!({"status": {
        "url": "http://iris-model.user-example-com.example.com",
        "address": {"url": "http://iris-model.user-example-com.svc.cluster.local"},
        "conditions": conds,
        "components": {"predictor": {
            "latestCreatedRevision": "iris-model-predictor-00001", "latestReadyRevision": "iris-model-predictor-00001",
            "latestRolledoutRevision": "iris-model-predictor-00001",
            "traffic": [{"latestRevision": true, "percent": 100, "revisionName": "iris-model-predictor-00001"}],
            "url": "http://iris-model-predictor.user-example-com.example.com",
        }},
        "modelStatus": {"transitionStatus": "UpToDate", "states": {"activeModelState": "Loaded", "targetModelState": "Loaded"},
                        "copies": {"failedCopies": 0, "totalCopies": 1}, "lastFailureInfo": null},
    }})
}

// ---------------------------------------------------------------------------------------------
// private-ai-demo: the Tekton PipelineRun `mistral-24b-full-8t9qf` (runbook 003)
// ---------------------------------------------------------------------------------------------

const PR: &str = "mistral-24b-full-8t9qf";
const PIPELINE: &str = "modelcar-pipeline";
const MODELCAR: &str =
    "image-registry.openshift-image-registry.svc:5000/private-ai-demo/mistral-24b-full:fp-2501";
const ENTRYPOINT: &str =
    "registry.redhat.io/openshift-pipelines/pipelines-entrypoint-rhel8:v1.16.0";
const SHELL: &str = "registry.access.redhat.com/ubi8/ubi-minimal:8.10";
const PR_START: i64 = -14_400;

/// One step container of a TaskRun pod: (name, image, exit code, start, end, log).
struct TStep {
    name: &'static str,
    image: &'static str,
    exit: i32,
    start: i64,
    end: i64,
    log: Vec<String>,
}

/// A TaskRun of the PipelineRun, `start..end` (runbook 003's durations).
struct TTask {
    task: &'static str,
    start: i64,
    end: i64,
    steps: Vec<TStep>,
}

fn tr_name(task: &str) -> String {
    format!("{PR}-{task}")
}

fn tekton_tasks() -> Vec<TTask> {
    let download = PR_START + 2;
    let build = download + 6720 + 3; // download-model: 112m
    let push = build + 5880 + 3; // build-image: 98m
    vec![
        TTask {
            task: "download-model",
            start: download,
            end: download + 6720,
            steps: vec![TStep {
                name: "download",
                image: "registry.access.redhat.com/ubi9/python-311:latest",
                exit: 0,
                start: download + 9,
                end: download + 6718,
                log: download_log(),
            }],
        },
        TTask {
            task: "build-image",
            start: build,
            end: build + 5880,
            steps: vec![
                TStep {
                    name: "prepare-containerfile",
                    image: SHELL,
                    exit: 0,
                    start: build + 8,
                    end: build + 9,
                    log: strs(&[
                        "📝 Writing Containerfile for ModelCar image",
                        "FROM registry.access.redhat.com/ubi9/ubi-micro:9.4",
                        "COPY --chown=1001:0 models/ /models/",
                        "USER 1001",
                    ]),
                },
                TStep {
                    name: "build",
                    image: "quay.io/buildah/stable:v1.37",
                    exit: 0,
                    start: build + 10,
                    end: build + 5878,
                    log: build_log(),
                },
            ],
        },
        // push-to-internal only inspects the image the build was supposed to push (3m18s, most of
        // it pulling the skopeo image).
        TTask {
            task: "push-to-internal",
            start: push,
            end: push + 198,
            steps: vec![TStep {
                name: "push-image",
                image: "quay.io/skopeo/stable:v1.16",
                exit: 1,
                start: push + 184,
                end: push + 197,
                log: vec![
                    "════════════════════════════════════════════════════════════════".into(),
                    "📋 Verifying ModelCar image in OpenShift internal registry".into(),
                    "════════════════════════════════════════════════════════════════".into(),
                    format!("Image: {MODELCAR}"),
                    "🔍 Inspecting image...".into(),
                    format!(
                        "time=\"2025-10-27T10:38:05Z\" level=fatal msg=\"Error parsing image name \\\"docker://{MODELCAR}\\\": reading manifest fp-2501 in image-registry.openshift-image-registry.svc:5000/private-ai-demo/mistral-24b-full: manifest unknown\""
                    ),
                ],
            }],
        },
        TTask {
            task: "push-to-quay",
            start: push,
            end: push + 198,
            steps: vec![TStep {
                name: "copy-image",
                image: "quay.io/skopeo/stable:v1.16",
                exit: 1,
                start: push + 183,
                end: push + 197,
                log: vec![
                    "📤 Copying ModelCar image to Quay".into(),
                    format!("Source:      docker://{MODELCAR}"),
                    "Destination: docker://quay.io/private-ai-demo/mistral-24b-full:fp-2501".into(),
                    format!(
                        "time=\"2025-10-27T10:38:06Z\" level=fatal msg=\"initializing source docker://{MODELCAR}: reading manifest fp-2501 in image-registry.openshift-image-registry.svc:5000/private-ai-demo/mistral-24b-full: manifest unknown\""
                    ),
                ],
            }],
        },
    ]
}

fn download_log() -> Vec<String> {
    let mut lines = strs(&[
        "📥 Downloading mistralai/Mistral-Small-24B-Instruct-2501 (full precision)",
        "Target: /workspace/source/models",
    ]);
    lines.extend(
        (1..=10)
            .map(|i| format!("Downloading model-{i:05}-of-00010.safetensors (4.7 GB) ... done")),
    );
    lines.extend(strs(&[
        "Fetching 24 files: 100%|██████████| 24/24 [1:51:41<00:00, 279.21s/it]",
        "✅ Download complete: 47.2 GB in /workspace/source/models",
    ]));
    lines
}

/// Runbook 003, "What the Build Task Does": `buildah bud`, and no push.
fn build_log() -> Vec<String> {
    vec![
        "🔨 Building ModelCar image with buildah (storage: /workspace/source/.buildah-storage)"
            .into(),
        "STEP 1/3: FROM registry.access.redhat.com/ubi9/ubi-micro:9.4".into(),
        "Trying to pull registry.access.redhat.com/ubi9/ubi-micro:9.4...".into(),
        "Getting image source signatures".into(),
        "Copying blob sha256:7a1f3c2e9d84b6f0a5c3e2d1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1"
            .into(),
        "Copying config sha256:2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a0c1e3b5d7f9a1c3e5b7d9f0a"
            .into(),
        "Writing manifest to image destination".into(),
        "STEP 2/3: COPY --chown=1001:0 models/ /models/".into(),
        "STEP 3/3: USER 1001".into(),
        format!("COMMIT {MODELCAR}"),
        "Getting image source signatures".into(),
        "Copying blob sha256:5e3d1c9b7a5f3e1d9c7b5a3f1e9d7c5b3a1f9e7d5c3b1a9f7e5d3c1b9a7f5e3d"
            .into(),
        "Copying blob sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"
            .into(),
        "Copying config sha256:3f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a"
            .into(),
        "Writing manifest to image destination".into(),
        "--> 3f1c2a9e8d7b".into(),
        format!("Successfully tagged {MODELCAR}"),
        "3f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a".into(),
        "✅ Build complete: image stored in local buildah storage".into(),
    ]
}

fn tekton(base: Timestamp, s: &mut Scenario) {
    let tasks = tekton_tasks();
    let done = tasks.iter().map(|t| t.end).max().unwrap_or(0) + 2;
    s.objects.push(pipeline_run(base, &tasks, done));
    for t in &tasks {
        tekton_task(base, s, t);
    }
    let pr = on(TEKTON, "PipelineRun", PR);
    s.objects.extend([
        ev(
            base,
            &pr,
            "Normal",
            "Started",
            "",
            "PipelineRun",
            (PR_START, PR_START, 1),
        ),
        ev(
            base,
            &pr,
            "Normal",
            "Running",
            "Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 5, Skipped: 0",
            "PipelineRun",
            (PR_START + 1, PR_START + 1, 1),
        ),
        ev(
            base,
            &pr,
            "Warning",
            "Failed",
            "Tasks Completed: 4 (Failed: 2, Cancelled 0), Skipped: 1",
            "PipelineRun",
            (done, done, 1),
        ),
    ]);
}

fn pipeline_run(base: Timestamp, tasks: &[TTask], done: i64) -> Value {
    let mut v = object(
        base,
        "tekton.dev/v1",
        "PipelineRun",
        TEKTON,
        PR,
        -PR_START + 1,
    );
    set_map(
        &mut v,
        "labels",
        &[
            ("tekton.dev/pipeline", PIPELINE),
            ("app.kubernetes.io/managed-by", "tekton-pipelines"),
        ],
    );
    v["spec"] = json!({
        "pipelineRef": {"name": PIPELINE},
        "params": [{"name": "MODEL_ID", "value": "mistralai/Mistral-Small-24B-Instruct-2501"},
                   {"name": "IMAGE", "value": MODELCAR}],
        "taskRunTemplate": {"serviceAccountName": "pipeline"},
        "timeouts": {"pipeline": "6h0m0s"},
        "workspaces": [{"name": "source", "persistentVolumeClaim": {"claimName": "mistral-24b-full-workspace"}}],
    });
    let mut spec_tasks: Vec<Value> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let run_after = match i {
                0 => vec![],
                1 => vec!["download-model"],
                _ => vec!["build-image"],
            };
            json!({"name": t.task, "taskRef": {"kind": "Task", "name": t.task}, "runAfter": run_after})
        })
        .collect();
    spec_tasks.push(
        json!({"name": "register-model", "taskRef": {"kind": "Task", "name": "register-model"},
                           "runAfter": ["push-to-internal", "push-to-quay"]}),
    );
    let children: Vec<Value> = tasks
        .iter()
        .map(|t| json!({"apiVersion": "tekton.dev/v1", "kind": "TaskRun", "name": tr_name(t.task), "pipelineTaskName": t.task}))
        .collect();
    v["status"] = json!({
        "startTime": at(base, PR_START), "completionTime": at(base, done),
        "conditions": [{"type": "Succeeded", "status": "False", "reason": "Failed",
                        "message": "Tasks Completed: 4 (Failed: 2, Cancelled 0), Skipped: 1",
                        "lastTransitionTime": at(base, done)}],
        "childReferences": children,
        // tektoncd/pipeline pkg/apis/pipeline/v1/pipelinerun_types.go `StoppingSkip`: once a task
        // failed the run is stopping, which `(*ResolvedPipelineTask).skip` checks before
        // `ParentTasksSkip` (pkg/reconciler/pipelinerun/resources/pipelinerunresolution.go).
        "skippedTasks": [{"name": "register-model", "reason": "PipelineRun was stopping"}],
        "pipelineSpec": {"tasks": spec_tasks, "workspaces": [{"name": "source"}],
                         "params": [{"name": "MODEL_ID", "type": "string"}, {"name": "IMAGE", "type": "string"}]},
        "provenance": {"featureFlags": {"enableAPIFields": "beta", "resultExtractionMethod": "termination-message"}},
    });
    v
}

fn tekton_labels(task: &str) -> Vec<(&'static str, String)> {
    vec![
        ("app.kubernetes.io/managed-by", "tekton-pipelines".into()),
        ("tekton.dev/memberOf", "tasks".into()),
        ("tekton.dev/pipeline", PIPELINE.into()),
        ("tekton.dev/pipelineRun", PR.into()),
        ("tekton.dev/pipelineRunUID", uid_for(TEKTON, PR)),
        ("tekton.dev/pipelineTask", task.into()),
        ("tekton.dev/task", task.into()),
    ]
}

/// A TaskRun, its pod `<taskrun>-pod` and the step logs.
fn tekton_task(base: Timestamp, s: &mut Scenario, t: &TTask) {
    let tr = tr_name(t.task);
    let failed = t.steps.iter().find(|st| st.exit != 0);
    s.objects.push(task_run(base, t));
    if let Some(st) = failed {
        s.objects.push(ev(
            base,
            &on(TEKTON, "TaskRun", &tr),
            "Warning",
            "Failed",
            &format!("\"step-{}\" exited with code {}", st.name, st.exit),
            "TaskRun",
            (t.end, t.end, 1),
        ));
    }
    task_pod(base, s, t);
}

/// The TaskRun object: `status.podName`, `steps[]` (container `step-<name>`), the condition.
fn task_run(base: Timestamp, t: &TTask) -> Value {
    let tr = tr_name(t.task);
    let pod_name = format!("{tr}-pod");
    let pod_uid = uid_for(TEKTON, &pod_name);
    let failed = t.steps.iter().find(|st| st.exit != 0);
    let labels = tekton_labels(t.task);
    let mut v = object(base, "tekton.dev/v1", "TaskRun", TEKTON, &tr, -t.start + 1);
    for (k, val) in &labels {
        v["metadata"]["labels"][*k] = json!(val);
    }
    set_owner(&mut v, "tekton.dev/v1", "PipelineRun", PR);
    v["spec"] = json!({"taskRef": {"kind": "Task", "name": t.task}, "serviceAccountName": "pipeline", "timeout": "6h0m0s"});
    let steps: Vec<Value> = t.steps.iter().map(|st| {
        let container = format!("step-{}", st.name);
        let reason = if st.exit == 0 { "Completed" } else { "Error" };
        json!({"name": st.name, "container": container, "imageID": image_id(st.image),
               "terminated": {"exitCode": st.exit, "reason": reason, "startedAt": at(base, st.start), "finishedAt": at(base, st.end),
                              "containerID": container_id(&pod_uid, &container, 0)},
               "terminationReason": reason})
    }).collect();
    let (status, reason, message) = match failed {
        Some(st) => (
            "False",
            "Failed",
            format!("\"step-{}\" exited with code {}", st.name, st.exit),
        ),
        None => (
            "True",
            "Succeeded",
            "All Steps have completed executing".to_string(),
        ),
    };
    v["status"] = json!({
        "podName": pod_name, "startTime": at(base, t.start), "completionTime": at(base, t.end),
        "conditions": [{"type": "Succeeded", "status": status, "reason": reason, "message": message,
                        "lastTransitionTime": at(base, t.end)}],
        "steps": steps,
        "taskSpec": {"steps": t.steps.iter().map(|st| json!({"name": st.name, "image": st.image, "script": "#!/bin/bash\nset -e\n..."})).collect::<Vec<_>>()},
    });
    v
}

/// The TaskRun's pod: init `prepare` + `place-scripts`, containers `step-*`, restartPolicy Never.
fn task_pod(base: Timestamp, s: &mut Scenario, t: &TTask) {
    let tr = tr_name(t.task);
    let pod_name = format!("{tr}-pod");
    let mut labels = tekton_labels(t.task);
    labels.push(("tekton.dev/taskRun", tr.clone()));
    labels.push(("tekton.dev/taskRunUID", uid_for(TEKTON, &tr)));
    let label_refs: Vec<(&str, &str)> = labels.iter().map(|(k, val)| (*k, val.as_str())).collect();
    let mut p = pod(base, TEKTON, &pod_name, -t.start)
        .labels(&label_refs)
        .annotations(&[("pipeline.tekton.dev/release", "v0.62.3"), ("tekton.dev/ready", "READY"), ("openshift.io/scc", "pipelines-scc")])
        .owner("tekton.dev/v1", "TaskRun", &tr)
        .restart_policy("Never")
        .service_account("pipeline")
        .init(c("prepare", ENTRYPOINT)
            .command(&["/ko-app/entrypoint", "init", "/ko-app/entrypoint", "/tekton/bin/entrypoint"])
            .mount("tekton-internal-bin", "/tekton/bin")
            .terminated(0, "Completed", t.start + 3, t.start + 4))
        .init(c("place-scripts", SHELL)
            .command(&["sh"])
            .args(&["-c", "scriptfile=\"/tekton/scripts/script-0-q2x7v\"\ntouch ${scriptfile} && chmod +x ${scriptfile}\n..."])
            .mount("tekton-internal-scripts", "/tekton/scripts")
            .terminated(0, "Completed", t.start + 5, t.start + 6))
        .volumes(json!([
            {"name": "tekton-internal-bin", "emptyDir": {}},
            {"name": "tekton-internal-scripts", "emptyDir": {}},
            {"name": "tekton-internal-downward", "downwardAPI": {"items": [{"path": "ready", "fieldRef": {"fieldPath": "metadata.annotations['tekton.dev/ready']"}}]}},
            {"name": "ws-source", "persistentVolumeClaim": {"claimName": "mistral-24b-full-workspace"}},
        ]));
    for (i, st) in t.steps.iter().enumerate() {
        let reason = if st.exit == 0 { "Completed" } else { "Error" };
        let wait = if i == 0 {
            "/tekton/downward/ready".to_string()
        } else {
            format!("/tekton/run/{}/out", i - 1)
        };
        let entry = format!("/tekton/scripts/script-{i}-q2x7v");
        let args = [
            "-wait_file",
            &wait,
            "-post_file",
            &format!("/tekton/run/{i}/out"),
            "-termination_path",
            "/tekton/termination",
            "-step_metadata_dir",
            &format!("/tekton/run/{i}/status"),
            "-entrypoint",
            &entry,
            "--",
        ];
        p = p.container(
            c(&format!("step-{}", st.name), st.image)
                .command(&["/tekton/bin/entrypoint"])
                .args(&args)
                .mount("tekton-internal-bin", "/tekton/bin")
                .mount("ws-source", "/workspace/source")
                .terminated(st.exit, reason, st.start, st.end),
        );
        let n = st.log.len().max(1) as i64;
        let lines = st
            .log
            .iter()
            .enumerate()
            .map(|(k, l)| (st.start + (st.end - st.start) * k as i64 / n, l.clone()))
            .collect();
        seed(
            s,
            (TEKTON, pod_name.as_str()),
            &format!("step-{}", st.name),
            false,
            lines,
        );
    }
    s.objects.push(finish(p.build(), "BestEffort"));
    s.objects
        .push(scheduled(base, TEKTON, &pod_name, t.start + 1));
}

// ---------------------------------------------------------------------------------------------
// mlops: the generic pod failures of runbooks 001/004
// ---------------------------------------------------------------------------------------------

const FEAST_POD: &str = "feature-server-7c9d8b6f5-x2k4p";
const FEAST_IMAGE: &str = "feastdev/feature-server:0.40.1";
const TRAINER_POD: &str = "model-trainer-5f6d7c8b9-q7wzr";
const TRAINER_IMAGE: &str = "ghcr.io/jtayl222/model-trainer:1.4.2";
const GPU_POD: &str = "gpu-inference-6b8c9d7f4-m3n5p";
const IRIS_API_POD: &str = "iris-api-5d4f6c7b8-k9j2h";
const UNSCHEDULABLE: &str = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";

fn mlops(base: Timestamp, s: &mut Scenario) {
    feature_server(base, s);
    model_trainer(base, s);
    gpu_inference(base, s);
    iris_api(base, s);
}

/// The Feast feature server's run: startup, then the registry database refuses connections.
fn feast_run() -> Vec<String> {
    let site = "/usr/local/lib/python3.11/site-packages";
    vec![
        "Loading feature repo from /feature_repo (registry: postgresql+psycopg2://feast:***@feast-registry-db:5432/feast)".to_string(),
        "Traceback (most recent call last):".into(),
        format!("  File \"{site}/sqlalchemy/engine/base.py\", line 146, in __init__"),
        "    self._dbapi_connection = engine.raw_connection()".into(),
        format!("  File \"{site}/sqlalchemy/engine/default.py\", line 620, in connect"),
        "    return self.loaded_dbapi.connect(*cargs, **cparams)".into(),
        format!("  File \"{site}/psycopg2/__init__.py\", line 122, in connect"),
        "    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)".into(),
        "psycopg2.OperationalError: connection to server at \"feast-registry-db\" (10.43.0.12), port 5432 failed: Connection refused".into(),
        "\tIs the server running on that host and accepting TCP/IP connections?".into(),
        String::new(),
        String::new(),
        "The above exception was the direct cause of the following exception:".into(),
        String::new(),
        "Traceback (most recent call last):".into(),
        "  File \"/usr/local/bin/feast\", line 8, in <module>".into(),
        "    sys.exit(cli())".into(),
        format!("  File \"{site}/feast/cli.py\", line 912, in serve_command"),
        "    store = create_feature_store(ctx)".into(),
        format!("  File \"{site}/feast/repo_operations.py\", line 404, in create_feature_store"),
        "    return FeatureStore(repo_path=str(repo_path), fs_yaml_file=fs_yaml_file)".into(),
        format!("  File \"{site}/feast/feature_store.py\", line 166, in __init__"),
        "    self._registry = SqlRegistry(registry_config, self.config.project, None)".into(),
        format!("  File \"{site}/feast/infra/registry/sql.py\", line 238, in __init__"),
        "    metadata.create_all(self.engine)".into(),
        format!("  File \"{site}/sqlalchemy/engine/base.py\", line 2442, in _handle_dbapi_exception"),
        "    raise sqlalchemy_exception.with_traceback(exc_info[2]) from e".into(),
        "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"feast-registry-db\" (10.43.0.12), port 5432 failed: Connection refused".into(),
        "\tIs the server running on that host and accepting TCP/IP connections?".into(),
        String::new(),
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)".into(),
    ]
}

/// (a) CrashLoopBackOff: the registry database's Service has no endpoints.
fn feature_server(base: Timestamp, s: &mut Scenario) {
    let age = 2400;
    let uid = uid_for(MLOPS, FEAST_POD);
    let feast = c("feast", FEAST_IMAGE)
        .command(&["feast", "serve", "-h", "0.0.0.0", "-p", "6566"])
        .env("FEAST_USAGE", "False")
        .port("http", 6566)
        .mount("feature-repo", "/feature_repo")
        .resources(
            json!({"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}}),
        )
        .restarts(5)
        .last(1, "Error", -76, -68)
        .waiting(
            "CrashLoopBackOff",
            &format!(
                "back-off 2m40s restarting failed container=feast pod={FEAST_POD}_{MLOPS}({uid})"
            ),
        );
    let p = pod(base, MLOPS, FEAST_POD, age)
        .labels(&[
            ("app", "feast"),
            ("component", "feature-server"),
            ("pod-template-hash", "7c9d8b6f5"),
        ])
        .owner("apps/v1", "ReplicaSet", "feature-server-7c9d8b6f5")
        .container(feast)
        .volumes(json!([{"name": "feature-repo", "configMap": {"name": "feast-feature-repo"}}]))
        .build();
    let p = finish(p, "Burstable");
    s.objects
        .extend(workload(base, &p, "feature-server", age, 0, None));
    s.objects.push(p);
    // The database it needs: a Service whose StatefulSet was scaled to zero (no endpoints, so
    // kube-proxy rejects the connection).
    let mut db = service(
        base,
        MLOPS,
        "feast-registry-db",
        &[("app", "feast-registry-db")],
        &[("postgres", 5432, 5432, None)],
        86_400 * 30,
    );
    db["spec"]["clusterIP"] = json!("10.43.0.12");
    db["spec"]["clusterIPs"] = json!(["10.43.0.12"]);
    s.objects.push(db);
    let mut sts = object(
        base,
        "apps/v1",
        "StatefulSet",
        MLOPS,
        "feast-registry-db",
        86_400 * 30,
    );
    sts["spec"] = json!({"replicas": 0, "serviceName": "feast-registry-db", "selector": {"matchLabels": {"app": "feast-registry-db"}},
                         "template": {"metadata": {"labels": {"app": "feast-registry-db"}},
                                      "spec": {"containers": [{"name": "postgres", "image": "postgres:16.4", "ports": [{"name": "postgres", "containerPort": 5432}]}]}}});
    sts["status"] = json!({"replicas": 0, "availableReplicas": 0, "currentReplicas": 0, "observedGeneration": 2});
    s.objects.push(sts);
    let pod_at = (MLOPS, FEAST_POD);
    let run = feast_run();
    let mut previous = vec![(-76, run[0].clone())];
    previous.extend(run[1..].iter().map(|l| (-69, l.clone())));
    seed(s, pod_at, "feast", true, previous);
    let (on_feast, backoff) = restart_events(
        base,
        s,
        (FEAST_POD, "feast", FEAST_IMAGE, &uid),
        age,
        (3 - age, -76, 6),
        (60 - age, -20, 23),
    );
    // Every 40 s: restart, fail on the registry, crash 8 s later, back off again.
    let mut restart = vec![every(10.0, 40.0, start(pod_at, "feast"))];
    for e in started_events(base, &on_feast, FEAST_IMAGE, (0, 0, 1)) {
        restart.push(every(10.0, 40.0, Action::Event(e)));
    }
    s.timeline.extend(restart);
    s.timeline.extend([
        every(11.0, 40.0, log(pod_at, "feast", run[..1].to_vec())),
        every(17.0, 40.0, log(pod_at, "feast", run[1..].to_vec())),
        every(18.0, 40.0, crash(pod_at, "feast", 1, "Error")),
        every(
            19.0,
            40.0,
            ev_now(base, &on_feast, "Warning", "BackOff", &backoff, "kubelet"),
        ),
    ]);
}

/// The kubelet's events for a restarting container in `mlops`: Scheduled, the pull/create/start
/// events `started` (first, last, count), and BackOff `backoff`. Returns the container reference
/// and the BackOff text, for the timeline to repeat them.
fn restart_events(
    base: Timestamp,
    s: &mut Scenario,
    (pod, container, image, uid): (&'static str, &str, &str, &str),
    age: i64,
    started: (i64, i64, i64),
    backoff_seen: (i64, i64, i64),
) -> (On<'static>, String) {
    let on = on_container(MLOPS, pod, container);
    s.objects.push(scheduled(base, MLOPS, pod, 1 - age));
    s.objects.extend(started_events(base, &on, image, started));
    let backoff =
        format!("Back-off restarting failed container {container} in pod {pod}_{MLOPS}({uid})");
    s.objects.push(ev(
        base,
        &on,
        "Warning",
        "BackOff",
        &backoff,
        "kubelet",
        backoff_seen,
    ));
    (on, backoff)
}

fn trainer_run() -> Vec<String> {
    strs(&[
        "INFO:trainer:Starting training job churn-xgb (run 2d61f0c4)",
        "INFO:trainer:Loading features from Feast offline store: customer_features (last 30 days)",
        "INFO:trainer:Loaded 612,480 rows x 86 columns (402.1 MiB in memory)",
        "INFO:trainer:Converting DataFrame to float64 matrix",
        "INFO:trainer:Building DMatrix (train=489,984 rows, valid=122,496 rows)",
        "[0]\ttrain-logloss:0.66731\tvalid-logloss:0.66802",
        "[10]\ttrain-logloss:0.51284\tvalid-logloss:0.51977",
        "[20]\ttrain-logloss:0.43117\tvalid-logloss:0.44309",
        "INFO:trainer:Computing SHAP values on the validation set",
    ])
}

/// (b) OOMKilled: 512Mi limit; it runs now (restart 3) and is killed again every 2 minutes.
fn model_trainer(base: Timestamp, s: &mut Scenario) {
    let age = 1800;
    let uid = uid_for(MLOPS, TRAINER_POD);
    let trainer = c("trainer", TRAINER_IMAGE)
        .command(&["python", "-m", "trainer.train"])
        .args(&["--config", "/config/churn-xgb.yaml"])
        .env("MLFLOW_TRACKING_URI", MLFLOW_URI)
        .resources(json!({"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}}))
        .restarts(3)
        .last(137, "OOMKilled", -170, -95)
        .running(-55);
    let p = pod(base, MLOPS, TRAINER_POD, age)
        .labels(&[("app", "model-trainer"), ("pod-template-hash", "5f6d7c8b9")])
        .owner("apps/v1", "ReplicaSet", "model-trainer-5f6d7c8b9")
        .container(trainer)
        .build();
    let p = finish(p, "Burstable");
    s.objects
        .extend(workload(base, &p, "model-trainer", age, 1, None));
    s.objects.push(p);
    let pod_at = (MLOPS, TRAINER_POD);
    let run = trainer_run();
    // The killed run got through the SHAP step's allocation; the kernel kills without a message.
    seed(s, pod_at, "trainer", true, spaced(-169, 8, run.clone()));
    seed(
        s,
        pod_at,
        "trainer",
        false,
        spaced(-54, 6, run[..7].to_vec()),
    );
    let (on_trainer, backoff) = restart_events(
        base,
        s,
        (TRAINER_POD, "trainer", TRAINER_IMAGE, &uid),
        age,
        (3 - age, -55, 4),
        (400 - age, -94, 5),
    );
    // Cycle of 120 s: SHAP step (t+2), OOM kill (t+20), back-off, restart (t+100), epochs.
    s.timeline.extend([
        every(2.0, 120.0, log(pod_at, "trainer", run[7..].to_vec())),
        every(20.0, 120.0, crash(pod_at, "trainer", 137, "OOMKilled")),
        every(
            21.0,
            120.0,
            ev_now(base, &on_trainer, "Warning", "BackOff", &backoff, "kubelet"),
        ),
        every(100.0, 120.0, start(pod_at, "trainer")),
        every(101.0, 120.0, log(pod_at, "trainer", run[..5].to_vec())),
        every(110.0, 120.0, log(pod_at, "trainer", run[5..7].to_vec())),
    ]);
    for e in started_events(base, &on_trainer, TRAINER_IMAGE, (0, 0, 1)) {
        s.timeline.push(every(100.0, 120.0, Action::Event(e)));
    }
}

/// (c) Pending: 16 CPUs requested on a 4-CPU node.
fn gpu_inference(base: Timestamp, s: &mut Scenario) {
    let age = 1800;
    let triton = c("triton", "nvcr.io/nvidia/tritonserver:24.08-py3")
        .command(&["tritonserver", "--model-repository=s3://models/triton"])
        .port("http", 8000)
        .port("grpc", 8001)
        .port("metrics", 8002)
        .resources(
            json!({"requests": {"cpu": "16", "memory": "8Gi"}, "limits": {"memory": "16Gi"}}),
        )
        .waiting("ContainerCreating", "");
    let p = pod(base, MLOPS, GPU_POD, age)
        .labels(&[("app", "gpu-inference"), ("pod-template-hash", "6b8c9d7f4")])
        .owner("apps/v1", "ReplicaSet", "gpu-inference-6b8c9d7f4")
        .container(triton)
        .unschedulable(UNSCHEDULABLE)
        .build();
    s.objects
        .extend(workload(base, &p, "gpu-inference", age, 0, None));
    s.objects.push(p);
    let on_pod = on(MLOPS, "Pod", GPU_POD);
    s.objects.push(ev(
        base,
        &on_pod,
        "Warning",
        "FailedScheduling",
        UNSCHEDULABLE,
        "default-scheduler",
        (1 - age, -60, 7),
    ));
    // The scheduler retries unschedulable pods every 5 minutes.
    s.timeline.push(every(
        240.0,
        300.0,
        ev_now(
            base,
            &on_pod,
            "Warning",
            "FailedScheduling",
            UNSCHEDULABLE,
            "default-scheduler",
        ),
    ));
}

/// (d) ContainerCreating: the ConfigMap `iris-src` does not exist in this namespace.
fn iris_api(base: Timestamp, s: &mut Scenario) {
    let age = 1080;
    let api = c("api", "python:3.9-slim")
        .command(&[
            "sh",
            "-c",
            "pip install -r /app/requirements.txt && uvicorn serve:app --host 0.0.0.0 --port 8080",
        ])
        .port("http", 8080)
        .mount("src", "/app")
        .waiting("ContainerCreating", "");
    let mut p = pod(base, MLOPS, IRIS_API_POD, age)
        .labels(&[("app", "iris-api"), ("pod-template-hash", "5d4f6c7b8")])
        .owner("apps/v1", "ReplicaSet", "iris-api-5d4f6c7b8")
        .container(api)
        .volumes(json!([{"name": "src", "configMap": {"name": "iris-src", "defaultMode": 420}}]))
        .build();
    // Volumes are set up before the sandbox: no sandbox, no pod IP.
    if let Some(st) = p["status"].as_object_mut() {
        st.remove("podIP");
        st.remove("podIPs");
    }
    p["status"]["conditions"][0]["status"] = json!("False");
    let p = finish(p, "BestEffort");
    s.objects
        .extend(workload(base, &p, "iris-api", age, 0, None));
    s.objects.push(p);
    s.objects.push(service(
        base,
        MLOPS,
        "iris-api",
        &[("app", "iris-api")],
        &[("http", 80, 8080, None)],
        age,
    ));
    let on_pod = on(MLOPS, "Pod", IRIS_API_POD);
    let msg = "MountVolume.SetUp failed for volume \"src\" : configmap \"iris-src\" not found";
    s.objects
        .push(scheduled(base, MLOPS, IRIS_API_POD, 1 - age));
    s.objects.push(ev(
        base,
        &on_pod,
        "Warning",
        "FailedMount",
        msg,
        "kubelet",
        (5 - age, -44, 9),
    ));
    // The kubelet retries the mount with back-off capped at 2m2s.
    s.timeline.push(every(
        78.0,
        122.0,
        ev_now(base, &on_pod, "Warning", "FailedMount", msg, "kubelet"),
    ));
}
