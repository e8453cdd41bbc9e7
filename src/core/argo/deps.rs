//! The edges of a DAG: what each task waits for and what waits for it, read from the DAG
//! template (`dag.tasks[].dependencies` or `.depends`). The tree draws a DAG's tasks side by
//! side, as `argo get` does, so these are the only place the edges show.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::{ArgoNode, NodeType};

/// A DAG task's edges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskDeps {
    /// The task's name in its DAG template.
    pub task: String,
    /// The tasks it waits for, in the order the template names them.
    pub depends_on: Vec<String>,
    /// `depends` as written (e.g. `A && (B.Succeeded || C)`), when the task uses it rather than
    /// `dependencies`.
    pub expression: Option<String>,
    /// The tasks that wait for it, in template order.
    pub needed_by: Vec<String>,
}

/// The DAG edges of every node that runs a task of a DAG (the task's node, its retries and its
/// `withItems` items), by node ID. Nodes outside a DAG, and DAGs whose template cannot be found
/// in the workflow, have none.
pub fn task_deps(wf: &Value, nodes: &BTreeMap<String, ArgoNode>) -> HashMap<String, TaskDeps> {
    let mut dags: HashMap<&str, Option<Dag>> = HashMap::new();
    let mut out = HashMap::new();
    for n in nodes.values() {
        let Some(b) = n.boundary_id.as_deref() else {
            continue;
        };
        let Some(boundary) = nodes.get(b).filter(|b| b.node_type == NodeType::DAG) else {
            continue;
        };
        let dag = dags
            .entry(b)
            .or_insert_with(|| Dag::of(wf, boundary))
            .as_ref();
        // Task nodes are named `<dag node name>.<task>`, with `(N)` for a retry attempt and
        // `(N:item)` for an item after it; task names hold no parenthesis.
        let task = n
            .name
            .strip_prefix(boundary.name.as_str())
            .and_then(|r| r.strip_prefix('.'))
            .map(|r| r.split('(').next().unwrap_or(r));
        if let (Some(dag), Some(task)) = (dag, task)
            && let Some(deps) = dag.edges.get(task)
        {
            out.insert(n.id.clone(), deps.clone());
        }
    }
    out
}

/// A DAG template's edges by task name.
struct Dag {
    edges: HashMap<String, TaskDeps>,
}

impl Dag {
    fn of(wf: &Value, node: &ArgoNode) -> Option<Dag> {
        let tasks = template(wf, node)?.pointer("/dag/tasks")?.as_array()?;
        let names: HashSet<&str> = tasks.iter().filter_map(|t| t["name"].as_str()).collect();
        let mut edges: HashMap<String, TaskDeps> = HashMap::new();
        let mut order: Vec<&str> = vec![];
        for t in tasks {
            let Some(name) = t["name"].as_str() else {
                continue;
            };
            let expression = t["depends"]
                .as_str()
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string);
            let depends_on = match &expression {
                Some(e) => referenced(e, &names),
                None => t["dependencies"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string))
                    .into_iter()
                    .flatten()
                    .collect(),
            };
            order.push(name);
            edges.insert(
                name.to_string(),
                TaskDeps {
                    task: name.to_string(),
                    depends_on,
                    expression,
                    needed_by: vec![],
                },
            );
        }
        // Who waits for whom, in template order (DAGs can have thousands of tasks).
        for name in order {
            let on = edges
                .get(name)
                .map(|d| d.depends_on.clone())
                .unwrap_or_default();
            for d in on {
                if let Some(target) = edges.get_mut(&d)
                    && target.needed_by.last().map(String::as_str) != Some(name)
                {
                    target.needed_by.push(name.to_string());
                }
            }
        }
        Some(Dag { edges })
    }
}

/// The task names a `depends` expression mentions, in order, once each: `A && (B.Succeeded ||
/// !C.Failed)` → A, B, C. Words that are not tasks of the DAG are left out.
fn referenced(expr: &str, tasks: &HashSet<&str>) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let words = expr.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')));
    for w in words {
        let task = w.split('.').next().unwrap_or(w);
        if tasks.contains(&task) && !out.iter().any(|o| o == task) {
            out.push(task.to_string());
        }
    }
    out
}

/// The template a node ran, from the workflow: a `templateRef` from `status.storedTemplates`
/// (keys `<scope>/<WorkflowTemplate>/<template>`); a template name from the stored copy of its
/// scope, `spec.templates`, `status.storedWorkflowTemplateSpec.templates` (a workflow run from a
/// `workflowTemplateRef`), then any stored template of that name.
fn template<'a>(wf: &'a Value, node: &ArgoNode) -> Option<&'a Value> {
    let raw = wf.pointer("/status/nodes")?.get(&node.id)?;
    let stored = wf
        .pointer("/status/storedTemplates")
        .and_then(Value::as_object);
    if let Some(r) = raw["templateRef"]["name"].as_str() {
        // Another WorkflowTemplate's template: only its stored copy is it.
        let t = raw["templateRef"]["template"].as_str().unwrap_or_default();
        let suffix = format!("/{r}/{t}");
        return stored?
            .iter()
            .find(|(k, _)| k.ends_with(&suffix))
            .map(|e| e.1);
    }
    let name = node.template.as_deref()?;
    // A template called from inside a WorkflowTemplate is stored under that template's scope.
    if let Some(scope) = raw["templateScope"]
        .as_str()
        .filter(|s| !s.starts_with("local/"))
        && let Some(v) = stored.and_then(|s| s.get(&format!("{scope}/{name}")))
    {
        return Some(v);
    }
    let named = |list: Option<&'a Value>| {
        list.and_then(Value::as_array)?
            .iter()
            .find(|t| t["name"].as_str() == Some(name))
    };
    named(wf.pointer("/spec/templates"))
        .or_else(|| named(wf.pointer("/status/storedWorkflowTemplateSpec/templates")))
        .or_else(|| stored?.values().find(|t| t["name"].as_str() == Some(name)))
}
