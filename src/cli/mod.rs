//! Command-line interface.

pub mod config_cmd;
pub mod doctor_cmd;
pub mod logs_cmd;
pub mod port_forward_cmd;
pub mod sim_cmd;
pub mod tui_cmd;

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
    #[command(flatten)]
    pub tui: TuiArgs,
}

/// Which cluster to talk to: the TUI's and `kdoc logs`'s.
#[derive(Debug, clap::Args)]
pub struct ClusterArgs {
    /// Use the built-in demo cluster (the `mlops` scenario), served in-process over real HTTP.
    #[arg(long, conflicts_with_all = ["from_dir", "kubeconfig", "context"])]
    pub demo: bool,
    /// Serve a folder of captured objects (a support bundle, `kubectl get -o yaml` dumps) and use it.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["kubeconfig", "context"])]
    pub from_dir: Option<PathBuf>,
    /// Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context (default: the current context).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
}

/// Options of the TUI (kdoc without a subcommand).
#[derive(Debug, clap::Args)]
pub struct TuiArgs {
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Namespace to show (default: the context's, or all with --demo).
    #[arg(
        short = 'n',
        long,
        value_name = "NS",
        conflicts_with = "all_namespaces"
    )]
    pub namespace: Option<String>,
    /// Show every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Never change anything in the cluster (`--readonly=false` overrides config.toml's
    /// `readonly = true`).
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true"
    )]
    pub readonly: Option<bool>,
    /// With --demo: scenario time runs this many times faster.
    #[arg(long, default_value_t = 1.0, requires = "demo")]
    pub speed: f64,
    /// Keymap: a shipped one (default, vim), one of yours in ~/.config/kdoc/keymaps/NAME.toml,
    /// or a file's path (merged over the default unless it says `inherits`).
    #[arg(long, value_name = "NAME|PATH")]
    pub keymap: Option<String>,
    /// Theme: a shipped one (default, light, 16color), one of yours in
    /// ~/.config/kdoc/themes/NAME.toml, or a file's path.
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the simulated Kubernetes API server alone (for kubectl, kdoc, tests, benchmarks).
    Sim(SimArgs),
    /// Print the logs of pods, workflows, pipeline runs or services, stern-style (headless).
    Logs(Box<logs_cmd::LogsArgs>),
    /// Diagnose a pod, service, workflow, pipeline run or model server, or a whole namespace
    /// (headless; exit 0 nothing wrong, 1 warnings, 2 errors, 3 could not run).
    Doctor(Box<doctor_cmd::DoctorArgs>),
    /// Forward local ports to a pod or service, as kubectl port-forward does, following a
    /// service to a new pod and reconnecting (headless; runs until Ctrl-C).
    PortForward(Box<port_forward_cmd::PortForwardArgs>),
    /// Check the config files (config.toml, theme, keymap, rule files) or show where they are.
    #[command(subcommand)]
    Config(config_cmd::ConfigCommand),
}

#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: String,
    /// Allow listening on a non-loopback address (the simulator has no authentication).
    #[arg(long)]
    pub allow_remote: bool,
    /// Built-in scenario: mlops, hostile, empty or load (default: mlops, or empty with --load, so a
    /// loaded bundle is served alone unless a scenario is asked for).
    #[arg(long)]
    pub scenario: Option<String>,
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
