//! Usage on PostgreSQL: [`UsageQueries`] over `keyctl.requests`, the
//! rollups (daily by status and by endpoint, monthly by endpoint, each keyed
//! by the key's `keys.seq`) and `keyctl.limit_counters`.
//!
//! Sums are computed by the server (`GROUP BY`), so a report is one round
//! trip whatever its window. A write names the key by its id and finds its
//! number in the same statement; a rollup of a key that does not exist is
//! not written.

use super::PgTx;
use super::rows::{count, get, request_at, small, ts};
use crate::error::Result;
use crate::store::usage::REQUEST_COLUMNS;
use crate::store::{
    Counter, EndpointPlan, KeyTotals, RequestRecord, RequestTotals, UsageQueries, month_of, to_i64,
};
use crate::time::Timestamp;

impl UsageQueries for PgTx<'_> {
    fn request_totals(&mut self, key_id: &str, since_day: i64) -> Result<RequestTotals> {
        let row = self.query_one(
            "SELECT coalesce(sum(count), 0)::bigint, \
                    coalesce(sum(CASE WHEN day >= $2 THEN count ELSE 0 END), 0)::bigint, \
                    coalesce(sum(CASE WHEN day >= $2 AND status >= 400 THEN count ELSE 0 END), 0)::bigint \
             FROM keyctl.usage_daily \
             WHERE key_seq = (SELECT seq FROM keyctl.keys WHERE id = $1)",
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
            "INSERT INTO keyctl.usage_daily AS u (key_seq, day, status, count) \
             SELECT seq, $2, $3, $4 FROM keyctl.keys WHERE id = $1 \
             ON CONFLICT (key_seq, day, status) DO UPDATE SET count = u.count + excluded.count",
            &[&key_id, &day, &i64::from(status), &to_i64(n)],
        )?;
        Ok(())
    }

    fn add_endpoint(&mut self, key_id: &str, day: i64, endpoint: &str, n: u64) -> Result<()> {
        // The day's and the month's rollups in one round trip.
        self.execute(
            "WITH k AS (SELECT seq FROM keyctl.keys WHERE id = $1), \
             d AS (INSERT INTO keyctl.usage_endpoints AS u (key_seq, day, endpoint, count) \
                   SELECT seq, $2, $3, $5 FROM k \
                   ON CONFLICT (key_seq, day, endpoint) \
                   DO UPDATE SET count = u.count + excluded.count) \
             INSERT INTO keyctl.usage_endpoints_monthly AS m (key_seq, month, endpoint, count) \
             SELECT seq, $4, $3, $5 FROM k \
             ON CONFLICT (key_seq, month, endpoint) DO UPDATE SET count = m.count + excluded.count",
            &[&key_id, &day, &endpoint, &month_of(day), &to_i64(n)],
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
             WHERE key_seq = (SELECT seq FROM keyctl.keys WHERE id = $1) \
             AND day BETWEEN $2 AND $3 ORDER BY day, status",
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
        // Whole months from the monthly rollup, as on SQLite (EndpointPlan).
        let plan = EndpointPlan::new(from_day, to_day);
        let (add_lo, add_hi): (Vec<i64>, Vec<i64>) = plan.add_days.iter().copied().unzip();
        let (sub_lo, sub_hi): (Vec<i64>, Vec<i64>) = plan.subtract_days.iter().copied().unzip();
        self.query(
            "WITH k AS (SELECT seq FROM keyctl.keys WHERE id = $1) \
             SELECT endpoint, sum(n)::bigint AS total FROM ( \
               SELECT e.endpoint, e.count AS n FROM keyctl.usage_endpoints AS e \
               JOIN unnest($2::bigint[], $3::bigint[]) AS r (lo, hi) ON e.day BETWEEN r.lo AND r.hi \
               WHERE e.key_seq = (SELECT seq FROM k) \
               UNION ALL \
               SELECT e.endpoint, -e.count FROM keyctl.usage_endpoints AS e \
               JOIN unnest($4::bigint[], $5::bigint[]) AS r (lo, hi) ON e.day BETWEEN r.lo AND r.hi \
               WHERE e.key_seq = (SELECT seq FROM k) \
               UNION ALL \
               SELECT m.endpoint, m.count FROM keyctl.usage_endpoints_monthly AS m \
               WHERE m.key_seq = (SELECT seq FROM k) AND m.month = ANY($6::bigint[]) \
             ) AS parts GROUP BY endpoint HAVING sum(n) > 0 \
             ORDER BY total DESC, endpoint LIMIT $7",
            &[
                &key_id,
                &add_lo,
                &add_hi,
                &sub_lo,
                &sub_hi,
                &plan.add_months,
                &to_i64(limit as u64),
            ],
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

    fn each_key_totals(
        &mut self,
        from_day: i64,
        to_day: i64,
        f: &mut dyn FnMut(KeyTotals) -> Result<()>,
    ) -> Result<()> {
        self.each_row(
            "SELECT k.id, k.name, k.prefix, k.last_used_at, t.n, t.errors FROM \
             (SELECT key_seq, sum(count)::bigint AS n, \
                     sum(CASE WHEN status >= 400 THEN count ELSE 0 END)::bigint AS errors \
              FROM keyctl.usage_daily WHERE day BETWEEN $1 AND $2 GROUP BY key_seq) AS t \
             JOIN keyctl.keys AS k ON k.seq = t.key_seq",
            &[&from_day, &to_day],
            &mut |r| {
                f(KeyTotals {
                    key_id: get(r, 0)?,
                    name: get(r, 1)?,
                    prefix: get(r, 2)?,
                    last_used_at: ts(r, 3)?,
                    requests: count(r, 4)?,
                    errors: count(r, 5)?,
                })
            },
        )
    }
}
