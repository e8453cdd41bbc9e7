//! Rows of the pods pane, computed once per change (not per frame) and sorted.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;

use super::filter::Filter;
use super::pod_status::{Health, health, summarize};

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
    pub namespace: String,
    pub name: String,
    pub ready: String,
    pub status: String,
    pub restarts: i32,
    pub last_restart: Option<Timestamp>,
    pub created: Option<Timestamp>,
    pub ip: String,
    pub node: String,
    pub health: Health,
}

/// What the app keeps per pod: its row (computed once per change, not per frame or per sort),
/// its labels for `-l` filters, and the object as compact JSON for panes that need all of it.
/// A parsed k8s-openapi Pod costs ~11 KB; this costs ~2.5 KB, which is what keeps 10,000 pods
/// within the memory budget.
#[derive(Clone, Debug, PartialEq)]
pub struct PodEntry {
    pub row: PodRow,
    pub labels: BTreeMap<String, String>,
    pub json: Box<str>,
}

impl PodEntry {
    pub fn new(pod: &Pod) -> PodEntry {
        PodEntry {
            row: row(pod),
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
        (self.row.namespace.clone(), self.row.name.clone())
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
    PodRow {
        namespace: pod.metadata.namespace.clone().unwrap_or_default(),
        name: pod.metadata.name.clone().unwrap_or_default(),
        ready: format!("{}/{}", p.ready, p.total),
        status: p.reason,
        restarts: p.restarts,
        last_restart: p.last_restart,
        created: pod.metadata.creation_timestamp.as_ref().map(|t| t.0),
        ip: status.and_then(|s| s.pod_ip.clone()).unwrap_or_default(),
        node: pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default(),
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

/// Filtered, sorted rows of every pod.
pub fn rows(
    pods: &BTreeMap<(String, String), PodEntry>,
    filter: &Filter,
    sort: Sort,
) -> Vec<PodRow> {
    let mut out: Vec<PodRow> = pods
        .values()
        .filter(|e| match filter {
            Filter::None => true,
            Filter::Labels(_) => filter.matches(&e.row.name, Some(&e.labels)),
            // Match namespace/name, so "argowf/" narrows by namespace too.
            Filter::Regex { .. } => {
                filter.matches(&format!("{}/{}", e.row.namespace, e.row.name), None)
            }
        })
        .map(|e| e.row.clone())
        .collect();
    match sort {
        Sort::Name => {} // map order: namespace, then name
        Sort::Age => {
            out.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.name.cmp(&b.name)))
        }
        Sort::Status => out.sort_by(|a, b| {
            severity(a.health)
                .cmp(&severity(b.health))
                .then_with(|| a.status.cmp(&b.status))
                .then_with(|| a.name.cmp(&b.name))
        }),
        Sort::Restarts => out.sort_by(|a, b| {
            b.restarts
                .cmp(&a.restarts)
                .then_with(|| a.name.cmp(&b.name))
        }),
    }
    out
}

/// Pod counts by health for the status line.
pub fn counts(rows: &[PodRow]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for r in rows {
        let k = match r.health {
            Health::Ok => "ok",
            Health::Pending => "pending",
            Health::Warn => "warn",
            Health::Failed => "failed",
            Health::Completed => "completed",
        };
        *m.entry(k).or_insert(0) += 1;
    }
    m
}
