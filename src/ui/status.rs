//! The bottom line: the filter or command being typed, a message, or key hints made from the
//! actions the pane in front offers and the keys the active keymap layers give them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::View;
use crate::core::actions::info_of;
use crate::core::state::{AppState, PromptKind};
use crate::core::text::Safe;

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, view: &View) {
    let t = view.theme;
    if let Some(p) = &state.prompt {
        let prompt = if p.kind == PromptKind::Filter {
            "/"
        } else {
            ":"
        };
        let hint = match (&p.error, p.kind) {
            (Some(e), _) => format!(" {}", Safe::new(e)),
            (None, PromptKind::Command) if !p.completions.is_empty() => {
                format!(" tab: {}", Safe::from_string(p.completions.join("  ")))
            }
            _ => String::new(),
        };
        let hint_w = (hint.chars().count() as u16).min(area.width / 2);
        let [pr, input, h] = Layout::horizontal([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(hint_w),
        ])
        .areas(area);
        f.render_widget(
            Paragraph::new(prompt).style(Style::default().fg(t.accent)),
            pr,
        );
        f.render_widget(view.input, input);
        let hint_color = if p.error.is_some() { t.error } else { t.dim };
        f.render_widget(
            Paragraph::new(hint).style(Style::default().fg(hint_color)),
            h,
        );
        return;
    }
    let line = match (&state.message, state.notices.last()) {
        (Some(m), _) => Line::styled(
            m.text.to_string(),
            Style::default().fg(if m.error { t.error } else { t.accent }),
        ),
        (None, Some(n)) if state.top().name() == "pods" && state.panes().len() == 1 => {
            Line::styled(format!("{n}"), Style::default().fg(t.warn))
        }
        _ => {
            let layers = state.layers();
            let mut spans = vec![];
            for a in state.top().actions() {
                if let Some(k) = view.keymap.keys_for(&layers, *a).first() {
                    spans.push(Span::styled(
                        format!(" <{k}>"),
                        Style::default().fg(t.accent),
                    ));
                    spans.push(Span::styled(
                        format!(" {}", info_of(*a).name),
                        Style::default().fg(t.dim),
                    ));
                }
            }
            Line::from(spans)
        }
    };
    f.render_widget(Paragraph::new(line), area);
}
