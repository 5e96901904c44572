//! `keyctl show` and how KEY arguments resolve.

use insta::assert_snapshot;

use crate::support::Sandbox;

#[test]
fn show_in_each_format() {
    let mut s = Sandbox::new();
    s.create(
        "Billing sync",
        &[
            "--scope",
            "invoices:write",
            "--description",
            "nightly sync",
            "--expires",
            "2027-01-01",
            "--rate-limit",
            "60/min",
            "--quota",
            "50000/month",
            "--meta",
            "team=billing",
            "--meta",
            "ticket=OPS-7",
        ],
    );
    assert_snapshot!(s.transcript(&[
        &["show", "Billing sync"],
        &["show", "Billing sync", "--format", "json"],
        &["show", "Billing sync", "--format", "csv"],
    ]));
}

#[test]
fn keys_resolve_by_id_prefix_and_name() {
    let s = Sandbox::new();
    let (id, secret) = s.create("Billing sync", &[]);
    let prefix = &secret[..16];
    for query in [id.as_str(), prefix, "Billing sync"] {
        let out = s.ok(&["show", query, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["id"], id.as_str(), "{query}");
    }
}

#[test]
fn names_prefer_keys_that_are_not_revoked() {
    let s = Sandbox::new();
    let (old, _) = s.create("Billing sync", &[]);
    s.ok(&["revoke", &old, "--yes"]);
    let (new, _) = s.create("Billing sync", &[]);
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", "Billing sync", "--format", "json"])).unwrap();
    assert_eq!(v["id"], new.as_str());
    s.ok(&["revoke", &new, "--yes"]);
    // With every key of that name revoked, the name matches them all.
    let run = s.run(&["show", "Billing sync"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("matches 2 keys"), "{}", run.stderr);
}

#[test]
fn unknown_ambiguous_and_secret_arguments() {
    let mut s = Sandbox::new();
    let (_, secret) = s.create("twin", &[]);
    s.create("twin", &["--scope", "payouts:read"]);
    let transcript = s.transcript(&[
        &["show", "nope"],
        &["show", "key_zzzzzzzzzz"],
        &["show", "twin"],
        &["show", "sk_live_AAAAAAAA"],
        &["show", &secret],
    ]);
    assert!(!transcript.contains(&secret[8..]), "a secret was echoed");
    assert_snapshot!(transcript);
}

#[test]
fn show_reports_the_rotation_chain() {
    let mut s = Sandbox::new();
    let (first, _) = s.create("Billing sync", &[]);
    s.ok(&["rotate", &first, "--yes"]);
    let chain: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", &first, "--format", "json"])).unwrap();
    let second = chain["replaced_by"].as_str().unwrap().to_owned();
    s.ok(&["rotate", &second, "--yes"]);
    assert_snapshot!(s.transcript(&[&["show", &second], &["show", &second, "--format", "json"]]));
}
