//! Keys: what the store keeps of each API key, and how it is found.
//!
//! A key is stored with the SHA-256 of its secret, never the secret; a
//! lookup by hash is how a presented secret is verified. Listings come out
//! oldest first (creation time, then insertion order), on every backend.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::key::Key;
use crate::limits::Period;
use crate::secret::{Environment, SecretHash};
use crate::time::Timestamp;

/// The columns a [`Key`] is read from, in the order both backends' row
/// mappings read them; a literal so that a query built with `concat!` is a
/// `&'static str`, never formatted per call.
macro_rules! key_columns {
    () => {
        "id, name, description, environment, scopes, prefix, created_at, created_by, expires_at, \
         last_used_at, revoked_at, revoked_by, revoke_reason, rotated_from, replaced_by, \
         rate_limit_count, rate_limit_window, quota_count, quota_period, metadata"
    };
}
pub(crate) use key_columns;

/// [`key_columns!`] as a constant, for queries that are formatted anyway.
pub(crate) const KEY_COLUMNS: &str = key_columns!();

/// A key's metadata as stored: a JSON object of strings.
pub(crate) fn metadata_to_stored(metadata: &BTreeMap<String, String>) -> String {
    // A map of strings always serializes.
    serde_json::to_string(metadata).unwrap_or_else(|_| "{}".to_owned())
}

/// A key's metadata from its stored form; `{}`, which nearly every key
/// has, without a parse.
pub(crate) fn metadata_from_stored(
    stored: &str,
) -> std::result::Result<BTreeMap<String, String>, serde_json::Error> {
    if stored == "{}" {
        return Ok(BTreeMap::new());
    }
    serde_json::from_str(stored)
}

/// A quota's period from its stored form, which the schema keeps to `day`
/// or `month`.
pub(crate) fn period_from_stored(stored: &str) -> Period {
    if stored == "day" {
        Period::Day
    } else {
        Period::Month
    }
}

/// Which keys a listing wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Every key that is not revoked (the default of `list`).
    NotRevoked,
    Active,
    Expired,
    Revoked,
    All,
}

/// A listing's filters that the store applies.
#[derive(Debug, Clone, Copy)]
pub struct KeyFilter {
    pub status: StatusFilter,
    pub environment: Option<Environment>,
    /// Only keys with an expiry before this instant.
    pub expires_before: Option<Timestamp>,
    /// The instant against which status is judged.
    pub now: Timestamp,
}

/// Adding, finding, listing and changing keys, inside a transaction.
pub trait KeyQueries {
    /// Adds a new key with the hash of its secret.
    fn insert_key(&mut self, key: &Key, hash: &SecretHash) -> Result<()>;
    /// Whether a key id is taken.
    fn key_id_exists(&mut self, id: &str) -> Result<bool>;
    fn key_by_id(&mut self, id: &str) -> Result<Option<Key>>;
    fn key_by_hash(&mut self, hash: &SecretHash) -> Result<Option<Key>>;
    fn keys_by_prefix(&mut self, prefix: &str) -> Result<Vec<Key>>;
    fn keys_by_name(&mut self, name: &str) -> Result<Vec<Key>>;
    /// Streams the keys that pass `filter`, oldest first.
    fn for_each_key(
        &mut self,
        filter: &KeyFilter,
        f: &mut dyn FnMut(Key) -> Result<()>,
    ) -> Result<()>;
    /// Writes back the fields that may change: name, description, expiry,
    /// last use, revocation, rotation links, limits and metadata.
    fn update_key(&mut self, key: &Key) -> Result<()>;
    /// Keys that count toward a plan's key count at `now`: not revoked, not
    /// expired, and not an old key in a rotation's grace period.
    fn count_plan_keys(&mut self, now: Timestamp) -> Result<u64>;
}
