//! `ingest` refuses what a gateway log should never hold, naming the line:
//! times far from now, a field given twice, a line too long to be a record,
//! and an `ip` that is not an IP address. Nothing is imported then.

use crate::support::Sandbox;

fn record(key: &str, ts: &str) -> String {
    format!(r#"{{"key":"{key}","ts":"{ts}","method":"GET","path":"/v1/invoices","status":200}}"#)
}

fn ingest_refused(s: &Sandbox, log: &str, expect: &str) {
    let file = s.home().join("gw.jsonl");
    std::fs::write(&file, log).unwrap();
    let before = s.dump();
    let run = s.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{expect}: {}", run.stderr);
    assert!(run.stderr.contains(expect), "{expect}: {}", run.stderr);
    assert!(
        run.stderr.contains("nothing was imported"),
        "{}",
        run.stderr
    );
    assert_eq!(s.dump(), before);
}

#[test]
fn times_far_ahead_or_before_1970_are_refused() {
    let s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let ok = record(&id, "2026-11-22T10:00:00Z");
    for ts in [
        "9999-12-31T00:00:00Z",
        "2026-11-24T12:00:01Z",
        "0001-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
    ] {
        let log = format!("{ok}\n{}\n", record(&id, ts));
        ingest_refused(&s, &log, "line 2: field 'ts'");
    }
    // Up to a day ahead (clock skew between machines) is fine.
    let file = s.home().join("ok.jsonl");
    std::fs::write(&file, format!("{}\n", record(&id, "2026-11-24T12:00:00Z"))).unwrap();
    s.ok(&["ingest", file.to_str().unwrap()]);
}

#[test]
fn a_field_given_twice_is_refused() {
    let s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let log = format!(r#"{{"key":"{id}","ts":"2026-11-22T10:00:00Z","status":200,"status":500}}"#);
    ingest_refused(&s, &format!("{log}\n"), "field 'status' appears twice");
}

#[test]
fn a_line_longer_than_64_kib_is_refused_without_reading_it_whole() {
    let s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let long = format!(
        r#"{{"key":"{id}","ts":"2026-11-22T10:00:00Z","status":200,"x":"{}"}}"#,
        "a".repeat(70_000)
    );
    let ok = record(&id, "2026-11-22T10:00:00Z");
    ingest_refused(
        &s,
        &format!("{ok}\n{long}\n"),
        "line 2: longer than 65536 bytes",
    );
    // Multi-byte text cut at the limit is still reported as too long.
    let wide = format!(r#"{{"key":"{id}","x":"{}"}}"#, "é".repeat(40_000));
    ingest_refused(&s, &format!("{wide}\n"), "line 1: longer than 65536 bytes");
}

#[test]
fn an_ip_that_is_not_an_ip_address_is_refused() {
    let s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let line = |ip: &str| {
        format!(r#"{{"key":"{id}","ts":"2026-11-22T10:00:00Z","status":200,"ip":"{ip}"}}"#)
    };
    for ip in ["evil\u{202e}", "10.0.0.1:80", "example.com"] {
        ingest_refused(&s, &format!("{}\n", line(ip)), "line 1: field 'ip'");
    }
    let file = s.home().join("ok.jsonl");
    std::fs::write(
        &file,
        format!("{}\n{}\n", line("10.0.0.1"), line("2001:db8::2")),
    )
    .unwrap();
    s.ok(&["ingest", file.to_str().unwrap()]);
}
