//! The logs pane: each stream's state on top, then the visible lines only, each with its
//! source's colour and prefix, SGR colours kept, matches highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::View;
use crate::config::theme::Theme;
use crate::core::panes::logs::{JsonView, LogsPane, StreamState, tail_text};
use crate::core::state::AppState;
use crate::core::text::{Safe, ellipsis};
use crate::logs::buffer::{LineKind, LogLine};
use crate::logs::query::Mode;
use crate::logs::sanitize::{Colour, Sgr};
use crate::logs::source::{colour, prefix};

/// Stream state lines shown above the log at most.
const STATE_LINES: usize = 6;
/// Display lines one log line may take when wrapped (a 10 MB line stays drawable).
const MAX_WRAP: usize = 200;

fn to_color(c: Colour) -> Color {
    match c {
        Colour::Indexed(i) => Color::Indexed(i),
        Colour::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

fn sgr_style(s: &Sgr) -> Style {
    let mut st = Style::default();
    if let Some(c) = s.fg {
        st = st.fg(to_color(c));
    }
    if let Some(c) = s.bg {
        st = st.bg(to_color(c));
    }
    for (on, m) in [
        (s.bold, Modifier::BOLD),
        (s.dim, Modifier::DIM),
        (s.italic, Modifier::ITALIC),
        (s.underline, Modifier::UNDERLINED),
        (s.reverse, Modifier::REVERSED),
    ] {
        if on {
            st = st.add_modifier(m);
        }
    }
    st
}

fn state_style(t: &Theme, s: &StreamState) -> Style {
    Style::default().fg(match s {
        StreamState::Streaming => t.ok,
        StreamState::Connecting | StreamState::Waiting(_) => t.pending,
        StreamState::Ended(_) => t.dim,
        StreamState::Reconnecting { .. } => t.warn,
        StreamState::Failed(_) => t.failed,
    })
}

/// Byte offsets where the style changes: SGR runs and highlights, as (start, end, style).
fn runs(
    text: &str,
    sgr: &[(u32, u32, Sgr)],
    marks: &[(usize, usize)],
    hl: Style,
    colours: bool,
) -> Vec<(usize, usize, Style)> {
    let mut cuts = vec![0, text.len()];
    for (a, b, _) in sgr {
        cuts.extend([*a as usize, *b as usize]);
    }
    for (a, b) in marks {
        cuts.extend([*a, *b]);
    }
    cuts.retain(|c| *c <= text.len() && text.is_char_boundary(*c));
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let mut st = sgr
                .iter()
                .filter(|(s, e, _)| (*s as usize) <= a && b <= *e as usize)
                .fold(Style::default(), |acc, (_, _, g)| acc.patch(sgr_style(g)));
            if !colours {
                // NO_COLOR: the line's own colours go too; its bold and underline stay.
                (st.fg, st.bg) = (None, None);
            }
            if marks.iter().any(|(s, e)| *s <= a && b <= *e) {
                st = st.patch(hl);
            }
            (a, b, st)
        })
        .collect()
}

/// The display lines of one log line at `width` cells: the prefix and time on the first, the
/// text cut (or wrapped) to fit.
fn display(
    p: &LogsPane,
    line: &LogLine,
    view: &View,
    width: usize,
    prefix_w: usize,
) -> Vec<Line<'static>> {
    let t = view.theme;
    let src = p.buf.sources().get(line.source as usize);
    let mut head: Vec<Span<'static>> = vec![];
    if p.prefix
        && let Some(s) = src
    {
        let c = t.source(colour(s) as usize);
        head.push(Span::styled(
            format!("{:<prefix_w$} ", prefix(s, prefix_w)),
            Style::default().fg(c),
        ));
    }
    if p.timestamps {
        let ts = line.ts.map_or_else(
            || " ".repeat(20),
            |ts| format!("{} ", ts.strftime("%Y-%m-%dT%H:%M:%SZ")),
        );
        head.push(Span::styled(ts, Style::default().fg(t.dim)));
    }
    let head_w: usize = head.iter().map(|s| s.content.chars().count()).sum();
    let avail = width.saturating_sub(head_w).max(1);
    if line.kind == LineKind::Marker {
        head.push(Span::styled(
            line.text.text.clone(),
            Style::default().fg(t.accent).add_modifier(Modifier::BOLD),
        ));
        return vec![Line::from(head)];
    }
    let pretty = match p.json {
        JsonView::Off => None,
        JsonView::Pretty => crate::logs::json::pretty(&line.text.text),
        JsonView::Summary => crate::logs::json::summary(&line.text.text).map(|l| vec![l]),
    };
    if let Some(lines) = pretty {
        let mut out = vec![];
        for (i, l) in lines.into_iter().enumerate() {
            let mut spans = if i == 0 {
                head.clone()
            } else {
                vec![Span::raw(" ".repeat(head_w))]
            };
            spans.push(Span::raw(Safe::new(&ellipsis(&l, avail)).into_string()));
            out.push(Line::from(spans));
        }
        return out;
    }
    let text = &line.text.text;
    let marks = p.view.query().map(|q| q.spans(text)).unwrap_or_default();
    let hl = if p.view.mode() == Mode::Find {
        t.log_find
    } else {
        t.log_match
    };
    let runs = runs(text, &line.text.styles, &marks, hl, !t.no_color);
    // Cut the text into display lines of `avail` characters (one when not wrapping).
    let max_lines = if p.wrap { MAX_WRAP } else { 1 };
    let mut out: Vec<Vec<Span<'static>>> = vec![head];
    let mut col = 0;
    'outer: for (a, b, st) in runs {
        let mut piece = String::new();
        for ch in text[a..b].chars() {
            if col == avail {
                if !piece.is_empty() {
                    out.last_mut()
                        .unwrap_or_else(|| unreachable!())
                        .push(Span::styled(std::mem::take(&mut piece), st));
                }
                if out.len() == max_lines {
                    break 'outer;
                }
                out.push(vec![Span::raw(" ".repeat(head_w))]);
                col = 0;
            }
            piece.push(ch);
            col += 1;
        }
        if !piece.is_empty() {
            out.last_mut()
                .unwrap_or_else(|| unreachable!())
                .push(Span::styled(piece, st));
        }
    }
    out.into_iter().map(Line::from).collect()
}

pub fn draw(f: &mut Frame, area: Rect, p: &LogsPane, _state: &AppState, view: &View) {
    let t = view.theme;
    // Following or paused first: it must never be cut off the end of a long title.
    let mut title = vec![
        Span::styled(
            " Logs ",
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        ),
        if p.follow {
            Span::styled("following ", Style::default().fg(t.ok))
        } else {
            Span::styled(
                format!("paused, {} new ", p.arrived_while_paused()),
                Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
            )
        },
        Span::styled(
            format!(
                "{}/{} ",
                Safe::new(p.target.namespace()),
                Safe::new(&p.target.label())
            ),
            Style::default().fg(t.accent),
        ),
    ];
    let mut info = format!("{} lines", p.buf.len());
    if p.buf.dropped() > 0 {
        info.push_str(&format!(
            ", {} dropped (buffer {})",
            p.buf.dropped(),
            p.buf.cap()
        ));
    }
    info.push_str(&format!(", tail {}", tail_text(p.tail)));
    if let Some(s) = p.since {
        info.push_str(&format!(", since {}m", s / 60));
    }
    if p.previous {
        info.push_str(", previous");
    }
    title.push(Span::styled(
        format!("[{info}] "),
        Style::default().fg(t.dim),
    ));
    if let Some(f) = p.filter.title() {
        let mode = match p.view.mode() {
            Mode::Filter => "filter",
            Mode::Find => "find",
        };
        title.push(Span::styled(
            format!("<{mode} /{f}: {} matches> ", p.view.matches()),
            Style::default().fg(t.accent),
        ));
    }
    if p.view.scanning(&p.buf) {
        title.push(Span::styled("filtering… ", Style::default().fg(t.pending)));
    }
    let inner = super::pane(f, area, Line::from(title), t);

    // Stream states: every stream when few, else the ones that need attention first.
    let mut states: Vec<(&(String, String, String), &crate::core::panes::logs::Stream)> = p
        .order
        .iter()
        .filter_map(|k| p.streams.get(k).map(|s| (k, s)))
        .collect();
    states.sort_by_key(|(_, s)| match s.state {
        StreamState::Failed(_) => 0,
        StreamState::Reconnecting { .. } => 1,
        StreamState::Waiting(_) => 2,
        _ => 3,
    });
    let shown = states.len().min(STATE_LINES);
    let more = states.len() - shown;
    let width = (inner.width as usize).max(1);
    let mut lines: Vec<Line> = vec![];
    let mut state_h = 0usize;
    for (k, s) in states.iter().take(shown) {
        let src = p.buf.sources().get(s.source as usize);
        let c = src.map_or(t.fg, |s| t.source(colour(s) as usize));
        let who = format!("● {}/{} ", Safe::new(&k.1), Safe::new(&k.2));
        let what = Safe::new(&s.state.text()).into_string();
        let count = format!("  {} lines", s.lines);
        // A failure's message is read whole: state lines wrap.
        let chars = who.chars().count() + what.chars().count() + count.len();
        state_h += chars.div_ceil(width);
        lines.push(Line::from(vec![
            Span::styled(who, Style::default().fg(c)),
            Span::styled(what, state_style(t, &s.state)),
            Span::styled(count, Style::default().fg(t.dim)),
        ]));
    }
    if more > 0 {
        state_h += 1;
        lines.push(Line::styled(
            format!("… and {more} more streams"),
            Style::default().fg(t.dim),
        ));
    }
    let state_h = (state_h as u16).min(inner.height / 2);
    f.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
        Rect {
            height: state_h,
            ..inner
        },
    );
    let body = Rect {
        y: inner.y + state_h,
        height: inner.height.saturating_sub(state_h),
        ..inner
    };
    let height = body.height as usize;
    let len = p.view.len(&p.buf);
    if len == 0 {
        let msg = if p.view.scanning(&p.buf) {
            "Filtering…"
        } else if !p.filter.text.is_empty() {
            "No lines match the filter yet (esc clears it)."
        } else if p.streams.is_empty() {
            "No containers to read: no pod matches (yet)."
        } else {
            "No log lines yet: see each stream's state above."
        };
        f.render_widget(Paragraph::new(msg).style(Style::default().fg(t.dim)), body);
        return;
    }
    let width = body.width as usize;
    let prefix_w = p
        .buf
        .sources()
        .iter()
        .map(|s| s.pod.chars().count() + s.container.chars().count() + 1)
        .max()
        .unwrap_or(0)
        .min(width / 3)
        .min(40);
    let line_at = |i: usize| -> Vec<Line<'static>> {
        p.view
            .row(&p.buf, i)
            .and_then(|seq| p.buf.get(seq))
            .map(|l| display(p, l, view, width, prefix_w))
            .unwrap_or_default()
    };
    let mut out: Vec<Line> = Vec::with_capacity(height);
    if p.follow {
        // From the newest line up until the screen is full.
        let mut i = len;
        let mut stack: Vec<Vec<Line>> = vec![];
        let mut used = 0;
        while i > 0 && used < height {
            i -= 1;
            let l = line_at(i);
            used += l.len();
            stack.push(l);
        }
        for l in stack.into_iter().rev() {
            out.extend(l);
        }
        let extra = out.len().saturating_sub(height);
        out.drain(..extra);
    } else {
        // Paused: the selected line (what `copy` takes) is marked.
        let cursor = p.cursor_row();
        let sel = t.line_cursor();
        let mut i = p.first_row(height);
        while i < len && out.len() < height {
            let lines = line_at(i);
            if cursor == Some(i) {
                out.extend(lines.into_iter().map(|l| l.patch_style(sel)));
            } else {
                out.extend(lines);
            }
            i += 1;
        }
        out.truncate(height);
    }
    f.render_widget(Paragraph::new(out), body);
}
