//! `keyctl revoke`.

use insta::assert_snapshot;

use crate::support::Sandbox;

#[test]
fn revoke_is_immediate_and_idempotent() {
    let mut s = Sandbox::new();
    let (id, _) = s.create("Billing sync", &[]);
    assert_snapshot!(s.transcript(&[
        &["revoke", &id, "--reason", "leaked in a log", "--yes"],
        &["revoke", &id, "--yes"],
        &["revoke", &id],
        &["show", &id, "--format", "json"],
        &["list"],
    ]));
}

#[test]
fn revoke_without_a_terminal_needs_yes() {
    let mut s = Sandbox::new();
    let (id, _) = s.create("Billing sync", &[]);
    let out = s.snap(&["revoke", &id]);
    assert!(out.contains("exit: 1"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", &id, "--format", "json"])).unwrap();
    assert_eq!(v["status"], "active");
    assert_snapshot!(out);
}

#[test]
fn revoke_in_json_and_csv() {
    let mut s = Sandbox::new();
    let (a, _) = s.create("a", &[]);
    let (b, _) = s.create("b", &[]);
    assert_snapshot!(s.transcript(&[
        &["revoke", &a, "--yes", "--format", "json"],
        &["revoke", &b, "--yes", "--format", "csv"],
    ]));
}
