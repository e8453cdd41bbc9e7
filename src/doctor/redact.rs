//! Credential redaction for what the doctor shows: log lines and environment values.
//!
//! Logs of ML pipelines are full of credentials (S3 keys in env dumps, database URLs, tokens in
//! request logs), and a finding is meant to be pasted into a ticket. Every text the doctor takes
//! from a log goes through [`redact`]: the secret value becomes `[redacted]`, the key stays so the
//! line still reads (`AWS_SECRET_ACCESS_KEY=[redacted]`).
//!
//! What counts as a credential:
//! - `KEY=value`, `KEY: value`, `KEY = value`, `"key": "value"`, `--key value` where the key looks
//!   secret (see [`is_secret_name`]);
//! - `Authorization: Bearer|Basic|token ...` and a bare `Bearer <token>`;
//! - `scheme://user:password@host` (the password);
//! - AWS access key ids (`AKIA`/`ASIA` + 16), JWTs and base64 JSON blobs (`eyJ...`), and the
//!   prefixed tokens of GitHub, GitLab, Slack, Hugging Face and OpenAI.
//!
//! A value that is redacted once is also hidden wherever else it appears on the same line.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// What replaces a secret value.
pub const REDACTED: &str = "[redacted]";

/// Words that make a key secret when they are its last segment (`DB_PASSWORD`, `accessToken`).
const SECRET_WORDS: &[&str] = &[
    "secret",
    "password",
    "passwd",
    "passphrase",
    "pass",
    "token",
    "credential",
    "credentials",
    "creds",
    "apikey",
    "secretkey",
    "accesskey",
    "privatekey",
    "sessiontoken",
    "authtoken",
    "accesstoken",
    "refreshtoken",
    "clientsecret",
    "signature",
    "cookie",
    "jwt",
];

/// Suffixes that make a one-word key secret (`PGPASSWORD`, `bearertoken`, `clientsecret`).
const SECRET_SUFFIXES: &[&str] = &["password", "passwd", "secret", "token"];

/// Two last segments that make a key secret (`AWS_SECRET_ACCESS_KEY`, `api-key`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("access", "key"),
    ("secret", "key"),
    ("api", "key"),
    ("private", "key"),
    ("account", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("storage", "key"),
    ("shared", "key"),
    ("auth", "key"),
];

/// Whether an environment variable, header or field name holds a secret: its last segment
/// (split at `_ - . /` and camelCase) is a secret word such as `password` or `token`, or its
/// last two are a pair such as `access key`; `AWS_ACCESS_KEY_ID` counts too. `secretName`,
/// `tokenizer`, `max_tokens` and `NoCredentialsError` do not.
pub fn is_secret_name(name: &str) -> bool {
    let name = name.trim_matches(|c: char| c == '"' || c == '\'' || c == '-');
    let segs = last_segments(name);
    let [a, p, l] = segs;
    let (a, p, l) = (a.unwrap_or(""), p.unwrap_or(""), l.unwrap_or(""));
    if l.is_empty() {
        return false;
    }
    let eq = |x: &str, y: &str| x.eq_ignore_ascii_case(y);
    let pair = |x: &str, y: &str| SECRET_PAIRS.iter().any(|(m, n)| eq(x, m) && eq(y, n));
    if eq(l, "id") {
        // AWS_ACCESS_KEY_ID, accessKeyId: an access key's id is half of the credential.
        return (eq(a, "access") && eq(p, "key")) || eq(p, "accesskey");
    }
    if eq(l, "pwd") {
        // `PWD` alone is the shell's working directory; `DB_PWD` is a password.
        return !p.is_empty();
    }
    if SECRET_WORDS.iter().any(|w| eq(l, w)) || pair(p, l) {
        return true;
    }
    let lower_ends = |suffix: &str| {
        l.len() > suffix.len()
            && l.is_char_boundary(l.len() - suffix.len())
            && eq(&l[l.len() - suffix.len()..], suffix)
    };
    SECRET_SUFFIXES.iter().any(|s| lower_ends(s))
}

/// The last three segments of an identifier, oldest first, split at non-alphanumerics and at
/// camelCase humps (`APIKey` is `API`, `Key`).
fn last_segments(name: &str) -> [Option<&str>; 3] {
    let b = name.as_bytes();
    let mut out: [Option<&str>; 3] = [None, None, None];
    let mut found = 0;
    let mut end = b.len();
    let mut i = b.len();
    while i > 0 && found < 3 {
        i -= 1;
        let c = b[i];
        if !c.is_ascii_alphanumeric() {
            if end > i + 1 {
                out[2 - found] = Some(&name[i + 1..end]);
                found += 1;
            }
            end = i;
            continue;
        }
        // A hump starts at i: `aB` or `1B`, or `ABc` (the `B`).
        let hump = c.is_ascii_uppercase()
            && i > 0
            && (b[i - 1].is_ascii_lowercase()
                || b[i - 1].is_ascii_digit()
                || (b[i - 1].is_ascii_uppercase()
                    && b.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
        if hump && end > i {
            out[2 - found] = Some(&name[i..end]);
            found += 1;
            end = i;
        }
    }
    if found < 3 && end > 0 && b[..end].iter().any(|c| c.is_ascii_alphanumeric()) {
        let start = b[..end]
            .iter()
            .rposition(|c| !c.is_ascii_alphanumeric())
            .map_or(0, |p| p + 1);
        if start < end {
            out[2 - found] = Some(&name[start..end]);
        }
    }
    // Shift so that the last segment is always in slot 2 even when fewer were found.
    out
}

/// Identifier runs: candidate keys.
static IDENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Za-z0-9_.\-]+").unwrap());

/// `Authorization: <scheme> <credentials>` (group 1) in headers, curl flags and dumps.
static AUTH_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?(?:(?:bearer|basic|token|digest|negotiate|ntlm|apikey|aws4-hmac-sha256)\s+)?([^\s"'\\]+(?:\s*,\s*[A-Za-z]+=[^\s"',\\]+)*)"#,
    )
    .unwrap()
});

/// A bare `Bearer <token>` (group 1).
static BEARER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bbearer\s+([A-Za-z0-9._~+/=\-]{8,})").unwrap());

/// `scheme://user:password@`: the password (group 1). Greedy up to the last `@` before the path.
static URL_CREDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@"'<>]*:([^\s/"'<>]+)@"#).unwrap()
});

/// Values that are credentials whatever their key: AWS key ids, JWTs and base64 JSON, and
/// vendor-prefixed tokens.
static TOKENS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b",
        r"|\beyJ[A-Za-z0-9_+/=\-]{17,}(?:\.[A-Za-z0-9_+/=\-]*){0,2}",
        r"|\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_\-]{20,}",
        r"|xox[abprs]-[A-Za-z0-9\-]{10,}|hf_[A-Za-z0-9]{30,}|sk-[A-Za-z0-9_\-]{20,})",
    ))
    .unwrap()
});

/// Hide credential values in one line of text. A line without credentials comes back
/// borrowed and unchanged; never panics.
pub fn redact(line: &str) -> Cow<'_, str> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    key_values(line, &mut spans);
    for c in AUTH_HEADER.captures_iter(line) {
        if let Some(m) = c.get(1) {
            push_value(line, m.range(), &mut spans);
        }
    }
    for c in BEARER.captures_iter(line) {
        if let Some(m) = c.get(1) {
            let v = m.as_str();
            if v.len() >= 20 || v.bytes().any(|b| !b.is_ascii_alphabetic()) {
                push_value(line, m.range(), &mut spans);
            }
        }
    }
    for c in URL_CREDS.captures_iter(line) {
        if let Some(m) = c.get(1) {
            push_value(line, m.range(), &mut spans);
        }
    }
    for m in TOKENS.find_iter(line) {
        spans.push(m.range());
    }
    if spans.is_empty() {
        return Cow::Borrowed(line);
    }
    repeats(line, &mut spans);
    Cow::Owned(replace(line, spans))
}

/// The value of an environment variable as the doctor shows it: hidden when the name looks
/// secret, else with any credential inside (a URL's password) hidden.
pub fn redact_env(name: &str, value: &str) -> String {
    if is_secret_name(name) && !is_placeholder(value) {
        REDACTED.to_string()
    } else {
        redact(value).into_owned()
    }
}

/// Values that are not secrets: empty, already masked, a shell or template reference, a
/// literal such as `null`, a `<placeholder>`.
fn is_placeholder(v: &str) -> bool {
    let v = v.trim();
    v.is_empty()
        || v == REDACTED
        || v.bytes().all(|b| b == b'*' || b == b'x' || b == b'X')
        || v.starts_with("${")
        || v.starts_with("$(")
        || v.starts_with("{{")
        || (v.starts_with('$') && v[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        || (v.starts_with('<') && v.ends_with('>'))
        || [
            "null",
            "none",
            "nil",
            "true",
            "false",
            "<nil>",
            "redacted",
            "[redacted]",
        ]
        .iter()
        .any(|w| v.eq_ignore_ascii_case(w))
}

fn push_value(line: &str, r: Range<usize>, spans: &mut Vec<Range<usize>>) {
    if !r.is_empty() && !is_placeholder(&line[r.clone()]) {
        spans.push(r);
    }
}

/// `key=value`, `key: value`, `"key": "value"`, `--key value` with a secret-looking key.
fn key_values(line: &str, spans: &mut Vec<Range<usize>>) {
    let b = line.as_bytes();
    for m in IDENT.find_iter(line) {
        if !is_secret_name(m.as_str()) {
            continue;
        }
        let key_start = m.start();
        let mut i = m.end();
        // A closing quote of a quoted key, possibly escaped (`\"password\":`).
        let mut quoted_key = false;
        if b.get(i) == Some(&b'\\') && matches!(b.get(i + 1), Some(b'"' | b'\'')) {
            i += 2;
            quoted_key = true;
        } else if matches!(b.get(i), Some(b'"' | b'\'')) {
            i += 1;
            quoted_key = true;
        }
        let after_key = i;
        i = skip_ws(b, i);
        let sep = match (b.get(i), b.get(i + 1)) {
            (Some(b'='), Some(b'>')) | (Some(b':'), Some(b'=')) => {
                i += 2;
                Some(b'=')
            }
            (Some(b'='), _) => {
                i += 1;
                Some(b'=')
            }
            (Some(b':'), next) if next != Some(&b':') && next != Some(&b'/') => {
                i += 1;
                Some(b':')
            }
            _ => None,
        };
        let flag = m.as_str().starts_with('-');
        let Some(sep) = sep.or_else(|| {
            // `--password hunter2`: a flag and the next word.
            let ws = skip_ws(b, after_key);
            (flag && ws > after_key && ws < b.len() && !line[ws..].starts_with("--")).then(|| {
                i = ws;
                b' '
            })
        }) else {
            continue;
        };
        i = skip_ws(b, i);
        let Some((value, rest)) = value_at(line, i) else {
            continue;
        };
        let v = &line[value.clone()];
        if v.starts_with('{') || v.starts_with('[') {
            continue;
        }
        if sep == b':'
            && !quoted_key
            && !yaml_like(line, key_start)
            && (v.len() < 6 || looks_like_prose(v, &line[rest..]))
        {
            // A sentence, not a field: `failed to fetch anonymous token: 403 Forbidden`,
            // `... token: unexpected status from ...`.
            continue;
        }
        push_value(line, value, spans);
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}

/// The value starting at `i`: a quoted string (its inside, `\"`-quoted too), or a run up to
/// whitespace or a delimiter. Returns its range and where the text after it starts.
fn value_at(line: &str, i: usize) -> Option<(Range<usize>, usize)> {
    let b = line.as_bytes();
    match (b.get(i), b.get(i + 1)) {
        (None, _) => None,
        (Some(b'\\'), Some(&q @ (b'"' | b'\''))) => {
            // An escaped quote inside a quoted log message: `password=\"x\"`.
            let start = i + 2;
            let close = [b'\\', q];
            let end = b[start..]
                .windows(2)
                .position(|w| w == close)
                .map_or(b.len(), |p| start + p);
            Some((start..end, (end + 2).min(b.len())))
        }
        (Some(&q @ (b'"' | b'\'')), _) => {
            let start = i + 1;
            let mut j = start;
            while j < b.len() {
                if b[j] == b'\\' {
                    j += 2;
                    continue;
                }
                if b[j] == q {
                    return Some((start..j, j + 1));
                }
                j += 1;
            }
            Some((start..b.len(), b.len()))
        }
        (Some(_), _) => {
            let mut j = i;
            while j < b.len()
                && !b[j].is_ascii_whitespace()
                && !matches!(
                    b[j],
                    b'"' | b'\'' | b',' | b';' | b'&' | b'}' | b']' | b')' | b'\\'
                )
            {
                j += 1;
            }
            (j > i).then_some((i..j, j))
        }
    }
}

/// Whether the key starts a YAML or header line (`  password: x`, `- token: x`).
fn yaml_like(line: &str, key_start: usize) -> bool {
    line[..key_start]
        .trim_start()
        .trim_start_matches(['-', '"', '\''])
        .trim()
        .is_empty()
}

/// A `key: word more words` that reads like a sentence: the value is a lowercase word and more
/// text follows.
fn looks_like_prose(value: &str, rest: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_lowercase())
        && rest.trim_start().starts_with(|c: char| c.is_alphanumeric())
}

/// Hide a redacted value wherever else it appears on the line.
fn repeats(line: &str, spans: &mut Vec<Range<usize>>) {
    let values: Vec<&str> = spans
        .iter()
        .map(|r| &line[r.clone()])
        .filter(|v| v.len() >= 6)
        .collect();
    for v in values {
        for (at, _) in line.match_indices(v) {
            spans.push(at..at + v.len());
        }
    }
}

fn replace(line: &str, mut spans: Vec<Range<usize>>) -> String {
    spans.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for r in spans {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for r in merged {
        out.push_str(&line[at..r.start]);
        out.push_str(REDACTED);
        at = r.end;
    }
    out.push_str(&line[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for n in [
            "AWS_SECRET_ACCESS_KEY",
            "aws_secret_access_key",
            "AWS_SESSION_TOKEN",
            "AWS_ACCESS_KEY_ID",
            "accessKeyId",
            "password",
            "MINIO_ROOT_PASSWORD",
            "PGPASSWORD",
            "api_key",
            "apiKey",
            "APIKey",
            "x-api-key",
            "GITHUB_TOKEN",
            "accessToken",
            "secretkey",
            "client_secret",
            "private_key",
            "DB_PASS",
            "DB_PWD",
            "X-Amz-Signature",
            "spark.hadoop.fs.s3a.secret.key",
            "--password",
            "\"password\"",
        ] {
            assert!(is_secret_name(n), "{n} should be secret");
        }
        for n in [
            "secretName",
            "storageSecretName",
            "NoCredentialsError",
            "tokenizer",
            "max_tokens",
            "PWD",
            "MLFLOW_TRACKING_URI",
            "DOCKER_CONFIG",
            "key",
            "token_id",
            "password_file",
            "imagePullSecrets",
            "",
            "--",
        ] {
            assert!(!is_secret_name(n), "{n} should not be secret");
        }
    }

    #[test]
    fn segments() {
        assert_eq!(
            last_segments("AWS_SECRET_ACCESS_KEY"),
            [Some("SECRET"), Some("ACCESS"), Some("KEY")]
        );
        assert_eq!(
            last_segments("accessKeyId"),
            [Some("access"), Some("Key"), Some("Id")]
        );
        assert_eq!(last_segments("APIKey"), [None, Some("API"), Some("Key")]);
        assert_eq!(last_segments("token"), [None, None, Some("token")]);
        assert_eq!(last_segments("a.b-c_d"), [Some("b"), Some("c"), Some("d")]);
        assert_eq!(last_segments(""), [None, None, None]);
    }
}
