//! Log engine throughput, one core:
//! 1. 100-byte log lines through `clean` + `LogBuffer::push` (cap 200,000) + a `View` with the
//!    errors preset catching up after each batch;
//! 2. re-filtering 1,000,000 buffered lines with a new query (unlimited budget).
//!
//! `cargo run --release --example logs_bench`

use std::hint::black_box;
use std::time::{Duration, Instant};

use kdoc::logs::{LogBuffer, Mode, Query, Source, View};

/// Realistic lines padded to exactly 100 bytes; about one in eight matches the errors preset.
fn lines(n: usize) -> Vec<Vec<u8>> {
    let templates = [
        "2024-05-01T10:00:{s:02}.{i:06}Z INFO  trainer step={i} loss=0.{l:04} lr=3e-4 gpu=0 tokens/s=51234",
        "I0501 10:00:{s:02}.{i:06}  1 reflector.go:255] Listing and watching *v1.Pod from pkg/client",
        "{{\"level\":\"info\",\"ts\":1714557600.{i},\"caller\":\"serve/http.go:88\",\"msg\":\"request done\"}}",
        "10.0.3.{s} - - [01/May/2024:10:00:{s:02}] \"POST /v2/models/m/infer HTTP/1.1\" 200 {i} 0.031",
        "\x1b[32mINFO\x1b[0m mlflow.tracking: logged metric accuracy=0.{l:04} step={i} run=3f2a9c",
        "2024-05-01T10:00:{s:02}Z DEBUG uploader chunk {i} of 4096 sent to s3://bucket/artifacts/ok",
        "2024-05-01T10:00:{s:02}Z INFO pushed layer sha256:{l:04}ab to ghcr.io/org/model (12 MB)",
        "2024-05-01T10:00:{s:02}Z ERROR upload failed: connection reset by peer, retrying in {l}ms",
    ];
    (0..n)
        .map(|i| {
            let t = templates[i % templates.len()];
            let mut s = t
                .replace("{s:02}", &format!("{:02}", i % 60))
                .replace("{i:06}", &format!("{:06}", i % 1_000_000))
                .replace("{l:04}", &format!("{:04}", (i * 7) % 10_000))
                .replace("{i}", &(i % 100_000).to_string())
                .replace("{s}", &(i % 250).to_string())
                .replace("{l}", &(i % 900).to_string())
                .replace("{{", "{")
                .replace("}}", "}");
            s.truncate(100);
            while s.len() < 100 {
                s.push(' ');
            }
            s.into_bytes()
        })
        .collect()
}

fn preset(name: &str) -> Query {
    Query::parse(&format!("@{name}")).expect("preset compiles")
}

/// `@errors` as the app builds it: the words plus the doctor's error and warning signatures.
fn errors_with_signatures() -> Query {
    let pack = kdoc::doctor::rules::RulePack::builtin();
    let presets = kdoc::logs::Presets::builtin().with_signatures(pack.signatures());
    Query::parse_with("@errors", &presets).expect("the app's @errors compiles")
}

fn ingest(input: &[Vec<u8>], batch: usize, q: &Query) -> (f64, usize) {
    let mut buf = LogBuffer::new(LogBuffer::DEFAULT_CAP);
    let src = buf.source(Source {
        namespace: "ml".into(),
        pod: "trainer-0".into(),
        container: "main".into(),
    });
    let mut view = View::new();
    view.set_query(Some(q.clone()), Mode::Filter);
    let start = Instant::now();
    for chunk in input.chunks(batch) {
        for l in chunk {
            buf.push(src, None, l, false);
        }
        view.catch_up(&buf, usize::MAX);
    }
    let secs = start.elapsed().as_secs_f64();
    black_box(view.len(&buf));
    (input.len() as f64 / secs, view.matches())
}

fn refilter(n: usize, q: &Query) -> (Duration, usize) {
    let input = lines(n);
    let mut buf = LogBuffer::new(n);
    for l in &input {
        buf.push(0, None, l, false);
    }
    drop(input);
    let mut view = View::new();
    view.set_query(Some(preset("push")), Mode::Filter);
    view.catch_up(&buf, usize::MAX);
    // Timed: the user switches to the errors preset.
    let start = Instant::now();
    view.set_query(Some(q.clone()), Mode::Filter);
    let done = view.catch_up(&buf, usize::MAX);
    let t = start.elapsed();
    assert!(done);
    (t, view.len(&buf))
}

fn main() {
    let words = preset("errors");
    let full = errors_with_signatures();
    let n = 2_000_000;
    let input = lines(n);
    assert!(input.iter().all(|l| l.len() == 100));
    for (name, q) in [("errors words", &words), ("@errors + signatures", &full)] {
        for batch in [1_000, 64] {
            let mut best = 0f64;
            let mut matched = 0;
            for _ in 0..3 {
                let (rate, m) = ingest(&input, batch, q);
                best = best.max(rate);
                matched = m;
            }
            println!(
                "ingest: {:.2} M lines/s (100-byte lines, clean + push cap 200,000 + {name} filter, batch {batch}, best of 3; {matched} matches kept)",
                best / 1e6
            );
        }
        let mut best = Duration::MAX;
        let mut rows = 0;
        for _ in 0..3 {
            let (t, r) = refilter(1_000_000, q);
            best = best.min(t);
            rows = r;
        }
        println!(
            "re-filter to {name}: 1,000,000 buffered lines in {:.1} ms ({rows} rows, best of 3)",
            best.as_secs_f64() * 1e3
        );
    }
}
