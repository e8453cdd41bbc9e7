//! A scrollable text with `/` search and `n`/`N` between matching lines: what the YAML and
//! describe views share.

use crate::core::actions::Action;
use crate::core::pane::{FilterState, Reply};

static NEXT_REV: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

#[derive(Default)]
pub struct TextView {
    /// One sanitised line each.
    pub lines: Vec<String>,
    /// Changes whenever `lines` change (a highlighter's cache key).
    pub rev: u64,
    /// First line on screen.
    pub top: usize,
    pub filter: FilterState,
    seen_filter: u64,
    /// Lines matching the search, in order.
    pub matches: Vec<usize>,
    page: usize,
}

impl TextView {
    pub fn set(&mut self, lines: Vec<String>) {
        if lines != self.lines {
            self.lines = lines;
            // Unique across views, so a cache keyed by it never mixes two views' texts.
            self.rev = NEXT_REV.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.search();
        }
    }

    fn search(&mut self) {
        self.matches = if self.filter.text.is_empty() {
            vec![]
        } else {
            self.lines
                .iter()
                .enumerate()
                .filter(|(_, l)| self.filter.filter.matches(l, None))
                .map(|(i, _)| i)
                .collect()
        };
    }

    /// A new search jumps to its first match from where the view is.
    pub fn refresh(&mut self) {
        if self.seen_filter != self.filter.rev {
            self.seen_filter = self.filter.rev;
            self.search();
            if let Some(&first) = self.matches.iter().find(|&&i| i >= self.top) {
                self.top = first;
            }
        }
    }

    fn last_top(&self) -> usize {
        self.lines.len().saturating_sub(self.page.max(1))
    }

    fn jump(&mut self, forward: bool) -> Reply {
        let found = if forward {
            self.matches.iter().find(|&&i| i > self.top).copied()
        } else {
            self.matches.iter().rev().find(|&&i| i < self.top).copied()
        };
        match found {
            Some(i) => {
                self.top = i;
                Reply::Done
            }
            None if self.matches.is_empty() => Reply::Message("no line matches".into()),
            None => Reply::Message("no more matches".into()),
        }
    }

    /// Scrolling and match keys; `Ignored` for the rest.
    pub fn handle(&mut self, action: Action, page: usize) -> Reply {
        self.page = page.max(1);
        let page = self.page;
        match action {
            Action::Up => self.top = self.top.saturating_sub(1),
            Action::Down => self.top = (self.top + 1).min(self.last_top()),
            Action::PageUp => self.top = self.top.saturating_sub(page),
            Action::PageDown => self.top = (self.top + page).min(self.last_top()),
            Action::Top => self.top = 0,
            Action::Bottom => self.top = self.last_top(),
            Action::LogNextMatch => return self.jump(true),
            Action::LogPrevMatch => return self.jump(false),
            _ => return Reply::Ignored,
        }
        Reply::Done
    }
}
