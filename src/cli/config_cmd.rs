//! `kdoc config check`: read every config file as the TUI would and list each problem as
//! `file:line:col: message` (exit 1 when there is one). `kdoc config path`: where each file is
//! looked for and whether it is there.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use clap::Subcommand;
use kdoc::config::inherit::Kind;
use kdoc::config::settings::{self, Flags};
use kdoc::config::{Env, keymap, rule_files, theme};
use kdoc::doctor::pack::LazyRules;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check config.toml, the theme and keymap it chooses (with theme.toml and keymap.toml),
    /// forwards.toml and the doctor rule files; print each problem as file:line:col: message
    /// and exit 1 when there is one.
    Check(CheckArgs),
    /// Print where each config file is looked for, and whether it is there.
    Path,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Check this theme (NAME or PATH) instead of the one config.toml chooses.
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,
    /// Check this keymap (NAME or PATH) instead of the one config.toml chooses.
    #[arg(long, value_name = "NAME|PATH")]
    pub keymap: Option<String>,
}

pub fn run(cmd: ConfigCommand) -> i32 {
    let env = Env::from_process();
    let mut out = String::new();
    let code = match cmd {
        ConfigCommand::Check(args) => check(&env, args, &mut out),
        ConfigCommand::Path => {
            path(&env, &mut out);
            0
        }
    };
    // All at once, and a reader that went away (| head) is no error of ours.
    let _ = std::io::stdout().write_all(out.as_bytes());
    code
}

fn check(env: &Env, args: CheckArgs, out: &mut String) -> i32 {
    let flags = Flags {
        theme: args.theme,
        keymap: args.keymap,
        readonly: None,
    };
    let s = settings::load(env, &flags);
    let mut problems = s.problems;
    let (files, read) = rule_files(env, &s.config);
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let rules = LazyRules::new(files.clone(), read);
    problems.extend(rules.get().1.iter().cloned());
    for line in &s.checked {
        let _ = writeln!(out, "checked {line}");
    }
    if names.is_empty() {
        let _ = writeln!(out, "checked rules: the built-in rules only");
    } else {
        let _ = writeln!(out, "checked rules: {}", names.join(", "));
    }
    for p in &problems {
        let _ = writeln!(out, "{p}");
    }
    match problems.len() {
        0 => {
            let _ = writeln!(out, "no problems");
            0
        }
        n => {
            let _ = writeln!(out, "{n} problem{}", if n == 1 { "" } else { "s" });
            1
        }
    }
}

fn there(p: &Path) -> &'static str {
    if p.is_dir() {
        "a folder"
    } else if p.exists() {
        "there"
    } else {
        "not there"
    }
}

fn path(env: &Env, out: &mut String) {
    let Some(dir) = &env.dir else {
        let _ = writeln!(
            out,
            "no config folder: neither XDG_CONFIG_HOME nor HOME is set"
        );
        return;
    };
    fn row(out: &mut String, what: &str, p: &Path, note: &str) {
        let _ = writeln!(out, "{what:<14} {} ({}){note}", p.display(), there(p));
    }
    row(out, "config folder", dir, "");
    let config = dir.join("config.toml");
    row(out, "config", &config, "");
    let (c, _) = kdoc::config::file::load(&config);
    for (kind, file, set) in [
        (&theme::KIND, "theme.toml", &c.theme),
        (&keymap::KIND, "keymap.toml", &c.keymap),
    ] {
        let what = kind.what;
        let folder = dir.join(kind.dir);
        row(
            out,
            &format!("{}/", kind.dir),
            &folder,
            &format!(
                "; {}s by name: {}/NAME.toml, then the shipped {}",
                what,
                folder.display(),
                kind.names().join(", ")
            ),
        );
        let _ = writeln!(
            out,
            "{:<14} {}",
            format!("{what} in use"),
            in_use(env, kind, set, &c)
        );
        row(
            out,
            file,
            &dir.join(file),
            &format!("; merged over the {what} in use"),
        );
    }
    row(out, "forwards", &dir.join("forwards.toml"), "");
    row(out, "rules/", &dir.join("rules"), "; every *.toml in it");
    for (p, s) in settings::rule_paths(env, &c) {
        row(out, "rules", &p, &format!("; from {}", s.at));
    }
    if env.no_color {
        let _ = writeln!(out, "NO_COLOR is set: no colours");
    }
}

/// The theme or keymap the config file chooses, and the file that is.
fn in_use(
    env: &Env,
    kind: &Kind,
    set: &Option<kdoc::config::file::Setting>,
    c: &kdoc::config::file::Config,
) -> String {
    match set {
        None => format!("default: {}", kind.default_source().describe()),
        Some(s) => match kind.choose(env, &s.value, c.dir.as_deref()) {
            Ok(src) => format!("{}: {} (from {})", s.value, src.describe(), s.at),
            Err(why) => format!("{} (from {}): {why}", s.value, s.at),
        },
    }
}
