//! The cluster layer against the simulator: what the pods pane learns from watches when the
//! API refuses (403), and across a server stop and restart (reconnecting, then no duplicates).

mod common;

use std::time::Duration;

use common::Bounded;

use kdoc::cluster::watch;
use kdoc::core::cluster_event::{ClusterEvent, ClusterMsg, Conn};
use kdoc::core::effect::{Effect, EffectKind};
use kdoc::core::panes::pods::PodsPane;
use kdoc::core::state::{AppState, Msg, Scope};
use kdoc::sim::scenario::load::{LoadSpec, scenario};
use tokio::sync::mpsc;

/// As the app's channel: bounded, so a flood of events waits for the reducer.
const CHANNEL: usize = 4096;

/// An app state for `scope` fed by real watches on the simulator, started as the app starts
/// them: the state's first effect is the watch, and its id tags the watch's messages.
fn watching(
    sim: &kdoc::sim::Sim,
    scope: Scope,
) -> (AppState, mpsc::Receiver<ClusterMsg>, watch::Watches) {
    let client = kube::Client::try_from(sim.client_config()).unwrap();
    let (tx, rx) = mpsc::channel(CHANNEL);
    let mut st = state(scope);
    let id = first_watch(&mut st);
    let w = watch::start(client, &st.cache.scope, id, tx);
    (st, rx, w)
}

/// `state.start()`, which must ask for exactly one watch of the state's scope (and discovery,
/// for `:KIND`, which these tests leave unanswered): the watch's id.
fn first_watch(st: &mut AppState) -> u64 {
    let effects = st.start();
    match effects.as_slice() {
        [
            Effect {
                id,
                kind:
                    EffectKind::Watch {
                        scope,
                        client: None,
                    },
            },
            Effect {
                kind: EffectKind::Discover,
                ..
            },
        ] => {
            assert_eq!(scope, &st.cache.scope);
            assert_eq!(
                *id, st.cache.watch,
                "the cache expects the watch it asked for"
            );
            *id
        }
        other => panic!("start should ask for one watch and discovery, not {other:?}"),
    }
}

/// The pods pane (the root of the stack).
fn pods(st: &AppState) -> &PodsPane {
    st.find::<PodsPane>()
        .expect("the pods pane is always there")
}

fn state(scope: Scope) -> AppState {
    AppState::new(
        "kdoc-sim".into(),
        "kdoc-sim".into(),
        vec!["kdoc-sim".into()],
        scope,
        false,
    )
}

/// Feed messages to the reducer until `done(state)` holds; panics with the state on timeout.
async fn until(
    rx: &mut mpsc::Receiver<ClusterMsg>,
    st: &mut AppState,
    what: &str,
    done: impl Fn(&AppState) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !done(st) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(m)) => {
                st.update(Msg::Cluster(m));
            }
            Ok(None) => panic!("the watch channel closed while waiting for {what}"),
            Err(_) => panic!(
                "timed out waiting for {what}; conn {:?}, pods {} ({} rows), error {:?}",
                st.cache.conn,
                st.cache.pods.len(),
                pods(st).rows.len(),
                st.cache.pods_error
            ),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_pods_show_the_api_message_and_namespaces_still_load() {
    let sim = common::start(scenario(
        &LoadSpec {
            pods: 30,
            namespaces: 3,
            log_rate: 0.0,
        },
        jiff::Timestamp::now(),
    ))
    .await;
    sim.state().faults.set_forbidden("pods", true);
    let (mut st, mut rx, _w) = watching(&sim, Scope::Namespace("load-001".into()));
    until(&mut rx, &mut st, "the 403 message", |s| {
        s.cache.pods_error.is_some()
    })
    .await;
    assert_eq!(
        st.cache.pods_error.as_deref(),
        Some(
            "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" in the namespace \"load-001\""
        )
    );
    // The three of the load scenario and default, kube-node-lease, kube-public, kube-system.
    until(&mut rx, &mut st, "namespaces for the picker", |s| {
        s.cache.namespaces.len() == 7
    })
    .await;
    assert_eq!(
        st.cache.conn,
        Conn::Connected,
        "a 403 is an answer, not a lost connection"
    );
    // Once allowed again, the backoff retry lists the pods and clears the error.
    sim.state().faults.set_forbidden("pods", false);
    until(&mut rx, &mut st, "pods after the 403 is lifted", |s| {
        s.cache.pods.len() == 10
    })
    .await;
    assert_eq!(st.cache.pods_error, None);
    assert_eq!(pods(&st).rows.len(), 10, "the pods pane shows them");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_and_restart_shows_reconnecting_then_the_same_pods_once() {
    let mut sim = common::start(scenario(
        &LoadSpec {
            pods: 40,
            namespaces: 2,
            log_rate: 0.0,
        },
        jiff::Timestamp::now(),
    ))
    .await;
    let (mut st, mut rx, _w) = watching(&sim, Scope::All);
    until(&mut rx, &mut st, "the first list", |s| {
        pods(s).rows.len() == 40 && s.cache.conn == Conn::Connected
    })
    .await;

    sim.stop().bounded("stopping the simulator").await;
    until(&mut rx, &mut st, "reconnecting", |s| {
        matches!(s.cache.conn, Conn::Reconnecting { .. })
    })
    .await;
    assert_eq!(
        pods(&st).rows.len(),
        40,
        "what was known stays on screen while reconnecting"
    );

    // Something changes while the server is down; the watch must catch up after the restart.
    let base = jiff::Timestamp::now();
    let extra = kdoc::sim::scenario::build::pod(base, "load-000", "late-arrival", 0)
        .container(kdoc::sim::scenario::build::c("app", "busybox"))
        .build();
    sim.state().store.upsert(extra).unwrap();
    sim.restart()
        .bounded("restarting the simulator")
        .await
        .unwrap();
    until(&mut rx, &mut st, "connected again with the new pod", |s| {
        s.cache.conn == Conn::Connected && pods(s).rows.len() == 41
    })
    .await;
    let mut names: Vec<_> = pods(&st)
        .rows
        .iter()
        .map(|r| (r.namespace.clone(), r.name.clone()))
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 41, "no duplicates after reconnecting");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_namespace_drops_the_old_watch() {
    let sim = common::start(scenario(
        &LoadSpec {
            pods: 20,
            namespaces: 2,
            log_rate: 0.0,
        },
        jiff::Timestamp::now(),
    ))
    .await;
    let client = kube::Client::try_from(sim.client_config()).unwrap();
    let (tx, mut rx) = mpsc::channel(CHANNEL);
    let mut st = state(Scope::All);
    let old = first_watch(&mut st);
    let w = watch::start(client.clone(), &st.cache.scope, old, tx.clone());
    until(&mut rx, &mut st, "all pods", |s| pods(s).rows.len() == 20).await;
    let effects = st.switch_scope(Scope::Namespace("load-001".into()));
    let new = st.cache.watch;
    assert_ne!(new, old, "a new watch has a new id");
    assert_eq!(
        effects,
        [Effect {
            id: new,
            kind: EffectKind::Watch {
                scope: Scope::Namespace("load-001".into()),
                client: None,
            },
        }]
    );
    assert!(
        st.cache.pods.is_empty(),
        "the old scope's pods are forgotten"
    );
    // Whatever the old watch still says is stale (here a relist of every pod, as it might
    // arrive between the switch and the drop).
    let every_pod: Vec<kdoc::core::pods::PodEntry> = (0..20)
        .map(|i| {
            let pod = kdoc::sim::scenario::build::pod(
                jiff::Timestamp::now(),
                "load-000",
                &format!("stale-{i}"),
                0,
            )
            .container(kdoc::sim::scenario::build::c("app", "busybox"))
            .build();
            serde_json::from_value::<k8s_openapi::api::core::v1::Pod>(pod)
                .expect("a valid pod")
                .into()
        })
        .collect();
    st.update(Msg::Cluster(ClusterMsg::watch(
        old,
        ClusterEvent::PodsReset(every_pod),
    )));
    assert!(
        st.cache.pods.is_empty(),
        "an event of the old watch was applied"
    );
    drop(w);
    let _w = watch::start(client, &st.cache.scope, new, tx);
    until(&mut rx, &mut st, "one namespace", |s| {
        pods(s).rows.len() == 10 && s.cache.conn == Conn::Connected
    })
    .await;
    assert!(pods(&st).rows.iter().all(|r| r.namespace == "load-001"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_kinds_the_cluster_lacks_say_not_installed_once() {
    use kdoc::core::cache::CrdState;
    use kdoc::core::panes::workflows::WorkflowsPane;
    use kdoc::core::workflows::WfKind;
    let sim =
        common::start(kdoc::sim::scenario::builtin("mlops", &LoadSpec::default()).unwrap()).await;
    sim.state().store.remove_group("tekton.dev");
    let (mut st, mut rx, _w) = watching(&sim, Scope::All);
    until(&mut rx, &mut st, "argo listed and tekton missing", |s| {
        s.cache.crds.get(&WfKind::Tekton) == Some(&CrdState::NotInstalled)
            && s.cache.crds.get(&WfKind::Argo) == Some(&CrdState::Installed)
    })
    .await;
    st.update(Msg::Command("wf".into()));
    let wf = st
        .find::<WorkflowsPane>()
        .expect("`:wf` opens the workflows pane");
    assert_eq!(
        wf.rows.len(),
        1,
        "only iris-demo: {:?}",
        wf.rows.iter().map(|r| &r.key).collect::<Vec<_>>()
    );
    // No error loop: nothing more arrives about the missing kind.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while let Ok(Some(m)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        assert!(
            !matches!(
                &m,
                ClusterMsg::Watch {
                    event: ClusterEvent::CrdMissing(_) | ClusterEvent::WorkflowsError(..),
                    ..
                }
            ),
            "unexpected {m:?}"
        );
    }
}
