//! Two header lines: where we are, and how the connection and the pods are doing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::View;
use crate::core::cluster_event::Conn;
use crate::core::state::AppState;
use crate::core::text::Safe;

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, view: &View) {
    let t = view.theme;
    let label = Style::default().fg(t.dim);
    let value = Style::default().fg(t.accent).add_modifier(Modifier::BOLD);
    let mut first = vec![Span::styled(
        format!(" kdoc {} ", state.version),
        Style::default().fg(t.title).add_modifier(Modifier::BOLD),
    )];
    let c = &state.cache;
    match &state.offline {
        // Not a context: files captured earlier, served by kdoc's own simulator.
        Some(path) => first.extend([
            Span::styled(" offline snapshot ", Style::default().fg(t.warn)),
            Span::styled(path.to_string(), value),
        ]),
        None => first.extend([
            Span::styled(" ctx ", label),
            Span::styled(c.context.to_string(), value),
            Span::styled("  cluster ", label),
            Span::styled(c.cluster.to_string(), value),
        ]),
    }
    first.extend([
        Span::styled("  ns ", label),
        Span::styled(Safe::new(c.scope.label()).into_string(), value),
    ]);
    if state.readonly {
        first.push(Span::styled("  [readonly]", Style::default().fg(t.warn)));
    }
    let conn = match &c.conn {
        Conn::Connecting => Span::styled("◌ connecting", Style::default().fg(t.pending)),
        Conn::Connected => Span::styled("● connected", Style::default().fg(t.ok)),
        Conn::Reconnecting { attempt, error } => Span::styled(
            format!("◌ reconnecting, attempt {attempt}: {}", Safe::new(error)),
            Style::default().fg(t.error),
        ),
    };
    let counts = c.health_counts();
    let mut second = vec![Span::raw(" "), conn];
    // Slow and still answering: worth saying, as every pane's data will lag behind.
    if let Some(d) = c.slow {
        second.push(Span::styled(
            format!(
                "  ◌ cluster is slow: requests take {:.1} s",
                d.as_secs_f64()
            ),
            Style::default().fg(t.warn),
        ));
    }
    second.extend([
        Span::styled("  pods ", label),
        Span::styled(c.pods.len().to_string(), value),
    ]);
    for (key, color) in [
        ("ok", t.ok),
        ("pending", t.pending),
        ("warn", t.warn),
        ("failed", t.failed),
        ("completed", t.completed),
    ] {
        if let Some(n) = counts.get(key) {
            second.push(Span::styled(
                format!("  {key} {n}"),
                Style::default().fg(color),
            ));
        }
    }
    f.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}
