//! Theme and keymap loading: built-in defaults (from `themes/` and `keymaps/`) merged with the
//! user's files, with errors that name the file, line and column.

pub mod file;
pub mod forwards;
pub mod keymap;
pub mod theme;

use std::path::{Path, PathBuf};

/// `~/.config/kdoc/<name>` (or under $XDG_CONFIG_HOME).
pub fn user_file(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("kdoc").join(name))
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
/// config folder (`~/.config/kdoc/rules/`), read now and compiled when first needed. A bad
/// file is reported (`file:line: reason`) and skipped; the built-in rules always run.
pub fn doctor_rules() -> crate::doctor::pack::LazyRules {
    match user_file("rules") {
        Some(dir) => rules_from(&dir),
        None => crate::doctor::pack::LazyRules::builtin(),
    }
}

/// Every `*.toml` in `dir` (in name order), read; a file that cannot be read is a problem.
pub fn rules_from(dir: &Path) -> crate::doctor::pack::LazyRules {
    let mut problems = vec![];
    let mut files = vec![];
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
        Err(e) => {
            problems.push(format!("{}: cannot list rule files: {e}", dir.display()));
            vec![]
        }
    };
    paths.sort();
    for p in paths {
        match std::fs::read_to_string(&p) {
            Ok(text) => files.push((p.display().to_string(), text)),
            Err(e) => problems.push(format!("{}: cannot read: {e}", p.display())),
        }
    }
    crate::doctor::pack::LazyRules::new(files, problems)
}
