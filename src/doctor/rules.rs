//! Log-signature rules: the built-in pack (`rules.toml`, compiled in) and user rule files.
//!
//! A rule is a regex over one log line plus what it means and how to fix it. All rules of a
//! pack are compiled into one `RegexSet`, so a line is tested against every rule in one pass
//! and a line that matches nothing costs one DFA scan and no allocation.
//!
//! File format (TOML, one `[[rule]]` table per rule):
//!
//! ```toml
//! [[rule]]
//! id = "log.kaniko-no-push"          # stable; a user rule with a built-in id replaces it
//! title = "Image built but never pushed"
//! regex = 'Skipping push to container registry due to --no-push'
//! case_sensitive = false            # default: case-insensitive
//! unless = 'dry.run'                 # optional: a matching line that also matches this is skipped
//! containers = ["*", "!istio-*"]    # globs (* and ?); `!glob` excludes; default: every container
//! severity = "warning"              # error | warning | info
//! fallback = false                  # true: counts a line only when no other rule matched it
//! explanation = "One or two sentences."
//! fix = ["Lines; {namespace} {pod} {container} {previous} {match} are filled in."]
//! ```
//!
//! `\b` and `\B` are ASCII word boundaries (see [`ascii_boundaries`]).
//! `disabled = true` with only an `id` removes a built-in rule. `{previous}` is ` --previous`
//! for a previous instance's log, else empty; `{match}` is the regex's first capture group (or
//! the whole match) on the first matching line, redacted. Other braces (`${HOME}`, JSON) are
//! kept as written; a lowercase `{word}` that is not a placeholder is reported as a typo.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use super::model::Severity;

/// The built-in rule pack.
pub const BUILTIN: &str = include_str!("rules.toml");
/// How errors in the built-in pack name it.
pub const BUILTIN_PATH: &str = "src/doctor/rules.toml";
/// The placeholders a fix line may use.
pub const PLACEHOLDERS: &[&str] = &["namespace", "pod", "container", "previous", "match"];

/// A problem in a rule file: `FILE:LINE: REASON`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

impl std::error::Error for RuleError {}

/// One log signature.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub title: String,
    /// The regex as written.
    pub regex: String,
    pub case_sensitive: bool,
    /// A second regex: a line that matches `regex` and this is not counted.
    pub unless: Option<String>,
    /// Container-name globs; `!glob` excludes. Empty means every container.
    pub containers: Vec<String>,
    pub severity: Severity,
    /// Counts a line only when no other (non-fallback) rule matched it.
    pub fallback: bool,
    pub explanation: String,
    pub fix: Vec<String>,
    /// A user rule that removes the rule with this id (nothing else of it is used).
    pub disabled: bool,
    /// Where it was defined.
    pub file: String,
    pub line: usize,
    re: Regex,
    unless_re: Option<Regex>,
}

impl Rule {
    /// Whether the rule looks at this container's logs.
    pub fn applies_to(&self, container: &str) -> bool {
        let mut positive = false;
        let mut included = false;
        for g in &self.containers {
            if let Some(neg) = g.strip_prefix('!') {
                if glob(neg, container) {
                    return false;
                }
            } else {
                positive = true;
                included |= glob(g, container);
            }
        }
        included || !positive
    }

    /// Whether this rule alone matches a line (its regex, and not its `unless`).
    pub fn is_match(&self, line: &str) -> bool {
        self.re.is_match(line) && !self.excluded(line)
    }

    fn excluded(&self, line: &str) -> bool {
        self.unless_re.as_ref().is_some_and(|u| u.is_match(line))
    }

    /// What `{match}` stands for on a matching line: the first capture group that took part,
    /// else the whole match.
    pub fn excerpt<'a>(&self, line: &'a str) -> Option<&'a str> {
        let c = self.re.captures(line)?;
        c.iter()
            .skip(1)
            .flatten()
            .next()
            .or_else(|| c.get(0))
            .map(|m| m.as_str())
    }
}

/// `*` and `?` globs over a whole name.
pub fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Rules and their `RegexSet`.
#[derive(Clone, Debug)]
pub struct RulePack {
    rules: Vec<Rule>,
    set: RegexSet,
}

static BUILTIN_PACK: LazyLock<RulePack> = LazyLock::new(|| {
    let rules = RulePack::parse(BUILTIN_PATH, BUILTIN)
        .unwrap_or_else(|e| panic!("the built-in rule pack is invalid: {e}"));
    RulePack::from_rules(rules)
        .unwrap_or_else(|e| panic!("the built-in rule pack does not compile: {e}"))
});

impl RulePack {
    /// The built-in pack. Panics only if `rules.toml` is invalid (a unit test proves it is not).
    pub fn builtin() -> RulePack {
        BUILTIN_PACK.clone()
    }

    /// The rules of one file; the first problem is the error.
    pub fn parse(path: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
        let (rules, mut errors) = parse_file(path, text);
        if errors.is_empty() {
            Ok(rules)
        } else {
            Err(errors.swap_remove(0))
        }
    }

    /// The built-in rules plus user files `(path, text)`, in order: a user rule with the id of
    /// an earlier one replaces it in place, `disabled = true` removes it. A bad rule is
    /// reported and skipped; the rest of its file and the built-in rules still run.
    pub fn with_user(files: &[(String, String)]) -> (RulePack, Vec<RuleError>) {
        let builtin = RulePack::builtin();
        let mut rules = builtin.rules.clone();
        let mut errors = vec![];
        for (path, text) in files {
            let (parsed, errs) = parse_file(path, text);
            errors.extend(errs);
            let before = rules.clone();
            for r in parsed {
                if r.disabled {
                    rules.retain(|x| x.id != r.id);
                } else if let Some(slot) = rules.iter_mut().find(|x| x.id == r.id) {
                    *slot = r;
                } else {
                    rules.push(r);
                }
            }
            if let Err(e) = compile_set(&rules) {
                errors.push(RuleError {
                    file: path.clone(),
                    line: 1,
                    reason: format!("the rules of this file are skipped: {}", regex_reason(&e)),
                });
                rules = before;
            }
        }
        let pack = RulePack::from_rules(rules).unwrap_or(builtin);
        (pack, errors)
    }

    fn from_rules(rules: Vec<Rule>) -> Result<RulePack, regex::Error> {
        let set = compile_set(&rules)?;
        Ok(RulePack { rules, set })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The regexes (and case sensitivity) of the rules that find something wrong (errors and
    /// warnings, not info): what the logs pane's `@errors` adds to its words. Word boundaries
    /// are ASCII ones, as in the set, so a filter stays fast on non-ASCII lines.
    pub fn signatures(&self) -> impl Iterator<Item = (Cow<'_, str>, bool)> {
        self.rules
            .iter()
            .filter(|r| r.severity != Severity::Info)
            .map(|r| (ascii_boundaries(&r.regex), r.case_sensitive))
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Which rules apply to each container (`applies[i]` for `rules()[i]`).
    pub fn applicable(&self, container: &str) -> Vec<bool> {
        self.rules.iter().map(|r| r.applies_to(container)).collect()
    }

    /// Calls `hit(i)` for each rule that counts `line`, given which rules apply to its
    /// container. One `RegexSet` scan; no allocation unless some rule matched.
    pub fn scan_line(&self, line: &str, applies: &[bool], mut hit: impl FnMut(usize)) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !self.set.is_match(line) {
            return;
        }
        let matched = self.set.matches(line);
        let counts =
            |i: usize| applies.get(i).copied().unwrap_or(false) && !self.rules[i].excluded(line);
        let specific = matched.iter().any(|i| !self.rules[i].fallback && counts(i));
        for i in matched.iter() {
            if counts(i) && !(self.rules[i].fallback && specific) {
                hit(i);
            }
        }
    }

    /// The rules that count `line` of `container`, as the scan sees it.
    pub fn matching(&self, container: &str, line: &str) -> Vec<&Rule> {
        let applies = self.applicable(container);
        let mut out = vec![];
        self.scan_line(line, &applies, |i| out.push(&self.rules[i]));
        out
    }
}

fn compile_set(rules: &[Rule]) -> Result<RegexSet, regex::Error> {
    RegexSetBuilder::new(rules.iter().map(|r| {
        let pattern = ascii_boundaries(&r.regex);
        if r.case_sensitive {
            format!("(?:{pattern})")
        } else {
            format!("(?i:{pattern})")
        }
    }))
    .size_limit(64 << 20)
    .dfa_size_limit(16 << 20)
    .build()
}

/// `\b` and `\B` as ASCII word boundaries. A Unicode word boundary makes the lazy DFA give up
/// on the first non-ASCII byte of a line (an emoji in a Tekton log, a `é` in a message) and
/// the whole set falls back to a matcher about a thousand times slower; ASCII boundaries mean
/// the same for log signatures.
fn ascii_boundaries(pattern: &str) -> Cow<'_, str> {
    if !pattern.contains("\\b") && !pattern.contains("\\B") {
        return Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // `\b{start}` and friends are left alone.
            Some(n @ ('b' | 'B')) if chars.peek() != Some(&'{') => {
                out.push_str("(?-u:\\");
                out.push(n);
                out.push(')');
            }
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Option<Spanned<String>>,
    title: Option<String>,
    regex: Option<Spanned<String>>,
    #[serde(default)]
    case_sensitive: bool,
    unless: Option<Spanned<String>>,
    containers: Option<Spanned<Vec<String>>>,
    severity: Option<Spanned<String>>,
    #[serde(default)]
    fallback: bool,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    fix: Vec<Spanned<String>>,
    #[serde(default)]
    disabled: bool,
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].matches('\n').count() + 1
}

/// The first line of a span that is not blank (a table's span may start at the newline
/// before its header).
fn line_of_span(text: &str, start: usize) -> usize {
    let rest = text.get(start..).unwrap_or("");
    let skipped = rest.len() - rest.trim_start().len();
    line_of(text, start + skipped)
}

fn regex_reason(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(s) => {
            let last = s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(s);
            last.trim().trim_start_matches("error: ").to_string()
        }
        regex::Error::CompiledTooBig(n) => {
            format!("the regex is too big (over {n} bytes compiled)")
        }
        other => other.to_string(),
    }
}

fn parse_file(path: &str, text: &str) -> (Vec<Rule>, Vec<RuleError>) {
    let err = |line: usize, reason: String| RuleError {
        file: path.to_string(),
        line,
        reason,
    };
    let file: RawFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            let reason = e.message().trim().replace('\n', "; ");
            return (vec![], vec![err(line, reason)]);
        }
    };
    let mut rules: Vec<Rule> = vec![];
    let mut errors = vec![];
    for spanned in file.rule {
        let line = line_of_span(text, spanned.span().start);
        let raw = spanned.into_inner();
        match build_rule(path, text, line, raw) {
            Ok(rule) => {
                if let Some(first) = rules.iter().find(|r| r.id == rule.id) {
                    errors.push(err(
                        rule.line,
                        format!(
                            "rule {:?} is defined twice in this file (first at line {})",
                            rule.id, first.line
                        ),
                    ));
                } else {
                    rules.push(rule);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    (rules, errors)
}

fn build_rule(path: &str, text: &str, line: usize, raw: RawRule) -> Result<Rule, RuleError> {
    let at = |offset: usize| line_of(text, offset);
    let err = |line: usize, reason: String| RuleError {
        file: path.to_string(),
        line,
        reason,
    };
    let Some(id) = raw.id else {
        return Err(err(line, "a rule needs an `id`".into()));
    };
    let id_line = at(id.span().start);
    let id = id.into_inner();
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        return Err(err(
            id_line,
            format!("rule id {id:?} must be one word without spaces"),
        ));
    }
    let never = || Regex::new(r"[^\s\S]").expect("an empty class compiles");
    if raw.disabled {
        return Ok(Rule {
            id,
            title: String::new(),
            regex: String::new(),
            case_sensitive: false,
            unless: None,
            containers: vec![],
            severity: Severity::Info,
            fallback: false,
            explanation: String::new(),
            fix: vec![],
            disabled: true,
            file: path.to_string(),
            line,
            re: never(),
            unless_re: None,
        });
    }
    let missing = |field: &str| err(line, format!("rule {id:?}: missing `{field}`"));
    let title = raw
        .title
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| missing("title"))?;
    let regex = raw.regex.ok_or_else(|| missing("regex"))?;
    let severity = raw.severity.ok_or_else(|| missing("severity"))?;
    let severity = match severity.get_ref().to_ascii_lowercase().as_str() {
        "error" => Severity::Error,
        "warning" | "warn" => Severity::Warning,
        "info" => Severity::Info,
        other => {
            return Err(err(
                at(severity.span().start),
                format!("rule {id:?}: unknown severity {other:?} (use error, warning or info)"),
            ));
        }
    };
    let cs = raw.case_sensitive;
    let compile = |what: &str, r: &Spanned<String>| -> Result<Regex, RuleError> {
        let l = at(r.span().start);
        let pattern = r.get_ref();
        if pattern.trim().is_empty() {
            return Err(err(l, format!("rule {id:?}: {what} is empty")));
        }
        let re = RegexBuilder::new(&ascii_boundaries(pattern))
            .case_insensitive(!cs)
            .build()
            .map_err(|e| {
                err(
                    l,
                    format!("rule {id:?}: bad {what} {pattern:?}: {}", regex_reason(&e)),
                )
            })?;
        if re.is_match("") {
            return Err(err(
                l,
                format!(
                    "rule {id:?}: {what} {pattern:?} matches an empty line, so it would match every line"
                ),
            ));
        }
        Ok(re)
    };
    let re = compile("regex", &regex)?;
    let unless_re = raw
        .unless
        .as_ref()
        .map(|u| compile("unless", u))
        .transpose()?;
    let containers = match raw.containers {
        Some(c) if c.get_ref().is_empty() => {
            return Err(err(
                at(c.span().start),
                format!(
                    "rule {id:?}: `containers` is empty; leave it out to match every container"
                ),
            ));
        }
        Some(c) => c.into_inner(),
        None => vec![],
    };
    for f in &raw.fix {
        if let Some(bad) = unknown_placeholder(f.get_ref()) {
            return Err(err(
                at(f.span().start),
                format!(
                    "rule {id:?}: unknown placeholder {{{bad}}} in fix (use {})",
                    PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(Rule {
        id,
        title: title.trim().to_string(),
        regex: regex.into_inner(),
        case_sensitive: cs,
        unless: raw.unless.map(Spanned::into_inner),
        containers,
        severity,
        fallback: raw.fallback,
        explanation: raw
            .explanation
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        fix: raw.fix.into_iter().map(Spanned::into_inner).collect(),
        disabled: false,
        file: path.to_string(),
        line,
        re,
        unless_re,
    })
}

/// A `{word}` of lowercase letters and `_` in a fix line, which must be a placeholder (a typo
/// such as `{namepsace}` is an error). Other braces (`${HOME}`, JSON) are literal text.
fn placeholder_at(tail: &str) -> Option<&str> {
    let close = tail.find('}')?;
    let name = &tail[1..close];
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')).then_some(name)
}

/// The first placeholder-like `{word}` in a fix line that is not a placeholder.
fn unknown_placeholder(line: &str) -> Option<&str> {
    line.match_indices('{')
        .filter_map(|(i, _)| placeholder_at(&line[i..]))
        .find(|name| !PLACEHOLDERS.contains(name))
}

/// Fill a fix line's placeholders; other text, braces included, is kept as written.
pub fn fill(line: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(line.len() + 32);
    let mut rest = line;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(name) = placeholder_at(tail)
            && let Some((_, v)) = values.iter().find(|(k, _)| *k == name)
        {
            out.push_str(v);
            rest = &tail[name.len() + 2..];
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_pack_parses_and_compiles() {
        let pack = RulePack::builtin();
        assert!(pack.rules().len() >= 20);
        for r in pack.rules() {
            assert!(r.id.starts_with("log."), "{}", r.id);
            assert!(!r.explanation.is_empty(), "{} has no explanation", r.id);
            assert!(!r.fix.is_empty(), "{} has no fix", r.id);
        }
    }

    #[test]
    fn globs() {
        assert!(glob("*", "main"));
        assert!(glob("step-*", "step-build"));
        assert!(!glob("step-*", "main"));
        assert!(glob("istio-?roxy", "istio-proxy"));
        assert!(glob("*proxy", "queue-proxy"));
        assert!(glob("a*b*c", "aXbYbc"));
        assert!(!glob("a*b*c", "aXbYb"));
        assert!(glob("", ""));
        assert!(!glob("", "x"));
    }

    #[test]
    fn fill_placeholders() {
        let v = [
            ("pod", "p"),
            ("namespace", "ns"),
            ("previous", " --previous"),
        ];
        assert_eq!(
            fill("kubectl logs -n {namespace} {pod}{previous}", &v),
            "kubectl logs -n ns p --previous"
        );
        assert_eq!(fill("echo ${HOME} {other} }", &v), "echo ${HOME} {other} }");
        assert_eq!(
            fill(r#"-p '{"a": {"b": 1}}' {pod}"#, &v),
            r#"-p '{"a": {"b": 1}}' p"#
        );
        assert_eq!(unknown_placeholder("a {pod} {nope}"), Some("nope"));
        assert_eq!(unknown_placeholder("${HOME} {match} {\"a\": 1}"), None);
    }

    #[test]
    fn word_boundaries_become_ascii() {
        assert_eq!(ascii_boundaries(r"a\bb"), r"a(?-u:\b)b");
        assert_eq!(
            ascii_boundaries(r"\Bx\\b\b{start}"),
            r"(?-u:\B)x\\b\b{start}"
        );
        assert!(matches!(ascii_boundaries("plain"), Cow::Borrowed("plain")));
        let pack = RulePack::builtin();
        // An OOM rule with `\b` still matches around non-ASCII text.
        assert_eq!(
            pack.matching("main", "🔥 OOMKilled (état)")
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>(),
            ["log.oom-killed"]
        );
    }

    #[test]
    fn lines_of_offsets() {
        let t = "a\nbb\n\nc";
        assert_eq!(line_of(t, 0), 1);
        assert_eq!(line_of(t, 2), 2);
        assert_eq!(line_of(t, 6), 4);
        assert_eq!(line_of(t, 99), 4);
        assert_eq!(line_of_span(t, 4), 4);
    }
}
