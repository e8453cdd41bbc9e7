//! `kdoc logs`, the real binary, against the simulator: the same lines as `kubectl logs` of each
//! step's `main` piped to `grep -i`, in step order; the API's refusal for a container a pod lacks,
//! while the other streams go on. Every process is killed after a timeout.

mod common;

use std::process::{Command, Output};

use common::kubectl::Kubectl;
use common::{COMMAND_TIMEOUT, run_with_timeout};
use kdoc::sim::Sim;
use kdoc::sim::scenario::{builtin, load::LoadSpec};

async fn kdoc_logs(kubeconfig: &std::path::Path, args: &[&str]) -> Output {
    kdoc_logs_with(kubeconfig, args, None).await
}

/// `kdoc logs`, with `XDG_CONFIG_HOME` pointing at `config` when given.
async fn kdoc_logs_with(
    kubeconfig: &std::path::Path,
    args: &[&str],
    config: Option<&std::path::Path>,
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kdoc"));
    if let Some(dir) = config {
        cmd.env("XDG_CONFIG_HOME", dir);
    }
    cmd.arg("logs")
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY");
    tokio::task::spawn_blocking(move || run_with_timeout(&mut cmd, COMMAND_TIMEOUT))
        .await
        .expect("kdoc logs ran")
}

fn kubeconfig(sim: &Sim) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), sim.kubeconfig()).unwrap();
    f
}

/// What `kubectl logs POD -c main | grep -i RE` prints for each step pod, oldest pod first.
async fn kubectl_grep(k: &Kubectl, re: &regex::Regex) -> String {
    let pods = k
        .ok(&[
            "get",
            "pods",
            "-n",
            "argowf",
            "-l",
            "workflows.argoproj.io/workflow=iris-demo",
            "--sort-by=.metadata.creationTimestamp",
            "-o",
            "name",
        ])
        .await;
    let mut out = String::new();
    for pod in pods.lines().filter(|l| !l.is_empty()) {
        let log = k.ok(&["logs", "-n", "argowf", pod, "-c", "main"]).await;
        for line in log.lines().filter(|l| re.is_match(l)) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflows_logs_match_kubectl_and_grep_in_step_order() {
    let sim = common::start(builtin("mlops", &LoadSpec::default()).unwrap()).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let kc = kubeconfig(&sim);
    for include in ["error", "push|manifest", "."] {
        let out = kdoc_logs(
            kc.path(),
            &[
                "workflow/iris-demo",
                "-n",
                "argowf",
                "--include",
                include,
                "--no-prefix",
            ],
        )
        .await;
        assert!(
            out.status.success(),
            "kdoc logs --include {include}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let want = kubectl_grep(&k, &regex::Regex::new(&format!("(?i){include}")).unwrap()).await;
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            want,
            "--include {include}: kdoc logs and kubectl logs | grep -i differ"
        );
        if include == "." {
            assert!(want.lines().count() > 20, "the whole logs: {want}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_a_pod_lacks_is_refused_in_the_apis_words_and_the_rest_print() {
    let sim = common::start(builtin("mlops", &LoadSpec::default()).unwrap()).await;
    if Kubectl::new(&sim).is_none() {
        return;
    }
    let kc = kubeconfig(&sim);
    let out = kdoc_logs(kc.path(), &["^iris-", "-n", "argowf", "-c", "main"]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        err.contains("container main is not valid for pod iris-default-0-classifier"),
        "{err}"
    );
    assert!(
        stdout.contains("Skipping push to container registry"),
        "{stdout}"
    );
    // Prefixed: several containers.
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("iris-demo-kaniko-2925953904/main ")),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1), "a stream failed: exit 1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_clear_error_with_exit_code_2() {
    let sim = common::start(builtin("mlops", &LoadSpec::default()).unwrap()).await;
    let kc = kubeconfig(&sim);
    let out = kdoc_logs(kc.path(), &["pod/x", "-n", "argowf", "--include", "("]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kdoc:") && err.contains('('), "{err}");
    let out = kdoc_logs(kc.path(), &["workflow/nope", "-n", "argowf"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no pods match workflow/nope in namespace argowf"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A preset from the user's config.toml, and the built-in `@errors`, through `--include`; and a
/// Deployment by name, which prints what `kubectl logs deploy/NAME` prints for its one pod.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_presets_errors_and_a_deployment() {
    let sim = common::start(builtin("mlops", &LoadSpec::default()).unwrap()).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let kc = kubeconfig(&sim);
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("kdoc")).unwrap();
    std::fs::write(
        home.path().join("kdoc/config.toml"),
        "[logs.presets]\nsteps = \"model saved|seldondeployment\"\n",
    )
    .unwrap();
    let out = kdoc_logs_with(
        kc.path(),
        &[
            "workflow/iris-demo",
            "-n",
            "argowf",
            "--include",
            "@steps",
            "--no-prefix",
        ],
        Some(home.path()),
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = kubectl_grep(
        &k,
        &regex::Regex::new("(?i)model saved|seldondeployment").unwrap(),
    )
    .await;
    assert!(!want.is_empty());
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
    // Without that config the name is unknown, and the error lists the presets there are.
    let out = kdoc_logs(
        kc.path(),
        &["workflow/iris-demo", "-n", "argowf", "--include", "@steps"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no preset @steps (presets: @errors @push @mlflow"),
        "{err}"
    );
    // @errors finds kaniko's --no-push line, which says no "error".
    let out = kdoc_logs(
        kc.path(),
        &["workflow/iris-demo", "-n", "argowf", "--include", "@errors"],
    )
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Skipping push to container registry due to --no-push flag"),
        "{text}"
    );
    assert!(!text.contains("Taking snapshot"), "{text}");
    // deploy/NAME: the pods its ReplicaSet owns.
    let out = kdoc_logs(kc.path(), &["deploy/mlflow", "-n", "mlflow"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = k.ok(&["logs", "-n", "mlflow", "deploy/mlflow"]).await;
    assert!(!want.is_empty());
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
}
