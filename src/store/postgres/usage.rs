//! Usage on PostgreSQL: [`UsageQueries`] over `keyctl.requests`, the two
//! daily rollups and `keyctl.limit_counters`.
//!
//! Sums are computed by the server (`GROUP BY`), so a report is one round
//! trip whatever its window.

use super::PgTx;
use super::rows::{count, get, request_at, small, ts};
use crate::error::Result;
use crate::store::usage::REQUEST_COLUMNS;
use crate::store::{Counter, KeyTotals, RequestRecord, RequestTotals, UsageQueries, to_i64};
use crate::time::Timestamp;

impl UsageQueries for PgTx<'_> {
    fn request_totals(&mut self, key_id: &str, since_day: i64) -> Result<RequestTotals> {
        let row = self.query_one(
            "SELECT coalesce(sum(count), 0)::bigint, \
                    coalesce(sum(CASE WHEN day >= $2 THEN count ELSE 0 END), 0)::bigint, \
                    coalesce(sum(CASE WHEN day >= $2 AND status >= 400 THEN count ELSE 0 END), 0)::bigint \
             FROM keyctl.usage_daily WHERE key_id = $1",
            &[&key_id, &since_day],
        )?;
        Ok(RequestTotals {
            all_time: count(&row, 0)?,
            since: count(&row, 1)?,
            errors_since: count(&row, 2)?,
        })
    }

    fn insert_request(&mut self, r: &RequestRecord) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.requests (key_id, ts, method, path, status, duration_ms, ip, \
             user_agent, outcome, source, actor) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &r.key_id,
                &r.ts.timestamp(),
                &r.method,
                &r.path,
                &i64::from(r.status),
                &r.duration_ms.map(i64::from),
                &r.ip,
                &r.user_agent,
                &r.outcome,
                &r.source.as_str(),
                &r.actor,
            ],
        )?;
        Ok(())
    }

    fn add_daily(&mut self, key_id: &str, day: i64, status: u16, n: u64) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.usage_daily AS u (key_id, day, status, count) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key_id, day, status) DO UPDATE SET count = u.count + excluded.count",
            &[&key_id, &day, &i64::from(status), &to_i64(n)],
        )?;
        Ok(())
    }

    fn add_endpoint(&mut self, key_id: &str, day: i64, endpoint: &str, n: u64) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.usage_endpoints AS u (key_id, day, endpoint, count) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key_id, day, endpoint) DO UPDATE SET count = u.count + excluded.count",
            &[&key_id, &day, &endpoint, &to_i64(n)],
        )?;
        Ok(())
    }

    fn set_last_used(&mut self, key_id: &str, at: Timestamp) -> Result<()> {
        self.execute(
            "UPDATE keyctl.keys SET last_used_at = $2 WHERE id = $1",
            &[&key_id, &at.timestamp()],
        )?;
        Ok(())
    }

    fn counter(&mut self, scope: &str, kind: &str) -> Result<Option<Counter>> {
        self.query_opt(
            "SELECT window_start, count FROM keyctl.limit_counters WHERE scope = $1 AND kind = $2",
            &[&scope, &kind],
        )?
        .map(|r| {
            Ok(Counter {
                window_start: get(&r, 0)?,
                count: count(&r, 1)?,
            })
        })
        .transpose()
    }

    fn put_counter(&mut self, scope: &str, kind: &str, counter: Counter) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.limit_counters (scope, kind, window_start, count) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (scope, kind) DO UPDATE SET window_start = excluded.window_start, \
             count = excluded.count",
            &[&scope, &kind, &counter.window_start, &to_i64(counter.count)],
        )?;
        Ok(())
    }

    fn daily_usage(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<(i64, u16, u64)>> {
        self.query(
            "SELECT day, status, count FROM keyctl.usage_daily \
             WHERE key_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day, status",
            &[&key_id, &from_day, &to_day],
        )?
        .iter()
        .map(|r| Ok((get(r, 0)?, small(get(r, 1)?)?, count(r, 2)?)))
        .collect()
    }

    fn top_endpoints(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
        limit: usize,
    ) -> Result<Vec<(String, u64)>> {
        self.query(
            "SELECT endpoint, sum(count)::bigint AS n FROM keyctl.usage_endpoints \
             WHERE key_id = $1 AND day BETWEEN $2 AND $3 \
             GROUP BY endpoint ORDER BY n DESC, endpoint LIMIT $4",
            &[&key_id, &from_day, &to_day, &to_i64(limit as u64)],
        )?
        .iter()
        .map(|r| Ok((get(r, 0)?, count(r, 1)?)))
        .collect()
    }

    fn recent_requests(
        &mut self,
        key_id: &str,
        since: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<RequestRecord>> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM keyctl.requests \
             WHERE key_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts DESC, seq DESC LIMIT $4"
        );
        self.query(
            &sql,
            &[
                &key_id,
                &since.timestamp(),
                &until.timestamp(),
                &to_i64(limit as u64),
            ],
        )?
        .iter()
        .map(|r| request_at(r, 0))
        .collect()
    }

    fn totals_by_key(&mut self, from_day: i64, to_day: i64) -> Result<Vec<KeyTotals>> {
        self.query(
            "SELECT t.key_id, k.name, k.prefix, k.last_used_at, t.n, t.errors FROM \
             (SELECT key_id, sum(count)::bigint AS n, \
                     sum(CASE WHEN status >= 400 THEN count ELSE 0 END)::bigint AS errors \
              FROM keyctl.usage_daily WHERE day BETWEEN $1 AND $2 GROUP BY key_id) AS t \
             JOIN keyctl.keys AS k ON k.id = t.key_id ORDER BY t.n DESC, k.created_at, k.seq",
            &[&from_day, &to_day],
        )?
        .iter()
        .map(|r| {
            Ok(KeyTotals {
                key_id: get(r, 0)?,
                name: get(r, 1)?,
                prefix: get(r, 2)?,
                last_used_at: ts(r, 3)?,
                requests: count(r, 4)?,
                errors: count(r, 5)?,
            })
        })
        .collect()
    }
}
