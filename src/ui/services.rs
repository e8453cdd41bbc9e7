//! The services table, as `kubectl get svc` prints it, and the selected service's ports and
//! endpoints under it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Wrap};

use super::columns::{self, Col};
use super::{View, offset, title_spans};
use crate::core::age::age_since_opt;
use crate::core::panes::services::ServicesPane;
use crate::core::services::COLUMNS;
use crate::core::state::{AppState, Scope};
use crate::core::text::{ellipsis, middle_ellipsis};

pub fn draw(f: &mut Frame, area: Rect, p: &ServicesPane, state: &AppState, view: &View) {
    let t = view.theme;
    let scope = state.cache.scope.label().to_string();
    let title = title_spans(t, "Services", Some(&scope), p.rows.len(), Some(&p.filter));
    let inner = super::pane(f, area, Line::from(title), t);
    if let Some(e) = &p.error {
        let text = vec![
            Line::styled(
                "The API server refused to list services:",
                Style::default().fg(t.error).add_modifier(Modifier::BOLD),
            ),
            Line::styled(e.to_string(), Style::default().fg(t.error)),
        ];
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        return;
    }
    if p.rows.is_empty() {
        let msg = if p.filter.text.is_empty() {
            "No services here."
        } else {
            "No services match the filter (esc clears it)."
        };
        f.render_widget(Paragraph::new(msg).style(Style::default().fg(t.dim)), inner);
        return;
    }
    let detail_h = (3 + p.details.ports.len() as u16 + u16::from(!p.details.not_ready.is_empty()))
        .min(inner.height / 3)
        .max(3);
    let table_area = Rect {
        height: inner.height.saturating_sub(detail_h),
        ..inner
    };
    let visible = table_area.height.saturating_sub(1) as usize;
    let start = offset(p.selected, visible);
    let rows = &p.rows[start..(start + visible).min(p.rows.len())];
    let all_ns = state.cache.scope == Scope::All;
    let ages: Vec<String> = rows
        .iter()
        .map(|r| age_since_opt(r.created, view.now))
        .collect();
    let mut header = vec![];
    let mut cols = vec![];
    if all_ns {
        header.push("NAMESPACE");
        cols.push(
            Col::new("NAMESPACE", rows.iter().map(|r| r.namespace.as_str()))
                .min(6)
                .weak(),
        );
    }
    // kubectl's headers; NAMESPACE (the first) only for all namespaces.
    header.extend(&COLUMNS[1..]);
    cols.extend([
        Col::new("NAME", rows.iter().map(|r| r.name.as_str())).min(12),
        Col::new("TYPE", rows.iter().map(|r| r.type_.as_str()))
            .min(9)
            .weak(),
        Col::new("CLUSTER-IP", rows.iter().map(|r| r.cluster_ip.as_str()))
            .min(9)
            .weak(),
        Col::new("EXTERNAL-IP", rows.iter().map(|r| r.external_ip.as_str()))
            .min(9)
            .weak(),
        Col::new("PORT(S)", rows.iter().map(|r| r.ports.as_str())).min(9),
        Col::new("AGE", ages.iter().map(String::as_str)).min(3),
    ]);
    let widths = columns::widths(&cols, table_area.width);
    let off = usize::from(all_ns);
    let table_rows = rows.iter().enumerate().map(|(i, r)| {
        let w = |c: usize| widths[c + off] as usize;
        let mut cells = vec![];
        if all_ns {
            cells.push(Cell::from(ellipsis(&r.namespace, widths[0] as usize)));
        }
        cells.extend([
            Cell::from(middle_ellipsis(&r.name, w(0))),
            Cell::from(ellipsis(&r.type_, w(1))),
            Cell::from(ellipsis(&r.cluster_ip, w(2))),
            Cell::from(ellipsis(&r.external_ip, w(3))),
            Cell::from(ellipsis(&r.ports, w(4))),
            Cell::from(ellipsis(&ages[i], w(5))),
        ]);
        let style = if start + i == p.selected {
            super::selected_style(t)
        } else {
            Style::default().fg(t.fg)
        };
        Row::new(cells).style(style)
    });
    super::render_table(f, table_area, table_rows, &header, &widths, t);
    let d = &p.details;
    let label = |s: &'static str| Span::styled(s, Style::default().fg(t.dim));
    let mut lines = vec![Line::from(vec![
        label("selector  "),
        Span::raw(d.selector.to_string()),
    ])];
    for port in &d.ports {
        lines.push(Line::from(vec![
            label("port      "),
            Span::raw(port.to_string()),
        ]));
    }
    let join =
        |v: &[crate::core::text::Safe]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    let ready = if !d.has_endpoints {
        Span::styled("no Endpoints object", Style::default().fg(t.warn))
    } else if d.ready.is_empty() {
        Span::styled("none ready", Style::default().fg(t.warn))
    } else {
        Span::styled(join(&d.ready), Style::default().fg(t.ok))
    };
    lines.push(Line::from(vec![label("endpoints "), ready]));
    if !d.not_ready.is_empty() {
        lines.push(Line::from(vec![
            label("not ready "),
            Span::styled(join(&d.not_ready), Style::default().fg(t.warn)),
        ]));
    }
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(Style::default().fg(t.border)),
        ),
        Rect {
            y: inner.y + table_area.height,
            height: detail_h,
            ..inner
        },
    );
}
