//! Real kubectl against `mlops` for what a cluster always has: every standard kind (empty or
//! not), categories and short names, EndpointSlices, nodes, the printers' columns, the system
//! namespaces, and full rows in `get -w`. These skip with a printed reason where kubectl is
//! absent, unless KDOC_REQUIRE_KUBECTL is set (CI sets it).

mod common;

use std::time::Duration;

use common::kubectl::Kubectl;
use kdoc::sim::scenario::{builtin, load::LoadSpec};
use kdoc::sim::{Sim, SimConfig};
use serde_json::json;

async fn mlops() -> Sim {
    common::start_with(SimConfig {
        scenario: builtin("mlops", &LoadSpec::default()).unwrap(),
        ..SimConfig::default()
    })
    .await
}

fn header(out: &str) -> Vec<&str> {
    out.lines()
        .next()
        .unwrap_or("")
        .split("  ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The header lines of a `get` of several kinds, one per kind printed.
fn headers(out: &str) -> Vec<Vec<&str>> {
    out.split("\n\n").map(header).collect()
}

fn row<'a>(out: &'a str, name: &str) -> Vec<&'a str> {
    out.lines()
        .find(|l| l.split_whitespace().any(|w| w == name))
        .unwrap_or_else(|| panic!("no row for {name} in:\n{out}"))
        .split_whitespace()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_pods_watch_prints_a_full_row_for_an_update() {
    let sim = mlops().await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let names = k.ok(&["get", "pods", "-n", "mlops", "-o", "name"]).await;
    let pod = names
        .lines()
        .filter_map(|l| l.strip_prefix("pod/"))
        // The Pending pod: the timeline leaves it alone, so its row only changes by our hand.
        .find(|n| n.starts_with("gpu-inference-"))
        .expect("the gpu-inference pod in mlops")
        .to_string();
    let state = sim.state().clone();
    let touched = pod.clone();
    // Once kubectl's watch is open, change the pod so the watch sends a MODIFIED event.
    let poke = tokio::spawn(async move {
        let before = state.open_watches();
        common::wait_until(Duration::from_secs(30), "kubectl's watch is open", || {
            state.open_watches() > before
        })
        .await;
        let idx = state.store.find_kind("v1", "Pod").unwrap();
        assert!(state.store.update(idx, "mlops", &touched, |v| {
            v["metadata"]["labels"]["kdoc.test/touched"] = json!("yes");
        }));
    });
    let out = k
        .output_for(12, &["get", "pods", "-w", "-n", "mlops"])
        .await;
    poke.await.unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        header(&out),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        "{out}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("NAME ")).count(),
        1,
        "one header, then rows only:\n{out}"
    );
    let rows: Vec<Vec<&str>> = lines
        .iter()
        .filter(|l| l.split_whitespace().next() == Some(pod.as_str()))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(rows.len() >= 2, "the listed row and the update:\n{out}");
    for r in &rows {
        assert!(r.len() >= 5, "a full row, not NAME AGE: {r:?}\n{out}");
    }
    assert_eq!(rows[0][1..3], ["0/1", "Pending"], "{out}");
    assert_eq!(rows[rows.len() - 1][1..3], ["0/1", "Pending"], "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_all_short_names_endpoints_and_endpointslices() {
    let sim = mlops().await;
    let Some(k) = Kubectl::new(&sim) else { return };

    let all = k.ok(&["get", "all", "-n", "argowf"]).await;
    for prefix in ["pod/", "service/"] {
        assert!(
            all.lines().any(|l| l.starts_with(prefix)),
            "{prefix} in:\n{all}"
        );
    }

    let ep = k.ok(&["get", "ep", "-A"]).await;
    assert_eq!(header(&ep), ["NAMESPACE", "NAME", "ENDPOINTS", "AGE"]);
    assert!(ep.lines().count() > 1, "{ep}");
    assert!(
        ep.lines().skip(1).any(|l| l.contains(':')),
        "some ready ip:port:\n{ep}"
    );

    let out = k.ok(&["get", "sts,rs,endpointslices", "-A"]).await;
    let hs = headers(&out);
    assert!(
        hs.contains(&vec![
            "NAMESPACE",
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "AGE"
        ]),
        "{out}"
    );
    assert!(
        hs.contains(&vec![
            "NAMESPACE",
            "NAME",
            "ADDRESSTYPE",
            "PORTS",
            "ENDPOINTS",
            "AGE"
        ]),
        "{out}"
    );
    // Every service has its slices, named after it, labelled with it.
    let svc = k.ok(&["get", "svc", "-A", "-o", "name"]).await;
    let slices = k
        .ok(&[
            "get",
            "endpointslices",
            "-A",
            "-o",
            "jsonpath={range .items[*]}{.metadata.labels.kubernetes\\.io/service-name}{\"\\n\"}{end}",
        ])
        .await;
    for s in svc.lines().filter_map(|l| l.strip_prefix("service/")) {
        assert!(slices.lines().any(|l| l == s), "a slice for {s}:\n{slices}");
    }

    let wide = k.ok(&["get", "rs", "-A", "-o", "wide"]).await;
    assert_eq!(
        &header(&wide)[6..],
        ["CONTAINERS", "IMAGES", "SELECTOR"],
        "{wide}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standard_kinds_answer_like_a_cluster() {
    let sim = mlops().await;
    let Some(k) = Kubectl::new(&sim) else { return };

    let kinds = "jobs,cronjobs,ingresses,networkpolicies,roles,storageclasses,daemonsets";
    let (ok, out, err) = k.run(&["get", kinds, "-A"]).await;
    assert!(ok, "{err}");
    assert_eq!(out, "");
    assert!(err.contains("No resources found"), "{err}");

    // With an object of each, the printers' headers.
    let store = &sim.state().store;
    for obj in [
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "namespace": "mlops"},
               "spec": {"completions": 1, "template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}},
               "status": {"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]}}),
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj", "namespace": "mlops"},
               "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "ing", "namespace": "mlops"},
               "spec": {"rules": [{"host": "iris.example.com"}]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "mlops"},
               "spec": {"podSelector": {}}}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "reader", "namespace": "mlops"}}),
        // Upstream printJob checks Suspended before FailureTarget.
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "held", "namespace": "mlops"},
               "spec": {"completions": 2, "template": {"spec": {"containers": []}}},
               "status": {"conditions": [{"type": "FailureTarget", "status": "True"}, {"type": "Suspended", "status": "True"}]}}),
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "standard",
               "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
               "provisioner": "rancher.io/local-path"}),
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ds", "namespace": "mlops"},
               "spec": {"template": {"spec": {"containers": []}}}}),
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "mlops"},
               "spec": {"replicas": 0, "template": {"spec": {"containers": []}}}}),
    ] {
        store.upsert(obj).unwrap();
    }
    for (kind, want) in [
        (
            "jobs",
            &["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"][..],
        ),
        (
            "cronjobs",
            &[
                "NAME",
                "SCHEDULE",
                "TIMEZONE",
                "SUSPEND",
                "ACTIVE",
                "LAST SCHEDULE",
                "AGE",
            ],
        ),
        (
            "ingresses",
            &["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
        ),
        ("networkpolicies", &["NAME", "POD-SELECTOR", "AGE"]),
        ("roles", &["NAME", "CREATED AT"]),
        (
            "daemonsets",
            &[
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
        ),
        ("sts", &["NAME", "READY", "AGE"]),
    ] {
        let out = k.ok(&["get", kind, "-n", "mlops"]).await;
        assert_eq!(header(&out), want, "{kind}:\n{out}");
    }
    let sc = k.ok(&["get", "sc"]).await;
    assert_eq!(
        header(&sc),
        [
            "NAME",
            "PROVISIONER",
            "RECLAIMPOLICY",
            "VOLUMEBINDINGMODE",
            "ALLOWVOLUMEEXPANSION",
            "AGE"
        ]
    );
    // printStorageClass marks the default class in its name.
    assert_eq!(
        &row(&sc, "standard")[..3],
        ["standard", "(default)", "rancher.io/local-path"]
    );
    let jobs = k.ok(&["get", "jobs", "-n", "mlops"]).await;
    assert_eq!(&row(&jobs, "j")[1..3], ["Complete", "1/1"]);
    assert_eq!(&row(&jobs, "held")[1..3], ["Suspended", "0/2"]);
    assert_eq!(
        &row(&k.ok(&["get", "sts", "-n", "mlops"]).await, "db")[1..2],
        ["0/0"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_wide_and_the_default_namespace() {
    let sim = mlops().await;
    let Some(k) = Kubectl::new(&sim) else { return };

    let nodes = k.ok(&["get", "nodes", "-o", "wide"]).await;
    assert_eq!(
        header(&nodes),
        [
            "NAME",
            "STATUS",
            "ROLES",
            "AGE",
            "VERSION",
            "INTERNAL-IP",
            "EXTERNAL-IP",
            "OS-IMAGE",
            "KERNEL-VERSION",
            "CONTAINER-RUNTIME"
        ]
    );
    let r = row(&nodes, "kdoc-worker-1");
    assert_eq!(&r[1..6], ["Ready", "worker", "40d", "v1.32.0", "10.0.0.11"]);
    assert_eq!(r[6], "<none>");
    assert_eq!(r[r.len() - 1], "containerd://1.7.23");
    // The Pending pod asks for more CPU than the node can allocate.
    let alloc = k
        .ok(&[
            "get",
            "node",
            "kdoc-worker-1",
            "-o",
            "jsonpath={.status.allocatable.cpu}",
        ])
        .await;
    assert_eq!(alloc, "4");

    // printNode: a cordoned node adds SchedulingDisabled to its status.
    let store = &sim.state().store;
    let idx = store.find_kind("v1", "Node").unwrap();
    assert!(store.update(idx, "", "kdoc-worker-1", |v| {
        v["spec"]["unschedulable"] = json!(true);
    }));
    let cordoned = k.ok(&["get", "nodes"]).await;
    assert_eq!(
        row(&cordoned, "kdoc-worker-1")[1],
        "Ready,SchedulingDisabled"
    );

    // `describe node` finds the kubelet's Lease.
    let describe = k.ok(&["describe", "node", "kdoc-worker-1"]).await;
    assert!(
        describe.contains("HolderIdentity:  kdoc-worker-1"),
        "{describe}"
    );

    // The simulator's own kubeconfig selects `default`, which exists (with no pods).
    let (ok, out, err) = k.run(&["get", "pods"]).await;
    assert!(ok, "{err}");
    assert_eq!(out, "");
    assert!(
        err.contains("No resources found in default namespace."),
        "{err}"
    );
    let ns = k
        .ok(&["get", "ns", "default", "kube-system", "kube-public"])
        .await;
    assert_eq!(ns.lines().count(), 4, "{ns}");
}
