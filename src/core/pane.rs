//! Panes as components. A pane owns its rows, cursor, filter and details; it refreshes itself
//! from the cluster cache when the cache changed, handles the actions it understands, and
//! lists the actions it offers (the hint bar and help are generated from that list). Panes sit
//! on a stack: `esc` pops back. Overlays (help, pickers) are panes that capture every key.
//!
//! A new pane is one file in `core/panes/`, one in `ui/` and one line in each registry
//! (`core::panes::REGISTRY` to open it by `:name`, `ui::panes::DRAW` to draw it).

use std::any::Any;

use jiff::Timestamp;

use super::actions::Action;
use super::cache::Cache;
use super::cluster_event::LogEvent;
use super::command::Command;
use super::effect::{Effect, EffectId};
use super::filter::Filter;
use super::text::Safe;
use crate::doctor::{Piece, Subject};

/// What the reducer lends a pane while it handles an action.
pub struct Cx<'a> {
    pub cache: &'a Cache,
    /// How a logs pane opened from here is set up (buffer size, presets).
    pub logs: &'a crate::core::panes::logs::LogSettings,
    /// Rows one page holds, from the terminal's size.
    pub page: usize,
    /// The terminal's size in cells (for panes whose layout depends on it, like help).
    pub size: (u16, u16),
    pub now: Timestamp,
}

/// A pane's answer to an action.
pub enum Reply {
    /// Not an action of this pane: the reducer tries the global ones (unless it is an overlay).
    Ignored,
    Done,
    /// Push a pane on top of this one.
    Open(Box<dyn Pane>),
    /// Pop this pane, then run the command if any (a picker's choice).
    Close(Option<Command>),
    /// A one-line message for the status line.
    Message(String),
    /// Run a command, the pane staying where it is (the forwards pane's stop and check).
    Run(Command),
}

pub trait Pane: Any {
    /// The registry name, which is also the pane's keymap layer ("pods", "services", ...).
    fn name(&self) -> &'static str;
    /// The title's first word.
    fn title(&self) -> String;
    /// Rebuild rows if the cache (or the clock, for panes showing live durations) moved on.
    fn refresh(&mut self, cache: &Cache, now: Timestamp);
    fn handle(&mut self, action: Action, cx: &Cx) -> Reply;
    /// The actions this pane offers, most useful first (the hint bar shows them in this order).
    fn actions(&self) -> &'static [Action];
    /// Overlays capture every key: what they do not handle is ignored, not passed on.
    fn overlay(&self) -> bool {
        false
    }
    /// The pane's filter, for panes with rows.
    fn filter(&self) -> Option<&FilterState> {
        None
    }
    fn filter_mut(&mut self) -> Option<&mut FilterState> {
        None
    }
    /// Effects the pane wants started (log streams it opens as pods come and go); it takes
    /// ids from `next_id` so the items that come back can be told apart.
    fn take_effects(&mut self, _next_id: &mut EffectId) -> Vec<Effect> {
        vec![]
    }
    /// An item of a stream this pane started; false when the id is not one of its own.
    fn on_log(&mut self, _id: EffectId, _event: &LogEvent) -> bool {
        false
    }
    /// The pane is closing: the ids of the effects it still runs, to cancel.
    fn close(&mut self) -> Vec<EffectId> {
        vec![]
    }
    /// Work is left that the pane does a slice at a time (re-filtering a large buffer): the
    /// loop should come back soon rather than wait for the next event.
    fn busy(&self) -> bool {
        false
    }
    /// What the doctor examines when `doctor` is pressed here: the selected row's object.
    fn subject(&self) -> Option<Subject> {
        None
    }
    /// A finished effect's answer (a `Get`'s object); false when the id is not this pane's.
    fn on_result(&mut self, _id: EffectId, _result: &super::effect::EffectResult) -> bool {
        false
    }
    /// An item of a table watch; false when the id is not this pane's.
    fn on_table(&mut self, _id: EffectId, _event: &super::cluster_event::TableEvent) -> bool {
        false
    }
    /// The object `y`, `d` and `E` read for the selected row.
    fn object(&self) -> Option<super::objects::ObjRef> {
        self.subject().as_ref().and_then(super::objects::ObjRef::of)
    }
    /// An item of an events watch; false when the id is not this pane's.
    fn on_events(&mut self, _id: EffectId, _event: &super::cluster_event::EventsEvent) -> bool {
        false
    }
    /// A piece of doctor evidence; false when the id is not this pane's.
    fn on_doctor(&mut self, _id: EffectId, _piece: &Piece) -> bool {
        false
    }
    fn as_any(&self) -> &dyn Any;
}

/// A pane's `/` filter: the text as typed and the filter it compiled to.
#[derive(Clone, Debug, Default)]
pub struct FilterState {
    /// A logs pane's filter: the text is a log query (`crate::logs::query::Query`) naming
    /// these presets, not a row filter.
    pub logs: Option<std::sync::Arc<crate::logs::Presets>>,
    pub text: String,
    pub filter: Filter,
    /// Bumped when the filter changes, so the pane knows to rebuild its rows.
    pub rev: u64,
}

impl FilterState {
    /// Apply `text`; an invalid one leaves the filter as it was and says why.
    pub fn set(&mut self, text: &str) -> Result<(), String> {
        if let Some(presets) = &self.logs {
            crate::logs::query::Query::parse_with(text.trim(), presets)?;
            self.text = text.trim().to_string();
            self.rev += 1;
            return Ok(());
        }
        let f = Filter::parse(text)?;
        self.text = text.trim().to_string();
        self.filter = f;
        self.rev += 1;
        Ok(())
    }

    pub fn clear(&mut self) -> bool {
        if self.text.is_empty() {
            return false;
        }
        self.text.clear();
        self.filter = Filter::None;
        self.rev += 1;
        true
    }

    pub fn title(&self) -> Option<Safe> {
        (!self.text.is_empty()).then(|| Safe::new(&self.text))
    }
}

/// `Cancel` effects for these ids (a closing pane's streams, a restarted gather).
pub fn cancels(ids: impl IntoIterator<Item = EffectId>) -> Vec<Effect> {
    ids.into_iter()
        .map(|id| Effect {
            id,
            kind: super::effect::EffectKind::Cancel(id),
        })
        .collect()
}

/// Move a selection index the way every list does.
pub fn move_cursor(sel: &mut usize, len: usize, action: Action, page: usize) -> bool {
    let last = len.saturating_sub(1);
    let page = page.max(1);
    *sel = match action {
        Action::Up => sel.saturating_sub(1),
        Action::Down => (*sel + 1).min(last),
        Action::PageUp => sel.saturating_sub(page),
        Action::PageDown => (*sel + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return false,
    };
    true
}

/// Keep a selection inside a list that may have shrunk.
pub fn clamp(sel: &mut usize, len: usize) {
    *sel = (*sel).min(len.saturating_sub(1));
}

/// The usual answer of a list pane: cursor keys move, anything else is not ours.
pub fn list_keys(sel: &mut usize, len: usize, action: Action, cx: &Cx) -> Reply {
    if move_cursor(sel, len, action, cx.page) {
        Reply::Done
    } else {
        Reply::Ignored
    }
}

/// What a list pane that drills down offers: the hint bar's usual line.
pub const DRILL_ACTIONS: &[Action] = &[
    Action::Help,
    Action::Select,
    Action::Logs,
    Action::Doctor,
    Action::Back,
    Action::Filter,
    Action::Command,
    Action::Pods,
    Action::Quit,
];

/// The `filter`, `filter_mut` and `as_any` of a pane whose filter is its `filter` field.
#[macro_export]
macro_rules! filtered_pane {
    () => {
        fn filter(&self) -> Option<&$crate::core::pane::FilterState> {
            Some(&self.filter)
        }

        fn filter_mut(&mut self) -> Option<&mut $crate::core::pane::FilterState> {
            Some(&mut self.filter)
        }

        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    };
}
