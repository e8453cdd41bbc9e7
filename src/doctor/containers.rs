//! The container-name check: a `-c X` that names no container of the pod, and a pod of several
//! containers read without `-c`. Both are said in the API's own words (pkg/registry/core/pod
//! `validateContainer`), and both name the container the user most likely wanted, using what
//! the pod's layout (Argo, Tekton, KServe, Seldon) tells about its containers.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;

use super::model::{Act, Evidence, Finding, Proof, Severity, Subject, SubjectKind};
use crate::core::containers::{self as rows, Kind};

/// The annotation `kubectl logs`/`exec` read for the container to use without `-c`.
pub const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";

const ARGO_NODE_NAME: &str = "workflows.argoproj.io/node-name";
const ARGO_WORKFLOW: &str = "workflows.argoproj.io/workflow";
const TEKTON_TASK_RUN: &str = "tekton.dev/taskRun";
const KSERVE_ISVC: &str = "serving.kserve.io/inferenceservice";
const SELDON_ID: &str = "seldon-deployment-id";
const SELDON_ENGINE: &str = "seldon-container-engine";

/// Every container name of the pod in the API's order (`VisitContainers`): init containers,
/// then containers, then ephemeral containers.
pub fn api_names(pod: &Pod) -> Vec<String> {
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    spec.init_containers
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .chain(spec.containers.iter().map(|c| c.name.clone()))
        .chain(
            spec.ephemeral_containers
                .iter()
                .flatten()
                .map(|c| c.name.clone()),
        )
        .collect()
}

/// The list as the API prints it in `choose one of: %s` (a Go `[]string`): `[init wait main]`.
pub fn api_list(pod: &Pod) -> String {
    format!("[{}]", api_names(pod).join(" "))
}

/// kubectl's `AllContainerNames`: containers, then `x (ephem)`, then `x (init)`, joined ", ".
pub fn kubectl_names(pod: &Pod) -> String {
    let Some(spec) = pod.spec.as_ref() else {
        return String::new();
    };
    spec.containers
        .iter()
        .map(|c| c.name.clone())
        .chain(
            spec.ephemeral_containers
                .iter()
                .flatten()
                .map(|c| format!("{} (ephem)", c.name)),
        )
        .chain(
            spec.init_containers
                .iter()
                .flatten()
                .map(|c| format!("{} (init)", c.name)),
        )
        .collect::<Vec<_>>()
        .join(", ")
}

fn annotation<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

fn label<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata
        .labels
        .as_ref()
        .and_then(|a| a.get(key))
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

fn regular_names(pod: &Pod) -> Vec<String> {
    pod.spec
        .iter()
        .flat_map(|s| s.containers.iter().map(|c| c.name.clone()))
        .collect()
}

/// How `kubectl logs POD` (no `-c`) chose its container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefaultBy {
    /// The `kubectl.kubernetes.io/default-container` annotation named it.
    Annotation,
    /// The first container, as kubectl always did; `bad_annotation` is an annotation that
    /// named a container the pod lacks.
    First { bad_annotation: Option<String> },
}

/// The container `kubectl logs POD` reads without `-c` (podcmd `FindOrDefaultContainerByName`):
/// the annotation's container if the pod has it, else `spec.containers[0]`.
pub fn kubectl_default(pod: &Pod) -> Option<(String, DefaultBy)> {
    let names = api_names(pod);
    let bad = match annotation(pod, DEFAULT_CONTAINER_ANNOTATION) {
        Some(a) if names.iter().any(|n| n == a) => {
            return Some((a.to_string(), DefaultBy::Annotation));
        }
        Some(a) => Some(a.to_string()),
        None => None,
    };
    let first = regular_names(pod).into_iter().next()?;
    Some((
        first,
        DefaultBy::First {
            bad_annotation: bad,
        },
    ))
}

/// The known layouts whose container names people get wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// An Argo Workflows step pod; the workflow's name when the pod carries its label.
    Argo {
        workflow: Option<String>,
    },
    /// A Tekton TaskRun pod; the TaskRun's name when the pod carries its label.
    Tekton {
        task_run: Option<String>,
    },
    KServe,
    Seldon,
    Plain,
}

/// Which layout a pod follows, from its labels and annotations, or (for pods copied without
/// metadata) from its container names.
pub fn layout(pod: &Pod) -> Layout {
    let names = api_names(pod);
    let status_names: Vec<&str> = pod
        .status
        .iter()
        .flat_map(|s| s.container_statuses.iter().flatten())
        .map(|s| s.name.as_str())
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n) || status_names.contains(&n);
    let argo_env = pod.spec.iter().flat_map(|s| &s.containers).any(|c| {
        c.env
            .iter()
            .flatten()
            .any(|e| e.name == "ARGO_CONTAINER_NAME")
    });
    if annotation(pod, ARGO_NODE_NAME).is_some()
        || label(pod, ARGO_WORKFLOW).is_some()
        || argo_env
        || (has("main") && has("wait"))
    {
        return Layout::Argo {
            workflow: label(pod, ARGO_WORKFLOW).map(str::to_string),
        };
    }
    if label(pod, TEKTON_TASK_RUN).is_some() || names.iter().any(|n| n.starts_with("step-")) {
        return Layout::Tekton {
            task_run: label(pod, TEKTON_TASK_RUN).map(str::to_string),
        };
    }
    if label(pod, KSERVE_ISVC).is_some() || has("kserve-container") {
        return Layout::KServe;
    }
    if label(pod, SELDON_ID).is_some() || has(SELDON_ENGINE) {
        return Layout::Seldon;
    }
    Layout::Plain
}

/// The container the user most likely meant, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub container: String,
    pub why: String,
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The one name that is a near-miss of `asked`: the same but for case, or one or two typos
/// (at most one per three characters). None when two names are equally close.
fn typo_of<'a>(asked: &str, names: &'a [String]) -> Option<&'a String> {
    let asked = asked.to_lowercase();
    let scored: Vec<(usize, &String)> = names
        .iter()
        .map(|n| (distance(&asked, &n.to_lowercase()), n))
        .filter(|(d, _)| *d <= 2 && d * 3 <= asked.chars().count())
        .collect();
    let best = scored.iter().map(|(d, _)| *d).min()?;
    let mut at_best = scored.iter().filter(|(d, _)| *d == best);
    let first = at_best.next()?.1;
    at_best.next().is_none().then_some(first)
}

/// The one name that contains `asked` as whole dash-separated words (`storage` in
/// `storage-initializer`, `npm-test` in `step-build-npm-test`). None when several do.
fn word_of<'a>(asked: &str, names: &'a [String]) -> Option<&'a String> {
    if asked.len() < 3 {
        return None;
    }
    let mut hits = names.iter().filter(|n| {
        n.starts_with(&format!("{asked}-"))
            || n.ends_with(&format!("-{asked}"))
            || n.contains(&format!("-{asked}-"))
    });
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

/// Containers of a Seldon pod that run graph nodes (not the executor, not a mesh sidecar).
fn seldon_models(pod: &Pod) -> Vec<String> {
    pod.spec
        .iter()
        .flat_map(|s| &s.containers)
        .filter(|c| c.name != SELDON_ENGINE && rows::role(&c.name).is_none())
        .map(|c| c.name.clone())
        .collect()
}

/// The graph node a Seldon model container serves (its `PREDICTIVE_UNIT_ID`).
fn seldon_unit(pod: &Pod, container: &str) -> Option<String> {
    pod.spec
        .iter()
        .flat_map(|s| &s.containers)
        .find(|c| c.name == container)?
        .env
        .iter()
        .flatten()
        .find(|e| e.name == "PREDICTIVE_UNIT_ID")?
        .value
        .clone()
}

/// Which other containers of a KServe pod are not the model, in words.
fn kserve_others(names: &[String]) -> String {
    let known = [
        (
            "storage-initializer",
            "storage-initializer (init) downloads the model",
        ),
        ("queue-proxy", "queue-proxy is Knative's request queue"),
        ("istio-proxy", "istio-proxy is Istio's sidecar"),
        ("agent", "agent is KServe's logger/batcher"),
    ];
    let parts: Vec<&str> = known
        .iter()
        .filter(|(n, _)| names.iter().any(|x| x == n))
        .map(|(_, t)| *t)
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {}", parts.join(", "))
    }
}

/// The container of `pod` the user meant by `asked` (a name the pod lacks):
/// 1. Tekton: `step-<asked>`, when that step exists;
/// 2. a near-miss of one name (case, a typo or two), then a name containing `asked` as words;
/// 3. the layout's own answer: Argo `main`, KServe `kserve-container`, Seldon's model
///    container (the one serving graph node `asked`, else the only one);
/// 4. the `kubectl.kubernetes.io/default-container` annotation;
/// 5. the pod's only container.
///
/// Typos come before the layout and the annotation: `classifer` means `classifier` whatever
/// the annotation says. None when nothing stands out (a Tekton pod then lists its steps).
pub fn suggest(pod: &Pod, asked: &str) -> Option<Suggestion> {
    let names = api_names(pod);
    let layout = layout(pod);
    let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
    let has = |n: &str| names.iter().any(|x| x == n);
    let found = |c: &str, why: String| {
        Some(Suggestion {
            container: c.to_string(),
            why,
        })
    };
    if matches!(layout, Layout::Tekton { .. }) {
        let step = format!("step-{asked}");
        if has(&step) {
            return found(
                &step,
                format!(
                    "Tekton runs each step in a container named step-<step>: step {asked} runs in {step}"
                ),
            );
        }
    }
    if let Some(n) = typo_of(asked, &names) {
        return found(n, format!("{n} is the pod's container closest to {asked}"));
    }
    if let Some(n) = word_of(asked, &names) {
        return found(
            n,
            format!("{n} is the pod's only container whose name has {asked} in it"),
        );
    }
    match layout {
        Layout::Argo { .. } if has("main") => {
            let template = pod_name.contains(&format!("-{asked}-"))
                || annotation(pod, ARGO_NODE_NAME).is_some_and(|n| n.contains(asked));
            let what = if template {
                format!(
                    "{asked} is the step's template name, but Argo runs a template's container as main"
                )
            } else {
                "Argo runs every step's container as main".to_string()
            };
            return found(
                "main",
                format!(
                    "{what}; init and wait are Argo's own executor containers (they load the step's inputs and save its outputs)"
                ),
            );
        }
        Layout::KServe if has("kserve-container") => {
            return found(
                "kserve-container",
                format!(
                    "KServe runs the model server as kserve-container, whatever the InferenceService or its runtime is called{}",
                    kserve_others(&names)
                ),
            );
        }
        Layout::Seldon => {
            let models = seldon_models(pod);
            let by_unit = models
                .iter()
                .find(|c| seldon_unit(pod, c).as_deref() == Some(asked));
            let model = by_unit.or(if models.len() == 1 {
                models.first()
            } else {
                None
            });
            if let Some(m) = model {
                return found(
                    m,
                    format!(
                        "Seldon runs each graph node in a container named after it, here {m}; {SELDON_ENGINE} is Seldon's executor, in front of the model"
                    ),
                );
            }
        }
        _ => {}
    }
    if let Some((c, DefaultBy::Annotation)) = kubectl_default(pod) {
        return found(
            &c,
            format!("the pod's {DEFAULT_CONTAINER_ANNOTATION} annotation names {c}"),
        );
    }
    let regular = regular_names(pod);
    if let [only] = regular.as_slice() {
        return found(only, format!("{only} is the pod's only container"));
    }
    None
}

fn pod_name(pod: &Pod) -> &str {
    pod.metadata.name.as_deref().unwrap_or_default()
}

fn pod_ns<'a>(pod: &'a Pod, subject: &'a Subject) -> &'a str {
    pod.metadata
        .namespace
        .as_deref()
        .filter(|n| !n.is_empty())
        .unwrap_or(&subject.namespace)
}

fn has_container(pod: &Pod, name: &str) -> bool {
    api_names(pod).iter().any(|n| n == name)
}

/// One line per container: `init: init container, Argo: executor (loads inputs), terminated: ...`.
fn container_facts(pod: &Pod, now: Timestamp) -> Vec<Proof> {
    rows::rows(pod, now)
        .into_iter()
        .map(|r| {
            let kind = match r.kind {
                Kind::Init => "init container",
                Kind::Sidecar => "sidecar (init container)",
                Kind::Regular => "container",
                Kind::Ephemeral => "ephemeral container",
            };
            let mut text = format!("{}: {kind}", r.name);
            if let Some(role) = r.role {
                text.push_str(&format!(", {role}"));
            }
            if r.state.as_str() != "unknown" {
                text.push_str(&format!(", {}", r.state));
            }
            Proof::Fact { text }
        })
        .collect()
}

/// The steps of a Tekton pod (`step-*` containers).
fn steps(pod: &Pod) -> Vec<String> {
    regular_names(pod)
        .into_iter()
        .filter(|n| n.starts_with("step-"))
        .collect()
}

fn logs_line(pod: &str, ns: &str, c: &str) -> String {
    format!("kubectl logs {pod} -n {ns} -c {c}")
}

fn not_found(subject: &Subject, pod: &Pod, asked: &str, others: usize, now: Timestamp) -> Finding {
    let name = pod_name(pod);
    let ns = pod_ns(pod, subject);
    let suggestion = suggest(pod, asked);
    let layout = layout(pod);
    let mut meaning =
        format!("The pod has no container named {asked}, so the API refuses to read its log.");
    if let Some(s) = &suggestion {
        meaning.push_str(&format!(" Use {}: {}.", s.container, s.why));
    }
    let mut f = Finding::new(
        "container-name.not-found",
        Severity::Error,
        ns,
        &format!("pod/{name}"),
    )
    .title(format!("container {asked} is not valid for pod {name}"))
    .meaning(meaning)
    .proof(Proof::Fact {
        text: format!("containers of pod/{name}: {}", api_list(pod)),
    });
    for p in container_facts(pod, now) {
        f = f.proof(p);
    }
    if others > 0 {
        f = f.proof(Proof::Fact {
            text: format!(
                "{} other pod{} of {} {} no container {asked} either",
                others,
                if others == 1 { "" } else { "s" },
                subject.label(),
                if others == 1 { "has" } else { "have" }
            ),
        });
    }
    match &suggestion {
        Some(s) => {
            f = f.fix(logs_line(name, ns, &s.container));
            match &layout {
                Layout::Argo { workflow: Some(wf) } => {
                    f = f.fix(format!("argo logs {wf} {name} -n {ns} -c {}", s.container));
                }
                Layout::Tekton { task_run: Some(tr) } => {
                    f = f.fix(format!("tkn taskrun logs {tr} -n {ns}"));
                }
                _ => {}
            }
            f = f.act(Act::Logs {
                namespace: ns.to_string(),
                pod: name.to_string(),
                container: s.container.clone(),
                previous: false,
            });
        }
        None => {
            let candidates = match layout {
                Layout::Tekton { .. } if !steps(pod).is_empty() => {
                    f = f.fix("Name one of the TaskRun's steps (containers step-<step>):");
                    steps(pod)
                }
                _ => {
                    f = f.fix("Name one of the pod's containers:");
                    api_names(pod)
                }
            };
            for c in candidates {
                f = f.fix(logs_line(name, ns, &c));
            }
            if let Layout::Tekton { task_run: Some(tr) } = &layout {
                f = f.fix(format!("tkn taskrun logs {tr} -n {ns}"));
            }
        }
    }
    f
}

fn choose(subject: &Subject, pod: &Pod) -> Option<Finding> {
    let regular = regular_names(pod);
    if regular.len() < 2 {
        return None;
    }
    let name = pod_name(pod);
    let ns = pod_ns(pod, subject);
    let (default, by) = kubectl_default(pod)?;
    let (how, proof) = match &by {
        DefaultBy::Annotation => (
            format!("its {DEFAULT_CONTAINER_ANNOTATION} annotation names {default}"),
            format!("{DEFAULT_CONTAINER_ANNOTATION}: {default}"),
        ),
        DefaultBy::First { .. } => (
            format!("{default} is its first container"),
            format!(
                "Defaulted container \"{default}\" out of: {}",
                kubectl_names(pod)
            ),
        ),
    };
    let mut f = Finding::new(
        "container-name.choose",
        Severity::Info,
        ns,
        &format!("pod/{name}"),
    )
    .title(format!(
        "a container name must be specified for pod {name}, choose one of: {}",
        api_list(pod)
    ))
    .meaning(format!(
        "The pod runs {} containers, so a log read must name one. kubectl logs without -c reads {default}: {how}.",
        regular.len()
    ))
    .proof(Proof::Fact { text: proof });
    if let DefaultBy::First {
        bad_annotation: Some(bad),
    } = &by
    {
        f = f.proof(Proof::Fact {
            text: format!(
                "{DEFAULT_CONTAINER_ANNOTATION}: {bad}, but the pod has no container {bad}: kubectl ignores it"
            ),
        });
    }
    for c in api_names(pod) {
        f = f.fix(logs_line(name, ns, &c));
    }
    Some(f.act(Act::Logs {
        namespace: ns.to_string(),
        pod: name.to_string(),
        container: default,
        previous: false,
    }))
}

/// Findings about the container the user named (`subject.container`), or, for a pod subject
/// without one, about which container a log read without `-c` gets.
///
/// - `container-name.not-found` (error): no pod of the subject has the container. For a pod
///   subject that pod; for a workflow or run, only when none of its pods has it (reported
///   once, on the first pod).
/// - `container-name.choose` (info): a pod subject with several containers and no `-c`.
pub fn check(subject: &Subject, ev: &Evidence, now: Timestamp) -> Vec<Finding> {
    let pods = &ev.pods;
    match &subject.container {
        Some(asked) => {
            let missing: Vec<&Pod> = pods.iter().filter(|p| !has_container(p, asked)).collect();
            let Some(first) = missing.first() else {
                return vec![];
            };
            if subject.kind != SubjectKind::Pod && missing.len() < pods.len() {
                return vec![];
            }
            vec![not_found(subject, first, asked, missing.len() - 1, now)]
        }
        None if subject.kind == SubjectKind::Pod => {
            pods.iter().filter_map(|p| choose(subject, p)).collect()
        }
        None => vec![],
    }
}
