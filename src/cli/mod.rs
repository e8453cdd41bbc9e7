//! Command-line interface.

pub mod sim_cmd;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "kdoc",
    version,
    about = "A terminal UI for debugging Kubernetes ML pipelines and model servers"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the simulated Kubernetes API server alone (for kubectl, kdoc, tests, benchmarks).
    Sim(SimArgs),
}

#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: String,
    /// Allow listening on a non-loopback address (the simulator has no authentication).
    #[arg(long)]
    pub allow_remote: bool,
    /// Built-in scenario: mlops, empty or load.
    #[arg(long, default_value = "mlops")]
    pub scenario: String,
    /// Files or folders of Kubernetes objects (YAML or JSON) to serve; repeatable.
    #[arg(long, value_name = "PATH")]
    pub load: Vec<PathBuf>,
    /// Where to write a kubeconfig for this server (default: a file in the temp directory).
    #[arg(long, value_name = "PATH")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Scenario time runs this many times faster than real time.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// load scenario: number of pods.
    #[arg(long, default_value_t = 1000)]
    pub pods: usize,
    /// load scenario: number of namespaces.
    #[arg(long, default_value_t = 10)]
    pub namespaces: usize,
    /// load scenario: log lines per second per container.
    #[arg(long, default_value_t = 1.0)]
    pub log_rate: f64,
}
