//! `?`: the actions of the pane underneath and the global ones, with the keys that reach them
//! in the active keymap layers. The entries are made by the app (it has the keymap); this pane
//! scrolls them and captures every key.

use std::any::Any;

use jiff::Timestamp;

use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::pane::{Cx, Pane, Reply, move_cursor};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpEntry {
    /// "j, down", or "(unbound)".
    pub keys: String,
    pub name: &'static str,
    pub description: &'static str,
}

pub struct HelpPane {
    /// The pane the help is about (its keymap layer).
    pub about: &'static str,
    pub entries: Vec<HelpEntry>,
    /// First entry shown.
    pub scroll: usize,
}

impl HelpPane {
    pub fn new(about: &'static str, entries: Vec<HelpEntry>) -> HelpPane {
        HelpPane {
            about,
            entries,
            scroll: 0,
        }
    }
}

impl Pane for HelpPane {
    fn name(&self) -> &'static str {
        "help"
    }

    fn title(&self) -> String {
        "Help".into()
    }

    fn refresh(&mut self, _cache: &Cache, _now: Timestamp) {}

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        match action {
            Action::Back | Action::Help => Reply::Close(None),
            // The last page stays full: scrolling stops when the last entry is on screen.
            a => {
                let max = self.entries.len().saturating_sub(cx.page.max(1));
                move_cursor(&mut self.scroll, max + 1, a, cx.page);
                Reply::Done
            }
        }
    }

    fn actions(&self) -> &'static [Action] {
        &[Action::Down, Action::Up, Action::Back]
    }

    fn overlay(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
