//! What every cluster has whatever runs on it, added to each built-in scenario: the system
//! namespaces (the simulator's own kubeconfig selects `default`), a Node for every node a pod
//! names, and namespaces older than what they hold.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde_json::{Value, json};

use super::build::{CLUSTER_AGE, namespace, node_named, uid_for};
use super::{Action, Scenario};
use crate::sim::store::str_at;
use crate::sim::time::{offset, rfc3339};

pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-node-lease", "kube-public", "kube-system"];

/// Complete a scenario's objects into a plausible cluster (see the module doc).
pub fn complete(s: &mut Scenario, base: Timestamp) {
    let born = rfc3339(offset(base, -CLUSTER_AGE));
    let kind_names = |s: &Scenario, kind: &str| -> BTreeSet<String> {
        s.objects
            .iter()
            .filter(|o| str_at(o, &["kind"]) == kind)
            .map(|o| str_at(o, &["metadata", "name"]).to_string())
            .collect()
    };
    let have = kind_names(s, "Namespace");
    for ns in SYSTEM_NAMESPACES.iter().filter(|n| !have.contains(**n)) {
        let mut v = namespace(ns);
        v["metadata"]["uid"] = json!(uid_for("", ns));
        v["metadata"]["creationTimestamp"] = json!(born);
        s.objects.push(v);
    }
    let nodes = kind_names(s, "Node");
    let named: BTreeSet<String> = pods(s)
        .map(|p| str_at(p, &["spec", "nodeName"]).to_string())
        .filter(|n| !n.is_empty() && !nodes.contains(n))
        .collect();
    for (i, name) in named.iter().enumerate() {
        s.objects
            .push(node_named(base, name, &format!("10.0.0.{}", 11 + i % 200)));
    }
    // Each kubelet renews its Lease every 10 s (`kubectl describe node` shows it).
    let leases: Vec<Value> = kind_names(s, "Node")
        .iter()
        .map(|node| node_lease(base, node, &born))
        .collect();
    s.objects.extend(leases);
    age_namespaces(s, &born);
}

fn node_lease(base: Timestamp, node: &str, born: &str) -> Value {
    json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": node, "namespace": "kube-node-lease", "uid": uid_for("kube-node-lease", node),
                     "creationTimestamp": born,
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node, "uid": uid_for("", node)}]},
        "spec": {"holderIdentity": node, "leaseDurationSeconds": 40,
                 "renewTime": offset(base, -4).strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string()},
    })
}

/// Pods the scenario starts with and those its timeline creates.
fn pods(s: &Scenario) -> impl Iterator<Item = &Value> {
    let timeline = s.timeline.iter().filter_map(|step| match &step.action {
        Action::Upsert(v) => Some(v),
        _ => None,
    });
    s.objects
        .iter()
        .chain(timeline)
        .filter(|o| str_at(o, &["kind"]) == "Pod")
}

/// A namespace with no creation time dates from the cluster's birth; one younger than the
/// oldest object in it is moved back to a minute before that object.
fn age_namespaces(s: &mut Scenario, born: &str) {
    let mut oldest: BTreeMap<String, Timestamp> = BTreeMap::new();
    for o in &s.objects {
        let ns = str_at(o, &["metadata", "namespace"]);
        if let (false, Ok(t)) = (
            ns.is_empty(),
            str_at(o, &["metadata", "creationTimestamp"]).parse::<Timestamp>(),
        ) {
            let e = oldest.entry(ns.to_string()).or_insert(t);
            *e = (*e).min(t);
        }
    }
    for o in s
        .objects
        .iter_mut()
        .filter(|o| str_at(o, &["kind"]) == "Namespace")
    {
        let name = str_at(o, &["metadata", "name"]).to_string();
        let created = str_at(o, &["metadata", "creationTimestamp"]).parse::<Timestamp>();
        let floor = oldest.get(&name).map(|t| offset(*t, -60));
        let fixed = match (created, floor) {
            (Err(_), Some(f)) => rfc3339(f.min(born.parse().unwrap_or(f))),
            (Err(_), None) => born.to_string(),
            (Ok(c), Some(f)) if c > f => rfc3339(f),
            _ => continue,
        };
        o["metadata"]["creationTimestamp"] = json!(fixed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_namespaces_and_nodes_are_added_and_namespaces_predate_their_pods() {
        let base = Timestamp::now();
        let mut s = super::super::load::scenario(
            &super::super::load::LoadSpec {
                pods: 3,
                namespaces: 1,
                log_rate: 0.0,
            },
            base,
        );
        complete(&mut s, base);
        let ns: Vec<&Value> = s
            .objects
            .iter()
            .filter(|o| o["kind"] == "Namespace")
            .collect();
        for name in SYSTEM_NAMESPACES {
            assert!(ns.iter().any(|n| n["metadata"]["name"] == name), "{name}");
        }
        let nodes = s.objects.iter().filter(|o| o["kind"] == "Node").count();
        assert_eq!(nodes, 1);
        let load_ns = ns
            .iter()
            .find(|n| n["metadata"]["name"] == "load-000")
            .unwrap();
        let ns_t: Timestamp = str_at(load_ns, &["metadata", "creationTimestamp"])
            .parse()
            .unwrap();
        for p in s.objects.iter().filter(|o| o["kind"] == "Pod") {
            let t: Timestamp = str_at(p, &["metadata", "creationTimestamp"])
                .parse()
                .unwrap();
            assert!(ns_t < t);
        }
    }
}
