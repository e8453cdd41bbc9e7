//! One container's log stream: opened with `timestamps=true` so each line carries the kubelet's
//! time, read as bytes (a log is not always UTF-8), sent to the app in batches (one per chunk
//! the server sends), and reopened after a transient error from the last line seen.

use std::time::Duration;

use futures::AsyncBufReadExt;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};
use kube::{Client, Error};
use tokio::sync::mpsc::Sender;
use tokio::task::AbortHandle;

use crate::core::cluster_event::{ClusterMsg, LogEvent, LogLine};
use crate::core::effect::{EffectId, LogRequest};

/// Reconnect attempts before a stream is declared failed.
const MAX_ATTEMPTS: u32 = 8;

pub fn spawn(
    client: Client,
    id: EffectId,
    req: LogRequest,
    out: Sender<ClusterMsg>,
) -> AbortHandle {
    tokio::spawn(stream(client, id, req, out)).abort_handle()
}

/// Split the kubelet's `timestamps=true` prefix ("2026-12-01T14:45:51.123456789Z ") off a line.
pub fn split_timestamp(line: &[u8]) -> (Option<Timestamp>, &[u8]) {
    let Some(sp) = line.iter().take(40).position(|b| *b == b' ') else {
        return (None, line);
    };
    match std::str::from_utf8(&line[..sp])
        .ok()
        .and_then(|s| s.parse::<Timestamp>().ok())
    {
        Some(ts) => (Some(ts), &line[sp + 1..]),
        None => (None, line),
    }
}

async fn send(out: &Sender<ClusterMsg>, id: EffectId, event: LogEvent) -> bool {
    out.send(ClusterMsg::Log { id, event }).await.is_ok()
}

/// The API's own words for a refusal (e.g. `container kaniko is not valid for pod ...`).
fn refusal(e: &Error) -> Option<String> {
    match e {
        Error::Api(s) if (400..500).contains(&s.code) => Some(s.message.clone()),
        _ => None,
    }
}

async fn stream(client: Client, id: EffectId, req: LogRequest, out: Sender<ClusterMsg>) {
    let api: Api<Pod> = Api::namespaced(client, &req.namespace);
    let mut last: Option<Timestamp> = req.since_time;
    let mut attempt = 0u32;
    loop {
        // After a reconnect, start from the last line seen instead of the tail again.
        let lp = LogParams {
            container: Some(req.container.clone()),
            follow: req.follow,
            previous: req.previous,
            timestamps: true,
            tail_lines: if last.is_none() { req.tail } else { None },
            since_seconds: if last.is_none() {
                req.since_seconds
            } else {
                None
            },
            since_time: last,
            ..LogParams::default()
        };
        let reader = match api.log_stream(&req.pod, &lp).await {
            Ok(r) => r,
            Err(e) => {
                if let Some(msg) = refusal(&e) {
                    send(&out, id, LogEvent::Failed(msg)).await;
                    return;
                }
                attempt += 1;
                if attempt > MAX_ATTEMPTS {
                    send(&out, id, LogEvent::Failed(e.to_string())).await;
                    return;
                }
                let ev = LogEvent::Reconnecting {
                    attempt,
                    error: e.to_string(),
                };
                if !send(&out, id, ev).await {
                    return;
                }
                tokio::time::sleep(backoff(attempt)).await;
                continue;
            }
        };
        if !send(&out, id, LogEvent::Opened).await {
            return;
        }
        // After a reconnect, lines up to the last one seen come again: skip them.
        let mut resume = if attempt > 0 || last == req.since_time {
            last
        } else {
            None
        };
        match read(reader, id, &out, &mut last, &mut resume, &mut attempt).await {
            Read::Eof => {
                send(&out, id, LogEvent::Ended).await;
                return;
            }
            Read::Gone => return,
            Read::Error(e) if req.follow && attempt < MAX_ATTEMPTS => {
                attempt += 1;
                let ev = LogEvent::Reconnecting { attempt, error: e };
                if !send(&out, id, ev).await {
                    return;
                }
                tokio::time::sleep(backoff(attempt)).await;
            }
            Read::Error(e) => {
                send(&out, id, LogEvent::Failed(e)).await;
                return;
            }
        }
    }
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((250u64 << attempt.min(6)).min(10_000))
}

enum Read {
    Eof,
    /// The app went away.
    Gone,
    Error(String),
}

/// Read lines until the end, sending each chunk's complete lines as one batch. A line cut off
/// by the end of the stream is sent as it is.
async fn read(
    reader: impl futures::AsyncBufRead + Unpin,
    id: EffectId,
    out: &Sender<ClusterMsg>,
    last: &mut Option<Timestamp>,
    resume: &mut Option<Timestamp>,
    attempt: &mut u32,
) -> Read {
    let mut reader = reader;
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let chunk = match reader.fill_buf().await {
            Ok(c) => c,
            Err(e) => return Read::Error(e.to_string()),
        };
        if chunk.is_empty() {
            let mut batch = Vec::new();
            if !carry.is_empty() {
                push_line(&carry, last, resume, &mut batch);
            }
            if !batch.is_empty() && !send(out, id, LogEvent::Lines(batch)).await {
                return Read::Gone;
            }
            return Read::Eof;
        }
        let n = chunk.len();
        let mut batch = Vec::new();
        let mut start = 0;
        for (i, b) in chunk.iter().enumerate() {
            if *b == b'\n' {
                if carry.is_empty() {
                    push_line(&chunk[start..i], last, resume, &mut batch);
                } else {
                    carry.extend_from_slice(&chunk[start..i]);
                    push_line(&carry, last, resume, &mut batch);
                    carry.clear();
                }
                start = i + 1;
            }
        }
        carry.extend_from_slice(&chunk[start..]);
        reader.consume_unpin(n);
        if !batch.is_empty() {
            // Data flowing again: the next failure starts its count afresh.
            *attempt = 0;
            if !send(out, id, LogEvent::Lines(batch)).await {
                return Read::Gone;
            }
        }
    }
}

fn push_line(
    raw: &[u8],
    last: &mut Option<Timestamp>,
    resume: &mut Option<Timestamp>,
    batch: &mut Vec<LogLine>,
) {
    let (ts, text) = split_timestamp(raw);
    // Reopened from the last timestamp seen: the server repeats lines up to that instant.
    // Lines sharing a timestamp are normal otherwise, and kept.
    if let Some(r) = *resume {
        match ts {
            Some(t) if t <= r => return,
            _ => *resume = None,
        }
    }
    if ts.is_some() {
        *last = ts;
    }
    batch.push(LogLine {
        ts,
        bytes: text.to_vec(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubelet_timestamp_is_split_off_and_other_text_is_left_alone() {
        let (ts, rest) = split_timestamp(b"2026-12-01T14:45:51.123456789Z hello world");
        assert_eq!(
            ts.map(|t| t.to_string()),
            Some("2026-12-01T14:45:51.123456789Z".into())
        );
        assert_eq!(rest, b"hello world");
        let (ts, rest) = split_timestamp(b"no timestamp here");
        assert!(ts.is_none());
        assert_eq!(rest, b"no timestamp here");
        let (ts, rest) = split_timestamp(b"\xff\xfe binary");
        assert!(ts.is_none());
        assert_eq!(rest, b"\xff\xfe binary");
    }

    #[test]
    fn lines_at_or_before_the_last_seen_time_are_skipped_after_a_reconnect() {
        let t0 = Some("2026-12-01T14:45:51Z".parse().unwrap());
        let (mut last, mut resume) = (t0, t0);
        let mut batch = vec![];
        push_line(
            b"2026-12-01T14:45:51Z seen",
            &mut last,
            &mut resume,
            &mut batch,
        );
        push_line(
            b"2026-12-01T14:45:52Z new",
            &mut last,
            &mut resume,
            &mut batch,
        );
        // Not after a reconnect: the same instant twice is two lines.
        push_line(
            b"2026-12-01T14:45:52Z also new",
            &mut last,
            &mut resume,
            &mut batch,
        );
        let texts: Vec<&[u8]> = batch.iter().map(|l| l.bytes.as_slice()).collect();
        assert_eq!(texts, [&b"new"[..], &b"also new"[..]]);
    }
}
