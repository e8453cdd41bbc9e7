//! Pod status and event checks: why a pod does not run, named from its container states and
//! its events, the way `kubectl describe pod` would show it but joined up.
//!
//! One pass over every pod of the evidence. Each container gets at most one finding (the most
//! specific: an image that cannot be pulled, a missing secret, OOMKilled, a crash loop, a
//! failed init container, ...); the pod itself can add a scheduling finding (`status.pending`),
//! a node rejection (`status.pod-failed`), one finding per volume that cannot be mounted and one
//! per failing probe. When events could not be read, `events.unreadable` says so instead of
//! letting the silence look like health.

mod config;
mod crash;
mod image;
mod mounts;
mod probes;
mod schedule;

pub use crash::double_memory;
pub use image::{ImageRef, PullError};
pub use schedule::{Reason, ReasonKind, Unschedulable};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Pod};
use regex::Regex;
use serde_json::Value;

use super::model::{Act, ContainerLog, Evidence, Finding, Proof, Severity, Subject, event_time};
use crate::core::age::age_since;

/// How many log lines are quoted under a finding.
pub const LOG_TAIL: usize = 10;

/// A container that restarted within this window, and runs now, is reported (`status.restarted`).
const RECENT_RESTART_SECS: i64 = 3600;

/// A pod younger than this with no scheduling news is simply new, not stuck.
const SCHEDULING_GRACE_SECS: i64 = 60;

pub fn check(subject: &Subject, ev: &Evidence, now: Timestamp) -> Vec<Finding> {
    let mut out = vec![];
    if ev.events.is_none() {
        out.push(events_unreadable(subject, ev));
    }
    for pod in &ev.pods {
        let Ok(v) = serde_json::to_value(pod) else {
            continue;
        };
        out.extend(PodCheck::new(subject, ev, pod, v, now).run());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Helpers shared with workloads.rs
// ---------------------------------------------------------------------------------------------

/// What a container's exit code usually means (the shell's 126/127 and 128+signal codes).
pub fn exit_code_meaning(code: i64) -> Option<String> {
    let s = match code {
        0 => return None,
        1 => "a general error: the program failed on its own; its log says why",
        2 => {
            "a usage error: often a bad command-line argument or shell syntax, or a failed build/test tool"
        }
        126 => {
            "the command was found but could not be executed (not executable, or built for another CPU architecture)"
        }
        127 => {
            "command not found: the command or entrypoint does not exist in the image (check command/args and PATH)"
        }
        128 => "an invalid argument to exit",
        130 => "SIGINT: interrupted",
        134 => "SIGABRT: the program aborted itself (a failed assertion or a fatal runtime error)",
        137 => {
            "SIGKILL: killed from outside, by the kernel's OOM killer or by the kubelet (failed liveness probe, grace period over)"
        }
        139 => "SIGSEGV: the program crashed on a bad memory access (segmentation fault)",
        143 => {
            "SIGTERM: asked to stop (liveness probe failure, eviction, deletion or a rollout) and exited"
        }
        255 => "exit status 255: the program exited with -1, or its runtime failed",
        c if (129..160).contains(&c) => return Some(format!("killed by signal {}", c - 128)),
        _ => return None,
    };
    Some(s.to_string())
}

/// An event as evidence: count (core `count`, else the events.k8s.io series count) and the
/// seconds since it was last seen.
pub fn event_proof(e: &Event, now: Timestamp) -> Proof {
    let o = &e.involved_object;
    let object = format!(
        "{}/{}",
        o.kind.as_deref().unwrap_or("object").to_lowercase(),
        o.name.as_deref().unwrap_or_default()
    );
    Proof::Event {
        object,
        kind: e.type_.clone().unwrap_or_default(),
        reason: e.reason.clone().unwrap_or_default(),
        message: clean(e.message.as_deref().unwrap_or_default()),
        count: event_count(e),
        age_seconds: last_seen(e).map(|t| secs_between(t, now)),
    }
}

/// How many times an event happened.
pub fn event_count(e: &Event) -> i32 {
    e.count
        .filter(|c| *c > 0)
        .or_else(|| e.series.as_ref().and_then(|s| s.count))
        .unwrap_or(1)
}

/// When an event was last seen, including an events.k8s.io series' last observation.
pub fn last_seen(e: &Event) -> Option<Timestamp> {
    e.series
        .as_ref()
        .and_then(|s| s.last_observed_time.as_ref())
        .map(|t| t.0)
        .or_else(|| event_time(e))
}

/// The last `n` lines of a log as evidence, numbered as the log numbers them.
pub fn log_tail(log: &ContainerLog, n: usize) -> Vec<Proof> {
    let first = log.first_line.max(1);
    let start = log.lines.len().saturating_sub(n);
    log.lines[start..]
        .iter()
        .enumerate()
        .map(|(i, l)| Proof::Log {
            pod: log.pod.clone(),
            container: log.container.clone(),
            previous: log.previous,
            line: first + start + i,
            text: clean(l),
            context: false,
        })
        .collect()
}

/// Fix lines for what a failed step's log says about images it reads or writes (e.g. a push
/// task that finds nothing to push: `manifest unknown`).
pub fn log_hints(log: &ContainerLog) -> Vec<String> {
    let tail = &log.lines[log.lines.len().saturating_sub(LOG_TAIL)..];
    let has = |p: &str| tail.iter().any(|l| l.contains(p));
    let mut v = vec![];
    if has("manifest unknown") || has("MANIFEST_UNKNOWN") {
        v.push(
            "The log says the image it reads does not exist in the registry (manifest unknown): check that an earlier step pushed it (a build that only stored the image locally, or ran with --no-push, leaves nothing to read)"
                .to_string(),
        );
    }
    if has("401 Unauthorized") || has("unauthorized: ") || has("403 Forbidden") {
        v.push("The log shows the registry refusing the credentials: check the step's registry secret or service account".to_string());
    }
    v
}

/// Text safe to show: no terminal escapes or control characters, at most 600 characters.
pub fn clean(s: &str) -> String {
    static ANSI: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07").unwrap());
    let s = ANSI.replace_all(s, "");
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect();
    if out.chars().count() > 600 {
        out = out.chars().take(600).collect::<String>() + "…";
    }
    out.trim_end().to_string()
}

/// Seconds from `t` to `now` (negative when `t` is in the future).
pub fn secs_between(t: Timestamp, now: Timestamp) -> i64 {
    now.duration_since(t).as_secs()
}

/// An RFC 3339 time in a JSON value.
pub fn json_time(v: &Value) -> Option<Timestamp> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// A non-empty string in a JSON value.
pub fn json_str(v: &Value) -> Option<&str> {
    v.as_str().filter(|s| !s.is_empty())
}

/// `kubectl ... -n NS`, or `-A` for all namespaces.
fn ns_flag(ns: &str) -> String {
    if ns.is_empty() {
        "-A".into()
    } else {
        format!("-n {ns}")
    }
}

fn events_unreadable(subject: &Subject, ev: &Evidence) -> Finding {
    let missing = ev
        .missing
        .iter()
        .find(|m| m.what.to_lowercase().contains("event"));
    let what = missing
        .map(|m| m.what.clone())
        .unwrap_or_else(|| "events".into());
    let reason = missing
        .map(|m| m.reason.clone())
        .unwrap_or_else(|| "they were not read".into());
    let ns = &subject.namespace;
    Finding::new(
        "events.unreadable",
        Severity::Info,
        ns,
        &subject.label(),
    )
    .title(format!("Events could not be read: {}", clean(&reason)))
    .meaning(
        "Kubernetes reports scheduling, image pull, mount and probe failures as events; without \
         them these checks see only the objects' status, so a cause may go unnamed.",
    )
    .proof(Proof::Fact {
        text: format!("{what}: {}", clean(&reason)),
    })
    .fix(format!(
        "kubectl get events {} --sort-by=.lastTimestamp",
        ns_flag(ns)
    ))
    .fix("If that is forbidden, ask for RBAC `list` on `events` in this namespace")
}

// ---------------------------------------------------------------------------------------------
// One pod
// ---------------------------------------------------------------------------------------------

struct PodCheck<'a> {
    ev: &'a Evidence,
    now: Timestamp,
    v: Value,
    name: String,
    ns: String,
    label: String,
    events: Vec<&'a Event>,
}

/// A container status and whether it is an init container.
struct Ctr<'v> {
    init: bool,
    name: &'v str,
    cs: &'v Value,
}

impl Ctr<'_> {
    fn waiting_reason(&self) -> &str {
        self.cs["state"]["waiting"]["reason"]
            .as_str()
            .unwrap_or_default()
    }
    fn waiting_message(&self) -> &str {
        self.cs["state"]["waiting"]["message"]
            .as_str()
            .unwrap_or_default()
    }
    fn terminated(&self) -> &Value {
        &self.cs["state"]["terminated"]
    }
    fn last(&self) -> &Value {
        &self.cs["lastState"]["terminated"]
    }
    fn running(&self) -> bool {
        self.cs["state"]["running"].is_object()
    }
    fn restarts(&self) -> i64 {
        self.cs["restartCount"].as_i64().unwrap_or(0)
    }
    fn kind(&self) -> &'static str {
        if self.init {
            "init container"
        } else {
            "container"
        }
    }
}

/// A terminated state in one line: `exit code 1 (Error) at 2025-.. (5m ago), ran 5s: message`.
fn terminated_text(t: &Value, now: Timestamp) -> String {
    let code = t["exitCode"].as_i64().unwrap_or_default();
    let mut s = format!("exit code {code}");
    if let Some(r) = json_str(&t["reason"]) {
        s.push_str(&format!(" ({r})"));
    }
    if let Some(sig) = t["signal"].as_i64().filter(|s| *s != 0) {
        s.push_str(&format!(", signal {sig}"));
    }
    let finished = json_time(&t["finishedAt"]);
    if let Some(f) = finished {
        s.push_str(&format!(", finished {} ago", age_since(f, now)));
        if let Some(st) = json_time(&t["startedAt"]) {
            s.push_str(&format!(" after running {}", age_since(st, f)));
        }
    }
    if let Some(m) = json_str(&t["message"]) {
        s.push_str(&format!(": {}", clean(m)));
    }
    s
}

impl<'a> PodCheck<'a> {
    fn new(subject: &Subject, ev: &'a Evidence, pod: &Pod, v: Value, now: Timestamp) -> Self {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let ns = pod
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| subject.namespace.clone());
        let events = ev.events_of("Pod", &ns, &name);
        PodCheck {
            ev,
            now,
            v,
            label: format!("pod/{name}"),
            name,
            ns,
            events,
        }
    }

    fn finding(&self, id: &str, sev: Severity) -> Finding {
        Finding::new(id, sev, &self.ns, &self.label)
    }

    fn describe(&self) -> String {
        format!("kubectl describe pod {} -n {}", self.name, self.ns)
    }

    fn act_events(&self) -> Act {
        Act::Events {
            namespace: self.ns.clone(),
            object: self.label.clone(),
        }
    }

    fn act_logs(&self, container: &str, previous: bool) -> Act {
        Act::Logs {
            namespace: self.ns.clone(),
            pod: self.name.clone(),
            container: container.to_string(),
            previous,
        }
    }

    fn phase(&self) -> &str {
        self.v["status"]["phase"].as_str().unwrap_or_default()
    }

    fn run(&self) -> Vec<Finding> {
        let mut out = vec![];
        out.extend(self.pending());
        out.extend(self.pod_failed());
        for c in self.containers() {
            out.extend(self.container(&c));
        }
        out.extend(self.mounts());
        out.extend(self.probes());
        out
    }

    fn containers(&self) -> Vec<Ctr<'_>> {
        let mut v = vec![];
        for (key, init) in [
            ("initContainerStatuses", true),
            ("containerStatuses", false),
        ] {
            for cs in self.v["status"][key].as_array().into_iter().flatten() {
                if let Some(name) = cs["name"].as_str() {
                    v.push(Ctr { init, name, cs });
                }
            }
        }
        v
    }

    fn container_spec(&self, name: &str) -> &Value {
        for key in ["containers", "initContainers"] {
            if let Some(c) = self.v["spec"][key]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["name"].as_str() == Some(name))
            {
                return c;
            }
        }
        &Value::Null
    }

    /// The pod's events about one container: those whose fieldPath names it, and pod-level
    /// events whose message names it (or its image).
    fn container_events(&self, c: &str, image: &str) -> Vec<&'a Event> {
        self.events
            .iter()
            .copied()
            .filter(|e| match event_container(e) {
                Some(x) => x == c,
                None => {
                    let m = e.message.as_deref().unwrap_or_default();
                    m.contains(c) || (!image.is_empty() && m.contains(image))
                }
            })
            .collect()
    }

    fn events_with(&self, reason: &str) -> Vec<&'a Event> {
        self.events
            .iter()
            .copied()
            .filter(|e| e.reason.as_deref() == Some(reason))
            .collect()
    }

    /// The controller that owns the pod, as kubectl names it: `deployment/x` for a ReplicaSet
    /// pod with a `pod-template-hash`, else `statefulset/x`, `job/x` ...
    fn owner(&self) -> Option<String> {
        let refs = self.v["metadata"]["ownerReferences"].as_array()?;
        let r = refs
            .iter()
            .find(|r| r["controller"].as_bool() == Some(true))
            .or_else(|| refs.first())?;
        let kind = r["kind"].as_str()?;
        let name = r["name"].as_str()?;
        if kind == "ReplicaSet"
            && let Some(hash) = self.v["metadata"]["labels"]["pod-template-hash"].as_str()
            && let Some(d) = name.strip_suffix(&format!("-{hash}"))
        {
            return Some(format!("deployment/{d}"));
        }
        Some(format!("{}/{name}", kind.to_lowercase()))
    }

    fn is_argo(&self) -> bool {
        self.v["metadata"]["labels"]["workflows.argoproj.io/workflow"].is_string()
            || (self.container_spec("wait").is_object() && self.container_spec("main").is_object())
    }

    /// Whether the Argo Workflow or Tekton run this pod belongs to is in the evidence, so the
    /// workload check speaks for its failed steps.
    fn run_checked(&self) -> bool {
        let labels = &self.v["metadata"]["labels"];
        let present = |kind: &str, name: Option<&str>| {
            let Some(name) = name else { return false };
            let hit = |o: &Value| {
                o["metadata"]["name"].as_str() == Some(name)
                    && o["kind"].as_str().is_none_or(|k| k == kind)
            };
            self.ev.custom(kind).iter().any(hit)
                || self
                    .ev
                    .object
                    .as_ref()
                    .is_some_and(|o| o["kind"].as_str() == Some(kind) && hit(o))
        };
        present(
            "Workflow",
            labels["workflows.argoproj.io/workflow"].as_str(),
        ) || present("TaskRun", labels["tekton.dev/taskRun"].as_str())
            || present("PipelineRun", labels["tekton.dev/pipelineRun"].as_str())
    }

    fn age_secs(&self) -> Option<i64> {
        json_time(&self.v["metadata"]["creationTimestamp"]).map(|t| secs_between(t, self.now))
    }

    /// The reason a read about this pod's container did not happen, if it was recorded.
    fn missing_about(&self, container: &str, what: &str) -> Option<String> {
        self.ev
            .missing
            .iter()
            .find(|m| {
                m.what.contains(&self.name) && m.what.contains(container) && m.what.contains(what)
            })
            .map(|m| clean(&m.reason))
    }

    // -----------------------------------------------------------------------------------------
    // Per container
    // -----------------------------------------------------------------------------------------

    fn container(&self, c: &Ctr) -> Option<Finding> {
        let wr = c.waiting_reason();
        match wr {
            "ErrImagePull"
            | "ImagePullBackOff"
            | "InvalidImageName"
            | "ErrImageNeverPull"
            | "ImageInspectError"
            | "RegistryUnavailable"
            | "SignatureValidationFailed" => {
                return Some(self.image_pull(c));
            }
            "CreateContainerConfigError" => return Some(self.config_error(c)),
            _ => {}
        }
        let oom = |t: &Value| t["reason"].as_str() == Some("OOMKilled");
        if oom(c.terminated()) || (oom(c.last()) && (wr == "CrashLoopBackOff" || c.running())) {
            return Some(self.oom_killed(c));
        }
        if wr == "CrashLoopBackOff" {
            return Some(if c.init {
                self.init_crash(c)
            } else {
                self.crash_loop(c)
            });
        }
        if matches!(
            wr,
            "RunContainerError"
                | "CreateContainerError"
                | "StartError"
                | "PreStartHookError"
                | "PostStartHookError"
                | "ContainerCannotRun"
        ) {
            return Some(if c.init {
                self.init_crash(c)
            } else {
                self.start_error(c)
            });
        }
        let t = c.terminated();
        if t.is_object() && t["exitCode"].as_i64().unwrap_or(0) != 0 {
            if c.init {
                return Some(self.init_crash(c));
            }
            // A failed Argo step or Tekton task is reported by the workload check, with the
            // step's name and the run's own message.
            if self.run_checked() {
                return None;
            }
            return Some(self.container_failed(c));
        }
        let l = c.last();
        if c.running()
            && c.restarts() > 0
            && l["exitCode"].as_i64().unwrap_or(0) != 0
            && json_time(&l["finishedAt"])
                .is_some_and(|f| secs_between(f, self.now) <= RECENT_RESTART_SECS)
        {
            return Some(self.restarted(c));
        }
        None
    }

    fn state_proof(&self, c: &Ctr) -> Proof {
        let cs = c.cs;
        let st = &cs["state"];
        let mut text = if st["waiting"].is_object() {
            let mut s = format!("waiting: {}", c.waiting_reason());
            if !c.waiting_message().is_empty() {
                s.push_str(&format!(" ({})", clean(c.waiting_message())));
            }
            s
        } else if st["running"].is_object() {
            match json_time(&st["running"]["startedAt"]) {
                Some(t) => format!("running for {}", age_since(t, self.now)),
                None => "running".into(),
            }
        } else if st["terminated"].is_object() {
            format!(
                "terminated: {}",
                terminated_text(&st["terminated"], self.now)
            )
        } else {
            "no state yet".into()
        };
        if c.restarts() > 0 {
            text.push_str(&format!("; restarted {} times", c.restarts()));
        }
        Proof::State {
            pod: self.name.clone(),
            container: c.name.to_string(),
            text,
        }
    }

    fn last_state_proof(&self, c: &Ctr) -> Option<Proof> {
        let l = c.last();
        l.is_object().then(|| Proof::State {
            pod: self.name.clone(),
            container: c.name.to_string(),
            text: format!("last terminated: {}", terminated_text(l, self.now)),
        })
    }
}

/// The container an event is about, from `spec.containers{x}` / `spec.initContainers{x}`.
fn event_container(e: &Event) -> Option<&str> {
    let f = e.involved_object.field_path.as_deref()?;
    let start = f.find('{')? + 1;
    let end = f[start..].find('}')? + start;
    Some(&f[start..end])
}

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// FailedScheduling messages
// ---------------------------------------------------------------------------------------------
