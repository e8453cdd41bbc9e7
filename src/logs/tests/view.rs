use crate::logs::buffer::LogBuffer;
use crate::logs::query::{Mode, Query};
use crate::logs::view::View;

fn buffer(cap: usize, lines: &[&str]) -> LogBuffer {
    let mut b = LogBuffer::new(cap);
    for l in lines {
        push(&mut b, l);
    }
    b
}

/// `#...` lines are markers.
fn push(b: &mut LogBuffer, l: &str) {
    if let Some(m) = l.strip_prefix('#') {
        b.push_marker(0, m);
    } else {
        b.push(0, None, l.as_bytes(), false);
    }
}

fn view(b: &LogBuffer, q: &str, mode: Mode) -> View {
    let mut v = View::new();
    v.set_query(Some(Query::parse(q).unwrap()), mode);
    assert!(v.scanning(b) || b.is_empty());
    assert!(v.catch_up(b, usize::MAX));
    assert!(!v.scanning(b));
    v
}

/// The texts of the rows shown, via `len` and `row` as the UI reads them.
fn shown(v: &View, b: &LogBuffer) -> Vec<String> {
    (0..v.len(b))
        .map(|i| b.get(v.row(b, i).unwrap()).unwrap().text.text.clone())
        .collect()
}

const LINES: &[&str] = &[
    "0 start",
    "1 ok",
    "2 ERROR disk",
    "3 ok",
    "4 ok",
    "5 ok",
    "6 error net",
    "7 ok",
    "8 ok",
];

#[test]
fn no_query_shows_every_line() {
    let b = buffer(100, LINES);
    let mut v = View::new();
    assert!(!v.scanning(&b));
    assert!(v.catch_up(&b, 0));
    assert_eq!(v.len(&b), 9);
    assert_eq!(v.row(&b, 3), Some(3));
    assert_eq!(v.row(&b, 9), None);
    assert_eq!(v.index_of(&b, 4), Some(4));
    assert_eq!(v.index_of(&b, 9), None);
    assert_eq!(v.matches(), 0);
}

#[test]
fn filter_shows_only_matches_find_shows_all_and_counts() {
    let b = buffer(100, LINES);
    let f = view(&b, "error", Mode::Filter);
    assert_eq!(shown(&f, &b), ["2 ERROR disk", "6 error net"]);
    assert_eq!(f.matches(), 2);
    assert_eq!(f.index_of(&b, 3), Some(1));
    assert_eq!(f.index_of(&b, 7), None);
    let d = view(&b, "error", Mode::Find);
    assert_eq!(d.len(&b), 9);
    assert_eq!(d.matches(), 2);
    assert!(d.is_match(2) && d.is_match(6) && !d.is_match(3));
    assert_eq!(d.mode(), Mode::Find);
    assert_eq!(d.query().unwrap().text, "error");
}

#[test]
fn exclude_only_and_include_plus_exclude() {
    let b = buffer(100, LINES);
    let v = view(&b, "!ok", Mode::Filter);
    assert_eq!(shown(&v, &b), ["0 start", "2 ERROR disk", "6 error net"]);
    let v = view(&b, "error !net", Mode::Filter);
    assert_eq!(shown(&v, &b), ["2 ERROR disk"]);
}

#[test]
fn next_and_prev_match() {
    let b = buffer(100, LINES);
    let v = view(&b, "error", Mode::Find);
    assert_eq!(v.next_match(0), Some(2));
    assert_eq!(v.next_match(2), Some(6));
    assert_eq!(v.next_match(6), None);
    assert_eq!(v.prev_match(6), Some(2));
    assert_eq!(v.prev_match(100), Some(6));
    assert_eq!(v.prev_match(2), None);
}

#[test]
fn before_and_after_context() {
    let b = buffer(100, LINES);
    let v = view(&b, "-B 1 -A 1 error", Mode::Filter);
    assert_eq!(
        shown(&v, &b),
        [
            "1 ok",
            "2 ERROR disk",
            "3 ok",
            "5 ok",
            "6 error net",
            "7 ok"
        ]
    );
    assert!(v.is_match(2) && !v.is_match(1));
    // Context never reaches before the buffer's start.
    let v = view(&b, "-B 5 start", Mode::Filter);
    assert_eq!(shown(&v, &b), ["0 start"]);
}

#[test]
fn overlapping_contexts_show_each_line_once() {
    let b = buffer(100, LINES);
    let v = view(&b, "-C 3 error", Mode::Filter);
    // 2's after-context (3,4,5) and 6's before-context (3,4,5) overlap.
    assert_eq!(
        shown(&v, &b),
        [
            "0 start",
            "1 ok",
            "2 ERROR disk",
            "3 ok",
            "4 ok",
            "5 ok",
            "6 error net",
            "7 ok",
            "8 ok"
        ]
    );
    let b = buffer(100, &["error a", "error b", "x", "y", "z"]);
    let v = view(&b, "-A 2 error", Mode::Filter);
    assert_eq!(shown(&v, &b), ["error a", "error b", "x", "y"]);
}

#[test]
fn after_context_arriving_later_is_shown() {
    let mut b = buffer(100, &["a", "error now"]);
    let mut v = view(&b, "-A 2 error", Mode::Filter);
    assert_eq!(shown(&v, &b), ["error now"]);
    for l in ["next1", "next2", "next3"] {
        push(&mut b, l);
    }
    assert!(v.scanning(&b));
    assert!(v.catch_up(&b, 100));
    assert_eq!(shown(&v, &b), ["error now", "next1", "next2"]);
}

#[test]
fn markers_are_always_shown_when_filtering() {
    let b = buffer(
        100,
        &["a", "#container main restarted (attempt 2)", "b error", "c"],
    );
    let v = view(&b, "error", Mode::Filter);
    assert_eq!(
        shown(&v, &b),
        ["container main restarted (attempt 2)", "b error"]
    );
    // A marker is not a match, even when its text would be.
    let b = buffer(100, &["#stream ended: error", "x"]);
    let v = view(&b, "error", Mode::Find);
    assert_eq!(v.matches(), 0);
}

#[test]
fn evicted_rows_disappear_from_the_front() {
    let mut b = buffer(4, &["error 0", "ok 1", "error 2", "ok 3"]);
    let mut v = view(&b, "error", Mode::Filter);
    assert_eq!(shown(&v, &b), ["error 0", "error 2"]);
    push(&mut b, "ok 4");
    // Before catch_up the evicted row is already not shown (drawing does not mutate).
    assert_eq!(shown(&v, &b), ["error 2"]);
    assert_eq!(v.index_of(&b, 0), Some(0));
    assert!(v.catch_up(&b, 10));
    assert_eq!(v.matches(), 1);
    push(&mut b, "ok 5");
    push(&mut b, "ok 6");
    assert!(v.catch_up(&b, 10));
    assert_eq!(v.len(&b), 0);
    assert_eq!(v.matches(), 0);
    assert_eq!(v.row(&b, 0), None);
    // Cleared buffers drop every row.
    push(&mut b, "error 7");
    assert!(v.catch_up(&b, 10));
    assert_eq!(v.len(&b), 1);
    b.clear();
    assert!(v.catch_up(&b, 10));
    assert_eq!(v.len(&b), 0);
    assert_eq!(v.matches(), 0);
}

#[test]
fn lines_evicted_before_being_examined_are_skipped() {
    let mut b = buffer(3, &[]);
    let mut v = View::new();
    v.set_query(Some(Query::parse("e").unwrap()), Mode::Filter);
    for l in ["e0", "e1", "e2", "e3", "e4"] {
        push(&mut b, l);
    }
    assert!(v.catch_up(&b, 100));
    assert_eq!(shown(&v, &b), ["e2", "e3", "e4"]);
}

#[test]
fn small_budgets_give_the_same_result_as_one_big_catch_up() {
    let mut b = LogBuffer::new(500);
    for i in 0..1000u32 {
        let text = match i % 7 {
            0 => format!("{i} ERROR x"),
            3 if i % 5 == 0 => format!("#marker {i}"),
            _ => format!("{i} fine"),
        };
        push(&mut b, &text);
    }
    for q in ["-B 2 -A 3 error", "-C 4 error !9", "!fine", "error"] {
        for mode in [Mode::Filter, Mode::Find] {
            let big = view(&b, q, mode);
            let mut small = View::new();
            small.set_query(Some(Query::parse(q).unwrap()), mode);
            let mut turns = 0;
            while !small.catch_up(&b, 7) {
                assert!(small.scanning(&b));
                turns += 1;
            }
            assert!(turns >= 500 / 7, "{q}");
            assert_eq!(shown(&small, &b), shown(&big, &b), "{q}");
            assert_eq!(small.matches(), big.matches(), "{q}");
            assert_eq!(small.next_match(0), big.next_match(0), "{q}");
        }
    }
}

#[test]
fn set_query_rescans_from_the_start() {
    let b = buffer(100, LINES);
    let mut v = view(&b, "error", Mode::Filter);
    v.set_query(Some(Query::parse("ok").unwrap()), Mode::Filter);
    assert!(v.scanning(&b));
    assert_eq!(v.len(&b), 0);
    v.catch_up(&b, usize::MAX);
    assert_eq!(v.len(&b), 6);
    v.set_query(None, Mode::Filter);
    v.catch_up(&b, 0);
    assert_eq!(v.len(&b), 9);
}
