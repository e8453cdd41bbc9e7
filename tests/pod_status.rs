//! kubectl-compatible pod columns (kdoc::core::pod_status / kdoc::core::age).
//!
//! Every expectation below was worked out by hand from the fixture object and the Go
//! `printPod` / `HumanDuration` logic of kubectl 1.32; none is computed by the code under test.

use std::collections::BTreeSet;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kdoc::core::age::{age_since, age_since_opt, human_duration};
use kdoc::core::pod_status::{Health, health, pod_status, ready_text, restarts, restarts_text};
use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/real/");

/// Loads every pod in a fixture file (JSON or YAML; a single object or a List with `items`).
fn load_pods(file: &str) -> Vec<Pod> {
    let path = format!("{FIXTURES}{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let value: Value = if file.ends_with(".json") {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    } else {
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let objects = match value.get("items") {
        Some(Value::Array(items)) => items.clone(),
        _ => vec![value],
    };
    objects
        .into_iter()
        .map(|o| serde_json::from_value(o).unwrap_or_else(|e| panic!("{path}: {e}")))
        .collect()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// One row of `kubectl get pods` for a fixture pod:
/// (file, index in file, name, STATUS, READY, restart count, last restart, health).
type Expected = (
    &'static str,
    usize,
    &'static str,
    &'static str,
    &'static str,
    i32,
    Option<&'static str>,
    Health,
);

const CONTAINERCREATING: &str = "pod-containercreating-failedmount-podlist.json";
const CRASHLOOP: &str = "pod-crashloopbackoff-lastterminated-podlist.json";
const ERRIMAGEPULL: &str = "pod-errimagepull-podlist.json";
const INIT_RUNERR: &str = "pod-init-container-runcontainererror-podlist.json";
const NGINX: &str = "pod-nginx-running-k9s.json";
const OOM_JOB: &str = "pod-oomkilled-job-podlist.json";
const ARGO_MAIN_OOM: &str = "pod-argo-wf-main-oomkilled-wait-completed-partial.yaml";
const ARGO_WAIT_OOM: &str = "pod-argo-wf-wait-oomkilled-partial.yaml";
const BUNDLE: &str = "bundle-test-crash-pods-crashloopbackoff.json";
const POPEYE: &str = "pods-list-popeye-p1-containerport-9090-fixture.yaml";
const KDASH: &str = "pods-list-kdash-crashloop-unschedulable-outofcpu.yaml";

#[rustfmt::skip]
const EXPECTED: &[Expected] = &[
    // Pending; the only container waits in ContainerCreating.
    (CONTAINERCREATING, 0, "troubleshoot-copyfromhost-4m79m-psdjm", "ContainerCreating", "0/1", 0, None, Health::Pending),
    // Waiting CrashLoopBackOff; lastState terminated ContainerCannotRun at 03:33:15.
    (CRASHLOOP, 0, "init-demo", "CrashLoopBackOff", "0/1", 4, Some("2023-07-11T03:33:15Z"), Health::Failed),
    (ERRIMAGEPULL, 0, "no-image-deployment-849c4c4958-rxqmt", "ErrImagePull", "0/1", 0, None, Health::Failed),
    // Init container waiting RunContainerError; Initialized=False so only init restarts count.
    (INIT_RUNERR, 0, "init-demo2", "Init:RunContainerError", "0/1", 1, Some("2023-07-11T04:01:16Z"), Health::Failed),
    (NGINX, 0, "nginx", "Running", "1/1", 0, None, Health::Ok),
    // Phase Failed, container terminated OOMKilled.
    (OOM_JOB, 0, "oom-kill-job3-gbb89", "OOMKilled", "0/1", 0, None, Health::Failed),
    // Statuses are walked backwards: wait=Completed, then main=OOMKilled wins.
    (ARGO_MAIN_OOM, 0, "", "OOMKilled", "0/1", 0, None, Health::Failed),
    // Backwards: wait=OOMKilled, then main=Completed wins. No spec, so READY is 0/0.
    (ARGO_WAIT_OOM, 0, "", "Completed", "0/0", 0, None, Health::Completed),
    (BUNDLE, 0, "crash-loop-app-67586446fc-2w49s", "CrashLoopBackOff", "0/1", 22, Some("2025-08-10T02:08:10Z"), Health::Failed),
    (BUNDLE, 1, "crash-loop-app-67586446fc-6fgz5", "CrashLoopBackOff", "0/1", 22, Some("2025-08-10T02:08:11Z"), Health::Failed),
    // Hand-written fixture with no phase: kubectl prints an empty STATUS.
    (POPEYE, 0, "p1", "", "0/1", 0, None, Health::Pending),
    // Unschedulable: phase Pending, no container statuses.
    (KDASH, 0, "adservice-f787c8dcd-tb6x2", "Pending", "0/1", 0, None, Health::Pending),
    (KDASH, 1, "cartservice-67b89ffc69-s5qp8", "CrashLoopBackOff", "0/1", 896, Some("2021-04-30T16:21:27Z"), Health::Failed),
    (KDASH, 2, "currencyservice-68887d98fd-gc9cn", "Pending", "0/1", 0, None, Health::Pending),
    (KDASH, 3, "emailservice-5f8fc7dbb4-5lqdb", "Running", "1/1", 3, Some("2021-04-27T10:14:47Z"), Health::Ok),
    // status.reason wins over the phase.
    (KDASH, 4, "frontend-5c4745dfdb-6k8wf", "OutOfcpu", "0/1", 0, None, Health::Failed),
    (KDASH, 5, "frontend-5c4745dfdb-qz7fg", "Preempting", "0/1", 0, None, Health::Failed),
    // Same name as index 4, but no status.reason: the phase is printed.
    (KDASH, 6, "frontend-5c4745dfdb-6k8wf", "Failed", "0/1", 0, None, Health::Failed),
    (KDASH, 7, "loadgenerator-86f46dcb88-62vzw", "Pending", "0/1", 0, None, Health::Pending),
    (KDASH, 8, "paymentservice-6658569876-d6r72", "Running", "1/1", 0, None, Health::Ok),
    (KDASH, 9, "recommendationservice-78965f984b-z9x79", "Running", "1/1", 1, Some("2021-04-27T10:14:50Z"), Health::Ok),
    (KDASH, 10, "shippingservice-6998959488-tvhph", "Running", "1/1", 0, None, Health::Ok),
    // First init container terminated 0, second running (not restartable): Init:<index>/<count>.
    (KDASH, 11, "pod-init-container", "Init:1/2", "0/1", 0, None, Health::Pending),
    // Succeeded; both init containers exited 0, main container terminated Completed.
    (KDASH, 12, "pod-init-container-2", "Completed", "0/1", 0, None, Health::Completed),
];

/// Files whose names mark them as holding pods; the table must cover every one of them.
fn is_pod_file(name: &str) -> bool {
    name.starts_with("pod-")
        || name.starts_with("pods-")
        || name.starts_with("bundle-test-crash-pods-")
}

#[test]
fn every_fixture_pod_is_in_the_table() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| is_pod_file(n))
        .collect();
    let in_table: BTreeSet<String> = EXPECTED.iter().map(|e| e.0.to_string()).collect();
    assert_eq!(on_disk, in_table, "pod fixture files vs. test table");

    let mut total = 0;
    for file in &in_table {
        let pods = load_pods(file);
        let mut indexes: Vec<usize> = EXPECTED
            .iter()
            .filter(|e| e.0 == file)
            .map(|e| e.1)
            .collect();
        indexes.sort_unstable();
        assert_eq!(
            indexes,
            (0..pods.len()).collect::<Vec<_>>(),
            "{file}: rows vs. pods"
        );
        total += pods.len();
    }
    assert_eq!(total, 24);
}

#[test]
fn fixture_pods_match_kubectl() {
    for &(file, index, name, status, ready, count, last, class) in EXPECTED {
        let pods = load_pods(file);
        let pod = &pods[index];
        let at = format!("{file}[{index}] {name}");
        assert_eq!(
            pod.metadata.name.as_deref().unwrap_or(""),
            name,
            "{at}: name"
        );
        assert_eq!(pod_status(pod), status, "{at}: STATUS");
        assert_eq!(ready_text(pod), ready, "{at}: READY");
        assert_eq!(restarts(pod), (count, last.map(ts)), "{at}: restarts");
        assert_eq!(health(status, pod), class, "{at}: health");
    }
}

#[test]
fn fixture_restarts_text() {
    let bundle = load_pods(BUNDLE);
    // Last restarts finished at 02:08:10 and 02:08:11.
    let now = ts("2025-08-10T02:12:10Z");
    assert_eq!(restarts_text(&bundle[0], now), "22 (4m ago)");
    assert_eq!(restarts_text(&bundle[1], now), "22 (3m59s ago)");

    let kdash = load_pods(KDASH);
    // 2021-04-30T16:21:27Z + 2h30m.
    assert_eq!(
        restarts_text(&kdash[1], ts("2021-04-30T18:51:27Z")),
        "896 (150m ago)"
    );
    // 2021-04-27T10:14:47Z + 3d5h.
    assert_eq!(
        restarts_text(&kdash[3], ts("2021-04-30T15:14:47Z")),
        "3 (3d5h ago)"
    );
    assert_eq!(restarts_text(&kdash[8], now), "0");

    // Restart time in the future beyond the 2s tolerance.
    assert_eq!(
        restarts_text(&bundle[0], ts("2025-08-10T02:08:00Z")),
        "22 (<invalid> ago)"
    );
}

fn pod(v: Value) -> Pod {
    serde_json::from_value(v).unwrap()
}

fn status_of(v: Value) -> String {
    pod_status(&pod(v))
}

fn running_ready(name: &str) -> Value {
    json!({"name": name, "image": "x", "imageID": "", "ready": true, "started": true,
           "restartCount": 0, "state": {"running": {"startedAt": "2025-01-01T00:00:00Z"}}})
}

#[test]
fn terminating_and_unknown() {
    let base = |phase: &str, reason: Option<&str>| {
        let mut v = json!({
            "metadata": {"name": "p", "deletionTimestamp": "2025-01-01T00:00:00Z"},
            "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": phase, "containerStatuses": [running_ready("c")]}
        });
        if let Some(r) = reason {
            v["status"]["reason"] = json!(r);
        }
        v
    };
    assert_eq!(status_of(base("Running", None)), "Terminating");
    assert_eq!(status_of(base("Running", Some("NodeLost"))), "Unknown");
    // Terminal phases are not overridden by deletion.
    assert_eq!(status_of(base("Succeeded", None)), "Succeeded");
    assert_eq!(status_of(base("Failed", None)), "Failed");
    assert_eq!(
        health("Terminating", &pod(base("Running", None))),
        Health::Warn
    );
    assert_eq!(health("Unknown", &pod(base("Running", None))), Health::Warn);
}

fn init_pod(init_names: &[&str], init_statuses: Value, initialized: &str) -> Value {
    let init: Vec<Value> = init_names.iter().map(|n| json!({"name": n})).collect();
    json!({
        "metadata": {"name": "p"},
        "spec": {"initContainers": init, "containers": [{"name": "main"}]},
        "status": {
            "phase": "Pending",
            "conditions": [{"type": "Initialized", "status": initialized}],
            "initContainerStatuses": init_statuses,
            "containerStatuses": [{"name": "main", "ready": false, "restartCount": 0,
                                   "state": {"waiting": {"reason": "PodInitializing"}}}]
        }
    })
}

#[test]
fn init_containers() {
    let crash = init_pod(
        &["init"],
        json!([{"name": "init", "ready": false, "restartCount": 3,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                             "finishedAt": "2025-01-01T00:00:00Z"}}}]),
        "False",
    );
    assert_eq!(status_of(crash.clone()), "Init:CrashLoopBackOff");
    assert_eq!(
        restarts_text(&pod(crash.clone()), ts("2025-01-01T00:01:30Z")),
        "3 (90s ago)"
    );
    assert_eq!(health("Init:CrashLoopBackOff", &pod(crash)), Health::Failed);

    let one_of_two = init_pod(
        &["a", "b"],
        json!([
            {"name": "a", "ready": true, "restartCount": 0,
             "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            {"name": "b", "ready": false, "restartCount": 0,
             "state": {"running": {}}}
        ]),
        "False",
    );
    assert_eq!(status_of(one_of_two.clone()), "Init:1/2");
    assert_eq!(health("Init:1/2", &pod(one_of_two)), Health::Pending);

    // PodInitializing on an init container is not a failure reason: falls to Init:N/M.
    let waiting = init_pod(
        &["a", "b"],
        json!([{"name": "a", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "PodInitializing"}}}]),
        "False",
    );
    assert_eq!(status_of(waiting), "Init:0/2");

    let terminated = |t: Value| {
        init_pod(
            &["a"],
            json!([{"name": "a", "ready": false, "restartCount": 0, "state": {"terminated": t}}]),
            "False",
        )
    };
    assert_eq!(
        status_of(terminated(json!({"exitCode": 1, "reason": "Error"}))),
        "Init:Error"
    );
    assert_eq!(
        status_of(terminated(json!({"exitCode": 3}))),
        "Init:ExitCode:3"
    );
    assert_eq!(
        status_of(terminated(json!({"exitCode": 137, "signal": 9}))),
        "Init:Signal:9"
    );
}

/// A pod with a native sidecar (`restartPolicy: Always` init container) and a main container.
fn sidecar_pod(sidecar_status: Value, initialized: &str, main_status: Value) -> Value {
    json!({
        "metadata": {"name": "p"},
        "spec": {
            "initContainers": [{"name": "proxy", "restartPolicy": "Always"}, {"name": "setup"}],
            "containers": [{"name": "main"}]
        },
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Initialized", "status": initialized},
                           {"type": "Ready", "status": "True"}],
            "initContainerStatuses": [
                sidecar_status,
                {"name": "setup", "ready": false, "restartCount": 0,
                 "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
            ],
            "containerStatuses": [main_status]
        }
    })
}

#[test]
fn native_sidecars() {
    let mut sidecar = running_ready("proxy");
    sidecar["restartCount"] = json!(2);
    sidecar["lastState"] =
        json!({"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T00:00:00Z"}});
    let mut main = running_ready("main");
    main["restartCount"] = json!(1);
    main["lastState"] =
        json!({"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T00:05:00Z"}});
    let p = pod(sidecar_pod(sidecar, "True", main.clone()));
    assert_eq!(pod_status(&p), "Running");
    assert_eq!(ready_text(&p), "2/2");
    assert_eq!(restarts(&p), (3, Some(ts("2025-01-01T00:05:00Z"))));
    assert_eq!(restarts_text(&p, ts("2025-01-01T01:05:00Z")), "3 (60m ago)");
    assert_eq!(health("Running", &p), Health::Ok);

    // Sidecar not started yet: it blocks initialization like any init container.
    let starting = json!({"name": "proxy", "ready": false, "started": false, "restartCount": 0,
                          "state": {"running": {}}});
    let p = pod(sidecar_pod(starting, "False", main.clone()));
    assert_eq!(pod_status(&p), "Init:0/2");
    assert_eq!(ready_text(&p), "0/2");

    // Sidecar crash-looping after initialization: the init reason sticks even though the
    // regular containers are then examined (Initialized=True), as in kubectl.
    let crashing = json!({"name": "proxy", "ready": false, "started": false, "restartCount": 5,
                          "state": {"waiting": {"reason": "CrashLoopBackOff"}}});
    let p = pod(sidecar_pod(crashing, "True", main));
    assert_eq!(pod_status(&p), "Init:CrashLoopBackOff");
    assert_eq!(ready_text(&p), "1/2");
    assert_eq!(restarts(&p), (6, Some(ts("2025-01-01T00:05:00Z"))));
}

#[test]
fn scheduling_gated() {
    let v = json!({
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c"}], "schedulingGates": [{"name": "g"}]},
        "status": {"phase": "Pending",
                   "conditions": [{"type": "PodScheduled", "status": "False",
                                   "reason": "SchedulingGated"}]}
    });
    assert_eq!(status_of(v.clone()), "SchedulingGated");
    assert_eq!(health("SchedulingGated", &pod(v)), Health::Pending);
}

#[test]
fn evicted() {
    let v = json!({
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c"}]},
        "status": {"phase": "Failed", "reason": "Evicted",
                   "message": "The node was low on resource: memory."}
    });
    assert_eq!(status_of(v.clone()), "Evicted");
    assert_eq!(health("Evicted", &pod(v.clone())), Health::Failed);

    // A terminated container reason overrides status.reason, as in kubectl.
    let mut v = v;
    v["status"]["containerStatuses"] = json!([{"name": "c", "ready": false, "restartCount": 0,
        "state": {"terminated": {"exitCode": 137, "reason": "ContainerStatusUnknown"}}}]);
    assert_eq!(status_of(v), "ContainerStatusUnknown");
}

fn one_container(phase: &str, state: Value, conditions: Value) -> Value {
    json!({
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c"}]},
        "status": {"phase": phase, "conditions": conditions,
                   "containerStatuses": [{"name": "c", "ready": false, "restartCount": 2,
                                          "state": state}]}
    })
}

#[test]
fn regular_container_terminations() {
    let oom = one_container(
        "Running",
        json!({"terminated": {"exitCode": 137, "reason": "OOMKilled"}}),
        json!([]),
    );
    assert_eq!(status_of(oom.clone()), "OOMKilled");
    assert_eq!(health("OOMKilled", &pod(oom.clone())), Health::Failed);
    // Restarts without any lastState: no "(… ago)" part.
    assert_eq!(restarts_text(&pod(oom), ts("2025-01-01T00:00:00Z")), "2");

    let done = one_container(
        "Succeeded",
        json!({"terminated": {"exitCode": 0, "reason": "Completed"}}),
        json!([]),
    );
    assert_eq!(status_of(done.clone()), "Completed");
    assert_eq!(health("Completed", &pod(done)), Health::Completed);

    let exit = one_container("Running", json!({"terminated": {"exitCode": 2}}), json!([]));
    assert_eq!(status_of(exit), "ExitCode:2");
    let sig = one_container(
        "Running",
        json!({"terminated": {"exitCode": 143, "signal": 15}}),
        json!([]),
    );
    assert_eq!(status_of(sig), "Signal:15");
    // A waiting state without a reason changes nothing.
    let waiting = one_container("Pending", json!({"waiting": {}}), json!([]));
    assert_eq!(status_of(waiting), "Pending");
}

#[test]
fn completed_with_a_running_container() {
    let v = |ready_condition: &str| {
        json!({
            "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "job"}, {"name": "sidecar"}]},
            "status": {
                "phase": "Running",
                "conditions": [{"type": "Ready", "status": ready_condition}],
                "containerStatuses": [
                    {"name": "job", "ready": false, "restartCount": 0,
                     "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                    running_ready("sidecar")
                ]
            }
        })
    };
    assert_eq!(status_of(v("True")), "Running");
    assert_eq!(status_of(v("False")), "NotReady");
    let p = pod(v("True"));
    assert_eq!(ready_text(&p), "1/2");
    // Running, but not every container is ready.
    assert_eq!(health("Running", &p), Health::Warn);
    assert_eq!(health("NotReady", &p), Health::Warn);
}

#[test]
fn empty_and_sparse_pods_do_not_panic() {
    let empty = Pod::default();
    assert_eq!(pod_status(&empty), "");
    assert_eq!(ready_text(&empty), "0/0");
    assert_eq!(restarts(&empty), (0, None));
    assert_eq!(restarts_text(&empty, Timestamp::UNIX_EPOCH), "0");
    assert_eq!(health("", &empty), Health::Pending);

    // Statuses without state, status names absent from the spec, no conditions.
    let sparse = pod(json!({
        "status": {"phase": "Running",
                   "initContainerStatuses": [{"name": "ghost"}],
                   "containerStatuses": [{"name": "c"}, {"name": "d", "state": {}}]}
    }));
    assert_eq!(pod_status(&sparse), "Init:0/0");
    assert_eq!(ready_text(&sparse), "0/0");
}

#[test]
fn human_duration_boundaries() {
    let s = |secs: u64| human_duration(Duration::from_secs(secs));
    const M: u64 = 60;
    const H: u64 = 60 * M;
    const D: u64 = 24 * H;
    const Y: u64 = 365 * D;
    assert_eq!(human_duration(Duration::ZERO), "0s");
    assert_eq!(human_duration(Duration::from_millis(1999)), "1s");
    assert_eq!(s(59), "59s");
    assert_eq!(s(119), "119s");
    assert_eq!(s(120), "2m");
    assert_eq!(s(121), "2m1s");
    assert_eq!(s(10 * M - 1), "9m59s");
    assert_eq!(s(10 * M), "10m");
    assert_eq!(s(10 * M + 59), "10m");
    assert_eq!(s(3 * H - 1), "179m");
    assert_eq!(s(3 * H), "3h");
    assert_eq!(s(3 * H + 30 * M + 59), "3h30m");
    assert_eq!(s(8 * H - 1), "7h59m");
    assert_eq!(s(8 * H), "8h");
    assert_eq!(s(48 * H - 1), "47h");
    assert_eq!(s(48 * H), "2d");
    assert_eq!(s(49 * H), "2d1h");
    assert_eq!(s(8 * D - 1), "7d23h");
    assert_eq!(s(8 * D), "8d");
    assert_eq!(s(2 * Y - 1), "729d");
    assert_eq!(s(2 * Y), "2y");
    assert_eq!(s(2 * Y + D), "2y1d");
    assert_eq!(s(8 * Y - 1), "7y364d");
    assert_eq!(s(8 * Y), "8y");
    assert_eq!(s(100 * Y), "100y");
    // Go durations top out at ~292 years.
    assert_eq!(human_duration(Duration::MAX), "292y");
}

#[test]
fn ages() {
    let now = ts("2025-01-01T12:00:00Z");
    assert_eq!(age_since(ts("2025-01-01T11:55:00Z"), now), "5m");
    assert_eq!(age_since(ts("2025-01-01T12:00:01Z"), now), "0s");
    assert_eq!(age_since(ts("2025-01-01T12:00:02Z"), now), "<invalid>");
    assert_eq!(age_since(ts("0001-01-01T00:00:00Z"), now), "<unknown>");
    assert_eq!(age_since_opt(None, now), "<unknown>");
    assert_eq!(age_since_opt(Some(ts("2024-12-30T12:00:00Z")), now), "2d");
}
