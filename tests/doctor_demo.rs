//! The doctor on every runbook incident of the demo cluster, in-process: the evidence read
//! from the simulator over real HTTP (`cluster::doctor::collect`), then the checks. Each test
//! names the runbook and what a person reading it concluded.

mod common;

use std::time::Duration;

use kdoc::cluster::doctor::collect;
use kdoc::doctor::rules::RulePack;
use kdoc::doctor::run::run;
use kdoc::doctor::{Act, Finding, Proof, Severity, Subject};
use kdoc::sim::Sim;

const LIMIT: Duration = Duration::from_secs(60);

async fn diagnose(
    sim: &Sim,
    target: &str,
    ns: &str,
    tweak: impl FnOnce(&mut Subject),
) -> Vec<Finding> {
    let mut s = Subject::parse(target, ns).expect("a target");
    tweak(&mut s);
    let ev = common::within(
        LIMIT,
        format!("doctor {target}"),
        collect(common::client(sim), s.clone(), true),
    )
    .await
    .expect("the doctor runs");
    run(&s, &ev, jiff::Timestamp::now(), &RulePack::builtin())
}

fn ids(f: &[Finding]) -> Vec<String> {
    f.iter()
        .map(|f| format!("{} {}", f.id, f.subject))
        .collect()
}

fn find<'a>(f: &'a [Finding], id: &str) -> &'a Finding {
    f.iter()
        .find(|x| x.id == id)
        .unwrap_or_else(|| panic!("no {id} among {:#?}", ids(f)))
}

fn evidence(f: &Finding) -> String {
    f.evidence
        .iter()
        .map(kdoc::doctor::report::proof_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runbook 000: kaniko built the image with `--no-push`, so GHCR never had it and the
/// SeldonDeployment's pod cannot pull it (until the scenario makes the package public).
#[tokio::test]
async fn iris_demo_workflow_never_pushed_its_image() {
    let sim = common::mlops(1.0).await;
    let f = diagnose(&sim, "workflow/iris-demo", "argowf", |_| {}).await;
    let push = find(&f, "log.kaniko-no-push");
    assert_eq!(push.subject, "pod/iris-demo-kaniko-2925953904");
    assert!(
        evidence(push).contains("Skipping push to container registry due to --no-push flag"),
        "{}",
        evidence(push)
    );
    let link = find(&f, "across.image-never-pushed");
    assert_eq!(link.severity, Severity::Error);
    assert!(link.subject.starts_with("pod/iris-default-0-classifier-"));
    assert!(link.title.contains("ghcr.io/jtayl222/iris:latest"));
    assert!(link.fix.iter().any(|l| l.contains("--no-push")));
    assert!(matches!(&link.act, Some(Act::Logs { pod, container, .. })
        if pod == "iris-demo-kaniko-2925953904" && container == "main"));
}

/// Runbook 000: `-c kaniko` on an Argo pod; the step's container is `main`.
#[tokio::test]
async fn kaniko_is_not_a_container_of_the_argo_pod() {
    let sim = common::mlops(1.0).await;
    let f = diagnose(&sim, "pod/iris-demo-kaniko-2925953904", "argowf", |s| {
        s.container = Some("kaniko".into())
    })
    .await;
    let c = find(&f, "container-name.not-found");
    assert_eq!(
        c.title,
        "container kaniko is not valid for pod iris-demo-kaniko-2925953904"
    );
    assert!(evidence(c).contains("[init wait main]"), "{}", evidence(c));
    assert!(
        c.fix
            .contains(&"kubectl logs iris-demo-kaniko-2925953904 -n argowf -c main".to_string())
    );
    assert!(matches!(&c.act, Some(Act::Logs { container, .. }) if container == "main"));
}

/// Runbook 000: port 8080 on iris-default, which only has 8000 (REST) and 5001 (gRPC).
#[tokio::test]
async fn port_8080_is_not_a_port_of_iris_default() {
    let sim = common::mlops(1.0).await;
    let f = diagnose(&sim, "svc/iris-default", "argowf", |s| {
        s.port = Some("8080".into())
    })
    .await;
    let p = find(&f, "port.no-service-port");
    assert_eq!(
        p.title,
        "Service iris-default does not have a service port 8080"
    );
    assert!(
        evidence(p).contains("8000/TCP (http), 5001/TCP (grpc)"),
        "{}",
        evidence(p)
    );
    assert!(p.meaning.contains("Use 8000"), "{}", p.meaning);
    assert!(
        p.fix
            .contains(&"kubectl port-forward svc/iris-default -n argowf 8080:8000".to_string())
    );
    assert!(matches!(
        &p.act,
        Some(Act::PortForward { remote: 8000, .. })
    ));
}

/// Runbook 002: the KServe predictor: no ServingRuntime for sklearn, the storage-initializer's
/// NoCredentialsError, then istio-proxy cannot reach istiod and the model falls back to a dummy.
/// The scenario plays 10 times faster; the doctor is asked again until all four show at once.
#[tokio::test]
async fn kserve_predictor_gets_runbook_002s_diagnosis() {
    let sim = common::mlops(10.0).await;
    let want = [
        "kserve.no-runtime",
        "log.aws-no-credentials",
        "log.istiod-unreachable",
        "log.model-dummy-fallback",
    ];
    let deadline = std::time::Instant::now() + LIMIT;
    let f = loop {
        let f = diagnose(&sim, "isvc/iris-model", "user-example-com", |_| {}).await;
        if want.iter().all(|w| f.iter().any(|x| x.id == *w)) {
            break f;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "after {LIMIT:?} still not all of {want:?}: {:#?}",
            ids(&f)
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let creds = find(&f, "log.aws-no-credentials");
    assert!(
        evidence(creds).contains("NoCredentialsError"),
        "{}",
        evidence(creds)
    );
    assert!(
        matches!(&creds.act, Some(Act::Logs { container, previous: true, .. }) if container == "storage-initializer"),
        "{:?}",
        creds.act
    );
    let rt = find(&f, "kserve.no-runtime");
    assert!(
        rt.title.contains("sklearn") || rt.meaning.contains("sklearn"),
        "{rt:#?}"
    );
}

/// Runbook 003: push-to-internal reads a manifest the build never pushed; register-model is
/// skipped because of it.
#[tokio::test]
async fn tekton_run_fails_on_a_manifest_never_pushed() {
    let sim = common::mlops(1.0).await;
    let f = diagnose(
        &sim,
        "pipelinerun/mistral-24b-full-8t9qf",
        "private-ai-demo",
        |_| {},
    )
    .await;
    let m = f
        .iter()
        .find(|x| x.id == "log.registry-manifest-unknown" && x.subject.contains("push-to-internal"))
        .unwrap_or_else(|| panic!("no manifest unknown on push-to-internal: {:#?}", ids(&f)));
    assert!(evidence(m).contains("manifest unknown"));
    let failed = find(&f, "tekton.task-failed");
    assert!(
        failed.title.contains("push-to-internal") || failed.title.contains("push-to-quay"),
        "{failed:#?}"
    );
    let skipped = find(&f, "tekton.task-skipped");
    assert!(skipped.title.contains("register-model"), "{skipped:#?}");
}

/// Runbooks 001/004: the `mlops` namespace's triage: a crash loop with its previous log, an
/// OOMKilled trainer, a GPU pod that does not fit (`Insufficient cpu`), and a pod waiting for
/// the configmap `iris-src` that does not exist.
#[tokio::test]
async fn mlops_namespace_triage() {
    let sim = common::mlops(1.0).await;
    let f = diagnose(&sim, "ns/mlops", "", |_| {}).await;
    let crash = find(&f, "status.crash-loop");
    assert!(
        crash
            .evidence
            .iter()
            .any(|p| matches!(p, Proof::Log { previous: true, .. })),
        "no previous-log lines: {}",
        evidence(crash)
    );
    find(&f, "status.oom-killed");
    let pending = find(&f, "status.pending");
    assert!(
        evidence(pending).contains("Insufficient cpu")
            || pending.title.contains("Insufficient cpu"),
        "{pending:#?}"
    );
    let mount = find(&f, "status.failed-mount");
    assert!(
        mount.title.contains("iris-src") || evidence(mount).contains("iris-src"),
        "{mount:#?}"
    );
    // Most severe first.
    let sev: Vec<Severity> = f.iter().map(|x| x.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort();
    assert_eq!(sev, sorted);
}

/// RBAC forbids events: the doctor says which read failed and how to check the permission,
/// instead of reporting all clear.
#[tokio::test]
async fn forbidden_events_are_reported_not_silent() {
    let sim = common::mlops(1.0).await;
    sim.state().faults.set_forbidden("events", true);
    let f = diagnose(&sim, "ns/mlops", "", |_| {}).await;
    let u = f
        .iter()
        .find(|x| x.id == "doctor.unreadable" && x.title.contains("events"))
        .unwrap_or_else(|| panic!("no unreadable events: {:#?}", ids(&f)));
    assert_eq!(u.severity, Severity::Warning);
    assert!(evidence(u).contains("forbidden"), "{}", evidence(u));
    assert!(
        u.fix
            .iter()
            .any(|l| l == "kubectl auth can-i list events -n mlops"),
        "{:?}",
        u.fix
    );
}

/// RBAC forbids reading logs (`pods/log`): the crash loop is still diagnosed from its state,
/// and the doctor names the log it could not read and the permission, not "all clear".
#[tokio::test]
async fn forbidden_logs_are_reported_with_the_permission() {
    let sim = common::mlops(1.0).await;
    sim.state().faults.set_forbidden("pods/log", true);
    let f = diagnose(&sim, "ns/mlops", "", |_| {}).await;
    find(&f, "status.crash-loop");
    let u = f
        .iter()
        .find(|x| {
            x.id == "doctor.unreadable" && x.title.contains("previous logs of pod/feature-server-")
        })
        .unwrap_or_else(|| panic!("no unreadable log: {:#?}", ids(&f)));
    assert_eq!(u.severity, Severity::Warning);
    assert!(
        evidence(u).contains(
            "cannot get resource \"pods/log\" in API group \"\" in the namespace \"mlops\""
        ),
        "{}",
        evidence(u)
    );
    assert!(
        u.fix
            .iter()
            .any(|l| l == "kubectl auth can-i get pods/log -n mlops"),
        "{:?}",
        u.fix
    );
}
