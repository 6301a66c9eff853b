//! Exact decimal text <-> scaled integers, without floating point.

/// Parses decimal text (`12`, `0.30`, `-1.5`, `3.75e-06`, `1E3`) into an integer scaled by
/// 10^`scale`, rounding half up (away from zero) past the scale. `None` for anything else.
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
        if shift > 30 && value != 0 {
            return None;
        }
        for _ in 0..shift.min(38) {
            value = value.checked_mul(10)?;
        }
    } else if shift < 0 {
        // the first dropped digit decides the rounding
        let dropped = (-shift) as usize;
        if dropped <= digits.len() && digits[digits.len() - dropped] >= 5 {
            value = value.checked_add(1)?;
        }
    }
    Some(if neg { -value } else { value })
}

/// Parses an amount of US dollars (`10`, `0.50`, `$1,250.00`) into micro-dollars.
pub fn parse_usd(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    parse_decimal(&cleaned, 6).and_then(|v| i64::try_from(v).ok())
}

/// Micro-dollars as exact decimal text with six places: `39207` -> `0.039207`.
pub fn format_usd(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let m = micros.unsigned_abs();
    format!("{sign}{}.{:06}", m / 1_000_000, m % 1_000_000)
}

/// Micro-dollars as a JSON number in dollars, built from the exact decimal text.
pub fn usd_json(micros: i64) -> serde_json::Value {
    let text = format_usd(micros);
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
        assert_eq!(parse_decimal("0.1234565", 6), Some(123_457));
        assert_eq!(parse_decimal("-2.5", 6), Some(-2_500_000));
        assert_eq!(parse_decimal(".5", 6), Some(500_000));
        assert_eq!(parse_decimal("1e400", 6), None);
        assert_eq!(parse_decimal("abc", 6), None);
        assert_eq!(parse_decimal("", 6), None);
        assert_eq!(parse_decimal("1.2.3", 6), None);
        assert_eq!(parse_usd("$1,250.50"), Some(1_250_500_000));
    }

    #[test]
    fn amounts_format_exactly() {
        assert_eq!(format_usd(39_207), "0.039207");
        assert_eq!(format_usd(12_000_000), "12.000000");
        assert_eq!(format_usd(-5), "-0.000005");
        assert_eq!(usd_json(39_207).to_string(), "0.039207");
        // 0.1 + 0.2 as integers: exactly 0.3
        assert_eq!(usd_json(100_000 + 200_000).to_string(), "0.3");
    }
}
