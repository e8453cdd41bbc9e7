//! The app's view state and the reducer: the only place state changes.

use std::collections::{BTreeMap, BTreeSet};

use super::actions::Action;
use super::cluster_event::{ClusterEvent, ClusterMsg, Conn};
use super::command::{self, Command};
use super::filter::Filter;
use super::pods::{PodEntry, PodRow, Sort, rows};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Namespace(String),
}

impl Scope {
    pub fn label(&self) -> &str {
        match self {
            Scope::All => "all",
            Scope::Namespace(n) => n,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picker {
    Namespace,
    Context,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a `/` filter.
    Filter,
    /// Typing a `:` command.
    Command,
    Help,
    Picker(Picker),
}

/// What the reducer asks the outside world to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Restart watches for this scope (cancelling the old ones).
    Watch(Scope),
    SwitchContext(String),
    Quit,
}

/// Inputs to the reducer.
#[derive(Clone, Debug)]
pub enum Msg {
    Action(Action),
    /// The filter input's text changed (applied live; an invalid regex keeps the old filter).
    FilterInput(String),
    /// Enter in the filter input.
    FilterDone,
    CommandSubmit(String),
    PickerChoose(usize),
    Cluster(ClusterMsg),
}

pub struct AppState {
    pub context: String,
    pub cluster: String,
    pub contexts: Vec<String>,
    pub scope: Scope,
    pub readonly: bool,
    pub version: &'static str,
    pub pods: BTreeMap<(String, String), PodEntry>,
    pub namespaces: BTreeSet<String>,
    pub conn: Conn,
    /// The API's message when the pods watch fails (e.g. 403).
    pub pods_error: Option<String>,
    pub mode: Mode,
    pub filter_text: String,
    filter: Filter,
    pub filter_error: Option<String>,
    pub sort: Sort,
    pub selected: usize,
    pub picker_selected: usize,
    /// A one-line message for the status line (command errors and the like).
    pub message: Option<String>,
    pub generation: u64,
    /// Rows for the current pods, filter and sort; rebuilt by `refresh` after changes.
    pub rows: Vec<PodRow>,
    rows_dirty: bool,
    /// Rows one page holds, as last drawn (set by the app from the terminal size).
    pub page: usize,
}

impl AppState {
    pub fn new(
        context: String,
        cluster: String,
        contexts: Vec<String>,
        scope: Scope,
        readonly: bool,
    ) -> Self {
        AppState {
            context,
            cluster,
            contexts,
            scope,
            readonly,
            version: env!("CARGO_PKG_VERSION"),
            pods: BTreeMap::new(),
            namespaces: BTreeSet::new(),
            conn: Conn::Connecting,
            pods_error: None,
            mode: Mode::Normal,
            filter_text: String::new(),
            filter: Filter::None,
            filter_error: None,
            sort: Sort::Name,
            selected: 0,
            picker_selected: 0,
            message: None,
            generation: 0,
            rows: vec![],
            rows_dirty: true,
            page: 20,
        }
    }

    /// Rebuild derived rows if anything they depend on changed. Called once per batch of
    /// messages, before drawing, so a burst of watch events costs one rebuild.
    pub fn refresh(&mut self) {
        if !self.rows_dirty {
            return;
        }
        self.rows = rows(&self.pods, &self.filter, self.sort);
        self.rows_dirty = false;
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    pub fn picker_items(&self) -> Vec<String> {
        match self.mode {
            Mode::Picker(Picker::Namespace) => std::iter::once("all".to_string())
                .chain(self.namespaces.iter().cloned())
                .collect(),
            Mode::Picker(Picker::Context) => self.contexts.clone(),
            _ => vec![],
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Action(a) => self.action(a),
            Msg::FilterInput(text) => {
                match Filter::parse(&text) {
                    Ok(f) => {
                        self.filter = f;
                        self.filter_error = None;
                        self.rows_dirty = true;
                        self.selected = 0;
                    }
                    Err(e) => self.filter_error = Some(e),
                }
                self.filter_text = text;
                vec![]
            }
            Msg::FilterDone => {
                self.mode = Mode::Normal;
                vec![]
            }
            Msg::CommandSubmit(text) => {
                self.mode = Mode::Normal;
                match command::parse(&text) {
                    Ok(cmd) => self.command(cmd),
                    Err(e) => {
                        self.message = Some(e);
                        vec![]
                    }
                }
            }
            Msg::PickerChoose(i) => {
                let items = self.picker_items();
                let mode = self.mode;
                self.mode = Mode::Normal;
                match (mode, items.get(i)) {
                    (Mode::Picker(Picker::Namespace), Some(n)) if n == "all" => {
                        self.command(Command::Namespace(None))
                    }
                    (Mode::Picker(Picker::Namespace), Some(n)) => {
                        self.command(Command::Namespace(Some(n.clone())))
                    }
                    (Mode::Picker(Picker::Context), Some(c)) => {
                        self.command(Command::Context(c.clone()))
                    }
                    _ => vec![],
                }
            }
            Msg::Cluster(m) => {
                if m.generation == self.generation {
                    self.cluster_event(m.event);
                }
                vec![]
            }
        }
    }

    fn command(&mut self, cmd: Command) -> Vec<Effect> {
        self.message = None;
        match cmd {
            Command::Pods => vec![],
            Command::Quit => vec![Effect::Quit],
            Command::Help => {
                self.mode = Mode::Help;
                vec![]
            }
            Command::NamespacePicker => self.open_picker(Picker::Namespace),
            Command::ContextPicker => self.open_picker(Picker::Context),
            Command::Namespace(ns) => {
                let scope = ns.map_or(Scope::All, Scope::Namespace);
                self.switch_scope(scope)
            }
            Command::Context(ctx) => {
                if !self.contexts.contains(&ctx) {
                    self.message = Some(format!(
                        "unknown context {ctx:?}; known: {}",
                        self.contexts.join(", ")
                    ));
                    return vec![];
                }
                vec![Effect::SwitchContext(ctx)]
            }
        }
    }

    fn open_picker(&mut self, p: Picker) -> Vec<Effect> {
        self.mode = Mode::Picker(p);
        let items = self.picker_items();
        let current = match p {
            Picker::Namespace => self.scope.label().to_string(),
            Picker::Context => self.context.clone(),
        };
        self.picker_selected = items.iter().position(|i| *i == current).unwrap_or(0);
        vec![]
    }

    /// Forget what the old scope showed and start watching the new one.
    pub fn switch_scope(&mut self, scope: Scope) -> Vec<Effect> {
        self.scope = scope.clone();
        self.generation += 1;
        self.pods.clear();
        self.pods_error = None;
        self.rows_dirty = true;
        self.selected = 0;
        self.conn = Conn::Connecting;
        vec![Effect::Watch(scope)]
    }

    fn action(&mut self, a: Action) -> Vec<Effect> {
        let n = self.rows.len();
        let items = self.picker_items().len();
        if let Mode::Picker(_) = self.mode {
            match a {
                Action::Up => self.picker_selected = self.picker_selected.saturating_sub(1),
                Action::Down => {
                    self.picker_selected = (self.picker_selected + 1).min(items.saturating_sub(1))
                }
                Action::Top => self.picker_selected = 0,
                Action::Bottom => self.picker_selected = items.saturating_sub(1),
                Action::Back => self.mode = Mode::Normal,
                Action::Select => return self.update(Msg::PickerChoose(self.picker_selected)),
                Action::Quit => return vec![Effect::Quit],
                _ => {}
            }
            return vec![];
        }
        match a {
            Action::Quit => return vec![Effect::Quit],
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Action::PageUp => self.selected = self.selected.saturating_sub(self.page.max(1)),
            Action::PageDown => {
                self.selected = (self.selected + self.page.max(1)).min(n.saturating_sub(1))
            }
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = n.saturating_sub(1),
            Action::Filter => self.mode = Mode::Filter,
            Action::Command => self.mode = Mode::Command,
            Action::Help => {
                self.mode = if self.mode == Mode::Help {
                    Mode::Normal
                } else {
                    Mode::Help
                }
            }
            Action::Back => {
                if self.mode != Mode::Normal {
                    self.mode = Mode::Normal;
                } else if !self.filter_text.is_empty() {
                    self.filter_text.clear();
                    self.filter = Filter::None;
                    self.filter_error = None;
                    self.rows_dirty = true;
                }
                self.message = None;
            }
            Action::SortName => self.set_sort(Sort::Name),
            Action::SortAge => self.set_sort(Sort::Age),
            Action::SortStatus => self.set_sort(Sort::Status),
            Action::SortRestarts => self.set_sort(Sort::Restarts),
            Action::Namespaces => return self.open_picker(Picker::Namespace),
            Action::Contexts => return self.open_picker(Picker::Context),
            Action::AllNamespaces => return self.switch_scope(Scope::All),
            Action::Pods => self.mode = Mode::Normal,
            // Pods have nothing to open yet (the containers pane will); completion is the
            // command line's, handled where its text lives.
            Action::Select | Action::Complete => {}
        }
        vec![]
    }

    fn set_sort(&mut self, s: Sort) {
        self.sort = s;
        self.rows_dirty = true;
    }

    fn cluster_event(&mut self, ev: ClusterEvent) {
        match ev {
            ClusterEvent::PodsReset(pods) => {
                self.pods = pods.into_iter().map(|p| (p.key(), p)).collect();
                self.pods_error = None;
                self.conn = Conn::Connected;
                self.rows_dirty = true;
            }
            ClusterEvent::PodApplied(p) => {
                self.pods.insert(p.key(), *p);
                self.rows_dirty = true;
            }
            ClusterEvent::PodDeleted(ns, name) => {
                self.pods.remove(&(ns, name));
                self.rows_dirty = true;
            }
            ClusterEvent::PodsError(e) => {
                // What we listed before may no longer be true (or visible to us): show none.
                self.pods.clear();
                self.rows_dirty = true;
                self.pods_error = Some(e);
            }
            ClusterEvent::NamespacesReset(ns) => self.namespaces = ns.into_iter().collect(),
            ClusterEvent::NamespaceApplied(n) => {
                self.namespaces.insert(n);
            }
            ClusterEvent::NamespaceDeleted(n) => {
                self.namespaces.remove(&n);
            }
            ClusterEvent::Conn(c) => {
                if c == Conn::Connected {
                    self.pods_error = None;
                }
                self.conn = c;
            }
        }
    }
}
