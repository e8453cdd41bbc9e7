//! Every pane kdoc has. Those that `:name` opens are registered here, one line each.

pub mod containers;
pub mod describe;
pub mod doctor;
pub mod events;
pub mod forward_dialog;
pub mod forwards;
pub mod help;
pub mod kinds;
pub mod logs;
pub mod picker;
pub mod pods;
pub mod services;
pub mod steps;
pub mod text_view;
pub mod workflows;
pub mod yaml;

use super::pane::Pane;

/// A pane that the command line opens: `:svc`, `:svc NAMESPACE`.
pub struct PaneSpec {
    pub name: &'static str,
    /// What `:` accepts for it, the first one shown in completions.
    pub aliases: &'static [&'static str],
    pub open: fn() -> Box<dyn Pane>,
}

pub const REGISTRY: &[PaneSpec] = &[
    PaneSpec {
        name: "pods",
        aliases: &["pods", "po", "pod"],
        open: || Box::new(pods::PodsPane::new(pods::PodsOf::Scope)),
    },
    PaneSpec {
        name: "workflows",
        aliases: &["wf", "workflows", "workflow", "pr", "pipelineruns"],
        open: || Box::new(workflows::WorkflowsPane::new()),
    },
    PaneSpec {
        name: "forwards",
        aliases: &["pf", "portforwards", "port-forwards", "forwards"],
        open: || Box::new(forwards::ForwardsPane::new()),
    },
    PaneSpec {
        name: "services",
        aliases: &["svc", "services", "service"],
        open: || Box::new(services::ServicesPane::new()),
    },
];

pub fn by_alias(word: &str) -> Option<&'static PaneSpec> {
    REGISTRY.iter().find(|p| p.aliases.contains(&word))
}

pub fn by_name(name: &str) -> Option<&'static PaneSpec> {
    REGISTRY.iter().find(|p| p.name == name)
}
