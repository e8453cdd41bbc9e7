//! The container list over real objects: order, kinds, states and known roles.

use k8s_openapi::api::core::v1::Pod;
use kdoc::core::containers::{Kind, rows};

fn demo_pod(name: &str) -> Pod {
    let s = kdoc::sim::scenario::mlops::scenario("2025-06-11T10:00:00Z".parse().unwrap());
    let v = s
        .objects
        .into_iter()
        .find(|o| o["kind"] == "Pod" && o["metadata"]["name"] == name)
        .expect("pod in the demo");
    serde_json::from_value(v).unwrap()
}

#[test]
fn argo_step_pod_lists_init_wait_main() {
    let now = "2025-06-11T10:00:00Z".parse().unwrap();
    let r = rows(&demo_pod("iris-demo-kaniko-2925953904"), now);
    let names: Vec<(&str, Kind)> = r.iter().map(|c| (c.name.as_str(), c.kind)).collect();
    assert_eq!(
        names,
        [
            ("init", Kind::Init),
            ("wait", Kind::Regular),
            ("main", Kind::Regular)
        ]
    );
    assert_eq!(r[2].role, Some("Argo: your step's container"));
    assert!(
        r[2].state.starts_with("terminated: Completed, exit code 0"),
        "{}",
        r[2].state
    );
}

#[test]
fn kserve_pod_shows_the_failing_init_container_and_roles() {
    let now = "2025-06-11T10:00:00Z".parse().unwrap();
    let r = rows(
        &demo_pod("iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r"),
        now,
    );
    let init = &r[0];
    assert_eq!(
        (init.name.as_str(), init.kind),
        ("storage-initializer", Kind::Init)
    );
    assert!(
        init.state.starts_with("waiting: CrashLoopBackOff"),
        "{}",
        init.state
    );
    assert!(
        init.last_termination.starts_with("Error, exit 1"),
        "{}",
        init.last_termination
    );
    assert_eq!(init.restarts, 7);
    let names: Vec<&str> = r.iter().map(|c| c.name.as_str()).collect();
    assert!(
        names.contains(&"kserve-container")
            && names.contains(&"queue-proxy")
            && names.contains(&"istio-proxy"),
        "{names:?}"
    );
    assert!(
        r.iter()
            .find(|c| c.name == "kserve-container")
            .unwrap()
            .ports
            .contains("8080/TCP")
    );
}

#[test]
fn fixture_pods_never_panic_and_keep_order() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/real");
    let text =
        std::fs::read_to_string(dir.join("pod-init-container-runcontainererror-podlist.json"))
            .unwrap();
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    let pod: Pod = serde_json::from_value(list["items"][0].clone()).unwrap();
    let r = rows(&pod, jiff::Timestamp::now());
    assert_eq!(r[0].kind, Kind::Init);
    assert!(
        r[0].state.starts_with("waiting: RunContainerError"),
        "{}",
        r[0].state
    );
    assert!(r.iter().skip(1).all(|c| c.kind == Kind::Regular));
    assert!(rows(&Pod::default(), jiff::Timestamp::now()).is_empty());
}
