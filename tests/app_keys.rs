//! The whole app driven by keys, in-process: real key events through the keymap and the
//! reducer, effects run by the real runner against the simulator over HTTP, and assertions on
//! the rendered screen (what a user sees) and, where it says more, on the state.

mod common;

use std::path::Path;
use std::time::Duration;

use common::app::{Harness, WAIT, key, target};
use common::ui::render_with;
use kdoc::app::model::AppMsg;
use kdoc::config::keymap::{Keymap, Lookup, chord};
use kdoc::config::theme::Theme;
use kdoc::core::panes::help::HelpPane;
use kdoc::core::panes::picker::PickerPane;
use kdoc::core::panes::pods::PodsPane;
use kdoc::core::panes::services::ServicesPane;
use kdoc::core::state::{AppState, Scope};
use kdoc::sim::Sim;
use kdoc::sim::scenario::build::{c, namespace, pod};
use kdoc::sim::scenario::load::LoadSpec;
use kdoc::sim::scenario::{Scenario, builtin};

const KANIKO: &str = "iris-demo-kaniko-2925953904";

async fn mlops() -> Sim {
    common::start(builtin("mlops", &LoadSpec::default()).expect("the mlops scenario")).await
}

/// `n` running pods in `namespaces` namespaces, no log generators.
async fn load(pods: usize, namespaces: usize) -> Sim {
    let spec = LoadSpec {
        pods,
        namespaces,
        log_rate: 0.0,
    };
    common::start(builtin("load", &spec).expect("the load scenario")).await
}

/// kdoc on the mlops simulator, all namespaces, once the pods are on screen.
async fn started(sim: &Sim) -> Harness {
    let mut h = Harness::start(sim).await;
    h.wait_for("the mlops pods, connected", |s| {
        s.contains(KANIKO) && s.contains("● connected")
    })
    .await;
    h
}

/// Wait (feeding cluster messages to the app) until the state satisfies `pred`; panics with the
/// last screen after `WAIT`.
async fn wait_state(h: &mut Harness, what: &str, pred: impl Fn(&AppState) -> bool) -> String {
    h.wait_until(what, |_, s| pred(s)).await
}

/// The rows of the table on screen: the lines between the column header (the line with NAME)
/// and the bottom border (or the details' separator), without borders and blank lines.
fn rows(screen: &str) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let Some(head) = lines
        .iter()
        .position(|l| l.starts_with('│') && l.contains("NAME"))
    else {
        return vec![];
    };
    lines[head + 1..]
        .iter()
        .take_while(|l| l.starts_with('│') && !l.contains("───"))
        .map(|l| l.trim_matches('│').trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The line of the pane's title (the top border of the pane in front of the stack's base).
fn title(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.starts_with('┌'))
        .unwrap_or("")
        .to_string()
}

/// The header's first line.
fn header(screen: &str) -> String {
    screen.lines().next().unwrap_or("").to_string()
}

/// The status line (the last line).
fn status(screen: &str) -> String {
    screen.lines().last().unwrap_or("").to_string()
}

/// The text of the row drawn with the selection's highlight, if any.
fn highlighted(h: &mut Harness) -> Option<String> {
    h.drain();
    let app = &h.session.app;
    let buf = render_with(&app.state, &app.keymap, &app.input, h.width, h.height);
    let bg = Theme::builtin().selected_bg;
    let area = buf.area;
    (area.top()..area.bottom()).find_map(|y| {
        let lit = (area.left()..area.right())
            .filter(|&x| buf[(x, y)].bg == bg)
            .count();
        (lit > 10).then(|| {
            (area.left()..area.right())
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_matches(|c: char| c == '│' || c.is_whitespace())
                .to_string()
        })
    })
}

fn pods_pane(h: &Harness) -> &PodsPane {
    h.session
        .app
        .state
        .find::<PodsPane>()
        .expect("a pods pane in the stack")
}

fn top(h: &Harness) -> &'static str {
    h.session.app.state.top().name()
}

/// `:` + `text` + enter.
fn command(h: &mut Harness, text: &str) -> bool {
    h.press(":");
    h.type_text(text);
    h.press("enter")
}

/// `/` + `text` (the prompt stays open).
fn filter(h: &mut Harness, text: &str) {
    h.press("/");
    h.type_text(text);
}

fn prompt_text(h: &Harness) -> Option<String> {
    h.session.app.state.prompt.as_ref().map(|p| p.text.clone())
}

// 1 ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_narrows_the_rows_and_esc_cancels_it() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    let all = rows(&h.screen());
    assert_eq!(all.len(), 14, "the mlops scenario has 14 pods:\n{all:#?}");

    filter(&mut h, "kaniko");
    let s = h.screen();
    let r = rows(&s);
    assert_eq!(r.len(), 1, "only the kaniko pod:\n{s}");
    assert!(r[0].contains(KANIKO), "{s}");
    assert!(
        status(&s).starts_with("/kaniko"),
        "the prompt shows the filter:\n{s}"
    );

    // esc cancels: the filter before typing (none) is back, the prompt closed.
    h.press("esc");
    let s = h.screen();
    assert!(
        h.session.app.state.prompt.is_none(),
        "esc closes the prompt"
    );
    // Names, not whole rows: "(68s ago)" may have become "(69s ago)" meanwhile.
    let names = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .map(|r| r.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(
        names(&rows(&s)),
        names(&all),
        "esc brings every row back:\n{s}"
    );
    assert!(!title(&s).contains("</"), "no filter in the title:\n{s}");

    // The filter matches the whole row, STATUS included.
    filter(&mut h, "Completed");
    h.press("enter");
    let s = h.screen();
    assert!(h.session.app.state.prompt.is_none());
    let r = rows(&s);
    assert_eq!(r.len(), 5, "the five Completed pods:\n{s}");
    for row in &r {
        assert!(
            row.contains("Completed"),
            "a row that is not Completed: {row}\n{s}"
        );
    }
    assert!(
        title(&s).contains("</Completed>"),
        "the title names the filter:\n{s}"
    );

    // esc on the root pane clears the filter; then `!Completed` hides them.
    h.press("esc");
    assert_eq!(rows(&h.screen()), all, "esc clears the filter");
    filter(&mut h, "!Completed");
    h.press("enter");
    let s = h.screen();
    let r = rows(&s);
    assert_eq!(r.len(), 9, "every pod but the five Completed ones:\n{s}");
    for row in &r {
        assert!(
            !row.contains("Completed"),
            "a Completed row is shown: {row}\n{s}"
        );
    }
}

// 2 ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_regex_keeps_the_last_valid_filter_and_says_why() {
    let sim = mlops().await;
    let mut h = started(&sim).await;

    filter(&mut h, "kan(");
    let s = h.screen();
    assert!(
        status(&s).contains("invalid regex"),
        "the status line says the regex is invalid:\n{s}"
    );
    let r = rows(&s);
    assert_eq!(r.len(), 1, "the rows stay filtered by \"kan\":\n{s}");
    assert!(r[0].contains(KANIKO), "{s}");

    h.press("enter");
    let s = h.screen();
    assert!(
        h.session.app.state.prompt.is_none(),
        "enter closes the prompt"
    );
    assert_eq!(
        pods_pane(&h).filter.text,
        "kan",
        "the previous filter stays"
    );
    assert_eq!(rows(&s).len(), 1, "still filtered by \"kan\":\n{s}");
    let st = status(&s);
    assert!(
        st.contains("invalid regex") && st.contains("kan"),
        "the status line says why the filter stayed:\n{s}"
    );
}

// 3 ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tab_completes_commands_and_namespaces() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    wait_state(&mut h, "the namespaces listed", |s| {
        s.cache.namespaces_listed && s.cache.namespaces.contains("argowf")
    })
    .await;

    h.press(": n s space a tab");
    assert_eq!(prompt_text(&h).as_deref(), Some("ns argowf "));
    let s = h.screen();
    assert!(
        status(&s).starts_with(":ns argowf"),
        "the prompt shows it:\n{s}"
    );
    h.press("enter");
    let s = h
        .wait_for("argowf pods only", |s| {
            header(s).contains("ns argowf") && rows(s).len() == 4
        })
        .await;
    assert!(rows(&s).iter().all(|r| r.contains("iris-")), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tab_completion_stops_at_a_character_boundary() {
    // "é" is C3 A9 and "ê" C3 AA: the two names share a byte past "caf", not a character.
    let base = jiff::Timestamp::now();
    let mut objects = vec![namespace("café-a"), namespace("cafê-b")];
    for ns in ["café-a", "cafê-b"] {
        objects.push(
            pod(base, ns, "web", 60)
                .container(c("app", "busybox").running(-30))
                .build(),
        );
    }
    let sim = common::start(Scenario {
        name: "accents".into(),
        objects,
        ..Default::default()
    })
    .await;
    let mut h = Harness::start(&sim).await;
    wait_state(&mut h, "both namespaces listed", |s| {
        s.cache.namespaces_listed
            && s.cache.namespaces.contains("café-a")
            && s.cache.namespaces.contains("cafê-b")
    })
    .await;

    h.press(":");
    h.type_text("ns caf");
    h.press("tab");
    assert_eq!(
        prompt_text(&h).as_deref(),
        Some("ns caf"),
        "two completions: the common prefix, at a character boundary"
    );
    let s = h.screen();
    assert!(
        status(&s).contains("ns café-a") && status(&s).contains("ns cafê-b"),
        "the completions are listed:\n{s}"
    );

    h.type_text("é");
    h.press("tab");
    assert_eq!(prompt_text(&h).as_deref(), Some("ns café-a "));
    h.press("enter");
    let s = h
        .wait_for("the pods of café-a", |s| {
            header(s).contains("ns café-a") && rows(s).len() == 1
        })
        .await;
    assert!(rows(&s)[0].contains("web"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tab_completion_never_types_a_bidi_override_into_the_input_line() {
    // A real apiserver refuses such a name, but a loaded file or a kubeconfig context need not.
    let sim = common::start(Scenario {
        name: "bidi".into(),
        objects: vec![namespace("x\u{202E}gnp.exe")],
        ..Default::default()
    })
    .await;
    let mut h = Harness::start(&sim).await;
    wait_state(&mut h, "the namespace listed", |s| {
        s.cache.namespaces.contains("x\u{202E}gnp.exe")
    })
    .await;
    h.press(":");
    h.type_text("ns x");
    h.press("tab");
    assert_eq!(prompt_text(&h).as_deref(), Some("ns x"), "left as typed");
    let s = h.screen();
    assert!(
        !s.contains('\u{202E}'),
        "the override reached the screen:\n{s}"
    );
    assert!(
        s.contains("use the n or x picker"),
        "the user is told why and where to go:\n{s}"
    );
}

// 4 ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_switch_namespaces_and_panes() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    wait_state(&mut h, "the namespaces listed", |s| {
        s.cache.namespaces_listed
    })
    .await;

    command(&mut h, "ns argowf");
    let s = h
        .wait_for("the argowf pods", |s| {
            header(s).contains("ns argowf") && rows(s).len() == 4
        })
        .await;
    assert!(
        pods_pane(&h).rows.iter().all(|r| r.key.0 == "argowf"),
        "a pod of another namespace:\n{s}"
    );
    assert!(s.contains(KANIKO) && !s.contains("mlflow-"), "{s}");

    command(&mut h, "ns nope");
    let s = h.screen();
    assert!(
        status(&s).contains("\"nope\" does not exist"),
        "the status line says the namespace does not exist:\n{s}"
    );
    assert!(
        header(&s).contains("ns argowf"),
        "the scope did not change:\n{s}"
    );
    assert_eq!(rows(&s).len(), 4, "{s}");

    // From another pane: `:pods mlops` switches the namespace and shows pods.
    command(&mut h, "svc");
    h.wait_text("Services(argowf)").await;
    command(&mut h, "pods mlops");
    let s = h
        .wait_for("the mlops pods", |s| {
            header(s).contains("ns mlops") && rows(s).len() == 4
        })
        .await;
    assert_eq!(top(&h), "pods");
    assert!(title(&s).contains("Pods(mlops)"), "{s}");
    assert!(
        pods_pane(&h).rows.iter().all(|r| r.key.0 == "mlops"),
        "a pod of another namespace:\n{s}"
    );
    assert!(s.contains("feature-server-") && !s.contains(KANIKO), "{s}");

    command(&mut h, "wf argowf");
    let s = h
        .wait_for("the argowf workflows", |s| {
            header(s).contains("ns argowf") && s.contains("iris-demo")
        })
        .await;
    assert_eq!(top(&h), "workflows");
    assert!(title(&s).contains("Workflows"), "{s}");
}

// 5 ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_namespace_picker_moves_picks_and_captures_keys() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    wait_state(&mut h, "the namespaces listed", |s| {
        s.cache.namespaces_listed && s.cache.namespaces.contains("mlflow")
    })
    .await;
    h.press("j");
    let pods_sel = pods_pane(&h).selected;
    assert_eq!(pods_sel, 1);

    let watch = h.session.app.state.cache.watch;
    h.press("n");
    let s = h.screen();
    assert!(s.contains("Namespaces"), "the picker is open:\n{s}");
    assert_eq!(top(&h), "picker");
    let labels: Vec<String> = {
        let p = h.session.app.state.find::<PickerPane>().expect("a picker");
        p.items.iter().map(|i| i.label.to_string()).collect()
    };
    let mlflow = labels
        .iter()
        .position(|l| l == "mlflow")
        .expect("mlflow in the picker");
    let picker_sel = |h: &Harness| h.session.app.state.find::<PickerPane>().map(|p| p.selected);
    assert_eq!(
        picker_sel(&h),
        Some(0),
        "<all namespaces> is picked at first"
    );

    // Keys go to the picker, not to the pods underneath.
    h.press("j j");
    assert_eq!(picker_sel(&h), Some(2));
    h.press("k");
    assert_eq!(picker_sel(&h), Some(1));
    h.press("S / : n w x 0");
    let st = &h.session.app.state;
    assert!(st.prompt.is_none(), "no prompt opened under the picker");
    assert_eq!(
        st.panes().len(),
        2,
        "nothing else opened: {}",
        st.top().name()
    );
    assert_eq!(top(&h), "picker");
    assert_eq!(
        pods_pane(&h).selected,
        pods_sel,
        "the pods' selection did not move"
    );
    assert_eq!(
        pods_pane(&h).sort,
        kdoc::core::pods::Sort::Name,
        "S did not sort the pods"
    );
    assert_eq!(st.cache.scope, Scope::All, "0 did not act under the picker");
    assert_eq!(
        st.cache.watch, watch,
        "no watch was restarted under the picker"
    );

    // Walk to mlflow and pick it.
    while picker_sel(&h) != Some(mlflow) {
        let before = picker_sel(&h);
        h.press("j");
        assert_ne!(picker_sel(&h), before, "j stopped before mlflow");
    }
    h.press("enter");
    let s = h
        .wait_for("the mlflow pods", |s| {
            header(s).contains("ns mlflow") && rows(s).len() == 1
        })
        .await;
    assert_eq!(top(&h), "pods", "the picker closed:\n{s}");
    assert!(rows(&s)[0].contains("mlflow-"), "{s}");

    // esc closes it without a change.
    h.press("n");
    assert_eq!(top(&h), "picker");
    h.press("j esc");
    let s = h.screen();
    assert_eq!(top(&h), "pods");
    assert!(!s.contains("Namespaces"), "the picker is gone:\n{s}");
    assert!(header(&s).contains("ns mlflow"), "{s}");
    assert_eq!(
        h.session.app.state.cache.scope,
        Scope::Namespace("mlflow".into())
    );

    // The context picker lists the contexts.
    h.press("x");
    let s = h.screen();
    assert!(s.contains("Contexts"), "the context picker is open:\n{s}");
    assert!(
        s.lines().any(|l| l.contains("│ kdoc-sim")),
        "it lists the kubeconfig's context:\n{s}"
    );
    h.press("esc");
    assert_eq!(top(&h), "pods");
}

// 6 ---------------------------------------------------------------------------------------------

fn two_contexts(a: &Sim, b: &Sim) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: cluster-a
  cluster:
    server: {}
- name: cluster-b
  cluster:
    server: {}
contexts:
- name: a
  context:
    cluster: cluster-a
    user: nobody
- name: b
  context:
    cluster: cluster-b
    user: nobody
users:
- name: nobody
  user: {{}}
current-context: a
",
        a.url(),
        b.url()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctx_switches_clusters_and_closes_the_old_watches() {
    let a = mlops().await;
    let b = load(5, 1).await;
    let kc = two_contexts(&a, &b);
    let mut h = Harness::with(target(&kc, None).await, Keymap::builtin(), Scope::All).await;
    let s = h
        .wait_for("a's pods", |s| {
            s.contains(KANIKO) && s.contains("● connected")
        })
        .await;
    assert!(header(&s).contains("ctx a"), "{s}");
    assert!(header(&s).contains("cluster cluster-a"), "{s}");
    common::wait_until(WAIT, "a has open watches", || a.state().open_watches() > 0).await;

    command(&mut h, "ctx nope");
    let s = h.screen();
    let st = status(&s);
    assert!(
        st.contains("unknown context \"nope\"") && st.contains("a, b"),
        "the status line lists the known contexts:\n{s}"
    );
    assert!(header(&s).contains("ctx a"), "{s}");

    command(&mut h, "ctx b");
    let s = h
        .wait_for("b's pods and none of a's", |s| {
            header(s).contains("ctx b") && rows(s).len() == 5 && !s.contains(KANIKO)
        })
        .await;
    assert!(header(&s).contains("cluster cluster-b"), "{s}");
    for r in rows(&s) {
        assert!(r.contains("worker-"), "a row not of b: {r}\n{s}");
    }
    // Everything watched now comes from b; a's watches are closed.
    common::wait_until(WAIT, "b has open watches", || b.state().open_watches() > 0).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while a.state().open_watches() > 0 {
        if tokio::time::Instant::now() > deadline {
            panic!(
                "a still has {} open watches {WAIT:?} after switching to b",
                a.state().open_watches()
            );
        }
        h.drain();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // And nothing asks a for anything any more.
    let before = a.state().requests();
    for _ in 0..10 {
        h.drain();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(a.state().requests(), before, "kdoc still talks to a");
    let s = h.screen();
    assert!(!s.contains(KANIKO), "a's pods came back:\n{s}");
    assert_eq!(rows(&s).len(), 5, "{s}");
}

// 7 ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_captures_keys_and_scrolls() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    let sel = pods_pane(&h).selected;
    let row = highlighted(&mut h);

    h.press("?");
    let s = h.screen();
    assert!(s.contains("Help"), "help is open:\n{s}");
    assert_eq!(top(&h), "help");
    h.press("j enter n");
    let s = h.screen();
    assert_eq!(top(&h), "help", "help is still in front:\n{s}");
    assert!(
        h.session.app.state.find::<PickerPane>().is_none(),
        "n opened a picker"
    );
    assert_eq!(
        h.session.app.state.panes().len(),
        2,
        "enter opened something"
    );
    assert_eq!(pods_pane(&h).selected, sel, "j moved the pods' selection");
    h.press("esc");
    let s = h.screen();
    assert_eq!(top(&h), "pods");
    assert!(!s.contains("Help"), "help closed:\n{s}");
    assert_eq!(highlighted(&mut h), row, "the same pod is selected");

    // A small terminal: help scrolls to its last entry.
    h.resize(60, 15);
    h.press("?");
    let s = h.screen();
    let n = h
        .session
        .app
        .state
        .find::<HelpPane>()
        .expect("help")
        .entries
        .len();
    assert!(
        !s.contains("Quit kdoc"),
        "quit is below the fold at first:\n{s}"
    );
    let mut presses = 0;
    while !h.screen().contains("Quit kdoc") {
        presses += 1;
        assert!(
            presses <= n,
            "quit never became visible after {n} j presses:\n{}",
            h.screen()
        );
        h.press("j");
    }
    assert_eq!(top(&h), "help");
    // G gets there at once.
    h.press("esc ?");
    assert!(!h.screen().contains("Quit kdoc"));
    h.press("G");
    let s = h.screen();
    assert!(s.contains("Quit kdoc"), "G shows the last entry:\n{s}");
    h.press("g");
    assert!(!h.screen().contains("Quit kdoc"), "g goes back to the top");
}

// 8 ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sort_keys_sort_and_reverse() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    let s = h.screen();
    assert!(title(&s).contains("sort:name "), "{s}");

    h.press("S");
    let s = h.screen();
    assert!(title(&s).contains("sort:status "), "{s}");
    let first = rows(&s)[0].clone();

    h.press("S");
    let s = h.screen();
    assert!(title(&s).contains("sort:status↑"), "S again reverses:\n{s}");
    let reversed = rows(&s);
    assert_ne!(reversed[0], first, "the first row changed:\n{s}");
    assert_eq!(
        reversed.last(),
        Some(&first),
        "the order is turned around:\n{s}"
    );

    h.press("N");
    let s = h.screen();
    assert!(title(&s).contains("sort:name "), "{s}");
    assert!(!title(&s).contains("↑"), "{s}");
    let by_name: Vec<String> = rows(&s);
    assert!(by_name[0].contains("iris-default-0-classifier"), "{s}");
}

// 9 ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_keys_move_the_selection() {
    let sim = load(200, 2).await;
    let mut h = Harness::start(&sim).await;
    h.wait_for("200 pods", |s| s.contains("pods 200") && rows(s).len() > 10)
        .await;
    let page = h.session.app.state.page;
    let name = |h: &Harness, i: usize| pods_pane(h).rows[i].name.to_string();
    assert_eq!(pods_pane(&h).selected, 0);
    let first = name(&h, 0);
    assert!(highlighted(&mut h).is_some_and(|r| r.contains(&first)));

    h.press("ctrl-d");
    assert_eq!(pods_pane(&h).selected, page, "ctrl-d moves a page");
    let at = name(&h, page);
    let hl = highlighted(&mut h);
    assert!(
        hl.as_deref().is_some_and(|r| r.contains(&at)),
        "the highlight is on {at}: {hl:?}\n{}",
        h.screen()
    );

    h.press("ctrl-u");
    assert_eq!(pods_pane(&h).selected, 0, "ctrl-u moves back a page");

    h.press("G");
    assert_eq!(pods_pane(&h).selected, 199, "G goes to the last row");
    let last = name(&h, 199);
    let s = h.screen();
    assert!(s.contains(&last), "the last row is on screen:\n{s}");
    let hl = highlighted(&mut h);
    assert!(
        hl.as_deref().is_some_and(|r| r.contains(&last)),
        "the highlight is on {last}: {hl:?}\n{s}"
    );

    h.press("g");
    assert_eq!(pods_pane(&h).selected, 0, "g goes to the first row");
    let hl = highlighted(&mut h);
    assert!(hl.as_deref().is_some_and(|r| r.contains(&first)), "{hl:?}");
}

// 10 --------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_services_pane_shows_ports_and_lists_selected_pods() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    command(&mut h, "svc");
    let s = h.wait_text("iris-default ").await;
    assert_eq!(top(&h), "services");
    let r = rows(&s);
    let line = |name: &str| {
        r.iter()
            .find(|l| l.split_whitespace().nth(1) == Some(name))
            .unwrap_or_else(|| panic!("no row for {name}:\n{s}"))
            .clone()
    };
    let iris = line("iris-default");
    assert!(iris.contains("ClusterIP"), "{iris}");
    assert!(iris.contains("8000/TCP,5001/TCP"), "{iris}");
    assert!(iris.contains("<none>"), "no external IP: {iris}");
    let mlflow = line("mlflow");
    assert!(mlflow.contains("NodePort"), "{mlflow}");
    assert!(mlflow.contains("5000:30800/TCP"), "{mlflow}");
    assert!(mlflow.contains("<none>"), "no external IP: {mlflow}");

    filter(&mut h, "iris-default");
    h.press("enter");
    let at = {
        let p = h
            .session
            .app
            .state
            .find::<ServicesPane>()
            .expect("services");
        p.rows
            .iter()
            .position(|r| &*r.name == "iris-default")
            .expect("iris-default passes the filter")
    };
    for _ in 0..at {
        h.press("j");
    }
    let s = h.screen();
    assert!(
        highlighted(&mut h).is_some_and(|r| r.contains("iris-default ")),
        "iris-default is selected:\n{s}"
    );
    let details: Vec<&str> = s.lines().skip_while(|l| !l.contains("───")).collect();
    let details = details.join("\n");
    assert!(details.contains("8000/TCP -> targetPort 8000"), "{s}");
    assert!(details.contains("5001/TCP -> targetPort 5001"), "{s}");
    assert!(
        details.contains("endpoints"),
        "the endpoints under the table:\n{s}"
    );

    h.press("enter");
    let s = h
        .wait_for("the pods of iris-default", |s| {
            title(s).contains("svc/iris-default") && !rows(s).is_empty()
        })
        .await;
    assert_eq!(top(&h), "pods");
    let r = rows(&s);
    assert_eq!(r.len(), 1, "{s}");
    assert!(r[0].contains("iris-default-0-classifier"), "{s}");

    h.press("esc");
    let s = h.screen();
    assert_eq!(top(&h), "services", "esc returns to services:\n{s}");
    assert!(title(&s).contains("Services"), "{s}");
    // The services' filter first (as in k9s), then back.
    h.press("esc");
    assert_eq!(top(&h), "services", "the first esc clears the filter");
    h.press("esc");
    let s = h.screen();
    assert_eq!(top(&h), "pods");
    assert_eq!(
        h.session.app.state.panes().len(),
        1,
        "back at the root:\n{s}"
    );
    assert_eq!(rows(&s).len(), 14, "{s}");
}

// 11 --------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_keymap_rebinds_and_unbinds() {
    let sim = mlops().await;
    let text = "[pods]\n\"z\" = \"sort-status\"\n[global]\n\"q\" = \"none\"\n";
    let (user, diagnostics) = Keymap::parse(Path::new("user.toml"), text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let keymap = Keymap::builtin().merged(user);
    let mut h = Harness::with(target(&sim.kubeconfig(), None).await, keymap, Scope::All).await;
    h.wait_for("the pods", |s| s.contains(KANIKO)).await;

    h.press("z");
    let s = h.screen();
    assert!(
        title(&s).contains("sort:status "),
        "z sorts by status:\n{s}"
    );

    assert!(!h.press("q"), "q no longer quits");
    assert_eq!(top(&h), "pods");

    h.press("?");
    let s = h.screen();
    assert!(
        s.lines().any(|l| l.contains(" z  sort-status")),
        "help shows z for sort-status:\n{s}"
    );
    // Quit is last: the help scrolls to it.
    h.press("G");
    let s = h.screen();
    let quit_line = s
        .lines()
        .find(|l| l.contains("Quit kdoc"))
        .unwrap_or_else(|| panic!("help lists quit:\n{s}"));
    assert!(quit_line.contains("ctrl-c"), "{quit_line}");
    let help = h.session.app.state.find::<HelpPane>().expect("help");
    let quit = help
        .entries
        .iter()
        .find(|e| e.name == "quit")
        .expect("a quit entry");
    assert_eq!(quit.keys, "ctrl-c", "q is not listed for quit");
    h.press("esc");

    assert!(h.press("ctrl-c"), "ctrl-c still quits");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keymap_mistakes_are_reported_and_the_defaults_stay() {
    let sim = mlops().await;
    let text = "[global]\n\"j\" = \"dwon\"\n\"G\" = \"bottom\"\n\"shift-g\" = \"top\"\n";
    let (user, diagnostics) = Keymap::parse(Path::new("user.toml"), text);
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    let unknown = diagnostics
        .iter()
        .find(|d| d.contains("dwon"))
        .unwrap_or_else(|| panic!("no diagnostic for the unknown action: {diagnostics:#?}"));
    assert!(unknown.starts_with("user.toml:2:1"), "{unknown}");
    assert!(unknown.contains("unknown action"), "{unknown}");
    let dup = diagnostics
        .iter()
        .find(|d| d.contains("shift-g"))
        .unwrap_or_else(|| panic!("no diagnostic for the duplicate key: {diagnostics:#?}"));
    assert!(dup.starts_with("user.toml:4:1"), "{dup}");
    assert!(dup.contains("same key") && dup.contains("3:1"), "{dup}");

    let keymap = Keymap::builtin().merged(user);
    let mut h = Harness::with(target(&sim.kubeconfig(), None).await, keymap, Scope::All).await;
    h.wait_for("the pods", |s| rows(s).len() == 14).await;
    h.press("j");
    assert_eq!(pods_pane(&h).selected, 1, "j still moves down");
    h.press("G");
    assert_eq!(pods_pane(&h).selected, 13, "G still goes to the last row");
}

// 12 --------------------------------------------------------------------------------------------

/// The k9s keys kdoc answers with a hint: (key, action name).
const K9S: &[(&str, &str)] = &[("s", "shell")];

/// Press each k9s key on the pods pane and expect a one-line hint on the status line.
fn expect_hints(h: &mut Harness, keys: &[&str]) {
    for k in keys {
        h.press("esc");
        assert!(!h.press(k), "{k} quit kdoc");
        let s = h.screen();
        let st = status(&s);
        assert!(
            st.contains("not in kdoc yet") && st.contains("kubectl"),
            "{k} gives a hint on the status line:\n{s}"
        );
        assert_eq!(top(h), "pods", "{k} opened something:\n{s}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k9s_keys_not_in_kdoc_yet_give_a_hint() {
    let sim = mlops().await;

    // Which of them the shipped keymap binds (a key it does not bind is reported, not failed).
    let builtin = Keymap::builtin();
    let mut bound = vec![];
    let mut unbound = vec![];
    for (k, action) in K9S {
        let c = chord(&key(k)).expect("a chord");
        match builtin.lookup(&["pods", "global"], &[c]) {
            Lookup::Action(a) => {
                assert_eq!(
                    kdoc::core::actions::info_of(a).name,
                    *action,
                    "the shipped keymap binds {k} to another action"
                );
                bound.push(*k);
            }
            _ => unbound.push(*k),
        }
    }
    if !unbound.is_empty() {
        eprintln!(
            "REPORT: keymaps/default.toml does not bind these k9s keys: {unbound:?} (expected {:?})",
            K9S.iter()
                .filter(|(k, _)| unbound.contains(k))
                .collect::<Vec<_>>()
        );
    }
    let mut h = Harness::start(&sim).await;
    h.wait_for("the pods", |s| s.contains(KANIKO)).await;
    expect_hints(&mut h, &bound);

    // The hints themselves, with the keys bound by a user keymap.
    let text: String = std::iter::once("[global]\n".to_string())
        .chain(K9S.iter().map(|(k, a)| format!("\"{k}\" = \"{a}\"\n")))
        .collect();
    let (user, diagnostics) = Keymap::parse(Path::new("user.toml"), &text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let keymap = Keymap::builtin().merged(user);
    let mut h = Harness::with(target(&sim.kubeconfig(), None).await, keymap, Scope::All).await;
    h.wait_for("the pods", |s| s.contains(KANIKO)).await;
    let all: Vec<&str> = K9S.iter().map(|(k, _)| *k).collect();
    expect_hints(&mut h, &all);
    // k9s's shift-f is kdoc's port-forward dialog; a terminal may report it as 'f' with
    // SHIFT: the same key as "F".
    h.press("esc");
    h.session.send(AppMsg::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('f'),
        crossterm::event::KeyModifiers::SHIFT,
    )));
    let s = h.screen();
    assert_eq!(top(&h), "port-forward", "shift-f opens the dialog:\n{s}");
}

/// The services pane's details for an Endpoints object the API serves: ready and not-ready
/// addresses with their ports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_services_pane_shows_ready_and_not_ready_endpoints() {
    let base = jiff::Timestamp::now();
    let objects = vec![
        namespace("web"),
        pod(base, "web", "web-1", 60)
            .labels(&[("app", "web")])
            .container(c("app", "nginx").port("http", 8080).running(-30))
            .build(),
        kdoc::sim::scenario::build::service(
            base,
            "web",
            "web",
            &[("app", "web")],
            &[("http", 80, 8080, None)],
            60,
        ),
        serde_json::json!({
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "web", "namespace": "web"},
            "subsets": [{
                "addresses": [{"ip": "10.42.0.7"}],
                "notReadyAddresses": [{"ip": "10.42.0.8"}],
                "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            }],
        }),
    ];
    let sim = common::start(Scenario {
        name: "web".into(),
        objects,
        ..Default::default()
    })
    .await;
    let mut h = Harness::start(&sim).await;
    h.wait_for("the pod", |s| s.contains("web-1")).await;
    command(&mut h, "svc");
    let s = h
        .wait_for("the service's endpoints", |s| s.contains("10.42.0.7"))
        .await;
    let details: String = s
        .lines()
        .skip_while(|l| !l.contains("───"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(details.contains("80/TCP -> targetPort 8080"), "{s}");
    assert!(
        details
            .lines()
            .any(|l| l.contains("endpoints") && l.contains("10.42.0.7:8080")),
        "the ready endpoint:\n{s}"
    );
    assert!(
        details
            .lines()
            .any(|l| l.contains("not ready") && l.contains("10.42.0.8:8080")),
        "the endpoint not ready:\n{s}"
    );
}

/// In a real cluster the endpoints controller gives iris-default an Endpoints object listing its
/// (not ready, ImagePullBackOff) pod; the demo should show the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mlops_demo_lists_iris_default_endpoints() {
    let sim = mlops().await;
    let mut h = started(&sim).await;
    let ip = pods_pane(&h)
        .rows
        .iter()
        .find(|r| r.name.starts_with("iris-default-0-classifier"))
        .map(|r| r.ip.to_string())
        .expect("the iris-default pod");
    command(&mut h, "svc");
    h.wait_text("iris-default ").await;
    let s = h
        .wait_for("the endpoints of iris-default", |s| {
            s.contains(&format!("{ip}:8000"))
        })
        .await;
    assert!(
        s.lines()
            .any(|l| l.contains("not ready") && l.contains(&format!("{ip}:8000"))),
        "iris-default's pod is not ready:\n{s}"
    );
}
