//! Colours by role, resolved from a theme file's scopes (see [`super::theme_file`]) and the
//! files it inherits from. The drawing code reads the roles (`t.ok`, `t.selection`, ...), never
//! a scope name.

use std::collections::HashMap;

use ratatui::style::{Color, Modifier, Style};

use super::color;
use super::inherit::{Kind, Source};
use super::theme_file::{self, RawScope, RawStyle, RawTheme, Val};
use crate::core::pod_status::Health;

pub const DEFAULT: &str = include_str!("../../themes/default.toml");
pub const LIGHT: &str = include_str!("../../themes/light.toml");
pub const SIXTEEN: &str = include_str!("../../themes/16color.toml");

/// The shipped themes, `default` first.
pub const KIND: Kind = Kind {
    what: "theme",
    dir: "themes",
    shipped: &[("default", DEFAULT), ("light", LIGHT), ("16color", SIXTEEN)],
};

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// `ui.text`: text with no other role.
    pub fg: Color,
    /// `ui.background`: painted under everything unless it is "reset".
    pub bg: Color,
    pub title: Color,
    pub border: Color,
    pub header: Color,
    pub selected_bg: Color,
    pub selected_fg: Color,
    pub dim: Color,
    pub ok: Color,
    pub pending: Color,
    pub warn: Color,
    pub failed: Color,
    pub completed: Color,
    pub error: Color,
    pub accent: Color,
    /// Name of the bundled syntect theme for YAML (`base16-ocean.dark`, `InspiredGitHub`, ...),
    /// or "none": YAML in `fg`, unhighlighted (16 colours, NO_COLOR).
    pub syntax: String,
    /// `ui.selection` whole: colours and modifiers of the selected row.
    pub selection: Style,
    pub doctor_error: Color,
    pub doctor_warn: Color,
    pub doctor_info: Color,
    /// Matches of a logs filter, and of a find (every line shown, matches marked).
    pub log_match: Style,
    pub log_find: Style,
    /// Colours of log streams (pods/containers), given in turn.
    pub sources: Vec<Color>,
    /// NO_COLOR: no colour anywhere, log lines' own colours dropped too.
    pub no_color: bool,
}

/// The scopes of a chain, each with its candidates leaf first, and the merged palette.
struct Merged {
    palette: HashMap<String, Color>,
    scopes: HashMap<String, Vec<RawScope>>,
    syntax: Option<Val>,
}

fn merge(chain: &[RawTheme]) -> Merged {
    let mut palette = HashMap::new();
    for t in chain.iter().rev() {
        for (name, c) in &t.palette {
            palette.insert(name.clone(), *c);
        }
    }
    let mut scopes: HashMap<String, Vec<RawScope>> = HashMap::new();
    for t in chain {
        for (name, s) in &t.scopes {
            scopes.entry(name.clone()).or_default().push(s.clone());
        }
    }
    let syntax = chain.iter().find_map(|t| t.syntax.clone());
    Merged {
        palette,
        scopes,
        syntax,
    }
}

impl Merged {
    fn colour(&self, scope: &str, v: &Val, problems: &mut Vec<String>) -> Option<Color> {
        let c = self
            .palette
            .get(&v.text)
            .copied()
            .or_else(|| color::parse(&v.text));
        if c.is_none() {
            problems.push(format!(
                "{}: {scope}: {:?} is neither a colour nor a name in [palette]; colours are {} \
                 and \"#rrggbb\"",
                v.at,
                v.text,
                color::names()
            ));
        }
        c
    }

    fn style(&self, scope: &str, s: &RawStyle, problems: &mut Vec<String>) -> Option<Style> {
        let mut st = Style::new().add_modifier(s.modifiers);
        let mut ok = true;
        if let Some(v) = &s.fg {
            match self.colour(scope, v, problems) {
                Some(c) => st = st.fg(c),
                None => ok = false,
            }
        }
        if let Some(v) = &s.bg {
            match self.colour(scope, v, problems) {
                Some(c) => st = st.bg(c),
                None => ok = false,
            }
        }
        (ok && !s.broken).then_some(st)
    }

    /// The first candidate of `scope` that resolves; every candidate is checked, so a
    /// mistake is reported even where a child overrides it.
    fn resolve(&self, scope: &str, problems: &mut Vec<String>) -> Resolved {
        let mut found = None;
        for cand in self.scopes.get(scope).into_iter().flatten() {
            let r = match cand {
                RawScope::Style(s) => self.style(scope, s, problems).map(Resolved::Style),
                RawScope::List(items) => {
                    let cs: Vec<Option<Color>> = items
                        .iter()
                        .map(|v| self.colour(scope, v, problems))
                        .collect();
                    cs.into_iter()
                        .collect::<Option<Vec<_>>>()
                        .map(Resolved::List)
                }
            };
            if found.is_none() {
                found = r;
            }
        }
        found.unwrap_or(Resolved::Style(Style::new()))
    }
}

enum Resolved {
    Style(Style),
    List(Vec<Color>),
}

impl Resolved {
    fn style(&self) -> Style {
        match self {
            Resolved::Style(s) => *s,
            Resolved::List(_) => Style::new(),
        }
    }

    fn fg(&self) -> Color {
        self.style().fg.unwrap_or(Color::Reset)
    }
}

impl Theme {
    /// The shipped default. Its file is checked by a test, so this has no problems.
    pub fn builtin() -> Theme {
        Theme::from_source(&Kind::default_source(&KIND)).0
    }

    /// A shipped theme by name, resolved, and its problems (none: tested).
    pub fn shipped(name: &str) -> Option<(Theme, Vec<String>)> {
        KIND.shipped(name).map(|s| Theme::from_source(&s))
    }

    /// A file with no parents to look up but the shipped ones.
    fn from_source(src: &Source) -> (Theme, Vec<String>) {
        let env = super::Env::default();
        let (chain, mut problems) = KIND.chain(&env, src.clone(), parse_source);
        let chain: Vec<RawTheme> = chain.into_iter().map(|(_, t)| t).collect();
        let (t, more) = Theme::resolve(&chain);
        problems.extend(more);
        super::in_file_order(&mut problems);
        (t, problems)
    }

    /// The theme a chain of files (leaf first) makes, and the problems with their values.
    pub fn resolve(chain: &[RawTheme]) -> (Theme, Vec<String>) {
        let m = merge(chain);
        let mut problems = vec![];
        let mut get = |scope: &str| m.resolve(scope, &mut problems);
        let text = get("ui.text");
        let background = get("ui.background");
        let selection = get("ui.selection").style();
        let sources = match get("log.sources") {
            Resolved::List(l) if !l.is_empty() => l,
            _ => vec![text.fg()],
        };
        let t = Theme {
            fg: text.fg(),
            bg: background
                .style()
                .bg
                .or(background.style().fg)
                .unwrap_or(Color::Reset),
            title: get("ui.title").fg(),
            border: get("ui.border").fg(),
            header: get("ui.header").fg(),
            selected_bg: selection.bg.unwrap_or(Color::Reset),
            selected_fg: selection.fg.unwrap_or(Color::Reset),
            dim: get("ui.dim").fg(),
            ok: get("status.ok").fg(),
            pending: get("status.pending").fg(),
            warn: get("status.warn").fg(),
            failed: get("status.failed").fg(),
            completed: get("status.completed").fg(),
            error: get("status.error").fg(),
            accent: get("ui.accent").fg(),
            syntax: m
                .syntax
                .as_ref()
                .map_or("base16-ocean.dark".to_string(), |v| v.text.clone()),
            selection,
            doctor_error: get("doctor.error").fg(),
            doctor_warn: get("doctor.warn").fg(),
            doctor_info: get("doctor.info").fg(),
            log_match: get("log.match").style(),
            log_find: get("log.find").style(),
            sources,
            no_color: false,
        };
        (t, problems)
    }

    /// The same theme with every colour gone (NO_COLOR): what stays visible is made with
    /// modifiers, the selection and log matches reversed.
    pub fn without_colour(self) -> Theme {
        let r = Color::Reset;
        let only = |s: Style, add: Modifier| Style::new().add_modifier(s.add_modifier | add);
        Theme {
            fg: r,
            bg: r,
            title: r,
            border: r,
            header: r,
            selected_bg: r,
            selected_fg: r,
            dim: r,
            ok: r,
            pending: r,
            warn: r,
            failed: r,
            completed: r,
            error: r,
            accent: r,
            syntax: "none".into(),
            selection: only(self.selection, Modifier::REVERSED),
            doctor_error: r,
            doctor_warn: r,
            doctor_info: r,
            log_match: only(self.log_match, Modifier::REVERSED),
            log_find: only(self.log_find, Modifier::REVERSED),
            sources: vec![r],
            no_color: true,
        }
    }

    pub fn health(&self, h: Health) -> Color {
        match h {
            Health::Ok => self.ok,
            Health::Pending => self.pending,
            Health::Warn => self.warn,
            Health::Failed => self.failed,
            Health::Completed => self.completed,
        }
    }

    /// The colour of log stream `i` (`logs::source::colour`).
    pub fn source(&self, i: usize) -> Color {
        self.sources
            .get(i % self.sources.len().max(1))
            .copied()
            .unwrap_or(self.fg)
    }

    /// The paused logs pane's line cursor: the selection's background, reversed without
    /// colours.
    pub fn line_cursor(&self) -> Style {
        if self.no_color {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().bg(self.selected_bg)
        }
    }

    /// The syntect theme to highlight YAML with; none for plain text.
    pub fn syntax_theme(&self) -> Option<&str> {
        (!self.no_color && self.syntax != "none").then_some(self.syntax.as_str())
    }
}

/// A theme file's scopes, parent and problems: what [`Kind::chain`] follows.
pub fn parse_source(src: &Source) -> (RawTheme, Option<super::inherit::Parent>, Vec<String>) {
    let (raw, problems) = theme_file::parse(&src.label, &src.text);
    let parent = raw.parent.clone();
    (raw, parent, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::theme_file;

    fn chain(files: &[(&str, &str)]) -> (Theme, Vec<String>) {
        let mut raws = vec![];
        let mut problems = vec![];
        for (label, text) in files {
            let (raw, p) = theme_file::parse(label, text);
            raws.push(raw);
            problems.extend(p);
        }
        let (t, p) = Theme::resolve(&raws);
        problems.extend(p);
        (t, problems)
    }

    fn colours(t: &Theme) -> Vec<Color> {
        let mut v = vec![
            t.fg,
            t.bg,
            t.title,
            t.border,
            t.header,
            t.selected_bg,
            t.selected_fg,
            t.dim,
            t.ok,
            t.pending,
            t.warn,
            t.failed,
            t.completed,
            t.error,
            t.accent,
            t.doctor_error,
            t.doctor_warn,
            t.doctor_info,
        ];
        for s in [t.selection, t.log_match, t.log_find] {
            v.extend(s.fg);
            v.extend(s.bg);
        }
        v.extend(&t.sources);
        v
    }

    #[test]
    fn the_shipped_themes_resolve_without_problems() {
        for (name, _) in KIND.shipped {
            let (t, problems) = Theme::shipped(name).unwrap();
            assert!(problems.is_empty(), "{name}: {problems:#?}");
            assert_eq!(t.sources.len(), 12, "{name}");
            assert!(t.selection.bg.is_some(), "{name}: a visible selection");
        }
        // The default is what kdoc looked like before themes had scopes.
        let d = Theme::builtin();
        assert_eq!(
            (d.fg, d.bg, d.ok, d.failed, d.accent, d.border),
            (
                Color::Reset,
                Color::Reset,
                Color::Green,
                Color::LightRed,
                Color::LightCyan,
                Color::DarkGray
            )
        );
        assert_eq!(
            d.selection,
            Style::new()
                .fg(Color::White)
                .bg(Color::Rgb(0x26, 0x4f, 0x78))
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(
            d.log_match,
            Style::new().fg(Color::Black).bg(Color::LightCyan)
        );
        assert_eq!(
            d.log_find,
            Style::new().fg(Color::Black).bg(Color::LightYellow)
        );
        assert_eq!((d.doctor_error, d.doctor_info), (d.error, d.dim));
        assert_eq!(d.syntax_theme(), Some("base16-ocean.dark"));
        let light = Theme::shipped("light").unwrap().0;
        assert_eq!(light.syntax_theme(), Some("InspiredGitHub"));
        assert_eq!(light.bg, Color::Rgb(255, 255, 255));
        let sixteen = Theme::shipped("16color").unwrap().0;
        assert_eq!(sixteen.syntax_theme(), None);
        for c in colours(&sixteen) {
            assert!(color::is_ansi16(c), "16color uses {c:?}");
        }
    }

    #[test]
    fn the_syntax_names_are_syntects_bundled_themes() {
        let set = syntect::highlighting::ThemeSet::load_defaults();
        let mut bundled: Vec<&str> = set.themes.keys().map(String::as_str).collect();
        bundled.push("none");
        bundled.sort();
        let mut ours = theme_file::SYNTAX.to_vec();
        ours.sort();
        assert_eq!(ours, bundled);
    }

    #[test]
    fn a_childs_palette_retints_its_parents_scopes() {
        let (t, problems) = chain(&[
            ("mine.toml", "[palette]\ngood = \"#00ff00\"\n"),
            ("themes/default.toml", DEFAULT),
        ]);
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(t.ok, Color::Rgb(0, 255, 0));
        assert_eq!(t.failed, Color::LightRed);
        // Tables of scopes read as dotted names; a string is a foreground.
        let (t, problems) = chain(&[
            (
                "mine.toml",
                "[status]\nok = \"blue\"\n[ui.selection]\nbg = \"red\"\n",
            ),
            ("themes/default.toml", DEFAULT),
        ]);
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(t.ok, Color::Blue);
        assert_eq!(t.selection, Style::new().bg(Color::Red));
    }

    #[test]
    fn a_bad_value_leaves_the_parents_in_force_and_is_reported_where_it_is() {
        let (t, problems) = chain(&[
            ("mine.toml", "\"status.ok\" = \"grene\"\n"),
            ("themes/default.toml", DEFAULT),
        ]);
        assert_eq!(t.ok, Color::Green);
        assert_eq!(
            problems,
            [format!(
                "mine.toml:1:15: status.ok: \"grene\" is neither a colour nor a name in \
                 [palette]; colours are {} and \"#rrggbb\"",
                color::names()
            )]
        );
        let (_, problems) = chain(&[("old.toml", "[colors]\nok = \"green\"\n")]);
        assert_eq!(
            problems,
            [
                "old.toml:1:2: [colors] is the old theme format: write scopes instead, \
                 \"ui.text\" = \"white\", \"status.ok\" = \"green\" (see themes/default.toml); \
                 the table is skipped"
            ]
        );
        let (_, problems) = chain(&[("broken.toml", "\"ui.text\" = \n")]);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("broken.toml:1:")
                && problems[0].ends_with("; the file is skipped"),
            "{problems:?}"
        );
    }

    #[test]
    fn no_color_keeps_only_modifiers() {
        for (name, _) in KIND.shipped {
            let t = Theme::shipped(name).unwrap().0.without_colour();
            assert!(colours(&t).iter().all(|c| *c == Color::Reset), "{name}");
            assert!(t.selection.add_modifier.contains(Modifier::REVERSED));
            assert!(t.log_match.add_modifier.contains(Modifier::REVERSED));
            assert_eq!(
                t.line_cursor(),
                Style::new().add_modifier(Modifier::REVERSED)
            );
            assert_eq!(t.syntax_theme(), None);
        }
    }

    #[test]
    fn arbitrary_theme_text_never_panics() {
        const PIECES: &[&str] = &[
            "\"ui.text\"",
            "\"log.sources\"",
            "[palette]",
            "[ui]",
            "text",
            "=",
            " ",
            "\n",
            "\"",
            "{",
            "}",
            "[",
            "]",
            ",",
            "fg",
            "bg",
            "modifiers",
            "\"bold\"",
            "\"#ffffff\"",
            "\"red\"",
            "inherits",
            "syntax",
            "1",
            "true",
            "\"x\"",
            "é",
            ".",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(state % 24) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            state = state.wrapping_add(1);
            let (_, problems) = chain(&[("f.toml", &text), ("themes/default.toml", DEFAULT)]);
            assert!(
                problems.iter().all(|p| p.starts_with("f.toml:")),
                "{text:?}: {problems:?}"
            );
        }
    }
}
