//! The backends under test, and the sample rows the tests store.
//!
//! [`each_backend`] runs a test once per backend on a fresh, empty store and
//! prints which backend it is about to run, so a failure's captured output
//! names the backend that failed.

use std::collections::BTreeMap;

use keyctl::limits::Period;
use keyctl::store::{Access, Location, RequestRecord, Source};
use keyctl::time::from_unix;
use keyctl::{Environment, Key, Quota, RateLimit, Scope, ScopeSet, Store, Timestamp};

/// A backend the suite runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite, and PostgreSQL when `KEYCTL_TEST_BACKEND=postgres`.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if crate::cluster::enabled() {
        all.push(Backend::Postgres);
    }
    all
}

/// An empty store, open for writing, and what keeps it alive.
pub struct Fresh {
    pub store: Store,
    /// The SQLite file's folder, removed on drop.
    _dir: Option<tempfile::TempDir>,
}

/// A new, empty store on `backend`.
pub fn fresh(backend: Backend) -> Fresh {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let location = Location::File(dir.path().join("keys.db"));
            Fresh {
                store: Store::open_location(&location, Access::Write).expect("open SQLite"),
                _dir: Some(dir),
            }
        }
        Backend::Postgres => {
            let location = Location::Postgres(crate::cluster::fresh_database());
            Fresh {
                store: Store::open_location(&location, Access::Write).expect("open PostgreSQL"),
                _dir: None,
            }
        }
    }
}

/// Runs `test` on a fresh store of every backend under test.
pub fn each_backend(mut test: impl FnMut(&mut Store)) {
    for backend in backends() {
        eprintln!("on {backend:?}");
        let mut fresh = fresh(backend);
        test(&mut fresh.store);
    }
}

/// An instant `secs` seconds into the suite's day (2026-11-23 00:00 UTC).
pub fn at(secs: i64) -> Timestamp {
    from_unix(1_795_392_000 + secs)
}

/// The UTC day of [`at`], in days since the epoch.
pub const DAY: i64 = 1_795_392_000 / 86_400;

/// A plain active live key, created at `at(created)`; `n` makes its id,
/// name, prefix and hash unique.
pub fn key(n: u32, created: i64) -> Key {
    Key {
        id: format!("key_{n:010}"),
        name: format!("key number {n}"),
        description: None,
        environment: Environment::Live,
        scopes: ScopeSet::from_stored("invoices:read").expect("scope"),
        prefix: format!("sk_live_{n:08}"),
        created_at: at(created),
        created_by: "alice".into(),
        expires_at: None,
        last_used_at: None,
        revoked_at: None,
        revoked_by: None,
        revoke_reason: None,
        rotated_from: None,
        replaced_by: None,
        rate_limit: None,
        quota: None,
        metadata: BTreeMap::new(),
    }
}

/// A key with every optional field set, so that a round trip through the
/// store checks each column.
pub fn full_key(n: u32) -> Key {
    Key {
        description: Some("syncs invoices, nightly ✓".into()),
        environment: Environment::Test,
        scopes: ScopeSet::new([
            Scope::parse_unchecked("invoices:write").expect("scope"),
            Scope::parse_unchecked("customers:read").expect("scope"),
        ]),
        expires_at: Some(at(86_400 * 30)),
        last_used_at: Some(at(60)),
        revoked_at: Some(at(120)),
        revoked_by: Some("bob".into()),
        revoke_reason: Some("leaked in a log".into()),
        rate_limit: Some(RateLimit {
            count: 100,
            window_secs: 60,
        }),
        quota: Some(Quota {
            count: 50_000,
            period: Period::Month,
        }),
        metadata: BTreeMap::from([
            ("team".to_owned(), "billing".to_owned()),
            ("ticket".to_owned(), "OPS-42".to_owned()),
        ]),
        ..key(n, 0)
    }
}

/// The hash stored for key `n`.
pub fn hash(n: u32) -> keyctl::SecretHash {
    keyctl::SecretHash::of(&format!("secret number {n}"))
}

/// A request of `key` at `at(secs)` with `status`, recorded by `verify`
/// with the outcome that status means.
pub fn request(key: Option<&str>, secs: i64, status: u16) -> RequestRecord {
    RequestRecord {
        key_id: key.map(str::to_owned),
        ts: at(secs),
        method: Some("GET".into()),
        path: Some("/v1/invoices/42".into()),
        status,
        duration_ms: Some(12),
        ip: Some("203.0.113.7".into()),
        user_agent: Some("curl/8.0".into()),
        outcome: Some(if status == 200 { "VALID" } else { "REVOKED" }.into()),
        source: Source::Verify,
        actor: Some("alice".into()),
    }
}
