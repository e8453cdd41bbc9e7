//! Colour and modifier names as theme files write them.

use ratatui::style::{Color, Modifier};

/// The terminal's 16 colours by name (ratatui's names), and "reset" for the terminal's own
/// foreground or background. `light-red` and `light_red` are read as `lightred`.
pub const NAMES: &[(&str, Color)] = &[
    ("reset", Color::Reset),
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("darkgray", Color::DarkGray),
    ("lightred", Color::LightRed),
    ("lightgreen", Color::LightGreen),
    ("lightyellow", Color::LightYellow),
    ("lightblue", Color::LightBlue),
    ("lightmagenta", Color::LightMagenta),
    ("lightcyan", Color::LightCyan),
    ("white", Color::White),
];

/// A colour name from [`NAMES`] or `"#rrggbb"`.
pub fn parse(s: &str) -> Option<Color> {
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let v = u32::from_str_radix(hex, 16).ok()?;
        return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    let name: String = s
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    NAMES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// One of the 16 named colours or reset: what a 16-colour terminal shows as meant.
pub fn is_ansi16(c: Color) -> bool {
    NAMES.iter().any(|(_, n)| *n == c)
}

/// Modifier names, as helix writes them.
pub const MODIFIERS: &[(&str, Modifier)] = &[
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("slow_blink", Modifier::SLOW_BLINK),
    ("rapid_blink", Modifier::RAPID_BLINK),
    ("reversed", Modifier::REVERSED),
    ("hidden", Modifier::HIDDEN),
    ("crossed_out", Modifier::CROSSED_OUT),
];

pub fn modifier(s: &str) -> Option<Modifier> {
    MODIFIERS.iter().find(|(n, _)| *n == s).map(|(_, m)| *m)
}

/// The colour names, for messages.
pub fn names() -> String {
    let names: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_hex() {
        assert_eq!(parse("green"), Some(Color::Green));
        assert_eq!(parse("Light-Red"), Some(Color::LightRed));
        assert_eq!(parse("dark_gray"), Some(Color::DarkGray));
        assert_eq!(parse("#264f78"), Some(Color::Rgb(0x26, 0x4f, 0x78)));
        for bad in ["grene", "#12345", "#+12345", "#gggggg", "", "#", "light"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert!(is_ansi16(Color::LightCyan) && is_ansi16(Color::Reset));
        assert!(!is_ansi16(Color::Rgb(1, 2, 3)) && !is_ansi16(Color::Indexed(3)));
        assert_eq!(modifier("reversed"), Some(Modifier::REVERSED));
        assert_eq!(modifier("Bold"), None);
    }
}
