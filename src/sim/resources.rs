//! The resource kinds the simulator serves, as discovery and routing see them.

use serde_json::{Value, json};

/// One servable resource (a group/version/plural), like an APIResource entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    pub group: String,
    pub version: String,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
}

impl ResourceType {
    fn new(
        group: &str,
        version: &str,
        plural: &str,
        kind: &str,
        namespaced: bool,
        short: &[&str],
    ) -> Self {
        ResourceType {
            group: group.into(),
            version: version.into(),
            plural: plural.into(),
            singular: kind.to_ascii_lowercase(),
            kind: kind.into(),
            namespaced,
            short_names: short.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// `v1` or `group/version`, as objects carry it in `apiVersion`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Guess a resource for an object kind nobody declared (e.g. loaded from a file), the way
    /// kube's `ApiResource::from_gvk` pluralises.
    pub fn guessed(api_version: &str, kind: &str, namespaced: bool) -> Self {
        let (group, version) = split_api_version(api_version);
        let gvk = kube::core::GroupVersionKind::gvk(group, version, kind);
        let ar = kube::core::ApiResource::from_gvk(&gvk);
        ResourceType::new(group, version, &ar.plural, kind, namespaced, &[])
    }

    /// Discovery entry for `/api/v1` or `/apis/{g}/{v}` (legacy form).
    pub fn discovery_entry(&self) -> Value {
        json!({
            "name": self.plural,
            "singularName": self.singular,
            "namespaced": self.namespaced,
            "kind": self.kind,
            "verbs": ["get", "list", "watch"],
            "shortNames": self.short_names,
        })
    }

    /// Entry in an aggregated `APIGroupDiscoveryList` version.
    pub fn aggregated_entry(&self) -> Value {
        let mut subresources = vec![];
        if self.group.is_empty() && self.plural == "pods" {
            for (sub, kind) in [
                ("log", "Pod"),
                ("portforward", "PodPortForwardOptions"),
                ("status", "Pod"),
            ] {
                subresources.push(json!({
                    "subresource": sub,
                    "responseKind": {"group": "", "version": "v1", "kind": kind},
                    "verbs": ["get"],
                }));
            }
        }
        json!({
            "resource": self.plural,
            "responseKind": {"group": self.group, "version": self.version, "kind": self.kind},
            "scope": if self.namespaced { "Namespaced" } else { "Cluster" },
            "singularResource": self.singular,
            "verbs": ["get", "list", "watch"],
            "shortNames": self.short_names,
            "subresources": subresources,
        })
    }
}

pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// The kinds every simulator serves, whether or not objects of them exist.
pub fn builtin() -> Vec<ResourceType> {
    let r = ResourceType::new;
    vec![
        r("", "v1", "namespaces", "Namespace", false, &["ns"]),
        r("", "v1", "nodes", "Node", false, &["no"]),
        r("", "v1", "pods", "Pod", true, &["po"]),
        r("", "v1", "services", "Service", true, &["svc"]),
        r("", "v1", "endpoints", "Endpoints", true, &["ep"]),
        r("", "v1", "events", "Event", true, &["ev"]),
        r("", "v1", "configmaps", "ConfigMap", true, &["cm"]),
        r("", "v1", "secrets", "Secret", true, &[]),
        r("", "v1", "serviceaccounts", "ServiceAccount", true, &["sa"]),
        r(
            "",
            "v1",
            "persistentvolumeclaims",
            "PersistentVolumeClaim",
            true,
            &["pvc"],
        ),
        r("apps", "v1", "deployments", "Deployment", true, &["deploy"]),
        r("apps", "v1", "replicasets", "ReplicaSet", true, &["rs"]),
        r(
            "argoproj.io",
            "v1alpha1",
            "workflows",
            "Workflow",
            true,
            &["wf"],
        ),
        r(
            "tekton.dev",
            "v1",
            "pipelineruns",
            "PipelineRun",
            true,
            &["pr", "prs"],
        ),
        r(
            "tekton.dev",
            "v1",
            "taskruns",
            "TaskRun",
            true,
            &["tr", "trs"],
        ),
        r(
            "serving.kserve.io",
            "v1beta1",
            "inferenceservices",
            "InferenceService",
            true,
            &["isvc"],
        ),
        r(
            "serving.kserve.io",
            "v1alpha1",
            "servingruntimes",
            "ServingRuntime",
            true,
            &[],
        ),
        r(
            "machinelearning.seldon.io",
            "v1",
            "seldondeployments",
            "SeldonDeployment",
            true,
            &["sdep"],
        ),
    ]
}
