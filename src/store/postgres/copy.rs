//! `keyctl migrate` on PostgreSQL: [`CopyQueries`], every row out and in as
//! stored, sequence numbers included.
//!
//! Rows copied in carry their `seq` into identity columns, so
//! [`CopyQueries::copy_finish`] moves each sequence past the copied rows; a
//! key is inserted without its rotation links, which the copy writes once
//! the keys they name exist.

use super::PgTx;
use super::rows::{
    KeyValues, audit_from_row, conversion, count, delivery_from_row, event_from_row, get,
    key_from_row, request_at, small,
};
use crate::error::Result;
use crate::secret::SecretHash;
use crate::store::audit::AUDIT_COLUMNS;
use crate::store::keys::key_columns;
use crate::store::outbox::{DELIVERY_COLUMNS, EVENT_COLUMNS};
use crate::store::usage::REQUEST_COLUMNS;
use crate::store::{
    AuditQueries, CopyQueries, CopyRecord, CopyTable, Counter, OutboxQueries, UsageQueries,
};

impl CopyQueries for PgTx<'_> {
    fn copy_count(&mut self, table: CopyTable) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM keyctl.{}", table.table_name());
        let row = self.query_one(&sql, &[])?;
        count(&row, 0)
    }

    fn copy_out(
        &mut self,
        table: CopyTable,
        f: &mut dyn FnMut(CopyRecord) -> Result<()>,
    ) -> Result<()> {
        match table {
            CopyTable::Keys => self.each_row(
                concat!(
                    "SELECT ",
                    key_columns!(),
                    ", seq, secret_hash FROM keyctl.keys ORDER BY seq"
                ),
                &[],
                &mut |r| {
                    let bytes: Vec<u8> = get(r, 21)?;
                    let hash: [u8; 32] = bytes
                        .try_into()
                        .map_err(|_| conversion("a secret hash is not 32 bytes"))?;
                    f(CopyRecord::Key {
                        key: key_from_row(r)?,
                        seq: get(r, 20)?,
                        hash: SecretHash(hash),
                    })
                },
            ),
            CopyTable::Requests => self.each_row(
                &format!("SELECT seq, {REQUEST_COLUMNS} FROM keyctl.requests ORDER BY seq"),
                &[],
                &mut |r| {
                    f(CopyRecord::Request {
                        seq: get(r, 0)?,
                        request: request_at(r, 1)?,
                    })
                },
            ),
            CopyTable::UsageDaily => self.each_row(
                "SELECT k.id, u.day, u.status, u.count FROM keyctl.usage_daily AS u \
                 JOIN keyctl.keys AS k ON k.seq = u.key_seq ORDER BY k.id, u.day, u.status",
                &[],
                &mut |r| {
                    f(CopyRecord::Daily {
                        key_id: get(r, 0)?,
                        day: get(r, 1)?,
                        status: small(get(r, 2)?)?,
                        count: count(r, 3)?,
                    })
                },
            ),
            CopyTable::UsageEndpoints => self.each_row(
                "SELECT k.id, u.day, u.endpoint, u.count FROM keyctl.usage_endpoints AS u \
                 JOIN keyctl.keys AS k ON k.seq = u.key_seq ORDER BY k.id, u.day, u.endpoint",
                &[],
                &mut |r| {
                    f(CopyRecord::Endpoint {
                        key_id: get(r, 0)?,
                        day: get(r, 1)?,
                        endpoint: get(r, 2)?,
                        count: count(r, 3)?,
                    })
                },
            ),
            CopyTable::LimitCounters => self.each_row(
                "SELECT scope, kind, window_start, count FROM keyctl.limit_counters \
                 ORDER BY scope, kind",
                &[],
                &mut |r| {
                    f(CopyRecord::Counter {
                        scope: get(r, 0)?,
                        kind: get(r, 1)?,
                        counter: Counter {
                            window_start: get(r, 2)?,
                            count: count(r, 3)?,
                        },
                    })
                },
            ),
            CopyTable::AuditEvents => self.each_row(
                &format!("SELECT {AUDIT_COLUMNS} FROM keyctl.audit_events ORDER BY seq"),
                &[],
                &mut |r| f(CopyRecord::Audit(audit_from_row(r)?)),
            ),
            CopyTable::Events => self.each_row(
                &format!("SELECT {EVENT_COLUMNS} FROM keyctl.events ORDER BY seq"),
                &[],
                &mut |r| f(CopyRecord::Event(event_from_row(r)?)),
            ),
            CopyTable::Deliveries => self.each_row(
                &format!(
                    "SELECT {DELIVERY_COLUMNS} FROM keyctl.deliveries \
                     ORDER BY event_seq, destination"
                ),
                &[],
                &mut |r| f(CopyRecord::Delivery(delivery_from_row(r)?)),
            ),
        }
    }

    fn copy_in(&mut self, record: &CopyRecord) -> Result<()> {
        match record {
            CopyRecord::Key { seq, key, hash } => {
                let v = KeyValues::of(key);
                self.execute(
                    "INSERT INTO keyctl.keys (seq, id, name, description, environment, scopes, \
                     prefix, secret_hash, created_at, created_by, expires_at, last_used_at, \
                     revoked_at, revoked_by, revoke_reason, rate_limit_count, \
                     rate_limit_window, quota_count, quota_period, metadata) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                     $16, $17, $18, $19, $20)",
                    &[
                        seq,
                        &key.id,
                        &key.name,
                        &key.description,
                        &key.environment.as_str(),
                        &key.scopes.to_stored(),
                        &key.prefix,
                        &&hash.0[..],
                        &key.created_at.timestamp(),
                        &key.created_by,
                        &v.expires_at,
                        &v.last_used_at,
                        &v.revoked_at,
                        &key.revoked_by,
                        &key.revoke_reason,
                        &v.rate_count,
                        &v.rate_window,
                        &v.quota_count,
                        &v.quota_period,
                        &v.metadata,
                    ],
                )?;
            }
            CopyRecord::Request { seq, request: r } => {
                self.execute(
                    "INSERT INTO keyctl.requests (seq, key_id, ts, method, path, status, \
                     duration_ms, ip, user_agent, outcome, source, actor) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    &[
                        seq,
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
            }
            CopyRecord::Daily {
                key_id,
                day,
                status,
                count,
            } => self.add_daily(key_id, *day, *status, *count)?,
            CopyRecord::Endpoint {
                key_id,
                day,
                endpoint,
                count,
            } => self.add_endpoint(key_id, *day, endpoint, *count)?,
            CopyRecord::Counter {
                scope,
                kind,
                counter,
            } => self.put_counter(scope, kind, *counter)?,
            CopyRecord::Audit(row) => self.insert_audit(row)?,
            CopyRecord::Event(e) => {
                self.execute(
                    "INSERT INTO keyctl.events (seq, id, type, ts, key_id, key_expires_at, \
                     payload, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        &e.seq,
                        &e.id,
                        &e.kind,
                        &e.ts.timestamp(),
                        &e.key_id,
                        &e.key_expires_at.map(|t| t.timestamp()),
                        &e.payload,
                        &e.state.as_str(),
                    ],
                )?;
            }
            CopyRecord::Delivery(d) => self.put_delivery(d)?,
        }
        Ok(())
    }

    fn copy_finish(&mut self) -> Result<()> {
        for table in CopyTable::ALL.into_iter().filter(|t| t.numbered_by_store()) {
            let table = format!("keyctl.{}", table.table_name());
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'seq'), \
                 coalesce(max(seq), 0) + 1, false) FROM {table}"
            );
            self.query_one(&sql, &[])?;
        }
        Ok(())
    }
}
