//! The doctor overlay driven by keys, in-process, against the mlops simulator over HTTP: `D`
//! on a pod, findings arriving as the evidence does, enter opening the logs a finding points
//! at; `:doctor -n mlops` and a finding's events; `r` gathering again.

mod common;

use common::app::Harness;
use kdoc::core::panes::doctor::DoctorPane;
use kdoc::core::panes::events::EventsPane;
use kdoc::core::panes::logs::LogsPane;
use kdoc::sim::Sim;
use kdoc::sim::scenario::builtin;
use kdoc::sim::scenario::load::LoadSpec;

const KANIKO: &str = "iris-demo-kaniko-2925953904";

async fn mlops() -> Sim {
    common::start(builtin("mlops", &LoadSpec::default()).expect("the mlops scenario")).await
}

async fn started(sim: &Sim) -> Harness {
    let mut h = Harness::start(sim).await;
    h.wait_for("the mlops pods, connected", |s| {
        s.contains(KANIKO) && s.contains("● connected")
    })
    .await;
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d_on_the_kaniko_pod_finds_the_never_pushed_image_and_enter_opens_its_log() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    h.press("/");
    h.type_text(KANIKO);
    h.press("enter D");
    assert_eq!(h.session.app.state.top().name(), "doctor");
    let s = h
        .wait_until("every piece of evidence", |_, st| {
            st.find::<DoctorPane>().is_some_and(|p| p.done)
        })
        .await;
    assert!(s.contains(&format!("Doctor pod/{KANIKO} [argowf]")), "{s}");
    assert!(
        s.contains("ghcr.io/jtayl222/iris:latest cannot be pulled because the build that makes it never pushed it"),
        "{s}"
    );
    assert!(
        s.contains("Skipping push to container registry due to --no-push flag"),
        "{s}"
    );
    assert!(
        s.contains(&format!("enter: open the logs of {KANIKO}/main")),
        "{s}"
    );
    // Most severe first, selected first: enter opens the build's log.
    h.press("enter");
    assert_eq!(h.session.app.state.top().name(), "logs");
    let p = h
        .session
        .app
        .state
        .find::<LogsPane>()
        .expect("the logs pane");
    assert_eq!(p.target.label(), format!("pod/{KANIKO} -c main"));
    h.wait_text("Skipping push to container registry").await;
    // esc walks back to the findings, still there.
    h.press("esc");
    assert_eq!(h.session.app.state.top().name(), "doctor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mlops_triage_and_the_events_of_the_pod_that_does_not_fit() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    h.press(":");
    h.type_text("doctor -n mlops");
    h.press("enter");
    let s = h
        .wait_until("the triage", |_, st| {
            st.find::<DoctorPane>().is_some_and(|p| p.done)
        })
        .await;
    assert!(s.contains("Doctor namespace/mlops"), "{s}");
    for want in [
        "is crash-looping",
        "Insufficient cpu",
        "configmap iris-src not found",
        "OOMKilled",
    ] {
        assert!(s.contains(want), "{want:?} missing:\n{s}");
    }
    // Walk to the scheduling finding and open its events.
    let at = {
        let p = h.session.app.state.find::<DoctorPane>().unwrap();
        p.findings
            .iter()
            .position(|f| f.id == "status.pending")
            .expect("a pending finding")
    };
    for _ in 0..at {
        h.press("j");
    }
    h.press("enter");
    assert_eq!(h.session.app.state.top().name(), "events");
    let e = h.session.app.state.find::<EventsPane>().unwrap();
    assert!(
        e.rows
            .iter()
            .any(|r| r.reason.as_str() == "FailedScheduling")
    );
    let s = h.screen();
    assert!(s.contains("FailedScheduling"), "{s}");
    assert!(s.contains("Insufficient cpu"), "{s}");
    // r on the doctor gathers again, and the findings come back.
    h.press("esc r");
    h.wait_until("the triage again", |_, st| {
        st.find::<DoctorPane>()
            .is_some_and(|p| p.done && p.findings.iter().any(|f| f.id == "status.pending"))
    })
    .await;
}

/// A bad user rule file shows in the overlay as a warning naming the file and line; the
/// built-in rules still run.
#[test]
fn a_bad_rule_file_is_a_finding_in_the_overlay() {
    use kdoc::core::effect::EffectId;
    use kdoc::core::pane::Pane;
    use kdoc::doctor::pack::LazyRules;
    use kdoc::doctor::{Piece, Subject, SubjectKind};
    let rules = LazyRules::new(
        vec![(
            "/home/me/.config/kdoc/rules/mine.toml".into(),
            "[[rule]]\nid = \"mine.x\"\ntitle = \"x\"\nregex = \"(\"\nseverity = \"error\"\n"
                .into(),
        )],
        vec![],
    );
    let mut p = DoctorPane::new(
        Subject::new(SubjectKind::Namespace, "mlops", ""),
        std::sync::Arc::new(rules),
    );
    let mut next: EffectId = 7;
    let effects = p.take_effects(&mut next);
    assert_eq!(effects.len(), 1);
    assert!(p.on_doctor(7, &Piece::Done));
    let cache = kdoc::core::cache::Cache::new("c", "c", vec![], kdoc::core::state::Scope::All);
    p.refresh(&cache, jiff::Timestamp::now());
    let f = p
        .findings
        .iter()
        .find(|f| f.id == "doctor.rule-file")
        .expect("the bad file is reported");
    assert!(
        f.title
            .starts_with("/home/me/.config/kdoc/rules/mine.toml:4: "),
        "{}",
        f.title
    );
    assert!(f.title.contains("mine.x"), "{}", f.title);
}
