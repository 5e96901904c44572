//! `keyctl audit`, `audit verify`, `audit head`, and operator roles.

use insta::assert_snapshot;
use serde_json::Value;

use crate::support::{Sandbox, on_postgres, sqlite_only};

fn trail(s: &Sandbox, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["audit", "--format", "json", "--limit", "1000"];
    all.extend(args);
    let v: Value = serde_json::from_str(&s.ok(&all)).unwrap();
    v.as_array().unwrap().clone()
}

fn actions(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

fn verify_key(s: &Sandbox, secret: &str, args: &[&str]) -> String {
    let mut all = vec!["verify", "-q"];
    all.extend(args);
    s.run_with_stdin(&all, Some(&format!("{secret}\n")))
        .stdout
        .trim()
        .to_owned()
}

fn db(s: &Sandbox) -> rusqlite::Connection {
    rusqlite::Connection::open(s.db()).unwrap()
}

#[test]
fn every_event_kind_reaches_the_trail() {
    let mut s = Sandbox::new();
    s.config("[roles]\nalice = \"owner\"\nbob = \"member\"\n");
    let (id, secret) = s.create(
        "Billing sync",
        &["--scope", "invoices:write", "--rate-limit", "1/min"],
    );
    // The table seeded the store's roles; from now on it would only be
    // ignored, with a warning.
    s.config("");
    s.ok(&["update", &id, "--name", "Billing"]);
    assert_eq!(
        verify_key(&s, &secret, &["--method", "GET", "--path", "/v1/invoices"]),
        "VALID"
    );
    assert_eq!(verify_key(&s, &secret, &[]), "RATE_LIMITED");
    assert_eq!(
        verify_key(&s, &secret, &["--scope", "payouts:read"]),
        "INSUFFICIENT_SCOPE"
    );
    assert_eq!(verify_key(&s, "sk_live_typo", &[]), "MALFORMED");
    let log = format!(
        "{{\"key\":\"{id}\",\"ts\":\"2026-11-23T11:00:00Z\",\"status\":200,\"path\":\"/v1/invoices\"}}\n"
    );
    s.run_with_stdin(&["ingest"], Some(&log));
    s.ok(&["rotate", &id, "--grace", "1d", "--yes"]);
    s.set("KEYCTL_ACTOR", "bob");
    assert_eq!(s.run(&["revoke", &id, "--yes"]).code, 4);
    s.set("KEYCTL_ACTOR", "alice");
    s.ok(&["revoke", &id, "--yes"]);
    s.ok(&["roles", "revoke", "bob"]);
    let all = trail(&s, &[]);
    let mut seen = actions(&all);
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen,
        [
            "command.refused",
            "key.created",
            "key.revoked",
            "key.rotated",
            "key.updated",
            "request",
            "requests.ingested",
            "role.granted",
            "role.revoked",
            "verify.failed",
            "verify.forbidden",
            "verify.limited"
        ]
    );
    assert_snapshot!(s.transcript(&[&["audit"], &["audit", "verify"]]));
}

#[test]
fn filters_narrow_the_trail() {
    let mut s = Sandbox::new();
    let (a, secret_a) = s.create("a", &[]);
    let (b, _) = s.create("b", &[]);
    s.set("KEYCTL_NOW", "2026-11-24T12:00:00Z");
    s.set("KEYCTL_ACTOR", "carol");
    s.ok(&["revoke", &b, "--yes"]);
    assert_eq!(
        verify_key(
            &s,
            &secret_a,
            &["--method", "GET", "--path", "/v1/invoices/1"]
        ),
        "VALID"
    );
    assert_eq!(
        verify_key(
            &s,
            &secret_a,
            &["--method", "DELETE", "--path", "/v1/invoices/1"]
        ),
        "INSUFFICIENT_SCOPE"
    );
    let log = format!(
        "{{\"key\":\"{a}\",\"ts\":\"2026-11-24T10:00:00Z\",\"status\":500,\"path\":\"/v2/payouts\",\"method\":\"POST\"}}\n\
         {{\"key\":\"{a}\",\"ts\":\"2026-11-20T10:00:00Z\",\"status\":404,\"path\":\"/v1/clients\",\"method\":\"GET\"}}\n"
    );
    s.run_with_stdin(&["ingest"], Some(&log));

    let by_key = trail(&s, &["--key", &b]);
    assert_eq!(actions(&by_key), ["key.revoked", "key.created"]);
    assert_eq!(
        actions(&trail(&s, &["--action", "key.created"])),
        ["key.created", "key.created"]
    );
    assert_eq!(
        actions(&trail(
            &s,
            &["--action", "key.revoked", "--action", "requests.ingested"]
        )),
        ["requests.ingested", "key.revoked"]
    );
    // carol revoked b, ran two verifications (one VALID request, one refusal
    // event) and ingested two requests.
    let carol = trail(&s, &["--by", "carol"]);
    assert!(carol.iter().all(|e| e["actor"] == "carol"), "{carol:?}");
    let kinds: Vec<&str> = carol.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "event").count(),
        3,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "request").count(),
        3,
        "{kinds:?}"
    );
    assert!(
        trail(&s, &["--by", "alice"])
            .iter()
            .all(|e| e["actor"] == "alice")
    );
    let recent = trail(&s, &["--since", "2026-11-24"]);
    assert!(
        recent
            .iter()
            .all(|e| e["ts"].as_str().unwrap() >= "2026-11-24")
    );
    assert_eq!(actions(&trail(&s, &["--until", "2026-11-21"])), ["request"]);
    let errors = trail(&s, &["--status", "4xx"]);
    assert_eq!(actions(&errors), ["verify.forbidden", "request"]);
    assert_eq!(actions(&trail(&s, &["--status", "500"])), ["request"]);
    let payouts = trail(&s, &["--path", "/v2/"]);
    assert_eq!(payouts.len(), 1);
    assert_eq!(payouts[0]["details"]["path"], "/v2/payouts");
    let two: Value =
        serde_json::from_str(&s.ok(&["audit", "--format", "json", "--limit", "2"])).unwrap();
    assert_eq!(two.as_array().unwrap().len(), 2);
    let t = s.transcript(&[
        &["audit", "--action", "key.exploded"],
        &["audit", "--status", "6xx"],
        &["audit", "--since", "whenever"],
        &["audit", "--key", "nope"],
        &["audit", "--limit", "0"],
    ]);
    assert_snapshot!(t);
}

#[test]
fn csv_export_has_a_header_and_escapes() {
    let s = Sandbox::new();
    let (id, _) = s.create("Comma, \"quoted\" name", &[]);
    s.ok(&["revoke", &id, "--yes", "--reason", "said \"no\", twice"]);
    let out = s.ok(&["audit", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "kind");
    assert_eq!(header.len(), 12);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let details: Value = serde_json::from_str(&rows[0][10]).unwrap();
    assert_eq!(details["reason"], "said \"no\", twice");
    let details: Value = serde_json::from_str(&rows[1][10]).unwrap();
    assert_eq!(details["name"], "Comma, \"quoted\" name");
    assert!(
        out.contains("\"{\"\"reason\"\":"),
        "quotes are doubled: {out}"
    );
}

#[test]
fn the_chain_survives_a_thousand_events_and_catches_tampering() {
    let s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let one = s.ok(&["audit", "verify"]);
    assert!(one.starts_with("intact: 1 entry checked\n"), "{one}");
    // 1,000 events through the library, in-process.
    {
        let store = s.store(keyctl::store::Access::Write);
        // On PostgreSQL the operator is the database user, whoever the
        // caller names.
        let actor = store.database_user().unwrap_or("bot").to_owned();
        let mut kc = keyctl::Keyctl::new(
            store,
            keyctl::Config::default(),
            keyctl::Clock::system(),
            actor,
        );
        for i in 0..999 {
            let changes = keyctl::KeyChanges {
                name: Some(format!("k{i}")),
                ..keyctl::KeyChanges::default()
            };
            kc.update(&id, &changes).unwrap();
        }
    }
    let ok = s.run(&["audit", "verify"]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert!(ok.stdout.contains("1000 entries checked"), "{}", ok.stdout);
    let head: Value = serde_json::from_str(&s.ok(&["audit", "head", "--format", "json"])).unwrap();
    assert_eq!(head["entries"], 1000);
    let head_hash = head["hash"].as_str().unwrap().to_owned();
    assert_eq!(s.ok(&["audit", "head", "-q"]).trim(), head_hash);
    assert_eq!(s.run(&["audit", "verify", "--head", &head_hash]).code, 0);

    let broken_at = |s: &Sandbox, extra: &[&str]| -> (i32, Value) {
        let mut args = vec!["audit", "verify", "--format", "json"];
        args.extend(extra);
        let run = s.run(&args);
        (run.code, serde_json::from_str(&run.stdout).unwrap())
    };
    if sqlite_only("tampers with the SQLite file and restores it") {
        return;
    }
    // The file alone misses what is still in the -wal.
    s.checkpoint();
    let backup = std::fs::read(s.db()).unwrap();
    let restore = || {
        let _ = std::fs::remove_file(format!("{}-wal", s.db().display()));
        let _ = std::fs::remove_file(format!("{}-shm", s.db().display()));
        std::fs::write(s.db(), &backup).unwrap();
    };

    // An edited entry.
    db(&s)
        .execute(
            "UPDATE audit_events SET details = '{\"changes\":{}}' WHERE seq = 500",
            [],
        )
        .unwrap();
    let (code, v) = broken_at(&s, &[]);
    assert_eq!((code, v["broken_at"].as_i64()), (1, Some(500)), "{v}");
    assert!(v["problem"].as_str().unwrap().contains("edited"));
    restore();

    // An edited indexed column.
    db(&s)
        .execute("UPDATE audit_events SET status = 200 WHERE seq = 7", [])
        .unwrap();
    assert_eq!(broken_at(&s, &[]).1["broken_at"], 7);
    restore();

    // A deleted entry.
    db(&s)
        .execute("DELETE FROM audit_events WHERE seq = 321", [])
        .unwrap();
    let (code, v) = broken_at(&s, &[]);
    assert_eq!((code, v["broken_at"].as_i64()), (1, Some(322)), "{v}");
    restore();

    // Two swapped entries (content moved between sequence numbers).
    let conn = db(&s);
    conn.execute_batch(
        "UPDATE audit_events SET seq = -1 WHERE seq = 100;
         UPDATE audit_events SET seq = 100 WHERE seq = 101;
         UPDATE audit_events SET seq = 101 WHERE seq = -1;",
    )
    .unwrap();
    drop(conn);
    let (code, v) = broken_at(&s, &[]);
    assert_eq!((code, v["broken_at"].as_i64()), (1, Some(100)), "{v}");
    restore();

    // A truncated tail looks intact on its own, but not against the head.
    db(&s)
        .execute("DELETE FROM audit_events WHERE seq > 990", [])
        .unwrap();
    let (code, v) = broken_at(&s, &[]);
    assert_eq!((code, v["checked"].as_u64()), (0, Some(990)), "{v}");
    let (code, v) = broken_at(&s, &["--head", &head_hash]);
    assert_eq!(code, 1);
    assert!(v["problem"].as_str().unwrap().contains("truncated"), "{v}");
    restore();
    assert_eq!(s.run(&["audit", "verify", "--head", "xyz"]).code, 1);
}

/// Every row of every table, for comparing a whole database before and after.
fn dump(s: &Sandbox) -> String {
    if on_postgres() {
        // Every table, as keyctl itself reports it.
        let mut out = String::new();
        for args in [
            &["list", "--status", "all", "--format", "json"][..],
            &["audit", "--format", "json", "--limit", "100000"],
            &["usage", "--format", "json"],
            &["events", "list", "--format", "json"],
        ] {
            out.push_str(&s.ok(args));
        }
        return out;
    }
    let c = db(s);
    let tables: Vec<String> = {
        let mut stmt = c
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let mut out = String::new();
    for t in tables {
        let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            out.push_str(&format!("{t}: {}\n", cells.join(" | ")));
        }
    }
    out
}

/// Item 10 of the reliability issue: when the audit insert fails, the
/// change it describes is rolled back and the command exits 1: every
/// lifecycle change, every refused verification, an ingest, and an
/// operator's refused command.
#[test]
fn a_failed_audit_write_rolls_the_change_back() {
    let mut s = Sandbox::new();
    let (id, secret) = s.create("k", &[]);
    let (test_id, test_secret) = s.create("t", &["--env", "test"]);
    s.ok(&["roles", "grant", "alice", "owner"]);
    s.ok(&["roles", "grant", "bob", "member"]);
    if on_postgres() {
        s.sql(
            "CREATE FUNCTION no_audit() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$; \
             CREATE TRIGGER no_audit BEFORE INSERT ON audit_events \
             FOR EACH ROW EXECUTE FUNCTION no_audit();",
        );
    } else {
        s.sql(
            "CREATE TRIGGER no_audit BEFORE INSERT ON audit_events \
             BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END;",
        );
    }
    let before = dump(&s);
    let log = format!("{{\"key\":\"{id}\",\"ts\":1795000000,\"status\":200}}\n");
    let cases: Vec<(Vec<&str>, Option<String>)> = vec![
        (vec!["revoke", &id, "--yes"], None),
        (vec!["update", &id, "--name", "renamed"], None),
        (vec!["rotate", &id, "--yes"], None),
        (vec!["rotate", &id, "--yes", "--grace", "1d"], None),
        (
            vec!["create", "--name", "new", "--scope", "invoices:read"],
            None,
        ),
        (vec!["verify"], Some("sk_live_malformed\n".to_owned())),
        (
            vec!["verify", "--env", "live"],
            Some(format!("{test_secret}\n")),
        ),
        (
            vec!["verify", "--scope", "invoices:admin"],
            Some(format!("{secret}\n")),
        ),
        (vec!["ingest", "-"], Some(log)),
    ];
    for (args, input) in &cases {
        let run = s.run_with_stdin(args, input.as_deref());
        assert_eq!(run.code, 1, "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("audit store unavailable"),
            "{}",
            run.stderr
        );
        assert_eq!(before, dump(&s), "{args:?} changed the database");
    }
    // A command the operator's role forbids is refused all the same, and
    // records nothing either.
    s.set("KEYCTL_ACTOR", "bob");
    let run = s.run(&["revoke", &test_id, "--yes"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("audit store unavailable"),
        "{}",
        run.stderr
    );
    assert_eq!(before, dump(&s));
    // A valid verification writes no event (its request row is its trail
    // entry), so it goes through.
    s.set("KEYCTL_ACTOR", "alice");
    let run = s.run_with_stdin(&["verify", "-q"], Some(&format!("{secret}\n")));
    assert_eq!(run.stdout, "VALID\n", "{}", run.stderr);
}

#[test]
fn no_secret_ever_enters_the_trail() {
    let s = Sandbox::new();
    let (id, secret) = s.create("k", &[]);
    let (gone, revoked) = s.create("gone", &[]);
    s.ok(&["revoke", &gone, "--yes"]);
    let rotated = s.ok(&["rotate", &id, "--yes", "-q"]).trim().to_owned();
    let unknown = keyctl::Secret::generate(
        &keyctl::secret::KeyPrefix::default(),
        keyctl::Environment::Live,
    )
    .unwrap()
    .expose()
    .to_owned();
    let malformed = format!("{}x", &rotated[..rotated.len() - 1]);
    for presented in [&secret, &rotated, &revoked, &unknown, &malformed] {
        verify_key(&s, presented, &[]);
    }
    let dump = s.dump();
    let shown = s.ok(&["audit", "--format", "json", "--limit", "100"]) + &dump;
    for presented in [&secret, &rotated, &revoked, &unknown, &malformed] {
        assert!(
            !shown.contains(&presented[16..]),
            "secret material in the trail"
        );
    }
    // An unknown well-formed key leaves its displayed prefix at most; a
    // malformed one nothing.
    assert!(shown.contains(&unknown[..16]));
    assert!(!shown.contains(&malformed[..16]) || malformed[..16] == rotated[..16]);
}

/// (command, args, the lowest role that may run it)
fn matrix(id: &str) -> Vec<(&'static str, Vec<String>, &'static str)> {
    let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        ("list", v(&["list"]), "member"),
        ("show", v(&["show", id]), "member"),
        ("usage", v(&["usage", id]), "member"),
        ("audit", v(&["audit"]), "member"),
        ("scopes", v(&["scopes"]), "member"),
        ("verify", v(&["verify", "--no-record"]), "member"),
        (
            "create",
            v(&["create", "--name", "n", "--scope", "invoices:read"]),
            "admin",
        ),
        ("update", v(&["update", id, "--description", "d"]), "admin"),
        ("ingest", v(&["ingest"]), "admin"),
        (
            "rotate",
            v(&["rotate", id, "--grace", "1d", "--yes"]),
            "owner",
        ),
        ("revoke", v(&["revoke", id, "--yes"]), "owner"),
        ("roles list", v(&["roles", "list"]), "owner"),
        (
            "roles grant",
            v(&["roles", "grant", "extra", "member"]),
            "owner",
        ),
        ("roles revoke", v(&["roles", "revoke", "extra"]), "owner"),
    ]
}

#[test]
fn the_role_matrix() {
    let mut s = Sandbox::new();
    s.set("KEYCTL_ACTOR", "olga");
    for (name, role) in [("olga", "owner"), ("adam", "admin"), ("mia", "member")] {
        s.ok(&["roles", "grant", name, role]);
    }
    let rank = |r: &str| {
        ["member", "admin", "owner"]
            .iter()
            .position(|x| *x == r)
            .unwrap()
    };
    for (actor, role) in [("mia", "member"), ("adam", "admin"), ("olga", "owner")] {
        // A fresh key for each actor, so revoke and rotate have something to act on.
        s.set("KEYCTL_ACTOR", "olga");
        let (id, secret) = s.create(&format!("for {actor}"), &[]);
        s.set("KEYCTL_ACTOR", actor);
        for (command, args, needs) in matrix(&id) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let input = match command {
                "verify" => Some(format!("{secret}\n")),
                "ingest" => Some(String::new()),
                _ => None,
            };
            let refused_before = trail_refusals(&s);
            let run = s.run_with_stdin(&args, input.as_deref());
            let allowed = rank(role) >= rank(needs);
            if allowed {
                assert_eq!(run.code, 0, "{actor} ({role}) {command}: {}", run.stderr);
            } else {
                assert_eq!(run.code, 4, "{actor} ({role}) {command}: {}", run.stderr);
                assert!(
                    run.stderr.contains(&format!("needs the {needs} role")),
                    "{}",
                    run.stderr
                );
                assert_eq!(
                    trail_refusals(&s),
                    refused_before + 1,
                    "{command} refusal not audited"
                );
            }
        }
    }
    // Without a role (no "*" entry), even reading is refused.
    s.set("KEYCTL_ACTOR", "stranger");
    let run = s.run(&["list"]);
    assert_eq!(run.code, 4);
    assert_snapshot!(run.stderr);
    // A "*" grant is the role of everyone without one.
    s.set("KEYCTL_ACTOR", "olga");
    s.ok(&["roles", "grant", "*", "member"]);
    s.set("KEYCTL_ACTOR", "stranger");
    assert_eq!(s.run(&["list"]).code, 0);
    assert_eq!(
        s.run(&["create", "--name", "x", "--scope", "invoices:read"])
            .code,
        4
    );
}

fn trail_refusals(s: &Sandbox) -> i64 {
    let query = keyctl::store::AuditQuery {
        actions: vec!["command.refused".into()],
        limit: 1_000_000,
        ..keyctl::store::AuditQuery::default()
    };
    let rows = s
        .store(keyctl::store::Access::Read)
        .read(|q| q.audit_events(&query))
        .unwrap();
    i64::try_from(rows.len()).unwrap()
}

#[test]
fn a_refused_command_changes_nothing_else() {
    let mut s = Sandbox::new();
    s.config("[roles]\nolga = \"owner\"\nmia = \"member\"\n");
    s.set("KEYCTL_ACTOR", "olga");
    let (id, _) = s.create("k", &[]);
    let before = s.ok(&["list", "--status", "all", "--format", "json"]);
    s.set("KEYCTL_ACTOR", "mia");
    assert_eq!(s.run(&["revoke", &id, "--yes"]).code, 4);
    assert_eq!(
        s.run(&["create", "--name", "x", "--scope", "invoices:read"])
            .code,
        4
    );
    assert_eq!(
        before,
        s.ok(&["list", "--status", "all", "--format", "json"])
    );
    let refusals = trail(&s, &["--action", "command.refused"]);
    assert_eq!(refusals.len(), 2);
    assert_eq!(refusals[0]["actor"], "mia");
    assert_eq!(refusals[0]["details"]["command"], "create");
    assert_eq!(refusals[0]["details"]["role"], "member");
    assert_eq!(refusals[0]["details"]["required_role"], "admin");
}

#[test]
fn a_refusal_comes_before_any_lookup() {
    let mut s = Sandbox::new();
    s.config("[roles]\nolga = \"owner\"\nmia = \"member\"\n");
    s.set("KEYCTL_ACTOR", "olga");
    s.create("k", &[]);
    s.set("KEYCTL_ACTOR", "mia");
    for args in [
        &["update", "nope", "--name", "x"][..],
        &["revoke", "nope", "--yes"],
        &["rotate", "nope", "--yes"],
    ] {
        assert_eq!(s.run(args).code, 4, "{args:?}");
    }
    assert_eq!(trail_refusals(&s), 3);
}

/// The canonical form as the README documents it, recomputed by an
/// independent implementation (Python's standard library) over the table.
const OUTSIDE_CHECK: &str = r#"
import hashlib, json, sqlite3, sys
from datetime import datetime, timezone
db = sqlite3.connect(sys.argv[1])
prev, n = "0" * 64, 0
rows = db.execute("SELECT seq, ts, actor, action, key_id, key_prefix, details, status, path, prev_hash, hash FROM audit_events ORDER BY seq")
for seq, ts, actor, action, key_id, key_prefix, details, status, path, prev_hash, h in rows:
    s = lambda v: "null" if v is None else json.dumps(v, ensure_ascii=False)
    t = datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = ('{"seq":%d,"ts":%s,"actor":%s,"action":%s,"key_id":%s,"key_prefix":%s,"details":%s,"status":%s,"path":%s,"prev_hash":%s}'
            % (seq, s(t), s(actor), s(action), s(key_id), s(key_prefix), details, "null" if status is None else str(status), s(path), s(prev)))
    if prev_hash != prev or hashlib.sha256(text.encode()).hexdigest() != h:
        print("broken", seq); sys.exit(1)
    prev, n = h, n + 1
print("ok", n)
"#;

#[test]
fn an_outside_script_can_verify_the_chain() {
    if sqlite_only("the script reads the SQLite file with Python's sqlite3") {
        return;
    }
    let s = Sandbox::new();
    let (id, secret) = s.create(
        "Zoë \"quoted\" name",
        &["--description", "ünïcode \u{1b}[31m"],
    );
    s.ok(&["update", &id, "--meta", "team=paiements"]);
    verify_key(
        &s,
        &secret,
        &[
            "--scope",
            "payouts:read",
            "--method",
            "GET",
            "--path",
            "/v1/payouts/ü",
        ],
    );
    verify_key(&s, "sk_live_bad", &[]);
    s.ok(&["revoke", &id, "--yes", "--reason", "tab\there"]);
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(OUTSIDE_CHECK)
        .arg(s.db())
        .output()
        .expect("python3 is needed for this test");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok 5\n");
    // And it notices an edit.
    db(&s)
        .execute(
            "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
            [],
        )
        .unwrap();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(OUTSIDE_CHECK)
        .arg(s.db())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "broken 2\n");
}

/// Issue 13: `--actor` is the global option naming who runs a command,
/// written before the subcommand or after it, for `audit` as for every
/// other command; the trail's operator filter is `audit --by`.
#[test]
fn the_global_actor_is_the_operator_and_by_filters_the_trail() {
    let mut s = Sandbox::new();
    s.set("KEYCTL_ACTOR", "olga");
    s.ok(&["roles", "grant", "olga", "owner"]);
    s.ok(&["roles", "grant", "adam", "admin"]);
    s.set("KEYCTL_ACTOR", "adam");
    s.create("k", &[]);
    // On SQLite the login name (which has no role) would run the command;
    // on PostgreSQL the database user, olga.
    s.set("KEYCTL_ACTOR", "olga");
    s.unset("KEYCTL_ACTOR");
    for args in [
        &["--actor", "olga", "audit", "--format", "json"][..],
        &["audit", "--actor", "olga", "--format", "json"],
    ] {
        let run = s.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let entries: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(
            actions(&entries),
            ["key.created", "role.granted", "role.granted"],
            "{args:?} filtered the trail"
        );
    }
    let by_adam = trail(&s, &["--actor", "olga", "--by", "adam"]);
    assert_eq!(actions(&by_adam), ["key.created"]);
    assert!(trail(&s, &["--actor", "olga", "--by", "nobody"]).is_empty());
    assert_eq!(trail_refusals(&s), 0);
    // `nobody` running `audit` is refused, and the refusal recorded.
    for args in [
        &["--actor", "nobody", "audit", "--by", "olga"][..],
        &["audit", "--actor", "nobody"],
    ] {
        let run = s.run(args);
        assert_eq!(run.code, 4, "{args:?}: {}", run.stderr);
        let expected = if on_postgres() {
            "the operator is the database user 'olga', not 'nobody'"
        } else {
            "operator 'nobody' has no role"
        };
        assert!(run.stderr.contains(expected), "{}", run.stderr);
    }
    assert_eq!(trail_refusals(&s), 2);
}
