//! The rule pack, compiled when first needed: compiling 40-odd case-insensitive regexes into
//! one set takes tens of milliseconds and about 12 MB, which the TUI's first frame (and a
//! session that never opens the doctor or a logs pane) should not pay for.

use std::sync::OnceLock;

use super::rules::RulePack;

pub struct LazyRules {
    /// The user's rule files, as (path, text), read when kdoc started.
    files: Vec<(String, String)>,
    /// Problems met reading the files (before any parsing).
    read_problems: Vec<String>,
    cell: OnceLock<(RulePack, Vec<String>)>,
}

impl LazyRules {
    pub fn new(files: Vec<(String, String)>, read_problems: Vec<String>) -> LazyRules {
        LazyRules {
            files,
            read_problems,
            cell: OnceLock::new(),
        }
    }

    /// Only the built-in rules.
    pub fn builtin() -> LazyRules {
        LazyRules::new(vec![], vec![])
    }

    /// The pack and every problem with the user's files (`file:line: reason`); compiled on
    /// the first call, which others wait for.
    pub fn get(&self) -> &(RulePack, Vec<String>) {
        self.cell.get_or_init(|| {
            let (pack, errors) = RulePack::with_user(&self.files);
            let mut problems = self.read_problems.clone();
            problems.extend(errors.iter().map(|e| e.to_string()));
            (pack, problems)
        })
    }

    pub fn pack(&self) -> &RulePack {
        &self.get().0
    }
}
