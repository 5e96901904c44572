//! Time: the injected clock, and the parsers for dates, times and durations.
//!
//! Everything is UTC and whole seconds. `KEYCTL_NOW` (RFC 3339) replaces the
//! current time everywhere, so scripts and snapshot tests are reproducible.
//! Stored times are Unix seconds.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};

use crate::error::{Error, Result};
use crate::text::escape;

/// A point in time, UTC, whole seconds.
pub type Timestamp = DateTime<Utc>;

/// The environment variable that fixes the clock.
pub const NOW_VAR: &str = "KEYCTL_NOW";

/// The source of "now" for every operation.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    fixed: Option<Timestamp>,
}

impl Clock {
    /// The system clock.
    #[must_use]
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock stopped at `at`.
    #[must_use]
    pub fn fixed(at: Timestamp) -> Clock {
        Clock {
            fixed: Some(truncate(at)),
        }
    }

    /// The system clock, unless `KEYCTL_NOW` holds an RFC 3339 time.
    pub fn from_env() -> Result<Clock> {
        match std::env::var(NOW_VAR) {
            Ok(v) if !v.is_empty() => {
                let at = DateTime::parse_from_rfc3339(v.trim()).map_err(|_| {
                    Error::invalid_with_hint(
                        format!("{NOW_VAR}='{}' is not an RFC 3339 time", escape(&v)),
                        "for example KEYCTL_NOW=2026-01-01T00:00:00Z",
                    )
                })?;
                Ok(Clock::fixed(at.with_timezone(&Utc)))
            }
            _ => Ok(Clock::system()),
        }
    }

    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.fixed.unwrap_or_else(|| truncate(Utc::now()))
    }
}

fn truncate(t: Timestamp) -> Timestamp {
    from_unix(t.timestamp())
}

/// Unix seconds to a timestamp (saturating at chrono's range).
#[must_use]
pub fn from_unix(secs: i64) -> Timestamp {
    DateTime::from_timestamp(secs, 0).unwrap_or(if secs < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// The latest time keyctl keeps, 9999-12-31T23:59:59Z: RFC 3339 has
/// four-digit years, so a later time could not be written as one.
#[must_use]
pub fn latest() -> Timestamp {
    from_unix(253_402_300_799)
}

/// Refuses a time past [`latest`]; `what` names it in the message.
pub fn within_range(at: Timestamp, what: &str) -> Result<Timestamp> {
    if at > latest() {
        return Err(Error::invalid(format!(
            "{what} would be after {}, the latest time keyctl can store",
            rfc3339(latest())
        )));
    }
    Ok(at)
}

/// RFC 3339 in UTC with a `Z`, whole seconds: `2026-11-23T19:42:43Z`.
#[must_use]
pub fn rfc3339(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The short table form: `2026-11-23 19:42`.
#[must_use]
pub fn short(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Parses a duration: a whole number and a unit, `s`, `m`/`min`, `h`, `d` or
/// `w` (`90d`, `12h`, `4w`, `30min`).
pub fn parse_duration(s: &str) -> Result<TimeDelta> {
    let bad = || {
        Error::invalid_with_hint(
            format!("'{}' is not a duration", escape(s)),
            "use a number and a unit: 30s, 15min, 12h, 90d, 4w",
        )
    };
    let s_trim = s.trim();
    let digits = s_trim.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err(bad());
    }
    let n: i64 = s_trim[..digits].parse().map_err(|_| bad())?;
    let unit_secs: i64 = match &s_trim[digits..] {
        "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(bad()),
    };
    let secs = n.checked_mul(unit_secs).ok_or_else(bad)?;
    // Keep far inside chrono's range so later additions cannot overflow.
    if secs > 100 * 366 * 86_400 {
        return Err(Error::invalid(format!(
            "duration '{}' is longer than 100 years",
            escape(s)
        )));
    }
    Ok(TimeDelta::seconds(secs))
}

/// Parses a point in time: `YYYY-MM-DD` (00:00 UTC) or RFC 3339.
fn parse_point(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| truncate(t.with_timezone(&Utc)))
}

/// An expiry as `create --expires` and `update --expires` take it: `never`
/// (no expiry, `None`), `YYYY-MM-DD` (00:00 UTC that day), an RFC 3339 time,
/// or a duration from now. A time at or before now is refused.
pub fn parse_expiry(s: &str, now: Timestamp) -> Result<Option<Timestamp>> {
    if s.trim() == "never" {
        return Ok(None);
    }
    let at = match parse_point(s) {
        Some(at) => at,
        None => {
            let d = parse_duration(s).map_err(|_| {
                Error::invalid_with_hint(
                    format!("expiry '{}' is not a date, time or duration", escape(s)),
                    "use YYYY-MM-DD, an RFC 3339 time, a duration such as 90d, or never",
                )
            })?;
            now + d
        }
    };
    let at = within_range(at, "the expiry")?;
    if at <= now {
        return Err(Error::invalid(format!(
            "expiry {} is not in the future (now is {})",
            rfc3339(at),
            rfc3339(now)
        )));
    }
    Ok(Some(at))
}

/// A window bound as `--since`/`--until` take it: a date, an RFC 3339 time,
/// or a duration meaning that long ago.
pub fn parse_since(s: &str, now: Timestamp) -> Result<Timestamp> {
    if let Some(at) = parse_point(s) {
        return Ok(at);
    }
    let d = parse_duration(s).map_err(|_| {
        Error::invalid_with_hint(
            format!("'{}' is not a date, time or duration", escape(s)),
            "use YYYY-MM-DD, an RFC 3339 time, or a duration such as 7d",
        )
    })?;
    Ok(now - d)
}

/// A human rendering of a length of time: `90d`, `12h`, `30min`, `45s`.
#[must_use]
pub fn human_duration(d: TimeDelta) -> String {
    let s = d.num_seconds();
    if s != 0 && s % 86_400 == 0 {
        format!("{}d", s / 86_400)
    } else if s != 0 && s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s != 0 && s % 60 == 0 {
        format!("{}min", s / 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90d").unwrap(), TimeDelta::days(90));
        assert_eq!(parse_duration("12h").unwrap(), TimeDelta::hours(12));
        assert_eq!(parse_duration("4w").unwrap(), TimeDelta::weeks(4));
        assert_eq!(parse_duration("15min").unwrap(), TimeDelta::minutes(15));
        assert_eq!(parse_duration("15m").unwrap(), TimeDelta::minutes(15));
        assert_eq!(parse_duration("30s").unwrap(), TimeDelta::seconds(30));
        for bad in [
            "",
            "d",
            "12",
            "12y",
            "-1d",
            "1.5d",
            "99999999999999999999d",
            "40000w",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn expiry_forms() {
        let now = t("2026-11-23T12:00:00Z");
        assert_eq!(parse_expiry("never", now).unwrap(), None);
        assert_eq!(
            parse_expiry("2027-01-01", now).unwrap(),
            Some(t("2027-01-01T00:00:00Z"))
        );
        assert_eq!(
            parse_expiry("2026-12-01T10:00:00+02:00", now).unwrap(),
            Some(t("2026-12-01T08:00:00Z"))
        );
        assert_eq!(
            parse_expiry("90d", now).unwrap(),
            Some(t("2027-02-21T12:00:00Z"))
        );
        assert_eq!(
            parse_expiry("12h", now).unwrap(),
            Some(t("2026-11-24T00:00:00Z"))
        );
    }

    #[test]
    fn expiry_refuses_the_past_and_garbage() {
        let now = t("2026-11-23T12:00:00Z");
        // Today at 00:00 UTC has already passed.
        assert!(parse_expiry("2026-11-23", now).is_err());
        assert!(parse_expiry("2026-11-23T12:00:00Z", now).is_err());
        assert!(parse_expiry("2020-01-01", now).is_err());
        assert!(parse_expiry("0d", now).is_err());
        assert!(parse_expiry("2026-13-45", now).is_err());
        assert!(parse_expiry("tomorrow", now).is_err());
    }

    #[test]
    fn expiry_stays_within_four_digit_years() {
        let now = t("9999-12-31T12:00:00Z");
        assert_eq!(rfc3339(latest()), "9999-12-31T23:59:59Z");
        assert_eq!(
            parse_expiry("11h", now).unwrap(),
            Some(t("9999-12-31T23:00:00Z"))
        );
        assert!(parse_expiry("12h", now).is_err());
        assert!(parse_expiry("1d", now).is_err());
        assert!(parse_expiry("9999-12-31T23:59:59Z", now).is_ok());
    }

    #[test]
    fn since_accepts_durations_as_ago() {
        let now = t("2026-11-23T12:00:00Z");
        assert_eq!(parse_since("7d", now).unwrap(), t("2026-11-16T12:00:00Z"));
        assert_eq!(
            parse_since("2026-11-01", now).unwrap(),
            t("2026-11-01T00:00:00Z")
        );
        assert!(parse_since("last week", now).is_err());
    }

    #[test]
    fn fixed_clock_truncates_to_seconds() {
        let c = Clock::fixed(t("2026-11-23T12:00:00.750Z"));
        assert_eq!(rfc3339(c.now()), "2026-11-23T12:00:00Z");
        assert_eq!(short(c.now()), "2026-11-23 12:00");
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(TimeDelta::days(90)), "90d");
        assert_eq!(human_duration(TimeDelta::hours(36)), "36h");
        assert_eq!(human_duration(TimeDelta::minutes(15)), "15min");
        assert_eq!(human_duration(TimeDelta::seconds(61)), "61s");
    }
}
