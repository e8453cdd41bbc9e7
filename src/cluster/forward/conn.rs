//! One accepted connection: its own kube `Portforwarder` (one websocket) to the pod the forward
//! is on now, bytes copied both ways and counted. A connection that arrives while the forward
//! is reconnecting waits for it (up to [`WAIT`]) instead of being reset.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use futures::FutureExt;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::Portforwarder;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;

use super::resolve::open_error;

/// How long a connection waits for the forward to be active again.
pub const WAIT: Duration = Duration::from_secs(10);
/// How long opening the websocket to the pod may take.
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);
/// After the local side has finished sending, how long the pod may stay silent before the
/// connection is closed (kube's Portforwarder cannot half-close towards the pod).
const LINGER: Duration = Duration::from_secs(1);

/// Where connections go now: `gen` changes whenever the target does.
#[derive(Clone, Debug)]
pub(super) struct Target {
    pub generation: u64,
    /// The pod and container port; None while reconnecting.
    pub active: Option<(String, u16)>,
}

/// A connection's failure, for the supervisor: the stream to the target of `generation` broke.
pub(super) struct Failure {
    pub generation: u64,
    pub error: String,
}

/// Traffic counters, shared by the connections and read by the supervisor.
#[derive(Default)]
pub(super) struct Traffic {
    pub open: AtomicUsize,
    pub total: AtomicU64,
    pub bytes_out: AtomicU64,
    pub bytes_in: AtomicU64,
    pub changed: Notify,
}

impl Traffic {
    pub fn snapshot(&self) -> (usize, u64, u64, u64) {
        (
            self.open.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
            self.bytes_out.load(Ordering::Relaxed),
            self.bytes_in.load(Ordering::Relaxed),
        )
    }
}

/// Counts the connection as open until dropped (also when the task is aborted).
struct Open(Arc<Traffic>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
        self.0.changed.notify_one();
    }
}

/// Aborts kube's forwarding task when the connection ends, however it ends.
struct Forwarder(Portforwarder);

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub(super) struct Ctx {
    pub api: Api<Pod>,
    pub target: watch::Receiver<Target>,
    pub failures: mpsc::UnboundedSender<Failure>,
    pub traffic: Arc<Traffic>,
    /// The local port, for kubectl's `an error occurred forwarding LOCAL -> REMOTE` text.
    pub local: u16,
}

pub(super) async fn handle(sock: TcpStream, ctx: Ctx) {
    let mut targets = ctx.target.clone();
    let _ = sock.set_nodelay(true);
    ctx.traffic.open.fetch_add(1, Ordering::Relaxed);
    ctx.traffic.total.fetch_add(1, Ordering::Relaxed);
    ctx.traffic.changed.notify_one();
    let _open = Open(ctx.traffic.clone());
    let deadline = Instant::now() + WAIT;
    let mut tried: Option<u64> = None;
    loop {
        // The current target, or the next one if this one was tried and failed.
        let target = {
            let waited = tokio::time::timeout_at(
                deadline,
                targets.wait_for(|t| t.active.is_some() && Some(t.generation) != tried),
            )
            .await;
            match waited {
                Ok(Ok(t)) => t.clone(),
                // No pod in time, or the forward is gone: close the connection.
                _ => return,
            }
        };
        let Some((pod, remote)) = target.active else {
            return;
        };
        tried = Some(target.generation);
        let opened = tokio::time::timeout(OPEN_TIMEOUT, ctx.api.portforward(&pod, &[remote])).await;
        let error = match opened {
            Ok(Ok(pf)) => {
                if let Some(error) = relay(sock, Forwarder(pf), remote, &ctx).await {
                    let _ = ctx.failures.send(Failure {
                        generation: target.generation,
                        error: format!(
                            "an error occurred forwarding {} -> {remote}: {error}",
                            ctx.local
                        ),
                    });
                }
                return;
            }
            Ok(Err(e)) => format!("error upgrading connection: {}", open_error(&e)),
            Err(_) => format!(
                "error upgrading connection: no answer within {} s",
                OPEN_TIMEOUT.as_secs()
            ),
        };
        let _ = ctx.failures.send(Failure {
            generation: target.generation,
            error: format!(
                "an error occurred forwarding {} -> {remote}: {error}",
                ctx.local
            ),
        });
        if Instant::now() >= deadline {
            return;
        }
    }
}

/// Copy `r` to `w` until the end, counting bytes as they go.
async fn copy<R, W>(
    r: &mut R,
    w: &mut W,
    counts: [&AtomicU64; 2],
    changed: &Notify,
) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = r.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        w.write_all(&buf[..n]).await?;
        for c in counts {
            c.fetch_add(n as u64, Ordering::Relaxed);
        }
        changed.notify_one();
    }
}

/// Copy both ways until either side is done; the pod's error message for the port, if it sent
/// one (e.g. the kubelet's `connection refused` when nothing listens).
async fn relay(mut sock: TcpStream, mut pf: Forwarder, remote: u16, ctx: &Ctx) -> Option<String> {
    let stream = pf.0.take_stream(remote)?;
    let mut errors = pf.0.take_error(remote)?.boxed().fuse();
    let traffic = &ctx.traffic;
    let (mut pr, mut pw) = tokio::io::split(stream);
    // This connection's bytes from the pod and to it.
    let (got, sent) = (AtomicU64::new(0), AtomicU64::new(0));
    let error = {
        let (mut lr, mut lw) = sock.split();
        let up = copy(
            &mut lr,
            &mut pw,
            [&traffic.bytes_out, &sent],
            &traffic.changed,
        );
        let down = copy(
            &mut pr,
            &mut lw,
            [&traffic.bytes_in, &got],
            &traffic.changed,
        );
        tokio::pin!(up, down);
        let mut up_done = false;
        let mut seen_in = 0;
        let mut linger = tokio::time::interval(LINGER);
        linger.reset();
        loop {
            tokio::select! {
                _ = &mut down => break None,
                r = &mut up, if !up_done => {
                    if r.is_err() {
                        break None;
                    }
                    // The client is done sending; let the answer finish.
                    up_done = true;
                    linger.reset();
                }
                e = &mut errors => {
                    if e.is_some() {
                        break e;
                    }
                }
                _ = linger.tick(), if up_done => {
                    let now_in = got.load(Ordering::Relaxed);
                    if now_in == seen_in {
                        break None;
                    }
                    seen_in = now_in;
                }
            }
        }
    };
    // The pod's error arrives before its stream closes.
    let error = error.or_else(|| errors.now_or_never().flatten());
    let _ = sock.shutdown().await;
    error
}
