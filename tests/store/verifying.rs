//! Transactions of recorded verifications ([`Store::write_verifications`])
//! under concurrency: many connections verifying different keys at once keep
//! every limit exact and the audit chain one chain, on every backend; and on
//! PostgreSQL, which locks per key, a verification of one key does not wait
//! for an open verification of another, while every other write still does.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use keyctl::limits::Plan;
use keyctl::store::{Access, Location};
use keyctl::time::from_unix;
use keyctl::usage::Window;
use keyctl::verify::Outcome;
use keyctl::{Clock, Config, Keyctl, NewKey, Presented, RateLimit, Scope, VerifyRequest};

use crate::support::{Backend, backends};

/// An empty store's location on `backend`, and the folder a file lives in.
fn location(backend: Backend) -> (Location, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            (Location::File(dir.path().join("keys.db")), Some(dir))
        }
        Backend::Postgres => (Location::Postgres(crate::cluster::fresh_database()), None),
    }
}

/// A service's `Keyctl` on its own connection, at a fixed instant so that a
/// rate-limit window cannot end during a test. On PostgreSQL the operator is
/// the database user.
fn open(at: &Location, config: &Config) -> Keyctl {
    let store = keyctl::Store::open_location(at, Access::Write).expect("open");
    let clock = Clock::fixed(from_unix(1_795_400_000));
    let actor = store.database_user().unwrap_or("api").to_owned();
    Keyctl::new(store, config.clone(), clock, actor)
}

fn read_scope(config: &Config) -> Vec<Scope> {
    vec![Scope::parse("invoices:read", &config.catalog).expect("scope")]
}

/// Creates a key and returns its id and secret.
fn create(kc: &mut Keyctl, config: &Config, name: &str, limit: Option<&str>) -> (String, String) {
    let mut new = NewKey::new(name, read_scope(config));
    new.rate_limit = limit.map(|l| l.parse::<RateLimit>().expect("limit"));
    let created = kc.create(new).expect("create");
    (created.key.id.clone(), created.secret.expose().to_owned())
}

/// Runs `rounds` recorded verifications of `secret` alternating `requests`,
/// on a connection of its own; returns the outcomes.
fn verifier(
    at: &Location,
    config: &Config,
    secret: String,
    requests: Vec<VerifyRequest>,
    rounds: usize,
) -> thread::JoinHandle<Vec<Outcome>> {
    let (at, config) = (at.clone(), config.clone());
    thread::spawn(move || {
        let mut kc = open(&at, &config);
        (0..rounds)
            .map(|i| {
                let request = &requests[i % requests.len()];
                kc.verify(&secret, request).expect("verify").outcome
            })
            .collect()
    })
}

fn count(outcomes: &[Outcome], which: Outcome) -> usize {
    outcomes.iter().filter(|o| **o == which).count()
}

#[test]
fn racing_verifiers_of_different_keys_keep_limits_exact_and_the_chain_whole() {
    for backend in backends() {
        eprintln!("on {backend:?}");
        let (at, _dir) = location(backend);
        let config = Config::default();
        let mut admin = open(&at, &config);
        let (limited_id, limited) = create(&mut admin, &config, "limited", Some("5/min"));
        let others: Vec<(String, String)> = (0..3)
            .map(|i| create(&mut admin, &config, &format!("free{i}"), None))
            .collect();
        let read = VerifyRequest::http("GET", "/v1/invoices/42");
        // Out of the keys' scope: refused, and each refusal is an audit event.
        let forbidden = VerifyRequest::http("GET", "/v1/payouts/7");
        // Three connections race on the limited key while three others
        // verify a key each, half of them refused.
        let on_limited: Vec<_> = (0..3)
            .map(|_| verifier(&at, &config, limited.clone(), vec![read.clone()], 10))
            .collect();
        let on_others: Vec<_> = others
            .iter()
            .map(|(_, s)| {
                let requests = vec![read.clone(), forbidden.clone()];
                verifier(&at, &config, s.clone(), requests, 20)
            })
            .collect();
        let limited_outcomes: Vec<Outcome> = on_limited
            .into_iter()
            .flat_map(|h| h.join().expect("verifier"))
            .collect();
        assert_eq!(
            (
                count(&limited_outcomes, Outcome::Valid),
                count(&limited_outcomes, Outcome::RateLimited)
            ),
            (5, 25),
            "{backend:?}: {limited_outcomes:?}"
        );
        for (h, (id, _)) in on_others.into_iter().zip(&others) {
            let outcomes = h.join().expect("verifier");
            assert_eq!(count(&outcomes, Outcome::Valid), 10, "{backend:?}");
            assert_eq!(count(&outcomes, Outcome::InsufficientScope), 10);
            let usage = admin
                .usage(id, Window::last_days(admin.now(), 1), 0)
                .expect("usage");
            assert_eq!((usage.total, usage.errors), (20, 10), "{backend:?} {id}");
        }
        let usage = admin
            .usage(&limited_id, Window::last_days(admin.now(), 1), 0)
            .expect("usage");
        assert_eq!(usage.total, 30, "{backend:?}");
        // 4 creations, 25 limited and 30 forbidden verifications: one chain.
        let report = admin.audit_verify(None).expect("audit verify");
        assert!(report.intact(), "{backend:?}: {:?}", report.broken);
        assert_eq!(report.checked, 4 + 25 + 30, "{backend:?}");
    }
}

#[test]
fn the_plans_monthly_calls_hold_exactly_across_keys_verified_at_once() {
    for backend in backends() {
        eprintln!("on {backend:?}");
        let (at, _dir) = location(backend);
        let config = Config {
            plan: Some(Plan {
                name: "tiny".into(),
                max_keys: None,
                monthly_calls: Some(7),
                rate_limit: None,
            }),
            ..Config::default()
        };
        let mut admin = open(&at, &config);
        let secrets: Vec<String> = (0..4)
            .map(|i| create(&mut admin, &config, &format!("k{i}"), None).1)
            .collect();
        let read = VerifyRequest::http("GET", "/v1/invoices/42");
        let handles: Vec<_> = secrets
            .into_iter()
            .map(|s| verifier(&at, &config, s, vec![read.clone()], 5))
            .collect();
        let outcomes: Vec<Outcome> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("verifier"))
            .collect();
        assert_eq!(
            (
                count(&outcomes, Outcome::Valid),
                count(&outcomes, Outcome::UsageExceeded)
            ),
            (7, 13),
            "{backend:?}: {outcomes:?}"
        );
        let report = admin.audit_verify(None).expect("audit verify");
        assert!(report.intact(), "{backend:?}: {:?}", report.broken);
        assert_eq!(report.checked, 4 + 13, "{backend:?}");
    }
}

/// What a thread sent back, if it did within `wait`.
fn within<T>(rx: &mpsc::Receiver<T>, wait: Duration) -> Option<T> {
    rx.recv_timeout(wait).ok()
}

#[test]
fn on_postgresql_an_open_verification_holds_only_its_key() {
    if !backends().contains(&Backend::Postgres) {
        eprintln!("PostgreSQL only: set KEYCTL_TEST_BACKEND=postgres");
        return;
    }
    let (at, _dir) = location(Backend::Postgres);
    let config = Config::default();
    let mut admin = open(&at, &config);
    let (_, a) = create(&mut admin, &config, "a", None);
    let (_, b) = create(&mut admin, &config, "b", None);
    drop(admin);
    let read = VerifyRequest::http("GET", "/v1/invoices/42");

    // A batch verifying key A stops inside its transaction, its locks held,
    // until told to go on.
    let (held_tx, held) = mpsc::channel();
    let (go, go_rx) = mpsc::channel::<()>();
    let holder = {
        let (at, config) = (at.clone(), config.clone());
        let item = Presented {
            secret: a.clone(),
            request: read.clone(),
        };
        thread::spawn(move || {
            let mut kc = open(&at, &config);
            let results = kc
                .verify_batch(std::slice::from_ref(&item), &mut |_| {
                    held_tx.send(()).expect("held");
                    go_rx.recv().expect("go");
                    true
                })
                .expect("batch");
            results[0]
                .as_ref()
                .map(|r| r.as_ref().map(|v| v.outcome).ok())
        })
    };
    held.recv_timeout(Duration::from_secs(30))
        .expect("the batch on key A began");

    // Each contender runs on its own connection and reports when done.
    let contend = |what: &'static str| {
        let (at, config, read, a, b) = (
            at.clone(),
            config.clone(),
            read.clone(),
            a.clone(),
            b.clone(),
        );
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut kc = open(&at, &config);
            let done = match what {
                "verify b" => kc.verify(&b, &read).map(|v| v.outcome == Outcome::Valid),
                "verify a" => kc.verify(&a, &read).map(|v| v.outcome == Outcome::Valid),
                _ => kc
                    .create(NewKey::new("c", read_scope(&config)))
                    .map(|_| true),
            };
            let _ = tx.send(done.expect(what));
        });
        rx
    };
    let verify_b = contend("verify b");
    let b_done = within(&verify_b, Duration::from_secs(30));
    let verify_a = contend("verify a");
    let create = contend("create");
    // Long enough for either to finish if nothing held it.
    thread::sleep(Duration::from_millis(1500));
    let a_early = verify_a.try_recv().ok();
    let create_early = create.try_recv().ok();
    go.send(()).expect("go on");
    assert_eq!(holder.join().expect("holder"), Some(Some(Outcome::Valid)));
    assert_eq!(
        b_done,
        Some(true),
        "a verification of key B waited for an open verification of key A"
    );
    assert_eq!(a_early, None, "a second verification of key A did not wait");
    assert_eq!(
        create_early, None,
        "a create did not wait for the verification"
    );
    assert_eq!(within(&verify_a, Duration::from_secs(30)), Some(true));
    assert_eq!(within(&create, Duration::from_secs(30)), Some(true));
}
