//! The HTTP/1.1 server: accepts connections, routes requests, applies faults.

use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, header};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::authz;
use super::create;
use super::discovery;
use super::http::{Body, error, json};
use super::list_watch;
use super::logs;
use super::openapi;
use super::portforward;
use super::query::Query;
use super::replace;
use super::state::{RequestRecord, SimState};
use super::status::ApiError;

/// Accept connections until `shutdown` turns true; then every connection is dropped.
pub async fn serve(listener: TcpListener, state: Arc<SimState>, shutdown: watch::Receiver<bool>) {
    loop {
        let mut stop = shutdown.clone();
        let (stream, _) = tokio::select! {
            r = listener.accept() => match r {
                Ok(s) => s,
                Err(_) => continue,
            },
            _ = crate::sim::state::until_true(&mut stop) => return,
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, std::convert::Infallible>(handle(state, req).await) }
            });
            let conn = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .with_upgrades();
            tokio::select! {
                _ = conn => {}
                _ = crate::sim::state::until_true(&mut stop) => {}
            }
        });
    }
}

pub async fn bind(addr: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => format!("cannot listen on {addr}: the port is already in use; pick another with --addr (port 0 picks a free one)"),
        _ => format!("cannot listen on {addr}: {e}"),
    })
}

/// What a URL path names.
#[derive(Debug, PartialEq)]
enum Route<'a> {
    Version,
    Api,
    Apis,
    Group(&'a str),
    GroupVersion(&'a str, &'a str),
    Resource {
        group: &'a str,
        version: &'a str,
        ns: Option<&'a str>,
        plural: &'a str,
        name: Option<&'a str>,
        sub: Option<&'a str>,
    },
    Unknown,
}

fn route(path: &str) -> Route<'_> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["version"] => Route::Version,
        ["api"] => Route::Api,
        ["api", v] => Route::GroupVersion("", v),
        ["api", v, rest @ ..] => resource_route("", v, rest),
        ["apis"] => Route::Apis,
        ["apis", g] => Route::Group(g),
        ["apis", g, v] => Route::GroupVersion(g, v),
        ["apis", g, v, rest @ ..] => resource_route(g, v, rest),
        _ => Route::Unknown,
    }
}

fn resource_route<'a>(group: &'a str, version: &'a str, rest: &[&'a str]) -> Route<'a> {
    let r = |ns, plural, name, sub| Route::Resource {
        group,
        version,
        ns,
        plural,
        name,
        sub,
    };
    match rest {
        ["namespaces", ns, plural] => r(Some(*ns), *plural, None, None),
        ["namespaces", ns, plural, name] => r(Some(*ns), *plural, Some(*name), None),
        ["namespaces", ns, plural, name, sub] => r(Some(*ns), *plural, Some(*name), Some(*sub)),
        [plural] => r(None, *plural, None, None),
        [plural, name] => r(None, *plural, Some(*name), None),
        [plural, name, sub] => r(None, *plural, Some(*name), Some(*sub)),
        _ => Route::Unknown,
    }
}

/// Simulator-only, read-only: what a benchmark running `kdoc sim` as another process needs to
/// count a client's traffic. Not counted itself, so polling it leaves the figures alone.
pub const STATS_PATH: &str = "/kdoc-sim/stats";

async fn handle(state: Arc<SimState>, req: Request<Incoming>) -> Response<Body> {
    if req.uri().path() == STATS_PATH && req.method() == Method::GET {
        return json(&serde_json::json!({
            "requests": state.requests(),
            "open_watches": state.open_watches(),
        }));
    }
    state.count_request(RequestRecord {
        method: req.method().to_string(),
        path: req
            .uri()
            .path_and_query()
            .map_or_else(|| req.uri().path().to_string(), |p| p.to_string()),
        upgrade: req
            .headers()
            .get(header::UPGRADE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
    });
    let latency = state.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(err) = state.faults.failing() {
        return error(&err);
    }
    let path = req.uri().path().to_string();
    let query = Query::parse(req.uri().query());
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let delete = req.method() == Method::DELETE;
    let post = req.method() == Method::POST;
    if req.method() != Method::GET && !delete && !post {
        return error(&ApiError::method_not_allowed(req.method().as_str()));
    }
    if let Some(rest) = path.strip_prefix("/openapi/v3") {
        if post || delete {
            return error(&ApiError::method_not_allowed(req.method().as_str()));
        }
        return openapi::handle(rest, &state.store.resources());
    }
    // Self reviews are the one create the simulator takes (a small JSON or protobuf body).
    if let Route::Resource {
        group: authz::GROUP,
        version: "v1",
        ns: None,
        plural: plural @ ("selfsubjectaccessreviews" | "selfsubjectrulesreviews"),
        name: None,
        sub: None,
    } = route(&path)
    {
        if !post {
            return error(&ApiError::method_not_allowed(req.method().as_str()));
        }
        let plural = plural.to_string();
        let body = match Limited::new(req.into_body(), 1 << 20).collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => return error(&ApiError::bad_request(format!("reading the body: {e}"))),
        };
        return authz::handle(&state.faults, &state.store.resources(), &plural, &body);
    }
    // kubectl's SPDY fallback POSTs the port-forward upgrade; nothing else is created.
    let is_portforward = matches!(
        route(&path),
        Route::Resource {
            sub: Some("portforward"),
            ..
        }
    );
    // Everything else a POST may name is a collection: a create.
    let is_create = matches!(
        route(&path),
        Route::Resource {
            name: None,
            sub: None,
            ..
        }
    );
    if post && !is_portforward && !is_create {
        return error(&ApiError::method_not_allowed("POST"));
    }
    if delete && !matches!(route(&path), Route::Resource { .. }) {
        return error(&ApiError::method_not_allowed("DELETE"));
    }
    let resources = state.store.resources();
    match route(&path) {
        Route::Version => json(&discovery::version()),
        Route::Api if discovery::wants_aggregated(&accept) => {
            aggregated(&discovery::aggregated(&resources, true))
        }
        Route::Api => json(&discovery::api_versions()),
        Route::Apis if discovery::wants_aggregated(&accept) => {
            aggregated(&discovery::aggregated(&resources, false))
        }
        Route::Apis => json(&discovery::api_group_list(&resources)),
        Route::Group(g) => match discovery::group_versions(&resources, g) {
            Some(vs) => json(&discovery::api_group(g, &vs)),
            None => error(&ApiError::no_route()),
        },
        Route::GroupVersion(g, v) => match discovery::resource_list(&resources, g, v) {
            Some(list) => json(&list),
            None => error(&ApiError::no_route()),
        },
        Route::Resource {
            group,
            version,
            ns,
            plural,
            name,
            sub,
        } => {
            let Some(idx) = state.store.find(group, version, plural) else {
                return error(&ApiError::no_route());
            };
            let Some(rt) = state.store.resource(idx) else {
                return error(&ApiError::no_route());
            };
            if ns.is_some() && !rt.namespaced {
                return error(&ApiError::no_route());
            }
            // A fault on `pods` forbids the kind; one on `pods/log` only that subresource; one
            // on `list pods` only that verb.
            let verb = match (name, query.flag("watch").unwrap_or(false)) {
                _ if delete => "delete",
                _ if post => "create",
                (_, true) => "watch",
                (Some(_), _) => "get",
                (None, _) => "list",
            };
            let full = match sub {
                Some(s) => format!("{plural}/{s}"),
                None => plural.to_string(),
            };
            if state.faults.denies(verb, group, &full, ns) {
                return error(&ApiError::forbidden_as(
                    &state.faults.user(),
                    plural,
                    sub,
                    name,
                    group,
                    verb,
                    ns,
                ));
            }
            if post && !is_portforward {
                if rt.namespaced && ns.is_none() {
                    return error(&ApiError::method_not_allowed("POST"));
                }
                return create::handle(
                    state.clone(),
                    idx,
                    rt,
                    ns.map(String::from),
                    query.get("dryRun").is_some_and(|d| !d.is_empty()),
                    req,
                )
                .await;
            }
            let ctx = list_watch::Ctx {
                state: &state,
                idx,
                rt: &rt,
                ns,
                query: &query,
                accept: &accept,
            };
            if delete {
                return match (name, sub) {
                    (Some(name), None) if rt.plural == "pods" && rt.group.is_empty() => {
                        replace::delete_pod(&state, ns.unwrap_or(""), name)
                    }
                    _ => error(&ApiError::method_not_allowed("DELETE")),
                };
            }
            match (name, sub) {
                (None, _) => list_watch::collection(ctx),
                (Some(name), None) | (Some(name), Some("status")) => list_watch::get(ctx, name),
                (Some(name), Some("log")) if rt.plural == "pods" && rt.group.is_empty() => {
                    logs::handle(&state, ns.unwrap_or(""), name, &query)
                }
                (Some(name), Some("portforward")) if rt.plural == "pods" && rt.group.is_empty() => {
                    portforward::handle(
                        state.clone(),
                        ns.unwrap_or("").to_string(),
                        name.to_string(),
                        &query,
                        req,
                    )
                }
                _ => error(&ApiError::no_route()),
            }
        }
        Route::Unknown => error(&ApiError::no_route()),
    }
}

fn aggregated(v: &serde_json::Value) -> Response<Body> {
    super::http::full(
        200,
        discovery::AGGREGATED_CT,
        serde_json::to_vec(v).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/version"), Route::Version);
        assert_eq!(
            route("/apis/argoproj.io/v1alpha1"),
            Route::GroupVersion("argoproj.io", "v1alpha1")
        );
        assert_eq!(
            route("/api/v1/namespaces/argowf/pods/p/log"),
            Route::Resource {
                group: "",
                version: "v1",
                ns: Some("argowf"),
                plural: "pods",
                name: Some("p"),
                sub: Some("log")
            }
        );
        assert_eq!(
            route("/api/v1/namespaces/argowf"),
            Route::Resource {
                group: "",
                version: "v1",
                ns: None,
                plural: "namespaces",
                name: Some("argowf"),
                sub: None
            }
        );
        assert_eq!(
            route("/apis/tekton.dev/v1/pipelineruns"),
            Route::Resource {
                group: "tekton.dev",
                version: "v1",
                ns: None,
                plural: "pipelineruns",
                name: None,
                sub: None
            }
        );
        assert_eq!(route("/foo/bar"), Route::Unknown);
    }
}
