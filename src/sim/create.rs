//! POST to a collection: create an object of any kind the simulator serves, a CRD included
//! (which then serves its kinds), with the apiserver's errors for the usual mistakes.

use std::sync::Arc;

use http_body_util::{BodyExt, Limited};
use hyper::Request;
use hyper::body::Incoming;
use serde_json::{Value, json};

use super::http::{Body, error, full};
use super::resources::ResourceType;
use super::state::SimState;
use super::status::ApiError;
use super::store::{CreateError, str_at};

/// The apiserver's default request body limit is 3 MiB.
const MAX_BODY: usize = 3 << 20;

pub async fn handle(
    state: Arc<SimState>,
    idx: usize,
    rt: ResourceType,
    ns: Option<String>,
    dry_run: bool,
    req: Request<Incoming>,
) -> hyper::Response<Body> {
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return error(&ApiError::bad_request(format!("reading the body: {e}"))),
    };
    match create(&state, idx, &rt, ns.as_deref(), dry_run, &body) {
        Ok(v) => full(201, "application/json", v),
        Err(e) => error(&e),
    }
}

fn create(
    state: &SimState,
    idx: usize,
    rt: &ResourceType,
    ns: Option<&str>,
    dry_run: bool,
    body: &[u8],
) -> Result<Vec<u8>, ApiError> {
    if body.starts_with(b"k8s\0") {
        return Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json (the simulator decodes no protobuf objects)",
        ));
    }
    let mut obj: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}"))
    })?;
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "couldn't get version/kind; json parse error: the body is not an object",
        ));
    }
    for (field, want) in [("apiVersion", rt.api_version()), ("kind", rt.kind.clone())] {
        match obj[field].as_str() {
            None | Some("") => obj[field] = json!(want),
            Some(got) if got != want => {
                return Err(ApiError::bad_request(format!(
                    "the {field} of the object ({got}) does not match the resource it was sent to ({want})"
                )));
            }
            Some(_) => {}
        }
    }
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    let meta = &mut obj["metadata"];
    if rt.namespaced {
        let url_ns = ns.unwrap_or("");
        match str_at(meta, &["namespace"]) {
            "" => meta["namespace"] = json!(url_ns),
            given if given != url_ns => {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => {}
        }
    }
    if str_at(meta, &["name"]).is_empty() {
        let prefix = str_at(meta, &["generateName"]).to_string();
        if prefix.is_empty() {
            return Err(ApiError::invalid(
                &rt.kind,
                &rt.group,
                "",
                &[(
                    "metadata.name".into(),
                    "Required value: name or generateName is required".into(),
                )],
            ));
        }
        meta["name"] = json!(format!("{prefix}{}", suffix(state)));
    }
    let name = str_at(meta, &["name"]).to_string();
    if dry_run {
        return Ok(serde_json::to_vec(&obj).unwrap_or_default());
    }
    match state.store.create(idx, obj) {
        Ok(stored) => Ok(stored.json.to_vec()),
        Err(CreateError::Exists(name)) => {
            Err(ApiError::already_exists(&rt.plural, &rt.group, &name))
        }
        Err(CreateError::NoNamespace(ns)) => Err(ApiError::not_found("namespaces", "", &ns)),
        Err(CreateError::Invalid(problems)) => {
            Err(ApiError::invalid(&rt.kind, &rt.group, &name, &problems))
        }
        Err(CreateError::NoKind) => Err(ApiError::no_route()),
    }
}

/// Five characters from the apiserver's name generator alphabet (no vowels, no 0/1/3).
fn suffix(state: &SimState) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut n = state.store.resource_version() ^ 0x9e37_79b9_7f4a_7c15;
    (0..5)
        .map(|_| {
            n = n
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ALPHABET[((n >> 33) % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}
