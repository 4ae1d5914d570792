//! Which rows of a long list to put in the page: those on or near the screen (a list of 100,000
//! rows renders a few dozen). Rows have one fixed height; the caller measures how far the list
//! has scrolled past the top of the window.

use std::borrow::Cow;
use std::cmp::Ordering;
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

/// A field's value as a list sorts it: numbers as numbers (amounts, sizes, dates as ms,
/// probabilities), then text, then empty values.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Number(f64),
    Text(String),
    Empty,
}

impl SortKey {
    /// The key of a field's text; only texts that are not numbers or dates are copied.
    pub fn of<'a>(text: impl Into<Cow<'a, str>>) -> Self {
        let text = text.into();
        if text.trim().is_empty() {
            return SortKey::Empty;
        }
        match Self::number(&text) {
            Some(n) => SortKey::Number(n),
            None => SortKey::Text(text.into_owned()),
        }
    }

    /// The number a text orders as (a date as its digits), if it is one; nothing copied.
    pub fn number(text: &str) -> Option<f64> {
        let trimmed = text.trim();
        if let Some(day) = iso_date(trimmed) {
            return Some(day);
        }
        let first = *trimmed.as_bytes().first()?;
        let numeric = first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.');
        if !numeric {
            return None;
        }
        trimmed.parse::<f64>().ok().filter(|n| n.is_finite())
    }

    /// A number that orders keys as [`SortKey`] does, up to the first eight bytes of a text
    /// (numbers, then texts, then empty values).
    fn prefix(&self) -> (u8, u64) {
        match self {
            SortKey::Number(n) => {
                // The IEEE 754 bits, flipped so that they order as the numbers do.
                let bits = n.to_bits();
                let ordered = if bits >> 63 == 1 {
                    !bits
                } else {
                    bits | (1 << 63)
                };
                (0, ordered)
            }
            SortKey::Text(t) => {
                let mut bytes = [0u8; 8];
                for (slot, b) in bytes.iter_mut().zip(t.as_bytes()) {
                    *slot = *b;
                }
                (1, u64::from_be_bytes(bytes))
            }
            SortKey::Empty => (2, 0),
        }
    }

    fn full_cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            _ => self.prefix().cmp(&other.prefix()),
        }
    }
}

/// `YYYY-MM-DD` as the number `YYYYMMDD` (which orders as the dates do).
fn iso_date(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r)?.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    Some(f64::from(y * 10_000 + m * 100 + d))
}

/// Positions `0..keys.len()` ordered by key, equal keys in position order (the list's order by
/// name). Most comparisons are of two integers; texts are compared whole only where their
/// first eight bytes agree, so 100,000 rows sort in a few milliseconds.
pub fn sort_positions(keys: &[SortKey]) -> Vec<u32> {
    let mut order: Vec<(u8, u64, u32)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let (class, prefix) = k.prefix();
            (class, prefix, u32::try_from(i).unwrap_or(u32::MAX))
        })
        .collect();
    order.sort_unstable();
    // Runs of texts with the same first eight bytes: order them by the whole text.
    let mut start = 0;
    while start < order.len() {
        let (class, prefix, _) = order[start];
        let end = order[start..]
            .iter()
            .position(|(c, p, _)| (*c, *p) != (class, prefix))
            .map_or(order.len(), |n| start + n);
        if class == 1 && end - start > 1 {
            order[start..end].sort_by(|a, b| {
                keys[a.2 as usize]
                    .full_cmp(&keys[b.2 as usize])
                    .then(a.2.cmp(&b.2))
            });
        }
        start = end;
    }
    order.into_iter().map(|(_, _, i)| i).collect()
}

/// "Contains what was typed, ignoring case", for a list filter run over every record: the
/// typed text is lowered once, and a record's text is lowered only when it holds a cased
/// letter and does not already contain it as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contains {
    wanted: Vec<u8>,
}

impl Contains {
    pub fn new(typed: &str) -> Self {
        Contains {
            wanted: typed.trim().to_lowercase().into_bytes(),
        }
    }

    pub fn matches(&self, have: &str) -> bool {
        holds(have.as_bytes(), &self.wanted)
            || (may_be_cased(have) && holds(have.to_lowercase().as_bytes(), &self.wanted))
    }
}

/// Whether `needle` occurs in `hay` (short needles in short texts: the first byte is looked
/// for, then the rest compared; nothing to set up per text).
fn holds(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    let last_start = hay.len() - needle.len();
    hay[..=last_start]
        .iter()
        .enumerate()
        .any(|(i, b)| *b == first && hay[i + 1..i + needle.len()] == *rest)
}

/// Whether `text` may hold an uppercase letter (Chinese characters, kana and Hangul have no
/// case, so they are not looked up).
fn may_be_cased(text: &str) -> bool {
    text.chars().any(|c| {
        let caseless =
            ('\u{3000}'..='\u{9FFF}').contains(&c) || ('\u{AC00}'..='\u{D7AF}').contains(&c);
        !caseless && c.is_uppercase()
    })
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

    #[test]
    fn keys_sort_numbers_then_texts_then_blanks_ties_by_position() {
        let keys: Vec<SortKey> = [
            "1200.5",
            "",
            "b",
            "900",
            "-3",
            "2026-01-02",
            "2026-01-10",
            "apple pie",
            "apple",
            "900",
            "abcdefghZ",
            "abcdefghA",
        ]
        .into_iter()
        .map(|t| SortKey::of(t.to_owned()))
        .collect();
        let sorted: Vec<u32> = sort_positions(&keys);
        assert_eq!(sorted, [4, 3, 9, 0, 5, 6, 11, 10, 8, 7, 2, 1]);
        // The same as sorting by the keys themselves.
        let mut slow: Vec<u32> = (0..keys.len() as u32).collect();
        slow.sort_by(|a, b| {
            keys[*a as usize]
                .full_cmp(&keys[*b as usize])
                .then(a.cmp(b))
        });
        assert_eq!(sorted, slow);
    }

    #[test]
    fn contains_ignores_case_in_any_script() {
        let manager = Contains::new(" 经理 ");
        assert!(manager.matches("采购经理"));
        assert!(manager.matches("经理"));
        assert!(!manager.matches("采购"));
        assert!(!manager.matches("经"));
        let ceo = Contains::new("CEO");
        assert!(ceo.matches("ceo"));
        assert!(ceo.matches("集团 CEO 助理"));
        assert!(ceo.matches("Ceo"));
        assert!(!ceo.matches("CE"));
        assert!(Contains::new("straße").matches("STRASSE straße"));
        assert!(Contains::new("ａｂ").matches("ＡＢ公司"));
        assert!(Contains::new("").matches("anything"));
        assert!(Contains::new("é").matches("CAFÉ"));
    }

    #[test]
    fn dates_are_numbers_and_only_texts_are_copied() {
        assert_eq!(SortKey::of("1980-06-15"), SortKey::Number(19_800_615.0));
        assert_eq!(SortKey::of(" 2026-12-31 "), SortKey::Number(20_261_231.0));
        assert_eq!(
            SortKey::of("2026-1-2"),
            SortKey::Text("2026-1-2".to_owned())
        );
        assert_eq!(
            SortKey::of("20a6-01-02"),
            SortKey::Text("20a6-01-02".to_owned())
        );
        assert_eq!(
            SortKey::of(Cow::Borrowed("经理")),
            SortKey::Text("经理".to_owned())
        );
    }
}
