//! kube's `Portforwarder` over the simulator's v4 websocket channel protocol.

mod common;

use common::Bounded;
use k8s_openapi::api::core::v1::Pod;
use kdoc::sim::backend::Backend;
use kdoc::sim::scenario::build::{c, pod};
use kdoc::sim::scenario::{BackendSpec, Scenario};
use kube::Api;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn scenario() -> Scenario {
    let base = jiff::Timestamp::now();
    let web = pod(base, "pf", "web", 60)
        .container(c("app", "busybox").port("echo", 9000).port("http", 8080))
        .build();
    let pending = pod(base, "pf", "pending", 60)
        .container(c("app", "busybox").waiting("ContainerCreating", ""))
        .build();
    Scenario {
        name: "pf".into(),
        objects: vec![web, pending],
        backends: vec![BackendSpec {
            ns: "pf".into(),
            pod: "web".into(),
            port: 9000,
            backend: Backend::Echo,
        }],
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_round_trip_and_a_closed_port_reports_the_kubelet_error() {
    let sim = common::start(scenario()).await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "pf");
    let mut pf = pods
        .portforward("web", &[9000, 8080])
        .bounded("port-forward to web 9000 and 8080")
        .await
        .expect("upgrade to v4.channel.k8s.io");
    let echo = pf.take_stream(9000).unwrap();
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let (mut rd, mut wr) = tokio::io::split(echo);
    let sent = payload.clone();
    let writer = tokio::spawn(async move {
        wr.write_all(&sent)
            .bounded("writing 200 kB to the echo service")
            .await
            .expect("writing to the forwarded port")
    });
    let mut got = vec![0u8; payload.len()];
    rd.read_exact(&mut got)
        .bounded("the 200 kB coming back from the echo service")
        .await
        .expect("reading from the forwarded port");
    assert_eq!(
        got, payload,
        "bytes come back unchanged through the echo service"
    );
    writer
        .bounded("the writer finishing")
        .await
        .expect("the writer task");

    let err = pf
        .take_error(8080)
        .unwrap()
        .bounded("the error for port 8080")
        .await
        .expect("an error message for the port nobody listens on");
    assert!(
        err.starts_with("error forwarding port 8080 to pod web, uid "),
        "{err}"
    );
    assert!(err.contains("connect: connection refused"), "{err}");
    drop(pf);

    match pods
        .portforward("pending", &[9000])
        .bounded("port-forward to a pending pod")
        .await
    {
        Err(kube::Error::Api(s)) => {
            assert_eq!(s.code, 400);
            assert!(
                s.message.contains("pod pending is not running"),
                "{}",
                s.message
            );
        }
        other => panic!(
            "a pod that is not running refuses, got {:?}",
            other.map(|_| ())
        ),
    }
    match pods
        .portforward("ghost", &[9000])
        .bounded("port-forward to a missing pod")
        .await
    {
        Err(kube::Error::Api(s)) => assert_eq!(
            (s.code, s.message.as_str()),
            (404, "pods \"ghost\" not found")
        ),
        other => panic!("missing pod, got {:?}", other.map(|_| ())),
    }
}
