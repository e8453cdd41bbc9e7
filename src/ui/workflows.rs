//! The workflows view: Argo Workflows and Tekton PipelineRuns in scope.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row};

use super::columns::{self, Col};
use super::{View, offset};
use crate::config::theme::Theme;
use crate::core::age::age_since;
use crate::core::cache::CrdState;
use crate::core::panes::workflows::WorkflowsPane;
use crate::core::pod_status::Health;
use crate::core::state::AppState;
use crate::core::text::{Safe, ellipsis, middle_ellipsis};
use crate::core::workflows::{WfKind, duration_text};

/// Colour for Argo/Tekton phases and step states.
pub fn phase_color(theme: &Theme, phase: &str) -> ratatui::style::Color {
    let h = match phase {
        "Succeeded" | "Completed" => Health::Completed,
        "Running" => Health::Ok,
        "Pending" | "Waiting" | "Unknown" | "" => Health::Pending,
        crate::core::tekton::NOT_FOUND => Health::Pending,
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
    let shown = &p.rows[start..(start + visible).min(p.rows.len())];
    let ns: Vec<String> = shown
        .iter()
        .map(|r| Safe::new(&r.key.1).into_string())
        .collect();
    let names: Vec<String> = shown
        .iter()
        .map(|r| Safe::new(&r.key.2).into_string())
        .collect();
    let progress: Vec<String> = shown
        .iter()
        .map(|r| format!("{}/{}", r.succeeded, r.total))
        .collect();
    let started: Vec<String> = shown
        .iter()
        .map(|r| r.started.map_or(String::new(), |s| age_since(s, view.now)))
        .collect();
    let durations: Vec<String> = shown
        .iter()
        .map(|r| duration_text(r.started, r.finished, view.now))
        .collect();
    const HEADER: [&str; 8] = [
        "NAMESPACE",
        "NAME",
        "KIND",
        "PHASE",
        "PROGRESS",
        "STARTED",
        "DURATION",
        "MESSAGE",
    ];
    // MESSAGE and NAMESPACE give way first, NAME keeps the widest share; a cut message ends
    // in "…" and reads whole in the steps pane's details.
    let cols = [
        Col::new(HEADER[0], ns.iter().map(String::as_str))
            .min(6)
            .weak(),
        Col::new(HEADER[1], names.iter().map(String::as_str)).min(12),
        Col::new(HEADER[2], shown.iter().map(|r| r.key.0.label())).min(4),
        Col::new(HEADER[3], shown.iter().map(|r| r.phase.as_str())).min(5),
        Col::new(HEADER[4], progress.iter().map(String::as_str)).min(8),
        Col::new(HEADER[5], started.iter().map(String::as_str)).min(7),
        Col::new(HEADER[6], durations.iter().map(String::as_str)).min(8),
        Col::new(HEADER[7], shown.iter().map(|r| r.message.as_str()))
            .min(7)
            .weak(),
    ];
    let widths = columns::widths(&cols, table_area.width);
    let w = |i: usize| widths[i] as usize;
    let rows = shown.iter().enumerate().map(|(i, r)| {
        let cells = vec![
            Cell::from(ellipsis(&ns[i], w(0))),
            Cell::from(middle_ellipsis(&names[i], w(1))),
            Cell::from(ellipsis(r.key.0.label(), w(2))),
            Cell::from(ellipsis(&r.phase, w(3)))
                .style(Style::default().fg(phase_color(t, &r.phase))),
            Cell::from(ellipsis(&progress[i], w(4))),
            Cell::from(ellipsis(&started[i], w(5))),
            Cell::from(ellipsis(&durations[i], w(6))),
            Cell::from(ellipsis(&r.message, w(7))),
        ];
        let style = if start + i == p.selected {
            super::selected_style(t)
        } else {
            Style::default().fg(t.fg)
        };
        Row::new(cells).style(style)
    });
    super::render_table(f, table_area, rows, &HEADER, &widths, t);
}
