//! Images that cannot be pulled: the reference as the kubelet reads it, why the registry said no, and the pull secrets on the pod and its service account.

use super::*;

impl<'a> PodCheck<'a> {
    pub(super) fn image_pull(&self, c: &Ctr) -> Finding {
        let spec = self.container_spec(c.name);
        let image = json_str(&spec["image"])
            .or_else(|| json_str(&c.cs["image"]))
            .unwrap_or_default()
            .to_string();
        let r = ImageRef::parse(&image);
        let wr = c.waiting_reason();
        let wm = c.waiting_message();
        let events = self.container_events(c.name, &image);
        let failures: Vec<&Event> = events
            .iter()
            .copied()
            .filter(|e| {
                e.reason.as_deref() == Some("Failed")
                    && e.message
                        .as_deref()
                        .is_some_and(|m| m.starts_with("Failed to pull image"))
            })
            .collect();
        let cause = failures
            .last()
            .and_then(|e| e.message.clone())
            .or_else(|| {
                (!wm.is_empty() && !wm.starts_with("Back-off pulling image"))
                    .then(|| wm.to_string())
            })
            .unwrap_or_default();
        let class = PullError::classify(wr, &cause);
        let what = class.phrase(&cause);
        let mut f = self
            .finding("status.image-pull", Severity::Error)
            .title(format!(
                "Cannot pull image {image} for {} {}: {what}",
                c.kind(),
                c.name
            ))
            .meaning(class.meaning())
            .proof(self.state_proof(c))
            .proof(Proof::Fact {
                text: format!(
                    "image {image}: registry {}, repository {}, {}",
                    r.registry,
                    r.repository,
                    match (&r.tag, &r.digest) {
                        (_, Some(d)) => format!("digest {d}"),
                        (Some(t), None) => format!("tag {t}"),
                        (None, None) => "tag latest (none given)".into(),
                    }
                ),
            });
        // The distinct failure messages, newest last (a registry can fail several ways).
        let mut seen = BTreeSet::new();
        let mut distinct: Vec<&Event> = failures
            .iter()
            .rev()
            .filter(|e| seen.insert(e.message.clone()))
            .take(3)
            .copied()
            .collect();
        distinct.reverse();
        for e in distinct {
            f = f.proof(event_proof(e, self.now));
        }
        if let Some(e) = events.iter().rev().find(|e| {
            e.reason.as_deref() == Some("BackOff")
                || e.message.as_deref() == Some("Error: ImagePullBackOff")
        }) {
            f = f.proof(event_proof(e, self.now));
        }
        let secrets = self.pull_secrets();
        for (_, _, text) in &secrets {
            f = f.proof(Proof::Fact { text: text.clone() });
        }
        for line in self.pull_fix(&class, &r, &image, c.name, &secrets) {
            f = f.fix(line);
        }
        f.fix(self.describe()).act(self.act_events())
    }

    /// The pod's image pull secrets and its service account's: (name, exists, description).
    pub(super) fn pull_secrets(&self) -> Vec<(String, Option<bool>, String)> {
        let mut out = vec![];
        let sa = json_str(&self.v["spec"]["serviceAccountName"])
            .or_else(|| json_str(&self.v["spec"]["serviceAccount"]))
            .unwrap_or("default");
        let mut names: Vec<(String, String)> = self.v["spec"]["imagePullSecrets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| json_str(&s["name"]))
            .map(|n| (n.to_string(), "from the pod".to_string()))
            .collect();
        match &self.ev.service_accounts {
            None => out.push((
                String::new(),
                None,
                format!("service account {sa}: not read, so its image pull secrets are unknown"),
            )),
            Some(sas) => {
                let found = sas.iter().find(|s| {
                    s.metadata.name.as_deref() == Some(sa)
                        && s.metadata.namespace.as_deref().unwrap_or(&self.ns) == self.ns
                });
                match found {
                    None => out.push((
                        String::new(),
                        None,
                        format!(
                            "service account {sa} was not found in {}, so it adds no image pull secrets",
                            self.ns
                        ),
                    )),
                    Some(s) => {
                        let list = s.image_pull_secrets.as_deref().unwrap_or_default();
                        if list.is_empty() {
                            out.push((
                                String::new(),
                                None,
                                format!("service account {sa} has no image pull secrets"),
                            ));
                        }
                        for r in list {
                            names.push((r.name.clone(), format!("from service account {sa}")));
                        }
                    }
                }
            }
        }
        if names.is_empty() && self.v["spec"]["imagePullSecrets"].as_array().is_none() {
            out.push((
                String::new(),
                None,
                "the pod has no imagePullSecrets".to_string(),
            ));
        }
        for (name, from) in names {
            let (exists, state) = match &self.ev.secrets {
                None => (
                    None,
                    match self
                        .ev
                        .missing
                        .iter()
                        .find(|m| m.what.to_lowercase().contains("secret"))
                    {
                        Some(m) => format!("could not check that it exists: {}", clean(&m.reason)),
                        None => "could not check that it exists (secrets not read)".into(),
                    },
                ),
                Some(map) => {
                    let e = map.get(&self.ns).is_some_and(|s| s.contains(&name));
                    (
                        Some(e),
                        if e {
                            "exists".to_string()
                        } else {
                            format!("does not exist in {}", self.ns)
                        },
                    )
                }
            };
            out.push((
                name.clone(),
                exists,
                format!("image pull secret {name} ({from}): {state}"),
            ));
        }
        out
    }

    pub(super) fn pull_fix(
        &self,
        class: &PullError,
        r: &ImageRef,
        image: &str,
        container: &str,
        secrets: &[(String, Option<bool>, String)],
    ) -> Vec<String> {
        let ns = &self.ns;
        let repo = format!("{}/{}", r.registry, r.repository);
        let sa = json_str(&self.v["spec"]["serviceAccountName"]).unwrap_or("default");
        let mut v = vec![];
        let set_image = match self.owner() {
            Some(o) => format!("kubectl set image {o} {container}=IMAGE -n {ns}"),
            None => {
                format!("Change the image of {container} in the pod's manifest and recreate it")
            }
        };
        let auth = |v: &mut Vec<String>| {
            let missing: Vec<&str> = secrets
                .iter()
                .filter(|(n, e, _)| !n.is_empty() && *e == Some(false))
                .map(|(n, _, _)| n.as_str())
                .collect();
            let existing: Vec<&str> = secrets
                .iter()
                .filter(|(n, e, _)| !n.is_empty() && *e != Some(false))
                .map(|(n, _, _)| n.as_str())
                .collect();
            let name = missing.first().copied().unwrap_or("regcred");
            if !missing.is_empty() || existing.is_empty() {
                v.push(format!(
                    "kubectl create secret docker-registry {name} --docker-server={} --docker-username=USER --docker-password=TOKEN -n {ns}",
                    r.registry
                ));
            }
            if existing.is_empty() && missing.is_empty() {
                v.push(format!(
                    "kubectl patch serviceaccount {sa} -n {ns} -p '{{\"imagePullSecrets\":[{{\"name\":\"{name}\"}}]}}'"
                ));
            }
            for s in existing {
                v.push(format!(
                    "Check that secret {s} holds credentials for {} that are still valid: kubectl get secret {s} -n {ns} -o jsonpath='{{.data.\\.dockerconfigjson}}' | base64 -d | jq '.auths | keys'",
                    r.registry
                ));
            }
        };
        match class {
            PullError::NotFound => {
                v.push(format!(
                    "Check which tags exist: skopeo list-tags docker://{repo}"
                ));
                v.push(format!(
                    "If a pipeline builds {image}, check that its push step really pushed it (a build with --no-push, or a failed push, leaves nothing to pull)"
                ));
                v.push(set_image);
            }
            PullError::NotFoundOrAuth => {
                v.push(format!(
                    "Check the name and that it exists: skopeo inspect docker://{image}"
                ));
                auth(&mut v);
            }
            PullError::Auth => {
                v.push(format!(
                    "The registry {} refused the pull: the image is private (or absent) and no valid credentials were sent",
                    r.registry
                ));
                if r.registry == "ghcr.io" {
                    v.push(format!(
                        "GHCR answers 403 to anonymous pulls of a private or missing package: make the package {} public, or pull with a token that has read:packages",
                        r.repository
                    ));
                }
                auth(&mut v);
            }
            PullError::Tls => v.push(format!(
                "The node does not trust the certificate of {} (or it names another host): check the registry address, or add its CA to the container runtime (containerd: /etc/containerd/certs.d/{}/)",
                r.registry, r.registry
            )),
            PullError::Http => v.push(format!(
                "{} serves plain HTTP: configure it as an insecure registry in the container runtime, or serve it over TLS",
                r.registry
            )),
            PullError::Network => v.push(format!(
                "The node cannot reach {}: check DNS, proxy and firewall from the node (kubectl debug node/NODE -it --image=busybox -- nslookup {})",
                r.registry,
                r.registry.split(':').next().unwrap_or_default()
            )),
            PullError::RateLimit => v.push(
                "The registry rate-limits anonymous pulls: pull with credentials (an image pull secret) or use a mirror".into(),
            ),
            PullError::Platform => v.push(format!(
                "{image} has no build for the node's CPU architecture: publish a multi-arch image or pin nodeSelector kubernetes.io/arch"
            )),
            PullError::Invalid => {
                v.push(format!(
                    "{image:?} is not a valid image reference (lowercase repository, optional :tag or @sha256:digest)"
                ));
                v.push(set_image);
            }
            PullError::NeverPull => v.push(format!(
                "imagePullPolicy is Never and {image} is not on the node: load it onto the node or set imagePullPolicy: IfNotPresent"
            )),
            PullError::Unknown => {}
        }
        v
    }

    // -----------------------------------------------------------------------------------------
    // Config
    // -----------------------------------------------------------------------------------------
}

/// An image reference split as the container runtime reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `docker.io` when the name has no registry part.
    pub registry: String,
    /// `library/busybox` for a Docker Hub official image.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(image: &str) -> ImageRef {
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (image, None),
        };
        let slash = rest.rfind('/');
        let (name, tag) = match rest.rfind(':') {
            Some(i) if slash.is_none_or(|s| i > s) => (&rest[..i], Some(rest[i + 1..].to_string())),
            _ => (rest, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, r))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), r.to_string())
            }
            Some(_) => ("docker.io".to_string(), name.to_string()),
            None => ("docker.io".to_string(), format!("library/{name}")),
        };
        ImageRef {
            registry,
            repository,
            tag,
            digest,
        }
    }
}

/// Why a pull failed, from the kubelet's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullError {
    NotFound,
    /// Docker Hub's `pull access denied ... repository does not exist or may require 'docker login'`.
    NotFoundOrAuth,
    Auth,
    Tls,
    Http,
    Network,
    RateLimit,
    Platform,
    Invalid,
    NeverPull,
    Unknown,
}

/// Phrases that name the cause, in the order they are looked for.
pub(super) const PULL_PHRASES: &[(&str, PullError)] = &[
    ("toomanyrequests", PullError::RateLimit),
    ("429 Too Many Requests", PullError::RateLimit),
    (
        "repository does not exist or may require",
        PullError::NotFoundOrAuth,
    ),
    ("manifest unknown", PullError::NotFound),
    ("name unknown", PullError::NotFound),
    ("401 Unauthorized", PullError::Auth),
    ("403 Forbidden", PullError::Auth),
    ("no basic auth credentials", PullError::Auth),
    ("authentication required", PullError::Auth),
    ("failed to authorize", PullError::Auth),
    ("unauthorized", PullError::Auth),
    ("denied", PullError::Auth),
    ("x509", PullError::Tls),
    ("server gave HTTP response to HTTPS client", PullError::Http),
    ("no match for platform", PullError::Platform),
    ("no such host", PullError::Network),
    ("i/o timeout", PullError::Network),
    ("TLS handshake timeout", PullError::Network),
    ("connection refused", PullError::Network),
    ("network is unreachable", PullError::Network),
    ("context deadline exceeded", PullError::Network),
    ("not found", PullError::NotFound),
];

impl PullError {
    pub fn classify(waiting_reason: &str, message: &str) -> PullError {
        match waiting_reason {
            "InvalidImageName" => return PullError::Invalid,
            "ErrImageNeverPull" => return PullError::NeverPull,
            _ => {}
        }
        PULL_PHRASES
            .iter()
            .find(|(p, _)| message.contains(p))
            .map(|(_, c)| *c)
            .unwrap_or(PullError::Unknown)
    }

    /// The words of `message` that name the cause (e.g. `manifest unknown`, `403 Forbidden`),
    /// else a short description.
    fn phrase(&self, message: &str) -> String {
        if let Some((p, _)) = PULL_PHRASES.iter().find(|(p, _)| message.contains(p)) {
            if *p == "x509"
                && let Some(i) = message.find("x509")
            {
                return message[i..].chars().take(100).collect();
            }
            return p.to_string();
        }
        match self {
            PullError::Invalid => "invalid image name".into(),
            PullError::NeverPull => "imagePullPolicy Never and not on the node".into(),
            _ => "pull failed".into(),
        }
    }

    fn meaning(&self) -> &'static str {
        match self {
            PullError::NotFound => {
                "The registry answered, but has no such image or tag: the name or tag is wrong, or the image was never pushed."
            }
            PullError::NotFoundOrAuth => {
                "Docker Hub says the repository does not exist or needs a login: either the name is wrong or the image is private."
            }
            PullError::Auth => {
                "The registry refused to serve the image without valid credentials: it is private (or absent), and the pull secrets are missing, wrong or not attached."
            }
            PullError::Tls => {
                "The node could not verify the registry's TLS certificate, so it never asked for the image."
            }
            PullError::Http => "The registry speaks plain HTTP but the node insists on HTTPS.",
            PullError::Network => {
                "The node could not reach the registry (DNS, network or proxy), so it never asked for the image."
            }
            PullError::RateLimit => "The registry rate-limited the node's pulls.",
            PullError::Platform => "The image has no build for the node's CPU architecture or OS.",
            PullError::Invalid => {
                "The image name is not a valid reference, so nothing can be pulled."
            }
            PullError::NeverPull => {
                "The pod forbids pulling (imagePullPolicy: Never) and the image is not on the node."
            }
            PullError::Unknown => {
                "The kubelet cannot pull the image; it retries with a growing back-off (ImagePullBackOff)."
            }
        }
    }
}
