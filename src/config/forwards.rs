//! The user's forward profiles (`~/.config/kdoc/forwards.toml`): `[[profile]]` tables, each a
//! named forward with an optional HTTP check and autostart. A mistake is reported with
//! file:line:col and that file's profiles are skipped; kdoc starts anyway.

use std::path::Path;

use crate::core::forward::Profile;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profile: Vec<Profile>,
}

/// The profiles in `path` (none when it does not exist), and what was wrong with it.
pub fn load(path: &Path) -> (Vec<Profile>, Vec<String>) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (vec![], vec![]),
        Err(e) => {
            return (
                vec![],
                vec![format!("{}: cannot read: {e}", path.display())],
            );
        }
    };
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> (Vec<Profile>, Vec<String>) {
    match toml::from_str::<File>(text) {
        Ok(f) => {
            let mut problems = vec![];
            let mut seen = std::collections::BTreeSet::new();
            let mut out = vec![];
            for p in f.profile {
                if !seen.insert(p.name.clone()) {
                    problems.push(format!(
                        "{}: profile {:?} is defined twice; the first one is used",
                        path.display(),
                        p.name
                    ));
                } else if p.ports.is_empty() {
                    problems.push(format!(
                        "{}: profile {:?} has no ports (ports = [\"8000\"])",
                        path.display(),
                        p.name
                    ));
                } else {
                    out.push(p);
                }
            }
            (out, problems)
        }
        Err(e) => (vec![], vec![super::toml_error(path, text, &e)]),
    }
}
