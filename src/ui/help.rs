//! `?`: the actions of the pane underneath and the global ones, with their keys; scrolls.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{View, centered};
use crate::core::panes::help::HelpPane;
use crate::core::state::AppState;
use crate::core::text::ellipsis;

pub fn draw(f: &mut Frame, area: Rect, p: &HelpPane, _state: &AppState, view: &View) {
    let t = view.theme;
    let layout = p.layout(area.width);
    let (keys_w, name_w) = (layout.keys_w, layout.name_w);
    let rect = centered(area, layout.width, layout.total() as u16 + 2);
    let visible = rect.height.saturating_sub(2) as usize;
    // The pane clamps scrolling with the same layout; clamp again for this rect.
    let start = p.scroll.min(layout.last_start(visible));
    let mut lines: Vec<Line> = Vec::new();
    let mut end = start;
    for (e, desc) in p.entries.iter().zip(&layout.lines).skip(start) {
        if lines.len() + desc.len() > visible && !lines.is_empty() {
            break;
        }
        for (i, d) in desc.iter().enumerate() {
            let (keys, name) = if i == 0 {
                (e.keys.as_str(), e.name)
            } else {
                ("", "")
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{:>keys_w$}  ", ellipsis(keys, keys_w)),
                    Style::default().fg(t.accent),
                ),
                Span::styled(
                    format!("{name:<name_w$}  "),
                    Style::default().fg(t.title).add_modifier(Modifier::BOLD),
                ),
                Span::styled(d.clone(), Style::default().fg(t.fg)),
            ]));
        }
        end += 1;
    }
    let more = if end < p.entries.len() || start > 0 {
        format!(" {}-{end} of {}, j/k scroll", start + 1, p.entries.len())
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
