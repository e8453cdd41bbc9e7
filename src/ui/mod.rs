//! Drawing only: reads the state, the theme and the keymap; never mutates anything.

mod containers;
mod header;
mod help;
mod picker;
mod pods;
mod status;
mod steps;
mod workflows;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui_textarea::TextArea;

use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::core::state::{AppState, Mode, Screen};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

/// What drawing needs besides the state.
pub struct View<'a> {
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
    pub input: &'a TextArea<'static>,
    /// Completions for the command being typed.
    pub completions: &'a [String],
    pub now: Timestamp,
}

/// Rows the pods table shows for a terminal of this height (header, borders, status line).
pub fn page_rows(height: u16) -> usize {
    height.saturating_sub(6) as usize
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
    header::draw(f, head, state, view);
    match state.screen {
        Screen::Pods => pods::draw(f, body, state, view),
        Screen::Workflows => workflows::draw(f, body, state, view),
        Screen::Steps(_) => steps::draw(f, body, state, view),
        Screen::Containers { .. } => containers::draw(f, body, state, view),
    }
    status::draw(f, foot, state, view);
    match state.mode {
        Mode::Help => help::draw(f, area, view),
        Mode::Picker(_) => picker::draw(f, area, state, view),
        _ => {}
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
    Style::default()
        .bg(t.selected_bg)
        .fg(t.selected_fg)
        .add_modifier(ratatui::style::Modifier::BOLD)
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
