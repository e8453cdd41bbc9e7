use crate::logs::buffer::{LineKind, LogBuffer, Source};

pub fn src(pod: &str) -> Source {
    Source {
        namespace: "ml".into(),
        pod: pod.into(),
        container: "main".into(),
    }
}

fn texts(b: &LogBuffer) -> Vec<String> {
    b.iter().map(|l| l.text.text.clone()).collect()
}

#[test]
fn lines_keep_arrival_order_and_dense_seqs() {
    let mut b = LogBuffer::new(LogBuffer::DEFAULT_CAP);
    let a = b.source(src("a"));
    let c = b.source(src("c"));
    assert_eq!(b.first_seq(), 0);
    assert_eq!(b.next_seq(), 0);
    assert!(b.is_empty());
    assert_eq!(b.push(a, None, b"one", false), 0);
    assert_eq!(b.push(c, None, b"two", false), 1);
    assert_eq!(b.push_marker(a, "container restarted"), 2);
    assert_eq!(texts(&b), ["one", "two", "container restarted"]);
    assert_eq!(b.get(2).unwrap().kind, LineKind::Marker);
    assert_eq!(b.get(1).unwrap().source, c);
    assert_eq!(b.iter().next_back().unwrap().seq, 2);
    assert_eq!(b.len(), 3);
    assert_eq!(b.next_seq(), 3);
}

#[test]
fn sources_are_interned() {
    let mut b = LogBuffer::new(10);
    let a = b.source(src("a"));
    let c = b.source(src("c"));
    assert_ne!(a, c);
    assert_eq!(b.source(src("a")), a);
    assert_eq!(b.sources().len(), 2);
    assert_eq!(b.sources()[c as usize].pod, "c");
}

#[test]
fn the_bound_evicts_oldest_and_counts_drops() {
    let mut b = LogBuffer::new(3);
    let s = b.source(src("a"));
    for i in 0..10 {
        assert_eq!(b.push(s, None, format!("l{i}").as_bytes(), false), i);
    }
    assert_eq!(b.len(), 3);
    assert_eq!(b.cap(), 3);
    assert_eq!(b.dropped(), 7);
    assert_eq!(b.first_seq(), 7);
    assert_eq!(b.next_seq(), 10);
    assert_eq!(texts(&b), ["l7", "l8", "l9"]);
    // Evicted seqs are gone; kept ones are found by seq.
    assert!(b.get(6).is_none());
    assert!(b.get(0).is_none());
    assert_eq!(b.get(7).unwrap().text.text, "l7");
    assert_eq!(b.get(9).unwrap().seq, 9);
    assert!(b.get(10).is_none());
    assert!(b.get(u64::MAX).is_none());
}

#[test]
fn cap_zero_means_one() {
    let mut b = LogBuffer::new(0);
    b.push(0, None, b"a", false);
    b.push(0, None, b"b", false);
    assert_eq!(texts(&b), ["b"]);
    assert_eq!(b.dropped(), 1);
}

#[test]
fn clear_forgets_lines_not_sources_and_seqs_go_on() {
    let mut b = LogBuffer::new(3);
    let s = b.source(src("a"));
    for i in 0..5 {
        b.push(s, None, format!("l{i}").as_bytes(), false);
    }
    b.clear();
    assert!(b.is_empty());
    assert_eq!(b.first_seq(), 5);
    assert_eq!(b.next_seq(), 5);
    assert_eq!(b.dropped(), 2);
    assert!(b.get(4).is_none());
    assert_eq!(b.sources().len(), 1);
    assert_eq!(b.push(s, None, b"after", false), 5);
    assert_eq!(b.get(5).unwrap().text.text, "after");
}

#[test]
fn pushed_lines_are_sanitised_and_markers_too() {
    let mut b = LogBuffer::new(5);
    let ts = "2024-05-01T10:00:00Z".parse().unwrap();
    b.push(0, Some(ts), b"\x1b[31mred\x1b[0m\r\n", true);
    b.push_marker(0, "pod \u{202e}gol deleted\x1b]0;x\x07");
    let l = b.get(0).unwrap();
    assert_eq!(l.ts, Some(ts));
    assert_eq!(l.text.text, "red");
    assert_eq!(l.text.styles.len(), 1);
    assert_eq!(b.get(1).unwrap().text.text, "pod \u{FFFD}gol deleted");
}
