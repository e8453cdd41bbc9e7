//! The `:` command line: parsing and completion.

use std::collections::BTreeSet;

use super::panes;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Open a registered pane (`:svc`), optionally in a namespace (`:svc argowf`, as k9s).
    Open {
        pane: &'static str,
        namespace: Option<NsArg>,
    },
    /// `:ns NAME`; None means all namespaces.
    Namespace(Option<String>),
    NamespacePicker,
    Context(String),
    ContextPicker,
    Quit,
    Help,
    /// `:logs TARGET [-n NS] [-c C]` or `:logs -l k=v [-n NS]`: the words after `logs`.
    Logs(String),
    /// `:doctor [TARGET] [-n NS] [-c C] [--port P]`: the words after `doctor`.
    Doctor(String),
    /// `:pf TARGET [LOCAL:]REMOTE... [-n NS] [--address A]`: the words after `pf`.
    Forward(String),
    /// `:check [PATH]`: an HTTP GET through the selected forward.
    Check(String),
    /// Open the command prompt with this text (a dialog's "edit as a command").
    Prompt(String),
    /// Stop, restart, check or copy the forward with this id (the forwards pane's keys).
    ForwardOp(u64, crate::core::panes::forwards::ForwardOp),
    /// The forward dialog on (namespace, `svc/NAME` or `pod/NAME`), this port selected.
    ForwardDialog(String, String, u16),
    /// `:KIND [NS]` for any kind discovery finds (`:deploy`, `:isvc`, a CRD's plural).
    Kind {
        word: String,
        namespace: Option<NsArg>,
    },
    /// `:yaml KIND/NAME [-n NS]`, `:describe ...`, `:events [KIND/NAME] [-n NS]`: the view
    /// (`Action::Yaml`, `Describe` or `Events`) and the words after the command.
    View(crate::core::actions::Action, String),
}

/// A namespace argument: a name, or all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NsArg {
    All,
    Name(String),
}

const OTHERS: &[&str] = &[
    "ns", "ctx", "logs", "doctor", "yaml", "describe", "events", "check", "help", "q", "quit",
];
const USAGE: &str = "pods, svc, wf, or any kind: deploy, isvc, cm, nodes, a CRD's plural (each with an optional NAMESPACE), ns NAME, ns -A, ctx NAME, logs TARGET, doctor [TARGET], yaml|describe KIND/NAME, events [KIND/NAME], pf [TARGET PORT], q";

/// Every word completion offers first: the first alias of each pane, then the others.
fn command_words() -> impl Iterator<Item = &'static str> {
    panes::REGISTRY
        .iter()
        .map(|p| p.aliases[0])
        .chain(OTHERS.iter().copied())
}

/// `all` and `-A` mean every namespace, unless a namespace is literally named `all`: then
/// `all` is that namespace and `-A` (or `*`) still means every one.
fn ns_arg(word: &str, namespaces: &BTreeSet<String>) -> NsArg {
    match word {
        "-A" | "*" => NsArg::All,
        "all" if !namespaces.contains("all") => NsArg::All,
        n => NsArg::Name(n.to_string()),
    }
}

pub fn parse(input: &str, namespaces: &BTreeSet<String>) -> Result<Command, String> {
    let line = input.trim().trim_start_matches(':').trim_start();
    if let Some(("logs" | "log", rest)) = line.split_once(' ') {
        return Ok(Command::Logs(rest.trim().to_string()));
    }
    // `:pf` alone is the forwards pane; with a target it starts a forward.
    if let Some(("pf" | "port-forward" | "portforward", rest)) = line.split_once(' ')
        && (rest.split_whitespace().count() >= 2 || rest.trim().starts_with('@'))
    {
        return Ok(Command::Forward(rest.trim().to_string()));
    }
    if let Some(("check", rest)) = line.split_once(' ') {
        return Ok(Command::Check(rest.trim().to_string()));
    }
    if line == "check" {
        return Ok(Command::Check(String::new()));
    }
    if let Some(("doctor", rest)) = line.split_once(' ') {
        return Ok(Command::Doctor(rest.trim().to_string()));
    }
    if line == "doctor" {
        return Ok(Command::Doctor(String::new()));
    }
    let (head, rest) = line.split_once(' ').unwrap_or((line, ""));
    let view = match head {
        "yaml" | "y" => Some(crate::core::actions::Action::Yaml),
        "describe" | "desc" => Some(crate::core::actions::Action::Describe),
        "events" | "ev" | "event" => Some(crate::core::actions::Action::Events),
        _ => None,
    };
    if let Some(v) = view {
        return Ok(Command::View(v, rest.trim().to_string()));
    }
    if line == "logs" || line == "log" {
        return Err("logs what? :logs pod/NAME, workflow/NAME, svc/NAME, a pod-name regex or -l k=v; -n NS, -c CONTAINER".into());
    }
    let mut words = line.split_whitespace();
    let head = words.next().unwrap_or("");
    let arg = words.next();
    if let Some(extra) = words.next() {
        return Err(format!(
            "{head}: unexpected {extra:?}; one argument at most ({USAGE})"
        ));
    }
    if let Some(p) = panes::by_alias(head) {
        return Ok(Command::Open {
            pane: p.name,
            namespace: arg.map(|a| ns_arg(a, namespaces)),
        });
    }
    match (head, arg) {
        ("ns" | "namespace" | "namespaces", None) => Ok(Command::NamespacePicker),
        ("ns" | "namespace" | "namespaces", Some(a)) => Ok(match ns_arg(a, namespaces) {
            NsArg::All => Command::Namespace(None),
            NsArg::Name(n) => Command::Namespace(Some(n)),
        }),
        ("ctx" | "context" | "contexts", None) => Ok(Command::ContextPicker),
        ("ctx" | "context" | "contexts", Some(c)) => Ok(Command::Context(c.to_string())),
        ("q" | "quit" | "q!", _) => Ok(Command::Quit),
        ("help" | "?", _) => Ok(Command::Help),
        ("", _) => Err(format!("type a command: {USAGE}")),
        // Any other word is a kind, resolved against discovery (which says if it is not one).
        (other, arg) => Ok(Command::Kind {
            word: other.to_string(),
            namespace: arg.map(|a| ns_arg(a, namespaces)),
        }),
    }
}

/// Completions for what is typed so far: command names, then namespaces or contexts.
pub fn complete(
    input: &str,
    namespaces: &BTreeSet<String>,
    contexts: &[String],
    kinds: &super::kinds::Kinds,
) -> Vec<String> {
    let input = input.trim_start_matches(':');
    match input.split_once(' ') {
        None => {
            let mut out: Vec<String> = command_words()
                .filter(|c| c.starts_with(input))
                .map(|c| c.to_string())
                .collect();
            // Then the kinds discovery found, each by its shortest name.
            for k in kinds.complete(input) {
                if !out.contains(&k) {
                    out.push(k);
                }
            }
            out
        }
        Some((cmd, arg)) => {
            let arg = arg.trim_start();
            let pool: Vec<String> = match cmd {
                "ns" | "namespace" => std::iter::once("-A".to_string())
                    .chain(namespaces.iter().cloned())
                    .collect(),
                "ctx" | "context" => contexts.to_vec(),
                c if panes::by_alias(c).is_some() || kinds.resolve(c).is_ok() => {
                    namespaces.iter().cloned().collect()
                }
                _ => vec![],
            };
            pool.into_iter()
                .filter(|p| p.starts_with(arg))
                .map(|p| format!("{cmd} {p}"))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_and_completes() {
        let none = set(&[]);
        assert_eq!(
            parse(":ns argowf", &none),
            Ok(Command::Namespace(Some("argowf".into())))
        );
        assert_eq!(parse("ns all", &none), Ok(Command::Namespace(None)));
        assert_eq!(parse("ns", &none), Ok(Command::NamespacePicker));
        assert_eq!(parse("q", &none), Ok(Command::Quit));
        assert_eq!(
            parse("svc mlflow", &none),
            Ok(Command::Open {
                pane: "services",
                namespace: Some(NsArg::Name("mlflow".into()))
            })
        );
        assert_eq!(
            parse("bogus", &none),
            Ok(Command::Kind {
                word: "bogus".into(),
                namespace: None
            })
        );
        assert!(parse("ns a b", &none).unwrap_err().contains("unexpected"));
        let ns = set(&["argowf", "mlflow", "mlops"]);
        assert_eq!(complete("n", &ns, &[], &Default::default()), ["ns"]);
        assert_eq!(complete("s", &ns, &[], &Default::default()), ["svc"]);
        assert_eq!(
            complete("ns ml", &ns, &[], &Default::default()),
            ["ns mlflow", "ns mlops"]
        );
        assert_eq!(
            complete("wf a", &ns, &[], &Default::default()),
            ["wf argowf"]
        );
        assert_eq!(
            complete(
                "ctx k",
                &ns,
                &["kind".to_string(), "prod".to_string()],
                &Default::default()
            ),
            ["ctx kind"]
        );
    }

    #[test]
    fn a_namespace_named_all_can_be_chosen() {
        let ns = set(&["all", "argowf"]);
        assert_eq!(
            parse("ns all", &ns),
            Ok(Command::Namespace(Some("all".into())))
        );
        assert_eq!(parse("ns -A", &ns), Ok(Command::Namespace(None)));
    }
}
