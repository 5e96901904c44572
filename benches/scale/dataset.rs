//! Builds a keyctl database at scale, through keyctl's own schema.
//!
//! The schema comes from keyctl's migrations (`Store::open`); keys are made
//! with keyctl's secret generator and stored with their SHA-256 only; the
//! audit events are appended with keyctl's own chain code. Only the bulk rows
//! (keys and requests) are written with plain prepared INSERTs, in sorted
//! order and with the request indexes built after the load, which is what
//! makes 1,000,000 keys and 10,000,000 requests fit in a few minutes.
//!
//! Shared by the `scale_dataset` example (the process benchmarks) and the
//! criterion benchmarks (a smaller copy).

#![allow(dead_code, clippy::cast_possible_truncation, clippy::cast_sign_loss)]

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use keyctl::secret::KeyPrefix;
use keyctl::store::{Access, Durability, month_of};
use keyctl::{Environment, Secret, Store};
use rusqlite::{Connection, params};

/// What to build.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub keys: u64,
    pub requests: u64,
    pub days: i64,
    pub events: u64,
    /// The end of the window, Unix seconds (the benchmarks' `KEYCTL_NOW`).
    pub now: i64,
}

/// The clock of every benchmark: 2026-11-23T12:00:00Z.
pub const NOW: i64 = 1_795_435_200;
pub const NOW_RFC3339: &str = "2026-11-23T12:00:00Z";

impl Spec {
    #[must_use]
    pub fn full() -> Spec {
        Spec {
            keys: 1_000_000,
            requests: 10_000_000,
            days: 90,
            events: 100_000,
            now: NOW,
        }
    }
}

/// Keys whose secrets the benchmarks present.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Known {
    /// The key with 10 % of all requests.
    pub hot_id: String,
    pub hot_secret: String,
    /// A key with an ordinary share of the requests.
    pub typical_id: String,
    pub typical_secret: String,
    /// An active key with a rate limit and a quota, for verify with recording.
    pub limited_id: String,
    pub limited_secret: String,
}

/// A small deterministic generator (xorshift) for the synthetic traffic;
/// secrets themselves always come from keyctl's CSPRNG.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const RESOURCES: [&str; 6] = [
    "invoices",
    "payment-links",
    "clients",
    "payouts",
    "disbursements",
    "webhooks",
];
const LEVELS: [&str; 3] = ["read", "write", "admin"];
const METHODS: [&str; 4] = ["GET", "GET", "POST", "DELETE"];
const AGENTS: [&str; 4] = ["gateway/2.1", "sdk-python/4.2", "sdk-node/7.0", "curl/8.5"];

fn status_for(r: u64) -> u16 {
    // 85 % 200, 5 % 201, 4 % 404, 2 % 401, 2 % 429, 2 % 500.
    match r % 100 {
        0..=84 => 200,
        85..=89 => 201,
        90..=93 => 404,
        94..=95 => 401,
        96..=97 => 429,
        _ => 500,
    }
}

/// Builds the database at `path` (replacing it) and returns the known keys.
pub fn build(path: &Path, spec: Spec, progress: bool) -> Known {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let started = Instant::now();
    let say = |what: &str| {
        if progress {
            eprintln!("[{:6.1}s] {what}", started.elapsed().as_secs_f64());
        }
    };
    // keyctl's schema, through keyctl.
    drop(Store::open(path, Access::Write).expect("create the database"));
    let mut conn = Connection::open(path).expect("open");
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1048576;
         PRAGMA temp_store = MEMORY;
         DROP INDEX requests_key_ts; DROP INDEX requests_ts; DROP INDEX requests_status_ts;",
    )
    .expect("bulk settings");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let prefix = KeyPrefix::default();
    let start = spec.now - spec.days * 86_400;

    say("keys");
    let mut ids: Vec<String> = Vec::with_capacity(spec.keys as usize);
    let mut known = Known {
        hot_id: String::new(),
        hot_secret: String::new(),
        typical_id: String::new(),
        typical_secret: String::new(),
        limited_id: String::new(),
        limited_secret: String::new(),
    };
    {
        let tx = conn.transaction().expect("tx");
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO keys (id, name, description, environment, scopes, prefix, \
                     secret_hash, created_at, created_by, expires_at, last_used_at, revoked_at, \
                     revoked_by, rate_limit_count, rate_limit_window, quota_count, quota_period, \
                     metadata) VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, 'seed', ?8, ?9, ?10, ?11, \
                     ?12, ?13, ?14, ?15, ?16)",
                )
                .expect("prepare");
            for i in 0..spec.keys {
                let id = format!("key_{i:010}");
                let env = if i % 10 == 9 {
                    Environment::Test
                } else {
                    Environment::Live
                };
                let secret = Secret::generate(&prefix, env).expect("rng");
                let created = start - 86_400 + (i as i64 * 7) % (spec.days * 86_400);
                let special = i == 0 || i == spec.keys / 2 || i == 1;
                let revoked = !special && i % 50 == 7;
                let expires = if !special && i % 40 == 3 {
                    Some(spec.now - 3600)
                } else if i % 3 == 0 {
                    Some(spec.now + 365 * 86_400)
                } else {
                    None
                };
                let r = RESOURCES[(i % 6) as usize];
                let l = LEVELS[(i / 6 % 3) as usize];
                let scopes = if i % 97 == 0 {
                    "*".to_owned()
                } else {
                    format!("{r}:{l}")
                };
                let limited = i == 1;
                insert
                    .execute(params![
                        id,
                        format!("integration {i}"),
                        env.as_str(),
                        scopes,
                        secret.display_prefix(),
                        &secret.hash().0[..],
                        created,
                        expires,
                        None::<i64>,
                        revoked.then_some(created + 3600),
                        revoked.then_some("seed"),
                        limited.then_some(1_000_000_i64),
                        limited.then_some(60_i64),
                        limited.then_some(1_000_000_000_i64),
                        limited.then_some("month"),
                        if i % 5 == 0 {
                            r#"{"team":"payments"}"#
                        } else {
                            "{}"
                        },
                    ])
                    .expect("insert key");
                match i {
                    0 => {
                        known.hot_id.clone_from(&id);
                        known.hot_secret = secret.expose().to_owned();
                    }
                    1 => {
                        known.limited_id.clone_from(&id);
                        known.limited_secret = secret.expose().to_owned();
                    }
                    _ if i == spec.keys / 2 => {
                        known.typical_id.clone_from(&id);
                        known.typical_secret = secret.expose().to_owned();
                    }
                    _ => {}
                }
                ids.push(id);
            }
        }
        tx.commit().expect("commit keys");
    }

    say("requests");
    let mut daily: HashMap<(u32, i64, u16), u64> = HashMap::new();
    let mut endpoints: HashMap<(u32, i64, u8), u64> = HashMap::new();
    let endpoint_names: Vec<String> = RESOURCES
        .iter()
        .flat_map(|r| {
            METHODS.iter().flat_map(move |m| {
                [
                    keyctl::usage::endpoint(Some(m), Some(&format!("/v1/{r}"))),
                    keyctl::usage::endpoint(Some(m), Some(&format!("/v1/{r}/1"))),
                ]
            })
        })
        .collect();
    {
        let tx = conn.transaction().expect("tx");
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO requests (key_id, ts, method, path, status, duration_ms, ip, \
                     user_agent, outcome, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .expect("prepare");
            let span = (spec.days * 86_400) as u64;
            for i in 0..spec.requests {
                let ts = start + (i * span / spec.requests.max(1)) as i64;
                let k = if i % 10 == 0 {
                    0
                } else {
                    1 + rng.below(spec.keys.saturating_sub(1).max(1))
                } as u32;
                let resource_i = (rng.below(6)) as usize;
                let method_i = (rng.below(4)) as usize;
                let with_id = rng.below(2) == 1;
                let path = if with_id {
                    format!("/v1/{}/{}", RESOURCES[resource_i], rng.below(100_000))
                } else {
                    format!("/v1/{}", RESOURCES[resource_i])
                };
                let status = status_for(rng.next());
                let from_verify = i % 4 == 0 && status == 200;
                insert
                    .execute(params![
                        ids[k as usize],
                        ts,
                        METHODS[method_i],
                        path,
                        status,
                        (rng.below(400) + 3) as i64,
                        format!("10.{}.{}.{}", rng.below(4), rng.below(256), rng.below(256)),
                        AGENTS[(rng.below(4)) as usize],
                        from_verify.then_some("VALID"),
                        if from_verify { "verify" } else { "ingest" },
                    ])
                    .expect("insert request");
                let day = ts.div_euclid(86_400);
                *daily.entry((k, day, status)).or_default() += 1;
                let e = (resource_i * 8 + method_i * 2 + usize::from(with_id)) as u8;
                *endpoints.entry((k, day, e)).or_default() += 1;
                if progress && i > 0 && i % 2_000_000 == 0 {
                    say(&format!("  {i} requests"));
                }
            }
        }
        tx.commit().expect("commit requests");
    }

    say("request indexes");
    conn.execute_batch(
        "CREATE INDEX requests_key_ts ON requests (key_id, ts);
         CREATE INDEX requests_ts ON requests (ts);
         CREATE INDEX requests_status_ts ON requests (status, ts);",
    )
    .expect("indexes");

    say("rollups");
    {
        // Keys were inserted in order into an empty table: key k is row k + 1.
        // Two endpoint numbers can fold to one name, hence the upserts.
        let last_seq: i64 = conn
            .query_row(
                "SELECT seq FROM keys WHERE id = ?1",
                [&ids[ids.len() - 1]],
                |r| r.get(0),
            )
            .expect("last key");
        assert_eq!(last_seq, ids.len() as i64, "keys are numbered in order");
        let seq = |k: u32| i64::from(k) + 1;
        let mut rows: Vec<_> = daily.into_iter().collect();
        rows.sort_unstable();
        let tx = conn.transaction().expect("tx");
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO usage_daily (key_seq, day, status, count) VALUES (?1, ?2, ?3, ?4)",
                )
                .expect("prepare");
            for ((k, day, status), n) in rows {
                insert
                    .execute(params![seq(k), day, status, n as i64])
                    .expect("insert daily");
            }
            let mut monthly: HashMap<(u32, i64, u8), u64> = HashMap::new();
            for (&(k, day, e), &n) in &endpoints {
                *monthly.entry((k, month_of(day), e)).or_default() += n;
            }
            let mut rows: Vec<_> = endpoints.into_iter().collect();
            rows.sort_unstable_by(|a, b| {
                (a.0.0, a.0.1, &endpoint_names[a.0.2 as usize]).cmp(&(
                    b.0.0,
                    b.0.1,
                    &endpoint_names[b.0.2 as usize],
                ))
            });
            let mut insert = tx
                .prepare(
                    "INSERT INTO usage_endpoints (key_seq, day, endpoint, count) \
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key_seq, day, endpoint) \
                     DO UPDATE SET count = count + excluded.count",
                )
                .expect("prepare");
            for ((k, day, e), n) in rows {
                insert
                    .execute(params![seq(k), day, endpoint_names[e as usize], n as i64])
                    .expect("insert endpoint");
            }
            let mut rows: Vec<_> = monthly.into_iter().collect();
            rows.sort_unstable_by(|a, b| {
                (a.0.0, a.0.1, &endpoint_names[a.0.2 as usize]).cmp(&(
                    b.0.0,
                    b.0.1,
                    &endpoint_names[b.0.2 as usize],
                ))
            });
            let mut insert = tx
                .prepare(
                    "INSERT INTO usage_endpoints_monthly (key_seq, month, endpoint, count) \
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key_seq, month, endpoint) \
                     DO UPDATE SET count = count + excluded.count",
                )
                .expect("prepare");
            for ((k, month, e), n) in rows {
                insert
                    .execute(params![seq(k), month, endpoint_names[e as usize], n as i64])
                    .expect("insert monthly endpoint");
            }
        }
        tx.commit().expect("commit rollups");
    }
    conn.execute_batch("PRAGMA journal_mode = WAL;")
        .expect("wal");
    drop(conn);

    say("audit events");
    let mut store = Store::open(path, Access::Write).expect("reopen");
    let events = spec.events;
    let ids_ref = &ids;
    store
        .write(Durability::Normal, |q| {
            let mut rng = Rng(42);
            for i in 0..events {
                let ts = start + (i as i64 * spec.days * 86_400) / events.max(1) as i64;
                let ts = keyctl::time::from_unix(ts);
                let k = rng.below(ids_ref.len() as u64) as usize;
                let (action, details) = match i % 10 {
                    0..=5 => (
                        keyctl::audit::action::KEY_CREATED,
                        serde_json::json!({"name": format!("integration {k}"), "environment": "live", "scopes": ["invoices:read"]}),
                    ),
                    6 | 7 => (
                        keyctl::audit::action::VERIFY_FAILED,
                        serde_json::json!({"code": "REVOKED", "status": 401, "method": "GET", "path": "/v1/invoices", "ip": "10.0.0.1"}),
                    ),
                    8 => (
                        keyctl::audit::action::KEY_UPDATED,
                        serde_json::json!({"changes": {"name": {"from": "a", "to": "b"}}}),
                    ),
                    _ => (
                        keyctl::audit::action::KEY_REVOKED,
                        serde_json::json!({"reason": "rotated out"}),
                    ),
                };
                let prefix = format!("sk_live_{:08}", k % 100_000_000);
                keyctl::audit::append(
                    q,
                    &keyctl::audit::Event {
                        ts,
                        actor: "seed",
                        action,
                        key_id: Some(&ids_ref[k]),
                        key_prefix: Some(&prefix),
                        details: &details,
                    },
                )?;
            }
            Ok(())
        })
        .expect("audit events");
    drop(store);
    say("done");
    known
}
