//! The reducer's part in port-forwards: the dialog, `:pf TARGET PORT...`, stopping,
//! restarting, HTTP checks and copying a URL. Forwards live in the cache, keyed by the id of
//! their effect, so they outlive the panes that started them.

use super::*;
use crate::core::cache::ForwardEntry;
use crate::core::forward::{ForwardRequest, ForwardTarget, HttpCheck};
use crate::core::panes::forward_dialog::ForwardDialog;
use crate::core::panes::forwards::{ForwardOp, ForwardsPane};
use crate::core::services::selects;
use crate::doctor::forward::{forwarded_pod, resolve, resolve_pod};
use k8s_openapi::api::core::v1::{Pod, Service};

/// Where a forward listens unless told otherwise (kubectl's default too).
pub const LOOPBACK: &str = "127.0.0.1";

/// What `F`, `:pf` and the doctor's "forward the port" answer in read-only mode: a forward
/// needs `create` on pods/portforward, a write the user asked kdoc never to make.
pub const READONLY_FORWARDS: &str = "read-only: port-forwards are off (--readonly or readonly = true in config.toml); restart without it to forward";

impl AppState {
    /// `F` on a pod, container or service: the dialog of its ports.
    pub(super) fn open_forward_dialog(&mut self) -> Vec<Effect> {
        if self.readonly {
            self.say(READONLY_FORWARDS);
            return vec![];
        }
        let Some(s) = self.top().subject() else {
            self.say("select a pod, container or service to forward one of its ports");
            return vec![];
        };
        let target = match s.kind {
            SubjectKind::Pod => ForwardTarget::Pod(s.name.clone()),
            SubjectKind::Service => ForwardTarget::Service(s.name.clone()),
            _ => {
                self.say(format!(
                    "{} has no port of its own; forward one of its pods or services",
                    s.label()
                ));
                return vec![];
            }
        };
        let d = ForwardDialog::new(&s.namespace, target).prefer_container(s.container);
        self.push(Box::new(d));
        vec![]
    }

    /// The doctor's "forward the right port": the dialog with that port selected.
    pub(super) fn open_forward_dialog_for(&mut self, ns: &str, target: &str, remote: u16) {
        if self.readonly {
            self.say(READONLY_FORWARDS);
            return;
        }
        let t = match target.split_once('/') {
            Some(("svc" | "service", n)) => ForwardTarget::Service(n.to_string()),
            Some((_, n)) => ForwardTarget::Pod(n.to_string()),
            None => ForwardTarget::Pod(target.to_string()),
        };
        self.push(Box::new(ForwardDialog::new(ns, t).prefer(remote)));
    }

    /// `:pf TARGET [LOCAL:]REMOTE... [-n NS] [--address A]`: check what can be checked here
    /// (kubectl's own errors, from the cache), then start one forward per port.
    pub(super) fn forward_words(&mut self, words: &str) -> Vec<Effect> {
        if self.readonly {
            self.say(READONLY_FORWARDS);
            return vec![];
        }
        // `:pf @NAME`: a profile's forwards, with its check.
        let (words, check) =
            match words.trim().strip_prefix('@') {
                Some(name) => match self.profiles.iter().find(|p| p.name == name.trim()) {
                    Some(p) => (p.words(), p.http_check()),
                    None => {
                        let known: Vec<&str> =
                            self.profiles.iter().map(|p| p.name.as_str()).collect();
                        self.say(format!(
                        "no forward profile {name:?}; known: {} (in ~/.config/kdoc/forwards.toml)",
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    ));
                        return vec![];
                    }
                },
                None => (words.to_string(), None),
            };
        let words = words.as_str();
        match self.forward_requests(words) {
            Ok(reqs) => {
                let mut out = vec![];
                for r in reqs {
                    let effects = self.start_forward(r);
                    if let Some(f) = effects
                        .first()
                        .and_then(|e| self.cache.forwards.get_mut(&e.id))
                    {
                        f.request_check = check.clone();
                    }
                    out.extend(effects);
                }
                self.open_pane_keep("forwards");
                out
            }
            Err(e) => {
                self.say(e);
                vec![]
            }
        }
    }

    fn forward_requests(&self, words: &str) -> Result<Vec<ForwardRequest>, String> {
        let (mut target, mut ns, mut address, mut specs) = (None, None, None, vec![]);
        let mut it = words.split_whitespace();
        while let Some(w) = it.next() {
            let mut value = |flag: &str| {
                it.next()
                    .map(str::to_string)
                    .ok_or_else(|| format!(":pf {flag} needs a value"))
            };
            match w {
                "-n" | "--namespace" => ns = Some(value("-n")?),
                "--address" => address = Some(value("--address")?),
                t if target.is_none() => target = Some(t.to_string()),
                s => specs.push(s.to_string()),
            }
        }
        let target = target.ok_or(":pf TARGET [LOCAL:]REMOTE: which pod or service?")?;
        if specs.is_empty() {
            return Err(format!(
                ":pf {target}: which port? e.g. :pf {target} 8000 or 9000:8000"
            ));
        }
        let ns = match (ns, &self.cache.scope) {
            (Some(n), _) => n,
            (None, Scope::Namespace(n)) => n.clone(),
            (None, Scope::All) => {
                return Err(":pf across all namespaces: say which with -n NS".into());
            }
        };
        let target = match target.split_once('/') {
            Some(("svc" | "service" | "services", n)) => ForwardTarget::Service(n.into()),
            Some(("pod" | "po" | "pods", n)) => ForwardTarget::Pod(n.into()),
            // KServe's raw-deployment predictor service (serverless ones are ExternalName,
            // which the resolution below refuses with kubectl's words).
            Some(("isvc" | "inferenceservice", n)) => {
                ForwardTarget::Service(format!("{n}-predictor"))
            }
            // A SeldonDeployment's service: the one its operator labels with its name that
            // serves the executor's REST port 8000 (else the first).
            Some(("sdep" | "seldondeployment", n)) => {
                ForwardTarget::Service(self.seldon_service(&ns, n)?)
            }
            Some((k, _)) => {
                return Err(format!(
                    ":pf {target}: kdoc forwards pod/, svc/, isvc/ and sdep/, not {k}/"
                ));
            }
            None => ForwardTarget::Pod(target),
        };
        let address = address.unwrap_or_else(|| LOOPBACK.into());
        if address.parse::<::core::net::IpAddr>().is_err() && address != "localhost" {
            return Err(format!(
                "--address {address}: expected an IP address such as 127.0.0.1"
            ));
        }
        for spec in &specs {
            self.check_spec(&ns, &target, spec)?;
        }
        Ok(specs
            .into_iter()
            .map(|spec| ForwardRequest {
                namespace: ns.clone(),
                target: target.clone(),
                // No LOCAL given: kdoc picks it, and a free one if that is taken.
                or_free: !spec.contains(':'),
                spec,
                address: address.clone(),
            })
            .collect())
    }

    fn seldon_service(&self, ns: &str, sdep: &str) -> Result<String, String> {
        let mut mine: Vec<(&String, bool)> = self
            .cache
            .services
            .iter()
            .filter(|((sns, _), _)| sns == ns)
            .filter_map(|((_, name), e)| {
                let svc: Service = serde_json::from_str(&e.json).ok()?;
                let labels = svc.metadata.labels.unwrap_or_default();
                (labels.get("seldon-deployment-id").map(String::as_str) == Some(sdep))
                    .then(|| (name, e.ports.iter().any(|p| p.port == 8000)))
            })
            .collect();
        mine.sort_by_key(|(_, rest)| !*rest);
        mine.first().map(|(n, _)| (*n).clone()).ok_or_else(|| {
            format!(
                "no service of SeldonDeployment {sdep} in {ns} (label seldon-deployment-id={sdep})"
            )
        })
    }

    /// kubectl's refusal for this spec, when the cache knows the object; what it does not
    /// know the forwarder resolves (and reports) itself.
    fn check_spec(&self, ns: &str, target: &ForwardTarget, spec: &str) -> Result<(), String> {
        let key = |n: &str| (ns.to_string(), n.to_string());
        let pod_of = |n: &str| {
            self.cache
                .pods
                .get(&key(n))
                .and_then(|e| serde_json::from_str::<Pod>(&e.json).ok())
        };
        match target {
            ForwardTarget::Pod(n) => match pod_of(n) {
                Some(p) => resolve_pod(&p, spec).map(|_| ()),
                None => Ok(()),
            },
            ForwardTarget::Service(n) => {
                let Some(svc) = self
                    .cache
                    .services
                    .get(&key(n))
                    .and_then(|e| serde_json::from_str::<Service>(&e.json).ok())
                else {
                    return Ok(());
                };
                let sel = svc
                    .spec
                    .as_ref()
                    .and_then(|s| s.selector.clone())
                    .unwrap_or_default();
                let pods: Vec<Pod> = self
                    .cache
                    .pods
                    .iter()
                    .filter(|((pns, _), e)| {
                        pns == ns && !sel.is_empty() && selects(&sel, &e.labels)
                    })
                    .filter_map(|(_, e)| serde_json::from_str(&e.json).ok())
                    .collect();
                resolve(&svc, forwarded_pod(&pods), spec).map(|_| ())
            }
        }
    }

    /// The profiles that start with kdoc on this context, each as `:pf @NAME` would.
    pub(super) fn autostart_forwards(&mut self) -> Vec<Effect> {
        let ctx = self.cache.context.to_string();
        let names: Vec<String> = self
            .profiles
            .iter()
            .filter(|p| p.autostart && p.applies_to(&ctx))
            .map(|p| p.name.clone())
            .collect();
        if self.readonly && !names.is_empty() {
            // Said once, at start: the user would otherwise wonder where their forwards went.
            self.say(format!(
                "read-only: the forward profiles set to autostart did not start ({}); restart without --readonly to forward",
                names.join(", ")
            ));
            return vec![];
        }
        let mut out = vec![];
        for n in names {
            out.extend(self.forward_words(&format!("@{n}")));
        }
        if !out.is_empty() {
            // Start on the pods pane; `f` shows them.
            self.close_to_root();
        }
        out
    }

    pub(super) fn start_forward(&mut self, req: ForwardRequest) -> Vec<Effect> {
        // Every forward starts here (the dialog, :pf, profiles, restart): the last word on
        // read-only, whatever path led here.
        if self.readonly {
            self.say(READONLY_FORWARDS);
            return vec![];
        }
        let id = self.id();
        if req.address != LOOPBACK && req.address != "localhost" {
            self.say(format!(
                "listening on {}: anyone who can reach this machine can reach {}",
                req.address,
                req.target.label()
            ));
        }
        self.cache
            .forwards
            .insert(id, ForwardEntry::new(req.clone(), self.now));
        self.cache.revs.forwards += 1;
        vec![Effect {
            id,
            kind: EffectKind::Forward(req),
        }]
    }

    pub(super) fn forward_op(&mut self, id: u64, op: ForwardOp) -> Vec<Effect> {
        let Some(f) = self.cache.forwards.get(&id).cloned() else {
            return vec![];
        };
        match op {
            ForwardOp::Stop => {
                self.cache.forwards.remove(&id);
                self.cache.revs.forwards += 1;
                self.info(format!(
                    "stopped the forward to {}",
                    f.request.target.label()
                ));
                crate::core::pane::cancels([id])
            }
            ForwardOp::Restart => {
                self.cache.forwards.remove(&id);
                let mut out = crate::core::pane::cancels([id]);
                out.extend(self.start_forward(f.request));
                out
            }
            ForwardOp::Check => {
                // A profile's own request, else GET /.
                let check = f.request_check.clone().unwrap_or(HttpCheck {
                    base: String::new(),
                    method: "GET".into(),
                    path: "/".into(),
                    body: None,
                });
                self.http_check(id, check)
            }
            ForwardOp::Copy => match f.url() {
                Some(url) => {
                    self.info(format!("copied {url}"));
                    vec![Effect {
                        id: 0,
                        kind: EffectKind::Copy(url),
                    }]
                }
                None => {
                    self.say("this forward is not listening yet: nothing to copy");
                    vec![]
                }
            },
        }
    }

    /// `:check [METHOD] [PATH] [BODY]` on the forward selected in the forwards pane, e.g.
    /// `:check /health` or `:check POST /api/v1.0/predictions {"data": ...}`.
    pub(super) fn check_words(&mut self, words: &str) -> Vec<Effect> {
        let Some(id) = self.find::<ForwardsPane>().and_then(|p| p.selected_id()) else {
            self.say(":check runs through the forward selected in :pf; start one with F or :pf");
            return vec![];
        };
        let (method, rest) = match words.trim().split_once(char::is_whitespace) {
            Some((m, r)) if is_method(m) => (m.to_ascii_uppercase(), r.trim()),
            _ if is_method(words.trim()) => (words.trim().to_ascii_uppercase(), ""),
            _ => ("GET".to_string(), words.trim()),
        };
        let (path, body) = match rest.split_once(char::is_whitespace) {
            Some((p, b)) => (p, Some(b.trim().to_string())),
            None => (rest, None),
        };
        let path = match path {
            "" => "/".to_string(),
            p if p.starts_with('/') => p.to_string(),
            p => format!("/{p}"),
        };
        self.http_check(
            id,
            HttpCheck {
                base: String::new(),
                method,
                path,
                body,
            },
        )
    }

    /// Send `check` (its base filled in) through forward `fid`.
    fn http_check(&mut self, fid: u64, mut check: HttpCheck) -> Vec<Effect> {
        let Some(base) = self.cache.forwards.get(&fid).and_then(|f| f.url()) else {
            self.say("this forward is not listening yet");
            return vec![];
        };
        check.base = base;
        let id = self.id();
        self.checks
            .insert(id, (fid, format!("{} {}", check.method, check.path)));
        self.info(format!("{} {}{} …", check.method, check.base, check.path));
        vec![Effect {
            id,
            kind: EffectKind::Http(check),
        }]
    }

    /// An HTTP check's answer (or failure); false when `id` is not a check.
    pub(super) fn check_done(&mut self, id: EffectId, result: &EffectResult) -> bool {
        let Some((fid, path)) = self.checks.remove(&id) else {
            return false;
        };
        let got = match result {
            EffectResult::Http(a) => Ok(a.clone()),
            EffectResult::Failed(e) => Err(e.clone()),
            _ => return true,
        };
        match &got {
            Ok(a) => self.info(format!("{path}: {} in {} ms", a.status, a.latency_ms)),
            Err(e) => self.say(format!("{path}: {e}")),
        }
        if let Some(f) = self.cache.forwards.get_mut(&fid) {
            f.check = Some((path, got));
            self.cache.revs.forwards += 1;
        }
        true
    }
}

fn is_method(m: &str) -> bool {
    matches!(
        m.to_ascii_uppercase().as_str(),
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"
    )
}
