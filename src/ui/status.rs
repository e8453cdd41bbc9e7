//! The bottom line: the filter or command being typed, a message, or key hints.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::View;
use crate::core::actions::Action;
use crate::core::state::{AppState, Mode, Screen};
use crate::core::text::sanitize;

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, view: &View) {
    let t = view.theme;
    match state.mode {
        Mode::Filter | Mode::Command => {
            let prompt = if state.mode == Mode::Filter { "/" } else { ":" };
            let hint = match (state.mode, &state.filter_error) {
                (Mode::Filter, Some(e)) => format!(" {}", sanitize(e)),
                (Mode::Command, _) if !view.completions.is_empty() => {
                    format!(" tab: {}", view.completions.join("  "))
                }
                _ => String::new(),
            };
            let hint_w = (hint.chars().count() as u16).min(area.width / 2);
            let [p, input, h] = Layout::horizontal([
                Constraint::Length(1),
                Constraint::Fill(1),
                Constraint::Length(hint_w),
            ])
            .areas(area);
            f.render_widget(
                Paragraph::new(prompt).style(Style::default().fg(t.accent)),
                p,
            );
            f.render_widget(view.input, input);
            let hint_color = if state.filter_error.is_some() && state.mode == Mode::Filter {
                t.error
            } else {
                t.dim
            };
            f.render_widget(
                Paragraph::new(hint).style(Style::default().fg(hint_color)),
                h,
            );
        }
        _ => {
            let line = match &state.message {
                Some(m) => Line::styled(sanitize(m).into_owned(), Style::default().fg(t.error)),
                None => {
                    let mut spans = vec![];
                    // Hints for what works on the pane in front.
                    let hints: &[Action] = match state.screen {
                        Screen::Pods => &[
                            Action::Help,
                            Action::Select,
                            Action::Filter,
                            Action::Command,
                            Action::Namespaces,
                            Action::SortStatus,
                            Action::Workflows,
                            Action::Quit,
                        ],
                        Screen::Workflows | Screen::Steps(_) => &[
                            Action::Help,
                            Action::Select,
                            Action::Back,
                            Action::Command,
                            Action::Pods,
                            Action::Quit,
                        ],
                        Screen::Containers { .. } => &[
                            Action::Help,
                            Action::Back,
                            Action::Command,
                            Action::Pods,
                            Action::Quit,
                        ],
                    };
                    for a in hints.iter().copied() {
                        if let Some(k) = view.keymap.keys_for(a).first() {
                            spans.push(Span::styled(
                                format!(" <{k}>"),
                                Style::default().fg(t.accent),
                            ));
                            spans.push(Span::styled(
                                format!(" {}", crate::core::actions::info_of(a).name),
                                Style::default().fg(t.dim),
                            ));
                        }
                    }
                    Line::from(spans)
                }
            };
            f.render_widget(Paragraph::new(line), area);
        }
    }
}
