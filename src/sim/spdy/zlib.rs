//! SPDY/3 header blocks: name/value pairs, zlib-compressed with the protocol's fixed dictionary
//! (one compression context per direction for the whole connection, as SPDY/3 §2.6.10.1 wants).

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The SPDY/3 header dictionary (draft 3, §2.6.10.1): 1423 bytes. It must be byte-exact, or the
/// peer's inflate rejects the stream for a wrong dictionary checksum.
#[rustfmt::skip]
pub const DICTIONARY: &[u8] =
    b"\x00\x00\x00\x07options\x00\x00\x00\x04head\x00\x00\x00\x04post\x00\x00\x00\x03put\x00\x00\
    \x00\x06delete\x00\x00\x00\x05trace\x00\x00\x00\x06accept\x00\x00\x00\x0eaccept-charset\x00\
    \x00\x00\x0faccept-encoding\x00\x00\x00\x0faccept-language\x00\x00\x00\x0daccept-ranges\x00\
    \x00\x00\x03age\x00\x00\x00\x05allow\x00\x00\x00\x0dauthorization\x00\x00\x00\x0dcache-contr\
    ol\x00\x00\x00\x0aconnection\x00\x00\x00\x0ccontent-base\x00\x00\x00\x10content-encoding\x00\
    \x00\x00\x10content-language\x00\x00\x00\x0econtent-length\x00\x00\x00\x10content-location\
    \x00\x00\x00\x0bcontent-md5\x00\x00\x00\x0dcontent-range\x00\x00\x00\x0ccontent-type\x00\x00\
    \x00\x04date\x00\x00\x00\x04etag\x00\x00\x00\x06expect\x00\x00\x00\x07expires\x00\x00\x00\
    \x04from\x00\x00\x00\x04host\x00\x00\x00\x08if-match\x00\x00\x00\x11if-modified-since\x00\
    \x00\x00\x0dif-none-match\x00\x00\x00\x08if-range\x00\x00\x00\x13if-unmodified-since\x00\x00\
    \x00\x0dlast-modified\x00\x00\x00\x08location\x00\x00\x00\x0cmax-forwards\x00\x00\x00\x06pra\
    gma\x00\x00\x00\x12proxy-authenticate\x00\x00\x00\x13proxy-authorization\x00\x00\x00\x05rang\
    e\x00\x00\x00\x07referer\x00\x00\x00\x0bretry-after\x00\x00\x00\x06server\x00\x00\x00\x02te\
    \x00\x00\x00\x07trailer\x00\x00\x00\x11transfer-encoding\x00\x00\x00\x07upgrade\x00\x00\x00\
    \x0auser-agent\x00\x00\x00\x04vary\x00\x00\x00\x03via\x00\x00\x00\x07warning\x00\x00\x00\x10\
    www-authenticate\x00\x00\x00\x06method\x00\x00\x00\x03get\x00\x00\x00\x06status\x00\x00\x00\
    \x06200\x20OK\x00\x00\x00\x07version\x00\x00\x00\x08HTTP/1.1\x00\x00\x00\x03url\x00\x00\x00\x06\
    public\x00\x00\x00\x0aset-cookie\x00\x00\x00\x0akeep-alive\x00\x00\x00\x06origin100101201202\
    205206300302303304305306307402405406407408409410411412413414415416417502504505203\x20Non-Author\
    itative\x20Information204\x20No\x20Content301\x20Moved\x20Permanently400\x20Bad\x20Request401\x20Unauthorized403\x20For\
    bidden404\x20Not\x20Found500\x20Internal\x20Server\x20Error501\x20Not\x20Implemented503\x20Service\x20UnavailableJan\x20Fe\
    b\x20Mar\x20Apr\x20May\x20Jun\x20Jul\x20Aug\x20Sept\x20Oct\x20Nov\x20Dec\x2000:00:00\x20Mon,\x20Tue,\x20Wed,\x20Thu,\x20Fri,\x20Sat,\x20Sun,\x20GMTch\
    unked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/pla\
    in,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf\
    -,*,enq=0.";

/// A header block bigger than this once inflated is refused: a kubectl block is under 100 bytes,
/// and a tiny compressed block can otherwise inflate without bound.
const MAX_HEADER_BLOCK: usize = 64 * 1024;

pub type Headers = Vec<(String, String)>;

pub struct HeaderCodec {
    deflate: Compress,
    inflate: Decompress,
}

impl Default for HeaderCodec {
    fn default() -> Self {
        HeaderCodec::new()
    }
}

impl HeaderCodec {
    pub fn new() -> Self {
        let mut deflate = Compress::new(Compression::best(), true);
        // Only fails on a stream already in use; this one is fresh.
        let _ = deflate.set_dictionary(DICTIONARY);
        HeaderCodec {
            deflate,
            inflate: Decompress::new(true),
        }
    }

    /// Encode and compress a header block, ending with a sync flush so the peer can inflate it
    /// without waiting for more.
    pub fn encode(&mut self, headers: &[(&str, &str)]) -> Result<Vec<u8>, String> {
        let mut raw = Vec::new();
        raw.extend_from_slice(&(headers.len() as u32).to_be_bytes());
        for (n, v) in headers {
            raw.extend_from_slice(&(n.len() as u32).to_be_bytes());
            raw.extend_from_slice(n.to_ascii_lowercase().as_bytes());
            raw.extend_from_slice(&(v.len() as u32).to_be_bytes());
            raw.extend_from_slice(v.as_bytes());
        }
        let mut out = Vec::with_capacity(raw.len() + 64);
        let mut input = &raw[..];
        loop {
            out.reserve(256);
            let before = self.deflate.total_in();
            self.deflate
                .compress_vec(input, &mut out, FlushCompress::Sync)
                .map_err(|e| format!("header compression failed: {e}"))?;
            input = &input[(self.deflate.total_in() - before) as usize..];
            // Done when all input is in and the flush left spare room (nothing more pending).
            if input.is_empty() && out.len() < out.capacity() {
                return Ok(out);
            }
        }
    }

    /// Inflate and parse one header block. An error means the connection's inflate state is
    /// lost, so the caller must end the connection (a GOAWAY), not just the stream.
    pub fn decode(&mut self, block: &[u8]) -> Result<Headers, String> {
        let mut raw = Vec::with_capacity(1024);
        let mut input = block;
        loop {
            if raw.len() >= MAX_HEADER_BLOCK {
                return Err(format!(
                    "header block larger than {MAX_HEADER_BLOCK} bytes once inflated"
                ));
            }
            raw.reserve(4096);
            let before = self.inflate.total_in();
            let res = self
                .inflate
                .decompress_vec(input, &mut raw, FlushDecompress::Sync);
            input = &input[(self.inflate.total_in() - before) as usize..];
            match res {
                Ok(Status::StreamEnd) => break,
                Ok(Status::BufError) if input.is_empty() => break,
                Ok(_) => {}
                Err(e) if e.needs_dictionary().is_some() => {
                    self.inflate
                        .set_dictionary(DICTIONARY)
                        .map_err(|e| format!("header block dictionary rejected: {e}"))?;
                    continue;
                }
                Err(e) => return Err(format!("invalid compressed header block: {e}")),
            }
            // All input in and room to spare: nothing is left pending.
            if input.is_empty() && raw.len() < raw.capacity() {
                break;
            }
        }
        parse_block(&raw)
    }
}

fn parse_block(raw: &[u8]) -> Result<Headers, String> {
    let mut r = raw;
    let mut take = |n: usize| -> Result<&[u8], String> {
        if r.len() < n {
            return Err("header block ends early".into());
        }
        let (a, b) = r.split_at(n);
        r = b;
        Ok(a)
    };
    let u32_at = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let count = u32_at(take(4)?);
    let mut out = Vec::new();
    for _ in 0..count {
        let n = u32_at(take(4)?);
        let name = String::from_utf8_lossy(take(n)?).into_owned();
        let v = u32_at(take(4)?);
        let value = String::from_utf8_lossy(take(v)?).into_owned();
        out.push((name, value));
    }
    Ok(out)
}

/// The first value of a header, by case-insensitive name (Go's net/http canonicalises names,
/// and the SPDY framer lowercases them on the wire). Multiple values are NUL-separated.
pub fn get<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.split('\0').next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_is_the_spdy3_one() {
        assert_eq!(DICTIONARY.len(), 1423);
        // Its Adler-32, which the peer checks against the FDICT field of the zlib header.
        let mut c = Compress::new(Compression::best(), true);
        assert_eq!(c.set_dictionary(DICTIONARY).unwrap(), 0xe3c6_a7c2);
    }

    #[test]
    fn blocks_round_trip_across_one_context() {
        let mut tx = HeaderCodec::new();
        let mut rx = HeaderCodec::new();
        for id in 0..5 {
            let id = id.to_string();
            let block = tx
                .encode(&[("streamType", "data"), ("port", "8000"), ("requestID", &id)])
                .unwrap();
            let h = rx.decode(&block).unwrap();
            assert_eq!(get(&h, "streamtype"), Some("data"));
            assert_eq!(get(&h, "Port"), Some("8000"));
            assert_eq!(get(&h, "requestid"), Some(id.as_str()));
        }
        assert_eq!(rx.decode(&tx.encode(&[]).unwrap()).unwrap(), vec![]);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bad in [
            &b"\x00"[..],
            b"not zlib at all",
            b"\x78\xbb\x00\x00\x00\x00",
        ] {
            assert!(HeaderCodec::new().decode(bad).is_err(), "{bad:?}");
        }
        // A valid stream whose block claims more pairs than it holds.
        let mut d = Compress::new(Compression::best(), true);
        d.set_dictionary(DICTIONARY).unwrap();
        let mut out = Vec::with_capacity(256);
        d.compress_vec(&[0, 0, 0, 9, 0, 0, 0, 200], &mut out, FlushCompress::Sync)
            .unwrap();
        assert!(HeaderCodec::new().decode(&out).is_err());
    }

    #[test]
    fn an_inflation_bomb_is_refused() {
        let mut d = Compress::new(Compression::best(), true);
        d.set_dictionary(DICTIONARY).unwrap();
        let zeros = vec![0u8; 10 * 1024 * 1024];
        let mut out = Vec::with_capacity(64 * 1024);
        d.compress_vec(&zeros, &mut out, FlushCompress::Sync)
            .unwrap();
        assert!(HeaderCodec::new().decode(&out).is_err());
    }
}
