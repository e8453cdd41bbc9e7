//! Everything the running simulator shares between requests and the timeline.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::watch;

use super::faults::Faults;
use super::log_store::LogStore;
use super::store::Store;

pub struct SimState {
    pub store: Store,
    pub logs: LogStore,
    pub faults: Faults,
    /// In-process TCP services behind pod ports: (namespace, pod, port) -> address.
    backends: Mutex<HashMap<(String, String, u16), SocketAddr>>,
    pub bookmark_interval: Duration,
    shutdown: Mutex<watch::Receiver<bool>>,
    /// Watch responses whose body is still streaming; see [`SimState::watch_opened`].
    open_watches: Arc<AtomicUsize>,
    /// Every HTTP request handled, whatever the answer.
    requests: AtomicU64,
    /// The most recent requests, oldest first (at most [`REQUEST_LOG`]), so a test can audit
    /// what a client sent (e.g. that `--readonly` sent nothing that writes).
    request_log: Mutex<std::collections::VecDeque<RequestRecord>>,
    /// Bumped whenever a pod is deleted through the simulator's API (`replace_pod`, DELETE),
    /// so port-forward streams to it end as the kubelet's would.
    pods_removed: watch::Sender<u64>,
}

/// How many requests [`SimState::requests_log`] keeps.
pub const REQUEST_LOG: usize = 100_000;

/// One request as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    /// The path with its query, e.g. `/api/v1/pods?watch=true`.
    pub path: String,
    /// The `Upgrade` header (`websocket`, `SPDY/3.1`), on port-forward and exec upgrades.
    pub upgrade: Option<String>,
}

impl RequestRecord {
    /// The subresource the path names (`log`, `portforward`, `exec`, `status`), if any.
    pub fn subresource(&self) -> Option<&str> {
        let path = self.path.split('?').next().unwrap_or("");
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        // /api/V/[namespaces/NS/]PLURAL/NAME/SUB or /apis/G/V/[namespaces/NS/]PLURAL/NAME/SUB
        let rest = match segs.as_slice() {
            ["api", _, rest @ ..] => rest,
            ["apis", _, _, rest @ ..] => rest,
            _ => return None,
        };
        match rest {
            ["namespaces", _, _, _, sub] => Some(sub),
            // A namespace's own subresources; any other `namespaces/NS/PLURAL` is a list.
            ["namespaces", _, sub @ ("status" | "finalize")] => Some(sub),
            ["namespaces", _, _] => None,
            [_, _, sub] => Some(sub),
            _ => None,
        }
    }

    /// Whether the method writes (anything but GET, HEAD and OPTIONS).
    pub fn mutating(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    }
}

/// One open watch stream, counted in [`SimState::open_watches`] until dropped. It lives inside
/// the response body, so it goes whenever the body does: the stream ended (timeout,
/// `drop_streams`, shutdown), or the client went away and hyper dropped the body.
pub struct WatchGuard(Arc<AtomicUsize>);

impl Drop for WatchGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl SimState {
    pub fn new(bookmark_interval: Duration) -> Self {
        SimState {
            store: Store::new(),
            logs: LogStore::default(),
            faults: Faults::default(),
            backends: Mutex::default(),
            bookmark_interval,
            shutdown: Mutex::new(watch::channel(false).1),
            open_watches: Arc::default(),
            requests: AtomicU64::new(0),
            request_log: Mutex::default(),
            pods_removed: watch::channel(0).0,
        }
    }

    /// How many watch streams are open right now (responses to `?watch=true` still streaming).
    pub fn open_watches(&self) -> usize {
        self.open_watches.load(Ordering::SeqCst)
    }

    /// Count a watch stream as open until the returned guard is dropped.
    pub fn watch_opened(&self) -> WatchGuard {
        self.open_watches.fetch_add(1, Ordering::SeqCst);
        WatchGuard(self.open_watches.clone())
    }

    /// How many HTTP requests the server has handled since it started (failed ones included,
    /// across `stop`/`restart`).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// Count a request and keep it in the log (dropping the oldest beyond [`REQUEST_LOG`]).
    pub(crate) fn count_request(&self, record: RequestRecord) {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let mut log = self.request_log.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() >= REQUEST_LOG {
            log.pop_front();
        }
        log.push_back(record);
    }

    /// The most recent requests (at most [`REQUEST_LOG`]), oldest first.
    pub fn requests_log(&self) -> Vec<RequestRecord> {
        let log = self.request_log.lock().unwrap_or_else(|p| p.into_inner());
        log.iter().cloned().collect()
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    pub fn set_backend(&self, ns: &str, pod: &str, port: u16, addr: SocketAddr) {
        self.backends
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((ns.into(), pod.into(), port), addr);
    }

    pub fn backend(&self, ns: &str, pod: &str, port: u16) -> Option<SocketAddr> {
        self.backends
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(ns.to_string(), pod.to_string(), port))
            .copied()
    }

    /// Move the services behind `pod`'s ports to `to` (a pod replaced by its ReplicaSet).
    pub fn move_backends(&self, ns: &str, pod: &str, to: &str) {
        let mut b = self.backends.lock().unwrap_or_else(|p| p.into_inner());
        let moved: Vec<_> = b
            .keys()
            .filter(|(n, p, _)| n == ns && p == pod)
            .cloned()
            .collect();
        for key in moved {
            if let Some(addr) = b.remove(&key) {
                b.insert((ns.to_string(), to.to_string(), key.2), addr);
            }
        }
    }

    /// Say that a pod was deleted (see [`SimState::pod_removals`]).
    pub fn pod_removed(&self) {
        self.pods_removed.send_modify(|n| *n += 1);
    }

    /// Changes when a pod is deleted through the simulator's API: a stream to a pod checks
    /// then whether its pod is still there.
    pub fn pod_removals(&self) -> watch::Receiver<u64> {
        self.pods_removed.subscribe()
    }

    /// A 410 on every watch, as after an etcd compaction the watch cache could not follow:
    /// every resourceVersion handed out so far becomes too old (a resumed watch gets 410), and
    /// every open watch ends with an ERROR event carrying the 410 Status. A fresh list works,
    /// so a client that relists recovers.
    pub fn expire_watches(&self) {
        self.store.compact();
        self.faults.expire_open_watches();
    }

    /// Streams watch this to end when the server stops.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_shutdown(&self, rx: watch::Receiver<bool>) {
        *self.shutdown.lock().unwrap_or_else(|p| p.into_inner()) = rx;
    }
}

/// Resolves once the flag turns true (or its sender is gone). The guard `wait_for` returns is
/// dropped here, so callers can use this inside spawned `select!`s.
pub async fn until_true(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(method: &str, path: &str) -> RequestRecord {
        RequestRecord {
            method: method.into(),
            path: path.into(),
            upgrade: None,
        }
    }

    #[test]
    fn a_record_names_its_subresource() {
        let pf = rec("GET", "/api/v1/namespaces/ml/pods/p/portforward?ports=5000");
        assert_eq!(pf.subresource(), Some("portforward"));
        assert!(!pf.mutating());
        assert_eq!(
            rec("GET", "/api/v1/nodes/n/status").subresource(),
            Some("status")
        );
        assert_eq!(
            rec("GET", "/api/v1/namespaces/ml/pods/p").subresource(),
            None
        );
        assert_eq!(rec("GET", "/api/v1/namespaces/ml/pods").subresource(), None);
        assert_eq!(
            rec("GET", "/api/v1/namespaces/ml/status").subresource(),
            Some("status")
        );
        assert_eq!(
            rec("GET", "/apis/argoproj.io/v1alpha1/workflows").subresource(),
            None
        );
        assert!(rec("POST", "/api/v1/namespaces/ml/pods").mutating());
    }

    #[test]
    fn the_log_keeps_the_latest() {
        let s = SimState::new(Duration::from_secs(1));
        for i in 0..REQUEST_LOG + 5 {
            s.count_request(rec("GET", &format!("/{i}")));
        }
        let log = s.requests_log();
        assert_eq!(log.len(), REQUEST_LOG);
        assert_eq!(log[0].path, "/5");
        assert_eq!(s.requests(), (REQUEST_LOG + 5) as u64);
    }
}
