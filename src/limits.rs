//! Limits and plans: per-key rate limits and quotas, and the plan presets.
//!
//! Pure: parsing, canonical forms and the preset table. Counting happens in
//! the store, in the same transaction as the verification it counts.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::text::escape;

/// `N/WINDOW`: at most `count` valid verifications per `window_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u32,
    pub window_secs: u32,
}

impl FromStr for RateLimit {
    type Err = Error;

    fn from_str(s: &str) -> Result<RateLimit> {
        let bad = || {
            Error::invalid_with_hint(
                format!("rate limit '{}' is not of the form N/WINDOW", escape(s)),
                "for example 60/min, 2000/15min, 10/s, 5000/h",
            )
        };
        let (count, window) = s.trim().split_once('/').ok_or_else(bad)?;
        let count: u32 = count.parse().map_err(|e: std::num::ParseIntError| {
            if *e.kind() == std::num::IntErrorKind::PosOverflow {
                Error::invalid(format!(
                    "rate limit '{}' is too large; the most is {} requests a window",
                    escape(s),
                    u32::MAX
                ))
            } else {
                bad()
            }
        })?;
        let digits = window.bytes().take_while(u8::is_ascii_digit).count();
        let multiple: u32 = if digits == 0 {
            1
        } else {
            window[..digits].parse().map_err(|_| bad())?
        };
        let unit: u32 = match &window[digits..] {
            "s" | "sec" => 1,
            "min" | "m" => 60,
            "h" => 3600,
            _ => return Err(bad()),
        };
        let window_secs = multiple.checked_mul(unit).ok_or_else(bad)?;
        if count == 0 || window_secs == 0 {
            return Err(Error::invalid(format!(
                "rate limit '{}' must allow at least 1 request in a window of at least 1s",
                escape(s)
            )));
        }
        if window_secs > 86_400 {
            return Err(Error::invalid_with_hint(
                format!("rate limit window of '{}' is longer than a day", escape(s)),
                crate::error::hint::LONG_WINDOW,
            ));
        }
        Ok(RateLimit { count, window_secs })
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.window_secs;
        let (n, unit) = if w.is_multiple_of(3600) {
            (w / 3600, "h")
        } else if w.is_multiple_of(60) {
            (w / 60, "min")
        } else {
            (w, "s")
        };
        if n == 1 {
            write!(f, "{}/{unit}", self.count)
        } else {
            write!(f, "{}/{n}{unit}", self.count)
        }
    }
}

/// The calendar period of a quota (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Month,
}

impl Period {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Month => "month",
        }
    }
}

/// `N/day` or `N/month`: at most `count` valid verifications per calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub count: u64,
    pub period: Period,
}

impl FromStr for Quota {
    type Err = Error;

    fn from_str(s: &str) -> Result<Quota> {
        let bad = || {
            Error::invalid_with_hint(
                format!("quota '{}' is not of the form N/day or N/month", escape(s)),
                "for example 1000/day or 50000/month",
            )
        };
        let (count, period) = s.trim().split_once('/').ok_or_else(bad)?;
        let period = match period {
            "day" | "d" => Period::Day,
            "month" | "mo" => Period::Month,
            _ => return Err(bad()),
        };
        // Counts are stored as SQL's 64-bit integer.
        let too_large = || {
            Error::invalid(format!(
                "quota '{}' is too large; the most is {}",
                escape(s),
                i64::MAX
            ))
        };
        let count: u64 = count.parse().map_err(|e: std::num::ParseIntError| {
            if *e.kind() == std::num::IntErrorKind::PosOverflow {
                too_large()
            } else {
                bad()
            }
        })?;
        if count > i64::MAX as u64 {
            return Err(too_large());
        }
        if count == 0 {
            return Err(Error::invalid(format!(
                "quota '{}' must allow at least 1 request",
                escape(s)
            )));
        }
        Ok(Quota { count, period })
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.count, self.period.as_str())
    }
}

/// A plan: what an installation may do in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub name: String,
    /// Active keys at most (`None`: unlimited; `Some(0)`: no API access).
    pub max_keys: Option<u64>,
    /// Valid, recorded verifications per calendar month across all keys.
    pub monthly_calls: Option<u64>,
    /// The rate limit of every key that has none of its own.
    pub rate_limit: Option<RateLimit>,
}

/// The preset plans (SPEC §4).
pub const PRESET_NAMES: [&str; 4] = ["trial", "solo", "pro", "enterprise"];

impl Plan {
    /// A preset by name.
    #[must_use]
    pub fn preset(name: &str) -> Option<Plan> {
        let per_min = |count| {
            Some(RateLimit {
                count,
                window_secs: 60,
            })
        };
        let (max_keys, monthly_calls, rate_limit) = match name {
            "trial" => (Some(2), Some(50), per_min(60)),
            "solo" => (Some(0), None, None),
            "pro" => (Some(10), Some(10_000), per_min(60)),
            "enterprise" => (None, None, None),
            _ => return None,
        };
        Some(Plan {
            name: name.to_owned(),
            max_keys,
            monthly_calls,
            rate_limit,
        })
    }

    /// Whether keys may be used at all: a plan that allows no keys (`solo`)
    /// has no API access, so even keys made before it accept nothing.
    #[must_use]
    pub fn has_api_access(&self) -> bool {
        self.max_keys != Some(0)
    }

    /// Applies a `[plans.<name>]` table on top of this plan. An error names
    /// the field it is about, so that the config can point at its line.
    pub fn apply(&mut self, o: &PlanOverride) -> std::result::Result<(), (&'static str, String)> {
        if let Some(v) = &o.max_keys {
            self.max_keys = v.as_limit("max_keys").map_err(|m| ("max_keys", m))?;
        }
        if let Some(v) = &o.monthly_calls {
            self.monthly_calls = v
                .as_limit("monthly_calls")
                .map_err(|m| ("monthly_calls", m))?;
        }
        if let Some(v) = &o.rate_limit {
            self.rate_limit = match v.as_str() {
                "none" | "unlimited" => None,
                s => Some(
                    s.parse::<RateLimit>()
                        .map_err(|e| ("rate_limit", e.to_string()))?,
                ),
            };
        }
        Ok(())
    }
}

/// A `[plans.<name>]` table in the config.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PlanOverride {
    pub max_keys: Option<LimitValue>,
    pub monthly_calls: Option<LimitValue>,
    pub rate_limit: Option<String>,
}

/// A number, or `"unlimited"`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum LimitValue {
    Count(i64),
    Word(String),
}

impl LimitValue {
    fn as_limit(&self, field: &str) -> std::result::Result<Option<u64>, String> {
        match self {
            LimitValue::Count(n) => u64::try_from(*n)
                .map(Some)
                .map_err(|_| format!("{field} must not be negative")),
            LimitValue::Word(w) if w == "unlimited" => Ok(None),
            LimitValue::Word(w) => Err(format!(
                "{field} must be a number or \"unlimited\", not '{}'",
                escape(w)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_parse_and_print_canonically() {
        let cases = [
            ("60/min", 60, 60, "60/min"),
            ("2000/15min", 2000, 900, "2000/15min"),
            ("10/s", 10, 1, "10/s"),
            ("5/2h", 5, 7200, "5/2h"),
            ("100/60s", 100, 60, "100/min"),
            ("7/90s", 7, 90, "7/90s"),
        ];
        for (input, count, window, shown) in cases {
            let r: RateLimit = input.parse().unwrap();
            assert_eq!((r.count, r.window_secs), (count, window), "{input}");
            assert_eq!(r.to_string(), shown);
        }
        for bad in [
            "", "60", "60/", "/min", "0/min", "60/0min", "60/day", "x/min", "60/2d", "-1/min",
        ] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn oversized_limits_are_called_too_large() {
        for q in ["9223372036854775808/day", "99999999999999999999/month"] {
            let e = q.parse::<Quota>().unwrap_err().to_string();
            assert!(e.contains("is too large"), "{e}");
        }
        assert!("9223372036854775807/day".parse::<Quota>().is_ok());
        assert!(
            "0/day"
                .parse::<Quota>()
                .unwrap_err()
                .to_string()
                .contains("at least 1")
        );
        let e = "4294967296/min"
            .parse::<RateLimit>()
            .unwrap_err()
            .to_string();
        assert!(e.contains("is too large"), "{e}");
    }

    #[test]
    fn quotas_parse() {
        let q: Quota = "1000/day".parse().unwrap();
        assert_eq!((q.count, q.period), (1000, Period::Day));
        assert_eq!(q.to_string(), "1000/day");
        assert_eq!("5/month".parse::<Quota>().unwrap().period, Period::Month);
        for bad in ["1000", "0/day", "10/week", "x/day"] {
            assert!(bad.parse::<Quota>().is_err(), "{bad}");
        }
    }

    #[test]
    fn presets_match_the_spec() {
        let trial = Plan::preset("trial").unwrap();
        assert_eq!(trial.max_keys, Some(2));
        assert_eq!(trial.monthly_calls, Some(50));
        assert_eq!(trial.rate_limit.unwrap().to_string(), "60/min");
        assert_eq!(Plan::preset("solo").unwrap().max_keys, Some(0));
        assert!(!Plan::preset("solo").unwrap().has_api_access());
        assert!(Plan::preset("trial").unwrap().has_api_access());
        let pro = Plan::preset("pro").unwrap();
        assert_eq!((pro.max_keys, pro.monthly_calls), (Some(10), Some(10_000)));
        let ent = Plan::preset("enterprise").unwrap();
        assert_eq!(
            (ent.max_keys, ent.monthly_calls, ent.rate_limit),
            (None, None, None)
        );
        assert!(Plan::preset("gold").is_none());
    }

    #[test]
    fn overrides_apply() {
        let mut p = Plan::preset("pro").unwrap();
        p.apply(&PlanOverride {
            max_keys: Some(LimitValue::Count(25)),
            monthly_calls: Some(LimitValue::Word("unlimited".into())),
            rate_limit: Some("120/min".into()),
        })
        .unwrap();
        assert_eq!(p.max_keys, Some(25));
        assert_eq!(p.monthly_calls, None);
        assert_eq!(p.rate_limit.unwrap().count, 120);
        assert!(
            p.apply(&PlanOverride {
                max_keys: Some(LimitValue::Count(-1)),
                ..PlanOverride::default()
            })
            .is_err()
        );
    }
}
