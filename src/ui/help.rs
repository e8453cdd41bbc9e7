//! `?`: every action with its keys and description, generated from the registry and keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{View, centered};
use crate::core::actions::ACTIONS;

pub fn draw(f: &mut Frame, area: Rect, view: &View) {
    let t = view.theme;
    let mut lines = vec![];
    for a in ACTIONS {
        let keys = view.keymap.keys_for(a.action);
        let keys = if keys.is_empty() {
            "(unbound)".to_string()
        } else {
            keys.join(", ")
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:>18}  "), Style::default().fg(t.accent)),
            Span::styled(
                format!("{:<15}", a.name),
                Style::default().fg(t.title).add_modifier(Modifier::BOLD),
            ),
            Span::styled(a.description, Style::default().fg(t.fg)),
        ]));
    }
    let rect = centered(area, 100, lines.len() as u16 + 2);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(t.border))
        .title(" Help (esc closes) ");
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
