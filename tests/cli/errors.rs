//! Errors at the edge: config files, the clock, usage, exit codes.

use insta::assert_snapshot;

use crate::support::Sandbox;

#[test]
fn config_errors_name_the_key_the_line_and_the_file() {
    let mut s = Sandbox::new();
    s.config("key_prefix = \"sk\"\ncolour = \"red\"\n");
    let a = s.snap(&["list"]);
    s.config("plan = \"gold\"\n");
    let b = s.snap(&["list"]);
    s.config("[roles]\nalice = \"owner\"\nbob = \"superuser\"\n");
    let c = s.snap(&["list"]);
    s.config("key_prefix = \"SK\"\n");
    let d = s.snap(&["list"]);
    s.config("this is not toml");
    let e = s.snap(&["list"]);
    let f = s.snap(&["list", "--config", "/nonexistent/keyctl.toml"]);
    assert_snapshot!([a, b, c, d, e, f].join("\n"));
}

#[test]
fn explicit_config_and_db_take_precedence() {
    let mut s = Sandbox::new();
    // File paths throughout, on either backend.
    s.unset("KEYCTL_DB");
    let cfg = s.home().join("other.toml");
    let db_from_config = s.home().join("from-config.db");
    std::fs::write(
        &cfg,
        format!("database = {:?}\n", db_from_config.to_str().unwrap()),
    )
    .unwrap();
    s.ok(&[
        "create",
        "--name",
        "a",
        "--scope",
        "invoices:read",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert!(db_from_config.exists());
    let db_flag = s.home().join("flag.db");
    s.ok(&[
        "create",
        "--name",
        "b",
        "--scope",
        "invoices:read",
        "--config",
        cfg.to_str().unwrap(),
        "--db",
        db_flag.to_str().unwrap(),
    ]);
    assert!(db_flag.exists());
    let mut s2 = s;
    s2.set("KEYCTL_DB", s2.home().join("env.db").to_str().unwrap());
    s2.ok(&["create", "--name", "c", "--scope", "invoices:read"]);
    assert!(s2.home().join("env.db").exists());
    assert!(
        !s2.db().exists(),
        "the XDG default was used despite KEYCTL_DB"
    );
}

#[test]
fn a_bad_clock_is_an_error() {
    let mut s = Sandbox::new();
    s.set("KEYCTL_NOW", "yesterday");
    assert_snapshot!(s.snap(&["create", "--name", "x", "--scope", "invoices:read"]));
}

#[test]
fn usage_errors_exit_2() {
    let mut s = Sandbox::new();
    let t = s.transcript(&[
        &["frobnicate"],
        &["list", "--format", "yaml"],
        &["list", "--status", "gone"],
        &["show"],
    ]);
    assert_eq!(t.matches("exit: 2").count(), 4, "{t}");
    assert_snapshot!(t);
}

#[test]
fn version_names_this_project() {
    let s = Sandbox::new();
    let out = s.ok(&["--version"]);
    assert_eq!(out, format!("keyctl {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_for_every_command() {
    let mut s = Sandbox::new();
    let mut all = String::new();
    for cmd in [
        &["--help"][..],
        &["create", "--help"],
        &["list", "--help"],
        &["show", "--help"],
        &["update", "--help"],
        &["revoke", "--help"],
        &["rotate", "--help"],
        &["verify", "--help"],
        &["usage", "--help"],
        &["ingest", "--help"],
        &["audit", "--help"],
        &["audit", "verify", "--help"],
        &["audit", "head", "--help"],
        &["events", "--help"],
        &["events", "list", "--help"],
        &["events", "deliver", "--help"],
        &["events", "scan", "--help"],
        &["events", "replay", "--help"],
        &["webhooks", "--help"],
        &["webhooks", "list", "--help"],
        &["webhooks", "test", "--help"],
        &["migrate", "--help"],
        &["scopes", "--help"],
        &["roles", "--help"],
        &["roles", "grant", "--help"],
        &["completions", "--help"],
        &["man", "--help"],
    ] {
        let run = s.run(cmd);
        assert_eq!(run.code, 0);
        all.push_str(&s.render(&run));
        all.push('\n');
    }
    assert_snapshot!(all);
}
