//! Engine tests, one file per part; run with `cargo test --lib logs`.

mod buffer;
mod json;
mod props;
mod query;
mod sanitize;
mod source;
mod view;
