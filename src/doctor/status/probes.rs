//! Failing readiness, liveness and startup probes: the probe as configured and what the kubelet's Unhealthy events say.

use super::*;

impl<'a> PodCheck<'a> {
    pub(super) fn probes(&self) -> Vec<Finding> {
        static PROBE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^(Readiness|Liveness|Startup) probe (?:failed|errored)(?::\s*)?(.*)$")
                .unwrap()
        });
        if matches!(self.phase(), "Succeeded" | "Failed") {
            return vec![];
        }
        // (container, probe) → events, oldest first.
        let mut groups: BTreeMap<(String, String), Vec<&Event>> = BTreeMap::new();
        for e in self.events_with("Unhealthy") {
            let m = e.message.as_deref().unwrap_or_default();
            let Some(c) = PROBE.captures(m.trim_start()) else {
                continue;
            };
            let container = event_container(e).unwrap_or_default().to_string();
            groups
                .entry((container, c[1].to_string()))
                .or_default()
                .push(e);
        }
        let mut out = vec![];
        for ((container, probe), events) in groups {
            let total: i32 = events.iter().map(|e| event_count(e)).sum();
            let latest = events.last().copied();
            let msg = latest
                .and_then(|e| e.message.as_deref())
                .and_then(|m| PROBE.captures(m.trim_start()))
                .map(|c| c[2].trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "no output".into());
            let status = self.containers().into_iter().find(|c| c.name == container);
            let ready = status
                .as_ref()
                .is_some_and(|c| c.cs["ready"].as_bool() == Some(true));
            let sev = if ready && probe == "Readiness" {
                Severity::Info
            } else {
                Severity::Warning
            };
            let who = if container.is_empty() {
                "a container".to_string()
            } else {
                format!("container {container}")
            };
            let meaning = match probe.as_str() {
                "Readiness" => {
                    "The container runs but fails its readiness check, so it is not ready and Services send it no traffic."
                }
                "Liveness" => {
                    "The container fails its liveness check; after failureThreshold failures in a row the kubelet kills and restarts it."
                }
                _ => {
                    "The container has not passed its startup check; after failureThreshold failures the kubelet kills and restarts it."
                }
            };
            let mut f = self
                .finding("status.probe-failing", sev)
                .title(format!(
                    "{probe} probe of {who} fails ({total}×): {}",
                    clean(&msg)
                ))
                .meaning(meaning);
            if let Some(e) = latest {
                f = f.proof(event_proof(e, self.now));
            }
            let spec = self.container_spec(&container);
            let key = format!("{}Probe", probe.to_lowercase());
            let probe_spec = &spec[key.as_str()];
            if probe_spec.is_object() {
                f = f.proof(Proof::Fact {
                    text: format!("{key} of {container}: {}", describe_probe(probe_spec)),
                });
            }
            if let Some(c) = &status {
                f = f.proof(self.state_proof(c));
            }
            if let Some((port, path)) = http_target(probe_spec) {
                f = f.fix(format!(
                    "Try it yourself: kubectl port-forward pod/{} -n {} {port} & curl -i http://localhost:{port}{path}",
                    self.name, self.ns
                ));
            }
            if probe != "Readiness" {
                f = f.fix(
                    "If the app is only slow to start, add a startupProbe or raise initialDelaySeconds/failureThreshold",
                );
            }
            if !container.is_empty() {
                f = f
                    .fix(format!(
                        "kubectl logs {} -n {} -c {container}",
                        self.name, self.ns
                    ))
                    .act(self.act_logs(&container, false));
            } else {
                f = f.act(self.act_events());
            }
            out.push(f.fix(self.describe()));
        }
        out
    }
}

/// A probe in one line: `httpGet :8000/ready, period 10s, timeout 1s, failureThreshold 3`.
pub(super) fn describe_probe(p: &Value) -> String {
    let how = if p["httpGet"].is_object() {
        let h = &p["httpGet"];
        format!(
            "httpGet {}:{}{}",
            h["scheme"].as_str().unwrap_or("HTTP").to_lowercase(),
            port_text(&h["port"]),
            h["path"].as_str().unwrap_or("/")
        )
    } else if p["tcpSocket"].is_object() {
        format!("tcpSocket :{}", port_text(&p["tcpSocket"]["port"]))
    } else if p["grpc"].is_object() {
        format!("grpc :{}", port_text(&p["grpc"]["port"]))
    } else if let Some(cmd) = p["exec"]["command"].as_array() {
        let cmd: Vec<&str> = cmd.iter().filter_map(Value::as_str).collect();
        format!("exec {}", cmd.join(" "))
    } else {
        "unknown handler".into()
    };
    let n = |k: &str, d: i64| p[k].as_i64().unwrap_or(d);
    format!(
        "{how}, initialDelay {}s, period {}s, timeout {}s, failureThreshold {}",
        n("initialDelaySeconds", 0),
        n("periodSeconds", 10),
        n("timeoutSeconds", 1),
        n("failureThreshold", 3)
    )
}

pub(super) fn port_text(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// A numeric httpGet probe's port and path.
pub(super) fn http_target(p: &Value) -> Option<(u64, String)> {
    let h = &p["httpGet"];
    let port = h["port"].as_u64()?;
    Some((port, h["path"].as_str().unwrap_or("/").to_string()))
}
