//! Plans (SPEC §4): the key count holds for every way a key becomes active,
//! and a plan without API access accepts no verification.

use crate::support::{Sandbox, finish, spawn};

fn active_keys(s: &Sandbox) -> usize {
    let list: serde_json::Value =
        serde_json::from_str(&s.ok(&["list", "--status", "active", "--format", "json"])).unwrap();
    list.as_array().unwrap().len()
}

/// A trial store with two expired keys (returned) and two active ones.
fn trial_with_two_expired() -> (Sandbox, String, String) {
    let mut s = Sandbox::new();
    s.config("plan = \"trial\"\n");
    let (a, _) = s.create("a", &["--expires", "1d"]);
    let (b, _) = s.create("b", &["--expires", "1d"]);
    s.set("KEYCTL_NOW", "2026-11-25T12:00:00Z");
    s.create("c", &[]);
    s.create("d", &[]);
    assert_eq!(active_keys(&s), 2);
    (s, a, b)
}

#[test]
fn update_cannot_revive_an_expired_key_past_the_plan() {
    let (s, a, b) = trial_with_two_expired();
    for id in [&a, &b] {
        for expires in ["never", "30d"] {
            let run = s.run(&["update", id, "--expires", expires]);
            assert_eq!(run.code, 5, "{}", run.stderr);
            assert!(
                run.stderr.contains("plan 'trial' allows 2 active keys"),
                "{}",
                run.stderr
            );
        }
    }
    assert_eq!(active_keys(&s), 2);
    // Each refusal is in the trail (SPEC §8), naming the key and the plan.
    let trail: serde_json::Value =
        serde_json::from_str(&s.ok(&["audit", "--format", "json", "--action", "command.refused"]))
            .unwrap();
    let refusals = trail.as_array().unwrap();
    assert_eq!(refusals.len(), 4, "{trail:#}");
    for r in refusals {
        assert_eq!(r["details"]["command"], "update", "{r:#}");
        assert_eq!(r["details"]["plan"], "trial", "{r:#}");
        assert!(
            r["key_id"] == a.as_str() || r["key_id"] == b.as_str(),
            "{r:#}"
        );
    }
    // A change that leaves the key expired is not a revival.
    s.ok(&["update", &a, "--name", "a2"]);
}

#[test]
fn racing_revivals_stay_within_the_plan() {
    let (s, a, b) = trial_with_two_expired();
    let d = serde_json::from_str::<serde_json::Value>(&s.ok(&["show", "d", "--format", "json"]))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.ok(&["revoke", &d, "--yes"]);
    // One slot is free: of two racing revivals exactly one wins.
    let children: Vec<_> = [&a, &b]
        .iter()
        .map(|id| spawn(&s, &["update", id, "--expires", "never"], None))
        .collect();
    let mut codes: Vec<i32> = children.into_iter().map(|c| finish(c).code).collect();
    codes.sort_unstable();
    assert_eq!(codes, [0, 5]);
    assert_eq!(active_keys(&s), 2);
}

#[test]
fn a_plan_without_api_access_accepts_no_verification() {
    let s = Sandbox::new();
    let (_, secret) = s.create("before the plan", &[]);
    s.config("plan = \"solo\"\n");
    let input = format!("{secret}\n");
    for args in [
        &["verify"][..],
        &["verify", "--no-record"],
        &["verify", "--scope", "invoices:read", "--format", "json"],
    ] {
        let run = s.run_with_stdin(args, Some(&input));
        assert_eq!(run.code, 5, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains("USAGE_EXCEEDED"),
            "{args:?}: {}",
            run.stdout
        );
    }
    // A key that would fail anyway keeps its own outcome.
    let run = s.run_with_stdin(&["verify", "--env", "test"], Some(&input));
    assert!(run.stdout.contains("WRONG_ENVIRONMENT"), "{}", run.stdout);
    // The same holds for a custom plan that allows no keys.
    s.config("plan = \"closed\"\n[plans.closed]\nmax_keys = 0\n");
    let run = s.run_with_stdin(&["verify", "-q"], Some(&input));
    assert_eq!(run.stdout.trim_end(), "USAGE_EXCEEDED");
}
