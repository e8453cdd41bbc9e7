//! The pods table: only the visible rows are laid out, coloured by health.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row};

use super::columns::{self, Col};
use super::{View, offset, title_spans};
use crate::core::age::age_since;
use crate::core::panes::pods::{PodsOf, PodsPane};
use crate::core::pods::PodRow;
use crate::core::state::{AppState, Scope};
use crate::core::text::{ellipsis, middle_ellipsis};

fn restarts_text(r: &PodRow, view: &View) -> String {
    match r.last_restart {
        Some(t) if r.restarts != 0 => format!("{} ({} ago)", r.restarts, age_since(t, view.now)),
        _ => r.restarts.to_string(),
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "<none>" } else { s }
}

pub fn draw(f: &mut Frame, area: Rect, p: &PodsPane, state: &AppState, view: &View) {
    let t = view.theme;
    let cache = &state.cache;
    let scope = match &p.of {
        PodsOf::Scope => cache.scope.label().to_string(),
        PodsOf::Selector { ns, via, .. } => format!("{}, {via}", crate::core::text::Safe::new(ns)),
        PodsOf::Where { ns, via, .. } if ns.is_empty() => format!("all, {via}"),
        PodsOf::Where { ns, via, .. } => format!("{}, {via}", crate::core::text::Safe::new(ns)),
    };
    let mut title = title_spans(t, "Pods", Some(&scope), p.rows.len(), Some(&p.filter));
    let dir = if p.reverse { "↑" } else { "" };
    title.push(ratatui::text::Span::styled(
        format!("sort:{}{dir} ", p.sort.label()),
        Style::default().fg(t.dim),
    ));
    let inner = super::pane(f, area, Line::from(title), t);

    if let Some(err) = &cache.pods_error {
        let text = vec![
            Line::styled(
                "The API server refused to list pods:",
                Style::default().fg(t.error).add_modifier(Modifier::BOLD),
            ),
            Line::styled(
                crate::core::text::Safe::new(err).into_string(),
                Style::default().fg(t.error),
            ),
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
    if p.rows.is_empty() {
        let msg = if let Some(ns) = cache.scope_missing() {
            format!(
                "Namespace {:?} does not exist in this cluster (press n to pick one).",
                crate::core::text::Safe::new(ns)
            )
        } else if !p.filter.text.is_empty() {
            "No pods match the filter (esc clears it).".to_string()
        } else if let PodsOf::Selector { via, .. } = &p.of {
            format!("{via} selects no pods.")
        } else {
            "No pods (yet).".to_string()
        };
        f.render_widget(Paragraph::new(msg).style(Style::default().fg(t.dim)), inner);
        return;
    }

    let visible = inner.height.saturating_sub(1) as usize;
    let start = offset(p.selected, visible);
    let rows = &p.rows[start..(start + visible).min(p.rows.len())];
    let all_ns = cache.scope == Scope::All;
    let restarts: Vec<String> = rows.iter().map(|r| restarts_text(r, view)).collect();
    let ages: Vec<String> = rows
        .iter()
        .map(|r| {
            r.created
                .map_or("<unknown>".into(), |c| age_since(c, view.now))
        })
        .collect();
    // NAMESPACE gives way first; NAME keeps the widest share.
    let mut cols = vec![];
    if all_ns {
        // Sized over all rows so the column does not jump while scrolling.
        cols.push(Col::sized("NAMESPACE", p.ns_width).min(6).weak());
    }
    cols.extend([
        Col::new("NAME", rows.iter().map(|r| r.name.as_str())).min(12),
        Col::new("READY", rows.iter().map(|r| r.ready.as_str())).min(5),
        Col::new("STATUS", rows.iter().map(|r| r.status.as_str())).min(6),
        Col::new("RESTARTS", restarts.iter().map(String::as_str)).min(8),
        Col::new("AGE", ages.iter().map(String::as_str)).min(3),
    ]);
    let base: usize = cols.iter().map(|c| c.want() + 1).sum();
    let ip = Col::new("IP", rows.iter().map(|r| or_none(&r.ip)));
    let node = Col::new("NODE", rows.iter().map(|r| or_none(&r.node)));
    // IP and NODE only when everything else fits whole.
    let wide = base + ip.want() + node.want() + 2 <= inner.width as usize;
    if wide {
        cols.extend([ip, node]);
    }
    let widths = columns::widths(&cols, inner.width);
    let mut header = vec![];
    if all_ns {
        header.push("NAMESPACE");
    }
    header.extend(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    if wide {
        header.extend(["IP", "NODE"]);
    }
    let w = |i: usize| widths[i + usize::from(all_ns)] as usize;
    let table_rows = rows.iter().enumerate().map(|(i, r)| {
        let mut cells: Vec<Cell> = vec![];
        if all_ns {
            cells.push(Cell::from(ellipsis(&r.namespace, widths[0] as usize)));
        }
        cells.extend([
            Cell::from(middle_ellipsis(&r.name, w(0))),
            Cell::from(ellipsis(&r.ready, w(1))),
            Cell::from(ellipsis(&r.status, w(2))).style(Style::default().fg(t.health(r.health))),
            Cell::from(ellipsis(&restarts[i], w(3))),
            Cell::from(ellipsis(&ages[i], w(4))),
        ]);
        if wide {
            cells.push(Cell::from(or_none(&r.ip).to_string()));
            cells.push(Cell::from(or_none(&r.node).to_string()));
        }
        let style = if start + i == p.selected {
            super::selected_style(t)
        } else {
            Style::default().fg(t.health(r.health))
        };
        Row::new(cells).style(style)
    });
    super::render_table(f, inner, table_rows, &header, &widths, t);
}
