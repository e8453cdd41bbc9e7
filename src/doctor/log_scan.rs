//! The log-signature check: every log the doctor read (current and previous instance of each
//! container) against the rule pack, one `RegexSet` pass per line.
//!
//! One finding per (rule, pod, container, previous): the first matches with two lines of
//! context each, the number of matching lines when there are more, the rule's fix with the
//! real names filled in, and an action that opens that log. Everything shown from a log goes
//! through [`redact`].

use std::collections::BTreeSet;

use super::model::{Act, ContainerLog, Evidence, Finding, Proof, Subject};
use super::redact::redact;
use super::rules::{RulePack, fill};

/// Matches shown per finding; more are counted.
pub const SHOWN: usize = 5;
/// Context lines shown before and after a match.
pub const CONTEXT: usize = 2;
/// Longest text kept from one log line (in chars).
pub const MAX_TEXT: usize = 1000;

/// Findings for every rule that matched a log of `ev`, most severe first, then by rule id.
pub fn check(subject: &Subject, ev: &Evidence, rules: &RulePack) -> Vec<Finding> {
    let mut findings = vec![];
    for (n, log) in ev.logs.iter().enumerate() {
        // The same log read twice is scanned once.
        let same = |l: &ContainerLog| {
            (&l.namespace, &l.pod, &l.container, l.previous)
                == (&log.namespace, &log.pod, &log.container, log.previous)
        };
        if ev.logs[..n].iter().any(same) {
            continue;
        }
        scan_log(subject, log, rules, &mut findings);
    }
    findings.sort_by(|a, b| {
        (a.severity, &a.id, &a.subject, log_of(a)).cmp(&(b.severity, &b.id, &b.subject, log_of(b)))
    });
    findings
}

/// The (container, previous) a finding's action opens, to order findings of one pod.
fn log_of(f: &Finding) -> (&str, bool) {
    match &f.act {
        Some(Act::Logs {
            container,
            previous,
            ..
        }) => (container.as_str(), *previous),
        _ => ("", false),
    }
}

/// Rule index → the indexes of its matching lines (all of them, in order).
fn matches_of(log: &ContainerLog, rules: &RulePack) -> Vec<(usize, Vec<usize>)> {
    let applies = rules.applicable(&log.container);
    if !applies.contains(&true) {
        return vec![];
    }
    let mut hits: Vec<(usize, Vec<usize>)> = vec![];
    for (n, line) in log.lines.iter().enumerate() {
        rules.scan_line(line, &applies, |i| {
            match hits.iter_mut().find(|(r, _)| *r == i) {
                Some((_, lines)) => lines.push(n),
                None => hits.push((i, vec![n])),
            }
        });
    }
    hits
}

fn scan_log(subject: &Subject, log: &ContainerLog, rules: &RulePack, out: &mut Vec<Finding>) {
    let namespace = if log.namespace.is_empty() {
        subject.namespace.as_str()
    } else {
        log.namespace.as_str()
    };
    let first = log.first_line.max(1);
    for (i, lines) in matches_of(log, rules) {
        let rule = &rules.rules()[i];
        let mut f = Finding::new(
            &rule.id,
            rule.severity,
            namespace,
            &format!("pod/{}", log.pod),
        )
        .title(rule.title.clone())
        .meaning(rule.explanation.clone());
        for (n, is_match) in excerpt_lines(&lines, log.lines.len()) {
            f = f.proof(Proof::Log {
                pod: log.pod.clone(),
                container: log.container.clone(),
                previous: log.previous,
                line: first + n,
                text: shown(&log.lines[n]),
                context: !is_match,
            });
        }
        if lines.len() > SHOWN {
            f = f.proof(Proof::Fact {
                text: format!(
                    "{} matching lines; the first {SHOWN} are shown",
                    lines.len()
                ),
            });
        }
        // Taken from the redacted line, so that a capture cannot hold a secret.
        let first_match = trim_cr(&log.lines[lines[0]]);
        let excerpt = match rule.excerpt(&redact(first_match)) {
            Some(m) => shown(m),
            None => rule.excerpt(first_match).map(shown).unwrap_or_default(),
        };
        let previous = if log.previous { " --previous" } else { "" };
        let values = [
            ("namespace", namespace),
            ("pod", log.pod.as_str()),
            ("container", log.container.as_str()),
            ("previous", previous),
            ("match", excerpt.as_str()),
        ];
        for line in &rule.fix {
            f = f.fix(fill(line, &values));
        }
        f = f.act(Act::Logs {
            namespace: namespace.to_string(),
            pod: log.pod.clone(),
            container: log.container.clone(),
            previous: log.previous,
        });
        out.push(f);
    }
}

/// The line indexes to show for the first `SHOWN` matches with `CONTEXT` lines around each, in
/// order and without repeats, each with whether it is a match.
fn excerpt_lines(matches: &[usize], len: usize) -> Vec<(usize, bool)> {
    let shown: BTreeSet<usize> = matches.iter().take(SHOWN).copied().collect();
    let mut all = BTreeSet::new();
    for &m in &shown {
        let lo = m.saturating_sub(CONTEXT);
        let hi = (m + CONTEXT).min(len.saturating_sub(1));
        all.extend(lo..=hi);
    }
    all.into_iter().map(|n| (n, shown.contains(&n))).collect()
}

fn trim_cr(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

/// A log text as a finding shows it: credentials redacted, cut to `MAX_TEXT` chars.
fn shown(line: &str) -> String {
    let red = redact(trim_cr(line));
    match red.char_indices().nth(MAX_TEXT) {
        Some((cut, _)) => format!("{}…", &red[..cut]),
        None => red.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_windows_merge_and_clip() {
        assert_eq!(
            excerpt_lines(&[0], 10),
            vec![(0, true), (1, false), (2, false)]
        );
        assert_eq!(
            excerpt_lines(&[3, 5], 7),
            vec![
                (1, false),
                (2, false),
                (3, true),
                (4, false),
                (5, true),
                (6, false)
            ]
        );
        let many: Vec<usize> = (0..20).map(|i| i * 10).collect();
        let ex = excerpt_lines(&many, 200);
        assert_eq!(ex.iter().filter(|(_, m)| *m).count(), SHOWN);
        assert_eq!(ex.len(), SHOWN * 5 - 2);
    }

    #[test]
    fn long_lines_are_cut() {
        let long = "x".repeat(5000);
        assert_eq!(shown(&long).chars().count(), MAX_TEXT + 1);
        assert_eq!(shown("short\r"), "short");
    }
}
