//! Kubernetes label selectors, equality- and set-based, as `kubectl -l` and the apiserver accept.

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Eq(String),
    NotEq(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    NotExists,
    Gt(i64),
    Lt(i64),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    reqs: Vec<(String, Op)>,
}

impl LabelSelector {
    /// Parse `app=x,env!=y,tier in (a,b),!legacy`; the error names the part that failed.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut reqs = vec![];
        for part in split_top_level(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            reqs.push(parse_requirement(part).ok_or_else(|| {
                format!("unable to parse requirement: found '{part}', expected: in, notin, =, ==, !=, gt, lt")
            })?);
        }
        Ok(LabelSelector { reqs })
    }

    pub fn matches_map(&self, labels: Option<&std::collections::BTreeMap<String, String>>) -> bool {
        self.matches_with(|k| labels.and_then(|l| l.get(k)).map(String::as_str))
    }

    /// Match against any label lookup (a map, a JSON object, ...).
    pub fn matches_with<'a>(&self, get: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.reqs.iter().all(|(key, op)| {
            let v = get(key);
            match op {
                Op::Eq(x) => v == Some(x.as_str()),
                Op::NotEq(x) => v != Some(x.as_str()),
                Op::In(xs) => v.is_some_and(|v| xs.iter().any(|x| x == v)),
                Op::NotIn(xs) => v.is_none_or(|v| !xs.iter().any(|x| x == v)),
                Op::Exists => v.is_some(),
                Op::NotExists => v.is_none(),
                Op::Gt(n) => v
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| v > *n),
                Op::Lt(n) => v
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| v < *n),
            }
        })
    }
}

/// Split on commas that are not inside `( )`.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = vec![];
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

fn parse_requirement(p: &str) -> Option<(String, Op)> {
    if let Some(k) = p.strip_prefix('!') {
        return valid_key(k.trim()).then(|| (k.trim().to_string(), Op::NotExists));
    }
    for (sep, make) in [
        ("!=", Op::NotEq as fn(String) -> Op),
        ("==", Op::Eq),
        ("=", Op::Eq),
    ] {
        if let Some((k, v)) = p.split_once(sep) {
            let (k, v) = (k.trim(), v.trim());
            return valid_key(k).then(|| (k.to_string(), make(v.to_string())));
        }
    }
    for (sep, gt) in [(">", true), ("<", false)] {
        if let Some((k, v)) = p.split_once(sep) {
            let n = v.trim().parse().ok()?;
            return valid_key(k.trim())
                .then(|| (k.trim().to_string(), if gt { Op::Gt(n) } else { Op::Lt(n) }));
        }
    }
    let words: Vec<&str> = p.splitn(2, char::is_whitespace).collect();
    if words.len() == 2 {
        let key = words[0];
        let rest = words[1].trim();
        let (notin, set) = if let Some(r) = rest.strip_prefix("notin") {
            (true, r)
        } else if let Some(r) = rest.strip_prefix("in") {
            (false, r)
        } else {
            return None;
        };
        let inner = set.trim().strip_prefix('(')?.strip_suffix(')')?;
        let values: Vec<String> = inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        if !valid_key(key) {
            return None;
        }
        return Some((
            key.to_string(),
            if notin {
                Op::NotIn(values)
            } else {
                Op::In(values)
            },
        ));
    }
    valid_key(p).then(|| (p.to_string(), Op::Exists))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn label_selectors() {
        let labels: BTreeMap<String, String> = [("app", "x"), ("env", "prod"), ("tier", "3")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let t = |s: &str| LabelSelector::parse(s).unwrap().matches_map(Some(&labels));
        assert!(t("app=x"));
        assert!(t("app==x,env!=dev"));
        assert!(!t("app=y"));
        assert!(t("env in (prod, staging)"));
        assert!(!t("env notin (prod)"));
        assert!(t("app,!missing"));
        assert!(!t("missing"));
        assert!(t("tier>2"));
        assert!(t("missing notin (a)"));
        assert!(t(""));
        assert!(LabelSelector::parse("app in prod").is_err());
        assert!(LabelSelector::parse("a b c").is_err());
        assert!(!LabelSelector::parse("app=x").unwrap().matches_map(None));
    }
}
