//! Everything kdoc reads from the config folder when it starts, in one place so the TUI and
//! `kdoc config check` read the same things the same way: `config.toml`; the theme and keymap
//! it (or the command line, which wins) chooses, with the user's `theme.toml` / `keymap.toml`
//! merged over them; the forward profiles of `config.toml` and `forwards.toml`. Every problem
//! is a `file:line:col: message` and the default stands in for what it spoiled.

use std::path::{Path, PathBuf};

use super::Env;
use super::file::{self, Config, Setting};
use super::inherit::{Kind, Source};
use super::keymap::{self, Keymap};
use super::theme::{self, Theme};
use super::theme_file::RawTheme;
use crate::core::forward::Profile;

/// What the command line chose; each wins over `config.toml`.
#[derive(Clone, Debug, Default)]
pub struct Flags {
    /// `--theme NAME|PATH`.
    pub theme: Option<String>,
    /// `--keymap NAME|PATH`.
    pub keymap: Option<String>,
    /// `--readonly` (`--readonly=false` undoes the file's `readonly = true`).
    pub readonly: Option<bool>,
}

pub struct Settings {
    pub config: Config,
    pub theme: Theme,
    pub keymap: Keymap,
    pub readonly: bool,
    pub profiles: Vec<Profile>,
    /// Every mistake found, `file:line:col: message`.
    pub problems: Vec<String>,
    /// What was read, one line per kind of file, for `kdoc config check`.
    pub checked: Vec<String>,
}

/// Read everything; never fails.
pub fn load(env: &Env, flags: &Flags) -> Settings {
    let mut problems = vec![];
    let mut checked = vec![];
    let config = match env.file("config.toml") {
        Some(p) => {
            checked.push(format!("config: {}", exists(&p)));
            let (c, found) = file::load(&p);
            problems.extend(found);
            c
        }
        None => Config::default(),
    };
    let base = config.dir.as_deref();
    // The flag's value, or the file's with where it is written.
    let choice = |flag: &Option<String>, set: &Option<Setting>| match (flag, set) {
        (Some(f), _) => Some((f.clone(), None)),
        (None, Some(s)) => Some((s.value.clone(), Some(s.at.clone()))),
        (None, None) => None,
    };

    let theme_choice = choice(&flags.theme, &config.theme);
    let top = first(
        &theme::KIND,
        env,
        theme_choice.as_ref(),
        base,
        &mut problems,
    );
    let (chain, found) = theme::KIND.chain(env, top, theme::parse_source);
    problems.extend(found);
    let (mut labels, mut raws): (Vec<String>, Vec<RawTheme>) = chain.into_iter().unzip();
    if let Some(p) = env.file("theme.toml").filter(|p| p.exists()) {
        let (raw, found) = overlay(&theme::KIND, &p, theme::parse_source);
        problems.extend(found);
        raws.insert(0, raw);
        labels.insert(0, p.display().to_string());
    }
    let (mut theme, found) = Theme::resolve(&raws);
    problems.extend(found);
    // Values are checked after the chain is merged; list them with the file's other problems.
    super::in_file_order(&mut problems);
    if env.no_color {
        theme = theme.without_colour();
    }
    checked.push(format!(
        "theme: {}{}",
        labels.join(" over "),
        if env.no_color {
            " (NO_COLOR: no colours)"
        } else {
            ""
        }
    ));

    let keymap_choice = choice(&flags.keymap, &config.keymap);
    let top = first(
        &keymap::KIND,
        env,
        keymap_choice.as_ref(),
        base,
        &mut problems,
    );
    let parse_keymap = |s: &Source| Keymap::parse_file(Path::new(&s.label), &s.text);
    let (chain, found) = keymap::KIND.chain(env, top, parse_keymap);
    problems.extend(found);
    let mut labels = vec![];
    let mut keymap = Keymap::default();
    for (label, k) in chain.into_iter().rev() {
        labels.insert(0, label);
        keymap = keymap.merged(k);
    }
    if let Some(p) = env.file("keymap.toml").filter(|p| p.exists()) {
        let (k, found) = overlay(&keymap::KIND, &p, parse_keymap);
        problems.extend(found);
        keymap = keymap.merged(k);
        labels.insert(0, p.display().to_string());
    }
    checked.push(format!("keymap: {}", labels.join(" over ")));

    let mut profiles = config.profiles.clone();
    if let Some(p) = env.file("forwards.toml") {
        super::forwards::load_into(&p, &mut profiles, &mut problems);
        checked.push(format!("forwards: {}", exists(&p)));
    }
    let readonly = flags.readonly.or(config.readonly).unwrap_or(false);
    Settings {
        config,
        theme,
        keymap,
        readonly,
        profiles,
        problems,
        checked,
    }
}

fn exists(p: &Path) -> String {
    if p.exists() {
        p.display().to_string()
    } else {
        format!("{} (not there)", p.display())
    }
}

/// The file a setting chooses, or the shipped default (and a problem) when it cannot be had.
fn first(
    kind: &Kind,
    env: &Env,
    choice: Option<&(String, Option<String>)>,
    base: Option<&Path>,
    problems: &mut Vec<String>,
) -> Source {
    let Some((value, at)) = choice else {
        return kind.default_source();
    };
    // A path on the command line is the shell's: relative to where kdoc runs.
    let base = at.as_ref().and(base);
    kind.choose(env, value, base).unwrap_or_else(|why| {
        let at = at.clone().unwrap_or_else(|| format!("--{}", kind.what));
        problems.push(format!("{at}: {why}; using the shipped default"));
        kind.default_source()
    })
}

/// The user's `theme.toml` / `keymap.toml`: merged over the chosen one, so it has no parent of
/// its own to name.
fn overlay<T: Default>(
    kind: &Kind,
    path: &Path,
    parse: impl Fn(&Source) -> (T, Option<super::inherit::Parent>, Vec<String>),
) -> (T, Vec<String>) {
    match kind.by_path(path) {
        Ok(src) => {
            let (value, parent, mut problems) = parse(&src);
            if let Some(p) = parent {
                problems.push(format!(
                    "{}: inherits is ignored here: {} is merged over the {what} config.toml \
                     chooses ({what} = \"NAME\"); a {what} that inherits goes in {}/NAME.toml",
                    p.at,
                    path.display(),
                    kind.dir,
                    what = kind.what,
                ));
            }
            (value, problems)
        }
        Err(why) => (T::default(), vec![why]),
    }
}

/// The doctor's extra rule files that `config.toml` names (`rules = [...]`), as paths.
pub fn rule_paths(env: &Env, config: &Config) -> Vec<(PathBuf, Setting)> {
    config
        .rules
        .iter()
        .map(|s| (env.expand(&s.value, config.dir.as_deref()), s.clone()))
        .collect()
}

/// One line for the status bar listing every problem (they are on stderr too).
pub fn notice(problems: &[String]) -> Option<String> {
    match problems.len() {
        0 => None,
        n => Some(format!(
            "{n} problem{} in the config files, defaults used instead (kdoc config check): {}",
            if n == 1 { "" } else { "s" },
            problems.join(" | ")
        )),
    }
}
