//! kube's watcher against the simulator: live events from the timeline, resuming, and the
//! relist that a 410 forces.

mod common;

use std::time::Duration;

use common::{Bounded, wait_until};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kdoc::sim::scenario::build::{c, pod};
use kdoc::sim::scenario::{Action, Scenario, Step};
use kube::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde_json::json;

fn name(p: &Pod) -> String {
    p.metadata.name.clone().unwrap_or_default()
}

/// Readable trace of watcher events: "Init", "InitApply a", "Apply b", "Delete b", ...
fn describe(ev: &Event<Pod>) -> String {
    match ev {
        Event::Init => "Init".into(),
        Event::InitApply(p) => format!("InitApply {}", name(p)),
        Event::InitDone => "InitDone".into(),
        Event::Apply(p) => format!(
            "Apply {} {}",
            name(p),
            p.status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_default()
        ),
        Event::Delete(p) => format!("Delete {}", name(p)),
    }
}

fn timeline_scenario() -> Scenario {
    let base = jiff::Timestamp::now();
    let a = pod(base, "t", "a", 60)
        .container(c("app", "busybox"))
        .build();
    let b = pod(base, "t", "b", 0)
        .container(c("app", "busybox").waiting("ContainerCreating", ""))
        .build();
    let other_ns = pod(base, "elsewhere", "z", 0)
        .container(c("app", "busybox"))
        .build();
    let step = |at: f64, action: Action| Step {
        at,
        every: None,
        action,
    };
    Scenario {
        name: "t".into(),
        objects: vec![a],
        timeline: vec![
            step(0.5, Action::Upsert(b)),
            step(0.6, Action::Upsert(other_ns)),
            step(
                0.8,
                Action::SetContainer {
                    ns: "t".into(),
                    pod: "b".into(),
                    container: "app".into(),
                    status: json!({"state": {"running": {"startedAt": "2025-01-01T00:00:00Z"}}, "ready": true, "containerID": "containerd://1"}),
                },
            ),
            step(
                1.1,
                Action::Delete {
                    api_version: "v1".into(),
                    kind: "Pod".into(),
                    ns: "t".into(),
                    name: "b".into(),
                },
            ),
        ],
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_sees_added_modified_deleted_as_the_timeline_runs() {
    let sim = common::start(timeline_scenario()).await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "t");
    let mut stream = watcher::watcher(pods, watcher::Config::default()).boxed();
    let mut seen = vec![];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !seen.iter().any(|s: &String| s.starts_with("Delete")) {
        let ev = tokio::time::timeout_at(deadline, stream.try_next())
            .await
            .expect("events within 10s")
            .expect("no watch error");
        seen.push(describe(&ev.expect("stream open")));
    }
    assert_eq!(
        seen,
        [
            "Init",
            "InitApply a",
            "InitDone",
            "Apply b Pending",
            "Apply b Running",
            "Delete b"
        ],
        "trace: {seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_relists_after_a_410() {
    let sim = common::start(Scenario {
        timeline: vec![],
        ..timeline_scenario()
    })
    .await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "t");
    let mut stream = watcher::watcher(pods, watcher::Config::default()).boxed();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut next = async || {
        tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("events within 10s")
            .expect("stream open")
    };
    for want in ["Init", "InitApply a", "InitDone"] {
        assert_eq!(describe(&next().await.unwrap()), want);
    }
    // Compaction makes the watcher's resourceVersion too old; dropping streams makes it resume.
    sim.state().store.compact();
    sim.state().faults.drop_streams();
    let err = next()
        .await
        .expect_err("the resumed watch gets an ERROR event");
    let text = err.to_string();
    assert!(text.contains("too old resource version"), "{text}");
    for want in ["Init", "InitApply a", "InitDone"] {
        assert_eq!(
            describe(&next().await.unwrap()),
            want,
            "a full relist follows the 410"
        );
    }
}

/// `expire_watches`: an open watch ends with an ERROR event carrying the 410 Status (no
/// reconnect needed to see it), and the relist that follows works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expire_watches_sends_a_410_on_the_open_watch() {
    let sim = common::start(Scenario {
        timeline: vec![],
        ..timeline_scenario()
    })
    .await;
    let state = sim.state().clone();
    let limit = Duration::from_secs(10);
    // Polled in its own task, so the watch is open (requested) while the test waits. With a
    // backoff: without one, a watcher whose every retry fails at once never yields, and the
    // task could not even be aborted.
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "t");
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut stream = watcher::watcher(pods, watcher::Config::default())
            .default_backoff()
            .boxed();
        while let Some(ev) = stream.next().await {
            let _ = seen_tx.send(ev.map(|e| describe(&e)).map_err(|e| e.to_string()));
        }
    });
    let mut next = async || {
        seen_rx
            .recv()
            .bounded_by(limit, "the watcher's next event")
            .await
            .expect("the watcher task is running")
    };
    for want in ["Init", "InitApply a", "InitDone"] {
        assert_eq!(next().await.as_deref(), Ok(want));
    }
    wait_until(limit, "the watch is open", || state.open_watches() == 1).await;
    state.expire_watches();
    let err = next()
        .await
        .expect_err("the open watch gets an ERROR event");
    assert!(err.contains("too old resource version"), "{err}");
    for want in ["Init", "InitApply a", "InitDone"] {
        assert_eq!(next().await.as_deref(), Ok(want), "a relist follows");
    }
    task.abort();
    let _ = task.bounded_by(limit, "the aborted watcher task").await;
}

/// `set_latency`: a request is answered only after the latency; zero ends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_delays_every_answer() {
    let sim = common::start(timeline_scenario()).await;
    let latency = Duration::from_millis(700);
    sim.state().faults.set_latency(latency);
    let start = tokio::time::Instant::now();
    let (code, _) = common::raw(&sim, "GET", "/version", &[]).await;
    assert_eq!(code, 200);
    // A lower bound only: the answer cannot come before the latency, however loaded the
    // machine is (no upper bound: that would be a benchmark).
    assert!(start.elapsed() >= latency, "{:?}", start.elapsed());
    sim.state().faults.set_latency(Duration::ZERO);
    assert_eq!(sim.state().faults.latency(), Duration::ZERO);
    let (code, _) = common::raw(&sim, "GET", "/version", &[]).await;
    assert_eq!(code, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_resumes_from_a_resource_version_without_loss() {
    let sim = common::start(Scenario::default()).await;
    let client = common::client(&sim);
    let pods: Api<Pod> = Api::namespaced(client, "burst");
    let list = pods
        .list(&Default::default())
        .bounded("list pods in burst")
        .await
        .unwrap();
    let rv = list.metadata.resource_version.unwrap();
    let base = jiff::Timestamp::now();
    for i in 0..2000 {
        let p = pod(base, "burst", &format!("p{i:04}"), 0)
            .container(c("app", "busybox"))
            .build();
        sim.state().store.upsert(p).unwrap();
    }
    // Every event since `rv` is replayed from history, in order, before live ones.
    let params = kube::api::WatchParams::default().timeout(5);
    let mut events = pods
        .watch(&params, &rv)
        .bounded(format!("watch pods in burst from resourceVersion {rv}"))
        .await
        .unwrap()
        .boxed();
    let mut names = vec![];
    while names.len() < 2000 {
        match events
            .try_next()
            .bounded_by(
                Duration::from_secs(10),
                format!("watch event {} of 2000", names.len() + 1),
            )
            .await
            .expect("no watch error")
        {
            Some(kube::api::WatchEvent::Added(p)) => names.push(name(&p)),
            Some(_) => {}
            None => break,
        }
    }
    let want: Vec<String> = (0..2000).map(|i| format!("p{i:04}")).collect();
    assert_eq!(names, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selector_watches_turn_changes_into_added_and_deleted() {
    let base = jiff::Timestamp::now();
    let p = pod(base, "sel", "p", 0)
        .labels(&[("tier", "gold")])
        .container(c("app", "busybox"))
        .build();
    let sim = common::start(Scenario {
        objects: vec![p],
        ..Default::default()
    })
    .await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "sel");
    let cfg = watcher::Config::default().labels("tier=gold");
    let mut stream = watcher::watcher(pods, cfg).boxed();
    let mut next = async || {
        describe(
            &stream
                .try_next()
                .bounded_by(Duration::from_secs(10), "the next watcher event")
                .await
                .expect("no watch error")
                .expect("stream open"),
        )
    };
    assert_eq!(next().await, "Init");
    assert_eq!(next().await, "InitApply p");
    assert_eq!(next().await, "InitDone");
    let idx = sim.state().store.find_kind("v1", "Pod").unwrap();
    sim.state().store.update(idx, "sel", "p", |v| {
        v["metadata"]["labels"]["tier"] = json!("silver")
    });
    assert_eq!(
        next().await,
        "Delete p",
        "leaving the selector reads as a deletion"
    );
    sim.state().store.update(idx, "sel", "p", |v| {
        v["metadata"]["labels"]["tier"] = json!("gold")
    });
    assert!(
        next().await.starts_with("Apply p"),
        "coming back reads as an addition"
    );
}

/// The simulator counts open watch streams, and the count falls back when the client goes away
/// (hyper drops the body) or the server ends the stream; `requests()` counts every request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_watches_are_counted_until_the_client_goes_away() {
    let mut sim = common::start(timeline_scenario()).await;
    let state = sim.state().clone();
    assert_eq!(state.open_watches(), 0, "no watch before any client");
    let limit = Duration::from_secs(10);

    // A kube watcher on pods in its own task: after its initial list, one watch stays open.
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "t");
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut stream = watcher::watcher(pods, watcher::Config::default()).boxed();
        while let Some(ev) = stream.next().await {
            let _ = seen_tx.send(ev.map(|e| describe(&e)).map_err(|e| e.to_string()));
        }
    });
    loop {
        let ev = seen_rx
            .recv()
            .bounded_by(limit, "the watcher's initial events")
            .await
            .expect("the watcher task is running")
            .expect("no watch error");
        if ev == "InitDone" {
            break;
        }
    }
    wait_until(limit, "one watch is open", || state.open_watches() == 1).await;
    let requests = state.requests();
    assert!(
        requests >= 2,
        "at least the initial list and the watch were counted, got {requests}"
    );

    // The client goes away: aborting the task drops the watcher, its connection, and so the
    // response body on the server's side.
    task.abort();
    let _ = task.bounded_by(limit, "the aborted watcher task").await;
    wait_until(
        limit,
        "the watch is counted closed after the client left",
        || state.open_watches() == 0,
    )
    .await;

    // The server ending streams counts them closed too: open a raw watch, then drop streams.
    let (code, _) = common::raw(
        &sim,
        "GET",
        "/api/v1/namespaces/t/pods?watch=true&timeoutSeconds=1",
        &[],
    )
    .await;
    assert_eq!(code, 200, "a raw watch that the server ends after 1 s");
    wait_until(limit, "the timed-out watch is counted closed", || {
        state.open_watches() == 0
    })
    .await;
    let client = common::client(&sim);
    let pods: Api<Pod> = Api::namespaced(client, "t");
    let mut events = pods
        .watch(&kube::api::WatchParams::default(), "0")
        .bounded("a plain watch on pods in t")
        .await
        .expect("the watch starts")
        .boxed();
    wait_until(limit, "the plain watch is open", || {
        state.open_watches() == 1
    })
    .await;
    state.faults.drop_streams();
    wait_until(limit, "drop_streams closes the watch", || {
        state.open_watches() == 0
    })
    .await;
    while events
        .try_next()
        .bounded_by(limit, "the dropped watch ending")
        .await
        .expect("no watch error")
        .is_some()
    {}
    assert!(
        state.requests() >= requests + 2,
        "the raw and the plain watch were counted"
    );

    // And so does the server stopping.
    let _events = pods
        .watch(&kube::api::WatchParams::default(), "0")
        .bounded("another plain watch on pods in t")
        .await
        .expect("the watch starts");
    wait_until(limit, "the second plain watch is open", || {
        state.open_watches() == 1
    })
    .await;
    sim.stop().bounded("stopping the simulator").await;
    wait_until(limit, "stopping the server closes the watch", || {
        state.open_watches() == 0
    })
    .await;
}

/// A watch asked for as Table (what `kubectl get -w` sends) carries a one-row Table per event;
/// only the first carries the column definitions, as the apiserver does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_watch_sends_one_row_tables() {
    let base = jiff::Timestamp::now();
    let pods = ["a", "b", "c"].map(|n| {
        pod(base, "t", n, 60)
            .container(c("app", "busybox").running(-50))
            .build()
    });
    let sim = common::start(Scenario {
        objects: pods.to_vec(),
        ..Default::default()
    })
    .await;
    let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    let (code, body) = common::raw(
        &sim,
        "GET",
        "/api/v1/namespaces/t/pods?watch=1&resourceVersion=0&timeoutSeconds=1",
        &[("Accept", accept)],
    )
    .await;
    assert_eq!(code, 200);
    let events: Vec<serde_json::Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 3, "{body}");
    for (i, ev) in events.iter().enumerate() {
        assert_eq!(ev["type"], "ADDED");
        let t = &ev["object"];
        assert_eq!(t["kind"], "Table", "{ev}");
        assert_eq!(t["rows"].as_array().unwrap().len(), 1);
        assert_eq!(t["rows"][0]["cells"][1], "1/1");
        assert_eq!(t["rows"][0]["cells"][2], "Running");
        assert_eq!(t.get("columnDefinitions").is_some(), i == 0, "{ev}");
    }
}

/// `GET /kdoc-sim/stats` (simulator-only) tells another process the request and open-watch
/// counts, and is not counted itself, so polling it does not change what it measures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_endpoint_reports_the_counts_without_counting_itself() {
    let sim = common::start(timeline_scenario()).await;
    let (code, _) = common::raw(&sim, "GET", "/api/v1/namespaces/t/pods", &[]).await;
    assert_eq!(code, 200);
    let before = sim.state().requests();
    for _ in 0..3 {
        let (code, body) = common::raw(&sim, "GET", kdoc::sim::STATS_PATH, &[]).await;
        assert_eq!(code, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(v["requests"], json!(before), "{body}");
        assert_eq!(v["open_watches"], json!(0), "{body}");
    }
    assert_eq!(
        sim.state().requests(),
        before,
        "the stats requests were counted"
    );
}
