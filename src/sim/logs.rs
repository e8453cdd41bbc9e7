//! Container logs: a bounded store per container (current and previous run), and the
//! `pods/{name}/log` handler with every `PodLogOptions` field and the kubelet's error texts.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::{BufMut, Bytes, BytesMut};
use hyper::Response;
use jiff::Timestamp;
use serde_json::Value;
use tokio::sync::broadcast;

use super::http::{Body, error, full, streamed};
use super::query::Query;
use super::state::SimState;
use super::status::ApiError;
use super::store::str_at;
use super::time;

/// Lines kept per container run unless a scenario says otherwise (the kubelet rotates too).
pub const DEFAULT_CAP: usize = 100_000;

#[derive(Debug)]
pub struct LogLine {
    pub time: Timestamp,
    pub text: String,
}

#[derive(Debug, Clone)]
enum LogMsg {
    Line(Arc<LogLine>),
    /// The run being followed ended (restart or termination).
    End,
}

struct ContainerLog {
    current: VecDeque<Arc<LogLine>>,
    previous: Vec<Arc<LogLine>>,
    cap: usize,
    tx: broadcast::Sender<LogMsg>,
}

impl ContainerLog {
    fn new(cap: usize) -> Self {
        ContainerLog {
            current: VecDeque::new(),
            previous: vec![],
            cap,
            tx: broadcast::channel(8192).0,
        }
    }
}

type Key = (String, String, String);

#[derive(Default)]
pub struct LogStore {
    inner: Mutex<HashMap<Key, ContainerLog>>,
}

/// A container's log, created on first use.
fn log_of<'a>(
    inner: &'a mut HashMap<Key, ContainerLog>,
    ns: &str,
    pod: &str,
    c: &str,
) -> &'a mut ContainerLog {
    inner
        .entry(key(ns, pod, c))
        .or_insert_with(|| ContainerLog::new(DEFAULT_CAP))
}

fn key(ns: &str, pod: &str, c: &str) -> Key {
    (ns.to_string(), pod.to_string(), c.to_string())
}

impl LogStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<Key, ContainerLog>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Bound a container's current log to `cap` lines (oldest dropped first).
    pub fn set_cap(&self, ns: &str, pod: &str, c: &str, cap: usize) {
        self.lock()
            .entry(key(ns, pod, c))
            .or_insert_with(|| ContainerLog::new(cap))
            .cap = cap.max(1);
    }

    pub fn append(
        &self,
        ns: &str,
        pod: &str,
        c: &str,
        lines: impl IntoIterator<Item = (Timestamp, String)>,
    ) {
        let mut inner = self.lock();
        let log = log_of(&mut inner, ns, pod, c);
        for (time, text) in lines {
            let line = Arc::new(LogLine { time, text });
            if log.current.len() >= log.cap {
                log.current.pop_front();
            }
            log.current.push_back(line.clone());
            let _ = log.tx.send(LogMsg::Line(line));
        }
    }

    pub fn set_previous(
        &self,
        ns: &str,
        pod: &str,
        c: &str,
        lines: impl IntoIterator<Item = (Timestamp, String)>,
    ) {
        let mut inner = self.lock();
        let log = log_of(&mut inner, ns, pod, c);
        log.previous = lines
            .into_iter()
            .map(|(time, text)| Arc::new(LogLine { time, text }))
            .collect();
    }

    /// The container restarted: its current run becomes the previous one; followers stop.
    pub fn restart(&self, ns: &str, pod: &str, c: &str) {
        let mut inner = self.lock();
        let log = log_of(&mut inner, ns, pod, c);
        log.previous = log.current.drain(..).collect();
        let _ = log.tx.send(LogMsg::End);
    }

    /// The container stopped: followers of its current run reach the end.
    pub fn end(&self, ns: &str, pod: &str, c: &str) {
        if let Some(log) = self.lock().get(&key(ns, pod, c)) {
            let _ = log.tx.send(LogMsg::End);
        }
    }

    pub fn len(&self, ns: &str, pod: &str, c: &str) -> usize {
        self.lock()
            .get(&key(ns, pod, c))
            .map_or(0, |l| l.current.len())
    }

    fn snapshot(
        &self,
        ns: &str,
        pod: &str,
        c: &str,
        previous: bool,
        follow: bool,
    ) -> (Vec<Arc<LogLine>>, Option<broadcast::Receiver<LogMsg>>) {
        let inner = self.lock();
        let Some(log) = inner.get(&key(ns, pod, c)) else {
            return (vec![], None);
        };
        if previous {
            return (log.previous.clone(), None);
        }
        (
            log.current.iter().cloned().collect(),
            follow.then(|| log.tx.subscribe()),
        )
    }
}

/// Which run's log the kubelet would serve, or its error (kubelet `validateContainerLogStatus`).
enum Run {
    Current { running: bool },
    Previous,
}

fn container_names(pod: &Value) -> Vec<String> {
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .flat_map(|k| pod["spec"][k].as_array().cloned().unwrap_or_default())
        .map(|c| str_at(&c, &["name"]).to_string())
        .collect()
}

fn container_status<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    [
        "initContainerStatuses",
        "containerStatuses",
        "ephemeralContainerStatuses",
    ]
    .iter()
    .filter_map(|k| pod["status"][k].as_array())
    .flatten()
    .find(|s| s["name"] == name)
}

fn pick_container(
    pod: &Value,
    pod_name: &str,
    requested: Option<&str>,
) -> Result<String, ApiError> {
    if let Some(c) = requested.filter(|c| !c.is_empty()) {
        if !container_names(pod).iter().any(|n| n == c) {
            return Err(ApiError::bad_request(format!(
                "container {c} is not valid for pod {pod_name}"
            )));
        }
        return Ok(c.to_string());
    }
    let regular = pod["spec"]["containers"].as_array().map_or(0, |c| c.len());
    match regular {
        1 => Ok(str_at(&pod["spec"]["containers"][0], &["name"]).to_string()),
        0 => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {pod_name}"
        ))),
        _ => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {pod_name}, choose one of: [{}]",
            container_names(pod).join(" ")
        ))),
    }
}

fn which_run(pod: &Value, pod_name: &str, c: &str, previous: bool) -> Result<Run, ApiError> {
    let fail = |m: String| Err(ApiError::bad_request(m));
    let Some(st) = container_status(pod, c) else {
        return fail(format!(
            "container {c:?} in pod {pod_name:?} is not available"
        ));
    };
    let last_term = st["lastState"]["terminated"].as_object();
    let last_id = last_term
        .map(|t| t.get("containerID").and_then(Value::as_str).unwrap_or(""))
        .unwrap_or("");
    let state = &st["state"];
    if previous {
        if last_term.is_none() || last_id.is_empty() {
            return fail(format!(
                "previous terminated container {c:?} in pod {pod_name:?} not found"
            ));
        }
        return Ok(Run::Previous);
    }
    if state["running"].is_object() {
        return Ok(Run::Current { running: true });
    }
    if let Some(t) = state["terminated"].as_object() {
        if t.get("containerID")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
        {
            if !last_id.is_empty() {
                return Ok(Run::Previous);
            }
            return fail(format!("container {c:?} in pod {pod_name:?} is terminated"));
        }
        return Ok(Run::Current { running: false });
    }
    if last_term.is_some() {
        if last_id.is_empty() {
            return fail(format!("container {c:?} in pod {pod_name:?} is terminated"));
        }
        return Ok(Run::Previous);
    }
    if let Some(w) = state["waiting"].as_object() {
        let reason = w.get("reason").and_then(Value::as_str).unwrap_or("");
        return fail(match reason {
            "ErrImagePull" => format!(
                "container {c:?} in pod {pod_name:?} is waiting to start: image can't be pulled"
            ),
            "ImagePullBackOff" => format!(
                "container {c:?} in pod {pod_name:?} is waiting to start: trying and failing to pull image"
            ),
            r => format!("container {c:?} in pod {pod_name:?} is waiting to start: {r}"),
        });
    }
    fail(format!(
        "container {c:?} in pod {pod_name:?} is waiting to start - no logs yet"
    ))
}

struct Opts {
    follow: bool,
    previous: bool,
    timestamps: bool,
    tail: Option<usize>,
    since: Option<Timestamp>,
    limit_bytes: Option<usize>,
}

fn invalid(pod: &str, field: &str, value: i64, why: &str) -> ApiError {
    ApiError::new(
        422,
        "Invalid",
        format!("PodLogOptions \"{pod}\" is invalid: {field}: Invalid value: {value}: {why}"),
    )
}

fn parse_opts(q: &Query, pod: &str, now: Timestamp) -> Result<Opts, ApiError> {
    let tail = q.int("tailLines")?;
    let since_secs = q.int("sinceSeconds")?;
    let limit = q.int("limitBytes")?;
    let since_time = match q.get("sinceTime").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(time::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!("parsing time \"{s}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{s}\" as \"2006\""))
        })?),
    };
    if let Some(t) = tail.filter(|t| *t < 0) {
        return Err(invalid(
            pod,
            "tailLines",
            t,
            "must be greater than or equal to 0",
        ));
    }
    if let Some(s) = since_secs.filter(|s| *s < 1) {
        return Err(invalid(pod, "sinceSeconds", s, "must be greater than 0"));
    }
    if let Some(l) = limit.filter(|l| *l < 1) {
        return Err(invalid(pod, "limitBytes", l, "must be greater than 0"));
    }
    if since_secs.is_some() && since_time.is_some() {
        return Err(ApiError::new(
            422,
            "Invalid",
            format!(
                "PodLogOptions \"{pod}\" is invalid: []: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified"
            ),
        ));
    }
    Ok(Opts {
        follow: q.flag("follow")?,
        previous: q.flag("previous")?,
        timestamps: q.flag("timestamps")?,
        tail: tail.map(|t| t as usize),
        since: since_time.or_else(|| since_secs.map(|s| time::offset(now, -s))),
        limit_bytes: limit.map(|l| l as usize),
    })
}

fn format_line(out: &mut BytesMut, line: &LogLine, timestamps: bool) {
    if timestamps {
        out.put_slice(time::rfc3339_nano(line.time).as_bytes());
        out.put_u8(b' ');
    }
    out.put_slice(line.text.as_bytes());
    out.put_u8(b'\n');
}

/// Cut a chunk so the total stays within limitBytes; false once the limit is reached.
fn within_limit(chunk: &mut BytesMut, budget: &mut Option<usize>) -> bool {
    match budget {
        None => true,
        Some(left) => {
            if chunk.len() >= *left {
                chunk.truncate(*left);
                *left = 0;
                false
            } else {
                *left -= chunk.len();
                true
            }
        }
    }
}

const CHUNK: usize = 64 * 1024;

pub fn handle(state: &Arc<SimState>, ns: &str, name: &str, q: &Query) -> Response<Body> {
    let Some(pods) = state.store.find("", "v1", "pods") else {
        return error(&ApiError::no_route());
    };
    let Some(pod) = state.store.get(pods, ns, name) else {
        return error(&ApiError::not_found("pods", "", name));
    };
    let pod = pod.value;
    let opts = match parse_opts(q, name, state.now()) {
        Ok(o) => o,
        Err(e) => return error(&e),
    };
    let container = match pick_container(&pod, name, q.get("container")) {
        Ok(c) => c,
        Err(e) => return error(&e),
    };
    // An unscheduled pod has no kubelet to ask: the apiserver answers 200 with nothing.
    if str_at(&pod, &["spec", "nodeName"]).is_empty() {
        return full(200, "text/plain", Bytes::new());
    }
    let run = match which_run(&pod, name, &container, opts.previous) {
        Ok(r) => r,
        Err(e) => return error(&e),
    };
    let (previous, follow) = match run {
        Run::Previous => (true, false),
        Run::Current { running } => (false, opts.follow && running),
    };
    let (mut lines, rx) = state.logs.snapshot(ns, name, &container, previous, follow);
    if let Some(since) = opts.since {
        lines.retain(|l| l.time >= since);
    }
    if let Some(t) = opts.tail
        && lines.len() > t
    {
        lines.drain(..lines.len() - t);
    }
    let (tx, resp) = streamed("text/plain");
    let mut drops = state.faults.drops();
    let mut shutdown = state.shutdown_signal();
    let Opts {
        timestamps,
        since,
        mut limit_bytes,
        ..
    } = opts;
    tokio::spawn(async move {
        drops.borrow_and_update();
        let mut buf = BytesMut::with_capacity(CHUNK);
        for line in &lines {
            format_line(&mut buf, line, timestamps);
            if buf.len() >= CHUNK {
                let mut chunk = buf.split();
                let more = within_limit(&mut chunk, &mut limit_bytes);
                if tx.send(chunk.freeze()).await.is_err() || !more {
                    return;
                }
            }
        }
        if !buf.is_empty() {
            let mut chunk = buf.split();
            let more = within_limit(&mut chunk, &mut limit_bytes);
            if tx.send(chunk.freeze()).await.is_err() || !more {
                return;
            }
        }
        let Some(mut rx) = rx else { return };
        loop {
            let msg = tokio::select! {
                m = rx.recv() => m,
                _ = drops.changed() => return,
                _ = crate::sim::state::until_true(&mut shutdown) => return,
                _ = tx.closed() => return,
            };
            match msg {
                Ok(LogMsg::Line(line)) => {
                    if since.is_some_and(|s| line.time < s) {
                        continue;
                    }
                    format_line(&mut buf, &line, timestamps);
                    // Batch whatever else is already queued into the same chunk.
                    let mut ended = false;
                    while buf.len() < CHUNK {
                        match rx.try_recv() {
                            Ok(LogMsg::Line(l)) => format_line(&mut buf, &l, timestamps),
                            Ok(LogMsg::End) => {
                                ended = true;
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    let mut chunk = buf.split();
                    let more = within_limit(&mut chunk, &mut limit_bytes);
                    if tx.send(chunk.freeze()).await.is_err() || !more || ended {
                        return;
                    }
                }
                // A follower that fell behind skips what it missed, as a rotated file would.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Ok(LogMsg::End) | Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    });
    resp
}
