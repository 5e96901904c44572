//! Arguments that could be read two ways, or that are not what they claim
//! to be, are refused with a message that says so.

use crate::support::Sandbox;

#[test]
fn a_name_cannot_pose_as_another_keys_id_or_prefix() {
    let s = Sandbox::new();
    let (id, secret) = s.create("target", &[]);
    let prefix = &secret[..16];
    let (other, _) = s.create("other", &[]);
    for name in [id.as_str(), prefix, "key_0000000001", "sk_test_Ab3dE5gH"] {
        let run = s.run(&["create", "--name", name, "--scope", "clients:read"]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("has the form of a key id or a displayed prefix"),
            "{}",
            run.stderr
        );
        let run = s.run(&["update", &other, "--name", name]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
    }
    // The key named by that id is still the one found.
    let shown: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", &id, "--format", "json"])).unwrap();
    assert_eq!(shown["name"], "target");
}

#[test]
fn repeated_or_contradicting_metadata_is_a_usage_error() {
    let s = Sandbox::new();
    let (id, _) = s.create("k", &["--meta", "k=0"]);
    let before = s.dump();
    for args in [
        vec![
            "create",
            "--name",
            "x",
            "--scope",
            "clients:read",
            "--meta",
            "k=1",
            "--meta",
            "k=2",
        ],
        vec!["update", id.as_str(), "--meta", "k=1", "--meta", "k=2"],
        vec!["update", id.as_str(), "--meta", "k=3", "--unset-meta", "k"],
        vec!["update", id.as_str(), "--unset-meta", "k", "--meta", "k=3"],
    ] {
        let run = s.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("'k'") || run.stderr.contains("--meta k"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(s.dump(), before);
}

#[test]
fn verify_ip_must_be_an_ip_address() {
    let s = Sandbox::new();
    let (_, secret) = s.create("k", &[]);
    let input = format!("{secret}\n");
    for ip in ["not-an-ip", "10.0.0.1:443", "999.1.1.1", ""] {
        let run = s.run_with_stdin(&["verify", "--ip", ip], Some(&input));
        assert_eq!(run.code, 2, "{ip}: {}", run.stderr);
        assert!(
            run.stderr.contains("not an IPv4 or IPv6 address"),
            "{}",
            run.stderr
        );
    }
    for ip in ["203.0.113.7", "2001:db8::1"] {
        let run = s.run_with_stdin(&["verify", "--ip", ip], Some(&input));
        assert_eq!(run.code, 0, "{ip}: {}", run.stderr);
    }
}
