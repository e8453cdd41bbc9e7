//! One quick HTTP/1.1 request (to a local forward, or any plain `http://` URL) over a plain
//! TcpStream: status, time to the response head, and the first bytes of the body.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::core::forward::{HttpAnswer, HttpCheck};

/// The whole exchange, connect to last byte read.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// Bytes of the body kept.
pub const BODY_HEAD: usize = 200;
/// Bytes read at most (a large body is not read to its end).
const READ_CAP: usize = 64 * 1024;

/// `http://HOST:PORT[/prefix]` → (`HOST:PORT`, `/prefix`).
fn split_base(base: &str) -> Result<(String, String), String> {
    let rest = if let Some(r) = base.strip_prefix("http://") {
        r
    } else if base.starts_with("https://") {
        return Err(format!("{base}: only plain http is supported"));
    } else {
        base
    };
    let (host, prefix) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
        None => (rest, ""),
    };
    if host.is_empty() {
        return Err(format!("{base}: no host"));
    }
    let host = if host
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        && !host.ends_with(']')
    {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    Ok((host, prefix.to_string()))
}

/// Send `check` and read the answer, within [`TIMEOUT`]; the error is the OS's words.
pub async fn check(check: &HttpCheck) -> Result<HttpAnswer, String> {
    match tokio::time::timeout(TIMEOUT, exchange(check)).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "no answer from {} within {} s",
            check.base,
            TIMEOUT.as_secs()
        )),
    }
}

async fn exchange(check: &HttpCheck) -> Result<HttpAnswer, String> {
    let (host, prefix) = split_base(&check.base)?;
    let path = if check.path.starts_with('/') {
        check.path.clone()
    } else {
        format!("/{}", check.path)
    };
    let method = if check.method.is_empty() {
        "GET"
    } else {
        check.method.as_str()
    };
    let started = Instant::now();
    let mut sock = TcpStream::connect(&host)
        .await
        .map_err(|e| format!("connecting to {host}: {e}"))?;
    let _ = sock.set_nodelay(true);
    let mut req = format!(
        "{method} {prefix}{path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: kdoc\r\nAccept: */*\r\nConnection: close\r\n"
    );
    match &check.body {
        Some(b) => req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
            b.len()
        )),
        None => req.push_str("\r\n"),
    }
    sock.write_all(req.as_bytes())
        .await
        .map_err(|e| format!("sending to {host}: {e}"))?;
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let mut latency = None;
    let head_end = loop {
        let n = sock
            .read(&mut chunk)
            .await
            .map_err(|e| format!("reading from {host}: {e}"))?;
        if n == 0 {
            return Err(if buf.is_empty() {
                format!("{host} closed the connection without an answer")
            } else {
                format!("{host} closed the connection in the middle of the response head")
            });
        }
        latency.get_or_insert_with(|| started.elapsed());
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = memchr::memmem::find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > READ_CAP {
            return Err(format!("{host} sent no HTTP response head"));
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let status = head
        .lines()
        .next()
        .filter(|l| l.starts_with("HTTP/"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse::<u16>().ok())
        .ok_or_else(|| format!("{host} answered something that is not HTTP"))?;
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let chunked =
        header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = header("content-length").and_then(|v| v.parse::<usize>().ok());
    let no_body = method.eq_ignore_ascii_case("HEAD") || matches!(status, 100..=199 | 204 | 304);
    let want = if no_body { Some(0) } else { length };
    let mut body = buf.split_off(head_end);
    loop {
        let enough = match want {
            Some(n) => body.len() >= n,
            None if chunked => {
                memchr::memmem::find(&body, b"\r\n0\r\n").is_some() || body.starts_with(b"0\r\n")
            }
            None => false,
        };
        if enough || body.len() >= READ_CAP {
            break;
        }
        match sock.read(&mut chunk).await {
            Ok(0) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e) => return Err(format!("reading from {host}: {e}")),
        }
    }
    if chunked {
        body = dechunk(&body);
    }
    body.truncate(BODY_HEAD);
    Ok(HttpAnswer {
        status,
        latency_ms: latency.unwrap_or_default().as_millis() as u64,
        body_head: String::from_utf8_lossy(&body).to_string(),
    })
}

/// The data of a chunked body (as much of it as there is).
fn dechunk(mut s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = memchr::memmem::find(s, b"\r\n") {
        let size = String::from_utf8_lossy(&s[..i]);
        let size = size.split(';').next().unwrap_or("").trim();
        let Ok(n) = usize::from_str_radix(size, 16) else {
            break;
        };
        if n == 0 {
            break;
        }
        let rest = &s[i + 2..];
        let take = n.min(rest.len());
        out.extend_from_slice(&rest[..take]);
        if take < n {
            break;
        }
        s = rest[n..].strip_prefix(b"\r\n").unwrap_or(&rest[n..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_and_chunks() {
        assert_eq!(
            split_base("http://127.0.0.1:8000").unwrap(),
            ("127.0.0.1:8000".into(), "".into())
        );
        assert_eq!(
            split_base("http://localhost:9000/api/").unwrap(),
            ("localhost:9000".into(), "/api".into())
        );
        assert_eq!(split_base("example.com").unwrap().0, "example.com:80");
        assert!(split_base("https://x").is_err());
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
            b"hello world"
        );
    }
}
