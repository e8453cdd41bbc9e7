//! The containers of one pod, in start order, with state, last termination, ports and role.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::View;
use super::pods::offset;
use crate::core::state::{AppState, Screen};
use crate::core::text::sanitize;

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, view: &View) {
    let t = view.theme;
    let Screen::Containers { ns, pod } = &state.screen else {
        return;
    };
    let title = Line::from(vec![
        Span::styled(
            " Containers ",
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("{}/{} ", sanitize(ns), sanitize(pod)),
            Style::default().fg(t.accent),
        ),
    ]);
    let inner = super::pane(f, area, title, t);
    if state.containers.is_empty() {
        f.render_widget(
            Paragraph::new("This pod is gone, or has no containers.")
                .style(Style::default().fg(t.dim)),
            inner,
        );
        return;
    }
    // The selected container's details under the table, where long texts fit.
    let detail_h = 5u16.min(inner.height / 3);
    let table_area = Rect {
        height: inner.height.saturating_sub(detail_h),
        ..inner
    };
    // IMAGE, PORTS and PROBES get columns on wide terminals; otherwise they are in the details.
    let wide = inner.width >= 180;
    let name_w = state
        .containers
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 28) as u16;
    let visible = table_area.height.saturating_sub(1) as usize;
    let start = offset(state.container_selected, visible);
    let rows = state
        .containers
        .iter()
        .enumerate()
        .skip(start)
        .take(visible)
        .map(|(i, c)| {
            let state_color = if c.state.starts_with("running") {
                if c.ready { t.ok } else { t.warn }
            } else if c.state.contains("Completed") {
                t.completed
            } else if c.state.starts_with("waiting: ContainerCreating")
                || c.state.starts_with("waiting: PodInitializing")
            {
                t.pending
            } else {
                t.failed
            };
            let mut cells = vec![
                Cell::from(sanitize(&c.name).into_owned()),
                Cell::from(c.kind.label()),
                Cell::from(if c.ready { "true" } else { "false" }),
                Cell::from(sanitize(&c.state).into_owned()).style(Style::default().fg(state_color)),
                Cell::from(c.restarts.to_string()),
                Cell::from(sanitize(&c.last_termination).into_owned()),
            ];
            if wide {
                cells.push(Cell::from(sanitize(&c.image).into_owned()));
                cells.push(Cell::from(sanitize(&c.ports).into_owned()));
                cells.push(Cell::from(sanitize(&c.probes).into_owned()));
            }
            cells.push(Cell::from(c.role.unwrap_or("")));
            let style = if i == state.container_selected {
                super::selected_style(t)
            } else {
                Style::default().fg(t.fg)
            };
            Row::new(cells).style(style)
        });
    let mut widths = vec![
        Constraint::Length(name_w),
        Constraint::Length(9),
        Constraint::Length(5),
        Constraint::Length(34),
        Constraint::Length(8),
        Constraint::Length(22),
    ];
    let mut header = vec![
        "NAME",
        "TYPE",
        "READY",
        "STATE",
        "RESTARTS",
        "LAST TERMINATION",
    ];
    if wide {
        widths.extend([
            Constraint::Length(30),
            Constraint::Length(18),
            Constraint::Length(24),
        ]);
        header.extend(["IMAGE", "PORTS", "PROBES"]);
    }
    widths.push(Constraint::Fill(1));
    header.push("ROLE");
    let header = Row::new(header).style(Style::default().fg(t.header).add_modifier(Modifier::BOLD));
    f.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        table_area,
    );
    if let Some(c) = state.containers.get(state.container_selected) {
        let lines = vec![
            Line::from(vec![
                Span::styled("image  ", Style::default().fg(t.dim)),
                Span::raw(sanitize(&c.image).into_owned()),
            ]),
            Line::from(vec![
                Span::styled("state  ", Style::default().fg(t.dim)),
                Span::raw(sanitize(&c.state).into_owned()),
            ]),
            Line::from(vec![
                Span::styled("ports  ", Style::default().fg(t.dim)),
                Span::raw(if c.ports.is_empty() {
                    "none".to_string()
                } else {
                    sanitize(&c.ports).into_owned()
                }),
            ]),
            Line::from(vec![
                Span::styled("probes ", Style::default().fg(t.dim)),
                Span::raw(if c.probes.is_empty() {
                    "none".to_string()
                } else {
                    sanitize(&c.probes).into_owned()
                }),
            ]),
        ];
        let area = Rect {
            y: inner.y + table_area.height,
            height: detail_h,
            ..inner
        };
        f.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(Style::default().fg(t.border)),
            ),
            area,
        );
    }
}
