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
    Services,
    HistoryPrev,
    HistoryNext,
    LogPause,
    LogTimestamps,
    LogWrap,
    LogPrefix,
    LogJson,
    LogFindMode,
    LogNextMatch,
    LogPrevMatch,
    LogPresetErrors,
    LogPresetPush,
    LogPresetMlflow,
    LogPrevious,
    LogTail,
    LogSince1m,
    LogSince5m,
    LogSince15m,
    LogSince1h,
    LogClear,
    LogSave,
    LogCopy,
    ManagedFields,
    Reveal,
    Reload,
    Events,
    Doctor,
    DoctorRerun,
    Forwards,
    ForwardEdit,
    ForwardStop,
    ForwardRestart,
    ForwardCheck,
    ForwardCopy,
    /// Jump to the selected object's owner (a kind table).
    Owner,
    /// Show a kind table's `-o wide` columns too.
    Wide,
    SortNext,
    SortPrev,
    /// Run the favourite command line N (1-9) from the config file.
    Favourite(u8),
    /// k9s keys for what kdoc does not have yet: they answer with a one-line hint.
    Logs,
    Describe,
    Yaml,
    Shell,
    PortForward,
    Edit,
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
        "Filter this pane's rows: regex, !regex to invert, -l app=x for labels",
    ),
    info(
        Action::Command,
        "command",
        "Command line: :pods, :svc, :wf [NS], :ns NAME, :ctx NAME, :logs T, :doctor [T], :q",
    ),
    info(
        Action::Back,
        "back",
        "Clear the filter; without one, walk back to the previous pane or close an overlay",
    ),
    info(Action::Help, "help", "Show this help"),
    info(
        Action::SortName,
        "sort-name",
        "Sort by name (again: reverse)",
    ),
    info(
        Action::SortAge,
        "sort-age",
        "Sort by age, newest first (again: reverse)",
    ),
    info(
        Action::SortStatus,
        "sort-status",
        "Sort by status, problems first (again: reverse)",
    ),
    info(
        Action::SortRestarts,
        "sort-restarts",
        "Sort by restarts, most first (again: reverse)",
    ),
    info(
        Action::SortNext,
        "sort-next",
        "Sort a kind table by the next column (past the last: unsorted)",
    ),
    info(
        Action::SortPrev,
        "sort-prev",
        "Sort a kind table by the previous column",
    ),
    info(
        Action::Wide,
        "wide",
        "Show or hide a kind table's -o wide columns",
    ),
    info(
        Action::Owner,
        "owner",
        "Jump to the selected object's owner (ReplicaSet, Deployment, Workflow, ...)",
    ),
    info(
        Action::Favourite(1),
        "favourite-1",
        "Run favourite 1 (favourites in the config file)",
    ),
    info(Action::Favourite(2), "favourite-2", "Run favourite 2"),
    info(Action::Favourite(3), "favourite-3", "Run favourite 3"),
    info(Action::Favourite(4), "favourite-4", "Run favourite 4"),
    info(Action::Favourite(5), "favourite-5", "Run favourite 5"),
    info(Action::Favourite(6), "favourite-6", "Run favourite 6"),
    info(Action::Favourite(7), "favourite-7", "Run favourite 7"),
    info(Action::Favourite(8), "favourite-8", "Run favourite 8"),
    info(Action::Favourite(9), "favourite-9", "Run favourite 9"),
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
        Action::Services,
        "services",
        "Show services (enter lists the pods they select)",
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
    info(
        Action::HistoryPrev,
        "history-prev",
        "Previous filter or command typed",
    ),
    info(
        Action::HistoryNext,
        "history-next",
        "Next filter or command typed",
    ),
    info(
        Action::Logs,
        "logs",
        "Logs of the selection: a pod's containers, a container, a workflow's steps, a service's pods",
    ),
    info(
        Action::LogPause,
        "pause",
        "Pause or follow again (paused: lines keep arriving and are counted)",
    ),
    info(
        Action::LogTimestamps,
        "timestamps",
        "Show the kubelet's timestamps",
    ),
    info(Action::LogWrap, "wrap", "Wrap long lines"),
    info(
        Action::LogPrefix,
        "prefix",
        "Show or hide each line's pod/container",
    ),
    info(
        Action::LogJson,
        "json",
        "JSON lines: pretty-printed, then key fields on one line, then as they are",
    ),
    info(
        Action::LogFindMode,
        "find-mode",
        "Switch the filter between only matching lines and every line with matches marked",
    ),
    info(Action::LogNextMatch, "next-match", "Jump to the next match"),
    info(
        Action::LogPrevMatch,
        "prev-match",
        "Jump to the previous match",
    ),
    info(
        Action::LogPresetErrors,
        "preset-errors",
        "Filter @errors: error|failed|warning|exception|timeout and the doctor's signatures",
    ),
    info(
        Action::LogPresetPush,
        "preset-push",
        "Filter @push: pushing|pushed|ghcr|manifest|push (again: off)",
    ),
    info(
        Action::LogPresetMlflow,
        "preset-mlflow",
        "Filter @mlflow (again: off); / takes @NAME, config.toml adds presets",
    ),
    info(
        Action::LogPrevious,
        "previous",
        "Logs of the previous instances (kubectl logs --previous); again: current",
    ),
    info(
        Action::LogTail,
        "tail",
        "Lines to fetch per container: 200, 1000, 5000, all",
    ),
    info(
        Action::LogSince1m,
        "since-1m",
        "Only lines of the last minute (again: off)",
    ),
    info(
        Action::LogSince5m,
        "since-5m",
        "Only lines of the last 5 minutes (again: off)",
    ),
    info(
        Action::LogSince15m,
        "since-15m",
        "Only lines of the last 15 minutes (again: off)",
    ),
    info(
        Action::LogSince1h,
        "since-1h",
        "Only lines of the last hour (again: off)",
    ),
    info(Action::LogClear, "clear", "Clear the lines shown so far"),
    info(
        Action::LogSave,
        "save",
        "Save the lines shown (as filtered) to kdoc-logs-*.log in the current directory",
    ),
    info(
        Action::ManagedFields,
        "managed-fields",
        "Show or hide metadata.managedFields",
    ),
    info(
        Action::Reveal,
        "reveal",
        "Show a Secret's values, base64-decoded (again: hide them)",
    ),
    info(Action::Reload, "reload", "Read the object again"),
    info(
        Action::Events,
        "events",
        "Events of the selection, newest first, live (:events for the namespace)",
    ),
    info(
        Action::LogCopy,
        "copy",
        "Copy the selected line (the newest while following) to the clipboard (OSC 52)",
    ),
    info(
        Action::Doctor,
        "doctor",
        "Diagnose the selection: status, events, ports, container names and its logs",
    ),
    info(
        Action::DoctorRerun,
        "rerun",
        "Gather the evidence again and re-run the checks",
    ),
    info(
        Action::Forwards,
        "forwards",
        "Show the port-forwards kdoc runs (:pf)",
    ),
    info(
        Action::ForwardEdit,
        "edit-command",
        "Edit the forward as a :pf command (local port, --address)",
    ),
    info(Action::ForwardStop, "stop", "Stop the selected forward"),
    info(
        Action::ForwardRestart,
        "restart",
        "Restart the selected forward (a failed one too)",
    ),
    info(
        Action::ForwardCheck,
        "check",
        "HTTP GET / through the selected forward (:check PATH for another path)",
    ),
    info(
        Action::ForwardCopy,
        "copy-url",
        "Copy the selected forward's URL to the clipboard (OSC 52)",
    ),
    info(
        Action::Describe,
        "describe",
        "Describe the selection as kubectl describe does, its events live",
    ),
    info(
        Action::Yaml,
        "yaml",
        "YAML of the selection, read fresh (:yaml KIND/NAME for any)",
    ),
    info(
        Action::Shell,
        "shell",
        "Shell into a container (not in kdoc yet)",
    ),
    info(
        Action::PortForward,
        "port-forward",
        "Port-forward the selection: pick the port, kdoc keeps the forward alive",
    ),
    info(
        Action::Edit,
        "edit",
        "Edit the selection (kdoc is read-only)",
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
