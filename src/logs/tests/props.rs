//! For any bytes, the sanitiser's output is safe to draw and its styles are well-formed.

use proptest::prelude::*;

use crate::logs::sanitize::clean;

fn is_format(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}')
}

/// Pieces that make escape-heavy input: introducers, terminators, parameters, C1 in UTF-8,
/// bidi characters, invalid UTF-8 and plain text.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"\x1b".to_vec()),
        Just(b"\x1b[".to_vec()),
        Just(b"\x1b]".to_vec()),
        Just(b"\x1bP".to_vec()),
        Just(b"\x1b_".to_vec()),
        Just(b"\x1b\\".to_vec()),
        Just(b"\x1b(".to_vec()),
        Just("\u{9b}".as_bytes().to_vec()),
        Just("\u{9c}".as_bytes().to_vec()),
        Just("\u{85}".as_bytes().to_vec()),
        Just("\u{202e}".as_bytes().to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        Just(b"\x9b".to_vec()),
        Just(b"\x9c".to_vec()),
        Just(b"\xc2".to_vec()),
        Just(b"\xe2\x80".to_vec()),
        Just(b"\x07".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\x08".to_vec()),
        Just(b"\x00".to_vec()),
        Just(b"\x7f".to_vec()),
        Just(b";".to_vec()),
        Just(b":".to_vec()),
        Just(b"m".to_vec()),
        Just(b"38;5;".to_vec()),
        Just(b"48;2;".to_vec()),
        "[0-9]{1,4}".prop_map(String::into_bytes),
        "[a-zé名 ]{1,6}".prop_map(String::into_bytes),
        any::<u8>().prop_map(|b| vec![b]),
    ]
}

fn escape_heavy() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

fn check(bytes: &[u8]) {
    for keep in [false, true] {
        let c = clean(bytes, keep);
        for ch in c.text.chars() {
            assert!(
                !ch.is_control() && !is_format(ch),
                "U+{:04X} in {:?} from {bytes:?}",
                ch as u32,
                c.text
            );
        }
        if !keep {
            assert!(c.styles.is_empty());
        }
        let mut prev_end = 0;
        for &(a, b, _) in &c.styles {
            let (a, b) = (a as usize, b as usize);
            assert!(a < b && b <= c.text.len(), "{a}..{b} of {}", c.text.len());
            assert!(a >= prev_end, "styles overlap or are out of order");
            assert!(c.text.is_char_boundary(a) && c.text.is_char_boundary(b));
            prev_end = b;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_come_out_safe(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check(&bytes);
    }

    #[test]
    fn escape_heavy_bytes_come_out_safe(bytes in escape_heavy()) {
        check(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Whatever is typed into the filter line, parsing answers (Ok or a one-line error).
    #[test]
    fn any_query_text_parses_or_errs_on_one_line(text in "(-[ABC] ?[0-9]{0,3} )?[-!a-z()\\[\\]{}|*+? ]{0,20}") {
        if let Err(e) = crate::logs::query::Query::parse(&text) {
            prop_assert!(!e.contains('\n'), "{}", e);
        }
    }

    /// JSON helpers never panic and never return unsafe characters.
    #[test]
    fn json_helpers_are_total_and_safe(text in "[{\\[\"a-z:,0-9\\\\u \\]}]{0,40}") {
        let lines = crate::logs::json::pretty(&text).unwrap_or_default();
        let all = lines.into_iter().chain(crate::logs::json::summary(&text));
        for l in all {
            prop_assert!(!l.chars().any(|c| c.is_control() || is_format(c)));
        }
    }
}
