//! Finding theme and keymap files by name or path, and following their `inherits = "NAME"`
//! chains, as helix does for themes: a NAME is the user's `<config>/themes/NAME.toml` first,
//! then the one shipped in `themes/` (embedded in the binary). A file that names no parent
//! starts from the shipped `default`; a cycle or a parent that cannot be found is reported at
//! its `inherits` and the shipped `default` stands in, so a chain always ends there.

use std::path::{Path, PathBuf};

use super::Env;

/// Themes or keymaps: the folder the user's files go in and the files kdoc ships.
pub struct Kind {
    /// "theme" or "keymap", for messages.
    pub what: &'static str,
    /// The folder in the repository and in the config folder: "themes" or "keymaps".
    pub dir: &'static str,
    /// (NAME, text) of the shipped files; the first is `default`.
    pub shipped: &'static [(&'static str, &'static str)],
}

/// A theme or keymap file's text, and how messages name it.
#[derive(Clone, Debug)]
pub struct Source {
    /// Its path: the user's file, or `themes/NAME.toml` for a shipped one.
    pub label: String,
    pub text: String,
    /// The NAME it was found by, if it was.
    pub name: Option<String>,
    pub shipped: bool,
}

impl Source {
    /// Its label, and "(shipped)" for one of kdoc's own.
    pub fn describe(&self) -> String {
        if self.shipped {
            format!("{} (shipped)", self.label)
        } else {
            self.label.clone()
        }
    }
}

/// A file's `inherits = "NAME"`, and where it is (`file:line:col`).
#[derive(Clone, Debug)]
pub struct Parent {
    pub name: String,
    pub at: String,
}

/// True when a setting names a file rather than a theme or keymap by name.
pub fn is_path(s: &str) -> bool {
    s.contains('/') || s.contains('\\') || s.ends_with(".toml") || s.starts_with('~')
}

impl Kind {
    pub fn names(&self) -> Vec<&'static str> {
        self.shipped.iter().map(|(n, _)| *n).collect()
    }

    /// The shipped file of this name.
    pub fn shipped(&self, name: &str) -> Option<Source> {
        self.shipped
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Source {
                label: format!("{}/{n}.toml", self.dir),
                text: text.to_string(),
                name: Some(n.to_string()),
                shipped: true,
            })
    }

    /// The shipped `default`.
    pub fn default_source(&self) -> Source {
        let (n, _) = self.shipped[0];
        self.shipped(n).expect("the first shipped file is there")
    }

    /// Where the user's file of this name would be.
    pub fn user_path(&self, env: &Env, name: &str) -> Option<PathBuf> {
        env.file(&format!("{}/{name}.toml", self.dir))
    }

    /// A file given by path.
    pub fn by_path(&self, path: &Path) -> Result<Source, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {} {}: {e}", self.what, path.display()))?;
        Ok(Source {
            label: path.display().to_string(),
            text,
            name: None,
            shipped: false,
        })
    }

    /// The user's `NAME.toml`, else the shipped one (only the shipped one with `shipped_only`).
    pub fn by_name(&self, env: &Env, name: &str, shipped_only: bool) -> Result<Source, String> {
        if !shipped_only && let Some(p) = self.user_path(env, name).filter(|p| p.exists()) {
            let mut s = self.by_path(&p)?;
            s.name = Some(name.to_string());
            return Ok(s);
        }
        self.shipped(name).ok_or_else(|| {
            let looked = match self.user_path(env, name) {
                Some(p) => format!("no {}", p.display()),
                None => "no config folder (HOME is not set)".to_string(),
            };
            format!(
                "no {} named {name:?}: {looked}, and the shipped {}s are {}",
                self.what,
                self.what,
                self.names().join(", ")
            )
        })
    }

    /// A setting's value: a NAME, or a path (relative to `base`, the folder of the file that
    /// says it).
    pub fn choose(&self, env: &Env, choice: &str, base: Option<&Path>) -> Result<Source, String> {
        if is_path(choice) {
            self.by_path(&env.expand(choice, base))
        } else {
            self.by_name(env, choice, false)
        }
    }

    /// `first` and the files it inherits from, parsed, leaf first (so the shipped `default` is
    /// last) and each with its [`Source::describe`], with every problem met: `parse` gives a
    /// file's value, its parent and its problems.
    pub fn chain<T>(
        &self,
        env: &Env,
        first: Source,
        parse: impl Fn(&Source) -> (T, Option<Parent>, Vec<String>),
    ) -> (Vec<(String, T)>, Vec<String>) {
        let default = self.default_source();
        let mut out = vec![];
        let mut problems = vec![];
        // (shipped, label): a user's file may have the same path as a shipped one's label.
        let mut seen: Vec<(bool, String)> = vec![];
        let mut cur = first;
        loop {
            let (value, parent, found) = parse(&cur);
            problems.extend(found);
            out.push((cur.describe(), value));
            seen.push((cur.shipped, cur.label.clone()));
            if cur.shipped && cur.label == default.label {
                break;
            }
            let Some(parent) = parent else {
                cur = default.clone();
                continue;
            };
            // A user's NAME.toml that inherits NAME builds on the shipped NAME, as in helix.
            let own = cur.name.as_deref() == Some(parent.name.as_str()) && !cur.shipped;
            let next = if is_path(&parent.name) {
                let base = Path::new(&cur.label).parent().filter(|_| !cur.shipped);
                self.by_path(&env.expand(&parent.name, base))
            } else {
                self.by_name(env, &parent.name, own)
            };
            cur = match next {
                Ok(next) if seen.contains(&(next.shipped, next.label.clone())) => {
                    let mut cycle: Vec<String> = seen.iter().map(|(_, l)| l.clone()).collect();
                    cycle.push(next.label.clone());
                    problems.push(format!(
                        "{}: inherits {:?} makes a cycle ({}); using the shipped default \
                         instead",
                        parent.at,
                        parent.name,
                        cycle.join(" -> ")
                    ));
                    default.clone()
                }
                Ok(next) => next,
                Err(why) => {
                    problems.push(format!(
                        "{}: inherits {:?}: {why}; using the shipped default instead",
                        parent.at, parent.name
                    ));
                    default.clone()
                }
            };
            if seen.contains(&(cur.shipped, cur.label.clone())) {
                // Only the shipped default can be met again here, and it ends every chain.
                break;
            }
        }
        (out, problems)
    }
}
