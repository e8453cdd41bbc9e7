//! Which object a view reads (`y` YAML, `d` describe, `E` events): its API group, version,
//! kind and plural, for the kinds kdoc knows by name. `:yaml KIND/NAME` takes kubectl's words
//! for them (plural, singular, short names).

use crate::doctor::{Subject, SubjectKind};

/// One object the cluster can be asked for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjRef {
    /// "" for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
    /// Empty for cluster-scoped kinds.
    pub namespace: String,
    pub name: String,
}

/// (names kubectl accepts, group, version, kind, plural, namespaced)
type Known = (
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
);

const KNOWN: &[Known] = &[
    (&["pod", "pods", "po"], "", "v1", "Pod", "pods", true),
    (
        &["service", "services", "svc"],
        "",
        "v1",
        "Service",
        "services",
        true,
    ),
    (
        &["configmap", "configmaps", "cm"],
        "",
        "v1",
        "ConfigMap",
        "configmaps",
        true,
    ),
    (&["secret", "secrets"], "", "v1", "Secret", "secrets", true),
    (
        &["endpoints", "ep"],
        "",
        "v1",
        "Endpoints",
        "endpoints",
        true,
    ),
    (
        &["persistentvolumeclaim", "persistentvolumeclaims", "pvc"],
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        true,
    ),
    (
        &["serviceaccount", "serviceaccounts", "sa"],
        "",
        "v1",
        "ServiceAccount",
        "serviceaccounts",
        true,
    ),
    (&["node", "nodes", "no"], "", "v1", "Node", "nodes", false),
    (
        &["namespace", "namespaces", "ns"],
        "",
        "v1",
        "Namespace",
        "namespaces",
        false,
    ),
    (
        &["deployment", "deployments", "deploy"],
        "apps",
        "v1",
        "Deployment",
        "deployments",
        true,
    ),
    (
        &["replicaset", "replicasets", "rs"],
        "apps",
        "v1",
        "ReplicaSet",
        "replicasets",
        true,
    ),
    (
        &["statefulset", "statefulsets", "sts"],
        "apps",
        "v1",
        "StatefulSet",
        "statefulsets",
        true,
    ),
    (
        &["daemonset", "daemonsets", "ds"],
        "apps",
        "v1",
        "DaemonSet",
        "daemonsets",
        true,
    ),
    (&["job", "jobs"], "batch", "v1", "Job", "jobs", true),
    (
        &["cronjob", "cronjobs", "cj"],
        "batch",
        "v1",
        "CronJob",
        "cronjobs",
        true,
    ),
    (
        &["workflow", "workflows", "wf"],
        "argoproj.io",
        "v1alpha1",
        "Workflow",
        "workflows",
        true,
    ),
    (
        &["pipelinerun", "pipelineruns", "pr"],
        "tekton.dev",
        "v1",
        "PipelineRun",
        "pipelineruns",
        true,
    ),
    (
        &["taskrun", "taskruns", "tr"],
        "tekton.dev",
        "v1",
        "TaskRun",
        "taskruns",
        true,
    ),
    (
        &["inferenceservice", "inferenceservices", "isvc"],
        "serving.kserve.io",
        "v1beta1",
        "InferenceService",
        "inferenceservices",
        true,
    ),
    (
        &["seldondeployment", "seldondeployments", "sdep"],
        "machinelearning.seldon.io",
        "v1",
        "SeldonDeployment",
        "seldondeployments",
        true,
    ),
];

impl ObjRef {
    /// `KIND/NAME` as kubectl takes it (a bare name is a pod), in namespace `ns`.
    pub fn parse(target: &str, ns: &str) -> Result<ObjRef, String> {
        let (kind, name) = target.split_once('/').unwrap_or(("pod", target));
        if name.is_empty() {
            return Err(format!("{target}: say which one: KIND/NAME"));
        }
        ObjRef::of_kind(kind, ns, name).ok_or_else(|| {
            let names: Vec<&str> = KNOWN.iter().map(|k| k.0[k.0.len() - 1]).collect();
            format!(
                "{target}: unknown kind {kind:?}; kdoc reads {}",
                names.join(", ")
            )
        })
    }

    fn of_kind(kind: &str, ns: &str, name: &str) -> Option<ObjRef> {
        let kind = kind.to_ascii_lowercase();
        let k = KNOWN.iter().find(|k| k.0.contains(&kind.as_str()))?;
        Some(ObjRef {
            group: k.1.into(),
            version: k.2.into(),
            kind: k.3.into(),
            plural: k.4.into(),
            namespaced: k.5,
            namespace: if k.5 { ns.into() } else { String::new() },
            name: name.into(),
        })
    }

    /// What a pane's selection is, as an object to read (a namespace triage is not one).
    pub fn of(s: &Subject) -> Option<ObjRef> {
        match s.kind {
            SubjectKind::Namespace if !s.namespace.is_empty() => {
                ObjRef::of_kind("namespace", "", &s.namespace)
            }
            SubjectKind::Namespace => None,
            k => ObjRef::of_kind(k.resource(), &s.namespace, &s.name),
        }
    }

    /// `pod/NAME`, as kubectl names it.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind.to_ascii_lowercase(), self.name)
    }

    /// `apiVersion` as the object carries it.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_words_resolve_and_unknown_ones_list_what_is_known() {
        let r = ObjRef::parse("sdep/iris", "argowf").unwrap();
        assert_eq!(r.api_version(), "machinelearning.seldon.io/v1");
        assert_eq!(r.label(), "seldondeployment/iris");
        let n = ObjRef::parse("no/node-1", "argowf").unwrap();
        assert!(!n.namespaced && n.namespace.is_empty());
        assert_eq!(ObjRef::parse("web-0", "x").unwrap().kind, "Pod");
        let e = ObjRef::parse("gizmo/x", "x").unwrap_err();
        assert!(
            e.contains("unknown kind \"gizmo\"") && e.contains("sdep"),
            "{e}"
        );
        assert!(ObjRef::parse("cm/", "x").is_err());
    }
}
