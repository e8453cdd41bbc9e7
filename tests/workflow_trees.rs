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

/// One expected row: (guides and display name as drawn, depth, node ID, parent ID, type, phase).
type Row = (
    &'static str,
    usize,
    &'static str,
    Option<&'static str>,
    NodeType,
    &'static str,
);

struct ArgoCase {
    file: &'static str,
    /// Keys of `status.nodes`.
    nodes: usize,
    /// `argo list` STATUS.
    list_phase: &'static str,
    /// (succeeded, total) Pod nodes.
    progress: (usize, usize),
    version: PodNameVersion,
    /// The tree as `argo get` draws it, row by row.
    rows: Vec<Row>,
    /// Nodes `argo get` does not draw (step groups, single-attempt retries).
    hidden: &'static [&'static str],
}

/// Every tree below was worked out by hand from the fixture's `status.nodes` with the rules of
/// `argo get` (cmd/argo/commands/common/get.go): a DAG/Steps node holds the nodes whose
/// `boundaryID` is its ID, a StepGroup/Retry holds its `children`; siblings by `startedAt`,
/// ties by display name (or by the `(N:` item index when both have one); StepGroups are not
/// drawn and their children take `──` (an only child), `┬─` (first), `├─`, `└─` (last) on
/// the group's line; a Retry with one child is folded into that child.
#[rustfmt::skip]
fn argo_cases() -> Vec<ArgoCase> {
    use NodeType::*;
    vec![
        // Diamond A -> {B, C} -> D: all four tasks have boundaryID = the DAG, so they are
        // siblings under it, by start: A 04:27:23, B and C 04:27:30 (tie: "B" < "C"), D
        // 04:27:36. Their `children` (the execution order) draw nothing.
        ArgoCase {
            file: "argo-wf-dag-diamond-podname-v2-succeeded.yaml",
            nodes: 5,
            list_phase: "Succeeded",
            progress: (4, 4),
            version: PodNameVersion::V2,
            rows: vec![
                ("dag-diamond-82q7s", 0, "dag-diamond-82q7s", None, DAG, "Succeeded"),
                ("├─A", 1, "dag-diamond-82q7s-1310542453", Some("dag-diamond-82q7s"), Pod, "Succeeded"),
                ("├─B", 1, "dag-diamond-82q7s-1260209596", Some("dag-diamond-82q7s"), Pod, "Succeeded"),
                ("├─C", 1, "dag-diamond-82q7s-1276987215", Some("dag-diamond-82q7s"), Pod, "Succeeded"),
                ("└─D", 1, "dag-diamond-82q7s-1226654358", Some("dag-diamond-82q7s"), Pod, "Succeeded"),
            ],
            hidden: &[],
        },
        // DAG with failFast: false. In the DAG: A 09:11:58, the Retry nodes B and C 09:12:03
        // ("B" < "C"), D 09:12:37, E 09:12:42. Retry B has one child, B(0): folded, B(0) takes
        // its line. Retry C has two: drawn, C(0) 09:12:03 and C(1) 09:12:09 under it.
        ArgoCase {
            file: "argo-wf-dag-failed-failfast-disabled-retries.yaml",
            nodes: 9,
            list_phase: "Failed",
            progress: (4, 6),
            version: PodNameVersion::V2,
            rows: vec![
                ("dag-disable-fail-fast-r6xdc", 0, "dag-disable-fail-fast-r6xdc", None, DAG, "Failed"),
                ("├─A", 1, "dag-disable-fail-fast-r6xdc-3928436299", Some("dag-disable-fail-fast-r6xdc"), Pod, "Succeeded"),
                ("├─B(0)", 1, "dag-disable-fail-fast-r6xdc-4286504589", Some("dag-disable-fail-fast-r6xdc"), Pod, "Succeeded"),
                ("├─C", 1, "dag-disable-fail-fast-r6xdc-3961991537", Some("dag-disable-fail-fast-r6xdc"), Retry, "Failed"),
                ("│ ├─C(0)", 2, "dag-disable-fail-fast-r6xdc-3256495944", Some("dag-disable-fail-fast-r6xdc-3961991537"), Pod, "Failed"),
                ("│ └─C(1)", 2, "dag-disable-fail-fast-r6xdc-3457680277", Some("dag-disable-fail-fast-r6xdc-3961991537"), Pod, "Failed"),
                ("├─D", 1, "dag-disable-fail-fast-r6xdc-3978769156", Some("dag-disable-fail-fast-r6xdc"), Pod, "Succeeded"),
                ("└─E", 1, "dag-disable-fail-fast-r6xdc-3995546775", Some("dag-disable-fail-fast-r6xdc"), Pod, "Succeeded"),
            ],
            hidden: &["dag-disable-fail-fast-r6xdc-3945213918"],
        },
        // DAG whose Retry node step1 has attempts (0) Failed 10:22:43, (1) Failed 10:22:51, (2)
        // Succeeded 10:23:01. The workflow has no status.phase (and the root node none either):
        // `argo list` says "Pending" for an object with a creation time.
        ArgoCase {
            file: "argo-wf-dag-retry-succeeded.yaml",
            nodes: 5,
            list_phase: "Pending",
            progress: (1, 3),
            version: PodNameVersion::V2,
            rows: vec![
                ("dag-with-retries-4wkh8", 0, "dag-with-retries-4wkh8", None, DAG, ""),
                ("└─step1", 1, "dag-with-retries-4wkh8-2805650605", Some("dag-with-retries-4wkh8"), Retry, "Succeeded"),
                ("  ├─step1(0)", 2, "dag-with-retries-4wkh8-2105190396", Some("dag-with-retries-4wkh8-2805650605"), Pod, "Failed"),
                ("  ├─step1(1)", 2, "dag-with-retries-4wkh8-1501049017", Some("dag-with-retries-4wkh8-2805650605"), Pod, "Failed"),
                ("  └─step1(2)", 2, "dag-with-retries-4wkh8-2172006682", Some("dag-with-retries-4wkh8-2805650605"), Pod, "Succeeded"),
            ],
            hidden: &[],
        },
        // Steps: group [0] (hidden) holds the Retry nodes fail and delayed-fail, both started
        // 01:23:18, so by name: "delayed-fail" < "fail". The first child of the group draws on
        // the group's line ("└─" + "┬─"), the last one "└─" below it. Attempts by start:
        // delayed-fail(0) 01:23:18, (1) 01:23:28; fail(0) 01:23:18, (1) 01:23:27. All four
        // failed; the workflow is still Running.
        ArgoCase {
            file: "argo-wf-steps-failed-retries-running.yaml",
            nodes: 8,
            list_phase: "Running",
            progress: (0, 4),
            version: PodNameVersion::V2,
            rows: vec![
                ("failed-retries-tjjsc", 0, "failed-retries-tjjsc", None, Steps, "Running"),
                ("└─┬─delayed-fail", 1, "failed-retries-tjjsc-1574533273", Some("failed-retries-tjjsc"), Retry, "Running"),
                ("  │ ├─delayed-fail(0)", 2, "failed-retries-tjjsc-1375221696", Some("failed-retries-tjjsc-1574533273"), Pod, "Failed"),
                ("  │ └─delayed-fail(1)", 2, "failed-retries-tjjsc-2113289837", Some("failed-retries-tjjsc-1574533273"), Pod, "Failed"),
                ("  └─fail", 1, "failed-retries-tjjsc-20069324", Some("failed-retries-tjjsc"), Retry, "Failed"),
                ("    ├─fail(0)", 2, "failed-retries-tjjsc-1229492679", Some("failed-retries-tjjsc-20069324"), Pod, "Failed"),
                ("    └─fail(1)", 2, "failed-retries-tjjsc-759866442", Some("failed-retries-tjjsc-20069324"), Pod, "Failed"),
            ],
            hidden: &["failed-retries-tjjsc-2095973878"],
        },
        // Steps with pod-name-format v2: groups [0] 02:41:51 and [1] 02:43:30 in the Steps
        // node, both hidden. [0]'s only child hello1 draws "├─" + "──"; [1]'s hello2a and
        // hello2b (same start, by name) draw "└─┬─" and "  └─". hello1 lists [1] as a child,
        // which draws nothing: [1] is not a child of a group, so it sits in its boundary.
        ArgoCase {
            file: "argo-wf-steps-podname-v2-succeeded.yaml",
            nodes: 6,
            list_phase: "Succeeded",
            progress: (3, 3),
            version: PodNameVersion::V2,
            rows: vec![
                ("steps-4k5vn", 0, "steps-4k5vn", None, Steps, "Succeeded"),
                ("├───hello1", 1, "steps-4k5vn-1044844302", Some("steps-4k5vn"), Pod, "Succeeded"),
                ("└─┬─hello2a", 1, "steps-4k5vn-2627784879", Some("steps-4k5vn"), Pod, "Succeeded"),
                ("  └─hello2b", 1, "steps-4k5vn-2644562498", Some("steps-4k5vn"), Pod, "Succeeded"),
            ],
            hidden: &["steps-4k5vn-899690889", "steps-4k5vn-4053927188"],
        },
    ]
}

/// "guides + display name" per row, as the steps pane draws the STEP column (less the icon).
fn drawn(tree: &Tree) -> Vec<String> {
    tree.rows
        .iter()
        .map(|r| format!("{}{}", r.prefix, r.node.display_name))
        .collect()
}

#[test]
fn argo_fixture_trees() {
    for case in argo_cases() {
        let wf = load(case.file);
        let f = case.file;
        let tree = argo::build(&wf, &no_pods());
        assert!(tree.problems.is_empty(), "{f}: {:?}", tree.problems);
        assert_eq!(
            wf["status"]["nodes"].as_object().unwrap().len(),
            case.nodes,
            "{f}"
        );
        assert_eq!(
            case.rows.len() + case.hidden.len(),
            case.nodes,
            "{f}: every node is a row or hidden"
        );
        let expected: Vec<&str> = case.rows.iter().map(|r| r.0).collect();
        assert_eq!(drawn(&tree), expected, "{f}");
        for (i, (_, depth, id, parent, ty, phase)) in case.rows.iter().enumerate() {
            let row = &tree.rows[i];
            assert_eq!(row.node.id, *id, "{f}: row {i}");
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
        for id in case.hidden {
            assert!(tree.row(id).is_none(), "{f}: {id} is drawn");
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

fn argo_node(
    id: &str,
    name: &str,
    display: &str,
    ty: &str,
    boundary: &str,
    start: Option<&str>,
    children: &[&str],
) -> (String, Value) {
    let mut n = json!({"id": id, "name": name, "displayName": display, "type": ty,
                       "phase": "Succeeded", "children": children});
    if !boundary.is_empty() {
        n["boundaryID"] = json!(boundary);
    }
    if let Some(t) = start {
        n["startedAt"] = json!(t);
    }
    (id.to_string(), n)
}

/// `argo get`'s guides and order on a workflow that has every case: groups of one and of
/// many, item indexes, a node not started yet (Go's zero time sorts first), an omitted node
/// (not drawn, but counted by its siblings' guides as `argo get` counts it), a folded retry, a
/// nested Steps template and the exit handler. Worked out by hand from `renderChild`.
#[test]
fn argo_get_guides() {
    let t = |s: u32| format!("2024-01-01T00:00:{s:02}Z");
    let (t0, t10, t20, t30) = (t(0), t(10), t(20), t(30));
    let on_exit = argo::node_id("wf", "wf.onExit");
    let nodes: serde_json::Map<String, Value> = [
        argo_node("wf", "wf", "wf", "Steps", "", Some(&t0), &["wf-g0"]),
        argo_node(
            "wf-g0",
            "wf[0]",
            "[0]",
            "StepGroup",
            "wf",
            Some(&t0),
            &["wf-a"],
        ),
        argo_node("wf-a", "wf[0].a", "a", "Pod", "wf", Some(&t0), &["wf-g1"]),
        argo_node(
            "wf-g1",
            "wf[1]",
            "[1]",
            "StepGroup",
            "wf",
            Some(&t10),
            &["wf-x2", "wf-y", "wf-x0", "wf-z", "wf-x10", "wf-w"],
        ),
        argo_node(
            "wf-x2",
            "wf[1].x(2:c)",
            "x(2:c)",
            "Pod",
            "wf",
            Some(&t10),
            &[],
        ),
        argo_node(
            "wf-x0",
            "wf[1].x(0:a)",
            "x(0:a)",
            "Pod",
            "wf",
            Some(&t10),
            &[],
        ),
        argo_node(
            "wf-x10",
            "wf[1].x(10:k)",
            "x(10:k)",
            "Pod",
            "wf",
            Some(&t10),
            &[],
        ),
        argo_node("wf-y", "wf[1].y", "y", "Pod", "wf", Some(&t10), &[]),
        argo_node("wf-z", "wf[1].z", "z", "Skipped", "wf", Some(&t10), &[]),
        argo_node("wf-w", "wf[1].w", "w", "Pod", "wf", None, &[]),
        argo_node(
            "wf-g2",
            "wf[2]",
            "[2]",
            "StepGroup",
            "wf",
            Some(&t20),
            &["wf-r"],
        ),
        argo_node(
            "wf-r",
            "wf[2].r",
            "r",
            "Retry",
            "wf",
            Some(&t20),
            &["wf-r0"],
        ),
        argo_node("wf-r0", "wf[2].r(0)", "r(0)", "Pod", "wf", Some(&t20), &[]),
        argo_node(
            "wf-g3",
            "wf[3]",
            "[3]",
            "StepGroup",
            "wf",
            Some(&t30),
            &["wf-n"],
        ),
        argo_node(
            "wf-n",
            "wf[3].n",
            "n",
            "Steps",
            "wf",
            Some(&t30),
            &["wf-n0"],
        ),
        argo_node(
            "wf-n0",
            "wf[3].n[0]",
            "[0]",
            "StepGroup",
            "wf-n",
            Some(&t30),
            &["wf-q", "wf-p"],
        ),
        argo_node("wf-p", "wf[3].n[0].p", "p", "Pod", "wf-n", Some(&t30), &[]),
        argo_node("wf-q", "wf[3].n[0].q", "q", "Pod", "wf-n", Some(&t30), &[]),
        argo_node(
            &on_exit,
            "wf.onExit",
            "wf.onExit",
            "Pod",
            "",
            Some(&t30),
            &[],
        ),
    ]
    .into_iter()
    .collect();
    let mut wf = wf_with(Value::Object(nodes));
    wf["status"]["nodes"]["wf-z"]["phase"] = json!("Omitted");
    let tree = argo::build(&wf, &no_pods());
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(
        drawn(&tree),
        [
            "wf",
            "├───a",
            "├─┬─w",
            "│ ├─x(0:a)",
            "│ ├─x(2:c)",
            "│ ├─x(10:k)",
            "│ ├─y",
            "├───r(0)",
            "└───n",
            "    └─┬─p",
            "      └─q",
            "wf.onExit",
        ]
    );
    let shape: Vec<(usize, Option<&str>)> = tree
        .rows
        .iter()
        .map(|r| (r.depth, r.parent.as_deref()))
        .collect();
    assert_eq!(
        shape,
        [
            (0, None),
            (1, Some("wf")),
            (1, Some("wf")),
            (1, Some("wf")),
            (1, Some("wf")),
            (1, Some("wf")),
            (1, Some("wf")),
            (1, Some("wf")),
            (1, Some("wf")),
            (2, Some("wf-n")),
            (2, Some("wf-n")),
            (0, None),
        ]
    );
}

/// (display name, depends on, `depends` as written, needed by) of every drawn row with edges.
type Edges = (String, Vec<String>, Option<String>, Vec<String>);

fn edges(tree: &Tree) -> Vec<Edges> {
    tree.rows
        .iter()
        .filter_map(|r| {
            let d = r.deps.as_ref()?;
            Some((
                r.node.display_name.clone(),
                d.depends_on.clone(),
                d.expression.clone(),
                d.needed_by.clone(),
            ))
        })
        .collect()
}

fn e(name: &str, on: &[&str], expr: Option<&str>, by: &[&str]) -> Edges {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect();
    (name.into(), v(on), expr.map(str::to_string), v(by))
}

/// A DAG task's edges come from its template (`depends` or `dependencies`), for the task's
/// node, its folded retry and its attempts; the DAG itself and Steps nodes have none.
#[test]
fn argo_dag_task_edges() {
    // spec.templates "diamond": B and C `depends: A`, D `depends: B && C`.
    let tree = argo::build(
        &load("argo-wf-dag-diamond-podname-v2-succeeded.yaml"),
        &no_pods(),
    );
    assert_eq!(
        edges(&tree),
        [
            e("A", &[], None, &["B", "C"]),
            e("B", &["A"], Some("A"), &["D"]),
            e("C", &["A"], Some("A"), &["D"]),
            e("D", &["B", "C"], Some("B && C"), &[]),
        ]
    );
    // spec.templates "statis": `dependencies` lists. B(0) stands for the folded Retry B; C's
    // attempts share C's edges.
    let tree = argo::build(
        &load("argo-wf-dag-failed-failfast-disabled-retries.yaml"),
        &no_pods(),
    );
    assert_eq!(
        edges(&tree),
        [
            e("A", &[], None, &["B", "C"]),
            e("B(0)", &["A"], None, &["D"]),
            e("C", &["A"], None, &[]),
            e("C(0)", &["A"], None, &[]),
            e("C(1)", &["A"], None, &[]),
            e("D", &["B"], None, &["E"]),
            e("E", &["D"], None, &[]),
        ]
    );
    let tree = argo::build(&load("argo-wf-dag-retry-succeeded.yaml"), &no_pods());
    assert_eq!(edges(&tree).len(), 4);
    assert!(
        edges(&tree)
            .iter()
            .all(|(_, on, _, by)| on.is_empty() && by.is_empty())
    );
    for file in [
        "argo-wf-steps-failed-retries-running.yaml",
        "argo-wf-steps-podname-v2-succeeded.yaml",
    ] {
        let tree = argo::build(&load(file), &no_pods());
        assert!(edges(&tree).is_empty(), "{file}");
    }
    assert_eq!(
        kdoc::core::workflows::deps_text(tree_deps(
            &argo::build(
                &load("argo-wf-dag-diamond-podname-v2-succeeded.yaml"),
                &no_pods()
            ),
            "dag-diamond-82q7s-1226654358"
        )),
        "depends on B && C · needed by nothing"
    );
}

fn tree_deps<'a>(tree: &'a Tree, id: &str) -> &'a argo::TaskDeps {
    tree.row(id).and_then(|r| r.deps.as_ref()).unwrap()
}

/// A DAG from another WorkflowTemplate (`templateRef`) is read from `status.storedTemplates`;
/// a `depends` expression names each task once, whatever the result it asks for.
#[test]
fn argo_dag_edges_from_stored_templates() {
    let t = "2024-01-01T00:00:00Z";
    let nodes: serde_json::Map<String, Value> = [
        argo_node("wf", "wf", "wf", "DAG", "", Some(t), &[]),
        argo_node("wf-a", "wf.a", "a", "Pod", "wf", Some(t), &[]),
        argo_node("wf-b", "wf.b", "b", "Pod", "wf", Some(t), &[]),
        argo_node("wf-c", "wf.c(0:x)", "c(0:x)", "Pod", "wf", Some(t), &[]),
        argo_node("wf-d", "wf.d", "d", "Pod", "wf", Some(t), &[]),
    ]
    .into_iter()
    .collect();
    let mut wf = wf_with(Value::Object(nodes));
    wf["status"]["nodes"]["wf"]["templateRef"] = json!({"name": "lib", "template": "pipe"});
    wf["spec"] = json!({"templates": [{"name": "pipe", "dag": {"tasks": [{"name": "a"}]}}]});
    wf["status"]["storedTemplates"] = json!({"namespaced/lib/pipe": {"name": "pipe", "dag": {"tasks": [
        {"name": "a"},
        {"name": "b"},
        {"name": "c", "depends": "a"},
        {"name": "d", "depends": "a.Succeeded || (b && !c.Failed) || a.Failed || unknown"},
    ]}}});
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(
        edges(&tree),
        [
            e("a", &[], None, &["c", "d"]),
            e("b", &[], None, &["d"]),
            e("c(0:x)", &["a"], Some("a"), &["d"]),
            e(
                "d",
                &["a", "b", "c"],
                Some("a.Succeeded || (b && !c.Failed) || a.Failed || unknown"),
                &[]
            ),
        ]
    );
    // Without the stored copy the local template of the same name is not it: no edges.
    wf["status"]["storedTemplates"] = json!({});
    assert!(edges(&argo::build(&wf, &no_pods())).is_empty());
}

/// `RecoverIndexFromNodeName`: the number between the first `(` and the first `:`.
#[test]
fn argo_item_index() {
    use argo::tree::item_index;
    assert_eq!(item_index("A(3:foo)"), Some(3));
    assert_eq!(item_index("A(12:{\"a\":1})"), Some(12));
    assert_eq!(item_index("a(+2:x)"), Some(2));
    // Retry attempts have no colon; a colon before the parenthesis (Go would panic slicing),
    // no number, or a negative one: no index.
    for name in [
        "fail(0)", "x:(1:a)", "a(:b)", "a(-1:x)", "a(b:c)", "plain", "",
    ] {
        assert_eq!(item_index(name), None, "{name}");
    }
}

/// Nodes `argo get` does not draw at all: kdoc draws Container nodes in the pod their boundary
/// names (a container set) and leaves out TaskGroup nodes, whose items sit in the DAG.
#[test]
fn argo_container_and_task_group_nodes() {
    let t = "2024-01-01T00:00:00Z";
    let nodes: serde_json::Map<String, Value> = [
        argo_node("wf", "wf", "wf", "DAG", "", Some(t), &["wf-p", "wf-tg"]),
        argo_node(
            "wf-p",
            "wf.p",
            "p",
            "Pod",
            "wf",
            Some(t),
            &["wf-c1", "wf-c2"],
        ),
        argo_node(
            "wf-c1",
            "wf.p.main",
            "main",
            "Container",
            "wf-p",
            Some(t),
            &[],
        ),
        argo_node("wf-c2", "wf.p.b", "b", "Container", "wf-p", Some(t), &[]),
        argo_node(
            "wf-tg",
            "wf.t",
            "t",
            "TaskGroup",
            "wf",
            Some(t),
            &["wf-t0", "wf-t1"],
        ),
        argo_node("wf-t0", "wf.t(0:x)", "t(0:x)", "Pod", "wf", Some(t), &[]),
        argo_node("wf-t1", "wf.t(1:y)", "t(1:y)", "Pod", "wf", Some(t), &[]),
    ]
    .into_iter()
    .collect();
    let tree = argo::build(&wf_with(Value::Object(nodes)), &no_pods());
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    // Same start everywhere: by name, "p" < "t" < "t(0:x)" < "t(1:y)" ("t" vs "t(…": no index).
    assert_eq!(
        drawn(&tree),
        ["wf", "├─p", "│ ├─b", "│ └─main", "├─t(0:x)", "└─t(1:y)"]
    );
    assert!(tree.row("wf-tg").is_none());
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
                (1, "build-image", Some("iris-demo")),
                (1, "deploy", Some("iris-demo")),
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
    // The three attempts are still there, the last one still drawn last.
    assert_eq!(
        drawn(&tree),
        [
            "dag-with-retries-4wkh8",
            "└─step1",
            "  ├─step1(0)",
            "  ├─step1(1)",
            "  └─step1(2)"
        ]
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
    // A type kdoc does not know is drawn where a Pod would be; a Skipped node too.
    assert_eq!(
        drawn(&tree),
        ["steps-4k5vn", "├───hello1", "└─┬─hello2a", "  └─hello2b"]
    );
    let q = node(&tree, "steps-4k5vn-2627784879");
    assert_eq!(q.node_type, NodeType::Unknown("Quantum".into()));
    assert_eq!(q.node_type.as_str(), "Quantum");
    assert_eq!(q.pod_name, None);
    let s = node(&tree, "steps-4k5vn-2644562498");
    assert_eq!(s.node_type, NodeType::Skipped);
    assert_eq!(s.phase, "Skipped");
    assert_eq!(s.pod_name, None);
    assert_eq!(argo::progress(&wf), (1, 1));

    // An omitted Skipped node is not drawn (`filterNode`); its sibling keeps the guide it had.
    wf["status"]["nodes"]["steps-4k5vn-2644562498"]["phase"] = json!("Omitted");
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(drawn(&tree), ["steps-4k5vn", "├───hello1", "└─┬─hello2a"]);

    // Nodes without a type or a boundary (before Argo 2.1): they hang under the node that
    // lists them as a child.
    let wf = wf_with(
        json!({"wf": {"id": "wf", "name": "wf", "children": ["wf-1"]},
                            "wf-1": {"id": "wf-1", "name": "wf.x"}}),
    );
    let tree = argo::build(&wf, &no_pods());
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(
        tree.rows[1].node.node_type,
        NodeType::Unknown(String::new())
    );
    assert_eq!(tree.rows[1].parent.as_deref(), Some("wf"));
}

#[test]
fn argo_cycles() {
    // A DAG inside itself, and two DAGs inside each other with a pod in one of them: nothing
    // leads there from the root. Each is drawn once from where its cycle closes.
    let wf = wf_with(json!({
        "wf": {"id": "wf", "name": "wf", "type": "DAG"},
        "wf-s": {"id": "wf-s", "name": "wf.s", "displayName": "s", "type": "DAG", "boundaryID": "wf-s"},
        "wf-x": {"id": "wf-x", "name": "wf.x", "displayName": "x", "type": "DAG", "boundaryID": "wf-y"},
        "wf-y": {"id": "wf-y", "name": "wf.y", "displayName": "y", "type": "DAG", "boundaryID": "wf-x"},
        "wf-p": {"id": "wf-p", "name": "wf.p", "displayName": "p", "type": "Pod", "boundaryID": "wf-x"},
    }));
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(drawn(&tree), ["", "x", "├─p", "└─y", "s"]);
    assert_eq!(ids(&tree), ["wf", "wf-x", "wf-p", "wf-y", "wf-s"]);
    assert_eq!(
        tree.problems,
        [
            "node wf-x (wf.x) is not reachable from the root wf",
            "cycle: node wf-y (wf.y) contains wf-x, which encloses it",
            "node wf-s (wf.s) is not reachable from the root wf",
            "cycle: node wf-s (wf.s) contains wf-s, which encloses it",
        ]
    );

    // A step group that lists the workflow's own node: no root at all; it is drawn from the
    // workflow's node anyway.
    let wf = wf_with(json!({
        "wf": {"id": "wf", "name": "wf", "type": "Steps", "children": ["wf-g"]},
        "wf-g": {"id": "wf-g", "name": "wf[0]", "type": "StepGroup", "boundaryID": "wf", "children": ["wf"]},
    }));
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(ids(&tree), ["wf"]);
    assert_eq!(
        tree.problems,
        [
            "node wf (wf) is not reachable from any root",
            "cycle: node wf-g (wf[0]) contains wf, which encloses it",
        ]
    );
}

#[test]
fn argo_unreachable_and_extra_roots() {
    // A task whose boundary is gone and that nothing lists as a child: drawn as a root of its
    // own after the workflow's tree, with both problems said.
    let mut wf = load("argo-wf-dag-diamond-podname-v2-succeeded.yaml");
    wf["status"]["nodes"]["dag-diamond-82q7s"]["children"] = json!([]);
    wf["status"]["nodes"]["dag-diamond-82q7s-1310542453"]["boundaryID"] = json!("gone");
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(
        tree.problems,
        [
            "node dag-diamond-82q7s-1310542453 (dag-diamond-82q7s.A) has boundaryID gone, which is not in status.nodes",
            "node dag-diamond-82q7s-1310542453 (dag-diamond-82q7s.A) is not reachable from the root dag-diamond-82q7s",
        ]
    );
    assert_eq!(
        drawn(&tree),
        ["dag-diamond-82q7s", "├─B", "├─C", "└─D", "A"]
    );
    let a = tree.row("dag-diamond-82q7s-1310542453").unwrap();
    assert_eq!((a.depth, a.parent.as_deref()), (0, None));
    // With its boundary gone but still listed as a child, it hangs under the lister.
    let mut wf = load("argo-wf-dag-diamond-podname-v2-succeeded.yaml");
    wf["status"]["nodes"]["dag-diamond-82q7s-1310542453"]["boundaryID"] = json!("gone");
    let tree = argo::build(&wf, &no_pods());
    assert_eq!(tree.problems.len(), 1, "{:?}", tree.problems);
    assert_eq!(
        drawn(&tree),
        ["dag-diamond-82q7s", "├─A", "├─B", "├─C", "└─D"]
    );

    // The exit handler (ID `Workflow.NodeID("<wf>.onExit")`) is a second root, not a problem,
    // and follows the main tree even when it started first.
    let on_exit = argo::node_id("wf", "wf.onExit");
    let mut exit = pod_node(&on_exit, "wf.onExit", &[]);
    exit["startedAt"] = json!("2000-01-01T00:00:00Z");
    let mut wf = wf_with(json!({
        "wf": {"id": "wf", "name": "wf", "type": "Steps", "children": ["wf-1"]},
        "wf-1": pod_node("wf-1", "wf[0].a", &[]),
    }));
    wf["status"]["nodes"][&on_exit] = exit;
    let tree = argo::build(&wf, &no_pods());
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(ids(&tree), ["wf", "wf-1", on_exit.as_str()]);
    assert_eq!(tree.row(&on_exit).unwrap().depth, 0);
    // An exit handler with another ID is known by its name.
    let wf = wf_with(json!({
        "wf": {"id": "wf", "name": "wf", "type": "Steps", "children": ["wf-1"]},
        "wf-1": pod_node("wf-1", "wf[0].a", &[]),
        "wf-0": pod_node("wf-0", "wf.onExit", &[]),
    }));
    let tree = argo::build(&wf, &no_pods());
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(ids(&tree), ["wf", "wf-1", "wf-0"]);

    // No node with the workflow's name: every node nothing contains is a root.
    let wf = wf_with(json!({
        "old-1": pod_node("old-1", "old.a", &["old-2"]),
        "old-2": pod_node("old-2", "old.b", &[]),
        "old-3": pod_node("old-3", "old.c", &[]),
    }));
    let tree = argo::build(&wf, &no_pods());
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(ids(&tree), ["old-1", "old-2", "old-3"]);
    assert_eq!(tree.row("old-2").unwrap().parent.as_deref(), Some("old-1"));
    assert_eq!(tree.row("old-3").unwrap().depth, 0);
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
                "not found"
            ),
            (
                "jenkins-x-jx-pr-7463-boot-vault-9mbgb-17-e2e-tests-ds74m",
                true,
                "Succeeded"
            ),
        ]
    );
    // The condition counts both tasks as done: PROGRESS 2/2, not the 1/2 the runs alone show.
    assert_eq!(tekton::progress(&tree), (2, 2));
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

/// The counts of a PipelineRun's condition message, in each shape Tekton has written.
#[test]
fn tekton_condition_counts() {
    use tekton::TaskCounts;
    let c = |completed, failed, cancelled, skipped, incomplete| TaskCounts {
        completed,
        failed,
        cancelled,
        skipped,
        incomplete,
    };
    for (msg, counts) in [
        ("Tasks Completed: 2, Skipped: 0", Some(c(2, 0, 0, 0, 0))),
        (
            "Tasks Completed: 4 (Failed: 2, Cancelled 0), Skipped: 1",
            Some(c(4, 2, 0, 1, 0)),
        ),
        (
            "Tasks Completed: 1 (Failed: 0, Cancelled 0), Incomplete: 1, Skipped: 0",
            Some(c(1, 0, 0, 0, 1)),
        ),
        (
            "Tasks Completed: 3 (Failed: 1 (Ignored: 1), Cancelled 0), Skipped: 2",
            Some(c(3, 1, 0, 2, 0)),
        ),
        ("PipelineRun \"p\" failed to finish within \"1h0m0s\"", None),
        ("Tasks Completed: many", None),
        ("", None),
    ] {
        assert_eq!(tekton::task_counts(msg), counts, "{msg}");
    }
    // Progress: the runs, or the condition when it says more.
    let pr = load("tekton-pipelinerun-v1-succeeded-two-taskruns.yaml");
    let tree = tekton::pipeline_run(&pr, &HashMap::new());
    assert!(tree.tasks.iter().all(|t| t.phase == tekton::NOT_FOUND));
    assert_eq!(tekton::progress(&tree), (2, 2));
    let pr = load("tekton-pipelinerun-v1-failed-childrefs.yaml");
    let tree = tekton::pipeline_run(&pr, &HashMap::new());
    assert_eq!(tekton::progress(&tree), (0, 1));
}

/// Fixture TaskRuns as a cluster holds them: in the PipelineRuns' namespace.
fn in_jx(mut v: Value) -> Value {
    v["metadata"]["namespace"] = json!("jx");
    v
}

/// A TaskRun no PipelineRun owns, labels or references is a row of the workflows view of its
/// own (the captured TaskRuns carry neither owner nor label, so references decide); its steps
/// are its tree.
#[test]
fn tekton_standalone_taskrun() {
    use kdoc::core::workflows::{self, WfKind};
    use std::collections::BTreeMap;
    let prs: BTreeMap<_, _> = [
        "tekton-pipelinerun-v1-failed-childrefs.yaml",
        "tekton-pipelinerun-v1-succeeded-two-taskruns.yaml",
    ]
    .map(|f| {
        let v = load(f);
        let name = v["metadata"]["name"].as_str().unwrap().to_string();
        ((WfKind::Tekton, "jx".to_string(), name), v)
    })
    .into_iter()
    .collect();
    let mut trs: BTreeMap<_, _> = [
        "tekton-taskrun-v1-failed-step-exit2.yaml",
        "tekton-taskrun-v1-pending-podinitializing-podname.yaml",
        "tekton-taskrun-v1-succeeded-e2e-tests.yaml",
    ]
    .map(|f| {
        let v = in_jx(load(f));
        let name = v["metadata"]["name"].as_str().unwrap().to_string();
        (("jx".to_string(), name), v)
    })
    .into_iter()
    .collect();
    let rows = workflows::workflow_rows(&prs, &trs);
    let got: Vec<(WfKind, &str, &str, usize, usize)> = rows
        .iter()
        .map(|r| {
            (
                r.key.0,
                r.key.2.as_str(),
                r.phase.as_str(),
                r.succeeded,
                r.total,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                WfKind::Tekton,
                "jenkins-x-charts-jx-build-templ-wbbx6-7",
                "Failed",
                0,
                1
            ),
            (
                WfKind::Tekton,
                "jenkins-x-jx-pr-7463-boot-vault-9mbgb-17",
                "Succeeded",
                2,
                2
            ),
            (
                WfKind::TaskRun,
                "release-zm5v8-from-build-pack-9f2m9",
                "Pending",
                0,
                16
            ),
        ]
    );

    // Its steps: the TaskRun, then its 16 steps, waiting for the pod to initialise.
    let key = (
        WfKind::TaskRun,
        "jx".to_string(),
        "release-zm5v8-from-build-pack-9f2m9".to_string(),
    );
    let tr = &trs[&(key.1.clone(), key.2.clone())];
    let steps = workflows::steps(&key, tr, &trs, &[]);
    assert!(steps.problems.is_empty());
    assert_eq!(steps.rows.len(), 17);
    let root = &steps.rows[0];
    assert_eq!(
        (
            root.prefix.as_str(),
            root.name.as_str(),
            root.kind.as_str(),
            root.phase.as_str()
        ),
        (
            "",
            "release-zm5v8-from-build-pack-9f2m9",
            "TaskRun",
            "Pending"
        )
    );
    assert_eq!(
        root.pod_key.as_deref(),
        Some("release-zm5v8-from-build-pack-9f2m9-pod-xsg5h")
    );
    assert_eq!(root.container.as_deref(), Some("step-git-clone"));
    let first = &steps.rows[1];
    assert_eq!(
        (
            first.prefix.as_str(),
            first.name.as_str(),
            first.phase.as_str()
        ),
        ("├─", "git-clone", "Waiting: PodInitializing")
    );
    let last = &steps.rows[16];
    assert_eq!(
        (last.prefix.as_str(), last.name.as_str(), last.kind.as_str()),
        ("└─", "promote-jx-promote", "Step")
    );

    // Owned by a PipelineRun (an ownerReference, or the label alone): not on its own, even
    // when that PipelineRun is not in the cluster.
    let name = (
        "jx".to_string(),
        "release-zm5v8-from-build-pack-9f2m9".to_string(),
    );
    let owned = |trs: &BTreeMap<(String, String), Value>| {
        workflows::workflow_rows(&prs, trs)
            .iter()
            .any(|r| r.key.0 == WfKind::TaskRun)
    };
    trs.get_mut(&name).unwrap()["metadata"]["ownerReferences"] = json!([
        {"apiVersion": "tekton.dev/v1", "kind": "PipelineRun", "name": "release-zm5v8", "uid": "u"}
    ]);
    assert!(!owned(&trs));
    trs.get_mut(&name).unwrap()["metadata"]["ownerReferences"] = json!(null);
    trs.get_mut(&name).unwrap()["metadata"]["labels"] =
        json!({"tekton.dev/pipelineRun": "release-zm5v8"});
    assert!(!owned(&trs));
    trs.get_mut(&name).unwrap()["metadata"]["labels"] = json!({"app": "x"});
    assert!(owned(&trs));
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
