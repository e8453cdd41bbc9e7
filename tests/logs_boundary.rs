//! src/logs/ is the pure log engine: no runtime, no cluster client, no terminal, no I/O.
//! tests/architecture.rs checks the shared rules; this one is the engine's own, stricter
//! list (any mention of `kube`, not just `kube::`), so the boundary cannot rot.

use std::path::{Path, PathBuf};

const BANNED: &[&str] = &[
    "tokio",
    "kube",
    "k8s_openapi",
    "ratatui",
    "crossterm",
    "std::fs",
    "std::net",
    "std::process",
    "std::io",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Lines of code (comments stripped) that mention a banned name.
fn offenders(files: &[PathBuf]) -> Vec<String> {
    let mut bad = vec![];
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for b in BANNED {
                if code.contains(b) {
                    bad.push(format!("{}:{}: uses {b}", f.display(), i + 1));
                }
            }
        }
    }
    bad
}

#[test]
fn logs_engine_is_pure() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/logs");
    let mut files = vec![];
    rust_files(&dir, &mut files);
    // Guard against passing vacuously (the module moved or the walk broke).
    assert!(
        files.iter().any(|f| f.ends_with("sanitize.rs")) && files.len() >= 6,
        "{files:?}"
    );
    let bad = offenders(&files);
    assert!(
        bad.is_empty(),
        "src/logs must stay pure:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_check_catches_an_offender() {
    let tmp = std::env::temp_dir().join(format!("kdoc-logs-boundary-{}.rs", std::process::id()));
    std::fs::write(
        &tmp,
        "// tokio in a comment is fine\nuse tokio::sync::mpsc;\n",
    )
    .unwrap();
    let bad = offenders(std::slice::from_ref(&tmp));
    std::fs::remove_file(&tmp).ok();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].ends_with(":2: uses tokio"));
}
