//! The OpenAPI v3 discovery document (`/openapi/v3`) and one schema document per group-version,
//! enough for `kubectl explain`: the core kinds with their main fields (descriptions shortened
//! from the upstream ones), and a generic apiVersion/kind/metadata/spec/status shape for every
//! other served kind.

use serde_json::{Map, Value, json};

use super::http::{Body, error, json as json_response};
use super::resources::ResourceType;
use super::status::ApiError;

const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1";
const CORE: &str = "io.k8s.api.core.v1";

/// `rest` is the path after `/openapi/v3`.
pub fn handle(rest: &str, resources: &[ResourceType]) -> hyper::Response<Body> {
    let rest = rest.trim_matches('/');
    if rest.is_empty() {
        return json_response(&index(resources));
    }
    let mut gvs = group_versions(resources);
    gvs.dedup();
    match gvs.iter().find(|(path, _, _)| path == rest) {
        Some((_, g, v)) => json_response(&document(resources, g, v)),
        None => error(&ApiError::no_route()),
    }
}

/// (path, group, version) of every served group-version, sorted.
fn group_versions(resources: &[ResourceType]) -> Vec<(String, String, String)> {
    let mut gvs: Vec<_> = resources
        .iter()
        .map(|rt| {
            let path = if rt.group.is_empty() {
                format!("api/{}", rt.version)
            } else {
                format!("apis/{}/{}", rt.group, rt.version)
            };
            (path, rt.group.clone(), rt.version.clone())
        })
        .collect();
    gvs.sort();
    gvs
}

fn index(resources: &[ResourceType]) -> Value {
    let mut paths = Map::new();
    let mut gvs = group_versions(resources);
    gvs.dedup();
    for (path, g, v) in gvs {
        // The hash lets clients cache a document until it changes; ours change with the kinds.
        let hash = fnv(&document(resources, &g, &v).to_string());
        paths.insert(
            path.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={hash:016X}")}),
        );
    }
    json!({ "paths": paths })
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

fn document(resources: &[ResourceType], group: &str, version: &str) -> Value {
    let mut schemas = Map::new();
    let mut paths = Map::new();
    schemas.extend(meta_schemas());
    let is_core = group.is_empty() && version == "v1";
    if is_core {
        schemas.extend(core_schemas());
    }
    for rt in resources
        .iter()
        .filter(|rt| rt.group == group && rt.version == version)
    {
        let name = if is_core {
            format!("{CORE}.{}", rt.kind)
        } else {
            format!("{}.{}.{}", reverse_domain(group), version, rt.kind)
        };
        if !schemas.contains_key(&name) {
            schemas.insert(name.clone(), generic_kind(&rt.kind));
        }
        let gvk = json!({"group": group, "version": version, "kind": rt.kind});
        if let Some(s) = schemas.get_mut(&name) {
            s["x-kubernetes-group-version-kind"] = json!([gvk]);
        }
        // kubectl explain finds a resource's kind through its list path's operation.
        let prefix = if group.is_empty() {
            "/api".to_string()
        } else {
            format!("/apis/{group}")
        };
        let path = if rt.namespaced {
            format!("{prefix}/{version}/namespaces/{{namespace}}/{}", rt.plural)
        } else {
            format!("{prefix}/{version}/{}", rt.plural)
        };
        // kubectl create/apply validate on the server (`fieldValidation=Strict`) when the
        // kind's PATCH operation takes that parameter; otherwise they want /openapi/v2.
        paths.insert(
            format!("{path}/{{name}}"),
            json!({"patch": {
                "description": format!("partially update the specified {}", rt.kind),
                "operationId": format!("patch{}", rt.kind),
                "x-kubernetes-action": "patch",
                "x-kubernetes-group-version-kind": gvk,
                "parameters": [{"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true},
                    "description": "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields."}],
            }}),
        );
        paths.insert(
            path,
            json!({"get": {
                "description": format!("list or watch objects of kind {}", rt.kind),
                "operationId": format!("list{}", rt.kind),
                "x-kubernetes-action": "list",
                "x-kubernetes-group-version-kind": gvk,
            }}),
        );
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

/// `argoproj.io` → `io.argoproj`, as the apiserver names CRD schemas.
fn reverse_domain(group: &str) -> String {
    group.split('.').rev().collect::<Vec<_>>().join(".")
}

fn s(desc: &str) -> Value {
    json!({"type": "string", "description": desc})
}
fn int(desc: &str) -> Value {
    json!({"type": "integer", "format": "int32", "description": desc})
}
fn boolean(desc: &str) -> Value {
    json!({"type": "boolean", "description": desc})
}
fn strings(desc: &str) -> Value {
    json!({"type": "array", "items": {"type": "string", "default": ""}, "description": desc})
}
fn map(desc: &str) -> Value {
    json!({"type": "object", "additionalProperties": {"type": "string", "default": ""}, "description": desc})
}
fn time(desc: &str) -> Value {
    json!({"allOf": [{"$ref": format!("#/components/schemas/{META}.Time")}], "description": desc})
}
/// A field of another schema's type, in the apiserver's `allOf` wrapping.
fn r(schema: &str, desc: &str) -> Value {
    json!({"allOf": [{"$ref": format!("#/components/schemas/{schema}")}], "default": {}, "description": desc})
}
fn list(schema: &str, desc: &str) -> Value {
    json!({"type": "array", "items": {"allOf": [{"$ref": format!("#/components/schemas/{schema}")}], "default": {}}, "description": desc})
}
fn object(desc: &str, required: &[&str], props: Vec<(&str, Value)>) -> Value {
    let mut o = json!({
        "description": desc,
        "type": "object",
        "properties": props.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>(),
    });
    if !required.is_empty() {
        o["required"] = json!(required);
    }
    o
}

fn type_meta() -> Vec<(&'static str, Value)> {
    vec![
        (
            "apiVersion",
            s(
                "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.",
            ),
        ),
        (
            "kind",
            s(
                "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.",
            ),
        ),
        (
            "metadata",
            r(&format!("{META}.ObjectMeta"), "Standard object's metadata."),
        ),
    ]
}

fn generic_kind(kind: &str) -> Value {
    let mut props = type_meta();
    props.push((
        "spec",
        json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true, "description": format!("The desired state of the {kind}.")}),
    ));
    props.push((
        "status",
        json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true, "description": format!("The observed state of the {kind}.")}),
    ));
    object(&format!("{kind} is served by the simulator."), &[], props)
}

fn meta_schemas() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        format!("{META}.Time"),
        json!({"type": "string", "format": "date-time", "description": "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON."}),
    );
    m.insert(
        format!("{META}.ObjectMeta"),
        object(
            "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
            &[],
            vec![
                ("annotations", map("Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.")),
                ("creationTimestamp", time("CreationTimestamp is a timestamp representing the server time when this object was created.")),
                ("deletionTimestamp", time("DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.")),
                ("generateName", s("GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.")),
                ("generation", json!({"type": "integer", "format": "int64", "description": "A sequence number representing a specific generation of the desired state."})),
                ("labels", map("Map of string keys and values that can be used to organize and categorize (scope and select) objects.")),
                ("name", s("Name must be unique within a namespace.")),
                ("namespace", s("Namespace defines the space within which each name must be unique.")),
                ("ownerReferences", json!({"type": "array", "items": {"type": "object"}, "description": "List of objects depended by this object."})),
                ("resourceVersion", s("An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed.")),
                ("uid", s("UID is the unique in time and space value for this object.")),
            ],
        ),
    );
    m
}

fn core_schemas() -> Map<String, Value> {
    let c = |n: &str| format!("{CORE}.{n}");
    let mut m = Map::new();
    let mut add = |name: &str, v: Value| {
        m.insert(c(name), v);
    };
    let with_meta = |mut extra: Vec<(&'static str, Value)>| {
        let mut p = type_meta();
        p.append(&mut extra);
        p
    };
    add(
        "Pod",
        object(
            "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.",
            &[],
            with_meta(vec![
                (
                    "spec",
                    r(
                        &c("PodSpec"),
                        "Specification of the desired behavior of the pod.",
                    ),
                ),
                (
                    "status",
                    r(
                        &c("PodStatus"),
                        "Most recently observed status of the pod. This data may not be up to date.",
                    ),
                ),
            ]),
        ),
    );
    add(
        "PodSpec",
        object(
            "PodSpec is a description of a pod.",
            &["containers"],
            vec![
                (
                    "containers",
                    list(
                        &c("Container"),
                        "List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod.",
                    ),
                ),
                (
                    "initContainers",
                    list(
                        &c("Container"),
                        "List of initialization containers belonging to the pod.",
                    ),
                ),
                (
                    "nodeName",
                    s("NodeName indicates in which node this pod is scheduled."),
                ),
                (
                    "nodeSelector",
                    map(
                        "NodeSelector is a selector which must be true for the pod to fit on a node.",
                    ),
                ),
                (
                    "restartPolicy",
                    s(
                        "Restart policy for all containers within the pod. One of Always, OnFailure, Never.",
                    ),
                ),
                (
                    "serviceAccountName",
                    s(
                        "ServiceAccountName is the name of the ServiceAccount to use to run this pod.",
                    ),
                ),
                (
                    "terminationGracePeriodSeconds",
                    json!({"type": "integer", "format": "int64", "description": "Optional duration in seconds the pod needs to terminate gracefully."}),
                ),
                (
                    "volumes",
                    json!({"type": "array", "items": {"type": "object"}, "description": "List of volumes that can be mounted by containers belonging to the pod."}),
                ),
            ],
        ),
    );
    add(
        "Container",
        object(
            "A single application container that you want to run within a pod.",
            &["name"],
            vec![
                ("args", strings("Arguments to the entrypoint.")),
                (
                    "command",
                    strings("Entrypoint array. Not executed within a shell."),
                ),
                (
                    "env",
                    list(
                        &c("EnvVar"),
                        "List of environment variables to set in the container. Cannot be updated.",
                    ),
                ),
                ("image", s("Container image name.")),
                (
                    "imagePullPolicy",
                    s("Image pull policy. One of Always, Never, IfNotPresent."),
                ),
                (
                    "name",
                    s(
                        "Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.",
                    ),
                ),
                (
                    "ports",
                    list(
                        &c("ContainerPort"),
                        "List of ports to expose from the container.",
                    ),
                ),
                (
                    "resources",
                    r(
                        &c("ResourceRequirements"),
                        "Compute Resources required by this container. Cannot be updated.",
                    ),
                ),
                ("workingDir", s("Container's working directory.")),
            ],
        ),
    );
    add(
        "ContainerPort",
        object(
            "ContainerPort represents a network port in a single container.",
            &["containerPort"],
            vec![
                (
                    "containerPort",
                    int(
                        "Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536.",
                    ),
                ),
                (
                    "name",
                    s("If specified, this must be an IANA_SVC_NAME and unique within the pod."),
                ),
                (
                    "protocol",
                    s("Protocol for port. Must be UDP, TCP, or SCTP. Defaults to \"TCP\"."),
                ),
            ],
        ),
    );
    add(
        "EnvVar",
        object(
            "EnvVar represents an environment variable present in a Container.",
            &["name"],
            vec![
                ("name", s("Name of the environment variable.")),
                (
                    "value",
                    s(
                        "Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables.",
                    ),
                ),
            ],
        ),
    );
    add(
        "ResourceRequirements",
        object(
            "ResourceRequirements describes the compute resource requirements.",
            &[],
            vec![
                (
                    "limits",
                    map("Limits describes the maximum amount of compute resources allowed."),
                ),
                (
                    "requests",
                    map("Requests describes the minimum amount of compute resources required."),
                ),
            ],
        ),
    );
    add(
        "PodStatus",
        object(
            "PodStatus represents information about the status of a pod.",
            &[],
            vec![
                (
                    "conditions",
                    json!({"type": "array", "items": {"type": "object"}, "description": "Current service state of pod."}),
                ),
                (
                    "containerStatuses",
                    json!({"type": "array", "items": {"type": "object"}, "description": "Statuses of containers in this pod."}),
                ),
                (
                    "hostIP",
                    s("hostIP holds the IP address of the host to which the pod is assigned."),
                ),
                (
                    "message",
                    s(
                        "A human readable message indicating details about why the pod is in this condition.",
                    ),
                ),
                (
                    "phase",
                    s(
                        "The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle.",
                    ),
                ),
                ("podIP", s("podIP address allocated to the pod.")),
                (
                    "reason",
                    s(
                        "A brief CamelCase message indicating details about why the pod is in this state.",
                    ),
                ),
                (
                    "startTime",
                    time(
                        "RFC 3339 date and time at which the object was acknowledged by the Kubelet.",
                    ),
                ),
            ],
        ),
    );
    add(
        "Service",
        object(
            "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.",
            &[],
            with_meta(vec![
                (
                    "spec",
                    r(&c("ServiceSpec"), "Spec defines the behavior of a service."),
                ),
                (
                    "status",
                    json!({"type": "object", "description": "Most recently observed status of the service."}),
                ),
            ]),
        ),
    );
    add(
        "ServiceSpec",
        object(
            "ServiceSpec describes the attributes that a user creates on a service.",
            &[],
            vec![
                (
                    "clusterIP",
                    s(
                        "clusterIP is the IP address of the service and is usually assigned randomly.",
                    ),
                ),
                (
                    "externalName",
                    s(
                        "externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. a DNS CNAME record).",
                    ),
                ),
                (
                    "ports",
                    list(
                        &c("ServicePort"),
                        "The list of ports that are exposed by this service.",
                    ),
                ),
                (
                    "selector",
                    map(
                        "Route service traffic to pods with label keys and values matching this selector.",
                    ),
                ),
                (
                    "type",
                    s("type determines how the Service is exposed. Defaults to ClusterIP."),
                ),
            ],
        ),
    );
    add(
        "ServicePort",
        object(
            "ServicePort contains information on service's port.",
            &["port"],
            vec![
                ("name", s("The name of this port within the service.")),
                (
                    "port",
                    int("The port that will be exposed by this service."),
                ),
                (
                    "protocol",
                    s(
                        "The IP protocol for this port. Supports \"TCP\", \"UDP\", and \"SCTP\". Default is TCP.",
                    ),
                ),
                (
                    "targetPort",
                    json!({"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": true, "description": "Number or name of the port to access on the pods targeted by the service."}),
                ),
            ],
        ),
    );
    add(
        "Namespace",
        object(
            "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
            &[],
            with_meta(vec![
                (
                    "spec",
                    json!({"type": "object", "description": "Spec defines the behavior of the Namespace."}),
                ),
                (
                    "status",
                    json!({"type": "object", "description": "Status describes the current status of a Namespace."}),
                ),
            ]),
        ),
    );
    add(
        "Node",
        object(
            "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).",
            &[],
            with_meta(vec![
                (
                    "spec",
                    json!({"type": "object", "description": "Spec defines the behavior of a node."}),
                ),
                (
                    "status",
                    json!({"type": "object", "description": "Most recently observed status of the node."}),
                ),
            ]),
        ),
    );
    add(
        "ObjectReference",
        object(
            "ObjectReference contains enough information to let you inspect or modify the referred object.",
            &[],
            vec![
                ("apiVersion", s("API version of the referent.")),
                ("kind", s("Kind of the referent.")),
                ("name", s("Name of the referent.")),
                ("namespace", s("Namespace of the referent.")),
                ("uid", s("UID of the referent.")),
            ],
        ),
    );
    add(
        "Event",
        object(
            "Event is a report of an event somewhere in the cluster.",
            &["metadata", "involvedObject"],
            with_meta(vec![
                ("count", int("The number of times this event has occurred.")),
                (
                    "firstTimestamp",
                    time(
                        "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
                    ),
                ),
                (
                    "involvedObject",
                    r(
                        &c("ObjectReference"),
                        "The object that this event is about.",
                    ),
                ),
                (
                    "lastTimestamp",
                    time(
                        "The time at which the most recent occurrence of this event was recorded.",
                    ),
                ),
                (
                    "message",
                    s("A human-readable description of the status of this operation."),
                ),
                (
                    "reason",
                    s(
                        "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
                    ),
                ),
                (
                    "type",
                    s(
                        "Type of this event (Normal, Warning), new types could be added in the future",
                    ),
                ),
            ]),
        ),
    );
    add(
        "ConfigMap",
        object(
            "ConfigMap holds configuration data for pods to consume.",
            &[],
            with_meta(vec![
                ("binaryData", map("BinaryData contains the binary data.")),
                ("data", map("Data contains the configuration data.")),
                (
                    "immutable",
                    boolean(
                        "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified).",
                    ),
                ),
            ]),
        ),
    );
    add(
        "Secret",
        object(
            "Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.",
            &[],
            with_meta(vec![
                (
                    "data",
                    map(
                        "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'.",
                    ),
                ),
                (
                    "immutable",
                    boolean(
                        "Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).",
                    ),
                ),
                (
                    "stringData",
                    map("stringData allows specifying non-binary secret data in string form."),
                ),
                (
                    "type",
                    s("Used to facilitate programmatic handling of secret data."),
                ),
            ]),
        ),
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ref_resolves() {
        let mut all = meta_schemas();
        all.extend(core_schemas());
        let text = Value::Object(all.clone()).to_string();
        for part in text.split("#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(all.contains_key(name), "dangling $ref {name}");
        }
    }

    #[test]
    fn reverse_domains() {
        assert_eq!(reverse_domain("argoproj.io"), "io.argoproj");
    }
}
