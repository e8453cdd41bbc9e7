//! The effect runner: the reducer's effects are carried out here, in one task that owns the
//! client and the running watches. Results and stream items go back on the bounded channel
//! to the app, tagged with the effect's id (gitui's async jobs, in spirit: latest wins, stale
//! answers are the reducer's to drop).

use std::collections::HashMap;

use kube::Client;
use tokio::sync::mpsc::{self, Sender, UnboundedSender};
use tokio::task::AbortHandle;

use super::kubeconfig::{self, Target};
use super::watch::{self, Watches};
use crate::core::cluster_event::ClusterMsg;
use crate::core::effect::{Effect, EffectId, EffectKind, EffectResult};
use crate::core::forward::{ForwardEvent, ForwardState};

/// How many cluster messages may wait for the app before the watches wait for it.
pub const CHANNEL: usize = 4096;

/// The handle the app sends effects through; dropping it stops the runner and its watches.
pub struct Runner {
    tx: UnboundedSender<Effect>,
    out: Sender<ClusterMsg>,
}

impl Runner {
    /// Start the runner for `target` (with its client), sending what happens to `out`.
    /// `readonly`: refuse port-forwards and the doctor's probe whatever the reducer asks (a
    /// second guard behind the reducer's own).
    pub fn spawn(
        target: Target,
        client: Client,
        out: Sender<ClusterMsg>,
        readonly: bool,
    ) -> Runner {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(target, client, out.clone(), rx, readonly));
        Runner { tx, out }
    }

    /// Put a result the app produced itself (a written file) in line with the cluster's.
    pub fn answer(&self, msg: ClusterMsg) {
        let out = self.out.clone();
        tokio::spawn(async move {
            let _ = out.send(msg).await;
        });
    }

    pub fn run(&self, effect: Effect) {
        let _ = self.tx.send(effect);
    }
}

type Resolved = Result<(Target, Client), String>;

async fn resolve(kc: Option<kube::config::Kubeconfig>, ctx: String) -> Resolved {
    let Some(kc) = kc else {
        return Err(
            "kdoc runs with the in-cluster config; there is no kubeconfig to switch contexts in"
                .into(),
        );
    };
    let t = kubeconfig::from_kubeconfig(kc, Some(&ctx)).await?;
    let c = kubeconfig::client(&t)?;
    Ok((t, c))
}

async fn run(
    mut target: Target,
    mut client: Client,
    out: Sender<ClusterMsg>,
    mut rx: mpsc::UnboundedReceiver<Effect>,
    readonly: bool,
) {
    let mut watches: Option<Watches> = None;
    // Clients resolved for a context switch, waiting for the reducer to take one.
    let mut resolved: HashMap<EffectId, (Target, Client)> = HashMap::new();
    let mut pending: HashMap<EffectId, AbortHandle> = HashMap::new();
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(EffectId, Resolved)>();
    loop {
        tokio::select! {
            effect = rx.recv() => {
                let Some(Effect { id, kind }) = effect else { break };
                match kind {
                    EffectKind::Watch { scope, client: use_client } => {
                        if let Some(from) = use_client {
                            if let Some((t, c)) = resolved.remove(&from) {
                                target = t;
                                client = c;
                            }
                            resolved.clear();
                        }
                        // Stop the old watches before the new ones start.
                        drop(watches.take());
                        watches = Some(watch::start(client.clone(), &scope, id, out.clone()));
                    }
                    EffectKind::ResolveContext(ctx) => {
                        let kc = target.kubeconfig.clone();
                        let done = done_tx.clone();
                        let task = tokio::spawn(async move {
                            let _ = done.send((id, resolve(kc, ctx).await));
                        });
                        pending.insert(id, task.abort_handle());
                    }
                    EffectKind::Logs(req) => {
                        pending.insert(id, super::logs::spawn(client.clone(), id, req, out.clone()));
                    }
                    EffectKind::Doctor { subject, probe } => {
                        let probe = probe && !readonly;
                        pending.insert(id, super::doctor::spawn(client.clone(), id, subject, probe, out.clone()));
                    }
                    EffectKind::Forward(_) if readonly => {
                        let event = ForwardEvent::State(ForwardState::Failed(
                            crate::core::state::READONLY_FORWARDS.to_string(),
                        ));
                        let out = out.clone();
                        tokio::spawn(async move {
                            let _ = out.send(ClusterMsg::Forward { id, event }).await;
                        });
                    }
                    EffectKind::Forward(req) => {
                        pending.insert(id, super::forward::spawn(client.clone(), id, req, out.clone()));
                    }
                    EffectKind::Get(r) => {
                        let meter = watches.as_ref().map(|w| w.meter.clone());
                        pending.insert(id, super::objects::spawn_get(client.clone(), id, r, out.clone(), meter));
                    }
                    EffectKind::Events(what) => {
                        pending.insert(id, super::objects::spawn_events(client.clone(), id, what, out.clone()));
                    }
                    EffectKind::Discover => {
                        pending.insert(id, super::tables::spawn_discover(client.clone(), id, out.clone()));
                    }
                    EffectKind::Table(t) => {
                        pending.insert(id, super::tables::spawn_table(client.clone(), id, t, out.clone()));
                    }
                    EffectKind::Http(check) => {
                        pending.insert(id, super::forward::http(id, check, out.clone()));
                    }
                    EffectKind::Cancel(which) => {
                        if let Some(t) = pending.remove(&which) {
                            t.abort();
                        }
                        resolved.remove(&which);
                    }
                    // Local files and the clipboard are the app's (`app::run_effects`), never sent here.
                    EffectKind::WriteFile { .. } | EffectKind::Copy(_) => {}
                    EffectKind::Quit => break,
                }
            }
            Some((id, res)) = done_rx.recv() => {
                pending.remove(&id);
                let result = match res {
                    Ok((t, c)) => {
                        let r = EffectResult::ContextResolved {
                            context: t.context.clone(),
                            cluster: t.cluster.clone(),
                        };
                        resolved.insert(id, (t, c));
                        r
                    }
                    Err(e) => EffectResult::Failed(e),
                };
                if out.send(ClusterMsg::Done { id, result }).await.is_err() {
                    break;
                }
            }
        }
    }
    for (_, t) in pending {
        t.abort();
    }
}
