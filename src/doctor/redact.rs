//! (being written)
pub fn redact(line: &str) -> std::borrow::Cow<'_, str> {
    std::borrow::Cow::Borrowed(line)
}
