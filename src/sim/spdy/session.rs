//! One SPDY/3.1 port-forward connection, served as the kubelet's `httpstream` handler serves it:
//! the client opens an error stream and a data stream per forwarded connection, paired by their
//! `requestID` header; the data stream is spliced to the pod's port, and the error stream gets
//! the kubelet's error text (if any) and a FIN when the forward ends.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};

use super::frame::{self, Frame};
use super::zlib::{self, HeaderCodec};

/// The kubelet's `streamCreationTimeout`: how long the first stream of a pair waits for the other.
const PAIR_TIMEOUT: Duration = Duration::from_secs(30);
/// A client that reads nothing for this long is dropped, so its forwards and backends are freed.
const WRITE_STALL: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const READ_CHUNK: usize = 32 * 1024;

/// Whose ports are forwarded, and where each port's service listens.
#[derive(Clone)]
pub struct Target {
    pub pod: String,
    pub uid: String,
    pub lookup: Arc<dyn Fn(u16) -> Option<SocketAddr> + Send + Sync>,
}

/// The kubelet's text for a port nobody listens on (with containerd's inner error), the same as
/// the v4 websocket protocol sends.
pub fn refused_message(port: u16, pod: &str, uid: &str) -> String {
    format!(
        "error forwarding port {port} to pod {pod}, uid {uid}: failed to execute portforward in network namespace \"/var/run/netns/cni-{uid}\": failed to connect to localhost:{port} inside namespace \"{pod}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 [::1]:{port}: connect: connection refused "
    )
}

enum Out {
    Reply(u32),
    Data { id: u32, fin: bool, data: Bytes },
    Rst(u32, u32),
    Ping(u32),
    GoAway(u32, u32),
}

enum Event {
    PairTimeout(String),
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Error,
    Data,
}

#[derive(Default)]
struct Pair {
    error: Option<u32>,
    data: Option<u32>,
    port: u16,
}

struct Forward {
    error_id: u32,
    to_backend: Option<mpsc::Sender<Bytes>>,
    task: AbortHandle,
}

/// Serve one connection until the client goes away, breaks the protocol, or stops reading.
pub async fn serve<IO>(io: IO, target: Target)
where
    IO: AsyncRead + AsyncWrite + Send + 'static,
{
    serve_with(io, target, WRITE_STALL).await
}

async fn serve_with<IO>(io: IO, target: Target, stall: Duration)
where
    IO: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut rd, wr) = tokio::io::split(io);
    let (out_tx, out_rx) = mpsc::channel::<Out>(64);
    let mut writer = tokio::spawn(write_loop(wr, out_rx, stall));
    let mut writer_done = false;
    let mut session = Session {
        target,
        out: out_tx,
        streams: HashMap::new(),
        pairs: HashMap::new(),
        forwards: HashMap::new(),
        tasks: JoinSet::new(),
        inflate: HeaderCodec::new(),
        last_stream: 0,
    };
    let (ev_tx, mut ev_rx) = mpsc::channel::<Event>(16);
    let mut buf = BytesMut::with_capacity(64 * 1024);
    'conn: loop {
        loop {
            match frame::parse(&mut buf) {
                Ok(Some(f)) => {
                    if !session.on_frame(f, &ev_tx).await {
                        break 'conn;
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    // spdystream drops the connection on a framing error; say why first.
                    let _ = session
                        .out
                        .send(Out::GoAway(
                            session.last_stream,
                            frame::GOAWAY_PROTOCOL_ERROR,
                        ))
                        .await;
                    break 'conn;
                }
            }
        }
        buf.reserve(READ_CHUNK);
        tokio::select! {
            r = rd.read_buf(&mut buf) => match r {
                // EOF, even in the middle of a frame: the client is gone.
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            },
            Some(Event::PairTimeout(id)) = ev_rx.recv() => session.pair_timeout(&id).await,
            // The client stopped reading (or went away): nothing more can reach it.
            _ = &mut writer => {
                writer_done = true;
                break;
            }
        }
    }
    // Dropping the session aborts every forward and closes the writer once it has drained.
    drop(session);
    if !writer_done {
        let _ = writer.await;
    }
}

struct Session {
    target: Target,
    out: mpsc::Sender<Out>,
    streams: HashMap<u32, (String, Kind)>,
    pairs: HashMap<String, Pair>,
    /// By data stream id.
    forwards: HashMap<u32, Forward>,
    tasks: JoinSet<()>,
    inflate: HeaderCodec,
    last_stream: u32,
}

impl Session {
    /// Handle one frame; false ends the connection.
    async fn on_frame(&mut self, f: Frame, ev: &mpsc::Sender<Event>) -> bool {
        match f {
            Frame::SynStream {
                stream_id, headers, ..
            } => {
                // The inflate context spans the connection: a bad block poisons it.
                let Ok(h) = self.inflate.decode(&headers) else {
                    let _ = self
                        .out
                        .send(Out::GoAway(self.last_stream, frame::GOAWAY_PROTOCOL_ERROR))
                        .await;
                    return false;
                };
                if stream_id % 2 == 0 || self.streams.contains_key(&stream_id) {
                    return self.send(Out::Rst(stream_id, frame::PROTOCOL_ERROR)).await;
                }
                self.last_stream = self.last_stream.max(stream_id);
                match validate(&h, stream_id) {
                    Ok((request_id, kind, port)) => {
                        if !self.send(Out::Reply(stream_id)).await {
                            return false;
                        }
                        self.add_stream(stream_id, request_id, kind, port, ev).await
                    }
                    // The kubelet rejects the stream (spdystream's Reset sends CANCEL).
                    Err(_) => self.send(Out::Rst(stream_id, frame::CANCEL)).await,
                }
            }
            Frame::Data {
                stream_id,
                flags,
                data,
            } => {
                let fin = flags & frame::FLAG_FIN != 0;
                if let Some(fw) = self.forwards.get_mut(&stream_id) {
                    if !data.is_empty()
                        && let Some(tx) = &fw.to_backend
                        && tx.send(data).await.is_err()
                    {
                        fw.to_backend = None;
                    }
                    if fin {
                        // Half-close: the backend sees EOF and answers what it has.
                        fw.to_backend = None;
                    }
                    true
                } else if self.streams.contains_key(&stream_id) {
                    // Data on an error stream, or on a data stream still waiting for its pair:
                    // the kubelet reads nothing from the former, and kubectl sends nothing early.
                    true
                } else {
                    self.send(Out::Rst(stream_id, frame::INVALID_STREAM)).await
                }
            }
            Frame::RstStream { stream_id, .. } => {
                if let Some(fw) = self.forwards.remove(&stream_id) {
                    fw.task.abort();
                    self.streams.remove(&fw.error_id);
                }
                self.streams.remove(&stream_id);
                true
            }
            Frame::Ping(id) => self.send(Out::Ping(id)).await,
            Frame::GoAway { .. } => false,
            Frame::SynReply { .. }
            | Frame::Settings
            | Frame::Headers { .. }
            | Frame::WindowUpdate { .. }
            | Frame::Unknown(_) => true,
        }
    }

    async fn send(&self, o: Out) -> bool {
        self.out.send(o).await.is_ok()
    }

    async fn add_stream(
        &mut self,
        id: u32,
        request_id: String,
        kind: Kind,
        port: u16,
        ev: &mpsc::Sender<Event>,
    ) -> bool {
        // Reap finished forwards and timers, so a long session does not grow without bound.
        while self.tasks.try_join_next().is_some() {}
        self.forwards.retain(|_, f| !f.task.is_finished());
        self.streams.insert(id, (request_id.clone(), kind));
        let pair = self.pairs.entry(request_id.clone()).or_default();
        let first = pair.error.is_none() && pair.data.is_none();
        match kind {
            Kind::Error => pair.error = Some(id),
            Kind::Data => pair.data = Some(id),
        }
        pair.port = port;
        if first {
            let ev = ev.clone();
            let rid = request_id.clone();
            self.tasks.spawn(async move {
                tokio::time::sleep(PAIR_TIMEOUT).await;
                let _ = ev.send(Event::PairTimeout(rid)).await;
            });
        }
        if let Pair {
            error: Some(e),
            data: Some(d),
            port,
        } = *pair
        {
            self.pairs.remove(&request_id);
            self.start(e, d, port);
        }
        true
    }

    async fn pair_timeout(&mut self, request_id: &str) {
        let Some(p) = self.pairs.remove(request_id) else {
            return;
        };
        if let Some(e) = p.error {
            let msg = format!(
                "(conn=&{{{}}}, request={request_id}) timed out waiting for streams",
                self.target.pod
            );
            let _ = self
                .out
                .send(Out::Data {
                    id: e,
                    fin: true,
                    data: Bytes::from(msg),
                })
                .await;
        }
        for id in [p.error, p.data].into_iter().flatten() {
            self.streams.remove(&id);
            if Some(id) == p.data {
                let _ = self
                    .out
                    .send(Out::Data {
                        id,
                        fin: true,
                        data: Bytes::new(),
                    })
                    .await;
            }
        }
    }

    fn start(&mut self, error_id: u32, data_id: u32, port: u16) {
        let (to_backend, from_client) = mpsc::channel::<Bytes>(16);
        let out = self.out.clone();
        let target = self.target.clone();
        let task = self.tasks.spawn(async move {
            let err = forward(port, &target, data_id, from_client, &out).await;
            // The kubelet writes its error, then closes both streams (its deferred Closes).
            if let Some(msg) = err {
                let _ = out
                    .send(Out::Data {
                        id: error_id,
                        fin: false,
                        data: Bytes::from(msg),
                    })
                    .await;
            }
            for id in [data_id, error_id] {
                let _ = out
                    .send(Out::Data {
                        id,
                        fin: true,
                        data: Bytes::new(),
                    })
                    .await;
            }
        });
        self.forwards.insert(
            data_id,
            Forward {
                error_id,
                to_backend: Some(to_backend),
                task,
            },
        );
    }
}

/// Check a new stream's headers as the kubelet's `httpStreamReceived` does, and find its pair's
/// request id (old clients send none: then the error stream's id names the pair).
fn validate(h: &zlib::Headers, stream_id: u32) -> Result<(String, Kind, u16), String> {
    let port_s = zlib::get(h, "port").unwrap_or("");
    if port_s.is_empty() {
        return Err("\"port\" header is required".into());
    }
    let port = match port_s.parse::<u16>() {
        Ok(0) => return Err(format!("port {port_s:?} must be > 0")),
        Ok(p) => p,
        Err(e) => return Err(format!("unable to parse {port_s:?} as a port: {e}")),
    };
    let kind = match zlib::get(h, "streamType").unwrap_or("") {
        "" => return Err("\"streamType\" header is required".into()),
        "error" => Kind::Error,
        "data" => Kind::Data,
        other => return Err(format!("invalid stream type {other:?}")),
    };
    let request_id = match zlib::get(h, "requestID") {
        Some(r) if !r.is_empty() => r.to_string(),
        _ if kind == Kind::Error => stream_id.to_string(),
        _ => stream_id.saturating_sub(2).to_string(),
    };
    Ok((request_id, kind, port))
}

/// Splice the data stream to the pod's port; the kubelet's error text if it cannot.
async fn forward(
    port: u16,
    target: &Target,
    data_id: u32,
    mut from_client: mpsc::Receiver<Bytes>,
    out: &mpsc::Sender<Out>,
) -> Option<String> {
    let refused = || refused_message(port, &target.pod, &target.uid);
    let Some(addr) = (target.lookup)(port) else {
        return Some(refused());
    };
    let tcp = match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
        Ok(Ok(t)) => t,
        _ => return Some(refused()),
    };
    let _ = tcp.set_nodelay(true);
    let (mut rd, mut wr) = tcp.into_split();
    let upstream = async move {
        while let Some(b) = from_client.recv().await {
            if wr.write_all(&b).await.is_err() {
                return;
            }
        }
        let _ = wr.shutdown().await;
        // Keep the write half until the read side ends, as a half-closed socket.
        std::future::pending::<()>().await
    };
    let downstream = async {
        let mut buf = BytesMut::with_capacity(READ_CHUNK);
        loop {
            buf.reserve(READ_CHUNK);
            match rd.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    let data = buf.split().freeze();
                    if out
                        .send(Out::Data {
                            id: data_id,
                            fin: false,
                            data,
                        })
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
    };
    tokio::select! {
        _ = upstream => {}
        _ = downstream => {}
    }
    None
}

async fn write_loop<W: AsyncWrite>(wr: W, mut rx: mpsc::Receiver<Out>, stall: Duration) {
    tokio::pin!(wr);
    let mut deflate = HeaderCodec::new();
    let mut buf = BytesMut::with_capacity(64 * 1024);
    while let Some(o) = rx.recv().await {
        encode(&mut buf, &mut deflate, o);
        // Batch whatever else is ready into one write.
        while buf.len() < 256 * 1024 {
            match rx.try_recv() {
                Ok(o) => encode(&mut buf, &mut deflate, o),
                Err(_) => break,
            }
        }
        let chunk = buf.split();
        match tokio::time::timeout(stall, wr.write_all(&chunk)).await {
            Ok(Ok(())) => {}
            _ => return,
        }
    }
    let _ = wr.shutdown().await;
}

fn encode(buf: &mut BytesMut, deflate: &mut HeaderCodec, o: Out) {
    match o {
        Out::Reply(id) => {
            // An empty header block, as the kubelet's SendReply(http.Header{}) sends.
            let block = deflate.encode(&[]).unwrap_or_default();
            frame::syn_reply(buf, id, 0, &block);
        }
        Out::Data { id, fin, data } => frame::data(buf, id, fin, &data),
        Out::Rst(id, status) => frame::rst_stream(buf, id, status),
        Out::Ping(id) => frame::ping(buf, id),
        Out::GoAway(last, status) => frame::goaway(buf, last, status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::backend::{self, Backend};

    /// A client that sends echo traffic and never reads is dropped once the server's writes
    /// stall, freeing its forwards; the session does not wait for the client to go away.
    #[tokio::test]
    async fn a_client_that_never_reads_is_dropped() {
        let (_stop, stop_rx) = tokio::sync::watch::channel(false);
        let echo = backend::start(Backend::Echo, stop_rx).await.unwrap();
        let target = Target {
            pod: "web".into(),
            uid: "u".into(),
            lookup: Arc::new(move |_| Some(echo)),
        };
        let (ours, mut theirs) = tokio::io::duplex(64 * 1024);
        let session = tokio::spawn(serve_with(ours, target, Duration::from_millis(300)));
        let mut codec = HeaderCodec::new();
        let mut b = BytesMut::new();
        for (id, kind) in [(1, "error"), (3, "data")] {
            let h = codec
                .encode(&[("streamType", kind), ("port", "9000"), ("requestID", "1")])
                .unwrap();
            frame::syn_stream(&mut b, id, 0, &h);
        }
        theirs.write_all(&b).await.unwrap();
        let chunk = vec![1u8; 64 * 1024];
        let writer = async {
            let mut frames = BytesMut::new();
            frame::data(&mut frames, 3, false, &chunk);
            loop {
                if theirs.write_all(&frames).await.is_err() {
                    return;
                }
            }
        };
        tokio::select! {
            _ = writer => {}
            r = tokio::time::timeout(Duration::from_secs(20), session) => {
                r.expect("the session ends by itself").unwrap();
            }
        }
    }
}
