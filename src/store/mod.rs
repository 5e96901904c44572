//! The store boundary: everything keyctl keeps goes through [`Store`].
//!
//! Operations run inside one transaction each: [`Store::read`] for a
//! consistent snapshot, [`Store::write`] for a change, which takes the write
//! lock when it begins (SQLite `BEGIN IMMEDIATE`, PostgreSQL a
//! transaction-level advisory lock) so that a check and the write that
//! depends on it cannot interleave with another process or machine.
//! [`Store::write_verifications`] is the write of recorded verifications,
//! which names the keys it may touch ([`Verifying`]): a backend may then
//! lock only those (PostgreSQL does; SQLite, with one writer anyway, takes
//! its write lock as for any write), while every other write still excludes
//! all of them. The
//! closure sees only [`Queries`], plain data operations with no SQL dialect
//! in their signatures, so both backends implement the same traits and no
//! command knows which one it runs on. If the closure fails, the transaction
//! is rolled back and nothing is written.
//!
//! [`Queries`] is the sum of one trait per concern, each in its own module
//! with its plain data types: [`KeyQueries`] (keys), [`UsageQueries`]
//! (requests, rollups, limit counters), [`AuditQueries`] (the hash-chained
//! trail), [`OutboxQueries`] (events and their deliveries), [`RoleQueries`]
//! (operators' role grants) and [`CopyQueries`] (`keyctl migrate`'s
//! whole-table copies). What does not
//! depend on the SQL dialect (column lists, how a listing splits into
//! index-friendly parts, stored forms) lives once, beside its trait. Each
//! backend, [`sqlite`] and `postgres` (with the `postgres` feature), is a folder with its connection and
//! schema (migrations in its `sql/`), its row mapping, and one file per
//! concern implementing that concern's trait, so a reader finds how audit
//! rows are stored in `sqlite/audit.rs` and `postgres/audit.rs`. The suite
//! in `tests/store` checks every concern on both backends.
//!
//! [`Location`] decides the backend: a `postgres://` or `postgresql://` URL
//! is a PostgreSQL database, anything else a SQLite file. A [`Path`] is
//! always a file; only text ([`Location::parse`], or a `&str` given to
//! [`Store::open`]) may be a URL.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::secret::SecretHash;

mod audit;
mod copy;
mod keys;
mod outbox;
mod roles;
mod usage;

#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;
mod url;

pub use audit::{AuditQueries, AuditQuery, AuditRow};
pub use copy::{CopyQueries, CopyRecord, CopyTable};
pub use keys::{KeyFilter, KeyQueries, StatusFilter};
pub use outbox::{DeliveryRow, DeliveryState, EventQuery, EventRow, EventState, OutboxQueries};
pub use roles::{EVERYONE, RoleGrant, RoleLookup, RoleQueries};
pub use usage::{
    Counter, EndpointPlan, KeyTotals, RequestRecord, RequestTotals, Source, UsageQueries,
    days_of_month, month_of,
};

/// Where the keys live: a SQLite file or a PostgreSQL database.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// A `postgres://` or `postgresql://` connection URL.
    Postgres(String),
}

impl Location {
    /// The location `--db`, `KEYCTL_DB` or `database` names: a URL with the
    /// scheme `postgres` or `postgresql` (any case) is PostgreSQL; anything
    /// else is a file path.
    /// (`--db` arrives as an OS path, hence the `&Path`; a library caller
    /// with text uses [`Location::parse`].)
    #[must_use]
    pub fn of(path: &Path) -> Location {
        match path.to_str() {
            Some(s) if is_postgres_url(s) => Location::Postgres(s.to_owned()),
            _ => Location::File(path.to_path_buf()),
        }
    }

    /// A setting in text: a URL with the scheme `postgres` or `postgresql`
    /// (any case) is PostgreSQL, anything else a SQLite file path.
    #[must_use]
    pub fn parse(setting: &str) -> Location {
        Location::from(setting.to_owned())
    }

    /// A form fit for messages and output: a URL loses its password.
    #[must_use]
    pub fn display(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Postgres(url) => url::redact_url(url),
        }
    }
}

impl From<&Path> for Location {
    /// A path is a SQLite file, whatever its text looks like.
    fn from(path: &Path) -> Location {
        Location::File(path.to_path_buf())
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Location {
        Location::File(path)
    }
}

impl From<&PathBuf> for Location {
    fn from(path: &PathBuf) -> Location {
        Location::File(path.clone())
    }
}

impl From<&str> for Location {
    /// See [`Location::parse`].
    fn from(s: &str) -> Location {
        Location::parse(s)
    }
}

impl From<String> for Location {
    /// See [`Location::parse`].
    fn from(s: String) -> Location {
        if is_postgres_url(&s) {
            Location::Postgres(s)
        } else {
            Location::File(PathBuf::from(s))
        }
    }
}

impl From<&Location> for Location {
    fn from(l: &Location) -> Location {
        l.clone()
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never a password, not even in a debug print.
        f.write_str(&self.display())
    }
}

/// Whether a database setting is a PostgreSQL connection URL.
#[must_use]
pub fn is_postgres_url(s: &str) -> bool {
    let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// How a command will use the store, and what a missing store means for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only: a database that does not exist yet reads as empty and is
    /// not created.
    Read,
    /// Writes: the database (and its folders) are created if missing.
    Write,
    /// Writes to what already exists (update, revoke, rotate, verify): a
    /// database that does not exist yet reads as empty and is not created.
    Modify,
    /// Reads and writes a store that must already exist: a missing SQLite
    /// file, or a PostgreSQL database keyctl has never written to, is
    /// [`Error::Missing`](crate::Error::Missing) and nothing is created.
    /// What a service should open with: with [`Access::Modify`], a mistyped
    /// path gives an empty store that refuses every key without an error.
    Existing,
}

/// How durable a write must be when it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Survives a crash of the process (WAL, `synchronous=NORMAL`).
    Normal,
    /// Also survives a power failure: fsynced before commit returns
    /// (`synchronous=FULL`). Used for every change to a key.
    Full,
}

/// The kind of transaction to begin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxKind {
    Read,
    Write(Durability),
    /// No explicit transaction: each query runs on its own and sees the
    /// latest committed state. For callers whose answer rests on one query.
    Autocommit,
}

/// What a transaction of recorded verifications may write, so that a
/// backend can lock that and no more. The closure run in such a transaction
/// must keep to it: it looks keys up only by these hashes and writes only
/// their counters, rollups, request rows and `last_used_at`, the plan-wide
/// counter when `plan_wide`, and audit events.
#[derive(Debug, Clone, Copy)]
pub struct Verifying<'a> {
    /// The hashes of the presented secrets, in any order, repeats allowed.
    pub keys: &'a [SecretHash],
    /// Whether a limit counted over all keys together (the plan's monthly
    /// calls) may be read and advanced.
    pub plan_wide: bool,
}

/// Copies a write-ahead log into its database on behalf of a writer (see
/// [`Backend::checkpoint_apart`]); called every so often from a thread of
/// its own.
pub trait Checkpointer: Send {
    /// Copies what can be copied without waiting long for anyone. `true`
    /// when the writer should now [`Store::catch_up`]: its log has grown
    /// long, and only the writer can let it start over.
    fn checkpoint(&mut self) -> Result<bool>;

    /// The last call, once the writer has ended: leaves no more log behind
    /// than a process that exits would.
    fn finish(&mut self) -> Result<()> {
        self.checkpoint().map(drop)
    }
}

/// A storage engine. `Send`, so that a [`Store`] can move to another thread
/// (a service that opens it at start and hands it to a worker); both
/// backends own their connection outright, so nothing is shared.
pub trait Backend: Send {
    /// Begins a transaction. A write transaction holds the write lock from here.
    fn begin(&mut self, kind: TxKind) -> Result<Box<dyn Transaction + '_>>;

    /// Begins a write transaction of recorded verifications (see
    /// [`Verifying`]). A backend that locks no finer than the whole store
    /// takes its write lock, as [`Backend::begin`] with [`TxKind::Write`].
    fn begin_verifications(
        &mut self,
        durability: Durability,
        scope: Verifying<'_>,
    ) -> Result<Box<dyn Transaction + '_>> {
        let _ = scope;
        self.begin(TxKind::Write(durability))
    }

    /// Ends the backend in a process that is about to exit, leaving to the
    /// operating system what it cleans up anyway. The default closes, as a
    /// drop does.
    fn end_at_exit(self: Box<Self>) {}

    /// For a long-lived writer whose commits must not wait on the copying of
    /// a write-ahead log into the database (SQLite's checkpoints, with their
    /// fsyncs): its commits stop doing it, and the returned [`Checkpointer`],
    /// run from another thread, does it instead. `None` for a backend with
    /// nothing of the kind, whose writes stay as they are.
    fn checkpoint_apart(&mut self) -> Result<Option<Box<dyn Checkpointer>>> {
        Ok(None)
    }

    /// For a writer whose checkpoints run apart, when its [`Checkpointer`]
    /// asks: copies, from this connection and between two transactions,
    /// what is left of the log, so that the next write starts it over.
    fn catch_up(&mut self) -> Result<()> {
        Ok(())
    }

    /// The user the database server authenticated this connection as, for a
    /// backend that has one (PostgreSQL's `session_user`); that user is the
    /// operator, whatever name a caller claims. `None` for a file, whose
    /// operator is whoever the caller says.
    fn database_user(&self) -> Option<&str> {
        None
    }
}

/// An open transaction: rolled back when dropped without [`Transaction::commit`].
pub trait Transaction: Queries {
    fn commit(self: Box<Self>) -> Result<()>;
}

/// Every data operation a backend provides, inside a transaction: the
/// concerns' traits together, so that a command takes one `&mut dyn Queries`
/// and no command knows which backend or which concern's trait it calls.
pub trait Queries:
    KeyQueries + UsageQueries + AuditQueries + OutboxQueries + RoleQueries + CopyQueries
{
}

impl<T> Queries for T where
    T: KeyQueries
        + UsageQueries
        + AuditQueries
        + OutboxQueries
        + RoleQueries
        + CopyQueries
        + ?Sized
{
}

/// A count or a limit as SQL's 64-bit integer, saturating: no count keyctl
/// keeps comes near the bound.
pub(crate) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Runs a listing as its parts and merges their rows newest first, keeping
/// at most `limit` of them. A listing is split where each part is an index
/// seek that yields rows already in order while the whole would sort every
/// match (see [`AuditQuery`]'s and [`EventQuery`]'s parts); the merge keeps
/// the order of equal keys, so both backends return the same rows.
pub(crate) fn newest_first<Q, T, K: Ord>(
    parts: &[Q],
    limit: usize,
    mut run: impl FnMut(&Q) -> Result<Vec<T>>,
    order: impl Fn(&T) -> K,
) -> Result<Vec<T>> {
    let mut rows = Vec::new();
    for part in parts {
        rows.extend(run(part)?);
    }
    rows.sort_by_key(|r| std::cmp::Reverse(order(r)));
    rows.truncate(limit);
    Ok(rows)
}

/// The store: one backend, one transaction per operation.
pub struct Store {
    backend: Box<dyn Backend>,
}

impl Store {
    /// Opens the store at `location`: a SQLite file
    /// ([`sqlite::SqliteStore::open`]) or a PostgreSQL database
    /// (`postgres::PostgresStore::open`). A `&Path` is a file; a `&str`
    /// is read by [`Location::parse`], so it may be a `postgres://` URL.
    pub fn open(location: impl Into<Location>, access: Access) -> Result<Store> {
        Store::open_location(&location.into(), access)
    }

    /// Opens the store at `location` (as [`Store::open`]).
    pub fn open_location(location: &Location, access: Access) -> Result<Store> {
        let backend: Box<dyn Backend> = match location {
            Location::File(path) => Box::new(sqlite::SqliteStore::open(path, access)?),
            #[cfg(feature = "postgres")]
            Location::Postgres(url) => postgres::PostgresStore::open(url, access)?,
            #[cfg(not(feature = "postgres"))]
            Location::Postgres(_) => {
                return Err(crate::Error::Database {
                    path: PathBuf::from(location.display()),
                    message: "this build of keyctl has no PostgreSQL support (the `postgres` \
                              feature)"
                        .to_owned(),
                });
            }
        };
        Ok(Store { backend })
    }

    /// A store over any backend.
    #[must_use]
    pub fn with_backend(backend: Box<dyn Backend>) -> Store {
        Store { backend }
    }

    /// Ends the store in a process that is about to exit: a SQLite
    /// connection is left for the operating system to close (closing frees
    /// the schema and the cached statements), unless its -wal has grown long
    /// enough to be checkpointed as it closes; a PostgreSQL connection is
    /// closed as usual, so that the server does not log a lost client.
    /// Dropping the store instead is always correct.
    pub fn end_at_exit(self) {
        self.backend.end_at_exit();
    }

    /// Moves this store's checkpoints to the returned [`Checkpointer`] (see
    /// [`Backend::checkpoint_apart`]).
    ///
    /// # Errors
    /// When the second connection cannot be opened or set up.
    pub fn checkpoint_apart(&mut self) -> Result<Option<Box<dyn Checkpointer>>> {
        self.backend.checkpoint_apart()
    }

    /// What the [`Checkpointer`] of [`Store::checkpoint_apart`] asks of the
    /// writer (see [`Backend::catch_up`]).
    ///
    /// # Errors
    /// When the store cannot be written.
    pub fn catch_up(&mut self) -> Result<()> {
        self.backend.catch_up()
    }

    /// The database user of the connection, when the backend authenticates
    /// one (see [`Backend::database_user`]).
    #[must_use]
    pub fn database_user(&self) -> Option<&str> {
        self.backend.database_user()
    }

    /// Runs `f` in a read transaction (one consistent snapshot).
    pub fn read<T>(&mut self, f: impl FnOnce(&mut dyn Queries) -> Result<T>) -> Result<T> {
        let mut tx = self.backend.begin(TxKind::Read)?;
        let value = f(&mut *tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` without an explicit transaction (see [`TxKind::Autocommit`]):
    /// cheaper than [`Store::read`] for a single lookup on a hot path.
    pub fn peek<T>(&mut self, f: impl FnOnce(&mut dyn Queries) -> Result<T>) -> Result<T> {
        let mut tx = self.backend.begin(TxKind::Autocommit)?;
        let value = f(&mut *tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in a write transaction that holds the write lock from its
    /// start; commits only if `f` succeeds.
    pub fn write<T>(
        &mut self,
        durability: Durability,
        f: impl FnOnce(&mut dyn Queries) -> Result<T>,
    ) -> Result<T> {
        let mut tx = self.backend.begin(TxKind::Write(durability))?;
        let value = f(&mut *tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f`, recorded verifications of the keys `scope` names, in a
    /// write transaction that excludes every other write touching those keys
    /// (and the plan-wide counter, when `scope.plan_wide`) from its start,
    /// but not necessarily verifications of other keys; commits only if `f`
    /// succeeds. `f` must keep to what `scope` names (see [`Verifying`]).
    pub fn write_verifications<T>(
        &mut self,
        durability: Durability,
        scope: Verifying<'_>,
        f: impl FnOnce(&mut dyn Queries) -> Result<T>,
    ) -> Result<T> {
        let mut tx = self.backend.begin_verifications(durability, scope)?;
        let value = f(&mut *tx)?;
        tx.commit()?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails to compile, not at run time, if a backend stops being `Send`.
    #[test]
    fn a_store_can_move_to_another_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<Store>();
        assert_send::<sqlite::SqliteStore>();
        #[cfg(feature = "postgres")]
        assert_send::<postgres::PostgresStore>();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("t.db"), Access::Write).unwrap();
        let n = std::thread::spawn(move || store.read(|q| q.audit_count()))
            .join()
            .unwrap()
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn existing_access_refuses_a_missing_file_and_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("typo").join("keys.db");
        let err = Store::open(&path, Access::Existing).err().expect("refused");
        assert!(matches!(&err, crate::Error::Missing(p) if p == &path.display().to_string()));
        assert!(
            err.to_string().contains("no keyctl store exists there"),
            "{err}"
        );
        assert!(!path.exists() && !path.parent().unwrap().exists());
        // Once the store exists, the same access opens it.
        drop(Store::open(&path, Access::Write).unwrap());
        let mut store = Store::open(&path, Access::Existing).unwrap();
        assert_eq!(store.read(|q| q.audit_count()).unwrap(), 0);
    }

    #[test]
    fn a_path_is_always_a_file_and_only_text_may_be_a_url() {
        let url = "postgres://u@h/db";
        assert_eq!(Location::from(Path::new(url)), Location::File(url.into()));
        assert_eq!(Location::from(url), Location::Postgres(url.into()));
        assert_eq!(
            Location::parse("POSTGRESQL://h/db"),
            Location::Postgres("POSTGRESQL://h/db".into())
        );
        assert_eq!(Location::parse("keys.db"), Location::File("keys.db".into()));
        assert_eq!(Location::of(Path::new(url)), Location::Postgres(url.into()));
    }
}
