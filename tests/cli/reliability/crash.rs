//! Item 9: crash safety. keyctl writers (create, rotate, revoke, and ingest
//! of a large file) are started, one to three at a time, and killed with
//! SIGKILL at random moments; after every batch the database is checked:
//!
//! - `PRAGMA integrity_check` is `ok` and the audit chain is intact;
//! - every command that exited 0 is there: its key with the hash of the
//!   secret it printed, its revocation, its rotation, its imported lines;
//! - an ingest (each has its own marker in `user_agent`) is all there or not
//!   at all, and its audit event is there exactly when its lines are; the
//!   daily rollups agree with the request rows;
//! - rotations are whole: a key is `replaced_by` another exactly when that
//!   one is `rotated_from` it, with one `key.rotated` event per link; every
//!   key that is not a successor has its `key.created` event.
//!
//! The default run makes 30 kills with 4,000-line logs;
//! `tests/reliability/run.sh` makes 200 with 20,000-line logs, on a release
//! build.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Dice, Run, Sandbox, finish, full_scale, open_db, scaled, spawn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Op {
    Create,
    Rotate,
    Revoke,
    Ingest,
}

/// What the harness knows must be in the database.
#[derive(Default)]
struct Expected {
    /// Keys made by a create or rotate that exited 0: id → secret.
    keys: HashMap<String, String>,
    /// Keys whose revoke exited 0.
    revoked: HashSet<String>,
    /// Rotations that exited 0: old → new.
    rotated: HashMap<String, String>,
    /// Ingest markers: `Some(lines)` for those that exited 0, `None` for
    /// killed ones (all or nothing).
    ingests: HashMap<String, Option<u64>>,
}

fn write_log(path: &Path, key: &str, marker: &str, lines: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..lines {
        writeln!(
            f,
            "{{\"key\":\"{key}\",\"ts\":{},\"method\":\"GET\",\"path\":\"/v1/invoices/{i}\",\"status\":{},\"duration_ms\":{},\"ip\":\"10.0.0.{}\",\"user_agent\":\"{marker}\"}}",
            1_795_000_000 + i as i64 * 7,
            if i % 10 == 0 { 500 } else { 200 },
            i % 90,
            i % 250
        )
        .unwrap();
    }
    f.flush().unwrap();
}

/// The invariants, checked on the file as the killed processes left it.
/// `full`: the whole `integrity_check`; otherwise `quick_check`, which skips
/// only the cross-check of indexes against their tables (the whole check
/// runs every tenth batch and at the end).
fn check(db: &Path, expected: &Expected, lines: u64, full: bool) {
    let c = open_db(db);
    let pragma = if full {
        "PRAGMA integrity_check"
    } else {
        "PRAGMA quick_check"
    };
    let ok: String = c.query_row(pragma, [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok", "{pragma}");
    let fk: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0, "dangling rotation links");

    type Row = (String, Vec<u8>, Option<i64>, Option<String>, Option<String>);
    let keys: HashMap<String, Row> = {
        let mut stmt = c
            .prepare("SELECT id, secret_hash, revoked_at, rotated_from, replaced_by FROM keys")
            .unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        })
        .unwrap()
        .map(|r| {
            let r = r.unwrap();
            (r.0.clone(), r)
        })
        .collect()
    };
    for (id, secret) in &expected.keys {
        let row = keys
            .get(id)
            .unwrap_or_else(|| panic!("{id} exited 0 but is gone"));
        assert_eq!(row.1, keyctl::SecretHash::of(secret).0.to_vec(), "{id}");
    }
    for id in &expected.revoked {
        assert!(keys[id].2.is_some(), "{id} was revoked but is not");
    }
    for (old, new) in &expected.rotated {
        assert_eq!(keys[old].4.as_deref(), Some(new.as_str()), "{old}");
    }
    // Rotation links are whole, both ways.
    let events = |action: &str| -> Vec<Option<String>> {
        let mut stmt = c
            .prepare("SELECT key_id FROM audit_events WHERE action = ?1")
            .unwrap();
        stmt.query_map([action], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let rotated_events = events("key.rotated");
    let created_events: HashSet<String> = events("key.created").into_iter().flatten().collect();
    let mut links = 0;
    for (id, row) in &keys {
        if let Some(next) = &row.4 {
            assert_eq!(keys[next].3.as_deref(), Some(id.as_str()), "{id} -> {next}");
            links += 1;
        }
        match &row.3 {
            Some(prev) => assert_eq!(keys[prev].4.as_deref(), Some(id.as_str()), "{prev} <- {id}"),
            None => assert!(created_events.contains(id), "{id} has no key.created event"),
        }
    }
    assert_eq!(
        rotated_events.len(),
        links,
        "one key.rotated event per link"
    );

    // Ingests are all or nothing.
    let mut per_marker: HashMap<String, u64> = HashMap::new();
    {
        let mut stmt = c
            .prepare("SELECT user_agent, count(*) FROM requests WHERE source = 'ingest' GROUP BY user_agent")
            .unwrap();
        for r in stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .unwrap()
        {
            let (m, n) = r.unwrap();
            per_marker.insert(m, n as u64);
        }
    }
    let ingested_events = events("requests.ingested").len() as u64;
    for (marker, fate) in &expected.ingests {
        let n = per_marker.get(marker).copied().unwrap_or(0);
        match fate {
            Some(lines) => assert_eq!(n, *lines, "{marker} exited 0"),
            None => assert!(
                n == 0 || n == lines,
                "{marker} half imported: {n} of {lines}"
            ),
        }
    }
    let imported = per_marker.len() as u64;
    assert_eq!(
        ingested_events, imported,
        "one audit event per imported file"
    );
    // The rollups agree with the rows.
    let (rows, rolled): (i64, i64) = c
        .query_row(
            "SELECT (SELECT count(*) FROM requests WHERE key_id IS NOT NULL), \
                    (SELECT coalesce(sum(count), 0) FROM usage_daily)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(rows, rolled, "rollups disagree with the request rows");
    let chain = keyctl::store::Store::open(db, keyctl::store::Access::Read)
        .and_then(|store| {
            let mut kc = keyctl::Keyctl::new(
                store,
                keyctl::Config::default(),
                keyctl::Clock::fixed(keyctl::time::from_unix(1_795_000_000)),
                "check".into(),
            );
            kc.audit_verify(None)
        })
        .unwrap();
    assert!(chain.intact(), "{:?}", chain.broken);
}

struct Started {
    op: Op,
    child: Child,
    /// The key a rotate or revoke names.
    target: Option<String>,
    marker: Option<String>,
    kill_at: Instant,
}

#[test]
fn killed_writers_lose_nothing_and_leave_nothing_half_done() {
    if crate::support::sqlite_only(
        "checks the SQLite file's integrity after each kill; PostgreSQL's own crash safety covers the server",
    ) {
        return;
    }
    let wanted = scaled(30, 200);
    let lines = if full_scale() { 20_000 } else { 4_000 };
    let s = Sandbox::new();
    let mut dice = Dice::new("crash harness");
    let mut expected = Expected::default();
    let (seed_id, seed_secret) = s.create("seed", &[]);
    expected.keys.insert(seed_id.clone(), seed_secret);
    let logs: PathBuf = s.home().join("logs");
    std::fs::create_dir_all(&logs).unwrap();

    // How long one whole ingest takes, so kills land all through it.
    let marker = "batch-0".to_owned();
    write_log(&logs.join(&marker), &seed_id, &marker, lines);
    let started = Instant::now();
    s.ok(&["ingest", logs.join(&marker).to_str().unwrap()]);
    let ingest_time = started.elapsed();
    expected.ingests.insert(marker, Some(lines));

    let mut live: Vec<String> = vec![seed_id.clone()];
    let (mut kills, mut completed, mut batches, mut serial) = (0usize, 0usize, 0usize, 0usize);
    let mut by_op: HashMap<Op, (usize, usize)> = HashMap::new();
    let begun = Instant::now();
    while kills < wanted {
        batches += 1;
        let n = 1 + dice.below(3) as usize;
        let mut running = Vec::new();
        for _ in 0..n {
            serial += 1;
            let op = match dice.below(10) {
                0..=2 => Op::Create,
                3..=4 => Op::Rotate,
                5 => Op::Revoke,
                _ => Op::Ingest,
            };
            let pick = |dice: &mut Dice| live[dice.below(live.len() as u64) as usize].clone();
            let (child, target, marker, window) = match op {
                Op::Create => {
                    let name = format!("crash-{serial}");
                    let child = spawn(
                        &s,
                        &[
                            "create",
                            "--name",
                            &name,
                            "--scope",
                            "invoices:read",
                            "--format",
                            "json",
                        ],
                        None,
                    );
                    (child, None, None, Duration::from_millis(15))
                }
                Op::Rotate => {
                    let t = pick(&mut dice);
                    let child = spawn(&s, &["rotate", &t, "--yes", "--format", "json"], None);
                    (child, Some(t), None, Duration::from_millis(15))
                }
                Op::Revoke => {
                    let t = pick(&mut dice);
                    let child = spawn(&s, &["revoke", &t, "--yes", "-q"], None);
                    (child, Some(t), None, Duration::from_millis(15))
                }
                Op::Ingest => {
                    let m = format!("batch-{serial}");
                    let path = logs.join(&m);
                    write_log(&path, &seed_id, &m, lines);
                    let child = spawn(&s, &["ingest", path.to_str().unwrap()], None);
                    (child, None, Some(m), ingest_time * 2)
                }
            };
            let delay = Duration::from_micros(dice.below(window.as_micros() as u64));
            running.push(Started {
                op,
                child,
                target,
                marker,
                kill_at: Instant::now() + delay,
            });
        }
        for mut st in running {
            let now = Instant::now();
            if st.kill_at > now {
                std::thread::sleep(st.kill_at - now);
            }
            let killed = match st.child.try_wait().unwrap() {
                Some(_) => false,
                None => {
                    st.child.kill().unwrap();
                    true
                }
            };
            let r: Run = finish(st.child);
            let tally = by_op.entry(st.op).or_default();
            if killed {
                tally.0 += 1;
            } else {
                tally.1 += 1;
            }
            if let Some(m) = &st.marker {
                expected
                    .ingests
                    .insert(m.clone(), (r.code == 0).then_some(lines));
                std::fs::remove_file(logs.join(m)).unwrap();
            }
            if killed {
                kills += 1;
                continue;
            }
            completed += 1;
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
            if r.code != 0 {
                // A rotate or revoke of a key another one just changed.
                assert_eq!(r.code, 1, "{:?}: {}", st.op, r.stderr);
                assert!(
                    st.op == Op::Rotate || st.op == Op::Revoke,
                    "{:?}: {}",
                    st.op,
                    r.stderr
                );
                continue;
            }
            match st.op {
                Op::Create => {
                    let v: Value = serde_json::from_str(&r.stdout).unwrap();
                    let id = v["id"].as_str().unwrap().to_owned();
                    expected
                        .keys
                        .insert(id.clone(), v["secret"].as_str().unwrap().to_owned());
                    live.push(id);
                }
                Op::Rotate => {
                    let v: Value = serde_json::from_str(&r.stdout).unwrap();
                    let old = v["old"]["id"].as_str().unwrap().to_owned();
                    let new = v["new"]["id"].as_str().unwrap().to_owned();
                    expected
                        .keys
                        .insert(new.clone(), v["new"]["secret"].as_str().unwrap().to_owned());
                    expected.rotated.insert(old, new.clone());
                    live.push(new);
                }
                Op::Revoke => {
                    expected.revoked.insert(st.target.clone().unwrap());
                }
                Op::Ingest => {}
            }
        }
        check(&s.db(), &expected, lines, batches % 10 == 0);
    }
    check(&s.db(), &expected, lines, true);
    eprintln!(
        "crash: {kills} SIGKILLs and {completed} completed commands in {batches} batches, {} ingests of {lines} lines ({:.0?} each), {:.0?} in all; every check passed after every batch",
        expected.ingests.len(),
        ingest_time,
        begun.elapsed()
    );
    let mut tallies: Vec<_> = by_op.into_iter().collect();
    tallies.sort_by_key(|(op, _)| format!("{op:?}"));
    for (op, (killed, done)) in tallies {
        eprintln!("crash: {op:?}: {killed} killed, {done} completed");
    }
}
