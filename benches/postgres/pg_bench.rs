//! Verify against PostgreSQL, beside its floor: the same single indexed
//! `SELECT` by secret hash through the same client crate (`postgres`).
//!
//! Usage:
//!   pg_bench URL [URL…] --keyctl PATH_TO_KEYCTL     measure (resets the schema keyctl)
//!   pg_bench --floor-process URL                    the process floor (secret on stdin)
//!
//! For each URL (a unix socket and a TCP one, say) it prints, as Markdown:
//! - connection set-up alone (connect, then close), in-process;
//! - library verify without recording vs the floor (SHA-256 + one prepared
//!   indexed SELECT on a long-lived connection), alternating batches;
//! - library verify with recording vs a floor write transaction of prepared
//!   statements (update last use, insert the request, upsert the daily
//!   rollup; no lock, no limits, no audit);
//! - process verify (`keyctl verify --no-record`) vs a floor process that
//!   connects, hashes and runs the SELECT, alternating runs;
//! - recorded verifications per second from one process (cycling over four
//!   keys) and from four at once (one key each): what the write locks cost.
//!
//!   pg_bench --throughput URL [ROUNDS]               only that, ROUNDS times
//!
//! The database must exist; the bench drops and recreates the schema keyctl
//! in it, then creates 1,000 keys through the library.
//!
//! On a small machine a round trip costs about 20 µs when the client and
//! its server process share a CPU and about 80 µs when a wake-up must cross
//! to another, and which one a connection gets varies from run to run. So
//! the in-process timings pin this process and the database's server
//! processes to one CPU (`PG_BENCH_CPU`, default 0; `taskset`, as root or
//! the server's user), so that keyctl and the floor run alike.

use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use keyctl::store::Access;
use keyctl::{Clock, Config, Keyctl, NewKey, Scope, Store, VerifyRequest};
use sha2::{Digest, Sha256};

const SELECT: &str = "SELECT id, seq FROM keyctl.keys WHERE secret_hash = $1";

fn connect(url: &str) -> postgres::Client {
    postgres::Config::from_str(url)
        .expect("url")
        .connect(postgres::NoTls)
        .expect("connect")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn floor_process(url: &str) {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).expect("stdin");
    let hash: [u8; 32] = Sha256::digest(line.trim_end().as_bytes()).into();
    let mut client = connect(url);
    let row = client.query_opt(SELECT, &[&&hash[..]]).expect("select");
    let id: Option<String> = row.map(|r| r.get(0));
    println!("{}", id.as_deref().unwrap_or("NOT_FOUND"));
}

/// Resets the schema, creates 1,000 keys; returns the secrets of four of them.
fn setup(url: &str) -> Vec<String> {
    connect(url)
        .batch_execute("DROP SCHEMA IF EXISTS keyctl CASCADE")
        .expect("reset");
    let store = Store::open(url, Access::Write).expect("open");
    let config = Config::default();
    let scope = Scope::parse("invoices:read", &config.catalog).expect("scope");
    let mut kc = Keyctl::new(store, config, Clock::system(), "bench".into());
    let mut secrets = Vec::new();
    for i in 0..1000 {
        let created = kc
            .create(NewKey::new(format!("k{i}"), vec![scope.clone()]))
            .expect("create");
        if (500..504).contains(&i) {
            secrets.push(created.secret.expose().to_owned());
        }
    }
    secrets
}

/// Alternates `a` and `b` in batches of `per` calls; medians per call, µs.
fn paired(rounds: usize, per: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..per {
            a();
        }
        xs.push(t.elapsed().as_secs_f64() * 1e6 / per as f64);
        let t = Instant::now();
        for _ in 0..per {
            b();
        }
        ys.push(t.elapsed().as_secs_f64() * 1e6 / per as f64);
    }
    (median(xs), median(ys))
}

fn row(what: &str, keyctl: f64, floor: f64, unit: &str) {
    println!(
        "| {what} | {keyctl:.1} {unit} | {floor:.1} {unit} | {:.2}× |",
        keyctl / floor
    );
}

fn measure(url: &str, keyctl_bin: &str, label: &str) {
    let secrets = setup(url);
    let secret = secrets[0].clone();
    println!("\n### {label}\n");
    // Connection set-up alone.
    let mut connects = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let c = connect(url);
        connects.push(t.elapsed().as_secs_f64() * 1e6);
        drop(c);
    }
    let store_opens: Vec<f64> = (0..50)
        .map(|_| {
            let t = Instant::now();
            let s = Store::open(url, Access::Modify).expect("open");
            let us = t.elapsed().as_secs_f64() * 1e6;
            drop(s);
            us
        })
        .collect();
    println!("| operation | keyctl | floor | ratio |");
    println!("|---|---|---|---|");
    row(
        "connection set-up (keyctl: connect + schema check)",
        median(store_opens),
        median(connects.clone()),
        "µs",
    );

    let mut floor = connect(url);
    let stmt = floor.prepare(SELECT).expect("prepare");
    let store = Store::open(url, Access::Write).expect("open");
    let mut kc = Keyctl::new(store, Config::default(), Clock::system(), "bench".into());
    pin(&mut floor);
    let no_record = VerifyRequest::default();
    let (k, f) = paired(
        21,
        500,
        || {
            let v = kc.verify(&secret, &no_record).expect("verify");
            assert!(v.outcome.is_valid());
        },
        || {
            let hash: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
            let r = floor.query_one(&stmt, &[&&hash[..]]).expect("row");
            let _: &str = r.get(0);
        },
    );
    row("library verify, no record", k, f, "µs");

    let record = VerifyRequest {
        method: Some("GET".into()),
        path: Some("/v1/invoices".into()),
        record: true,
        ..VerifyRequest::default()
    };
    let day = chrono::Utc::now().timestamp() / 86_400;
    let update = floor
        .prepare("UPDATE keyctl.keys SET last_used_at = $2 WHERE id = $1")
        .expect("prepare");
    let insert = floor
        .prepare(
            "INSERT INTO keyctl.requests (key_id, ts, method, path, status, outcome, source) \
             VALUES ($1, $2, 'GET', '/v1/invoices', 200, 'VALID', 'verify')",
        )
        .expect("prepare");
    let upsert = floor
        .prepare(
            "INSERT INTO keyctl.usage_daily AS u (key_seq, day, status, count) \
             VALUES ($1, $2, 200, 1) ON CONFLICT (key_seq, day, status) \
             DO UPDATE SET count = u.count + 1",
        )
        .expect("prepare");
    let (k, f) = paired(
        11,
        200,
        || {
            let v = kc.verify(&secret, &record).expect("verify");
            assert!(v.outcome.is_valid());
        },
        || {
            let hash: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
            let r = floor.query_one(&stmt, &[&&hash[..]]).expect("row");
            let id: String = r.get(0);
            let seq: i64 = r.get(1);
            let now = chrono::Utc::now().timestamp();
            floor
                .batch_execute("BEGIN; SET LOCAL synchronous_commit = off")
                .expect("begin");
            floor.execute(&update, &[&id, &now]).expect("update");
            floor.execute(&insert, &[&id, &now]).expect("insert");
            floor.execute(&upsert, &[&seq, &day]).expect("upsert");
            floor.batch_execute("COMMIT").expect("commit");
        },
    );
    row("library verify + record", k, f, "µs");
    drop(kc);
    drop(floor);

    // Whole processes, alternating, on any CPU.
    let _ = Command::new("taskset")
        .args(["-pc", "0-1023", &std::process::id().to_string()])
        .stdout(Stdio::null())
        .status();
    let me = std::env::current_exe().expect("exe");
    let run = |cmd: &mut Command| {
        let t = Instant::now();
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{secret}\n").as_bytes())
            .expect("write");
        let status = child.wait().expect("wait");
        assert!(status.success(), "{cmd:?}");
        t.elapsed().as_secs_f64() * 1e3
    };
    let (mut ks, mut fs) = (Vec::new(), Vec::new());
    for i in 0..65 {
        let k = run(Command::new(keyctl_bin).args(["--db", url, "verify", "--no-record"]));
        let f = run(Command::new(&me).args(["--floor-process", url]));
        if i >= 5 {
            ks.push(k);
            fs.push(f);
        }
    }
    row(
        "process verify, no record (60 pairs)",
        median(ks),
        median(fs),
        "ms",
    );
    for procs in [1, 4] {
        println!(
            "\nrecorded verifications of four keys, {procs} process{}: {:.0}/s",
            if procs == 1 { "" } else { "es" },
            throughput(url, &secrets, procs)
        );
    }
    std::thread::sleep(Duration::from_millis(10));
}

/// Pins this process and every server process of the database to one CPU.
fn pin(client: &mut postgres::Client) {
    let cpu = std::env::var("PG_BENCH_CPU").unwrap_or_else(|_| "0".to_owned());
    if cpu == "none" {
        return;
    }
    let mut pids = vec![std::process::id().to_string()];
    for row in client
        .query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()",
            &[],
        )
        .expect("backends")
    {
        pids.push(row.get::<_, i32>(0).to_string());
    }
    for pid in pids {
        let ok = Command::new("taskset")
            .args(["-pc", &cpu, &pid])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "taskset -pc {cpu} {pid} failed (PG_BENCH_CPU=none to skip)"
        );
    }
}

/// Recorded verifications in a loop for `secs` seconds, cycling over the
/// secrets given one a line on stdin; prints the count.
fn hammer(url: &str, secs: u64) {
    let secrets: Vec<String> = std::io::stdin()
        .lock()
        .lines()
        .map(|l| l.expect("stdin"))
        .filter(|l| !l.is_empty())
        .collect();
    let store = Store::open(url, Access::Write).expect("open");
    let mut kc = Keyctl::new(store, Config::default(), Clock::system(), "bench".into());
    let record = VerifyRequest {
        record: true,
        ..VerifyRequest::default()
    };
    let until = Instant::now() + Duration::from_secs(secs);
    let mut n = 0u64;
    while Instant::now() < until {
        let secret = &secrets[n as usize % secrets.len()];
        let v = kc.verify(secret, &record).expect("verify");
        assert!(v.outcome.is_valid());
        n += 1;
    }
    println!("{n}");
}

/// Recorded verifications per second with `procs` processes at once: one
/// process cycles over every secret, several take one secret each (in turn).
fn throughput(url: &str, secrets: &[String], procs: usize) -> f64 {
    let me = std::env::current_exe().expect("exe");
    let secs = 3;
    let children: Vec<_> = (0..procs)
        .map(|i| {
            let given = if procs == 1 {
                secrets.join("\n")
            } else {
                secrets[i % secrets.len()].clone()
            };
            let mut child = Command::new(&me)
                .args(["--hammer", url, &secs.to_string()])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn");
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(format!("{given}\n").as_bytes())
                .expect("write");
            child
        })
        .collect();
    let total: u64 = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse::<u64>()
                .expect("count")
        })
        .sum();
    total as f64 / secs as f64
}

/// Only the throughput of recorded verifications, `rounds` times (1 and 4
/// processes alternating); one line per round, then the medians.
fn rounds_of_throughput(url: &str, rounds: usize) {
    let secrets = setup(url);
    let (mut ones, mut fours) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let one = throughput(url, &secrets, 1);
        let four = throughput(url, &secrets, 4);
        println!("round {round}: 1 process {one:.0}/s, 4 processes {four:.0}/s");
        ones.push(one);
        fours.push(four);
    }
    println!(
        "median: 1 process {:.0}/s, 4 processes {:.0}/s",
        median(ones),
        median(fours)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--floor-process") {
        floor_process(args.get(1).expect("url"));
        return;
    }
    if args.first().map(String::as_str) == Some("--hammer") {
        let secs = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
        hammer(args.get(1).expect("url"), secs);
        return;
    }
    if args.first().map(String::as_str) == Some("--throughput") {
        let url = args.get(1).expect("url");
        let rounds = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
        rounds_of_throughput(url, rounds);
        return;
    }
    let k = args
        .iter()
        .position(|a| a == "--keyctl")
        .expect("--keyctl PATH");
    let keyctl_bin = args.get(k + 1).expect("--keyctl PATH").clone();
    let urls: Vec<&String> = args[..k].iter().collect();
    for url in urls {
        let label = if url.contains("%2F") || url.contains("host=/") {
            "unix socket"
        } else {
            "TCP 127.0.0.1"
        };
        measure(url, &keyctl_bin, label);
    }
}
