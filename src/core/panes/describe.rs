//! `d`: the selected object described as `kubectl describe` does, with its events, live from
//! a watch (new ones appear, counts go up), under it.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;
use serde_json::Value;

use super::text_view::TextView;
use super::yaml::{Load, ObjectGet};
use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::cluster_event::EventsEvent;
use crate::core::effect::{Effect, EffectId, EffectKind, EffectResult, EventsFor};
use crate::core::objects::ObjRef;
use crate::core::pane::{Cx, FilterState, Pane, Reply, cancels};

pub struct DescribePane {
    pub target: ObjRef,
    pub load: Load,
    object: Option<Value>,
    pub events: Vec<Event>,
    /// The events watch's refusal, if any (the describe still shows).
    pub events_error: Option<String>,
    pub text: TextView,
    /// What the text was made from: (object changes, events changes, the clock's second).
    made: Option<(u64, u64, i64)>,
    changes: (u64, u64),
    get: ObjectGet,
    watch: Option<EffectId>,
    cancels: Vec<EffectId>,
}

impl DescribePane {
    pub fn new(target: ObjRef) -> DescribePane {
        DescribePane {
            target,
            load: Load::Loading,
            object: None,
            events: vec![],
            events_error: None,
            text: TextView::default(),
            made: None,
            changes: (0, 0),
            get: ObjectGet::asking(),
            watch: None,
            cancels: vec![],
        }
    }

    /// Events of this object only: the uid, when known, tells it from an older one of the
    /// same name (kubectl's field selector has the uid too).
    fn mine(&self, e: &Event) -> bool {
        let uid = self
            .object
            .as_ref()
            .and_then(|o| o.pointer("/metadata/uid"))
            .and_then(Value::as_str);
        match (uid, e.involved_object.uid.as_deref()) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
}

impl Pane for DescribePane {
    fn name(&self) -> &'static str {
        "describe"
    }

    fn title(&self) -> String {
        "Describe".into()
    }

    fn refresh(&mut self, _cache: &Cache, now: Timestamp) {
        let key = (self.changes.0, self.changes.1, now.as_second());
        if self.object.is_some() && self.made != Some(key) {
            self.made = Some(key);
            let events: Vec<Event> = self
                .events
                .iter()
                .filter(|e| self.mine(e))
                .cloned()
                .collect();
            let lines = crate::core::describe::describe(
                self.object.as_ref().unwrap_or(&Value::Null),
                &events,
                now,
            );
            self.text.set(lines);
        }
        self.text.refresh();
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        match action {
            Action::Reload => {
                self.get.again();
                self.load = Load::Loading;
                Reply::Done
            }
            _ => self.text.handle(action, cx.page),
        }
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::Filter,
            Action::LogNextMatch,
            Action::LogPrevMatch,
            Action::Reload,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::Back,
        ]
    }

    fn take_effects(&mut self, next_id: &mut EffectId) -> Vec<Effect> {
        let mut out = cancels(self.cancels.drain(..));
        out.extend(self.get.effects(next_id, &self.target));
        if self.watch.is_none() && !self.target.namespace.is_empty() {
            let what = EventsFor {
                namespace: self.target.namespace.clone(),
                object: Some((self.target.kind.clone(), self.target.name.clone())),
            };
            let watch = Effect::next(next_id, EffectKind::Events(what));
            self.watch = Some(watch.id);
            out.push(watch);
        }
        out
    }

    fn on_result(&mut self, id: EffectId, result: &EffectResult) -> bool {
        match self.get.answer(id, result) {
            None => return false,
            Some(Ok(v)) => {
                self.object = Some(v);
                self.load = Load::Loaded;
                self.changes.0 += 1;
            }
            Some(Err(e)) => self.load = Load::Failed(e),
        }
        true
    }

    fn on_events(&mut self, id: EffectId, event: &EventsEvent) -> bool {
        if self.watch != Some(id) {
            return false;
        }
        apply_events(&mut self.events, &mut self.events_error, event);
        self.changes.1 += 1;
        true
    }

    fn close(&mut self) -> Vec<EffectId> {
        let mut ids: Vec<EffectId> = self.cancels.drain(..).collect();
        ids.extend(self.get.close());
        ids.extend(self.watch.take());
        ids
    }

    fn filter(&self) -> Option<&FilterState> {
        Some(&self.text.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut FilterState> {
        Some(&mut self.text.filter)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Keep `events` as an events watch reports them (by uid).
pub fn apply_events(events: &mut Vec<Event>, error: &mut Option<String>, ev: &EventsEvent) {
    let uid = |e: &Event| e.metadata.uid.clone().unwrap_or_default();
    match ev {
        EventsEvent::Reset(all) => {
            *events = all.clone();
            *error = None;
        }
        EventsEvent::Applied(e) => {
            let e = (**e).clone();
            match events.iter_mut().find(|x| uid(x) == uid(&e)) {
                Some(slot) => *slot = e,
                None => events.push(e),
            }
            *error = None;
        }
        EventsEvent::Deleted(u) => events.retain(|x| uid(x) != *u),
        EventsEvent::Failed(m) => *error = Some(m.clone()),
    }
}
