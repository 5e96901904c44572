//! Item 13, the part that runs in every `cargo test`: the checks of the fuzz
//! targets (`fuzz/checks.rs`) on every input of the committed corpus
//! (`fuzz/corpus/TARGET/`), then on generated inputs: arbitrary bytes, and
//! near-misses built from valid examples. The long runs are cargo-fuzz's,
//! from `tests/reliability/run.sh`.

use std::path::PathBuf;

use proptest::prelude::*;

#[path = "../../../fuzz/checks.rs"]
mod checks;

/// A fuzz target's checks.
type Check = fn(&[u8]);

const TARGETS: [(&str, Check); 6] = [
    ("secret", checks::secret),
    ("scope", checks::scope),
    ("time", checks::time),
    ("ingest_line", checks::ingest_line),
    ("config", checks::config),
    ("request_path", checks::request_path),
];

#[test]
fn the_fuzz_corpus_replays_cleanly() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut total = 0;
    for (name, check) in TARGETS {
        let dir = root.join(name);
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{name}: {} fails", path.display());
            n += 1;
        }
        assert!(n > 0, "{name}: the corpus is empty");
        total += n;
    }
    eprintln!("corpus: {total} inputs replayed");
}

/// Valid inputs to start from; each generated case changes a few bytes.
fn seeds() -> Vec<(usize, Vec<u8>)> {
    let secret = keyctl::Secret::generate(
        &keyctl::secret::KeyPrefix::default(),
        keyctl::Environment::Live,
    )
    .unwrap();
    vec![
        (0, secret.expose().as_bytes().to_vec()),
        (0, format!("/v1/x?api_key={}&y", secret.expose()).into_bytes()),
        (1, b"invoices:write".to_vec()),
        (1, b"GET\n/v1/payment-links/42".to_vec()),
        (1, b"invoices:read,*,clients:admin".to_vec()),
        (2, b"90d".to_vec()),
        (2, b"2026-12-01T10:00:00+02:00".to_vec()),
        (2, b"2000/15min".to_vec()),
        (2, b"100/month".to_vec()),
        (3, br#"{"key":"key_0000000001","ts":"2026-11-23T10:00:00Z","method":"get","path":"/v1/invoices","status":200,"duration_ms":12.4,"ip":"10.0.0.1","user_agent":"curl/8"}"#.to_vec()),
        (5, b"/v1/invoices/../payouts/%2e%2E/42?x=1".to_vec()),
        (5, b"/v2/payment-links/.%2e/%63lients/./7#f".to_vec()),
        (4, b"key_prefix = \"acme\"\nplan = \"pro\"\n[plans.pro]\nmax_keys = 3\nrate_limit = \"5/min\"\n[roles]\nalice = \"owner\"\n".to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if crate::support::full_scale() { 200_000 } else { 2_000 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_break_a_parser(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        for (_, check) in TARGETS {
            check(&data);
        }
    }

    #[test]
    fn near_misses_never_break_a_parser(
        seed in 0usize..13,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let (target, mut data) = seeds()[seed].clone();
        for (at, byte, kind) in edits {
            let i = at.index(data.len() + 1);
            match kind {
                0 if i < data.len() => data[i] = byte,
                1 => data.insert(i, byte),
                _ if i < data.len() => { data.remove(i); }
                _ => data.push(byte),
            }
        }
        TARGETS[target].1(&data);
    }
}
