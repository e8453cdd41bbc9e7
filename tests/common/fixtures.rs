//! Real cluster objects from ../shared/fixtures/real, loaded as they are.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Every object in a fixture file (JSON or YAML; one object or a List with `items`).
pub fn values(file: &str) -> Vec<Value> {
    let path = super::fixtures_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value = if file.ends_with(".json") {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    } else {
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    match value.get("items") {
        Some(Value::Array(items)) => items.clone(),
        _ => vec![value],
    }
}

/// Every object in a fixture file, typed (`Pod`, `Event`, `Service`, ...).
pub fn objects<T: DeserializeOwned>(file: &str) -> Vec<T> {
    values(file)
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap_or_else(|e| panic!("{file}: {e}")))
        .collect()
}

/// A fixture file's text (logs).
pub fn text(file: &str) -> String {
    let path = super::fixtures_dir().join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
