//! The real `kdoc` binary in tmux against an in-process simulator that misbehaves: the API
//! server stops and comes back, every watch is dropped, a burst of 500s, a 410 on every watch,
//! a 403 on one kind, 2 s of latency on every request. Each test reads the screen as a person
//! would and checks what only a terminal shows: the header's connection state, rows with no
//! duplicates and no ghosts, log lines neither repeated nor lost, forwards coming back.
//!
//! The simulator runs on its own multi-thread tokio runtime, so it keeps serving while the
//! test thread polls tmux; `block_on` is only for its start, stop and restart. Every wait has
//! a timeout and none asserts how long something took. The harness is `tests/common/tmux.rs`.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::tmux::{Tmux, words};
use kdoc::sim::faults::AccessRule;
use kdoc::sim::scenario::Generator;
use kdoc::sim::scenario::build::{c, namespace, pod};
use kdoc::sim::scenario::load::LoadSpec;
use kdoc::sim::{Sim, SimConfig};
use tokio::runtime::Runtime;

/// The namespace kdoc is scoped to: a handful of pods, so every row is on screen at once.
const NS: &str = "faults";
/// Its pods; no name is a prefix of another, so a row is found by its name alone.
const PODS: &[&str] = &["fault-alpha", "fault-bravo", "fault-charlie", "fault-delta"];
/// The pod whose container writes a numbered line every second.
const TICKER: &str = "fault-alpha";
/// Generous: kdoc's first screen, or a recovery after the backoff, on a loaded machine.
const WAIT: Duration = Duration::from_secs(30);

/// The simulator, its runtime and the kubeconfig file kdoc reads.
struct World {
    rt: Runtime,
    sim: Sim,
    kubeconfig: tempfile::NamedTempFile,
}

impl World {
    /// The `mlops` scenario (for svc/mlflow) plus the `faults` namespace.
    fn start() -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let mut s = kdoc::sim::scenario::builtin("mlops", &LoadSpec::default())
            .expect("the mlops scenario");
        let base = jiff::Timestamp::now();
        s.objects.push(namespace(NS));
        for name in PODS {
            s.objects.push(
                pod(base, NS, name, 600)
                    .labels(&[("app", "faults")])
                    .container(c("app", "registry.example.com/faults/app:1.0").running(-500))
                    .build(),
            );
        }
        // Each line distinct (`seq=N`), so a repeated or a missing one shows.
        s.generators.push(Generator {
            ns: NS.into(),
            pod: TICKER.into(),
            container: "app".into(),
            rate: 1.0,
            template: "tick seq={n}".into(),
        });
        let sim = rt.block_on(common::start_with(SimConfig {
            scenario: s,
            bookmark_interval: Duration::from_millis(200),
            ..SimConfig::default()
        }));
        let kubeconfig = tempfile::NamedTempFile::new().expect("a kubeconfig file");
        std::fs::write(kubeconfig.path(), sim.kubeconfig()).expect("the kubeconfig written");
        World {
            rt,
            sim,
            kubeconfig,
        }
    }

    /// kdoc on this simulator, scoped to `faults`, in a 120x35 pane.
    fn kdoc(&self, test: &str) -> Option<Tmux> {
        let path = self.kubeconfig.path().display().to_string();
        Tmux::start(test, 120, 35, &["--kubeconfig", &path, "-n", NS])
    }

    fn stop(&mut self) {
        self.rt.block_on(self.sim.stop());
    }

    fn restart(&mut self) {
        self.rt
            .block_on(self.sim.restart())
            .expect("the simulator serves again on its port");
    }

    fn pods_idx(&self) -> usize {
        self.sim
            .state()
            .store
            .find("", "v1", "pods")
            .expect("pods are served")
    }

    fn delete_pod(&self, name: &str) {
        assert!(
            self.sim.state().store.delete(self.pods_idx(), NS, name),
            "{name} existed"
        );
    }

    fn add_pod(&self, name: &str) {
        let p = pod(jiff::Timestamp::now(), NS, name, 5)
            .labels(&[("app", "faults")])
            .container(c("app", "registry.example.com/faults/app:1.0").running(-3))
            .build();
        self.sim.state().store.upsert(p).expect("the pod stored");
    }
}

/// How many rows of the pods table name each pod of `faults` (a word equal to the name).
fn row_counts(screen: &str) -> BTreeMap<String, usize> {
    let mut n = BTreeMap::new();
    for line in screen.lines() {
        for w in words(line).filter(|w| w.starts_with("fault-")) {
            *n.entry(w.to_string()).or_insert(0) += 1;
        }
    }
    n
}

/// Whether the screen shows exactly these pods, one row each (no duplicate, no ghost).
fn shows_exactly(screen: &str, pods: &[&str]) -> bool {
    let want: BTreeMap<String, usize> = pods.iter().map(|p| (p.to_string(), 1)).collect();
    row_counts(screen) == want
}

fn connected(screen: &str) -> bool {
    screen.contains("● connected")
}

fn reconnecting(screen: &str) -> bool {
    screen.contains("◌ reconnecting, attempt")
}

/// kdoc started, every pod of `faults` on screen and the header connected.
fn started(t: &Tmux) {
    t.wait_until("the faults pods, connected", WAIT, |s| {
        connected(s) && shows_exactly(s, PODS)
    });
}

/// The `seq=N` numbers of the log lines on screen, top to bottom.
fn seqs(screen: &str) -> Vec<u64> {
    screen
        .lines()
        .filter_map(|l| {
            let rest = &l[l.find("tick seq=")? + "tick seq=".len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// The API server stops (every connection and watch dropped) and comes back on the same port;
/// a pod is deleted while it is away. The header says reconnecting, then connected; the rows
/// are the pods the server has, each once: the deleted one is gone, none is doubled.
#[test]
fn api_server_stops_and_comes_back() {
    let mut w = World::start();
    let Some(t) = w.kdoc("stop-rows") else {
        return;
    };
    started(&t);
    w.stop();
    let s = t.wait_until("the header reconnecting", WAIT, reconnecting);
    // What was listed stays on screen while the server is away.
    assert!(shows_exactly(&s, PODS), "{s}");
    w.delete_pod("fault-charlie");
    w.restart();
    let rest = ["fault-alpha", "fault-bravo", "fault-delta"];
    let s = t.wait_until("connected again, fault-charlie gone", WAIT, |s| {
        connected(s) && shows_exactly(s, &rest)
    });
    assert!(s.contains("pods 3"), "the header counts 3 pods:\n{s}");
    // Later changes still arrive over the resumed watch.
    w.add_pod("fault-echo");
    t.wait_until("fault-echo added once", WAIT, |s| {
        shows_exactly(
            s,
            &["fault-alpha", "fault-bravo", "fault-delta", "fault-echo"],
        )
    });
}

/// A followed log while the API server stops and comes back: the pane says it is
/// reconnecting, then lines resume from where they stopped, none repeated, none lost (the
/// server still has every line: the numbers on screen run on without a gap).
#[test]
fn log_stream_resumes_without_repeating_or_losing_lines() {
    let mut w = World::start();
    let Some(t) = w.kdoc("stop-logs") else {
        return;
    };
    started(&t);
    t.type_text("/");
    t.type_text(TICKER);
    t.enter();
    t.type_text("l");
    let s = t.wait_until("three numbered lines", WAIT, |s| seqs(s).len() >= 3);
    let before = *seqs(&s).last().expect("a line");
    w.stop();
    // Both the log stream and the header notice; the header is what is always on screen.
    t.wait_until("the header reconnecting", WAIT, reconnecting);
    w.restart();
    let s = t.wait_until("lines after the outage", WAIT, |s| {
        connected(s) && seqs(s).last().is_some_and(|n| *n >= before + 3)
    });
    let got = seqs(&s);
    let first = got[0];
    assert!(
        first <= before,
        "a line from before the outage is still on screen:\n{s}"
    );
    let want: Vec<u64> = (first..first + got.len() as u64).collect();
    assert_eq!(got, want, "every line once, in order:\n{s}");
}

/// A port-forward while the API server stops and comes back: it goes reconnecting (no stream
/// can be opened without the server) and active again once the server answers.
#[test]
fn forward_goes_reconnecting_and_comes_back() {
    let mut w = World::start();
    let Some(t) = w.kdoc("stop-forward") else {
        return;
    };
    started(&t);
    t.type_text(":");
    // Any free local port: 5000 may be taken on the machine running the test.
    t.type_text("pf svc/mlflow 0:5000 -n mlflow");
    t.enter();
    t.wait_until("mlflow's forward active", WAIT, |s| {
        s.contains("Forwards[1]") && s.contains("active: pod/mlflow-")
    });
    w.stop();
    let s = t.wait_until("the forward reconnecting", WAIT, |s| {
        s.contains("reconnecting (attempt")
    });
    assert!(s.contains("the API server is unreachable"), "{s}");
    w.restart();
    t.wait_until("the forward active again", WAIT, |s| {
        s.contains("active: pod/mlflow-") && connected(s)
    });
    t.type_text("c");
    t.wait_for("GET / ", WAIT);
}

/// Every watch dropped at once (the server stays up): the rows stay, nothing doubles when
/// the watches resume, and changes made after that arrive.
#[test]
fn every_watch_dropped_at_once() {
    let w = World::start();
    let Some(t) = w.kdoc("drop") else {
        return;
    };
    started(&t);
    let before = w.sim.state().requests();
    w.sim.state().faults.drop_streams();
    // The watches come back (new requests), the rows never leave.
    let s = t.wait_until("the rows after the drop", WAIT, |s| {
        w.sim.state().requests() > before + 3 && connected(s)
    });
    assert!(shows_exactly(&s, PODS), "{s}");
    w.delete_pod("fault-bravo");
    w.add_pod("fault-echo");
    t.wait_until("fault-bravo gone, fault-echo there, once each", WAIT, |s| {
        shows_exactly(
            s,
            &["fault-alpha", "fault-charlie", "fault-delta", "fault-echo"],
        ) && connected(s)
    });
}

/// A burst of 500s: every request fails for a while and every watch must reconnect into it.
/// The header says so with the server's words; the rows stay (a 500 is not a refusal); once
/// the server answers again the header is connected and a pod deleted meanwhile is gone.
#[test]
fn a_burst_of_500s() {
    let w = World::start();
    let Some(t) = w.kdoc("500s") else {
        return;
    };
    started(&t);
    let faults = &w.sim.state().faults;
    faults.fail_for(Duration::from_secs(4));
    faults.drop_streams();
    let s = t.wait_until(
        "the header reconnecting with the server's words",
        WAIT,
        |s| reconnecting(s) && s.contains("etcdserver: request timed out"),
    );
    assert!(shows_exactly(&s, PODS), "the rows stay:\n{s}");
    w.delete_pod("fault-delta");
    t.wait_until("connected, fault-delta gone", WAIT, |s| {
        connected(s) && shows_exactly(s, &["fault-alpha", "fault-bravo", "fault-charlie"])
    });
}

/// A 410 on every watch (an etcd compaction the watch cache could not follow): open watches
/// end with a 410 ERROR and resuming from any resourceVersion kdoc has is refused, so kdoc
/// must relist. Rows stay right: a pod deleted while the server was away (seen only by the
/// relist) is gone, and one added after the open watches expired arrives once.
#[test]
fn a_410_on_every_watch() {
    let mut w = World::start();
    let Some(t) = w.kdoc("410") else {
        return;
    };
    started(&t);
    // Open watches expire: kdoc relists, nothing doubles.
    let before = w.sim.state().requests();
    w.sim.state().expire_watches();
    t.wait_until("relisted after the 410", WAIT, |s| {
        w.sim.state().requests() > before + 3 && connected(s)
    });
    w.add_pod("fault-echo");
    let five = [
        "fault-alpha",
        "fault-bravo",
        "fault-charlie",
        "fault-delta",
        "fault-echo",
    ];
    t.wait_until("fault-echo once", WAIT, |s| shows_exactly(s, &five));
    // A resumed watch gets 410 too: the delete is only seen through the relist.
    w.stop();
    t.wait_until("the header reconnecting", WAIT, reconnecting);
    w.delete_pod("fault-alpha");
    w.sim.state().expire_watches();
    w.restart();
    let s = t.wait_until("connected, fault-alpha gone after the relist", WAIT, |s| {
        connected(s) && shows_exactly(s, &five[1..])
    });
    assert!(s.contains("pods 4"), "{s}");
}

/// A 403 on one kind (list and watch services): pods keep working and the services pane says
/// which permission is missing, in the API's words (verb, resource, namespace, user).
#[test]
fn a_403_on_services_only() {
    let w = World::start();
    w.sim
        .state()
        .faults
        .deny(AccessRule::new(&["list", "watch"], "", "services", None));
    let Some(t) = w.kdoc("403") else {
        return;
    };
    started(&t);
    t.type_text(":");
    t.type_text("svc");
    t.enter();
    let s = t.wait_until("the services pane's refusal", WAIT, |s| {
        s.contains("The API server refused to list services:")
    });
    // The message wraps inside the pane's borders: read it as words.
    let text = s.lines().flat_map(words).collect::<Vec<_>>().join(" ");
    for part in [
        "services is forbidden",
        "system:anonymous",
        "cannot list resource \"services\"",
        "in the namespace \"faults\"",
    ] {
        assert!(text.contains(part), "{part:?} in:\n{s}");
    }
    assert!(connected(&s), "a refusal is not a connection problem:\n{s}");
    // The pods pane keeps working, and changes keep coming.
    t.esc();
    w.add_pod("fault-echo");
    t.wait_until("pods still watched", WAIT, |s| {
        row_counts(s).get("fault-echo") == Some(&1) && s.contains("Pods(faults)")
    });
}

/// 2 s of latency on every request: keys are answered at once (they never wait on the
/// network), the header says the cluster is slow, and stops saying it once requests are quick.
#[test]
fn latency_on_every_request() {
    let w = World::start();
    let Some(t) = w.kdoc("latency") else {
        return;
    };
    started(&t);
    let latency = Duration::from_secs(2);
    w.sim.state().faults.set_latency(latency);
    // Every watch expires and relists into the latency: the lists are what kdoc times.
    w.sim.state().expire_watches();
    t.type_text("/");
    t.type_text("bravo");
    // Shorter than one request takes: a key answered only after a request would miss it.
    // Not a benchmark; a frame is far shorter still.
    t.wait_until(
        "the filter typed, before any request could answer",
        latency * 3 / 4,
        |s| s.contains("</bravo>"),
    );
    t.enter();
    let s = t.wait_until("the header says the cluster is slow", WAIT, |s| {
        s.contains("cluster is slow: requests take")
    });
    assert!(connected(&s), "slow, not disconnected:\n{s}");
    assert!(shows_exactly(&s, &["fault-bravo"]), "{s}");
    w.sim.state().faults.set_latency(Duration::ZERO);
    t.wait_until("the slow notice gone", WAIT, |s| {
        !s.contains("cluster is slow") && connected(s)
    });
}
