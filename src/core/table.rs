//! The API server's Table (`meta.k8s.io/v1`): the columns `kubectl get` prints, for any kind,
//! CRDs' `additionalPrinterColumns` included. Read defensively: a CRD's table may have no
//! columns, cells of any JSON type, rows shorter or longer than the columns.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::Value;

use super::text::Safe;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: Safe,
    /// "string", "integer", "number", "boolean", "date" (sorting uses it).
    pub type_: String,
    /// 0 is shown always; more only with `-o wide` (or when the width allows).
    pub priority: i64,
}

/// Who owns an object (`metadata.ownerReferences`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub uid: String,
    pub controller: bool,
}

/// One row: the cells as kubectl prints them, and the object's metadata (from
/// `includeObject=Metadata`) for selecting and drilling down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub cells: Vec<Safe>,
    pub labels: BTreeMap<String, String>,
    pub owners: Vec<Owner>,
    pub created: Option<Timestamp>,
}

impl Row {
    pub fn key(&self) -> (String, String) {
        (self.namespace.clone(), self.name.clone())
    }
}

/// A Table response (or one watch event's object): its columns (empty when the server left
/// them out, as it does after a watch's first event) and rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub resource_version: String,
    /// `metadata.continue`: more pages to fetch.
    pub next: Option<String>,
}

/// Read a Table; an error when `v` is not one (a server that ignores `as=Table` sends the
/// plain list instead).
pub fn parse(v: &Value) -> Result<Table, String> {
    if v["kind"].as_str() != Some("Table") {
        return Err(format!(
            "expected a Table (meta.k8s.io/v1), the server sent {}",
            v["kind"].as_str().unwrap_or("something else")
        ));
    }
    let columns = v["columnDefinitions"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .map(|c| Column {
                    name: Safe::new(c["name"].as_str().unwrap_or_default()),
                    type_: c["type"].as_str().unwrap_or("string").to_string(),
                    priority: c["priority"].as_i64().unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default();
    let rows = v["rows"]
        .as_array()
        .map(|rs| rs.iter().map(row).collect())
        .unwrap_or_default();
    Ok(Table {
        columns,
        rows,
        resource_version: v["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        next: v["metadata"]["continue"]
            .as_str()
            .filter(|c| !c.is_empty())
            .map(str::to_string),
    })
}

fn row(r: &Value) -> Row {
    let meta = &r["object"]["metadata"];
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let cells: Vec<Safe> = r["cells"]
        .as_array()
        .map(|cs| cs.iter().map(|c| Safe::from_string(cell_text(c))).collect())
        .unwrap_or_default();
    // Without the object (a server that ignores includeObject), the first cell is the name.
    let name = meta["name"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| cells.first().map(|c| c.to_string()).unwrap_or_default());
    Row {
        namespace: s(&meta["namespace"]),
        name,
        uid: s(&meta["uid"]),
        cells,
        labels: meta["labels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        owners: owners(&meta["ownerReferences"]),
        created: meta["creationTimestamp"]
            .as_str()
            .and_then(|t| t.parse().ok()),
    }
}

/// `metadata.ownerReferences` as read from any object.
pub fn owners(v: &Value) -> Vec<Owner> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    v.as_array()
        .map(|os| {
            os.iter()
                .map(|o| Owner {
                    api_version: s(&o["apiVersion"]),
                    kind: s(&o["kind"]),
                    name: s(&o["name"]),
                    uid: s(&o["uid"]),
                    controller: o["controller"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A cell as kubectl prints it: Go's `fmt.Fprint` of the decoded JSON value (`true`, `3`,
/// `1.5`, `[a b]`, `map[k:v]`), a null as nothing (as kubectl 1.32 prints a CRD's missing
/// field, checked against it in tests/app_kinds.rs).
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        // kubectl shows a multi-line text as its first line and "...".
        Value::String(s) => match s.split_once('\n') {
            Some((first, _)) => format!("{first}..."),
            None => s.clone(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => go_float(n.as_f64().unwrap_or_default()),
        },
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(cell_text).collect::<Vec<_>>().join(" ")
        ),
        // Go prints maps with their keys sorted; serde_json's map is sorted already.
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", cell_text(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// Go's `%v` of a float64: shortest form, exponent from 1e21 up (and below 1e-4).
fn go_float(f: f64) -> String {
    let a = f.abs();
    if a != 0.0 && !(1e-4..1e21).contains(&a) {
        let s = format!("{f:e}");
        // Rust writes 1e21 and 1.5e-5; Go writes 1e+21 and 1.5e-05.
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match e.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', e),
        };
        return format!("{m}e{sign}{digits:0>2}");
    }
    format!("{f}")
}

/// Orders two cells of a column of `type_`: numbers and ages by value, the rest as text.
pub fn compare(type_: &str, a: &str, b: &str) -> std::cmp::Ordering {
    let num = |s: &str| s.parse::<f64>().ok();
    match type_ {
        "integer" | "number" => match (num(a), num(b)) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => a.cmp(b),
        },
        "date" => match (age_seconds(a), age_seconds(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => a.cmp(b),
        },
        _ => natural(a, b),
    }
}

/// Seconds in a kubectl age (`45s`, `3m20s`, `5h`, `2d3h`, `400d`, `2y10d`).
pub fn age_seconds(s: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut n = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            n.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'y' => 365 * 86_400,
            _ => return None,
        };
        total += n.parse::<u64>().ok()? * unit;
        n.clear();
    }
    n.is_empty().then_some(total)
}

/// Text order where runs of digits compare as numbers (`pod-2` before `pod-10`).
fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, _) => return std::cmp::Ordering::Less,
            (_, None) => return std::cmp::Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let i = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let j = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, dy) = (&x[..i], &y[..j]);
                let strip = |d: &[u8]| -> usize { d.iter().take_while(|c| **c == b'0').count() };
                let (tx, ty) = (&dx[strip(dx)..], &dy[strip(dy)..]);
                let o = tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty));
                if o.is_ne() {
                    return o;
                }
                x = &x[i..];
                y = &y[j..];
            }
            (Some(p), Some(q)) => {
                if p != q {
                    return p.cmp(q);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_print_as_kubectl_prints_them() {
        assert_eq!(cell_text(&json!(null)), "");
        assert_eq!(cell_text(&json!(3)), "3");
        assert_eq!(cell_text(&json!(1.5)), "1.5");
        assert_eq!(cell_text(&json!(1e21)), "1e+21");
        assert_eq!(cell_text(&json!(true)), "true");
        assert_eq!(cell_text(&json!("one\ntwo")), "one...");
        assert_eq!(cell_text(&json!(["a", 1])), "[a 1]");
        assert_eq!(cell_text(&json!({"b": 1, "a": "x"})), "map[a:x b:1]");
    }

    #[test]
    fn odd_tables_do_not_break() {
        let t = parse(
            &json!({"kind": "Table", "rows": [{"cells": [null, {"x": [1]}]}, {"cells": "no"}, {}]}),
        )
        .unwrap();
        assert!(t.columns.is_empty());
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0].cells[1].as_str(), "map[x:[1]]");
        assert!(
            parse(&json!({"kind": "PodList"}))
                .unwrap_err()
                .contains("PodList")
        );
    }

    #[test]
    fn sorts_by_type() {
        use std::cmp::Ordering::*;
        assert_eq!(compare("integer", "9", "10"), Less);
        assert_eq!(compare("date", "2d", "3h"), Greater);
        assert_eq!(compare("string", "pod-2", "pod-10"), Less);
        assert_eq!(age_seconds("2d3h"), Some(2 * 86_400 + 3 * 3600));
        assert_eq!(age_seconds("<unknown>"), None);
    }
}
