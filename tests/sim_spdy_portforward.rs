//! The simulator's SPDY/3.1 port-forward driven by a hand-written client (the framing and
//! header compression are the simulator's own, exported for this): bytes round trip, a port
//! nobody listens on gets the kubelet's error, and bad clients (malformed frames, a websocket
//! closed mid-frame, a client that never reads) end only their own connection while a good
//! client, SPDY and kube's v4 `Portforwarder` alike, carries on.

mod common;

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use common::Bounded;
use futures::{SinkExt, StreamExt};
use k8s_openapi::api::core::v1::Pod;
use kdoc::sim::Sim;
use kdoc::sim::backend::Backend;
use kdoc::sim::scenario::build::{c, pod};
use kdoc::sim::scenario::{BackendSpec, Scenario};
use kdoc::sim::spdy::frame::{self, Frame};
use kdoc::sim::spdy::zlib::HeaderCodec;
use kube::Api;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn scenario() -> Scenario {
    let base = jiff::Timestamp::now();
    let web = pod(base, "pf", "web", 60)
        .container(c("app", "busybox").port("echo", 9000).port("http", 8080))
        .build();
    Scenario {
        name: "pf".into(),
        objects: vec![web],
        backends: vec![BackendSpec {
            ns: "pf".into(),
            pod: "web".into(),
            port: 9000,
            backend: Backend::Echo,
        }],
        ..Default::default()
    }
}

const PATH: &str = "/api/v1/namespaces/pf/pods/web/portforward";

/// A SPDY client over kubectl's fallback: `POST ... Upgrade: SPDY/3.1`.
struct Client {
    io: TcpStream,
    codec: HeaderCodec,
    buf: BytesMut,
    next_id: u32,
}

impl Client {
    async fn connect(sim: &Sim) -> Client {
        let mut io = TcpStream::connect(sim.addr())
            .bounded("connecting to the simulator")
            .await
            .unwrap();
        let req = format!(
            "POST {PATH} HTTP/1.1\r\nHost: {}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\nContent-Length: 0\r\n\r\n",
            sim.addr()
        );
        io.write_all(req.as_bytes()).await.unwrap();
        // The server sends nothing after its 101 until asked, so reading to the blank line is safe.
        let mut head = vec![];
        while !head.ends_with(b"\r\n\r\n") {
            let mut b = [0u8; 1];
            let n = io
                .read(&mut b)
                .bounded("the upgrade response")
                .await
                .unwrap();
            assert_eq!(n, 1, "the server closed during the upgrade: {head:?}");
            head.push(b[0]);
        }
        let head = String::from_utf8_lossy(&head).to_lowercase();
        assert!(head.starts_with("http/1.1 101"), "{head}");
        assert!(
            head.contains("x-stream-protocol-version: portforward.k8s.io"),
            "{head}"
        );
        Client {
            io,
            codec: HeaderCodec::new(),
            buf: BytesMut::new(),
            next_id: 1,
        }
    }

    async fn send(&mut self, b: &[u8]) {
        self.io
            .write_all(b)
            .bounded("writing to the simulator")
            .await
            .unwrap();
    }

    /// The next frame, or None at EOF.
    async fn frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(f) = frame::parse(&mut self.buf).expect("the server's frames parse") {
                return Some(f);
            }
            let n = self
                .io
                .read_buf(&mut self.buf)
                .bounded("a frame from the simulator")
                .await
                .unwrap_or(0);
            if n == 0 {
                return None;
            }
        }
    }

    /// Open an error and a data stream for `port`, as kubectl does per connection; their ids.
    async fn open(&mut self, port: u16) -> (u32, u32) {
        let rid = self.next_id.to_string();
        let port = port.to_string();
        let mut ids = vec![];
        for kind in ["error", "data"] {
            let id = self.next_id;
            self.next_id += 2;
            let h = self
                .codec
                .encode(&[("streamType", kind), ("port", &port), ("requestID", &rid)])
                .unwrap();
            let mut b = BytesMut::new();
            frame::syn_stream(&mut b, id, 0, &h);
            self.send(&b).await;
            ids.push(id);
        }
        // kubectl half-closes the error stream at once: it only reads it.
        let mut b = BytesMut::new();
        frame::data(&mut b, ids[0], true, b"");
        self.send(&b).await;
        let mut replied = 0;
        while replied < 2 {
            match self.frame().await.expect("SYN_REPLYs") {
                Frame::SynReply {
                    stream_id, headers, ..
                } => {
                    assert!(ids.contains(&stream_id));
                    self.codec
                        .decode(&headers)
                        .expect("a valid reply header block");
                    replied += 1;
                }
                other => panic!("expected SYN_REPLY, got {other:?}"),
            }
        }
        (ids[0], ids[1])
    }

    async fn data(&mut self, id: u32, fin: bool, data: &[u8]) {
        let mut b = BytesMut::new();
        frame::data(&mut b, id, fin, data);
        self.send(&b).await;
    }

    /// Everything on the two streams until both end: (error text, data).
    async fn until_closed(&mut self, err_id: u32, data_id: u32) -> (String, Vec<u8>) {
        let (mut err, mut data) = (vec![], vec![]);
        let mut open = 2;
        while open > 0 {
            match self
                .frame()
                .await
                .expect("the streams end before the connection")
            {
                Frame::Data {
                    stream_id,
                    flags,
                    data: d,
                } => {
                    if stream_id == err_id {
                        err.extend_from_slice(&d);
                    } else if stream_id == data_id {
                        data.extend_from_slice(&d);
                    }
                    if flags & frame::FLAG_FIN != 0 {
                        open -= 1;
                    }
                }
                Frame::RstStream { .. } => panic!("a stream was reset"),
                _ => {}
            }
        }
        (String::from_utf8_lossy(&err).into_owned(), data)
    }
}

/// A good client: 1 MB through the echo service, back unchanged.
async fn echo_round_trip(sim: &Sim) {
    let mut c = Client::connect(sim).await;
    let (e, d) = c.open(9000).await;
    let payload: Vec<u8> = (0..1_000_000u32).map(|i| (i % 253) as u8).collect();
    c.data(d, true, &payload).await;
    let (err, got) = c.until_closed(e, d).await;
    assert_eq!(err, "");
    assert_eq!(got.len(), payload.len());
    assert!(got == payload, "the bytes come back unchanged");
}

/// A good client of the other protocol: kube's Portforwarder over v4.
async fn v4_round_trip(sim: &Sim) {
    let pods: Api<Pod> = Api::namespaced(common::client(sim), "pf");
    let mut pf = pods
        .portforward("web", &[9000])
        .bounded("a v4 port-forward")
        .await
        .unwrap();
    let mut s = pf.take_stream(9000).unwrap();
    s.write_all(b"still here").await.unwrap();
    let mut got = [0u8; 10];
    s.read_exact(&mut got).bounded("the v4 echo").await.unwrap();
    assert_eq!(&got, b"still here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_round_trip_and_several_connections_share_one_session() {
    let sim = common::start(scenario()).await;
    echo_round_trip(&sim).await;
    let mut c = Client::connect(&sim).await;
    let (e1, d1) = c.open(9000).await;
    let (e2, d2) = c.open(9000).await;
    c.data(d2, true, b"second").await;
    c.data(d1, true, b"first").await;
    let mut got = std::collections::HashMap::<u32, Vec<u8>>::new();
    let mut fins = 0;
    while fins < 4 {
        match c.frame().await {
            Some(Frame::Data {
                stream_id,
                flags,
                data,
            }) => {
                got.entry(stream_id).or_default().extend_from_slice(&data);
                fins += usize::from(flags & frame::FLAG_FIN != 0);
            }
            Some(_) => {}
            None => panic!("the connection ended early"),
        }
    }
    assert_eq!(got[&d1], b"first");
    assert_eq!(got[&d2], b"second");
    assert!(got.get(&e1).is_none_or(|v| v.is_empty()));
    assert!(got.get(&e2).is_none_or(|v| v.is_empty()));
    // A ping is answered with the same id.
    let mut b = BytesMut::new();
    frame::ping(&mut b, 7);
    c.send(&b).await;
    assert_eq!(c.frame().await, Some(Frame::Ping(7)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_nobody_listens_on_gets_the_kubelets_error() {
    let sim = common::start(scenario()).await;
    let mut c = Client::connect(&sim).await;
    let (e, d) = c.open(8080).await;
    let (err, data) = c.until_closed(e, d).await;
    assert!(
        err.starts_with("error forwarding port 8080 to pod web, uid "),
        "{err}"
    );
    assert!(err.contains("connect: connection refused"), "{err}");
    assert!(data.is_empty());
    // The connection is still good for the next forward.
    let (e, d) = c.open(9000).await;
    c.data(d, true, b"ok").await;
    assert_eq!(c.until_closed(e, d).await, (String::new(), b"ok".to_vec()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_without_a_port_is_reset_as_the_kubelet_rejects_it() {
    let sim = common::start(scenario()).await;
    let mut c = Client::connect(&sim).await;
    let h = c.codec.encode(&[("streamType", "data")]).unwrap();
    let mut b = BytesMut::new();
    frame::syn_stream(&mut b, 1, 0, &h);
    c.send(&b).await;
    assert_eq!(
        c.frame().await,
        Some(Frame::RstStream {
            stream_id: 1,
            status: frame::CANCEL
        })
    );
    c.next_id = 3;
    let (e, d) = c.open(9000).await;
    c.data(d, true, b"after").await;
    assert_eq!(c.until_closed(e, d).await.1, b"after");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_end_that_connection_only() {
    let sim = common::start(scenario()).await;
    let bad: [&[u8]; 3] = [
        // A SPDY/2 control frame.
        &[0x80, 2, 0, 1, 0, 0, 0, 0],
        // RST_STREAM too short for its type.
        &[0x80, 3, 0, 3, 0, 0, 0, 2, 0, 1],
        // SYN_STREAM whose header block is not zlib.
        &[
            0x80, 3, 0, 1, 0, 0, 0, 14, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, b'j', b'u', b'n', b'k',
        ],
    ];
    for b in bad {
        let mut c = Client::connect(&sim).await;
        c.send(b).await;
        match c.frame().await {
            Some(Frame::GoAway { status, .. }) => {
                assert_eq!(status, frame::GOAWAY_PROTOCOL_ERROR)
            }
            other => panic!("{b:?}: expected GOAWAY, got {other:?}"),
        }
        assert_eq!(c.frame().await, None, "then the connection closes");
    }
    echo_round_trip(&sim).await;
    v4_round_trip(&sim).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_closed_mid_frame_ends_quietly() {
    let sim = common::start(scenario()).await;
    let mut req = format!("ws://{}{PATH}", sim.addr())
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "SPDY/3.1+portforward.k8s.io".parse().unwrap(),
    );
    let (mut ws, resp) = tokio_tungstenite::connect_async(req)
        .bounded("the websocket tunnel")
        .await
        .expect("the tunnel upgrade");
    assert_eq!(
        resp.headers()["sec-websocket-protocol"],
        "SPDY/3.1+portforward.k8s.io"
    );
    // Half of a SYN_STREAM, then the client goes away.
    let mut b = BytesMut::new();
    frame::syn_stream(
        &mut b,
        1,
        0,
        &HeaderCodec::new().encode(&[("port", "9000")]).unwrap(),
    );
    ws.send(Message::Binary(Bytes::copy_from_slice(&b[..7])))
        .await
        .unwrap();
    ws.close(None).await.unwrap();
    let end = async {
        while let Some(Ok(m)) = ws.next().await {
            if m.is_close() {
                break;
            }
        }
    };
    end.bounded("the server ending the tunnel").await;
    echo_round_trip(&sim).await;
    v4_round_trip(&sim).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_does_not_stop_the_others() {
    let sim = common::start(scenario()).await;
    let mut stuck = Client::connect(&sim).await;
    let (_, d) = stuck.open(9000).await;
    // Push echo traffic without ever reading it back, until the socket will take no more.
    let chunk = vec![7u8; 256 * 1024];
    let mut frames = BytesMut::new();
    frame::data(&mut frames, d, false, &chunk);
    let mut sent = 0usize;
    loop {
        match tokio::time::timeout(Duration::from_secs(2), stuck.io.write_all(&frames)).await {
            Ok(Ok(())) => sent += chunk.len(),
            _ => break,
        }
        assert!(sent < 1 << 30, "the server applies back-pressure");
    }
    // Everyone else is served meanwhile.
    echo_round_trip(&sim).await;
    v4_round_trip(&sim).await;
    drop(stuck);
    echo_round_trip(&sim).await;
}
