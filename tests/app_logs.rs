//! The logs pane driven by keys, in-process, against the mlops simulator over HTTP: a
//! workflow's steps, a KServe pod's four containers, presets, pause and resume, a container
//! the pod does not have.

mod common;

use common::app::Harness;
use kdoc::app::model::AppMsg;
use kdoc::core::effect::{Effect, EffectKind};
use kdoc::core::log_sources::{LogTarget, Pick};
use kdoc::core::panes::logs::{LogsPane, StreamState};
use kdoc::core::state::Msg;
use kdoc::sim::scenario::builtin;
use kdoc::sim::scenario::load::LoadSpec;
use kdoc::sim::{Sim, SimConfig};

const KANIKO: &str = "iris-demo-kaniko-2925953904";
const ISVC_POD: &str = "iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r";

async fn mlops() -> Sim {
    common::start(builtin("mlops", &LoadSpec::default()).expect("the mlops scenario")).await
}

/// The mlops scenario four times faster, for what happens 10-30 scenario seconds in.
async fn fast_mlops() -> Sim {
    common::start_with(SimConfig {
        scenario: builtin("mlops", &LoadSpec::default()).expect("the mlops scenario"),
        speed: 4.0,
        ..SimConfig::default()
    })
    .await
}

async fn started(sim: &Sim) -> Harness {
    let mut h = Harness::start(sim).await;
    h.wait_for("the mlops pods, connected", |s| {
        s.contains(KANIKO) && s.contains("● connected")
    })
    .await;
    h
}

fn logs(h: &Harness) -> &LogsPane {
    h.session
        .app
        .state
        .find::<LogsPane>()
        .expect("the logs pane is open")
}

/// Filter the current pane down to `text` and open the logs of what is selected.
fn open_logs(h: &mut Harness, filter: &str) {
    h.press("/");
    h.type_text(filter);
    h.press("enter l");
    assert_eq!(h.session.app.state.top().name(), "logs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflows_steps_arrive_with_their_prefixes_presets_find_no_push_and_a_line_copies() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    h.press("w");
    h.wait_text("iris-demo").await;
    open_logs(&mut h, "iris-demo");
    let s = h
        .wait_until("every step's main container, to its end", |_, st| {
            st.find::<LogsPane>().is_some_and(|p| {
                p.streams.len() == 3
                    && p.streams
                        .values()
                        .all(|s| matches!(s.state, StreamState::Ended(_)))
            })
        })
        .await;
    let text: Vec<String> = logs(&h).buf.iter().map(|l| l.text.text.clone()).collect();
    let at = |needle: &str| {
        text.iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not among the lines: {text:#?}"))
    };
    // Step order here because the three logs were read at once and the steps had ended:
    // what matters is that every step's lines are there, each in its own order.
    assert!(at("Loading iris dataset") < at("Model saved to"));
    assert!(at("Retrieving image manifest") < at("Skipping push"));
    at("seldondeployment.machinelearning.seldon.io/iris created");
    // Each line carries its pod/container, in step order.
    assert!(s.contains(&format!("{KANIKO}/main")), "{s}");
    let p = logs(&h);
    assert_eq!(
        p.streams.len(),
        3,
        "train, kaniko, deploy: their main containers"
    );
    assert!(p.order.iter().all(|k| k.2 == "main"));
    // The push preset is one key (runbook 003's `grep push`, runbook 000's `grep no-push`).
    h.press("P");
    let s = h
        .wait_for("only push lines", |s| s.contains("--no-push flag"))
        .await;
    assert!(!s.contains("Loading iris dataset"), "filtered out:\n{s}");
    assert!(s.contains("filter /@push"), "the title says so:\n{s}");
    // The errors preset (runbook 000's `grep -i "error\\|failed\\|warning"`, and the doctor's
    // failure signatures): no line here says error, yet the --no-push line is the one wrong.
    h.press("E");
    let s = h
        .wait_for("the errors preset", |s| {
            s.contains("filter /@errors") && s.contains("--no-push flag")
        })
        .await;
    assert!(!s.contains("Loading iris dataset"), "filtered out:\n{s}");
    assert!(!s.contains("Taking snapshot"), "filtered out:\n{s}");
    // Copy a line (OSC 52): the newest while following; `k` pauses on the line above it.
    h.press("E");
    h.press("/");
    h.type_text("skipping push|snapshotting");
    h.press("enter");
    h.wait_for("two kaniko lines", |s| s.contains("skipping snapshotting"))
        .await;
    let copied = |fx: Vec<Effect>| -> Vec<String> {
        fx.into_iter()
            .filter_map(|e| match e.kind {
                EffectKind::Copy(t) => Some(t),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        copied(h.press_effects("c")),
        ["INFO[0077] Skipping push to container registry due to --no-push flag"]
    );
    assert_eq!(
        copied(h.press_effects("k c")),
        ["INFO[0075] No files changed in this command, skipping snapshotting."]
    );
    assert!(!logs(&h).follow, "moving the cursor up pauses");
    h.press("G");
    assert!(logs(&h).follow, "the bottom follows again");
    // esc clears the filter first (as in k9s); the next esc would go back.
    h.press("esc");
    h.wait_for("no filter", |s| {
        s.contains("following") && !s.contains("filter /")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kserve_pods_containers_each_say_what_went_wrong() {
    // Four times faster: the pod's containers start 21 scenario seconds in.
    let sim = fast_mlops().await;
    let mut h = started(&sim).await;
    open_logs(&mut h, "iris-model-predictor");
    h.press("E w");
    let s = h
        .wait_for("the storage-initializer and istio-proxy failures", |s| {
            s.contains("NoCredentialsError") && s.contains("i/o timeout")
        })
        .await;
    let line = |needle: &str| {
        s.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("NoCredentialsError").contains("storage-initializer"),
        "under storage-initializer:\n{s}"
    );
    // Wrapped: the timeout is on a continuation line; its first line names istio-proxy.
    assert!(
        line("failed to sign").contains("istio-proxy"),
        "under istio-proxy:\n{s}"
    );
    let p = logs(&h);
    let names: Vec<&str> = p.order.iter().map(|k| k.2.as_str()).collect();
    assert!(
        names.contains(&"storage-initializer") && names.contains(&"istio-proxy"),
        "{names:?}"
    );
    assert_eq!(p.target.namespace(), "user-example-com");
    assert!(p.order.iter().all(|k| k.1 == ISVC_POD));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pausing_keeps_receiving_and_counts_what_arrived() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    // mlflow's server logs a line every few seconds (a generated, live log).
    open_logs(&mut h, "mlflow-");
    h.wait_for("the mlflow log streaming", |s| s.contains("streaming"))
        .await;
    h.press("space");
    // The first tail may still be arriving: the title counts whatever came after the pause.
    let s = h.screen();
    let n = h
        .session
        .app
        .state
        .find::<LogsPane>()
        .map_or(0, |p| p.arrived_while_paused());
    assert!(s.contains(&format!("paused, {n} new")), "{s}");
    let s = h
        .wait_until("lines arriving while paused", |_, st| {
            st.find::<LogsPane>()
                .is_some_and(|p| p.arrived_while_paused() > 0)
        })
        .await;
    assert!(s.contains("paused, "), "{s}");
    h.press("space");
    let s = h.screen();
    assert!(s.contains("following"), "{s}");
    assert_eq!(logs(&h).arrived_while_paused(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_a_pod_lacks_fails_with_the_apis_words_and_the_others_go_on() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    // `main` in every argowf pod named iris-*: the three workflow steps have one, the Seldon
    // pod does not (kubectl logs -c main would say why; so does its stream).
    h.session
        .send(AppMsg::Core(Msg::OpenLogs(LogTarget::Matching {
            ns: "argowf".into(),
            pattern: regex::Regex::new("^iris-").unwrap(),
            pick: Pick::Named("main".into()),
        })));
    let s = h
        .wait_until(
            "the Seldon pod's stream fails, the steps' stream",
            |_, st| {
                st.find::<LogsPane>().is_some_and(|p| {
                    let failed = p
                        .streams
                        .values()
                        .filter(|s| matches!(s.state, StreamState::Failed(_)))
                        .count();
                    failed == 1 && p.buf.len() > 20
                })
            },
        )
        .await;
    let p = logs(&h);
    let failed: Vec<String> = p
        .streams
        .values()
        .filter_map(|s| match &s.state {
            StreamState::Failed(m) => Some(m.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        ["container main is not valid for pod iris-default-0-classifier-85d56cc6b6-qsjpr"],
        "the API's message, verbatim"
    );
    // On screen whole (the state line wraps rather than cut it).
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("container main is not valid for pod"), "{s}");
    assert!(
        s.contains("Skipping push"),
        "the other streams went on:\n{s}"
    );
    // Runbook 000's own mistake: `-c kaniko` on the Argo step (its build runs in `main`).
    h.press("esc :");
    h.type_text(&format!("logs pod/{KANIKO} -c kaniko -n argowf"));
    h.press("enter");
    h.wait_until("the API's refusal in the stream's state", |_, st| {
        st.find::<LogsPane>().is_some_and(|p| {
            p.streams.values().any(|s| {
                s.state
                    == StreamState::Failed(format!(
                        "container kaniko is not valid for pod {KANIKO}"
                    ))
            })
        })
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_writes_the_lines_shown_and_a_bad_path_is_named_with_the_os_error() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    h.press("w");
    h.wait_text("iris-demo").await;
    open_logs(&mut h, "iris-demo");
    h.wait_until("the three steps' logs", |_, st| {
        st.find::<LogsPane>().is_some_and(|p| {
            p.streams
                .values()
                .all(|s| matches!(s.state, StreamState::Ended(_)))
        })
    })
    .await;
    h.press("P");
    // What ctrl-s asks for: a file with the filtered lines, each with its source.
    let effects = h
        .session
        .app
        .update(AppMsg::Key(common::app::key("ctrl-s")));
    let (save_id, path, contents) = effects
        .iter()
        .find_map(|e| match &e.kind {
            EffectKind::WriteFile { path, contents } => {
                Some((e.id, path.clone(), contents.clone()))
            }
            _ => None,
        })
        .expect("a file to write");
    assert!(
        path.starts_with("kdoc-logs-workflow_iris-demo-") && path.ends_with(".log"),
        "{path}"
    );
    let text = String::from_utf8(contents.clone()).unwrap();
    assert_eq!(text.lines().count(), 4, "the four push lines:\n{text}");
    assert!(text.contains("iris-demo-kaniko-2925953904/main "), "{text}");
    assert!(text.contains("--no-push flag"), "{text}");
    // Written by the app; a path that cannot be written is named, with the OS's reason.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("saved.log").display().to_string();
    let bad = dir
        .path()
        .join("missing/dir/saved.log")
        .display()
        .to_string();
    let write = |h: &Harness, id, p: &str| {
        kdoc::app::run_effects(
            &h.session.runner,
            vec![Effect {
                id,
                kind: EffectKind::WriteFile {
                    path: p.to_string(),
                    contents: contents.clone(),
                },
            }],
        );
    };
    // The save's own id for the failing write: its answer is the one the app waits for.
    write(&h, save_id, &bad);
    let s = h
        .wait_until("the failed save told", |_, st| {
            st.message
                .as_ref()
                .is_some_and(|m| m.text.contains("cannot save"))
        })
        .await;
    let m = h
        .session
        .app
        .state
        .message
        .as_ref()
        .unwrap()
        .text
        .to_string();
    assert!(
        m.contains(&bad) && m.contains("No such file or directory"),
        "{m}\n{s}"
    );
    write(&h, 9_000_001, &good);
    h.wait_until("the save told", |_, st| {
        st.message
            .as_ref()
            .is_some_and(|m| m.text.contains("saved "))
    })
    .await;
    assert_eq!(std::fs::read(&good).unwrap(), contents);
    assert!(logs(&h).buf.len() > 20, "the buffer is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_container_goes_on_in_the_same_view_after_a_marker() {
    // The feature-server crash-loops; at four times the speed it restarts within seconds.
    let sim = fast_mlops().await;
    let mut h = started(&sim).await;
    open_logs(&mut h, "feature-server");
    h.wait_until(
        "a restart marker, then the new instance's lines",
        |_, st| {
            st.find::<LogsPane>().is_some_and(|p| {
                let lines: Vec<&kdoc::logs::buffer::LogLine> = p.buf.iter().collect();
                lines
                    .iter()
                    .position(|l| {
                        l.kind == kdoc::logs::buffer::LineKind::Marker
                            && l.text.text.contains("restarted")
                    })
                    .is_some_and(|m| m > 0 && m + 1 < lines.len())
            })
        },
    )
    .await;
    let s = h.screen();
    assert!(s.contains("feature-server"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_pretty_print_then_show_their_key_fields() {
    let sim = fast_mlops().await;
    let mut h = started(&sim).await;
    open_logs(&mut h, "iris-model-predictor");
    // queue-proxy logs zap JSON.
    h.press("/");
    h.type_text("queueproxy");
    h.press("enter");
    let s = h
        .wait_for("queue-proxy's JSON lines", |s| {
            s.contains("{\"severity\":\"INFO\"") && s.contains("queue-proxy")
        })
        .await;
    // As they are, the message is past the edge; the summary puts it up front.
    assert!(!s.contains("Starting queue-proxy"), "{s}");
    h.press("J");
    let s = h.screen();
    assert!(s.contains("\"severity\": \"INFO\""), "pretty-printed:\n{s}");
    h.press("J");
    let s = h.screen();
    let line = s
        .lines()
        .find(|l| l.contains("Starting queue-proxy"))
        .unwrap_or_default();
    assert!(
        line.contains("INFO") && !line.contains("{\""),
        "key fields on one line:\n{s}"
    );
    h.press("J");
    assert!(
        h.screen().contains("{\"severity\":\"INFO\""),
        "as they are again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_typed_on_the_command_line_a_service_or_a_label_selector() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    // The service's selector comes from the cache: wait for the services' list.
    h.wait_until("the services listed", |_, st| {
        st.cache
            .services
            .contains_key(&("mlflow".to_string(), "mlflow".to_string()))
    })
    .await;
    h.press(":");
    h.type_text("logs svc/mlflow -n mlflow");
    h.press("enter");
    assert_eq!(h.session.app.state.top().name(), "logs");
    h.wait_until(
        "the mlflow server's log, through the service's selector",
        |_, st| {
            st.find::<LogsPane>()
                .is_some_and(|p| p.target.label() == "svc/mlflow" && !p.buf.is_empty())
        },
    )
    .await;
    h.press("esc");
    // A selector typed in, across namespaces: it must say where.
    h.press(":");
    h.type_text("logs -l app=mlflow");
    h.press("enter");
    let s = h.screen();
    assert!(s.contains("say which with -n NS"), "{s}");
    h.press(":");
    h.type_text("logs -l app=mlflow -n mlflow");
    h.press("enter");
    h.wait_until("the selector's pods", |_, st| {
        st.find::<LogsPane>().is_some_and(|p| !p.streams.is_empty())
    })
    .await;
    // A Deployment, through its pods' ReplicaSet.
    h.press("esc :");
    h.type_text("logs deploy/mlflow -n mlflow");
    h.press("enter");
    h.wait_until("the mlflow deployment's pod", |_, st| {
        st.find::<LogsPane>().is_some_and(|p| {
            p.target.label() == "deploy/mlflow"
                && p.order.iter().any(|k| k.1.starts_with("mlflow-"))
                && !p.buf.is_empty()
        })
    })
    .await;
    // A pod name alone finds its namespace.
    h.press("esc :");
    h.type_text(&format!("logs pod/{KANIKO} -c main"));
    h.press("enter");
    h.wait_until("the kaniko step's main", |_, st| {
        st.find::<LogsPane>()
            .is_some_and(|p| p.target.namespace() == "argowf" && p.buf.len() > 10)
    })
    .await;
}
