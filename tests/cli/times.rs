//! Times stay RFC 3339: nothing keyctl stores or prints lies past
//! 9999-12-31T23:59:59Z, which a four-digit year cannot write.

use crate::support::Sandbox;

fn no_five_digit_year(s: &Sandbox) {
    let dump = s.ok(&["list", "--status", "all", "--format", "json"]);
    assert!(
        !dump.contains("+10000") && !dump.contains("10000-"),
        "{dump}"
    );
}

#[test]
fn rotate_refuses_a_new_expiry_past_year_9999() {
    let mut s = Sandbox::new();
    let (id, _) = s.create("far", &["--expires", "9999-12-31"]);
    s.set("KEYCTL_NOW", "2026-12-23T12:00:00Z");
    let before = s.dump();
    let run = s.run(&["rotate", &id, "--yes"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("9999-12-31T23:59:59Z"),
        "{}",
        run.stderr
    );
    assert_eq!(s.dump(), before);
    no_five_digit_year(&s);
}

#[test]
fn durations_cannot_reach_past_year_9999() {
    let mut s = Sandbox::new();
    s.set("KEYCTL_NOW", "9999-12-31T12:00:00Z");
    let (id, _) = s.create("late", &[]);
    for args in [
        vec![
            "create",
            "--name",
            "x",
            "--scope",
            "clients:read",
            "--expires",
            "1d",
        ],
        vec!["update", id.as_str(), "--expires", "2w"],
        vec!["rotate", id.as_str(), "--grace", "1d", "--yes"],
    ] {
        let run = s.run(&args);
        assert_eq!(run.code, 1, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("9999-12-31T23:59:59Z"),
            "{}",
            run.stderr
        );
    }
    no_five_digit_year(&s);
    // Up to the last second is fine.
    s.ok(&["update", &id, "--expires", "9999-12-31T23:59:59Z"]);
}
