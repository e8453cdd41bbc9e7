//! The user's settings: `config.toml`, themes (from `themes/` and the user's), keymaps (from
//! `keymaps/` and the user's), forward profiles and doctor rule files, with errors that name the
//! file, line and column. Nothing here aborts: a mistake is a message and the default stays.

pub mod color;
pub mod file;
pub mod forwards;
pub mod inherit;
pub mod keymap;
pub mod settings;
pub mod theme;
pub mod theme_file;

use std::path::{Path, PathBuf};

/// Where the user's files are, and what the environment asks for.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// `~/.config/kdoc` (or `$XDG_CONFIG_HOME/kdoc`); none without HOME.
    pub dir: Option<PathBuf>,
    pub home: Option<PathBuf>,
    /// NO_COLOR set and not empty (no-color.org): no colours, only bold, reversed, ...
    pub no_color: bool,
}

impl Env {
    pub fn from_process() -> Env {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|x| !x.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        Env {
            dir: base.map(|b| b.join("kdoc")),
            home,
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        }
    }

    /// `<config dir>/<name>`.
    pub fn file(&self, name: &str) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(name))
    }

    /// A path as a setting writes it: `~/x` under HOME, a relative one under `base` (the folder
    /// of the file that names it).
    pub fn expand(&self, s: &str, base: Option<&Path>) -> PathBuf {
        if let (Some(rest), Some(home)) = (s.strip_prefix("~/"), &self.home) {
            return home.join(rest);
        }
        let p = PathBuf::from(s);
        match base {
            Some(b) if p.is_relative() => b.join(p),
            _ => p,
        }
    }
}

/// `~/.config/kdoc/<name>` (or under $XDG_CONFIG_HOME).
pub fn user_file(name: &str) -> Option<PathBuf> {
    Env::from_process().file(name)
}

/// Problems of the same file in line and column order (a stable sort: messages without a
/// position, and files, keep their order).
pub fn in_file_order(problems: &mut [String]) {
    fn key(p: &str) -> Option<(&str, usize, usize)> {
        let re = regex::Regex::new(r"^(.*?):(\d+):(\d+): ").ok()?;
        let c = re.captures(p)?;
        Some((c.get(1)?.as_str(), c[2].parse().ok()?, c[3].parse().ok()?))
    }
    let files: Vec<Option<&str>> = problems.iter().map(|p| key(p).map(|k| k.0)).collect();
    let mut order: Vec<usize> = (0..problems.len()).collect();
    // Files in the order they first appear, then position within a file.
    let first = |f: Option<&str>| files.iter().position(|g| *g == f).unwrap_or(0);
    let keys: Vec<(usize, usize, usize)> = problems
        .iter()
        .map(|p| {
            let k = key(p);
            let f = first(k.map(|k| k.0));
            k.map_or((f, 0, 0), |(_, l, c)| (f, l, c))
        })
        .collect();
    order.sort_by_key(|i| keys[*i]);
    let sorted: Vec<String> = order.iter().map(|i| problems[*i].clone()).collect();
    problems.clone_from_slice(&sorted);
}

/// `file:line:col: message` for a TOML error.
pub fn toml_error(path: &Path, text: &str, err: &toml::de::Error) -> String {
    let (line, col) = err.span().map_or((1, 1), |s| line_col(text, s.start));
    format!("{}:{line}:{col}: {}", path.display(), err.message())
}

pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The line:col of the first occurrence of `"key"` (for errors about a value TOML parsed fine).
pub fn locate(text: &str, key: &str) -> (usize, usize) {
    text.find(&format!("\"{key}\""))
        .or_else(|| text.find(key))
        .map_or((1, 1), |o| line_col(text, o))
}

/// The doctor's rule pack: the built-in rules, plus the user's `rules/*.toml` files from the
/// config folder (`~/.config/kdoc/rules/`) and the files `config.toml` names (`rules = [...]`),
/// read now and compiled when first needed. A bad file is reported (`file:line: reason`) and
/// skipped; the built-in rules always run.
pub fn doctor_rules() -> crate::doctor::pack::LazyRules {
    let env = Env::from_process();
    let config = match env.file("config.toml") {
        Some(p) => file::load(&p).0,
        None => file::Config::default(),
    };
    let (files, problems) = rule_files(&env, &config);
    crate::doctor::pack::LazyRules::new(files, problems)
}

/// (path, text) of every user rule file, `rules/*.toml` first (in name order), then the ones
/// `config.toml` names; and the files that could not be read.
pub fn rule_files(env: &Env, config: &file::Config) -> (Vec<(String, String)>, Vec<String>) {
    let mut problems = vec![];
    let mut files = vec![];
    let mut paths: Vec<PathBuf> = match env.file("rules").map(|d| (std::fs::read_dir(&d), d)) {
        Some((Ok(rd), _)) => rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Some((Err(e), _)) if e.kind() == std::io::ErrorKind::NotFound => vec![],
        Some((Err(e), dir)) => {
            problems.push(format!("{}: cannot list rule files: {e}", dir.display()));
            vec![]
        }
        None => vec![],
    };
    paths.sort();
    for p in paths {
        match std::fs::read_to_string(&p) {
            Ok(text) => files.push((p.display().to_string(), text)),
            Err(e) => problems.push(format!("{}: cannot read: {e}", p.display())),
        }
    }
    for (p, setting) in settings::rule_paths(env, config) {
        match std::fs::read_to_string(&p) {
            Ok(text) => files.push((p.display().to_string(), text)),
            Err(e) => problems.push(format!(
                "{}: rules: cannot read {}: {e}",
                setting.at,
                p.display()
            )),
        }
    }
    (files, problems)
}
