//! Server-side `Table` responses, so `kubectl get` prints the same columns as on a cluster.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

use super::resources::ResourceType;
use super::store::{Stored, str_at};
use super::table_kinds;
use crate::core::age::age_since;
use crate::core::pod_status;

struct Col {
    name: &'static str,
    priority: u8,
    format: &'static str,
}

const fn col(name: &'static str, priority: u8) -> Col {
    Col {
        name,
        priority,
        format: "",
    }
}

fn columns(rt: &ResourceType) -> Vec<Col> {
    let name = Col {
        name: "Name",
        priority: 0,
        format: "name",
    };
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Pod") => vec![
            name,
            col("Ready", 0),
            col("Status", 0),
            col("Restarts", 0),
            col("Age", 0),
            col("IP", 1),
            col("Node", 1),
            col("Nominated Node", 1),
            col("Readiness Gates", 1),
        ],
        ("", "Service") => {
            vec![
                name,
                col("Type", 0),
                col("Cluster-IP", 0),
                col("External-IP", 0),
                col("Port(s)", 0),
                col("Age", 0),
                col("Selector", 1),
            ]
        }
        ("", "Event") => vec![
            col("Last Seen", 0),
            col("Type", 0),
            col("Reason", 0),
            col("Object", 0),
            col("Subobject", 1),
            col("Source", 1),
            col("Message", 0),
            col("First Seen", 1),
            col("Count", 1),
            col("Name", 1),
        ],
        ("", "Namespace") => vec![name, col("Status", 0), col("Age", 0)],
        ("", "Node") => vec![
            name,
            col("Status", 0),
            col("Roles", 0),
            col("Age", 0),
            col("Version", 0),
            col("Internal-IP", 1),
            col("External-IP", 1),
            col("OS-Image", 1),
            col("Kernel-Version", 1),
            col("Container-Runtime", 1),
        ],
        ("", "Endpoints") => vec![name, col("Endpoints", 0), col("Age", 0)],
        ("", "Secret") => vec![name, col("Type", 0), col("Data", 0), col("Age", 0)],
        ("", "ConfigMap") => vec![name, col("Data", 0), col("Age", 0)],
        ("argoproj.io", "Workflow") => {
            vec![name, col("Status", 0), col("Age", 0), col("Message", 0)]
        }
        ("tekton.dev", "PipelineRun" | "TaskRun") => {
            vec![
                name,
                col("Succeeded", 0),
                col("Reason", 0),
                col("StartTime", 0),
                col("CompletionTime", 0),
            ]
        }
        ("serving.kserve.io", "InferenceService") => {
            vec![name, col("URL", 0), col("Ready", 0), col("Age", 0)]
        }
        (group, kind) => {
            let rest = table_kinds::columns(group, kind).unwrap_or_else(|| vec![("Age", 0)]);
            std::iter::once(name)
                .chain(rest.into_iter().map(|(n, p)| col(n, p)))
                .collect()
        }
    }
}

fn ts(v: &Value, path: &[&str]) -> Option<Timestamp> {
    str_at(v, path).parse().ok()
}

fn age(v: &Value, path: &[&str], now: Timestamp) -> String {
    ts(v, path).map_or_else(|| "<unknown>".into(), |t| age_since(t, now))
}

fn condition(v: &Value, ty: &str, field: &str) -> String {
    v["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == ty))
        .map(|c| str_at(c, &[field]).to_string())
        .unwrap_or_default()
}

fn none_if_empty(s: String) -> String {
    if s.is_empty() { "<none>".into() } else { s }
}

fn cells(rt: &ResourceType, v: &Value, now: Timestamp) -> Vec<Value> {
    let name = json!(str_at(v, &["metadata", "name"]));
    let created = age(v, &["metadata", "creationTimestamp"], now);
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Pod") => {
            let pod: Pod = serde_json::from_value(v.clone()).unwrap_or_default();
            let gates = pod
                .spec
                .as_ref()
                .and_then(|s| s.readiness_gates.as_ref())
                .map_or(0, |g| g.len());
            vec![
                name,
                json!(pod_status::ready_text(&pod)),
                json!(pod_status::pod_status(&pod)),
                json!(pod_status::restarts_text(&pod, now)),
                json!(created),
                json!(none_if_empty(str_at(v, &["status", "podIP"]).into())),
                json!(none_if_empty(str_at(v, &["spec", "nodeName"]).into())),
                json!(none_if_empty(
                    str_at(v, &["status", "nominatedNodeName"]).into()
                )),
                json!(if gates == 0 {
                    "<none>".to_string()
                } else {
                    format!("0/{gates}")
                }),
            ]
        }
        ("", "Service") => {
            let ports: Vec<String> = v["spec"]["ports"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            let proto = p["protocol"].as_str().unwrap_or("TCP");
                            match p["nodePort"].as_i64() {
                                Some(np) => format!("{}:{np}/{proto}", p["port"]),
                                None => format!("{}/{proto}", p["port"]),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let external = service_external_ip(v);
            let selector = v["spec"]["selector"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            vec![
                name,
                json!(if str_at(v, &["spec", "type"]).is_empty() {
                    "ClusterIP"
                } else {
                    str_at(v, &["spec", "type"])
                }),
                json!(none_if_empty(str_at(v, &["spec", "clusterIP"]).into())),
                json!(external),
                json!(if ports.is_empty() {
                    "<none>".to_string()
                } else {
                    ports.join(",")
                }),
                json!(created),
                json!(none_if_empty(selector)),
            ]
        }
        ("", "Event") => {
            let last = ts(v, &["lastTimestamp"])
                .or_else(|| ts(v, &["eventTime"]))
                .or_else(|| ts(v, &["metadata", "creationTimestamp"]));
            let first = ts(v, &["firstTimestamp"]).or_else(|| ts(v, &["eventTime"]));
            let obj = format!(
                "{}/{}",
                str_at(v, &["involvedObject", "kind"]).to_ascii_lowercase(),
                str_at(v, &["involvedObject", "name"])
            );
            let source = [
                str_at(v, &["source", "component"]),
                str_at(v, &["source", "host"]),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
            vec![
                json!(last.map_or("<unknown>".into(), |t| age_since(t, now))),
                json!(str_at(v, &["type"])),
                json!(str_at(v, &["reason"])),
                json!(obj),
                json!(str_at(v, &["involvedObject", "fieldPath"])),
                json!(source),
                json!(str_at(v, &["message"]).trim()),
                json!(first.map_or("<unknown>".into(), |t| age_since(t, now))),
                json!(v["count"].as_i64().unwrap_or(1)),
                name,
            ]
        }
        ("", "Namespace") => vec![name, json!(str_at(v, &["status", "phase"])), json!(created)],
        ("", "Node") => {
            // printNode: Ready or NotReady from the Ready condition, Unknown without one, then
            // SchedulingDisabled for a cordoned node.
            let mut status = match v["status"]["conditions"]
                .as_array()
                .and_then(|cs| cs.iter().rev().find(|c| c["type"] == "Ready"))
            {
                Some(c) if c["status"] == "True" => "Ready".to_string(),
                Some(_) => "NotReady".to_string(),
                None => "Unknown".to_string(),
            };
            if v["spec"]["unschedulable"].as_bool() == Some(true) {
                status.push_str(",SchedulingDisabled");
            }
            let info = &v["status"]["nodeInfo"];
            let unknown = |field: &str| match str_at(info, &[field]) {
                "" => "<unknown>".to_string(),
                s => s.to_string(),
            };
            vec![
                name,
                json!(status),
                json!(none_if_empty(node_roles(v))),
                json!(created),
                json!(str_at(info, &["kubeletVersion"])),
                json!(none_if_empty(node_address(v, "InternalIP"))),
                json!(none_if_empty(node_address(v, "ExternalIP"))),
                json!(unknown("osImage")),
                json!(unknown("kernelVersion")),
                json!(unknown("containerRuntimeVersion")),
            ]
        }
        ("storage.k8s.io", "StorageClass") if table_kinds::is_default_storage_class(v) => {
            let name = json!(format!("{} (default)", str_at(v, &["metadata", "name"])));
            std::iter::once(name)
                .chain(table_kinds::cells("storage.k8s.io", "StorageClass", v, now))
                .collect()
        }
        ("", "Endpoints") => vec![name, json!(format_endpoints(v)), json!(created)],
        ("", "Secret") => {
            let n = v["data"].as_object().map_or(0, |d| d.len());
            vec![name, json!(str_at(v, &["type"])), json!(n), json!(created)]
        }
        ("", "ConfigMap") => vec![
            name,
            json!(v["data"].as_object().map_or(0, |d| d.len())),
            json!(created),
        ],
        ("argoproj.io", "Workflow") => vec![
            name,
            json!(str_at(v, &["status", "phase"])),
            json!(age(v, &["status", "startedAt"], now)),
            json!(str_at(v, &["status", "message"])),
        ],
        ("tekton.dev", "PipelineRun" | "TaskRun") => vec![
            name,
            json!(condition(v, "Succeeded", "status")),
            json!(condition(v, "Succeeded", "reason")),
            json!(age(v, &["status", "startTime"], now)),
            json!(if str_at(v, &["status", "completionTime"]).is_empty() {
                String::new()
            } else {
                age(v, &["status", "completionTime"], now)
            }),
        ],
        ("serving.kserve.io", "InferenceService") => {
            vec![
                name,
                json!(str_at(v, &["status", "url"])),
                json!(condition(v, "Ready", "status")),
                json!(created),
            ]
        }
        (group, kind) if table_kinds::columns(group, kind).is_some() => std::iter::once(name)
            .chain(table_kinds::cells(group, kind, v, now))
            .collect(),
        _ => vec![name, json!(created)],
    }
}

/// Upstream `findNodeRoles`: the `<role>` of every non-empty `node-role.kubernetes.io/<role>`
/// label and the value of a non-empty `kubernetes.io/role` label, sorted, without repeats.
fn node_roles(v: &Value) -> String {
    let roles: std::collections::BTreeSet<&str> = v["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(
            |(k, val)| match k.strip_prefix("node-role.kubernetes.io/") {
                Some(role) => Some(role),
                None if k == "kubernetes.io/role" => val.as_str(),
                None => None,
            },
        )
        .filter(|r| !r.is_empty())
        .collect();
    roles.into_iter().collect::<Vec<_>>().join(",")
}

/// Upstream `getNodeExternalIP`/`getNodeInternalIP`: the first address of that type.
fn node_address(v: &Value, ty: &str) -> String {
    v["status"]["addresses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["type"] == ty)
        .map(|a| str_at(a, &["address"]).to_string())
        .unwrap_or_default()
}

/// A `meta.k8s.io/v1` Table of these objects. With `full`, rows carry whole objects
/// (`includeObject=Object`, which `kubectl get --sort-by` asks for).
pub fn render(
    rt: &ResourceType,
    items: &[Stored],
    rv: u64,
    cont: Option<&str>,
    now: Timestamp,
    full: bool,
) -> Value {
    let defs: Vec<Value> = match &rt.printer_columns {
        Some(cols) => super::crd::column_definitions(cols),
        None => columns(rt)
            .iter()
            .map(|c| json!({"name": c.name, "type": "string", "format": c.format, "description": "", "priority": c.priority}))
            .collect(),
    };
    let cells = |v: &Value| match &rt.printer_columns {
        Some(cols) => super::crd::cells(cols, v, now),
        None => cells(rt, v, now),
    };
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let v = &*o.value;
            let mut meta = v["metadata"].clone();
            if let Some(m) = meta.as_object_mut() {
                m.remove("managedFields");
            }
            if full {
                return json!({"cells": cells(v), "object": v});
            }
            json!({
                "cells": cells(v),
                "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta},
            })
        })
        .collect();
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta, "columnDefinitions": defs, "rows": rows})
}

/// Upstream `formatEndpoints`: `ip:port` per port per ready address (ports outer), the first
/// three, then ` + N more...`; `<none>` with no subsets.
fn format_endpoints(v: &Value) -> String {
    const MAX: usize = 3;
    let Some(subsets) = v["subsets"].as_array().filter(|s| !s.is_empty()) else {
        return "<none>".into();
    };
    let mut list = Vec::new();
    let mut count = 0;
    for ss in subsets {
        let addrs = ss["addresses"].as_array().map_or(&[][..], Vec::as_slice);
        let ports = ss["ports"].as_array().map_or(&[][..], Vec::as_slice);
        let ip = |a: &Value| str_at(a, &["ip"]).to_string();
        if ports.is_empty() {
            count += addrs.len();
            list.extend(addrs.iter().map(ip).take(MAX.saturating_sub(list.len())));
            continue;
        }
        for p in ports {
            count += addrs.len();
            for a in addrs.iter().take(MAX.saturating_sub(list.len())) {
                let host = ip(a);
                // net.JoinHostPort brackets IPv6 addresses.
                let host = if host.contains(':') {
                    format!("[{host}]")
                } else {
                    host
                };
                list.push(format!("{host}:{}", p["port"]));
            }
        }
    }
    let ret = list.join(",");
    if count > list.len() {
        format!("{ret} + {} more...", count - MAX)
    } else {
        ret
    }
}

/// Upstream `getServiceExternalIP` as the apiserver runs it (wide, so nothing is shortened):
/// spec.externalIPs, plus a load balancer's ingress IPs or hostnames (sorted, deduplicated).
fn service_external_ip(v: &Value) -> String {
    let external: Vec<&str> = v["spec"]["externalIPs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    match str_at(v, &["spec", "type"]) {
        "" | "ClusterIP" | "NodePort" if !external.is_empty() => external.join(","),
        "" | "ClusterIP" | "NodePort" => "<none>".into(),
        "LoadBalancer" => {
            let ingress: std::collections::BTreeSet<&str> = v["status"]["loadBalancer"]["ingress"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| {
                    [str_at(i, &["ip"]), str_at(i, &["hostname"])]
                        .into_iter()
                        .find(|s| !s.is_empty())
                })
                .collect();
            let all: Vec<&str> = ingress.into_iter().chain(external).collect();
            if all.is_empty() {
                "<pending>".into()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => str_at(v, &["spec", "externalName"]).to_string(),
        _ => "<unknown>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::builtin;

    fn rt(group: &str, kind: &str) -> ResourceType {
        builtin()
            .into_iter()
            .find(|r| r.group == group && r.kind == kind)
            .unwrap()
    }

    fn cell(rt: &ResourceType, v: &Value, col: &str) -> Value {
        let i = columns(rt).iter().position(|c| c.name == col).unwrap();
        cells(rt, v, Timestamp::now())[i].clone()
    }

    #[test]
    fn nodes_print_like_print_node() {
        let node = rt("", "Node");
        let v = json!({"metadata": {"name": "n", "labels": {
            "node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/control-plane": "",
            "kubernetes.io/role": "worker", "node-role.kubernetes.io/": ""}},
            "spec": {"unschedulable": true},
            "status": {"conditions": [{"type": "Ready", "status": "False"}], "nodeInfo": {}}});
        assert_eq!(cell(&node, &v, "Status"), "NotReady,SchedulingDisabled");
        assert_eq!(cell(&node, &v, "Roles"), "control-plane,worker");
        assert_eq!(cell(&node, &v, "OS-Image"), "<unknown>");
        assert_eq!(cell(&node, &v, "Internal-IP"), "<none>");
        let bare = json!({"metadata": {"name": "n"}});
        assert_eq!(cell(&node, &bare, "Status"), "Unknown");
        assert_eq!(cell(&node, &bare, "Roles"), "<none>");
    }

    #[test]
    fn a_default_storage_class_says_so_in_its_name() {
        let sc = rt("storage.k8s.io", "StorageClass");
        let v = json!({"metadata": {"name": "standard", "annotations": {
            "storageclass.kubernetes.io/is-default-class": "true"}}, "provisioner": "p"});
        assert_eq!(cell(&sc, &v, "Name"), "standard (default)");
        assert_eq!(cell(&sc, &v, "Provisioner"), "p");
        assert_eq!(cells(&sc, &v, Timestamp::now()).len(), columns(&sc).len());
        let plain = json!({"metadata": {"name": "slow"}, "provisioner": "p"});
        assert_eq!(cell(&sc, &plain, "Name"), "slow");
    }
}
