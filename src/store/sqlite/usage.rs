//! Usage on SQLite: [`UsageQueries`] over `requests`, the two daily rollups
//! (`usage_daily`, `usage_endpoints`) and `limit_counters`.
//!
//! The rollups are `WITHOUT ROWID` tables keyed by key, day and status or
//! endpoint, so a report reads one key's range in key order. Where a
//! `GROUP BY` would make SQLite sort (the top endpoints) or materialise a
//! join (the totals of every key), the rows are summed or merged here.

use rusqlite::{OptionalExtension, params};

use super::SqliteTx;
use super::fault;
use super::rows::{conversion, request_at, text};
use crate::error::Result;
use crate::store::usage::REQUEST_COLUMNS;
use crate::store::{Counter, KeyTotals, RequestRecord, RequestTotals, UsageQueries, to_i64};
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
             FROM usage_daily WHERE key_id = ?1",
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
                "INSERT INTO usage_daily (key_id, day, status, count) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (key_id, day, status) DO UPDATE SET count = count + excluded.count",
            )
            .map_err(fault)?;
        stmt.execute(params![key_id, day, status, to_i64(n)])
            .map_err(fault)?;
        Ok(())
    }

    fn add_endpoint(&mut self, key_id: &str, day: i64, endpoint: &str, n: u64) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO usage_endpoints (key_id, day, endpoint, count) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (key_id, day, endpoint) DO UPDATE SET count = count + excluded.count",
        ).map_err(fault)?;
        stmt.execute(params![key_id, day, endpoint, to_i64(n)])
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
             WHERE key_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day, status",
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
        // of the window by its text, and a busy key has one row per endpoint
        // and day. The rows come from the primary key, already in range and
        // in order: by day, then endpoint. Each day's endpoints are merged
        // into one sorted list, a comparison a row (hashing each endpoint,
        // and checking it as UTF-8, cost half as much again as reading it).
        // Any order gives the same sums; this one makes them cheap.
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT endpoint, count FROM usage_endpoints \
             WHERE key_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day, endpoint",
            )
            .map_err(fault)?;
        let mut merged: Vec<(Vec<u8>, u64)> = Vec::new();
        let mut at = 0;
        let mut rows = stmt
            .query(params![key_id, from_day, to_day])
            .map_err(fault)?;
        while let Some(row) = rows.next().map_err(fault)? {
            let endpoint = row
                .get_ref(0)
                .map_err(fault)?
                .as_bytes()
                .map_err(conversion)
                .map_err(fault)?;
            let n = u64::try_from(
                row.get_ref(1)
                    .map_err(fault)?
                    .as_i64()
                    .map_err(conversion)
                    .map_err(fault)?,
            )
            .unwrap_or(0);
            // Not after the previous endpoint: a new day, from the front.
            if at > 0 && merged[at - 1].0.as_slice() >= endpoint {
                at = 0;
            }
            while merged.get(at).is_some_and(|(e, _)| e.as_slice() < endpoint) {
                at += 1;
            }
            match merged.get_mut(at) {
                Some((e, total)) if e.as_slice() == endpoint => *total += n,
                _ => merged.insert(at, (endpoint.to_vec(), n)),
            }
            at += 1;
        }
        let sums = merged
            .into_iter()
            .map(|(e, n)| Ok((String::from_utf8(e).map_err(conversion).map_err(fault)?, n)))
            .collect::<Result<Vec<_>>>()?;
        let mut top: Vec<(String, u64)> = sums.into_iter().collect();
        top.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(limit);
        Ok(top)
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

    fn totals_by_key(&mut self, from_day: i64, to_day: i64) -> Result<Vec<KeyTotals>> {
        // A merge of two walks in key id order, the rollups' primary key
        // and the keys' unique index, instead of a join: SQLite would
        // materialise the grouped rollups and then look each key up (two
        // b-tree descents per key), about a third of the time on a
        // million keys.
        let mut sums = self
            .tx
            .prepare_cached(
                "SELECT key_id, sum(count), sum(count) FILTER (WHERE status >= 400) \
             FROM usage_daily WHERE day BETWEEN ?1 AND ?2 GROUP BY key_id ORDER BY key_id",
            )
            .map_err(fault)?;
        let mut keys = self
            .tx
            .prepare_cached("SELECT id, name, prefix, last_used_at FROM keys ORDER BY id")
            .map_err(fault)?;
        let mut sums = sums.query(params![from_day, to_day]).map_err(fault)?;
        let mut keys = keys.query([]).map_err(fault)?;
        let mut out = Vec::new();
        // The current rollup group: key id (a reused buffer), requests, errors.
        let mut id = String::new();
        let mut next_group = |id: &mut String| -> Result<Option<(u64, u64)>> {
            let Some(row) = sums.next().map_err(fault)? else {
                return Ok(None);
            };
            id.clear();
            id.push_str(text(row, 0)?);
            let requests = row.get::<_, i64>(1).map_err(fault)?;
            let errors = row.get::<_, Option<i64>>(2).map_err(fault)?.unwrap_or(0);
            Ok(Some((
                u64::try_from(requests).unwrap_or(0),
                u64::try_from(errors).unwrap_or(0),
            )))
        };
        let mut totals = next_group(&mut id)?;
        while let Some(k) = keys.next().map_err(fault)? {
            let key_id = text(k, 0)?;
            // Rollups of a key that is not in `keys` are skipped, as a join would.
            while totals.is_some() && id.as_str() < key_id {
                totals = next_group(&mut id)?;
            }
            let Some((requests, errors)) = totals else {
                break;
            };
            if id == key_id {
                out.push(KeyTotals {
                    key_id: key_id.to_owned(),
                    name: k.get(1).map_err(fault)?,
                    prefix: k.get(2).map_err(fault)?,
                    last_used_at: k.get::<_, Option<i64>>(3).map_err(fault)?.map(from_unix),
                    requests,
                    errors,
                });
                totals = next_group(&mut id)?;
            }
        }
        Ok(out)
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
                "INSERT INTO usage_daily (key_id, day, status, count) VALUES (?1, ?2, ?3, ?4)",
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
        let conn = Connection::open(&path).unwrap();
        // Days with different sets of endpoints, another key, and a day
        // outside the window.
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
            conn.execute(
                "INSERT INTO usage_endpoints (key_id, day, endpoint, count) VALUES (?1, ?2, ?3, ?4)",
                params![key, day, endpoint, count],
            )
            .unwrap();
        }
        let mut top = |limit| {
            store
                .read(|q| q.top_endpoints("key_a", 10, 12, limit))
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
        assert_eq!(top(10), all);
        assert_eq!(top(2), all[..2]);
    }
}
