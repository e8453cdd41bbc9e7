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
use std::collections::{HashMap, HashSet};
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
    // Nodes are handled by their position in `nodes` from here on: workflows have thousands,
    // and looking them up by ID string again and again was most of the time spent.
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let shape = Shape::new(&nodes, &index, &mut tree.problems);

    // The roots: the workflow's own node, then its exit handler (`argo get` prints only these
    // two), then any other node nothing contains, which only a broken status has.
    let on_exit = node_id(wf_name, &format!("{wf_name}.onExit"));
    let main_root = index
        .get(wf_name)
        .copied()
        .filter(|i| shape.parent[*i].is_none());
    let mut roots: Vec<usize> = vec![];
    if let Some(main) = main_root {
        roots.push(main);
        let exit = shape
            .roots
            .iter()
            .copied()
            .find(|r| nodes[*r].id == on_exit)
            .or_else(|| {
                // An exit handler whose ID was not computed as Argo does: known by its name.
                let name = format!("{wf_name}.onExit");
                shape.roots.iter().copied().find(|r| nodes[*r].name == name)
            });
        roots.extend(exit);
    }
    let root_desc = if main_root.is_some() {
        format!("the root {wf_name}")
    } else {
        "any root".to_string()
    };
    let mut others: Vec<usize> = shape
        .roots
        .iter()
        .copied()
        .filter(|r| !roots.contains(r))
        .collect();
    sort_argo(&mut others, &nodes);
    for r in others {
        if main_root.is_some() {
            tree.problems.push(format!(
                "node {} ({}) is not reachable from {root_desc}",
                nodes[r].id, nodes[r].name
            ));
        }
        roots.push(r);
    }

    let mut draw = Draw {
        nodes: &nodes,
        shape: &shape,
        visited: vec![false; nodes.len()],
        rows: Vec::with_capacity(nodes.len()),
        problems: vec![],
    };
    for r in &roots {
        draw.from(*r);
    }
    // Whatever no root leads to sits in (or under) a cycle of containment: start each such
    // part at the cycle, so the rest hangs under it, and say so.
    let mut rest: Vec<usize> = (0..nodes.len()).filter(|i| !draw.visited[*i]).collect();
    sort_argo(&mut rest, &nodes);
    // The workflow's own node first, if a cycle swallowed it.
    if let Some(i) = rest.iter().position(|i| nodes[*i].id == wf_name) {
        let id = rest.remove(i);
        rest.insert(0, id);
    }
    for i in rest {
        if draw.visited[i] {
            continue;
        }
        let start = shape.cycle_entry(i);
        draw.problems.push(format!(
            "node {} ({}) is not reachable from {root_desc}",
            nodes[start].id, nodes[start].name
        ));
        draw.from(start);
    }
    tree.problems.append(&mut draw.problems);
    let drawn = draw.rows;
    let parents: Vec<Option<String>> = drawn
        .iter()
        .map(|d| d.parent.map(|p| nodes[p].id.clone()))
        .collect();
    let mut deps = task_deps(wf, &nodes, &shape.boundary);
    // Each node is drawn once at most: move it into its row rather than copy it.
    let mut nodes: Vec<Option<ArgoNode>> = nodes.into_iter().map(Some).collect();
    tree.rows = Vec::with_capacity(drawn.len());
    for (d, parent) in drawn.into_iter().zip(parents) {
        if let Some(node) = nodes[d.node].take() {
            tree.rows.push(TreeRow {
                depth: d.depth,
                deps: deps.get_mut(d.node).and_then(Option::take),
                node,
                parent,
                prefix: d.prefix,
            });
        }
    }
    tree
}

/// `status.nodes` as [`ArgoNode`]s in ID order, Pod nodes with their pod names; `None` (with
/// the reason in `problems`) when there are none to show.
fn read_nodes(
    wf: &Value,
    pods_by_node_id: &HashMap<String, String>,
    problems: &mut Vec<String>,
) -> Option<Vec<ArgoNode>> {
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
    let mut nodes = Vec::with_capacity(raw.len());
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
        nodes.push(n);
    }
    // serde_json's map is sorted by key, unless its `preserve_order` feature is on.
    if !nodes.is_sorted_by(|a, b| a.id <= b.id) {
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
    }
    Some(nodes)
}

/// Who contains whom (`convertToRenderTrees`), each node's contents in `insertSorted` order;
/// nodes by their position in ID order.
struct Shape {
    parent: Vec<Option<usize>>,
    kids: Vec<Vec<usize>>,
    /// Nodes nothing contains, in ID order.
    roots: Vec<usize>,
    /// The node each `boundaryID` names, where it is in `status.nodes`.
    boundary: Vec<Option<usize>>,
}

impl Shape {
    fn new(nodes: &[ArgoNode], index: &HashMap<&str, usize>, problems: &mut Vec<String>) -> Shape {
        // A StepGroup's or Retry's children are its own, whatever their boundary says. Go keeps
        // the last of two such parents in map order (random); the first by ID is as good and
        // stable.
        let mut group_of: Vec<Option<usize>> = vec![None; nodes.len()];
        // Legacy fallback: the first node (by ID) listing a node as a child.
        let mut listed_by: Vec<Option<usize>> = vec![None; nodes.len()];
        for (i, n) in nodes.iter().enumerate() {
            let groups = matches!(n.node_type, NodeType::StepGroup | NodeType::Retry);
            for c in &n.children {
                let Some(&c) = index.get(c.as_str()) else {
                    problems.push(format!(
                        "node {} ({}) lists child {c}, which is not in status.nodes",
                        n.id, n.name
                    ));
                    continue;
                };
                if groups {
                    group_of[c].get_or_insert(i);
                }
                if c != i {
                    listed_by[c].get_or_insert(i);
                }
            }
        }
        let mut parent = vec![None; nodes.len()];
        let mut kids: Vec<Vec<usize>> = vec![vec![]; nodes.len()];
        let mut roots = vec![];
        let mut boundary = vec![None; nodes.len()];
        for (i, n) in nodes.iter().enumerate() {
            let b = n.boundary_id.as_deref();
            boundary[i] = b.and_then(|b| index.get(b).copied());
            let p = if let Some(g) = group_of[i] {
                Some(g)
            } else if let Some(b) = b {
                match boundary[i] {
                    Some(b) => Some(b),
                    None => {
                        problems.push(format!(
                            "node {} ({}) has boundaryID {b}, which is not in status.nodes",
                            n.id, n.name
                        ));
                        listed_by[i]
                    }
                }
            } else {
                listed_by[i]
            };
            match p {
                Some(p) => {
                    parent[i] = Some(p);
                    // In ID order: Go inserts in map order, any order will do if it is stable.
                    kids[p].push(i);
                }
                None => roots.push(i),
            }
        }
        for list in &mut kids {
            if list.len() > 1 {
                sort_argo(list, nodes);
            }
        }
        Shape {
            parent,
            kids,
            roots,
            boundary,
        }
    }

    /// Following parents up from `i`, the first node met twice: where a cycle closes. (A node
    /// that reaches a root is never asked about.)
    fn cycle_entry(&self, i: usize) -> usize {
        let mut seen = HashSet::new();
        let mut cur = i;
        while seen.insert(cur) {
            match self.parent[cur] {
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
    node: usize,
}

impl<'a> SortKey<'a> {
    fn of(nodes: &'a [ArgoNode], i: usize) -> SortKey<'a> {
        let n = &nodes[i];
        SortKey {
            start: n.started_at.unwrap_or(Timestamp::MIN),
            index: item_index(&n.display_name),
            name: &n.display_name,
            node: i,
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

/// Sort nodes (by position) in `insertSorted`'s order, stably.
fn sort_argo(list: &mut [usize], nodes: &[ArgoNode]) {
    let mut keys: Vec<SortKey> = list.iter().map(|i| SortKey::of(nodes, *i)).collect();
    // When all keys have an index, or none has, the order is total: the standard stable sort
    // gives the same result as ours, faster (a DAG's thousands of tasks often come sorted).
    let with_index = keys.iter().filter(|k| k.index.is_some()).count();
    if with_index == 0 || with_index == keys.len() {
        keys.sort_by(argo_order);
    } else {
        stable_sort(&mut keys, &argo_order);
    }
    for (slot, k) in list.iter_mut().zip(keys) {
        *slot = k.node;
    }
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
    nodes: &'a [ArgoNode],
    shape: &'a Shape,
    visited: Vec<bool>,
    rows: Vec<Drawn>,
    problems: Vec<String>,
}

/// A row drawn, before its node is moved in.
struct Drawn {
    node: usize,
    depth: usize,
    parent: Option<usize>,
    prefix: String,
}

/// A node waiting to be drawn.
struct Pending {
    node: usize,
    depth: usize,
    /// The guides on this node's own line.
    node_prefix: String,
    /// The guides its children's lines start with: its parent's, then `sub` (built only for
    /// a node that has children: most are leaves, and guides get long in deep trees).
    parent_guides: Rc<str>,
    sub: &'static str,
    parent: Option<usize>,
}

impl Draw<'_> {
    fn from(&mut self, root: usize) {
        if std::mem::replace(&mut self.visited[root], true) {
            return;
        }
        let mut stack = vec![Pending {
            node: root,
            depth: 0,
            node_prefix: String::new(),
            parent_guides: Rc::from(""),
            sub: "",
            parent: None,
        }];
        while let Some(p) = stack.pop() {
            let node = &self.nodes[p.node];
            let (hidden, indent) = filtered(node);
            let mut node_prefix = p.node_prefix;
            if !hidden {
                self.rows.push(Drawn {
                    node: p.node,
                    depth: p.depth,
                    parent: p.parent,
                    prefix: std::mem::take(&mut node_prefix),
                });
            }
            let kids = &self.shape.kids[p.node];
            if kids.is_empty() {
                continue;
            }
            let guides: Rc<str> = Rc::from(format!("{}{}", p.parent_guides, p.sub));
            let last = kids.len() - 1;
            for (i, &k) in kids.iter().enumerate().rev() {
                if std::mem::replace(&mut self.visited[k], true) {
                    self.problems.push(format!(
                        "cycle: node {} ({}) contains {}, which encloses it",
                        node.id, node.name, self.nodes[k].id
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
                    node: k,
                    depth: p.depth + usize::from(!hidden),
                    node_prefix: line + part,
                    parent_guides: guides.clone(),
                    sub,
                    parent: if hidden { p.parent } else { Some(p.node) },
                });
            }
        }
    }
}
