//! The audit trail on PostgreSQL: [`AuditQueries`] over
//! `keyctl.audit_events`, and the trail's request entries from
//! `keyctl.requests`.
//!
//! A filter is fixed SQL text with every value a bound parameter, and each
//! filter's index ends in `(ts, seq)` so rows come out in time order. A
//! transaction that shares the write lock (recorded verifications) reads the
//! chain's tail only under `AUDIT_LOCK`, so two of them never extend the same
//! tail.

use super::rows::{Sql, audit_from_row, count, get, request_at};
use super::{AUDIT_LOCK, PgTx, TailLock};
use crate::error::Result;
use crate::store::audit::AUDIT_COLUMNS;
use crate::store::usage::REQUEST_COLUMNS;
use crate::store::{AuditQueries, AuditQuery, AuditRow, RequestRecord, newest_first, to_i64};

impl AuditQueries for PgTx<'_> {
    fn audit_tail(&mut self) -> Result<Option<(i64, String)>> {
        if self.tail == TailLock::Needed {
            // A statement of its own: at READ COMMITTED the next statement's
            // snapshot is taken after the lock, so it sees the tail the last
            // holder committed.
            self.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])?;
            self.tail = TailLock::Held;
        }
        self.query_opt(
            "SELECT seq, hash FROM keyctl.audit_events ORDER BY seq DESC LIMIT 1",
            &[],
        )?
        .map(|r| Ok((get(&r, 0)?, get(&r, 1)?)))
        .transpose()
    }

    fn insert_audit(&mut self, row: &AuditRow) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.audit_events (seq, ts, actor, action, key_id, key_prefix, \
             details, status, path, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &row.seq,
                &row.ts.timestamp(),
                &row.actor,
                &row.action,
                &row.key_id,
                &row.key_prefix,
                &row.details,
                &row.status.map(i64::from),
                &row.path,
                &row.prev_hash,
                &row.hash,
            ],
        )?;
        Ok(())
    }

    fn audit_count(&mut self) -> Result<u64> {
        let row = self.query_one("SELECT count(*) FROM keyctl.audit_events", &[])?;
        count(&row, 0)
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
        let sql = audit_events_sql(query);
        self.query(&sql.text, &sql.params())?
            .iter()
            .map(audit_from_row)
            .collect()
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
        let sql = trail_requests_sql(query);
        self.query(&sql.text, &sql.params())?
            .iter()
            .map(|r| Ok((get(r, 0)?, request_at(r, 1)?)))
            .collect()
    }

    fn for_each_audit(&mut self, f: &mut dyn FnMut(AuditRow) -> Result<()>) -> Result<()> {
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM keyctl.audit_events ORDER BY seq");
        self.each_row(&sql, &[], &mut |row| f(audit_from_row(row)?))
    }
}

/// The filters that trail events and requests share (values as parameters).
fn common_filters(query: &AuditQuery, sql: &mut Sql) {
    if let Some(key) = &query.key_id {
        sql.bind(" AND key_id = ", key.clone());
    }
    if let Some(actor) = &query.actor {
        sql.bind(" AND actor = ", actor.clone());
    }
    if let Some(since) = query.since {
        sql.bind(" AND ts >= ", since.timestamp());
    }
    if let Some(until) = query.until {
        sql.bind(" AND ts < ", until.timestamp());
    }
    if let Some((lo, hi)) = query.status {
        if lo == hi {
            sql.bind(" AND status = ", i64::from(lo));
        } else {
            sql.bind(" AND status BETWEEN ", i64::from(lo));
            sql.bind(" AND ", i64::from(hi));
        }
    }
    if let Some(prefix) = &query.path_prefix {
        sql.bind(" AND starts_with(path, ", prefix.clone())
            .push(")");
    }
}

fn audit_events_sql(query: &AuditQuery) -> Sql {
    let mut sql = Sql::new(format!(
        "SELECT {AUDIT_COLUMNS} FROM keyctl.audit_events WHERE true"
    ));
    let actions = query.event_actions();
    for (i, a) in actions.iter().enumerate() {
        let before = if i == 0 { " AND action IN (" } else { ", " };
        sql.bind(before, (*a).clone());
    }
    if !actions.is_empty() {
        sql.push(")");
    }
    common_filters(query, &mut sql);
    sql.bind(
        " ORDER BY ts DESC, seq DESC LIMIT ",
        to_i64(query.limit as u64),
    );
    sql
}

fn trail_requests_sql(query: &AuditQuery) -> Sql {
    let mut sql = Sql::new(format!(
        "SELECT seq, {REQUEST_COLUMNS} FROM keyctl.requests \
         WHERE NOT (source = 'verify' AND outcome IS DISTINCT FROM 'VALID')"
    ));
    common_filters(query, &mut sql);
    sql.bind(
        " ORDER BY ts DESC, seq DESC LIMIT ",
        to_i64(query.limit as u64),
    );
    sql
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::from_unix;

    #[test]
    fn trail_queries_bind_every_value() {
        let q = AuditQuery {
            key_id: Some("key_1".into()),
            actions: vec!["key.created".into(), "request".into()],
            actor: Some("alice".into()),
            since: Some(from_unix(10)),
            until: Some(from_unix(20)),
            status: Some((401, 401)),
            path_prefix: Some("/v1/'; DROP TABLE keys; --".into()),
            limit: 5,
        };
        let sql = audit_events_sql(&q);
        assert!(!sql.text.contains("DROP"), "{}", sql.text);
        assert_eq!(sql.args.len(), 8, "{}", sql.text);
        assert!(sql.text.ends_with("LIMIT $8"), "{}", sql.text);
        let sql = trail_requests_sql(&q);
        assert_eq!(sql.args.len(), 7, "{}", sql.text);
    }
}
