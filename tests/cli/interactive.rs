//! Prompts on a real pseudo-terminal: create by prompts, confirmations, Ctrl-C.

use rexpect::process::WaitStatus;
use rexpect::session::PtySession;

use crate::support::Sandbox;

fn spawn(s: &Sandbox, args: &[&str]) -> PtySession {
    rexpect::session::spawn_command(s.command(args), Some(10_000)).expect("spawn on a pty")
}

/// Sends one keystroke on its own: the prompt library reads keys one at a
/// time, and two keys in one read are not recognised.
fn key(p: &mut PtySession, k: &str) {
    p.send(k).unwrap();
    p.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
}

fn exit_code(p: &mut PtySession) -> i32 {
    match p.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("keyctl did not exit normally: {other:?}"),
    }
}

fn statuses(s: &Sandbox) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["list", "--status", "all", "--format", "json"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|k| k["status"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn create_asks_for_every_missing_field() {
    let s = Sandbox::new();
    let mut p = spawn(&s, &["create"]);
    p.exp_string("Name of the key").unwrap();
    // An invalid name is refused and asked again.
    p.send_line("   ").unwrap();
    p.exp_string("must not be empty").unwrap();
    p.send_line("Billing sync").unwrap();
    p.exp_string("test").unwrap();
    key(&mut p, "j"); // down: test
    key(&mut p, "\r");
    p.exp_string("webhooks:admin").unwrap();
    key(&mut p, " "); // invoices:read
    key(&mut p, "\r");
    p.exp_string("Expires").unwrap();
    p.send_line("30d").unwrap();
    p.exp_string("Shown only once").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let v: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", "Billing sync", "--format", "json"])).unwrap();
    assert_eq!(v["environment"], "test");
    assert_eq!(v["scopes"], serde_json::json!(["invoices:read"]));
    assert_eq!(v["expires_at"], "2026-12-23T12:00:00Z");
}

#[test]
fn revoke_answered_no_changes_nothing_and_yes_revokes() {
    let s = Sandbox::new();
    let (id, _) = s.create("Billing sync", &[]);
    let mut p = spawn(&s, &["revoke", &id]);
    p.exp_string("last used").unwrap();
    p.exp_string("cannot be undone").unwrap();
    p.send_line("n").unwrap();
    p.exp_string("nothing changed").unwrap();
    assert_eq!(exit_code(&mut p), 1);
    assert_eq!(statuses(&s), ["active"]);

    let mut p = spawn(&s, &["revoke", &id]);
    p.exp_string("cannot be undone").unwrap();
    p.send_line("y").unwrap();
    p.exp_string("Revoked").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(statuses(&s), ["revoked"]);
}

#[test]
fn rotate_asks_and_defaults_to_no() {
    let s = Sandbox::new();
    let (id, _) = s.create("Billing sync", &[]);
    let mut p = spawn(&s, &["rotate", &id]);
    p.exp_string("Rotate").unwrap();
    p.send_line("").unwrap();
    p.exp_string("nothing changed").unwrap();
    assert_eq!(exit_code(&mut p), 1);
    assert_eq!(statuses(&s), ["active"]);
}

#[test]
fn ctrl_c_at_a_prompt_exits_130_and_changes_nothing() {
    let s = Sandbox::new();
    let (id, _) = s.create("Billing sync", &[]);
    let mut p = spawn(&s, &["revoke", &id]);
    p.exp_string("cannot be undone").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("interrupted").unwrap();
    assert_eq!(exit_code(&mut p), 130);
    assert_eq!(statuses(&s), ["active"]);

    let mut p = spawn(&s, &["create"]);
    p.exp_string("Name of the key").unwrap();
    p.send("half a na").unwrap();
    p.send_control('c').unwrap();
    assert_eq!(exit_code(&mut p), 130);
    assert_eq!(statuses(&s), ["active"]);
}

#[test]
fn a_terminal_of_width_zero_is_not_wrapped_to_nothing() {
    let s = Sandbox::new();
    s.create("Billing sync", &[]);
    // A new pseudo-terminal reports 0 columns and 0 rows until someone
    // sets its size.
    let mut p = spawn(&s, &["list"]);
    p.exp_string("Billing sync").unwrap();
    assert_eq!(exit_code(&mut p), 0);
}
