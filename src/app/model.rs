//! The whole app as one model: the pure state and reducer from `core/`, plus what only a
//! terminal app has: the text widget for the prompt (ratatui-textarea), the keymap, and the
//! keys of a sequence typed so far. Keys and resizes come in as messages; effects go out. The
//! event loop and the in-process tests drive the app through this, and nothing else changes it.

use crossterm::event::{KeyEvent, KeyEventKind};
use ratatui_textarea::TextArea;

use crate::config::keymap::{Keymap, Lookup, chord};
use crate::core::actions::{ACTIONS, Action};
use crate::core::effect::Effect;
use crate::core::panes::help::HelpEntry;
use crate::core::state::{AppState, Msg};

/// What the app is told.
#[derive(Clone, Debug)]
pub enum AppMsg {
    Key(KeyEvent),
    Core(Msg),
}

pub struct App {
    pub state: AppState,
    pub keymap: Keymap,
    /// The prompt's text widget; its text mirrors `state.prompt`.
    pub input: TextArea<'static>,
    /// Keys of a sequence typed so far ("g" of "g g").
    pub pending: Vec<String>,
}

fn new_input(text: &str) -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_cursor_line_style(ratatui::style::Style::default());
    t.insert_str(text);
    t
}

impl App {
    pub fn new(state: AppState, keymap: Keymap) -> App {
        App {
            state,
            keymap,
            input: new_input(""),
            pending: vec![],
        }
    }

    pub fn update(&mut self, msg: AppMsg) -> Vec<Effect> {
        let effects = match msg {
            AppMsg::Key(k) => self.key(k),
            AppMsg::Core(m) => self.state.update(m),
        };
        self.sync_input();
        effects
    }

    fn input_text(&self) -> String {
        self.input.lines().join("")
    }

    /// The widget shows what the reducer says the prompt holds (history, completion, cancel).
    fn sync_input(&mut self) {
        match &self.state.prompt {
            Some(p) if p.text != self.input_text() => self.input = new_input(&p.text),
            None if !self.input_text().is_empty() => self.input = new_input(""),
            _ => {}
        }
    }

    fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return vec![];
        }
        let Some(c) = chord(&key) else {
            return vec![];
        };
        let layers = self.state.layers();
        let mut keys = std::mem::take(&mut self.pending);
        keys.push(c);
        match self.keymap.lookup(&layers, &keys) {
            Lookup::Pending => {
                self.pending = keys;
                vec![]
            }
            Lookup::Action(Action::Help) if self.state.prompt.is_none() => {
                if self.state.top().overlay() {
                    return self.state.update(Msg::Action(Action::Help));
                }
                let entries = self.help_entries();
                self.state.update(Msg::OpenHelp(entries))
            }
            Lookup::Action(a) => self.state.update(Msg::Action(a)),
            Lookup::Unbound if self.state.prompt.is_some() && keys.len() == 1 => {
                // Not a key of the prompt: it edits the text.
                self.input.input(key);
                let text = self.input_text();
                self.state.update(Msg::PromptText(text))
            }
            Lookup::Unbound => vec![],
        }
    }

    /// Help for the pane in front: its actions and the global ones, with the keys that reach
    /// them through its layers, in the registry's order.
    pub fn help_entries(&self) -> Vec<HelpEntry> {
        let layers = self.state.layers();
        let offered = self.state.top().actions();
        ACTIONS
            .iter()
            .filter_map(|a| {
                // Favourites the config file does not set are one line, not nine.
                if let Action::Favourite(n) = a.action
                    && n > 1
                    && usize::from(n) > self.state.favourites.len()
                {
                    return None;
                }
                let keys = self.keymap.keys_for(&layers, a.action);
                if keys.is_empty() && !offered.contains(&a.action) {
                    return None;
                }
                Some(HelpEntry {
                    keys: if keys.is_empty() {
                        "(unbound)".into()
                    } else {
                        keys.join(", ")
                    },
                    name: a.name,
                    description: a.description,
                })
            })
            .collect()
    }
}
