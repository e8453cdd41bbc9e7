//! Shared test helpers: the simulator over real HTTP (here), the real binary in tmux
//! ([`tmux`]) and the TUI drawn to text ([`ui`]).
//!
//! Nothing a test waits for may hang it: an outside process runs through [`run_with_timeout`],
//! an async call (socket, HTTP, kube API) through [`Bounded::bounded`] or [`within`]. Tests
//! wait with generous limits and never assert how long something took (that is a benchmark's
//! job).
#![allow(dead_code)]

pub mod app;
pub mod fixtures;
pub mod kubectl;
pub mod tmux;
pub mod ui;

use std::fmt::Display;
use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use kdoc::sim::scenario::Scenario;
use kdoc::sim::{Sim, SimConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The limit for one async call in a test (an HTTP request, a kube API call, a socket read).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// The limit for one quick outside command (tmux, kdoc printing an error).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// The limit for one slow outside command (kubectl: discovery, then the request).
pub const SLOW_COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// `fut`, or a panic naming `what` if it takes longer than `limit`.
pub async fn within<F: IntoFuture>(limit: Duration, what: impl Display, fut: F) -> F::Output {
    match tokio::time::timeout(limit, fut).await {
        Ok(v) => v,
        Err(_) => panic!("timed out after {limit:?}: {what}"),
    }
}

/// `.bounded("what")` on any future: [`within`] [`CALL_TIMEOUT`], the panic naming `what` and
/// the line of the test that called `bounded`.
pub trait Bounded: IntoFuture + Sized {
    /// This future, or a panic naming `what` after [`CALL_TIMEOUT`].
    #[track_caller]
    fn bounded(self, what: impl Display) -> impl Future<Output = Self::Output>;
    /// This future, or a panic naming `what` after `limit`.
    #[track_caller]
    fn bounded_by(self, limit: Duration, what: impl Display) -> impl Future<Output = Self::Output>;
}

impl<F: IntoFuture> Bounded for F {
    #[track_caller]
    fn bounded(self, what: impl Display) -> impl Future<Output = Self::Output> {
        let at = std::panic::Location::caller();
        within(CALL_TIMEOUT, format!("{what} (at {at})"), self)
    }

    #[track_caller]
    fn bounded_by(self, limit: Duration, what: impl Display) -> impl Future<Output = Self::Output> {
        let at = std::panic::Location::caller();
        within(limit, format!("{what} (at {at})"), self)
    }
}

/// Poll `cond` every 20 ms until it holds; panic naming `what` after `limit`.
pub async fn wait_until(limit: Duration, what: impl Display, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !cond() {
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {limit:?} waiting until {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `program arg arg ...`, for messages.
pub fn describe_command(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Run `cmd` to completion (stdin from /dev/null, stdout and stderr captured), as
/// `Command::output` does, but kill it once `limit` has passed. Errors: it could not start (the
/// `io::Error` of `spawn`, e.g. `NotFound`), or it timed out (`ErrorKind::TimedOut`, with a
/// message naming the command and what it had printed by then).
pub fn try_run_with_timeout(cmd: &mut Command, limit: Duration) -> std::io::Result<Output> {
    let what = describe_command(cmd);
    let deadline = Instant::now() + limit;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Drain both pipes on threads, so a chatty child never blocks on a full pipe, into buffers
    // a timeout can still report; each thread says when its pipe is closed.
    let (closed_tx, closed_rx) = mpsc::channel::<()>();
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let (out, closed) = (buf.clone(), closed_tx.clone());
        std::thread::spawn(move || {
            if let Some(mut p) = pipe {
                let mut chunk = [0u8; 8192];
                while let Ok(n @ 1..) = p.read(&mut chunk) {
                    out.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .extend_from_slice(&chunk[..n]);
                }
            }
            let _ = closed.send(());
        });
        buf
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let take =
        |b: &Mutex<Vec<u8>>| std::mem::take(&mut *b.lock().unwrap_or_else(|e| e.into_inner()));
    let timed_out = |child: &mut std::process::Child, how: &str| {
        let _ = child.kill();
        let _ = child.wait();
        std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!(
                "`{what}` {how} after {limit:?} and was killed\nstdout so far: {}\nstderr so far: {}",
                String::from_utf8_lossy(&take(&stdout)),
                String::from_utf8_lossy(&take(&stderr))
            ),
        )
    };
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            return Err(timed_out(&mut child, "did not exit"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // Both pipes close with the child, unless something it started keeps them open.
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        if closed_rx.recv_timeout(left).is_err() {
            return Err(timed_out(
                &mut child,
                "exited, but something it started kept its output open",
            ));
        }
    }
    Ok(Output {
        status,
        stdout: take(&stdout),
        stderr: take(&stderr),
    })
}

/// [`try_run_with_timeout`], failing the test with a message naming the command if it cannot
/// start or takes longer than `limit`. The exit status is the caller's to check.
#[track_caller]
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Output {
    match try_run_with_timeout(cmd, limit) {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => panic!("{e}"),
        Err(e) => panic!("`{}` could not start: {e}", describe_command(cmd)),
    }
}

pub async fn start(scenario: Scenario) -> Sim {
    start_with(SimConfig {
        scenario,
        bookmark_interval: Duration::from_millis(200),
        ..SimConfig::default()
    })
    .await
}

/// The built-in `mlops` demo scenario, its clock `speed` times real time (bookmarks every
/// 200 ms, so watches that ask for them see them soon).
pub async fn mlops(speed: f64) -> Sim {
    start_with(SimConfig {
        scenario: kdoc::sim::scenario::builtin(
            "mlops",
            &kdoc::sim::scenario::load::LoadSpec::default(),
        )
        .expect("the mlops scenario"),
        speed,
        bookmark_interval: Duration::from_millis(200),
        ..SimConfig::default()
    })
    .await
}

pub async fn start_with(cfg: SimConfig) -> Sim {
    Sim::start(cfg)
        .bounded("starting the simulator")
        .await
        .expect("the simulator starts on a free loopback port")
}

pub fn client(sim: &Sim) -> kube::Client {
    kube::Client::try_from(sim.client_config()).expect("a client for the simulator")
}

/// One raw HTTP/1.1 GET (or other method), returning the status code and body text; used where
/// kube's client would hide what the server sent.
pub async fn raw(sim: &Sim, method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let what = format!("{method} {path}");
    let mut s = TcpStream::connect(sim.addr())
        .bounded(format!("connecting to the simulator for {what}"))
        .await
        .expect("connect to the simulator");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        sim.addr()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())
        .bounded(format!("sending {what}"))
        .await
        .unwrap_or_else(|e| panic!("sending {what}: {e}"));
    let mut buf = vec![];
    s.read_to_end(&mut buf)
        .bounded(format!("the whole response to {what}"))
        .await
        .unwrap_or_else(|e| panic!("reading the response to {what}: {e}"));
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (code, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/real")
}
