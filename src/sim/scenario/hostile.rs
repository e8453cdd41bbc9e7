//! The `hostile` scenario: the `mlops` demo cluster as a less friendly cluster serves it. The
//! user is `kdoc-demo`, who may not list or watch Secrets in `argowf` (so not across all
//! namespaces either), and the `hostile` namespace holds custom resources whose tables are odd:
//! one CRD with no printer columns (Name and Age only), one whose columns find objects, arrays,
//! booleans, numbers of the wrong type, invalid dates, multi-line text and nothing at all.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::Scenario;
use super::build::{namespace, uid_for};
use crate::sim::faults::AccessRule;
use crate::sim::time::{offset, rfc3339};

/// The user the hostile cluster's 403s name.
pub const USER: &str = "kdoc-demo";
/// Where the odd custom objects live.
pub const NAMESPACE: &str = "hostile";
/// The namespace whose Secrets may not be listed or watched.
pub const SECRETS_DENIED_IN: &str = "argowf";
/// The API group of the odd CRDs.
pub const GROUP: &str = "hostile.kdoc.dev";
/// A cluster-scoped CRD with no `additionalPrinterColumns`: tables show Name and Age.
pub const BARE: &str = "bareitems";
/// A namespaced CRD (short name `odd`) whose printer columns find non-string values.
pub const ODD: &str = "oddities";

pub fn scenario(base: Timestamp) -> Scenario {
    let mut s = super::mlops::scenario(base);
    s.name = "hostile".into();
    s.user = Some(USER.into());
    s.denied.push(AccessRule::new(
        &["list", "watch"],
        "",
        "secrets",
        Some(SECRETS_DENIED_IN),
    ));
    let created = |secs: i64| rfc3339(offset(base, secs));
    let mut ns = namespace(NAMESPACE);
    ns["metadata"]["uid"] = json!(uid_for("", NAMESPACE));
    ns["metadata"]["creationTimestamp"] = json!(created(-86_400 * 3));
    s.objects.push(ns);
    s.objects.push(bare_crd(&created(-86_400 * 2)));
    s.objects.push(odd_crd(&created(-86_400 * 2)));
    for (i, name) in ["plain", "also-plain"].iter().enumerate() {
        s.objects.push(json!({
            "apiVersion": format!("{GROUP}/v1"), "kind": "BareItem",
            "metadata": {"name": name, "uid": uid_for("", name), "creationTimestamp": created(-3600 * (i as i64 + 1))},
            "spec": {"anything": i},
        }));
    }
    for o in oddities(base) {
        s.objects.push(o);
    }
    s
}

pub fn bare_crd(created: &str) -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{BARE}.{GROUP}"), "creationTimestamp": created},
        "spec": {"group": GROUP, "scope": "Cluster",
                 "names": {"plural": BARE, "singular": "bareitem", "kind": "BareItem", "listKind": "BareItemList"},
                 "versions": [{"name": "v1", "served": true, "storage": true,
                               "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]},
    })
}

/// The odd columns, in order: what each finds on the objects of [`oddities`].
pub fn odd_crd(created: &str) -> Value {
    let col =
        |name: &str, ty: &str, path: &str| json!({"name": name, "type": ty, "jsonPath": path});
    let mut wide = col("Wide", "string", ".spec.wide");
    wide["priority"] = json!(1);
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{ODD}.{GROUP}"), "creationTimestamp": created},
        "spec": {"group": GROUP, "scope": "Namespaced",
                 "names": {"plural": ODD, "singular": "oddity", "kind": "Oddity", "listKind": "OddityList",
                           "shortNames": ["odd"], "categories": ["hostile"]},
                 "versions": [{"name": "v1", "served": true, "storage": true,
                               "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                               "additionalPrinterColumns": [
                                   col("Object", "string", ".spec.object"),
                                   col("List", "string", ".spec.list"),
                                   col("Flag", "boolean", ".spec.flag"),
                                   col("FlagText", "string", ".spec.flag"),
                                   col("Count", "integer", ".spec.count"),
                                   col("Ratio", "number", ".spec.ratio"),
                                   col("Missing", "string", ".status.nothing"),
                                   col("Since", "date", ".status.since"),
                                   col("Note", "string", ".spec.note"),
                                   wide,
                               ]}]},
    })
}

/// Three Oddities: `all-types` has a value of each kind, `wrong-types` has values that do not
/// fit their columns' types (a string count, a numeric flag, an invalid date), `empty` has none.
pub fn oddities(base: Timestamp) -> Vec<Value> {
    let obj = |name: &str, age: i64, spec: Value, status: Value| {
        json!({
            "apiVersion": format!("{GROUP}/v1"), "kind": "Oddity",
            "metadata": {"name": name, "namespace": NAMESPACE, "uid": uid_for(NAMESPACE, name),
                         "creationTimestamp": rfc3339(offset(base, -age))},
            "spec": spec, "status": status,
        })
    };
    vec![
        obj(
            "all-types",
            7200,
            json!({"object": {"b": 1, "a": "x"}, "list": [1, "two", null], "flag": true,
                   "count": 42, "ratio": 0.25, "note": "first line\nsecond line", "wide": "only-wide"}),
            json!({"since": rfc3339(offset(base, -600))}),
        ),
        obj(
            "wrong-types",
            3600,
            json!({"object": "just text", "list": {}, "flag": 1, "count": "7",
                   "ratio": 3, "note": 12.5, "wide": ["w"]}),
            json!({"since": "last tuesday"}),
        ),
        obj("empty", 60, json!({}), json!({})),
    ]
}
