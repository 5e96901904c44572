//! Rows to values and values to parameters: the mapping of each column list
//! that PostgreSQL queries read (the lists live beside their types in
//! `crate::store`, shared by both backends) to its value, and the builder of
//! queries whose filters vary.
//!
//! A column list and its mapping change together: the mapping reads columns
//! by position. Integers are stored as BIGINT, so a narrower Rust value is
//! converted with a check, and a stored value keyctl cannot have written is
//! a conversion error, never a panic.

use postgres::Row;
use postgres::types::ToSql;

use super::describe;
use crate::error::{Error, Result};
use crate::key::Key;
use crate::limits::{Quota, RateLimit};
use crate::scope::ScopeSet;
use crate::secret::Environment;
use crate::store::keys::{metadata_from_stored, metadata_to_stored, period_from_stored};
use crate::store::{
    AuditRow, DeliveryRow, DeliveryState, EventRow, EventState, RequestRecord, Source, to_i64,
};
use crate::time::{Timestamp, from_unix};

pub(super) fn conversion(e: impl std::fmt::Display) -> Error {
    Error::Storage(format!("unexpected stored value: {e}"))
}

pub(super) fn get<'r, T: postgres::types::FromSql<'r>>(r: &'r Row, i: usize) -> Result<T> {
    r.try_get(i).map_err(|e| conversion(describe(&e)))
}

pub(super) fn ts(r: &Row, i: usize) -> Result<Option<Timestamp>> {
    Ok(get::<Option<i64>>(r, i)?.map(from_unix))
}

pub(super) fn count(r: &Row, i: usize) -> Result<u64> {
    u64::try_from(get::<i64>(r, i)?).map_err(conversion)
}

pub(super) fn small<T: TryFrom<i64>>(v: i64) -> Result<T>
where
    T::Error: std::fmt::Display,
{
    T::try_from(v).map_err(conversion)
}

pub(super) fn opt_small<T: TryFrom<i64>>(v: Option<i64>) -> Result<Option<T>>
where
    T::Error: std::fmt::Display,
{
    v.map(small).transpose()
}

pub(super) fn key_from_row(r: &Row) -> Result<Key> {
    let environment: String = get(r, 3)?;
    let scopes: String = get(r, 4)?;
    let rate_limit = match (get::<Option<i64>>(r, 15)?, get::<Option<i64>>(r, 16)?) {
        (Some(count), Some(window)) => Some(RateLimit {
            count: small(count)?,
            window_secs: small(window)?,
        }),
        _ => None,
    };
    let quota = match (get::<Option<i64>>(r, 17)?, get::<Option<String>>(r, 18)?) {
        (Some(count), Some(p)) => Some(Quota {
            count: small(count)?,
            period: period_from_stored(&p),
        }),
        _ => None,
    };
    let metadata: String = get(r, 19)?;
    Ok(Key {
        id: get(r, 0)?,
        name: get(r, 1)?,
        description: get(r, 2)?,
        environment: environment.parse::<Environment>().map_err(conversion)?,
        scopes: ScopeSet::from_stored(&scopes).map_err(conversion)?,
        prefix: get(r, 5)?,
        created_at: from_unix(get(r, 6)?),
        created_by: get(r, 7)?,
        expires_at: ts(r, 8)?,
        last_used_at: ts(r, 9)?,
        revoked_at: ts(r, 10)?,
        revoked_by: get(r, 11)?,
        revoke_reason: get(r, 12)?,
        rotated_from: get(r, 13)?,
        replaced_by: get(r, 14)?,
        rate_limit,
        quota,
        metadata: metadata_from_stored(&metadata).map_err(conversion)?,
    })
}

/// The values of a key's columns from `rotated_from` on, as bound parameters.
pub(super) struct KeyValues {
    pub(super) expires_at: Option<i64>,
    pub(super) last_used_at: Option<i64>,
    pub(super) revoked_at: Option<i64>,
    pub(super) rate_count: Option<i64>,
    pub(super) rate_window: Option<i64>,
    pub(super) quota_count: Option<i64>,
    pub(super) quota_period: Option<&'static str>,
    pub(super) metadata: String,
}

impl KeyValues {
    pub(super) fn of(key: &Key) -> KeyValues {
        KeyValues {
            expires_at: key.expires_at.map(|t| t.timestamp()),
            last_used_at: key.last_used_at.map(|t| t.timestamp()),
            revoked_at: key.revoked_at.map(|t| t.timestamp()),
            rate_count: key.rate_limit.map(|r| i64::from(r.count)),
            rate_window: key.rate_limit.map(|r| i64::from(r.window_secs)),
            quota_count: key.quota.map(|q| to_i64(q.count)),
            quota_period: key.quota.map(|q| q.period.as_str()),
            metadata: metadata_to_stored(&key.metadata),
        }
    }
}

pub(super) fn audit_from_row(r: &Row) -> Result<AuditRow> {
    Ok(AuditRow {
        seq: get(r, 0)?,
        ts: from_unix(get(r, 1)?),
        actor: get(r, 2)?,
        action: get(r, 3)?,
        key_id: get(r, 4)?,
        key_prefix: get(r, 5)?,
        details: get(r, 6)?,
        status: opt_small(get(r, 7)?)?,
        path: get(r, 8)?,
        prev_hash: get(r, 9)?,
        hash: get(r, 10)?,
    })
}

pub(super) fn request_at(r: &Row, at: usize) -> Result<RequestRecord> {
    let source: String = get(r, at + 9)?;
    Ok(RequestRecord {
        key_id: get(r, at)?,
        ts: from_unix(get(r, at + 1)?),
        method: get(r, at + 2)?,
        path: get(r, at + 3)?,
        status: small(get(r, at + 4)?)?,
        duration_ms: opt_small(get(r, at + 5)?)?,
        ip: get(r, at + 6)?,
        user_agent: get(r, at + 7)?,
        outcome: get(r, at + 8)?,
        source: Source::from_stored(&source),
        actor: get(r, at + 10)?,
    })
}

pub(super) fn event_from_row(r: &Row) -> Result<EventRow> {
    let state: String = get(r, 7)?;
    Ok(EventRow {
        seq: get(r, 0)?,
        id: get(r, 1)?,
        kind: get(r, 2)?,
        ts: from_unix(get(r, 3)?),
        key_id: get(r, 4)?,
        key_expires_at: ts(r, 5)?,
        payload: get(r, 6)?,
        state: EventState::parse(&state)
            .ok_or_else(|| conversion(format!("unknown event state '{state}'")))?,
    })
}

pub(super) fn delivery_from_row(r: &Row) -> Result<DeliveryRow> {
    let state: String = get(r, 2)?;
    Ok(DeliveryRow {
        event_seq: get(r, 0)?,
        destination: get(r, 1)?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| conversion(format!("unknown delivery state '{state}'")))?,
        attempts: small(get(r, 3)?)?,
        next_at: from_unix(get(r, 4)?),
        claimed_until: ts(r, 5)?,
        last_attempt_at: ts(r, 6)?,
        last_error: get(r, 7)?,
        delivered_at: ts(r, 8)?,
        interrupted: small(get(r, 9)?)?,
    })
}

/// A query built from fixed SQL text and numbered parameters.
#[derive(Default)]
pub(super) struct Sql {
    pub(super) text: String,
    pub(super) args: Vec<Box<dyn ToSql + Sync>>,
}

impl Sql {
    pub(super) fn new(text: impl Into<String>) -> Sql {
        Sql {
            text: text.into(),
            args: Vec::new(),
        }
    }

    /// Appends `before`, the next placeholder, and binds `value` to it.
    pub(super) fn bind(&mut self, before: &str, value: impl ToSql + Sync + 'static) -> &mut Sql {
        self.args.push(Box::new(value));
        self.text.push_str(before);
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    pub(super) fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    pub(super) fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.args
            .iter()
            .map(|a| &**a as &(dyn ToSql + Sync))
            .collect()
    }
}
