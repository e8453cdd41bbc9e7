//! The kinds the cluster serves, as discovery lists them, and what `:WORD` means among them:
//! resolved the way kubectl resolves a resource word (short names first, then plural, singular
//! or kind, optionally `.group` or `.version.group` qualified; the core group wins a tie, then
//! the groups in the order the server lists them).

use super::objects::ObjRef;

/// One kind the cluster serves (its preferred version).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// "" for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub singular: String,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub namespaced: bool,
    pub verbs: Vec<String>,
}

impl KindInfo {
    /// `deployments.apps`, or `pods` for the core group: what kubectl's messages call it.
    pub fn resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    pub fn can(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }

    /// One object of this kind (`ns` ignored for cluster-scoped kinds).
    pub fn obj(&self, ns: &str, name: &str) -> ObjRef {
        ObjRef {
            group: self.group.clone(),
            version: self.version.clone(),
            kind: self.kind.clone(),
            plural: self.plural.clone(),
            namespaced: self.namespaced,
            namespace: if self.namespaced {
                ns.into()
            } else {
                String::new()
            },
            name: name.into(),
        }
    }

    /// The names `:` takes for it, shortest first (for completion and suggestions).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.short_names
            .iter()
            .map(String::as_str)
            .chain([self.singular.as_str(), self.plural.as_str()])
            .filter(|w| !w.is_empty())
    }
}

/// Every kind discovery found, core group first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kinds {
    pub list: Vec<KindInfo>,
}

impl Kinds {
    pub fn new(mut list: Vec<KindInfo>) -> Kinds {
        // Subresources (`pods/log`) are not kinds one lists; discovery's own order otherwise.
        list.retain(|k| !k.plural.contains('/') && !k.plural.is_empty());
        list.sort_by_key(|k| !k.group.is_empty());
        Kinds { list }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// What `word` names, as kubectl would take it; the error says so and suggests the
    /// nearest names.
    pub fn resolve(&self, word: &str) -> Result<&KindInfo, String> {
        let w = word.trim().to_ascii_lowercase();
        if w.is_empty() {
            return Err("which kind? e.g. :deploy, :cm, :nodes".into());
        }
        // Short names first: kubectl expands them before anything else.
        if let Some(k) = self
            .list
            .iter()
            .find(|k| k.short_names.iter().any(|s| s.eq_ignore_ascii_case(&w)))
        {
            return Ok(k);
        }
        let name_matches = |k: &KindInfo, name: &str| {
            k.plural == name || k.singular == name || k.kind.eq_ignore_ascii_case(name)
        };
        if let Some(k) = self.list.iter().find(|k| name_matches(k, &w)) {
            return Ok(k);
        }
        // `resource.group`, `resource.version.group`, or a short name with a group.
        if let Some((name, rest)) = w.split_once('.') {
            let full = self.list.iter().find(|k| {
                let word_ok = name_matches(k, name) || k.short_names.iter().any(|s| s == name);
                word_ok
                    && (k.group == rest
                        || rest
                            .split_once('.')
                            .is_some_and(|(v, g)| k.version == v && k.group == g)
                        // A group can be named by its first part (`deploy.apps`, `isvc.serving`).
                        || k.group.starts_with(&format!("{rest}.")))
            });
            if let Some(k) = full {
                return Ok(k);
            }
        }
        let near = self.nearest(&w);
        Err(if near.is_empty() {
            format!("the server doesn't have a resource type \"{word}\"")
        } else {
            format!(
                "the server doesn't have a resource type \"{word}\"; did you mean {}?",
                near.join(", ")
            )
        })
    }

    /// Up to three names close to `word`: ones it starts or ends, else within two edits.
    pub fn nearest(&self, word: &str) -> Vec<String> {
        let mut scored: Vec<(usize, &str)> = vec![];
        for k in &self.list {
            for name in k.words() {
                let d = if name.starts_with(word) || word.starts_with(name) && name.len() > 2 {
                    0
                } else {
                    edit_distance(word, name)
                };
                if d <= 2 && !scored.iter().any(|(_, n)| *n == name) {
                    scored.push((d, name));
                }
            }
        }
        scored.sort_by_key(|(d, n)| (*d, n.len()));
        scored
            .into_iter()
            .take(3)
            .map(|(_, n)| n.to_string())
            .collect()
    }

    /// Names starting with `prefix`, each kind once (its shortest such name), for completion.
    pub fn complete(&self, prefix: &str) -> Vec<String> {
        let mut out: Vec<String> = vec![];
        for k in &self.list {
            if let Some(w) = k.words().find(|w| w.starts_with(prefix))
                && !out.iter().any(|o| o == w)
            {
                out.push(w.to_string());
            }
        }
        out
    }
}

/// Levenshtein distance, on bytes (kind names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(group: &str, kind: &str, plural: &str, short: &[&str]) -> KindInfo {
        KindInfo {
            group: group.into(),
            version: "v1".into(),
            kind: kind.into(),
            plural: plural.into(),
            singular: kind.to_ascii_lowercase(),
            short_names: short.iter().map(|s| s.to_string()).collect(),
            categories: vec![],
            namespaced: true,
            verbs: vec!["list".into(), "watch".into()],
        }
    }

    fn kinds() -> Kinds {
        Kinds::new(vec![
            k("events.k8s.io", "Event", "events", &["ev"]),
            k("apps", "Deployment", "deployments", &["deploy"]),
            k("", "Event", "events", &["ev"]),
            k("", "Pod", "pods", &["po"]),
            k("", "Pod", "pods/log", &[]),
            k(
                "serving.kserve.io",
                "InferenceService",
                "inferenceservices",
                &["isvc"],
            ),
        ])
    }

    #[test]
    fn resolves_as_kubectl() {
        let ks = kinds();
        assert_eq!(ks.resolve("deploy").unwrap().plural, "deployments");
        assert_eq!(ks.resolve("Deployment").unwrap().group, "apps");
        assert_eq!(ks.resolve("deployments.apps").unwrap().kind, "Deployment");
        assert_eq!(ks.resolve("deployment.v1.apps").unwrap().kind, "Deployment");
        assert_eq!(ks.resolve("isvc").unwrap().kind, "InferenceService");
        assert_eq!(
            ks.resolve("inferenceservices.serving").unwrap().kind,
            "InferenceService"
        );
        // The core group wins a name two groups serve.
        assert_eq!(ks.resolve("events").unwrap().group, "");
        assert_eq!(
            ks.resolve("events.events.k8s.io").unwrap().group,
            "events.k8s.io"
        );
        assert!(ks.list.iter().all(|k| !k.plural.contains('/')));
    }

    #[test]
    fn unknown_words_suggest_the_nearest() {
        let ks = kinds();
        let e = ks.resolve("deplyo").unwrap_err();
        assert!(e.contains("doesn't have a resource type \"deplyo\""), "{e}");
        assert!(e.contains("deploy"), "{e}");
        let e = ks.resolve("zzzzzzzz").unwrap_err();
        assert!(!e.contains("did you mean"), "{e}");
        assert_eq!(ks.complete("de"), ["deploy"]);
        assert_eq!(ks.complete("p"), ["po"]);
    }
}
