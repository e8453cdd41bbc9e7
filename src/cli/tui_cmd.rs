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

use super::TuiArgs;

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

pub async fn run(args: TuiArgs) -> Result<(), String> {
    let (keymap, mut notices) = load_keymap(args.keymap.as_deref())?;
    let theme = load_theme(args.theme.as_deref())?;
    // The simulator lives as long as the TUI when kdoc serves its own cluster.
    let mut _sim = None;
    let target = if args.demo || args.from_dir.is_some() {
        let (scenario, load) = match &args.from_dir {
            Some(dir) => {
                if !dir.is_dir() {
                    return Err(format!("--from-dir {}: not a directory", dir.display()));
                }
                (
                    Scenario {
                        name: "from-dir".into(),
                        ..Default::default()
                    },
                    vec![dir.clone()],
                )
            }
            None => (scenario::builtin("mlops", &LoadSpec::default())?, vec![]),
        };
        if !(args.speed.is_finite() && args.speed > 0.0) {
            return Err(format!(
                "--speed {} must be a positive number (1 is real time)",
                args.speed
            ));
        }
        let sim = Sim::start(SimConfig {
            scenario,
            load,
            speed: args.speed,
            ..SimConfig::default()
        })
        .await?;
        for p in &sim.load_problems {
            notices.push(format!("skipped {p}"));
        }
        let t = sim_target(&sim).await?;
        _sim = Some(sim);
        t
    } else {
        kubeconfig::resolve(args.kubeconfig.as_deref(), args.context.as_deref()).await?
    };
    let scope = if args.all_namespaces
        || ((args.demo || args.from_dir.is_some()) && args.namespace.is_none())
    {
        Scope::All
    } else {
        Scope::Namespace(
            args.namespace
                .clone()
                .unwrap_or_else(|| target.config.default_namespace.clone()),
        )
    };
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
        offline: args.from_dir.as_ref().map(|d| d.display().to_string()),
    })
    .await
}
