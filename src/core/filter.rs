//! The `/` filter: a case-insensitive regex, `!regex` to invert, or `-l selector` for labels.

use regex::{Regex, RegexBuilder};

use super::labels::LabelSelector;

#[derive(Clone, Debug, Default)]
pub enum Filter {
    #[default]
    None,
    Regex {
        re: Regex,
        inverse: bool,
    },
    Labels(LabelSelector),
}

impl Filter {
    /// Parse filter text; an error says what is wrong so the UI can show it inline.
    pub fn parse(text: &str) -> Result<Filter, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Filter::None);
        }
        if let Some(sel) = text.strip_prefix("-l") {
            let sel = sel.trim();
            if sel.is_empty() {
                return Err("-l needs a label selector, e.g. -l app=iris,env!=dev".into());
            }
            return LabelSelector::parse(sel).map(Filter::Labels);
        }
        let (pattern, inverse) = match text.strip_prefix('!') {
            Some(p) => (p, true),
            None => (text, false),
        };
        let re = RegexBuilder::new(pattern)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| {
                format!(
                    "invalid regex: {}",
                    e.to_string().lines().last().unwrap_or("")
                )
            })?;
        Ok(Filter::Regex { re, inverse })
    }

    /// Does a row with this text (name, status...) and these labels pass?
    pub fn matches(
        &self,
        text: &str,
        labels: Option<&std::collections::BTreeMap<String, String>>,
    ) -> bool {
        match self {
            Filter::None => true,
            Filter::Regex { re, inverse } => re.is_match(text) != *inverse,
            Filter::Labels(sel) => sel.matches_map(labels),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let f = Filter::parse("KANIKO").unwrap();
        assert!(f.matches("iris-demo-kaniko-2925953904", None));
        assert!(!f.matches("iris-demo-train-1086554222", None));
        let inv = Filter::parse("!kaniko").unwrap();
        assert!(inv.matches("iris-demo-train", None));
        assert!(
            Filter::parse("(unclosed")
                .unwrap_err()
                .starts_with("invalid regex")
        );
        assert!(Filter::parse("-l").is_err());
        let labels = [("app".to_string(), "x".to_string())].into_iter().collect();
        assert!(
            Filter::parse("-l app=x")
                .unwrap()
                .matches("whatever", Some(&labels))
        );
        assert!(
            !Filter::parse("-l app!=x")
                .unwrap()
                .matches("whatever", Some(&labels))
        );
    }
}
