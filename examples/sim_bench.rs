//! Simulator benchmarks, printed as numbers: `cargo run --release --example sim_bench`.
//! Targets: list 10,000 pods through kube < 200 ms; one log stream >= 1,000,000 lines/s;
//! a loaded 1,000,000-line log held in ~100-150 MB; 1,000 watch events/s reach a watcher with
//! no loss.

use std::time::{Duration, Instant};

use futures::{AsyncBufReadExt, StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kdoc::sim::scenario::Scenario;
use kdoc::sim::scenario::build::{c, pod};
use kdoc::sim::scenario::load::{LoadSpec, scenario};
use kdoc::sim::{Sim, SimConfig};
use kube::api::{ListParams, LogParams};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn start(scenario: Scenario) -> (Sim, Client) {
    let sim = Sim::start(SimConfig {
        scenario,
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let client = Client::try_from(sim.client_config()).expect("client");
    (sim, client)
}

async fn list_10k() {
    let spec = LoadSpec {
        pods: 10_000,
        namespaces: 100,
        log_rate: 0.0,
    };
    let (_sim, client) = start(scenario(&spec, jiff::Timestamp::now())).await;
    let pods: Api<Pod> = Api::all(client);
    let mut times = vec![];
    for _ in 0..7 {
        let t = Instant::now();
        let list = pods.list(&ListParams::default()).await.expect("list");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(list.items.len(), 10_000);
    }
    let paged_t = Instant::now();
    let mut n = 0;
    let mut lp = ListParams::default().limit(500);
    loop {
        let page = pods.list(&lp).await.expect("page");
        n += page.items.len();
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(c) => lp = lp.continue_token(&c),
            None => break,
        }
    }
    println!(
        "list 10,000 pods via kube Api::list: median {:.1} ms (min {:.1}, max {:.1}; 7 runs); paged by 500 like the watcher: {:.1} ms for {n}",
        median(times.clone()),
        times.iter().cloned().fold(f64::MAX, f64::min),
        times.iter().cloned().fold(0.0, f64::max),
        paged_t.elapsed().as_secs_f64() * 1000.0
    );
}

async fn log_stream() {
    let base = jiff::Timestamp::now();
    let p = pod(base, "bench", "chatty", 60)
        .container(c("app", "busybox"))
        .build();
    let (sim, client) = start(Scenario {
        objects: vec![p],
        ..Default::default()
    })
    .await;
    let lines_total = 2_000_000usize;
    sim.state()
        .logs
        .set_cap("bench", "chatty", "app", lines_total);
    let now = jiff::Timestamp::now();
    sim.state().logs.append(
        "bench",
        "chatty",
        "app",
        (0..lines_total).map(|i| (now, format!("2025-06-11T09:14:38Z INFO request {i} handled in 12ms status=200 path=/api/v1.0/predictions"))),
    );
    let pods: Api<Pod> = Api::namespaced(client, "bench");
    let plain = stream_rate(&pods, "chatty", &LogParams::default(), lines_total).await;
    let stamped = LogParams {
        timestamps: true,
        ..LogParams::default()
    };
    let stamped = stream_rate(&pods, "chatty", &stamped, lines_total).await;
    println!(
        "log stream (2,000,000 lines of ~90 bytes, kube log_stream().lines()): median {plain:.0} lines/s over 3 runs; with timestamps {stamped:.0} lines/s"
    );
}

/// Median lines/s of reading a pod's whole log through kube, over 3 runs.
async fn stream_rate(pods: &Api<Pod>, name: &str, lp: &LogParams, want: usize) -> f64 {
    let mut rates = vec![];
    for _ in 0..3 {
        let t = Instant::now();
        let mut lines = pods.log_stream(name, lp).await.expect("stream").lines();
        let mut n = 0usize;
        while let Some(l) = lines.try_next().await.expect("line") {
            n += 1;
            std::hint::black_box(l);
        }
        assert_eq!(n, want);
        rates.push(n as f64 / t.elapsed().as_secs_f64());
    }
    median(rates)
}

/// Resident memory of this process, from /proc (Linux), in MB.
fn rss_mb() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / 1e6)
}

/// A support bundle's 1,000,000-line log of 100-byte lines, loaded with `--load` and read back.
async fn loaded_log() {
    const LINES: usize = 1_000_000;
    let dir = tempfile::tempdir().expect("tempdir");
    let base = jiff::Timestamp::now();
    let p = pod(base, "bench", "bundle", 60)
        .container(c("app", "busybox"))
        .build();
    std::fs::write(
        dir.path().join("pod.json"),
        serde_json::to_vec(&p).expect("json"),
    )
    .expect("write pod");
    let logs = dir.path().join("logs/bench/bundle");
    std::fs::create_dir_all(&logs).expect("mkdir");
    let mut data = Vec::with_capacity(LINES * 100);
    for i in 0..LINES {
        data.extend_from_slice(format!("{i:>23} INFO request handled status=200 path=/api/v1.0/predictions latency_ms=12 ok\n").as_bytes());
    }
    assert_eq!(data.len(), LINES * 100);
    std::fs::write(logs.join("app.log"), &data).expect("write log");
    drop(data);
    let before = rss_mb();
    let t = Instant::now();
    let sim = Sim::start(SimConfig {
        load: vec![dir.path().to_path_buf()],
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let grew = rss_mb().zip(before).map(|(a, b)| a - b);
    assert_eq!(sim.state().logs.len("bench", "bundle", "app"), LINES);
    let client = Client::try_from(sim.client_config()).expect("client");
    let pods: Api<Pod> = Api::namespaced(client, "bench");
    let rate = stream_rate(&pods, "bundle", &LogParams::default(), LINES).await;
    println!(
        "loaded log (1,000,000 lines of 100 bytes): loaded in {load_ms:.0} ms, resident memory grew {} MB; read back at median {rate:.0} lines/s",
        grew.map_or("?".into(), |g| format!("{g:.0}"))
    );
}

async fn watch_rate(rate: u64, secs: u64) {
    let (sim, client) = start(Scenario::default()).await;
    let pods: Api<Pod> = Api::namespaced(client, "w");
    let mut stream = watcher::watcher(pods, watcher::Config::default()).boxed();
    while !matches!(stream.next().await, Some(Ok(Event::InitDone))) {}
    let total = rate * secs;
    let state = sim.state().clone();
    let producer = tokio::spawn(async move {
        let base = jiff::Timestamp::now();
        let start = Instant::now();
        let per_tick = (rate / 100).max(1);
        let mut sent = 0u64;
        let mut tick = tokio::time::interval(Duration::from_millis(10));
        while sent < total {
            tick.tick().await;
            for _ in 0..per_tick.min(total - sent) {
                let p = pod(base, "w", &format!("p{sent:07}"), 0)
                    .container(c("app", "busybox"))
                    .build();
                state.store.upsert(p).expect("upsert");
                sent += 1;
            }
        }
        start.elapsed()
    });
    let mut got = std::collections::HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(secs + 10);
    while (got.len() as u64) < total && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
            Ok(Some(Ok(Event::Apply(p)))) => {
                got.insert(p.metadata.name.unwrap_or_default());
            }
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(e))) => println!("  watcher error: {e}"),
            Ok(None) | Err(_) => break,
        }
    }
    let took = producer.await.expect("producer");
    println!(
        "watch: {rate} events/s for {secs} s: sent {total} in {:.2} s, watcher received {} distinct ({} lost)",
        took.as_secs_f64(),
        got.len(),
        total - got.len() as u64
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // First, so the memory it measures is not mixed with what earlier runs freed.
    loaded_log().await;
    list_10k().await;
    log_stream().await;
    watch_rate(1_000, 5).await;
    watch_rate(10_000, 3).await;
}
