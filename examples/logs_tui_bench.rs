//! The logs pane following 20 containers at 5,000 lines/s each (`kdoc sim --scenario load`):
//! the app's own loop (drain every queued cluster message, then draw at most every 16 ms) run
//! in-process against the simulator over HTTP, drawing to ratatui's TestBackend. Prints how far
//! behind the newest line on screen is, frame times, how long a key takes to be drawn, and
//! resident memory once the 200,000-line buffer is full.

use std::time::{Duration, Instant};

use kdoc::app::model::AppMsg;
use kdoc::app::{Options, Session, run_effects};
use kdoc::cluster::kubeconfig;
use kdoc::config::keymap::Keymap;
use kdoc::config::theme::Theme;
use kdoc::core::cluster_event::ClusterMsg;
use kdoc::core::log_sources::{LogTarget, Pick};
use kdoc::core::panes::logs::LogsPane;
use kdoc::core::state::{Msg, Scope};
use kdoc::sim::scenario::load::{LoadSpec, scenario};
use kdoc::sim::{Sim, SimConfig};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const CONTAINERS: usize = 20;
const RATE: f64 = 5_000.0;
const RUN: Duration = Duration::from_secs(40);
const FRAME: Duration = Duration::from_millis(16);

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(((v.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or(0.0)
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

fn deliver(session: &mut Session, msg: ClusterMsg) {
    let effects = session.app.update(AppMsg::Core(Msg::Cluster(msg)));
    run_effects(&session.runner, effects);
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let spec = LoadSpec {
        pods: CONTAINERS,
        namespaces: 1,
        log_rate: RATE,
    };
    let sim = Sim::start(SimConfig {
        scenario: scenario(&spec, jiff::Timestamp::now()),
        ..SimConfig::default()
    })
    .await
    .expect("the simulator starts");
    let kc = kube::config::Kubeconfig::from_yaml(&sim.kubeconfig()).expect("kubeconfig");
    let target = kubeconfig::from_kubeconfig(kc, None).await.expect("target");
    let mut session = Session::start(&Options {
        target,
        scope: Scope::All,
        readonly: true,
        keymap: Keymap::builtin(),
        theme: Theme::builtin(),
        notices: vec![],
        offline: None,
        profiles: vec![],
        logs: Default::default(),
        favourites: vec![],
    })
    .expect("the app starts");
    let effects = session.app.update(AppMsg::Core(Msg::Resize(120, 35)));
    run_effects(&session.runner, effects);
    // The pods first.
    while session.app.state.cache.pods.len() < CONTAINERS {
        let m = session.rx.recv().await.expect("cluster messages");
        deliver(&mut session, m);
    }
    let ns = session
        .app
        .state
        .cache
        .pods
        .keys()
        .next()
        .map(|k| k.0.clone())
        .expect("a namespace");
    let effects = session
        .app
        .update(AppMsg::Core(Msg::OpenLogs(LogTarget::Matching {
            ns,
            pattern: regex::Regex::new(".").unwrap(),
            pick: Pick::All,
        })));
    run_effects(&session.runner, effects);

    let theme = Theme::builtin();
    let mut term = Terminal::new(TestBackend::new(120, 35)).expect("terminal");
    let (mut frames, mut lags, mut keys) = (vec![], vec![], vec![]);
    let start = Instant::now();
    let mut last_draw = Instant::now();
    let mut last_key = Instant::now();
    let mut full_rss = None;
    while start.elapsed() < RUN {
        // Every queued message, as the app's loop drains them, then one frame.
        match tokio::time::timeout(FRAME, session.rx.recv()).await {
            Ok(Some(m)) => {
                deliver(&mut session, m);
                while let Ok(m) = session.rx.try_recv() {
                    deliver(&mut session, m);
                }
            }
            Ok(None) => break,
            Err(_) => {}
        }
        if session.app.state.busy() {
            let effects = session
                .app
                .update(AppMsg::Core(Msg::Tick(jiff::Timestamp::now())));
            run_effects(&session.runner, effects);
        }
        // A key every second (timestamps on, then off): time until it is drawn.
        let key_at = (last_key.elapsed() >= Duration::from_secs(1)).then(|| {
            last_key = Instant::now();
            let k = crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('t'),
                crossterm::event::KeyModifiers::NONE,
            );
            let effects = session.app.update(AppMsg::Key(k));
            run_effects(&session.runner, effects);
            Instant::now()
        });
        if last_draw.elapsed() < FRAME && key_at.is_none() {
            continue;
        }
        let view = kdoc::ui::View {
            theme: &theme,
            keymap: &session.app.keymap,
            input: &session.app.input,
            now: jiff::Timestamp::now(),
        };
        let t = Instant::now();
        term.draw(|f| kdoc::ui::draw(f, &session.app.state, &view))
            .expect("draw");
        frames.push(t.elapsed().as_secs_f64() * 1000.0);
        if let Some(k) = key_at {
            keys.push(k.elapsed().as_secs_f64() * 1000.0);
        }
        last_draw = Instant::now();
        let p = session.app.state.find::<LogsPane>().expect("the logs pane");
        if let Some(ts) = p.buf.iter().next_back().and_then(|l| l.ts)
            && start.elapsed() > Duration::from_secs(5)
        {
            let lag = jiff::Timestamp::now().duration_since(ts).as_secs_f64() * 1000.0;
            lags.push(lag);
        }
        if full_rss.is_none() && p.buf.dropped() > 0 {
            full_rss = Some((start.elapsed(), rss_mb()));
        }
    }
    let p = session.app.state.find::<LogsPane>().expect("the logs pane");
    let received: u64 = p.streams.values().map(|s| s.lines).sum();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "following {} containers at {RATE:.0} lines/s each for {secs:.0} s: {received} lines received ({:.0}/s), buffer {} lines, {} dropped at the bound",
        p.streams.len(),
        received as f64 / secs,
        p.buf.len(),
        p.buf.dropped()
    );
    println!(
        "newest line on screen behind its kubelet time: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        percentile(&mut lags.clone(), 0.5),
        percentile(&mut lags.clone(), 0.99),
        percentile(&mut lags, 1.0)
    );
    println!(
        "frames: {} drawn, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; a key to its drawn result: p50 {:.2} ms, max {:.2} ms ({} keys)",
        frames.len(),
        percentile(&mut frames.clone(), 0.5),
        percentile(&mut frames.clone(), 0.99),
        percentile(&mut frames, 1.0),
        percentile(&mut keys.clone(), 0.5),
        percentile(&mut keys.clone(), 1.0),
        keys.len()
    );
    match full_rss {
        Some((at, mb)) => println!(
            "RSS {mb:.1} MB when the 200,000-line buffer filled ({:.0} s in); {:.1} MB at the end",
            at.as_secs_f64(),
            rss_mb()
        ),
        None => println!("the buffer never filled; RSS {:.1} MB at the end", rss_mb()),
    }
}
