//! The YAML view (highlighted with syntect's bundled YAML syntax, in the theme's syntect
//! theme) and the describe view: a scrolled text with search matches marked.

use std::sync::{LazyLock, Mutex};

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, ThemeSet};
use syntect::parsing::SyntaxSet;

use super::View;
use crate::core::panes::describe::DescribePane;
use crate::core::panes::text_view::TextView;
use crate::core::panes::yaml::{Load, YamlPane};
use crate::core::state::AppState;
use crate::core::text::Safe;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);
static THEMES: LazyLock<ThemeSet> = LazyLock::new(ThemeSet::load_defaults);

/// One line's (style, text) runs.
type Styled = Vec<(Style, String)>;

/// The last highlighted text: (its rev, the syntect theme, the lines). Highlighting keeps
/// state from line to line (a block scalar spans lines), so it is done once per text and
/// theme, not per frame; this cache is the drawing's own, not the app's state.
static HIGHLIGHTED: LazyLock<Mutex<Option<Highlighted>>> = LazyLock::new(|| Mutex::new(None));

/// (text rev, syntect theme, line count) and the lines highlighted for them.
type Highlighted = (u64, String, usize, Vec<Styled>);

/// YAML lines in the colours of syntect theme `theme` (unknown: the first bundled one).
pub fn highlight(lines: &[String], theme: &str) -> Vec<Styled> {
    let Some(syntax) = SYNTAXES.find_syntax_by_extension("yaml") else {
        return lines
            .iter()
            .map(|l| vec![(Style::default(), l.clone())])
            .collect();
    };
    let th = THEMES
        .themes
        .get(theme)
        .or_else(|| THEMES.themes.get("base16-ocean.dark"));
    let Some(th) = th else {
        return lines
            .iter()
            .map(|l| vec![(Style::default(), l.clone())])
            .collect();
    };
    let mut h = HighlightLines::new(syntax, th);
    lines
        .iter()
        .map(|l| {
            let with_nl = format!("{l}\n");
            match h.highlight_line(&with_nl, &SYNTAXES) {
                Ok(ranges) => ranges
                    .into_iter()
                    .map(|(s, text)| {
                        let mut st = Style::default().fg(Color::Rgb(
                            s.foreground.r,
                            s.foreground.g,
                            s.foreground.b,
                        ));
                        if s.font_style.contains(FontStyle::BOLD) {
                            st = st.add_modifier(Modifier::BOLD);
                        }
                        if s.font_style.contains(FontStyle::ITALIC) {
                            st = st.add_modifier(Modifier::ITALIC);
                        }
                        (st, text.trim_end_matches('\n').to_string())
                    })
                    .filter(|(_, t)| !t.is_empty())
                    .collect(),
                Err(_) => vec![(Style::default(), l.clone())],
            }
        })
        .collect()
}

fn highlighted(text: &TextView, theme: &str) -> Vec<Styled> {
    let key = (text.rev, theme.to_string(), text.lines.len());
    let mut cache = HIGHLIGHTED.lock().unwrap_or_else(|e| e.into_inner());
    match &*cache {
        Some((rev, th, n, lines)) if (*rev, th.as_str(), *n) == (key.0, key.1.as_str(), key.2) => {
            lines.clone()
        }
        _ => {
            let lines = highlight(&text.lines, theme);
            *cache = Some((key.0, key.1, key.2, lines.clone()));
            lines
        }
    }
}

fn body(f: &mut Frame, area: Rect, text: &TextView, styled: Option<&[Styled]>, view: &View) {
    let t = view.theme;
    let height = area.height as usize;
    let top = text.top.min(text.lines.len().saturating_sub(1));
    let mark = super::selected_style(t);
    let out: Vec<Line> = (top..(top + height).min(text.lines.len()))
        .map(|i| {
            let matched = text.matches.binary_search(&i).is_ok();
            let spans: Vec<Span> = match styled.and_then(|s| s.get(i)) {
                Some(runs) => runs
                    .iter()
                    .map(|(st, s)| Span::styled(s.clone(), *st))
                    .collect(),
                None => vec![Span::styled(
                    text.lines[i].clone(),
                    Style::default().fg(t.fg),
                )],
            };
            let line = Line::from(spans);
            if matched {
                line.patch_style(mark)
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(out), area);
}

fn title<'a>(
    view: &View,
    what: &str,
    label: String,
    extra: Vec<Span<'a>>,
    text: &TextView,
) -> Line<'a> {
    let t = view.theme;
    let mut spans = vec![
        Span::styled(
            format!(" {what} "),
            Style::default().fg(t.title).add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!("{label} "), Style::default().fg(t.accent)),
    ];
    spans.extend(extra);
    if let Some(f) = text.filter.title() {
        spans.push(Span::styled(
            format!("</{f}: {} lines> ", text.matches.len()),
            Style::default().fg(t.accent),
        ));
    }
    spans.push(Span::styled(
        format!("[{} lines] ", text.lines.len()),
        Style::default().fg(t.dim),
    ));
    Line::from(spans)
}

fn loading(f: &mut Frame, area: Rect, load: &Load, what: &str, view: &View) -> bool {
    let t = view.theme;
    let (msg, style) = match load {
        Load::Loaded => return false,
        Load::Loading => (format!("Reading {what}…"), Style::default().fg(t.dim)),
        Load::Failed(e) => (
            format!("Cannot read {what}: {}  (r reads it again)", Safe::new(e)),
            Style::default().fg(t.error),
        ),
    };
    f.render_widget(
        Paragraph::new(msg)
            .style(style)
            .wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
    true
}

fn scope(namespace: &str, label: &str) -> String {
    if namespace.is_empty() {
        Safe::new(label).to_string()
    } else {
        format!("{}/{}", Safe::new(namespace), Safe::new(label))
    }
}

pub fn draw_yaml(f: &mut Frame, area: Rect, p: &YamlPane, _state: &AppState, view: &View) {
    let t = view.theme;
    let mut extra = vec![];
    if p.show_managed {
        extra.push(Span::styled("managedFields ", Style::default().fg(t.dim)));
    }
    if p.is_secret() {
        extra.push(if p.reveal {
            Span::styled(
                "values decoded ",
                Style::default().fg(t.warn).add_modifier(Modifier::BOLD),
            )
        } else {
            Span::styled("values hidden (x) ", Style::default().fg(t.dim))
        });
    }
    let label = scope(&p.target.namespace, &p.target.label());
    let inner = super::pane(
        f,
        area,
        title(view, "YAML", label.clone(), extra, &p.text),
        t,
    );
    if loading(f, inner, &p.load, &label, view) {
        return;
    }
    // No syntect theme (16 colours, NO_COLOR): the text in the theme's own colour.
    match t.syntax_theme() {
        Some(syntax) => {
            let styled = highlighted(&p.text, syntax);
            body(f, inner, &p.text, Some(&styled), view);
        }
        None => body(f, inner, &p.text, None, view),
    }
}

pub fn draw_describe(f: &mut Frame, area: Rect, p: &DescribePane, _state: &AppState, view: &View) {
    let t = view.theme;
    let mut extra = vec![];
    if let Some(e) = &p.events_error {
        extra.push(Span::styled(
            format!("events: {} ", Safe::new(e)),
            Style::default().fg(t.error),
        ));
    }
    let label = scope(&p.target.namespace, &p.target.label());
    let inner = super::pane(
        f,
        area,
        title(view, "Describe", label.clone(), extra, &p.text),
        t,
    );
    if loading(f, inner, &p.load, &label, view) {
        return;
    }
    // Warning events stand out, as in the events view.
    let styled: Vec<Styled> = p
        .text
        .lines
        .iter()
        .map(|l| {
            let st = if l.starts_with("  Warning ") {
                Style::default().fg(t.warn)
            } else if !l.starts_with(' ') && l.contains(':') {
                Style::default().fg(t.header)
            } else {
                Style::default().fg(t.fg)
            };
            // Only a top-level key is coloured, not its value.
            match l.split_once(':') {
                Some((k, v)) if !l.starts_with(' ') => vec![
                    (st, format!("{k}:")),
                    (Style::default().fg(t.fg), v.to_string()),
                ],
                _ => vec![(st, l.clone())],
            }
        })
        .collect();
    body(f, inner, &p.text, Some(&styled), view);
}
