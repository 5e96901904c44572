//! Floor for `keyctl verify`: the irreducible work of checking a presented
//! key as a fresh process, written directly against rusqlite.
//!
//! Reads the secret from stdin, SHA-256s it, opens the database, reads
//! `user_version`, looks the hash up by its unique index and prints one line.
//! With `--record` it also runs one `BEGIN IMMEDIATE` transaction that
//! updates `last_used_at`, inserts one request row and upserts one daily
//! rollup row (WAL, `synchronous=NORMAL`). It does not checkpoint when it
//! closes, unless `--sqlite-defaults` asks for SQLite's own behaviour: the
//! last connection to close checkpoints the `-wal` and deletes it, which is
//! what a plain SQLite program does and the floor of the steady-state loops.

use std::io::BufRead;

use rusqlite::{Connection, OpenFlags, OptionalExtension, config::DbConfig, params};
use sha2::{Digest, Sha256};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: floor_verify DB [--record] [--sqlite-defaults]");
    let flags: Vec<String> = args.collect();
    let record = flags.iter().any(|f| f == "--record");
    let defaults = flags.iter().any(|f| f == "--sqlite-defaults");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).expect("stdin");
    let hash: [u8; 32] = Sha256::digest(line.trim_end().as_bytes()).into();
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("open");
    if !defaults {
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .expect("config");
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    let found: Option<(String, i64)> = conn
        .query_row(
            "SELECT id, seq FROM keys WHERE secret_hash = ?1",
            [&hash[..]],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .expect("lookup");
    let Some((id, seq)) = found else {
        println!("NOT_FOUND");
        return;
    };
    if record {
        let now = 1_795_435_200_i64;
        conn.execute_batch("PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE")
            .expect("begin");
        conn.execute(
            "UPDATE keys SET last_used_at = ?2 WHERE id = ?1",
            params![id, now],
        )
        .expect("update");
        conn.execute(
            "INSERT INTO requests (key_id, ts, method, path, status, outcome, source) \
             VALUES (?1, ?2, 'GET', '/v1/invoices', 200, 'VALID', 'verify')",
            params![id, now],
        )
        .expect("insert");
        conn.execute(
            "INSERT INTO usage_daily (key_seq, day, status, count) VALUES (?1, ?2, 200, 1) \
             ON CONFLICT (key_seq, day, status) DO UPDATE SET count = count + 1",
            params![seq, now / 86_400],
        )
        .expect("upsert");
        conn.execute_batch("COMMIT").expect("commit");
    }
    println!("VALID {id} (schema {version})");
}
