//! What the TUI draws, as text: `kdoc::ui::draw` rendered into ratatui's `TestBackend` for a
//! state built through the reducer from the built-in `mlops` scenario at a fixed moment, so
//! ages and "(4m ago)" never move. Review changed snapshots by eye (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test ui_snapshots` and `git diff tests/snapshots`).
//! The harness is `tests/common/ui.rs`.

mod common;

use ratatui::buffer::Buffer;

use kdoc::config::theme::Theme;
use kdoc::core::actions::Action;
use kdoc::core::cluster_event::{ClusterEvent, Conn};
use kdoc::core::state::{Msg, Scope};

use common::ui::{
    cluster, mlops_state, new_state, render, scenario_pods, screen, state_with, text,
};

#[test]
fn pods_all_namespaces_80x24() {
    let s = mlops_state(Scope::All);
    let t = screen(&s, 80, 24);
    assert!(t.contains("ns all"), "{t}");
    insta::assert_snapshot!("pods_all_80x24", t);
}

#[test]
fn pods_all_namespaces_160x48() {
    let s = mlops_state(Scope::All);
    let t = screen(&s, 160, 48);
    // Wide enough for IP and NODE.
    assert!(t.contains(" IP ") && t.contains("NODE"), "{t}");
    insta::assert_snapshot!("pods_all_160x48", t);
}

#[test]
fn pods_one_namespace() {
    let s = mlops_state(Scope::Namespace("argowf".into()));
    let t = screen(&s, 120, 24);
    assert!(t.contains("ns argowf"), "{t}");
    assert!(
        !t.contains("NAMESPACE"),
        "no namespace column when scoped:\n{t}"
    );
    insta::assert_snapshot!("pods_ns_argowf_120x24", t);
}

#[test]
fn filter_kaniko() {
    let mut s = mlops_state(Scope::All);
    s.update(Msg::Action(Action::Filter));
    s.update(Msg::FilterInput("kaniko".into()));
    s.update(Msg::FilterDone);
    s.refresh();
    assert_eq!(s.rows.len(), 1);
    let t = screen(&s, 120, 24);
    assert!(t.contains("</kaniko>"), "{t}");
    assert!(t.contains("iris-demo-kaniko-2925953904"), "{t}");
    insta::assert_snapshot!("filter_kaniko_120x24", t);
}

#[test]
fn help_overlay() {
    let mut s = mlops_state(Scope::All);
    s.update(Msg::Action(Action::Help));
    let t = screen(&s, 120, 32);
    assert!(t.contains("Help (esc closes)"), "{t}");
    for name in ["filter", "namespaces", "sort-status", "quit"] {
        assert!(t.contains(name), "help lists {name}:\n{t}");
    }
    insta::assert_snapshot!("help_120x32", t);
}

#[test]
fn namespace_picker() {
    let mut s = mlops_state(Scope::All);
    let namespaces = [
        "argowf",
        "default",
        "mlflow",
        "mlops",
        "private-ai-demo",
        "user-example-com",
    ];
    cluster(
        &mut s,
        ClusterEvent::NamespacesReset(namespaces.iter().map(|n| n.to_string()).collect()),
    );
    s.update(Msg::Action(Action::Namespaces));
    let t = screen(&s, 80, 24);
    assert!(t.contains("Namespaces (enter picks, esc closes)"), "{t}");
    for n in namespaces {
        assert!(t.contains(n), "picker lists {n}:\n{t}");
    }
    insta::assert_snapshot!("namespace_picker_80x24", t);
}

#[test]
fn api_error() {
    // As the pods watch reports a 403: the server answered (connected), the list failed.
    let mut s = new_state(Scope::Namespace("argowf".into()));
    cluster(&mut s, ClusterEvent::Conn(Conn::Connected));
    cluster(
        &mut s,
        ClusterEvent::PodsError(
            "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" in the namespace \"argowf\"".into(),
        ),
    );
    s.refresh();
    let t = screen(&s, 80, 24);
    assert!(t.contains("The API server refused to list pods:"), "{t}");
    assert!(t.contains("pods is forbidden"), "{t}");
    insta::assert_snapshot!("api_error_80x24", t);
}

#[test]
fn reconnecting_header() {
    let mut s = mlops_state(Scope::All);
    cluster(
        &mut s,
        ClusterEvent::Conn(Conn::Reconnecting {
            attempt: 3,
            error: "connection refused".into(),
        }),
    );
    s.refresh();
    let t = screen(&s, 100, 16);
    assert!(
        t.contains("reconnecting, attempt 3: connection refused"),
        "{t}"
    );
    insta::assert_snapshot!("reconnecting_100x16", t);
}

#[test]
fn too_small() {
    let s = mlops_state(Scope::All);
    let t = screen(&s, 50, 10);
    assert!(t.contains("Terminal too small"), "{t}");
    insta::assert_snapshot!("too_small_50x10", t);
}

#[test]
fn escape_sequences_in_names_are_sanitized() {
    let mut evil = scenario_pods()
        .into_iter()
        .find(|p| p.metadata.namespace.as_deref() == Some("argowf"))
        .expect("an argowf pod");
    evil.metadata.name = Some("evil\x1b[31m-pod".into());
    let s = state_with(Scope::Namespace("argowf".into()), vec![evil]);
    let buf = render(&s, 80, 12);
    let t = text(&buf);
    assert!(!t.contains('\x1b'), "an escape reached the screen:\n{t}");
    assert!(t.contains("evil\u{FFFD}[31m-pod"), "{t}");
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control character in cell {:?}",
            cell.symbol()
        );
    }
    insta::assert_snapshot!("sanitized_name_80x12", t);
}

/// The first column where row `y` spells `needle` (one cell per char), from column `from`.
fn find_in_row(buf: &Buffer, y: u16, from: u16, needle: &str) -> Option<u16> {
    let chars: Vec<char> = needle.chars().collect();
    let width = buf.area.width;
    (from..width.saturating_sub(chars.len() as u16 - 1)).find(|&x| {
        chars
            .iter()
            .enumerate()
            .all(|(i, c)| buf[(x + i as u16, y)].symbol() == c.to_string())
    })
}

#[test]
fn crashloop_status_is_failed_colour() {
    let s = mlops_state(Scope::All);
    let theme = Theme::builtin();
    let buf = render(&s, 160, 48);
    let screen = text(&buf);
    let (header_y, status_x) = (0..buf.area.height)
        .find_map(|y| find_in_row(&buf, y, 0, "STATUS").map(|x| (y, x)))
        .unwrap_or_else(|| panic!("the table header:\n{screen}"));
    // A CrashLoopBackOff row other than the selected one (which has the selection colours).
    let selected_y = header_y + 1 + s.selected as u16;
    let needle = "CrashLoopBackOff";
    let y = (header_y + 1..buf.area.height)
        .filter(|&y| y != selected_y)
        .find(|&y| find_in_row(&buf, y, status_x, needle) == Some(status_x))
        .unwrap_or_else(|| panic!("a CrashLoopBackOff row:\n{screen}"));
    for dx in 0..needle.len() as u16 {
        let cell = &buf[(status_x + dx, y)];
        assert_eq!(
            cell.fg, theme.failed,
            "cell {dx} of the STATUS on row {y} has fg {:?}, the theme's failed colour is {:?}:\n{screen}",
            cell.fg, theme.failed
        );
    }
    // Sanity: the failed colour is not simply what everything is drawn in.
    assert_ne!(theme.failed, theme.fg);
}
