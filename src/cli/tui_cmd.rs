//! `kdoc [--demo | --from-dir PATH | --kubeconfig ... --context ...]`: resolve everything that
//! can fail before the terminal is touched, then run the TUI.

use std::path::Path;

use kdoc::app::{self, Options};
use kdoc::cluster::kubeconfig::{self, Target};
use kdoc::config::keymap::Keymap;
use kdoc::config::theme::Theme;
use kdoc::config::user_file;
use kdoc::core::state::Scope;
use kdoc::sim::scenario::{self, Scenario, load::LoadSpec};
use kdoc::sim::{Sim, SimConfig};

use super::{ClusterArgs, TuiArgs};

/// The preset with the user's keymap merged over it. A bad binding in the user's file is
/// reported (file:line:col) and skipped, so the preset's binding for that key stays.
fn load_keymap(path: Option<&Path>) -> Result<(Keymap, Vec<String>), String> {
    let base = Keymap::builtin();
    match path
        .map(Path::to_path_buf)
        .or_else(|| user_file("keymap.toml").filter(|p| p.exists()))
    {
        Some(p) => {
            let (user, problems) = Keymap::load(&p)?;
            Ok((base.merged(user), problems))
        }
        None => Ok((base, vec![])),
    }
}

fn load_theme(path: Option<&Path>) -> Result<Theme, String> {
    let base = Theme::builtin();
    match path
        .map(Path::to_path_buf)
        .or_else(|| user_file("theme.toml").filter(|p| p.exists()))
    {
        Some(p) => Theme::load_over(&p, &base),
        None => Ok(base),
    }
}

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
    let (keymap, mut notices) = load_keymap(args.keymap.as_deref())?;
    let theme = load_theme(args.theme.as_deref())?;
    let (target, _sim, sim_notices) = connect(&args.cluster, args.speed).await?;
    notices.extend(sim_notices);
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
    let (profiles, problems) = match kdoc::config::user_file("forwards.toml") {
        Some(p) => kdoc::config::forwards::load(&p),
        None => (vec![], vec![]),
    };
    notices.extend(problems);
    let (config, problems) = kdoc::config::file::load_user();
    notices.extend(problems);
    for n in &notices {
        // Also on stderr, where it stays after the TUI exits.
        eprintln!("kdoc: {n}");
    }
    app::run(Options {
        target,
        scope,
        readonly: args.readonly,
        keymap,
        theme,
        notices,
        offline: args
            .cluster
            .from_dir
            .as_ref()
            .map(|d| d.display().to_string()),
        profiles,
        logs: config.logs,
    })
    .await
}
