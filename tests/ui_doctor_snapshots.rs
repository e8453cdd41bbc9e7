//! The doctor overlay as drawn (TestBackend + insta), fed through the reducer with evidence
//! built from the `mlops` scenario at a fixed moment, so ages never move: runbook 000's `-c
//! kaniko`, and the `mlops` namespace's triage. Untrusted text in a finding never reaches the
//! screen with its escape sequences.

mod common;

use common::ui::{base, mlops_state, screen};
use kdoc::core::cluster_event::ClusterMsg;
use kdoc::core::effect::EffectKind;
use kdoc::core::state::{AppState, Msg, Scope};
use kdoc::doctor::{ContainerLog, Piece};
use kdoc::sim::scenario::mlops;

/// Open `:doctor WORDS` and feed it what the simulator would send for namespace `ns`.
fn doctor(words: &str, ns: &str) -> AppState {
    let mut s = mlops_state(Scope::All);
    let effects = s.update(Msg::Command(format!("doctor {words}")));
    let (id, subject) = effects
        .iter()
        .find_map(|e| match &e.kind {
            EffectKind::Doctor { subject, .. } => Some((e.id, subject.clone())),
            _ => None,
        })
        .expect(":doctor asks for evidence");
    let sc = mlops::scenario(base());
    let of = |kind: &str| {
        sc.objects
            .iter()
            .filter(|o| o["kind"] == kind && o["metadata"]["namespace"] == ns)
            .cloned()
            .collect::<Vec<_>>()
    };
    let typed = |kind: &str| -> Vec<serde_json::Value> { of(kind) };
    let pods: Vec<_> = typed("Pod")
        .into_iter()
        .map(|v| serde_json::from_value(v).expect("a pod"))
        .collect();
    let mut pieces = vec![
        Piece::AllPods(pods),
        Piece::Events(
            typed("Event")
                .into_iter()
                .map(|v| serde_json::from_value(v).expect("an event"))
                .collect(),
        ),
        Piece::Services(
            typed("Service")
                .into_iter()
                .map(|v| serde_json::from_value(v).expect("a service"))
                .collect(),
        ),
    ];
    if let Some(o) = sc.objects.iter().find(|o| {
        o["metadata"]["namespace"] == ns
            && format!("pod/{}", o["metadata"]["name"].as_str().unwrap_or("")) == subject.label()
    }) {
        pieces.insert(0, Piece::Object(o.clone()));
    }
    let mut ev = kdoc::doctor::Evidence::default();
    for p in pieces.clone() {
        ev.apply(p);
    }
    let mine = kdoc::doctor::scope::pods_of(&subject, &ev);
    pieces.push(Piece::Pods(mine));
    for l in sc.logs.iter().filter(|l| l.ns == ns) {
        pieces.push(Piece::Log(ContainerLog {
            namespace: l.ns.clone(),
            pod: l.pod.clone(),
            container: l.container.clone(),
            previous: l.previous,
            lines: l.lines.iter().map(|(_, t)| t.clone()).collect(),
            first_line: 1,
        }));
    }
    pieces.push(Piece::Done);
    for p in pieces {
        s.update(Msg::Cluster(ClusterMsg::Doctor {
            id,
            piece: Box::new(p),
        }));
    }
    s
}

#[test]
fn kaniko_container_name_120x35() {
    let s = doctor(
        "pod/iris-demo-kaniko-2925953904 -n argowf -c kaniko",
        "argowf",
    );
    insta::assert_snapshot!(screen(&s, 120, 35));
}

#[test]
fn mlops_triage_120x35() {
    let mut s = doctor("-n mlops", "mlops");
    insta::assert_snapshot!("mlops_triage_first", screen(&s, 120, 35));
    // The second finding, selected: its evidence and fix below the list.
    s.update(Msg::Action(kdoc::core::actions::Action::Down));
    insta::assert_snapshot!("mlops_triage_second", screen(&s, 120, 35));
}
