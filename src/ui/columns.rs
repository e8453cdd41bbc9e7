//! Column widths for every table, shared by content: no value is cut while a column has room
//! that no value uses.
//!
//! Each column starts as wide as its header and its widest visible value. When that does not
//! fit, columns give way in this order:
//! 1. a column with nothing to show on screen gives up all its room (header too);
//! 2. `weak` columns (long texts the details show whole: a message, a namespace) are cut, the
//!    widest first, down to their minimum;
//! 3. headers wider than their column's values are cut to a few letters ("DURA…"), the most
//!    spare first, before any other value is;
//! 4. every column is cut, the widest first, down to its minimum.
//!
//! Cells are cut to the width they got with `core::text::ellipsis`, headers too
//! (`super::header_row`).

/// Space between two columns (`super::render_table`'s column spacing).
pub const SPACING: usize = 1;

/// The fewest characters a header is cut to while its values fit ("DUR…").
const HEADER_MIN: usize = 4;

/// One column: its header's width, its widest visible value, how narrow cutting values may
/// make it, and whether it gives way before the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Col {
    pub header: usize,
    pub content: usize,
    pub min: usize,
    pub weak: bool,
}

impl Col {
    /// A column sized to `header` and the widest of `values` (in characters, as cells are cut).
    pub fn new<'a>(header: &str, values: impl IntoIterator<Item = &'a str>) -> Col {
        let content = values
            .into_iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0);
        Col::sized(header, content)
    }

    /// A column whose widest value is `content` characters.
    pub fn sized(header: &str, content: usize) -> Col {
        let header = header.chars().count();
        Col {
            header,
            content,
            min: header.min(HEADER_MIN),
            weak: false,
        }
    }

    /// Values are not cut below `min` characters (unless every column is at its minimum).
    pub fn min(self, min: usize) -> Col {
        Col { min, ..self }
    }

    /// Gives way before the other columns when values must be cut.
    pub fn weak(self) -> Col {
        Col { weak: true, ..self }
    }

    /// What the column needs to show its header and values whole.
    pub fn want(&self) -> usize {
        self.header.max(self.content)
    }
}

/// The widths of `cols` in a table `width` characters wide (see the module docs). The sum may
/// exceed `width` only when every column is at its minimum; the table then clips at the right.
pub fn widths(cols: &[Col], width: u16) -> Vec<u16> {
    let n = cols.len();
    let avail = (width as usize).saturating_sub(SPACING * n.saturating_sub(1));
    let mut w: Vec<usize> = cols.iter().map(Col::want).collect();
    let mut over = w.iter().sum::<usize>().saturating_sub(avail);
    let mins: Vec<usize> = cols.iter().map(|c| c.min).collect();
    let spare = |w: usize, floor: usize| w - floor;
    let widest = |w: usize, _| w;
    // 1. Columns with nothing to show.
    let empty: Vec<usize> = cols
        .iter()
        .map(|c| if c.content == 0 { 0 } else { c.want() })
        .collect();
    shrink(&mut w, &empty, &mut over, |_| true, spare);
    // 2. Weak columns.
    shrink(&mut w, &mins, &mut over, |i| cols[i].weak, widest);
    // 3. Headers wider than their values.
    let headers: Vec<usize> = cols
        .iter()
        .map(|c| c.content.max(c.header.min(HEADER_MIN)))
        .collect();
    shrink(&mut w, &headers, &mut over, |_| true, spare);
    // 4. Everything.
    shrink(&mut w, &mins, &mut over, |_| true, widest);
    w.into_iter()
        .map(|x| u16::try_from(x).unwrap_or(u16::MAX))
        .collect()
}

/// Take `over` characters from the columns `pick` allows, one at a time from the one `key`
/// ranks highest (ties: the rightmost), none below its `floor`.
fn shrink(
    w: &mut [usize],
    floor: &[usize],
    over: &mut usize,
    pick: impl Fn(usize) -> bool,
    key: impl Fn(usize, usize) -> usize,
) {
    while *over > 0 {
        let Some(i) = (0..w.len())
            .filter(|&i| pick(i) && w[i] > floor[i])
            .max_by_key(|&i| (key(w[i], floor[i]), i))
        else {
            return;
        };
        w[i] -= 1;
        *over -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(header: &str, content: usize) -> Col {
        Col::sized(header, content)
    }

    #[test]
    fn everything_fits_whole() {
        let cols = [col("NAME", 10), col("AGE", 2)];
        assert_eq!(widths(&cols, 80), [10, 3]);
    }

    #[test]
    fn an_empty_column_gives_its_room_before_a_value_is_cut() {
        // POD needs 33, MESSAGE shows nothing: MESSAGE goes, POD stays whole.
        let cols = [col("STEP", 12), col("POD", 33), col("MESSAGE", 0).weak()];
        assert_eq!(widths(&cols, 12 + 1 + 33 + 1 + 3), [12, 33, 3]);
        assert_eq!(widths(&cols, 12 + 1 + 33 + 1), [12, 33, 0]);
    }

    #[test]
    fn a_header_wider_than_its_values_is_cut_before_a_value() {
        // DURATION over "72s": "DURA…" gives three characters to NAME.
        let cols = [col("NAME", 30), col("DURATION", 3)];
        assert_eq!(widths(&cols, 30 + 1 + 5), [30, 5]);
        // The header keeps a few letters even when values are then cut.
        assert_eq!(widths(&cols, 20), [15, 4]);
        // A weak column's values are cut before a header is.
        let cols = [
            col("NAME", 10),
            col("DURATION", 3),
            col("MESSAGE", 40).weak().min(7),
        ];
        assert_eq!(widths(&cols, 10 + 1 + 8 + 1 + 20), [10, 8, 20]);
        assert_eq!(widths(&cols, 10 + 1 + 8 + 1 + 5), [10, 6, 7]);
    }

    #[test]
    fn weak_columns_give_way_first_then_the_widest() {
        let cols = [
            col("NAME", 20).min(8),
            col("MESSAGE", 40).weak().min(7),
            col("STATUS", 10).min(6),
        ];
        // 70 wanted, 60 there: only MESSAGE is cut.
        assert_eq!(widths(&cols, 62), [20, 30, 10]);
        // MESSAGE down to its 7, then NAME (the widest) until it meets STATUS, then by turns.
        assert_eq!(widths(&cols, 29), [10, 7, 10]);
        assert_eq!(widths(&cols, 27), [9, 7, 9]);
        // Every column at its minimum: the table clips at the right.
        assert_eq!(widths(&cols, 10), [8, 7, 6]);
    }
}
