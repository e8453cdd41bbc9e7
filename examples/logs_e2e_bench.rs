//! `kdoc logs` against `kubectl logs`, side by side on one `kdoc sim` serving a loaded
//! 1,000,000-line (107 MB) support-bundle log: the whole log, and `--include error` against
//! `kubectl logs | grep -i error`. Prints both times and the two ratios (kubectl / kdoc: above 1
//! means kdoc is faster). Needs kubectl and a release build (`cargo build --release`).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LINES: usize = 1_000_000;
const RUNS: usize = 3;

fn bin() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/kdoc");
    assert!(
        p.exists(),
        "{} not found: run `cargo build --release` first",
        p.display()
    );
    p
}

/// Median wall time of `sh -c script` with stdout thrown away.
fn time(script: &str) -> Duration {
    let mut v: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            let st = Command::new("sh")
                .arg("-c")
                .arg(script)
                .stdout(Stdio::null())
                .status()
                .expect("sh runs");
            assert!(st.success() || script.contains("grep"), "{script} failed");
            t.elapsed()
        })
        .collect();
    v.sort();
    v[RUNS / 2]
}

/// The simulator process, killed however the bench ends (a failed check panics).
struct SimProc(std::process::Child);

impl Drop for SimProc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = jiff::Timestamp::now();
    let p = kdoc::sim::scenario::build::pod(base, "bench", "bundle", 60)
        .container(kdoc::sim::scenario::build::c("app", "busybox"))
        .build();
    std::fs::write(dir.path().join("pod.json"), serde_json::to_vec(&p).unwrap()).unwrap();
    let logs = dir.path().join("logs/bench/bundle");
    std::fs::create_dir_all(&logs).unwrap();
    let data = support::error_log(LINES);
    std::fs::write(logs.join("app.log"), &data).unwrap();
    let size = data.len();
    drop(data);
    let kc = dir.path().join("kubeconfig");
    let sim = Command::new(bin())
        .args(["sim", "--scenario", "empty", "--load"])
        .arg(dir.path())
        .arg("--kubeconfig-out")
        .arg(&kc)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("kdoc sim starts");
    let sim = SimProc(sim);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !kc.exists() {
        assert!(
            Instant::now() < deadline,
            "the simulator wrote no kubeconfig"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    let kc = kc.display().to_string();
    let kdoc = bin().display().to_string();
    let kubectl = format!("KUBECONFIG={kc} kubectl logs bundle -n bench -c app");
    let ours = format!("{kdoc} logs pod/bundle -n bench -c app --kubeconfig {kc}");
    // Honest numbers only: both print the whole log, the same bytes.
    let count = |script: &str| -> String {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("{script} | cksum"))
            .output()
            .expect("sh runs");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let (a, b) = (count(&kubectl), count(&ours));
    assert_eq!(a, b, "kdoc logs and kubectl logs print different bytes");
    assert!(
        a.ends_with(&format!(" {size}")),
        "not the whole log: cksum {a}"
    );
    // Warm up both (discovery caches, page cache).
    time(&kubectl);
    time(&ours);
    let k_all = time(&kubectl);
    let d_all = time(&ours);
    let k_err = time(&format!("{kubectl} | grep -i error"));
    let d_err = time(&format!("{ours} --include error"));
    drop(sim);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "whole log (1,000,000 lines): kubectl logs {:.0} ms, kdoc logs {:.0} ms; ratio kubectl/kdoc {:.2}",
        ms(k_all),
        ms(d_all),
        ms(k_all) / ms(d_all)
    );
    println!(
        "errors only: kubectl logs | grep -i error {:.0} ms, kdoc logs --include error {:.0} ms; ratio {:.2}",
        ms(k_err),
        ms(d_err),
        ms(k_err) / ms(d_err)
    );
}
