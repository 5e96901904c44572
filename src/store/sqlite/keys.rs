//! Keys on SQLite: [`KeyQueries`] over the `keys` table.
//!
//! Listings are ordered by `created_at, seq`, served by the `keys_created`
//! index; a lookup by secret hash is a unique-index seek.

use rusqlite::{OptionalExtension, params};

use super::SqliteTx;
use super::fault;
use super::rows::key_from_row;
use crate::error::{Error, Result};
use crate::key::Key;
use crate::secret::{Environment, SecretHash};
use crate::store::keys::{KEY_COLUMNS, key_columns, metadata_to_stored};
use crate::store::{KeyFilter, KeyQueries, StatusFilter};
use crate::time::Timestamp;

impl KeyQueries for SqliteTx<'_> {
    fn insert_key(&mut self, key: &Key, hash: &SecretHash) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO keys (id, name, description, environment, scopes, prefix, secret_hash, \
             created_at, created_by, expires_at, last_used_at, revoked_at, revoked_by, \
             revoke_reason, rotated_from, replaced_by, rate_limit_count, rate_limit_window, \
             quota_count, quota_period, metadata) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
             ?18, ?19, ?20, ?21)",
        ).map_err(fault)?;
        stmt.execute(params![
            key.id,
            key.name,
            key.description,
            key.environment.as_str(),
            key.scopes.to_stored(),
            key.prefix,
            &hash.0[..],
            key.created_at.timestamp(),
            key.created_by,
            key.expires_at.map(|t| t.timestamp()),
            key.last_used_at.map(|t| t.timestamp()),
            key.revoked_at.map(|t| t.timestamp()),
            key.revoked_by,
            key.revoke_reason,
            key.rotated_from,
            key.replaced_by,
            key.rate_limit.map(|r| r.count),
            key.rate_limit.map(|r| r.window_secs),
            key.quota
                .map(|q| i64::try_from(q.count).unwrap_or(i64::MAX)),
            key.quota.map(|q| q.period.as_str()),
            metadata_to_stored(&key.metadata),
        ])
        .map_err(fault)?;
        Ok(())
    }

    fn key_id_exists(&mut self, id: &str) -> Result<bool> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT 1 FROM keys WHERE id = ?1")
            .map_err(fault)?;
        stmt.exists([id]).map_err(fault)
    }

    fn key_by_id(&mut self, id: &str) -> Result<Option<Key>> {
        Ok(self
            .keys_where(
                concat!("SELECT ", key_columns!(), " FROM keys WHERE id = ?1"),
                id,
            )?
            .pop())
    }

    fn key_by_hash(&mut self, hash: &SecretHash) -> Result<Option<Key>> {
        let mut stmt = self
            .tx
            .prepare_cached(concat!(
                "SELECT ",
                key_columns!(),
                " FROM keys WHERE secret_hash = ?1"
            ))
            .map_err(fault)?;
        stmt.query_row([&hash.0[..]], key_from_row)
            .optional()
            .map_err(fault)
    }

    fn keys_by_prefix(&mut self, prefix: &str) -> Result<Vec<Key>> {
        self.keys_where(
            concat!(
                "SELECT ",
                key_columns!(),
                " FROM keys WHERE prefix = ?1 ORDER BY created_at, seq"
            ),
            prefix,
        )
    }

    fn keys_by_name(&mut self, name: &str) -> Result<Vec<Key>> {
        self.keys_where(
            concat!(
                "SELECT ",
                key_columns!(),
                " FROM keys WHERE name = ?1 ORDER BY created_at, seq"
            ),
            name,
        )
    }

    fn for_each_key(
        &mut self,
        filter: &KeyFilter,
        f: &mut dyn FnMut(Key) -> Result<()>,
    ) -> Result<()> {
        let status = match filter.status {
            StatusFilter::NotRevoked => "revoked_at IS NULL",
            StatusFilter::Active => {
                "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?1)"
            }
            StatusFilter::Expired => {
                "revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?1"
            }
            StatusFilter::Revoked => "revoked_at IS NOT NULL",
            StatusFilter::All => "1 = 1",
        };
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM keys WHERE {status} \
             AND (?2 IS NULL OR environment = ?2) \
             AND (?3 IS NULL OR (expires_at > ?1 AND expires_at <= ?3)) \
             ORDER BY created_at, seq"
        );
        let mut stmt = self.tx.prepare_cached(&sql).map_err(fault)?;
        let mut rows = stmt
            .query(params![
                filter.now.timestamp(),
                filter.environment.map(Environment::as_str),
                filter.expires_before.map(|t| t.timestamp()),
            ])
            .map_err(fault)?;
        while let Some(row) = rows.next().map_err(fault)? {
            f(key_from_row(row).map_err(fault)?)?;
        }
        Ok(())
    }

    fn update_key(&mut self, key: &Key) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "UPDATE keys SET name = ?2, description = ?3, expires_at = ?4, last_used_at = ?5, \
             revoked_at = ?6, revoked_by = ?7, revoke_reason = ?8, rotated_from = ?9, \
             replaced_by = ?10, rate_limit_count = ?11, rate_limit_window = ?12, \
             quota_count = ?13, quota_period = ?14, metadata = ?15 WHERE id = ?1",
            )
            .map_err(fault)?;
        let changed = stmt
            .execute(params![
                key.id,
                key.name,
                key.description,
                key.expires_at.map(|t| t.timestamp()),
                key.last_used_at.map(|t| t.timestamp()),
                key.revoked_at.map(|t| t.timestamp()),
                key.revoked_by,
                key.revoke_reason,
                key.rotated_from,
                key.replaced_by,
                key.rate_limit.map(|r| r.count),
                key.rate_limit.map(|r| r.window_secs),
                key.quota
                    .map(|q| i64::try_from(q.count).unwrap_or(i64::MAX)),
                key.quota.map(|q| q.period.as_str()),
                metadata_to_stored(&key.metadata),
            ])
            .map_err(fault)?;
        if changed == 1 {
            Ok(())
        } else {
            Err(Error::KeyNotFound(key.id.clone()))
        }
    }

    fn count_plan_keys(&mut self, now: Timestamp) -> Result<u64> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT count(*) FROM keys WHERE revoked_at IS NULL \
             AND (expires_at IS NULL OR expires_at > ?1) AND replaced_by IS NULL",
            )
            .map_err(fault)?;
        let n: i64 = stmt
            .query_row([now.timestamp()], |r| r.get(0))
            .map_err(fault)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

impl SqliteTx<'_> {
    fn keys_where(&mut self, sql: &'static str, value: &str) -> Result<Vec<Key>> {
        let mut stmt = self.tx.prepare_cached(sql).map_err(fault)?;
        let keys = stmt
            .query_map([value], key_from_row)
            .map_err(fault)?
            .collect::<rusqlite::Result<Vec<Key>>>()
            .map_err(fault)?;
        Ok(keys)
    }
}
