use crate::logs::json::{pretty, summary};

const ZAP: &str = r#"{"level":"error","ts":1714557600.5,"caller":"server/push.go:88","msg":"push failed","image":"ghcr.io/org/model:1","error":"unauthorized: authentication required","attempt":3}"#;
const STRUCTLOG: &str = r#"{"event": "run logged", "level": "info", "timestamp": "2024-05-01T10:00:00.123Z", "run_id": "3f2a", "metrics": {"loss": 0.12}, "note": "two words"}"#;

#[test]
fn pretty_prints_objects_in_written_order() {
    let lines = pretty(STRUCTLOG).unwrap();
    assert_eq!(
        lines,
        [
            "{",
            r#"  "event": "run logged","#,
            r#"  "level": "info","#,
            r#"  "timestamp": "2024-05-01T10:00:00.123Z","#,
            r#"  "run_id": "3f2a","#,
            r#"  "metrics": {"#,
            r#"    "loss": 0.12"#,
            "  },",
            r#"  "note": "two words""#,
            "}",
        ]
    );
    assert_eq!(
        pretty("[1, [], {}]").unwrap(),
        ["[", "  1,", "  [],", "  {}", "]"]
    );
}

#[test]
fn pretty_rejects_non_json_and_scalars() {
    assert!(pretty("INFO starting server").is_none());
    assert!(pretty("{not json").is_none());
    assert!(pretty("42").is_none());
    assert!(pretty(r#""str""#).is_none());
}

#[test]
fn decoded_escapes_are_sanitised_again() {
    let lines = pretty(r#"{"m":"\u001b]0;x\u0007 \u202e \u0085"}"#).unwrap();
    // serde_json re-escapes C0, but not C1 or bidi: those must be replaced.
    assert_eq!(
        lines[1],
        "  \"m\": \"\\u001b]0;x\\u0007 \u{FFFD} \u{FFFD}\""
    );
    let s = summary(r#"{"msg":"a\u202eb\u001bc"}"#).unwrap();
    assert_eq!(s, "a\u{FFFD}b\u{FFFD}c");
}

#[test]
fn summary_of_a_zap_line() {
    assert_eq!(
        summary(ZAP).unwrap(),
        "2024-05-01T10:00:00.5Z ERROR push failed error=\"unauthorized: authentication required\" caller=server/push.go:88 image=ghcr.io/org/model:1 attempt=3"
    );
}

#[test]
fn summary_of_a_structlog_line() {
    assert_eq!(
        summary(STRUCTLOG).unwrap(),
        "2024-05-01T10:00:00.123Z INFO run logged run_id=3f2a metrics={\"loss\":0.12} note=\"two words\""
    );
}

#[test]
fn summary_needs_an_object() {
    assert!(summary("[1,2]").is_none());
    assert!(summary("plain text").is_none());
    assert_eq!(summary(r#"{"a":1}"#).unwrap(), "a=1");
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    assert!(pretty(&deep).is_none());
}
