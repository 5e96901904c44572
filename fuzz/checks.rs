//! What each fuzz target checks, shared by the cargo-fuzz targets (long
//! runs, `tests/reliability/run.sh`) and by the `parsers` test of the normal
//! `cargo test` (the committed corpus replayed, plus generated inputs).
//!
//! Beyond "no panic": every error message is one line, as the library
//! promises; what parses prints back to something that parses to the same
//! value; text cleaned of secrets holds none.

#![allow(dead_code)]

use std::path::Path;
use std::str::FromStr;

use keyctl::scope::{Catalog, Level, Scope, ScopeSet};
use keyctl::secret::Secret;
use keyctl::time::{from_unix, human_duration, parse_duration, parse_expiry, parse_since};
use keyctl::{Config, Quota, RateLimit};

fn one_line(e: &keyctl::Error) {
    let m = e.to_string();
    assert!(
        !m.contains('\n') && !m.contains('\r'),
        "multi-line error: {m:?}"
    );
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The first line and the rest, for targets that take two strings.
fn split(data: &[u8]) -> (String, String) {
    let s = text(data);
    match s.split_once('\n') {
        Some((a, b)) => (a.to_owned(), b.to_owned()),
        None => (s, String::new()),
    }
}

/// The secret parser, and the scanners that find secrets in free text.
pub fn secret(data: &[u8]) {
    let s = text(data);
    if let Ok(secret) = Secret::parse(&s) {
        assert_eq!(secret.expose(), s);
        assert!(s.starts_with(&secret.display_prefix()));
        assert_eq!(Secret::parse(secret.expose()).as_ref(), Ok(&secret));
        assert!(keyctl::secret::scan::contains_secret(&s));
    }
    let stripped = keyctl::secret::scan::strip_secrets(&s);
    assert!(
        !keyctl::secret::scan::contains_secret(&stripped),
        "a secret survived stripping"
    );
    let redacted = keyctl::secret::scan::redact_secrets(&s);
    assert!(
        !keyctl::secret::scan::contains_secret(&redacted),
        "a secret survived redaction"
    );
    let escaped = keyctl::text::escape(&s);
    assert!(!escaped.chars().any(char::is_control), "{escaped:?}");
}

/// Scopes, stored scope sets, and scopes derived from a request.
pub fn scope(data: &[u8]) {
    let (a, b) = split(data);
    let catalog = Catalog::default();
    for parsed in [Scope::parse(&a, &catalog), Scope::parse_unchecked(&a)] {
        match parsed {
            Ok(scope) => {
                let again = Scope::parse_unchecked(&scope.to_string()).expect("reparse");
                assert_eq!(again, scope);
                assert!(scope.satisfies(&scope));
            }
            Err(e) => one_line(&e),
        }
    }
    match ScopeSet::from_stored(&a) {
        Ok(set) => {
            let again = ScopeSet::from_stored(&set.to_stored()).expect("reparse");
            assert_eq!(again.to_strings(), set.to_strings());
        }
        Err(e) => one_line(&e),
    }
    let _ = Level::for_method(&a);
    if let Some(scope) = Catalog::scope_for_request(&a, &b) {
        assert!(Level::for_method(&a).is_some());
        let _ = scope.to_string();
    }
    if let Ok(c) = Catalog::new(a.split(',').map(str::to_owned).collect()) {
        let _ = c.nearest(&b);
        let _ = Scope::parse(&b, &c);
    }
}

/// Durations, expiries, window bounds, rate limits and quotas.
pub fn time(data: &[u8]) {
    let s = text(data);
    let now = from_unix(1_795_000_000);
    match parse_duration(&s) {
        Ok(d) => {
            let back = parse_duration(&human_duration(d)).expect("reparse");
            assert_eq!(back, d, "{s:?}");
        }
        Err(e) => one_line(&e),
    }
    match parse_expiry(&s, now) {
        Ok(Some(at)) => assert!(at > now),
        Ok(None) => {}
        Err(e) => one_line(&e),
    }
    if let Err(e) = parse_since(&s, now) {
        one_line(&e);
    }
    match RateLimit::from_str(&s) {
        Ok(r) => assert_eq!(RateLimit::from_str(&r.to_string()).expect("reparse"), r),
        Err(e) => one_line(&e),
    }
    match Quota::from_str(&s) {
        Ok(q) => assert_eq!(Quota::from_str(&q.to_string()).expect("reparse"), q),
        Err(e) => one_line(&e),
    }
}

/// One line of a gateway log.
pub fn ingest_line(data: &[u8]) {
    let s = text(data);
    let mut resolve = |k: &str| -> keyctl::Result<Option<String>> {
        Ok((!k.is_empty()).then(|| "key_0000000001".to_owned()))
    };
    match keyctl::usage::parse_request_line(&s, 7, &mut resolve) {
        Ok(r) => {
            assert!((100..=599).contains(&r.status));
            for f in [&r.path, &r.user_agent, &r.ip, &r.method]
                .into_iter()
                .flatten()
            {
                assert!(
                    !keyctl::secret::scan::contains_secret(f),
                    "a secret was kept"
                );
            }
        }
        Err(e) => {
            one_line(&e);
            assert!(e.to_string().starts_with("line 7: "), "{e}");
        }
    }
}

/// The config file.
pub fn config(data: &[u8]) {
    let s = text(data);
    if let Err(e) = Config::parse(&s, Path::new("/fuzz/config.toml")) {
        one_line(&e);
        assert!(e.to_string().starts_with("/fuzz/config.toml: "), "{e}");
    }
}

/// The request path normaliser (SPEC §3): a path it accepts names, to a
/// server that decodes every escape and then resolves dot segments, the
/// same resource as the normalised path does; the normalised path holds no
/// `..` and normalises to itself.
pub fn request_path(data: &[u8]) {
    let raw = text(data);
    let Ok(normal) = keyctl::request_path::normalize(&raw) else {
        return;
    };
    assert!(!normal.contains(".."), "{raw:?} -> {normal:?}");
    assert_eq!(
        keyctl::request_path::normalize(&normal).as_deref(),
        Ok(normal.as_str()),
        "normalising {raw:?} twice changes it"
    );
    let resource = |path: &str| Catalog::scope_for_request("GET", &server_view(path));
    assert_eq!(
        resource(&raw),
        resource(&normal),
        "{raw:?} normalises to {normal:?}, which a server reads as another resource"
    );
}

/// What a lenient server acts on: every escape decoded, then dot segments
/// resolved segment by segment. Written apart from the normaliser, on
/// purpose, so that the two can disagree.
fn server_view(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], escape) {
            (b'%', Some(b)) => {
                decoded.push(b);
                i += 3;
            }
            (b, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    let decoded = String::from_utf8_lossy(&decoded);
    let mut stack: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "." => {}
            ".." => {
                stack.pop();
            }
            s => stack.push(s),
        }
    }
    stack.join("/")
}
