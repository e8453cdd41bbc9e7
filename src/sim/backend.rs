//! In-process TCP services that stand behind simulated container ports, so port-forwards reach
//! something real: a small HTTP responder with fixed routes, or a byte echo.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::watch;

#[derive(Debug, Clone)]
pub struct HttpRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: String,
}

#[derive(Debug, Clone)]
pub enum Backend {
    Http(Vec<HttpRoute>),
    /// Writes back whatever it reads: handy for byte-exact port-forward tests.
    Echo,
}

/// Start the service on an ephemeral loopback port; it runs until `stop` turns true.
pub async fn start(backend: Backend, stop: watch::Receiver<bool>) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let backend = Arc::new(backend);
    tokio::spawn(async move {
        loop {
            let mut s = stop.clone();
            let (mut sock, _) = tokio::select! {
                r = listener.accept() => match r { Ok(x) => x, Err(_) => continue },
                _ = crate::sim::state::until_true(&mut s) => return,
            };
            let backend = backend.clone();
            tokio::spawn(async move {
                match &*backend {
                    Backend::Echo => {
                        let mut buf = vec![0u8; 16 * 1024];
                        while let Ok(n) = sock.read(&mut buf).await {
                            if n == 0 || sock.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    }
                    Backend::Http(routes) => {
                        let routes = routes.clone();
                        let svc = service_fn(move |req: Request<hyper::body::Incoming>| {
                            let routes = routes.clone();
                            async move { Ok::<_, std::convert::Infallible>(respond(&routes, req).await) }
                        });
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(sock), svc)
                            .await;
                    }
                }
            });
        }
    });
    Ok(addr)
}

async fn respond(
    routes: &[HttpRoute],
    req: Request<hyper::body::Incoming>,
) -> Response<Full<Bytes>> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    // Drain the request body so keep-alive connections stay in sync.
    let _ = req.into_body().collect().await;
    let hit = routes.iter().find(|r| r.path == path && r.method == method);
    let (status, ct, body) = match hit {
        Some(r) => (200, r.content_type, r.body.clone()),
        None if routes.iter().any(|r| r.path == path) => {
            (405, "text/plain", "Method Not Allowed\n".to_string())
        }
        None => (404, "text/plain", "404 page not found\n".to_string()),
    };
    Response::builder()
        .status(status)
        .header("content-type", ct)
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
