//! The audit trail on SQLite: [`AuditQueries`] over `audit_events`, and the
//! trail's request entries from `requests`.
//!
//! Every filter of `keyctl audit` is served by an index whose rows come out
//! in time order, so no listing sorts (the test below checks each plan). A
//! filter is fixed SQL text with every value a parameter.

use rusqlite::{OptionalExtension, params};

use super::SqliteTx;
use super::fault;
use super::rows::{SqlArgs, audit_from_row, request_at};
use crate::error::Result;
use crate::store::audit::AUDIT_COLUMNS;
use crate::store::usage::REQUEST_COLUMNS;
use crate::store::{AuditQueries, AuditQuery, AuditRow, RequestRecord, newest_first, to_i64};

impl AuditQueries for SqliteTx<'_> {
    fn audit_tail(&mut self) -> Result<Option<(i64, String)>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
            .map_err(fault)?;
        stmt.query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(fault)
    }

    fn insert_audit(&mut self, row: &AuditRow) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO audit_events (seq, ts, actor, action, key_id, key_prefix, details, \
             status, path, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .map_err(fault)?;
        stmt.execute(params![
            row.seq,
            row.ts.timestamp(),
            row.actor,
            row.action,
            row.key_id,
            row.key_prefix,
            row.details,
            row.status,
            row.path,
            row.prev_hash,
            row.hash,
        ])
        .map_err(fault)?;
        Ok(())
    }

    fn audit_count(&mut self) -> Result<u64> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT count(*) FROM audit_events")
            .map_err(fault)?;
        let n: i64 = stmt.query_row([], |r| r.get(0)).map_err(fault)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn audit_events(&mut self, query: &AuditQuery) -> Result<Vec<AuditRow>> {
        if let Some(parts) = query.event_parts() {
            return newest_first(
                &parts,
                query.limit,
                |q| self.audit_events(q),
                |r| (r.ts, r.seq),
            );
        }
        let (sql, args) = audit_events_sql(query);
        let mut stmt = self.tx.prepare_cached(&sql).map_err(fault)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), audit_from_row)
            .map_err(fault)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(fault)?;
        Ok(rows)
    }

    fn trail_requests(&mut self, query: &AuditQuery) -> Result<Vec<(i64, RequestRecord)>> {
        if let Some(parts) = query.request_parts() {
            return newest_first(
                &parts,
                query.limit,
                |q| self.trail_requests(q),
                |r| (r.1.ts, r.0),
            );
        }
        let (sql, args) = trail_requests_sql(query);
        let mut stmt = self.tx.prepare_cached(&sql).map_err(fault)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok((r.get::<_, i64>(0)?, request_at(r, 1)?))
            })
            .map_err(fault)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(fault)?;
        Ok(rows)
    }

    fn for_each_audit(&mut self, f: &mut dyn FnMut(AuditRow) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_events ORDER BY seq"
            ))
            .map_err(fault)?;
        let mut rows = stmt.query([]).map_err(fault)?;
        while let Some(row) = rows.next().map_err(fault)? {
            f(audit_from_row(row).map_err(fault)?)?;
        }
        Ok(())
    }
}

/// The trail's event query for a filter (fixed SQL text; values as parameters).
fn audit_events_sql(query: &AuditQuery) -> (String, SqlArgs) {
    let mut sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE 1 = 1");
    let mut args: SqlArgs = Vec::new();
    let actions = query.event_actions();
    if !actions.is_empty() {
        sql.push_str(&format!(
            " AND action IN ({})",
            vec!["?"; actions.len()].join(", ")
        ));
        for a in actions {
            args.push(Box::new(a.clone()));
        }
    }
    common_filters(query, &mut sql, &mut args);
    // Every filter's index ends in (ts, seq): rows come out in order.
    sql.push_str(" ORDER BY ts DESC, seq DESC LIMIT ?");
    args.push(Box::new(to_i64(query.limit as u64)));
    (sql, args)
}

/// The trail's request query for a filter.
fn trail_requests_sql(query: &AuditQuery) -> (String, SqlArgs) {
    let mut sql = format!(
        "SELECT seq, {REQUEST_COLUMNS} FROM requests \
         WHERE NOT (source = 'verify' AND outcome <> 'VALID')"
    );
    let mut args: SqlArgs = Vec::new();
    common_filters(query, &mut sql, &mut args);
    sql.push_str(" ORDER BY ts DESC, seq DESC LIMIT ?");
    args.push(Box::new(to_i64(query.limit as u64)));
    (sql, args)
}

/// The filters that events and requests share: key, actor, time, status, path.
/// Only fixed SQL text is appended; every value is a parameter.
fn common_filters(query: &AuditQuery, sql: &mut String, args: &mut Vec<Box<dyn rusqlite::ToSql>>) {
    if let Some(key) = &query.key_id {
        sql.push_str(" AND key_id = ?");
        args.push(Box::new(key.clone()));
    }
    if let Some(actor) = &query.actor {
        sql.push_str(" AND actor = ?");
        args.push(Box::new(actor.clone()));
    }
    if let Some(since) = query.since {
        sql.push_str(" AND ts >= ?");
        args.push(Box::new(since.timestamp()));
    }
    if let Some(until) = query.until {
        sql.push_str(" AND ts < ?");
        args.push(Box::new(until.timestamp()));
    }
    if let Some((lo, hi)) = query.status {
        if lo == hi {
            sql.push_str(" AND status = ?");
            args.push(Box::new(lo));
        } else {
            sql.push_str(" AND status BETWEEN ? AND ?");
            args.push(Box::new(lo));
            args.push(Box::new(hi));
        }
    }
    if let Some(prefix) = &query.path_prefix {
        sql.push_str(" AND substr(path, 1, ?) = ?");
        args.push(Box::new(to_i64(prefix.chars().count() as u64)));
        args.push(Box::new(prefix.clone()));
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::store::sqlite::{apply_migrations, latest_version};
    use crate::time::from_unix;

    /// Every filter of `keyctl audit` is served by an index: no full scan of
    /// a table and no sort, except the path prefix, which walks the time index
    /// newest first and stops at the limit.
    #[test]
    fn every_audit_filter_uses_an_index() {
        let conn = Connection::open_in_memory().unwrap();
        apply_migrations(&conn, 0, latest_version()).unwrap();
        let t = from_unix(1_700_000_000);
        let base = AuditQuery {
            limit: 50,
            ..AuditQuery::default()
        };
        let filters = [
            ("none", base.clone()),
            (
                "key",
                AuditQuery {
                    key_id: Some("key_0000000001".into()),
                    ..base.clone()
                },
            ),
            (
                "action",
                AuditQuery {
                    actions: vec!["key.created".into()],
                    ..base.clone()
                },
            ),
            (
                "actor",
                AuditQuery {
                    actor: Some("alice".into()),
                    ..base.clone()
                },
            ),
            (
                "since",
                AuditQuery {
                    since: Some(t),
                    ..base.clone()
                },
            ),
            (
                "until",
                AuditQuery {
                    until: Some(t),
                    ..base.clone()
                },
            ),
            (
                "status",
                AuditQuery {
                    status: Some((401, 401)),
                    since: Some(t),
                    ..base.clone()
                },
            ),
            (
                "path",
                AuditQuery {
                    path_prefix: Some("/v1/".into()),
                    ..base.clone()
                },
            ),
        ];
        for (name, q) in filters {
            for (table, (sql, args)) in [
                ("events", audit_events_sql(&q)),
                ("requests", trail_requests_sql(&q)),
            ] {
                let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
                let plan: Vec<String> = stmt
                    .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                        r.get::<_, String>(3)
                    })
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                let plan = plan.join(" | ");
                assert!(
                    !plan.contains("TEMP B-TREE"),
                    "{name} on {table} sorts: {plan}"
                );
                assert!(
                    plan.contains("USING INDEX") || plan.contains("USING INTEGER PRIMARY KEY"),
                    "{name} on {table} scans without an index: {plan}"
                );
            }
        }
    }
}
