//! Events newest first, Warnings in the warning colour; the message gets what is left.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::columns::{self, Col};
use super::{View, offset, render_table, selected_style, title_spans};
use crate::core::panes::events::EventsPane;
use crate::core::state::AppState;
use crate::core::text::{Safe, ellipsis};

pub fn draw(f: &mut Frame, area: Rect, p: &EventsPane, _state: &AppState, view: &View) {
    let t = view.theme;
    let ns = if p.namespace.is_empty() {
        "all namespaces"
    } else {
        p.namespace.as_str()
    };
    let scope = format!("{ns} {}", p.object);
    let mut title = title_spans(
        t,
        "Events",
        Some(scope.trim()),
        p.rows.len(),
        Some(&p.filter),
    );
    if p.is_live() {
        title.push(Span::styled("live ", Style::default().fg(t.ok)));
    }
    if let Some(e) = &p.error {
        title.push(Span::styled(
            format!("{} ", Safe::new(e)),
            Style::default().fg(t.error),
        ));
    }
    let inner = super::pane(f, area, Line::from(title), t);
    if p.rows.is_empty() {
        let msg = if !p.filter.text.is_empty() {
            "No events match the filter (esc clears it)."
        } else if p.object.is_empty() {
            "No events in this namespace (events expire after an hour by default)."
        } else {
            "No events for this object (events expire after an hour by default)."
        };
        f.render_widget(Paragraph::new(msg).style(Style::default().fg(t.dim)), inner);
        return;
    }
    // The selected event's whole message under the table: messages are long.
    let detail_h = (inner.height / 3).clamp(1, 4);
    let table_area = Rect {
        height: inner.height.saturating_sub(detail_h + 1),
        ..inner
    };
    if let Some(r) = p.rows.get(p.selected) {
        let detail = Rect {
            y: inner.y + table_area.height + 1,
            height: detail_h,
            ..inner
        };
        f.render_widget(
            Paragraph::new(r.message.as_str()).wrap(ratatui::widgets::Wrap { trim: false }),
            detail,
        );
    }
    let inner = table_area;
    let visible = inner.height.saturating_sub(1) as usize;
    let start = offset(p.selected, visible);
    let rows = &p.rows[start..(start + visible).min(p.rows.len())];
    let counts: Vec<String> = rows.iter().map(|r| r.count.to_string()).collect();
    let header = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE"];
    let cols = [
        Col::new(header[0], rows.iter().map(|r| r.last_seen.as_str())).min(9),
        Col::new(header[1], rows.iter().map(|r| r.type_.as_str())).min(4),
        Col::new(header[2], rows.iter().map(|r| r.reason.as_str())).min(6),
        Col::new(header[3], rows.iter().map(|r| r.object.as_str()))
            .min(8)
            .weak(),
        Col::new(header[4], counts.iter().map(String::as_str)).min(5),
        Col::new(header[5], rows.iter().map(|r| r.message.as_str()))
            .min(20)
            .weak(),
    ];
    let widths = columns::widths(&cols, inner.width);
    let table = rows.iter().zip(&counts).enumerate().map(|(i, (r, c))| {
        let cells = [
            r.last_seen.as_str(),
            r.type_.as_str(),
            r.reason.as_str(),
            r.object.as_str(),
            c.as_str(),
            r.message.as_str(),
        ]
        .iter()
        .zip(&widths)
        .map(|(s, w)| Cell::from(ellipsis(s, *w as usize)))
        .collect::<Vec<_>>();
        let row = Row::new(cells);
        let style = if r.type_.as_str() == "Warning" {
            Style::default().fg(t.warn)
        } else {
            Style::default()
        };
        if start + i == p.selected {
            row.style(selected_style(t))
        } else {
            row.style(style)
        }
    });
    render_table(f, inner, table, &header, &widths, t);
}
