//! Port-forwards driven by keys, in-process, against the mlops simulator over HTTP: F on a
//! service, the dialog's port, the forward active in `:pf`, an HTTP check through it, `x` to
//! stop; MLflow's 5000 and `/health`; iris-default's 8000 once its pod runs.

mod common;

use common::app::Harness;
use kdoc::core::forward::ForwardState;
use kdoc::core::panes::forward_dialog::ForwardDialog;
use kdoc::sim::Sim;

async fn services(sim: &Sim, filter: &str) -> Harness {
    let mut h = Harness::start(sim).await;
    h.wait_for("connected", |s| s.contains("● connected")).await;
    h.press(":");
    h.type_text("svc");
    h.press("enter");
    h.wait_for("the services", |s| s.contains("iris-default"))
        .await;
    h.press("/");
    h.type_text(filter);
    h.press("enter");
    h
}

async fn wait_active(h: &mut Harness) -> String {
    h.wait_until("the forward active", |_, st| {
        st.cache
            .forwards
            .values()
            .any(|f| matches!(f.state, ForwardState::Active { .. }))
    })
    .await
}

/// The body of the last HTTP check that got an answer.
fn check_body(h: &Harness) -> Option<String> {
    h.session
        .app
        .state
        .cache
        .forwards
        .values()
        .find_map(|f| match &f.check {
            Some((_, Ok(a))) => Some(a.body_head.clone()),
            _ => None,
        })
}

fn active(h: &Harness) -> bool {
    h.session
        .app
        .state
        .cache
        .forwards
        .values()
        .any(|f| matches!(f.state, ForwardState::Active { .. }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mlflow_5000_from_the_services_pane_then_health_then_stop() {
    let sim = common::mlops(1.0).await;
    let mut h = services(&sim, "^mlflow/mlflow ").await;
    h.press("F");
    assert_eq!(h.session.app.state.top().name(), "port-forward");
    let d = h.session.app.state.find::<ForwardDialog>().unwrap();
    assert_eq!(d.rows.iter().map(|r| r.port).collect::<Vec<_>>(), [5000]);
    // 5000 may be taken on this machine: edit the command to any free local port instead.
    h.press("e");
    h.press("ctrl-u");
    h.type_text("pf svc/mlflow 0:5000 -n mlflow");
    h.press("enter");
    assert_eq!(h.session.app.state.top().name(), "forwards");
    let s = wait_active(&mut h).await;
    assert!(s.contains("svc/mlflow"), "{s}");
    assert!(s.contains("active: pod/mlflow-"), "{s}");
    h.press(":");
    h.type_text("check /health");
    h.press("enter");
    let s = h
        .wait_for("the check's answer", |s| s.contains("/health 200"))
        .await;
    assert!(s.contains("OK"), "the body's first bytes:\n{s}");
    h.press("x");
    assert!(h.session.app.state.cache.forwards.is_empty());
}

/// iris-default: 8000 and 5001 are offered, 8080 is not; once its pod pulls its image (the
/// scenario makes the package public at 45 s, here 4 times faster) 8000 forwards, and the
/// Seldon executor answers through it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iris_default_8000_once_its_pod_runs() {
    let sim = common::mlops(4.0).await;
    let mut h = services(&sim, "^argowf/iris-default ").await;
    h.press("F");
    let d = h.session.app.state.find::<ForwardDialog>().unwrap();
    assert_eq!(
        d.rows.iter().map(|r| r.port).collect::<Vec<_>>(),
        [8000, 5001]
    );
    h.wait_until("the pod running (no refusal left)", |_, st| {
        st.find::<ForwardDialog>()
            .is_some_and(|d| d.problem.is_none() && d.rows.iter().all(|r| r.refused.is_none()))
    })
    .await;
    h.press("e");
    h.press("ctrl-u");
    h.type_text("pf svc/iris-default 0:8000 -n argowf");
    h.press("enter");
    wait_active(&mut h).await;
    assert!(active(&h));
    h.press(":");
    h.type_text("check /ready");
    h.press("enter");
    let s = h
        .wait_for("the executor's answer", |s| s.contains("/ready 200"))
        .await;
    let body = check_body(&h);
    assert_eq!(body.as_deref(), Some("ok"), "{s}");
}

/// Runbook 000's prediction request through a forward to iris-default's 8000 (the Seldon
/// executor's REST port), as `:check POST PATH BODY`: the runbook's JSON comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runbooks_prediction_through_a_forward() {
    let sim = common::mlops(4.0).await;
    let mut h = Harness::start(&sim).await;
    h.wait_for("connected", |s| s.contains("● connected")).await;
    // The classifier's pod runs once its image can be pulled (45 s of scenario time).
    h.wait_until("the classifier pod running", |_, st| {
        st.cache.pods.values().any(|p| {
            p.row
                .name
                .as_str()
                .starts_with("iris-default-0-classifier-")
                && p.row.status.as_str() == "Running"
        })
    })
    .await;
    h.press(":");
    h.type_text("pf svc/iris-default 0:8000 -n argowf");
    h.press("enter");
    wait_active(&mut h).await;
    h.press(":");
    h.type_text(
        r#"check POST /api/v1.0/predictions {"data": {"ndarray": [[5.1, 3.5, 1.4, 0.2]]}}"#,
    );
    h.press("enter");
    h.wait_for("the prediction", |s| {
        s.contains("POST /api/v1.0/predictions 200")
    })
    .await;
    let body = check_body(&h).unwrap();
    assert_eq!(
        body,
        r#"{"data":{"names":["t:0","t:1","t:2"],"ndarray":[[0.0,0.0,1.0]]},"meta":{}}"#
    );
}
