//! The pods pane: every pod in scope, or the pods a service selects. Rows are updated in place
//! when single pods change (a watch event), and rebuilt only when the filter, the sort or the
//! whole list changed.

use crate::doctor::{Subject, SubjectKind};
use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::core::actions::Action;
use crate::core::cache::{Cache, Key};
use crate::core::log_sources::{LogTarget, Pick};
use crate::core::pane::{Cx, FilterState, Pane, Reply, clamp, list_keys};
use crate::core::panes::logs::LogsPane;
use crate::core::pods::{PodEntry, PodRow, Sort, compare, rows};
use crate::core::services::selects;
use crate::core::text::Safe;

use super::containers::ContainersPane;

/// Which pods the pane lists.
#[derive(Clone, Debug, PartialEq)]
pub enum PodsOf {
    /// Every pod in scope.
    Scope,
    /// The pods of `ns` whose labels match a service's selector.
    Selector {
        ns: String,
        selector: BTreeMap<String, String>,
        /// What selected them, for the title: `svc/iris-default`.
        via: Safe,
    },
    /// The pods of `ns` (every namespace if empty) that pass `test`: a kind table's drill-down.
    Where {
        ns: String,
        test: PodTest,
        /// What they belong to, for the title: `deploy/web`, `node/kind-worker`.
        via: Safe,
    },
}

/// Which pods belong to an object of another kind.
#[derive(Clone, Debug, PartialEq)]
pub enum PodTest {
    /// Their labels match (an InferenceService's, a SeldonDeployment's, a Service's).
    Labels(BTreeMap<String, String>),
    /// A controller owns them (Deployment through its ReplicaSets, ReplicaSet, StatefulSet,
    /// DaemonSet, Job).
    Owned { kind: &'static str, name: String },
    /// They run on this node (`spec.nodeName`).
    Node(String),
    /// They mount (or take env from) this ConfigMap or Secret, or mount this
    /// PersistentVolumeClaim.
    Uses { kind: &'static str, name: String },
}

impl PodTest {
    pub fn matches(&self, e: &PodEntry) -> bool {
        match self {
            PodTest::Labels(sel) => selects(sel, &e.labels),
            PodTest::Owned { kind, name } => crate::core::log_sources::owned_by(e, kind, name),
            PodTest::Node(n) => e.row.node.as_str() == n,
            PodTest::Uses { kind, name } => {
                // Only pods whose text names it are parsed.
                e.json.contains(&format!("\"{name}\""))
                    && serde_json::from_str::<serde_json::Value>(&e.json)
                        .is_ok_and(|pod| uses(&pod, kind, name))
            }
        }
    }
}

/// Whether `pod` mounts `kind`/`name` (volumes, projected sources) or, for a ConfigMap or
/// Secret, takes env from it (`envFrom`, `env[].valueFrom`).
pub fn uses(pod: &serde_json::Value, kind: &str, name: &str) -> bool {
    let is = |v: &serde_json::Value| v.as_str() == Some(name);
    let spec = &pod["spec"];
    let empty = vec![];
    let volumes = spec["volumes"].as_array().unwrap_or(&empty);
    let by_volume = volumes.iter().any(|v| match kind {
        "ConfigMap" => {
            is(&v["configMap"]["name"])
                || v["projected"]["sources"]
                    .as_array()
                    .is_some_and(|s| s.iter().any(|s| is(&s["configMap"]["name"])))
        }
        "Secret" => {
            is(&v["secret"]["secretName"])
                || v["projected"]["sources"]
                    .as_array()
                    .is_some_and(|s| s.iter().any(|s| is(&s["secret"]["name"])))
        }
        _ => is(&v["persistentVolumeClaim"]["claimName"]),
    });
    if by_volume || kind == "PersistentVolumeClaim" {
        return by_volume;
    }
    let (from, key) = if kind == "ConfigMap" {
        ("configMapRef", "configMapKeyRef")
    } else {
        ("secretRef", "secretKeyRef")
    };
    ["initContainers", "containers"].iter().any(|cs| {
        spec[*cs].as_array().is_some_and(|cs| {
            cs.iter().any(|c| {
                c["envFrom"]
                    .as_array()
                    .is_some_and(|es| es.iter().any(|e| is(&e[from]["name"])))
                    || c["env"]
                        .as_array()
                        .is_some_and(|es| es.iter().any(|e| is(&e["valueFrom"][key]["name"])))
            })
        })
    })
}

pub struct PodsPane {
    pub of: PodsOf,
    pub rows: Vec<std::sync::Arc<PodRow>>,
    pub selected: usize,
    pub filter: FilterState,
    pub sort: Sort,
    pub reverse: bool,
    /// Widest namespace among the rows, in characters: NAMESPACE is sized over all rows so it
    /// does not jump while scrolling, without counting 10,000 names every frame.
    pub ns_width: usize,
    /// (pods revision, filter revision, sort, reverse) the rows were built from.
    seen: Option<(u64, u64, Sort, bool)>,
}

impl PodsPane {
    pub fn new(of: PodsOf) -> PodsPane {
        PodsPane {
            of,
            rows: vec![],
            selected: 0,
            filter: FilterState::default(),
            sort: Sort::Name,
            reverse: false,
            ns_width: 0,
            seen: None,
        }
    }

    fn accepts(&self, e: &PodEntry) -> bool {
        let ours = match &self.of {
            PodsOf::Scope => true,
            PodsOf::Selector { ns, selector, .. } => {
                e.row.key.0 == *ns && selects(selector, &e.labels)
            }
            PodsOf::Where { ns, test, .. } => {
                (ns.is_empty() || e.row.key.0 == *ns) && test.matches(e)
            }
        };
        ours && e.passes(&self.filter.filter)
    }

    fn update_one(&mut self, cache: &Cache, key: &Key) {
        if let Some(i) = self.rows.iter().position(|r| &r.key == key) {
            self.rows.remove(i);
        }
        if let Some(e) = cache.pods.get(key).filter(|e| self.accepts(e)) {
            let (sort, rev) = (self.sort, self.reverse);
            let at = self
                .rows
                .partition_point(|r| compare(sort, rev, r, &e.row).is_lt());
            self.rows.insert(at, e.row.clone());
        }
    }

    fn set_sort(&mut self, s: Sort) {
        // The same sort key twice turns the order around.
        self.reverse = self.sort == s && !self.reverse;
        self.sort = s;
    }
}

impl Pane for PodsPane {
    fn name(&self) -> &'static str {
        "pods"
    }

    fn title(&self) -> String {
        "Pods".into()
    }

    fn refresh(&mut self, cache: &Cache, _now: Timestamp) {
        let view = (self.filter.rev, self.sort, self.reverse);
        let rev = cache.revs.pods;
        if let Some((seen_rev, f, s, r)) = self.seen {
            if (f, s, r) == view && seen_rev == rev {
                return;
            }
            if (f, s, r) == view
                && let Some(changed) = cache.pod_changes_since(seen_rev)
            {
                let keep = self.rows.get(self.selected).map(|r| r.key.clone());
                for key in changed {
                    // May stay wider than needed until the next rebuild; never too narrow.
                    self.ns_width = self.ns_width.max(Safe::new(&key.0).chars().count());
                    self.update_one(cache, key);
                }
                if let Some(k) = keep
                    && let Some(i) = self.rows.iter().position(|r| r.key == k)
                {
                    self.selected = i;
                }
                clamp(&mut self.selected, self.rows.len());
                self.seen = Some((rev, view.0, view.1, view.2));
                return;
            }
        }
        let pods: Box<dyn Iterator<Item = &PodEntry>> = match &self.of {
            PodsOf::Scope => Box::new(cache.pods.values()),
            PodsOf::Selector { ns, .. } => Box::new(cache.pods_in(ns).map(|(_, e)| e)),
            PodsOf::Where { ns, .. } if ns.is_empty() => Box::new(cache.pods.values()),
            PodsOf::Where { ns, .. } => Box::new(cache.pods_in(ns).map(|(_, e)| e)),
        };
        let pods = pods.filter(|e| match &self.of {
            PodsOf::Scope => true,
            PodsOf::Selector { selector, .. } => selects(selector, &e.labels),
            PodsOf::Where { test, .. } => test.matches(e),
        });
        let keep = self.rows.get(self.selected).map(|r| r.key.clone());
        self.rows = rows(pods, &self.filter.filter, self.sort, self.reverse);
        self.ns_width = self
            .rows
            .iter()
            .map(|r| r.namespace.chars().count())
            .max()
            .unwrap_or(0);
        if self.seen.is_some_and(|s| s.1 != view.0) {
            // A new filter starts at the top.
            self.selected = 0;
        } else if let Some(k) = keep
            && let Some(i) = self.rows.iter().position(|r| r.key == k)
        {
            self.selected = i;
        }
        clamp(&mut self.selected, self.rows.len());
        self.seen = Some((rev, view.0, view.1, view.2));
    }

    fn subject(&self) -> Option<Subject> {
        let r = self.rows.get(self.selected)?;
        Some(Subject::new(SubjectKind::Pod, &r.key.0, &r.key.1))
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        match action {
            Action::SortName => self.set_sort(Sort::Name),
            Action::SortAge => self.set_sort(Sort::Age),
            Action::SortStatus => self.set_sort(Sort::Status),
            Action::SortRestarts => self.set_sort(Sort::Restarts),
            Action::Logs => {
                return match self.rows.get(self.selected) {
                    Some(r) => Reply::Open(Box::new(LogsPane::new(
                        LogTarget::Pod {
                            ns: r.key.0.clone(),
                            pod: r.key.1.clone(),
                            pick: Pick::All,
                        },
                        cx.logs,
                    ))),
                    None => Reply::Done,
                };
            }
            Action::Select => {
                return match self.rows.get(self.selected) {
                    Some(r) => Reply::Open(Box::new(ContainersPane::new(
                        r.key.0.clone(),
                        r.key.1.clone(),
                        None,
                    ))),
                    None => Reply::Done,
                };
            }
            _ => return list_keys(&mut self.selected, self.rows.len(), action, cx),
        }
        Reply::Done
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::Help,
            Action::Select,
            Action::Logs,
            Action::Doctor,
            Action::Filter,
            Action::Command,
            Action::Namespaces,
            Action::SortStatus,
            Action::Workflows,
            Action::Quit,
        ]
    }

    crate::filtered_pane!();
}
