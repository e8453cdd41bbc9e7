//! Real kubectl's `auth can-i` (SelfSubjectAccessReview, sent as protobuf) and `auth can-i
//! --list` (SelfSubjectRulesReview) agree with the simulator's 403 faults, and `kubectl
//! explain` reads the OpenAPI v3 documents.

mod common;

use common::kubectl::Kubectl;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn can_i_follows_the_forbidding_faults() {
    let sim = common::mlops(1.0).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    assert_eq!(k.ok(&["auth", "can-i", "list", "pods"]).await.trim(), "yes");
    assert_eq!(
        k.ok(&[
            "auth",
            "can-i",
            "get",
            "pods",
            "--subresource=log",
            "-n",
            "argowf"
        ])
        .await
        .trim(),
        "yes"
    );

    sim.state().faults.set_forbidden_verb("list", "pods", true);
    let (ok, out, _) = k.run(&["auth", "can-i", "list", "pods"]).await;
    assert!(!ok, "kubectl exits 1 for no");
    assert_eq!(out.trim(), "no");
    assert_eq!(k.ok(&["auth", "can-i", "get", "pods"]).await.trim(), "yes");
    // The server's own answer agrees with the review.
    let (ok, _, err) = k.run(&["get", "pods", "-n", "argowf"]).await;
    assert!(!ok);
    assert!(err.contains("cannot list resource \"pods\""), "{err}");
    let rules = k.ok(&["auth", "can-i", "--list"]).await;
    assert!(!rules.contains("*.*"), "{rules}");
    assert!(
        rules
            .lines()
            .any(|l| l.starts_with("pods ") && l.contains("[create get watch delete]")),
        "{rules}"
    );

    sim.state().faults.set_forbidden_verb("list", "pods", false);
    sim.state().faults.set_forbidden("pods/log", true);
    let (ok, out, _) = k
        .run(&["auth", "can-i", "get", "pods", "--subresource=log"])
        .await;
    assert!(!ok);
    assert_eq!(out.trim(), "no");
    assert_eq!(k.ok(&["auth", "can-i", "list", "pods"]).await.trim(), "yes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_prints_kinds_and_nested_fields() {
    let sim = common::mlops(1.0).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let pod = k.ok(&["explain", "pod"]).await;
    assert!(pod.contains("KIND:       Pod"), "{pod}");
    assert!(pod.contains("VERSION:    v1"), "{pod}");
    for field in ["apiVersion", "kind", "metadata", "spec", "status"] {
        assert!(pod.contains(&format!("  {field}\t<")), "{field}: {pod}");
    }
    let containers = k.ok(&["explain", "pod.spec.containers"]).await;
    assert!(
        containers.contains("FIELD: containers <[]Container>"),
        "{containers}"
    );
    for field in [
        "image\t<string>",
        "ports\t<[]ContainerPort>",
        "name\t<string> -required-",
    ] {
        assert!(containers.contains(field), "{field}: {containers}");
    }
    let svc = k.ok(&["explain", "service.spec.ports"]).await;
    assert!(svc.contains("targetPort"), "{svc}");
    let (ok, _, err) = k.run(&["explain", "pod.spec.nothing"]).await;
    assert!(!ok);
    assert!(err.contains("field \"nothing\" does not exist"), "{err}");
}
