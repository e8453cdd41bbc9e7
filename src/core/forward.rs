//! Port-forwards as the reducer sees them: what to forward (a request), and what a running
//! forward reports (its true state, connections and bytes). The supervised forwarder itself
//! is in `cluster/forward.rs`; this is pure data.

/// What a forward connects to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ForwardTarget {
    /// A pod: the forward waits for it to come back when it goes away.
    Pod(String),
    /// A service: resolved to a pod as `kubectl port-forward svc/NAME` does, and re-resolved to
    /// a ready pod when that one goes away.
    Service(String),
}

impl ForwardTarget {
    /// `pod/NAME` or `svc/NAME`.
    pub fn label(&self) -> String {
        match self {
            ForwardTarget::Pod(n) => format!("pod/{n}"),
            ForwardTarget::Service(n) => format!("svc/{n}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardRequest {
    pub namespace: String,
    pub target: ForwardTarget,
    /// `[LOCAL:]REMOTE` as kubectl takes it: REMOTE a service port (number or name) for a
    /// service, a container port (number or name) for a pod; LOCAL 0 or empty = any free port.
    pub spec: String,
    /// The address to listen on (kubectl's `--address`): `127.0.0.1` unless chosen.
    pub address: String,
    /// The local port is kdoc's default (the user gave none): if it is taken, listen on a
    /// free one instead of failing.
    pub or_free: bool,
}

/// The state a forward is in: always the true one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardState {
    /// Resolving the target and binding the local port.
    Starting,
    /// Listening, connected to this pod's port.
    Active { pod: String, remote: u16 },
    /// The pod went away or the stream broke: finding a pod again (attempt N, last error).
    Reconnecting { attempt: u32, error: String },
    /// It will not run (bad port, local port in use, no such service ...): kubectl's words
    /// plus kdoc's suggestion.
    Failed(String),
}

/// What a running forward reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardEvent {
    /// Bound: `Forwarding from ADDR:LOCAL -> REMOTE`.
    Listening {
        local: String,
        remote: u16,
    },
    State(ForwardState),
    /// Traffic so far: open connections, and bytes in each direction (to the pod, from it).
    Traffic {
        open: usize,
        total: u64,
        bytes_out: u64,
        bytes_in: u64,
    },
}

/// A quick HTTP request through a forward (or any local URL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpCheck {
    /// `http://127.0.0.1:LOCAL`.
    pub base: String,
    pub method: String,
    /// `/`, `/health`, `/api/v1.0/predictions`.
    pub path: String,
    pub body: Option<String>,
}

/// What the check got: status line, time to the response, the first bytes of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    pub latency_ms: u64,
    pub body_head: String,
}

/// A named forward from the user's `forwards.toml`: started with `:pf @NAME`, or when kdoc
/// starts on its context if `autostart`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    /// Only on this kubeconfig context (any when absent).
    pub context: Option<String>,
    pub namespace: String,
    /// `svc/NAME`, `pod/NAME` or `isvc/NAME`.
    pub target: String,
    /// `[LOCAL:]REMOTE` each.
    pub ports: Vec<String>,
    pub address: Option<String>,
    #[serde(default)]
    pub autostart: bool,
    /// What `c` sends through it instead of `GET /`.
    pub check: Option<ProfileCheck>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileCheck {
    #[serde(default = "get")]
    pub method: String,
    pub path: String,
    pub body: Option<String>,
}

fn get() -> String {
    "GET".into()
}

impl Profile {
    /// The `:pf` words this profile stands for.
    pub fn words(&self) -> String {
        let mut w = format!(
            "{} {} -n {}",
            self.target,
            self.ports.join(" "),
            self.namespace
        );
        if let Some(a) = &self.address {
            w.push_str(&format!(" --address {a}"));
        }
        w
    }

    pub fn http_check(&self) -> Option<HttpCheck> {
        self.check.as_ref().map(|c| HttpCheck {
            base: String::new(),
            method: c.method.to_ascii_uppercase(),
            path: c.path.clone(),
            body: c.body.clone(),
        })
    }

    pub fn applies_to(&self, context: &str) -> bool {
        self.context.as_deref().is_none_or(|c| c == context)
    }
}
