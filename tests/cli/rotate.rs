//! `keyctl rotate`.

use insta::assert_snapshot;

use crate::support::Sandbox;

fn json(s: &Sandbox, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&s.ok(args)).unwrap()
}

#[test]
fn rotate_replaces_a_key_and_revokes_the_old_one() {
    let mut s = Sandbox::new();
    let (id, old_secret) = s.create(
        "Billing sync",
        &[
            "--scope",
            "invoices:write",
            "--env",
            "test",
            "--expires",
            "30d",
            "--rate-limit",
            "60/min",
            "--quota",
            "100/day",
            "--meta",
            "team=billing",
        ],
    );
    s.set("KEYCTL_NOW", "2026-12-03T12:00:00Z");
    let out = s.snap(&["rotate", &id, "--yes"]);
    assert!(!out.contains(&old_secret[8..]));
    assert_snapshot!(out);
    let old = json(&s, &["show", &id, "--format", "json"]);
    let new = json(
        &s,
        &[
            "show",
            old["replaced_by"].as_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(old["status"], "revoked");
    assert_eq!(new["rotated_from"], id.as_str());
    for field in [
        "name",
        "scopes",
        "environment",
        "rate_limit",
        "quota",
        "metadata",
        "description",
    ] {
        assert_eq!(old[field], new[field], "{field}");
    }
    // Same lifetime length: 30 days from the rotation.
    assert_eq!(new["expires_at"], "2027-01-02T12:00:00Z");
}

#[test]
fn rotate_with_grace_keeps_the_old_key_valid_until_then() {
    let mut s = Sandbox::new();
    let (id, _) = s.create("Billing sync", &[]);
    assert_snapshot!(s.transcript(&[&["rotate", &id, "--grace", "7d", "--yes"], &["list"]]));
    let old = json(&s, &["show", &id, "--format", "json"]);
    assert_eq!(old["status"], "active");
    assert_eq!(old["expires_at"], "2026-11-30T12:00:00Z");
    s.set("KEYCTL_NOW", "2026-11-30T12:00:00Z");
    let old = json(&s, &["show", &id, "--format", "json"]);
    assert_eq!(old["status"], "expired");
}

#[test]
fn rotate_refuses_what_cannot_be_rotated() {
    let mut s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let (gone, _) = s.create("gone", &[]);
    s.ok(&["revoke", &gone, "--yes"]);
    s.ok(&["rotate", &id, "--grace", "1d", "--yes"]);
    let before = s.ok(&["list", "--status", "all", "--format", "json"]);
    assert_snapshot!(s.transcript(&[
        &["rotate", &id, "--yes"],
        &["rotate", &gone, "--yes"],
        &["rotate", &id, "--grace", "31d", "--yes"],
        &["rotate", &id, "--grace", "soon", "--yes"],
        &["rotate", &id],
    ]));
    assert_eq!(
        before,
        s.ok(&["list", "--status", "all", "--format", "json"])
    );
}

#[test]
fn quiet_rotate_prints_only_the_new_secret_and_json_carries_both_keys() {
    let mut s = Sandbox::new();
    let (a, _) = s.create("a", &[]);
    let (b, _) = s.create("b", &[]);
    let run = s.run(&["rotate", &a, "--yes", "-q"]);
    assert_eq!(run.code, 0);
    assert!(keyctl::Secret::parse(run.stdout.trim_end()).is_ok());
    assert_snapshot!(s.transcript(&[&["rotate", &b, "--yes", "--format", "json"],]));
}

#[test]
fn a_grace_period_can_end_earlier_but_never_later() {
    let s = Sandbox::new();
    s.config("plan = \"trial\"\n");
    let (old, _) = s.create("a", &[]);
    s.create("b", &[]);
    s.ok(&["rotate", &old, "--grace", "1d", "--yes"]);
    for later in ["never", "2027-01-01", "30d"] {
        let run = s.run(&["update", &old, "--expires", later]);
        assert_eq!(run.code, 1, "{later}: {}", run.stdout);
        assert!(
            run.stderr.contains("grace period can end earlier"),
            "{}",
            run.stderr
        );
    }
    s.ok(&["update", &old, "--expires", "1h"]);
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", &old, "--format", "json"])).unwrap();
    assert_eq!(v["expires_at"], "2026-11-23T13:00:00Z");
    // Still two active keys as the plan counts them: a third is refused.
    assert_eq!(
        s.run(&["create", "--name", "c", "--scope", "invoices:read"])
            .code,
        5
    );
}

#[test]
fn a_rotate_refused_by_the_plan_is_in_the_trail() {
    let mut s = Sandbox::new();
    s.config("plan = \"trial\"\n");
    let (a, _) = s.create("a", &[]);
    s.create("b", &[]);
    // The plan shrinks under two active keys: even without the old key
    // one is left, the whole allowance.
    s.config("plan = \"trial\"\n[plans.trial]\nmax_keys = 1\n");
    s.set("KEYCTL_ACTOR", "dave");
    let run = s.run(&["rotate", &a, "--yes"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    let refused = crate::create::refusals(&s);
    assert_eq!(refused.len(), 1, "{refused:?}");
    let e = &refused[0];
    assert_eq!(e["actor"], "dave");
    assert_eq!(e["key_id"], a.as_str());
    let details = e["details"].to_string();
    for part in [
        "\"command\":\"rotate\"",
        "\"plan\":\"trial\"",
        "\"max_keys\":1",
        "\"active_keys\":1",
    ] {
        assert!(details.contains(part), "{details}");
    }
    // The old key is untouched and the chain holds.
    assert_eq!(
        json(&s, &["show", &a, "--format", "json"])["status"],
        "active"
    );
    s.ok(&["audit", "verify"]);
}
