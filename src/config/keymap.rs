//! Keys to actions, in layers. No key handling lives anywhere else.
//!
//! A keymap file has one TOML table per layer (`[global]`, `[pods]`, ... see [`LAYERS`]); each
//! entry binds a key, or a sequence of keys separated by spaces, to an action name:
//! `"j" = "down"`, `"g g" = "top"`, `"q" = "none"` (unbind). Each layer is a trie of canonical
//! chords (see [`chord`]); the app keeps the keys typed so far and asks [`Keymap::lookup`] with
//! the layers that apply, most specific first.
//!
//! Problems in a file never abort: each bad binding becomes a `file:line:col: message`
//! diagnostic and is skipped, so the preset's binding for that key stays in force after
//! [`Keymap::merged`].

use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use toml::de::DeTable;

use super::inherit::{Kind, Parent, Source};
use crate::core::actions::{ACTIONS, Action, by_name};

/// The shipped keymap (`keymaps/default.toml`).
pub const DEFAULT: &str = include_str!("../../keymaps/default.toml");
pub const VIM: &str = include_str!("../../keymaps/vim.toml");

/// The shipped keymaps, `default` first; the others build on it (`inherits`).
pub const KIND: Kind = Kind {
    what: "keymap",
    dir: "keymaps",
    shipped: &[("default", DEFAULT), ("vim", VIM)],
};

/// The layers a keymap file may have, one TOML table each.
pub const LAYERS: &[&str] = &[
    "global",
    "pods",
    "services",
    "kinds",
    "workflows",
    "steps",
    "containers",
    "logs",
    "doctor",
    "events",
    "yaml",
    "describe",
    "forwards",
    "port-forward",
    "help",
    "picker",
    "input",
];

/// The action name that unbinds a key (and masks it in lower layers).
pub const UNBIND: &str = "none";

/// What the keys typed so far mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A complete binding: run it and clear the pending keys.
    Action(Action),
    /// The keys start a longer binding: keep them and wait for the next key.
    Pending,
    /// Nothing is bound to these keys (or they are unbound with "none").
    Unbound,
}

/// One layer's trie. A bound sequence ends at a leaf; `Leaf(None)` is an explicit "none".
/// Invariant: no leaf has children, so no bound sequence is a prefix of another.
#[derive(Clone, Debug)]
enum Trie {
    Leaf(Option<Action>),
    Node(Children),
}

type Children = BTreeMap<String, Trie>;

#[derive(Clone, Debug, Default)]
pub struct Keymap {
    layers: BTreeMap<String, Children>,
}

/// What one layer says about a sequence of keys.
enum Found {
    /// The layer binds exactly this sequence (`None`: to "none").
    Exact(Option<Action>),
    /// The keys are the start of longer bindings.
    Prefix,
    /// The layer binds a proper prefix of the keys, which fires (or is unbound) first.
    Blocked,
    /// The layer says nothing about these keys.
    Miss,
}

impl Keymap {
    /// The shipped keymap. Panics only if `keymaps/default.toml` is invalid (a unit test proves
    /// it is not).
    pub fn builtin() -> Keymap {
        let (keymap, diagnostics) = Keymap::parse(Path::new("keymaps/default.toml"), DEFAULT);
        assert!(
            diagnostics.is_empty(),
            "the built-in keymap is invalid:\n{}",
            diagnostics.join("\n")
        );
        keymap
    }

    /// Parse a user/preset file. Problems never abort: each bad binding is reported as
    /// `file:line:col: message` and skipped (so the defaults for that key stay in force after a
    /// merge). A TOML syntax error gives an empty keymap and that one diagnostic.
    pub fn parse(path: &Path, text: &str) -> (Keymap, Vec<String>) {
        let (keymap, _, diagnostics) = Keymap::parse_file(path, text);
        (keymap, diagnostics)
    }

    /// [`Keymap::parse`], and the file's `inherits = "NAME"` if it has one (a file found by
    /// name or path builds on its parent; see [`super::inherit`]).
    pub fn parse_file(path: &Path, text: &str) -> (Keymap, Option<Parent>, Vec<String>) {
        let doc = match DeTable::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                return (
                    Keymap::default(),
                    None,
                    vec![super::toml_error(path, text, &e)],
                );
            }
        };
        let mut parent = None;
        let at = |offset: usize| {
            let (l, c) = super::line_col(text, offset);
            format!("{}:{l}:{c}", path.display())
        };
        let mut diagnostics = vec![];
        let mut keymap = Keymap::default();
        let mut layers: Vec<_> = doc.get_ref().iter().collect();
        layers.sort_by_key(|(name, _)| name.span().start);
        for (name, value) in layers {
            let layer: &str = name.get_ref();
            let here = at(name.span().start);
            if layer == "inherits" {
                match value.get_ref().as_str() {
                    Some(p) => {
                        parent = Some(Parent {
                            name: p.to_string(),
                            at: at(value.span().start),
                        })
                    }
                    None => diagnostics.push(format!(
                        "{here}: inherits must be a keymap's name or path, in quotes"
                    )),
                }
                continue;
            }
            let Some(table) = value.get_ref().as_table() else {
                diagnostics.push(format!(
                    "{here}: {layer:?} is outside any layer; put bindings under a layer header \
                     such as [global]; known layers: {}",
                    LAYERS.join(", ")
                ));
                continue;
            };
            if !LAYERS.contains(&layer) {
                let hint = if layer == "keys" {
                    " (bindings that were under [keys] now go under [global])"
                } else {
                    ""
                };
                diagnostics.push(format!(
                    "{here}: unknown layer [{layer}]; known layers: {}{hint}",
                    LAYERS.join(", ")
                ));
                continue;
            }
            let root = keymap.layers.entry(layer.to_string()).or_default();
            let mut entries: Vec<_> = table.iter().collect();
            entries.sort_by_key(|(key, _)| key.span().start);
            // (sequence, as written, where) of the bindings kept so far, to report conflicts.
            let mut kept: Vec<(Vec<String>, &str, usize)> = vec![];
            for (key, value) in entries {
                let spec: &str = key.get_ref();
                let here = at(key.span().start);
                let seq = match parse_keys(spec) {
                    Ok(seq) => seq,
                    Err(why) => {
                        diagnostics.push(format!("{here}: {why}"));
                        continue;
                    }
                };
                let target = match value.get_ref().as_str() {
                    Some(UNBIND) => None,
                    Some(name) => match by_name(name) {
                        Some(action) => Some(action),
                        None => {
                            let known: Vec<&str> = ACTIONS.iter().map(|a| a.name).collect();
                            diagnostics.push(format!(
                                "{here}: unknown action {name:?} for key {spec:?} in [{layer}]; \
                                 known actions: {}, or \"{UNBIND}\" to unbind",
                                known.join(", ")
                            ));
                            continue;
                        }
                    },
                    None => {
                        let hint = if value.get_ref().is_table() {
                            " (write a key sequence as \"g g\" = \"top\")"
                        } else {
                            ""
                        };
                        diagnostics.push(format!(
                            "{here}: the action for {spec:?} in [{layer}] must be a string: an \
                             action name, or \"{UNBIND}\" to unbind{hint}"
                        ));
                        continue;
                    }
                };
                let first_at = |offset: usize| {
                    let (l, c) = super::line_col(text, offset);
                    format!("{l}:{c}")
                };
                let rule = "a key cannot be both bound and the start of a sequence";
                if let Some((_, first, pos)) = kept.iter().find(|(s, ..)| *s == seq) {
                    diagnostics.push(format!(
                        "{here}: {spec:?} in [{layer}] is the same key as {first:?} at {}; \
                         ignoring this one",
                        first_at(*pos)
                    ));
                    continue;
                }
                if let Some((_, first, pos)) = kept.iter().find(|(s, ..)| seq.starts_with(s)) {
                    diagnostics.push(format!(
                        "{here}: {spec:?} in [{layer}] starts with {first:?}, bound at {}; \
                         {rule}; ignoring this one",
                        first_at(*pos)
                    ));
                    continue;
                }
                if let Some((_, first, pos)) = kept.iter().find(|(s, ..)| s.starts_with(&seq)) {
                    diagnostics.push(format!(
                        "{here}: {spec:?} in [{layer}] is the start of {first:?}, bound at {}; \
                         {rule}; ignoring this one",
                        first_at(*pos)
                    ));
                    continue;
                }
                insert(root, &seq, target);
                kept.push((seq, spec, key.span().start));
            }
        }
        (keymap, parent, diagnostics)
    }

    /// A shipped keymap by name, merged over what it inherits, and its problems (none: tested).
    pub fn shipped(name: &str) -> Option<(Keymap, Vec<String>)> {
        let src = KIND.shipped(name)?;
        Some(Keymap::from_chain(&super::Env::default(), src))
    }

    /// `src` merged over the files it inherits from (the shipped default at the root).
    pub fn from_chain(env: &super::Env, src: Source) -> (Keymap, Vec<String>) {
        let (chain, problems) = KIND.chain(env, src, |s| {
            Keymap::parse_file(Path::new(&s.label), &s.text)
        });
        let keymap = chain
            .into_iter()
            .rev()
            .fold(Keymap::default(), |base, (_, k)| base.merged(k));
        (keymap, problems)
    }

    /// Read and parse a keymap file. `Err` only when the file cannot be read; problems inside it
    /// are the diagnostics, as with [`Keymap::parse`].
    pub fn load(path: &Path) -> Result<(Keymap, Vec<String>), String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read keymap: {e}", path.display()))?;
        Ok(Keymap::parse(path, &text))
    }

    /// `user` over `self`, layer by layer: user bindings replace the preset's for the same key
    /// sequence; a user binding whose sequence is a prefix of, or extends, a preset binding in
    /// the same layer replaces those preset bindings; the action name "none" unbinds (in that
    /// layer it masks the key, including what lower layers bind to it).
    pub fn merged(mut self, user: Keymap) -> Keymap {
        for (layer, root) in user.layers {
            let mine = self.layers.entry(layer).or_default();
            let mut leaves = vec![];
            collect(&root, &mut vec![], &mut leaves);
            for (seq, target) in leaves {
                insert(mine, &seq, target);
            }
        }
        self
    }

    /// `layers` most specific first, e.g. `["pods", "global"]`; `keys` the chords typed so far
    /// (canonical strings from [`chord`]). The first layer that binds the exact sequence, or has
    /// it as a prefix, wins; a "none" in a higher layer stops the search (`Unbound`), and so does
    /// a higher layer binding a proper prefix of `keys` (that binding fires first). No keys, or
    /// a layer name that is not in the map, mean nothing.
    pub fn lookup(&self, layers: &[&str], keys: &[String]) -> Lookup {
        for layer in layers {
            let Some(root) = self.layers.get(*layer) else {
                continue;
            };
            match find(root, keys) {
                Found::Exact(Some(action)) => return Lookup::Action(action),
                Found::Exact(None) | Found::Blocked => return Lookup::Unbound,
                Found::Prefix => return Lookup::Pending,
                Found::Miss => {}
            }
        }
        Lookup::Unbound
    }

    /// Keys bound to `action` in these layers (most specific first), as written for humans
    /// ("j", "down", "g g", "ctrl-d"), shortest first; a key shadowed by a higher layer is not
    /// listed for a lower one.
    pub fn keys_for(&self, layers: &[&str], action: Action) -> Vec<String> {
        let mut keys: Vec<Vec<String>> = vec![];
        for layer in layers {
            let Some(root) = self.layers.get(*layer) else {
                continue;
            };
            let mut leaves = vec![];
            collect(root, &mut vec![], &mut leaves);
            for (seq, target) in leaves {
                if target == Some(action)
                    && !keys.contains(&seq)
                    && self.lookup(layers, &seq) == Lookup::Action(action)
                {
                    keys.push(seq);
                }
            }
        }
        let mut keys: Vec<String> = keys.iter().map(|s| s.join(" ")).collect();
        keys.sort_by(|a, b| human_order(a, b));
        keys
    }

    /// Every (keys, action) bound in one layer, for help: in the order of [`ACTIONS`], each
    /// action's keys shortest first. Keys unbound with "none" are not listed.
    pub fn bindings(&self, layer: &str) -> Vec<(String, Action)> {
        let Some(root) = self.layers.get(layer) else {
            return vec![];
        };
        let mut leaves = vec![];
        collect(root, &mut vec![], &mut leaves);
        let rank = |a: Action| ACTIONS.iter().position(|i| i.action == a);
        let mut out: Vec<(String, Action)> = leaves
            .into_iter()
            .filter_map(|(seq, target)| Some((seq.join(" "), target?)))
            .collect();
        out.sort_by(|(ka, a), (kb, b)| rank(*a).cmp(&rank(*b)).then(human_order(ka, kb)));
        out
    }
}

/// Shortest first, then alphabetical.
fn human_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.chars().count().cmp(&b.chars().count()).then(a.cmp(b))
}

/// Bind `seq` in a layer, replacing a binding of the same sequence, of a prefix of it, or of
/// sequences that extend it.
fn insert(root: &mut Children, seq: &[String], target: Option<Action>) {
    let Some((first, rest)) = seq.split_first() else {
        return;
    };
    if rest.is_empty() {
        root.insert(first.clone(), Trie::Leaf(target));
        return;
    }
    let node = root
        .entry(first.clone())
        .or_insert_with(|| Trie::Node(Children::new()));
    if let Trie::Leaf(_) = node {
        *node = Trie::Node(Children::new());
    }
    if let Trie::Node(children) = node {
        insert(children, rest, target);
    }
}

/// Every bound sequence under `node`, with `prefix` in front.
fn collect(
    node: &Children,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Option<Action>)>,
) {
    for (key, child) in node {
        prefix.push(key.clone());
        match child {
            Trie::Leaf(target) => out.push((prefix.clone(), *target)),
            Trie::Node(children) => collect(children, prefix, out),
        }
        prefix.pop();
    }
}

fn find(root: &Children, keys: &[String]) -> Found {
    let mut node = root;
    for (i, key) in keys.iter().enumerate() {
        let last = i + 1 == keys.len();
        match node.get(key) {
            None => return Found::Miss,
            Some(Trie::Leaf(target)) if last => return Found::Exact(*target),
            Some(Trie::Leaf(_)) => return Found::Blocked,
            Some(Trie::Node(_)) if last => return Found::Prefix,
            Some(Trie::Node(children)) => node = children,
        }
    }
    Found::Miss
}

const NAMED: &[&str] = &[
    "up",
    "down",
    "left",
    "right",
    "pageup",
    "pagedown",
    "home",
    "end",
    "enter",
    "esc",
    "tab",
    "backtab",
    "backspace",
    "delete",
    "insert",
    "space",
    "f1",
    "f2",
    "f3",
    "f4",
    "f5",
    "f6",
    "f7",
    "f8",
    "f9",
    "f10",
    "f11",
    "f12",
];

const KEY_HELP: &str = "a key is a character (\"j\", \"G\", \"/\") or one of up, down, left, \
right, pageup, pagedown, home, end, enter, esc, tab, backtab, backspace, delete, insert, space, \
f1..f12, with ctrl-, alt- or shift- in front if needed (\"ctrl-d\"); a sequence is keys \
separated by spaces (\"g g\")";

/// The canonical chords of a key spec as written in a keymap file (`"g g"`, `"shift-g"`), or
/// the reason it is not one.
pub fn parse_keys(spec: &str) -> Result<Vec<String>, String> {
    let tokens: Vec<&str> = spec.split_whitespace().collect();
    if tokens.is_empty() {
        return Err(format!("{spec:?} is not a key; {KEY_HELP}"));
    }
    let mut seq = vec![];
    for token in &tokens {
        match parse_key(token) {
            Ok(chord) => seq.push(chord),
            Err(why) if tokens.len() == 1 => return Err(why),
            Err(why) => return Err(format!("{spec:?} is not a key sequence: {why}")),
        }
    }
    Ok(seq)
}

/// The canonical chord of one key spec (no spaces): modifiers `alt-ctrl-shift-` in that order,
/// a shifted letter as the uppercase letter, shift-tab as backtab.
fn parse_key(token: &str) -> Result<String, String> {
    let not_a_key = || format!("{token:?} is not a key; {KEY_HELP}");
    let (mut alt, mut ctrl, mut shift) = (false, false, false);
    let mut rest = token;
    while let Some((modifier, after)) = rest.split_once('-') {
        if after.is_empty() {
            break;
        }
        match modifier.to_ascii_lowercase().as_str() {
            "alt" => alt = true,
            "ctrl" => ctrl = true,
            "shift" => shift = true,
            _ => break,
        }
        rest = after;
    }
    let mut chars = rest.chars();
    let base = match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_control() || c.is_whitespace() => return Err(not_a_key()),
        (Some(c), None) => {
            if shift {
                shift = false;
                shifted(c)
                    .ok_or_else(|| {
                        format!(
                            "{token:?} is not a key: shift- goes with letters (shift-g is \"G\") \
                             and named keys (shift-up); for {c:?} write the character shift \
                             produces instead, like \"?\""
                        )
                    })?
                    .to_string()
            } else {
                c.to_string()
            }
        }
        _ => {
            let name = rest.to_ascii_lowercase();
            if !NAMED.contains(&name.as_str()) {
                return Err(not_a_key());
            }
            match name.as_str() {
                "space" if shift => {
                    return Err(format!(
                        "{token:?} is not a key: shift-space cannot be told apart from space"
                    ));
                }
                "tab" if shift => {
                    shift = false;
                    "backtab".to_string()
                }
                "backtab" => {
                    shift = false;
                    name
                }
                _ => name,
            }
        }
    };
    Ok(with_modifiers(alt, ctrl, shift, &base))
}

/// The character shift makes of `c`, if `c` is a letter with a one-character uppercase form.
fn shifted(c: char) -> Option<char> {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) if c.is_alphabetic() && u.is_uppercase() => Some(u),
        _ => None,
    }
}

fn with_modifiers(alt: bool, ctrl: bool, shift: bool, base: &str) -> String {
    let mut s = String::new();
    for (on, m) in [(alt, "alt-"), (ctrl, "ctrl-"), (shift, "shift-")] {
        if on {
            s.push_str(m);
        }
    }
    s + base
}

/// Canonical text of a pressed key, matching the canonical form of key specs: a shifted letter
/// is its uppercase character and SHIFT on any other character is dropped (the terminal has
/// already applied it); BackTab, or Tab with SHIFT, is "backtab"; SHIFT on other named keys is
/// kept ("shift-up"). `None` for keys a keymap cannot name.
pub fn chord(key: &KeyEvent) -> Option<String> {
    let m = key.modifiers;
    let mut shift = m.contains(KeyModifiers::SHIFT);
    let base = match key.code {
        KeyCode::Char(' ') => {
            shift = false;
            "space".to_string()
        }
        KeyCode::Char(c) => {
            let c = if shift { shifted(c).unwrap_or(c) } else { c };
            shift = false;
            c.to_string()
        }
        KeyCode::BackTab => {
            shift = false;
            "backtab".into()
        }
        KeyCode::Tab if shift => {
            shift = false;
            "backtab".into()
        }
        KeyCode::Tab => "tab".into(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::PageUp => "pageup".into(),
        KeyCode::PageDown => "pagedown".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::Delete => "delete".into(),
        KeyCode::Insert => "insert".into(),
        KeyCode::F(n) => format!("f{n}"),
        _ => return None,
    };
    Some(with_modifiers(
        m.contains(KeyModifiers::ALT),
        m.contains(KeyModifiers::CONTROL),
        shift,
        &base,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(spec: &str) -> Vec<String> {
        spec.split(' ').map(str::to_string).collect()
    }

    /// The shipped keymap, skipping bindings to actions that do not exist (yet): only
    /// `builtin_parses_without_diagnostics` insists on a clean file.
    fn preset() -> Keymap {
        Keymap::parse(Path::new("keymaps/default.toml"), DEFAULT).0
    }

    fn parse_ok(text: &str) -> Keymap {
        let (k, d) = Keymap::parse(Path::new("my.toml"), text);
        assert!(d.is_empty(), "{d:#?}");
        k
    }

    fn diagnostics(text: &str) -> Vec<String> {
        Keymap::parse(Path::new("my.toml"), text).1
    }

    fn press(code: KeyCode, m: KeyModifiers) -> String {
        chord(&KeyEvent::new(code, m)).unwrap()
    }

    #[test]
    fn builtin_parses_without_diagnostics() {
        let (_, d) = Keymap::parse(Path::new("keymaps/default.toml"), DEFAULT);
        assert!(d.is_empty(), "{d:#?}");
        let k = Keymap::builtin();
        let g = ["global"];
        assert_eq!(k.lookup(&g, &keys("j")), Lookup::Action(Action::Down));
        assert_eq!(k.lookup(&g, &keys("G")), Lookup::Action(Action::Bottom));
        assert_eq!(
            k.lookup(&g, &keys("ctrl-d")),
            Lookup::Action(Action::PageDown)
        );
        assert_eq!(k.lookup(&g, &keys("esc")), Lookup::Action(Action::Back));
        assert_eq!(k.lookup(&g, &keys("z")), Lookup::Unbound);
        assert_eq!(k.keys_for(&g, Action::Down), ["j", "down"]);
        assert_eq!(k.keys_for(&g, Action::Quit), ["q", "ctrl-c"]);
        assert_eq!(k.keys_for(&["input"], Action::Complete), ["tab"]);
        assert_eq!(
            k.lookup(&["help", "global"], &keys("q")),
            Lookup::Action(Action::Back)
        );
        // Every layer in the file is a known one, and every known layer is in the file.
        for layer in LAYERS {
            assert!(DEFAULT.contains(&format!("\n[{layer}]\n")), "{layer}");
        }
    }

    #[test]
    fn the_vim_preset_builds_on_the_default() {
        let (k, d) = Keymap::shipped("vim").unwrap();
        assert!(d.is_empty(), "{d:#?}");
        let g = ["global"];
        let pods = ["pods", "global"];
        assert_eq!(k.lookup(&g, &keys("g")), Lookup::Pending);
        assert_eq!(k.lookup(&g, &keys("g g")), Lookup::Action(Action::Top));
        assert_eq!(
            k.lookup(&g, &keys("ctrl-f")),
            Lookup::Action(Action::PageDown)
        );
        assert_eq!(
            k.lookup(&g, &keys("ctrl-b")),
            Lookup::Action(Action::PageUp)
        );
        assert_eq!(k.lookup(&g, &keys("?")), Lookup::Action(Action::Filter));
        assert_eq!(k.lookup(&g, &keys("f1")), Lookup::Action(Action::Help));
        assert_eq!(k.lookup(&g, &keys("l")), Lookup::Action(Action::Select));
        assert_eq!(k.lookup(&g, &keys("Z Z")), Lookup::Action(Action::Quit));
        // What vim does not rebind is the default's.
        assert_eq!(
            k.lookup(&pods, &keys("S")),
            Lookup::Action(Action::SortStatus)
        );
        assert_eq!(k.lookup(&g, &keys("G")), Lookup::Action(Action::Bottom));
        assert_eq!(
            k.lookup(&["logs", "global"], &keys("y y")),
            Lookup::Action(Action::LogCopy)
        );
        assert_eq!(
            k.lookup(&["input"], &keys("ctrl-p")),
            Lookup::Action(Action::HistoryPrev)
        );
        assert_eq!(k.keys_for(&g, Action::Help), ["f1"]);
        let (d, _) = Keymap::shipped("default").unwrap();
        assert_eq!(d.keys_for(&g, Action::Help), ["?"]);
    }

    #[test]
    fn layers_fall_through_to_global() {
        let k = preset();
        let pods = ["pods", "global"];
        let services = ["services", "global"];
        assert_eq!(
            k.lookup(&pods, &keys("S")),
            Lookup::Action(Action::SortStatus)
        );
        assert_eq!(k.lookup(&services, &keys("S")), Lookup::Unbound);
        assert_eq!(k.lookup(&pods, &keys("j")), Lookup::Action(Action::Down));
        assert_eq!(k.keys_for(&pods, Action::SortStatus), ["S"]);
        assert!(k.keys_for(&services, Action::SortStatus).is_empty());
        assert_eq!(k.lookup(&pods, &[]), Lookup::Unbound);
        assert_eq!(k.lookup(&["nonsense"], &keys("j")), Lookup::Unbound);
        assert_eq!(
            k.bindings("pods"),
            [
                ("N".to_string(), Action::SortName),
                ("A".to_string(), Action::SortAge),
                ("S".to_string(), Action::SortStatus),
                ("R".to_string(), Action::SortRestarts),
            ]
        );
        assert!(k.bindings("nonsense").is_empty());
    }

    #[test]
    fn sequences_are_pending_until_complete() {
        let k = parse_ok("[global]\n\"g g\" = \"top\"\n\"g e\" = \"bottom\"\n\"j\" = \"down\"\n");
        let g = ["global"];
        assert_eq!(k.lookup(&g, &keys("g")), Lookup::Pending);
        assert_eq!(k.lookup(&g, &keys("g g")), Lookup::Action(Action::Top));
        assert_eq!(k.lookup(&g, &keys("g e")), Lookup::Action(Action::Bottom));
        assert_eq!(k.lookup(&g, &keys("g x")), Lookup::Unbound);
        assert_eq!(k.lookup(&g, &keys("g g g")), Lookup::Unbound);
        assert_eq!(k.lookup(&g, &keys("j j")), Lookup::Unbound);
        assert_eq!(k.keys_for(&g, Action::Top), ["g g"]);
        // A pane's sequence starting with a global key wins while it is pending.
        let k = parse_ok("[global]\n\"g\" = \"top\"\n[pods]\n\"g s\" = \"sort-status\"\n");
        let pods = ["pods", "global"];
        assert_eq!(k.lookup(&pods, &keys("g")), Lookup::Pending);
        assert_eq!(
            k.lookup(&pods, &keys("g s")),
            Lookup::Action(Action::SortStatus)
        );
        assert!(k.keys_for(&pods, Action::Top).is_empty());
        assert_eq!(k.keys_for(&["global"], Action::Top), ["g"]);
        // A pane's single key blocks global sequences that start with it.
        let k = parse_ok("[global]\n\"g g\" = \"top\"\n[pods]\n\"g\" = \"sort-name\"\n");
        assert_eq!(
            k.lookup(&pods, &keys("g")),
            Lookup::Action(Action::SortName)
        );
        assert_eq!(k.lookup(&pods, &keys("g g")), Lookup::Unbound);
        assert!(k.keys_for(&pods, Action::Top).is_empty());
    }

    #[test]
    fn merge_rebinds_and_unbinds() {
        let user = parse_ok(
            "[pods]\n\"S\" = \"sort-name\"\n\"shift-x\" = \"sort-age\"\n\
             [global]\n\"q\" = \"none\"\n\"g g\" = \"top\"\n\"ctrl-d\" = \"none\"\n",
        );
        let k = preset().merged(user);
        let pods = ["pods", "global"];
        assert_eq!(
            k.lookup(&pods, &keys("S")),
            Lookup::Action(Action::SortName)
        );
        assert_eq!(k.lookup(&pods, &keys("X")), Lookup::Action(Action::SortAge));
        assert_eq!(
            k.lookup(&pods, &keys("N")),
            Lookup::Action(Action::SortName)
        );
        assert_eq!(k.keys_for(&pods, Action::SortName), ["N", "S"]);
        assert_eq!(k.lookup(&pods, &keys("q")), Lookup::Unbound);
        assert_eq!(k.keys_for(&pods, Action::Quit), ["ctrl-c"]);
        // The preset's "g" = "top" gave way to the user's "g g".
        assert_eq!(k.lookup(&pods, &keys("g")), Lookup::Pending);
        assert_eq!(k.lookup(&pods, &keys("g g")), Lookup::Action(Action::Top));
        assert_eq!(k.keys_for(&pods, Action::Top), ["g g", "home"]);
        assert_eq!(k.keys_for(&pods, Action::PageDown), ["pagedown"]);
        // Other layers are untouched; help still binds q itself.
        assert_eq!(
            k.lookup(&["help", "global"], &keys("q")),
            Lookup::Action(Action::Back)
        );
        // A user single key replaces the preset's sequences that start with it.
        let small = parse_ok("[global]\n\"g g\" = \"top\"\n\"g e\" = \"bottom\"\n");
        let k = small.merged(parse_ok("[global]\n\"g\" = \"up\"\n"));
        assert_eq!(
            k.lookup(&["global"], &keys("g")),
            Lookup::Action(Action::Up)
        );
        assert!(k.keys_for(&["global"], Action::Top).is_empty());
        // "none" in a pane layer masks the global binding, only there.
        let k = preset().merged(parse_ok("[pods]\n\"j\" = \"none\"\n"));
        assert_eq!(k.lookup(&pods, &keys("j")), Lookup::Unbound);
        assert_eq!(k.keys_for(&pods, Action::Down), ["down"]);
        assert_eq!(
            k.lookup(&["services", "global"], &keys("j")),
            Lookup::Action(Action::Down)
        );
        assert!(k.bindings("pods").iter().all(|(key, _)| key != "j"));
    }

    #[test]
    fn bad_bindings_are_reported_and_skipped() {
        let text = "[global]\n\
                    \"j\" = \"dwon\"\n\
                    \"hyper-j\" = \"down\"\n\
                    \"G\" = \"bottom\"\n\
                    \"shift-g\" = \"top\"\n\
                    \"ctrl-d\" = \"page-down\"\n\
                    \"Ctrl-d\" = \"page-up\"\n\
                    \"k\" = 3\n\
                    \"x\" = \"up\"\n";
        let (k, d) = Keymap::parse(Path::new("my.toml"), text);
        assert_eq!(d.len(), 5, "{d:#?}");
        assert!(
            d[0].starts_with(
                "my.toml:2:1: unknown action \"dwon\" for key \"j\" in [global]; \
                 known actions: up, down, "
            ),
            "{}",
            d[0]
        );
        assert!(d[0].ends_with(", or \"none\" to unbind"), "{}", d[0]);
        assert!(
            ACTIONS
                .iter()
                .all(|a| d[0].contains(&format!(" {},", a.name)))
        );
        assert_eq!(
            d[1],
            format!("my.toml:3:1: \"hyper-j\" is not a key; {KEY_HELP}")
        );
        assert_eq!(
            d[2],
            "my.toml:5:1: \"shift-g\" in [global] is the same key as \"G\" at 4:1; \
             ignoring this one"
        );
        assert_eq!(
            d[3],
            "my.toml:7:1: \"Ctrl-d\" in [global] is the same key as \"ctrl-d\" at 6:1; \
             ignoring this one"
        );
        assert_eq!(
            d[4],
            "my.toml:8:1: the action for \"k\" in [global] must be a string: an action name, \
             or \"none\" to unbind"
        );
        let g = ["global"];
        assert_eq!(k.lookup(&g, &keys("G")), Lookup::Action(Action::Bottom));
        assert_eq!(
            k.lookup(&g, &keys("ctrl-d")),
            Lookup::Action(Action::PageDown)
        );
        assert_eq!(k.lookup(&g, &keys("x")), Lookup::Action(Action::Up));
        assert_eq!(k.lookup(&g, &keys("j")), Lookup::Unbound);
        // Skipped bindings leave the preset's in force.
        let k = preset().merged(k);
        assert_eq!(k.lookup(&g, &keys("j")), Lookup::Action(Action::Down));
        assert_eq!(
            k.lookup(&g, &keys("ctrl-u")),
            Lookup::Action(Action::PageUp)
        );
    }

    #[test]
    fn positions_are_per_layer() {
        // The same key in two layers: the diagnostic points at the one in [pods].
        let d = diagnostics(
            "x = \"up\"\n[global]\n\"j\" = \"down\"\n\n[pods]\n# j\n  \"j\" = \"dwon\"\n\
             [podz]\nj = \"down\"\n",
        );
        assert_eq!(d.len(), 3, "{d:#?}");
        assert!(
            d[0].starts_with("my.toml:1:1: \"x\" is outside any layer"),
            "{}",
            d[0]
        );
        assert!(
            d[1].starts_with("my.toml:7:3: unknown action \"dwon\" for key \"j\" in [pods]"),
            "{}",
            d[1]
        );
        assert_eq!(
            d[2],
            format!(
                "my.toml:8:2: unknown layer [podz]; known layers: {}",
                LAYERS.join(", ")
            )
        );
        let d = diagnostics("[keys]\nj = \"down\"\n");
        assert!(d[0].ends_with("(bindings that were under [keys] now go under [global])"));
        let d = diagnostics("[global.g]\ng = \"top\"\n");
        assert_eq!(
            d,
            [
                "my.toml:1:9: the action for \"g\" in [global] must be a string: an action name, \
              or \"none\" to unbind (write a key sequence as \"g g\" = \"top\")"
            ]
        );
    }

    #[test]
    fn prefix_conflicts_keep_the_first() {
        let (k, d) = Keymap::parse(
            Path::new("my.toml"),
            "[global]\n\"g\" = \"top\"\n\"g g\" = \"bottom\"\n[help]\n\"z z\" = \"up\"\n\
             \"z\" = \"down\"\n",
        );
        assert_eq!(
            d,
            [
                "my.toml:3:1: \"g g\" in [global] starts with \"g\", bound at 2:1; a key cannot \
                 be both bound and the start of a sequence; ignoring this one",
                "my.toml:6:1: \"z\" in [help] is the start of \"z z\", bound at 5:1; a key \
                 cannot be both bound and the start of a sequence; ignoring this one",
            ]
        );
        assert_eq!(
            k.lookup(&["global"], &keys("g")),
            Lookup::Action(Action::Top)
        );
        assert_eq!(k.lookup(&["help"], &keys("z")), Lookup::Pending);
        assert_eq!(
            k.lookup(&["help"], &keys("z z")),
            Lookup::Action(Action::Up)
        );
    }

    #[test]
    fn toml_errors_fall_back_to_nothing() {
        let (k, d) = Keymap::parse(Path::new("my.toml"), "[global]\n\"j\" = \"down\"\nk = \n");
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("my.toml:3:5: "), "{}", d[0]);
        assert!(k.bindings("global").is_empty());
        let (k, d) = Keymap::parse(
            Path::new("my.toml"),
            "[global]\n\"j\" = \"down\"\n\"j\" = \"up\"\n",
        );
        assert_eq!(d, ["my.toml:3:1: duplicate key"]);
        assert!(k.bindings("global").is_empty());
        let merged = preset().merged(k);
        assert_eq!(
            merged.lookup(&["global"], &keys("j")),
            Lookup::Action(Action::Down)
        );
    }

    #[test]
    fn load_reports_unreadable_files() {
        let e = Keymap::load(Path::new("/nonexistent/keymap.toml")).unwrap_err();
        assert!(
            e.starts_with("/nonexistent/keymap.toml: cannot read keymap: "),
            "{e}"
        );
    }

    #[test]
    fn key_specs_are_canonical() {
        for (spec, canon) in [
            ("j", "j"),
            ("G", "G"),
            ("shift-g", "G"),
            ("SHIFT-G", "G"),
            ("ctrl-shift-g", "ctrl-G"),
            ("shift-ctrl-g", "ctrl-G"),
            ("ctrl-alt-d", "alt-ctrl-d"),
            ("alt-ctrl-alt-d", "alt-ctrl-d"),
            ("Ctrl-d", "ctrl-d"),
            ("shift-tab", "backtab"),
            ("ctrl-shift-tab", "ctrl-backtab"),
            ("shift-backtab", "backtab"),
            ("shift-up", "shift-up"),
            ("Enter", "enter"),
            ("F12", "f12"),
            ("ctrl--", "ctrl--"),
            ("-", "-"),
            ("/", "/"),
            ("é", "é"),
            ("shift-é", "É"),
            ("g  g", "g g"),
        ] {
            assert_eq!(
                parse_keys(spec).map(|s| s.join(" ")),
                Ok(canon.to_string()),
                "{spec}"
            );
        }
        for spec in [
            "", " ", "hyper-j", "f13", "f0", "ctrl-", "jj", "shift-/", "shift-1", "\u{7}",
        ] {
            assert!(parse_keys(spec).is_err(), "{spec:?}");
        }
        assert_eq!(
            parse_keys("g hyper-j").unwrap_err(),
            format!("\"g hyper-j\" is not a key sequence: \"hyper-j\" is not a key; {KEY_HELP}")
        );
        assert!(parse_keys("shift-/").unwrap_err().starts_with(
            "\"shift-/\" is not a key: shift- goes with letters (shift-g is \"G\") and named \
             keys (shift-up); for '/' write the character shift produces instead"
        ));
        assert_eq!(
            parse_keys("shift-space").unwrap_err(),
            "\"shift-space\" is not a key: shift-space cannot be told apart from space"
        );
    }

    #[test]
    fn pressed_keys_match_specs() {
        use KeyModifiers as M;
        assert_eq!(press(KeyCode::Char('j'), M::NONE), "j");
        assert_eq!(press(KeyCode::Char('G'), M::SHIFT), "G");
        assert_eq!(press(KeyCode::Char('g'), M::SHIFT), "G");
        assert_eq!(press(KeyCode::Char('?'), M::SHIFT), "?");
        assert_eq!(press(KeyCode::Char('d'), M::CONTROL), "ctrl-d");
        assert_eq!(press(KeyCode::Char('d'), M::CONTROL | M::ALT), "alt-ctrl-d");
        assert_eq!(press(KeyCode::Char(' '), M::NONE), "space");
        assert_eq!(press(KeyCode::BackTab, M::SHIFT), "backtab");
        assert_eq!(press(KeyCode::Tab, M::SHIFT), "backtab");
        assert_eq!(press(KeyCode::Tab, M::NONE), "tab");
        assert_eq!(press(KeyCode::Up, M::SHIFT), "shift-up");
        assert_eq!(press(KeyCode::F(5), M::NONE), "f5");
        assert_eq!(chord(&KeyEvent::new(KeyCode::CapsLock, M::NONE)), None);
        for (spec, code, m) in [
            ("shift-g", KeyCode::Char('G'), M::SHIFT),
            ("ctrl-shift-d", KeyCode::Char('D'), M::CONTROL | M::SHIFT),
            ("shift-tab", KeyCode::BackTab, M::SHIFT),
            ("alt-shift-left", KeyCode::Left, M::ALT | M::SHIFT),
            ("pagedown", KeyCode::PageDown, M::NONE),
        ] {
            assert_eq!(parse_keys(spec).unwrap(), [press(code, m)], "{spec}");
        }
    }

    /// A TOML basic string holding any text.
    fn toml_string(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' | '\\' => out.push_str(&format!("\\u{:04X}", c as u32)),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out + "\""
    }

    #[test]
    fn arbitrary_key_specs_never_panic() {
        const PIECES: &[&str] = &[
            "ctrl-", "alt-", "shift-", "Ctrl-", "-", " ", "  ", "g", "G", "j", "/", "?", "é", "ß",
            "İ", "ǅ", "\u{301}", "💥", "\t", "\n", "\u{0}", "\"", "\\", "up", "tab", "f1", "f12",
            "f13", "space", "enter", "x", "shift", "ctrl", "--", "0", "\u{a0}",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut specs = vec![];
        for _ in 0..500 {
            let len = next() % 6;
            let spec: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            specs.push(spec);
        }
        let mut ok = 0;
        for spec in &specs {
            if let Ok(seq) = parse_keys(spec) {
                ok += 1;
                // The canonical form reads back as itself.
                let canon = seq.join(" ");
                assert_eq!(parse_keys(&canon), Ok(seq.clone()), "{spec:?} -> {canon:?}");
            }
        }
        assert!(ok > 20, "the generator should hit some valid keys ({ok})");
        // And through a whole file: every spec is either bound or reported, never a panic.
        let mut text = String::from("[global]\n");
        let mut unique = specs.clone();
        unique.sort();
        unique.dedup();
        for spec in &unique {
            text.push_str(&format!("{} = \"up\"\n", toml_string(spec)));
        }
        let (k, d) = Keymap::parse(Path::new("fuzz.toml"), &text);
        let bound = k.bindings("global").len();
        assert_eq!(bound + d.len(), unique.len(), "{d:#?}");
        assert!(d.iter().all(|d| d.starts_with("fuzz.toml:")));
        for spec in &unique {
            let _ = k.lookup(&["global"], &keys(spec));
        }
    }
}
