//! Item 11: terminal safety. Text that users and clients supply (names,
//! descriptions, metadata, revoke reasons, actors, request paths, user
//! agents and addresses, from `verify` and from `ingest`) is full of ESC,
//! OSC, CSI (U+009B), `\r`, BEL, BS, NUL, DEL and other C0/C1 controls;
//! every command that prints it, in every format, must print zero raw
//! control bytes (a newline ends a line; nothing else passes).

use std::process::Stdio;

use crate::support::Sandbox;

/// Escape sequences and lone controls an attacker would try.
const HOSTILE: &str = "a\u{1b}[31mred\u{1b}]0;owned\u{7}\u{9b}2J\rb\u{8}\u{7f}\u{85}\u{9c}\u{1b}P+q\u{1b}\\\u{0b}\u{0c}z";

/// The same for JSON input, where NUL can be written too.
const HOSTILE_JSON: &str =
    "x\\u001b[2J\\u001b]8;;http://evil\\u0007link\\u009b1m\\r\\u0000\\u0008\\u007f\\u0085y";

/// The raw control characters in some output, as a readable list.
fn controls(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.char_indices()
        .filter(|(_, c)| c.is_control() && *c != '\n')
        .map(|(i, c)| format!("U+{:04X} at {i}", u32::from(c)))
        .collect()
}

fn run_raw(s: &Sandbox, args: &[&str], input: Option<&str>) -> (i32, Vec<u8>, Vec<u8>) {
    use std::io::Write;
    let mut cmd = s.command(args);
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = input {
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout, out.stderr)
}

#[test]
fn no_raw_control_byte_reaches_the_terminal() {
    let s = Sandbox::new();
    let mut checked = 0usize;
    let mut check = |args: &[&str], input: Option<&str>, codes: &[i32]| {
        let (code, stdout, stderr) = run_raw(&s, args, input);
        assert!(
            codes.contains(&code),
            "{args:?} exited {code}: {}",
            String::from_utf8_lossy(&stderr)
        );
        for (what, bytes) in [("stdout", &stdout), ("stderr", &stderr)] {
            let found = controls(bytes);
            assert!(
                found.is_empty(),
                "{args:?} {what}: raw controls {found:?} in {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        checked += 1;
        String::from_utf8_lossy(&stdout).into_owned()
    };
    let meta = format!("note={HOSTILE}");
    let created = check(
        &[
            "create",
            "--name",
            "hostile",
            "--scope",
            "invoices:read",
            "--description",
            HOSTILE,
            "--meta",
            &meta,
            "--format",
            "json",
        ],
        None,
        &[0],
    );
    let v: serde_json::Value = serde_json::from_str(&created).unwrap();
    let (id, secret) = (
        v["id"].as_str().unwrap().to_owned(),
        v["secret"].as_str().unwrap().to_owned(),
    );
    // The text was kept as given: escaping is for display only.
    assert_eq!(v["description"], HOSTILE);
    assert_eq!(v["metadata"]["note"], HOSTILE);
    for format in ["table", "csv", "json"] {
        check(
            &[
                "create",
                "--name",
                "other",
                "--scope",
                "invoices:read",
                "--description",
                HOSTILE,
                "--format",
                format,
            ],
            None,
            &[0],
        );
    }
    // A name with controls is refused, and the refusal is escaped.
    check(
        &["create", "--name", HOSTILE, "--scope", "invoices:read"],
        None,
        &[1],
    );
    check(&["show", HOSTILE], None, &[1]);
    check(&["--actor", HOSTILE, "list"], None, &[0, 1]);
    let (victim, _) = s.create("victim", &[]);
    check(
        &["revoke", &victim, "--yes", "--reason", HOSTILE],
        None,
        &[0],
    );
    check(
        &["update", &id, "--meta", &format!("other={HOSTILE}")],
        None,
        &[0],
    );
    let path = format!("/v1/invoices/{HOSTILE}");
    for args in [
        vec![
            "verify",
            "--path",
            &path,
            "--method",
            "GET",
            "--user-agent",
            HOSTILE,
            "--ip",
            HOSTILE,
        ],
        vec![
            "verify",
            "--path",
            &path,
            "--method",
            "DELETE",
            "--user-agent",
            HOSTILE,
        ],
    ] {
        // A path with control characters cannot be judged: refused, and the
        // refusal's message is escaped like everything else.
        check(&args, Some(&format!("{secret}\n")), &[2]);
    }
    for method in ["GET", "DELETE"] {
        check(
            &[
                "verify",
                "--path",
                "/v1/invoices/1",
                "--method",
                method,
                "--user-agent",
                HOSTILE,
            ],
            Some(&format!("{secret}\n")),
            &[0, 4],
        );
    }
    check(
        &["verify", "--user-agent", HOSTILE],
        Some("sk_live_nope\n"),
        &[3],
    );
    let log = format!(
        "{{\"key\":\"{id}\",\"ts\":1795000000,\"status\":404,\"method\":\"GET\",\"path\":\"/v1/invoices/{HOSTILE_JSON}\",\"user_agent\":\"{HOSTILE_JSON}\",\"ip\":\"10.0.0.1\"}}\n"
    );
    check(&["ingest", "-"], Some(&log), &[0]);
    // An ip that is not an address is refused, and the error quoting it is
    // escaped.
    let bad_ip = format!(
        "{{\"key\":\"{id}\",\"ts\":1795000000,\"status\":404,\"ip\":\"{HOSTILE_JSON}\"}}\n"
    );
    check(&["ingest", "-"], Some(&bad_ip), &[1]);
    // A bad line's error quotes it: escaped too.
    let bad = format!("{{\"key\":\"{HOSTILE_JSON}\",\"ts\":1,\"status\":200}}\n");
    check(&["ingest", "-"], Some(&bad), &[1]);

    for format in ["table", "csv", "json"] {
        for args in [
            &["list", "--status", "all"][..],
            &["show", &id],
            &["show", &victim],
            &["usage", &id, "--since", "2026-01-01"],
            &["usage", "--since", "2026-01-01"],
            &["audit", "--limit", "1000"],
            &["audit", "--key", &id],
            &["audit", "verify"],
        ] {
            let mut a = args.to_vec();
            a.extend(["--format", format]);
            let out = check(&a, None, &[0]);
            if args[0] == "show" && args[1] == id && format != "json" {
                // The text is shown escaped, not dropped.
                assert!(
                    out.contains("a\\e[31mred\\e]0;owned\\u{7}\\u{9b}2J\\rb"),
                    "{out}"
                );
            }
        }
    }
    eprintln!("terminal: {checked} commands' stdout and stderr free of raw controls");
}
