//! Exact decimal text <-> scaled integers, without floating point.
//!
//! Money is kept in nano-dollars (10^-9 USD) in an `i64`: up to about $9.2 billion.

use serde::Serialize;

/// Nano-dollars in a dollar.
pub const NANOS_PER_USD: i64 = 1_000_000_000;

/// Parses decimal text (`12`, `0.30`, `-1.5`, `3.75e-06`, `1E3`) into an integer scaled by
/// 10^`scale`, rounding half to even past the scale (looking at every dropped digit). `None`
/// for anything else, or for a value that does not fit in an `i128`.
pub fn parse_decimal(text: &str, scale: u32) -> Option<i128> {
    let s = text.trim();
    let (neg, s) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    // value = digits × 10^(exp - frac.len()); scaled = value × 10^scale
    let shift = exp as i64 - frac.len() as i64 + scale as i64;
    let mut value: i128 = 0;
    let keep = if shift >= 0 {
        digits.len()
    } else {
        digits.len().saturating_sub((-shift) as usize)
    };
    for &d in &digits[..keep] {
        value = value.checked_mul(10)?.checked_add(d as i128)?;
    }
    if shift > 0 {
        if shift > 38 && value != 0 {
            return None;
        }
        for _ in 0..shift.min(38) {
            value = value.checked_mul(10)?;
        }
    } else if shift < 0 {
        // half to even: above half rounds up, exactly half rounds to the even neighbour
        let dropped = (-shift) as usize;
        let first = digits.len().checked_sub(dropped);
        let (lead, rest) = match first {
            Some(i) => (digits[i], &digits[i + 1..]),
            None => (0, &digits[..]),
        };
        let rest_zero = rest.iter().all(|d| *d == 0);
        let up = lead > 5 || (lead == 5 && (!rest_zero || value % 2 == 1));
        if up {
            value = value.checked_add(1)?;
        }
    }
    Some(if neg { -value } else { value })
}

/// Divides by 10^`digits`, rounding half to even (`n` may be negative).
pub fn div_round_half_even(n: i128, digits: u32) -> i128 {
    let d = 10i128.pow(digits);
    let q = n.div_euclid(d);
    let r = n.rem_euclid(d);
    let twice = 2 * r;
    if twice > d || (twice == d && q % 2 != 0) {
        q + 1
    } else {
        q
    }
}

/// Parses an amount of US dollars (`10`, `0.50`, `$1,250.00`) into nano-dollars, rounding half
/// to even past the ninth decimal. `None` for anything else or an amount past `i64`.
pub fn parse_usd(text: &str) -> Option<i64> {
    parse_usd_wide(text).and_then(|v| i64::try_from(v).ok())
}

/// [`parse_usd`] without the `i64` bound, to tell "too large" from "not an amount".
pub fn parse_usd_wide(text: &str) -> Option<i128> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    parse_decimal(&cleaned, 9)
}

/// An integer scaled by 10^`scale` as exact decimal text with at least `min_places` places
/// (and at most `scale`: trailing zeros past `min_places` are dropped).
pub fn format_scaled(v: i64, scale: u32, min_places: u32) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let m = v.unsigned_abs();
    let unit = 10u64.pow(scale);
    let mut frac = format!("{:0width$}", m % unit, width = scale as usize);
    while frac.len() > min_places as usize && frac.ends_with('0') {
        frac.pop();
    }
    if frac.is_empty() {
        format!("{sign}{}", m / unit)
    } else {
        format!("{sign}{}.{frac}", m / unit)
    }
}

/// Nano-dollars as exact decimal text with nine places: `39207000` -> `0.039207000`.
pub fn format_usd(nanos: i64) -> String {
    format_scaled(nanos, 9, 9)
}

/// An amount of nano-dollars that serializes as an exact JSON number of dollars
/// (`0.039207`, `12.0`, `9223372036.854775807`), written from its decimal text, never through a
/// float. (Written straight to the output: put in a `serde_json::Value` it becomes an `f64`, so every
/// JSON document with money is a typed struct.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Usd(pub i64);

impl Usd {
    /// `None` (JSON `null`) for an amount that is not known.
    pub fn known(nanos: i64, known: bool) -> Option<Usd> {
        known.then_some(Usd(nanos))
    }
}

impl Serialize for Usd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = format_scaled(self.0, 9, 1);
        let raw =
            serde_json::value::RawValue::from_string(text).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

/// A rate in micro-dollars per million tokens as decimal text in dollars per million tokens,
/// with six places: `3750000` -> `3.750000`.
pub fn format_rate(micros: i64) -> String {
    format_scaled(micros, 6, 6)
}

/// A rate in micro-dollars per million tokens as a JSON number of dollars per million tokens.
pub fn rate_json(micros: i64) -> serde_json::Value {
    let text = format_scaled(micros, 6, 1);
    text.parse::<serde_json::Number>()
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(parse_decimal("3", 6), Some(3_000_000));
        assert_eq!(parse_decimal("0.30", 6), Some(300_000));
        assert_eq!(parse_decimal("3.75e-06", 12), Some(3_750_000));
        assert_eq!(parse_decimal("3e-07", 12), Some(300_000));
        assert_eq!(parse_decimal("1.5E-5", 12), Some(15_000_000));
        assert_eq!(parse_decimal("0.0000004", 12), Some(400_000));
        assert_eq!(parse_decimal("-2.5", 6), Some(-2_500_000));
        assert_eq!(parse_decimal(".5", 6), Some(500_000));
        assert_eq!(parse_decimal("1e400", 6), None);
        assert_eq!(parse_decimal("abc", 6), None);
        assert_eq!(parse_decimal("", 6), None);
        assert_eq!(parse_decimal("1.2.3", 6), None);
        assert_eq!(parse_usd("$1,250.50"), Some(1_250_500_000_000));
        assert_eq!(parse_usd("0.000000001"), Some(1));
        assert_eq!(parse_usd("9223372036.854775807"), Some(i64::MAX));
        assert_eq!(parse_usd("9223372036.854775808"), None);
        assert_eq!(parse_usd("1e20"), None);
    }

    /// Past the scale, half goes to the even neighbour, and a digit after the 5 breaks the tie.
    #[test]
    fn rounding_past_the_scale_is_half_even() {
        assert_eq!(parse_decimal("0.1234565", 6), Some(123_456));
        assert_eq!(parse_decimal("0.1234575", 6), Some(123_458));
        assert_eq!(parse_decimal("0.12345650001", 6), Some(123_457));
        assert_eq!(parse_decimal("0.1234564999", 6), Some(123_456));
        assert_eq!(parse_decimal("0.0000005", 6), Some(0));
        assert_eq!(parse_decimal("0.0000015", 6), Some(2));
        assert_eq!(parse_decimal("5e-7", 6), Some(0));
        assert_eq!(parse_decimal("6e-7", 6), Some(1));
        assert_eq!(parse_decimal("-0.0000025", 6), Some(-2));
        assert_eq!(div_round_half_even(1500, 3), 2);
        assert_eq!(div_round_half_even(2500, 3), 2);
        assert_eq!(div_round_half_even(2501, 3), 3);
        assert_eq!(div_round_half_even(499, 3), 0);
        assert_eq!(div_round_half_even(-1500, 3), -2);
        assert_eq!(div_round_half_even(-2500, 3), -2);
    }

    #[test]
    fn amounts_format_exactly() {
        assert_eq!(format_usd(39_207_000), "0.039207000");
        assert_eq!(format_usd(12_000_000_000), "12.000000000");
        assert_eq!(format_usd(-5_000), "-0.000005000");
        assert_eq!(format_usd(1), "0.000000001");
        let json = |n| serde_json::to_string(&Usd(n)).unwrap();
        assert_eq!(json(39_207_000), "0.039207");
        // 0.1 + 0.2 as integers: exactly 0.3
        assert_eq!(json(100_000_000 + 200_000_000), "0.3");
        assert_eq!(json(987_654_321_987_654_321), "987654321.987654321");
        assert_eq!(format_rate(3_750_000), "3.750000");
        assert_eq!(rate_json(300_000).to_string(), "0.3");
    }

    /// Every digit of an amount reaches the JSON text, up to the largest one.
    #[test]
    fn usd_serializes_every_digit() {
        let json = |v: i64| serde_json::to_string(&Usd(v)).unwrap();
        assert_eq!(json(i64::MAX), "9223372036.854775807");
        assert_eq!(json(1_234_567_890_123_456_789), "1234567890.123456789");
        assert_eq!(json(30_000_000), "0.03");
        assert_eq!(json(12_000_000_000), "12.0");
        assert_eq!(json(0), "0.0");
        assert_eq!(json(-5), "-0.000000005");
        assert_eq!(
            serde_json::to_string(&Usd::known(5, false)).unwrap(),
            "null"
        );
    }
}
