//! Port-forward benchmarks, printed as numbers: `cargo run --release --example forward_bench`.
//!
//! An in-process simulator serves one pod with an echo service (port 9000) and a small HTTP
//! service (port 8080); kdoc's forward (kube's Portforwarder, one websocket per connection,
//! through the simulator's apiserver) is measured against a direct loopback connection to the
//! same service, in the same run:
//! - throughput: bytes echoed per second on one connection (MB/s), forward / direct;
//! - latency added per small request (GET, ~10-byte answer): median and p99 over 2,000
//!   requests on one kept-alive connection, and over 200 requests each on a new connection
//!   (each opens its own websocket);
//! - 100 connections at once through one forward, each echoing 64 KiB: errors counted;
//! - kubectl: 100 MB echoed through `kubectl port-forward` (SPDY/3.1 in a websocket, then the
//!   SPDY upgrade) against the same through kube's Portforwarder, as a ratio (skipped without
//!   kubectl on PATH).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use kdoc::cluster::forward::Forward;
use kdoc::core::forward::{ForwardRequest, ForwardTarget};
use kdoc::sim::backend::{Backend, HttpRoute};
use kdoc::sim::scenario::build::{c, pod};
use kdoc::sim::scenario::{BackendSpec, Scenario};
use kdoc::sim::{Sim, SimConfig};
use kube::Client;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

const NS: &str = "bench";
const POD: &str = "echo";
/// Every step of the benchmark has to finish within this.
const STEP_LIMIT: Duration = Duration::from_secs(120);

async fn bounded<T>(what: &str, fut: impl Future<Output = T>) -> T {
    match tokio::time::timeout(STEP_LIMIT, fut).await {
        Ok(v) => v,
        Err(_) => panic!("{what} took longer than {STEP_LIMIT:?}"),
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (percentile(&v, 0.5), percentile(&v, 0.99))
}

/// Echo `total` bytes through one connection (written and read concurrently, in 64 KiB
/// writes); MB/s of payload.
async fn throughput(addr: &str, total: usize) -> f64 {
    let sock = TcpStream::connect(addr).await.expect("connect");
    let _ = sock.set_nodelay(true);
    let (mut rd, mut wr) = sock.into_split();
    let chunk: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
    let start = Instant::now();
    let writer = tokio::spawn(async move {
        let mut sent = 0;
        while sent < total {
            let n = chunk.len().min(total - sent);
            wr.write_all(&chunk[..n]).await.expect("write");
            sent += n;
        }
        wr
    });
    let mut buf = vec![0u8; 256 * 1024];
    let mut got = 0;
    while got < total {
        let n = rd.read(&mut buf).await.expect("read");
        assert!(n > 0, "the echo closed after {got} of {total} bytes");
        got += n;
    }
    let secs = start.elapsed().as_secs_f64();
    drop(writer.await);
    total as f64 / secs / 1e6
}

const GET: &[u8] = b"GET /ping HTTP/1.1\r\nHost: bench\r\n\r\n";

/// Read one HTTP response (head + Content-Length body) from `s`, leaving nothing behind.
async fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) {
    buf.clear();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).await.expect("read a response");
        assert!(n > 0, "closed mid-response");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                assert!(buf.starts_with(b"HTTP/1.1 200"), "not 200");
                return;
            }
        }
    }
}

/// Milliseconds per request, `n` requests on one kept-alive connection.
async fn kept_alive(addr: &str, n: usize) -> Vec<f64> {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let _ = s.set_nodelay(true);
    let mut buf = Vec::new();
    // Warm up.
    for _ in 0..20 {
        s.write_all(GET).await.expect("write");
        read_response(&mut s, &mut buf).await;
    }
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        s.write_all(GET).await.expect("write");
        read_response(&mut s, &mut buf).await;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times
}

/// Milliseconds per request, `n` requests each on a new connection.
async fn new_connections(addr: &str, n: usize) -> Vec<f64> {
    let mut buf = Vec::new();
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let mut s = TcpStream::connect(addr).await.expect("connect");
        let _ = s.set_nodelay(true);
        s.write_all(GET).await.expect("write");
        read_response(&mut s, &mut buf).await;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times
}

/// `n` connections at once, each echoing `size` bytes; the errors.
async fn concurrent(addr: &str, n: usize, size: usize) -> (Vec<String>, f64) {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let addr = addr.to_string();
        tasks.spawn(async move {
            let payload: Vec<u8> = (0..size).map(|k| ((i * 13 + k) % 251) as u8).collect();
            let s = TcpStream::connect(&addr)
                .await
                .map_err(|e| format!("{i}: connect: {e}"))?;
            let (mut rd, mut wr) = s.into_split();
            let p = payload.clone();
            let w = tokio::spawn(async move { wr.write_all(&p).await.map(|_| wr) });
            let mut got = vec![0u8; size];
            rd.read_exact(&mut got)
                .await
                .map_err(|e| format!("{i}: read: {e}"))?;
            let _ = w.await;
            if got != payload {
                return Err(format!("{i}: the echo differs"));
            }
            Ok::<_, String>(())
        });
    }
    let mut errors = vec![];
    while let Some(r) = tasks.join_next().await {
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(e.to_string()),
        }
    }
    (errors, start.elapsed().as_secs_f64())
}

async fn forward(client: &Client, spec: &str) -> (String, tokio::task::JoinHandle<()>) {
    let f = Forward::start(
        client.clone(),
        ForwardRequest {
            or_free: false,
            namespace: NS.into(),
            target: ForwardTarget::Pod(POD.into()),
            spec: spec.into(),
            address: "127.0.0.1".into(),
        },
    )
    .await
    .expect("the forward starts");
    let local = f.local_addr().to_string();
    let (tx, mut rx) = mpsc::channel(1024);
    let task = tokio::spawn(f.serve(tx));
    // Drain the reports so the forward never waits on them.
    tokio::spawn(async move { while rx.recv().await.is_some() {} });
    (local, task)
}

/// `kubectl port-forward` to the echo port with `env` added: its local address and the child
/// (killed when dropped); None if kubectl cannot be run.
async fn kubectl_forward(
    dir: &std::path::Path,
    env: &[(&str, &str)],
) -> Option<(String, tokio::process::Child)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .ok()?
        .port();
    let mut child = tokio::process::Command::new("kubectl")
        .args(["port-forward", "-n", NS, &format!("pod/{POD}")])
        .arg(format!("{port}:9000"))
        .env("KUBECONFIG", dir.join("kubeconfig"))
        .env("KUBECACHEDIR", dir.join("cache"))
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .ok()?;
    let mut lines = BufReader::new(child.stdout.take()?).lines();
    loop {
        let line = tokio::time::timeout(STEP_LIMIT, lines.next_line())
            .await
            .ok()?
            .ok()??;
        if line.starts_with("Forwarding from 127.0.0.1:") {
            break;
        }
    }
    // Keep reading, so kubectl never writes into a closed pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Some((format!("127.0.0.1:{port}"), child))
}

/// 100 MB echoed through kubectl port-forward on each of its transports, against kube's
/// Portforwarder (`kube_addr`), best of 3 each.
async fn kubectl_ratio(sim: &Sim, kube_addr: &str) {
    const BYTES: usize = 100_000_000;
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("kubeconfig"), sim.kubeconfig()).expect("the kubeconfig");
    let mut kube = 0.0f64;
    for _ in 0..3 {
        kube = kube.max(bounded("kube 100 MB", throughput(kube_addr, BYTES)).await);
    }
    for (name, env) in [
        ("SPDY in a websocket", &[][..]),
        (
            "SPDY upgrade",
            &[("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false")][..],
        ),
    ] {
        let Some((addr, child)) = kubectl_forward(dir.path(), env).await else {
            println!("kubectl port-forward ({name}): skipped, kubectl could not be run");
            return;
        };
        let mut best = 0.0f64;
        for _ in 0..3 {
            best = best.max(bounded("kubectl 100 MB", throughput(&addr, BYTES)).await);
        }
        drop(child);
        println!(
            "throughput, 100 MB echoed on one connection (best of 3): kubectl port-forward ({name}) {best:.0} MB/s, kube's Portforwarder {kube:.0} MB/s, ratio kubectl/kube {:.3}",
            best / kube
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let p = pod(jiff::Timestamp::now(), NS, POD, 60)
        .container(c("app", "busybox").port("echo", 9000).port("http", 8080))
        .build();
    let sim = Sim::start(SimConfig {
        scenario: Scenario {
            name: "forward-bench".into(),
            objects: vec![p],
            backends: vec![
                BackendSpec {
                    ns: NS.into(),
                    pod: POD.into(),
                    port: 9000,
                    backend: Backend::Echo,
                },
                BackendSpec {
                    ns: NS.into(),
                    pod: POD.into(),
                    port: 8080,
                    backend: Backend::Http(vec![HttpRoute {
                        method: "GET",
                        path: "/ping",
                        content_type: "text/plain",
                        body: "pong".into(),
                    }]),
                },
            ],
            ..Default::default()
        },
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let client = Client::try_from(sim.client_config()).expect("client");
    let direct_echo: SocketAddr = sim.state().backend(NS, POD, 9000).expect("echo backend");
    let direct_http: SocketAddr = sim.state().backend(NS, POD, 8080).expect("http backend");
    let (fwd_echo, t1) = forward(&client, "0:9000").await;
    let (fwd_http, t2) = forward(&client, "0:8080").await;

    // Throughput: the best of 3 runs each, direct and forwarded alternating.
    const BYTES: usize = 64 * 1024 * 1024;
    let (mut direct, mut through) = (0.0f64, 0.0f64);
    for _ in 0..3 {
        direct = direct.max(
            bounded(
                "direct throughput",
                throughput(&direct_echo.to_string(), BYTES),
            )
            .await,
        );
        through = through.max(bounded("forwarded throughput", throughput(&fwd_echo, BYTES)).await);
    }
    println!(
        "throughput, one connection echoing 64 MiB (best of 3): direct {direct:.0} MB/s, through the forward {through:.0} MB/s, ratio {:.3}",
        through / direct
    );

    let n = 2000;
    let (d50, d99) =
        stats(bounded("direct kept-alive", kept_alive(&direct_http.to_string(), n)).await);
    let (f50, f99) = stats(bounded("forwarded kept-alive", kept_alive(&fwd_http, n)).await);
    println!(
        "latency, {n} GETs on one kept-alive connection: direct median {d50:.3} ms p99 {d99:.3} ms; forward median {f50:.3} ms p99 {f99:.3} ms; added median {:.3} ms p99 {:.3} ms",
        f50 - d50,
        f99 - d99
    );
    let m = 200;
    let (d50, d99) = stats(
        bounded(
            "direct new connections",
            new_connections(&direct_http.to_string(), m),
        )
        .await,
    );
    let (f50, f99) =
        stats(bounded("forwarded new connections", new_connections(&fwd_http, m)).await);
    println!(
        "latency, {m} GETs each on a new connection (a new websocket each through the forward): direct median {d50:.3} ms p99 {d99:.3} ms; forward median {f50:.3} ms p99 {f99:.3} ms; added median {:.3} ms p99 {:.3} ms",
        f50 - d50,
        f99 - d99
    );

    let (errors, secs) = bounded(
        "100 concurrent connections",
        concurrent(&fwd_echo, 100, 64 * 1024),
    )
    .await;
    println!(
        "100 concurrent connections through one forward, 64 KiB echoed each: {} errors, {:.2} s{}",
        errors.len(),
        secs,
        if errors.is_empty() {
            String::new()
        } else {
            format!(" ({})", errors.join("; "))
        }
    );
    kubectl_ratio(&sim, &fwd_echo).await;
    t1.abort();
    t2.abort();
    drop(sim);
}
