//! Ages and durations formatted exactly like kubectl.
//!
//! Ports apimachinery `pkg/util/duration.HumanDuration` and the printers'
//! `translateTimestampSince` (kubernetes `pkg/printers/internalversion/printers.go`).

use jiff::{SignedDuration, Timestamp};

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const NANOS_PER_MINUTE: i64 = 60 * NANOS_PER_SECOND;
const NANOS_PER_HOUR: i64 = 60 * NANOS_PER_MINUTE;

/// Go's zero `time.Time` (0001-01-01T00:00:00Z), which `metav1.Time.IsZero` tests for.
const GO_ZERO_TIME_SECONDS: i64 = -62_135_596_800;

/// `HumanDuration` for a non-negative duration: "59s", "119s", "5m10s", "3h5m", "2d4h", "3y12d"...
pub fn human_duration(d: std::time::Duration) -> String {
    // Go's time.Duration is an i64 of nanoseconds; larger values saturate there too.
    let nanos = i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
    human_duration_nanos(nanos)
}

/// `HumanDuration` for a signed duration, so clock skew is handled as kubectl does:
/// up to ~2s in the future prints "0s", further prints "<invalid>".
pub fn human_duration_signed(d: SignedDuration) -> String {
    human_duration_nanos(clamp_nanos(d.as_nanos()))
}

/// Age of `t` as seen at `now`, like `translateTimestampSince`: "<unknown>" for Go's zero time,
/// otherwise `HumanDuration(now - t)` (which is "<invalid>" for times more than ~2s in the future).
pub fn age_since(t: Timestamp, now: Timestamp) -> String {
    if is_go_zero_time(t) {
        return "<unknown>".to_string();
    }
    human_duration_nanos(clamp_nanos(now.as_nanosecond() - t.as_nanosecond()))
}

/// [`age_since`] for an optional time: a missing timestamp is Go's zero time, i.e. "<unknown>".
pub fn age_since_opt(t: Option<Timestamp>, now: Timestamp) -> String {
    match t {
        Some(t) => age_since(t, now),
        None => "<unknown>".to_string(),
    }
}

/// Whether `t` is Go's zero `time.Time`, which Kubernetes treats as "unset".
pub fn is_go_zero_time(t: Timestamp) -> bool {
    t.as_second() == GO_ZERO_TIME_SECONDS && t.subsec_nanosecond() == 0
}

/// `time.Since` saturates at the bounds of an i64 nanosecond count; mirror that.
fn clamp_nanos(n: i128) -> i64 {
    i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX })
}

/// Line-by-line port of apimachinery `duration.HumanDuration`; Go integer division truncates
/// toward zero, as Rust's does.
fn human_duration_nanos(d: i64) -> String {
    let seconds = d / NANOS_PER_SECOND;
    if seconds < -1 {
        return "<invalid>".to_string();
    } else if seconds < 0 {
        return "0s".to_string();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = d / NANOS_PER_MINUTE;
    if minutes < 10 {
        let s = (d / NANOS_PER_SECOND) % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = d / NANOS_PER_HOUR;
    if hours < 8 {
        let m = (d / NANOS_PER_MINUTE) % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        format!("{hours}h{m}m")
    } else if hours < 48 {
        format!("{hours}h")
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        format!("{}d{}h", hours / 24, h)
    } else if hours < 24 * 365 * 2 {
        format!("{}d", hours / 24)
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        format!("{}y{}d", hours / 24 / 365, dy)
    } else {
        format!("{}y", hours / 24 / 365)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_skew() {
        assert_eq!(
            human_duration_signed(SignedDuration::from_millis(-1500)),
            "0s"
        );
        assert_eq!(
            human_duration_signed(SignedDuration::from_millis(-1999)),
            "0s"
        );
        assert_eq!(
            human_duration_signed(SignedDuration::from_secs(-2)),
            "<invalid>"
        );
    }

    #[test]
    fn go_zero_time_is_unknown() {
        let zero = Timestamp::from_second(GO_ZERO_TIME_SECONDS).unwrap();
        assert_eq!(age_since(zero, Timestamp::UNIX_EPOCH), "<unknown>");
        assert_eq!(age_since_opt(None, Timestamp::UNIX_EPOCH), "<unknown>");
    }

    #[test]
    fn saturates_like_go() {
        // ~292 years is the largest Go duration.
        assert_eq!(
            age_since(Timestamp::MIN, Timestamp::MAX),
            format!("{}y", i64::MAX / NANOS_PER_HOUR / 24 / 365)
        );
    }
}
