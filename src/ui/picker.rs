//! The namespace and context pickers.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{View, centered};
use crate::core::state::{AppState, Mode, Picker};
use crate::core::text::sanitize;

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, view: &View) {
    let t = view.theme;
    let title = match state.mode {
        Mode::Picker(Picker::Context) => " Contexts (enter picks, esc closes) ",
        _ => " Namespaces (enter picks, esc closes) ",
    };
    let items = state.picker_items();
    let height = (items.len() as u16 + 2)
        .min(area.height.saturating_sub(4))
        .max(3);
    let rect = centered(area, 50, height);
    let visible = height.saturating_sub(2) as usize;
    let start = super::pods::offset(state.picker_selected, visible);
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(start)
        .take(visible)
        .map(|(i, item)| {
            let style = if i == state.picker_selected {
                super::selected_style(t)
            } else {
                Style::default().fg(t.fg)
            };
            Line::styled(format!(" {}", sanitize(item)), style)
        })
        .collect();
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(t.border))
        .title(title);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
