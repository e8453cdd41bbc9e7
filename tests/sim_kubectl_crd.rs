//! CustomResourceDefinitions installed at runtime with real kubectl: discovery, short names,
//! categories, printer columns (`-o wide` too), creates and their conflicts, watches of the new
//! kind; and the `hostile` scenario's refused Secrets and odd tables. These skip with a printed
//! reason where kubectl is absent, unless KDOC_REQUIRE_KUBECTL is set (CI sets it).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::kubectl::Kubectl;
use kdoc::sim::scenario::{builtin, hostile, load::LoadSpec};
use kdoc::sim::{Sim, SimConfig};
use serde_json::{Value, json};

async fn start(name: &str) -> Sim {
    common::start_with(SimConfig {
        scenario: builtin(name, &LoadSpec::default()).unwrap(),
        ..SimConfig::default()
    })
    .await
}

/// A printed table as (header, rows of column -> cell), cut at the header's column starts so
/// that empty cells stay empty (every header here is one word).
fn table(out: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut lines = out.lines();
    let head = lines.next().unwrap_or("");
    let mut starts = vec![];
    let mut prev = ' ';
    for (i, ch) in head.char_indices() {
        if ch != ' ' && prev == ' ' {
            starts.push(i);
        }
        prev = ch;
    }
    let names: Vec<String> = head.split_whitespace().map(String::from).collect();
    let rows = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut row = BTreeMap::new();
            for (j, name) in names.iter().enumerate() {
                let from = starts[j].min(l.len());
                let to = starts.get(j + 1).copied().unwrap_or(l.len()).min(l.len());
                row.insert(name.clone(), l[from..to].trim().to_string());
            }
            row
        })
        .collect();
    (names, rows)
}

fn row<'a>(rows: &'a [BTreeMap<String, String>], name: &str) -> &'a BTreeMap<String, String> {
    rows.iter()
        .find(|r| r["NAME"] == name)
        .unwrap_or_else(|| panic!("no row {name} in {rows:?}"))
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wdg]
    categories: [gadgets]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
    additionalPrinterColumns:
    - name: Color
      type: string
      jsonPath: .spec.color
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Owner
      type: string
      jsonPath: .spec.owner
      priority: 1
    - name: Built
      type: date
      jsonPath: .status.builtAt
";

fn widget(name: &str, spec: &str) -> String {
    format!(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {name}\n  namespace: default\n{spec}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crd_created_with_kubectl_serves_its_kind_its_columns_and_its_watches() {
    let sim = start("empty").await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let crd = file("crd.yaml", CRD);
    // kubectl's discovery cache knows nothing of the kind yet.
    let (ok, _, err) = k.run(&["get", "wdg"]).await;
    assert!(!ok);
    assert!(
        err.contains("the server doesn't have a resource type \"wdg\""),
        "{err}"
    );
    assert_eq!(
        k.ok(&["create", "-f", &crd]).await.trim(),
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created"
    );
    // Discovery serves it from the create on; a few tries cover kubectl's cache refresh.
    let mut listed = None;
    for _ in 0..5 {
        let (ok, out, _) = k.run(&["get", "wdg", "-A"]).await;
        if ok {
            listed = Some(out);
            break;
        }
    }
    assert!(listed.is_some(), "the new kind never appeared in discovery");
    let sprocket = file(
        "sprocket.yaml",
        &widget(
            "sprocket",
            "spec:\n  color: blue\n  size: 3\n  owner: alice\nstatus:\n  builtAt: \"2010-01-01T00:00:00Z\"\n",
        ),
    );
    let bare = file("bare.yaml", &widget("bare", "spec: {}\n"));
    assert_eq!(
        k.ok(&["create", "-f", &sprocket]).await.trim(),
        "widget.example.com/sprocket created"
    );
    k.ok(&["create", "-f", &bare]).await;

    let out = k.ok(&["get", "wdg", "-A"]).await;
    let (head, rows) = table(&out);
    assert_eq!(
        head,
        ["NAMESPACE", "NAME", "COLOR", "SIZE", "BUILT"],
        "{out}"
    );
    let built = kdoc::core::age::age_since(
        "2010-01-01T00:00:00Z".parse().unwrap(),
        jiff::Timestamp::now(),
    );
    let s = row(&rows, "sprocket");
    assert_eq!(
        [&s["NAMESPACE"], &s["COLOR"], &s["SIZE"], &s["BUILT"]],
        ["default", "blue", "3", &built],
        "{out}"
    );
    let b = row(&rows, "bare");
    assert_eq!(
        [&b["COLOR"], &b["SIZE"], &b["BUILT"]],
        ["", "", ""],
        "{out}"
    );

    let wide = k.ok(&["get", "widgets.example.com", "-o", "wide"]).await;
    let (head, rows) = table(&wide);
    assert_eq!(head, ["NAME", "COLOR", "SIZE", "OWNER", "BUILT"], "{wide}");
    assert_eq!(row(&rows, "sprocket")["OWNER"], "alice", "{wide}");

    // By singular name, by category, and `kubectl get crd` / `api-resources`.
    k.ok(&["get", "widget", "sprocket"]).await;
    let cat = k.ok(&["get", "gadgets", "-A"]).await;
    assert!(
        cat.lines()
            .any(|l| l.split_whitespace().nth(1) == Some("sprocket")),
        "{cat}"
    );
    let crds = k.ok(&["get", "crd"]).await;
    let (head, rows) = table(&crds);
    assert_eq!(head, ["NAME", "CREATED", "AT"], "{crds}");
    row(&rows, "widgets.example.com");
    row(&rows, "workflows.argoproj.io");
    let res = k.ok(&["api-resources"]).await;
    let line = res
        .lines()
        .find(|l| l.starts_with("widgets "))
        .unwrap_or_else(|| panic!("no widgets in:\n{res}"));
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        ["widgets", "wdg", "example.com/v1", "true", "Widget"]
    );

    // A second create of the same object is refused as the apiserver refuses it.
    let (ok, _, err) = k.run(&["create", "-f", &sprocket]).await;
    assert!(!ok);
    assert_eq!(
        err.trim(),
        format!(
            "Error from server (AlreadyExists): error when creating \"{sprocket}\": widgets.example.com \"sprocket\" already exists"
        )
    );
    let (ok, _, err) = k.run(&["create", "-f", &crd]).await;
    assert!(!ok);
    assert!(
        err.contains(
            "customresourcedefinitions.apiextensions.k8s.io \"widgets.example.com\" already exists"
        ),
        "{err}"
    );

    // A watcher of the new kind sees an object created while it watches.
    let state = sim.state().clone();
    let later = file("later.yaml", &widget("later", "spec:\n  color: red\n"));
    let k2 = Kubectl::new(&sim).unwrap();
    let poke = tokio::spawn(async move {
        let before = state.open_watches();
        common::wait_until(Duration::from_secs(30), "kubectl's watch is open", || {
            state.open_watches() > before
        })
        .await;
        k2.ok(&["create", "-f", &later]).await;
    });
    let out = k.output_for(10, &["get", "wdg", "-w"]).await;
    poke.await.unwrap();
    let later_row = out
        .lines()
        .find(|l| l.starts_with("later "))
        .unwrap_or_else(|| panic!("the watch saw no later:\n{out}"));
    assert_eq!(later_row.split_whitespace().nth(1), Some("red"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_of_ordinary_kinds_and_their_errors() {
    let sim = start("empty").await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let dir = tempfile::tempdir().unwrap();
    let cm = dir.path().join("cm.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: \"1\"\n  b: \"2\"\n",
    )
    .unwrap();
    let cm = cm.to_string_lossy().into_owned();
    assert_eq!(
        k.ok(&["create", "-f", &cm]).await.trim(),
        "configmap/settings created"
    );
    let out = k.ok(&["get", "cm", "settings"]).await;
    assert_eq!(
        out.lines().nth(1).unwrap().split_whitespace().nth(1),
        Some("2")
    );
    let (ok, _, err) = k.run(&["create", "-f", &cm]).await;
    assert!(!ok);
    assert_eq!(
        err.trim(),
        format!(
            "Error from server (AlreadyExists): error when creating \"{cm}\": configmaps \"settings\" already exists"
        )
    );
    // kubectl's typed subcommands (`create configmap`) send protobuf, which the simulator
    // does not decode; files go as JSON.
    let elsewhere = |ns: &str| {
        let p = dir.path().join(format!("cm-{ns}.yaml"));
        std::fs::write(
            &p,
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: {ns}\n"),
        )
        .unwrap();
        p.to_string_lossy().into_owned()
    };
    let nowhere = elsewhere("nowhere");
    let (ok, _, err) = k.run(&["create", "-f", &nowhere]).await;
    assert!(!ok);
    assert_eq!(
        err.trim(),
        format!(
            "Error from server (NotFound): error when creating \"{nowhere}\": namespaces \"nowhere\" not found"
        )
    );
    let ns = dir.path().join("ns.yaml");
    std::fs::write(
        &ns,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: somewhere\n",
    )
    .unwrap();
    assert_eq!(
        k.ok(&["create", "-f", &ns.to_string_lossy()]).await.trim(),
        "namespace/somewhere created"
    );
    k.ok(&["create", "-f", &elsewhere("somewhere")]).await;
    k.ok(&["get", "cm", "x", "-n", "somewhere"]).await;

    // What kubectl would not send: straight to the server.
    let client = common::client(&sim);
    let post = |path: &str, body: Value| {
        hyper::Request::post(path)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body).unwrap())
            .unwrap()
    };
    let api_err = |r: Result<Value, kube::Error>| match r {
        Err(kube::Error::Api(s)) => (s.code, s.reason, s.message),
        other => panic!("expected an API error, got {other:?}"),
    };
    let (code, _, _) = api_err(
        client
            .request::<Value>(post(
                "/apis/example.com/v1/namespaces/default/gizmos",
                json!({"apiVersion": "example.com/v1", "kind": "Gizmo", "metadata": {"name": "g"}}),
            ))
            .await,
    );
    assert_eq!(code, 404);
    let (code, reason, message) = api_err(
        client
            .request::<Value>(post(
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                       "metadata": {"name": "gizmos"},
                       "spec": {"group": "example.com", "scope": "Namespaced",
                                "names": {"plural": "gizmos", "kind": "Gizmo"},
                                "versions": [{"name": "v1", "served": true, "storage": true}]}}),
            ))
            .await,
    );
    assert_eq!((code, reason.as_str()), (422, "Invalid"));
    assert_eq!(
        message,
        "CustomResourceDefinition.apiextensions.k8s.io \"gizmos\" is invalid: metadata.name: Invalid value: \"gizmos\": must be spec.names.plural+\".\"+spec.group"
    );
    let made: Value = client
        .request(post(
            "/api/v1/namespaces/default/configmaps",
            json!({"metadata": {"generateName": "gen-"}}),
        ))
        .await
        .unwrap();
    let name = made["metadata"]["name"].as_str().unwrap();
    assert!(name.starts_with("gen-") && name.len() == 9, "{made}");
    assert_eq!(made["kind"], "ConfigMap");
    assert!(!made["metadata"]["uid"].as_str().unwrap_or("").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_refuses_secrets_in_argowf_and_the_reviews_agree() {
    let sim = start("hostile").await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let (ok, _, err) = k.run(&["get", "secrets", "-n", "argowf"]).await;
    assert!(!ok);
    assert_eq!(
        err.trim(),
        "Error from server (Forbidden): secrets is forbidden: User \"kdoc-demo\" cannot list resource \"secrets\" in API group \"\" in the namespace \"argowf\""
    );
    let (ok, _, err) = k.run(&["get", "secrets", "-A"]).await;
    assert!(!ok);
    assert_eq!(
        err.trim(),
        "Error from server (Forbidden): secrets is forbidden: User \"kdoc-demo\" cannot list resource \"secrets\" in API group \"\" at the cluster scope"
    );
    k.ok(&["get", "secrets", "-n", "mlops"]).await;
    let (ok, out, _) = k
        .run(&["auth", "can-i", "list", "secrets", "-n", "argowf"])
        .await;
    assert!(!ok);
    assert_eq!(out.trim(), "no");
    assert_eq!(
        k.ok(&["auth", "can-i", "list", "secrets", "-n", "mlops"])
            .await
            .trim(),
        "yes"
    );
    assert_eq!(
        k.ok(&["auth", "can-i", "get", "secrets", "-n", "argowf"])
            .await
            .trim(),
        "yes"
    );
    let rules = k.ok(&["auth", "can-i", "--list", "-n", "argowf"]).await;
    let secrets = rules
        .lines()
        .find(|l| l.starts_with("secrets "))
        .unwrap_or_else(|| panic!("no secrets rule in:\n{rules}"));
    assert!(secrets.contains("[create get delete]"), "{rules}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_odd_tables_print_as_upstream() {
    let sim = start("hostile").await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let out = k.ok(&["get", "odd", "-n", hostile::NAMESPACE]).await;
    let (head, rows) = table(&out);
    assert_eq!(
        head,
        [
            "NAME", "OBJECT", "LIST", "FLAG", "FLAGTEXT", "COUNT", "RATIO", "MISSING", "SINCE",
            "NOTE"
        ],
        "{out}"
    );
    let cells = |name: &str, cols: &[&str]| -> Vec<String> {
        let r = row(&rows, name);
        cols.iter().map(|c| r[*c].clone()).collect()
    };
    let cols = [
        "OBJECT", "LIST", "FLAG", "FLAGTEXT", "COUNT", "RATIO", "MISSING", "NOTE",
    ];
    assert_eq!(
        cells("all-types", &cols),
        [
            "{\"a\":\"x\",\"b\":1}",
            "[1,\"two\",null]",
            "true",
            "true",
            "42",
            "0.25",
            "",
            "first line..."
        ],
        "{out}"
    );
    assert_eq!(
        cells("wrong-types", &cols),
        ["just text", "{}", "", "1", "", "3", "", "12.5"],
        "{out}"
    );
    assert_eq!(cells("wrong-types", &["SINCE"]), ["<invalid>"], "{out}");
    assert!(cells("empty", &cols).iter().all(|c| c.is_empty()), "{out}");
    assert!(!cells("all-types", &["SINCE"])[0].is_empty(), "{out}");

    let wide = k
        .ok(&["get", "oddities", "-n", hostile::NAMESPACE, "-o", "wide"])
        .await;
    let (head, rows) = table(&wide);
    assert_eq!(head.last().map(String::as_str), Some("WIDE"), "{wide}");
    assert_eq!(row(&rows, "wrong-types")["WIDE"], "[\"w\"]", "{wide}");

    let bare = k.ok(&["get", "bareitems", "-A"]).await;
    let (head, rows) = table(&bare);
    assert_eq!(head, ["NAME", "AGE"], "{bare}");
    assert_eq!(rows.len(), 2, "{bare}");
}
