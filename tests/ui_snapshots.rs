//! What the TUI draws, as text: `kdoc::ui::draw` rendered into ratatui's `TestBackend` for a
//! state built through the reducer from the built-in `mlops` scenario at a fixed moment, so
//! ages and "(4m ago)" never move. Review changed snapshots by eye (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test ui_snapshots` and `git diff tests/snapshots`).
//! The harness is `tests/common/ui.rs`.

mod common;

use ratatui::buffer::Buffer;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use k8s_openapi::api::core::v1::{Endpoints, Pod, Service};
use kdoc::app::model::{App, AppMsg};
use kdoc::config::keymap::Keymap;
use kdoc::config::theme::Theme;
use kdoc::core::actions::Action;
use kdoc::core::cluster_event::{ClusterEvent, Conn};
use kdoc::core::panes::containers::ContainersPane;
use kdoc::core::panes::pods::PodsPane;
use kdoc::core::panes::services::ServicesPane;
use kdoc::core::panes::steps::StepsPane;
use kdoc::core::panes::workflows::WorkflowsPane;
use kdoc::core::pods::PodEntry;
use kdoc::core::services::ServiceEntry;
use kdoc::core::state::{AppState, Msg, Scope};
use kdoc::core::workflows::WfKind;
use serde_json::{Value, json};

use common::ui::{
    BASE, base, cluster, mlops_state, new_state, render, render_with, scenario_pods, screen,
    state_with, text,
};

#[test]
fn pods_all_namespaces_80x24() {
    let s = mlops_state(Scope::All);
    let t = screen(&s, 80, 24);
    assert!(t.contains("ns all"), "{t}");
    insta::assert_snapshot!("pods_all_80x24", t);
}

#[test]
fn pods_all_namespaces_160x48() {
    let s = mlops_state(Scope::All);
    let t = screen(&s, 160, 48);
    // Wide enough for IP and NODE.
    assert!(t.contains(" IP ") && t.contains("NODE"), "{t}");
    insta::assert_snapshot!("pods_all_160x48", t);
}

#[test]
fn pods_one_namespace() {
    let s = mlops_state(Scope::Namespace("argowf".into()));
    let t = screen(&s, 120, 24);
    assert!(t.contains("ns argowf"), "{t}");
    assert!(
        !t.contains("NAMESPACE"),
        "no namespace column when scoped:\n{t}"
    );
    insta::assert_snapshot!("pods_ns_argowf_120x24", t);
}

#[test]
fn filter_kaniko() {
    let mut s = mlops_state(Scope::All);
    s.update(Msg::Action(Action::Filter));
    s.update(Msg::PromptText("kaniko".into()));
    s.update(Msg::Action(Action::Select));
    assert!(s.prompt.is_none(), "enter closes the prompt");
    let pods = s.find::<PodsPane>().expect("the pods pane");
    assert_eq!(pods.filter.text, "kaniko");
    assert_eq!(pods.rows.len(), 1);
    assert_eq!(pods.rows[0].name, "iris-demo-kaniko-2925953904");
    let t = screen(&s, 120, 24);
    assert!(t.contains("</kaniko>"), "{t}");
    assert!(t.contains("iris-demo-kaniko-2925953904"), "{t}");
    insta::assert_snapshot!("filter_kaniko_120x24", t);
}

#[test]
fn help_overlay() {
    // `?` through the built-in keymap, as the app opens help (it knows the keys).
    let mut app = App::new(mlops_state(Scope::All), Keymap::builtin());
    app.update(AppMsg::Key(KeyEvent::new(
        KeyCode::Char('?'),
        KeyModifiers::NONE,
    )));
    let s: &AppState = &app.state;
    assert_eq!(s.top().name(), "help");
    let t = screen(s, 120, 36);
    assert!(t.contains("Help: pods (esc closes)"), "{t}");
    for name in ["filter", "namespaces", "sort-status", "logs"] {
        assert!(t.contains(name), "help lists {name}:\n{t}");
    }
    insta::assert_snapshot!("help_120x36", t);
    // The last entry, a page down.
    app.update(AppMsg::Key(KeyEvent::new(
        KeyCode::Char('G'),
        KeyModifiers::NONE,
    )));
    let t = screen(&app.state, 120, 36);
    assert!(t.contains("Quit kdoc"), "help lists quit:\n{t}");
}

#[test]
fn namespace_picker() {
    let mut s = mlops_state(Scope::All);
    let namespaces = [
        "argowf",
        "default",
        "mlflow",
        "mlops",
        "private-ai-demo",
        "user-example-com",
    ];
    cluster(
        &mut s,
        ClusterEvent::NamespacesReset(namespaces.iter().map(|n| n.to_string()).collect()),
    );
    s.update(Msg::Action(Action::Namespaces));
    assert_eq!(s.top().name(), "picker");
    let t = screen(&s, 80, 24);
    assert!(t.contains("Namespaces (enter picks, esc closes)"), "{t}");
    assert!(t.contains("<all namespaces>"), "{t}");
    for n in namespaces {
        assert!(t.contains(n), "picker lists {n}:\n{t}");
    }
    insta::assert_snapshot!("namespace_picker_80x24", t);
}

#[test]
fn api_error() {
    // As the pods watch reports a 403: the server answered (connected), the list failed.
    let mut s = new_state(Scope::Namespace("argowf".into()));
    cluster(&mut s, ClusterEvent::Conn(Conn::Connected));
    cluster(
        &mut s,
        ClusterEvent::PodsError(
            "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" in the namespace \"argowf\"".into(),
        ),
    );
    assert!(s.cache.pods_error.is_some());
    let t = screen(&s, 80, 24);
    assert!(t.contains("The API server refused to list pods:"), "{t}");
    assert!(t.contains("pods is forbidden"), "{t}");
    insta::assert_snapshot!("api_error_80x24", t);
}

#[test]
fn reconnecting_header() {
    let mut s = mlops_state(Scope::All);
    cluster(
        &mut s,
        ClusterEvent::Conn(Conn::Reconnecting {
            attempt: 3,
            error: "connection refused".into(),
        }),
    );
    let t = screen(&s, 100, 16);
    assert!(
        t.contains("reconnecting, attempt 3: connection refused"),
        "{t}"
    );
    insta::assert_snapshot!("reconnecting_100x16", t);
}

/// The cluster layer says requests are slow: the header says so (beside the connection,
/// which is fine), and stops once they are quick again.
#[test]
fn slow_cluster_header() {
    let mut s = mlops_state(Scope::All);
    let rev = s.cache.revs.conn;
    cluster(
        &mut s,
        ClusterEvent::Slow(Some(std::time::Duration::from_millis(2000))),
    );
    assert!(
        s.cache.revs.conn > rev,
        "panes that show the connection redraw"
    );
    let t = screen(&s, 100, 16);
    assert!(t.contains("● connected"), "{t}");
    assert!(t.contains("◌ cluster is slow: requests take 2.0 s"), "{t}");
    cluster(&mut s, ClusterEvent::Slow(None));
    let t = screen(&s, 100, 16);
    assert!(!t.contains("slow"), "{t}");
    cluster(
        &mut s,
        ClusterEvent::Slow(Some(std::time::Duration::from_secs(5))),
    );
    s.cache.reset(Scope::All, s.cache.watch + 1);
    assert_eq!(s.cache.slow, None, "a new watch measures afresh");
}

#[test]
fn too_small() {
    let s = mlops_state(Scope::All);
    let t = screen(&s, 50, 10);
    assert!(t.contains("Terminal too small"), "{t}");
    insta::assert_snapshot!("too_small_50x10", t);
}

#[test]
fn escape_sequences_in_names_are_sanitized() {
    let mut evil = scenario_pods()
        .into_iter()
        .find(|p| p.metadata.namespace.as_deref() == Some("argowf"))
        .expect("an argowf pod");
    evil.metadata.name = Some("evil\x1b[31m-pod".into());
    let s = state_with(Scope::Namespace("argowf".into()), vec![evil]);
    let buf = render(&s, 80, 12);
    let t = text(&buf);
    assert!(!t.contains('\x1b'), "an escape reached the screen:\n{t}");
    assert!(t.contains("evil\u{FFFD}[31m-pod"), "{t}");
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control character in cell {:?}",
            cell.symbol()
        );
    }
    insta::assert_snapshot!("sanitized_name_80x12", t);
}

/// The first column where row `y` spells `needle` (one cell per char), from column `from`.
fn find_in_row(buf: &Buffer, y: u16, from: u16, needle: &str) -> Option<u16> {
    let chars: Vec<char> = needle.chars().collect();
    let width = buf.area.width;
    (from..width.saturating_sub(chars.len() as u16 - 1)).find(|&x| {
        chars
            .iter()
            .enumerate()
            .all(|(i, c)| buf[(x + i as u16, y)].symbol() == c.to_string())
    })
}

#[test]
fn crashloop_status_is_failed_colour() {
    let s = mlops_state(Scope::All);
    let theme = Theme::builtin();
    let buf = render(&s, 160, 48);
    let screen = text(&buf);
    let (header_y, status_x) = (0..buf.area.height)
        .find_map(|y| find_in_row(&buf, y, 0, "STATUS").map(|x| (y, x)))
        .unwrap_or_else(|| panic!("the table header:\n{screen}"));
    // A CrashLoopBackOff row other than the selected one (which has the selection colours).
    let selected = s.find::<PodsPane>().expect("the pods pane").selected;
    let selected_y = header_y + 1 + selected as u16;
    let needle = "CrashLoopBackOff";
    let y = (header_y + 1..buf.area.height)
        .filter(|&y| y != selected_y)
        .find(|&y| find_in_row(&buf, y, status_x, needle) == Some(status_x))
        .unwrap_or_else(|| panic!("a CrashLoopBackOff row:\n{screen}"));
    for dx in 0..needle.len() as u16 {
        let cell = &buf[(status_x + dx, y)];
        assert_eq!(
            cell.fg, theme.failed,
            "cell {dx} of the STATUS on row {y} has fg {:?}, the theme's failed colour is {:?}:\n{screen}",
            cell.fg, theme.failed
        );
    }
    // Sanity: the failed colour is not simply what everything is drawn in.
    assert_ne!(theme.failed, theme.fg);
}

/// Hostile text as a cluster could hold it: an OSC 52 clipboard write (ended by BEL), a
/// clear-screen CSI, a right-to-left override and a C1 CSI.
const EVIL: &str = "\x1b]52;c;AAAA\x07\x1b[2J\u{202E}\u{9b}";

fn evil(s: &str) -> String {
    format!("{s}{EVIL}x")
}

/// A JSON object from pairs whose keys are not literals.
fn obj(pairs: Vec<(String, Value)>) -> Value {
    Value::Object(pairs.into_iter().collect())
}

/// Fails if a cell of `buf` holds a control character (ESC, BEL, C1, ...) or a bidi/format
/// character (U+202E, ...).
fn assert_no_control_cells(buf: &Buffer, what: &str) {
    for (i, cell) in buf.content().iter().enumerate() {
        let bad = cell.symbol().chars().find(|&c| {
            c.is_control()
                || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        });
        assert!(
            bad.is_none(),
            "{what}: {bad:?} reached cell {i} ({:?}) of the screen:\n{}",
            cell.symbol(),
            text(buf)
        );
    }
}

/// Fails if a cell of `buf` holds a control character or a bidi/format character, or if the
/// hostile text shows without the sanitiser's U+FFFD in front of what followed ESC. (ratatui
/// itself drops control characters when it fills cells, so the first check alone would pass
/// even if kdoc sanitised nothing; an unsanitised `x\x1b]52;…` would show as `x]52;…`.) Also
/// fails if there is no U+FFFD at all: then the hostile text was not on screen.
fn assert_clean(buf: &Buffer, what: &str) {
    let t = text(buf);
    assert_no_control_cells(buf, what);
    // What followed ESC in EVIL: "]52;c;AAAA" and "[2J". Before it there must be the U+FFFD
    // that replaced the ESC (or the `…` of a value cut right there).
    let chars: Vec<char> = t.chars().collect();
    for i in 1..chars.len() {
        let rest: String = chars[i..].iter().take(3).collect();
        if rest.starts_with("]5") || rest == "[2J" {
            assert!(
                matches!(chars[i - 1], '\u{FFFD}' | '…'),
                "{what}: {:?} without the sanitiser's mark before it:\n{t}",
                chars[i - 1..].iter().take(12).collect::<String>()
            );
        }
    }
    assert!(
        t.contains('\u{FFFD}'),
        "{what}: no hostile text on screen, so this proves nothing:\n{t}"
    );
}

/// The pane in front drawn at a few sizes (narrow ones cut values, wide ones add columns),
/// each checked with [`assert_clean`].
fn check(s: &AppState, what: &str) {
    for (w, h) in [(80, 24), (120, 35), (200, 50)] {
        assert_clean(&render(s, w, h), &format!("{what} at {w}x{h}"));
    }
}

/// The cursor on row `i` (from the top, with `j`s).
fn go_to(s: &mut AppState, i: usize) {
    s.update(Msg::Action(Action::Top));
    for _ in 0..i {
        s.update(Msg::Action(Action::Down));
    }
}

/// A cluster where every string a pod, a workflow (Argo and Tekton) and a service carry holds
/// [`EVIL`]; the context and cluster names too.
fn evil_cluster() -> AppState {
    let ns = evil("ns");
    let pod = evil("pod");
    let wf = evil("wf");
    let node_id = evil("wf-node");
    let other_id = evil("wf-other");
    let pr = evil("pr");
    let tr = evil("tr");

    let mut s = AppState::new(
        evil("ctx"),
        evil("cluster"),
        vec![evil("ctx")],
        Scope::All,
        false,
    );
    s.version = "9.9.9";
    s.start();
    s.update(Msg::Tick(base()));

    let the_pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": pod, "namespace": ns, "uid": "uid-evil-pod", "creationTimestamp": BASE,
            "labels": {
                "app": evil("app"),
                "workflows.argoproj.io/workflow": wf,
                "tekton.dev/taskRun": tr,
            },
            "annotations": {"workflows.argoproj.io/node-id": node_id},
        },
        "spec": {
            "nodeName": evil("node"),
            "initContainers": [{"name": evil("init"), "image": evil("init-image")}],
            "containers": [
                {
                    "name": evil("main"), "image": evil("image"),
                    "ports": [{"name": evil("http"), "containerPort": 8080, "protocol": "TCP"}],
                    "readinessProbe": {"httpGet": {"path": evil("/ready"), "port": evil("http")}},
                    "livenessProbe": {"exec": {"command": [evil("true")]}},
                },
                // No status: its state is the PodScheduled condition's message.
                {"name": evil("side"), "image": evil("side-image")},
            ],
        },
        "status": {
            "phase": "Pending",
            "reason": evil("Reason"),
            "message": evil("pod message"),
            "hostIP": evil("192.168.0.1"),
            "podIP": evil("10.0.0.1"),
            "podIPs": [{"ip": evil("10.0.0.1")}],
            "nominatedNodeName": evil("nominated"),
            "startTime": BASE,
            "conditions": [
                {"type": "PodScheduled", "status": "False", "reason": evil("Unschedulable"), "message": evil("0/1 nodes are available")},
                {"type": evil("Ready"), "status": evil("False"), "reason": evil("ContainersNotReady"), "message": evil("containers with unready status")},
            ],
            "initContainerStatuses": [{
                "name": evil("init"), "image": evil("init-image"), "imageID": "", "ready": false, "restartCount": 2,
                "state": {"waiting": {"reason": evil("CrashLoopBackOff"), "message": evil("back-off 10s")}},
                "lastState": {"terminated": {"exitCode": 1, "reason": evil("Error"), "message": evil("init failed"), "startedAt": BASE, "finishedAt": BASE}},
            }],
            "containerStatuses": [{
                "name": evil("main"), "image": evil("image"), "imageID": "", "ready": false, "restartCount": 4,
                "state": {"waiting": {"reason": evil("ImagePullBackOff"), "message": evil("Back-off pulling image")}},
                "lastState": {"terminated": {"exitCode": 137, "reason": evil("OOMKilled"), "message": evil("killed"), "startedAt": BASE, "finishedAt": BASE}},
            }],
        },
    });
    // A terminated and a running container.
    let finished = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": evil("finished"), "namespace": ns, "uid": "uid-finished", "creationTimestamp": BASE},
        "spec": {"nodeName": evil("node"), "containers": [
            {"name": evil("done"), "image": evil("image")},
            {"name": evil("up"), "image": evil("image")},
        ]},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {"name": evil("done"), "image": evil("image"), "imageID": "", "ready": false, "restartCount": 0,
                 "state": {"terminated": {"exitCode": 137, "reason": evil("OOMKilled"), "message": evil("oom"), "startedAt": BASE, "finishedAt": BASE}}},
                {"name": evil("up"), "image": evil("image"), "imageID": "", "ready": true, "restartCount": 0,
                 "state": {"running": {"startedAt": BASE}}},
            ],
        },
    });
    // STATUS from `status.reason`: no container state overrides it.
    let evicted = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": evil("evicted"), "namespace": ns, "uid": "uid-evicted", "creationTimestamp": BASE},
        "spec": {"nodeName": evil("node"), "containers": [{"name": evil("gone"), "image": evil("image")}]},
        "status": {"phase": "Failed", "reason": evil("Evicted"), "message": evil("The node was low on resource: memory.")},
    });
    // The same with a name a pod can have (only [a-z0-9.-]), run by the other Argo node: enter on
    // a step opens its pod by name.
    let mut plain = the_pod.clone();
    plain["metadata"]["name"] = json!("plain-name-pod");
    plain["metadata"]["uid"] = json!("uid-plain-name-pod");
    plain["metadata"]["annotations"]["workflows.argoproj.io/node-id"] = json!(other_id);
    let pods: Vec<PodEntry> = [the_pod, plain, finished, evicted]
        .into_iter()
        .map(|v| PodEntry::new(&serde_json::from_value::<Pod>(v).expect("a valid pod")))
        .collect();
    cluster(&mut s, ClusterEvent::PodsReset(pods));
    cluster(
        &mut s,
        ClusterEvent::NamespacesReset(vec![ns.clone(), "default".into()]),
    );

    let node = |id: &str,
                name: String,
                display: String,
                typ: &str,
                phase: String,
                msg: &str,
                extra: Value| {
        let mut n = json!({
            "id": id, "name": name, "displayName": display, "type": typ,
            "templateName": evil("template"), "phase": phase, "message": evil(msg),
            "startedAt": BASE, "finishedAt": BASE,
        });
        n.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        (id.to_string(), n)
    };
    let argo = json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
        "metadata": {"name": wf, "namespace": ns, "creationTimestamp": BASE},
        "spec": {"entrypoint": evil("main")},
        "status": {
            "phase": "Failed", "startedAt": BASE, "finishedAt": BASE, "message": evil("child failed"),
            "nodes": obj(vec![
                node(&wf, wf.clone(), wf.clone(), "DAG", "Failed".into(), "dag failed",
                     json!({"children": [node_id, other_id]})),
                node(&node_id, format!("{wf}.{}", evil("step")), evil("step"), "Pod", "Failed".into(), "step failed",
                     json!({"boundaryID": wf})),
                node(&other_id, format!("{wf}.{}", evil("other")), evil("other"), "Pod", evil("Phase"), "other message",
                     json!({"boundaryID": wf})),
            ]),
        },
    });
    let pipeline_run = json!({
        "apiVersion": "tekton.dev/v1", "kind": "PipelineRun",
        "metadata": {"name": pr, "namespace": ns, "creationTimestamp": BASE},
        "status": {
            "startTime": BASE, "completionTime": BASE,
            "conditions": [{"type": "Succeeded", "status": "False", "reason": evil("Failed"), "message": evil("Tasks Completed: 1 (Failed: 1)")}],
            "childReferences": [
                {"name": tr, "kind": "TaskRun", "pipelineTaskName": evil("task"), "displayName": evil("Task")},
                // Not in the cluster: a problem line naming it.
                {"name": evil("gone"), "kind": evil("TaskRun"), "pipelineTaskName": evil("gone-task")},
            ],
            "skippedTasks": [{"name": evil("skipped"), "reason": evil("When Expressions evaluated to false")}],
        },
    });
    let task_run = json!({
        "apiVersion": "tekton.dev/v1", "kind": "TaskRun",
        "metadata": {"name": tr, "namespace": ns, "creationTimestamp": BASE, "labels": {"tekton.dev/pipelineTask": evil("task")}},
        "status": {
            "podName": pod, "startTime": BASE, "completionTime": BASE,
            "conditions": [{"type": "Succeeded", "status": "False", "reason": evil("Failed"), "message": evil("step exited")}],
            "steps": [{
                "name": evil("build"), "container": evil("step-build"), "terminationReason": evil("Continued"),
                "terminated": {"exitCode": 1, "reason": evil("Error"), "message": evil("build failed"), "startedAt": BASE, "finishedAt": BASE},
            }],
            "sidecars": [{"name": evil("proxy"), "container": evil("sidecar-proxy"),
                          "waiting": {"reason": evil("Pulling"), "message": evil("pulling image")}}],
        },
    });
    cluster(
        &mut s,
        ClusterEvent::WorkflowsReset(WfKind::Argo, vec![argo]),
    );
    cluster(
        &mut s,
        ClusterEvent::WorkflowsReset(WfKind::Tekton, vec![pipeline_run]),
    );
    cluster(&mut s, ClusterEvent::TaskRunsReset(vec![task_run]));

    let meta = |name: &str| json!({"name": evil(name), "namespace": ns, "creationTimestamp": BASE});
    let services = [
        json!({
            "apiVersion": "v1", "kind": "Service", "metadata": meta("svc"),
            "spec": {
                "type": "LoadBalancer",
                "selector": obj(vec![("app".into(), json!(evil("app")))]),
                "clusterIP": evil("10.96.0.10"), "clusterIPs": [evil("10.96.0.10")],
                "externalIPs": [evil("203.0.113.1")],
                "ports": [
                    {"name": evil("http"), "port": 80, "targetPort": evil("web"), "protocol": "TCP", "nodePort": 30080},
                    {"name": evil("metrics"), "port": 9090, "targetPort": 9090, "protocol": evil("TCP")},
                ],
            },
            "status": {"loadBalancer": {"ingress": [{"ip": evil("198.51.100.1"), "hostname": evil("lb.example.com")}]}},
        }),
        json!({
            "apiVersion": "v1", "kind": "Service", "metadata": meta("external"),
            "spec": {"type": "ExternalName", "externalName": evil("db.example.com")},
        }),
        json!({
            "apiVersion": "v1", "kind": "Service", "metadata": meta("odd"),
            "spec": {
                "type": evil("Type"),
                "selector": obj(vec![(evil("key"), json!(evil("value")))]),
                "ports": [{"port": 1, "targetPort": evil("name")}],
            },
        }),
    ];
    cluster(
        &mut s,
        ClusterEvent::ServicesReset(
            services
                .into_iter()
                .map(|v| {
                    ServiceEntry::new(
                        &serde_json::from_value::<Service>(v).expect("a valid service"),
                    )
                })
                .collect(),
        ),
    );
    let endpoints = json!({
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": evil("svc"), "namespace": ns},
        "subsets": [{
            "addresses": [{"ip": evil("10.0.0.1"), "hostname": evil("host"), "nodeName": evil("node"),
                           "targetRef": {"kind": "Pod", "name": pod, "namespace": ns}}],
            "notReadyAddresses": [{"ip": evil("10.0.0.2"),
                                   "targetRef": {"kind": evil("Pod"), "name": evil("other-pod"), "namespace": ns}}],
            "ports": [{"name": evil("http"), "port": 8080, "protocol": "TCP"}],
        }],
    });
    cluster(
        &mut s,
        ClusterEvent::EndpointsReset(vec![
            serde_json::from_value::<Endpoints>(endpoints).expect("valid endpoints"),
        ]),
    );
    cluster(&mut s, ClusterEvent::Conn(Conn::Connected));
    s
}

/// Walk the containers pane in front, checking the details of each container.
fn check_containers(s: &mut AppState, what: &str) {
    let n = s
        .find::<ContainersPane>()
        .expect("a containers pane")
        .rows
        .len();
    assert!(n > 0, "{what}: no containers");
    for i in 0..n {
        go_to(s, i);
        check(s, &format!("{what}, container {i}"));
    }
}

#[test]
fn escape_sequences_in_every_field_never_reach_the_screen() {
    let mut s = evil_cluster();

    // Pods, then the containers of each.
    assert_eq!(s.top().name(), "pods");
    let n = s.find::<PodsPane>().unwrap().rows.len();
    assert_eq!(n, 4, "every pod is listed");
    for i in 0..n {
        go_to(&mut s, i);
        check(&s, &format!("pods, row {i}"));
        s.update(Msg::Action(Action::Select));
        assert_eq!(s.top().name(), "containers");
        check_containers(&mut s, &format!("containers of pod {i}"));
        s.update(Msg::Action(Action::Back));
    }

    // Workflows, the steps of each, and what enter on each step opens or says.
    s.update(Msg::Command("wf".into()));
    assert_eq!(s.top().name(), "workflows");
    let n = s.find::<WorkflowsPane>().unwrap().rows.len();
    assert_eq!(n, 2, "the Workflow and the PipelineRun");
    let mut opened = 0;
    for i in 0..n {
        go_to(&mut s, i);
        check(&s, &format!("workflows, row {i}"));
        s.update(Msg::Action(Action::Select));
        assert_eq!(s.top().name(), "steps");
        let steps = s.find::<StepsPane>().unwrap().rows.len();
        for j in 0..steps {
            go_to(&mut s, j);
            let what = format!("steps of workflow {i}, row {j}");
            check(&s, &what);
            s.update(Msg::Action(Action::Select));
            match s.top().name() {
                "containers" => {
                    opened += 1;
                    check_containers(&mut s, &format!("{what}, its pod"));
                    s.update(Msg::Action(Action::Back));
                }
                "steps" => {
                    // No pod: a message that names the step.
                    assert!(
                        s.message.is_some(),
                        "{what}: enter neither opened a pod nor said why"
                    );
                    check(&s, &format!("{what}, the message"));
                }
                other => panic!("{what}: enter opened {other}"),
            }
        }
        s.update(Msg::Action(Action::Back));
    }
    // At least the Argo node run by `plain-name-pod`. (The steps pane looks pods up by their
    // sanitised name, so steps whose pod name holds escapes say "not in the cluster"; real pod
    // names cannot hold them.)
    assert!(opened >= 1, "enter on a step opened no pod");

    // Services, and what enter on each opens (the pods its selector selects) or says.
    s.update(Msg::Command("svc".into()));
    assert_eq!(s.top().name(), "services");
    let n = s.find::<ServicesPane>().unwrap().rows.len();
    assert_eq!(n, 3);
    let mut selected = 0;
    for i in 0..n {
        go_to(&mut s, i);
        let what = format!("services, row {i}");
        check(&s, &what);
        s.update(Msg::Action(Action::Select));
        match s.top().name() {
            "pods" => {
                if !s.find::<PodsPane>().unwrap().rows.is_empty() {
                    selected += 1;
                }
                check(&s, &format!("{what}, its pods"));
                s.update(Msg::Action(Action::Back));
            }
            "services" => {
                assert!(
                    s.message.is_some(),
                    "{what}: enter neither opened pods nor said why"
                );
                check(&s, &format!("{what}, the message"));
            }
            other => panic!("{what}: enter opened {other}"),
        }
    }
    assert_eq!(
        selected, 1,
        "the LoadBalancer's selector picks the evil pod"
    );

    // The pickers.
    s.update(Msg::Action(Action::Namespaces));
    assert_eq!(s.top().name(), "picker");
    check(&s, "namespace picker");
    s.update(Msg::Action(Action::Back));
    s.update(Msg::Action(Action::Contexts));
    assert_eq!(s.top().name(), "picker");
    check(&s, "context picker");
    s.update(Msg::Action(Action::Back));

    // The command line: completions list the namespace, and tab puts it into the text.
    let mut app = App::new(s, Keymap::builtin());
    let key = |c: KeyCode| AppMsg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    for c in ":ns n".chars() {
        app.update(key(KeyCode::Char(c)));
    }
    let prompt = app.state.prompt.as_ref().expect("the command prompt");
    assert_eq!(prompt.completions.len(), 1, "{:?}", prompt.completions);
    let screen = |app: &App, w, h| render_with(&app.state, &app.keymap, &app.input, w, h);
    assert_clean(&screen(&app, 120, 35), "the completions");
    app.update(key(KeyCode::Tab));
    // The name holds escape sequences: tab leaves the text as typed (the input line would draw
    // the name raw) and points at the picker, which shows it sanitised.
    assert_eq!(app.state.prompt.as_ref().unwrap().text, "ns n");
    let buf = screen(&app, 120, 35);
    assert!(
        text(&buf).contains("use the n or x picker"),
        "{}",
        text(&buf)
    );
    assert_clean(&buf, "the refused completion");
    assert_no_control_cells(&buf, "the completed command line");
}
