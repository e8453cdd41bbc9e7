//! `kubectl describe`, in its shape: a pod's status, IPs, owner, containers with state and last
//! state, conditions, volumes and events (`pkg/describe/describe.go`, `describePod`); any
//! other kind as kubectl describes custom resources: metadata, then its fields in Title Case,
//! then its events.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Pod};
use serde_json::Value;

use super::age::age_since;
use super::text::sanitize;
use crate::doctor::event_time;

/// The describe text of `obj` (as JSON) with its events, one line each, sanitised.
pub fn describe(obj: &Value, events: &[Event], now: Timestamp) -> Vec<String> {
    let mut out = Out::default();
    match obj.get("kind").and_then(Value::as_str) {
        Some("Pod") => match serde_json::from_value::<Pod>(obj.clone()) {
            Ok(p) => pod(&mut out, &p, now),
            Err(_) => generic(&mut out, obj),
        },
        _ => generic(&mut out, obj),
    }
    events_section(&mut out, events, now);
    out.lines
        .into_iter()
        .map(|l| sanitize(l.trim_end()).into_owned())
        .collect()
}

#[derive(Default)]
struct Out {
    lines: Vec<String>,
}

impl Out {
    fn line(&mut self, s: impl Into<String>) {
        self.lines.push(s.into());
    }
    /// `Key:` padded to `width` then the value, at `indent`.
    fn kv(&mut self, indent: usize, width: usize, key: &str, val: &str) {
        let k = format!("{key}:");
        self.lines
            .push(format!("{:indent$}{k:<width$}{val}", "", indent = indent));
    }
    /// A map as kubectl prints labels: the first on the key's line, the rest under it.
    fn map(&mut self, width: usize, key: &str, m: &[(String, String)]) {
        if m.is_empty() {
            self.kv(0, width, key, "<none>");
            return;
        }
        for (i, (k, v)) in m.iter().enumerate() {
            let text = format!("{k}={v}");
            if i == 0 {
                self.kv(0, width, key, &text);
            } else {
                self.line(format!("{:width$}{text}", ""));
            }
        }
    }
}

fn time(t: &Timestamp) -> String {
    // RFC 1123 with a numeric zone, as kubectl prints times.
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

fn pairs(m: Option<&std::collections::BTreeMap<String, String>>) -> Vec<(String, String)> {
    m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn pod(out: &mut Out, p: &Pod, now: Timestamp) {
    let md = &p.metadata;
    let spec = p.spec.clone().unwrap_or_default();
    let st = p.status.clone().unwrap_or_default();
    const W: usize = 18;
    out.kv(0, W, "Name", md.name.as_deref().unwrap_or(""));
    out.kv(0, W, "Namespace", md.namespace.as_deref().unwrap_or(""));
    out.kv(0, W, "Priority", &spec.priority.unwrap_or(0).to_string());
    out.kv(
        0,
        W,
        "Service Account",
        spec.service_account_name.as_deref().unwrap_or("default"),
    );
    let node = match (&spec.node_name, &st.host_ip) {
        (Some(n), Some(ip)) => format!("{n}/{ip}"),
        (Some(n), None) => n.clone(),
        _ => "<none>".into(),
    };
    out.kv(0, W, "Node", &node);
    if let Some(t) = &st.start_time {
        out.kv(0, W, "Start Time", &time(&t.0));
    }
    out.map(W, "Labels", &pairs(md.labels.as_ref()));
    out.map(W, "Annotations", &pairs(md.annotations.as_ref()));
    let mut status = st.phase.clone().unwrap_or_default();
    if md.deletion_timestamp.is_some() {
        status = "Terminating".into();
    }
    out.kv(0, W, "Status", &status);
    if let Some(r) = &st.reason {
        out.kv(0, W, "Reason", r);
    }
    if let Some(m) = &st.message {
        out.kv(0, W, "Message", m);
    }
    out.kv(0, W, "IP", st.pod_ip.as_deref().unwrap_or(""));
    let ips = st.pod_ips.clone().unwrap_or_default();
    if ips.is_empty() {
        out.kv(0, W, "IPs", "<none>");
    } else {
        out.line("IPs:");
        for ip in ips {
            out.kv(2, 5, "IP", &ip.ip);
        }
    }
    if let Some(o) = md
        .owner_references
        .as_ref()
        .and_then(|o| o.iter().find(|o| o.controller == Some(true)))
    {
        out.kv(0, 16, "Controlled By", &format!("{}/{}", o.kind, o.name));
    }
    let statuses = |init: bool| {
        if init {
            st.init_container_statuses.clone().unwrap_or_default()
        } else {
            st.container_statuses.clone().unwrap_or_default()
        }
    };
    for (title, list, init) in [
        (
            "Init Containers",
            spec.init_containers.clone().unwrap_or_default(),
            true,
        ),
        ("Containers", spec.containers.clone(), false),
    ] {
        if list.is_empty() {
            continue;
        }
        out.line(format!("{title}:"));
        let ss = statuses(init);
        for c in &list {
            let s = ss.iter().find(|s| s.name == c.name);
            out.line(format!("  {}:", c.name));
            const CW: usize = 16;
            if let Some(id) = s.and_then(|s| s.container_id.as_deref()) {
                out.kv(4, CW, "Container ID", id);
            }
            out.kv(4, CW, "Image", c.image.as_deref().unwrap_or(""));
            out.kv(4, CW, "Image ID", s.map_or("", |s| s.image_id.as_str()));
            let ports = c.ports.clone().unwrap_or_default();
            let port_text = if ports.is_empty() {
                "<none>".into()
            } else {
                ports
                    .iter()
                    .map(|p| {
                        format!(
                            "{}/{}",
                            p.container_port,
                            p.protocol.as_deref().unwrap_or("TCP")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.kv(4, CW, "Port", &port_text);
            let host = if ports.is_empty() {
                "<none>".into()
            } else {
                ports
                    .iter()
                    .map(|p| {
                        format!(
                            "{}/{}",
                            p.host_port.unwrap_or(0),
                            p.protocol.as_deref().unwrap_or("TCP")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.kv(4, CW, "Host Port", &host);
            if let Some(cmd) = &c.command {
                out.line("    Command:");
                for a in cmd {
                    out.line(format!("      {a}"));
                }
            }
            if let Some(args) = &c.args {
                out.line("    Args:");
                for a in args {
                    out.line(format!("      {a}"));
                }
            }
            if let Some(s) = s {
                state(out, "State", s.state.as_ref());
                if s.last_state.as_ref().is_some_and(|l| {
                    l.running.is_some() || l.waiting.is_some() || l.terminated.is_some()
                }) {
                    state(out, "Last State", s.last_state.as_ref());
                }
                out.kv(4, CW, "Ready", if s.ready { "True" } else { "False" });
                out.kv(4, CW, "Restart Count", &s.restart_count.to_string());
            } else {
                out.kv(4, CW, "State", "Waiting");
                out.kv(4, CW, "Ready", "False");
                out.kv(4, CW, "Restart Count", "0");
            }
            if let Some(r) = &c.resources {
                for (name, q) in [("Limits", &r.limits), ("Requests", &r.requests)] {
                    if let Some(q) = q.as_ref().filter(|q| !q.is_empty()) {
                        out.line(format!("    {name}:"));
                        for (k, v) in q {
                            out.kv(6, k.len() + 3, k, &v.0);
                        }
                    }
                }
            }
            let env = c.env.clone().unwrap_or_default();
            if env.is_empty() {
                out.kv(4, CW, "Environment", "<none>");
            } else {
                out.line("    Environment:");
                for e in env {
                    let v = match (&e.value, &e.value_from) {
                        (Some(v), _) => v.clone(),
                        // The value lives elsewhere: say where, never read a Secret.
                        (None, Some(f)) => {
                            if let Some(s) = &f.secret_key_ref {
                                format!("<set to the key '{}' in secret '{}'>", s.key, s.name)
                            } else if let Some(c) = &f.config_map_key_ref {
                                format!("<set to the key '{}' of config map '{}'>", c.key, c.name)
                            } else if let Some(fr) = &f.field_ref {
                                format!(" ({})", fr.field_path)
                            } else {
                                "<set from a reference>".into()
                            }
                        }
                        _ => String::new(),
                    };
                    out.line(format!("      {}:  {v}", e.name));
                }
            }
            let mounts = c.volume_mounts.clone().unwrap_or_default();
            if mounts.is_empty() {
                out.kv(4, CW, "Mounts", "<none>");
            } else {
                out.line("    Mounts:");
                for m in mounts {
                    let ro = if m.read_only == Some(true) {
                        "ro"
                    } else {
                        "rw"
                    };
                    out.line(format!("      {} from {} ({ro})", m.mount_path, m.name));
                }
            }
        }
    }
    let conds = st.conditions.clone().unwrap_or_default();
    if !conds.is_empty() {
        out.line("Conditions:");
        let w = conds
            .iter()
            .map(|c| c.type_.len())
            .max()
            .unwrap_or(4)
            .max(4)
            + 3;
        out.line(format!("  {:<w$}Status", "Type"));
        for c in conds {
            out.line(format!("  {:<w$}{} ", c.type_, c.status));
        }
    }
    let vols = spec.volumes.clone().unwrap_or_default();
    if vols.is_empty() {
        out.kv(0, W, "Volumes", "<none>");
    } else {
        out.line("Volumes:");
        for v in vols {
            out.line(format!("  {}:", v.name));
            let (ty, detail) = if let Some(c) = &v.config_map {
                (
                    "ConfigMap (a volume populated by a ConfigMap)",
                    format!("Name:      {}", c.name),
                )
            } else if let Some(s) = &v.secret {
                (
                    "Secret (a volume populated by a Secret)",
                    format!("SecretName:  {}", s.secret_name.as_deref().unwrap_or("")),
                )
            } else if let Some(p) = &v.persistent_volume_claim {
                (
                    "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
                    format!("ClaimName:  {}", p.claim_name),
                )
            } else if v.empty_dir.is_some() {
                (
                    "EmptyDir (a temporary directory that shares a pod's lifetime)",
                    String::new(),
                )
            } else if let Some(h) = &v.host_path {
                (
                    "HostPath (bare host directory volume)",
                    format!("Path:          {}", h.path),
                )
            } else if v.projected.is_some() {
                (
                    "Projected (a volume that contains injected data from multiple sources)",
                    String::new(),
                )
            } else {
                ("<unknown>", String::new())
            };
            out.kv(4, 10, "Type", ty);
            if !detail.is_empty() {
                out.line(format!("    {detail}"));
            }
        }
    }
    out.kv(
        0,
        27,
        "QoS Class",
        st.qos_class.as_deref().unwrap_or("BestEffort"),
    );
    out.map(27, "Node-Selectors", &pairs(spec.node_selector.as_ref()));
    let tol: Vec<String> = spec
        .tolerations
        .clone()
        .unwrap_or_default()
        .iter()
        .map(|t| {
            let mut s = t.key.clone().unwrap_or_default();
            if let Some(v) = &t.value {
                s.push_str(&format!("={v}"));
            }
            if let Some(e) = &t.effect {
                s.push_str(&format!(":{e}"));
            }
            if t.operator.as_deref() == Some("Exists") && t.value.is_none() {
                s.push_str(" op=Exists");
            }
            if let Some(secs) = t.toleration_seconds {
                s.push_str(&format!(" for {secs}s"));
            }
            s
        })
        .collect();
    if tol.is_empty() {
        out.kv(0, 27, "Tolerations", "<none>");
    } else {
        for (i, t) in tol.iter().enumerate() {
            if i == 0 {
                out.kv(0, 27, "Tolerations", t);
            } else {
                out.line(format!("{:27}{t}", ""));
            }
        }
    }
    let _ = now;
}

fn state(out: &mut Out, title: &str, s: Option<&k8s_openapi::api::core::v1::ContainerState>) {
    const CW: usize = 16;
    let Some(s) = s else {
        out.kv(4, CW, title, "Waiting");
        return;
    };
    if let Some(r) = &s.running {
        out.kv(4, CW, title, "Running");
        if let Some(t) = &r.started_at {
            out.kv(6, CW - 2, "Started", &time(&t.0));
        }
    } else if let Some(w) = &s.waiting {
        out.kv(4, CW, title, "Waiting");
        if let Some(r) = &w.reason {
            out.kv(6, CW - 2, "Reason", r);
        }
        if let Some(m) = &w.message {
            out.kv(6, CW - 2, "Message", m);
        }
    } else if let Some(t) = &s.terminated {
        out.kv(4, CW, title, "Terminated");
        if let Some(r) = &t.reason {
            out.kv(6, CW - 2, "Reason", r);
        }
        if let Some(m) = &t.message {
            out.kv(6, CW - 2, "Message", m);
        }
        out.kv(6, CW - 2, "Exit Code", &t.exit_code.to_string());
        if let Some(t0) = &t.started_at {
            out.kv(6, CW - 2, "Started", &time(&t0.0));
        }
        if let Some(t1) = &t.finished_at {
            out.kv(6, CW - 2, "Finished", &time(&t1.0));
        }
    } else {
        out.kv(4, CW, title, "Waiting");
    }
}

/// Title Case of a camelCase key, as kubectl describes unstructured objects.
fn title_case(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() && !out.ends_with(' ') {
            out.push(' ');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

fn generic(out: &mut Out, obj: &Value) {
    let md = obj.get("metadata").cloned().unwrap_or(Value::Null);
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    const W: usize = 13;
    out.kv(0, W, "Name", &s(&md, "name"));
    if md.get("namespace").is_some() {
        out.kv(0, W, "Namespace", &s(&md, "namespace"));
    }
    let map = |k: &str| -> Vec<(String, String)> {
        md.get(k)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    out.map(W, "Labels", &map("labels"));
    out.map(W, "Annotations", &map("annotations"));
    out.kv(0, W, "API Version", &s(obj, "apiVersion"));
    out.kv(0, W, "Kind", &s(obj, "kind"));
    if let Some(o) = obj.as_object() {
        for (k, v) in o {
            if matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                continue;
            }
            nested(out, 0, k, v);
        }
    }
}

fn nested(out: &mut Out, indent: usize, key: &str, v: &Value) {
    let pad = " ".repeat(indent);
    let k = title_case(key);
    match v {
        Value::Object(m) => {
            out.line(format!("{pad}{k}:"));
            for (kk, vv) in m {
                nested(out, indent + 2, kk, vv);
            }
        }
        Value::Array(a) => {
            out.line(format!("{pad}{k}:"));
            for item in a {
                match item {
                    Value::Object(m) => {
                        for (i, (kk, vv)) in m.iter().enumerate() {
                            // kubectl marks each item's first field with nothing but indent.
                            let _ = i;
                            nested(out, indent + 2, kk, vv);
                        }
                    }
                    other => out.line(format!("{pad}  {}", scalar(other))),
                }
            }
        }
        other => out.line(format!("{pad}{k}:  {}", scalar(other))),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

/// kubectl's Events table: oldest first; AGE is `5m` or `5m (x3 over 10m)`.
fn events_section(out: &mut Out, events: &[Event], now: Timestamp) {
    if events.is_empty() {
        out.line("Events:  <none>");
        return;
    }
    let mut evs: Vec<&Event> = events.iter().collect();
    evs.sort_by_key(|e| event_time(e));
    let rows: Vec<[String; 5]> = evs.iter().map(|e| event_row(e, now)).collect();
    let heads = ["Type", "Reason", "Age", "From", "Message"];
    let unders = ["----", "------", "----", "----", "-------"];
    let w: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([heads[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    out.line("Events:");
    let row = |cells: [&str; 5]| {
        format!(
            "  {:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3]
        )
    };
    out.line(row(heads));
    out.line(row(unders));
    for r in &rows {
        out.line(row([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
}

/// (type, reason, age, from, message) of one event, as kubectl describe prints it.
pub fn event_row(e: &Event, now: Timestamp) -> [String; 5] {
    let count = event_count(e);
    let last = event_time(e);
    let first = e
        .first_timestamp
        .as_ref()
        .map(|t| t.0)
        .or(e.event_time.as_ref().map(|t| t.0));
    let age = match (last, first) {
        (Some(l), Some(f)) if count > 1 => {
            format!(
                "{} (x{count} over {})",
                age_since(l, now),
                age_since(f, now)
            )
        }
        (Some(l), _) => age_since(l, now),
        _ => "<unknown>".into(),
    };
    let from = e
        .source
        .as_ref()
        .and_then(|s| s.component.clone())
        .filter(|c| !c.is_empty())
        .or_else(|| e.reporting_component.clone())
        .unwrap_or_default();
    [
        e.type_.clone().unwrap_or_default(),
        e.reason.clone().unwrap_or_default(),
        age,
        from,
        e.message.clone().unwrap_or_default().trim_end().to_string(),
    ]
}

/// How many times it happened (a series counts too).
pub fn event_count(e: &Event) -> i32 {
    e.count
        .unwrap_or(1)
        .max(e.series.as_ref().and_then(|s| s.count).unwrap_or(0))
}
