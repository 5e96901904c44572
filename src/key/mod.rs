//! The key record: every public field of one API key, and its derived status.
//!
//! A [`Key`] never holds the secret, only what may be shown. Status is derived
//! from the record and the current time, never stored, so it cannot go stale.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::error::Result;
use crate::limits::{Quota, RateLimit};
use crate::scope::ScopeSet;
use crate::secret::Environment;
use crate::time::{Timestamp, rfc3339};

pub mod fields;

/// The status of a key at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Expired,
    Revoked,
}

impl Status {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Expired => "expired",
            Status::Revoked => "revoked",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Length of the random part of a key id (`key_` + this many of `[0-9a-z]`).
pub const ID_RANDOM_LEN: usize = 10;

/// Draws a fresh key id, `key_` + 10 characters of `[0-9a-z]`.
pub fn new_key_id() -> Result<String> {
    let mut buf = [0u8; ID_RANDOM_LEN];
    crate::secret::fill_from_alphabet(&mut buf, b"0123456789abcdefghijklmnopqrstuvwxyz")?;
    let mut id = String::with_capacity(4 + ID_RANDOM_LEN);
    id.push_str("key_");
    id.extend(buf.iter().map(|&b| char::from(b)));
    Ok(id)
}

/// Whether `s` has the shape of a key id.
#[must_use]
pub fn looks_like_key_id(s: &str) -> bool {
    s.strip_prefix("key_").is_some_and(|r| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// One API key, as stored (without its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub environment: Environment,
    pub scopes: ScopeSet,
    /// The displayed prefix, e.g. `sk_live_Ab3dE5gH`.
    pub prefix: String,
    pub created_at: Timestamp,
    pub created_by: String,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
    pub rotated_from: Option<String>,
    pub replaced_by: Option<String>,
    pub rate_limit: Option<RateLimit>,
    pub quota: Option<Quota>,
    pub metadata: BTreeMap<String, String>,
}

impl Key {
    /// An active live key created at the epoch, for unit tests.
    #[cfg(test)]
    pub(crate) fn sample(scopes: ScopeSet) -> Key {
        Key {
            id: "key_0000000001".into(),
            name: "k".into(),
            description: None,
            environment: Environment::Live,
            scopes,
            prefix: "sk_live_abcdefgh".into(),
            created_at: crate::time::from_unix(0),
            created_by: "op".into(),
            expires_at: None,
            last_used_at: None,
            revoked_at: None,
            revoked_by: None,
            revoke_reason: None,
            rotated_from: None,
            replaced_by: None,
            rate_limit: None,
            quota: None,
            metadata: BTreeMap::new(),
        }
    }

    /// `revoked` if revoked; else `expired` if `expires_at <= now`; else `active`.
    #[must_use]
    pub fn status(&self, now: Timestamp) -> Status {
        if self.revoked_at.is_some() {
            Status::Revoked
        } else if self.expires_at.is_some_and(|e| e <= now) {
            Status::Expired
        } else {
            Status::Active
        }
    }

    /// The JSON shape of a key (documented in the README).
    #[must_use]
    pub fn to_json(&self, now: Timestamp) -> KeyJson<'_> {
        KeyJson {
            id: &self.id,
            name: &self.name,
            description: self.description.as_deref(),
            environment: self.environment,
            scopes: self.scopes.to_strings(),
            prefix: &self.prefix,
            status: self.status(now),
            created_at: rfc3339(self.created_at),
            created_by: &self.created_by,
            expires_at: self.expires_at.map(rfc3339),
            last_used_at: self.last_used_at.map(rfc3339),
            revoked_at: self.revoked_at.map(rfc3339),
            revoked_by: self.revoked_by.as_deref(),
            revoke_reason: self.revoke_reason.as_deref(),
            rotated_from: self.rotated_from.as_deref(),
            replaced_by: self.replaced_by.as_deref(),
            rate_limit: self.rate_limit.map(|r| r.to_string()),
            quota: self.quota.map(|q| q.to_string()),
            metadata: &self.metadata,
        }
    }

    /// One line naming the key, for lists of candidates and prompts.
    #[must_use]
    pub fn summary_line(&self, now: Timestamp) -> String {
        format!(
            "{}  {}  {}  ({})",
            self.id,
            self.prefix,
            crate::text::escape(&self.name),
            self.status(now)
        )
    }
}

/// The serialized form of a [`Key`]: snake_case, RFC 3339 UTC times, `null`
/// for absent values.
#[derive(Debug, Serialize)]
pub struct KeyJson<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub environment: Environment,
    pub scopes: Vec<String>,
    pub prefix: &'a str,
    pub status: Status,
    pub created_at: String,
    pub created_by: &'a str,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<&'a str>,
    pub revoke_reason: Option<&'a str>,
    pub rotated_from: Option<&'a str>,
    pub replaced_by: Option<&'a str>,
    pub rate_limit: Option<String>,
    pub quota: Option<String>,
    pub metadata: &'a BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::from_unix;

    fn key() -> Key {
        Key::sample(ScopeSet::default())
    }

    #[test]
    fn status_is_derived() {
        let mut k = key();
        assert_eq!(k.status(from_unix(100)), Status::Active);
        k.expires_at = Some(from_unix(100));
        assert_eq!(k.status(from_unix(99)), Status::Active);
        assert_eq!(k.status(from_unix(100)), Status::Expired);
        k.revoked_at = Some(from_unix(50));
        assert_eq!(k.status(from_unix(99)), Status::Revoked);
    }

    #[test]
    fn ids_have_their_shape() {
        let id = new_key_id().unwrap();
        assert!(looks_like_key_id(&id), "{id}");
        assert_eq!(id.len(), 4 + ID_RANDOM_LEN);
        assert_ne!(id, new_key_id().unwrap());
        assert!(!looks_like_key_id("key_"));
        assert!(!looks_like_key_id("key_ABC"));
        assert!(!looks_like_key_id("sk_live_abc"));
    }
}
