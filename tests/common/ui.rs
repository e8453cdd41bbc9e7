//! What the TUI draws, as text: `kdoc::ui::draw` rendered into ratatui's `TestBackend` for a
//! state built through the reducer from the built-in `mlops` scenario at a fixed moment
//! (`BASE`), so ages and "(4m ago)" never move.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui_textarea::TextArea;
use serde_json::Value;

use kdoc::config::keymap::Keymap;
use kdoc::config::theme::Theme;
use kdoc::core::cluster_event::{ClusterEvent, ClusterMsg, Conn};
use kdoc::core::state::{AppState, Msg, Scope};
use kdoc::core::workflows::WfKind;
use kdoc::ui::{self, View};

pub const BASE: &str = "2025-06-11T10:00:00Z";

pub fn base() -> Timestamp {
    BASE.parse().expect("a valid timestamp")
}

/// The `mlops` scenario's objects of `kind` as they start, at `BASE`.
pub fn objects(kind: &str) -> Vec<Value> {
    kdoc::sim::scenario::mlops::scenario(base())
        .objects
        .into_iter()
        .filter(|o| o["kind"] == kind)
        .collect()
}

/// Every pod of the `mlops` scenario as it starts, at `BASE`.
pub fn scenario_pods() -> Vec<Pod> {
    objects("Pod")
        .into_iter()
        .map(|o| serde_json::from_value(o).expect("scenario pods are valid Pods"))
        .collect()
}

/// A cluster event of the current watch, as the watches deliver it.
pub fn cluster(state: &mut AppState, event: ClusterEvent) {
    let id = state.cache.watch;
    state.update(Msg::Cluster(ClusterMsg::watch(id, event)));
}

/// A fresh state in `scope` at `BASE`, as `kdoc --demo` starts (before any watch event).
pub fn new_state(scope: Scope) -> AppState {
    let mut s = AppState::new(
        "kdoc-sim".into(),
        "kdoc-sim".into(),
        vec!["kdoc-sim".into()],
        scope,
        false,
    );
    // The header shows the crate version; pin it so releases do not churn the snapshots.
    s.version = "9.9.9";
    s.start();
    s.update(Msg::Tick(base()));
    s
}

/// A connected state in `scope` holding `pods`.
pub fn state_with(scope: Scope, pods: Vec<Pod>) -> AppState {
    let mut s = new_state(scope);
    cluster(
        &mut s,
        // `Into`: the reset carries pods, boxed or not, whichever the event type holds.
        ClusterEvent::PodsReset(pods.into_iter().map(Into::into).collect()),
    );
    cluster(&mut s, ClusterEvent::Conn(Conn::Connected));
    s
}

/// The `mlops` scenario's pods in `scope` (what a watch of that scope would deliver).
pub fn mlops_state(scope: Scope) -> AppState {
    let pods = scenario_pods();
    let pods = match &scope {
        Scope::All => pods,
        // What a namespaced watch would deliver.
        Scope::Namespace(ns) => pods
            .into_iter()
            .filter(|p| p.metadata.namespace.as_deref() == Some(ns.as_str()))
            .collect(),
    };
    state_with(scope, pods)
}

/// What `kdoc --demo` has once every watch listed, all namespaces: pods, services, endpoints,
/// Workflows, PipelineRuns, TaskRuns.
pub fn mlops_workflows_state() -> AppState {
    let mut s = new_state(Scope::All);
    cluster(
        &mut s,
        ClusterEvent::PodsReset(scenario_pods().into_iter().map(Into::into).collect()),
    );
    cluster(
        &mut s,
        ClusterEvent::ServicesReset(
            objects("Service")
                .into_iter()
                .map(|v| {
                    let svc: k8s_openapi::api::core::v1::Service =
                        serde_json::from_value(v).expect("scenario services are valid");
                    kdoc::core::services::ServiceEntry::new(&svc)
                })
                .collect(),
        ),
    );
    cluster(
        &mut s,
        ClusterEvent::EndpointsReset(
            objects("Endpoints")
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect(),
        ),
    );
    cluster(
        &mut s,
        ClusterEvent::WorkflowsReset(WfKind::Argo, objects("Workflow")),
    );
    cluster(
        &mut s,
        ClusterEvent::WorkflowsReset(WfKind::Tekton, objects("PipelineRun")),
    );
    cluster(&mut s, ClusterEvent::TaskRunsReset(objects("TaskRun")));
    cluster(&mut s, ClusterEvent::Conn(Conn::Connected));
    s
}

/// `state` drawn into a `width`x`height` test terminal, with the built-in theme and keymap.
pub fn render(state: &AppState, width: u16, height: u16) -> Buffer {
    render_with(
        state,
        &Keymap::builtin(),
        &TextArea::default(),
        width,
        height,
    )
}

/// `state` drawn with this keymap and prompt text widget.
pub fn render_with(
    state: &AppState,
    keymap: &Keymap,
    input: &TextArea<'static>,
    width: u16,
    height: u16,
) -> Buffer {
    render_full(state, &Theme::builtin(), keymap, input, width, height)
}

/// `state` drawn in `theme`, with the built-in keymap.
pub fn render_themed(state: &AppState, theme: &Theme, width: u16, height: u16) -> Buffer {
    let keymap = Keymap::builtin();
    render_full(state, theme, &keymap, &TextArea::default(), width, height)
}

fn render_full(
    state: &AppState,
    theme: &Theme,
    keymap: &Keymap,
    input: &TextArea<'static>,
    width: u16,
    height: u16,
) -> Buffer {
    let view = View {
        theme,
        keymap,
        input,
        now: base(),
    };
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    term.draw(|f| ui::draw(f, state, &view))
        .expect("drawing succeeds");
    term.backend().buffer().clone()
}

/// The buffer as lines of text, trailing spaces trimmed.
pub fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in area.left()..area.right() {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `state` drawn at `width`x`height`, as text.
pub fn screen(state: &AppState, width: u16, height: u16) -> String {
    text(&render(state, width, height))
}
