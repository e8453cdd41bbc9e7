//! The namespace and context pickers.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{View, centered, offset};
use crate::core::panes::picker::PickerPane;
use crate::core::state::AppState;

pub fn draw(f: &mut Frame, area: Rect, p: &PickerPane, _state: &AppState, view: &View) {
    let t = view.theme;
    let title = format!(" {} (enter picks, esc closes) ", p.title_text());
    let height = (p.items.len() as u16 + 2)
        .min(area.height.saturating_sub(4))
        .max(3);
    let rect = centered(area, 50, height);
    let visible = height.saturating_sub(2) as usize;
    let start = offset(p.selected, visible);
    let lines: Vec<Line> = p
        .items
        .iter()
        .enumerate()
        .skip(start)
        .take(visible)
        .map(|(i, item)| {
            let style = if i == p.selected {
                super::selected_style(t)
            } else {
                Style::default().fg(t.fg)
            };
            Line::styled(format!(" {}", item.label), style)
        })
        .collect();
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(t.border))
        .title(title);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
