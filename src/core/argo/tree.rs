//! The node tree of a Workflow as `argo get` draws it (cmd/argo/commands/common/get.go in
//! argo-workflows: `convertToRenderTrees`, `insertSorted`, `filterNode`, `renderChild`).
//!
//! Structure, not execution order: a DAG or Steps node holds the nodes whose `boundaryID` is
//! its ID, a StepGroup or Retry node holds its `children`. So a DAG's tasks are siblings under
//! it, whatever depends on what. Siblings are ordered by start time, then by the
//! `withItems`/`withParam` index in the display name (`name(0:foo)`) when both have one, else by
//! display name. Step groups are not rows: their children take the `┬─`/`├─`/`└─` guides on the
//! group's line, as argo draws them; a Retry with a single attempt is folded into that attempt;
//! omitted Skipped nodes are left out. The exit handler's tree follows the main one.
//!
//! Where `argo get` gives up (it `log.Fatal`s or silently drops nodes), kdoc keeps every node
//! and says why in [`Tree::problems`]: a node whose boundary is missing, nodes no root leads to,
//! cycles. Nodes of types `argo get` does not draw (Container, unknown ones) are drawn like Pods
//! inside whatever node their `boundaryID` names. Legacy nodes with no boundary hang under the
//! node that lists them as a child, which was the only structure before boundaries existed.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use jiff::Timestamp;
use serde_json::Value;

use super::deps::{TaskDeps, task_deps};
use super::{ArgoNode, NodeType, node_id, pod_name, pod_name_version};

/// One line of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeRow {
    /// How many drawn rows enclose this one (hidden step groups and folded retries add none).
    pub depth: usize,
    pub node: ArgoNode,
    /// The nearest drawn row enclosing this one (`None` for a root).
    pub parent: Option<String>,
    /// The guides before the node as `argo get` prints them, e.g. "", "├─", "│ └─", "└─┬─".
    pub prefix: String,
    /// For a node running a DAG task: what the task waits for and what waits for it.
    pub deps: Option<TaskDeps>,
}

/// The node tree of a workflow, row by row, plus anything odd found on the way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tree {
    pub rows: Vec<TreeRow>,
    pub problems: Vec<String>,
}

impl Tree {
    pub fn row(&self, id: &str) -> Option<&TreeRow> {
        self.rows.iter().find(|r| r.node.id == id)
    }
}

/// The node tree of `wf` (see the module docs). `pods_by_node_id` (see
/// [`super::pods_by_node_id`]) gives real pod names, which win over computed ones.
pub fn build(wf: &Value, pods_by_node_id: &HashMap<String, String>) -> Tree {
    let mut tree = Tree::default();
    let Some(nodes) = read_nodes(wf, pods_by_node_id, &mut tree.problems) else {
        return tree;
    };
    let wf_name = wf
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let shape = Shape::new(&nodes, &mut tree.problems);

    // The roots: the workflow's own node, then its exit handler (`argo get` prints only these
    // two), then any other node nothing contains, which only a broken status has.
    let on_exit = node_id(wf_name, &format!("{wf_name}.onExit"));
    let main = shape.roots.contains(&wf_name);
    let mut roots: Vec<&str> = vec![];
    if main {
        roots.push(wf_name);
        let exit = shape
            .roots
            .iter()
            .copied()
            .find(|r| *r == on_exit)
            .or_else(|| {
                // An exit handler whose ID was not computed as Argo does: known by its name.
                let name = format!("{wf_name}.onExit");
                shape.roots.iter().copied().find(|r| nodes[*r].name == name)
            });
        roots.extend(exit);
    }
    let root_desc = if main {
        format!("the root {wf_name}")
    } else {
        "any root".to_string()
    };
    let mut others: Vec<&str> = shape
        .roots
        .iter()
        .copied()
        .filter(|r| !roots.contains(r))
        .collect();
    sort_argo(&mut others, &nodes);
    for r in others {
        if main {
            tree.problems.push(format!(
                "node {r} ({}) is not reachable from {root_desc}",
                nodes[r].name
            ));
        }
        roots.push(r);
    }

    let mut draw = Draw {
        nodes: &nodes,
        shape: &shape,
        visited: HashSet::new(),
        rows: vec![],
        problems: vec![],
    };
    for r in &roots {
        draw.from(r);
    }
    // Whatever no root leads to sits in (or under) a cycle of containment: start each such
    // part at the cycle, so the rest hangs under it, and say so.
    let mut rest: Vec<&str> = nodes
        .keys()
        .map(String::as_str)
        .filter(|id| !draw.visited.contains(id))
        .collect();
    sort_argo(&mut rest, &nodes);
    // The workflow's own node first, if a cycle swallowed it.
    if let Some(i) = rest.iter().position(|id| *id == wf_name) {
        let id = rest.remove(i);
        rest.insert(0, id);
    }
    for id in rest {
        if draw.visited.contains(id) {
            continue;
        }
        let start = shape.cycle_entry(id);
        draw.problems.push(format!(
            "node {start} ({}) is not reachable from {root_desc}",
            nodes[start].name
        ));
        draw.from(start);
    }
    tree.problems.append(&mut draw.problems);
    // Each node is drawn once at most: move it into its row rather than copy it.
    let drawn: Vec<(String, usize, Option<String>, String)> = draw
        .rows
        .into_iter()
        .map(|d| (d.id.into(), d.depth, d.parent.map(str::to_string), d.prefix))
        .collect();
    let mut deps = task_deps(wf, &nodes);
    let mut nodes = nodes;
    tree.rows = drawn
        .into_iter()
        .filter_map(|(id, depth, parent, prefix)| {
            Some(TreeRow {
                depth,
                deps: deps.remove(&id),
                node: nodes.remove(&id)?,
                parent,
                prefix,
            })
        })
        .collect();
    tree
}

/// `status.nodes` as [`ArgoNode`]s by ID, Pod nodes with their pod names; `None` (with the
/// reason in `problems`) when there are none to show.
fn read_nodes(
    wf: &Value,
    pods_by_node_id: &HashMap<String, String>,
    problems: &mut Vec<String>,
) -> Option<BTreeMap<String, ArgoNode>> {
    let status = &wf["status"];
    if status.as_object().is_none_or(|o| o.is_empty()) {
        problems.push("workflow has no status yet".into());
        return None;
    }
    let Some(raw) = status["nodes"].as_object().filter(|n| !n.is_empty()) else {
        if let Some(v) = status["offloadNodeStatusVersion"]
            .as_str()
            .filter(|s| !s.is_empty())
        {
            problems.push(format!(
                "node status is offloaded to the Argo database (offloadNodeStatusVersion {v}); only the Argo server can show it"
            ));
        } else if status["compressedNodes"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
        {
            problems.push(
                "node status is compressed (status.compressedNodes), which kdoc does not read"
                    .into(),
            );
        } else {
            problems.push("workflow has no nodes yet".into());
        }
        return None;
    };
    let wf_name = wf
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let version = pod_name_version(wf);
    let mut nodes = BTreeMap::new();
    for (key, v) in raw {
        let mut n = ArgoNode::from_status(key, v);
        if n.id != *key {
            problems.push(format!(
                "status.nodes[{key}] has id {}; using the key",
                n.id
            ));
            n.id = key.clone();
        }
        if n.node_type == NodeType::Pod {
            n.pod_name = Some(match pods_by_node_id.get(&n.id) {
                Some(p) => p.clone(),
                None => pod_name(
                    wf_name,
                    &n.name,
                    n.template.as_deref().unwrap_or_default(),
                    &n.id,
                    version,
                ),
            });
        }
        nodes.insert(key.clone(), n);
    }
    Some(nodes)
}

/// Who contains whom (`convertToRenderTrees`), each node's contents in `insertSorted` order.
struct Shape<'a> {
    parent: HashMap<&'a str, &'a str>,
    kids: HashMap<&'a str, Vec<&'a str>>,
    /// Nodes nothing contains, in ID order.
    roots: Vec<&'a str>,
}

impl<'a> Shape<'a> {
    fn new(nodes: &'a BTreeMap<String, ArgoNode>, problems: &mut Vec<String>) -> Shape<'a> {
        // A StepGroup's or Retry's children are its own, whatever their boundary says. Go keeps
        // the last of two such parents in map order (random); the first by ID is as good and
        // stable.
        let mut group_of: HashMap<&str, &str> = HashMap::new();
        // Legacy fallback: the first node (by ID) listing a node as a child.
        let mut listed_by: HashMap<&str, &str> = HashMap::new();
        for n in nodes.values() {
            let groups = matches!(n.node_type, NodeType::StepGroup | NodeType::Retry);
            for c in &n.children {
                if !nodes.contains_key(c) {
                    problems.push(format!(
                        "node {} ({}) lists child {c}, which is not in status.nodes",
                        n.id, n.name
                    ));
                    continue;
                }
                if groups {
                    group_of.entry(c).or_insert(&n.id);
                }
                if *c != n.id {
                    listed_by.entry(c).or_insert(&n.id);
                }
            }
        }
        let mut parent = HashMap::new();
        let mut kids: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut roots = vec![];
        for n in nodes.values() {
            let id = n.id.as_str();
            let p = if let Some(g) = group_of.get(id) {
                Some(*g)
            } else if let Some(b) = n.boundary_id.as_deref() {
                match nodes.get_key_value(b) {
                    Some((b, _)) => Some(b.as_str()),
                    None => {
                        problems.push(format!(
                            "node {id} ({}) has boundaryID {b}, which is not in status.nodes",
                            n.name
                        ));
                        listed_by.get(id).copied()
                    }
                }
            } else {
                listed_by.get(id).copied()
            };
            match p {
                Some(p) => {
                    parent.insert(id, p);
                    // In ID order: Go inserts in map order, any order will do if it is stable.
                    kids.entry(p).or_default().push(id);
                }
                None => roots.push(id),
            }
        }
        for list in kids.values_mut() {
            sort_argo(list, nodes);
        }
        Shape {
            parent,
            kids,
            roots,
        }
    }

    /// Following parents up from `id`, the first node met twice: where a cycle closes. (A node
    /// that reaches a root is never asked about.)
    fn cycle_entry(&self, id: &'a str) -> &'a str {
        let mut seen = HashSet::new();
        let mut cur = id;
        while seen.insert(cur) {
            match self.parent.get(cur) {
                Some(p) => cur = p,
                None => return cur,
            }
        }
        cur
    }
}

/// What `insertSorted` orders siblings by, worked out once per node.
#[derive(Clone, Copy)]
struct SortKey<'a> {
    /// An unset start is Go's zero time: first.
    start: Timestamp,
    index: Option<i64>,
    name: &'a str,
    id: &'a str,
}

impl<'a> SortKey<'a> {
    fn of(n: &'a ArgoNode) -> SortKey<'a> {
        SortKey {
            start: n.started_at.unwrap_or(Timestamp::MIN),
            index: item_index(&n.display_name),
            name: &n.display_name,
            id: &n.id,
        }
    }
}

/// `insertSorted`'s order: start time, then the items' indexes when both display names carry
/// one, else the display names.
fn argo_order(a: &SortKey, b: &SortKey) -> Ordering {
    a.start
        .cmp(&b.start)
        .then_with(|| match (a.index, b.index) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => a.name.cmp(b.name),
        })
}

/// Sort node IDs in `insertSorted`'s order, stably.
fn sort_argo<'a>(ids: &mut Vec<&'a str>, nodes: &'a BTreeMap<String, ArgoNode>) {
    let mut keys: Vec<SortKey> = ids
        .iter()
        .filter_map(|id| nodes.get(*id).map(SortKey::of))
        .collect();
    stable_sort(&mut keys, &argo_order);
    *ids = keys.into_iter().map(|k| k.id).collect();
}

/// `RecoverIndexFromNodeName`: the number between the first `(` and the first `:`, as in
/// `A(3:foo)`; `None` where Go returns -1 (and where Go's slice would panic).
pub fn item_index(name: &str) -> Option<i64> {
    let open = name.find('(')?;
    let colon = name.find(':')?;
    name.get(open + 1..colon)?
        .parse::<i64>()
        .ok()
        .filter(|i| *i >= 0)
}

/// A stable merge sort that cannot panic on a comparator that is not a total order (Argo's
/// mixes index and name comparisons, which can disagree; `slice::sort_by` may panic then).
fn stable_sort<T: Copy>(v: &mut [T], cmp: &impl Fn(&T, &T) -> Ordering) {
    let mut buf = v.to_vec();
    merge_sort(v, &mut buf, cmp);
}

fn merge_sort<T: Copy>(v: &mut [T], buf: &mut [T], cmp: &impl Fn(&T, &T) -> Ordering) {
    let n = v.len();
    if n <= 16 {
        // Insertion sort: moves an item only past strictly greater ones.
        for i in 1..n {
            let mut j = i;
            while j > 0 && cmp(&v[j], &v[j - 1]) == Ordering::Less {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = n / 2;
    merge_sort(&mut v[..mid], &mut buf[..mid], cmp);
    merge_sort(&mut v[mid..], &mut buf[mid..], cmp);
    buf.copy_from_slice(v);
    let (left, right) = buf.split_at(mid);
    let (mut i, mut j) = (0, 0);
    for slot in v.iter_mut() {
        // Equal keys keep their order: take from the right only when strictly smaller.
        let take_right =
            i == left.len() || (j < right.len() && cmp(&right[j], &left[i]) == Ordering::Less);
        if take_right {
            *slot = right[j];
            j += 1;
        } else {
            *slot = left[i];
            i += 1;
        }
    }
}

/// `filterNode`: (not drawn, its children take a branch guide of their own).
fn filtered(n: &ArgoNode) -> (bool, bool) {
    match n.node_type {
        NodeType::Retry if n.children.len() == 1 => (true, false),
        NodeType::StepGroup => (true, true),
        NodeType::Skipped if n.phase == "Omitted" => (true, false),
        // `argo get` draws no TaskGroup (its items sit in the DAG beside it).
        NodeType::TaskGroup => (true, false),
        _ => (false, false),
    }
}

/// Rows drawn so far (`renderNodes`/`renderChild`, with an explicit stack: recursive templates
/// nest deeply).
struct Draw<'a> {
    nodes: &'a BTreeMap<String, ArgoNode>,
    shape: &'a Shape<'a>,
    visited: HashSet<&'a str>,
    rows: Vec<Drawn<'a>>,
    problems: Vec<String>,
}

/// A row drawn, before its node is moved in.
struct Drawn<'a> {
    id: &'a str,
    depth: usize,
    parent: Option<&'a str>,
    prefix: String,
}

/// A node waiting to be drawn.
struct Pending<'a> {
    id: &'a str,
    depth: usize,
    /// The guides on this node's own line.
    node_prefix: String,
    /// The guides its children's lines start with: its parent's, then `sub` (built only for
    /// a node that has children: most are leaves, and guides get long in deep trees).
    parent_guides: Rc<str>,
    sub: &'static str,
    parent: Option<&'a str>,
}

impl<'a> Draw<'a> {
    fn from(&mut self, root: &'a str) {
        if !self.visited.insert(root) {
            return;
        }
        let mut stack = vec![Pending {
            id: root,
            depth: 0,
            node_prefix: String::new(),
            parent_guides: Rc::from(""),
            sub: "",
            parent: None,
        }];
        while let Some(p) = stack.pop() {
            let Some(node) = self.nodes.get(p.id) else {
                continue;
            };
            let (hidden, indent) = filtered(node);
            let mut node_prefix = p.node_prefix;
            if !hidden {
                self.rows.push(Drawn {
                    id: p.id,
                    depth: p.depth,
                    parent: p.parent,
                    prefix: std::mem::take(&mut node_prefix),
                });
            }
            let kids = self.shape.kids.get(p.id).map(Vec::as_slice).unwrap_or(&[]);
            if kids.is_empty() {
                continue;
            }
            let guides: Rc<str> = Rc::from(format!("{}{}", p.parent_guides, p.sub));
            let last = kids.len() - 1;
            for (i, k) in kids.iter().enumerate().rev() {
                if !self.visited.insert(k) {
                    self.problems.push(format!(
                        "cycle: node {} ({}) contains {k}, which encloses it",
                        p.id, node.name
                    ));
                    continue;
                }
                let (part, sub) = match (hidden, indent) {
                    (true, true) if last == 0 => ("──", "  "),
                    (true, true) if i == 0 => ("┬─", "│ "),
                    (false, _) | (true, true) if i == last => ("└─", "  "),
                    (false, _) | (true, true) => ("├─", "│ "),
                    (true, false) => ("", ""),
                };
                // Under a hidden node the first child takes the hidden node's own line (the
                // last one pushed here, so the line can move).
                let line = if hidden && i == 0 {
                    std::mem::take(&mut node_prefix)
                } else {
                    guides.to_string()
                };
                stack.push(Pending {
                    id: k,
                    depth: p.depth + usize::from(!hidden),
                    node_prefix: line + part,
                    parent_guides: guides.clone(),
                    sub,
                    parent: if hidden { p.parent } else { Some(p.id) },
                });
            }
        }
    }
}
