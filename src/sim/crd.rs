//! CustomResourceDefinitions: turning one into the kinds it serves (discovery names, scope,
//! printer columns), and printing a custom object's Table row as apiextensions-apiserver's
//! `tableconvertor` does: `Name`, then each `additionalPrinterColumns` entry (or `Age` when
//! there are none), every cell found by a simple JSONPath on the object.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::resources::ResourceType;
use super::store::str_at;
use crate::core::age::age_since;

pub const GROUP: &str = "apiextensions.k8s.io";
pub const API_VERSION: &str = "apiextensions.k8s.io/v1";
pub const KIND: &str = "CustomResourceDefinition";

/// One `additionalPrinterColumns` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterColumn {
    pub name: String,
    /// OpenAPI type: string, integer, number, boolean or date.
    pub type_: String,
    pub format: String,
    pub description: String,
    pub priority: i64,
    pub json_path: String,
}

impl PrinterColumn {
    pub fn new(name: &str, type_: &str, json_path: &str, priority: i64) -> Self {
        PrinterColumn {
            name: name.into(),
            type_: type_.into(),
            format: String::new(),
            description: String::new(),
            priority,
            json_path: json_path.into(),
        }
    }

    fn from_json(v: &Value) -> Option<Self> {
        Some(PrinterColumn {
            name: v["name"].as_str()?.to_string(),
            type_: v["type"].as_str().unwrap_or("string").to_string(),
            format: str_at(v, &["format"]).to_string(),
            description: str_at(v, &["description"]).to_string(),
            priority: v["priority"].as_i64().unwrap_or(0),
            json_path: v["jsonPath"].as_str()?.to_string(),
        })
    }

    fn to_json(&self) -> Value {
        let mut v = json!({"name": self.name, "type": self.type_, "jsonPath": self.json_path});
        if self.priority != 0 {
            v["priority"] = json!(self.priority);
        }
        if !self.format.is_empty() {
            v["format"] = json!(self.format);
        }
        if !self.description.is_empty() {
            v["description"] = json!(self.description);
        }
        v
    }
}

/// The printer columns of the custom kinds every simulator serves (what their projects' CRDs
/// declare, as far as the simulator prints them), or None for a kind that is not a CRD.
pub fn builtin_columns(group: &str, kind: &str) -> Option<Vec<PrinterColumn>> {
    let c = PrinterColumn::new;
    const SUCCEEDED: &str = ".status.conditions[?(@.type==\"Succeeded\")]";
    Some(match (group, kind) {
        ("argoproj.io", "Workflow") => vec![
            c("Status", "string", ".status.phase", 0),
            c("Age", "date", ".status.startedAt", 0),
            c("Message", "string", ".status.message", 0),
        ],
        ("tekton.dev", "PipelineRun" | "TaskRun") => vec![
            c("Succeeded", "string", &format!("{SUCCEEDED}.status"), 0),
            c("Reason", "string", &format!("{SUCCEEDED}.reason"), 0),
            c("StartTime", "date", ".status.startTime", 0),
            c("CompletionTime", "date", ".status.completionTime", 0),
        ],
        ("serving.kserve.io", "InferenceService") => vec![
            c("URL", "string", ".status.url", 0),
            c(
                "Ready",
                "string",
                ".status.conditions[?(@.type=='Ready')].status",
                0,
            ),
            c("Age", "date", ".metadata.creationTimestamp", 0),
        ],
        ("serving.kserve.io", "ServingRuntime")
        | ("machinelearning.seldon.io", "SeldonDeployment") => {
            vec![]
        }
        _ => return None,
    })
}

/// The columns a CRD version with no printer columns gets (upstream `serveDefaultColumnsIfEmpty`).
fn default_columns() -> Vec<PrinterColumn> {
    vec![PrinterColumn {
        description: "CreationTimestamp is a timestamp representing the server time when this object was created.".into(),
        ..PrinterColumn::new("Age", "date", ".metadata.creationTimestamp", 0)
    }]
}

fn served(crd: &Value) -> Vec<&Value> {
    crd["spec"]["versions"]
        .as_array()
        .map(|vs| {
            vs.iter()
                .filter(|v| v["served"].as_bool().unwrap_or(false))
                .collect()
        })
        .unwrap_or_default()
}

/// What the apiserver's validation would refuse in a CRD: (field, message) pairs in its words.
pub fn problems(crd: &Value) -> Vec<(String, String)> {
    let spec = &crd["spec"];
    let group = str_at(spec, &["group"]);
    let names = &spec["names"];
    let plural = str_at(names, &["plural"]);
    let name = str_at(crd, &["metadata", "name"]);
    let mut out = vec![];
    let mut p = |f: &str, m: String| out.push((f.to_string(), m));
    for (field, value) in [
        ("spec.group", group),
        ("spec.names.plural", plural),
        ("spec.names.kind", str_at(names, &["kind"])),
    ] {
        if value.is_empty() {
            p(field, "Required value".into());
        }
    }
    if !group.is_empty() && !plural.is_empty() && name != format!("{plural}.{group}") {
        p(
            "metadata.name",
            format!("Invalid value: {name:?}: must be spec.names.plural+\".\"+spec.group"),
        );
    }
    let scope = str_at(spec, &["scope"]);
    if scope != "Namespaced" && scope != "Cluster" {
        p(
            "spec.scope",
            format!("Unsupported value: {scope:?}: supported values: \"Cluster\", \"Namespaced\""),
        );
    }
    if served(crd).is_empty() {
        p(
            "spec.versions",
            "Invalid value: must have exactly one version marked as storage version".into(),
        );
    }
    out
}

/// The kinds a CRD object serves, one per served version; or why it is invalid.
pub fn resources(crd: &Value) -> Result<Vec<ResourceType>, String> {
    let problems = problems(crd);
    if !problems.is_empty() {
        let all: Vec<String> = problems.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        return Err(format!(
            "CustomResourceDefinition {:?} is invalid: {}",
            str_at(crd, &["metadata", "name"]),
            all.join(", ")
        ));
    }
    let spec = &crd["spec"];
    let group = str_at(spec, &["group"]);
    let names = &spec["names"];
    let plural = str_at(names, &["plural"]);
    let kind = str_at(names, &["kind"]);
    let scope = str_at(spec, &["scope"]);
    let versions = served(crd);
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    let singular = match str_at(names, &["singular"]) {
        "" => kind.to_ascii_lowercase(),
        s => s.to_string(),
    };
    Ok(versions
        .into_iter()
        .map(|v| {
            let cols: Vec<PrinterColumn> = v["additionalPrinterColumns"]
                .as_array()
                .map(|cs| cs.iter().filter_map(PrinterColumn::from_json).collect())
                .unwrap_or_default();
            ResourceType {
                group: group.into(),
                version: str_at(v, &["name"]).into(),
                plural: plural.into(),
                singular: singular.clone(),
                kind: kind.into(),
                namespaced: scope == "Namespaced",
                short_names: strings(&names["shortNames"]),
                categories: strings(&names["categories"]),
                printer_columns: Some(if cols.is_empty() {
                    default_columns()
                } else {
                    cols
                }),
            }
        })
        .collect())
}

/// What the apiextensions controllers write into a new CRD's status: its names accepted and
/// it established.
pub fn accept(crd: &mut Value, now: Timestamp) {
    if !crd["spec"]["names"].is_object() {
        // Not a CRD that `problems` lets through: nothing to accept, and nothing to index into.
        return;
    }
    let names = crd["spec"]["names"].clone();
    let mut accepted = names.clone();
    if accepted["singular"].as_str().unwrap_or("").is_empty() {
        accepted["singular"] = json!(str_at(&names, &["kind"]).to_ascii_lowercase());
    }
    if accepted["listKind"].as_str().unwrap_or("").is_empty() {
        accepted["listKind"] = json!(format!("{}List", str_at(&names, &["kind"])));
    }
    crd["spec"]["names"] = accepted.clone();
    let stored: Vec<Value> = crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["storage"].as_bool().unwrap_or(false))
        .map(|v| v["name"].clone())
        .collect();
    let t = super::time::rfc3339(now);
    let cond = |ty: &str, reason: &str, message: &str| json!({"type": ty, "status": "True", "lastTransitionTime": t, "reason": reason, "message": message});
    crd["status"] = json!({
        "conditions": [
            cond("NamesAccepted", "NoConflicts", "no conflicts found"),
            cond("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        ],
        "acceptedNames": accepted,
        "storedVersions": stored,
    });
}

/// A CRD object for a kind, as its project's chart installs it (used for the kinds every
/// simulator serves, so `kubectl get crd` agrees with discovery).
pub fn object_for(rt: &ResourceType, columns: &[PrinterColumn], created: &str) -> Value {
    let mut version = json!({
        "name": rt.version, "served": true, "storage": true,
        "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
        "subresources": {"status": {}},
    });
    if !columns.is_empty() {
        version["additionalPrinterColumns"] = json!(
            columns
                .iter()
                .map(PrinterColumn::to_json)
                .collect::<Vec<_>>()
        );
    }
    let mut names = json!({"plural": rt.plural, "singular": rt.singular, "kind": rt.kind, "listKind": format!("{}List", rt.kind)});
    if !rt.short_names.is_empty() {
        names["shortNames"] = json!(rt.short_names);
    }
    if !rt.categories.is_empty() {
        names["categories"] = json!(rt.categories);
    }
    let mut crd = json!({
        "apiVersion": API_VERSION, "kind": KIND,
        "metadata": {"name": format!("{}.{}", rt.plural, rt.group), "creationTimestamp": created,
                     "generation": 1},
        "spec": {"group": rt.group, "names": names,
                 "scope": if rt.namespaced { "Namespaced" } else { "Cluster" },
                 "versions": [version], "conversion": {"strategy": "None"}},
    });
    accept(
        &mut crd,
        created.parse().unwrap_or_else(|_| Timestamp::now()),
    );
    crd
}

/// Column definitions of a custom resource's Table: `Name`, then the printer columns.
pub fn column_definitions(cols: &[PrinterColumn]) -> Vec<Value> {
    let mut defs = vec![json!({"name": "Name", "type": "string", "format": "name",
        "description": "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
        "priority": 0})];
    defs.extend(cols.iter().map(|c| {
        let description = if c.description.is_empty() {
            format!(
                "Custom resource definition column (in JSONPath format): {}",
                c.json_path
            )
        } else {
            c.description.clone()
        };
        json!({"name": c.name, "type": c.type_, "format": c.format, "description": description, "priority": c.priority})
    }));
    defs
}

/// A custom object's cells: its name, then one per column (null where the path finds nothing
/// or the value does not fit the column's type, as upstream).
pub fn cells(cols: &[PrinterColumn], obj: &Value, now: Timestamp) -> Vec<Value> {
    let mut out = vec![json!(str_at(obj, &["metadata", "name"]))];
    out.extend(cols.iter().map(|c| match find(obj, &c.json_path) {
        Some(v) => cell(&c.type_, v, now),
        None => Value::Null,
    }));
    out
}

/// Upstream: a `string` column prints whatever it finds as jsonpath prints it (objects and
/// arrays as compact JSON); other types keep only values of that type (`cellForJSONValue`).
fn cell(ty: &str, v: &Value, now: Timestamp) -> Value {
    match (ty, v) {
        (_, Value::Null) => Value::Null,
        ("string", Value::String(s)) => json!(s),
        ("string", Value::Object(_) | Value::Array(_)) => {
            json!(go_json(v))
        }
        ("string", Value::Bool(b)) => json!(b.to_string()),
        ("string", Value::Number(n)) => json!(go_number(n)),
        ("integer", Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => json!(i),
            // Go's int64(float64) truncates toward zero.
            (None, Some(f)) => json!(f.trunc() as i64),
            _ => Value::Null,
        },
        ("number", Value::Number(n)) => json!(n.as_f64()),
        ("boolean", Value::Bool(b)) => json!(b),
        ("date", Value::String(s)) => match s.parse::<Timestamp>() {
            Ok(t) => json!(age_since(t, now)),
            Err(_) => json!("<invalid>"),
        },
        _ => Value::Null,
    }
}

/// How Go's `fmt.Fprint` prints a JSON number decoded into unstructured content (int64 when
/// it is integral, float64 with `%v` otherwise).
fn go_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let exp = if f == 0.0 {
        0
    } else {
        f.abs().log10().floor() as i32
    };
    if !(-4..21).contains(&exp) {
        // %v uses %e for large exponents: 1e+21, 1.5e-05.
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((m, e)) => {
                let (sign, digits) = match e.strip_prefix('-') {
                    Some(d) => ('-', d),
                    None => ('+', e),
                };
                format!("{m}e{sign}{digits:0>2}")
            }
            None => s,
        }
    } else {
        f.to_string()
    }
}

/// Go's `json.Marshal` of unstructured content: compact, map keys sorted, `<`, `>` and `&`
/// escaped.
fn go_json(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                let mut out = serde_json::Map::new();
                for k in keys {
                    out.insert(k.clone(), sorted(&m[k]));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string(&sorted(v))
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// One step of a simple JSONPath.
#[derive(Debug, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    /// `[?(@.a.b=="x")]`: the first element whose field equals the value.
    Filter(Vec<String>, String),
}

fn parse(path: &str) -> Option<Vec<Step>> {
    let p = path.trim();
    let p = p
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .unwrap_or(p);
    let mut rest = p.strip_prefix('$').unwrap_or(p);
    let mut steps = vec![];
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end > 0 {
                steps.push(Step::Field(r[..end].to_string()));
            }
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = bracket_end(r)?;
            let inner = r[..end].trim();
            rest = &r[end + 1..];
            if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
                let (lhs, rhs) = f.split_once("==")?;
                let fields = lhs
                    .trim()
                    .strip_prefix('@')?
                    .split('.')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
                let rhs = rhs.trim().trim_matches(|c| c == '"' || c == '\'');
                steps.push(Step::Filter(fields, rhs.to_string()));
            } else if let Ok(i) = inner.parse::<i64>() {
                steps.push(Step::Index(i));
            } else {
                let key = inner.trim_matches(|c| c == '"' || c == '\'');
                steps.push(Step::Field(key.to_string()));
            }
        } else {
            return None;
        }
    }
    Some(steps)
}

fn bracket_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, ']') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The first value a simple JSONPath finds in `obj`, or None (missing keys are allowed).
pub fn find<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = obj;
    for step in parse(path)? {
        v = match step {
            Step::Field(f) => v.get(f.as_str())?,
            Step::Index(i) => {
                let a = v.as_array()?;
                let i = if i < 0 { a.len() as i64 + i } else { i };
                a.get(usize::try_from(i).ok()?)?
            }
            Step::Filter(fields, want) => v.as_array()?.iter().find(|e| {
                let got = fields.iter().try_fold(*e, |x, f| x.get(f.as_str()));
                match got {
                    Some(Value::String(s)) => *s == want,
                    Some(Value::Bool(b)) => b.to_string() == want,
                    Some(Value::Number(n)) => n.to_string() == want,
                    _ => false,
                }
            })?,
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_find_fields_indices_and_filters() {
        let o = json!({"spec": {"replicas": 3, "a.b": "dot"}, "status": {"conditions": [
            {"type": "Synced", "status": "False"}, {"type": "Ready", "status": "True"}]}});
        assert_eq!(find(&o, ".spec.replicas"), Some(&json!(3)));
        assert_eq!(
            find(&o, ".status.conditions[1].type"),
            Some(&json!("Ready"))
        );
        assert_eq!(
            find(&o, ".status.conditions[-1].type"),
            Some(&json!("Ready"))
        );
        assert_eq!(
            find(&o, ".status.conditions[?(@.type==\"Ready\")].status"),
            Some(&json!("True"))
        );
        assert_eq!(
            find(&o, ".status.conditions[?(@.type=='Synced')].status"),
            Some(&json!("False"))
        );
        assert_eq!(find(&o, ".spec['a.b']"), Some(&json!("dot")));
        assert_eq!(find(&o, ".spec.missing"), None);
        assert_eq!(find(&o, ".spec.replicas.deeper"), None);
    }

    #[test]
    fn cells_follow_the_column_types() {
        let now: Timestamp = "2024-01-01T01:00:00Z".parse().unwrap();
        let s = |v: Value| cell("string", &v, now);
        assert_eq!(
            s(json!({"b": 1, "a": "<x>"})),
            json!("{\"a\":\"\\u003cx\\u003e\",\"b\":1}")
        );
        assert_eq!(s(json!([1, "two"])), json!("[1,\"two\"]"));
        assert_eq!(s(json!(true)), json!("true"));
        assert_eq!(s(json!(2.5)), json!("2.5"));
        assert_eq!(s(json!(1e21)), json!("1e+21"));
        assert_eq!(cell("integer", &json!(7.9), now), json!(7));
        assert_eq!(cell("integer", &json!("7"), now), Value::Null);
        assert_eq!(cell("boolean", &json!("true"), now), Value::Null);
        assert_eq!(
            cell("date", &json!("2024-01-01T00:00:00Z"), now),
            json!("60m")
        );
        assert_eq!(cell("date", &json!("yesterday"), now), json!("<invalid>"));
        assert_eq!(cell("date", &json!(5), now), Value::Null);
    }

    #[test]
    fn a_crd_serves_its_names_and_columns_and_is_validated() {
        let crd = json!({"apiVersion": API_VERSION, "kind": KIND,
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
                "versions": [{"name": "v1", "served": true, "storage": true}]}});
        let rts = resources(&crd).unwrap();
        assert_eq!(rts.len(), 1);
        assert_eq!(rts[0].singular, "widget");
        assert_eq!(rts[0].short_names, ["wd"]);
        assert_eq!(
            rts[0].printer_columns.as_ref().unwrap()[0].name,
            "Age",
            "no columns: Age"
        );
        let mut bad = crd.clone();
        bad["metadata"]["name"] = json!("widgets");
        assert!(resources(&bad).unwrap_err().contains("metadata.name"));
        for spec in [
            json!("text"),
            json!({"names": "x"}),
            json!({"names": {"plural": 1}}),
        ] {
            let mut odd = json!({"metadata": {"name": "x"}, "spec": spec});
            accept(&mut odd, Timestamp::now());
            assert!(resources(&odd).is_err());
        }
    }
}
