//! The SQLite schema: identifying a file before anything is written to it,
//! and the migrations, recorded in `PRAGMA user_version`.
//!
//! A file is used only if it is empty, or a keyctl database (`PRAGMA
//! application_id`) at this build's schema version or an older one; a
//! newer, foreign, stray or truncated file is refused and left untouched.
//! Migrations are an ordered, append-only list (`sql/`), applied in one
//! `BEGIN IMMEDIATE` transaction, so many processes opening a new file at
//! once migrate it exactly once.

use std::fs;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use super::{SqliteStore, db_error};
use crate::error::{Error, Result};

/// `PRAGMA application_id` of a keyctl database: "kctl".
pub const APPLICATION_ID: i32 = 0x6b63_746c;

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

impl SqliteStore {
    /// Reads the file's identity and its length as its header gives it, in
    /// one read transaction, without writing anything.
    ///
    /// The length check needs the read transaction: no checkpoint can then
    /// move frames into the file while its length is read (see
    /// [`SqliteStore::check_length`]).
    pub(super) fn inspect(&mut self) -> Result<(Identity, Lengths)> {
        let path = self.path.clone();
        let refused = |e: IdentifyError| match e {
            IdentifyError::Sqlite(e) => db_error(&path, &e),
            IdentifyError::Refused(message) => Error::Database {
                path: path.clone(),
                message,
            },
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| db_error(&path, &e))?;
        let state = identify(&tx).map_err(refused)?;
        let pragma = |name: &str| {
            tx.pragma_query_value(None, name, |r| r.get::<_, i64>(0))
                .map_err(|e| db_error(&path, &e))
        };
        let (pages, page_size) = (pragma("page_count")?, pragma("page_size")?);
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        let wal_len = fs::metadata(&wal).map_or(0, |m| m.len());
        let file_len = fs::metadata(&path)
            .map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?
            .len();
        drop(tx);
        Ok((
            state,
            Lengths {
                pages,
                page_size,
                file_len,
                wal_len,
            },
        ))
    }

    /// Refuses a file that SQLite reads as an empty database but that is not
    /// one: a few stray bytes with no SQLite header. keyctl would otherwise
    /// write a new database over them. (A file that another keyctl is
    /// initialising already starts with the header: SQLite writes it whole,
    /// under a lock that the identification above waited for.)
    pub(super) fn check_fresh(&self) -> Result<()> {
        use std::io::Read;
        const MAGIC: &[u8; 16] = b"SQLite format 3\0";
        let mut head = Vec::with_capacity(100);
        fs::File::open(&self.path)
            .and_then(|f| f.take(100).read_to_end(&mut head))
            .map_err(|source| Error::Io {
                path: self.path.clone(),
                source,
            })?;
        if head.is_empty() || (head.len() == 100 && head.starts_with(MAGIC)) {
            return Ok(());
        }
        Err(Error::Database {
            path: self.path.clone(),
            message: "is not a keyctl database (not an SQLite file); it was left untouched"
                .to_owned(),
        })
    }

    /// Refuses a file cut short: one whose length is not a whole number of
    /// pages, or shorter than the pages its header counts. SQLite reads the
    /// missing part as zeros and would write on into the damaged file.
    ///
    /// The file alone tells only when no log holds frames beyond it, so the
    /// lengths are read inside a read transaction ([`SqliteStore::inspect`]:
    /// no checkpoint can then move frames into the file) and the check is
    /// skipped when the `-wal` holds a frame: a crash mid-checkpoint leaves a
    /// short file that SQLite repairs from the log.
    pub(super) fn check_length(&self, lengths: Lengths) -> Result<()> {
        let Lengths {
            pages,
            page_size,
            file_len: len,
            wal_len,
        } = lengths;
        // A WAL header is 32 bytes; each frame a 24-byte header and a page.
        let wal_has_frames = page_size > 0 && wal_len >= 32 + 24 + page_size.unsigned_abs();
        let expected = pages
            .unsigned_abs()
            .saturating_mul(page_size.unsigned_abs());
        if !wal_has_frames
            && page_size > 0
            && (len % page_size.unsigned_abs() != 0 || len < expected)
        {
            return Err(Error::Database {
                path: self.path.clone(),
                message: format!(
                    "is damaged: the file is {len} bytes but its header counts {pages} pages of {page_size} bytes (was it truncated?); it was left untouched"
                ),
            });
        }
        Ok(())
    }

    /// Applies the missing migrations in one write transaction. The identity
    /// is checked again inside it: another process may have migrated first.
    pub(super) fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error(&path, &e))?;
        let current = match identify(&tx) {
            Ok(Identity::Current) => return Ok(()),
            Ok(Identity::Fresh) => 0,
            Ok(Identity::Older(v)) => v,
            Err(IdentifyError::Sqlite(e)) => return Err(db_error(&path, &e)),
            Err(IdentifyError::Refused(message)) => return Err(Error::Database { path, message }),
        };
        apply_migrations(&tx, current, latest_version()).map_err(|e| db_error(&path, &e))?;
        tx.commit().map_err(|e| db_error(&path, &e))?;
        Ok(())
    }
}

/// Applies migrations `from + 1 ..= to` on an open transaction and records the
/// version. Exposed for the migration tests.
pub fn apply_migrations(conn: &Connection, from: i64, to: i64) -> rusqlite::Result<()> {
    for version in (from + 1)..=to {
        let index = usize::try_from(version - 1).unwrap_or(usize::MAX);
        if let Some(sql) = MIGRATIONS.get(index) {
            conn.execute_batch(sql)?;
        }
    }
    conn.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {to};"
    ))?;
    Ok(())
}

/// The database's length as its header counts it, and the lengths of the
/// file and its `-wal`, read together by [`SqliteStore::inspect`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Lengths {
    pages: i64,
    page_size: i64,
    file_len: u64,
    wal_len: u64,
}

/// What a file is, as far as keyctl is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Identity {
    /// An empty file or database: keyctl may initialise it.
    Fresh,
    /// A keyctl database at an older schema version.
    Older(i64),
    /// A keyctl database at this build's version.
    Current,
}

enum IdentifyError {
    Sqlite(rusqlite::Error),
    Refused(String),
}

fn identify(conn: &Connection) -> std::result::Result<Identity, IdentifyError> {
    // Plain PRAGMAs: a statement that selects from the pragma functions costs
    // several times as much to compile, on every command. The caller holds a
    // transaction, so that the values belong together.
    let read = |name: &str| conn.pragma_query_value(None, name, |r| r.get::<_, i64>(0));
    let header = read("application_id").and_then(|app_id| {
        let version = read("user_version")?;
        // Only a file with neither is asked whether it holds anything.
        let objects = if app_id == 0 && version == 0 {
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                r.get::<_, i64>(0)
            })?
        } else {
            0
        };
        Ok((app_id, version, objects))
    });
    let (app_id, version, objects) = header.map_err(|e| match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => IdentifyError::Refused(
            "is not a keyctl database (not an SQLite file); it was left untouched".to_owned(),
        ),
        _ => IdentifyError::Sqlite(e),
    })?;
    let latest = latest_version();
    if app_id == i64::from(APPLICATION_ID) {
        return match version {
            v if v > latest => Err(IdentifyError::Refused(format!(
                "was written by a newer keyctl (schema version {v}; this keyctl knows up to {latest}); it was left untouched"
            ))),
            v if v == latest => Ok(Identity::Current),
            v => Ok(Identity::Older(v)),
        };
    }
    if app_id == 0 && version == 0 && objects == 0 {
        return Ok(Identity::Fresh);
    }
    Err(IdentifyError::Refused(
        "is an SQLite database but not a keyctl one; it was left untouched".to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Access;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn migration_1_creates_the_schema() {
        let conn = Connection::open_in_memory().unwrap();
        apply_migrations(&conn, 0, 1).unwrap();
        assert_eq!(
            tables(&conn),
            [
                "audit_events",
                "deliveries",
                "events",
                "keys",
                "limit_counters",
                "requests",
                "usage_daily",
                "usage_endpoints"
            ]
        );
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 1);
        let id: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, i64::from(APPLICATION_ID));
    }

    #[test]
    fn every_migration_step_applies_on_the_previous_version() {
        for to in 1..=latest_version() {
            let conn = Connection::open_in_memory().unwrap();
            apply_migrations(&conn, 0, to - 1).unwrap();
            apply_migrations(&conn, to - 1, to).unwrap();
            let v: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v, to);
            let ok: String = conn
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(ok, "ok");
        }
    }

    fn refused_untouched(bytes: &[u8], expect: &str) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        fs::write(&path, bytes).unwrap();
        for access in [Access::Read, Access::Write] {
            let err = SqliteStore::open(&path, access).err().expect("refused");
            assert!(err.to_string().contains(expect), "{err}");
            assert_eq!(fs::read(&path).unwrap(), bytes, "file changed");
        }
    }

    #[test]
    fn a_newer_schema_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        {
            let conn = Connection::open(&path).unwrap();
            apply_migrations(&conn, 0, latest_version()).unwrap();
            conn.execute_batch(&format!("PRAGMA user_version = {}", latest_version() + 1))
                .unwrap();
        }
        let bytes = fs::read(&path).unwrap();
        refused_untouched(&bytes, "newer keyctl");
    }

    #[test]
    fn foreign_files_are_refused_untouched() {
        refused_untouched(
            b"this is not a database at all, just some text......",
            "not an SQLite file",
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE notes (body TEXT)")
                .unwrap();
        }
        let bytes = fs::read(&path).unwrap();
        refused_untouched(&bytes, "not a keyctl one");
    }

    #[test]
    fn stray_bytes_are_refused_untouched() {
        for bytes in [&b"x"[..], b"\0", b"SQLite format 3\0 but short"] {
            refused_untouched(bytes, "not an SQLite file");
        }
    }

    #[test]
    fn a_truncated_file_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("full.db");
        {
            let conn = Connection::open(&path).unwrap();
            apply_migrations(&conn, 0, latest_version()).unwrap();
            conn.execute_batch(
                "INSERT INTO limit_counters VALUES ('a', 'b', 0, 0); \
                 CREATE TABLE padding (x); INSERT INTO padding VALUES (zeroblob(50000));",
            )
            .unwrap();
        }
        let bytes = fs::read(&path).unwrap();
        // Cut mid-page: SQLite would read zeros and write on. Cut at a page
        // boundary: refused whichever check sees it first.
        for cut in [bytes.len() - 1, bytes.len() - 100] {
            refused_untouched(&bytes[..cut], "was it truncated?");
        }
        refused_untouched(&bytes[..bytes.len() - 4096], "");
        refused_untouched(&bytes[..4096], "");
    }

    #[test]
    fn an_empty_file_is_initialised() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.db");
        fs::write(&path, b"").unwrap();
        SqliteStore::open(&path, Access::Write).unwrap();
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, latest_version());
    }
}
