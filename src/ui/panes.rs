//! Which drawing goes with which pane: one line per pane.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::View;
use crate::core::pane::Pane;
use crate::core::panes::{
    containers, describe, doctor, events, forward_dialog, forwards, help, kinds, logs, picker,
    pods, services, steps, workflows, yaml,
};
use crate::core::state::AppState;

/// `draw(f, area, pane, state, view)` calls the drawing registered for the pane's type.
macro_rules! drawers {
    ($($pane:ty => $draw:path),* $(,)?) => {
        pub fn draw(f: &mut Frame, area: Rect, pane: &dyn Pane, state: &AppState, view: &View) {
            let any = pane.as_any();
            $(
                if let Some(p) = any.downcast_ref::<$pane>() {
                    return $draw(f, area, p, state, view);
                }
            )*
        }
    };
}

drawers! {
    pods::PodsPane => super::pods::draw,
    services::ServicesPane => super::services::draw,
    kinds::KindPane => super::kinds::draw,
    workflows::WorkflowsPane => super::workflows::draw,
    steps::StepsPane => super::steps::draw,
    containers::ContainersPane => super::containers::draw,
    logs::LogsPane => super::logs::draw,
    doctor::DoctorPane => super::doctor::draw,
    events::EventsPane => super::events::draw,
    yaml::YamlPane => super::text_view::draw_yaml,
    describe::DescribePane => super::text_view::draw_describe,
    forwards::ForwardsPane => super::forwards::draw,
    forward_dialog::ForwardDialog => super::forward_dialog::draw,
    help::HelpPane => super::help::draw,
    picker::PickerPane => super::picker::draw,
}
