//! Every timestamp a built-in scenario writes is in the past of the scenario clock: objects and
//! log seeds at the start, and each timeline step's objects, patches and events at the moment
//! the step runs. A future time shows as `<invalid>` in kubectl and confuses every age.

use jiff::{SignedDuration, Timestamp};
use kdoc::sim::scenario::{Action, Scenario, builtin, load, mlops};
use serde_json::Value;

/// Every RFC 3339 timestamp inside `v`, with the path it was found at.
fn timestamps(v: &Value, path: &str, out: &mut Vec<(String, Timestamp)>) {
    match v {
        Value::String(s) => {
            if let Ok(t) = s.parse::<Timestamp>() {
                out.push((path.to_string(), t));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                timestamps(item, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                timestamps(item, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

fn name_of(v: &Value) -> String {
    format!(
        "{} {}/{}",
        v["kind"].as_str().unwrap_or("?"),
        v["metadata"]["namespace"].as_str().unwrap_or(""),
        v["metadata"]["name"].as_str().unwrap_or("")
    )
}

/// What is wrong with `s` started at `base`: each timestamp later than the clock where it is
/// written.
fn future_times(s: &Scenario, base: Timestamp) -> Vec<String> {
    let mut bad = vec![];
    for seed in &s.logs {
        for (off, line) in &seed.lines {
            if *off > 0 {
                bad.push(format!(
                    "log {}/{}/{} line at +{off}s: {line}",
                    seed.ns, seed.pod, seed.container
                ));
            }
        }
    }
    let mut check = |what: String, v: &Value, clock: Timestamp| {
        let mut found = vec![];
        timestamps(v, "", &mut found);
        for (path, t) in found {
            if t > clock {
                bad.push(format!("{what}{path} = {t} is after {clock}"));
            }
        }
    };
    for o in &s.objects {
        check(name_of(o), o, base);
    }
    for step in &s.timeline {
        let clock = base
            .checked_add(SignedDuration::from_secs_f64(step.at))
            .unwrap();
        let at = format!("step at +{}s: ", step.at);
        match &step.action {
            Action::Upsert(v) | Action::Event(v) => check(format!("{at}{}", name_of(v)), v, clock),
            Action::Patch {
                kind,
                ns,
                name,
                patch,
                ..
            } => check(format!("{at}patch {kind} {ns}/{name}"), patch, clock),
            Action::SetContainer {
                ns,
                pod,
                container,
                status,
            } => check(
                format!("{at}container {ns}/{pod}/{container}"),
                status,
                clock,
            ),
            _ => {}
        }
    }
    bad
}

#[test]
fn every_timestamp_of_every_built_in_scenario_is_in_the_past() {
    let base = Timestamp::now();
    let spec = load::LoadSpec {
        pods: 200,
        namespaces: 4,
        log_rate: 1.0,
    };
    // `builtin` reads the clock itself; a second of slack covers the moment between.
    let slack = base.checked_add(SignedDuration::from_secs(1)).unwrap();
    let scenarios = [
        (mlops::scenario(base), base),
        (load::scenario(&spec, base), base),
        (builtin("empty", &spec).unwrap(), slack),
    ];
    for (s, clock) in &scenarios {
        assert!(!s.objects.is_empty(), "{} has objects", s.name);
        let bad = future_times(s, *clock);
        assert!(
            bad.is_empty(),
            "{}: {} timestamps in the future:\n{}",
            s.name,
            bad.len(),
            bad.join("\n")
        );
    }
}

/// The story's ages agree: each namespace is older than everything in it, every pod's node
/// exists, and the namespaces every cluster has are there.
#[test]
fn namespaces_predate_their_objects_and_every_named_node_exists() {
    let base = Timestamp::now();
    let spec = load::LoadSpec {
        pods: 50,
        namespaces: 3,
        log_rate: 0.0,
    };
    for s in [
        mlops::scenario(base),
        load::scenario(&spec, base),
        builtin("empty", &spec).unwrap(),
    ] {
        let created = |o: &Value| {
            o["metadata"]["creationTimestamp"]
                .as_str()
                .and_then(|t| t.parse::<Timestamp>().ok())
        };
        let of_kind = |kind: &'static str| s.objects.iter().filter(move |o| o["kind"] == kind);
        for ns in ["default", "kube-system", "kube-public"] {
            assert!(
                of_kind("Namespace").any(|n| n["metadata"]["name"] == ns),
                "{}: namespace {ns}",
                s.name
            );
        }
        for o in &s.objects {
            let Some(ns) = o["metadata"]["namespace"].as_str() else {
                continue;
            };
            let namespace = of_kind("Namespace")
                .find(|n| n["metadata"]["name"] == ns)
                .unwrap_or_else(|| panic!("{}: no namespace {ns}", s.name));
            let (Some(n), Some(t)) = (created(namespace), created(o)) else {
                panic!(
                    "{}: {} or {ns} has no creationTimestamp",
                    s.name,
                    name_of(o)
                );
            };
            assert!(
                n < t,
                "{}: {ns} ({n}) is younger than {}",
                s.name,
                name_of(o)
            );
        }
        for p in of_kind("Pod") {
            if let Some(node) = p["spec"]["nodeName"].as_str() {
                assert!(
                    of_kind("Node").any(|n| n["metadata"]["name"] == node),
                    "{}: node {node} of {}",
                    s.name,
                    name_of(p)
                );
            }
        }
    }
}
