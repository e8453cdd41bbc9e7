//! Soak: the real kdoc in tmux following 20 containers at 5,000 lines/s each for 30 minutes
//! (`kdoc sim --scenario load` in its own process, so kdoc's memory is its own). Every minute it
//! prints kdoc's resident memory, its CPU over that minute, and what the logs title says: lines
//! kept and lines dropped at the buffer bound. Memory should be flat once the buffer is full;
//! drops should be zero until the bound is hit and then counted on screen.
//!
//! `cargo build --release && cargo run --release --example soak [-- --minutes 30]`

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{cpu_ticks, kdoc_bin, new_session, percentile, rss_kb, tmux};

const CONTAINERS: usize = 20;
const RATE: usize = 5_000;

struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Kills the tmux server (and kdoc in it) however the soak ends.
struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        tmux(&self.0, &["kill-server"]);
    }
}

fn start_sim(kubeconfig: &Path) -> Sim {
    let child = Command::new(kdoc_bin())
        .args(["sim", "--scenario", "load", "--namespaces", "1"])
        .args(["--pods", &CONTAINERS.to_string()])
        .args(["--log-rate", &RATE.to_string()])
        .arg("--kubeconfig-out")
        .arg(kubeconfig)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("kdoc sim starts");
    let sim = Sim(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !kubeconfig.exists() {
        assert!(Instant::now() < deadline, "kdoc sim did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    sim
}

fn screen(socket: &str) -> String {
    tmux(socket, &["capture-pane", "-p", "-t", "b"])
}

/// `(kept, dropped)` from the logs title: `[200000 lines, 1234 dropped (buffer 200000), ...]`.
fn title_counts(screen: &str) -> Option<(u64, u64)> {
    let title = screen.lines().find(|l| l.contains("Logs "))?;
    let info = title.split('[').nth(1)?;
    let kept = info.split(" lines").next()?.trim().parse().ok()?;
    let dropped = info
        .split(", ")
        .find_map(|p| p.split_once(" dropped")?.0.trim().parse().ok())
        .unwrap_or(0);
    Some((kept, dropped))
}

fn wait_for(socket: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let s = screen(socket);
        if pred(&s) {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}:\n{s}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn main() {
    let minutes: u64 = std::env::args()
        .skip_while(|a| a != "--minutes")
        .nth(1)
        .map(|m| m.parse().expect("--minutes N"))
        .unwrap_or(30);
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("kubeconfig");
    let _sim = start_sim(&kubeconfig);
    let socket = format!("kdoc-soak-{}", std::process::id());
    new_session(
        &socket,
        &format!(
            "{} --kubeconfig {} -A",
            kdoc_bin().display(),
            kubeconfig.display()
        ),
    );
    let _session = Session(socket.clone());
    wait_for(&socket, "the pods", |s| s.contains("worker-"));
    for key in [":", "logs worker -n load-000", "Enter"] {
        let literal = if key == "Enter" { vec![] } else { vec!["-l"] };
        let mut args = vec!["send-keys", "-t", "b"];
        args.extend(literal);
        args.push(key);
        tmux(&socket, &args);
        std::thread::sleep(Duration::from_millis(200));
    }
    wait_for(&socket, "the logs following", |s| {
        s.contains("Logs following") && title_counts(s).is_some_and(|(k, _)| k > 0)
    });
    let pid = tmux(&socket, &["list-panes", "-F", "#{pane_pid}"])
        .trim()
        .to_string();
    println!(
        "soak: kdoc (pid {pid}) following {CONTAINERS} containers at {RATE} lines/s each for {minutes} min"
    );
    println!("minute  kdoc RSS MB  kdoc CPU %  lines kept  dropped (on screen)");
    let start = Instant::now();
    let (mut rss, mut cpus) = (vec![], vec![]);
    let mut last_ticks = cpu_ticks(&pid);
    let mut last = Instant::now();
    for minute in 1..=minutes {
        let next = start + Duration::from_secs(60 * minute);
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
        let mb = rss_kb(&pid) as f64 / 1024.0;
        assert!(mb > 0.0, "kdoc is gone:\n{}", screen(&socket));
        let ticks = cpu_ticks(&pid);
        let cpu = (ticks - last_ticks) as f64 / 100.0 / last.elapsed().as_secs_f64() * 100.0;
        (last_ticks, last) = (ticks, Instant::now());
        let (kept, dropped) = title_counts(&screen(&socket)).unwrap_or_default();
        println!("{minute:>6}  {mb:>11.1}  {cpu:>10.1}  {kept:>10}  {dropped:>19}");
        rss.push(mb);
        cpus.push(cpu);
    }
    if let (Some(first), Some(max)) = (rss.first(), rss.iter().copied().reduce(f64::max)) {
        println!(
            "RSS: {first:.1} MB after the first minute, {max:.1} MB at most, {:.1} MB at the end",
            rss.last().copied().unwrap_or_default()
        );
        println!(
            "kdoc CPU: median {:.1} % of one core",
            percentile(&mut cpus, 0.5)
        );
    }
}
