//! Named filters: `@errors`, `@push`, `@mlflow` from the runbooks, plus the user's own from the
//! config file. A filter names one with `@NAME` where a regex alternative starts (at the start,
//! after `|` or `(`), so `@errors|oom` and `@push !debug` work and `user@host` stays a regex.

use crate::core::text::sanitize;

/// One named filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    pub name: String,
    /// What it matches, as a regex (case-insensitive like every filter).
    pub regex: String,
    /// Where it came from, for help and errors ("runbook 000", a config file).
    pub about: String,
    /// One of kdoc's own (a user's preset of the same name replaces it).
    pub builtin: bool,
}

/// The runbooks' greps (000: `grep -i "error\|failed\|warning"`, 003: `grep push`, 001: mlflow).
const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "errors",
        "error|failed|warning|exception|timeout",
        "the runbooks' grep -i error|failed|warning, and every failure signature the doctor knows",
    ),
    (
        "push",
        "pushing|pushed|ghcr|manifest|push",
        "image pushes (runbook 003's grep push)",
    ),
    ("mlflow", "mlflow", "MLflow (runbook 001)"),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presets {
    list: Vec<Preset>,
}

impl Default for Presets {
    fn default() -> Self {
        Presets::builtin()
    }
}

/// A preset name: letters, digits, `-` and `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Presets {
    /// The runbooks' three, without the doctor's signatures.
    pub fn builtin() -> Presets {
        Presets {
            list: BUILTIN
                .iter()
                .map(|(name, regex, about)| Preset {
                    name: (*name).into(),
                    regex: (*regex).into(),
                    about: (*about).into(),
                    builtin: true,
                })
                .collect(),
        }
    }

    /// The built-in `@errors` also finds the known failure signatures (the doctor's log rules,
    /// as `(regex, case_sensitive)`): a kaniko `--no-push` line says no "error" but is one.
    /// A user's own `errors` preset is left as they wrote it.
    pub fn with_signatures<S: AsRef<str>>(
        mut self,
        sigs: impl IntoIterator<Item = (S, bool)>,
    ) -> Self {
        if let Some(p) = self
            .list
            .iter_mut()
            .find(|p| p.name == "errors" && p.builtin)
        {
            for (re, case_sensitive) in sigs {
                let flag = if case_sensitive { "-i" } else { "i" };
                p.regex.push_str(&format!("|(?{flag}:{})", re.as_ref()));
            }
        }
        self
    }

    /// The user's presets: a name already taken replaces that preset. Each regex must compile
    /// and each name be valid; `Err` says which one and why (the caller adds file:line).
    pub fn add(&mut self, name: &str, regex: &str, about: &str) -> Result<(), String> {
        if !valid_name(name) {
            return Err(format!(
                "preset name {:?}: use letters, digits, - and _",
                sanitize(name)
            ));
        }
        super::query::compile(regex, &format!("preset @{name}"))?;
        let p = Preset {
            name: name.into(),
            regex: regex.into(),
            about: about.into(),
            builtin: false,
        };
        match self.list.iter_mut().find(|q| q.name == name) {
            Some(q) => *q = p,
            None => self.list.push(p),
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Preset> {
        self.list.iter().find(|p| p.name == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Preset> {
        self.list.iter()
    }

    /// `text` with every `@NAME` (where an alternative starts) replaced by `(?:REGEX)`.
    pub fn expand(&self, text: &str) -> Result<String, String> {
        if !text.contains('@') {
            return Ok(text.to_string());
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut at_start = true;
        while let Some(c) = rest.chars().next() {
            if c == '\\' {
                // An escaped character is never a preset (`\@` is a literal @).
                let n = rest[1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&rest[..1 + n]);
                rest = &rest[1 + n..];
                at_start = false;
                continue;
            }
            if c == '@' && at_start {
                let name_len = rest[1..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
                    .count();
                let name = &rest[1..1 + name_len];
                if !name.is_empty() {
                    let p = self.get(name).ok_or_else(|| self.unknown(name))?;
                    out.push_str(&format!("(?:{})", p.regex));
                    rest = &rest[1 + name_len..];
                    at_start = false;
                    continue;
                }
            }
            at_start = c == '|' || c == '(';
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
        Ok(out)
    }

    fn unknown(&self, name: &str) -> String {
        let names: Vec<String> = self.list.iter().map(|p| format!("@{}", p.name)).collect();
        format!(
            "no preset @{} (presets: {}; a literal @ is \\@)",
            sanitize(name),
            names.join(" ")
        )
    }
}
