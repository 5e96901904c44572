//! Limits under racing processes: plan key counts, counted verifications
//! and rate limits hold exactly when many keyctl processes write at once.
//! They run on both backends; on PostgreSQL every process has its own
//! connection, as verifiers on separate machines would.

use std::process::{Child, Stdio};

use crate::support::Sandbox;

fn spawn(s: &Sandbox, args: &[&str], stdin_file: Option<&std::path::Path>) -> Child {
    let mut cmd = s.command(args);
    cmd.stdin(match stdin_file {
        Some(p) => Stdio::from(std::fs::File::open(p).unwrap()),
        None => Stdio::null(),
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

#[test]
fn twenty_racing_creates_under_plan_trial_make_exactly_two_keys() {
    let s = Sandbox::new();
    s.config("plan = \"trial\"\n");
    // The first command creates the store, so the race is on the plan.
    assert_eq!(s.ok(&["list", "-q"]), "");
    let children: Vec<_> = (0..20)
        .map(|i| {
            spawn(
                &s,
                &[
                    "create",
                    "--name",
                    &format!("c{i}"),
                    "--scope",
                    "invoices:read",
                    "-q",
                ],
                None,
            )
        })
        .collect();
    let mut codes = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(code == 0 || code == 5, "exit {code}: {err}");
        if code == 5 {
            assert!(err.contains("plan 'trial' allows 2 active keys"), "{err}");
        }
        codes.push(code);
    }
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 2, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 5).count(), 18, "{codes:?}");
    let list: serde_json::Value =
        serde_json::from_str(&s.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn sixteen_processes_of_a_hundred_verifications_count_exactly_1600() {
    let s = Sandbox::new();
    let (id, secret) = s.create("busy", &["--quota", "100000/month"]);
    let secret_file = s.home().join("secret");
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
    let exe = env!("CARGO_BIN_EXE_keyctl");
    // Each process runs a hundred verifications one after another; sixteen
    // such loops race.
    let script = format!(
        "i=0; while [ $i -lt 100 ]; do \"{exe}\" verify -q < \"{}\" || exit 1; i=$((i+1)); done",
        secret_file.display()
    );
    let children: Vec<_> = (0..16)
        .map(|_| {
            let template = s.command(&[]);
            let mut sh = std::process::Command::new("sh");
            sh.arg("-c").arg(&script).env_clear().current_dir(s.home());
            for (k, v) in template.get_envs() {
                if let Some(v) = v {
                    sh.env(k, v);
                }
            }
            sh.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let show: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", &id, "--format", "json"])).unwrap();
    assert_eq!(show["usage"]["requests_total"], 1600, "{show}");
    // The quota counter lost no update either.
    let run = s.run_with_stdin(
        &["verify", "--no-record", "--format", "json"],
        Some(&secret),
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["remaining"]["quota"]["remaining"], 100_000 - 1600, "{v}");
}

#[test]
fn twenty_racing_verifiers_get_exactly_five_calls_of_a_five_a_minute_limit() {
    let s = Sandbox::new();
    let (_, secret) = s.create("limited", &["--rate-limit", "5/min"]);
    let secret_file = s.home().join("secret");
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
    let children: Vec<_> = (0..20)
        .map(|_| spawn(&s, &["verify", "--format", "json"], Some(&secret_file)))
        .collect();
    let mut outcomes = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        outcomes.push(v["code"].as_str().unwrap_or_default().to_owned());
    }
    let valid = outcomes.iter().filter(|o| *o == "VALID").count();
    let limited = outcomes.iter().filter(|o| *o == "RATE_LIMITED").count();
    assert_eq!((valid, limited), (5, 15), "{outcomes:?}");
    // Fifteen refusals appended to one chain at once: still one chain.
    let run = s.run(&["audit", "verify"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("16 entries checked"), "{}", run.stdout);
}
