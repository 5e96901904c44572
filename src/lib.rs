//! keyctl: API keys in one local SQLite file, or in a PostgreSQL database
//! that many machines share.
//!
//! The crate is a library first; the `keyctl` binary is argument parsing and
//! rendering over it. A Rust service can create, list, revoke and rotate keys
//! and verify presented ones through [`Keyctl`], which ties a [`Store`] to the
//! settings ([`Config`]), the clock ([`Clock`], fixed by `KEYCTL_NOW`) and the
//! acting operator. A store is at a [`Location`]: a `&Path` is a SQLite file,
//! and text may also be a `postgres://` URL.
//!
//! ```
//! use keyctl::{Access, Clock, Config, Keyctl, NewKey, Scope, Store};
//!
//! # fn main() -> keyctl::Result<()> {
//! let path = std::env::temp_dir().join(format!("keyctl-doc-create-{}.db", std::process::id()));
//! # let _ = std::fs::remove_file(&path);
//! // `Access::Write` creates the store if it does not exist yet.
//! let store = Store::open(&path, Access::Write)?;
//! let config = Config::default();
//! let scope = Scope::parse("invoices:read", &config.catalog)?;
//! let mut kc = Keyctl::new(store, config, Clock::system(), "billing-service".into());
//!
//! let created = kc.create(NewKey::new("Billing sync", vec![scope]))?;
//! // The secret is available here, once; keyctl stores only its SHA-256.
//! assert!(created.secret.expose().starts_with("sk_live_"));
//! assert_eq!(kc.resolve(&created.key.prefix)?.id, created.key.id);
//! # drop(kc);
//! # for end in ["", "-wal", "-shm"] { let _ = std::fs::remove_file(format!("{}{end}", path.display())); }
//! # Ok(()) }
//! ```
//!
//! # Verifying in a service
//!
//! A service opens its store with [`Access::Existing`]: a store that does not
//! exist is [`Error::Missing`] instead of an empty store that would refuse
//! every key without a word. A presented key is checked against a request;
//! [`VerifyRequest::http`] derives the required scope from the method and
//! path, and records the request. Whatever the client sends is an outcome,
//! never an `Err`: a method that maps to no level (`FETCH`) or a path that
//! cannot be judged is refused as `INSUFFICIENT_SCOPE`, recorded and audited
//! ([`Verification::unjudgeable`] says why). An `Err` means the question could
//! not be answered (the store is unreadable): answer 503, never 200.
//!
//! ```
//! use keyctl::{Access, Clock, Config, Keyctl, NewKey, Outcome, Scope, Store, VerifyRequest};
//!
//! # fn main() -> keyctl::Result<()> {
//! let path = std::env::temp_dir().join(format!("keyctl-doc-verify-{}.db", std::process::id()));
//! # let _ = std::fs::remove_file(&path);
//! assert!(matches!(Store::open(&path, Access::Existing), Err(keyctl::Error::Missing(_))));
//! # let store = Store::open(&path, Access::Write)?;
//! # let mut admin = Keyctl::new(store, Config::default(), Clock::system(), "ops".into());
//! # let write = Scope::parse("invoices:write", &admin.config().catalog)?;
//! # let presented = admin.create(NewKey::new("Billing sync", vec![write]))?.secret.expose().to_owned();
//! // The store was made by an operator (`keyctl create`) with an invoices:write key.
//! let store = Store::open(&path, Access::Existing)?;
//! let mut kc = Keyctl::new(store, Config::default(), Clock::system(), "api".into());
//!
//! let v = kc.verify(&presented, &VerifyRequest::http("GET", "/v1/invoices/42"))?;
//! assert_eq!(v.outcome, Outcome::Valid); // invoices:write satisfies invoices:read
//! assert_eq!(v.outcome.http_status(), 200);
//!
//! let delete = VerifyRequest::http("DELETE", "/v1/invoices/42"); // needs invoices:admin
//! assert_eq!(kc.verify(&presented, &delete)?.outcome, Outcome::InsufficientScope);
//! let fetch = kc.verify(&presented, &VerifyRequest::http("FETCH", "/v1/invoices"))?;
//! assert_eq!(fetch.outcome, Outcome::InsufficientScope);
//! assert!(fetch.unjudgeable.is_some());
//! assert_eq!(kc.verify("sk_live_typo", &VerifyRequest::default())?.outcome, Outcome::Malformed);
//! # drop((kc, admin));
//! # for end in ["", "-wal", "-shm"] { let _ = std::fs::remove_file(format!("{}{end}", path.display())); }
//! # Ok(()) }
//! ```
//!
//! # Many threads
//!
//! [`Keyctl`] is `Send` but not `Sync`: it owns one connection to the store,
//! and a SQLite connection serves one thread at a time. A server keeps an
//! [`Opener`] (`Clone + Send + Sync`, holding the location, settings, clock
//! and operator but no connection) and makes its `Keyctl`s with
//! [`Opener::open`], each kept and reused, never one per request. Two shapes
//! work, with the same results: one `Arc<Mutex<Keyctl>>` shared by every
//! thread, or a `Keyctl` per worker (or per slot of a pool such as r2d2 or
//! deadpool). A recorded verification is a short write, and SQLite lets one
//! writer at a time into a file whatever the number of connections, so in
//! one process the mutex is as fast or faster (waiting connections sleep in
//! SQLite's busy handler; a mutex wakes the next thread at once); a
//! `Keyctl` per worker lets unrecorded checks use more cores and is what a
//! pool needs. Either way limits stay exact, because each write takes the
//! store's lock before it reads a counter. On PostgreSQL each `Keyctl` is
//! one database connection, and writes queue on an advisory lock.
//!
//! ```
//! use keyctl::{Access, Clock, Config, NewKey, Opener, Outcome, Scope, VerifyRequest};
//!
//! # fn main() -> keyctl::Result<()> {
//! let path = std::env::temp_dir().join(format!("keyctl-doc-threads-{}.db", std::process::id()));
//! # let _ = std::fs::remove_file(&path);
//! let opener = Opener::new(&path, Config::default(), Clock::system(), "api");
//! # let mut admin = opener.clone().with_access(Access::Write).open()?;
//! # let secret = admin.create(NewKey::new("Worker", vec![Scope::All]))?.secret.expose().to_owned();
//! let workers: Vec<_> = (0..4)
//!     .map(|_| {
//!         let opener = opener.clone();
//!         let secret = secret.clone();
//!         std::thread::spawn(move || -> keyctl::Result<usize> {
//!             let mut kc = opener.open()?; // one Keyctl per worker, kept for its lifetime
//!             let request = VerifyRequest::http("GET", "/v1/invoices");
//!             let mut valid = 0;
//!             for _ in 0..10 {
//!                 valid += usize::from(kc.verify(&secret, &request)?.outcome == Outcome::Valid);
//!             }
//!             Ok(valid)
//!         })
//!     })
//!     .collect();
//! let mut valid = 0;
//! for w in workers {
//!     valid += w.join().expect("a worker panicked")?;
//! }
//! assert_eq!(valid, 40);
//! # drop(admin);
//! # for end in ["", "-wal", "-shm"] { let _ = std::fs::remove_file(format!("{}{end}", path.display())); }
//! # Ok(()) }
//! ```
//!
//! # Usage reports and the audit trail
//!
//! Every recorded verification counts in the key's usage; every refusal and
//! every change is in the hash-chained audit trail.
//!
//! ```
//! use keyctl::{Access, AuditFilter, Clock, Config, Keyctl, NewKey, Scope, Store};
//! use keyctl::{TrailEntry, VerifyRequest, usage::Window};
//!
//! # fn main() -> keyctl::Result<()> {
//! # let path = std::env::temp_dir().join(format!("keyctl-doc-trail-{}.db", std::process::id()));
//! # let _ = std::fs::remove_file(&path);
//! # let store = Store::open(&path, Access::Write)?;
//! let mut kc = Keyctl::new(store, Config::default(), Clock::system(), "api".into());
//! let key = kc.create(NewKey::new("Reports", vec![Scope::All]))?;
//! kc.verify(key.secret.expose(), &VerifyRequest::http("GET", "/v1/invoices"))?;
//! kc.verify(key.secret.expose(), &VerifyRequest::http("FETCH", "/v1/invoices"))?;
//!
//! let window = Window::last_days(kc.now(), 30);
//! let report = kc.usage(&key.key.id, window, 10)?; // a key by id, prefix or name
//! assert_eq!((report.total, report.errors), (2, 1));
//! let totals = kc.usage_all(window)?; // every key, busiest first
//! assert_eq!(totals[0].requests, 2);
//!
//! // The newest 50 entries (AuditFilter::default()), narrowed to this key.
//! let filter = AuditFilter { key: Some(key.key.id.clone()), ..AuditFilter::default() };
//! for entry in kc.audit(&filter)? {
//!     match entry {
//!         TrailEntry::Event(e) => println!("{} {} by {}", e.ts, e.action, e.actor),
//!         TrailEntry::Request { request, .. } => println!("{} {:?}", request.ts, request.path),
//!     }
//! }
//! let chain = kc.audit_verify(None)?; // SPEC §8: an edited or deleted entry is found
//! assert!(chain.broken.is_none());
//! # drop(kc);
//! # for end in ["", "-wal", "-shm"] { let _ = std::fs::remove_file(format!("{}{end}", path.display())); }
//! # Ok(()) }
//! ```
//!
//! # Features
//!
//! `cli` (the `keyctl` command line), `postgres` (PostgreSQL stores) and
//! `webhooks` (delivery of events to `[[webhooks]]` URLs) are on by default.
//! A service that only needs the library depends on
//! `keyctl = { version = "0.1", default-features = false }`, adding
//! `features = ["postgres"]` for a shared database.
//!
//! Modules: [`secret`] (the secret format, and finding secrets in text),
//! [`key`] (the key record and the checks on its fields), [`scope`] (scopes
//! and the catalog), [`limits`] (rate limits, quotas, plans), [`time`] (clock
//! and parsers), [`text`] (terminal-safe escaping), [`store`]
//! (the storage boundary), [`audit`] (the hash-chained trail), [`verify`]
//! (outcomes, limits, recording), [`usage`] (rollups, reports, ingest),
//! [`migrate`] (copying a store to another backend).

pub mod audit;
#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod error;
pub mod events;
pub mod http_answer;
pub mod key;
mod keyctl;
pub mod limits;
pub mod migrate;
pub mod request_path;
pub mod role;
pub mod scan;
pub mod scope;
pub mod secret;
pub mod store;
pub mod text;
pub mod time;
pub mod usage;
pub mod verify;

pub use audit::{AuditFilter, TrailEntry};
pub use config::{Config, EnvVars};
pub use error::{Error, Result};
pub use key::{Key, Status};
pub use keyctl::{
    Created, KeyChanges, KeyDetails, Keyctl, ListFilter, MAX_GRACE, NewKey, Opener, Presented,
    Revoked, RoleChange, Rotated, Seeding, Updated,
};
#[cfg(feature = "tower")]
pub use keyctl::{KeyAuth, KeyAuthLayer};
pub use limits::{Plan, Quota, RateLimit};
pub use scope::{Catalog, Level, Scope, ScopeSet};
pub use secret::{Environment, Secret, SecretHash};
pub use store::{Access, KeyTotals, Location, Store};
pub use time::{Clock, Timestamp};
pub use usage::{IngestSummary, UsageReport, Window};
pub use verify::{Outcome, Verification, VerifyRequest};
