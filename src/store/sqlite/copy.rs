//! `keyctl migrate` on SQLite: [`CopyQueries`], every row out and in as
//! stored, sequence numbers included.
//!
//! A row copied in keeps its `seq` (an `INTEGER PRIMARY KEY`, so SQLite
//! numbers later rows after it by itself); a key is inserted without its
//! rotation links, which the copy writes once the keys they name exist.

use rusqlite::{Row, params};

use super::SqliteTx;
use super::fault;
use super::rows::{
    audit_from_row, conversion, delivery_from_row, event_from_row, key_from_row, request_at,
};
use crate::error::Result;
use crate::key::Key;
use crate::secret::SecretHash;
use crate::store::audit::AUDIT_COLUMNS;
use crate::store::keys::key_columns;
use crate::store::outbox::{DELIVERY_COLUMNS, EVENT_COLUMNS};
use crate::store::usage::REQUEST_COLUMNS;
use crate::store::{
    AuditQueries, CopyQueries, CopyRecord, CopyTable, Counter, KeyQueries, OutboxQueries,
    UsageQueries,
};

impl CopyQueries for SqliteTx<'_> {
    fn copy_count(&mut self, table: CopyTable) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM {}", table.table_name());
        let n: i64 = self.tx.query_row(&sql, [], |r| r.get(0)).map_err(fault)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn copy_out(
        &mut self,
        table: CopyTable,
        f: &mut dyn FnMut(CopyRecord) -> Result<()>,
    ) -> Result<()> {
        match table {
            CopyTable::Keys => self.copy_rows(
                concat!(
                    "SELECT ",
                    key_columns!(),
                    ", seq, secret_hash FROM keys ORDER BY seq"
                ),
                |r| {
                    let bytes: Vec<u8> = r.get(21)?;
                    let hash: [u8; 32] = bytes
                        .try_into()
                        .map_err(|_| conversion("a secret hash is not 32 bytes"))?;
                    Ok(CopyRecord::Key {
                        key: key_from_row(r)?,
                        seq: r.get(20)?,
                        hash: SecretHash(hash),
                    })
                },
                f,
            ),
            CopyTable::Requests => self.copy_rows(
                &format!("SELECT seq, {REQUEST_COLUMNS} FROM requests ORDER BY seq"),
                |r| {
                    Ok(CopyRecord::Request {
                        seq: r.get(0)?,
                        request: request_at(r, 1)?,
                    })
                },
                f,
            ),
            CopyTable::UsageDaily => self.copy_rows(
                "SELECT key_id, day, status, count FROM usage_daily ORDER BY key_id, day, status",
                |r| {
                    Ok(CopyRecord::Daily {
                        key_id: r.get(0)?,
                        day: r.get(1)?,
                        status: r.get(2)?,
                        count: u64::try_from(r.get::<_, i64>(3)?).map_err(conversion)?,
                    })
                },
                f,
            ),
            CopyTable::UsageEndpoints => self.copy_rows(
                "SELECT key_id, day, endpoint, count FROM usage_endpoints \
                 ORDER BY key_id, day, endpoint",
                |r| {
                    Ok(CopyRecord::Endpoint {
                        key_id: r.get(0)?,
                        day: r.get(1)?,
                        endpoint: r.get(2)?,
                        count: u64::try_from(r.get::<_, i64>(3)?).map_err(conversion)?,
                    })
                },
                f,
            ),
            CopyTable::LimitCounters => self.copy_rows(
                "SELECT scope, kind, window_start, count FROM limit_counters ORDER BY scope, kind",
                |r| {
                    Ok(CopyRecord::Counter {
                        scope: r.get(0)?,
                        kind: r.get(1)?,
                        counter: Counter {
                            window_start: r.get(2)?,
                            count: u64::try_from(r.get::<_, i64>(3)?).map_err(conversion)?,
                        },
                    })
                },
                f,
            ),
            CopyTable::AuditEvents => self.copy_rows(
                &format!("SELECT {AUDIT_COLUMNS} FROM audit_events ORDER BY seq"),
                |r| Ok(CopyRecord::Audit(audit_from_row(r)?)),
                f,
            ),
            CopyTable::Events => self.copy_rows(
                &format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"),
                |r| Ok(CopyRecord::Event(event_from_row(r)?)),
                f,
            ),
            CopyTable::Deliveries => self.copy_rows(
                &format!(
                    "SELECT {DELIVERY_COLUMNS} FROM deliveries ORDER BY event_seq, destination"
                ),
                |r| Ok(CopyRecord::Delivery(delivery_from_row(r)?)),
                f,
            ),
        }
    }

    fn copy_in(&mut self, record: &CopyRecord) -> Result<()> {
        match record {
            CopyRecord::Key { seq, key, hash } => {
                let unlinked = Key {
                    rotated_from: None,
                    replaced_by: None,
                    ..key.clone()
                };
                self.insert_key(&unlinked, hash)?;
                // insert_key let SQLite pick the rowid: give it the original.
                let mut stmt = self
                    .tx
                    .prepare_cached("UPDATE keys SET seq = ?2 WHERE id = ?1")
                    .map_err(fault)?;
                stmt.execute(params![key.id, seq]).map_err(fault)?;
            }
            CopyRecord::Request { seq, request: r } => self.insert_request_row(Some(*seq), r)?,
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
                let mut stmt = self.tx.prepare_cached(
                    "INSERT INTO events (seq, id, type, ts, key_id, key_expires_at, payload, state) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                ).map_err(fault)?;
                stmt.execute(params![
                    e.seq,
                    e.id,
                    e.kind,
                    e.ts.timestamp(),
                    e.key_id,
                    e.key_expires_at.map(|t| t.timestamp()),
                    e.payload,
                    e.state.as_str(),
                ])
                .map_err(fault)?;
            }
            CopyRecord::Delivery(d) => self.put_delivery(d)?,
        }
        Ok(())
    }

    fn copy_finish(&mut self) -> Result<()> {
        // INTEGER PRIMARY KEY continues after the largest rowid by itself.
        Ok(())
    }
}

impl SqliteTx<'_> {
    fn copy_rows(
        &mut self,
        sql: &str,
        read: fn(&Row<'_>) -> rusqlite::Result<CopyRecord>,
        f: &mut dyn FnMut(CopyRecord) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.tx.prepare(sql).map_err(fault)?;
        let mut rows = stmt.query([]).map_err(fault)?;
        while let Some(row) = rows.next().map_err(fault)? {
            f(read(row).map_err(fault)?)?;
        }
        Ok(())
    }
}
