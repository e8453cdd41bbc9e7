//! The config file, `~/.config/kdoc/config.toml` ($XDG_CONFIG_HOME/kdoc/ if set):
//!
//! ```toml
//! theme = "light"          # a theme's name (themes/, ~/.config/kdoc/themes/) or a file's path
//! keymap = "vim"           # a keymap's name (keymaps/, ~/.config/kdoc/keymaps/) or a path
//! readonly = true          # never change anything in the cluster (as --readonly)
//! rules = ["~/runbooks/kdoc-rules.toml"]   # doctor rule files besides rules/*.toml
//!
//! favourites = ["deploy", "isvc mlops", "pods argowf"]   # what the keys 1-9 open
//!
//! [logs]
//! buffer = 200000          # lines a logs pane keeps; older ones are dropped and counted
//!
//! [logs.presets]           # filters named @NAME in `/` and `kdoc logs --include`
//! oom = "out of memory|oomkilled|killed process"
//! errors = "error|fatal"   # a built-in name replaces that preset
//!
//! [[forwards.profile]]     # as [[profile]] in forwards.toml, which is read too
//! name = "iris"
//! namespace = "argowf"
//! target = "svc/iris-default"
//! ports = ["8000"]
//! ```
//!
//! Relative paths are under the config file's folder. The command line's flags win over the
//! file. A mistake is reported as `file:line:col: message` and only that setting is skipped (a
//! file TOML cannot parse is skipped whole); kdoc starts anyway.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::core::forward::Profile;
use crate::core::panes::logs::LogSettings;
use crate::logs::Presets;

/// A logs pane keeps at least this many lines, and at most `MAX_BUFFER` (about 2.5 GB of
/// 100-byte lines with their index: more than that is a mistake, not a wish).
pub const MIN_BUFFER: usize = 1_000;
pub const MAX_BUFFER: usize = 20_000_000;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    theme: Option<Spanned<String>>,
    keymap: Option<Spanned<String>>,
    readonly: Option<bool>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    logs: RawLogs,
    #[serde(default)]
    forwards: RawForwards,
    #[serde(default)]
    favourites: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLogs {
    buffer: Option<Spanned<i64>>,
    #[serde(default)]
    presets: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawForwards {
    #[serde(default)]
    profile: Vec<Spanned<Profile>>,
}

/// A string setting as written, and where (`file:line:col`), for messages about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub value: String,
    pub at: String,
}

/// What the config file sets (defaults where it is silent or absent).
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub logs: LogSettings,
    pub theme: Option<Setting>,
    pub keymap: Option<Setting>,
    pub readonly: Option<bool>,
    /// `[[forwards.profile]]`.
    pub profiles: Vec<Profile>,
    /// Doctor rule files, as written (see `dir`).
    pub rules: Vec<Setting>,
    /// The folder relative paths in the file are under.
    pub dir: Option<PathBuf>,
    /// Command lines the keys 1-9 run (`favourites = ["deploy", "isvc mlops"]`).
    pub favourites: Vec<String>,
}

/// The config at `path` (defaults when it does not exist), and its problems.
pub fn load(path: &Path) -> (Config, Vec<String>) {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(path, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), vec![]),
        Err(e) => (
            Config::default(),
            vec![format!(
                "{}: cannot read: {e}; using the defaults",
                path.display()
            )],
        ),
    }
}

/// The user's config file (see [`load`]); defaults when there is no config folder.
pub fn load_user() -> (Config, Vec<String>) {
    match super::user_file("config.toml") {
        Some(p) => load(&p),
        None => (Config::default(), vec![]),
    }
}

pub fn parse(path: &Path, text: &str) -> (Config, Vec<String>) {
    let raw: Raw = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            return (
                Config::default(),
                vec![format!(
                    "{}; the file is skipped",
                    super::toml_error(path, text, &e)
                )],
            );
        }
    };
    let mut problems = vec![];
    let pos = |offset: usize| {
        let (line, col) = super::line_col(text, offset);
        format!("{}:{line}:{col}", path.display())
    };
    let at = |span: std::ops::Range<usize>, msg: String| format!("{}: {msg}", pos(span.start));
    let setting = |v: Spanned<String>| Setting {
        at: pos(v.span().start),
        value: v.into_inner(),
    };
    let mut config = Config {
        theme: raw.theme.map(setting),
        keymap: raw.keymap.map(setting),
        readonly: raw.readonly,
        rules: raw.rules.into_iter().map(setting).collect(),
        dir: path.parent().map(Path::to_path_buf),
        ..Config::default()
    };
    for (i, f) in raw.favourites.into_iter().enumerate() {
        let span = f.span();
        let line = f.into_inner();
        if i >= 9 {
            problems.push(at(
                span,
                format!("favourite {} ({line:?}): only 1-9 have keys", i + 1),
            ));
            continue;
        }
        match crate::core::command::parse(&line, &Default::default()) {
            Ok(_) => config.favourites.push(line),
            Err(e) => problems.push(at(span, format!("favourite {}: {e}", i + 1))),
        }
    }
    super::forwards::add(
        path,
        text,
        raw.forwards.profile,
        &mut config.profiles,
        &mut problems,
    );
    if let Some(b) = raw.logs.buffer {
        let n = *b.get_ref();
        match usize::try_from(n) {
            Ok(n) if (MIN_BUFFER..=MAX_BUFFER).contains(&n) => config.logs.cap = n,
            _ => problems.push(at(
                b.span(),
                format!(
                    "logs.buffer = {n}: expected {MIN_BUFFER} to {MAX_BUFFER} lines; using {}",
                    config.logs.cap
                ),
            )),
        }
    }
    let mut presets = Presets::builtin();
    for (name, re) in raw.logs.presets {
        let about = format!("{}, logs.presets.{name}", path.display());
        if let Err(e) = presets.add(&name, re.get_ref(), &about) {
            problems.push(at(re.span(), format!("{e}; the preset is skipped")));
        }
    }
    config.logs.presets = Arc::new(presets);
    (config, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (Config, Vec<String>) {
        parse(Path::new("/home/u/.config/kdoc/config.toml"), text)
    }

    #[test]
    fn buffer_and_presets_are_read_and_mistakes_named_with_line_and_column() {
        let (c, problems) = parsed(
            "[logs]\nbuffer = 50000\n\n[logs.presets]\noom = \"out of memory|oomkilled\"\ngpu = \"cuda(\"\n\"bad name\" = \"x\"\n",
        );
        assert_eq!(c.logs.cap, 50_000);
        assert!(c.logs.presets.get("oom").is_some());
        assert!(c.logs.presets.get("errors").is_some(), "built-ins stay");
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(
            problems[0]
                .starts_with("/home/u/.config/kdoc/config.toml:7:14: preset name \"bad name\""),
            "{problems:#?}"
        );
        assert!(
            problems[1].starts_with(
                "/home/u/.config/kdoc/config.toml:6:7: preset @gpu regex `cuda(`: unclosed group"
            ),
            "{problems:#?}"
        );
    }

    #[test]
    fn a_buffer_out_of_range_keeps_the_default_and_a_broken_file_is_skipped() {
        let (c, problems) = parsed("[logs]\nbuffer = 10\n");
        assert_eq!(c.logs.cap, crate::logs::LogBuffer::DEFAULT_CAP);
        assert_eq!(
            problems,
            [
                "/home/u/.config/kdoc/config.toml:2:10: logs.buffer = 10: expected 1000 to 20000000 lines; using 200000"
            ]
        );
        let (_, problems) = parsed("[logs]\nbufer = 1000\n");
        assert!(
            problems[0].contains("config.toml:2:1: unknown field `bufer`"),
            "{problems:#?}"
        );
        assert!(
            problems[0].ends_with("the file is skipped"),
            "{problems:#?}"
        );
        let (c, problems) = load(Path::new("/nonexistent/kdoc/config.toml"));
        assert!(problems.is_empty());
        assert_eq!(c.logs.cap, crate::logs::LogBuffer::DEFAULT_CAP);
    }

    #[test]
    fn theme_keymap_readonly_rules_and_profiles() {
        let (c, problems) = parsed(
            "theme = \"light\"\nkeymap = \"./keys.toml\"\nreadonly = true\n\
             rules = [\"~/r.toml\", \"more.toml\"]\n\n\
             [[forwards.profile]]\nname = \"iris\"\nnamespace = \"a\"\ntarget = \"svc/x\"\n\
             ports = [\"8000\"]\n\n\
             [[forwards.profile]]\nname = \"iris\"\nnamespace = \"b\"\ntarget = \"svc/y\"\n\
             ports = [\"9000\"]\n",
        );
        let at = |l: usize, c: usize| format!("/home/u/.config/kdoc/config.toml:{l}:{c}");
        assert_eq!(
            c.theme,
            Some(Setting {
                value: "light".into(),
                at: at(1, 9)
            })
        );
        assert_eq!(
            c.keymap.as_ref().map(|k| k.value.as_str()),
            Some("./keys.toml")
        );
        assert_eq!(c.readonly, Some(true));
        assert_eq!(c.rules.len(), 2);
        assert_eq!(c.rules[1].at, at(4, 22));
        assert_eq!(c.dir.as_deref(), Some(Path::new("/home/u/.config/kdoc")));
        assert_eq!(c.profiles.len(), 1);
        assert_eq!(c.profiles[0].namespace, "a");
        assert_eq!(
            problems,
            [format!(
                "{}: profile \"iris\" is defined twice; the first one is used",
                at(12, 1)
            )]
        );
        let (_, problems) = parsed("readonly = \"yes\"\n");
        assert!(
            problems[0].starts_with("/home/u/.config/kdoc/config.toml:1:12: "),
            "{problems:?}"
        );
    }
}
