//! `deploy/NAME`, `rs/`, `sts/`, `ds/` and `job/` log targets find their pods through the
//! ownerReferences of real cluster pods (../shared/fixtures/real), not through name prefixes.

mod common;

use common::fixtures;
use k8s_openapi::api::core::v1::Pod;
use kdoc::core::cache::Cache;
use kdoc::core::cluster_event::ClusterEvent;
use kdoc::core::log_sources::{LogTarget, TargetSpec, target, wanted};
use kdoc::core::pods::PodEntry;
use kdoc::core::state::Scope;

fn cache_of(files: &[&str]) -> Cache {
    let mut c = Cache::new("c", "c", vec![], Scope::All);
    let pods: Vec<PodEntry> = files
        .iter()
        .flat_map(|f| fixtures::objects::<Pod>(f))
        .map(|p| PodEntry::new(&p))
        .collect();
    c.apply(ClusterEvent::PodsReset(pods));
    c
}

/// The pods (sorted, deduplicated) whose containers `what` in `ns` reads.
fn pods(c: &Cache, what: &str, ns: &str) -> Vec<String> {
    let t = target(
        &TargetSpec {
            target: Some(what),
            ..TargetSpec::default()
        },
        ns,
    )
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut out: Vec<String> = wanted(&t, c).into_iter().map(|w| w.pod).collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn a_deployment_owns_its_pods_through_the_replicaset_named_after_their_hash() {
    let c = cache_of(&["pods-list-kdash-crashloop-unschedulable-outofcpu.yaml"]);
    let ns = c
        .pods
        .keys()
        .find(|k| k.1.starts_with("frontend-"))
        .map(|k| k.0.clone())
        .expect("the kdash list has frontend pods");
    let frontend = pods(&c, "deploy/frontend", &ns);
    assert!(!frontend.is_empty());
    assert!(
        frontend
            .iter()
            .all(|p| p.starts_with("frontend-5c4745dfdb-")),
        "{frontend:?}"
    );
    // The ReplicaSet itself reads the same pods.
    assert_eq!(pods(&c, "rs/frontend-5c4745dfdb", &ns), frontend);
    assert_eq!(
        pods(&c, "deployment/cartservice", &ns),
        ["cartservice-67b89ffc69-s5qp8"]
    );
    // A name's prefix is not a Deployment: `cart` owns nothing, nor does a pod's own name.
    assert!(pods(&c, "deploy/cart", &ns).is_empty());
    assert!(pods(&c, "deploy/frontend-5c4745dfdb", &ns).is_empty());
    // Pods of no controller belong to no Deployment.
    assert!(pods(&c, "deploy/pod-init-container", &ns).is_empty());
}

#[test]
fn jobs_and_daemonsets_own_their_pods_directly() {
    let c = cache_of(&[
        "pod-oomkilled-job-podlist.json",
        "pod-containercreating-failedmount-podlist.json",
        "bundle-test-crash-pods-crashloopbackoff.json",
    ]);
    let ns_of = |prefix: &str| {
        c.pods
            .keys()
            .find(|k| k.1.starts_with(prefix))
            .map(|k| k.0.clone())
            .unwrap_or_else(|| panic!("a pod named {prefix}*"))
    };
    let job = pods(&c, "job/oom-kill-job3", &ns_of("oom-kill-job3"));
    assert_eq!(job.len(), 1, "{job:?}");
    assert!(job[0].starts_with("oom-kill-job3-"));
    let ds = "troubleshoot-copyfromhost-4m79m";
    assert_eq!(
        pods(&c, &format!("ds/{ds}"), &ns_of(ds)),
        ["troubleshoot-copyfromhost-4m79m-psdjm"]
    );
    // The kind matters: the same name as a StatefulSet owns nothing.
    assert!(pods(&c, &format!("sts/{ds}"), &ns_of(ds)).is_empty());
    let crash = pods(&c, "deploy/crash-loop-app", &ns_of("crash-loop-app"));
    assert_eq!(
        crash,
        [
            "crash-loop-app-67586446fc-2w49s",
            "crash-loop-app-67586446fc-6fgz5"
        ]
    );
}

#[test]
fn owner_targets_are_labelled_and_unknown_kinds_say_what_is_read() {
    let t = target(
        &TargetSpec {
            target: Some("deployments/web"),
            ..TargetSpec::default()
        },
        "prod",
    )
    .unwrap();
    assert_eq!(t.label(), "deploy/web");
    assert!(matches!(
        t,
        LogTarget::Owned {
            kind: "Deployment",
            ..
        }
    ));
    let e = target(
        &TargetSpec {
            target: Some("cronjob/nightly"),
            ..TargetSpec::default()
        },
        "prod",
    )
    .unwrap_err();
    assert!(e.contains("deploy/, sts/, ds/, rs/ and job/"), "{e}");
}
