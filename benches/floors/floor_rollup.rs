//! Floor for `keyctl usage` over all keys: one scan of the daily rollups
//! that sums requests per key (its row number) over the last 30 days,
//! printed as CSV.

use std::io::Write;

use rusqlite::{Connection, OpenFlags, config::DbConfig, params};

fn main() {
    let path = std::env::args().nth(1).expect("usage: floor_rollup DB");
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("open");
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
        .expect("config");
    let today = 1_795_435_200_i64 / 86_400;
    let mut stmt = conn
        .prepare(
            "SELECT key_seq, sum(count) FROM usage_daily WHERE day BETWEEN ?1 AND ?2 \
             GROUP BY key_seq",
        )
        .expect("prepare");
    let mut rows = stmt.query(params![today - 29, today]).expect("query");
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    while let Some(row) = rows.next().expect("row") {
        let id: i64 = row.get(0).expect("key");
        let n: i64 = row.get(1).expect("n");
        writeln!(out, "{id},{n}").expect("write");
    }
}
