//! `--readonly` audited from the cluster's side: the simulator keeps every request it gets, so
//! with read-only on, kdoc driven through every key of every layer of the default keymap, in
//! every pane it can reach, plus `:pf` and `:doctor`, must have sent nothing that writes (no
//! POST, PUT, PATCH or DELETE) and never reached into a pod (no portforward, exec or attach).
//! A control run without read-only shows `:pf` does reach the log, so the audit can fail.

mod common;

use std::time::Duration;

use common::app::{self, Harness, key, target};
use kdoc::app::model::AppMsg;
use kdoc::config::keymap::{Keymap, LAYERS};
use kdoc::core::cluster_event::ClusterMsg;
use kdoc::core::effect::{Effect, EffectKind};
use kdoc::core::forward::{ForwardEvent, ForwardRequest, ForwardState, ForwardTarget};
use kdoc::core::panes::doctor::DoctorPane;
use kdoc::core::state::{READONLY_FORWARDS, Scope};
use kdoc::sim::Sim;
use kdoc::sim::state::RequestRecord;

const REFUSAL: &str = "read-only: port-forwards are off";

async fn harness(sim: &Sim, readonly: bool) -> Harness {
    let mut opts = app::options(
        target(&sim.kubeconfig(), None).await,
        Keymap::builtin(),
        Scope::All,
    );
    opts.readonly = readonly;
    let mut h = Harness::with_options(opts);
    h.wait_for("connected with the pods", |s| {
        s.contains("● connected") && s.contains("mlflow-")
    })
    .await;
    h
}

/// Press one key as the app would, running its effects except the two that are not the
/// cluster's: a clipboard write (it would land on the test's own terminal) and a saved file
/// (it would land in the crate's folder).
fn press(h: &mut Harness, k: &str) {
    for part in k.split_whitespace() {
        let effects = h.session.app.update(AppMsg::Key(key(part)));
        let run: Vec<Effect> = effects
            .into_iter()
            .filter(|e| !matches!(e.kind, EffectKind::Copy(_) | EffectKind::WriteFile { .. }))
            .collect();
        kdoc::app::run_effects(&h.session.runner, run);
    }
    h.drain();
}

fn command(h: &mut Harness, line: &str) {
    h.press(":");
    h.type_text(line);
    h.press("enter");
    h.drain();
}

/// Back to the pods pane with nothing typed and no filter: esc until only the root pane is
/// left (a pane's own esc may first clear its find), then once more to clear its filter.
fn home(h: &mut Harness) {
    for _ in 0..20 {
        if h.session.app.state.panes().len() == 1 && h.session.app.state.prompt.is_none() {
            break;
        }
        h.press("esc");
    }
    h.press("esc");
    h.drain();
}

/// The panes to visit: (what, how to get there from the pods pane, the pane then on top).
/// A filter first puts the MLflow pod (with a port, logs and a service) under the cursor.
const PANES: &[(&str, &str, &str)] = &[
    ("pods", "", "pods"),
    ("containers", "/^mlflow/mlflow- enter enter", "containers"),
    ("logs", "/^mlflow/mlflow- enter l", "logs"),
    ("doctor", "/^mlflow/mlflow- enter D", "doctor"),
    ("yaml", "/^mlflow/mlflow- enter y", "yaml"),
    ("describe", "/^mlflow/mlflow- enter d", "describe"),
    ("events", "/^mlflow/mlflow- enter E", "events"),
    ("services", ":svc enter", "services"),
    ("service logs", ":svc enter /^mlflow/mlflow enter l", "logs"),
    ("workflows", "w", "workflows"),
    ("steps", "w enter", "steps"),
    ("kinds", ":deploy enter", "kinds"),
    ("forwards", "f", "forwards"),
    ("help", "?", "help"),
    ("picker", "n", "picker"),
    ("namespace events", ":events enter", "events"),
];

/// Reach a pane: keys, with `/text` and `:text` typed into the prompt they open.
async fn reach(h: &mut Harness, how: &str) {
    home(h);
    // A key pressed in the last pane may have started the watches again (`A`, `ctrl-r`, a
    // namespace): the filter below needs the pods back first.
    h.wait_for("connected with the pods again", |s| {
        s.contains("● connected") && s.contains("mlflow-")
    })
    .await;
    for w in how.split_whitespace() {
        match w.chars().next() {
            Some(c @ ('/' | ':')) if w.len() > 1 => {
                h.press(&c.to_string());
                h.type_text(&w[1..]);
            }
            _ => press(h, w),
        }
    }
    h.drain();
}

fn writes(log: &[RequestRecord]) -> Vec<&RequestRecord> {
    log.iter()
        .filter(|r| {
            r.mutating()
                || matches!(r.subresource(), Some("portforward" | "exec" | "attach"))
                || r.upgrade.is_some()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_sends_nothing_that_writes_whatever_keys_are_pressed() {
    let sim = common::mlops(1.0).await;
    let mut h = harness(&sim, true).await;
    assert!(h.screen().contains("[readonly]"));
    let keymap = Keymap::builtin();
    let mut keys: Vec<String> = vec![];
    for layer in LAYERS {
        for (k, _) in keymap.bindings(layer) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    assert!(keys.len() > 40, "the default keymap's keys: {keys:?}");

    // F and :pf refuse, saying why.
    reach(&mut h, "/^mlflow/mlflow- enter").await;
    press(&mut h, "F");
    let s = h.screen();
    assert!(s.contains(REFUSAL), "F refuses:\n{s}");
    assert_ne!(h.session.app.state.top().name(), "port-forward");
    for line in [
        "pf svc/mlflow 5000",
        "pf svc/mlflow 0:5000 -n mlflow",
        "pf @anything",
    ] {
        home(&mut h);
        command(&mut h, line);
        let s = h.screen();
        assert!(s.contains(REFUSAL), ":{line} refuses:\n{s}");
    }

    // The doctor on MLflow's service would probe port 5000 through a port-forward.
    home(&mut h);
    command(&mut h, "doctor svc/mlflow -n mlflow");
    let s = h
        .wait_until("the doctor done", |_, st| {
            st.find::<DoctorPane>().is_some_and(|d| d.done)
        })
        .await;
    assert!(s.contains("port probe skipped (read-only)"), "{s}");
    home(&mut h);
    command(&mut h, "doctor");

    // Every key of every layer, in every pane, each from a fresh arrival in the pane (a key
    // may leave it). The keys that only make sense in one layer are harmless elsewhere.
    for (what, how, top) in PANES {
        reach(&mut h, how).await;
        let name = h.session.app.state.top().name();
        if name != *top {
            panic!(
                "reaching the {what} pane with {how:?}: {name} is on top\n{}",
                h.screen()
            );
        }
        for k in &keys {
            if h.session.app.state.top().name() != *top || h.session.app.state.prompt.is_some() {
                reach(&mut h, how).await;
            }
            press(&mut h, k);
        }
    }
    // The prompt's own keys ([input]), and lines that would forward.
    for k in keymap.bindings("input").iter().map(|(k, _)| k) {
        home(&mut h);
        h.press(":");
        h.type_text("pf svc/mlflow 0:5000 -n mlflow");
        press(&mut h, k);
    }

    // The reducer started nothing; whatever was asked is answered (or not) by now.
    assert!(h.session.app.state.cache.forwards.is_empty());
    // Give effects still in the runner a moment to reach the simulator (not a timing
    // assertion: a late write would only be missed, never invented).
    tokio::time::sleep(Duration::from_secs(1)).await;
    h.drain();
    let log = sim.state().requests_log();
    let bad = writes(&log);
    assert!(
        bad.is_empty(),
        "read-only kdoc sent {} request(s) that write or reach into a pod: {bad:#?}",
        bad.len()
    );
    assert!(
        log.iter()
            .any(|r| r.method == "GET" && r.path.contains("/log")),
        "the audit saw the app at work (logs read)"
    );
}

/// The effect runner refuses a forward in read-only even if the reducer were to ask.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_refuses_a_forward_in_readonly() {
    let sim = common::mlops(1.0).await;
    let mut h = harness(&sim, true).await;
    h.session.runner.run(Effect {
        id: 9_999,
        kind: EffectKind::Forward(ForwardRequest {
            namespace: "mlflow".into(),
            target: ForwardTarget::Service("mlflow".into()),
            spec: "0:5000".into(),
            address: "127.0.0.1".into(),
            or_free: false,
        }),
    });
    let refused = common::within(
        common::CALL_TIMEOUT,
        "the runner's answer to a forward",
        async {
            loop {
                match h.session.rx.recv().await {
                    Some(ClusterMsg::Forward {
                        id: 9_999,
                        event: ForwardEvent::State(ForwardState::Failed(why)),
                    }) => return why,
                    Some(_) => {}
                    None => panic!("the runner's channel closed"),
                }
            }
        },
    )
    .await;
    assert_eq!(refused, READONLY_FORWARDS);
    let bad: Vec<_> = sim
        .state()
        .requests_log()
        .into_iter()
        .filter(|r| r.subresource() == Some("portforward"))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The control: without read-only the same `:pf` reaches the simulator as a port-forward, so
/// the audit above would see one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_readonly_pf_does_reach_the_cluster() {
    let sim = common::mlops(1.0).await;
    let mut h = harness(&sim, false).await;
    command(&mut h, "pf svc/mlflow 0:5000 -n mlflow");
    assert_eq!(h.session.app.state.top().name(), "forwards");
    h.wait_until("the forward active", |_, st| {
        st.cache
            .forwards
            .values()
            .any(|f| matches!(f.state, ForwardState::Active { .. }))
    })
    .await;
    // kdoc connects to the pod once a client connects to the local port; make one.
    let url = h
        .session
        .app
        .state
        .cache
        .forwards
        .values()
        .find_map(|f| f.url())
        .expect("an active forward has a URL");
    let addr = url.trim_start_matches("http://").to_string();
    let _conn = common::within(
        common::CALL_TIMEOUT,
        "connecting to the forward",
        tokio::net::TcpStream::connect(addr),
    )
    .await
    .expect("the forward listens");
    common::wait_until(
        common::CALL_TIMEOUT,
        "a portforward request in the simulator's log",
        || {
            sim.state()
                .requests_log()
                .iter()
                .any(|r| r.subresource() == Some("portforward"))
        },
    )
    .await;
    assert!(!writes(&sim.state().requests_log()).is_empty());
}
