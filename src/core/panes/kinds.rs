//! Any kind the cluster serves (`:deploy`, `:isvc`, `:nodes`, a CRD's plural), as a live table
//! of the columns the API server's Table gives (`kubectl get`'s), kept current by a watch.
//! `enter` drills down by ownership and selection; the owner chain of the selected row is
//! in the details, and `o` jumps to its owner.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::cluster_event::TableEvent;
use crate::core::effect::{Effect, EffectId, EffectKind, EffectResult, TableFor};
use crate::core::kinds::KindInfo;
use crate::core::log_sources::{LogTarget, Pick};
use crate::core::objects::ObjRef;
use crate::core::owners::{OwnerChain, owner_kind};
use crate::core::pane::{Cx, FilterState, Pane, Reply, cancels, clamp, move_cursor};
use crate::core::panes::logs::LogsPane;
use crate::core::panes::pods::{PodTest, PodsOf, PodsPane};
use crate::core::state::Scope;
use crate::core::table::{self, Column, Owner, Row};
use crate::core::text::Safe;
use crate::doctor::{Subject, SubjectKind};

/// Rows limited to what a drill-down asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Within {
    All,
    /// Rows owned by the object with this uid (a Deployment's ReplicaSets).
    OwnedBy {
        uid: String,
        via: String,
    },
    /// Only the row of this name (jumping to an owner).
    Named(String),
}

/// (changes, filter revision, sort, wide) the view was built for.
type Seen = (u64, u64, Option<(usize, bool)>, bool);

pub struct KindPane {
    pub kind: KindInfo,
    /// A namespace fixed by a drill-down; `None` follows the app's scope.
    pub namespace: Option<String>,
    pub within: Within,
    pub columns: Vec<Column>,
    rows: BTreeMap<(String, String), Row>,
    /// The rows shown, filtered and sorted.
    pub view: Vec<(String, String)>,
    pub selected: usize,
    pub filter: FilterState,
    /// (column index, reversed).
    pub sort: Option<(usize, bool)>,
    /// `-o wide`: columns of priority above 0 too.
    pub wide: bool,
    /// The namespace the rows are of (`None`: all, or a cluster-scoped kind).
    pub listed_ns: Option<String>,
    watch: Option<EffectId>,
    /// The scope the current watch was started for, to restart it on `:ns`.
    watching: Option<Option<String>>,
    pub error: Option<String>,
    /// The first list has come back.
    pub synced: bool,
    /// The selected row's owners, read up the chain.
    owners: OwnerChain,
    /// The selected row's pods (name, status), for kinds that have pods; with the (row, pods
    /// revision) they were found for.
    pub pods: Option<Vec<(String, String)>>,
    pods_seen: Option<((String, String), u64, u64)>,
    /// The scope `refresh` found to watch.
    want_ns: Option<String>,
    changes: u64,
    seen: Option<Seen>,
}

impl KindPane {
    pub fn new(kind: KindInfo, namespace: Option<String>, within: Within) -> KindPane {
        KindPane {
            kind,
            namespace,
            within,
            columns: vec![],
            rows: BTreeMap::new(),
            view: vec![],
            selected: 0,
            filter: FilterState::default(),
            sort: None,
            wide: false,
            listed_ns: None,
            watch: None,
            watching: None,
            error: None,
            synced: false,
            owners: OwnerChain::default(),
            pods: None,
            pods_seen: None,
            want_ns: None,
            changes: 0,
            seen: None,
        }
    }

    pub fn row(&self, i: usize) -> Option<&Row> {
        self.view.get(i).and_then(|k| self.rows.get(k))
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.row(self.selected)
    }

    pub fn total(&self) -> usize {
        self.rows.len()
    }

    /// Columns shown: priority 0, and the others when wide.
    pub fn shown_columns(&self) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| self.wide || c.priority == 0)
            .map(|(i, _)| i)
            .collect()
    }

    /// What the scope asks for, for this kind.
    fn wanted_ns(&self, scope: &Scope) -> Option<String> {
        if !self.kind.namespaced {
            return None;
        }
        match (&self.namespace, scope) {
            (Some(n), _) => Some(n.clone()),
            (None, Scope::Namespace(n)) => Some(n.clone()),
            (None, Scope::All) => None,
        }
    }

    fn rebuild(&mut self) {
        let key = self.selected_row().map(Row::key);
        let f = &self.filter.filter;
        let mut view: Vec<&Row> = self
            .rows
            .values()
            .filter(|r| match &self.within {
                Within::All => true,
                Within::OwnedBy { uid, .. } => r.owners.iter().any(|o| &o.uid == uid),
                Within::Named(n) => &r.name == n,
            })
            .filter(|r| match f {
                // Rebuilt on every watch event: join a row's text only when a regex needs it.
                crate::core::filter::Filter::None => true,
                crate::core::filter::Filter::Labels(_) => f.matches("", Some(&r.labels)),
                _ => {
                    let text = r
                        .cells
                        .iter()
                        .map(Safe::as_str)
                        .chain([r.namespace.as_str()])
                        .collect::<Vec<_>>()
                        .join(" ");
                    f.matches(&text, Some(&r.labels))
                }
            })
            .collect();
        if let Some((col, rev)) = self.sort {
            let type_ = self
                .columns
                .get(col)
                .map(|c| c.type_.as_str())
                .unwrap_or("string");
            let cell = |r: &Row| r.cells.get(col).map(Safe::as_str).unwrap_or("").to_string();
            view.sort_by(|a, b| {
                let o = table::compare(type_, &cell(a), &cell(b));
                if rev { o.reverse() } else { o }
            });
        }
        self.view = view.into_iter().map(Row::key).collect();
        if let Some(k) = key
            && let Some(i) = self.view.iter().position(|v| *v == k)
        {
            self.selected = i;
        }
        clamp(&mut self.selected, self.view.len());
    }

    fn apply(&mut self, ev: &TableEvent) {
        match ev {
            TableEvent::Reset(t) => {
                if !t.columns.is_empty() {
                    self.columns = t.columns.clone();
                }
                self.rows = t.rows.iter().map(|r| (r.key(), r.clone())).collect();
                self.error = None;
                self.synced = true;
            }
            TableEvent::Applied(t) => {
                if !t.columns.is_empty() && self.columns.is_empty() {
                    self.columns = t.columns.clone();
                }
                for r in &t.rows {
                    self.rows.insert(r.key(), r.clone());
                }
            }
            TableEvent::Deleted(t) => {
                for r in &t.rows {
                    self.rows.remove(&r.key());
                }
            }
            TableEvent::Failed(e) => self.error = Some(e.clone()),
        }
        self.changes += 1;
    }

    /// The column named `name` (NAME, AGE), for the sort keys.
    fn column(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.as_str().eq_ignore_ascii_case(name))
    }

    fn sort_by(&mut self, col: usize) {
        self.sort = match self.sort {
            Some((c, rev)) if c == col => Some((c, !rev)),
            _ => Some((col, false)),
        };
    }

    /// Owners of the selected row up to the top, as far as they are known (nearest first).
    pub fn owner_chain(&self) -> Vec<Owner> {
        self.selected_row()
            .map(|r| self.owners.chain(&r.owners))
            .unwrap_or_default()
    }

    /// Which pods belong to row `r` (and in which namespace; empty for every one), for the
    /// kinds that have pods.
    fn pod_test(&self, r: &Row, cache: &Cache) -> Option<(String, PodTest)> {
        let ns = r.namespace.clone();
        let sel = |k: &str| PodTest::Labels(BTreeMap::from([(k.into(), r.name.clone())]));
        let owned = |kind: &'static str| PodTest::Owned {
            kind,
            name: r.name.clone(),
        };
        let uses = |kind: &'static str| PodTest::Uses {
            kind,
            name: r.name.clone(),
        };
        let test = match (self.kind.group.as_str(), self.kind.kind.as_str()) {
            ("apps", "Deployment") => owned("Deployment"),
            ("apps", "ReplicaSet") => owned("ReplicaSet"),
            ("apps", "StatefulSet") => owned("StatefulSet"),
            ("apps", "DaemonSet") => owned("DaemonSet"),
            ("batch", "Job") => owned("Job"),
            ("serving.kserve.io", "InferenceService") => sel("serving.kserve.io/inferenceservice"),
            ("machinelearning.seldon.io", "SeldonDeployment") => sel("seldon-deployment-id"),
            ("", "Node") => return Some((String::new(), PodTest::Node(r.name.clone()))),
            ("", "ConfigMap") => uses("ConfigMap"),
            ("", "Secret") => uses("Secret"),
            ("", "PersistentVolumeClaim") => uses("PersistentVolumeClaim"),
            ("", "Service") => PodTest::Labels(
                cache
                    .services
                    .get(&r.key())
                    .map(|e| e.selector.clone())
                    .filter(|s| !s.is_empty())?,
            ),
            _ => return None,
        };
        Some((ns, test))
    }

    /// The selected row's pods in the cache: (name, status), for the details.
    fn find_pods(&self, cache: &Cache) -> Option<Vec<(String, String)>> {
        let r = self.selected_row()?;
        let (ns, test) = self.pod_test(r, cache)?;
        let pods: Box<dyn Iterator<Item = &crate::core::pods::PodEntry>> = if ns.is_empty() {
            Box::new(cache.pods.values())
        } else {
            Box::new(cache.pods_in(&ns).map(|(_, e)| e))
        };
        Some(
            pods.filter(|e| test.matches(e))
                .map(|e| (e.row.name.to_string(), e.row.status.to_string()))
                .collect(),
        )
    }

    /// Where `enter` goes from the selected row: a Deployment's ReplicaSets, else the pods.
    fn drill(&self, cx: &Cx) -> Reply {
        let Some(r) = self.selected_row() else {
            return Reply::Done;
        };
        let via = format!("{}/{}", self.kind.singular_or_kind(), r.name);
        if (self.kind.group.as_str(), self.kind.kind.as_str()) == ("apps", "Deployment")
            && let Ok(rs) = cx.cache.kinds.resolve("replicasets.apps")
        {
            return Reply::Open(Box::new(KindPane::new(
                rs.clone(),
                Some(r.namespace.clone()),
                Within::OwnedBy {
                    uid: r.uid.clone(),
                    via,
                },
            )));
        }
        match self.pod_test(r, cx.cache) {
            Some((ns, test)) => Reply::Open(Box::new(PodsPane::new(PodsOf::Where {
                ns,
                test,
                via: Safe::new(&via),
            }))),
            None if self.kind.kind == "Service" => {
                Reply::Message(format!("service {} selects no pods", r.name))
            }
            None => Reply::Message(format!(
                "{} has nothing to drill into; y shows it, d describes it",
                self.kind.kind
            )),
        }
    }

    fn jump_to_owner(&self, cx: &Cx) -> Reply {
        let ns = self
            .selected_row()
            .map(|r| r.namespace.clone())
            .unwrap_or_default();
        jump_to(self.owner_chain().first(), &ns, cx)
    }
}

/// Open the table of `owner`'s kind on that one object (the `owner` action).
pub fn jump_to(owner: Option<&Owner>, ns: &str, cx: &Cx) -> Reply {
    let Some(o) = owner else {
        return Reply::Message("the selected object has no owner".into());
    };
    let Some(k) = owner_kind(&cx.cache.kinds, o) else {
        return Reply::Message(format!(
            "the server does not serve {} ({}), the owner's kind",
            Safe::new(&o.kind),
            Safe::new(&o.api_version)
        ));
    };
    Reply::Open(Box::new(KindPane::new(
        k.clone(),
        Some(ns.to_string()).filter(|n| !n.is_empty() && k.namespaced),
        Within::Named(o.name.clone()),
    )))
}

impl KindInfo {
    /// The singular name kubectl uses in `KIND/NAME`, or the kind lowercased.
    pub fn singular_or_kind(&self) -> String {
        if self.singular.is_empty() {
            self.kind.to_ascii_lowercase()
        } else {
            self.singular.clone()
        }
    }
}

const ACTIONS: &[Action] = &[
    Action::Help,
    Action::Select,
    Action::Logs,
    Action::Yaml,
    Action::Describe,
    Action::Owner,
    Action::Wide,
    Action::SortNext,
    Action::Filter,
    Action::Back,
    Action::Command,
    Action::Quit,
];

impl Pane for KindPane {
    fn name(&self) -> &'static str {
        "kinds"
    }

    fn title(&self) -> String {
        self.kind.kind.clone()
    }

    fn refresh(&mut self, cache: &Cache, _now: Timestamp) {
        let want = self.wanted_ns(&cache.scope);
        if self.watching.as_ref().is_some_and(|w| *w != want) {
            // `:ns` moved: the next `take_effects` starts a watch for the new scope.
            self.watching = None;
        }
        self.want_ns = want;
        let seen = (self.changes, self.filter.rev, self.sort, self.wide);
        if self.seen != Some(seen) {
            if self.seen.is_some_and(|s| s.1 != seen.1) {
                self.selected = 0;
            }
            self.rebuild();
            self.seen = Some(seen);
        }
        if let Some(r) = self.view.get(self.selected).and_then(|k| self.rows.get(k)) {
            let ns = r.namespace.clone();
            self.owners.plan(&r.owners.clone(), &ns, &cache.kinds);
            let seen = Some((r.key(), cache.revs.pods, cache.revs.services));
            if self.pods_seen != seen {
                self.pods = self.find_pods(cache);
                self.pods_seen = seen;
            }
        }
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        if move_cursor(&mut self.selected, self.view.len(), action, cx.page) {
            return Reply::Done;
        }
        match action {
            Action::Select => self.drill(cx),
            Action::Owner => self.jump_to_owner(cx),
            Action::Wide => {
                self.wide = !self.wide;
                Reply::Done
            }
            Action::SortNext | Action::SortPrev => {
                let shown = self.shown_columns();
                if shown.is_empty() {
                    return Reply::Done;
                }
                let at = self
                    .sort
                    .and_then(|(c, _)| shown.iter().position(|s| *s == c));
                let next = match (at, action) {
                    (None, Action::SortNext) => Some(0),
                    (None, _) => Some(shown.len() - 1),
                    (Some(i), Action::SortNext) => (i + 1 < shown.len()).then_some(i + 1),
                    (Some(i), _) => i.checked_sub(1),
                };
                self.sort = next.map(|i| (shown[i], false));
                Reply::Done
            }
            Action::SortName | Action::SortAge => {
                let name = if action == Action::SortName {
                    "name"
                } else {
                    "age"
                };
                match self.column(name) {
                    Some(c) => {
                        self.sort_by(c);
                        Reply::Done
                    }
                    None => Reply::Message(format!("{} has no {name} column", self.kind.kind)),
                }
            }
            Action::Logs => match self.logs_target() {
                Some(t) => Reply::Open(Box::new(LogsPane::new(t, cx.logs))),
                None => Reply::Message(format!("{} has no logs of its own", self.kind.kind)),
            },
            _ => Reply::Ignored,
        }
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn take_effects(&mut self, next_id: &mut EffectId) -> Vec<Effect> {
        let mut out = vec![];
        if self.watching.is_none() {
            let ns = self.want_ns.clone();
            if let Some(old) = self.watch.take() {
                out.extend(cancels([old]));
            }
            let e = Effect::next(
                next_id,
                EffectKind::Table(TableFor {
                    kind: self.kind.clone(),
                    namespace: ns.clone(),
                    label_selector: None,
                    field_selector: None,
                }),
            );
            self.watch = Some(e.id);
            self.watching = Some(ns.clone());
            self.listed_ns = ns;
            self.rows.clear();
            self.synced = false;
            self.changes += 1;
            out.push(e);
        }
        out.extend(self.owners.take_effect(next_id));
        out
    }

    fn on_table(&mut self, id: EffectId, event: &TableEvent) -> bool {
        if Some(id) != self.watch {
            return false;
        }
        self.apply(event);
        true
    }

    fn on_result(&mut self, id: EffectId, result: &EffectResult) -> bool {
        self.owners.on_result(id, result)
    }

    fn close(&mut self) -> Vec<EffectId> {
        let mut ids: Vec<EffectId> = self.watch.take().into_iter().collect();
        ids.extend(self.owners.pending());
        ids
    }

    fn subject(&self) -> Option<Subject> {
        let r = self.selected_row()?;
        let kind = match (self.kind.group.as_str(), self.kind.kind.as_str()) {
            ("", "Pod") => SubjectKind::Pod,
            ("", "Service") => SubjectKind::Service,
            ("apps", "Deployment") => SubjectKind::Deployment,
            ("argoproj.io", "Workflow") => SubjectKind::Workflow,
            ("tekton.dev", "PipelineRun") => SubjectKind::PipelineRun,
            ("tekton.dev", "TaskRun") => SubjectKind::TaskRun,
            ("serving.kserve.io", "InferenceService") => SubjectKind::InferenceService,
            ("machinelearning.seldon.io", "SeldonDeployment") => SubjectKind::SeldonDeployment,
            ("", "Namespace") => return Some(Subject::new(SubjectKind::Namespace, &r.name, "")),
            _ => return None,
        };
        Some(Subject::new(kind, &r.namespace, &r.name))
    }

    fn object(&self) -> Option<ObjRef> {
        let r = self.selected_row()?;
        Some(self.kind.obj(&r.namespace, &r.name))
    }

    crate::filtered_pane!();
}

impl KindPane {
    fn logs_target(&self) -> Option<LogTarget> {
        let r = self.selected_row()?;
        let ns = r.namespace.clone();
        let owned = |kind: &'static str| LogTarget::Owned {
            ns: ns.clone(),
            kind,
            name: r.name.clone(),
            pick: Pick::All,
        };
        let labels = |k: &str| LogTarget::Selector {
            ns: ns.clone(),
            selector: BTreeMap::from([(k.to_string(), r.name.clone())]),
            pick: Pick::All,
            label: format!("{}/{}", self.kind.singular_or_kind(), r.name),
        };
        Some(match (self.kind.group.as_str(), self.kind.kind.as_str()) {
            ("", "Pod") => LogTarget::Pod {
                ns,
                pod: r.name.clone(),
                pick: Pick::All,
            },
            ("apps", "Deployment") => owned("Deployment"),
            ("apps", "ReplicaSet") => owned("ReplicaSet"),
            ("apps", "StatefulSet") => owned("StatefulSet"),
            ("apps", "DaemonSet") => owned("DaemonSet"),
            ("batch", "Job") => owned("Job"),
            ("argoproj.io", "Workflow") => LogTarget::workflow(&ns, &r.name),
            ("tekton.dev", "PipelineRun") => LogTarget::pipeline_run(&ns, &r.name),
            ("tekton.dev", "TaskRun") => LogTarget::task_run(&ns, &r.name),
            ("serving.kserve.io", "InferenceService") => {
                labels("serving.kserve.io/inferenceservice")
            }
            ("machinelearning.seldon.io", "SeldonDeployment") => labels("seldon-deployment-id"),
            _ => return None,
        })
    }
}
