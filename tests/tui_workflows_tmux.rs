//! The workflows view, steps pane and containers pane of the real `kdoc --demo`, driven in a
//! 120x35 tmux pane as a person would: `:wf`, enter, `j`, `esc`, `w`. Each test owns a tmux
//! server on its own socket, killed on drop (also when the test fails). Without tmux the tests
//! print SKIPPED and pass, unless `KDOC_REQUIRE_TMUX` is set.
//!
//! Keys go one at a time with a short gap, and nothing is typed for ~200 ms after `Escape`:
//! crossterm reads ESC followed quickly by a character as Alt+character. The harness is
//! `tests/common/tmux.rs`.

mod common;

use std::time::Duration;

use common::tmux::{Tmux, words};

const W: u16 = 120;
const H: u16 = 35;
const WAIT: Duration = Duration::from_secs(10);
/// How long to wait for kdoc's first screen: generous, as this is not a start-up benchmark.
const START_WAIT: Duration = Duration::from_secs(30);

/// The first line whose words include `word`.
fn row<'a>(screen: &'a str, word: &str) -> Option<&'a str> {
    screen.lines().find(|l| words(l).any(|w| w == word))
}

/// Whether the row of `word` shows all of `cells` as words.
fn row_has(screen: &str, word: &str, cells: &[&str]) -> bool {
    row(screen, word).is_some_and(|r| cells.iter().all(|c| words(r).any(|w| w == *c)))
}

const IRIS: &str = "iris-demo";
const PR: &str = "mistral-24b-full-8t9qf";
const TRAIN_POD: &str = "iris-demo-train-1086554222";
const KANIKO: &str = "iris-demo-kaniko-2925953904";
const DEPLOY_POD: &str = "iris-demo-deploy-2552441111";
const PUSH_POD: &str = "mistral-24b-full-8t9qf-push-to-internal-pod";

const WF_TITLE: &str = "Workflows(all)[2]";
const IRIS_TITLE: &str = "Workflow argowf/iris-demo";
const PR_TITLE: &str = "PipelineRun private-ai-demo/mistral-24b-full-8t9qf";

fn shows_workflows(s: &str) -> bool {
    s.contains(WF_TITLE)
        && row_has(s, IRIS, &["argowf", "Workflow", "Succeeded", "3/3"])
        && row_has(s, PR, &["private-ai-demo", "PipelineRun", "Failed"])
}

fn shows_iris_steps(s: &str) -> bool {
    s.contains(IRIS_TITLE)
        && row_has(s, "train", &["Pod", "Succeeded", TRAIN_POD])
        && row_has(s, "build-image", &["Pod", "Succeeded", KANIKO])
        && row_has(s, "deploy", &["Pod", "Succeeded", DEPLOY_POD])
}

/// Whether the details under the steps table describe the row whose kind and name are `head`,
/// showing all of `words_` (pod, container, ...) on that line or the next (long lines wrap).
fn details_has(screen: &str, head: &[&str], words_: &[&str]) -> bool {
    let lines: Vec<&str> = screen.lines().collect();
    lines.iter().enumerate().any(|(i, l)| {
        let w: Vec<&str> = words(l)
            .chain(lines.get(i + 1).into_iter().flat_map(|n| words(n)))
            .collect();
        w.starts_with(head) && words_.iter().all(|x| w.contains(x))
    })
}

/// The details of push-to-internal: its pod, and the failed step's container to open.
fn shows_push_details(s: &str) -> bool {
    details_has(
        s,
        &["TaskRun", "push-to-internal"],
        &["pod", PUSH_POD, "container", "step-push-image"],
    )
}

/// `:wf`, then the steps of the PipelineRun.
fn open_pipeline_run(t: &Tmux) -> String {
    t.wait_until("the pods", START_WAIT, |s| {
        s.contains("connected") && s.contains(KANIKO)
    });
    t.type_text(":");
    t.type_text("wf");
    t.enter();
    t.wait_until("the workflows view", WAIT, shows_workflows);
    t.press("j", 1);
    t.enter();
    t.wait_until("the steps of the PipelineRun", WAIT, |s| {
        s.contains(PR_TITLE)
            && row_has(s, "push-to-internal", &["TaskRun", "Failed"])
            && row_has(s, "register-model", &["Skipped"])
    })
}

/// The details of the build-image step: its kaniko pod, and `main` as the container to open.
fn shows_build_image_details(s: &str) -> bool {
    details_has(
        s,
        &["Pod", "build-image"],
        &["pod", KANIKO, "container", "main"],
    )
}

/// The kaniko pod's containers in start order, with the details of `main` (its image is the
/// kaniko executor; `init` and `wait` run argoexec) under the table.
fn shows_kaniko_main(s: &str) -> bool {
    s.contains(&format!("Containers argowf/{KANIKO}"))
        && row_has(s, "init", &["init"])
        && row_has(s, "wait", &["container"])
        && row_has(s, "main", &["container"])
        && row_has(s, "image", &["gcr.io/kaniko-project/executor:v1.23.2"])
}

/// The SGR sequences at the start of the row of `word` in a `capture-pane -e` screen: the
/// row's style, up to its first visible character.
fn row_style(styled: &str, word: &str) -> String {
    let line = styled
        .lines()
        .find(|l| {
            let plain = strip_sgr(l);
            words(&plain).any(|w| w == word)
        })
        .unwrap_or_else(|| panic!("no styled row for {word}:\n{styled}"));
    // Skip the left border, then collect the escapes before the row's first letter.
    let after_border = line.split_once('│').map_or(line, |(_, rest)| rest);
    let mut out = String::new();
    let mut chars = after_border.chars().peekable();
    while chars.peek() == Some(&'\x1b') {
        for c in chars.by_ref() {
            out.push(c);
            if c == 'm' {
                break;
            }
        }
    }
    out
}

fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut in_esc = false;
    for c in s.chars() {
        match (in_esc, c) {
            (false, '\x1b') => in_esc = true,
            (false, c) => out.push(c),
            (true, 'm') => in_esc = false,
            (true, _) => {}
        }
    }
    out
}

#[test]
fn workflows_steps_containers_and_back() {
    let Some(t) = Tmux::start("wf", W, H, &["--demo"]) else {
        return;
    };
    t.wait_until("the pods", START_WAIT, |s| {
        s.contains("connected") && s.contains(KANIKO)
    });

    // `:wf` + enter: the Argo Workflow and the Tekton PipelineRun.
    t.type_text(":");
    t.type_text("wf");
    t.enter();
    let s = t.wait_until(
        "the workflows view with iris-demo and the PipelineRun",
        WAIT,
        shows_workflows,
    );
    assert!(s.contains("MESSAGE"), "{s}");

    // Enter on iris-demo (the first row): train -> build-image -> deploy with their pods.
    t.enter();
    let s = t.wait_until("the steps of iris-demo", WAIT, shows_iris_steps);
    let at = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("{needle}:\n{s}"));
    assert!(
        at(TRAIN_POD) < at(KANIKO) && at(KANIKO) < at(DEPLOY_POD),
        "train, build-image, deploy in order:\n{s}"
    );

    // Down twice (the DAG, train, build-image): the details name the kaniko pod and `main`.
    t.press("j", 2);
    t.wait_until(
        "the details of build-image",
        WAIT,
        shows_build_image_details,
    );

    // Enter: the kaniko pod's containers init, wait, main, with `main` selected.
    t.enter();
    let s = t.wait_until(
        "the kaniko pod's containers with main selected",
        WAIT,
        shows_kaniko_main,
    );
    let pos = |name: &str| {
        s.lines()
            .position(|l| words(l).next() == Some(name))
            .unwrap_or_else(|| panic!("row {name}:\n{s}"))
    };
    assert!(
        pos("init") < pos("wait") && pos("wait") < pos("main"),
        "{s}"
    );
    assert!(
        row_has(
            &s,
            "state",
            &["terminated:", "Completed,", "exit", "code", "0"]
        ),
        "{s}"
    );
    // The selection style is on `main` and only there.
    let styled = t.screen_styled();
    let (init, wait, main) = (
        row_style(&styled, "init"),
        row_style(&styled, "wait"),
        row_style(&styled, "main"),
    );
    assert_eq!(init, wait, "init and wait are drawn alike:\n{styled:?}");
    assert_ne!(main, init, "main is drawn as the selected row:\n{styled:?}");
    let has_bg = |sgr: &str| sgr.contains("[48;") || sgr.contains(";48;");
    assert!(
        has_bg(&main) && !has_bg(&init),
        "only main has the selection background: main {main:?}, init {init:?}"
    );

    // esc: back to the steps, build-image still selected; esc: back to the workflows.
    t.esc();
    let s = t.wait_until("the steps of iris-demo again", WAIT, shows_iris_steps);
    assert!(
        shows_build_image_details(&s),
        "build-image is still selected:\n{s}"
    );
    t.esc();
    t.wait_until("the workflows view again", WAIT, |s| {
        shows_workflows(s) && !s.contains(IRIS_TITLE)
    });

    // Down to the PipelineRun and enter: push-to-internal failed, register-model skipped.
    t.press("j", 1);
    t.enter();
    let s = t.wait_until("the steps of the PipelineRun", WAIT, |s| {
        s.contains(PR_TITLE)
            && row_has(s, "push-to-internal", &["TaskRun", "Failed"])
            && row_has(s, "register-model", &["Skipped"])
    });
    // At 120 columns the MESSAGE column shows the start of push-to-internal's message.
    assert!(
        row(&s, "push-to-internal")
            .unwrap()
            .contains("\"step-push-image\" exited"),
        "{s}"
    );
    assert!(
        row(&s, "register-model")
            .unwrap()
            .contains("PipelineRun was stopping"),
        "{s}"
    );
    assert!(row_has(&s, "push-image", &["Step", "Error"]), "{s}");
    assert!(
        row(&s, "push-image").unwrap().contains("exit code 1"),
        "{s}"
    );

    // push-to-internal is the 7th row (the run, download-model and its step, build-image and
    // its two steps): the details name its pod and the failed container.
    t.press("j", 6);
    t.wait_until("the details of push-to-internal", WAIT, shows_push_details);

    // Enter: the TaskRun pod, on the step container that failed.
    t.enter();
    let s = t.wait_until(
        "the push-to-internal pod with step-push-image selected",
        WAIT,
        |s| {
            s.contains(&format!("Containers private-ai-demo/{PUSH_POD}"))
                && row_has(s, "step-push-image", &["container"])
                && row_has(s, "image", &["quay.io/skopeo/stable:v1.16"])
        },
    );
    assert!(
        row_has(&s, "state", &["terminated:", "Error,", "exit", "code", "1"]),
        "{s}"
    );
    for init in ["prepare", "place-scripts"] {
        assert!(row_has(&s, init, &["init"]), "{init}:\n{s}");
    }

    // esc walks back: containers -> steps -> workflows -> pods.
    t.esc();
    t.wait_until("the PipelineRun steps again", WAIT, |s| {
        s.contains(PR_TITLE) && !s.contains("Containers ")
    });
    t.esc();
    t.wait_until("the workflows view again", WAIT, |s| {
        shows_workflows(s) && !s.contains(PR_TITLE)
    });
    t.esc();
    t.wait_until("the pods view again", WAIT, |s| {
        s.contains("Pods(all)") && !s.contains(WF_TITLE)
    });

    // `q` still quits cleanly.
    t.type_text("q");
    t.wait_for("EXIT=0", WAIT);
}

#[test]
fn w_opens_the_workflows_view() {
    let Some(t) = Tmux::start("w", W, H, &["--demo"]) else {
        return;
    };
    t.wait_until("the pods", START_WAIT, |s| {
        s.contains("connected") && s.contains(KANIKO)
    });
    t.type_text("w");
    t.wait_until("the workflows view", WAIT, shows_workflows);
    // And esc goes back to the pods.
    t.esc();
    t.wait_until("the pods view again", WAIT, |s| {
        s.contains("Pods(all)") && !s.contains(WF_TITLE)
    });
    t.type_text("q");
    t.wait_for("EXIT=0", WAIT);
}

#[test]
fn tekton_failure_message_is_readable_at_120x35() {
    let Some(t) = Tmux::start("msg", W, H, &["--demo"]) else {
        return;
    };
    open_pipeline_run(&t);
    t.press("j", 6);
    let s = t.wait_until("the details of push-to-internal", WAIT, shows_push_details);
    assert!(
        s.contains("\"step-push-image\" exited with code 1"),
        "the whole message of push-to-internal:\n{s}"
    );
}
