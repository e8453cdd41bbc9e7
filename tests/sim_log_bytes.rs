//! Logs are bytes, kept whole and stamped line by line, as a kubelet serves them: checked with
//! real kubectl against loaded support-bundle logs and a scenario's generated lines.

mod common;

use std::path::Path;
use std::time::Duration;

use common::kubectl::Kubectl;
use kdoc::sim::SimConfig;
use kdoc::sim::scenario::build::{c, pod};
use kdoc::sim::scenario::{Action, Generator, Scenario, Step};

/// A pod object file and its logs laid out as a support bundle: `logs/<ns>/<pod>/<c>.log`.
fn bundle(dir: &Path, name: &str, current: &[u8], previous: Option<&[u8]>) {
    let base = jiff::Timestamp::now();
    let app = c("app", "busybox").running(-60);
    let app = if previous.is_some() {
        app.restarts(1).last(1, "Error", -120, -61)
    } else {
        app
    };
    let p = pod(base, "bundle", name, 600).container(app).build();
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_vec(&p).unwrap(),
    )
    .unwrap();
    let logs = dir.join("logs/bundle").join(name);
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(logs.join("app.log"), current).unwrap();
    if let Some(prev) = previous {
        std::fs::write(logs.join("app-previous.log"), prev).unwrap();
    }
}

async fn load(dir: &Path) -> kdoc::sim::Sim {
    let sim = common::start_with(SimConfig {
        load: vec![dir.to_path_buf()],
        ..SimConfig::default()
    })
    .await;
    assert!(sim.load_problems.is_empty(), "{:?}", sim.load_problems);
    sim
}

/// `kubectl args...`, its stdout as bytes; fails the test unless kubectl succeeds.
async fn stdout(k: &Kubectl, args: &[&str]) -> Vec<u8> {
    let out = k.output(args).await;
    assert!(
        out.status.success(),
        "kubectl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_gets_loaded_log_bytes_exactly() {
    let mut current = b"plain line\n".to_vec();
    current.extend_from_slice(b"invalid utf-8: \xff\xfe \xc3\x28 and a lone continuation \x80\n");
    current.extend_from_slice(b"NUL\0in the middle\0\n");
    current
        .extend_from_slice(b"\x1b[31mred\x1b[0m, a title \x1b]0;pwned\x07 and a clear \x1b[2J\n");
    current.extend_from_slice(b"carriage return\r\n\n");
    current.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    current.extend_from_slice(b"\nthe end\n");
    let previous = b"before the crash \xf0\x9f\x92\xa5 \xf0\x9f\n\0\n".to_vec();
    let dir = tempfile::tempdir().unwrap();
    bundle(dir.path(), "binary", &current, Some(&previous));
    let sim = load(dir.path()).await;
    let Some(k) = Kubectl::new(&sim) else { return };

    let got = stdout(&k, &["logs", "binary", "-n", "bundle"]).await;
    assert_eq!(got.len(), current.len(), "served length");
    assert!(got == current, "kubectl logs returns the stored bytes");

    let got = stdout(&k, &["logs", "binary", "-n", "bundle", "--previous"]).await;
    assert_eq!(got, previous);

    let got = stdout(&k, &["logs", "binary", "-n", "bundle", "--tail=3"]).await;
    let mut want = vec![b'\n'];
    want.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    want.extend_from_slice(b"\nthe end\n");
    assert!(got == want, "the last three lines, the 10 MiB one whole");

    let got = stdout(&k, &["logs", "binary", "-n", "bundle", "--limit-bytes=30"]).await;
    assert_eq!(got, &current[..30]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_line_loaded_log_is_served_whole() {
    const LINES: usize = 1_000_000;
    let mut data = Vec::with_capacity(LINES * 14);
    for i in 0..LINES {
        data.extend_from_slice(format!("line {i:07}\n").as_bytes());
    }
    let dir = tempfile::tempdir().unwrap();
    bundle(dir.path(), "chatty", &data, None);
    let sim = load(dir.path()).await;
    assert_eq!(sim.state().logs.len("bundle", "chatty", "app"), LINES);
    let Some(k) = Kubectl::new(&sim) else { return };

    let all = stdout(&k, &["logs", "chatty", "-n", "bundle"]).await;
    assert_eq!(all.iter().filter(|b| **b == b'\n').count(), LINES);
    assert!(all == data, "every line, in order");

    let tail = stdout(&k, &["logs", "chatty", "-n", "bundle", "--tail=5"]).await;
    assert_eq!(
        String::from_utf8(tail).unwrap(),
        "line 0999995\nline 0999996\nline 0999997\nline 0999998\nline 0999999\n"
    );

    // Loaded lines are stamped a nanosecond apart, the last at load time, so they all fall
    // within the last minute.
    let recent = stdout(&k, &["logs", "chatty", "-n", "bundle", "--since=1m"]).await;
    assert_eq!(recent.len(), all.len());
    let stamped = stdout(
        &k,
        &["logs", "chatty", "-n", "bundle", "--timestamps", "--tail=3"],
    )
    .await;
    let times = timestamps(&String::from_utf8(stamped).unwrap());
    assert_eq!(times.len(), 3);
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
}

/// The RFC 3339 prefix of each `--timestamps` line, parsed.
fn timestamps(out: &str) -> Vec<jiff::Timestamp> {
    out.lines()
        .map(|l| {
            let (ts, _) = l
                .split_once(' ')
                .unwrap_or_else(|| panic!("no timestamp in {l:?}"));
            ts.parse()
                .unwrap_or_else(|e| panic!("{ts:?} is not RFC 3339: {e}"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_lines_have_strictly_increasing_timestamps() {
    let base = jiff::Timestamp::now();
    let p = pod(base, "gen", "writer", 60)
        .container(c("app", "busybox"))
        .build();
    let log = |lines: Vec<String>| Action::Log {
        ns: "gen".into(),
        pod: "writer".into(),
        container: "app".into(),
        lines,
    };
    let scenario = Scenario {
        name: "gen".into(),
        objects: vec![p],
        // Several lines written at one moment, and a generator writing a batch per tick.
        timeline: vec![Step {
            at: 0.0,
            every: Some(0.05),
            action: log((0..20).map(|i| format!("burst line {i}")).collect()),
        }],
        generators: vec![Generator {
            ns: "gen".into(),
            pod: "writer".into(),
            container: "app".into(),
            rate: 500.0,
            template: "generated {n}".into(),
        }],
        ..Default::default()
    };
    let sim = common::start(scenario).await;
    let state = sim.state().clone();
    common::wait_until(Duration::from_secs(30), "the writer has 500 lines", || {
        state.logs.len("gen", "writer", "app") >= 500
    })
    .await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let out = stdout(&k, &["logs", "writer", "-n", "gen", "--timestamps"]).await;
    let out = String::from_utf8(out).unwrap();
    let times = timestamps(&out);
    assert!(times.len() >= 500, "{} lines", times.len());
    for (w, lines) in times
        .windows(2)
        .zip(out.lines().collect::<Vec<_>>().windows(2))
    {
        assert!(
            w[0] < w[1],
            "not strictly increasing:\n{}\n{}",
            lines[0],
            lines[1]
        );
    }
    assert!(out.contains(" generated 0\n") && out.contains(" burst line 19\n"));
}

/// A kubelet's own log file (CRI format, as under /var/log/pods) keeps the times it records.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loaded_kubelet_file_keeps_its_times() {
    let file = b"2025-06-11T09:14:38.123456789Z stdout F starting\n\
2025-06-11T09:14:39Z stderr P a long line in \n\
2025-06-11T09:14:39.5Z stderr F two parts\n\
2025-06-11T09:15:00Z stdout F done \xff\n";
    let dir = tempfile::tempdir().unwrap();
    bundle(dir.path(), "kubelet", file, None);
    let sim = load(dir.path()).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let plain = stdout(&k, &["logs", "kubelet", "-n", "bundle"]).await;
    assert_eq!(plain, b"starting\na long line in two parts\ndone \xff\n");
    let stamped = stdout(&k, &["logs", "kubelet", "-n", "bundle", "--timestamps"]).await;
    assert_eq!(
        stamped,
        b"2025-06-11T09:14:38.123456789Z starting\n\
2025-06-11T09:14:39Z a long line in two parts\n\
2025-06-11T09:15:00Z done \xff\n"
    );
    let since = stdout(
        &k,
        &[
            "logs",
            "kubelet",
            "-n",
            "bundle",
            "--since-time=2025-06-11T09:14:39Z",
        ],
    )
    .await;
    assert_eq!(since, b"a long line in two parts\ndone \xff\n");
}
