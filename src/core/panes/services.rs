//! Services in scope, with the columns `kubectl get svc` prints; the details show each port's
//! targetPort and the endpoints' addresses; `enter` lists the pods the selector matches.

use crate::doctor::{Subject, SubjectKind};
use jiff::Timestamp;

use crate::core::actions::Action;
use crate::core::cache::{Cache, Key};
use crate::core::log_sources::{LogTarget, Pick};
use crate::core::pane::{Cx, DRILL_ACTIONS, FilterState, Pane, Reply, clamp, list_keys};
use crate::core::panes::logs::LogsPane;
use crate::core::services::{ServiceEntry, endpoints_summary};
use crate::core::text::Safe;

use super::pods::{PodsOf, PodsPane};

/// One row, every cell sanitised once here.
#[derive(Clone, Debug, PartialEq)]
pub struct SvcRow {
    pub key: Key,
    pub namespace: Safe,
    pub name: Safe,
    pub type_: Safe,
    pub cluster_ip: Safe,
    pub external_ip: Safe,
    pub ports: Safe,
    pub selector: Safe,
    pub created: Option<Timestamp>,
}

/// What the details under the table say about the selected service.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SvcDetails {
    /// One line per port: "http 8000/TCP -> targetPort 8000".
    pub ports: Vec<Safe>,
    pub selector: Safe,
    pub ready: Vec<Safe>,
    pub not_ready: Vec<Safe>,
    /// Whether an Endpoints object exists for the service.
    pub has_endpoints: bool,
}

#[derive(Default)]
pub struct ServicesPane {
    pub rows: Vec<SvcRow>,
    pub selected: usize,
    pub filter: FilterState,
    pub details: SvcDetails,
    pub error: Option<Safe>,
    seen: Option<(u64, u64, u64, usize)>,
}

impl ServicesPane {
    pub fn new() -> ServicesPane {
        ServicesPane::default()
    }
}

fn svc_row(e: &ServiceEntry) -> SvcRow {
    let r = &e.row;
    SvcRow {
        key: e.key(),
        namespace: Safe::new(&r.namespace),
        name: Safe::new(&r.name),
        type_: Safe::new(&r.type_),
        cluster_ip: Safe::new(&r.cluster_ip),
        external_ip: Safe::new(&r.external_ip),
        ports: Safe::new(&r.ports),
        selector: Safe::new(&r.selector),
        created: r.created,
    }
}

fn details(cache: &Cache, key: &Key) -> SvcDetails {
    let Some(e) = cache.services.get(key) else {
        return SvcDetails::default();
    };
    let ports = e
        .ports
        .iter()
        .map(|p| {
            let name = p
                .name
                .as_deref()
                .map(|n| format!("{n} "))
                .unwrap_or_default();
            let node = p
                .node_port
                .map(|n| format!(", nodePort {n}"))
                .unwrap_or_default();
            Safe::from_string(format!(
                "{name}{}/{} -> targetPort {}{node}",
                p.port, p.protocol, p.target_port
            ))
        })
        .collect();
    let ep = cache.endpoints.get(key);
    let sum = ep.map(endpoints_summary).unwrap_or_default();
    SvcDetails {
        ports,
        selector: Safe::new(&e.row.selector),
        ready: sum.ready.iter().map(|s| Safe::new(s)).collect(),
        not_ready: sum.not_ready.iter().map(|s| Safe::new(s)).collect(),
        has_endpoints: ep.is_some(),
    }
}

impl Pane for ServicesPane {
    fn name(&self) -> &'static str {
        "services"
    }

    fn title(&self) -> String {
        "Services".into()
    }

    fn refresh(&mut self, cache: &Cache, _now: Timestamp) {
        let rows_seen = (cache.revs.services, self.filter.rev);
        if self.seen.map(|s| (s.0, s.2)) != Some(rows_seen) {
            if self.seen.is_some_and(|s| s.2 != rows_seen.1) {
                self.selected = 0;
            }
            let f = &self.filter.filter;
            self.rows = cache
                .services
                .values()
                .filter(|e| match f {
                    crate::core::filter::Filter::Labels(_) => f.matches("", Some(&e.selector)),
                    _ => {
                        let r = &e.row;
                        f.matches(
                            &format!(
                                "{}/{} {} {} {} {} {}",
                                r.namespace,
                                r.name,
                                r.type_,
                                r.cluster_ip,
                                r.external_ip,
                                r.ports,
                                r.selector
                            ),
                            None,
                        )
                    }
                })
                .map(svc_row)
                .collect();
            self.error = cache.services_error.as_deref().map(Safe::new);
            clamp(&mut self.selected, self.rows.len());
        }
        // The details follow the selection and the endpoints; the rows need not be rebuilt.
        let seen = (
            rows_seen.0,
            cache.revs.endpoints,
            rows_seen.1,
            self.selected,
        );
        if self.seen != Some(seen) {
            self.details = self
                .rows
                .get(self.selected)
                .map(|r| details(cache, &r.key))
                .unwrap_or_default();
            self.seen = Some(seen);
        }
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        if !matches!(action, Action::Select | Action::Logs) {
            let reply = list_keys(&mut self.selected, self.rows.len(), action, cx);
            // The details follow the selection.
            self.refresh(cx.cache, cx.now);
            return reply;
        }
        // Both go to the pods the selector matches: their list, or their logs.
        let Some(r) = self.rows.get(self.selected) else {
            return Reply::Done;
        };
        let Some(e) = cx.cache.services.get(&r.key) else {
            return Reply::Done;
        };
        if e.selector.is_empty() {
            return Reply::Message(format!(
                "service {}/{} has no selector: it selects no pods (its endpoints are set by hand{})",
                r.namespace,
                r.name,
                if &*r.type_ == "ExternalName" {
                    ", or it is an ExternalName"
                } else {
                    ""
                }
            ));
        }
        let (ns, selector) = (r.key.0.clone(), e.selector.clone());
        if action == Action::Logs {
            return Reply::Open(Box::new(LogsPane::new(
                LogTarget::Selector {
                    ns,
                    selector,
                    pick: Pick::All,
                    label: format!("svc/{}", r.key.1),
                },
                cx.logs,
            )));
        }
        Reply::Open(Box::new(PodsPane::new(PodsOf::Selector {
            ns,
            selector,
            via: Safe::from_string(format!("svc/{}", r.name)),
        })))
    }

    fn subject(&self) -> Option<Subject> {
        let r = self.rows.get(self.selected)?;
        Some(Subject::new(SubjectKind::Service, &r.key.0, &r.key.1))
    }

    fn actions(&self) -> &'static [Action] {
        DRILL_ACTIONS
    }

    crate::filtered_pane!();
}
