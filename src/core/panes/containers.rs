//! The containers of one pod, in start order; the pod's conditions and, for a pod that is not
//! scheduled, why not.

use crate::doctor::{Subject, SubjectKind};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;

use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::containers::{self, ContainerRow};
use crate::core::log_sources::{LogTarget, Pick};
use crate::core::pane::{Cx, FilterState, Pane, Reply, clamp, list_keys};
use crate::core::panes::logs::LogsPane;
use crate::core::text::Safe;

/// One pod condition as `kubectl describe` lists them.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub kind: Safe,
    pub status: Safe,
    /// "reason: message", when the condition has them.
    pub detail: Safe,
}

pub struct ContainersPane {
    pub ns: String,
    pub pod: String,
    pub title_ns: Safe,
    pub title_pod: Safe,
    pub rows: Vec<ContainerRow>,
    pub selected: usize,
    pub filter: FilterState,
    pub conditions: Vec<Condition>,
    /// Whether the pod still exists.
    pub exists: bool,
    /// Container to select once rows exist (a step's container).
    preselect: Option<String>,
    /// The pod's own owners, and the chain above them as read so far.
    pub pod_owners: Vec<crate::core::table::Owner>,
    owners: crate::core::owners::OwnerChain,
    seen: Option<(u64, u64, i64)>,
}

impl ContainersPane {
    pub fn new(ns: String, pod: String, preselect: Option<String>) -> ContainersPane {
        ContainersPane {
            title_ns: Safe::new(&ns),
            title_pod: Safe::new(&pod),
            ns,
            pod,
            rows: vec![],
            selected: 0,
            filter: FilterState::default(),
            conditions: vec![],
            exists: false,
            preselect,
            pod_owners: vec![],
            owners: Default::default(),
            seen: None,
        }
    }
}

impl ContainersPane {
    /// The pod's owners up to the top (nearest first), as far as they are read.
    pub fn owner_chain(&self) -> Vec<crate::core::table::Owner> {
        self.owners.chain(&self.pod_owners)
    }
}

/// A pod the scheduler has not placed: the PodScheduled condition says why ("0/1 nodes are
/// available: 1 Insufficient nvidia.com/gpu"), which beats "state unknown".
fn unscheduled(pod: &Pod) -> Option<String> {
    let st = pod.status.as_ref()?;
    let c = st
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "PodScheduled" && c.status == "False")?;
    let reason = c.reason.as_deref().unwrap_or("Unschedulable");
    Some(match c.message.as_deref() {
        Some(m) => format!("pending: {reason}: {m}"),
        None => format!("pending: {reason}"),
    })
}

fn conditions(pod: &Pod) -> Vec<Condition> {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .map(|c| {
            let detail = match (c.reason.as_deref(), c.message.as_deref()) {
                (Some(r), Some(m)) => format!("{r}: {m}"),
                (Some(r), None) => r.to_string(),
                (None, Some(m)) => m.to_string(),
                (None, None) => String::new(),
            };
            Condition {
                kind: Safe::new(&c.type_),
                status: Safe::new(&c.status),
                detail: detail.into(),
            }
        })
        .collect()
}

impl Pane for ContainersPane {
    fn name(&self) -> &'static str {
        "containers"
    }

    fn title(&self) -> String {
        "Containers".into()
    }

    fn refresh(&mut self, cache: &Cache, now: Timestamp) {
        // States read "(4m ago)": rebuild when the pods move on or a second passed.
        let seen = (cache.revs.pods, self.filter.rev, now.as_second());
        if self.seen == Some(seen) {
            return;
        }
        self.seen = Some(seen);
        let key = (self.ns.clone(), self.pod.clone());
        let pod = cache.pods.get(&key).and_then(|e| e.pod());
        self.exists = pod.is_some();
        let Some(pod) = pod else {
            self.rows.clear();
            self.conditions.clear();
            return;
        };
        let mut rows = containers::rows(&pod, now);
        if let Some(why) = unscheduled(&pod) {
            for r in rows.iter_mut().filter(|r| r.state == "unknown") {
                r.state = Safe::from_string(why.clone());
            }
        }
        let f = &self.filter.filter;
        rows.retain(|r| {
            f.matches(
                &format!(
                    "{} {} {} {} {} {} {} {}",
                    r.name,
                    r.kind.label(),
                    r.image,
                    r.state,
                    r.last_termination,
                    r.ports,
                    r.probes,
                    r.role.unwrap_or("")
                ),
                None,
            )
        });
        self.rows = rows;
        self.conditions = conditions(&pod);
        self.pod_owners = pod
            .metadata
            .owner_references
            .iter()
            .flatten()
            .map(|o| crate::core::table::Owner {
                api_version: o.api_version.clone(),
                kind: o.kind.clone(),
                name: o.name.clone(),
                uid: o.uid.clone(),
                controller: o.controller.unwrap_or(false),
            })
            .collect();
        self.owners.plan(&self.pod_owners, &self.ns, &cache.kinds);
        if let Some(want) = self.preselect.take() {
            self.selected = self.rows.iter().position(|c| c.name == want).unwrap_or(0);
        }
        clamp(&mut self.selected, self.rows.len());
    }

    fn subject(&self) -> Option<Subject> {
        let mut s = Subject::new(SubjectKind::Pod, &self.ns, &self.pod);
        s.container = self.rows.get(self.selected).map(|c| c.name.to_string());
        Some(s)
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        if action == Action::Owner {
            return super::kinds::jump_to(self.owner_chain().first(), &self.ns, cx);
        }
        if action == Action::Logs {
            let pick = match self.rows.get(self.selected) {
                Some(c) => Pick::Named(c.name.to_string()),
                None => Pick::All,
            };
            let target = LogTarget::Pod {
                ns: self.ns.clone(),
                pod: self.pod.clone(),
                pick,
            };
            return Reply::Open(Box::new(LogsPane::new(target, cx.logs)));
        }
        list_keys(&mut self.selected, self.rows.len(), action, cx)
    }

    fn take_effects(
        &mut self,
        next_id: &mut crate::core::effect::EffectId,
    ) -> Vec<crate::core::effect::Effect> {
        self.owners.take_effect(next_id).into_iter().collect()
    }

    fn on_result(
        &mut self,
        id: crate::core::effect::EffectId,
        result: &crate::core::effect::EffectResult,
    ) -> bool {
        self.owners.on_result(id, result)
    }

    fn close(&mut self) -> Vec<crate::core::effect::EffectId> {
        self.owners.pending()
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::Help,
            Action::Logs,
            Action::Doctor,
            Action::Owner,
            Action::Back,
            Action::Filter,
            Action::Command,
            Action::Pods,
            Action::Quit,
        ]
    }

    crate::filtered_pane!();
}
