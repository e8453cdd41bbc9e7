//! The resource kinds the simulator serves, as discovery and routing see them.

use serde_json::{Value, json};

use super::crd::PrinterColumn;

/// What discovery says every resource takes (`create` is a POST to its collection).
const VERBS: [&str; 4] = ["create", "get", "list", "watch"];

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
    /// Discovery categories (`all` is what `kubectl get all` expands to).
    pub categories: Vec<String>,
    /// A custom resource's `additionalPrinterColumns` (after `Name`), when a CRD declared the
    /// kind; None for the kinds whose Table the simulator prints itself.
    pub printer_columns: Option<Vec<PrinterColumn>>,
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
            categories: vec![],
            printer_columns: None,
        }
    }

    /// The same resource in `kubectl get all` (and the apiserver's other categories).
    fn in_all(mut self) -> Self {
        self.categories = vec!["all".into()];
        self
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
            "verbs": VERBS,
            "shortNames": self.short_names,
            "categories": self.categories,
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
            "verbs": VERBS,
            "shortNames": self.short_names,
            "categories": self.categories,
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

/// The kinds every simulator serves, whether or not objects of them exist: the standard
/// built-in APIs clients poll (so none of them answers 404) and the ML custom resources. Short
/// names and categories are the real apiserver's and CRDs'.
pub fn builtin() -> Vec<ResourceType> {
    let r = ResourceType::new;
    vec![
        r("", "v1", "namespaces", "Namespace", false, &["ns"]),
        r("", "v1", "nodes", "Node", false, &["no"]),
        r("", "v1", "pods", "Pod", true, &["po"]).in_all(),
        r("", "v1", "services", "Service", true, &["svc"]).in_all(),
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
        r(
            "",
            "v1",
            "persistentvolumes",
            "PersistentVolume",
            false,
            &["pv"],
        ),
        r(
            "",
            "v1",
            "replicationcontrollers",
            "ReplicationController",
            true,
            &["rc"],
        )
        .in_all(),
        r("apps", "v1", "deployments", "Deployment", true, &["deploy"]).in_all(),
        r("apps", "v1", "replicasets", "ReplicaSet", true, &["rs"]).in_all(),
        r("apps", "v1", "statefulsets", "StatefulSet", true, &["sts"]).in_all(),
        r("apps", "v1", "daemonsets", "DaemonSet", true, &["ds"]).in_all(),
        r("batch", "v1", "jobs", "Job", true, &[]).in_all(),
        r("batch", "v1", "cronjobs", "CronJob", true, &["cj"]).in_all(),
        r("coordination.k8s.io", "v1", "leases", "Lease", true, &[]),
        r(
            "discovery.k8s.io",
            "v1",
            "endpointslices",
            "EndpointSlice",
            true,
            &[],
        ),
        r(
            "networking.k8s.io",
            "v1",
            "ingresses",
            "Ingress",
            true,
            &["ing"],
        ),
        r(
            "networking.k8s.io",
            "v1",
            "networkpolicies",
            "NetworkPolicy",
            true,
            &["netpol"],
        ),
        r(
            "rbac.authorization.k8s.io",
            "v1",
            "roles",
            "Role",
            true,
            &[],
        ),
        r(
            "rbac.authorization.k8s.io",
            "v1",
            "rolebindings",
            "RoleBinding",
            true,
            &[],
        ),
        r(
            "rbac.authorization.k8s.io",
            "v1",
            "clusterroles",
            "ClusterRole",
            false,
            &[],
        ),
        r(
            "rbac.authorization.k8s.io",
            "v1",
            "clusterrolebindings",
            "ClusterRoleBinding",
            false,
            &[],
        ),
        ResourceType {
            categories: vec!["api-extensions".into()],
            ..r(
                "apiextensions.k8s.io",
                "v1",
                "customresourcedefinitions",
                "CustomResourceDefinition",
                false,
                &["crd", "crds"],
            )
        },
        r(
            "storage.k8s.io",
            "v1",
            "storageclasses",
            "StorageClass",
            false,
            &["sc"],
        ),
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
