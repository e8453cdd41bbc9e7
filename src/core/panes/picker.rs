//! The namespace and context pickers: overlays that capture keys and answer with a command.

use std::any::Any;

use jiff::Timestamp;

use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::command::Command;
use crate::core::pane::{Cx, Pane, Reply, clamp, list_keys};
use crate::core::state::Scope;
use crate::core::text::Safe;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerKind {
    Namespace,
    Context,
}

pub struct PickerItem {
    pub label: Safe,
    pub command: Command,
}

pub struct PickerPane {
    pub kind: PickerKind,
    pub items: Vec<PickerItem>,
    pub selected: usize,
    seen: Option<u64>,
}

impl PickerPane {
    pub fn new(kind: PickerKind, cache: &Cache) -> PickerPane {
        let mut p = PickerPane {
            kind,
            items: vec![],
            selected: 0,
            seen: None,
        };
        p.refresh(cache, Timestamp::UNIX_EPOCH);
        let current = match (kind, &cache.scope) {
            (PickerKind::Namespace, scope) => Command::Namespace(match scope {
                Scope::All => None,
                Scope::Namespace(n) => Some(n.clone()),
            }),
            (PickerKind::Context, _) => Command::Context(cache.context.to_string()),
        };
        p.selected = p
            .items
            .iter()
            .position(|i| i.command == current)
            .unwrap_or(0);
        p
    }
}

impl PickerPane {
    pub fn title_text(&self) -> &'static str {
        match self.kind {
            PickerKind::Namespace => "Namespaces",
            PickerKind::Context => "Contexts",
        }
    }
}

impl Pane for PickerPane {
    fn name(&self) -> &'static str {
        "picker"
    }

    fn title(&self) -> String {
        self.title_text().into()
    }

    fn refresh(&mut self, cache: &Cache, _now: Timestamp) {
        let rev = cache.revs.namespaces;
        if self.seen == Some(rev) {
            return;
        }
        self.seen = Some(rev);
        self.items = match self.kind {
            // "all namespaces" is its own entry, so a namespace literally named `all` can be
            // picked too.
            PickerKind::Namespace => std::iter::once(PickerItem {
                label: "<all namespaces>".into(),
                command: Command::Namespace(None),
            })
            .chain(cache.namespaces.iter().map(|n| PickerItem {
                label: Safe::new(n),
                command: Command::Namespace(Some(n.clone())),
            }))
            .collect(),
            PickerKind::Context => cache
                .contexts
                .iter()
                .map(|c| PickerItem {
                    label: Safe::new(c),
                    command: Command::Context(c.clone()),
                })
                .collect(),
        };
        clamp(&mut self.selected, self.items.len());
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        match action {
            Action::Back => Reply::Close(None),
            Action::Select => {
                Reply::Close(self.items.get(self.selected).map(|i| i.command.clone()))
            }
            a => list_keys(&mut self.selected, self.items.len(), a, cx),
        }
    }

    fn actions(&self) -> &'static [Action] {
        &[Action::Select, Action::Back]
    }

    fn overlay(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
