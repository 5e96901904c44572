//! Usage: request rollups, reports, and `ingest` of gateway logs.
//!
//! Every recorded request is one row in `requests` plus increments of the
//! rollups maintained in the same transaction: per key, UTC day and status,
//! and per key and endpoint, by UTC day and by calendar month. Reports read
//! the rollups (a 30-day report touches at most a few hundred rows however
//! busy the key) and the request rows only for the last N calls, through the
//! `(key_id, ts)` index. Sections built from rollups count whole UTC days.
//! The totals of every key are sorted with bounded memory ([`BusiestFirst`]):
//! a million keys never sit in memory at once.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeDelta};

use crate::error::{Error, Result};
use crate::key::Key;
use crate::store::{Queries, RequestRecord};
use crate::time::{Timestamp, from_unix};

mod ingest;
mod totals;

pub use ingest::{MAX_LINE_BYTES, parse_request_line};
pub(crate) use ingest::{check_lines, insert_lines};
pub(crate) use totals::BusiestFirst;

const DAY: i64 = 86_400;

/// The UTC day of a time, as days since 1970-01-01.
#[must_use]
pub fn day_of(t: Timestamp) -> i64 {
    t.timestamp().div_euclid(DAY)
}

/// The date of a day number.
#[must_use]
pub fn date_of(day: i64) -> NaiveDate {
    from_unix(day * DAY).date_naive()
}

/// Whether a path segment is an identifier rather than a route name: all
/// digits, or 8+ characters that mix letters and digits (`inv_8f7a9c2e`, a
/// UUID, a hex id).
fn is_id_segment(s: &str) -> bool {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    s.len() >= 8
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_alphabetic())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The endpoint a request counts under: `METHOD /path` with the query string
/// dropped and id-like segments folded to `:id` (`GET /v1/invoices/:id`).
#[must_use]
pub fn endpoint(method: Option<&str>, path: Option<&str>) -> String {
    let method = method.map_or_else(|| "-".to_owned(), str::to_ascii_uppercase);
    let Some(path) = path else {
        return format!("{method} -");
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let folded: Vec<&str> = path
        .split('/')
        .map(|seg| if is_id_segment(seg) { ":id" } else { seg })
        .collect();
    let mut p = folded.join("/");
    if p.is_empty() {
        p.push('/');
    }
    // Keep the rollup key bounded whatever a client sends.
    if p.len() > 200 {
        let mut cut = 200;
        while !p.is_char_boundary(cut) {
            cut -= 1;
        }
        p.truncate(cut);
    }
    format!("{method} {p}")
}

/// A report's window: `[since, until)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub since: Timestamp,
    pub until: Timestamp,
}

impl Window {
    /// The last `days` UTC days, today included, up to and including `now`.
    #[must_use]
    pub fn last_days(now: Timestamp, days: u32) -> Window {
        let today = day_of(now);
        Window {
            since: from_unix((today - i64::from(days.max(1)) + 1) * DAY),
            until: now + TimeDelta::seconds(1),
        }
    }

    /// The days the window touches, first and last.
    #[must_use]
    pub fn days(&self) -> (i64, i64) {
        let last = day_of(self.until - TimeDelta::seconds(1)).max(day_of(self.since));
        (day_of(self.since), last)
    }
}

/// Everything `usage KEY` reports.
#[derive(Debug, Clone)]
pub struct UsageReport {
    pub key: Key,
    pub window: Window,
    pub total: u64,
    pub errors: u64,
    /// One entry per day of the window, zeros included, oldest first.
    pub daily: Vec<(NaiveDate, u64)>,
    /// Requests per HTTP status, ascending by status.
    pub status_codes: Vec<(u16, u64)>,
    /// Requests per status class (`2xx`, `4xx`…).
    pub status_classes: BTreeMap<String, u64>,
    /// The most used endpoints, most used first.
    pub endpoints: Vec<(String, u64)>,
    /// The latest calls, newest first.
    pub recent: Vec<RequestRecord>,
}

/// How many endpoints a report lists.
pub const TOP_ENDPOINTS: usize = 10;

/// What `ingest` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestSummary {
    pub requests: u64,
    pub keys: usize,
}

/// How many requests `ingest` aggregates in memory before merging its
/// rollups into the database, which bounds memory whatever the file size.
const ROLLUP_FLUSH_EVERY: usize = 50_000;

/// A failure of the private spool file that `ingest` reads through.
pub(crate) fn spool_error(e: std::io::Error) -> Error {
    Error::Io {
        path: std::env::temp_dir(),
        source: e,
    }
}

/// The usage report of `key` over `window`, with its `recent` latest calls.
pub(crate) fn report(
    q: &mut dyn Queries,
    key: Key,
    window: Window,
    recent: usize,
) -> Result<UsageReport> {
    let (from, to) = window.days();
    let rows = q.daily_usage(&key.id, from, to)?;
    let mut per_day: BTreeMap<i64, u64> = (from..=to).map(|d| (d, 0)).collect();
    let mut per_status: BTreeMap<u16, u64> = BTreeMap::new();
    let mut classes: BTreeMap<String, u64> = BTreeMap::new();
    let (mut total, mut errors) = (0u64, 0u64);
    for (day, status, n) in rows {
        *per_day.entry(day).or_default() += n;
        *per_status.entry(status).or_default() += n;
        *classes.entry(format!("{}xx", status / 100)).or_default() += n;
        total += n;
        if status >= 400 {
            errors += n;
        }
    }
    let endpoints = q.top_endpoints(&key.id, from, to, TOP_ENDPOINTS)?;
    let recent = if recent == 0 {
        Vec::new()
    } else {
        q.recent_requests(&key.id, window.since, window.until, recent)?
    };
    Ok(UsageReport {
        key,
        window,
        total,
        errors,
        daily: per_day.into_iter().map(|(d, n)| (date_of(d), n)).collect(),
        status_codes: per_status.into_iter().collect(),
        status_classes: classes,
        endpoints,
        recent,
    })
}

#[cfg(test)]
mod tests {
    use super::ingest::parse_line;
    use super::totals::busiest_first;
    use super::*;
    use crate::store::KeyTotals;

    #[test]
    fn endpoints_fold_ids() {
        let e = |m: Option<&str>, p: Option<&str>| endpoint(m, p);
        assert_eq!(
            e(Some("get"), Some("/v1/invoices/42")),
            "GET /v1/invoices/:id"
        );
        assert_eq!(
            e(Some("GET"), Some("/v1/invoices/inv_8f7a9c2e?expand=1")),
            "GET /v1/invoices/:id"
        );
        assert_eq!(
            e(
                Some("PUT"),
                Some("/v1/clients/3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f/notes")
            ),
            "PUT /v1/clients/:id/notes"
        );
        assert_eq!(
            e(Some("POST"), Some("/v1/payment-links")),
            "POST /v1/payment-links"
        );
        assert_eq!(e(None, None), "- -");
        assert_eq!(e(Some("GET"), Some("")), "GET /");
    }

    #[test]
    fn windows_cover_whole_days() {
        let now = from_unix(20_000 * DAY + 3600);
        let w = Window::last_days(now, 30);
        assert_eq!(w.days(), (20_000 - 29, 20_000));
        let w = Window::last_days(now, 1);
        assert_eq!(w.days(), (20_000, 20_000));
    }

    #[test]
    fn lines_name_the_bad_field() {
        let mut known = |k: &str| -> Result<Option<String>> {
            Ok((k == "key_0000000001").then(|| k.to_owned()))
        };
        let ok = r#"{"key":"key_0000000001","ts":"2026-11-23T10:00:00Z","method":"get","path":"/v1/invoices","status":200,"duration_ms":12.4,"ip":"10.0.0.1","user_agent":"curl/8","extra":true}"#;
        let r = parse_line(ok, 1, &mut known, None).unwrap();
        assert_eq!(r.method.as_deref(), Some("GET"));
        assert_eq!(r.duration_ms, Some(12));
        for (line, field) in [
            (r#"{"ts":"2026-11-23T10:00:00Z","status":200}"#, "'key'"),
            (
                r#"{"key":"key_zzzzzzzzzz","ts":"2026-11-23T10:00:00Z","status":200}"#,
                "'key'",
            ),
            (
                r#"{"key":"key_0000000001","ts":"yesterday","status":200}"#,
                "'ts'",
            ),
            (
                r#"{"key":"key_0000000001","ts":"2026-11-23T10:00:00Z","status":99}"#,
                "'status'",
            ),
            (
                r#"{"key":"key_0000000001","ts":"2026-11-23T10:00:00Z","status":"200"}"#,
                "'status'",
            ),
            (
                r#"{"key":"key_0000000001","ts":1,"status":200,"method":"G ET"}"#,
                "'method'",
            ),
            (
                r#"{"key":"key_0000000001","ts":1,"status":200,"duration_ms":-4}"#,
                "'duration_ms'",
            ),
            (
                r#"{"key":"key_0000000001","ts":1,"status":200,"ip":7}"#,
                "'ip'",
            ),
        ] {
            let e = parse_line(line, 7, &mut known, None)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("line 7: field "), "{e}");
            assert!(e.contains(field), "{line}: {e}");
        }
        let e = parse_line("{not json", 3, &mut known, None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("line 3: invalid JSON"), "{e}");
    }

    #[test]
    fn busiest_first_merges_spilled_runs_in_order() {
        let mut dice = 7u64;
        let mut roll = |n: u64| {
            dice = dice.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (dice >> 33) % n
        };
        let rows: Vec<KeyTotals> = (0..1000)
            .map(|i| KeyTotals {
                key_id: format!("key_{:05}_{i}", roll(100_000)),
                name: format!("name \u{e9} {i}"),
                prefix: format!("sk_live_{i:04}"),
                last_used_at: (i % 3 != 0).then(|| from_unix(1_795_000_000 + i)),
                requests: roll(20),
                errors: roll(5),
            })
            .collect();
        let mut expect = rows.clone();
        expect.sort_by(busiest_first);
        for run in [1, 7, 64, 999, 1000, 5000] {
            let mut sorter = BusiestFirst::with_runs_of(run);
            for r in rows.clone() {
                sorter.push(r).unwrap();
            }
            let mut got = Vec::new();
            sorter
                .finish(&mut |t| {
                    got.push(t);
                    Ok::<(), Error>(())
                })
                .unwrap();
            assert_eq!(got, expect, "runs of {run}");
        }
    }
}
