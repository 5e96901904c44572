//! `keyctl scan`: findings and their status in every format, the bad inputs
//! of a real file system, SARIF against its schema, `--revoke`, and
//! `--staged` in a real `git commit`.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use insta::assert_snapshot;

use crate::support::{Run, Sandbox};

/// A secret with its last checksum character changed: the right shape, a
/// wrong checksum.
fn broken(secret: &str) -> String {
    let mut s = secret.to_owned();
    let last = s.pop().unwrap();
    s.push(if last == 'A' { 'B' } else { 'A' });
    s
}

fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// Fails if any of `secrets` appears, whole or past its displayed prefix,
/// in what a run printed.
fn assert_no_secret(run: &Run, secrets: &[&str]) {
    for s in secrets {
        let tail = &s[16..];
        for (what, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !text.contains(tail),
                "{what} of {:?} shows a secret",
                run.args
            );
        }
    }
}

/// A sandbox with one active, one revoked and one expired key, and a secret
/// of another store: (sandbox, [active, revoked, expired, unknown]).
fn keys() -> (Sandbox, [String; 4]) {
    let mut s = Sandbox::new();
    s.set("KEYCTL_NOW", "2026-11-01T00:00:00Z");
    let (_, active) = s.create("Billing sync", &[]);
    let (revoked_id, revoked) = s.create("Old billing", &[]);
    s.ok(&["revoke", &revoked_id, "--yes"]);
    let (_, expired) = s.create("Trial", &["--expires", "2026-11-10"]);
    let other = s.home().join("other.db");
    let (_, unknown) = s.create("Elsewhere", &["--db", other.to_str().unwrap()]);
    s.set("KEYCTL_NOW", crate::support::NOW);
    (s, [active, revoked, expired, unknown])
}

#[test]
fn findings_carry_their_key_and_status_in_every_format() {
    let (mut s, [active, revoked, expired, unknown]) = keys();
    let dir = s.home().join("repo");
    write(
        &dir,
        "src/config.py",
        format!("API_KEY = \"{active}\"\r\nOLD = '{revoked}'  # {expired}\r\n"),
    );
    write(&dir, "deploy/env", format!("export KEY={unknown}"));
    write(
        &dir,
        "notes.md",
        format!("not a key: {}\n", broken(&active)),
    );
    let r = s.run(&["scan", "repo"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    let mut out = s.render(&r);
    for format in ["json", "csv"] {
        let r = s.run(&["scan", "repo", "--format", format]);
        assert_no_secret(&r, &[&active, &revoked, &expired, &unknown]);
        out.push('\n');
        out.push_str(&s.render(&r));
    }
    assert_snapshot!(out);
}

#[test]
fn only_dead_keys_exit_zero_and_nothing_found_says_so() {
    let (mut s, [_, revoked, expired, _]) = keys();
    write(s.home(), "dead/a.txt", format!("{revoked}\n{expired}\n"));
    write(s.home(), "clean/b.txt", "nothing here\n");
    assert_snapshot!(s.transcript(&[&["scan", "dead"], &["scan", "clean"]]));
}

#[test]
fn a_secret_must_stand_alone_with_a_valid_checksum() {
    let (s, [active, ..]) = keys();
    let cases = [
        format!("prefix{active}"),
        format!("{active}suffix"),
        format!("0{active}9"),
        broken(&active),
        format!("{}\r\n{}", &active[..30], &active[30..]),
    ];
    for (i, text) in cases.iter().enumerate() {
        write(s.home(), &format!("none/{i}.txt"), text);
    }
    let r = s.run(&["scan", "none", "--format", "json"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "[]\n"), "{}", r.stderr);
}

#[test]
fn many_secrets_on_a_line_crlf_and_no_final_newline() {
    let (s, [active, revoked, _, unknown]) = keys();
    let line = format!("a={active},b={revoked};c=\"{unknown}\"\t{active}");
    write(s.home(), "t/many.txt", format!("{line}\r\n{line}"));
    let r = s.run(&["scan", "t", "--format", "csv"]);
    assert_eq!(r.code, 6);
    let places: Vec<(&str, &str)> = r
        .stdout
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1], f[2])
        })
        .collect();
    let c2 = (3 + active.len() + 3).to_string();
    let c3 = (3 + active.len() + 3 + revoked.len() + 4).to_string();
    let c4 = (3 + active.len() + 3 + revoked.len() + 4 + unknown.len() + 2).to_string();
    let want: Vec<(&str, &str)> = ["1", "2"]
        .iter()
        .flat_map(|l| {
            [
                (*l, "3"),
                (*l, c2.as_str()),
                (*l, c3.as_str()),
                (*l, c4.as_str()),
            ]
        })
        .collect();
    assert_eq!(places, want, "{}", r.stdout);
}

#[test]
fn bad_inputs_are_warnings_and_the_scan_goes_on() {
    let (mut s, [active, ..]) = keys();
    let dir = s.home().join("tree");
    write(&dir, "ok.txt", format!("{active}\n"));
    // Invalid UTF-8 and a NUL in the middle of a text file.
    let mut bytes = b"\xff\xfe caf\xe9 ".to_vec();
    bytes.extend_from_slice(active.as_bytes());
    bytes.extend_from_slice(b"\n");
    bytes.extend_from_slice("text line\n".repeat(900).as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(format!(" {active}\n").as_bytes());
    write(&dir, "mixed.log", &bytes);
    // Binary (a NUL at the start): skipped in a walk, unless --binary.
    write(&dir, "blob.bin", format!("\0\x01\x02{active}"));
    symlink("missing-target", dir.join("broken-link")).unwrap();
    symlink(".", dir.join("loop")).unwrap();
    // A file the walk meets but cannot read. Root reads any mode, so as
    // root a link to a file that fails on read stands in for it.
    if unsafe { libc::geteuid() } == 0 {
        symlink("/proc/self/mem", dir.join("unreadable")).unwrap();
    } else {
        write(&dir, "unreadable", "x");
        std::fs::set_permissions(
            dir.join("unreadable"),
            std::os::unix::fs::PermissionsExt::from_mode(0o000),
        )
        .unwrap();
    }
    let r = s.run(&["scan", "tree"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert_no_secret(&r, &[&active]);
    let mut out = s.render(&r);
    out.push('\n');
    let r = s.run(&["scan", "tree", "--binary", "--format", "csv"]);
    assert!(r.stdout.contains("tree/blob.bin,1,4,"), "{}", r.stdout);
    out.push_str(&s.render(&r));
    out.push('\n');
    out.push_str(&s.snap(&["scan", "tree/nope", "tree/ok.txt"]));
    // The error of the unreadable file names the file; which one depends on the user.
    let out = out.replace("Input/output error", "permission denied");
    assert_snapshot!(out);
}

#[test]
fn gitignore_ignore_and_hidden_files_are_skipped_unless_asked() {
    let (mut s, [active, ..]) = keys();
    let dir = s.home().join("w");
    write(&dir, ".gitignore", "build/\n");
    write(&dir, ".ignore", "*.tmp\n");
    write(&dir, "build/out.txt", &active);
    write(&dir, "cache.tmp", &active);
    write(&dir, ".env", format!("KEY={active}\n"));
    write(
        &dir,
        "src/main.rs",
        format!("const K: &str = \"{active}\";\n"),
    );
    assert_snapshot!(s.transcript(&[
        &["scan", "w", "--format", "csv"],
        &["scan", "w", "--hidden", "--format", "csv"],
        &["scan", "w", "--no-ignore", "--hidden", "--format", "csv"],
    ]));
}

#[test]
fn standard_input_is_scanned_with_a_dash() {
    let (mut s, [active, revoked, ..]) = keys();
    let log = format!("2026-11-23 GET /v1?key={active} 200\nretry with {revoked}\n");
    let r = s.run_with_stdin(&["scan", "-"], Some(&log));
    assert_no_secret(&r, &[&active, &revoked]);
    assert_snapshot!(s.render(&r));
}

#[test]
fn a_large_file_with_one_line_is_read_in_bounded_memory() {
    let (s, [active, ..]) = keys();
    // A sparse file: 2 GiB of NUL bytes with no newline, and secrets at
    // its start, across the 1 GiB mark and at its very end.
    let path = s.home().join("huge.bin");
    let size: u64 = 2 << 30;
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(size).unwrap();
    let put = |at: u64| {
        use std::os::unix::fs::FileExt;
        f.write_all_at(active.as_bytes(), at).unwrap();
    };
    put(1);
    put((1 << 30) - 20);
    put(size - active.len() as u64);
    let mut cmd = s.command(&["scan", "huge.bin", "--format", "csv"]);
    cmd.stdout(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let (out, peak_kib) = wait_with_peak_rss(child);
    let columns: Vec<String> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().to_owned())
        .collect();
    let want: Vec<String> = [2, (1 << 30) - 19, size - active.len() as u64 + 1]
        .iter()
        .map(u64::to_string)
        .collect();
    assert_eq!(columns, want, "{out}");
    assert!(peak_kib < 64 * 1024, "peak RSS {peak_kib} KiB");
}

/// Waits for a child and returns its standard output and its peak RSS in
/// KiB, read from its `VmHWM` while it runs. (`wait4`'s `ru_maxrss` would
/// count the test process itself: the child is spawned with vfork, and
/// exec records the parent's resident set as the child's.)
fn wait_with_peak_rss(mut child: std::process::Child) -> (String, i64) {
    use std::io::Read;
    let status = format!("/proc/{}/status", child.id());
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).unwrap();
        out
    });
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        // The high-water mark only grows: the last reading is the peak.
        if let Ok(text) = std::fs::read_to_string(&status)
            && let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:"))
        {
            peak = line
                .split_whitespace()
                .nth(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(peak);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(peak > 0, "no reading of the child's memory");
    (reader.join().unwrap(), peak)
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let (s, [active, revoked, _, unknown]) = keys();
    write(s.home(), "r/a b.py", format!("{active}\n  {revoked}\n"));
    write(s.home(), "r/x.env", format!("K={unknown}"));
    let r = s.run(&["scan", "r", "--format", "sarif"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert_no_secret(&r, &[&active, &revoked, &unknown]);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("schemas/sarif-2.1.0.json")).unwrap();
    // The vendored schema is kept as published; its one pattern that is not
    // a valid ECMA 262 regex (a stray `]`, in the `language` fields, which
    // keyctl does not write) is replaced by the one it means, or the
    // validator refuses the schema itself.
    let fixed = replace_pattern(
        &mut schema,
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    assert_eq!(fixed, 2);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let summary: Vec<(String, String, String, u64, u64)> = results
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                r["level"].as_str().unwrap().to_owned(),
                loc["artifactLocation"]["uri"].as_str().unwrap().to_owned(),
                loc["region"]["startLine"].as_u64().unwrap(),
                loc["region"]["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    let row = |rule: &str, level: &str, uri: &str, line, col| {
        (rule.to_owned(), level.to_owned(), uri.to_owned(), line, col)
    };
    assert_eq!(
        summary,
        [
            row("keyctl/usable-key", "error", "r/a%20b.py", 1, 1),
            row("keyctl/dead-key", "note", "r/a%20b.py", 2, 3),
            row("keyctl/usable-key", "error", "r/x.env", 1, 3),
        ]
    );
    // A document that breaks the schema is caught: the test can fail.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
    // sarif is for scan alone.
    let r = s.run(&["list", "--format", "sarif"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// Replaces every `pattern` equal to `from` in a schema; returns how many.
fn replace_pattern(v: &mut serde_json::Value, from: &str, to: &str) -> usize {
    match v {
        serde_json::Value::Object(map) => {
            let mut n = 0;
            for (k, child) in map.iter_mut() {
                if k == "pattern" && child == from {
                    *child = to.into();
                    n += 1;
                } else {
                    n += replace_pattern(child, from, to);
                }
            }
            n
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().map(|c| replace_pattern(c, from, to)).sum()
        }
        _ => 0,
    }
}

#[test]
fn revoke_asks_or_needs_yes_and_revokes_every_active_finding_at_once() {
    let (mut s, [active, revoked, _, unknown]) = keys();
    let (_, second) = s.create("Payouts", &[]);
    write(
        s.home(),
        "leak/ci.log",
        format!("{active}\n{second}\n{active}\n{revoked}\n"),
    );
    write(s.home(), "leak/other.txt", format!("{unknown}\n"));
    let out = s.transcript(&[
        &["scan", "leak", "--revoke"],
        &["list", "--status", "all"],
        &["scan", "leak", "--revoke", "--yes"],
        &["scan", "leak", "--revoke", "--yes", "--format", "json"],
        &["audit", "--action", "key.revoked"],
        &["events", "list"],
    ]);
    assert_snapshot!(out);
}

#[test]
fn revoke_needs_the_owner_role_and_plain_scan_a_member() {
    let (mut s, [active, ..]) = keys();
    s.config("[roles]\nalice = \"owner\"\nbob = \"member\"\n");
    write(s.home(), "leak/a.txt", &active);
    s.set("KEYCTL_ACTOR", "bob");
    assert_snapshot!(s.transcript(&[
        &["scan", "leak"],
        &["scan", "leak", "--revoke", "--yes"],
        &["list"],
    ]));
}

/// Runs git in `dir` with a fixed identity, and returns its exit code.
fn git(dir: &Path, args: &[&str]) -> i32 {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    out.status.code().unwrap_or(-1)
}

#[test]
fn a_pre_commit_hook_blocks_a_commit_that_stages_a_live_key() {
    let (s, [active, revoked, ..]) = keys();
    let repo = s.home().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    assert_eq!(git(&repo, &["init", "-q"]), 0);
    // The hook runs the built binary against the sandbox's store.
    let db = s.location();
    let hook = format!(
        "#!/bin/sh\nexec env KEYCTL_DB='{}' KEYCTL_NOW='{}' '{}' scan --staged\n",
        db,
        crate::support::NOW,
        env!("CARGO_BIN_EXE_keyctl")
    );
    let hook_path = repo.join(".git/hooks/pre-commit");
    std::fs::write(&hook_path, hook).unwrap();
    std::fs::set_permissions(
        &hook_path,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();

    // A live key staged: the commit is refused.
    write(&repo, "app.env", format!("KEY={active}\n"));
    write(&repo, "README", "hello\n");
    assert_eq!(git(&repo, &["add", "."]), 0);
    assert_ne!(git(&repo, &["commit", "-q", "-m", "leak"]), 0);
    assert_ne!(git(&repo, &["rev-parse", "HEAD"]), 0, "nothing committed");

    // The index is what counts: the key removed from the index but left
    // in the work tree is not committed, so the commit goes through.
    write(&repo, "app.env", "KEY=\n");
    assert_eq!(git(&repo, &["add", "app.env"]), 0);
    write(&repo, "app.env", format!("KEY={active}\n"));
    assert_eq!(git(&repo, &["commit", "-q", "-m", "clean"]), 0);

    // A revoked key does not block; a live one staged later does.
    write(&repo, "old.txt", format!("{revoked}\n"));
    assert_eq!(git(&repo, &["add", "old.txt"]), 0);
    assert_eq!(git(&repo, &["commit", "-q", "-m", "dead key"]), 0);
    assert_eq!(git(&repo, &["add", "app.env"]), 0);
    assert_ne!(git(&repo, &["commit", "-q", "-m", "leak again"]), 0);

    // What the hook prints, run by hand in the repository.
    let mut cmd = s.command(&["scan", "--staged", "--format", "csv"]);
    let out = cmd.current_dir(&repo).output().unwrap();
    assert_eq!(out.status.code(), Some(6));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains(&active[16..]));
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    assert!(rows[1].starts_with("app.env,1,5,") && rows[1].ends_with(",active"));
    assert!(rows[2].starts_with("old.txt,1,1,") && rows[2].ends_with(",revoked"));
    // Outside a repository, --staged is an error.
    let r = s.run(&["scan", "--staged"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn revoke_on_a_terminal_asks_once_for_every_key() {
    let s = Sandbox::new();
    let (_, a) = s.create("Billing sync", &[]);
    let (_, b) = s.create("Payouts", &[]);
    write(s.home(), "leak/ci.log", format!("{a}\n{b}\n{a}\n"));
    let statuses = || {
        let v: serde_json::Value =
            serde_json::from_str(&s.ok(&["list", "--status", "all", "--format", "json"])).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|k| k["status"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let spawn = || {
        rexpect::session::spawn_command(s.command(&["scan", "leak", "--revoke"]), Some(10_000))
            .expect("spawn on a pty")
    };
    let exit = |p: &mut rexpect::session::PtySession| match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => code,
        other => panic!("keyctl did not exit normally: {other:?}"),
    };
    let mut p = spawn();
    p.exp_string("found in leak/ci.log:2").unwrap();
    p.exp_string("Revoke 2 keys now? This cannot be undone")
        .unwrap();
    p.send_line("n").unwrap();
    p.exp_string("nothing changed").unwrap();
    assert_eq!(exit(&mut p), 1);
    assert_eq!(statuses(), ["active", "active"]);

    let mut p = spawn();
    p.exp_string("Revoke 2 keys now?").unwrap();
    p.send_line("y").unwrap();
    p.exp_string("leaked: leak/ci.log:2").unwrap();
    assert_eq!(exit(&mut p), 0);
    assert_eq!(statuses(), ["revoked", "revoked"]);
}
