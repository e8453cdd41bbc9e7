//! The app's state and the reducer: the only place state changes. State has two halves: the
//! cluster cache, which only cluster messages change, and the stack of panes that show it.

use std::sync::Arc;

use jiff::Timestamp;

use super::actions::Action;
use super::cache::Cache;
use super::cluster_event::ClusterMsg;
use super::command::{self, Command, NsArg};
use super::effect::{Effect, EffectId, EffectKind, EffectResult};
use super::log_sources::{LogTarget, TargetSpec, service_selector, target};
use super::objects::ObjRef;
use super::pane::{Cx, Pane, Reply};
use super::panes::describe::DescribePane;
use super::panes::doctor::DoctorPane;
use super::panes::events::EventsPane;
use super::panes::help::{HelpEntry, HelpPane};
use super::panes::kinds::{KindPane, Within};
use super::panes::logs::{LogSettings, LogsPane};
use super::panes::picker::{PickerKind, PickerPane};
use super::panes::yaml::YamlPane;
use super::panes::{self, pods::PodsOf, pods::PodsPane};
use super::text::{Safe, common_prefix};
use crate::doctor::pack::LazyRules;
use crate::doctor::{Subject, SubjectKind};

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
pub enum PromptKind {
    /// Typing a `/` filter for the pane in front.
    Filter,
    /// Typing a `:` command.
    Command,
}

/// The line being typed. The text widget lives with the app; this is its text and what it
/// means: the filter error, the completions, the place in the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    /// Why the typed filter is not applied (the previous one stays).
    pub error: Option<String>,
    pub completions: Vec<String>,
    /// The filter in force when the prompt opened: `esc` goes back to it.
    before: String,
    /// Index into the history while walking it with up/down.
    history_at: Option<usize>,
}

/// Inputs to the reducer.
#[derive(Clone, Debug)]
pub enum Msg {
    /// A named action, from a key through the keymap.
    Action(Action),
    /// The prompt's text changed (typed, pasted, deleted).
    PromptText(String),
    /// Run a command line as if typed after `:` and confirmed (scripts and tests).
    Command(String),
    /// Open help with these entries (the app makes them from the keymap's active layers).
    OpenHelp(Vec<HelpEntry>),
    /// The terminal's size in cells.
    Resize(u16, u16),
    /// Open the logs of a target (what `l` opens from a pane, or a script or test asks for).
    OpenLogs(LogTarget),
    /// A watch event or an effect's result.
    Cluster(ClusterMsg),
    /// The clock moved on (running durations and "since" texts).
    Tick(Timestamp),
}

/// A one-line message on the status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: Safe,
    pub error: bool,
}

pub struct AppState {
    pub cache: Cache,
    /// Panes, bottom first; never empty (the pods pane is the root).
    stack: Vec<Box<dyn Pane>>,
    pub prompt: Option<Prompt>,
    pub message: Option<Message>,
    /// Things worth knowing since start (files skipped by `--from-dir`, keymap problems).
    pub notices: Vec<Safe>,
    pub readonly: bool,
    /// Serving captured files, not a live cluster (`--from-dir PATH`).
    pub offline: Option<Safe>,
    pub version: &'static str,
    pub now: Timestamp,
    /// Rows one page holds (from the terminal's height).
    pub page: usize,
    pub size: (u16, u16),
    next_id: EffectId,
    /// File writes in flight, so their failures are told (and not mistaken for stale answers).
    writes: std::collections::BTreeSet<EffectId>,
    /// Effects decided outside `update`'s own flow (a closing pane's cancels), sent with its result.
    queued: Vec<Effect>,
    /// The context switch being resolved: (effect, context).
    switching: Option<(EffectId, String)>,
    /// What was typed before, per prompt kind (oldest first).
    history: [Vec<String>; 2],
    /// The doctor's rule pack (built-in plus the user's files), shared by its overlays.
    pub rules: Arc<LazyRules>,
    /// HTTP checks in flight: effect id -> (forward id, path).
    checks: std::collections::BTreeMap<EffectId, (u64, String)>,
    /// The user's named forwards (`:pf @NAME`; autostart ones start with kdoc).
    pub profiles: Vec<crate::core::forward::Profile>,
    /// Logs panes' buffer size and presets, from the config file.
    pub logs: LogSettings,
    /// `logs` with the doctor's signatures added to `@errors`, made when first needed (the
    /// rule pack compiles in the background meanwhile).
    logs_ready: std::sync::OnceLock<LogSettings>,
    /// The discovery in flight, and the `:KIND` (with its namespace argument) to open when
    /// it answers (a word the last discovery did not know: a CRD installed since).
    discovering: Option<(EffectId, Option<KindWord>)>,
    /// Command lines on the number keys 1-9 (`favourites` in the config file).
    pub favourites: Vec<String>,
}

mod forwards;
pub use forwards::READONLY_FORWARDS;

/// `base` with the doctor's error and warning signatures in `@errors` (by field, so a pane
/// can be handed it while the stack is borrowed).
fn log_settings<'a>(
    cell: &'a std::sync::OnceLock<LogSettings>,
    base: &LogSettings,
    rules: &LazyRules,
) -> &'a LogSettings {
    cell.get_or_init(|| LogSettings {
        cap: base.cap,
        presets: Arc::new(
            (*base.presets)
                .clone()
                .with_signatures(rules.pack().signatures()),
        ),
    })
}

/// A `:KIND` word and its namespace argument.
type KindWord = (String, Option<NsArg>);

const HISTORY: usize = 100;

fn history_slot(kind: PromptKind) -> usize {
    match kind {
        PromptKind::Filter => 0,
        PromptKind::Command => 1,
    }
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
            cache: Cache::new(&context, &cluster, contexts, scope),
            stack: vec![Box::new(PodsPane::new(PodsOf::Scope))],
            prompt: None,
            message: None,
            notices: vec![],
            readonly,
            offline: None,
            version: env!("CARGO_PKG_VERSION"),
            now: Timestamp::now(),
            page: 20,
            size: (80, 24),
            next_id: 1,
            queued: vec![],
            writes: Default::default(),
            switching: None,
            history: [vec![], vec![]],
            rules: Arc::new(LazyRules::builtin()),
            checks: Default::default(),
            profiles: vec![],
            logs: LogSettings::default(),
            logs_ready: Default::default(),
            discovering: None,
            favourites: vec![],
        }
    }

    /// What a logs pane opens with.
    pub fn log_settings(&self) -> &LogSettings {
        log_settings(&self.logs_ready, &self.logs, &self.rules)
    }

    /// The effects to run at start: the first watch, and the forwards set to autostart on
    /// this context.
    pub fn start(&mut self) -> Vec<Effect> {
        let scope = self.cache.scope.clone();
        let mut out = self.watch(scope, None);
        out.extend(self.discover(None));
        out.extend(self.autostart_forwards());
        out
    }

    fn id(&mut self) -> EffectId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    pub fn panes(&self) -> &[Box<dyn Pane>] {
        &self.stack
    }

    /// The pane in front (an overlay, if one is open).
    pub fn top(&self) -> &dyn Pane {
        self.stack
            .last()
            .map(|p| p.as_ref())
            .unwrap_or_else(|| unreachable!())
    }

    /// The pane drawn under the overlays.
    pub fn base(&self) -> &dyn Pane {
        self.stack
            .iter()
            .rev()
            .find(|p| !p.overlay())
            .map(|p| p.as_ref())
            .unwrap_or_else(|| self.top())
    }

    /// A pane of type `T` in the stack, topmost first (for tests and drawing).
    pub fn find<T: 'static>(&self) -> Option<&T> {
        self.stack
            .iter()
            .rev()
            .find_map(|p| p.as_any().downcast_ref::<T>())
    }

    /// The keymap layers in force, most specific first.
    pub fn layers(&self) -> Vec<&'static str> {
        if self.prompt.is_some() {
            return vec!["input"];
        }
        vec![self.top().name(), "global"]
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: Safe::from_string(text.into()),
            error: true,
        });
    }

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: Safe::from_string(text.into()),
            error: false,
        });
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let effects = match msg {
            Msg::Action(a) => self.action(a),
            Msg::PromptText(t) => {
                self.prompt_text(t);
                vec![]
            }
            Msg::Command(text) => match command::parse(&text, &self.cache.namespaces) {
                Ok(cmd) => self.command(cmd),
                Err(e) => {
                    self.say(e);
                    vec![]
                }
            },
            Msg::OpenHelp(entries) => {
                let about = self.top().name();
                if self.top().overlay() {
                    vec![]
                } else {
                    self.push(Box::new(HelpPane::new(about, entries)));
                    vec![]
                }
            }
            Msg::OpenLogs(target) => {
                self.push(Box::new(LogsPane::new(
                    target,
                    &self.log_settings().clone(),
                )));
                vec![]
            }
            Msg::Resize(w, h) => {
                self.size = (w, h);
                // Header (2), borders and table header (3), status line (1).
                self.page = (h.saturating_sub(6) as usize).max(1);
                vec![]
            }
            Msg::Tick(now) => {
                self.now = now;
                vec![]
            }
            Msg::Cluster(ClusterMsg::Watch { id, event }) => {
                // Events of an older watch (before `:ns` or `:ctx`) are stale.
                if id == self.cache.watch {
                    self.cache.apply(event);
                }
                vec![]
            }
            Msg::Cluster(ClusterMsg::Done { id, result }) => self.done(id, result),
            Msg::Cluster(ClusterMsg::Doctor { id, piece }) => {
                for p in self.stack.iter_mut().rev() {
                    if p.on_doctor(id, &piece) {
                        break;
                    }
                }
                vec![]
            }
            Msg::Cluster(ClusterMsg::Forward { id, event }) => {
                self.cache.forward_event(id, event);
                vec![]
            }
            Msg::Cluster(ClusterMsg::Table { id, event }) => {
                for p in self.stack.iter_mut().rev() {
                    if p.on_table(id, &event) {
                        break;
                    }
                }
                vec![]
            }
            Msg::Cluster(ClusterMsg::Events { id, event }) => {
                for p in self.stack.iter_mut().rev() {
                    if p.on_events(id, &event) {
                        break;
                    }
                }
                vec![]
            }
            Msg::Cluster(ClusterMsg::Log { id, event }) => {
                // A stream whose pane has closed finds no owner: stale, dropped.
                for p in self.stack.iter_mut().rev() {
                    if p.on_log(id, &event) {
                        break;
                    }
                }
                vec![]
            }
        };
        self.refresh();
        let mut effects = effects;
        effects.append(&mut self.queued);
        // Panes under an overlay keep their streams going too.
        let mut next = self.next_id;
        for p in self.stack.iter_mut() {
            effects.extend(p.take_effects(&mut next));
        }
        self.next_id = next;
        for e in &effects {
            if matches!(e.kind, EffectKind::WriteFile { .. }) {
                self.writes.insert(e.id);
            }
        }
        effects
    }

    /// Some pane has work left that it does a slice at a time.
    pub fn busy(&self) -> bool {
        self.stack.iter().any(|p| p.busy())
    }

    /// Bring the panes on screen up to date with the cache; cheap when nothing changed.
    fn refresh(&mut self) {
        let (cache, now) = (&self.cache, self.now);
        for p in self.stack.iter_mut().rev() {
            p.refresh(cache, now);
            if !p.overlay() {
                break;
            }
        }
    }

    fn push(&mut self, mut p: Box<dyn Pane>) {
        p.refresh(&self.cache, self.now);
        self.stack.push(p);
    }

    /// Close every pane above the root (their streams with them).
    fn close_to_root(&mut self) {
        while self.pop() {}
    }

    fn pop(&mut self) -> bool {
        if self.stack.len() > 1 {
            if let Some(mut p) = self.stack.pop() {
                self.queued.extend(super::pane::cancels(p.close()));
            }
            true
        } else {
            false
        }
    }

    fn action(&mut self, a: Action) -> Vec<Effect> {
        if self.prompt.is_some() {
            return self.prompt_action(a);
        }
        if a != Action::Help {
            self.message = None;
        }
        let cx = Cx {
            logs: log_settings(&self.logs_ready, &self.logs, &self.rules),
            cache: &self.cache,
            page: self.page,
            size: self.size,
            now: self.now,
        };
        let top = self.stack.last_mut().unwrap_or_else(|| unreachable!());
        let overlay = top.overlay();
        match top.handle(a, &cx) {
            Reply::Done => vec![],
            Reply::Open(p) => {
                self.push(p);
                vec![]
            }
            Reply::Close(cmd) => {
                self.pop();
                match cmd {
                    Some(c) => self.command(c),
                    None => vec![],
                }
            }
            Reply::Message(m) => {
                self.say(m);
                vec![]
            }
            Reply::Run(c) => self.command(c),
            // ctrl-c quits from anywhere, overlays included.
            Reply::Ignored if overlay && a != Action::Quit => vec![],
            Reply::Ignored => self.global(a),
        }
    }

    /// Actions that mean the same on every pane.
    fn global(&mut self, a: Action) -> Vec<Effect> {
        match a {
            Action::Quit => vec![Effect {
                id: 0,
                kind: EffectKind::Quit,
            }],
            Action::Command => {
                self.open_prompt(PromptKind::Command, String::new());
                vec![]
            }
            Action::Filter => {
                match self.top().filter() {
                    Some(f) => {
                        let text = f.text.clone();
                        self.open_prompt(PromptKind::Filter, text)
                    }
                    None => self.say(format!(
                        "the {} pane has no rows to filter",
                        self.top().name()
                    )),
                }
                vec![]
            }
            // As in k9s: esc clears the pane's filter first, and goes back once there is none.
            Action::Back => {
                let cleared = self
                    .stack
                    .last_mut()
                    .and_then(|p| p.filter_mut())
                    .is_some_and(|f| f.clear());
                if !cleared {
                    self.pop();
                }
                vec![]
            }
            Action::Namespaces => {
                let p = PickerPane::new(PickerKind::Namespace, &self.cache);
                self.push(Box::new(p));
                vec![]
            }
            Action::Contexts => {
                let p = PickerPane::new(PickerKind::Context, &self.cache);
                self.push(Box::new(p));
                vec![]
            }
            Action::AllNamespaces => self.command(Command::Namespace(None)),
            Action::Pods => self.open_pane("pods"),
            Action::Workflows => self.open_pane("workflows"),
            Action::Services => self.open_pane("services"),
            Action::Logs => {
                self.say("select a pod, container, workflow, step or service to read its logs");
                vec![]
            }
            Action::Doctor => {
                match self.top().subject() {
                    Some(s) => self.open_doctor(s),
                    None => self.say(
                        "select a pod, container, workflow, step or service to diagnose, or :doctor for the namespace",
                    ),
                }
                vec![]
            }
            Action::Describe | Action::Yaml | Action::Events => {
                match self.top().object() {
                    Some(r) => self.open_object(a, r),
                    None => self.say(
                        "select a pod, container, workflow, step or service first (or :yaml KIND/NAME)",
                    ),
                }
                vec![]
            }
            Action::Shell => self.not_yet("shell", "kubectl exec -it POD -c CONTAINER -- sh"),
            Action::PortForward => self.open_forward_dialog(),
            Action::Forwards => self.open_pane("forwards"),
            Action::Edit => {
                self.say("kdoc does not edit resources; use kubectl edit");
                vec![]
            }
            Action::Favourite(n) => {
                match self.favourites.get(usize::from(n).wrapping_sub(1)).cloned() {
                    Some(line) => match command::parse(&line, &self.cache.namespaces) {
                        Ok(c) => return self.command(c),
                        Err(e) => self.say(format!("favourite {n} ({line:?}): {e}")),
                    },
                    None => self.say(format!(
                        "no favourite {n}: list command lines in the config file, e.g. favourites = [\"deploy\", \"isvc mlops\"]"
                    )),
                }
                vec![]
            }
            Action::Owner | Action::Wide | Action::SortNext | Action::SortPrev => {
                self.say(format!(
                    "{} works in kind tables (:deploy, :cm, ...)",
                    crate::core::actions::info_of(a).name
                ));
                vec![]
            }
            Action::SortName | Action::SortAge | Action::SortStatus | Action::SortRestarts => {
                self.say(format!("the {} pane has no sort keys", self.top().name()));
                vec![]
            }
            // Help is opened by the app (it knows the keymap); the rest belongs to panes.
            _ => vec![],
        }
    }

    /// `:logs` words: `-n NS`, `-c C`, `-l k=v`, and one target. Without `-n` the namespace is
    /// the one in view, or, across all namespaces, the only one where a `pod/NAME` lives.
    fn logs_target(&self, words: &str) -> Result<LogTarget, String> {
        let mut spec = TargetSpec::default();
        let mut ns: Option<&str> = None;
        let mut it = words.split_whitespace();
        while let Some(w) = it.next() {
            let mut value = |flag: &str| {
                it.next()
                    .ok_or_else(|| format!(":logs {flag} needs a value"))
            };
            match w {
                "-n" => ns = Some(value("-n")?),
                "-c" => spec.container = Some(value("-c")?),
                "-l" => spec.selector = Some(value("-l")?),
                "--all-containers" => spec.all_containers = true,
                t if spec.target.is_none() => spec.target = Some(t),
                extra => return Err(format!(":logs: unexpected {extra:?}")),
            }
        }
        let ns = match (ns, &self.cache.scope) {
            (Some(n), _) => n.to_string(),
            (None, Scope::Namespace(n)) => n.clone(),
            (None, Scope::All) => {
                let pod = spec.target.and_then(|t| t.strip_prefix("pod/"));
                let mut homes = self
                    .cache
                    .pods
                    .keys()
                    .filter(|k| Some(k.1.as_str()) == pod)
                    .map(|k| k.0.clone());
                match (homes.next(), homes.next()) {
                    (Some(n), None) => n,
                    _ => return Err(":logs across all namespaces: say which with -n NS".into()),
                }
            }
        };
        let mut t = target(&spec, &ns)?;
        service_selector(&mut t, &self.cache)?;
        Ok(t)
    }

    fn open_doctor(&mut self, s: Subject) {
        let mut p = DoctorPane::new(s, self.rules.clone());
        // Captured files have no processes behind them: nothing could answer a probe.
        p.probe = self.offline.is_none();
        // The probe opens a port-forward (`create` on pods/portforward): not in read-only.
        if self.readonly {
            p.probe = false;
            p.probe_skipped = Some("read-only");
        }
        self.push(Box::new(p));
    }

    /// `:doctor` words: nothing (the namespace in view, or every one), or `TARGET [-n NS]
    /// [-c CONTAINER] [--port PORT]` as `kdoc doctor` takes them.
    fn doctor_subject(&self, words: &str) -> Result<Subject, String> {
        let (mut target, mut ns, mut container, mut port) = (None, None, None, None);
        let mut it = words.split_whitespace();
        while let Some(w) = it.next() {
            let mut value = |flag: &str| {
                it.next()
                    .map(str::to_string)
                    .ok_or_else(|| format!(":doctor {flag} needs a value"))
            };
            match w {
                "-n" => ns = Some(value("-n")?),
                "-c" => container = Some(value("-c")?),
                "--port" => port = Some(value("--port")?),
                "-A" => ns = Some(String::new()),
                t if target.is_none() => target = Some(t.to_string()),
                extra => return Err(format!(":doctor: unexpected {extra:?}")),
            }
        }
        let ns = ns.unwrap_or_else(|| match &self.cache.scope {
            Scope::All => String::new(),
            Scope::Namespace(n) => n.clone(),
        });
        let mut s = match target {
            None => Subject::new(SubjectKind::Namespace, &ns, ""),
            Some(_) if ns.is_empty() => {
                return Err(":doctor TARGET across all namespaces: say which with -n NS".into());
            }
            Some(t) => Subject::parse(&t, &ns)?,
        };
        s.container = container;
        s.port = port;
        Ok(s)
    }

    /// `KIND/NAME [-n NS]` (or `-n NS` alone for `:events`). Without `-n`: the namespace in
    /// view, or across all namespaces the only one that has a pod of that name.
    fn view_target(&self, view: Action, words: &str) -> Result<Option<ObjRef>, String> {
        let cmd = crate::core::actions::info_of(view).name;
        let mut target = None;
        let mut ns: Option<String> = None;
        let mut it = words.split_whitespace();
        while let Some(w) = it.next() {
            match w {
                "-n" => {
                    ns = Some(
                        it.next()
                            .ok_or_else(|| format!(":{cmd} -n needs a namespace"))?
                            .to_string(),
                    )
                }
                t if target.is_none() => target = Some(t),
                extra => return Err(format!(":{cmd}: unexpected {extra:?}")),
            }
        }
        let Some(t) = target else {
            return match (view, ns) {
                // The namespace's events.
                (Action::Events, Some(n)) => Ok(Some(ObjRef::parse(&format!("ns/{n}"), "")?)),
                (Action::Events, None) => Ok(None),
                _ => Err(format!(":{cmd} KIND/NAME [-n NS], e.g. :{cmd} pod/web-0")),
            };
        };
        let ns = match (ns, &self.cache.scope) {
            (Some(n), _) => n,
            (None, Scope::Namespace(n)) => n.clone(),
            (None, Scope::All) => {
                let pod = t
                    .strip_prefix("pod/")
                    .or(t.strip_prefix("po/"))
                    .unwrap_or(t);
                let mut homes = self
                    .cache
                    .pods
                    .keys()
                    .filter(|k| k.1 == pod)
                    .map(|k| k.0.clone());
                match (homes.next(), homes.next()) {
                    (Some(n), None) => n,
                    _ => String::new(),
                }
            }
        };
        let r = ObjRef::parse(t, &ns)?;
        if r.namespaced && r.namespace.is_empty() {
            return Err(format!(
                ":{cmd} across all namespaces: say which with -n NS"
            ));
        }
        Ok(Some(r))
    }

    /// The YAML, describe or events view of `r`.
    fn open_object(&mut self, view: Action, r: ObjRef) {
        let pane: Box<dyn Pane> = match view {
            Action::Yaml => Box::new(YamlPane::new(r)),
            Action::Describe => Box::new(DescribePane::new(r)),
            _ if r.kind == "Namespace" => Box::new(EventsPane::live(&r.name, None)),
            _ => Box::new(EventsPane::live(&r.namespace, Some((&r.kind, &r.name)))),
        };
        self.push(pane);
    }

    fn not_yet(&mut self, what: &str, instead: &str) -> Vec<Effect> {
        self.say(format!("{what} is not in kdoc yet; meanwhile: {instead}"));
        vec![]
    }

    /// Show a registered pane on top of what is open (unless it is already in front).
    fn open_pane_keep(&mut self, name: &str) {
        if self.top().name() != name
            && let Some(spec) = panes::by_name(name)
        {
            self.push((spec.open)());
        }
    }

    fn open_pane(&mut self, name: &str) -> Vec<Effect> {
        let Some(spec) = panes::by_name(name) else {
            return vec![];
        };
        // `:pods` is the root; any other pane sits right above it, so `esc` leads to pods.
        self.close_to_root();
        if name != "pods" {
            self.push((spec.open)());
        }
        vec![]
    }

    /// Ask discovery again (at start, after a context switch, or for a word it did not
    /// know), then open `pending` if any.
    fn discover(&mut self, pending: Option<KindWord>) -> Vec<Effect> {
        let id = self.id();
        self.discovering = Some((id, pending));
        vec![Effect {
            id,
            kind: EffectKind::Discover,
        }]
    }

    /// `:KIND [NS]`: the kind's live table. A word discovery does not know is looked up once
    /// more (`refresh`), as kubectl refreshes its discovery cache on a miss.
    fn open_kind(&mut self, word: &str, ns: Option<NsArg>, refresh: bool) -> Vec<Effect> {
        let kind = match self.cache.kinds.resolve(word) {
            Ok(k) => k.clone(),
            Err(_) if refresh => return self.discover(Some((word.to_string(), ns))),
            Err(e) => {
                self.say(e);
                return vec![];
            }
        };
        if !kind.can("list") {
            self.say(format!(
                "{} cannot be listed (the server allows: {})",
                kind.resource(),
                kind.verbs.join(", ")
            ));
            return vec![];
        }
        let Some(effects) = self.scope_arg(ns) else {
            return vec![];
        };
        self.close_to_root();
        self.push(Box::new(KindPane::new(kind, None, Within::All)));
        effects
    }

    /// The scope switch a command's NAMESPACE argument asks for; `None` (said why) when the
    /// namespace does not exist.
    fn scope_arg(&mut self, ns: Option<NsArg>) -> Option<Vec<Effect>> {
        Some(match ns {
            Some(NsArg::All) => self.switch_scope(Scope::All),
            Some(NsArg::Name(n)) => {
                if let Some(e) = self.unknown_namespace(&n) {
                    self.say(e);
                    return None;
                }
                self.switch_scope(Scope::Namespace(n))
            }
            None => vec![],
        })
    }

    fn command(&mut self, cmd: Command) -> Vec<Effect> {
        match cmd {
            Command::Kind { word, namespace } => self.open_kind(&word, namespace, true),
            Command::Open { pane, namespace } => {
                let Some(mut effects) = self.scope_arg(namespace) else {
                    return vec![];
                };
                effects.extend(self.open_pane(pane));
                effects
            }
            Command::Quit => vec![Effect {
                id: 0,
                kind: EffectKind::Quit,
            }],
            Command::Help => {
                self.info("press ? for help");
                vec![]
            }
            Command::View(view, words) => {
                match self.view_target(view, &words) {
                    Ok(Some(r)) => self.open_object(view, r),
                    // `:events` alone: the namespace in view, or every one.
                    Ok(None) => {
                        let ns = match &self.cache.scope {
                            Scope::Namespace(n) => n.clone(),
                            Scope::All => String::new(),
                        };
                        self.push(Box::new(EventsPane::live(&ns, None)));
                    }
                    Err(e) => self.say(e),
                }
                vec![]
            }
            Command::Logs(words) => {
                match self.logs_target(&words) {
                    Ok(t) => {
                        let settings = self.log_settings().clone();
                        self.push(Box::new(LogsPane::new(t, &settings)))
                    }
                    Err(e) => self.say(e),
                }
                vec![]
            }
            Command::Doctor(words) => {
                match self.doctor_subject(&words) {
                    Ok(s) => self.open_doctor(s),
                    Err(e) => self.say(e),
                }
                vec![]
            }
            Command::Forward(words) => self.forward_words(&words),
            Command::Check(words) => self.check_words(&words),
            Command::ForwardOp(id, op) => self.forward_op(id, op),
            Command::ForwardDialog(ns, target, port) => {
                self.open_forward_dialog_for(&ns, &target, port);
                vec![]
            }
            Command::Prompt(text) => {
                self.open_prompt(PromptKind::Command, String::new());
                self.prompt_text(text);
                vec![]
            }
            Command::NamespacePicker => self.global(Action::Namespaces),
            Command::ContextPicker => self.global(Action::Contexts),
            Command::Namespace(None) => self.switch_scope(Scope::All),
            Command::Namespace(Some(ns)) => match self.unknown_namespace(&ns) {
                Some(e) => {
                    self.say(e);
                    vec![]
                }
                None => self.switch_scope(Scope::Namespace(ns)),
            },
            Command::Context(ctx) => {
                if !self.cache.contexts.contains(&ctx) {
                    let known = self.cache.contexts.join(", ");
                    self.say(format!("unknown context {ctx:?}; known: {known}"));
                    return vec![];
                }
                let id = self.id();
                self.switching = Some((id, ctx.clone()));
                self.info(format!("switching to context {ctx}…"));
                vec![Effect {
                    id,
                    kind: EffectKind::ResolveContext(ctx),
                }]
            }
        }
    }

    /// Refuse a namespace the API says does not exist (once the namespaces are listed).
    fn unknown_namespace(&self, ns: &str) -> Option<String> {
        (self.cache.namespaces_listed && !self.cache.namespaces.contains(ns)).then(|| {
            format!(
                "namespace {ns:?} does not exist; there are {} (press n to pick one)",
                self.cache.namespaces.len()
            )
        })
    }

    fn watch(&mut self, scope: Scope, client: Option<EffectId>) -> Vec<Effect> {
        let id = self.id();
        self.cache.reset(scope.clone(), id);
        vec![Effect {
            id,
            kind: EffectKind::Watch { scope, client },
        }]
    }

    /// Forget what the old scope showed and start watching the new one.
    pub fn switch_scope(&mut self, scope: Scope) -> Vec<Effect> {
        self.watch(scope, None)
    }

    fn done(&mut self, id: EffectId, result: EffectResult) -> Vec<Effect> {
        if self.check_done(id, &result) {
            return vec![];
        }
        if self.discovering.as_ref().is_some_and(|d| d.0 == id) {
            let pending = self.discovering.take().and_then(|d| d.1);
            return match result {
                EffectResult::Kinds(k) => {
                    self.cache.set_kinds(k);
                    match pending {
                        Some((word, ns)) => self.open_kind(&word, ns, false),
                        None => vec![],
                    }
                }
                EffectResult::Failed(e) => {
                    if let Some((word, _)) = pending {
                        self.say(format!(
                            ":{word}: cannot ask the server which kinds it serves: {e}"
                        ));
                    }
                    vec![]
                }
                _ => vec![],
            };
        }
        for p in self.stack.iter_mut().rev() {
            if p.on_result(id, &result) {
                return vec![];
            }
        }
        match (&self.switching, result) {
            (Some((want, _)), EffectResult::ContextResolved { context, cluster })
                if *want == id =>
            {
                self.switching = None;
                self.cache.context = Safe::new(&context);
                self.cache.cluster = Safe::new(&cluster);
                self.info(format!("switched to context {context}"));
                self.close_to_root();
                let scope = self.cache.scope.clone();
                let mut effects = self.watch(scope, Some(id));
                // Another cluster serves other kinds.
                self.cache.set_kinds(Default::default());
                effects.extend(self.discover(None));
                effects
            }
            (Some((want, ctx)), EffectResult::Failed(e)) if *want == id => {
                let ctx = ctx.clone();
                self.switching = None;
                self.say(format!("cannot switch to context {ctx:?}: {e}"));
                vec![]
            }
            (_, EffectResult::Written { path, bytes }) => {
                self.writes.remove(&id);
                self.info(format!("saved {bytes} bytes to {path}"));
                vec![]
            }
            (_, EffectResult::Failed(e)) if self.writes.remove(&id) => {
                self.say(e);
                vec![]
            }
            // Stale: a newer switch replaced this one.
            _ => vec![],
        }
    }

    fn open_prompt(&mut self, kind: PromptKind, text: String) {
        self.prompt = Some(Prompt {
            kind,
            before: text.clone(),
            text,
            error: None,
            completions: vec![],
            history_at: None,
        });
        if kind == PromptKind::Command {
            self.prompt_text(String::new());
        }
    }

    fn prompt_text(&mut self, text: String) {
        let Some(p) = self.prompt.as_mut() else {
            return;
        };
        p.text = text.clone();
        match p.kind {
            PromptKind::Filter => {
                // Applied as typed; an invalid regex keeps the filter before it.
                let res = self
                    .stack
                    .last_mut()
                    .and_then(|pane| pane.filter_mut())
                    .map(|f| f.set(&text));
                if let Some(p) = self.prompt.as_mut() {
                    p.error = match res {
                        Some(Err(e)) => Some(e),
                        _ => None,
                    };
                }
            }
            PromptKind::Command => {
                let found = command::complete(
                    &text,
                    &self.cache.namespaces,
                    &self.cache.contexts,
                    &self.cache.kinds,
                );
                if let Some(p) = self.prompt.as_mut() {
                    p.completions = found;
                }
            }
        }
    }

    fn prompt_action(&mut self, a: Action) -> Vec<Effect> {
        let Some(p) = self.prompt.clone() else {
            return vec![];
        };
        match a {
            Action::Back => {
                self.prompt = None;
                if p.kind == PromptKind::Filter
                    && let Some(f) = self.stack.last_mut().and_then(|pane| pane.filter_mut())
                {
                    // Cancel: the filter goes back to what it was before typing.
                    let _ = f.set(&p.before);
                }
                vec![]
            }
            Action::Select => {
                self.prompt = None;
                self.remember(p.kind, &p.text);
                match p.kind {
                    PromptKind::Filter => {
                        if let Some(e) = p.error {
                            let kept = self
                                .top()
                                .filter()
                                .map(|f| f.text.clone())
                                .unwrap_or_default();
                            let kept = if kept.is_empty() {
                                "no filter".to_string()
                            } else {
                                format!("the filter stays {kept:?}")
                            };
                            self.say(format!("{e}; {kept}"));
                        }
                        vec![]
                    }
                    PromptKind::Command => match command::parse(&p.text, &self.cache.namespaces) {
                        Ok(cmd) => {
                            self.message = None;
                            self.command(cmd)
                        }
                        Err(e) => {
                            self.say(e);
                            vec![]
                        }
                    },
                }
            }
            Action::Complete if p.kind == PromptKind::Command => {
                let found = command::complete(
                    &p.text,
                    &self.cache.namespaces,
                    &self.cache.contexts,
                    &self.cache.kinds,
                );
                let text = match found.as_slice() {
                    [] => p.text.clone(),
                    [one] => format!("{one} "),
                    many => {
                        let pre = common_prefix(many);
                        if pre.len() > p.text.len() {
                            pre
                        } else {
                            p.text.clone()
                        }
                    }
                };
                // A name with control or bidi characters would reach the terminal through the
                // input line: leave the text as typed and point at the pickers, which show it safely.
                let unsafe_name = super::text::sanitize(&text) != text.as_str();
                self.prompt_text(if unsafe_name { p.text.clone() } else { text });
                if let Some(q) = self.prompt.as_mut() {
                    q.completions = found;
                    if unsafe_name {
                        q.error = Some("control/bidi characters: use the n or x picker".into());
                    }
                }
                vec![]
            }
            Action::HistoryPrev | Action::HistoryNext => {
                let h = &self.history[history_slot(p.kind)];
                if h.is_empty() {
                    return vec![];
                }
                let at = match (a, p.history_at) {
                    (Action::HistoryPrev, None) => Some(h.len() - 1),
                    (Action::HistoryPrev, Some(i)) => Some(i.saturating_sub(1)),
                    (_, Some(i)) if i + 1 < h.len() => Some(i + 1),
                    _ => None,
                };
                let text = at.map_or_else(String::new, |i| h[i].clone());
                self.prompt_text(text);
                if let Some(q) = self.prompt.as_mut() {
                    q.history_at = at;
                }
                vec![]
            }
            Action::Quit => vec![Effect {
                id: 0,
                kind: EffectKind::Quit,
            }],
            _ => vec![],
        }
    }

    fn remember(&mut self, kind: PromptKind, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let h = &mut self.history[history_slot(kind)];
        h.retain(|t| t != text);
        h.push(text.to_string());
        if h.len() > HISTORY {
            h.remove(0);
        }
    }
}
