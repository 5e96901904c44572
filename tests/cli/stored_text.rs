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
