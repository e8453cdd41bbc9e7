//! The steps of one workflow as a tree: Argo nodes, or Tekton TaskRuns and their steps.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::View;
use super::offset;
use super::workflows::phase_color;
use crate::core::age::human_duration_signed;
use crate::core::panes::steps::StepsPane;
use crate::core::state::AppState;
use crate::core::text::middle_ellipsis;
use crate::core::workflows::duration;

fn icon(phase: &str) -> &'static str {
    match phase {
        "Succeeded" | "Completed" => "✔",
        "Running" => "●",
        "Skipped" | "Omitted" => "○",
        "Pending" | "" => "◷",
        p if p.starts_with("Waiting") => "◷",
        _ => "✖",
    }
}

pub fn draw(f: &mut Frame, area: Rect, p: &StepsPane, _state: &AppState, view: &View) {
    let t = view.theme;
    let key = &p.key;
    let title = Line::from(vec![
        Span::styled(
            format!(" {} ", key.0.label()),
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("{}/{} ", p.title_ns, p.title_name),
            Style::default().fg(t.accent),
        ),
    ]);
    let inner = super::pane(f, area, title, t);
    let problems = &p.problems;
    let ph = (problems.len() as u16).min(3);
    // The selected step's full message under the table: failures are often long.
    let dh = 6u16.min(inner.height / 3);
    let table_area = Rect {
        height: inner.height.saturating_sub(ph + dh),
        ..inner
    };
    if let Some(r) = p.rows.get(p.selected) {
        let mut text = format!("{} {}", r.kind, r.name);
        // Argo nodes run a template; Tekton rows carry their TaskRun (steps: their container).
        let label = match &*r.kind {
            "TaskRun" | "CustomRun" => "taskrun",
            "Step" | "Sidecar" => "",
            _ => "template",
        };
        if !r.template.is_empty() && !label.is_empty() {
            text.push_str(&format!("  {label} {}", r.template));
        }
        if let Some(p) = &r.pod {
            text.push_str(&format!("  pod {p}"));
        }
        if let Some(c) = &r.container {
            text.push_str(&format!("  container {c}"));
        }
        let mut lines = vec![Line::styled(text, Style::default().fg(t.accent))];
        if !r.message.is_empty() {
            lines.push(Line::styled(
                r.message.to_string(),
                Style::default().fg(phase_color(t, &r.phase)),
            ));
        }
        let area = Rect {
            y: inner.y + table_area.height + ph,
            height: dh,
            ..inner
        };
        f.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(
                    Block::default()
                        .borders(Borders::TOP)
                        .border_style(Style::default().fg(t.border)),
                ),
            area,
        );
    }
    if ph > 0 {
        let lines: Vec<Line> = problems
            .iter()
            .take(3)
            .map(|p| Line::styled(format!("! {p}"), Style::default().fg(t.warn)))
            .collect();
        f.render_widget(
            Paragraph::new(lines),
            Rect {
                y: inner.y + table_area.height,
                height: ph,
                ..inner
            },
        );
    }
    let visible = table_area.height.saturating_sub(1) as usize;
    let start = offset(p.selected, visible);
    let step_w = p
        .rows
        .iter()
        .map(|r| r.prefix.chars().count() + r.name.chars().count() + 2)
        .max()
        .unwrap_or(4)
        .clamp(6, 40) as u16;
    let pod_w = p
        .rows
        .iter()
        .filter_map(|r| r.pod.as_ref())
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(3)
        .clamp(3, 30) as u16;
    let rows = p
        .rows
        .iter()
        .enumerate()
        .skip(start)
        .take(visible)
        .map(|(i, r)| {
            let color = phase_color(t, &r.phase);
            let dur = duration(r.started, r.finished, view.now)
                .map(human_duration_signed)
                .unwrap_or_default();
            let name = Line::from(vec![
                Span::styled(r.prefix.clone(), Style::default().fg(t.dim)),
                Span::styled(format!("{} ", icon(&r.phase)), Style::default().fg(color)),
                Span::raw(r.name.to_string()),
            ]);
            let cells = vec![
                Cell::from(name),
                Cell::from(r.kind.to_string()),
                Cell::from(r.phase.to_string()).style(Style::default().fg(color)),
                Cell::from(dur),
                Cell::from(middle_ellipsis(
                    r.pod.as_deref().unwrap_or(""),
                    pod_w as usize,
                )),
                Cell::from(r.message.to_string())
                    .style(Style::default().fg(if r.message.is_empty() { t.fg } else { color })),
            ];
            let style = if i == p.selected {
                super::selected_style(t)
            } else {
                Style::default().fg(t.fg)
            };
            Row::new(cells).style(style)
        });
    let widths = [
        Constraint::Length(step_w),
        Constraint::Length(11),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(pod_w),
        Constraint::Fill(1),
    ];
    let header = Row::new(["STEP", "TYPE", "PHASE", "DURATION", "POD", "MESSAGE"])
        .style(Style::default().fg(t.header).add_modifier(Modifier::BOLD));
    f.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        table_area,
    );
}
