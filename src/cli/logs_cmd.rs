//! `kdoc logs TARGET ...`: parse what to read, then hand it to the headless log runner.

use std::io::IsTerminal;

use kdoc::app::logs_cli::{self, LogsOptions, Output};
use kdoc::core::log_sources::{TargetSpec, target};
use kdoc::logs::query::Query;

use super::tui_cmd::connect;

#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// pod/NAME, workflow/NAME, pipelinerun/NAME, taskrun/NAME, svc/NAME, deploy/NAME (or
    /// sts/, ds/, rs/, job/), or a pod-name regex.
    pub target: Option<String>,
    /// Namespace (default: the context's).
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Containers: a name (requested even if the pod lacks it, so the API says why) or a regex.
    #[arg(short = 'c', long, value_name = "REGEX")]
    pub container: Option<String>,
    /// Pods matching this label selector (k=v,k2=v2), instead of TARGET.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Every container of each pod, init containers included.
    #[arg(long)]
    pub all_containers: bool,
    /// Only lines matching (case-insensitive regex); repeatable, any may match. `@errors`,
    /// `@push`, `@mlflow` and the presets of config.toml name filters.
    #[arg(long, value_name = "RE")]
    pub include: Vec<String>,
    /// Drop lines matching; repeatable.
    #[arg(long, value_name = "RE")]
    pub exclude: Vec<String>,
    /// Highlight matches on a terminal.
    #[arg(long, value_name = "RE")]
    pub highlight: Option<String>,
    /// Lines from the end of each container's log (default: all).
    #[arg(long, value_name = "N")]
    pub tail: Option<i64>,
    /// Only lines newer than this: 30s, 10m, 1h, 2h30m.
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// The previous instance of each container.
    #[arg(long)]
    pub previous: bool,
    /// Keep following; pods that start matching join.
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Print each line's timestamp.
    #[arg(long)]
    pub timestamps: bool,
    /// Prefix lines with pod/container (default: when more than one container).
    #[arg(long, overrides_with = "no_prefix")]
    pub prefix: bool,
    #[arg(long)]
    pub no_prefix: bool,
    /// raw (the lines) or json (one object per line).
    #[arg(short = 'o', long, default_value = "raw")]
    pub output: String,
    /// auto (when stdout is a terminal), always or never.
    #[arg(long, default_value = "auto")]
    pub color: String,
    #[command(flatten)]
    pub cluster: super::ClusterArgs,
}

/// "30s", "10m", "1h", "2h30m", "90" (seconds).
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let bad = || format!("--since {s:?}: expected a duration such as 30s, 10m, 1h or 2h30m");
    if let Ok(n) = s.parse::<i64>() {
        return (n > 0).then_some(n).ok_or_else(bad);
    }
    let mut total = 0i64;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().map_err(|_| bad())?;
        num.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return Err(bad()),
        };
        // `99999999999999999d` must be refused, not overflow.
        total = n
            .checked_mul(unit)
            .and_then(|t| total.checked_add(t))
            .ok_or_else(bad)?;
    }
    if !num.is_empty() || total <= 0 {
        return Err(bad());
    }
    Ok(total)
}

/// The presets `@NAME` may name: built-in, the user's config, and (only when a pattern names
/// one, as compiling the rule pack costs a little) the doctor's signatures in `@errors`.
fn presets(args: &LogsArgs) -> Result<kdoc::logs::Presets, String> {
    let named = args
        .include
        .iter()
        .chain(&args.exclude)
        .chain(&args.highlight)
        .any(|p| p.contains('@'));
    if !named {
        return Ok(kdoc::logs::Presets::builtin());
    }
    let (config, problems) = kdoc::config::file::load_user();
    for p in problems {
        eprintln!("kdoc: {p}");
    }
    let rules = kdoc::config::doctor_rules();
    Ok((*config.logs.presets)
        .clone()
        .with_signatures(rules.pack().signatures()))
}

pub async fn run(args: LogsArgs) -> Result<i32, String> {
    let output = match args.output.as_str() {
        "raw" => Output::Raw,
        "json" => Output::Json,
        o => return Err(format!("-o {o}: expected raw or json")),
    };
    let terminal = std::io::stdout().is_terminal();
    let color = match args.color.as_str() {
        "auto" => terminal,
        "always" => true,
        "never" => false,
        c => return Err(format!("--color {c}: expected auto, always or never")),
    };
    let since_seconds = args.since.as_deref().map(parse_duration).transpose()?;
    let query = if args.include.is_empty() && args.exclude.is_empty() && args.highlight.is_none() {
        None
    } else {
        let presets = presets(&args)?;
        Some(Query::builder(
            &args.include,
            &args.exclude,
            args.highlight.as_deref(),
            0,
            0,
            &presets,
        )?)
    };
    let (cluster, _sim, notices) = connect(&args.cluster, 1.0).await?;
    for n in notices {
        eprintln!("kdoc: {n}");
    }
    let ns = args
        .namespace
        .clone()
        .unwrap_or_else(|| cluster.config.default_namespace.clone());
    // svc/NAME's selector is looked up by the headless runner once services are listed.
    let target = target(
        &TargetSpec {
            target: args.target.as_deref(),
            selector: args.selector.as_deref(),
            container: args.container.as_deref(),
            all_containers: args.all_containers,
        },
        &ns,
    )?;
    logs_cli::run(
        &cluster,
        LogsOptions {
            target,
            query,
            tail: args.tail.filter(|n| *n >= 0),
            since_seconds,
            previous: args.previous,
            follow: args.follow,
            timestamps: args.timestamps,
            prefix: if args.prefix {
                Some(true)
            } else if args.no_prefix {
                Some(false)
            } else {
                None
            },
            output,
            color,
            terminal,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(30));
        assert_eq!(parse_duration("10m"), Ok(600));
        assert_eq!(parse_duration("2h30m"), Ok(9000));
        assert_eq!(parse_duration("90"), Ok(90));
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("99999999999999999d").is_err());
        assert!(parse_duration("9223372036854775807s1s").is_err());
    }

    proptest::proptest! {
        // `--since` is typed by people: any text is a duration or a message, never a panic.
        #[test]
        fn any_since_is_answered(s in "[0-9smhd ]{0,24}|\\PC{0,12}") {
            let _ = parse_duration(&s);
        }
    }
}
