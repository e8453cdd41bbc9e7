//! `:pf`: every forward with its true state, traffic, uptime and last check; the selected
//! one's URL, state and check body whole under the table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use super::columns::{self, Col};
use super::{View, offset, render_table, selected_style, title_spans};
use crate::core::panes::forwards::{ForwardHealth, ForwardsPane};
use crate::core::state::AppState;
use crate::core::text::ellipsis;

pub fn draw(f: &mut Frame, area: Rect, p: &ForwardsPane, _state: &AppState, view: &View) {
    let t = view.theme;
    let title = title_spans(t, "Forwards", None, p.rows.len(), Some(&p.filter));
    let inner = super::pane(f, area, Line::from(title), t);
    if p.rows.is_empty() {
        let msg = if p.filter.text.is_empty() {
            "No forwards. F on a pod or service picks a port; :pf svc/NAME PORT -n NS starts one."
        } else {
            "No forwards match the filter (esc clears it)."
        };
        f.render_widget(Paragraph::new(msg).style(Style::default().fg(t.dim)), inner);
        return;
    }
    let detail_h = (inner.height / 3).clamp(2, 6);
    let table_area = Rect {
        height: inner.height.saturating_sub(detail_h + 1),
        ..inner
    };
    let visible = table_area.height.saturating_sub(1) as usize;
    let start = offset(p.selected, visible);
    let rows = &p.rows[start..(start + visible).min(p.rows.len())];
    let header = [
        "NAMESPACE",
        "TARGET",
        "PORTS",
        "STATE",
        "CONNS",
        "OUT / IN",
        "UPTIME",
        "CHECK",
    ];
    let cells = |r: &crate::core::panes::forwards::ForwardRow| -> [String; 8] {
        [
            r.namespace.to_string(),
            r.target.to_string(),
            r.ports.clone(),
            r.state.to_string(),
            r.conns.clone(),
            r.traffic.clone(),
            r.uptime.clone(),
            r.check.to_string(),
        ]
    };
    let texts: Vec<[String; 8]> = rows.iter().map(cells).collect();
    let col = |i: usize| texts.iter().map(move |c| c[i].as_str());
    let cols: Vec<Col> = (0..8)
        // The state matters most: the namespace, traffic and check give way first.
        .map(|i| {
            let c =
                Col::new(header[i], col(i)).min(if i == 3 { 28 } else { header[i].len().min(8) });
            if matches!(i, 0 | 5 | 7) { c.weak() } else { c }
        })
        .collect();
    let widths = columns::widths(&cols, table_area.width);
    let table = rows.iter().zip(&texts).enumerate().map(|(i, (r, c))| {
        let row = Row::new(
            c.iter()
                .zip(&widths)
                .map(|(s, w)| Cell::from(ellipsis(s, *w as usize))),
        );
        if start + i == p.selected {
            return row.style(selected_style(t));
        }
        row.style(Style::default().fg(match r.health {
            ForwardHealth::Active => t.ok,
            ForwardHealth::Waiting => t.pending,
            ForwardHealth::Failed => t.error,
        }))
    });
    render_table(f, table_area, table, &header, &widths, t);
    if let Some(r) = p.rows.get(p.selected) {
        let mut lines = vec![Line::raw(format!("{} {}  {}", r.target, r.url, r.state))];
        if !r.check.is_empty() {
            lines.push(Line::styled(
                format!("check: {}", r.check),
                Style::default().fg(t.accent),
            ));
        }
        if let Some(b) = &p.body {
            lines.push(Line::styled(b.to_string(), Style::default().fg(t.dim)));
        }
        let detail = Rect {
            y: inner.y + table_area.height + 1,
            height: detail_h,
            ..inner
        };
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), detail);
    }
}
