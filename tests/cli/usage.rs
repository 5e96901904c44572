//! `keyctl ingest` and `keyctl usage`.

use std::collections::BTreeMap;

use insta::assert_snapshot;

use crate::support::Sandbox;

/// A gateway log of `n` requests for `key`, spread over the 10 days before
/// the sandbox's clock, with a known mix of methods, paths and statuses.
fn gateway_log(key: &str, n: usize) -> (String, Vec<(String, String, u16, String)>) {
    let mut lines = String::new();
    let mut rows = Vec::new();
    for i in 0..n {
        let date = format!("2026-11-{:02}", 13 + i % 10);
        let method = ["GET", "POST", "DELETE"][i % 3];
        let path = if i % 3 == 0 {
            "/v1/invoices".to_owned()
        } else {
            format!("/v1/invoices/{i}")
        };
        let status = [200u16, 200, 201, 404, 500][i % 5];
        lines.push_str(
            &serde_json::json!({
                "key": key, "ts": format!("{date}T10:{:02}:00Z", i % 60), "method": method,
                "path": path, "status": status, "duration_ms": i % 50,
                "ip": format!("10.0.0.{}", i % 4), "user_agent": "gateway/1.0"
            })
            .to_string(),
        );
        lines.push('\n');
        rows.push((date, method.to_owned(), status, path));
    }
    (lines, rows)
}

fn json(s: &Sandbox, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&s.ok(args)).unwrap()
}

#[test]
fn an_ingested_log_is_reported_exactly() {
    let s = Sandbox::new();
    let (id, secret) = s.create("Billing sync", &[]);
    let (log, rows) = gateway_log(&id, 300);
    let file = s.home().join("gw.jsonl");
    std::fs::write(&file, &log).unwrap();
    let run = s.run(&["ingest", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["requests"], 300);
    assert_eq!(summary["keys"], 1);

    let r = json(
        &s,
        &["usage", &secret[..16], "--format", "json", "--recent", "3"],
    );
    assert_eq!(r["total"], 300);
    assert_eq!(r["errors"], rows.iter().filter(|r| r.2 >= 400).count());
    let mut per_day: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_status: BTreeMap<u16, u64> = BTreeMap::new();
    for (date, _, status, _) in &rows {
        *per_day.entry(date.clone()).or_default() += 1;
        *per_status.entry(*status).or_default() += 1;
    }
    let daily = r["daily"].as_array().unwrap();
    assert_eq!(daily.len(), 30);
    for d in daily {
        let date = d["date"].as_str().unwrap();
        assert_eq!(
            d["requests"],
            per_day.get(date).copied().unwrap_or(0),
            "{date}"
        );
    }
    let statuses: BTreeMap<u16, u64> = r["status_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["status"].as_u64().unwrap() as u16,
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(statuses, per_status);
    assert_eq!(r["status_classes"]["2xx"], 180);
    assert_eq!(r["status_classes"]["4xx"], 60);
    assert_eq!(r["status_classes"]["5xx"], 60);
    let endpoints: Vec<(String, u64)> = r["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["endpoint"].as_str().unwrap().to_owned(),
                e["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        endpoints,
        [
            ("DELETE /v1/invoices/:id".to_owned(), 100),
            ("GET /v1/invoices".to_owned(), 100),
            ("POST /v1/invoices/:id".to_owned(), 100)
        ]
    );
    assert_eq!(r["recent"].as_array().unwrap().len(), 3);
    assert_eq!(r["recent"][0]["ts"], "2026-11-22T10:59:00Z");
    // Ingested traffic does not count against limits or set last use.
    let key = json(&s, &["show", &id, "--format", "json"]);
    assert_eq!(key["last_used_at"], serde_json::Value::Null);
}

#[test]
fn a_bad_line_imports_nothing_and_is_named() {
    let mut s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let (log, _) = gateway_log(&id, 20);
    let mut lines: Vec<String> = log.lines().map(str::to_owned).collect();
    lines[6] = lines[6].replace("\"status\":", "\"status\":\"oops\",\"x\":");
    let file = s.home().join("bad.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let unknown = s.home().join("unknown.jsonl");
    std::fs::write(&unknown, log.replace(&id, "key_zzzzzzzzzz")).unwrap();
    let not_json = s.home().join("notjson.jsonl");
    std::fs::write(
        &not_json,
        format!("{}\n{{oops\n", log.lines().next().unwrap()),
    )
    .unwrap();
    let t = s.transcript(&[
        &["ingest", file.to_str().unwrap()],
        &["ingest", unknown.to_str().unwrap()],
        &["ingest", not_json.to_str().unwrap()],
        &["ingest", "/nonexistent/file.jsonl"],
    ]);
    assert!(t.contains("line 7: field 'status'"), "{t}");
    let r = json(&s, &["usage", &id, "--format", "json"]);
    assert_eq!(r["total"], 0, "something was imported");
    assert_snapshot!(t);
}

#[test]
fn ingest_reads_standard_input() {
    let s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let (log, _) = gateway_log(&id, 5);
    let run = s.run_with_stdin(&["ingest"], Some(&log));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Imported 5 requests for 1 key from standard input\n"
    );
    let run = s.run_with_stdin(&["ingest", "-"], Some(""));
    assert_eq!(
        run.stdout,
        "Imported 0 requests for 0 keys from standard input\n"
    );
}

#[test]
fn usage_report_in_each_format() {
    let mut s = Sandbox::new();
    let (id, key) = s.create("Billing sync", &[]);
    let (other, _) = s.create("Reporting", &[]);
    let (log, _) = gateway_log(&id, 40);
    s.run_with_stdin(&["ingest"], Some(&log));
    let (log, _) = gateway_log(&other, 7);
    s.run_with_stdin(&["ingest"], Some(&log));
    for _ in 0..3 {
        s.run_with_stdin(
            &[
                "verify",
                "--method",
                "GET",
                "--path",
                "/v1/invoices/7",
                "--ip",
                "203.0.113.9",
                "--user-agent",
                "sdk/2",
            ],
            Some(&key),
        );
    }
    s.run_with_stdin(&["verify", "--scope", "payouts:read"], Some(&key));
    assert_snapshot!(s.transcript(&[
        &["usage", "Billing sync", "--days", "14", "--recent", "6"],
        &[
            "usage",
            "Billing sync",
            "--days",
            "3",
            "--recent",
            "2",
            "--format",
            "json"
        ],
        &[
            "usage",
            "Billing sync",
            "--since",
            "2026-11-20",
            "--until",
            "2026-11-23",
            "--format",
            "csv"
        ],
        &["usage"],
        &["usage", "--format", "json"],
        &["usage", "--format", "csv"],
    ]));
}

#[test]
fn usage_windows_are_checked() {
    let mut s = Sandbox::new();
    s.create("k", &[]);
    let t = s.transcript(&[
        &["usage", "k", "--days", "0"],
        &[
            "usage",
            "k",
            "--since",
            "2026-11-20",
            "--until",
            "2026-11-10",
        ],
        &["usage", "k", "--since", "soon"],
        &["usage", "k", "--days", "7", "--since", "1d"],
        &["usage", "nope"],
        &["usage"],
    ]);
    assert_snapshot!(t);
}

#[test]
fn usage_windows_are_bounded_and_ingest_names_what_it_cannot_read() {
    let s = Sandbox::new();
    s.create("k", &[]);
    let run = s.run(&["usage", "k", "--since", "0001-01-01"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("longer than 3660 days"),
        "{}",
        run.stderr
    );
    let run = s.run(&["ingest", s.home().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("cannot read the input"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_request_and_one_error_are_counted_in_the_singular() {
    let s = Sandbox::new();
    let (id, _) = s.create("Billing sync", &[]);
    let log = format!(
        "{{\"key\":\"{id}\",\"ts\":\"2026-11-23T10:00:00Z\",\"method\":\"GET\",\"path\":\"/v1/invoices\",\"status\":500}}\n"
    );
    s.run_with_stdin(&["ingest"], Some(&log));
    let out = s.ok(&["usage", &id]);
    assert!(out.contains("(UTC): 1 request, 1 error (100.0%)"), "{out}");
    assert!(out.contains("\nLast 1 call\n"), "{out}");
    assert!(
        !out.contains("1 errors") && !out.contains("1 requests"),
        "{out}"
    );
}
