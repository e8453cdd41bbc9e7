//! `kdoc [--demo | --from-dir PATH | --kubeconfig ... --context ...]`: resolve everything that
//! can fail before the terminal is touched, then run the TUI.

use kdoc::app::{self, Options};
use kdoc::cluster::kubeconfig::{self, Target};
use kdoc::config::Env;
use kdoc::config::settings::{self, Flags};
use kdoc::core::state::Scope;
use kdoc::sim::scenario::{self, Scenario, load::LoadSpec};
use kdoc::sim::{Sim, SimConfig};

use super::{ClusterArgs, TuiArgs};

async fn sim_target(sim: &Sim) -> Result<Target, String> {
    let kc = kube::config::Kubeconfig::from_yaml(&sim.kubeconfig())
        .map_err(|e| format!("simulator kubeconfig: {e}"))?;
    kubeconfig::from_kubeconfig(kc, None).await
}

/// The cluster to talk to: the demo scenario or a folder served in-process (the simulator
/// lives as long as the returned `Sim`), or a kubeconfig context. Also what loading skipped.
pub async fn connect(
    args: &ClusterArgs,
    speed: f64,
) -> Result<(Target, Option<Sim>, Vec<String>), String> {
    let from_dir = args.from_dir.as_deref();
    if !(args.demo || from_dir.is_some()) {
        let t = kubeconfig::resolve(args.kubeconfig.as_deref(), args.context.as_deref()).await?;
        return Ok((t, None, vec![]));
    }
    let (scenario, load) = match from_dir {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(format!("--from-dir {}: not a directory", dir.display()));
            }
            (
                Scenario {
                    name: "from-dir".into(),
                    ..Default::default()
                },
                vec![dir.to_path_buf()],
            )
        }
        None => (scenario::builtin("mlops", &LoadSpec::default())?, vec![]),
    };
    if !(speed.is_finite() && speed > 0.0) {
        return Err(format!(
            "--speed {speed} must be a positive number (1 is real time)"
        ));
    }
    let sim = Sim::start(SimConfig {
        scenario,
        load,
        speed,
        ..SimConfig::default()
    })
    .await?;
    let notices = sim
        .load_problems
        .iter()
        .map(|p| format!("skipped {p}"))
        .collect();
    let t = sim_target(&sim).await?;
    Ok((t, Some(sim), notices))
}

pub async fn run(args: TuiArgs) -> Result<(), String> {
    // Never fails: a bad file is a notice and its defaults stand in.
    let settings = settings::load(
        &Env::from_process(),
        &Flags {
            theme: args.theme.clone(),
            keymap: args.keymap.clone(),
            readonly: args.readonly,
        },
    );
    let (target, _sim, mut notices) = connect(&args.cluster, args.speed).await?;
    // Each on stderr, where it stays after the TUI exits; all of them on the status line.
    for n in notices.iter().chain(&settings.problems) {
        eprintln!("kdoc: {n}");
    }
    notices.extend(settings::notice(&settings.problems));
    let local = args.cluster.demo || args.cluster.from_dir.is_some();
    let scope = if args.all_namespaces || (local && args.namespace.is_none()) {
        Scope::All
    } else {
        Scope::Namespace(
            args.namespace
                .clone()
                .unwrap_or_else(|| target.config.default_namespace.clone()),
        )
    };
    app::run(Options {
        target,
        scope,
        readonly: settings.readonly,
        keymap: settings.keymap,
        theme: settings.theme,
        notices,
        offline: args
            .cluster
            .from_dir
            .as_ref()
            .map(|d| d.display().to_string()),
        profiles: settings.profiles,
        favourites: settings.config.favourites.clone(),
        logs: settings.config.logs,
    })
    .await
}
