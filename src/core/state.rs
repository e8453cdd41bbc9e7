//! The app's view state and the reducer: the only place state changes.

use std::collections::{BTreeMap, BTreeSet};

use super::actions::Action;
use super::cluster_event::{ClusterEvent, ClusterMsg, Conn};
use super::command::{self, Command};
use super::filter::Filter;
use jiff::Timestamp;
use serde_json::Value;

use super::containers::{self, ContainerRow};
use super::pods::{PodEntry, PodRow, Sort, rows};
use super::workflows::{self, Steps, WfKey, WfKind, WorkflowRow};

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

/// The pane in front; `esc` goes back along the way it was reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    Pods,
    Workflows,
    Steps(WfKey),
    Containers { ns: String, pod: String },
}

/// Whether the cluster serves a workflow kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrdState {
    Unknown,
    Installed,
    NotInstalled,
    Error(String),
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
    /// The clock moved on (running durations and "since" texts).
    Tick(Timestamp),
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
    pub now: Timestamp,
    pub screen: Screen,
    back: Vec<Screen>,
    pub workflows: BTreeMap<WfKey, Value>,
    pub taskruns: BTreeMap<(String, String), Value>,
    pub crds: BTreeMap<WfKind, CrdState>,
    pub wf_rows: Vec<WorkflowRow>,
    pub wf_selected: usize,
    pub steps: Steps,
    pub step_selected: usize,
    pub containers: Vec<ContainerRow>,
    pub container_selected: usize,
    /// Container to highlight when the containers pane opens (a step's container).
    preselect: Option<String>,
    wf_dirty: bool,
    detail_dirty: bool,
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
            now: Timestamp::now(),
            screen: Screen::Pods,
            back: vec![],
            workflows: BTreeMap::new(),
            taskruns: BTreeMap::new(),
            crds: [
                (WfKind::Argo, CrdState::Unknown),
                (WfKind::Tekton, CrdState::Unknown),
            ]
            .into_iter()
            .collect(),
            wf_rows: vec![],
            wf_selected: 0,
            steps: Steps {
                rows: vec![],
                problems: vec![],
            },
            step_selected: 0,
            containers: vec![],
            container_selected: 0,
            preselect: None,
            wf_dirty: true,
            detail_dirty: true,
        }
    }

    /// Rebuild derived rows if anything they depend on changed. Called once per batch of
    /// messages, before drawing, so a burst of watch events costs one rebuild.
    pub fn refresh(&mut self) {
        if self.rows_dirty {
            self.rows = rows(&self.pods, &self.filter, self.sort);
            self.selected = self.selected.min(self.rows.len().saturating_sub(1));
            self.detail_dirty = true;
        }
        if self.wf_dirty {
            self.wf_rows = workflows::workflow_rows(&self.workflows, &self.taskruns);
            self.wf_selected = self.wf_selected.min(self.wf_rows.len().saturating_sub(1));
            self.detail_dirty = true;
        }
        if self.detail_dirty {
            self.refresh_detail();
        }
        self.rows_dirty = false;
        self.wf_dirty = false;
        self.detail_dirty = false;
    }

    /// The steps or containers of what is open, rebuilt only when their inputs changed.
    fn refresh_detail(&mut self) {
        match self.screen.clone() {
            Screen::Steps(key) => {
                let pods: Vec<(String, Value)> = self
                    .pods
                    .range((key.1.clone(), String::new())..)
                    .take_while(|((ns, _), _)| *ns == key.1)
                    .filter_map(|((_, name), e)| {
                        Some((name.clone(), serde_json::from_str(&e.json).ok()?))
                    })
                    .collect();
                self.steps = match self.workflows.get(&key) {
                    Some(wf) => workflows::steps(&key, wf, &self.taskruns, &pods),
                    None => Steps {
                        rows: vec![],
                        problems: vec![format!(
                            "{} {}/{} no longer exists",
                            key.0.label(),
                            key.1,
                            key.2
                        )],
                    },
                };
                self.step_selected = self
                    .step_selected
                    .min(self.steps.rows.len().saturating_sub(1));
            }
            Screen::Containers { ns, pod } => {
                self.containers = self
                    .pods
                    .get(&(ns, pod))
                    .and_then(PodEntry::pod)
                    .map(|p| containers::rows(&p, self.now))
                    .unwrap_or_default();
                if let Some(want) = self.preselect.take() {
                    self.container_selected = self
                        .containers
                        .iter()
                        .position(|c| c.name == want)
                        .unwrap_or(0);
                }
                self.container_selected = self
                    .container_selected
                    .min(self.containers.len().saturating_sub(1));
            }
            _ => {}
        }
    }

    fn open(&mut self, screen: Screen) {
        self.message = None;
        let previous = std::mem::replace(&mut self.screen, screen);
        self.back.push(previous);
        self.detail_dirty = true;
    }

    /// Selection index and row count of the pane in front.
    fn cursor(&mut self) -> (&mut usize, usize) {
        match self.screen {
            Screen::Pods => (&mut self.selected, self.rows.len()),
            Screen::Workflows => (&mut self.wf_selected, self.wf_rows.len()),
            Screen::Steps(_) => (&mut self.step_selected, self.steps.rows.len()),
            Screen::Containers { .. } => (&mut self.container_selected, self.containers.len()),
        }
    }

    fn select(&mut self) {
        match self.screen.clone() {
            Screen::Pods => {
                if let Some(r) = self.rows.get(self.selected) {
                    let (ns, pod) = (r.namespace.clone(), r.name.clone());
                    self.container_selected = 0;
                    self.open(Screen::Containers { ns, pod });
                }
            }
            Screen::Workflows => {
                if let Some(r) = self.wf_rows.get(self.wf_selected) {
                    let key = r.key.clone();
                    self.step_selected = 0;
                    self.open(Screen::Steps(key));
                }
            }
            Screen::Steps(key) => match self.steps.rows.get(self.step_selected) {
                Some(row) if row.pod.is_some() => {
                    let pod = row.pod.clone().unwrap_or_default();
                    if !self.pods.contains_key(&(key.1.clone(), pod.clone())) {
                        self.message = Some(format!(
                            "pod {pod} is not in the cluster (deleted, or not created yet)"
                        ));
                        return;
                    }
                    self.preselect = row.container.clone();
                    self.container_selected = 0;
                    self.open(Screen::Containers { ns: key.1, pod });
                }
                Some(row) => {
                    self.message = Some(format!(
                        "{} is a {} node: it has no pod of its own",
                        row.name, row.kind
                    ))
                }
                None => {}
            },
            Screen::Containers { .. } => {}
        }
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
            Msg::Tick(now) => {
                self.now = now;
                if matches!(self.screen, Screen::Containers { .. }) {
                    self.detail_dirty = true;
                }
                vec![]
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
            Command::Pods => {
                self.back.clear();
                self.screen = Screen::Pods;
                vec![]
            }
            Command::Workflows => {
                self.back = vec![Screen::Pods];
                self.screen = Screen::Workflows;
                self.detail_dirty = true;
                vec![]
            }
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
        self.workflows.clear();
        self.taskruns.clear();
        self.wf_dirty = true;
        self.pods_error = None;
        self.rows_dirty = true;
        self.selected = 0;
        self.conn = Conn::Connecting;
        vec![Effect::Watch(scope)]
    }

    fn action(&mut self, a: Action) -> Vec<Effect> {
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
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                let page = self.page.max(1);
                self.message = None;
                let (cur, n) = self.cursor();
                let last = n.saturating_sub(1);
                *cur = match a {
                    Action::Up => cur.saturating_sub(1),
                    Action::Down => (*cur + 1).min(last),
                    Action::PageUp => cur.saturating_sub(page),
                    Action::PageDown => (*cur + page).min(last),
                    Action::Top => 0,
                    _ => last,
                };
            }
            // The filter narrows the pods list; elsewhere it would act on rows nobody sees.
            Action::Filter if self.screen == Screen::Pods => self.mode = Mode::Filter,
            Action::Filter => {
                self.message = Some("/ filters the pods pane; press p for pods".into())
            }
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
                } else if let Some(prev) = self.back.pop() {
                    self.screen = prev;
                    self.detail_dirty = true;
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
            Action::Pods => return self.command(Command::Pods),
            Action::Workflows => return self.command(Command::Workflows),
            Action::Select => self.select(),
            // Completion belongs to the command line, handled where its text lives.
            Action::Complete => {}
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
            ClusterEvent::WorkflowsReset(kind, list) => {
                self.workflows.retain(|k, _| k.0 != kind);
                for v in list {
                    self.workflows.insert(wf_key(kind, &v), v);
                }
                self.crds.insert(kind, CrdState::Installed);
                self.wf_dirty = true;
            }
            ClusterEvent::WorkflowApplied(kind, v) => {
                self.workflows.insert(wf_key(kind, &v), *v);
                self.wf_dirty = true;
            }
            ClusterEvent::WorkflowDeleted(kind, ns, name) => {
                self.workflows.remove(&(kind, ns, name));
                self.wf_dirty = true;
            }
            ClusterEvent::CrdMissing(kind) => {
                self.workflows.retain(|k, _| k.0 != kind);
                self.crds.insert(kind, CrdState::NotInstalled);
                self.wf_dirty = true;
            }
            ClusterEvent::WorkflowsError(kind, e) => {
                self.crds.insert(kind, CrdState::Error(e));
            }
            ClusterEvent::TaskRunsReset(list) => {
                self.taskruns = list.into_iter().map(|v| (obj_key(&v), v)).collect();
                self.wf_dirty = true;
            }
            ClusterEvent::TaskRunApplied(v) => {
                self.taskruns.insert(obj_key(&v), *v);
                self.wf_dirty = true;
            }
            ClusterEvent::TaskRunDeleted(ns, name) => {
                self.taskruns.remove(&(ns, name));
                self.wf_dirty = true;
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

fn obj_key(v: &Value) -> (String, String) {
    let m = &v["metadata"];
    (
        m["namespace"].as_str().unwrap_or("").to_string(),
        m["name"].as_str().unwrap_or("").to_string(),
    )
}

fn wf_key(kind: WfKind, v: &Value) -> WfKey {
    let (ns, name) = obj_key(v);
    (kind, ns, name)
}
