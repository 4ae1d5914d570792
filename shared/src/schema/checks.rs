//! Identity numbers of people and organisations in China, checked by their check characters:
//! the resident identity card number (GB 11643) and the unified social credit code (GB 32100).
//! Both are read as people type them: spaces and dashes dropped, lower case and full-width
//! characters from a Chinese input method accepted.

/// Characters as typed, normalised: full-width forms to ASCII, upper case, without spaces and
/// dashes.
fn normalise(raw: &str) -> String {
    raw.chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                _ => c,
            };
            (!matches!(c, ' ' | '-')).then(|| c.to_ascii_uppercase())
        })
        .collect()
}

/// Weights of the identity card number's first 17 digits.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum by 11.
const ID_CHECKS: &[u8; 11] = b"10X98765432";

/// A resident identity card number, 18 characters: 17 digits (the sixth to the fourteenth
/// are the birth date, which must be a real day) and a check character, a digit or `X`.
pub fn id_card(raw: &str) -> Option<String> {
    let id = normalise(raw);
    let bytes = id.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    if ID_CHECKS[(sum % 11) as usize] != bytes[17] {
        return None;
    }
    let number = |from: usize, to: usize| id[from..to].parse::<u32>().ok();
    let (year, month, day) = (number(6, 10)?, number(10, 12)?, number(12, 14)?);
    (1900..=2100).contains(&year).then_some(())?;
    (1..=12).contains(&month).then_some(())?;
    (1..=crate::records::fields::days_in(year, month))
        .contains(&day)
        .then_some(())?;
    Some(id)
}

/// The 31 characters of unified social credit codes (no I, O, S, V, Z), in the order of
/// their values.
const CODE_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the code's first 17 characters.
const CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code, 18 characters: 17 of [`CODE_CHARS`] and a check character.
pub fn credit_code(raw: &str) -> Option<String> {
    let code = normalise(raw);
    let values: Vec<u32> = code
        .bytes()
        .map(|b| CODE_CHARS.iter().position(|c| *c == b).map(|v| v as u32))
        .collect::<Option<_>>()?;
    if values.len() != 18 {
        return None;
    }
    let sum: u32 = values[..17]
        .iter()
        .zip(CODE_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    (values[17] == check).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check character that completes `first17` (for building valid cases).
    fn id_with_check(first17: &str) -> String {
        let sum: u32 = first17
            .bytes()
            .zip(ID_WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        format!("{first17}{}", ID_CHECKS[(sum % 11) as usize] as char)
    }

    #[test]
    fn identity_card_numbers() {
        // The standard's own example.
        assert_eq!(
            id_card("11010519491231002X").as_deref(),
            Some("11010519491231002X")
        );
        let cases: &[(&str, Option<&str>)] = &[
            ("11010519491231002x", Some("11010519491231002X")),
            ("110105 19491231 002X", Some("11010519491231002X")),
            (
                "１１０１０５１９４９１２３１００２Ｘ",
                Some("11010519491231002X"),
            ),
            // A wrong check character, a typo in a digit, too short, letters.
            ("110105194912310021", None),
            ("11010519491231012X", None),
            ("11010519491231002", None),
            ("A1010519491231002X", None),
            ("", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(id_card(raw).as_deref(), *expected, "{raw}");
        }
        // The birth date must be a day of the calendar, the checksum notwithstanding.
        assert!(id_card(&id_with_check("11010520000229001")).is_some());
        assert!(id_card(&id_with_check("11010519000229001")).is_none());
        assert!(id_card(&id_with_check("11010519491301001")).is_none());
        assert!(id_card(&id_with_check("11010518491231001")).is_none());
    }

    #[test]
    fn unified_social_credit_codes() {
        let cases: &[(&str, Option<&str>)] = &[
            ("91350100M000100Y43", Some("91350100M000100Y43")),
            ("91350100m000100y43", Some("91350100M000100Y43")),
            ("9135 0100-M000 100Y 43", Some("91350100M000100Y43")),
            // A wrong check character; a letter the code does not use (I); too long.
            ("91350100M000100Y44", None),
            ("91350100M000100I43", None),
            ("91350100M000100Y431", None),
            ("", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(credit_code(raw).as_deref(), *expected, "{raw}");
        }
    }
}
