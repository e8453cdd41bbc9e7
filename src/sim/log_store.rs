//! Container logs as a kubelet keeps them: per container a current and a previous run, each a
//! sequence of byte lines (split on `\n` only, never decoded) with strictly increasing
//! timestamps. Lines live in shared segments, one buffer plus line ends and times, so a loaded
//! 1,000,000-line file costs its bytes and 16 bytes a line, and a reader's snapshot is a list of
//! `Arc`s. Runs fed by a scenario are bounded (the kubelet rotates too); loaded files are whole.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use jiff::Timestamp;
use tokio::sync::broadcast;

/// Lines kept per container run unless a scenario says otherwise (the kubelet rotates too).
pub const DEFAULT_CAP: usize = 100_000;

/// Lines written together. `buf` holds each line followed by `\n`; line `i` is
/// `buf[ends[i - 1]..ends[i]]` (`ends[-1]` being 0), its newline included.
#[derive(Debug)]
pub struct Segment {
    buf: Bytes,
    ends: Vec<usize>,
    /// Nanoseconds since the Unix epoch, strictly increasing.
    times: Vec<i64>,
}

fn nanos(t: Timestamp) -> i64 {
    t.as_nanosecond().clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

impl Segment {
    /// Lines given one by one; a line holding `\n` is several lines, as it would be on disk.
    fn from_lines<L: AsRef<[u8]>>(lines: impl IntoIterator<Item = (Timestamp, L)>) -> Segment {
        let mut buf = Vec::new();
        let mut ends = Vec::new();
        let mut times = Vec::new();
        for (t, line) in lines {
            for piece in line.as_ref().split(|b| *b == b'\n') {
                buf.extend_from_slice(piece);
                buf.push(b'\n');
                ends.push(buf.len());
                times.push(nanos(t));
            }
        }
        Segment {
            buf: buf.into(),
            ends,
            times,
        }
    }

    /// A whole file, kept as read. A last line without its `\n` gets one (as the kubelet ends a
    /// full line); `data` should have room for that byte, or it is copied once. Lines are
    /// stamped a nanosecond apart, the last at `end`, unless the file is the kubelet's own
    /// (CRI format), whose lines keep their times.
    pub fn from_file(mut data: Vec<u8>, end: Timestamp) -> Segment {
        if let Some(seg) = Segment::from_cri(&data) {
            return seg;
        }
        if data.last().is_some_and(|b| *b != b'\n') {
            data.push(b'\n');
        }
        let n = memchr::memchr_iter(b'\n', &data).count();
        let mut ends = Vec::with_capacity(n);
        ends.extend(memchr::memchr_iter(b'\n', &data).map(|i| i + 1));
        let end = nanos(end);
        let times = (0..n as i64)
            .map(|i| end.saturating_sub(n as i64 - 1 - i))
            .collect();
        Segment {
            buf: data.into(),
            ends,
            times,
        }
    }

    /// A kubelet's own file (`/var/log/pods/...`, CRI format: `<RFC3339Nano> <stdout|stderr>
    /// <F|P> <text>` a line, `P` fragments joined up to the next `F`): the text, each line at
    /// the time of its first fragment, as the kubelet serves it. None unless every line is so.
    fn from_cri(data: &[u8]) -> Option<Segment> {
        let records = data.strip_suffix(b"\n").unwrap_or(data);
        let first = records.split(|b| *b == b'\n').next()?;
        cri_record(first)?;
        let mut buf = Vec::with_capacity(data.len());
        let mut ends = Vec::new();
        let mut times = Vec::new();
        let mut started: Option<i64> = None;
        for record in records.split(|b| *b == b'\n') {
            let (time, full, text) = cri_record(record)?;
            buf.extend_from_slice(text);
            let first = *started.get_or_insert(time);
            if full {
                buf.push(b'\n');
                ends.push(buf.len());
                times.push(first);
                started = None;
            }
        }
        if let Some(first) = started {
            buf.push(b'\n');
            ends.push(buf.len());
            times.push(first);
        }
        Some(Segment {
            buf: buf.into(),
            ends,
            times,
        })
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.ends[i - 1] }
    }

    /// Line `i` with its newline.
    pub fn line(&self, i: usize) -> &[u8] {
        &self.buf[self.start(i)..self.ends[i]]
    }

    pub fn time(&self, i: usize) -> Timestamp {
        Timestamp::from_nanosecond(self.times[i] as i128).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// Lines `from..to` with their newlines, sharing this segment's buffer (no copy).
    pub fn bytes(&self, from: usize, to: usize) -> Bytes {
        if from >= to {
            return Bytes::new();
        }
        self.buf.slice(self.start(from)..self.ends[to - 1])
    }

    /// The first line at or after `from` written at or after `t`.
    pub fn first_since(&self, from: usize, t: Timestamp) -> usize {
        let t = nanos(t);
        from + self.times[from..].partition_point(|x| *x < t)
    }

    /// Make times strictly increasing after `last` (a kubelet stamps every line on its own).
    fn stamp_after(&mut self, last: &mut Option<i64>) {
        for t in &mut self.times {
            if let Some(l) = *last
                && *t <= l
            {
                *t = l.saturating_add(1);
            }
            *last = Some(*t);
        }
    }
}

/// One CRI log record: its time, whether it ends a line (`F`, not `P`), and its text.
fn cri_record(record: &[u8]) -> Option<(i64, bool, &[u8])> {
    let mut fields = record.splitn(4, |b| *b == b' ');
    let time = std::str::from_utf8(fields.next()?).ok()?;
    let time = nanos(time.parse::<Timestamp>().ok()?);
    if !matches!(fields.next()?, b"stdout" | b"stderr") {
        return None;
    }
    let full = match fields.next()?.split(|b| *b == b':').next()? {
        b"F" => true,
        b"P" => false,
        _ => return None,
    };
    Some((time, full, fields.next().unwrap_or_default()))
}

/// Lines `from..to` of a segment.
#[derive(Debug, Clone)]
pub struct Part {
    pub seg: Arc<Segment>,
    pub from: usize,
    pub to: usize,
}

impl Part {
    pub fn whole(seg: Arc<Segment>) -> Part {
        let to = seg.len();
        Part { seg, from: 0, to }
    }

    pub fn len(&self) -> usize {
        self.to - self.from
    }

    pub fn is_empty(&self) -> bool {
        self.from >= self.to
    }

    pub fn bytes(&self) -> Bytes {
        self.seg.bytes(self.from, self.to)
    }
}

/// What a reader gets of a run: lines written at or after `since`, then the last `tail` of them.
pub fn select(mut parts: Vec<Part>, since: Option<Timestamp>, tail: Option<usize>) -> Vec<Part> {
    if let Some(t) = since {
        for p in &mut parts {
            p.from = p.seg.first_since(p.from, t).min(p.to);
        }
        parts.retain(|p| !p.is_empty());
    }
    if let Some(mut left) = tail {
        let mut keep = parts.len();
        while keep > 0 && left > 0 {
            let p = &mut parts[keep - 1];
            if p.len() > left {
                p.from = p.to - left;
            }
            left -= p.len();
            keep -= 1;
        }
        if left == 0 {
            parts.drain(..keep);
        }
    }
    parts
}

/// One container run.
#[derive(Default)]
struct Run {
    parts: VecDeque<(Part, Kept)>,
    /// Lines that rotation may drop (written by the scenario, not loaded).
    rotating: usize,
    lines: usize,
    last: Option<i64>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kept {
    /// A loaded file: served whole.
    Whole,
    /// Written live: the oldest lines go first once the run holds more than its cap.
    Rotating,
}

impl Run {
    fn push(&mut self, mut seg: Segment, kept: Kept, cap: usize) -> Arc<Segment> {
        seg.stamp_after(&mut self.last);
        let seg = Arc::new(seg);
        if seg.is_empty() {
            return seg;
        }
        let n = seg.len();
        self.lines += n;
        if kept == Kept::Rotating {
            self.rotating += n;
        }
        self.parts.push_back((Part::whole(seg.clone()), kept));
        self.rotate(cap);
        seg
    }

    fn rotate(&mut self, cap: usize) {
        while self.rotating > cap {
            let Some(i) = self.parts.iter().position(|(_, k)| *k == Kept::Rotating) else {
                return;
            };
            let part = &mut self.parts[i].0;
            let drop = (self.rotating - cap).min(part.len());
            part.from += drop;
            self.rotating -= drop;
            self.lines -= drop;
            if part.is_empty() {
                self.parts.remove(i);
            }
        }
    }

    fn snapshot(&self) -> Vec<Part> {
        self.parts.iter().map(|(p, _)| p.clone()).collect()
    }
}

#[derive(Debug, Clone)]
pub enum LogMsg {
    /// Lines appended to the run being followed.
    Lines(Arc<Segment>),
    /// The run being followed ended (restart or termination).
    End,
}

struct ContainerLog {
    current: Run,
    previous: Run,
    cap: usize,
    tx: broadcast::Sender<LogMsg>,
}

impl ContainerLog {
    fn new(cap: usize) -> Self {
        ContainerLog {
            current: Run::default(),
            previous: Run::default(),
            cap,
            tx: broadcast::channel(8192).0,
        }
    }
}

type Key = (String, String, String);

fn key(ns: &str, pod: &str, c: &str) -> Key {
    (ns.to_string(), pod.to_string(), c.to_string())
}

#[derive(Default)]
pub struct LogStore {
    inner: Mutex<HashMap<Key, ContainerLog>>,
}

/// A container's log, created on first use.
fn log_of<'a>(
    inner: &'a mut HashMap<Key, ContainerLog>,
    ns: &str,
    pod: &str,
    c: &str,
) -> &'a mut ContainerLog {
    inner
        .entry(key(ns, pod, c))
        .or_insert_with(|| ContainerLog::new(DEFAULT_CAP))
}

impl LogStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<Key, ContainerLog>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Bound a container's lines written live to `cap` (oldest dropped first); loaded files
    /// stay whole.
    pub fn set_cap(&self, ns: &str, pod: &str, c: &str, cap: usize) {
        let mut inner = self.lock();
        let log = log_of(&mut inner, ns, pod, c);
        log.cap = cap.max(1);
        log.current.rotate(log.cap);
    }

    /// Lines the container writes now. Each gets its own time, strictly after the run's last.
    pub fn append<L: AsRef<[u8]>>(
        &self,
        ns: &str,
        pod: &str,
        c: &str,
        lines: impl IntoIterator<Item = (Timestamp, L)>,
    ) {
        let seg = Segment::from_lines(lines);
        if seg.is_empty() {
            return;
        }
        let mut inner = self.lock();
        let log = log_of(&mut inner, ns, pod, c);
        let seg = log.current.push(seg, Kept::Rotating, log.cap);
        let _ = log.tx.send(LogMsg::Lines(seg));
    }

    /// The container's previous run held these lines.
    pub fn set_previous<L: AsRef<[u8]>>(
        &self,
        ns: &str,
        pod: &str,
        c: &str,
        lines: impl IntoIterator<Item = (Timestamp, L)>,
    ) {
        let seg = Segment::from_lines(lines);
        let mut inner = self.lock();
        let log = log_of(&mut inner, ns, pod, c);
        log.previous = Run::default();
        log.previous.push(seg, Kept::Whole, usize::MAX);
    }

    /// A log file read from disk, kept whole, byte for byte: appended to the current run, or
    /// as the previous run. Lines without times of their own end at `end`.
    pub fn load(
        &self,
        ns: &str,
        pod: &str,
        c: &str,
        previous: bool,
        data: Vec<u8>,
        end: Timestamp,
    ) {
        let seg = Segment::from_file(data, end);
        let mut inner = self.lock();
        let log = log_of(&mut inner, ns, pod, c);
        if previous {
            log.previous = Run::default();
            log.previous.push(seg, Kept::Whole, usize::MAX);
        } else {
            let seg = log.current.push(seg, Kept::Whole, log.cap);
            let _ = log.tx.send(LogMsg::Lines(seg));
        }
    }

    /// The container restarted: its current run becomes the previous one; followers stop.
    pub fn restart(&self, ns: &str, pod: &str, c: &str) {
        let mut inner = self.lock();
        let log = log_of(&mut inner, ns, pod, c);
        log.previous = std::mem::take(&mut log.current);
        let _ = log.tx.send(LogMsg::End);
    }

    /// The container stopped: followers of its current run reach the end.
    pub fn end(&self, ns: &str, pod: &str, c: &str) {
        if let Some(log) = self.lock().get(&key(ns, pod, c)) {
            let _ = log.tx.send(LogMsg::End);
        }
    }

    /// Lines held for the container's current run.
    pub fn len(&self, ns: &str, pod: &str, c: &str) -> usize {
        self.lock()
            .get(&key(ns, pod, c))
            .map_or(0, |l| l.current.lines)
    }

    /// A run's lines now and, when following the current run, what it writes from here on.
    pub fn snapshot(
        &self,
        ns: &str,
        pod: &str,
        c: &str,
        previous: bool,
        follow: bool,
    ) -> (Vec<Part>, Option<broadcast::Receiver<LogMsg>>) {
        let inner = self.lock();
        let Some(log) = inner.get(&key(ns, pod, c)) else {
            return (vec![], None);
        };
        if previous {
            return (log.previous.snapshot(), None);
        }
        (log.current.snapshot(), follow.then(|| log.tx.subscribe()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(parts: &[Part]) -> Vec<u8> {
        parts.iter().flat_map(|p| p.bytes().to_vec()).collect()
    }

    fn times(parts: &[Part]) -> Vec<Timestamp> {
        parts
            .iter()
            .flat_map(|p| (p.from..p.to).map(|i| p.seg.time(i)))
            .collect()
    }

    fn current(store: &LogStore) -> Vec<Part> {
        store.snapshot("ns", "pod", "c", false, false).0
    }

    #[test]
    fn loaded_bytes_come_back_exactly() {
        let mut data =
            b"plain\n\xff\xfe not utf-8\nnul\0byte\n\x1b[31mred\x1b[0m\ncrlf\r\n\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 10 << 20));
        data.extend_from_slice(b"\nno newline at the end");
        let store = LogStore::default();
        store.load("ns", "pod", "c", false, data.clone(), Timestamp::now());
        let mut want = data;
        want.push(b'\n');
        assert_eq!(text(&current(&store)), want);
        assert_eq!(store.len("ns", "pod", "c"), 8);
        let tail = select(current(&store), None, Some(2));
        assert_eq!(tail.iter().map(Part::len).sum::<usize>(), 2);
        assert!(text(&tail).ends_with(b"x\nno newline at the end\n"));
    }

    #[test]
    fn loaded_logs_are_not_rotated_but_live_lines_are() {
        let store = LogStore::default();
        store.set_cap("ns", "pod", "c", 10);
        let data: Vec<u8> = (0..1000)
            .flat_map(|i| format!("loaded {i}\n").into_bytes())
            .collect();
        store.load("ns", "pod", "c", false, data, Timestamp::now());
        assert_eq!(store.len("ns", "pod", "c"), 1000);
        let now = Timestamp::now();
        store.append(
            "ns",
            "pod",
            "c",
            (0..25).map(|i| (now, format!("live {i}"))),
        );
        store.append("ns", "pod", "c", [(now, "live 25")]);
        assert_eq!(store.len("ns", "pod", "c"), 1010);
        let all = String::from_utf8(text(&current(&store))).unwrap();
        let lines: Vec<&str> = all.lines().collect();
        assert_eq!(lines[999], "loaded 999");
        assert_eq!(lines[1000], "live 16");
        assert_eq!(lines[1009], "live 25");
    }

    #[test]
    fn every_line_has_its_own_increasing_time() {
        let store = LogStore::default();
        let now = Timestamp::now();
        store.append("ns", "pod", "c", (0..100).map(|i| (now, format!("a {i}"))));
        // A clock that went backwards still gives later lines later times.
        let earlier = now - jiff::SignedDuration::from_secs(5);
        store.append("ns", "pod", "c", [(earlier, "b\nc")]);
        let t = times(&current(&store));
        assert_eq!(t.len(), 102);
        assert!(t.windows(2).all(|w| w[0] < w[1]), "{t:?}");
        assert_eq!(t[0], now);
    }

    #[test]
    fn loaded_lines_end_at_the_load_time() {
        let store = LogStore::default();
        let end = Timestamp::now();
        store.load("ns", "pod", "c", true, b"a\nb\nc\n".to_vec(), end);
        let prev = store.snapshot("ns", "pod", "c", true, false).0;
        let t = times(&prev);
        assert_eq!(t.len(), 3);
        assert!(t.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(t[2], end);
        assert_eq!(text(&prev), b"a\nb\nc\n");
    }

    #[test]
    fn kubelet_cri_files_keep_their_times_and_join_partial_lines() {
        let file = b"2025-06-11T09:14:38.000000001Z stdout F first\n\
2025-06-11T09:14:38.5Z stderr P sec\n\
2025-06-11T09:14:38.6Z stderr F ond \xff\n\
2025-06-11T09:14:38.6Z stdout F \n\
2025-06-11T09:14:38.6Z stdout F same time";
        let store = LogStore::default();
        store.load("ns", "pod", "c", false, file.to_vec(), Timestamp::now());
        let parts = current(&store);
        assert_eq!(text(&parts), b"first\nsecond \xff\n\nsame time\n");
        let t: Vec<String> = times(&parts).iter().map(|t| t.to_string()).collect();
        assert_eq!(
            t,
            [
                "2025-06-11T09:14:38.000000001Z",
                "2025-06-11T09:14:38.5Z",
                "2025-06-11T09:14:38.6Z",
                // Two records at one moment: the later line is still later.
                "2025-06-11T09:14:38.600000001Z",
            ]
        );
        // One line not in that format: the file is plain text, served as it is.
        let mixed = [&file[..], b"\nnot cri\n"].concat();
        store.load("ns", "pod", "d", false, mixed.clone(), Timestamp::now());
        assert_eq!(
            text(&store.snapshot("ns", "pod", "d", false, false).0),
            mixed
        );
    }

    #[test]
    fn select_cuts_by_time_then_tail_across_segments() {
        let store = LogStore::default();
        let base = Timestamp::now();
        let at = |s: i64| base + jiff::SignedDuration::from_secs(s);
        store.append("ns", "pod", "c", (0..5).map(|i| (at(i), format!("{i}"))));
        store.append("ns", "pod", "c", (5..10).map(|i| (at(i), format!("{i}"))));
        let lines = |p: &[Part]| String::from_utf8(text(p)).unwrap();
        assert_eq!(
            lines(&select(current(&store), Some(at(3)), None)),
            "3\n4\n5\n6\n7\n8\n9\n"
        );
        assert_eq!(
            lines(&select(current(&store), Some(at(3)), Some(6))),
            "4\n5\n6\n7\n8\n9\n"
        );
        assert_eq!(lines(&select(current(&store), None, Some(0))), "");
        assert_eq!(lines(&select(current(&store), None, Some(50))).len(), 20);
        assert_eq!(lines(&select(current(&store), Some(at(99)), None)), "");
    }

    #[test]
    fn restart_moves_the_run_to_previous() {
        let store = LogStore::default();
        let now = Timestamp::now();
        store.append("ns", "pod", "c", [(now, "one")]);
        store.restart("ns", "pod", "c");
        store.append("ns", "pod", "c", [(now, "two")]);
        assert_eq!(text(&current(&store)), b"two\n");
        assert_eq!(
            text(&store.snapshot("ns", "pod", "c", true, false).0),
            b"one\n"
        );
    }

    /// A loaded 1,000,000-line log costs its bytes plus 16 bytes a line.
    #[test]
    fn a_million_loaded_lines_are_kept_compactly() {
        let mut data = Vec::with_capacity(100 * 1_000_000 + 1);
        for i in 0..1_000_000 {
            data.extend_from_slice(format!("{i:>99}\n").as_bytes());
        }
        let seg = Segment::from_file(data, Timestamp::now());
        assert_eq!(seg.len(), 1_000_000);
        assert_eq!(seg.buf.len(), 100_000_000);
        assert!(seg.ends.capacity() == 1_000_000 && seg.times.capacity() == 1_000_000);
        assert_eq!(seg.line(999_999), format!("{:>99}\n", 999_999).as_bytes());
    }
}
