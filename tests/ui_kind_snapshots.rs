//! A kind's table (`:deploy`) drawn from a server Table as `kubectl get deploy -A` prints it:
//! NAMESPACE first, the wide columns when the width has room or when asked, sorting, and the
//! owner and labels of the selection; `TestBackend` buffers at a fixed moment.

mod common;

use common::ui;
use kdoc::core::actions::Action;
use kdoc::core::cluster_event::{ClusterMsg, TableEvent};
use kdoc::core::effect::EffectKind;
use kdoc::core::kinds::{KindInfo, Kinds};
use kdoc::core::state::{AppState, Msg, Scope};
use serde_json::{Value, json};

fn deployments_kind() -> KindInfo {
    KindInfo {
        group: "apps".into(),
        version: "v1".into(),
        kind: "Deployment".into(),
        plural: "deployments".into(),
        singular: "deployment".into(),
        short_names: vec!["deploy".into()],
        categories: vec!["all".into()],
        namespaced: true,
        verbs: ["get", "list", "watch"].map(String::from).to_vec(),
    }
}

/// The Table a 1.32 API server sends for deployments (printers.go's columns; the wide ones
/// at priority 1), rows with their metadata only.
fn table() -> Value {
    let created = (ui::base() - jiff::SignedDuration::from_mins(75)).to_string();
    let row = |ns: &str, name: &str, ready: &str, up: i64, avail: i64, image: &str| {
        json!({
            "cells": [name, ready, up, avail, "75m", "main", image, format!("app={name}")],
            "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": {
                "name": name, "namespace": ns, "uid": format!("uid-{name}"), "creationTimestamp": created,
                "labels": {"app": name},
                "ownerReferences": [{"apiVersion": "machinelearning.seldon.io/v1", "kind": "SeldonDeployment",
                                     "name": "iris", "uid": "uid-sdep", "controller": true}]}}
        })
    };
    let col = |name: &str, t: &str, p: i64| json!({"name": name, "type": t, "format": "", "description": "", "priority": p});
    json!({
        "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "42"},
        "columnDefinitions": [
            col("Name", "string", 0), col("Ready", "string", 0), col("Up-to-date", "integer", 0),
            col("Available", "integer", 0), col("Age", "date", 0), col("Containers", "string", 1),
            col("Images", "string", 1), col("Selector", "string", 1),
        ],
        "rows": [
            row("argowf", "iris-default-0-classifier", "0/1", 1, 0, "ghcr.io/jtayl222/iris:latest"),
            row("mlflow", "mlflow", "1/1", 1, 1, "ghcr.io/mlflow/mlflow:v2.14.1"),
            row("mlops", "gpu-inference", "0/2", 2, 0, "nvcr.io/nvidia/tritonserver:24.05"),
        ],
    })
}

fn open_deploy() -> AppState {
    let mut s = ui::mlops_state(Scope::All);
    s.cache.set_kinds(Kinds::new(vec![deployments_kind()]));
    let effects = s.update(Msg::Command("deploy".into()));
    let watch = effects
        .iter()
        .find(|e| matches!(e.kind, EffectKind::Table(_)))
        .expect(":deploy watches the deployments' table");
    let t = kdoc::core::table::parse(&table()).expect("a Table");
    s.update(Msg::Cluster(ClusterMsg::Table {
        id: watch.id,
        event: TableEvent::Reset(Box::new(t)),
    }));
    s.update(Msg::Tick(ui::base()));
    s
}

#[test]
fn deployments_as_kubectl_get_prints_them_wide_when_there_is_room() {
    let s = open_deploy();
    let wide = ui::screen(&s, 160, 14);
    assert!(
        wide.contains("NAMESPACE NAME                      READY UP-TO-DATE AVAILABLE AGE"),
        "{wide}"
    );
    assert!(wide.contains("IMAGES"), "{wide}");
    assert!(
        wide.contains("owners  Deployment/iris-default-0-classifier ← SeldonDeployment/iris"),
        "{wide}"
    );
    insta::assert_snapshot!("kind_deploy_160x14", wide);
    // Too narrow for the wide columns: kubectl's default ones.
    let narrow = ui::screen(&s, 80, 14);
    assert!(!narrow.contains("IMAGES"), "{narrow}");
    insta::assert_snapshot!("kind_deploy_80x14", narrow);
}

#[test]
fn ctrl_w_shows_the_wide_columns_and_sorting_orders_by_a_columns_type() {
    let mut s = open_deploy();
    s.update(Msg::Action(Action::Wide));
    let t = ui::screen(&s, 80, 14);
    assert!(t.contains("IMAGES") || t.contains("IMAG"), "{t}");
    // Sort by UP-TO-DATE (an integer column), then reversed: 2 comes first.
    s.update(Msg::Action(Action::Wide));
    for _ in 0..3 {
        s.update(Msg::Action(Action::SortNext));
    }
    s.update(Msg::Action(Action::SortPrev));
    s.update(Msg::Action(Action::SortNext));
    let p = s
        .find::<kdoc::core::panes::kinds::KindPane>()
        .expect("the kind table");
    assert_eq!(p.sort, Some((2, false)));
    s.update(Msg::Action(Action::SortNext));
    s.update(Msg::Action(Action::SortPrev));
    let t = ui::screen(&s, 80, 14);
    assert!(t.contains("sort:up-to-date"), "{t}");
    let p = s.find::<kdoc::core::panes::kinds::KindPane>().unwrap();
    let first = p.row(0).unwrap();
    let last = p.row(2).unwrap();
    assert!(first.cells[2].as_str() <= last.cells[2].as_str(), "{t}");
    s.update(Msg::Action(Action::SortName));
    s.update(Msg::Action(Action::SortName));
    let p = s.find::<kdoc::core::panes::kinds::KindPane>().unwrap();
    assert_eq!(p.row(0).unwrap().name, "mlflow", "NAME reversed");
}
