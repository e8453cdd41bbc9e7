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
mod supervise;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher;
use kube::{Api, Client};
use tokio::net::TcpListener;
use tokio::sync::mpsc::{self, Sender};
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

use crate::core::cluster_event::ClusterMsg;
use crate::core::effect::{EffectId, EffectResult};
use crate::core::forward::{ForwardEvent, ForwardRequest, ForwardState, HttpCheck};

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
async fn bind(ip: IpAddr, port: u16, or_free: bool) -> Result<TcpListener, StartError> {
    match TcpListener::bind((ip, port)).await {
        Ok(l) => Ok(l),
        // The port was only a default: any free one will do (the report says which).
        Err(e) if or_free && e.kind() == std::io::ErrorKind::AddrInUse => {
            TcpListener::bind((ip, 0))
                .await
                .map_err(|e| StartError::plain(format!("unable to listen on {ip}: {e}")))
        }
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
        let listener = bind(ip, resolved.local, req.or_free).await?;
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
        let api: Api<Pod> = Api::namespaced(client.clone(), &resolved.namespace);
        let mut sup = supervise::Supervisor::new(&req, &resolved, events);
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
        let mut watching = true;
        // While the API server is unreachable, a retry asks it for /version first.
        let mut probe: Option<tokio::task::JoinHandle<bool>> = None;
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
                item = pods.next(), if watching => match item {
                    Some(Ok(ev)) => sup.pod_event(ev).await,
                    // The watcher retries with backoff by itself; a 410 relists, a refusal
                    // leaves the pods as they were, no answer means no stream works either.
                    Some(Err(e)) => match crate::cluster::watch::classify(&e) {
                        crate::cluster::watch::Failure::Unreachable(m) => sup.api_unreachable(m).await,
                        _ => true,
                    },
                    None => {
                        watching = false;
                        true
                    }
                },
                Some(f) = fail_rx.recv() => sup.failed(f).await,
                _ = tokio::time::sleep_until(sup.retry_at.unwrap_or_else(far)), if sup.retry_at.is_some() => {
                    if sup.api_down {
                        sup.retry_at = None;
                        let c = client.clone();
                        probe = Some(tokio::spawn(async move { c.apiserver_version().await.is_ok() }));
                        true
                    } else {
                        sup.retry().await
                    }
                }
                answered = async { probe.as_mut().expect("guarded by is_some").await }, if probe.is_some() => {
                    probe = None;
                    sup.api_back(answered.unwrap_or(false)).await
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
