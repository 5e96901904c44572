//! The store boundary: everything keyctl keeps goes through [`Store`].
//!
//! Operations run inside one transaction each: [`Store::read`] for a
//! consistent snapshot, [`Store::write`] for a change, which takes the write
//! lock when it begins (SQLite `BEGIN IMMEDIATE`, PostgreSQL a
//! transaction-level advisory lock) so that a check and the write that
//! depends on it cannot interleave with another process or machine. The
//! closure sees only [`Queries`], plain data operations with no SQL dialect
//! in their signatures, so both backends implement the same trait and no
//! command knows which one it runs on. If the closure fails, the transaction
//! is rolled back and nothing is written.
//!
//! [`Location`] decides the backend: a `postgres://` or `postgresql://` URL
//! is a PostgreSQL database, anything else a SQLite file.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::key::Key;
use crate::secret::{Environment, SecretHash};
use crate::time::Timestamp;

pub mod postgres;
pub mod sqlite;

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
    #[must_use]
    pub fn of(path: &Path) -> Location {
        match path.to_str() {
            Some(s) if is_postgres_url(s) => Location::Postgres(s.to_owned()),
            _ => Location::File(path.to_path_buf()),
        }
    }

    /// A form fit for messages and output: a URL loses its password.
    #[must_use]
    pub fn display(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Postgres(url) => postgres::redact_url(url),
        }
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

/// How a command will use the store.
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

/// A storage engine.
pub trait Backend {
    /// Begins a transaction. A write transaction holds the write lock from here.
    fn begin(&mut self, kind: TxKind) -> Result<Box<dyn Transaction + '_>>;

    /// Ends the backend in a process that is about to exit, leaving to the
    /// operating system what it cleans up anyway. The default closes, as a
    /// drop does.
    fn end_at_exit(self: Box<Self>) {}
}

/// An open transaction: rolled back when dropped without [`Transaction::commit`].
pub trait Transaction: Queries {
    fn commit(self: Box<Self>) -> Result<()>;
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

/// One row of the hash-chained audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub ts: Timestamp,
    pub actor: String,
    pub action: String,
    pub key_id: Option<String>,
    pub key_prefix: Option<String>,
    /// Canonical JSON of the event's details.
    pub details: String,
    /// The HTTP status in the details of a verification event.
    pub status: Option<u16>,
    /// The request path in the details of a verification event.
    pub path: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The trail's filters, resolved for the store.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub key_id: Option<String>,
    /// Event actions; `request` selects request entries.
    pub actions: Vec<String>,
    pub actor: Option<String>,
    pub since: Option<Timestamp>,
    /// Exclusive.
    pub until: Option<Timestamp>,
    /// An inclusive range of HTTP statuses.
    pub status: Option<(u16, u16)>,
    pub path_prefix: Option<String>,
    pub limit: usize,
}

/// Where a recorded request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A `verify` call.
    Verify,
    /// A gateway log brought in by `ingest`.
    Ingest,
}

impl Source {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Verify => "verify",
            Source::Ingest => "ingest",
        }
    }
}

/// One recorded API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The key, when the presented secret matched one.
    pub key_id: Option<String>,
    pub ts: Timestamp,
    pub method: Option<String>,
    pub path: Option<String>,
    pub status: u16,
    pub duration_ms: Option<u32>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The verification outcome code, for requests recorded by `verify`.
    pub outcome: Option<String>,
    pub source: Source,
    /// The operator who recorded it: who ran `verify`, or `ingest`.
    pub actor: Option<String>,
}

/// A fixed-window counter: the window's start (Unix seconds) and its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub window_start: i64,
    pub count: u64,
}

/// One key's totals over a window of days, from the rollups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTotals {
    pub key_id: String,
    pub name: String,
    pub prefix: String,
    pub last_used_at: Option<Timestamp>,
    pub requests: u64,
    pub errors: u64,
}

/// Request counts of one key, from the daily rollups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestTotals {
    pub all_time: u64,
    pub since: u64,
    pub errors_since: u64,
}

/// Where an event of the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventState {
    /// Recorded, not yet routed to the configured destinations.
    New,
    /// At least one delivery is still to be made.
    Pending,
    /// Every delivery was made.
    Delivered,
    /// A delivery gave up after its last attempt (and none is pending).
    Dead,
    /// Routed, but no destination wanted it.
    Skipped,
}

impl EventState {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EventState::New => "new",
            EventState::Pending => "pending",
            EventState::Delivered => "delivered",
            EventState::Dead => "dead",
            EventState::Skipped => "skipped",
        }
    }

    /// Parses the stored form.
    #[must_use]
    pub fn parse(s: &str) -> Option<EventState> {
        Some(match s {
            "new" => EventState::New,
            "pending" => EventState::Pending,
            "delivered" => EventState::Delivered,
            "dead" => EventState::Dead,
            "skipped" => EventState::Skipped,
            _ => return None,
        })
    }
}

/// One event of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Assigned by the store on insert (ignored there).
    pub seq: i64,
    /// `evt_` and a random part: the `webhook-id` of every delivery.
    pub id: String,
    /// `api_key.created`, ….
    pub kind: String,
    pub ts: Timestamp,
    pub key_id: Option<String>,
    /// The key's expiry, on the events of `events scan` only.
    pub key_expires_at: Option<Timestamp>,
    /// The JSON document as delivered.
    pub payload: String,
    pub state: EventState,
}

/// Where one delivery (an event to one destination) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Delivered,
    Dead,
}

impl DeliveryState {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
        }
    }
}

/// One event's delivery to one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub event_seq: i64,
    /// The name of a `[[webhooks]]` or `[[hooks]]` entry.
    pub destination: String,
    pub state: DeliveryState,
    /// Attempts begun (claims), including one interrupted by a crash.
    pub attempts: u32,
    /// Attempts whose run died before it recorded how they ended.
    pub interrupted: u32,
    /// When it is due next (while pending).
    pub next_at: Timestamp,
    /// Set while a run holds it: another run leaves it alone until then.
    pub claimed_until: Option<Timestamp>,
    pub last_attempt_at: Option<Timestamp>,
    /// Why the last attempt failed: never a secret, never a URL.
    pub last_error: Option<String>,
    pub delivered_at: Option<Timestamp>,
}

impl DeliveryRow {
    /// A delivery that has not been tried yet, due at `now`.
    #[must_use]
    pub fn pending(event_seq: i64, destination: &str, now: Timestamp) -> DeliveryRow {
        DeliveryRow {
            event_seq,
            destination: destination.to_owned(),
            state: DeliveryState::Pending,
            attempts: 0,
            interrupted: 0,
            next_at: now,
            claimed_until: None,
            last_attempt_at: None,
            last_error: None,
            delivered_at: None,
        }
    }
}

/// Which events a listing wants.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Any of these states (empty: every state).
    pub states: Vec<EventState>,
    pub kind: Option<String>,
    pub limit: usize,
}

/// The tables `keyctl migrate` copies, in the order it copies them (a row
/// only refers to rows of tables before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyTable {
    Keys,
    Requests,
    UsageDaily,
    UsageEndpoints,
    LimitCounters,
    AuditEvents,
    Events,
    Deliveries,
}

impl CopyTable {
    pub const ALL: [CopyTable; 8] = [
        CopyTable::Keys,
        CopyTable::Requests,
        CopyTable::UsageDaily,
        CopyTable::UsageEndpoints,
        CopyTable::LimitCounters,
        CopyTable::AuditEvents,
        CopyTable::Events,
        CopyTable::Deliveries,
    ];

    /// The name in `migrate`'s output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CopyTable::Keys => "keys",
            CopyTable::Requests => "requests",
            CopyTable::UsageDaily => "daily_rollups",
            CopyTable::UsageEndpoints => "endpoint_rollups",
            CopyTable::LimitCounters => "limit_counters",
            CopyTable::AuditEvents => "audit_events",
            CopyTable::Events => "events",
            CopyTable::Deliveries => "deliveries",
        }
    }
}

/// One stored row as `keyctl migrate` moves it, sequence numbers included,
/// so that the copy orders, links and hashes exactly as the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyRecord {
    Key {
        seq: i64,
        key: Key,
        hash: SecretHash,
    },
    Request {
        seq: i64,
        request: RequestRecord,
    },
    Daily {
        key_id: String,
        day: i64,
        status: u16,
        count: u64,
    },
    Endpoint {
        key_id: String,
        day: i64,
        endpoint: String,
        count: u64,
    },
    Counter {
        scope: String,
        kind: String,
        counter: Counter,
    },
    Audit(AuditRow),
    Event(EventRow),
    Delivery(DeliveryRow),
}

/// The data operations every backend provides, inside a transaction.
pub trait Queries {
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
    /// Request counts of a key: all time, and since a UTC day (days since the epoch).
    fn request_totals(&mut self, key_id: &str, since_day: i64) -> Result<RequestTotals>;
    /// Adds one request row.
    fn insert_request(&mut self, r: &RequestRecord) -> Result<()>;
    /// Adds `n` to a key's rollup for a UTC day (days since the epoch) and status.
    fn add_daily(&mut self, key_id: &str, day: i64, status: u16, n: u64) -> Result<()>;
    /// Adds `n` to a key's rollup for a UTC day and endpoint.
    fn add_endpoint(&mut self, key_id: &str, day: i64, endpoint: &str, n: u64) -> Result<()>;
    /// Sets a key's `last_used_at`.
    fn set_last_used(&mut self, key_id: &str, at: Timestamp) -> Result<()>;
    /// A limit counter (`scope` is a key id or `*`).
    fn counter(&mut self, scope: &str, kind: &str) -> Result<Option<Counter>>;
    fn put_counter(&mut self, scope: &str, kind: &str, counter: Counter) -> Result<()>;
    /// A key's rollup rows `(day, status, count)` for days `from..=to`.
    fn daily_usage(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<(i64, u16, u64)>>;
    /// A key's most-used endpoints over days `from..=to`, most used first.
    fn top_endpoints(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
        limit: usize,
    ) -> Result<Vec<(String, u64)>>;
    /// A key's latest requests in `[since, until)`, newest first.
    fn recent_requests(
        &mut self,
        key_id: &str,
        since: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<RequestRecord>>;
    /// Per-key totals over days `from..=to`, for every key with requests,
    /// in any order (the caller sorts: sorting a million rows in memory is
    /// several times cheaper than SQLite's sorter).
    fn totals_by_key(&mut self, from_day: i64, to_day: i64) -> Result<Vec<KeyTotals>>;
    /// The sequence number and hash of the last audit entry.
    fn audit_tail(&mut self) -> Result<Option<(i64, String)>>;
    fn insert_audit(&mut self, row: &AuditRow) -> Result<()>;
    /// The number of chained events.
    fn audit_count(&mut self) -> Result<u64>;
    /// Chained events passing the filter, newest first, at most `limit`.
    /// (`actions` other than `request` filter events.)
    fn audit_events(&mut self, query: &AuditQuery) -> Result<Vec<AuditRow>>;
    /// Request entries of the trail passing the filter, newest first, at most
    /// `limit`: every recorded request except refused verifications, which
    /// their events represent.
    fn trail_requests(&mut self, query: &AuditQuery) -> Result<Vec<(i64, RequestRecord)>>;
    /// Streams every chained event in sequence order.
    fn for_each_audit(&mut self, f: &mut dyn FnMut(AuditRow) -> Result<()>) -> Result<()>;

    /// Adds an event to the outbox; returns its sequence number.
    fn insert_event(&mut self, event: &EventRow) -> Result<i64>;
    /// Whether an event id is taken.
    fn event_id_exists(&mut self, id: &str) -> Result<bool>;
    fn event_by_id(&mut self, id: &str) -> Result<Option<EventRow>>;
    fn event_by_seq(&mut self, seq: i64) -> Result<Option<EventRow>>;
    /// Events passing the filter, newest first, at most `limit`.
    fn events(&mut self, query: &EventQuery) -> Result<Vec<EventRow>>;
    /// Keys that are not revoked, expire at or before `until`, and have no
    /// event of type `expired_kind` for their present expiry.
    fn keys_awaiting_expiry_events(
        &mut self,
        until: Timestamp,
        expired_kind: &str,
    ) -> Result<Vec<Key>>;
    /// Whether `events scan` already recorded an event of `kind` for this
    /// key and expiry.
    fn scan_event_exists(
        &mut self,
        key_id: &str,
        kind: &str,
        expires_at: Timestamp,
    ) -> Result<bool>;
    /// Sets an event's state.
    fn set_event_state(&mut self, seq: i64, state: EventState) -> Result<()>;
    /// Derives an event's state from its deliveries: pending while one is
    /// pending, else dead if one is dead, else delivered (skipped if none).
    fn refresh_event_state(&mut self, seq: i64) -> Result<()>;
    /// An event's deliveries, by destination name.
    fn deliveries_of(&mut self, event_seq: i64) -> Result<Vec<DeliveryRow>>;
    /// Adds a delivery, or replaces the one for the same event and destination.
    fn put_delivery(&mut self, d: &DeliveryRow) -> Result<()>;
    /// The pending delivery due first at `now` (of one event, if given).
    fn next_due_delivery(
        &mut self,
        now: Timestamp,
        event_seq: Option<i64>,
    ) -> Result<Option<DeliveryRow>>;

    /// The number of rows of a table, for `migrate`'s progress and checks.
    fn copy_count(&mut self, table: CopyTable) -> Result<u64>;
    /// Streams every row of a table in its stored order (by sequence number
    /// where it has one).
    fn copy_out(
        &mut self,
        table: CopyTable,
        f: &mut dyn FnMut(CopyRecord) -> Result<()>,
    ) -> Result<()>;
    /// Adds a row exactly as given, sequence number included. A key's
    /// `rotated_from` and `replaced_by` are written by a later
    /// [`Queries::update_key`], once the keys they name exist.
    fn copy_in(&mut self, record: &CopyRecord) -> Result<()>;
    /// Ends a copy: sequences continue after the copied rows.
    fn copy_finish(&mut self) -> Result<()>;
}

/// The store: one backend, one transaction per operation.
pub struct Store {
    backend: Box<dyn Backend>,
}

impl Store {
    /// Opens the store `path` names (see [`Location::of`]): a SQLite file
    /// ([`sqlite::SqliteStore::open`]) or a PostgreSQL database
    /// ([`postgres::PostgresStore::open`]).
    pub fn open(path: &Path, access: Access) -> Result<Store> {
        Store::open_location(&Location::of(path), access)
    }

    /// Opens the store at `location`.
    pub fn open_location(location: &Location, access: Access) -> Result<Store> {
        let backend: Box<dyn Backend> = match location {
            Location::File(path) => Box::new(sqlite::SqliteStore::open(path, access)?),
            Location::Postgres(url) => postgres::PostgresStore::open(url, access)?,
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
}
