//! The workflows view, the steps pane and the containers pane as text: `kdoc::ui::draw` into
//! ratatui's `TestBackend` (120x35) for a state fed the `mlops` scenario's pods, Workflows,
//! PipelineRuns and TaskRuns at a fixed moment, then navigated with reducer messages as a
//! person would (`:wf`, enter, j, esc). Review changed snapshots by eye (`cargo insta review`,
//! or `INSTA_UPDATE=always cargo test --test ui_workflow_snapshots` and `git diff tests/snapshots`).
//! The harness is `tests/common/ui.rs`.

mod common;

use serde_json::json;

use kdoc::core::actions::Action;
use kdoc::core::cluster_event::{ClusterEvent, Conn};
use kdoc::core::panes::containers::ContainersPane;
use kdoc::core::panes::steps::StepsPane;
use kdoc::core::panes::workflows::WorkflowsPane;
use kdoc::core::state::{AppState, Msg, Scope};
use kdoc::core::workflows::WfKind;

use common::ui::{BASE, cluster, mlops_workflows_state, new_state, screen};

const W: u16 = 120;
const H: u16 = 35;

const KANIKO: &str = "iris-demo-kaniko-2925953904";
const PUSH_POD: &str = "mistral-24b-full-8t9qf-push-to-internal-pod";

/// A message as the app loop delivers it (the reducer refreshes the panes on screen itself).
fn send(state: &mut AppState, msg: Msg) {
    state.update(msg);
}

fn act(state: &mut AppState, a: Action) {
    send(state, Msg::Action(a));
}

/// The screen line showing `needle`.
fn line_of<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line shows {needle:?}:\n{screen}"))
}

/// The pane in front, which must be a `T` (named `what` in the panic).
fn top<'a, T: 'static>(state: &'a AppState, what: &str) -> &'a T {
    state.top().as_any().downcast_ref::<T>().unwrap_or_else(|| {
        panic!(
            "expected the {what} pane in front, not {}",
            state.top().name()
        )
    })
}

fn workflows(state: &AppState) -> &WorkflowsPane {
    top(state, "workflows")
}

fn steps(state: &AppState) -> &StepsPane {
    top(state, "steps")
}

fn containers(state: &AppState) -> &ContainersPane {
    top(state, "containers")
}

/// The steps pane of workflow `name` is in front.
fn on_steps_of(state: &AppState, name: &str) -> bool {
    state
        .top()
        .as_any()
        .downcast_ref::<StepsPane>()
        .is_some_and(|p| p.key.2 == name)
}

/// The containers pane of pod `ns`/`pod` is in front.
fn on_containers_of(state: &AppState, ns: &str, pod: &str) -> bool {
    state
        .top()
        .as_any()
        .downcast_ref::<ContainersPane>()
        .is_some_and(|p| p.ns == ns && p.pod == pod)
}

/// The name of the selected step row.
fn selected_step(state: &AppState) -> &str {
    let p = steps(state);
    p.rows[p.selected].name.as_str()
}

/// Move the steps cursor to the first row named `name` (from the top, with `j`s).
fn step_to(state: &mut AppState, name: &str) {
    act(state, Action::Top);
    let i = steps(state)
        .rows
        .iter()
        .position(|r| r.name == name)
        .unwrap_or_else(|| panic!("no step {name}: {:?}", steps(state).rows));
    for _ in 0..i {
        act(state, Action::Down);
    }
    assert_eq!(selected_step(state), name);
}

fn selected_container(state: &AppState) -> &str {
    let p = containers(state);
    p.rows[p.selected].name.as_str()
}

#[test]
fn workflows_steps_and_containers() {
    let mut s = mlops_workflows_state();

    // `:wf`: both runs, the Argo one first.
    send(&mut s, Msg::Command("wf".into()));
    assert_eq!(s.top().name(), "workflows");
    let t = screen(&s, W, H);
    assert!(t.contains("Workflows(all)[2]"), "{t}");
    let iris = line_of(&t, "iris-demo");
    assert!(
        iris.contains("argowf") && iris.contains("Workflow") && iris.contains("Succeeded"),
        "{t}"
    );
    let mistral = line_of(&t, "mistral-24b-full-8t9qf");
    assert!(
        mistral.contains("private-ai-demo")
            && mistral.contains("PipelineRun")
            && mistral.contains("Failed"),
        "{t}"
    );
    insta::assert_snapshot!("wf_list_120x35", t);

    // Enter on iris-demo: the DAG with its tasks train, build-image and deploy side by side (as
    // `argo get` draws them) and their real pods.
    let wf = workflows(&s);
    assert_eq!(wf.rows[wf.selected].key.2, "iris-demo");
    act(&mut s, Action::Select);
    assert!(on_steps_of(&s, "iris-demo"), "{}", s.top().name());
    let t = screen(&s, W, H);
    let (train, build, deploy) = (
        line_of(&t, "train"),
        line_of(&t, "build-image"),
        line_of(&t, "deploy"),
    );
    assert!(train.contains("iris-demo-train-1086554222"), "{t}");
    assert!(build.contains(KANIKO), "{t}");
    assert!(deploy.contains("iris-demo-deploy-2552441111"), "{t}");
    let pos = |n: &str| t.find(n).unwrap();
    assert!(
        pos("train") < pos("build-image") && pos("build-image") < pos("deploy"),
        "{t}"
    );
    insta::assert_snapshot!("wf_argo_steps_120x35", t);

    // Two rows down (DAG, train, build-image) and enter: the kaniko pod, `main` selected.
    act(&mut s, Action::Down);
    act(&mut s, Action::Down);
    assert_eq!(selected_step(&s), "build-image");
    // The tree draws the DAG's tasks side by side; the details keep its edges.
    let t = screen(&s, W, H);
    assert!(
        t.contains("depends on train · needed by deploy"),
        "the details show build-image's edges:\n{t}"
    );
    act(&mut s, Action::Select);
    assert!(on_containers_of(&s, "argowf", KANIKO), "{}", s.top().name());
    let names: Vec<&str> = containers(&s)
        .rows
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["init", "wait", "main"]);
    assert_eq!(selected_container(&s), "main");
    let t = screen(&s, W, H);
    assert!(t.contains(&format!("Containers argowf/{KANIKO}")), "{t}");
    insta::assert_snapshot!("wf_argo_kaniko_containers_120x35", t);

    // esc twice: steps, then the workflows list; down to the PipelineRun and enter.
    act(&mut s, Action::Back);
    assert!(on_steps_of(&s, "iris-demo"), "{}", s.top().name());
    act(&mut s, Action::Back);
    assert_eq!(s.top().name(), "workflows");
    act(&mut s, Action::Down);
    act(&mut s, Action::Select);
    assert!(
        on_steps_of(&s, "mistral-24b-full-8t9qf"),
        "{}",
        s.top().name()
    );
    let t = screen(&s, W, H);
    // At 120 columns the MESSAGE column shows the start of the TaskRun's message; the details
    // under the table show all of it once the row is selected (below).
    let push = line_of(&t, "push-to-internal");
    assert!(
        push.contains("Failed") && push.contains("\"step-push-image\" exited"),
        "{t}"
    );
    assert!(line_of(&t, "push-image ").contains("exit code 1"), "{t}");
    let register = line_of(&t, "register-model");
    assert!(
        register.contains("Skipped") && register.contains("PipelineRun was stopping"),
        "{t}"
    );
    insta::assert_snapshot!("wf_tekton_steps_120x35", t);

    // push-to-internal: its pod opens on the step container that failed.
    step_to(&mut s, "push-to-internal");
    let t = screen(&s, W, H);
    assert!(
        t.contains("TaskRun push-to-internal ") && t.contains("container step-push-image"),
        "the details name the TaskRun and the container enter opens:\n{t}"
    );
    act(&mut s, Action::Select);
    assert!(
        on_containers_of(&s, "private-ai-demo", PUSH_POD),
        "{}",
        s.top().name()
    );
    assert_eq!(selected_container(&s), "step-push-image");
    let t = screen(&s, W, H);
    insta::assert_snapshot!("wf_tekton_push_containers_120x35", t);
}

#[test]
fn workflows_crds_not_installed() {
    let mut s = mlops_workflows_state();
    cluster(&mut s, ClusterEvent::CrdMissing(WfKind::Argo));
    cluster(&mut s, ClusterEvent::CrdMissing(WfKind::Tekton));
    send(&mut s, Msg::Command("wf".into()));
    assert!(workflows(&s).rows.is_empty(), "{:?}", workflows(&s).rows);
    let t = screen(&s, W, H);
    assert!(t.contains("Workflow: not installed in this cluster"), "{t}");
    assert!(
        t.contains("PipelineRun: not installed in this cluster"),
        "{t}"
    );
    assert!(t.contains("No workflows or pipeline runs here."), "{t}");
    insta::assert_snapshot!("wf_crds_missing_120x35", t);
}

#[test]
fn steps_of_a_workflow_without_status() {
    let mut s = new_state(Scope::All);
    cluster(&mut s, ClusterEvent::PodsReset(vec![]));
    let wf = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "name": "fresh-wf",
            "namespace": "argowf",
            "creationTimestamp": BASE,
        },
        "spec": {"entrypoint": "main", "templates": [{"name": "main", "container": {"image": "busybox"}}]},
    });
    cluster(&mut s, ClusterEvent::WorkflowsReset(WfKind::Argo, vec![wf]));
    cluster(&mut s, ClusterEvent::WorkflowsReset(WfKind::Tekton, vec![]));
    cluster(&mut s, ClusterEvent::Conn(Conn::Connected));
    send(&mut s, Msg::Command("wf".into()));
    let t = screen(&s, W, H);
    assert!(line_of(&t, "fresh-wf").contains("argowf"), "{t}");
    act(&mut s, Action::Select);
    assert!(on_steps_of(&s, "fresh-wf"), "{}", s.top().name());
    let t = screen(&s, W, H);
    assert!(t.contains("! workflow has no status yet"), "{t}");
    // Moving and selecting in an empty pane does nothing (and does not panic).
    act(&mut s, Action::Down);
    act(&mut s, Action::Select);
    assert!(on_steps_of(&s, "fresh-wf"), "{}", s.top().name());
    insta::assert_snapshot!("wf_steps_no_status_120x35", t);
}

/// `:wf`, enter on iris-demo, enter on its DAG row (which has no pod).
fn enter_on_the_dag_row() -> AppState {
    let mut s = mlops_workflows_state();
    send(&mut s, Msg::Command("wf".into()));
    act(&mut s, Action::Select);
    let p = steps(&s);
    assert_eq!(p.rows[p.selected].kind, "DAG");
    act(&mut s, Action::Select);
    s
}

#[test]
fn enter_on_a_node_without_a_pod_says_so() {
    let s = enter_on_the_dag_row();
    assert!(on_steps_of(&s, "iris-demo"), "{}", s.top().name());
    let t = screen(&s, W, H);
    assert!(
        line_of(&t, "iris-demo is a DAG node").contains("it has no pod of its own"),
        "{t}"
    );
}

#[test]
fn a_failed_enter_message_does_not_outlive_the_next_pane() {
    let mut s = enter_on_the_dag_row();
    assert!(
        s.message
            .as_ref()
            .is_some_and(|m| m.text.contains("is a DAG node")),
        "enter on the DAG row says why nothing opened: {:?}",
        s.message
    );
    act(&mut s, Action::Down);
    act(&mut s, Action::Down);
    act(&mut s, Action::Select);
    assert!(on_containers_of(&s, "argowf", KANIKO), "{}", s.top().name());
    let t = screen(&s, W, H);
    assert!(!t.contains("is a DAG node"), "a stale message:\n{t}");
}

#[test]
fn the_selected_taskruns_message_is_shown_whole() {
    let mut s = mlops_workflows_state();
    send(&mut s, Msg::Command("wf".into()));
    act(&mut s, Action::Down);
    act(&mut s, Action::Select);
    step_to(&mut s, "push-to-internal");
    let t = screen(&s, W, H);
    assert!(
        t.contains("\"step-push-image\" exited with code 1"),
        "the message of the selected TaskRun:\n{t}"
    );
}

/// The real Tekton captures as a cluster would hold them (namespace `jx`): two PipelineRuns,
/// their TaskRuns (one of the Succeeded run's two is missing) and a TaskRun of its own.
fn tekton_fixtures_state() -> AppState {
    let in_jx = |file: &str| -> Vec<serde_json::Value> {
        common::fixtures::values(file)
            .into_iter()
            .map(|mut v| {
                v["metadata"]["namespace"] = json!("jx");
                v
            })
            .collect()
    };
    let mut s = new_state(Scope::All);
    cluster(&mut s, ClusterEvent::PodsReset(vec![]));
    cluster(&mut s, ClusterEvent::WorkflowsReset(WfKind::Argo, vec![]));
    let prs = [
        "tekton-pipelinerun-v1-failed-childrefs.yaml",
        "tekton-pipelinerun-v1-succeeded-two-taskruns.yaml",
    ];
    cluster(
        &mut s,
        ClusterEvent::WorkflowsReset(WfKind::Tekton, prs.iter().flat_map(|f| in_jx(f)).collect()),
    );
    let trs = [
        "tekton-taskrun-v1-failed-step-exit2.yaml",
        "tekton-taskrun-v1-pending-podinitializing-podname.yaml",
        "tekton-taskrun-v1-succeeded-e2e-tests.yaml",
    ];
    cluster(
        &mut s,
        ClusterEvent::TaskRunsReset(trs.iter().flat_map(|f| in_jx(f)).collect()),
    );
    cluster(&mut s, ClusterEvent::Conn(Conn::Connected));
    s
}

#[test]
fn standalone_taskrun_shows_in_wf_with_its_steps() {
    let mut s = tekton_fixtures_state();
    send(&mut s, Msg::Command("wf".into()));
    let t = screen(&s, W, H);
    assert!(t.contains("Workflows(all)[3]"), "{t}");
    let tr = line_of(&t, "release-zm5v8-from-build-pack-9f2m9");
    assert!(
        tr.contains("jx")
            && tr.contains("TaskRun")
            && tr.contains("Pending")
            && tr.contains("0/16"),
        "{t}"
    );
    // A Succeeded run whose first TaskRun is gone: its condition still counts both tasks.
    let ok = line_of(&t, "boot-vault-9mbgb-17");
    assert!(ok.contains("Succeeded") && ok.contains("2/2"), "{t}");
    insta::assert_snapshot!("wf_tekton_fixtures_list_120x35", t);

    step_to_row(&mut s, "release-zm5v8-from-build-pack-9f2m9");
    act(&mut s, Action::Select);
    assert!(
        on_steps_of(&s, "release-zm5v8-from-build-pack-9f2m9"),
        "{}",
        s.top().name()
    );
    let t = screen(&s, W, H);
    assert!(
        t.contains("TaskRun jx/release-zm5v8-from-build-pack-9f2m9"),
        "{t}"
    );
    assert!(
        line_of(&t, "git-clone").contains("Waiting: PodInitializing"),
        "{t}"
    );
    assert!(line_of(&t, "promote-jx-promote").contains("└─"), "{t}");
    insta::assert_snapshot!("wf_standalone_taskrun_steps_120x35", t);

    // The Succeeded run's missing TaskRun reads "not found", not Unknown.
    act(&mut s, Action::Back);
    step_to_row(&mut s, "jenkins-x-jx-pr-7463-boot-vault-9mbgb-17");
    act(&mut s, Action::Select);
    let t = screen(&s, W, H);
    let gone = line_of(&t, "boot-vault-9mbgb-17-build-2jnvr");
    assert!(
        gone.contains("not found") && !gone.contains("Unknown"),
        "{t}"
    );
    insta::assert_snapshot!("wf_tekton_taskrun_not_found_120x35", t);
}

/// Move the workflows cursor to the row named `name`.
fn step_to_row(state: &mut AppState, name: &str) {
    act(state, Action::Top);
    let i = workflows(state)
        .rows
        .iter()
        .position(|r| r.key.2 == name)
        .unwrap_or_else(|| panic!("no workflow {name}"));
    for _ in 0..i {
        act(state, Action::Down);
    }
}

/// The diamond DAG's steps, narrower than everything wants: the empty MESSAGE column gives
/// its room before a pod name is cut (issue: `dag-diamond-82…echo-1310542453` beside an empty
/// MESSAGE); the four tasks are siblings under the DAG.
#[test]
fn pod_names_are_not_cut_while_the_message_column_is_empty() {
    let mut s = new_state(Scope::All);
    cluster(&mut s, ClusterEvent::PodsReset(vec![]));
    let wf = common::fixtures::values("argo-wf-dag-diamond-podname-v2-succeeded.yaml");
    cluster(&mut s, ClusterEvent::WorkflowsReset(WfKind::Argo, wf));
    cluster(&mut s, ClusterEvent::WorkflowsReset(WfKind::Tekton, vec![]));
    cluster(&mut s, ClusterEvent::TaskRunsReset(vec![]));
    cluster(&mut s, ClusterEvent::Conn(Conn::Connected));
    send(&mut s, Msg::Command("wf".into()));
    act(&mut s, Action::Select);
    assert!(on_steps_of(&s, "dag-diamond-82q7s"), "{}", s.top().name());
    // Everything wants 85 columns inside the border; 80 are there.
    let t = screen(&s, 82, 24);
    for (task, pod) in [
        ("├─✔ A", "dag-diamond-82q7s-echo-1310542453"),
        ("├─✔ B", "dag-diamond-82q7s-echo-1260209596"),
        ("├─✔ C", "dag-diamond-82q7s-echo-1276987215"),
        ("└─✔ D", "dag-diamond-82q7s-echo-1226654358"),
    ] {
        assert!(line_of(&t, task).contains(pod), "{t}");
    }
    insta::assert_snapshot!("wf_argo_diamond_82x24", t);
}
