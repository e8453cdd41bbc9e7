//! The official Python Kubernetes client (`kubernetes` on PyPI, `python3-kubernetes` in Debian)
//! as a second independent client of the simulator: tests/python/client_check.py lists pods in
//! one namespace and in all, reads logs (a single-container pod, each container of a
//! multi-container pod, a tail) and watches pods, all through the client's typed models, which
//! reject what a real apiserver would never send. This test compares what Python saw with what
//! the simulator holds. It skips with a printed reason where python3 or its kubernetes module is
//! missing, unless KDOC_REQUIRE_PYCLIENT is set (CI sets it). python3 is killed after a timeout.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use kdoc::sim::SimConfig;
use kdoc::sim::scenario::{builtin, load::LoadSpec};
use kdoc::sim::state::SimState;
use serde_json::{Value, json};

/// The namespace the script lists; its Argo step pods run containers `wait` and `main`.
const NS: &str = "argowf";
/// How long the script's watch may stay open (the server ends it after this).
const WATCH_SECONDS: u64 = 60;
/// python3 is killed after this: imports, three lists, five log reads and the watch.
const PYTHON_TIMEOUT: Duration = Duration::from_secs(WATCH_SECONDS + 60);

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/client_check.py")
}

/// Whether `python3 -c "import kubernetes"` works; otherwise skip, or fail under
/// KDOC_REQUIRE_PYCLIENT.
fn python_client_available() -> bool {
    let probe = common::try_run_with_timeout(
        Command::new("python3").args(["-c", "import kubernetes"]),
        common::COMMAND_TIMEOUT,
    );
    let ok = match &probe {
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => panic!("{e}"),
        Err(_) => false,
        Ok(out) => out.status.success(),
    };
    if !ok {
        assert!(
            std::env::var_os("KDOC_REQUIRE_PYCLIENT").is_none(),
            "the Python kubernetes client is required (KDOC_REQUIRE_PYCLIENT is set) but \
             `python3 -c 'import kubernetes'` failed: {probe:?}"
        );
        eprintln!(
            "SKIPPED: python3 with the kubernetes module is not available; \
             `pip install kubernetes` to run the Python client test"
        );
    }
    ok
}

fn pods(state: &SimState, ns: Option<&str>) -> Vec<Value> {
    let idx = state.store.find_kind("v1", "Pod").expect("pods are served");
    state
        .store
        .list(idx, ns, &|_| true, false, None, None)
        .items
        .into_iter()
        .map(|s| (*s.value).clone())
        .collect()
}

fn name(p: &Value) -> String {
    p["metadata"]["name"].as_str().unwrap_or("").to_string()
}

fn key(p: &Value) -> String {
    format!(
        "{}/{}",
        p["metadata"]["namespace"].as_str().unwrap_or(""),
        name(p)
    )
}

fn containers(p: &Value) -> Vec<String> {
    p["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(String::from))
        .collect()
}

/// The current run's log of one container as the simulator holds it.
fn held_log(state: &SimState, ns: &str, pod: &str, c: &str) -> String {
    let (parts, _) = state.logs.snapshot(ns, pod, c, false, false);
    let bytes: Vec<u8> = parts.iter().flat_map(|p| p.bytes().to_vec()).collect();
    String::from_utf8(bytes).expect("the chosen logs are UTF-8")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_lists_watches_and_reads_logs() {
    if !python_client_available() {
        return;
    }
    // Twice real time, so the timeline's own pod updates (KServe's containers starting at
    // 12 s of scenario time) reach the watch within a few seconds.
    let sim = common::start_with(SimConfig {
        scenario: builtin("mlops", &LoadSpec::default()).unwrap(),
        speed: 2.0,
        ..SimConfig::default()
    })
    .await;
    let state = sim.state().clone();

    // The pods to read: an Argo step pod (wait + main, logs written once) and a finished pod
    // with one container (a Tekton step pod), so neither log grows while the test runs.
    let in_ns = pods(&state, Some(NS));
    let multi = in_ns
        .iter()
        .find(|p| containers(p).len() >= 2 && name(p).starts_with("iris-demo-train-"))
        .expect("the Argo train step pod in argowf")
        .clone();
    let single = pods(&state, None)
        .into_iter()
        .find(|p| {
            let cs = containers(p);
            let ns = p["metadata"]["namespace"].as_str().unwrap_or("");
            // A finished pod: its log no longer grows, so it can be compared whole.
            let done = matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"));
            done && cs.len() == 1 && state.logs.len(ns, &name(p), &cs[0]) > 0
        })
        .expect("a finished single-container pod with a log");
    let single_ns = single["metadata"]["namespace"]
        .as_str()
        .unwrap()
        .to_string();
    let single_c = containers(&single).remove(0);
    // The pod this test changes once the watch is open: the Pending GPU pod the timeline
    // leaves alone, so its MODIFIED event is ours.
    let poked = pods(&state, Some("mlops"))
        .into_iter()
        .find(|p| name(p).starts_with("gpu-inference-"))
        .expect("the gpu-inference pod in mlops");
    let poked_key = key(&poked);
    let tail = 3;
    let args = json!({
        "namespace": NS,
        "single": {"namespace": single_ns, "name": name(&single)},
        "multi": {"namespace": NS, "name": name(&multi), "containers": containers(&multi)},
        "tail": tail,
        "poked": poked_key,
        "watch_seconds": WATCH_SECONDS,
    });

    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(&kubeconfig, sim.kubeconfig()).unwrap();

    let poke = {
        let state = state.clone();
        let (ns, pod) = (
            poked["metadata"]["namespace"].as_str().unwrap().to_string(),
            name(&poked),
        );
        tokio::spawn(async move {
            common::wait_until(PYTHON_TIMEOUT, "the Python client's watch is open", || {
                state.open_watches() > 0
            })
            .await;
            let idx = state.store.find_kind("v1", "Pod").unwrap();
            assert!(state.store.update(idx, &ns, &pod, |v| {
                v["metadata"]["labels"]["kdoc.test/touched"] = json!("by-python-test");
            }));
        })
    };
    let mut cmd = Command::new("python3");
    cmd.arg(script())
        .arg(args.to_string())
        .env("KUBECONFIG", &kubeconfig)
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("http_proxy");
    let out =
        tokio::task::spawn_blocking(move || common::run_with_timeout(&mut cmd, PYTHON_TIMEOUT))
            .await
            .expect("the thread running python3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "client_check.py failed ({}):\n{stderr}",
        out.status
    );
    poke.abort();
    let saw: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("client_check.py printed no JSON ({e}):\n{stderr}"));

    // Lists: the same names as the store, in the apiserver's (namespace, name) order.
    let names: Vec<String> = in_ns.iter().map(name).collect();
    assert_eq!(saw["namespace_pods"], json!(names), "list_namespaced_pod");
    assert_eq!(saw["creation_is_datetime"], json!(true));
    let all: Vec<String> = pods(&state, None).iter().map(key).collect();
    assert_eq!(
        saw["all_pods"],
        json!(all),
        "list_pod_for_all_namespaces: {} pods",
        all.len()
    );

    // Logs: exactly the bytes the simulator holds.
    assert_eq!(
        saw["log_single"].as_str().unwrap(),
        held_log(&state, &single_ns, &name(&single), &single_c),
        "read_namespaced_pod_log of {}",
        key(&single)
    );
    for c in containers(&multi) {
        let held = held_log(&state, NS, &name(&multi), &c);
        assert!(!held.is_empty(), "{c} has a log");
        assert_eq!(
            saw["log_multi"][&c].as_str().unwrap(),
            held,
            "read_namespaced_pod_log container={c}"
        );
    }
    let first = &containers(&multi)[0];
    let held = held_log(&state, NS, &name(&multi), first);
    let last: Vec<&str> = held.lines().rev().take(tail).collect::<Vec<_>>();
    let last: String = last.into_iter().rev().map(|l| format!("{l}\n")).collect();
    assert_eq!(saw["log_tail"].as_str().unwrap(), last, "tail_lines={tail}");
    assert_eq!(saw["unnamed_container"]["status"], json!(400), "{saw}");
    assert!(
        saw["unnamed_container"]["body"]
            .as_str()
            .unwrap_or("")
            .contains("a container name must be specified"),
        "{}",
        saw["unnamed_container"]
    );

    // Watch: an ADDED event for every pod the list had, before anything else; then our
    // change, and one the scenario made, each for a pod the simulator holds.
    let events = saw["events"].as_array().unwrap();
    let listed: Vec<&str> = saw["all_pods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    let initial: Vec<&str> = events
        .iter()
        .take_while(|e| e["type"] == "ADDED")
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    let mut initial_sorted = initial.clone();
    initial_sorted.sort();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    assert_eq!(
        initial_sorted, listed_sorted,
        "one initial ADDED per listed pod"
    );
    let modified: Vec<&Value> = events.iter().filter(|e| e["type"] == "MODIFIED").collect();
    let ours = modified
        .iter()
        .find(|e| e["key"] == json!(poked_key))
        .unwrap_or_else(|| panic!("no MODIFIED for {poked_key}: {events:?}"));
    assert_eq!(ours["labels"]["kdoc.test/touched"], json!("by-python-test"));
    let held = pods(&state, None);
    let theirs = modified
        .iter()
        .find(|e| e["key"] != json!(poked_key))
        .unwrap_or_else(|| panic!("no MODIFIED from the scenario's timeline: {events:?}"));
    let pod = held
        .iter()
        .find(|p| json!(key(p)) == theirs["key"])
        .unwrap_or_else(|| panic!("{} is not in the store", theirs["key"]));
    let rv = |v: &Value| v.as_str().and_then(|s| s.parse::<u64>().ok()).unwrap();
    assert!(
        rv(&theirs["resource_version"]) <= rv(&pod["metadata"]["resourceVersion"]),
        "{theirs} is not older than the store's {}",
        pod["metadata"]["resourceVersion"]
    );
    assert!(
        rv(&theirs["resource_version"]) > rv(&saw["list_resource_version"]),
        "{theirs} happened after the list"
    );
}
