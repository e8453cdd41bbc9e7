//! Keys to action names. No key handling lives anywhere else.

use std::collections::HashMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use crate::core::actions::{ACTIONS, Action, by_name};

pub const DEFAULT: &str = include_str!("../../keymaps/default.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    keys: HashMap<String, String>,
}

#[derive(Clone, Debug)]
pub struct Keymap {
    bindings: HashMap<String, Action>,
}

impl Keymap {
    pub fn builtin() -> Keymap {
        Keymap::parse(Path::new("keymaps/default.toml"), DEFAULT)
            .expect("the built-in keymap is valid (tested)")
    }

    /// Parse a keymap file's text; errors read `file:line:col: message`.
    pub fn parse(path: &Path, text: &str) -> Result<Keymap, String> {
        let file: File = toml::from_str(text).map_err(|e| super::toml_error(path, text, &e))?;
        let mut bindings = HashMap::new();
        let mut keys: Vec<_> = file.keys.into_iter().collect();
        keys.sort();
        for (key, name) in keys {
            let chord = normalize(&key).ok_or_else(|| {
                let (l, c) = super::locate(text, &key);
                format!("{}:{l}:{c}: {key:?} is not a key; use a character or a name like up, pageup, enter, esc, ctrl-d", path.display())
            })?;
            let action = by_name(&name).ok_or_else(|| {
                let (l, c) = super::locate(text, &key);
                let known: Vec<&str> = ACTIONS.iter().map(|a| a.name).collect();
                format!(
                    "{}:{l}:{c}: unknown action {name:?} for key {key:?}; known actions: {}",
                    path.display(),
                    known.join(", ")
                )
            })?;
            bindings.insert(chord, action);
        }
        Ok(Keymap { bindings })
    }

    /// The built-in map with the user's bindings on top.
    pub fn merged(mut self, user: Keymap) -> Keymap {
        self.bindings.extend(user.bindings);
        self
    }

    pub fn load(path: &Path) -> Result<Keymap, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read keymap: {e}", path.display()))?;
        Keymap::parse(path, &text)
    }

    pub fn action(&self, key: &KeyEvent) -> Option<Action> {
        self.bindings.get(&chord(key)?).copied()
    }

    /// Keys bound to an action, for help ("j, down").
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        let mut keys: Vec<String> = self
            .bindings
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
        keys
    }
}

const NAMED: &[&str] = &[
    "up",
    "down",
    "left",
    "right",
    "pageup",
    "pagedown",
    "home",
    "end",
    "enter",
    "esc",
    "tab",
    "backtab",
    "backspace",
    "delete",
    "insert",
    "space",
];

/// Canonical text of a key written in a keymap file: `ctrl-d`, `G`, `pagedown`.
fn normalize(key: &str) -> Option<String> {
    let mut mods = vec![];
    let mut rest = key;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-") {
            mods.push("ctrl");
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-") {
            mods.push("alt");
            rest = r;
        } else {
            break;
        }
    }
    let base = if rest.chars().count() == 1 {
        rest.to_string()
    } else {
        let lower = rest.to_ascii_lowercase();
        let is_f = lower
            .strip_prefix('f')
            .and_then(|n| n.parse::<u8>().ok())
            .is_some_and(|n| (1..=12).contains(&n));
        if !NAMED.contains(&lower.as_str()) && !is_f {
            return None;
        }
        lower
    };
    mods.sort();
    mods.dedup();
    Some(mods.iter().map(|m| format!("{m}-")).collect::<String>() + &base)
}

/// Canonical text of a pressed key, matching `normalize`.
pub fn chord(key: &KeyEvent) -> Option<String> {
    let base = match key.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::PageUp => "pageup".into(),
        KeyCode::PageDown => "pagedown".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "backtab".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::Delete => "delete".into(),
        KeyCode::Insert => "insert".into(),
        KeyCode::F(n) => format!("f{n}"),
        _ => return None,
    };
    let mut mods = vec![];
    if key.modifiers.contains(KeyModifiers::ALT) {
        mods.push("alt");
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        mods.push("ctrl");
    }
    Some(mods.iter().map(|m| format!("{m}-")).collect::<String>() + &base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn builtin_binds_k9s_keys() {
        let k = Keymap::builtin();
        assert_eq!(
            k.action(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::PageDown)
        );
        assert_eq!(
            k.action(&key(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::Back)
        );
        assert_eq!(k.action(&key(KeyCode::Char('z'), KeyModifiers::NONE)), None);
        assert_eq!(k.keys_for(Action::Down), ["j", "down"]);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let p = Path::new("my.toml");
        let e = Keymap::parse(p, "[keys]\n\"j\" = \"dwon\"\n").unwrap_err();
        assert!(e.starts_with("my.toml:2:1: unknown action \"dwon\""), "{e}");
        let e = Keymap::parse(p, "[keys]\n\"hyper-j\" = \"down\"\n").unwrap_err();
        assert!(
            e.starts_with("my.toml:2:1: \"hyper-j\" is not a key"),
            "{e}"
        );
        let e = Keymap::parse(p, "[keys]\nj = \n").unwrap_err();
        assert!(e.starts_with("my.toml:2:"), "{e}");
        let user = Keymap::parse(p, "[keys]\n\"j\" = \"up\"\n").unwrap();
        assert_eq!(
            Keymap::builtin()
                .merged(user)
                .action(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Up)
        );
    }
}
