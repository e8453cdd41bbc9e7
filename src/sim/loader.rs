//! `--load PATH`: Kubernetes objects from YAML (multi-document) or JSON files, single objects or
//! lists, and container logs laid out as support bundles store them
//! (`logs/<namespace>/<pod>/<container>.log`, `<container>-previous.log`).

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

#[derive(Debug, Default)]
pub struct Loaded {
    pub objects: Vec<Value>,
    pub logs: Vec<LogFile>,
    /// One line per file that could not be used, naming it and why; loading went on.
    pub problems: Vec<String>,
}

#[derive(Debug)]
pub struct LogFile {
    pub ns: String,
    pub pod: String,
    pub container: String,
    pub previous: bool,
    /// The file's bytes as stored (logs are bytes, not text), with room for one more.
    pub data: Vec<u8>,
}

pub fn load(path: &Path) -> Loaded {
    let mut out = Loaded::default();
    if path.is_dir() {
        let mut files = vec![];
        walk(path, &mut files, &mut out.problems);
        files.sort();
        for f in files {
            if let Some(log) = log_file(path, &f) {
                match read_log(&f) {
                    Ok(data) => out.logs.push(LogFile { data, ..log }),
                    Err(e) => out
                        .problems
                        .push(format!("{}: cannot read log: {e}", f.display())),
                }
            } else if is_object_file(&f) {
                load_file(&f, &mut out);
            }
        }
    } else if path.exists() {
        load_file(path, &mut out);
    } else {
        out.problems
            .push(format!("{}: no such file or directory", path.display()));
    }
    out
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(format!("{}: cannot read directory: {e}", dir.display()));
            return;
        }
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            walk(&p, files, problems);
        } else {
            files.push(p);
        }
    }
}

fn is_object_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// `<root>/.../logs/<ns>/<pod>/<container>[-previous].log`
fn log_file(root: &Path, f: &Path) -> Option<LogFile> {
    let rel = f.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel.iter().filter_map(|s| s.to_str()).collect();
    let n = parts.len();
    if n < 4 || parts[n - 4] != "logs" {
        return None;
    }
    let file = parts[n - 1].strip_suffix(".log")?;
    let (container, previous) = match file.strip_suffix("-previous") {
        Some(c) => (c, true),
        None => (file, false),
    };
    Some(LogFile {
        ns: parts[n - 3].into(),
        pod: parts[n - 2].into(),
        container: container.into(),
        previous,
        data: vec![],
    })
}

/// A log file's bytes, with room for the newline a last unterminated line gets, so a large
/// log is never copied to add it.
fn read_log(f: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(f)?;
    let size = file.metadata().map_or(0, |m| m.len() as usize);
    let mut data = Vec::with_capacity(size + 1);
    file.read_to_end(&mut data)?;
    Ok(data)
}

fn load_file(f: &Path, out: &mut Loaded) {
    let text = match std::fs::read_to_string(f) {
        Ok(t) => t,
        Err(e) => {
            out.problems
                .push(format!("{}: cannot read: {e}", f.display()));
            return;
        }
    };
    let docs: Vec<Value> = if f.extension().is_some_and(|e| e == "json") {
        match serde_json::from_str(&text) {
            Ok(v) => vec![v],
            Err(e) => {
                out.problems
                    .push(format!("{}: not valid JSON: {e}", f.display()));
                return;
            }
        }
    } else {
        match serde_saphyr::from_multiple::<Value>(&text) {
            Ok(v) => v,
            Err(e) => {
                out.problems.push(format!(
                    "{}: not valid YAML: {}",
                    f.display(),
                    e.to_string().lines().next().unwrap_or("")
                ));
                return;
            }
        }
    };
    let stem = f
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("object")
        .to_string();
    let before = out.objects.len();
    for (i, doc) in docs.into_iter().enumerate() {
        if doc.is_null() {
            continue; // an empty document between `---` markers
        }
        let fallback = if i == 0 {
            stem.clone()
        } else {
            format!("{stem}-{i}")
        };
        if let Err(why) = flatten(doc, &fallback, &mut out.objects) {
            out.problems
                .push(format!("{}: document {}: {why}", f.display(), i + 1));
        }
    }
    if out.objects.len() == before
        && !out
            .problems
            .iter()
            .any(|p| p.starts_with(&f.display().to_string()))
    {
        out.problems
            .push(format!("{}: holds no Kubernetes objects", f.display()));
    }
}

/// Push the object, or a list's items, filling in what captured files often leave out.
fn flatten(mut doc: Value, fallback_name: &str, out: &mut Vec<Value>) -> Result<(), String> {
    if !doc.is_object() {
        return Err("not a Kubernetes object (expected a mapping with apiVersion and kind)".into());
    }
    let kind = doc["kind"].as_str().unwrap_or("").to_string();
    if let Some(items) = doc
        .get_mut("items")
        .and_then(Value::as_array_mut)
        .map(std::mem::take)
    {
        let item_kind = kind
            .strip_suffix("List")
            .filter(|k| !k.is_empty())
            .map(String::from);
        let api_version = doc["apiVersion"].as_str().unwrap_or("v1").to_string();
        for (i, mut item) in items.into_iter().enumerate() {
            if let Some(k) = &item_kind {
                if item.get("kind").is_none() {
                    item["kind"] = json!(k);
                }
                if item.get("apiVersion").is_none() {
                    item["apiVersion"] = json!(api_version);
                }
            }
            flatten(item, &format!("{fallback_name}-{i}"), out)?;
        }
        return Ok(());
    }
    if doc["kind"].as_str().unwrap_or("").is_empty()
        || doc["apiVersion"].as_str().unwrap_or("").is_empty()
    {
        let (api_version, kind) = infer_kind(&doc)
            .ok_or("no apiVersion/kind, and none could be inferred from selfLink or shape")?;
        doc["apiVersion"] = json!(api_version);
        doc["kind"] = json!(kind);
    }
    if !doc["metadata"].is_object() {
        doc["metadata"] = json!({});
    }
    if doc["metadata"]["name"].as_str().unwrap_or("").is_empty() {
        // Partial objects (test excerpts) have no name: use the file's.
        doc["metadata"]["name"] = json!(fallback_name);
    }
    out.push(doc);
    Ok(())
}

/// For objects saved without apiVersion/kind: from `metadata.selfLink`, else from their shape.
fn infer_kind(doc: &Value) -> Option<(String, String)> {
    if let Some(link) = doc["metadata"]["selfLink"].as_str() {
        let segs: Vec<&str> = link.trim_matches('/').split('/').collect();
        let (gv, rest) = match segs.first() {
            Some(&"api") => (segs.get(1)?.to_string(), &segs[2..]),
            Some(&"apis") => (
                format!("{}/{}", segs.get(1)?, segs.get(2)?),
                &segs[3.min(segs.len())..],
            ),
            _ => return None,
        };
        let plural = if rest.first() == Some(&"namespaces") && rest.len() >= 4 {
            rest[2]
        } else {
            rest.first()?
        };
        let kind = match plural {
            "workflows" => "Workflow",
            "pods" => "Pod",
            "services" => "Service",
            "events" => "Event",
            "pipelineruns" => "PipelineRun",
            "taskruns" => "TaskRun",
            _ => return None,
        };
        return Some((gv, kind.into()));
    }
    let spec = &doc["spec"];
    if spec.get("containers").is_some() {
        Some(("v1".into(), "Pod".into()))
    } else if spec.get("entrypoint").is_some() || spec.get("templates").is_some() {
        Some(("argoproj.io/v1alpha1".into(), "Workflow".into()))
    } else {
        None
    }
}
