//! kubectl's port-forward protocol: SPDY/3.1 with `portforward.k8s.io` streams, reached either
//! by an HTTP/1.1 `Upgrade: SPDY/3.1` (the classic path) or tunnelled inside a websocket whose
//! binary messages carry the SPDY bytes (`SPDY/3.1+portforward.k8s.io`, kubectl 1.31+).

pub mod frame;
mod session;
pub mod zlib;

use std::time::Duration;

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Message;

pub use session::{Target, refused_message, serve};

/// The websocket subprotocol kubectl offers for the tunnel.
pub const TUNNEL_PROTOCOL: &str = "SPDY/3.1+portforward.k8s.io";
/// The stream protocol of the SPDY upgrade (`X-Stream-Protocol-Version`).
pub const STREAM_PROTOCOL: &str = "portforward.k8s.io";

/// After one side of the tunnel ends, how long the other gets to finish.
const LINGER: Duration = Duration::from_secs(5);

/// Serve SPDY carried in a websocket's binary messages. Message boundaries mean nothing: the
/// messages are one byte stream, as client-go's TunnelingConnection writes it.
pub async fn serve_websocket<S>(ws: WebSocketStream<S>, target: Target)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let (ours, theirs) = tokio::io::duplex(256 * 1024);
    let session = tokio::spawn(serve(ours, target));
    let (mut sink, mut stream) = ws.split();
    let (mut rd, mut wr) = tokio::io::split(theirs);
    let inbound = async move {
        while let Some(msg) = stream.next().await {
            match msg {
                Ok(Message::Binary(d)) => {
                    if wr.write_all(&d).await.is_err() {
                        break;
                    }
                }
                Ok(Message::Close(_)) | Err(_) => break,
                // Text and pings carry no SPDY; tungstenite answers pings itself.
                Ok(_) => {}
            }
        }
        // The session sees EOF, even mid-frame, and ends every stream.
        let _ = wr.shutdown().await;
    };
    let outbound = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if sink
                        .send(Message::Binary(Bytes::copy_from_slice(&buf[..n])))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
        let _ = sink.send(Message::Close(None)).await;
    };
    tokio::pin!(inbound, outbound);
    tokio::select! {
        _ = &mut inbound => { let _ = tokio::time::timeout(LINGER, &mut outbound).await; }
        _ = &mut outbound => { let _ = tokio::time::timeout(LINGER, &mut inbound).await; }
    }
    session.abort();
}
