//! kube's watcher against the simulator: live events from the timeline, resuming, and the
//! relist that a 410 forces.

mod common;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kdoc::sim::scenario::build::{c, pod};
use kdoc::sim::scenario::{Action, Scenario, Step};
use kube::Api;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_resumes_from_a_resource_version_without_loss() {
    let sim = common::start(Scenario::default()).await;
    let client = common::client(&sim);
    let pods: Api<Pod> = Api::namespaced(client, "burst");
    let list = pods.list(&Default::default()).await.unwrap();
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
    let mut events = pods.watch(&params, &rv).await.unwrap().boxed();
    let mut names = vec![];
    while names.len() < 2000 {
        match tokio::time::timeout(Duration::from_secs(10), events.try_next())
            .await
            .unwrap()
            .unwrap()
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
            &tokio::time::timeout(Duration::from_secs(10), stream.try_next())
                .await
                .unwrap()
                .unwrap()
                .unwrap(),
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
