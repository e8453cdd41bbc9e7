//! The containers of one pod, in start order, with state, last termination, ports and role.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row};

use super::columns::{self, Col};
use super::{View, offset};
use crate::core::panes::containers::ContainersPane;
use crate::core::state::AppState;
use crate::core::text::{Safe, ellipsis};

/// "ReplicaSet/web-abc ← Deployment/web": the pod's owner chain, nearest first.
fn owners(p: &ContainersPane) -> Option<String> {
    let chain = p.owner_chain();
    if chain.is_empty() {
        return None;
    }
    let names: Vec<String> = chain
        .iter()
        .map(|o| format!("{}/{}", Safe::new(&o.kind), Safe::new(&o.name)))
        .collect();
    // The hint bar says `o` jumps to the first.
    Some(names.join(" ← "))
}

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
    let owners = owners(p);
    let detail_h =
        (6 + p.conditions.len() as u16 + u16::from(owners.is_some())).min(inner.height / 2);
    let table_area = Rect {
        height: inner.height.saturating_sub(detail_h),
        ..inner
    };
    let visible = table_area.height.saturating_sub(1) as usize;
    let start = offset(p.selected, visible);
    let shown = &p.rows[start..(start + visible).min(p.rows.len())];
    let restarts: Vec<String> = shown.iter().map(|c| c.restarts.to_string()).collect();
    let mut header = vec![
        "NAME",
        "TYPE",
        "READY",
        "STATE",
        "RESTARTS",
        "LAST TERMINATION",
    ];
    // ROLE gives way first, then the widest; cut cells end in "…" and the details below hold
    // them whole.
    let ready: Vec<&str> = shown
        .iter()
        .map(|c| if c.ready { "true" } else { "false" })
        .collect();
    let mut cols = vec![
        Col::new(header[0], shown.iter().map(|c| c.name.as_str())).min(8),
        Col::new(header[1], shown.iter().map(|c| c.kind.label())).min(4),
        Col::new(header[2], ready.iter().copied()).min(5),
        Col::new(header[3], shown.iter().map(|c| c.state.as_str())).min(12),
        Col::new(header[4], restarts.iter().map(String::as_str)).min(8),
        Col::new(header[5], shown.iter().map(|c| c.last_termination.as_str())).min(10),
    ];
    let role = Col::new("ROLE", shown.iter().map(|c| c.role.unwrap_or("")))
        .min(4)
        .weak();
    let whole: usize = cols.iter().map(|c| c.want() + 1).sum::<usize>() + role.want();
    let extra = [
        Col::new("IMAGE", shown.iter().map(|c| c.image.as_str())),
        Col::new("PORTS", shown.iter().map(|c| c.ports.as_str())),
        Col::new("PROBES", shown.iter().map(|c| c.probes.as_str())),
    ];
    // IMAGE, PORTS and PROBES get columns only when everything else fits whole; otherwise
    // they are in the details.
    let wide =
        whole + extra.iter().map(|c| c.want() + 1).sum::<usize>() <= table_area.width as usize;
    if wide {
        header.extend(["IMAGE", "PORTS", "PROBES"]);
        cols.extend(extra.iter().map(|c| c.min(5).weak()));
    }
    header.push("ROLE");
    cols.push(role);
    let widths = columns::widths(&cols, table_area.width);
    let w = |i: usize| widths[i] as usize;
    let rows = shown.iter().enumerate().map(|(i, c)| {
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
            Cell::from(ellipsis(&c.name, w(0))),
            Cell::from(ellipsis(c.kind.label(), w(1))),
            Cell::from(ellipsis(ready[i], w(2))),
            Cell::from(ellipsis(&c.state, w(3))).style(Style::default().fg(state_color)),
            Cell::from(ellipsis(&restarts[i], w(4))),
            Cell::from(ellipsis(&c.last_termination, w(5))),
        ];
        if wide {
            cells.push(Cell::from(ellipsis(&c.image, w(6))));
            cells.push(Cell::from(ellipsis(&c.ports, w(7))));
            cells.push(Cell::from(ellipsis(&c.probes, w(8))));
        }
        cells.push(Cell::from(ellipsis(
            c.role.unwrap_or(""),
            w(cols.len() - 1),
        )));
        let style = if start + i == p.selected {
            super::selected_style(t)
        } else {
            Style::default().fg(t.fg)
        };
        Row::new(cells).style(style)
    });
    super::render_table(f, table_area, rows, &header, &widths, t);
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
        if let Some(o) = owners {
            lines.push(Line::from(vec![
                Span::styled("owner  ", Style::default().fg(t.dim)),
                Span::raw(o),
            ]));
        }
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
