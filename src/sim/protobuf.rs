//! Just enough of Kubernetes' protobuf encoding to read the self reviews kubectl POSTs (it sends
//! built-in kinds as `application/vnd.kubernetes.protobuf`): the `k8s\0` envelope, `Unknown`,
//! and the review messages, turned into the JSON they stand for. Answers go back as JSON,
//! which kubectl also accepts.

use serde_json::{Map, Value, json};

const MAGIC: &[u8] = b"k8s\0";

/// One field of a message: its number and, for length-delimited fields, its bytes.
enum Field<'a> {
    Bytes(u32, &'a [u8]),
    Other,
}

fn varint(b: &mut &[u8]) -> Result<u64, String> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first().ok_or("truncated varint")?;
        *b = rest;
        v |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("varint too long".into())
}

fn fields(mut b: &[u8]) -> Result<Vec<Field<'_>>, String> {
    let mut out = vec![];
    while !b.is_empty() {
        let key = varint(&mut b)?;
        let (num, wire) = ((key >> 3) as u32, key & 7);
        match wire {
            0 => {
                varint(&mut b)?;
                out.push(Field::Other);
            }
            1 | 5 => {
                let n = if wire == 1 { 8 } else { 4 };
                b = b.get(n..).ok_or("truncated fixed field")?;
                out.push(Field::Other);
            }
            2 => {
                let len = varint(&mut b)? as usize;
                let v = b.get(..len).ok_or("truncated field")?;
                b = &b[len..];
                out.push(Field::Bytes(num, v));
            }
            w => return Err(format!("unsupported wire type {w}")),
        }
    }
    Ok(out)
}

fn field(b: &[u8], num: u32) -> Result<Option<&[u8]>, String> {
    Ok(fields(b)?.into_iter().find_map(|f| match f {
        Field::Bytes(n, v) if n == num => Some(v),
        _ => None,
    }))
}

/// String fields of a message, by field number, as a JSON object.
fn strings(b: &[u8], names: &[(u32, &str)]) -> Result<Value, String> {
    let mut m = Map::new();
    for f in fields(b)? {
        if let Field::Bytes(n, v) = f
            && let Some((_, name)) = names.iter().find(|(k, _)| *k == n)
        {
            m.insert(name.to_string(), json!(String::from_utf8_lossy(v)));
        }
    }
    Ok(Value::Object(m))
}

/// A protobuf-encoded SelfSubjectAccessReview or SelfSubjectRulesReview as its JSON form.
pub fn review(body: &[u8], rules: bool) -> Result<Value, String> {
    let unknown = body
        .strip_prefix(MAGIC)
        .ok_or("the body does not start with the k8s protobuf magic")?;
    let raw = field(unknown, 2)?.unwrap_or_default();
    let spec = field(raw, 2)?.unwrap_or_default();
    let mut out = json!({"spec": {}});
    if let Some(attrs) = field(spec, 1)? {
        // Field 1 is SelfSubjectRulesReviewSpec.namespace, a plain string, or
        // SelfSubjectAccessReviewSpec.resourceAttributes.
        if rules {
            out["spec"]["namespace"] = json!(String::from_utf8_lossy(attrs));
            return Ok(out);
        }
        out["spec"]["resourceAttributes"] = strings(
            attrs,
            &[
                (1, "namespace"),
                (2, "verb"),
                (3, "group"),
                (4, "version"),
                (5, "resource"),
                (6, "subresource"),
                (7, "name"),
            ],
        )?;
    }
    if let Some(nr) = field(spec, 2)? {
        out["spec"]["nonResourceAttributes"] = strings(nr, &[(1, "path"), (2, "verb")])?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ld(num: u32, v: &[u8]) -> Vec<u8> {
        let mut o = vec![((num << 3) | 2) as u8, v.len() as u8];
        o.extend_from_slice(v);
        o
    }

    #[test]
    fn reads_an_access_review() {
        let attrs = [ld(1, b"default"), ld(2, b"list"), ld(5, b"pods")].concat();
        let spec = ld(1, &attrs);
        let raw = [ld(1, b""), ld(2, &spec)].concat();
        let unknown = [ld(1, &[]), ld(2, &raw)].concat();
        let body = [MAGIC, &unknown].concat();
        let v = review(&body, false).unwrap();
        let a = &v["spec"]["resourceAttributes"];
        assert_eq!(a["verb"], "list");
        assert_eq!(a["resource"], "pods");
        assert_eq!(a["namespace"], "default");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(review(b"{}", false).is_err());
        assert!(review(b"k8s\0\x12\xff", false).is_err());
        assert!(review(b"k8s\0\x0f", true).is_err());
    }
}
