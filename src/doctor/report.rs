//! What `kdoc doctor` prints: text for a person, markdown for a ticket, JSON for a script.
//! Text and markdown are sanitised (cluster text may carry escape sequences); JSON escapes
//! control characters itself.

use serde::Serialize;
use serde_json::json;

use super::model::{Evidence, Finding, Missing, Proof, Subject};
use super::run::counts;
use crate::core::age::human_duration;
use crate::core::text::sanitize;

/// The JSON schema's name; bump it when a field changes meaning or goes away.
pub const SCHEMA: &str = "kdoc.doctor/v1";

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    info: usize,
}

/// The whole report as JSON (documented in the README: "kdoc doctor -o json").
pub fn json(subject: &Subject, findings: &[Finding], ev: &Evidence) -> serde_json::Value {
    let (errors, warnings, info) = counts(findings);
    let unread: Vec<&Missing> = ev.missing.iter().collect();
    json!({
        "schema": SCHEMA,
        "subject": subject,
        "summary": Summary { errors, warnings, info },
        "findings": findings,
        "unread": unread,
        "not_installed": ev.not_installed,
    })
}

/// One line for a piece of evidence, as the overlay and the text output show it.
pub fn proof_line(p: &Proof) -> String {
    let line = match p {
        Proof::Event {
            object,
            kind,
            reason,
            message,
            count,
            age_seconds,
        } => {
            let mut s = format!("{kind} {reason} {object}");
            match (count, age_seconds) {
                (c, Some(a)) if *c > 1 => s += &format!(" (x{c}, last {} ago)", age(*a)),
                (_, Some(a)) => s += &format!(" ({} ago)", age(*a)),
                (c, None) if *c > 1 => s += &format!(" (x{c})"),
                _ => {}
            }
            format!("{s}: {message}")
        }
        Proof::State {
            pod,
            container,
            text,
        } => format!("pod/{pod} {container}: {text}"),
        Proof::Log {
            pod,
            container,
            previous,
            line,
            text,
            context,
        } => {
            let prev = if *previous { " (previous)" } else { "" };
            let mark = if *context { ' ' } else { '>' };
            format!("{mark} {pod}/{container}{prev}:{line}: {text}")
        }
        Proof::Fact { text } => text.clone(),
    };
    sanitize(&line).into_owned()
}

fn age(secs: i64) -> String {
    human_duration(std::time::Duration::from_secs(secs.max(0) as u64))
}

fn headline(subject: &Subject, findings: &[Finding]) -> String {
    let (e, w, i) = counts(findings);
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let ns = if subject.namespace.is_empty() || subject.kind == super::SubjectKind::Namespace {
        String::new()
    } else {
        format!(" -n {}", subject.namespace)
    };
    format!(
        "kdoc doctor {}{ns}: {}, {}, {}",
        sanitize(&subject.label()),
        plural(e, "error", "errors"),
        plural(w, "warning", "warnings"),
        plural(i, "note", "notes")
    )
}

/// The report for a terminal or a pager.
pub fn text(subject: &Subject, findings: &[Finding]) -> String {
    let mut out = headline(subject, findings);
    out.push('\n');
    if findings.is_empty() {
        out.push_str("\nNothing wrong found.\n");
    }
    for f in findings {
        out.push('\n');
        out += &format!(
            "{:<7} {}  {} ({})\n",
            f.severity.label().to_uppercase(),
            sanitize(&f.title),
            sanitize(&f.subject),
            sanitize(&f.id)
        );
        if !f.meaning.is_empty() {
            out += &format!("  {}\n", sanitize(&f.meaning));
        }
        if !f.evidence.is_empty() {
            out.push_str("  evidence:\n");
            for p in &f.evidence {
                out += &format!("    {}\n", proof_line(p));
            }
        }
        if !f.fix.is_empty() {
            out.push_str("  fix:\n");
            for l in &f.fix {
                out += &format!("    {}\n", sanitize(l));
            }
        }
    }
    out
}

/// The report as markdown (a ticket, a chat message).
pub fn markdown(subject: &Subject, findings: &[Finding]) -> String {
    let mut out = format!("# {}\n", headline(subject, findings));
    if findings.is_empty() {
        out.push_str("\nNothing wrong found.\n");
    }
    for f in findings {
        out += &format!(
            "\n## {}: {}\n\n`{}` on `{}`\n\n",
            f.severity.label(),
            sanitize(&f.title),
            sanitize(&f.id),
            sanitize(&f.subject)
        );
        if !f.meaning.is_empty() {
            out += &format!("{}\n\n", sanitize(&f.meaning));
        }
        if !f.evidence.is_empty() {
            out.push_str("Evidence:\n\n```\n");
            for p in &f.evidence {
                out += &format!("{}\n", proof_line(p).replace("```", "'''"));
            }
            out.push_str("```\n\n");
        }
        if !f.fix.is_empty() {
            out.push_str("Fix:\n\n```\n");
            for l in &f.fix {
                out += &format!("{}\n", sanitize(l).replace("```", "'''"));
            }
            out.push_str("```\n");
        }
    }
    out
}
