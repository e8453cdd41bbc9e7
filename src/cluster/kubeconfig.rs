//! Which cluster to talk to, resolved as kubectl would: --kubeconfig, $KUBECONFIG,
//! ~/.kube/config, then in-cluster config.

use std::path::{Path, PathBuf};

use kube::config::{KubeConfigOptions, Kubeconfig};

#[derive(Clone)]
pub struct Target {
    pub config: kube::Config,
    pub context: String,
    pub cluster: String,
    pub contexts: Vec<String>,
    /// The kubeconfig it came from, to switch contexts later (None for in-cluster).
    pub kubeconfig: Option<Kubeconfig>,
}

fn home_config() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".kube").join("config"))
}

/// Resolve the target; the error is one line naming where it looked and what to try.
pub async fn resolve(path: Option<&Path>, context: Option<&str>) -> Result<Target, String> {
    let kc = match path {
        Some(p) => Some(
            Kubeconfig::read_from(p)
                .map_err(|e| format!("cannot read kubeconfig {}: {e}", p.display()))?,
        ),
        None => match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
            Some(v) => Some(
                Kubeconfig::read()
                    .map_err(|e| format!("cannot read KUBECONFIG={}: {e}", v.to_string_lossy()))?,
            ),
            None => match home_config().filter(|p| p.exists()) {
                Some(p) => Some(
                    Kubeconfig::read_from(&p)
                        .map_err(|e| format!("cannot read kubeconfig {}: {e}", p.display()))?,
                ),
                None => None,
            },
        },
    };
    match kc {
        Some(kc) => from_kubeconfig(kc, context).await,
        None => match kube::Config::incluster() {
            Ok(config) => Ok(Target {
                config,
                context: "in-cluster".into(),
                cluster: "in-cluster".into(),
                contexts: vec![],
                kubeconfig: None,
            }),
            Err(_) => Err(format!(
                "no kubeconfig found: looked at --kubeconfig (not given), $KUBECONFIG (unset), {} (missing) and in-cluster config (not in a pod); try `kdoc --demo` for a built-in cluster",
                home_config().map_or("~/.kube/config".into(), |p| p.display().to_string())
            )),
        },
    }
}

pub async fn from_kubeconfig(kc: Kubeconfig, context: Option<&str>) -> Result<Target, String> {
    let contexts: Vec<String> = kc.contexts.iter().map(|c| c.name.clone()).collect();
    let chosen = match context {
        Some(c) => c.to_string(),
        None => kc.current_context.clone().ok_or_else(|| {
            format!(
                "the kubeconfig has no current-context; pick one with --context (known: {})",
                contexts.join(", ")
            )
        })?,
    };
    if !contexts.contains(&chosen) {
        return Err(format!(
            "unknown context {chosen:?}; known contexts: {}",
            if contexts.is_empty() {
                "none".into()
            } else {
                contexts.join(", ")
            }
        ));
    }
    let cluster = kc
        .contexts
        .iter()
        .find(|c| c.name == chosen)
        .and_then(|c| c.context.as_ref())
        .map(|c| c.cluster.clone())
        .unwrap_or_default();
    let opts = KubeConfigOptions {
        context: Some(chosen.clone()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kc.clone(), &opts)
        .await
        .map_err(|e| format!("context {chosen:?}: {e}"))?;
    Ok(Target {
        config,
        context: chosen,
        cluster,
        contexts,
        kubeconfig: Some(kc),
    })
}

/// A client for the target (building one does not contact the server yet).
pub fn client(target: &Target) -> Result<kube::Client, String> {
    kube::Client::try_from(target.config.clone()).map_err(|e| {
        format!(
            "cannot build a client for context {:?}: {e}",
            target.context
        )
    })
}
