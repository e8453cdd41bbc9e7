//! `y`, `d` and `E` driven by keys, in-process, against the simulator over HTTP; the describe
//! view's events checked against what `kubectl describe pod` prints for the same pod.

mod common;

use common::app::Harness;
use common::kubectl::Kubectl;
use kdoc::core::panes::describe::DescribePane;
use kdoc::core::panes::events::EventsPane;
use kdoc::core::panes::yaml::{Load, YamlPane};

const SELDON: &str = "iris-default-0-classifier-85d56cc6b6-qsjpr";

/// (type, reason, message, count) of each event in `kubectl describe`'s Events table.
fn kubectl_events(describe: &str) -> Vec<(String, String, String, i32)> {
    let sep = regex::Regex::new(r"\s{2,}").unwrap();
    let count = regex::Regex::new(r"\(x(\d+) over").unwrap();
    let mut out: Vec<_> = describe
        .lines()
        .skip_while(|l| !l.starts_with("Events:"))
        .skip(3)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = sep.splitn(l.trim(), 5).collect();
            let n = count.captures(f[2]).map_or(1, |c| c[1].parse().unwrap());
            (f[0].to_string(), f[1].to_string(), f[4].to_string(), n)
        })
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_lists_the_events_kubectl_describe_lists() {
    // Slowed down: the back-off counts hold still while both are read.
    let sim = common::mlops(0.01).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let mut h = Harness::start(&sim).await;
    h.wait_for("the seldon pod", |s| s.contains(SELDON)).await;
    h.press("/");
    h.type_text(SELDON);
    h.press("enter d");
    h.wait_until("the describe view with its events", |_, st| {
        st.find::<DescribePane>()
            .is_some_and(|p| p.load == Load::Loaded && p.events.len() >= 5)
    })
    .await;
    let want = kubectl_events(&k.ok(&["describe", "pod", SELDON, "-n", "argowf"]).await);
    assert!(want.len() >= 5, "{want:?}");
    let p = h.session.app.state.find::<DescribePane>().unwrap();
    let mut got: Vec<_> = p
        .events
        .iter()
        .map(|e| {
            (
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
                kdoc::core::describe::event_count(e),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, want);
    // And the text shows them in kubectl's table.
    let text = p.text.lines.join("\n");
    assert!(text.contains("  Type     Reason"), "{text}");
    assert!(text.contains("Error: ImagePullBackOff"), "{text}");
    assert!(
        text.contains(&format!("Name:             {SELDON}")),
        "{text}"
    );
    assert!(
        text.contains("Controlled By:  ReplicaSet/iris-default-0-classifier-85d56cc6b6"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yaml_then_events_of_the_selection_and_of_a_namespace() {
    let sim = common::mlops(1.0).await;
    let mut h = Harness::start(&sim).await;
    h.wait_for("the seldon pod", |s| s.contains(SELDON)).await;
    h.press("/");
    h.type_text(SELDON);
    h.press("enter y");
    let s = h
        .wait_for("the pod's YAML", |s| s.contains("kind: Pod"))
        .await;
    assert!(s.contains(&format!("name: {SELDON}")), "{s}");
    // Search: the line with the image it cannot pull.
    h.press("/");
    h.type_text("ghcr.io/jtayl222");
    h.press("enter");
    let p = h.session.app.state.find::<YamlPane>().unwrap();
    assert!(!p.text.matches.is_empty());
    assert!(p.text.lines[p.text.top].contains("ghcr.io/jtayl222/iris"));
    // esc clears the search, esc again goes back; E: the pod's events, live.
    h.press("esc esc E");
    let s = h
        .wait_for("the pod's events", |s| s.contains("ImagePullBackOff"))
        .await;
    assert!(s.contains("live"), "{s}");
    h.press("esc :");
    h.type_text("events -n argowf");
    h.press("enter");
    h.wait_until("the namespace's events", |_, st| {
        st.find::<EventsPane>()
            .is_some_and(|p| p.namespace.as_str() == "argowf" && p.rows.len() > 5)
    })
    .await;
    // A kind kdoc does not know is named with the ones it does.
    h.press("esc :");
    h.type_text("yaml gizmo/x -n argowf");
    h.press("enter");
    let s = h.screen();
    assert!(s.contains("unknown kind \"gizmo\""), "{s}");
    // A missing object: the API's words.
    h.press(":");
    h.type_text("yaml cm/nope -n argowf");
    h.press("enter");
    h.wait_for("the API's refusal", |s| {
        s.contains("Cannot read") && s.contains("nope")
    })
    .await;
}
