//! The SQLite backend: one database file, opened and configured here, with
//! a transaction per operation.
//!
//! Opening follows one order so that a file keyctl cannot use is never
//! written to: identify the file (application id, schema version, foreign
//! tables) first, refuse a newer schema or a non-keyctl file, and only then
//! switch to WAL and migrate (`schema`). Per-connection settings (busy
//! timeout, foreign keys, synchronous) are set on every open, outside
//! migrations. A write transaction begins `IMMEDIATE`, so it holds the write
//! lock from its first statement; after it commits, a -wal grown long is
//! checkpointed and cut back.
//!
//! The queries live one concern to a file (`keys`, `usage`, `audit`,
//! `outbox`, `roles`, `copy`), each implementing its trait of [`crate::store`] for
//! `SqliteTx`; `rows` maps columns to values.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{Access, Backend, Checkpointer, Durability, Transaction, TxKind};
use crate::error::{Error, Result};

mod audit;
mod copy;
mod keys;
mod outbox;
mod roles;
mod rows;
mod schema;
mod usage;

use schema::Identity;
pub use schema::{APPLICATION_ID, MIGRATIONS, apply_migrations, latest_version};

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
    /// Checkpoints run on another connection ([`Backend::checkpoint_apart`]):
    /// this one's commits do not trim the -wal, and checkpoint only when
    /// asked ([`Backend::catch_up`]) or far past [`WAL_APART_PAGES`].
    wal_apart: bool,
}

impl SqliteStore {
    /// Opens the database at `path`.
    ///
    /// With [`Access::Write`] a missing file is created with mode 0600 (and
    /// missing folders with 0700); with [`Access::Read`] or
    /// [`Access::Modify`] a missing file reads as an empty database and
    /// nothing is created; with [`Access::Existing`] it is an error.
    pub fn open(path: &Path, access: Access) -> Result<SqliteStore> {
        let exists = path.exists();
        // A device, a FIFO or a folder is refused before SQLite opens it:
        // SQLite would put a world-readable -journal beside it.
        if exists && !fs::metadata(path).is_ok_and(|m| m.is_file()) {
            return Err(Error::Database {
                path: path.to_path_buf(),
                message: "is not a regular file (a device, a FIFO or a folder); keyctl keeps \
                    its keys in a regular file"
                    .to_owned(),
            });
        }
        if !exists && access == Access::Existing {
            return Err(Error::Missing(path.display().to_string()));
        }
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
            wal_apart: false,
        };
        store.configure()?;
        let (state, length) = store.inspect()?;
        if state == Identity::Fresh {
            store.check_fresh()?;
            // An empty file given to keyctl becomes a keyctl database: as
            // private as one keyctl creates, before its -wal and -shm are
            // made (SQLite gives them the database file's mode).
            make_private(path)?;
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
        let conn = Connection::open_in_memory().map_err(fault)?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            durability: Durability::Normal,
            wal_apart: false,
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

/// Sets a file's mode to 0600.
fn make_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(|source| {
            Error::Io {
                path: path.to_path_buf(),
                source,
            }
        })?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A SQLite error as a storage error: the driver's type stays out of the
/// library's API.
#[allow(clippy::needless_pass_by_value)] // the shape `map_err` passes
pub(super) fn fault(e: rusqlite::Error) -> Error {
    Error::Storage(e.to_string())
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
            writes: begin == "BEGIN IMMEDIATE" && !self.wal_apart,
        }))
    }

    fn catch_up(&mut self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(|e| db_error(&self.path, &e))
    }

    fn checkpoint_apart(&mut self) -> Result<Option<Box<dyn Checkpointer>>> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(&self.path, flags).map_err(|e| db_error(&self.path, &e))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL")
            .map_err(|e| db_error(&self.path, &e))?;
        // Long enough for the writer's commit in progress, short enough that
        // a store held by another process delays only the next attempt.
        conn.busy_timeout(Duration::from_secs(1))
            .map_err(|e| db_error(&self.path, &e))?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(|e| db_error(&self.path, &e))?;
        // Should the writer not be asked in time, its commits still
        // checkpoint, at four times the length.
        self.conn
            .pragma_update(None, "wal_autocheckpoint", 4 * WAL_APART_PAGES)
            .map_err(|e| db_error(&self.path, &e))?;
        self.wal_apart = true;
        Ok(Some(Box::new(SqliteCheckpointer {
            conn,
            path: self.path.clone(),
        })))
    }
}

/// Copies a database's -wal into the file from a connection of its own
/// (see [`Backend::checkpoint_apart`]).
struct SqliteCheckpointer {
    conn: Connection,
    path: PathBuf,
}

/// How long the -wal of a writer whose checkpoints run apart may grow, in
/// pages, before the writer is asked to start it over. A writer that never
/// pauses never lets a passive checkpoint catch up with it, and SQLite
/// starts a -wal over only once it has been copied whole, so the file would
/// grow without end. Past this length the checkpointer says so after a pass,
/// and the writer copies the little that pass left from its own connection
/// ([`Backend::catch_up`]) between two of its transactions; the sync that
/// costs is short because the pass has just synced the rest. Waiting for
/// the writer from the checkpointer's side instead (a truncating
/// checkpoint) holds the writer back far longer: both sides back off in
/// SQLite's busy handler.
const WAL_APART_PAGES: i64 = 16_384;

impl Checkpointer for SqliteCheckpointer {
    /// A passive checkpoint: it copies what no reader still needs and waits
    /// for no one, while the writer appends to the -wal. `true` when the
    /// -wal holds more than [`WAL_APART_PAGES`] frames.
    fn checkpoint(&mut self) -> Result<bool> {
        let frames: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .map_err(|e| db_error(&self.path, &e))?;
        Ok(frames > WAL_APART_PAGES)
    }

    /// With the writer gone, the -wal is emptied if it is longer than a
    /// process may leave behind (see [`EXIT_CHECKPOINT_BYTES`]).
    fn finish(&mut self) -> Result<()> {
        let mode = if wal_len(&self.path) > EXIT_CHECKPOINT_BYTES {
            "TRUNCATE"
        } else {
            "PASSIVE"
        };
        self.conn
            .query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |_| Ok(()))
            .map(drop)
            .map_err(|e| db_error(&self.path, &e))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::time::from_unix;

    /// Writes about 6 MiB in 24 commits.
    fn fill(store: &SqliteStore) {
        store
            .conn
            .execute_batch("CREATE TABLE IF NOT EXISTS filler (b BLOB)")
            .unwrap();
        for _ in 0..24 {
            store
                .conn
                .execute_batch(
                    "BEGIN IMMEDIATE; \
                     INSERT INTO filler VALUES (randomblob(65536)), (randomblob(65536)), \
                        (randomblob(65536)), (randomblob(65536)); \
                     COMMIT",
                )
                .unwrap();
        }
    }

    fn db_len(path: &Path) -> u64 {
        fs::metadata(path).unwrap().len()
    }

    #[test]
    fn a_checkpointer_apart_takes_the_checkpoints_off_the_writers_commits() {
        let dir = tempfile::tempdir().unwrap();
        // On its own, a writer's commits copy the -wal into the file.
        let alone = dir.path().join("alone.db");
        let store = SqliteStore::open(&alone, Access::Write).unwrap();
        fill(&store);
        assert!(db_len(&alone) > 2 << 20, "{}", db_len(&alone));

        let path = dir.path().join("apart.db");
        let mut store = SqliteStore::open(&path, Access::Write).unwrap();
        let mut checkpointer = store.checkpoint_apart().unwrap().unwrap();
        let before = db_len(&path);
        fill(&store);
        assert_eq!(db_len(&path), before, "the commits copied nothing");
        assert!(wal_len(&path) > 6 << 20, "{}", wal_len(&path));
        assert!(
            !checkpointer.checkpoint().unwrap(),
            "a short log needs no catching up"
        );
        assert!(db_len(&path) > 6 << 20, "the checkpointer copied it");

        // Frames written after a pass stay until the writer catches up;
        // then its next write starts the -wal over.
        let frames = |store: &SqliteStore| -> i64 {
            store
                .conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
                .unwrap()
        };
        fill(&store);
        store.catch_up().unwrap();
        store
            .conn
            .execute_batch("INSERT INTO filler VALUES (x'00')")
            .unwrap();
        assert!(frames(&store) < 10, "started over: {}", frames(&store));

        checkpointer.finish().unwrap();
        assert_eq!(wal_len(&path), 0, "and leaves no -wal at the end");
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
    fn reading_a_missing_database_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/keyctl.db");
        let mut store = Store::open(&path, Access::Read).unwrap();
        let n = store.read(|q| q.count_plan_keys(from_unix(0))).unwrap();
        assert_eq!(n, 0);
        assert!(!dir.path().join("sub").exists());
    }

    #[test]
    fn a_long_wal_is_truncated_after_the_write_that_made_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.db");
        let mut store = Store::open(&path, Access::Write).unwrap();
        let wal = dir.path().join("wal.db-wal");
        let big = "x".repeat(4000);
        store
            .write(Durability::Normal, |q| {
                // Rollups are written only for a key that exists.
                let mut key = crate::key::Key::sample(crate::scope::ScopeSet::default());
                key.id = "key_0000000001".into();
                q.insert_key(&key, &crate::secret::SecretHash::of(&key.id))?;
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
