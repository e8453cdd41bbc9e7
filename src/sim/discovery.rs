//! `/version`, `/api`, `/apis` and the per-version resource lists, legacy and aggregated.

use serde_json::{Value, json};

use super::resources::ResourceType;

/// The aggregated discovery media type, which clients detect by Content-Type.
pub const AGGREGATED_CT: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

pub fn wants_aggregated(accept: &str) -> bool {
    accept.contains("as=APIGroupDiscoveryList")
}

pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "32",
        "gitVersion": "v1.32.0",
        "gitCommit": "kdoc-simulator",
        "gitTreeState": "clean",
        "buildDate": "2024-12-11T00:00:00Z",
        "goVersion": "go1.23.4",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

/// Groups in the order they were declared, each with its versions in declared order.
fn groups(resources: &[ResourceType]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = vec![];
    for r in resources.iter().filter(|r| !r.group.is_empty()) {
        match out.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, vs)) if !vs.contains(&r.version) => vs.push(r.version.clone()),
            Some(_) => {}
            None => out.push((r.group.clone(), vec![r.version.clone()])),
        }
    }
    out
}

fn gv(group: &str, version: &str) -> Value {
    json!({"groupVersion": format!("{group}/{version}"), "version": version})
}

pub fn api_versions() -> Value {
    json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
}

pub fn api_group(group: &str, versions: &[String]) -> Value {
    json!({
        "kind": "APIGroup", "apiVersion": "v1", "name": group,
        "versions": versions.iter().map(|v| gv(group, v)).collect::<Vec<_>>(),
        "preferredVersion": gv(group, &versions[0]),
    })
}

pub fn api_group_list(resources: &[ResourceType]) -> Value {
    let groups: Vec<Value> = groups(resources)
        .iter()
        .map(|(g, vs)| {
            let mut v = api_group(g, vs);
            if let Some(o) = v.as_object_mut() {
                o.remove("kind");
                o.remove("apiVersion");
            }
            v
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// Versions of a group, or None if the simulator serves no such group.
pub fn group_versions(resources: &[ResourceType], group: &str) -> Option<Vec<String>> {
    groups(resources)
        .into_iter()
        .find(|(g, _)| g == group)
        .map(|(_, vs)| vs)
}

pub fn resource_list(resources: &[ResourceType], group: &str, version: &str) -> Option<Value> {
    let mut entries = vec![];
    for r in resources
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        entries.push(r.discovery_entry());
        if group.is_empty() && r.plural == "pods" {
            for (sub, kind, verbs) in [
                ("log", "Pod", vec!["get"]),
                (
                    "portforward",
                    "PodPortForwardOptions",
                    vec!["create", "get"],
                ),
                ("status", "Pod", vec!["get"]),
            ] {
                entries.push(json!({"name": format!("pods/{sub}"), "singularName": "", "namespaced": true, "kind": kind, "verbs": verbs}));
            }
        }
    }
    if entries.is_empty() {
        return None;
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": entries}),
    )
}

/// Resources of one version of a group, in discovery order.
type VersionResources = (String, Vec<Value>);

/// `APIGroupDiscoveryList` for `/api` (core only) or `/apis` (every other group).
pub fn aggregated(resources: &[ResourceType], core: bool) -> Value {
    let mut groups: Vec<(String, Vec<VersionResources>)> = vec![];
    for r in resources.iter().filter(|r| r.group.is_empty() == core) {
        let gi = match groups.iter().position(|(g, _)| *g == r.group) {
            Some(i) => i,
            None => {
                groups.push((r.group.clone(), vec![]));
                groups.len() - 1
            }
        };
        let versions = &mut groups[gi].1;
        match versions.iter_mut().find(|(v, _)| *v == r.version) {
            Some((_, rs)) => rs.push(r.aggregated_entry()),
            None => versions.push((r.version.clone(), vec![r.aggregated_entry()])),
        }
    }
    let items: Vec<Value> = groups
        .into_iter()
        .map(|(g, versions)| {
            json!({
                "metadata": {"name": g, "creationTimestamp": null},
                "versions": versions.into_iter().map(|(v, rs)| json!({"version": v, "resources": rs, "freshness": "Current"})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"apiVersion": "apidiscovery.k8s.io/v2", "kind": "APIGroupDiscoveryList", "metadata": {}, "items": items})
}
