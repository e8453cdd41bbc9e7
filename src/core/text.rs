//! Untrusted text (names, messages, log lines) made safe for a terminal: control characters and
//! escape sequences never reach it.

use std::borrow::Cow;

/// Replace every control character (ESC, CR, BEL, C1 controls, ...) with U+FFFD and tabs with a
/// space, so cluster-supplied text cannot move the cursor or change colours.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c == '\t' {
                    ' '
                } else if c.is_control() {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect(),
    )
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
}
