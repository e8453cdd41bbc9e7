//! Supervised port-forwards (being written).

use kube::Client;
use tokio::sync::mpsc::Sender;
use tokio::task::AbortHandle;

use crate::core::cluster_event::ClusterMsg;
use crate::core::effect::{EffectId, EffectResult};
use crate::core::forward::{ForwardEvent, ForwardRequest, ForwardState, HttpCheck};

/// Start a supervised forward; its reports go to `out` as `ClusterMsg::Forward`.
pub fn spawn(
    _client: Client,
    id: EffectId,
    _req: ForwardRequest,
    out: Sender<ClusterMsg>,
) -> AbortHandle {
    tokio::spawn(async move {
        let event = ForwardEvent::State(ForwardState::Failed("not built yet".into()));
        let _ = out.send(ClusterMsg::Forward { id, event }).await;
    })
    .abort_handle()
}

/// One HTTP request to a local forward; the answer goes to `out` as `ClusterMsg::Done`.
pub fn http(id: EffectId, _check: HttpCheck, out: Sender<ClusterMsg>) -> AbortHandle {
    tokio::spawn(async move {
        let result = EffectResult::Failed("not built yet".into());
        let _ = out.send(ClusterMsg::Done { id, result }).await;
    })
    .abort_handle()
}
