//! `kdoc doctor TARGET`: the overlay's checks, headless, for scripts and tickets.

use kdoc::cluster::{doctor, kubeconfig};
use kdoc::doctor::report;
use kdoc::doctor::run::{exit_code, run as run_checks};
use kdoc::doctor::{Subject, SubjectKind};

use super::tui_cmd::connect;

/// Exit code when the doctor could not run at all (no cluster, no such object).
pub const COULD_NOT_RUN: i32 = 3;

#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// pod/NAME, svc/NAME, workflow/NAME, pipelinerun/NAME, taskrun/NAME, isvc/NAME,
    /// sdep/NAME, deploy/NAME, or ns/NAME for every object of a namespace.
    #[arg(required_unless_present = "all_namespaces")]
    pub target: Option<String>,
    /// Namespace (default: the context's).
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Every object of every namespace (a triage of the whole cluster).
    #[arg(short = 'A', long, conflicts_with = "target")]
    pub all_namespaces: bool,
    /// The container you tried (e.g. `kubectl logs -c NAME`): checked against the pod's.
    #[arg(short = 'c', long, value_name = "NAME")]
    pub container: Option<String>,
    /// The port you tried (e.g. `kubectl port-forward svc/X PORT`): resolved as kubectl does.
    #[arg(long, value_name = "[LOCAL:]PORT")]
    pub port: Option<String>,
    /// Make no port-forward probe (it needs `create` on pods/portforward);
    /// `--readonly=false` overrides config.toml's `readonly = true`.
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true"
    )]
    pub readonly: Option<bool>,
    /// text, json or markdown.
    #[arg(short = 'o', long, default_value = "text")]
    pub output: String,
    #[command(flatten)]
    pub cluster: super::ClusterArgs,
}

/// Exit 0 when nothing is wrong, 1 with warnings, 2 with errors, 3 when it could not run.
pub async fn run(args: DoctorArgs) -> i32 {
    match check(args).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kdoc doctor: {e}");
            COULD_NOT_RUN
        }
    }
}

async fn check(args: DoctorArgs) -> Result<i32, String> {
    if !matches!(args.output.as_str(), "text" | "json" | "markdown") {
        return Err(format!(
            "-o {}: expected text, json or markdown",
            args.output
        ));
    }
    let (target, _sim, notices) = connect(&args.cluster, 1.0).await?;
    for n in notices {
        eprintln!("kdoc: {n}");
    }
    let ns = args
        .namespace
        .clone()
        .unwrap_or_else(|| target.config.default_namespace.clone());
    let mut subject = match &args.target {
        Some(t) => Subject::parse(t, &ns)?,
        None => Subject::new(SubjectKind::Namespace, "", ""),
    };
    subject.container = args.container.clone();
    subject.port = args.port.clone();
    let rules = kdoc::config::doctor_rules();
    let (rules, problems) = rules.get();
    for p in problems {
        eprintln!("kdoc: {p}");
    }
    let client = kubeconfig::client(&target)?;
    // Captured files have no processes behind them: nothing could answer a probe.
    let mut probe = args.cluster.from_dir.is_none();
    // The TUI's read-only setting holds here too: the probe opens a port-forward.
    let readonly = args
        .readonly
        .or_else(|| kdoc::config::file::load_user().0.readonly)
        .unwrap_or(false);
    if probe && readonly {
        probe = false;
        eprintln!("kdoc: read-only: the port probe through a port-forward was skipped");
    }
    let ev = doctor::collect(client, subject.clone(), probe).await?;
    let findings = run_checks(&subject, &ev, jiff::Timestamp::now(), rules);
    let out = match args.output.as_str() {
        "json" => {
            let mut s = serde_json::to_string_pretty(&report::json(&subject, &findings, &ev))
                .unwrap_or_default();
            s.push('\n');
            s
        }
        "markdown" => report::markdown(&subject, &findings),
        _ => report::text(&subject, &findings),
    };
    print!("{out}");
    Ok(exit_code(&findings))
}
