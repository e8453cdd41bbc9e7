//! The pods table: only the visible rows are laid out, coloured by health.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{View, fit, offset, title_spans};
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
    let max = |get: &dyn Fn(&PodRow) -> usize| rows.iter().map(|r| get(r)).max().unwrap_or(0);
    let restarts: Vec<String> = rows.iter().map(|r| restarts_text(r, view)).collect();
    let ages: Vec<String> = rows
        .iter()
        .map(|r| {
            r.created
                .map_or("<unknown>".into(), |c| age_since(c, view.now))
        })
        .collect();
    let longest = |v: &[String]| v.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    // (want, min, weak): NAMESPACE gives way first; NAME keeps the widest share.
    let mut cols = vec![];
    if all_ns {
        // Sized over all rows so the column does not jump while scrolling.
        cols.push((p.ns_width.max(9), 6, true));
    }
    cols.extend([
        (max(&|r| r.name.chars().count()).max(4), 12, false),
        (max(&|r| r.ready.len()).max(5), 5, false),
        (max(&|r| r.status.chars().count()).max(6), 6, false),
        (longest(&restarts).max(8), 8, false),
        (longest(&ages).max(3), 3, false),
    ]);
    let base: usize = cols.iter().map(|c| c.0).sum::<usize>() + cols.len();
    let ip = max(&|r| or_none(&r.ip).chars().count()).max(2);
    let node = max(&|r| or_none(&r.node).chars().count()).max(4);
    // IP and NODE only when everything else fits whole.
    let wide = base + ip + node + 2 <= inner.width as usize;
    if wide {
        cols.extend([(ip, 2, false), (node, 4, false)]);
    }
    let widths = fit(&cols, inner.width, 1);
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
            Cell::from(r.ready.clone()),
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
