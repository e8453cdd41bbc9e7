//! A theme file as written, before its chain is merged: helix's shape.
//!
//! ```toml
//! inherits = "default"          # optional; without it the file builds on the shipped default
//! syntax = "InspiredGitHub"     # the bundled syntect theme for YAML, or "none"
//!
//! "ui.text" = "fg"              # a colour: a [palette] name, a colour name or "#rrggbb"
//! "ui.selection" = { fg = "white", bg = "blue", modifiers = ["bold"] }
//! "log.sources" = ["cyan", "green"]   # the one list: colours of log streams, in turn
//!
//! [palette]                     # named colours the scopes use; a child's palette merges over
//! fg = "#24292e"                # its parent's, so retinting the palette retints the parent
//! ```
//!
//! Scopes may also be written as tables (`[status]` then `ok = "green"`). Every value keeps
//! where it was written, so a problem found later (a palette name that is not there) still
//! names its file, line and column.

use std::path::Path;

use ratatui::style::{Color, Modifier};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::color;
use super::inherit::Parent;

/// The scopes a theme sets; see `themes/default.toml` for what each colours.
pub const SCOPES: &[&str] = &[
    "ui.text",
    "ui.background",
    "ui.title",
    "ui.border",
    "ui.header",
    "ui.selection",
    "ui.dim",
    "ui.accent",
    "status.ok",
    "status.pending",
    "status.warn",
    "status.failed",
    "status.completed",
    "status.error",
    "doctor.error",
    "doctor.warn",
    "doctor.info",
    "log.match",
    "log.find",
    "log.sources",
];

/// Scopes whose value is a list of colours.
pub const LISTS: &[&str] = &["log.sources"];

/// The bundled syntect themes (syntect's `default-themes`), and "none" for plain YAML.
pub const SYNTAX: &[&str] = &[
    "base16-ocean.dark",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.light",
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
    "none",
];

/// A string as written, and where (`file:line:col`).
#[derive(Clone, Debug)]
pub struct Val {
    pub text: String,
    pub at: String,
}

#[derive(Clone, Debug, Default)]
pub struct RawStyle {
    pub fg: Option<Val>,
    pub bg: Option<Val>,
    pub modifiers: Modifier,
    /// It had a mistake: its colours are still checked, but the parent's style is used.
    pub broken: bool,
}

#[derive(Clone, Debug)]
pub enum RawScope {
    Style(RawStyle),
    List(Vec<Val>),
}

#[derive(Clone, Debug, Default)]
pub struct RawTheme {
    pub parent: Option<Parent>,
    pub syntax: Option<Val>,
    pub palette: Vec<(String, Color)>,
    pub scopes: Vec<(String, RawScope)>,
}

struct Ctx<'a> {
    label: &'a str,
    text: &'a str,
    problems: Vec<String>,
}

impl Ctx<'_> {
    fn at(&self, offset: usize) -> String {
        let (l, c) = super::line_col(self.text, offset);
        format!("{}:{l}:{c}", self.label)
    }

    fn problem(&mut self, offset: usize, msg: String) {
        let at = self.at(offset);
        self.problems.push(format!("{at}: {msg}"));
    }

    fn val(&self, v: &Spanned<DeValue>) -> Option<Val> {
        v.get_ref().as_str().map(|s| Val {
            text: s.to_string(),
            at: self.at(v.span().start),
        })
    }
}

/// Sorted by where they are written, so problems come in file order.
fn entries<'t, 'i>(
    t: &'t DeTable<'i>,
) -> Vec<(
    &'t Spanned<std::borrow::Cow<'i, str>>,
    &'t Spanned<DeValue<'i>>,
)> {
    let mut v: Vec<_> = t.iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

/// The file's settings and the problems in it; a TOML syntax error gives an empty theme (the
/// parent's scopes then apply) and that one problem.
pub fn parse(label: &str, text: &str) -> (RawTheme, Vec<String>) {
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            return (
                RawTheme::default(),
                vec![format!(
                    "{}; the file is skipped",
                    super::toml_error(Path::new(label), text, &e)
                )],
            );
        }
    };
    let mut cx = Ctx {
        label,
        text,
        problems: vec![],
    };
    let mut theme = RawTheme::default();
    for (key, value) in entries(doc.get_ref()) {
        let name: &str = key.get_ref();
        let start = value.span().start;
        match name {
            "inherits" => match cx.val(value) {
                Some(v) => {
                    theme.parent = Some(Parent {
                        name: v.text,
                        at: v.at,
                    })
                }
                None => cx.problem(
                    start,
                    "inherits must be a theme's name or path, in quotes".into(),
                ),
            },
            "syntax" => match cx.val(value) {
                Some(v) if SYNTAX.contains(&v.text.as_str()) => theme.syntax = Some(v),
                v => cx.problem(
                    start,
                    format!(
                        "syntax = {} is not a bundled syntect theme; use one of {}",
                        v.map_or("this".into(), |v| format!("{:?}", v.text)),
                        quoted(SYNTAX)
                    ),
                ),
            },
            "palette" => match value.get_ref().as_table() {
                Some(t) => palette(&mut cx, t, &mut theme),
                None => cx.problem(
                    start,
                    "palette must be a table of colours: [palette] then red = \"#ff0000\"".into(),
                ),
            },
            "colors" => cx.problem(
                key.span().start,
                "[colors] is the old theme format: write scopes instead, \"ui.text\" = \"white\", \
                 \"status.ok\" = \"green\" (see themes/default.toml); the table is skipped"
                    .into(),
            ),
            _ => scope(&mut cx, name, key.span().start, value, &mut theme),
        }
    }
    (theme, cx.problems)
}

fn quoted(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    q.join(", ")
}

fn palette(cx: &mut Ctx, t: &DeTable, theme: &mut RawTheme) {
    for (key, value) in entries(t) {
        let name: &str = key.get_ref();
        match value.get_ref().as_str().map(|s| (s, color::parse(s))) {
            Some((_, Some(c))) => theme.palette.push((name.to_string(), c)),
            Some((s, None)) => cx.problem(
                value.span().start,
                format!(
                    "palette colour {name} = {s:?} is not a colour; a palette colour is one of \
                     {} or \"#rrggbb\"",
                    color::names()
                ),
            ),
            None => cx.problem(
                value.span().start,
                format!("palette colour {name} must be a colour in quotes"),
            ),
        }
    }
}

/// One scope (or a table of them), `name` the dotted scope it is under.
fn scope(cx: &mut Ctx, name: &str, key_at: usize, value: &Spanned<DeValue>, theme: &mut RawTheme) {
    let known = |cx: &mut Ctx| {
        let ok = SCOPES.contains(&name);
        if !ok {
            cx.problem(
                key_at,
                format!("unknown scope {name:?}; scopes: {}", SCOPES.join(", ")),
            );
        }
        ok
    };
    let v = value.get_ref();
    if let Some(s) = cx.val(value) {
        if known(cx) {
            let style = RawStyle {
                fg: Some(s),
                ..Default::default()
            };
            theme
                .scopes
                .push((name.to_string(), RawScope::Style(style)));
        }
    } else if let Some(t) = v.as_table() {
        // A table is a style when it is a scope's or says fg/bg/modifiers ({ colour = "red" }
        // under ui.accent is a mistake in a style, not a scope "ui.accent.colour").
        let is_style = SCOPES.contains(&name)
            || ["fg", "bg", "modifiers"]
                .iter()
                .any(|k| t.get(*k).is_some());
        if !is_style {
            for (k, child) in entries(t) {
                let child_name = format!("{name}.{}", k.get_ref());
                scope(cx, &child_name, k.span().start, child, theme);
            }
            return;
        }
        if known(cx) {
            let style = style(cx, name, t);
            theme
                .scopes
                .push((name.to_string(), RawScope::Style(style)));
        }
    } else if let Some(items) = v.as_array() {
        if !known(cx) {
            return;
        }
        if !LISTS.contains(&name) {
            cx.problem(
                value.span().start,
                format!("{name} is one colour or a style, not a list"),
            );
            return;
        }
        let mut list = vec![];
        for item in items {
            match cx.val(item) {
                Some(v) => list.push(v),
                None => cx.problem(
                    item.span().start,
                    format!("{name} is a list of colours in quotes"),
                ),
            }
        }
        theme.scopes.push((name.to_string(), RawScope::List(list)));
    } else if known(cx) {
        cx.problem(
            value.span().start,
            format!(
                "{name} must be a colour in quotes, or a style {{ fg = \"...\", bg = \"...\", \
                 modifiers = [\"bold\"] }}"
            ),
        );
    }
}

fn style(cx: &mut Ctx, name: &str, t: &DeTable) -> RawStyle {
    let mut style = RawStyle::default();
    let before = cx.problems.len();
    for (key, value) in entries(t) {
        let k: &str = key.get_ref();
        match k {
            "fg" | "bg" => match cx.val(value) {
                Some(v) if k == "fg" => style.fg = Some(v),
                Some(v) => style.bg = Some(v),
                None => cx.problem(
                    value.span().start,
                    format!("{name}.{k} must be a colour in quotes"),
                ),
            },
            "modifiers" => {
                let names: Vec<&str> = color::MODIFIERS.iter().map(|(n, _)| *n).collect();
                let Some(items) = value.get_ref().as_array() else {
                    cx.problem(
                        value.span().start,
                        format!("{name}.modifiers must be a list such as [\"bold\"]"),
                    );
                    continue;
                };
                for item in items {
                    match item.get_ref().as_str().and_then(color::modifier) {
                        Some(m) => style.modifiers |= m,
                        None => cx.problem(
                            item.span().start,
                            format!(
                                "{} is not a modifier; modifiers: {}",
                                item.get_ref()
                                    .as_str()
                                    .map_or("this".to_string(), |s| format!("{s:?}")),
                                names.join(", ")
                            ),
                        ),
                    }
                }
            }
            _ => cx.problem(
                key.span().start,
                format!(
                    "unknown key {k:?} in the style of {name}; a style has fg, bg and modifiers"
                ),
            ),
        }
    }
    style.broken = cx.problems.len() > before;
    style
}
