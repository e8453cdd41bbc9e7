//! Fault injection for tests: forbidden kinds, a window or a count of 500s, dropping every
//! open stream, expiring every open watch (410), latency on every request.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::status::ApiError;

/// An RBAC-like denial: these verbs on this resource (a plural, `pods/log` for a subresource)
/// of this API group are refused, in one namespace (and at the cluster scope, since a list of
/// all namespaces would include it) or, with no namespace, everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRule {
    pub verbs: Vec<String>,
    pub group: String,
    pub resource: String,
    pub namespace: Option<String>,
}

impl AccessRule {
    pub fn new(verbs: &[&str], group: &str, resource: &str, namespace: Option<&str>) -> Self {
        AccessRule {
            verbs: verbs.iter().map(|v| v.to_string()).collect(),
            group: group.into(),
            resource: resource.into(),
            namespace: namespace.map(String::from),
        }
    }

    /// Whether this rule refuses `verb` on `resource` (maybe `plural/sub`) of `group` in `ns`
    /// (None: at the cluster scope). `*` as the verb asks whether any verb is refused.
    pub fn denies(&self, verb: &str, group: &str, resource: &str, ns: Option<&str>) -> bool {
        let base = resource.split('/').next().unwrap_or(resource);
        let verb_hit = verb == "*" || self.verbs.iter().any(|v| v == verb || v == "*");
        let ns_hit = match (&self.namespace, ns) {
            (None, _) | (Some(_), None) => true,
            (Some(rule), Some(ns)) => rule == ns,
        };
        verb_hit
            && ns_hit
            && self.group == group
            && (self.resource == resource || self.resource == base)
    }
}

/// Who the simulator says is asking, in 403 messages, unless a scenario names someone.
pub const DEFAULT_USER: &str = "system:anonymous";

pub struct Faults {
    forbidden: Mutex<HashSet<String>>,
    rules: Mutex<Vec<AccessRule>>,
    user: Mutex<String>,
    failing_until: Mutex<Option<Instant>>,
    /// How many of the next requests still get a 500 (see [`Faults::fail_next`]).
    failing_next: AtomicUsize,
    /// Bumped to end every open watch, log stream and port-forward.
    drops: watch::Sender<u64>,
    /// Bumped to end every open watch with a 410 ERROR event (see [`SimState::expire_watches`]).
    ///
    /// [`SimState::expire_watches`]: super::state::SimState::expire_watches
    expiries: watch::Sender<u64>,
    /// How long every request waits before it is answered.
    latency: Mutex<Duration>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            forbidden: Mutex::default(),
            rules: Mutex::default(),
            user: Mutex::new(DEFAULT_USER.into()),
            failing_until: Mutex::default(),
            failing_next: AtomicUsize::new(0),
            drops: watch::channel(0).0,
            expiries: watch::channel(0).0,
            latency: Mutex::new(Duration::ZERO),
        }
    }
}

impl Faults {
    /// Answer 403 for every request on this resource (plural, e.g. "pods"), or stop doing so.
    pub fn set_forbidden(&self, plural: &str, on: bool) {
        let mut set = self.forbidden.lock().unwrap_or_else(|p| p.into_inner());
        if on {
            set.insert(plural.to_string());
        } else {
            set.remove(plural);
        }
    }

    pub fn is_forbidden(&self, plural: &str) -> bool {
        self.forbidden
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(plural)
    }

    /// Answer 403 for one verb ("list", "get", "watch", "delete", ...) on this resource only,
    /// or stop doing so. Access reviews give the same answer.
    pub fn set_forbidden_verb(&self, verb: &str, plural: &str, on: bool) {
        self.set_forbidden(&format!("{verb} {plural}"), on);
    }

    /// Whether `verb` on `plural` (e.g. "pods" or "pods/log") is forbidden, by a fault on the
    /// whole resource or on that verb. A subresource is also forbidden with its resource.
    pub fn is_forbidden_verb(&self, verb: &str, plural: &str) -> bool {
        let base = plural.split('/').next().unwrap_or(plural);
        let set = self.forbidden.lock().unwrap_or_else(|p| p.into_inner());
        [plural, base]
            .iter()
            .any(|r| set.contains(*r) || set.contains(&format!("{verb} {r}")))
    }

    /// Whether any forbidding fault or rule is set.
    pub fn any_forbidden(&self) -> bool {
        !self
            .forbidden
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
            || !self.rules().is_empty()
    }

    /// Refuse what `rule` names from now on (a scenario's RBAC).
    pub fn deny(&self, rule: AccessRule) {
        self.rules
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(rule);
    }

    pub fn rules(&self) -> Vec<AccessRule> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The user named in 403 messages.
    pub fn set_user(&self, name: &str) {
        *self.user.lock().unwrap_or_else(|p| p.into_inner()) = name.to_string();
    }

    pub fn user(&self) -> String {
        self.user.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Whether `verb` on `resource` (maybe `plural/sub`) of `group` in `ns` (None: cluster
    /// scope) is refused, by a fault (any group, any namespace) or by a rule.
    pub fn denies(&self, verb: &str, group: &str, resource: &str, ns: Option<&str>) -> bool {
        self.is_forbidden_verb(verb, resource)
            || self
                .rules()
                .iter()
                .any(|r| r.denies(verb, group, resource, ns))
    }

    /// Answer 500 to every request for this long.
    pub fn fail_for(&self, d: Duration) {
        *self.failing_until.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now() + d);
    }

    /// Answer 500 (the same as [`Faults::fail_for`]) to exactly the next `n` requests, whatever
    /// they ask for; the one after them is served normally. Replaces any count still left;
    /// `fail_next(0)` cancels it. Deterministic where a time window would race the test.
    pub fn fail_next(&self, n: usize) {
        self.failing_next.store(n, Ordering::SeqCst);
    }

    /// The error to answer this request with, if the server is failing. The server asks once
    /// per request: inside a `fail_for` window every request fails (and the `fail_next` count is
    /// left alone); otherwise a request takes one from the `fail_next` count, if any is left.
    pub fn failing(&self) -> Option<ApiError> {
        let until = *self.failing_until.lock().unwrap_or_else(|p| p.into_inner());
        let in_window = until.is_some_and(|u| Instant::now() < u);
        let counted = || {
            self.failing_next
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
        };
        (in_window || counted())
            .then(|| ApiError::internal("simulated outage: etcdserver: request timed out"))
    }

    pub fn drop_streams(&self) {
        self.drops.send_modify(|g| *g += 1);
    }

    pub fn drops(&self) -> watch::Receiver<u64> {
        self.drops.subscribe()
    }

    /// End every open watch with an ERROR event carrying a 410 Status. Only the signal: use
    /// `SimState::expire_watches`, which also compacts the store so a resumed watch gets 410 too.
    pub(crate) fn expire_open_watches(&self) {
        self.expiries.send_modify(|g| *g += 1);
    }

    pub fn expiries(&self) -> watch::Receiver<u64> {
        self.expiries.subscribe()
    }

    /// Make every request wait `d` before it is answered (a watch or a stream: before its
    /// response starts), as a slow or overloaded apiserver would; `Duration::ZERO` ends it.
    pub fn set_latency(&self, d: Duration) {
        *self.latency.lock().unwrap_or_else(|p| p.into_inner()) = d;
    }

    pub fn latency(&self) -> Duration {
        *self.latency.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_next_fails_exactly_n_requests() {
        let f = Faults::default();
        assert!(f.failing().is_none());
        f.fail_next(2);
        for _ in 0..2 {
            let err = f.failing().expect("a counted failure");
            assert_eq!(err.code, 500);
        }
        assert!(f.failing().is_none(), "the third request is served");
        assert!(f.failing().is_none(), "and stays served");
        f.fail_next(1);
        f.fail_next(0);
        assert!(f.failing().is_none(), "fail_next(0) cancels the count");
    }

    #[test]
    fn a_window_fails_everything_without_using_up_the_count() {
        let f = Faults::default();
        f.fail_next(1);
        f.fail_for(Duration::from_secs(3600));
        for _ in 0..3 {
            assert!(f.failing().is_some());
        }
        f.fail_for(Duration::ZERO);
        assert!(f.failing().is_some(), "the count is still there");
        assert!(f.failing().is_none());
    }
}
