//! What an operator types is stored (in the key row, the hash-chained trail,
//! the outbox and webhook bodies): a secret is refused in every such text,
//! and so are the characters that would disguise a text when printed.

use crate::support::Sandbox;

/// A real secret (with a valid checksum) of a key of another sandbox.
fn foreign_secret() -> String {
    Sandbox::new().create("elsewhere", &[]).1
}

#[test]
fn a_secret_is_refused_as_a_metadata_key() {
    let secret = foreign_secret();
    let s = Sandbox::new();
    let (id, _) = s.create("svc", &[]);
    let before = s.dump();
    let meta = format!("{secret}=note");
    for args in [
        vec![
            "create",
            "--name",
            "x",
            "--scope",
            "clients:read",
            "--meta",
            &meta,
        ],
        vec!["update", &id, "--meta", &meta],
        vec!["update", &id, "--unset-meta", &secret],
    ] {
        let run = s.run(&args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("contains a secret key"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains(&secret[16..]), "{}", run.stderr);
    }
    assert_eq!(s.dump(), before);
}

#[test]
fn a_secret_is_refused_in_the_name_of_an_ingested_file() {
    let secret = foreign_secret();
    let s = Sandbox::new();
    let (id, _) = s.create("svc", &[]);
    let before = s.dump();
    let file = s.home().join(format!("{secret}.jsonl"));
    let line = serde_json::json!({
        "key": id, "ts": "2026-11-22T10:00:00Z", "method": "GET",
        "path": "/v1/invoices", "status": 200
    });
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let run = s.run(&["ingest", file.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("contains a secret key"),
        "{}",
        run.stderr
    );
    assert_eq!(s.dump(), before);
    assert!(!s.dump().contains(&secret[16..]));
}

#[test]
fn bidi_and_zero_width_characters_are_control_characters() {
    let s = Sandbox::new();
    for name in [
        "bidi\u{202e}gnp.exe",
        "zw\u{200b}sp",
        "bom\u{feff}",
        "iso\u{2066}x",
    ] {
        let run = s.run(&["create", "--name", name, "--scope", "clients:read"]);
        assert_eq!(run.code, 1, "{name:?}: {}", run.stderr);
        assert!(run.stderr.contains("control characters"), "{}", run.stderr);
        assert!(
            !run.stderr
                .contains(['\u{202e}', '\u{200b}', '\u{feff}', '\u{2066}'])
        );
    }
    let run = s.run(&["--actor", "al\u{200d}ice", "list"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Where they may be stored (descriptions, ingested user agents), they
    // are printed escaped, in tables and in JSON.
    let (id, _) = s.create("k", &["--description", "a\u{202e}b"]);
    let log = serde_json::json!({
        "key": id, "ts": "2026-11-22T10:00:00Z", "method": "GET",
        "path": "/v1/invoices", "status": 200, "user_agent": "ua\u{202e}gpj.exe"
    });
    let file = s.home().join("gw.jsonl");
    std::fs::write(&file, format!("{log}\n")).unwrap();
    s.ok(&["ingest", file.to_str().unwrap()]);
    for args in [
        vec!["show", id.as_str()],
        vec!["show", id.as_str(), "--format", "json"],
        vec!["usage", id.as_str()],
        vec!["usage", id.as_str(), "--format", "json"],
    ] {
        let out = s.ok(&args);
        assert!(!out.contains('\u{202e}'), "{args:?}: {out}");
        assert!(
            out.contains("202e") || out.contains("202E"),
            "{args:?}: {out}"
        );
    }
    let shown: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", &id, "--format", "json"])).unwrap();
    assert_eq!(shown["description"], "a\u{202e}b");
}
