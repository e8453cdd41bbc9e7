//! Argo Workflows and Tekton PipelineRuns in scope, live.

use crate::doctor::{Subject, SubjectKind};
use jiff::Timestamp;

use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::log_sources::LogTarget;
use crate::core::pane::{Cx, DRILL_ACTIONS, FilterState, Pane, Reply, clamp, list_keys};
use crate::core::panes::logs::LogsPane;
use crate::core::workflows::{self, WorkflowRow};

use super::steps::StepsPane;

#[derive(Default)]
pub struct WorkflowsPane {
    pub rows: Vec<WorkflowRow>,
    pub selected: usize,
    pub filter: FilterState,
    seen: Option<(u64, u64)>,
}

impl WorkflowsPane {
    pub fn new() -> WorkflowsPane {
        WorkflowsPane::default()
    }
}

impl Pane for WorkflowsPane {
    fn name(&self) -> &'static str {
        "workflows"
    }

    fn title(&self) -> String {
        "Workflows".into()
    }

    fn refresh(&mut self, cache: &Cache, _now: Timestamp) {
        let seen = (cache.revs.workflows, self.filter.rev);
        if self.seen == Some(seen) {
            return;
        }
        if self.seen.is_some_and(|s| s.1 != seen.1) {
            self.selected = 0;
        }
        self.seen = Some(seen);
        let f = &self.filter.filter;
        self.rows = workflows::workflow_rows(&cache.workflows, &cache.taskruns)
            .into_iter()
            .filter(|r| {
                f.matches(
                    &format!(
                        "{}/{} {} {} {}/{} {}",
                        r.key.1,
                        r.key.2,
                        r.key.0.label(),
                        r.phase,
                        r.succeeded,
                        r.total,
                        r.message
                    ),
                    None,
                )
            })
            .collect();
        clamp(&mut self.selected, self.rows.len());
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        match action {
            Action::Select => match self.rows.get(self.selected) {
                Some(r) => Reply::Open(Box::new(StepsPane::new(r.key.clone()))),
                None => Reply::Done,
            },
            Action::Logs => match self.rows.get(self.selected) {
                Some(r) => Reply::Open(Box::new(LogsPane::new(workflow_target(&r.key), cx.logs))),
                None => Reply::Done,
            },
            _ => list_keys(&mut self.selected, self.rows.len(), action, cx),
        }
    }

    fn subject(&self) -> Option<Subject> {
        self.rows
            .get(self.selected)
            .map(|r| workflow_subject(&r.key))
    }

    fn actions(&self) -> &'static [Action] {
        DRILL_ACTIONS
    }

    crate::filtered_pane!();
}

/// The doctor's subject for a whole workflow: the Argo Workflow, the Tekton PipelineRun or the
/// standalone TaskRun.
pub fn workflow_subject(key: &crate::core::workflows::WfKey) -> Subject {
    let kind = match key.0 {
        crate::core::workflows::WfKind::Argo => SubjectKind::Workflow,
        crate::core::workflows::WfKind::Tekton => SubjectKind::PipelineRun,
        crate::core::workflows::WfKind::TaskRun => SubjectKind::TaskRun,
    };
    Subject::new(kind, &key.1, &key.2)
}

/// The logs of a whole workflow: each step pod's `main` (Argo), or each TaskRun's steps (Tekton).
pub fn workflow_target(key: &crate::core::workflows::WfKey) -> LogTarget {
    match key.0 {
        crate::core::workflows::WfKind::Argo => LogTarget::workflow(&key.1, &key.2),
        crate::core::workflows::WfKind::Tekton => LogTarget::pipeline_run(&key.1, &key.2),
        crate::core::workflows::WfKind::TaskRun => LogTarget::task_run(&key.1, &key.2),
    }
}
