//! `keyctl create`.

use insta::assert_snapshot;

use crate::support::Sandbox;

#[test]
fn create_prints_the_secret_once_in_each_format() {
    let mut s = Sandbox::new();
    assert_snapshot!(s.transcript(&[
        &[
            "create",
            "--name",
            "Billing sync",
            "--scope",
            "invoices:read"
        ],
        &[
            "create",
            "--name",
            "CI",
            "--scope",
            "payouts:write",
            "--scope",
            "invoices:admin",
            "--env",
            "test",
            "--expires",
            "90d",
            "--description",
            "deploy pipeline",
            "--rate-limit",
            "2000/15min",
            "--quota",
            "1000/day",
            "--meta",
            "team=payments",
            "--format",
            "json",
        ],
        &[
            "create",
            "--name",
            "Reporting",
            "--full-access",
            "--format",
            "csv"
        ],
    ]));
}

#[test]
fn quiet_create_prints_only_the_secret() {
    let s = Sandbox::new();
    let run = s.run(&[
        "create",
        "--name",
        "deploy",
        "--scope",
        "clients:read",
        "-q",
    ]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let line = run.stdout.strip_suffix('\n').expect("one line");
    assert!(!line.contains('\n'));
    assert!(keyctl::Secret::parse(line).is_ok(), "not a secret: {line}");
    assert!(line.starts_with("sk_live_"));
}

#[test]
fn expiry_forms_are_accepted() {
    let mut s = Sandbox::new();
    for when in [
        "2027-01-01",
        "2026-12-01T10:00:00+02:00",
        "12h",
        "4w",
        "never",
    ] {
        s.ok(&[
            "create",
            "--name",
            when,
            "--scope",
            "invoices:read",
            "--expires",
            when,
        ]);
    }
    assert_snapshot!(s.snap(&["list", "--format", "csv"]));
}

#[test]
fn config_sets_the_prefix_environment_and_catalog() {
    let mut s = Sandbox::new();
    s.config("key_prefix = \"acme\"\ndefault_env = \"test\"\nscopes = [\"orders\", \"refunds\"]\n");
    let (_, secret) = s.create("orders bot", &["--scope", "orders:write"]);
    assert!(secret.starts_with("acme_test_"), "{secret}");
    assert_snapshot!(s.transcript(&[
        &["create", "--name", "x", "--scope", "invoices:read"],
        &["create", "--name", "x", "--scope", "order:read"],
        &["scopes"],
    ]));
}

#[test]
fn bad_values_are_refused_and_change_nothing() {
    let mut s = Sandbox::new();
    s.create("existing", &[]);
    let before = s.ok(&["list", "--status", "all", "--format", "json"]);
    let long = "x".repeat(101);
    assert_snapshot!(s.transcript(&[
        &["create", "--name", &long, "--scope", "invoices:read"],
        &["create", "--name", "", "--scope", "invoices:read"],
        &["create", "--name", "   ", "--scope", "invoices:read"],
        &[
            "create",
            "--name",
            "bell\u{7}name",
            "--scope",
            "invoices:read"
        ],
        &["create", "--name", "x", "--scope", "invoice:read"],
        &["create", "--name", "x", "--scope", "invoices:own"],
        &["create", "--name", "x", "--scope", "invoices"],
        &[
            "create",
            "--name",
            "x",
            "--scope",
            "invoices:read",
            "--expires",
            "2020-01-01"
        ],
        &[
            "create",
            "--name",
            "x",
            "--scope",
            "invoices:read",
            "--expires",
            "2026-13-45"
        ],
        &[
            "create",
            "--name",
            "x",
            "--scope",
            "invoices:read",
            "--expires",
            "2026-11-23"
        ],
        &[
            "create",
            "--name",
            "x",
            "--scope",
            "invoices:read",
            "--rate-limit",
            "fast"
        ],
        &[
            "create",
            "--name",
            "x",
            "--scope",
            "invoices:read",
            "--quota",
            "10/week"
        ],
        &[
            "create",
            "--name",
            "x",
            "--scope",
            "invoices:read",
            "--meta",
            "novalue"
        ],
        &[
            "create",
            "--name",
            "x",
            "--scope",
            "invoices:read",
            "--env",
            "prod"
        ],
        &["create", "--name", "x"],
        &["create", "--scope", "invoices:read"],
        &["create"],
        &[
            "create",
            "--name",
            "x",
            "--scope",
            "invoices:read",
            "--description",
            &"d".repeat(1001)
        ],
    ]));
    let after = s.ok(&["list", "--status", "all", "--format", "json"]);
    assert_eq!(before, after);
}

#[test]
fn a_bad_value_does_not_create_the_database() {
    let s = Sandbox::new();
    let run = s.run(&["create", "--name", "x", "--scope", "nope:read"]);
    assert_eq!(run.code, 1);
    assert!(!s.db().exists());
    assert!(!s.home().join(".local").exists());
}

/// The refusals of `command.refused` entries in the trail, oldest first.
pub fn refusals(s: &Sandbox) -> Vec<serde_json::Value> {
    let out = s.ok(&[
        "audit",
        "--action",
        "command.refused",
        "--format",
        "json",
        "--limit",
        "100",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut entries = v.as_array().unwrap().clone();
    entries.reverse();
    entries
}

#[test]
fn a_create_refused_by_the_plan_is_in_the_trail() {
    let mut s = Sandbox::new();
    s.config("plan = \"trial\"\n");
    s.create("a", &[]);
    s.create("b", &[]);
    s.set("KEYCTL_ACTOR", "carol");
    let run = s.run(&["create", "--name", "c", "--scope", "invoices:read"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr.contains("plan 'trial' allows 2"),
        "{}",
        run.stderr
    );
    let refused = refusals(&s);
    assert_eq!(refused.len(), 1, "{refused:?}");
    let e = &refused[0];
    assert_eq!(e["actor"], "carol");
    assert_eq!(e["key_id"], serde_json::Value::Null);
    let details = e["details"].to_string();
    for part in [
        "\"command\":\"create\"",
        "\"plan\":\"trial\"",
        "\"max_keys\":2",
        "\"active_keys\":2",
    ] {
        assert!(details.contains(part), "{details}");
    }
    // Nothing but the refusal was written, and the chain still holds.
    let keys: serde_json::Value =
        serde_json::from_str(&s.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(keys.as_array().unwrap().len(), 2);
    s.ok(&["audit", "verify"]);
}

#[test]
fn a_plan_without_keys_records_each_refused_create() {
    let s = Sandbox::new();
    s.config("plan = \"solo\"\n");
    for _ in 0..2 {
        let run = s.run(&["create", "--name", "c", "--scope", "invoices:read"]);
        assert_eq!(run.code, 5, "{}", run.stderr);
    }
    let refused = refusals(&s);
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[1]["details"].to_string().contains("\"max_keys\":0"));
}
