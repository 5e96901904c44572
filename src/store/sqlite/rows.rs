//! Rows to values: the mapping of each column list that SQLite queries read
//! (the lists live beside their types in `crate::store`, shared by both
//! backends) to its value.
//!
//! A column list and its mapping change together: the mapping reads columns
//! by position. A stored value that keyctl cannot have written (an unknown
//! state, a malformed scope) is a conversion error, never a panic.

use rusqlite::Row;

use super::fault;
use crate::error::Result;
use crate::key::Key;
use crate::limits::{Quota, RateLimit};
use crate::scope::ScopeSet;
use crate::secret::Environment;
use crate::store::keys::{metadata_from_stored, period_from_stored};
use crate::store::{
    AuditRow, DeliveryRow, DeliveryState, EventRow, EventState, RequestRecord, Source,
};
use crate::time::{Timestamp, from_unix};

pub(super) fn conversion(e: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.to_string().into())
}

pub(super) fn key_from_row(r: &Row<'_>) -> rusqlite::Result<Key> {
    let ts = |i: usize| -> rusqlite::Result<Option<Timestamp>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(from_unix))
    };
    let environment: String = r.get(3)?;
    let scopes: String = r.get(4)?;
    let rate_limit = match (r.get::<_, Option<u32>>(15)?, r.get::<_, Option<u32>>(16)?) {
        (Some(count), Some(window_secs)) => Some(RateLimit { count, window_secs }),
        _ => None,
    };
    let quota = match (
        r.get::<_, Option<i64>>(17)?,
        r.get::<_, Option<String>>(18)?,
    ) {
        (Some(count), Some(p)) => Some(Quota {
            count: u64::try_from(count).map_err(conversion)?,
            period: period_from_stored(&p),
        }),
        _ => None,
    };
    let metadata: String = r.get(19)?;
    Ok(Key {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        environment: environment.parse::<Environment>().map_err(conversion)?,
        scopes: ScopeSet::from_stored(&scopes).map_err(conversion)?,
        prefix: r.get(5)?,
        created_at: from_unix(r.get(6)?),
        created_by: r.get(7)?,
        expires_at: ts(8)?,
        last_used_at: ts(9)?,
        revoked_at: ts(10)?,
        revoked_by: r.get(11)?,
        revoke_reason: r.get(12)?,
        rotated_from: r.get(13)?,
        replaced_by: r.get(14)?,
        rate_limit,
        quota,
        metadata: metadata_from_stored(&metadata).map_err(conversion)?,
    })
}

pub(super) fn audit_from_row(r: &Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        seq: r.get(0)?,
        ts: from_unix(r.get(1)?),
        actor: r.get(2)?,
        action: r.get(3)?,
        key_id: r.get(4)?,
        key_prefix: r.get(5)?,
        details: r.get(6)?,
        status: r.get(7)?,
        path: r.get(8)?,
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

pub(super) type SqlArgs = Vec<Box<dyn rusqlite::ToSql>>;

/// A request from [`REQUEST_COLUMNS`](crate::store::usage::REQUEST_COLUMNS)
/// starting at column `at`.
pub(super) fn request_at(r: &Row<'_>, at: usize) -> rusqlite::Result<RequestRecord> {
    let source: String = r.get(at + 9)?;
    Ok(RequestRecord {
        key_id: r.get(at)?,
        ts: from_unix(r.get(at + 1)?),
        method: r.get(at + 2)?,
        path: r.get(at + 3)?,
        status: r.get(at + 4)?,
        duration_ms: r.get(at + 5)?,
        ip: r.get(at + 6)?,
        user_agent: r.get(at + 7)?,
        outcome: r.get(at + 8)?,
        source: Source::from_stored(&source),
        actor: r.get(at + 10)?,
    })
}

pub(super) fn event_from_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    let state: String = r.get(7)?;
    Ok(EventRow {
        seq: r.get(0)?,
        id: r.get(1)?,
        kind: r.get(2)?,
        ts: from_unix(r.get(3)?),
        key_id: r.get(4)?,
        key_expires_at: r.get::<_, Option<i64>>(5)?.map(from_unix),
        payload: r.get(6)?,
        state: EventState::parse(&state)
            .ok_or_else(|| conversion(format!("unknown event state '{state}'")))?,
    })
}

pub(super) fn delivery_from_row(r: &Row<'_>) -> rusqlite::Result<DeliveryRow> {
    let ts = |i: usize| -> rusqlite::Result<Option<Timestamp>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(from_unix))
    };
    let state: String = r.get(2)?;
    Ok(DeliveryRow {
        event_seq: r.get(0)?,
        destination: r.get(1)?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| conversion(format!("unknown delivery state '{state}'")))?,
        attempts: r.get(3)?,
        next_at: from_unix(r.get(4)?),
        claimed_until: ts(5)?,
        last_attempt_at: ts(6)?,
        last_error: r.get(7)?,
        delivered_at: ts(8)?,
        interrupted: r.get(9)?,
    })
}

/// A text column as `&str`, without a copy.
pub(super) fn text<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str> {
    row.get_ref(i)
        .map_err(fault)?
        .as_str()
        .map_err(conversion)
        .map_err(fault)
}
