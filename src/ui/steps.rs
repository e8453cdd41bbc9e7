//! The steps of one workflow as a tree: Argo nodes, or Tekton TaskRuns and their steps.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row};

use super::columns::{self, Col};
use super::workflows::phase_color;
use super::{View, offset};
use crate::core::panes::steps::StepsPane;
use crate::core::state::AppState;
use crate::core::text::{ellipsis, middle_ellipsis};
use crate::core::workflows::duration_text;

fn icon(phase: &str) -> &'static str {
    match phase {
        "Succeeded" | "Completed" => "✔",
        "Running" => "●",
        "Skipped" | "Omitted" => "○",
        "Pending" | "" => "◷",
        crate::core::tekton::NOT_FOUND => "?",
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
        // The DAG's edges: the tree draws its tasks side by side.
        if !r.deps.is_empty() {
            lines.push(Line::styled(r.deps.to_string(), Style::default().fg(t.fg)));
        }
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
    let shown = &p.rows[start..(start + visible).min(p.rows.len())];
    let durations: Vec<String> = shown
        .iter()
        .map(|r| duration_text(r.started, r.finished, view.now))
        .collect();
    let len = |s: &str| s.chars().count();
    const HEADER: [&str; 6] = ["STEP", "TYPE", "PHASE", "DURATION", "POD", "MESSAGE"];
    // The tree keeps its room; POD and MESSAGE give way first, cut with "…" (the selected
    // step's whole message is in the details below).
    let tree_w = shown
        .iter()
        .map(|r| len(&r.prefix) + 2 + len(&r.name))
        .max()
        .unwrap_or(0);
    let cols = [
        Col::sized(HEADER[0], tree_w).min(12),
        Col::new(HEADER[1], shown.iter().map(|r| r.kind.as_str())).min(4),
        Col::new(HEADER[2], shown.iter().map(|r| r.phase.as_str())).min(5),
        Col::new(HEADER[3], durations.iter().map(String::as_str)).min(8),
        Col::new(HEADER[4], shown.iter().filter_map(|r| r.pod.as_deref()))
            .min(3)
            .weak(),
        Col::new(HEADER[5], shown.iter().map(|r| r.message.as_str()))
            .min(7)
            .weak(),
    ];
    let widths = columns::widths(&cols, table_area.width);
    let w = |i: usize| widths[i] as usize;
    let rows = shown.iter().enumerate().map(|(i, r)| {
        let color = phase_color(t, &r.phase);
        let name_w = w(0).saturating_sub(len(&r.prefix) + 2);
        let name = Line::from(vec![
            Span::styled(r.prefix.clone(), Style::default().fg(t.dim)),
            Span::styled(format!("{} ", icon(&r.phase)), Style::default().fg(color)),
            Span::raw(middle_ellipsis(&r.name, name_w)),
        ]);
        let cells = vec![
            Cell::from(name),
            Cell::from(ellipsis(&r.kind, w(1))),
            Cell::from(ellipsis(&r.phase, w(2))).style(Style::default().fg(color)),
            Cell::from(ellipsis(&durations[i], w(3))),
            Cell::from(middle_ellipsis(r.pod.as_deref().unwrap_or(""), w(4))),
            Cell::from(ellipsis(&r.message, w(5)))
                .style(Style::default().fg(if r.message.is_empty() { t.fg } else { color })),
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
