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

/// Reconnect attempts before a one-off read is declared failed. A followed stream keeps trying
/// (backing off up to 10 s) for as long as the API server is away: an outage of minutes must
/// not end the logs someone is watching. A refusal (4xx) still ends it at once.
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
    // Opened from `since_time` (the app reopening from its last line): every line of that
    // instant was seen already.
    let mut pos = Position {
        last: req.since_time,
        at_last: if req.since_time.is_some() {
            usize::MAX
        } else {
            0
        },
    };
    let mut attempt = 0u32;
    loop {
        // After a reconnect, start from the last line seen instead of the tail again.
        let lp = LogParams {
            container: Some(req.container.clone()),
            follow: req.follow,
            previous: req.previous,
            timestamps: true,
            tail_lines: if pos.last.is_none() { req.tail } else { None },
            since_seconds: if pos.last.is_none() {
                req.since_seconds
            } else {
                None
            },
            since_time: pos.last,
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
                if attempt > MAX_ATTEMPTS && !req.follow {
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
        let mut resume = pos.last.map(|t| (t, pos.at_last));
        match read(reader, id, &out, &mut pos, &mut resume, &mut attempt).await {
            Read::Eof => {
                send(&out, id, LogEvent::Ended).await;
                return;
            }
            Read::Gone => return,
            Read::Error(e) if req.follow => {
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
    pos: &mut Position,
    resume: &mut Option<(Timestamp, usize)>,
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
                push_line(&carry, pos, resume, &mut batch);
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
                    push_line(&chunk[start..i], pos, resume, &mut batch);
                } else {
                    carry.extend_from_slice(&chunk[start..i]);
                    push_line(&carry, pos, resume, &mut batch);
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

/// Where a stream is: the last timestamp seen and how many lines carried it.
struct Position {
    last: Option<Timestamp>,
    at_last: usize,
}

fn push_line(
    raw: &[u8],
    pos: &mut Position,
    resume: &mut Option<(Timestamp, usize)>,
    batch: &mut Vec<LogLine>,
) {
    let (ts, text) = split_timestamp(raw);
    // Reopened from the last timestamp seen (`sinceTime` has whole seconds, so from the start
    // of that second): the server repeats what came before it, and the lines at that instant
    // already seen. Lines sharing a timestamp are normal, so only that many are skipped.
    if let Some((r, skip)) = resume {
        match ts {
            Some(t) if t < *r => return,
            Some(t) if t == *r && *skip > 0 => {
                *skip -= 1;
                return;
            }
            _ => *resume = None,
        }
    }
    if let Some(t) = ts {
        if pos.last == Some(t) {
            pos.at_last = pos.at_last.saturating_add(1);
        } else {
            *pos = Position {
                last: Some(t),
                at_last: 1,
            };
        }
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

    fn lines(
        raw: &[&[u8]],
        pos: &mut Position,
        resume: &mut Option<(Timestamp, usize)>,
    ) -> Vec<Vec<u8>> {
        let mut batch = vec![];
        for r in raw {
            push_line(r, pos, resume, &mut batch);
        }
        batch.into_iter().map(|l| l.bytes).collect()
    }

    #[test]
    fn a_reconnect_skips_what_was_seen_and_keeps_lines_sharing_the_last_instant() {
        let mut pos = Position {
            last: None,
            at_last: 0,
        };
        let mut resume = None;
        let first = lines(
            &[
                b"2026-12-01T14:45:50Z a",
                b"2026-12-01T14:45:51Z b",
                b"2026-12-01T14:45:51Z c",
            ],
            &mut pos,
            &mut resume,
        );
        assert_eq!(first, [b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(pos.at_last, 2);
        // The stream broke after c; the server had also written d at the same instant. The
        // reopened stream starts at the second (50 again, then b, c, d, e).
        let mut resume = pos.last.map(|t| (t, pos.at_last));
        let again = lines(
            &[
                b"2026-12-01T14:45:50Z a",
                b"2026-12-01T14:45:51Z b",
                b"2026-12-01T14:45:51Z c",
                b"2026-12-01T14:45:51Z d",
                b"2026-12-01T14:45:52Z e",
            ],
            &mut pos,
            &mut resume,
        );
        assert_eq!(again, [b"d".to_vec(), b"e".to_vec()]);
    }

    #[test]
    fn opened_from_a_since_time_every_line_of_that_instant_was_seen() {
        let t: Timestamp = "2026-12-01T14:45:51Z".parse().unwrap();
        let mut pos = Position {
            last: Some(t),
            at_last: usize::MAX,
        };
        let mut resume = Some((t, usize::MAX));
        let got = lines(
            &[
                b"2026-12-01T14:45:51Z seen",
                b"2026-12-01T14:45:51Z seen too",
                b"2026-12-01T14:45:52Z new",
                b"2026-12-01T14:45:52Z also new",
            ],
            &mut pos,
            &mut resume,
        );
        assert_eq!(got, [b"new".to_vec(), b"also new".to_vec()]);
    }
}
