//! The pods table: only the visible rows are laid out, coloured by health.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::View;
use crate::core::age::age_since;
use crate::core::pods::PodRow;
use crate::core::state::{AppState, Scope};
use crate::core::text::sanitize;

/// First visible row so the selection stays on screen (derived, so drawing needs no state).
pub fn offset(selected: usize, visible: usize) -> usize {
    if visible == 0 || selected < visible {
        0
    } else {
        selected + 1 - visible
    }
}

fn restarts_text(r: &PodRow, view: &View) -> String {
    match r.last_restart {
        Some(t) if r.restarts != 0 => format!("{} ({} ago)", r.restarts, age_since(t, view.now)),
        _ => r.restarts.to_string(),
    }
}

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, view: &View) {
    let t = view.theme;
    let mut title = vec![
        Span::styled(
            " Pods",
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("({})", sanitize(state.scope.label())),
            Style::default().fg(t.accent),
        ),
        Span::styled(
            format!("[{}]", state.rows.len()),
            Style::default().fg(t.title),
        ),
    ];
    if !state.filter_text.is_empty() {
        title.push(Span::styled(
            format!(" </{}>", sanitize(&state.filter_text)),
            Style::default().fg(t.accent),
        ));
    }
    title.push(Span::styled(
        format!(" sort:{} ", state.sort.label()),
        Style::default().fg(t.dim),
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(t.border))
        .title(Line::from(title));
    let inner = block.inner(area);
    f.render_widget(block, area);

    if let Some(err) = &state.pods_error {
        let text = vec![
            Line::styled(
                "The API server refused to list pods:",
                Style::default().fg(t.error).add_modifier(Modifier::BOLD),
            ),
            Line::styled(sanitize(err).into_owned(), Style::default().fg(t.error)),
            Line::styled(
                "Check your RBAC for this namespace, or pick another with :ns NAME.",
                Style::default().fg(t.dim),
            ),
        ];
        f.render_widget(
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    if state.rows.is_empty() {
        let msg = if state.pods.is_empty() {
            "No pods (yet)."
        } else {
            "No pods match the filter (esc clears it)."
        };
        f.render_widget(Paragraph::new(msg).style(Style::default().fg(t.dim)), inner);
        return;
    }

    let visible = inner.height.saturating_sub(1) as usize;
    let start = offset(state.selected, visible);
    let rows = &state.rows[start..(start + visible).min(state.rows.len())];
    let all_ns = state.scope == Scope::All;
    let wide = inner.width >= 110;
    let ns_width = rows
        .iter()
        .map(|r| r.namespace.len())
        .max()
        .unwrap_or(9)
        .clamp(9, 20) as u16;

    let mut header = vec![];
    let mut widths = vec![];
    if all_ns {
        header.push("NAMESPACE");
        widths.push(Constraint::Length(ns_width));
    }
    header.extend(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    widths.extend([
        Constraint::Fill(3),
        Constraint::Length(5),
        Constraint::Length(21),
        Constraint::Length(13),
        Constraint::Length(5),
    ]);
    if wide {
        header.extend(["IP", "NODE"]);
        widths.extend([Constraint::Length(15), Constraint::Fill(1)]);
    }
    let table_rows = rows.iter().enumerate().map(|(i, r)| {
        let mut cells: Vec<Cell> = vec![];
        if all_ns {
            cells.push(Cell::from(sanitize(&r.namespace).into_owned()));
        }
        cells.extend([
            Cell::from(sanitize(&r.name).into_owned()),
            Cell::from(r.ready.clone()),
            Cell::from(sanitize(&r.status).into_owned())
                .style(Style::default().fg(t.health(r.health))),
            Cell::from(restarts_text(r, view)),
            Cell::from(
                r.created
                    .map_or("<unknown>".into(), |c| age_since(c, view.now)),
            ),
        ]);
        if wide {
            cells.push(Cell::from(if r.ip.is_empty() {
                "<none>".to_string()
            } else {
                sanitize(&r.ip).into_owned()
            }));
            cells.push(Cell::from(if r.node.is_empty() {
                "<none>".to_string()
            } else {
                sanitize(&r.node).into_owned()
            }));
        }
        let style = if start + i == state.selected {
            Style::default()
                .bg(t.selected_bg)
                .fg(t.selected_fg)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(t.health(r.health))
        };
        Row::new(cells).style(style)
    });
    let table = Table::new(table_rows, widths)
        .header(Row::new(header).style(Style::default().fg(t.header).add_modifier(Modifier::BOLD)))
        .column_spacing(1);
    f.render_widget(table, inner);
}
