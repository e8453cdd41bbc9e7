//! The cluster cache: what the watches told us, and nothing about how it is shown. Only
//! cluster messages change it. Every kind has a revision that moves on each change, so a pane
//! knows whether to rebuild by comparing the revision it last saw.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use k8s_openapi::api::core::v1::Endpoints;
use serde_json::Value;

use super::cluster_event::{ClusterEvent, Conn};
use super::forward::{ForwardEvent, ForwardRequest, ForwardState, HttpAnswer, HttpCheck};
use super::pods::{PodEntry, PodRow, counts, health_key};
use super::services::ServiceEntry;
use super::state::Scope;
use super::text::Safe;
use super::workflows::{WfKey, WfKind};

pub type Key = (String, String);

/// Whether the cluster serves a workflow kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrdState {
    Unknown,
    Installed,
    NotInstalled,
    Error(String),
}

/// How many single-pod changes are remembered for panes that update rows in place; a pane
/// further behind than this rebuilds everything.
const CHANGE_LOG: usize = 4096;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Revs {
    pub pods: u64,
    pub namespaces: u64,
    pub services: u64,
    pub endpoints: u64,
    pub workflows: u64,
    pub conn: u64,
    pub forwards: u64,
}

pub struct Cache {
    pub context: Safe,
    pub cluster: Safe,
    /// Raw context names, as the kubeconfig spells them (for switching).
    pub contexts: Vec<String>,
    pub scope: Scope,
    /// The id of the `Watch` effect whose events fill this cache; older ones are dropped.
    pub watch: u64,
    pub conn: Conn,
    /// How long API requests take while they are slow (see `ClusterEvent::Slow`).
    pub slow: Option<std::time::Duration>,
    pub pods: BTreeMap<Key, PodEntry>,
    /// The API's message when the pods watch fails (e.g. 403).
    pub pods_error: Option<String>,
    pub namespaces: BTreeSet<String>,
    /// Whether the namespaces have been listed at least once (so "does not exist" is known).
    pub namespaces_listed: bool,
    pub services: BTreeMap<Key, ServiceEntry>,
    pub services_error: Option<String>,
    pub endpoints: BTreeMap<Key, Endpoints>,
    pub workflows: BTreeMap<WfKey, Value>,
    pub taskruns: BTreeMap<Key, Value>,
    pub taskruns_error: Option<String>,
    pub crds: BTreeMap<WfKind, CrdState>,
    /// What discovery found (the `:KIND` words); empty until it answers.
    pub kinds: super::kinds::Kinds,
    pub revs: Revs,
    /// The port-forwards kdoc runs, by the id of their `Forward` effect. They outlive the
    /// panes that started them and a namespace switch; they end when kdoc exits.
    pub forwards: BTreeMap<u64, ForwardEntry>,
    /// Pods per health ("ok", "failed", ...), kept as pods come and go (the header's counts).
    health: BTreeMap<&'static str, usize>,
    /// (revision, pod) for each single-pod change, newest last.
    pod_changes: VecDeque<(u64, Key)>,
}

impl Cache {
    pub fn set_kinds(&mut self, kinds: super::kinds::Kinds) {
        self.kinds = kinds;
    }

    pub fn new(context: &str, cluster: &str, contexts: Vec<String>, scope: Scope) -> Cache {
        Cache {
            context: Safe::new(context),
            cluster: Safe::new(cluster),
            contexts,
            scope,
            watch: 0,
            conn: Conn::Connecting,
            slow: None,
            pods: BTreeMap::new(),
            pods_error: None,
            namespaces: BTreeSet::new(),
            namespaces_listed: false,
            services: BTreeMap::new(),
            services_error: None,
            endpoints: BTreeMap::new(),
            workflows: BTreeMap::new(),
            taskruns: BTreeMap::new(),
            taskruns_error: None,
            crds: [
                (WfKind::Argo, CrdState::Unknown),
                (WfKind::Tekton, CrdState::Unknown),
            ]
            .into_iter()
            .collect(),
            kinds: Default::default(),
            revs: Revs::default(),
            forwards: BTreeMap::new(),
            health: BTreeMap::new(),
            pod_changes: VecDeque::new(),
        }
    }

    /// Forget everything scoped and expect the events of watch `id` from now on.
    pub fn reset(&mut self, scope: Scope, id: u64) {
        self.scope = scope;
        self.watch = id;
        self.pods.clear();
        self.health.clear();
        self.pods_error = None;
        self.services.clear();
        self.services_error = None;
        self.endpoints.clear();
        self.workflows.clear();
        self.taskruns.clear();
        self.taskruns_error = None;
        self.conn = Conn::Connecting;
        self.slow = None;
        self.pod_changes.clear();
        let r = &mut self.revs;
        r.pods += 1;
        r.services += 1;
        r.endpoints += 1;
        r.workflows += 1;
        r.conn += 1;
    }

    /// Pods changed since revision `since`, one by one, if the log still covers them all.
    pub fn pod_changes_since(&self, since: u64) -> Option<Vec<&Key>> {
        if since == self.revs.pods {
            return Some(vec![]);
        }
        let first = self.pod_changes.front()?.0;
        // Every revision after `since` must be in the log, in order.
        if first > since + 1 || self.pod_changes.back()?.0 != self.revs.pods {
            return None;
        }
        Some(
            self.pod_changes
                .iter()
                .filter(|(r, _)| *r > since)
                .map(|(_, k)| k)
                .collect(),
        )
    }

    fn pod_changed(&mut self, key: Key) {
        self.revs.pods += 1;
        self.pod_changes.push_back((self.revs.pods, key));
        if self.pod_changes.len() > CHANGE_LOG {
            self.pod_changes.pop_front();
        }
    }

    fn pods_replaced(&mut self) {
        self.revs.pods += 1;
        // A full change: the log no longer explains the revision.
        self.pod_changes.clear();
    }

    /// Does the namespace in scope exist, as far as the cluster has told us?
    pub fn scope_missing(&self) -> Option<&str> {
        match &self.scope {
            Scope::Namespace(ns) if self.namespaces_listed && !self.namespaces.contains(ns) => {
                Some(ns)
            }
            _ => None,
        }
    }

    pub fn apply(&mut self, ev: ClusterEvent) {
        match ev {
            ClusterEvent::PodsReset(pods) => {
                self.pods = pods.into_iter().map(|p| (p.key(), p)).collect();
                self.health = counts(self.pods.values().map(|p| &*p.row));
                self.pods_error = None;
                self.set_conn(Conn::Connected);
                self.pods_replaced();
            }
            ClusterEvent::PodApplied(p) => {
                let key = p.key();
                self.count(&p.row, true);
                if let Some(old) = self.pods.insert(key.clone(), *p) {
                    self.count(&old.row, false);
                }
                self.pod_changed(key);
            }
            ClusterEvent::PodDeleted(ns, name) => {
                let key = (ns, name);
                if let Some(old) = self.pods.remove(&key) {
                    self.count(&old.row, false);
                    self.pod_changed(key);
                }
            }
            ClusterEvent::PodsError(e) => {
                // What we listed before may no longer be true (or visible to us): show none.
                self.pods.clear();
                self.health.clear();
                self.pods_error = Some(e);
                self.pods_replaced();
            }
            ClusterEvent::NamespacesReset(ns) => {
                self.namespaces = ns.into_iter().collect();
                self.namespaces_listed = true;
                self.revs.namespaces += 1;
            }
            ClusterEvent::NamespaceApplied(n) => {
                self.namespaces.insert(n);
                self.revs.namespaces += 1;
            }
            ClusterEvent::NamespaceDeleted(n) => {
                self.namespaces.remove(&n);
                self.revs.namespaces += 1;
            }
            ClusterEvent::ServicesReset(list) => {
                self.services = list.into_iter().map(|s| (s.key(), s)).collect();
                self.services_error = None;
                self.revs.services += 1;
            }
            ClusterEvent::ServiceApplied(s) => {
                self.services.insert(s.key(), *s);
                self.revs.services += 1;
            }
            ClusterEvent::ServiceDeleted(ns, name) => {
                self.services.remove(&(ns, name));
                self.revs.services += 1;
            }
            ClusterEvent::ServicesError(e) => {
                self.services.clear();
                self.services_error = Some(e);
                self.revs.services += 1;
            }
            ClusterEvent::EndpointsReset(list) => {
                self.endpoints = list
                    .into_iter()
                    .map(|e| (meta_key(&e.metadata), e))
                    .collect();
                self.revs.endpoints += 1;
            }
            ClusterEvent::EndpointsApplied(e) => {
                self.endpoints.insert(meta_key(&e.metadata), *e);
                self.revs.endpoints += 1;
            }
            ClusterEvent::EndpointsDeleted(ns, name) => {
                self.endpoints.remove(&(ns, name));
                self.revs.endpoints += 1;
            }
            ClusterEvent::WorkflowsReset(kind, list) => {
                self.workflows.retain(|k, _| k.0 != kind);
                for v in list {
                    self.workflows.insert(wf_key(kind, &v), v);
                }
                self.crds.insert(kind, CrdState::Installed);
                self.revs.workflows += 1;
            }
            ClusterEvent::WorkflowApplied(kind, v) => {
                self.workflows.insert(wf_key(kind, &v), *v);
                self.revs.workflows += 1;
            }
            ClusterEvent::WorkflowDeleted(kind, ns, name) => {
                self.workflows.remove(&(kind, ns, name));
                self.revs.workflows += 1;
            }
            ClusterEvent::CrdMissing(kind) => {
                self.workflows.retain(|k, _| k.0 != kind);
                self.crds.insert(kind, CrdState::NotInstalled);
                self.revs.workflows += 1;
            }
            ClusterEvent::WorkflowsError(kind, e) => {
                self.crds.insert(kind, CrdState::Error(e));
                self.revs.workflows += 1;
            }
            ClusterEvent::TaskRunsReset(list) => {
                self.taskruns = list.into_iter().map(|v| (obj_key(&v), v)).collect();
                self.taskruns_error = None;
                self.revs.workflows += 1;
            }
            ClusterEvent::TaskRunApplied(v) => {
                self.taskruns.insert(obj_key(&v), *v);
                self.revs.workflows += 1;
            }
            ClusterEvent::TaskRunDeleted(ns, name) => {
                self.taskruns.remove(&(ns, name));
                self.revs.workflows += 1;
            }
            ClusterEvent::TaskRunsError(e) => {
                self.taskruns_error = Some(e);
                self.revs.workflows += 1;
            }
            ClusterEvent::Conn(c) => {
                if c == Conn::Connected && self.pods_error.is_some() {
                    self.pods_error = None;
                    self.pods_replaced();
                }
                self.set_conn(c);
            }
            ClusterEvent::Slow(d) => {
                if self.slow != d {
                    self.slow = d;
                    self.revs.conn += 1;
                }
            }
        }
    }

    fn count(&mut self, row: &PodRow, add: bool) {
        let n = self.health.entry(health_key(row.health)).or_insert(0);
        if add {
            *n += 1;
        } else {
            *n = n.saturating_sub(1);
        }
    }

    /// Pods in scope per health: "ok", "pending", "warn", "failed", "completed".
    pub fn health_counts(&self) -> BTreeMap<&'static str, usize> {
        self.health
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (*k, *n))
            .collect()
    }

    fn set_conn(&mut self, c: Conn) {
        if self.conn != c {
            self.conn = c;
            self.revs.conn += 1;
        }
    }

    /// The object behind a workflows-view key: a Workflow or PipelineRun, or a standalone
    /// TaskRun (kept with the other TaskRuns).
    pub fn workflow(&self, key: &WfKey) -> Option<&Value> {
        match key.0 {
            WfKind::TaskRun => self.taskruns.get(&(key.1.clone(), key.2.clone())),
            _ => self.workflows.get(key),
        }
    }

    /// Pods of one namespace, parsed, for the panes that need whole objects.
    pub fn pods_in(&self, ns: &str) -> impl Iterator<Item = (&Key, &PodEntry)> {
        self.pods
            .range((ns.to_string(), String::new())..)
            .take_while(move |((n, _), _)| n == ns)
    }
}

fn meta_key(m: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> Key {
    (
        m.namespace.clone().unwrap_or_default(),
        m.name.clone().unwrap_or_default(),
    )
}

pub fn obj_key(v: &Value) -> Key {
    let m = &v["metadata"];
    (
        m["namespace"].as_str().unwrap_or("").to_string(),
        m["name"].as_str().unwrap_or("").to_string(),
    )
}

fn wf_key(kind: WfKind, v: &Value) -> WfKey {
    let (ns, name) = obj_key(v);
    (kind, ns, name)
}

/// One port-forward as the forwards pane shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardEntry {
    pub request: ForwardRequest,
    pub state: ForwardState,
    /// `127.0.0.1:8000` once bound.
    pub local: Option<String>,
    pub remote: Option<u16>,
    pub open: usize,
    pub total: u64,
    pub bytes_out: u64,
    pub bytes_in: u64,
    pub started: jiff::Timestamp,
    /// The last HTTP check: its method and path, and what it got (or why it failed).
    pub check: Option<(String, Result<HttpAnswer, String>)>,
    /// The request `c` sends (a profile's), instead of `GET /`.
    pub request_check: Option<HttpCheck>,
}

impl ForwardEntry {
    pub fn new(request: ForwardRequest, started: jiff::Timestamp) -> ForwardEntry {
        ForwardEntry {
            request,
            state: ForwardState::Starting,
            local: None,
            remote: None,
            open: 0,
            total: 0,
            bytes_out: 0,
            bytes_in: 0,
            started,
            check: None,
            request_check: None,
        }
    }

    /// `http://127.0.0.1:8000` once bound (a wildcard bind is reached on loopback).
    pub fn url(&self) -> Option<String> {
        let l = self.local.as_ref()?;
        let l = l.replace("0.0.0.0:", "127.0.0.1:");
        Some(format!("http://{l}"))
    }
}

impl Cache {
    /// A report of forward `id`; reports of a forward no longer listed are stale.
    pub fn forward_event(&mut self, id: u64, event: ForwardEvent) {
        let Some(f) = self.forwards.get_mut(&id) else {
            return;
        };
        match event {
            ForwardEvent::Listening { local, remote } => {
                f.local = Some(local);
                f.remote = Some(remote);
            }
            ForwardEvent::State(s) => f.state = s,
            ForwardEvent::Traffic {
                open,
                total,
                bytes_out,
                bytes_in,
            } => {
                f.open = open;
                f.total = total;
                f.bytes_out = bytes_out;
                f.bytes_in = bytes_in;
            }
        }
        self.revs.forwards += 1;
    }
}
