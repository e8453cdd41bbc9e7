//! `kdoc port-forward` as a process, against the simulator through a kubeconfig: kubectl's
//! `Forwarding from` line, a request through it, `Handling connection for`, a replaced pod
//! followed (reported on stderr), and kubectl's error with kdoc's suggestion (exit 1) for a
//! port the service does not have. Every read has a timeout and the process is killed.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{Bounded, COMMAND_TIMEOUT, run_with_timeout};
use k8s_openapi::api::core::v1::Pod;
use kdoc::cluster::forward::http_check;
use kdoc::core::forward::HttpCheck;
use kdoc::sim::Sim;
use kube::Api;

const NS: &str = "argowf";
const SELDON_POD: &str = "iris-default-0-classifier-85d56cc6b6-qsjpr";
const PREDICTION: &str =
    r#"{"data":{"names":["t:0","t:1","t:2"],"ndarray":[[0.0,0.0,1.0]]},"meta":{}}"#;

fn kubeconfig(sim: &Sim) -> tempfile::NamedTempFile {
    let kc = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(kc.path(), sim.kubeconfig()).unwrap();
    kc
}

/// The process, killed when dropped; its output lines arrive on channels.
struct Kdoc {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Kdoc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(pipe: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(l) = line else { break };
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    rx
}

impl Kdoc {
    fn spawn(args: &[&str]) -> Kdoc {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kdoc"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kdoc starts");
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        Kdoc {
            child,
            stdout,
            stderr,
        }
    }

    /// The next line on `which` (stdout or stderr), or a panic after `COMMAND_TIMEOUT`.
    fn line(&self, stderr: bool) -> String {
        let rx = if stderr { &self.stderr } else { &self.stdout };
        let name = if stderr { "stderr" } else { "stdout" };
        rx.recv_timeout(COMMAND_TIMEOUT)
            .unwrap_or_else(|e| panic!("no line on {name} within {COMMAND_TIMEOUT:?}: {e}"))
    }
}

fn predict(local: &str) -> HttpCheck {
    HttpCheck {
        base: format!("http://{local}"),
        method: "POST".into(),
        path: "/api/v1.0/predictions".into(),
        body: Some(r#"{"data": {"ndarray": [[5.1, 3.5, 1.4, 0.2]]}}"#.into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_a_service_like_kubectl_and_following_its_new_pod() {
    let sim = common::mlops(20.0).await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), NS);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while pods
        .get(SELDON_POD)
        .bounded("get the Seldon pod")
        .await
        .unwrap()
        .status
        .and_then(|s| s.phase)
        .as_deref()
        != Some("Running")
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the Seldon pod runs"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let kc = kubeconfig(&sim);
    let path = kc.path().to_str().unwrap();
    let kdoc = Kdoc::spawn(&[
        "port-forward",
        "svc/iris-default",
        ":8000",
        "-n",
        NS,
        "--kubeconfig",
        path,
    ]);
    let first = tokio::task::block_in_place(|| kdoc.line(false));
    let local = first
        .strip_prefix("Forwarding from ")
        .and_then(|r| r.strip_suffix(" -> 8000"))
        .unwrap_or_else(|| panic!("kubectl's line, got {first:?}"))
        .to_string();
    assert!(local.starts_with("127.0.0.1:"), "{first}");
    let port = local.rsplit(':').next().unwrap().to_string();
    let answer = http_check(&predict(&local))
        .bounded("a prediction through kdoc port-forward")
        .await
        .expect("an answer");
    assert_eq!(
        (answer.status, answer.body_head.as_str()),
        (200, PREDICTION)
    );
    let handling = tokio::task::block_in_place(|| kdoc.line(false));
    assert_eq!(handling, format!("Handling connection for {port}"));

    // The pod is replaced: kdoc says so on stderr and forwards to the new one.
    let new_pod = sim.replace_pod(NS, SELDON_POD).unwrap();
    let went = tokio::task::block_in_place(|| kdoc.line(true));
    assert!(
        went.starts_with(&format!(
            "kdoc: pod {SELDON_POD} went away; reconnecting (attempt 1): "
        )),
        "{went}"
    );
    let mut now = tokio::task::block_in_place(|| kdoc.line(true));
    while now.starts_with("kdoc: pod ") && now.contains("reconnecting (attempt") {
        now = tokio::task::block_in_place(|| kdoc.line(true));
    }
    assert_eq!(now, format!("kdoc: forwarding to pod {new_pod}"));
    let again = http_check(&predict(&local))
        .bounded("a prediction through the new pod")
        .await
        .expect("an answer from the new pod");
    assert_eq!((again.status, again.body_head.as_str()), (200, PREDICTION));
    drop(kdoc);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_the_service_lacks_is_kubectls_error_with_a_suggestion_and_exit_1() {
    let sim = common::mlops(1.0).await;
    let kc = kubeconfig(&sim);
    let path = kc.path().to_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking(move || {
        run_with_timeout(
            Command::new(env!("CARGO_BIN_EXE_kdoc")).args([
                "port-forward",
                "svc/iris-default",
                "8000",
                "8080",
                "-n",
                NS,
                "--kubeconfig",
                &path,
            ]),
            COMMAND_TIMEOUT,
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut lines = stderr.lines();
    // 8000 is fine, but the pod is Pending; kubectl stops at the first error, and so does kdoc.
    assert_eq!(
        lines.next(),
        Some("error: unable to forward port because pod is not running. Current status=Pending"),
        "{stderr}"
    );
    // Nothing started: no Forwarding line.
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");

    let path = kc.path().to_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking(move || {
        run_with_timeout(
            Command::new(env!("CARGO_BIN_EXE_kdoc")).args([
                "port-forward",
                "service/iris-default",
                "8080",
                "-n",
                NS,
                "--kubeconfig",
                &path,
            ]),
            COMMAND_TIMEOUT,
        )
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("error: Service iris-default does not have a service port 8080"),
        "{stderr}"
    );
    assert!(
        lines.get(1).is_some_and(|l| l
            .starts_with("kdoc: its ports are 8000/TCP (http), 5001/TCP (grpc); use 8000: Seldon")),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
}
