//! The `pods/{name}/log` handler: every `PodLogOptions` field and the kubelet's error texts,
//! serving the bytes the [log store](super::log_store) holds.

use std::fmt::Write as _;
use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use hyper::Response;
use jiff::Timestamp;
use serde_json::Value;
use tokio::sync::{broadcast, mpsc};

use super::http::{Body, error, full, streamed};
use super::log_store::{LogMsg, Part, select};
use super::query::Query;
use super::state::SimState;
use super::status::ApiError;
use super::store::str_at;
use super::time;

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

/// What the handler writes: chunks of about [`CHUNK`] bytes, cut at `limitBytes`.
struct Out {
    tx: mpsc::Sender<Bytes>,
    buf: BytesMut,
    timestamps: bool,
    /// Bytes still allowed by `limitBytes`.
    left: Option<usize>,
}

const CHUNK: usize = 64 * 1024;
/// The most one message carries when lines are passed on without a copy.
const SHARED_CHUNK: usize = 1024 * 1024;

impl Out {
    /// Write a part's lines; false once the reader is gone or the limit is reached.
    async fn part(&mut self, p: &Part) -> bool {
        if self.timestamps {
            for i in p.from..p.to {
                // BytesMut's fmt::Write never fails.
                let _ = write!(self.buf, "{} ", time::rfc3339_nano(p.seg.time(i)));
                self.buf.put_slice(p.seg.line(i));
                if self.buf.len() >= CHUNK && !self.flush().await {
                    return false;
                }
            }
            return true;
        }
        let mut bytes = p.bytes();
        if self.buf.len() + bytes.len() < CHUNK {
            self.buf.put_slice(&bytes);
            return true;
        }
        // Large runs of lines go out as slices of the stored buffer, not copies.
        if !self.flush().await {
            return false;
        }
        while !bytes.is_empty() {
            let piece = bytes.split_to(bytes.len().min(SHARED_CHUNK));
            if !self.send(piece).await {
                return false;
            }
        }
        true
    }

    async fn flush(&mut self) -> bool {
        if self.buf.is_empty() {
            return true;
        }
        let chunk = self.buf.split().freeze();
        self.send(chunk).await
    }

    async fn send(&mut self, mut chunk: Bytes) -> bool {
        let more = match &mut self.left {
            None => true,
            Some(left) if chunk.len() >= *left => {
                chunk.truncate(*left);
                *left = 0;
                false
            }
            Some(left) => {
                *left -= chunk.len();
                true
            }
        };
        self.tx.send(chunk).await.is_ok() && more
    }
}

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
    let (parts, rx) = state.logs.snapshot(ns, name, &container, previous, follow);
    let parts = select(parts, opts.since, opts.tail);
    let (tx, resp) = streamed("text/plain");
    let mut drops = state.faults.drops();
    let mut shutdown = state.shutdown_signal();
    let since = opts.since;
    let mut out = Out {
        tx,
        buf: BytesMut::with_capacity(CHUNK),
        timestamps: opts.timestamps,
        left: opts.limit_bytes,
    };
    tokio::spawn(async move {
        drops.borrow_and_update();
        for p in &parts {
            if !out.part(p).await {
                return;
            }
        }
        if !out.flush().await {
            return;
        }
        let Some(mut rx) = rx else { return };
        loop {
            let msg = tokio::select! {
                m = rx.recv() => m,
                _ = drops.changed() => return,
                _ = crate::sim::state::until_true(&mut shutdown) => return,
                _ = out.tx.closed() => return,
            };
            let mut next = match msg {
                Ok(m) => m,
                // A follower that fell behind skips what it missed, as a rotated file would.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            };
            // Batch whatever else is already queued into the same chunk.
            loop {
                let LogMsg::Lines(seg) = next else {
                    out.flush().await;
                    return;
                };
                let from = since.map_or(0, |s| seg.first_since(0, s));
                let to = seg.len();
                if !out.part(&Part { seg, from, to }).await {
                    return;
                }
                match rx.try_recv() {
                    Ok(m) => next = m,
                    Err(_) => break,
                }
            }
            if !out.flush().await {
                return;
            }
        }
    });
    resp
}
