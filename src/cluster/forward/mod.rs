//! Supervised port-forwards, in-process through kube's `Portforwarder` (no kubectl child).
//!
//! A forward resolves its target as `kubectl port-forward` does (kubectl's error texts, plus
//! kdoc's suggestion), binds the local port, and then serves: each accepted connection opens
//! its own websocket to the pod the forward is on now. A watch on the pod (a pod target) or on
//! the pods of the service's selector (a service target) keeps that pod true: when it is
//! deleted or stops running, or a stream to it fails, the forward goes `Reconnecting` and
//! checks again with backoff (250 ms doubling to 5 s): a service moves to a ready pod, a pod
//! target waits for its pod to run again. Connections accepted meanwhile wait for it.
//! Dropping the future (aborting its task) closes the listener and every connection.

mod conn;
mod http;
mod resolve;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};
use tokio::net::TcpListener;
use tokio::sync::mpsc::{self, Sender};
use tokio::sync::watch;
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

use crate::core::cluster_event::ClusterMsg;
use crate::core::effect::{EffectId, EffectResult};
use crate::core::forward::{ForwardEvent, ForwardRequest, ForwardState, ForwardTarget, HttpCheck};

pub use conn::WAIT as CONNECTION_WAIT;
pub use http::check as http_check;

/// Traffic is reported at most this often.
pub const TRAFFIC_EVERY: Duration = Duration::from_millis(250);
const BACKOFF_FIRST: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// Why a forward cannot start: kubectl's text, and kdoc's suggestion when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartError {
    /// kubectl's words (what follows `error: `), or the API's (`Error from server ...`).
    pub error: String,
    pub hint: Option<String>,
}

impl StartError {
    fn plain(error: String) -> StartError {
        StartError { error, hint: None }
    }
}

impl std::fmt::Display for StartError {
    /// `ERROR; HINT`: what `ForwardState::Failed` carries.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.hint {
            Some(h) => write!(f, "{}; {h}", self.error),
            None => f.write_str(&self.error),
        }
    }
}

impl std::error::Error for StartError {}

/// The delay before reconnect attempt `attempt` (1-based): 250 ms doubling to 5 s.
pub fn backoff(attempt: u32) -> Duration {
    BACKOFF_FIRST
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
        .min(BACKOFF_MAX)
}

/// `--address`: an IP, or `localhost` (127.0.0.1); empty means 127.0.0.1.
fn parse_address(addr: &str) -> Result<IpAddr, StartError> {
    match addr.trim() {
        "" | "localhost" => Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        a => a
            .parse()
            .map_err(|_| StartError::plain(format!("{a} is not a valid IP"))),
    }
}

/// Bind `ip:port` (0: any free port); a port in use says so and names a free one.
async fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, StartError> {
    match TcpListener::bind((ip, port)).await {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let free = match TcpListener::bind((ip, 0))
                .await
                .and_then(|l| l.local_addr())
            {
                Ok(a) => a.port().to_string(),
                Err(_) => "none found".into(),
            };
            Err(StartError::plain(format!(
                "local port {port} is in use ({e}); free: {free}"
            )))
        }
        Err(e) => Err(StartError::plain(format!(
            "unable to listen on {}: {e}",
            SocketAddr::new(ip, port)
        ))),
    }
}

/// A forward that resolved and bound its local port, ready to [`Forward::serve`].
pub struct Forward {
    client: Client,
    req: ForwardRequest,
    resolved: resolve::Resolved,
    listener: TcpListener,
    local: SocketAddr,
}

impl Forward {
    /// Resolve the target and bind the local port; nothing is served yet. The error is
    /// kubectl's (and kdoc's suggestion), and nothing is left listening.
    pub async fn start(client: Client, req: ForwardRequest) -> Result<Forward, StartError> {
        let ip = parse_address(&req.address)?;
        let resolved = resolve::start(&client, &req).await?;
        let listener = bind(ip, resolved.local).await?;
        let local = listener
            .local_addr()
            .map_err(|e| StartError::plain(format!("unable to listen: {e}")))?;
        Ok(Forward {
            client,
            req,
            resolved,
            listener,
            local,
        })
    }

    /// The address it listens on (`127.0.0.1:8000`).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The container port it forwards to.
    pub fn remote(&self) -> u16 {
        self.resolved.remote
    }

    /// The pod it forwards to first.
    pub fn pod(&self) -> &str {
        &self.resolved.pod
    }

    /// Serve until the future is dropped or `events` is closed: `Listening`, then the state
    /// (`Active`, `Reconnecting` ...) whenever it changes, and `Traffic` (at most every 250 ms).
    pub async fn serve(self, events: Sender<ForwardEvent>) {
        let Forward {
            client,
            req,
            resolved,
            listener,
            local,
        } = self;
        let listening = ForwardEvent::Listening {
            local: local.to_string(),
            remote: resolved.remote,
        };
        if events.send(listening).await.is_err() {
            return;
        }
        let api: Api<Pod> = Api::namespaced(client, &resolved.namespace);
        let mut sup = Supervisor::new(&req, &resolved, events);
        if !sup
            .send(ForwardState::Active {
                pod: resolved.pod.clone(),
                remote: resolved.remote,
            })
            .await
        {
            return;
        }
        let cfg = match &resolved.service {
            Some(svc) => watcher::Config::default().labels(&resolve::selector_query(svc)),
            None => watcher::Config::default().fields(&format!("metadata.name={}", resolved.pod)),
        };
        let mut pods = watcher::watcher(api.clone(), cfg).default_backoff().boxed();
        let (fail_tx, mut fail_rx) = mpsc::unbounded_channel();
        let traffic = Arc::new(conn::Traffic::default());
        let mut conns = JoinSet::new();
        let mut last_traffic = traffic.snapshot();
        let mut report_at: Option<Instant> = None;
        let mut reported = Instant::now() - TRAFFIC_EVERY;
        let far = || Instant::now() + Duration::from_secs(86_400);
        loop {
            let ok = tokio::select! {
                accepted = listener.accept() => {
                    match accepted {
                        Ok((sock, _)) => {
                            conns.spawn(conn::handle(sock, conn::Ctx {
                                api: api.clone(),
                                target: sup.target.subscribe(),
                                failures: fail_tx.clone(),
                                traffic: traffic.clone(),
                                local: local.port(),
                            }));
                        }
                        // Out of file descriptors and the like: breathe, then go on.
                        Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                    true
                }
                Some(_) = conns.join_next(), if !conns.is_empty() => true,
                item = pods.next() => match item {
                    Some(Ok(ev)) => sup.pod_event(ev).await,
                    // The watcher retries with backoff by itself.
                    Some(Err(_)) => true,
                    None => true,
                },
                Some(f) = fail_rx.recv() => sup.failed(f).await,
                _ = tokio::time::sleep_until(sup.retry_at.unwrap_or_else(far)), if sup.retry_at.is_some() => {
                    sup.retry().await
                }
                _ = traffic.changed.notified(), if report_at.is_none() => {
                    report_at = Some((reported + TRAFFIC_EVERY).max(Instant::now()));
                    true
                }
                _ = tokio::time::sleep_until(report_at.unwrap_or_else(far)), if report_at.is_some() => {
                    report_at = None;
                    let now = traffic.snapshot();
                    if now == last_traffic {
                        true
                    } else {
                        last_traffic = now;
                        reported = Instant::now();
                        let (open, total, bytes_out, bytes_in) = now;
                        sup.events.send(ForwardEvent::Traffic { open, total, bytes_out, bytes_in }).await.is_ok()
                    }
                }
            };
            if !ok {
                return;
            }
        }
    }
}

/// The forward's state and the pods it knows of.
struct Supervisor {
    events: Sender<ForwardEvent>,
    target: watch::Sender<conn::Target>,
    spec: String,
    /// The pod of a pod target.
    pod_name: String,
    service: Option<k8s_openapi::api::core::v1::Service>,
    /// The pods watched (a pod target's one, or the service's), once listed.
    pods: BTreeMap<String, Pod>,
    listing: BTreeMap<String, Pod>,
    synced: bool,
    attempt: u32,
    last_error: String,
    retry_at: Option<Instant>,
}

impl Supervisor {
    fn new(req: &ForwardRequest, r: &resolve::Resolved, events: Sender<ForwardEvent>) -> Self {
        let (target, _) = watch::channel(conn::Target {
            generation: 1,
            active: Some((r.pod.clone(), r.remote)),
        });
        Supervisor {
            events,
            target,
            spec: req.spec.trim().to_string(),
            pod_name: match &req.target {
                ForwardTarget::Pod(p) => p.clone(),
                ForwardTarget::Service(_) => String::new(),
            },
            service: r.service.clone(),
            pods: BTreeMap::new(),
            listing: BTreeMap::new(),
            synced: false,
            attempt: 0,
            last_error: String::new(),
            retry_at: None,
        }
    }

    async fn send(&self, state: ForwardState) -> bool {
        self.events.send(ForwardEvent::State(state)).await.is_ok()
    }

    fn current(&self) -> Option<(String, u16)> {
        self.target.borrow().active.clone()
    }

    fn set_target(&self, active: Option<(String, u16)>) {
        self.target.send_modify(|t| {
            t.generation += 1;
            t.active = active;
        });
    }

    async fn pod_event(&mut self, ev: Event<Pod>) -> bool {
        let name = |p: &Pod| p.metadata.name.clone().unwrap_or_default();
        match ev {
            Event::Init => {
                self.listing.clear();
                return true;
            }
            Event::InitApply(p) => {
                self.listing.insert(name(&p), p);
                return true;
            }
            Event::InitDone => {
                self.pods = std::mem::take(&mut self.listing);
                self.synced = true;
            }
            Event::Apply(p) => {
                self.pods.insert(name(&p), p);
            }
            Event::Delete(p) => {
                self.pods.remove(&name(&p));
            }
        }
        if !self.synced {
            return true;
        }
        match self.current() {
            Some((pod, _)) => match self.gone(&pod) {
                Some(why) => self.lose(why).await,
                None => true,
            },
            None => self.try_activate().await.unwrap_or(true),
        }
    }

    /// Why the current pod cannot be forwarded to any more, if it cannot.
    fn gone(&self, pod: &str) -> Option<String> {
        match self.pods.get(pod) {
            None => Some(format!("pod {pod} was deleted")),
            Some(p) if p.metadata.deletion_timestamp.is_some() => {
                Some(format!("pod {pod} is terminating"))
            }
            Some(p) if !resolve::running(p) => Some(format!(
                "pod {pod} is not running (phase {})",
                resolve::phase(p)
            )),
            Some(_) => None,
        }
    }

    /// A connection's stream broke: its target is in doubt.
    async fn failed(&mut self, f: conn::Failure) -> bool {
        let now = self.target.borrow().generation;
        if f.generation == now && self.current().is_some() {
            self.lose(f.error).await
        } else {
            if self.current().is_none() {
                self.last_error = f.error;
            }
            true
        }
    }

    /// Stop sending connections to the current pod; retry after the backoff.
    async fn lose(&mut self, error: String) -> bool {
        self.set_target(None);
        self.attempt += 1;
        self.last_error = error.clone();
        self.retry_at = Some(Instant::now() + backoff(self.attempt));
        self.send(ForwardState::Reconnecting {
            attempt: self.attempt,
            error,
        })
        .await
    }

    /// A backoff ran out: check again, or count another attempt.
    async fn retry(&mut self) -> bool {
        self.retry_at = None;
        if self.current().is_some() {
            return true;
        }
        match self.try_activate().await {
            Some(ok) => ok,
            None => {
                self.attempt += 1;
                self.retry_at = Some(Instant::now() + backoff(self.attempt));
                self.send(ForwardState::Reconnecting {
                    attempt: self.attempt,
                    error: self.last_error.clone(),
                })
                .await
            }
        }
    }

    /// Where to forward now, from the pods watched: None while there is nowhere.
    fn candidate(&self) -> Option<(String, u16)> {
        if !self.synced {
            return None;
        }
        let pods: Vec<Pod> = self.pods.values().cloned().collect();
        match &self.service {
            Some(svc) => resolve::reresolve(svc, &pods, &self.spec),
            None => {
                let p = self.pods.get(&self.pod_name)?;
                if p.metadata.deletion_timestamp.is_some() || !resolve::running(p) {
                    return None;
                }
                let (_, remote) = crate::doctor::forward::resolve_pod(p, &self.spec).ok()?;
                Some((self.pod_name.clone(), remote))
            }
        }
    }

    /// Go active if there is a pod; None when there is none (yet), else whether the app is
    /// still listening.
    async fn try_activate(&mut self) -> Option<bool> {
        let (pod, remote) = self.candidate()?;
        self.set_target(Some((pod.clone(), remote)));
        self.attempt = 0;
        self.retry_at = None;
        Some(self.send(ForwardState::Active { pod, remote }).await)
    }
}

/// Run a forward headless: `Starting`, then what [`Forward::serve`] reports, until the future
/// is dropped or `events` closes. When it cannot start, `Failed(ERROR; HINT)` is sent and the
/// error returned.
pub async fn run(
    client: Client,
    req: ForwardRequest,
    events: Sender<ForwardEvent>,
) -> Result<(), StartError> {
    if events
        .send(ForwardEvent::State(ForwardState::Starting))
        .await
        .is_err()
    {
        return Ok(());
    }
    match Forward::start(client, req).await {
        Ok(f) => {
            f.serve(events).await;
            Ok(())
        }
        Err(e) => {
            let _ = events
                .send(ForwardEvent::State(ForwardState::Failed(e.to_string())))
                .await;
            Err(e)
        }
    }
}

/// Start a supervised forward; its reports go to `out` as `ClusterMsg::Forward`. Aborting the
/// task closes the listener and every connection.
pub fn spawn(
    client: Client,
    id: EffectId,
    req: ForwardRequest,
    out: Sender<ClusterMsg>,
) -> AbortHandle {
    tokio::spawn(async move {
        let (tx, mut rx) = mpsc::channel(64);
        let forward = run(client, req, tx);
        tokio::pin!(forward);
        let mut running = true;
        loop {
            tokio::select! {
                _ = &mut forward, if running => running = false,
                ev = rx.recv() => match ev {
                    Some(event) => {
                        if out.send(ClusterMsg::Forward { id, event }).await.is_err() {
                            return;
                        }
                    }
                    None => return,
                },
            }
        }
    })
    .abort_handle()
}

/// One HTTP request to a local forward; the answer goes to `out` as `ClusterMsg::Done`.
pub fn http(id: EffectId, check: HttpCheck, out: Sender<ClusterMsg>) -> AbortHandle {
    tokio::spawn(async move {
        let result = match http::check(&check).await {
            Ok(answer) => EffectResult::Http(answer),
            Err(e) => EffectResult::Failed(e),
        };
        let _ = out.send(ClusterMsg::Done { id, result }).await;
    })
    .abort_handle()
}
