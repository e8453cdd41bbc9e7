//! The endpoints controller, as kube-controller-manager runs it: every Service with a selector
//! gets an Endpoints object of the same name listing the pods it selects, ready ones under
//! `addresses` and the rest under `notReadyAddresses`, one port per service port with its
//! targetPort resolved against the pod (upstream `pkg/controller/endpoint`).
//!
//! Pure functions over JSON objects; the store calls them when a pod or service changes.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::store::str_at;

/// Upstream `maxCapacity`: more addresses than this are truncated and the object annotated.
pub const MAX_ADDRESSES: usize = 1000;
const OVER_CAPACITY: &str = "endpoints.kubernetes.io/over-capacity";

/// The service's selector, when the controller manages its Endpoints (a selector is set and
/// the service is not ExternalName).
pub fn managed_selector(svc: &Value) -> Option<&Map<String, Value>> {
    if str_at(svc, &["spec", "type"]) == "ExternalName" {
        return None;
    }
    svc.get("spec")?.get("selector")?.as_object()
}

fn selects(selector: &Map<String, Value>, pod: &Value) -> bool {
    let labels = pod.get("metadata").and_then(|m| m.get("labels"));
    selector
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

/// Upstream `ShouldPodBeInEndpoints`: a pod needs an IP, must not be terminating (unless the
/// service publishes not-ready addresses), and must not have finished for good.
fn should_be_in_endpoints(pod: &Value, include_terminating: bool) -> bool {
    if str_at(pod, &["status", "podIP"]).is_empty() {
        return false;
    }
    if !include_terminating && !pod["metadata"]["deletionTimestamp"].is_null() {
        return false;
    }
    let phase = str_at(pod, &["status", "phase"]);
    match str_at(pod, &["spec", "restartPolicy"]) {
        "Never" => phase != "Failed" && phase != "Succeeded",
        "OnFailure" => phase != "Succeeded",
        _ => true,
    }
}

fn pod_ready(pod: &Value) -> bool {
    pod["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| str_at(c, &["type"]) == "Ready" && str_at(c, &["status"]) == "True")
}

/// Upstream `podutil.FindPort`: a numeric targetPort is used as it is; a named one is looked up
/// among the pod's container ports (and restartable init containers') with the same protocol.
fn find_port(pod: &Value, svc_port: &Value) -> Option<i64> {
    let protocol = svc_port["protocol"].as_str().unwrap_or("TCP");
    match &svc_port["targetPort"] {
        Value::Number(n) => n.as_i64(),
        Value::String(name) => {
            if let Ok(n) = name.parse::<i64>() {
                return Some(n);
            }
            let spec = &pod["spec"];
            let sidecars = spec["initContainers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| str_at(c, &["restartPolicy"]) == "Always");
            spec["containers"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(sidecars)
                .flat_map(|c| c["ports"].as_array().into_iter().flatten())
                .find(|p| {
                    p["name"].as_str() == Some(name.as_str())
                        && p["protocol"].as_str().unwrap_or("TCP") == protocol
                })
                .and_then(|p| p["containerPort"].as_i64())
        }
        // The apiserver defaults a missing targetPort to the port.
        _ => svc_port["port"].as_i64(),
    }
}

/// What one pod adds to a service's Endpoints: its address, whether it is ready, and the
/// ports it serves (each `EndpointPort`). `None` when the service does not select it.
pub fn contribution(svc: &Value, pod: &Value) -> Option<(Value, bool, Vec<Value>)> {
    let selector = managed_selector(svc)?;
    if str_at(svc, &["metadata", "namespace"]) != str_at(pod, &["metadata", "namespace"])
        || !selects(selector, pod)
    {
        return None;
    }
    let publish_not_ready = svc["spec"]["publishNotReadyAddresses"].as_bool() == Some(true);
    if !should_be_in_endpoints(pod, publish_not_ready) {
        return None;
    }
    let mut addr = Map::new();
    addr.insert("ip".into(), json!(str_at(pod, &["status", "podIP"])));
    let hostname = str_at(pod, &["spec", "hostname"]);
    if !hostname.is_empty()
        && str_at(pod, &["spec", "subdomain"]) == str_at(svc, &["metadata", "name"])
    {
        addr.insert("hostname".into(), json!(hostname));
    }
    let node = str_at(pod, &["spec", "nodeName"]);
    if !node.is_empty() {
        addr.insert("nodeName".into(), json!(node));
    }
    addr.insert(
        "targetRef".into(),
        json!({
            "kind": "Pod",
            "namespace": str_at(pod, &["metadata", "namespace"]),
            "name": str_at(pod, &["metadata", "name"]),
            "uid": str_at(pod, &["metadata", "uid"]),
        }),
    );
    let ports = svc["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|sp| {
            let port = find_port(pod, sp)?;
            let mut ep = Map::new();
            if let Some(name) = sp["name"].as_str().filter(|n| !n.is_empty()) {
                ep.insert("name".into(), json!(name));
            }
            ep.insert("port".into(), json!(port));
            ep.insert(
                "protocol".into(),
                json!(sp["protocol"].as_str().unwrap_or("TCP")),
            );
            if let Some(app) = sp["appProtocol"].as_str() {
                ep.insert("appProtocol".into(), json!(app));
            }
            Some(Value::Object(ep))
        })
        .collect::<Vec<_>>();
    // A pod none of whose ports resolve serves nothing, except on a headless service with no
    // ports at all, where the address alone is the point.
    let headless = str_at(svc, &["spec", "clusterIP"]) == "None";
    let no_ports = svc["spec"]["ports"].as_array().is_none_or(Vec::is_empty);
    if ports.is_empty() && !(headless && no_ports) {
        return None;
    }
    let ready = publish_not_ready || pod_ready(pod);
    Some((Value::Object(addr), ready, ports))
}

/// One subset being built: its ports, ready addresses and not-ready addresses.
type Subset = (Vec<Value>, Vec<Value>, Vec<Value>);

/// The Endpoints object the controller wants for `svc`, given the pods of its namespace, or
/// `None` when the controller leaves this service alone (no selector, or ExternalName).
pub fn desired<'a>(svc: &Value, pods: impl Iterator<Item = &'a Value>) -> Option<Value> {
    managed_selector(svc)?;
    // Upstream `RepackSubsets`: addresses that serve the same set of ports share a subset.
    let mut subsets: BTreeMap<String, Subset> = BTreeMap::new();
    for pod in pods {
        let Some((addr, ready, mut ports)) = contribution(svc, pod) else {
            continue;
        };
        ports.sort_by_key(|p| (p["name"].to_string(), p["port"].as_i64()));
        let key = serde_json::to_string(&ports).unwrap_or_default();
        let entry = subsets
            .entry(key)
            .or_insert_with(|| (ports, Vec::new(), Vec::new()));
        if ready {
            entry.1.push(addr);
        } else {
            entry.2.push(addr);
        }
    }
    let total: usize = subsets.values().map(|s| s.1.len() + s.2.len()).sum();
    let mut room = MAX_ADDRESSES;
    let mut out = Vec::new();
    // Ready addresses are kept first when truncating, as upstream does.
    for (_, (ports, mut ready, mut not_ready)) in subsets {
        ready.sort_by(by_ip_and_uid);
        not_ready.sort_by(by_ip_and_uid);
        ready.truncate(room);
        room -= ready.len();
        not_ready.truncate(room);
        room -= not_ready.len();
        if ready.is_empty() && not_ready.is_empty() {
            continue;
        }
        let mut subset = Map::new();
        if !ready.is_empty() {
            subset.insert("addresses".into(), Value::Array(ready));
        }
        if !not_ready.is_empty() {
            subset.insert("notReadyAddresses".into(), Value::Array(not_ready));
        }
        if !ports.is_empty() {
            subset.insert("ports".into(), Value::Array(ports));
        }
        out.push(Value::Object(subset));
    }
    let mut labels = svc["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    if str_at(svc, &["spec", "clusterIP"]) == "None" {
        labels.insert("service.kubernetes.io/headless".into(), json!(""));
    }
    let mut meta = json!({
        "name": str_at(svc, &["metadata", "name"]),
        "namespace": str_at(svc, &["metadata", "namespace"]),
        "labels": labels,
    });
    // The controller creates it moments after the service; the story's ages stay consistent.
    let created = str_at(svc, &["metadata", "creationTimestamp"]);
    if !created.is_empty() {
        meta["creationTimestamp"] = json!(created);
    }
    if total > MAX_ADDRESSES {
        meta["annotations"] = json!({ OVER_CAPACITY: "truncated" });
    }
    let mut ep = json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": meta});
    if !out.is_empty() {
        ep["subsets"] = Value::Array(out);
    }
    Some(ep)
}

fn by_ip_and_uid(a: &Value, b: &Value) -> std::cmp::Ordering {
    str_at(a, &["ip"])
        .cmp(str_at(b, &["ip"]))
        .then_with(|| str_at(a, &["targetRef", "uid"]).cmp(str_at(b, &["targetRef", "uid"])))
}

/// Whether the stored Endpoints already says what `want` says (so no write, no watch event).
pub fn same(stored: &Value, want: &Value) -> bool {
    stored.get("subsets") == want.get("subsets")
        && stored["metadata"].get("labels") == want["metadata"].get("labels")
        && stored["metadata"].get("annotations") == want["metadata"].get("annotations")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(selector: Value, ports: Value) -> Value {
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "ns", "labels": {"app": "web"}},
            "spec": {"selector": selector, "ports": ports, "clusterIP": "10.96.0.10"},
        })
    }

    fn pod(name: &str, ip: &str, ready: bool, labels: Value) -> Value {
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "ns", "uid": format!("uid-{name}"), "labels": labels},
            "spec": {"nodeName": "node-1", "containers": [{"name": "c", "ports": [
                {"name": "http", "containerPort": 8080, "protocol": "TCP"}]}]},
            "status": {"phase": "Running", "podIP": ip, "conditions": [
                {"type": "Ready", "status": if ready { "True" } else { "False" }}]},
        })
    }

    #[test]
    fn ready_and_not_ready_pods_land_in_their_lists_with_named_target_ports_resolved() {
        let s = svc(
            json!({"app": "web"}),
            json!([{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]),
        );
        let pods = [
            pod("b", "10.0.0.2", true, json!({"app": "web"})),
            pod("a", "10.0.0.1", false, json!({"app": "web"})),
            pod("c", "10.0.0.3", true, json!({"app": "other"})),
            pod("d", "", true, json!({"app": "web"})),
        ];
        let ep = desired(&s, pods.iter()).unwrap();
        let subsets = ep["subsets"].as_array().unwrap();
        assert_eq!(subsets.len(), 1);
        assert_eq!(subsets[0]["addresses"][0]["ip"], "10.0.0.2");
        assert_eq!(subsets[0]["addresses"][0]["targetRef"]["name"], "b");
        assert_eq!(subsets[0]["notReadyAddresses"][0]["ip"], "10.0.0.1");
        assert_eq!(
            subsets[0]["ports"],
            json!([{"name": "http", "port": 8080, "protocol": "TCP"}])
        );
        assert_eq!(ep["metadata"]["labels"], json!({"app": "web"}));
    }

    #[test]
    fn no_selector_and_external_name_are_left_alone_and_an_empty_match_has_no_subsets() {
        let mut s = svc(json!(null), json!([{"port": 80}]));
        s["spec"].as_object_mut().unwrap().remove("selector");
        assert!(desired(&s, std::iter::empty()).is_none());
        let mut ext = svc(json!({"app": "web"}), json!([]));
        ext["spec"]["type"] = json!("ExternalName");
        assert!(desired(&ext, std::iter::empty()).is_none());
        let empty = desired(
            &svc(json!({"app": "web"}), json!([{"port": 80}])),
            std::iter::empty(),
        );
        assert!(empty.unwrap().get("subsets").is_none());
    }

    #[test]
    fn an_unresolvable_named_port_and_a_finished_pod_are_skipped() {
        let s = svc(
            json!({"app": "web"}),
            json!([{"port": 80, "targetPort": "grpc"}]),
        );
        let p = pod("a", "10.0.0.1", true, json!({"app": "web"}));
        assert!(contribution(&s, &p).is_none());
        let s = svc(
            json!({"app": "web"}),
            json!([{"port": 80, "targetPort": 8080}]),
        );
        let mut done = pod("a", "10.0.0.1", false, json!({"app": "web"}));
        done["spec"]["restartPolicy"] = json!("Never");
        done["status"]["phase"] = json!("Succeeded");
        assert!(contribution(&s, &done).is_none());
    }

    #[test]
    fn more_than_the_capacity_is_truncated_and_annotated() {
        let s = svc(
            json!({"app": "web"}),
            json!([{"port": 80, "targetPort": 8080}]),
        );
        let pods: Vec<Value> = (0..MAX_ADDRESSES + 5)
            .map(|i| {
                pod(
                    &format!("p{i}"),
                    &format!("10.1.{}.{}", i / 250, i % 250),
                    true,
                    json!({"app": "web"}),
                )
            })
            .collect();
        let ep = desired(&s, pods.iter()).unwrap();
        assert_eq!(
            ep["subsets"][0]["addresses"].as_array().unwrap().len(),
            MAX_ADDRESSES
        );
        assert_eq!(ep["metadata"]["annotations"][OVER_CAPACITY], "truncated");
    }
}
