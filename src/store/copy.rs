//! Whole-table copies for `keyctl migrate`: every stored row, out of one
//! store and into another, sequence numbers included.
//!
//! A copy must order, link and hash exactly as the original, so rows move
//! as stored, not through the operations that made them: a key keeps its
//! sequence number, an audit entry its hashes, an event its state. Tables
//! are copied in [`CopyTable::ALL`]'s order, in which a row only refers to
//! rows already copied.

use super::audit::AuditRow;
use super::outbox::{DeliveryRow, EventRow};
use super::usage::{Counter, RequestRecord};
use crate::error::Result;
use crate::key::Key;
use crate::secret::SecretHash;

/// The tables `keyctl migrate` copies, in the order it copies them (a row
/// only refers to rows of tables before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyTable {
    Keys,
    Requests,
    UsageDaily,
    UsageEndpoints,
    LimitCounters,
    AuditEvents,
    Events,
    Deliveries,
}

impl CopyTable {
    pub const ALL: [CopyTable; 8] = [
        CopyTable::Keys,
        CopyTable::Requests,
        CopyTable::UsageDaily,
        CopyTable::UsageEndpoints,
        CopyTable::LimitCounters,
        CopyTable::AuditEvents,
        CopyTable::Events,
        CopyTable::Deliveries,
    ];

    /// The name in `migrate`'s output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CopyTable::Keys => "keys",
            CopyTable::Requests => "requests",
            CopyTable::UsageDaily => "daily_rollups",
            CopyTable::UsageEndpoints => "endpoint_rollups",
            CopyTable::LimitCounters => "limit_counters",
            CopyTable::AuditEvents => "audit_events",
            CopyTable::Events => "events",
            CopyTable::Deliveries => "deliveries",
        }
    }

    /// The stored table's name (within the `keyctl` schema on PostgreSQL).
    pub(crate) fn table_name(self) -> &'static str {
        match self {
            CopyTable::Keys => "keys",
            CopyTable::Requests => "requests",
            CopyTable::UsageDaily => "usage_daily",
            CopyTable::UsageEndpoints => "usage_endpoints",
            CopyTable::LimitCounters => "limit_counters",
            CopyTable::AuditEvents => "audit_events",
            CopyTable::Events => "events",
            CopyTable::Deliveries => "deliveries",
        }
    }

    /// Whether the store numbers the table's rows itself (`seq` from a
    /// sequence), so that a copy must move the numbering past the copied
    /// rows. The audit trail's numbers are its own: the chain assigns them.
    #[cfg_attr(
        not(feature = "postgres"),
        expect(dead_code, reason = "only PostgreSQL numbers rows from a sequence")
    )]
    pub(crate) fn numbered_by_store(self) -> bool {
        matches!(
            self,
            CopyTable::Keys | CopyTable::Requests | CopyTable::Events
        )
    }
}

/// One stored row as `keyctl migrate` moves it, sequence numbers included,
/// so that the copy orders, links and hashes exactly as the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyRecord {
    Key {
        seq: i64,
        key: Key,
        hash: SecretHash,
    },
    Request {
        seq: i64,
        request: RequestRecord,
    },
    Daily {
        key_id: String,
        day: i64,
        status: u16,
        count: u64,
    },
    Endpoint {
        key_id: String,
        day: i64,
        endpoint: String,
        count: u64,
    },
    Counter {
        scope: String,
        kind: String,
        counter: Counter,
    },
    Audit(AuditRow),
    Event(EventRow),
    Delivery(DeliveryRow),
}

/// Copying every row of a table out of a store and into another, inside a
/// transaction.
pub trait CopyQueries {
    /// The number of rows of a table, for `migrate`'s progress and checks.
    fn copy_count(&mut self, table: CopyTable) -> Result<u64>;
    /// Streams every row of a table in its stored order (by sequence number
    /// where it has one).
    fn copy_out(
        &mut self,
        table: CopyTable,
        f: &mut dyn FnMut(CopyRecord) -> Result<()>,
    ) -> Result<()>;
    /// Adds a row exactly as given, sequence number included. A key's
    /// `rotated_from` and `replaced_by` are written by a later
    /// [`KeyQueries::update_key`](super::KeyQueries::update_key), once the
    /// keys they name exist.
    fn copy_in(&mut self, record: &CopyRecord) -> Result<()>;
    /// Ends a copy: sequences continue after the copied rows.
    fn copy_finish(&mut self) -> Result<()>;
}
