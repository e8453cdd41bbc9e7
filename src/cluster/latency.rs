//! How long the API takes to answer, for the header's "cluster is slow". The watches time
//! their lists and the runner times the objects it reads (YAML, describe); while the header
//! says slow, `/version` (the cheapest request there is) is timed every 3 s so the notice goes
//! soon after the cluster recovers. Nothing is asked while all is well: an idle kdoc only keeps
//! its watches open. The verdict goes to the app as `ClusterEvent::Slow` only when it changes.

use std::time::Duration;

use kube::Client;
use tokio::sync::mpsc::{self, Sender, UnboundedSender};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::core::cluster_event::{ClusterEvent, ClusterMsg, SLOW};
use crate::core::effect::EffectId;

/// While slow, with no request timed for this long, `/version` is timed.
const QUIET: Duration = Duration::from_secs(3);

/// Where request durations are reported; cheap to clone, never blocks.
#[derive(Clone)]
pub struct Meter(UnboundedSender<Duration>);

impl Meter {
    pub fn record(&self, took: Duration) {
        let _ = self.0.send(took);
    }
}

/// Judge the durations the meter gets (and `/version`'s when quiet) for watch `id`; the task
/// ends when the app's channel closes, or when aborted with the watches.
pub fn spawn(client: Client, id: EffectId, out: Sender<ClusterMsg>) -> (Meter, JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut shown: Option<Duration> = None;
        let mut last = Instant::now();
        let mut tick = tokio::time::interval(QUIET);
        loop {
            let took = tokio::select! {
                Some(d) = rx.recv() => d,
                _ = tick.tick() => {
                    if shown.is_none() || last.elapsed() < QUIET {
                        continue;
                    }
                    let start = Instant::now();
                    // An error says nothing about speed (the watches report the connection).
                    if client.apiserver_version().await.is_err() {
                        last = Instant::now();
                        continue;
                    }
                    start.elapsed()
                }
            };
            last = Instant::now();
            let Some(next) = verdict(shown, took) else {
                continue;
            };
            shown = next;
            let msg = ClusterMsg::watch(id, ClusterEvent::Slow(next));
            if out.send(msg).await.is_err() {
                return;
            }
        }
    });
    (Meter(tx), task)
}

/// What to show after a request that took `took`, if it differs from `shown`: slow with its
/// duration (to a tenth of a second, so small jitter does not redraw), or not slow.
fn verdict(shown: Option<Duration>, took: Duration) -> Option<Option<Duration>> {
    let next = (took >= SLOW).then(|| Duration::from_millis(took.as_millis() as u64 / 100 * 100));
    (next != shown).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_is_said_once_per_tenth_and_cleared_by_a_quick_answer() {
        let ms = Duration::from_millis;
        assert_eq!(verdict(None, ms(200)), None, "quick and not shown: nothing");
        assert_eq!(verdict(None, ms(2040)), Some(Some(ms(2000))));
        assert_eq!(verdict(Some(ms(2000)), ms(2090)), None, "same tenth");
        assert_eq!(verdict(Some(ms(2000)), ms(3100)), Some(Some(ms(3100))));
        assert_eq!(verdict(Some(ms(3100)), ms(30)), Some(None));
        assert_eq!(verdict(None, SLOW), Some(Some(SLOW)));
    }
}
