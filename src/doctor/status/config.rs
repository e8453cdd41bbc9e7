//! CreateContainerConfigError: a secret, configmap or key the container's environment refers to that does not exist.

use super::mounts::literal_flags;
use super::*;

impl<'a> PodCheck<'a> {
    pub(super) fn config_error(&self, c: &Ctr) -> Finding {
        static SECRET: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r#"secret "([^"]+)" not found"#).unwrap());
        static CONFIGMAP: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r#"configmap "([^"]+)" not found"#).unwrap());
        static KEY: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"couldn't find key (\S+) in (Secret|ConfigMap) ([^/\s]+)/(\S+)").unwrap()
        });
        let msg = c.waiting_message();
        let ns = &self.ns;
        let mut fixes = vec![];
        let what = if let Some(m) = KEY.captures(msg) {
            let (key, kind, obj) = (&m[1], &m[2], &m[4]);
            if kind == "Secret" {
                fixes.push(format!(
                    "kubectl patch secret {obj} -n {ns} --type merge -p '{{\"stringData\":{{\"{key}\":\"VALUE\"}}}}'"
                ));
            } else {
                fixes.push(format!(
                    "kubectl patch configmap {obj} -n {ns} --type merge -p '{{\"data\":{{\"{key}\":\"VALUE\"}}}}'"
                ));
            }
            format!("{kind} {obj} has no key {key}")
        } else if let Some(m) = SECRET.captures(msg) {
            let keys = self.env_keys(c.name, "secretKeyRef", &m[1]);
            fixes.push(format!(
                "kubectl create secret generic {} -n {ns} {}",
                &m[1],
                literal_flags(&keys)
            ));
            format!("secret {} not found", &m[1])
        } else if let Some(m) = CONFIGMAP.captures(msg) {
            let keys = self.env_keys(c.name, "configMapKeyRef", &m[1]);
            fixes.push(format!(
                "kubectl create configmap {} -n {ns} {}",
                &m[1],
                literal_flags(&keys)
            ));
            format!("configmap {} not found", &m[1])
        } else if msg.is_empty() {
            "CreateContainerConfigError".to_string()
        } else {
            clean(msg)
        };
        let mut f = self
            .finding("status.config-error", Severity::Error)
            .title(format!("Container {} cannot be configured: {what}", c.name))
            .meaning(
                "The kubelet cannot build the container's configuration: something it refers to \
                 (a Secret or ConfigMap, a key in one, or a security setting) is missing or wrong, \
                 so the container is never created.",
            )
            .proof(self.state_proof(c));
        for (kind, name, optional) in self.env_refs(c.name) {
            if optional {
                continue;
            }
            let map = if kind == "secret" {
                &self.ev.secrets
            } else {
                &self.ev.config_maps
            };
            if let Some(map) = map
                && !map.get(ns).is_some_and(|s| s.contains(&name))
            {
                f = f.proof(Proof::Fact {
                    text: format!(
                        "{} refers to {kind} {name}, which does not exist in {ns}",
                        c.name
                    ),
                });
            }
        }
        for e in self
            .container_events(c.name, "")
            .into_iter()
            .filter(|e| e.reason.as_deref() == Some("Failed"))
            .rev()
            .take(1)
        {
            f = f.proof(event_proof(e, self.now));
        }
        for l in fixes {
            f = f.fix(l);
        }
        f.fix(self.describe()).act(self.act_events())
    }

    /// Secrets and ConfigMaps a container's env refers to: (kind, name, optional).
    pub(super) fn env_refs(&self, container: &str) -> Vec<(String, String, bool)> {
        let spec = self.container_spec(container);
        let mut out: Vec<(String, String, bool)> = vec![];
        let mut push = |kind: &str, r: &Value| {
            if let Some(n) = json_str(&r["name"]) {
                let item = (
                    kind.to_string(),
                    n.to_string(),
                    r["optional"].as_bool() == Some(true),
                );
                if !out.contains(&item) {
                    out.push(item);
                }
            }
        };
        for e in spec["env"].as_array().into_iter().flatten() {
            push("secret", &e["valueFrom"]["secretKeyRef"]);
            push("configmap", &e["valueFrom"]["configMapKeyRef"]);
        }
        for e in spec["envFrom"].as_array().into_iter().flatten() {
            push("secret", &e["secretRef"]);
            push("configmap", &e["configMapRef"]);
        }
        out
    }

    /// The keys a container's env takes from one Secret/ConfigMap.
    pub(super) fn env_keys(&self, container: &str, reference: &str, name: &str) -> Vec<String> {
        self.container_spec(container)["env"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["valueFrom"][reference]["name"].as_str() == Some(name))
            .filter_map(|e| json_str(&e["valueFrom"][reference]["key"]).map(str::to_string))
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Scheduling
    // -----------------------------------------------------------------------------------------
}
