//! What a logs pane shows for a query, kept up to date incrementally: each event-loop turn
//! examines a bounded number of new lines, so re-filtering a full buffer never blocks input.

use std::collections::VecDeque;

use super::buffer::{LineKind, LogBuffer};
use super::query::{Mode, Query};

pub struct View {
    query: Option<Query>,
    mode: Mode,
    /// Every seq below this has been examined (or was gone before it could be).
    seen: u64,
    /// Filter mode with a query: the seqs shown, increasing. Unused otherwise (every line
    /// is a row, so nothing needs storing).
    rows: VecDeque<u64>,
    /// Seqs of matching lines, increasing.
    hits: VecDeque<u64>,
    /// Lines of after-context still owed to the last match.
    owed: usize,
}

impl Default for View {
    fn default() -> Self {
        View::new()
    }
}

impl View {
    /// No query: every line is a row.
    pub fn new() -> Self {
        View {
            query: None,
            mode: Mode::Filter,
            seen: 0,
            rows: VecDeque::new(),
            hits: VecDeque::new(),
            owed: 0,
        }
    }

    /// Replace the query; the rescan of the buffer happens in [`View::catch_up`].
    pub fn set_query(&mut self, q: Option<Query>, mode: Mode) {
        self.query = q;
        self.mode = mode;
        self.seen = 0;
        self.rows = VecDeque::new();
        self.hits = VecDeque::new();
        self.owed = 0;
    }

    pub fn query(&self) -> Option<&Query> {
        self.query.as_ref()
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Rows are stored (rather than being every line) only when filtering.
    fn filtering(&self) -> bool {
        self.query.is_some() && self.mode == Mode::Filter
    }

    /// Examine up to `budget` lines not yet seen (oldest first) and forget rows of evicted
    /// lines. True when caught up with `buf.next_seq()`.
    pub fn catch_up(&mut self, buf: &LogBuffer, budget: usize) -> bool {
        let first = buf.first_seq();
        while self.rows.front().is_some_and(|&s| s < first) {
            self.rows.pop_front();
        }
        while self.hits.front().is_some_and(|&s| s < first) {
            self.hits.pop_front();
        }
        self.seen = self.seen.max(first);
        let end = buf.next_seq();
        let Some(q) = self.query.take() else {
            self.seen = end;
            return true;
        };
        let stop = end.min(self.seen.saturating_add(budget as u64));
        let filtering = self.mode == Mode::Filter;
        for seq in self.seen..stop {
            let Some(line) = buf.get(seq) else { continue };
            let marker = line.kind == LineKind::Marker;
            let hit = !marker && q.matches(&line.text.text);
            if hit {
                self.hits.push_back(seq);
            }
            if !filtering {
                continue;
            }
            if hit {
                // Before-context: lines not already shown, still kept, at most `before` back.
                let mut from = seq.saturating_sub(q.before as u64).max(first);
                if let Some(&last) = self.rows.back() {
                    from = from.max(last + 1);
                }
                self.rows.extend(from..=seq);
                self.owed = q.after;
            } else if self.owed > 0 {
                // Context counts lines, markers included, like grep counts lines.
                self.rows.push_back(seq);
                self.owed -= 1;
            } else if marker {
                // Markers say a stream restarted or ended: always shown.
                self.rows.push_back(seq);
            }
        }
        self.seen = stop;
        self.query = Some(q);
        stop == end
    }

    /// Lines remain to examine.
    pub fn scanning(&self, buf: &LogBuffer) -> bool {
        self.query.is_some() && self.seen.max(buf.first_seq()) < buf.next_seq()
    }

    /// Stored rows whose lines were evicted since the last `catch_up` (drawing must not
    /// mutate, so they are skipped here rather than popped).
    fn stale(&self, buf: &LogBuffer) -> usize {
        let first = buf.first_seq();
        if self.rows.front().is_some_and(|&s| s < first) {
            self.rows.partition_point(|&s| s < first)
        } else {
            0
        }
    }

    /// Rows shown: matches, context and markers when filtering; otherwise every kept line.
    pub fn len(&self, buf: &LogBuffer) -> usize {
        if self.filtering() {
            self.rows.len() - self.stale(buf)
        } else {
            buf.len()
        }
    }

    /// Seq of row `i` (0 = oldest shown).
    pub fn row(&self, buf: &LogBuffer, i: usize) -> Option<u64> {
        if self.filtering() {
            self.rows.get(self.stale(buf).checked_add(i)?).copied()
        } else if i < buf.len() {
            Some(buf.first_seq() + i as u64)
        } else {
            None
        }
    }

    /// Row of `seq`, or of the first row after it; None when no row is at or after it.
    pub fn index_of(&self, buf: &LogBuffer, seq: u64) -> Option<usize> {
        if self.filtering() {
            let skip = self.stale(buf);
            let at = self.rows.partition_point(|&s| s < seq).max(skip);
            (at < self.rows.len()).then(|| at - skip)
        } else if seq < buf.next_seq() {
            Some(seq.saturating_sub(buf.first_seq()) as usize)
        } else {
            None
        }
    }

    /// Matching lines among those examined and still kept (as of the last `catch_up`).
    pub fn matches(&self) -> usize {
        self.hits.len()
    }

    /// The first match after `after_seq`.
    pub fn next_match(&self, after_seq: u64) -> Option<u64> {
        let i = self.hits.partition_point(|&s| s <= after_seq);
        self.hits.get(i).copied()
    }

    /// The last match before `before_seq`.
    pub fn prev_match(&self, before_seq: u64) -> Option<u64> {
        let i = self.hits.partition_point(|&s| s < before_seq);
        i.checked_sub(1).and_then(|i| self.hits.get(i).copied())
    }

    /// For drawing context lines differently from matches.
    pub fn is_match(&self, seq: u64) -> bool {
        self.hits.binary_search(&seq).is_ok()
    }
}
