//! `kdoc sim`: serve a scenario until interrupted.

use std::net::SocketAddr;
use std::path::PathBuf;

use kdoc::sim::scenario::{self, load::LoadSpec};
use kdoc::sim::{Sim, SimConfig};

use super::SimArgs;

/// Check the arguments before anything starts; errors are one actionable line.
pub fn config(args: &SimArgs) -> Result<SimConfig, String> {
    let addr: SocketAddr = args.addr.parse().map_err(|_| {
        format!(
            "--addr {:?} is not an address like 127.0.0.1:8080 (port 0 picks a free one)",
            args.addr
        )
    })?;
    if !addr.ip().is_loopback() && !args.allow_remote {
        return Err(format!(
            "--addr {addr} is not a loopback address; the simulator has no authentication, so add --allow-remote if you really mean it"
        ));
    }
    if !(args.speed.is_finite() && args.speed > 0.0) {
        return Err(format!(
            "--speed {} must be a positive number (1 is real time, 10 is ten times faster)",
            args.speed
        ));
    }
    if args.log_rate < 0.0 || !args.log_rate.is_finite() {
        return Err(format!(
            "--log-rate {} must be zero or more lines per second",
            args.log_rate
        ));
    }
    let load = LoadSpec {
        pods: args.pods,
        namespaces: args.namespaces.max(1),
        log_rate: args.log_rate,
    };
    let scenario = scenario::builtin(&scenario_name(args), &load)?;
    Ok(SimConfig {
        addr,
        scenario,
        load: args.load.clone(),
        speed: args.speed,
        ..SimConfig::default()
    })
}

/// The scenario asked for, else `mlops`, or `empty` when files are loaded: someone loading a
/// support bundle expects to see that bundle alone.
fn scenario_name(args: &SimArgs) -> String {
    match &args.scenario {
        Some(name) => name.clone(),
        None if args.load.is_empty() => "mlops".into(),
        None => "empty".into(),
    }
}

pub async fn run(args: SimArgs) -> Result<(), String> {
    let cfg = config(&args)?;
    let name = cfg.scenario.name.clone();
    let sim = Sim::start(cfg).await?;
    for p in &sim.load_problems {
        eprintln!("kdoc sim: skipped {p}");
    }
    let path = args
        .kubeconfig_out
        .clone()
        .unwrap_or_else(|| default_kubeconfig_path(sim.addr().port()));
    std::fs::write(&path, sim.kubeconfig())
        .map_err(|e| format!("cannot write the kubeconfig to {}: {e}", path.display()))?;
    println!("kdoc sim: scenario {name} listening on {}", sim.url());
    println!("kdoc sim: kubeconfig written to {}", path.display());
    println!(
        "kdoc sim: try  KUBECONFIG={} kubectl get pods -A",
        path.display()
    );
    wait_for_signal().await;
    println!("kdoc sim: stopped");
    Ok(())
}

fn default_kubeconfig_path(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("kdoc-sim-{port}.kubeconfig"))
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::super::{Cli, Command};
    use super::*;

    fn sim_args(argv: &[&str]) -> SimArgs {
        let cli = Cli::try_parse_from(["kdoc", "sim"].iter().chain(argv)).unwrap();
        match cli.command {
            Some(Command::Sim(a)) => a,
            other => panic!("not sim: {other:?}"),
        }
    }

    #[test]
    fn load_alone_serves_the_empty_scenario_and_scenario_adds_one_explicitly() {
        assert_eq!(config(&sim_args(&[])).unwrap().scenario.name, "mlops");
        let load = config(&sim_args(&["--load", "/tmp/x"])).unwrap();
        assert_eq!(load.scenario.name, "empty");
        assert_eq!(load.load, [PathBuf::from("/tmp/x")]);
        let both = config(&sim_args(&["--load", "/tmp/x", "--scenario", "mlops"])).unwrap();
        assert_eq!(both.scenario.name, "mlops");
    }
}
