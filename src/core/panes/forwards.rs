//! `:pf`: the port-forwards kdoc runs, from the cache (they outlive the panes that started
//! them), with their true state, traffic and the last HTTP check. Stopping, restarting and
//! checking are the reducer's (they start and cancel effects); this pane picks the row.

use jiff::Timestamp;

use crate::core::actions::Action;
use crate::core::age::human_duration;
use crate::core::cache::{Cache, ForwardEntry};
use crate::core::command::Command;
use crate::core::forward::ForwardState;
use crate::core::pane::{Cx, FilterState, Pane, Reply, clamp, list_keys};
use crate::core::text::Safe;

#[derive(Clone, Debug, PartialEq)]
pub struct ForwardRow {
    pub id: u64,
    pub target: Safe,
    pub namespace: Safe,
    pub ports: String,
    pub url: String,
    pub state: Safe,
    /// Active, reconnecting/starting, failed: for colour.
    pub health: ForwardHealth,
    pub conns: String,
    pub traffic: String,
    pub uptime: String,
    pub check: Safe,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForwardHealth {
    Active,
    Waiting,
    Failed,
}

/// `1.2 MB`, as people read byte counts.
pub fn bytes_text(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

pub fn state_text(s: &ForwardState) -> (String, ForwardHealth) {
    match s {
        ForwardState::Starting => ("starting".into(), ForwardHealth::Waiting),
        ForwardState::Active { pod, remote } => {
            (format!("active: pod/{pod}:{remote}"), ForwardHealth::Active)
        }
        ForwardState::Reconnecting { attempt, error } => (
            format!("reconnecting (attempt {attempt}): {error}"),
            ForwardHealth::Waiting,
        ),
        ForwardState::Failed(e) => (format!("failed: {e}"), ForwardHealth::Failed),
    }
}

fn row(id: u64, f: &ForwardEntry, now: Timestamp) -> ForwardRow {
    let (state, health) = state_text(&f.state);
    let remote = f.remote.map_or_else(|| "?".into(), |r| r.to_string());
    let check = match &f.check {
        None => String::new(),
        Some((path, Ok(a))) => format!("{path} {} in {} ms", a.status, a.latency_ms),
        Some((path, Err(e))) => format!("{path} failed: {e}"),
    };
    let uptime = match f.state {
        ForwardState::Failed(_) => "-".into(),
        _ => now
            .duration_since(f.started)
            .try_into()
            .map(human_duration)
            .unwrap_or_default(),
    };
    ForwardRow {
        id,
        target: Safe::new(&f.request.target.label()),
        namespace: Safe::new(&f.request.namespace),
        ports: format!(
            "{} -> {remote}",
            f.local.as_deref().unwrap_or(&f.request.spec)
        ),
        url: f.url().unwrap_or_default(),
        state: Safe::from_string(state),
        health,
        conns: format!("{}/{}", f.open, f.total),
        traffic: format!("{} / {}", bytes_text(f.bytes_out), bytes_text(f.bytes_in)),
        uptime,
        check: Safe::from_string(check),
    }
}

pub struct ForwardsPane {
    pub rows: Vec<ForwardRow>,
    pub selected: usize,
    pub filter: FilterState,
    /// The selected forward's last check body, shown under the table.
    pub body: Option<Safe>,
    seen: Option<(u64, u64, Timestamp)>,
}

impl ForwardsPane {
    pub fn new() -> ForwardsPane {
        ForwardsPane {
            rows: vec![],
            selected: 0,
            filter: FilterState::default(),
            body: None,
            seen: None,
        }
    }

    /// The forward the selection is on, for the reducer's stop/restart/check.
    pub fn selected_id(&self) -> Option<u64> {
        self.rows.get(self.selected).map(|r| r.id)
    }
}

impl Default for ForwardsPane {
    fn default() -> Self {
        Self::new()
    }
}

impl Pane for ForwardsPane {
    fn name(&self) -> &'static str {
        "forwards"
    }

    fn title(&self) -> String {
        "Forwards".into()
    }

    fn refresh(&mut self, cache: &Cache, now: Timestamp) {
        // Uptimes move with the clock, states and traffic with the forwards' reports.
        let key = (cache.revs.forwards, self.filter.rev, now);
        if self.seen == Some(key) {
            return;
        }
        self.seen = Some(key);
        let keep = self.selected_id();
        self.rows = cache
            .forwards
            .iter()
            .map(|(id, f)| row(*id, f, now))
            .filter(|r| {
                let text = format!("{} {} {} {}", r.target, r.namespace, r.ports, r.state);
                self.filter.filter.matches(&text, None)
            })
            .collect();
        if let Some(i) = keep.and_then(|k| self.rows.iter().position(|r| r.id == k)) {
            self.selected = i;
        }
        clamp(&mut self.selected, self.rows.len());
        self.body = self
            .selected_id()
            .and_then(|id| cache.forwards.get(&id))
            .and_then(|f| match &f.check {
                Some((_, Ok(a))) => Some(Safe::new(&a.body_head)),
                _ => None,
            });
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        let Some(id) = self.selected_id() else {
            return list_keys(&mut self.selected, self.rows.len(), action, cx);
        };
        // The reducer owns the effects: the pane names the forward and what to do.
        match action {
            Action::ForwardStop => Reply::Run(Command::ForwardOp(id, ForwardOp::Stop)),
            Action::ForwardRestart => Reply::Run(Command::ForwardOp(id, ForwardOp::Restart)),
            Action::ForwardCheck => Reply::Run(Command::ForwardOp(id, ForwardOp::Check)),
            Action::ForwardCopy => Reply::Run(Command::ForwardOp(id, ForwardOp::Copy)),
            _ => list_keys(&mut self.selected, self.rows.len(), action, cx),
        }
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::Help,
            Action::ForwardCheck,
            Action::ForwardStop,
            Action::ForwardRestart,
            Action::ForwardCopy,
            Action::Back,
            Action::Command,
            Action::Quit,
        ]
    }

    crate::filtered_pane!();
}

/// What the forwards pane asks of the reducer for one forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForwardOp {
    Stop,
    Restart,
    Check,
    Copy,
}
