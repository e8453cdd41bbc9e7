use crate::logs::buffer::Source;
use crate::logs::source::{COLOURS, colour, prefix};

fn s(ns: &str, pod: &str, c: &str) -> Source {
    Source {
        namespace: ns.into(),
        pod: pod.into(),
        container: c.into(),
    }
}

#[test]
fn prefix_is_pod_slash_container_shortened_in_the_middle() {
    let x = s("ml", "mistral-24b-full-8t9qf-push", "main");
    assert_eq!(prefix(&x, 100), "mistral-24b-full-8t9qf-push/main");
    let p = prefix(&x, 16);
    assert_eq!(p.chars().count(), 16);
    assert_eq!(p, "mistral…ush/main");
}

#[test]
fn prefix_is_sanitised() {
    let x = s("ml", "evil\x1b]0;t\x07", "\u{202e}c");
    assert_eq!(prefix(&x, 100), "evil\u{FFFD}]0;t\u{FFFD}/\u{FFFD}c");
}

#[test]
fn colour_is_stable_and_spread() {
    let a = s("ml", "trainer-0", "main");
    // Pinned: FNV-1a is fixed, so this never changes between runs or builds.
    assert_eq!(colour(&a), 10);
    let mut seen = [false; COLOURS as usize];
    for i in 0..200 {
        seen[colour(&s("ml", &format!("pod-{i}"), "main")) as usize] = true;
    }
    assert!(seen.iter().all(|&x| x), "{seen:?}");
    // Part boundaries matter.
    assert_ne!(
        (0..50)
            .map(|i| colour(&s("a", &format!("b{i}"), "c")))
            .collect::<Vec<_>>(),
        (0..50)
            .map(|i| colour(&s("ab", &format!("{i}"), "c")))
            .collect::<Vec<_>>()
    );
}
