//! Exact decimal numbers for formulas: `units` × 10^-`scale`, so that `0.1 + 0.2` is `0.3` and
//! money adds up to the fen.

use std::cmp::Ordering;

/// Most digits after the point a result keeps (division and products round to it).
pub const SCALE_MAX: u32 = 10;
/// Largest magnitude of `units`: with [`SCALE_MAX`] more digits it still fits an `i128`, so
/// numbers of any two scales compare and add without overflow.
const UNITS_MAX: i128 = 10i128.pow(26);

#[derive(Debug, Clone, Copy)]
pub struct Dec {
    units: i128,
    scale: u32,
}

impl PartialEq for Dec {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Dec {}

impl PartialOrd for Dec {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Dec {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.at_scale(scale).cmp(&other.at_scale(scale))
    }
}

impl Dec {
    pub const ZERO: Dec = Dec { units: 0, scale: 0 };

    pub fn new(units: i128, scale: u32) -> Option<Dec> {
        (units.abs() <= UNITS_MAX && scale <= SCALE_MAX).then_some(Dec { units, scale })
    }

    pub fn from_int(n: i64) -> Dec {
        Dec {
            units: i128::from(n),
            scale: 0,
        }
    }

    /// A number as written in a formula: digits with at most one point.
    pub fn parse(text: &str) -> Option<Dec> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() || fraction.len() > SCALE_MAX as usize {
            return None;
        }
        let digits = format!("{whole}{fraction}");
        if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 26 {
            return None;
        }
        Dec::new(digits.parse().ok()?, fraction.len() as u32)
    }

    /// `units` at the finer `scale` (which must not be coarser than this one's).
    fn at_scale(self, scale: u32) -> i128 {
        self.units * 10i128.pow(scale - self.scale)
    }

    pub fn units(self) -> i128 {
        self.units
    }

    pub fn scale(self) -> u32 {
        self.scale
    }

    pub fn is_zero(self) -> bool {
        self.units == 0
    }

    pub fn checked_add(self, other: Dec) -> Option<Dec> {
        let scale = self.scale.max(other.scale);
        Dec::new(self.at_scale(scale) + other.at_scale(scale), scale)
    }

    pub fn negated(self) -> Dec {
        Dec {
            units: -self.units,
            scale: self.scale,
        }
    }

    pub fn checked_sub(self, other: Dec) -> Option<Dec> {
        self.checked_add(other.negated())
    }

    pub fn checked_mul(self, other: Dec) -> Option<Dec> {
        let units = self.units.checked_mul(other.units)?;
        Dec {
            units,
            scale: self.scale + other.scale,
        }
        .round(SCALE_MAX)
    }

    /// `self / other` to [`SCALE_MAX`] digits, rounded half away from zero; `None` when
    /// `other` is zero or the result is too large.
    pub fn checked_div(self, other: Dec) -> Option<Dec> {
        if other.units == 0 {
            return None;
        }
        // self.units × 10^(SCALE_MAX + 1 + other.scale − self.scale) / other.units gives
        // the quotient with one more digit than kept, for rounding.
        let shift = SCALE_MAX + 1 + other.scale;
        let numerator = if shift >= self.scale {
            self.units
                .checked_mul(10i128.checked_pow(shift - self.scale)?)?
        } else {
            self.units / 10i128.pow(self.scale - shift)
        };
        let quotient = numerator / other.units;
        let rounded = (quotient + quotient.signum() * 5) / 10;
        Dec::new(rounded, SCALE_MAX).map(Dec::trimmed)
    }

    /// Rounded half away from zero to `digits` after the point (no change when it has fewer).
    pub fn round(self, digits: u32) -> Option<Dec> {
        if self.scale <= digits {
            return Dec::new(self.units, self.scale);
        }
        let factor = 10i128.pow(self.scale - digits);
        let half = factor / 2;
        let units = self.units.checked_add(self.units.signum() * half)? / factor;
        Dec::new(units, digits)
    }

    /// The same number without trailing zeros after the point.
    pub fn trimmed(self) -> Dec {
        let mut d = self;
        while d.scale > 0 && d.units % 10 == 0 {
            d.units /= 10;
            d.scale -= 1;
        }
        d
    }

    /// Whole units, when the number is whole and fits.
    pub fn to_i64(self) -> Option<i64> {
        let d = self.trimmed();
        if d.scale == 0 {
            i64::try_from(d.units).ok()
        } else {
            None
        }
    }
}

impl std::fmt::Display for Dec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.trimmed();
        let sign = if d.units < 0 { "-" } else { "" };
        let digits = d.units.unsigned_abs().to_string();
        let scale = d.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Dec {
        match text.strip_prefix('-') {
            Some(rest) => Dec::parse(rest).expect("number").negated(),
            None => Dec::parse(text).expect("number"),
        }
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(d("0.1").checked_add(d("0.2")), Some(d("0.3")));
        assert_eq!(
            d("0.1").checked_add(d("0.2")).map(|x| x.to_string()),
            Some("0.3".into())
        );
        assert_eq!(
            d("1.10").checked_sub(d("2")).map(|x| x.to_string()),
            Some("-0.9".into())
        );
        assert_eq!(
            d("1.5").checked_mul(d("1.5")).map(|x| x.to_string()),
            Some("2.25".into())
        );
        assert_eq!(
            d("10").checked_div(d("4")).map(|x| x.to_string()),
            Some("2.5".into())
        );
        assert_eq!(
            d("1").checked_div(d("3")).map(|x| x.to_string()),
            Some("0.3333333333".into())
        );
        assert_eq!(
            d("2").checked_div(d("3")).map(|x| x.to_string()),
            Some("0.6666666667".into())
        );
        assert_eq!(
            d("-2").checked_div(d("3")).map(|x| x.to_string()),
            Some("-0.6666666667".into())
        );
        assert_eq!(d("1").checked_div(d("0")), None);
        assert_eq!(
            d("2.345").round(2).map(|x| x.to_string()),
            Some("2.35".into())
        );
        assert_eq!(
            d("-2.345").round(2).map(|x| x.to_string()),
            Some("-2.35".into())
        );
        assert_eq!(d("2.344").round(0).map(|x| x.to_string()), Some("2".into()));
        assert!(d("2").cmp(&d("10")) == Ordering::Less);
        assert_eq!(d("3.000").to_i64(), Some(3));
        assert_eq!(d("3.5").to_i64(), None);
        // Too large is refused, not wrapped.
        let big = d("99999999999999999999999");
        assert_eq!(big.checked_mul(big), None);
        assert_eq!(Dec::parse("1.2.3"), None);
        assert_eq!(Dec::parse(".5"), None);
    }
}
