//! The doctor's status and workload checks over real objects (../shared/fixtures/real) and the
//! mlops demo scenario. Every expectation below was worked out by reading the objects (their
//! SOURCES.md line says what each shows), never by running the checks: ids, severities, the
//! names in titles, the evidence that proves it and the commands of the fix.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::fixtures::{objects, text, values};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Node, PersistentVolumeClaim, Pod, ServiceAccount};
use kdoc::doctor::status::{self, ImageRef, PullError, ReasonKind, Unschedulable};
use kdoc::doctor::workloads;
use kdoc::doctor::{
    Act, ContainerLog, Evidence, Finding, Missing, Proof, Severity, Subject, SubjectKind,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn pod_subject(ns: &str, name: &str) -> Subject {
    Subject::new(SubjectKind::Pod, ns, name)
}

fn ns_subject(ns: &str) -> Subject {
    Subject::new(SubjectKind::Namespace, ns, "")
}

/// One pod of a fixture, by name.
fn pod(file: &str, name: &str) -> Pod {
    objects::<Pod>(file)
        .into_iter()
        .find(|p| p.metadata.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("{name} in {file}"))
}

fn events(file: &str) -> Vec<Event> {
    objects(file)
}

fn with_pods(pods: Vec<Pod>, events: Vec<Event>) -> Evidence {
    Evidence {
        pods,
        events: Some(events),
        ..Default::default()
    }
}

/// `id subject` of every finding, sorted, for whole-set comparisons.
fn ids(fs: &[Finding]) -> Vec<String> {
    let mut v: Vec<String> = fs
        .iter()
        .map(|f| format!("{} {}", f.id, f.subject))
        .collect();
    v.sort();
    v
}

/// The one finding with this id (fails when there are none or several).
#[track_caller]
fn only<'a>(fs: &'a [Finding], id: &str) -> &'a Finding {
    let v: Vec<&Finding> = fs.iter().filter(|f| f.id == id).collect();
    assert_eq!(v.len(), 1, "exactly one {id} in {fs:#?}");
    v[0]
}

fn facts(f: &Finding) -> Vec<&str> {
    f.evidence
        .iter()
        .filter_map(|p| match p {
            Proof::Fact { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[track_caller]
fn has_fact(f: &Finding, needle: &str) {
    assert!(
        facts(f).iter().any(|t| t.contains(needle)),
        "no fact containing {needle:?} in {f:#?}"
    );
}

#[track_caller]
fn has_fix(f: &Finding, line: &str) {
    assert!(
        f.fix.iter().any(|l| l == line),
        "no fix line {line:?} in {:#?}",
        f.fix
    );
}

#[track_caller]
fn has_fix_containing(f: &Finding, needle: &str) {
    assert!(
        f.fix.iter().any(|l| l.contains(needle)),
        "no fix line containing {needle:?} in {:#?}",
        f.fix
    );
}

/// The state proofs: (container, text).
fn states(f: &Finding) -> Vec<(&str, &str)> {
    f.evidence
        .iter()
        .filter_map(|p| match p {
            Proof::State {
                container, text, ..
            } => Some((container.as_str(), text.as_str())),
            _ => None,
        })
        .collect()
}

#[track_caller]
fn has_state(f: &Finding, container: &str, needle: &str) {
    assert!(
        states(f)
            .iter()
            .any(|(c, t)| *c == container && t.contains(needle)),
        "no state of {container} containing {needle:?} in {f:#?}"
    );
}

/// The event proofs: (reason, count, age seconds, message).
fn event_proofs(f: &Finding) -> Vec<(&str, i32, Option<i64>, &str)> {
    f.evidence
        .iter()
        .filter_map(|p| match p {
            Proof::Event {
                reason,
                count,
                age_seconds,
                message,
                ..
            } => Some((reason.as_str(), *count, *age_seconds, message.as_str())),
            _ => None,
        })
        .collect()
}

/// The log proofs: (line number, text).
fn log_lines(f: &Finding) -> Vec<(usize, &str)> {
    f.evidence
        .iter()
        .filter_map(|p| match p {
            Proof::Log { line, text, .. } => Some((*line, text.as_str())),
            _ => None,
        })
        .collect()
}

fn logs_act(ns: &str, pod: &str, container: &str, previous: bool) -> Option<Act> {
    Some(Act::Logs {
        namespace: ns.into(),
        pod: pod.into(),
        container: container.into(),
        previous,
    })
}

fn events_act(ns: &str, pod: &str) -> Option<Act> {
    Some(Act::Events {
        namespace: ns.into(),
        object: format!("pod/{pod}"),
    })
}

/// Names of Secrets or ConfigMaps per namespace.
fn names(entries: &[(&str, &str)]) -> Option<BTreeMap<String, BTreeSet<String>>> {
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (ns, n) in entries {
        m.entry(ns.to_string()).or_default().insert(n.to_string());
    }
    Some(m)
}

fn set_name(mut p: Pod, ns: &str, name: &str) -> Pod {
    p.metadata.name = Some(name.into());
    p.metadata.namespace = Some(ns.into());
    p
}

// ---------------------------------------------------------------------------------------------
// Missing events, healthy pods
// ---------------------------------------------------------------------------------------------

#[test]
fn unreadable_events_are_reported_not_silent() {
    let ev = Evidence {
        events: None,
        missing: vec![Missing {
            what: "events in mlops".into(),
            reason: "events is forbidden: User \"dev\" cannot list resource \"events\" in API group \"\" in the namespace \"mlops\"".into(),
        }],
        ..Default::default()
    };
    let fs = status::check(&ns_subject("mlops"), &ev, at("2025-01-01T00:00:00Z"));
    assert_eq!(ids(&fs), ["events.unreadable namespace/mlops"]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(f.namespace, "mlops");
    assert!(f.title.contains("events is forbidden"), "{}", f.title);
    has_fact(f, "events in mlops: events is forbidden: User \"dev\"");
    has_fix(f, "kubectl get events -n mlops --sort-by=.lastTimestamp");
}

#[test]
fn unreadable_events_without_a_recorded_reason_still_say_so() {
    let ev = Evidence {
        pods: vec![pod("pod-nginx-running-k9s.json", "nginx")],
        ..Default::default()
    };
    let fs = status::check(
        &pod_subject("default", "nginx"),
        &ev,
        at("2019-08-09T06:00:00Z"),
    );
    assert_eq!(ids(&fs), ["events.unreadable pod/nginx"]);
    assert!(fs[0].title.contains("they were not read"));
}

#[test]
fn a_running_ready_pod_gives_nothing() {
    let ev = with_pods(vec![pod("pod-nginx-running-k9s.json", "nginx")], vec![]);
    let fs = status::check(
        &pod_subject("default", "nginx"),
        &ev,
        at("2019-08-09T06:00:00Z"),
    );
    assert_eq!(fs, []);
}

#[test]
fn no_pods_no_findings() {
    let ev = with_pods(vec![], vec![]);
    assert_eq!(
        status::check(&ns_subject("x"), &ev, at("2025-01-01T00:00:00Z")),
        []
    );
}

// ---------------------------------------------------------------------------------------------
// Image pulls
// ---------------------------------------------------------------------------------------------

#[test]
fn err_image_pull_x509_from_the_container_state_alone() {
    // troubleshoot's PodList: waiting ErrImagePull with the daemon's x509 error; no events for
    // this pod, no pull secrets, service accounts not read.
    let p = pod(
        "pod-errimagepull-podlist.json",
        "no-image-deployment-849c4c4958-rxqmt",
    );
    let ev = with_pods(vec![p], vec![]);
    let fs = status::check(
        &pod_subject(
            "message-image-pull-fail",
            "no-image-deployment-849c4c4958-rxqmt",
        ),
        &ev,
        at("2023-07-11T05:40:00Z"),
    );
    assert_eq!(
        ids(&fs),
        ["status.image-pull pod/no-image-deployment-849c4c4958-rxqmt"]
    );
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.namespace, "message-image-pull-fail");
    assert_eq!(
        f.title,
        "Cannot pull image noimage.com/no-such-image for container demo-deployment-container: x509: certificate is not valid for any names, but wanted to match noimage.com"
    );
    has_state(f, "demo-deployment-container", "waiting: ErrImagePull");
    has_fact(
        f,
        "image noimage.com/no-such-image: registry noimage.com, repository no-such-image, tag latest (none given)",
    );
    has_fact(f, "service account default: not read");
    has_fact(f, "the pod has no imagePullSecrets");
    has_fix_containing(f, "The node does not trust the certificate of noimage.com");
    has_fix(
        f,
        "kubectl describe pod no-image-deployment-849c4c4958-rxqmt -n message-image-pull-fail",
    );
    assert_eq!(
        f.act,
        events_act(
            "message-image-pull-fail",
            "no-image-deployment-849c4c4958-rxqmt"
        )
    );
}

#[test]
fn image_pull_events_give_count_age_and_the_distinct_errors() {
    // The same pod renamed to one of the replicas the events file has (7fp5q): Failed x3 (Get
    // ... x509) and x1 (Head ... x509), ErrImagePull x4, BackOff x20 at 05:32:56,
    // ImagePullBackOff x6.
    let p = set_name(
        pod(
            "pod-errimagepull-podlist.json",
            "no-image-deployment-849c4c4958-rxqmt",
        ),
        "message-container-creating-failed-mount",
        "no-image-deployment-849c4c4958-7fp5q",
    );
    let ev = with_pods(
        vec![p],
        events("events-list-pull-backoff-failedscheduling-failedmount.json"),
    );
    let fs = status::check(
        &ns_subject("message-container-creating-failed-mount"),
        &ev,
        at("2023-07-10T05:33:56Z"),
    );
    let f = only(&fs, "status.image-pull");
    assert_eq!(fs.len(), 1, "{fs:#?}");
    let evs = event_proofs(f);
    assert!(
        evs.iter().any(|(r, c, age, m)| *r == "Failed"
            && *c == 3
            && *age == Some(286)
            && m.contains("Get \"https://noimage.com/v2/\": x509")),
        "{evs:#?}"
    );
    assert!(
        evs.iter().any(|(r, c, _, m)| *r == "Failed"
            && *c == 1
            && m.contains("Head \"https://noimage.com/v2/no-such-image/manifests/latest\"")),
        "{evs:#?}"
    );
    assert!(
        evs.iter()
            .any(|(r, c, age, _)| *r == "BackOff" && *c == 20 && *age == Some(60)),
        "{evs:#?}"
    );
}

#[test]
fn image_pull_auth_names_the_pull_secrets_and_whether_they_exist() {
    // A private image (GHCR's 403 for anonymous pulls) with a pod secret that exists and a
    // service-account secret that does not.
    let mut p = pod(
        "pod-errimagepull-podlist.json",
        "no-image-deployment-849c4c4958-rxqmt",
    );
    let mut v = serde_json::to_value(&p).unwrap();
    v["spec"]["containers"][0]["image"] = json!("ghcr.io/jtayl222/iris:latest");
    v["spec"]["imagePullSecrets"] = json!([{"name": "ghcr-read"}]);
    v["spec"]["serviceAccountName"] = json!("puller");
    v["status"]["containerStatuses"][0]["state"] = json!({"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"ghcr.io/jtayl222/iris:latest\""}});
    p = serde_json::from_value(v).unwrap();
    let ns = "message-image-pull-fail";
    let name = "no-image-deployment-849c4c4958-rxqmt";
    let pull_failed: Event = serde_json::from_value(json!({
        "metadata": {"name": "x.1", "namespace": ns},
        "involvedObject": {"kind": "Pod", "namespace": ns, "name": name, "fieldPath": "spec.containers{demo-deployment-container}"},
        "type": "Warning", "reason": "Failed", "count": 15, "lastTimestamp": "2023-07-11T05:39:00Z",
        "message": "Failed to pull image \"ghcr.io/jtayl222/iris:latest\": failed to resolve reference \"ghcr.io/jtayl222/iris:latest\": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Ajtayl222%2Firis%3Apull&service=ghcr.io: 403 Forbidden"
    })).unwrap();
    let sa: ServiceAccount = serde_json::from_value(json!({
        "metadata": {"name": "puller", "namespace": ns},
        "imagePullSecrets": [{"name": "harbor-credentials"}]
    }))
    .unwrap();
    let ev = Evidence {
        pods: vec![p],
        events: Some(vec![pull_failed]),
        service_accounts: Some(vec![sa]),
        secrets: names(&[(ns, "ghcr-read"), ("other", "harbor-credentials")]),
        ..Default::default()
    };
    let fs = status::check(&pod_subject(ns, name), &ev, at("2023-07-11T05:40:00Z"));
    let f = only(&fs, "status.image-pull");
    assert_eq!(
        f.title,
        "Cannot pull image ghcr.io/jtayl222/iris:latest for container demo-deployment-container: 403 Forbidden"
    );
    has_fact(f, "registry ghcr.io, repository jtayl222/iris, tag latest");
    has_fact(f, "image pull secret ghcr-read (from the pod): exists");
    has_fact(
        f,
        "image pull secret harbor-credentials (from service account puller): does not exist in message-image-pull-fail",
    );
    has_fix(
        f,
        "kubectl create secret docker-registry harbor-credentials --docker-server=ghcr.io --docker-username=USER --docker-password=TOKEN -n message-image-pull-fail",
    );
    has_fix_containing(
        f,
        "Check that secret ghcr-read holds credentials for ghcr.io",
    );
    assert_eq!(event_proofs(f)[0].1, 15);
}

#[test]
fn image_pull_with_secrets_unreadable_says_it_could_not_check() {
    let mut v = serde_json::to_value(pod(
        "pod-errimagepull-podlist.json",
        "no-image-deployment-849c4c4958-rxqmt",
    ))
    .unwrap();
    v["spec"]["imagePullSecrets"] = json!([{"name": "regcred"}]);
    v["status"]["containerStatuses"][0]["state"]["waiting"]["message"] = json!(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"noimage.com/no-such-image:latest\": noimage.com/no-such-image:latest: not found"
    );
    let ev = Evidence {
        pods: vec![serde_json::from_value(v).unwrap()],
        events: Some(vec![]),
        secrets: None,
        missing: vec![Missing {
            what: "secrets in message-image-pull-fail".into(),
            reason: "secrets is forbidden".into(),
        }],
        ..Default::default()
    };
    let fs = status::check(
        &ns_subject("message-image-pull-fail"),
        &ev,
        at("2023-07-11T05:40:00Z"),
    );
    let f = only(&fs, "status.image-pull");
    assert!(f.title.ends_with(": not found"), "{}", f.title);
    has_fact(
        f,
        "image pull secret regcred (from the pod): could not check that it exists: secrets is forbidden",
    );
    has_fix(
        f,
        "Check which tags exist: skopeo list-tags docker://noimage.com/no-such-image",
    );
    has_fix(
        f,
        "kubectl set image deployment/no-image-deployment demo-deployment-container=IMAGE -n message-image-pull-fail",
    );
}

#[test]
fn image_references_split_like_the_runtime() {
    let r = ImageRef::parse("busybox");
    assert_eq!(
        (r.registry.as_str(), r.repository.as_str(), r.tag, r.digest),
        ("docker.io", "library/busybox", None, None)
    );
    let r = ImageRef::parse("192.168.58.12:30002/kubeflow-iris/iris-serve:v1.0");
    assert_eq!(r.registry, "192.168.58.12:30002");
    assert_eq!(r.repository, "kubeflow-iris/iris-serve");
    assert_eq!(r.tag.as_deref(), Some("v1.0"));
    let r = ImageRef::parse("localhost:5000/app@sha256:abc");
    assert_eq!(
        (
            r.registry.as_str(),
            r.repository.as_str(),
            r.tag,
            r.digest.as_deref()
        ),
        ("localhost:5000", "app", None, Some("sha256:abc"))
    );
    let r = ImageRef::parse("bitnami/kubectl:1.32");
    assert_eq!(r.registry, "docker.io");
    assert_eq!(r.repository, "bitnami/kubectl");
}

#[test]
fn pull_errors_are_classified_by_the_registry_answer() {
    use PullError::*;
    let cases = [
        (
            "ErrImagePull",
            "reading manifest fp-2501 in image-registry.openshift-image-registry.svc:5000/private-ai-demo/mistral-24b-full: manifest unknown",
            NotFound,
        ),
        (
            "ErrImagePull",
            "unexpected status code 401 Unauthorized",
            Auth,
        ),
        (
            "ErrImagePull",
            "pull access denied for foo, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
            NotFoundOrAuth,
        ),
        (
            "ErrImagePull",
            "Get \"https://noimage.com/v2/\": net/http: TLS handshake timeout",
            Network,
        ),
        (
            "ErrImagePull",
            "dial tcp: lookup reg.local: no such host",
            Network,
        ),
        (
            "ErrImagePull",
            "toomanyrequests: You have reached your pull rate limit",
            RateLimit,
        ),
        (
            "ErrImagePull",
            "http: server gave HTTP response to HTTPS client",
            Http,
        ),
        (
            "ErrImagePull",
            "no match for platform in manifest: not found",
            Platform,
        ),
        (
            "InvalidImageName",
            "couldn't parse image name \"Foo:bar\"",
            Invalid,
        ),
        (
            "ErrImageNeverPull",
            "Container image \"x\" is not present with pull policy of Never",
            NeverPull,
        ),
        ("ImagePullBackOff", "Back-off pulling image \"x\"", Unknown),
    ];
    for (reason, msg, want) in cases {
        assert_eq!(PullError::classify(reason, msg), want, "{msg}");
    }
}

// ---------------------------------------------------------------------------------------------
// Crash loops, exits, OOM
// ---------------------------------------------------------------------------------------------

#[test]
fn crash_loop_with_command_not_found() {
    // init-demo: nginx with command `wge`; last terminated ContainerCannotRun, exit 127.
    let p = pod(
        "pod-crashloopbackoff-lastterminated-podlist.json",
        "init-demo",
    );
    let ev = with_pods(vec![p], vec![]);
    let ns = "message-pod-crashloop-backoff";
    let fs = status::check(
        &pod_subject(ns, "init-demo"),
        &ev,
        at("2023-07-11T03:35:00Z"),
    );
    assert_eq!(ids(&fs), ["status.crash-loop pod/init-demo"]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.title,
        "Container nginx is crash-looping: exit code 127 (ContainerCannotRun), restarted 4 times"
    );
    has_state(f, "nginx", "waiting: CrashLoopBackOff (back-off 1m20s");
    has_state(
        f,
        "nginx",
        "last terminated: exit code 127 (ContainerCannotRun)",
    );
    has_state(
        f,
        "nginx",
        "exec: \"wge\": executable file not found in $PATH",
    );
    has_fact(f, "exit code 127: command not found");
    has_fact(f, "the previous log of nginx was not read");
    has_fix(
        f,
        "kubectl logs init-demo -n message-pod-crashloop-backoff -c nginx --previous",
    );
    has_fix_containing(f, "Fix the container's command/args");
    assert_eq!(f.act, logs_act(ns, "init-demo", "nginx", true));
}

fn crash_bundle(with_log: bool) -> Evidence {
    let mut ev = with_pods(
        objects("bundle-test-crash-pods-crashloopbackoff.json"),
        events("bundle-test-crash-events-backoff.json"),
    );
    if with_log {
        ev.logs.push(ContainerLog {
            namespace: "test-crash".into(),
            pod: "crash-loop-app-67586446fc-2w49s".into(),
            container: "failing-app".into(),
            previous: true,
            lines: text("bundle-test-crash-failing-app-previous.log")
                .lines()
                .map(str::to_string)
                .collect(),
            first_line: 1,
        });
    }
    ev.missing.push(Missing {
        what: "logs of pod/crash-loop-app-67586446fc-6fgz5 container failing-app (previous)"
            .into(),
        reason: "pods \"crash-loop-app-67586446fc-6fgz5\" is forbidden: cannot get resource \"pods/log\"".into(),
    });
    ev
}

#[test]
fn crash_loop_quotes_the_previous_log_and_the_backoff_event() {
    // Support bundle: two replicas, exit 1 (Error), 22 restarts; BackOff x312 (last 02:06:18)
    // and x318 (02:06:13); only 2w49s's previous log was collected.
    let fs = status::check(
        &ns_subject("test-crash"),
        &crash_bundle(true),
        at("2025-08-10T02:10:00Z"),
    );
    assert_eq!(
        ids(&fs),
        [
            "status.crash-loop pod/crash-loop-app-67586446fc-2w49s",
            "status.crash-loop pod/crash-loop-app-67586446fc-6fgz5"
        ]
    );
    let a = fs
        .iter()
        .find(|f| f.subject == "pod/crash-loop-app-67586446fc-2w49s")
        .unwrap();
    assert_eq!(
        a.title,
        "Container failing-app is crash-looping: exit code 1 (Error), restarted 22 times"
    );
    has_state(a, "failing-app", "finished 110s ago after running 5s");
    has_fact(a, "exit code 1: a general error");
    assert_eq!(
        log_lines(a),
        [
            (1, "Starting application..."),
            (2, "ERROR: Database connection failed!")
        ]
    );
    let evs = event_proofs(a);
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0].0, "BackOff");
    assert_eq!(evs[0].1, 312);
    assert_eq!(evs[0].2, Some(222));
    assert!(
        evs[0]
            .3
            .starts_with("Back-off restarting failed container failing-app")
    );
    assert_eq!(
        a.act,
        logs_act(
            "test-crash",
            "crash-loop-app-67586446fc-2w49s",
            "failing-app",
            true
        )
    );

    let b = fs
        .iter()
        .find(|f| f.subject == "pod/crash-loop-app-67586446fc-6fgz5")
        .unwrap();
    assert_eq!(event_proofs(b)[0].1, 318);
    assert_eq!(event_proofs(b)[0].2, Some(227));
    assert!(log_lines(b).is_empty());
    has_fact(
        b,
        "the previous log of failing-app was not read: pods \"crash-loop-app-67586446fc-6fgz5\" is forbidden",
    );
}

#[test]
fn an_empty_previous_log_is_said_to_be_empty() {
    let mut ev = crash_bundle(true);
    ev.logs[0].lines.clear();
    let fs = status::check(&ns_subject("test-crash"), &ev, at("2025-08-10T02:10:00Z"));
    let a = fs
        .iter()
        .find(|f| f.subject == "pod/crash-loop-app-67586446fc-2w49s")
        .unwrap();
    has_fact(
        a,
        "the previous instance of failing-app wrote nothing to its log",
    );
}

#[test]
fn a_log_read_with_a_tail_keeps_its_line_numbers() {
    let mut ev = crash_bundle(true);
    ev.logs[0].lines = (1..=30).map(|i| format!("line {i}")).collect();
    ev.logs[0].first_line = 71;
    let fs = status::check(&ns_subject("test-crash"), &ev, at("2025-08-10T02:10:00Z"));
    let a = fs
        .iter()
        .find(|f| f.subject == "pod/crash-loop-app-67586446fc-2w49s")
        .unwrap();
    let lines = log_lines(a);
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[0], (91, "line 21"));
    assert_eq!(lines[9], (100, "line 30"));
}

#[test]
fn online_boutique_pods() {
    // kdash's pod list, seen on 2021-04-30 16:30: three Pending (2 Insufficient cpu), cartservice
    // crash-looping with SIGSEGV (139, 896 restarts), two frontends rejected by the node
    // (OutOfcpu, Preempting). emailservice and recommendationservice restarted days ago and
    // run now; the init-container pods are progressing or done.
    let ev = with_pods(
        objects("pods-list-kdash-crashloop-unschedulable-outofcpu.yaml"),
        vec![],
    );
    let fs = status::check(&ns_subject("default"), &ev, at("2021-04-30T16:30:00Z"));
    assert_eq!(
        ids(&fs),
        [
            "status.crash-loop pod/cartservice-67b89ffc69-s5qp8",
            "status.pending pod/adservice-f787c8dcd-tb6x2",
            "status.pending pod/currencyservice-68887d98fd-gc9cn",
            "status.pending pod/loadgenerator-86f46dcb88-62vzw",
            "status.pod-failed pod/frontend-5c4745dfdb-6k8wf",
            "status.pod-failed pod/frontend-5c4745dfdb-qz7fg",
        ]
    );
    let cart = only(&fs, "status.crash-loop");
    assert_eq!(
        cart.title,
        "Container server is crash-looping: exit code 139 (Error), restarted 896 times"
    );
    has_fact(cart, "exit code 139: SIGSEGV");
    has_fix_containing(cart, "The program crashed (SIGSEGV)");

    let ad = fs
        .iter()
        .find(|f| f.subject == "pod/adservice-f787c8dcd-tb6x2")
        .unwrap();
    assert_eq!(ad.severity, Severity::Error);
    assert_eq!(
        ad.title,
        "Pod cannot be scheduled: 0/2 nodes are available: 2 Insufficient cpu"
    );
    has_fact(
        ad,
        "condition PodScheduled=False (Unschedulable): 0/2 nodes are available: 2 Insufficient cpu.",
    );
    has_fact(ad, "the pod requests cpu: server 200m");
    has_fix(
        ad,
        "Lower resources.requests.cpu of the pod's containers, or add nodes with more cpu free",
    );
    assert_eq!(ad.act, events_act("default", "adservice-f787c8dcd-tb6x2"));
    let lg = fs
        .iter()
        .find(|f| f.subject == "pod/loadgenerator-86f46dcb88-62vzw")
        .unwrap();
    has_fact(lg, "the pod requests cpu: main 300m");

    let out = fs
        .iter()
        .find(|f| f.subject == "pod/frontend-5c4745dfdb-6k8wf")
        .unwrap();
    assert_eq!(out.severity, Severity::Warning);
    assert_eq!(out.title, "Pod failed: OutOfcpu");
    has_fact(
        out,
        "status.message: Pod Node didn't have enough resource: cpu, requested: 100, used: 931, capacity: 940",
    );
    has_fix(
        out,
        "kubectl describe node gke-hello-hipster-default-pool-9e6f6ffb-q16l",
    );
    let pre = fs
        .iter()
        .find(|f| f.subject == "pod/frontend-5c4745dfdb-qz7fg")
        .unwrap();
    assert_eq!(pre.title, "Pod failed: Preempting");
    has_fact(pre, "Preempted in order to admit critical pod");
}

#[test]
fn a_recent_restart_of_a_running_container_is_worth_a_note() {
    // emailservice restarted 3 times, last exit 1 at 10:14:47 on 04-27; seen 30 minutes later.
    let p = pod(
        "pods-list-kdash-crashloop-unschedulable-outofcpu.yaml",
        "emailservice-5f8fc7dbb4-5lqdb",
    );
    let ev = with_pods(vec![p.clone()], vec![]);
    let fs = status::check(&ns_subject("default"), &ev, at("2021-04-27T10:44:47Z"));
    let f = only(&fs, "status.restarted");
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(
        f.title,
        "Container server restarted recently: exit code 1 (Error)"
    );
    assert_eq!(
        f.act,
        logs_act("default", "emailservice-5f8fc7dbb4-5lqdb", "server", true)
    );
    // Two hours later it is old news.
    let ev = with_pods(vec![p], vec![]);
    assert_eq!(
        status::check(&ns_subject("default"), &ev, at("2021-04-27T12:14:48Z")),
        []
    );
}

#[test]
fn oom_killed_job_pod_suggests_a_limit_for_the_job() {
    // memory-eater: terminated OOMKilled (137), requests = limits = 100Mi; a Job's pod.
    let p = pod("pod-oomkilled-job-podlist.json", "oom-kill-job3-gbb89");
    let ev = with_pods(vec![p], vec![]);
    let ns = "message-oomkill-pod";
    let fs = status::check(
        &pod_subject(ns, "oom-kill-job3-gbb89"),
        &ev,
        at("2023-07-11T04:50:00Z"),
    );
    assert_eq!(ids(&fs), ["status.oom-killed pod/oom-kill-job3-gbb89"]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.title,
        "Container memory-eater was OOMKilled: it used more than its 100Mi memory limit"
    );
    has_state(f, "memory-eater", "terminated: exit code 137 (OOMKilled)");
    has_fact(f, "memory of memory-eater: request 100Mi, limit 100Mi");
    has_fix(
        f,
        "A Job's pod template cannot change: recreate job/oom-kill-job3 with resources.limits.memory 200Mi for memory-eater",
    );
    has_fix(
        f,
        "Watch its real usage: kubectl top pod oom-kill-job3-gbb89 -n message-oomkill-pod --containers",
    );
    assert_eq!(
        f.act,
        logs_act(ns, "oom-kill-job3-gbb89", "memory-eater", false)
    );
}

fn argo_pod(file: &str, name: &str) -> Pod {
    let mut v = values(file).remove(0);
    v["metadata"] = json!({"name": name, "namespace": "argo",
        "labels": {"workflows.argoproj.io/workflow": "oom-wf"}});
    serde_json::from_value(v).unwrap()
}

#[test]
fn argo_main_oom_points_at_the_template() {
    // Partial pod from Argo's tests (metadata added): main OOMKilled 137, wait Completed.
    let p = argo_pod(
        "pod-argo-wf-main-oomkilled-wait-completed-partial.yaml",
        "oom-wf-main-1",
    );
    let fs = status::check(
        &ns_subject("argo"),
        &with_pods(vec![p], vec![]),
        at("2021-01-22T10:30:00Z"),
    );
    assert_eq!(ids(&fs), ["status.oom-killed pod/oom-wf-main-1"]);
    let f = &fs[0];
    assert_eq!(
        f.title,
        "Container main was OOMKilled (no memory limit set)"
    );
    has_fact(f, "memory of main: request none, limit none");
    has_fix_containing(
        f,
        "Raise resources.limits.memory of the template's container",
    );
}

#[test]
fn argo_wait_oom_is_the_executor_not_the_step() {
    let p = argo_pod("pod-argo-wf-wait-oomkilled-partial.yaml", "oom-wf-wait-1");
    let fs = status::check(
        &ns_subject("argo"),
        &with_pods(vec![p], vec![]),
        at("2021-01-22T10:00:00Z"),
    );
    assert_eq!(ids(&fs), ["status.oom-killed pod/oom-wf-wait-1"]);
    let f = &fs[0];
    assert!(f.title.starts_with("Container wait was OOMKilled"));
    assert!(f.meaning.contains("Argo's `wait` sidecar"), "{}", f.meaning);
    has_fix_containing(
        f,
        "workflow-controller-configmap set executor.resources.limits.memory",
    );
}

#[test]
fn memory_limits_double_in_a_readable_unit() {
    assert_eq!(status::double_memory("512Mi").as_deref(), Some("1Gi"));
    assert_eq!(status::double_memory("100Mi").as_deref(), Some("200Mi"));
    assert_eq!(status::double_memory("2Gi").as_deref(), Some("4Gi"));
    assert_eq!(status::double_memory("lots"), None);
}

// ---------------------------------------------------------------------------------------------
// Init containers
// ---------------------------------------------------------------------------------------------

#[test]
fn init_container_that_cannot_run() {
    // init-demo2: init `install` waiting RunContainerError (last ContainerCannotRun, 127);
    // nginx waits in PodInitializing. Moved to the events' namespace for its BackOff x1464.
    let p = set_name(
        pod(
            "pod-init-container-runcontainererror-podlist.json",
            "init-demo2",
        ),
        "message-container-creating-failed-mount",
        "init-demo2",
    );
    let ev = with_pods(
        vec![p],
        events("events-list-pull-backoff-failedscheduling-failedmount.json"),
    );
    let ns = "message-container-creating-failed-mount";
    let fs = status::check(
        &pod_subject(ns, "init-demo2"),
        &ev,
        at("2023-07-10T05:20:00Z"),
    );
    assert_eq!(ids(&fs), ["status.init-crash pod/init-demo2"]);
    let f = &fs[0];
    assert_eq!(
        f.title,
        "Init container install RunContainerError, last exit code 127"
    );
    has_state(f, "install", "waiting: RunContainerError");
    has_state(
        f,
        "install",
        "last terminated: exit code 127 (ContainerCannotRun)",
    );
    has_fact(f, "exit code 127: command not found");
    let evs = event_proofs(f);
    assert_eq!(evs.len(), 1);
    assert_eq!((evs[0].0, evs[0].1, evs[0].2), ("BackOff", 1464, Some(253)));
    has_fix(
        f,
        "kubectl logs init-demo2 -n message-container-creating-failed-mount -c install --previous",
    );
    assert_eq!(f.act, logs_act(ns, "init-demo2", "install", true));
}

#[test]
fn init_containers_in_progress_or_done_are_fine() {
    let ev = with_pods(
        vec![
            pod(
                "pods-list-kdash-crashloop-unschedulable-outofcpu.yaml",
                "pod-init-container",
            ),
            pod(
                "pods-list-kdash-crashloop-unschedulable-outofcpu.yaml",
                "pod-init-container-2",
            ),
        ],
        vec![],
    );
    assert_eq!(
        status::check(&ns_subject("default"), &ev, at("2021-06-18T09:00:00Z")),
        []
    );
}

// ---------------------------------------------------------------------------------------------
// Scheduling
// ---------------------------------------------------------------------------------------------

fn ga_edge(node_selector: Value) -> Pod {
    // The pod the kdash events are about (only its events were captured): a StatefulSet pod
    // with a node selector and a PVC.
    serde_json::from_value(json!({
        "metadata": {"name": "ga-edge-0", "namespace": "gagent", "creationTimestamp": "2026-02-11T06:46:30Z"},
        "spec": {"nodeSelector": node_selector,
                 "containers": [{"name": "edge", "image": "ga/edge:1"}],
                 "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "ga-edge-data-8a821b67-ga-edge-0"}}]},
        "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                   "message": "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."}]}
    }))
    .unwrap()
}

#[test]
fn node_selector_mismatch_with_a_series_event() {
    let node: Node = serde_json::from_value(json!({
        "metadata": {"name": "sidekick", "labels": {"kubernetes.io/hostname": "sidekick"}}
    }))
    .unwrap();
    let ev = Evidence {
        nodes: Some(vec![node]),
        ..with_pods(
            vec![ga_edge(json!({"kubernetes.io/hostname": "edge-1"}))],
            events("events-list-kdash-failedscheduling.yaml"),
        )
    };
    let fs = status::check(
        &pod_subject("gagent", "ga-edge-0"),
        &ev,
        at("2026-02-23T04:46:50Z"),
    );
    assert_eq!(ids(&fs), ["status.pending pod/ga-edge-0"]);
    let f = &fs[0];
    assert_eq!(
        f.title,
        "Pod cannot be scheduled: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector"
    );
    // events.k8s.io series: count 3432, last observed 04:41:50.537584.
    let evs = event_proofs(f);
    assert_eq!(evs.len(), 1);
    assert_eq!(
        (evs[0].0, evs[0].1, evs[0].2),
        ("FailedScheduling", 3432, Some(299))
    );
    has_fact(f, "Pending and not scheduled for 11d");
    has_fact(f, "nodeSelector: kubernetes.io/hostname=edge-1");
    has_fact(f, "0 of 1 nodes have these labels");
    has_fact(
        f,
        "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    );
    has_fix(f, "kubectl get nodes -l kubernetes.io/hostname=edge-1");
    has_fix(
        f,
        "Compare with the nodes' labels: kubectl get nodes --show-labels",
    );
    assert_eq!(f.act, events_act("gagent", "ga-edge-0"));
}

#[test]
fn insufficient_gpu_names_the_request_and_the_missing_device_plugin() {
    // troubleshoot's events: FailedScheduling "1 Insufficient nvidia.com/gpu" for
    // pending-pod-resources-5fddcf7688-59zjj (then "skip schedule deleting pod", ignored).
    let p: Pod = serde_json::from_value(json!({
        "metadata": {"name": "pending-pod-resources-5fddcf7688-59zjj", "namespace": "message-container-creating-failed-mount"},
        "spec": {"containers": [{"name": "cuda", "image": "nvidia/cuda:12.2.0-base-ubuntu22.04",
                 "resources": {"limits": {"nvidia.com/gpu": "1"}}}]},
        "status": {"phase": "Pending"}
    }))
    .unwrap();
    let node: Node = serde_json::from_value(json!({
        "metadata": {"name": "minikube"},
        "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}
    }))
    .unwrap();
    let ev = Evidence {
        nodes: Some(vec![node]),
        ..with_pods(
            vec![p],
            events("events-list-pull-backoff-failedscheduling-failedmount.json"),
        )
    };
    let fs = status::check(
        &ns_subject("message-container-creating-failed-mount"),
        &ev,
        at("2023-07-10T05:25:00Z"),
    );
    let f = only(&fs, "status.pending");
    assert_eq!(fs.len(), 1);
    assert_eq!(
        f.title,
        "Pod cannot be scheduled: 0/1 nodes are available: 1 Insufficient nvidia.com/gpu"
    );
    // The latest real FailedScheduling (05:23:35.347536), not the deletion notice after it.
    let evs = event_proofs(f);
    assert_eq!(evs[0].2, Some(84));
    assert!(evs[0].3.contains("Insufficient nvidia.com/gpu"));
    has_fact(f, "the pod requests nvidia.com/gpu: cuda 1 (its limit)");
    has_fact(f, "no node advertises nvidia.com/gpu");
    has_fix_containing(f, "check the device plugin that advertises it");
}

#[test]
fn pending_with_no_events_and_no_condition() {
    let p: Pod = serde_json::from_value(json!({
        "metadata": {"name": "lonely", "namespace": "ml", "creationTimestamp": "2025-01-01T00:00:00Z"},
        "spec": {"schedulerName": "volcano", "containers": [{"name": "c", "image": "busybox"}]},
        "status": {"phase": "Pending"}
    }))
    .unwrap();
    let fs = status::check(
        &ns_subject("ml"),
        &with_pods(vec![p.clone()], vec![]),
        at("2025-01-01T00:10:00Z"),
    );
    let f = only(&fs, "status.pending");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.title,
        "Pod is Pending and not scheduled, and nothing says why"
    );
    has_fact(f, "spec.schedulerName: volcano");
    has_fix_containing(f, "The pod asks for scheduler volcano");
    // A few seconds old: just new.
    assert_eq!(
        status::check(
            &ns_subject("ml"),
            &with_pods(vec![p.clone()], vec![]),
            at("2025-01-01T00:00:20Z")
        ),
        []
    );
    // No events read: the pending finding says a FailedScheduling event may exist.
    let ev = Evidence {
        pods: vec![p],
        ..Default::default()
    };
    let fs = status::check(&ns_subject("ml"), &ev, at("2025-01-01T00:10:00Z"));
    assert_eq!(
        ids(&fs),
        [
            "events.unreadable namespace/ml",
            "status.pending pod/lonely"
        ]
    );
    has_fact(
        only(&fs, "status.pending"),
        "events were not read, so a FailedScheduling event may exist",
    );
}

#[test]
fn unbound_pvc_and_untolerated_taint() {
    let p: Pod = serde_json::from_value(json!({
        "metadata": {"name": "train-0", "namespace": "ml"},
        "spec": {"containers": [{"name": "t", "image": "x"}],
                 "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "train-data"}}]},
        "status": {"phase": "Pending"}
    }))
    .unwrap();
    let e: Event = serde_json::from_value(json!({
        "metadata": {"name": "train-0.1", "namespace": "ml"},
        "involvedObject": {"kind": "Pod", "namespace": "ml", "name": "train-0"},
        "type": "Warning", "reason": "FailedScheduling",
        "eventTime": "2025-01-01T00:09:00.000000Z",
        "message": "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    }))
    .unwrap();
    let pvc: PersistentVolumeClaim = serde_json::from_value(json!({
        "metadata": {"name": "train-data", "namespace": "ml"},
        "spec": {"storageClassName": "nfs-shared"},
        "status": {"phase": "Pending"}
    }))
    .unwrap();
    let ev = Evidence {
        pvcs: Some(vec![pvc]),
        ..with_pods(vec![p], vec![e])
    };
    let fs = status::check(&ns_subject("ml"), &ev, at("2025-01-01T00:10:00Z"));
    let f = only(&fs, "status.pending");
    assert_eq!(fs.len(), 1, "{fs:#?}");
    has_fact(
        f,
        "nodes carry taint node-role.kubernetes.io/control-plane; the pod tolerates no taints",
    );
    has_fact(f, "PVC train-data is Pending (storageClass nfs-shared)");
    has_fix_containing(
        f,
        "tolerations: [{key: \"node-role.kubernetes.io/control-plane\"",
    );
    has_fix(f, "kubectl describe pvc train-data -n ml");
}

#[test]
fn failed_scheduling_messages_parse_into_reasons() {
    let u = Unschedulable::parse(
        "0/5 nodes are available: 1 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate, 2 Insufficient memory, 2 node(s) were unschedulable.",
    );
    assert_eq!(u.preemption, None);
    let kinds: Vec<(Option<u32>, ReasonKind)> =
        u.items.iter().map(|r| (r.count, r.kind.clone())).collect();
    assert_eq!(
        kinds,
        [
            (
                Some(1),
                ReasonKind::Taint("node.kubernetes.io/not-ready".into(), String::new())
            ),
            (Some(2), ReasonKind::Insufficient("memory".into())),
            (Some(2), ReasonKind::Cordoned),
        ]
    );
    assert_eq!(
        u.items[0].text,
        "node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate"
    );
    let u = Unschedulable::parse("persistentvolumeclaim \"data\" not found");
    assert_eq!(u.items.len(), 1);
    assert_eq!(u.items[0].kind, ReasonKind::Volume);
}

#[test]
fn a_scheduled_pod_is_not_pending_for_scheduling() {
    // ContainerCreating with a node: the mount check speaks, not the scheduler check.
    let p = pod(
        "pod-containercreating-failedmount-podlist.json",
        "troubleshoot-copyfromhost-4m79m-psdjm",
    );
    let fs = status::check(
        &ns_subject("message-container-creating-failed-mount"),
        &with_pods(vec![p], vec![]),
        at("2023-07-10T05:45:00Z"),
    );
    assert_eq!(fs, []);
}

// ---------------------------------------------------------------------------------------------
// Mounts and config
// ---------------------------------------------------------------------------------------------

#[test]
fn hostpath_that_is_not_a_directory() {
    // troubleshoot: FailedMount x178 "hostPath type check failed: /var/lib/collectd is not a
    // directory" (05:39:03) and x109 "Unable to attach or mount volumes: unmounted
    // volumes=[host] ... timed out" (05:43:47).
    let p = pod(
        "pod-containercreating-failedmount-podlist.json",
        "troubleshoot-copyfromhost-4m79m-psdjm",
    );
    let ns = "message-container-creating-failed-mount";
    let ev = with_pods(
        vec![p],
        events("events-list-pull-backoff-failedscheduling-failedmount.json"),
    );
    let fs = status::check(
        &pod_subject(ns, "troubleshoot-copyfromhost-4m79m-psdjm"),
        &ev,
        at("2023-07-10T05:45:00Z"),
    );
    assert_eq!(
        ids(&fs),
        ["status.failed-mount pod/troubleshoot-copyfromhost-4m79m-psdjm"]
    );
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.title,
        "Volume host cannot be mounted: hostPath /var/lib/collectd is not a directory on minikube"
    );
    let evs: Vec<(&str, i32, Option<i64>)> =
        event_proofs(f).iter().map(|e| (e.0, e.1, e.2)).collect();
    assert_eq!(
        evs,
        [
            ("FailedMount", 178, Some(357)),
            ("FailedMount", 109, Some(73))
        ]
    );
    has_fix(
        f,
        "Create /var/lib/collectd on minikube as a directory, or set hostPath.type to DirectoryOrCreate (or \"\" to skip the check)",
    );
    assert_eq!(
        f.act,
        events_act(ns, "troubleshoot-copyfromhost-4m79m-psdjm")
    );
}

fn iris_api(configmap_optional: bool) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": "iris-api-5d4f6c7b8-k9j2h", "namespace": "mlops"},
        "spec": {"nodeName": "k3d-node",
                 "containers": [{"name": "api", "image": "python:3.9-slim"}],
                 "volumes": [{"name": "src", "configMap": {"name": "iris-src", "optional": configmap_optional,
                              "items": [{"key": "serve.py", "path": "serve.py"}]}}]},
        "status": {"phase": "Pending", "containerStatuses": [{"name": "api", "image": "python:3.9-slim", "imageID": "",
                   "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}]}
    }))
    .unwrap()
}

#[test]
fn missing_configmap_found_from_the_spec_when_the_event_is_gone() {
    // Runbook 000: configmap "iris-src" exists in argowf but not where the pod runs.
    let ev = Evidence {
        config_maps: names(&[("mlops", "kube-root-ca.crt"), ("argowf", "iris-src")]),
        ..with_pods(vec![iris_api(false)], vec![])
    };
    let fs = status::check(&ns_subject("mlops"), &ev, at("2025-06-11T10:00:00Z"));
    assert_eq!(
        ids(&fs),
        ["status.failed-mount pod/iris-api-5d4f6c7b8-k9j2h"]
    );
    let f = &fs[0];
    assert_eq!(
        f.title,
        "Volume src cannot be mounted: configmap iris-src not found"
    );
    has_fact(
        f,
        "volume src refers to configmap iris-src, which does not exist in mlops",
    );
    has_fact(f, "a configmap named iris-src exists in namespace argowf");
    has_fix_containing(f, "kubectl get configmap iris-src -n argowf -o json");
    has_fix(
        f,
        "kubectl create configmap iris-src -n mlops --from-file=serve.py=PATH",
    );
    // Optional: the pod may run without it.
    let ev = Evidence {
        config_maps: names(&[("argowf", "iris-src")]),
        ..with_pods(vec![iris_api(true)], vec![])
    };
    assert_eq!(
        status::check(&ns_subject("mlops"), &ev, at("2025-06-11T10:00:00Z")),
        []
    );
    // ConfigMaps not read and no event: nothing to say.
    let ev = with_pods(vec![iris_api(false)], vec![]);
    assert_eq!(
        status::check(&ns_subject("mlops"), &ev, at("2025-06-11T10:00:00Z")),
        []
    );
}

fn config_error_pod(message: &str) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": "mlflow-7d9c", "namespace": "mlflow"},
        "spec": {"nodeName": "n1", "containers": [{"name": "mlflow", "image": "ghcr.io/mlflow/mlflow:v2.17.2",
            "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "mlflow-db", "key": "password"}}},
                    {"name": "S3_KEY", "valueFrom": {"secretKeyRef": {"name": "mlflow-s3", "key": "key", "optional": true}}}]}]},
        "status": {"phase": "Pending", "containerStatuses": [{"name": "mlflow", "image": "ghcr.io/mlflow/mlflow:v2.17.2", "imageID": "",
            "ready": false, "restartCount": 0,
            "state": {"waiting": {"reason": "CreateContainerConfigError", "message": message}}}]}
    }))
    .unwrap()
}

#[test]
fn create_container_config_error_missing_secret() {
    let ev = Evidence {
        secrets: names(&[("mlflow", "other")]),
        ..with_pods(
            vec![config_error_pod("secret \"mlflow-db\" not found")],
            vec![],
        )
    };
    let fs = status::check(&ns_subject("mlflow"), &ev, at("2025-01-01T00:00:00Z"));
    assert_eq!(ids(&fs), ["status.config-error pod/mlflow-7d9c"]);
    let f = &fs[0];
    assert_eq!(
        f.title,
        "Container mlflow cannot be configured: secret mlflow-db not found"
    );
    has_fact(
        f,
        "mlflow refers to secret mlflow-db, which does not exist in mlflow",
    );
    assert!(
        !facts(f).iter().any(|t| t.contains("mlflow-s3")),
        "an optional secret is not a problem"
    );
    has_fix(
        f,
        "kubectl create secret generic mlflow-db -n mlflow --from-literal=password=VALUE",
    );
    assert_eq!(f.act, events_act("mlflow", "mlflow-7d9c"));
}

#[test]
fn create_container_config_error_missing_key() {
    let ev = with_pods(
        vec![config_error_pod(
            "couldn't find key password in Secret mlflow/mlflow-db",
        )],
        vec![],
    );
    let fs = status::check(&ns_subject("mlflow"), &ev, at("2025-01-01T00:00:00Z"));
    let f = only(&fs, "status.config-error");
    assert_eq!(
        f.title,
        "Container mlflow cannot be configured: Secret mlflow-db has no key password"
    );
    has_fix(
        f,
        "kubectl patch secret mlflow-db -n mlflow --type merge -p '{\"stringData\":{\"password\":\"VALUE\"}}'",
    );
}

// ---------------------------------------------------------------------------------------------
// Probes
// ---------------------------------------------------------------------------------------------

#[test]
fn failing_liveness_probe_with_empty_output() {
    // troubleshoot: failing-liveness-pod, Unhealthy "Liveness probe failed: " x60 (05:21:34)
    // and x9 (05:26:15) on my-container. The pod object was not captured; a minimal one with
    // an exec probe stands in.
    let p: Pod = serde_json::from_value(json!({
        "metadata": {"name": "failing-liveness-pod", "namespace": "message-container-creating-failed-mount"},
        "spec": {"nodeName": "minikube", "containers": [{"name": "my-container", "image": "busybox",
            "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5, "periodSeconds": 5}}]},
        "status": {"phase": "Running", "containerStatuses": [{"name": "my-container", "image": "busybox", "imageID": "",
            "ready": true, "restartCount": 3, "state": {"running": {"startedAt": "2023-07-10T05:25:58Z"}}}]}
    }))
    .unwrap();
    let ev = with_pods(
        vec![p],
        events("events-list-pull-backoff-failedscheduling-failedmount.json"),
    );
    let fs = status::check(
        &ns_subject("message-container-creating-failed-mount"),
        &ev,
        at("2023-07-10T05:27:00Z"),
    );
    assert_eq!(ids(&fs), ["status.probe-failing pod/failing-liveness-pod"]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.title,
        "Liveness probe of container my-container fails (69×): no output"
    );
    assert_eq!(event_proofs(f)[0].1, 9);
    has_fact(
        f,
        "livenessProbe of my-container: exec cat /tmp/healthy, initialDelay 5s, period 5s, timeout 1s, failureThreshold 3",
    );
    has_fix_containing(f, "add a startupProbe");
    assert_eq!(
        f.act,
        logs_act(
            "message-container-creating-failed-mount",
            "failing-liveness-pod",
            "my-container",
            false
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Argo
// ---------------------------------------------------------------------------------------------

fn wf_subject(ns: &str, name: &str) -> Subject {
    Subject::new(SubjectKind::Workflow, ns, name)
}

fn object_evidence(file: &str) -> Evidence {
    Evidence {
        object: Some(values(file).remove(0)),
        events: Some(vec![]),
        ..Default::default()
    }
}

#[test]
fn argo_dag_with_a_step_out_of_retries() {
    // C failed twice (exit code 2), its Retry node "No more retries left"; failFast false so B,
    // D, E succeeded. v2 pod name of C(1): <wf>-c-<fnv32a(name)> = the node id's hash.
    let ev = object_evidence("argo-wf-dag-failed-failfast-disabled-retries.yaml");
    let fs = workloads::check(
        &wf_subject("default", "dag-disable-fail-fast-r6xdc"),
        &ev,
        at("2019-06-26T10:00:00Z"),
    );
    assert_eq!(
        ids(&fs),
        ["argo.step-failed workflow/dag-disable-fail-fast-r6xdc"]
    );
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.namespace, "default");
    assert_eq!(
        f.title,
        "Step C of workflow dag-disable-fail-fast-r6xdc failed: failed with exit code 2"
    );
    has_fact(
        f,
        "node dag-disable-fail-fast-r6xdc.C(1) (template c, pod dag-disable-fail-fast-r6xdc-c-3457680277): Failed: failed with exit code 2",
    );
    has_fact(f, "exit code 2: a usage error");
    has_fact(
        f,
        "retry node dag-disable-fail-fast-r6xdc.C: Failed (No more retries left); 2 of 2 attempts failed",
    );
    has_fact(f, "workflow dag-disable-fail-fast-r6xdc: Failed");
    has_fix(
        f,
        "argo logs dag-disable-fail-fast-r6xdc dag-disable-fail-fast-r6xdc-c-3457680277 -n default -c main",
    );
    has_fix(
        f,
        "kubectl logs dag-disable-fail-fast-r6xdc-c-3457680277 -n default -c main",
    );
    has_fix(
        f,
        "After fixing it: argo retry dag-disable-fail-fast-r6xdc -n default",
    );
    assert_eq!(
        f.act,
        logs_act(
            "default",
            "dag-disable-fail-fast-r6xdc-c-3457680277",
            "main",
            false
        )
    );
}

#[test]
fn argo_real_pod_names_and_logs_win() {
    // The 2019 controller named pods by node id (v1); a pod carrying the node-id annotation
    // is the one to read, and its main log is quoted.
    let mut ev = object_evidence("argo-wf-dag-failed-failfast-disabled-retries.yaml");
    ev.all_pods = Some(vec![
        serde_json::from_value(json!({
            "metadata": {"name": "dag-disable-fail-fast-r6xdc-3457680277", "namespace": "default",
                         "labels": {"workflows.argoproj.io/workflow": "dag-disable-fail-fast-r6xdc"},
                         "annotations": {"workflows.argoproj.io/node-id": "dag-disable-fail-fast-r6xdc-3457680277"}},
            "spec": {"containers": [{"name": "wait", "image": "argoexec"}, {"name": "main", "image": "alpine:3.23"}]},
            "status": {"phase": "Failed", "containerStatuses": [
                {"name": "main", "image": "alpine:3.23", "imageID": "", "ready": false, "restartCount": 0,
                 "state": {"terminated": {"exitCode": 2, "reason": "Error"}}}]}
        }))
        .unwrap(),
    ]);
    ev.logs.push(ContainerLog {
        namespace: "default".into(),
        pod: "dag-disable-fail-fast-r6xdc-3457680277".into(),
        container: "main".into(),
        previous: false,
        lines: vec!["intentional failure".into()],
        first_line: 1,
    });
    let fs = workloads::check(
        &wf_subject("default", "dag-disable-fail-fast-r6xdc"),
        &ev,
        at("2019-06-26T10:00:00Z"),
    );
    let f = only(&fs, "argo.step-failed");
    has_fix(
        f,
        "kubectl logs dag-disable-fail-fast-r6xdc-3457680277 -n default -c main",
    );
    has_state(f, "main", "terminated, exit code 2, Error");
    assert_eq!(log_lines(f), [(1, "intentional failure")]);
}

#[test]
fn argo_steps_one_retry_exhausted_one_still_retrying() {
    // fail: both attempts failed, Retry node Failed; delayed-fail: both failed but its Retry
    // node is still Running; the workflow is Running (so no `argo retry` yet).
    let ev = object_evidence("argo-wf-steps-failed-retries-running.yaml");
    let fs = workloads::check(
        &wf_subject("default", "failed-retries-tjjsc"),
        &ev,
        at("2019-01-03T01:30:00Z"),
    );
    assert_eq!(fs.len(), 2, "{fs:#?}");
    assert!(fs.iter().all(|f| f.id == "argo.step-failed"));
    let fail = fs
        .iter()
        .find(|f| f.title.starts_with("Step fail "))
        .unwrap();
    assert_eq!(fail.severity, Severity::Error);
    assert_eq!(
        fail.title,
        "Step fail of workflow failed-retries-tjjsc failed: failed with exit code 1"
    );
    has_fix(
        fail,
        "argo logs failed-retries-tjjsc failed-retries-tjjsc-fail-759866442 -n default -c main",
    );
    assert!(!fail.fix.iter().any(|l| l.contains("argo retry")));
    let delayed = fs
        .iter()
        .find(|f| f.title.starts_with("Step delayed-fail "))
        .unwrap();
    assert_eq!(delayed.severity, Severity::Warning);
    has_fact(
        delayed,
        "retry node failed-retries-tjjsc[0].delayed-fail: Running; 2 of 2 attempts failed",
    );
    has_fix(
        delayed,
        "kubectl logs failed-retries-tjjsc-delayed-fail-2113289837 -n default -c main",
    );
}

#[test]
fn argo_succeeded_workflows_give_nothing() {
    for (file, name) in [
        ("argo-wf-dag-retry-succeeded.yaml", "dag-with-retries-4wkh8"),
        (
            "argo-wf-dag-diamond-podname-v2-succeeded.yaml",
            "dag-diamond-retry-8sgqn",
        ),
        (
            "argo-wf-steps-podname-v2-succeeded.yaml",
            "steps-retry-hbb5q",
        ),
    ] {
        let ev = object_evidence(file);
        let fs = workloads::check(
            &wf_subject("default", name),
            &ev,
            at("2030-01-01T00:00:00Z"),
        );
        assert_eq!(fs, [], "{file}");
    }
}

#[test]
fn argo_omitted_steps_after_a_failure_and_a_failure_without_pods() {
    let wf = json!({
        "kind": "Workflow",
        "metadata": {"name": "iris-demo", "namespace": "argowf",
                     "annotations": {"workflows.argoproj.io/pod-name-format": "v2"}},
        "status": {"phase": "Failed", "message": "child 'iris-demo-1' failed", "nodes": {
            "iris-demo": {"id": "iris-demo", "name": "iris-demo", "displayName": "iris-demo", "type": "DAG",
                          "phase": "Failed", "children": ["iris-demo-1", "iris-demo-2"]},
            "iris-demo-1": {"id": "iris-demo-1", "name": "iris-demo.build-image", "displayName": "build-image",
                            "type": "Pod", "templateName": "kaniko", "phase": "Failed",
                            "message": "Error (exit code 1)", "outputs": {"exitCode": "1"},
                            "startedAt": "2025-06-11T09:00:00Z"},
            "iris-demo-2": {"id": "iris-demo-2", "name": "iris-demo.deploy", "displayName": "deploy",
                            "type": "Skipped", "templateName": "deploy", "phase": "Omitted",
                            "message": "omitted: depends condition not met", "startedAt": "2025-06-11T09:01:00Z"}
        }}
    });
    let ev = Evidence {
        object: Some(wf.clone()),
        ..Default::default()
    };
    let fs = workloads::check(
        &wf_subject("argowf", "iris-demo"),
        &ev,
        at("2025-06-11T10:00:00Z"),
    );
    assert_eq!(
        ids(&fs),
        [
            "argo.step-failed workflow/iris-demo",
            "argo.step-skipped workflow/iris-demo"
        ]
    );
    let failed = only(&fs, "argo.step-failed");
    assert_eq!(
        failed.title,
        "Step build-image of workflow iris-demo failed: Error (exit code 1)"
    );
    // v2: <wf>-<template>-<fnv32a("iris-demo.build-image")>, the runbook's own pod name.
    let pod = "iris-demo-kaniko-2925953904";
    has_fix(failed, &format!("kubectl logs {pod} -n argowf -c main"));
    has_fact(
        failed,
        "workflow iris-demo: Failed: child 'iris-demo-1' failed",
    );
    let skipped = only(&fs, "argo.step-skipped");
    assert_eq!(skipped.severity, Severity::Info);
    assert_eq!(
        skipped.title,
        "1 step of workflow iris-demo did not run: deploy"
    );
    has_fact(
        skipped,
        "deploy (Omitted): omitted: depends condition not met",
    );

    // Failed with no nodes at all: the workflow's own message.
    let wf = json!({"kind": "Workflow", "metadata": {"name": "bad", "namespace": "argowf"},
                    "status": {"phase": "Error", "message": "invalid spec: templates.main.container.image is required"}});
    let ev = Evidence {
        object: Some(wf),
        ..Default::default()
    };
    let fs = workloads::check(
        &wf_subject("argowf", "bad"),
        &ev,
        at("2025-06-11T10:00:00Z"),
    );
    assert_eq!(ids(&fs), ["argo.workflow-failed workflow/bad"]);
    assert_eq!(
        fs[0].title,
        "Workflow bad error: invalid spec: templates.main.container.image is required"
    );
    has_fix(&fs[0], "argo get bad -n argowf");
}

// ---------------------------------------------------------------------------------------------
// Tekton
// ---------------------------------------------------------------------------------------------

#[test]
fn tekton_pipelinerun_with_its_failed_taskrun() {
    // jenkins-x: the TaskRun's step-build-build exited 2; no status.podName, the pod name is in
    // the condition message ("for logs run: kubectl -n jx logs <pod> -c step-build-build").
    let pr = values("tekton-pipelinerun-v1-failed-childrefs.yaml").remove(0);
    let tr = values("tekton-taskrun-v1-failed-step-exit2.yaml").remove(0);
    let ev = Evidence {
        object: Some(pr),
        events: Some(vec![]),
        custom: BTreeMap::from([("TaskRun".to_string(), vec![tr])]),
        ..Default::default()
    };
    let s = Subject::new(
        SubjectKind::PipelineRun,
        "jx",
        "jenkins-x-charts-jx-build-templ-wbbx6-7",
    );
    let fs = workloads::check(&s, &ev, at("2020-07-20T19:00:00Z"));
    let tr_name = "jenkins-x-charts-jx-build-templ-wbbx6-7-from-build-pack-zjcjs";
    let pod = "jenkins-x-charts-jx-build-templ-wbbx6-7-from-build-pack-z-dncc5";
    assert_eq!(ids(&fs), [format!("tekton.task-failed taskrun/{tr_name}")]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.namespace, "jx");
    assert_eq!(
        f.title,
        format!("Task {tr_name} failed: step-build-build exited with code 2")
    );
    has_state(f, "step-build-build", "Error, exit code 2");
    has_fact(
        f,
        "condition Succeeded=False (Failed): \"step-build-build\" exited with code 2",
    );
    has_fact(f, "exit code 2: a usage error");
    has_fix(f, &format!("tkn taskrun logs {tr_name} -n jx"));
    has_fix(f, &format!("kubectl logs {pod} -n jx -c step-build-build"));
    has_fix(
        f,
        "tkn pipelinerun describe jenkins-x-charts-jx-build-templ-wbbx6-7 -n jx",
    );
    assert_eq!(f.act, logs_act("jx", pod, "step-build-build", false));
}

#[test]
fn tekton_pipelinerun_without_its_taskruns_names_the_failed_one() {
    let pr = values("tekton-pipelinerun-v1-failed-childrefs.yaml").remove(0);
    let ev = Evidence {
        object: Some(pr),
        ..Default::default()
    };
    let s = Subject::new(
        SubjectKind::PipelineRun,
        "jx",
        "jenkins-x-charts-jx-build-templ-wbbx6-7",
    );
    let fs = workloads::check(&s, &ev, at("2020-07-20T19:00:00Z"));
    assert_eq!(
        ids(&fs),
        ["tekton.run-failed pipelinerun/jenkins-x-charts-jx-build-templ-wbbx6-7"]
    );
    let f = &fs[0];
    assert_eq!(
        f.title,
        "PipelineRun jenkins-x-charts-jx-build-templ-wbbx6-7 failed (Failed): TaskRun jenkins-x-charts-jx-build-templ-wbbx6-7-from-build-pack-zjcjs has failed"
    );
    has_fact(f, "its TaskRuns were not read");
    has_fix(
        f,
        "tkn taskrun logs jenkins-x-charts-jx-build-templ-wbbx6-7-from-build-pack-zjcjs -n jx",
    );
    has_fix(
        f,
        "tkn pipelinerun logs jenkins-x-charts-jx-build-templ-wbbx6-7 -n jx",
    );
}

#[test]
fn tekton_taskrun_alone() {
    let tr = values("tekton-taskrun-v1-failed-step-exit2.yaml").remove(0);
    let ev = Evidence {
        object: Some(tr),
        ..Default::default()
    };
    let name = "jenkins-x-charts-jx-build-templ-wbbx6-7-from-build-pack-zjcjs";
    let fs = workloads::check(
        &Subject::new(SubjectKind::TaskRun, "jx", name),
        &ev,
        at("2020-07-20T19:00:00Z"),
    );
    let f = only(&fs, "tekton.task-failed");
    assert_eq!(fs.len(), 1);
    assert!(!f.fix.iter().any(|l| l.contains("tkn pipelinerun")));
}

#[test]
fn tekton_taskrun_stuck_in_pod_initializing() {
    // Pending since 03:23:19 with status.podName, 16 steps waiting PodInitializing.
    let tr = values("tekton-taskrun-v1-pending-podinitializing-podname.yaml").remove(0);
    let ev = Evidence {
        object: Some(tr),
        ..Default::default()
    };
    let s = Subject::new(
        SubjectKind::TaskRun,
        "jx",
        "release-zm5v8-from-build-pack-9f2m9",
    );
    let fs = workloads::check(&s, &ev, at("2020-10-07T04:23:19Z"));
    assert_eq!(
        ids(&fs),
        ["tekton.task-pending taskrun/release-zm5v8-from-build-pack-9f2m9"]
    );
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.title,
        "TaskRun release-zm5v8-from-build-pack-9f2m9 has been pending for 60m"
    );
    has_fact(
        f,
        "condition Succeeded=Unknown (Pending): pod status \"Ready\":\"False\"",
    );
    has_fact(f, "16 steps waiting: PodInitializing");
    has_fix(
        f,
        "kubectl describe pod release-zm5v8-from-build-pack-9f2m9-pod-xsg5h -n jx",
    );
    assert_eq!(
        f.act,
        Some(Act::Events {
            namespace: "jx".into(),
            object: "pod/release-zm5v8-from-build-pack-9f2m9-pod-xsg5h".into()
        })
    );
    // Two minutes in, it is just starting.
    assert_eq!(workloads::check(&s, &ev, at("2020-10-07T03:25:19Z")), []);
}

#[test]
fn tekton_succeeded_runs_give_nothing() {
    let pr = values("tekton-pipelinerun-v1-succeeded-two-taskruns.yaml").remove(0);
    let tr = values("tekton-taskrun-v1-succeeded-e2e-tests.yaml").remove(0);
    let ev = Evidence {
        object: Some(pr),
        custom: BTreeMap::from([("TaskRun".to_string(), vec![tr.clone()])]),
        ..Default::default()
    };
    let s = Subject::new(
        SubjectKind::PipelineRun,
        "jx",
        "jenkins-x-jx-pr-7463-boot-vault-9mbgb-17",
    );
    assert_eq!(workloads::check(&s, &ev, at("2020-07-21T00:00:00Z")), []);
    let ev = Evidence {
        object: Some(tr),
        ..Default::default()
    };
    let s = Subject::new(
        SubjectKind::TaskRun,
        "jx",
        "jenkins-x-jx-pr-7463-boot-vault-9mbgb-17-e2e-tests-ds74m",
    );
    assert_eq!(workloads::check(&s, &ev, at("2020-07-21T00:00:00Z")), []);
}

#[test]
fn tekton_skipped_by_when_in_a_succeeded_run_is_normal() {
    let mut pr = values("tekton-pipelinerun-v1-succeeded-two-taskruns.yaml").remove(0);
    pr["status"]["skippedTasks"] = json!([{"name": "deploy", "reason": "When Expressions evaluated to false",
        "whenExpressions": [{"input": "main", "operator": "in", "values": ["release"]}]}]);
    let ev = Evidence {
        object: Some(pr.clone()),
        ..Default::default()
    };
    let s = Subject::new(
        SubjectKind::PipelineRun,
        "jx",
        "jenkins-x-jx-pr-7463-boot-vault-9mbgb-17",
    );
    assert_eq!(workloads::check(&s, &ev, at("2020-07-21T00:00:00Z")), []);
    // In a failed run it is said, with its when expression.
    pr["status"]["conditions"][0]["status"] = json!("False");
    pr["status"]["conditions"][0]["reason"] = json!("Failed");
    let ev = Evidence {
        object: Some(pr),
        ..Default::default()
    };
    let fs = workloads::check(&s, &ev, at("2020-07-21T00:00:00Z"));
    let f = only(&fs, "tekton.task-skipped");
    assert_eq!(f.severity, Severity::Info);
    has_fact(f, "when: \"main\" in [release]");
}

// ---------------------------------------------------------------------------------------------
// KServe and Seldon
// ---------------------------------------------------------------------------------------------

fn isvc(ready: &str, message: &str) -> Value {
    json!({
        "apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
        "metadata": {"name": "iris-model", "namespace": "user-example-com", "creationTimestamp": "2025-11-29T18:00:00Z"},
        "spec": {"predictor": {"model": {"modelFormat": {"name": "sklearn"}, "storageUri": "s3://mlpipeline/models/iris"}}},
        "status": {"conditions": [
            {"type": "PredictorReady", "status": ready, "reason": "InternalError", "message": message,
             "lastTransitionTime": "2025-11-29T18:00:03Z"},
            {"type": "Ready", "status": ready, "reason": "InternalError", "message": message,
             "lastTransitionTime": "2025-11-29T18:00:03Z"}]}
    })
}

fn runtime(kind: &str, name: &str, formats: Value, created: &str) -> Value {
    json!({"kind": kind, "metadata": {"name": name, "namespace": "user-example-com", "creationTimestamp": created},
           "spec": {"supportedModelFormats": formats}})
}

#[test]
fn kserve_no_runtime_lists_what_exists() {
    // Runbook 002, issue 1: "no runtime found to support predictor with model type: {sklearn
    // <nil>}" (event InternalError x12); only a tensorflow runtime and an xgboost one without
    // autoSelect exist.
    let msg = "no runtime found to support predictor with model type: {sklearn <nil>}";
    let event: Event = serde_json::from_value(json!({
        "metadata": {"name": "iris-model.1", "namespace": "user-example-com"},
        "involvedObject": {"kind": "InferenceService", "namespace": "user-example-com", "name": "iris-model"},
        "type": "Warning", "reason": "InternalError", "count": 12, "lastTimestamp": "2025-11-29T18:00:13Z",
        "message": msg
    }))
    .unwrap();
    let ev = Evidence {
        object: Some(isvc("False", msg)),
        events: Some(vec![event]),
        custom: BTreeMap::from([
            (
                "ServingRuntime".to_string(),
                vec![runtime(
                    "ServingRuntime",
                    "xgb",
                    json!([{"name": "xgboost", "version": "1"}, {"name": "sklearn", "version": "1"}]),
                    "2025-11-01T00:00:00Z",
                )],
            ),
            (
                "ClusterServingRuntime".to_string(),
                vec![runtime(
                    "ClusterServingRuntime",
                    "kserve-tensorflow-serving",
                    json!([{"name": "tensorflow", "version": "2", "autoSelect": true}]),
                    "2025-11-01T00:00:00Z",
                )],
            ),
        ]),
        ..Default::default()
    };
    let s = Subject::new(
        SubjectKind::InferenceService,
        "user-example-com",
        "iris-model",
    );
    let fs = workloads::check(&s, &ev, at("2025-11-29T18:01:00Z"));
    assert_eq!(ids(&fs), ["kserve.no-runtime inferenceservice/iris-model"]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.title,
        "No serving runtime supports model format sklearn for InferenceService iris-model"
    );
    has_fact(f, "predictor model format: sklearn");
    has_fact(f, "condition Ready=False (InternalError): no runtime found");
    has_fact(f, "ServingRuntime xgb: xgboost v1, sklearn v1");
    has_fact(
        f,
        "ClusterServingRuntime kserve-tensorflow-serving: tensorflow v2 (autoSelect)",
    );
    assert_eq!(event_proofs(f)[0].1, 12);
    has_fix(
        f,
        "kubectl get servingruntimes -n user-example-com; kubectl get clusterservingruntimes",
    );
    has_fix_containing(f, "{name: sklearn, autoSelect: true}");
    has_fix_containing(
        f,
        "ServingRuntime xgb lists sklearn but is not auto-selected: name it in spec.predictor.model.runtime",
    );
}

#[test]
fn kserve_runtime_created_after_the_error() {
    // Runbook 002's fix: iris-fastapi-runtime (sklearn v1, autoSelect) created after the
    // condition turned False; ClusterServingRuntimes not installed.
    let msg = "no runtime found to support predictor with model type: {sklearn <nil>}";
    let ev = Evidence {
        object: Some(isvc("False", msg)),
        custom: BTreeMap::from([(
            "ServingRuntime".to_string(),
            vec![runtime(
                "ServingRuntime",
                "iris-fastapi-runtime",
                json!([{"name": "sklearn", "version": "1", "autoSelect": true}]),
                "2025-11-29T18:20:00Z",
            )],
        )]),
        not_installed: BTreeSet::from(["ClusterServingRuntime".to_string()]),
        ..Default::default()
    };
    let s = Subject::new(
        SubjectKind::InferenceService,
        "user-example-com",
        "iris-model",
    );
    let fs = workloads::check(&s, &ev, at("2025-11-29T18:30:00Z"));
    let f = only(&fs, "kserve.no-runtime");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.title,
        "InferenceService iris-model found no runtime for sklearn; ServingRuntime iris-fastapi-runtime supports it now"
    );
    has_fact(
        f,
        "ServingRuntime iris-fastapi-runtime: sklearn v1 (autoSelect); created after the InferenceService's Ready condition last changed",
    );
    has_fact(f, "ClusterServingRuntime: the CRD is not installed");
    has_fix(
        f,
        "Or pin the runtime: spec.predictor.model.runtime: iris-fastapi-runtime",
    );
}

#[test]
fn kserve_not_ready_and_ready() {
    let mut v = isvc(
        "False",
        "Revision \"iris-model-predictor-00001\" failed with message: .",
    );
    v["status"]["conditions"][0]["reason"] = json!("RevisionFailed");
    let p: Pod = serde_json::from_value(json!({
        "metadata": {"name": "iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r", "namespace": "user-example-com",
                     "labels": {"serving.kserve.io/inferenceservice": "iris-model"}},
        "spec": {"initContainers": [{"name": "storage-initializer", "image": "kserve/storage-initializer:v0.14.0"}],
                 "containers": [{"name": "kserve-container", "image": "x"}]},
        "status": {"phase": "Pending",
                   "initContainerStatuses": [{"name": "storage-initializer", "image": "kserve/storage-initializer:v0.14.0",
                       "imageID": "", "ready": false, "restartCount": 7,
                       "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                       "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}],
                   "containerStatuses": [{"name": "kserve-container", "image": "x", "imageID": "", "ready": false,
                       "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}]}
    }))
    .unwrap();
    let ev = Evidence {
        object: Some(v),
        pods: vec![p],
        ..Default::default()
    };
    let s = Subject::new(
        SubjectKind::InferenceService,
        "user-example-com",
        "iris-model",
    );
    let fs = workloads::check(&s, &ev, at("2025-11-29T18:30:00Z"));
    let f = only(&fs, "kserve.not-ready");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.title,
        "InferenceService iris-model is not ready (False): PredictorReady False (RevisionFailed)"
    );
    has_fact(
        f,
        "pod iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r: Init:CrashLoopBackOff",
    );
    has_fix(
        f,
        "kubectl logs iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r -n user-example-com -c storage-initializer",
    );
    // Ready: nothing, whatever old events say.
    let ev = Evidence {
        object: Some(isvc("True", "")),
        ..Default::default()
    };
    assert_eq!(workloads::check(&s, &ev, at("2025-11-29T18:30:00Z")), []);
}

#[test]
fn seldon_states() {
    let sdep = |state: &str, created: &str| {
        json!({"kind": "SeldonDeployment", "metadata": {"name": "iris", "namespace": "argowf", "creationTimestamp": created},
               "status": {"state": state, "description": "Deployment is progressing",
                          "deploymentStatus": {"iris-default-0-classifier": {"replicas": 1}}}})
    };
    let s = Subject::new(SubjectKind::SeldonDeployment, "argowf", "iris");
    let ev = Evidence {
        object: Some(sdep("Creating", "2025-06-11T09:00:00Z")),
        ..Default::default()
    };
    let fs = workloads::check(&s, &ev, at("2025-06-11T10:00:00Z"));
    let f = only(&fs, "seldon.not-available");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.title,
        "SeldonDeployment iris is not available: Creating (Deployment is progressing)"
    );
    has_fact(
        f,
        "deployment iris-default-0-classifier: 0 of 1 replicas available",
    );
    has_fix(f, "kubectl get pods -n argowf -l seldon-deployment-id=iris");
    // Just created: give it time.
    assert_eq!(workloads::check(&s, &ev, at("2025-06-11T09:01:00Z")), []);
    // Available: nothing.
    let ev = Evidence {
        object: Some(sdep("Available", "2025-06-11T09:00:00Z")),
        ..Default::default()
    };
    assert_eq!(workloads::check(&s, &ev, at("2025-06-11T10:00:00Z")), []);
    // Failed: an error at once.
    let ev = Evidence {
        object: Some(sdep("Failed", "2025-06-11T09:59:00Z")),
        ..Default::default()
    };
    let fs = workloads::check(&s, &ev, at("2025-06-11T10:00:00Z"));
    assert_eq!(only(&fs, "seldon.not-available").severity, Severity::Error);
}

// ---------------------------------------------------------------------------------------------
// The mlops demo scenario, namespace by namespace
// ---------------------------------------------------------------------------------------------

const BASE: &str = "2025-06-11T10:00:00Z";

/// Everything the doctor would gather about a namespace of the demo at its start.
fn demo(ns: &str) -> Evidence {
    let base = at(BASE);
    let s = kdoc::sim::scenario::mlops::scenario(base);
    let in_ns = |o: &&Value| o["metadata"]["namespace"] == ns;
    let of = |kind: &str| -> Vec<Value> {
        s.objects
            .iter()
            .filter(in_ns)
            .filter(|o| o["kind"] == kind)
            .cloned()
            .collect()
    };
    let typed = |kind: &str| -> Vec<Value> { of(kind) };
    let names_of = |kind: &str| {
        let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for o in s.objects.iter().filter(|o| o["kind"] == kind) {
            m.entry(o["metadata"]["namespace"].as_str().unwrap().to_string())
                .or_default()
                .insert(o["metadata"]["name"].as_str().unwrap().to_string());
        }
        m.entry(ns.to_string()).or_default();
        Some(m)
    };
    let config_maps = names_of("ConfigMap");
    let secrets = names_of("Secret");
    let mut custom = BTreeMap::new();
    for kind in [
        "InferenceService",
        "ServingRuntime",
        "ClusterServingRuntime",
        "SeldonDeployment",
        "Workflow",
        "PipelineRun",
        "TaskRun",
    ] {
        custom.insert(kind.to_string(), of(kind));
    }
    let parse = |v: Vec<Value>| -> Vec<Pod> {
        v.into_iter()
            .map(|p| serde_json::from_value(p).unwrap())
            .collect()
    };
    Evidence {
        pods: parse(typed("Pod")),
        events: Some(
            typed("Event")
                .into_iter()
                .map(|e| serde_json::from_value(e).unwrap())
                .collect(),
        ),
        config_maps,
        secrets,
        service_accounts: Some(
            typed("ServiceAccount")
                .into_iter()
                .map(|e| serde_json::from_value(e).unwrap())
                .collect(),
        ),
        pvcs: Some(
            typed("PersistentVolumeClaim")
                .into_iter()
                .map(|e| serde_json::from_value(e).unwrap())
                .collect(),
        ),
        custom,
        logs: s
            .logs
            .iter()
            .filter(|l| l.ns == ns)
            .map(|l| ContainerLog {
                namespace: l.ns.clone(),
                pod: l.pod.clone(),
                container: l.container.clone(),
                previous: l.previous,
                lines: l.lines.iter().map(|(_, t)| t.clone()).collect(),
                first_line: 1,
            })
            .collect(),
        ..Default::default()
    }
}

fn demo_findings(ns: &str) -> Vec<Finding> {
    let ev = demo(ns);
    let s = ns_subject(ns);
    let mut fs = status::check(&s, &ev, at(BASE));
    fs.extend(workloads::check(&s, &ev, at(BASE)));
    fs
}

#[test]
fn demo_mlops_namespace() {
    // feature-server: crash loop, exit 1, 5 restarts, the Feast traceback in its previous log;
    // model-trainer: OOMKilled last time (512Mi limit), running again; gpu-inference: 16 CPUs
    // on a 4-CPU node (FailedScheduling x7); iris-api: configmap iris-src missing (FailedMount
    // x9), it exists in argowf.
    let fs = demo_findings("mlops");
    assert_eq!(
        ids(&fs),
        [
            "status.crash-loop pod/feature-server-7c9d8b6f5-x2k4p",
            "status.failed-mount pod/iris-api-5d4f6c7b8-k9j2h",
            "status.oom-killed pod/model-trainer-5f6d7c8b9-q7wzr",
            "status.pending pod/gpu-inference-6b8c9d7f4-m3n5p",
        ]
    );
    let crash = only(&fs, "status.crash-loop");
    assert_eq!(
        crash.title,
        "Container feast is crash-looping: exit code 1 (Error), restarted 5 times"
    );
    let lines = log_lines(crash);
    assert_eq!(lines.len(), 10);
    assert!(lines.iter().any(|(_, l)| l.contains(
        "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"feast-registry-db\""
    )));
    assert_eq!(
        lines.last().unwrap().1,
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)"
    );
    assert_eq!(event_proofs(crash)[0].1, 23);

    let oom = only(&fs, "status.oom-killed");
    assert_eq!(oom.severity, Severity::Warning);
    has_fact(oom, "memory of trainer: request 256Mi, limit 512Mi");
    has_fix(
        oom,
        "kubectl set resources deployment/model-trainer -n mlops -c trainer --limits=memory=1Gi",
    );
    assert!(
        log_lines(oom)
            .iter()
            .any(|(_, l)| *l == "INFO:trainer:Computing SHAP values on the validation set")
    );

    let pending = only(&fs, "status.pending");
    assert_eq!(
        pending.title,
        "Pod cannot be scheduled: 0/1 nodes are available: 1 Insufficient cpu"
    );
    has_fact(pending, "the pod requests cpu: triton 16");
    assert_eq!(event_proofs(pending)[0].1, 7);

    let mount = only(&fs, "status.failed-mount");
    assert_eq!(
        mount.title,
        "Volume src cannot be mounted: configmap iris-src not found"
    );
    assert_eq!(event_proofs(mount)[0].1, 9);
    has_fact(
        mount,
        "a configmap named iris-src exists in namespace argowf",
    );
}

#[test]
fn demo_argowf_namespace() {
    // The Seldon pod cannot pull ghcr.io/jtayl222/iris:latest (403 from GHCR) and its executor
    // is not ready (503 x331); the SeldonDeployment is Creating; the workflow succeeded.
    let fs = demo_findings("argowf");
    let pod = "pod/iris-default-0-classifier-85d56cc6b6-qsjpr";
    assert_eq!(
        ids(&fs),
        [
            "seldon.not-available seldondeployment/iris".to_string(),
            format!("status.image-pull {pod}"),
            format!("status.probe-failing {pod}"),
        ]
    );
    let pull = only(&fs, "status.image-pull");
    assert_eq!(
        pull.title,
        "Cannot pull image ghcr.io/jtayl222/iris:latest for container classifier: 403 Forbidden"
    );
    let counts: Vec<i32> = event_proofs(pull).iter().map(|e| e.1).collect();
    assert_eq!(counts, [15, 64]);
    has_fix_containing(
        pull,
        "GHCR answers 403 to anonymous pulls of a private or missing package: make the package jtayl222/iris public",
    );
    has_fix(
        pull,
        "kubectl create secret docker-registry regcred --docker-server=ghcr.io --docker-username=USER --docker-password=TOKEN -n argowf",
    );
    let probe = only(&fs, "status.probe-failing");
    assert_eq!(
        probe.title,
        "Readiness probe of container seldon-container-engine fails (331×): HTTP probe failed with statuscode: 503"
    );
    let sdep = only(&fs, "seldon.not-available");
    assert_eq!(sdep.severity, Severity::Error);
    has_fact(
        sdep,
        "pod iris-default-0-classifier-85d56cc6b6-qsjpr: ImagePullBackOff",
    );
}

#[test]
fn demo_kserve_namespace() {
    // user-example-com: no runtime for sklearn when the InferenceService was made (the runtime
    // came later); the storage-initializer crash-loops on NoCredentialsError.
    let fs = demo_findings("user-example-com");
    assert_eq!(
        ids(&fs),
        [
            "kserve.no-runtime inferenceservice/iris-model",
            "status.init-crash pod/iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r",
        ]
    );
    let rt = only(&fs, "kserve.no-runtime");
    assert_eq!(rt.severity, Severity::Warning);
    assert!(
        rt.title
            .ends_with("ServingRuntime iris-fastapi-runtime supports it now")
    );
    let init = only(&fs, "status.init-crash");
    assert_eq!(
        init.title,
        "Init container storage-initializer CrashLoopBackOff, last exit code 1"
    );
    assert!(
        init.meaning
            .contains("storage-initializer downloads the model")
    );
    has_fact(init, "storageUri: s3://mlpipeline/models/iris");
    assert_eq!(
        log_lines(init).last().unwrap().1,
        "botocore.exceptions.NoCredentialsError: Unable to locate credentials"
    );
    has_fix_containing(init, "the secrets of service account iris-sa");
}

#[test]
fn demo_tekton_namespace() {
    // push-to-internal and push-to-quay fail with exit 1 and `manifest unknown` in their step
    // logs; register-model was skipped because the run was stopping.
    let fs = demo_findings("private-ai-demo");
    assert_eq!(
        ids(&fs),
        [
            "tekton.task-failed taskrun/mistral-24b-full-8t9qf-push-to-internal",
            "tekton.task-failed taskrun/mistral-24b-full-8t9qf-push-to-quay",
            "tekton.task-skipped pipelinerun/mistral-24b-full-8t9qf",
        ]
    );
    let internal = fs
        .iter()
        .find(|f| f.subject == "taskrun/mistral-24b-full-8t9qf-push-to-internal")
        .unwrap();
    assert_eq!(
        internal.title,
        "Task push-to-internal failed: step-push-image exited with code 1"
    );
    assert!(
        log_lines(internal)
            .last()
            .unwrap()
            .1
            .ends_with("manifest unknown\"")
    );
    has_fix(
        internal,
        "kubectl logs mistral-24b-full-8t9qf-push-to-internal-pod -n private-ai-demo -c step-push-image",
    );
    has_fix(
        internal,
        "tkn taskrun logs mistral-24b-full-8t9qf-push-to-internal -n private-ai-demo",
    );
    has_fix_containing(
        internal,
        "The log says the image it reads does not exist in the registry (manifest unknown)",
    );
    let skipped = only(&fs, "tekton.task-skipped");
    assert_eq!(skipped.severity, Severity::Warning);
    assert_eq!(
        skipped.title,
        "Task register-model of mistral-24b-full-8t9qf was skipped: PipelineRun was stopping"
    );
    has_fact(
        skipped,
        "register-model runs after push-to-internal (Failed), push-to-quay (Failed)",
    );
}

#[test]
fn demo_mlflow_namespace_is_healthy() {
    assert_eq!(demo_findings("mlflow"), []);
}

#[test]
fn a_failed_step_pod_alone_is_a_container_failure() {
    // The push-to-internal pod without its TaskRun in the evidence: the pod check speaks.
    let mut ev = demo("private-ai-demo");
    let pod = "mistral-24b-full-8t9qf-push-to-internal-pod";
    ev.pods.retain(|p| p.metadata.name.as_deref() == Some(pod));
    ev.custom.clear();
    let fs = status::check(&pod_subject("private-ai-demo", pod), &ev, at(BASE));
    assert_eq!(ids(&fs), [format!("status.container-failed pod/{pod}")]);
    let f = &fs[0];
    assert_eq!(
        f.title,
        "Container step-push-image exited with code 1 (Error)"
    );
    assert!(
        log_lines(f)
            .last()
            .unwrap()
            .1
            .ends_with("manifest unknown\"")
    );
    has_fix(
        f,
        &format!("kubectl logs {pod} -n private-ai-demo -c step-push-image"),
    );
    assert_eq!(
        f.act,
        logs_act("private-ai-demo", pod, "step-push-image", false)
    );
}

#[test]
fn quiet_cases() {
    let ns = "message-container-creating-failed-mount";
    let all = events("events-list-pull-backoff-failedscheduling-failedmount.json");
    // Another pod's events never leak onto a healthy pod.
    let nginx = set_name(pod("pod-nginx-running-k9s.json", "nginx"), ns, "nginx");
    assert_eq!(
        status::check(
            &ns_subject(ns),
            &with_pods(vec![nginx], all.clone()),
            at("2023-07-10T05:45:00Z")
        ),
        []
    );
    // Probe failures of a pod that has finished are history.
    let done: Pod = serde_json::from_value(json!({
        "metadata": {"name": "failing-liveness-pod", "namespace": ns},
        "spec": {"nodeName": "minikube", "containers": [{"name": "my-container", "image": "busybox"}]},
        "status": {"phase": "Succeeded", "containerStatuses": [{"name": "my-container", "image": "busybox", "imageID": "",
            "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}
    }))
    .unwrap();
    assert_eq!(
        status::check(
            &ns_subject(ns),
            &with_pods(vec![done], all),
            at("2023-07-10T05:45:00Z")
        ),
        []
    );
    // Exit 137 without OOMKilled, long ago, on a running container: not an OOM.
    let rec = pod(
        "pods-list-kdash-crashloop-unschedulable-outofcpu.yaml",
        "recommendationservice-78965f984b-z9x79",
    );
    assert_eq!(
        status::check(
            &ns_subject("default"),
            &with_pods(vec![rec], vec![]),
            at("2021-04-30T16:30:00Z")
        ),
        []
    );
    // A running workflow with no failed step, a young InferenceService with no status yet.
    let wf = json!({"kind": "Workflow", "metadata": {"name": "w", "namespace": "argo"},
                    "status": {"phase": "Running", "nodes": {"w": {"id": "w", "name": "w", "type": "DAG", "phase": "Running"}}}});
    let ev = Evidence {
        object: Some(wf),
        ..Default::default()
    };
    assert_eq!(
        workloads::check(&wf_subject("argo", "w"), &ev, at("2025-01-01T00:00:00Z")),
        []
    );
    let young = json!({"kind": "InferenceService",
                       "metadata": {"name": "m", "namespace": "kserve", "creationTimestamp": "2025-01-01T00:00:00Z"},
                       "spec": {"predictor": {"model": {"modelFormat": {"name": "onnx"}}}}});
    let ev = Evidence {
        object: Some(young.clone()),
        ..Default::default()
    };
    let s = Subject::new(SubjectKind::InferenceService, "kserve", "m");
    assert_eq!(workloads::check(&s, &ev, at("2025-01-01T00:00:30Z")), []);
    // ... but ten minutes on, no status at all is a finding.
    let fs = workloads::check(&s, &ev, at("2025-01-01T00:10:00Z"));
    let f = only(&fs, "kserve.not-ready");
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.title
            .ends_with("the KServe controller has not reported any status"),
        "{}",
        f.title
    );
    // Objects of other kinds are not this check's business.
    let ev = Evidence {
        object: Some(json!({"kind": "Service", "metadata": {"name": "s"}})),
        ..Default::default()
    };
    assert_eq!(
        workloads::check(&Subject::new(SubjectKind::Service, "x", "s"), &ev, at(BASE)),
        []
    );
}

#[test]
fn readiness_failures_of_a_container_that_is_ready_now_are_info() {
    let p: Pod = serde_json::from_value(json!({
        "metadata": {"name": "api", "namespace": "ml"},
        "spec": {"containers": [{"name": "api", "image": "x",
            "readinessProbe": {"httpGet": {"path": "/health", "port": 8080}}}]},
        "status": {"phase": "Running", "containerStatuses": [{"name": "api", "image": "x", "imageID": "",
            "ready": true, "restartCount": 0, "state": {"running": {"startedAt": "2025-01-01T00:00:00Z"}}}]}
    }))
    .unwrap();
    let e: Event = serde_json::from_value(json!({
        "metadata": {"name": "api.1", "namespace": "ml"},
        "involvedObject": {"kind": "Pod", "namespace": "ml", "name": "api", "fieldPath": "spec.containers{api}"},
        "type": "Warning", "reason": "Unhealthy", "count": 4, "lastTimestamp": "2025-01-01T00:00:40Z",
        "message": "Readiness probe failed: Get \"http://10.0.0.5:8080/health\": dial tcp 10.0.0.5:8080: connect: connection refused"
    }))
    .unwrap();
    let fs = status::check(
        &ns_subject("ml"),
        &with_pods(vec![p], vec![e]),
        at("2025-01-01T00:05:00Z"),
    );
    let f = only(&fs, "status.probe-failing");
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(
        f.title,
        "Readiness probe of container api fails (4×): Get \"http://10.0.0.5:8080/health\": dial tcp 10.0.0.5:8080: connect: connection refused"
    );
    has_fix(
        f,
        "Try it yourself: kubectl port-forward pod/api -n ml 8080 & curl -i http://localhost:8080/health",
    );
}

#[test]
fn popeye_pod_volumes_checked_against_what_exists() {
    // popeye's p1 as written has no status: nothing to say. Put on a node and waiting in
    // ContainerCreating, with cm1, cm2, sec1 and a bound pvc1 present: configmap cm3 (volume
    // config) and secret sec2 (in the projected volume) are missing.
    let p = pod("pods-list-popeye-p1-containerport-9090-fixture.yaml", "p1");
    assert_eq!(
        status::check(
            &ns_subject("default"),
            &with_pods(vec![p.clone()], vec![]),
            at(BASE)
        ),
        []
    );
    let mut v = serde_json::to_value(&p).unwrap();
    v["spec"]["nodeName"] = json!("n1");
    v["status"] = json!({"phase": "Pending", "containerStatuses": [{"name": "c1", "image": "alpine", "imageID": "",
        "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}]});
    let pvc: PersistentVolumeClaim = serde_json::from_value(json!({
        "metadata": {"name": "pvc1", "namespace": "default"}, "status": {"phase": "Bound"}
    }))
    .unwrap();
    let ev = Evidence {
        config_maps: names(&[("default", "cm1"), ("default", "cm2")]),
        secrets: names(&[("default", "sec1")]),
        pvcs: Some(vec![pvc]),
        ..with_pods(vec![serde_json::from_value(v).unwrap()], vec![])
    };
    let fs = status::check(&ns_subject("default"), &ev, at(BASE));
    let titles: Vec<&str> = fs.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Volume config cannot be mounted: configmap cm3 not found",
            "Volume projected cannot be mounted: secret sec2 not found",
        ]
    );
    has_fix(
        &fs[0],
        "kubectl create configmap cm3 -n default --from-file=k1=PATH --from-file=k2=PATH",
    );
    has_fix(
        &fs[1],
        "kubectl create secret generic sec2 -n default --from-literal=KEY=VALUE",
    );
}

#[test]
fn init_error_of_a_pod_that_does_not_restart() {
    // Init:Error: the init container exited 1 and restartPolicy Never keeps it so.
    let p: Pod = serde_json::from_value(json!({
        "metadata": {"name": "fetch-data", "namespace": "ml"},
        "spec": {"restartPolicy": "Never", "nodeName": "n1",
                 "initContainers": [{"name": "download", "image": "curlimages/curl"}],
                 "containers": [{"name": "main", "image": "x"}]},
        "status": {"phase": "Failed",
            "initContainerStatuses": [{"name": "download", "image": "curlimages/curl", "imageID": "", "ready": false,
                "restartCount": 0, "state": {"terminated": {"exitCode": 6, "reason": "Error"}}}],
            "containerStatuses": [{"name": "main", "image": "x", "imageID": "", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "PodInitializing"}}}]}
    }))
    .unwrap();
    let mut ev = with_pods(vec![p], vec![]);
    ev.logs.push(ContainerLog {
        namespace: "ml".into(),
        pod: "fetch-data".into(),
        container: "download".into(),
        previous: false,
        lines: vec!["curl: (6) Could not resolve host: data.example".into()],
        first_line: 1,
    });
    let fs = status::check(&pod_subject("ml", "fetch-data"), &ev, at(BASE));
    assert_eq!(ids(&fs), ["status.init-crash pod/fetch-data"]);
    let f = &fs[0];
    assert_eq!(
        f.title,
        "Init container download failed with exit code 6 (Error)"
    );
    assert_eq!(
        log_lines(f),
        [(1, "curl: (6) Could not resolve host: data.example")]
    );
    has_fix(f, "kubectl logs fetch-data -n ml -c download");
    assert_eq!(f.act, logs_act("ml", "fetch-data", "download", false));
}

#[test]
fn crash_loop_of_a_program_that_exits_zero() {
    let mut v = serde_json::to_value(pod(
        "bundle-test-crash-pods-crashloopbackoff.json",
        "crash-loop-app-67586446fc-2w49s",
    ))
    .unwrap();
    v["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"] = json!(0);
    v["status"]["containerStatuses"][0]["lastState"]["terminated"]["reason"] = json!("Completed");
    let ev = with_pods(vec![serde_json::from_value(v).unwrap()], vec![]);
    let fs = status::check(&ns_subject("test-crash"), &ev, at("2025-08-10T02:10:00Z"));
    let f = only(&fs, "status.crash-loop");
    assert_eq!(
        f.title,
        "Container failing-app is crash-looping: exit code 0 (Completed), restarted 22 times"
    );
    has_fix_containing(f, "a one-off task belongs in a Job");
}

#[test]
fn kserve_rolling_out_is_given_time() {
    let mut v = isvc("Unknown", "");
    v["status"]["conditions"][1]["lastTransitionTime"] = json!("2025-11-29T18:29:30Z");
    let ev = Evidence {
        object: Some(v.clone()),
        ..Default::default()
    };
    let s = Subject::new(
        SubjectKind::InferenceService,
        "user-example-com",
        "iris-model",
    );
    assert_eq!(workloads::check(&s, &ev, at("2025-11-29T18:30:00Z")), []);
    let fs = workloads::check(&s, &ev, at("2025-11-29T18:45:00Z"));
    assert_eq!(only(&fs, "kserve.not-ready").severity, Severity::Warning);
}
