//! The bounded ring of log lines from every stream of a logs pane, in arrival order.

use std::collections::{HashMap, VecDeque};

use super::sanitize::{Clean, clean};

/// Index into [`LogBuffer::sources`].
pub type SourceId = u32;

/// Where a line came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Source {
    pub namespace: String,
    pub pod: String,
    pub container: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Log,
    /// kdoc's own notes: container restarted, pod deleted, stream ended.
    Marker,
}

#[derive(Clone, Debug)]
pub struct LogLine {
    /// Arrival number: dense and increasing across the buffer's life.
    pub seq: u64,
    pub source: SourceId,
    pub kind: LineKind,
    pub ts: Option<jiff::Timestamp>,
    pub text: Clean,
}

/// Keeps the newest `cap` lines; older ones are evicted and counted.
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    cap: usize,
    /// Seq of `lines[0]` (or of the next line when empty).
    first_seq: u64,
    dropped: u64,
    sources: Vec<Source>,
    ids: HashMap<Source, SourceId>,
}

impl LogBuffer {
    pub const DEFAULT_CAP: usize = 200_000;

    /// A buffer keeping at most `cap` lines (at least 1).
    pub fn new(cap: usize) -> Self {
        LogBuffer {
            lines: VecDeque::new(),
            cap: cap.max(1),
            first_seq: 0,
            dropped: 0,
            sources: Vec::new(),
            ids: HashMap::new(),
        }
    }

    /// The id of `s`, the same one every time it is given.
    pub fn source(&mut self, s: Source) -> SourceId {
        if let Some(&id) = self.ids.get(&s) {
            return id;
        }
        // Four billion distinct containers in one pane cannot happen; saturate, never panic.
        let id = SourceId::try_from(self.sources.len()).unwrap_or(SourceId::MAX);
        self.sources.push(s.clone());
        self.ids.insert(s, id);
        id
    }

    /// Every source seen, indexed by [`SourceId`].
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Sanitise and append a line from a container; returns its seq.
    pub fn push(
        &mut self,
        source: SourceId,
        ts: Option<jiff::Timestamp>,
        bytes: &[u8],
        keep_sgr: bool,
    ) -> u64 {
        self.append(source, LineKind::Log, ts, clean(bytes, keep_sgr))
    }

    /// Append one of kdoc's own notes (sanitised too: it may quote a pod's name or reason).
    pub fn push_marker(&mut self, source: SourceId, text: &str) -> u64 {
        self.append(
            source,
            LineKind::Marker,
            None,
            clean(text.as_bytes(), false),
        )
    }

    fn append(
        &mut self,
        source: SourceId,
        kind: LineKind,
        ts: Option<jiff::Timestamp>,
        text: Clean,
    ) -> u64 {
        if self.lines.len() >= self.cap {
            self.lines.pop_front();
            self.first_seq += 1;
            self.dropped += 1;
        }
        let seq = self.next_seq();
        self.lines.push_back(LogLine {
            seq,
            source,
            kind,
            ts,
            text,
        });
        seq
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Lines evicted at the bound since the buffer was made (clearing is not dropping).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Seq of the oldest kept line; `next_seq()` when empty.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    pub fn next_seq(&self) -> u64 {
        self.first_seq + self.lines.len() as u64
    }

    pub fn get(&self, seq: u64) -> Option<&LogLine> {
        let i = usize::try_from(seq.checked_sub(self.first_seq)?).ok()?;
        self.lines.get(i)
    }

    /// Kept lines, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogLine> {
        self.lines.iter()
    }

    /// Forget the lines but not the sources; seqs keep increasing so views see them as gone.
    pub fn clear(&mut self) {
        self.first_seq = self.next_seq();
        self.lines.clear();
    }
}

impl Default for LogBuffer {
    fn default() -> Self {
        LogBuffer::new(LogBuffer::DEFAULT_CAP)
    }
}
