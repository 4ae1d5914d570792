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

/// The day a number made at `now_ms` (UTC ms) carries, in the company's calendar.
pub fn day_of(now_ms: i64) -> String {
    let day = crate::query::calendar_day(now_ms, crate::query::COMPANY_OFFSET_MINUTES);
    let (y, m, d) = crate::formula::civil(i32::try_from(day).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

/// An auto-number field's prefix, whether it is dated, and its digits (`None` for other
/// fields).
pub fn of(field_type: &super::FieldType) -> Option<(&str, bool, u8)> {
    match field_type {
        super::FieldType::AutoNumber {
            prefix,
            date,
            digits,
        } => Some((prefix.as_str(), *date, *digits)),
        _ => None,
    }
}

/// Give a record created at `now_ms` the provisional number of each auto-number field among
/// `fields` (the server replaces them with final ones as it stores the record).
pub fn provide<'a>(
    fields: impl IntoIterator<Item = &'a super::FieldDef>,
    values: &mut serde_json::Map<String, serde_json::Value>,
    now_ms: i64,
) {
    let day = day_of(now_ms);
    for field in fields {
        if let Some((prefix, dated, _)) = of(&field.field_type) {
            let number = provisional(prefix, dated.then_some(day.as_str()));
            values.insert(
                field.key.as_str().to_owned(),
                serde_json::Value::String(number),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_records_get_provisional_numbers_dated_in_the_company_calendar() {
        use crate::schema::{FieldDef, FieldType, Labels};
        let contract = FieldDef::new(
            "number",
            Labels::new("编号", "Number"),
            FieldType::AutoNumber {
                prefix: "HT-".into(),
                date: true,
                digits: 4,
            },
        )
        .expect("a field");
        let plain =
            FieldDef::new("note", Labels::new("备注", "Note"), FieldType::Text).expect("a field");
        let mut values = serde_json::Map::new();
        // 2026-11-30 20:00 UTC is already 1 December in China.
        let now = 1_796_068_800_000;
        provide(&[contract, plain], &mut values, now);
        assert_eq!(
            values.get("number"),
            Some(&serde_json::json!("HT-20261201-…"))
        );
        assert_eq!(values.len(), 1);
        assert_eq!(day_of(now), "2026-12-01");
    }

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
