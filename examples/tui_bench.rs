//! TUI benchmarks, printed as numbers. Build first, then run:
//!   cargo build --release && cargo run --release --example tui_bench
//! Needs tmux (the TUI runs in a real terminal). Targets: first frame with 1,000 pods within
//! 150 ms of process start; RSS after syncing 10,000 pods in 100 namespaces <= 80 MB; a frame
//! at 10,000 pods drawn in < 4 ms at p99; idle CPU < 1%; a 5,000-node workflow's steps built in
//! < 20 ms (a Steps workflow and a 5,000-task DAG) and drawn in < 4 ms.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use kdoc::config::keymap::Keymap;
use kdoc::config::theme::Theme;
use kdoc::core::cluster_event::{ClusterEvent, ClusterMsg, Conn};
use kdoc::core::pods::PodEntry;
use kdoc::core::state::{AppState, Msg, Scope};
use kdoc::sim::scenario::load::{LoadSpec, scenario};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod support;
use support::{cpu_ticks, kdoc_bin, new_session, percentile, rss_kb, tmux};

fn draw_bench() {
    use kdoc::core::actions::Action;
    let spec = LoadSpec {
        pods: 10_000,
        namespaces: 100,
        log_rate: 0.0,
    };
    let base = jiff::Timestamp::now();
    let pods: Vec<kdoc::core::pods::PodEntry> = scenario(&spec, base)
        .objects
        .into_iter()
        .filter(|o| o["kind"] == "Pod")
        .map(|o| PodEntry::new(&serde_json::from_value::<Pod>(o).expect("pod")))
        .collect();
    let mut state = AppState::new("bench".into(), "bench".into(), vec![], Scope::All, false);
    let id = state.start()[0].id;
    let one = pods[4321].clone();
    let refresh_t = Instant::now();
    state.update(Msg::Cluster(ClusterMsg::watch(
        id,
        ClusterEvent::PodsReset(pods),
    )));
    let refresh_ms = refresh_t.elapsed().as_secs_f64() * 1000.0;
    state.update(Msg::Cluster(ClusterMsg::watch(
        id,
        ClusterEvent::Conn(Conn::Connected),
    )));
    // One pod changes (a watch event): its row is updated in place, the others stay.
    let mut one_ms = vec![];
    for i in 0..200 {
        let mut p = one.clone();
        std::sync::Arc::make_mut(&mut p.row).restarts = i;
        let t = Instant::now();
        state.update(Msg::Cluster(ClusterMsg::watch(
            id,
            ClusterEvent::PodApplied(Box::new(p)),
        )));
        one_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    for (w, h) in [(120u16, 35u16), (200, 60)] {
        // Scroll around: different visible rows each frame.
        let mut times = frame_times(&mut state, w, h, 2000, |s, i| {
            let a = if i % 300 == 0 {
                Action::Top
            } else {
                Action::PageDown
            };
            s.update(Msg::Action(a));
        });
        println!(
            "draw at 10,000 pods, {w}x{h}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (2000 frames)",
            percentile(&mut times, 0.5),
            percentile(&mut times, 0.99),
            percentile(&mut times, 1.0)
        );
    }
    println!("rebuilding rows for 10,000 pods (status, sort, filter): {refresh_ms:.1} ms");
    println!(
        "one pod changed at 10,000 pods (row updated in place): median {:.3} ms, max {:.3} ms (200 updates)",
        percentile(&mut one_ms.clone(), 0.5),
        percentile(&mut one_ms, 1.0)
    );
}

struct SimProc {
    child: Child,
    kubeconfig: PathBuf,
}

impl Drop for SimProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sim(dir: &Path, pods: usize, namespaces: usize) -> SimProc {
    let kubeconfig = dir.join(format!("kc-{pods}"));
    let child = Command::new(kdoc_bin())
        .args([
            "sim",
            "--scenario",
            "load",
            "--log-rate",
            "0",
            "--pods",
            &pods.to_string(),
            "--namespaces",
            &namespaces.to_string(),
        ])
        .arg("--kubeconfig-out")
        .arg(&kubeconfig)
        .stdout(Stdio::null())
        .spawn()
        .expect("kdoc sim starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !kubeconfig.exists() {
        assert!(Instant::now() < deadline, "kdoc sim did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    SimProc { child, kubeconfig }
}

/// Run kdoc in a 120x35 tmux pane; returns (socket, trace file) once `rows` pods were drawn.
fn run_tui(
    dir: &Path,
    sim: &SimProc,
    rows: usize,
    tag: &str,
) -> (String, PathBuf, Vec<(f64, usize, u64)>) {
    let trace = dir.join(format!("trace-{tag}"));
    let _ = std::fs::remove_file(&trace);
    let socket = format!("kdoc-bench-{}-{tag}", std::process::id());
    let cmd = format!(
        "KDOC_BENCH_TRACE={} {} --kubeconfig {} -A",
        trace.display(),
        kdoc_bin().display(),
        sim.kubeconfig.display()
    );
    new_session(&socket, &cmd);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let lines: Vec<(f64, usize, u64)> = std::fs::read_to_string(&trace)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                Some((
                    w.next()?.parse().ok()?,
                    w.next()?.parse().ok()?,
                    w.next()?.parse().ok()?,
                ))
            })
            .collect();
        if lines.iter().any(|l| l.1 >= rows) {
            return (socket, trace, lines);
        }
        assert!(
            Instant::now() < deadline,
            "kdoc never drew {rows} pods; trace: {lines:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn tui_bench() {
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("tmux not found: skipping the first-frame, memory and idle-CPU measurements");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let sim = start_sim(dir.path(), 1000, 10);
    let mut firsts = vec![];
    for i in 0..7 {
        let (socket, _, lines) = run_tui(dir.path(), &sim, 1000, &format!("first{i}"));
        let first = lines
            .iter()
            .find(|l| l.1 >= 1000)
            .map(|l| l.0)
            .unwrap_or(f64::NAN);
        firsts.push(first);
        if i == 0 {
            // Idle CPU: nothing changes in this cluster; watch kdoc for 10 s.
            let pid = tmux(&socket, &["list-panes", "-F", "#{pane_pid}"])
                .trim()
                .to_string();
            std::thread::sleep(Duration::from_secs(1));
            let t0 = cpu_ticks(&pid);
            std::thread::sleep(Duration::from_secs(10));
            let used = (cpu_ticks(&pid) - t0) as f64 / 100.0; // USER_HZ
            println!(
                "idle CPU with 1,000 pods and no changes: {:.2}% over 10 s",
                used / 10.0 * 100.0
            );
        }
        tmux(&socket, &["kill-server"]);
    }
    println!(
        "first frame showing 1,000 pods: median {:.0} ms after process start (min {:.0}, max {:.0}; 7 runs)",
        percentile(&mut firsts.clone(), 0.5),
        percentile(&mut firsts.clone(), 0.0),
        percentile(&mut firsts, 1.0)
    );
    drop(sim);

    let big = start_sim(dir.path(), 10_000, 100);
    let (socket, _, lines) = run_tui(dir.path(), &big, 10_000, "rss");
    let synced = lines
        .iter()
        .find(|l| l.1 >= 10_000)
        .copied()
        .unwrap_or_default();
    std::thread::sleep(Duration::from_secs(2));
    let pid = tmux(&socket, &["list-panes", "-F", "#{pane_pid}"])
        .trim()
        .to_string();
    let settled = rss_kb(&pid);
    println!(
        "10,000 pods in 100 namespaces: synced and drawn {:.0} ms after start; RSS {:.1} MB at that frame, {:.1} MB 2 s later",
        synced.0,
        synced.2 as f64 / 1024.0,
        settled as f64 / 1024.0
    );
    tmux(&socket, &["kill-server"]);
}

/// An Argo workflow of `n` pod nodes: a Steps root, step groups of 10 pods each.
fn big_workflow(n: usize) -> serde_json::Value {
    use serde_json::json;
    let wf = "big";
    let mut nodes = serde_json::Map::new();
    let groups = n.div_ceil(10);
    let group_id = |g: usize| format!("{wf}-g{g}");
    nodes.insert(wf.into(), json!({"id": wf, "name": wf, "displayName": wf, "type": "Steps", "phase": "Running", "children": [group_id(0)]}));
    for g in 0..groups {
        let pods: Vec<String> = (0..10)
            .map(|i| format!("{wf}-p{}", g * 10 + i))
            .take(n - g * 10)
            .collect();
        let mut children = pods.clone();
        if g + 1 < groups {
            children.push(group_id(g + 1));
        }
        nodes.insert(group_id(g), json!({"id": group_id(g), "name": format!("{wf}[{g}]"), "displayName": format!("[{g}]"), "type": "StepGroup", "phase": "Running", "boundaryID": wf, "children": children}));
        for (i, p) in pods.iter().enumerate() {
            nodes.insert(p.clone(), json!({"id": p, "name": format!("{wf}[{g}].step-{i}"), "displayName": format!("step-{}", g * 10 + i), "type": "Pod",
                "templateName": "work", "phase": if g % 7 == 3 { "Failed" } else { "Succeeded" }, "boundaryID": wf,
                "startedAt": "2025-06-11T09:00:00Z", "finishedAt": "2025-06-11T09:01:00Z", "message": if g % 7 == 3 { "Error (exit code 1)" } else { "" }}));
        }
    }
    json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": wf, "namespace": "bench", "annotations": {"workflows.argoproj.io/pod-name-format": "v2"}},
           "status": {"phase": "Running", "startedAt": "2025-06-11T09:00:00Z", "nodes": nodes}})
}

/// An Argo workflow of one DAG with `n` tasks, each depending on the one before: all siblings
/// in the tree, each with its edges from the template.
fn big_dag(n: usize) -> serde_json::Value {
    use serde_json::json;
    let wf = "dag";
    let id = |i: usize| format!("{wf}-t{i}");
    let mut nodes = serde_json::Map::new();
    nodes.insert(wf.into(), json!({"id": wf, "name": wf, "displayName": wf, "type": "DAG", "templateName": "main", "phase": "Running", "children": [id(0)]}));
    let mut tasks = vec![];
    for i in 0..n {
        let next: Vec<String> = (i + 1 < n).then(|| id(i + 1)).into_iter().collect();
        nodes.insert(id(i), json!({"id": id(i), "name": format!("{wf}.t{i}"), "displayName": format!("t{i}"), "type": "Pod", "templateName": "work",
            "phase": "Succeeded", "boundaryID": wf, "startedAt": "2025-06-11T09:00:00Z", "children": next}));
        let mut task = json!({"name": format!("t{i}"), "template": "work"});
        if i > 0 {
            task["depends"] = json!(format!("t{}", i - 1));
        }
        tasks.push(task);
    }
    json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": wf, "namespace": "bench"},
           "spec": {"templates": [{"name": "main", "dag": {"tasks": tasks}}]},
           "status": {"phase": "Running", "startedAt": "2025-06-11T09:00:00Z", "nodes": nodes}})
}

fn steps_bench() {
    use kdoc::core::actions::Action;
    use kdoc::core::workflows::WfKind;
    let wf = big_workflow(5000);
    let key = (WfKind::Argo, "bench".to_string(), "big".to_string());
    let mut times = vec![];
    for _ in 0..20 {
        let t = Instant::now();
        let steps = kdoc::core::workflows::steps(&key, &wf, &Default::default(), &[]);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(steps.rows.len() > 5000);
    }
    println!(
        "steps tree of a 5,000-pod-node workflow (5,501 nodes): median {:.2} ms, max {:.2} ms (20 builds)",
        percentile(&mut times.clone(), 0.5),
        percentile(&mut times, 1.0)
    );
    let dag = big_dag(5000);
    let dag_key = (WfKind::Argo, "bench".to_string(), "dag".to_string());
    let mut times = vec![];
    for _ in 0..20 {
        let t = Instant::now();
        let steps = kdoc::core::workflows::steps(&dag_key, &dag, &Default::default(), &[]);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(steps.rows.len(), 5001);
    }
    println!(
        "steps tree of a 5,000-task DAG (siblings, edges from the template): median {:.2} ms, max {:.2} ms (20 builds)",
        percentile(&mut times.clone(), 0.5),
        percentile(&mut times, 1.0)
    );
    let mut state = AppState::new("bench".into(), "bench".into(), vec![], Scope::All, false);
    let id = state.start()[0].id;
    state.update(Msg::Cluster(ClusterMsg::watch(
        id,
        ClusterEvent::WorkflowsReset(WfKind::Argo, vec![wf]),
    )));
    state.update(Msg::Command("wf".into()));
    state.update(Msg::Action(Action::Select));
    let mut frames = frame_times(&mut state, 120, 35, 1000, |s, i| {
        let a = if i % 200 == 0 {
            Action::Top
        } else {
            Action::PageDown
        };
        s.update(Msg::Action(a));
    });
    println!(
        "steps pane frame at 5,501 nodes, 120x35: p50 {:.3} ms, p99 {:.3} ms (1000 frames)",
        percentile(&mut frames.clone(), 0.5),
        percentile(&mut frames, 0.99)
    );
}

/// Milliseconds to draw each of `frames` frames at `w`x`h`; `step` moves the selection first.
fn frame_times(
    state: &mut AppState,
    w: u16,
    h: u16,
    frames: usize,
    step: impl Fn(&mut AppState, usize),
) -> Vec<f64> {
    let (theme, keymap, input) = (
        Theme::builtin(),
        Keymap::builtin(),
        ratatui_textarea::TextArea::default(),
    );
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let mut times = Vec::with_capacity(frames);
    for i in 0..frames {
        step(state, i);
        let view = kdoc::ui::View {
            theme: &theme,
            keymap: &keymap,
            input: &input,
            now: jiff::Timestamp::now(),
        };
        let t = Instant::now();
        term.draw(|f| kdoc::ui::draw(f, state, &view))
            .expect("draw");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times
}

fn main() {
    draw_bench();
    steps_bench();
    tui_bench();
}
