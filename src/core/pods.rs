//! Rows of the pods pane, computed once per change (not per frame) and sorted.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;

use super::filter::Filter;
use super::pod_status::{Health, health, summarize};
use super::text::Safe;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Name,
    Age,
    Status,
    Restarts,
}

impl Sort {
    pub fn label(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::Age => "age",
            Sort::Status => "status",
            Sort::Restarts => "restarts",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodRow {
    /// (namespace, name) as the API spells them: for lookups, never drawn.
    pub key: (String, String),
    pub namespace: Safe,
    pub name: Safe,
    pub ready: String,
    pub status: Safe,
    pub restarts: i32,
    pub last_restart: Option<Timestamp>,
    pub created: Option<Timestamp>,
    pub ip: Safe,
    pub node: Safe,
    pub health: Health,
}

impl PodRow {
    /// The text `/` matches: every column but the ages, as the row shows them.
    pub fn filter_text(&self) -> String {
        format!(
            "{}/{} {} {} {} {} {}",
            self.namespace, self.name, self.ready, self.status, self.restarts, self.ip, self.node
        )
    }
}

/// What the app keeps per pod: its row (computed once per change, not per frame or per sort),
/// its labels for `-l` filters, and the object as compact JSON for panes that need all of it.
/// A parsed k8s-openapi Pod costs ~11 KB; this costs ~2.5 KB, which is what keeps 10,000 pods
/// within the memory budget.
#[derive(Clone, Debug, PartialEq)]
pub struct PodEntry {
    /// Shared with the panes' row lists, so 10,000 pods are not held twice.
    pub row: Arc<PodRow>,
    pub labels: BTreeMap<String, String>,
    pub json: Box<str>,
}

impl PodEntry {
    pub fn new(pod: &Pod) -> PodEntry {
        PodEntry {
            row: Arc::new(row(pod)),
            labels: pod.metadata.labels.clone().unwrap_or_default(),
            json: serde_json::to_string(pod)
                .unwrap_or_default()
                .into_boxed_str(),
        }
    }

    /// The full object, parsed on demand.
    pub fn pod(&self) -> Option<Pod> {
        serde_json::from_str(&self.json).ok()
    }

    pub fn key(&self) -> (String, String) {
        self.row.key.clone()
    }

    /// Does this pod pass `filter` (regex over the whole row, or labels)?
    pub fn passes(&self, filter: &Filter) -> bool {
        match filter {
            Filter::None => true,
            Filter::Labels(_) => filter.matches("", Some(&self.labels)),
            Filter::Regex { .. } => filter.matches(&self.row.filter_text(), None),
        }
    }
}

impl From<Pod> for PodEntry {
    fn from(pod: Pod) -> PodEntry {
        PodEntry::new(&pod)
    }
}

impl From<Pod> for Box<PodEntry> {
    fn from(pod: Pod) -> Box<PodEntry> {
        Box::new(PodEntry::new(&pod))
    }
}

pub fn row(pod: &Pod) -> PodRow {
    let p = summarize(pod);
    let h = health(&p.reason, pod);
    let status = pod.status.as_ref();
    let namespace = pod.metadata.namespace.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    PodRow {
        namespace: Safe::new(&namespace),
        name: Safe::new(&name),
        key: (namespace, name),
        ready: format!("{}/{}", p.ready, p.total),
        status: Safe::from_string(p.reason),
        restarts: p.restarts,
        last_restart: p.last_restart,
        created: pod.metadata.creation_timestamp.as_ref().map(|t| t.0),
        ip: Safe::new(status.and_then(|s| s.pod_ip.as_deref()).unwrap_or("")),
        node: Safe::new(
            pod.spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .unwrap_or(""),
        ),
        health: h,
    }
}

/// Problems first when sorting by status.
fn severity(h: Health) -> u8 {
    match h {
        Health::Failed => 0,
        Health::Warn => 1,
        Health::Pending => 2,
        Health::Ok => 3,
        Health::Completed => 4,
    }
}

/// The order of the pods pane: a total order (ties broken by namespace and name), so a row
/// can be put in its place with a binary search instead of re-sorting everything.
pub fn compare(sort: Sort, reverse: bool, a: &PodRow, b: &PodRow) -> Ordering {
    let by = match sort {
        Sort::Name => Ordering::Equal,
        Sort::Age => b.created.cmp(&a.created),
        Sort::Status => severity(a.health)
            .cmp(&severity(b.health))
            .then_with(|| a.status.cmp(&b.status)),
        Sort::Restarts => b.restarts.cmp(&a.restarts),
    };
    let o = by.then_with(|| a.key.cmp(&b.key));
    if reverse { o.reverse() } else { o }
}

/// Filtered, sorted rows of every pod that `keep` accepts.
pub fn rows<'a>(
    pods: impl Iterator<Item = &'a PodEntry>,
    filter: &Filter,
    sort: Sort,
    reverse: bool,
) -> Vec<Arc<PodRow>> {
    let mut out: Vec<Arc<PodRow>> = pods
        .filter(|e| e.passes(filter))
        .map(|e| e.row.clone())
        .collect();
    out.sort_by(|a, b| compare(sort, reverse, a, b));
    out
}

pub fn health_key(h: Health) -> &'static str {
    match h {
        Health::Ok => "ok",
        Health::Pending => "pending",
        Health::Warn => "warn",
        Health::Failed => "failed",
        Health::Completed => "completed",
    }
}

/// Pod counts by health for the header.
pub fn counts<'a>(rows: impl Iterator<Item = &'a PodRow>) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for r in rows {
        *m.entry(health_key(r.health)).or_insert(0) += 1;
    }
    m
}
