//! `kdoc logs`, headless: the same cache, watches, container choice and log streams as the
//! logs pane, printed stern-style. Without `-f` each container is printed whole, in order (a
//! workflow's steps in step order, like `argo logs`); with `-f` lines print as they arrive and
//! pods that start matching join.

use std::io::Write;

use tokio::sync::mpsc;

use crate::cluster::kubeconfig::{self, Target};
use crate::cluster::runner::{CHANNEL, Runner};
use crate::core::cache::Cache;
use crate::core::cluster_event::{ClusterMsg, LogEvent, LogLine};
use crate::core::effect::{Effect, EffectId, EffectKind, LogRequest};
use crate::core::log_sources::{LogTarget, Wanted, service_selector, wanted};
use crate::core::state::Scope;
use crate::logs::buffer::Source;
use crate::logs::query::Query;
use crate::logs::sanitize::clean;
use crate::logs::source::{colour, prefix};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Raw,
    Json,
}

pub struct LogsOptions {
    pub target: LogTarget,
    pub query: Option<Query>,
    pub tail: Option<i64>,
    pub since_seconds: Option<i64>,
    pub previous: bool,
    pub follow: bool,
    pub timestamps: bool,
    /// `None`: prefix when more than one container is printed.
    pub prefix: Option<bool>,
    pub output: Output,
    /// Colour the prefixes (and keep the log's own SGR colours on a terminal).
    pub color: bool,
    /// stdout is a terminal: lines are sanitised as in the TUI. Into a pipe: bytes unchanged.
    pub terminal: bool,
}

type Key = (String, String, String);

/// The containers being read, in the order they were first wanted, and the next effect id.
struct Streams {
    list: Vec<Stream>,
    next_id: EffectId,
}

impl Streams {
    fn open(&mut self, runner: &Runner, opts: &LogsOptions, w: &Wanted, fresh: bool) -> EffectId {
        let id = self.next_id;
        self.next_id += 1;
        let req = LogRequest {
            namespace: w.ns.clone(),
            pod: w.pod.clone(),
            container: w.container.clone(),
            follow: opts.follow,
            // A restarted container's new instance is read whole: every line of it is new.
            tail: if fresh { None } else { opts.tail },
            since_seconds: if fresh { None } else { opts.since_seconds },
            since_time: None,
            previous: opts.previous,
        };
        runner.run(Effect {
            id,
            kind: EffectKind::Logs(req),
        });
        id
    }

    /// Open a stream for each wanted container that has run and has none yet; with -f, follow
    /// a restarted one into its new instance. Returns how many containers are wanted.
    fn sync(
        &mut self,
        cache: &Cache,
        opts: &LogsOptions,
        runner: &Runner,
        printer: &mut Printer,
    ) -> usize {
        let want = wanted(&opts.target, cache);
        for w in &want {
            let key = (w.ns.clone(), w.pod.clone(), w.container.clone());
            match self.list.iter().position(|s| s.key == key) {
                None if w.ran => {
                    let id = self.open(runner, opts, w, false);
                    self.list.push(Stream {
                        key,
                        id,
                        held: vec![],
                        done: false,
                        instance: w.restarts,
                    });
                }
                Some(i) if opts.follow && w.restarts > self.list[i].instance => {
                    printer.note(
                        &key,
                        &format!(
                            "restarted (restart {}): following the new instance",
                            w.restarts
                        ),
                    );
                    let old = self.list[i].id;
                    runner.run(Effect {
                        id: old,
                        kind: EffectKind::Cancel(old),
                    });
                    let id = self.open(runner, opts, w, true);
                    let s = &mut self.list[i];
                    s.id = id;
                    s.instance = w.restarts;
                    s.done = false;
                }
                _ => {}
            }
        }
        want.len()
    }
}

struct Stream {
    key: Key,
    id: EffectId,
    /// Lines held until the streams before this one have printed (without -f).
    held: Vec<LogLine>,
    done: bool,
    instance: i32,
}

struct Printer<'a> {
    opts: &'a LogsOptions,
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    prefix: bool,
    prefix_w: usize,
    /// Each container's prefix as written (padded, coloured), made once, not per line.
    prefixes: std::collections::HashMap<Key, String>,
}

const PALETTE: [u8; 12] = [36, 32, 33, 35, 94, 91, 96, 92, 93, 95, 34, 31];

impl Printer<'_> {
    fn line(&mut self, key: &Key, l: &LogLine) -> std::io::Result<()> {
        if let Some(q) = &self.opts.query
            && !q.matches(&String::from_utf8_lossy(&l.bytes))
        {
            return Ok(());
        }
        if self.opts.output == Output::Json {
            let v = serde_json::json!({
                "namespace": key.0, "pod": key.1, "container": key.2,
                "time": l.ts.map(|t| t.to_string()),
                "message": String::from_utf8_lossy(&l.bytes),
            });
            return writeln!(self.out, "{v}");
        }
        if self.prefix {
            let (w, color) = (self.prefix_w, self.opts.color);
            let p = self.prefixes.entry(key.clone()).or_insert_with(|| {
                let src = Source {
                    namespace: key.0.clone(),
                    pod: key.1.clone(),
                    container: key.2.clone(),
                };
                let p = prefix(&src, w);
                if color {
                    let c = PALETTE[colour(&src) as usize % PALETTE.len()];
                    format!("\x1b[{c}m{p:<w$}\x1b[0m ")
                } else {
                    format!("{p:<w$} ")
                }
            });
            self.out.write_all(p.as_bytes())?;
        }
        if self.opts.timestamps
            && let Some(ts) = l.ts
        {
            write!(self.out, "{ts} ")?;
        }
        if self.opts.terminal {
            // What reaches a terminal is what the TUI would show: no escape sequences.
            let c = clean(&l.bytes, false);
            match &self.opts.query {
                Some(q) if self.opts.color => {
                    let mut at = 0;
                    for (a, b) in q.spans(&c.text) {
                        write!(
                            self.out,
                            "{}\x1b[1;31m{}\x1b[0m",
                            &c.text[at..a],
                            &c.text[a..b]
                        )?;
                        at = b;
                    }
                    writeln!(self.out, "{}", &c.text[at..])
                }
                _ => writeln!(self.out, "{}", c.text),
            }
        } else {
            self.out.write_all(&l.bytes)?;
            self.out.write_all(b"\n")
        }
    }

    fn lines(&mut self, key: &Key, lines: &[LogLine]) -> Result<(), String> {
        for l in lines {
            self.line(key, l)
                .map_err(|e| format!("cannot write: {e}"))?;
        }
        Ok(())
    }

    fn note(&mut self, key: &Key, text: &str) {
        // Notes go to stderr, so stdout stays the log alone.
        let _ = self.out.flush();
        eprintln!("kdoc: {}/{} {}: {text}", key.0, key.1, key.2);
    }
}

/// Run `kdoc logs` against `target` until the logs end (or forever with -f).
/// Returns the process exit code: 0, or 1 when a stream failed or nothing matched.
pub async fn run(target: &Target, mut opts: LogsOptions) -> Result<i32, String> {
    let client = kubeconfig::client(target)?;
    let (tx, mut rx) = mpsc::channel(CHANNEL);
    let runner = Runner::spawn(target.clone(), client, tx, false);
    let ns = opts.target.namespace().to_string();
    let mut cache = Cache::new(
        &target.context,
        &target.cluster,
        vec![],
        Scope::Namespace(ns.clone()),
    );
    let mut next_id: EffectId = 1;
    let watch = next_id;
    next_id += 1;
    cache.reset(Scope::Namespace(ns.clone()), watch);
    runner.run(Effect {
        id: watch,
        kind: EffectKind::Watch {
            scope: Scope::Namespace(ns.clone()),
            client: None,
        },
    });
    // Wait for the first list of pods (and services, for svc/NAME).
    let needs_services =
        matches!(&opts.target, LogTarget::Selector { label, .. } if label.starts_with("svc/"));
    let (pods0, svcs0) = (cache.revs.pods, cache.revs.services);
    while cache.revs.pods == pods0 || (needs_services && cache.revs.services == svcs0) {
        let Some(msg) = rx.recv().await else {
            return Err("the cluster connection closed before pods were listed".into());
        };
        if let ClusterMsg::Watch { id, event } = msg
            && id == watch
        {
            cache.apply(event);
        }
        if let Some(e) = &cache.pods_error {
            return Err(format!("cannot list pods in namespace {ns}: {e}"));
        }
    }
    service_selector(&mut opts.target, &cache)?;
    let opts = &opts;
    let mut printer = Printer {
        opts,
        out: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        prefix: false,
        prefix_w: 0,
        prefixes: Default::default(),
    };
    let mut streams = Streams {
        list: vec![],
        next_id,
    };
    let mut failed = false;
    let wanted_now = streams.sync(&cache, opts, &runner, &mut printer);
    let streams_opened = streams.list.len();
    if streams_opened == 0 && !opts.follow {
        let what = if wanted_now == 0 {
            "no pods match"
        } else {
            "no container has started yet in the pods that match"
        };
        return Err(format!("{what} {} in namespace {ns}", opts.target.label()));
    }
    printer.prefix = opts
        .prefix
        .unwrap_or(streams_opened > 1 || opts.follow && wanted_now != 1);
    printer.prefix_w = streams
        .list
        .iter()
        .map(|s| s.key.1.chars().count() + s.key.2.chars().count() + 1)
        .max()
        .unwrap_or(20)
        .min(40);
    // Without -f, the stream printing now: the first not done, in order.
    let mut current = 0;
    while let Some(msg) = rx.recv().await {
        match msg {
            ClusterMsg::Watch { id, event } if id == watch => {
                cache.apply(event);
                if opts.follow {
                    streams.sync(&cache, opts, &runner, &mut printer);
                }
            }
            ClusterMsg::Log { id, event } => {
                // A replaced stream's id (before a restart) finds nothing: stale.
                let Some(i) = streams.list.iter().position(|s| s.id == id) else {
                    continue;
                };
                let streams = &mut streams.list;
                match event {
                    LogEvent::Lines(lines) => {
                        if opts.follow || i == current {
                            printer.lines(&streams[i].key, &lines)?;
                        } else {
                            streams[i].held.extend(lines);
                        }
                    }
                    LogEvent::Failed(m) => {
                        failed = true;
                        let key = streams[i].key.clone();
                        printer.note(&key, &m);
                        streams[i].done = true;
                    }
                    LogEvent::Reconnecting { attempt, error } => {
                        let key = streams[i].key.clone();
                        printer.note(&key, &format!("reconnecting (attempt {attempt}): {error}"));
                    }
                    LogEvent::Ended => streams[i].done = true,
                    LogEvent::Opened => {}
                }
                if !opts.follow {
                    // Print the held lines of every stream whose turn has come.
                    while current < streams.len() && streams[current].done {
                        current += 1;
                        if let Some(s) = streams.get_mut(current) {
                            let held = std::mem::take(&mut s.held);
                            printer.lines(&s.key, &held)?;
                        }
                    }
                    if current >= streams.len() {
                        break;
                    }
                }
            }
            _ => {}
        }
        if rx.is_empty() {
            let _ = printer.out.flush();
        }
    }
    printer
        .out
        .flush()
        .map_err(|e| format!("cannot write: {e}"))?;
    runner.run(Effect {
        id: 0,
        kind: EffectKind::Quit,
    });
    Ok(i32::from(failed))
}
