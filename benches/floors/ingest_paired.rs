//! The in-process ingest comparison, paired: 1,000 request rows inserted by
//! the floor (one prepared INSERT per row, one transaction) and 1,000 lines
//! ingested by keyctl's library (parsing, checks, rollups and the audit
//! event included) alternate batch by batch, each on its own copy of the
//! data set, so that the machine's drift hits both alike. Prints the medians
//! and their ratio as JSON.
//!
//! Usage: ingest_paired LIBRARY_DB KNOWN_JSON [ROUNDS]

#[path = "../scale/dataset.rs"]
mod dataset;

use std::path::{Path, PathBuf};
use std::time::Instant;

use keyctl::store::Access;
use keyctl::{Clock, Config, Keyctl, Store};
use rusqlite::{Connection, OpenFlags, params};

fn private_copy(from: &Path, name: &str) -> PathBuf {
    let to = from.with_file_name(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, &to).expect("copy the data set");
    to
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (db, known) = match &args[..] {
        [_, db, known, ..] => (PathBuf::from(db), known),
        _ => panic!("usage: ingest_paired LIBRARY_DB KNOWN_JSON [ROUNDS]"),
    };
    let rounds: usize = args.get(3).map_or(40, |r| r.parse().expect("ROUNDS"));
    let known: dataset::Known =
        serde_json::from_str(&std::fs::read_to_string(known).expect("read KNOWN_JSON"))
            .expect("KNOWN_JSON");
    let key = |i: i64| {
        if i % 2 == 0 {
            &known.hot_id
        } else {
            &known.typical_id
        }
    };
    let lines: String = (0..1000i64)
        .map(|i| {
            format!(
                "{{\"key\":\"{}\",\"ts\":{},\"method\":\"GET\",\"path\":\"/v1/invoices/{i}\",\"status\":200,\"duration_ms\":12,\"ip\":\"10.0.0.1\",\"user_agent\":\"gateway/2.1\"}}\n",
                key(i),
                dataset::NOW - 3600 + i
            )
        })
        .collect();

    let floor = Connection::open_with_flags(
        private_copy(&db, "ingest-paired-floor.db"),
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("open the floor's copy");
    floor
        .execute_batch("PRAGMA synchronous = NORMAL")
        .expect("synchronous");
    let store = Store::open(private_copy(&db, "ingest-paired.db"), Access::Write).expect("open");
    let now = keyctl::time::from_unix(dataset::NOW);
    let mut kc = Keyctl::new(store, Config::default(), Clock::fixed(now), "bench".into());

    let floor_batch = || {
        floor.execute_batch("BEGIN IMMEDIATE").expect("begin");
        {
            let mut stmt = floor
                .prepare_cached(
                    "INSERT INTO requests (key_id, ts, method, path, status, duration_ms, ip, \
                     user_agent, source) VALUES (?1, ?2, 'GET', ?3, 200, 12, '10.0.0.1', \
                     'gateway/2.1', 'ingest')",
                )
                .expect("prepare");
            for i in 0..1000i64 {
                stmt.execute(params![
                    key(i),
                    dataset::NOW - 3600 + i,
                    format!("/v1/invoices/{i}")
                ])
                .expect("insert");
            }
        }
        floor.execute_batch("COMMIT").expect("commit");
    };
    let (mut floor_ms, mut keyctl_ms) = (Vec::new(), Vec::new());
    // Two warm-up rounds, then the measured ones.
    for round in 0..rounds + 2 {
        let started = Instant::now();
        floor_batch();
        let f = started.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        let summary = kc
            .ingest(&mut lines.as_bytes(), "bench", &mut |_| {})
            .expect("ingest");
        let k = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(summary.requests, 1000);
        if round >= 2 {
            floor_ms.push(f);
            keyctl_ms.push(k);
        }
    }
    let (f, k) = (median(floor_ms), median(keyctl_ms));
    println!(
        "{{\"floor_ms\": {f:.3}, \"keyctl_ms\": {k:.3}, \"ratio\": {:.4}, \"rounds\": {rounds}}}",
        k / f
    );
}
