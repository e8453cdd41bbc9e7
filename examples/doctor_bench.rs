//! The doctor's numbers (issue 9): on a pod with 100,000 log lines across 4 containers, and a
//! triage of 1,000 pods; each once with the checks alone (pure) and once end to end (the
//! simulator over real HTTP: reading the objects, the events and the logs, then the checks).
//! Prints medians of 5 runs. Run with `cargo run --release --example doctor_bench`.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use kdoc::cluster::{doctor, kubeconfig};
use kdoc::doctor::rules::RulePack;
use kdoc::doctor::run::run;
use kdoc::doctor::{Subject, SubjectKind};
use kdoc::sim::scenario::build::{c, pod};
use kdoc::sim::scenario::{LogSeed, Scenario};
use kdoc::sim::{Sim, SimConfig};

const RUNS: usize = 5;
const LINES: usize = 100_000;
const CONTAINERS: [&str; 4] = ["kserve-container", "queue-proxy", "istio-proxy", "agent"];
const TRIAGE_PODS: usize = 1_000;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A model server's pod: 4 containers, 25,000 lines each, a few failure signatures in them.
fn big_pod(base: Timestamp, s: &mut Scenario) {
    let mut p = pod(base, "bench", "model-0", 3600);
    for name in CONTAINERS {
        p = p.container(c(name, "registry.example.com/serve:1.0").running(-3000));
    }
    s.objects.push(p.build());
    for (k, name) in CONTAINERS.iter().enumerate() {
        let lines = (0..LINES / CONTAINERS.len())
            .map(|i| {
                let t = -3000 + (i as i64 * 3000 / 25_000);
                let text = match i % 5000 {
                    17 => "botocore.exceptions.NoCredentialsError: Unable to locate credentials".to_string(),
                    4242 => "WARNING: Model file not found at /mnt/models/model.joblib, using dummy model".to_string(),
                    _ => format!(
                        "{{\"level\":\"info\",\"ts\":{i},\"logger\":\"{name}\",\"msg\":\"request handled\",\"status\":200,\"latency_ms\":{}}}",
                        (i * 7 + k) % 90
                    ),
                };
                (t, text)
            })
            .collect();
        s.logs.push(LogSeed {
            ns: "bench".into(),
            pod: "model-0".into(),
            container: name.to_string(),
            previous: false,
            lines,
        });
    }
}

/// 1,000 pods over 10 namespaces; one in ten crash-loops with a previous log of 200 lines,
/// one in fifty cannot pull its image.
fn triage_pods(base: Timestamp, s: &mut Scenario) {
    for i in 0..TRIAGE_PODS {
        let ns = format!("team-{:02}", i % 10);
        let name = format!("worker-{i:04}");
        let mut ct = c("app", "registry.example.com/worker:1.0");
        if i % 10 == 3 {
            ct = ct
                .waiting(
                    "CrashLoopBackOff",
                    "back-off 5m0s restarting failed container",
                )
                .restarts(12)
                .last(1, "Error", -400, -380);
            let lines = (0..200)
                .map(|n| (-390 + n / 10, format!("step {n}: loading features")))
                .chain([(-380, "MemoryError: Unable to allocate 2.00 GiB".to_string())])
                .collect();
            s.logs.push(LogSeed {
                ns: ns.clone(),
                pod: name.clone(),
                container: "app".into(),
                previous: true,
                lines,
            });
        } else if i % 50 == 7 {
            ct = ct.waiting(
                "ImagePullBackOff",
                "Back-off pulling image \"registry.example.com/worker:1.0\"",
            );
        } else {
            ct = ct.running(-3000);
        }
        s.objects
            .push(pod(base, &ns, &name, 3600).container(ct).build());
    }
}

async fn sim_with(s: Scenario) -> Sim {
    Sim::start(SimConfig {
        scenario: s,
        ..SimConfig::default()
    })
    .await
    .expect("the simulator starts")
}

async fn client(sim: &Sim) -> kube::Client {
    let kc = kube::config::Kubeconfig::from_yaml(&sim.kubeconfig()).expect("kubeconfig");
    let t = kubeconfig::from_kubeconfig(kc, None).await.expect("target");
    kubeconfig::client(&t).expect("client")
}

async fn measure(name: &str, client: kube::Client, subject: Subject, rules: &RulePack) {
    let ev = doctor::collect(client.clone(), subject.clone(), true)
        .await
        .expect("the doctor runs");
    let lines: usize = ev.logs.iter().map(|l| l.lines.len()).sum();
    let mut findings = 0;
    let pure = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                findings = run(&subject, &ev, Timestamp::now(), rules).len();
                t.elapsed()
            })
            .collect(),
    );
    let mut whole = vec![];
    for _ in 0..RUNS {
        let t = Instant::now();
        let ev = doctor::collect(client.clone(), subject.clone(), true)
            .await
            .expect("the doctor runs");
        let _ = run(&subject, &ev, Timestamp::now(), rules);
        whole.push(t.elapsed());
    }
    println!(
        "{name}: {} pods, {} logs, {lines} lines, {findings} findings: checks {} · end to end {}",
        ev.pods.len(),
        ev.logs.len(),
        ms(pure),
        ms(median(whole))
    );
}

#[tokio::main]
async fn main() {
    let base = Timestamp::now();
    let rules = RulePack::builtin();

    let mut s = Scenario::default();
    big_pod(base, &mut s);
    let sim = sim_with(s).await;
    let subject = Subject::new(SubjectKind::Pod, "bench", "model-0");
    measure(
        "pod, 100,000 lines in 4 containers (goal < 300 ms)",
        client(&sim).await,
        subject,
        &rules,
    )
    .await;
    drop(sim);

    let mut s = Scenario::default();
    triage_pods(base, &mut s);
    let sim = sim_with(s).await;
    let subject = Subject::new(SubjectKind::Namespace, "", "");
    measure(
        "triage, 1,000 pods in 10 namespaces (goal < 2 s)",
        client(&sim).await,
        subject,
        &rules,
    )
    .await;
}
