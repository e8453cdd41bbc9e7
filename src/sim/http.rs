//! Response building blocks: JSON bodies, Status errors, and streamed bodies fed by a channel.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::Frame;
use hyper::{Response, StatusCode, header};
use serde_json::Value;
use tokio::sync::mpsc;

use super::status::ApiError;

pub type Body = BoxBody<Bytes, Infallible>;

pub fn full(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, content_type)
        .body(Full::new(body.into()).boxed())
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed()))
}

pub fn json(value: &Value) -> Response<Body> {
    full(
        200,
        "application/json",
        serde_json::to_vec(value).unwrap_or_default(),
    )
}

pub fn error(err: &ApiError) -> Response<Body> {
    full(
        err.code,
        "application/json",
        serde_json::to_vec(&err.to_json()).unwrap_or_default(),
    )
}

/// A chunked body: each message on the channel is written (and flushed) as it arrives; the body
/// ends when every sender is dropped.
pub fn streamed(content_type: &str) -> (mpsc::Sender<Bytes>, Response<Body>) {
    let (tx, mut rx) = mpsc::channel::<Bytes>(64);
    let stream = futures::stream::poll_fn(move |cx| {
        rx.poll_recv(cx)
            .map(|o| o.map(|b| Ok::<_, Infallible>(Frame::data(b))))
    });
    let resp = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-cache, private")
        .body(BodyExt::boxed(StreamBody::new(stream)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed()));
    (tx, resp)
}
