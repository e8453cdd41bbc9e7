//! Plays a scenario's timeline and log generators against the store.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::time::Instant;

use super::build::{container_id, refresh_pod};
use super::{Action, Generator, Step};
use crate::sim::state::SimState;
use crate::sim::store::str_at;
use crate::sim::time::rfc3339;

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = json!({});
            }
            if let Some(t) = target.as_object_mut() {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

fn pods(state: &SimState) -> Option<usize> {
    state.store.find_kind("v1", "Pod")
}

/// Edit one container's status inside a pod (init or regular), then fix up the pod's summary.
fn edit_container(
    state: &SimState,
    ns: &str,
    pod: &str,
    container: &str,
    f: impl FnOnce(&mut Value, &str),
) -> bool {
    let Some(idx) = pods(state) else { return false };
    state.store.update(idx, ns, pod, |p| {
        let uid = str_at(p, &["metadata", "uid"]).to_string();
        for key in ["initContainerStatuses", "containerStatuses"] {
            if let Some(list) = p["status"][key].as_array_mut()
                && let Some(cs) = list.iter_mut().find(|c| c["name"] == container)
            {
                f(cs, &uid);
                break;
            }
        }
        refresh_pod(p);
    })
}

/// Apply one timeline action now.
pub fn apply(state: &SimState, action: &Action, now: Timestamp) {
    match action {
        Action::Upsert(v) => {
            let _ = state.store.upsert(v.clone());
        }
        Action::Patch {
            api_version,
            kind,
            ns,
            name,
            patch,
        } => {
            if let Some(idx) = state.store.find_kind(api_version, kind) {
                state.store.update(idx, ns, name, |v| merge_patch(v, patch));
            }
        }
        Action::Delete {
            api_version,
            kind,
            ns,
            name,
        } => {
            if let Some(idx) = state.store.find_kind(api_version, kind) {
                state.store.delete(idx, ns, name);
            }
        }
        Action::SetContainer {
            ns,
            pod,
            container,
            status,
        } => {
            edit_container(state, ns, pod, container, |cs, _| {
                // A container is in exactly one state: a new one replaces the old, not merges.
                for key in ["state", "lastState"] {
                    if let Some(v) = status.get(key) {
                        cs[key] = v.clone();
                    }
                }
                merge_patch(cs, status);
            });
        }
        Action::Crash {
            ns,
            pod,
            container,
            exit_code,
            reason,
            waiting,
        } => {
            let pod_name = pod.clone();
            let ns_name = ns.clone();
            edit_container(state, ns, pod, container, |cs, uid| {
                let started = cs["state"]["running"]["startedAt"].clone();
                let id = cs["containerID"].clone();
                cs["lastState"] = json!({"terminated": {
                    "exitCode": exit_code, "reason": reason, "startedAt": started,
                    "finishedAt": rfc3339(now), "containerID": id,
                }});
                cs["restartCount"] = json!(cs["restartCount"].as_i64().unwrap_or(0) + 1);
                cs["ready"] = json!(false);
                cs["started"] = json!(false);
                cs["state"] = json!({"waiting": {
                    "reason": waiting,
                    "message": format!("back-off 40s restarting failed container={container} pod={pod_name}_{ns_name}({uid})"),
                }});
            });
            state.logs.restart(ns, pod, container);
        }
        Action::Start { ns, pod, container } => {
            edit_container(state, ns, pod, container, |cs, uid| {
                let n = cs["restartCount"].as_i64().unwrap_or(0);
                cs["containerID"] = json!(container_id(uid, container, n));
                cs["state"] = json!({"running": {"startedAt": rfc3339(now)}});
                cs["ready"] = json!(true);
                cs["started"] = json!(true);
            });
        }
        Action::Log {
            ns,
            pod,
            container,
            lines,
        } => {
            state
                .logs
                .append(ns, pod, container, lines.iter().map(|l| (now, l.clone())));
        }
        Action::Event(ev) => record_event(state, ev, now),
    }
}

fn record_event(state: &SimState, ev: &Value, now: Timestamp) {
    let Some(idx) = state.store.find_kind("v1", "Event") else {
        return;
    };
    let ns = str_at(ev, &["metadata", "namespace"]).to_string();
    let name = str_at(ev, &["metadata", "name"]).to_string();
    let bumped = state.store.update(idx, &ns, &name, |old| {
        old["count"] = json!(old["count"].as_i64().unwrap_or(1) + 1);
        old["lastTimestamp"] = json!(rfc3339(now));
    });
    if !bumped {
        let mut ev = ev.clone();
        ev["firstTimestamp"] = json!(rfc3339(now));
        ev["lastTimestamp"] = json!(rfc3339(now));
        let _ = state.store.upsert(ev);
    }
}

/// Run the timeline and generators until `stop` turns true. `speed` scales scenario time.
pub async fn run(
    state: Arc<SimState>,
    timeline: Vec<Step>,
    generators: Vec<Generator>,
    speed: f64,
    stop: watch::Receiver<bool>,
) {
    let speed = if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        1.0
    };
    let start = Instant::now();
    if !generators.is_empty() {
        tokio::spawn(generate(state.clone(), generators, speed, stop.clone()));
    }
    // (due time in ms of scenario time, step index)
    let mut queue: BinaryHeap<Reverse<(u64, usize)>> = timeline
        .iter()
        .enumerate()
        .map(|(i, s)| Reverse(((s.at.max(0.0) * 1000.0) as u64, i)))
        .collect();
    let mut stop = stop;
    while let Some(Reverse((due_ms, i))) = queue.pop() {
        let wake = start + Duration::from_secs_f64(due_ms as f64 / 1000.0 / speed);
        tokio::select! {
            _ = tokio::time::sleep_until(wake) => {}
            _ = crate::sim::state::until_true(&mut stop) => return,
        }
        let step = &timeline[i];
        apply(&state, &step.action, Timestamp::now());
        if let Some(every) = step.every.filter(|e| *e > 0.0) {
            queue.push(Reverse((due_ms + (every * 1000.0) as u64, i)));
        }
    }
}

async fn generate(
    state: Arc<SimState>,
    generators: Vec<Generator>,
    speed: f64,
    mut stop: watch::Receiver<bool>,
) {
    let tick = Duration::from_millis(100);
    let mut interval = tokio::time::interval(tick);
    let mut owed = vec![0.0f64; generators.len()];
    let mut counter = vec![0u64; generators.len()];
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = crate::sim::state::until_true(&mut stop) => return,
        }
        let now = Timestamp::now();
        for (i, g) in generators.iter().enumerate() {
            owed[i] += g.rate * speed * tick.as_secs_f64();
            let n = owed[i].floor() as u64;
            if n == 0 {
                continue;
            }
            owed[i] -= n as f64;
            // The lines were written over the last tick, each at its own moment, the last now.
            let lines = (0..n).map(|k| {
                (
                    spread(now, tick, k, n),
                    g.template.replace("{n}", &(counter[i] + k).to_string()),
                )
            });
            state.logs.append(&g.ns, &g.pod, &g.container, lines);
            counter[i] += n;
        }
    }
}

/// When line `k` of `n` written evenly over the `tick` ending at `now` was written.
fn spread(now: Timestamp, tick: Duration, k: u64, n: u64) -> Timestamp {
    let step = tick.as_nanos() as i64 / n.max(1) as i64;
    let before = step.saturating_mul((n - 1 - k.min(n - 1)) as i64);
    now.checked_sub(jiff::SignedDuration::from_nanos(before))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_lines_are_spread_over_the_tick() {
        let now = Timestamp::now();
        let tick = Duration::from_millis(100);
        let times: Vec<_> = (0..4).map(|k| spread(now, tick, k, 4)).collect();
        assert_eq!(times[3], now);
        assert_eq!(
            now.duration_since(times[0]),
            jiff::SignedDuration::from_millis(75)
        );
        assert!(times.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn merge_patch_follows_rfc7386() {
        let mut v = json!({"a": {"b": 1, "c": 2}, "d": [1]});
        merge_patch(&mut v, &json!({"a": {"b": null, "e": 3}, "d": [2, 3]}));
        assert_eq!(v, json!({"a": {"c": 2, "e": 3}, "d": [2, 3]}));
    }
}
