//! Many objects of one kind at once, for benchmarks of `:KIND` tables: ConfigMaps, or the
//! objects of a small custom resource with printer columns of every type.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::Sim;
use super::time::{offset, rfc3339};

/// The benchmark CRD's group, plural and kind.
pub const BENCH_GROUP: &str = "bench.kdoc.dev";
pub const BENCH_PLURAL: &str = "benchitems";
pub const BENCH_KIND: &str = "BenchItem";

/// `n` ConfigMaps named `cm-00000`..., in `ns`, each with three keys, created over the last
/// `n` seconds before `base`.
pub fn config_maps(ns: &str, n: usize, base: Timestamp) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": format!("cm-{i:05}"), "namespace": ns,
                             "labels": {"app": "bench", "shard": (i % 16).to_string()},
                             "creationTimestamp": rfc3339(offset(base, -(i as i64) - 1))},
                "data": {"a": i.to_string(), "b": "x".repeat(16), "c": format!("value {i}")},
            })
        })
        .collect()
}

/// A namespaced CRD `benchitems.bench.kdoc.dev` (short name `bench`): string, integer,
/// boolean and date columns, one of them only in `-o wide`.
pub fn bench_crd() -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{BENCH_PLURAL}.{BENCH_GROUP}")},
        "spec": {"group": BENCH_GROUP, "scope": "Namespaced",
                 "names": {"plural": BENCH_PLURAL, "singular": "benchitem", "kind": BENCH_KIND, "shortNames": ["bench"]},
                 "versions": [{"name": "v1", "served": true, "storage": true,
                     "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                     "additionalPrinterColumns": [
                         {"name": "Phase", "type": "string", "jsonPath": ".status.phase"},
                         {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
                         {"name": "Ready", "type": "boolean", "jsonPath": ".status.ready"},
                         {"name": "Owner", "type": "string", "jsonPath": ".spec.owner", "priority": 1},
                         {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                     ]}]},
    })
}

/// `n` BenchItems named `item-00000`..., in `ns`.
pub fn bench_items(ns: &str, n: usize, base: Timestamp) -> Vec<Value> {
    const PHASES: [&str; 4] = ["Running", "Pending", "Succeeded", "Failed"];
    (0..n)
        .map(|i| {
            json!({
                "apiVersion": format!("{BENCH_GROUP}/v1"), "kind": BENCH_KIND,
                "metadata": {"name": format!("item-{i:05}"), "namespace": ns,
                             "creationTimestamp": rfc3339(offset(base, -(i as i64) - 1))},
                "spec": {"replicas": i % 5, "owner": format!("team-{}", i % 7)},
                "status": {"phase": PHASES[i % PHASES.len()], "ready": i % 3 != 0},
            })
        })
        .collect()
}

impl Sim {
    /// Store objects as they are (creating their namespaces; a CRD among them serves its kind);
    /// watchers see each as ADDED. How many were stored, or the first problem.
    pub fn add_objects(&self, objects: impl IntoIterator<Item = Value>) -> Result<usize, String> {
        let mut n = 0;
        for o in objects {
            self.state().store.upsert(o)?;
            n += 1;
        }
        Ok(n)
    }

    /// Install a CustomResourceDefinition, as `kubectl create -f crd.yaml` does: its kinds are
    /// in discovery and servable at once.
    pub fn install_crd(&self, crd: Value) -> Result<(), String> {
        self.add_objects([crd]).map(|_| ())
    }

    /// Add `n` ConfigMaps to `ns` (see [`config_maps`]).
    pub fn add_config_maps(&self, ns: &str, n: usize) -> Result<usize, String> {
        self.add_objects(config_maps(ns, n, Timestamp::now()))
    }

    /// Install the benchmark CRD (see [`bench_crd`]) and add `n` BenchItems to `ns`.
    pub fn add_bench_items(&self, ns: &str, n: usize) -> Result<usize, String> {
        self.install_crd(bench_crd())?;
        self.add_objects(bench_items(ns, n, Timestamp::now()))
    }
}
