//! Label selectors (equality and set-based) and field selectors, matched against JSON objects.

use serde_json::Value;

use super::status::ApiError;
use super::store::str_at;

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Eq(String),
    NotEq(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    NotExists,
    Gt(i64),
    Lt(i64),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    reqs: Vec<(String, Op)>,
}

impl LabelSelector {
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        let mut reqs = vec![];
        for part in split_top_level(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            reqs.push(parse_requirement(part).ok_or_else(|| {
                ApiError::bad_request(format!("unable to parse requirement: found '{part}', expected: in, notin, =, ==, !=, gt, lt"))
            })?);
        }
        Ok(LabelSelector { reqs })
    }

    pub fn matches(&self, obj: &Value) -> bool {
        let labels = obj.get("metadata").and_then(|m| m.get("labels"));
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        self.reqs.iter().all(|(key, op)| {
            let v = get(key);
            match op {
                Op::Eq(x) => v == Some(x.as_str()),
                Op::NotEq(x) => v != Some(x.as_str()),
                Op::In(xs) => v.is_some_and(|v| xs.iter().any(|x| x == v)),
                Op::NotIn(xs) => v.is_none_or(|v| !xs.iter().any(|x| x == v)),
                Op::Exists => v.is_some(),
                Op::NotExists => v.is_none(),
                Op::Gt(n) => v
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| v > *n),
                Op::Lt(n) => v
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| v < *n),
            }
        })
    }
}

/// Split on commas that are not inside `( )`.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = vec![];
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

fn parse_requirement(p: &str) -> Option<(String, Op)> {
    if let Some(k) = p.strip_prefix('!') {
        return valid_key(k.trim()).then(|| (k.trim().to_string(), Op::NotExists));
    }
    for (sep, make) in [
        ("!=", Op::NotEq as fn(String) -> Op),
        ("==", Op::Eq),
        ("=", Op::Eq),
    ] {
        if let Some((k, v)) = p.split_once(sep) {
            let (k, v) = (k.trim(), v.trim());
            return valid_key(k).then(|| (k.to_string(), make(v.to_string())));
        }
    }
    for (sep, gt) in [(">", true), ("<", false)] {
        if let Some((k, v)) = p.split_once(sep) {
            let n = v.trim().parse().ok()?;
            return valid_key(k.trim())
                .then(|| (k.trim().to_string(), if gt { Op::Gt(n) } else { Op::Lt(n) }));
        }
    }
    let words: Vec<&str> = p.splitn(2, char::is_whitespace).collect();
    if words.len() == 2 {
        let key = words[0];
        let rest = words[1].trim();
        let (notin, set) = if let Some(r) = rest.strip_prefix("notin") {
            (true, r)
        } else if let Some(r) = rest.strip_prefix("in") {
            (false, r)
        } else {
            return None;
        };
        let inner = set.trim().strip_prefix('(')?.strip_suffix(')')?;
        let values: Vec<String> = inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        if !valid_key(key) {
            return None;
        }
        return Some((
            key.to_string(),
            if notin {
                Op::NotIn(values)
            } else {
                Op::In(values)
            },
        ));
    }
    valid_key(p).then(|| (p.to_string(), Op::Exists))
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSelector {
    reqs: Vec<(Vec<String>, bool, String)>,
}

/// Field labels each kind supports (apiserver `GetAttrs`/field label conversion funcs);
/// every kind supports `metadata.name` and `metadata.namespace`.
fn supported_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        "Event" => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        "Secret" => &["type"],
        "Namespace" => &["status.phase"],
        "Node" => &["spec.unschedulable"],
        "ReplicaSet" => &["status.replicas"],
        _ => &[],
    }
}

impl FieldSelector {
    pub fn parse(s: &str, kind: &str) -> Result<Self, ApiError> {
        let mut reqs = vec![];
        for part in s.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (field, neg, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, false, v)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                )));
            };
            let field = field.trim();
            if !matches!(field, "metadata.name" | "metadata.namespace")
                && !supported_fields(kind).contains(&field)
            {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {field}"
                )));
            }
            reqs.push((
                field.split('.').map(String::from).collect(),
                neg,
                value.trim().to_string(),
            ));
        }
        Ok(FieldSelector { reqs })
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.reqs.iter().all(|(path, neg, want)| {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let got = match path.as_slice() {
                ["source"] => str_at(obj, &["source", "component"]).to_string(),
                p => field_text(obj, p),
            };
            (got == *want) != *neg
        })
    }
}

fn field_text(obj: &Value, path: &[&str]) -> String {
    let mut v = obj;
    for p in path {
        match v.get(p) {
            Some(n) => v = n,
            None => return String::new(),
        }
    }
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selectors() {
        let obj = json!({"metadata": {"labels": {"app": "x", "env": "prod", "tier": "3"}}});
        let t = |s: &str| LabelSelector::parse(s).unwrap().matches(&obj);
        assert!(t("app=x"));
        assert!(t("app==x,env!=dev"));
        assert!(!t("app=y"));
        assert!(t("env in (prod, staging)"));
        assert!(!t("env notin (prod)"));
        assert!(t("app,!missing"));
        assert!(!t("missing"));
        assert!(t("tier>2"));
        assert!(t("missing notin (a)"));
        assert!(t(""));
        assert!(LabelSelector::parse("app in prod").is_err());
        assert!(LabelSelector::parse("a b c").is_err());
    }

    #[test]
    fn field_selectors() {
        let pod = json!({"metadata": {"name": "p", "namespace": "n"}, "spec": {"nodeName": "node1"}, "status": {"phase": "Running"}});
        let t = |s: &str| FieldSelector::parse(s, "Pod").unwrap().matches(&pod);
        assert!(t("metadata.name=p"));
        assert!(t("status.phase!=Pending,spec.nodeName=node1"));
        assert!(!t("metadata.namespace=other"));
        assert!(t("spec.nodeName!="));
        let err = FieldSelector::parse("spec.foo=1", "Pod").unwrap_err();
        assert_eq!(err.message, "field label not supported: spec.foo");
    }
}
