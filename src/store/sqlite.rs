//! The SQLite backend.
//!
//! Opening follows one order so that a file keyctl cannot use is never
//! written to: identify the file (application id, schema version, foreign
//! tables) first, refuse a newer schema or a non-keyctl file, and only then
//! switch to WAL and migrate. Per-connection settings (busy timeout, foreign
//! keys, synchronous) are set on every open, outside migrations. Migrations are
//! an ordered, append-only list, applied in one `BEGIN IMMEDIATE` transaction
//! and recorded in `PRAGMA user_version`, so many processes opening a new file
//! at once migrate it exactly once.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{
    Connection, ErrorCode, OpenFlags, OptionalExtension, Row, TransactionBehavior, params,
};

use super::{
    Access, AuditQuery, AuditRow, Backend, CopyRecord, CopyTable, Counter, DeliveryRow,
    DeliveryState, Durability, EventQuery, EventRow, EventState, KeyFilter, KeyTotals, Queries,
    RequestRecord, RequestTotals, Source, StatusFilter, Transaction, TxKind,
};
use crate::error::{Error, Result};
use crate::key::Key;
use crate::limits::{Period, Quota, RateLimit};
use crate::scope::ScopeSet;
use crate::secret::{Environment, SecretHash};
use crate::time::{Timestamp, from_unix};

/// `PRAGMA application_id` of a keyctl database: "kctl".
pub const APPLICATION_ID: i32 = 0x6b63_746c;

/// The migrations, in order; entry `i` brings the schema to version `i + 1`.
/// Append only: a released migration is never edited.
pub const MIGRATIONS: &[&str] = &[include_str!("sql/0001_init.sql")];

/// The schema version this build writes.
#[must_use]
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Pages of -wal after which a writer's commit checkpoints: SQLite's own
/// default. Measured here, 64 pages made a recorded verification cost 2.3
/// times as much (hot pages are copied once per checkpoint, so frequent
/// checkpoints copy them again and again), while a new process reads at most
/// about 1 ms of -wal at 1,000.
const WAL_AUTOCHECKPOINT: i64 = 1000;

/// How long a writer waits for another one before giving up: long enough
/// for a large `ingest`, whose single transaction holds the write lock while
/// it inserts (about 2 s per 100,000 lines here).
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// A SQLite database file (or an empty in-memory one for reads of a file that
/// does not exist yet).
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    durability: Durability,
}

impl SqliteStore {
    /// Opens the database at `path`.
    ///
    /// With [`Access::Write`] a missing file is created with mode 0600 (and
    /// missing folders with 0700); with [`Access::Read`] or
    /// [`Access::Modify`] a missing file reads as an empty database and
    /// nothing is created.
    pub fn open(path: &Path, access: Access) -> Result<SqliteStore> {
        let exists = path.exists();
        if !exists && access != Access::Write {
            return SqliteStore::empty_for(path);
        }
        if !exists {
            create_private_file(path)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(path, &e))?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            durability: Durability::Normal,
        };
        store.configure()?;
        let (state, length) = store.inspect()?;
        if state == Identity::Fresh {
            store.check_fresh()?;
        }
        store.check_length(length)?;
        if state != Identity::Current {
            store.ensure_wal()?;
            store.migrate()?;
        }
        Ok(store)
    }

    /// An empty, migrated in-memory database standing for a missing file
    /// (or a PostgreSQL database keyctl has not written to yet).
    pub(crate) fn empty_for(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open_in_memory()?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            durability: Durability::Normal,
        };
        store.migrate()?;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        self.conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| db_error(&self.path, &e))?;
        self.conn
            .execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(|e| db_error(&self.path, &e))?;
        // Closing does not checkpoint: a connection that lives long (the
        // library's) leaves that to the commits, which checkpoint once the
        // -wal holds more than WAL_AUTOCHECKPOINT pages. A process that
        // exits checkpoints only when the -wal is past EXIT_CHECKPOINT_BYTES
        // (see `end_at_exit`): the next process to open the file alone
        // rebuilds the WAL index from the whole -wal, so short processes
        // must not leave a long one behind.
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(|e| db_error(&self.path, &e))?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT)
            .map_err(|e| db_error(&self.path, &e))?;
        self.conn.set_prepared_statement_cache_capacity(64);
        Ok(())
    }

    /// Reads the file's identity and its length as its header gives it, in
    /// one read transaction, without writing anything.
    ///
    /// The length check needs the read transaction: no checkpoint can then
    /// move frames into the file while its length is read (see
    /// [`SqliteStore::check_length`]).
    fn inspect(&mut self) -> Result<(Identity, Lengths)> {
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
    fn check_fresh(&self) -> Result<()> {
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
    fn check_length(&self, lengths: Lengths) -> Result<()> {
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

    /// Switches a new database to WAL. The switch needs an exclusive lock
    /// and SQLite answers "busy" at once, without its busy handler, when
    /// another process holds the file (many processes opening a new database
    /// together): so retry, for as long as the busy timeout, until this
    /// process switches it or sees that another one has.
    fn ensure_wal(&self) -> Result<()> {
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            let attempt = self
                .conn
                .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
                .and_then(|mode| {
                    if mode.eq_ignore_ascii_case("wal") {
                        Ok(mode)
                    } else {
                        self.conn
                            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
                    }
                });
            match attempt {
                Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
                Ok(mode) => {
                    return Err(Error::Database {
                        path: self.path.clone(),
                        message: format!("cannot switch to WAL mode (journal mode is {mode})"),
                    });
                }
                Err(e)
                    if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                        && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(e) => return Err(db_error(&self.path, &e)),
            }
        }
    }

    /// Applies the missing migrations in one write transaction. The identity
    /// is checked again inside it: another process may have migrated first.
    fn migrate(&mut self) -> Result<()> {
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
struct Lengths {
    pages: i64,
    page_size: i64,
    file_len: u64,
    wal_len: u64,
}

/// What a file is, as far as keyctl is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
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

/// Creates the database file with mode 0600, and missing folders with 0700.
fn create_private_file(path: &Path) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.exists()
    {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(parent).map_err(|source| Error::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop).map_err(io)
}

/// Puts the path and a plain explanation on a SQLite error.
fn db_error(path: &Path, e: &rusqlite::Error) -> Error {
    let message = match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => "is not a keyctl database (not an SQLite file)".to_owned(),
        Some(ErrorCode::DatabaseCorrupt) => "the database is corrupt".to_owned(),
        Some(ErrorCode::DiskFull) => "the disk is full; nothing was written".to_owned(),
        Some(ErrorCode::ReadOnly) => "the database is read-only; nothing was written".to_owned(),
        Some(ErrorCode::CannotOpen) => "cannot open the database file; keyctl needs to read and \
            write it and to create its -wal and -shm files in the same folder"
            .to_owned(),
        Some(ErrorCode::SystemIoFailure) => {
            "disk I/O error on the database or its -wal or -shm file (is the disk full?); \
             nothing was changed"
                .to_owned()
        }
        Some(ErrorCode::PermissionDenied) => "permission denied".to_owned(),
        _ => e.to_string(),
    };
    Error::Database {
        path: path.to_path_buf(),
        message,
    }
}

impl Backend for SqliteStore {
    fn end_at_exit(self: Box<Self>) {
        // A -wal past the limit is checkpointed by closing the connection
        // as SQLite does by default: only when no other connection has the
        // file open (it takes the exclusive lock without waiting), after
        // which it deletes the -wal and -shm. A connection that is not
        // alone closes without a checkpoint; the later process that is
        // alone does it.
        if wal_len(&self.path) > EXIT_CHECKPOINT_BYTES
            && self
                .conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)
                .is_ok()
        {
            drop(self);
            return;
        }
        // No transaction is open here (each one ends before `begin`'s
        // borrow does), and the file locks go with the process.
        std::mem::forget(self);
    }

    fn begin(&mut self, kind: TxKind) -> Result<Box<dyn Transaction + '_>> {
        let begin = match kind {
            TxKind::Autocommit => {
                return Ok(Box::new(SqliteTx {
                    tx: &self.conn,
                    path: &self.path,
                    done: true,
                    writes: false,
                }));
            }
            TxKind::Read => "BEGIN DEFERRED",
            TxKind::Write(durability) => {
                if durability != self.durability {
                    let mode = match durability {
                        Durability::Normal => "NORMAL",
                        Durability::Full => "FULL",
                    };
                    self.conn
                        .execute_batch(&format!("PRAGMA synchronous = {mode}"))
                        .map_err(|e| db_error(&self.path, &e))?;
                    self.durability = durability;
                }
                "BEGIN IMMEDIATE"
            }
        };
        let path = &self.path;
        self.conn
            .prepare_cached(begin)
            .and_then(|mut s| s.execute([]))
            .map_err(|e| db_error(path, &e))?;
        Ok(Box::new(SqliteTx {
            tx: &self.conn,
            path,
            done: false,
            writes: begin == "BEGIN IMMEDIATE",
        }))
    }
}

/// An open transaction on the connection. BEGIN, COMMIT and ROLLBACK run
/// as cached prepared statements: a verification is a few microseconds of
/// work, and parsing those three statements anew each time was a large share
/// of it.
struct SqliteTx<'a> {
    tx: &'a Connection,
    path: &'a Path,
    done: bool,
    /// A write transaction: after it commits, a long -wal is cut back.
    writes: bool,
}

impl Transaction for SqliteTx<'_> {
    fn commit(mut self: Box<Self>) -> Result<()> {
        if self.done {
            // Autocommit: there is no transaction to end.
            return Ok(());
        }
        let result = self
            .tx
            .prepare_cached("COMMIT")
            .and_then(|mut s| s.execute([]))
            .map(drop)
            .map_err(|e| db_error(self.path, &e));
        self.done = result.is_ok();
        if result.is_ok() && self.writes {
            trim_wal(self.tx, self.path);
        }
        result
    }
}

/// A -wal longer than this is checkpointed and truncated after the write
/// that made it so: one large write (an ingest, a migration) would otherwise
/// leave a log that every later process reads whole when it opens the
/// database, until the next writer resets it.
const WAL_TRIM_BYTES: u64 = 4 << 20;

/// Checkpoints everything and truncates the -wal if it has grown long. It
/// must not wait: if readers hold old snapshots it gives up at once, and a
/// later writer tries again.
fn trim_wal(conn: &Connection, path: &Path) {
    if wal_len(path) <= WAL_TRIM_BYTES || conn.busy_timeout(Duration::ZERO).is_err() {
        return;
    }
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    let _ = conn.busy_timeout(BUSY_TIMEOUT);
}

/// A process that exits leaving a -wal longer than this checkpoints it if
/// no other connection has the file open. Every process that opens the file
/// alone reads the whole -wal to rebuild the WAL index, so what a -wal costs
/// is paid again by every later command; a checkpoint costs two fsyncs, and
/// the next writer a third for the new -wal's header. The limit lets a
/// recorded verification or two wait for the next exit to checkpoint them
/// together (benches/RESULTS.md has the loop that chose it).
const EXIT_CHECKPOINT_BYTES: u64 = 128 << 10;

/// The length of the database's -wal, 0 when there is none.
fn wal_len(path: &Path) -> u64 {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    fs::metadata(&wal).map_or(0, |m| m.len())
}

impl Drop for SqliteTx<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self
                .tx
                .prepare_cached("ROLLBACK")
                .and_then(|mut s| s.execute([]));
        }
    }
}

/// The columns a [`Key`] is read from, as a literal so that queries are
/// `&'static str` and never built per call.
macro_rules! key_columns {
    () => {
        "id, name, description, environment, scopes, prefix, created_at, created_by, expires_at, \
         last_used_at, revoked_at, revoked_by, revoke_reason, rotated_from, replaced_by, \
         rate_limit_count, rate_limit_window, quota_count, quota_period, metadata"
    };
}
const KEY_COLUMNS: &str = key_columns!();

fn conversion(e: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.to_string().into())
}

fn key_from_row(r: &Row<'_>) -> rusqlite::Result<Key> {
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
            period: if p == "day" {
                Period::Day
            } else {
                Period::Month
            },
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
        metadata: if metadata == "{}" {
            BTreeMap::new()
        } else {
            serde_json::from_str(&metadata).map_err(conversion)?
        },
    })
}

const AUDIT_COLUMNS: &str =
    "seq, ts, actor, action, key_id, key_prefix, details, status, path, prev_hash, hash";

fn audit_from_row(r: &Row<'_>) -> rusqlite::Result<AuditRow> {
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

type SqlArgs = Vec<Box<dyn rusqlite::ToSql>>;

/// The trail's event query for a filter (fixed SQL text; values as parameters).
fn audit_events_sql(query: &AuditQuery) -> (String, SqlArgs) {
    let mut sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE 1 = 1");
    let mut args: SqlArgs = Vec::new();
    let actions: Vec<&String> = query.actions.iter().filter(|a| *a != "request").collect();
    if !actions.is_empty() {
        sql.push_str(&format!(
            " AND action IN ({})",
            vec!["?"; actions.len()].join(", ")
        ));
        for a in actions {
            args.push(Box::new(a.clone()));
        }
    }
    common_filters(query, &mut sql, &mut args);
    // Every filter's index ends in (ts, seq): rows come out in order.
    sql.push_str(" ORDER BY ts DESC, seq DESC LIMIT ?");
    args.push(Box::new(to_i64(query.limit as u64)));
    (sql, args)
}

/// The trail's request query for a filter.
fn trail_requests_sql(query: &AuditQuery) -> (String, SqlArgs) {
    let mut sql = format!(
        "SELECT seq, {REQUEST_COLUMNS} FROM requests \
         WHERE NOT (source = 'verify' AND outcome <> 'VALID')"
    );
    let mut args: SqlArgs = Vec::new();
    common_filters(query, &mut sql, &mut args);
    sql.push_str(" ORDER BY ts DESC, seq DESC LIMIT ?");
    args.push(Box::new(to_i64(query.limit as u64)));
    (sql, args)
}

/// A status class (`4xx`) as one query per code: each is an index seek on
/// `(status, ts)` that yields rows already in time order, where a range over
/// status would have to sort every matching row.
fn split_status_class(query: &AuditQuery) -> Option<Vec<AuditQuery>> {
    let (lo, hi) = query.status?;
    (lo < hi).then(|| {
        (lo..=hi)
            .map(|code| AuditQuery {
                status: Some((code, code)),
                ..query.clone()
            })
            .collect()
    })
}

/// Several event actions as one query per action, for the same reason.
fn split_actions(query: &AuditQuery) -> Option<Vec<AuditQuery>> {
    let actions: Vec<&String> = query.actions.iter().filter(|a| *a != "request").collect();
    (actions.len() > 1).then(|| {
        actions
            .into_iter()
            .map(|a| AuditQuery {
                actions: vec![a.clone()],
                ..query.clone()
            })
            .collect()
    })
}

/// The filters that events and requests share: key, actor, time, status, path.
/// Only fixed SQL text is appended; every value is a parameter.
fn common_filters(query: &AuditQuery, sql: &mut String, args: &mut Vec<Box<dyn rusqlite::ToSql>>) {
    if let Some(key) = &query.key_id {
        sql.push_str(" AND key_id = ?");
        args.push(Box::new(key.clone()));
    }
    if let Some(actor) = &query.actor {
        sql.push_str(" AND actor = ?");
        args.push(Box::new(actor.clone()));
    }
    if let Some(since) = query.since {
        sql.push_str(" AND ts >= ?");
        args.push(Box::new(since.timestamp()));
    }
    if let Some(until) = query.until {
        sql.push_str(" AND ts < ?");
        args.push(Box::new(until.timestamp()));
    }
    if let Some((lo, hi)) = query.status {
        if lo == hi {
            sql.push_str(" AND status = ?");
            args.push(Box::new(lo));
        } else {
            sql.push_str(" AND status BETWEEN ? AND ?");
            args.push(Box::new(lo));
            args.push(Box::new(hi));
        }
    }
    if let Some(prefix) = &query.path_prefix {
        sql.push_str(" AND substr(path, 1, ?) = ?");
        args.push(Box::new(to_i64(prefix.chars().count() as u64)));
        args.push(Box::new(prefix.clone()));
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

const REQUEST_COLUMNS: &str =
    "key_id, ts, method, path, status, duration_ms, ip, user_agent, outcome, source, actor";

/// A request from `REQUEST_COLUMNS` starting at column `at`.
fn request_at(r: &Row<'_>, at: usize) -> rusqlite::Result<RequestRecord> {
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
        source: if source == "ingest" {
            Source::Ingest
        } else {
            Source::Verify
        },
        actor: r.get(at + 10)?,
    })
}

const EVENT_COLUMNS: &str = "seq, id, type, ts, key_id, key_expires_at, payload, state";

fn event_from_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
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

const DELIVERY_COLUMNS: &str = "event_seq, destination, state, attempts, next_at, claimed_until, \
    last_attempt_at, last_error, delivered_at, interrupted";

fn delivery_from_row(r: &Row<'_>) -> rusqlite::Result<DeliveryRow> {
    let ts = |i: usize| -> rusqlite::Result<Option<Timestamp>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(from_unix))
    };
    let state: String = r.get(2)?;
    Ok(DeliveryRow {
        event_seq: r.get(0)?,
        destination: r.get(1)?,
        state: match state.as_str() {
            "pending" => DeliveryState::Pending,
            "delivered" => DeliveryState::Delivered,
            "dead" => DeliveryState::Dead,
            other => return Err(conversion(format!("unknown delivery state '{other}'"))),
        },
        attempts: r.get(3)?,
        next_at: from_unix(r.get(4)?),
        claimed_until: ts(5)?,
        last_attempt_at: ts(6)?,
        last_error: r.get(7)?,
        delivered_at: ts(8)?,
        interrupted: r.get(9)?,
    })
}

fn metadata_json(key: &Key) -> String {
    // A map of strings always serializes.
    serde_json::to_string(&key.metadata).unwrap_or_else(|_| "{}".to_owned())
}

impl SqliteTx<'_> {
    fn keys_where(&mut self, sql: &'static str, value: &str) -> Result<Vec<Key>> {
        let mut stmt = self.tx.prepare_cached(sql)?;
        let keys = stmt
            .query_map([value], key_from_row)?
            .collect::<rusqlite::Result<Vec<Key>>>()?;
        Ok(keys)
    }
}

impl SqliteTx<'_> {
    /// Inserts a request row; `seq` keeps a copied row's number, `None` lets
    /// SQLite number it (NULL into an INTEGER PRIMARY KEY).
    fn insert_request_row(&self, seq: Option<i64>, r: &RequestRecord) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO requests (seq, key_id, ts, method, path, status, duration_ms, ip, \
             user_agent, outcome, source, actor) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        stmt.execute(params![
            seq,
            r.key_id,
            r.ts.timestamp(),
            r.method,
            r.path,
            r.status,
            r.duration_ms,
            r.ip,
            r.user_agent,
            r.outcome,
            r.source.as_str(),
            r.actor,
        ])?;
        Ok(())
    }
}

impl Queries for SqliteTx<'_> {
    fn insert_key(&mut self, key: &Key, hash: &SecretHash) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO keys (id, name, description, environment, scopes, prefix, secret_hash, \
             created_at, created_by, expires_at, last_used_at, revoked_at, revoked_by, \
             revoke_reason, rotated_from, replaced_by, rate_limit_count, rate_limit_window, \
             quota_count, quota_period, metadata) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
             ?18, ?19, ?20, ?21)",
        )?;
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
            metadata_json(key),
        ])?;
        Ok(())
    }

    fn key_id_exists(&mut self, id: &str) -> Result<bool> {
        let mut stmt = self.tx.prepare_cached("SELECT 1 FROM keys WHERE id = ?1")?;
        Ok(stmt.exists([id])?)
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
        let mut stmt = self.tx.prepare_cached(concat!(
            "SELECT ",
            key_columns!(),
            " FROM keys WHERE secret_hash = ?1"
        ))?;
        Ok(stmt.query_row([&hash.0[..]], key_from_row).optional()?)
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
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![
            filter.now.timestamp(),
            filter.environment.map(Environment::as_str),
            filter.expires_before.map(|t| t.timestamp()),
        ])?;
        while let Some(row) = rows.next()? {
            f(key_from_row(row)?)?;
        }
        Ok(())
    }

    fn update_key(&mut self, key: &Key) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "UPDATE keys SET name = ?2, description = ?3, expires_at = ?4, last_used_at = ?5, \
             revoked_at = ?6, revoked_by = ?7, revoke_reason = ?8, rotated_from = ?9, \
             replaced_by = ?10, rate_limit_count = ?11, rate_limit_window = ?12, \
             quota_count = ?13, quota_period = ?14, metadata = ?15 WHERE id = ?1",
        )?;
        let changed = stmt.execute(params![
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
            metadata_json(key),
        ])?;
        if changed == 1 {
            Ok(())
        } else {
            Err(Error::KeyNotFound(key.id.clone()))
        }
    }

    fn count_plan_keys(&mut self, now: Timestamp) -> Result<u64> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT count(*) FROM keys WHERE revoked_at IS NULL \
             AND (expires_at IS NULL OR expires_at > ?1) AND replaced_by IS NULL",
        )?;
        let n: i64 = stmt.query_row([now.timestamp()], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn request_totals(&mut self, key_id: &str, since_day: i64) -> Result<RequestTotals> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT coalesce(sum(count), 0), \
                    coalesce(sum(CASE WHEN day >= ?2 THEN count ELSE 0 END), 0), \
                    coalesce(sum(CASE WHEN day >= ?2 AND status >= 400 THEN count ELSE 0 END), 0) \
             FROM usage_daily WHERE key_id = ?1",
        )?;
        let (all_time, since, errors_since): (i64, i64, i64) = stmt
            .query_row(params![key_id, since_day], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(RequestTotals {
            all_time: n(all_time),
            since: n(since),
            errors_since: n(errors_since),
        })
    }

    fn insert_request(&mut self, r: &RequestRecord) -> Result<()> {
        self.insert_request_row(None, r)
    }

    fn add_daily(&mut self, key_id: &str, day: i64, status: u16, n: u64) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO usage_daily (key_id, day, status, count) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (key_id, day, status) DO UPDATE SET count = count + excluded.count",
        )?;
        stmt.execute(params![key_id, day, status, to_i64(n)])?;
        Ok(())
    }

    fn add_endpoint(&mut self, key_id: &str, day: i64, endpoint: &str, n: u64) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO usage_endpoints (key_id, day, endpoint, count) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (key_id, day, endpoint) DO UPDATE SET count = count + excluded.count",
        )?;
        stmt.execute(params![key_id, day, endpoint, to_i64(n)])?;
        Ok(())
    }

    fn set_last_used(&mut self, key_id: &str, at: Timestamp) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached("UPDATE keys SET last_used_at = ?2 WHERE id = ?1")?;
        stmt.execute(params![key_id, at.timestamp()])?;
        Ok(())
    }

    fn counter(&mut self, scope: &str, kind: &str) -> Result<Option<Counter>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT window_start, count FROM limit_counters WHERE scope = ?1 AND kind = ?2",
        )?;
        Ok(stmt
            .query_row(params![scope, kind], |r| {
                Ok(Counter {
                    window_start: r.get(0)?,
                    count: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                })
            })
            .optional()?)
    }

    fn put_counter(&mut self, scope: &str, kind: &str, counter: Counter) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO limit_counters (scope, kind, window_start, count) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (scope, kind) DO UPDATE SET window_start = excluded.window_start, \
             count = excluded.count",
        )?;
        stmt.execute(params![
            scope,
            kind,
            counter.window_start,
            to_i64(counter.count)
        ])?;
        Ok(())
    }

    fn daily_usage(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<(i64, u16, u64)>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT day, status, count FROM usage_daily \
             WHERE key_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day, status",
        )?;
        let rows = stmt
            .query_map(params![key_id, from_day, to_day], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn top_endpoints(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
        limit: usize,
    ) -> Result<Vec<(String, u64)>> {
        // Summed here rather than with GROUP BY: SQLite would sort every row
        // of the window by its text, and a busy key has one row per endpoint
        // and day. The rows come from the primary key, already in range and
        // in order: by day, then endpoint. Each day's endpoints are merged
        // into one sorted list, a comparison a row (hashing each endpoint,
        // and checking it as UTF-8, cost half as much again as reading it).
        // Any order gives the same sums; this one makes them cheap.
        let mut stmt = self.tx.prepare_cached(
            "SELECT endpoint, count FROM usage_endpoints \
             WHERE key_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day, endpoint",
        )?;
        let mut merged: Vec<(Vec<u8>, u64)> = Vec::new();
        let mut at = 0;
        let mut rows = stmt.query(params![key_id, from_day, to_day])?;
        while let Some(row) = rows.next()? {
            let endpoint = row.get_ref(0)?.as_bytes().map_err(conversion)?;
            let n = u64::try_from(row.get_ref(1)?.as_i64().map_err(conversion)?).unwrap_or(0);
            // Not after the previous endpoint: a new day, from the front.
            if at > 0 && merged[at - 1].0.as_slice() >= endpoint {
                at = 0;
            }
            while merged.get(at).is_some_and(|(e, _)| e.as_slice() < endpoint) {
                at += 1;
            }
            match merged.get_mut(at) {
                Some((e, total)) if e.as_slice() == endpoint => *total += n,
                _ => merged.insert(at, (endpoint.to_vec(), n)),
            }
            at += 1;
        }
        let sums = merged
            .into_iter()
            .map(|(e, n)| Ok((String::from_utf8(e).map_err(conversion)?, n)))
            .collect::<Result<Vec<_>>>()?;
        let mut top: Vec<(String, u64)> = sums.into_iter().collect();
        top.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(limit);
        Ok(top)
    }

    fn recent_requests(
        &mut self,
        key_id: &str,
        since: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<RequestRecord>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE key_id = ?1 AND ts >= ?2 AND ts < ?3 \
                 ORDER BY ts DESC, seq DESC LIMIT ?4"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    key_id,
                    since.timestamp(),
                    until.timestamp(),
                    to_i64(limit as u64)
                ],
                |r| request_at(r, 0),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn totals_by_key(&mut self, from_day: i64, to_day: i64) -> Result<Vec<KeyTotals>> {
        // A merge of two walks in key id order, the rollups' primary key
        // and the keys' unique index, instead of a join: SQLite would
        // materialise the grouped rollups and then look each key up (two
        // b-tree descents per key), about a third of the time on a
        // million keys.
        let mut sums = self.tx.prepare_cached(
            "SELECT key_id, sum(count), sum(count) FILTER (WHERE status >= 400) \
             FROM usage_daily WHERE day BETWEEN ?1 AND ?2 GROUP BY key_id ORDER BY key_id",
        )?;
        let mut keys = self
            .tx
            .prepare_cached("SELECT id, name, prefix, last_used_at FROM keys ORDER BY id")?;
        let mut sums = sums.query(params![from_day, to_day])?;
        let mut keys = keys.query([])?;
        let mut out = Vec::new();
        // The current rollup group: key id (a reused buffer), requests, errors.
        let mut id = String::new();
        let mut next_group = |id: &mut String| -> Result<Option<(u64, u64)>> {
            let Some(row) = sums.next()? else {
                return Ok(None);
            };
            id.clear();
            id.push_str(text(row, 0)?);
            let requests = row.get::<_, i64>(1)?;
            let errors = row.get::<_, Option<i64>>(2)?.unwrap_or(0);
            Ok(Some((
                u64::try_from(requests).unwrap_or(0),
                u64::try_from(errors).unwrap_or(0),
            )))
        };
        let mut totals = next_group(&mut id)?;
        while let Some(k) = keys.next()? {
            let key_id = text(k, 0)?;
            // Rollups of a key that is not in `keys` are skipped, as a join would.
            while totals.is_some() && id.as_str() < key_id {
                totals = next_group(&mut id)?;
            }
            let Some((requests, errors)) = totals else {
                break;
            };
            if id == key_id {
                out.push(KeyTotals {
                    key_id: key_id.to_owned(),
                    name: k.get(1)?,
                    prefix: k.get(2)?,
                    last_used_at: k.get::<_, Option<i64>>(3)?.map(from_unix),
                    requests,
                    errors,
                });
                totals = next_group(&mut id)?;
            }
        }
        Ok(out)
    }

    fn audit_tail(&mut self) -> Result<Option<(i64, String)>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")?;
        Ok(stmt
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn insert_audit(&mut self, row: &AuditRow) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO audit_events (seq, ts, actor, action, key_id, key_prefix, details, \
             status, path, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        stmt.execute(params![
            row.seq,
            row.ts.timestamp(),
            row.actor,
            row.action,
            row.key_id,
            row.key_prefix,
            row.details,
            row.status,
            row.path,
            row.prev_hash,
            row.hash,
        ])?;
        Ok(())
    }

    fn audit_count(&mut self) -> Result<u64> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT count(*) FROM audit_events")?;
        let n: i64 = stmt.query_row([], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn audit_events(&mut self, query: &AuditQuery) -> Result<Vec<AuditRow>> {
        let split = split_status_class(query).or_else(|| split_actions(query));
        if let Some(parts) = split {
            let mut rows = Vec::new();
            for q in parts {
                rows.extend(self.audit_events(&q)?);
            }
            rows.sort_by_key(|r| std::cmp::Reverse((r.ts, r.seq)));
            rows.truncate(query.limit);
            return Ok(rows);
        }
        let (sql, args) = audit_events_sql(query);
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), audit_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn trail_requests(&mut self, query: &AuditQuery) -> Result<Vec<(i64, RequestRecord)>> {
        if let Some(codes) = split_status_class(query) {
            let mut rows = Vec::new();
            for q in codes {
                rows.extend(self.trail_requests(&q)?);
            }
            rows.sort_by_key(|r| std::cmp::Reverse((r.1.ts, r.0)));
            rows.truncate(query.limit);
            return Ok(rows);
        }
        let (sql, args) = trail_requests_sql(query);
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok((r.get::<_, i64>(0)?, request_at(r, 1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn for_each_audit(&mut self, f: &mut dyn FnMut(AuditRow) -> Result<()>) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_events ORDER BY seq"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            f(audit_from_row(row)?)?;
        }
        Ok(())
    }

    fn insert_event(&mut self, e: &EventRow) -> Result<i64> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO events (id, type, ts, key_id, key_expires_at, payload, state) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        stmt.execute(params![
            e.id,
            e.kind,
            e.ts.timestamp(),
            e.key_id,
            e.key_expires_at.map(|t| t.timestamp()),
            e.payload,
            e.state.as_str(),
        ])?;
        Ok(self.tx.last_insert_rowid())
    }

    fn event_id_exists(&mut self, id: &str) -> Result<bool> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")?;
        Ok(stmt.exists([id])?)
    }

    fn event_by_id(&mut self, id: &str) -> Result<Option<EventRow>> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"))?;
        Ok(stmt.query_row([id], event_from_row).optional()?)
    }

    fn event_by_seq(&mut self, seq: i64) -> Result<Option<EventRow>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE seq = ?1"
        ))?;
        Ok(stmt.query_row([seq], event_from_row).optional()?)
    }

    fn events(&mut self, query: &EventQuery) -> Result<Vec<EventRow>> {
        // Several states as one query each: an index seek on (state, seq)
        // yields rows in order, where IN (...) would sort every match.
        if query.states.len() > 1 {
            let mut rows = Vec::new();
            for state in &query.states {
                rows.extend(self.events(&EventQuery {
                    states: vec![*state],
                    ..query.clone()
                })?);
            }
            rows.sort_by_key(|r| std::cmp::Reverse(r.seq));
            rows.truncate(query.limit);
            return Ok(rows);
        }
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE 1 = 1");
        let mut args: SqlArgs = Vec::new();
        if !query.states.is_empty() {
            sql.push_str(&format!(
                " AND state IN ({})",
                vec!["?"; query.states.len()].join(", ")
            ));
            for s in &query.states {
                args.push(Box::new(s.as_str()));
            }
        }
        if let Some(kind) = &query.kind {
            sql.push_str(" AND type = ?");
            args.push(Box::new(kind.clone()));
        }
        sql.push_str(" ORDER BY seq DESC LIMIT ?");
        args.push(Box::new(to_i64(query.limit as u64)));
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), event_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn keys_awaiting_expiry_events(
        &mut self,
        until: Timestamp,
        expired_kind: &str,
    ) -> Result<Vec<Key>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM keys k \
             WHERE k.expires_at <= ?1 AND k.revoked_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM events e WHERE e.key_id = k.id \
                 AND e.type = ?2 AND e.key_expires_at = k.expires_at) \
             ORDER BY k.expires_at, k.seq"
        ))?;
        let keys = stmt
            .query_map(params![until.timestamp(), expired_kind], key_from_row)?
            .collect::<rusqlite::Result<Vec<Key>>>()?;
        Ok(keys)
    }

    fn scan_event_exists(
        &mut self,
        key_id: &str,
        kind: &str,
        expires_at: Timestamp,
    ) -> Result<bool> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT 1 FROM events WHERE key_id = ?1 AND type = ?2 AND key_expires_at = ?3",
        )?;
        Ok(stmt.exists(params![key_id, kind, expires_at.timestamp()])?)
    }

    fn set_event_state(&mut self, seq: i64, state: EventState) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached("UPDATE events SET state = ?2 WHERE seq = ?1")?;
        stmt.execute(params![seq, state.as_str()])?;
        Ok(())
    }

    fn refresh_event_state(&mut self, seq: i64) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "UPDATE events SET state = CASE \
               WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = ?1 AND d.state = 'pending') \
                 THEN 'pending' \
               WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = ?1 AND d.state = 'dead') \
                 THEN 'dead' \
               WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = ?1) THEN 'delivered' \
               ELSE 'skipped' END \
             WHERE seq = ?1",
        )?;
        stmt.execute([seq])?;
        Ok(())
    }

    fn deliveries_of(&mut self, event_seq: i64) -> Result<Vec<DeliveryRow>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE event_seq = ?1 ORDER BY destination"
        ))?;
        let rows = stmt
            .query_map([event_seq], delivery_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn put_delivery(&mut self, d: &DeliveryRow) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO deliveries (event_seq, destination, state, attempts, next_at, \
             claimed_until, last_attempt_at, last_error, delivered_at, interrupted) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
             ON CONFLICT (event_seq, destination) DO UPDATE SET state = excluded.state, \
             attempts = excluded.attempts, interrupted = excluded.interrupted, \
             next_at = excluded.next_at, \
             claimed_until = excluded.claimed_until, last_attempt_at = excluded.last_attempt_at, \
             last_error = excluded.last_error, delivered_at = excluded.delivered_at",
        )?;
        stmt.execute(params![
            d.event_seq,
            d.destination,
            d.state.as_str(),
            d.attempts,
            d.next_at.timestamp(),
            d.claimed_until.map(|t| t.timestamp()),
            d.last_attempt_at.map(|t| t.timestamp()),
            d.last_error,
            d.delivered_at.map(|t| t.timestamp()),
            d.interrupted,
        ])?;
        Ok(())
    }

    fn next_due_delivery(
        &mut self,
        now: Timestamp,
        event_seq: Option<i64>,
    ) -> Result<Option<DeliveryRow>> {
        let row = match event_seq {
            Some(seq) => {
                let mut stmt = self.tx.prepare_cached(&format!(
                    "SELECT {DELIVERY_COLUMNS} FROM deliveries \
                     WHERE event_seq = ?2 AND state = 'pending' AND next_at <= ?1 \
                     ORDER BY next_at, destination LIMIT 1"
                ))?;
                stmt.query_row(params![now.timestamp(), seq], delivery_from_row)
                    .optional()?
            }
            None => {
                let mut stmt = self.tx.prepare_cached(&format!(
                    "SELECT {DELIVERY_COLUMNS} FROM deliveries \
                     WHERE state = 'pending' AND next_at <= ?1 \
                     ORDER BY next_at, event_seq, destination LIMIT 1"
                ))?;
                stmt.query_row([now.timestamp()], delivery_from_row)
                    .optional()?
            }
        };
        Ok(row)
    }

    fn copy_count(&mut self, table: CopyTable) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM {}", copy_table_name(table));
        let n: i64 = self.tx.query_row(&sql, [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn copy_out(
        &mut self,
        table: CopyTable,
        f: &mut dyn FnMut(CopyRecord) -> Result<()>,
    ) -> Result<()> {
        self.copy_out_impl(table, f)
    }

    fn copy_in(&mut self, record: &CopyRecord) -> Result<()> {
        self.copy_in_impl(record)
    }

    fn copy_finish(&mut self) -> Result<()> {
        // INTEGER PRIMARY KEY continues after the largest rowid by itself.
        Ok(())
    }
}

/// The table behind a [`CopyTable`].
fn copy_table_name(table: CopyTable) -> &'static str {
    match table {
        CopyTable::Keys => "keys",
        CopyTable::Requests => "requests",
        CopyTable::UsageDaily => "usage_daily",
        CopyTable::UsageEndpoints => "usage_endpoints",
        CopyTable::LimitCounters => "limit_counters",
        CopyTable::AuditEvents => "audit_events",
        CopyTable::Events => "events",
        CopyTable::Deliveries => "deliveries",
    }
}

impl SqliteTx<'_> {
    fn copy_rows(
        &mut self,
        sql: &str,
        read: fn(&Row<'_>) -> rusqlite::Result<CopyRecord>,
        f: &mut dyn FnMut(CopyRecord) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.tx.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            f(read(row)?)?;
        }
        Ok(())
    }

    fn copy_out_impl(
        &mut self,
        table: CopyTable,
        f: &mut dyn FnMut(CopyRecord) -> Result<()>,
    ) -> Result<()> {
        match table {
            CopyTable::Keys => self.copy_rows(
                concat!(
                    "SELECT ",
                    key_columns!(),
                    ", seq, secret_hash FROM keys ORDER BY seq"
                ),
                |r| {
                    let bytes: Vec<u8> = r.get(21)?;
                    let hash: [u8; 32] = bytes
                        .try_into()
                        .map_err(|_| conversion("a secret hash is not 32 bytes"))?;
                    Ok(CopyRecord::Key {
                        key: key_from_row(r)?,
                        seq: r.get(20)?,
                        hash: SecretHash(hash),
                    })
                },
                f,
            ),
            CopyTable::Requests => self.copy_rows(
                &format!("SELECT seq, {REQUEST_COLUMNS} FROM requests ORDER BY seq"),
                |r| {
                    Ok(CopyRecord::Request {
                        seq: r.get(0)?,
                        request: request_at(r, 1)?,
                    })
                },
                f,
            ),
            CopyTable::UsageDaily => self.copy_rows(
                "SELECT key_id, day, status, count FROM usage_daily ORDER BY key_id, day, status",
                |r| {
                    Ok(CopyRecord::Daily {
                        key_id: r.get(0)?,
                        day: r.get(1)?,
                        status: r.get(2)?,
                        count: u64::try_from(r.get::<_, i64>(3)?).map_err(conversion)?,
                    })
                },
                f,
            ),
            CopyTable::UsageEndpoints => self.copy_rows(
                "SELECT key_id, day, endpoint, count FROM usage_endpoints \
                 ORDER BY key_id, day, endpoint",
                |r| {
                    Ok(CopyRecord::Endpoint {
                        key_id: r.get(0)?,
                        day: r.get(1)?,
                        endpoint: r.get(2)?,
                        count: u64::try_from(r.get::<_, i64>(3)?).map_err(conversion)?,
                    })
                },
                f,
            ),
            CopyTable::LimitCounters => self.copy_rows(
                "SELECT scope, kind, window_start, count FROM limit_counters ORDER BY scope, kind",
                |r| {
                    Ok(CopyRecord::Counter {
                        scope: r.get(0)?,
                        kind: r.get(1)?,
                        counter: Counter {
                            window_start: r.get(2)?,
                            count: u64::try_from(r.get::<_, i64>(3)?).map_err(conversion)?,
                        },
                    })
                },
                f,
            ),
            CopyTable::AuditEvents => self.copy_rows(
                &format!("SELECT {AUDIT_COLUMNS} FROM audit_events ORDER BY seq"),
                |r| Ok(CopyRecord::Audit(audit_from_row(r)?)),
                f,
            ),
            CopyTable::Events => self.copy_rows(
                &format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"),
                |r| Ok(CopyRecord::Event(event_from_row(r)?)),
                f,
            ),
            CopyTable::Deliveries => self.copy_rows(
                &format!(
                    "SELECT {DELIVERY_COLUMNS} FROM deliveries ORDER BY event_seq, destination"
                ),
                |r| Ok(CopyRecord::Delivery(delivery_from_row(r)?)),
                f,
            ),
        }
    }

    fn copy_in_impl(&mut self, record: &CopyRecord) -> Result<()> {
        match record {
            CopyRecord::Key { seq, key, hash } => {
                let unlinked = Key {
                    rotated_from: None,
                    replaced_by: None,
                    ..key.clone()
                };
                self.insert_key(&unlinked, hash)?;
                // insert_key let SQLite pick the rowid: give it the original.
                let mut stmt = self
                    .tx
                    .prepare_cached("UPDATE keys SET seq = ?2 WHERE id = ?1")?;
                stmt.execute(params![key.id, seq])?;
            }
            CopyRecord::Request { seq, request: r } => self.insert_request_row(Some(*seq), r)?,
            CopyRecord::Daily {
                key_id,
                day,
                status,
                count,
            } => self.add_daily(key_id, *day, *status, *count)?,
            CopyRecord::Endpoint {
                key_id,
                day,
                endpoint,
                count,
            } => self.add_endpoint(key_id, *day, endpoint, *count)?,
            CopyRecord::Counter {
                scope,
                kind,
                counter,
            } => self.put_counter(scope, kind, *counter)?,
            CopyRecord::Audit(row) => self.insert_audit(row)?,
            CopyRecord::Event(e) => {
                let mut stmt = self.tx.prepare_cached(
                    "INSERT INTO events (seq, id, type, ts, key_id, key_expires_at, payload, state) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?;
                stmt.execute(params![
                    e.seq,
                    e.id,
                    e.kind,
                    e.ts.timestamp(),
                    e.key_id,
                    e.key_expires_at.map(|t| t.timestamp()),
                    e.payload,
                    e.state.as_str(),
                ])?;
            }
            CopyRecord::Delivery(d) => self.put_delivery(d)?,
        }
        Ok(())
    }
}

/// A text column as `&str`, without a copy.
fn text<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str> {
    Ok(row.get_ref(i)?.as_str().map_err(conversion)?)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn opening_creates_a_private_wal_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/keyctl.db");
        let store = SqliteStore::open(&path, Access::Write).unwrap();
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let m = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(m(&path), 0o600);
            assert_eq!(m(&dir.path().join("a")), 0o700);
            assert_eq!(m(&dir.path().join("a/b")), 0o700);
        }
    }

    #[test]
    fn totals_by_key_merges_rollups_with_their_keys() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = super::super::Store::open(&dir.path().join("t.db"), Access::Write).unwrap();
        store
            .write(Durability::Normal, |q| {
                for (i, id) in ["key_b", "key_c", "key_e", "key_g"].iter().enumerate() {
                    let mut key = crate::key::Key::sample(crate::scope::ScopeSet::default());
                    key.id = (*id).into();
                    key.name = format!("name of {id}");
                    key.prefix = format!("sk_live_{i:08}");
                    q.insert_key(&key, &SecretHash::of(id))?;
                }
                Ok(())
            })
            .unwrap();
        let conn = Connection::open(dir.path().join("t.db")).unwrap();
        // Rollups of keys that are missing (a, d, f, h), present (c, e, g)
        // or present without traffic in the window (b, only on day 5).
        for (id, day, status, count) in [
            ("key_a", 10, 200, 7),
            ("key_b", 5, 200, 9),
            ("key_c", 10, 200, 3),
            ("key_c", 11, 404, 2),
            ("key_c", 12, 500, 1),
            ("key_d", 10, 200, 4),
            ("key_e", 20, 200, 5),
            ("key_f", 10, 200, 6),
            ("key_g", 10, 401, 8),
            ("key_h", 10, 200, 1),
        ] {
            conn.execute(
                "INSERT INTO usage_daily (key_id, day, status, count) VALUES (?1, ?2, ?3, ?4)",
                params![id, day, status, count],
            )
            .unwrap();
        }
        let totals = store.read(|q| q.totals_by_key(10, 20)).unwrap();
        let got: Vec<(&str, &str, u64, u64)> = totals
            .iter()
            .map(|t| (t.key_id.as_str(), t.name.as_str(), t.requests, t.errors))
            .collect();
        assert_eq!(
            got,
            [
                ("key_c", "name of key_c", 6, 3),
                ("key_e", "name of key_e", 5, 0),
                ("key_g", "name of key_g", 8, 8),
            ]
        );
        assert!(store.read(|q| q.totals_by_key(30, 40)).unwrap().is_empty());
    }

    #[test]
    fn top_endpoints_sum_each_endpoint_over_the_days() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut store = super::super::Store::open(&path, Access::Write).unwrap();
        let conn = Connection::open(&path).unwrap();
        // Days with different sets of endpoints, another key, and a day
        // outside the window.
        for (key, day, endpoint, count) in [
            ("key_a", 10, "GET /b", 5),
            ("key_a", 10, "GET /d", 1),
            ("key_a", 11, "GET /a", 2),
            ("key_a", 11, "GET /c", 4),
            ("key_a", 11, "GET /d", 3),
            ("key_a", 12, "GET /b", 1),
            ("key_a", 12, "POST /e", 9),
            ("key_a", 13, "GET /a", 100),
            ("key_b", 11, "GET /a", 50),
        ] {
            conn.execute(
                "INSERT INTO usage_endpoints (key_id, day, endpoint, count) VALUES (?1, ?2, ?3, ?4)",
                params![key, day, endpoint, count],
            )
            .unwrap();
        }
        let mut top = |limit| {
            store
                .read(|q| q.top_endpoints("key_a", 10, 12, limit))
                .unwrap()
        };
        let all: Vec<(String, u64)> = [
            ("POST /e", 9),
            ("GET /b", 6),
            ("GET /c", 4),
            ("GET /d", 4),
            ("GET /a", 2),
        ]
        .iter()
        .map(|(e, n)| ((*e).to_owned(), *n))
        .collect();
        assert_eq!(top(10), all);
        assert_eq!(top(2), all[..2]);
    }

    #[test]
    fn reading_a_missing_database_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/keyctl.db");
        let mut store = super::super::Store::open(&path, Access::Read).unwrap();
        let n = store.read(|q| q.count_plan_keys(from_unix(0))).unwrap();
        assert_eq!(n, 0);
        assert!(!dir.path().join("sub").exists());
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

    /// Every filter of `keyctl audit` is served by an index: no full scan of
    /// a table and no sort, except the path prefix, which walks the time index
    /// newest first and stops at the limit.
    #[test]
    fn every_audit_filter_uses_an_index() {
        let conn = Connection::open_in_memory().unwrap();
        apply_migrations(&conn, 0, latest_version()).unwrap();
        let t = from_unix(1_700_000_000);
        let base = AuditQuery {
            limit: 50,
            ..AuditQuery::default()
        };
        let filters = [
            ("none", base.clone()),
            (
                "key",
                AuditQuery {
                    key_id: Some("key_0000000001".into()),
                    ..base.clone()
                },
            ),
            (
                "action",
                AuditQuery {
                    actions: vec!["key.created".into()],
                    ..base.clone()
                },
            ),
            (
                "actor",
                AuditQuery {
                    actor: Some("alice".into()),
                    ..base.clone()
                },
            ),
            (
                "since",
                AuditQuery {
                    since: Some(t),
                    ..base.clone()
                },
            ),
            (
                "until",
                AuditQuery {
                    until: Some(t),
                    ..base.clone()
                },
            ),
            (
                "status",
                AuditQuery {
                    status: Some((401, 401)),
                    since: Some(t),
                    ..base.clone()
                },
            ),
            (
                "path",
                AuditQuery {
                    path_prefix: Some("/v1/".into()),
                    ..base.clone()
                },
            ),
        ];
        for (name, q) in filters {
            for (table, (sql, args)) in [
                ("events", audit_events_sql(&q)),
                ("requests", trail_requests_sql(&q)),
            ] {
                let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
                let plan: Vec<String> = stmt
                    .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                        r.get::<_, String>(3)
                    })
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                let plan = plan.join(" | ");
                assert!(
                    !plan.contains("TEMP B-TREE"),
                    "{name} on {table} sorts: {plan}"
                );
                assert!(
                    plan.contains("USING INDEX") || plan.contains("USING INTEGER PRIMARY KEY"),
                    "{name} on {table} scans without an index: {plan}"
                );
            }
        }
    }

    #[test]
    fn event_queries_use_an_index_and_never_sort() {
        let conn = Connection::open_in_memory().unwrap();
        apply_migrations(&conn, 0, latest_version()).unwrap();
        let queries = [
            "SELECT seq FROM events WHERE 1 = 1 ORDER BY seq DESC LIMIT 50",
            "SELECT seq FROM events WHERE 1 = 1 AND state IN (?) ORDER BY seq DESC LIMIT 50",
            "SELECT seq FROM events WHERE 1 = 1 AND type = ? ORDER BY seq DESC LIMIT 50",
            "SELECT event_seq FROM deliveries WHERE state = 'pending' AND next_at <= ?1 \
             ORDER BY next_at, event_seq, destination LIMIT 1",
            "SELECT id FROM keys k WHERE k.expires_at <= ?1 AND k.revoked_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM events e WHERE e.key_id = k.id \
             AND e.type = ?2 AND e.key_expires_at = k.expires_at) ORDER BY k.expires_at, k.seq",
        ];
        for sql in queries {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let n = stmt.parameter_count();
            let args: Vec<i64> = vec![0; n];
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                    r.get::<_, String>(3)
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let plan = plan.join(" | ");
            assert!(!plan.contains("TEMP B-TREE"), "{sql} sorts: {plan}");
            assert!(
                plan.contains("USING") || plan == "SCAN events",
                "{sql} scans without an index: {plan}"
            );
        }
    }

    #[test]
    fn a_long_wal_is_truncated_after_the_write_that_made_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.db");
        let mut store = super::super::Store::open(&path, Access::Write).unwrap();
        let wal = dir.path().join("wal.db-wal");
        let big = "x".repeat(4000);
        store
            .write(Durability::Normal, |q| {
                for i in 0..2000 {
                    q.add_endpoint("key_0000000001", i, &big, 1)?;
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(
            fs::metadata(&wal).unwrap().len(),
            0,
            "the -wal was left long"
        );
        // A small write leaves the (short) -wal alone.
        store
            .write(Durability::Normal, |q| {
                q.add_daily("key_0000000001", 1, 200, 1)
            })
            .unwrap();
        assert!(fs::metadata(&wal).unwrap().len() > 0);
    }

    #[test]
    fn write_transactions_take_the_lock_at_begin() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock.db");
        let mut store = SqliteStore::open(&path, Access::Write).unwrap();
        let _tx = store.begin(TxKind::Write(Durability::Normal)).unwrap();
        let other = Connection::open(&path).unwrap();
        other.busy_timeout(Duration::ZERO).unwrap();
        let err = other
            .execute("INSERT INTO limit_counters VALUES ('x', 'y', 0, 0)", [])
            .unwrap_err();
        assert_eq!(err.sqlite_error_code(), Some(ErrorCode::DatabaseBusy));
    }
}
