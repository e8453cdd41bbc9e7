//! The doctor's container-name and port checks, as tables over real objects
//! (../shared/fixtures/real) and hand-built ones mirroring the demo (`src/sim/scenario/mlops.rs`)
//! and the layouts of Argo, Tekton, KServe and Seldon. Every expected text is written by hand
//! from kubectl's and the apiserver's sources (../shared/notes/upstream-error-semantics.md).

mod common;

use common::fixtures::{objects, values};
use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};
use kdoc::doctor::containers;
use kdoc::doctor::ports;
use kdoc::doctor::{
    Act, Evidence, Finding, Missing, ProbeResult, Proof, Severity, Subject, SubjectKind,
};
use serde_json::{Value, json};

fn now() -> jiff::Timestamp {
    "2025-06-11T10:00:00Z".parse().unwrap()
}

fn pod(v: Value) -> Pod {
    serde_json::from_value(v).expect("a valid Pod")
}

fn svc(v: Value) -> Service {
    serde_json::from_value(v).expect("a valid Service")
}

fn ids(fs: &[Finding]) -> Vec<&str> {
    fs.iter().map(|f| f.id.as_str()).collect()
}

fn facts(f: &Finding) -> Vec<String> {
    f.evidence
        .iter()
        .filter_map(|p| match p {
            Proof::Fact { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn one<'a>(fs: &'a [Finding], id: &str) -> &'a Finding {
    let hits: Vec<&Finding> = fs.iter().filter(|f| f.id == id).collect();
    assert_eq!(hits.len(), 1, "one {id} in {:#?}", ids(fs));
    hits[0]
}

fn running(ready: bool) -> Value {
    json!({"phase": "Running",
           "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" },
                           "lastTransitionTime": "2025-06-11T09:00:00Z"}]})
}

// ------------------------------------------------------------------------------------------
// Objects mirroring the demo scenario
// ------------------------------------------------------------------------------------------

const ARGO_POD: &str = "iris-demo-kaniko-2925953904";
const SDEP_POD: &str = "iris-default-0-classifier-85d56cc6b6-qsjpr";
const ISVC_POD: &str = "iris-model-predictor-00001-deployment-6579ddcfbd-b7b7r";

/// The kaniko step pod of workflow iris-demo (runbook 000): init `init`, containers `wait`, `main`.
fn argo_pod() -> Pod {
    pod(json!({
        "metadata": {"name": ARGO_POD, "namespace": "argowf",
            "labels": {"workflows.argoproj.io/workflow": "iris-demo", "workflows.argoproj.io/completed": "true"},
            "annotations": {"workflows.argoproj.io/node-id": "iris-demo-1428557958",
                            "workflows.argoproj.io/node-name": "iris-demo.build-image",
                            "kubectl.kubernetes.io/default-container": "main"}},
        "spec": {"initContainers": [{"name": "init", "image": "quay.io/argoproj/argoexec:v3.6.5"}],
                 "containers": [{"name": "wait", "image": "quay.io/argoproj/argoexec:v3.6.5"},
                                {"name": "main", "image": "gcr.io/kaniko-project/executor:v1.23.2"}]},
        "status": {"phase": "Succeeded"}
    }))
}

/// The SeldonDeployment iris's pod: the model container `classifier` and Seldon's executor.
fn seldon_pod(status: Value) -> Pod {
    pod(json!({
        "metadata": {"name": SDEP_POD, "namespace": "argowf",
            "creationTimestamp": "2025-06-11T08:00:00Z",
            "labels": {"seldon-app": "iris-default", "seldon-app-svc": "iris-default-classifier",
                       "seldon-deployment-id": "iris", "seldon.io/model": "true"}},
        "spec": {"nodeName": "k3s-node-1", "containers": [
            {"name": "classifier", "image": "ghcr.io/jtayl222/iris:latest",
             "ports": [{"name": "http", "containerPort": 9000, "protocol": "TCP"},
                       {"name": "grpc", "containerPort": 9500, "protocol": "TCP"},
                       {"name": "metrics", "containerPort": 6000, "protocol": "TCP"}],
             "env": [{"name": "PREDICTIVE_UNIT_ID", "value": "classifier"}]},
            {"name": "seldon-container-engine", "image": "docker.io/seldonio/seldon-core-executor:1.18.2",
             "ports": [{"name": "http", "containerPort": 8000, "protocol": "TCP"},
                       {"name": "grpc", "containerPort": 5001, "protocol": "TCP"}]}]},
        "status": status
    }))
}

/// As the demo has it: the model image cannot be pulled, the pod is Pending.
fn seldon_pending() -> Pod {
    seldon_pod(json!({"phase": "Pending",
        "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [
            {"name": "classifier", "image": "ghcr.io/jtayl222/iris:latest", "imageID": "", "ready": false,
             "restartCount": 0, "state": {"waiting": {"reason": "ImagePullBackOff",
             "message": "Back-off pulling image \"ghcr.io/jtayl222/iris:latest\""}}},
            {"name": "seldon-container-engine", "image": "x", "imageID": "", "ready": false,
             "restartCount": 0, "state": {"running": {"startedAt": "2025-06-11T08:00:05Z"}}}]}))
}

/// Service iris-default as Seldon makes it: http 8000, grpc 5001.
fn iris_default() -> Service {
    svc(json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "iris-default", "namespace": "argowf",
                     "labels": {"seldon-app": "iris-default", "seldon-deployment-id": "iris"}},
        "spec": {"type": "ClusterIP", "clusterIP": "10.43.247.226", "clusterIPs": ["10.43.247.226"],
                 "selector": {"seldon-app": "iris-default"},
                 "ports": [{"name": "http", "port": 8000, "targetPort": 8000, "protocol": "TCP"},
                           {"name": "grpc", "port": 5001, "targetPort": 5001, "protocol": "TCP"}]}
    }))
}

/// The KServe predictor pod of runbook 002 (serverless: queue-proxy and istio-proxy too).
fn kserve_pod() -> Pod {
    pod(json!({
        "metadata": {"name": ISVC_POD, "namespace": "user-example-com",
            "labels": {"component": "predictor", "serving.kserve.io/inferenceservice": "iris-model",
                       "serving.knative.dev/revision": "iris-model-predictor-00001"}},
        "spec": {"initContainers": [{"name": "storage-initializer"}],
                 "containers": [
                    {"name": "kserve-container", "ports": [{"name": "user-port", "containerPort": 8080, "protocol": "TCP"}]},
                    {"name": "queue-proxy", "ports": [{"name": "queue-port", "containerPort": 8012, "protocol": "TCP"},
                                                      {"name": "http-autometric", "containerPort": 9090, "protocol": "TCP"}]},
                    {"name": "istio-proxy", "ports": [{"name": "http-envoy-prom", "containerPort": 15090, "protocol": "TCP"}]}]},
        "status": running(true)
    }))
}

/// A Tekton TaskRun's pod, derived from a real TaskRun: its `status.podName`, its label, the
/// internal init containers, and one `step-*` container per `status.steps[]`.
fn tekton_pod() -> Pod {
    let tr = &values("tekton-taskrun-v1-pending-podinitializing-podname.yaml")[0];
    let steps: Vec<Value> = tr["status"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!({"name": s["container"]}))
        .collect();
    pod(json!({
        "metadata": {"name": tr["status"]["podName"], "namespace": "jx",
                     "labels": {"tekton.dev/taskRun": tr["metadata"]["name"]}},
        "spec": {"initContainers": [{"name": "prepare"}, {"name": "place-scripts"}], "containers": steps}
    }))
}

fn with_pods(kind: SubjectKind, ns: &str, name: &str, pods: Vec<Pod>) -> (Subject, Evidence) {
    (
        Subject::new(kind, ns, name),
        Evidence {
            pods,
            ..Evidence::default()
        },
    )
}

fn containers_for(pod: Pod, asked: Option<&str>) -> Vec<Finding> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let (mut s, ev) = with_pods(SubjectKind::Pod, &ns, &name, vec![pod]);
    s.container = asked.map(str::to_string);
    containers::check(&s, &ev, now())
}

// ------------------------------------------------------------------------------------------
// container-name.not-found
// ------------------------------------------------------------------------------------------

#[test]
fn argo_kaniko_is_main() {
    let fs = containers_for(argo_pod(), Some("kaniko"));
    assert_eq!(ids(&fs), ["container-name.not-found"]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.subject, "pod/iris-demo-kaniko-2925953904");
    assert_eq!(f.namespace, "argowf");
    assert_eq!(
        f.title,
        "container kaniko is not valid for pod iris-demo-kaniko-2925953904"
    );
    assert_eq!(
        facts(f),
        [
            "containers of pod/iris-demo-kaniko-2925953904: [init wait main]",
            "init: init container, Argo: executor (loads inputs)",
            "wait: container, Argo: executor (saves outputs)",
            "main: container, Argo: your step's container",
        ]
    );
    assert!(
        f.meaning.contains(
            "kaniko is the step's template name, but Argo runs a template's container as main"
        ),
        "{}",
        f.meaning
    );
    assert!(f.meaning.contains("init and wait are Argo's own"));
    assert_eq!(
        f.fix,
        [
            "kubectl logs iris-demo-kaniko-2925953904 -n argowf -c main",
            "argo logs iris-demo iris-demo-kaniko-2925953904 -n argowf -c main",
        ]
    );
    assert_eq!(
        f.act,
        Some(Act::Logs {
            namespace: "argowf".into(),
            pod: "iris-demo-kaniko-2925953904".into(),
            container: "main".into(),
            previous: false
        })
    );
}

#[test]
fn valid_names_give_nothing() {
    for c in ["main", "wait", "init"] {
        assert!(containers_for(argo_pod(), Some(c)).is_empty(), "{c}");
    }
    assert!(containers_for(kserve_pod(), Some("storage-initializer")).is_empty());
    assert!(containers_for(tekton_pod(), Some("step-git-clone")).is_empty());
    assert!(containers_for(tekton_pod(), Some("prepare")).is_empty());
}

#[test]
fn ephemeral_containers_are_valid_names() {
    let mut p = argo_pod();
    p.spec.as_mut().unwrap().ephemeral_containers = Some(vec![
        serde_json::from_value(json!({"name": "debugger-x7k"})).unwrap(),
    ]);
    assert!(containers_for(p.clone(), Some("debugger-x7k")).is_empty());
    let fs = containers_for(p, Some("kaniko"));
    assert_eq!(
        facts(&fs[0])[0],
        "containers of pod/iris-demo-kaniko-2925953904: [init wait main debugger-x7k]"
    );
}

/// The real Argo pod fixture has no metadata and only `main` in its spec (`wait` is in its
/// status); its layout still shows through the env and the status.
#[test]
fn partial_argo_fixture_suggests_main() {
    let mut p: Pod = objects("pod-argo-wf-main-oomkilled-wait-completed-partial.yaml").remove(0);
    p.metadata.name = Some("wf-oom-1234".into());
    p.metadata.namespace = Some("argo".into());
    assert_eq!(
        containers::layout(&p),
        containers::Layout::Argo { workflow: None }
    );
    let fs = containers_for(p.clone(), Some("kaniko"));
    assert_eq!(
        fs[0].title,
        "container kaniko is not valid for pod wf-oom-1234"
    );
    assert_eq!(fs[0].fix, ["kubectl logs wf-oom-1234 -n argo -c main"]);
    assert!(
        fs[0]
            .meaning
            .contains("Argo runs every step's container as main")
    );
    assert!(containers_for(p, Some("main")).is_empty());
}

#[test]
fn tekton_step_name_gets_its_prefix() {
    let fs = containers_for(tekton_pod(), Some("git-clone"));
    let f = one(&fs, "container-name.not-found");
    assert_eq!(
        f.title,
        "container git-clone is not valid for pod release-zm5v8-from-build-pack-9f2m9-pod-xsg5h"
    );
    assert_eq!(
        f.fix,
        [
            "kubectl logs release-zm5v8-from-build-pack-9f2m9-pod-xsg5h -n jx -c step-git-clone",
            "tkn taskrun logs release-zm5v8-from-build-pack-9f2m9 -n jx",
        ]
    );
    assert!(f.meaning.contains("step git-clone runs in step-git-clone"));
    // A unique tail of a step name.
    let fs = containers_for(tekton_pod(), Some("npm-test"));
    assert_eq!(
        fs[0].fix[0],
        "kubectl logs release-zm5v8-from-build-pack-9f2m9-pod-xsg5h -n jx -c step-build-npm-test"
    );
}

#[test]
fn tekton_ambiguous_name_lists_the_steps() {
    let fs = containers_for(tekton_pod(), Some("build"));
    let f = one(&fs, "container-name.not-found");
    assert_eq!(f.act, None);
    let pod = "release-zm5v8-from-build-pack-9f2m9-pod-xsg5h";
    let mut want = vec!["Name one of the TaskRun's steps (containers step-<step>):".to_string()];
    for s in [
        "git-clone",
        "git-setup",
        "git-merge",
        "next-version",
        "update-version",
        "helm-template",
        "tag-version",
        "setup-builder-home",
        "jx-variables",
        "build-npmrc",
        "build-npm-install",
        "build-npm-test",
        "build-container-build",
        "promote-changelog",
        "promote-helm-release",
        "promote-jx-promote",
    ] {
        want.push(format!("kubectl logs {pod} -n jx -c step-{s}"));
    }
    want.push("tkn taskrun logs release-zm5v8-from-build-pack-9f2m9 -n jx".into());
    assert_eq!(f.fix, want);
    assert_eq!(
        facts(f)[0],
        format!(
            "containers of pod/{pod}: [prepare place-scripts step-git-clone step-git-setup step-git-merge step-next-version step-update-version step-helm-template step-tag-version step-setup-builder-home step-jx-variables step-build-npmrc step-build-npm-install step-build-npm-test step-build-container-build step-promote-changelog step-promote-helm-release step-promote-jx-promote]"
        )
    );
}

#[test]
fn kserve_model_server_is_kserve_container() {
    let fs = containers_for(kserve_pod(), Some("iris-model"));
    let f = one(&fs, "container-name.not-found");
    assert_eq!(
        f.fix,
        [format!(
            "kubectl logs {ISVC_POD} -n user-example-com -c kserve-container"
        )]
    );
    assert!(
        f.meaning
            .contains("KServe runs the model server as kserve-container")
    );
    assert!(f.meaning.contains(
        "storage-initializer (init) downloads the model, queue-proxy is Knative's request queue, istio-proxy is Istio's sidecar"
    ));
    // A word of a real name wins over the layout's default.
    let fs = containers_for(kserve_pod(), Some("storage"));
    assert_eq!(
        fs[0].fix,
        [format!(
            "kubectl logs {ISVC_POD} -n user-example-com -c storage-initializer"
        )]
    );
}

#[test]
fn seldon_graph_and_typos_name_the_model_container() {
    let cases = [
        ("iris", "classifier"),
        ("default", "classifier"),
        ("clasifier", "classifier"),
        ("Classifier", "classifier"),
        ("engine", "seldon-container-engine"),
    ];
    for (asked, want) in cases {
        let fs = containers_for(seldon_pending(), Some(asked));
        assert_eq!(
            fs[0].act,
            Some(Act::Logs {
                namespace: "argowf".into(),
                pod: SDEP_POD.into(),
                container: want.into(),
                previous: false
            }),
            "-c {asked}"
        );
    }
    let fs = containers_for(seldon_pending(), Some("iris"));
    assert!(
        fs[0]
            .meaning
            .contains("seldon-container-engine is Seldon's executor")
    );
    // The container states come with the list.
    assert!(facts(&fs[0]).contains(
        &"classifier: container, waiting: ImagePullBackOff: Back-off pulling image \"ghcr.io/jtayl222/iris:latest\"".to_string()
    ));
}

#[test]
fn plain_pods_use_the_annotation_then_a_close_name_then_the_only_container() {
    let annotated = pod(json!({
        "metadata": {"name": "web-7d4b9", "namespace": "shop",
                     "annotations": {"kubectl.kubernetes.io/default-container": "app"}},
        "spec": {"containers": [{"name": "app"}, {"name": "log-shipper"}]}
    }));
    let fs = containers_for(annotated.clone(), Some("frontend"));
    assert_eq!(fs[0].fix, ["kubectl logs web-7d4b9 -n shop -c app"]);
    assert!(
        fs[0]
            .meaning
            .contains("the pod's kubectl.kubernetes.io/default-container annotation names app")
    );
    // A typo of another container beats the annotation.
    let fs = containers_for(annotated, Some("log-shiper"));
    assert_eq!(fs[0].fix, ["kubectl logs web-7d4b9 -n shop -c log-shipper"]);

    let nginx: Pod = objects("pod-nginx-running-k9s.json").remove(0);
    let fs = containers_for(nginx.clone(), Some("ngnix"));
    assert_eq!(fs[0].title, "container ngnix is not valid for pod nginx");
    assert_eq!(fs[0].fix, ["kubectl logs nginx -n default -c nginx"]);
    assert!(
        fs[0]
            .meaning
            .contains("nginx is the pod's container closest to ngnix")
    );
    let fs = containers_for(nginx, Some("web"));
    assert!(fs[0].meaning.contains("nginx is the pod's only container"));

    // Nothing stands out: every container is listed.
    let two = pod(json!({
        "metadata": {"name": "p", "namespace": "ns"},
        "spec": {"containers": [{"name": "alpha"}, {"name": "beta"}]}
    }));
    let fs = containers_for(two, Some("gamma"));
    assert_eq!(
        fs[0].fix,
        [
            "Name one of the pod's containers:",
            "kubectl logs p -n ns -c alpha",
            "kubectl logs p -n ns -c beta"
        ]
    );
    assert_eq!(fs[0].act, None);
}

#[test]
fn workflow_subject_reports_once_and_only_when_no_pod_has_it() {
    let mut other = argo_pod();
    other.metadata.name = Some("iris-demo-train-1234".into());
    let (mut s, ev) = with_pods(
        SubjectKind::Workflow,
        "argowf",
        "iris-demo",
        vec![argo_pod(), other.clone()],
    );
    s.container = Some("kaniko".into());
    let fs = containers::check(&s, &ev, now());
    assert_eq!(ids(&fs), ["container-name.not-found"]);
    assert!(
        facts(&fs[0]).contains(
            &"1 other pod of workflow/iris-demo has no container kaniko either".to_string()
        )
    );
    // One step pod that has it makes -c valid for the workflow.
    let mut with = other;
    with.spec
        .as_mut()
        .unwrap()
        .containers
        .push(serde_json::from_value(json!({"name": "kaniko"})).unwrap());
    let ev = Evidence {
        pods: vec![argo_pod(), with],
        ..Evidence::default()
    };
    assert!(containers::check(&s, &ev, now()).is_empty());
    // No container asked and not a pod: nothing to say.
    s.container = None;
    assert!(containers::check(&s, &ev, now()).is_empty());
}

// ------------------------------------------------------------------------------------------
// container-name.choose
// ------------------------------------------------------------------------------------------

#[test]
fn choose_lists_init_containers_first_and_says_what_kubectl_picks() {
    let fs = containers_for(argo_pod(), None);
    let f = one(&fs, "container-name.choose");
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(
        f.title,
        "a container name must be specified for pod iris-demo-kaniko-2925953904, choose one of: [init wait main]"
    );
    assert_eq!(facts(f), ["kubectl.kubernetes.io/default-container: main"]);
    assert!(f.meaning.contains("kubectl logs without -c reads main"));
    assert_eq!(
        f.fix,
        [
            "kubectl logs iris-demo-kaniko-2925953904 -n argowf -c init",
            "kubectl logs iris-demo-kaniko-2925953904 -n argowf -c wait",
            "kubectl logs iris-demo-kaniko-2925953904 -n argowf -c main",
        ]
    );

    let fs = containers_for(kserve_pod(), None);
    assert_eq!(
        fs[0].title,
        format!(
            "a container name must be specified for pod {ISVC_POD}, choose one of: [storage-initializer kserve-container queue-proxy istio-proxy]"
        )
    );
    assert_eq!(
        facts(&fs[0]),
        [
            "Defaulted container \"kserve-container\" out of: kserve-container, queue-proxy, istio-proxy, storage-initializer (init)"
        ]
    );
    assert!(
        matches!(&fs[0].act, Some(Act::Logs { container, .. }) if container == "kserve-container")
    );

    let fs = containers_for(seldon_pending(), None);
    assert_eq!(
        facts(&fs[0]),
        ["Defaulted container \"classifier\" out of: classifier, seldon-container-engine"]
    );
}

#[test]
fn choose_says_when_the_annotation_names_no_container() {
    let p = pod(json!({
        "metadata": {"name": "web", "namespace": "shop",
                     "annotations": {"kubectl.kubernetes.io/default-container": "server"}},
        "spec": {"containers": [{"name": "app"}, {"name": "proxy"}]}
    }));
    let fs = containers_for(p, None);
    assert_eq!(
        facts(&fs[0]),
        [
            "Defaulted container \"app\" out of: app, proxy",
            "kubectl.kubernetes.io/default-container: server, but the pod has no container server: kubectl ignores it",
        ]
    );
}

#[test]
fn one_container_needs_no_choice() {
    let nginx: Pod = objects("pod-nginx-running-k9s.json").remove(0);
    assert!(containers_for(nginx, None).is_empty());
    // Init containers do not count (`validateContainer` looks at spec.containers only).
    let p = pod(json!({
        "metadata": {"name": "p", "namespace": "ns"},
        "spec": {"initContainers": [{"name": "setup"}], "containers": [{"name": "app"}]}
    }));
    assert!(containers_for(p, None).is_empty());
}

// ------------------------------------------------------------------------------------------
// ports::resolve, exactly as kubectl port-forward svc/NAME
// ------------------------------------------------------------------------------------------

fn seldon_ok() -> Pod {
    seldon_pod(running(true))
}

#[test]
fn resolve_iris_default() {
    let s = iris_default();
    let p = seldon_ok();
    let r = |spec: &str| ports::resolve(&s, Some(&p), spec);
    assert_eq!(r("8080:8000"), Ok((8080, 8000)));
    assert_eq!(r("8000"), Ok((8000, 8000)));
    assert_eq!(r("http"), Ok((8000, 8000)));
    assert_eq!(r("9000:grpc"), Ok((9000, 5001)));
    assert_eq!(r(":8000"), Ok((0, 8000)));
    assert_eq!(
        r("8080:8080"),
        Err("Service iris-default does not have a service port 8080".into())
    );
    assert_eq!(
        r("8080"),
        Err("Service iris-default does not have a service port 8080".into())
    );
    assert_eq!(
        r("web"),
        Err("Service 'iris-default' does not have a named port 'web'".into())
    );
    assert_eq!(
        r("abc:8000"),
        Err(
            "error parsing local port 'abc': strconv.ParseUint: parsing \"abc\": invalid syntax"
                .into()
        )
    );
    assert_eq!(
        r("70000:8000"),
        Err("error parsing local port '70000': strconv.ParseUint: parsing \"70000\": value out of range".into())
    );
    // splitPort takes the first part of a spec with two colons as both ports.
    assert_eq!(
        r("1:2:3"),
        Err("Service iris-default does not have a service port 1".into())
    );
    assert_eq!(
        r(""),
        Err("TYPE/NAME and list of ports are required for port-forward".into())
    );
    assert_eq!(
        ports::resolve(&s, None, "8000"),
        Err("timed out waiting for the condition".into())
    );
    assert_eq!(
        ports::resolve(&s, Some(&seldon_pending()), "8000"),
        Err("unable to forward port because pod is not running. Current status=Pending".into())
    );
}

fn kserve_raw_svc() -> Service {
    svc(json!({
        "metadata": {"name": "sklearn-iris-predictor", "namespace": "kserve-test",
                     "labels": {"serving.kserve.io/inferenceservice": "sklearn-iris"}},
        "spec": {"clusterIP": "10.96.0.20", "selector": {"app": "isvc.sklearn-iris-predictor"},
                 "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]}
    }))
}

fn kserve_raw_pod() -> Pod {
    pod(json!({
        "metadata": {"name": "sklearn-iris-predictor-5d9c7f-abcde", "namespace": "kserve-test",
                     "labels": {"app": "isvc.sklearn-iris-predictor", "serving.kserve.io/inferenceservice": "sklearn-iris"}},
        "spec": {"nodeName": "n1", "containers": [{"name": "kserve-container",
                 "ports": [{"containerPort": 8080, "protocol": "TCP"}]}]},
        "status": running(true)
    }))
}

#[test]
fn resolve_translates_to_the_target_port() {
    let (s, p) = (kserve_raw_svc(), kserve_raw_pod());
    // hack/release/smoke-test.sh: kubectl port-forward svc/sklearn-iris-predictor 8080:80
    assert_eq!(ports::resolve(&s, Some(&p), "8080:80"), Ok((8080, 8080)));
    assert_eq!(ports::resolve(&s, Some(&p), "80"), Ok((80, 8080)));
    assert_eq!(ports::resolve(&s, Some(&p), "http"), Ok((80, 8080)));

    // targetPort omitted: the service port.
    let mut s2 = s.clone();
    s2.spec.as_mut().unwrap().ports.as_mut().unwrap()[0].target_port = None;
    assert_eq!(ports::resolve(&s2, Some(&p), "80"), Ok((80, 80)));

    // Headless: the port unchanged, whatever the targetPort.
    let mut h = s.clone();
    h.spec.as_mut().unwrap().cluster_ip = Some("None".into());
    assert_eq!(ports::resolve(&h, Some(&p), "80"), Ok((80, 80)));
}

fn named_target_svc() -> Service {
    svc(json!({
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"selector": {"app": "web"},
                 "ports": [{"name": "http", "port": 80, "targetPort": "http-web", "protocol": "TCP"}]}
    }))
}

fn web_pod(ports: Value, init_ports: Value) -> Pod {
    pod(json!({
        "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {"nodeName": "n1",
                 "initContainers": [{"name": "proxy", "restartPolicy": "Always", "ports": init_ports}],
                 "containers": [{"name": "app", "ports": ports}]},
        "status": running(true)
    }))
}

#[test]
fn resolve_named_target_ports() {
    let s = named_target_svc();
    let good = web_pod(
        json!([{"name": "http-web", "containerPort": 3000, "protocol": "TCP"}]),
        json!([]),
    );
    assert_eq!(ports::resolve(&s, Some(&good), "80"), Ok((80, 3000)));
    assert_eq!(
        ports::resolve(&s, Some(&good), "8080:http"),
        Ok((8080, 3000))
    );
    // Init containers are looked through after the containers.
    let in_init = web_pod(
        json!([]),
        json!([{"name": "http-web", "containerPort": 15001, "protocol": "TCP"}]),
    );
    assert_eq!(ports::resolve(&s, Some(&in_init), "80"), Ok((80, 15001)));
    let bad = web_pod(
        json!([{"name": "http", "containerPort": 3000, "protocol": "TCP"}]),
        json!([]),
    );
    assert_eq!(
        ports::resolve(&s, Some(&bad), "80"),
        Err("Pod 'web-1' does not have a named port 'http-web'".into())
    );
}

fn dns_svc(tcp_too: bool) -> Service {
    let mut ports = vec![
        json!({"name": "dns", "port": 53, "targetPort": 53, "protocol": "UDP"}),
        json!({"name": "metrics", "port": 9153, "targetPort": 9153, "protocol": "TCP"}),
    ];
    if tcp_too {
        ports.push(json!({"name": "dns-tcp", "port": 53, "targetPort": 53, "protocol": "TCP"}));
    }
    svc(json!({
        "metadata": {"name": "kube-dns", "namespace": "kube-system"},
        "spec": {"clusterIP": "10.96.0.10", "selector": {"k8s-app": "kube-dns"}, "ports": ports}
    }))
}

fn coredns_pod() -> Pod {
    pod(json!({
        "metadata": {"name": "coredns-5d78c9869d-abcde", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
        "spec": {"nodeName": "n1", "containers": [{"name": "coredns", "ports": [
            {"name": "dns", "containerPort": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
            {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}]}]},
        "status": running(true)
    }))
}

#[test]
fn resolve_refuses_udp_only_ports() {
    let p = coredns_pod();
    let s = dns_svc(false);
    assert_eq!(
        ports::resolve(&s, Some(&p), "53"),
        Err("UDP protocol is not supported for 53".into())
    );
    assert_eq!(
        ports::resolve(&s, Some(&p), "5353:dns"),
        Err("UDP protocol is not supported for dns".into())
    );
    assert_eq!(ports::resolve(&s, Some(&p), "9153"), Ok((9153, 9153)));
    // The same port over TCP too: not UDP-only.
    assert_eq!(ports::resolve(&dns_svc(true), Some(&p), "53"), Ok((53, 53)));
}

#[test]
fn resolve_selector_less_and_pod_forwards() {
    let ext = svc(json!({
        "metadata": {"name": "iris-model-predictor", "namespace": "user-example-com"},
        "spec": {"type": "ExternalName", "externalName": "knative-local-gateway.istio-system.svc.cluster.local",
                 "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}
    }));
    assert_eq!(
        ports::resolve(&ext, Some(&kserve_pod()), "8080:80"),
        Err("cannot attach to *v1.Service: invalid service 'iris-model-predictor': Service is defined without a selector".into())
    );

    let p = seldon_ok();
    assert_eq!(
        ports::resolve_pod(&p, "8080"),
        Ok((8080, 8080)),
        "numbers are not checked"
    );
    assert_eq!(ports::resolve_pod(&p, "http"), Ok((9000, 9000)));
    assert_eq!(ports::resolve_pod(&p, "8080:grpc"), Ok((8080, 9500)));
    assert_eq!(
        ports::resolve_pod(&p, "admin"),
        Err(format!(
            "Pod '{SDEP_POD}' does not have a named port 'admin'"
        ))
    );
    assert_eq!(
        ports::resolve_pod(&p, "8080:"),
        Err("remote port cannot be empty".into())
    );
    assert_eq!(
        ports::resolve_pod(&p, "8080:0"),
        Err("remote port must be > 0".into())
    );
    // 53 is declared over UDP and TCP: not UDP-only, so the named port forwards.
    assert_eq!(ports::resolve_pod(&coredns_pod(), "dns"), Ok((53, 53)));
}

#[test]
fn forwarded_pod_is_kubectls_pick() {
    let mk = |name: &str, node: Option<&str>, status: Value, created: &str| {
        pod(
            json!({"metadata": {"name": name, "namespace": "ns", "creationTimestamp": created},
                   "spec": {"nodeName": node, "containers": [{"name": "c"}]}, "status": status}),
        )
    };
    let ready_at = |t: &str, restarts: i32| {
        json!({"phase": "Running",
               "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": t}],
               "containerStatuses": [{"name": "c", "image": "", "imageID": "", "ready": true, "restartCount": restarts}]})
    };
    let pending = mk(
        "pending",
        None,
        json!({"phase": "Pending"}),
        "2025-01-01T00:00:00Z",
    );
    let unready = mk(
        "unready",
        Some("n1"),
        running(false),
        "2025-01-01T00:00:00Z",
    );
    let young = mk(
        "young",
        Some("n1"),
        ready_at("2025-06-11T09:30:00Z", 0),
        "2025-01-01T00:00:00Z",
    );
    let old = mk(
        "old",
        Some("n1"),
        ready_at("2025-06-11T08:00:00Z", 0),
        "2025-01-01T00:00:00Z",
    );
    let crashy = mk(
        "crashy",
        Some("n1"),
        ready_at("2025-06-11T08:00:00Z", 4),
        "2025-01-01T00:00:00Z",
    );
    let name = |ps: Vec<Pod>| {
        ports::forwarded_pod(&ps)
            .and_then(|p| p.metadata.name.clone())
            .unwrap()
    };
    assert_eq!(name(vec![pending.clone(), unready.clone()]), "unready");
    assert_eq!(name(vec![unready.clone(), young.clone()]), "young");
    assert_eq!(name(vec![young.clone(), old.clone(), unready]), "old");
    assert_eq!(name(vec![crashy, old.clone()]), "old");
    assert_eq!(name(vec![pending]), "pending");
    assert!(ports::forwarded_pod(&[]).is_none());
}

// ------------------------------------------------------------------------------------------
// ports::check on services
// ------------------------------------------------------------------------------------------

fn svc_evidence(s: &Service, pods: Vec<Pod>) -> Evidence {
    Evidence {
        object: Some(serde_json::to_value(s).unwrap()),
        all_pods: Some(pods.clone()),
        pods,
        services: Some(vec![s.clone()]),
        ..Evidence::default()
    }
}

fn check_svc(s: &Service, ev: &Evidence, port: Option<&str>) -> Vec<Finding> {
    let mut subject = Subject::new(
        SubjectKind::Service,
        s.metadata.namespace.as_deref().unwrap(),
        s.metadata.name.as_deref().unwrap(),
    );
    subject.port = port.map(str::to_string);
    ports::check(&subject, ev, now())
}

/// Runbook 000: `kubectl port-forward -n argowf svc/iris-default 8080:8080`.
#[test]
fn iris_default_8080_is_not_a_service_port() {
    let s = iris_default();
    let ev = svc_evidence(&s, vec![seldon_ok()]);
    for spec in ["8080:8080", "8080"] {
        let fs = check_svc(&s, &ev, Some(spec));
        assert_eq!(ids(&fs), ["port.no-service-port"], "{spec}");
        let f = &fs[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.subject, "service/iris-default");
        assert_eq!(
            f.title,
            "Service iris-default does not have a service port 8080"
        );
        assert_eq!(
            facts(f),
            ["ports of service/iris-default: 8000/TCP (http), 5001/TCP (grpc)"]
        );
        assert!(
            f.meaning
                .contains("Use 8000: Seldon's executor serves REST on 8000 (gRPC on 5001)."),
            "{}",
            f.meaning
        );
        assert_eq!(
            f.fix,
            ["kubectl port-forward svc/iris-default -n argowf 8080:8000"]
        );
        assert_eq!(
            f.act,
            Some(Act::PortForward {
                namespace: "argowf".into(),
                target: "svc/iris-default".into(),
                local: 8080,
                remote: 8000
            })
        );
    }
}

#[test]
fn a_healthy_service_gives_nothing() {
    let s = iris_default();
    let ev = svc_evidence(&s, vec![seldon_ok()]);
    for port in [
        None,
        Some("8000"),
        Some("8080:8000"),
        Some("http"),
        Some("grpc"),
        Some(":5001"),
    ] {
        assert_eq!(
            ids(&check_svc(&s, &ev, port)),
            Vec::<&str>::new(),
            "{port:?}"
        );
    }
    // With its Endpoints read too.
    let ep: Endpoints = serde_json::from_value(json!({
        "metadata": {"name": "iris-default", "namespace": "argowf"},
        "subsets": [{"addresses": [{"ip": "10.42.0.23", "targetRef": {"kind": "Pod", "name": SDEP_POD}}],
                     "ports": [{"name": "http", "port": 8000, "protocol": "TCP"},
                               {"name": "grpc", "port": 5001, "protocol": "TCP"}]}]
    }))
    .unwrap();
    let ev = Evidence {
        endpoints: Some(vec![ep]),
        ..ev
    };
    assert!(check_svc(&s, &ev, Some("8000")).is_empty());
}

#[test]
fn iris_default_in_the_demo_state() {
    // The pod cannot pull its image: Pending, not ready, its IP among notReadyAddresses.
    let s = iris_default();
    let ep: Endpoints = serde_json::from_value(json!({
        "metadata": {"name": "iris-default", "namespace": "argowf"},
        "subsets": [{"notReadyAddresses": [{"ip": "10.42.0.23", "targetRef": {"kind": "Pod", "name": SDEP_POD}}],
                     "ports": [{"name": "http", "port": 8000, "protocol": "TCP"}]}]
    }))
    .unwrap();
    let ev = Evidence {
        endpoints: Some(vec![ep]),
        ..svc_evidence(&s, vec![seldon_pending()])
    };
    let fs = check_svc(&s, &ev, Some("8080:8080"));
    assert_eq!(
        ids(&fs),
        [
            "port.no-service-port",
            "port.pod-not-running",
            "port.no-ready-endpoints"
        ]
    );
    let f = one(&fs, "port.pod-not-running");
    assert_eq!(
        f.title,
        "unable to forward port because pod is not running. Current status=Pending"
    );
    assert_eq!(f.subject, format!("pod/{SDEP_POD}"));
    assert!(
        f.evidence.contains(&Proof::State {
            pod: SDEP_POD.into(),
            container: "classifier".into(),
            text:
                "waiting: ImagePullBackOff: Back-off pulling image \"ghcr.io/jtayl222/iris:latest\""
                    .into()
        })
    );
    let f = one(&fs, "port.no-ready-endpoints");
    assert_eq!(
        f.title,
        format!("service/iris-default has no ready endpoints: pod/{SDEP_POD} is not ready")
    );
    assert_eq!(
        facts(f),
        ["k8sgpt: Service has not ready endpoints, pods: 10.42.0.23:8000, expected 1"]
    );
    assert_eq!(
        f.act,
        Some(Act::Events {
            namespace: "argowf".into(),
            object: format!("pod/{SDEP_POD}")
        })
    );
    // Without a tried port the pod's phase is the status check's business.
    assert_eq!(ids(&check_svc(&s, &ev, None)), ["port.no-ready-endpoints"]);
}

#[test]
fn named_service_port_that_does_not_exist() {
    let s = iris_default();
    let ev = svc_evidence(&s, vec![seldon_ok()]);
    let fs = check_svc(&s, &ev, Some("rest"));
    assert_eq!(ids(&fs), ["port.no-named-service-port"]);
    assert_eq!(
        fs[0].title,
        "Service 'iris-default' does not have a named port 'rest'"
    );
    // A bare name is LOCAL and REMOTE: the local port becomes the suggested service port.
    assert_eq!(
        fs[0].fix,
        ["kubectl port-forward svc/iris-default -n argowf 8000:8000"]
    );
}

#[test]
fn kserve_raw_target_port_tried_as_service_port() {
    let s = kserve_raw_svc();
    let ev = svc_evidence(&s, vec![kserve_raw_pod()]);
    let fs = check_svc(&s, &ev, Some("8080:8080"));
    assert_eq!(ids(&fs), ["port.no-service-port"]);
    assert_eq!(
        fs[0].title,
        "Service sklearn-iris-predictor does not have a service port 8080"
    );
    assert!(fs[0].meaning.contains(
        "Use 80: 8080 is the container port behind service 80 (its targetPort); a port-forward to a service takes the service port."
    ), "{}", fs[0].meaning);
    assert_eq!(
        facts(&fs[0]),
        [
            "ports of service/sklearn-iris-predictor: 80/TCP (http)",
            "service port 80/TCP (http) goes to container port 8080 (targetPort)"
        ]
    );
    assert_eq!(
        fs[0].fix,
        ["kubectl port-forward svc/sklearn-iris-predictor -n kserve-test 8080:80"]
    );
    assert!(check_svc(&s, &ev, Some("8080:80")).is_empty());
}

#[test]
fn serverless_kserve_predictor_cannot_be_forwarded() {
    let s = svc(json!({
        "metadata": {"name": "iris-model-predictor", "namespace": "user-example-com",
                     "labels": {"serving.kserve.io/inferenceservice": "iris-model"}},
        "spec": {"type": "ExternalName", "externalName": "knative-local-gateway.istio-system.svc.cluster.local",
                 "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}]}
    }));
    let isvc = json!({"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
        "metadata": {"name": "iris-model", "namespace": "user-example-com"},
        "status": {"url": "http://iris-model.user-example-com.example.com"}});
    let ev = Evidence {
        object: Some(serde_json::to_value(&s).unwrap()),
        all_pods: Some(vec![kserve_pod()]),
        custom: [("InferenceService".to_string(), vec![isvc])].into(),
        ..Evidence::default()
    };
    let fs = check_svc(&s, &ev, Some("8080:80"));
    assert_eq!(ids(&fs), ["port.no-selector"]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.title,
        "cannot attach to *v1.Service: invalid service 'iris-model-predictor': Service is defined without a selector"
    );
    assert_eq!(
        facts(f),
        [
            "service/iris-model-predictor is type ExternalName: a DNS alias for knative-local-gateway.istio-system.svc.cluster.local"
        ]
    );
    assert!(
        f.meaning
            .contains("serverless KServe predictor of InferenceService iris-model")
    );
    assert_eq!(
        f.fix,
        [
            "kubectl port-forward -n istio-system svc/istio-ingressgateway 8080:80".to_string(),
            "curl -H \"Host: iris-model.user-example-com.example.com\" http://localhost:8080/v1/models/iris-model".to_string(),
            format!("kubectl port-forward pod/{ISVC_POD} -n user-example-com 8080:8080"),
        ]
    );
    assert_eq!(
        f.act,
        Some(Act::PortForward {
            namespace: "user-example-com".into(),
            target: format!("pod/{ISVC_POD}"),
            local: 8080,
            remote: 8080
        })
    );
    // Asked about without a port: the same, as information.
    let fs = check_svc(&s, &ev, None);
    assert_eq!(fs[0].severity, Severity::Info);
}

#[test]
fn selector_less_service_with_endpoints_kept_by_hand() {
    let s = svc(json!({
        "metadata": {"name": "legacy-db", "namespace": "shop"},
        "spec": {"clusterIP": "10.96.3.3", "ports": [{"port": 5432, "protocol": "TCP"}]}
    }));
    let ep: Endpoints = serde_json::from_value(json!({
        "metadata": {"name": "legacy-db", "namespace": "shop"},
        "subsets": [{"addresses": [{"ip": "10.42.1.9", "targetRef": {"kind": "Pod", "name": "pg-0"}}],
                     "ports": [{"port": 5432, "protocol": "TCP"}]}]
    }))
    .unwrap();
    let ev = Evidence {
        endpoints: Some(vec![ep]),
        ..svc_evidence(&s, vec![])
    };
    let fs = check_svc(&s, &ev, Some("5432"));
    assert_eq!(ids(&fs), ["port.no-selector"]);
    assert_eq!(
        facts(&fs[0]),
        [
            "service/legacy-db has no spec.selector",
            "endpoints of service/legacy-db: 10.42.1.9:5432"
        ]
    );
    assert_eq!(
        fs[0].fix,
        ["kubectl port-forward pod/pg-0 -n shop 5432:5432"]
    );
}

#[test]
fn udp_only_port() {
    let s = dns_svc(false);
    let ev = svc_evidence(&s, vec![coredns_pod()]);
    let fs = check_svc(&s, &ev, Some("53"));
    assert_eq!(ids(&fs), ["port.udp"]);
    assert_eq!(fs[0].title, "UDP protocol is not supported for 53");
    assert_eq!(
        fs[0].fix,
        ["kubectl port-forward svc/kube-dns -n kube-system 53:9153"]
    );
    assert!(check_svc(&s, &ev, Some("9153")).is_empty());
    let both = dns_svc(true);
    assert!(check_svc(&both, &svc_evidence(&both, vec![coredns_pod()]), Some("53")).is_empty());
}

#[test]
fn named_target_port_no_container_declares() {
    let s = named_target_svc();
    let bad = web_pod(
        json!([{"name": "http", "containerPort": 3000, "protocol": "TCP"}]),
        json!([]),
    );
    let ev = svc_evidence(&s, vec![bad]);
    for port in [None, Some("80")] {
        let fs = check_svc(&s, &ev, port);
        assert_eq!(ids(&fs), ["port.no-named-pod-port"], "{port:?}");
        let f = &fs[0];
        assert_eq!(f.title, "Pod 'web-1' does not have a named port 'http-web'");
        assert_eq!(
            facts(f),
            [
                "Popeye: [POP-1106] No target ports match service port TCP:http:80",
                "app: 3000/TCP (http)"
            ]
        );
        assert_eq!(
            f.fix,
            [
                "kubectl patch svc web -n shop --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/ports/0/targetPort\",\"value\":3000}]'   # 3000 is the pod's only port",
                "or name the container port http-web in the pod template",
                "kubectl port-forward pod/web-1 -n shop 3000:3000",
            ]
        );
    }
    let good = web_pod(
        json!([{"name": "http-web", "containerPort": 3000, "protocol": "TCP"}]),
        json!([]),
    );
    assert!(check_svc(&s, &svc_evidence(&s, vec![good]), Some("80")).is_empty());
}

// ------------------------------------------------------------------------------------------
// Real fixtures: Popeye's port-mismatch set, k9s's nginx
// ------------------------------------------------------------------------------------------

fn popeye() -> (Vec<Service>, Vec<Pod>, Vec<Endpoints>) {
    (
        objects("services-list-popeye-port-mismatch-fixture.yaml"),
        objects("pods-list-popeye-p1-containerport-9090-fixture.yaml"),
        objects("endpoints-list-popeye-port-mismatch-fixture.yaml"),
    )
}

fn popeye_ev(s: &Service, pods: &[Pod], eps: &[Endpoints]) -> Evidence {
    let sel = s
        .spec
        .as_ref()
        .unwrap()
        .selector
        .clone()
        .unwrap_or_default();
    let selected: Vec<Pod> = pods
        .iter()
        .filter(|p| {
            !sel.is_empty()
                && sel
                    .iter()
                    .all(|(k, v)| p.metadata.labels.as_ref().and_then(|l| l.get(k)) == Some(v))
        })
        .cloned()
        .collect();
    Evidence {
        object: Some(serde_json::to_value(s).unwrap()),
        pods: selected,
        all_pods: Some(pods.to_vec()),
        endpoints: Some(eps.to_vec()),
        ..Evidence::default()
    }
}

#[test]
fn popeye_port_mismatch_fixtures() {
    let (svcs, pods, eps) = popeye();
    let by = |n: &str| {
        svcs.iter()
            .find(|s| s.metadata.name.as_deref() == Some(n))
            .unwrap()
    };
    let run = |n: &str, port: Option<&str>| {
        let s = by(n);
        check_svc(s, &popeye_ev(s, &pods, &eps), port)
    };
    // svc1 -> pod p1: targetPort 9090 is p1's containerPort http 9090, but its Endpoints (hand
    // edited) say 4000.
    let fs = run("svc1", None);
    assert_eq!(ids(&fs), ["port.endpoints-mismatch"]);
    assert_eq!(
        fs[0].title,
        "the endpoints of service/svc1 send port 9090 to 4000, not to its targetPort 9090"
    );
    assert_eq!(ids(&run("svc1", Some("9090"))), ["port.endpoints-mismatch"]);
    assert_eq!(ids(&run("svc1", Some("http"))), ["port.endpoints-mismatch"]);
    let fs = run("svc1", Some("8080"));
    assert_eq!(
        ids(&fs),
        ["port.no-service-port", "port.endpoints-mismatch"]
    );
    assert_eq!(
        fs[0].title,
        "Service svc1 does not have a service port 8080"
    );
    assert_eq!(
        fs[0].fix,
        ["kubectl port-forward svc/svc1 -n default 8080:9090"]
    );
    assert!(
        fs[0]
            .meaning
            .contains("Use 9090: 9090 is the service's only port.")
    );

    // svc2, svc4, svc5: no pod carries their app label.
    for n in ["svc2", "svc4", "svc5"] {
        assert_eq!(ids(&run(n, None)), ["port.no-pods"], "{n}");
    }
    let f = &run("svc2", Some("80"))[0];
    assert_eq!(
        f.title,
        "service/svc2 selects no pods: no pod in default has app=p2"
    );
    assert!(f.meaning.contains("timed out waiting for the condition"));
    assert_eq!(
        f.fix[0],
        "kubectl get pods -n default -l app=p2 --show-labels"
    );
    // p1 has app=p1: a near miss for the single-key selector app=p2.
    assert_eq!(
        facts(f),
        [
            "selector of service/svc2: app=p2",
            "pod/p1 has app=p1 (the selector wants app=p2)"
        ]
    );

    // svc3 is ExternalName, with a selector besides.
    assert_eq!(
        ids(&run("svc3", None)),
        ["port.external-name", "port.no-pods"]
    );
}

#[test]
fn popeye_1106_target_matching_no_container_port() {
    let (svcs, pods, _) = popeye();
    let mut s = svcs[0].clone();
    s.spec.as_mut().unwrap().ports.as_mut().unwrap()[0].target_port =
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(9091));
    let fs = check_svc(&s, &popeye_ev(&s, &pods, &[]), None);
    assert_eq!(ids(&fs), ["port.target-not-declared"]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.title,
        "service port 9090/TCP (http) of service/svc1 goes to port 9091, which no container of pod/p1 declares"
    );
    assert_eq!(
        facts(f),
        [
            "Popeye: [POP-1106] No target ports match service port TCP:http:9090",
            "c1: 9090/TCP (http)"
        ]
    );
    assert_eq!(
        f.fix,
        [
            "kubectl patch svc svc1 -n default --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/ports/0/targetPort\",\"value\":9090}]'",
            "kubectl port-forward pod/p1 -n default 9090:9090",
        ]
    );
    // A pod that declares no port at all is not checked (Popeye's POP-1101 skip).
    let mut bare = pods[0].clone();
    bare.spec.as_mut().unwrap().containers[0].ports = None;
    assert!(check_svc(&s, &popeye_ev(&s, &[bare], &[]), None).is_empty());
}

#[test]
fn k9s_nginx_service_and_pod() {
    let s: Service = objects("service-nodeport-nginx-k9s.json").remove(0);
    let nginx: Pod = objects("pod-nginx-running-k9s.json").remove(0);
    // As captured, the pod has no labels: the service selects nothing.
    let fs = check_svc(
        &s,
        &popeye_ev(&s, std::slice::from_ref(&nginx), &[]),
        Some("8080"),
    );
    assert_eq!(ids(&fs), ["port.no-pods"]);
    assert_eq!(facts(&fs[0]), ["selector of service/nginx: app=nginx"]);

    // Labelled as the service expects: healthy, 8080 -> 80.
    let mut labelled = nginx.clone();
    labelled.metadata.labels = Some([("app".to_string(), "nginx".to_string())].into());
    let ev = popeye_ev(&s, std::slice::from_ref(&labelled), &[]);
    assert!(check_svc(&s, &ev, Some("8080")).is_empty());
    assert!(check_svc(&s, &ev, None).is_empty());
    assert_eq!(ports::resolve(&s, Some(&labelled), "8080"), Ok((8080, 80)));
    // The container port tried as the service port.
    let fs = check_svc(&s, &ev, Some("80"));
    assert_eq!(ids(&fs), ["port.no-service-port"]);
    assert_eq!(fs[0].title, "Service nginx does not have a service port 80");
    assert_eq!(
        fs[0].fix,
        ["kubectl port-forward svc/nginx -n default 80:8080"]
    );
    assert!(
        fs[0]
            .meaning
            .contains("80 is the container port behind service 8080")
    );

    // Labelled almost right.
    let mut canary = nginx;
    canary.metadata.labels = Some([("app".to_string(), "nginx-canary".to_string())].into());
    let fs = check_svc(&s, &popeye_ev(&s, std::slice::from_ref(&canary), &[]), None);
    assert_eq!(
        facts(&fs[0]),
        [
            "selector of service/nginx: app=nginx",
            "pod/nginx has app=nginx-canary (the selector wants app=nginx)"
        ]
    );
}

#[test]
fn unread_pods_are_not_reported_as_missing() {
    let s = iris_default();
    let ev = Evidence {
        object: Some(serde_json::to_value(&s).unwrap()),
        missing: vec![Missing {
            what: "pods in argowf".into(),
            reason: "pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" in the namespace \"argowf\"".into(),
        }],
        ..Evidence::default()
    };
    assert!(check_svc(&s, &ev, None).is_empty());
    // The tried port is still checked against the service's own ports.
    assert_eq!(
        ids(&check_svc(&s, &ev, Some("8080"))),
        ["port.no-service-port"]
    );
}

// ------------------------------------------------------------------------------------------
// Pod subjects
// ------------------------------------------------------------------------------------------

fn check_pod(p: &Pod, port: Option<&str>) -> Vec<Finding> {
    let (mut s, ev) = with_pods(
        SubjectKind::Pod,
        p.metadata.namespace.as_deref().unwrap(),
        p.metadata.name.as_deref().unwrap(),
        vec![p.clone()],
    );
    s.port = port.map(str::to_string);
    ports::check(&s, &ev, now())
}

#[test]
fn pod_port_not_declared() {
    let p = seldon_ok();
    let fs = check_pod(&p, Some("8080"));
    assert_eq!(ids(&fs), ["port.not-declared"]);
    let f = &fs[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.title, format!("pod/{SDEP_POD} declares no port 8080"));
    assert_eq!(
        facts(f),
        [
            "classifier: 9000/TCP (http), 9500/TCP (grpc), 6000/TCP (metrics)",
            "seldon-container-engine: 8000/TCP (http), 5001/TCP (grpc)"
        ]
    );
    assert!(
        f.meaning
            .contains("Use 8000: Seldon's executor serves REST on 8000")
    );
    assert_eq!(
        f.fix,
        [format!(
            "kubectl port-forward pod/{SDEP_POD} -n argowf 8080:8000"
        )]
    );
    for ok in ["9000", "8000", "http", "7000:grpc"] {
        assert!(check_pod(&p, Some(ok)).is_empty(), "{ok}");
    }
    assert!(check_pod(&p, None).is_empty());
    // The KServe pod: its model server's 8080, not the sidecars' ports.
    let fs = check_pod(&kserve_pod(), Some("80"));
    assert_eq!(
        fs[0].fix,
        [format!(
            "kubectl port-forward pod/{ISVC_POD} -n user-example-com 80:8080"
        )]
    );
}

#[test]
fn pod_named_port_udp_and_phase() {
    let p = seldon_ok();
    let fs = check_pod(&p, Some("admin"));
    assert_eq!(ids(&fs), ["port.no-named-pod-port"]);
    assert_eq!(
        fs[0].title,
        format!("Pod '{SDEP_POD}' does not have a named port 'admin'")
    );
    let udp = pod(json!({
        "metadata": {"name": "statsd-0", "namespace": "mon"},
        "spec": {"containers": [{"name": "statsd", "ports": [
            {"name": "statsd", "containerPort": 8125, "protocol": "UDP"},
            {"name": "admin", "containerPort": 8126, "protocol": "TCP"}]}]},
        "status": running(true)
    }));
    let fs = check_pod(&udp, Some("statsd"));
    assert_eq!(ids(&fs), ["port.udp"]);
    assert_eq!(fs[0].title, "UDP protocol is not supported for statsd");
    assert_eq!(
        fs[0].fix,
        ["kubectl port-forward pod/statsd-0 -n mon 8126:8126"]
    );

    let fs = check_pod(&seldon_pending(), Some("8000"));
    assert_eq!(ids(&fs), ["port.pod-not-running"]);
    let fs = check_pod(&p, Some("x:8000"));
    assert_eq!(ids(&fs), ["port.bad-spec"]);
    assert_eq!(
        fs[0].title,
        "error parsing local port 'x': strconv.ParseUint: parsing \"x\": invalid syntax"
    );
}

// ------------------------------------------------------------------------------------------
// Probes
// ------------------------------------------------------------------------------------------

fn probe(pod: &str, port: u16, outcome: Result<&str, &str>) -> ProbeResult {
    ProbeResult {
        namespace: "argowf".into(),
        pod: pod.into(),
        port,
        outcome: outcome.map(str::to_string).map_err(str::to_string),
    }
}

#[test]
fn probes_say_what_listens() {
    let s = iris_default();
    let refused = "error forwarding port 5001 to pod 0b5a, uid : failed to connect to localhost:5001 inside namespace: connect: connection refused";
    let ev = Evidence {
        probes: vec![
            probe(SDEP_POD, 8000, Ok("HTTP/1.1 200 OK")),
            probe(SDEP_POD, 5001, Err(refused)),
            probe("someone-else", 8000, Err("connection refused")),
        ],
        ..svc_evidence(&s, vec![seldon_ok()])
    };
    let fs = check_svc(&s, &ev, None);
    assert_eq!(ids(&fs), ["port.answered", "port.nothing-listening"]);
    assert_eq!(fs[0].severity, Severity::Info);
    assert_eq!(
        fs[0].title,
        format!("port 8000 of pod/{SDEP_POD} answers: HTTP/1.1 200 OK")
    );
    let f = &fs[1];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.subject, format!("pod/{SDEP_POD}"));
    assert_eq!(
        f.title,
        format!("nothing answers on port 5001 of pod/{SDEP_POD}")
    );
    assert_eq!(facts(f)[0], format!("probe of {SDEP_POD}:5001: {refused}"));
    assert_eq!(
        f.fix,
        [
            format!(
                "kubectl logs {SDEP_POD} -n argowf -c seldon-container-engine   # which address and port did the app bind?"
            ),
            "Try the declared port 8000 (Seldon's executor serves REST on 8000 (gRPC on 5001)):"
                .to_string(),
            format!("kubectl port-forward pod/{SDEP_POD} -n argowf 8000:8000"),
        ]
    );
    // The same probes on a pod subject.
    let mut subject = Subject::new(SubjectKind::Pod, "argowf", SDEP_POD);
    subject.port = Some("8000".into());
    let ev = Evidence {
        pods: vec![seldon_ok()],
        probes: ev.probes.clone(),
        ..Evidence::default()
    };
    assert_eq!(
        ids(&ports::check(&subject, &ev, now())),
        ["port.answered", "port.nothing-listening"]
    );
}

#[test]
fn probe_plan_names_the_ready_pod_and_its_target_port() {
    let s = iris_default();
    let plan = |s: &Service, pods: Vec<Pod>, port: Option<&str>| {
        let mut subject = Subject::new(
            SubjectKind::Service,
            s.metadata.namespace.as_deref().unwrap(),
            s.metadata.name.as_deref().unwrap(),
        );
        subject.port = port.map(str::to_string);
        ports::probe_plan(&subject, &svc_evidence(s, pods))
    };
    let want = |port: u16| Some(("argowf".to_string(), SDEP_POD.to_string(), port));
    assert_eq!(plan(&s, vec![seldon_ok()], Some("8000")), want(8000));
    assert_eq!(plan(&s, vec![seldon_ok()], Some("grpc")), want(5001));
    // A wrong port: the one the check suggests.
    assert_eq!(plan(&s, vec![seldon_ok()], Some("8080:8080")), want(8000));
    assert_eq!(plan(&s, vec![seldon_ok()], None), want(8000));
    assert_eq!(plan(&s, vec![seldon_pending()], Some("8000")), None);
    assert_eq!(plan(&s, vec![], Some("8000")), None);
    // Service port 80 is container port 8080.
    assert_eq!(
        plan(&kserve_raw_svc(), vec![kserve_raw_pod()], Some("80")),
        Some((
            "kserve-test".to_string(),
            "sklearn-iris-predictor-5d9c7f-abcde".to_string(),
            8080
        ))
    );
    // A pod subject.
    let mut subject = Subject::new(SubjectKind::Pod, "argowf", SDEP_POD);
    let ev = Evidence {
        pods: vec![seldon_ok()],
        ..Evidence::default()
    };
    assert_eq!(ports::probe_plan(&subject, &ev), want(8000));
    subject.port = Some("9000".into());
    assert_eq!(ports::probe_plan(&subject, &ev), want(9000));
    subject.port = Some("8080:grpc".into());
    assert_eq!(ports::probe_plan(&subject, &ev), want(9500));
    let ev = Evidence {
        pods: vec![seldon_pending()],
        ..Evidence::default()
    };
    assert_eq!(ports::probe_plan(&subject, &ev), None);
}

// ------------------------------------------------------------------------------------------
// The demo scenario's own objects
// ------------------------------------------------------------------------------------------

fn demo<T: serde::de::DeserializeOwned>(kind: &str, ns: &str) -> Vec<T> {
    kdoc::sim::scenario::mlops::scenario(now())
        .objects
        .into_iter()
        .filter(|o| o["kind"] == kind && o["metadata"]["namespace"] == ns)
        .map(|o| serde_json::from_value(o).unwrap())
        .collect()
}

#[test]
fn demo_scenario_runbook_000() {
    let pods: Vec<Pod> = demo("Pod", "argowf");
    let kaniko = pods
        .iter()
        .find(|p| p.metadata.name.as_deref() == Some(ARGO_POD))
        .expect("the demo's kaniko step pod")
        .clone();
    let fs = containers_for(kaniko, Some("kaniko"));
    assert_eq!(ids(&fs), ["container-name.not-found"]);
    assert_eq!(
        fs[0].title,
        "container kaniko is not valid for pod iris-demo-kaniko-2925953904"
    );
    assert_eq!(
        fs[0].fix,
        [
            "kubectl logs iris-demo-kaniko-2925953904 -n argowf -c main",
            "argo logs iris-demo iris-demo-kaniko-2925953904 -n argowf -c main",
        ]
    );

    let services: Vec<Service> = demo("Service", "argowf");
    let s = services
        .iter()
        .find(|s| s.metadata.name.as_deref() == Some("iris-default"))
        .expect("service iris-default")
        .clone();
    let ev = Evidence {
        object: Some(serde_json::to_value(&s).unwrap()),
        all_pods: Some(pods),
        services: Some(services),
        ..Evidence::default()
    };
    let fs = check_svc(&s, &ev, Some("8080:8080"));
    // At the start the model image cannot be pulled (the pod is Pending).
    assert_eq!(
        ids(&fs),
        [
            "port.no-service-port",
            "port.pod-not-running",
            "port.no-ready-endpoints"
        ]
    );
    assert_eq!(
        fs[0].title,
        "Service iris-default does not have a service port 8080"
    );
    assert_eq!(
        facts(&fs[0]),
        ["ports of service/iris-default: 8000/TCP (http), 5001/TCP (grpc)"]
    );
    assert_eq!(
        fs[0].fix,
        ["kubectl port-forward svc/iris-default -n argowf 8080:8000"]
    );
}
