//! Which drawing goes with which pane: one line per pane.

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::View;
use crate::core::pane::Pane;
use crate::core::state::AppState;

type Draw = fn(&mut Frame, Rect, &dyn Any, &AppState, &View) -> bool;

/// Draw `pane` with `draw` if it is a `T`.
fn as_pane<T: 'static>(
    draw: fn(&mut Frame, Rect, &T, &AppState, &View),
) -> impl Fn(&mut Frame, Rect, &dyn Any, &AppState, &View) -> bool {
    move |f, area, p, state, view| match p.downcast_ref::<T>() {
        Some(p) => {
            draw(f, area, p, state, view);
            true
        }
        None => false,
    }
}

macro_rules! drawers {
    ($($pane:ty => $draw:path),* $(,)?) => {
        fn drawers() -> Vec<Box<dyn Fn(&mut Frame, Rect, &dyn Any, &AppState, &View) -> bool>> {
            vec![$(Box::new(as_pane::<$pane>($draw))),*]
        }
    };
}

use crate::core::panes::{containers, help, picker, pods, services, steps, workflows};

drawers! {
    pods::PodsPane => super::pods::draw,
    services::ServicesPane => super::services::draw,
    workflows::WorkflowsPane => super::workflows::draw,
    steps::StepsPane => super::steps::draw,
    containers::ContainersPane => super::containers::draw,
    help::HelpPane => super::help::draw,
    picker::PickerPane => super::picker::draw,
}

#[allow(dead_code)]
const _: Option<Draw> = None;

pub fn draw(f: &mut Frame, area: Rect, pane: &dyn Pane, state: &AppState, view: &View) {
    let any = pane.as_any();
    for d in drawers() {
        if d(f, area, any, state, view) {
            return;
        }
    }
}
