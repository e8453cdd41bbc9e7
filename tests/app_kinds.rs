//! `:KIND` tables driven by keys, in-process, against the simulator over HTTP: each kind's rows
//! and columns compared cell by cell with what `kubectl get` prints for it against the same
//! simulator, and `enter` drilling down from the demo's InferenceService and SeldonDeployment.

mod common;

use std::collections::BTreeMap;

use common::app::Harness;
use common::kubectl::Kubectl;
use kdoc::core::panes::kinds::KindPane;
use kdoc::core::panes::pods::PodsPane;

/// kubectl's table cut at its header's column starts (cells may hold single spaces, or be
/// empty): the header names and every row's cells.
fn kubectl_rows(out: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = out.lines();
    let header = lines.next().expect("a header line");
    // A column starts after a run of two spaces or more (headers like ACCESS MODES hold one).
    let mut starts = vec![0];
    let mut spaces = 0;
    for (i, c) in header.char_indices() {
        if c != ' ' && spaces >= 2 {
            starts.push(i);
        }
        spaces = if c == ' ' { spaces + 1 } else { 0 };
    }
    let cut = |l: &str| -> Vec<String> {
        starts
            .iter()
            .enumerate()
            .map(|(j, s)| {
                let end = starts.get(j + 1).copied().unwrap_or(l.len()).min(l.len());
                l.get((*s).min(l.len())..end)
                    .unwrap_or("")
                    .trim()
                    .to_string()
            })
            .collect()
    };
    let rows = lines.filter(|l| !l.trim().is_empty()).map(cut).collect();
    (cut(header), rows)
}

/// Cells of each row by (namespace, name).
type Cells = BTreeMap<(String, String), Vec<String>>;

/// [`kubectl_rows`] of `get -A`, NAMESPACE taken out: the headers, and the cells by
/// (namespace, name).
fn kubectl_table(out: &str) -> (Vec<String>, Cells) {
    let (names, rows) = kubectl_rows(out);
    let all = names[0] == "NAMESPACE";
    let rows = rows
        .into_iter()
        .map(|c| {
            if all {
                ((c[0].clone(), c[1].clone()), c[1..].to_vec())
            } else {
                ((String::new(), c[0].clone()), c)
            }
        })
        .collect();
    let names = if all { names[1..].to_vec() } else { names };
    (names, rows)
}

/// Open `:word`, wait for its rows, and compare them with `kubectl get word -A`.
async fn compare(h: &mut Harness, k: &Kubectl, word: &str) {
    h.press(":");
    h.type_text(word);
    h.press("enter");
    wait_table(h, word).await;
    let out = k.ok(&["get", word, "-A"]).await;
    let (names, want) = kubectl_table(&out);
    let p = h.session.app.state.find::<KindPane>().unwrap();
    let shown: Vec<String> = p
        .columns
        .iter()
        .filter(|c| c.priority == 0)
        .map(|c| c.name.as_str().to_uppercase())
        .collect();
    assert_eq!(shown, names, ":{word} headers\n{out}");
    let narrow: Vec<usize> = (0..p.columns.len())
        .filter(|i| p.columns[*i].priority == 0)
        .collect();
    let mut got = BTreeMap::new();
    for i in 0..p.view.len() {
        let r = p.row(i).unwrap();
        let ns = if p.kind.namespaced {
            r.namespace.clone()
        } else {
            String::new()
        };
        let cells: Vec<String> = narrow
            .iter()
            .map(|c| r.cells.get(*c).map(|s| s.to_string()).unwrap_or_default())
            .collect();
        got.insert((ns, r.name.clone()), cells);
    }
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        ":{word} rows\n{out}"
    );
    for (key, cells) in &got {
        let w = &want[key];
        for (j, name) in names.iter().enumerate() {
            let (a, b) = (&cells[j], &w[j]);
            let ages = (
                kdoc::core::table::age_seconds(a),
                kdoc::core::table::age_seconds(b),
            );
            if p.columns[narrow[j]].type_ == "date" && ages.0.is_some() {
                // Read a moment apart: both must be ages, maybe a second or two off.
                let (x, y) = (
                    kdoc::core::table::age_seconds(a),
                    kdoc::core::table::age_seconds(b),
                );
                assert!(
                    x.zip(y).is_some_and(|(x, y)| x.abs_diff(y) <= 60),
                    ":{word} {key:?} {name}: {a} vs {b}"
                );
            } else {
                assert_eq!(a, b, ":{word} {key:?} column {name}\n{out}");
            }
        }
    }
    h.press("esc");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kind_tables_show_what_kubectl_get_prints() {
    let sim = common::mlops(0.01).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let mut h = Harness::start(&sim).await;
    h.wait_for("the pods", |s| s.contains("iris-model-predictor"))
        .await;
    for word in [
        "deploy",
        "isvc",
        "sdep",
        "nodes",
        "cm",
        "pvc",
        "seldondeployments",
        "inferenceservices",
        "rs",
        "sts",
    ] {
        compare(&mut h, &k, word).await;
    }
}

/// Until the kind table on top has its rows (discovery may answer after the command).
async fn wait_table(h: &mut Harness, word: &str) {
    h.wait_until(&format!(":{word}'s rows"), |_, st| {
        st.top()
            .as_any()
            .downcast_ref::<KindPane>()
            .is_some_and(|p| p.synced && p.total() > 0)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_drills_down_from_an_inference_service_and_a_seldon_deployment() {
    let sim = common::mlops(0.01).await;
    let mut h = Harness::start(&sim).await;
    h.wait_for("the pods", |s| s.contains("iris-model-predictor"))
        .await;
    h.press(":");
    h.type_text("isvc");
    h.press("enter");
    wait_table(&mut h, "isvc").await;
    h.press("/");
    h.type_text("iris-model");
    h.press("enter");
    // The details list the pods enter leads to.
    let s = h
        .wait_for("the isvc's pods in the details", |s| {
            s.contains("pods    1: iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r (")
        })
        .await;
    assert!(s.contains("owners  InferenceService/iris-model"), "{s}");
    h.press("enter");
    let s = h
        .wait_for("the predictor pod", |s| {
            s.contains("iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r")
        })
        .await;
    assert!(s.contains("inferenceservice/iris-model"), "{s}");
    let pods = h.session.app.state.find::<PodsPane>().unwrap();
    assert!(
        pods.rows
            .iter()
            .all(|r| r.name.as_str().starts_with("iris-model-")),
        "{s}"
    );
    // Back to the table, then the SeldonDeployment's pods.
    h.press("esc esc :");
    h.type_text("sdep");
    h.press("enter");
    wait_table(&mut h, "sdep").await;
    h.press("enter");
    let s = h
        .wait_for("the seldon pods", |s| {
            s.contains("iris-default-0-classifier-85d56cc6b6-qsjpr")
        })
        .await;
    assert!(s.contains("seldondeployment/iris"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_kinds_say_so_and_suggest() {
    let sim = common::mlops(0.01).await;
    let mut h = Harness::start(&sim).await;
    h.wait_for("the pods", |s| s.contains("iris-model-predictor"))
        .await;
    h.press(":");
    h.type_text("deplyo");
    h.press("enter");
    let s = h
        .wait_for("the refusal", |s| {
            s.contains("doesn't have a resource type")
        })
        .await;
    assert!(s.contains("deploy"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_show_what_kubectl_get_events_prints() {
    let sim = common::mlops(0.01).await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let mut h = Harness::start(&sim).await;
    h.wait_for("the pods", |s| s.contains("iris-model-predictor"))
        .await;
    h.press(":");
    h.type_text("events -n argowf");
    h.press("enter");
    h.wait_until("the namespace's events", |_, st| {
        st.find::<kdoc::core::panes::events::EventsPane>()
            .is_some_and(|p| p.rows.len() >= 5)
    })
    .await;
    let out = k.ok(&["get", "events", "-n", "argowf"]).await;
    let (names, rows) = kubectl_rows(&out);
    assert_eq!(
        names,
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        "{out}"
    );
    let mut want: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|c| (c[1].clone(), c[2].clone(), c[3].clone(), c[4].clone()))
        .collect();
    want.sort();
    let p = h
        .session
        .app
        .state
        .find::<kdoc::core::panes::events::EventsPane>()
        .unwrap();
    let mut got: Vec<(String, String, String, String)> = p
        .rows
        .iter()
        .map(|r| {
            (
                r.type_.to_string(),
                r.reason.to_string(),
                r.object.to_string(),
                r.message.to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, want, "{out}");
}

/// kdoc on the `hostile` scenario.
async fn hostile() -> kdoc::sim::Sim {
    common::start(
        kdoc::sim::scenario::builtin("hostile", &kdoc::sim::scenario::load::LoadSpec::default())
            .expect("the hostile scenario"),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crd_installed_while_kdoc_runs_is_found_without_a_restart() {
    let sim = common::mlops(0.01).await;
    let mut h = Harness::start(&sim).await;
    h.wait_for("the pods", |s| s.contains("iris-model-predictor"))
        .await;
    // Discovery has answered without the new kind.
    h.wait_until("discovery", |_, st| !st.cache.kinds.is_empty())
        .await;
    assert!(h.session.app.state.cache.kinds.resolve("bench").is_err());
    sim.add_bench_items("mlops", 3)
        .expect("the CRD and its objects");
    h.press(":");
    h.type_text("bench");
    h.press("enter");
    wait_table(&mut h, "bench").await;
    let s = h
        .wait_for("the new kind's rows", |s| s.contains("item-00002"))
        .await;
    assert!(s.contains("benchitems.bench.kdoc.dev"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_list_shows_the_apis_words() {
    let sim = hostile().await;
    let mut h = Harness::start(&sim).await;
    h.wait_until("discovery", |_, st| !st.cache.kinds.is_empty())
        .await;
    h.press(":");
    h.type_text("secrets argowf");
    h.press("enter");
    let s = h
        .wait_for("the refusal", |s| s.contains("is forbidden"))
        .await;
    assert!(
        s.contains("secrets is forbidden: User \"kdoc-demo\" cannot list resource \"secrets\""),
        "{s}"
    );
    assert!(s.contains("refused to list secrets"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_tables_never_break_the_table() {
    let sim = hostile().await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let mut h = Harness::start(&sim).await;
    h.wait_until("discovery", |_, st| !st.cache.kinds.is_empty())
        .await;
    // No columns declared: NAME and AGE, as kubectl prints them.
    compare(&mut h, &k, "bareitems").await;
    // Objects, arrays, booleans, numbers and missing fields in the cells.
    compare(&mut h, &k, "oddities").await;
    h.press(":");
    h.type_text("odd");
    h.press("enter ctrl-w > > < N A");
    wait_table(&mut h, "odd").await;
    let s = h.screen();
    assert!(s.contains("all-types"), "{s}");
    // Wide shows the priority-1 column.
    assert!(s.contains("WIDE"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pods_owner_chain_is_read_to_the_top_and_o_jumps_to_the_owner() {
    const POD: &str = "iris-default-0-classifier-85d56cc6b6-qsjpr";
    let sim = common::mlops(0.01).await;
    let mut h = Harness::start(&sim).await;
    h.wait_for("the seldon pod", |s| s.contains(POD)).await;
    h.wait_until("discovery", |_, st| !st.cache.kinds.is_empty())
        .await;
    h.press("/");
    h.type_text(POD);
    h.press("enter enter");
    let s = h
        .wait_for("the chain up to the SeldonDeployment", |s| {
            s.contains("← SeldonDeployment/iris")
        })
        .await;
    assert!(
        s.contains(
            "owner  ReplicaSet/iris-default-0-classifier-85d56cc6b6 ← Deployment/iris-default-0-classifier ← SeldonDeployment/iris"
        ),
        "{s}"
    );
    h.press("o");
    wait_table(&mut h, "rs").await;
    let p = h.session.app.state.find::<KindPane>().unwrap();
    assert_eq!(p.kind.kind, "ReplicaSet");
    assert_eq!(p.view.len(), 1);
    assert_eq!(p.view[0].1, "iris-default-0-classifier-85d56cc6b6");
    // And from the ReplicaSet's table, its own owner.
    let s = h
        .wait_for("the ReplicaSet's chain", |s| {
            s.contains("Deployment/iris-default-0-classifier")
        })
        .await;
    assert!(s.contains("<o> owner"), "{s}");
    h.press("o");
    h.wait_until("the Deployment's table", |_, st| {
        st.top()
            .as_any()
            .downcast_ref::<KindPane>()
            .is_some_and(|p| p.kind.kind == "Deployment" && p.synced && p.view.len() == 1)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn number_keys_run_the_favourites() {
    let sim = common::mlops(0.01).await;
    let mut h = Harness::start(&sim).await;
    h.wait_until("discovery", |_, st| !st.cache.kinds.is_empty())
        .await;
    h.session.app.state.favourites = vec!["cm argowf".into(), "isvc -A".into()];
    h.press("1");
    wait_table(&mut h, "cm").await;
    let p = h.session.app.state.find::<KindPane>().unwrap();
    assert_eq!(p.kind.kind, "ConfigMap");
    assert_eq!(p.listed_ns.as_deref(), Some("argowf"));
    h.press("2");
    wait_table(&mut h, "isvc").await;
    // An unset favourite says how to set one.
    h.press("7");
    let s = h.screen();
    assert!(s.contains("no favourite 7"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yaml_describe_logs_and_doctor_work_from_a_kind_table() {
    use kdoc::core::log_sources::LogTarget;
    use kdoc::core::panes::yaml::{Load, YamlPane};
    use kdoc::core::panes::{describe::DescribePane, doctor::DoctorPane, logs::LogsPane};
    let sim = common::mlops(0.01).await;
    let mut h = Harness::start(&sim).await;
    h.wait_until("discovery", |_, st| !st.cache.kinds.is_empty())
        .await;
    h.press(":");
    h.type_text("deploy mlflow");
    h.press("enter");
    wait_table(&mut h, "deploy").await;
    h.press("/");
    h.type_text("^mlflow ");
    h.press("enter y");
    h.wait_until("the Deployment's YAML", |_, st| {
        st.find::<YamlPane>()
            .is_some_and(|p| p.load == Load::Loaded)
    })
    .await;
    let p = h.session.app.state.find::<YamlPane>().unwrap();
    assert_eq!(
        (p.target.kind.as_str(), p.target.name.as_str()),
        ("Deployment", "mlflow")
    );
    assert!(p.text.lines.iter().any(|l| l.contains("kind: Deployment")));
    h.press("esc d");
    h.wait_until("its description", |_, st| {
        st.find::<DescribePane>()
            .is_some_and(|p| p.load == Load::Loaded)
    })
    .await;
    h.press("esc l");
    let logs = h.session.app.state.find::<LogsPane>().expect("a logs pane");
    assert!(
        matches!(&logs.target, LogTarget::Owned { kind: "Deployment", name, .. } if name == "mlflow"),
        "{:?}",
        logs.target.label()
    );
    h.press("esc D");
    let d = h
        .session
        .app
        .state
        .find::<DoctorPane>()
        .expect("the doctor");
    assert_eq!(d.subject.name, "mlflow");
}
