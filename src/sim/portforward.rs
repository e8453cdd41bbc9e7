//! `pods/{name}/portforward` over WebSocket with the kubelet's v4 channel protocol: for port i,
//! data on channel 2i and errors on 2i+1, each opened by a `[channel, port lo, port hi]` frame;
//! kubectl's SPDY (upgraded or tunnelled in a websocket) is handed to [`super::spdy`].

use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use futures::{SinkExt, StreamExt};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode, header};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Message, Role};

use super::http::{Body, error};
use super::query::Query;
use super::spdy;
use super::state::SimState;
use super::status::ApiError;
use super::store::str_at;

/// Subprotocols in the kubelet's order of preference.
const PROTOCOLS: [&str; 2] = ["v4.channel.k8s.io", "v5.channel.k8s.io"];

fn parse_ports(q: &Query) -> Result<Vec<u16>, ApiError> {
    let mut ports = vec![];
    for p in q.all("ports").flat_map(|v| v.split(',')) {
        let p = p.trim();
        match p.parse::<u16>() {
            Ok(n) if n > 0 => ports.push(n),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "invalid port \"{p}\": must be a number between 1 and 65535"
                )));
            }
        }
    }
    if ports.is_empty() {
        return Err(ApiError::bad_request("at least one port must be specified"));
    }
    Ok(ports)
}

pub fn handle(
    state: Arc<SimState>,
    ns: String,
    name: String,
    q: &Query,
    req: Request<Incoming>,
) -> Response<Body> {
    let Some(pods) = state.store.find("", "v1", "pods") else {
        return error(&ApiError::no_route());
    };
    let Some(pod) = state.store.get(pods, &ns, &name) else {
        return error(&ApiError::not_found("pods", "", &name));
    };
    let phase = str_at(&pod.value, &["status", "phase"]).to_string();
    if phase != "Running" {
        return error(&ApiError::bad_request(format!(
            "unable to forward ports: pod {name} is not running (phase {}); wait for it to run or pick a running pod",
            if phase.is_empty() { "Unknown" } else { &phase }
        )));
    }
    let uid = str_at(&pod.value, &["metadata", "uid"]).to_string();
    let ends = stream_ends(state.clone(), ns.clone(), name.clone(), uid.clone());
    let h = req.headers();
    let upgrade = h
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let is_ws = upgrade.eq_ignore_ascii_case("websocket");
    let offered: Vec<String> = h
        .get_all("sec-websocket-protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|p| p.trim().to_string()))
        .collect();
    let spdy_target = || {
        let (state, ns, pod) = (state.clone(), ns.clone(), name.clone());
        spdy::Target {
            pod: name.clone(),
            uid: uid.clone(),
            lookup: Arc::new(move |port| state.backend(&ns, &pod, port)),
        }
    };
    // kubectl's SPDY needs no `ports=`: each stream names its port.
    if is_ws && offered.iter().any(|o| o == spdy::TUNNEL_PROTOCOL) {
        let Some(key) = h.get("sec-websocket-key").map(|k| k.as_bytes().to_vec()) else {
            return error(&ApiError::bad_request("Upgrade request required"));
        };
        let target = spdy_target();
        tokio::spawn(async move {
            let Ok(upgraded) = hyper::upgrade::on(req).await else {
                return;
            };
            let ws =
                WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
            tokio::select! {
                _ = spdy::serve_websocket(ws, target) => {}
                _ = ends => {}
            }
        });
        return switching("websocket")
            .header("Sec-WebSocket-Accept", derive_accept_key(&key))
            .header("Sec-WebSocket-Protocol", spdy::TUNNEL_PROTOCOL)
            .body(empty())
            .unwrap_or_else(|_| {
                error(&ApiError::internal("could not build the upgrade response"))
            });
    }
    if upgrade.eq_ignore_ascii_case("SPDY/3.1") {
        let wanted: Vec<String> = h
            .get_all("x-stream-protocol-version")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(',').map(|p| p.trim().to_string()))
            .collect();
        // httpstream.Handshake: a client naming no protocol gets the legacy one.
        if !wanted.is_empty() && !wanted.iter().any(|w| w == spdy::STREAM_PROTOCOL) {
            return error(&ApiError::new(
                403,
                "Forbidden",
                format!(
                    "unable to upgrade: unable to negotiate protocol: client supports {wanted:?}, server supports [{}]",
                    spdy::STREAM_PROTOCOL
                ),
            ));
        }
        let target = spdy_target();
        tokio::spawn(async move {
            let Ok(upgraded) = hyper::upgrade::on(req).await else {
                return;
            };
            tokio::select! {
                _ = spdy::serve(TokioIo::new(upgraded), target) => {}
                _ = ends => {}
            }
        });
        return switching("SPDY/3.1")
            .header("X-Stream-Protocol-Version", spdy::STREAM_PROTOCOL)
            .body(empty())
            .unwrap_or_else(|_| {
                error(&ApiError::internal("could not build the upgrade response"))
            });
    }
    let ports = match parse_ports(q) {
        Ok(p) => p,
        Err(e) => return error(&e),
    };
    let Some(key) = h
        .get("sec-websocket-key")
        .map(|k| k.as_bytes().to_vec())
        .filter(|_| is_ws)
    else {
        return error(&ApiError::bad_request("Upgrade request required"));
    };
    let Some(protocol) = PROTOCOLS.iter().find(|p| offered.iter().any(|o| o == *p)) else {
        return error(&ApiError::bad_request(format!(
            "unable to upgrade: no supported subprotocol among {offered:?}; the kubelet speaks {}",
            PROTOCOLS.join(", ")
        )));
    };
    let targets: Vec<_> = ports
        .iter()
        .map(|p| (*p, state.backend(&ns, &name, *p)))
        .collect();
    tokio::spawn(async move {
        let Ok(upgraded) = hyper::upgrade::on(req).await else {
            return;
        };
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        tokio::select! {
            _ = forward(ws, name, uid, targets) => {}
            _ = ends => {}
        }
    });
    switching("websocket")
        .header("Sec-WebSocket-Accept", derive_accept_key(&key))
        .header("Sec-WebSocket-Protocol", *protocol)
        .body(empty())
        .unwrap_or_else(|_| error(&ApiError::internal("could not build the upgrade response")))
}

fn switching(upgrade: &str) -> hyper::http::response::Builder {
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::UPGRADE, upgrade)
        .header(header::CONNECTION, "Upgrade")
}

fn empty() -> Body {
    super::http::full(200, "text/plain", Bytes::new()).into_body()
}

/// Completes when a forward must end: the server stops, a fault drops every stream, or the pod
/// is deleted or replaced (its streams break, as the kubelet's do).
fn stream_ends(
    state: Arc<SimState>,
    ns: String,
    name: String,
    uid: String,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let mut shutdown = state.shutdown_signal();
    let mut drops = state.faults.drops();
    drops.borrow_and_update();
    let mut removals = state.pod_removals();
    removals.borrow_and_update();
    async move {
        let alive = async {
            while removals.changed().await.is_ok() {
                let pods = state.store.find("", "v1", "pods");
                let same = pods
                    .and_then(|i| state.store.get(i, &ns, &name))
                    .is_some_and(|p| str_at(&p.value, &["metadata", "uid"]) == uid);
                if !same {
                    return;
                }
            }
            std::future::pending::<()>().await
        };
        tokio::select! {
            _ = crate::sim::state::until_true(&mut shutdown) => {}
            _ = drops.changed() => {}
            _ = alive => {}
        }
    }
}

fn frame(channel: u8, payload: &[u8]) -> Message {
    let mut b = BytesMut::with_capacity(payload.len() + 1);
    b.put_u8(channel);
    b.put_slice(payload);
    Message::Binary(b.freeze())
}

enum Out {
    Frame(Message),
    /// Port i's forward is over.
    Done,
}

async fn forward<S>(
    ws: WebSocketStream<S>,
    pod: String,
    uid: String,
    targets: Vec<(u16, Option<std::net::SocketAddr>)>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut sink, mut stream) = ws.split();
    for (i, (port, _)) in targets.iter().enumerate() {
        let p = port.to_le_bytes();
        for ch in [2 * i as u8, 2 * i as u8 + 1] {
            if sink
                .send(Message::Binary(Bytes::copy_from_slice(&[ch, p[0], p[1]])))
                .await
                .is_err()
            {
                return;
            }
        }
    }
    let (out_tx, mut out_rx) = mpsc::channel::<Out>(64);
    let mut writers: Vec<Option<OwnedWriteHalf>> = vec![];
    let mut open = targets.len();
    for (i, (port, addr)) in targets.iter().enumerate() {
        let conn = match addr {
            Some(a) => TcpStream::connect(a).await.map_err(|e| e.to_string()),
            None => Err("connection refused".to_string()),
        };
        match conn {
            Ok(tcp) => {
                let (mut rd, wr) = tcp.into_split();
                writers.push(Some(wr));
                let tx = out_tx.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 32 * 1024];
                    loop {
                        match rd.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                if tx
                                    .send(Out::Frame(frame(2 * i as u8, &buf[..n])))
                                    .await
                                    .is_err()
                                {
                                    return;
                                }
                            }
                        }
                    }
                    let _ = tx.send(Out::Done).await;
                });
            }
            Err(_) => {
                writers.push(None);
                // The kubelet's text, with containerd's inner error for a port nobody listens on.
                let msg = spdy::refused_message(*port, &pod, &uid);
                if sink
                    .send(frame(2 * i as u8 + 1, msg.as_bytes()))
                    .await
                    .is_err()
                {
                    return;
                }
                open -= 1;
            }
        }
    }
    if open == 0 {
        let _ = sink.send(Message::Close(None)).await;
        return;
    }
    loop {
        tokio::select! {
            msg = stream.next() => match msg {
                Some(Ok(Message::Binary(data))) if data.len() > 1 => {
                    let ch = data[0] as usize;
                    if ch.is_multiple_of(2)
                        && let Some(Some(w)) = writers.get_mut(ch / 2)
                        && w.write_all(&data[1..]).await.is_err()
                    {
                        writers[ch / 2] = None;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                    let _ = sink.send(Message::Close(None)).await;
                    return;
                }
                Some(Ok(_)) => {}
            },
            out = out_rx.recv() => match out {
                Some(Out::Frame(m)) => {
                    if sink.send(m).await.is_err() {
                        return;
                    }
                }
                Some(Out::Done) => {
                    open -= 1;
                    if open == 0 {
                        let _ = sink.send(Message::Close(None)).await;
                        return;
                    }
                }
                None => return,
            },
        }
    }
}
