//! The config files: every shipped theme and keymap loads clean; the bad files kept in
//! `tests/config_files/` give their exact diagnostics (`file:line:col: message`); config.toml
//! chooses the theme and keymap and the flags win; `kdoc config check|path` on good and bad
//! folders; and the app starts on the defaults with a notice listing the problems.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use kdoc::app::model::AppMsg;
use kdoc::app::{Options, Session};
use kdoc::config::keymap::{self, Lookup, parse_keys};
use kdoc::config::settings::{self, Flags, Settings};
use kdoc::config::theme::{self, Theme};
use kdoc::config::{Env, color};
use kdoc::core::actions::{ACTIONS, Action};
use kdoc::core::panes::pods::PodsPane;
use kdoc::core::state::{Msg, Scope};
use ratatui::style::Color;

use common::app::{Harness, target};
use common::{COMMAND_TIMEOUT, run_with_timeout};

const DIR: &str = "tests/config_files";

/// A config folder of its own (`<tmp>/kdoc`), empty until a test writes in it.
struct Home {
    tmp: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            tmp: tempfile::tempdir().expect("a temp dir"),
        }
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("kdoc")
    }

    fn env(&self) -> Env {
        Env {
            dir: Some(self.dir()),
            home: Some(self.tmp.path().to_path_buf()),
            no_color: false,
        }
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn load(&self, flags: Flags) -> Settings {
        settings::load(&self.env(), &flags)
    }

    /// `kdoc ARGS` with this folder as the config folder: (exit code, stdout).
    fn kdoc(&self, args: &[&str]) -> (i32, String) {
        let out = run_with_timeout(
            Command::new(env!("CARGO_BIN_EXE_kdoc"))
                .args(args)
                .env("XDG_CONFIG_HOME", self.tmp.path())
                .env_remove("NO_COLOR"),
            COMMAND_TIMEOUT,
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }
}

fn theme_flag(path: &str) -> Flags {
    Flags {
        theme: Some(path.into()),
        ..Flags::default()
    }
}

fn keymap_flag(path: &str) -> Flags {
    Flags {
        keymap: Some(path.into()),
        ..Flags::default()
    }
}

fn toml_files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

const COLOURS: &str = "reset, black, red, green, yellow, blue, magenta, cyan, gray, darkgray, \
lightred, lightgreen, lightyellow, lightblue, lightmagenta, lightcyan, white";

// Shipped files -----------------------------------------------------------------------------

#[test]
fn every_file_in_themes_and_keymaps_loads_without_diagnostics() {
    let home = Home::new();
    let themes = toml_files("themes");
    assert_eq!(
        themes.iter().map(|p| stem(p)).collect::<Vec<_>>(),
        {
            let mut n = theme::KIND.names();
            n.sort();
            n
        },
        "every file in themes/ is shipped (embedded) and nothing else is"
    );
    for p in &themes {
        for flags in [theme_flag(&p.display().to_string()), theme_flag(&stem(p))] {
            let s = home.load(flags.clone());
            assert!(s.problems.is_empty(), "{flags:?}: {:#?}", s.problems);
        }
    }
    let keymaps = toml_files("keymaps");
    assert_eq!(
        keymaps.iter().map(|p| stem(p)).collect::<Vec<_>>(),
        {
            let mut n = keymap::KIND.names();
            n.sort();
            n
        },
        "every file in keymaps/ is shipped (embedded) and nothing else is"
    );
    for p in &keymaps {
        for flags in [keymap_flag(&p.display().to_string()), keymap_flag(&stem(p))] {
            let s = home.load(flags.clone());
            assert!(s.problems.is_empty(), "{flags:?}: {:#?}", s.problems);
        }
    }
    // The shipped themes are told apart where it shows.
    let theme = |n: &str| home.load(theme_flag(n)).theme;
    assert_eq!(theme("light").syntax, "InspiredGitHub");
    assert_eq!(theme("default").syntax, "base16-ocean.dark");
    assert_ne!(theme("light").bg, theme("default").bg);
    assert!(
        [theme("16color")]
            .iter()
            .flat_map(|t| [t.fg, t.bg, t.selected_bg, t.ok, t.failed, t.accent])
            .all(color::is_ansi16)
    );
}

#[test]
fn no_key_is_bound_twice_in_one_layer_of_a_shipped_keymap() {
    for p in toml_files("keymaps") {
        let text = std::fs::read_to_string(&p).unwrap();
        let doc: toml::Table = toml::from_str(&text).unwrap();
        for (layer, table) in &doc {
            let Some(table) = table.as_table() else {
                assert_eq!(layer, "inherits", "{}", p.display());
                continue;
            };
            // Canonical chords, so "G" and "shift-g" are the same key.
            let mut seen: BTreeMap<Vec<String>, &str> = BTreeMap::new();
            for spec in table.keys() {
                let seq = parse_keys(spec).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                for (other, first) in &seen {
                    assert!(
                        !other.starts_with(&seq) && !seq.starts_with(other),
                        "{}: [{layer}] binds {spec:?} and {first:?}",
                        p.display()
                    );
                }
                seen.insert(seq, spec);
            }
        }
    }
}

// Bad files ---------------------------------------------------------------------------------

#[test]
fn a_bad_theme_gives_each_diagnostic_with_its_position() {
    let home = Home::new();
    let s = home.load(theme_flag("tests/config_files/bad_theme.toml"));
    let f = "tests/config_files/bad_theme.toml";
    let not_colour = |at: &str, scope: &str, v: &str| {
        format!(
            "{f}:{at}: {scope}: \"{v}\" is neither a colour nor a name in [palette]; colours \
             are {COLOURS} and \"#rrggbb\""
        )
    };
    assert_eq!(
        s.problems,
        [
            format!(
                "{f}:3:10: syntax = \"Monokai\" is not a bundled syntect theme; use one of \
                 \"base16-ocean.dark\", \"base16-eighties.dark\", \"base16-mocha.dark\", \
                 \"base16-ocean.light\", \"InspiredGitHub\", \"Solarized (dark)\", \
                 \"Solarized (light)\", \"none\""
            ),
            not_colour("5:13", "ui.text", "grene"),
            format!(
                "{f}:6:1: unknown scope \"ui.txet\"; scopes: ui.text, ui.background, ui.title, \
                 ui.border, ui.header, ui.selection, ui.dim, ui.accent, status.ok, \
                 status.pending, status.warn, status.failed, status.completed, status.error, \
                 doctor.error, doctor.warn, doctor.info, log.match, log.find, log.sources"
            ),
            not_colour("7:39", "ui.selection", "nope"),
            format!(
                "{f}:7:68: \"blinking\" is not a modifier; modifiers: bold, dim, italic, \
                 underlined, slow_blink, rapid_blink, reversed, hidden, crossed_out"
            ),
            format!(
                "{f}:8:17: unknown key \"colour\" in the style of ui.accent; a style has fg, bg \
                 and modifiers"
            ),
            format!(
                "{f}:9:15: status.ok must be a colour in quotes, or a style {{ fg = \"...\", \
                 bg = \"...\", modifiers = [\"bold\"] }}"
            ),
            not_colour("10:26", "log.sources", "#12345"),
            format!(
                "{f}:13:7: palette colour ink = \"#1234zz\" is not a colour; a palette colour \
                 is one of {COLOURS} or \"#rrggbb\""
            ),
        ]
    );
    // Each broken scope is its parent's (light's); the good parts of the file still apply.
    let light = home.load(theme_flag("light")).theme;
    let t = &s.theme;
    assert_eq!(
        (t.fg, t.selection, t.accent, t.ok, &t.sources, &t.syntax),
        (
            light.fg,
            light.selection,
            light.accent,
            light.ok,
            &light.sources,
            &light.syntax
        )
    );
}

#[test]
fn inherits_cycles_and_missing_parents_are_reported_at_the_inherits() {
    let home = Home::new();
    let s = home.load(theme_flag("tests/config_files/theme_cycle_a.toml"));
    assert_eq!(
        s.problems,
        [format!(
            "{DIR}/theme_cycle_b.toml:1:12: inherits \"theme_cycle_a.toml\" makes a cycle \
             ({DIR}/theme_cycle_a.toml -> {DIR}/theme_cycle_b.toml -> {DIR}/theme_cycle_a.toml); \
             using the shipped default instead"
        )]
    );
    // Both files still count, over the default.
    assert_eq!((s.theme.ok, s.theme.failed), (Color::Green, Color::Red));
    assert_eq!(s.theme.selection, Theme::builtin().selection);

    let s = home.load(theme_flag("tests/config_files/theme_missing_parent.toml"));
    assert_eq!(
        s.problems,
        [format!(
            "{DIR}/theme_missing_parent.toml:1:12: inherits \"solarized\": no theme named \
             \"solarized\": no {}/themes/solarized.toml, and the shipped themes are default, \
             light, 16color; using the shipped default instead",
            home.dir().display()
        )]
    );
    assert_eq!(s.theme.ok, Color::LightGreen);

    let s = home.load(keymap_flag("tests/config_files/keymap_missing_parent.toml"));
    assert_eq!(
        s.problems,
        [format!(
            "{DIR}/keymap_missing_parent.toml:1:12: inherits \"emacs\": no keymap named \
             \"emacs\": no {}/keymaps/emacs.toml, and the shipped keymaps are default, vim; \
             using the shipped default instead",
            home.dir().display()
        )]
    );
    let g = ["global"];
    let k = &s.keymap;
    assert_eq!(k.lookup(&g, &keys("ctrl-n")), Lookup::Action(Action::Down));
    assert_eq!(k.lookup(&g, &keys("g")), Lookup::Action(Action::Top));
}

fn keys(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|k| parse_keys(k).unwrap().remove(0))
        .collect()
}

#[test]
fn a_bad_keymap_gives_each_diagnostic_with_its_position() {
    let home = Home::new();
    let s = home.load(keymap_flag("tests/config_files/bad_keymap.toml"));
    let f = "tests/config_files/bad_keymap.toml";
    let actions: Vec<&str> = ACTIONS.iter().map(|a| a.name).collect();
    assert_eq!(
        s.problems,
        [
            format!(
                "{f}:5:1: unknown action \"dwon\" for key \"j\" in [global]; known actions: {}, \
                 or \"none\" to unbind",
                actions.join(", ")
            ),
            format!(
                "{f}:6:1: \"hyper-k\" is not a key; a key is a character (\"j\", \"G\", \"/\") \
                 or one of up, down, left, right, pageup, pagedown, home, end, enter, esc, tab, \
                 backtab, backspace, delete, insert, space, f1..f12, with ctrl-, alt- or shift- \
                 in front if needed (\"ctrl-d\"); a sequence is keys separated by spaces \
                 (\"g g\")"
            ),
            format!(
                "{f}:8:1: \"z z\" in [global] starts with \"z\", bound at 7:1; a key cannot be \
                 both bound and the start of a sequence; ignoring this one"
            ),
            format!(
                "{f}:10:1: \"shift-g\" in [global] is the same key as \"G\" at 9:1; ignoring this one"
            ),
            format!(
                "{f}:12:2: unknown layer [podz]; known layers: global, pods, services, kinds, \
                 workflows, steps, containers, logs, doctor, events, yaml, describe, forwards, \
                 port-forward, help, picker, input"
            ),
        ]
    );
    // The bad bindings are skipped: vim's (and under it default's) stay.
    let g = ["global"];
    let k = &s.keymap;
    assert_eq!(k.lookup(&g, &keys("j")), Lookup::Action(Action::Down));
    assert_eq!(k.lookup(&g, &keys("z")), Lookup::Action(Action::Top));
    assert_eq!(k.lookup(&g, &keys("G")), Lookup::Action(Action::Bottom));
    assert_eq!(
        k.lookup(&g, &keys("ctrl-f")),
        Lookup::Action(Action::PageDown)
    );
}

#[test]
fn arbitrary_files_never_panic() {
    let home = Home::new();
    for (i, text) in [
        "",
        "inherits = 3",
        "inherits = \"\"",
        "inherits = \"/\"",
        "inherits = \"~\"",
        "[global]\n\"\" = \"up\"",
        "\u{0}",
        "[palette]\n[palette.x]\ny = 1",
        "\"ui\" = { fg = { fg = \"red\" } }",
        "\"log.sources\" = [[\"red\"]]",
        "[ui.selection.fg]\nx = 1",
    ]
    .iter()
    .enumerate()
    {
        let p = home.write(&format!("f{i}.toml"), text);
        let p = p.display().to_string();
        let s = home.load(Flags {
            theme: Some(p.clone()),
            keymap: Some(p.clone()),
            readonly: None,
        });
        assert!(
            s.problems
                .iter()
                .all(|e| e.contains(&p) || e.starts_with("--")),
            "{text:?}: {:#?}",
            s.problems
        );
    }
}

// config.toml ----------------------------------------------------------------------------------

#[test]
fn config_toml_chooses_the_theme_and_keymap_and_the_flags_win() {
    let home = Home::new();
    let cfg = home.write(
        "config.toml",
        "theme = \"mine\"\nkeymap = \"vim\"\nreadonly = true\nrules = [\"extra-rules.toml\"]\n\n\
         [[forwards.profile]]\nname = \"iris\"\nnamespace = \"argowf\"\ntarget = \"svc/iris-default\"\n\
         ports = [\"8000\"]\n",
    );
    // A user theme named like a shipped one inherits the shipped one of that name.
    home.write(
        "themes/mine.toml",
        "inherits = \"light\"\n\"status.ok\" = \"#00aa00\"\n",
    );
    home.write(
        "themes/light.toml",
        "inherits = \"light\"\n\"status.failed\" = \"#aa0000\"\n",
    );
    home.write(
        "forwards.toml",
        "[[profile]]\nname = \"mlflow\"\nnamespace = \"mlflow\"\ntarget = \"svc/mlflow\"\n\
         ports = [\"5000\"]\n\n[[profile]]\nname = \"iris\"\nnamespace = \"x\"\ntarget = \"svc/x\"\n\
         ports = [\"1\"]\n",
    );
    let s = home.load(Flags::default());
    let forwards = home.dir().join("forwards.toml");
    assert_eq!(
        s.problems,
        [format!(
            "{}:7:1: profile \"iris\" is defined twice; the first one is used",
            forwards.display()
        )]
    );
    assert_eq!(s.theme.ok, Color::Rgb(0, 0xaa, 0));
    assert_eq!(s.theme.failed, Color::Rgb(0xaa, 0, 0));
    assert_eq!(s.theme.syntax, "InspiredGitHub");
    assert_eq!(
        s.keymap.lookup(&["global"], &keys("ctrl-f")),
        Lookup::Action(Action::PageDown)
    );
    assert!(s.readonly);
    let names: Vec<&str> = s.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["iris", "mlflow"]);
    assert_eq!(
        s.profiles[0].namespace, "argowf",
        "config.toml's comes first"
    );
    assert_eq!(
        settings::rule_paths(&home.env(), &s.config)[0].0,
        home.dir().join("extra-rules.toml")
    );
    assert_eq!(
        s.checked,
        [
            format!("config: {}", cfg.display()),
            format!(
                "theme: {d}/themes/mine.toml over {d}/themes/light.toml over themes/light.toml \
                 (shipped) over themes/default.toml (shipped)",
                d = home.dir().display()
            ),
            "keymap: keymaps/vim.toml (shipped) over keymaps/default.toml (shipped)".into(),
            format!("forwards: {}", forwards.display()),
        ]
    );

    // The command line wins.
    let s = home.load(Flags {
        theme: Some("16color".into()),
        keymap: Some("default".into()),
        readonly: Some(false),
    });
    assert_eq!(s.theme.ok, Color::Green);
    assert_eq!(
        s.keymap.lookup(&["global"], &keys("ctrl-f")),
        Lookup::Unbound
    );
    assert!(!s.readonly);

    // NO_COLOR wins over any theme.
    let env = Env {
        no_color: true,
        ..home.env()
    };
    let s = settings::load(&env, &Flags::default());
    assert_eq!(s.theme.ok, Color::Reset);
    assert!(s.theme.no_color);
}

#[test]
fn theme_toml_and_keymap_toml_go_over_the_chosen_ones_and_config_mistakes_are_placed() {
    let home = Home::new();
    home.write(
        "config.toml",
        "theme = \"drak\"\nkeymap = \"nope/keys.toml\"\n",
    );
    home.write(
        "theme.toml",
        "inherits = \"light\"\n\"status.ok\" = \"blue\"\n",
    );
    home.write("keymap.toml", "[global]\n\"Q\" = \"quit\"\n");
    let s = home.load(Flags::default());
    let d = home.dir();
    assert_eq!(
        s.problems,
        [
            format!(
                "{c}:1:9: no theme named \"drak\": no {t}, and the shipped themes are default, \
                 light, 16color; using the shipped default",
                c = d.join("config.toml").display(),
                t = d.join("themes/drak.toml").display()
            ),
            format!(
                "{}:1:12: inherits is ignored here: {} is merged over the theme config.toml \
                 chooses (theme = \"NAME\"); a theme that inherits goes in themes/NAME.toml",
                d.join("theme.toml").display(),
                d.join("theme.toml").display()
            ),
            format!(
                "{c}:2:10: cannot read keymap {k}: No such file or directory (os error 2); \
                 using the shipped default",
                c = d.join("config.toml").display(),
                k = d.join("nope/keys.toml").display()
            ),
        ]
    );
    assert_eq!(s.theme.ok, Color::Blue);
    assert_eq!(s.theme.bg, Color::Reset, "the default's, not light's");
    assert_eq!(
        s.keymap.lookup(&["global"], &keys("Q")),
        Lookup::Action(Action::Quit)
    );
}

// kdoc config check | path ---------------------------------------------------------------------

#[test]
fn config_check_passes_a_good_folder_and_lists_a_bad_ones_problems() {
    let home = Home::new();
    let (code, out) = home.kdoc(&["config", "check"]);
    let d = home.dir();
    assert_eq!(
        out,
        format!(
            "checked config: {c} (not there)\n\
             checked theme: themes/default.toml (shipped)\n\
             checked keymap: keymaps/default.toml (shipped)\n\
             checked forwards: {f} (not there)\n\
             checked rules: the built-in rules only\n\
             no problems\n",
            c = d.join("config.toml").display(),
            f = d.join("forwards.toml").display()
        )
    );
    assert_eq!(code, 0);

    let here = std::env::current_dir().unwrap();
    let good_theme = here.join(DIR).join("good_theme.toml");
    home.write(
        "config.toml",
        &format!("theme = \"{}\"\nkeymap = \"vim\"\n", good_theme.display()),
    );
    home.write(
        "rules/mine.toml",
        "[[rule]]\nid = \"gpu\"\ntitle = \"No GPU\"\nregex = \"CUDA error\"\nseverity = \"error\"\n\
         explanation = \"x\"\nfix = [\"y\"]\n",
    );
    let (code, out) = home.kdoc(&["config", "check"]);
    assert!(out.ends_with("no problems\n"), "{out}");
    assert!(
        out.contains(&format!(
            "checked theme: {} over themes/light.toml (shipped) over themes/default.toml (shipped)\n",
            good_theme.display()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "checked rules: {}\n",
            d.join("rules/mine.toml").display()
        )),
        "{out}"
    );
    assert_eq!(code, 0);

    let bad_theme = here.join(DIR).join("bad_theme.toml");
    let bad_keymap = here.join(DIR).join("bad_keymap.toml");
    home.write(
        "config.toml",
        &format!(
            "theme = \"{}\"\nkeymap = \"{}\"\nrules = [\"missing.toml\"]\n",
            bad_theme.display(),
            bad_keymap.display()
        ),
    );
    home.write("rules/broken.toml", "[[rule]]\nid = \"x\"\n");
    let (code, out) = home.kdoc(&["config", "check"]);
    let problems: Vec<&str> = out.lines().filter(|l| !l.starts_with("checked ")).collect();
    assert_eq!(problems.len(), 9 + 5 + 2 + 1, "{out}");
    assert!(problems[0].starts_with(&format!("{}:3:10: syntax = ", bad_theme.display())));
    assert!(problems[9].starts_with(&format!("{}:5:1: unknown action", bad_keymap.display())));
    assert_eq!(
        problems[14],
        format!(
            "{}:3:10: rules: cannot read {}: No such file or directory (os error 2)",
            d.join("config.toml").display(),
            d.join("missing.toml").display()
        )
    );
    assert!(
        problems[15].starts_with(&format!("{}:1: ", d.join("rules/broken.toml").display())),
        "{out}"
    );
    assert_eq!(problems[16], "16 problems");
    assert_eq!(code, 1);
    // --theme and --keymap check other files than config.toml's.
    let (code, out) = home.kdoc(&["config", "check", "--theme", "light", "--keymap", "default"]);
    assert_eq!(code, 1, "the rule files are still wrong");
    assert!(out.ends_with("2 problems\n"), "{out}");
}

#[test]
fn config_path_says_where_each_file_is_looked_for() {
    let home = Home::new();
    home.write("config.toml", "theme = \"light\"\n");
    home.write("keymaps/mine.toml", "");
    let (code, out) = home.kdoc(&["config", "path"]);
    let d = home.dir();
    let p = |s: &str| d.join(s).display().to_string();
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "config folder  {} (a folder)\n\
             config         {} (there)\n\
             themes/        {} (not there); themes by name: {}/NAME.toml, then the shipped default, light, 16color\n\
             theme in use   light: themes/light.toml (shipped) (from {}:1:9)\n\
             theme.toml     {} (not there); merged over the theme in use\n\
             keymaps/       {} (a folder); keymaps by name: {}/NAME.toml, then the shipped default, vim\n\
             keymap in use  default: keymaps/default.toml (shipped)\n\
             keymap.toml    {} (not there); merged over the keymap in use\n\
             forwards       {} (not there)\n\
             rules/         {} (not there); every *.toml in it\n",
            d.display(),
            p("config.toml"),
            p("themes"),
            p("themes"),
            p("config.toml"),
            p("theme.toml"),
            p("keymaps"),
            p("keymaps"),
            p("keymap.toml"),
            p("forwards.toml"),
            p("rules"),
        )
    );
    // --readonly takes its value only as --readonly=BOOL, so it never swallows what follows.
    assert_eq!(home.kdoc(&["--readonly", "config", "path"]), (0, out));
}

// The app ----------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_starts_on_the_defaults_with_a_notice_listing_the_problems() {
    let home = Home::new();
    let here = std::env::current_dir().unwrap();
    home.write(
        "config.toml",
        &format!(
            "theme = \"{}\"\nkeymap = \"{}\"\n",
            here.join(DIR).join("theme_cycle_a.toml").display(),
            here.join(DIR).join("bad_keymap.toml").display()
        ),
    );
    let s = home.load(Flags::default());
    assert_eq!(s.problems.len(), 1 + 5, "{:#?}", s.problems);
    let notice = settings::notice(&s.problems).expect("a notice");
    assert!(
        notice.starts_with(
            "6 problems in the config files, defaults used instead (kdoc config check): "
        ) && s.problems.iter().all(|p| notice.contains(p.as_str())),
        "{notice}"
    );

    let sim = common::mlops(1.0).await;
    let opts = Options {
        target: target(&sim.kubeconfig(), None).await,
        scope: Scope::All,
        readonly: s.readonly,
        keymap: s.keymap,
        theme: s.theme,
        notices: vec![notice.clone()],
        offline: None,
        profiles: s.profiles,
        favourites: s.config.favourites.clone(),
        logs: s.config.logs,
    };
    let session = Session::start(&opts).expect("the app starts");
    let mut h = Harness {
        session,
        width: 200,
        height: 30,
    };
    h.session.send(AppMsg::Core(Msg::Resize(200, 30)));
    let screen = h
        .wait_for("the pods", |s| s.contains("iris-demo-kaniko"))
        .await;
    assert_eq!(
        h.session
            .app
            .state
            .notices
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>(),
        [notice]
    );
    let status = screen.lines().last().unwrap_or_default();
    assert!(
        status.starts_with("6 problems in the config files"),
        "the status line shows it:\n{screen}"
    );
    // Where the user's keymap was wrong, vim's keys (and under them the default's) work.
    let selected = |h: &Harness| {
        h.session
            .app
            .state
            .find::<PodsPane>()
            .expect("the pods pane")
            .selected
    };
    h.press("j");
    assert_eq!(selected(&h), 1, "j is down, not the unknown \"dwon\"");
    h.press("g g");
    assert_eq!(selected(&h), 0, "g g is vim's top");
    h.press("ctrl-f");
    assert!(selected(&h) > 1, "ctrl-f pages down");
}
