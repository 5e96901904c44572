//! `keyctl roles` and the operator (SPEC §5): roles live in the store, a
//! config's `[roles]` table only seeds a store that never had a grant, the
//! owner rules hold, and on PostgreSQL the operator is the database user.

use insta::assert_snapshot;
use serde_json::Value;

use crate::support::{Sandbox, on_postgres};

fn trail(s: &Sandbox, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["audit", "--format", "json", "--limit", "1000"];
    all.extend(args);
    serde_json::from_str(&s.ok(&all)).unwrap()
}

#[test]
fn the_config_seeds_an_empty_store_once_and_is_ignored_after() {
    let mut s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    s.config("[roles]\nalice = \"owner\"\nbob = \"member\"\n");
    // The first command after the table appears seeds the store, audited.
    s.ok(&["list"]);
    let seeded = trail(&s, &["--action", "role.granted"]);
    assert_eq!(seeded.len(), 2, "{seeded:?}");
    assert!(seeded.iter().all(|e| e["details"]["source"] == "config"));
    // A swapped config removes nothing: bob is still a member without it,
    // and a table that makes him owner is ignored, with a warning.
    s.set("KEYCTL_ACTOR", "bob");
    let run = s.run(&["--config", "/dev/null", "revoke", &id, "--yes"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    s.config("[roles]\nbob = \"owner\"\n");
    let run = s.run(&["revoke", &id, "--yes"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("config.toml is ignored: roles live in the store now"),
        "{}",
        run.stderr
    );
    s.set("KEYCTL_ACTOR", "alice");
    assert_snapshot!(s.transcript(&[&["roles", "list"], &["roles", "list", "--format", "json"]]));
    // Nothing was seeded twice.
    assert_eq!(trail(&s, &["--action", "role.granted"]).len(), 2);
}

#[test]
fn a_table_without_an_owner_seeds_nothing() {
    let s = Sandbox::new();
    s.config("[roles]\n\"*\" = \"member\"\n");
    let run = s.run(&["list"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("names no owner"), "{}", run.stderr);
    s.config("");
    assert_eq!(s.ok(&["roles", "list", "--format", "json"]).trim(), "[]");
}

#[test]
fn the_first_grant_makes_an_owner_and_the_last_owner_stays() {
    let mut s = Sandbox::new();
    let transcript = s.transcript(&[
        &["roles", "list"],
        &["roles", "grant", "bob", "member"],
        &["roles", "grant", "alice", "owner"],
        &["roles", "grant", "alice", "owner"],
        &["roles", "grant", "bob", "member"],
        &["roles", "grant", "*", "member"],
        &["roles", "grant", "alice", "admin"],
        &["roles", "revoke", "alice"],
        &["roles", "grant", "bob", "owner", "--format", "json"],
        &["roles", "revoke", "carol"],
        &["roles", "revoke", "alice"],
    ]);
    s.set("KEYCTL_ACTOR", "bob");
    let transcript = transcript + &s.transcript(&[&["roles", "list"]]);
    assert_snapshot!(transcript);
    // Refused changes are in the trail; done ones too.
    let refused = trail(&s, &["--action", "command.refused"]);
    let commands: Vec<&str> = refused
        .iter()
        .map(|e| e["details"]["command"].as_str().unwrap())
        .collect();
    assert_eq!(commands, ["roles revoke", "roles grant", "roles grant"]);
    assert_eq!(trail(&s, &["--action", "role.granted"]).len(), 4);
    assert_eq!(trail(&s, &["--action", "role.revoked"]).len(), 1);
    // alice has no grant left; "*" makes her a member now.
    s.set("KEYCTL_ACTOR", "alice");
    let run = s.run(&["roles", "list"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("has the member role"), "{}", run.stderr);
}

#[test]
fn revoking_the_last_grant_makes_everyone_an_owner_and_the_config_stays_ignored() {
    let s = Sandbox::new();
    s.ok(&["roles", "grant", "alice", "owner"]);
    s.ok(&["roles", "revoke", "alice"]);
    // Ignored, not judged: even a table without an owner.
    s.config("[roles]\n\"*\" = \"member\"\n");
    let run = s.run(&["roles", "list", "--format", "json"]);
    assert_eq!((run.code, run.stdout.trim()), (0, "[]"), "{}", run.stderr);
    assert!(run.stderr.contains("is ignored"), "{}", run.stderr);
}

#[test]
fn bad_grants_are_refused() {
    let s = Sandbox::new();
    for (args, code) in [
        (&["roles", "grant", "bob", "root"][..], 2),
        (&["roles", "grant", "", "owner"], 1),
        (&["roles", "grant", "tab\there", "owner"], 1),
        (&["roles", "revoke"], 2),
    ] {
        let run = s.run(args);
        assert_eq!(run.code, code, "{args:?}: {}", run.stderr);
    }
    assert_eq!(s.ok(&["roles", "list", "--format", "json"]).trim(), "[]");
}

/// The trust model of each backend: on SQLite the operator is whatever name
/// is given (the file's permissions are the barrier); on PostgreSQL it is the
/// database user, and a name that is anyone else's is refused and recorded.
#[test]
fn the_operator_is_the_database_user_on_postgresql_and_a_given_name_on_sqlite() {
    let mut s = Sandbox::new();
    s.ok(&["roles", "grant", "alice", "owner"]);
    s.ok(&["roles", "grant", "bob", "member"]);
    let (id, _) = s.create("k", &[]);
    s.set("KEYCTL_ACTOR", "bob");
    let run = s.run(&["--actor", "alice", "revoke", &id, "--yes"]);
    let refusals = trail(&s, &["--action", "command.refused"]);
    if on_postgres() {
        // bob connects as bob: claiming to be alice is refused.
        assert_eq!(run.code, 4, "{}", run.stderr);
        assert!(
            run.stderr
                .contains("the operator is the database user 'bob', not 'alice'"),
            "{}",
            run.stderr
        );
        assert_eq!(refusals.len(), 1, "{refusals:?}");
        assert_eq!(refusals[0]["actor"], "bob");
        assert_eq!(refusals[0]["details"]["claimed_operator"], "alice");
        // Without a name the operator is the database user, and naming
        // oneself is fine.
        s.unset("KEYCTL_ACTOR");
        let run = s.run(&["--actor", "bob", "list", "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        s.connect_as("alice");
        let created: Value = serde_json::from_str(&s.ok(&[
            "create",
            "--name",
            "m",
            "--scope",
            "invoices:read",
            "--format",
            "json",
        ]))
        .unwrap();
        assert_eq!(created["created_by"], "alice");
        let revoked = s.ok(&["list", "--status", "revoked", "--format", "json"]);
        assert_eq!(revoked.trim(), "[]");
    } else {
        // On a file, a name is only a name: accountability, not a barrier.
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(refusals.is_empty(), "{refusals:?}");
        let revoked = trail(&s, &["--action", "key.revoked"]);
        assert_eq!(revoked[0]["actor"], "alice");
    }
}
