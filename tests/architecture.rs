//! The layering rules of ../shared/design.md, checked so they cannot rot: core/ (and logs/,
//! doctor/ when they exist) stay pure, and only cluster/ talks to an API server.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn offenders(dir: &str, banned: &[&str]) -> Vec<String> {
    let mut files = vec![];
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir),
        &mut files,
    );
    let mut bad = vec![];
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for b in banned {
                if code.contains(b) {
                    bad.push(format!("{}:{}: uses {b}", f.display(), i + 1));
                }
            }
        }
    }
    bad
}

#[test]
fn pure_layers_use_no_runtime_client_or_terminal() {
    let banned = [
        "tokio",
        "ratatui",
        "crossterm",
        "kube::",
        "hyper",
        "std::net",
        "std::fs",
        "std::process",
    ];
    for dir in ["core", "logs", "doctor"] {
        let bad = offenders(dir, &banned);
        assert!(
            bad.is_empty(),
            "src/{dir} must stay pure:\n{}",
            bad.join("\n")
        );
    }
}

#[test]
fn only_cluster_and_the_simulator_talk_http() {
    for dir in ["ui", "app", "config", "core"] {
        let bad = offenders(
            dir,
            &[
                "kube::Api",
                "Api::<",
                "Client::try_from",
                "hyper::",
                "watcher(",
            ],
        );
        assert!(
            bad.is_empty(),
            "src/{dir} must not call the API server:\n{}",
            bad.join("\n")
        );
    }
}

#[test]
fn drawing_takes_state_by_shared_reference() {
    let mut files = vec![];
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"),
        &mut files,
    );
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            !text.contains("&mut AppState"),
            "{} mutates state while drawing",
            f.display()
        );
    }
}
