use crate::logs::sanitize::{Clean, Colour, Sgr, clean};

fn text(b: &[u8]) -> String {
    clean(b, false).text
}

#[test]
fn plain_ascii_is_unchanged() {
    assert_eq!(text(b"hello world 123"), "hello world 123");
    assert_eq!(clean(b"", true), Clean::default());
}

#[test]
fn csi_cursor_moves_are_removed() {
    assert_eq!(text(b"a\x1b[2J\x1b[H\x1b[10;20Hb\x1b[3Ac\x1b[?25l"), "abc");
    // Erase line, scroll region, private modes.
    assert_eq!(text(b"x\x1b[K\x1b[1;24r\x1b[?1049hy"), "xy");
}

#[test]
fn osc_title_is_removed() {
    assert_eq!(text(b"a\x1b]0;pwned\x07b"), "ab");
    assert_eq!(text(b"a\x1b]2;pwned\x1b\\b"), "ab");
    // 8-bit ST as UTF-8.
    assert_eq!(text("a\x1b]2;t\u{9c}b".as_bytes()), "ab");
}

#[test]
fn osc_52_clipboard_write_is_removed() {
    assert_eq!(
        text(b"before\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07after"),
        "beforeafter"
    );
}

#[test]
fn osc_8_link_keeps_its_text() {
    assert_eq!(
        text(b"see \x1b]8;;https://evil.example/\x1b\\the docs\x1b]8;;\x1b\\ now"),
        "see the docs now"
    );
}

#[test]
fn unterminated_osc_swallows_the_rest() {
    assert_eq!(text(b"ok\x1b]0;never ends"), "ok");
    assert_eq!(text(b"ok\x1bPq#0;2;0;0;0"), "ok");
}

#[test]
fn esc_inside_osc_aborts_it() {
    // Terminals abort the string at ESC and start the new sequence.
    assert_eq!(text(b"a\x1b]0;t\x1b[31mb"), "ab");
}

#[test]
fn dcs_sos_pm_apc_are_removed() {
    assert_eq!(text(b"a\x1bP1$r0m\x1b\\b"), "ab");
    assert_eq!(text(b"a\x1bXsos\x1b\\b"), "ab");
    assert_eq!(text(b"a\x1b^pm\x1b\\b"), "ab");
    assert_eq!(text(b"a\x1b_Gf=100;AAAA\x1b\\b"), "ab");
}

#[test]
fn eight_bit_csi_is_removed() {
    assert_eq!(text("a\u{9b}31mb\u{9b}2Jc".as_bytes()), "abc");
}

#[test]
fn c1_controls_are_replaced() {
    assert_eq!(text("a\u{85}b\u{9d}c".as_bytes()), "a\u{FFFD}b\u{FFFD}c");
}

#[test]
fn lone_esc() {
    assert_eq!(text(b"abc\x1b"), "abc");
    // Before a control it starts nothing; both show as replacements.
    assert_eq!(text(b"a\x1b\x07b"), "a\u{FFFD}\u{FFFD}b");
}

#[test]
fn two_byte_and_charset_escapes_are_removed() {
    assert_eq!(text(b"a\x1b7b\x1b8c\x1bcd\x1b(Be"), "abcde");
}

#[test]
fn bel_backspace_nul_del_become_replacements() {
    assert_eq!(text(b"a\x07b"), "a\u{FFFD}b");
    assert_eq!(text(b"abc\x08\x08x"), "abc\u{FFFD}\u{FFFD}x");
    assert_eq!(text(b"a\x00b\x7fc"), "a\u{FFFD}b\u{FFFD}c");
}

#[test]
fn crlf_and_cr() {
    assert_eq!(text(b"line\r\n"), "line");
    assert_eq!(text(b"line\r"), "line");
    // A CR inside would return the cursor and overwrite: replaced.
    assert_eq!(text(b"safe\rEVIL"), "safe\u{FFFD}EVIL");
    assert_eq!(text(b"a\nb"), "a\u{FFFD}b");
}

#[test]
fn tabs_expand_to_multiples_of_eight_chars() {
    assert_eq!(text(b"\tx"), "        x");
    assert_eq!(text(b"ab\tc"), "ab      c");
    assert_eq!(text(b"12345678\tx"), "12345678        x");
    // Columns count chars, not bytes.
    assert_eq!(text("é\tx".as_bytes()), "é       x");
    // Removed escapes take no column.
    assert_eq!(text(b"\x1b[31mab\x1b[0m\tc"), "ab      c");
}

#[test]
fn bidi_and_format_characters_are_replaced() {
    for c in [
        '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200B}', '\u{200F}', '\u{FEFF}',
    ] {
        let s = format!("a{c}b");
        assert_eq!(text(s.as_bytes()), "a\u{FFFD}b", "U+{:04X}", c as u32);
    }
    assert_eq!(text("naïve-ß-名前 ✓".as_bytes()), "naïve-ß-名前 ✓");
}

#[test]
fn invalid_utf8_is_decoded_lossily() {
    assert_eq!(text(b"a\xffb\xc3(c"), "a\u{FFFD}b\u{FFFD}(c");
    // Inside a CSI an invalid byte aborts it and shows.
    assert_eq!(text(b"a\x1b[3\xff1mb"), "a\u{FFFD}1mb");
}

#[test]
fn sgr_dropped_without_keep() {
    let c = clean(b"\x1b[1;31merror\x1b[0m done", false);
    assert_eq!(c.text, "error done");
    assert!(c.styles.is_empty());
}

#[test]
fn sgr_kept_as_styles_with_byte_ranges() {
    let c = clean(b"\x1b[1;31merror\x1b[0m: \x1b[4m\xc3\xa9\x1b[24m x", true);
    assert_eq!(c.text, "error: é x");
    let red_bold = Sgr {
        fg: Some(Colour::Indexed(1)),
        bold: true,
        ..Sgr::default()
    };
    let under = Sgr {
        underline: true,
        ..Sgr::default()
    };
    assert_eq!(c.styles, vec![(0, 5, red_bold), (7, 9, under)]);
}

#[test]
fn sgr_colours_and_partial_resets() {
    let c = clean(
        b"\x1b[38;5;208;48;2;1;2;3ma\x1b[39mb\x1b[92;101mc\x1b[49;3md\x1b[23;2;7me\x1b[22;27mf\x1b[mg",
        true,
    );
    assert_eq!(c.text, "abcdefg");
    let s = |fg, bg| Sgr {
        fg,
        bg,
        ..Sgr::default()
    };
    let rgb = Some(Colour::Rgb(1, 2, 3));
    assert_eq!(
        c.styles,
        vec![
            (0, 1, s(Some(Colour::Indexed(208)), rgb)),
            (1, 2, s(None, rgb)),
            (2, 3, s(Some(Colour::Indexed(10)), Some(Colour::Indexed(9)))),
            (
                3,
                4,
                Sgr {
                    italic: true,
                    ..s(Some(Colour::Indexed(10)), None)
                }
            ),
            (
                4,
                5,
                Sgr {
                    dim: true,
                    reverse: true,
                    ..s(Some(Colour::Indexed(10)), None)
                }
            ),
            (5, 6, s(Some(Colour::Indexed(10)), None)),
        ]
    );
}

#[test]
fn sgr_colon_forms_and_same_style_do_not_split() {
    let c = clean(b"\x1b[38:2::9:8:7ma\x1b[38:2::9:8:7mb\x1b[0m", true);
    assert_eq!(c.styles.len(), 1);
    assert_eq!(c.styles[0].0..c.styles[0].1, 0..2);
    assert_eq!(c.styles[0].2.fg, Some(Colour::Rgb(9, 8, 7)));
    // Out-of-range or truncated extended colours are ignored, not wrapped.
    let c = clean(b"\x1b[38;5;300ma\x1b[38;2;1mb", true);
    assert!(c.styles.is_empty());
}

#[test]
fn private_csi_m_is_not_sgr() {
    // `CSI > 4 ; 1 m` sets a keyboard mode, not a colour.
    let c = clean(b"\x1b[>4;1ma", true);
    assert_eq!(c.text, "a");
    assert!(c.styles.is_empty());
}

#[test]
fn a_megabyte_line_is_kept_whole() {
    // 17 chars then a tab to column 24: every unit is 24 chars wide.
    let unit: &[u8] = b"\x1b[31mERROR\x1b[0m \xe2\x80\xae some text\t";
    let shown = "ERROR \u{FFFD} some text       ";
    let mut line = Vec::new();
    while line.len() < 1 << 20 {
        line.extend_from_slice(unit);
    }
    let units = line.len() / unit.len();
    let c = clean(&line, true);
    assert_eq!(c.text, shown.repeat(units));
    assert_eq!(c.styles.len(), units);
    // A 10 MB line of a single escape-free run.
    let big = vec![b'x'; 10 << 20];
    assert_eq!(clean(&big, false).text.len(), 10 << 20);
}
