//! Keys on PostgreSQL: [`KeyQueries`] over `keyctl.keys`.
//!
//! Listings are ordered by `created_at, seq` (the `keys_created` index); a
//! listing streams its rows as they arrive rather than collecting them.

use super::PgTx;
use super::rows::{KeyValues, count, key_from_row};
use crate::error::{Error, Result};
use crate::key::Key;
use crate::secret::{Environment, SecretHash};
use crate::store::keys::key_columns;
use crate::store::{KeyFilter, KeyQueries, StatusFilter};
use crate::time::Timestamp;

impl KeyQueries for PgTx<'_> {
    fn insert_key(&mut self, key: &Key, hash: &SecretHash) -> Result<()> {
        let v = KeyValues::of(key);
        self.execute(
            "INSERT INTO keyctl.keys (id, name, description, environment, scopes, prefix, \
             secret_hash, created_at, created_by, expires_at, last_used_at, revoked_at, \
             revoked_by, revoke_reason, rotated_from, replaced_by, rate_limit_count, \
             rate_limit_window, quota_count, quota_period, metadata) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21)",
            &[
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
                &key.rotated_from,
                &key.replaced_by,
                &v.rate_count,
                &v.rate_window,
                &v.quota_count,
                &v.quota_period,
                &v.metadata,
            ],
        )?;
        Ok(())
    }

    fn key_id_exists(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .query_opt("SELECT 1 FROM keyctl.keys WHERE id = $1", &[&id])?
            .is_some())
    }

    fn key_by_id(&mut self, id: &str) -> Result<Option<Key>> {
        self.query_opt(
            concat!("SELECT ", key_columns!(), " FROM keyctl.keys WHERE id = $1"),
            &[&id],
        )?
        .as_ref()
        .map(key_from_row)
        .transpose()
    }

    fn key_by_hash(&mut self, hash: &SecretHash) -> Result<Option<Key>> {
        self.query_opt(
            concat!(
                "SELECT ",
                key_columns!(),
                " FROM keyctl.keys WHERE secret_hash = $1"
            ),
            &[&&hash.0[..]],
        )?
        .as_ref()
        .map(key_from_row)
        .transpose()
    }

    fn keys_by_prefix(&mut self, prefix: &str) -> Result<Vec<Key>> {
        self.keys(
            concat!(
                "SELECT ",
                key_columns!(),
                " FROM keyctl.keys WHERE prefix = $1 ORDER BY created_at, seq"
            ),
            &[&prefix],
        )
    }

    fn keys_by_name(&mut self, name: &str) -> Result<Vec<Key>> {
        self.keys(
            concat!(
                "SELECT ",
                key_columns!(),
                " FROM keyctl.keys WHERE name = $1 ORDER BY created_at, seq"
            ),
            &[&name],
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
                "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)"
            }
            StatusFilter::Expired => {
                "revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $1"
            }
            StatusFilter::Revoked => "revoked_at IS NOT NULL",
            StatusFilter::All => "true",
        };
        let sql = format!(
            "SELECT {} FROM keyctl.keys WHERE {status} \
             AND ($2::text IS NULL OR environment = $2::text) \
             AND ($3::bigint IS NULL OR (expires_at > $1 AND expires_at <= $3::bigint)) \
             ORDER BY created_at, seq",
            key_columns!()
        );
        let now = filter.now.timestamp();
        let env = filter.environment.map(Environment::as_str);
        let before = filter.expires_before.map(|t| t.timestamp());
        self.each_row(&sql, &[&now, &env, &before], &mut |row| {
            f(key_from_row(row)?)
        })
    }

    fn update_key(&mut self, key: &Key) -> Result<()> {
        let v = KeyValues::of(key);
        let changed = self.execute(
            "UPDATE keyctl.keys SET name = $2, description = $3, expires_at = $4, \
             last_used_at = $5, revoked_at = $6, revoked_by = $7, revoke_reason = $8, \
             rotated_from = $9, replaced_by = $10, rate_limit_count = $11, \
             rate_limit_window = $12, quota_count = $13, quota_period = $14, metadata = $15 \
             WHERE id = $1",
            &[
                &key.id,
                &key.name,
                &key.description,
                &v.expires_at,
                &v.last_used_at,
                &v.revoked_at,
                &key.revoked_by,
                &key.revoke_reason,
                &key.rotated_from,
                &key.replaced_by,
                &v.rate_count,
                &v.rate_window,
                &v.quota_count,
                &v.quota_period,
                &v.metadata,
            ],
        )?;
        if changed == 1 {
            Ok(())
        } else {
            Err(Error::KeyNotFound(key.id.clone()))
        }
    }

    fn count_plan_keys(&mut self, now: Timestamp) -> Result<u64> {
        let row = self.query_one(
            "SELECT count(*) FROM keyctl.keys WHERE revoked_at IS NULL \
             AND (expires_at IS NULL OR expires_at > $1) AND replaced_by IS NULL",
            &[&now.timestamp()],
        )?;
        count(&row, 0)
    }
}
