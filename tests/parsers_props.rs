//! Every parser of user input, and the Table reader of cluster input, fed arbitrary text:
//! each answers (a value or a message) and never panics. Inputs mix the characters these
//! grammars give meaning to with escapes, multi-byte text and plain words.

use std::collections::BTreeSet;
use std::path::Path;

use kdoc::core::state::{AppState, Msg, Scope};
use proptest::prelude::*;
use serde_json::Value;

/// Text built from the pieces the parsers split on.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("=".to_string()),
        Just("!=".to_string()),
        Just(",".to_string()),
        Just("!".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(" in ".to_string()),
        Just(" notin ".to_string()),
        Just(":".to_string()),
        Just("/".to_string()),
        Just("-".to_string()),
        Just("@".to_string()),
        Just("\\".to_string()),
        Just("|".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\x1b[2J".to_string()),
        Just("\u{202e}".to_string()),
        Just("é".to_string()),
        Just("漢".to_string()),
        Just("-A".to_string()),
        Just("-n".to_string()),
        Just("-l".to_string()),
        Just("-c".to_string()),
        Just("ctrl-".to_string()),
        Just("shift-".to_string()),
        Just("99999999999".to_string()),
        Just("0".to_string()),
        Just("8000".to_string()),
        "[a-z]{1,6}",
        "[0-9]{1,3}[smhd]?",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

/// Arbitrary JSON, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("kind".to_string()),
                    Just("rows".to_string()),
                    Just("cells".to_string()),
                    Just("columnDefinitions".to_string()),
                    Just("object".to_string()),
                    Just("metadata".to_string()),
                    Just("name".to_string()),
                    Just("ownerReferences".to_string()),
                    "[a-z]{1,5}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn text_parsers_answer_without_panicking(s in text()) {
        let _ = kdoc::core::filter::Filter::parse(&s);
        let _ = kdoc::core::labels::LabelSelector::parse(&s);
        let _ = kdoc::core::log_sources::parse_labels(&s);
        let _ = kdoc::config::keymap::parse_keys(&s);
        let _ = kdoc::logs::query::Query::parse(&s);
        let _ = kdoc::core::objects::ObjRef::parse(&s, "ns");
        let _ = kdoc::core::command::parse(&s, &BTreeSet::new());
        let _ = kdoc::core::table::age_seconds(&s);
        let kinds = kdoc::core::kinds::Kinds::new(vec![]);
        let _ = kinds.resolve(&s);
    }

    #[test]
    fn config_keymap_theme_and_forward_files_report_instead_of_panicking(s in text()) {
        let p = Path::new("fuzz.toml");
        let _ = kdoc::config::file::parse(p, &s);
        let _ = kdoc::config::keymap::Keymap::parse(p, &s);
        let _ = kdoc::config::theme_file::parse("fuzz.toml", &s);
        let _ = kdoc::config::forwards::parse(p, &s);
        // The same as TOML values in the places the files read them.
        for key in ["theme", "keymap", "favourites", "[logs]\nbuffer", "\"j\""] {
            let doc = format!("{key} = {s:?}\n");
            let _ = kdoc::config::file::parse(p, &doc);
            let _ = kdoc::config::keymap::Keymap::parse(p, &format!("[global]\n{doc}"));
        }
    }

    #[test]
    fn any_command_line_is_answered(words in prop::collection::vec(text(), 1..4)) {
        // Every `:` command, with arbitrary arguments: :pf's port specs, :logs' flags, ...
        let mut st = AppState::new("ctx".into(), "cluster".into(), vec![], Scope::All, false);
        st.favourites = vec![words.join(" ")];
        for head in ["", "pf svc/x ", "logs ", "doctor ", "yaml ", "events ", "ns ", "check ", "deploy "] {
            let _ = st.update(Msg::Command(format!("{head}{}", words.join(" "))));
        }
        let _ = st.update(Msg::Action(kdoc::core::actions::Action::Favourite(1)));
    }

    #[test]
    fn any_json_as_a_table_is_read_or_refused(v in json()) {
        let _ = kdoc::core::table::parse(&v);
        let mut t = v.clone();
        if let Some(o) = t.as_object_mut() {
            o.insert("kind".into(), Value::String("Table".into()));
        }
        if let Ok(table) = kdoc::core::table::parse(&t) {
            for r in &table.rows {
                let _ = r.key();
            }
        }
        let _ = kdoc::core::table::owners(&v);
        let _ = kdoc::core::table::cell_text(&v);
    }
}
