//! The port-forward dialog and the forwards pane as drawn (TestBackend + insta), through the
//! reducer on the `mlops` scenario at a fixed moment: the ports a service offers (iris-default
//! has 8000 and 5001, not 8080) and what kubectl would refuse; `:pf` with forwards in each
//! state their reports put them in.

mod common;

use common::ui::{mlops_workflows_state, screen};
use kdoc::core::actions::Action;
use kdoc::core::cluster_event::ClusterMsg;
use kdoc::core::effect::EffectKind;
use kdoc::core::effect::EffectResult;
use kdoc::core::forward::{ForwardEvent, ForwardState, HttpAnswer};
use kdoc::core::panes::forward_dialog::ForwardDialog;
use kdoc::core::state::{AppState, Msg};

fn dialog_on(s: &mut AppState, filter: &str) {
    s.update(Msg::Command("svc".into()));
    s.update(Msg::Action(Action::Filter));
    s.update(Msg::PromptText(filter.into()));
    s.update(Msg::Action(Action::Select));
    s.update(Msg::Action(Action::PortForward));
}

#[test]
fn dialog_of_the_mlflow_service() {
    let mut s = mlops_workflows_state();
    dialog_on(&mut s, "^mlflow/mlflow ");
    assert_eq!(s.top().name(), "port-forward");
    let d = s.find::<ForwardDialog>().unwrap();
    assert_eq!(d.rows.iter().map(|r| r.port).collect::<Vec<_>>(), [5000]);
    insta::assert_snapshot!(screen(&s, 120, 30));
}

#[test]
fn iris_default_offers_8000_and_5001_and_says_why_not_now() {
    let mut s = mlops_workflows_state();
    dialog_on(&mut s, "^argowf/iris-default ");
    let d = s.find::<ForwardDialog>().unwrap();
    assert_eq!(
        d.rows.iter().map(|r| r.port).collect::<Vec<_>>(),
        [8000, 5001]
    );
    // At the scenario's start its pod cannot pull its image: kubectl's refusal, nothing starts.
    let effects = s.update(Msg::Action(Action::Select));
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e.kind, EffectKind::Forward(_)))
    );
    insta::assert_snapshot!(screen(&s, 120, 30));
}

#[test]
fn forwards_pane_in_every_state() {
    let mut s = mlops_workflows_state();
    let mut ids = vec![];
    for words in [
        "pf svc/mlflow 5000 -n mlflow",
        "pf isvc/iris-model 8080 -n user-example-com",
        "pf pod/mlflow-7d9c6b8f45-w2x8q 15000:5000 -n mlflow",
    ] {
        let effects = s.update(Msg::Command(words.into()));
        let id = effects
            .iter()
            .find_map(|e| matches!(e.kind, EffectKind::Forward(_)).then_some(e.id))
            .unwrap_or_else(|| panic!("{words} starts a forward: {:?}", s.message));
        ids.push(id);
    }
    assert_eq!(s.top().name(), "forwards");
    let report = |s: &mut AppState, id, event| {
        s.update(Msg::Cluster(ClusterMsg::Forward { id, event }));
    };
    report(
        &mut s,
        ids[0],
        ForwardEvent::Listening {
            local: "127.0.0.1:5000".into(),
            remote: 5000,
        },
    );
    report(
        &mut s,
        ids[0],
        ForwardEvent::State(ForwardState::Active {
            pod: "mlflow-7d9c6b8f45-w2x8q".into(),
            remote: 5000,
        }),
    );
    report(
        &mut s,
        ids[0],
        ForwardEvent::Traffic {
            open: 1,
            total: 3,
            bytes_out: 1234,
            bytes_in: 56789,
        },
    );
    report(
        &mut s,
        ids[1],
        ForwardEvent::Listening {
            local: "127.0.0.1:8080".into(),
            remote: 8080,
        },
    );
    report(
        &mut s,
        ids[1],
        ForwardEvent::State(ForwardState::Reconnecting {
            attempt: 2,
            error: "pod iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r went away".into(),
        }),
    );
    report(
        &mut s,
        ids[2],
        ForwardEvent::State(ForwardState::Failed(
            "local port 15000 is in use (Address already in use (os error 98)); free: 41234".into(),
        )),
    );
    // An HTTP check through the first one.
    let effects = s.update(Msg::Command("check /health".into()));
    let check = effects
        .iter()
        .find_map(|e| match &e.kind {
            EffectKind::Http(c) => Some((e.id, c.clone())),
            _ => None,
        })
        .expect(":check asks for a request");
    assert_eq!(check.1.base, "http://127.0.0.1:5000");
    assert_eq!(check.1.path, "/health");
    s.update(Msg::Cluster(ClusterMsg::Done {
        id: check.0,
        result: EffectResult::Http(HttpAnswer {
            status: 200,
            latency_ms: 3,
            body_head: "OK".into(),
        }),
    }));
    insta::assert_snapshot!(screen(&s, 120, 24));
    // x stops the selected one: its effect is cancelled and its row goes.
    let effects = s.update(Msg::Action(Action::ForwardStop));
    assert!(effects.iter().any(|e| e.kind == EffectKind::Cancel(ids[0])));
    assert!(!s.cache.forwards.contains_key(&ids[0]));
}

#[test]
fn pf_refuses_what_kubectl_refuses_and_starts_nothing() {
    let mut s = mlops_workflows_state();
    for (words, says) in [
        (
            "pf svc/iris-default 8080 -n argowf",
            "Service iris-default does not have a service port 8080",
        ),
        (
            "pf svc/mlflow 70000 -n mlflow",
            "Service mlflow does not have a service port 70000",
        ),
        (
            "pf svc/mlflow abc -n mlflow",
            "Service 'mlflow' does not have a named port 'abc'",
        ),
        (
            "pf pod/mlflow-7d9c6b8f45-w2x8q 5000 --address not-an-ip -n mlflow",
            "--address not-an-ip",
        ),
        ("pf svc/mlflow 5000", "say which with -n NS"),
        // A SeldonDeployment forwards through its executor's service (whose pod waits here).
        (
            "pf sdep/iris 8000 -n argowf",
            "unable to forward port because pod is not running",
        ),
        (
            "pf sdep/nope 8000 -n argowf",
            "no service of SeldonDeployment nope in argowf",
        ),
    ] {
        let effects = s.update(Msg::Command(words.into()));
        assert!(
            effects
                .iter()
                .all(|e| !matches!(e.kind, EffectKind::Forward(_))),
            "{words} started a forward"
        );
        let m = s
            .message
            .as_ref()
            .map(|m| m.text.to_string())
            .unwrap_or_default();
        assert!(m.contains(says), "{words}: {m:?}");
    }
    assert!(s.cache.forwards.is_empty());
}
