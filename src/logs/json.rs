//! JSON log lines shown readably: pretty-printed, or reduced to `time level msg key=value`.
//! Keys keep the order the program wrote them in (serde_json's `Value` would sort them).

use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess, Visitor};

use crate::core::text::sanitize;

/// A JSON value that keeps object keys in their written order (duplicates too).
enum J {
    Null,
    Bool(bool),
    Num(serde_json::Number),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        d.deserialize_any(JVisitor)
    }
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<J, E> {
        Ok(J::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<J, E> {
        Ok(J::Num(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<J, E> {
        Ok(J::Num(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<J, E> {
        Ok(serde_json::Number::from_f64(v).map_or(J::Null, J::Num))
    }
    fn visit_str<E>(self, v: &str) -> Result<J, E> {
        Ok(J::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<J, E> {
        Ok(J::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<J, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = a.next_element()? {
            v.push(x);
        }
        Ok(J::Arr(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<J, A::Error> {
        let mut v = Vec::new();
        while let Some(kv) = a.next_entry()? {
            v.push(kv);
        }
        Ok(J::Obj(v))
    }
}

/// Parse a line that is a JSON object or array (serde_json limits nesting to 128).
fn parse(text: &str) -> Option<J> {
    let t = text.trim();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    serde_json::from_str(t).ok()
}

/// A string as JSON writes it: quoted, escaped.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// One line per element, two-space indent, like `jq .`.
fn write_pretty(v: &J, indent: usize, line: &mut String, out: &mut Vec<String>) {
    let pad = |n: usize| "  ".repeat(n);
    match v {
        J::Arr(items) if !items.is_empty() => {
            line.push('[');
            out.push(std::mem::take(line));
            for (i, x) in items.iter().enumerate() {
                line.push_str(&pad(indent + 1));
                write_pretty(x, indent + 1, line, out);
                if i + 1 < items.len() {
                    line.push(',');
                }
                out.push(std::mem::take(line));
            }
            line.push_str(&pad(indent));
            line.push(']');
        }
        J::Obj(fields) if !fields.is_empty() => {
            line.push('{');
            out.push(std::mem::take(line));
            for (i, (k, x)) in fields.iter().enumerate() {
                line.push_str(&pad(indent + 1));
                line.push_str(&quoted(k));
                line.push_str(": ");
                write_pretty(x, indent + 1, line, out);
                if i + 1 < fields.len() {
                    line.push(',');
                }
                out.push(std::mem::take(line));
            }
            line.push_str(&pad(indent));
            line.push('}');
        }
        scalar => line.push_str(&compact(scalar)),
    }
}

/// Compact JSON text of a value.
fn compact(v: &J) -> String {
    match v {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Num(n) => n.to_string(),
        J::Str(s) => quoted(s),
        J::Arr(items) => {
            let parts: Vec<String> = items.iter().map(compact).collect();
            format!("[{}]", parts.join(","))
        }
        J::Obj(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|(k, x)| format!("{}:{}", quoted(k), compact(x)))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
    }
}

/// A line that is a JSON object or array, pretty-printed as lines; None otherwise. JSON
/// escapes (`\u001b`, `\u202e`) decode to real characters, so every line is sanitised again.
pub fn pretty(text: &str) -> Option<Vec<String>> {
    let v = parse(text)?;
    let mut out = Vec::new();
    let mut line = String::new();
    write_pretty(&v, 0, &mut line, &mut out);
    out.push(line);
    Some(out.iter().map(|l| sanitize(l).into_owned()).collect())
}

const TIME_KEYS: &[&str] = &["time", "ts", "timestamp", "@timestamp"];
const LEVEL_KEYS: &[&str] = &["level", "lvl", "severity"];
/// `event` is structlog's message key.
const MSG_KEYS: &[&str] = &["msg", "message", "event"];
const ERROR_KEYS: &[&str] = &[
    "error",
    "err",
    "exception",
    "exc_info",
    "stacktrace",
    "stack",
];

/// A value as it reads in a summary: strings bare unless they need quoting (logfmt style).
fn value_text(v: &J) -> String {
    match v {
        J::Str(s) if !s.is_empty() && !s.contains([' ', '=', '"']) => s.clone(),
        other => compact(other),
    }
}

/// Strings as they are; zap's float epoch seconds (and epoch millis) as RFC 3339.
fn time_text(v: &J) -> String {
    match v {
        J::Str(s) => s.clone(),
        J::Num(n) => {
            let secs = n.as_f64().unwrap_or(f64::NAN);
            let ms = if secs.abs() < 1e11 { secs * 1e3 } else { secs };
            if ms.is_finite()
                && ms.abs() < 1e15
                && let Ok(t) = jiff::Timestamp::from_millisecond(ms as i64)
            {
                return t.to_string();
            }
            n.to_string()
        }
        other => compact(other),
    }
}

/// A JSON object reduced to `time level msg key=value...`: the well-known fields first
/// (first present key of each kind), then error fields, then the rest in written order.
pub fn summary(text: &str) -> Option<String> {
    let J::Obj(fields) = parse(text)? else {
        return None;
    };
    let find = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| fields.iter().position(|(f, _)| f == k))
    };
    let (t, l, m) = (find(TIME_KEYS), find(LEVEL_KEYS), find(MSG_KEYS));
    let mut parts: Vec<String> = Vec::new();
    if let Some(i) = t {
        parts.push(time_text(&fields[i].1));
    }
    if let Some(i) = l {
        parts.push(value_text(&fields[i].1).to_uppercase());
    }
    if let Some(i) = m {
        match &fields[i].1 {
            J::Str(s) => parts.push(s.clone()),
            other => parts.push(compact(other)),
        }
    }
    let used = |i: usize| Some(i) == t || Some(i) == l || Some(i) == m;
    let is_error = |k: &str| ERROR_KEYS.iter().any(|e| k.eq_ignore_ascii_case(e));
    let errors = fields
        .iter()
        .enumerate()
        .filter(|(i, (k, _))| !used(*i) && is_error(k));
    let rest = fields
        .iter()
        .enumerate()
        .filter(|(i, (k, _))| !used(*i) && !is_error(k));
    for (_, (k, v)) in errors.chain(rest) {
        parts.push(format!("{k}={}", value_text(v)));
    }
    Some(sanitize(&parts.join(" ")).into_owned())
}
