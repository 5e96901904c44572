//! Usage: recorded requests, their rollups, and limit counters.
//!
//! Every recorded request is one row, and the same transaction adds it to
//! the rollups of its key and UTC day (days since the epoch): one by HTTP
//! status, one by endpoint, and the endpoint's rollup of the calendar month.
//! The rollups name a key by its row number (`keys.seq`), which callers
//! never see: they pass key ids. Reports read the rollups, never the request
//! rows, except for a key's latest requests. Limit counters are fixed
//! windows, one row per scope (a key id, or `*` for the whole plan) and kind.

use crate::error::Result;
use crate::time::Timestamp;

/// Where a recorded request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A `verify` call.
    Verify,
    /// A gateway log brought in by `ingest`.
    Ingest,
}

impl Source {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Verify => "verify",
            Source::Ingest => "ingest",
        }
    }

    /// Parses the stored form, which the schema keeps to `verify` or `ingest`.
    pub(crate) fn from_stored(s: &str) -> Source {
        if s == "ingest" {
            Source::Ingest
        } else {
            Source::Verify
        }
    }
}

/// The columns a [`RequestRecord`] is read from, in the order both
/// backends' row mappings read them.
pub(crate) const REQUEST_COLUMNS: &str =
    "key_id, ts, method, path, status, duration_ms, ip, user_agent, outcome, source, actor";

/// One recorded API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The key, when the presented secret matched one.
    pub key_id: Option<String>,
    pub ts: Timestamp,
    pub method: Option<String>,
    pub path: Option<String>,
    pub status: u16,
    pub duration_ms: Option<u32>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The verification outcome code, for requests recorded by `verify`.
    pub outcome: Option<String>,
    pub source: Source,
    /// The operator who recorded it: who ran `verify`, or `ingest`.
    pub actor: Option<String>,
}

/// A fixed-window counter: the window's start (Unix seconds) and its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub window_start: i64,
    pub count: u64,
}

/// One key's totals over a window of days, from the rollups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTotals {
    pub key_id: String,
    pub name: String,
    pub prefix: String,
    pub last_used_at: Option<Timestamp>,
    pub requests: u64,
    pub errors: u64,
}

/// Request counts of one key, from the daily rollups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestTotals {
    pub all_time: u64,
    pub since: u64,
    pub errors_since: u64,
}

/// Recording requests and reading them back, inside a transaction.
pub trait UsageQueries {
    /// Request counts of a key: all time, and since a UTC day (days since the epoch).
    fn request_totals(&mut self, key_id: &str, since_day: i64) -> Result<RequestTotals>;
    /// Adds one request row.
    fn insert_request(&mut self, r: &RequestRecord) -> Result<()>;
    /// Adds `n` to a key's rollup for a UTC day (days since the epoch) and status.
    fn add_daily(&mut self, key_id: &str, day: i64, status: u16, n: u64) -> Result<()>;
    /// Adds `n` to a key's rollup for a UTC day and endpoint.
    fn add_endpoint(&mut self, key_id: &str, day: i64, endpoint: &str, n: u64) -> Result<()>;
    /// Sets a key's `last_used_at`.
    fn set_last_used(&mut self, key_id: &str, at: Timestamp) -> Result<()>;
    /// A limit counter (`scope` is a key id or `*`).
    fn counter(&mut self, scope: &str, kind: &str) -> Result<Option<Counter>>;
    fn put_counter(&mut self, scope: &str, kind: &str, counter: Counter) -> Result<()>;
    /// A key's rollup rows `(day, status, count)` for days `from..=to`.
    fn daily_usage(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<(i64, u16, u64)>>;
    /// A key's most-used endpoints over days `from..=to`, most used first.
    fn top_endpoints(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
        limit: usize,
    ) -> Result<Vec<(String, u64)>>;
    /// A key's latest requests in `[since, until)`, newest first.
    fn recent_requests(
        &mut self,
        key_id: &str,
        since: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<RequestRecord>>;
    /// Calls `f` with each key's totals over days `from..=to`, for every key
    /// with requests, in any order (the caller sorts: a million rows sort
    /// several times faster in memory than in SQLite's sorter).
    fn each_key_totals(
        &mut self,
        from_day: i64,
        to_day: i64,
        f: &mut dyn FnMut(KeyTotals) -> Result<()>,
    ) -> Result<()>;
    /// [`UsageQueries::each_key_totals`], collected.
    fn totals_by_key(&mut self, from_day: i64, to_day: i64) -> Result<Vec<KeyTotals>> {
        let mut all = Vec::new();
        self.each_key_totals(from_day, to_day, &mut |t| {
            all.push(t);
            Ok(())
        })?;
        Ok(all)
    }
}

/// The calendar month (UTC) of a day number, as `year * 12 + month - 1`:
/// the `month` column of the monthly endpoint rollups.
#[must_use]
pub fn month_of(day: i64) -> i64 {
    let (year, month) = year_month(day);
    year * 12 + month - 1
}

/// The first and last day numbers of a month as [`month_of`] numbers it.
#[must_use]
pub fn days_of_month(month: i64) -> (i64, i64) {
    let first = |m: i64| days_from_civil(m.div_euclid(12), m.rem_euclid(12) + 1);
    (first(month), first(month + 1) - 1)
}

/// Year and month (1–12) of a day number (days since 1970-01-01), by the
/// proleptic Gregorian calendar.
fn year_month(day: i64) -> (i64, i64) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

/// The day number of the first of a month (1–12).
fn days_from_civil(year: i64, month: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// How to sum a key's endpoint rollups over days `from..=to` with the
/// fewest rows: for each calendar month the window touches, either its days
/// in the window (daily rows), or the whole month (monthly rows) minus its
/// days outside the window, whichever reads fewer days. A month in progress
/// has no rows after today, so its remaining days cost nothing to subtract.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointPlan {
    /// Day ranges whose daily rows are added.
    pub add_days: Vec<(i64, i64)>,
    /// Months whose monthly rows are added.
    pub add_months: Vec<i64>,
    /// Day ranges whose daily rows are subtracted (inside added months).
    pub subtract_days: Vec<(i64, i64)>,
}

impl EndpointPlan {
    #[must_use]
    pub fn new(from_day: i64, to_day: i64) -> EndpointPlan {
        let mut plan = EndpointPlan::default();
        if from_day > to_day {
            return plan;
        }
        for month in month_of(from_day)..=month_of(to_day) {
            let (first, last) = days_of_month(month);
            let (a, b) = (first.max(from_day), last.min(to_day));
            let inside = b - a + 1;
            let outside = (a - first) + (last - b);
            if outside < inside {
                plan.add_months.push(month);
                if a > first {
                    plan.subtract_days.push((first, a - 1));
                }
                if b < last {
                    plan.subtract_days.push((b + 1, last));
                }
            } else {
                plan.add_days.push((a, b));
            }
        }
        plan
    }
}

/// Sums endpoint counts that arrive in runs, each run in endpoint order
/// (one day's or one month's rows of the rollups' primary key): every run is
/// merged into one sorted list, a comparison a row, without hashing.
#[derive(Debug, Default)]
pub(crate) struct EndpointSums {
    merged: Vec<(Vec<u8>, i64)>,
    at: usize,
}

impl EndpointSums {
    /// Starts a new run (the next rows may come before the last ones).
    pub(crate) fn restart(&mut self) {
        self.at = 0;
    }

    /// Adds `n` (negative to subtract) to an endpoint.
    pub(crate) fn add(&mut self, endpoint: &[u8], n: i64) {
        // Not after the previous endpoint: a new run, from the front.
        if self.at > 0 && self.merged[self.at - 1].0.as_slice() >= endpoint {
            self.at = 0;
        }
        while self
            .merged
            .get(self.at)
            .is_some_and(|(e, _)| e.as_slice() < endpoint)
        {
            self.at += 1;
        }
        match self.merged.get_mut(self.at) {
            Some((e, total)) if e.as_slice() == endpoint => *total += n,
            _ => self.merged.insert(self.at, (endpoint.to_vec(), n)),
        }
        self.at += 1;
    }

    /// The `limit` most used endpoints, most used first, then by name;
    /// endpoints whose sum is not positive are left out.
    pub(crate) fn top(self, limit: usize) -> Result<Vec<(String, u64)>> {
        let mut top = self
            .merged
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(e, n)| {
                let e = String::from_utf8(e).map_err(|_| {
                    crate::error::Error::invalid("an endpoint rollup is not UTF-8 text")
                })?;
                Ok((e, n.unsigned_abs()))
            })
            .collect::<Result<Vec<_>>>()?;
        top.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(limit);
        Ok(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date_of(day: i64) -> String {
        crate::time::from_unix(day * 86_400)
            .date_naive()
            .to_string()
    }

    #[test]
    fn months_number_the_calendar() {
        for (date, day) in [
            ("1970-01-01", 0),
            ("2026-11-23", 20_780),
            ("2024-02-29", 19_782),
        ] {
            assert_eq!(date_of(day), date);
        }
        assert_eq!(month_of(0), 1970 * 12);
        assert_eq!(month_of(20_780), 2026 * 12 + 10);
        assert_eq!(month_of(-1), 1969 * 12 + 11);
        for month in [1970 * 12, 2024 * 12 + 1, 2026 * 12 + 10, 2026 * 12 + 11] {
            let (first, last) = days_of_month(month);
            assert_eq!(month_of(first), month);
            assert_eq!(month_of(last), month);
            assert_eq!(month_of(first - 1), month - 1);
            assert_eq!(month_of(last + 1), month + 1);
        }
        let (first, last) = days_of_month(2024 * 12 + 1);
        assert_eq!(last - first + 1, 29);
    }

    #[test]
    fn a_plan_covers_each_day_of_the_window_once() {
        let (nov1, _) = days_of_month(2026 * 12 + 10);
        for (from, to) in [
            (nov1 - 6, nov1 + 22),
            (nov1, nov1 + 29),
            (nov1 - 70, nov1 + 3),
            (nov1 + 5, nov1 + 5),
            (nov1 - 400, nov1 + 400),
        ] {
            let plan = EndpointPlan::new(from, to);
            let mut weight = std::collections::BTreeMap::<i64, i64>::new();
            for &(a, b) in &plan.add_days {
                (a..=b).for_each(|d| *weight.entry(d).or_default() += 1);
            }
            for &m in &plan.add_months {
                let (a, b) = days_of_month(m);
                (a..=b).for_each(|d| *weight.entry(d).or_default() += 1);
            }
            for &(a, b) in &plan.subtract_days {
                (a..=b).for_each(|d| *weight.entry(d).or_default() -= 1);
            }
            weight.retain(|_, w| *w != 0);
            let expect: std::collections::BTreeMap<i64, i64> =
                (from..=to).map(|d| (d, 1)).collect();
            assert_eq!(weight, expect, "{from}..={to}");
        }
        // A window ending early in a month reads the month's first days,
        // one ending late reads the month less its last days.
        let plan = EndpointPlan::new(nov1 - 6, nov1 + 22);
        assert_eq!(plan.add_days, [(nov1 - 6, nov1 - 1)]);
        assert_eq!(plan.add_months, [2026 * 12 + 10]);
        assert_eq!(plan.subtract_days, [(nov1 + 23, nov1 + 29)]);
    }

    #[test]
    fn endpoint_sums_merge_runs_and_drop_what_cancels() {
        let mut sums = EndpointSums::default();
        for (e, n) in [("GET /b", 5), ("GET /d", 1)] {
            sums.add(e.as_bytes(), n);
        }
        sums.restart();
        for (e, n) in [("GET /a", 2), ("GET /d", 3), ("POST /e", 9)] {
            sums.add(e.as_bytes(), n);
        }
        sums.restart();
        for (e, n) in [("GET /a", -2), ("GET /b", -1)] {
            sums.add(e.as_bytes(), n);
        }
        let top = sums.top(10).unwrap();
        let top: Vec<(&str, u64)> = top.iter().map(|(e, n)| (e.as_str(), *n)).collect();
        assert_eq!(top, [("POST /e", 9), ("GET /b", 4), ("GET /d", 4)]);
    }
}
