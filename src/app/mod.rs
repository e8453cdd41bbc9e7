//! The event loop: it only turns terminal input, cluster messages and ticks into messages for
//! the app, runs the effects the app asks for, and draws once when something changed, at most
//! every 16 ms. All state changes happen in the reducer (`model.rs` and `core/state.rs`).

pub mod logs_cli;
pub mod model;
pub mod terminal;
pub mod trace;

use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::cluster::kubeconfig::{self, Target};
use crate::cluster::runner::{CHANNEL, Runner};
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::core::cluster_event::ClusterMsg;
use crate::core::effect::{Effect, EffectKind, EffectResult};
use crate::core::state::{AppState, Msg, Scope};
use crate::core::text::Safe;
use crate::ui::{self, View};
use model::{App, AppMsg};

const FRAME: Duration = Duration::from_millis(16);

pub struct Options {
    pub target: Target,
    pub scope: Scope,
    pub readonly: bool,
    pub keymap: Keymap,
    pub theme: Theme,
    /// Shown in the status line at start (skipped files, keymap problems).
    pub notices: Vec<String>,
    /// `--from-dir PATH`: an offline snapshot, said so in the header.
    pub offline: Option<String>,
    /// Named forwards from the user's `forwards.toml` (the autostart ones start with kdoc).
    pub profiles: Vec<crate::core::forward::Profile>,
    /// Logs panes' buffer size and the user's filter presets (`config.toml`).
    pub logs: crate::core::panes::logs::LogSettings,
    /// Command lines on the keys 1-9 (`config.toml`).
    pub favourites: Vec<String>,
}

/// The app, its effect runner and the channel of what the cluster says: what both the terminal
/// loop and the in-process tests drive.
pub struct Session {
    pub app: App,
    pub runner: Runner,
    pub rx: mpsc::Receiver<ClusterMsg>,
}

impl Session {
    /// Wire everything up and start the first watches.
    pub fn start(opts: &Options) -> Result<Session, String> {
        let (app, runner, rx, effects) = wire(opts)?;
        run_effects(&runner, effects);
        Ok(Session { app, runner, rx })
    }

    /// Give the app a message and run the effects it asks for; true when it asked to quit.
    pub fn send(&mut self, msg: AppMsg) -> bool {
        let effects = self.app.update(msg);
        run_effects(&self.runner, effects)
    }
}

type Wired = (App, Runner, mpsc::Receiver<ClusterMsg>, Vec<Effect>);

fn wire(opts: &Options) -> Result<Wired, String> {
    let target = &opts.target;
    let client = kubeconfig::client(target)?;
    let mut state = AppState::new(
        target.context.clone(),
        target.cluster.clone(),
        target.contexts.clone(),
        opts.scope.clone(),
        opts.readonly,
    );
    state.notices = opts.notices.iter().map(|n| Safe::new(n)).collect();
    state.rules = std::sync::Arc::new(crate::config::doctor_rules());
    // The rule pack is compiled when first needed (the first doctor, or the first logs pane
    // for `@errors`' signatures): compiled at start it cost ~20 MB of resident memory, a
    // third of kdoc's at 10,000 pods, for people who may never open either.
    state.offline = opts.offline.as_deref().map(Safe::new);
    state.profiles = opts.profiles.clone();
    state.favourites = opts.favourites.clone();
    state.logs = opts.logs.clone();
    let (tx, rx) = mpsc::channel(CHANNEL);
    let runner = Runner::spawn(target.clone(), client, tx, opts.readonly);
    let effects = state.start();
    Ok((App::new(state, opts.keymap.clone()), runner, rx, effects))
}

/// Hand effects to the runner; true when one of them is Quit.
pub fn run_effects(runner: &Runner, effects: Vec<Effect>) -> bool {
    let mut quit = false;
    for e in effects {
        match e.kind {
            EffectKind::Quit => quit = true,
            // Not the cluster's business: a local file, written here; the answer comes back
            // through the runner's channel like every other result.
            EffectKind::WriteFile { path, contents } => {
                let result = match std::fs::write(&path, &contents) {
                    Ok(()) => EffectResult::Written {
                        path,
                        bytes: contents.len(),
                    },
                    Err(err) => EffectResult::Failed(format!(
                        "cannot save to {path}: {err}; the lines are still here"
                    )),
                };
                runner.answer(ClusterMsg::Done { id: e.id, result });
            }
            // OSC 52: the terminal puts it on the clipboard (over ssh and in tmux too).
            EffectKind::Copy(text) => {
                use base64::Engine;
                use std::io::Write;
                let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
                let mut out = std::io::stdout();
                let _ = write!(out, "\x1b]52;c;{b64}\x07");
                let _ = out.flush();
            }
            kind => runner.run(Effect { id: e.id, kind }),
        }
    }
    quit
}

/// Run the TUI until the user quits (or a terminating signal arrives).
pub async fn run(opts: Options) -> Result<(), String> {
    let Session {
        mut app,
        runner,
        mut rx,
    } = Session::start(&opts)?;
    let theme = opts.theme;

    let mut guard = terminal::Guard::enter()?;
    let mut signals = terminal::Signals::new()?;
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut trace = trace::Trace::from_env();
    let size = guard.term.size().map_err(|e| e.to_string())?;
    app.update(AppMsg::Core(Msg::Resize(size.width, size.height)));

    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            let view = View {
                theme: &theme,
                keymap: &app.keymap,
                input: &app.input,
                now: jiff::Timestamp::now(),
            };
            guard
                .term
                .draw(|f| ui::draw(f, &app.state, &view))
                .map_err(|e| format!("cannot draw: {e}"))?;
            trace.frame(app.state.cache.pods.len());
            dirty = false;
            last_draw = Instant::now();
        }
        let mut effects = vec![];
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(TermEvent::Key(key))) => {
                    effects = app.update(AppMsg::Key(key));
                    dirty = true;
                }
                Some(Ok(TermEvent::Resize(w, h))) => {
                    effects = app.update(AppMsg::Core(Msg::Resize(w, h)));
                    dirty = true;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(format!("cannot read the terminal: {e}")),
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => {
                effects = app.update(AppMsg::Core(Msg::Cluster(msg)));
                // Drain whatever else arrived: one redraw for a burst of watch events.
                while let Ok(m) = rx.try_recv() {
                    effects.extend(app.update(AppMsg::Core(Msg::Cluster(m))));
                }
                dirty = true;
            }
            _ = tick.tick() => {
                // Ages, "(4m ago)" and running durations move on.
                effects = app.update(AppMsg::Core(Msg::Tick(jiff::Timestamp::now())));
                dirty = true;
            }
            // A pane re-filtering a big buffer does it a slice per turn; input stays served.
            _ = std::future::ready(()), if app.state.busy() => {
                effects = app.update(AppMsg::Core(Msg::Tick(jiff::Timestamp::now())));
                dirty = true;
            }
            _ = signals.recv() => return Ok(()),
            _ = tokio::time::sleep_until(last_draw + FRAME), if dirty => {}
        }
        if run_effects(&runner, effects) {
            return Ok(());
        }
    }
}
