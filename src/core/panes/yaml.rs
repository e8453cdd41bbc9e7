//! `y`: the selected object as YAML, as the server has it (read fresh, every field), with
//! `managedFields` hidden until asked and a Secret's values masked until asked (then decoded).
//! `/` searches, `n`/`N` jump between matching lines.

use base64::Engine;
use jiff::Timestamp;
use serde_json::Value;

use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::effect::{Effect, EffectId, EffectKind, EffectResult};
use crate::core::objects::ObjRef;
use crate::core::pane::{Cx, FilterState, Pane, Reply};
use crate::core::text::sanitize;

use super::text_view::TextView;

/// Where the object is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Load {
    Loading,
    Loaded,
    /// The API's words.
    Failed(String),
}

/// One object asked for with `Get`: whether to ask (again), and the request in flight, so a
/// newer request cancels the older and an answer for neither is not ours.
#[derive(Default)]
pub struct ObjectGet {
    want: bool,
    id: Option<EffectId>,
}

impl ObjectGet {
    pub fn asking() -> ObjectGet {
        ObjectGet {
            want: true,
            id: None,
        }
    }

    /// Ask again on the next turn (`reload`).
    pub fn again(&mut self) {
        self.want = true;
    }

    /// The `Get` of `target` (and the cancel of an older one), if one is wanted.
    pub fn effects(&mut self, next_id: &mut EffectId, target: &ObjRef) -> Vec<Effect> {
        if !std::mem::take(&mut self.want) {
            return vec![];
        }
        let mut out = crate::core::pane::cancels(self.id.take());
        let get = Effect::next(next_id, EffectKind::Get(target.clone()));
        self.id = Some(get.id);
        out.push(get);
        out
    }

    /// The object or the API's words, when `id` is this request's answer.
    pub fn answer(&mut self, id: EffectId, result: &EffectResult) -> Option<Result<Value, String>> {
        if self.id != Some(id) {
            return None;
        }
        self.id = None;
        Some(match result {
            EffectResult::Object(v) => Ok(v.clone()),
            EffectResult::Failed(e) => Err(e.clone()),
            other => Err(format!("unexpected answer: {other:?}")),
        })
    }

    pub fn close(&mut self) -> Option<EffectId> {
        self.id.take()
    }
}

pub struct YamlPane {
    pub target: ObjRef,
    pub load: Load,
    object: Option<Value>,
    pub show_managed: bool,
    /// A Secret's values shown, base64-decoded.
    pub reveal: bool,
    pub text: TextView,
    get: ObjectGet,
}

impl YamlPane {
    pub fn new(target: ObjRef) -> YamlPane {
        YamlPane {
            target,
            load: Load::Loading,
            object: None,
            show_managed: false,
            reveal: false,
            text: TextView::default(),
            get: ObjectGet::asking(),
        }
    }

    pub fn is_secret(&self) -> bool {
        self.target.kind == "Secret" && self.target.group.is_empty()
    }

    fn render(&mut self) {
        let Some(obj) = &self.object else {
            return;
        };
        let shown = shown(obj, self.show_managed, self.is_secret(), self.reveal);
        let lines = yaml(&shown)
            .lines()
            .map(|l| sanitize(l).into_owned())
            .collect();
        self.text.set(lines);
    }
}

/// What is shown of `obj`: without `metadata.managedFields` unless asked; a Secret's `data`
/// and `stringData` masked (or decoded when revealed), and its last-applied annotation, which
/// holds the same values, hidden unless revealed.
pub fn shown(obj: &Value, managed: bool, secret: bool, reveal: bool) -> Value {
    let mut v = obj.clone();
    if !managed && let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    if !secret {
        return v;
    }
    if let Some(data) = v.get_mut("data").and_then(Value::as_object_mut) {
        for (_, val) in data.iter_mut() {
            let b64 = val.as_str().unwrap_or("");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap_or_default();
            *val = Value::String(if !reveal {
                format!("<{} bytes hidden: x reveals>", bytes.len())
            } else {
                match String::from_utf8(bytes) {
                    Ok(s) => s,
                    Err(e) => format!("<{} bytes of binary data>", e.as_bytes().len()),
                }
            });
        }
    }
    if !reveal {
        if let Some(data) = v.get_mut("stringData").and_then(Value::as_object_mut) {
            for (_, val) in data.iter_mut() {
                let n = val.as_str().map_or(0, str::len);
                *val = Value::String(format!("<{n} bytes hidden: x reveals>"));
            }
        }
        if let Some(a) = v
            .pointer_mut("/metadata/annotations")
            .and_then(Value::as_object_mut)
            && let Some(last) = a.get_mut("kubectl.kubernetes.io/last-applied-configuration")
        {
            *last = Value::String("<hidden: it holds the Secret's values; x reveals>".into());
        }
    }
    v
}

/// YAML as kubectl prints it: keys in order, two-space indents.
pub fn yaml(v: &Value) -> String {
    serde_saphyr::to_string(v).unwrap_or_else(|e| format!("# cannot show as YAML: {e}\n"))
}

impl Pane for YamlPane {
    fn name(&self) -> &'static str {
        "yaml"
    }

    fn title(&self) -> String {
        "YAML".into()
    }

    fn refresh(&mut self, _cache: &Cache, _now: Timestamp) {
        self.text.refresh();
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        match action {
            Action::ManagedFields => {
                self.show_managed = !self.show_managed;
                self.render();
                return Reply::Message(if self.show_managed {
                    "managedFields shown".into()
                } else {
                    "managedFields hidden".into()
                });
            }
            Action::Reveal => {
                if !self.is_secret() {
                    return Reply::Message("only a Secret's values are hidden".into());
                }
                self.reveal = !self.reveal;
                self.render();
                return Reply::Message(if self.reveal {
                    "the Secret's values, decoded: mind who can see your screen".into()
                } else {
                    "the Secret's values hidden".into()
                });
            }
            Action::Reload => {
                self.get.again();
                self.load = Load::Loading;
            }
            _ => return self.text.handle(action, cx.page),
        }
        Reply::Done
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::Filter,
            Action::LogNextMatch,
            Action::LogPrevMatch,
            Action::ManagedFields,
            Action::Reveal,
            Action::Reload,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::Back,
        ]
    }

    fn take_effects(&mut self, next_id: &mut EffectId) -> Vec<Effect> {
        self.get.effects(next_id, &self.target)
    }

    fn on_result(&mut self, id: EffectId, result: &EffectResult) -> bool {
        match self.get.answer(id, result) {
            None => return false,
            Some(Ok(v)) => {
                self.object = Some(v);
                self.load = Load::Loaded;
                self.render();
            }
            Some(Err(e)) => self.load = Load::Failed(e),
        }
        true
    }

    fn close(&mut self) -> Vec<EffectId> {
        self.get.close().into_iter().collect()
    }

    fn filter(&self) -> Option<&FilterState> {
        Some(&self.text.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut FilterState> {
        Some(&mut self.text.filter)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
