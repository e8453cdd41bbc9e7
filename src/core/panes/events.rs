//! Events, newest first, with count and age: of one object or a namespace (or all), live from
//! a watch (`E`, `:events`), or those the doctor's evidence holds (opened from a finding, so
//! nothing is fetched again).

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;

use super::describe::apply_events;
use crate::core::actions::Action;
use crate::core::age::age_since;
use crate::core::cache::Cache;
use crate::core::cluster_event::EventsEvent;
use crate::core::effect::{Effect, EffectId, EffectKind, EventsFor};
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
    /// `pod/NAME` in `namespace`, as the title shows it; empty for a namespace's events.
    pub object: Safe,
    /// Empty: every namespace.
    pub namespace: Safe,
    events: Vec<Event>,
    pub rows: Vec<EventRow>,
    pub selected: usize,
    pub filter: FilterState,
    /// (filter, changes, clock) the rows were made for.
    seen: Option<(u64, u64, Timestamp)>,
    changes: u64,
    /// Live: what to watch, the watch's id once asked for, and its refusal if any.
    live: Option<EventsFor>,
    watch: Option<EffectId>,
    pub error: Option<String>,
}

impl EventsPane {
    pub fn new(namespace: &str, object: &str, events: Vec<Event>) -> EventsPane {
        EventsPane {
            object: Safe::new(object),
            namespace: Safe::new(namespace),
            events,
            rows: vec![],
            selected: 0,
            filter: FilterState::default(),
            seen: None,
            changes: 0,
            live: None,
            watch: None,
            error: None,
        }
    }

    /// Watched events of `object` (kind, name) in `namespace`, or of the whole namespace
    /// (every namespace when it is empty).
    pub fn live(namespace: &str, object: Option<(&str, &str)>) -> EventsPane {
        let label = object.map_or(String::new(), |(k, n)| {
            format!("{}/{n}", k.to_ascii_lowercase())
        });
        let mut p = EventsPane::new(namespace, &label, vec![]);
        p.live = Some(EventsFor {
            namespace: namespace.to_string(),
            object: object.map(|(k, n)| (k.to_string(), n.to_string())),
        });
        p
    }

    pub fn is_live(&self) -> bool {
        self.live.is_some()
    }
}

fn row(e: &Event, now: Timestamp, all_namespaces: bool) -> EventRow {
    let o = &e.involved_object;
    EventRow {
        last_seen: event_time(e).map_or_else(|| "<unknown>".into(), |t| age_since(t, now)),
        type_: Safe::new(e.type_.as_deref().unwrap_or("")),
        reason: Safe::new(e.reason.as_deref().unwrap_or("")),
        object: Safe::from_string(format!(
            "{}{}/{}",
            if all_namespaces {
                format!("{}/", o.namespace.as_deref().unwrap_or(""))
            } else {
                String::new()
            },
            o.kind.as_deref().unwrap_or("").to_lowercase(),
            o.name.as_deref().unwrap_or("")
        )),
        count: crate::core::describe::event_count(e),
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
        // Ages move with the clock.
        let key = (self.filter.rev, self.changes, now);
        if self.seen == Some(key) {
            return;
        }
        self.seen = Some(key);
        let mut events: Vec<&Event> = self.events.iter().collect();
        // Newest first; the same instant keeps the server's order.
        events.sort_by_key(|e| std::cmp::Reverse(event_time(e)));
        let all = self.namespace.is_empty();
        self.rows = events
            .into_iter()
            .map(|e| row(e, now, all))
            .filter(|r| self.filter.filter.matches(&r.filter_text(), None))
            .collect();
        clamp(&mut self.selected, self.rows.len());
    }

    fn take_effects(&mut self, next_id: &mut EffectId) -> Vec<Effect> {
        match &self.live {
            Some(what) if self.watch.is_none() => {
                let e = Effect::next(next_id, EffectKind::Events(what.clone()));
                self.watch = Some(e.id);
                vec![e]
            }
            _ => vec![],
        }
    }

    fn on_events(&mut self, id: EffectId, event: &EventsEvent) -> bool {
        if self.watch != Some(id) {
            return false;
        }
        apply_events(&mut self.events, &mut self.error, event);
        self.changes += 1;
        true
    }

    fn close(&mut self) -> Vec<EffectId> {
        self.watch.take().into_iter().collect()
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
