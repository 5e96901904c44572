//! The PostgreSQL backend: one key store for API servers on many machines.
//!
//! keyctl's tables live in the schema `keyctl` of the database the URL
//! names, so the database may hold other applications' tables too; `schema`
//! versions and migrates it, `connect` reads the URL and connects (TLS
//! settings in `tls`), and the queries live one concern to a file (`keys`,
//! `usage`, `audit`, `outbox`, `roles`, `copy`), with `rows` mapping columns
//! to values. The connection's user (`session_user`) is the operator of
//! every command run over it (SPEC §5).
//!
//! Isolation: every write transaction takes transaction-level advisory
//! locks before its first statement, then runs at READ COMMITTED, so every
//! statement after the locks sees everything committed by the writers that
//! held them before. A write other than recorded verifications takes
//! [`WRITE_LOCK`] exclusively: the exact counterpart of SQLite's
//! `BEGIN IMMEDIATE`, one such writer at a time per database, whatever
//! machine it runs on, so a check and the write that depends on it (plan key
//! counts, a key's state, the audit chain's tail) never interleave with any
//! other writer's. A transaction of recorded verifications
//! ([`Backend::begin_verifications`]) takes [`WRITE_LOCK`] shared instead, so
//! it still excludes and is excluded by every other write, then one
//! exclusive lock per presented key ([`key_lock`], all of them in one round
//! trip, in ascending order, so two batches never wait on each other in a
//! cycle), then [`PLAN_LOCK`] when it may advance the plan's all-keys
//! counter. Everything else it writes is either the key's own (its limit
//! counters, rollup rows keyed by the key, `last_used_at`), which its key
//! lock makes exact, or a new row of its own (requests, whose `seq` only
//! orders), except the audit chain: its tail is read and extended under
//! [`AUDIT_LOCK`], taken just before the tail is read and held to commit,
//! so the chain stays one chain. That lock is always the last one a
//! transaction takes, so the order keys, plan, audit is never reversed.
//! Verifications of different keys thus run side by side, and what a
//! verification needs to be exact is still serial. (A transaction of more
//! than [`MAX_KEY_LOCKS`] keys takes [`WRITE_LOCK`] exclusively instead,
//! so that a batch does not fill the server's lock table.) The cost is that of the
//! locks: a write holds its lock for its round trips to the server. Reads
//! take no lock: a read is one REPEATABLE READ snapshot, and a peek one
//! autocommit statement, which sees every committed revocation.
//!
//! Durability: [`Durability::Full`] commits as the server is configured
//! (`synchronous_commit = on` by default); [`Durability::Normal`] sets
//! `synchronous_commit = off` for that transaction, like SQLite's
//! `synchronous=NORMAL`: a crash of the database server may lose the last
//! fraction of a second of such commits, never corrupt anything.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Row, Statement};

use super::{Access, Backend, Durability, Transaction, TxKind, Verifying};
use crate::error::{Error, Result};
use crate::key::Key;
use crate::secret::SecretHash;

mod audit;
mod connect;
mod copy;
mod keys;
mod outbox;
mod roles;
mod rows;
mod schema;
mod tls;
mod usage;

pub use super::url::redact_url;
use connect::connect;
use rows::key_from_row;
use schema::Identity;
pub use schema::{MIGRATION_LOCK, MIGRATIONS, apply_migrations, latest_version};

/// The advisory lock every write transaction holds: exclusively, or shared
/// by transactions of recorded verifications. (Its value is the one keyctl
/// has always locked, so that writers of an older version still exclude
/// and wait for those of this one.)
pub const WRITE_LOCK: i64 = 0x6b63_6972_7e47_c001;

/// The advisory lock on the audit chain's tail, for writers that share
/// [`WRITE_LOCK`] ("kctl" and 2).
pub const AUDIT_LOCK: i64 = 0x6b63_746c_0000_0002;

/// The advisory lock on the plan's counter over all keys, for writers that
/// share [`WRITE_LOCK`] ("kctl" and 3).
pub const PLAN_LOCK: i64 = 0x6b63_746c_0000_0003;

/// The advisory lock of the key whose secret hashes to `hash`: its first
/// eight bytes. Two keys that share it only wait for each other; one that
/// would be a fixed lock moves off it.
#[must_use]
pub fn key_lock(hash: &SecretHash) -> i64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.0[..8]);
    let lock = i64::from_be_bytes(first);
    if [WRITE_LOCK, AUDIT_LOCK, PLAN_LOCK, MIGRATION_LOCK].contains(&lock) {
        lock ^ (1 << 32)
    } else {
        lock
    }
}

/// The most key locks one transaction takes. Advisory locks live in the
/// server's shared lock table, sized for `max_locks_per_transaction` (64 by
/// default) per connection on average; a transaction of more keys than this
/// (a large batch of `keyctl serve`) takes the write lock exclusively
/// instead, as every write does.
pub const MAX_KEY_LOCKS: usize = 32;

/// What begins a transaction of recorded verifications: the shared write
/// lock, then each key's lock in ascending order, then the plan's lock; one
/// round trip, since the simple-query protocol runs the statements in order.
/// With more than [`MAX_KEY_LOCKS`] keys, the exclusive write lock alone.
/// Also says whether the audit chain's tail then needs its own lock.
fn begin_verifications_sql(durability: Durability, scope: Verifying<'_>) -> (String, TailLock) {
    let mut locks: Vec<i64> = scope.keys.iter().map(key_lock).collect();
    locks.sort_unstable();
    locks.dedup();
    if locks.len() > MAX_KEY_LOCKS {
        let sql = match durability {
            Durability::Full => BEGIN_WRITE_FULL,
            Durability::Normal => BEGIN_WRITE_NORMAL,
        };
        return (sql.to_owned(), TailLock::Covered);
    }
    let mut sql = String::from("BEGIN ISOLATION LEVEL READ COMMITTED; ");
    if durability == Durability::Normal {
        sql.push_str("SET LOCAL synchronous_commit = off; ");
    }
    sql.push_str(&format!(
        "SELECT pg_advisory_xact_lock_shared({WRITE_LOCK})"
    ));
    for lock in locks {
        sql.push_str(&format!("; SELECT pg_advisory_xact_lock({lock})"));
    }
    if scope.plan_wide {
        sql.push_str(&format!("; SELECT pg_advisory_xact_lock({PLAN_LOCK})"));
    }
    (sql, TailLock::Needed)
}

const BEGIN_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
// One round trip each: the simple-query protocol runs the three statements
// of a batch in order, and the transaction stays open after it.
// The lock is `WRITE_LOCK` (a test checks it).
const BEGIN_WRITE_FULL: &str =
    "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(7738144525218463745)";
const BEGIN_WRITE_NORMAL: &str = "BEGIN ISOLATION LEVEL READ COMMITTED; \
     SET LOCAL synchronous_commit = off; SELECT pg_advisory_xact_lock(7738144525218463745)";

/// A PostgreSQL database.
pub struct PostgresStore {
    client: Client,
    /// The URL without its password, for messages.
    location: String,
    /// Prepared statements by SQL text: a statement is parsed once per
    /// connection, and each later use is one round trip.
    statements: HashMap<String, Statement>,
    /// The connection's `session_user`: the operator (SPEC §5).
    user: String,
}

impl PostgresStore {
    /// Opens the database `url` names and brings its schema up to date.
    ///
    /// With [`Access::Read`] or [`Access::Modify`], a database that keyctl
    /// has never written to reads as an empty store and nothing is created in
    /// it (the same rule as a SQLite file that does not exist yet); with
    /// [`Access::Existing`] such a database is an error.
    pub fn open(url: &str, access: Access) -> Result<Box<dyn Backend>> {
        let location = redact_url(url);
        let client = connect(url, &location)?;
        let mut store = PostgresStore {
            client,
            location,
            statements: HashMap::new(),
            user: String::new(),
        };
        match store.identify()? {
            Identity::Current => {}
            Identity::Fresh if access == Access::Existing => {
                return Err(Error::Missing(store.location));
            }
            Identity::Fresh if access != Access::Write => {
                return Ok(Box::new(Untouched {
                    empty: super::sqlite::SqliteStore::empty_for(Path::new(&store.location))?,
                    user: store.user,
                }));
            }
            Identity::Fresh | Identity::Unsure | Identity::Older(_) => store.migrate()?,
        }
        Ok(Box::new(store))
    }

    fn refused(&self, message: impl Into<String>) -> Error {
        Error::Database {
            path: PathBuf::from(&self.location),
            message: message.into(),
        }
    }

    fn failed(&self, e: &postgres::Error) -> Error {
        Error::Database {
            path: PathBuf::from(&self.location),
            message: describe(e),
        }
    }
}

/// A PostgreSQL error in one line, in the server's words when it sent some.
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_owned(),
        };
    }
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}

/// A PostgreSQL error as a storage error, in one line: the driver's type
/// stays out of the library's API.
pub(super) fn fault(e: postgres::Error) -> Error {
    Error::Storage(describe(&e))
}

/// A database keyctl has not written to yet, opened to read: an empty
/// store that creates nothing, still speaking for the connection's user.
struct Untouched {
    empty: super::sqlite::SqliteStore,
    user: String,
}

impl Backend for Untouched {
    fn begin(&mut self, kind: TxKind) -> Result<Box<dyn Transaction + '_>> {
        self.empty.begin(kind)
    }

    fn database_user(&self) -> Option<&str> {
        Some(&self.user)
    }
}

impl Backend for PostgresStore {
    fn database_user(&self) -> Option<&str> {
        Some(&self.user)
    }

    fn begin_verifications(
        &mut self,
        durability: Durability,
        scope: Verifying<'_>,
    ) -> Result<Box<dyn Transaction + '_>> {
        let (sql, tail) = begin_verifications_sql(durability, scope);
        self.client
            .batch_execute(&sql)
            .map_err(|e| self.failed(&e))?;
        Ok(Box::new(PgTx {
            store: self,
            open: true,
            failed: false,
            tail,
        }))
    }

    fn begin(&mut self, kind: TxKind) -> Result<Box<dyn Transaction + '_>> {
        let begin = match kind {
            TxKind::Autocommit => None,
            TxKind::Read => Some(BEGIN_READ),
            TxKind::Write(Durability::Full) => Some(BEGIN_WRITE_FULL),
            TxKind::Write(Durability::Normal) => Some(BEGIN_WRITE_NORMAL),
        };
        if let Some(sql) = begin {
            self.client
                .batch_execute(sql)
                .map_err(|e| self.failed(&e))?;
        }
        Ok(Box::new(PgTx {
            store: self,
            open: begin.is_some(),
            failed: false,
            tail: TailLock::Covered,
        }))
    }
}

/// An open transaction (or, for autocommit, none). Rolled back on drop
/// unless committed. A statement that failed aborts a PostgreSQL
/// transaction, whose COMMIT then quietly rolls back: `failed` turns that
/// into an error instead.
struct PgTx<'a> {
    store: &'a mut PostgresStore,
    open: bool,
    failed: bool,
    tail: TailLock,
}

/// Whether reading the audit chain's tail must first take [`AUDIT_LOCK`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TailLock {
    /// The transaction holds [`WRITE_LOCK`] exclusively (or writes nothing).
    Covered,
    /// It shares [`WRITE_LOCK`] and has not taken [`AUDIT_LOCK`] yet.
    Needed,
    /// It has taken [`AUDIT_LOCK`], until it ends.
    Held,
}

type Params<'p> = [&'p (dyn ToSql + Sync)];

impl Transaction for PgTx<'_> {
    fn commit(mut self: Box<Self>) -> Result<()> {
        if !self.open {
            return Ok(());
        }
        if self.failed {
            return Err(Error::Storage(
                "a statement failed, so the transaction was rolled back".to_owned(),
            ));
        }
        let result = self.store.client.batch_execute("COMMIT");
        self.open = false;
        result.map_err(|e| self.store.failed(&e))
    }
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.store.client.batch_execute("ROLLBACK");
        }
    }
}

impl PgTx<'_> {
    fn note<T>(&mut self, r: Result<T, postgres::Error>) -> Result<T> {
        r.map_err(|e| {
            self.failed = true;
            fault(e)
        })
    }

    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.store.statements.get(sql) {
            return Ok(s.clone());
        }
        let prepared = self.store.client.prepare(sql);
        let s = self.note(prepared)?;
        self.store.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    fn query(&mut self, sql: &str, params: &Params<'_>) -> Result<Vec<Row>> {
        let stmt = self.statement(sql)?;
        let rows = self.store.client.query(&stmt, params);
        self.note(rows)
    }

    fn query_opt(&mut self, sql: &str, params: &Params<'_>) -> Result<Option<Row>> {
        let stmt = self.statement(sql)?;
        let row = self.store.client.query_opt(&stmt, params);
        self.note(row)
    }

    fn query_one(&mut self, sql: &str, params: &Params<'_>) -> Result<Row> {
        let stmt = self.statement(sql)?;
        let row = self.store.client.query_one(&stmt, params);
        self.note(row)
    }

    fn execute(&mut self, sql: &str, params: &Params<'_>) -> Result<u64> {
        let stmt = self.statement(sql)?;
        let n = self.store.client.execute(&stmt, params);
        self.note(n)
    }

    /// Streams the rows of a query to `f` as they arrive.
    fn each_row(
        &mut self,
        sql: &str,
        params: &Params<'_>,
        f: &mut dyn FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        let stmt = self.statement(sql)?;
        let iter = self.store.client.query_raw(&stmt, params.iter().copied());
        let mut rows = match iter {
            Ok(rows) => rows,
            Err(e) => {
                self.failed = true;
                return Err(fault(e));
            }
        };
        loop {
            match rows.next() {
                Ok(Some(row)) => f(&row)?,
                Ok(None) => return Ok(()),
                Err(e) => {
                    drop(rows);
                    self.failed = true;
                    return Err(fault(e));
                }
            }
        }
    }

    fn keys(&mut self, sql: &str, params: &Params<'_>) -> Result<Vec<Key>> {
        self.query(sql, params)?.iter().map(key_from_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_takes_the_same_write_lock() {
        let exclusive = format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})");
        assert!(BEGIN_WRITE_FULL.ends_with(&exclusive), "{BEGIN_WRITE_FULL}");
        assert!(
            BEGIN_WRITE_NORMAL.ends_with(&exclusive),
            "{BEGIN_WRITE_NORMAL}"
        );
        let scope = Verifying {
            keys: &[],
            plan_wide: false,
        };
        let (shared, tail) = begin_verifications_sql(Durability::Normal, scope);
        assert_eq!(tail, TailLock::Needed);
        assert!(
            shared.ends_with(&format!(
                "SELECT pg_advisory_xact_lock_shared({WRITE_LOCK})"
            )),
            "{shared}"
        );
    }

    #[test]
    fn verifications_lock_their_keys_in_ascending_order_then_the_plan() {
        let (a, b) = (SecretHash::of("a"), SecretHash::of("b"));
        let scope = Verifying {
            keys: &[b, a, b],
            plan_wide: true,
        };
        let (sql, _) = begin_verifications_sql(Durability::Full, scope);
        assert!(!sql.contains("synchronous_commit"), "{sql}");
        let locks: Vec<&str> = sql.split("; ").skip(1).collect();
        let (low, high) = if key_lock(&a) < key_lock(&b) {
            (key_lock(&a), key_lock(&b))
        } else {
            (key_lock(&b), key_lock(&a))
        };
        assert_eq!(
            locks,
            [
                format!("SELECT pg_advisory_xact_lock_shared({WRITE_LOCK})"),
                format!("SELECT pg_advisory_xact_lock({low})"),
                format!("SELECT pg_advisory_xact_lock({high})"),
                format!("SELECT pg_advisory_xact_lock({PLAN_LOCK})"),
            ]
        );
    }

    #[test]
    fn too_many_keys_take_the_write_lock_alone() {
        let hashes: Vec<SecretHash> = (0..=MAX_KEY_LOCKS)
            .map(|i| SecretHash::of(&i.to_string()))
            .collect();
        let at_most = Verifying {
            keys: &hashes[..MAX_KEY_LOCKS],
            plan_wide: true,
        };
        let (sql, tail) = begin_verifications_sql(Durability::Normal, at_most);
        assert_eq!(tail, TailLock::Needed);
        assert_eq!(
            sql.matches("pg_advisory_xact_lock(").count(),
            MAX_KEY_LOCKS + 1
        );
        let over = Verifying {
            keys: &hashes,
            plan_wide: true,
        };
        let (sql, tail) = begin_verifications_sql(Durability::Normal, over);
        assert_eq!(
            (sql.as_str(), tail),
            (BEGIN_WRITE_NORMAL, TailLock::Covered)
        );
    }

    #[test]
    fn a_key_lock_is_never_a_fixed_lock() {
        let mut hash = SecretHash::of("x");
        for fixed in [WRITE_LOCK, AUDIT_LOCK, PLAN_LOCK, MIGRATION_LOCK] {
            hash.0[..8].copy_from_slice(&fixed.to_be_bytes());
            let lock = key_lock(&hash);
            assert_ne!(lock, fixed);
            assert!(![WRITE_LOCK, AUDIT_LOCK, PLAN_LOCK, MIGRATION_LOCK].contains(&lock));
        }
        let ordinary = SecretHash::of("y");
        assert_eq!(
            key_lock(&ordinary).to_be_bytes(),
            ordinary.0[..8],
            "the first eight bytes"
        );
    }
}
