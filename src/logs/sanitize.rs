//! Log bytes made safe to draw: escape sequences removed (SGR optionally kept as styles),
//! every other control and bidi/format character replaced, tabs expanded, invalid UTF-8
//! decoded lossily. One linear pass; lines are kept whole however long they are.

use std::borrow::Cow;

/// A terminal colour as SGR names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    /// 0..=15 basic and bright, 16..=255 the 256-colour palette.
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// The SGR attributes kdoc keeps; everything else (blink, conceal, fonts) is dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sgr {
    pub fg: Option<Colour>,
    pub bg: Option<Colour>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub reverse: bool,
}

/// A sanitised line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clean {
    /// Safe to draw: no control characters, no escapes, no bidi/format characters.
    pub text: String,
    /// Byte ranges `[start, end)` of `text` with a non-default style, in order, on char
    /// boundaries; empty unless `keep_sgr`.
    pub styles: Vec<(u32, u32, Sgr)>,
}

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
const REPLACEMENT: char = '\u{FFFD}';

/// Sanitise one line of log output. A trailing `\n` and then a trailing `\r` are dropped (the
/// line terminator); see the module docs for the rest.
pub fn clean(bytes: &[u8], keep_sgr: bool) -> Clean {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    // Lossy decoding borrows when the line is valid UTF-8, so the usual line costs one
    // validation pass and no allocation here.
    let s: Cow<'_, str> = String::from_utf8_lossy(bytes);
    let mut w = Writer {
        text: String::with_capacity(s.len()),
        col: 0,
        styles: Vec::new(),
        cur: Sgr::default(),
        start: 0,
    };
    scan(&s, keep_sgr, &mut w);
    w.finish()
}

/// Accumulates the output: text, its column count (for tabs) and style ranges.
struct Writer {
    text: String,
    /// Characters written so far: tabs stop at multiples of 8 of these.
    col: usize,
    styles: Vec<(u32, u32, Sgr)>,
    cur: Sgr,
    /// Byte offset where `cur` began.
    start: usize,
}

impl Writer {
    fn ascii(&mut self, run: &str) {
        self.text.push_str(run);
        self.col += run.len();
    }

    fn ch(&mut self, c: char) {
        self.text.push(c);
        self.col += 1;
    }

    fn tab(&mut self) {
        let n = 8 - self.col % 8;
        for _ in 0..n {
            self.text.push(' ');
        }
        self.col += n;
    }

    fn set_style(&mut self, new: Sgr) {
        if new == self.cur {
            return;
        }
        self.close();
        self.cur = new;
        self.start = self.text.len();
    }

    fn close(&mut self) {
        let end = self.text.len();
        if self.cur != Sgr::default() && end > self.start {
            // Offsets past u32::MAX (a 4 GiB line) lose their style rather than wrap.
            if let (Ok(a), Ok(b)) = (u32::try_from(self.start), u32::try_from(end)) {
                self.styles.push((a, b, self.cur));
            }
        }
    }

    fn finish(mut self) -> Clean {
        self.close();
        Clean {
            text: self.text,
            styles: self.styles,
        }
    }
}

/// Bidi embeddings/overrides/isolates, zero-width and direction marks, the BOM: the same set
/// as `core::text`, so names and log lines are treated alike.
fn is_format(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}')
}

fn printable_ascii(b: u8) -> bool {
    (0x20..0x7f).contains(&b)
}

fn scan(s: &str, keep_sgr: bool, w: &mut Writer) {
    let b = s.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        // Fast path: a run of printable ASCII is copied as it is.
        let run = b[i..]
            .iter()
            .position(|&x| !printable_ascii(x))
            .unwrap_or(n - i);
        if run > 0 {
            w.ascii(&s[i..i + run]);
            i += run;
            continue;
        }
        match b[i] {
            ESC => i = escape(b, i, keep_sgr, w),
            b'\t' => {
                w.tab();
                i += 1;
            }
            x if x < 0x80 => {
                // Every other C0 control and DEL.
                w.ch(REPLACEMENT);
                i += 1;
            }
            _ => {
                // `s` is valid UTF-8 and `i` is at a char boundary (every step ends on one).
                let Some(c) = s.get(i..).and_then(|t| t.chars().next()) else {
                    return;
                };
                let len = c.len_utf8();
                if c == '\u{9b}' {
                    i = csi(b, i + len, keep_sgr, w);
                } else {
                    if c.is_control() || is_format(c) {
                        w.ch(REPLACEMENT);
                    } else {
                        w.ch(c);
                    }
                    i += len;
                }
            }
        }
    }
}

/// At an ESC at `i`: skip the sequence it starts and return where text resumes.
fn escape(b: &[u8], i: usize, keep_sgr: bool, w: &mut Writer) -> usize {
    let Some(&next) = b.get(i + 1) else {
        // A lone ESC at the end is dropped.
        return i + 1;
    };
    match next {
        b'[' => csi(b, i + 2, keep_sgr, w),
        b']' => string(b, i + 2, true),
        b'P' | b'X' | b'^' | b'_' => string(b, i + 2, false),
        0x20..=0x2f => {
            // nF: intermediates then a final byte (ESC ( B selects a charset).
            let mut j = i + 1;
            while j < b.len() && (0x20..=0x2f).contains(&b[j]) {
                j += 1;
            }
            if j < b.len() && (0x30..=0x7e).contains(&b[j]) {
                j + 1
            } else {
                j
            }
        }
        // Two-byte sequences: ESC 7, ESC c (reset), ESC M ...
        0x30..=0x7e => i + 2,
        _ => {
            // ESC before a control or non-ASCII starts nothing: show that something was there.
            w.ch(REPLACEMENT);
            i + 1
        }
    }
}

/// A control sequence whose parameters start at `j`. Aborted (consumed part dropped, scanning
/// resumes at the offending byte) if a byte that cannot be part of it appears.
fn csi(b: &[u8], j: usize, keep_sgr: bool, w: &mut Writer) -> usize {
    let mut k = j;
    while k < b.len() {
        match b[k] {
            0x20..=0x3f => k += 1,
            0x40..=0x7e => {
                if keep_sgr && b[k] == b'm' {
                    sgr(&b[j..k], w);
                }
                return k + 1;
            }
            _ => return k,
        }
    }
    k
}

/// OSC (`osc`) or DCS/SOS/PM/APC string starting at `j`: runs to ST (ESC \ or U+009C), or BEL
/// for OSC. An ESC not followed by `\` aborts it and starts a new sequence, as terminals do;
/// unterminated, it swallows the rest of the line.
fn string(b: &[u8], j: usize, osc: bool) -> usize {
    let mut k = j;
    while k < b.len() {
        match b[k] {
            BEL if osc => return k + 1,
            ESC => {
                return if b.get(k + 1) == Some(&b'\\') {
                    k + 2
                } else {
                    k
                };
            }
            0xc2 if b.get(k + 1) == Some(&0x9c) => return k + 2,
            _ => k += 1,
        }
    }
    k
}

/// Apply an SGR parameter string (`1;38;5;208`, `38:2::1:2:3`, empty = reset) to the writer's
/// current style.
fn sgr(params: &[u8], w: &mut Writer) {
    // Private or intermediate bytes (`?`, `<`, `>`, `=`, ' ') mean it is not plain SGR.
    if params
        .iter()
        .any(|&c| !(c.is_ascii_digit() || c == b';' || c == b':'))
    {
        return;
    }
    let mut st = w.cur;
    let mut groups = params.split(|&c| c == b';');
    while let Some(g) = groups.next() {
        if g.contains(&b':') {
            colon_group(g, &mut st);
            continue;
        }
        match num(g) {
            0 => st = Sgr::default(),
            1 => st.bold = true,
            2 => st.dim = true,
            3 => st.italic = true,
            4 => st.underline = true,
            7 => st.reverse = true,
            22 => {
                st.bold = false;
                st.dim = false;
            }
            23 => st.italic = false,
            24 => st.underline = false,
            27 => st.reverse = false,
            n @ 30..=37 => st.fg = Some(Colour::Indexed((n - 30) as u8)),
            38 => st.fg = extended(&mut groups).or(st.fg),
            39 => st.fg = None,
            n @ 40..=47 => st.bg = Some(Colour::Indexed((n - 40) as u8)),
            48 => st.bg = extended(&mut groups).or(st.bg),
            49 => st.bg = None,
            n @ 90..=97 => st.fg = Some(Colour::Indexed((n - 90 + 8) as u8)),
            n @ 100..=107 => st.bg = Some(Colour::Indexed((n - 100 + 8) as u8)),
            _ => {}
        }
    }
    w.set_style(st);
}

/// A decimal parameter; empty is 0, overlong values saturate (and then match nothing).
fn num(g: &[u8]) -> u32 {
    g.iter().fold(0u32, |a, &d| {
        a.saturating_mul(10)
            .saturating_add(u32::from(d.wrapping_sub(b'0')))
    })
}

fn byte(g: Option<&[u8]>) -> Option<u8> {
    g.and_then(|g| u8::try_from(num(g)).ok())
}

/// The rest of `38;5;n` or `38;2;r;g;b`, taken from the following groups.
fn extended<'a>(groups: &mut impl Iterator<Item = &'a [u8]>) -> Option<Colour> {
    match groups.next().map(num) {
        Some(5) => byte(groups.next()).map(Colour::Indexed),
        Some(2) => {
            let (r, g, b) = (
                byte(groups.next()),
                byte(groups.next()),
                byte(groups.next()),
            );
            Some(Colour::Rgb(r?, g?, b?))
        }
        _ => None,
    }
}

/// ITU T.416 colon forms: `38:5:n`, `38:2:r:g:b`, `38:2:cs:r:g:b`, and `4:n` underline styles.
fn colon_group(g: &[u8], st: &mut Sgr) {
    let subs: Vec<&[u8]> = g.split(|&c| c == b':').take(7).collect();
    let colour = || -> Option<Colour> {
        match subs.get(1).map(|s| num(s)) {
            Some(5) => byte(subs.get(2).copied()).map(Colour::Indexed),
            Some(2) => {
                // With a colour-space id there are six parts, without it five.
                let at = if subs.len() >= 6 { 3 } else { 2 };
                let c = |k: usize| byte(subs.get(at + k).copied());
                Some(Colour::Rgb(c(0)?, c(1)?, c(2)?))
            }
            _ => None,
        }
    };
    match subs.first().map(|s| num(s)) {
        Some(38) => st.fg = colour().or(st.fg),
        Some(48) => st.bg = colour().or(st.bg),
        Some(4) => st.underline = subs.get(1).is_none_or(|s| num(s) != 0),
        _ => {}
    }
}
