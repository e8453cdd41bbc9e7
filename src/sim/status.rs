//! `Status` error bodies, shaped like apimachinery's `errors.New*` helpers.

use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    /// `pods "x" not found` (NewNotFound).
    pub fn not_found(resource: &str, group: &str, name: &str) -> Self {
        let (qualified, details) = named(resource, group, name);
        ApiError {
            details: Some(details),
            ..ApiError::new(404, "NotFound", format!("{qualified} \"{name}\" not found"))
        }
    }

    /// The generic 404 for a path the server does not know.
    pub fn no_route() -> Self {
        ApiError::new(404, "NotFound", "the server could not find the requested resource")
            .with_details(json!({"causes": [{"reason": "UnexpectedServerResponse", "message": "404 page not found"}]}))
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(400, "BadRequest", message)
    }

    /// `pods is forbidden: User "system:anonymous" cannot list resource "pods" ...` (NewForbidden).
    pub fn forbidden(resource: &str, group: &str, verb: &str, ns: Option<&str>) -> Self {
        Self::forbidden_object(resource, None, None, group, verb, ns)
    }

    /// The apiserver's `NewForbidden(resource, name, forbiddenMessage(attrs))`: the object's
    /// name quoted after the resource when there is one, and a subresource as `pods/log`.
    pub fn forbidden_object(
        resource: &str,
        sub: Option<&str>,
        name: Option<&str>,
        group: &str,
        verb: &str,
        ns: Option<&str>,
    ) -> Self {
        Self::forbidden_as(
            super::faults::DEFAULT_USER,
            resource,
            sub,
            name,
            group,
            verb,
            ns,
        )
    }

    /// [`ApiError::forbidden_object`] for a named user (upstream `ForbiddenMessage`), with
    /// upstream's details: the name, the group and the resource as `kind`, empty ones left out.
    pub fn forbidden_as(
        user: &str,
        resource: &str,
        sub: Option<&str>,
        name: Option<&str>,
        group: &str,
        verb: &str,
        ns: Option<&str>,
    ) -> Self {
        let scope = match ns {
            Some(ns) => format!(" in the namespace \"{ns}\""),
            None => " at the cluster scope".into(),
        };
        let qualified = if group.is_empty() {
            resource.to_string()
        } else {
            format!("{resource}.{group}")
        };
        let named = name.map_or(String::new(), |n| format!(" {n:?}"));
        let full = match sub {
            Some(s) => format!("{resource}/{s}"),
            None => resource.to_string(),
        };
        let message = format!(
            "{qualified}{named} is forbidden: User {user:?} cannot {verb} resource \"{full}\" in API group \"{group}\"{scope}"
        );
        let mut details = json!({"kind": resource});
        if let Some(n) = name {
            details["name"] = json!(n);
        }
        if !group.is_empty() {
            details["group"] = json!(group);
        }
        ApiError {
            details: Some(details),
            ..ApiError::new(403, "Forbidden", message)
        }
    }

    /// 409 `configmaps "x" already exists` (NewAlreadyExists).
    pub fn already_exists(resource: &str, group: &str, name: &str) -> Self {
        let (qualified, details) = named(resource, group, name);
        ApiError {
            details: Some(details),
            ..ApiError::new(
                409,
                "AlreadyExists",
                format!("{qualified} \"{name}\" already exists"),
            )
        }
    }

    /// 422 `Kind.group "name" is invalid: field: ...` (NewInvalid), one cause per problem.
    pub fn invalid(kind: &str, group: &str, name: &str, problems: &[(String, String)]) -> Self {
        let qualified = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let all: Vec<String> = problems.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        let joined = match all.as_slice() {
            [one] => one.clone(),
            many => format!("[{}]", many.join(", ")),
        };
        let causes: Vec<Value> = problems
            .iter()
            .map(|(f, m)| json!({"reason": "FieldValueInvalid", "message": m, "field": f}))
            .collect();
        let mut details = json!({"name": name, "kind": kind, "causes": causes});
        if !group.is_empty() {
            details["group"] = json!(group);
        }
        ApiError {
            details: Some(details),
            ..ApiError::new(
                422,
                "Invalid",
                format!("{qualified} {name:?} is invalid: {joined}"),
            )
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            details: Some(json!({"causes": [{"message": message}]})),
            ..ApiError::new(
                500,
                "InternalError",
                format!("Internal error occurred: {message}"),
            )
        }
    }

    /// 410 Expired, for a too-old resourceVersion or continue token.
    pub fn expired(message: impl Into<String>) -> Self {
        ApiError::new(410, "Expired", message)
    }

    pub fn method_not_allowed(method: &str) -> Self {
        ApiError::new(
            405,
            "MethodNotAllowed",
            format!("the server does not allow this method on the requested resource ({method})"),
        )
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            v["details"] = d.clone();
        }
        v
    }
}

/// `resource.group` as messages name it, and the Status details (`group` only when set).
fn named(resource: &str, group: &str, name: &str) -> (String, serde_json::Value) {
    let qualified = if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    };
    let mut details = json!({"name": name, "kind": resource});
    if !group.is_empty() {
        details["group"] = json!(group);
    }
    (qualified, details)
}
