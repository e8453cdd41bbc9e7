//! The workflows view, steps pane and containers pane of the real `kdoc --demo`, driven in a
//! 120x35 tmux pane as a person would: `:wf`, enter, `j`, `esc`, `w`. Each test owns a tmux
//! server on its own socket, killed on drop (also when the test fails). Without tmux the tests
//! print SKIPPED and pass, unless `KDOC_REQUIRE_TMUX` is set.
//!
//! Keys go one at a time with a short gap, and nothing is typed for ~200 ms after `Escape`:
//! crossterm reads ESC followed quickly by a character as Alt+character.

use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kdoc");
const POLL: Duration = Duration::from_millis(100);
const WAIT: Duration = Duration::from_secs(10);

static SESSIONS: AtomicUsize = AtomicUsize::new(0);

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Single-quote for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A tmux server on a private socket with one session `s`; killed on drop.
struct Tmux {
    socket: String,
    /// The socket file, removed on drop (`kill-server` leaves it behind).
    socket_path: Option<std::path::PathBuf>,
    /// HOME (and XDG_CONFIG_HOME) of kdoc: no user keymap, theme or kubeconfig leaks in.
    _home: tempfile::TempDir,
}

impl Tmux {
    /// Start `kdoc <args>` in a 120x35 pane, or `None` (test skipped) without tmux.
    fn start(test: &str, args: &[&str]) -> Option<Tmux> {
        if !tmux_available() {
            if std::env::var_os("KDOC_REQUIRE_TMUX").is_some() {
                panic!("tmux is not installed (or not runnable) and KDOC_REQUIRE_TMUX is set");
            }
            println!("SKIPPED {test}: tmux is not installed");
            return None;
        }
        let home = tempfile::tempdir().expect("a temporary HOME");
        let socket = format!(
            "kdoc-wf-test-{}-{}-{test}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::SeqCst)
        );
        let h = sh_quote(&home.path().display().to_string());
        let args: Vec<String> = args.iter().map(|a| sh_quote(a)).collect();
        let cmd = format!(
            "cd {h} && env -u KUBECONFIG HOME={h} XDG_CONFIG_HOME={h}/.config {} {}; echo EXIT=$?; sleep 60",
            sh_quote(BIN),
            args.join(" ")
        );
        let mut t = Tmux {
            socket,
            socket_path: None,
            _home: home,
        };
        let out = t.tmux(&[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "35",
            "-s",
            "s",
            &cmd,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = t.tmux(&["display-message", "-p", "-t", "s", "#{socket_path}"]);
        let path = String::from_utf8_lossy(&path.stdout).trim().to_string();
        t.socket_path = (!path.is_empty()).then(|| path.into());
        Some(t)
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            // Run from inside tmux too: this is a separate server, not a nested session.
            .env_remove("TMUX")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("tmux runs")
    }

    fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", "s"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen with its colours and attributes as escape sequences.
    fn screen_styled(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-e", "-t", "s"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Poll the screen every 100 ms until `pred` holds; panic with the last screen on timeout.
    fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() >= WAIT {
                panic!("timed out after {WAIT:?} waiting for {what}; the screen was:\n{s}");
            }
            std::thread::sleep(POLL);
        }
    }

    fn wait_for(&self, needle: &str) -> String {
        self.wait_until(&format!("{needle:?}"), |s| s.contains(needle))
    }

    /// Type text literally (no key-name lookup), then let the app read it.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "s", "-l", text]);
        std::thread::sleep(Duration::from_millis(100));
    }

    /// Press `key` (a character, typed literally) `n` times, one at a time.
    fn press(&self, key: &str, n: usize) {
        for _ in 0..n {
            self.type_text(key);
        }
    }

    fn enter(&self) {
        self.tmux(&["send-keys", "-t", "s", "Enter"]);
        std::thread::sleep(Duration::from_millis(100));
    }

    /// Escape, then a pause long enough that the next key is not read as Alt+key.
    fn esc(&self) {
        self.tmux(&["send-keys", "-t", "s", "Escape"]);
        std::thread::sleep(Duration::from_millis(200));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
        if let Some(p) = &self.socket_path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The words of a screen line; box-drawing borders separate words like spaces.
fn words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_whitespace() || ('\u{2500}'..='\u{257f}').contains(&c))
        .filter(|w| !w.is_empty())
}

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
    t.wait_until("the pods", |s| {
        s.contains("connected") && s.contains(KANIKO)
    });
    t.type_text(":");
    t.type_text("wf");
    t.enter();
    t.wait_until("the workflows view", shows_workflows);
    t.press("j", 1);
    t.enter();
    t.wait_until("the steps of the PipelineRun", |s| {
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
    let Some(t) = Tmux::start("wf", &["--demo"]) else {
        return;
    };
    t.wait_until("the pods", |s| {
        s.contains("connected") && s.contains(KANIKO)
    });

    // `:wf` + enter: the Argo Workflow and the Tekton PipelineRun.
    t.type_text(":");
    t.type_text("wf");
    t.enter();
    let s = t.wait_until(
        "the workflows view with iris-demo and the PipelineRun",
        shows_workflows,
    );
    assert!(s.contains("MESSAGE"), "{s}");

    // Enter on iris-demo (the first row): train -> build-image -> deploy with their pods.
    t.enter();
    let s = t.wait_until("the steps of iris-demo", shows_iris_steps);
    let at = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("{needle}:\n{s}"));
    assert!(
        at(TRAIN_POD) < at(KANIKO) && at(KANIKO) < at(DEPLOY_POD),
        "train, build-image, deploy in order:\n{s}"
    );

    // Down twice (the DAG, train, build-image): the details name the kaniko pod and `main`.
    t.press("j", 2);
    t.wait_until("the details of build-image", shows_build_image_details);

    // Enter: the kaniko pod's containers init, wait, main, with `main` selected.
    t.enter();
    let s = t.wait_until(
        "the kaniko pod's containers with main selected",
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
    let s = t.wait_until("the steps of iris-demo again", shows_iris_steps);
    assert!(
        shows_build_image_details(&s),
        "build-image is still selected:\n{s}"
    );
    t.esc();
    t.wait_until("the workflows view again", |s| {
        shows_workflows(s) && !s.contains(IRIS_TITLE)
    });

    // Down to the PipelineRun and enter: push-to-internal failed, register-model skipped.
    t.press("j", 1);
    t.enter();
    let s = t.wait_until("the steps of the PipelineRun", |s| {
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
    t.wait_until("the details of push-to-internal", shows_push_details);

    // Enter: the TaskRun pod, on the step container that failed.
    t.enter();
    let s = t.wait_until(
        "the push-to-internal pod with step-push-image selected",
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
    t.wait_until("the PipelineRun steps again", |s| {
        s.contains(PR_TITLE) && !s.contains("Containers ")
    });
    t.esc();
    t.wait_until("the workflows view again", |s| {
        shows_workflows(s) && !s.contains(PR_TITLE)
    });
    t.esc();
    t.wait_until("the pods view again", |s| {
        s.contains("Pods(all)") && !s.contains(WF_TITLE)
    });

    // `q` still quits cleanly.
    t.type_text("q");
    t.wait_for("EXIT=0");
}

#[test]
fn w_opens_the_workflows_view() {
    let Some(t) = Tmux::start("w", &["--demo"]) else {
        return;
    };
    t.wait_until("the pods", |s| {
        s.contains("connected") && s.contains(KANIKO)
    });
    t.type_text("w");
    t.wait_until("the workflows view", shows_workflows);
    // And esc goes back to the pods.
    t.esc();
    t.wait_until("the pods view again", |s| {
        s.contains("Pods(all)") && !s.contains(WF_TITLE)
    });
    t.type_text("q");
    t.wait_for("EXIT=0");
}

#[test]
fn tekton_failure_message_is_readable_at_120x35() {
    let Some(t) = Tmux::start("msg", &["--demo"]) else {
        return;
    };
    open_pipeline_run(&t);
    t.press("j", 6);
    let s = t.wait_until("the details of push-to-internal", shows_push_details);
    assert!(
        s.contains("\"step-push-image\" exited with code 1"),
        "the whole message of push-to-internal:\n{s}"
    );
}
