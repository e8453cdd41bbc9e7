//! The pure log engine: a bounded buffer of sanitised lines from many streams, queries with
//! grep-style context, an incrementally updated view, JSON readability helpers.
//! No I/O, no runtime, no terminal (tests/logs_boundary.rs enforces it).

pub mod buffer;
pub mod json;
pub mod presets;
pub mod query;
pub mod sanitize;
pub mod source;
pub mod view;

pub use buffer::{LineKind, LogBuffer, LogLine, Source, SourceId};
pub use presets::{Preset, Presets};
pub use query::{Mode, Query};
pub use sanitize::{Clean, Colour, Sgr, clean};
pub use view::View;

#[cfg(test)]
mod tests;
