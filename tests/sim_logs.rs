//! `pods/{name}/log` through kube's `logs`/`log_stream`: every LogParams option and the
//! apiserver's and kubelet's error messages.

mod common;

use common::Bounded;
use futures::{AsyncBufReadExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kdoc::sim::scenario::build::{c, pod};
use kdoc::sim::scenario::{LogSeed, Scenario};
use kube::Api;
use kube::api::LogParams;

fn scenario() -> Scenario {
    let base = jiff::Timestamp::now();
    let logger = pod(base, "logs", "logger", 600)
        .init(c("setup", "busybox").terminated(0, "Completed", -590, -589))
        .container(
            c("app", "busybox")
                .running(-300)
                .restarts(1)
                .last(1, "Error", -600, -301),
        )
        .container(c("side", "busybox").running(-580))
        .build();
    let pulling = pod(base, "logs", "pulling", 60)
        .container(
            c("app", "ghcr.io/x/y:latest").waiting("ImagePullBackOff", "Back-off pulling image"),
        )
        .container(c("creating", "busybox").waiting("ContainerCreating", ""))
        .build();
    let single = pod(base, "logs", "single", 60)
        .container(c("only", "busybox"))
        .build();
    let unscheduled = pod(base, "logs", "unscheduled", 60)
        .container(c("app", "busybox").waiting("ContainerCreating", ""))
        .unschedulable("0/1 nodes are available: 1 Insufficient cpu.")
        .build();
    let seed = |container: &str, previous: bool, lines: Vec<(i64, String)>| LogSeed {
        ns: "logs".into(),
        pod: "logger".into(),
        container: container.into(),
        previous,
        lines,
    };
    Scenario {
        name: "logs".into(),
        objects: vec![logger, pulling, single, unscheduled],
        logs: vec![
            seed(
                "app",
                false,
                (0..10)
                    .map(|i| (-300 + i * 30, format!("line {i}")))
                    .collect(),
            ),
            seed(
                "app",
                true,
                vec![(-400, "starting".into()), (-302, "panic: boom".into())],
            ),
            LogSeed {
                ns: "logs".into(),
                pod: "single".into(),
                container: "only".into(),
                previous: false,
                lines: vec![(-1, "just me".into())],
            },
        ],
        ..Default::default()
    }
}

fn params(container: &str) -> LogParams {
    LogParams {
        container: Some(container.into()),
        ..LogParams::default()
    }
}

async fn api_error(pods: &Api<Pod>, name: &str, lp: &LogParams) -> (u16, String) {
    match pods
        .logs(name, lp)
        .bounded(format!("logs of {name} with {lp:?}"))
        .await
    {
        Err(kube::Error::Api(s)) => (s.code, s.message),
        other => panic!("expected an API error for {name} {lp:?}, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_params_select_lines_like_the_kubelet() {
    let sim = common::start(scenario()).await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "logs");
    let all = pods
        .logs("logger", &params("app"))
        .bounded("logs of logger/app")
        .await
        .unwrap();
    assert_eq!(all.lines().count(), 10);
    assert!(all.starts_with("line 0\n") && all.ends_with("line 9\n"));

    let tail = pods
        .logs(
            "logger",
            &LogParams {
                tail_lines: Some(2),
                ..params("app")
            },
        )
        .bounded("tail of logger/app")
        .await
        .unwrap();
    assert_eq!(tail, "line 8\nline 9\n");

    // Lines are 30 s apart ending 30 s ago: the last 100 s hold lines 7, 8, 9.
    let since = pods
        .logs(
            "logger",
            &LogParams {
                since_seconds: Some(100),
                ..params("app")
            },
        )
        .bounded("logger/app since 100 s")
        .await
        .unwrap();
    assert_eq!(since, "line 7\nline 8\nline 9\n");
    let since_time = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(100);
    let lp = LogParams {
        since_time: Some(
            k8s_openapi::jiff::Timestamp::from_second(since_time.as_second()).unwrap(),
        ),
        ..params("app")
    };
    assert_eq!(
        pods.logs("logger", &lp)
            .bounded("logger/app since a time")
            .await
            .unwrap(),
        "line 7\nline 8\nline 9\n"
    );

    let stamped = pods
        .logs(
            "logger",
            &LogParams {
                timestamps: true,
                tail_lines: Some(1),
                ..params("app")
            },
        )
        .bounded("logger/app with timestamps")
        .await
        .unwrap();
    let (ts, text) = stamped.trim_end().split_once(' ').unwrap();
    assert_eq!(text, "line 9");
    assert!(
        ts.parse::<jiff::Timestamp>().is_ok() && ts.ends_with('Z'),
        "RFC 3339 prefix, got {ts}"
    );

    let limited = pods
        .logs(
            "logger",
            &LogParams {
                limit_bytes: Some(10),
                ..params("app")
            },
        )
        .bounded("logger/app limited to 10 bytes")
        .await
        .unwrap();
    assert_eq!(limited, "line 0\nlin");

    let prev = pods
        .logs(
            "logger",
            &LogParams {
                previous: true,
                ..params("app")
            },
        )
        .bounded("previous logs of logger/app")
        .await
        .unwrap();
    assert_eq!(prev, "starting\npanic: boom\n");

    // One regular container: the apiserver picks it without `container`.
    assert_eq!(
        pods.logs("single", &LogParams::default())
            .bounded("logs of single, no container named")
            .await
            .unwrap(),
        "just me\n"
    );
    // An init container is a valid choice too.
    assert_eq!(
        pods.logs("logger", &params("setup"))
            .bounded("logs of the init container logger/setup")
            .await
            .unwrap(),
        ""
    );
    // Not scheduled: 200 and an empty body, not an error.
    assert_eq!(
        pods.logs("unscheduled", &params("app"))
            .bounded("logs of unscheduled/app")
            .await
            .unwrap(),
        ""
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_errors_carry_the_real_messages() {
    let sim = common::start(scenario()).await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "logs");
    let cases: Vec<(&str, LogParams, u16, &str)> = vec![
        ("nope", params("app"), 404, "pods \"nope\" not found"),
        (
            "logger",
            params("kaniko"),
            400,
            "container kaniko is not valid for pod logger",
        ),
        (
            "logger",
            LogParams::default(),
            400,
            "a container name must be specified for pod logger, choose one of: [setup app side]",
        ),
        (
            "logger",
            LogParams {
                previous: true,
                ..params("side")
            },
            400,
            "previous terminated container \"side\" in pod \"logger\" not found",
        ),
        (
            "pulling",
            params("app"),
            400,
            "container \"app\" in pod \"pulling\" is waiting to start: trying and failing to pull image",
        ),
        (
            "pulling",
            params("creating"),
            400,
            "container \"creating\" in pod \"pulling\" is waiting to start: ContainerCreating",
        ),
        (
            "logger",
            LogParams {
                tail_lines: Some(-1),
                ..params("app")
            },
            422,
            "tailLines: Invalid value: -1",
        ),
    ];
    for (name, lp, code, message) in cases {
        let (got_code, got) = api_error(&pods, name, &lp).await;
        assert_eq!(got_code, code, "{name} {lp:?}: {got}");
        assert!(
            got.contains(message),
            "{name} {lp:?}: got {got:?}, want {message:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_streams_new_lines_until_the_container_restarts() {
    let sim = common::start(scenario()).await;
    let pods: Api<Pod> = Api::namespaced(common::client(&sim), "logs");
    let lp = LogParams {
        follow: true,
        tail_lines: Some(1),
        ..params("app")
    };
    let mut lines = pods
        .log_stream("logger", &lp)
        .bounded("following the logs of logger")
        .await
        .unwrap()
        .lines();
    let next = async |l: &mut (dyn futures::Stream<Item = std::io::Result<String>> + Unpin)| {
        l.try_next()
            .bounded("the next line of the followed logs")
            .await
            .expect("reading the followed logs")
    };
    assert_eq!(next(&mut lines).await.as_deref(), Some("line 9"));
    let now = jiff::Timestamp::now();
    sim.state().logs.append(
        "logs",
        "logger",
        "app",
        [(now, "fresh 1".to_string()), (now, "fresh 2".to_string())],
    );
    assert_eq!(next(&mut lines).await.as_deref(), Some("fresh 1"));
    assert_eq!(next(&mut lines).await.as_deref(), Some("fresh 2"));
    sim.state().logs.restart("logs", "logger", "app");
    assert_eq!(next(&mut lines).await, None, "the followed run ended");
}
