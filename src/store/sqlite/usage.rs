//! Usage on SQLite: [`UsageQueries`] over `requests`, the rollups
//! (`usage_daily`, `usage_endpoints`, `usage_endpoints_monthly`) and
//! `limit_counters`.
//!
//! The rollups are `WITHOUT ROWID` tables keyed by the key's row number
//! (`keys.seq`), then day (or month) and status or endpoint, so a report
//! reads one key's range in order and the totals of every key group
//! integers. A write names the key by its id and finds its number in the
//! same statement; a rollup of a key that does not exist is not written.
//! Where a `GROUP BY` would make SQLite sort (the top endpoints) or
//! materialise a join (the totals of every key), the rows are summed or
//! merged here.

use rusqlite::{OptionalExtension, params};

use super::SqliteTx;
use super::fault;
use super::rows::{conversion, request_at, text};
use crate::error::Result;
use crate::store::usage::EndpointSums;
use crate::store::usage::REQUEST_COLUMNS;
use crate::store::{
    Counter, EndpointPlan, KeyTotals, RequestRecord, RequestTotals, UsageQueries, month_of, to_i64,
};
use crate::time::{Timestamp, from_unix};

impl SqliteTx<'_> {
    /// Inserts a request row; `seq` keeps a copied row's number, `None` lets
    /// SQLite number it (NULL into an INTEGER PRIMARY KEY).
    pub(super) fn insert_request_row(&self, seq: Option<i64>, r: &RequestRecord) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO requests (seq, key_id, ts, method, path, status, duration_ms, ip, \
             user_agent, outcome, source, actor) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .map_err(fault)?;
        stmt.execute(params![
            seq,
            r.key_id,
            r.ts.timestamp(),
            r.method,
            r.path,
            r.status,
            r.duration_ms,
            r.ip,
            r.user_agent,
            r.outcome,
            r.source.as_str(),
            r.actor,
        ])
        .map_err(fault)?;
        Ok(())
    }
}

impl UsageQueries for SqliteTx<'_> {
    fn request_totals(&mut self, key_id: &str, since_day: i64) -> Result<RequestTotals> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT coalesce(sum(count), 0), \
                    coalesce(sum(CASE WHEN day >= ?2 THEN count ELSE 0 END), 0), \
                    coalesce(sum(CASE WHEN day >= ?2 AND status >= 400 THEN count ELSE 0 END), 0) \
             FROM usage_daily WHERE key_seq = (SELECT seq FROM keys WHERE id = ?1)",
            )
            .map_err(fault)?;
        let (all_time, since, errors_since): (i64, i64, i64) = stmt
            .query_row(params![key_id, since_day], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(fault)?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(RequestTotals {
            all_time: n(all_time),
            since: n(since),
            errors_since: n(errors_since),
        })
    }

    fn insert_request(&mut self, r: &RequestRecord) -> Result<()> {
        self.insert_request_row(None, r)
    }

    fn add_daily(&mut self, key_id: &str, day: i64, status: u16, n: u64) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO usage_daily (key_seq, day, status, count) \
             SELECT seq, ?2, ?3, ?4 FROM keys WHERE id = ?1 \
             ON CONFLICT (key_seq, day, status) DO UPDATE SET count = count + excluded.count",
            )
            .map_err(fault)?;
        stmt.execute(params![key_id, day, status, to_i64(n)])
            .map_err(fault)?;
        Ok(())
    }

    fn add_endpoint(&mut self, key_id: &str, day: i64, endpoint: &str, n: u64) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO usage_endpoints (key_seq, day, endpoint, count) \
             SELECT seq, ?2, ?3, ?4 FROM keys WHERE id = ?1 \
             ON CONFLICT (key_seq, day, endpoint) DO UPDATE SET count = count + excluded.count",
            )
            .map_err(fault)?;
        stmt.execute(params![key_id, day, endpoint, to_i64(n)])
            .map_err(fault)?;
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO usage_endpoints_monthly (key_seq, month, endpoint, count) \
             SELECT seq, ?2, ?3, ?4 FROM keys WHERE id = ?1 \
             ON CONFLICT (key_seq, month, endpoint) DO UPDATE SET count = count + excluded.count",
            )
            .map_err(fault)?;
        stmt.execute(params![key_id, month_of(day), endpoint, to_i64(n)])
            .map_err(fault)?;
        Ok(())
    }

    fn set_last_used(&mut self, key_id: &str, at: Timestamp) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached("UPDATE keys SET last_used_at = ?2 WHERE id = ?1")
            .map_err(fault)?;
        stmt.execute(params![key_id, at.timestamp()])
            .map_err(fault)?;
        Ok(())
    }

    fn counter(&mut self, scope: &str, kind: &str) -> Result<Option<Counter>> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT window_start, count FROM limit_counters WHERE scope = ?1 AND kind = ?2",
            )
            .map_err(fault)?;
        stmt.query_row(params![scope, kind], |r| {
            Ok(Counter {
                window_start: r.get(0)?,
                count: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
            })
        })
        .optional()
        .map_err(fault)
    }

    fn put_counter(&mut self, scope: &str, kind: &str, counter: Counter) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO limit_counters (scope, kind, window_start, count) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (scope, kind) DO UPDATE SET window_start = excluded.window_start, \
             count = excluded.count",
        ).map_err(fault)?;
        stmt.execute(params![
            scope,
            kind,
            counter.window_start,
            to_i64(counter.count)
        ])
        .map_err(fault)?;
        Ok(())
    }

    fn daily_usage(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<(i64, u16, u64)>> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT day, status, count FROM usage_daily \
             WHERE key_seq = (SELECT seq FROM keys WHERE id = ?1) AND day BETWEEN ?2 AND ?3 \
             ORDER BY day, status",
            )
            .map_err(fault)?;
        let rows = stmt
            .query_map(params![key_id, from_day, to_day], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                ))
            })
            .map_err(fault)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(fault)?;
        Ok(rows)
    }

    fn top_endpoints(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
        limit: usize,
    ) -> Result<Vec<(String, u64)>> {
        // Summed here rather than with GROUP BY: SQLite would sort every row
        // of the window by its text. Whole months come from the monthly
        // rollup (see EndpointPlan), so a busy key reads about one row per
        // endpoint for each whole month instead of one per endpoint and day.
        let seq: Option<i64> = self
            .tx
            .prepare_cached("SELECT seq FROM keys WHERE id = ?1")
            .map_err(fault)?
            .query_row(params![key_id], |r| r.get(0))
            .optional()
            .map_err(fault)?;
        let Some(seq) = seq else {
            return Ok(Vec::new());
        };
        let plan = EndpointPlan::new(from_day, to_day);
        let mut sums = EndpointSums::default();
        let mut days = self
            .tx
            .prepare_cached(
                "SELECT endpoint, count FROM usage_endpoints \
             WHERE key_seq = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day, endpoint",
            )
            .map_err(fault)?;
        let spans = plan
            .add_days
            .iter()
            .map(|s| (s, 1))
            .chain(plan.subtract_days.iter().map(|s| (s, -1)));
        for (&(a, b), sign) in spans {
            sums.restart();
            let mut rows = days.query(params![seq, a, b]).map_err(fault)?;
            while let Some(row) = rows.next().map_err(fault)? {
                let endpoint = row
                    .get_ref(0)
                    .map_err(fault)?
                    .as_bytes()
                    .map_err(conversion)
                    .map_err(fault)?;
                sums.add(
                    endpoint,
                    sign * row
                        .get_ref(1)
                        .map_err(fault)?
                        .as_i64()
                        .map_err(conversion)
                        .map_err(fault)?,
                );
            }
        }
        let mut months = self
            .tx
            .prepare_cached(
                "SELECT endpoint, count FROM usage_endpoints_monthly \
             WHERE key_seq = ?1 AND month = ?2 ORDER BY endpoint",
            )
            .map_err(fault)?;
        for &month in &plan.add_months {
            sums.restart();
            let mut rows = months.query(params![seq, month]).map_err(fault)?;
            while let Some(row) = rows.next().map_err(fault)? {
                let endpoint = row
                    .get_ref(0)
                    .map_err(fault)?
                    .as_bytes()
                    .map_err(conversion)
                    .map_err(fault)?;
                sums.add(
                    endpoint,
                    row.get_ref(1)
                        .map_err(fault)?
                        .as_i64()
                        .map_err(conversion)
                        .map_err(fault)?,
                );
            }
        }
        sums.top(limit)
    }

    fn recent_requests(
        &mut self,
        key_id: &str,
        since: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<RequestRecord>> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!(
                "SELECT {REQUEST_COLUMNS} FROM requests WHERE key_id = ?1 AND ts >= ?2 AND ts < ?3 \
                 ORDER BY ts DESC, seq DESC LIMIT ?4"
            ))
            .map_err(fault)?;
        let rows = stmt
            .query_map(
                params![
                    key_id,
                    since.timestamp(),
                    until.timestamp(),
                    to_i64(limit as u64)
                ],
                |r| request_at(r, 0),
            )
            .map_err(fault)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(fault)?;
        Ok(rows)
    }

    fn each_key_totals(
        &mut self,
        from_day: i64,
        to_day: i64,
        f: &mut dyn FnMut(KeyTotals) -> Result<()>,
    ) -> Result<()> {
        // A merge of two walks in row number order, the rollups' primary
        // key and the keys table itself, instead of a join: SQLite would
        // materialise the grouped rollups and then look each key up.
        let mut sums = self
            .tx
            .prepare_cached(
                "SELECT key_seq, sum(count), sum(count) FILTER (WHERE status >= 400) \
             FROM usage_daily WHERE day BETWEEN ?1 AND ?2 GROUP BY key_seq ORDER BY key_seq",
            )
            .map_err(fault)?;
        let mut keys = self
            .tx
            .prepare_cached("SELECT seq, id, name, prefix, last_used_at FROM keys ORDER BY seq")
            .map_err(fault)?;
        let mut sums = sums.query(params![from_day, to_day]).map_err(fault)?;
        let mut keys = keys.query([]).map_err(fault)?;
        let mut next_group = || -> Result<Option<(i64, u64, u64)>> {
            let Some(row) = sums.next().map_err(fault)? else {
                return Ok(None);
            };
            let requests = row.get::<_, i64>(1).map_err(fault)?;
            let errors = row.get::<_, Option<i64>>(2).map_err(fault)?.unwrap_or(0);
            Ok(Some((
                row.get(0).map_err(fault)?,
                u64::try_from(requests).unwrap_or(0),
                u64::try_from(errors).unwrap_or(0),
            )))
        };
        let mut group = next_group()?;
        while let Some(k) = keys.next().map_err(fault)? {
            let seq: i64 = k.get(0).map_err(fault)?;
            while group.is_some_and(|(s, _, _)| s < seq) {
                group = next_group()?;
            }
            let Some((s, requests, errors)) = group else {
                break;
            };
            if s == seq {
                f(KeyTotals {
                    key_id: text(k, 1)?.to_owned(),
                    name: text(k, 2)?.to_owned(),
                    prefix: text(k, 3)?.to_owned(),
                    last_used_at: k.get::<_, Option<i64>>(4).map_err(fault)?.map(from_unix),
                    requests,
                    errors,
                })?;
                group = next_group()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::secret::SecretHash;
    use crate::store::{Access, Durability, Store};

    #[test]
    fn totals_by_key_merges_rollups_with_their_keys() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("t.db"), Access::Write).unwrap();
        store
            .write(Durability::Normal, |q| {
                for (i, id) in ["key_b", "key_c", "key_e", "key_g"].iter().enumerate() {
                    let mut key = crate::key::Key::sample(crate::scope::ScopeSet::default());
                    key.id = (*id).into();
                    key.name = format!("name of {id}");
                    key.prefix = format!("sk_live_{i:08}");
                    q.insert_key(&key, &SecretHash::of(id))?;
                }
                Ok(())
            })
            .unwrap();
        let conn = Connection::open(dir.path().join("t.db")).unwrap();
        // Rollups of keys that are missing (a, d, f, h), present (c, e, g)
        // or present without traffic in the window (b, only on day 5).
        for (id, day, status, count) in [
            ("key_a", 10, 200, 7),
            ("key_b", 5, 200, 9),
            ("key_c", 10, 200, 3),
            ("key_c", 11, 404, 2),
            ("key_c", 12, 500, 1),
            ("key_d", 10, 200, 4),
            ("key_e", 20, 200, 5),
            ("key_f", 10, 200, 6),
            ("key_g", 10, 401, 8),
            ("key_h", 10, 200, 1),
        ] {
            conn.execute(
                "INSERT INTO usage_daily (key_seq, day, status, count) \
                 SELECT seq, ?2, ?3, ?4 FROM keys WHERE id = ?1",
                params![id, day, status, count],
            )
            .unwrap();
        }
        let totals = store.read(|q| q.totals_by_key(10, 20)).unwrap();
        let got: Vec<(&str, &str, u64, u64)> = totals
            .iter()
            .map(|t| (t.key_id.as_str(), t.name.as_str(), t.requests, t.errors))
            .collect();
        assert_eq!(
            got,
            [
                ("key_c", "name of key_c", 6, 3),
                ("key_e", "name of key_e", 5, 0),
                ("key_g", "name of key_g", 8, 8),
            ]
        );
        assert!(store.read(|q| q.totals_by_key(30, 40)).unwrap().is_empty());
    }

    #[test]
    fn top_endpoints_sum_each_endpoint_over_the_days() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut store = Store::open(&path, Access::Write).unwrap();
        // Days with different sets of endpoints, another key, and a day
        // outside the window.
        store
            .write(Durability::Normal, |q| {
                for id in ["key_a", "key_b"] {
                    let mut key = crate::key::Key::sample(crate::scope::ScopeSet::default());
                    key.id = id.into();
                    key.prefix = format!("sk_live_{id}");
                    q.insert_key(&key, &SecretHash::of(id))?;
                }
                for (key, day, endpoint, count) in [
                    ("key_a", 10, "GET /b", 5),
                    ("key_a", 10, "GET /d", 1),
                    ("key_a", 11, "GET /a", 2),
                    ("key_a", 11, "GET /c", 4),
                    ("key_a", 11, "GET /d", 3),
                    ("key_a", 12, "GET /b", 1),
                    ("key_a", 12, "POST /e", 9),
                    ("key_a", 13, "GET /a", 100),
                    ("key_b", 11, "GET /a", 50),
                ] {
                    q.add_endpoint(key, day, endpoint, count)?;
                }
                Ok(())
            })
            .unwrap();
        let mut top = |from, to, limit| {
            store
                .read(|q| q.top_endpoints("key_a", from, to, limit))
                .unwrap()
        };
        let all: Vec<(String, u64)> = [
            ("POST /e", 9),
            ("GET /b", 6),
            ("GET /c", 4),
            ("GET /d", 4),
            ("GET /a", 2),
        ]
        .iter()
        .map(|(e, n)| ((*e).to_owned(), *n))
        .collect();
        assert_eq!(top(10, 12, 10), all);
        assert_eq!(top(10, 12, 2), all[..2]);
        // From day 11 to the end of January 1970: the month's rollup less
        // day 10, where GET /b and GET /d lose what they had that day.
        let late: Vec<(String, u64)> = [
            ("GET /a", 102),
            ("POST /e", 9),
            ("GET /c", 4),
            ("GET /d", 3),
            ("GET /b", 1),
        ]
        .iter()
        .map(|(e, n)| ((*e).to_owned(), *n))
        .collect();
        assert_eq!(EndpointPlan::new(11, 30).add_months, [1970 * 12]);
        assert_eq!(top(11, 30, 10), late);
    }
}
