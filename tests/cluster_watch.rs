//! The cluster layer against the simulator: what the pods pane learns from watches when the
//! API refuses (403), and across a server stop and restart (reconnecting, then no duplicates).

mod common;

use std::time::Duration;

use kdoc::cluster::watch;
use kdoc::core::cluster_event::{ClusterMsg, Conn};
use kdoc::core::state::{AppState, Msg, Scope};
use kdoc::sim::scenario::load::{LoadSpec, scenario};
use tokio::sync::mpsc;

/// An app state for `scope` fed by real watches on the simulator.
fn watching(
    sim: &kdoc::sim::Sim,
    scope: Scope,
) -> (
    AppState,
    mpsc::UnboundedReceiver<ClusterMsg>,
    watch::Watches,
) {
    let client = kube::Client::try_from(sim.client_config()).unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    let st = state(scope);
    let w = watch::start(client, &st.scope, st.generation, tx);
    (st, rx, w)
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
    rx: &mut mpsc::UnboundedReceiver<ClusterMsg>,
    st: &mut AppState,
    what: &str,
    done: impl Fn(&AppState) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !done(st) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(m)) => {
                st.update(Msg::Cluster(m));
                st.refresh();
            }
            _ => panic!(
                "timed out waiting for {what}; conn {:?}, pods {}, error {:?}",
                st.conn,
                st.pods.len(),
                st.pods_error
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
        s.pods_error.is_some()
    })
    .await;
    assert_eq!(
        st.pods_error.as_deref(),
        Some(
            "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" in the namespace \"load-001\""
        )
    );
    until(&mut rx, &mut st, "namespaces for the picker", |s| {
        s.namespaces.len() == 3
    })
    .await;
    assert_eq!(
        st.conn,
        Conn::Connected,
        "a 403 is an answer, not a lost connection"
    );
    // Once allowed again, the backoff retry lists the pods and clears the error.
    sim.state().faults.set_forbidden("pods", false);
    until(&mut rx, &mut st, "pods after the 403 is lifted", |s| {
        s.pods.len() == 10
    })
    .await;
    assert_eq!(st.pods_error, None);
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
        s.rows.len() == 40 && s.conn == Conn::Connected
    })
    .await;

    sim.stop().await;
    until(&mut rx, &mut st, "reconnecting", |s| {
        matches!(s.conn, Conn::Reconnecting { .. })
    })
    .await;
    assert_eq!(
        st.rows.len(),
        40,
        "what was known stays on screen while reconnecting"
    );

    // Something changes while the server is down; the watch must catch up after the restart.
    let base = jiff::Timestamp::now();
    let extra = kdoc::sim::scenario::build::pod(base, "load-000", "late-arrival", 0)
        .container(kdoc::sim::scenario::build::c("app", "busybox"))
        .build();
    sim.state().store.upsert(extra).unwrap();
    sim.restart().await.unwrap();
    until(&mut rx, &mut st, "connected again with the new pod", |s| {
        s.conn == Conn::Connected && s.rows.len() == 41
    })
    .await;
    let mut names: Vec<_> = st
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
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut st = state(Scope::All);
    let w = watch::start(client.clone(), &st.scope, st.generation, tx.clone());
    until(&mut rx, &mut st, "all pods", |s| s.rows.len() == 20).await;
    let effects = st.switch_scope(Scope::Namespace("load-001".into()));
    assert_eq!(
        effects,
        [kdoc::core::state::Effect::Watch(Scope::Namespace(
            "load-001".into()
        ))]
    );
    drop(w);
    let _w = watch::start(client, &st.scope, st.generation, tx);
    until(&mut rx, &mut st, "one namespace", |s| {
        s.rows.len() == 10 && s.conn == Conn::Connected
    })
    .await;
    assert!(st.rows.iter().all(|r| r.namespace == "load-001"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_kinds_the_cluster_lacks_say_not_installed_once() {
    use kdoc::core::state::CrdState;
    use kdoc::core::workflows::WfKind;
    let sim =
        common::start(kdoc::sim::scenario::builtin("mlops", &LoadSpec::default()).unwrap()).await;
    sim.state().store.remove_group("tekton.dev");
    let (mut st, mut rx, _w) = watching(&sim, Scope::All);
    until(&mut rx, &mut st, "argo listed and tekton missing", |s| {
        s.crds.get(&WfKind::Tekton) == Some(&CrdState::NotInstalled)
            && s.crds.get(&WfKind::Argo) == Some(&CrdState::Installed)
    })
    .await;
    assert_eq!(
        st.wf_rows.len(),
        1,
        "only iris-demo: {:?}",
        st.wf_rows.iter().map(|r| &r.key).collect::<Vec<_>>()
    );
    // No error loop: nothing more arrives about the missing kind.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while let Ok(Some(m)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        assert!(
            !matches!(
                m.event,
                kdoc::core::cluster_event::ClusterEvent::CrdMissing(_)
                    | kdoc::core::cluster_event::ClusterEvent::WorkflowsError(..)
            ),
            "unexpected {:?}",
            m.event
        );
    }
}
