//! Discovery (which kinds the cluster serves) and live tables of any kind: the server's own
//! Table rendering (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, what `kubectl get`
//! asks for), listed in pages and then watched, rows carrying only metadata
//! (`includeObject=Metadata`), so a Secret's data is never fetched.

use std::time::Duration;

use futures::StreamExt;
use kube::Client;
use kube::core::WatchEvent;
use kube::core::discovery::v2::APIGroupDiscoveryList;
use serde_json::Value;
use tokio::sync::mpsc::Sender;
use tokio::task::AbortHandle;

use crate::core::cluster_event::{ClusterMsg, TableEvent};
use crate::core::effect::{EffectId, EffectResult, TableFor};
use crate::core::kinds::{KindInfo, Kinds};
use crate::core::table;

const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
/// Rows per list page, as kubectl's default chunk size.
const PAGE: u32 = 500;

fn words(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => s.message.clone(),
        e => e.to_string(),
    }
}

/// Every kind the server serves, from aggregated discovery (two requests), or the legacy
/// per-group lists when the server has no aggregated discovery.
pub async fn discover(client: &Client) -> Result<Kinds, String> {
    match aggregated(client).await {
        Ok(k) if !k.is_empty() => Ok(k),
        _ => legacy(client).await,
    }
}

async fn aggregated(client: &Client) -> Result<Kinds, kube::Error> {
    let core = client.list_core_api_versions_aggregated().await?;
    let groups = client.list_api_groups_aggregated().await?;
    let mut list = vec![];
    for l in [core, groups] {
        add_aggregated(&mut list, l);
    }
    Ok(Kinds::new(list))
}

fn add_aggregated(list: &mut Vec<KindInfo>, l: APIGroupDiscoveryList) {
    for g in l.items {
        let group = g.metadata.and_then(|m| m.name).unwrap_or_default();
        // The first version listed is the preferred one.
        let Some(v) = g.versions.into_iter().next() else {
            continue;
        };
        let version = v.version.unwrap_or_default();
        for r in v.resources {
            let plural = r.resource.unwrap_or_default();
            list.push(KindInfo {
                group: group.clone(),
                version: version.clone(),
                kind: r.response_kind.and_then(|k| k.kind).unwrap_or_default(),
                singular: r.singular_resource.unwrap_or_default(),
                plural,
                short_names: r.short_names,
                categories: r.categories,
                namespaced: r.scope.as_deref() == Some("Namespaced"),
                verbs: r.verbs,
            });
        }
    }
}

async fn legacy(client: &Client) -> Result<Kinds, String> {
    let mut list = vec![];
    let core = client
        .list_core_api_versions()
        .await
        .map_err(|e| words(&e))?;
    let mut gvs: Vec<(String, String)> = core
        .versions
        .iter()
        .take(1)
        .map(|v| (String::new(), v.clone()))
        .collect();
    let groups = client.list_api_groups().await.map_err(|e| words(&e))?;
    for g in groups.groups {
        if let Some(v) = g
            .preferred_version
            .or_else(|| g.versions.into_iter().next())
        {
            gvs.push((g.name, v.version));
        }
    }
    for (group, version) in gvs {
        let res = if group.is_empty() {
            client.list_core_api_resources(&version).await
        } else {
            client
                .list_api_group_resources(&format!("{group}/{version}"))
                .await
        };
        // One group failing (an aggregated API down) must not hide the others.
        let Ok(res) = res else { continue };
        for r in res.resources {
            list.push(KindInfo {
                group: group.clone(),
                version: version.clone(),
                kind: r.kind,
                plural: r.name,
                singular: r.singular_name,
                short_names: r.short_names.unwrap_or_default(),
                categories: r.categories.unwrap_or_default(),
                namespaced: r.namespaced,
                verbs: r.verbs,
            });
        }
    }
    Ok(Kinds::new(list))
}

pub fn spawn_discover(client: Client, id: EffectId, out: Sender<ClusterMsg>) -> AbortHandle {
    tokio::spawn(async move {
        let result = match discover(&client).await {
            Ok(k) => EffectResult::Kinds(k),
            Err(e) => EffectResult::Failed(e),
        };
        let _ = out.send(ClusterMsg::Done { id, result }).await;
    })
    .abort_handle()
}

fn path(t: &TableFor) -> String {
    let k = &t.kind;
    let base = if k.group.is_empty() {
        format!("/api/{}", k.version)
    } else {
        format!("/apis/{}/{}", k.group, k.version)
    };
    match &t.namespace {
        Some(ns) if k.namespaced => format!("{base}/namespaces/{ns}/{}", k.plural),
        _ => format!("{base}/{}", k.plural),
    }
}

fn request(uri: String) -> Result<hyper::Request<Vec<u8>>, String> {
    hyper::Request::get(uri)
        .header(hyper::header::ACCEPT, TABLE_ACCEPT)
        .body(vec![])
        .map_err(|e| e.to_string())
}

/// Every row, page by page; the resource version to watch from.
async fn list(client: &Client, t: &TableFor) -> Result<table::Table, String> {
    let mut all = table::Table::default();
    let mut next: Option<String> = None;
    loop {
        let mut uri = format!(
            "{}?includeObject=Metadata&limit={PAGE}{}",
            path(t),
            selector(t)
        );
        if let Some(c) = &next {
            uri.push_str(&format!("&continue={}", enc(c)));
        }
        let v: Value = client
            .request(request(uri)?)
            .await
            .map_err(|e| refused(&e, t, "list"))?;
        let page = table::parse(&v)?;
        if all.columns.is_empty() {
            all.columns = page.columns;
        }
        all.rows.extend(page.rows);
        all.resource_version = page.resource_version;
        match page.next {
            Some(c) => next = Some(c),
            None => return Ok(all),
        }
    }
}

fn selector(t: &TableFor) -> String {
    let mut s = String::new();
    if let Some(l) = &t.label_selector {
        s.push_str(&format!("&labelSelector={}", enc(l)));
    }
    if let Some(f) = &t.field_selector {
        s.push_str(&format!("&fieldSelector={}", enc(f)));
    }
    s
}

/// Percent-encode a query value (selectors hold `=`, `,`, `!`; continue tokens `+`, `/`).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// The API's words, and which verb on which resource it refused (a 403 says so itself; other
/// answers get it added).
fn refused(e: &kube::Error, t: &TableFor, verb: &str) -> String {
    let w = words(e);
    match e {
        kube::Error::Api(s) if s.code == 403 && w.contains(&t.kind.plural) => w,
        kube::Error::Api(s) => format!("{verb} {}: {w} ({})", t.kind.resource(), s.code),
        _ => format!("{verb} {}: {w}", t.kind.resource()),
    }
}

/// List then watch `t`, relisting when the watch expires; rows come back as
/// `ClusterMsg::Table` until `Cancel`.
pub fn spawn_table(
    client: Client,
    id: EffectId,
    t: TableFor,
    out: Sender<ClusterMsg>,
) -> AbortHandle {
    tokio::spawn(async move {
        let mut attempt = 0u32;
        loop {
            let send = |event| {
                let out = out.clone();
                async move { out.send(ClusterMsg::Table { id, event }).await.is_ok() }
            };
            let listed = match list(&client, &t).await {
                Ok(l) => l,
                Err(e) => {
                    if !send(TableEvent::Failed(e)).await {
                        return;
                    }
                    attempt += 1;
                    tokio::time::sleep(backoff(attempt)).await;
                    continue;
                }
            };
            attempt = 0;
            let rv = listed.resource_version.clone();
            if !send(TableEvent::Reset(Box::new(listed))).await {
                return;
            }
            if !t.kind.can("watch") {
                // Nothing to follow: list again now and then.
                tokio::time::sleep(Duration::from_secs(30)).await;
                continue;
            }
            match watch(&client, &t, &rv, &out, id).await {
                // Expired (410) or the server closed the watch: relist at once.
                Ok(()) => {}
                Err(e) => {
                    if !send(TableEvent::Failed(e)).await {
                        return;
                    }
                    attempt += 1;
                    tokio::time::sleep(backoff(attempt)).await;
                }
            }
        }
    })
    .abort_handle()
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((500u64 << attempt.min(6)).min(30_000))
}

/// Follow changes from `rv` until the watch ends (`Ok`: relist) or fails.
async fn watch(
    client: &Client,
    t: &TableFor,
    rv: &str,
    out: &Sender<ClusterMsg>,
    id: EffectId,
) -> Result<(), String> {
    let uri = format!(
        "{}?watch=true&includeObject=Metadata&resourceVersion={}&allowWatchBookmarks=false&timeoutSeconds=290{}",
        path(t),
        enc(rv),
        selector(t)
    );
    let stream = client
        .request_events::<Value>(request(uri)?)
        .await
        .map_err(|e| refused(&e, t, "watch"))?;
    let mut stream = std::pin::pin!(stream);
    while let Some(ev) = stream.next().await {
        let ev: Result<WatchEvent<Value>, kube::Error> = ev;
        let event = match ev {
            Ok(WatchEvent::Added(v)) | Ok(WatchEvent::Modified(v)) => match table::parse(&v) {
                Ok(tb) => TableEvent::Applied(Box::new(tb)),
                Err(e) => TableEvent::Failed(e),
            },
            Ok(WatchEvent::Deleted(v)) => match table::parse(&v) {
                Ok(tb) => TableEvent::Deleted(Box::new(tb)),
                Err(e) => TableEvent::Failed(e),
            },
            Ok(WatchEvent::Bookmark(_)) => continue,
            Ok(WatchEvent::Error(s)) if s.code == 410 => return Ok(()),
            Ok(WatchEvent::Error(s)) => return Err(s.message.clone()),
            Err(kube::Error::Api(s)) if s.code == 410 => return Ok(()),
            Err(e) => return Err(refused(&e, t, "watch")),
        };
        if out.send(ClusterMsg::Table { id, event }).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}
