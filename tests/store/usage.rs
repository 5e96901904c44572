//! Usage: request rows, the daily rollups they feed, and limit counters,
//! read back the same way on every backend.

use std::collections::BTreeMap;

use keyctl::store::{
    Access, Counter, Durability, Location, RequestRecord, RequestTotals, Source, days_of_month,
    month_of,
};

use crate::support::{Backend, DAY, at, backends, each_backend, hash, key, request};

fn with_keys(store: &mut keyctl::Store, ns: &[u32]) {
    store
        .write(Durability::Full, |q| {
            for n in ns {
                q.insert_key(&key(*n, i64::from(*n)), &hash(*n))?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn rollups_add_up_by_day_and_status() {
    each_backend(|store| {
        with_keys(store, &[1]);
        let id = "key_0000000001";
        store
            .write(Durability::Normal, |q| {
                q.add_daily(id, DAY - 3, 200, 5)?;
                q.add_daily(id, DAY - 1, 200, 2)?;
                q.add_daily(id, DAY - 1, 200, 1)?;
                q.add_daily(id, DAY - 1, 404, 3)?;
                q.add_daily(id, DAY, 500, 1)?;
                q.add_daily("key_0000000002", DAY, 200, 50)
            })
            .unwrap();
        store
            .read(|q| {
                assert_eq!(
                    q.request_totals(id, DAY - 1)?,
                    RequestTotals {
                        all_time: 12,
                        since: 7,
                        errors_since: 4,
                    }
                );
                assert_eq!(
                    q.request_totals("key_0000000009", 0)?,
                    RequestTotals::default()
                );
                assert_eq!(
                    q.daily_usage(id, DAY - 1, DAY)?,
                    [(DAY - 1, 200, 3), (DAY - 1, 404, 3), (DAY, 500, 1)]
                );
                Ok(())
            })
            .unwrap();
    });
}

#[test]
fn top_endpoints_sum_over_the_window_most_used_first() {
    each_backend(|store| {
        with_keys(store, &[1, 2]);
        let id = "key_0000000001";
        store
            .write(Durability::Normal, |q| {
                for (day, endpoint, n) in [
                    (DAY - 2, "GET /b", 5),
                    (DAY - 2, "GET /d", 1),
                    (DAY - 1, "GET /a", 2),
                    (DAY - 1, "GET /c", 4),
                    (DAY - 1, "GET /d", 3),
                    (DAY, "GET /b", 1),
                    (DAY, "POST /e", 9),
                    (DAY, "GET /b", 0),
                    (DAY + 1, "GET /a", 100),
                ] {
                    q.add_endpoint(id, day, endpoint, n)?;
                }
                q.add_endpoint("key_0000000002", DAY, "GET /a", 50)
            })
            .unwrap();
        let top = |store: &mut keyctl::Store, limit| {
            store
                .read(|q| q.top_endpoints(id, DAY - 2, DAY, limit))
                .unwrap()
        };
        let all: Vec<(String, u64)> = [
            ("POST /e", 9),
            ("GET /b", 6),
            // A tie: by endpoint, in byte order.
            ("GET /c", 4),
            ("GET /d", 4),
            ("GET /a", 2),
        ]
        .iter()
        .map(|(e, n)| ((*e).to_owned(), *n))
        .collect();
        assert_eq!(top(store, 10), all);
        assert_eq!(top(store, 2), all[..2]);
    });
}

#[test]
fn recent_requests_are_the_newest_in_the_window() {
    each_backend(|store| {
        with_keys(store, &[1, 2]);
        let id = Some("key_0000000001");
        let mut ingested = request(id, 30, 502);
        ingested.source = Source::Ingest;
        ingested.outcome = None;
        ingested.method = None;
        ingested.duration_ms = None;
        let rows: Vec<RequestRecord> = vec![
            request(id, 10, 200),
            request(id, 20, 200),
            ingested,
            request(id, 30, 401),
            request(id, 40, 200),
            request(Some("key_0000000002"), 25, 200),
            request(None, 25, 401),
        ];
        store
            .write(Durability::Normal, |q| {
                for r in &rows {
                    q.insert_request(r)?;
                }
                Ok(())
            })
            .unwrap();
        let recent = store
            .read(|q| q.recent_requests("key_0000000001", at(20), at(40), 10))
            .unwrap();
        // [since, until), newest first; equal times newest inserted first.
        assert_eq!(recent, [rows[3].clone(), rows[2].clone(), rows[1].clone()]);
        let two = store
            .read(|q| q.recent_requests("key_0000000001", at(0), at(100), 2))
            .unwrap();
        assert_eq!(two, [rows[4].clone(), rows[3].clone()]);
    });
}

#[test]
fn totals_by_key_cover_the_keys_with_traffic_in_the_window() {
    each_backend(|store| {
        with_keys(store, &[2, 3, 5, 7]);
        store
            .write(Durability::Normal, |q| {
                q.set_last_used("key_0000000003", at(77))?;
                // Rollups of missing keys (1, 4, 6), of keys in and out of
                // the window (2 only before it).
                for (n, day, status, count) in [
                    (1, DAY, 200, 7),
                    (2, DAY - 5, 200, 9),
                    (3, DAY, 200, 3),
                    (3, DAY + 1, 404, 2),
                    (3, DAY + 2, 500, 1),
                    (4, DAY, 200, 4),
                    (5, DAY + 10, 200, 5),
                    (6, DAY, 200, 6),
                    (7, DAY, 401, 8),
                ] {
                    q.add_daily(&format!("key_{n:010}"), day, status, count)?;
                }
                Ok(())
            })
            .unwrap();
        let mut totals = store.read(|q| q.totals_by_key(DAY, DAY + 10)).unwrap();
        totals.sort_by(|a, b| a.key_id.cmp(&b.key_id));
        let got: Vec<(&str, &str, &str, u64, u64)> = totals
            .iter()
            .map(|t| {
                (
                    t.key_id.as_str(),
                    t.name.as_str(),
                    t.prefix.as_str(),
                    t.requests,
                    t.errors,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("key_0000000003", "key number 3", "sk_live_00000003", 6, 3),
                ("key_0000000005", "key number 5", "sk_live_00000005", 5, 0),
                ("key_0000000007", "key number 7", "sk_live_00000007", 8, 8),
            ]
        );
        assert_eq!(totals[0].last_used_at, Some(at(77)));
        assert_eq!(totals[1].last_used_at, None);
        assert!(
            store
                .read(|q| q.totals_by_key(DAY + 20, DAY + 30))
                .unwrap()
                .is_empty()
        );
    });
}

#[test]
fn a_counter_is_absent_until_put_then_replaced_whole() {
    each_backend(|store| {
        assert_eq!(store.read(|q| q.counter("*", "plan_calls")).unwrap(), None);
        let first = Counter {
            window_start: 1_000,
            count: 1,
        };
        let next = Counter {
            window_start: 2_000,
            count: u64::from(u32::MAX) + 1,
        };
        store
            .write(Durability::Normal, |q| {
                q.put_counter("*", "plan_calls", first)?;
                q.put_counter("key_0000000001", "rate", first)
            })
            .unwrap();
        store
            .write(Durability::Normal, |q| {
                q.put_counter("*", "plan_calls", next)
            })
            .unwrap();
        store
            .read(|q| {
                assert_eq!(q.counter("*", "plan_calls")?, Some(next));
                assert_eq!(q.counter("key_0000000001", "rate")?, Some(first));
                assert_eq!(q.counter("key_0000000001", "quota")?, None);
                Ok(())
            })
            .unwrap();
    });
}

/// The top endpoints of `rows` `(day, endpoint, n)` over `from..=to`, as
/// a report must list them: most used first, then by endpoint.
fn expected_top(
    rows: &[(i64, String, u64)],
    from: i64,
    to: i64,
    limit: usize,
) -> Vec<(String, u64)> {
    let mut sums: BTreeMap<&str, u64> = BTreeMap::new();
    for (day, endpoint, n) in rows {
        if (from..=to).contains(day) {
            *sums.entry(endpoint).or_default() += n;
        }
    }
    let mut top: Vec<(String, u64)> = sums
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(e, n)| (e.to_owned(), n))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(limit);
    top
}

#[test]
fn top_endpoints_over_whole_months_agree_with_the_days() {
    // Three months of traffic with a different mix each day; windows that
    // read whole months (less their edges) must sum as the days do.
    let (oct1, _) = days_of_month(month_of(DAY) - 1);
    let (_, dec31) = days_of_month(month_of(DAY) + 1);
    let mut rows = Vec::new();
    let mut dice = 11u64;
    for day in oct1..=dec31 {
        for e in 0..6u64 {
            dice = dice.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let n = (dice >> 40) % 7;
            if n > 0 && (day + e as i64) % 3 != 0 {
                rows.push((day, format!("GET /v1/r{e}"), n));
            }
        }
    }
    each_backend(|store| {
        with_keys(store, &[1, 2]);
        store
            .write(Durability::Normal, |q| {
                for (day, endpoint, n) in &rows {
                    q.add_endpoint("key_0000000001", *day, endpoint, *n)?;
                }
                q.add_endpoint("key_0000000002", DAY, "GET /v1/r0", 1_000)
            })
            .unwrap();
        for (from, to) in [
            (DAY - 29, DAY),
            (oct1, dec31),
            (oct1 + 1, dec31 - 1),
            (oct1 + 14, DAY + 17),
            (DAY, DAY),
            (dec31 - 2, dec31 + 40),
        ] {
            for limit in [3, 10] {
                let got = store
                    .read(|q| q.top_endpoints("key_0000000001", from, to, limit))
                    .unwrap();
                assert_eq!(got, expected_top(&rows, from, to, limit), "{from}..={to}");
            }
        }
        assert!(
            store
                .read(|q| q.top_endpoints("key_0000000009", oct1, dec31, 10))
                .unwrap()
                .is_empty()
        );
    });
}

#[test]
fn rollups_are_written_only_for_keys_that_exist() {
    each_backend(|store| {
        with_keys(store, &[1]);
        store
            .write(Durability::Normal, |q| {
                q.add_daily("key_0000000002", DAY, 200, 5)?;
                q.add_endpoint("key_0000000002", DAY, "GET /a", 5)
            })
            .unwrap();
        // The key made afterwards starts from nothing.
        with_keys(store, &[2]);
        store
            .read(|q| {
                assert_eq!(
                    q.request_totals("key_0000000002", 0)?,
                    RequestTotals::default()
                );
                assert!(q.top_endpoints("key_0000000002", DAY, DAY, 10)?.is_empty());
                assert!(q.totals_by_key(DAY, DAY)?.is_empty());
                Ok(())
            })
            .unwrap();
    });
}

/// The statements that put the rollups of schema version 1 in place: two
/// keys, rollups of both and of a key that does not exist.
const VERSION_1_ROWS: &str = "\
    INSERT INTO {s}keys (id, name, environment, scopes, prefix, secret_hash, created_at, created_by) \
        VALUES ('key_0000000001', 'one', 'live', '[]', 'sk_live_00000001', {h1}, 0, 'x'), \
               ('key_0000000002', 'two', 'live', '[]', 'sk_live_00000002', {h2}, 0, 'x'); \
    INSERT INTO {s}usage_daily (key_id, day, status, count) VALUES \
        ('key_0000000002', {d}, 200, 4), ('key_0000000002', {d}, 500, 1), \
        ('key_0000000001', {d0}, 200, 7), ('key_0000000009', {d}, 200, 99); \
    INSERT INTO {s}usage_endpoints (key_id, day, endpoint, count) VALUES \
        ('key_0000000002', {d}, 'GET /a', 3), ('key_0000000002', {d0}, 'GET /a', 2), \
        ('key_0000000002', {d}, 'POST /b', 2), ('key_0000000009', {d}, 'GET /a', 99);";

fn version_1_rows(schema: &str, hash: impl Fn(u8) -> String) -> String {
    VERSION_1_ROWS
        .replace("{s}", schema)
        .replace("{h1}", &hash(1))
        .replace("{h2}", &hash(2))
        .replace("{d0}", &(DAY - 25).to_string())
        .replace("{d}", &DAY.to_string())
}

#[test]
fn migration_3_moves_the_rollups_of_version_1() {
    for backend in backends() {
        eprintln!("on {backend:?}");
        let dir = tempfile::tempdir().unwrap();
        let location = match backend {
            Backend::Sqlite => {
                let path = dir.path().join("keys.db");
                let conn = rusqlite::Connection::open(&path).unwrap();
                keyctl::store::sqlite::apply_migrations(&conn, 0, 1).unwrap();
                let hex = |n: u8| format!("x'{}'", format!("{n:02x}").repeat(32));
                conn.execute_batch(&version_1_rows("", hex)).unwrap();
                Location::File(path)
            }
            Backend::Postgres => {
                let url = crate::cluster::fresh_database();
                let mut client =
                    crate::cluster::cluster().client(&crate::cluster::database_of(&url));
                client
                    .batch_execute(
                        "CREATE SCHEMA keyctl; CREATE TABLE keyctl.schema_migrations \
                         (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                    )
                    .unwrap();
                keyctl::store::postgres::apply_migrations(&mut client, 0, 1).unwrap();
                let hex = |n: u8| format!("'\\x{}'::bytea", format!("{n:02x}").repeat(32));
                client
                    .batch_execute(&version_1_rows("keyctl.", hex))
                    .unwrap();
                Location::Postgres(url)
            }
        };
        let mut store = keyctl::Store::open_location(&location, Access::Write).unwrap();
        store
            .read(|q| {
                assert_eq!(
                    q.request_totals("key_0000000002", DAY)?,
                    RequestTotals {
                        all_time: 5,
                        since: 5,
                        errors_since: 1,
                    }
                );
                assert_eq!(
                    q.daily_usage("key_0000000001", DAY - 29, DAY)?,
                    [(DAY - 25, 200, 7)]
                );
                assert_eq!(
                    q.top_endpoints("key_0000000002", DAY - 29, DAY, 10)?,
                    [("GET /a".to_owned(), 5), ("POST /b".to_owned(), 2)]
                );
                // The monthly rollup was filled: a window of this month
                // less its first days reads it.
                let (first, last) = days_of_month(month_of(DAY));
                assert_eq!(
                    q.top_endpoints("key_0000000002", first + 1, last, 10)?,
                    [("GET /a".to_owned(), 3), ("POST /b".to_owned(), 2)]
                );
                let mut totals = q.totals_by_key(DAY - 29, DAY)?;
                totals.sort_by(|a, b| a.key_id.cmp(&b.key_id));
                let got: Vec<(&str, u64, u64)> = totals
                    .iter()
                    .map(|t| (t.key_id.as_str(), t.requests, t.errors))
                    .collect();
                assert_eq!(got, [("key_0000000001", 7, 0), ("key_0000000002", 5, 1)]);
                Ok(())
            })
            .unwrap();
    }
}
