//! `keyctl update`.

use insta::assert_snapshot;

use crate::support::Sandbox;

#[test]
fn update_changes_what_may_change() {
    let mut s = Sandbox::new();
    let (id, _) = s.create(
        "Billing sync",
        &["--meta", "team=billing", "--meta", "ticket=OPS-1"],
    );
    assert_snapshot!(s.transcript(&[
        &[
            "update",
            &id,
            "--name",
            "Billing sync (EU)",
            "--description",
            "EU shard",
            "--expires",
            "2027-06-30",
            "--rate-limit",
            "100/min",
            "--quota",
            "5000/day",
            "--meta",
            "region=eu",
            "--unset-meta",
            "ticket",
        ],
        &["show", &id],
        &["update", &id, "--name", "Billing sync (EU)"],
        &[
            "update",
            &id,
            "--rate-limit",
            "none",
            "--quota",
            "none",
            "--expires",
            "never",
            "--description",
            ""
        ],
        &["update", &id, "--name", "renamed", "--format", "json"],
    ]));
}

#[test]
fn update_refuses_bad_input_and_revoked_keys() {
    let mut s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let (gone, _) = s.create("gone", &[]);
    s.ok(&["revoke", &gone, "--yes"]);
    let before = s.ok(&["list", "--status", "all", "--format", "json"]);
    assert_snapshot!(s.transcript(&[
        &["update", &id],
        &["update", &id, "--name", ""],
        &["update", &id, "--expires", "2001-01-01"],
        &["update", &id, "--rate-limit", "lots"],
        &["update", &id, "--unset-meta", "bad key"],
        &["update", &id, "--scope", "payouts:read"],
        &["update", &gone, "--name", "back"],
        &["update", "nope", "--name", "x"],
    ]));
    assert_eq!(
        before,
        s.ok(&["list", "--status", "all", "--format", "json"])
    );
}
