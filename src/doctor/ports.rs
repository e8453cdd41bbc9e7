//! (being written)
// Placeholder signature until the port check lands (replaced by the helper's file on merge).
pub fn probe_plan(_s: &super::Subject, _ev: &super::Evidence) -> Option<(String, String, u16)> {
    None
}
pub fn check(
    _s: &super::Subject,
    _ev: &super::Evidence,
    _now: jiff::Timestamp,
) -> Vec<super::Finding> {
    vec![]
}
