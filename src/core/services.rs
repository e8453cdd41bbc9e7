//! Rows of the services pane, exactly as `kubectl get svc` (and `-o wide`) prints them, plus the
//! service facts the details and the doctor need (selector, ports, endpoints).
//!
//! The columns port `printService` and its helpers (`getServiceExternalIP`,
//! `loadBalancerStatusStringer`, `makePortString`) from kubernetes
//! `pkg/printers/internalversion/printers.go`. That printer runs on the apiserver's internal
//! object, which has been defaulted (`SetDefaults_Service` in `pkg/apis/core/v1/defaults.go`) and
//! normalised on read (`normalizeClusterIPs` in `pkg/registry/core/service/storage/storage.go`);
//! where an object here lacks a field those would have filled, the same default is applied.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    EndpointAddress, Endpoints, Service, ServicePort, ServiceSpec, ServiceStatus,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::age::age_since_opt;

/// The column headers of `kubectl get svc -A`; `-o wide` adds [`WIDE_EXTRA_COLUMN`].
pub const COLUMNS: [&str; 7] = [
    "NAMESPACE",
    "NAME",
    "TYPE",
    "CLUSTER-IP",
    "EXTERNAL-IP",
    "PORT(S)",
    "AGE",
];

/// The column `kubectl get svc -o wide` appends.
pub const WIDE_EXTRA_COLUMN: &str = "SELECTOR";

/// One row of the services pane: the text of each `kubectl get svc` cell, computed once per change.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceRow {
    pub namespace: String,
    pub name: String,
    /// TYPE: `spec.type`, "ClusterIP" when unset (the apiserver's default).
    pub type_: String,
    /// CLUSTER-IP: the first of `spec.clusterIPs`, "None" for headless, "<none>" when there is none.
    pub cluster_ip: String,
    /// EXTERNAL-IP. kubectl prints the server's Table, which the apiserver always generates
    /// with `Wide: true` (`printerstorage.TableConvertor`), so `printService` never clips the
    /// load-balancer addresses to `loadBalancerWidth` there: shown whole, with or without `-o wide`.
    pub external_ip: String,
    /// PORT(S): "8000/TCP,5001/TCP", "80:30800/TCP" with a node port, "<none>" without ports.
    pub ports: String,
    /// `metadata.creationTimestamp`; AGE is [`ServiceRow::age`] of it.
    pub created: Option<Timestamp>,
    /// SELECTOR of `-o wide`: "k=v,k2=v2" sorted by key, "<none>" when empty.
    pub selector: String,
}

impl ServiceRow {
    /// AGE at `now`, as kubectl's `translateTimestampSince` prints it ("<unknown>" without a time).
    pub fn age(&self, now: Timestamp) -> String {
        age_since_opt(self.created, now)
    }

    /// The cells of this row under [`COLUMNS`] (and [`WIDE_EXTRA_COLUMN`] when `wide`), exactly
    /// as `kubectl get svc -A` (`-o wide`) prints them at `now`.
    pub fn cells(&self, now: Timestamp, wide: bool) -> Vec<String> {
        let mut cells = vec![
            self.namespace.clone(),
            self.name.clone(),
            self.type_.clone(),
            self.cluster_ip.clone(),
            self.external_ip.clone(),
            self.ports.clone(),
            self.age(now),
        ];
        if wide {
            cells.push(self.selector.clone());
        }
        cells
    }
}

/// One port of a service, for the details and for port-forwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePortInfo {
    pub name: Option<String>,
    pub port: i32,
    /// "TCP" when unset (`SetDefaults_Service`).
    pub protocol: String,
    /// As written, a number ("8000") or a container port name ("http"); when omitted (or 0 / ""),
    /// the port number, as `SetDefaults_Service` defaults it.
    pub target_port: String,
    /// The node port, when one is allocated (a value of 0 means none, as in `makePortString`).
    pub node_port: Option<i32>,
}

/// What the app keeps per service: its row, its selector and ports, and the object as compact
/// JSON for panes that need all of it (as [`super::pods::PodEntry`] does for pods).
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceEntry {
    pub row: ServiceRow,
    /// `spec.selector`; see [`selects`].
    pub selector: BTreeMap<String, String>,
    pub ports: Vec<ServicePortInfo>,
    pub json: Box<str>,
}

impl ServiceEntry {
    pub fn new(svc: &Service) -> ServiceEntry {
        let spec = svc.spec.clone().unwrap_or_default();
        ServiceEntry {
            row: row(svc),
            selector: spec.selector.clone().unwrap_or_default(),
            ports: spec
                .ports
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(port_info)
                .collect(),
            json: serde_json::to_string(svc)
                .unwrap_or_default()
                .into_boxed_str(),
        }
    }

    /// (namespace, name).
    pub fn key(&self) -> (String, String) {
        (self.row.namespace.clone(), self.row.name.clone())
    }

    /// The full object, parsed on demand.
    pub fn service(&self) -> Option<Service> {
        serde_json::from_str(&self.json).ok()
    }
}

impl From<Service> for ServiceEntry {
    fn from(svc: Service) -> ServiceEntry {
        ServiceEntry::new(&svc)
    }
}

/// The row of one service, as `printService` computes its cells.
pub fn row(svc: &Service) -> ServiceRow {
    let default_spec = ServiceSpec::default();
    let spec = svc.spec.as_ref().unwrap_or(&default_spec);
    let default_status = ServiceStatus::default();
    let status = svc.status.as_ref().unwrap_or(&default_status);
    let type_ = service_type(spec).to_string();
    ServiceRow {
        namespace: svc.metadata.namespace.clone().unwrap_or_default(),
        name: svc.metadata.name.clone().unwrap_or_default(),
        cluster_ip: cluster_ip(spec),
        external_ip: external_ip(&type_, spec, status),
        ports: port_string(spec.ports.as_deref().unwrap_or_default()),
        created: svc.metadata.creation_timestamp.as_ref().map(|t| t.0),
        selector: format_labels(spec.selector.as_ref()),
        type_,
    }
}

/// `spec.type`, defaulted to ClusterIP (`SetDefaults_Service`: `if obj.Spec.Type == ""`).
fn service_type(spec: &ServiceSpec) -> &str {
    match spec.type_.as_deref() {
        None | Some("") => "ClusterIP",
        Some(t) => t,
    }
}

/// CLUSTER-IP. `printService`: `internalIP := "<none>"; if len(obj.Spec.ClusterIPs) > 0 {
/// internalIP = obj.Spec.ClusterIPs[0] }`. A headless service's ClusterIPs is `["None"]`, so it
/// prints "None". An object written before ClusterIP became plural has only `clusterIP`; the
/// apiserver fills `clusterIPs` from it on read (`normalizeClusterIPs`), so do the same.
fn cluster_ip(spec: &ServiceSpec) -> String {
    if let Some(first) = spec.cluster_ips.as_ref().and_then(|ips| ips.first()) {
        return first.clone();
    }
    match spec.cluster_ip.as_deref() {
        Some(ip) if !ip.is_empty() => ip.to_string(),
        _ => "<none>".to_string(),
    }
}

/// EXTERNAL-IP, a port of `getServiceExternalIP`:
/// - ClusterIP and NodePort: `spec.externalIPs` joined with ",", else "<none>";
/// - LoadBalancer: the load-balancer ingress addresses ([`load_balancer_status`]) followed by
///   `spec.externalIPs`, else "<pending>";
/// - ExternalName: `spec.externalName` (possibly empty);
/// - any other type: "<unknown>".
fn external_ip(type_: &str, spec: &ServiceSpec, status: &ServiceStatus) -> String {
    let external_ips = spec.external_ips.as_deref().unwrap_or_default();
    match type_ {
        "ClusterIP" | "NodePort" => {
            if external_ips.is_empty() {
                "<none>".to_string()
            } else {
                external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            let lb_ips = load_balancer_status(status);
            if !external_ips.is_empty() {
                let mut results: Vec<&str> = vec![];
                if !lb_ips.is_empty() {
                    results.extend(lb_ips.split(','));
                }
                results.extend(external_ips.iter().map(String::as_str));
                return results.join(",");
            }
            if lb_ips.is_empty() {
                "<pending>".to_string()
            } else {
                lb_ips
            }
        }
        "ExternalName" => spec.external_name.clone().unwrap_or_default(),
        _ => "<unknown>".to_string(),
    }
}

/// `loadBalancerStatusStringer`: each ingress's IP, or its hostname when it has no IP, as a
/// sorted set (`sets.NewString().List()`) joined with "," (never clipped: see
/// [`ServiceRow::external_ip`]).
fn load_balancer_status(status: &ServiceStatus) -> String {
    let ingress = status
        .load_balancer
        .as_ref()
        .and_then(|lb| lb.ingress.as_deref())
        .unwrap_or_default();
    let mut set = BTreeSet::new();
    for ing in ingress {
        match (ing.ip.as_deref(), ing.hostname.as_deref()) {
            (Some(ip), _) if !ip.is_empty() => set.insert(ip),
            (_, Some(host)) if !host.is_empty() => set.insert(host),
            _ => false,
        };
    }
    set.into_iter().collect::<Vec<_>>().join(",")
}

/// PORT(S), `makePortString` plus `printService`'s empty case: "port/PROTO", or
/// "port:nodePort/PROTO" when `nodePort > 0`, joined with ","; "<none>" when there are no ports.
/// The protocol defaults to TCP (`SetDefaults_Service`).
fn port_string(ports: &[ServicePort]) -> String {
    if ports.is_empty() {
        return "<none>".to_string();
    }
    ports
        .iter()
        .map(|p| {
            let proto = protocol(p);
            match p.node_port {
                Some(np) if np > 0 => format!("{}:{np}/{proto}", p.port),
                _ => format!("{}/{proto}", p.port),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn protocol(p: &ServicePort) -> &str {
    match p.protocol.as_deref() {
        None | Some("") => "TCP",
        Some(proto) => proto,
    }
}

fn port_info(p: &ServicePort) -> ServicePortInfo {
    // SetDefaults_Service: `if sp.TargetPort == intstr.FromInt32(0) || sp.TargetPort ==
    // intstr.FromString("") { sp.TargetPort = intstr.FromInt32(sp.Port) }`.
    let target_port = match &p.target_port {
        Some(IntOrString::Int(n)) if *n != 0 => n.to_string(),
        Some(IntOrString::String(s)) if !s.is_empty() => s.clone(),
        _ => p.port.to_string(),
    };
    ServicePortInfo {
        name: p.name.clone().filter(|n| !n.is_empty()),
        port: p.port,
        protocol: protocol(p).to_string(),
        target_port,
        node_port: p.node_port.filter(|np| *np > 0),
    }
}

/// `labels.FormatLabels`: "k=v" pairs sorted by key, joined with ","; "<none>" when empty.
fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    let text = labels
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    }
}

/// Ready and not-ready addresses of an Endpoints object, for the details.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointsSummary {
    /// One "ip:port" per (address, port) of every subset, in the object's order, e.g.
    /// "10.42.0.5:8000"; just "ip" for a subset without ports.
    pub ready: Vec<String>,
    /// The same for `notReadyAddresses` (pods that exist but fail readiness).
    pub not_ready: Vec<String>,
}

impl EndpointsSummary {
    /// No address at all, ready or not: the service selects no running pod.
    pub fn is_empty(&self) -> bool {
        self.ready.is_empty() && self.not_ready.is_empty()
    }
}

/// The addresses of `ep`, ready and not ready, each paired with every port of its subset.
pub fn endpoints_summary(ep: &Endpoints) -> EndpointsSummary {
    let mut out = EndpointsSummary::default();
    for subset in ep.subsets.as_deref().unwrap_or_default() {
        let ports = subset.ports.as_deref().unwrap_or_default();
        let expand = |addrs: Option<&[EndpointAddress]>, into: &mut Vec<String>| {
            for a in addrs.unwrap_or_default() {
                if ports.is_empty() {
                    into.push(a.ip.clone());
                }
                for p in ports {
                    into.push(format!("{}:{}", a.ip, p.port));
                }
            }
        };
        expand(subset.addresses.as_deref(), &mut out.ready);
        expand(subset.not_ready_addresses.as_deref(), &mut out.not_ready);
    }
    out
}

/// Whether a pod with `labels` is selected by a service `selector`: every selector pair must be
/// among the labels. An empty selector matches nothing, as for Endpoints (the endpoints
/// controller skips services without a selector; their Endpoints are managed by hand).
pub fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn svc(v: serde_json::Value) -> Service {
        let mut v = v;
        v["apiVersion"] = json!("v1");
        v["kind"] = json!("Service");
        if v["metadata"].is_null() {
            v["metadata"] = json!({"name": "s", "namespace": "ns",
                                    "creationTimestamp": "2025-01-01T00:00:00Z"});
        }
        serde_json::from_value(v).expect("a valid Service")
    }

    fn cells(v: serde_json::Value, wide: bool) -> Vec<String> {
        let now: Timestamp = "2025-01-01T00:05:10Z".parse().unwrap();
        ServiceEntry::new(&svc(v)).row.cells(now, wide)
    }

    #[test]
    fn cluster_ip_two_ports() {
        let c = cells(
            json!({"spec": {"type": "ClusterIP", "clusterIP": "10.43.1.2", "clusterIPs": ["10.43.1.2"],
                   "selector": {"seldon-app": "iris-default", "app": "x"},
                   "ports": [{"name": "http", "port": 8000, "targetPort": 8000, "protocol": "TCP"},
                             {"name": "grpc", "port": 5001, "targetPort": 5001, "protocol": "TCP"}]}}),
            true,
        );
        assert_eq!(
            c,
            [
                "ns",
                "s",
                "ClusterIP",
                "10.43.1.2",
                "<none>",
                "8000/TCP,5001/TCP",
                "5m10s",
                "app=x,seldon-app=iris-default"
            ]
        );
    }

    #[test]
    fn headless() {
        let c = cells(
            json!({"spec": {"clusterIP": "None", "clusterIPs": ["None"],
                   "ports": [{"port": 5432}]}}),
            false,
        );
        assert_eq!(c[2..6], ["ClusterIP", "None", "<none>", "5432/TCP"]);
    }

    #[test]
    fn node_port() {
        let e = ServiceEntry::new(&svc(
            json!({"spec": {"type": "NodePort", "clusterIP": "10.96.10.89",
            "ports": [{"port": 5000, "targetPort": "http", "nodePort": 30800, "protocol": "TCP"},
                      {"port": 9090, "nodePort": 0}]}}),
        ));
        // No clusterIPs: filled from clusterIP, as the apiserver does on read.
        assert_eq!(e.row.cluster_ip, "10.96.10.89");
        assert_eq!(e.row.external_ip, "<none>");
        assert_eq!(e.row.ports, "5000:30800/TCP,9090/TCP");
        assert_eq!(e.row.selector, "<none>");
        assert_eq!(
            e.ports,
            [
                ServicePortInfo {
                    name: None,
                    port: 5000,
                    protocol: "TCP".into(),
                    target_port: "http".into(),
                    node_port: Some(30800)
                },
                ServicePortInfo {
                    name: None,
                    port: 9090,
                    protocol: "TCP".into(),
                    target_port: "9090".into(),
                    node_port: None
                },
            ]
        );
    }

    #[test]
    fn load_balancer_pending() {
        let c = cells(
            json!({"spec": {"type": "LoadBalancer", "clusterIPs": ["10.0.0.1"],
                   "ports": [{"port": 80, "nodePort": 31000, "protocol": "UDP"}]},
                   "status": {"loadBalancer": {}}}),
            false,
        );
        assert_eq!(
            c[2..6],
            ["LoadBalancer", "10.0.0.1", "<pending>", "80:31000/UDP"]
        );
    }

    #[test]
    fn load_balancer_with_ingress() {
        let v = json!({"spec": {"type": "LoadBalancer", "clusterIPs": ["10.0.0.1"], "ports": [{"port": 80}]},
            "status": {"loadBalancer": {"ingress": [
                {"ip": "203.0.113.9"}, {"hostname": "a.example.com"},
                {"ip": "198.51.100.7", "hostname": "ignored.example.com"}, {"ip": "203.0.113.9"}]}}});
        let e = ServiceEntry::new(&svc(v));
        // Sorted and deduplicated; IP wins over hostname; whole, as the server's Table has it.
        assert_eq!(e.row.external_ip, "198.51.100.7,203.0.113.9,a.example.com");
        let short = svc(
            json!({"spec": {"type": "LoadBalancer", "ports": [{"port": 80}]},
            "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}]}}}),
        );
        assert_eq!(row(&short).external_ip, "203.0.113.9");
        assert_eq!(row(&short).cluster_ip, "<none>");
    }

    #[test]
    fn load_balancer_with_external_ips() {
        let v = json!({"spec": {"type": "LoadBalancer", "externalIPs": ["192.0.2.1", "192.0.2.2"],
            "ports": [{"port": 80}]},
            "status": {"loadBalancer": {"ingress": [{"hostname": "lb-0123456789.example.com"}]}}});
        let r = row(&svc(v));
        // The load-balancer addresses, then the external IPs.
        assert_eq!(
            r.external_ip,
            "lb-0123456789.example.com,192.0.2.1,192.0.2.2"
        );
        let none = svc(json!({"spec": {"type": "LoadBalancer", "externalIPs": ["192.0.2.1"]}}));
        assert_eq!(row(&none).external_ip, "192.0.2.1");
    }

    #[test]
    fn external_ips_on_cluster_ip() {
        let r = row(&svc(
            json!({"spec": {"clusterIPs": ["10.0.0.3"], "externalIPs": ["192.0.2.10", "192.0.2.11"],
                   "ports": [{"port": 443}]}}),
        ));
        assert_eq!(r.type_, "ClusterIP");
        assert_eq!(r.external_ip, "192.0.2.10,192.0.2.11");
    }

    #[test]
    fn external_name() {
        let c = cells(
            json!({"spec": {"type": "ExternalName", "externalName": "db.example.com"}}),
            true,
        );
        assert_eq!(
            c[2..],
            [
                "ExternalName",
                "<none>",
                "db.example.com",
                "<none>",
                "5m10s",
                "<none>"
            ]
        );
    }

    #[test]
    fn no_ports_unknown_type_and_no_time() {
        let mut s = svc(json!({"spec": {"type": "Weird"}}));
        s.metadata.creation_timestamp = None;
        let r = row(&s);
        assert_eq!(r.ports, "<none>");
        assert_eq!(r.external_ip, "<unknown>");
        assert_eq!(r.age(Timestamp::UNIX_EPOCH), "<unknown>");
    }

    #[test]
    fn entry_round_trips() {
        let s = svc(json!({"spec": {"selector": {"app": "a"}, "ports": [{"port": 1}]}}));
        let e = ServiceEntry::from(s.clone());
        assert_eq!(e.service(), Some(s));
        assert_eq!(e.key(), ("ns".to_string(), "s".to_string()));
        assert_eq!(e.selector, BTreeMap::from([("app".into(), "a".into())]));
    }

    #[test]
    fn endpoints() {
        let ep: Endpoints = serde_json::from_value(json!({
        "metadata": {"name": "s", "namespace": "ns"},
        "subsets": [
            {"addresses": [{"ip": "10.42.0.5"}, {"ip": "10.42.0.6"}],
             "notReadyAddresses": [{"ip": "10.42.0.7"}],
             "ports": [{"port": 8000}, {"port": 5001}]},
            {"addresses": [{"ip": "10.42.0.8"}]}
        ]}))
        .unwrap();
        let s = endpoints_summary(&ep);
        assert_eq!(
            s.ready,
            [
                "10.42.0.5:8000",
                "10.42.0.5:5001",
                "10.42.0.6:8000",
                "10.42.0.6:5001",
                "10.42.0.8"
            ]
        );
        assert_eq!(s.not_ready, ["10.42.0.7:8000", "10.42.0.7:5001"]);
        assert!(endpoints_summary(&Endpoints::default()).is_empty());
    }

    #[test]
    fn selector_matching() {
        let m = |p: &[(&str, &str)]| -> BTreeMap<String, String> {
            p.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let labels = m(&[("app", "iris"), ("tier", "web")]);
        assert!(selects(&m(&[("app", "iris")]), &labels));
        assert!(selects(&m(&[("app", "iris"), ("tier", "web")]), &labels));
        assert!(!selects(&m(&[("app", "iris"), ("tier", "db")]), &labels));
        assert!(!selects(&m(&[("app", "other")]), &labels));
        assert!(!selects(&m(&[]), &labels));
        assert!(!selects(&m(&[("app", "iris")]), &m(&[])));
    }
}
