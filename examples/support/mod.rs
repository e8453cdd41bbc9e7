//! What the benchmarks that drive the real binary share: finding it, tmux, RSS, percentiles.
// Each example uses only a part of this.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn kdoc_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("kdoc"))
        .expect("target dir");
    assert!(
        bin.exists(),
        "{} not found: run `cargo build --release` first",
        bin.display()
    );
    bin
}

pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

pub fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .arg("-L")
        .arg(socket)
        .args(args)
        .output()
        .expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A detached 120x35 tmux session `b` on `socket` running `cmd`.
pub fn new_session(socket: &str, cmd: &str) {
    tmux(
        socket,
        &["new-session", "-d", "-x", "120", "-y", "35", "-s", "b", cmd],
    );
}

pub fn rss_kb(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
}

/// utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux).
pub fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
}

/// Poll tmux session `b` on `socket` every 2 ms until `pred` holds: when it first did, or None
/// (and the last screen printed) after `timeout`.
pub fn wait_screen(
    socket: &str,
    what: &str,
    timeout: std::time::Duration,
    pred: impl Fn(&str) -> bool,
) -> Option<std::time::Instant> {
    let deadline = std::time::Instant::now() + timeout;
    let mut last = String::new();
    while std::time::Instant::now() < deadline {
        last = tmux(socket, &["capture-pane", "-p", "-t", "b"]);
        if pred(&last) {
            return Some(std::time::Instant::now());
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    println!("  timed out after {timeout:?} waiting for {what}; the screen was:\n{last}");
    None
}

/// `n` 100-byte log lines, one in eight an error (as a failing service's log might): the log
/// the kdoc-logs-against-kubectl benchmarks serve through `--load`.
pub fn error_log(n: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(n * 100);
    for i in 0..n {
        let level = if i % 8 == 0 {
            "ERROR request failed"
        } else {
            "INFO request handled"
        };
        let line = format!(
            "{i:>10} {level} status=200 path=/api/v1.0/predictions latency_ms=12 trace=abcdef0123456789"
        );
        data.extend_from_slice(format!("{line:<99}\n").as_bytes());
    }
    data
}
