//! Which pods a subject is made of, and which of their logs the doctor reads. The gatherer in
//! `cluster/` asks these, so what is read and what is checked cannot disagree.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use serde_json::Value;

use super::model::{Evidence, Subject, SubjectKind};
use crate::core::services::selects;

/// The label that ties a workload's pods to it, for the kinds that have one.
fn owner_label(kind: SubjectKind) -> Option<&'static str> {
    Some(match kind {
        SubjectKind::Workflow => "workflows.argoproj.io/workflow",
        SubjectKind::PipelineRun => "tekton.dev/pipelineRun",
        SubjectKind::TaskRun => "tekton.dev/taskRun",
        SubjectKind::InferenceService => "serving.kserve.io/inferenceservice",
        SubjectKind::SeldonDeployment => "seldon-deployment-id",
        _ => return None,
    })
}

fn str_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The subject's own pods, out of the namespace's (`ev.all_pods`) and the object.
pub fn pods_of(subject: &Subject, ev: &Evidence) -> Vec<Pod> {
    let all = ev.all_pods.as_deref().unwrap_or(&[]);
    let ns_of = |p: &Pod| p.metadata.namespace.clone().unwrap_or_default();
    let in_ns = |p: &&Pod| subject.namespace.is_empty() || ns_of(p) == subject.namespace;
    let labels = |p: &Pod| p.metadata.labels.clone().unwrap_or_default();
    let picked: Vec<&Pod> = match subject.kind {
        SubjectKind::Namespace => all.iter().filter(in_ns).collect(),
        SubjectKind::Pod => all
            .iter()
            .filter(in_ns)
            .filter(|p| p.metadata.name.as_deref() == Some(&subject.name))
            .collect(),
        SubjectKind::Service | SubjectKind::Deployment => {
            // A Service's selector, or a Deployment's matchLabels: a selector without labels
            // selects nothing (kubectl's answer for a selector-less service).
            let sel = ev
                .object
                .as_ref()
                .map(|o| match subject.kind {
                    SubjectKind::Service => str_map(&o["spec"]["selector"]),
                    _ => str_map(&o["spec"]["selector"]["matchLabels"]),
                })
                .unwrap_or_default();
            if sel.is_empty() {
                return vec![];
            }
            all.iter()
                .filter(in_ns)
                .filter(|p| selects(&sel, &labels(p)))
                .collect()
        }
        k => {
            let key = owner_label(k).unwrap_or_default();
            all.iter()
                .filter(in_ns)
                .filter(|p| labels(p).get(key) == Some(&subject.name))
                .collect()
        }
    };
    // A pod object fetched on its own (the namespace list was forbidden) still counts.
    if picked.is_empty()
        && subject.kind == SubjectKind::Pod
        && let Some(o) = &ev.object
        && let Ok(p) = serde_json::from_value::<Pod>(o.clone())
    {
        return vec![p];
    }
    picked.into_iter().cloned().collect()
}

/// One container log the doctor wants: (pod namespace, pod, container, previous).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogWant {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub previous: bool,
}

fn started(s: &ContainerStatus) -> bool {
    let st = s.state.as_ref();
    st.is_some_and(|st| st.running.is_some() || st.terminated.is_some())
}

fn had_previous(s: &ContainerStatus) -> bool {
    s.last_state
        .as_ref()
        .is_some_and(|l| l.terminated.is_some())
}

/// Whether a container looks unwell: restarted, waiting, or ended with a non-zero code.
fn unwell(s: &ContainerStatus) -> bool {
    let st = s.state.as_ref();
    s.restart_count > 0
        || st.is_some_and(|st| st.waiting.is_some())
        || st
            .and_then(|st| st.terminated.as_ref())
            .is_some_and(|t| t.exit_code != 0)
        || !s.ready && st.is_some_and(|st| st.running.is_some())
}

/// The logs to read for `pods`: every container that has run (init containers too), and the
/// previous instance of each that restarted. `only_unwell` (a namespace triage) keeps the
/// containers that restarted, wait or failed.
pub fn logs_wanted(pods: &[Pod], only_unwell: bool) -> Vec<LogWant> {
    let mut out = vec![];
    for p in pods {
        let (Some(ns), Some(name)) = (&p.metadata.namespace, &p.metadata.name) else {
            continue;
        };
        let Some(st) = &p.status else { continue };
        let statuses = st
            .init_container_statuses
            .iter()
            .flatten()
            .chain(st.container_statuses.iter().flatten());
        for s in statuses {
            if only_unwell && !unwell(s) {
                continue;
            }
            let want = |previous| LogWant {
                namespace: ns.clone(),
                pod: name.clone(),
                container: s.name.clone(),
                previous,
            };
            if started(s) {
                out.push(want(false));
            }
            if had_previous(s) {
                out.push(want(true));
            }
        }
    }
    out
}

/// The build containers whose image a pod of the subject cannot pull: their logs say whether
/// the build pushed it (the across-resources check).
pub fn builders_of(ev: &Evidence) -> Vec<LogWant> {
    let failing: Vec<String> = ev
        .pods
        .iter()
        .filter_map(|p| p.status.as_ref())
        .flat_map(|st| st.container_statuses.iter().flatten())
        .filter(|s| {
            s.state
                .as_ref()
                .and_then(|st| st.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                .is_some_and(|r| r == "ImagePullBackOff" || r == "ErrImagePull")
        })
        .map(|s| super::across::normalize(&s.image))
        .collect();
    if failing.is_empty() {
        return vec![];
    }
    let mut out = vec![];
    for p in ev.all_pods.iter().flatten() {
        let (Some(ns), Some(name), Some(spec)) = (&p.metadata.namespace, &p.metadata.name, &p.spec)
        else {
            continue;
        };
        for c in spec
            .init_containers
            .iter()
            .flatten()
            .chain(&spec.containers)
        {
            if super::across::destinations(c)
                .iter()
                .any(|d| failing.contains(&super::across::normalize(d)))
            {
                out.push(LogWant {
                    namespace: ns.clone(),
                    pod: name.clone(),
                    container: c.name.clone(),
                    previous: false,
                });
            }
        }
    }
    out
}
