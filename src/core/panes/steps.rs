//! The steps of one workflow as a tree: Argo nodes, or Tekton TaskRuns and their steps.

use crate::doctor::{Subject, SubjectKind};
use jiff::Timestamp;
use serde_json::Value;

use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::log_sources::{LogTarget, Pick};
use crate::core::pane::{Cx, DRILL_ACTIONS, FilterState, Pane, Reply, clamp, list_keys};
use crate::core::panes::logs::LogsPane;
use crate::core::text::Safe;
use crate::core::workflows::{self, StepRow, WfKey};

use super::containers::ContainersPane;

pub struct StepsPane {
    pub key: WfKey,
    pub title_ns: Safe,
    pub title_name: Safe,
    pub rows: Vec<StepRow>,
    pub problems: Vec<Safe>,
    pub selected: usize,
    pub filter: FilterState,
    seen: Option<(u64, u64, u64)>,
}

impl StepsPane {
    pub fn new(key: WfKey) -> StepsPane {
        StepsPane {
            title_ns: Safe::new(&key.1),
            title_name: Safe::new(&key.2),
            key,
            rows: vec![],
            problems: vec![],
            selected: 0,
            filter: FilterState::default(),
            seen: None,
        }
    }
}

impl Pane for StepsPane {
    fn name(&self) -> &'static str {
        "steps"
    }

    fn title(&self) -> String {
        self.key.0.label().into()
    }

    fn refresh(&mut self, cache: &Cache, _now: Timestamp) {
        let seen = (cache.revs.workflows, cache.revs.pods, self.filter.rev);
        if self.seen == Some(seen) {
            return;
        }
        if self.seen.is_some_and(|s| s.2 != seen.2) {
            self.selected = 0;
        }
        self.seen = Some(seen);
        let key = &self.key;
        let pods: Vec<(String, Value)> = cache
            .pods_in(&key.1)
            .filter_map(|((_, name), e)| Some((name.clone(), serde_json::from_str(&e.json).ok()?)))
            .collect();
        let steps = match cache.workflow(key) {
            Some(wf) => workflows::steps(key, wf, &cache.taskruns, &pods),
            None => workflows::Steps {
                rows: vec![],
                problems: vec![Safe::from_string(format!(
                    "{} {}/{} no longer exists",
                    key.0.label(),
                    key.1,
                    key.2
                ))],
            },
        };
        let f = &self.filter.filter;
        self.rows = steps
            .rows
            .into_iter()
            .filter(|r| {
                f.matches(
                    &format!(
                        "{} {} {} {} {} {}",
                        r.name,
                        r.kind,
                        r.phase,
                        r.template,
                        r.pod.as_deref().unwrap_or(""),
                        r.message
                    ),
                    None,
                )
            })
            .collect();
        self.problems = steps.problems;
        clamp(&mut self.selected, self.rows.len());
    }

    fn subject(&self) -> Option<Subject> {
        let ns = &self.key.1;
        let Some(row) = self.rows.get(self.selected) else {
            return Some(super::workflows::workflow_subject(&self.key));
        };
        Some(match (&*row.kind, &row.pod_key, &row.container) {
            ("TaskRun", _, _) => Subject::new(SubjectKind::TaskRun, ns, &row.template),
            (_, Some(pod), c) => {
                let mut s = Subject::new(SubjectKind::Pod, ns, pod);
                s.container = c.as_ref().map(|c| c.to_string());
                s
            }
            _ => super::workflows::workflow_subject(&self.key),
        })
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        if action == Action::Logs {
            let Some(row) = self.rows.get(self.selected) else {
                return Reply::Done;
            };
            let ns = self.key.1.clone();
            let target = match (&*row.kind, &row.pod_key, &row.container) {
                ("TaskRun", _, _) => LogTarget::task_run(&ns, &row.template),
                (_, Some(pod), Some(c)) => LogTarget::Pod {
                    ns,
                    pod: pod.clone(),
                    pick: Pick::Named(c.to_string()),
                },
                _ => super::workflows::workflow_target(&self.key),
            };
            return Reply::Open(Box::new(LogsPane::new(target, cx.logs)));
        }
        if action != Action::Select {
            return list_keys(&mut self.selected, self.rows.len(), action, cx);
        }
        match self.rows.get(self.selected) {
            Some(row) => match (&row.pod, &row.pod_key) {
                (Some(pod), Some(key)) => {
                    let ns = self.key.1.clone();
                    if !cx.cache.pods.contains_key(&(ns.clone(), key.clone())) {
                        return Reply::Message(format!(
                            "pod {pod} is not in the cluster (deleted, or not created yet)"
                        ));
                    }
                    Reply::Open(Box::new(ContainersPane::new(
                        ns,
                        key.clone(),
                        row.container.as_ref().map(|c| c.to_string()),
                    )))
                }
                _ => Reply::Message(format!(
                    "{} is a {} node: it has no pod of its own",
                    row.name, row.kind
                )),
            },
            None => Reply::Done,
        }
    }

    fn actions(&self) -> &'static [Action] {
        DRILL_ACTIONS
    }

    crate::filtered_pane!();
}
