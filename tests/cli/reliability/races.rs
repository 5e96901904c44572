//! Items 5–8: many keyctl processes on one file at once.
//!
//! - 5, contention: 32 workers each run recorded verifications of one key
//!   one after another; the usage count is exactly the number run and none
//!   fails with "database is locked" or `SQLITE_BUSY`.
//! - 6, limit races: with a plan of 10 keys, 50 concurrent creates from zero
//!   keys make exactly 10; concurrent verifiers of a rate-limited key get
//!   exactly the limit's number of `VALID`, for the key's own limit and for
//!   the plan's per-key limit.
//! - 7, first open: 64 processes started at once on a database that does not
//!   exist yet all succeed; the file is in WAL mode and migrated once.
//! - 8, rotation and revocation: 20 concurrent rotations of one key make
//!   exactly one successor and no orphaned row; a verification that starts
//!   after a revocation has returned never succeeds.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keyctl::store::Access;
use keyctl::{Clock, Config, Keyctl, NewKey, Outcome, Scope, Store, VerifyRequest};
use serde_json::Value;

use crate::support::{Dice, Run, Sandbox, finish, open_db, scaled, spawn};

/// No process may report lock contention: it must have waited instead.
fn assert_no_lock_error(r: &Run) {
    let e = r.stderr.to_ascii_lowercase();
    assert!(
        !e.contains("locked") && !e.contains("busy"),
        "lock contention reached the user: {}",
        r.stderr
    );
}

/// Runs every command at once and returns what each did, in order.
fn all_at_once(s: &Sandbox, commands: &[(Vec<String>, Option<String>)]) -> Vec<Run> {
    let children: Vec<_> = commands
        .iter()
        .map(|(args, input)| {
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            spawn(s, &argv, input.as_deref())
        })
        .collect();
    let runs: Vec<Run> = children.into_iter().map(finish).collect();
    for r in &runs {
        assert_no_lock_error(r);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
    runs
}

fn args(v: &[&str]) -> Vec<String> {
    v.iter().map(|a| (*a).to_owned()).collect()
}

fn json(s: &Sandbox, a: &[&str]) -> Value {
    serde_json::from_str(&s.ok(a)).unwrap()
}

#[test]
fn contended_verifications_are_all_counted() {
    if crate::support::sqlite_only(
        "counts request rows in the SQLite file; tests/cli/postgres.rs races 16 x 100 verifications on PostgreSQL",
    ) {
        return;
    }
    let workers = 32;
    let each = scaled(15, 200);
    let s = Arc::new(Sandbox::new());
    let (id, secret) = s.create("busy", &[]);
    let started = Instant::now();
    let threads: Vec<_> = (0..workers)
        .map(|_| {
            let s = Arc::clone(&s);
            let input = format!("{secret}\n");
            std::thread::spawn(move || {
                for _ in 0..each {
                    let r = finish(spawn(
                        &s,
                        &["verify", "-q", "--path", "/v1/invoices", "--method", "GET"],
                        Some(&input),
                    ));
                    assert_no_lock_error(&r);
                    assert_eq!((r.code, r.stdout.as_str()), (0, "VALID\n"), "{}", r.stderr);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let total = workers * each;
    let v = json(&s, &["show", &id, "--format", "json"]);
    assert_eq!(v["usage"]["requests_total"], total);
    let rows: i64 = open_db(&s.db())
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, total as i64);
    eprintln!(
        "contention: {workers} workers x {each} verifications = {total} counted, none refused, in {:.1?}",
        started.elapsed()
    );
}

#[test]
fn concurrent_creates_never_overshoot_the_plan() {
    let rounds = scaled(4, 20);
    for round in 0..rounds {
        let s = Sandbox::new();
        s.config("plan = \"pro\"\n");
        if round % 2 == 1 {
            // Half the rounds start from an existing file with no active key.
            let (id, _) = s.create("gone", &[]);
            s.ok(&["revoke", &id, "--yes"]);
        }
        let commands: Vec<_> = (0..50)
            .map(|i| {
                let name = format!("c{i}");
                (
                    args(&["create", "--name", &name, "--scope", "invoices:read", "-q"]),
                    None,
                )
            })
            .collect();
        let runs = all_at_once(&s, &commands);
        let made = runs.iter().filter(|r| r.code == 0).count();
        let refused = runs
            .iter()
            .filter(|r| r.code == 5 && r.stderr.contains("plan 'pro' allows 10 active keys"))
            .count();
        assert_eq!((made, refused), (10, 40), "round {round}: {runs:?}");
        let active = json(&s, &["list", "--format", "json"]);
        assert_eq!(active.as_array().unwrap().len(), 10, "round {round}");
    }
    eprintln!("plan race: {rounds} rounds of 50 creates, exactly 10 made each time");
}

#[test]
fn concurrent_verifiers_never_overshoot_a_rate_limit() {
    let rounds = scaled(3, 20);
    let s = Sandbox::new();
    s.config("plan = \"pro\"\n[plans.pro]\nrate_limit = \"7/min\"\n");
    let (_, own) = s.create("own", &["--rate-limit", "5/min"]);
    let (_, planned) = s.create("planned", &[]);
    let mut s = s;
    for round in 0..rounds {
        // A new minute each round: a fresh window.
        s.set("KEYCTL_NOW", &format!("2026-11-23T13:{round:02}:30Z"));
        for (secret, limit) in [(&own, 5), (&planned, 7)] {
            let commands: Vec<_> = (0..30)
                .map(|_| (args(&["verify", "-q"]), Some(format!("{secret}\n"))))
                .collect();
            let runs = all_at_once(&s, &commands);
            let valid = runs.iter().filter(|r| r.stdout == "VALID\n").count();
            let limited = runs
                .iter()
                .filter(|r| r.stdout == "RATE_LIMITED\n" && r.code == 5)
                .count();
            assert_eq!((valid, limited), (limit, 30 - limit), "round {round}");
        }
    }
    eprintln!("rate-limit race: {rounds} rounds of 30 verifiers on a 5/min and a 7/min key");
}

#[test]
fn sixty_four_first_opens_migrate_once() {
    if crate::support::sqlite_only(
        "checks the SQLite file's journal mode and schema; tests/cli/postgres.rs races first migrations on PostgreSQL",
    ) {
        return;
    }
    let rounds = scaled(3, 20);
    let mut expected = rusqlite::Connection::open_in_memory().unwrap();
    {
        let tx = expected.transaction().unwrap();
        keyctl::store::sqlite::apply_migrations(&tx, 0, keyctl::store::sqlite::latest_version())
            .unwrap();
        tx.commit().unwrap();
    }
    let schema = |c: &rusqlite::Connection| -> Vec<(String, String)> {
        let mut stmt = c
            .prepare("SELECT type, name FROM sqlite_schema ORDER BY type, name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let expected_schema = schema(&expected);
    for round in 0..rounds {
        let s = Sandbox::new();
        assert!(!s.db().exists());
        let commands: Vec<_> = (0..64)
            .map(|i| {
                if i % 8 == 7 {
                    (args(&["ingest", "-"]), Some(String::new()))
                } else {
                    let name = format!("c{i}");
                    (
                        args(&["create", "--name", &name, "--scope", "invoices:read", "-q"]),
                        None,
                    )
                }
            })
            .collect();
        let runs = all_at_once(&s, &commands);
        for r in &runs {
            assert_eq!(r.code, 0, "round {round}: {}", r.stderr);
        }
        let c = open_db(&s.db());
        let mode: String = c
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal", "round {round}");
        let version: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, keyctl::store::sqlite::latest_version());
        assert_eq!(schema(&c), expected_schema, "round {round}");
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        let keys: i64 = c
            .query_row("SELECT count(*) FROM keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(keys, 56);
        assert_eq!(s.run(&["audit", "verify"]).code, 0);
    }
    eprintln!("first open: {rounds} rounds of 64 processes on a new file, none failed");
}

#[test]
fn twenty_concurrent_rotations_make_one_successor() {
    if crate::support::sqlite_only("checks links in the SQLite file directly") {
        return;
    }
    let rounds = scaled(3, 20);
    for round in 0..rounds {
        let s = Sandbox::new();
        let (id, _) = s.create("rotated", &[]);
        let grace = round % 2 == 0;
        let commands: Vec<_> = (0..20)
            .map(|_| {
                let mut a = args(&["rotate", &id, "--yes", "-q"]);
                if grace {
                    a.extend(args(&["--grace", "1h"]));
                }
                (a, None)
            })
            .collect();
        let runs = all_at_once(&s, &commands);
        let won: Vec<&Run> = runs.iter().filter(|r| r.code == 0).collect();
        assert_eq!(won.len(), 1, "round {round}: {runs:?}");
        for r in runs.iter().filter(|r| r.code != 0) {
            assert_eq!(r.code, 1);
            assert!(
                r.stderr.contains("already rotated") || r.stderr.contains("is revoked"),
                "{}",
                r.stderr
            );
        }
        let c = open_db(&s.db());
        let rows: Vec<(String, Option<String>, Option<String>)> = {
            let mut stmt = c
                .prepare("SELECT id, rotated_from, replaced_by FROM keys ORDER BY seq")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert_eq!(rows.len(), 2, "round {round}: {rows:?}");
        assert_eq!(rows[0].0, id);
        assert_eq!(rows[0].2.as_deref(), Some(rows[1].0.as_str()));
        assert_eq!(rows[1].1.as_deref(), Some(id.as_str()));
        let events: i64 = c
            .query_row(
                "SELECT count(*) FROM audit_events WHERE action = 'key.rotated'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(events, 1);
        assert_eq!(s.run(&["audit", "verify"]).code, 0);
    }
    eprintln!("rotation race: {rounds} rounds of 20 rotations, one successor each");
}

/// One store connection of its own, as a separate process would have.
fn keyctl_on(path: &std::path::Path) -> Keyctl {
    let store = Store::open(path, Access::Write).unwrap();
    Keyctl::new(
        store,
        Config::default(),
        Clock::fixed(keyctl::time::from_unix(1_795_000_000)),
        "race".into(),
    )
}

#[test]
fn no_verification_after_a_revoke_succeeds() {
    let races = scaled(300, 1000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.db");
    let mut admin = keyctl_on(&path);
    let scope = Scope::parse("invoices:read", &Config::default().catalog).unwrap();
    let mut dice = Dice::new("revoke/verify races");
    let (mut late, mut early_valid) = (0usize, 0usize);
    for race in 0..races {
        let created = admin
            .create(NewKey::new(format!("r{race}"), vec![scope.clone()]))
            .unwrap();
        let secret = created.secret.expose().to_owned();
        let revoked_at: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        // Two verifiers, one recording and one not, each on its own connection.
        let verifiers: Vec<_> = [true, false]
            .into_iter()
            .map(|record| {
                let (path, secret) = (path.clone(), secret.clone());
                let (revoked_at, stop) = (Arc::clone(&revoked_at), Arc::clone(&stop));
                std::thread::spawn(move || {
                    let mut kc = keyctl_on(&path);
                    let request = VerifyRequest {
                        record,
                        ..VerifyRequest::default()
                    };
                    let mut seen = Vec::new();
                    let mut after = 0;
                    while after < 3 {
                        // Read the revoke's completion before starting.
                        let revoked_before_start = revoked_at.lock().unwrap().is_some();
                        let outcome = kc.verify(&secret, &request).unwrap().outcome;
                        seen.push((revoked_before_start, outcome));
                        if stop.load(Ordering::Acquire) {
                            after += 1;
                        }
                    }
                    seen
                })
            })
            .collect();
        std::thread::sleep(Duration::from_micros(dice.below(3000)));
        admin.revoke(&created.key.id, None).unwrap();
        *revoked_at.lock().unwrap() = Some(Instant::now());
        stop.store(true, Ordering::Release);
        for v in verifiers {
            for (revoked_before_start, outcome) in v.join().unwrap() {
                if revoked_before_start {
                    late += 1;
                    assert_eq!(outcome, Outcome::Revoked, "race {race}");
                } else if outcome == Outcome::Valid {
                    early_valid += 1;
                }
            }
        }
    }
    assert!(early_valid > 0, "no verification ever ran before a revoke");
    eprintln!(
        "revoke/verify: {races} races, {late} verifications after the revoke all REVOKED, {early_valid} VALID before it"
    );
}

#[test]
fn no_verify_process_after_a_revoke_process_succeeds() {
    let races = scaled(15, 200);
    let s = Sandbox::new();
    let mut dice = Dice::new("process revoke/verify races");
    let mut late = 0;
    for race in 0..races {
        let (id, secret) = s.create(&format!("r{race}"), &[]);
        let input = format!("{secret}\n");
        let early = spawn(&s, &["verify", "-q"], Some(&input));
        std::thread::sleep(Duration::from_millis(dice.below(15)));
        let revoke = spawn(&s, &["revoke", &id, "--yes", "-q"], None);
        let during = spawn(&s, &["verify", "-q"], Some(&input));
        let r = finish(revoke);
        assert_eq!(r.code, 0, "{}", r.stderr);
        // Started after the revoke returned: must be refused.
        for record in [true, false] {
            let mut a = vec!["verify", "-q"];
            if !record {
                a.push("--no-record");
            }
            let after = finish(spawn(&s, &a, Some(&input)));
            assert_eq!(after.stdout, "REVOKED\n", "race {race}");
            late += 1;
        }
        for r in [finish(early), finish(during)] {
            assert_no_lock_error(&r);
            assert!(
                ["VALID\n", "REVOKED\n"].contains(&r.stdout.as_str()),
                "{r:?}"
            );
        }
    }
    eprintln!("process revoke/verify: {races} races, {late} later verifications all REVOKED");
}
