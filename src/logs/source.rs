//! How a line's source is labelled: a `pod/container` prefix and a stable colour.

use super::buffer::Source;
use crate::core::text::{middle_ellipsis, sanitize};

/// Colours a source can get; the UI maps the index to its theme's palette.
pub const COLOURS: u8 = 12;

/// `pod/container`, sanitised (names come from the cluster) and shortened in the middle to
/// at most `width` characters, since names differ in their tails.
pub fn prefix(s: &Source, width: usize) -> String {
    let full = format!("{}/{}", s.pod, s.container);
    middle_ellipsis(&sanitize(&full), width)
}

/// A colour index in `0..COLOURS`, the same for a source on every run (FNV-1a, not std's
/// randomly seeded hasher), so a container keeps its colour across restarts of kdoc.
pub fn colour(s: &Source) -> u8 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [&s.namespace, &s.pod, &s.container] {
        // The 0xff separator keeps ("ab","c") and ("a","bc") apart; it never occurs in UTF-8.
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    (h % u64::from(COLOURS)) as u8
}
