//! The simulator's object store: objects per resource, one global resourceVersion, a bounded
//! event history per resource for watches that resume, and a broadcast for live watchers.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::crd;
use super::endpoint_slices;
use super::endpoints;
use super::resources::{ResourceType, builtin};

/// (namespace, name); the namespace is empty for cluster-scoped objects.
pub type ObjKey = (String, String);

/// Events kept per resource for resuming watches; older resourceVersions get a 410.
const HISTORY_CAP: usize = 20_000;
/// Live events buffered per resource; a watcher that falls further behind gets a 410 and relists.
const BROADCAST_CAP: usize = 16_384;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// An object as stored: the parsed value (for selectors, tables) and its JSON (for bodies).
#[derive(Debug, Clone)]
pub struct Stored {
    pub value: Arc<Value>,
    pub json: Bytes,
}

impl Stored {
    fn new(value: Value) -> Self {
        let json = Bytes::from(serde_json::to_vec(&value).unwrap_or_default());
        Stored {
            value: Arc::new(value),
            json,
        }
    }
}

#[derive(Debug)]
pub struct WatchEvent {
    pub rv: u64,
    pub kind: EventType,
    pub object: Stored,
    /// The object before this change, so selector watches can turn a change into ADDED/DELETED.
    pub prev: Option<Arc<Value>>,
}

struct Collection {
    rt: ResourceType,
    objects: BTreeMap<ObjKey, Stored>,
    history: VecDeque<Arc<WatchEvent>>,
    /// Watches from a resourceVersion below this were compacted away.
    floor: u64,
    tx: broadcast::Sender<Arc<WatchEvent>>,
}

struct Inner {
    rv: u64,
    uid_seq: u64,
    collections: Vec<Collection>,
    /// Endpoints written from outside (loaded from files, a scenario's own): served as given,
    /// never recomputed, so a captured cluster's port mismatches stay visible.
    given_endpoints: std::collections::HashSet<ObjKey>,
    /// Services (namespace, name) whose EndpointSlices were written from outside: never derived.
    given_slices: std::collections::HashSet<ObjKey>,
}

pub struct Store {
    inner: Mutex<Inner>,
}

/// Where a watch starts.
pub enum Since {
    /// No resourceVersion, or "0": synthetic ADDED for every current object, then live events.
    Now,
    /// Events after this resourceVersion.
    Rv(u64),
}

pub struct Subscription {
    pub initial: Vec<Arc<WatchEvent>>,
    pub rx: broadcast::Receiver<Arc<WatchEvent>>,
    pub rv: u64,
}

pub struct TooOld {
    pub requested: u64,
    pub oldest: u64,
}

pub struct ListPage {
    pub items: Vec<Stored>,
    pub rv: u64,
    /// Key of the last item returned, when more remain.
    pub next: Option<ObjKey>,
    pub remaining: usize,
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

impl Store {
    pub fn new() -> Self {
        let collections = builtin().into_iter().map(Collection::new).collect();
        let store = Store {
            inner: Mutex::new(Inner {
                rv: 1,
                uid_seq: 0,
                collections,
                given_endpoints: Default::default(),
                given_slices: Default::default(),
            }),
        };
        store.builtin_crds();
        store
    }

    /// The CRD objects behind the custom kinds every simulator serves, so `kubectl get crd`
    /// agrees with discovery. Written directly: the simulator prints these kinds' tables itself.
    fn builtin_crds(&self) {
        let mut inner = self.lock();
        let Some(idx) = inner.find_kind(crd::API_VERSION, crd::KIND) else {
            return;
        };
        let created = super::time::rfc3339(super::time::offset(
            jiff::Timestamp::now(),
            -super::scenario::build::CLUSTER_AGE,
        ));
        let crds: Vec<Value> = inner
            .collections
            .iter()
            .filter_map(|c| {
                let cols = crd::builtin_columns(&c.rt.group, &c.rt.kind)?;
                Some(crd::object_for(&c.rt, &cols, &created))
            })
            .collect();
        for v in crds {
            inner.write(idx, v);
        }
    }

    /// Serve a kind (or update how it is served, keeping its objects): a CRD's version, or a
    /// kind a test or benchmark adds. Returns its index.
    pub fn register(&self, rt: ResourceType) -> usize {
        self.lock().register(rt)
    }

    /// Create an object, as a POST does: an error if one of that name exists, or if its
    /// namespace does not. Returns what was stored (with uid, resourceVersion, creation time).
    pub fn create(&self, idx: usize, mut value: Value) -> Result<Stored, CreateError> {
        let mut inner = self.lock();
        let Some(c) = inner.collections.get(idx) else {
            return Err(CreateError::NoKind);
        };
        let namespaced = c.rt.namespaced;
        let ns = str_at(&value, &["metadata", "namespace"]).to_string();
        let name = str_at(&value, &["metadata", "name"]).to_string();
        if !namespaced && let Some(m) = value["metadata"].as_object_mut() {
            m.remove("namespace");
        }
        let key = if namespaced {
            (ns.clone(), name.clone())
        } else {
            (String::new(), name.clone())
        };
        if c.objects.contains_key(&key) {
            return Err(CreateError::Exists(name));
        }
        if namespaced {
            let ns_idx = inner.find_kind("v1", "Namespace");
            let exists = ns_idx.is_some_and(|i| {
                inner.collections[i]
                    .objects
                    .contains_key(&(String::new(), ns.clone()))
            });
            if !exists {
                return Err(CreateError::NoNamespace(ns));
            }
        }
        let is_crd = inner.collections[idx].rt.api_version() == crd::API_VERSION
            && inner.collections[idx].rt.kind == crd::KIND;
        let kinds = if is_crd {
            let problems = crd::problems(&value);
            if !problems.is_empty() {
                return Err(CreateError::Invalid(problems));
            }
            crd::accept(&mut value, jiff::Timestamp::now());
            Some(crd::resources(&value).unwrap_or_default())
        } else {
            None
        };
        if let Some(m) = value["metadata"].as_object_mut() {
            m.remove("uid");
            m.remove("creationTimestamp");
            m.remove("resourceVersion");
        }
        inner.write(idx, value);
        let stored = inner.collections[idx].objects.get(&key).cloned();
        for rt in kinds.into_iter().flatten() {
            inner.register(rt);
        }
        stored.ok_or(CreateError::NoKind)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-written map behind (every write
        // is a single insert), so a poisoned lock is still safe to use.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    pub fn resources(&self) -> Vec<ResourceType> {
        self.lock()
            .collections
            .iter()
            .map(|c| c.rt.clone())
            .collect()
    }

    pub fn resource(&self, idx: usize) -> Option<ResourceType> {
        self.lock().collections.get(idx).map(|c| c.rt.clone())
    }

    /// Resource index by group, version and plural (as in a URL).
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<usize> {
        let inner = self.lock();
        inner
            .collections
            .iter()
            .position(|c| c.rt.group == group && c.rt.version == version && c.rt.plural == plural)
    }

    /// Resource index by apiVersion and kind (as in an object).
    pub fn find_kind(&self, api_version: &str, kind: &str) -> Option<usize> {
        self.lock().find_kind(api_version, kind)
    }

    /// Insert or replace an object; returns its new resourceVersion. Unknown kinds are registered
    /// on the fly, and a namespace that does not exist yet is created, so captured objects load.
    pub fn upsert(&self, mut value: Value) -> Result<u64, String> {
        let api_version = str_at(&value, &["apiVersion"]).to_string();
        let kind = str_at(&value, &["kind"]).to_string();
        if api_version.is_empty() || kind.is_empty() {
            return Err("object has no apiVersion or kind".into());
        }
        if str_at(&value, &["metadata", "name"]).is_empty() {
            return Err(format!("{kind} has no metadata.name"));
        }
        let kinds = if api_version == crd::API_VERSION && kind == crd::KIND {
            // Validated before `accept` writes into it: a loaded file may hold anything.
            let kinds = crd::resources(&value)?;
            if value["status"]["acceptedNames"].is_null() {
                crd::accept(&mut value, jiff::Timestamp::now());
            }
            kinds
        } else {
            vec![]
        };
        let mut inner = self.lock();
        for rt in kinds {
            inner.register(rt);
        }
        let has_ns = !str_at(&value, &["metadata", "namespace"]).is_empty();
        let idx = match inner.find_kind(&api_version, &kind) {
            Some(i) => i,
            None => {
                inner
                    .collections
                    .push(Collection::new(ResourceType::guessed(
                        &api_version,
                        &kind,
                        has_ns,
                    )));
                inner.collections.len() - 1
            }
        };
        let namespaced = inner.collections[idx].rt.namespaced;
        let meta = value
            .as_object_mut()
            .and_then(|o| {
                o.entry("metadata").or_insert_with(|| json!({}));
                o.get_mut("metadata")
            })
            .and_then(Value::as_object_mut)
            .ok_or("metadata is not an object")?;
        if namespaced && !has_ns {
            meta.insert("namespace".into(), json!("default"));
        }
        if !namespaced {
            meta.remove("namespace");
        }
        let ns = meta
            .get("namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !ns.is_empty() {
            // A namespace made up for a loaded object is older than it, as on the cluster.
            let created = str_at(&value, &["metadata", "creationTimestamp"])
                .parse::<jiff::Timestamp>()
                .ok()
                .map(|t| super::time::offset(t, -60));
            inner.ensure_namespace(&ns, created);
        }
        if api_version == "v1" && kind == "Endpoints" {
            let name = str_at(&value, &["metadata", "name"]).to_string();
            inner.given_endpoints.insert((ns.clone(), name));
        }
        if api_version == "discovery.k8s.io/v1" && kind == "EndpointSlice" {
            let svc = value["metadata"]["labels"][endpoint_slices::SERVICE_NAME]
                .as_str()
                .unwrap_or("")
                .to_string();
            inner.given_slices.insert((ns, svc));
        }
        inner.write(idx, value);
        Ok(inner.rv)
    }

    pub fn get(&self, idx: usize, ns: &str, name: &str) -> Option<Stored> {
        let inner = self.lock();
        inner
            .collections
            .get(idx)?
            .objects
            .get(&(ns.to_string(), name.to_string()))
            .cloned()
    }

    /// Change an object in place (the timeline's edits); false if it does not exist.
    pub fn update(&self, idx: usize, ns: &str, name: &str, f: impl FnOnce(&mut Value)) -> bool {
        let mut inner = self.lock();
        let key = (ns.to_string(), name.to_string());
        let Some(old) = inner.collections.get(idx).and_then(|c| c.objects.get(&key)) else {
            return false;
        };
        let mut value = (*old.value).clone();
        f(&mut value);
        inner.write(idx, value);
        true
    }

    pub fn delete(&self, idx: usize, ns: &str, name: &str) -> bool {
        let mut inner = self.lock();
        if idx >= inner.collections.len() {
            return false;
        }
        let Some(old) = inner.remove(idx, ns, name) else {
            return false;
        };
        inner.after_change(idx, ns, Some(&old), None);
        true
    }

    /// A page of objects, in (namespace, name) order, after `after`.
    /// `selected`: a selector narrows the list, so, like the apiserver, the page says there is
    /// more but not how much (counting would mean filtering the rest of the collection on every
    /// page: quadratic over 100,000 events). Without one, `remaining` counts the rest.
    pub fn list(
        &self,
        idx: usize,
        ns: Option<&str>,
        filter: &dyn Fn(&Value) -> bool,
        selected: bool,
        after: Option<&ObjKey>,
        limit: Option<usize>,
    ) -> ListPage {
        let inner = self.lock();
        let rv = inner.rv;
        let Some(c) = inner.collections.get(idx) else {
            return ListPage {
                items: vec![],
                rv,
                next: None,
                remaining: 0,
            };
        };
        let range: Box<dyn Iterator<Item = (&ObjKey, &Stored)>> = match (after, ns) {
            (Some(k), _) => Box::new(
                c.objects
                    .range::<ObjKey, _>((std::ops::Bound::Excluded(k), std::ops::Bound::Unbounded)),
            ),
            (None, Some(ns)) => Box::new(
                c.objects
                    .range::<ObjKey, _>((ns.to_string(), String::new())..),
            ),
            (None, None) => Box::new(c.objects.iter()),
        };
        let in_ns = |key: &ObjKey| ns.is_none_or(|ns| key.0 == ns);
        let mut range = range.take_while(|(key, _)| ns.is_none_or(|ns| key.0.as_str() <= ns));
        let mut items = vec![];
        let mut next = None;
        let mut more = false;
        let mut remaining = 0;
        for (key, obj) in range.by_ref() {
            if !in_ns(key) || !filter(&obj.value) {
                continue;
            }
            if limit.is_some_and(|l| items.len() >= l) {
                more = true;
                remaining = 1;
                break;
            }
            items.push(obj.clone());
            next = Some(key.clone());
        }
        if !more {
            next = None;
        } else if selected {
            remaining = 0;
        } else {
            remaining += range.filter(|(key, _)| in_ns(key)).count();
        }
        ListPage {
            items,
            rv,
            next,
            remaining,
        }
    }

    /// Start a watch: the events it must replay first, and a receiver for live ones.
    pub fn subscribe(&self, idx: usize, since: Since) -> Result<Subscription, TooOld> {
        let inner = self.lock();
        let rv = inner.rv;
        let Some(c) = inner.collections.get(idx) else {
            return Err(TooOld {
                requested: 0,
                oldest: rv,
            });
        };
        let initial = match since {
            Since::Now => c
                .objects
                .values()
                .map(|o| {
                    Arc::new(WatchEvent {
                        rv: o_rv(&o.value),
                        kind: EventType::Added,
                        object: o.clone(),
                        prev: None,
                    })
                })
                .collect(),
            Since::Rv(from) => {
                if from < c.floor {
                    return Err(TooOld {
                        requested: from,
                        oldest: c.floor + 1,
                    });
                }
                let start = c.history.partition_point(|e| e.rv <= from);
                c.history.iter().skip(start).cloned().collect()
            }
        };
        Ok(Subscription {
            initial,
            rx: c.tx.subscribe(),
            rv,
        })
    }

    /// Compact, as etcd does: history is forgotten and every resourceVersion handed out so far
    /// becomes too old to watch from (410), so watchers must relist; a fresh list works.
    pub fn compact(&self) {
        let mut inner = self.lock();
        inner.rv += 1;
        let rv = inner.rv;
        for c in &mut inner.collections {
            c.history.clear();
            c.floor = rv;
        }
    }

    /// Stop serving every kind of an API group, as a cluster without those CRDs would (tests of
    /// "not installed" handling). Resource indices found earlier are invalid afterwards.
    pub fn remove_group(&self, group: &str) {
        let mut inner = self.lock();
        inner.collections.retain(|c| c.rt.group != group);
        if let Some(idx) = inner.find_kind(crd::API_VERSION, crd::KIND) {
            let names: Vec<String> = inner.collections[idx]
                .objects
                .iter()
                .filter(|(_, o)| str_at(&o.value, &["spec", "group"]) == group)
                .map(|((_, name), _)| name.clone())
                .collect();
            for name in names {
                inner.remove(idx, "", &name);
            }
        }
    }

    pub fn count(&self, idx: usize) -> usize {
        self.lock()
            .collections
            .get(idx)
            .map_or(0, |c| c.objects.len())
    }
}

impl Collection {
    fn new(rt: ResourceType) -> Self {
        let (tx, _) = broadcast::channel(BROADCAST_CAP);
        Collection {
            rt,
            objects: BTreeMap::new(),
            history: VecDeque::new(),
            floor: 0,
            tx,
        }
    }

    fn publish(&mut self, ev: WatchEvent) {
        let ev = Arc::new(ev);
        if self.history.len() >= HISTORY_CAP
            && let Some(old) = self.history.pop_front()
        {
            self.floor = old.rv;
        }
        self.history.push_back(ev.clone());
        // No receivers is fine: nobody is watching.
        let _ = self.tx.send(ev);
    }
}

/// Why a create was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateError {
    /// An object of that name exists (409 AlreadyExists).
    Exists(String),
    /// The namespace does not exist (404 `namespaces "x" not found`).
    NoNamespace(String),
    /// The object is not valid (422), e.g. a CRD whose name is not `plural.group`: (field,
    /// message) pairs.
    Invalid(Vec<(String, String)>),
    /// The kind is no longer served.
    NoKind,
}

impl Inner {
    fn register(&mut self, rt: ResourceType) -> usize {
        let same = |c: &Collection| {
            c.rt.group == rt.group
                && c.rt.version == rt.version
                && (c.rt.plural == rt.plural || c.rt.kind == rt.kind)
        };
        match self.collections.iter().position(same) {
            Some(i) => {
                self.collections[i].rt = rt;
                i
            }
            None => {
                self.collections.push(Collection::new(rt));
                self.collections.len() - 1
            }
        }
    }

    fn find_kind(&self, api_version: &str, kind: &str) -> Option<usize> {
        self.collections
            .iter()
            .position(|c| c.rt.api_version() == api_version && c.rt.kind == kind)
    }

    fn ensure_namespace(&mut self, ns: &str, created: Option<jiff::Timestamp>) {
        let Some(idx) = self.find_kind("v1", "Namespace") else {
            return;
        };
        if self.collections[idx]
            .objects
            .contains_key(&(String::new(), ns.to_string()))
        {
            return;
        }
        let created = super::time::rfc3339(created.unwrap_or_else(jiff::Timestamp::now));
        let ns_obj = json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}, "creationTimestamp": created},
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        });
        self.write(idx, ns_obj);
    }

    /// Store a new version of an object and tell its watchers.
    fn write(&mut self, idx: usize, mut value: Value) {
        self.rv += 1;
        let rv = self.rv;
        set_rv(&mut value, rv);
        if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
            if meta
                .get("uid")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
            {
                self.uid_seq += 1;
                meta.insert("uid".into(), json!(synthetic_uid(self.uid_seq)));
            }
            if !meta.contains_key("creationTimestamp") {
                meta.insert(
                    "creationTimestamp".into(),
                    json!(super::time::rfc3339(jiff::Timestamp::now())),
                );
            }
        }
        let key = (
            str_at(&value, &["metadata", "namespace"]).to_string(),
            str_at(&value, &["metadata", "name"]).to_string(),
        );
        let c = &mut self.collections[idx];
        let stored = Stored::new(value);
        let prev = c.objects.insert(key.clone(), stored.clone());
        let kind = if prev.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        let prev = prev.map(|p| p.value);
        c.publish(WatchEvent {
            rv,
            kind,
            object: stored.clone(),
            prev: prev.clone(),
        });
        self.after_change(idx, &key.0, prev.as_deref(), Some(&stored.value));
    }

    /// The endpoints controller's part: a pod or service changed in `ns`, so bring the
    /// Endpoints of the services concerned up to date (only writing what differs).
    fn after_change(&mut self, idx: usize, ns: &str, prev: Option<&Value>, now: Option<&Value>) {
        let rt = &self.collections[idx].rt;
        if !rt.group.is_empty() || ns.is_empty() {
            return;
        }
        if rt.kind == "Endpoints" {
            self.mirror_slices(ns, prev, now);
            return;
        }
        let Some(svc_idx) = self.find_kind("v1", "Service") else {
            return;
        };
        let none = Value::Null;
        let services: Vec<Arc<Value>> = match rt.kind.as_str() {
            "Pod" => self
                .in_namespace(svc_idx, ns)
                .filter(|s| {
                    endpoints::contribution(s, prev.unwrap_or(&none))
                        != endpoints::contribution(s, now.unwrap_or(&none))
                })
                .cloned()
                .collect(),
            "Service" => match now {
                Some(svc) => vec![Arc::new(svc.clone())],
                None => {
                    let name = prev
                        .map_or("", |p| str_at(p, &["metadata", "name"]))
                        .to_string();
                    let given = self
                        .given_endpoints
                        .contains(&(ns.to_string(), name.clone()));
                    if let Some(ep_idx) = self.find_kind("v1", "Endpoints").filter(|_| !given)
                        && let Some(old) = self.remove(ep_idx, ns, &name)
                    {
                        self.mirror_slices(ns, Some(&old), None);
                    }
                    return;
                }
            },
            _ => return,
        };
        let (Some(pod_idx), Some(ep_idx)) = (
            self.find_kind("v1", "Pod"),
            self.find_kind("v1", "Endpoints"),
        ) else {
            return;
        };
        for svc in services {
            let Some(mut want) =
                endpoints::desired(&svc, self.in_namespace(pod_idx, ns).map(|p| &**p))
            else {
                continue;
            };
            let name = str_at(&svc, &["metadata", "name"]);
            let key = (ns.to_string(), name.to_string());
            if self.given_endpoints.contains(&key) {
                continue;
            }
            if let Some(old) = self.collections[ep_idx].objects.get(&key) {
                if endpoints::same(&old.value, &want) {
                    continue;
                }
                // An update keeps the object's identity and age.
                for field in ["uid", "creationTimestamp"] {
                    if let Some(v) = old.value["metadata"].get(field) {
                        want["metadata"][field] = v.clone();
                    }
                }
            }
            self.write(ep_idx, want);
        }
    }

    /// Keep the EndpointSlices of a service in step with its Endpoints (which changed from
    /// `prev` to `now`): write the slices that differ, delete the ones no longer wanted.
    fn mirror_slices(&mut self, ns: &str, prev: Option<&Value>, now: Option<&Value>) {
        let Some(slice_idx) = self.find_kind("discovery.k8s.io/v1", "EndpointSlice") else {
            return;
        };
        let svc = now
            .or(prev)
            .map_or("", |e| str_at(e, &["metadata", "name"]))
            .to_string();
        let of_svc: Vec<&Arc<Value>> = self
            .in_namespace(slice_idx, ns)
            .filter(|s| s["metadata"]["labels"][endpoint_slices::SERVICE_NAME] == svc.as_str())
            .collect();
        // A service whose slices were written from outside (a loaded bundle's own) keeps them.
        if self.given_slices.contains(&(ns.to_string(), svc.clone())) {
            return;
        }
        let wanted = now.map(endpoint_slices::desired).unwrap_or_default();
        let stale: Vec<String> = of_svc
            .iter()
            .map(|s| str_at(s, &["metadata", "name"]).to_string())
            .filter(|name| {
                !wanted
                    .iter()
                    .any(|w| w["metadata"]["name"] == name.as_str())
            })
            .collect();
        for name in stale {
            self.remove(slice_idx, ns, &name);
        }
        for mut want in wanted {
            let key = (
                ns.to_string(),
                str_at(&want, &["metadata", "name"]).to_string(),
            );
            if let Some(old) = self.collections[slice_idx].objects.get(&key) {
                if endpoint_slices::same(&old.value, &want) {
                    continue;
                }
                for field in ["uid", "creationTimestamp"] {
                    if let Some(v) = old.value["metadata"].get(field) {
                        want["metadata"][field] = v.clone();
                    }
                }
            }
            self.write(slice_idx, want);
        }
    }

    /// The objects of one namespace in a collection, in name order.
    fn in_namespace<'a>(
        &'a self,
        idx: usize,
        ns: &str,
    ) -> impl Iterator<Item = &'a Arc<Value>> + 'a {
        let ns = ns.to_string();
        self.collections[idx]
            .objects
            .range((ns.clone(), String::new())..)
            .take_while(move |((n, _), _)| *n == ns)
            .map(|(_, s)| &s.value)
    }

    /// Delete an object and tell its watchers; returns what was stored.
    fn remove(&mut self, idx: usize, ns: &str, name: &str) -> Option<Arc<Value>> {
        let old = self.collections[idx]
            .objects
            .remove(&(ns.to_string(), name.to_string()))?;
        self.rv += 1;
        let rv = self.rv;
        let mut value = (*old.value).clone();
        set_rv(&mut value, rv);
        self.collections[idx].publish(WatchEvent {
            rv,
            kind: EventType::Deleted,
            object: Stored::new(value),
            prev: Some(old.value.clone()),
        });
        Some(old.value)
    }
}

fn synthetic_uid(n: u64) -> String {
    format!("5ddc0e00-0000-4000-8000-{n:012x}")
}

fn set_rv(value: &mut Value, rv: u64) {
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("resourceVersion".into(), json!(rv.to_string()));
    }
}

fn o_rv(value: &Value) -> u64 {
    str_at(value, &["metadata", "resourceVersion"])
        .parse()
        .unwrap_or(0)
}

/// The string at a path of object keys, or "" when absent.
pub fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    let mut v = value;
    for p in path {
        match v.get(p) {
            Some(next) => v = next,
            None => return "",
        }
    }
    v.as_str().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slices_of(store: &Store, svc: &str) -> Vec<Value> {
        let idx = store
            .find_kind("discovery.k8s.io/v1", "EndpointSlice")
            .unwrap();
        store
            .list(idx, Some("ns"), &|_| true, false, None, None)
            .items
            .into_iter()
            .filter(|s| s.value["metadata"]["labels"][endpoint_slices::SERVICE_NAME] == svc)
            .map(|s| (*s.value).clone())
            .collect()
    }

    #[test]
    fn loaded_slices_are_served_as_given_and_derived_ones_follow_the_endpoints() {
        let store = Store::new();
        let svc = |name: &str| {
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "ns"},
                   "spec": {"selector": {"app": name}, "ports": [{"port": 80}]}})
        };
        store.upsert(svc("web")).unwrap();
        assert_eq!(slices_of(&store, "web").len(), 1, "a placeholder slice");
        store
            .upsert(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"name": "db-abcde", "namespace": "ns", "labels": {"kubernetes.io/service-name": "db"}},
                "addressType": "IPv4", "endpoints": [{"addresses": ["10.1.1.1"]}]}))
            .unwrap();
        store.upsert(svc("db")).unwrap();
        let db = slices_of(&store, "db");
        assert_eq!(db.len(), 1);
        assert_eq!(db[0]["metadata"]["name"], "db-abcde");
    }
}
