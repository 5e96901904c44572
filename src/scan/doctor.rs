//! `keyctl doctor`: the hygiene checks of SPEC §12, judged one key row at
//! a time.
//!
//! Each check is a pure function of a key, the clock and the thresholds of
//! the `[doctor]` config table, so a store of a million keys is judged in
//! one streaming pass with nothing kept from one key to the next. Only keys
//! that work now are judged: a revoked or expired key is no risk, and an
//! old key in its rotation grace period is already on its way out.
//!
//! Invariants: checks come out in the order of [`Check::ALL`] for each key;
//! a detail names dates and counts, never a secret (keyctl has none).

use std::fmt;
use std::str::FromStr;

use chrono::TimeDelta;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::key::{Key, Status};
use crate::time::Timestamp;

/// One hygiene check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The key never expires.
    NoExpiry,
    /// The key has every scope.
    FullAccess,
    /// Created a while ago and never used.
    NeverUsed,
    /// Not used for a long time.
    Idle,
    /// Expires soon.
    Expiring,
    /// Created long ago and never rotated.
    Old,
}

impl Check {
    pub const ALL: [Check; 6] = [
        Check::NoExpiry,
        Check::FullAccess,
        Check::NeverUsed,
        Check::Idle,
        Check::Expiring,
        Check::Old,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Check::NoExpiry => "no-expiry",
            Check::FullAccess => "full-access",
            Check::NeverUsed => "never-used",
            Check::Idle => "idle",
            Check::Expiring => "expiring",
            Check::Old => "old",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Check {
    type Err = Error;

    fn from_str(s: &str) -> Result<Check> {
        Check::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "'{}' is not a doctor check ({})",
                    crate::text::escape(s),
                    Check::ALL.map(Check::as_str).join(", ")
                ))
            })
    }
}

/// The thresholds of the `[doctor]` config table, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// `never-used`: created more than this long ago and never used.
    pub never_used_days: u32,
    /// `idle`: last used more than this long ago.
    pub idle_days: u32,
    /// `expiring`: expires within this long.
    pub expiring_days: u32,
    /// `old`: created more than this long ago and never rotated.
    pub old_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            never_used_days: 30,
            idle_days: 90,
            expiring_days: 7,
            old_days: 365,
        }
    }
}

/// One finding: a key and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub key_id: String,
    pub name: String,
    pub prefix: String,
    pub check: Check,
    pub detail: String,
}

/// The checks that run, and their thresholds.
#[derive(Debug, Clone)]
pub struct Doctor {
    pub thresholds: Thresholds,
    /// Checks left out (`--skip`).
    pub skip: Vec<Check>,
}

fn days(n: u32) -> TimeDelta {
    TimeDelta::days(i64::from(n))
}

/// A date alone: a check's detail needs no more.
fn day(t: Timestamp) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn days_between(from: Timestamp, to: Timestamp) -> i64 {
    (to - from).num_days()
}

impl Doctor {
    /// Whether this key is judged at all: it works now and is not being
    /// rotated away.
    #[must_use]
    pub fn judges(key: &Key, now: Timestamp) -> bool {
        key.status(now) == Status::Active && key.replaced_by.is_none()
    }

    /// What is wrong with `key` at `now`, in the order of [`Check::ALL`].
    pub fn diagnose(&self, key: &Key, now: Timestamp, out: &mut dyn FnMut(Diagnosis)) {
        if !Doctor::judges(key, now) {
            return;
        }
        let t = &self.thresholds;
        for check in Check::ALL {
            if self.skip.contains(&check) {
                continue;
            }
            let detail = match check {
                Check::NoExpiry => key.expires_at.is_none().then(|| "never expires".to_owned()),
                Check::FullAccess => key
                    .scopes
                    .is_full_access()
                    .then(|| "every scope (*)".to_owned()),
                Check::NeverUsed => (key.last_used_at.is_none()
                    && key.created_at + days(t.never_used_days) <= now)
                    .then(|| format!("created {}, never used", day(key.created_at))),
                Check::Idle => key
                    .last_used_at
                    .filter(|&used| used + days(t.idle_days) <= now)
                    .map(|used| {
                        format!(
                            "last used {}, {} days ago",
                            day(used),
                            days_between(used, now)
                        )
                    }),
                Check::Expiring => key
                    .expires_at
                    .filter(|&at| at <= now + days(t.expiring_days))
                    .map(|at| {
                        let hours = (at - now).num_hours();
                        if hours < 48 {
                            format!("expires {}, in {hours} hours", day(at))
                        } else {
                            format!("expires {}, in {} days", day(at), hours / 24)
                        }
                    }),
                Check::Old => (key.created_at + days(t.old_days) <= now).then(|| {
                    format!(
                        "created {}, {} days ago",
                        day(key.created_at),
                        days_between(key.created_at, now)
                    )
                }),
            };
            if let Some(detail) = detail {
                out(Diagnosis {
                    key_id: key.id.clone(),
                    name: key.name.clone(),
                    prefix: key.prefix.clone(),
                    check,
                    detail,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{Catalog, Scope, ScopeSet};
    use crate::time::from_unix;

    const DAY: i64 = 86_400;

    fn key(created_day: i64) -> Key {
        let catalog = Catalog::default();
        let scope = Scope::parse("invoices:read", &catalog).unwrap();
        let mut k = Key::sample(ScopeSet::new(vec![scope]));
        k.created_at = from_unix(created_day * DAY);
        k.expires_at = Some(from_unix((created_day + 1000) * DAY));
        k.last_used_at = Some(from_unix(created_day * DAY));
        k
    }

    fn checks(doctor: &Doctor, k: &Key, now_day: i64) -> Vec<Check> {
        let mut got = Vec::new();
        doctor.diagnose(k, from_unix(now_day * DAY), &mut |d| got.push(d.check));
        got
    }

    #[test]
    fn each_check_fires_at_its_threshold() {
        let d = Doctor {
            thresholds: Thresholds::default(),
            skip: vec![],
        };
        let k = key(100);
        assert_eq!(checks(&d, &k, 100), []);
        assert_eq!(checks(&d, &k, 189), []);
        assert_eq!(checks(&d, &k, 190), [Check::Idle]);
        assert_eq!(checks(&d, &k, 465), [Check::Idle, Check::Old]);
        let mut never = key(100);
        never.last_used_at = None;
        assert_eq!(checks(&d, &never, 129), []);
        assert_eq!(checks(&d, &never, 130), [Check::NeverUsed]);
        let mut open = key(100);
        open.expires_at = None;
        open.scopes = ScopeSet::new(vec![Scope::All]);
        assert_eq!(checks(&d, &open, 101), [Check::NoExpiry, Check::FullAccess]);
        assert_eq!(checks(&d, &k, 1092), [Check::Idle, Check::Old]);
        assert_eq!(
            checks(&d, &k, 1093),
            [Check::Idle, Check::Expiring, Check::Old]
        );
    }

    #[test]
    fn dead_and_leaving_keys_are_not_judged_and_skips_hold() {
        let d = Doctor {
            thresholds: Thresholds::default(),
            skip: vec![Check::Idle],
        };
        let k = key(100);
        assert_eq!(checks(&d, &k, 465), [Check::Old]);
        let mut revoked = key(100);
        revoked.revoked_at = Some(from_unix(101 * DAY));
        assert_eq!(checks(&d, &revoked, 465), []);
        let mut leaving = key(100);
        leaving.replaced_by = Some("key_next".into());
        assert_eq!(checks(&d, &leaving, 465), []);
        assert_eq!(checks(&d, &k, 1100), [], "expired");
    }

    #[test]
    fn check_names_round_trip() {
        for c in Check::ALL {
            assert_eq!(c.as_str().parse::<Check>().unwrap(), c);
        }
        assert!("stale".parse::<Check>().is_err());
    }
}
