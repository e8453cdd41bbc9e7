//! kdoc side by side with kubectl (and kubetui, kdash, k9s when they are on PATH), on the same
//! work against one `kdoc sim --scenario load` run as a child process. Build first, then run:
//!   cargo build --release && cargo run --release --example side_by_side [-- --runs N --quick]
//! `--peers-install DIR` first runs `cargo install --locked --root DIR kubetui kdash` (20+
//! minutes on 2 cores) and puts DIR/bin on PATH for the run. Needs kubectl and tmux.
//!
//! Runs are interleaved (run 1 of every tool, then run 2, ...) so a noisy minute hits all
//! tools alike; each table gives min / median / max over the runs and every other tool's median
//! over kdoc's. The same tables go to target/side_by_side.md.

// Its new_session is 120x35; the peers were measured at 160x45 (procs::Tui has its own).
#[path = "../support/mod.rs"]
mod support;

mod measures;
mod procs;
mod table;

use std::process::Command;

pub struct Sizes {
    pub small: (usize, usize),
    pub big: (usize, usize),
    pub log_lines: usize,
    pub follow_containers: usize,
    pub follow_rate: f64,
    pub follow_secs: u64,
    /// After sync: RSS at `rss_at` s, CPU over `cpu_secs` s, requests over `req_secs` s.
    pub rss_at: u64,
    pub cpu_secs: u64,
    pub req_secs: u64,
}

impl Sizes {
    fn full() -> Sizes {
        Sizes {
            small: (1_000, 10),
            big: (10_000, 100),
            log_lines: 1_000_000,
            follow_containers: 20,
            follow_rate: 5_000.0,
            follow_secs: 60,
            rss_at: 10,
            cpu_secs: 10,
            req_secs: 20,
        }
    }

    /// A smoke test: everything runs, nothing is meant to be quoted.
    fn quick() -> Sizes {
        Sizes {
            small: (200, 2),
            big: (2_000, 20),
            log_lines: 100_000,
            follow_containers: 20,
            follow_rate: 5_000.0,
            follow_secs: 10,
            rss_at: 3,
            cpu_secs: 3,
            req_secs: 5,
        }
    }
}

struct Opts {
    runs: usize,
    quick: bool,
    peers_install: Option<String>,
}

fn opts() -> Opts {
    let mut o = Opts {
        runs: 3,
        quick: false,
        peers_install: None,
    };
    let mut runs = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => {
                runs = Some(
                    args.next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n| *n > 0)
                        .expect("--runs N (N >= 1)"),
                )
            }
            "--quick" => o.quick = true,
            "--peers-install" => {
                o.peers_install = Some(args.next().expect("--peers-install DIR"));
            }
            other => {
                panic!("unknown argument {other:?}; use --runs N, --quick, --peers-install DIR")
            }
        }
    }
    o.runs = runs.unwrap_or(if o.quick { 1 } else { 3 });
    o
}

fn version(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_default()
}

fn main() {
    let o = opts();
    let mut path = std::env::var("PATH").unwrap_or_default();
    if let Some(dir) = &o.peers_install {
        // Scratch install: nothing lands in ~/.cargo/bin, and DIR/bin is on PATH for this run only.
        let st = Command::new("cargo")
            .args(["install", "--locked", "--root", dir, "kubetui", "kdash"])
            .status()
            .expect("cargo runs");
        assert!(st.success(), "cargo install of kubetui and kdash failed");
        let bin = std::path::Path::new(dir).join("bin");
        path = format!("{}:{path}", bin.canonicalize().unwrap_or(bin).display());
    }
    let kubectl = procs::which(&path, "kubectl").expect("kubectl on PATH");
    assert!(
        procs::which(&path, "tmux").is_some(),
        "tmux on PATH (the TUIs run in it)"
    );
    let peers: Vec<(String, std::path::PathBuf)> = ["kubetui", "kdash", "k9s"]
        .iter()
        .filter_map(|t| procs::which(&path, t).map(|p| (t.to_string(), p)))
        .collect();
    let sizes = if o.quick {
        Sizes::quick()
    } else {
        Sizes::full()
    };
    let kdoc = support::kdoc_bin();
    let mut header = format!(
        "## Side by side\n\n{} vs {} ({}), on `kdoc sim --scenario load`, {} run{} each, interleaved; {} cores; {}.\n",
        version(&kdoc.display().to_string(), &["--version"]),
        "kubectl",
        version(&kubectl.display().to_string(), &["version", "--client"]),
        o.runs,
        if o.runs == 1 { "" } else { "s" },
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        jiff::Timestamp::now().strftime("%Y-%m-%d")
    );
    let absent: Vec<&str> = ["kubetui", "kdash", "k9s"]
        .into_iter()
        .filter(|t| !peers.iter().any(|p| p.0 == *t))
        .collect();
    if !peers.is_empty() {
        header.push_str(&format!(
            "Peers: {}.\n",
            peers
                .iter()
                .map(|(t, p)| format!(
                    "{t} ({})",
                    version(&p.display().to_string(), &["--version"])
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !absent.is_empty() {
        header.push_str(&format!(
            "Not on PATH, so not measured: {} (`--peers-install DIR` installs kubetui and kdash).\n",
            absent.join(", ")
        ));
    }
    if o.quick {
        header.push_str("`--quick`: smaller sizes, a smoke test; not numbers to quote.\n");
    }
    println!("{header}");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut results = table::Results::default();
    let ctx = measures::Ctx {
        dir: dir.path(),
        kdoc: &kdoc,
        kubectl: &kubectl,
        peers: &peers,
        sizes: &sizes,
        runs: o.runs,
    };
    measures::listing(&ctx, &mut results);
    measures::logs(&ctx, &mut results);
    measures::tuis(&ctx, &mut results);
    measures::follow(&ctx, &mut results);
    let md = results.markdown(&header);
    println!("{md}");
    let out = kdoc
        .parent()
        .and_then(std::path::Path::parent)
        .expect("target dir")
        .join("side_by_side.md");
    std::fs::write(&out, &md).expect("write the markdown");
    println!("written to {}", out.display());
}
