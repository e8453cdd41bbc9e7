//! Table columns and cells for the standard kinds beyond pods, services and events: workloads,
//! batch, networking, RBAC, storage and EndpointSlices, laid out as the apiserver's printers
//! (`pkg/printers/internalversion/printers.go`, Kubernetes 1.32) lay them out.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::store::str_at;
use crate::core::age::{age_since, human_duration_signed};

/// A column: its name and priority (1: only with `-o wide`).
pub type ColDef = (&'static str, u8);

const TEMPLATE_WIDE: [ColDef; 3] = [("Containers", 1), ("Images", 1), ("Selector", 1)];

/// Columns after `Name` for a kind, or None when the printers only show Name and Age.
pub fn columns(group: &str, kind: &str) -> Option<Vec<ColDef>> {
    let with_template = |cols: &[ColDef]| {
        let mut v = cols.to_vec();
        v.extend(TEMPLATE_WIDE);
        v
    };
    Some(match (group, kind) {
        ("apps", "ReplicaSet") | ("", "ReplicationController") => {
            with_template(&[("Desired", 0), ("Current", 0), ("Ready", 0), ("Age", 0)])
        }
        ("apps", "Deployment") => with_template(&[
            ("Ready", 0),
            ("Up-to-date", 0),
            ("Available", 0),
            ("Age", 0),
        ]),
        ("apps", "DaemonSet") => with_template(&[
            ("Desired", 0),
            ("Current", 0),
            ("Ready", 0),
            ("Up-to-date", 0),
            ("Available", 0),
            ("Node Selector", 0),
            ("Age", 0),
        ]),
        ("apps", "StatefulSet") => vec![("Ready", 0), ("Age", 0), ("Containers", 1), ("Images", 1)],
        ("batch", "Job") => with_template(&[
            ("Status", 0),
            ("Completions", 0),
            ("Duration", 0),
            ("Age", 0),
        ]),
        ("batch", "CronJob") => with_template(&[
            ("Schedule", 0),
            ("Timezone", 0),
            ("Suspend", 0),
            ("Active", 0),
            ("Last Schedule", 0),
            ("Age", 0),
        ]),
        ("networking.k8s.io", "Ingress") => vec![
            ("Class", 0),
            ("Hosts", 0),
            ("Address", 0),
            ("Ports", 0),
            ("Age", 0),
        ],
        ("networking.k8s.io", "NetworkPolicy") => vec![("Pod-Selector", 0), ("Age", 0)],
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole")
        | ("apiextensions.k8s.io", "CustomResourceDefinition") => vec![("Created At", 0)],
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => vec![
            ("Role", 0),
            ("Age", 0),
            ("Users", 1),
            ("Groups", 1),
            ("ServiceAccounts", 1),
        ],
        ("storage.k8s.io", "StorageClass") => vec![
            ("Provisioner", 0),
            ("ReclaimPolicy", 0),
            ("VolumeBindingMode", 0),
            ("AllowVolumeExpansion", 0),
            ("Age", 0),
        ],
        ("", "PersistentVolume") => vec![
            ("Capacity", 0),
            ("Access Modes", 0),
            ("Reclaim Policy", 0),
            ("Status", 0),
            ("Claim", 0),
            ("StorageClass", 0),
            ("VolumeAttributesClass", 0),
            ("Reason", 0),
            ("Age", 0),
            ("VolumeMode", 1),
        ],
        ("", "PersistentVolumeClaim") => vec![
            ("Status", 0),
            ("Volume", 0),
            ("Capacity", 0),
            ("Access Modes", 0),
            ("StorageClass", 0),
            ("VolumeAttributesClass", 0),
            ("Age", 0),
            ("VolumeMode", 1),
        ],
        ("", "ServiceAccount") => vec![("Secrets", 0), ("Age", 0)],
        ("coordination.k8s.io", "Lease") => vec![("Holder", 0), ("Age", 0)],
        ("discovery.k8s.io", "EndpointSlice") => vec![
            ("AddressType", 0),
            ("Ports", 0),
            ("Endpoints", 0),
            ("Age", 0),
        ],
        _ => return None,
    })
}

fn int(v: &Value, path: &[&str]) -> i64 {
    path.iter().fold(v, |v, p| &v[*p]).as_i64().unwrap_or(0)
}

fn or_none(s: String) -> String {
    if s.is_empty() { "<none>".into() } else { s }
}

/// `containers` and `images` of a pod template's spec, comma-joined.
fn template_cells(pod_spec: &Value) -> (Value, Value) {
    let cs = pod_spec["containers"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let names: Vec<&str> = cs.iter().map(|c| str_at(c, &["name"])).collect();
    let images: Vec<&str> = cs.iter().map(|c| str_at(c, &["image"])).collect();
    (json!(names.join(",")), json!(images.join(",")))
}

/// A `k=v` map as the printers write selectors and node selectors (sorted by key).
fn format_map(m: &Value) -> String {
    let mut kv: Vec<String> = m
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    kv.sort();
    kv.join(",")
}

/// `metav1.FormatLabelSelector`: matchLabels and matchExpressions, `<none>` when empty.
fn format_label_selector(sel: &Value) -> String {
    let mut reqs: Vec<(String, String)> = sel["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), format!("{k}={}", v.as_str().unwrap_or(""))))
        .collect();
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let key = str_at(e, &["key"]);
        let values: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let text = match str_at(e, &["operator"]) {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            other => format!("{key} {other} ({})", values.join(",")),
        };
        reqs.push((key.to_string(), text));
    }
    reqs.sort();
    or_none(
        reqs.into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Upstream `listWithMoreString`: the first three, then ` + N more...`; `<unset>` when empty.
fn list_with_more(all: Vec<String>) -> String {
    const MAX: usize = 3;
    let ret = all.iter().take(MAX).cloned().collect::<Vec<_>>().join(",");
    if all.len() > MAX {
        format!("{ret} + {} more...", all.len() - MAX)
    } else if ret.is_empty() {
        "<unset>".into()
    } else {
        ret
    }
}

fn ts(v: &Value, path: &[&str]) -> Option<Timestamp> {
    str_at(v, path).parse().ok()
}

/// Upstream `printJob`'s status: the first terminal or notable condition that is True.
fn job_status(v: &Value) -> &'static str {
    let has = |ty: &str| {
        v["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == ty && c["status"] == "True")
    };
    if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if !v["metadata"]["deletionTimestamp"].is_null() {
        "Terminating"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else if has("Suspended") {
        "Suspended"
    } else if has("SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    }
}

fn job_completions(v: &Value) -> String {
    let succeeded = int(v, &["status", "succeeded"]);
    match v["spec"]["completions"].as_i64() {
        Some(c) => format!("{succeeded}/{c}"),
        None => match v["spec"]["parallelism"].as_i64().unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    }
}

fn job_duration(v: &Value, now: Timestamp) -> String {
    let Some(start) = ts(v, &["status", "startTime"]) else {
        return String::new();
    };
    let end = ts(v, &["status", "completionTime"]).unwrap_or(now);
    human_duration_signed(end.duration_since(start))
}

fn access_modes(v: &Value) -> String {
    let modes: Vec<&str> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|m| match m {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect();
    modes.join(",")
}

fn subjects(v: &Value, kind: &str) -> String {
    v["subjects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["kind"] == kind)
        .map(|s| {
            let ns = str_at(s, &["namespace"]);
            if kind == "ServiceAccount" {
                format!("{ns}/{}", str_at(s, &["name"]))
            } else {
                str_at(s, &["name"]).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Upstream `formatHosts`: the rules' hosts, first three then ` + N more...`; `*` when none.
fn ingress_hosts(v: &Value) -> String {
    let hosts: Vec<String> = v["spec"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| str_at(r, &["host"]).to_string())
        .filter(|h| !h.is_empty())
        .collect();
    if hosts.is_empty() {
        return "*".into();
    }
    let shown = hosts.iter().take(3).cloned().collect::<Vec<_>>().join(",");
    if hosts.len() > 3 {
        format!("{shown} + {} more...", hosts.len() - 3)
    } else {
        shown
    }
}

fn load_balancer(v: &Value) -> String {
    v["status"]["loadBalancer"]["ingress"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            let ip = str_at(i, &["ip"]);
            if ip.is_empty() {
                str_at(i, &["hostname"]).to_string()
            } else {
                ip.to_string()
            }
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

/// Cells after `Name` for a kind [`columns`] knows, in the same order.
pub fn cells(group: &str, kind: &str, v: &Value, now: Timestamp) -> Vec<Value> {
    let created = ts(v, &["metadata", "creationTimestamp"])
        .map_or_else(|| "<unknown>".into(), |t| age_since(t, now));
    let s = &v["status"];
    match (group, kind) {
        ("apps", "ReplicaSet") | ("", "ReplicationController") => {
            let (containers, images) = template_cells(&v["spec"]["template"]["spec"]);
            let selector = if kind == "ReplicationController" {
                or_none(format_map(&v["spec"]["selector"]))
            } else {
                format_label_selector(&v["spec"]["selector"])
            };
            vec![
                json!(v["spec"]["replicas"].as_i64().unwrap_or(1)),
                json!(int(s, &["replicas"])),
                json!(int(s, &["readyReplicas"])),
                json!(created),
                containers,
                images,
                json!(selector),
            ]
        }
        ("apps", "Deployment") => {
            let (containers, images) = template_cells(&v["spec"]["template"]["spec"]);
            vec![
                json!(format!(
                    "{}/{}",
                    int(s, &["readyReplicas"]),
                    v["spec"]["replicas"].as_i64().unwrap_or(1)
                )),
                json!(int(s, &["updatedReplicas"])),
                json!(int(s, &["availableReplicas"])),
                json!(created),
                containers,
                images,
                json!(format_label_selector(&v["spec"]["selector"])),
            ]
        }
        ("apps", "DaemonSet") => {
            let (containers, images) = template_cells(&v["spec"]["template"]["spec"]);
            vec![
                json!(int(s, &["desiredNumberScheduled"])),
                json!(int(s, &["currentNumberScheduled"])),
                json!(int(s, &["numberReady"])),
                json!(int(s, &["updatedNumberScheduled"])),
                json!(int(s, &["numberAvailable"])),
                json!(or_none(format_map(
                    &v["spec"]["template"]["spec"]["nodeSelector"]
                ))),
                json!(created),
                containers,
                images,
                json!(format_label_selector(&v["spec"]["selector"])),
            ]
        }
        ("apps", "StatefulSet") => {
            let (containers, images) = template_cells(&v["spec"]["template"]["spec"]);
            vec![
                json!(format!(
                    "{}/{}",
                    int(s, &["readyReplicas"]),
                    v["spec"]["replicas"].as_i64().unwrap_or(1)
                )),
                json!(created),
                containers,
                images,
            ]
        }
        ("batch", "Job") => {
            let (containers, images) = template_cells(&v["spec"]["template"]["spec"]);
            vec![
                json!(job_status(v)),
                json!(job_completions(v)),
                json!(job_duration(v, now)),
                json!(created),
                containers,
                images,
                json!(format_label_selector(&v["spec"]["selector"])),
            ]
        }
        ("batch", "CronJob") => {
            let job = &v["spec"]["jobTemplate"]["spec"];
            let (containers, images) = template_cells(&job["template"]["spec"]);
            let last = ts(v, &["status", "lastScheduleTime"])
                .map_or_else(|| "<none>".into(), |t| age_since(t, now));
            vec![
                json!(str_at(v, &["spec", "schedule"])),
                json!(or_none(str_at(v, &["spec", "timeZone"]).into())),
                json!(if v["spec"]["suspend"].as_bool() == Some(true) {
                    "True"
                } else {
                    "False"
                }),
                json!(s["active"].as_array().map_or(0, Vec::len)),
                json!(last),
                json!(created),
                containers,
                images,
                json!(format_label_selector(&job["selector"])),
            ]
        }
        ("networking.k8s.io", "Ingress") => {
            let tls = v["spec"]["tls"].as_array().is_some_and(|t| !t.is_empty());
            vec![
                json!(or_none(str_at(v, &["spec", "ingressClassName"]).into())),
                json!(ingress_hosts(v)),
                json!(load_balancer(v)),
                json!(if tls { "80, 443" } else { "80" }),
                json!(created),
            ]
        }
        ("networking.k8s.io", "NetworkPolicy") => vec![
            json!(format_label_selector(&v["spec"]["podSelector"])),
            json!(created),
        ],
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole")
        | ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            vec![json!(str_at(v, &["metadata", "creationTimestamp"]))]
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => vec![
            json!(format!(
                "{}/{}",
                str_at(v, &["roleRef", "kind"]),
                str_at(v, &["roleRef", "name"])
            )),
            json!(created),
            json!(subjects(v, "User")),
            json!(subjects(v, "Group")),
            json!(subjects(v, "ServiceAccount")),
        ],
        ("storage.k8s.io", "StorageClass") => vec![
            json!(str_at(v, &["provisioner"])),
            json!(match str_at(v, &["reclaimPolicy"]) {
                "" => "Delete",
                p => p,
            }),
            json!(match str_at(v, &["volumeBindingMode"]) {
                "" => "Immediate",
                m => m,
            }),
            json!(v["allowVolumeExpansion"].as_bool().unwrap_or(false)),
            json!(created),
        ],
        ("", "PersistentVolume") => {
            let claim = &v["spec"]["claimRef"];
            let claim = if claim.is_object() {
                format!(
                    "{}/{}",
                    str_at(claim, &["namespace"]),
                    str_at(claim, &["name"])
                )
            } else {
                String::new()
            };
            let phase = if v["metadata"]["deletionTimestamp"].is_null() {
                str_at(v, &["status", "phase"])
            } else {
                "Terminating"
            };
            vec![
                json!(str_at(v, &["spec", "capacity", "storage"])),
                json!(access_modes(&v["spec"]["accessModes"])),
                json!(str_at(v, &["spec", "persistentVolumeReclaimPolicy"])),
                json!(phase),
                json!(claim),
                json!(str_at(v, &["spec", "storageClassName"])),
                json!(unset(str_at(v, &["spec", "volumeAttributesClassName"]))),
                json!(str_at(v, &["status", "reason"])),
                json!(created),
                json!(unset(str_at(v, &["spec", "volumeMode"]))),
            ]
        }
        ("", "PersistentVolumeClaim") => {
            let bound = str_at(v, &["status", "phase"]) == "Bound";
            let phase = if v["metadata"]["deletionTimestamp"].is_null() {
                str_at(v, &["status", "phase"])
            } else {
                "Terminating"
            };
            vec![
                json!(phase),
                json!(str_at(v, &["spec", "volumeName"])),
                json!(if bound {
                    str_at(v, &["status", "capacity", "storage"])
                } else {
                    ""
                }),
                json!(if bound {
                    access_modes(&v["status"]["accessModes"])
                } else {
                    String::new()
                }),
                json!(str_at(v, &["spec", "storageClassName"])),
                json!(unset(str_at(v, &["spec", "volumeAttributesClassName"]))),
                json!(created),
                json!(unset(str_at(v, &["spec", "volumeMode"]))),
            ]
        }
        ("", "ServiceAccount") => vec![
            json!(v["secrets"].as_array().map_or(0, Vec::len)),
            json!(created),
        ],
        ("coordination.k8s.io", "Lease") => {
            vec![
                json!(str_at(v, &["spec", "holderIdentity"])),
                json!(created),
            ]
        }
        ("discovery.k8s.io", "EndpointSlice") => {
            let ports: Vec<String> = v["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| match (p["port"].as_i64(), p["name"].as_str()) {
                    (Some(n), _) => n.to_string(),
                    (None, Some(name)) => name.to_string(),
                    (None, None) => "*".into(),
                })
                .collect();
            let addrs: Vec<String> = v["endpoints"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|e| e["addresses"].as_array().into_iter().flatten())
                .filter_map(|a| a.as_str().map(String::from))
                .collect();
            vec![
                json!(str_at(v, &["addressType"])),
                json!(list_with_more(ports)),
                json!(list_with_more(addrs)),
                json!(created),
            ]
        }
        _ => vec![json!(created)],
    }
}

fn unset(s: &str) -> String {
    if s.is_empty() {
        "<unset>".into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_kind_has_as_many_cells_as_columns() {
        let now = Timestamp::now();
        let v = json!({"metadata": {"name": "x", "creationTimestamp": "2024-01-01T00:00:00Z"}});
        for (g, k) in [
            ("apps", "ReplicaSet"),
            ("", "ReplicationController"),
            ("apps", "Deployment"),
            ("apps", "DaemonSet"),
            ("apps", "StatefulSet"),
            ("batch", "Job"),
            ("batch", "CronJob"),
            ("networking.k8s.io", "Ingress"),
            ("networking.k8s.io", "NetworkPolicy"),
            ("rbac.authorization.k8s.io", "Role"),
            ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
            ("storage.k8s.io", "StorageClass"),
            ("", "PersistentVolume"),
            ("", "PersistentVolumeClaim"),
            ("", "ServiceAccount"),
            ("coordination.k8s.io", "Lease"),
            ("discovery.k8s.io", "EndpointSlice"),
        ] {
            let cols = columns(g, k).unwrap();
            assert_eq!(cols.len(), cells(g, k, &v, now).len(), "{g}/{k}");
        }
    }

    #[test]
    fn selectors_and_jobs_print_like_kubectl() {
        let sel = json!({"matchLabels": {"b": "2", "a": "1"}, "matchExpressions": [
            {"key": "c", "operator": "In", "values": ["x", "y"]}]});
        assert_eq!(format_label_selector(&sel), "a=1,b=2,c in (x,y)");
        assert_eq!(format_label_selector(&json!({})), "<none>");
        let job = json!({"spec": {"completions": 3}, "status": {"succeeded": 2,
            "conditions": [{"type": "Complete", "status": "True"}]}});
        assert_eq!(job_completions(&job), "2/3");
        assert_eq!(job_status(&job), "Complete");
        assert_eq!(
            list_with_more((1..=5).map(|i| i.to_string()).collect()),
            "1,2,3 + 2 more..."
        );
    }
}
