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

/// How the help box lays out at a width: columns, and each entry's description wrapped under
/// its own column (one line or more per entry), so nothing is cut.
pub struct HelpLayout {
    pub keys_w: usize,
    pub name_w: usize,
    /// The box's outer width.
    pub width: u16,
    /// Per entry, its description's lines.
    pub lines: Vec<Vec<String>>,
}

impl HelpLayout {
    pub fn total(&self) -> usize {
        self.lines.iter().map(Vec::len).sum()
    }

    /// The last first-entry that still fills `visible` lines, so the end is reachable and the
    /// box never shows blank lines after it.
    pub fn last_start(&self, visible: usize) -> usize {
        let mut start = self.lines.len();
        let mut h = 0;
        while start > 0 && h + self.lines[start - 1].len() <= visible {
            start -= 1;
            h += self.lines[start].len();
        }
        start
    }
}

/// Lines of text the help box shows inside a terminal `size`: it is centred over the body
/// (between the two header lines and the status line), inside a border.
pub fn visible_lines(layout: &HelpLayout, size: (u16, u16)) -> usize {
    let body = size.1.saturating_sub(3) as usize;
    (layout.total() + 2).min(body).saturating_sub(2)
}

/// Split `text` at spaces into lines of at most `width` characters (a longer word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push(line);
    out
}

impl HelpPane {
    pub fn new(about: &'static str, entries: Vec<HelpEntry>) -> HelpPane {
        HelpPane {
            about,
            entries,
            scroll: 0,
        }
    }

    /// The layout in a terminal `width` cells wide: as wide as the longest entry, at most the
    /// screen; descriptions wrap when they do not fit.
    pub fn layout(&self, width: u16) -> HelpLayout {
        let len = |s: &str| s.chars().count();
        let keys_w = self
            .entries
            .iter()
            .map(|e| len(&e.keys))
            .max()
            .unwrap_or(0)
            .min(24);
        let name_w = self.entries.iter().map(|e| len(e.name)).max().unwrap_or(0);
        let desc_max = self
            .entries
            .iter()
            .map(|e| len(e.description))
            .max()
            .unwrap_or(0);
        let box_w = ((keys_w + name_w + desc_max + 6) as u16).min(width);
        // Border (2) and the two gaps after keys and name (4).
        let desc_w = (box_w as usize).saturating_sub(keys_w + name_w + 6).max(10);
        HelpLayout {
            keys_w,
            name_w,
            width: box_w,
            lines: self
                .entries
                .iter()
                .map(|e| wrap(e.description, desc_w))
                .collect(),
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
                let layout = self.layout(cx.size.0);
                let visible = visible_lines(&layout, cx.size);
                let max = layout.last_start(visible);
                move_cursor(&mut self.scroll, max + 1, a, visible.max(1));
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
