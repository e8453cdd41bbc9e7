//! Across resources: a build that never pushed its image, linked to the workload that cannot
//! pull it (runbook 000's GHCR push/pull mismatch, runbook 003's never-pushed ModelCar).
//! No single object shows this; it takes the build's args or log and the puller's state.

use std::sync::LazyLock;

use k8s_openapi::api::core::v1::{Container, Pod};
use regex::Regex;

use super::model::{Act, Evidence, Finding, Proof, Severity, Subject};

/// `docker.io/library/` and `:latest` filled in, a digest dropped, so `iris` and
/// `docker.io/library/iris:latest` compare equal.
pub fn normalize(image: &str) -> String {
    let image = image.trim().trim_start_matches("docker://");
    let image = image.split('@').next().unwrap_or(image);
    let (first, _) = image.split_once('/').unwrap_or(("", image));
    let mut full = if first.contains('.') || first.contains(':') || first == "localhost" {
        image.to_string()
    } else if image.contains('/') {
        format!("docker.io/{image}")
    } else {
        format!("docker.io/library/{image}")
    };
    let last = full.rsplit('/').next().unwrap_or("");
    if !last.contains(':') {
        full.push_str(":latest");
    }
    full
}

/// A build that was meant to produce an image and did not push it.
#[derive(Clone, Debug, PartialEq)]
struct Unpushed {
    image: String,
    namespace: String,
    pod: String,
    container: String,
    proof: Proof,
    why: &'static str,
}

/// The `--destination` images of a kaniko-style container (`--destination=X` or `-d X`).
pub(crate) fn destinations(c: &Container) -> Vec<String> {
    let args: Vec<&String> = c
        .command
        .iter()
        .flatten()
        .chain(c.args.iter().flatten())
        .collect();
    let mut out = vec![];
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = a.strip_prefix("--destination=") {
            out.push(v.to_string());
        } else if (*a == "--destination" || *a == "-d")
            && let Some(v) = args.get(i + 1)
        {
            out.push(v.to_string());
        }
    }
    out
}

fn has_no_push(c: &Container) -> bool {
    c.args
        .iter()
        .flatten()
        .chain(c.command.iter().flatten())
        .any(|a| a == "--no-push" || a == "--no-push=true")
}

static MANIFEST_UNKNOWN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)reading manifest (\S+) in (\S+?): manifest unknown").expect("valid regex")
});
static NO_PUSH_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)skipping push .*--no-push").expect("valid regex"));

fn is(p: &Pod, ns: &str, name: &str) -> bool {
    p.metadata.name.as_deref() == Some(name) && p.metadata.namespace.as_deref().unwrap_or("") == ns
}

/// The subject's pods and the namespace's, each once, with (namespace, name).
fn pods(ev: &Evidence) -> Vec<(String, String, &Pod)> {
    let mut seen = std::collections::BTreeSet::new();
    ev.pods
        .iter()
        .chain(ev.all_pods.iter().flatten())
        .filter_map(|p| {
            let key = (
                p.metadata.namespace.clone().unwrap_or_default(),
                p.metadata.name.clone().unwrap_or_default(),
            );
            seen.insert(key.clone()).then_some((key.0, key.1, p))
        })
        .collect()
}

fn find_pod<'a>(ev: &'a Evidence, ns: &str, name: &str) -> Option<&'a Pod> {
    pods(ev)
        .into_iter()
        .find(|(n, m, _)| n == ns && m == name)
        .map(|x| x.2)
}

/// Builds that did not push: kaniko `--no-push` (by its args, with its log line when read),
/// and registry reads that found no manifest (the push before them never happened).
fn unpushed(ev: &Evidence) -> Vec<Unpushed> {
    let mut out = vec![];
    for (ns, name, p) in pods(ev) {
        let Some(spec) = &p.spec else { continue };
        for c in spec
            .init_containers
            .iter()
            .flatten()
            .chain(&spec.containers)
        {
            if !has_no_push(c) {
                continue;
            }
            let line = ev.log(&name, &c.name, false).and_then(|l| {
                l.lines
                    .iter()
                    .position(|t| NO_PUSH_LINE.is_match(t))
                    .map(|i| (l.first_line + i, l.lines[i].clone()))
            });
            let proof = match line {
                Some((n, text)) => Proof::Log {
                    pod: name.clone(),
                    container: c.name.clone(),
                    previous: false,
                    line: n,
                    text,
                    context: false,
                },
                None => Proof::Fact {
                    text: format!("pod/{name} container {} runs with --no-push", c.name),
                },
            };
            for image in destinations(c) {
                out.push(Unpushed {
                    image: normalize(&image),
                    namespace: ns.clone(),
                    pod: name.clone(),
                    container: c.name.clone(),
                    proof: proof.clone(),
                    why: "built it with --no-push, so it was never pushed",
                });
            }
        }
    }
    for l in &ev.logs {
        for (i, t) in l.lines.iter().enumerate() {
            let Some(m) = MANIFEST_UNKNOWN.captures(t) else {
                continue;
            };
            let image = format!("{}:{}", &m[2], &m[1]);
            out.push(Unpushed {
                image: normalize(&image),
                namespace: l.namespace.clone(),
                pod: l.pod.clone(),
                container: l.container.clone(),
                proof: Proof::Log {
                    pod: l.pod.clone(),
                    container: l.container.clone(),
                    previous: l.previous,
                    line: l.first_line + i,
                    text: t.clone(),
                    context: false,
                },
                why: "found no manifest for it in the registry: the push before it never happened",
            });
            break;
        }
    }
    out
}

fn pull_failing(p: &Pod) -> Vec<(String, String, String)> {
    let Some(st) = &p.status else { return vec![] };
    st.init_container_statuses
        .iter()
        .flatten()
        .chain(st.container_statuses.iter().flatten())
        .filter_map(|s| {
            let w = s.state.as_ref()?.waiting.as_ref()?;
            let reason = w.reason.clone()?;
            matches!(reason.as_str(), "ImagePullBackOff" | "ErrImagePull")
                .then(|| (s.name.clone(), s.image.clone(), reason))
        })
        .collect()
}

/// One finding per workload pod that cannot pull an image some build did not push.
/// Only links that touch the subject: its own pods built the image or cannot pull it (a
/// namespace triage touches all).
pub fn check(subject: &Subject, ev: &Evidence) -> Vec<Finding> {
    let mine = |ns: &str, name: &str| {
        subject.kind == super::SubjectKind::Namespace || ev.pods.iter().any(|p| is(p, ns, name))
    };
    let builds = unpushed(ev);
    if builds.is_empty() {
        return vec![];
    }
    let mut out = vec![];
    let mut seen = std::collections::BTreeSet::new();
    for (ns, name, p) in pods(ev) {
        for (container, image, reason) in pull_failing(p) {
            let Some(b) = builds.iter().find(|b| {
                b.image == normalize(&image) && (mine(&ns, &name) || mine(&b.namespace, &b.pod))
            }) else {
                continue;
            };
            if !seen.insert((ns.clone(), name.clone(), container.clone())) {
                continue;
            }
            let build_pod = find_pod(ev, &b.namespace, &b.pod);
            let wf = build_pod
                .and_then(|bp| bp.metadata.labels.as_ref())
                .and_then(|l| l.get("workflows.argoproj.io/workflow").cloned());
            let mut f = Finding::new(
                "across.image-never-pushed",
                Severity::Error,
                &ns,
                &format!("pod/{name}"),
            )
            .title(format!(
                "{image} cannot be pulled because the build that makes it never pushed it"
            ))
            .meaning(format!(
                "pod/{name} waits on {image} ({reason}), and pod/{} container {} {}. \
                     Fixing registry credentials will not help until the image exists.",
                b.pod, b.container, b.why
            ))
            .proof(b.proof.clone())
            .proof(Proof::State {
                pod: name.clone(),
                container: container.clone(),
                text: format!("waiting: {reason} ({image})"),
            });
            if b.why.contains("--no-push") {
                f = f.fix(format!(
                    "Remove --no-push from container {} of the build (pod/{} in {})",
                    b.container, b.pod, b.namespace
                ));
            } else {
                f = f.fix(format!(
                    "Make the build push {image} (check its push step and credentials), then re-run it"
                ));
            }
            if let Some(wf) = wf {
                f = f.fix(format!("argo resubmit {wf} -n {}", b.namespace));
            }
            f = f
                .fix(format!(
                    "Check the image exists: skopeo inspect docker://{image}"
                ))
                .fix(format!(
                    "kubectl delete pod {name} -n {ns}   # retry the pull once it does"
                ))
                .act(Act::Logs {
                    namespace: b.namespace.clone(),
                    pod: b.pod.clone(),
                    container: b.container.clone(),
                    previous: false,
                });
            out.push(f);
        }
    }
    out
}
