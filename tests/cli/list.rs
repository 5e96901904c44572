//! `keyctl list`.

use insta::assert_snapshot;

use crate::support::Sandbox;

/// Four keys: active, test-env with expiry, revoked, and one that expires.
fn fixture() -> Sandbox {
    let s = Sandbox::new();
    s.create(
        "Billing sync",
        &["--scope", "invoices:write", "--meta", "team=billing"],
    );
    s.create(
        "CI",
        &[
            "--scope",
            "payouts:read",
            "--env",
            "test",
            "--expires",
            "10d",
        ],
    );
    let (revoked, _) = s.create("Old export", &["--scope", "clients:read"]);
    s.ok(&["revoke", &revoked, "--yes", "--reason", "unused"]);
    s.create("Short lived", &["--full-access", "--expires", "12h"]);
    s
}

#[test]
fn list_in_each_format() {
    let mut s = fixture();
    assert_snapshot!(s.transcript(&[
        &["list"],
        &["list", "--format", "json"],
        &["list", "--format", "csv"],
    ]));
}

#[test]
fn list_filters() {
    let mut s = fixture();
    assert_snapshot!(s.transcript(&[
        &["list", "--status", "all"],
        &["list", "--status", "revoked"],
        &["list", "--env", "test"],
        &["list", "--scope", "invoices:read"],
        &["list", "--scope", "payouts:write"],
        &["list", "--expiring-within", "1d"],
        &["list", "--status", "active", "--expiring-within", "30d"],
    ]));
}

#[test]
fn expired_keys_follow_the_clock() {
    let mut s = fixture();
    s.set("KEYCTL_NOW", "2026-11-24T00:00:00Z");
    assert_snapshot!(s.transcript(&[
        &["list", "--status", "expired"],
        &["list", "--status", "active"]
    ]));
}

#[test]
fn an_empty_list() {
    let mut s = Sandbox::new();
    assert_snapshot!(s.transcript(&[
        &["list"],
        &["list", "--format", "json"],
        &["list", "--format", "csv"],
    ]));
    assert!(!s.db().exists(), "a read must not create the database");
}

#[test]
fn list_never_prints_a_secret() {
    let s = Sandbox::new();
    let (_, secret) = s.create("k", &[]);
    for format in ["table", "json", "csv"] {
        let out = s.ok(&["list", "--format", format]);
        assert!(
            !out.contains(&secret[8..20]),
            "{format} shows part of the secret"
        );
    }
}

#[test]
fn control_characters_are_escaped_in_tables_and_csv() {
    let mut s = Sandbox::new();
    s.create(
        "hostile",
        &[
            "--description",
            "\u{1b}[31mred\u{9b}2J\r",
            "--meta",
            "note=\u{1b}]0;title\u{7}",
        ],
    );
    let (id, _) = s.create("plain", &[]);
    for format in ["table", "csv", "json"] {
        let out =
            s.ok(&["list", "--format", format]) + &s.ok(&["show", "hostile", "--format", format]);
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{format}: raw control characters in {out:?}"
        );
        let _ = &id;
    }
    assert_snapshot!(s.transcript(&[
        &["show", "hostile"],
        &["show", "hostile", "--format", "csv"]
    ]));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let s = Sandbox::new();
    for i in 0..30 {
        s.create(&format!("key {i}"), &[]);
    }
    let mut cmd = s.command(&["list", "--format", "json"]);
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // Close the read end at once, as `| head -c0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn colour_follows_the_choice_and_no_color() {
    let mut s = fixture();
    let plain = s.ok(&["list", "--status", "all"]);
    assert!(!plain.contains('\u{1b}'), "colour on a pipe by default");
    let always = s.ok(&["list", "--status", "all", "--color", "always"]);
    assert!(
        always.contains("\u{1b}[38;5;9m") || always.contains("\u{1b}[31m"),
        "{always:?}"
    );
    assert!(always.contains("revoked"));
    s.set("NO_COLOR", "1");
    let auto = s.ok(&["list", "--status", "all", "--color", "auto"]);
    assert!(!auto.contains('\u{1b}'));
    let never = s.ok(&["list", "--status", "all", "--color", "never"]);
    assert_eq!(never, plain);
    // An explicit --color always wins over NO_COLOR, whole: no reset
    // sequence left without the colour it ends.
    let forced = s.ok(&["list", "--status", "all", "--color", "always"]);
    assert_eq!(forced, always);
}

#[test]
fn expiring_within_leaves_out_keys_already_expired() {
    let mut s = fixture();
    s.set("KEYCTL_NOW", "2026-11-24T06:00:00Z");
    let out = s.ok(&[
        "list",
        "--status",
        "all",
        "--expiring-within",
        "30d",
        "--format",
        "csv",
    ]);
    assert!(!out.contains("Short lived"), "{out}");
    assert!(out.contains("CI"), "{out}");
}
