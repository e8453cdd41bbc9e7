//! The READY, STATUS and RESTARTS columns of `kubectl get pods`.
//!
//! A faithful port of `printPod` from kubernetes 1.32
//! `pkg/printers/internalversion/printers.go` (the server-side Table printer kubectl shows),
//! plus a small [`Health`] classification for colouring rows. Everything here is pure: it
//! reads a [`Pod`] and never panics on missing fields (absent values behave like Go's zero
//! values).

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, ContainerState, ContainerStatus, Pod, PodStatus};

use super::age::{age_since, is_go_zero_time};

/// `node.NodeUnreachablePodReason` in kubernetes `pkg/util/node`.
const NODE_UNREACHABLE_POD_REASON: &str = "NodeLost";
/// `apiv1.PodReasonSchedulingGated`.
const POD_REASON_SCHEDULING_GATED: &str = "SchedulingGated";

/// The columns `printPod` derives from one pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedPod {
    pub ready: usize,
    pub total: usize,
    /// The STATUS column.
    pub reason: String,
    pub restarts: i32,
    /// `None` stands for Go's zero `lastRestartDate`.
    pub last_restart: Option<Timestamp>,
}

/// READY, STATUS and RESTARTS in one pass (the pods pane needs all three per pod).
pub fn summarize(pod: &Pod) -> PrintedPod {
    print_pod(pod)
}

/// The STATUS column, e.g. "Running", "CrashLoopBackOff", "Init:1/2", "Terminating".
/// A pod without a phase prints "" as kubectl does.
pub fn pod_status(pod: &Pod) -> String {
    print_pod(pod).reason
}

/// The READY column, e.g. "1/2". Native sidecars (init containers with
/// `restartPolicy: Always`) count towards both numbers.
pub fn ready_text(pod: &Pod) -> String {
    let p = print_pod(pod);
    format!("{}/{}", p.ready, p.total)
}

/// Restart count and time of the last restart (latest `lastState.terminated.finishedAt`),
/// counted over the same containers kubectl counts at this stage of the pod's life.
pub fn restarts(pod: &Pod) -> (i32, Option<Timestamp>) {
    let p = print_pod(pod);
    (p.restarts, p.last_restart)
}

/// The RESTARTS column: "0", "4", or "4 (4m ago)" when a last restart time is known.
pub fn restarts_text(pod: &Pod, now: Timestamp) -> String {
    let (n, last) = restarts(pod);
    match last {
        Some(t) if n != 0 => format!("{n} ({} ago)", age_since(t, now)),
        _ => n.to_string(),
    }
}

/// A coarse health class for colouring a pod row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Health {
    /// Running with every container ready.
    Ok,
    /// Not started yet: Pending, ContainerCreating, PodInitializing, Init:N/M, SchedulingGated.
    Pending,
    /// Degraded but not failed: Running with unready containers, NotReady, Terminating, Unknown.
    Warn,
    /// Anything else: CrashLoopBackOff, ImagePullBackOff, ErrImagePull, Error, OOMKilled,
    /// Evicted, Init:Error, ExitCode:N, Failed, ...
    Failed,
    /// Finished successfully: Completed or Succeeded.
    Completed,
}

/// Classifies a STATUS string (as returned by [`pod_status`]); `pod` is consulted only to
/// tell a fully ready "Running" pod from a partly ready one.
pub fn health(status_text: &str, pod: &Pod) -> Health {
    match status_text {
        "Running" => {
            let p = print_pod(pod);
            if p.total > 0 && p.ready == p.total {
                Health::Ok
            } else {
                Health::Warn
            }
        }
        "Completed" | "Succeeded" => Health::Completed,
        // "" only happens before the API server has defaulted the phase.
        "" | "Pending" | "ContainerCreating" | "PodInitializing" | "SchedulingGated" => {
            Health::Pending
        }
        "NotReady" | "Terminating" | "Unknown" => Health::Warn,
        s => match s.strip_prefix("Init:") {
            // Init containers still making progress, e.g. "Init:1/2" or "Init:ContainerCreating".
            Some(rest) if is_progress(rest) || rest == "ContainerCreating" => Health::Pending,
            _ => Health::Failed,
        },
    }
}

/// Whether `s` looks like "N/M".
fn is_progress(s: &str) -> bool {
    let all_digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    s.split_once('/')
        .is_some_and(|(a, b)| all_digits(a) && all_digits(b))
}

/// Port of `printPod` (kubernetes 1.32 pkg/printers/internalversion/printers.go), in the
/// same order as the Go code so that later assignments to `reason` win the same way.
fn print_pod(pod: &Pod) -> PrintedPod {
    let empty_status = PodStatus::default();
    let status = pod.status.as_ref().unwrap_or(&empty_status);
    let spec_containers: &[Container] = pod.spec.as_ref().map_or(&[], |s| &s.containers);
    let spec_init: &[Container] = pod
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or(&[]);
    let init_statuses: &[ContainerStatus] =
        status.init_container_statuses.as_deref().unwrap_or(&[]);
    let statuses: &[ContainerStatus] = status.container_statuses.as_deref().unwrap_or(&[]);
    let conditions = status.conditions.as_deref().unwrap_or(&[]);

    let mut restarts: i32 = 0;
    let mut restartable_init_restarts: i32 = 0;
    let mut total = spec_containers.len();
    let mut ready = 0usize;
    let mut last_restart: Option<Timestamp> = None;
    let mut last_restartable_init_restart: Option<Timestamp> = None;

    let pod_phase = status.phase.as_deref().unwrap_or("");
    let status_reason = status.reason.as_deref().unwrap_or("");
    let mut reason = if status_reason.is_empty() {
        pod_phase.to_string()
    } else {
        status_reason.to_string()
    };

    // {type: PodScheduled, reason: SchedulingGated} overrides the phase.
    for c in conditions {
        if c.type_ == "PodScheduled" && c.reason.as_deref() == Some(POD_REASON_SCHEDULING_GATED) {
            reason = POD_REASON_SCHEDULING_GATED.to_string();
        }
    }

    // Native sidecars count towards the READY denominator.
    total += spec_init.iter().filter(|c| is_restartable(c)).count();
    // Go looks init containers up by name in a map; with duplicate names the last one wins.
    let init_spec = |name: &str| spec_init.iter().rev().find(|c| c.name == name);

    let mut initializing = false;
    for (i, container) in init_statuses.iter().enumerate() {
        let state = container.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        let restartable = init_spec(&container.name).is_some_and(is_restartable);

        restarts = restarts.saturating_add(container.restart_count);
        let finished = last_finished_at(container);
        bump_latest(&mut last_restart, finished);
        if restartable {
            restartable_init_restarts =
                restartable_init_restarts.saturating_add(container.restart_count);
            bump_latest(&mut last_restartable_init_restart, finished);
        }

        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if restartable && container.started == Some(true) {
            if container.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            // Initialization failed.
            reason = match t.reason.as_deref().unwrap_or("") {
                "" => match t.signal.unwrap_or(0) {
                    0 => format!("Init:ExitCode:{}", t.exit_code),
                    sig => format!("Init:Signal:{sig}"),
                },
                r => format!("Init:{r}"),
            };
        } else if let Some(r) = waiting
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{}/{}", i, spec_init.len());
        }
        initializing = true;
        break;
    }

    if !initializing || is_initialized(conditions) {
        restarts = restartable_init_restarts;
        last_restart = last_restartable_init_restart;
        let mut has_running = false;
        // Go walks the statuses backwards, so the first container's reason wins.
        for container in statuses.iter().rev() {
            restarts = restarts.saturating_add(container.restart_count);
            bump_latest(&mut last_restart, last_finished_at(container));

            let state = container.state.as_ref();
            let waiting_reason = state
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            let running = state.is_some_and(|s| s.running.is_some());

            if let Some(r) = waiting_reason {
                reason = r.to_string();
            } else if let Some(t) = terminated {
                reason = match t.reason.as_deref().unwrap_or("") {
                    "" => match t.signal.unwrap_or(0) {
                        0 => format!("ExitCode:{}", t.exit_code),
                        sig => format!("Signal:{sig}"),
                    },
                    r => r.to_string(),
                };
            } else if container.ready && running {
                has_running = true;
                ready += 1;
            }
        }

        // Back to "Running" if at least one container still reports running.
        if reason == "Completed" && has_running {
            reason = if has_ready_condition(conditions) {
                "Running".to_string()
            } else {
                "NotReady".to_string()
            };
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if status_reason == NODE_UNREACHABLE_POD_REASON {
            reason = "Unknown".to_string();
        } else if !is_terminal_phase(pod_phase) {
            reason = "Terminating".to_string();
        }
    }

    PrintedPod {
        ready,
        total,
        reason,
        restarts,
        last_restart,
    }
}

/// `podutil.IsRestartableInitContainer`: an init container with `restartPolicy: Always`.
fn is_restartable(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

/// `podutilv1.IsPodPhaseTerminal`.
fn is_terminal_phase(phase: &str) -> bool {
    phase == "Failed" || phase == "Succeeded"
}

/// `isPodInitializedConditionTrue`: the first Initialized condition decides.
fn is_initialized(conditions: &[k8s_openapi::api::core::v1::PodCondition]) -> bool {
    conditions
        .iter()
        .find(|c| c.type_ == "Initialized")
        .is_some_and(|c| c.status == "True")
}

/// `hasPodReadyCondition`: any Ready condition that is True.
fn has_ready_condition(conditions: &[k8s_openapi::api::core::v1::PodCondition]) -> bool {
    conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// `lastTerminationState.terminated.finishedAt`, if any.
fn last_finished_at(c: &ContainerStatus) -> Option<Timestamp> {
    c.last_state
        .as_ref()
        .and_then(|s: &ContainerState| s.terminated.as_ref())
        .and_then(|t| t.finished_at.as_ref())
        .map(|t| t.0)
        // A zero finishedAt never moves Go's lastRestartDate.
        .filter(|t| !is_go_zero_time(*t))
}

/// `if last.Before(&t) { last = t }`, with `None` playing Go's zero time (before everything).
fn bump_latest(last: &mut Option<Timestamp>, t: Option<Timestamp>) {
    if let Some(t) = t
        && last.is_none_or(|l| l < t)
    {
        *last = Some(t);
    }
}
