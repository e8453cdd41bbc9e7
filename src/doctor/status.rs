//! Pod status and event checks: why a pod does not run, named from its container states and
//! its events, the way `kubectl describe pod` would show it but joined up.
//!
//! One pass over every pod of the evidence. Each container gets at most one finding (the most
//! specific: an image that cannot be pulled, a missing secret, OOMKilled, a crash loop, a
//! failed init container, ...); the pod itself can add a scheduling finding (`status.pending`),
//! a node rejection (`status.pod-failed`), one finding per volume that cannot be mounted and one
//! per failing probe. When events could not be read, `events.unreadable` says so instead of
//! letting the silence look like health.

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

    /// The previous instance's log tail, or a fact saying why it is not here.
    fn previous_log(&self, c: &Ctr) -> Vec<Proof> {
        match self.ev.log(&self.name, c.name, true) {
            Some(log) if log.lines.is_empty() => vec![Proof::Fact {
                text: format!(
                    "the previous instance of {} wrote nothing to its log",
                    c.name
                ),
            }],
            Some(log) => log_tail(log, LOG_TAIL),
            None => {
                let why = self
                    .missing_about(c.name, "log")
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                vec![Proof::Fact {
                    text: format!("the previous log of {} was not read{why}", c.name),
                }]
            }
        }
    }

    fn exit_facts(&self, code: Option<i64>) -> Option<Proof> {
        let code = code?;
        exit_code_meaning(code).map(|m| Proof::Fact {
            text: format!("exit code {code}: {m}"),
        })
    }

    fn crash_loop(&self, c: &Ctr) -> Finding {
        let last = c.last();
        let code = last["exitCode"].as_i64();
        let reason = json_str(&last["reason"]).unwrap_or("unknown reason");
        let title = match code {
            Some(code) => format!(
                "Container {} is crash-looping: exit code {code} ({reason}), restarted {} times",
                c.name,
                c.restarts()
            ),
            None => format!(
                "Container {} is crash-looping, restarted {} times",
                c.name,
                c.restarts()
            ),
        };
        let mut f = self
            .finding("status.crash-loop", Severity::Error)
            .title(title)
            .meaning(
                "The container keeps exiting and the kubelet restarts it with a growing back-off \
                 (up to 5 minutes); the reason is in how it last exited and in its previous log.",
            )
            .proof(self.state_proof(c));
        if let Some(p) = self.last_state_proof(c) {
            f = f.proof(p);
        }
        if let Some(p) = self.exit_facts(code) {
            f = f.proof(p);
        }
        for e in self
            .container_events(c.name, "")
            .into_iter()
            .filter(|e| e.reason.as_deref() == Some("BackOff"))
            .rev()
            .take(1)
        {
            f = f.proof(event_proof(e, self.now));
        }
        for p in self.previous_log(c) {
            f = f.proof(p);
        }
        f = f.fix(format!(
            "kubectl logs {} -n {} -c {} --previous",
            self.name, self.ns, c.name
        ));
        for line in exit_code_fix(code, last) {
            f = f.fix(line);
        }
        f.fix(self.describe()).act(self.act_logs(c.name, true))
    }

    fn restarted(&self, c: &Ctr) -> Finding {
        let last = c.last();
        let code = last["exitCode"].as_i64();
        let mut f = self
            .finding("status.restarted", Severity::Info)
            .title(format!(
                "Container {} restarted recently: exit code {} ({})",
                c.name,
                code.unwrap_or_default(),
                json_str(&last["reason"]).unwrap_or("unknown reason")
            ))
            .meaning(
                "The container runs now, but its previous instance failed within the last hour; \
                 if it happens again it becomes a crash loop.",
            )
            .proof(self.state_proof(c));
        if let Some(p) = self.last_state_proof(c) {
            f = f.proof(p);
        }
        if let Some(p) = self.exit_facts(code) {
            f = f.proof(p);
        }
        for p in self.previous_log(c) {
            f = f.proof(p);
        }
        f.fix(format!(
            "kubectl logs {} -n {} -c {} --previous",
            self.name, self.ns, c.name
        ))
        .act(self.act_logs(c.name, true))
    }

    fn container_failed(&self, c: &Ctr) -> Finding {
        let t = c.terminated();
        let code = t["exitCode"].as_i64();
        let mut f = self
            .finding("status.container-failed", Severity::Error)
            .title(format!(
                "Container {} exited with code {} ({})",
                c.name,
                code.unwrap_or_default(),
                json_str(&t["reason"]).unwrap_or("Error")
            ))
            .meaning("The container ran and failed; it is not being restarted, so its log holds the reason.")
            .proof(self.state_proof(c));
        if let Some(p) = self.exit_facts(code) {
            f = f.proof(p);
        }
        if let Some(log) = self.ev.log(&self.name, c.name, false) {
            for p in log_tail(log, LOG_TAIL) {
                f = f.proof(p);
            }
        }
        f = f.fix(format!(
            "kubectl logs {} -n {} -c {}",
            self.name, self.ns, c.name
        ));
        for line in exit_code_fix(code, t) {
            f = f.fix(line);
        }
        f.act(self.act_logs(c.name, false))
    }

    fn start_error(&self, c: &Ctr) -> Finding {
        let code = c.last()["exitCode"].as_i64();
        let mut f = self
            .finding("status.start-error", Severity::Error)
            .title(format!(
                "Container {} cannot start: {}",
                c.name,
                c.waiting_reason()
            ))
            .meaning(
                "The container runtime could not create or start the container: usually a \
                 command that does not exist in the image, a bad mount, or a lifecycle hook that failed.",
            )
            .proof(self.state_proof(c));
        if let Some(p) = self.last_state_proof(c) {
            f = f.proof(p);
        }
        if let Some(p) = self.exit_facts(code) {
            f = f.proof(p);
        }
        for e in self
            .container_events(c.name, "")
            .into_iter()
            .filter(|e| e.type_.as_deref() == Some("Warning"))
            .rev()
            .take(2)
        {
            f = f.proof(event_proof(e, self.now));
        }
        for line in exit_code_fix(code, c.last()) {
            f = f.fix(line);
        }
        f.fix(self.describe()).act(self.act_events())
    }

    fn init_crash(&self, c: &Ctr) -> Finding {
        let t = c.terminated();
        let last = if t.is_object() { t } else { c.last() };
        let code = last["exitCode"].as_i64();
        let wr = c.waiting_reason();
        let how = if wr.is_empty() {
            format!(
                "failed with exit code {} ({})",
                code.unwrap_or_default(),
                json_str(&last["reason"]).unwrap_or("Error")
            )
        } else {
            match code {
                Some(code) => format!("{wr}, last exit code {code}"),
                None => wr.to_string(),
            }
        };
        let mut meaning = String::from(
            "Init containers run one by one before the app containers, and each must succeed; \
             until this one does, the pod stays in Init and nothing else starts.",
        );
        let storage = c.name == "storage-initializer";
        if storage {
            meaning.push_str(
                " KServe's storage-initializer downloads the model from the storageUri into \
                 /mnt/models; it fails on missing or wrong storage credentials, an unreachable \
                 endpoint or a wrong path.",
            );
        }
        let mut f = self
            .finding("status.init-crash", Severity::Error)
            .title(format!("Init container {} {how}", c.name))
            .meaning(meaning)
            .proof(self.state_proof(c));
        if !t.is_object()
            && let Some(p) = self.last_state_proof(c)
        {
            f = f.proof(p);
        }
        if let Some(p) = self.exit_facts(code) {
            f = f.proof(p);
        }
        if storage
            && let Some(uri) = self.v["metadata"]["annotations"]
                ["internal.serving.kserve.io/storage-initializer-sourceuri"]
                .as_str()
            {
                f = f.proof(Proof::Fact {
                    text: format!("storageUri: {uri}"),
                });
            }
        for e in self
            .container_events(c.name, "")
            .into_iter()
            .filter(|e| e.type_.as_deref() == Some("Warning"))
            .rev()
            .take(1)
        {
            f = f.proof(event_proof(e, self.now));
        }
        let previous = !t.is_object() && c.last().is_object();
        if previous {
            for p in self.previous_log(c) {
                f = f.proof(p);
            }
        } else if let Some(log) = self.ev.log(&self.name, c.name, false) {
            for p in log_tail(log, LOG_TAIL) {
                f = f.proof(p);
            }
        }
        f = f.fix(format!(
            "kubectl logs {} -n {} -c {}{}",
            self.name,
            self.ns,
            c.name,
            if previous { " --previous" } else { "" }
        ));
        for line in exit_code_fix(code, last) {
            f = f.fix(line);
        }
        if storage {
            let sa = json_str(&self.v["spec"]["serviceAccountName"]).unwrap_or("default");
            f = f.fix(format!(
                "Check the storage credentials: the secret named by the annotation serving.kserve.io/storageSecretName, or the secrets of service account {sa} (kubectl describe sa {sa} -n {})",
                self.ns
            ));
        }
        f.fix(self.describe()).act(self.act_logs(c.name, previous))
    }

    fn oom_killed(&self, c: &Ctr) -> Finding {
        let current = c.terminated()["reason"].as_str() == Some("OOMKilled");
        let spec = self.container_spec(c.name);
        let limit = json_str(&spec["resources"]["limits"]["memory"]);
        let request = json_str(&spec["resources"]["requests"]["memory"]);
        let sev = if c.running() {
            Severity::Warning
        } else {
            Severity::Error
        };
        let title = match limit {
            Some(l) => format!(
                "Container {} was OOMKilled: it used more than its {l} memory limit",
                c.name
            ),
            None => format!("Container {} was OOMKilled (no memory limit set)", c.name),
        };
        let argo_wait = c.name == "wait" && self.is_argo();
        let mut meaning = String::from(
            "The kernel killed the container (exit code 137) because it used more memory than \
             allowed; it will keep being killed until the limit fits what it needs.",
        );
        if limit.is_none() {
            meaning =
                "The kernel killed the container (exit code 137) for lack of memory: with no \
                       limit of its own, the node ran out (or a LimitRange default applied)."
                    .into();
        }
        if argo_wait {
            meaning.push_str(
                " This is Argo's `wait` sidecar (the executor that saves outputs), not your step's `main`.",
            );
        }
        let mut f = self
            .finding("status.oom-killed", sev)
            .title(title)
            .meaning(meaning)
            .proof(self.state_proof(c));
        if !current && let Some(p) = self.last_state_proof(c) {
            f = f.proof(p);
        }
        f = f.proof(Proof::Fact {
            text: format!(
                "memory of {}: request {}, limit {}",
                c.name,
                request.unwrap_or("none"),
                limit.unwrap_or("none")
            ),
        });
        if c.restarts() > 0 || !current {
            for p in self.previous_log(c) {
                f = f.proof(p);
            }
        }
        let bigger = limit
            .and_then(double_memory)
            .unwrap_or_else(|| "a higher value".into());
        if argo_wait {
            f = f.fix(format!(
                "Raise the executor's memory: in the workflow-controller-configmap set executor.resources.limits.memory to {bigger} (or podSpecPatch on the template)"
            ));
        } else if self.is_argo() {
            f = f.fix(format!(
                "Raise resources.limits.memory of the template's container to {bigger} in the Workflow (or WorkflowTemplate), then resubmit"
            ));
        } else {
            match self.owner() {
                Some(o) if !o.starts_with("job/") => {
                    f = f.fix(format!(
                        "kubectl set resources {o} -n {} -c {} --limits=memory={bigger}",
                        self.ns, c.name
                    ))
                }
                Some(o) => {
                    f = f.fix(format!(
                        "A Job's pod template cannot change: recreate {o} with resources.limits.memory {bigger} for {}",
                        c.name
                    ))
                }
                None => {
                    f = f.fix(format!(
                        "Raise resources.limits.memory of {} to {bigger} and recreate the pod",
                        c.name
                    ))
                }
            }
        }
        f = f.fix(format!(
            "Watch its real usage: kubectl top pod {} -n {} --containers",
            self.name, self.ns
        ));
        f.act(self.act_logs(c.name, !current))
    }

    // -----------------------------------------------------------------------------------------
    // Images
    // -----------------------------------------------------------------------------------------

    fn image_pull(&self, c: &Ctr) -> Finding {
        let spec = self.container_spec(c.name);
        let image = json_str(&spec["image"])
            .or_else(|| json_str(&c.cs["image"]))
            .unwrap_or_default()
            .to_string();
        let r = ImageRef::parse(&image);
        let wr = c.waiting_reason();
        let wm = c.waiting_message();
        let events = self.container_events(c.name, &image);
        let failures: Vec<&Event> = events
            .iter()
            .copied()
            .filter(|e| {
                e.reason.as_deref() == Some("Failed")
                    && e.message
                        .as_deref()
                        .is_some_and(|m| m.starts_with("Failed to pull image"))
            })
            .collect();
        let cause = failures
            .last()
            .and_then(|e| e.message.clone())
            .or_else(|| {
                (!wm.is_empty() && !wm.starts_with("Back-off pulling image"))
                    .then(|| wm.to_string())
            })
            .unwrap_or_default();
        let class = PullError::classify(wr, &cause);
        let what = class.phrase(&cause);
        let mut f = self
            .finding("status.image-pull", Severity::Error)
            .title(format!(
                "Cannot pull image {image} for {} {}: {what}",
                c.kind(),
                c.name
            ))
            .meaning(class.meaning())
            .proof(self.state_proof(c))
            .proof(Proof::Fact {
                text: format!(
                    "image {image}: registry {}, repository {}, {}",
                    r.registry,
                    r.repository,
                    match (&r.tag, &r.digest) {
                        (_, Some(d)) => format!("digest {d}"),
                        (Some(t), None) => format!("tag {t}"),
                        (None, None) => "tag latest (none given)".into(),
                    }
                ),
            });
        // The distinct failure messages, newest last (a registry can fail several ways).
        let mut seen = BTreeSet::new();
        let mut distinct: Vec<&Event> = failures
            .iter()
            .rev()
            .filter(|e| seen.insert(e.message.clone()))
            .take(3)
            .copied()
            .collect();
        distinct.reverse();
        for e in distinct {
            f = f.proof(event_proof(e, self.now));
        }
        if let Some(e) = events.iter().rev().find(|e| {
            e.reason.as_deref() == Some("BackOff")
                || e.message.as_deref() == Some("Error: ImagePullBackOff")
        }) {
            f = f.proof(event_proof(e, self.now));
        }
        let secrets = self.pull_secrets();
        for (_, _, text) in &secrets {
            f = f.proof(Proof::Fact { text: text.clone() });
        }
        for line in self.pull_fix(&class, &r, &image, c.name, &secrets) {
            f = f.fix(line);
        }
        f.fix(self.describe()).act(self.act_events())
    }

    /// The pod's image pull secrets and its service account's: (name, exists, description).
    fn pull_secrets(&self) -> Vec<(String, Option<bool>, String)> {
        let mut out = vec![];
        let sa = json_str(&self.v["spec"]["serviceAccountName"])
            .or_else(|| json_str(&self.v["spec"]["serviceAccount"]))
            .unwrap_or("default");
        let mut names: Vec<(String, String)> = self.v["spec"]["imagePullSecrets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| json_str(&s["name"]))
            .map(|n| (n.to_string(), "from the pod".to_string()))
            .collect();
        match &self.ev.service_accounts {
            None => out.push((
                String::new(),
                None,
                format!("service account {sa}: not read, so its image pull secrets are unknown"),
            )),
            Some(sas) => {
                let found = sas.iter().find(|s| {
                    s.metadata.name.as_deref() == Some(sa)
                        && s.metadata.namespace.as_deref().unwrap_or(&self.ns) == self.ns
                });
                match found {
                    None => out.push((
                        String::new(),
                        None,
                        format!(
                            "service account {sa} was not found in {}, so it adds no image pull secrets",
                            self.ns
                        ),
                    )),
                    Some(s) => {
                        let list = s.image_pull_secrets.as_deref().unwrap_or_default();
                        if list.is_empty() {
                            out.push((
                                String::new(),
                                None,
                                format!("service account {sa} has no image pull secrets"),
                            ));
                        }
                        for r in list {
                            names.push((r.name.clone(), format!("from service account {sa}")));
                        }
                    }
                }
            }
        }
        if names.is_empty() && self.v["spec"]["imagePullSecrets"].as_array().is_none() {
            out.push((
                String::new(),
                None,
                "the pod has no imagePullSecrets".to_string(),
            ));
        }
        for (name, from) in names {
            let (exists, state) = match &self.ev.secrets {
                None => (
                    None,
                    match self
                        .ev
                        .missing
                        .iter()
                        .find(|m| m.what.to_lowercase().contains("secret"))
                    {
                        Some(m) => format!("could not check that it exists: {}", clean(&m.reason)),
                        None => "could not check that it exists (secrets not read)".into(),
                    },
                ),
                Some(map) => {
                    let e = map.get(&self.ns).is_some_and(|s| s.contains(&name));
                    (
                        Some(e),
                        if e {
                            "exists".to_string()
                        } else {
                            format!("does not exist in {}", self.ns)
                        },
                    )
                }
            };
            out.push((
                name.clone(),
                exists,
                format!("image pull secret {name} ({from}): {state}"),
            ));
        }
        out
    }

    fn pull_fix(
        &self,
        class: &PullError,
        r: &ImageRef,
        image: &str,
        container: &str,
        secrets: &[(String, Option<bool>, String)],
    ) -> Vec<String> {
        let ns = &self.ns;
        let repo = format!("{}/{}", r.registry, r.repository);
        let sa = json_str(&self.v["spec"]["serviceAccountName"]).unwrap_or("default");
        let mut v = vec![];
        let set_image = match self.owner() {
            Some(o) => format!("kubectl set image {o} {container}=IMAGE -n {ns}"),
            None => {
                format!("Change the image of {container} in the pod's manifest and recreate it")
            }
        };
        let auth = |v: &mut Vec<String>| {
            let missing: Vec<&str> = secrets
                .iter()
                .filter(|(n, e, _)| !n.is_empty() && *e == Some(false))
                .map(|(n, _, _)| n.as_str())
                .collect();
            let existing: Vec<&str> = secrets
                .iter()
                .filter(|(n, e, _)| !n.is_empty() && *e != Some(false))
                .map(|(n, _, _)| n.as_str())
                .collect();
            let name = missing.first().copied().unwrap_or("regcred");
            if !missing.is_empty() || existing.is_empty() {
                v.push(format!(
                    "kubectl create secret docker-registry {name} --docker-server={} --docker-username=USER --docker-password=TOKEN -n {ns}",
                    r.registry
                ));
            }
            if existing.is_empty() && missing.is_empty() {
                v.push(format!(
                    "kubectl patch serviceaccount {sa} -n {ns} -p '{{\"imagePullSecrets\":[{{\"name\":\"{name}\"}}]}}'"
                ));
            }
            for s in existing {
                v.push(format!(
                    "Check that secret {s} holds credentials for {} that are still valid: kubectl get secret {s} -n {ns} -o jsonpath='{{.data.\\.dockerconfigjson}}' | base64 -d | jq '.auths | keys'",
                    r.registry
                ));
            }
        };
        match class {
            PullError::NotFound => {
                v.push(format!(
                    "Check which tags exist: skopeo list-tags docker://{repo}"
                ));
                v.push(format!(
                    "If a pipeline builds {image}, check that its push step really pushed it (a build with --no-push, or a failed push, leaves nothing to pull)"
                ));
                v.push(set_image);
            }
            PullError::NotFoundOrAuth => {
                v.push(format!(
                    "Check the name and that it exists: skopeo inspect docker://{image}"
                ));
                auth(&mut v);
            }
            PullError::Auth => {
                v.push(format!(
                    "The registry {} refused the pull: the image is private (or absent) and no valid credentials were sent",
                    r.registry
                ));
                if r.registry == "ghcr.io" {
                    v.push(format!(
                        "GHCR answers 403 to anonymous pulls of a private or missing package: make the package {} public, or pull with a token that has read:packages",
                        r.repository
                    ));
                }
                auth(&mut v);
            }
            PullError::Tls => v.push(format!(
                "The node does not trust the certificate of {} (or it names another host): check the registry address, or add its CA to the container runtime (containerd: /etc/containerd/certs.d/{}/)",
                r.registry, r.registry
            )),
            PullError::Http => v.push(format!(
                "{} serves plain HTTP: configure it as an insecure registry in the container runtime, or serve it over TLS",
                r.registry
            )),
            PullError::Network => v.push(format!(
                "The node cannot reach {}: check DNS, proxy and firewall from the node (kubectl debug node/NODE -it --image=busybox -- nslookup {})",
                r.registry,
                r.registry.split(':').next().unwrap_or_default()
            )),
            PullError::RateLimit => v.push(
                "The registry rate-limits anonymous pulls: pull with credentials (an image pull secret) or use a mirror".into(),
            ),
            PullError::Platform => v.push(format!(
                "{image} has no build for the node's CPU architecture: publish a multi-arch image or pin nodeSelector kubernetes.io/arch"
            )),
            PullError::Invalid => {
                v.push(format!(
                    "{image:?} is not a valid image reference (lowercase repository, optional :tag or @sha256:digest)"
                ));
                v.push(set_image);
            }
            PullError::NeverPull => v.push(format!(
                "imagePullPolicy is Never and {image} is not on the node: load it onto the node or set imagePullPolicy: IfNotPresent"
            )),
            PullError::Unknown => {}
        }
        v
    }

    // -----------------------------------------------------------------------------------------
    // Config
    // -----------------------------------------------------------------------------------------

    fn config_error(&self, c: &Ctr) -> Finding {
        static SECRET: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r#"secret "([^"]+)" not found"#).unwrap());
        static CONFIGMAP: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r#"configmap "([^"]+)" not found"#).unwrap());
        static KEY: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"couldn't find key (\S+) in (Secret|ConfigMap) ([^/\s]+)/(\S+)").unwrap()
        });
        let msg = c.waiting_message();
        let ns = &self.ns;
        let mut fixes = vec![];
        let what = if let Some(m) = KEY.captures(msg) {
            let (key, kind, obj) = (&m[1], &m[2], &m[4]);
            if kind == "Secret" {
                fixes.push(format!(
                    "kubectl patch secret {obj} -n {ns} --type merge -p '{{\"stringData\":{{\"{key}\":\"VALUE\"}}}}'"
                ));
            } else {
                fixes.push(format!(
                    "kubectl patch configmap {obj} -n {ns} --type merge -p '{{\"data\":{{\"{key}\":\"VALUE\"}}}}'"
                ));
            }
            format!("{kind} {obj} has no key {key}")
        } else if let Some(m) = SECRET.captures(msg) {
            let keys = self.env_keys(c.name, "secretKeyRef", &m[1]);
            fixes.push(format!(
                "kubectl create secret generic {} -n {ns} {}",
                &m[1],
                literal_flags(&keys)
            ));
            format!("secret {} not found", &m[1])
        } else if let Some(m) = CONFIGMAP.captures(msg) {
            let keys = self.env_keys(c.name, "configMapKeyRef", &m[1]);
            fixes.push(format!(
                "kubectl create configmap {} -n {ns} {}",
                &m[1],
                literal_flags(&keys)
            ));
            format!("configmap {} not found", &m[1])
        } else if msg.is_empty() {
            "CreateContainerConfigError".to_string()
        } else {
            clean(msg)
        };
        let mut f = self
            .finding("status.config-error", Severity::Error)
            .title(format!("Container {} cannot be configured: {what}", c.name))
            .meaning(
                "The kubelet cannot build the container's configuration: something it refers to \
                 (a Secret or ConfigMap, a key in one, or a security setting) is missing or wrong, \
                 so the container is never created.",
            )
            .proof(self.state_proof(c));
        for (kind, name, optional) in self.env_refs(c.name) {
            if optional {
                continue;
            }
            let map = if kind == "secret" {
                &self.ev.secrets
            } else {
                &self.ev.config_maps
            };
            if let Some(map) = map
                && !map.get(ns).is_some_and(|s| s.contains(&name))
            {
                f = f.proof(Proof::Fact {
                    text: format!(
                        "{} refers to {kind} {name}, which does not exist in {ns}",
                        c.name
                    ),
                });
            }
        }
        for e in self
            .container_events(c.name, "")
            .into_iter()
            .filter(|e| e.reason.as_deref() == Some("Failed"))
            .rev()
            .take(1)
        {
            f = f.proof(event_proof(e, self.now));
        }
        for l in fixes {
            f = f.fix(l);
        }
        f.fix(self.describe()).act(self.act_events())
    }

    /// Secrets and ConfigMaps a container's env refers to: (kind, name, optional).
    fn env_refs(&self, container: &str) -> Vec<(String, String, bool)> {
        let spec = self.container_spec(container);
        let mut out: Vec<(String, String, bool)> = vec![];
        let mut push = |kind: &str, r: &Value| {
            if let Some(n) = json_str(&r["name"]) {
                let item = (
                    kind.to_string(),
                    n.to_string(),
                    r["optional"].as_bool() == Some(true),
                );
                if !out.contains(&item) {
                    out.push(item);
                }
            }
        };
        for e in spec["env"].as_array().into_iter().flatten() {
            push("secret", &e["valueFrom"]["secretKeyRef"]);
            push("configmap", &e["valueFrom"]["configMapKeyRef"]);
        }
        for e in spec["envFrom"].as_array().into_iter().flatten() {
            push("secret", &e["secretRef"]);
            push("configmap", &e["configMapRef"]);
        }
        out
    }

    /// The keys a container's env takes from one Secret/ConfigMap.
    fn env_keys(&self, container: &str, reference: &str, name: &str) -> Vec<String> {
        self.container_spec(container)["env"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["valueFrom"][reference]["name"].as_str() == Some(name))
            .filter_map(|e| json_str(&e["valueFrom"][reference]["key"]).map(str::to_string))
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Scheduling
    // -----------------------------------------------------------------------------------------

    fn pending(&self) -> Option<Finding> {
        if self.phase() != "Pending" || json_str(&self.v["spec"]["nodeName"]).is_some() {
            return None;
        }
        let cond = self.v["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["type"].as_str() == Some("PodScheduled"));
        if cond.is_some_and(|c| c["status"].as_str() == Some("True")) {
            return None;
        }
        let failed: Vec<&Event> = self
            .events_with("FailedScheduling")
            .into_iter()
            .filter(|e| {
                !e.message
                    .as_deref()
                    .unwrap_or_default()
                    .starts_with("skip schedule deleting pod")
            })
            .collect();
        let latest = failed.last().copied();
        let message = latest
            .and_then(|e| e.message.clone())
            .or_else(|| cond.and_then(|c| json_str(&c["message"]).map(str::to_string)));
        let ns = &self.ns;
        let mut f = self.finding("status.pending", Severity::Error);
        let age = self.age_secs();
        if let Some(a) = age {
            f = f.proof(Proof::Fact {
                text: format!(
                    "Pending and not scheduled for {}",
                    crate::core::age::human_duration(std::time::Duration::from_secs(
                        a.max(0) as u64
                    ))
                ),
            });
        }
        let gates: Vec<&str> = self.v["spec"]["schedulingGates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| json_str(&g["name"]))
            .collect();
        if !gates.is_empty() {
            return Some(
                f.title(format!(
                    "Pod is held back from scheduling by gates: {}",
                    gates.join(", ")
                ))
                .meaning(
                    "The scheduler ignores a pod while spec.schedulingGates is not empty; \
                     whatever added the gates must remove them.",
                )
                .fix(format!(
                    "Find the controller that owns the gates ({}) and why it has not removed them",
                    gates.join(", ")
                ))
                .act(self.act_events()),
            );
        }
        let Some(message) = message else {
            if age.is_some_and(|a| a < SCHEDULING_GRACE_SECS) {
                return None;
            }
            let scheduler =
                json_str(&self.v["spec"]["schedulerName"]).unwrap_or("default-scheduler");
            f.severity = Severity::Warning;
            let mut f = f
                .title("Pod is Pending and not scheduled, and nothing says why")
                .meaning(
                    "No FailedScheduling event and no PodScheduled condition: the scheduler has \
                     not looked at the pod yet, or the scheduler it names is not running.",
                )
                .proof(Proof::Fact {
                    text: format!("spec.schedulerName: {scheduler}"),
                });
            if self.ev.events.is_none() {
                f = f.proof(Proof::Fact {
                    text: "events were not read, so a FailedScheduling event may exist".into(),
                });
            }
            if scheduler != "default-scheduler" {
                f = f.fix(format!(
                    "The pod asks for scheduler {scheduler}: check that it runs (kubectl get pods -A | grep {scheduler})"
                ));
            }
            return Some(
                f.fix(format!(
                    "kubectl get events -n {ns} --field-selector involvedObject.name={}",
                    self.name
                ))
                .fix("kubectl get pods -n kube-system -l component=kube-scheduler")
                .act(self.act_events()),
            );
        };
        let parsed = Unschedulable::parse(&message);
        f = f
            .title(format!("Pod cannot be scheduled: {}", parsed.summary))
            .meaning(
                "No node passes the scheduler's filters, so the pod waits in Pending; the \
                 scheduler retries when nodes or pods change, but nothing will change by itself.",
            );
        if let Some(e) = latest {
            f = f.proof(event_proof(e, self.now));
        } else {
            f = f.proof(Proof::Fact {
                text: format!(
                    "condition PodScheduled=False (Unschedulable): {}",
                    clean(&message)
                ),
            });
        }
        let mut fixes = vec![];
        for item in &parsed.items {
            self.explain_unschedulable(item, &mut f, &mut fixes);
        }
        if let Some(p) = &parsed.preemption {
            f = f.proof(Proof::Fact {
                text: format!("preemption: {p}"),
            });
        }
        let mut seen = BTreeSet::new();
        for l in fixes {
            if seen.insert(l.clone()) {
                f = f.fix(l);
            }
        }
        Some(f.fix(self.describe()).act(self.act_events()))
    }

    fn explain_unschedulable(&self, item: &Reason, f: &mut Finding, fixes: &mut Vec<String>) {
        let ns = &self.ns;
        let mut fact = |text: String| f.evidence.push(Proof::Fact { text });
        match &item.kind {
            ReasonKind::Insufficient(res) => {
                let asks = self.requests_of(res);
                if asks.is_empty() {
                    fact(format!(
                        "the pod requests no {res} itself (init containers or overhead may)"
                    ));
                } else {
                    fact(format!(
                        "the pod requests {res}: {}",
                        asks.iter()
                            .map(|(c, q)| format!("{c} {q}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if let Some(nodes) = &self.ev.nodes {
                    let mut any = false;
                    for n in nodes {
                        let name = n.metadata.name.as_deref().unwrap_or_default();
                        let alloc = n
                            .status
                            .as_ref()
                            .and_then(|s| s.allocatable.as_ref())
                            .and_then(|a| a.get(res.as_str()));
                        if let Some(q) = alloc {
                            any = true;
                            fact(format!("node {name} can allocate {res} {}", q.0));
                        }
                    }
                    if !any && res.contains('/') {
                        fact(format!("no node advertises {res}"));
                    }
                }
                if res.contains('/') {
                    fixes.push(format!(
                        "No node has {res} free: check the device plugin that advertises it (kubectl get nodes -o custom-columns='NAME:.metadata.name,{res}:.status.allocatable.{}')",
                        res.replace('.', "\\.")
                    ));
                    fixes.push(format!(
                        "Add a node with {res} (or let the autoscaler add one), or remove the {res} request"
                    ));
                } else {
                    fixes.push(format!(
                        "Lower resources.requests.{res} of the pod's containers, or add nodes with more {res} free"
                    ));
                    fixes.push("See what is allocated per node: kubectl describe nodes | grep -A 8 'Allocated resources'".into());
                }
            }
            ReasonKind::Selector => {
                let sel: Vec<String> = self.v["spec"]["nodeSelector"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect();
                if !sel.is_empty() {
                    fact(format!("nodeSelector: {}", sel.join(", ")));
                    if let Some(nodes) = &self.ev.nodes {
                        let matching = nodes
                            .iter()
                            .filter(|n| {
                                let labels = n.metadata.labels.as_ref();
                                self.v["spec"]["nodeSelector"]
                                    .as_object()
                                    .into_iter()
                                    .flatten()
                                    .all(|(k, v)| {
                                        labels.and_then(|l| l.get(k)).map(String::as_str)
                                            == v.as_str()
                                    })
                            })
                            .count();
                        fact(format!(
                            "{matching} of {} nodes have these labels",
                            nodes.len()
                        ));
                    }
                    fixes.push(format!("kubectl get nodes -l {}", sel.join(",")));
                }
                for term in node_affinity_terms(&self.v) {
                    fact(format!("required node affinity: {term}"));
                }
                fixes
                    .push("Compare with the nodes' labels: kubectl get nodes --show-labels".into());
                fixes.push(
                    "Label a node to match (kubectl label node NODE KEY=VALUE), or correct the pod's nodeSelector/affinity"
                        .into(),
                );
            }
            ReasonKind::Taint(key, value) => {
                let tolerated: Vec<String> = self.v["spec"]["tolerations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| json_str(&t["key"]).map(str::to_string))
                    .collect();
                fact(format!(
                    "nodes carry taint {key}{}; the pod tolerates {}",
                    if value.is_empty() {
                        String::new()
                    } else {
                        format!("={value}")
                    },
                    if tolerated.is_empty() {
                        "no taints".to_string()
                    } else {
                        tolerated.join(", ")
                    }
                ));
                if key.starts_with("node.kubernetes.io/") {
                    fixes.push(format!(
                        "{key} is set by Kubernetes on nodes that are not healthy: kubectl get nodes; kubectl describe node NODE"
                    ));
                } else {
                    fixes.push(format!(
                        "Add a toleration to the pod: tolerations: [{{key: \"{key}\", operator: \"Exists\"}}], or remove the taint: kubectl taint nodes NODE {key}-"
                    ));
                }
            }
            ReasonKind::Volume => {
                let claims = self.claims();
                if claims.is_empty() {
                    fact("the pod mounts no PersistentVolumeClaim".into());
                }
                for claim in claims {
                    let text = self.pvc_state(&claim);
                    fact(text);
                    fixes.push(format!("kubectl describe pvc {claim} -n {ns}"));
                }
                fixes.push("kubectl get storageclass".into());
            }
            ReasonKind::Cordoned => {
                fact(format!(
                    "{} node(s) are cordoned (unschedulable)",
                    item.count.unwrap_or(0)
                ));
                fixes.push("kubectl get nodes (SchedulingDisabled); kubectl uncordon NODE when it is ready".into());
            }
            ReasonKind::Ports => {
                fixes.push("The pod uses a hostPort already taken on every node: drop hostPort or free the port".into());
            }
            ReasonKind::TooManyPods => {
                fixes.push(
                    "The nodes are at their pod limit (max-pods): add nodes or remove pods".into(),
                );
            }
            ReasonKind::Other => {}
        }
    }

    /// What each container requests of a resource (the limit for an extended resource given
    /// only as a limit).
    fn requests_of(&self, res: &str) -> Vec<(String, String)> {
        let mut v = vec![];
        for key in ["initContainers", "containers"] {
            for c in self.v["spec"][key].as_array().into_iter().flatten() {
                let r = &c["resources"];
                let q = json_str(&r["requests"][res])
                    .map(str::to_string)
                    .or_else(|| json_str(&r["limits"][res]).map(|l| format!("{l} (its limit)")));
                if let Some(q) = q {
                    let name = c["name"].as_str().unwrap_or_default();
                    let name = if key == "initContainers" {
                        format!("init container {name}")
                    } else {
                        name.to_string()
                    };
                    v.push((name, q));
                }
            }
        }
        v
    }

    fn claims(&self) -> Vec<String> {
        self.v["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| json_str(&v["persistentVolumeClaim"]["claimName"]).map(str::to_string))
            .collect()
    }

    /// One line about a PVC: bound, pending (and its class), missing, or unknown.
    fn pvc_state(&self, claim: &str) -> String {
        let Some(pvcs) = &self.ev.pvcs else {
            return format!("PVC {claim}: not read");
        };
        let found = pvcs.iter().find(|p| {
            p.metadata.name.as_deref() == Some(claim)
                && p.metadata.namespace.as_deref().unwrap_or(&self.ns) == self.ns
        });
        match found {
            None => format!("PVC {claim} does not exist in {}", self.ns),
            Some(p) => {
                let phase = p
                    .status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_else(|| "Pending".into());
                let class = p
                    .spec
                    .as_ref()
                    .and_then(|s| s.storage_class_name.clone())
                    .unwrap_or_else(|| "(default)".into());
                format!("PVC {claim} is {phase} (storageClass {class})")
            }
        }
    }

    fn pod_failed(&self) -> Option<Finding> {
        if self.phase() != "Failed" {
            return None;
        }
        let reason = json_str(&self.v["status"]["reason"])?;
        let message = json_str(&self.v["status"]["message"]).unwrap_or_default();
        let meaning = match reason {
            "Evicted" => {
                "The kubelet evicted the pod to relieve pressure on its node (memory, disk or PIDs); it will not restart, its controller makes a new one."
            }
            "Preempting" | "Preempted" => {
                "The pod was stopped to make room for a pod of higher priority."
            }
            r if r.starts_with("OutOf") => {
                "The node's kubelet refused the pod at admission: the node did not have the resources the pod requests, although the scheduler thought it had."
            }
            "NodeAffinity" => {
                "The kubelet rejected the pod because the node no longer matches its node affinity or selector."
            }
            "DeadlineExceeded" => {
                "The pod ran longer than its activeDeadlineSeconds and was stopped."
            }
            "Shutdown" | "Terminated" | "NodeShutdown" => {
                "The pod was stopped because its node shut down."
            }
            _ => "The pod failed for a reason of its node or lifecycle, not of a container.",
        };
        let mut f = self
            .finding("status.pod-failed", Severity::Warning)
            .title(format!("Pod failed: {reason}"))
            .meaning(meaning);
        if !message.is_empty() {
            f = f.proof(Proof::Fact {
                text: format!("status.message: {}", clean(message)),
            });
        }
        if let Some(node) = json_str(&self.v["spec"]["nodeName"]) {
            f = f.proof(Proof::Fact {
                text: format!("node: {node}"),
            });
            f = f.fix(format!("kubectl describe node {node}"));
        }
        Some(
            f.fix(format!(
                "A failed pod is not restarted; once understood, delete it: kubectl delete pod {} -n {}",
                self.name, self.ns
            ))
            .act(self.act_events()),
        )
    }

    // -----------------------------------------------------------------------------------------
    // Volumes
    // -----------------------------------------------------------------------------------------

    fn mounts(&self) -> Vec<Finding> {
        static SETUP: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r#"MountVolume\.\w+ failed for volume "([^"]+)"\s*:\s*(.*)"#).unwrap()
        });
        static UNMOUNTED: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"unmounted volumes=\[([^\]]*)\]").unwrap());
        // Only a pod on a node has its volumes mounted (an unscheduled one is `status.pending`).
        if self.phase() != "Pending" || json_str(&self.v["spec"]["nodeName"]).is_none() {
            return vec![];
        }
        let mut problems: BTreeMap<String, VolumeProblem> = BTreeMap::new();
        let mut general: Vec<&Event> = vec![];
        for e in self.events.iter().copied().filter(|e| {
            matches!(
                e.reason.as_deref(),
                Some("FailedMount") | Some("FailedAttachVolume")
            )
        }) {
            let m = e.message.as_deref().unwrap_or_default();
            if let Some(c) = SETUP.captures(m) {
                let p = problems.entry(c[1].to_string()).or_default();
                p.events.push(e);
                if p.cause.is_none() {
                    p.cause = Some(MountCause::parse(&c[2]));
                }
            } else if let Some(c) = UNMOUNTED.captures(m) {
                for v in c[1].split_whitespace() {
                    problems.entry(v.to_string()).or_default().events.push(e);
                }
            } else {
                general.push(e);
            }
        }
        // The spec, checked against what exists (a missing ConfigMap fails the mount even when
        // the event has expired or was not read).
        for vol in self.v["spec"]["volumes"].as_array().into_iter().flatten() {
            let Some(vname) = json_str(&vol["name"]) else {
                continue;
            };
            for (kind, name, optional) in volume_refs(vol) {
                if optional {
                    continue;
                }
                let map = match kind {
                    "secret" => &self.ev.secrets,
                    _ => &self.ev.config_maps,
                };
                let Some(map) = map else { continue };
                if map.get(&self.ns).is_some_and(|s| s.contains(&name)) {
                    continue;
                }
                let p = problems.entry(vname.to_string()).or_default();
                p.facts.push(format!(
                    "volume {vname} refers to {kind} {name}, which does not exist in {}",
                    self.ns
                ));
                let elsewhere: Vec<&str> = map
                    .iter()
                    .filter(|(ns, names)| **ns != self.ns && names.contains(&name))
                    .map(|(ns, _)| ns.as_str())
                    .collect();
                if !elsewhere.is_empty() {
                    p.facts.push(format!(
                        "a {kind} named {name} exists in namespace {} (they are not shared across namespaces)",
                        elsewhere.join(", ")
                    ));
                    p.copy_from = elsewhere.first().map(|s| s.to_string());
                }
                if p.cause.is_none() {
                    p.cause = Some(if kind == "secret" {
                        MountCause::MissingSecret(name.clone())
                    } else {
                        MountCause::MissingConfigMap(name.clone())
                    });
                }
            }
            if let Some(claim) = json_str(&vol["persistentVolumeClaim"]["claimName"]) {
                let state = self.pvc_state(claim);
                if self.ev.pvcs.is_some() && !state.contains(" is Bound") {
                    let p = problems.entry(vname.to_string()).or_default();
                    p.facts.push(state);
                    if p.cause.is_none() {
                        p.cause = Some(MountCause::Pvc(claim.to_string()));
                    }
                }
            }
        }
        let mut out = vec![];
        for (vname, p) in problems {
            out.push(self.mount_finding(&vname, p));
        }
        if !general.is_empty() {
            let mut f = self
                .finding("status.failed-mount", Severity::Error)
                .title("Volumes cannot be attached or mounted")
                .meaning("The kubelet cannot set up the pod's volumes, so its containers are never created.");
            for e in general.iter().rev().take(3) {
                f = f.proof(event_proof(e, self.now));
            }
            out.push(f.fix(self.describe()).act(self.act_events()));
        }
        out
    }

    fn mount_finding(&self, vname: &str, p: VolumeProblem) -> Finding {
        let ns = &self.ns;
        let vol = self.v["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|v| v["name"].as_str() == Some(vname))
            .cloned()
            .unwrap_or(Value::Null);
        let node = json_str(&self.v["spec"]["nodeName"]).unwrap_or("its node");
        let mut fixes = vec![];
        let what = match &p.cause {
            Some(MountCause::MissingConfigMap(n)) => {
                if let Some(from) = &p.copy_from {
                    fixes.push(format!(
                        "kubectl get configmap {n} -n {from} -o json | jq 'del(.metadata.namespace,.metadata.uid,.metadata.resourceVersion,.metadata.creationTimestamp)' | kubectl apply -n {ns} -f -"
                    ));
                }
                fixes.push(format!(
                    "kubectl create configmap {n} -n {ns} {}",
                    from_file_flags(&vol["configMap"])
                ));
                fixes.push(format!(
                    "Or, if the pod can run without it, mark the volume optional: configMap: {{name: {n}, optional: true}}"
                ));
                format!("configmap {n} not found")
            }
            Some(MountCause::MissingSecret(n)) => {
                if let Some(from) = &p.copy_from {
                    fixes.push(format!(
                        "Copy it from {from}: kubectl get secret {n} -n {from} -o json | jq 'del(.metadata.namespace,.metadata.uid,.metadata.resourceVersion,.metadata.creationTimestamp)' | kubectl apply -n {ns} -f -"
                    ));
                }
                fixes.push(format!(
                    "kubectl create secret generic {n} -n {ns} --from-literal=KEY=VALUE"
                ));
                format!("secret {n} not found")
            }
            Some(MountCause::Pvc(n)) => {
                fixes.push(format!("kubectl describe pvc {n} -n {ns}"));
                fixes.push("kubectl get storageclass".into());
                format!("PersistentVolumeClaim {n} is not usable")
            }
            Some(MountCause::HostPath(path, kind)) => {
                fixes.push(format!(
                    "Create {path} on {node} as a {kind}, or set hostPath.type to {} (or \"\" to skip the check)",
                    if kind == "directory" { "DirectoryOrCreate" } else { "FileOrCreate" }
                ));
                format!("hostPath {path} is not a {kind} on {node}")
            }
            Some(MountCause::Other(t)) => t.clone(),
            None => "it cannot be mounted".into(),
        };
        let mut f = self
            .finding("status.failed-mount", Severity::Error)
            .title(format!("Volume {vname} cannot be mounted: {what}"))
            .meaning(
                "The kubelet mounts every volume before it creates the containers; until this one \
                 mounts, the pod stays in ContainerCreating and retries with a back-off.",
            );
        for e in p.events.iter().rev().take(3).rev() {
            f = f.proof(event_proof(e, self.now));
        }
        for t in p.facts {
            f = f.proof(Proof::Fact { text: t });
        }
        for l in fixes {
            f = f.fix(l);
        }
        f.fix(self.describe()).act(self.act_events())
    }

    // -----------------------------------------------------------------------------------------
    // Probes
    // -----------------------------------------------------------------------------------------

    fn probes(&self) -> Vec<Finding> {
        static PROBE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^(Readiness|Liveness|Startup) probe (?:failed|errored)(?::\s*)?(.*)$")
                .unwrap()
        });
        if matches!(self.phase(), "Succeeded" | "Failed") {
            return vec![];
        }
        // (container, probe) → events, oldest first.
        let mut groups: BTreeMap<(String, String), Vec<&Event>> = BTreeMap::new();
        for e in self.events_with("Unhealthy") {
            let m = e.message.as_deref().unwrap_or_default();
            let Some(c) = PROBE.captures(m.trim_start()) else {
                continue;
            };
            let container = event_container(e).unwrap_or_default().to_string();
            groups
                .entry((container, c[1].to_string()))
                .or_default()
                .push(e);
        }
        let mut out = vec![];
        for ((container, probe), events) in groups {
            let total: i32 = events.iter().map(|e| event_count(e)).sum();
            let latest = events.last().copied();
            let msg = latest
                .and_then(|e| e.message.as_deref())
                .and_then(|m| PROBE.captures(m.trim_start()))
                .map(|c| c[2].trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "no output".into());
            let status = self.containers().into_iter().find(|c| c.name == container);
            let ready = status
                .as_ref()
                .is_some_and(|c| c.cs["ready"].as_bool() == Some(true));
            let sev = if ready && probe == "Readiness" {
                Severity::Info
            } else {
                Severity::Warning
            };
            let who = if container.is_empty() {
                "a container".to_string()
            } else {
                format!("container {container}")
            };
            let meaning = match probe.as_str() {
                "Readiness" => {
                    "The container runs but fails its readiness check, so it is not ready and Services send it no traffic."
                }
                "Liveness" => {
                    "The container fails its liveness check; after failureThreshold failures in a row the kubelet kills and restarts it."
                }
                _ => {
                    "The container has not passed its startup check; after failureThreshold failures the kubelet kills and restarts it."
                }
            };
            let mut f = self
                .finding("status.probe-failing", sev)
                .title(format!(
                    "{probe} probe of {who} fails ({total}×): {}",
                    clean(&msg)
                ))
                .meaning(meaning);
            if let Some(e) = latest {
                f = f.proof(event_proof(e, self.now));
            }
            let spec = self.container_spec(&container);
            let key = format!("{}Probe", probe.to_lowercase());
            let probe_spec = &spec[key.as_str()];
            if probe_spec.is_object() {
                f = f.proof(Proof::Fact {
                    text: format!("{key} of {container}: {}", describe_probe(probe_spec)),
                });
            }
            if let Some(c) = &status {
                f = f.proof(self.state_proof(c));
            }
            if let Some((port, path)) = http_target(probe_spec) {
                f = f.fix(format!(
                    "Try it yourself: kubectl port-forward pod/{} -n {} {port} & curl -i http://localhost:{port}{path}",
                    self.name, self.ns
                ));
            }
            if probe != "Readiness" {
                f = f.fix(
                    "If the app is only slow to start, add a startupProbe or raise initialDelaySeconds/failureThreshold",
                );
            }
            if !container.is_empty() {
                f = f
                    .fix(format!(
                        "kubectl logs {} -n {} -c {container}",
                        self.name, self.ns
                    ))
                    .act(self.act_logs(&container, false));
            } else {
                f = f.act(self.act_events());
            }
            out.push(f.fix(self.describe()));
        }
        out
    }
}

/// The container an event is about, from `spec.containers{x}` / `spec.initContainers{x}`.
fn event_container(e: &Event) -> Option<&str> {
    let f = e.involved_object.field_path.as_deref()?;
    let start = f.find('{')? + 1;
    let end = f[start..].find('}')? + start;
    Some(&f[start..end])
}

/// Extra fix lines for an exit code.
fn exit_code_fix(code: Option<i64>, t: &Value) -> Vec<String> {
    let msg = t["message"].as_str().unwrap_or_default();
    match code {
        Some(0) => vec!["It exits successfully, and its restartPolicy restarts it: a one-off task belongs in a Job, and a server that returns at once needs its command/args checked".into()],
        Some(127) => vec!["Fix the container's command/args (or the image's entrypoint): the executable does not exist in the image".into()],
        Some(126) => vec!["Make the entrypoint executable (chmod +x) and built for the node's architecture".into()],
        Some(137) if !msg.is_empty() => vec![],
        Some(137) => vec!["137 without OOMKilled: look for a failing liveness probe (Unhealthy/Killing events) or memory pressure on the node".into()],
        Some(139) => vec!["The program crashed (SIGSEGV): check native libraries and the image's architecture".into()],
        Some(143) => vec!["Something stopped the container (SIGTERM): look for Killing events (liveness probe) or evictions".into()],
        _ => vec![],
    }
}

#[derive(Default)]
struct VolumeProblem<'a> {
    events: Vec<&'a Event>,
    facts: Vec<String>,
    cause: Option<MountCause>,
    /// A namespace where the missing ConfigMap/Secret does exist.
    copy_from: Option<String>,
}

enum MountCause {
    MissingConfigMap(String),
    MissingSecret(String),
    Pvc(String),
    /// (path, what it should be).
    HostPath(String, String),
    Other(String),
}

impl MountCause {
    fn parse(s: &str) -> MountCause {
        static NOT_FOUND: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r#"(configmap|secret|persistentvolumeclaim) "([^"]+)" not found"#).unwrap()
        });
        static HOSTPATH: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"hostPath type check failed: (\S+) is not a (\w+(?: \w+)?)").unwrap()
        });
        if let Some(c) = NOT_FOUND.captures(s) {
            let n = c[2].to_string();
            return match &c[1] {
                "configmap" => MountCause::MissingConfigMap(n),
                "secret" => MountCause::MissingSecret(n),
                _ => MountCause::Pvc(n),
            };
        }
        if let Some(c) = HOSTPATH.captures(s) {
            return MountCause::HostPath(c[1].to_string(), c[2].to_string());
        }
        MountCause::Other(clean(s))
    }
}

/// ConfigMaps and Secrets a volume refers to: (kind, name, optional). The per-namespace CA
/// bundles every projected service-account volume carries are left out.
fn volume_refs(vol: &Value) -> Vec<(&'static str, String, bool)> {
    let mut out = vec![];
    let opt = |v: &Value| v["optional"].as_bool() == Some(true);
    if let Some(n) = json_str(&vol["configMap"]["name"]) {
        out.push(("configmap", n.to_string(), opt(&vol["configMap"])));
    }
    if let Some(n) = json_str(&vol["secret"]["secretName"]) {
        out.push(("secret", n.to_string(), opt(&vol["secret"])));
    }
    for s in vol["projected"]["sources"].as_array().into_iter().flatten() {
        if let Some(n) = json_str(&s["configMap"]["name"])
            && n != "kube-root-ca.crt"
            && n != "openshift-service-ca.crt"
        {
            out.push(("configmap", n.to_string(), opt(&s["configMap"])));
        }
        if let Some(n) = json_str(&s["secret"]["name"]) {
            out.push(("secret", n.to_string(), opt(&s["secret"])));
        }
    }
    out
}

/// `--from-file=KEY=PATH` flags for a ConfigMap volume's items, or a placeholder.
fn from_file_flags(cm: &Value) -> String {
    let items: Vec<String> = cm["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| json_str(&i["key"]).map(|k| format!("--from-file={k}=PATH")))
        .collect();
    if items.is_empty() {
        "--from-file=PATH".into()
    } else {
        items.join(" ")
    }
}

fn literal_flags(keys: &[String]) -> String {
    if keys.is_empty() {
        "--from-literal=KEY=VALUE".into()
    } else {
        keys.iter()
            .map(|k| format!("--from-literal={k}=VALUE"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Required node affinity terms, one line each: `zone In [a, b]; metadata.name In [x]`.
fn node_affinity_terms(pod: &Value) -> Vec<String> {
    let terms = &pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    terms
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            let mut parts = vec![];
            for key in ["matchExpressions", "matchFields"] {
                for e in t[key].as_array().into_iter().flatten() {
                    let values: Vec<&str> = e["values"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    parts.push(format!(
                        "{} {} [{}]",
                        e["key"].as_str().unwrap_or_default(),
                        e["operator"].as_str().unwrap_or_default(),
                        values.join(", ")
                    ));
                }
            }
            parts.join(" and ")
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// A probe in one line: `httpGet :8000/ready, period 10s, timeout 1s, failureThreshold 3`.
fn describe_probe(p: &Value) -> String {
    let how = if p["httpGet"].is_object() {
        let h = &p["httpGet"];
        format!(
            "httpGet {}:{}{}",
            h["scheme"].as_str().unwrap_or("HTTP").to_lowercase(),
            port_text(&h["port"]),
            h["path"].as_str().unwrap_or("/")
        )
    } else if p["tcpSocket"].is_object() {
        format!("tcpSocket :{}", port_text(&p["tcpSocket"]["port"]))
    } else if p["grpc"].is_object() {
        format!("grpc :{}", port_text(&p["grpc"]["port"]))
    } else if let Some(cmd) = p["exec"]["command"].as_array() {
        let cmd: Vec<&str> = cmd.iter().filter_map(Value::as_str).collect();
        format!("exec {}", cmd.join(" "))
    } else {
        "unknown handler".into()
    };
    let n = |k: &str, d: i64| p[k].as_i64().unwrap_or(d);
    format!(
        "{how}, initialDelay {}s, period {}s, timeout {}s, failureThreshold {}",
        n("initialDelaySeconds", 0),
        n("periodSeconds", 10),
        n("timeoutSeconds", 1),
        n("failureThreshold", 3)
    )
}

fn port_text(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// A numeric httpGet probe's port and path.
fn http_target(p: &Value) -> Option<(u64, String)> {
    let h = &p["httpGet"];
    let port = h["port"].as_u64()?;
    Some((port, h["path"].as_str().unwrap_or("/").to_string()))
}

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

/// An image reference split as the container runtime reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `docker.io` when the name has no registry part.
    pub registry: String,
    /// `library/busybox` for a Docker Hub official image.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(image: &str) -> ImageRef {
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (image, None),
        };
        let slash = rest.rfind('/');
        let (name, tag) = match rest.rfind(':') {
            Some(i) if slash.is_none_or(|s| i > s) => (&rest[..i], Some(rest[i + 1..].to_string())),
            _ => (rest, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, r))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), r.to_string())
            }
            Some(_) => ("docker.io".to_string(), name.to_string()),
            None => ("docker.io".to_string(), format!("library/{name}")),
        };
        ImageRef {
            registry,
            repository,
            tag,
            digest,
        }
    }
}

/// Why a pull failed, from the kubelet's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullError {
    NotFound,
    /// Docker Hub's `pull access denied ... repository does not exist or may require 'docker login'`.
    NotFoundOrAuth,
    Auth,
    Tls,
    Http,
    Network,
    RateLimit,
    Platform,
    Invalid,
    NeverPull,
    Unknown,
}

/// Phrases that name the cause, in the order they are looked for.
const PULL_PHRASES: &[(&str, PullError)] = &[
    ("toomanyrequests", PullError::RateLimit),
    ("429 Too Many Requests", PullError::RateLimit),
    (
        "repository does not exist or may require",
        PullError::NotFoundOrAuth,
    ),
    ("manifest unknown", PullError::NotFound),
    ("name unknown", PullError::NotFound),
    ("401 Unauthorized", PullError::Auth),
    ("403 Forbidden", PullError::Auth),
    ("no basic auth credentials", PullError::Auth),
    ("authentication required", PullError::Auth),
    ("failed to authorize", PullError::Auth),
    ("unauthorized", PullError::Auth),
    ("denied", PullError::Auth),
    ("x509", PullError::Tls),
    ("server gave HTTP response to HTTPS client", PullError::Http),
    ("no match for platform", PullError::Platform),
    ("no such host", PullError::Network),
    ("i/o timeout", PullError::Network),
    ("TLS handshake timeout", PullError::Network),
    ("connection refused", PullError::Network),
    ("network is unreachable", PullError::Network),
    ("context deadline exceeded", PullError::Network),
    ("not found", PullError::NotFound),
];

impl PullError {
    pub fn classify(waiting_reason: &str, message: &str) -> PullError {
        match waiting_reason {
            "InvalidImageName" => return PullError::Invalid,
            "ErrImageNeverPull" => return PullError::NeverPull,
            _ => {}
        }
        PULL_PHRASES
            .iter()
            .find(|(p, _)| message.contains(p))
            .map(|(_, c)| *c)
            .unwrap_or(PullError::Unknown)
    }

    /// The words of `message` that name the cause (e.g. `manifest unknown`, `403 Forbidden`),
    /// else a short description.
    fn phrase(&self, message: &str) -> String {
        if let Some((p, _)) = PULL_PHRASES.iter().find(|(p, _)| message.contains(p)) {
            if *p == "x509"
                && let Some(i) = message.find("x509")
            {
                return message[i..].chars().take(100).collect();
            }
            return p.to_string();
        }
        match self {
            PullError::Invalid => "invalid image name".into(),
            PullError::NeverPull => "imagePullPolicy Never and not on the node".into(),
            _ => "pull failed".into(),
        }
    }

    fn meaning(&self) -> &'static str {
        match self {
            PullError::NotFound => {
                "The registry answered, but has no such image or tag: the name or tag is wrong, or the image was never pushed."
            }
            PullError::NotFoundOrAuth => {
                "Docker Hub says the repository does not exist or needs a login: either the name is wrong or the image is private."
            }
            PullError::Auth => {
                "The registry refused to serve the image without valid credentials: it is private (or absent), and the pull secrets are missing, wrong or not attached."
            }
            PullError::Tls => {
                "The node could not verify the registry's TLS certificate, so it never asked for the image."
            }
            PullError::Http => "The registry speaks plain HTTP but the node insists on HTTPS.",
            PullError::Network => {
                "The node could not reach the registry (DNS, network or proxy), so it never asked for the image."
            }
            PullError::RateLimit => "The registry rate-limited the node's pulls.",
            PullError::Platform => "The image has no build for the node's CPU architecture or OS.",
            PullError::Invalid => {
                "The image name is not a valid reference, so nothing can be pulled."
            }
            PullError::NeverPull => {
                "The pod forbids pulling (imagePullPolicy: Never) and the image is not on the node."
            }
            PullError::Unknown => {
                "The kubelet cannot pull the image; it retries with a growing back-off (ImagePullBackOff)."
            }
        }
    }
}

/// Doubles a memory quantity (`512Mi` → `1Gi`, `100Mi` → `200Mi`), for a suggested limit.
pub fn double_memory(q: &str) -> Option<String> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let (num, unit) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult: f64 = match unit {
        "" => 1.0,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        _ => return None,
    };
    let bytes = n * mult * 2.0;
    let gi = 1024f64.powi(3);
    let mi = 1024f64.powi(2);
    if bytes >= gi && (bytes / gi).fract() == 0.0 {
        Some(format!("{}Gi", (bytes / gi) as u64))
    } else {
        Some(format!("{}Mi", (bytes / mi).ceil() as u64))
    }
}

// ---------------------------------------------------------------------------------------------
// FailedScheduling messages
// ---------------------------------------------------------------------------------------------

/// A FailedScheduling message, e.g. `0/3 nodes are available: 1 node(s) had untolerated taint
/// {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unschedulable {
    /// The message without its preemption part and final period.
    pub summary: String,
    pub items: Vec<Reason>,
    pub preemption: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// How many nodes gave this reason.
    pub count: Option<u32>,
    pub text: String,
    pub kind: ReasonKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReasonKind {
    Insufficient(String),
    Selector,
    /// (key, value) of the taint.
    Taint(String, String),
    Volume,
    Cordoned,
    Ports,
    TooManyPods,
    Other,
}

impl Unschedulable {
    pub fn parse(message: &str) -> Unschedulable {
        static HEAD: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^\d+/\d+ nodes are available:\s*(.*)$").unwrap());
        static TAINT: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\{([^:}]+):\s*([^}]*)\}").unwrap());
        let message = message.trim();
        let (main, preemption) = match message.find(" preemption: ") {
            Some(i) => (
                message[..i].trim_end(),
                Some(message[i + 13..].trim().to_string()),
            ),
            None => (message, None),
        };
        let summary = main.trim_end_matches('.').to_string();
        let body = HEAD
            .captures(&summary)
            .map(|c| c[1].to_string())
            .unwrap_or_else(|| summary.clone());
        // Items are ", "-separated and start with a node count; a taint's text has its own
        // ", that the pod didn't tolerate", which belongs to the item before.
        let mut raw: Vec<String> = vec![];
        for piece in body.split(", ") {
            let starts_count = piece
                .split(' ')
                .next()
                .is_some_and(|w| w.parse::<u32>().is_ok());
            match raw.last_mut() {
                Some(last) if !starts_count && !piece.starts_with("pod has") => {
                    last.push_str(", ");
                    last.push_str(piece);
                }
                _ => raw.push(piece.to_string()),
            }
        }
        let items = raw
            .into_iter()
            .map(|r| {
                let (count, text) = match r.split_once(' ') {
                    Some((n, t)) if n.parse::<u32>().is_ok() => (n.parse().ok(), t.to_string()),
                    _ => (None, r.clone()),
                };
                let kind = if let Some(res) = text.strip_prefix("Insufficient ") {
                    ReasonKind::Insufficient(res.trim().to_string())
                } else if text.contains("node affinity") || text.contains("node selector") {
                    ReasonKind::Selector
                } else if text.contains("taint") {
                    match TAINT.captures(&text) {
                        Some(c) => {
                            ReasonKind::Taint(c[1].trim().to_string(), c[2].trim().to_string())
                        }
                        None => ReasonKind::Taint(String::new(), String::new()),
                    }
                } else if text.contains("PersistentVolumeClaim")
                    || text.contains("persistentvolumeclaim")
                    || text.contains("volume node affinity conflict")
                    || text.contains("persistent volumes to bind")
                {
                    ReasonKind::Volume
                } else if text.contains("were unschedulable") {
                    ReasonKind::Cordoned
                } else if text.contains("free ports") {
                    ReasonKind::Ports
                } else if text.contains("Too many pods") {
                    ReasonKind::TooManyPods
                } else {
                    ReasonKind::Other
                };
                Reason { count, text, kind }
            })
            .collect();
        Unschedulable {
            summary,
            items,
            preemption,
        }
    }
}
