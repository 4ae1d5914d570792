//! Auto numbers (`HT-20261130-0001`): a prefix, the day when the field asks for it, and a
//! sequence. The server assigns the final number when the record reaches it, counting per
//! prefix and (when dated) per day; a device offline shows a provisional one until then, which
//! says it is provisional rather than guessing a sequence someone else may take.

/// Most digits of a sequence (numbers past them keep growing rather than wrap).
pub const DIGITS_MAX: u8 = 12;

/// The number `sequence` of a field with `prefix`, `digits` and, when `day` is given
/// (`YYYY-MM-DD`), the day in the middle: `HT-20261130-0001`.
pub fn number(prefix: &str, day: Option<&str>, digits: u8, sequence: u64) -> String {
    let width = usize::from(digits.clamp(1, DIGITS_MAX));
    let day: String = day
        .map(|d| d.chars().filter(char::is_ascii_digit).collect())
        .unwrap_or_default();
    match day.is_empty() {
        true => format!("{prefix}{sequence:0width$}"),
        false => format!("{prefix}{day}-{sequence:0width$}"),
    }
}

/// What a device shows before the server has numbered the record: the same shape with the
/// sequence left open (`HT-20261130-…`).
pub fn provisional(prefix: &str, day: Option<&str>) -> String {
    let day: String = day
        .map(|d| d.chars().filter(char::is_ascii_digit).collect())
        .unwrap_or_default();
    match day.is_empty() {
        true => format!("{prefix}…"),
        false => format!("{prefix}{day}-…"),
    }
}

/// Whether `text` is a provisional number (to be replaced by the server's).
pub fn is_provisional(text: &str) -> bool {
    text.ends_with('…')
}

/// The counter a number draws from: per prefix, and per day when dated (so that each day
/// starts again at 1).
pub fn counter(prefix: &str, day: Option<&str>) -> String {
    match day {
        Some(d) => format!("{prefix}|{d}"),
        None => prefix.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_provisional_numbers() {
        assert_eq!(number("HT-", Some("2026-11-30"), 4, 1), "HT-20261130-0001");
        assert_eq!(number("HT-", None, 4, 27), "HT-0027");
        // Past its digits a sequence keeps growing.
        assert_eq!(number("Q", None, 2, 123), "Q123");
        assert_eq!(number("", None, 0, 5), "5");
        assert_eq!(provisional("HT-", Some("2026-11-30")), "HT-20261130-…");
        assert_eq!(provisional("HT-", None), "HT-…");
        assert!(is_provisional(&provisional("HT-", None)));
        assert!(!is_provisional(&number("HT-", None, 4, 1)));
        // Each day counts on its own; undated numbers share one counter.
        assert_ne!(
            counter("HT-", Some("2026-11-30")),
            counter("HT-", Some("2026-12-01"))
        );
        assert_eq!(counter("HT-", None), "HT-");
    }
}
