//! Forward profiles (`~/.config/kdoc/forwards.toml`): parsed with file:line:col for mistakes,
//! started by name with `:pf @NAME` carrying their own HTTP check, and started with kdoc on
//! their context when `autostart` says so (and not on another context).

mod common;

use std::path::Path;

use common::ui::mlops_workflows_state;
use kdoc::config::forwards::parse;
use kdoc::core::effect::EffectKind;
use kdoc::core::forward::{ForwardTarget, Profile};
use kdoc::core::state::{AppState, Msg, Scope};

const FILE: &str = r#"
[[profile]]
name = "iris"
context = "kdoc-sim"
namespace = "argowf"
target = "svc/iris-default"
ports = ["0:8000"]
autostart = true
[profile.check]
method = "POST"
path = "/api/v1.0/predictions"
body = '{"data": {"ndarray": [[5.1, 3.5, 1.4, 0.2]]}}'

[[profile]]
name = "mlflow"
context = "prod"
namespace = "mlflow"
target = "svc/mlflow"
ports = ["5000"]
autostart = true
"#;

fn profiles() -> Vec<Profile> {
    let (p, problems) = parse(Path::new("forwards.toml"), FILE);
    assert!(problems.is_empty(), "{problems:?}");
    p
}

#[test]
fn a_file_parses_and_mistakes_name_the_line() {
    let p = profiles();
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].words(), "svc/iris-default 0:8000 -n argowf");
    let check = p[0].http_check().unwrap();
    assert_eq!(
        (check.method.as_str(), check.path.as_str()),
        ("POST", "/api/v1.0/predictions")
    );
    let (none, problems) = parse(
        Path::new("/home/me/.config/kdoc/forwards.toml"),
        "[[profile]]\nname = \"x\"\nnamespace = \"a\"\ntarget = \"svc/x\"\nports = [\"1\"]\nautostrat = true\n",
    );
    assert!(none.is_empty());
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("/home/me/.config/kdoc/forwards.toml:6:"),
        "{problems:?}"
    );
    assert!(problems[0].contains("autostrat"), "{problems:?}");
    let (p, problems) = parse(
        Path::new("f.toml"),
        "[[profile]]\nname = \"x\"\nnamespace = \"a\"\ntarget = \"svc/x\"\nports = []\n",
    );
    assert!(p.is_empty());
    assert!(problems[0].contains("has no ports"), "{problems:?}");
}

fn forwards_started(effects: &[kdoc::core::effect::Effect]) -> Vec<(ForwardTarget, String)> {
    effects
        .iter()
        .filter_map(|e| match &e.kind {
            EffectKind::Forward(r) => Some((r.target.clone(), r.spec.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn autostart_on_its_context_only() {
    let mut s = AppState::new(
        "kdoc-sim".into(),
        "kdoc-sim".into(),
        vec!["kdoc-sim".into(), "prod".into()],
        Scope::All,
        false,
    );
    s.profiles = profiles();
    let effects = s.start();
    assert_eq!(
        forwards_started(&effects),
        [(
            ForwardTarget::Service("iris-default".into()),
            "0:8000".into()
        )]
    );
    let f = s.cache.forwards.values().next().unwrap();
    assert_eq!(f.request.namespace, "argowf");
    assert_eq!(f.request_check.as_ref().unwrap().method, "POST");
}

#[test]
fn pf_at_name_starts_a_profile() {
    let mut s = mlops_workflows_state();
    s.profiles = profiles();
    let effects = s.update(Msg::Command("pf @mlflow".into()));
    assert_eq!(
        forwards_started(&effects),
        [(ForwardTarget::Service("mlflow".into()), "5000".into())]
    );
    assert_eq!(s.top().name(), "forwards");
    s.update(Msg::Command("pf @nope".into()));
    let m = s.message.as_ref().unwrap().text.to_string();
    assert!(
        m.contains("no forward profile \"nope\"; known: iris, mlflow"),
        "{m}"
    );
}
