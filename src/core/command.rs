//! The `:` command line: parsing and completion.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Pods,
    Workflows,
    /// `:ns NAME`; None means all namespaces.
    Namespace(Option<String>),
    NamespacePicker,
    Context(String),
    ContextPicker,
    Quit,
    Help,
}

pub const COMMANDS: &[&str] = &["pods", "wf", "ns", "ctx", "help", "q", "quit"];

pub fn parse(input: &str) -> Result<Command, String> {
    let mut words = input.trim().trim_start_matches(':').split_whitespace();
    let head = words.next().unwrap_or("");
    let arg = words.next();
    match (head, arg) {
        ("pods" | "po" | "pod", _) => Ok(Command::Pods),
        ("wf" | "workflows" | "workflow" | "pr" | "pipelineruns", _) => Ok(Command::Workflows),
        ("ns" | "namespace" | "namespaces", None) => Ok(Command::NamespacePicker),
        ("ns" | "namespace" | "namespaces", Some("all" | "-A")) => Ok(Command::Namespace(None)),
        ("ns" | "namespace" | "namespaces", Some(n)) => Ok(Command::Namespace(Some(n.to_string()))),
        ("ctx" | "context" | "contexts", None) => Ok(Command::ContextPicker),
        ("ctx" | "context" | "contexts", Some(c)) => Ok(Command::Context(c.to_string())),
        ("q" | "quit" | "q!", _) => Ok(Command::Quit),
        ("help" | "?", _) => Ok(Command::Help),
        ("", _) => Err("type a command: pods, wf, ns NAME, ns all, ctx NAME, q".into()),
        (other, _) => Err(format!(
            "unknown command {other:?}; try pods, wf, ns NAME, ns all, ctx NAME, q"
        )),
    }
}

/// Completions for what is typed so far: command names, then namespaces or contexts.
pub fn complete(input: &str, namespaces: &[String], contexts: &[String]) -> Vec<String> {
    let input = input.trim_start_matches(':');
    match input.split_once(' ') {
        None => COMMANDS
            .iter()
            .filter(|c| c.starts_with(input))
            .map(|c| c.to_string())
            .collect(),
        Some((cmd, arg)) => {
            let arg = arg.trim_start();
            let pool: Vec<String> = match cmd {
                "ns" | "namespace" => std::iter::once("all".to_string())
                    .chain(namespaces.iter().cloned())
                    .collect(),
                "ctx" | "context" => contexts.to_vec(),
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

    #[test]
    fn parses_and_completes() {
        assert_eq!(
            parse(":ns argowf"),
            Ok(Command::Namespace(Some("argowf".into())))
        );
        assert_eq!(parse("ns all"), Ok(Command::Namespace(None)));
        assert_eq!(parse("ns"), Ok(Command::NamespacePicker));
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert!(parse("bogus").unwrap_err().contains("unknown command"));
        let ns = vec![
            "argowf".to_string(),
            "mlflow".to_string(),
            "mlops".to_string(),
        ];
        assert_eq!(complete("n", &ns, &[]), ["ns"]);
        assert_eq!(complete("ns ml", &ns, &[]), ["ns mlflow", "ns mlops"]);
        assert_eq!(complete("ns a", &ns, &[]), ["ns all", "ns argowf"]);
        assert_eq!(
            complete("ctx k", &[], &["kind".to_string(), "prod".to_string()]),
            ["ctx kind"]
        );
    }
}
