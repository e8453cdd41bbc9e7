//! The event loop: drain input, cluster messages and ticks; reduce; draw once if anything
//! changed, at most every 16 ms.

pub mod terminal;
pub mod trace;

use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream, KeyCode, KeyEvent, KeyEventKind};
use futures::StreamExt;
use ratatui_textarea::TextArea;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::cluster::kubeconfig::{self, Target, from_kubeconfig};
use crate::cluster::watch;
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::core::actions::Action;
use crate::core::command;
use crate::core::state::{AppState, Effect, Mode, Msg, Scope};
use crate::ui::{self, View};

const FRAME: Duration = Duration::from_millis(16);

pub struct Options {
    pub target: Target,
    pub scope: Scope,
    pub readonly: bool,
    pub keymap: Keymap,
    pub theme: Theme,
}

fn new_input() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_cursor_line_style(ratatui::style::Style::default());
    t
}

/// Run the TUI until the user quits.
pub async fn run(opts: Options) -> Result<(), String> {
    let Options {
        mut target,
        scope,
        readonly,
        keymap,
        theme,
    } = opts;
    let client = kubeconfig::client(&target)?;
    let mut state = AppState::new(
        target.context.clone(),
        target.cluster.clone(),
        target.contexts.clone(),
        scope,
        readonly,
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut client = client;
    let mut watches = watch::start(client.clone(), &state.scope, state.generation, tx.clone());

    let mut guard = terminal::Guard::enter()?;
    let mut input = new_input();
    let mut completions: Vec<String> = vec![];
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut trace = trace::Trace::from_env();

    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            state.refresh();
            let size = guard.term.size().map_err(|e| e.to_string())?;
            state.page = ui::page_rows(size.height).max(1);
            let view = View {
                theme: &theme,
                keymap: &keymap,
                input: &input,
                completions: &completions,
                now: jiff::Timestamp::now(),
            };
            guard
                .term
                .draw(|f| ui::draw(f, &state, &view))
                .map_err(|e| format!("cannot draw: {e}"))?;
            trace.frame(state.rows.len());
            dirty = false;
            last_draw = Instant::now();
        }
        let mut effects = vec![];
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => {
                    effects = on_key(&mut state, &keymap, &mut input, &mut completions, key);
                    dirty = true;
                }
                Some(Ok(TermEvent::Resize(_, _))) => dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(format!("cannot read the terminal: {e}")),
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => {
                effects.extend(state.update(Msg::Cluster(msg)));
                // Drain whatever else arrived: one redraw for a burst of watch events.
                while let Ok(m) = rx.try_recv() {
                    effects.extend(state.update(Msg::Cluster(m)));
                }
                dirty = true;
            }
            _ = tick.tick() => {
                // Ages, "(4m ago)" and running durations move on.
                state.update(Msg::Tick(jiff::Timestamp::now()));
                dirty = true;
            }
            _ = tokio::time::sleep_until(last_draw + FRAME), if dirty => {}
        }
        for effect in effects {
            match effect {
                Effect::Quit => return Ok(()),
                Effect::Watch(scope) => {
                    drop(watches);
                    watches = watch::start(client.clone(), &scope, state.generation, tx.clone());
                }
                Effect::SwitchContext(ctx) => {
                    let Some(kc) = target.kubeconfig.clone() else {
                        continue;
                    };
                    match from_kubeconfig(kc, Some(&ctx))
                        .await
                        .and_then(|t| kubeconfig::client(&t).map(|c| (t, c)))
                    {
                        Ok((t, c)) => {
                            target = t;
                            client = c;
                            state.context = target.context.clone();
                            state.cluster = target.cluster.clone();
                            let scope = state.scope.clone();
                            state.switch_scope(scope.clone());
                            drop(watches);
                            watches =
                                watch::start(client.clone(), &scope, state.generation, tx.clone());
                        }
                        Err(e) => {
                            state.message = Some(format!("cannot switch to context {ctx:?}: {e}"))
                        }
                    }
                }
            }
        }
    }
}

/// A key: in text-input modes it edits the input (Enter/Esc/Tab act through the keymap's
/// `select`/`back`/`complete`); otherwise the keymap names the action.
fn on_key(
    state: &mut AppState,
    keymap: &Keymap,
    input: &mut TextArea<'static>,
    completions: &mut Vec<String>,
    key: KeyEvent,
) -> Vec<Effect> {
    let action = keymap.action(&key);
    match state.mode {
        Mode::Filter | Mode::Command => {
            let is_char = matches!(key.code, KeyCode::Char(_))
                && !key
                    .modifiers
                    .contains(crossterm::event::KeyModifiers::CONTROL);
            match action.filter(|_| !is_char) {
                Some(Action::Back) => {
                    let effects = state.update(Msg::Action(Action::Back));
                    if state.mode == Mode::Normal
                        && !state.filter_text.is_empty()
                        && input.lines().join("") == state.filter_text
                    {
                        // Esc while typing a filter cancels it entirely.
                        state.update(Msg::FilterInput(String::new()));
                    }
                    *input = new_input();
                    completions.clear();
                    effects
                }
                Some(Action::Select) => {
                    let t = input.lines().join("");
                    *input = new_input();
                    completions.clear();
                    if state.mode == Mode::Filter {
                        state.update(Msg::FilterDone)
                    } else {
                        state.update(Msg::CommandSubmit(t))
                    }
                }
                Some(Action::Complete) if state.mode == Mode::Command => {
                    let ns: Vec<String> = state.namespaces.iter().cloned().collect();
                    let found = command::complete(&input.lines().join(""), &ns, &state.contexts);
                    if let Some(first) = found.first() {
                        let done = if found.len() == 1 {
                            format!("{first} ")
                        } else {
                            common_prefix(&found)
                        };
                        *input = new_input();
                        input.insert_str(done);
                    }
                    *completions = found;
                    vec![]
                }
                Some(Action::Quit) if !is_char => vec![Effect::Quit],
                _ => {
                    input.input(key);
                    let t = input.lines().join("");
                    if state.mode == Mode::Filter {
                        state.update(Msg::FilterInput(t))
                    } else {
                        let ns: Vec<String> = state.namespaces.iter().cloned().collect();
                        *completions = command::complete(&t, &ns, &state.contexts);
                        vec![]
                    }
                }
            }
        }
        _ => match action {
            Some(a) => {
                let effects = state.update(Msg::Action(a));
                if state.mode == Mode::Filter {
                    *input = new_input();
                    input.insert_str(&state.filter_text);
                } else if state.mode == Mode::Command {
                    *input = new_input();
                    completions.clear();
                }
                effects
            }
            None => vec![],
        },
    }
}

fn common_prefix(items: &[String]) -> String {
    let first = &items[0];
    let mut n = first.len();
    for s in &items[1..] {
        n = n.min(
            first
                .bytes()
                .zip(s.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    first[..n].to_string()
}
