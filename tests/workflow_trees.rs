//! Argo Workflow node trees and Tekton PipelineRun trees (kdoc::core::argo / kdoc::core::tekton)
//! over real objects from ../shared/fixtures/real and the demo scenario.
//!
//! Every expectation was worked out by hand from the objects (node IDs, `children`, phases,
//! pod names that appear inside the objects); none is computed by the code under test.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use kdoc::core::argo::{self, ArgoNode, NodeType, PodNameVersion, Tree};
use kdoc::core::tekton::{self, TaskRunInfo};
use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/real/");

fn load(file: &str) -> Value {
    let path = format!("{FIXTURES}{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_saphyr::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn no_pods() -> HashMap<String, String> {
    HashMap::new()
}

fn node<'a>(tree: &'a Tree, id: &str) -> &'a ArgoNode {
    &tree
        .row(id)
        .unwrap_or_else(|| panic!("no row {id} in {:#?}", ids(tree)))
        .node
}

fn ids(tree: &Tree) -> Vec<&str> {
    tree.rows.iter().map(|r| r.node.id.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// Argo: every fixture
// ---------------------------------------------------------------------------------------------

/// One expected row: (node ID, depth, parent ID, type, phase).
type Row = (
    &'static str,
    usize,
    Option<&'static str>,
    NodeType,
    &'static str,
);

struct ArgoCase {
    file: &'static str,
    root: &'static str,
    /// Keys of `status.nodes`.
    nodes: usize,
    /// `argo list` STATUS.
    list_phase: &'static str,
    /// (succeeded, total) Pod nodes.
    progress: (usize, usize),
    version: PodNameVersion,
    /// Display names in depth-first order.
    order: &'static [&'static str],
    rows: Vec<Row>,
}

fn argo_cases() -> Vec<ArgoCase> {
    use NodeType::*;
    vec![
        // Diamond A -> {B, C} -> D. D is listed by both B and C; the tree shows it once, under B
        // (reached first), and C keeps no child row.
        ArgoCase {
            file: "argo-wf-dag-diamond-podname-v2-succeeded.yaml",
            root: "dag-diamond-82q7s",
            nodes: 5,
            list_phase: "Succeeded",
            progress: (4, 4),
            version: PodNameVersion::V2,
            order: &["dag-diamond-82q7s", "A", "B", "D", "C"],
            rows: vec![
                ("dag-diamond-82q7s", 0, None, DAG, "Succeeded"),
                (
                    "dag-diamond-82q7s-1310542453",
                    1,
                    Some("dag-diamond-82q7s"),
                    Pod,
                    "Succeeded",
                ),
                (
                    "dag-diamond-82q7s-1260209596",
                    2,
                    Some("dag-diamond-82q7s-1310542453"),
                    Pod,
                    "Succeeded",
                ),
                (
                    "dag-diamond-82q7s-1226654358",
                    3,
                    Some("dag-diamond-82q7s-1260209596"),
                    Pod,
                    "Succeeded",
                ),
                (
                    "dag-diamond-82q7s-1276987215",
                    2,
                    Some("dag-diamond-82q7s-1310542453"),
                    Pod,
                    "Succeeded",
                ),
            ],
        },
        // DAG with failFast: false. A -> B (Retry -> B(0) -> D -> E) and C (Retry, both
        // attempts failed: "No more retries left").
        ArgoCase {
            file: "argo-wf-dag-failed-failfast-disabled-retries.yaml",
            root: "dag-disable-fail-fast-r6xdc",
            nodes: 9,
            list_phase: "Failed",
            progress: (4, 6),
            version: PodNameVersion::V2,
            order: &[
                "dag-disable-fail-fast-r6xdc",
                "A",
                "B",
                "B(0)",
                "D",
                "E",
                "C",
                "C(0)",
                "C(1)",
            ],
            rows: vec![
                ("dag-disable-fail-fast-r6xdc", 0, None, DAG, "Failed"),
                (
                    "dag-disable-fail-fast-r6xdc-3928436299",
                    1,
                    Some("dag-disable-fail-fast-r6xdc"),
                    Pod,
                    "Succeeded",
                ),
                (
                    "dag-disable-fail-fast-r6xdc-3945213918",
                    2,
                    Some("dag-disable-fail-fast-r6xdc-3928436299"),
                    Retry,
                    "Succeeded",
                ),
                (
                    "dag-disable-fail-fast-r6xdc-4286504589",
                    3,
                    Some("dag-disable-fail-fast-r6xdc-3945213918"),
                    Pod,
                    "Succeeded",
                ),
                (
                    "dag-disable-fail-fast-r6xdc-3978769156",
                    4,
                    Some("dag-disable-fail-fast-r6xdc-4286504589"),
                    Pod,
                    "Succeeded",
                ),
                (
                    "dag-disable-fail-fast-r6xdc-3995546775",
                    5,
                    Some("dag-disable-fail-fast-r6xdc-3978769156"),
                    Pod,
                    "Succeeded",
                ),
                (
                    "dag-disable-fail-fast-r6xdc-3961991537",
                    2,
                    Some("dag-disable-fail-fast-r6xdc-3928436299"),
                    Retry,
                    "Failed",
                ),
                (
                    "dag-disable-fail-fast-r6xdc-3256495944",
                    3,
                    Some("dag-disable-fail-fast-r6xdc-3961991537"),
                    Pod,
                    "Failed",
                ),
                (
                    "dag-disable-fail-fast-r6xdc-3457680277",
                    3,
                    Some("dag-disable-fail-fast-r6xdc-3961991537"),
                    Pod,
                    "Failed",
                ),
            ],
        },
        // DAG whose Retry node step1 has attempts (0) Failed, (1) Failed, (2) Succeeded. The
        // workflow has no status.phase (and the root node none either): `argo list` says
        // "Pending" for an object with a creation time.
        ArgoCase {
            file: "argo-wf-dag-retry-succeeded.yaml",
            root: "dag-with-retries-4wkh8",
            nodes: 5,
            list_phase: "Pending",
            progress: (1, 3),
            version: PodNameVersion::V2,
            order: &[
                "dag-with-retries-4wkh8",
                "step1",
                "step1(0)",
                "step1(1)",
                "step1(2)",
            ],
            rows: vec![
                ("dag-with-retries-4wkh8", 0, None, DAG, ""),
                (
                    "dag-with-retries-4wkh8-2805650605",
                    1,
                    Some("dag-with-retries-4wkh8"),
                    Retry,
                    "Succeeded",
                ),
                (
                    "dag-with-retries-4wkh8-2105190396",
                    2,
                    Some("dag-with-retries-4wkh8-2805650605"),
                    Pod,
                    "Failed",
                ),
                (
                    "dag-with-retries-4wkh8-1501049017",
                    2,
                    Some("dag-with-retries-4wkh8-2805650605"),
                    Pod,
                    "Failed",
                ),
                (
                    "dag-with-retries-4wkh8-2172006682",
                    2,
                    Some("dag-with-retries-4wkh8-2805650605"),
                    Pod,
                    "Succeeded",
                ),
            ],
        },
        // Steps: [0] runs the Retry nodes fail and delayed-fail in parallel; all four attempts
        // failed but the workflow is still Running.
        ArgoCase {
            file: "argo-wf-steps-failed-retries-running.yaml",
            root: "failed-retries-tjjsc",
            nodes: 8,
            list_phase: "Running",
            progress: (0, 4),
            version: PodNameVersion::V2,
            order: &[
                "failed-retries-tjjsc",
                "[0]",
                "fail",
                "fail(0)",
                "fail(1)",
                "delayed-fail",
                "delayed-fail(0)",
                "delayed-fail(1)",
            ],
            rows: vec![
                ("failed-retries-tjjsc", 0, None, Steps, "Running"),
                (
                    "failed-retries-tjjsc-2095973878",
                    1,
                    Some("failed-retries-tjjsc"),
                    StepGroup,
                    "Running",
                ),
                (
                    "failed-retries-tjjsc-20069324",
                    2,
                    Some("failed-retries-tjjsc-2095973878"),
                    Retry,
                    "Failed",
                ),
                (
                    "failed-retries-tjjsc-1229492679",
                    3,
                    Some("failed-retries-tjjsc-20069324"),
                    Pod,
                    "Failed",
                ),
                (
                    "failed-retries-tjjsc-759866442",
                    3,
                    Some("failed-retries-tjjsc-20069324"),
                    Pod,
                    "Failed",
                ),
                (
                    "failed-retries-tjjsc-1574533273",
                    2,
                    Some("failed-retries-tjjsc-2095973878"),
                    Retry,
                    "Running",
                ),
                (
                    "failed-retries-tjjsc-1375221696",
                    3,
                    Some("failed-retries-tjjsc-1574533273"),
                    Pod,
                    "Failed",
                ),
                (
                    "failed-retries-tjjsc-2113289837",
                    3,
                    Some("failed-retries-tjjsc-1574533273"),
                    Pod,
                    "Failed",
                ),
            ],
        },
        // Steps with pod-name-format v2: [0] -> hello1 -> [1] -> {hello2a, hello2b}.
        ArgoCase {
            file: "argo-wf-steps-podname-v2-succeeded.yaml",
            root: "steps-4k5vn",
            nodes: 6,
            list_phase: "Succeeded",
            progress: (3, 3),
            version: PodNameVersion::V2,
            order: &["steps-4k5vn", "[0]", "hello1", "[1]", "hello2a", "hello2b"],
            rows: vec![
                ("steps-4k5vn", 0, None, Steps, "Succeeded"),
                (
                    "steps-4k5vn-899690889",
                    1,
                    Some("steps-4k5vn"),
                    StepGroup,
                    "Succeeded",
                ),
                (
                    "steps-4k5vn-1044844302",
                    2,
                    Some("steps-4k5vn-899690889"),
                    Pod,
                    "Succeeded",
                ),
                (
                    "steps-4k5vn-4053927188",
                    3,
                    Some("steps-4k5vn-1044844302"),
                    StepGroup,
                    "Succeeded",
                ),
                (
                    "steps-4k5vn-2627784879",
                    4,
                    Some("steps-4k5vn-4053927188"),
                    Pod,
                    "Succeeded",
                ),
                (
                    "steps-4k5vn-2644562498",
                    4,
                    Some("steps-4k5vn-4053927188"),
                    Pod,
                    "Succeeded",
                ),
            ],
        },
    ]
}

#[test]
fn argo_fixture_trees() {
    for case in argo_cases() {
        let wf = load(case.file);
        let f = case.file;
        let tree = argo::build(&wf, &no_pods());
        assert!(tree.problems.is_empty(), "{f}: {:?}", tree.problems);
        assert_eq!(tree.rows.len(), case.nodes, "{f}: {:?}", ids(&tree));
        assert_eq!(
            wf["status"]["nodes"].as_object().unwrap().len(),
            case.nodes,
            "{f}"
        );
        let root = &tree.rows[0];
        assert_eq!(
            (root.node.id.as_str(), root.depth, root.parent.as_deref()),
            (case.root, 0, None),
            "{f}"
        );
        let order: Vec<&str> = tree
            .rows
            .iter()
            .map(|r| r.node.display_name.as_str())
            .collect();
        assert_eq!(order, case.order, "{f}");
        for (id, depth, parent, ty, phase) in &case.rows {
            let row = tree.row(id).unwrap_or_else(|| panic!("{f}: no row {id}"));
            assert_eq!(row.depth, *depth, "{f}: depth of {id}");
            assert_eq!(row.parent.as_deref(), *parent, "{f}: parent of {id}");
            assert_eq!(row.node.node_type, *ty, "{f}: type of {id}");
            assert_eq!(row.node.phase, *phase, "{f}: phase of {id}");
            // Only Pod nodes have pods.
            assert_eq!(
                row.node.pod_name.is_some(),
                *ty == NodeType::Pod,
                "{f}: pod of {id}"
            );
        }
        assert_eq!(argo::phase(&wf), case.list_phase, "{f}");
        assert_eq!(argo::progress(&wf), case.progress, "{f}");
        assert_eq!(argo::pod_name_version(&wf), case.version, "{f}");
        // The workflow's own `progress` field agrees where the controller wrote one.
        if let Some(p) = wf["status"]["progress"].as_str() {
            let (ok, total) = case.progress;
            assert_eq!(p, format!("{ok}/{total}"), "{f}");
        }
    }
}

/// Node IDs are `<wf>-<fnv32a(node name)>` and v2 pod names `<wf>-<template>-<same hash>`, so
/// in every fixture each Pod node's computed pod name is its ID with `-<template>` inserted
/// after the workflow name.
#[test]
fn argo_pod_names_share_the_node_id_hash() {
    for case in argo_cases() {
        let wf = load(case.file);
        let wf_name = wf["metadata"]["name"].as_str().unwrap();
        let tree = argo::build(&wf, &no_pods());
        let mut pods = 0;
        for (id, n) in wf["status"]["nodes"].as_object().unwrap() {
            if n["type"] != "Pod" {
                continue;
            }
            pods += 1;
            let template = n["templateName"].as_str().unwrap();
            let hash = id.strip_prefix(&format!("{wf_name}-")).unwrap();
            let expected = format!("{wf_name}-{template}-{hash}");
            assert_eq!(
                node(&tree, id).pod_name.as_deref(),
                Some(expected.as_str()),
                "{}",
                case.file
            );
        }
        assert_eq!(pods, case.progress.1, "{}", case.file);
    }
}

/// The v2 fixtures archived each pod's main log under `<wf>/<pod name>/main.log`: those pod
/// names come from the cluster, and the computed ones must match them.
#[test]
fn argo_v2_pod_names_match_the_archived_log_keys() {
    for file in [
        "argo-wf-dag-diamond-podname-v2-succeeded.yaml",
        "argo-wf-steps-podname-v2-succeeded.yaml",
    ] {
        let wf = load(file);
        assert_eq!(
            wf["metadata"]["annotations"]["workflows.argoproj.io/pod-name-format"],
            "v2"
        );
        let tree = argo::build(&wf, &no_pods());
        let mut checked = 0;
        for (id, n) in wf["status"]["nodes"].as_object().unwrap() {
            let Some(artifacts) = n["outputs"]["artifacts"].as_array() else {
                continue;
            };
            for a in artifacts {
                let key = a["s3"]["key"].as_str().unwrap();
                let parts: Vec<&str> = key.split('/').collect();
                assert_eq!(parts.len(), 3, "{key}");
                assert_eq!(parts[2], "main.log", "{key}");
                let from_cluster = parts[1];
                assert_eq!(
                    node(&tree, id).pod_name.as_deref(),
                    Some(from_cluster),
                    "{file}: {id}"
                );
                // And straight from GeneratePodName's inputs.
                assert_eq!(
                    argo::pod_name(
                        wf["metadata"]["name"].as_str().unwrap(),
                        n["name"].as_str().unwrap(),
                        n["templateName"].as_str().unwrap(),
                        id,
                        PodNameVersion::V2,
                    ),
                    from_cluster
                );
                checked += 1;
            }
        }
        let pod_nodes = wf["status"]["nodes"]
            .as_object()
            .unwrap()
            .values()
            .filter(|n| n["type"] == "Pod")
            .count();
        assert_eq!(checked, pod_nodes, "{file}: every pod node archived a log");
        assert!(checked >= 3, "{file}");
    }
}

#[test]
fn argo_node_fields() {
    let wf = load("argo-wf-dag-failed-failfast-disabled-retries.yaml");
    let tree = argo::build(&wf, &no_pods());
    let c = node(&tree, "dag-disable-fail-fast-r6xdc-3961991537");
    assert_eq!(c.name, "dag-disable-fail-fast-r6xdc.C");
    assert_eq!(c.display_name, "C");
    assert_eq!(c.message.as_deref(), Some("No more retries left"));
    // Retry nodes carry no templateName in this capture.
    assert_eq!(c.template, None);
    assert_eq!(
        c.boundary_id.as_deref(),
        Some("dag-disable-fail-fast-r6xdc")
    );
    assert_eq!(
        c.children,
        [
            "dag-disable-fail-fast-r6xdc-3256495944",
            "dag-disable-fail-fast-r6xdc-3457680277"
        ]
    );
    assert_eq!(c.started_at, Some(ts("2019-06-26T09:12:03Z")));
    assert_eq!(c.finished_at, Some(ts("2019-06-26T09:12:13Z")));
    let c0 = node(&tree, "dag-disable-fail-fast-r6xdc-3256495944");
    assert_eq!(c0.message.as_deref(), Some("failed with exit code 2"));
    assert_eq!(c0.template.as_deref(), Some("c"));
    assert_eq!(c0.display_name, "C(0)");

    // `finishedAt: null` while running.
    let wf = load("argo-wf-steps-failed-retries-running.yaml");
    let tree = argo::build(&wf, &no_pods());
    let root = node(&tree, "failed-retries-tjjsc");
    assert_eq!(root.finished_at, None);
    assert_eq!(root.started_at, Some(ts("2019-01-03T01:23:18Z")));
    assert_eq!(root.template.as_deref(), Some("failed-retries"));
    assert_eq!(argo::finished(&wf), None);
    let now = ts("2019-01-03T01:25:18Z");
    assert_eq!(
        argo::duration(&wf, now),
        Some(SignedDuration::from_secs(120))
    );
}

#[test]
fn argo_list_helpers() {
    let wf = load("argo-wf-dag-diamond-podname-v2-succeeded.yaml");
    assert_eq!(argo::started(&wf), Some(ts("2024-10-01T04:27:23Z")));
    assert_eq!(argo::finished(&wf), Some(ts("2024-10-01T04:27:42Z")));
    // Finished: the duration ignores `now`.
    assert_eq!(
        argo::duration(&wf, Timestamp::now()),
        Some(SignedDuration::from_secs(19))
    );
    assert_eq!(argo::message(&wf), None);

    let mut wf = load("argo-wf-steps-failed-retries-running.yaml");
    wf["spec"]["suspend"] = json!(true);
    assert_eq!(argo::phase(&wf), "Running (Suspended)");
    let mut wf = load("argo-wf-dag-failed-failfast-disabled-retries.yaml");
    assert_eq!(argo::phase(&wf), "Failed");
    wf["spec"]["shutdown"] = json!("Terminate");
    wf["status"]["message"] = json!("Stopped with strategy 'Terminate'");
    assert_eq!(argo::phase(&wf), "Failed (Terminated)");
    assert_eq!(
        argo::message(&wf).as_deref(),
        Some("Stopped with strategy 'Terminate'")
    );

    // No status, no creation time: "Unknown"; nothing started.
    let bare = json!({"metadata": {"name": "x"}});
    assert_eq!(argo::phase(&bare), "Unknown");
    assert_eq!(argo::progress(&bare), (0, 0));
    assert_eq!(argo::duration(&bare, Timestamp::now()), None);
}

#[test]
fn argo_tree_guides() {
    let wf = load("argo-wf-dag-diamond-podname-v2-succeeded.yaml");
    let tree = argo::build(&wf, &no_pods());
    let drawn: Vec<String> = tree
        .rows
        .iter()
        .map(|r| format!("{}{}", r.prefix(), r.node.display_name))
        .collect();
    assert_eq!(
        drawn,
        ["dag-diamond-82q7s", "└─A", "  ├─B", "  │ └─D", "  └─C"]
    );
    let last: Vec<bool> = tree.rows.iter().map(|r| r.is_last).collect();
    assert_eq!(last, [true, true, false, true, true]);

    let wf = load("argo-wf-steps-failed-retries-running.yaml");
    let tree = argo::build(&wf, &no_pods());
    let drawn: Vec<String> = tree
        .rows
        .iter()
        .map(|r| format!("{}{}", r.prefix(), r.node.display_name))
        .collect();
    assert_eq!(
        drawn,
        [
            "failed-retries-tjjsc",
            "└─[0]",
            "  ├─fail",
            "  │ ├─fail(0)",
            "  │ └─fail(1)",
            "  └─delayed-fail",
            "    ├─delayed-fail(0)",
            "    └─delayed-fail(1)",
        ]
    );
}

#[test]
fn argo_pod_name_rules() {
    // FNV-1a 32 published test vectors.
    assert_eq!(argo::fnv32a(""), 0x811c_9dc5);
    assert_eq!(argo::fnv32a("a"), 0xe40c_292c);
    assert_eq!(argo::fnv32a("foobar"), 0xbf9c_f968);

    // v1: the node ID. v2 root node: the workflow name.
    assert_eq!(
        argo::pod_name("wf", "wf.a", "t", "wf-123", PodNameVersion::V1),
        "wf-123"
    );
    assert_eq!(
        argo::pod_name("wf", "wf", "t", "wf", PodNameVersion::V2),
        "wf"
    );
    // No template: `<wf>-<hash>`.
    assert_eq!(
        argo::pod_name("wf", "a", "", "x", PodNameVersion::V2),
        format!("wf-{}", 0xe40c_292c_u32)
    );
    // A 300-character prefix is cut to 242 characters before `-<hash>`.
    let long_wf = "w".repeat(200);
    let template = "t".repeat(99);
    let name = argo::pod_name(&long_wf, "a", &template, "x", PodNameVersion::V2);
    let expected_prefix = format!("{long_wf}-{}", "t".repeat(41));
    assert_eq!(expected_prefix.len(), 242);
    assert_eq!(name, format!("{expected_prefix}-{}", 0xe40c_292c_u32));

    // The annotation: only "v1" selects v1.
    let mut wf = load("argo-wf-dag-retry-succeeded.yaml");
    assert_eq!(argo::pod_name_version(&wf), PodNameVersion::V2);
    wf["metadata"]["annotations"] = json!({"workflows.argoproj.io/pod-name-format": "v1"});
    assert_eq!(argo::pod_name_version(&wf), PodNameVersion::V1);
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(
        node(&tree, "dag-with-retries-4wkh8-2172006682")
            .pod_name
            .as_deref(),
        Some("dag-with-retries-4wkh8-2172006682")
    );
    wf["metadata"]["annotations"] = json!({"workflows.argoproj.io/pod-name-format": "v3"});
    assert_eq!(argo::pod_name_version(&wf), PodNameVersion::V2);

    // templateRef.template wins over templateName.
    let mut wf = load("argo-wf-dag-retry-succeeded.yaml");
    wf["status"]["nodes"]["dag-with-retries-4wkh8-2172006682"]["templateRef"] =
        json!({"name": "shared", "template": "flaky"});
    let tree = argo::build(&wf, &no_pods());
    let n = node(&tree, "dag-with-retries-4wkh8-2172006682");
    assert_eq!(n.template.as_deref(), Some("flaky"));
    assert_eq!(
        n.pod_name.as_deref(),
        Some("dag-with-retries-4wkh8-flaky-2172006682")
    );
}

/// A real pod's `workflows.argoproj.io/node-id` annotation wins over the computed name.
#[test]
fn argo_real_pods_win() {
    let wf = load("argo-wf-dag-retry-succeeded.yaml");
    let pods = [
        json!({"metadata": {"name": "renamed-pod",
            "labels": {"workflows.argoproj.io/workflow": "dag-with-retries-4wkh8"},
            "annotations": {"workflows.argoproj.io/node-id": "dag-with-retries-4wkh8-2105190396"}}}),
        // Another workflow's pod is ignored.
        json!({"metadata": {"name": "other",
            "labels": {"workflows.argoproj.io/workflow": "someone-else"},
            "annotations": {"workflows.argoproj.io/node-id": "dag-with-retries-4wkh8-1501049017"}}}),
    ];
    let map = argo::pods_by_node_id("dag-with-retries-4wkh8", &pods);
    assert_eq!(map.len(), 1);
    let tree = argo::build(&wf, &map);
    assert_eq!(
        node(&tree, "dag-with-retries-4wkh8-2105190396")
            .pod_name
            .as_deref(),
        Some("renamed-pod")
    );
    assert_eq!(
        node(&tree, "dag-with-retries-4wkh8-1501049017")
            .pod_name
            .as_deref(),
        Some("dag-with-retries-4wkh8-randomly-fail-1501049017")
    );
}

// ---------------------------------------------------------------------------------------------
// Argo: the demo's iris-demo
// ---------------------------------------------------------------------------------------------

fn demo_objects() -> Vec<Value> {
    kdoc::sim::scenario::mlops::scenario(Timestamp::now()).objects
}

fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn demo_iris_workflow() {
    let objects = demo_objects();
    let wf = find(&objects, "Workflow", "iris-demo");
    // The node IDs of the three tasks, read from the object by display name.
    let id_of = |task: &str| -> String {
        wf["status"]["nodes"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(_, n)| n["displayName"] == task)
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| panic!("no node {task}"))
    };
    let (train, build, deploy) = (id_of("train"), id_of("build-image"), id_of("deploy"));

    for pods in [
        no_pods(),
        argo::pods_by_node_id(
            "iris-demo",
            objects
                .iter()
                .filter(|o| o["kind"] == "Pod" && o["metadata"]["namespace"] == "argowf"),
        ),
    ] {
        let tree = argo::build(wf, &pods);
        assert!(tree.problems.is_empty(), "{:?}", tree.problems);
        let shape: Vec<(usize, &str, Option<&str>)> = tree
            .rows
            .iter()
            .map(|r| (r.depth, r.node.display_name.as_str(), r.parent.as_deref()))
            .collect();
        assert_eq!(
            shape,
            [
                (0, "iris-demo", None),
                (1, "train", Some("iris-demo")),
                (2, "build-image", Some(train.as_str())),
                (3, "deploy", Some(build.as_str())),
            ]
        );
        let b = node(&tree, &build);
        assert_eq!(b.node_type, NodeType::Pod);
        assert_eq!(b.template.as_deref(), Some("kaniko"));
        // The real pod name from runbook 000 (`argo logs iris-demo ... --container kaniko`).
        assert_eq!(b.pod_name.as_deref(), Some("iris-demo-kaniko-2925953904"));
        assert!(
            node(&tree, &deploy)
                .pod_name
                .as_deref()
                .is_some_and(|p| p.starts_with("iris-demo-deploy-"))
        );
    }
    // With the pods given, every Pod node maps to a pod that exists.
    let pods = argo::pods_by_node_id("iris-demo", objects.iter().filter(|o| o["kind"] == "Pod"));
    assert_eq!(pods.len(), 3);
    let tree = argo::build(wf, &pods);
    for id in [&train, &build, &deploy] {
        let p = node(&tree, id).pod_name.clone().unwrap();
        find(&objects, "Pod", &p);
    }
    assert_eq!(argo::phase(wf), "Succeeded");
    assert_eq!(argo::progress(wf), (3, 3));
}

// ---------------------------------------------------------------------------------------------
// Argo: bad input
// ---------------------------------------------------------------------------------------------

fn pod_node(id: &str, name: &str, children: &[&str]) -> Value {
    json!({"id": id, "name": name, "displayName": name, "type": "Pod", "templateName": "t",
           "phase": "Succeeded", "children": children})
}

fn wf_with(nodes: Value) -> Value {
    json!({"metadata": {"name": "wf", "creationTimestamp": "2024-01-01T00:00:00Z"},
           "status": {"phase": "Running", "nodes": nodes}})
}

#[test]
fn argo_without_status() {
    for wf in [
        json!({"metadata": {"name": "wf"}}),
        json!({"metadata": {"name": "wf"}, "status": {}}),
        json!({"metadata": {"name": "wf"}, "status": null}),
        json!(null),
        json!("not an object"),
    ] {
        let tree = argo::build(&wf, &no_pods());
        assert!(tree.rows.is_empty());
        assert_eq!(tree.problems, ["workflow has no status yet"], "{wf}");
    }
    // A status but no nodes yet, or offloaded nodes.
    let tree = argo::build(
        &json!({"metadata": {"name": "wf"}, "status": {"phase": "Pending"}}),
        &no_pods(),
    );
    assert!(tree.rows.is_empty());
    assert_eq!(tree.problems, ["workflow has no nodes yet"]);
    let tree = argo::build(
        &json!({"metadata": {"name": "wf"}, "status": {"phase": "Running", "offloadNodeStatusVersion": "fnv:123"}}),
        &no_pods(),
    );
    assert!(tree.rows.is_empty());
    assert_eq!(tree.problems.len(), 1);
    assert!(
        tree.problems[0].contains("offloaded"),
        "{:?}",
        tree.problems
    );
    assert_eq!(
        argo::phase(
            &json!({"metadata": {"name": "wf", "creationTimestamp": "2024-01-01T00:00:00Z"}})
        ),
        "Pending"
    );
}

#[test]
fn argo_missing_child() {
    let mut wf = load("argo-wf-dag-retry-succeeded.yaml");
    wf["status"]["nodes"]["dag-with-retries-4wkh8-2805650605"]["children"]
        .as_array_mut()
        .unwrap()
        .insert(1, json!("dag-with-retries-4wkh8-999"));
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(tree.problems.len(), 1, "{:?}", tree.problems);
    assert!(tree.problems[0].contains("dag-with-retries-4wkh8-999"));
    assert_eq!(tree.rows.len(), 5);
    // The three attempts are still there, the last one still drawn last.
    let retry = "dag-with-retries-4wkh8-2805650605";
    let under: Vec<(&str, bool)> = tree
        .rows
        .iter()
        .filter(|r| r.parent.as_deref() == Some(retry))
        .map(|r| (r.node.display_name.as_str(), r.is_last))
        .collect();
    assert_eq!(
        under,
        [("step1(0)", false), ("step1(1)", false), ("step1(2)", true)]
    );
}

#[test]
fn argo_unknown_and_skipped_node_types() {
    let mut wf = load("argo-wf-steps-podname-v2-succeeded.yaml");
    wf["status"]["nodes"]["steps-4k5vn-2627784879"]["type"] = json!("Quantum");
    wf["status"]["nodes"]["steps-4k5vn-2644562498"]["type"] = json!("Skipped");
    wf["status"]["nodes"]["steps-4k5vn-2644562498"]["phase"] = json!("Skipped");
    wf["status"]["nodes"]["steps-4k5vn-2644562498"]["message"] =
        json!("when 'false' evaluated false");
    let tree = argo::build(&wf, &no_pods());
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(tree.rows.len(), 6);
    let q = node(&tree, "steps-4k5vn-2627784879");
    assert_eq!(q.node_type, NodeType::Unknown("Quantum".into()));
    assert_eq!(q.node_type.as_str(), "Quantum");
    assert_eq!(q.pod_name, None);
    let s = node(&tree, "steps-4k5vn-2644562498");
    assert_eq!(s.node_type, NodeType::Skipped);
    assert_eq!(s.phase, "Skipped");
    assert_eq!(s.pod_name, None);
    assert_eq!(argo::progress(&wf), (1, 1));

    // A node without a type at all.
    let wf = wf_with(
        json!({"wf": {"id": "wf", "name": "wf", "children": ["wf-1"]},
                            "wf-1": {"id": "wf-1", "name": "wf.x"}}),
    );
    let tree = argo::build(&wf, &no_pods());
    assert!(tree.problems.is_empty());
    assert_eq!(
        tree.rows[1].node.node_type,
        NodeType::Unknown(String::new())
    );
}

#[test]
fn argo_cycles() {
    // wf -> a -> b -> a (back edge), and b lists itself.
    let wf = wf_with(json!({
        "wf": {"id": "wf", "name": "wf", "type": "Steps", "children": ["wf-a"]},
        "wf-a": pod_node("wf-a", "wf.a", &["wf-b"]),
        "wf-b": pod_node("wf-b", "wf.b", &["wf-a", "wf-b"]),
    }));
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(ids(&tree), ["wf", "wf-a", "wf-b"]);
    assert_eq!(
        tree.rows.iter().map(|r| r.depth).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert_eq!(tree.problems.len(), 2, "{:?}", tree.problems);
    assert!(tree.problems.iter().all(|p| p.contains("cycle")));
    assert!(tree.problems[0].contains("wf-a"));

    // A cycle nothing leads into: not reachable, shown once at depth 0.
    let wf = wf_with(json!({
        "wf": {"id": "wf", "name": "wf", "type": "DAG"},
        "wf-x": pod_node("wf-x", "wf.x", &["wf-y"]),
        "wf-y": pod_node("wf-y", "wf.y", &["wf-x"]),
    }));
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(ids(&tree), ["wf", "wf-x", "wf-y"]);
    assert_eq!(
        tree.rows.iter().map(|r| r.depth).collect::<Vec<_>>(),
        [0, 0, 1]
    );
    assert_eq!(tree.problems.len(), 2, "{:?}", tree.problems);
    assert!(tree.problems[0].contains("not reachable"));
    assert!(tree.problems[1].contains("cycle"));
}

#[test]
fn argo_unreachable_and_extra_roots() {
    // A node nothing lists is appended at depth 0 with a problem.
    let mut wf = load("argo-wf-dag-diamond-podname-v2-succeeded.yaml");
    wf["status"]["nodes"]["dag-diamond-82q7s"]["children"] = json!([]);
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(tree.rows.len(), 5);
    assert_eq!(tree.problems.len(), 1, "{:?}", tree.problems);
    assert!(tree.problems[0].contains("dag-diamond-82q7s-1310542453"));
    assert!(tree.problems[0].contains("not reachable"));
    let a = tree.row("dag-diamond-82q7s-1310542453").unwrap();
    assert_eq!((a.depth, a.parent.as_deref()), (0, None));
    assert_eq!(tree.row("dag-diamond-82q7s-1226654358").unwrap().depth, 2);

    // The exit handler `<wf>.onExit` is a second root, not a problem.
    let wf = wf_with(json!({
        "wf": {"id": "wf", "name": "wf", "type": "Steps", "children": ["wf-1"]},
        "wf-1": pod_node("wf-1", "wf[0].a", &[]),
        "wf-2": pod_node("wf-2", "wf.onExit", &[]),
    }));
    let tree = argo::build(&wf, &no_pods());
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(ids(&tree), ["wf", "wf-1", "wf-2"]);
    assert_eq!(tree.row("wf-2").unwrap().depth, 0);

    // No node with the workflow's name: every parentless node is a root.
    let wf = wf_with(json!({
        "old-1": pod_node("old-1", "old.a", &["old-2"]),
        "old-2": pod_node("old-2", "old.b", &[]),
    }));
    let tree = argo::build(&wf, &no_pods());
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(ids(&tree), ["old-1", "old-2"]);
    assert_eq!(tree.row("old-2").unwrap().parent.as_deref(), Some("old-1"));
}

#[test]
fn argo_odd_values_do_not_panic() {
    for nodes in [
        json!({"wf": null}),
        json!({"wf": 7, "x": "y"}),
        json!({"wf": {"id": 5, "children": "nope", "startedAt": "yesterday", "phase": 3}}),
        json!({"wf": {"children": [1, null, "wf"]}}),
    ] {
        let wf = wf_with(nodes.clone());
        let tree = argo::build(&wf, &no_pods());
        assert_eq!(tree.rows.len(), nodes.as_object().unwrap().len(), "{nodes}");
        let _ = argo::progress(&wf);
        let _ = argo::phase(&wf);
    }
}

// ---------------------------------------------------------------------------------------------
// Tekton
// ---------------------------------------------------------------------------------------------

fn by_name(objects: impl IntoIterator<Item = Value>) -> HashMap<String, Value> {
    objects
        .into_iter()
        .map(|o| (o["metadata"]["name"].as_str().unwrap().to_string(), o))
        .collect()
}

#[test]
fn tekton_failed_pipelinerun() {
    let pr = load("tekton-pipelinerun-v1-failed-childrefs.yaml");
    let trs = by_name([load("tekton-taskrun-v1-failed-step-exit2.yaml")]);
    let tree = tekton::pipeline_run(&pr, &trs);
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(tree.name, "jenkins-x-charts-jx-build-templ-wbbx6-7");
    assert_eq!(tree.phase, "Failed");
    assert_eq!(tree.reason.as_deref(), Some("Failed"));
    assert_eq!(
        tree.message.as_deref(),
        Some("TaskRun jenkins-x-charts-jx-build-templ-wbbx6-7-from-build-pack-zjcjs has failed")
    );
    assert_eq!(tree.started, Some(ts("2020-07-20T18:50:22Z")));
    assert_eq!(tree.finished, Some(ts("2020-07-20T18:50:43Z")));
    assert!(tree.skipped.is_empty());
    assert_eq!(tree.tasks.len(), 1);
    let t = &tree.tasks[0];
    assert_eq!(
        t.name,
        "jenkins-x-charts-jx-build-templ-wbbx6-7-from-build-pack-zjcjs"
    );
    assert!(t.found);
    assert_eq!(t.kind, "TaskRun");
    // Neither the childReference nor the TaskRun names the pipeline task.
    assert_eq!(t.pipeline_task, None);
    assert_eq!(t.phase, "Failed");
    assert_eq!(t.reason.as_deref(), Some("Failed"));
    assert!(
        t.message
            .as_deref()
            .unwrap()
            .starts_with("\"step-build-build\" exited with code 2 (image: ")
    );
    // No status.podName in this capture (the pod is only named inside the message).
    assert_eq!(t.pod_name, None);
    let steps: Vec<(&str, &str, &str, Option<i32>)> = t
        .steps
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.container.as_str(),
                s.state.as_str(),
                s.exit_code,
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                "setup-builder-home",
                "step-setup-builder-home",
                "Completed",
                Some(0)
            ),
            ("git-merge", "step-git-merge", "Completed", Some(0)),
            ("build-build", "step-build-build", "Error", Some(2)),
            (
                "git-source-jenkins-x-charts-jx-build-templ-wbbx6-67k4m",
                "step-git-source-jenkins-x-charts-jx-build-templ-wbbx6-67k4m",
                "Completed",
                Some(0)
            ),
        ]
    );
    let failed = &t.steps[2];
    assert_eq!(failed.reason.as_deref(), Some("Error"));
    assert_eq!(failed.termination_reason, None);
    assert_eq!(failed.started, Some(ts("2020-07-20T18:50:34Z")));
    assert_eq!(failed.finished, Some(ts("2020-07-20T18:50:43Z")));
    assert!(t.sidecars.is_empty());
}

#[test]
fn tekton_succeeded_pipelinerun_with_one_taskrun_missing() {
    let pr = load("tekton-pipelinerun-v1-succeeded-two-taskruns.yaml");
    // Only the second child's TaskRun was captured.
    let trs = by_name([load("tekton-taskrun-v1-succeeded-e2e-tests.yaml")]);
    let tree = tekton::pipeline_run(&pr, &trs);
    assert_eq!(tree.phase, "Succeeded");
    assert_eq!(tree.reason.as_deref(), Some("Succeeded"));
    assert_eq!(
        tree.message.as_deref(),
        Some("Tasks Completed: 2, Skipped: 0")
    );
    assert_eq!(
        tree.problems,
        ["TaskRun jenkins-x-jx-pr-7463-boot-vault-9mbgb-17-build-2jnvr not found"]
    );
    let names: Vec<(&str, bool, &str)> = tree
        .tasks
        .iter()
        .map(|t| (t.name.as_str(), t.found, t.phase.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (
                "jenkins-x-jx-pr-7463-boot-vault-9mbgb-17-build-2jnvr",
                false,
                "Unknown"
            ),
            (
                "jenkins-x-jx-pr-7463-boot-vault-9mbgb-17-e2e-tests-ds74m",
                true,
                "Succeeded"
            ),
        ]
    );
    let tr2 = &tree.tasks[1];
    assert_eq!(
        tr2.message.as_deref(),
        Some("All Steps have completed executing")
    );
    assert_eq!(tr2.started, Some(ts("2020-07-20T19:56:53Z")));
    assert_eq!(tr2.finished, Some(ts("2020-07-20T20:50:27Z")));
    assert_eq!(tr2.steps.len(), 7);
    assert!(
        tr2.steps
            .iter()
            .all(|s| s.state == "Completed" && s.exit_code == Some(0))
    );
    let containers: Vec<&str> = tr2.steps.iter().map(|s| s.container.as_str()).collect();
    assert_eq!(
        containers,
        [
            "step-setup-builder-home",
            "step-boot-vault-e2e-tests",
            "step-generate-report",
            "step-clear-kubeconfig",
            "step-stashhtmlreport",
            "step-source-copy-workspace-7hpkx",
            "step-create-dir-workspace-tncdr",
        ]
    );
}

#[test]
fn tekton_pending_taskrun() {
    let tr = load("tekton-taskrun-v1-pending-podinitializing-podname.yaml");
    let info = tekton::task_run(&tr);
    assert_eq!(info.name, "release-zm5v8-from-build-pack-9f2m9");
    assert_eq!(info.phase, "Pending");
    assert_eq!(info.reason.as_deref(), Some("Pending"));
    assert_eq!(
        info.pod_name.as_deref(),
        Some("release-zm5v8-from-build-pack-9f2m9-pod-xsg5h")
    );
    assert_eq!(info.started, Some(ts("2020-10-07T03:23:19Z")));
    assert_eq!(info.finished, None);
    assert_eq!(info.steps.len(), 16);
    for s in &info.steps {
        assert_eq!(s.state, "Waiting: PodInitializing", "{}", s.name);
        assert_eq!(s.reason.as_deref(), Some("PodInitializing"));
        assert_eq!(s.exit_code, None);
        assert_eq!(s.container, format!("step-{}", s.name));
    }
    // The condition message lists the same containers as unready, in the same order.
    let msg = info.message.as_deref().unwrap();
    let listed = msg
        .split_once("containers with unready status: [")
        .unwrap()
        .1
        .split_once(']')
        .unwrap()
        .0;
    let containers: Vec<&str> = info.steps.iter().map(|s| s.container.as_str()).collect();
    assert_eq!(listed.split(' ').collect::<Vec<_>>(), containers);
}

#[test]
fn tekton_demo_pipelinerun() {
    let objects = demo_objects();
    let pr = find(&objects, "PipelineRun", "mistral-24b-full-8t9qf");
    let trs = by_name(
        objects
            .iter()
            .filter(|o| {
                o["kind"] == "TaskRun"
                    && o["metadata"]["labels"]["tekton.dev/pipelineRun"] == "mistral-24b-full-8t9qf"
            })
            .cloned(),
    );
    assert_eq!(trs.len(), 4);
    let tree = tekton::pipeline_run(pr, &trs);
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(tree.phase, "Failed");
    assert_eq!(
        tree.message.as_deref(),
        Some("Tasks Completed: 4 (Failed: 2, Cancelled 0), Skipped: 1")
    );
    let rows: Vec<(&str, &str)> = tree
        .tasks
        .iter()
        .map(|t| (t.pipeline_task.as_deref().unwrap(), t.phase.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("download-model", "Succeeded"),
            ("build-image", "Succeeded"),
            ("push-to-internal", "Failed"),
            ("push-to-quay", "Failed"),
        ]
    );
    let push = &tree.tasks[2];
    assert_eq!(push.name, "mistral-24b-full-8t9qf-push-to-internal");
    assert_eq!(push.reason.as_deref(), Some("Failed"));
    assert_eq!(
        push.message.as_deref(),
        Some("\"step-push-image\" exited with code 1")
    );
    assert_eq!(
        push.pod_name.as_deref(),
        Some("mistral-24b-full-8t9qf-push-to-internal-pod")
    );
    find(&objects, "Pod", push.pod_name.as_deref().unwrap());
    assert_eq!(push.steps.len(), 1);
    let s = &push.steps[0];
    assert_eq!(
        (
            s.name.as_str(),
            s.container.as_str(),
            s.state.as_str(),
            s.exit_code
        ),
        ("push-image", "step-push-image", "Error", Some(1))
    );
    assert_eq!(s.termination_reason.as_deref(), Some("Error"));
    assert_eq!(tree.tasks[1].steps.len(), 2);
    assert_eq!(
        tree.skipped,
        [(
            "register-model".to_string(),
            "PipelineRun was stopping".to_string()
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Tekton: other shapes and bad input
// ---------------------------------------------------------------------------------------------

/// v1beta1 embedded `status.taskRuns` (name → {pipelineTaskName, status}), and a CustomRun.
#[test]
fn tekton_v1beta1_embedded_status() {
    let tr = load("tekton-taskrun-v1-failed-step-exit2.yaml");
    let pr = json!({
        "apiVersion": "tekton.dev/v1beta1", "kind": "PipelineRun",
        "metadata": {"name": "old"},
        "status": {
            "conditions": [{"type": "Succeeded", "status": "Unknown", "reason": "Running"}],
            "taskRuns": {
                "old-build": {"pipelineTaskName": "build", "status": tr["status"]},
                "old-gone": {"pipelineTaskName": "gone"},
            },
            "runs": {"old-approve": {"pipelineTaskName": "approve",
                "status": {"conditions": [{"type": "Succeeded", "status": "Unknown", "reason": "Running"}]}}},
        }
    });
    let tree = tekton::pipeline_run(&pr, &HashMap::new());
    assert_eq!(tree.phase, "Running");
    assert_eq!(tree.problems, ["TaskRun old-gone not found"]);
    let t = |name: &str| -> &TaskRunInfo { tree.tasks.iter().find(|t| t.name == name).unwrap() };
    assert_eq!(tree.tasks.len(), 3);
    let b = t("old-build");
    assert!(b.found);
    assert_eq!(b.pipeline_task.as_deref(), Some("build"));
    assert_eq!(b.phase, "Failed");
    assert_eq!(b.steps[2].exit_code, Some(2));
    let a = t("old-approve");
    assert_eq!(
        (a.kind.as_str(), a.phase.as_str()),
        ("CustomRun", "Running")
    );
    assert!(a.steps.is_empty());
    assert!(!t("old-gone").found);
    // The run with a start time comes first.
    assert_eq!(tree.tasks[0].name, "old-build");
}

#[test]
fn tekton_bad_input() {
    for pr in [
        json!({"metadata": {"name": "p"}}),
        json!({"metadata": {"name": "p"}, "status": {}}),
        json!(null),
    ] {
        let tree = tekton::pipeline_run(&pr, &HashMap::new());
        assert_eq!(tree.phase, "Pending");
        assert!(tree.tasks.is_empty());
        assert_eq!(tree.problems, ["PipelineRun has no status yet"], "{pr}");
    }
    let pr = json!({"metadata": {"name": "p"}, "status": {
        "conditions": "nope",
        "childReferences": [{"kind": "TaskRun"}, 5, {"name": "p-x", "kind": "CustomRun", "pipelineTaskName": "x"}],
        "skippedTasks": [{"reason": "When Expressions evaluated to false"}, {"name": "y", "reason": "When Expressions evaluated to false"}],
    }});
    let tree = tekton::pipeline_run(&pr, &HashMap::new());
    assert_eq!(tree.phase, "Pending");
    assert_eq!(
        tree.problems,
        [
            "status.childReferences[0] has no name",
            "status.childReferences[1] has no name",
            "CustomRun p-x not found",
            "status.skippedTasks[0] has no name",
        ]
    );
    assert_eq!(tree.tasks.len(), 1);
    assert_eq!(tree.tasks[0].kind, "CustomRun");
    assert_eq!(tree.tasks[0].pipeline_task.as_deref(), Some("x"));
    assert_eq!(
        tree.skipped,
        [(
            "y".to_string(),
            "When Expressions evaluated to false".to_string()
        )]
    );

    // Odd step shapes.
    let tr = json!({"metadata": {"name": "t", "labels": {"tekton.dev/pipelineTask": "lint"}}, "status": {
        "conditions": [{"type": "Succeeded", "status": "False", "reason": "TaskRunCancelled"}],
        "steps": [
            {"name": "a", "terminated": {"exitCode": 137}},
            {"name": "b", "terminated": {"exitCode": 0}},
            {"name": "c", "running": {"startedAt": "2024-01-01T00:00:00Z"}},
            {"name": "d"},
            {"name": "e", "waiting": {}},
            {"name": "f", "terminated": {"exitCode": 0, "reason": "Completed"}, "terminationReason": "Skipped"},
            7,
        ],
        "sidecars": [{"name": "proxy", "running": {}}],
    }});
    let info = tekton::task_run(&tr);
    assert_eq!(info.phase, "Cancelled");
    assert_eq!(info.pipeline_task.as_deref(), Some("lint"));
    let states: Vec<&str> = info.steps.iter().map(|s| s.state.as_str()).collect();
    assert_eq!(
        states,
        [
            "Error",
            "Completed",
            "Running",
            "Waiting",
            "Waiting",
            "Completed",
            "Waiting"
        ]
    );
    assert_eq!(info.steps[0].exit_code, Some(137));
    assert_eq!(info.steps[2].started, Some(ts("2024-01-01T00:00:00Z")));
    assert_eq!(info.steps[5].termination_reason.as_deref(), Some("Skipped"));
    assert_eq!(info.steps[6].container, "step-");
    assert_eq!(info.sidecars[0].container, "sidecar-proxy");
    assert_eq!(info.sidecars[0].state, "Running");
}
