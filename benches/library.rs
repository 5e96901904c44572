//! Criterion benchmarks of the library, each next to its floor: the smallest
//! code that does the same irreducible work directly against rusqlite.
//!
//! The data set (100,000 keys, 1,000,000 requests, 100,000 chained events) is
//! built once into `target/bench/library.db` through keyctl's schema.
//! `benches/run.py` reads the medians from `target/criterion` and prints the
//! ratios with the process benchmarks.

#[path = "scale/dataset.rs"]
mod dataset;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use keyctl::audit::{AuditFilter, StatusMatch};
use keyctl::store::Access;
use keyctl::{Clock, Config, Keyctl, NewKey, Scope, Store, VerifyRequest, Window};
use rusqlite::{Connection, OpenFlags, params};
use sha2::{Digest, Sha256};

fn data() -> (PathBuf, dataset::Known) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join("library.db");
    let known_path = dir.join("library.db.known.json");
    if let Ok(text) = std::fs::read_to_string(&known_path)
        && path.exists()
        && let Ok(known) = serde_json::from_str(&text)
    {
        return (path, known);
    }
    let spec = dataset::Spec {
        keys: 100_000,
        requests: 1_000_000,
        days: 90,
        events: 100_000,
        now: dataset::NOW,
    };
    let known = dataset::build(&path, spec, false);
    std::fs::write(&known_path, serde_json::to_string(&known).expect("json")).expect("write");
    (path, known)
}

fn keyctl(path: &Path) -> Keyctl {
    let store = Store::open(path, Access::Write).expect("open");
    let now = keyctl::time::from_unix(dataset::NOW);
    Keyctl::new(store, Config::default(), Clock::fixed(now), "bench".into())
}

fn floor_conn(path: &Path) -> Connection {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("open");
    conn.execute_batch("PRAGMA synchronous = NORMAL")
        .expect("sync");
    conn
}

fn verify(c: &mut Criterion) {
    let (path, known) = data();
    let mut g = c.benchmark_group("verify");
    let conn = floor_conn(&path);
    g.bench_function("floor: sha256 + cached lookup", |b| {
        b.iter(|| {
            let hash: [u8; 32] = Sha256::digest(black_box(&known.hot_secret).as_bytes()).into();
            let mut stmt = conn
                .prepare_cached("SELECT id FROM keys WHERE secret_hash = ?1")
                .expect("prepare");
            let id: String = stmt.query_row([&hash[..]], |r| r.get(0)).expect("row");
            black_box(id)
        });
    });
    let mut kc = keyctl(&path);
    let request = VerifyRequest::default();
    g.bench_function("keyctl: verify, no record", |b| {
        b.iter(|| {
            let v = kc
                .verify(black_box(&known.hot_secret), &request)
                .expect("verify");
            black_box(v.outcome)
        });
    });
    g.finish();

    let mut g = c.benchmark_group("record");
    // The floor found the key's row number with its lookup.
    let limited_seq: i64 = conn
        .query_row(
            "SELECT seq FROM keys WHERE id = ?1",
            [&known.limited_id],
            |r| r.get(0),
        )
        .expect("limited key");
    let mut i = 0i64;
    g.bench_function("floor: write transaction", |b| {
        b.iter(|| {
            i += 1;
            let now = dataset::NOW + i % 60;
            conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
            conn.prepare_cached("UPDATE keys SET last_used_at = ?2 WHERE id = ?1")
                .expect("prepare")
                .execute(params![known.limited_id, now])
                .expect("update");
            conn.prepare_cached(
                "INSERT INTO requests (key_id, ts, method, path, status, outcome, source) \
                 VALUES (?1, ?2, 'GET', '/v1/invoices', 200, 'VALID', 'verify')",
            )
            .expect("prepare")
            .execute(params![known.limited_id, now])
            .expect("insert");
            conn.prepare_cached(
                "INSERT INTO usage_daily (key_seq, day, status, count) VALUES (?1, ?2, 200, 1) \
                 ON CONFLICT (key_seq, day, status) DO UPDATE SET count = count + 1",
            )
            .expect("prepare")
            .execute(params![limited_seq, now / 86_400])
            .expect("upsert");
            conn.execute_batch("COMMIT").expect("commit");
        });
    });
    let recorded = VerifyRequest {
        method: Some("GET".into()),
        path: Some("/v1/invoices".into()),
        record: true,
        ..VerifyRequest::default()
    };
    g.bench_function("keyctl: verify + record (rate limit, quota)", |b| {
        b.iter(|| {
            let v = kc
                .verify(black_box(&known.limited_secret), &recorded)
                .expect("verify");
            black_box(v.outcome)
        });
    });
    g.finish();

    let mut g = c.benchmark_group("lifecycle");
    let scope = Scope::parse("invoices:read", &keyctl::Catalog::default()).expect("scope");
    g.bench_function("keyctl: create", |b| {
        b.iter(|| {
            let created = kc
                .create(NewKey::new("bench", vec![scope.clone()]))
                .expect("create");
            black_box(created.key.id)
        });
    });
    g.finish();
}

fn reports(c: &mut Criterion) {
    let (path, known) = data();
    let mut kc = keyctl(&path);
    let now = keyctl::time::from_unix(dataset::NOW);
    let mut g = c.benchmark_group("reports");
    g.bench_function("keyctl: usage, hot key, 30 days", |b| {
        b.iter(|| {
            black_box(
                kc.usage(&known.hot_id, Window::last_days(now, 30), 50)
                    .expect("usage")
                    .total,
            )
        });
    });
    g.bench_function("keyctl: usage, typical key, 30 days", |b| {
        b.iter(|| {
            black_box(
                kc.usage(&known.typical_id, Window::last_days(now, 30), 50)
                    .expect("usage")
                    .total,
            )
        });
    });
    let filter = AuditFilter {
        status: Some(StatusMatch::Code(401)),
        since: Some(now - chrono::TimeDelta::days(7)),
        limit: 50,
        ..AuditFilter::default()
    };
    g.bench_function("keyctl: audit --status 401 --since 7d --limit 50", |b| {
        b.iter(|| black_box(kc.audit(&filter).expect("audit").len()));
    });
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("keyctl: audit verify, 100,000 events", |b| {
        b.iter(|| {
            let report = kc.audit_verify(None).expect("chain");
            assert!(report.intact());
            black_box(report.checked)
        });
    });
    g.finish();
}

fn ingest(c: &mut Criterion) {
    let (path, known) = data();
    let dir = path.parent().expect("dir").to_path_buf();
    // Private copies, one each: these benchmarks add rows, and the second
    // one to run must not start on a database the first one grew.
    let copy = |name: &str| {
        let copy = dir.join(name);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
        }
        std::fs::copy(&path, &copy).expect("copy");
        copy
    };
    let (floor_copy, keyctl_copy) = (copy("ingest-floor.db"), copy("ingest.db"));
    let lines: String = (0..1000)
        .map(|i| {
            format!(
                "{{\"key\":\"{}\",\"ts\":{},\"method\":\"GET\",\"path\":\"/v1/invoices/{i}\",\"status\":200,\"duration_ms\":12,\"ip\":\"10.0.0.1\",\"user_agent\":\"gateway/2.1\"}}\n",
                if i % 2 == 0 { &known.hot_id } else { &known.typical_id },
                dataset::NOW - 3600 + i
            )
        })
        .collect();
    let mut g = c.benchmark_group("ingest");
    g.sample_size(20);
    let conn = floor_conn(&floor_copy);
    g.bench_function("floor: 1,000 request rows in one transaction", |b| {
        b.iter(|| {
            conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
            {
                let mut stmt = conn
                    .prepare_cached(
                        "INSERT INTO requests (key_id, ts, method, path, status, duration_ms, ip, \
                         user_agent, source) VALUES (?1, ?2, 'GET', ?3, 200, 12, '10.0.0.1', \
                         'gateway/2.1', 'ingest')",
                    )
                    .expect("prepare");
                for i in 0..1000i64 {
                    stmt.execute(params![
                        if i % 2 == 0 {
                            &known.hot_id
                        } else {
                            &known.typical_id
                        },
                        dataset::NOW - 3600 + i,
                        format!("/v1/invoices/{i}")
                    ])
                    .expect("insert");
                }
            }
            conn.execute_batch("COMMIT").expect("commit");
        });
    });
    let mut kc = keyctl(&keyctl_copy);
    g.bench_function("keyctl: ingest 1,000 lines", |b| {
        b.iter(|| {
            let mut reader = lines.as_bytes();
            let summary = kc
                .ingest(&mut reader, "bench", &mut |_| {})
                .expect("ingest");
            black_box(summary.requests)
        });
    });
    g.finish();
}

criterion_group!(benches, verify, reports, ingest);
criterion_main!(benches);
