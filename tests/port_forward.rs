//! The supervised port-forward engine against the simulator over real HTTP: kubectl's
//! resolution and error texts (with kdoc's suggestion), requests through a forward, the
//! kubelet's error for a port nobody listens on, a service following its pod to a new one,
//! a pod forward waiting for its pod, a local port in use, 100 connections at once, traffic
//! counts, and an aborted forward closing everything. Every wait is bounded; no duration is
//! asserted.

mod common;

use std::time::Duration;

use common::{Bounded, CALL_TIMEOUT};
use k8s_openapi::api::core::v1::{Endpoints, Pod};
use kdoc::cluster::forward::{self, Forward, StartError, http_check};
use kdoc::core::cluster_event::ClusterMsg;
use kdoc::core::forward::{ForwardEvent, ForwardRequest, ForwardState, ForwardTarget, HttpCheck};
use kdoc::sim::Sim;
use kdoc::sim::backend::{self, Backend};
use kdoc::sim::scenario::build::{c, pod};
use kube::Api;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};

const NS: &str = "argowf";
const SELDON_POD: &str = "iris-default-0-classifier-85d56cc6b6-qsjpr";
/// Runbook 000's request and the answer it expects.
const PREDICT_BODY: &str = r#"{"data": {"ndarray": [[5.1, 3.5, 1.4, 0.2]]}}"#;
const PREDICTION: &str =
    r#"{"data":{"names":["t:0","t:1","t:2"],"ndarray":[[0.0,0.0,1.0]]},"meta":{}}"#;

fn ready(p: &Pod) -> bool {
    let st = p.status.as_ref();
    st.and_then(|s| s.phase.as_deref()) == Some("Running")
        && st
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// The simulator with the Seldon pod Running and Ready.
async fn seldon_running() -> Sim {
    let sim = common::mlops(20.0).await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), NS);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let p = pods
            .get(SELDON_POD)
            .bounded("get the Seldon pod")
            .await
            .unwrap();
        if ready(&p) {
            return sim;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the Seldon pod runs and is ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A Running pod `name` in `ns` with an echo service behind port 9000 (8080 declared, nothing
/// behind it); the echo stops when the returned sender is dropped.
async fn add_echo(sim: &Sim, ns: &str, name: &str) -> watch::Sender<bool> {
    let p = pod(jiff::Timestamp::now(), ns, name, 60)
        .labels(&[("app", name)])
        .container(c("app", "busybox").port("echo", 9000).port("http", 8080))
        .build();
    sim.state().store.upsert(p).unwrap();
    let (stop, rx) = watch::channel(false);
    let addr = backend::start(Backend::Echo, rx).await.unwrap();
    sim.state().set_backend(ns, name, 9000, addr);
    stop
}

fn req(target: ForwardTarget, spec: &str) -> ForwardRequest {
    ForwardRequest {
        or_free: false,
        namespace: NS.into(),
        target,
        spec: spec.into(),
        address: "127.0.0.1".into(),
    }
}

fn svc(name: &str) -> ForwardTarget {
    ForwardTarget::Service(name.into())
}

fn pod_target(name: &str) -> ForwardTarget {
    ForwardTarget::Pod(name.into())
}

/// A forward running in a task (aborted when dropped) and what it reported so far.
struct Running {
    task: tokio::task::JoinHandle<Result<(), StartError>>,
    rx: mpsc::Receiver<ForwardEvent>,
    seen: Vec<ForwardEvent>,
    local: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Running {
    async fn start(sim: &Sim, r: ForwardRequest) -> Running {
        let (tx, rx) = mpsc::channel(1024);
        let task = tokio::spawn(forward::run(common::client(sim), r, tx));
        let mut me = Running {
            task,
            rx,
            seen: vec![],
            local: String::new(),
        };
        if let ForwardEvent::Listening { local, .. } = me
            .until("Listening", |e| matches!(e, ForwardEvent::Listening { .. }))
            .await
        {
            me.local = local;
        }
        me
    }

    fn base(&self) -> String {
        format!("http://{}", self.local)
    }

    /// The next event that `want` matches (earlier ones are kept in `seen`).
    async fn until(&mut self, what: &str, want: impl Fn(&ForwardEvent) -> bool) -> ForwardEvent {
        let deadline = tokio::time::Instant::now() + CALL_TIMEOUT;
        loop {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(ev)) => {
                    self.seen.push(ev.clone());
                    if want(&ev) {
                        return ev;
                    }
                }
                Ok(None) => panic!(
                    "the forward ended before {what}; it reported {:#?}",
                    self.seen
                ),
                Err(_) => panic!(
                    "timed out after {CALL_TIMEOUT:?} waiting for {what}; the forward reported {:#?}",
                    self.seen
                ),
            }
        }
    }

    async fn state(&mut self, what: &str, want: impl Fn(&ForwardState) -> bool) -> ForwardState {
        match self
            .until(what, |e| matches!(e, ForwardEvent::State(s) if want(s)))
            .await
        {
            ForwardEvent::State(s) => s,
            _ => unreachable!(),
        }
    }
}

fn predict(base: &str) -> HttpCheck {
    HttpCheck {
        base: base.into(),
        method: "POST".into(),
        path: "/api/v1.0/predictions".into(),
        body: Some(PREDICT_BODY.into()),
    }
}

async fn start_error(sim: &Sim, r: ForwardRequest) -> StartError {
    match Forward::start(common::client(sim), r.clone())
        .bounded(format!("starting {r:?}"))
        .await
    {
        Ok(f) => panic!("{r:?} should not start, but listens on {}", f.local_addr()),
        Err(e) => e,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runbook_000_prediction_through_a_service_forward() {
    let sim = seldon_running().await;
    let mut f = Running::start(&sim, req(svc("iris-default"), "0:8000")).await;
    assert!(f.local.starts_with("127.0.0.1:"), "{}", f.local);
    assert!(
        f.seen
            .contains(&ForwardEvent::State(ForwardState::Starting)),
        "{:?}",
        f.seen
    );
    let active = f
        .state("Active", |s| matches!(s, ForwardState::Active { .. }))
        .await;
    assert_eq!(
        active,
        ForwardState::Active {
            pod: SELDON_POD.into(),
            remote: 8000
        }
    );
    let answer = http_check(&predict(&f.base()))
        .bounded("the prediction request")
        .await
        .expect("an answer through the forward");
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body_head, PREDICTION);
    // The exchange shows up in the traffic counts: one connection, bytes both ways.
    f.until("traffic of one finished connection", |e| {
        matches!(e, ForwardEvent::Traffic { open: 0, total: 1, bytes_out, bytes_in }
            if *bytes_out > PREDICT_BODY.len() as u64 && *bytes_in > PREDICTION.len() as u64)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_8080_fails_with_kubectls_words_and_the_port_meant() {
    let sim = common::mlops(1.0).await;
    let e = start_error(&sim, req(svc("iris-default"), "8080")).await;
    assert_eq!(
        e.error,
        "Service iris-default does not have a service port 8080"
    );
    let hint = e.hint.clone().expect("a suggestion");
    assert!(
        hint.starts_with("its ports are 8000/TCP (http), 5001/TCP (grpc); use 8000: Seldon"),
        "{hint}"
    );
    // Through `run`, the state says it all and the error comes back.
    let (tx, mut rx) = mpsc::channel(16);
    let res = forward::run(common::client(&sim), req(svc("iris-default"), "8080"), tx)
        .bounded("run with 8080")
        .await;
    assert_eq!(res, Err(e.clone()));
    let mut states = vec![];
    while let Ok(ev) = rx.try_recv() {
        states.push(ev);
    }
    assert_eq!(
        states,
        [
            ForwardEvent::State(ForwardState::Starting),
            ForwardEvent::State(ForwardState::Failed(format!(
                "Service iris-default does not have a service port 8080; {hint}"
            )))
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_nobody_listens_on_shows_the_kubelets_error_and_the_forward_goes_on() {
    let sim = seldon_running().await;
    // 5001 (gRPC) is a service port whose container port has nothing behind it.
    let mut f = Running::start(&sim, req(svc("iris-default"), "0:5001")).await;
    f.state("Active", |s| matches!(s, ForwardState::Active { .. }))
        .await;
    let got = http_check(&HttpCheck {
        base: f.base(),
        method: "GET".into(),
        path: "/".into(),
        body: None,
    })
    .bounded("a request to the gRPC port")
    .await;
    assert!(got.is_err(), "nothing answers on 5001: {got:?}");
    let ForwardState::Reconnecting { attempt, error } = f
        .state("Reconnecting with the stream's error", |s| {
            matches!(s, ForwardState::Reconnecting { .. })
        })
        .await
    else {
        unreachable!()
    };
    assert_eq!(attempt, 1);
    let local = f.local.rsplit(':').next().unwrap().to_string();
    assert!(
        error.starts_with(&format!(
            "an error occurred forwarding {local} -> 5001: error forwarding port 5001 to pod {SELDON_POD}, uid "
        )),
        "{error}"
    );
    assert!(error.contains("connect: connection refused"), "{error}");
    // The pod is still there: the forward is active on it again, and 8000 still answers.
    let back = f
        .state("Active again", |s| matches!(s, ForwardState::Active { .. }))
        .await;
    assert_eq!(
        back,
        ForwardState::Active {
            pod: SELDON_POD.into(),
            remote: 5001
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_forward_follows_its_replaced_pod() {
    let sim = seldon_running().await;
    let client = common::client(&sim);
    let mut f = Running::start(&sim, req(svc("iris-default"), "0:8000")).await;
    f.state("Active", |s| matches!(s, ForwardState::Active { .. }))
        .await;
    let first = http_check(&predict(&f.base()))
        .bounded("the first prediction")
        .await;
    assert_eq!(first.map(|a| a.status), Ok(200));

    let new_pod = sim
        .replace_pod(NS, SELDON_POD)
        .expect("the pod is replaced");
    assert!(
        new_pod.starts_with("iris-default-0-classifier-85d56cc6b6-") && new_pod != SELDON_POD,
        "{new_pod}"
    );
    // A request made at once waits for the forward rather than being reset.
    let check = predict(&f.base());
    let during = tokio::spawn(async move { http_check(&check).await });
    let lost = f
        .state("Reconnecting", |s| {
            matches!(s, ForwardState::Reconnecting { .. })
        })
        .await;
    let ForwardState::Reconnecting { attempt, error } = lost else {
        unreachable!()
    };
    assert_eq!(attempt, 1);
    assert!(error.contains(SELDON_POD), "{error}");
    let active = f
        .state("Active on the new pod", |s| {
            matches!(s, ForwardState::Active { .. })
        })
        .await;
    assert_eq!(
        active,
        ForwardState::Active {
            pod: new_pod.clone(),
            remote: 8000
        }
    );
    let during = during
        .bounded("the request made while reconnecting")
        .await
        .unwrap()
        .expect("it waited and got an answer");
    assert_eq!(
        (during.status, during.body_head.as_str()),
        (200, PREDICTION)
    );
    let next = http_check(&predict(&f.base()))
        .bounded("the prediction on the new pod")
        .await
        .expect("an answer from the new pod");
    assert_eq!((next.status, next.body_head.as_str()), (200, PREDICTION));

    // The Endpoints followed the pod.
    let eps: Api<Endpoints> = Api::namespaced(client, NS);
    let ep = eps
        .get("iris-default")
        .bounded("get the Endpoints")
        .await
        .unwrap();
    let names: Vec<String> = ep
        .subsets
        .iter()
        .flatten()
        .flat_map(|s| s.addresses.iter().flatten())
        .filter_map(|a| a.target_ref.as_ref().and_then(|r| r.name.clone()))
        .collect();
    assert_eq!(names, [new_pod]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pod_forward_waits_for_its_pod_to_come_back() {
    let sim = common::mlops(1.0).await;
    let _echo = add_echo(&sim, NS, "echo").await;
    let mut f = Running::start(&sim, req(pod_target("echo"), "0:9000")).await;
    f.state("Active", |s| matches!(s, ForwardState::Active { .. }))
        .await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), NS);
    let saved = sim
        .state()
        .store
        .get(
            sim.state().store.find_kind("v1", "Pod").unwrap(),
            NS,
            "echo",
        )
        .unwrap()
        .value;
    // Deleted through the API, as `kubectl delete pod echo` does (no ReplicaSet owns it).
    pods.delete("echo", &Default::default())
        .bounded("delete pod echo")
        .await
        .expect("the pod is deleted");
    let lost = f
        .state("Reconnecting", |s| {
            matches!(s, ForwardState::Reconnecting { .. })
        })
        .await;
    assert_eq!(
        lost,
        ForwardState::Reconnecting {
            attempt: 1,
            error: "pod echo was deleted".into()
        }
    );
    // It keeps trying, with backoff, while the pod is away.
    f.state("a second attempt", |s| {
        matches!(s, ForwardState::Reconnecting { attempt: 2, .. })
    })
    .await;
    let mut back = (*saved).clone();
    back["metadata"]["resourceVersion"] = json!(null);
    sim.state().store.upsert(back).unwrap();
    let active = f
        .state("Active", |s| matches!(s, ForwardState::Active { .. }))
        .await;
    assert_eq!(
        active,
        ForwardState::Active {
            pod: "echo".into(),
            remote: 9000
        }
    );
    let mut s = TcpStream::connect(&f.local)
        .bounded("connect")
        .await
        .unwrap();
    s.write_all(b"ping").bounded("write").await.unwrap();
    let mut got = [0u8; 4];
    s.read_exact(&mut got).bounded("the echo").await.unwrap();
    assert_eq!(&got, b"ping");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_port_in_use_names_the_port_the_os_error_and_a_free_port() {
    let sim = common::mlops(1.0).await;
    let _echo = add_echo(&sim, NS, "echo").await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let e = start_error(&sim, req(pod_target("echo"), &format!("{port}:9000"))).await;
    let prefix = format!("local port {port} is in use (");
    assert!(e.error.starts_with(&prefix), "{e:?}");
    assert!(e.error.contains("os error"), "{e:?}");
    let free: u16 = e
        .error
        .rsplit_once("; free: ")
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or_else(|| panic!("a free port in {e:?}"));
    assert_ne!(free, port);
    // It is free indeed.
    drop(std::net::TcpListener::bind(("127.0.0.1", free)).expect("the port named is free"));
}

/// When the local port was kdoc's default (the user gave none), a taken one is replaced by a
/// free one rather than failing; the report says which.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_default_local_port_in_use_falls_back_to_a_free_one() {
    let sim = common::mlops(1.0).await;
    let _echo = add_echo(&sim, NS, "echo").await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut r = req(pod_target("echo"), &format!("{port}:9000"));
    r.or_free = true;
    let f = Forward::start(common::client(&sim), r)
        .bounded("starting")
        .await
        .expect("a free port instead");
    assert_ne!(f.local_addr().port(), port);
    assert_ne!(f.local_addr().port(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_each_gets_its_own_message_and_nothing_starts() {
    let sim = common::mlops(1.0).await;
    let _echo = add_echo(&sim, NS, "echo").await;
    let store = &sim.state().store;
    // A pod whose only port is UDP, and services: UDP only, no selector, ExternalName.
    let mut udp_pod = pod(jiff::Timestamp::now(), NS, "dns", 60)
        .labels(&[("app", "dns")])
        .container(c("dns", "coredns").port("dns", 53))
        .build();
    udp_pod["spec"]["containers"][0]["ports"][0]["protocol"] = json!("UDP");
    store.upsert(udp_pod).unwrap();
    for svc in [
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "dns", "namespace": NS},
               "spec": {"selector": {"app": "dns"}, "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53}]}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "manual", "namespace": NS},
               "spec": {"ports": [{"port": 80, "targetPort": 8080}]}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "alias", "namespace": NS},
               "spec": {"type": "ExternalName", "externalName": "models.example.com", "ports": [{"port": 80}]}}),
    ] {
        store.upsert(svc).unwrap();
    }
    let no_selector = |name: &str| {
        format!(
            "cannot attach to *v1.Service: invalid service '{name}': Service is defined without a selector"
        )
    };
    let cases: Vec<(ForwardTarget, &str, String, Option<&str>)> = vec![
        (svc("iris-default"), "0", "Service iris-default does not have a service port 0".into(), Some("its ports are 8000/TCP (http), 5001/TCP (grpc)")),
        (svc("iris-default"), "70000", "Service iris-default does not have a service port 70000".into(), Some("use 8000")),
        (svc("iris-default"), "abc", "Service 'iris-default' does not have a named port 'abc'".into(), Some("use 8000")),
        (svc("iris-default"), "70000:8000", "error parsing local port '70000': strconv.ParseUint: parsing \"70000\": value out of range".into(), Some("its ports are")),
        (pod_target("echo"), "0", "remote port must be > 0".into(), Some("its ports are 9000/TCP (echo), 8080/TCP (http)")),
        // kubectl parses LOCAL first, and a lone port is both.
        (pod_target("echo"), "70000", "error parsing local port '70000': strconv.ParseUint: parsing \"70000\": value out of range".into(), Some("its ports are")),
        (pod_target("echo"), "9000:70000", "error parsing remote port '70000': strconv.ParseUint: parsing \"70000\": value out of range".into(), Some("its ports are 9000/TCP (echo)")),
        (pod_target("echo"), "abc", "Pod 'echo' does not have a named port 'abc'".into(), Some("its ports are")),
        (svc("dns"), "53", "UDP protocol is not supported for 53".into(), Some("its ports are 53/UDP (dns)")),
        (pod_target("dns"), "53", "UDP protocol is not supported for 53".into(), Some("its ports are 53/UDP (dns)")),
        (pod_target(SELDON_POD), "8000", "unable to forward port because pod is not running. Current status=Pending".into(), Some("is Pending (classifier: waiting: ImagePullBackOff")),
        (svc("iris-default"), "8000", "unable to forward port because pod is not running. Current status=Pending".into(), Some("is Pending")),
        (svc("manual"), "80", no_selector("manual"), Some("has no selector")),
        (svc("alias"), "80", no_selector("alias"), Some("ExternalName service, a DNS alias for models.example.com")),
        (svc("ghost"), "80", "Error from server (NotFound): services \"ghost\" not found".into(), None),
        (pod_target("ghost"), "80", "Error from server (NotFound): pods \"ghost\" not found".into(), None),
    ];
    for (target, spec, error, hint) in cases {
        let what = format!("{} {spec}", target.label());
        let e = start_error(&sim, req(target, spec)).await;
        assert_eq!(e.error, error, "{what}");
        match hint {
            Some(h) => assert!(
                e.hint.as_deref().is_some_and(|x| x.contains(h)),
                "{what}: hint {:?} should say {h:?}",
                e.hint
            ),
            None => assert_eq!(e.hint, None, "{what}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_connections_at_once_all_echo_and_traffic_counts_every_byte() {
    const N: usize = 100;
    const SIZE: usize = 4096;
    let sim = common::mlops(1.0).await;
    let _echo = add_echo(&sim, NS, "echo").await;
    let mut f = Running::start(&sim, req(pod_target("echo"), "0:9000")).await;
    f.state("Active", |s| matches!(s, ForwardState::Active { .. }))
        .await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..N {
        let local = f.local.clone();
        tasks.spawn(async move {
            let payload: Vec<u8> = (0..SIZE).map(|k| ((i * 7 + k) % 251) as u8).collect();
            let mut s = TcpStream::connect(&local)
                .await
                .map_err(|e| format!("{i}: connect: {e}"))?;
            s.write_all(&payload)
                .await
                .map_err(|e| format!("{i}: write: {e}"))?;
            let mut got = vec![0u8; SIZE];
            s.read_exact(&mut got)
                .await
                .map_err(|e| format!("{i}: read: {e}"))?;
            if got != payload {
                return Err(format!("{i}: the echo differs"));
            }
            Ok::<_, String>(())
        });
    }
    let mut errors = vec![];
    let results = async {
        while let Some(r) = tasks.join_next().await {
            if let Err(e) = r.expect("a connection task") {
                errors.push(e);
            }
        }
    };
    results
        .bounded_by(Duration::from_secs(60), "100 echoes")
        .await;
    assert!(
        errors.is_empty(),
        "{} of {N} failed: {errors:?}",
        errors.len()
    );
    let total = (N * SIZE) as u64;
    f.until("traffic of all 100 connections", |e| {
        *e == ForwardEvent::Traffic {
            open: 0,
            total: N as u64,
            bytes_out: total,
            bytes_in: total,
        }
    })
    .await;
    // Counts only grow, and never faster than every 250 ms is not asserted (a duration).
    let totals: Vec<u64> = f
        .seen
        .iter()
        .filter_map(|e| match e {
            ForwardEvent::Traffic { total, .. } => Some(*total),
            _ => None,
        })
        .collect();
    assert!(totals.windows(2).all(|w| w[0] <= w[1]), "{totals:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aborting_the_effect_closes_the_listener_and_every_connection() {
    let sim = common::mlops(1.0).await;
    let _echo = add_echo(&sim, NS, "echo").await;
    let (out, mut rx) = mpsc::channel(64);
    let handle = forward::spawn(
        common::client(&sim),
        7,
        req(pod_target("echo"), "0:9000"),
        out,
    );
    let mut local = None;
    let mut active = false;
    while local.is_none() || !active {
        match rx.recv().bounded("the forward's reports").await {
            Some(ClusterMsg::Forward { id: 7, event }) => match event {
                ForwardEvent::Listening { local: l, remote } => {
                    assert_eq!(remote, 9000);
                    local = Some(l);
                }
                ForwardEvent::State(ForwardState::Active { .. }) => active = true,
                _ => {}
            },
            other => panic!("unexpected {other:?}"),
        }
    }
    let local = local.unwrap();
    let mut s = TcpStream::connect(&local).bounded("connect").await.unwrap();
    s.write_all(b"hello").bounded("write").await.unwrap();
    let mut got = [0u8; 5];
    s.read_exact(&mut got).bounded("the echo").await.unwrap();
    assert_eq!(&got, b"hello");
    handle.abort();
    // The open connection ends ...
    let mut rest = vec![];
    let n = s
        .read_to_end(&mut rest)
        .bounded("the connection closing")
        .await;
    assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
    // ... and nothing listens any more.
    let deadline = tokio::time::Instant::now() + CALL_TIMEOUT;
    loop {
        match TcpStream::connect(&local)
            .bounded("connect after abort")
            .await
        {
            Err(_) => break,
            Ok(_) => {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "{local} still listens"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_check_reports_the_os_error_when_nothing_listens() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let got = http_check(&HttpCheck {
        base: format!("http://127.0.0.1:{port}"),
        method: "GET".into(),
        path: "/health".into(),
        body: None,
    })
    .bounded("a request to a closed port")
    .await;
    let e = got.expect_err("nothing listens");
    assert!(e.contains("Connection refused"), "{e}");
}
