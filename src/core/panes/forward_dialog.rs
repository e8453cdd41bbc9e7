//! The port-forward dialog: the ports a pod or service can be forwarded on, each resolved the
//! way `kubectl port-forward` resolves it (a service port, the pod port it reaches), and the
//! local port it would listen on. `enter` starts the selected one; `e` hands the exact `:pf`
//! command to the prompt, where the local port and the address can be changed.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Pod, Service};

use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::command::Command;
use crate::core::forward::ForwardTarget;
use crate::core::pane::{Cx, Pane, Reply, clamp, list_keys};
use crate::core::services::selects;
use crate::core::text::Safe;
use crate::doctor::forward::{forwarded_pod, resolve, resolve_pod};

/// One port the dialog offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortChoice {
    /// What kubectl takes as REMOTE: the service port, or the container port.
    pub port: u16,
    pub name: Safe,
    pub protocol: Safe,
    /// For a service: the pod port it reaches, and on which pod.
    pub pod_port: Option<u16>,
    pub container: Safe,
    /// Why kubectl would refuse it (UDP-only, a named targetPort nobody declares ...).
    pub refused: Option<Safe>,
}

pub struct ForwardDialog {
    pub namespace: String,
    pub target: ForwardTarget,
    pub rows: Vec<PortChoice>,
    pub selected: usize,
    /// Why nothing can be forwarded (no such object, no selector, ExternalName, no pods).
    pub problem: Option<Safe>,
    /// The pod a service forward would reach now.
    pub pod: Option<Safe>,
    /// Select this port when the rows are built (the doctor's suggestion, a container's port).
    prefer: Option<u16>,
    prefer_container: Option<String>,
    seen: Option<(u64, u64)>,
}

/// kubectl's local port when none is given is the remote one; below 1024 that needs root,
/// so kdoc proposes any free port (0) instead.
pub fn default_local(port: u16) -> u16 {
    if port >= 1024 { port } else { 0 }
}

impl ForwardDialog {
    pub fn new(namespace: &str, target: ForwardTarget) -> ForwardDialog {
        ForwardDialog {
            namespace: namespace.to_string(),
            target,
            rows: vec![],
            selected: 0,
            problem: None,
            pod: None,
            prefer: None,
            prefer_container: None,
            seen: None,
        }
    }

    /// Preselect this remote port (the doctor's "forward the right port").
    pub fn prefer(mut self, port: u16) -> ForwardDialog {
        self.prefer = Some(port);
        self
    }

    /// Preselect this container's first port (opened from the containers pane).
    pub fn prefer_container(mut self, c: Option<String>) -> ForwardDialog {
        self.prefer_container = c;
        self
    }

    /// The `:pf` words for the selected port: `svc/NAME LOCAL:REMOTE -n NS`.
    pub fn command_words(&self) -> Option<String> {
        let r = self.rows.get(self.selected)?;
        // The same local port (a free one if it is taken), or any free one below 1024.
        let ports = match default_local(r.port) {
            0 => format!("0:{}", r.port),
            _ => r.port.to_string(),
        };
        Some(format!(
            "{} {ports} -n {}",
            self.target.label(),
            self.namespace
        ))
    }

    fn pod_rows(&mut self, pod: &Pod) {
        let spec = pod.spec.clone().unwrap_or_default();
        for c in spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
        {
            for p in c.ports.iter().flatten() {
                let Ok(port) = u16::try_from(p.container_port) else {
                    continue;
                };
                let refused = resolve_pod(pod, &port.to_string()).err();
                self.rows.push(PortChoice {
                    port,
                    name: Safe::new(p.name.as_deref().unwrap_or("")),
                    protocol: Safe::new(p.protocol.as_deref().unwrap_or("TCP")),
                    pod_port: None,
                    container: Safe::new(&c.name),
                    refused: refused.map(Safe::from_string),
                });
            }
        }
        if self.rows.is_empty() {
            self.problem = Some(Safe::new(
                "no container declares a port; use :pf pod/NAME LOCAL:PORT with the port the process listens on",
            ));
        }
    }

    fn service_rows(&mut self, svc: &Service, cache: &Cache) {
        let spec = svc.spec.clone().unwrap_or_default();
        let selector = spec.selector.clone().unwrap_or_default();
        let pods: Vec<Pod> = cache
            .pods
            .iter()
            .filter(|((ns, _), e)| *ns == self.namespace && selects(&selector, &e.labels))
            .filter_map(|(_, e)| serde_json::from_str(&e.json).ok())
            .collect();
        let pod = if selector.is_empty() {
            None
        } else {
            forwarded_pod(&pods)
        };
        self.pod = pod.and_then(|p| p.metadata.name.as_deref()).map(Safe::new);
        for p in spec.ports.iter().flatten() {
            let Ok(port) = u16::try_from(p.port) else {
                continue;
            };
            let res = resolve(svc, pod, &port.to_string());
            self.rows.push(PortChoice {
                port,
                name: Safe::new(p.name.as_deref().unwrap_or("")),
                protocol: Safe::new(p.protocol.as_deref().unwrap_or("TCP")),
                pod_port: res.as_ref().ok().map(|r| r.1),
                container: Safe::default(),
                refused: res.err().map(Safe::from_string),
            });
        }
        // A refusal that is the same for every port (no selector, no pod) is the dialog's.
        let first = self.rows.first().and_then(|r| r.refused.clone());
        if first.is_some() && self.rows.iter().all(|r| r.refused == first) {
            // Said once above the ports (which stay listed, each refused).
            self.problem = first;
            for r in &mut self.rows {
                r.refused = Some(Safe::new("see above"));
            }
        } else if self.rows.is_empty() {
            self.problem = Some(Safe::new("the service has no ports"));
        }
    }
}

impl Pane for ForwardDialog {
    fn name(&self) -> &'static str {
        "port-forward"
    }

    fn title(&self) -> String {
        "Port-forward".into()
    }

    fn overlay(&self) -> bool {
        true
    }

    fn refresh(&mut self, cache: &Cache, _now: Timestamp) {
        let revs = (cache.revs.pods, cache.revs.services);
        if self.seen == Some(revs) {
            return;
        }
        self.seen = Some(revs);
        let keep = self.rows.get(self.selected).map(|r| r.port);
        self.rows.clear();
        self.problem = None;
        self.pod = None;
        let key = |n: &str| (self.namespace.clone(), n.to_string());
        match self.target.clone() {
            ForwardTarget::Pod(n) => {
                match cache
                    .pods
                    .get(&key(&n))
                    .and_then(|e| serde_json::from_str::<Pod>(&e.json).ok())
                {
                    Some(p) => self.pod_rows(&p),
                    None => {
                        self.problem = Some(Safe::from_string(format!(
                            "pods \"{n}\" not found in namespace {}",
                            self.namespace
                        )))
                    }
                }
            }
            ForwardTarget::Service(n) => {
                match cache
                    .services
                    .get(&key(&n))
                    .and_then(|e| serde_json::from_str::<Service>(&e.json).ok())
                {
                    Some(s) => self.service_rows(&s, cache),
                    None => {
                        self.problem = Some(Safe::from_string(format!(
                            "services \"{n}\" not found in namespace {} (the services pane lists what is there)",
                            self.namespace
                        )))
                    }
                }
            }
        }
        let want = keep.or(self.prefer.take());
        let pc = self.prefer_container.take();
        if let Some(i) = self.rows.iter().position(|r| {
            Some(r.port) == want || pc.as_deref().is_some_and(|c| r.container.as_str() == c)
        }) {
            self.selected = i;
        }
        clamp(&mut self.selected, self.rows.len());
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        match action {
            Action::Select => match self.rows.get(self.selected) {
                Some(r) if r.refused.is_some() => Reply::Message(
                    self.problem
                        .as_ref()
                        .or(r.refused.as_ref())
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                ),
                Some(_) => Reply::Close(self.command_words().map(Command::Forward)),
                None => Reply::Done,
            },
            Action::ForwardEdit => match self.command_words() {
                Some(w) => Reply::Close(Some(Command::Prompt(format!("pf {w}")))),
                None => Reply::Done,
            },
            Action::Back => Reply::Close(None),
            _ => list_keys(&mut self.selected, self.rows.len(), action, cx),
        }
    }

    fn actions(&self) -> &'static [Action] {
        &[Action::Select, Action::ForwardEdit, Action::Back]
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
