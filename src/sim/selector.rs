//! Field selectors, and label selectors applied to JSON objects.

use serde_json::Value;

use super::status::ApiError;
use super::store::str_at;

pub use crate::core::labels::LabelSelector;

/// Parse a `labelSelector` query value into a 400 on error, as the apiserver does.
pub fn parse_labels(s: &str) -> Result<LabelSelector, ApiError> {
    LabelSelector::parse(s).map_err(ApiError::bad_request)
}

/// Match a label selector against an object's `metadata.labels`.
pub fn labels_match(sel: &LabelSelector, obj: &Value) -> bool {
    let labels = obj.get("metadata").and_then(|m| m.get("labels"));
    sel.matches_with(|k| labels.and_then(|l| l.get(k)).and_then(Value::as_str))
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
