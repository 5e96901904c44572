//! `keyctl verify`: outcomes, exit codes, limits, plans, recording.

use std::process::Stdio;

use insta::assert_snapshot;

use crate::support::Sandbox;

impl Sandbox {
    /// Runs `keyctl verify ARGS` with `secret` on standard input.
    pub fn verify(&mut self, secret: &str, args: &[&str]) -> (i32, String) {
        let mut all = vec!["verify"];
        all.extend(args);
        let run = self.run_with_stdin(&all, Some(&format!("{secret}\n")));
        let rendered = self.render(&run);
        (run.code, rendered)
    }

    fn code(&mut self, secret: &str, args: &[&str]) -> String {
        let mut all = vec!["verify", "-q"];
        all.extend(args);
        let run = self.run_with_stdin(&all, Some(&format!("{secret}\n")));
        run.stdout.trim_end().to_owned()
    }
}

#[test]
fn every_outcome_with_its_output_and_exit_code() {
    let mut s = Sandbox::new();
    let (_, valid) = s.create(
        "Billing sync",
        &[
            "--scope",
            "invoices:write",
            "--rate-limit",
            "1/min",
            "--quota",
            "5/day",
        ],
    );
    let (revoked_id, revoked) = s.create("Old", &[]);
    s.ok(&["revoke", &revoked_id, "--yes"]);
    let (_, expiring) = s.create("Short", &["--expires", "1h"]);
    let (_, test_key) = s.create("Test", &["--env", "test"]);
    let unknown = keyctl::Secret::generate(
        &keyctl::secret::KeyPrefix::default(),
        keyctl::Environment::Live,
    )
    .unwrap()
    .expose()
    .to_owned();
    let mut transcript = String::new();
    let mut codes = Vec::new();
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (valid.clone(), vec!["--scope", "invoices:read"], "VALID"),
        ("sk_live_notavalidkey".to_owned(), vec![], "MALFORMED"),
        (unknown, vec![], "NOT_FOUND"),
        (revoked, vec![], "REVOKED"),
        (test_key.clone(), vec!["--env", "live"], "WRONG_ENVIRONMENT"),
        (
            valid.clone(),
            vec!["--method", "DELETE", "--path", "/v1/invoices/42"],
            "INSUFFICIENT_SCOPE",
        ),
        (valid.clone(), vec![], "RATE_LIMITED"),
    ];
    for (secret, args, expected) in &cases {
        if *expected == "RATE_LIMITED" {
            // Spend the 1/min window with a recorded call; refusals do not consume it.
            assert_eq!(s.code(secret, &[]), "VALID");
        }
        for format in ["table", "json"] {
            let mut a = args.clone();
            a.extend(["--format", format]);
            if *expected != "RATE_LIMITED" {
                a.push("--no-record");
            }
            let (code, out) = s.verify(secret, &a);
            assert!(out.contains(expected), "{expected}: {out}");
            codes.push((expected.to_string(), code));
            transcript.push_str(&out);
            transcript.push('\n');
        }
    }
    s.set("KEYCTL_NOW", "2026-11-23T13:00:00Z");
    let (code, out) = s.verify(&expiring, &[]);
    codes.push(("EXPIRED".into(), code));
    transcript.push_str(&out);
    // Use up the quota: 5 a day (one used above), a minute apart to stay under 1/min.
    for minute in 1..=4 {
        s.set("KEYCTL_NOW", &format!("2026-11-23T13:{minute:02}:00Z"));
        assert_eq!(s.code(&valid, &[]), "VALID");
    }
    s.set("KEYCTL_NOW", "2026-11-23T13:10:00Z");
    let (code, out) = s.verify(&valid, &["--format", "json"]);
    codes.push(("USAGE_EXCEEDED".into(), code));
    transcript.push_str(&out);
    for (outcome, code) in &codes {
        let expected = match outcome.as_str() {
            "VALID" => 0,
            "INSUFFICIENT_SCOPE" => 4,
            "RATE_LIMITED" | "USAGE_EXCEEDED" => 5,
            _ => 3,
        };
        assert_eq!(*code, expected, "{outcome}");
    }
    assert_snapshot!(transcript);
}

#[test]
fn rate_limits_follow_the_clock() {
    let mut s = Sandbox::new();
    let (_, key) = s.create("k", &["--rate-limit", "2/min"]);
    s.set("KEYCTL_NOW", "2026-11-23T12:00:05Z");
    assert_eq!(s.code(&key, &[]), "VALID");
    assert_eq!(s.code(&key, &[]), "VALID");
    assert_eq!(s.code(&key, &[]), "RATE_LIMITED");
    // Refused calls do not consume the limit, and the window moves on.
    s.set("KEYCTL_NOW", "2026-11-23T12:01:05Z");
    assert_eq!(s.code(&key, &[]), "VALID");
    assert_eq!(s.code(&key, &[]), "VALID");
    assert_eq!(s.code(&key, &[]), "RATE_LIMITED");
}

#[test]
fn quotas_roll_over_at_the_month_boundary() {
    let mut s = Sandbox::new();
    s.set("KEYCTL_NOW", "2026-12-31T10:00:00Z");
    let (_, key) = s.create("k", &["--quota", "2/month"]);
    assert_eq!(s.code(&key, &[]), "VALID");
    s.set("KEYCTL_NOW", "2026-12-31T23:59:59Z");
    assert_eq!(s.code(&key, &[]), "VALID");
    assert_eq!(s.code(&key, &[]), "USAGE_EXCEEDED");
    s.set("KEYCTL_NOW", "2027-01-01T00:00:00Z");
    assert_eq!(s.code(&key, &[]), "VALID");
    assert_eq!(s.code(&key, &[]), "VALID");
    assert_eq!(s.code(&key, &[]), "USAGE_EXCEEDED");
}

#[test]
fn plans_limit_keys_and_monthly_calls() {
    let mut s = Sandbox::new();
    s.config("plan = \"trial\"\n[plans.trial]\nmonthly_calls = 3\n");
    let (a, key) = s.create("a", &[]);
    s.create("b", &[]);
    let third = s.snap(&["create", "--name", "c", "--scope", "invoices:read"]);
    assert!(third.contains("exit: 5"), "{third}");
    // Rotation at the limit works: the old key stops counting.
    s.ok(&["rotate", &a, "--grace", "1d", "--yes"]);
    // Trial's per-key rate limit is 60/min; the plan's 3 calls a month bind first.
    for minute in 0..3 {
        s.set("KEYCTL_NOW", &format!("2026-11-23T12:0{minute}:00Z"));
        assert_eq!(s.code(&key, &[]), "VALID");
    }
    assert_eq!(s.code(&key, &[]), "USAGE_EXCEEDED");
    s.config("plan = \"solo\"\n");
    let solo = s.snap(&["create", "--name", "d", "--scope", "invoices:read"]);
    assert!(solo.contains("exit: 5"), "{solo}");
    assert_snapshot!(format!("{third}\n{solo}"));
}

#[test]
fn no_record_writes_nothing() {
    let mut s = Sandbox::new();
    let (id, key) = s.create("k", &["--rate-limit", "1/min"]);
    let db = s.db();
    let files = |s: &Sandbox| {
        let mut all: Vec<Vec<u8>> = ["", "-wal"]
            .iter()
            .map(|x| std::fs::read(format!("{}{x}", db.display())).unwrap_or_default())
            .collect();
        // Reading the SQLite file itself would checkpoint it: on SQLite its
        // bytes say enough.
        if crate::support::on_postgres() {
            all.push(s.dump().into_bytes());
        }
        all
    };
    let before = files(&s);
    for _ in 0..3 {
        assert_eq!(s.code(&key, &["--no-record"]), "VALID");
    }
    assert_eq!(s.code("sk_live_bad", &["--no-record"]), "MALFORMED");
    assert_eq!(before, files(&s), "the database changed");
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", &id, "--format", "json"])).unwrap();
    assert_eq!(v["last_used_at"], serde_json::Value::Null);
    assert_eq!(v["usage"]["requests_total"], 0);
    // A recorded call sets last use and counts.
    s.set("KEYCTL_NOW", "2026-11-23T12:30:00Z");
    assert_eq!(s.code(&key, &[]), "VALID");
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", &id, "--format", "json"])).unwrap();
    assert_eq!(v["last_used_at"], "2026-11-23T12:30:00Z");
    assert_eq!(v["usage"]["requests_total"], 1);
}

#[test]
fn input_handling() {
    let s = Sandbox::new();
    let (_, key) = s.create("k", &[]);
    for input in [format!("{key}\n"), format!("{key}\r\n"), key.clone()] {
        let run = s.run_with_stdin(&["verify", "-q"], Some(&input));
        assert_eq!(run.stdout, "VALID\n", "{input:?}");
    }
    for input in [
        "",
        "\n",
        "  \n",
        &format!(" {key}\n"),
        &format!("{key}\nsecond line\n")[..0],
    ] {
        let run = s.run_with_stdin(&["verify", "-q"], Some(input));
        assert_eq!(run.stdout, "MALFORMED\n", "{input:?}");
        assert_eq!(run.code, 3);
    }
    // Only the first line is read.
    let run = s.run_with_stdin(&["verify", "-q"], Some(&format!("{key}\nignored\n")));
    assert_eq!(run.stdout, "VALID\n");
    // No argument can carry a secret.
    let run = s.run(&["verify", &key]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains(&key[16..]), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("'{}…'", &key[..16])),
        "{}",
        run.stderr
    );
    // Bad flags are usage errors, not outcomes.
    let run = s.run_with_stdin(
        &["verify", "--method", "BREW", "--path", "/v1/invoices"],
        Some(&key),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("method 'BREW'"), "{}", run.stderr);
    let run = s.run_with_stdin(&["verify", "--scope", "invoice:read"], Some(&key));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("did you mean 'invoices:read'"),
        "{}",
        run.stderr
    );
}

#[test]
fn twenty_concurrent_creates_under_trial_make_exactly_two_keys() {
    let s = Sandbox::new();
    s.config("plan = \"trial\"\n");
    s.ok(&["list"]);
    let children: Vec<_> = (0..20)
        .map(|i| {
            s.command(&[
                "create",
                "--name",
                &format!("c{i}"),
                "--scope",
                "invoices:read",
                "-q",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    let mut codes = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("locked"), "{stderr}");
        codes.push(out.status.code().unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 2, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 5).count(), 18, "{codes:?}");
    let list: serde_json::Value =
        serde_json::from_str(&s.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn twenty_concurrent_verifies_under_five_a_minute_make_exactly_five_valid() {
    let s = Sandbox::new();
    let (_, key) = s.create("k", &["--rate-limit", "5/min"]);
    let children: Vec<_> = (0..20)
        .map(|_| {
            let mut child = s
                .command(&["verify", "-q"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{key}\n").as_bytes())
                .unwrap();
            child
        })
        .collect();
    let mut outcomes = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.is_empty(), "{stderr}");
        outcomes.push(String::from_utf8_lossy(&out.stdout).trim().to_owned());
    }
    assert_eq!(
        outcomes.iter().filter(|o| *o == "VALID").count(),
        5,
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes.iter().filter(|o| *o == "RATE_LIMITED").count(),
        15,
        "{outcomes:?}"
    );
}

#[test]
fn a_plan_rate_limit_holds_even_over_a_looser_key_limit() {
    let mut s = Sandbox::new();
    s.config("plan = \"pro\"\n[plans.pro]\nrate_limit = \"2/min\"\n");
    let (_, key) = s.create("k", &["--rate-limit", "100/s"]);
    assert_eq!(s.code(&key, &[]), "VALID");
    assert_eq!(s.code(&key, &[]), "VALID");
    assert_eq!(s.code(&key, &[]), "RATE_LIMITED");
}

#[test]
fn a_dot_segment_cannot_walk_past_a_derived_scope() {
    let mut s = Sandbox::new();
    let (_, key) = s.create("Reader", &["--scope", "invoices:read"]);
    // Each of these names payouts to a server that resolves the path.
    for path in [
        "/v1/invoices/../payouts/1",
        "/v1/invoices/%2e%2e/payouts/1",
        "/v1/invoices/.%2E/payouts/1",
        "/invoices/../payouts/1",
        "/v1/invoices/./../payouts/1?x=/v1/invoices",
    ] {
        assert_eq!(
            s.code(&key, &["--method", "GET", "--path", path]),
            "INSUFFICIENT_SCOPE",
            "{path}"
        );
    }
    // What a server may read in more than one way is refused, recorded or not.
    for path in [
        "/v1/invoices/..;/payouts/1",
        "/v1/invoices/a..b",
        "/v1/invoices%2f..%2fpayouts",
        "/v1/invoices%5C..%5Cpayouts",
        "/v1/invoices\\..\\payouts",
        "/v1/invoices;x/1",
        "/v1/invoices/%00",
    ] {
        for record in [true, false] {
            let mut args = vec!["verify", "--method", "GET", "--path", path];
            if !record {
                args.push("--no-record");
            }
            let run = s.run_with_stdin(&args, Some(&format!("{key}\n")));
            assert_eq!(run.code, 2, "{path}: {}", run.stderr);
            assert!(run.stderr.contains("cannot be judged"), "{}", run.stderr);
            assert!(run.stdout.is_empty(), "{}", run.stdout);
        }
    }
    // Nothing of the refused requests was recorded.
    let trail = s.ok(&["audit", "--format", "json"]);
    assert!(!trail.contains("a..b"), "{trail}");
    // The resource the server acts on is the one required.
    assert_eq!(
        s.code(
            &key,
            &["--method", "GET", "--path", "/v1/payouts/../invoices/7"]
        ),
        "VALID"
    );
}

#[test]
fn a_method_or_a_path_alone_is_a_usage_error() {
    let mut s = Sandbox::new();
    let (_, key) = s.create("Reader", &["--scope", "invoices:read"]);
    for args in [
        &["verify", "--path", "/v1/payouts/1"][..],
        &["verify", "--method", "DELETE"],
        &["verify", "--method", "GET", "--scope", "invoices:read"],
        &["verify", "--no-record", "--path", "/v1/payouts/1"],
    ] {
        let run = s.run_with_stdin(args, Some(&format!("{key}\n")));
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    assert_eq!(s.code(&key, &["--scope", "invoices:read"]), "VALID");
}
