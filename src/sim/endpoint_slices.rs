//! EndpointSlices (discovery.k8s.io/v1) derived from a service's Endpoints, so both views of
//! the same pods agree, as the EndpointSlice controller keeps them on a cluster: one slice per
//! set of ports, ready addresses `ready: true`, the others not ready nor serving, and a
//! placeholder slice with no endpoints for a service that selects no pod.
//!
//! Pure functions over JSON objects; the store calls them whenever an Endpoints changes.

use serde_json::{Value, json};

use super::store::str_at;

pub const SERVICE_NAME: &str = "kubernetes.io/service-name";
const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
const CONTROLLER: &str = "endpointslice-controller.k8s.io";

/// The stable 5-character suffix the controller's generated names end with.
fn suffix(ns: &str, svc: &str, i: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u64 = 0xcbf29ce484222325;
    for b in ns
        .bytes()
        .chain([b'/'])
        .chain(svc.bytes())
        .chain(i.to_le_bytes())
    {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    (0..5)
        .map(|k| ALPHABET[((h >> (k * 8)) % ALPHABET.len() as u64) as usize] as char)
        .collect()
}

fn endpoint(addr: &Value, ready: bool) -> Value {
    let mut e = json!({
        "addresses": [str_at(addr, &["ip"])],
        "conditions": {"ready": ready, "serving": ready, "terminating": false},
    });
    for field in ["nodeName", "targetRef", "hostname"] {
        if let Some(v) = addr.get(field) {
            e[field] = v.clone();
        }
    }
    e
}

/// The slices that mirror `ep` (an Endpoints object), in name order of their subsets.
pub fn desired(ep: &Value) -> Vec<Value> {
    let ns = str_at(ep, &["metadata", "namespace"]);
    let svc = str_at(ep, &["metadata", "name"]);
    let mut labels = ep["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    labels.insert(SERVICE_NAME.into(), json!(svc));
    labels.insert(MANAGED_BY.into(), json!(CONTROLLER));
    let subsets = ep["subsets"].as_array().cloned().unwrap_or_default();
    // A service with no endpoints still gets one empty slice.
    let parts: Vec<(Vec<Value>, Value)> = if subsets.is_empty() {
        vec![(vec![], Value::Null)]
    } else {
        subsets
            .iter()
            .map(|ss| {
                let ready = ss["addresses"].as_array().into_iter().flatten();
                let not_ready = ss["notReadyAddresses"].as_array().into_iter().flatten();
                let endpoints = ready
                    .map(|a| endpoint(a, true))
                    .chain(not_ready.map(|a| endpoint(a, false)))
                    .collect();
                (endpoints, ss.get("ports").cloned().unwrap_or(Value::Null))
            })
            .collect()
    };
    parts
        .into_iter()
        .enumerate()
        .map(|(i, (endpoints, ports))| {
            let mut meta = json!({
                "name": format!("{svc}-{}", suffix(ns, svc, i)),
                "namespace": ns,
                "labels": labels,
                "generateName": format!("{svc}-"),
            });
            let created = str_at(ep, &["metadata", "creationTimestamp"]);
            if !created.is_empty() {
                meta["creationTimestamp"] = json!(created);
            }
            json!({
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": meta,
                "addressType": "IPv4",
                "endpoints": endpoints,
                "ports": ports,
            })
        })
        .collect()
}

/// Whether a stored slice already says what `want` says (so no write, no watch event).
pub fn same(stored: &Value, want: &Value) -> bool {
    stored.get("endpoints") == want.get("endpoints")
        && stored.get("ports") == want.get("ports")
        && stored["metadata"].get("labels") == want["metadata"].get("labels")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_and_not_ready_addresses_become_endpoints_with_conditions() {
        let ep = json!({
            "metadata": {"name": "web", "namespace": "ns", "labels": {"app": "web"}},
            "subsets": [{
                "addresses": [{"ip": "10.0.0.2", "nodeName": "n1", "targetRef": {"kind": "Pod", "name": "b"}}],
                "notReadyAddresses": [{"ip": "10.0.0.1"}],
                "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            }],
        });
        let slices = desired(&ep);
        assert_eq!(slices.len(), 1);
        let s = &slices[0];
        assert!(str_at(s, &["metadata", "name"]).starts_with("web-"));
        assert_eq!(s["metadata"]["labels"][SERVICE_NAME], "web");
        assert_eq!(s["endpoints"][0]["addresses"][0], "10.0.0.2");
        assert_eq!(s["endpoints"][0]["conditions"]["ready"], true);
        assert_eq!(s["endpoints"][0]["nodeName"], "n1");
        assert_eq!(s["endpoints"][1]["conditions"]["ready"], false);
        assert_eq!(s["ports"][0]["port"], 8080);
        assert_eq!(desired(&ep)[0], slices[0], "names are stable");
    }

    #[test]
    fn no_subsets_give_one_empty_slice() {
        let ep = json!({"metadata": {"name": "db", "namespace": "ns"}});
        let slices = desired(&ep);
        assert_eq!(slices.len(), 1);
        assert_eq!(slices[0]["endpoints"], json!([]));
        assert!(slices[0]["ports"].is_null());
    }
}
