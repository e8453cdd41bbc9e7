//! The doctor overlay: the findings, most severe first, one per row; under them the selected
//! finding whole (what it means, the evidence, the fix, what enter does).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{View, offset, selected_style};
use crate::config::theme::Theme;
use crate::core::panes::doctor::DoctorPane;
use crate::core::state::AppState;
use crate::core::text::{ellipsis, sanitize};
use crate::doctor::report::proof_line;
use crate::doctor::run::counts;
use crate::doctor::{Finding, Severity};

fn colour(s: Severity, t: &Theme) -> Color {
    match s {
        Severity::Error => t.doctor_error,
        Severity::Warning => t.doctor_warn,
        Severity::Info => t.doctor_info,
    }
}

fn progress(p: &DoctorPane) -> String {
    let (e, w, i) = counts(&p.findings);
    let state = if let Some(err) = &p.ev.failed {
        format!("could not run: {}", sanitize(err))
    } else if p.done {
        match p.probe_skipped {
            Some(why) => format!("done; port probe skipped ({why})"),
            None => "done".to_string(),
        }
    } else {
        format!("gathering evidence ({} pieces)…", p.pieces)
    };
    let n = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {} · {state} ",
        n(e, "error"),
        n(w, "warning"),
        n(i, "note")
    )
}

fn row(f: &Finding, width: usize, t: &Theme) -> Line<'static> {
    let sev = format!("{:<8}", f.severity.label().to_uppercase());
    let rest = format!("{}  {}", sanitize(&f.title), sanitize(&f.subject));
    Line::from(vec![
        Span::styled(
            sev,
            Style::default()
                .fg(colour(f.severity, t))
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(ellipsis(&rest, width.saturating_sub(8))),
    ])
}

fn detail(f: &Finding, t: &Theme) -> Vec<Line<'static>> {
    let head = Style::default().fg(t.header).add_modifier(Modifier::BOLD);
    let mut out = vec![
        Line::from(vec![
            Span::styled(
                format!("{} ", f.severity.label().to_uppercase()),
                Style::default()
                    .fg(colour(f.severity, t))
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                sanitize(&f.title).into_owned(),
                Style::default().add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::styled(
            format!("{} · {}", sanitize(&f.id), sanitize(&f.subject)),
            Style::default().fg(t.dim),
        ),
    ];
    if !f.meaning.is_empty() {
        out.push(Line::raw(sanitize(&f.meaning).into_owned()));
    }
    if !f.evidence.is_empty() {
        out.push(Line::styled("Evidence", head));
        for p in &f.evidence {
            out.push(Line::raw(format!("  {}", proof_line(p))));
        }
    }
    if !f.fix.is_empty() {
        out.push(Line::styled("Fix", head));
        for l in &f.fix {
            out.push(Line::styled(
                format!("  {}", sanitize(l)),
                Style::default().fg(t.accent),
            ));
        }
    }
    if let Some(a) = &f.act {
        out.push(Line::styled(
            format!("enter: {}", sanitize(&DoctorPane::act_label(a))),
            Style::default().fg(t.ok),
        ));
    }
    out
}

pub fn draw(f: &mut Frame, area: Rect, p: &DoctorPane, _state: &AppState, view: &View) {
    let t = view.theme;
    let title = Line::from(vec![
        Span::styled(
            " Doctor ",
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("{} ", sanitize(&p.subject.label())),
            Style::default().fg(t.accent),
        ),
        Span::styled(
            if p.subject.namespace.is_empty()
                || p.subject.kind == crate::doctor::SubjectKind::Namespace
            {
                String::new()
            } else {
                format!("[{}] ", sanitize(&p.subject.namespace))
            },
            Style::default().fg(t.dim),
        ),
        Span::styled(progress(p), Style::default().fg(t.dim)),
    ]);
    let inner = super::pane(f, area, title, t);
    if p.findings.is_empty() {
        let msg = if p.ev.failed.is_some() {
            "The doctor could not run; the title says why. r tries again."
        } else if p.done {
            "Nothing wrong found."
        } else {
            "Gathering the evidence…"
        };
        f.render_widget(Paragraph::new(msg).style(Style::default().fg(t.dim)), inner);
        return;
    }
    let list_h = (p.findings.len() as u16).min(inner.height / 3).max(1);
    let list = Rect {
        height: list_h,
        ..inner
    };
    let start = offset(p.selected, list_h as usize);
    let width = inner.width as usize;
    let rows: Vec<Line> = p.findings[start..(start + list_h as usize).min(p.findings.len())]
        .iter()
        .enumerate()
        .map(|(i, fd)| {
            let l = row(fd, width, t);
            if start + i == p.selected {
                l.style(selected_style(t))
            } else {
                l
            }
        })
        .collect();
    f.render_widget(Paragraph::new(rows), list);
    let rest = Rect {
        y: inner.y + list_h + 1,
        height: inner.height.saturating_sub(list_h + 1),
        ..inner
    };
    if let Some(sel) = p.selected() {
        f.render_widget(
            Paragraph::new(detail(sel, t)).wrap(Wrap { trim: false }),
            rest,
        );
    }
}
