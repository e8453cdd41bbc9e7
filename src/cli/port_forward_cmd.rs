//! `kdoc port-forward TARGET [LOCAL:]REMOTE... [-n NS] [--address ADDR]`: a drop-in for
//! `kubectl port-forward` (its output and error texts) that follows a service to a new pod and
//! reconnects. Every port is resolved and bound before any is served: one that cannot start
//! stops them all (exit 1) and nothing is left listening.

use kdoc::cluster::forward::{Forward, StartError};
use kdoc::cluster::kubeconfig;
use kdoc::core::forward::{ForwardEvent, ForwardRequest, ForwardState, ForwardTarget};
use tokio::sync::mpsc;

use super::tui_cmd::connect;

#[derive(Debug, clap::Args)]
pub struct PortForwardArgs {
    /// pod/NAME, svc/NAME (service/NAME), or a pod's name.
    pub target: String,
    /// [LOCAL:]REMOTE, one per forward: REMOTE a container port (number or name) for a pod, a
    /// service port for a service; an empty or 0 LOCAL picks a free port.
    pub ports: Vec<String>,
    /// Namespace (default: the context's).
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Address to listen on (an IP, or localhost).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub address: String,
    #[command(flatten)]
    pub cluster: super::ClusterArgs,
}

/// kubectl's `TYPE/NAME` for port-forward: a pod or a service (a bare name is a pod).
fn parse_target(t: &str) -> Result<ForwardTarget, String> {
    let (kind, name) = match t.split_once('/') {
        Some((k, n)) => (k.to_ascii_lowercase(), n),
        None => ("pod".to_string(), t),
    };
    if name.is_empty() {
        return Err(format!(
            "arguments in resource/name form must have a single resource and name: {t}"
        ));
    }
    match kind.as_str() {
        "pod" | "pods" | "po" => Ok(ForwardTarget::Pod(name.to_string())),
        "svc" | "service" | "services" => Ok(ForwardTarget::Service(name.to_string())),
        other => Err(format!(
            "kdoc port-forward takes pod/NAME or svc/NAME, not {other}/{name}: forward the service in front of it, or one of its pods"
        )),
    }
}

/// kubectl's `error: ...` (or its `Error from server ...` as it is), then kdoc's suggestion.
fn print_error(e: &StartError) {
    if e.error.starts_with("Error from server") {
        eprintln!("{}", e.error);
    } else {
        eprintln!("error: {}", e.error);
    }
    if let Some(h) = &e.hint {
        eprintln!("kdoc: {h}");
    }
}

/// Print what one forward reports, as kubectl would (connections on stdout) plus kdoc's own
/// reconnect lines on stderr.
async fn report(mut rx: mpsc::Receiver<ForwardEvent>, local_port: u16, first_pod: String) {
    let mut pod = first_pod;
    let mut seen = 0u64;
    let mut lost = false;
    while let Some(ev) = rx.recv().await {
        match ev {
            ForwardEvent::Traffic { total, .. } => {
                while seen < total {
                    println!("Handling connection for {local_port}");
                    seen += 1;
                }
            }
            ForwardEvent::State(ForwardState::Reconnecting { attempt, error }) => {
                if error.starts_with("an error occurred forwarding") {
                    eprintln!("kdoc: {error}");
                } else {
                    lost = true;
                    eprintln!(
                        "kdoc: pod {pod} went away; reconnecting (attempt {attempt}): {error}"
                    );
                }
            }
            ForwardEvent::State(ForwardState::Active { pod: now, .. }) => {
                if lost || now != pod {
                    eprintln!("kdoc: forwarding to pod {now}");
                }
                lost = false;
                pod = now;
            }
            ForwardEvent::State(ForwardState::Failed(e)) => eprintln!("error: {e}"),
            ForwardEvent::State(ForwardState::Starting) | ForwardEvent::Listening { .. } => {}
        }
    }
}

async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub async fn run(args: PortForwardArgs) -> Result<i32, String> {
    let target = match parse_target(&args.target) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    if args.ports.is_empty() {
        eprintln!("error: TYPE/NAME and list of ports are required for port-forward");
        return Ok(1);
    }
    let (cluster, _sim, notices) = match connect(&args.cluster, 1.0).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    for n in notices {
        eprintln!("kdoc: {n}");
    }
    let client = match kubeconfig::client(&cluster) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    let namespace = args
        .namespace
        .clone()
        .unwrap_or_else(|| cluster.config.default_namespace.clone());
    // Resolve and bind every port first: one that cannot start stops them all.
    let mut forwards = vec![];
    for spec in &args.ports {
        let req = ForwardRequest {
            or_free: false,
            namespace: namespace.clone(),
            target: target.clone(),
            spec: spec.clone(),
            address: args.address.clone(),
        };
        match Forward::start(client.clone(), req).await {
            Ok(f) => forwards.push(f),
            Err(e) => {
                print_error(&e);
                return Ok(1);
            }
        }
    }
    let mut tasks = tokio::task::JoinSet::new();
    for f in forwards {
        println!("Forwarding from {} -> {}", f.local_addr(), f.remote());
        let (tx, rx) = mpsc::channel(64);
        tasks.spawn(report(rx, f.local_addr().port(), f.pod().to_string()));
        tasks.spawn(f.serve(tx));
    }
    stopped().await;
    tasks.shutdown().await;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_as_kubectl_takes_them() {
        assert_eq!(parse_target("web"), Ok(ForwardTarget::Pod("web".into())));
        assert_eq!(
            parse_target("pod/web"),
            Ok(ForwardTarget::Pod("web".into()))
        );
        assert_eq!(
            parse_target("svc/iris-default"),
            Ok(ForwardTarget::Service("iris-default".into()))
        );
        assert_eq!(
            parse_target("service/iris-default"),
            Ok(ForwardTarget::Service("iris-default".into()))
        );
        assert!(parse_target("deploy/x").is_err());
        assert!(parse_target("svc/").is_err());
    }
}
