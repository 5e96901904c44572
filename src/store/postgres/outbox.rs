//! The outbox on PostgreSQL: [`OutboxQueries`] over `keyctl.events` and
//! `keyctl.deliveries`.

use super::PgTx;
use super::rows::{Sql, delivery_from_row, event_from_row, get};
use crate::error::Result;
use crate::key::Key;
use crate::store::keys::key_columns;
use crate::store::outbox::{DELIVERY_COLUMNS, EVENT_COLUMNS};
use crate::store::{
    DeliveryRow, EventQuery, EventRow, EventState, OutboxQueries, newest_first, to_i64,
};
use crate::time::Timestamp;

impl OutboxQueries for PgTx<'_> {
    fn insert_event(&mut self, e: &EventRow) -> Result<i64> {
        let row = self.query_one(
            "INSERT INTO keyctl.events (id, type, ts, key_id, key_expires_at, payload, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
            &[
                &e.id,
                &e.kind,
                &e.ts.timestamp(),
                &e.key_id,
                &e.key_expires_at.map(|t| t.timestamp()),
                &e.payload,
                &e.state.as_str(),
            ],
        )?;
        get(&row, 0)
    }

    fn event_id_exists(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .query_opt("SELECT 1 FROM keyctl.events WHERE id = $1", &[&id])?
            .is_some())
    }

    fn event_by_id(&mut self, id: &str) -> Result<Option<EventRow>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM keyctl.events WHERE id = $1");
        self.query_opt(&sql, &[&id])?
            .as_ref()
            .map(event_from_row)
            .transpose()
    }

    fn event_by_seq(&mut self, seq: i64) -> Result<Option<EventRow>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM keyctl.events WHERE seq = $1");
        self.query_opt(&sql, &[&seq])?
            .as_ref()
            .map(event_from_row)
            .transpose()
    }

    fn events(&mut self, query: &EventQuery) -> Result<Vec<EventRow>> {
        if let Some(parts) = query.state_parts() {
            return newest_first(&parts, query.limit, |q| self.events(q), |r| r.seq);
        }
        let mut sql = Sql::new(format!(
            "SELECT {EVENT_COLUMNS} FROM keyctl.events WHERE true"
        ));
        if let Some(state) = query.states.first() {
            sql.bind(" AND state = ", state.as_str());
        }
        if let Some(kind) = &query.kind {
            sql.bind(" AND type = ", kind.clone());
        }
        sql.bind(" ORDER BY seq DESC LIMIT ", to_i64(query.limit as u64));
        self.query(&sql.text, &sql.params())?
            .iter()
            .map(event_from_row)
            .collect()
    }

    fn keys_awaiting_expiry_events(
        &mut self,
        until: Timestamp,
        expired_kind: &str,
    ) -> Result<Vec<Key>> {
        self.keys(
            concat!(
                "SELECT ",
                key_columns!(),
                " FROM keyctl.keys k \
                 WHERE k.expires_at <= $1 AND k.revoked_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM keyctl.events e WHERE e.key_id = k.id \
                     AND e.type = $2 AND e.key_expires_at = k.expires_at) \
                 ORDER BY k.expires_at, k.seq"
            ),
            &[&until.timestamp(), &expired_kind],
        )
    }

    fn scan_event_exists(
        &mut self,
        key_id: &str,
        kind: &str,
        expires_at: Timestamp,
    ) -> Result<bool> {
        Ok(self
            .query_opt(
                "SELECT 1 FROM keyctl.events \
                 WHERE key_id = $1 AND type = $2 AND key_expires_at = $3",
                &[&key_id, &kind, &expires_at.timestamp()],
            )?
            .is_some())
    }

    fn set_event_state(&mut self, seq: i64, state: EventState) -> Result<()> {
        self.execute(
            "UPDATE keyctl.events SET state = $2 WHERE seq = $1",
            &[&seq, &state.as_str()],
        )?;
        Ok(())
    }

    fn refresh_event_state(&mut self, seq: i64) -> Result<()> {
        self.execute(
            "UPDATE keyctl.events SET state = CASE \
               WHEN EXISTS (SELECT 1 FROM keyctl.deliveries d \
                            WHERE d.event_seq = $1 AND d.state = 'pending') THEN 'pending' \
               WHEN EXISTS (SELECT 1 FROM keyctl.deliveries d \
                            WHERE d.event_seq = $1 AND d.state = 'dead') THEN 'dead' \
               WHEN EXISTS (SELECT 1 FROM keyctl.deliveries d WHERE d.event_seq = $1) \
                 THEN 'delivered' \
               ELSE 'skipped' END \
             WHERE seq = $1",
            &[&seq],
        )?;
        Ok(())
    }

    fn deliveries_of(&mut self, event_seq: i64) -> Result<Vec<DeliveryRow>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM keyctl.deliveries WHERE event_seq = $1 \
             ORDER BY destination"
        );
        self.query(&sql, &[&event_seq])?
            .iter()
            .map(delivery_from_row)
            .collect()
    }

    fn put_delivery(&mut self, d: &DeliveryRow) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.deliveries (event_seq, destination, state, attempts, next_at, \
             claimed_until, last_attempt_at, last_error, delivered_at, interrupted) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (event_seq, destination) DO UPDATE SET state = excluded.state, \
             attempts = excluded.attempts, interrupted = excluded.interrupted, \
             next_at = excluded.next_at, claimed_until = excluded.claimed_until, \
             last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error, \
             delivered_at = excluded.delivered_at",
            &[
                &d.event_seq,
                &d.destination,
                &d.state.as_str(),
                &i64::from(d.attempts),
                &d.next_at.timestamp(),
                &d.claimed_until.map(|t| t.timestamp()),
                &d.last_attempt_at.map(|t| t.timestamp()),
                &d.last_error,
                &d.delivered_at.map(|t| t.timestamp()),
                &i64::from(d.interrupted),
            ],
        )?;
        Ok(())
    }

    fn next_due_delivery(
        &mut self,
        now: Timestamp,
        event_seq: Option<i64>,
    ) -> Result<Option<DeliveryRow>> {
        let row = match event_seq {
            Some(seq) => {
                let sql = format!(
                    "SELECT {DELIVERY_COLUMNS} FROM keyctl.deliveries \
                     WHERE event_seq = $2 AND state = 'pending' AND next_at <= $1 \
                     ORDER BY next_at, destination LIMIT 1"
                );
                self.query_opt(&sql, &[&now.timestamp(), &seq])?
            }
            None => {
                let sql = format!(
                    "SELECT {DELIVERY_COLUMNS} FROM keyctl.deliveries \
                     WHERE state = 'pending' AND next_at <= $1 \
                     ORDER BY next_at, event_seq, destination LIMIT 1"
                );
                self.query_opt(&sql, &[&now.timestamp()])?
            }
        };
        row.as_ref().map(delivery_from_row).transpose()
    }
}
