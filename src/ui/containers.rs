//! The containers of one pod, in start order, with state, last termination, ports and role.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::View;
use super::offset;
use crate::core::panes::containers::ContainersPane;
use crate::core::state::AppState;
use crate::core::text::ellipsis;

pub fn draw(f: &mut Frame, area: Rect, p: &ContainersPane, _state: &AppState, view: &View) {
    let t = view.theme;
    let title = Line::from(vec![
        Span::styled(
            " Containers ",
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("{}/{} ", p.title_ns, p.title_pod),
            Style::default().fg(t.accent),
        ),
    ]);
    let inner = super::pane(f, area, title, t);
    if p.rows.is_empty() {
        let msg = if !p.exists {
            "This pod is gone."
        } else if !p.filter.text.is_empty() {
            "No containers match the filter (esc clears it)."
        } else {
            "This pod has no containers."
        };
        f.render_widget(Paragraph::new(msg).style(Style::default().fg(t.dim)), inner);
        return;
    }
    // The selected container's details under the table, where long texts fit.
    let detail_h = (6 + p.conditions.len() as u16).min(inner.height / 2);
    let table_area = Rect {
        height: inner.height.saturating_sub(detail_h),
        ..inner
    };
    // IMAGE, PORTS and PROBES get columns on wide terminals; otherwise they are in the details.
    let wide = inner.width >= 180;
    let name_w = p
        .rows
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 28) as u16;
    let visible = table_area.height.saturating_sub(1) as usize;
    let start = offset(p.selected, visible);
    let rows = p
        .rows
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
                Cell::from(ellipsis(&c.name, name_w as usize)),
                Cell::from(c.kind.label()),
                Cell::from(if c.ready { "true" } else { "false" }),
                Cell::from(ellipsis(&c.state, 34)).style(Style::default().fg(state_color)),
                Cell::from(c.restarts.to_string()),
                Cell::from(ellipsis(&c.last_termination, 22)),
            ];
            if wide {
                cells.push(Cell::from(ellipsis(&c.image, 30)));
                cells.push(Cell::from(ellipsis(&c.ports, 18)));
                cells.push(Cell::from(ellipsis(&c.probes, 24)));
            }
            cells.push(Cell::from(c.role.unwrap_or("")));
            let style = if i == p.selected {
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
    if let Some(c) = p.rows.get(p.selected) {
        let mut lines = vec![
            Line::from(vec![
                Span::styled("image  ", Style::default().fg(t.dim)),
                Span::raw(c.image.to_string()),
            ]),
            Line::from(vec![
                Span::styled("state  ", Style::default().fg(t.dim)),
                Span::raw(c.state.to_string()),
            ]),
            Line::from(vec![
                Span::styled("ports  ", Style::default().fg(t.dim)),
                Span::raw(if c.ports.is_empty() {
                    "none".to_string()
                } else {
                    c.ports.to_string()
                }),
            ]),
            Line::from(vec![
                Span::styled("probes ", Style::default().fg(t.dim)),
                Span::raw(if c.probes.is_empty() {
                    "none".to_string()
                } else {
                    c.probes.to_string()
                }),
            ]),
        ];
        for cond in &p.conditions {
            let mut spans = vec![
                Span::styled("cond   ", Style::default().fg(t.dim)),
                Span::raw(format!("{}={}", cond.kind, cond.status)),
            ];
            if !cond.detail.is_empty() {
                spans.push(Span::styled(
                    format!("  {}", cond.detail),
                    Style::default().fg(if &*cond.status == "True" {
                        t.dim
                    } else {
                        t.warn
                    }),
                ));
            }
            lines.push(Line::from(spans));
        }
        let area = Rect {
            y: inner.y + table_area.height,
            height: detail_h,
            ..inner
        };
        // Long states (an image pull's x509 cause, an exec error) wrap instead of being cut.
        f.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(
                    Block::default()
                        .borders(Borders::TOP)
                        .border_style(Style::default().fg(t.border)),
                ),
            area,
        );
    }
}
