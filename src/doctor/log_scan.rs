//! (being written)
pub fn check(
    _s: &super::Subject,
    _ev: &super::Evidence,
    _rules: &super::rules::RulePack,
) -> Vec<super::Finding> {
    vec![]
}
