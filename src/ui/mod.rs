//! Drawing only: reads the state, the theme and the keymap; never mutates anything. Text from
//! the cluster arrives here already sanitised (`core::text::Safe`).

pub mod columns;
mod containers;
mod doctor;
mod events;
mod forward_dialog;
mod forwards;
mod header;
mod help;
mod kinds;
mod logs;
pub mod panes;
mod picker;
mod pods;
mod services;
mod status;
mod steps;
mod text_view;
mod workflows;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row};
use ratatui_textarea::TextArea;

use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::core::state::AppState;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

/// What drawing needs besides the state.
pub struct View<'a> {
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
    pub input: &'a TextArea<'static>,
    pub now: Timestamp,
}

pub fn draw(f: &mut Frame, state: &AppState, view: &View) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "Terminal too small: kdoc needs at least {MIN_WIDTH}x{MIN_HEIGHT}, this one is {}x{}. Enlarge it or press q.",
            area.width, area.height
        );
        f.render_widget(
            Paragraph::new(msg)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .style(Style::default().fg(view.theme.error)),
            area,
        );
        return;
    }
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    // A theme with its own background (light) paints it under everything; "reset" keeps the
    // terminal's.
    let t = view.theme;
    if t.bg != ratatui::style::Color::Reset || t.fg != ratatui::style::Color::Reset {
        f.buffer_mut()
            .set_style(area, Style::default().bg(t.bg).fg(t.fg));
    }
    header::draw(f, head, state, view);
    panes::draw(f, body, state.base(), state, view);
    status::draw(f, foot, state, view);
    let top = state.top();
    // Overlays sit over the body, so the header (context, namespace) and the status line stay.
    if top.overlay() {
        panes::draw(f, body, top, state, view);
    }
}

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn line(s: impl Into<String>, style: Style) -> Line<'static> {
    Line::styled(s.into(), style)
}

/// The highlight of a selected row.
pub fn selected_style(t: &Theme) -> Style {
    t.selection
}

/// A bordered pane with this title; returns the area inside the border.
pub fn pane(f: &mut Frame, area: Rect, title: Line<'_>, t: &Theme) -> Rect {
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(Style::default().fg(t.border))
        .title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    inner
}

/// First visible row so the selection stays on screen (derived, so drawing needs no state).
pub fn offset(selected: usize, visible: usize) -> usize {
    if visible == 0 || selected < visible {
        0
    } else {
        selected + 1 - visible
    }
}

/// The header row of a table whose columns got `widths`: names cut with an ellipsis too, so a
/// narrow NAMESPACE column reads `NAMES…`, not `NAMESPA`.
pub fn header_row<'a>(names: &[&str], widths: &[u16], t: &Theme) -> Row<'a> {
    Row::new(
        names
            .iter()
            .zip(widths)
            .map(|(n, w)| crate::core::text::ellipsis(n, *w as usize)),
    )
    .style(
        Style::default()
            .fg(t.header)
            .add_modifier(ratatui::style::Modifier::BOLD),
    )
}

/// A content-sized table: columns of `widths` (from [`columns::widths`]), the header cut like
/// the cells.
pub fn render_table<'a>(
    f: &mut Frame,
    area: Rect,
    rows: impl IntoIterator<Item = Row<'a>>,
    header: &[&str],
    widths: &[u16],
    t: &Theme,
) {
    let constraints: Vec<Constraint> = widths.iter().map(|w| Constraint::Length(*w)).collect();
    f.render_widget(
        ratatui::widgets::Table::new(rows, constraints)
            .header(header_row(header, widths, t))
            .column_spacing(columns::SPACING as u16),
        area,
    );
}

/// The title of a list pane: " Name(scope)[count] </filter> ".
pub fn title_spans(
    t: &Theme,
    name: &str,
    scope: Option<&str>,
    count: usize,
    filter: Option<&crate::core::pane::FilterState>,
) -> Vec<ratatui::text::Span<'static>> {
    use ratatui::style::Modifier;
    use ratatui::text::Span;
    let mut v = vec![Span::styled(
        format!(" {name}"),
        Style::default().fg(t.title).add_modifier(Modifier::BOLD),
    )];
    if let Some(s) = scope {
        v.push(Span::styled(
            format!("({s})"),
            Style::default().fg(t.accent),
        ));
    }
    v.push(Span::styled(
        format!("[{count}]"),
        Style::default().fg(t.title),
    ));
    if let Some(f) = filter.and_then(|f| f.title()) {
        v.push(Span::styled(
            format!(" </{f}>"),
            Style::default().fg(t.accent),
        ));
    }
    v.push(Span::raw(" "));
    v
}
