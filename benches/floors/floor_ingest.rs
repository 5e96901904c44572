//! Floor for `keyctl ingest`: request rows inserted with the table's indexes,
//! 1,000 per transaction, from a JSON Lines file (parsed with serde_json, the
//! least a reader of such a file does). No rollups, no checks.

use std::io::BufRead;

use rusqlite::{Connection, params};

#[derive(serde::Deserialize)]
struct Line {
    key: String,
    ts: i64,
    method: Option<String>,
    path: Option<String>,
    status: u16,
    duration_ms: Option<u32>,
    ip: Option<String>,
    user_agent: Option<String>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let db = args.next().expect("usage: floor_ingest DB FILE");
    let file = args.next().expect("usage: floor_ingest DB FILE");
    let conn = Connection::open(&db).expect("open");
    conn.execute_batch("PRAGMA synchronous = NORMAL")
        .expect("sync");
    let reader = std::io::BufReader::new(std::fs::File::open(file).expect("file"));
    let mut n = 0u64;
    conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
    for line in reader.lines() {
        let line = line.expect("line");
        let l: Line = serde_json::from_str(&line).expect("json");
        conn.prepare_cached(
            "INSERT INTO requests (key_id, ts, method, path, status, duration_ms, ip, user_agent, \
             source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'ingest')",
        )
        .expect("prepare")
        .execute(params![
            l.key,
            l.ts,
            l.method,
            l.path,
            l.status,
            l.duration_ms,
            l.ip,
            l.user_agent
        ])
        .expect("insert");
        n += 1;
        if n.is_multiple_of(1000) {
            conn.execute_batch("COMMIT; BEGIN IMMEDIATE")
                .expect("commit");
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
    println!("{n}");
}
