//! Item 4: every write takes the write lock when its transaction begins,
//! and every operation is one transaction.
//!
//! The library runs over a probing backend that wraps the SQLite one. Each
//! time a transaction begins, the probe opens a second connection with no
//! busy timeout and tries to write: while a write transaction is open that
//! must fail with `SQLITE_BUSY` at once (the lock was taken by `BEGIN
//! IMMEDIATE`, not on the first write inside it), and while a read
//! transaction is open it must succeed (reads never block writers). The
//! probe also counts the transactions of each operation (the first one also
//! reads the operator's role grants, once per `Keyctl`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keyctl::audit::AuditFilter;
use keyctl::store::sqlite::SqliteStore;
use keyctl::store::{Access, Backend, Transaction, TxKind};
use keyctl::{
    Clock, Config, KeyChanges, Keyctl, ListFilter, NewKey, Scope, Store, VerifyRequest, Window,
};
use rusqlite::ErrorCode;

/// What the probe saw when a transaction began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Began {
    /// A write transaction; `true` if another connection could not write.
    Write { others_locked_out: bool },
    /// A read transaction; `true` if another connection could still write.
    Read { others_can_write: bool },
}

struct Probe {
    inner: SqliteStore,
    path: PathBuf,
    /// Shared with the test; an `Arc` because a backend must be `Send`.
    log: Arc<Mutex<Vec<Began>>>,
}

/// Whether a second connection, not waiting at all, can write now.
fn other_can_write(path: &Path) -> bool {
    let other = rusqlite::Connection::open(path).unwrap();
    other.busy_timeout(Duration::ZERO).unwrap();
    match other
        .execute_batch("BEGIN IMMEDIATE; UPDATE limit_counters SET count = count WHERE 0; COMMIT;")
    {
        Ok(()) => true,
        Err(e) => {
            assert_eq!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy), "{e}");
            false
        }
    }
}

impl Backend for Probe {
    fn begin(&mut self, kind: TxKind) -> keyctl::Result<Box<dyn Transaction + '_>> {
        let tx = self.inner.begin(kind)?;
        let can_write = other_can_write(&self.path);
        self.log.lock().unwrap().push(match kind {
            TxKind::Write(_) => Began::Write {
                others_locked_out: !can_write,
            },
            // A single query with no explicit transaction reads like one.
            TxKind::Read | TxKind::Autocommit => Began::Read {
                others_can_write: can_write,
            },
        });
        Ok(tx)
    }
}

#[test]
fn writes_lock_at_begin_and_every_operation_is_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probe.db");
    let log = Arc::new(Mutex::new(Vec::new()));
    let probe = Probe {
        inner: SqliteStore::open(&path, Access::Write).unwrap(),
        path: path.clone(),
        log: Arc::clone(&log),
    };
    let config = Config::default();
    let now = keyctl::time::from_unix(1_795_000_000);
    let mut kc = Keyctl::new(
        Store::with_backend(Box::new(probe)),
        config.clone(),
        Clock::fixed(now),
        "alice".into(),
    );
    let scope = Scope::parse("invoices:write", &config.catalog).unwrap();
    let mut secret = String::new();
    let mut id = String::new();
    let recorded = VerifyRequest {
        record: true,
        ..VerifyRequest::default()
    };

    type Step<'a> = (&'a str, usize, usize);
    let mut steps: Vec<Step<'_>> = Vec::new();
    let mut run =
        |name: &'static str, writes: usize, reads: usize, f: &mut dyn FnMut(&mut Keyctl)| {
            log.lock().unwrap().clear();
            f(&mut kc);
            let seen = log.lock().unwrap().clone();
            let w = seen
                .iter()
                .filter(|b| matches!(b, Began::Write { .. }))
                .count();
            assert_eq!(
                (w, seen.len() - w),
                (writes, reads),
                "{name}: transactions {seen:?}"
            );
            for b in &seen {
                match b {
                    Began::Write { others_locked_out } => {
                        assert!(others_locked_out, "{name}: a write began without the lock");
                    }
                    Began::Read { others_can_write } => {
                        assert!(others_can_write, "{name}: a read blocked writers");
                    }
                }
            }
            steps.push((name, writes, reads));
        };

    // The first operation of a `Keyctl` also reads the operator's grants,
    // once, in a read of its own; every later one is a single transaction.
    run("create (and the grants, once)", 1, 1, &mut |kc| {
        let c = kc.create(NewKey::new("k", vec![scope.clone()])).unwrap();
        secret = c.secret.expose().to_owned();
        id = c.key.id;
    });
    let key = id.clone();
    run("update", 1, 0, &mut |kc| {
        let changes = KeyChanges {
            description: Some(Some("d".into())),
            ..KeyChanges::default()
        };
        kc.update(&key, &changes).unwrap();
    });
    run("verify (recorded)", 1, 0, &mut |kc| {
        assert!(kc.verify(&secret, &recorded).unwrap().outcome.is_valid());
    });
    run("verify (malformed, recorded)", 1, 0, &mut |kc| {
        kc.verify("sk_live_bad", &recorded).unwrap();
    });
    run("verify --no-record", 0, 1, &mut |kc| {
        kc.verify(&secret, &VerifyRequest::default()).unwrap();
    });
    let log_line = format!("{{\"key\":\"{key}\",\"ts\":1795000000,\"status\":200}}\n");
    run("ingest (check, then one write)", 1, 1, &mut |kc| {
        let mut input = log_line.as_bytes();
        kc.ingest(&mut input, "-", &mut |_| {}).unwrap();
    });
    run("list", 0, 1, &mut |kc| {
        kc.list(&ListFilter::default(), |_| Ok(())).unwrap();
    });
    run("show", 0, 1, &mut |kc| {
        kc.show(&key).unwrap();
    });
    run("usage", 0, 1, &mut |kc| {
        kc.usage(&key, Window::last_days(now, 30), 10).unwrap();
    });
    run("audit", 0, 1, &mut |kc| {
        let filter = AuditFilter {
            limit: 10,
            ..AuditFilter::default()
        };
        kc.audit(&filter).unwrap();
    });
    run("audit verify", 0, 1, &mut |kc| {
        assert!(kc.audit_verify(None).unwrap().intact());
    });
    run("rotate", 1, 0, &mut |kc| {
        let r = kc.rotate(&key, None).unwrap();
        id = r.new.id;
    });
    let new = id.clone();
    run("revoke", 1, 0, &mut |kc| {
        kc.revoke(&new, Some("done")).unwrap();
    });
    run("a refused change writes nothing", 1, 0, &mut |kc| {
        kc.update(
            &new,
            &KeyChanges {
                name: Some("x".into()),
                ..KeyChanges::default()
            },
        )
        .unwrap_err();
    });
    assert_eq!(steps.len(), 14);
}
