//! `authorization.k8s.io/v1` self reviews, answered from the fault set so that `kubectl auth
//! can-i` agrees with the 403s the server actually gives: everything is allowed unless a fault
//! forbids that verb on that resource.

use serde_json::{Value, json};

use super::faults::Faults;
use super::http::{Body, error, full};
use super::resources::ResourceType;
use super::status::ApiError;

pub const GROUP: &str = "authorization.k8s.io";

/// The verbs the simulator serves on every resource.
const VERBS: [&str; 5] = ["create", "get", "list", "watch", "delete"];

/// POST `/apis/authorization.k8s.io/v1/{plural}`, with the request body.
pub fn handle(faults: &Faults, resources: &[ResourceType], plural: &str, body: &[u8]) -> Response {
    let parsed = if body.starts_with(b"k8s\0") {
        super::protobuf::review(body, plural == "selfsubjectrulesreviews")
            .map_err(|e| format!("couldn't decode the protobuf body: {e}"))
    } else {
        serde_json::from_slice::<Value>(body)
            .map_err(|e| format!("couldn't get version/kind; json parse error: {e}"))
    };
    let mut review: Value = match parsed {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => return error(&ApiError::bad_request("the request body must be an object")),
        Err(e) => return error(&ApiError::bad_request(e)),
    };
    let (kind, status) = match plural {
        "selfsubjectaccessreviews" => ("SelfSubjectAccessReview", access(faults, &review)),
        "selfsubjectrulesreviews" => {
            let ns = review["spec"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let ns = Some(ns.as_str()).filter(|n| !n.is_empty());
            ("SelfSubjectRulesReview", rules(faults, resources, ns))
        }
        _ => return error(&ApiError::no_route()),
    };
    review["apiVersion"] = json!(format!("{GROUP}/v1"));
    review["kind"] = json!(kind);
    if !review["metadata"].is_object() {
        review["metadata"] = json!({});
    }
    review["metadata"]["creationTimestamp"] = Value::Null;
    review["status"] = status;
    // The apiserver answers a create of a review with 201.
    full(
        201,
        "application/json",
        serde_json::to_vec(&review).unwrap_or_default(),
    )
}

type Response = hyper::Response<Body>;

fn access(faults: &Faults, review: &Value) -> Value {
    let attrs = &review["spec"]["resourceAttributes"];
    if !attrs.is_object() {
        // Non-resource URLs (`can-i get /logs`) are always allowed.
        return json!({"allowed": true});
    }
    let s = |k: &str| attrs[k].as_str().unwrap_or("");
    let resource = match s("subresource") {
        "" => s("resource").to_string(),
        sub => format!("{}/{sub}", s("resource")),
    };
    let verb = s("verb");
    let group = s("group");
    let ns = Some(s("namespace")).filter(|n| !n.is_empty());
    if faults.denies(verb, group, &resource, ns)
        || (verb == "*" && any_verb(faults, group, &resource, ns))
    {
        // RBAC gives no reason for a denial, so kubectl prints a bare "no".
        json!({"allowed": false})
    } else {
        json!({"allowed": true, "reason": "the simulator allows everything not forbidden by a fault"})
    }
}

fn any_verb(faults: &Faults, group: &str, resource: &str, ns: Option<&str>) -> bool {
    VERBS.iter().any(|v| faults.denies(v, group, resource, ns))
}

/// The rules in `ns` (None: those at the cluster scope, which a namespaced denial also takes
/// away, as a list across namespaces would be refused).
fn rules(faults: &Faults, resources: &[ResourceType], ns: Option<&str>) -> Value {
    let everything = if faults.any_forbidden() {
        // RBAC rules only allow, so a forbidden verb shows as its absence: list each resource
        // with what is left of its verbs.
        resources
            .iter()
            .filter_map(|rt| {
                let verbs: Vec<&str> = VERBS
                    .iter()
                    .copied()
                    .filter(|v| !faults.denies(v, &rt.group, &rt.plural, ns))
                    .collect();
                (!verbs.is_empty()).then(
                    || json!({"verbs": verbs, "apiGroups": [rt.group], "resources": [rt.plural]}),
                )
            })
            .collect()
    } else {
        vec![json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})]
    };
    let mut resource_rules = vec![json!({
        "verbs": ["create"],
        "apiGroups": [GROUP],
        "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]
    })];
    resource_rules.extend(everything);
    json!({
        "resourceRules": resource_rules,
        "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
        "incomplete": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(faults: &Faults, verb: &str, resource: &str) -> bool {
        let r = json!({"spec": {"resourceAttributes": {"verb": verb, "resource": resource}}});
        access(faults, &r)["allowed"].as_bool().unwrap()
    }

    #[test]
    fn access_follows_the_faults() {
        let f = Faults::default();
        assert!(review(&f, "list", "pods"));
        f.set_forbidden("pods", true);
        assert!(!review(&f, "list", "pods"));
        assert!(!review(&f, "get", "pods"));
        assert!(review(&f, "list", "services"));
        f.set_forbidden("pods", false);
        f.set_forbidden_verb("watch", "pods", true);
        assert!(!review(&f, "watch", "pods"));
        assert!(review(&f, "list", "pods"));
        assert!(!review(&f, "*", "pods"));
    }

    #[test]
    fn a_namespaced_rule_refuses_there_and_across_namespaces_only() {
        let f = Faults::default();
        f.deny(crate::sim::faults::AccessRule::new(
            &["list", "watch"],
            "",
            "secrets",
            Some("argowf"),
        ));
        let at = |verb: &str, ns: &str| {
            let r = json!({"spec": {"resourceAttributes": {"verb": verb, "resource": "secrets", "namespace": ns}}});
            access(&f, &r)["allowed"].as_bool().unwrap()
        };
        assert!(!at("list", "argowf"));
        assert!(!at("list", ""), "all namespaces include argowf");
        assert!(at("list", "mlops"));
        assert!(at("get", "argowf"));
        let rules = rules(&f, &crate::sim::resources::builtin(), Some("argowf"));
        let secrets = rules["resourceRules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resources"][0] == "secrets")
            .unwrap();
        assert_eq!(secrets["verbs"], json!(["create", "get", "delete"]));
    }
}
