//! The doctor overlay's state: the subject, the evidence as it arrives, and the findings the
//! checks make of it, re-run as pieces come (1st, 2nd, 4th, 8th ... piece and the last, so a
//! namespace triage with a thousand logs does not run the checks a thousand times).

use std::sync::Arc;

use jiff::Timestamp;

use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::command::Command;
use crate::core::effect::{Effect, EffectId, EffectKind};
use crate::core::log_sources::{LogTarget, Pick};
use crate::core::pane::{Cx, Pane, Reply, cancels, clamp, list_keys};
use crate::core::panes::events::EventsPane;
use crate::core::panes::logs::LogsPane;
use crate::doctor::pack::LazyRules;
use crate::doctor::run::run;
use crate::doctor::{Act, Evidence, Finding, Piece, Severity, Subject};

pub struct DoctorPane {
    pub subject: Subject,
    rules: Arc<LazyRules>,
    /// Probe the resolved port (a live cluster, not captured files).
    pub probe: bool,
    /// Why the port probe was not made though the cluster is live (`read-only`), for the title.
    pub probe_skipped: Option<&'static str>,
    /// The running gather, if any.
    id: Option<EffectId>,
    start: bool,
    cancels: Vec<EffectId>,
    pub ev: Evidence,
    pub findings: Vec<Finding>,
    pub selected: usize,
    /// The user moved the selection: keep it on the same finding as findings come and go
    /// (until then the most severe one, at the top, stays selected).
    moved: bool,
    /// Every piece has arrived.
    pub done: bool,
    pub pieces: usize,
    ran_at: usize,
    dirty: bool,
}

impl DoctorPane {
    pub fn new(subject: Subject, rules: Arc<LazyRules>) -> DoctorPane {
        DoctorPane {
            subject,
            rules,
            probe: true,
            probe_skipped: None,
            id: None,
            start: true,
            cancels: vec![],
            ev: Evidence::default(),
            findings: vec![],
            selected: 0,
            moved: false,
            done: false,
            pieces: 0,
            ran_at: 0,
            dirty: false,
        }
    }

    pub fn selected(&self) -> Option<&Finding> {
        self.findings.get(self.selected)
    }

    /// What enter does on a finding, for the hint line.
    pub fn act_label(a: &Act) -> String {
        match a {
            Act::Logs {
                pod,
                container,
                previous,
                ..
            } => format!(
                "open the {}logs of {pod}/{container}",
                if *previous { "previous " } else { "" }
            ),
            Act::ErrorsFilter { pod, container, .. } => {
                format!("open {pod}/{container} with the errors filter")
            }
            Act::PortForward {
                target,
                local,
                remote,
                ..
            } => format!("port-forward {target} {local}:{remote}"),
            Act::Events { object, .. } => format!("the events of {object}"),
        }
    }

    fn act(&self, cx: &Cx) -> Reply {
        let Some(f) = self.selected() else {
            return Reply::Done;
        };
        let Some(a) = &f.act else {
            return Reply::Message(format!("{}: nothing kdoc can do here; see the fix", f.id));
        };
        let logs = |ns: &str, pod: &str, c: &str| {
            LogsPane::new(
                LogTarget::Pod {
                    ns: ns.to_string(),
                    pod: pod.to_string(),
                    pick: Pick::Named(c.to_string()),
                },
                cx.logs,
            )
        };
        match a {
            Act::Logs {
                namespace,
                pod,
                container,
                previous,
            } => {
                let mut p = logs(namespace, pod, container);
                p.previous = *previous;
                Reply::Open(Box::new(p))
            }
            Act::ErrorsFilter {
                namespace,
                pod,
                container,
            } => {
                let mut p = logs(namespace, pod, container);
                let _ = p.filter.set("@errors");
                Reply::Open(Box::new(p))
            }
            Act::Events { namespace, object } => {
                let (kind, name) = object.split_once('/').unwrap_or(("pod", object));
                let kind = match kind {
                    "pod" => "Pod",
                    "service" => "Service",
                    "workflow" => "Workflow",
                    "pipelinerun" => "PipelineRun",
                    "taskrun" => "TaskRun",
                    "inferenceservice" => "InferenceService",
                    "seldondeployment" => "SeldonDeployment",
                    k => k,
                };
                let events = self
                    .ev
                    .events_of(kind, namespace, name)
                    .into_iter()
                    .cloned()
                    .collect();
                Reply::Open(Box::new(EventsPane::new(namespace, object, events)))
            }
            // "Forward the right port": the dialog, with that port selected.
            Act::PortForward {
                namespace,
                target,
                remote,
                ..
            } => Reply::Run(Command::ForwardDialog(
                namespace.clone(),
                target.clone(),
                *remote,
            )),
        }
    }

    fn rerun(&mut self) {
        if let Some(id) = self.id.take() {
            self.cancels.push(id);
        }
        self.ev = Evidence::default();
        self.findings.clear();
        self.done = false;
        self.pieces = 0;
        self.ran_at = 0;
        self.start = true;
    }
}

impl Pane for DoctorPane {
    fn name(&self) -> &'static str {
        "doctor"
    }

    fn title(&self) -> String {
        "Doctor".into()
    }

    fn refresh(&mut self, _cache: &Cache, now: Timestamp) {
        let due = self.done || self.pieces >= 2 * self.ran_at.max(1) || self.ran_at == 0;
        if self.dirty && due {
            let keep = self
                .selected()
                .filter(|_| self.moved)
                .map(|f| (f.id.clone(), f.subject.clone()));
            let (pack, problems) = self.rules.get();
            self.findings = run(&self.subject, &self.ev, now, pack);
            // A bad rule file is the user's to fix; say so where its rules would have shown.
            for p in problems {
                self.findings.push(
                    Finding::new("doctor.rule-file", Severity::Warning, "", "rules")
                        .title(p.clone())
                        .meaning("This rule file (or rule) was skipped; the built-in rules and the other files still ran.")
                        .fix("Fix the file at the line named, then press r"),
                );
            }
            self.ran_at = self.pieces;
            self.dirty = false;
            if let Some(k) = keep
                && let Some(i) = self
                    .findings
                    .iter()
                    .position(|f| (&f.id, &f.subject) == (&k.0, &k.1))
            {
                self.selected = i;
            }
            clamp(&mut self.selected, self.findings.len());
        }
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        match action {
            Action::Select => self.act(cx),
            Action::DoctorRerun => {
                self.rerun();
                Reply::Message(format!(
                    "gathering the evidence on {} again",
                    self.subject.label()
                ))
            }
            _ => {
                let r = list_keys(&mut self.selected, self.findings.len(), action, cx);
                self.moved |= matches!(r, Reply::Done);
                r
            }
        }
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::Help,
            Action::Select,
            Action::DoctorRerun,
            Action::Back,
            Action::Command,
            Action::Quit,
        ]
    }

    fn take_effects(&mut self, next_id: &mut EffectId) -> Vec<Effect> {
        let mut out = cancels(self.cancels.drain(..));
        if self.start {
            self.start = false;
            let e = Effect::next(
                next_id,
                EffectKind::Doctor {
                    subject: self.subject.clone(),
                    probe: self.probe,
                },
            );
            self.id = Some(e.id);
            out.push(e);
        }
        out
    }

    fn on_doctor(&mut self, id: EffectId, piece: &Piece) -> bool {
        if self.id != Some(id) {
            return false;
        }
        self.pieces += 1;
        self.dirty = true;
        if !self.ev.apply(piece.clone()) {
            self.done = true;
            self.id = None;
        }
        true
    }

    fn close(&mut self) -> Vec<EffectId> {
        self.id.take().into_iter().collect()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
