//! Real `kubectl port-forward` against the simulator's SPDY/3.1 port-forward, both tunnelled in
//! a websocket (kubectl's default since 1.31) and by the HTTP `Upgrade: SPDY/3.1` fallback:
//! runbook 000's prediction through the Seldon service, MLflow's /health through its pod,
//! kubectl's own error for a service port that does not exist, and the kubelet's error for a port
//! nobody listens on (after which kubectl 1.32 drops the forward). kubectl is killed at the end of
//! each test; every wait is bounded.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::Bounded;
use common::kubectl::{Background, Kubectl};
use k8s_openapi::api::core::v1::Pod;
use kdoc::sim::Sim;
use kube::Api;
use kube::api::ListParams;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const NS: &str = "argowf";
const SELDON_POD: &str = "iris-default-0-classifier-85d56cc6b6-qsjpr";
const PREDICT_BODY: &str = r#"{"data":{"ndarray":[[5.1,3.5,1.4,0.2]]}}"#;
const PREDICTION: &str =
    r#"{"data":{"names":["t:0","t:1","t:2"],"ndarray":[[0.0,0.0,1.0]]},"meta":{}}"#;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Collect a pipe into a shared string, so kubectl never writes to a closed pipe.
fn drain(pipe: impl AsyncRead + Unpin + Send + 'static, into: Arc<Mutex<String>>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(pipe).lines();
        while let Ok(Some(l)) = lines.next_line().await {
            let mut s = into.lock().unwrap();
            s.push_str(&l);
            s.push('\n');
        }
    });
}

struct Forwarding {
    kubectl: Background,
    out: Arc<Mutex<String>>,
    err: Arc<Mutex<String>>,
}

/// `kubectl port-forward ARGS`, waiting until it says it is forwarding.
async fn port_forward(k: &Kubectl, args: &[&str], env: &[(&str, &str)]) -> Forwarding {
    let mut all = vec!["port-forward"];
    all.extend_from_slice(args);
    let mut bg = k.spawn(&all, env);
    let (out, err) = (Arc::default(), Arc::default());
    drain(bg.child.stdout.take().unwrap(), Arc::clone(&out));
    drain(bg.child.stderr.take().unwrap(), Arc::clone(&err));
    let f = Forwarding {
        kubectl: bg,
        out,
        err,
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !f.out.lock().unwrap().contains("Forwarding from 127.0.0.1:") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "kubectl {all:?} never said it was forwarding; stderr: {}",
            f.err.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    f
}

/// One HTTP/1.1 exchange on 127.0.0.1:`port`, written by hand: the whole response text.
async fn http(port: u16, method: &str, path: &str, body: &str) -> String {
    let what = format!("{method} {path} on 127.0.0.1:{port}");
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .bounded(format!("connecting for {what}"))
        .await
        .unwrap_or_else(|e| panic!("connecting for {what}: {e}"));
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes())
        .bounded(format!("sending {what}"))
        .await
        .unwrap();
    let mut buf = vec![];
    s.read_to_end(&mut buf)
        .bounded(format!("the answer to {what}"))
        .await
        .unwrap_or_else(|e| panic!("reading the answer to {what}: {e}"));
    String::from_utf8_lossy(&buf).into_owned()
}

/// The simulator with the Seldon pod Running and Ready (the scenario's story gets it there).
async fn seldon_running() -> Sim {
    let sim = common::mlops(20.0).await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), NS);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let p = pods
            .get(SELDON_POD)
            .bounded("get the Seldon pod")
            .await
            .unwrap();
        let st = p.status.unwrap_or_default();
        let ready = st.phase.as_deref() == Some("Running")
            && st
                .conditions
                .unwrap_or_default()
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True");
        if ready {
            return sim;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the Seldon pod runs and is ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runbook_prediction_through_kubectl_port_forward_on_both_transports() {
    let sim = seldon_running().await;
    let Some(k) = Kubectl::new(&sim) else { return };
    // The websocket tunnel (kubectl's default), then the SPDY upgrade it falls back to.
    for env in [&[][..], &[("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false")][..]] {
        let port = free_port();
        let spec = format!("{port}:8000");
        let f = port_forward(&k, &["-n", NS, "svc/iris-default", &spec], env).await;
        for _ in 0..2 {
            let answer = http(port, "POST", "/api/v1.0/predictions", PREDICT_BODY).await;
            assert!(
                answer.starts_with("HTTP/1.1 200"),
                "{env:?}: {answer}\nkubectl: {}",
                f.err.lock().unwrap()
            );
            assert!(answer.ends_with(PREDICTION), "{env:?}: {answer}");
        }
        assert!(
            f.out
                .lock()
                .unwrap()
                .contains(&format!("Handling connection for {port}")),
            "{}",
            f.out.lock().unwrap()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mlflow_health_through_a_pod_forward() {
    let sim = common::mlops(1.0).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "mlflow");
    let list = pods
        .list(&ListParams::default())
        .bounded("list the mlflow pods")
        .await
        .unwrap();
    let name = list
        .items
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .find(|n| n.starts_with("mlflow-"))
        .expect("the MLflow pod");
    let port = free_port();
    let spec = format!("{port}:5000");
    let target = format!("pod/{name}");
    let f = port_forward(&k, &["-n", "mlflow", &target, &spec], &[]).await;
    let answer = http(port, "GET", "/health", "").await;
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{answer}\nkubectl: {}",
        f.err.lock().unwrap()
    );
    // A path the server does not have still comes back through the tunnel, as its 404.
    let missing = http(port, "GET", "/nothing-here", "").await;
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_port_that_does_not_exist_fails_in_kubectls_words() {
    let sim = common::mlops(1.0).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let spec = format!("{}:8080", free_port());
    let (ok, _, err) = k
        .run(&["port-forward", "-n", NS, "svc/iris-default", &spec])
        .await;
    assert!(!ok);
    assert!(
        err.contains("Service iris-default does not have a service port 8080"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_nobody_listens_on_gets_the_kubelets_error() {
    let sim = common::mlops(1.0).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "mlflow");
    let name = pods
        .list(&ListParams::default())
        .bounded("list the mlflow pods")
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .find(|n| n.starts_with("mlflow-"))
        .expect("the MLflow pod");
    let port = free_port();
    let spec = format!("{port}:5999");
    let target = format!("pod/{name}");
    let mut f = port_forward(&k, &["-n", "mlflow", &target, &spec], &[]).await;
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .bounded("connecting to the forward")
        .await
        .unwrap();
    let _ = s.write_all(b"GET / HTTP/1.0\r\n\r\n").await;
    let mut buf = vec![];
    let _ = s
        .read_to_end(&mut buf)
        .bounded("the connection closing")
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let err = f.err.lock().unwrap().clone();
        if err.contains("error forwarding port 5999 to pod") {
            assert!(err.contains("connect: connection refused"), "{err}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "kubectl reports the kubelet's error; stderr: {err}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // kubectl 1.32 then drops the whole forward, as it does against a real kubelet.
    let status = f
        .kubectl
        .child
        .wait()
        .bounded("kubectl exiting after the error")
        .await
        .unwrap();
    assert!(!status.success());
    // Its last words may still be in the pipe when it exits: the reader gets a moment.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let err = f.err.lock().unwrap().clone();
        if err.contains("lost connection to pod") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "kubectl says it lost the pod; stderr: {err}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
