//! All the checks over one subject's evidence: what the overlay and `kdoc doctor` show.

use jiff::Timestamp;

use super::model::{Evidence, Finding, Proof, Severity, Subject};
use super::redact::redact;
use super::rules::RulePack;
use super::{across, containers, log_scan, ports, status, workloads};

/// Run every check, add what could not be read, redact credentials, most severe first.
pub fn run(subject: &Subject, ev: &Evidence, now: Timestamp, rules: &RulePack) -> Vec<Finding> {
    let mut out = vec![];
    out.extend(containers::check(subject, ev, now));
    out.extend(ports::check(subject, ev, now));
    out.extend(status::check(subject, ev, now));
    out.extend(workloads::check(subject, ev, now));
    out.extend(log_scan::check(subject, ev, rules));
    out.extend(across::check(subject, ev));
    out.extend(unreadable(subject, ev));
    for f in &mut out {
        redact_finding(f);
    }
    out.sort_by(|a, b| {
        (a.severity, &a.namespace, &a.subject, &a.id).cmp(&(
            b.severity,
            &b.namespace,
            &b.subject,
            &b.id,
        ))
    });
    out.dedup_by(|a, b| a.id == b.id && a.subject == b.subject && a.title == b.title);
    out
}

/// Each read that did not happen, so a forbidden or missing kind is never an all clear.
fn unreadable(subject: &Subject, ev: &Evidence) -> Vec<Finding> {
    ev.missing
        .iter()
        .map(|m| {
            let forbidden = m.reason.contains("forbidden");
            let is_log = m.what.contains("logs of ");
            let severity = if is_log && !forbidden {
                Severity::Info
            } else {
                Severity::Warning
            };
            let mut f = Finding::new("doctor.unreadable", severity, &subject.namespace, &subject.label())
                .title(format!("could not read {}", m.what))
                .meaning(
                    "The checks that need this could not run, so their silence is not an all clear.",
                )
                .proof(Proof::Fact {
                    text: m.reason.clone(),
                });
            if forbidden {
                let (verb, res) = if is_log {
                    ("get", "pods/log")
                } else {
                    ("list", m.what.split(' ').next().unwrap_or(""))
                };
                let ns = if subject.namespace.is_empty() {
                    "-A".to_string()
                } else {
                    format!("-n {}", subject.namespace)
                };
                f = f
                    .fix(format!("kubectl auth can-i {verb} {res} {ns}"))
                    .fix(format!(
                        "Ask for a Role that grants {verb} on {res}, or run kdoc with a context that has it"
                    ));
            }
            f
        })
        .collect()
}

fn redact_finding(f: &mut Finding) {
    let r = |s: &mut String| {
        if let std::borrow::Cow::Owned(o) = redact(s) {
            *s = o;
        }
    };
    r(&mut f.title);
    r(&mut f.meaning);
    f.fix.iter_mut().for_each(r);
    for p in &mut f.evidence {
        match p {
            Proof::Event { message, .. } => r(message),
            Proof::State { text, .. } | Proof::Log { text, .. } | Proof::Fact { text } => r(text),
        }
    }
}

/// Errors, warnings and infos among the findings.
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

/// `kdoc doctor`'s exit code: 0 nothing wrong, 1 warnings, 2 errors.
pub fn exit_code(findings: &[Finding]) -> i32 {
    match counts(findings) {
        (e, _, _) if e > 0 => 2,
        (_, w, _) if w > 0 => 1,
        _ => 0,
    }
}
