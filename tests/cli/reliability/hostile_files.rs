//! Item 12: hostile files. keyctl pointed at a truncated database, random
//! bytes, a database from a newer keyctl, a database it may not write, or a
//! database on a full disk: every command that cannot do its work says so in
//! one line (`error: …`, perhaps followed by a `hint: …`), exits 1, does not
//! panic, and leaves the file as it was.
//!
//! The full disk is a small tmpfs when the test may mount one (it runs as
//! root in CI); the same failure is also forced everywhere with a file-size
//! limit (`RLIMIT_FSIZE`, with `SIGXFSZ` ignored), under which every write
//! of the database, its `-wal` or its `-shm` fails with an I/O error.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{Dice, Sandbox};

/// A command, and whether it writes.
struct Case {
    args: Vec<String>,
    input: Option<String>,
    writes: bool,
}

fn cases(db: &Path, id: &str, secret: &str) -> Vec<Case> {
    let db = db.to_str().unwrap().to_owned();
    let c = |writes: bool, args: &[&str], input: Option<String>| {
        let mut a: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        a.extend(["--db".to_owned(), db.clone()]);
        Case {
            args: a,
            input,
            writes,
        }
    };
    let log = format!("{{\"key\":\"{id}\",\"ts\":1795000000,\"status\":200}}\n");
    vec![
        c(
            true,
            &["create", "--name", "n", "--scope", "invoices:read"],
            None,
        ),
        c(true, &["update", id, "--description", "d"], None),
        c(true, &["revoke", id, "--yes"], None),
        c(true, &["rotate", id, "--yes"], None),
        c(true, &["verify"], Some(format!("{secret}\n"))),
        c(true, &["ingest", "-"], Some(log)),
        c(false, &["list", "--status", "all"], None),
        c(false, &["show", id], None),
        c(false, &["usage"], None),
        c(false, &["audit"], None),
        c(false, &["audit", "verify"], None),
        c(
            false,
            &["verify", "--no-record"],
            Some(format!("{secret}\n")),
        ),
    ]
}

/// The database file and its companions, as bytes.
fn snapshot(db: &Path) -> Vec<Option<Vec<u8>>> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|x| std::fs::read(format!("{}{x}", db.display())).ok())
        .collect()
}

/// Runs every case on `db` through `prepare` and checks the refusals.
/// `reads_may_work`: a read command may succeed instead of failing.
fn refuse_all(
    s: &Sandbox,
    what: &str,
    db: &Path,
    key: (&str, &str),
    reads_may_work: bool,
    expect: &str,
    prepare: &dyn Fn(&mut Command),
) -> usize {
    let before = snapshot(db);
    let mut n = 0;
    for case in cases(db, key.0, key.1) {
        let argv: Vec<&str> = case.args.iter().map(String::as_str).collect();
        let mut cmd = s.command(&argv);
        prepare(&mut cmd);
        cmd.stdin(if case.input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(text) = &case.input {
            use std::io::Write;
            let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code().unwrap_or(-1);
        assert!(!stderr.contains("panicked"), "{what}: {argv:?}: {stderr}");
        if code == 0 && !case.writes && reads_may_work {
            n += 1;
            continue;
        }
        assert_eq!(code, 1, "{what}: {argv:?} exited {code}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert!(
            !lines.is_empty()
                && lines[0].starts_with("error: ")
                && lines.len() <= 2
                && lines.get(1).is_none_or(|l| l.starts_with("hint: ")),
            "{what}: {argv:?}: not a one-line error: {stderr}"
        );
        assert!(
            lines[0].contains(expect),
            "{what}: {argv:?}: expected '{expect}' in {stderr}"
        );
        assert!(out.stdout.is_empty(), "{what}: {argv:?} printed output");
        assert!(
            snapshot(db)[0] == before[0],
            "{what}: {argv:?} changed the database file"
        );
        n += 1;
    }
    n
}

/// A sandbox with a real database of some size, checkpointed into its file.
fn populated() -> (Sandbox, String, String) {
    let s = Sandbox::new();
    let (id, secret) = s.create("target", &[]);
    for i in 0..60 {
        s.create(&format!("filler {i}"), &["--description", &"x".repeat(500)]);
    }
    let run = s.run_with_stdin(&["verify", "-q"], Some(&format!("{secret}\n")));
    assert_eq!(run.code, 0);
    s.checkpoint();
    (s, id, secret)
}

fn copy_to(s: &Sandbox, name: &str, bytes: &[u8]) -> PathBuf {
    let p = s.home().join(name);
    std::fs::write(&p, bytes).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    p
}

#[test]
fn truncated_random_and_newer_files_are_refused_untouched() {
    if crate::support::sqlite_only("damaged, foreign and unwritable SQLite files") {
        return;
    }
    let (s, id, secret) = populated();
    let good = std::fs::read(s.db()).unwrap();
    assert!(good.len() > 40_000, "{}", good.len());
    let mut n = 0;
    let key = (id.as_str(), secret.as_str());
    for cut in [
        0,
        50,
        100,
        4096,
        8192,
        good.len() / 2,
        good.len() - 4096,
        good.len() - 1,
    ] {
        if cut == 0 {
            continue; // An empty file is a new database, by design.
        }
        let p = copy_to(&s, &format!("cut{cut}.db"), &good[..cut]);
        n += refuse_all(
            &s,
            &format!("truncated to {cut}"),
            &p,
            key,
            false,
            "",
            &|_| {},
        );
    }
    let mut dice = Dice::new("random files");
    for (i, len) in [1usize, 100, 4096, 65_536].into_iter().enumerate() {
        let bytes: Vec<u8> = (0..len).map(|_| dice.below(256) as u8).collect();
        let p = copy_to(&s, &format!("random{i}.db"), &bytes);
        n += refuse_all(
            &s,
            &format!("{len} random bytes"),
            &p,
            key,
            false,
            "",
            &|_| {},
        );
        // The same behind a valid SQLite header.
        let mut headed = good[..100].to_vec();
        headed.extend(&bytes);
        let p = copy_to(&s, &format!("headed{i}.db"), &headed);
        n += refuse_all(
            &s,
            &format!("header and {len} random bytes"),
            &p,
            key,
            false,
            "",
            &|_| {},
        );
    }
    let newer = s.home().join("newer.db");
    std::fs::copy(s.db(), &newer).unwrap();
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.execute_batch(&format!(
            "PRAGMA user_version = {}",
            keyctl::store::sqlite::latest_version() + 1
        ))
        .unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
    n += refuse_all(
        &s,
        "newer schema",
        &newer,
        key,
        false,
        "newer keyctl",
        &|_| {},
    );
    eprintln!("hostile files: {n} refusals checked");
}

/// Makes a folder and everything in it readable and searchable by anyone.
fn open_up(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_database_is_refused_untouched() {
    if crate::support::sqlite_only("damaged, foreign and unwritable SQLite files") {
        return;
    }
    let (s, id, secret) = populated();
    let dir = s.home().join("ro");
    std::fs::create_dir(&dir).unwrap();
    let db = dir.join("keyctl.db");
    std::fs::copy(s.db(), &db).unwrap();
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let prepare: Box<dyn Fn(&mut Command)> = if root {
        // Root ignores file modes: run keyctl as an unprivileged user, who
        // may read the file and its folder but write neither.
        open_up(s.home(), 0o755);
        open_up(&dir, 0o755);
        open_up(&db, 0o644);
        Box::new(|cmd: &mut Command| {
            // SAFETY: setgid and setuid are async-signal-safe.
            unsafe {
                cmd.pre_exec(|| {
                    if libc::setgid(65534) != 0 || libc::setuid(65534) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        })
    } else {
        open_up(&dir, 0o555);
        open_up(&db, 0o444);
        Box::new(|_: &mut Command| {})
    };
    let n = refuse_all(
        &s,
        "read-only database",
        &db,
        (&id, &secret),
        true,
        "database",
        &*prepare,
    );
    open_up(&dir, 0o755);
    eprintln!(
        "read-only database (as {}): {n} commands checked",
        if root {
            "an unprivileged user"
        } else {
            "its owner"
        }
    );
}

#[test]
fn a_file_size_limit_fails_every_write_cleanly() {
    if crate::support::sqlite_only("damaged, foreign and unwritable SQLite files") {
        return;
    }
    let (s, id, secret) = populated();
    let n = refuse_all(
        &s,
        "writes past RLIMIT_FSIZE",
        &s.db(),
        (&id, &secret),
        false,
        "disk I/O error",
        &|cmd: &mut Command| {
            // SAFETY: signal and setrlimit are async-signal-safe.
            unsafe {
                cmd.pre_exec(|| {
                    libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                    let limit = libc::rlimit {
                        rlim_cur: 1024,
                        rlim_max: libc::RLIM_INFINITY,
                    };
                    if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        },
    );
    eprintln!("file size limit: {n} commands failed cleanly");
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_refused_untouched() {
    if crate::support::sqlite_only("damaged, foreign and unwritable SQLite files") {
        return;
    }
    let (s, id, secret) = populated();
    let at = s.home().join("full");
    std::fs::create_dir(&at).unwrap();
    let size = std::fs::metadata(s.db()).unwrap().len() + 64 * 1024;
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(&at)
        .output();
    let _mount = match mounted {
        Ok(out) if out.status.success() => Mount(at.clone()),
        other => {
            // Not allowed to mount here: the same I/O failure is forced by
            // a_file_size_limit_fails_every_write_cleanly, which always runs.
            eprintln!(
                "full disk: cannot mount a tmpfs here ({other:?}); covered by the file size limit test"
            );
            return;
        }
    };
    let db = at.join("keyctl.db");
    std::fs::copy(s.db(), &db).unwrap();
    // Fill what is left.
    {
        use std::io::Write;
        let mut filler = std::fs::File::create(at.join("filler")).unwrap();
        let block = vec![0u8; 4096];
        while filler.write_all(&block).is_ok() {}
        let _ = filler.sync_all();
    }
    let n = refuse_all(
        &s,
        "full disk",
        &db,
        (&id, &secret),
        true,
        "is the disk full?",
        &|_: &mut Command| {},
    );
    eprintln!("full disk (tmpfs of {size} bytes): {n} commands checked");
}
