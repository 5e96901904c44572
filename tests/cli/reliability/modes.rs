//! Item 3: file modes. Under umask 022 and 002, the database and its `-wal`
//! and `-shm` files are 0600 and every folder keyctl created is 0700, and
//! they stay so over 100 writes.
//!
//! The `-wal` and `-shm` exist only while a connection is open, so an
//! `ingest -` whose standard input stays open holds one: keyctl itself then
//! creates both files, and the writes that follow go through them.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::Sandbox;

fn mode(p: &Path) -> Option<u32> {
    std::fs::metadata(p)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

fn with_umask(mut cmd: Command, umask: libc::mode_t) -> Command {
    // SAFETY: umask is async-signal-safe and touches only the child.
    unsafe {
        cmd.pre_exec(move || {
            libc::umask(umask);
            Ok(())
        });
    }
    cmd
}

fn run(s: &Sandbox, umask: libc::mode_t, args: &[&str]) {
    let out = with_umask(s.command(args), umask)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Checks the modes of everything keyctl made; returns how many of the
/// `-wal`/`-shm` files existed.
fn check(db: &Path, folders: &[PathBuf], when: &str) -> usize {
    assert_eq!(mode(db), Some(0o600), "{when}: database");
    for f in folders {
        assert_eq!(mode(f), Some(0o700), "{when}: folder {}", f.display());
    }
    let mut present = 0;
    for suffix in ["-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if let Some(m) = mode(&p) {
            assert_eq!(m, 0o600, "{when}: {suffix}");
            present += 1;
        }
    }
    present
}

#[test]
fn files_are_private_under_common_umasks_and_stay_so() {
    if crate::support::sqlite_only("file modes; PostgreSQL's own roles decide who reads the data") {
        return;
    }
    for umask in [0o022, 0o002] {
        let s = Sandbox::new();
        let db = s.db();
        // Every folder between HOME and the database is new: keyctl made them.
        let folders: Vec<PathBuf> = [".local", ".local/share", ".local/share/keyctl"]
            .iter()
            .map(|f| s.home().join(f))
            .collect();
        run(&s, umask, &["create", "--name", "first", "--full-access"]);
        check(&db, &folders, "after the first write");
        let id = {
            let out = s.ok(&["list", "--format", "json"]);
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            v[0]["id"].as_str().unwrap().to_owned()
        };

        let mut holder = with_umask(s.command(&["ingest", "-"]), umask)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = holder.stdin.take().unwrap();
        writeln!(
            stdin,
            "{{\"key\":\"{id}\",\"ts\":1795000000,\"status\":200}}"
        )
        .unwrap();
        stdin.flush().unwrap();
        let started = Instant::now();
        while check(&db, &folders, "while ingest holds the database") < 2 {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "keyctl never opened the -wal and -shm"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let mut seen_open = 0;
        for i in 0..100 {
            let name = format!("k{i}");
            match i % 4 {
                0 => run(&s, umask, &["create", "--name", &name, "--full-access"]),
                1 => run(&s, umask, &["update", &id, "--description", &name]),
                2 => {
                    // An empty presented key: MALFORMED, recorded with its event.
                    let out = with_umask(s.command(&["verify", "-q"]), umask)
                        .stdin(Stdio::null())
                        .output()
                        .unwrap();
                    assert_eq!(out.status.code(), Some(3));
                }
                _ => run(&s, umask, &["update", &id, "--meta", &format!("n={i}")]),
            }
            seen_open += check(&db, &folders, &format!("after write {i}"));
        }
        drop(stdin);
        let out = holder.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        check(&db, &folders, "at the end");
        assert_eq!(seen_open, 200, "the -wal and -shm stayed open throughout");
    }
}
