use crate::logs::presets::Presets;
use crate::logs::query::Query;

#[test]
fn include_is_case_insensitive_unless_told() {
    let q = Query::parse("error").unwrap();
    assert!(q.matches("ERROR: disk full"));
    assert!(q.matches("an Error"));
    assert!(!q.matches("all good"));
    let q = Query::parse("(?-i)Error").unwrap();
    assert!(q.matches("Error"));
    assert!(!q.matches("ERROR"));
}

#[test]
fn exclude_only_and_include_plus_exclude() {
    let q = Query::parse("!health").unwrap();
    assert!(q.include.is_none());
    assert!(q.matches("GET /api 200"));
    assert!(!q.matches("GET /Healthz 200"));
    let q = Query::parse("GET !healthz|readyz").unwrap();
    assert!(q.matches("GET /api"));
    assert!(!q.matches("GET /readyz"));
    assert!(!q.matches("POST /api"));
}

#[test]
fn context_flags() {
    let q = Query::parse("-C 2 oom").unwrap();
    assert_eq!((q.before, q.after), (2, 2));
    assert!(q.matches("OOMKilled"));
    let q = Query::parse("-B 1 -A3 oom").unwrap();
    assert_eq!((q.before, q.after), (1, 3));
    let q = Query::parse("-C 5 -A 1 x").unwrap();
    assert_eq!((q.before, q.after), (5, 1));
    // Not a flag: a regex that starts with -A.
    let q = Query::parse("-Added").unwrap();
    assert_eq!((q.before, q.after), (0, 0));
    assert!(q.matches("x -added y"));
    // Flags alone: everything matches, with no include.
    let q = Query::parse("-A 2").unwrap();
    assert!(q.include.is_none() && q.matches("anything"));
}

#[test]
fn errors_are_one_line_and_name_the_part() {
    let e = Query::parse("foo(").unwrap_err();
    assert!(!e.contains('\n'), "{e}");
    assert!(e.contains("filter regex `foo(`"), "{e}");
    assert!(e.contains("unclosed group"), "{e}");
    let e = Query::parse("ok ![z-a]").unwrap_err();
    assert!(e.starts_with("exclude regex `[z-a]`"), "{e}");
    assert!(!e.contains('\n'), "{e}");
    let e = Query::parse("-A").unwrap_err();
    assert!(e.contains("-A needs a number"), "{e}");
    assert!(Query::parse("x !").is_err());
}

#[test]
fn builder_ors_includes_and_excludes() {
    let inc = vec!["oom".to_string(), "(?-i)Evicted".to_string()];
    let exc = vec!["debug".to_string(), "trace".to_string()];
    let p = Presets::builtin();
    let q = Query::builder(&inc, &exc, Some("gpu"), 1, 2, &p).unwrap();
    assert!(q.matches("OOMKilled"));
    assert!(q.matches("pod Evicted"));
    assert!(!q.matches("pod EVICTED"));
    assert!(!q.matches("TRACE oom"));
    assert_eq!((q.before, q.after), (1, 2));
    assert_eq!(q.spans("oom on gpu0"), vec![(0, 3), (7, 10)]);
    // Each part is checked alone: `a)(b` joined would be valid.
    let e = Query::builder(&["a)(b".to_string()], &[], None, 0, 0, &p).unwrap_err();
    assert!(e.starts_with("--include regex `a)(b`"), "{e}");
    let none = Query::builder(&[], &[], None, 0, 0, &p).unwrap();
    assert!(none.matches("x"));
}

#[test]
fn spans_are_sorted_merged_and_skip_empty_matches() {
    let mut q = Query::parse("err|error").unwrap();
    q.highlight = Some(regex::Regex::new("or: x|x*").unwrap());
    assert_eq!(q.spans("an error: x and err"), vec![(3, 11), (16, 19)]);
    assert!(Query::parse("!x").unwrap().spans("abc").is_empty());
}

#[test]
fn presets_compile_and_match_what_the_runbooks_grep_for() {
    let q = |name: &str| Query::parse(&format!("@{name}")).unwrap();
    assert!(q("errors").matches("Traceback ... TimeoutError"));
    assert!(q("push").matches("Pushing manifest to ghcr.io/org/model:1"));
    assert!(q("mlflow").matches("MLflow run 3f2 logged"));
}

#[test]
fn presets_are_named_where_an_alternative_starts_and_nowhere_else() {
    let p = Presets::builtin();
    assert_eq!(
        p.expand("@mlflow|oom").unwrap(),
        "(?:mlflow)|oom",
        "at the start"
    );
    assert_eq!(p.expand("oom|@mlflow").unwrap(), "oom|(?:mlflow)");
    assert_eq!(p.expand("(@mlflow)").unwrap(), "((?:mlflow))");
    // Not where an alternative starts: an e-mail address, an escaped @.
    assert_eq!(p.expand("user@mlflow").unwrap(), "user@mlflow");
    assert_eq!(p.expand(r"\@mlflow").unwrap(), r"\@mlflow");
    // A lone @ is a literal.
    assert_eq!(p.expand("@ x").unwrap(), "@ x");
    let e = p.expand("@gpu").unwrap_err();
    assert!(e.contains("no preset @gpu"), "{e}");
    assert!(e.contains("@errors @push @mlflow"), "{e}");
    // Presets work in the exclude part and through the CLI's flags too.
    let q = Query::parse("GET !@mlflow").unwrap();
    assert!(q.matches("GET /api") && !q.matches("GET /mlflow/runs"));
    let q = Query::builder(&["@push".into()], &[], None, 0, 0, &p).unwrap();
    assert!(q.matches("Pushing image to ghcr.io/x/y:1"));
}

#[test]
fn errors_gains_the_signatures_and_a_users_preset_replaces_a_builtin() {
    // The doctor's signatures, as the app adds them: kaniko's --no-push line says no "error".
    let line = "INFO[0077] Skipping push to container registry due to --no-push flag";
    let sigs = [
        (
            "skipping push to (?:the )?(?:container )?registry due to --no-push",
            false,
        ),
        ("OOMKilled", true),
    ];
    let plain = Presets::builtin();
    assert!(!Query::parse_with("@errors", &plain).unwrap().matches(line));
    let with = Presets::builtin().with_signatures(sigs);
    let q = Query::parse_with("@errors", &with).unwrap();
    assert!(q.matches(line));
    assert!(
        q.matches("Traceback: TimeoutError"),
        "the words still match"
    );
    // A case-sensitive signature stays case-sensitive inside a case-insensitive filter.
    assert!(q.matches("reason: OOMKilled") && !q.matches("reason: oomkilled"));
    // The user's own presets: new names, a built-in replaced (and then left without
    // signatures), bad names and regexes refused with the reason.
    let mut p = Presets::builtin();
    p.add("oom", "out of memory|oomkilled", "config.toml")
        .unwrap();
    p.add("errors", "fatal", "config.toml").unwrap();
    let p = p.with_signatures(sigs);
    assert_eq!(p.get("errors").unwrap().regex, "fatal");
    assert!(Query::parse_with("@oom", &p).unwrap().matches("OOMKilled"));
    let e = p.clone().add("bad name", "x", "f").unwrap_err();
    assert!(e.contains("preset name \"bad name\""), "{e}");
    let e = p.clone().add("gpu", "cuda(", "f").unwrap_err();
    assert!(e.starts_with("preset @gpu regex `cuda(`"), "{e}");
}
