//! An object's owner chain up to the top (Pod -> ReplicaSet -> Deployment, Pod -> Workflow),
//! read one owner at a time: each owner's own `ownerReferences` come from a `Get` of it.

use std::collections::BTreeMap;

use super::effect::{Effect, EffectId, EffectKind, EffectResult};
use super::kinds::{KindInfo, Kinds};
use super::table::{self, Owner};

/// Chains are short; a longer one is a loop in broken data.
const MAX_DEPTH: usize = 16;

#[derive(Default)]
pub struct OwnerChain {
    /// Owners read so far: uid -> that object's owners.
    read: BTreeMap<String, Vec<Owner>>,
    /// Reads in flight: effect id -> the uid asked for.
    asked: BTreeMap<EffectId, String>,
    /// The next read to start: (owner's uid, the effect).
    next: Option<(String, EffectKind)>,
}

/// The controller among `owners`, or the first.
pub fn controller(owners: &[Owner]) -> Option<&Owner> {
    owners.iter().find(|o| o.controller).or(owners.first())
}

/// The kind an owner reference names, from discovery (its exact version, else any version).
pub fn owner_kind<'a>(kinds: &'a Kinds, o: &Owner) -> Option<&'a KindInfo> {
    let (group, version) = o
        .api_version
        .rsplit_once('/')
        .unwrap_or(("", &o.api_version));
    let same = |k: &&KindInfo| k.group == group && k.kind == o.kind;
    kinds
        .list
        .iter()
        .filter(same)
        .find(|k| k.version == version)
        .or_else(|| kinds.list.iter().find(same))
}

impl OwnerChain {
    /// The chain above an object whose own owners are `first`, nearest first, as far as it
    /// is known.
    pub fn chain(&self, first: &[Owner]) -> Vec<Owner> {
        let mut chain: Vec<Owner> = vec![];
        let mut next = controller(first).cloned();
        while let Some(o) = next {
            if chain.iter().any(|c| c.uid == o.uid) || chain.len() >= MAX_DEPTH {
                break;
            }
            next = self.read.get(&o.uid).and_then(|os| controller(os).cloned());
            chain.push(o);
        }
        chain
    }

    /// Plan the read of the first owner above `first` not read yet (in namespace `ns`).
    pub fn plan(&mut self, first: &[Owner], ns: &str, kinds: &Kinds) {
        self.next = None;
        let chain = self.chain(first);
        let Some(last) = chain.last() else { return };
        if self.read.contains_key(&last.uid) || self.asked.values().any(|u| *u == last.uid) {
            return;
        }
        if let Some(k) = owner_kind(kinds, last) {
            self.next = Some((last.uid.clone(), EffectKind::Get(k.obj(ns, &last.name))));
        }
    }

    /// The planned read, as an effect.
    pub fn take_effect(&mut self, next_id: &mut EffectId) -> Option<Effect> {
        let (uid, kind) = self.next.take()?;
        let e = Effect::next(next_id, kind);
        self.asked.insert(e.id, uid);
        Some(e)
    }

    /// A read's answer; false when the id is not one of ours.
    pub fn on_result(&mut self, id: EffectId, result: &EffectResult) -> bool {
        let Some(uid) = self.asked.remove(&id) else {
            return false;
        };
        let owners = match result {
            EffectResult::Object(v) => table::owners(&v["metadata"]["ownerReferences"]),
            // An owner we may not read (or that is gone) ends the chain there.
            _ => vec![],
        };
        self.read.insert(uid, owners);
        true
    }

    /// Reads still in flight (to cancel when the pane closes).
    pub fn pending(&self) -> Vec<EffectId> {
        self.asked.keys().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::kinds::KindInfo;
    use serde_json::json;

    fn owner(kind: &str, name: &str, uid: &str) -> Owner {
        Owner {
            api_version: "apps/v1".into(),
            kind: kind.into(),
            name: name.into(),
            uid: uid.into(),
            controller: true,
        }
    }

    #[test]
    fn reads_up_the_chain_one_owner_at_a_time() {
        let kinds = Kinds::new(vec![KindInfo {
            group: "apps".into(),
            version: "v1".into(),
            kind: "ReplicaSet".into(),
            plural: "replicasets".into(),
            singular: "replicaset".into(),
            short_names: vec!["rs".into()],
            categories: vec![],
            namespaced: true,
            verbs: vec!["get".into()],
        }]);
        let first = [owner("ReplicaSet", "web-abc", "u1")];
        let mut c = OwnerChain::default();
        c.plan(&first, "ns", &kinds);
        let mut id = 7;
        let e = c.take_effect(&mut id).expect("a read of the ReplicaSet");
        assert!(
            matches!(&e.kind, EffectKind::Get(r) if r.name == "web-abc" && r.plural == "replicasets")
        );
        // Planned once: no second read while the first is in flight.
        c.plan(&first, "ns", &kinds);
        assert!(c.take_effect(&mut id).is_none());
        let rs = json!({"metadata": {"ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u2", "controller": true}
        ]}});
        assert!(c.on_result(e.id, &EffectResult::Object(rs)));
        let names: Vec<String> = c.chain(&first).iter().map(|o| o.name.clone()).collect();
        assert_eq!(names, ["web-abc", "web"]);
        // Deployment is not a kind discovery knows here: the chain stops being read.
        c.plan(&first, "ns", &kinds);
        assert!(c.take_effect(&mut id).is_none());
        assert!(!c.on_result(999, &EffectResult::Failed("x".into())));
    }
}
