//! `keyctl doctor`: each hygiene check, its thresholds, `--skip`, the
//! formats and the exit code.

use insta::assert_snapshot;

use crate::support::Sandbox;

/// Keys made at different times so that each check has one to find.
fn store() -> Sandbox {
    let mut s = Sandbox::new();
    // Over a year ago: old, and idle since its last use.
    s.set("KEYCTL_NOW", "2025-09-01T00:00:00Z");
    let (_, ancient) = s.create("Ancient sync", &["--expires", "2027-06-01"]);
    s.run_with_stdin(&["verify"], Some(&ancient));
    // Two months ago and never used; full access and no expiry.
    s.set("KEYCTL_NOW", "2026-09-20T00:00:00Z");
    s.create("Never used", &["--expires", "2027-06-01"]);
    s.create("Admin tool", &["--full-access"]);
    // Expires in three days, used yesterday.
    s.set("KEYCTL_NOW", "2026-11-20T00:00:00Z");
    let (_, soon) = s.create("Short lived", &["--expires", "2026-11-26"]);
    s.set("KEYCTL_NOW", "2026-11-22T00:00:00Z");
    s.run_with_stdin(&["verify"], Some(&soon));
    // Healthy, and a revoked key with every problem, which is not judged.
    let (_, fine) = s.create("Healthy", &["--expires", "2027-06-01"]);
    s.run_with_stdin(&["verify"], Some(&fine));
    let (dead, _) = s.create("Revoked admin", &["--full-access"]);
    s.ok(&["revoke", &dead, "--yes"]);
    s.set("KEYCTL_NOW", crate::support::NOW);
    s
}

#[test]
fn each_check_finds_its_keys() {
    let mut s = store();
    assert_snapshot!(s.transcript(&[
        &["doctor"],
        &["doctor", "--format", "json"],
        &["doctor", "--format", "csv"],
    ]));
}

#[test]
fn skipped_checks_and_config_thresholds() {
    let mut s = store();
    let out = s.transcript(&[
        &[
            "doctor",
            "--skip",
            "no-expiry",
            "--skip",
            "full-access",
            "--skip",
            "old",
        ],
        &["doctor", "--skip", "bogus"],
    ]);
    s.config(
        "[doctor]\nnever_used_days = 90\nidle_days = 500\nexpiring_days = 1\nold_days = 800\n",
    );
    let after = s.transcript(&[&["doctor", "--skip", "no-expiry", "--skip", "full-access"]]);
    s.config("[doctor]\nidle = 3\n");
    let bad = s.transcript(&[&["doctor"]]);
    assert_snapshot!(format!("{out}{after}{bad}"));
}

#[test]
fn a_clean_store_exits_zero() {
    let mut s = Sandbox::new();
    s.create("Healthy", &["--expires", "2027-06-01"]);
    assert_snapshot!(s.transcript(&[&["doctor"], &["doctor", "--format", "json"]]));
}
