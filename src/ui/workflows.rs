//! The workflows view: Argo Workflows and Tekton PipelineRuns in scope.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::View;
use super::pods::{middle_ellipsis, offset};
use crate::config::theme::Theme;
use crate::core::age::{age_since, human_duration_signed};
use crate::core::pod_status::Health;
use crate::core::state::{AppState, CrdState};
use crate::core::text::sanitize;
use crate::core::workflows::{WfKind, duration};

/// Colour for Argo/Tekton phases and step states.
pub fn phase_color(theme: &Theme, phase: &str) -> ratatui::style::Color {
    let h = match phase {
        "Succeeded" | "Completed" => Health::Completed,
        "Running" => Health::Ok,
        "Pending" | "Waiting" | "Unknown" | "" => Health::Pending,
        p if p.starts_with("Waiting") || p.starts_with("Running") => Health::Pending,
        "Skipped" | "Omitted" | "Cancelled" => Health::Warn,
        _ => Health::Failed,
    };
    theme.health(h)
}

fn crd_note(state: &AppState, kind: WfKind) -> Option<String> {
    match state.crds.get(&kind) {
        Some(CrdState::NotInstalled) => {
            Some(format!("{}: not installed in this cluster", kind.label()))
        }
        Some(CrdState::Error(e)) => Some(format!("{}: {}", kind.label(), sanitize(e))),
        _ => None,
    }
}

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, view: &View) {
    let t = view.theme;
    let title = Line::from(vec![
        Span::styled(
            " Workflows",
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("({})", sanitize(state.scope.label())),
            Style::default().fg(t.accent),
        ),
        Span::styled(
            format!("[{}] ", state.wf_rows.len()),
            Style::default().fg(t.title),
        ),
    ]);
    let inner = super::pane(f, area, title, t);
    let notes: Vec<String> = [WfKind::Argo, WfKind::Tekton]
        .iter()
        .filter_map(|k| crd_note(state, *k))
        .collect();
    let notes_h = notes.len() as u16;
    let table_area = Rect {
        height: inner.height.saturating_sub(notes_h),
        ..inner
    };
    if !notes.is_empty() {
        let lines: Vec<Line> = notes
            .iter()
            .map(|n| Line::styled(n.clone(), Style::default().fg(t.dim)))
            .collect();
        f.render_widget(
            Paragraph::new(lines),
            Rect {
                y: inner.y + table_area.height,
                height: notes_h,
                ..inner
            },
        );
    }
    if state.wf_rows.is_empty() {
        f.render_widget(
            Paragraph::new("No workflows or pipeline runs here.").style(Style::default().fg(t.dim)),
            table_area,
        );
        return;
    }
    let visible = table_area.height.saturating_sub(1) as usize;
    let start = offset(state.wf_selected, visible);
    let rows = state
        .wf_rows
        .iter()
        .enumerate()
        .skip(start)
        .take(visible)
        .map(|(i, r)| {
            let dur = duration(r.started, r.finished, view.now)
                .map(human_duration_signed)
                .unwrap_or_default();
            let cells = vec![
                Cell::from(sanitize(&r.key.1).into_owned()),
                Cell::from(middle_ellipsis(&sanitize(&r.key.2), 40)),
                Cell::from(r.key.0.label()),
                Cell::from(sanitize(&r.phase).into_owned())
                    .style(Style::default().fg(phase_color(t, &r.phase))),
                Cell::from(format!("{}/{}", r.succeeded, r.total)),
                Cell::from(r.started.map_or(String::new(), |s| age_since(s, view.now))),
                Cell::from(dur),
                Cell::from(sanitize(&r.message).into_owned()),
            ];
            let style = if i == state.wf_selected {
                super::selected_style(t)
            } else {
                Style::default().fg(t.fg)
            };
            Row::new(cells).style(style)
        });
    let widths = [
        Constraint::Length(16),
        Constraint::Length(28),
        Constraint::Length(11),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(8),
        Constraint::Fill(1),
    ];
    let header = Row::new([
        "NAMESPACE",
        "NAME",
        "KIND",
        "PHASE",
        "PROGRESS",
        "STARTED",
        "DURATION",
        "MESSAGE",
    ])
    .style(Style::default().fg(t.header).add_modifier(Modifier::BOLD));
    f.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        table_area,
    );
}
