//! SPDY/3 frames on the wire (draft 3, §2.2): an 8-byte header, then the payload. Control frames
//! start with the control bit, version 3 and a type; data frames with a 31-bit stream id. Header
//! blocks stay compressed here; [`super::zlib`] inflates them in order.

use bytes::{Buf, BufMut, Bytes, BytesMut};

pub const FLAG_FIN: u8 = 0x01;

pub const SYN_STREAM: u16 = 1;
pub const SYN_REPLY: u16 = 2;
pub const RST_STREAM: u16 = 3;
pub const SETTINGS: u16 = 4;
pub const PING: u16 = 6;
pub const GOAWAY: u16 = 7;
pub const HEADERS: u16 = 8;
pub const WINDOW_UPDATE: u16 = 9;

/// RST_STREAM status codes (§2.4.2).
pub const PROTOCOL_ERROR: u32 = 1;
pub const INVALID_STREAM: u32 = 2;
pub const REFUSED_STREAM: u32 = 3;
pub const CANCEL: u32 = 5;

/// GOAWAY status codes (§2.6.6).
pub const GOAWAY_OK: u32 = 0;
pub const GOAWAY_PROTOCOL_ERROR: u32 = 1;

/// The length field is 24 bits.
pub const MAX_PAYLOAD: usize = (1 << 24) - 1;

#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    SynStream {
        stream_id: u32,
        flags: u8,
        /// Compressed header block.
        headers: Bytes,
    },
    SynReply {
        stream_id: u32,
        flags: u8,
        headers: Bytes,
    },
    RstStream {
        stream_id: u32,
        status: u32,
    },
    Settings,
    Ping(u32),
    GoAway {
        last_stream_id: u32,
        status: u32,
    },
    Headers {
        stream_id: u32,
        headers: Bytes,
    },
    WindowUpdate {
        stream_id: u32,
        delta: u32,
    },
    /// A control frame of a type this server does not know; §2.2.1 says to ignore it.
    Unknown(u16),
    Data {
        stream_id: u32,
        flags: u8,
        data: Bytes,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum FrameError {
    /// A control frame of another SPDY version: the connection cannot go on.
    Version(u16),
    /// A control frame whose payload is too short for its type.
    Short { kind: u16, len: usize },
    /// Stream id 0 where a stream is required.
    ZeroStream(u16),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Version(v) => {
                write!(f, "unsupported SPDY version {v}; this server speaks 3")
            }
            FrameError::Short { kind, len } => {
                write!(
                    f,
                    "invalid control frame: type {kind} with a {len}-byte payload"
                )
            }
            FrameError::ZeroStream(kind) => {
                write!(
                    f,
                    "stream id zero is disallowed (control frame type {kind})"
                )
            }
        }
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Take one whole frame off the front of `buf`, or `Ok(None)` if more bytes are needed.
/// A malformed frame is consumed and reported, so the caller decides whether to go on.
pub fn parse(buf: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
    if buf.len() < 8 {
        return Ok(None);
    }
    let len = (be32(&buf[4..8]) & 0x00ff_ffff) as usize;
    if buf.len() < 8 + len {
        // Reserve up front so a large data frame is read without repeated growth.
        buf.reserve(8 + len - buf.len());
        return Ok(None);
    }
    let head = buf.split_to(8);
    let mut p = buf.split_to(len).freeze();
    let flags = head[4];
    if head[0] & 0x80 == 0 {
        return Ok(Some(Frame::Data {
            stream_id: be32(&head[0..4]) & 0x7fff_ffff,
            flags,
            data: p,
        }));
    }
    let version = u16::from_be_bytes([head[0], head[1]]) & 0x7fff;
    let kind = u16::from_be_bytes([head[2], head[3]]);
    if version != 3 {
        return Err(FrameError::Version(version));
    }
    let need = match kind {
        SYN_STREAM => 10,
        SYN_REPLY | HEADERS | PING => 4,
        SETTINGS => 4,
        RST_STREAM | GOAWAY | WINDOW_UPDATE => 8,
        _ => 0,
    };
    if p.len() < need {
        return Err(FrameError::Short { kind, len: p.len() });
    }
    let sid = |p: &Bytes| be32(&p[0..4]) & 0x7fff_ffff;
    let frame = match kind {
        SYN_STREAM => {
            let stream_id = sid(&p);
            p.advance(10);
            Frame::SynStream {
                stream_id,
                flags,
                headers: p,
            }
        }
        SYN_REPLY => {
            let stream_id = sid(&p);
            p.advance(4);
            Frame::SynReply {
                stream_id,
                flags,
                headers: p,
            }
        }
        HEADERS => {
            let stream_id = sid(&p);
            p.advance(4);
            Frame::Headers {
                stream_id,
                headers: p,
            }
        }
        RST_STREAM => Frame::RstStream {
            stream_id: sid(&p),
            status: be32(&p[4..8]),
        },
        SETTINGS => Frame::Settings,
        PING => Frame::Ping(be32(&p[0..4])),
        GOAWAY => Frame::GoAway {
            last_stream_id: sid(&p),
            status: be32(&p[4..8]),
        },
        WINDOW_UPDATE => Frame::WindowUpdate {
            stream_id: sid(&p),
            delta: be32(&p[4..8]) & 0x7fff_ffff,
        },
        other => Frame::Unknown(other),
    };
    match &frame {
        Frame::SynStream { stream_id: 0, .. }
        | Frame::SynReply { stream_id: 0, .. }
        | Frame::RstStream { stream_id: 0, .. }
        | Frame::Headers { stream_id: 0, .. } => Err(FrameError::ZeroStream(kind)),
        _ => Ok(Some(frame)),
    }
}

fn control(out: &mut BytesMut, kind: u16, flags: u8, len: usize) {
    out.put_u16(0x8000 | 3);
    out.put_u16(kind);
    out.put_u32(((flags as u32) << 24) | (len as u32 & 0x00ff_ffff));
}

/// Append a SYN_REPLY carrying an already-compressed header block.
pub fn syn_reply(out: &mut BytesMut, stream_id: u32, flags: u8, headers: &[u8]) {
    control(out, SYN_REPLY, flags, 4 + headers.len());
    out.put_u32(stream_id & 0x7fff_ffff);
    out.put_slice(headers);
}

pub fn rst_stream(out: &mut BytesMut, stream_id: u32, status: u32) {
    control(out, RST_STREAM, 0, 8);
    out.put_u32(stream_id & 0x7fff_ffff);
    out.put_u32(status);
}

pub fn ping(out: &mut BytesMut, id: u32) {
    control(out, PING, 0, 4);
    out.put_u32(id);
}

pub fn goaway(out: &mut BytesMut, last_stream_id: u32, status: u32) {
    control(out, GOAWAY, 0, 8);
    out.put_u32(last_stream_id & 0x7fff_ffff);
    out.put_u32(status);
}

/// Append data frames for `data` (split at the 24-bit length limit); FIN goes on the last one.
pub fn data(out: &mut BytesMut, stream_id: u32, fin: bool, data: &[u8]) {
    let mut chunks = data.chunks(MAX_PAYLOAD).peekable();
    if chunks.peek().is_none() {
        out.put_u32(stream_id & 0x7fff_ffff);
        out.put_u32(if fin { (FLAG_FIN as u32) << 24 } else { 0 });
        return;
    }
    while let Some(c) = chunks.next() {
        let last = chunks.peek().is_none();
        let flags = if fin && last { FLAG_FIN } else { 0 };
        out.put_u32(stream_id & 0x7fff_ffff);
        out.put_u32(((flags as u32) << 24) | c.len() as u32);
        out.put_slice(c);
    }
}

/// A SYN_STREAM as a client writes it (for tests and the benchmark's own client).
pub fn syn_stream(out: &mut BytesMut, stream_id: u32, flags: u8, headers: &[u8]) {
    control(out, SYN_STREAM, flags, 10 + headers.len());
    out.put_u32(stream_id & 0x7fff_ffff);
    out.put_u32(0);
    out.put_u16(0);
    out.put_slice(headers);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn all(bytes: &[u8]) -> Vec<Result<Frame, FrameError>> {
        let mut buf = BytesMut::from(bytes);
        let mut out = vec![];
        loop {
            match parse(&mut buf) {
                Ok(Some(f)) => out.push(Ok(f)),
                Ok(None) => return out,
                Err(e) => out.push(Err(e)),
            }
        }
    }

    #[test]
    fn frames_round_trip() {
        let mut b = BytesMut::new();
        syn_stream(&mut b, 1, 0, b"hdrs");
        syn_reply(&mut b, 1, 0, b"h");
        data(&mut b, 3, false, b"hello");
        data(&mut b, 3, true, b"");
        rst_stream(&mut b, 5, CANCEL);
        ping(&mut b, 7);
        goaway(&mut b, 9, GOAWAY_OK);
        let got = all(&b);
        assert_eq!(
            got,
            vec![
                Ok(Frame::SynStream {
                    stream_id: 1,
                    flags: 0,
                    headers: Bytes::from_static(b"hdrs")
                }),
                Ok(Frame::SynReply {
                    stream_id: 1,
                    flags: 0,
                    headers: Bytes::from_static(b"h")
                }),
                Ok(Frame::Data {
                    stream_id: 3,
                    flags: 0,
                    data: Bytes::from_static(b"hello")
                }),
                Ok(Frame::Data {
                    stream_id: 3,
                    flags: FLAG_FIN,
                    data: Bytes::new()
                }),
                Ok(Frame::RstStream {
                    stream_id: 5,
                    status: CANCEL
                }),
                Ok(Frame::Ping(7)),
                Ok(Frame::GoAway {
                    last_stream_id: 9,
                    status: GOAWAY_OK
                }),
            ]
        );
    }

    #[test]
    fn partial_frames_wait_for_more() {
        let mut b = BytesMut::new();
        data(&mut b, 1, false, b"0123456789");
        for cut in 0..b.len() {
            let mut part = BytesMut::from(&b[..cut]);
            assert_eq!(parse(&mut part), Ok(None), "cut at {cut}");
            assert_eq!(part.len(), cut, "nothing consumed");
        }
    }

    #[test]
    fn malformed_control_frames_are_errors() {
        // SPDY/2 SYN_STREAM.
        let v2 = [0x80, 2, 0, 1, 0, 0, 0, 0];
        assert_eq!(all(&v2), vec![Err(FrameError::Version(2))]);
        // RST_STREAM with a 2-byte payload.
        let short = [0x80, 3, 0, 3, 0, 0, 0, 2, 0, 1];
        assert_eq!(
            all(&short),
            vec![Err(FrameError::Short {
                kind: RST_STREAM,
                len: 2
            })]
        );
        // SYN_STREAM for stream 0.
        let mut z = BytesMut::new();
        syn_stream(&mut z, 0, 0, b"");
        assert_eq!(all(&z), vec![Err(FrameError::ZeroStream(SYN_STREAM))]);
        // An unknown type is skipped, and the frame after it still parses.
        let mut u = BytesMut::from(&[0x80, 3, 0, 0x42, 0, 0, 0, 3, 1, 2, 3][..]);
        ping(&mut u, 1);
        assert_eq!(all(&u), vec![Ok(Frame::Unknown(0x42)), Ok(Frame::Ping(1))]);
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = all(&bytes);
        }
    }
}
