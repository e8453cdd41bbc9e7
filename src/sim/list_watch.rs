//! list, get and watch on a resource collection.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use bytes::{BufMut, Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::Response;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::http::{Body, error, full, streamed};
use super::query::Query;
use super::resources::ResourceType;
use super::selector::{FieldSelector, LabelSelector, labels_match, parse_labels};
use super::state::SimState;
use super::status::ApiError;
use super::store::{EventType, ObjKey, Since, Stored, WatchEvent, str_at};
use super::table;

pub struct Ctx<'a> {
    pub state: &'a Arc<SimState>,
    pub idx: usize,
    pub rt: &'a ResourceType,
    pub ns: Option<&'a str>,
    pub query: &'a Query,
    pub accept: &'a str,
}

fn wants_table(accept: &str) -> bool {
    accept.contains("as=Table")
}

pub fn get(ctx: Ctx<'_>, name: &str) -> Response<Body> {
    let ns = ctx.ns.unwrap_or("");
    match ctx.state.store.get(ctx.idx, ns, name) {
        None => error(&ApiError::not_found(&ctx.rt.plural, &ctx.rt.group, name)),
        Some(obj) if wants_table(ctx.accept) => {
            let rv = ctx.state.store.resource_version();
            super::http::json(&table::render(
                ctx.rt,
                &[obj],
                rv,
                None,
                ctx.state.now(),
                ctx.query.get("includeObject") == Some("Object"),
            ))
        }
        Some(obj) => full(200, "application/json", obj.json),
    }
}

pub fn collection(ctx: Ctx<'_>) -> Response<Body> {
    match ctx.query.flag("watch") {
        Ok(true) => watch(ctx),
        Ok(false) => list(ctx),
        Err(e) => error(&e),
    }
}

struct Filters {
    labels: LabelSelector,
    fields: FieldSelector,
    /// A label or field selector was given.
    selected: bool,
}

impl Filters {
    fn parse(ctx: &Ctx<'_>) -> Result<Self, ApiError> {
        let given = |k: &str| ctx.query.get(k).is_some_and(|v| !v.is_empty());
        Ok(Filters {
            selected: given("labelSelector") || given("fieldSelector"),
            labels: parse_labels(ctx.query.get("labelSelector").unwrap_or(""))?,
            fields: FieldSelector::parse(
                ctx.query.get("fieldSelector").unwrap_or(""),
                &ctx.rt.kind,
            )?,
        })
    }

    fn matches(&self, obj: &Value) -> bool {
        labels_match(&self.labels, obj) && self.fields.matches(obj)
    }
}

/// The continue token: the resourceVersion of the first page and the last key served.
fn encode_continue(rv: u64, key: &ObjKey) -> String {
    let raw = json!({"rv": rv, "ns": key.0, "name": key.1}).to_string();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode_continue(token: &str) -> Option<(u64, ObjKey)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    let v: Value = serde_json::from_slice(&raw).ok()?;
    Some((
        v["rv"].as_u64()?,
        (
            v["ns"].as_str()?.to_string(),
            v["name"].as_str()?.to_string(),
        ),
    ))
}

fn list(ctx: Ctx<'_>) -> Response<Body> {
    let filters = match Filters::parse(&ctx) {
        Ok(f) => f,
        Err(e) => return error(&e),
    };
    let limit = match ctx.query.int("limit") {
        Ok(l) => l.filter(|l| *l > 0).map(|l| l as usize),
        Err(e) => return error(&e),
    };
    let after = match ctx.query.get("continue").filter(|c| !c.is_empty()) {
        None => None,
        Some(token) => match decode_continue(token) {
            Some(c) => Some(c),
            None => {
                return error(&ApiError::bad_request(
                    "continue key is not valid: illegal base64 data at input byte 0",
                ));
            }
        },
    };
    let page = ctx.state.store.list(
        ctx.idx,
        ctx.ns,
        &|o| filters.matches(o),
        filters.selected,
        after.as_ref().map(|a| &a.1),
        limit,
    );
    // Later pages report the first page's resourceVersion, as a consistent snapshot would.
    let rv = after.as_ref().map_or(page.rv, |a| a.0);
    let cont = page.next.as_ref().map(|k| encode_continue(rv, k));
    if wants_table(ctx.accept) {
        let mut t = table::render(
            ctx.rt,
            &page.items,
            rv,
            cont.as_deref(),
            ctx.state.now(),
            ctx.query.get("includeObject") == Some("Object"),
        );
        if page.remaining > 0 {
            t["metadata"]["remainingItemCount"] = json!(page.remaining);
        }
        return super::http::json(&t);
    }
    full(
        200,
        "application/json",
        list_body(ctx.rt, &page.items, rv, cont.as_deref(), page.remaining),
    )
}

/// `{"kind":"PodList",...,"items":[...]}` built from each object's stored JSON, so listing
/// thousands of objects does not re-serialise them.
fn list_body(
    rt: &ResourceType,
    items: &[Stored],
    rv: u64,
    cont: Option<&str>,
    remaining: usize,
) -> Bytes {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
        meta["remainingItemCount"] = json!(remaining);
    }
    let head = json!({"kind": format!("{}List", rt.kind), "apiVersion": rt.api_version(), "metadata": meta}).to_string();
    let size: usize = items.iter().map(|i| i.json.len() + 1).sum();
    let mut out = BytesMut::with_capacity(head.len() + size + 16);
    out.put_slice(&head.as_bytes()[..head.len() - 1]);
    out.put_slice(b",\"items\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        out.put_slice(&item.json);
    }
    out.put_slice(b"]}");
    out.freeze()
}

fn event_line(kind: &str, object: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(object.len() + 32);
    out.put_slice(b"{\"type\":\"");
    out.put_slice(kind.as_bytes());
    out.put_slice(b"\",\"object\":");
    out.put_slice(object);
    out.put_slice(b"}\n");
    out.freeze()
}

fn bookmark(rt: &ResourceType, rv: u64, initial_end: bool) -> Bytes {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    let obj = json!({"kind": rt.kind, "apiVersion": rt.api_version(), "metadata": meta});
    event_line("BOOKMARK", obj.to_string().as_bytes())
}

fn expired_event(requested: u64, oldest: u64) -> Bytes {
    let status =
        ApiError::expired(format!("too old resource version: {requested} ({oldest})")).to_json();
    event_line("ERROR", status.to_string().as_bytes())
}

/// What a watcher with these filters should see for an event (selector transitions become
/// ADDED/DELETED like the apiserver's cacher does).
fn visible(ev: &WatchEvent, ns: Option<&str>, f: &Filters) -> Option<EventType> {
    if let Some(ns) = ns
        && str_at(&ev.object.value, &["metadata", "namespace"]) != ns
    {
        return None;
    }
    let now = f.matches(&ev.object.value);
    let before = ev.prev.as_ref().is_some_and(|p| f.matches(p));
    match ev.kind {
        EventType::Added => now.then_some(EventType::Added),
        EventType::Deleted => before.then_some(EventType::Deleted),
        EventType::Modified => match (before, now) {
            (true, true) => Some(EventType::Modified),
            (false, true) => Some(EventType::Added),
            (true, false) => Some(EventType::Deleted),
            (false, false) => None,
        },
    }
}

/// A watch asked for `as=Table`: every event carries a one-row Table, and only the first
/// carries the column definitions (the apiserver leaves them out afterwards to save bandwidth,
/// and kubectl reuses the last ones it saw).
struct TableRows {
    state: Arc<SimState>,
    rt: ResourceType,
    full: bool,
    first: bool,
}

fn watch_line(kind: EventType, ev: &WatchEvent, rows: Option<&mut TableRows>) -> Bytes {
    let Some(rows) = rows else {
        return event_line(kind.as_str(), &ev.object.json);
    };
    let mut t = table::render(
        &rows.rt,
        std::slice::from_ref(&ev.object),
        ev.rv,
        None,
        rows.state.now(),
        rows.full,
    );
    if !std::mem::take(&mut rows.first)
        && let Some(o) = t.as_object_mut()
    {
        o.remove("columnDefinitions");
    }
    event_line(kind.as_str(), t.to_string().as_bytes())
}

fn watch(ctx: Ctx<'_>) -> Response<Body> {
    let filters = match Filters::parse(&ctx) {
        Ok(f) => f,
        Err(e) => return error(&e),
    };
    let q = ctx.query;
    let initial_events = match q.flag("sendInitialEvents") {
        Ok(b) => b,
        Err(e) => return error(&e),
    };
    let since = match q.get("resourceVersion").unwrap_or("") {
        "" | "0" => Since::Now,
        rv => match rv.parse::<u64>() {
            Ok(rv) if !initial_events => Since::Rv(rv),
            Ok(_) => Since::Now,
            Err(_) => {
                return error(&ApiError::bad_request(format!(
                    "invalid resource version: {rv}"
                )));
            }
        },
    };
    let bookmarks = q.flag("allowWatchBookmarks").unwrap_or(false);
    // The apiserver's default is a random 30-60 minutes; a fixed 30 keeps tests predictable.
    let timeout = match q.int("timeoutSeconds") {
        Ok(t) => Duration::from_secs(t.filter(|t| *t > 0).unwrap_or(1800) as u64),
        Err(e) => return error(&e),
    };
    let (tx, resp) = streamed("application/json");
    // Counted open for as long as hyper holds the body: until the stream below ends, or until
    // the client goes away and the connection drops the body (and with it the guard).
    let open = ctx.state.watch_opened();
    let resp = resp.map(|body| {
        body.map_frame(move |frame| {
            let _ = &open;
            frame
        })
        .boxed()
    });
    let sub = ctx.state.store.subscribe(ctx.idx, since);
    let rt = ctx.rt.clone();
    let ns = ctx.ns.map(String::from);
    let mut drops = ctx.state.faults.drops();
    let mut expiries = ctx.state.faults.expiries();
    let state = ctx.state.clone();
    let mut shutdown = ctx.state.shutdown_signal();
    let bookmark_every = ctx.state.bookmark_interval;
    let mut rows = wants_table(ctx.accept).then(|| TableRows {
        state: ctx.state.clone(),
        rt: ctx.rt.clone(),
        full: ctx.query.get("includeObject") == Some("Object"),
        first: true,
    });
    tokio::spawn(async move {
        let mut sub = match sub {
            Ok(s) => s,
            Err(too_old) => {
                let _ = tx
                    .send(expired_event(too_old.requested, too_old.oldest))
                    .await;
                return;
            }
        };
        let mut last_rv = sub.rv;
        for ev in &sub.initial {
            if let Some(kind) = visible(ev, ns.as_deref(), &filters)
                && tx.send(watch_line(kind, ev, rows.as_mut())).await.is_err()
            {
                return;
            }
            last_rv = last_rv.max(ev.rv);
        }
        if initial_events && tx.send(bookmark(&rt, last_rv, true)).await.is_err() {
            return;
        }
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut tick = tokio::time::interval(bookmark_every);
        tick.tick().await;
        // No `borrow_and_update` here: a `drop_streams` that came while the initial events were
        // sent (the client may already hold the response) ends this stream too. `drops` was
        // subscribed when the request arrived, so earlier drops do not count.
        loop {
            tokio::select! {
                r = sub.rx.recv() => match r {
                    Ok(ev) => {
                        last_rv = last_rv.max(ev.rv);
                        if let Some(kind) = visible(&ev, ns.as_deref(), &filters)
                            && tx.send(watch_line(kind, &ev, rows.as_mut())).await.is_err() {
                            return;
                        }
                    }
                    Err(RecvError::Lagged(_)) => {
                        let _ = tx.send(expired_event(last_rv, last_rv + 1)).await;
                        return;
                    }
                    Err(RecvError::Closed) => return,
                },
                _ = tick.tick(), if bookmarks => {
                    if tx.send(bookmark(&rt, last_rv, false)).await.is_err() {
                        return;
                    }
                }
                _ = &mut deadline => return,
                _ = drops.changed() => return,
                _ = expiries.changed() => {
                    // The store was compacted: what this watch saw last is too old now.
                    let oldest = state.store.resource_version();
                    let _ = tx.send(expired_event(last_rv, oldest)).await;
                    return;
                }
                _ = crate::sim::state::until_true(&mut shutdown) => return,
                _ = tx.closed() => return,
            }
        }
    });
    resp
}
