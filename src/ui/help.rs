//! `?`: the actions of the pane underneath and the global ones, with their keys; scrolls.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{View, centered};
use crate::core::panes::help::HelpPane;
use crate::core::state::AppState;

pub fn draw(f: &mut Frame, area: Rect, p: &HelpPane, _state: &AppState, view: &View) {
    let t = view.theme;
    let rect = centered(area, 100, p.entries.len() as u16 + 2);
    let visible = rect.height.saturating_sub(2) as usize;
    // The pane clamps scrolling by the page the reducer knows; clamp again for this rect.
    let start = p.scroll.min(p.entries.len().saturating_sub(visible));
    let lines: Vec<Line> = p
        .entries
        .iter()
        .skip(start)
        .take(visible)
        .map(|e| {
            Line::from(vec![
                Span::styled(format!("{:>18}  ", e.keys), Style::default().fg(t.accent)),
                Span::styled(
                    format!("{:<15}", e.name),
                    Style::default().fg(t.title).add_modifier(Modifier::BOLD),
                ),
                Span::styled(e.description, Style::default().fg(t.fg)),
            ])
        })
        .collect();
    let more = if start + visible < p.entries.len() || start > 0 {
        format!(
            " {}-{} of {}, j/k scroll",
            start + 1,
            (start + visible).min(p.entries.len()),
            p.entries.len()
        )
    } else {
        String::new()
    };
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(t.border))
        .title(format!(" Help: {} (esc closes){more} ", p.about));
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
