//! Optional timing trace for benchmarks: with KDOC_BENCH_TRACE=FILE, each frame whose pod count
//! differs from the last appends "ms_since_start rows rss_kb" to FILE.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

/// Call first thing in main, so times count from process start.
pub fn mark_start() {
    START.get_or_init(Instant::now);
}

pub struct Trace {
    file: Option<std::fs::File>,
    last_rows: Option<usize>,
}

impl Trace {
    pub fn from_env() -> Trace {
        let file = std::env::var_os("KDOC_BENCH_TRACE").and_then(|p| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        });
        Trace {
            file,
            last_rows: None,
        }
    }

    pub fn frame(&mut self, rows: usize) {
        let Some(f) = self.file.as_mut() else { return };
        if self.last_rows == Some(rows) {
            return;
        }
        self.last_rows = Some(rows);
        let ms = START
            .get()
            .map_or(0.0, |s| s.elapsed().as_secs_f64() * 1000.0);
        let _ = writeln!(f, "{ms:.1} {rows} {}", rss_kb());
    }
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
