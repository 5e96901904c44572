//! The audit trail: appending hash-chained events, in the caller's transaction.
//!
//! Each entry's `hash` is the SHA-256 (lower-case hex) of its canonical form:
//! the compact JSON object
//!
//! ```text
//! {"seq":N,"ts":"<RFC 3339 UTC>","actor":"…","action":"…","key_id":…,"key_prefix":…,"details":{…},"prev_hash":"…"}
//! ```
//!
//! with the members in exactly that order, `key_id`/`key_prefix` a string or
//! `null`, `details` the stored details object with its members sorted by
//! name, and `prev_hash` the previous entry's hash (64 zeros for the first).
//! An entry is appended in the same transaction as the change it describes,
//! so there is no change without its event and no event without its change.
//! No secret ever enters an event.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Result;

use crate::key::Key;
use crate::secret::hex;
use crate::store::{AuditRow, Queries};
use crate::time::{Timestamp, rfc3339};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Event actions.
pub mod action {
    pub const KEY_CREATED: &str = "key.created";
    pub const KEY_UPDATED: &str = "key.updated";
    pub const KEY_REVOKED: &str = "key.revoked";
    pub const KEY_ROTATED: &str = "key.rotated";
    /// A verification refused with a 401 outcome.
    pub const VERIFY_FAILED: &str = "verify.failed";
    /// A verification refused for its scope (403).
    pub const VERIFY_FORBIDDEN: &str = "verify.forbidden";
    /// A verification refused by a rate limit, quota or plan (429).
    pub const VERIFY_LIMITED: &str = "verify.limited";
    /// A gateway log brought in by `ingest`.
    pub const INGEST: &str = "requests.ingested";
}

/// The fields of one entry that its hash covers, in canonical order.
#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    pub seq: i64,
    #[serde(serialize_with = "serialize_ts")]
    pub ts: Timestamp,
    pub actor: &'a str,
    pub action: &'a str,
    pub key_id: Option<&'a str>,
    pub key_prefix: Option<&'a str>,
    pub details: &'a Value,
    pub prev_hash: &'a str,
}

fn serialize_ts<S: serde::Serializer>(ts: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*ts))
}

impl Entry<'_> {
    /// The canonical form: compact JSON, members in declaration order.
    #[must_use]
    pub fn canonical(&self) -> String {
        // Serializing strings, integers and a Value cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// SHA-256 of the canonical form, lower-case hex.
    #[must_use]
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.canonical().as_bytes()))
    }
}

/// Canonical JSON of a details value: compact, members sorted by name.
#[must_use]
pub fn canonical_details(details: &Value) -> String {
    // serde_json's map is ordered by key unless `preserve_order` is enabled,
    // which this crate does not enable.
    details.to_string()
}

/// One event to append.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub ts: Timestamp,
    pub actor: &'a str,
    pub action: &'a str,
    pub key_id: Option<&'a str>,
    pub key_prefix: Option<&'a str>,
    pub details: &'a Value,
}

impl<'a> Event<'a> {
    /// An event about a key.
    #[must_use]
    pub fn about(
        key: &'a Key,
        ts: Timestamp,
        actor: &'a str,
        action: &'a str,
        details: &'a Value,
    ) -> Self {
        Event {
            ts,
            actor,
            action,
            key_id: Some(&key.id),
            key_prefix: Some(&key.prefix),
            details,
        }
    }
}

/// Appends one event to the chain inside the caller's transaction.
pub fn append(q: &mut dyn Queries, e: &Event<'_>) -> Result<AuditRow> {
    let (seq, prev_hash) = match q.audit_tail()? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let hash = Entry {
        seq,
        ts: e.ts,
        actor: e.actor,
        action: e.action,
        key_id: e.key_id,
        key_prefix: e.key_prefix,
        details: e.details,
        prev_hash: &prev_hash,
    }
    .hash();
    let row = AuditRow {
        seq,
        ts: e.ts,
        actor: e.actor.to_owned(),
        action: e.action.to_owned(),
        key_id: e.key_id.map(str::to_owned),
        key_prefix: e.key_prefix.map(str::to_owned),
        details: canonical_details(e.details),
        prev_hash,
        hash,
    };
    q.insert_audit(&row)?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::from_unix;
    use serde_json::json;

    #[test]
    fn canonical_form_is_stable() {
        let details = json!({"z": 1, "a": ["x", null]});
        assert_eq!(canonical_details(&details), r#"{"a":["x",null],"z":1}"#);
        let h = Entry {
            seq: 1,
            ts: from_unix(0),
            actor: "alice",
            action: action::KEY_CREATED,
            key_id: Some("key_0123456789"),
            key_prefix: Some("sk_live_abcdefgh"),
            details: &details,
            prev_hash: GENESIS_HASH,
        }
        .hash();
        let text = format!(
            r#"{{"seq":1,"ts":"1970-01-01T00:00:00Z","actor":"alice","action":"key.created","key_id":"key_0123456789","key_prefix":"sk_live_abcdefgh","details":{{"a":["x",null],"z":1}},"prev_hash":"{GENESIS_HASH}"}}"#
        );
        assert_eq!(h, hex(&Sha256::digest(text.as_bytes())));
    }

    #[test]
    fn any_field_changes_the_hash() {
        let d = json!({});
        let other = json!({"r": 1});
        let ones = "1".repeat(64);
        let base = Entry {
            seq: 2,
            ts: from_unix(5),
            actor: "a",
            action: "x",
            key_id: None,
            key_prefix: None,
            details: &d,
            prev_hash: GENESIS_HASH,
        };
        let h = base.hash();
        assert_ne!(h, Entry { seq: 3, ..base }.hash());
        assert_ne!(
            h,
            Entry {
                ts: from_unix(6),
                ..base
            }
            .hash()
        );
        assert_ne!(h, Entry { actor: "b", ..base }.hash());
        assert_ne!(
            h,
            Entry {
                action: "y",
                ..base
            }
            .hash()
        );
        assert_ne!(
            h,
            Entry {
                key_id: Some("k"),
                ..base
            }
            .hash()
        );
        assert_ne!(
            h,
            Entry {
                key_prefix: Some("p"),
                ..base
            }
            .hash()
        );
        assert_ne!(
            h,
            Entry {
                details: &other,
                ..base
            }
            .hash()
        );
        assert_ne!(
            h,
            Entry {
                prev_hash: &ones,
                ..base
            }
            .hash()
        );
    }
}
