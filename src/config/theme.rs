//! Colours by role, loaded from `themes/default.toml` and the user's theme file.

use std::collections::HashMap;
use std::path::Path;

use ratatui::style::Color;
use serde::Deserialize;

use crate::core::pod_status::Health;

pub const DEFAULT: &str = include_str!("../../themes/default.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// The syntect theme (bundled) that highlights YAML in this theme's colours.
    syntax: Option<String>,
    #[serde(default)]
    colors: HashMap<String, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub fg: Color,
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
    /// Name of the bundled syntect theme for YAML (`base16-ocean.dark`, `InspiredGitHub`, ...).
    pub syntax: String,
}

const ROLES: &[&str] = &[
    "fg",
    "bg",
    "title",
    "border",
    "header",
    "selected_bg",
    "selected_fg",
    "dim",
    "ok",
    "pending",
    "warn",
    "failed",
    "completed",
    "error",
    "accent",
];

fn parse_color(s: &str) -> Option<Color> {
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() != 6 {
            return None;
        }
        let v = u32::from_str_radix(hex, 16).ok()?;
        return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    Some(match s.to_ascii_lowercase().as_str() {
        "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" => Color::Gray,
        "darkgray" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    })
}

impl Theme {
    pub fn builtin() -> Theme {
        Theme::parse(Path::new("themes/default.toml"), DEFAULT, None)
            .expect("the built-in theme is valid (tested)")
    }

    /// Parse a theme; roles it leaves out come from `base` (or it must name them all).
    pub fn parse(path: &Path, text: &str, base: Option<&Theme>) -> Result<Theme, String> {
        let file: File = toml::from_str(text).map_err(|e| super::toml_error(path, text, &e))?;
        let mut colors: HashMap<&str, Color> = HashMap::new();
        for (role, value) in &file.colors {
            let Some(r) = ROLES.iter().find(|r| **r == role) else {
                let (l, c) = super::locate(text, role);
                return Err(format!(
                    "{}:{l}:{c}: unknown colour role {role:?}; roles: {}",
                    path.display(),
                    ROLES.join(", ")
                ));
            };
            let color = parse_color(value).ok_or_else(|| {
                let (l, c) = super::locate(text, role);
                format!(
                    "{}:{l}:{c}: {value:?} is not a colour; use a name like green or \"#rrggbb\"",
                    path.display()
                )
            })?;
            colors.insert(r, color);
        }
        let get = |role: &str, fallback: Option<Color>| -> Result<Color, String> {
            colors
                .get(role)
                .copied()
                .or(fallback)
                .ok_or_else(|| format!("{}: colour role {role:?} is missing", path.display()))
        };
        let b = base;
        Ok(Theme {
            fg: get("fg", b.map(|t| t.fg))?,
            bg: get("bg", b.map(|t| t.bg))?,
            title: get("title", b.map(|t| t.title))?,
            border: get("border", b.map(|t| t.border))?,
            header: get("header", b.map(|t| t.header))?,
            selected_bg: get("selected_bg", b.map(|t| t.selected_bg))?,
            selected_fg: get("selected_fg", b.map(|t| t.selected_fg))?,
            dim: get("dim", b.map(|t| t.dim))?,
            ok: get("ok", b.map(|t| t.ok))?,
            pending: get("pending", b.map(|t| t.pending))?,
            warn: get("warn", b.map(|t| t.warn))?,
            failed: get("failed", b.map(|t| t.failed))?,
            completed: get("completed", b.map(|t| t.completed))?,
            error: get("error", b.map(|t| t.error))?,
            accent: get("accent", b.map(|t| t.accent))?,
            syntax: match (file.syntax, b) {
                (Some(s), _) => s,
                (None, Some(b)) => b.syntax.clone(),
                (None, None) => "base16-ocean.dark".into(),
            },
        })
    }

    pub fn load_over(path: &Path, base: &Theme) -> Result<Theme, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read theme: {e}", path.display()))?;
        Theme::parse(path, &text, Some(base))
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_and_overrides() {
        let base = Theme::builtin();
        assert_eq!(base.ok, Color::Green);
        let t = Theme::parse(
            Path::new("t.toml"),
            "[colors]\nok = \"#00ff00\"\n",
            Some(&base),
        )
        .unwrap();
        assert_eq!(t.ok, Color::Rgb(0, 255, 0));
        assert_eq!(t.failed, base.failed);
        let e = Theme::parse(
            Path::new("t.toml"),
            "[colors]\nok = \"grene\"\n",
            Some(&base),
        )
        .unwrap_err();
        assert!(
            e.starts_with("t.toml:2:1: \"grene\" is not a colour"),
            "{e}"
        );
        let e = Theme::parse(
            Path::new("t.toml"),
            "[colors]\nokay = \"green\"\n",
            Some(&base),
        )
        .unwrap_err();
        assert!(e.contains("unknown colour role \"okay\""), "{e}");
        assert!(
            Theme::parse(Path::new("t.toml"), "[colors]\nok = \"green\"\n", None)
                .unwrap_err()
                .contains("missing")
        );
    }
}
