//! The outbox on SQLite: [`OutboxQueries`] over `events` and `deliveries`.
//!
//! Listings and the search for the next due delivery are index walks that
//! never sort (the test below checks each plan).

use rusqlite::{OptionalExtension, params};

use super::SqliteTx;
use super::fault;
use super::rows::{SqlArgs, delivery_from_row, event_from_row, key_from_row};
use crate::error::Result;
use crate::key::Key;
use crate::store::keys::KEY_COLUMNS;
use crate::store::outbox::{DELIVERY_COLUMNS, EVENT_COLUMNS};
use crate::store::{
    DeliveryRow, EventQuery, EventRow, EventState, OutboxQueries, newest_first, to_i64,
};
use crate::time::Timestamp;

impl OutboxQueries for SqliteTx<'_> {
    fn insert_event(&mut self, e: &EventRow) -> Result<i64> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO events (id, type, ts, key_id, key_expires_at, payload, state) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(fault)?;
        stmt.execute(params![
            e.id,
            e.kind,
            e.ts.timestamp(),
            e.key_id,
            e.key_expires_at.map(|t| t.timestamp()),
            e.payload,
            e.state.as_str(),
        ])
        .map_err(fault)?;
        Ok(self.tx.last_insert_rowid())
    }

    fn event_id_exists(&mut self, id: &str) -> Result<bool> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")
            .map_err(fault)?;
        stmt.exists([id]).map_err(fault)
    }

    fn event_by_id(&mut self, id: &str) -> Result<Option<EventRow>> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"))
            .map_err(fault)?;
        stmt.query_row([id], event_from_row)
            .optional()
            .map_err(fault)
    }

    fn event_by_seq(&mut self, seq: i64) -> Result<Option<EventRow>> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE seq = ?1"
            ))
            .map_err(fault)?;
        stmt.query_row([seq], event_from_row)
            .optional()
            .map_err(fault)
    }

    fn events(&mut self, query: &EventQuery) -> Result<Vec<EventRow>> {
        if let Some(parts) = query.state_parts() {
            return newest_first(&parts, query.limit, |q| self.events(q), |r| r.seq);
        }
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE 1 = 1");
        let mut args: SqlArgs = Vec::new();
        if !query.states.is_empty() {
            sql.push_str(&format!(
                " AND state IN ({})",
                vec!["?"; query.states.len()].join(", ")
            ));
            for s in &query.states {
                args.push(Box::new(s.as_str()));
            }
        }
        if let Some(kind) = &query.kind {
            sql.push_str(" AND type = ?");
            args.push(Box::new(kind.clone()));
        }
        sql.push_str(" ORDER BY seq DESC LIMIT ?");
        args.push(Box::new(to_i64(query.limit as u64)));
        let mut stmt = self.tx.prepare_cached(&sql).map_err(fault)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), event_from_row)
            .map_err(fault)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(fault)?;
        Ok(rows)
    }

    fn keys_awaiting_expiry_events(
        &mut self,
        until: Timestamp,
        expired_kind: &str,
    ) -> Result<Vec<Key>> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!(
                "SELECT {KEY_COLUMNS} FROM keys k \
             WHERE k.expires_at <= ?1 AND k.revoked_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM events e WHERE e.key_id = k.id \
                 AND e.type = ?2 AND e.key_expires_at = k.expires_at) \
             ORDER BY k.expires_at, k.seq"
            ))
            .map_err(fault)?;
        let keys = stmt
            .query_map(params![until.timestamp(), expired_kind], key_from_row)
            .map_err(fault)?
            .collect::<rusqlite::Result<Vec<Key>>>()
            .map_err(fault)?;
        Ok(keys)
    }

    fn scan_event_exists(
        &mut self,
        key_id: &str,
        kind: &str,
        expires_at: Timestamp,
    ) -> Result<bool> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT 1 FROM events WHERE key_id = ?1 AND type = ?2 AND key_expires_at = ?3",
            )
            .map_err(fault)?;
        stmt.exists(params![key_id, kind, expires_at.timestamp()])
            .map_err(fault)
    }

    fn set_event_state(&mut self, seq: i64, state: EventState) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached("UPDATE events SET state = ?2 WHERE seq = ?1")
            .map_err(fault)?;
        stmt.execute(params![seq, state.as_str()]).map_err(fault)?;
        Ok(())
    }

    fn refresh_event_state(&mut self, seq: i64) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "UPDATE events SET state = CASE \
               WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = ?1 AND d.state = 'pending') \
                 THEN 'pending' \
               WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = ?1 AND d.state = 'dead') \
                 THEN 'dead' \
               WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = ?1) THEN 'delivered' \
               ELSE 'skipped' END \
             WHERE seq = ?1",
        ).map_err(fault)?;
        stmt.execute([seq]).map_err(fault)?;
        Ok(())
    }

    fn deliveries_of(&mut self, event_seq: i64) -> Result<Vec<DeliveryRow>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE event_seq = ?1 ORDER BY destination"
        )).map_err(fault)?;
        let rows = stmt
            .query_map([event_seq], delivery_from_row)
            .map_err(fault)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(fault)?;
        Ok(rows)
    }

    fn put_delivery(&mut self, d: &DeliveryRow) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO deliveries (event_seq, destination, state, attempts, next_at, \
             claimed_until, last_attempt_at, last_error, delivered_at, interrupted) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
             ON CONFLICT (event_seq, destination) DO UPDATE SET state = excluded.state, \
             attempts = excluded.attempts, interrupted = excluded.interrupted, \
             next_at = excluded.next_at, \
             claimed_until = excluded.claimed_until, last_attempt_at = excluded.last_attempt_at, \
             last_error = excluded.last_error, delivered_at = excluded.delivered_at",
            )
            .map_err(fault)?;
        stmt.execute(params![
            d.event_seq,
            d.destination,
            d.state.as_str(),
            d.attempts,
            d.next_at.timestamp(),
            d.claimed_until.map(|t| t.timestamp()),
            d.last_attempt_at.map(|t| t.timestamp()),
            d.last_error,
            d.delivered_at.map(|t| t.timestamp()),
            d.interrupted,
        ])
        .map_err(fault)?;
        Ok(())
    }

    fn next_due_delivery(
        &mut self,
        now: Timestamp,
        event_seq: Option<i64>,
    ) -> Result<Option<DeliveryRow>> {
        let row = match event_seq {
            Some(seq) => {
                let mut stmt = self
                    .tx
                    .prepare_cached(&format!(
                        "SELECT {DELIVERY_COLUMNS} FROM deliveries \
                     WHERE event_seq = ?2 AND state = 'pending' AND next_at <= ?1 \
                     ORDER BY next_at, destination LIMIT 1"
                    ))
                    .map_err(fault)?;
                stmt.query_row(params![now.timestamp(), seq], delivery_from_row)
                    .optional()
                    .map_err(fault)?
            }
            None => {
                let mut stmt = self
                    .tx
                    .prepare_cached(&format!(
                        "SELECT {DELIVERY_COLUMNS} FROM deliveries \
                     WHERE state = 'pending' AND next_at <= ?1 \
                     ORDER BY next_at, event_seq, destination LIMIT 1"
                    ))
                    .map_err(fault)?;
                stmt.query_row([now.timestamp()], delivery_from_row)
                    .optional()
                    .map_err(fault)?
            }
        };
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::store::sqlite::{apply_migrations, latest_version};

    #[test]
    fn event_queries_use_an_index_and_never_sort() {
        let conn = Connection::open_in_memory().unwrap();
        apply_migrations(&conn, 0, latest_version()).unwrap();
        let queries = [
            "SELECT seq FROM events WHERE 1 = 1 ORDER BY seq DESC LIMIT 50",
            "SELECT seq FROM events WHERE 1 = 1 AND state IN (?) ORDER BY seq DESC LIMIT 50",
            "SELECT seq FROM events WHERE 1 = 1 AND type = ? ORDER BY seq DESC LIMIT 50",
            "SELECT event_seq FROM deliveries WHERE state = 'pending' AND next_at <= ?1 \
             ORDER BY next_at, event_seq, destination LIMIT 1",
            "SELECT id FROM keys k WHERE k.expires_at <= ?1 AND k.revoked_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM events e WHERE e.key_id = k.id \
             AND e.type = ?2 AND e.key_expires_at = k.expires_at) ORDER BY k.expires_at, k.seq",
        ];
        for sql in queries {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let n = stmt.parameter_count();
            let args: Vec<i64> = vec![0; n];
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                    r.get::<_, String>(3)
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let plan = plan.join(" | ");
            assert!(!plan.contains("TEMP B-TREE"), "{sql} sorts: {plan}");
            assert!(
                plan.contains("USING") || plan == "SCAN events",
                "{sql} scans without an index: {plan}"
            );
        }
    }
}
