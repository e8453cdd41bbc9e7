//! The simulator's API surface through kube's client and raw HTTP: discovery, paging,
//! selectors, tables, loaded fixtures, faults and bad input.

mod common;

use common::Bounded;
use k8s_openapi::api::core::v1::Pod;
use kdoc::sim::scenario::build::{c, pod};
use kdoc::sim::scenario::load::{LoadSpec, scenario as load_scenario};
use kdoc::sim::scenario::{Scenario, builtin};
use kdoc::sim::{Sim, SimConfig};
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube::{Api, Discovery};
use serde_json::Value;

fn small_load() -> Scenario {
    load_scenario(
        &LoadSpec {
            pods: 120,
            namespaces: 3,
            log_rate: 0.0,
        },
        jiff::Timestamp::now(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_legacy_and_aggregated() {
    let sim = common::start(Scenario::default()).await;
    let client = common::client(&sim);
    let version = client
        .apiserver_version()
        .bounded("GET /version")
        .await
        .unwrap();
    assert_eq!(
        (version.major.as_str(), version.minor.as_str()),
        ("1", "32")
    );
    for discovery in [
        Discovery::new(client.clone())
            .run()
            .bounded("legacy discovery")
            .await
            .unwrap(),
        Discovery::new(client.clone())
            .run_aggregated()
            .bounded("aggregated discovery")
            .await
            .unwrap(),
    ] {
        for (group, kind) in [
            ("", "Pod"),
            ("", "Event"),
            ("apps", "Deployment"),
            ("argoproj.io", "Workflow"),
            ("tekton.dev", "PipelineRun"),
            ("tekton.dev", "TaskRun"),
            ("serving.kserve.io", "InferenceService"),
            ("machinelearning.seldon.io", "SeldonDeployment"),
        ] {
            let g = discovery
                .get(group)
                .unwrap_or_else(|| panic!("group {group:?} discovered"));
            assert!(
                g.recommended_resources()
                    .iter()
                    .any(|(ar, _)| ar.kind == kind),
                "{kind} in {group:?}"
            );
        }
        let (ar, caps) = discovery.get("").unwrap().recommended_kind("Pod").unwrap();
        assert_eq!(ar.plural, "pods");
        assert_eq!(caps.scope, kube::discovery::Scope::Namespaced);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_and_selectors() {
    let sim = common::start(small_load()).await;
    let pods: Api<Pod> = Api::all(common::client(&sim));
    let mut names = vec![];
    let mut lp = ListParams::default().limit(50);
    let mut pages = 0;
    loop {
        let page = pods
            .list(&lp)
            .bounded(format!("page {} of all pods", pages + 1))
            .await
            .unwrap();
        pages += 1;
        names.extend(page.items.iter().map(|p| p.metadata.name.clone().unwrap()));
        match page.metadata.continue_ {
            Some(c) if !c.is_empty() => lp = lp.continue_token(&c),
            _ => break,
        }
    }
    assert_eq!((pages, names.len()), (3, 120));
    let mut dedup = names.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 120, "no pod twice across pages");

    let ns1: Api<Pod> = Api::namespaced(common::client(&sim), "load-001");
    assert_eq!(
        ns1.list(&ListParams::default())
            .bounded("list pods in load-001")
            .await
            .unwrap()
            .items
            .len(),
        40
    );
    let shard = pods
        .list(&ListParams::default().labels("app=worker,shard in (1,2)"))
        .bounded("list pods by a set-based label selector")
        .await
        .unwrap();
    assert_eq!(
        shard.items.len(),
        16,
        "shards 1 and 2 of 120 pods over 16 shards"
    );
    let not = pods
        .list(&ListParams::default().labels("shard notin (0),!missing"))
        .bounded("list pods by notin and !label")
        .await
        .unwrap();
    assert_eq!(not.items.len(), 112);
    let one = pods
        .list(&ListParams::default().fields("metadata.name=worker-00007-0d889"))
        .bounded("list pods by metadata.name")
        .await
        .unwrap();
    assert_eq!(one.items.len(), 1);
    let running = pods
        .list(&ListParams::default().fields("status.phase=Running,spec.nodeName=kdoc-worker-1"))
        .bounded("list pods by phase and node")
        .await
        .unwrap();
    assert_eq!(running.items.len(), 120);
    match pods
        .list(&ListParams::default().fields("spec.bogus=1"))
        .bounded("list pods by an unsupported field")
        .await
    {
        Err(kube::Error::Api(s)) => assert_eq!(
            (s.code, s.message.as_str()),
            (400, "field label not supported: spec.bogus")
        ),
        other => panic!(
            "unsupported field selector, got {:?}",
            other.map(|l| l.items.len())
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_for_kubectl() {
    let base = jiff::Timestamp::now();
    // Ages past ten minutes print in whole minutes, so a slow start cannot turn the expected
    // cells into "20m1s" (below ten minutes kubectl prints the seconds too).
    let p = pod(base, "t", "crashy", 1830)
        .container(
            c("app", "busybox")
                .waiting("CrashLoopBackOff", "back-off")
                .restarts(4)
                .last(1, "Error", -1290, -1230),
        )
        .build();
    let sim = common::start(Scenario {
        objects: vec![p],
        ..Default::default()
    })
    .await;
    let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    let (code, body) = common::raw(
        &sim,
        "GET",
        "/api/v1/namespaces/t/pods?limit=500",
        &[("Accept", accept)],
    )
    .await;
    assert_eq!(code, 200);
    let t: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(t["kind"], "Table");
    let cols: Vec<&str> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(&cols[..5], ["Name", "Ready", "Status", "Restarts", "Age"]);
    let cells = &t["rows"][0]["cells"];
    assert_eq!(cells[0], "crashy");
    assert_eq!(cells[1], "0/1");
    assert_eq!(cells[2], "CrashLoopBackOff");
    assert_eq!(cells[3], "4 (20m ago)");
    assert_eq!(cells[4], "30m");
    assert_eq!(t["rows"][0]["object"]["metadata"]["namespace"], "t");
}

/// Every object in ../shared/fixtures/real loads and comes back from the server unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fixture_loads_and_is_served_back() {
    let dir = common::fixtures_dir();
    let sim = common::start_with(SimConfig {
        load: vec![dir.clone()],
        ..SimConfig::default()
    })
    .await;
    assert!(sim.load_problems.is_empty(), "{:?}", sim.load_problems);
    let loaded = kdoc::sim::loader::load(&dir);
    // 28 object files, 127 objects (counted independently with PyYAML).
    assert_eq!(
        loaded.objects.len(),
        127,
        "objects found in the fixture files"
    );
    let client = common::client(&sim);
    // Two files hold a pod with the same namespace and name: the one loaded later wins, as a
    // second `kubectl apply` would.
    let mut last = std::collections::BTreeMap::new();
    for obj in &loaded.objects {
        let key = (
            obj["kind"].to_string(),
            obj["metadata"]["namespace"].to_string(),
            obj["metadata"]["name"].to_string(),
        );
        last.insert(key, obj);
    }
    assert_eq!(last.len(), 126);
    for obj in last.values() {
        let (api_version, kind) = (
            obj["apiVersion"].as_str().unwrap(),
            obj["kind"].as_str().unwrap(),
        );
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let ar = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
        let name = obj["metadata"]["name"].as_str().unwrap();
        let ns = obj["metadata"]["namespace"].as_str().unwrap_or("default");
        let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, &ar);
        let got = api
            .get(name)
            .bounded(format!("get {kind} {ns}/{name}"))
            .await
            .unwrap_or_else(|e| panic!("{kind} {ns}/{name}: {e}"));
        let got = serde_json::to_value(&got).unwrap();
        for field in [
            "spec",
            "status",
            "data",
            "involvedObject",
            "message",
            "subsets",
            "endpoints",
            "items",
        ] {
            if obj.get(field).is_some() {
                assert_eq!(
                    got.get(field),
                    obj.get(field),
                    "{kind} {ns}/{name}: {field} served back unchanged"
                );
            }
        }
        assert_eq!(
            got["metadata"]["labels"], obj["metadata"]["labels"],
            "{kind} {ns}/{name} labels"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bundle_logs_are_served_as_container_logs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::fixtures_dir().join("bundle-test-crash-pods-crashloopbackoff.json"),
        dir.path().join("pods.json"),
    )
    .unwrap();
    let logs = dir
        .path()
        .join("logs/test-crash/crash-loop-app-67586446fc-2w49s");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::copy(
        common::fixtures_dir().join("bundle-test-crash-failing-app-previous.log"),
        logs.join("failing-app-previous.log"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n",
    )
    .unwrap();
    let sim = common::start_with(SimConfig {
        load: vec![dir.path().to_path_buf()],
        ..SimConfig::default()
    })
    .await;
    assert_eq!(sim.load_problems.len(), 1, "{:?}", sim.load_problems);
    assert!(
        sim.load_problems[0].contains("broken.yaml")
            && sim.load_problems[0].contains("not valid YAML"),
        "{:?}",
        sim.load_problems
    );
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "test-crash");
    let lp = kube::api::LogParams {
        container: Some("failing-app".into()),
        previous: true,
        ..Default::default()
    };
    let text = pods
        .logs("crash-loop-app-67586446fc-2w49s", &lp)
        .bounded("previous logs of failing-app")
        .await
        .unwrap();
    assert_eq!(
        text,
        "Starting application...\nERROR: Database connection failed!\n"
    );
}

/// The 500 every request gets during a simulated outage, as kube reports it.
const OUTAGE: &str = "Internal error occurred: simulated outage: etcdserver: request timed out";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_forbidden_outage_and_restart_on_the_same_port() {
    let mut sim = common::start(small_load()).await;
    let client = common::client(&sim);
    let pods: Api<Pod> = Api::namespaced(client.clone(), "load-000");
    let list_pods = async || {
        pods.list(&ListParams::default())
            .bounded("list pods in load-000")
            .await
    };
    sim.state().faults.set_forbidden("pods", true);
    match list_pods().await {
        Err(kube::Error::Api(s)) => {
            assert_eq!(s.code, 403);
            assert_eq!(
                s.message,
                "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" in the namespace \"load-000\""
            );
        }
        other => panic!("forbidden, got {:?}", other.map(|l| l.items.len())),
    }
    let ns: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    assert_eq!(
        ns.list(&ListParams::default())
            .bounded("list namespaces")
            .await
            .unwrap()
            .items
            .len(),
        // The load scenario's three and the four every cluster has.
        7,
        "other kinds keep working"
    );
    sim.state().faults.set_forbidden("pods", false);

    // An outage of exactly three requests, whatever they ask for: a list, a raw GET /version,
    // a list. The fourth request is served. No clock involved.
    let before = sim.state().requests();
    sim.state().faults.fail_next(3);
    for (i, raw) in [(1, false), (2, true), (3, false)] {
        if raw {
            let (code, body) = common::raw(&sim, "GET", "/version", &[]).await;
            assert_eq!(code, 500, "request {i} of the outage: {body}");
            let status: Value = serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("request {i}: Status JSON ({e}), got {body}"));
            assert_eq!(
                (
                    status["kind"].as_str(),
                    status["reason"].as_str(),
                    status["message"].as_str()
                ),
                (Some("Status"), Some("InternalError"), Some(OUTAGE)),
                "request {i} of the outage"
            );
            continue;
        }
        match list_pods().await {
            Err(kube::Error::Api(s)) => assert_eq!(
                (s.code, s.message.as_str()),
                (500, OUTAGE),
                "request {i} of the outage"
            ),
            other => panic!(
                "request {i} of the outage gets a 500, got {:?}",
                other.map(|l| l.items.len())
            ),
        }
    }
    assert_eq!(
        list_pods()
            .await
            .expect("the request after the outage is served")
            .items
            .len(),
        40
    );
    assert_eq!(
        sim.state().requests() - before,
        4,
        "one HTTP request per call: nothing was retried or sent besides"
    );
    assert_eq!(
        list_pods().await.expect("the outage is over").items.len(),
        40
    );

    sim.stop().bounded("stopping the simulator").await;
    assert!(list_pods().await.is_err(), "nothing answers while stopped");
    sim.restart()
        .bounded("restarting the simulator")
        .await
        .unwrap();
    assert_eq!(
        list_pods().await.unwrap().items.len(),
        40,
        "same objects after a restart on the same port"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_status_errors() {
    let sim = common::start(Scenario::default()).await;
    let cases = [
        ("GET", "/nope", 404, "NotFound"),
        ("GET", "/api/v1/widgets", 404, "NotFound"),
        ("GET", "/api/v1/namespaces/x/nodes", 404, "NotFound"),
        ("GET", "/apis/nope.io/v1", 404, "NotFound"),
        ("GET", "/api/v1/pods?limit=abc", 400, "BadRequest"),
        ("GET", "/api/v1/pods?watch=maybe", 400, "BadRequest"),
        (
            "GET",
            "/api/v1/pods?labelSelector=a%20in%20b",
            400,
            "BadRequest",
        ),
        ("GET", "/api/v1/pods?continue=%%%", 400, "BadRequest"),
        (
            "GET",
            "/api/v1/pods?watch=1&resourceVersion=abc",
            400,
            "BadRequest",
        ),
        (
            "GET",
            "/api/v1/namespaces/default/pods/x/log",
            404,
            "NotFound",
        ),
        (
            "GET",
            "/api/v1/namespaces/default/pods/x/exec",
            404,
            "NotFound",
        ),
        // Only pods can be deleted (a ReplicaSet's pod is replaced, see port_forward.rs).
        (
            "DELETE",
            "/api/v1/namespaces/default/services/x",
            405,
            "MethodNotAllowed",
        ),
        (
            "DELETE",
            "/api/v1/namespaces/default/pods/x",
            404,
            "NotFound",
        ),
        ("GET", "/api/v1/namespaces/%ff%fe/pods", 200, ""),
    ];
    for (method, path, code, reason) in cases {
        let (got, body) = common::raw(&sim, method, path, &[]).await;
        assert_eq!(got, code, "{method} {path}: {body}");
        if !reason.is_empty() {
            let status: Value = serde_json::from_str(&body)
                .unwrap_or_else(|_| panic!("{path}: Status JSON, got {body}"));
            assert_eq!(
                (status["kind"].as_str(), status["reason"].as_str()),
                (Some("Status"), Some(reason)),
                "{path}"
            );
        }
    }
    // The server is still fine after all that.
    assert_eq!(common::raw(&sim, "GET", "/version", &[]).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_in_use_and_unknown_scenario_say_so() {
    let sim = common::start(Scenario::default()).await;
    let err = Sim::start(SimConfig {
        addr: sim.addr(),
        ..SimConfig::default()
    })
    .bounded("starting a second simulator on a taken port")
    .await
    .err()
    .expect("the port is taken");
    assert!(
        err.contains("already in use") && err.contains(&sim.addr().to_string()),
        "{err}"
    );
    let err = builtin("nope", &LoadSpec::default()).unwrap_err();
    assert_eq!(
        err,
        "unknown scenario \"nope\"; the built-in scenarios are: mlops, empty, load, hostile"
    );
}
