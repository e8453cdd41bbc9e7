//! Table columns and cells for the standard kinds beyond pods, services and events: workloads,
//! batch, networking, RBAC, storage and EndpointSlices, laid out as the apiserver's printers
//! (`pkg/printers/internalversion/printers.go`, Kubernetes 1.32) lay them out. Checked against
//! that file: the `*ColumnDefinitions` in `AddHandlers` for names, order and priorities, and
//! each `print<Kind>` for its cells. The apiserver always generates the wide cells (kubectl
//! hides priority-1 columns), so nothing here is clipped as `-o wide`-less output would be.

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
        // `selection.Requirement.String` prints its values as a sorted set.
        let values: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
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

/// Upstream `printJob`'s status, in its order: Complete, Failed, Terminating (deleting),
/// Suspended, FailureTarget, else Running. `hasJobCondition` looks at the first condition of a
/// type only. 1.32's printer has no SuccessCriteriaMet case: such a job prints Running until
/// its Complete condition arrives.
fn job_status(v: &Value) -> &'static str {
    let has = |ty: &str| {
        v["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["type"] == ty)
            .is_some_and(|c| c["status"] == "True")
    };
    if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if !v["metadata"]["deletionTimestamp"].is_null() {
        "Terminating"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
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

/// Upstream `formatHosts`: the non-empty hosts of the rules until three are listed; once a
/// rule comes after the third, ` + N more...` where N counts the remaining *rules* (hostless
/// ones too); `*` when no rule names a host.
fn ingress_hosts(v: &Value) -> String {
    const MAX: usize = 3;
    let rules = v["spec"]["rules"].as_array().map_or(&[][..], Vec::as_slice);
    let mut list: Vec<&str> = vec![];
    let mut more = false;
    for r in rules {
        if list.len() == MAX {
            more = true;
        }
        let host = str_at(r, &["host"]);
        if !more && !host.is_empty() {
            list.push(host);
        }
    }
    if list.is_empty() {
        return "*".into();
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", rules.len() - MAX)
    } else {
        ret
    }
}

/// Upstream `ingressLoadBalancerStatusStringer` (wide, as the apiserver prints it): each
/// ingress point's IP, else its hostname, as a sorted set.
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
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(",")
}

/// Upstream `helper.GetPersistentVolumeClass` / `GetPersistentVolumeClaimClass`: the beta
/// annotation wins over `spec.storageClassName`.
fn storage_class(v: &Value) -> &str {
    match v["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"].as_str() {
        Some(class) => class,
        None => str_at(v, &["spec", "storageClassName"]),
    }
}

/// Upstream `storageutil.IsDefaultAnnotation`: a StorageClass marked default (GA or beta
/// annotation) prints its name as `NAME (default)`.
pub fn is_default_storage_class(v: &Value) -> bool {
    let a = &v["metadata"]["annotations"];
    a["storageclass.kubernetes.io/is-default-class"] == "true"
        || a["storageclass.beta.kubernetes.io/is-default-class"] == "true"
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
                // printDeployment prints `LabelSelectorAsSelector(..).String()`, not
                // FormatLabelSelector: an empty selector is "", not <none>.
                json!(match format_label_selector(&v["spec"]["selector"]) {
                    s if s == "<none>" => String::new(),
                    s => s,
                }),
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
                // `<none>` only when timeZone is unset (printCronJob).
                json!(v["spec"]["timeZone"].as_str().unwrap_or("<none>")),
                // printBoolPtr would print <unset> for a nil suspend, but the apiserver
                // defaults it to false (SetDefaults_CronJob), so a cluster shows False.
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
        // No printer for these: the default table convertor's `Created At`, the creation time
        // in UTC as RFC 3339 to the second.
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole")
        | ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            vec![json!(
                ts(v, &["metadata", "creationTimestamp"])
                    .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
                    .unwrap_or_default()
            )]
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
                json!(storage_class(v)),
                json!(unset(str_at(v, &["spec", "volumeAttributesClassName"]))),
                json!(str_at(v, &["status", "reason"])),
                json!(created),
                json!(unset(str_at(v, &["spec", "volumeMode"]))),
            ]
        }
        ("", "PersistentVolumeClaim") => {
            // printPersistentVolumeClaim shows capacity and access modes once the claim names
            // its volume, whatever its phase.
            let bound = !str_at(v, &["spec", "volumeName"]).is_empty();
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
                json!(storage_class(v)),
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
        let sel = json!({"matchExpressions": [{"key": "k", "operator": "NotIn", "values": ["b", "a", "b"]}]});
        assert_eq!(format_label_selector(&sel), "k notin (a,b)");
    }

    fn cell(g: &str, k: &str, v: &Value, col: &str) -> Value {
        let i = columns(g, k)
            .unwrap()
            .iter()
            .position(|c| c.0 == col)
            .unwrap();
        cells(g, k, v, Timestamp::now())[i].clone()
    }

    #[test]
    fn job_status_follows_print_job_order() {
        let job = |conds: Value| json!({"status": {"conditions": conds}});
        let c = |ty: &str| json!({"type": ty, "status": "True"});
        // Suspended is checked before FailureTarget.
        assert_eq!(
            job_status(&job(json!([c("FailureTarget"), c("Suspended")]))),
            "Suspended"
        );
        assert_eq!(
            job_status(&job(json!([c("FailureTarget")]))),
            "FailureTarget"
        );
        // 1.32 has no SuccessCriteriaMet case.
        assert_eq!(
            job_status(&job(json!([c("SuccessCriteriaMet")]))),
            "Running"
        );
        assert_eq!(
            job_status(&job(json!([c("Failed"), c("Complete")]))),
            "Complete"
        );
        // Only the first condition of a type counts.
        let twice = json!([{"type": "Failed", "status": "False"}, c("Failed")]);
        assert_eq!(job_status(&job(twice)), "Running");
        let mut deleting = job(json!([c("Suspended")]));
        deleting["metadata"]["deletionTimestamp"] = json!("2024-01-01T00:00:00Z");
        assert_eq!(job_status(&deleting), "Terminating");
    }

    #[test]
    fn cronjob_pvc_ingress_and_role_cells_follow_the_printers() {
        let cj = json!({"spec": {"schedule": "*/5 * * * *", "timeZone": "Etc/UTC"}});
        assert_eq!(cell("batch", "CronJob", &cj, "Timezone"), "Etc/UTC");
        assert_eq!(cell("batch", "CronJob", &cj, "Suspend"), "False");
        let cj = json!({"spec": {"schedule": "@daily"}});
        assert_eq!(cell("batch", "CronJob", &cj, "Timezone"), "<none>");

        // Capacity and access modes once the claim names its volume, even while Pending.
        let pvc = json!({"metadata": {"annotations": {"volume.beta.kubernetes.io/storage-class": "old"}},
            "spec": {"volumeName": "pv-1", "storageClassName": "new"},
            "status": {"phase": "Pending", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"]}});
        assert_eq!(cell("", "PersistentVolumeClaim", &pvc, "Capacity"), "1Gi");
        assert_eq!(
            cell("", "PersistentVolumeClaim", &pvc, "Access Modes"),
            "RWO"
        );
        assert_eq!(
            cell("", "PersistentVolumeClaim", &pvc, "StorageClass"),
            "old"
        );
        assert_eq!(
            cell("", "PersistentVolumeClaim", &pvc, "VolumeAttributesClass"),
            "<unset>"
        );
        let unbound =
            json!({"spec": {}, "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}}});
        assert_eq!(cell("", "PersistentVolumeClaim", &unbound, "Capacity"), "");

        // formatHosts counts the rules left, hostless ones included.
        let rules = json!([{"host": "a"}, {}, {"host": "b"}, {"host": "c"}, {}, {"host": "d"}]);
        let ing = json!({"spec": {"rules": rules}, "status": {"loadBalancer": {"ingress": [
            {"ip": "10.0.0.2"}, {"hostname": "lb.example"}, {"ip": "10.0.0.2"}]}}});
        assert_eq!(
            cell("networking.k8s.io", "Ingress", &ing, "Hosts"),
            "a,b,c + 3 more..."
        );
        assert_eq!(
            cell("networking.k8s.io", "Ingress", &ing, "Address"),
            "10.0.0.2,lb.example"
        );
        assert_eq!(
            cell("networking.k8s.io", "Ingress", &json!({}), "Hosts"),
            "*"
        );
        assert_eq!(
            cell("networking.k8s.io", "Ingress", &json!({}), "Class"),
            "<none>"
        );

        let role = json!({"metadata": {"creationTimestamp": "2024-05-06T07:08:09.123456Z"}});
        assert_eq!(
            cell("rbac.authorization.k8s.io", "Role", &role, "Created At"),
            "2024-05-06T07:08:09Z"
        );

        let d = json!({"spec": {"selector": {}}});
        assert_eq!(cell("apps", "Deployment", &d, "Selector"), "");
        assert_eq!(cell("apps", "ReplicaSet", &d, "Selector"), "<none>");
    }
}
