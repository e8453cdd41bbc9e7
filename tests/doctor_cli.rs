//! `kdoc doctor`, the real binary: its exit codes (0 nothing wrong, 1 warnings, 2 errors, 3
//! could not run), its text, and its JSON (a snapshot: the documented schema). Every process
//! is killed after a timeout.

mod common;

use std::process::{Command, Output};

use common::{COMMAND_TIMEOUT, run_with_timeout};

fn kdoc_doctor(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kdoc"));
    cmd.arg("doctor")
        .args(args)
        // No user rule files from the machine running the tests.
        .env("XDG_CONFIG_HOME", "/nonexistent-kdoc-test")
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY");
    run_with_timeout(&mut cmd, COMMAND_TIMEOUT)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn errors_exit_2_with_kubectls_words() {
    let o = kdoc_doctor(&[
        "svc/iris-default",
        "-n",
        "argowf",
        "--port",
        "8080",
        "--demo",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("kdoc doctor service/iris-default -n argowf: "),
        "{out}"
    );
    assert!(
        out.contains("ERROR   Service iris-default does not have a service port 8080"),
        "{out}"
    );
    assert!(
        out.contains("ports of service/iris-default: 8000/TCP (http), 5001/TCP (grpc)"),
        "{out}"
    );
    assert!(
        out.contains("kubectl port-forward svc/iris-default -n argowf 8080:8000"),
        "{out}"
    );
}

#[test]
fn warnings_only_exit_1() {
    let o = kdoc_doctor(&["pod/model-trainer-5f6d7c8b9-q7wzr", "-n", "mlops", "--demo"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains(": 0 errors, 1 warning, 0 notes"),
        "{}",
        stdout(&o)
    );
}

/// A healthy pod (the real nginx pod k9s's tests use), served from a folder: all clear.
#[test]
fn a_healthy_pod_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::fixtures_dir().join("pod-nginx-running-k9s.json"),
        dir.path().join("pod.json"),
    )
    .unwrap();
    let o = kdoc_doctor(&[
        "pod/nginx",
        "-n",
        "default",
        "--from-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("Nothing wrong found."),
        "{}",
        stdout(&o)
    );
}

#[test]
fn what_cannot_be_checked_exits_3_and_says_why() {
    let o = kdoc_doctor(&["pod/nope", "-n", "argowf", "--demo"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("pod \"nope\" not found in namespace argowf"),
        "{}",
        stderr(&o)
    );
    let o = kdoc_doctor(&[
        "isvc/iris-model",
        "-n",
        "user-example-com",
        "-o",
        "yaml",
        "--demo",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("-o yaml: expected text, json or markdown"),
        "{}",
        stderr(&o)
    );
    let o = kdoc_doctor(&["frobnicator/x", "--demo"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("unknown kind \"frobnicator\""),
        "{}",
        stderr(&o)
    );
    let o = kdoc_doctor(&["ns/nowhere", "--demo"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("namespace \"nowhere\" not found"),
        "{}",
        stderr(&o)
    );
}

/// The JSON schema (`kdoc.doctor/v1`, documented in the README) on runbook 003's PipelineRun.
/// Event ages move with the clock, so they are blanked before the snapshot.
#[test]
fn json_report_of_the_tekton_run() {
    let o = kdoc_doctor(&[
        "pipelinerun/mistral-24b-full-8t9qf",
        "-n",
        "private-ai-demo",
        "-o",
        "json",
        "--demo",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    fn blank(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "age_seconds" && !x.is_null() {
                        *x = serde_json::json!("<age>");
                    } else {
                        blank(x);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(blank),
            _ => {}
        }
    }
    blank(&mut v);
    assert_eq!(v["schema"], "kdoc.doctor/v1");
    insta::assert_snapshot!(serde_json::to_string_pretty(&v).unwrap());
}

/// Markdown for a ticket: a heading per finding, evidence and fix in code blocks.
#[test]
fn markdown_report() {
    let o = kdoc_doctor(&[
        "pod/iris-demo-kaniko-2925953904",
        "-n",
        "argowf",
        "-c",
        "kaniko",
        "-o",
        "markdown",
        "--demo",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(
        out.starts_with("# kdoc doctor pod/iris-demo-kaniko-2925953904 -n argowf: "),
        "{out}"
    );
    assert!(
        out.contains("## error: container kaniko is not valid for pod iris-demo-kaniko-2925953904"),
        "{out}"
    );
    assert!(
        out.contains("```\nkubectl logs iris-demo-kaniko-2925953904 -n argowf -c main\n"),
        "{out}"
    );
}

/// A user rule file with a mistake is reported with its file and line; the built-in rules and
/// the user's good file still run.
#[test]
fn a_bad_user_rule_file_is_reported_and_the_rest_runs() {
    let home = tempfile::tempdir().unwrap();
    let rules = home.path().join("kdoc/rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        rules.join("bad.toml"),
        "[[rule]]\nid = \"mine.broken\"\ntitle = \"x\"\nregex = \"(unclosed\"\nseverity = \"error\"\n",
    )
    .unwrap();
    std::fs::write(
        rules.join("good.toml"),
        "[[rule]]\nid = \"mine.seldon-debug\"\ntitle = \"Seldon logs at DEBUG\"\nregex = \"level=debug|\\\\bDEBUG\\\\b\"\ncontainers = [\"seldon-container-engine\"]\nseverity = \"info\"\nexplanation = \"The executor runs at DEBUG.\"\n",
    )
    .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kdoc"));
    cmd.args(["doctor", "workflow/iris-demo", "-n", "argowf", "--demo"])
        .env("XDG_CONFIG_HOME", home.path())
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY");
    let o = run_with_timeout(&mut cmd, COMMAND_TIMEOUT);
    let err = stderr(&o);
    let bad = rules.join("bad.toml");
    assert!(
        err.contains(&format!("kdoc: {}:4: ", bad.display())),
        "{err}"
    );
    assert!(err.contains("mine.broken"), "{err}");
    // The built-in rules still ran.
    assert!(
        stdout(&o).contains("(log.kaniko-no-push)"),
        "{}",
        stdout(&o)
    );
    assert_eq!(o.status.code(), Some(2));
}

/// Runbook 000 headless: the workflow's kaniko step never pushed what the Seldon pod pulls.
#[test]
fn headless_the_iris_demo_workflow() {
    let o = kdoc_doctor(&["workflow/iris-demo", "-n", "argowf", "--demo"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("(log.kaniko-no-push)"), "{out}");
    assert!(out.contains("(across.image-never-pushed)"), "{out}");
    assert!(
        out.contains("INFO[0077] Skipping push to container registry due to --no-push flag"),
        "{out}"
    );
}

/// Runbooks 001/004 headless: the `mlops` namespace's triage.
#[test]
fn headless_the_mlops_triage() {
    let o = kdoc_doctor(&["ns/mlops", "--demo", "-o", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for want in [
        "status.crash-loop",
        "status.oom-killed",
        "status.pending",
        "status.failed-mount",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
}

/// Runbook 002 headless, on a cluster that kdoc did not start: `kdoc sim` plays the KServe
/// predictor's timeline ten times faster; `kdoc doctor --kubeconfig` is asked until the four
/// diagnoses show together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_the_kserve_predictor_on_a_running_cluster() {
    let sim = common::mlops(10.0).await;
    let kc = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(kc.path(), sim.kubeconfig()).unwrap();
    let path = kc.path().to_str().unwrap().to_string();
    let want = [
        "(kserve.no-runtime)",
        "(log.aws-no-credentials)",
        "(log.istiod-unreachable)",
        "(log.model-dummy-fallback)",
    ];
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let p = path.clone();
        let o = tokio::task::spawn_blocking(move || {
            kdoc_doctor(&[
                "isvc/iris-model",
                "-n",
                "user-example-com",
                "--kubeconfig",
                &p,
            ])
        })
        .await
        .unwrap();
        let out = stdout(&o);
        if want.iter().all(|w| out.contains(w)) {
            assert!(matches!(o.status.code(), Some(1 | 2)), "{out}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still not all of {want:?}:\n{out}{}",
            stderr(&o)
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}
