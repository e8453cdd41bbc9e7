//! Every user-visible action has a name and a one-line description; keymaps bind keys to
//! names and the help screen is generated from this table.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Filter,
    Command,
    Back,
    Help,
    SortName,
    SortAge,
    SortStatus,
    SortRestarts,
    Namespaces,
    Contexts,
    AllNamespaces,
    Pods,
    Select,
    Complete,
    Workflows,
}

pub struct ActionInfo {
    pub action: Action,
    pub name: &'static str,
    pub description: &'static str,
}

const fn info(action: Action, name: &'static str, description: &'static str) -> ActionInfo {
    ActionInfo {
        action,
        name,
        description,
    }
}

pub const ACTIONS: &[ActionInfo] = &[
    info(Action::Up, "up", "Move the selection up"),
    info(Action::Down, "down", "Move the selection down"),
    info(Action::PageUp, "page-up", "Move up one page"),
    info(Action::PageDown, "page-down", "Move down one page"),
    info(Action::Top, "top", "Go to the first row"),
    info(Action::Bottom, "bottom", "Go to the last row"),
    info(
        Action::Filter,
        "filter",
        "Filter rows: regex, !regex to invert, -l app=x for labels",
    ),
    info(
        Action::Command,
        "command",
        "Command line: :pods, :ns NAME, :ns all, :ctx NAME, :q",
    ),
    info(
        Action::Back,
        "back",
        "Close the overlay, or clear the filter",
    ),
    info(Action::Help, "help", "Show this help"),
    info(Action::SortName, "sort-name", "Sort by name"),
    info(Action::SortAge, "sort-age", "Sort by age (newest first)"),
    info(
        Action::SortStatus,
        "sort-status",
        "Sort by status (problems first)",
    ),
    info(
        Action::SortRestarts,
        "sort-restarts",
        "Sort by restarts (most first)",
    ),
    info(Action::Namespaces, "namespaces", "Pick a namespace"),
    info(Action::Contexts, "contexts", "Pick a kubeconfig context"),
    info(
        Action::AllNamespaces,
        "all-namespaces",
        "Show pods of all namespaces",
    ),
    info(Action::Pods, "pods", "Show the pods pane"),
    info(
        Action::Workflows,
        "workflows",
        "Show Argo Workflows and Tekton PipelineRuns",
    ),
    info(
        Action::Select,
        "select",
        "Open: pod > containers, workflow > steps, step > container",
    ),
    info(
        Action::Complete,
        "complete",
        "Complete the command being typed",
    ),
    info(Action::Quit, "quit", "Quit kdoc"),
];

pub fn by_name(name: &str) -> Option<Action> {
    ACTIONS.iter().find(|a| a.name == name).map(|a| a.action)
}

pub fn info_of(action: Action) -> &'static ActionInfo {
    ACTIONS
        .iter()
        .find(|a| a.action == action)
        .unwrap_or(&ACTIONS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for a in ACTIONS {
            assert_eq!(by_name(a.name), Some(a.action));
            assert_eq!(ACTIONS.iter().filter(|b| b.name == a.name).count(), 1);
        }
    }
}
