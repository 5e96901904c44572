//! Usage: recorded requests, their daily rollups, and limit counters.
//!
//! Every recorded request is one row, and the same transaction adds it to
//! two rollups of its key and UTC day (days since the epoch): one by HTTP
//! status, one by endpoint. Reports read the rollups, never the request rows,
//! except for a key's latest requests. Limit counters are fixed windows, one
//! row per scope (a key id, or `*` for the whole plan) and kind.

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
    /// Per-key totals over days `from..=to`, for every key with requests,
    /// in any order (the caller sorts: sorting a million rows in memory is
    /// several times cheaper than SQLite's sorter).
    fn totals_by_key(&mut self, from_day: i64, to_day: i64) -> Result<Vec<KeyTotals>>;
}
