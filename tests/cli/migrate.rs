//! `keyctl migrate`: a store copied whole, either way, or not at all.
//!
//! On the PostgreSQL run the round trip is SQLite file → PostgreSQL →
//! SQLite file; on the SQLite run it is file → file → file. Either way
//! every command's output must be the same on the copy as on the original.

use crate::cluster;
use crate::support::{Sandbox, on_postgres};

/// A store with something in every table.
fn populate(s: &mut Sandbox) -> (String, String) {
    s.config(
        "[[webhooks]]\nname = \"ops\"\nurl = \"http://127.0.0.1:9/hook\"\n\
         secret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n",
    );
    let (a, secret) = s.create("alpha", &["--rate-limit", "10/min", "--quota", "100/day"]);
    let (b, _) = s.create("beta", &["--scope", "payouts:write", "--expires", "30d"]);
    for path in ["/v1/invoices/1", "/v1/invoices/2", "/v1/payouts"] {
        let run = s.run_with_stdin(
            &["verify", "--method", "GET", "--path", path],
            Some(&secret),
        );
        assert!(run.code == 0 || run.code == 4, "{}", run.stderr);
    }
    let run = s.run_with_stdin(&["verify"], Some("sk_live_nonsense"));
    assert_eq!(run.code, 3);
    s.ok(&["rotate", &a, "--grace", "1d", "--yes"]);
    s.ok(&["revoke", &b, "--yes", "--reason", "test"]);
    let log = format!("{{\"key\":\"{a}\",\"ts\":1795000000,\"status\":200,\"path\":\"/v1/x\"}}\n");
    assert_eq!(s.run_with_stdin(&["ingest"], Some(&log)).code, 0);
    s.set("KEYCTL_NOW", "2026-12-20T12:00:00Z");
    s.ok(&["events", "scan"]);
    // One failed delivery attempt leaves a pending delivery to copy.
    let _ = s.run(&["events", "deliver"]);
    s.set("KEYCTL_NOW", crate::support::NOW);
    (a, b)
}

/// What every reading command prints, to compare two stores.
fn outputs(s: &Sandbox, db: &str, a: &str) -> Vec<String> {
    let reads: Vec<Vec<&str>> = vec![
        vec!["list", "--status", "all", "--format", "json"],
        vec!["show", a, "--format", "json"],
        vec!["usage", "--format", "json"],
        vec!["usage", a, "--format", "json"],
        vec!["audit", "--limit", "100", "--format", "json"],
        vec!["audit", "head", "--format", "json"],
        vec!["audit", "verify", "--format", "json"],
        vec!["events", "list", "--format", "json"],
    ];
    reads
        .iter()
        .map(|args| {
            let mut full = vec!["--db", db];
            full.extend(args);
            let run = s.run(&full);
            assert_eq!(run.code, 0, "{full:?}: {}", run.stderr);
            run.stdout
        })
        .collect()
}

#[test]
fn a_round_trip_copies_everything_and_the_chain_stays_intact() {
    let mut s = Sandbox::new();
    let (a, _) = populate(&mut s);
    let original = s.location();
    let before = outputs(&s, &original, &a);

    let middle = s.home().join("middle.db").to_string_lossy().into_owned();
    let back = if on_postgres() {
        // Connected as the sandbox's operator, as every other run is.
        cluster::url_as(&cluster::fresh_database(), "alice")
    } else {
        s.home().join("back.db").to_string_lossy().into_owned()
    };
    let run = s.run(&[
        "--db", &original, "migrate", "--to", &middle, "--format", "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for table in [
        "keys",
        "requests",
        "daily_rollups",
        "endpoint_rollups",
        "limit_counters",
        "audit_events",
        "events",
        "deliveries",
    ] {
        assert!(
            summary["copied"][table].as_u64().unwrap() > 0,
            "{table}: {summary}"
        );
    }
    assert_eq!(outputs(&s, &middle, &a), before, "the copy differs");

    let run = s.run(&["--db", &middle, "migrate", "--to", &back]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        outputs(&s, &back, &a),
        before,
        "the copy of the copy differs"
    );

    // The copy goes on where the original would: new rows follow the old.
    let run = s.run(&[
        "--db",
        &back,
        "create",
        "--name",
        "after",
        "--scope",
        "invoices:read",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = s.run(&["--db", &back, "audit", "verify"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_target_with_data_is_refused_and_left_as_it_was() {
    let mut s = Sandbox::new();
    populate(&mut s);
    let original = s.location();
    let target = s.home().join("target.db").to_string_lossy().into_owned();
    s.ok(&[
        "--db",
        &target,
        "create",
        "--name",
        "there",
        "--scope",
        "invoices:read",
    ]);
    let before = s.ok(&["--db", &target, "audit", "head"]);
    let mut run = s.run(&["--db", &original, "migrate", "--to", &target]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("already holds keyctl data (1 row in its keys table)"),
        "{}",
        run.stderr
    );
    assert_eq!(s.ok(&["--db", &target, "audit", "head"]), before);
    run = s.run(&["--db", &original, "migrate", "--to", &original]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is the store itself"), "{}", run.stderr);
}

#[test]
fn a_failed_copy_leaves_no_new_file() {
    let mut s = Sandbox::new();
    populate(&mut s);
    let original = s.location();
    // A member may not migrate: the copy is refused before anything is read,
    // and the file it would have made is gone.
    s.config("[roles]\nolga = \"owner\"\nalice = \"member\"\n");
    let target = s.home().join("new.db");
    let run = s.run(&[
        "--db",
        &original,
        "migrate",
        "--to",
        target.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(!target.exists(), "a refused migrate left a file");
}
