//! The port-forward dialog: the ports, each with the pod port it reaches and what kubectl
//! would say against it, the local address it will listen on, and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::{View, centered};
use crate::core::panes::forward_dialog::{ForwardDialog, default_local};
use crate::core::state::AppState;
use crate::core::text::sanitize;

pub fn draw(f: &mut Frame, area: Rect, p: &ForwardDialog, _state: &AppState, view: &View) {
    let t = view.theme;
    let title = format!(
        " Port-forward {} [{}] ",
        sanitize(&p.target.label()),
        sanitize(&p.namespace)
    );
    let mut lines: Vec<Line> = vec![];
    if let Some(pod) = &p.pod {
        lines.push(Line::styled(
            format!(" reaches pod/{pod} (the pod kubectl would pick)"),
            Style::default().fg(t.dim),
        ));
    }
    if let Some(problem) = &p.problem {
        lines.push(Line::styled(
            format!(" {problem}"),
            Style::default().fg(t.error).add_modifier(Modifier::BOLD),
        ));
        lines.push(Line::styled(
            " nothing can be forwarded until that changes; esc closes",
            Style::default().fg(t.dim),
        ));
    }
    for (i, r) in p.rows.iter().enumerate() {
        let name = if r.name.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.name)
        };
        let reach = match (r.pod_port, r.container.is_empty()) {
            (Some(pp), _) => format!(" -> pod port {pp}"),
            (None, false) => format!("  container {}", r.container),
            _ => String::new(),
        };
        let mut text = format!(" {}/{}{name}{reach}", r.port, r.protocol);
        let mut style = Style::default().fg(t.fg);
        if let Some(why) = &r.refused {
            text.push_str(&format!("  ✗ {why}"));
            style = Style::default().fg(t.dim);
        }
        if i == p.selected {
            style = super::selected_style(t);
        }
        lines.push(Line::styled(text, style));
    }
    if let Some(r) = p.rows.get(p.selected) {
        let local = match default_local(r.port) {
            0 => "127.0.0.1:<a free port>".to_string(),
            l => format!("127.0.0.1:{l}"),
        };
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(" listens on {local}, a free port if it is taken (e: choose, or --address)"),
            Style::default().fg(t.accent),
        ));
    }
    lines.push(Line::styled(
        " enter forward · e edit as :pf · esc cancel",
        Style::default().fg(t.dim),
    ));
    let height = (lines.len() as u16 + 2)
        .min(area.height.saturating_sub(2))
        .max(5);
    let rect = centered(area, 90.min(area.width), height);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(t.border))
        .title(title);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
