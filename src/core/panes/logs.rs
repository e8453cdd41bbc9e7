//! The logs pane: every container a target wants, multiplexed into one bounded buffer,
//! followed as pods come, restart and go, filtered or searched without blocking.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;

use crate::core::actions::Action;
use crate::core::cache::Cache;
use crate::core::cluster_event::LogEvent;
use crate::core::effect::{Effect, EffectId, EffectKind, LogRequest};
use crate::core::log_sources::{LogTarget, RunState, Wanted, wanted};
use crate::core::pane::{Cx, FilterState, Pane, Reply, cancels};
use crate::logs::Presets;
use crate::logs::buffer::{LogBuffer, Source, SourceId};
use crate::logs::query::{Mode, Query};
use crate::logs::view::View;

/// Lines re-filtered per turn of the event loop, so typing never waits for a big buffer.
const SCAN_BUDGET: usize = 100_000;
/// `tail` choices, cycled by `tail`; `None` is everything.
pub const TAILS: [Option<i64>; 4] = [Some(200), Some(1000), Some(5000), None];
/// `since` presets (seconds), chosen by `since-*`: 1m, 5m, 15m, 1h.
pub const SINCES: [i64; 4] = [60, 300, 900, 3600];

/// Where a stream is, shown next to its source; never a bare "waiting for logs".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamState {
    /// The container has not started: the kubelet's reason.
    Waiting(String),
    Connecting,
    Streaming,
    /// The log ended: the container's exit, when known.
    Ended(String),
    Reconnecting {
        attempt: u32,
        error: String,
    },
    /// The API's message, verbatim.
    Failed(String),
}

impl StreamState {
    pub fn text(&self) -> String {
        match self {
            StreamState::Waiting(r) => format!("waiting: {r}"),
            StreamState::Connecting => "connecting".into(),
            StreamState::Streaming => "streaming".into(),
            StreamState::Ended(r) => format!("ended: {r}"),
            StreamState::Reconnecting { attempt, error } => {
                format!("reconnecting (attempt {attempt}): {error}")
            }
            StreamState::Failed(m) => format!("failed: {m}"),
        }
    }
}

type StreamKey = (String, String, String);

/// How JSON log lines are shown (`json` cycles through them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonView {
    Off,
    /// Indented, one key per line.
    Pretty,
    /// Their key fields on one line: time, level, message, then the rest as key=value.
    Summary,
}

/// One container followed by the pane.
#[derive(Clone, Debug)]
pub struct Stream {
    pub source: SourceId,
    pub state: StreamState,
    /// The running effect, if any.
    id: Option<EffectId>,
    /// Restart count of the instance being (or last) read.
    instance: i32,
    /// That instance's log was read to its end (or refused): do not reopen it.
    done: bool,
    /// The pod is gone: nothing more will come.
    gone: bool,
    /// Lines received from this container.
    pub lines: u64,
    /// Time of the last line, to reopen a stream after it without repeats.
    last_ts: Option<Timestamp>,
    /// Reopens in a row without a line in between (the back-off grows with them).
    reopens: u32,
    /// When the stream last ended, so a reopen waits a moment instead of hammering.
    ended_at: Option<Timestamp>,
}

/// A follow stream that ends while its container still runs (a kubelet rotating the file, a
/// proxy timing out) is reopened after its last line: 1 s after it ended, then 2, 4, ... up to
/// 30 s while reopening brings no line.
fn reopen_delay(reopens: u32) -> f64 {
    f64::from(1u32 << reopens.min(5)).min(30.0)
}

/// What every logs pane starts with: the buffer's bound and the filter presets (built-in,
/// the doctor's signatures in `@errors`, the user's from the config file).
#[derive(Clone, Debug)]
pub struct LogSettings {
    pub cap: usize,
    pub presets: Arc<Presets>,
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            cap: LogBuffer::DEFAULT_CAP,
            presets: Arc::new(Presets::builtin()),
        }
    }
}

/// The presets one key each applies (`preset-errors`, `preset-push`, `preset-mlflow`).
const KEYED_PRESETS: [&str; 3] = ["errors", "push", "mlflow"];

pub struct LogsPane {
    pub target: LogTarget,
    pub buf: LogBuffer,
    pub view: View,
    pub filter: FilterState,
    pub mode: Mode,
    /// Streams by (namespace, pod, container), in the order they were first seen.
    pub streams: BTreeMap<StreamKey, Stream>,
    pub order: Vec<StreamKey>,
    /// Following: the newest line stays in view. Off: the view stays put (paused).
    pub follow: bool,
    /// `buf.next_seq()` when paused, to say how many lines arrived meanwhile.
    pub paused_at: Option<u64>,
    /// First visible row while not following (a seq, so eviction does not move the view).
    pub anchor: Option<u64>,
    /// The selected line (a seq) while paused: what `copy` takes. Following, the newest line.
    pub cursor: Option<u64>,
    pub tail: Option<i64>,
    pub since: Option<i64>,
    pub previous: bool,
    pub timestamps: bool,
    pub wrap: bool,
    pub prefix: bool,
    pub json: JsonView,
    /// Page height the last action saw, for paging.
    page: usize,
    seen_pods: Option<u64>,
    seen_filter: u64,
    /// The clock as of the last refresh.
    now: Timestamp,
    /// Some stream waits to be reopened: sync again on the next refresh.
    recheck: bool,
    requests: Vec<(StreamKey, LogRequest)>,
    /// Files to write (a save), as (path, contents).
    saves: Vec<(String, Vec<u8>)>,
    /// Text to put on the clipboard (OSC 52).
    copies: Vec<String>,
    cancels: Vec<EffectId>,
    by_id: BTreeMap<EffectId, StreamKey>,
}

impl LogsPane {
    pub fn new(target: LogTarget, settings: &LogSettings) -> LogsPane {
        LogsPane {
            target,
            buf: LogBuffer::new(settings.cap.max(1)),
            view: View::new(),
            filter: FilterState {
                logs: Some(settings.presets.clone()),
                ..FilterState::default()
            },
            mode: Mode::Filter,
            streams: BTreeMap::new(),
            order: vec![],
            follow: true,
            paused_at: None,
            anchor: None,
            cursor: None,
            tail: TAILS[1],
            since: None,
            previous: false,
            timestamps: false,
            wrap: false,
            prefix: true,
            json: JsonView::Off,
            page: 20,
            seen_pods: None,
            seen_filter: 0,
            now: Timestamp::UNIX_EPOCH,
            recheck: false,
            requests: vec![],
            saves: vec![],
            copies: vec![],
            cancels: vec![],
            by_id: BTreeMap::new(),
        }
    }

    /// Lines that arrived since `pause`.
    pub fn arrived_while_paused(&self) -> u64 {
        self.paused_at
            .map_or(0, |at| self.buf.next_seq().saturating_sub(at))
    }

    /// The first row on screen for a page of `height` rows.
    pub fn first_row(&self, height: usize) -> usize {
        let len = self.view.len(&self.buf);
        let bottom = len.saturating_sub(height);
        if self.follow {
            return bottom;
        }
        self.anchor
            .and_then(|seq| self.view.index_of(&self.buf, seq))
            .unwrap_or(0)
            .min(bottom)
    }

    fn request(&self, w: &Wanted, fresh_instance: bool) -> LogRequest {
        let after = if fresh_instance {
            None
        } else {
            self.streams
                .get(&(w.ns.clone(), w.pod.clone(), w.container.clone()))
                .and_then(|s| s.last_ts)
        };
        LogRequest {
            since_time: after,
            namespace: w.ns.clone(),
            pod: w.pod.clone(),
            container: w.container.clone(),
            follow: !self.previous,
            // A new instance after a restart is read whole: every line of it is new.
            tail: if fresh_instance { None } else { self.tail },
            since_seconds: if fresh_instance { None } else { self.since },
            previous: self.previous,
        }
    }

    fn open(&mut self, key: StreamKey, w: &Wanted, fresh_instance: bool) {
        let req = self.request(w, fresh_instance);
        if let Some(s) = self.streams.get_mut(&key) {
            if let Some(old) = s.id.take() {
                self.cancels.push(old);
                self.by_id.remove(&old);
            }
            if w.restarts != s.instance {
                s.reopens = 0;
            }
            s.state = StreamState::Connecting;
            s.instance = w.restarts;
            s.done = false;
        }
        self.requests.push((key, req));
    }

    fn sync(&mut self, cache: &Cache) {
        let want = wanted(&self.target, cache);
        let mut present = std::collections::BTreeSet::new();
        for w in &want {
            let key = (w.ns.clone(), w.pod.clone(), w.container.clone());
            present.insert(key.clone());
            if !self.streams.contains_key(&key) {
                let source = self.buf.source(Source {
                    namespace: w.ns.clone(),
                    pod: w.pod.clone(),
                    container: w.container.clone(),
                });
                self.streams.insert(
                    key.clone(),
                    Stream {
                        source,
                        state: StreamState::Waiting("not started".into()),
                        id: None,
                        instance: w.restarts,
                        done: false,
                        gone: false,
                        lines: 0,
                        last_ts: None,
                        reopens: 0,
                        ended_at: None,
                    },
                );
                self.order.push(key.clone());
            }
            let s = self
                .streams
                .get(&key)
                .cloned()
                .unwrap_or_else(|| unreachable!());
            if !w.ran {
                if s.id.is_none()
                    && let RunState::Waiting(r) = &w.state
                {
                    self.set_state(&key, StreamState::Waiting(r.clone()));
                }
                continue;
            }
            if w.restarts > s.instance && !self.previous {
                // The container restarted: say so, then follow the new instance.
                let text = format!(
                    "── {} restarted (restart {}): the new instance follows ──",
                    w.container, w.restarts
                );
                self.buf.push_marker(s.source, &text);
                self.open(key, w, true);
            } else if s.id.is_none() && !s.done {
                self.open(key, w, false);
            } else if s.done
                && !self.previous
                && w.state == RunState::Running
                && w.restarts == s.instance
                && matches!(s.state, StreamState::Ended(_))
            {
                if s.ended_at.is_some_and(|e| {
                    self.now.duration_since(e).as_secs_f64() < reopen_delay(s.reopens)
                }) {
                    // Look again on the next turn (the app ticks every second).
                    self.recheck = true;
                    continue;
                }
                // Ended while still running: not the container's end. Carry on after the last line.
                if let Some(st) = self.streams.get_mut(&key) {
                    st.reopens += 1;
                }
                self.open(key, w, false);
            } else if s.done
                && let (StreamState::Ended(_), RunState::Terminated(t)) = (&s.state, &w.state)
            {
                // The exit became known after the log ended.
                let t = t.clone();
                self.set_state(&key, StreamState::Ended(t));
            }
        }
        let vanished: Vec<StreamKey> = self
            .streams
            .iter()
            .filter(|(k, s)| !present.contains(*k) && !s.gone)
            .map(|(k, _)| k.clone())
            .collect();
        for key in vanished {
            let pod_gone = !cache.pods.contains_key(&(key.0.clone(), key.1.clone()));
            let Some(s) = self.streams.get_mut(&key) else {
                continue;
            };
            s.gone = true;
            if let Some(id) = s.id.take() {
                self.cancels.push(id);
                self.by_id.remove(&id);
            }
            let why = if pod_gone {
                "pod deleted"
            } else {
                "no longer selected"
            };
            s.state = StreamState::Ended(why.into());
            let text = format!("── {}/{}: {why} ──", key.1, key.2);
            let source = s.source;
            self.buf.push_marker(source, &text);
        }
    }

    fn set_state(&mut self, key: &StreamKey, state: StreamState) {
        if let Some(s) = self.streams.get_mut(key) {
            s.state = state;
        }
    }

    /// Start over with new stream options (tail, since, previous): the buffer is cleared and
    /// every stream reopened.
    fn restart_streams(&mut self) {
        self.cancels
            .extend(std::mem::take(&mut self.by_id).into_keys());
        // Requests not yet started are for the old options too.
        self.requests.clear();
        // Fresh streams: each container starts again from its current instance.
        self.streams.clear();
        self.order.clear();
        self.buf.clear();
        self.anchor = None;
        self.seen_pods = None;
    }

    fn apply_query(&mut self) {
        let q = if self.filter.text.is_empty() {
            None
        } else {
            let presets = self.filter.logs.clone().unwrap_or_default();
            Query::parse_with(&self.filter.text, &presets).ok()
        };
        self.view.set_query(q, self.mode);
        self.anchor = None;
        self.cursor = None;
    }

    /// The row of the selected line: the cursor's while paused, else the newest.
    pub fn cursor_row(&self) -> Option<usize> {
        let len = self.view.len(&self.buf);
        if len == 0 {
            return None;
        }
        let at = if self.follow {
            None
        } else {
            self.cursor
                .and_then(|seq| self.view.index_of(&self.buf, seq))
        };
        Some(at.unwrap_or(len - 1).min(len - 1))
    }

    /// Cursor keys move the selected line; the view follows it. Reaching the newest line
    /// (or `bottom`) follows again.
    fn scroll(&mut self, action: Action) {
        let Some(cur) = self.cursor_row() else {
            return;
        };
        let last = self.view.len(&self.buf) - 1;
        let page = self.page.max(1);
        let to = match action {
            Action::Up => cur.saturating_sub(1),
            Action::Down => cur + 1,
            Action::PageUp => cur.saturating_sub(page),
            Action::PageDown => cur + page,
            Action::Top => 0,
            _ => last,
        };
        if to >= last {
            self.resume();
            return;
        }
        self.pause();
        self.select_row(to);
    }

    /// Select row `to` and scroll as little as keeps it on screen.
    fn select_row(&mut self, to: usize) {
        let page = self.page.max(1);
        self.cursor = self.view.row(&self.buf, to);
        let first = self.first_row(page);
        if to < first {
            self.anchor = self.cursor;
        } else if to >= first + page {
            self.anchor = self.view.row(&self.buf, to + 1 - page);
        }
    }

    fn pause(&mut self) {
        if self.follow {
            self.follow = false;
            self.paused_at = Some(self.buf.next_seq());
            let first = self.first_row_following();
            self.anchor = self.view.row(&self.buf, first);
            let len = self.view.len(&self.buf);
            self.cursor = len.checked_sub(1).and_then(|l| self.view.row(&self.buf, l));
        }
    }

    /// The selected line's text, as the pane shows it (sanitised), for the clipboard.
    fn copy(&mut self) -> Reply {
        let line = self
            .cursor_row()
            .and_then(|r| self.view.row(&self.buf, r))
            .and_then(|seq| self.buf.get(seq));
        let Some(line) = line else {
            return Reply::Message("no line to copy".into());
        };
        let text = line.text.text.clone();
        let n = text.chars().count();
        self.copies.push(text);
        Reply::Message(format!(
            "copied the selected line ({n} characters) to the clipboard (OSC 52)"
        ))
    }

    fn first_row_following(&self) -> usize {
        self.view.len(&self.buf).saturating_sub(self.page.max(1))
    }

    fn resume(&mut self) {
        self.follow = true;
        self.paused_at = None;
        self.anchor = None;
        self.cursor = None;
    }

    fn jump_match(&mut self, forward: bool) -> Reply {
        let len = self.view.len(&self.buf);
        if len == 0 {
            return Reply::Done;
        }
        let here = self
            .cursor_row()
            .and_then(|r| self.view.row(&self.buf, r))
            .unwrap_or(0);
        let found = if forward {
            self.view.next_match(here)
        } else {
            self.view.prev_match(here)
        };
        match found {
            Some(seq) => {
                self.pause();
                self.cursor = Some(seq);
                self.anchor = Some(seq);
                Reply::Done
            }
            None => Reply::Message("no more matches".into()),
        }
    }

    /// The rows shown (filtered, if a filter is on), one line each with its source, as text
    /// safe to `cat`: what the pane shows, sanitised.
    fn save_contents(&self, now: Timestamp) -> (String, Vec<u8>, usize) {
        let label: String = self
            .target
            .label()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = format!("kdoc-logs-{label}-{}.log", now.strftime("%Y%m%dT%H%M%SZ"));
        let mut out = Vec::new();
        let mut n = 0;
        for i in 0..self.view.len(&self.buf) {
            let Some(line) = self.view.row(&self.buf, i).and_then(|s| self.buf.get(s)) else {
                continue;
            };
            if let Some(s) = self.buf.sources().get(line.source as usize) {
                out.extend_from_slice(
                    crate::core::text::sanitize(&format!("{}/{} ", s.pod, s.container)).as_bytes(),
                );
            }
            if let Some(ts) = line.ts {
                out.extend_from_slice(format!("{ts} ").as_bytes());
            }
            out.extend_from_slice(line.text.text.as_bytes());
            out.push(b'\n');
            n += 1;
        }
        (path, out, n)
    }

    fn preset(&mut self, i: usize) -> Reply {
        let Some(name) = KEYED_PRESETS.get(i) else {
            return Reply::Done;
        };
        let text = format!("@{name}");
        if self.filter.text == text {
            self.filter.clear();
            return Reply::Message(format!("filter preset @{name} off"));
        }
        if let Err(e) = self.filter.set(&text) {
            return Reply::Message(e);
        }
        let about = self
            .filter
            .logs
            .as_ref()
            .and_then(|p| p.get(name).map(|p| p.about.clone()))
            .unwrap_or_default();
        Reply::Message(format!("filter preset @{name}: {about}"))
    }
}

impl Pane for LogsPane {
    fn name(&self) -> &'static str {
        "logs"
    }

    fn title(&self) -> String {
        "Logs".into()
    }

    fn refresh(&mut self, cache: &Cache, now: Timestamp) {
        self.now = now;
        // Pods elsewhere change all the time in a big cluster: only a change in the target's
        // namespace (or a full relist) can change which containers to follow.
        let ns = self.target.namespace();
        let relevant = match self.seen_pods {
            Some(seen) if seen == cache.revs.pods => false,
            Some(seen) => cache
                .pod_changes_since(seen)
                .is_none_or(|keys| keys.iter().any(|k| k.0 == ns)),
            None => true,
        };
        if relevant || std::mem::take(&mut self.recheck) {
            self.sync(cache);
        }
        self.seen_pods = Some(cache.revs.pods);
        if self.seen_filter != self.filter.rev {
            self.seen_filter = self.filter.rev;
            self.apply_query();
        }
        self.view.catch_up(&self.buf, SCAN_BUDGET);
    }

    fn handle(&mut self, action: Action, cx: &Cx) -> Reply {
        self.page = cx.page;
        match action {
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => self.scroll(action),
            Action::LogPause => {
                if self.follow {
                    self.pause();
                } else {
                    self.resume();
                }
            }
            Action::LogTimestamps => self.timestamps = !self.timestamps,
            Action::LogWrap => self.wrap = !self.wrap,
            Action::LogPrefix => self.prefix = !self.prefix,
            Action::LogJson => {
                self.json = match self.json {
                    JsonView::Off => JsonView::Pretty,
                    JsonView::Pretty => JsonView::Summary,
                    JsonView::Summary => JsonView::Off,
                };
                return Reply::Message(
                    match self.json {
                        JsonView::Off => "JSON lines as they are",
                        JsonView::Pretty => "JSON lines pretty-printed",
                        JsonView::Summary => "JSON lines as time level msg key=value",
                    }
                    .into(),
                );
            }
            Action::LogFindMode => {
                self.mode = match self.mode {
                    Mode::Filter => Mode::Find,
                    Mode::Find => Mode::Filter,
                };
                self.apply_query();
                return Reply::Message(match self.mode {
                    Mode::Filter => "filter mode: only matching lines".into(),
                    Mode::Find => "find mode: every line, matches marked; n/N jump".into(),
                });
            }
            Action::LogNextMatch => return self.jump_match(true),
            Action::LogPrevMatch => return self.jump_match(false),
            Action::LogPresetErrors => return self.preset(0),
            Action::LogPresetPush => return self.preset(1),
            Action::LogPresetMlflow => return self.preset(2),
            Action::LogPrevious => {
                self.previous = !self.previous;
                self.restart_streams();
                return Reply::Message(if self.previous {
                    "previous instances' logs (kubectl logs --previous)".into()
                } else {
                    "current instances' logs".into()
                });
            }
            Action::LogTail => {
                let i = TAILS.iter().position(|t| *t == self.tail).unwrap_or(0);
                self.tail = TAILS[(i + 1) % TAILS.len()];
                self.since = None;
                self.restart_streams();
                return Reply::Message(match self.tail {
                    Some(n) => format!("last {n} lines of each container"),
                    None => "every line of each container".into(),
                });
            }
            Action::LogSince1m | Action::LogSince5m | Action::LogSince15m | Action::LogSince1h => {
                let i = match action {
                    Action::LogSince1m => 0,
                    Action::LogSince5m => 1,
                    Action::LogSince15m => 2,
                    _ => 3,
                };
                self.since = if self.since == Some(SINCES[i]) {
                    None
                } else {
                    Some(SINCES[i])
                };
                self.restart_streams();
                return Reply::Message(match self.since {
                    Some(s) => format!("lines of the last {}m", s / 60),
                    None => format!("since: off (tail {})", tail_text(self.tail)),
                });
            }
            Action::LogSave => {
                let (path, contents, n) = self.save_contents(cx.now);
                self.saves.push((path.clone(), contents));
                return Reply::Message(format!("saving {n} lines to {path}"));
            }
            Action::LogCopy => return self.copy(),
            Action::LogClear => {
                self.buf.clear();
                self.anchor = None;
                self.cursor = None;
                self.paused_at = self.paused_at.map(|_| self.buf.next_seq());
            }
            _ => return Reply::Ignored,
        }
        Reply::Done
    }

    fn actions(&self) -> &'static [Action] {
        &[
            Action::Filter,
            Action::LogPresetErrors,
            Action::LogPause,
            Action::LogFindMode,
            Action::LogNextMatch,
            Action::LogPrevMatch,
            Action::LogTimestamps,
            Action::LogWrap,
            Action::LogPrefix,
            Action::LogJson,
            Action::LogTail,
            Action::LogSince1m,
            Action::LogSince5m,
            Action::LogSince15m,
            Action::LogSince1h,
            Action::LogPrevious,
            Action::LogPresetPush,
            Action::LogPresetMlflow,
            Action::LogClear,
            Action::LogSave,
            Action::LogCopy,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::Back,
        ]
    }

    crate::filtered_pane!();

    fn take_effects(&mut self, next_id: &mut EffectId) -> Vec<Effect> {
        let mut out = cancels(self.cancels.drain(..));
        for text in self.copies.drain(..) {
            out.push(Effect::next(next_id, EffectKind::Copy(text)));
        }
        for (path, contents) in self.saves.drain(..) {
            out.push(Effect::next(
                next_id,
                EffectKind::WriteFile { path, contents },
            ));
        }
        for (key, req) in std::mem::take(&mut self.requests) {
            let e = Effect::next(next_id, EffectKind::Logs(req));
            if let Some(s) = self.streams.get_mut(&key) {
                s.id = Some(e.id);
            }
            self.by_id.insert(e.id, key);
            out.push(e);
        }
        out
    }

    fn on_log(&mut self, id: EffectId, event: &LogEvent) -> bool {
        let Some(key) = self.by_id.get(&id).cloned() else {
            return false;
        };
        let Some(s) = self.streams.get_mut(&key) else {
            return true;
        };
        match event {
            LogEvent::Opened => s.state = StreamState::Streaming,
            LogEvent::Lines(lines) => {
                s.state = StreamState::Streaming;
                s.lines += lines.len() as u64;
                let source = s.source;
                s.reopens = 0;
                if let Some(ts) = lines.iter().rev().find_map(|l| l.ts) {
                    s.last_ts = Some(ts);
                }
                for l in lines {
                    self.buf.push(source, l.ts, &l.bytes, true);
                }
            }
            LogEvent::Reconnecting { attempt, error } => {
                s.state = StreamState::Reconnecting {
                    attempt: *attempt,
                    error: error.clone(),
                }
            }
            LogEvent::Ended => {
                s.id = None;
                s.done = true;
                s.ended_at = Some(self.now);
                s.state = StreamState::Ended(if self.previous {
                    "previous instance".into()
                } else {
                    "log ended".into()
                });
                self.by_id.remove(&id);
                // Say why, if the pod already tells.
                self.seen_pods = None;
            }
            LogEvent::Failed(msg) => {
                s.id = None;
                s.done = true;
                s.state = StreamState::Failed(msg.clone());
                self.by_id.remove(&id);
            }
        }
        true
    }

    fn close(&mut self) -> Vec<EffectId> {
        self.requests.clear();
        let mut ids: Vec<EffectId> = self.by_id.keys().copied().collect();
        ids.append(&mut self.cancels);
        self.by_id.clear();
        ids
    }

    fn busy(&self) -> bool {
        self.view.scanning(&self.buf)
    }
}

pub fn tail_text(t: Option<i64>) -> String {
    t.map_or("all".into(), |n| n.to_string())
}
