//! The simulator's endpoints controller, checked through real kubectl: every Service with a
//! selector has an Endpoints object naming exactly the pods the apiserver's own label selector
//! returns (ready ones as addresses, the rest as not-ready), and it follows a pod's readiness;
//! the EndpointSlices say the same.
//! Skips with a printed reason where kubectl is absent, unless KDOC_REQUIRE_KUBECTL is set.

mod common;

use std::collections::BTreeSet;

use common::kubectl::Kubectl;
use kdoc::sim::scenario::{builtin, load::LoadSpec};
use serde_json::{Value, json};

fn parse(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("kubectl printed no JSON ({e}):\n{out}"))
}

fn items(v: &Value) -> &[Value] {
    v["items"].as_array().map_or(&[], Vec::as_slice)
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter().fold(v, |v, p| &v[p]).as_str().unwrap_or("")
}

/// (pod name, ready) as the Endpoints object lists them.
fn listed(ep: &Value) -> BTreeSet<(String, bool)> {
    let mut out = BTreeSet::new();
    for subset in ep["subsets"].as_array().into_iter().flatten() {
        for (key, ready) in [("addresses", true), ("notReadyAddresses", false)] {
            for a in subset[key].as_array().into_iter().flatten() {
                out.insert((s(a, &["targetRef", "name"]).to_string(), ready));
            }
        }
    }
    out
}

/// (pod name, ready) for the pods kubectl's selector query returns that can serve: an IP, and
/// not finished for good.
fn expected(pods: &Value) -> BTreeSet<(String, bool)> {
    items(pods)
        .iter()
        .filter(|p| !s(p, &["status", "podIP"]).is_empty())
        .filter(|p| !matches!(s(p, &["status", "phase"]), "Succeeded" | "Failed"))
        .map(|p| {
            let ready = p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| s(c, &["type"]) == "Ready" && s(c, &["status"]) == "True");
            (s(p, &["metadata", "name"]).to_string(), ready)
        })
        .collect()
}

fn selector(svc: &Value) -> Option<String> {
    let sel = svc["spec"]["selector"].as_object()?;
    Some(
        sel.iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect::<Vec<_>>()
            .join(","),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_selector_service_has_endpoints_naming_the_pods_it_selects() {
    let sim = common::start(builtin("mlops", &LoadSpec::default()).unwrap()).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let services = parse(&k.ok(&["get", "svc", "-A", "-o", "json"]).await);
    let mut checked = 0;
    let mut with_pods = 0;
    for svc in items(&services) {
        let Some(sel) = selector(svc) else { continue };
        let (ns, name) = (
            s(svc, &["metadata", "namespace"]),
            s(svc, &["metadata", "name"]),
        );
        let ep = parse(
            &k.ok(&["get", "endpoints", name, "-n", ns, "-o", "json"])
                .await,
        );
        let pods = parse(
            &k.ok(&["get", "pods", "-n", ns, "-l", &sel, "-o", "json"])
                .await,
        );
        assert_eq!(
            listed(&ep),
            expected(&pods),
            "Endpoints {ns}/{name} (selector {sel}):\n{ep:#}"
        );
        checked += 1;
        with_pods += usize::from(!expected(&pods).is_empty());
    }
    assert!(
        checked >= 3 && with_pods >= 2,
        "checked {checked}, with pods {with_pods}"
    );
    // The table kubectl prints: every Endpoints is listed, ready addresses as ip:port.
    let table = k.ok(&["get", "ep", "-A"]).await;
    assert!(table.starts_with("NAMESPACE"), "{table}");
    assert!(table.contains("feast-registry-db"), "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_and_slices_follow_a_pods_readiness_and_deletion() {
    let sim = common::start(builtin("empty", &LoadSpec::default()).unwrap()).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let store = &sim.state().store;
    store
        .upsert(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"selector": {"app": "web"}, "clusterIP": "10.96.0.9", "clusterIPs": ["10.96.0.9"],
                     "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]},
        }))
        .unwrap();
    for (name, ip) in [("web-a", "10.0.0.1"), ("web-b", "10.0.0.2")] {
        store
            .upsert(json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": name, "namespace": "shop", "labels": {"app": "web"}},
                "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "web",
                         "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]}]},
                "status": {"phase": "Running", "podIP": ip,
                           "conditions": [{"type": "Ready", "status": "False"}]},
            }))
            .unwrap();
    }
    let ep = |out: String| {
        out.lines()
            .nth(1)
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    // The EndpointSlices of `web`, as (address, ready) pairs, sorted.
    let slices = || async {
        let out = k
            .ok(&[
                "get",
                "endpointslices",
                "-n",
                "shop",
                "-l",
                "kubernetes.io/service-name=web",
                "-o",
                "json",
            ])
            .await;
        let mut pairs: Vec<(String, bool)> = items(&parse(&out))
            .iter()
            .flat_map(|sl| sl["endpoints"].as_array().cloned().unwrap_or_default())
            .map(|e| {
                (
                    e["addresses"][0].as_str().unwrap_or("").to_string(),
                    e["conditions"]["ready"] == true,
                )
            })
            .collect();
        pairs.sort();
        (items(&parse(&out)).len(), pairs)
    };
    // Not ready: no ready addresses, so kubectl prints an empty ENDPOINTS cell.
    let row = ep(k.ok(&["get", "ep", "web", "-n", "shop"]).await);
    assert!(row.starts_with("web "), "{row}");
    assert!(!row.contains("10.0.0."), "{row}");
    let not_ready = vec![
        ("10.0.0.1".to_string(), false),
        ("10.0.0.2".to_string(), false),
    ];
    assert_eq!(slices().await, (1, not_ready));

    let pods = store.find_kind("v1", "Pod").unwrap();
    let ready = |v: &mut Value| v["status"]["conditions"][0]["status"] = json!("True");
    assert!(store.update(pods, "shop", "web-b", ready));
    assert!(store.update(pods, "shop", "web-a", ready));
    let row = ep(k.ok(&["get", "ep", "web", "-n", "shop"]).await);
    assert!(row.contains("10.0.0.1:8080,10.0.0.2:8080"), "{row}");
    let ready_both = vec![
        ("10.0.0.1".to_string(), true),
        ("10.0.0.2".to_string(), true),
    ];
    assert_eq!(slices().await, (1, ready_both));

    assert!(store.delete(pods, "shop", "web-a"));
    let row = ep(k.ok(&["get", "ep", "web", "-n", "shop"]).await);
    assert!(row.starts_with("web 10.0.0.2:8080 "), "{row}");
    assert_eq!(slices().await, (1, vec![("10.0.0.2".to_string(), true)]));

    let svcs = store.find_kind("v1", "Service").unwrap();
    assert!(store.delete(svcs, "shop", "web"));
    let (ok, _, err) = k.run(&["get", "ep", "web", "-n", "shop"]).await;
    assert!(!ok && err.contains("NotFound"), "{err}");
    assert_eq!(
        slices().await,
        (0, vec![]),
        "the service's slices go with it"
    );
}
