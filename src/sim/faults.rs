//! Fault injection for tests: forbidden kinds, a window of 500s, dropping every open stream.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::status::ApiError;

pub struct Faults {
    forbidden: Mutex<HashSet<String>>,
    failing_until: Mutex<Option<Instant>>,
    /// Bumped to end every open watch, log stream and port-forward.
    drops: watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            forbidden: Mutex::default(),
            failing_until: Mutex::default(),
            drops: watch::channel(0).0,
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

    /// Answer 500 to every request for this long.
    pub fn fail_for(&self, d: Duration) {
        *self.failing_until.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now() + d);
    }

    pub fn failing(&self) -> Option<ApiError> {
        let until = *self.failing_until.lock().unwrap_or_else(|p| p.into_inner());
        until
            .filter(|u| Instant::now() < *u)
            .map(|_| ApiError::internal("simulated outage: etcdserver: request timed out"))
    }

    pub fn drop_streams(&self) {
        self.drops.send_modify(|g| *g += 1);
    }

    pub fn drops(&self) -> watch::Receiver<u64> {
        self.drops.subscribe()
    }
}
