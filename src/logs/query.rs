//! What the user asked to see: include/exclude/highlight regexes and grep-style context.

use regex::{Regex, RegexBuilder};

use super::presets::Presets;
use crate::core::text::sanitize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// Only matching lines (plus context and markers).
    #[default]
    Filter,
    /// Every line; matches highlighted, n/N jump between them.
    Find,
}

#[derive(Clone, Debug)]
pub struct Query {
    /// What the user typed (or a readable form of the CLI flags).
    pub text: String,
    pub include: Option<Regex>,
    pub exclude: Option<Regex>,
    pub highlight: Option<Regex>,
    pub before: usize,
    pub after: usize,
}

impl Query {
    /// Grammar: optional leading context flags `-A N`, `-B N`, `-C N` (like grep; `-A3` too),
    /// then the include regex; ` !RE` (space, bang) adds an exclude regex, everything after
    /// the first ` !` being the exclude; a text that is only `!RE` excludes without including.
    /// Case-insensitive unless the regex has `(?-i)`. Errors are one line naming the bad part.
    /// `@NAME` stands for a built-in preset (see [`Query::parse_with`] for the user's).
    pub fn parse(text: &str) -> Result<Query, String> {
        Query::parse_with(text, &Presets::builtin())
    }

    /// [`Query::parse`], with `@NAME` taken from `presets`.
    pub fn parse_with(text: &str, presets: &Presets) -> Result<Query, String> {
        let (before, after, rest) = context_flags(text)?;
        let (inc, exc) = if let Some(e) = rest.strip_prefix('!') {
            ("", Some(e))
        } else if let Some((i, e)) = rest.split_once(" !") {
            (i, Some(e))
        } else {
            (rest, None)
        };
        let include = if inc.is_empty() {
            None
        } else {
            Some(compile(&presets.expand(inc)?, "filter")?)
        };
        let exclude = match exc {
            Some("") => return Err("exclude `!` needs a regex after it".into()),
            Some(e) => Some(compile(&presets.expand(e)?, "exclude")?),
            None => None,
        };
        Ok(Query {
            text: text.to_string(),
            include,
            exclude,
            highlight: None,
            before,
            after,
        })
    }

    /// For the CLI: several includes are OR-ed, several excludes are OR-ed; each may name
    /// presets (`--include @errors`).
    pub fn builder(
        include: &[String],
        exclude: &[String],
        highlight: Option<&str>,
        before: usize,
        after: usize,
        presets: &Presets,
    ) -> Result<Query, String> {
        let mut text = String::new();
        if before > 0 {
            text.push_str(&format!("-B {before} "));
        }
        if after > 0 {
            text.push_str(&format!("-A {after} "));
        }
        text.push_str(&include.join("|"));
        if !exclude.is_empty() {
            text.push_str(" !");
            text.push_str(&exclude.join("|"));
        }
        let expand = |res: &[String]| -> Result<Vec<String>, String> {
            res.iter().map(|r| presets.expand(r)).collect()
        };
        let highlight = highlight.map(|h| presets.expand(h)).transpose()?;
        Ok(Query {
            text: text.trim().to_string(),
            include: any_of(&expand(include)?, "--include")?,
            exclude: any_of(&expand(exclude)?, "--exclude")?,
            highlight: highlight.map(|h| compile(&h, "--highlight")).transpose()?,
            before,
            after,
        })
    }

    /// The include regex (if any) matches and the exclude regex (if any) does not.
    pub fn matches(&self, text: &str) -> bool {
        self.include.as_ref().is_none_or(|r| r.is_match(text))
            && !self.exclude.as_ref().is_some_and(|r| r.is_match(text))
    }

    /// Byte ranges to highlight (include and highlight matches), sorted and merged so they
    /// never overlap; empty matches are left out.
    pub fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = self
            .include
            .iter()
            .chain(self.highlight.iter())
            .flat_map(|r| r.find_iter(text))
            .filter(|m| !m.is_empty())
            .map(|m| (m.start(), m.end()))
            .collect();
        out.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
        for (s, e) in out {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }
}

/// Leading `-A N`/`-B N`/`-C N` flags; returns (before, after, the rest).
fn context_flags(text: &str) -> Result<(usize, usize, &str), String> {
    let (mut before, mut after) = (0, 0);
    let mut rest = text.trim_start();
    while let [b'-', f @ (b'A' | b'B' | b'C'), ..] = rest.as_bytes() {
        let flag = *f as char;
        let tail = &rest[2..];
        let digits = tail.trim_start();
        let n_len = digits.bytes().take_while(u8::is_ascii_digit).count();
        let ends = digits[n_len..].is_empty() || digits[n_len..].starts_with(' ');
        if n_len == 0 || !ends {
            // `-Added` is a regex; a bare `-A` or `-A x` is a mistake worth naming.
            if tail.is_empty() || tail.starts_with(' ') {
                return Err(format!("-{flag} needs a number of lines, e.g. -{flag} 3"));
            }
            break;
        }
        let n: usize = digits[..n_len]
            .parse()
            .map_err(|_| format!("-{flag} {} is too many lines", &digits[..n_len]))?;
        match flag {
            'A' => after = n,
            'B' => before = n,
            _ => (before, after) = (n, n),
        }
        rest = digits[n_len..].trim_start();
    }
    Ok((before, after, rest))
}

fn any_of(res: &[String], what: &str) -> Result<Option<Regex>, String> {
    // Each is checked alone first: joined, `a)(b` would pass and mean something else.
    for r in res {
        compile(r, what)?;
    }
    match res {
        [] => Ok(None),
        [one] => compile(one, what).map(Some),
        many => {
            let joined: Vec<String> = many.iter().map(|r| format!("(?:{r})")).collect();
            compile(&joined.join("|"), what).map(Some)
        }
    }
}

pub(crate) fn compile(re: &str, what: &str) -> Result<Regex, String> {
    // A preset with the doctor's signatures is a big alternation: give the lazy DFA room so
    // it keeps its states instead of falling back to a slower engine.
    RegexBuilder::new(re)
        .case_insensitive(true)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .map_err(|e| format!("{what} regex `{}`: {}", sanitize(re), error_line(&e)))
}

/// The regex crate's message is several lines (pattern, caret, `error: ...`); the last
/// `error:` line is the one that says what is wrong.
fn error_line(e: &regex::Error) -> String {
    let msg = e.to_string();
    let line = msg
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .or_else(|| msg.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("invalid regex");
    line.to_string()
}
