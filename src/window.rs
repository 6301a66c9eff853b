//! Time windows and zones from the command line: `--days N`, `--since DATE [--until DATE]` and
//! `--tz ZONE`, checked once (in `settings.rs`) into a [`WindowSpec`], and turned into the
//! instants `[start, end)` of a [`Window`] by the command, which knows what time it is.

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

use crate::error::usage;

/// `--tz ZONE`: an IANA name or a fixed offset (`+05:30`, `-0800`, `UTC+2`, `Z`); else the
/// local zone.
pub fn zone(tz: Option<&str>) -> anyhow::Result<TimeZone> {
    match tz {
        Some(name) => match TimeZone::get(name) {
            Ok(tz) => Ok(tz),
            Err(_) => fixed_offset(name).map(TimeZone::fixed).ok_or_else(|| {
                usage(format!("unknown time zone `{name}`"))
                    .hint(
                        "use an IANA name such as `UTC`, `Europe/Paris` or `America/New_York`, \
                         or an offset such as `+05:30`",
                    )
                    .into()
            }),
        },
        None => Ok(TimeZone::try_system().unwrap_or(TimeZone::UTC)),
    }
}

/// `Z`, `+05:30`, `-0800`, `+05`, with `UTC` or `GMT` before it or not (`UTC+2`), up to 18 hours.
fn fixed_offset(text: &str) -> Option<Offset> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("z") {
        return Some(Offset::UTC);
    }
    let rest = match t.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("utc") || p.eq_ignore_ascii_case("gmt") => &t[3..],
        _ => t,
    };
    let sign = match rest.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let digits = &rest[1..];
    let number = |s: &str| -> Option<i32> {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) if m.len() == 2 => (number(h)?, number(m)?),
        Some(_) => return None,
        None if digits.len() == 4 => (number(&digits[..2])?, number(&digits[2..])?),
        None => (number(digits)?, 0),
    };
    if h > 18 || m > 59 {
        return None;
    }
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// A zone as the JSON documents name it: its IANA name, else its offset (`+05:30`), else `local`.
pub fn zone_name(tz: &TimeZone) -> String {
    match (tz.iana_name(), tz.to_fixed_offset()) {
        (Some(name), _) => name.to_string(),
        (None, Ok(offset)) => {
            let secs = offset.seconds();
            let sign = if secs < 0 { '-' } else { '+' };
            let secs = secs.unsigned_abs();
            format!("{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
        }
        (None, Err(_)) => "local".to_string(),
    }
}

/// One end of a window as given: a day (in the window's zone) or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Date(Date),
    Instant(Timestamp),
}

impl Bound {
    /// `YYYY-MM-DD` or an RFC 3339 instant; `flag` names the option in the error.
    pub fn parse(flag: &str, text: &str) -> anyhow::Result<Bound> {
        let t = text.trim();
        if t.len() == 10
            && let Ok(d) = t.parse::<Date>()
        {
            return Ok(Bound::Date(d));
        }
        match t.parse::<Timestamp>() {
            Ok(t) => Ok(Bound::Instant(t)),
            Err(_) => Err(usage(format!(
                "invalid `{flag} {text}`: expected a date `YYYY-MM-DD` or an RFC 3339 time"
            ))
            .into()),
        }
    }

    /// The first millisecond the bound lets in, as a start.
    pub fn start_ms(self, tz: &TimeZone) -> anyhow::Result<i64> {
        match self {
            Bound::Date(d) => day_start(d, tz),
            Bound::Instant(t) => Ok(t.as_millisecond()),
        }
    }

    /// The first millisecond past the bound, as an end (a date includes all of its day).
    pub fn end_ms(self, tz: &TimeZone) -> anyhow::Result<i64> {
        match self {
            Bound::Date(d) => day_start(d.checked_add(1.day())?, tz),
            Bound::Instant(t) => Ok(t.as_millisecond() + 1),
        }
    }
}

/// `--days N` or `--since A [--until B]`, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// The last N days, today included (N ≥ 1).
    Days(u32),
    Range {
        since: Bound,
        until: Option<Bound>,
    },
}

impl Span {
    /// The span the flags give (default: the last `default_days` days).
    pub fn parse(
        days: Option<u32>,
        since: Option<&str>,
        until: Option<&str>,
        default_days: u32,
    ) -> anyhow::Result<Span> {
        match since {
            Some(s) => Ok(Span::Range {
                since: Bound::parse("--since", s)?,
                until: until.map(|u| Bound::parse("--until", u)).transpose()?,
            }),
            None if until.is_some() => Err(usage("`--until` needs `--since`").into()),
            None => match days.unwrap_or(default_days) {
                0 => Err(usage("invalid `--days 0`: expected 1 or more").into()),
                n => Ok(Span::Days(n)),
            },
        }
    }
}

/// A span with the zone whose days it counts.
#[derive(Debug, Clone)]
pub struct WindowSpec {
    pub span: Span,
    pub tz: TimeZone,
}

impl WindowSpec {
    /// From the flags as given (`--tz` unset: the local zone).
    pub fn parse(
        days: Option<u32>,
        since: Option<&str>,
        until: Option<&str>,
        tz: Option<&str>,
    ) -> anyhow::Result<WindowSpec> {
        Ok(WindowSpec {
            span: Span::parse(days, since, until, 7)?,
            tz: zone(tz)?,
        })
    }

    /// The window at `now`.
    pub fn resolve(&self, now: Timestamp) -> anyhow::Result<Window> {
        window(self.span, &self.tz, now)
    }
}

/// A time window `[start, end)` in ms, with the dates it covers in its zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: i64,
    pub end: i64,
    pub first_day: Date,
    pub last_day: Date,
}

fn day_start(d: Date, tz: &TimeZone) -> anyhow::Result<i64> {
    Ok(d.to_zoned(tz.clone())?.timestamp().as_millisecond())
}

/// The window of a span in a zone, at `now`: up to the end of today unless `--until` says.
pub fn window(span: Span, tz: &TimeZone, now: Timestamp) -> anyhow::Result<Window> {
    let today = now.to_zoned(tz.clone()).date();
    let tomorrow = today.checked_add(1.day())?;
    let (start, end) = match span {
        Span::Range { since, until } => {
            let start = since.start_ms(tz)?;
            let end = match until {
                Some(u) => u.end_ms(tz)?,
                None => day_start(tomorrow, tz)?,
            };
            if end <= start {
                return Err(usage("`--until` is before `--since`").into());
            }
            (start, end)
        }
        Span::Days(n) => {
            // (jiff panics on a span past its range: check the number first)
            let first = jiff::Span::new()
                .try_days(i64::from(n.max(1) - 1))
                .ok()
                .and_then(|span| today.checked_sub(span).ok())
                .ok_or_else(|| {
                    usage(format!(
                        "invalid `--days {n}`: it reaches before the calendar's first day"
                    ))
                    .hint("use `--since DATE` for a long window")
                })?;
            (day_start(first, tz)?, day_start(tomorrow, tz)?)
        }
    };
    let date = |ms: i64| -> anyhow::Result<Date> {
        Ok(Timestamp::from_millisecond(ms)?.to_zoned(tz.clone()).date())
    };
    Ok(Window {
        start,
        end,
        first_day: date(start)?,
        last_day: date(end - 1)?,
    })
}

/// Whole hours of the rollup line up with this zone's days between these instants.
pub fn whole_hour_zone(tz: &TimeZone, start: i64, end: i64) -> bool {
    [start, end - 1].iter().all(|ms| {
        Timestamp::from_millisecond(*ms)
            .map(|t| tz.to_offset(t).seconds() % 3600 == 0)
            .unwrap_or(false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(
        days: Option<u32>,
        since: Option<&str>,
        until: Option<&str>,
        tz: &TimeZone,
    ) -> anyhow::Result<Window> {
        let now: Timestamp = "2026-03-09T15:00:00Z".parse().unwrap();
        window(Span::parse(days, since, until, 7)?, tz, now)
    }

    #[test]
    fn windows_cover_whole_days_in_the_zone() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let w = resolve(Some(7), None, None, &tz).unwrap();
        assert_eq!(w.first_day.to_string(), "2026-03-03");
        assert_eq!(w.last_day.to_string(), "2026-03-09");
        // 2026-03-03 00:00 EST = 05:00Z; 2026-03-10 00:00 EDT = 04:00Z (DST began on the 8th)
        assert_eq!(
            Timestamp::from_millisecond(w.start).unwrap().to_string(),
            "2026-03-03T05:00:00Z"
        );
        assert_eq!(
            Timestamp::from_millisecond(w.end).unwrap().to_string(),
            "2026-03-10T04:00:00Z"
        );
        assert_eq!(
            resolve(None, None, None, &tz).unwrap(),
            w,
            "7 days by default"
        );
        let w = resolve(None, Some("2026-01-01"), Some("2026-01-31"), &TimeZone::UTC).unwrap();
        assert_eq!(w.last_day.to_string(), "2026-01-31");
        assert!(whole_hour_zone(&tz, w.start, w.end));
        let kolkata = TimeZone::get("Asia/Kolkata").unwrap();
        assert!(!whole_hour_zone(&kolkata, w.start, w.end));
    }

    #[test]
    fn bad_windows_are_refused() {
        let tz = TimeZone::UTC;
        for (days, since, until, said) in [
            (Some(0), None, None, "--days 0"),
            (None, Some("yesterday"), None, "--since yesterday"),
            (None, Some("2026-01-01"), Some("soon"), "--until soon"),
            (None, None, Some("2026-01-01"), "needs `--since`"),
            (
                None,
                Some("2026-02-01"),
                Some("2026-01-01"),
                "before `--since`",
            ),
            (Some(u32::MAX), None, None, "calendar's first day"),
        ] {
            let err = resolve(days, since, until, &tz).unwrap_err().to_string();
            assert!(err.contains(said), "{err}");
        }
    }

    #[test]
    fn instants_bound_to_the_millisecond() {
        let w = resolve(
            None,
            Some("2026-01-01T10:00:00Z"),
            Some("2026-01-01T11:00:00Z"),
            &TimeZone::UTC,
        )
        .unwrap();
        assert_eq!(
            w.end - w.start,
            3_600_001,
            "the --until instant is included"
        );
    }

    #[test]
    fn offsets_are_zones() {
        let secs = |t: &str| fixed_offset(t).map(|o| o.seconds());
        assert_eq!(secs("+05:30"), Some(19_800));
        assert_eq!(secs("-0800"), Some(-28_800));
        assert_eq!(secs("UTC+2"), Some(7_200));
        assert_eq!(secs("gmt-03:00"), Some(-10_800));
        assert_eq!(secs("Z"), Some(0));
        for bad in [
            "+19", "+05:60", "5:30", "UTC+", "+5:3", "+123", "UTC+2x", "",
        ] {
            assert_eq!(secs(bad), None, "{bad}");
        }
        assert_eq!(zone_name(&zone(Some("+05:30")).unwrap()), "+05:30");
        assert_eq!(
            zone_name(&zone(Some("Europe/Paris")).unwrap()),
            "Europe/Paris"
        );
    }
}
