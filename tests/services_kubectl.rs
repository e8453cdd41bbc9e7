//! Real kubectl against the simulator proves that kdoc's services rows
//! (`kdoc::core::services`) are what `kubectl get svc -A` (and `-o wide`) prints, cell by cell.
//!
//! kubectl asks the server for a `Table` and prints its cells, so these tests hold kdoc's row
//! model against the simulator's Table output through a real, independent client. They skip with
//! a printed reason where kubectl is absent, unless KDOC_REQUIRE_KUBECTL is set (CI sets it).
//! Every kubectl call is killed after a timeout (`common::try_run_with_timeout`).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::Bounded;
use common::kubectl::Kubectl;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Service;
use kdoc::core::services::{COLUMNS, ServiceEntry, WIDE_EXTRA_COLUMN};
use kdoc::sim::scenario::{builtin, load::LoadSpec};
use kdoc::sim::{Sim, SimConfig};
use kube::api::{Api, ListParams};

/// kubectl's table output, split into cells by the start positions of the header's columns.
#[derive(Debug)]
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Parse `kubectl get` table text. A column starts where a header word starts after two or more
/// spaces (kubectl's tabwriter pads with at least three, and header names may hold one space).
/// Positions count characters, as Go's tabwriter does. Panics loudly when a cell does not line
/// up with its header, rather than guessing.
fn parse_table(out: &str) -> Table {
    let mut lines = out.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<char> = lines
        .next()
        .unwrap_or_else(|| panic!("no header line in kubectl output:\n{out}"))
        .chars()
        .collect();
    let starts: Vec<usize> = (0..header.len())
        .filter(|&i| {
            header[i] != ' ' && (i == 0 || (i >= 2 && header[i - 1] == ' ' && header[i - 2] == ' '))
        })
        .collect();
    let cut = |line: &[char]| -> Vec<String> {
        starts
            .iter()
            .enumerate()
            .map(|(n, &s)| {
                let e = starts
                    .get(n + 1)
                    .copied()
                    .unwrap_or(usize::MAX)
                    .min(line.len());
                if s > 0 && s < line.len() && line[s - 1] != ' ' {
                    panic!(
                        "kubectl cell {n} does not start at column {s} in {:?}; output:\n{out}",
                        line.iter().collect::<String>()
                    );
                }
                line.get(s.min(e)..e)
                    .unwrap_or_default()
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string()
            })
            .collect()
    };
    let header_cells = cut(&header);
    let rows = lines.map(|l| cut(&l.chars().collect::<Vec<_>>())).collect();
    Table {
        header: header_cells,
        rows,
    }
}

/// Outcome of holding kubectl's table against kdoc's rows.
enum Verdict {
    Equal,
    /// Every cell equal, but some AGE changed text during the kubectl call (kdoc's AGE at the
    /// start and at the end of the call differ, and kubectl's is one of the two).
    AgeBoundary,
}

/// Compare kubectl's output with kdoc's rows for `services`. AGE is kdoc's formatter at an instant
/// inside [t0, t1], the wall-clock window around the kubectl call (the simulator's Table uses the
/// wall clock too). Panics with every differing cell when anything else differs.
fn check(
    kubectl_out: &str,
    services: &[Service],
    wide: bool,
    t0: Timestamp,
    t1: Timestamp,
) -> Verdict {
    let table = parse_table(kubectl_out);
    let mut want_header: Vec<&str> = COLUMNS.to_vec();
    if wide {
        want_header.push(WIDE_EXTRA_COLUMN);
    }
    assert_eq!(
        table.header, want_header,
        "kubectl's header (wide={wide}):\n{kubectl_out}"
    );
    let age_col = COLUMNS.iter().position(|c| *c == "AGE").unwrap();

    let kdoc: BTreeMap<(String, String), (Vec<String>, Vec<String>)> = services
        .iter()
        .map(|s| {
            let e = ServiceEntry::new(s);
            (e.key(), (e.row.cells(t0, wide), e.row.cells(t1, wide)))
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut problems = vec![];
    let mut boundary = false;
    for got in &table.rows {
        let key = (got[0].clone(), got[1].clone());
        if !seen.insert(key.clone()) {
            problems.push(format!("kubectl printed {}/{} twice", key.0, key.1));
        }
        let Some((at_t0, at_t1)) = kdoc.get(&key) else {
            problems.push(format!(
                "kubectl printed {}/{}, which kdoc's list does not have",
                key.0, key.1
            ));
            continue;
        };
        for (i, col) in want_header.iter().enumerate() {
            let (g, w0, w1) = (&got[i], &at_t0[i], &at_t1[i]);
            if i == age_col && w0 != w1 && (g == w0 || g == w1) {
                boundary = true;
                continue;
            }
            if g != w0 {
                problems.push(format!(
                    "{}/{} {col}: kubectl {g:?}, kdoc {w0:?}{}",
                    key.0,
                    key.1,
                    if i == age_col {
                        format!(" (at the call's start; {w1:?} at its end)")
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
    for key in kdoc.keys().filter(|k| !seen.contains(*k)) {
        problems.push(format!(
            "kdoc has {}/{}, which kubectl did not print",
            key.0, key.1
        ));
    }
    if !problems.is_empty() {
        let kdoc_table: Vec<String> = kdoc.values().map(|(c, _)| c.join(" | ")).collect();
        panic!(
            "kubectl get svc -A{} and kdoc's rows differ in {} cell(s):\n  {}\n\nkubectl printed:\n{kubectl_out}\nkdoc's rows ({}):\n{}\n",
            if wide { " -o wide" } else { "" },
            problems.len(),
            problems.join("\n  "),
            want_header.join(" | "),
            kdoc_table.join("\n"),
        );
    }
    if boundary {
        Verdict::AgeBoundary
    } else {
        Verdict::Equal
    }
}

async fn list_services(sim: &Sim) -> Vec<Service> {
    Api::<Service>::all(common::client(sim))
        .list(&ListParams::default())
        .bounded("listing services from the simulator")
        .await
        .expect("services listed from the simulator")
        .items
}

/// `kubectl get svc -A` and `-o wide` against kdoc's rows for the services the simulator serves.
/// Returns how many services were compared.
async fn kubectl_equals_kdoc(sim: &Sim, k: &Kubectl) -> usize {
    let mut count = 0;
    for wide in [false, true] {
        let mut args = vec!["get", "svc", "-A"];
        if wide {
            args.extend(["-o", "wide"]);
        }
        for attempt in 1..=2 {
            let t0 = Timestamp::now();
            let out = k.ok(&args).await;
            let t1 = Timestamp::now();
            // Listed after kubectl ran, so a service that appeared meanwhile is in both.
            let services = list_services(sim).await;
            count = services.len();
            match check(&out, &services, wide, t0, t1) {
                Verdict::Equal => break,
                Verdict::AgeBoundary if attempt == 1 => {
                    eprintln!("an AGE changed text during kubectl {args:?}; running it once more");
                }
                // Twice on a boundary: kubectl's AGE was still kdoc's at an instant of the call.
                Verdict::AgeBoundary => break,
            }
        }
    }
    count
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mlops_services_match_kubectl() {
    let sim = common::start_with(SimConfig {
        scenario: builtin("mlops", &LoadSpec::default()).unwrap(),
        ..SimConfig::default()
    })
    .await;
    let Some(k) = Kubectl::new(&sim) else { return };
    let n = kubectl_equals_kdoc(&sim, &k).await;
    assert!(n >= 5, "the mlops scenario serves only {n} services");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixture_services_match_kubectl() {
    let sim = common::start_with(SimConfig {
        scenario: builtin("empty", &LoadSpec::default()).unwrap(),
        load: vec![common::fixtures_dir()],
        ..SimConfig::default()
    })
    .await;
    assert!(sim.load_problems.is_empty(), "{:?}", sim.load_problems);
    let Some(k) = Kubectl::new(&sim) else { return };
    let n = kubectl_equals_kdoc(&sim, &k).await;
    // Counted by hand in ../shared/fixtures/real: 6 Services, all in `default`: nginx
    // (service-nodeport-nginx-k9s.json: NodePort, clusterIP without clusterIPs) and svc1..svc5
    // (services-list-popeye-port-mismatch-fixture.yaml: NodePort, ClusterIP, ExternalName without
    // externalName, LoadBalancer without ingress, and one with no type).
    assert!(n >= 6, "expected at least the 6 fixture services, got {n}");
}

/// Services of every shape `printService` distinguishes, as one List file.
const EDGE_CASES: &str = r#"
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: headless, namespace: edge, creationTimestamp: "2025-01-01T00:00:00Z"}
  spec: {type: ClusterIP, clusterIP: None, clusterIPs: [None], selector: {app: db}, ports: [{port: 5432, protocol: TCP}]}
- apiVersion: v1
  kind: Service
  metadata: {name: lb-pending, namespace: edge, creationTimestamp: "2025-01-01T00:00:00Z"}
  spec: {type: LoadBalancer, clusterIP: 10.0.0.2, clusterIPs: [10.0.0.2], ports: [{port: 80, nodePort: 31000, protocol: TCP}]}
  status: {loadBalancer: {}}
- apiVersion: v1
  kind: Service
  metadata: {name: lb-ingress, namespace: edge, creationTimestamp: "2025-01-01T00:00:00Z"}
  spec: {type: LoadBalancer, clusterIP: 10.0.0.3, clusterIPs: [10.0.0.3], ports: [{port: 443, nodePort: 31443, protocol: TCP}]}
  status: {loadBalancer: {ingress: [{ip: 203.0.113.9}, {hostname: a.example.com}, {ip: 198.51.100.7}]}}
- apiVersion: v1
  kind: Service
  metadata: {name: lb-external, namespace: edge, creationTimestamp: "2025-01-01T00:00:00Z"}
  spec: {type: LoadBalancer, clusterIP: 10.0.0.4, clusterIPs: [10.0.0.4], externalIPs: [192.0.2.1], ports: [{port: 80, protocol: TCP}]}
  status: {loadBalancer: {ingress: [{hostname: lb-0123456789.example.com}]}}
- apiVersion: v1
  kind: Service
  metadata: {name: external-ips, namespace: edge, creationTimestamp: "2025-01-01T00:00:00Z"}
  spec: {type: ClusterIP, clusterIP: 10.0.0.5, clusterIPs: [10.0.0.5], externalIPs: [192.0.2.10, 192.0.2.11], ports: [{port: 8080, protocol: TCP}]}
- apiVersion: v1
  kind: Service
  metadata: {name: external-name, namespace: edge, creationTimestamp: "2025-01-01T00:00:00Z"}
  spec: {type: ExternalName, externalName: db.example.com}
- apiVersion: v1
  kind: Service
  metadata: {name: no-ports, namespace: edge, creationTimestamp: "2025-01-01T00:00:00Z"}
  spec: {type: ClusterIP, clusterIP: 10.0.0.7, clusterIPs: [10.0.0.7], ports: []}
- apiVersion: v1
  kind: Service
  metadata: {name: udp-multi, namespace: edge, creationTimestamp: "2025-01-01T00:00:00Z"}
  spec: {type: NodePort, clusterIP: 10.0.0.8, clusterIPs: [10.0.0.8], selector: {b: "2", a: "1"},
         ports: [{port: 53, protocol: UDP, nodePort: 30053}, {port: 53, protocol: TCP, nodePort: 30054}]}
"#;

/// Every shape of EXTERNAL-IP, CLUSTER-IP and PORT(S): load-balancer ingress IPs and hostnames
/// (sorted, deduplicated, never clipped: the server's Table is generated wide), external IPs on
/// every type, ExternalName, headless, no ports, UDP node ports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edge_case_services_match_kubectl() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("edge.yaml"), EDGE_CASES).unwrap();
    let sim = common::start_with(SimConfig {
        scenario: builtin("empty", &LoadSpec::default()).unwrap(),
        load: vec![dir.path().to_path_buf()],
        ..SimConfig::default()
    })
    .await;
    assert!(sim.load_problems.is_empty(), "{:?}", sim.load_problems);
    let Some(k) = Kubectl::new(&sim) else { return };
    assert_eq!(kubectl_equals_kdoc(&sim, &k).await, 8);
}
