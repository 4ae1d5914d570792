//! Parsers for the values CRM records hold, from what a person typed (or an API client sent)
//! to a checked value. Each returns a [`Problem`] the form shows next to the field.

use crate::problem::{Problem, bounded_text, char_len};

/// Longest one-line text (names, titles, sources), in characters.
pub const LINE_MAX: usize = 200;
/// Longest free text (notes, descriptions), in characters.
pub const TEXT_MAX: usize = 5000;
/// Most tags on one record, and longest tag.
pub const TAGS_MAX: usize = 20;
pub const TAG_MAX: usize = 30;
/// Largest money amount, in yuan (or the deal currency's main unit).
pub const AMOUNT_MAX: i64 = 1_000_000_000_000;

/// A required one-line text.
pub fn line(raw: &str) -> Result<String, Problem> {
    bounded_text(raw, LINE_MAX).map(str::to_owned)
}

/// An optional one-line text: blank means empty.
pub fn optional_line(raw: &str) -> Result<String, Problem> {
    optional(raw, LINE_MAX)
}

/// Free text (newlines and tabs allowed), blank means empty.
pub fn text(raw: &str) -> Result<String, Problem> {
    let trimmed = raw.trim();
    if char_len(trimmed) > TEXT_MAX {
        return Err(Problem::TooLong { max: TEXT_MAX });
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(Problem::ControlCharacters);
    }
    Ok(trimmed.to_owned())
}

fn optional(raw: &str, max: usize) -> Result<String, Problem> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    bounded_text(raw, max).map(str::to_owned)
}

/// Tags separated by commas (ASCII or Chinese) or semicolons; duplicates dropped, order kept.
pub fn tags(raw: &str) -> Result<Vec<String>, Problem> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split([',', '，', ';', '；', '、']) {
        let tag = part.trim();
        if tag.is_empty() {
            continue;
        }
        let tag = bounded_text(tag, TAG_MAX)?.to_owned();
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > TAGS_MAX {
        return Err(Problem::TooMany { max: TAGS_MAX });
    }
    Ok(out)
}

/// The text form of tags, as [`tags`] reads it back.
pub fn tags_text(tags: &[String]) -> String {
    tags.join(", ")
}

/// The tags text `current` with `tag` added at the end (unchanged when already there).
pub fn add_tag(current: &str, tag: &str) -> String {
    let tag = tag.trim();
    let mut all: Vec<String> = tags(current).unwrap_or_default();
    if !tag.is_empty() && !all.iter().any(|t| t == tag) {
        all.push(tag.to_owned());
    }
    tags_text(&all)
}

/// A money amount in the main unit with at most two decimals (`12000`, `1,200.50`, `￥300`),
/// kept in hundredths (fen for CNY). Blank means none. Negative amounts are refused.
pub fn amount(raw: &str) -> Result<Option<i64>, Problem> {
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '¥' | '￥' | '$' | '€'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            other => other,
        })
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    if cleaned.starts_with('-') {
        return Err(Problem::Negative);
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || digits(fraction)) || fraction.len() > 2 {
        return Err(Problem::InvalidAmount);
    }
    let whole: i64 = whole.parse().map_err(|_| Problem::InvalidAmount)?;
    if whole > AMOUNT_MAX {
        return Err(Problem::InvalidAmount);
    }
    let cents: i64 = format!("{fraction:0<2}")
        .parse()
        .map_err(|_| Problem::InvalidAmount)?;
    Ok(Some(whole * 100 + cents))
}

/// An amount in hundredths as [`amount`] reads it back (`1200.5` → `1200.50`).
pub fn amount_text(hundredths: Option<i64>) -> String {
    match hundredths {
        None => String::new(),
        Some(v) if v % 100 == 0 => (v / 100).to_string(),
        Some(v) => format!("{}.{:02}", v / 100, v % 100),
    }
}

/// A currency as an ISO 4217 code (`CNY`, `usd`); blank means CNY.
pub fn currency(raw: &str) -> Result<String, Problem> {
    let code = raw.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Ok("CNY".to_owned());
    }
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(Problem::InvalidCurrency)
    }
}

/// A calendar date as `YYYY-MM-DD` (also `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYY年M月D日`); blank
/// means none. Kept as `YYYY-MM-DD`, which sorts by date.
pub fn date(raw: &str) -> Result<Option<String>, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = s
        .trim_end_matches('日')
        .split(['-', '/', '.', '年', '月'])
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(Problem::InvalidDate);
    };
    let number = |p: &str, max_len: usize| -> Result<u32, Problem> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::InvalidDate);
        }
        p.parse().map_err(|_| Problem::InvalidDate)
    };
    let (y, m, d) = (number(y, 4)?, number(m, 2)?, number(d, 2)?);
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in(y, m) {
        return Err(Problem::InvalidDate);
    }
    Ok(Some(format!("{y:04}-{m:02}-{d:02}")))
}

/// Days in `month` (1–12) of `year`.
pub(crate) fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A whole percentage 0–100; blank means none.
pub fn percent(raw: &str) -> Result<Option<u8>, Problem> {
    let s = raw.trim().trim_end_matches(['%', '％']).trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<u8>() {
        Ok(p) if p <= 100 => Ok(Some(p)),
        _ => Err(Problem::OutOfRange { min: 0, max: 100 }),
    }
}

/// A whole number of at least 0; blank means none.
pub fn count(raw: &str) -> Result<Option<u32>, Problem> {
    let s = raw.trim().replace([',', '，'], "");
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<u32>().map(Some).map_err(|_| Problem::Invalid)
}

/// A moment as UTC milliseconds (what a date-time picker sends); blank means none.
pub fn instant(raw: &str) -> Result<Option<i64>, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i64>() {
        Ok(ms) if ms > 0 => Ok(Some(ms)),
        _ => Err(Problem::Invalid),
    }
}

/// One of `choices` by its key; blank means `None`.
pub fn choice<T: Copy>(raw: &str, choices: &[(T, &str)]) -> Result<Option<T>, Problem> {
    let key = raw.trim();
    if key.is_empty() {
        return Ok(None);
    }
    choices
        .iter()
        .find(|(_, k)| k.eq_ignore_ascii_case(key))
        .map(|(v, _)| Some(*v))
        .ok_or(Problem::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        let cases = [
            ("", Ok(None)),
            ("12000", Ok(Some(1_200_000))),
            ("1,200.5", Ok(Some(120_050))),
            ("￥300.05", Ok(Some(30_005))),
            ("１２０", Ok(Some(12_000))),
            ("-5", Err(Problem::Negative)),
            ("1.234", Err(Problem::InvalidAmount)),
            ("12元", Err(Problem::InvalidAmount)),
            ("1e5", Err(Problem::InvalidAmount)),
            (".5", Err(Problem::InvalidAmount)),
            ("99999999999999", Err(Problem::InvalidAmount)),
        ];
        for (raw, expected) in cases {
            assert_eq!(amount(raw), expected, "{raw}");
        }
        assert_eq!(amount_text(Some(120_050)), "1200.50");
        assert_eq!(amount_text(Some(1_200_000)), "12000");
        assert_eq!(amount(&amount_text(Some(30_005))), Ok(Some(30_005)));
    }

    #[test]
    fn dates() {
        let cases = [
            ("", Ok(None)),
            ("2026-11-23", Ok(Some("2026-11-23"))),
            ("2026/1/5", Ok(Some("2026-01-05"))),
            ("2026年1月5日", Ok(Some("2026-01-05"))),
            ("2024-02-29", Ok(Some("2024-02-29"))),
            ("2026-02-29", Err(Problem::InvalidDate)),
            ("2026-13-01", Err(Problem::InvalidDate)),
            ("23/11/2026", Err(Problem::InvalidDate)),
            ("next friday", Err(Problem::InvalidDate)),
            ("2026-11", Err(Problem::InvalidDate)),
        ];
        for (raw, expected) in cases {
            assert_eq!(date(raw), expected.map(|d| d.map(str::to_owned)), "{raw}");
        }
    }

    #[test]
    fn tags_split_on_any_comma_and_drop_duplicates() {
        assert_eq!(
            tags("VIP，重点客户, VIP;华东、 "),
            Ok(vec![
                "VIP".to_owned(),
                "重点客户".to_owned(),
                "华东".to_owned()
            ])
        );
        assert_eq!(
            tags(&(0..21).map(|i| i.to_string()).collect::<Vec<_>>().join(",")),
            Err(Problem::TooMany { max: TAGS_MAX })
        );
    }

    #[test]
    fn small_values() {
        assert_eq!(percent("60%"), Ok(Some(60)));
        assert_eq!(
            percent("101"),
            Err(Problem::OutOfRange { min: 0, max: 100 })
        );
        assert_eq!(currency(""), Ok("CNY".to_owned()));
        assert_eq!(currency("usd"), Ok("USD".to_owned()));
        assert_eq!(currency("元"), Err(Problem::InvalidCurrency));
        assert_eq!(count("1,200"), Ok(Some(1200)));
        assert_eq!(count("-1"), Err(Problem::Invalid));
        assert_eq!(text("第一行\n第二行"), Ok("第一行\n第二行".to_owned()));
        assert_eq!(optional_line("a\nb"), Err(Problem::ControlCharacters));
    }

    #[test]
    fn a_tag_is_added_once() {
        assert_eq!(super::add_tag("重点, 华东", " 展会 "), "重点, 华东, 展会");
        assert_eq!(super::add_tag("重点, 展会", "展会"), "重点, 展会");
        assert_eq!(super::add_tag("", "展会"), "展会");
        assert_eq!(super::add_tag("a", " "), "a");
    }
}
