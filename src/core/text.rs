//! Untrusted text (names, messages, log lines) made safe for a terminal: control characters,
//! escape sequences and invisible direction/format characters never reach it.
//!
//! Row models hold [`Safe`] for everything that came from a cluster, a file or a user, so the
//! drawing code can only be handed text that was sanitised once, where the row was built.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// Characters that reorder or hide text without being control characters: bidi embeddings and
/// overrides (U+202A..U+202E), isolates (U+2066..U+2069), zero-width and direction marks
/// (U+200B..U+200F) and the BOM (U+FEFF). They let a name display as something else.
fn is_format(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}')
}

fn unsafe_char(c: char) -> bool {
    c.is_control() || is_format(c)
}

/// Replace every control character (ESC, CR, BEL, C1 controls, ...) and every bidi/format
/// character with U+FFFD, and tabs with a space, so cluster-supplied text cannot move the
/// cursor, change colours or reorder what is shown.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    // Most names are printable ASCII: a byte scan settles them without decoding.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c == '\t' {
                    ' '
                } else if unsafe_char(c) {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// Text that has been through [`sanitize`]: safe to draw as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Safe(String);

impl Safe {
    pub fn new(s: &str) -> Safe {
        Safe(sanitize(s).into_owned())
    }

    /// Text written by kdoc itself (labels, numbers): nothing to clean, but checked anyway so
    /// the type never lies.
    pub fn from_string(s: String) -> Safe {
        match sanitize(&s) {
            Cow::Borrowed(_) => Safe(s),
            Cow::Owned(o) => Safe(o),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl Deref for Safe {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Safe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Safe {
    fn from(s: &str) -> Safe {
        Safe::new(s)
    }
}

impl From<String> for Safe {
    fn from(s: String) -> Safe {
        Safe::from_string(s)
    }
}

impl From<&String> for Safe {
    fn from(s: &String) -> Safe {
        Safe::new(s)
    }
}

impl PartialEq<str> for Safe {
    fn eq(&self, o: &str) -> bool {
        self.0 == o
    }
}

impl PartialEq<&str> for Safe {
    fn eq(&self, o: &&str) -> bool {
        self.0 == *o
    }
}

impl PartialEq<String> for Safe {
    fn eq(&self, o: &String) -> bool {
        &self.0 == o
    }
}

impl PartialEq<Safe> for &str {
    fn eq(&self, o: &Safe) -> bool {
        *self == o.0
    }
}

impl PartialEq<Safe> for str {
    fn eq(&self, o: &Safe) -> bool {
        self == o.0
    }
}

impl AsRef<str> for Safe {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Cut `s` to at most `width` characters, ending in `…` when something was cut: a value is never
/// shortened without saying so.
pub fn ellipsis(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// Shorten from the middle: pod names differ in their tails (hashes, step names), so keep both
/// ends, e.g. `mistral-24…internal-pod`.
pub fn middle_ellipsis(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width < 3 {
        return ellipsis(s, width);
    }
    let head = (width - 1) / 2;
    let tail = width - 1 - head;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    out
}

/// The longest common prefix of `items`, cut at a character boundary (names come from outside
/// and may share part of a multi-byte character).
pub fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else {
        return String::new();
    };
    let mut end = first.len();
    for s in &items[1..] {
        end = end.min(
            first
                .char_indices()
                .zip(s.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| i + a.len_utf8()),
        );
    }
    first[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes() {
        assert_eq!(sanitize("plain"), "plain");
        assert_eq!(
            sanitize("a\x1b[31mred\x1b[0m"),
            "a\u{FFFD}[31mred\u{FFFD}[0m"
        );
        assert_eq!(sanitize("x\ty\r\n\u{9b}"), "x y\u{FFFD}\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn strips_bidi_and_format_characters() {
        for c in [
            '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200B}', '\u{200F}', '\u{FEFF}',
        ] {
            let s = format!("a{c}b");
            assert_eq!(Safe::new(&s), "a\u{FFFD}b", "U+{:04X}", c as u32);
        }
        // Ordinary non-ASCII text is kept.
        assert_eq!(Safe::new("naïve-ß-名前"), "naïve-ß-名前");
    }

    #[test]
    fn ellipses_say_when_they_cut() {
        assert_eq!(ellipsis("OOMKilled, exit 137 (4m ago)", 10), "OOMKilled…");
        assert_eq!(ellipsis("short", 10), "short");
        assert_eq!(
            middle_ellipsis("mistral-24b-full-8t9qf-push-to-internal-pod", 16),
            "mistral…rnal-pod"
        );
        assert_eq!(middle_ellipsis("abcdef", 2), "a…");
    }

    #[test]
    fn common_prefix_stops_at_a_character_boundary() {
        // "é" (C3 A9) and "ê" (C3 AA) share their first byte.
        let items = vec!["ns café".to_string(), "ns cafê".to_string()];
        assert_eq!(common_prefix(&items), "ns caf");
        let items = vec!["名前a".to_string(), "名前b".to_string()];
        assert_eq!(common_prefix(&items), "名前");
        assert_eq!(common_prefix(&["x".to_string()]), "x");
        assert_eq!(common_prefix(&[]), "");
    }
}
