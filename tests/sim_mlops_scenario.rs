//! The built-in `mlops` scenario checked against the runbooks it replays: names, container
//! layouts, kubectl's STATUS column, the exact error texts, and where the timeline leads.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kdoc::core::pod_status::{pod_status, ready_text};
use kdoc::sim::SimConfig;
use kdoc::sim::scenario::{self, Action, Scenario, mlops};
use kdoc::sim::state::SimState;
use kube::Api;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// FNV-1a 32, computed here independently of the scenario's own helper.
fn fnv32a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(16_777_619);
    }
    h
}

fn build() -> Scenario {
    mlops::scenario(jiff::Timestamp::now())
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter().fold(v, |v, k| &v[*k]).as_str().unwrap_or("")
}

fn objects<'a>(s: &'a Scenario, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    s.objects.iter().filter(move |o| o["kind"] == kind)
}

fn find<'a>(s: &'a Scenario, kind: &str, ns: &str, name: &str) -> &'a Value {
    s.objects
        .iter()
        .find(|o| {
            o["kind"] == kind
                && str_at(o, &["metadata", "namespace"]) == ns
                && str_at(o, &["metadata", "name"]) == name
        })
        .unwrap_or_else(|| panic!("{kind} {ns}/{name} is in the scenario"))
}

fn typed(v: &Value) -> Pod {
    serde_json::from_value(v.clone()).expect("a scenario pod deserializes as a k8s Pod")
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .map(|l| l.iter().map(|c| str_at(c, &["name"])).collect())
        .unwrap_or_default()
}

/// Every log line the scenario seeds or writes later (current and previous runs).
fn log_lines<'a>(s: &'a Scenario, ns: &'a str, pod: &'a str, container: &'a str) -> Vec<&'a str> {
    let seeded = s
        .logs
        .iter()
        .filter(|l| l.ns == ns && l.pod == pod && l.container == container)
        .flat_map(|l| l.lines.iter().map(|(_, t)| t.as_str()));
    let later = s.timeline.iter().filter_map(|st| match &st.action {
        Action::Log {
            ns: n,
            pod: p,
            container: c,
            lines,
        } if n == ns && p == pod && c == container => Some(lines),
        _ => None,
    });
    seeded.chain(later.flatten().map(String::as_str)).collect()
}

fn event_messages<'a>(s: &'a Scenario, ns: &str, reason: &str) -> Vec<&'a Value> {
    objects(s, "Event")
        .filter(|e| str_at(e, &["metadata", "namespace"]) == ns && e["reason"] == reason)
        .collect()
}

#[test]
fn argo_pod_names_follow_the_v2_formula() {
    let s = build();
    let wf = find(&s, "Workflow", "argowf", "iris-demo");
    assert_eq!(
        str_at(
            wf,
            &[
                "metadata",
                "annotations",
                "workflows.argoproj.io/pod-name-format"
            ]
        ),
        "v2"
    );
    assert_eq!(str_at(wf, &["status", "phase"]), "Succeeded");
    assert_eq!(str_at(wf, &["status", "progress"]), "3/3");
    let runbook = [
        "iris-demo-train-1086554222",
        "iris-demo-kaniko-2925953904",
        "iris-demo-deploy-2552441111",
    ];
    let mut ids = vec![];
    for ((task, template), expected) in [
        ("train", "train"),
        ("build-image", "kaniko"),
        ("deploy", "deploy"),
    ]
    .into_iter()
    .zip(runbook)
    {
        let node_name = format!("iris-demo.{task}");
        let hash = fnv32a(&node_name);
        let pod_name = format!("iris-demo-{template}-{hash}");
        assert_eq!(pod_name, expected, "v2 pod name of {node_name}");
        assert_eq!(mlops::fnv32a(&node_name), hash);
        let node_id = format!("iris-demo-{hash}");
        let p = find(&s, "Pod", "argowf", &pod_name);
        assert_eq!(
            str_at(
                p,
                &["metadata", "annotations", "workflows.argoproj.io/node-id"]
            ),
            node_id
        );
        assert_eq!(
            str_at(
                p,
                &["metadata", "annotations", "workflows.argoproj.io/node-name"]
            ),
            node_name
        );
        assert_eq!(
            str_at(p, &["metadata", "labels", "workflows.argoproj.io/workflow"]),
            "iris-demo"
        );
        let node = &wf["status"]["nodes"][&node_id];
        assert_eq!(node["type"], "Pod");
        assert_eq!(node["name"], node_name.as_str());
        assert_eq!(node["displayName"], task);
        assert_eq!(node["templateName"], template);
        assert_eq!(node["boundaryID"], "iris-demo");
        ids.push(node_id);
    }
    let dag = &wf["status"]["nodes"]["iris-demo"];
    assert_eq!(dag["type"], "DAG");
    assert_eq!(dag["children"], serde_json::json!([ids[0]]));
    assert_eq!(dag["outboundNodes"], serde_json::json!([ids[2]]));
    assert_eq!(
        wf["status"]["nodes"][&ids[0]]["children"],
        serde_json::json!([ids[1]])
    );
    assert_eq!(
        wf["status"]["nodes"][&ids[1]]["children"],
        serde_json::json!([ids[2]])
    );
}

#[test]
fn kaniko_pod_has_argo_containers_and_no_push_log() {
    let s = build();
    let p = find(&s, "Pod", "argowf", "iris-demo-kaniko-2925953904");
    assert_eq!(names(&p["spec"]["initContainers"]), ["init"]);
    assert_eq!(names(&p["spec"]["containers"]), ["wait", "main"]);
    assert_eq!(
        str_at(
            p,
            &[
                "metadata",
                "annotations",
                "kubectl.kubernetes.io/default-container"
            ]
        ),
        "main"
    );
    assert_eq!(str_at(p, &["spec", "restartPolicy"]), "Never");
    let main = log_lines(&s, "argowf", "iris-demo-kaniko-2925953904", "main");
    assert!(
        main.iter()
            .any(|l| l.starts_with("INFO[0000] Retrieving image manifest python:3.9-slim"))
    );
    assert_eq!(
        main.last().copied(),
        Some("INFO[0077] Skipping push to container registry due to --no-push flag")
    );
    let deploy = log_lines(&s, "argowf", "iris-demo-deploy-2552441111", "main");
    assert!(deploy.contains(&"seldondeployment.machinelearning.seldon.io/iris created"));
    let train = log_lines(&s, "argowf", "iris-demo-train-1086554222", "main");
    assert!(
        train
            .iter()
            .any(|l| l.contains("http://mlflow.mlflow.svc.cluster.local:5000"))
    );
    assert!(!log_lines(&s, "argowf", "iris-demo-train-1086554222", "wait").is_empty());
}

#[test]
fn seldon_services_expose_8000_and_5001_not_8080() {
    let s = build();
    let ports = |name: &str| -> Vec<i64> {
        find(&s, "Service", "argowf", name)["spec"]["ports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["port"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ports("iris-default"), [8000, 5001]);
    assert!(!ports("iris-default").contains(&8080));
    assert_eq!(ports("iris-default-classifier"), [9000, 9500]);
    let svc = find(&s, "Service", "argowf", "iris-default");
    assert_eq!(
        str_at(svc, &["spec", "selector", "seldon-app"]),
        "iris-default"
    );
    assert_eq!(str_at(svc, &["spec", "clusterIP"]), "10.43.247.226");
    let p = find(
        &s,
        "Pod",
        "argowf",
        "iris-default-0-classifier-85d56cc6b6-qsjpr",
    );
    assert_eq!(
        names(&p["spec"]["containers"]),
        ["classifier", "seldon-container-engine"]
    );
    assert_eq!(
        str_at(p, &["metadata", "labels", "seldon-app"]),
        "iris-default"
    );
    let sdep = find(&s, "SeldonDeployment", "argowf", "iris");
    assert_eq!(sdep["spec"]["predictors"][0]["graph"]["name"], "classifier");
    assert_eq!(
        sdep["spec"]["predictors"][0]["componentSpecs"][0]["spec"]["containers"][0]["image"],
        "ghcr.io/jtayl222/iris:latest"
    );
    let mlflow = find(&s, "Service", "mlflow", "mlflow");
    assert_eq!(str_at(mlflow, &["spec", "type"]), "NodePort");
    assert_eq!(mlflow["spec"]["ports"][0]["nodePort"], 30800);
}

#[test]
fn every_pod_prints_the_status_the_runbooks_show() {
    let s = build();
    let expected = [
        ("argowf", "iris-demo-train-1086554222", "Completed", "0/2"),
        ("argowf", "iris-demo-kaniko-2925953904", "Completed", "0/2"),
        ("argowf", "iris-demo-deploy-2552441111", "Completed", "0/2"),
        (
            "argowf",
            "iris-default-0-classifier-85d56cc6b6-qsjpr",
            "ImagePullBackOff",
            "0/2",
        ),
        ("mlflow", "mlflow-7d9c6b8f45-w2x8q", "Running", "1/1"),
        (
            "user-example-com",
            "iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r",
            "Init:CrashLoopBackOff",
            "0/3",
        ),
        (
            "private-ai-demo",
            "mistral-24b-full-8t9qf-download-model-pod",
            "Completed",
            "0/1",
        ),
        (
            "private-ai-demo",
            "mistral-24b-full-8t9qf-build-image-pod",
            "Completed",
            "0/2",
        ),
        (
            "private-ai-demo",
            "mistral-24b-full-8t9qf-push-to-internal-pod",
            "Error",
            "0/1",
        ),
        (
            "private-ai-demo",
            "mistral-24b-full-8t9qf-push-to-quay-pod",
            "Error",
            "0/1",
        ),
        (
            "mlops",
            "feature-server-7c9d8b6f5-x2k4p",
            "CrashLoopBackOff",
            "0/1",
        ),
        ("mlops", "model-trainer-5f6d7c8b9-q7wzr", "Running", "1/1"),
        ("mlops", "gpu-inference-6b8c9d7f4-m3n5p", "Pending", "0/1"),
        (
            "mlops",
            "iris-api-5d4f6c7b8-k9j2h",
            "ContainerCreating",
            "0/1",
        ),
    ];
    for (ns, name, status, ready) in expected {
        let p = typed(find(&s, "Pod", ns, name));
        assert_eq!(
            (pod_status(&p).as_str(), ready_text(&p).as_str()),
            (status, ready),
            "{ns}/{name}"
        );
    }
    assert_eq!(
        objects(&s, "Pod").count(),
        expected.len(),
        "every pod is checked"
    );
    // kubelet phases behind those columns.
    let phase =
        |ns: &str, name: &str| str_at(find(&s, "Pod", ns, name), &["status", "phase"]).to_string();
    assert_eq!(
        phase("argowf", "iris-default-0-classifier-85d56cc6b6-qsjpr"),
        "Pending"
    );
    assert_eq!(phase("argowf", "iris-demo-kaniko-2925953904"), "Succeeded");
    assert_eq!(
        phase(
            "private-ai-demo",
            "mistral-24b-full-8t9qf-push-to-internal-pod"
        ),
        "Failed"
    );
    let trainer = find(&s, "Pod", "mlops", "model-trainer-5f6d7c8b9-q7wzr");
    let cs = &trainer["status"]["containerStatuses"][0];
    assert_eq!(
        (
            cs["lastState"]["terminated"]["reason"].as_str(),
            cs["lastState"]["terminated"]["exitCode"].as_i64()
        ),
        (Some("OOMKilled"), Some(137))
    );
    assert_eq!(
        trainer["spec"]["containers"][0]["resources"]["limits"]["memory"],
        "512Mi"
    );
    let feast = &find(&s, "Pod", "mlops", "feature-server-7c9d8b6f5-x2k4p")["status"]["containerStatuses"]
        [0];
    assert_eq!(feast["restartCount"], 5);
    assert_eq!(feast["lastState"]["terminated"]["reason"], "Error");
}

#[test]
fn runbook_error_texts_appear_verbatim() {
    let s = build();
    let kserve_pod = "iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r";
    // Runbook 000: the GHCR pull failure.
    let pulls = event_messages(&s, "argowf", "Failed");
    assert!(pulls.iter().any(|e| {
        let m = str_at(e, &["message"]);
        m.starts_with("Failed to pull image \"ghcr.io/jtayl222/iris:latest\"")
            && m.contains("failed to authorize: failed to fetch anonymous token")
            && m.ends_with("403 Forbidden")
    }));
    assert!(pulls.iter().any(|e| e["message"] == "Error: ErrImagePull"));
    assert!(
        pulls
            .iter()
            .any(|e| e["message"] == "Error: ImagePullBackOff")
    );
    let backoff = event_messages(&s, "argowf", "BackOff");
    assert!(
        backoff
            .iter()
            .any(|e| e["message"] == "Back-off pulling image \"ghcr.io/jtayl222/iris:latest\"")
    );
    // Runbook 002.
    let internal = event_messages(&s, "user-example-com", "InternalError");
    assert_eq!(internal.len(), 1);
    assert_eq!(
        internal[0]["message"],
        "no runtime found to support predictor with model type: {sklearn <nil>}"
    );
    assert_eq!(internal[0]["count"], 12);
    assert_eq!(internal[0]["source"]["component"], "v1beta1Controllers");
    assert_eq!(internal[0]["involvedObject"]["kind"], "InferenceService");
    let init = log_lines(&s, "user-example-com", kserve_pod, "storage-initializer");
    assert!(init.contains(&"botocore.exceptions.NoCredentialsError: Unable to locate credentials"));
    let previous = s
        .logs
        .iter()
        .find(|l| l.pod == kserve_pod && l.container == "storage-initializer" && l.previous)
        .unwrap();
    assert!(
        previous
            .lines
            .last()
            .unwrap()
            .1
            .ends_with("NoCredentialsError: Unable to locate credentials")
    );
    let istio = log_lines(&s, "user-example-com", kserve_pod, "istio-proxy");
    assert!(istio.contains(&"2025-11-29T18:44:24 error cache resource:default failed to sign: create certificate: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp: lookup istiod.istio-system.svc: i/o timeout\""));
    let model = log_lines(&s, "user-example-com", kserve_pod, "kserve-container");
    let uvicorn = model
        .iter()
        .position(|l| l.starts_with("INFO:     Uvicorn running on http://0.0.0.0:8080"))
        .unwrap();
    let dummy = model
        .iter()
        .position(|l| {
            *l == "WARNING:serve:Model file not found at /mnt/models/model.pkl, using dummy model"
        })
        .unwrap();
    assert!(uvicorn < dummy);
    // Runbook 003.
    let push = log_lines(
        &s,
        "private-ai-demo",
        "mistral-24b-full-8t9qf-push-to-internal-pod",
        "step-push-image",
    );
    assert!(push.contains(&"🔍 Inspecting image..."));
    assert!(push.contains(&"time=\"2025-10-27T10:38:05Z\" level=fatal msg=\"Error parsing image name \\\"docker://image-registry.openshift-image-registry.svc:5000/private-ai-demo/mistral-24b-full:fp-2501\\\": reading manifest fp-2501 in image-registry.openshift-image-registry.svc:5000/private-ai-demo/mistral-24b-full: manifest unknown\""));
    let quay = log_lines(
        &s,
        "private-ai-demo",
        "mistral-24b-full-8t9qf-push-to-quay-pod",
        "step-copy-image",
    );
    assert!(quay.iter().any(|l| l.ends_with("manifest unknown\"")));
    let build_log = log_lines(
        &s,
        "private-ai-demo",
        "mistral-24b-full-8t9qf-build-image-pod",
        "step-build",
    );
    assert!(build_log.iter().any(|l| l.starts_with("STEP 1/3: FROM")));
    assert!(
        !build_log
            .iter()
            .any(|l| l.to_lowercase().contains("pushing"))
    );
    // Runbooks 001/004.
    let mount = event_messages(&s, "mlops", "FailedMount");
    assert_eq!(
        mount[0]["message"],
        "MountVolume.SetUp failed for volume \"src\" : configmap \"iris-src\" not found"
    );
    let sched = event_messages(&s, "mlops", "FailedScheduling");
    assert!(str_at(sched[0], &["message"]).contains("Insufficient cpu"));
    assert_eq!(sched[0]["source"]["component"], "default-scheduler");
    let feast = s
        .logs
        .iter()
        .find(|l| l.pod == "feature-server-7c9d8b6f5-x2k4p" && l.previous)
        .unwrap();
    assert!(feast.lines.iter().any(|(_, l)| l.starts_with("psycopg2.OperationalError: connection to server at \"feast-registry-db\" (10.43.0.12), port 5432 failed: Connection refused")));
    let backoffs = event_messages(&s, "mlops", "BackOff");
    assert!(backoffs.iter().any(|e| str_at(e, &["message"]).starts_with(
        "Back-off restarting failed container feast in pod feature-server-7c9d8b6f5-x2k4p_mlops("
    )));
}

#[test]
fn tekton_objects_have_tekton_shape() {
    let s = build();
    let pr = find(
        &s,
        "PipelineRun",
        "private-ai-demo",
        "mistral-24b-full-8t9qf",
    );
    let cond = &pr["status"]["conditions"][0];
    assert_eq!(
        (
            cond["type"].as_str(),
            cond["status"].as_str(),
            cond["reason"].as_str()
        ),
        (Some("Succeeded"), Some("False"), Some("Failed"))
    );
    assert_eq!(
        cond["message"],
        "Tasks Completed: 4 (Failed: 2, Cancelled 0), Skipped: 1"
    );
    assert_eq!(pr["status"]["skippedTasks"][0]["name"], "register-model");
    assert_eq!(
        pr["status"]["skippedTasks"][0]["reason"],
        "PipelineRun was stopping"
    );
    let children: Vec<&str> = names(&pr["status"]["childReferences"]);
    let tasks = [
        "download-model",
        "build-image",
        "push-to-internal",
        "push-to-quay",
    ];
    for (child, task) in children.iter().zip(tasks) {
        let tr_name = format!("mistral-24b-full-8t9qf-{task}");
        assert_eq!(*child, tr_name);
        let tr = find(&s, "TaskRun", "private-ai-demo", &tr_name);
        let pod_name = format!("{tr_name}-pod");
        assert_eq!(str_at(tr, &["status", "podName"]), pod_name);
        let p = find(&s, "Pod", "private-ai-demo", &pod_name);
        assert_eq!(
            names(&p["spec"]["initContainers"]),
            ["prepare", "place-scripts"]
        );
        assert_eq!(
            str_at(p, &["metadata", "labels", "tekton.dev/taskRun"]),
            tr_name
        );
        assert_eq!(
            str_at(p, &["metadata", "labels", "tekton.dev/pipelineTask"]),
            task
        );
        for step in tr["status"]["steps"].as_array().unwrap() {
            let container = str_at(step, &["container"]);
            assert_eq!(container, format!("step-{}", str_at(step, &["name"])));
            assert!(names(&p["spec"]["containers"]).contains(&container));
        }
    }
    assert_eq!(children.len(), 4);
    let internal = find(
        &s,
        "TaskRun",
        "private-ai-demo",
        "mistral-24b-full-8t9qf-push-to-internal",
    );
    assert_eq!(
        internal["status"]["conditions"][0]["message"],
        "\"step-push-image\" exited with code 1"
    );
    // Runbook durations: download 112m, build 98m, pushes 3m18s.
    let minutes = |task: &str| {
        let tr = find(
            &s,
            "TaskRun",
            "private-ai-demo",
            &format!("mistral-24b-full-8t9qf-{task}"),
        );
        let t = |k: &str| {
            str_at(tr, &["status", k])
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_second()
        };
        t("completionTime") - t("startTime")
    };
    assert_eq!(
        [
            minutes("download-model"),
            minutes("build-image"),
            minutes("push-to-quay")
        ],
        [112 * 60, 98 * 60, 198]
    );
}

#[test]
fn objects_load_and_event_names_are_unique() {
    let s = build();
    let state = SimState::new(Duration::from_secs(5));
    for o in &s.objects {
        state
            .store
            .upsert(o.clone())
            .expect("every scenario object is accepted");
    }
    let mut seen = HashSet::new();
    for e in objects(&s, "Event") {
        let key = (
            str_at(e, &["metadata", "namespace"]),
            str_at(e, &["metadata", "name"]),
        );
        assert!(seen.insert(key), "duplicate event name {key:?}");
    }
    let namespaces: HashSet<&str> = objects(&s, "Namespace")
        .map(|n| str_at(n, &["metadata", "name"]))
        .collect();
    for ns in [
        "default",
        "argowf",
        "mlflow",
        "user-example-com",
        "private-ai-demo",
        "mlops",
    ] {
        assert!(namespaces.contains(ns), "namespace {ns}");
    }
    assert_eq!(objects(&s, "Node").count(), 1);
}

#[test]
fn the_timeline_fixes_seldon_and_kserve() {
    let s = build();
    let state = SimState::new(Duration::from_secs(5));
    for o in &s.objects {
        state.store.upsert(o.clone()).unwrap();
    }
    let mut steps: Vec<_> = s.timeline.iter().collect();
    steps.sort_by(|a, b| a.at.total_cmp(&b.at));
    for step in steps {
        scenario::apply(&state, &step.action, jiff::Timestamp::now());
    }
    let pods = state.store.find_kind("v1", "Pod").unwrap();
    let get = |ns: &str, name: &str| typed(&state.store.get(pods, ns, name).unwrap().value);
    let seldon = get("argowf", "iris-default-0-classifier-85d56cc6b6-qsjpr");
    assert_eq!(
        (pod_status(&seldon).as_str(), ready_text(&seldon).as_str()),
        ("Running", "2/2")
    );
    let kserve = get(
        "user-example-com",
        "iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r",
    );
    assert_eq!(
        (pod_status(&kserve).as_str(), ready_text(&kserve).as_str()),
        ("Running", "3/3")
    );
    let feast = get("mlops", "feature-server-7c9d8b6f5-x2k4p");
    assert_eq!(pod_status(&feast), "CrashLoopBackOff");
    assert_eq!(
        feast
            .status
            .as_ref()
            .unwrap()
            .container_statuses
            .as_ref()
            .unwrap()[0]
            .restart_count,
        6
    );
    let trainer = get("mlops", "model-trainer-5f6d7c8b9-q7wzr");
    assert_eq!(pod_status(&trainer), "Running");
    let cs = &trainer
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap()[0];
    assert_eq!(cs.restart_count, 4);
    let last = cs.last_state.as_ref().unwrap().terminated.as_ref().unwrap();
    assert_eq!(
        (last.reason.as_deref(), last.exit_code),
        (Some("OOMKilled"), 137)
    );
    // The other objects follow.
    let get_obj = |api: &str, kind: &str, ns: &str, name: &str| {
        let idx = state.store.find_kind(api, kind).unwrap();
        state.store.get(idx, ns, name).unwrap().value
    };
    assert_eq!(
        get_obj(
            "machinelearning.seldon.io/v1",
            "SeldonDeployment",
            "argowf",
            "iris"
        )["status"]["state"],
        "Available"
    );
    let isvc = get_obj(
        "serving.kserve.io/v1beta1",
        "InferenceService",
        "user-example-com",
        "iris-model",
    );
    let ready = isvc["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap()
        .clone();
    assert_eq!(ready["status"], "True");
    assert!(
        isvc["status"]["modelStatus"]
            .get("lastFailureInfo")
            .is_none()
    );
    let deploy = get_obj(
        "apps/v1",
        "Deployment",
        "argowf",
        "iris-default-0-classifier",
    );
    assert_eq!(deploy["status"]["readyReplicas"], 1);
    assert!(deploy["status"].get("unavailableReplicas").is_none());
    assert!(
        state.logs.len(
            "argowf",
            "iris-default-0-classifier-85d56cc6b6-qsjpr",
            "classifier"
        ) > 0
    );
    // The fix's pull bumped the seeded Pulling event instead of adding a second one.
    let events = state.store.find_kind("v1", "Event").unwrap();
    let pulling: Vec<_> = s
        .objects
        .iter()
        .filter(|o| {
            o["kind"] == "Event"
                && o["reason"] == "Pulling"
                && str_at(o, &["metadata", "namespace"]) == "argowf"
        })
        .map(|o| {
            state
                .store
                .get(events, "argowf", str_at(o, &["metadata", "name"]))
                .unwrap()
                .value
        })
        .collect();
    assert_eq!(pulling.len(), 1);
    assert_eq!(pulling[0]["count"], 16);
}

/// One HTTP/1.1 request through a port-forward stream; returns the raw response.
async fn through(pods: &Api<Pod>, pod: &str, port: u16, request: String) -> String {
    let mut pf = pods
        .portforward(pod, &[port])
        .await
        .expect("port-forward upgrades");
    let mut stream = pf.take_stream(port).expect("a stream for the port");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_forwards_reach_the_seldon_executor_once_it_runs_and_mlflow() {
    // Scenario time runs 20x: the GHCR fix (t+45s) lands after about 2.3 s.
    let cfg = SimConfig {
        scenario: build(),
        speed: 20.0,
        bookmark_interval: Duration::from_millis(200),
        ..SimConfig::default()
    };
    let sim = common::start_with(cfg).await;
    let client = common::client(&sim);
    let seldon = "iris-default-0-classifier-85d56cc6b6-qsjpr";
    let argowf: Api<Pod> = Api::namespaced(client.clone(), "argowf");
    match argowf.portforward(seldon, &[8000]).await {
        Err(kube::Error::Api(s)) => assert!(s.message.contains("is not running"), "{}", s.message),
        other => panic!(
            "the Pending pod refuses a port-forward, got {:?}",
            other.map(|_| ())
        ),
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let p = argowf.get(seldon).await.unwrap();
        if pod_status(&p) == "Running" && ready_text(&p) == "2/2" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the Seldon pod reaches 2/2 Running"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = r#"{"data": {"ndarray": [[5.1, 3.5, 1.4, 0.2]]}}"#;
    let request = format!(
        "POST /api/v1.0/predictions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = through(&argowf, seldon, 8000, request).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.ends_with(
            r#"{"data":{"names":["t:0","t:1","t:2"],"ndarray":[[0.0,0.0,1.0]]},"meta":{}}"#
        ),
        "{response}"
    );
    let mlflow: Api<Pod> = Api::namespaced(client, "mlflow");
    let get =
        |path: &str| format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let health = through(&mlflow, "mlflow-7d9c6b8f45-w2x8q", 5000, get("/health")).await;
    assert!(
        health.starts_with("HTTP/1.1 200") && health.ends_with("OK"),
        "{health}"
    );
    let experiment = through(
        &mlflow,
        "mlflow-7d9c6b8f45-w2x8q",
        5000,
        get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=iris-classification"),
    )
    .await;
    assert!(
        experiment.contains(r#""name":"iris-classification""#),
        "{experiment}"
    );
}
