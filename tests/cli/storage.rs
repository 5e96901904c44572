//! The database file: secrets never at rest, modes, refusals, concurrency.

use std::process::Stdio;

use crate::support::{Sandbox, sqlite_only};

fn files_of(db: &std::path::Path) -> Vec<Vec<u8>> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| std::fs::read(format!("{}{suffix}", db.display())).ok())
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn forty_concurrent_creates_all_succeed() {
    let s = Sandbox::new();
    // Make the database first so the race is on writes (the first-open race
    // is tested on its own below).
    s.ok(&["create", "--name", "seed", "--scope", "invoices:read"]);
    let children: Vec<_> = (0..40)
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
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let list: serde_json::Value =
        serde_json::from_str(&s.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 41);
}

#[test]
fn secrets_are_refused_or_stripped_wherever_text_is_stored() {
    let mut s = Sandbox::new();
    let (id, secret) = s.create("k", &[]);
    let refused: Vec<Vec<String>> = vec![
        vec![
            "create".into(),
            "--name".into(),
            secret.clone(),
            "--scope".into(),
            "invoices:read".into(),
        ],
        vec![
            "create".into(),
            "--name".into(),
            "x".into(),
            "--scope".into(),
            "invoices:read".into(),
            "--description".into(),
            format!("key is {secret}"),
        ],
        vec![
            "create".into(),
            "--name".into(),
            "x".into(),
            "--scope".into(),
            "invoices:read".into(),
            "--meta".into(),
            format!("k={secret}"),
        ],
        vec![
            "update".into(),
            id.clone(),
            "--name".into(),
            format!("{secret} copy"),
        ],
        vec![
            "revoke".into(),
            id.clone(),
            "--yes".into(),
            "--reason".into(),
            secret.clone(),
        ],
        vec!["--actor".into(), secret.clone(), "list".into()],
    ];
    for args in &refused {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = s.run(&args);
        assert_eq!(run.code, 1, "{args:?}");
        assert!(
            run.stderr.contains("contains a secret key"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains(&secret[16..]), "{}", run.stderr);
    }
    // Request fields are kept, with the secret cut to its prefix.
    let path = format!("/v1/invoices?api_key={secret}");
    let run = s.run_with_stdin(
        &[
            "verify",
            "--path",
            &path,
            "--method",
            "GET",
            "--user-agent",
            &format!("agent {secret}"),
        ],
        Some(&secret),
    );
    assert_eq!(
        run.stdout.lines().nth(1).unwrap_or_default().trim(),
        "outcome      VALID"
    );
    let log =
        format!("{{\"key\":\"{id}\",\"ts\":1795000000,\"status\":200,\"path\":\"{path}\"}}\n");
    assert_eq!(s.run_with_stdin(&["ingest"], Some(&log)).code, 0);
    s.set("KEYCTL_NOW", "2026-11-24T12:00:00Z");
    let run = s.run_with_stdin(
        &["verify", "--method", "GET", "--path", &path],
        Some("sk_live_short"),
    );
    assert_eq!(run.code, 3);
    let trail = s.ok(&["audit", "--format", "json", "--limit", "100"]);
    assert!(
        trail.contains(&format!("api_key={}…", &secret[..16])),
        "{trail}"
    );
    assert!(!s.dump().contains(&secret[16..]), "secret material stored");
    if sqlite_only("reads the SQLite file byte by byte") {
        return;
    }
    let reader = rusqlite::Connection::open(s.db()).unwrap();
    reader.execute_batch("SELECT 1").unwrap();
    for f in files_of(&s.db()) {
        assert!(
            !contains(&f, &secret.as_bytes()[16..]),
            "secret material stored"
        );
    }
}

#[test]
fn bad_input_never_creates_the_database() {
    let s = Sandbox::new();
    let long = "x".repeat(101);
    for args in [
        &["create", "--name", "", "--scope", "invoices:read"][..],
        &["create", "--name", &long, "--scope", "invoices:read"],
        &["create", "--name", "bell\u{7}", "--scope", "invoices:read"],
        &[
            "create",
            "--name",
            "x",
            "--scope",
            "invoices:read",
            "--meta",
            "a b=c",
        ],
        &["update", "key_0000000001", "--name", "x"],
        &["revoke", "key_0000000001", "--yes"],
        &["rotate", "key_0000000001", "--yes"],
    ] {
        let run = s.run(args);
        assert_ne!(run.code, 0, "{args:?}");
        assert!(!s.db().exists(), "{args:?} created the database");
    }
    // Reads of a database that does not exist yet see an empty one.
    for args in [&["list"][..], &["usage"], &["audit"], &["audit", "verify"]] {
        assert_eq!(s.run(args).code, 0, "{args:?}");
        assert!(!s.db().exists(), "{args:?} created the database");
    }
    let run = s.run_with_stdin(&["verify"], Some("sk_live_notakey"));
    assert_eq!(run.code, 3);
    assert!(!s.db().exists(), "verify created the database");
}

#[test]
fn ingest_does_not_hold_the_write_lock_while_it_reads() {
    use std::io::Write;
    let s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    // An ingest whose producer is slow: standard input stays open.
    let mut ingest = s
        .command(&["ingest", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = ingest.stdin.take().unwrap();
    stdin
        .write_all(format!("{{\"key\":\"{id}\",\"ts\":1795000000,\"status\":200}}\n").as_bytes())
        .unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // Another writer goes ahead at once.
    let started = std::time::Instant::now();
    s.ok(&["create", "--name", "meanwhile", "--scope", "invoices:read"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    drop(stdin);
    let out = ingest.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Imported 1 request for 1 key from standard input\n"
    );
}

#[test]
fn a_nul_in_request_text_is_stored_the_same_on_every_backend() {
    let s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let log = format!(
        "{{\"key\":\"{id}\",\"ts\":1795000000,\"status\":200,\"path\":\"/v1/a\\u0000b\",\"user_agent\":\"x\\u0000y\"}}\n"
    );
    let run = s.run_with_stdin(&["ingest"], Some(&log));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let trail = s.ok(&["audit", "--action", "request", "--format", "json"]);
    assert!(trail.contains("/v1/a\u{fffd}b"), "{trail}");
    assert!(trail.contains("x\u{fffd}y"), "{trail}");
    let run = s.run(&["update", &id, "--description", "a\u{1}b"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_process_alone_with_a_long_wal_checkpoints_it_as_it_exits() {
    if sqlite_only("looks at the -wal file") {
        return;
    }
    let s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    let wal = std::path::PathBuf::from(format!("{}-wal", s.db().display()));
    let wal_len = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    // A short write leaves its frames for a later exit to checkpoint with
    // others: a checkpoint on every exit would cost every writer fsyncs.
    s.create("short", &[]);
    assert!(wal_len() > 0, "a create checkpointed on exit");

    let lines: String = (0..2000)
        .map(|i| {
            format!(
                "{{\"key\":\"{id}\",\"ts\":{},\"status\":200,\"path\":\"/v1/x/{i}\"}}\n",
                1_795_000_000 + i
            )
        })
        .collect();
    // Another connection has the file open: the process is not alone and
    // leaves the -wal, long as it is (and the other connection, when it
    // closes, does not checkpoint either).
    let other = crate::support::open_db(&s.db());
    other
        .set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )
        .unwrap();
    other
        .query_row("SELECT count(*) FROM keys", [], |_| Ok(()))
        .unwrap();
    let run = s.run_with_stdin(&["ingest", "-"], Some(&lines));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        wal_len() > 128 << 10,
        "the -wal was cut back while another connection had the file open ({} bytes)",
        wal_len()
    );
    drop(other);

    // Alone, even a command that only reads checkpoints it: the -wal is
    // gone and the database file by itself holds every request.
    s.ok(&["list"]);
    assert!(
        !wal.exists(),
        "the -wal is still there ({} bytes)",
        wal_len()
    );
    let file = crate::support::open_db(&s.db());
    let stored: i64 = file
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 2000);
}

#[cfg(unix)]
#[test]
fn a_database_that_is_not_a_regular_file_is_refused_untouched() {
    use std::os::unix::fs::FileTypeExt;
    if sqlite_only("a FIFO and a folder as the database file") {
        return;
    }
    let s = Sandbox::new();
    let fifo = s.home().join("db.fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo reads nothing else.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let folder = s.home().join("db.dir");
    std::fs::create_dir(&folder).unwrap();
    for db in [&fifo, &folder] {
        for args in [
            &["list"][..],
            &["create", "--name", "x", "--scope", "clients:read"],
        ] {
            let mut all = vec!["--db", db.to_str().unwrap()];
            all.extend(args);
            let run = s.run(&all);
            assert_eq!(run.code, 1, "{all:?}: {}", run.stderr);
            assert!(
                run.stderr.contains("is not a regular file"),
                "{}",
                run.stderr
            );
            for suffix in ["-journal", "-wal", "-shm"] {
                let beside = format!("{}{suffix}", db.display());
                assert!(!std::path::Path::new(&beside).exists(), "{beside} was left");
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn an_empty_file_that_keyctl_initialises_becomes_private() {
    use std::os::unix::fs::PermissionsExt;
    if sqlite_only("file modes") {
        return;
    }
    let s = Sandbox::new();
    let db = s.home().join("given.db");
    std::fs::write(&db, "").unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    s.ok(&["--db", db.to_str().unwrap(), "list"]);
    let mode = |p: &str| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let db = db.to_str().unwrap();
    assert_eq!(mode(db), 0o600);
    s.ok(&[
        "--db",
        db,
        "create",
        "--name",
        "x",
        "--scope",
        "clients:read",
    ]);
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{db}{suffix}");
        if std::path::Path::new(&path).exists() {
            assert_eq!(mode(&path), 0o600, "{path}");
        }
    }
}
