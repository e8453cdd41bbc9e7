//! Timestamps as the apiserver writes them.

use jiff::{SignedDuration, Timestamp};

/// `metav1.Time`: RFC 3339 with whole seconds, UTC.
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `RFC3339Nano` as the kubelet prefixes log lines with `timestamps=true` (trailing zeros dropped).
pub fn rfc3339_nano(t: Timestamp) -> String {
    t.to_string()
}

/// A moment `secs` seconds from `base` (negative: in the past).
pub fn offset(base: Timestamp, secs: i64) -> Timestamp {
    base.checked_add(SignedDuration::from_secs(secs))
        .unwrap_or(base)
}

/// Parse a timestamp from an object or a query (`sinceTime`), RFC 3339.
pub fn parse(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}
