//! The one output that carries a new secret (`create`, `rotate`) reaches
//! standard output before the change commits: when it cannot be written
//! (a closed pipe, a full disk) nothing is committed and the command fails.

use std::fs::File;
use std::process::Stdio;

use crate::support::{Run, Sandbox};

/// Where the secret is sent: a pipe nobody reads any more, or `/dev/full`.
#[derive(Debug, Clone, Copy)]
enum Sink {
    ClosedPipe,
    Full,
}

const SINKS: [Sink; 2] = [Sink::ClosedPipe, Sink::Full];

fn run_into(s: &Sandbox, args: &[&str], sink: Sink) -> Run {
    let stdout = match sink {
        Sink::ClosedPipe => {
            let (reader, writer) = std::io::pipe().expect("a pipe");
            // The reader is gone before keyctl writes anything.
            drop(reader);
            Stdio::from(writer)
        }
        Sink::Full => Stdio::from(
            File::options()
                .write(true)
                .open("/dev/full")
                .expect("/dev/full"),
        ),
    };
    let out = s
        .command(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("run keyctl");
    Run {
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn assert_refused(run: &Run, sink: Sink) {
    assert_eq!(run.code, 1, "{sink:?} {:?}: {}", run.args, run.stderr);
    assert!(
        run.stderr
            .starts_with("error: the new secret could not be written"),
        "{sink:?} {:?}: {}",
        run.args,
        run.stderr
    );
}

#[test]
fn create_commits_nothing_when_the_secret_cannot_be_written() {
    for sink in SINKS {
        for quiet in [true, false] {
            let s = Sandbox::new();
            let mut args = vec!["create", "--name", "deploy", "--scope", "clients:read"];
            if quiet {
                args.push("-q");
            }
            let run = run_into(&s, &args, sink);
            assert_refused(&run, sink);
            assert_eq!(
                s.dump(),
                "",
                "{sink:?} quiet={quiet}: a key was left behind"
            );
        }
    }
}

#[test]
fn a_failed_create_leaves_the_plan_room_free() {
    // On the trial plan two lost secrets used to fill the whole plan.
    let s = Sandbox::new();
    s.config("plan = \"trial\"\n");
    for sink in SINKS {
        let args = [
            "create",
            "--name",
            "deploy",
            "--scope",
            "clients:read",
            "-q",
        ];
        assert_refused(&run_into(&s, &args, sink), sink);
    }
    s.create("a", &[]);
    s.create("b", &[]);
}

#[test]
fn rotate_changes_nothing_when_the_new_secret_cannot_be_written() {
    for sink in SINKS {
        for quiet in [true, false] {
            let s = Sandbox::new();
            let (id, _) = s.create("svc", &[]);
            let before = s.dump();
            let mut args = vec!["rotate", id.as_str(), "--yes"];
            if quiet {
                args.push("-q");
            }
            let run = run_into(&s, &args, sink);
            assert_refused(&run, sink);
            assert_eq!(
                s.dump(),
                before,
                "{sink:?} quiet={quiet}: the rotation was kept"
            );
            let shown: serde_json::Value =
                serde_json::from_str(&s.ok(&["show", &id, "--format", "json"])).unwrap();
            assert_eq!(shown["status"], "active");
            assert!(shown["replaced_by"].is_null());
        }
    }
}
