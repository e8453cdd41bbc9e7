//! The events of one object, newest last, as `kubectl events --for KIND/NAME` lists them:
//! what the doctor's evidence holds (opened from a finding), so nothing is fetched again.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;

use crate::core::actions::Action;
use crate::core::age::age_since;
use crate::core::cache::Cache;
use crate::core::pane::{Cx, FilterState, Pane, Reply, clamp, list_keys};
use crate::core::text::Safe;
use crate::doctor::event_time;

#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub last_seen: String,
    pub type_: Safe,
    pub reason: Safe,
    pub object: Safe,
    pub count: i32,
    pub message: Safe,
}

impl EventRow {
    fn filter_text(&self) -> String {
        format!(
            "{} {} {} {}",
            self.type_, self.reason, self.object, self.message
        )
    }
}

pub struct EventsPane {
    /// `pod/NAME` in `namespace`, as the title shows it.
    pub object: Safe,
    pub namespace: Safe,
    events: Vec<Event>,
    pub rows: Vec<EventRow>,
    pub selected: usize,
    pub filter: FilterState,
    seen: Option<(u64, Timestamp)>,
}

impl EventsPane {
    pub fn new(namespace: &str, object: &str, mut events: Vec<Event>) -> EventsPane {
        events.sort_by_key(event_time);
        EventsPane {
            object: Safe::new(object),
            namespace: Safe::new(namespace),
            events,
            rows: vec![],
            selected: 0,
            filter: FilterState::default(),
            seen: None,
        }
    }
}

fn row(e: &Event, now: Timestamp) -> EventRow {
    let o = &e.involved_object;
    EventRow {
        last_seen: event_time(e).map_or_else(|| "<unknown>".into(), |t| age_since(t, now)),
        type_: Safe::new(e.type_.as_deref().unwrap_or("")),
        reason: Safe::new(e.reason.as_deref().unwrap_or("")),
        object: Safe::from_string(format!(
            "{}/{}",
            o.kind.as_deref().unwrap_or("").to_lowercase(),
            o.name.as_deref().unwrap_or("")
        )),
        count: e
            .count
            .unwrap_or(1)
            .max(e.series.as_ref().and_then(|s| s.count).unwrap_or(0)),
        message: Safe::new(e.message.as_deref().unwrap_or("").trim_end()),
    }
}

impl Pane for EventsPane {
    fn name(&self) -> &'static str {
        "events"
    }

    fn title(&self) -> String {
        "Events".into()
    }

    fn refresh(&mut self, _cache: &Cache, now: Timestamp) {
        // Ages move with the clock; the list itself never changes.
        if self.seen == Some((self.filter.rev, now)) {
            return;
        }
        self.seen = Some((self.filter.rev, now));
        self.rows = self
            .events
            .iter()
            .map(|e| row(e, now))
            .filter(|r| self.filter.filter.matches(&r.filter_text(), None))
            .collect();
        clamp(&mut self.selected, self.rows.len());
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        list_keys(&mut self.selected, self.rows.len(), action, cx)
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::Help,
            Action::Back,
            Action::Filter,
            Action::Command,
            Action::Quit,
        ]
    }

    crate::filtered_pane!();
}
