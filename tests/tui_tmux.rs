//! The real `kdoc` binary driven as a person would: in a tmux pane, reading the screen and
//! typing keys. Each test owns a tmux server on its own socket, killed on drop (also when the
//! test fails). Without tmux the tests print SKIPPED and pass, unless `KDOC_REQUIRE_TMUX` is set.
//!
//! The pane runs `kdoc ...; echo EXIT=$?; sleep 60`, so after kdoc exits the shell's `EXIT=`
//! line is what the primary screen shows. The harness is `tests/common/tmux.rs`.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::tmux::{BIN, Tmux, words};
use common::{COMMAND_TIMEOUT, run_with_timeout};

/// How long to wait for kdoc's first screen: generous, as this is not a start-up benchmark.
const START_WAIT: Duration = Duration::from_secs(30);

/// The screen line showing the pod whose (possibly truncated) name starts with `name`.
fn row<'a>(screen: &'a str, name: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(name))
}

/// Whether the row of `name` shows all of `cells` (READY, STATUS, ... as on screen).
fn row_has(screen: &str, name: &str, cells: &[&str]) -> bool {
    row(screen, name).is_some_and(|r| cells.iter().all(|c| words(r).any(|w| w == *c)))
}

const KANIKO: &str = "iris-demo-kaniko-2925953904";
/// The Seldon pod `iris-default-0-classifier-85d56cc6b6-qsjpr`; at 120 columns with every
/// namespace shown the NAME column shows only its first 27 characters.
const SELDON: &str = "iris-default-0-classifier";

/// (row name prefix, namespace, STATUS) the `mlops` scenario starts with.
const START: &[(&str, &str, &str)] = &[
    (KANIKO, "argowf", "Completed"),
    (SELDON, "argowf", "ImagePullBackOff"),
    (
        "iris-model-predictor",
        "user-example-com",
        "Init:CrashLoopBackOff",
    ),
    ("feature-server", "mlops", "CrashLoopBackOff"),
    ("gpu-inference", "mlops", "Pending"),
    ("iris-api", "mlops", "ContainerCreating"),
    ("mistral-24b-full-8t9qf-push", "private-ai-demo", "Error"),
    ("mistral-24b-full-8t9qf-bui", "private-ai-demo", "Completed"),
];

fn shows_start(screen: &str) -> bool {
    START
        .iter()
        .all(|(name, ns, status)| row_has(screen, name, &[ns, status]))
}

#[test]
fn demo_shows_the_scenario_pods_at_start() {
    // Speed 1: at --speed 5 the scenario's first changes (the feature-server restart at t+10s,
    // the KServe init fix at t+12s) land ~2 s in, racing the very statuses checked here. How
    // fast the first screen comes is tui_bench's business, not this test's.
    let Some(t) = Tmux::start("start", 120, 35, &["--demo"]) else {
        return;
    };
    let s = t.wait_until(
        "every namespace's pods with their starting statuses",
        START_WAIT,
        shows_start,
    );
    assert!(s.contains("ns all"), "{s}");
    assert!(s.contains("connected"), "{s}");
    assert!(
        row_has(&s, "mlflow-7d9c6b8f45", &["mlflow", "1/1", "Running"]),
        "{s}"
    );
}

#[test]
fn seldon_pod_recovers_when_the_image_becomes_pullable() {
    let Some(t) = Tmux::start("seldon", 120, 35, &["--demo", "--speed", "5"]) else {
        return;
    };
    // ImagePullBackOff lasts until t+45s of scenario time (9 s at --speed 5): wait nearly that.
    t.wait_until(
        "the Seldon pod in ImagePullBackOff",
        Duration::from_secs(8),
        |s| row_has(s, SELDON, &["argowf", "0/2", "ImagePullBackOff"]),
    );
    // The package turns public at t+45s and the executor is ready at t+50s: 10 s at --speed 5.
    let s = t.wait_until(
        "the Seldon pod 2/2 Running (t+50s of scenario time, 10 s at --speed 5; if it only \
         recovers ~50 s after start, --speed is not reaching the simulator)",
        Duration::from_secs(30),
        |s| row_has(s, SELDON, &["argowf", "2/2", "Running"]),
    );
    assert!(!row(&s, SELDON).unwrap().contains("ImagePull"), "{s}");
}

#[test]
fn filter_namespace_help_and_quit() {
    let Some(t) = Tmux::start("keys", 120, 35, &["--demo", "--speed", "5"]) else {
        return;
    };
    let wait = Duration::from_secs(5);
    t.wait_until("the pods", START_WAIT, |s| {
        row(s, KANIKO).is_some() && row(s, "mlflow-").is_some()
    });

    // `/kaniko`: only the kaniko pod remains, the title shows the filter.
    t.type_text("/");
    t.type_text("kaniko");
    let s = t.wait_until("the kaniko filter applied", wait, |s| {
        s.contains("</kaniko>") && s.contains("[1]") && row(s, "mlflow-").is_none()
    });
    assert!(row_has(&s, KANIKO, &["argowf", "Completed"]), "{s}");
    for gone in ["mlflow-", "feature-server", SELDON, "mistral-"] {
        assert!(row(&s, gone).is_none(), "{gone} is filtered out:\n{s}");
    }
    // Enter keeps the filter and leaves the input; Esc then clears it.
    t.enter();
    let s = t.wait_until("the filter input closed", wait, |s| {
        s.contains("<?> help") && s.contains("</kaniko>")
    });
    assert!(row(&s, "mlflow-").is_none(), "{s}");
    t.esc();
    let s = t.wait_until("the filter cleared", wait, |s| {
        !s.contains("</kaniko>") && row(s, "mlflow-").is_some()
    });
    assert!(row(&s, KANIKO).is_some(), "{s}");

    // `:ns argowf`: the header and the title say argowf; no pod of another namespace is left.
    t.type_text(":");
    t.type_text("ns argowf");
    t.enter();
    let s = t.wait_until("the argowf namespace", wait, |s| {
        s.contains("ns argowf") && s.contains("Pods(argowf)") && row(s, KANIKO).is_some()
    });
    for other in [
        "feature-server",
        "model-trainer",
        "gpu-inference",
        "iris-api",
        "mlflow-",
        "mistral-",
        "iris-model-predictor",
    ] {
        assert!(row(&s, other).is_none(), "{other} is not in argowf:\n{s}");
    }
    assert!(
        !s.contains("NAMESPACE"),
        "no namespace column when scoped:\n{s}"
    );

    // `?`: help lists the actions by name; Esc closes it.
    t.type_text("?");
    let s = t.wait_for("Help: pods (esc closes)", wait);
    for name in [
        "filter",
        "command",
        "namespaces",
        "all-namespaces",
        "sort-status",
    ] {
        assert!(
            s.lines().any(|l| words(l).any(|w| w == name)),
            "help lists {name}:\n{s}"
        );
    }
    // quit is last: the help scrolls to it.
    t.type_text("G");
    let s = t.wait_until("the end of the help", wait, |s| {
        s.lines().any(|l| words(l).any(|w| w == "quit"))
    });
    assert!(s.contains("Quit kdoc"), "{s}");
    t.esc();
    t.wait_until("help closed", wait, |s| {
        !s.contains("Help: pods (esc closes)") && row(s, KANIKO).is_some()
    });

    // `q`: kdoc exits 0 and gives the shell its screen back.
    t.type_text("q");
    let s = t.wait_for("EXIT=0", wait);
    assert!(
        !t.alternate_screen_on(),
        "the alternate screen is left on:\n{s}"
    );
    assert!(
        !s.contains("Pods(") && !s.contains(KANIKO),
        "the TUI is still on the screen after exit:\n{s}"
    );
    let first = s.lines().find(|l| !l.trim().is_empty());
    assert_eq!(first, Some("EXIT=0"), "{s}");
}

#[test]
fn too_small_terminal() {
    let Some(t) = Tmux::start("small", 50, 10, &["--demo"]) else {
        return;
    };
    let s = t.wait_for("Terminal too small", START_WAIT);
    assert!(s.contains("60x12"), "{s}");
    // "press q" works here too.
    t.type_text("q");
    t.wait_for("EXIT=0", Duration::from_secs(5));
    assert!(!t.alternate_screen_on());
}

/// Run kdoc directly (no terminal, stdin from /dev/null), with an empty HOME and no
/// KUBECONFIG; killed (and the test failed) if it has not exited within [`COMMAND_TIMEOUT`].
fn run_plain(home: &Path, args: &[&str]) -> Output {
    run_with_timeout(
        Command::new(BIN)
            .args(args)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env_remove("KUBECONFIG")
            .env_remove("KUBERNETES_SERVICE_HOST")
            .env_remove("KUBERNETES_SERVICE_PORT"),
        COMMAND_TIMEOUT,
    )
}

/// Exit code 2, nothing on stdout, one line on stderr, no escape sequence anywhere.
fn one_line_error(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        !stdout.contains('\x1b') && !stderr.contains('\x1b'),
        "escape sequences: {stdout:?} {stderr:?}"
    );
    assert_eq!(stdout, "", "nothing on stdout");
    let line = stderr.strip_suffix('\n').unwrap_or(&stderr);
    assert!(
        !line.is_empty() && !line.contains('\n'),
        "one line on stderr: {stderr:?}"
    );
    line.to_string()
}

#[test]
fn no_kubeconfig_is_one_line_pointing_at_demo() {
    let home = tempfile::tempdir().unwrap();
    let out = run_plain(home.path(), &[]);
    let line = one_line_error(&out);
    let looked_at = home.path().join(".kube").join("config");
    assert!(
        line.contains("~/.kube/config") || line.contains(&looked_at.display().to_string()),
        "names where it looked: {line}"
    );
    assert!(line.contains("kdoc --demo"), "suggests the demo: {line}");
}

#[test]
fn unknown_context_lists_the_known_ones() {
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = home.path().join("two-contexts.yaml");
    std::fs::write(
        &kubeconfig,
        r#"apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: c1
  cluster: {server: "https://127.0.0.1:1"}
- name: c2
  cluster: {server: "https://127.0.0.1:2"}
users:
- name: u
  user: {token: not-a-secret}
contexts:
- name: alpha
  context: {cluster: c1, user: u, namespace: default}
- name: beta
  context: {cluster: c2, user: u}
"#,
    )
    .unwrap();
    let out = run_plain(
        home.path(),
        &[
            "--context",
            "nope",
            "--kubeconfig",
            &kubeconfig.display().to_string(),
        ],
    );
    let line = one_line_error(&out);
    assert!(line.contains("nope"), "names the context asked for: {line}");
    assert!(
        line.contains("alpha") && line.contains("beta"),
        "lists the known contexts: {line}"
    );
}

/// SIGTERM (what `kill` and most supervisors send) ends kdoc like `q`: exit 0, the main
/// screen back and the tty out of raw mode, instead of a shell left unusable.
#[test]
fn sigterm_restores_the_terminal() {
    let Some(t) = Tmux::start("sigterm", 120, 35, &["--demo"]) else {
        return;
    };
    t.wait_for(KANIKO, START_WAIT);
    let out = t.tmux(&["display", "-p", "#{pane_pid} #{pane_tty}"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut parts = text.split_whitespace();
    let (shell, tty) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let pids = run_with_timeout(
        Command::new("pgrep").args(["-P", shell, "-x", "kdoc"]),
        COMMAND_TIMEOUT,
    );
    let pid = String::from_utf8_lossy(&pids.stdout).trim().to_string();
    assert!(!pid.is_empty(), "kdoc's pid under the pane's shell {shell}");
    run_with_timeout(Command::new("kill").args(["-TERM", &pid]), COMMAND_TIMEOUT);
    t.wait_for("EXIT=0", Duration::from_secs(10));
    assert!(!t.alternate_screen_on());
    let stty = run_with_timeout(
        Command::new("stty").args(["-F", tty, "-a"]),
        COMMAND_TIMEOUT,
    );
    let modes = String::from_utf8_lossy(&stty.stdout).to_string();
    assert!(
        modes.split_whitespace().any(|w| w == "icanon")
            && modes.split_whitespace().any(|w| w == "echo"),
        "the tty is back in cooked mode: {modes}"
    );
}

#[test]
fn logs_of_the_workflow_with_the_errors_preset_a_copy_pause_and_resume() {
    let Some(t) = Tmux::start("logs", 120, 35, &["--demo"]) else {
        return;
    };
    let wait = Duration::from_secs(10);
    t.wait_until("the pods", START_WAIT, |s| row(s, KANIKO).is_some());
    t.type_text("w");
    t.wait_for("iris-demo", wait);
    t.type_text("/");
    t.type_text("iris-demo");
    t.enter();
    t.type_text("l");
    let s = t.wait_until("the workflow's step logs", wait, |s| {
        s.contains("argowf/workflow/iris-demo") && s.contains("ended: exit code 0")
    });
    assert!(s.contains(&format!("{KANIKO}/main")), "{s}");
    // The errors preset: one key, and the --no-push line is among what it finds.
    t.type_text("E");
    // The --no-push line may be on screen before the key lands, and a large buffer is
    // re-filtered a slice at a time: wait for the filtered view as a whole.
    t.wait_until("the errors preset", wait, |s| {
        s.contains("filter /@errors")
            && s.contains("--no-push flag")
            && !s.contains("Taking snapshot")
    });
    // Copy the newest line (OSC 52): tmux, told to take clipboard writes, holds it.
    t.tmux(&["set-option", "-s", "set-clipboard", "on"]);
    t.type_text("c");
    t.wait_until("copied", wait, |s| s.contains("copied the selected line"));
    let buffer = t.tmux(&["show-buffer"]);
    assert_eq!(
        String::from_utf8_lossy(&buffer.stdout),
        "INFO[0077] Skipping push to container registry due to --no-push flag"
    );
    // Pause and resume.
    t.type_text(" ");
    t.wait_until("paused", wait, |s| s.contains("paused, 0 new"));
    t.type_text(" ");
    t.wait_until("following again", wait, |s| s.contains("following"));
    // esc clears the logs' filter, then walks back to the workflows, their filter kept.
    t.esc();
    t.wait_until("the filter cleared", wait, |s| {
        !s.contains("filter /@errors")
    });
    t.esc();
    t.wait_until("back on the workflows", wait, |s| {
        s.contains("Workflows(") && s.contains("</iris-demo>")
    });
}

/// Runbook 002 in a real terminal: the KServe predictor pod's logs, the errors preset and wrap
/// on, show the S3 credentials failure under storage-initializer and the istiod timeout under
/// istio-proxy; a pause while its containers keep logging counts what arrived.
#[test]
fn logs_of_the_kserve_predictor_with_each_containers_failure() {
    // Four times faster: the pod's containers start 21 scenario seconds in.
    let Some(t) = Tmux::start("kserve-logs", 120, 35, &["--demo", "--speed", "4"]) else {
        return;
    };
    let wait = Duration::from_secs(20);
    t.wait_until("the pods", START_WAIT, |s| {
        row(s, "iris-model-predictor").is_some()
    });
    t.type_text("/");
    t.type_text("iris-model-predictor");
    t.enter();
    t.type_text("l");
    t.type_text("E");
    t.type_text("w");
    let s = t.wait_until("both failures", wait, |s| {
        s.contains("NoCredentialsError") && s.contains("i/o timeout")
    });
    let line = |needle: &str| s.lines().find(|l| l.contains(needle)).unwrap_or_default();
    assert!(
        line("NoCredentialsError").contains("storage-initializer"),
        "{s}"
    );
    assert!(line("failed to sign").contains("istio-proxy"), "{s}");
    // Paused, the lines that keep coming are counted; resumed, they show.
    t.type_text("E");
    t.type_text(" ");
    let s = t.wait_until("lines counted while paused", wait, |s| {
        s.contains("paused, ") && !s.contains("paused, 0 new")
    });
    assert!(!s.contains("following"), "{s}");
    t.type_text(" ");
    t.wait_until("following again", wait, |s| s.contains("following"));
}

/// Runbook 000 in a real terminal: D on the workflow's kaniko step names the image it never
/// pushed and the pod that cannot pull it; enter opens that step's log; `:doctor` with the
/// port the runbook tried names iris-default's real ports and the one to use.
#[test]
fn doctor_on_the_kaniko_step_and_on_port_8080() {
    let Some(t) = Tmux::start("doctor", 120, 35, &["--demo"]) else {
        return;
    };
    let wait = Duration::from_secs(15);
    t.wait_until("the pods", START_WAIT, |s| row(s, KANIKO).is_some());
    t.type_text("/");
    t.type_text(KANIKO);
    t.enter();
    t.type_text("D");
    let s = t.wait_until("the doctor's findings", wait, |s| {
        s.contains(&format!("Doctor pod/{KANIKO} [argowf]")) && s.contains("· done")
    });
    assert!(
        s.contains("cannot be pulled because the build that makes it never pushed it"),
        "{s}"
    );
    assert!(
        s.contains("Skipping push to container registry due to --no-push flag"),
        "{s}"
    );
    t.enter();
    t.wait_until("the step's log", wait, |s| {
        s.contains(&format!("pod/{KANIKO} -c main")) && s.contains("--no-push flag")
    });
    t.esc();
    t.esc();
    t.type_text(":");
    t.type_text("doctor svc/iris-default -n argowf --port 8080");
    t.enter();
    let s = t.wait_until("the port finding", wait, |s| {
        s.contains("Doctor service/iris-default [argowf]") && s.contains("· done")
    });
    assert!(
        s.contains("Service iris-default does not have a service port 8080"),
        "{s}"
    );
}

/// Port-forwards in a real terminal (`--demo --speed 5`, so iris-default's pod runs after
/// about 9 s): MLflow's 5000 from the services pane and `/health`; iris-default's 8000 once its
/// pod runs, active in `:pf`, checked, stopped.
#[test]
fn forward_mlflow_and_iris_default_check_and_stop() {
    let Some(t) = Tmux::start("forwards", 120, 35, &["--demo", "--speed", "5"]) else {
        return;
    };
    let wait = Duration::from_secs(20);
    t.wait_until("the pods", START_WAIT, |s| row(s, KANIKO).is_some());
    t.type_text(":");
    t.type_text("svc");
    t.enter();
    t.wait_for("iris-default", wait);
    t.type_text("/");
    t.type_text("^mlflow/mlflow ");
    t.enter();
    t.type_text("F");
    let s = t.wait_for("Port-forward svc/mlflow [mlflow]", wait);
    assert!(s.contains("5000/TCP (http) -> pod port 5000"), "{s}");
    // Any free local port: 5000 may be taken on the machine running the test.
    t.type_text("e");
    t.key("C-u");
    t.type_text("pf svc/mlflow 0:5000 -n mlflow");
    t.enter();
    t.wait_until("mlflow's forward active", wait, |s| {
        s.contains("Forwards[1]") && s.contains("active: pod/mlflow-")
    });
    t.type_text(":");
    t.type_text("check /health");
    t.enter();
    t.wait_for("check: GET /health 200", wait);
    t.type_text("x");
    t.wait_for("No forwards.", wait);
    // iris-default: 8000 and 5001 offered (not 8080); forwardable once its pod runs.
    t.esc();
    t.type_text(":");
    t.type_text("svc argowf");
    t.enter();
    t.type_text("/");
    t.type_text("iris-default ");
    t.enter();
    t.type_text("F");
    let s = t.wait_until(
        "the pod running, both ports offered",
        Duration::from_secs(60),
        |s| s.contains("8000/TCP (http) -> pod port") && s.contains("5001/TCP (grpc) -> pod port"),
    );
    assert!(!s.contains("8080"), "{s}");
    t.type_text("e");
    t.key("C-u");
    t.type_text("pf svc/iris-default 0:8000 -n argowf");
    t.enter();
    t.wait_until("iris-default active", wait, |s| {
        s.contains("svc/iris-default") && s.contains("active: pod/iris-default-0-classifier-")
    });
    t.type_text("c");
    t.wait_for("check: GET / ", wait);
    t.type_text("x");
    t.wait_for("No forwards.", wait);
}
