//! The audit trail as stored: hash-chained events, and the request rows
//! that the trail shows beside them.
//!
//! The store keeps each event exactly as given, sequence number and hashes
//! included; computing and checking the chain is `crate::audit`'s job. A
//! trail listing is newest first (time, then sequence number) on every
//! backend, and never returns more than its limit.

use super::usage::RequestRecord;
use crate::error::Result;
use crate::time::Timestamp;

/// One row of the hash-chained audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub ts: Timestamp,
    pub actor: String,
    pub action: String,
    pub key_id: Option<String>,
    pub key_prefix: Option<String>,
    /// Canonical JSON of the event's details.
    pub details: String,
    /// The HTTP status in the details of a verification event.
    pub status: Option<u16>,
    /// The request path in the details of a verification event.
    pub path: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The trail's filters, resolved for the store.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub key_id: Option<String>,
    /// Event actions; `request` selects request entries.
    pub actions: Vec<String>,
    pub actor: Option<String>,
    pub since: Option<Timestamp>,
    /// Exclusive.
    pub until: Option<Timestamp>,
    /// An inclusive range of HTTP statuses.
    pub status: Option<(u16, u16)>,
    pub path_prefix: Option<String>,
    pub limit: usize,
}

/// Appending to the trail and reading it, inside a transaction.
pub trait AuditQueries {
    /// The sequence number and hash of the last audit entry.
    fn audit_tail(&mut self) -> Result<Option<(i64, String)>>;
    fn insert_audit(&mut self, row: &AuditRow) -> Result<()>;
    /// The number of chained events.
    fn audit_count(&mut self) -> Result<u64>;
    /// Chained events passing the filter, newest first, at most `limit`.
    /// (`actions` other than `request` filter events.)
    fn audit_events(&mut self, query: &AuditQuery) -> Result<Vec<AuditRow>>;
    /// Request entries of the trail passing the filter, newest first, at most
    /// `limit`: every recorded request except refused verifications, which
    /// their events represent.
    fn trail_requests(&mut self, query: &AuditQuery) -> Result<Vec<(i64, RequestRecord)>>;
    /// Streams every chained event in sequence order.
    fn for_each_audit(&mut self, f: &mut dyn FnMut(AuditRow) -> Result<()>) -> Result<()>;
}
