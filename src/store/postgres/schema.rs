//! The PostgreSQL schema: what a database holds, and the migrations that
//! bring it to this build's version.
//!
//! The schema `keyctl` is versioned by the table `keyctl.schema_migrations`
//! (one row per applied migration). Migrations are an ordered, append-only
//! list (`sql/`), applied in one transaction under a transaction-level
//! advisory lock ([`MIGRATION_LOCK`]), so many processes starting at once
//! migrate exactly once. A schema from a newer keyctl, or a `keyctl` schema
//! that keyctl did not make, is refused untouched.

use postgres::Client;

use super::PostgresStore;
use crate::error::{Error, Result};

/// The migrations, in order; entry `i` brings the schema to version `i + 1`.
/// Append only: a released migration is never edited.
pub const MIGRATIONS: &[&str] = &[
    include_str!("sql/0001_init.sql"),
    include_str!("sql/0002_roles.sql"),
];

/// The schema version this build writes.
#[must_use]
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The advisory lock that serialises migrations ("kctl" and 0).
pub const MIGRATION_LOCK: i64 = 0x6b63_746c_0000_0000;

impl PostgresStore {
    /// What the database is, read in one statement on the common path
    /// (the schema is current) and without writing anything.
    pub(super) fn identify(&mut self) -> Result<Identity> {
        // The simple-query protocol: one round trip, no statement to prepare.
        // The connection's user rides along: it is the operator (SPEC §5).
        match self
            .client
            .simple_query("SELECT max(version), session_user FROM keyctl.schema_migrations")
        {
            Ok(messages) => {
                let row = messages.iter().find_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(row) => Some(row),
                    _ => None,
                });
                self.user = row.and_then(|r| r.get(1)).unwrap_or_default().to_owned();
                let version = row
                    .and_then(|r| r.get(0))
                    .map(|v| {
                        v.parse::<i64>()
                            .map_err(|_| self.refused(format!("has a schema version '{v}'")))
                    })
                    .transpose()?;
                self.judge(version.unwrap_or(0))
            }
            Err(e) if is_missing_relation(&e) => {
                let row = self
                    .client
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'keyctl'), \
                                session_user::text",
                        &[],
                    )
                    .map_err(|e| self.failed(&e))?;
                let schema: bool = row.try_get(0).map_err(|e| self.failed(&e))?;
                self.user = row.try_get(1).map_err(|e| self.failed(&e))?;
                // A schema without the version table is someone else's, or
                // one that another process has just made: the check under
                // the migration lock tells them apart.
                Ok(if schema {
                    Identity::Unsure
                } else {
                    Identity::Fresh
                })
            }
            Err(e) => Err(self.failed(&e)),
        }
    }

    fn judge(&self, version: i64) -> Result<Identity> {
        let latest = latest_version();
        match version {
            v if v > latest => Err(self.refused(format!(
                "was written by a newer keyctl (schema version {v}; this keyctl knows up to {latest}); it was left untouched"
            ))),
            v if v == latest => Ok(Identity::Current),
            v => Ok(Identity::Older(v)),
        }
    }

    fn foreign_schema(&self) -> Error {
        self.refused(
            "has a schema named keyctl that keyctl did not make (no keyctl.schema_migrations); it was left untouched",
        )
    }

    /// Applies the missing migrations in one transaction under the migration
    /// lock. The version is read again under the lock: another process may
    /// have migrated while this one waited.
    pub(super) fn migrate(&mut self) -> Result<()> {
        let result = self.migrate_locked();
        if result.is_err() {
            let _ = self.client.batch_execute("ROLLBACK");
        }
        result
    }

    fn migrate_locked(&mut self) -> Result<()> {
        self.client
            .batch_execute(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"
            ))
            .map_err(|e| self.failed(&e))?;
        let row = self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'keyctl'), \
                        to_regclass('keyctl.schema_migrations') IS NOT NULL",
                &[],
            )
            .map_err(|e| self.failed(&e))?;
        let (schema, table): (bool, bool) = (
            row.try_get(0).map_err(|e| self.failed(&e))?,
            row.try_get(1).map_err(|e| self.failed(&e))?,
        );
        let current = if table {
            let row = self
                .client
                .query_one("SELECT max(version) FROM keyctl.schema_migrations", &[])
                .map_err(|e| self.failed(&e))?;
            let v: Option<i64> = row.try_get(0).map_err(|e| self.failed(&e))?;
            match self.judge(v.unwrap_or(0))? {
                Identity::Current => {
                    self.client
                        .batch_execute("COMMIT")
                        .map_err(|e| self.failed(&e))?;
                    return Ok(());
                }
                Identity::Older(v) => v,
                Identity::Fresh | Identity::Unsure => 0,
            }
        } else if schema {
            return Err(self.foreign_schema());
        } else {
            self.client
                .batch_execute(
                    "CREATE SCHEMA keyctl; \
                     CREATE TABLE keyctl.schema_migrations (\
                         version    BIGINT PRIMARY KEY, \
                         applied_at BIGINT NOT NULL)",
                )
                .map_err(|e| self.failed(&e))?;
            0
        };
        apply_migrations(&mut self.client, current, latest_version())
            .map_err(|e| self.failed(&e))?;
        self.client
            .batch_execute("COMMIT")
            .map_err(|e| self.failed(&e))?;
        Ok(())
    }
}

/// Applies migrations `from + 1 ..= to` inside the caller's transaction and
/// records each one. Exposed for the migration tests.
pub fn apply_migrations(client: &mut Client, from: i64, to: i64) -> Result<(), postgres::Error> {
    for version in (from + 1)..=to {
        let index = usize::try_from(version - 1).unwrap_or(usize::MAX);
        if let Some(sql) = MIGRATIONS.get(index) {
            client.batch_execute(sql)?;
            client.execute(
                "INSERT INTO keyctl.schema_migrations (version, applied_at) \
                 VALUES ($1, extract(epoch FROM now())::bigint)",
                &[&version],
            )?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Identity {
    /// No keyctl schema yet.
    Fresh,
    /// A schema named keyctl without the version table (yet).
    Unsure,
    Older(i64),
    Current,
}

/// `undefined_table` or `invalid_schema_name`.
fn is_missing_relation(e: &postgres::Error) -> bool {
    e.as_db_error()
        .is_some_and(|d| matches!(d.code().code(), "42P01" | "3F000"))
}
