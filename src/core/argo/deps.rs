//! The edges of a DAG: what each task waits for and what waits for it, read from the DAG
//! template (`dag.tasks[].dependencies` or `.depends`). The tree draws a DAG's tasks side by
//! side, as `argo get` does, so these are the only place the edges show.

use std::collections::{HashMap, HashSet};

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
/// `withItems` items), by the node's position in `nodes`; `boundary[i]` is the position of the
/// node `nodes[i].boundary_id` names. Nodes outside a DAG, and DAGs whose template cannot be
/// found in the workflow, have none; the list is empty when no node has any.
pub fn task_deps(
    wf: &Value,
    nodes: &[ArgoNode],
    boundary: &[Option<usize>],
) -> Vec<Option<TaskDeps>> {
    let mut dags: HashMap<usize, Option<Dag>> = HashMap::new();
    let mut out = vec![];
    for (i, n) in nodes.iter().enumerate() {
        let Some(b) = boundary[i].filter(|b| nodes[*b].node_type == NodeType::DAG) else {
            continue;
        };
        let boundary = &nodes[b];
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
            && let Some(deps) = dag.get(task)
        {
            // Sized only once some node has edges: most workflows have no DAG.
            if out.is_empty() {
                out.resize(nodes.len(), None);
            }
            out[i] = Some(deps.clone());
        }
    }
    out
}

/// A DAG template's edges by task name.
struct Dag<'a> {
    /// Where each task's edges are in `edges` (the last task of a name wins).
    by_name: HashMap<&'a str, usize>,
    edges: Vec<TaskDeps>,
}

impl<'a> Dag<'a> {
    fn of(wf: &'a Value, node: &ArgoNode) -> Option<Dag<'a>> {
        let tasks = template(wf, node)?.pointer("/dag/tasks")?.as_array()?;
        let names: HashSet<&str> = tasks.iter().filter_map(|t| t["name"].as_str()).collect();
        let mut by_name: HashMap<&str, usize> = HashMap::with_capacity(tasks.len());
        let mut edges: Vec<TaskDeps> = Vec::with_capacity(tasks.len());
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
            by_name.insert(name, edges.len());
            edges.push(TaskDeps {
                task: name.to_string(),
                depends_on,
                expression,
                needed_by: vec![],
            });
        }
        // Who waits for whom, in template order (DAGs can have thousands of tasks). Positions,
        // not names, so no list is copied.
        let mut needed: Vec<(usize, usize)> = vec![];
        for t in &edges {
            let Some(&of) = by_name.get(t.task.as_str()) else {
                continue;
            };
            for d in &edges[of].depends_on {
                if let Some(&target) = by_name.get(d.as_str()) {
                    needed.push((target, of));
                }
            }
        }
        for (target, of) in needed {
            let name = &edges[of].task;
            if edges[target].needed_by.last() != Some(name) {
                let name = name.clone();
                edges[target].needed_by.push(name);
            }
        }
        Some(Dag { by_name, edges })
    }

    fn get(&self, task: &str) -> Option<&TaskDeps> {
        self.by_name.get(task).map(|i| &self.edges[*i])
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
