//! keyctl: API keys in one local SQLite file, or in a PostgreSQL database
//! that many machines share (`Store::open` takes a path or a `postgres://` URL).
//!
//! The crate is a library first; the `keyctl` binary is argument parsing and
//! rendering over it. A Rust service can create, list, revoke and rotate keys
//! through [`Keyctl`], which ties a [`Store`] to the settings ([`Config`]),
//! the clock ([`Clock`], fixed by `KEYCTL_NOW`) and the acting operator.
//!
//! ```
//! use keyctl::{Clock, Config, Keyctl, NewKey, Scope, Store, store::Access};
//!
//! # fn main() -> keyctl::Result<()> {
//! let dir = tempfile::tempdir().unwrap();
//! let store = Store::open(&dir.path().join("keys.db"), Access::Write)?;
//! let config = Config::default();
//! let scope = Scope::parse("invoices:read", &config.catalog)?;
//! let mut kc = Keyctl::new(store, config, Clock::system(), "billing-service".into());
//!
//! let created = kc.create(NewKey::new("Billing sync", vec![scope]))?;
//! // The secret is available here, once; keyctl stores only its SHA-256.
//! assert!(created.secret.expose().starts_with("sk_live_"));
//! assert_eq!(kc.resolve(&created.key.prefix)?.id, created.key.id);
//! # Ok(()) }
//! ```
//!
//! Verifying a presented key in-process, with its request recorded:
//!
//! ```
//! use keyctl::{Clock, Config, Keyctl, NewKey, Outcome, Scope, Store, VerifyRequest, store::Access};
//!
//! # fn main() -> keyctl::Result<()> {
//! # let dir = tempfile::tempdir().unwrap();
//! # let store = Store::open(&dir.path().join("keys.db"), Access::Write)?;
//! let config = Config::default();
//! let write = Scope::parse("invoices:write", &config.catalog)?;
//! # let mut kc = Keyctl::new(store, config, Clock::system(), "api".into());
//! let created = kc.create(NewKey::new("Billing sync", vec![write]))?;
//! let presented = created.secret.expose().to_owned(); // what a client sends
//!
//! let request = VerifyRequest {
//!     method: Some("GET".into()),
//!     path: Some("/v1/invoices/42".into()), // derives invoices:read
//!     record: true,
//!     ..VerifyRequest::default()
//! };
//! let v = kc.verify(&presented, &request)?;
//! assert_eq!(v.outcome, Outcome::Valid);
//! assert_eq!(v.outcome.http_status(), 200);
//!
//! let delete = VerifyRequest { method: Some("DELETE".into()), ..request };
//! assert_eq!(kc.verify(&presented, &delete)?.outcome, Outcome::InsufficientScope);
//! assert_eq!(kc.verify("sk_live_typo", &VerifyRequest::default())?.outcome, Outcome::Malformed);
//! # Ok(()) }
//! ```
//!
//! Modules: [`secret`] (the secret format, and finding secrets in text),
//! [`key`] (the key record and the checks on its fields), [`scope`] (scopes
//! and the catalog), [`limits`] (rate limits, quotas, plans), [`time`] (clock
//! and parsers), [`text`] (terminal-safe escaping), [`store`]
//! (the storage boundary), [`audit`] (the hash-chained trail), [`verify`]
//! (outcomes, limits, recording), [`usage`] (rollups, reports, ingest),
//! [`migrate`] (copying a store to another backend).

pub mod audit;
pub mod cli;
pub mod config;
pub mod error;
pub mod events;
pub mod key;
pub mod keyctl;
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

pub use config::{Config, EnvVars};
pub use error::{Error, ExitCode, Result};
pub use key::{Key, Status};
pub use keyctl::{
    Created, KeyChanges, KeyDetails, Keyctl, ListFilter, NewKey, Revoked, Rotated, Updated,
};
pub use limits::{Plan, Quota, RateLimit};
pub use scope::{Catalog, Level, Scope, ScopeSet};
pub use secret::{Environment, Secret, SecretHash};
pub use store::Store;
pub use time::{Clock, Timestamp};
pub use usage::{IngestSummary, UsageReport, Window};
pub use verify::{Outcome, Verification, VerifyRequest};
