//! Which rows of a long list to put in the page: those on or near the screen (a list of 100,000
//! rows renders a few dozen). Rows have one fixed height; the caller measures how far the list
//! has scrolled past the top of the window.

use std::ops::Range;

/// Rows rendered above and below the screen, so that a quick flick shows no gap.
pub const OVERSCAN: usize = 12;

/// The range of rows moves in steps of this many, so that scrolling by a few pixels does not
/// redraw anything.
pub const STEP: usize = 8;

/// The rows, of `count` rows `row_height` tall, to render when the top of the list is
/// `scrolled_past` pixels above the top of a view `view_height` tall (negative: below it).
pub fn visible(
    count: usize,
    row_height: f64,
    scrolled_past: f64,
    view_height: f64,
) -> Range<usize> {
    if row_height.is_nan() || row_height <= 0.0 {
        return 0..count.min(STEP);
    }
    let first = (scrolled_past.max(0.0) / row_height)
        .floor()
        .min(usize::MAX as f64) as usize;
    let on_screen = (view_height.max(0.0) / row_height).ceil().min(1e6) as usize + 1;
    let start = first.saturating_sub(OVERSCAN) / STEP * STEP;
    let end = first
        .saturating_add(on_screen + OVERSCAN)
        .div_ceil(STEP)
        .saturating_mul(STEP);
    start.min(count)..end.min(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: f64 = 72.0;

    #[test]
    fn renders_the_screen_and_some_rows_around_it() {
        // At the top: the screen (800 px = 12 rows) and the overscan below, in whole steps.
        assert_eq!(visible(100_000, ROW, 0.0, 800.0), 0..32);
        // Far down: starts some rows above the first row on screen (row 10,000).
        let r = visible(100_000, ROW, 720_000.0, 800.0);
        assert!(r.start <= 10_000 - OVERSCAN && r.start >= 10_000 - OVERSCAN - STEP);
        assert!(r.end >= 10_000 + 12 + OVERSCAN);
        assert!(r.len() < 60, "{r:?}");
    }

    #[test]
    fn never_goes_past_the_end() {
        assert_eq!(visible(5, ROW, 0.0, 800.0), 0..5);
        assert_eq!(visible(0, ROW, 0.0, 800.0), 0..0);
        assert_eq!(visible(100, ROW, 1_000_000.0, 800.0), 100..100);
        assert_eq!(visible(100, ROW, f64::INFINITY, f64::INFINITY), 100..100);
        assert_eq!(visible(100, 0.0, 0.0, 800.0), 0..STEP);
        assert_eq!(visible(100, ROW, f64::NAN, f64::NAN), 0..16);
    }

    #[test]
    fn small_scrolls_keep_the_same_rows() {
        assert_eq!(
            visible(1000, ROW, 0.0, 800.0),
            visible(1000, ROW, 30.0, 800.0)
        );
        assert_eq!(
            visible(1000, ROW, 7200.0, 800.0),
            visible(1000, ROW, 7200.0 + ROW, 800.0)
        );
    }

    #[test]
    fn a_list_below_the_screen_renders_its_first_rows() {
        // The list starts 300 px below the top of the window.
        assert_eq!(visible(1000, ROW, -300.0, 800.0), 0..32);
    }
}
