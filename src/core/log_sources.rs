//! Which containers a logs view follows: a pod's, a workflow's step pods' `main`, a Tekton
//! run's `step-*` containers, a service's or a label selector's pods, and what state each
//! container is in (so a stream that cannot start yet says why).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

use super::cache::Cache;
use super::services::selects;

/// The containers of a matching pod that a target wants.
#[derive(Clone, Debug)]
pub enum Pick {
    /// Init containers, then containers (`kubectl logs --all-containers`).
    All,
    /// This one, requested even if the pod has no such container (the API then says why).
    Named(String),
    /// Argo's step container.
    ArgoMain,
    /// Tekton's steps.
    TektonSteps,
    /// Containers whose name matches (stern's `-c REGEX`).
    Regex(regex::Regex),
}

impl PartialEq for Pick {
    fn eq(&self, o: &Pick) -> bool {
        match (self, o) {
            (Pick::All, Pick::All)
            | (Pick::ArgoMain, Pick::ArgoMain)
            | (Pick::TektonSteps, Pick::TektonSteps) => true,
            (Pick::Named(a), Pick::Named(b)) => a == b,
            (Pick::Regex(a), Pick::Regex(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
    }
}

impl Eq for Pick {}

#[derive(Clone, Debug)]
pub enum LogTarget {
    Pod {
        ns: String,
        pod: String,
        pick: Pick,
    },
    /// Pods matching a selector in a namespace, followed as they come and go.
    Selector {
        ns: String,
        selector: BTreeMap<String, String>,
        pick: Pick,
        /// What the user chose: "workflow/iris-demo", "svc/iris-default".
        label: String,
    },
    /// Pods whose name matches a regex in a namespace (`kdoc logs REGEX`).
    Matching {
        ns: String,
        pattern: regex::Regex,
        pick: Pick,
    },
    /// Pods a controller owns (`deploy/NAME`, `sts/NAME`, `ds/NAME`, `rs/NAME`, `job/NAME`),
    /// found by their ownerReferences as they come and go.
    Owned {
        ns: String,
        /// The owner's kind: Deployment, ReplicaSet, StatefulSet, DaemonSet or Job.
        kind: &'static str,
        name: String,
        pick: Pick,
    },
}

/// `TYPE/NAME` words for the controllers a pod's ownerReferences lead to, with their kind and
/// the short form used in labels.
const OWNERS: &[(&[&str], &str, &str)] = &[
    (
        &["deploy", "deployment", "deployments"],
        "Deployment",
        "deploy",
    ),
    (&["rs", "replicaset", "replicasets"], "ReplicaSet", "rs"),
    (
        &["sts", "statefulset", "statefulsets"],
        "StatefulSet",
        "sts",
    ),
    (&["ds", "daemonset", "daemonsets"], "DaemonSet", "ds"),
    (&["job", "jobs"], "Job", "job"),
];

impl PartialEq for LogTarget {
    fn eq(&self, o: &LogTarget) -> bool {
        self.namespace() == o.namespace() && self.label() == o.label()
    }
}

impl LogTarget {
    pub fn workflow(ns: &str, name: &str) -> LogTarget {
        Self::labelled(
            ns,
            "workflows.argoproj.io/workflow",
            name,
            Pick::ArgoMain,
            "workflow",
        )
    }

    pub fn pipeline_run(ns: &str, name: &str) -> LogTarget {
        Self::labelled(
            ns,
            "tekton.dev/pipelineRun",
            name,
            Pick::TektonSteps,
            "pipelinerun",
        )
    }

    pub fn task_run(ns: &str, name: &str) -> LogTarget {
        Self::labelled(ns, "tekton.dev/taskRun", name, Pick::TektonSteps, "taskrun")
    }

    fn labelled(ns: &str, key: &str, name: &str, pick: Pick, kind: &str) -> LogTarget {
        LogTarget::Selector {
            ns: ns.into(),
            selector: BTreeMap::from([(key.to_string(), name.to_string())]),
            pick,
            label: format!("{kind}/{name}"),
        }
    }

    pub fn namespace(&self) -> &str {
        match self {
            LogTarget::Pod { ns, .. }
            | LogTarget::Selector { ns, .. }
            | LogTarget::Matching { ns, .. }
            | LogTarget::Owned { ns, .. } => ns,
        }
    }

    /// "pod/NAME", "pod/NAME -c C", "workflow/NAME", ...
    pub fn label(&self) -> String {
        match self {
            LogTarget::Pod { pod, pick, .. } => match pick {
                Pick::Named(c) => format!("pod/{pod} -c {c}"),
                _ => format!("pod/{pod}"),
            },
            LogTarget::Selector { label, .. } => label.clone(),
            LogTarget::Matching { pattern, .. } => format!("pods ~ {}", pattern.as_str()),
            LogTarget::Owned { kind, name, .. } => {
                let short = OWNERS
                    .iter()
                    .find(|o| o.1 == *kind)
                    .map_or("owner", |o| o.2);
                format!("{short}/{name}")
            }
        }
    }
}

/// What `kdoc logs` and `:logs` were told to read.
#[derive(Clone, Copy, Debug, Default)]
pub struct TargetSpec<'a> {
    /// `pod/NAME`, `workflow/NAME`, `pipelinerun/NAME`, `taskrun/NAME`, `svc/NAME`, or a
    /// pod-name regex.
    pub target: Option<&'a str>,
    /// `-l k=v,k2=v2`, instead of a target.
    pub selector: Option<&'a str>,
    /// `-c`: a container name, or a regex.
    pub container: Option<&'a str>,
    pub all_containers: bool,
}

/// `k=v,k2=v2` (equality only, as a Service's selector is).
pub fn parse_labels(s: &str) -> Result<BTreeMap<String, String>, String> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.is_empty() && !v.contains('=') && !k.ends_with('!') => {
                Ok((k.trim().to_string(), v.trim().to_string()))
            }
            _ => Err(format!(
                "-l {s:?}: only key=value pairs are supported, separated by commas"
            )),
        })
        .collect()
}

/// A container name as Kubernetes allows them: asked for by name, not as a pattern.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn regex_error(e: &regex::Error) -> String {
    e.to_string().lines().last().unwrap_or("").to_string()
}

fn pick(spec: &TargetSpec, default: Pick) -> Result<Pick, String> {
    match spec.container {
        Some(c) if is_name(c) => Ok(Pick::Named(c.to_string())),
        Some(c) => regex::Regex::new(c)
            .map(Pick::Regex)
            .map_err(|e| format!("-c {c:?}: {}", regex_error(&e))),
        None if spec.all_containers => Ok(Pick::All),
        None => Ok(default),
    }
}

/// The target a spec names in namespace `ns`. `svc/NAME` comes back as a selector target with
/// an empty selector and the label `svc/NAME`: [`service_selector`] fills it from the cache.
pub fn target(spec: &TargetSpec, ns: &str) -> Result<LogTarget, String> {
    if let Some(sel) = spec.selector {
        return Ok(LogTarget::Selector {
            ns: ns.into(),
            selector: parse_labels(sel)?,
            pick: pick(spec, Pick::All)?,
            label: format!("-l {sel}"),
        });
    }
    let Some(t) = spec.target else {
        return Err("say what to read: pod/NAME, workflow/NAME, pipelinerun/NAME, taskrun/NAME, svc/NAME, deploy/NAME (or sts/, ds/, rs/, job/), a pod-name regex, or -l SELECTOR".into());
    };
    let labelled =
        |kind: &str, name: &str, key: &str, default: Pick| -> Result<LogTarget, String> {
            Ok(LogTarget::Selector {
                ns: ns.into(),
                selector: BTreeMap::from([(key.to_string(), name.to_string())]),
                pick: pick(spec, default)?,
                label: format!("{kind}/{name}"),
            })
        };
    match t.split_once('/') {
        Some(("pod" | "pods" | "po", name)) => Ok(LogTarget::Pod {
            ns: ns.into(),
            pod: name.into(),
            pick: pick(spec, Pick::All)?,
        }),
        Some(("workflow" | "workflows" | "wf", name)) => labelled(
            "workflow",
            name,
            "workflows.argoproj.io/workflow",
            Pick::ArgoMain,
        ),
        Some(("pipelinerun" | "pipelineruns" | "pr", name)) => labelled(
            "pipelinerun",
            name,
            "tekton.dev/pipelineRun",
            Pick::TektonSteps,
        ),
        Some(("taskrun" | "taskruns" | "tr", name)) => {
            labelled("taskrun", name, "tekton.dev/taskRun", Pick::TektonSteps)
        }
        Some(("svc" | "service" | "services", name)) => Ok(LogTarget::Selector {
            ns: ns.into(),
            selector: BTreeMap::new(),
            pick: pick(spec, Pick::All)?,
            label: format!("svc/{name}"),
        }),
        Some((kind, name)) => match OWNERS.iter().find(|o| o.0.contains(&kind)) {
            Some(o) if !name.is_empty() => Ok(LogTarget::Owned {
                ns: ns.into(),
                kind: o.1,
                name: name.into(),
                pick: pick(spec, Pick::All)?,
            }),
            _ => Err(format!(
                "{t:?}: logs read pod/, workflow/, pipelinerun/, taskrun/, svc/, deploy/, sts/, ds/, rs/ and job/ targets, or a pod-name regex"
            )),
        },
        None => {
            let re = regex::Regex::new(t)
                .map_err(|e| format!("{t:?} is not a valid pod-name regex: {}", regex_error(&e)))?;
            Ok(LogTarget::Matching {
                ns: ns.into(),
                pattern: re,
                pick: pick(spec, Pick::All)?,
            })
        }
    }
}

/// Fill a `svc/NAME` target's selector from the cached Service; a name the cache lacks, or a
/// Service without a selector, is an error that says so.
pub fn service_selector(t: &mut LogTarget, cache: &Cache) -> Result<(), String> {
    if let LogTarget::Selector {
        ns,
        selector,
        label,
        ..
    } = t
        && let Some(name) = label.strip_prefix("svc/")
        && selector.is_empty()
    {
        let svc = cache
            .services
            .get(&(ns.clone(), name.to_string()))
            .ok_or_else(|| format!("service {name} not found in namespace {ns}"))?;
        if svc.selector.is_empty() {
            return Err(format!(
                "service {ns}/{name} has no selector: it selects no pods to read logs from"
            ));
        }
        *selector = svc.selector.clone();
    }
    Ok(())
}

/// A container's state as far as its log goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Never started: the waiting reason ("ImagePullBackOff: ...", "PodInitializing").
    Waiting(String),
    Running,
    /// Finished: "exit code 1, Error".
    Terminated(String),
    /// Not in the pod's spec (a named container that does not exist).
    Unknown,
}

/// One container a target wants right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    pub ns: String,
    pub pod: String,
    pub container: String,
    /// Restart count: a higher one than a stream was opened for means a new instance.
    pub restarts: i32,
    /// Whether it has ever run, so there is a log to read.
    pub ran: bool,
    pub state: RunState,
}

fn waiting_text(reason: Option<&str>, message: Option<&str>) -> String {
    match (reason, message) {
        (Some(r), Some(m)) if !m.is_empty() => format!("{r}: {m}"),
        (Some(r), _) => r.to_string(),
        (None, Some(m)) => m.to_string(),
        (None, None) => "not started".into(),
    }
}

fn state_of(st: Option<&ContainerStatus>) -> (RunState, bool, i32) {
    let Some(st) = st else {
        return (RunState::Waiting("ContainerCreating".into()), false, 0);
    };
    let ran_before = st
        .last_state
        .as_ref()
        .is_some_and(|l| l.terminated.is_some());
    let s = st.state.as_ref();
    let state = if let Some(t) = s.and_then(|s| s.terminated.as_ref()) {
        let mut text = format!("exit code {}", t.exit_code);
        if let Some(r) = &t.reason {
            text.push_str(&format!(", {r}"));
        }
        RunState::Terminated(text)
    } else if s.and_then(|s| s.running.as_ref()).is_some() {
        RunState::Running
    } else {
        let w = s.and_then(|s| s.waiting.as_ref());
        RunState::Waiting(waiting_text(
            w.and_then(|w| w.reason.as_deref()),
            w.and_then(|w| w.message.as_deref()),
        ))
    };
    let ran = ran_before || matches!(state, RunState::Running | RunState::Terminated(_));
    (state, ran, st.restart_count)
}

/// The containers of `pod` that `pick` wants, in the pod's order (init containers first).
pub fn containers(pod: &Pod, pick: &Pick) -> Vec<Wanted> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let init = spec
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                status.and_then(|s| s.init_container_statuses.as_deref()),
            )
        });
    let main = spec
        .map(|s| s.containers.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                status.and_then(|s| s.container_statuses.as_deref()),
            )
        });
    let all: Vec<(String, Option<&[ContainerStatus]>)> = init.chain(main).collect();
    let keep = |c: &str| match pick {
        Pick::All => true,
        Pick::Named(n) => c == n,
        Pick::ArgoMain => c == "main",
        Pick::TektonSteps => c.starts_with("step-"),
        Pick::Regex(re) => re.is_match(c),
    };
    let mut out: Vec<Wanted> = all
        .iter()
        .filter(|(c, _)| keep(c))
        .map(|(c, statuses)| {
            let st = statuses.and_then(|ss| ss.iter().find(|s| &s.name == c));
            let (state, ran, restarts) = state_of(st);
            Wanted {
                ns: ns.clone(),
                pod: name.clone(),
                container: c.clone(),
                restarts,
                ran,
                state,
            }
        })
        .collect();
    if let Pick::Named(c) = pick
        && out.is_empty()
    {
        // Asked for by name: the API's answer ("container X is not valid for pod Y") is the
        // most useful thing to show.
        out.push(Wanted {
            ns,
            pod: name,
            container: c.clone(),
            restarts: 0,
            ran: true,
            state: RunState::Unknown,
        });
    }
    out
}

/// Every container `target` wants among the cached pods, pods oldest first (step order for a
/// workflow), containers in pod order.
/// The pod, if `kind`/`name` owns it. A Deployment owns its pods through a ReplicaSet named
/// `NAME-HASH`, HASH being the pods' `pod-template-hash` label (how the deployment controller
/// names them); the others own their pods directly. A text search comes first so that only
/// candidates are parsed.
fn owned(e: &crate::core::pods::PodEntry, kind: &str, name: &str) -> Option<Pod> {
    owned_pod(e, kind, name)
}

/// Whether `kind`/`name` owns the pod (see [`owned`]).
pub fn owned_by(e: &crate::core::pods::PodEntry, kind: &str, name: &str) -> bool {
    owned_pod(e, kind, name).is_some()
}

fn owned_pod(e: &crate::core::pods::PodEntry, kind: &str, name: &str) -> Option<Pod> {
    let (kind, name) = if kind == "Deployment" {
        let hash = e.labels.get("pod-template-hash")?;
        ("ReplicaSet", format!("{name}-{hash}"))
    } else {
        (kind, name.to_string())
    };
    if !e.json.contains(&format!("\"{name}\"")) {
        return None;
    }
    let pod = e.pod()?;
    pod.metadata
        .owner_references
        .as_ref()?
        .iter()
        .any(|o| o.kind == kind && o.name == name)
        .then_some(pod)
}

pub fn wanted(target: &LogTarget, cache: &Cache) -> Vec<Wanted> {
    let mut pods: Vec<(Option<jiff::Timestamp>, Pod, &Pick)> = match target {
        LogTarget::Pod { ns, pod, pick } => cache
            .pods
            .get(&(ns.clone(), pod.clone()))
            .and_then(|e| e.pod())
            .map(|p| vec![(None, p, pick)])
            .unwrap_or_default(),
        LogTarget::Selector {
            ns, selector, pick, ..
        } => cache
            .pods_in(ns)
            .filter(|(_, e)| selects(selector, &e.labels))
            .filter_map(|(_, e)| e.pod().map(|p| (e.row.created, p, pick)))
            .collect(),
        LogTarget::Matching { ns, pattern, pick } => cache
            .pods_in(ns)
            .filter(|(k, _)| pattern.is_match(&k.1))
            .filter_map(|(_, e)| e.pod().map(|p| (e.row.created, p, pick)))
            .collect(),
        LogTarget::Owned {
            ns,
            kind,
            name,
            pick,
        } => cache
            .pods_in(ns)
            .filter_map(|(_, e)| owned(e, kind, name).map(|p| (e.row.created, p, pick)))
            .collect(),
    };
    pods.sort_by(|a, b| (a.0, &a.1.metadata.name).cmp(&(b.0, &b.1.metadata.name)));
    pods.iter()
        .flat_map(|(_, p, pick)| containers(p, pick))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(v: serde_json::Value) -> Pod {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn argo_pods_give_main_and_a_crashing_container_is_a_restart_away() {
        let p = pod(serde_json::json!({
            "metadata": {"name": "wf-step-1", "namespace": "argo"},
            "spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "wait"}, {"name": "main"}]},
            "status": {"containerStatuses": [
                {"name": "main", "image": "", "imageID": "", "ready": false, "restartCount": 3,
                 "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}},
                 "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}},
                {"name": "wait", "image": "", "imageID": "", "ready": true, "restartCount": 0,
                 "state": {"running": {}}}]}
        }));
        let w = containers(&p, &Pick::ArgoMain);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].container, "main");
        assert_eq!(w[0].restarts, 3);
        assert!(w[0].ran, "it ran before: its last log can be read");
        assert_eq!(
            w[0].state,
            RunState::Waiting("CrashLoopBackOff: back-off 40s".into())
        );
        let all = containers(&p, &Pick::All);
        let names: Vec<&str> = all.iter().map(|w| w.container.as_str()).collect();
        assert_eq!(names, ["init", "wait", "main"]);
        assert_eq!(all[0].state, RunState::Waiting("ContainerCreating".into()));
        assert!(!all[0].ran);
    }

    #[test]
    fn a_named_container_the_pod_lacks_is_still_requested() {
        let p = pod(serde_json::json!({
            "metadata": {"name": "p", "namespace": "ns"},
            "spec": {"containers": [{"name": "main"}]}
        }));
        let w = containers(&p, &Pick::Named("kaniko".into()));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].state, RunState::Unknown);
        assert!(w[0].ran);
    }
}
