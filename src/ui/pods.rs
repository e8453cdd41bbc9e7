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

struct Columns {
    widths: Vec<Constraint>,
    wide: bool,
    name: usize,
}

/// Shorten from the middle: pod names differ in their tails (hashes, step names), so keep both
/// ends, e.g. `mistral-24…internal-pod`.
pub fn middle_ellipsis(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width || width < 3 {
        return s.chars().take(width.max(n.min(width))).collect();
    }
    let head = (width - 1) / 2;
    let tail = width - 1 - head;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    out
}

/// Column widths from content, so names are not cut while there is room: NAME gets what it
/// needs first; IP and NODE appear only when everything else fits. NAMESPACE is sized over all
/// rows so it does not jump while scrolling.
fn columns(state: &AppState, visible: &[PodRow], all_ns: bool, width: u16, view: &View) -> Columns {
    let w = |n: usize, min: usize| n.max(min) as u16;
    let ns = if all_ns {
        w(
            state
                .rows
                .iter()
                .map(|r| r.namespace.chars().count())
                .max()
                .unwrap_or(0),
            9,
        )
        .min(24)
    } else {
        0
    };
    let name = w(
        visible
            .iter()
            .map(|r| r.name.chars().count())
            .max()
            .unwrap_or(0),
        4,
    );
    let status = w(
        visible
            .iter()
            .map(|r| r.status.chars().count())
            .max()
            .unwrap_or(0),
        6,
    );
    let restarts = w(
        visible
            .iter()
            .map(|r| restarts_text(r, view).chars().count())
            .max()
            .unwrap_or(0),
        8,
    );
    let (ready, age) = (5u16, 5u16);
    let gaps = if all_ns { 5 } else { 4 };
    let node = w(
        visible
            .iter()
            .map(|r| r.node.chars().count())
            .max()
            .unwrap_or(0),
        6,
    );
    let fixed = ready + status + restarts + age + gaps;
    let wide = ns + name + fixed + 15 + node + 2 <= width;
    // NAME gets what is left after the short columns; NAMESPACE gives way first when narrow.
    let mut ns = ns;
    let mut name_w = width.saturating_sub(ns + fixed + if wide { 15 + node + 2 } else { 0 });
    if name_w < 16 && all_ns {
        let take = (16 - name_w).min(ns.saturating_sub(6));
        ns -= take;
        name_w += take;
    }
    let name_w = name_w.min(name.max(name_w.min(name)));
    let mut widths = vec![];
    if all_ns {
        widths.push(Constraint::Length(ns));
    }
    widths.extend([
        Constraint::Length(name_w.max(4)),
        Constraint::Length(ready),
        Constraint::Length(status),
        Constraint::Length(restarts),
        Constraint::Length(age),
    ]);
    if wide {
        widths.extend([Constraint::Length(15), Constraint::Length(node)]);
    }
    Columns {
        widths,
        wide,
        name: name_w.max(4) as usize,
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
    let layout = columns(state, rows, all_ns, inner.width, view);
    let wide = layout.wide;
    let mut header = vec![];
    if all_ns {
        header.push("NAMESPACE");
    }
    header.extend(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    if wide {
        header.extend(["IP", "NODE"]);
    }
    let layout_name = layout.name;
    let widths = layout.widths;
    let table_rows = rows.iter().enumerate().map(|(i, r)| {
        let mut cells: Vec<Cell> = vec![];
        if all_ns {
            cells.push(Cell::from(sanitize(&r.namespace).into_owned()));
        }
        cells.extend([
            Cell::from(middle_ellipsis(&sanitize(&r.name), layout_name)),
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
            super::selected_style(t)
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

#[cfg(test)]
mod tests {
    use super::middle_ellipsis;

    #[test]
    fn keeps_both_ends() {
        assert_eq!(
            middle_ellipsis("mistral-24b-full-8t9qf-push-to-internal-pod", 16),
            "mistral…rnal-pod"
        );
        assert_eq!(middle_ellipsis("short", 16), "short");
        assert_eq!(middle_ellipsis("abcdef", 2), "ab");
    }
}
