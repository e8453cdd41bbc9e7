//! The workflows view: Argo Workflows and Tekton PipelineRuns in scope.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::View;
use super::offset;
use crate::config::theme::Theme;
use crate::core::age::{age_since, human_duration_signed};
use crate::core::cache::CrdState;
use crate::core::panes::workflows::WorkflowsPane;
use crate::core::pod_status::Health;
use crate::core::state::AppState;
use crate::core::text::{Safe, ellipsis, middle_ellipsis};
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
    match state.cache.crds.get(&kind) {
        Some(CrdState::NotInstalled) => {
            Some(format!("{}: not installed in this cluster", kind.label()))
        }
        Some(CrdState::Error(e)) => Some(format!("{}: {}", kind.label(), Safe::new(e))),
        _ => None,
    }
}

pub fn draw(f: &mut Frame, area: Rect, p: &WorkflowsPane, state: &AppState, view: &View) {
    let t = view.theme;
    let scope = Safe::new(state.cache.scope.label()).into_string();
    let title = Line::from(super::title_spans(
        t,
        "Workflows",
        Some(&scope),
        p.rows.len(),
        Some(&p.filter),
    ));
    let inner = super::pane(f, area, title, t);
    let mut notes: Vec<String> = [WfKind::Argo, WfKind::Tekton]
        .iter()
        .filter_map(|k| crd_note(state, *k))
        .collect();
    if let Some(e) = &state.cache.taskruns_error {
        notes.push(format!("TaskRun: {}", Safe::new(e)));
    }
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
    if p.rows.is_empty() {
        f.render_widget(
            Paragraph::new("No workflows or pipeline runs here.").style(Style::default().fg(t.dim)),
            table_area,
        );
        return;
    }
    let visible = table_area.height.saturating_sub(1) as usize;
    let start = offset(p.selected, visible);
    let rows = p
        .rows
        .iter()
        .enumerate()
        .skip(start)
        .take(visible)
        .map(|(i, r)| {
            let dur = duration(r.started, r.finished, view.now)
                .map(human_duration_signed)
                .unwrap_or_default();
            let cells = vec![
                Cell::from(ellipsis(&Safe::new(&r.key.1), 16)),
                Cell::from(middle_ellipsis(&Safe::new(&r.key.2), 28)),
                Cell::from(r.key.0.label()),
                Cell::from(ellipsis(&r.phase, 10))
                    .style(Style::default().fg(phase_color(t, &r.phase))),
                Cell::from(format!("{}/{}", r.succeeded, r.total)),
                Cell::from(r.started.map_or(String::new(), |s| age_since(s, view.now))),
                Cell::from(dur),
                Cell::from(r.message.to_string()),
            ];
            let style = if i == p.selected {
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
