//! Without kubectl: CRDs added through the simulator's helpers (as a benchmark adds 10,000
//! objects), their Table responses over HTTP, and the `hostile` scenario's refusal and odd
//! cells as the server sends them.

mod common;

use kdoc::sim::bulk;
use kdoc::sim::scenario::{builtin, hostile, load::LoadSpec};
use kdoc::sim::{Sim, SimConfig};
use serde_json::{Value, json};

const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

async fn start(name: &str) -> Sim {
    common::start_with(SimConfig {
        scenario: builtin(name, &LoadSpec::default()).unwrap(),
        ..SimConfig::default()
    })
    .await
}

async fn get(sim: &Sim, path: &str, accept: &str) -> (u16, Value) {
    let (code, body) = common::raw(sim, "GET", path, &[("Accept", accept)]).await;
    let v = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    (code, v)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_objects_of_one_kind_for_a_benchmark() {
    let sim = start("empty").await;
    assert_eq!(sim.add_config_maps("bench", 10_000).unwrap(), 10_000);
    assert_eq!(sim.add_bench_items("bench", 10_000).unwrap(), 10_000);
    let (code, list) = get(
        &sim,
        "/api/v1/namespaces/bench/configmaps?limit=500",
        "application/json",
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 500);
    assert_eq!(list["metadata"]["remainingItemCount"], 9_500);

    let (code, t) = get(
        &sim,
        &format!(
            "/apis/{}/v1/namespaces/bench/{}?limit=3",
            bulk::BENCH_GROUP,
            bulk::BENCH_PLURAL
        ),
        TABLE,
    )
    .await;
    assert_eq!(code, 200, "{t}");
    let cols: Vec<(&str, &str, i64)> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["type"].as_str().unwrap(),
                c["priority"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cols,
        [
            ("Name", "string", 0),
            ("Phase", "string", 0),
            ("Replicas", "integer", 0),
            ("Ready", "boolean", 0),
            ("Owner", "string", 1),
            ("Age", "date", 0),
        ]
    );
    let first = &t["rows"][0]["cells"];
    assert_eq!(first[0], "item-00000");
    assert_eq!(first[1], "Running");
    assert_eq!(first[2], 0);
    assert_eq!(first[3], false);
    assert_eq!(first[4], "team-0");
    // The CRD is an object like any other, and discovery serves its short name.
    let (code, _) = get(
        &sim,
        &format!(
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{}.{}",
            bulk::BENCH_PLURAL,
            bulk::BENCH_GROUP
        ),
        "application/json",
    )
    .await;
    assert_eq!(code, 200);
    let (_, d) = get(
        &sim,
        &format!("/apis/{}/v1", bulk::BENCH_GROUP),
        "application/json",
    )
    .await;
    assert_eq!(d["resources"][0]["shortNames"], json!(["bench"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_sends_the_forbidden_status_and_odd_cells() {
    let sim = start("hostile").await;
    let (code, status) = get(
        &sim,
        "/api/v1/namespaces/argowf/secrets",
        "application/json",
    )
    .await;
    assert_eq!(code, 403);
    assert_eq!(
        status,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "secrets is forbidden: User \"kdoc-demo\" cannot list resource \"secrets\" in API group \"\" in the namespace \"argowf\"",
               "reason": "Forbidden", "details": {"kind": "secrets"}, "code": 403})
    );
    let (code, _) = get(
        &sim,
        "/api/v1/namespaces/argowf/secrets/x",
        "application/json",
    )
    .await;
    assert_eq!(code, 404, "get is allowed (and finds nothing)");
    let (code, _) = get(&sim, "/api/v1/namespaces/mlops/secrets", "application/json").await;
    assert_eq!(code, 200);

    let (code, t) = get(
        &sim,
        &format!(
            "/apis/{}/v1/namespaces/{}/{}",
            hostile::GROUP,
            hostile::NAMESPACE,
            hostile::ODD
        ),
        TABLE,
    )
    .await;
    assert_eq!(code, 200, "{t}");
    let row = |name: &str| {
        t["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["cells"][0] == name)
            .map(|r| r["cells"].clone())
            .unwrap()
    };
    let all = row("all-types");
    assert_eq!(all[1], "{\"a\":\"x\",\"b\":1}");
    assert_eq!(all[2], "[1,\"two\",null]");
    assert_eq!(all[3], true);
    assert_eq!(all[4], "true");
    assert_eq!(all[5], 42);
    assert_eq!(all[6], 0.25);
    assert_eq!(all[7], Value::Null);
    assert_eq!(all[9], "first line\nsecond line");
    let wrong = row("wrong-types");
    assert_eq!(wrong[3], Value::Null, "a number in a boolean column");
    assert_eq!(wrong[5], Value::Null, "a string in an integer column");
    assert_eq!(wrong[8], "<invalid>");
    let empty = row("empty");
    assert!(empty.as_array().unwrap()[1..].iter().all(Value::is_null));

    let (_, bare) = get(
        &sim,
        &format!("/apis/{}/v1/{}", hostile::GROUP, hostile::BARE),
        TABLE,
    )
    .await;
    let names: Vec<&str> = bare["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Name", "Age"]);
}
