//! Money and dates as people of each locale read them: `¥1,200.50` and `2026年12月31日` in
//! Chinese, `CN¥1,200.50` and `Dec 31, 2026` in English. Amounts are never converted; the
//! currency is always shown.

use crate::i18n::Locale;

/// The symbol of a currency in a locale, or `None` to write its code.
fn symbol(currency: &str, locale: Locale) -> Option<&'static str> {
    let zh = locale == Locale::ZhCn;
    Some(match currency {
        "CNY" if zh => "¥",
        "CNY" => "CN¥",
        "USD" if zh => "US$",
        "USD" => "$",
        "HKD" => "HK$",
        "TWD" => "NT$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" if zh => "JP¥",
        "JPY" => "¥",
        _ => return None,
    })
}

/// `hundredths` of `currency` (fen for CNY), grouped by thousands, cents shown when there are
/// any: `¥1,200,000.50`, `US$999`, `CHF 12.30`.
pub fn money(locale: Locale, currency: &str, hundredths: i64) -> String {
    let grouped = grouped(&(hundredths / 100).unsigned_abs().to_string());
    let cents = (hundredths % 100).unsigned_abs();
    let number = if cents == 0 {
        grouped
    } else {
        format!("{grouped}.{cents:02}")
    };
    let sign = if hundredths < 0 { "-" } else { "" };
    match symbol(currency, locale) {
        Some(symbol) => format!("{sign}{symbol}{number}"),
        None => format!("{sign}{currency} {number}"),
    }
}

/// Digits with a comma between each group of three: `1234567` → `1,234,567`.
pub(crate) fn grouped(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar day: `2026年12月31日`, `Dec 31, 2026`.
pub fn day(locale: Locale, year: i32, month: u32, day: u32) -> String {
    match locale {
        Locale::ZhCn => format!("{year}年{month}月{day}日"),
        Locale::En => {
            let name = month
                .checked_sub(1)
                .and_then(|m| MONTHS.get(m as usize))
                .copied()
                .unwrap_or("?");
            format!("{name} {day}, {year}")
        }
    }
}

/// A stored `YYYY-MM-DD` as [`day`] writes it (anything else as it is).
pub fn date(locale: Locale, iso: &str) -> String {
    let parts: Vec<&str> = iso.trim().split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            match (y.parse(), m.parse(), d.parse()) {
                (Ok(y), Ok(m @ 1..=12), Ok(d @ 1..=31)) => day(locale, y, m, d),
                _ => iso.to_owned(),
            }
        }
        _ => iso.to_owned(),
    }
}

/// A moment on the device's clock: `2026年12月31日 14:05`, `Dec 31, 2026 14:05`.
pub fn date_time(locale: Locale, year: i32, month: u32, d: u32, hour: u32, minute: u32) -> String {
    format!("{} {hour:02}:{minute:02}", day(locale, year, month, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_each_locale() {
        let cases = [
            (Locale::ZhCn, "CNY", 120_000_050, "¥1,200,000.50"),
            (Locale::En, "CNY", 120_000_050, "CN¥1,200,000.50"),
            (Locale::ZhCn, "USD", 99_900, "US$999"),
            (Locale::En, "USD", 99_900, "$999"),
            (Locale::En, "EUR", 5, "€0.05"),
            (Locale::ZhCn, "CHF", 1_230, "CHF 12.30"),
            (Locale::ZhCn, "CNY", -150, "-¥1.50"),
            (Locale::ZhCn, "CNY", 0, "¥0"),
            (Locale::En, "CNY", i64::MIN, "-CN¥92,233,720,368,547,758.08"),
        ];
        for (locale, currency, amount, shown) in cases {
            assert_eq!(
                money(locale, currency, amount),
                shown,
                "{currency} {amount}"
            );
        }
    }

    #[test]
    fn dates_in_each_locale() {
        assert_eq!(date(Locale::ZhCn, "2026-12-31"), "2026年12月31日");
        assert_eq!(date(Locale::En, "2026-01-05"), "Jan 5, 2026");
        assert_eq!(date(Locale::En, "2026-13-05"), "2026-13-05");
        assert_eq!(date(Locale::En, "soon"), "soon");
        assert_eq!(
            date_time(Locale::En, 2026, 12, 31, 9, 5),
            "Dec 31, 2026 09:05"
        );
        assert_eq!(
            date_time(Locale::ZhCn, 2026, 2, 1, 14, 30),
            "2026年2月1日 14:30"
        );
    }
}
