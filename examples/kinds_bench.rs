//! `:KIND` tables on 10,000 objects of one kind, printed as numbers next to the pods pane's.
//! Build first, then run:
//!   cargo build --release && cargo run --release --example kinds_bench
//! Needs tmux (the TUI runs in a real 120x35 terminal); without it, says so and exits.
//!
//! A simulator runs in this process with a few pods, 10,000 BenchItems (a CRD with string,
//! integer, boolean and date printer columns, short name `bench`) and 10,000 ConfigMaps. For
//! each kind, 5 times, a fresh kdoc starts, shows its pods, and `:bench` (or `:cm`) is typed:
//! measured are the time from Enter to the first screen showing the table's rows, to the screen
//! whose title counts all 10,000, and kdoc's RSS 2 s later. For comparison, in the same run, the
//! pods pane on 10,000 pods in 100 namespaces (tui_bench's cluster) measured the same way from
//! process start: first rows, title at 10,000, RSS 2 s later.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kdoc::sim::scenario::load::{LoadSpec, scenario};
use kdoc::sim::{Sim, SimConfig};

mod support;
use support::{kdoc_bin, new_session, percentile, rss_kb, tmux};

const N: usize = 10_000;
const RUNS: usize = 5;

/// kdoc in a 120x35 tmux pane, on its own tmux server; the server is killed on drop.
struct Tui {
    socket: String,
    started: Instant,
}

impl Tui {
    fn start(kubeconfig: &Path, tag: &str, trace: Option<&Path>) -> Tui {
        let socket = format!("kdoc-kinds-bench-{}-{tag}", std::process::id());
        let env = trace
            .map(|t| format!("KDOC_BENCH_TRACE={} ", t.display()))
            .unwrap_or_default();
        // `exec`: the pane's process is kdoc itself, so its pid is kdoc's.
        let cmd = format!(
            "{env}exec {} --kubeconfig {} -A",
            kdoc_bin().display(),
            kubeconfig.display()
        );
        let started = Instant::now();
        new_session(&socket, &cmd);
        Tui { socket, started }
    }

    fn screen(&self) -> String {
        tmux(&self.socket, &["capture-pane", "-p", "-t", "b"])
    }

    fn pid(&self) -> String {
        tmux(&self.socket, &["list-panes", "-F", "#{pane_pid}"])
            .trim()
            .to_string()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "b"];
        args.extend_from_slice(keys);
        tmux(&self.socket, &args);
    }

    /// Poll the screen until `pred` holds: when it first did, or None (and the last screen
    /// printed) after `timeout`.
    fn wait(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> Option<Instant> {
        support::wait_screen(&self.socket, what, timeout, pred)
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        tmux(&self.socket, &["kill-server"]);
    }
}

fn ms(from: Instant, to: Option<Instant>) -> f64 {
    to.map_or(f64::NAN, |t| (t - from).as_secs_f64() * 1000.0)
}

/// The first screen line holding a pane title with this name and scope.
fn title<'a>(screen: &'a str, name: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.contains(&format!(" {name}(all)[")))
}

fn title_count(screen: &str, name: &str) -> Option<usize> {
    let l = title(screen, name)?;
    let rest = &l[l.find(&format!(" {name}(all)["))? + name.len() + 7..];
    rest[..rest.find(']')?].parse().ok()
}

struct Runs {
    first: Vec<f64>,
    synced: Vec<f64>,
    rss_mb: Vec<f64>,
    /// kdoc's own figure from KDOC_BENCH_TRACE (pods only): ms after process start.
    traced: Vec<f64>,
    /// Before `:KIND`: RSS with the pods pane of the small cluster.
    before_mb: Vec<f64>,
}

impl Runs {
    fn new() -> Runs {
        Runs {
            first: vec![],
            synced: vec![],
            rss_mb: vec![],
            traced: vec![],
            before_mb: vec![],
        }
    }
}

fn stats(v: &[f64], unit: &str, prec: usize) -> String {
    let ok: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if ok.is_empty() {
        return "n/a (every run timed out)".into();
    }
    let mut s = ok.clone();
    let failed = v.len() - ok.len();
    format!(
        "median {:.prec$} {unit} (min {:.prec$}, max {:.prec$}; {} runs{})",
        percentile(&mut s, 0.5),
        percentile(&mut s, 0.0),
        percentile(&mut s, 1.0),
        ok.len(),
        if failed > 0 {
            format!(", {failed} timed out")
        } else {
            String::new()
        }
    )
}

/// `:cmd` on a fresh kdoc, `RUNS` times: Enter to first rows (`row` on screen), to the title
/// counting `N`, and RSS 2 s after.
fn kind_runs(kubeconfig: &Path, cmd: &str, name: &str, row: &str) -> Runs {
    let mut r = Runs::new();
    for i in 0..RUNS {
        let tui = Tui::start(kubeconfig, &format!("{cmd}{i}"), None);
        let shown = tui.wait("the pods", Duration::from_secs(30), |s| {
            s.contains("worker-0000") && title(s, "Pods").is_some()
        });
        if shown.is_none() {
            r.first.push(f64::NAN);
            r.synced.push(f64::NAN);
            continue;
        }
        std::thread::sleep(Duration::from_millis(500));
        let pid = tui.pid();
        r.before_mb.push(rss_kb(&pid) as f64 / 1024.0);
        tui.keys(&["-l", &format!(":{cmd}")]);
        let typed = tui.wait("the command line", Duration::from_secs(10), |s| {
            s.contains(&format!(":{cmd}"))
        });
        if typed.is_none() {
            r.first.push(f64::NAN);
            r.synced.push(f64::NAN);
            continue;
        }
        std::thread::sleep(Duration::from_millis(100));
        let t0 = Instant::now();
        tui.keys(&["Enter"]);
        let first = tui.wait(&format!("{name}'s rows"), Duration::from_secs(60), |s| {
            s.contains(row) && title(s, name).is_some()
        });
        let synced = tui.wait(
            &format!("{name}'s title to count {N}"),
            Duration::from_secs(60),
            |s| title_count(s, name) == Some(N),
        );
        r.first.push(ms(t0, first));
        r.synced.push(ms(t0, synced));
        if synced.is_some() {
            if i == 0 {
                println!(
                    "  (title seen: {})",
                    title(&tui.screen(), name).unwrap_or("?").trim()
                );
            }
            std::thread::sleep(Duration::from_secs(2));
            r.rss_mb.push(rss_kb(&pid) as f64 / 1024.0);
        }
    }
    r
}

/// The pods pane on `N` pods: process start to first rows, to the title counting `N`, RSS 2 s
/// after, and kdoc's own trace of the frame that drew `N` pods.
fn pods_runs(dir: &Path, kubeconfig: &Path) -> Runs {
    let mut r = Runs::new();
    for i in 0..RUNS {
        let trace = dir.join(format!("trace-pods{i}"));
        let tui = Tui::start(kubeconfig, &format!("pods{i}"), Some(&trace));
        let first = tui.wait("the pods' rows", Duration::from_secs(60), |s| {
            s.contains("worker-0") && title(s, "Pods").is_some()
        });
        let synced = tui.wait(
            &format!("the pods title to count {N}"),
            Duration::from_secs(60),
            |s| title_count(s, "Pods") == Some(N),
        );
        r.first.push(ms(tui.started, first));
        r.synced.push(ms(tui.started, synced));
        if synced.is_some() {
            if i == 0 {
                println!(
                    "  (title seen: {})",
                    title(&tui.screen(), "Pods").unwrap_or("?").trim()
                );
            }
            std::thread::sleep(Duration::from_secs(2));
            r.rss_mb.push(rss_kb(&tui.pid()) as f64 / 1024.0);
        }
        let traced = std::fs::read_to_string(&trace)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                Some((
                    w.next()?.parse::<f64>().ok()?,
                    w.next()?.parse::<usize>().ok()?,
                ))
            })
            .find(|l| l.1 >= N)
            .map_or(f64::NAN, |l| l.0);
        r.traced.push(traced);
    }
    r
}

fn write_kubeconfig(dir: &Path, name: &str, sim: &Sim) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, sim.kubeconfig()).expect("kubeconfig written");
    path
}

fn start_sim(rt: &tokio::runtime::Runtime, pods: usize, namespaces: usize) -> Sim {
    let spec = LoadSpec {
        pods,
        namespaces,
        log_rate: 0.0,
    };
    rt.block_on(Sim::start(SimConfig {
        scenario: scenario(&spec, jiff::Timestamp::now()),
        ..Default::default()
    }))
    .expect("simulator starts")
}

fn main() {
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("tmux not found: skipping the :KIND and pods pane measurements");
        return;
    }
    let _ = kdoc_bin();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let dir = tempfile::tempdir().expect("tempdir");

    // A small cluster (10 pods) with 10,000 BenchItems and 10,000 ConfigMaps in `bench`.
    let kinds = start_sim(&rt, 10, 1);
    rt.block_on(async {
        kinds.add_bench_items("bench", N).expect("bench items");
        kinds.add_config_maps("bench", N).expect("config maps");
    });
    let kinds_kc = write_kubeconfig(dir.path(), "kc-kinds", &kinds);

    println!(
        ":bench (CRD benchitems.bench.kdoc.dev, 5 printer columns), {N} objects in one namespace:"
    );
    let bench = kind_runs(&kinds_kc, "bench", "benchitems.bench.kdoc.dev", "item-0000");
    println!(":cm (ConfigMaps), {N} objects in one namespace:");
    let cm = kind_runs(&kinds_kc, "cm", "configmaps", "cm-0000");
    drop(kinds);

    let pods_sim = start_sim(&rt, N, 100);
    let pods_kc = write_kubeconfig(dir.path(), "kc-pods", &pods_sim);
    println!("pods pane, {N} pods in 100 namespaces (tui_bench's cluster):");
    let pods = pods_runs(dir.path(), &pods_kc);
    drop(pods_sim);

    println!();
    for (label, r) in [(":bench", &bench), (":cm", &cm)] {
        println!(
            "{label} on {N} objects: first rows {} after Enter",
            stats(&r.first, "ms", 0)
        );
        println!(
            "{label} on {N} objects: title at {N} {} after Enter",
            stats(&r.synced, "ms", 0)
        );
        println!(
            "{label} on {N} objects: RSS 2 s after sync {} (pods pane of 10 pods before `:`: {})",
            stats(&r.rss_mb, "MB", 1),
            stats(&r.before_mb, "MB", 1)
        );
    }
    println!(
        "pods pane on {N} pods: first rows {} after process start",
        stats(&pods.first, "ms", 0)
    );
    println!(
        "pods pane on {N} pods: title at {N} {} after process start",
        stats(&pods.synced, "ms", 0)
    );
    println!(
        "pods pane on {N} pods: frame drawing {N} pods (KDOC_BENCH_TRACE) {} after process start",
        stats(&pods.traced, "ms", 0)
    );
    println!(
        "pods pane on {N} pods: RSS 2 s after sync {}",
        stats(&pods.rss_mb, "MB", 1)
    );
}
