//! The YAML, describe and events views drawn from real cluster objects
//! (../shared/fixtures/real): the YAML with its colours (one line per run of a style), the
//! describe text and the events table, as `TestBackend` buffers at a fixed moment.

mod common;

use common::fixtures;
use common::ui;
use kdoc::core::actions::Action;
use kdoc::core::cluster_event::{ClusterMsg, EventsEvent};
use kdoc::core::effect::{EffectKind, EffectResult};
use kdoc::core::state::Scope;
use kdoc::core::state::{AppState, Msg};
use ratatui::buffer::Buffer;
use serde_json::Value;

/// Run `:command`, answer its `Get` with `object` and its events watch with `events`.
fn open(state: &mut AppState, command: &str, object: Option<Value>, events: Option<Vec<Value>>) {
    let effects = state.update(Msg::Command(command.into()));
    for e in effects {
        match (&e.kind, &object, &events) {
            (EffectKind::Get(_), Some(o), _) => {
                state.update(Msg::Cluster(ClusterMsg::Done {
                    id: e.id,
                    result: EffectResult::Object(o.clone()),
                }));
            }
            (EffectKind::Events(_), _, Some(evs)) => {
                let evs = evs
                    .iter()
                    .map(|v| serde_json::from_value(v.clone()).expect("a real Event"))
                    .collect();
                state.update(Msg::Cluster(ClusterMsg::Events {
                    id: e.id,
                    event: EventsEvent::Reset(evs),
                }));
            }
            _ => {}
        }
    }
    state.update(Msg::Tick(ui::base()));
}

/// Each line's text, then its styled runs as `[from..to fg bg mods]`, so colours show in a diff.
fn styled(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut text = String::new();
        let mut runs: Vec<(u16, u16, String)> = vec![];
        for x in area.left()..area.right() {
            let c = &buf[(x, y)];
            text.push_str(c.symbol());
            let st = format!("{:?} {:?} {:?}", c.fg, c.bg, c.modifier);
            match runs.last_mut() {
                Some(r) if r.2 == st => r.1 = x + 1,
                _ => runs.push((x, x + 1, st)),
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
        for (a, b, st) in runs {
            if st != "Reset Reset NONE" {
                out.push_str(&format!("    [{a}..{b} {st}]\n"));
            }
        }
    }
    out
}

fn errimagepull_pod() -> Value {
    fixtures::values("pod-errimagepull-podlist.json").remove(0)
}

#[test]
fn yaml_of_a_real_pod_in_colour_without_managed_fields_until_asked() {
    let mut s = ui::mlops_state(Scope::All);
    let pod = errimagepull_pod();
    let ns = pod["metadata"]["namespace"].as_str().unwrap().to_string();
    let name = pod["metadata"]["name"].as_str().unwrap().to_string();
    open(&mut s, &format!("yaml pod/{name} -n {ns}"), Some(pod), None);
    let buf = ui::render(&s, 100, 30);
    let text = ui::text(&buf);
    assert!(text.contains("apiVersion: v1"), "{text}");
    assert!(!text.contains("managedFields"), "{text}");
    insta::assert_snapshot!("yaml_pod_colours_100x30", styled(&buf));
    s.update(Msg::Action(Action::ManagedFields));
    let p = s
        .find::<kdoc::core::panes::yaml::YamlPane>()
        .expect("the YAML view");
    assert!(p.text.lines.iter().any(|l| l.contains("managedFields:")));
}

#[test]
fn a_secrets_values_are_hidden_until_revealed_then_decoded() {
    let mut s = ui::mlops_state(Scope::All);
    let secret = ui::objects("Secret")
        .into_iter()
        .find(|o| o["metadata"]["name"] == "minio-s3-secret")
        .expect("the scenario's S3 secret");
    let ns = secret["metadata"]["namespace"]
        .as_str()
        .unwrap()
        .to_string();
    open(
        &mut s,
        &format!("yaml secret/minio-s3-secret -n {ns}"),
        Some(secret),
        None,
    );
    let text = ui::screen(&s, 100, 30);
    assert!(
        text.contains("AWS_ACCESS_KEY_ID: \"<21 bytes hidden: x reveals>\""),
        "{text}"
    );
    assert!(
        !text.contains("QlkzTjNU") && !text.contains("BY3N3TZ2"),
        "{text}"
    );
    assert!(text.contains("values hidden (x)"), "{text}");
    s.update(Msg::Action(Action::Reveal));
    let text = ui::screen(&s, 100, 30);
    assert!(
        text.contains("AWS_ACCESS_KEY_ID: BY3N3TZ2XFGBI763IGEPD"),
        "{text}"
    );
    assert!(text.contains("values decoded"), "{text}");
}

#[test]
fn describe_of_a_pod_stuck_on_a_mount_with_its_events() {
    let mut s = ui::mlops_state(Scope::All);
    let pod = fixtures::values("pod-containercreating-failedmount-podlist.json").remove(0);
    let ns = pod["metadata"]["namespace"].as_str().unwrap().to_string();
    let name = pod["metadata"]["name"].as_str().unwrap().to_string();
    let events: Vec<Value> =
        fixtures::values("events-list-pull-backoff-failedscheduling-failedmount.json")
            .into_iter()
            .filter(|e| e["involvedObject"]["name"] == name.as_str())
            .collect();
    assert_eq!(events.len(), 2, "the fixture's two FailedMount events");
    open(
        &mut s,
        &format!("describe pod/{name} -n {ns}"),
        Some(pod),
        Some(events),
    );
    s.update(Msg::Action(Action::Bottom));
    let text = ui::screen(&s, 120, 40);
    assert!(text.contains("FailedMount"), "{text}");
    insta::assert_snapshot!("describe_failedmount_pod_bottom_120x40", text);
}

#[test]
fn events_of_a_namespace_newest_first() {
    let mut s = ui::mlops_state(Scope::All);
    let events = fixtures::values("events-list-pull-backoff-failedscheduling-failedmount.json");
    let ns = events[0]["metadata"]["namespace"]
        .as_str()
        .unwrap()
        .to_string();
    open(&mut s, &format!("events -n {ns}"), None, Some(events));
    let text = ui::screen(&s, 120, 30);
    insta::assert_snapshot!("events_namespace_120x30", text);
    let p = s
        .find::<kdoc::core::panes::events::EventsPane>()
        .expect("the events view");
    assert!(p.is_live());
    assert!(p.rows.len() > 20);
}
