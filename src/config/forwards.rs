//! The user's forward profiles: `[[profile]]` tables in `~/.config/kdoc/forwards.toml`, or
//! `[[forwards.profile]]` in `config.toml`; each a named forward with an optional HTTP check
//! and autostart. A file TOML cannot read is reported with file:line:col and its profiles are
//! skipped; a profile defined twice or without ports is reported where it starts and skipped.
//! kdoc starts anyway.

use std::path::Path;

use toml::Spanned;

use crate::core::forward::Profile;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profile: Vec<Spanned<Profile>>,
}

/// The profiles in `path` (none when it does not exist), and what was wrong with it.
pub fn load(path: &Path) -> (Vec<Profile>, Vec<String>) {
    let mut out = vec![];
    let mut problems = vec![];
    load_into(path, &mut out, &mut problems);
    (out, problems)
}

/// The profiles in `path` added to `out` (see [`add`]); nothing when it does not exist.
pub fn load_into(path: &Path, out: &mut Vec<Profile>, problems: &mut Vec<String>) {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_into(path, &text, out, problems),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => problems.push(format!("{}: cannot read: {e}", path.display())),
    }
}

pub fn parse(path: &Path, text: &str) -> (Vec<Profile>, Vec<String>) {
    let mut out = vec![];
    let mut problems = vec![];
    parse_into(path, text, &mut out, &mut problems);
    (out, problems)
}

fn parse_into(path: &Path, text: &str, out: &mut Vec<Profile>, problems: &mut Vec<String>) {
    match toml::from_str::<File>(text) {
        Ok(f) => add(path, text, f.profile, out, problems),
        Err(e) => problems.push(super::toml_error(path, text, &e)),
    }
}

/// Add the profiles of `text` (at `path`) to `out`, skipping (and reporting) a name already
/// there and a profile without ports.
pub fn add(
    path: &Path,
    text: &str,
    profiles: Vec<Spanned<Profile>>,
    out: &mut Vec<Profile>,
    problems: &mut Vec<String>,
) {
    for p in profiles {
        let (line, col) = super::line_col(text, p.span().start);
        let at = format!("{}:{line}:{col}", path.display());
        let p = p.into_inner();
        if out.iter().any(|q| q.name == p.name) {
            problems.push(format!(
                "{at}: profile {:?} is defined twice; the first one is used",
                p.name
            ));
        } else if p.ports.is_empty() {
            problems.push(format!(
                "{at}: profile {:?} has no ports (ports = [\"8000\"])",
                p.name
            ));
        } else {
            out.push(p);
        }
    }
}
