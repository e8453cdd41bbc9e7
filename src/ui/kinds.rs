//! A kind's live table (`:deploy`, `:isvc`, a CRD): the server's columns, NAMESPACE first across
//! namespaces as kubectl prints it, `-o wide` columns when toggled or when the width has room,
//! and the selected row's owner chain and labels under it. Only the visible rows are drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Wrap};

use super::columns::{self, Col};
use super::{View, offset, title_spans};
use crate::core::age::age_since;
use crate::core::panes::kinds::KindPane;
use crate::core::state::AppState;
use crate::core::text::{Safe, ellipsis, middle_ellipsis};

/// The columns to draw: priority 0 always; the others when wide, or when all of them fit.
fn shown(p: &KindPane, wants: &[usize], width: u16) -> Vec<usize> {
    let narrow: Vec<usize> = (0..p.columns.len())
        .filter(|i| p.columns[*i].priority == 0)
        .collect();
    if p.wide || narrow.len() == p.columns.len() {
        return (0..p.columns.len()).collect();
    }
    let all: usize = wants.iter().map(|w| w + columns::SPACING).sum();
    if all <= width as usize {
        (0..p.columns.len()).collect()
    } else {
        narrow
    }
}

pub fn draw(f: &mut Frame, area: Rect, p: &KindPane, _state: &AppState, view: &View) {
    let t = view.theme;
    let scope = match (&p.listed_ns, p.kind.namespaced) {
        (_, false) => "cluster".to_string(),
        (Some(ns), true) => Safe::new(ns).into_string(),
        (None, true) => "all".to_string(),
    };
    let scope = match &p.within {
        crate::core::panes::kinds::Within::OwnedBy { via, .. } => {
            format!("{scope}, {}", Safe::new(via))
        }
        _ => scope,
    };
    let name = p.kind.resource();
    let mut title = title_spans(t, &name, Some(&scope), p.view.len(), Some(&p.filter));
    if let Some((c, rev)) = p.sort
        && let Some(col) = p.columns.get(c)
    {
        let dir = if rev { "↑" } else { "" };
        title.push(Span::styled(
            format!("sort:{}{dir} ", col.name.as_str().to_lowercase()),
            Style::default().fg(t.dim),
        ));
    }
    let inner = super::pane(f, area, Line::from(title), t);
    if let Some(e) = &p.error {
        let lines = vec![
            Line::styled(
                format!("The API server refused to list {name}:"),
                Style::default().fg(t.error).add_modifier(Modifier::BOLD),
            ),
            Line::styled(Safe::new(e).into_string(), Style::default().fg(t.error)),
            Line::styled(
                "kdoc retries; check your RBAC with kubectl auth can-i list ...",
                Style::default().fg(t.dim),
            ),
        ];
        if p.view.is_empty() {
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
            return;
        }
    }
    if p.view.is_empty() {
        let msg = if !p.synced {
            format!("Listing {name}…")
        } else if !p.filter.text.is_empty() {
            "Nothing matches the filter (esc clears it).".to_string()
        } else {
            format!("No {name} here.")
        };
        f.render_widget(Paragraph::new(msg).style(Style::default().fg(t.dim)), inner);
        return;
    }
    let detail_h = (3 + u16::from(p.pods.is_some())).min(inner.height / 3);
    let table_area = Rect {
        height: inner.height.saturating_sub(detail_h),
        ..inner
    };
    let visible = table_area.height.saturating_sub(1) as usize;
    let start = offset(p.selected, visible);
    let rows: Vec<_> = (start..(start + visible).min(p.view.len()))
        .filter_map(|i| p.row(i))
        .collect();
    let all_ns = p.kind.namespaced && p.listed_ns.is_none();
    // AGE from each row's creation time, so it moves on as kubectl's would on a re-run.
    let age_col = p
        .columns
        .iter()
        .position(|c| c.name.as_str() == "Age" && c.type_ == "date");
    let cell = |r: &crate::core::table::Row, c: usize| -> String {
        match (Some(c) == age_col, r.created) {
            (true, Some(ts)) => age_since(ts, view.now),
            _ => r.cells.get(c).map(|s| s.to_string()).unwrap_or_default(),
        }
    };
    let texts: Vec<Vec<String>> = rows
        .iter()
        .map(|r| (0..p.columns.len()).map(|c| cell(r, c)).collect())
        .collect();
    let headers: Vec<String> = p
        .columns
        .iter()
        .map(|c| c.name.as_str().to_uppercase())
        .collect();
    let wants: Vec<usize> = (0..p.columns.len())
        .map(|c| {
            texts
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
                .max(headers[c].chars().count())
        })
        .collect();
    let cols_shown = shown(p, &wants, table_area.width);
    let mut header: Vec<&str> = vec![];
    let mut cols = vec![];
    if all_ns {
        header.push("NAMESPACE");
        cols.push(
            Col::new("NAMESPACE", rows.iter().map(|r| r.namespace.as_str()))
                .min(6)
                .weak(),
        );
    }
    for (n, &c) in cols_shown.iter().enumerate() {
        header.push(&headers[c]);
        let col = Col::new(&headers[c], texts.iter().map(|r| r[c].as_str()));
        // The first column is the name: never cut to nothing. Long free text gives way first.
        cols.push(if n == 0 {
            col.min(12)
        } else if p.columns[c].name.as_str().eq_ignore_ascii_case("message") {
            col.min(8).weak()
        } else {
            col.min(3)
        });
    }
    let widths = columns::widths(&cols, table_area.width);
    let off = usize::from(all_ns);
    let table_rows = rows.iter().enumerate().map(|(i, r)| {
        let mut cells = vec![];
        if all_ns {
            cells.push(Cell::from(ellipsis(
                &Safe::new(&r.namespace),
                widths[0] as usize,
            )));
        }
        for (n, &c) in cols_shown.iter().enumerate() {
            let w = widths[n + off] as usize;
            let s = &texts[i][c];
            cells.push(Cell::from(if n == 0 {
                middle_ellipsis(s, w)
            } else {
                ellipsis(s, w)
            }));
        }
        let style = if start + i == p.selected {
            super::selected_style(t)
        } else {
            Style::default().fg(t.fg)
        };
        Row::new(cells).style(style)
    });
    super::render_table(f, table_area, table_rows, &header, &widths, t);
    let label = |s: &'static str| Span::styled(s, Style::default().fg(t.dim));
    let mut lines = vec![];
    let chain = p.owner_chain();
    if let Some(r) = p.selected_row() {
        let mut owners = vec![Span::raw(format!("{}/{}", p.kind.kind, Safe::new(&r.name)))];
        for o in &chain {
            owners.push(Span::styled(" ← ", Style::default().fg(t.dim)));
            owners.push(Span::raw(format!(
                "{}/{}",
                Safe::new(&o.kind),
                Safe::new(&o.name)
            )));
        }
        let mut l = vec![label("owners  ")];
        l.extend(owners);
        lines.push(Line::from(l));
        let labels: Vec<String> = r
            .labels
            .iter()
            .map(|(k, v)| format!("{}={}", Safe::new(k), Safe::new(v)))
            .collect();
        if let Some(pods) = &p.pods {
            let listed: Vec<String> = pods
                .iter()
                .map(|(n, st)| format!("{} ({})", Safe::new(n), Safe::new(st)))
                .collect();
            lines.push(Line::from(vec![
                label("pods    "),
                Span::raw(if listed.is_empty() {
                    "none".to_string()
                } else {
                    format!("{}: {}", listed.len(), listed.join(", "))
                }),
            ]));
        }
        lines.push(Line::from(vec![
            label("labels  "),
            Span::raw(if labels.is_empty() {
                "<none>".to_string()
            } else {
                labels.join(",")
            }),
        ]));
    }
    if let Some(e) = &p.error {
        lines.push(Line::styled(
            Safe::new(e).into_string(),
            Style::default().fg(t.error),
        ));
    }
    f.render_widget(
        Paragraph::new(lines).block(
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
