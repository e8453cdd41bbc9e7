//! Real kubectl against `mlops`: proof that the simulator speaks Kubernetes. These skip with a
//! printed reason where kubectl is absent, unless KDOC_REQUIRE_KUBECTL is set (CI sets it).

mod common;

use common::kubectl::Kubectl;
use kdoc::sim::scenario::{builtin, load::LoadSpec};
use kdoc::sim::{Sim, SimConfig};

async fn mlops() -> Sim {
    common::start_with(SimConfig {
        scenario: builtin("mlops", &LoadSpec::default()).unwrap(),
        ..SimConfig::default()
    })
    .await
}

/// The whitespace-separated columns of the line that starts with (or contains) `name`.
fn row<'a>(out: &'a str, name: &str) -> Vec<&'a str> {
    out.lines()
        .find(|l| l.split_whitespace().any(|w| w == name))
        .unwrap_or_else(|| panic!("no row for {name} in:\n{out}"))
        .split_whitespace()
        .collect()
}

fn header(out: &str) -> Vec<&str> {
    out.lines()
        .next()
        .unwrap_or("")
        .split("  ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_get_prints_real_columns() {
    let sim = mlops().await;
    let Some(k) = Kubectl::new(&sim) else { return };

    let all = k.ok(&["get", "pods", "-A"]).await;
    assert_eq!(
        header(&all),
        ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    );
    for ns in [
        "argowf",
        "mlflow",
        "user-example-com",
        "private-ai-demo",
        "mlops",
    ] {
        assert!(
            all.lines().any(|l| l.starts_with(&format!("{ns} "))),
            "pods of {ns} in:\n{all}"
        );
    }

    let argowf = k.ok(&["get", "pods", "-n", "argowf"]).await;
    assert_eq!(
        header(&argowf),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    );
    assert_eq!(
        &row(&argowf, "iris-demo-kaniko-2925953904")[1..4],
        ["0/2", "Completed", "0"]
    );
    assert_eq!(
        &row(&argowf, "iris-default-0-classifier-85d56cc6b6-qsjpr")[1..4],
        ["0/2", "ImagePullBackOff", "0"]
    );
    assert_eq!(
        row(&argowf, "iris-default-0-classifier-85d56cc6b6-qsjpr")[4],
        "56m"
    );

    let wide = k.ok(&["get", "pods", "-n", "argowf", "-o", "wide"]).await;
    assert_eq!(&header(&wide)[5..7], ["IP", "NODE"]);

    let wf = k.ok(&["get", "workflows", "-n", "argowf"]).await;
    assert_eq!(&header(&wf)[..3], ["NAME", "STATUS", "AGE"]);
    assert_eq!(row(&wf, "iris-demo")[1], "Succeeded");

    let pr = k
        .ok(&["get", "pipelineruns", "-n", "private-ai-demo"])
        .await;
    assert_eq!(
        header(&pr),
        ["NAME", "SUCCEEDED", "REASON", "STARTTIME", "COMPLETIONTIME"]
    );
    assert_eq!(
        &row(&pr, "mistral-24b-full-8t9qf")[1..3],
        ["False", "Failed"]
    );

    let ev = k.ok(&["get", "events", "-n", "argowf"]).await;
    assert_eq!(
        header(&ev),
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    );
    assert!(ev.contains("failed to fetch anonymous token"), "{ev}");
    assert!(
        ev.contains("pod/iris-default-0-classifier-85d56cc6b6-qsjpr"),
        "{ev}"
    );

    // The runbook's own command: --sort-by needs whole objects in the Table (includeObject=Object).
    let sorted = k
        .ok(&["get", "events", "-n", "argowf", "--sort-by=.lastTimestamp"])
        .await;
    assert!(
        sorted.lines().count() > 3 && sorted.contains("failed to fetch anonymous token"),
        "{sorted}"
    );

    let svc = k.ok(&["get", "svc", "iris-default", "-n", "argowf"]).await;
    assert_eq!(row(&svc, "iris-default")[4], "8000/TCP,5001/TCP");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_logs_and_their_errors() {
    let sim = mlops().await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let main = k
        .ok(&[
            "logs",
            "iris-demo-kaniko-2925953904",
            "-n",
            "argowf",
            "-c",
            "main",
        ])
        .await;
    assert!(
        main.contains("Skipping push to container registry due to --no-push flag"),
        "{main}"
    );

    let tail = k
        .ok(&[
            "logs",
            "iris-demo-kaniko-2925953904",
            "-n",
            "argowf",
            "-c",
            "main",
            "--tail=1",
        ])
        .await;
    assert_eq!(tail.lines().count(), 1);

    let (ok, _, err) = k
        .run(&[
            "logs",
            "iris-demo-kaniko-2925953904",
            "-n",
            "argowf",
            "-c",
            "kaniko",
        ])
        .await;
    assert!(!ok);
    assert!(
        err.contains("container kaniko is not valid for pod iris-demo-kaniko-2925953904"),
        "{err}"
    );

    // kubectl defaults to the annotated default container, `main`, like on a cluster.
    let (ok, out, err) = k
        .run(&["logs", "iris-demo-kaniko-2925953904", "-n", "argowf"])
        .await;
    assert!(ok, "{err}");
    assert!(out.contains("--no-push"), "{out}");

    let (ok, _, err) = k
        .run(&[
            "logs",
            "iris-default-0-classifier-85d56cc6b6-qsjpr",
            "-n",
            "argowf",
            "-c",
            "classifier",
        ])
        .await;
    assert!(!ok);
    assert!(
        err.contains("is waiting to start: trying and failing to pull image"),
        "{err}"
    );

    let (ok, _, err) = k.run(&["logs", "nope", "-n", "argowf"]).await;
    assert!(!ok);
    assert!(err.contains("pods \"nope\" not found"), "{err}");
}
