//! A pod replaced as its ReplicaSet would replace it: the pod is deleted, and a copy with a
//! new generated name (same labels, owner and spec; a fresh UID and IP) is created, starts
//! `ContainerCreating` and runs (Running, Ready) a moment later. The in-process services
//! behind the old pod's ports move to the new one; the Endpoints follow by themselves (the
//! store's endpoints controller runs on every pod change). Also what `DELETE` on a pod that a
//! ReplicaSet owns does.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::http::{Body, error, json as json_response};
use super::scenario::build::{container_id, pod_ip, refresh_pod, uid_for};
use super::state::SimState;
use super::status::ApiError;
use super::store::str_at;
use super::time::rfc3339;

/// How long the new pod spends in `ContainerCreating`.
pub const START_DELAY: Duration = Duration::from_millis(300);

/// The characters Kubernetes' generated names use (no vowels, no look-alikes).
const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

fn suffix() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    let mut n = h.finish();
    (0..5)
        .map(|_| {
            let c = ALPHABET[(n % ALPHABET.len() as u64) as usize] as char;
            n /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

/// The ReplicaSet that owns `pod`, if one does.
fn replica_set(pod: &Value) -> Option<&str> {
    pod["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|o| o["kind"] == "ReplicaSet")
        .and_then(|o| o["name"].as_str())
}

/// The prefix of the replacement's name: the ReplicaSet's name, the pod's generateName, or
/// its own name.
fn generate_name(pod: &Value) -> String {
    if let Some(rs) = replica_set(pod) {
        return format!("{rs}-");
    }
    match str_at(pod, &["metadata", "generateName"]) {
        "" => format!("{}-", str_at(pod, &["metadata", "name"])),
        g => g.to_string(),
    }
}

/// The replacement of `old`, named `name`: its containers created, not yet running.
fn copy(old: &Value, name: &str, generate: &str, ns: &str) -> Value {
    let now = rfc3339(jiff::Timestamp::now());
    let uid = uid_for(ns, name);
    let mut p = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "generateName": generate,
            "namespace": ns,
            "uid": uid,
            "creationTimestamp": now,
        },
        "spec": old["spec"].clone(),
    });
    for key in ["labels", "annotations", "ownerReferences"] {
        if let Some(v) = old["metadata"].get(key) {
            p["metadata"][key] = v.clone();
        }
    }
    let ip = pod_ip(&uid);
    let status = |c: &Value| {
        json!({
            "name": c["name"], "image": c["image"], "imageID": "",
            "ready": false, "restartCount": 0, "started": false,
            "state": {"waiting": {"reason": "ContainerCreating"}},
        })
    };
    let statuses = |key: &str| -> Vec<Value> {
        old["spec"][key]
            .as_array()
            .map(|cs| cs.iter().map(status).collect())
            .unwrap_or_default()
    };
    p["status"] = json!({
        "phase": "Pending",
        "hostIP": old["status"]["hostIP"].clone(),
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": now,
        "qosClass": old["status"]["qosClass"].clone(),
        "containerStatuses": statuses("containers"),
    });
    let init = statuses("initContainers");
    if !init.is_empty() {
        p["status"]["initContainerStatuses"] = json!(init);
    }
    refresh_pod(&mut p);
    p
}

/// Every container of `p` started: init containers done (native sidecars running), the rest
/// running and ready.
fn start(p: &mut Value) {
    let now = rfc3339(jiff::Timestamp::now());
    let uid = str_at(p, &["metadata", "uid"]).to_string();
    let sidecars = super::scenario::build::sidecar_names(p);
    for key in ["initContainerStatuses", "containerStatuses"] {
        for cs in p["status"][key].as_array_mut().into_iter().flatten() {
            let name = cs["name"].as_str().unwrap_or("").to_string();
            cs["containerID"] = json!(container_id(&uid, &name, 0));
            let runs = key == "containerStatuses" || sidecars.contains(&name);
            if runs {
                cs["state"] = json!({"running": {"startedAt": now}});
                cs["ready"] = json!(true);
                cs["started"] = json!(true);
            } else {
                cs["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now, "containerID": cs["containerID"].clone()}});
                cs["ready"] = json!(false);
                cs["started"] = json!(false);
            }
        }
    }
    refresh_pod(p);
}

/// Delete pod `ns/name` and create its replacement (Running and Ready after [`START_DELAY`]);
/// the new pod's name.
pub fn replace_pod(state: &Arc<SimState>, ns: &str, name: &str) -> Result<String, String> {
    let store = &state.store;
    let idx = store
        .find_kind("v1", "Pod")
        .ok_or_else(|| format!("pods \"{name}\" not found"))?;
    let old = store
        .get(idx, ns, name)
        .ok_or_else(|| format!("pods \"{name}\" not found"))?;
    let generate = generate_name(&old.value);
    let new_name = loop {
        let n = format!("{generate}{}", suffix());
        if store.get(idx, ns, &n).is_none() {
            break n;
        }
    };
    let fresh = copy(&old.value, &new_name, &generate, ns);
    store.delete(idx, ns, name);
    state.pod_removed();
    state.move_backends(ns, name, &new_name);
    store.upsert(fresh)?;
    let (state, ns, pod) = (state.clone(), ns.to_string(), new_name.clone());
    let run = move || {
        if let Some(idx) = state.store.find_kind("v1", "Pod") {
            state.store.update(idx, &ns, &pod, start);
        }
    };
    match tokio::runtime::Handle::try_current() {
        Ok(h) => {
            h.spawn(async move {
                tokio::time::sleep(START_DELAY).await;
                run();
            });
        }
        Err(_) => run(),
    }
    Ok(new_name)
}

/// `DELETE /api/v1/namespaces/NS/pods/NAME`: a pod a ReplicaSet owns is replaced (the
/// ReplicaSet's part, done at once), any other is gone. The answer is the deleted pod.
pub fn delete_pod(state: &Arc<SimState>, ns: &str, name: &str) -> hyper::Response<Body> {
    let Some(idx) = state.store.find_kind("v1", "Pod") else {
        return error(&ApiError::not_found("pods", "", name));
    };
    let Some(old) = state.store.get(idx, ns, name) else {
        return error(&ApiError::not_found("pods", "", name));
    };
    let mut gone = (*old.value).clone();
    gone["metadata"]["deletionTimestamp"] = json!(rfc3339(jiff::Timestamp::now()));
    gone["metadata"]["deletionGracePeriodSeconds"] = json!(0);
    if replica_set(&old.value).is_some() {
        if let Err(e) = replace_pod(state, ns, name) {
            return error(&ApiError::internal(e));
        }
    } else {
        state.store.delete(idx, ns, name);
        state.pod_removed();
    }
    json_response(&gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_replica_set_and_the_copy_starts_creating() {
        let old = json!({
            "metadata": {"name": "web-5d8f7-abcde", "namespace": "ns", "uid": "u1",
                         "labels": {"app": "web"},
                         "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d8f7"}]},
            "spec": {"nodeName": "n1", "containers": [{"name": "app", "image": "busybox"}]},
            "status": {"phase": "Running"},
        });
        assert_eq!(generate_name(&old), "web-5d8f7-");
        let s = suffix();
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|b| ALPHABET.contains(&b)));
        let mut p = copy(&old, "web-5d8f7-xyz12", "web-5d8f7-", "ns");
        assert_eq!(p["metadata"]["labels"]["app"], "web");
        assert_ne!(p["metadata"]["uid"], "u1");
        assert_eq!(p["status"]["phase"], "Pending");
        assert_eq!(
            p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"],
            "ContainerCreating"
        );
        start(&mut p);
        assert_eq!(p["status"]["phase"], "Running");
        assert_eq!(p["status"]["containerStatuses"][0]["ready"], true);
        let ready = p["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Ready")
            .unwrap()
            .clone();
        assert_eq!(ready["status"], "True");
    }
}
