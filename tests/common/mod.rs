//! Shared test helpers: the simulator over real HTTP (here), the real binary in tmux
//! ([`tmux`]) and the TUI drawn to text ([`ui`]).
#![allow(dead_code)]

pub mod tmux;
pub mod ui;

use std::time::Duration;

use kdoc::sim::scenario::Scenario;
use kdoc::sim::{Sim, SimConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub async fn start(scenario: Scenario) -> Sim {
    start_with(SimConfig {
        scenario,
        bookmark_interval: Duration::from_millis(200),
        ..SimConfig::default()
    })
    .await
}

pub async fn start_with(cfg: SimConfig) -> Sim {
    Sim::start(cfg)
        .await
        .expect("the simulator starts on a free loopback port")
}

pub fn client(sim: &Sim) -> kube::Client {
    kube::Client::try_from(sim.client_config()).expect("a client for the simulator")
}

/// One raw HTTP/1.1 GET (or other method), returning the status code and body text; used where
/// kube's client would hide what the server sent.
pub async fn raw(sim: &Sim, method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut s = TcpStream::connect(sim.addr())
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
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = vec![];
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf))
        .await
        .expect("response within 10s")
        .unwrap();
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
