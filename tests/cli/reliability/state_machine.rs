//! Item 14: random sequences of create, revoke, rotate, verify, update and
//! clock moves (1–50 steps, 1,000 cases; 20,000 in the long run) run
//! through the library in-process and, beside it, through a model small
//! enough to be obviously right. After every step they must agree on the
//! step's result (its outcome, or its error's exit code) and on every key:
//! status, expiry, revocation, rotation links, rate limit, name and last
//! use; at the end of a case, on each key's recorded request count.
//!
//! Each step opens the store afresh with the step's clock, as each keyctl
//! command does. The database lives on a tmpfs when there is one, so the
//! fsync of every key change costs nothing.

use std::collections::HashMap;

use chrono::TimeDelta;
use keyctl::limits::Plan;
use keyctl::store::{Access, StatusFilter};
use keyctl::{
    Clock, Config, Environment, KeyChanges, Keyctl, ListFilter, NewKey, Outcome, RateLimit, Scope,
    Status, Store, VerifyRequest,
};
use proptest::prelude::*;
use proptest::sample::Index;

const RESOURCES: [&str; 3] = ["invoices", "clients", "payouts"];
const LEVELS: [&str; 3] = ["read", "write", "admin"];
const START: i64 = 1_795_000_000;

#[derive(Debug, Clone)]
enum Who {
    Key(Index),
    Unknown,
    Malformed,
}

#[derive(Debug, Clone)]
enum Change {
    Name(u8),
    Expires(Option<i64>),
    Rate(Option<u32>),
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        test_env: bool,
        /// `None`: full access.
        scopes: Option<Vec<(usize, usize)>>,
        expires_in: Option<i64>,
        per_minute: Option<u32>,
    },
    Revoke(Index),
    Rotate(Index, Option<i64>),
    Verify {
        who: Who,
        env: Option<bool>,
        need: Option<(usize, usize)>,
        record: bool,
    },
    Update(Index, Change),
    Advance(i64),
}

fn op() -> impl Strategy<Value = Op> {
    let secs = prop_oneof![Just(1i64), Just(30), Just(61), Just(3600), Just(86_400)];
    let scope = (0..RESOURCES.len(), 0..LEVELS.len());
    prop_oneof![
        3 => (
            any::<bool>(),
            prop::option::weighted(0.85, prop::collection::vec(scope.clone(), 1..3)),
            prop::option::of(prop_oneof![Just(60i64), Just(3600), Just(86_400)]),
            prop::option::of(1u32..4),
        )
            .prop_map(|(test_env, scopes, expires_in, per_minute)| Op::Create {
                test_env,
                scopes,
                expires_in,
                per_minute,
            }),
        1 => any::<Index>().prop_map(Op::Revoke),
        2 => (
            any::<Index>(),
            prop::option::of(prop_oneof![Just(3600i64), Just(86_400), Just(40 * 86_400)])
        )
            .prop_map(|(i, g)| Op::Rotate(i, g)),
        6 => (
            prop_oneof![
                8 => any::<Index>().prop_map(Who::Key),
                1 => Just(Who::Unknown),
                1 => Just(Who::Malformed),
            ],
            prop::option::of(any::<bool>()),
            prop::option::of(scope),
            any::<bool>(),
        )
            .prop_map(|(who, env, need, record)| Op::Verify {
                who,
                env,
                need,
                record,
            }),
        2 => (
            any::<Index>(),
            prop_oneof![
                (0u8..3).prop_map(Change::Name),
                prop::option::of(prop_oneof![Just(-60i64), Just(120), Just(7200), Just(172_800)])
                    .prop_map(Change::Expires),
                prop::option::of(1u32..4).prop_map(Change::Rate),
            ]
        )
            .prop_map(|(i, c)| Op::Update(i, c)),
        2 => secs.prop_map(Op::Advance),
    ]
}

/// What the model knows of a key.
#[derive(Debug, Clone)]
struct MKey {
    id: String,
    secret: String,
    name: String,
    live: bool,
    /// `None`: full access.
    scopes: Option<Vec<(usize, usize)>>,
    created_at: i64,
    expires_at: Option<i64>,
    revoked: bool,
    rotated_from: Option<usize>,
    replaced_by: Option<usize>,
    per_minute: Option<u32>,
    last_used: Option<i64>,
    /// Recorded verifications that found this key, whatever their outcome.
    requests: u64,
}

impl MKey {
    fn status(&self, now: i64) -> Status {
        if self.revoked {
            Status::Revoked
        } else if self.expires_at.is_some_and(|e| e <= now) {
            Status::Expired
        } else {
            Status::Active
        }
    }

    fn satisfies(&self, need: (usize, usize)) -> bool {
        self.scopes
            .as_ref()
            .is_none_or(|s| s.iter().any(|&(r, l)| r == need.0 && l >= need.1))
    }
}

#[derive(Default)]
struct Model {
    now: i64,
    keys: Vec<MKey>,
    /// Recorded VALID calls per key and rate window start.
    used: HashMap<(usize, i64), u32>,
    max_keys: Option<u64>,
}

impl Model {
    fn plan_count(&self) -> u64 {
        self.keys
            .iter()
            .filter(|k| k.status(self.now) == Status::Active && k.replaced_by.is_none())
            .count() as u64
    }

    fn room(&self, leaving: u64) -> bool {
        self.max_keys
            .is_none_or(|max| self.plan_count().saturating_sub(leaving) < max)
    }
}

fn scope_of((r, l): (usize, usize)) -> Scope {
    Scope::parse_unchecked(&format!("{}:{}", RESOURCES[r], LEVELS[l])).unwrap()
}

fn ts(t: i64) -> keyctl::Timestamp {
    keyctl::time::from_unix(t)
}

/// The library, opened afresh at the model's clock.
fn open(path: &std::path::Path, config: &Config, now: i64) -> Keyctl {
    let store = Store::open(path, Access::Write).unwrap();
    Keyctl::new(store, config.clone(), Clock::fixed(ts(now)), "model".into())
}

/// What a step returned, in the terms the model predicts.
#[derive(Debug, PartialEq, Eq)]
enum Result {
    Done,
    Outcome(Outcome),
    Refused(u8),
    /// The step had no key to act on.
    Skipped,
}

fn refused<T>(r: keyctl::Result<T>) -> std::result::Result<T, Result> {
    r.map_err(|e| Result::Refused(keyctl::cli::ExitCode::of_error(&e).code()))
}

fn run_case(ops: &[Op], max_keys: Option<u64>) -> std::result::Result<(), TestCaseError> {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm").unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let path = dir.path().join("model.db");
    let config = Config {
        plan: max_keys.map(|max| Plan {
            name: "small".into(),
            max_keys: Some(max),
            monthly_calls: None,
            rate_limit: None,
        }),
        ..Config::default()
    };
    let mut m = Model {
        now: START,
        max_keys,
        ..Model::default()
    };
    let unknown =
        keyctl::Secret::generate(&keyctl::secret::KeyPrefix::default(), Environment::Live)
            .unwrap()
            .expose()
            .to_owned();
    // One store opened per clock: a command at each instant.
    let mut kc = open(&path, &config, m.now);
    for (step, op) in ops.iter().enumerate() {
        let now = m.now;
        let pick = |i: &Index, m: &Model| (!m.keys.is_empty()).then(|| i.index(m.keys.len()));
        let (expected, actual) = match op {
            Op::Create {
                test_env,
                scopes,
                expires_in,
                per_minute,
            } => {
                let name = format!("key {}", m.keys.len());
                let mut new = NewKey::new(
                    name.clone(),
                    match scopes {
                        Some(s) => s.iter().map(|&x| scope_of(x)).collect(),
                        None => vec![Scope::All],
                    },
                );
                new.environment = Some(if *test_env {
                    Environment::Test
                } else {
                    Environment::Live
                });
                new.expires_at = expires_in.map(|s| ts(now + s));
                new.rate_limit = per_minute.map(|count| RateLimit {
                    count,
                    window_secs: 60,
                });
                let expected = if m.room(0) {
                    Result::Done
                } else {
                    Result::Refused(5)
                };
                let actual = match refused(kc.create(new)) {
                    Ok(c) => {
                        m.keys.push(MKey {
                            id: c.key.id,
                            secret: c.secret.expose().to_owned(),
                            name,
                            live: !*test_env,
                            scopes: scopes.clone(),
                            created_at: now,
                            expires_at: expires_in.map(|s| now + s),
                            revoked: false,
                            rotated_from: None,
                            replaced_by: None,
                            per_minute: *per_minute,
                            last_used: None,
                            requests: 0,
                        });
                        Result::Done
                    }
                    Err(e) => e,
                };
                (expected, actual)
            }
            Op::Revoke(i) => match pick(i, &m) {
                None => (Result::Skipped, Result::Skipped),
                Some(k) => {
                    let actual = match refused(kc.revoke(&m.keys[k].id.clone(), None)) {
                        Ok(r) => {
                            prop_assert_eq!(r.already, m.keys[k].revoked, "step {}", step);
                            Result::Done
                        }
                        Err(e) => e,
                    };
                    m.keys[k].revoked = true;
                    (Result::Done, actual)
                }
            },
            Op::Rotate(i, grace) => match pick(i, &m) {
                None => (Result::Skipped, Result::Skipped),
                Some(k) => {
                    let old = m.keys[k].clone();
                    let expected = if grace.is_some_and(|g| g > 30 * 86_400)
                        || old.revoked
                        || old.replaced_by.is_some()
                    {
                        Result::Refused(1)
                    } else if !m.room(u64::from(old.status(now) == Status::Active)) {
                        Result::Refused(5)
                    } else {
                        Result::Done
                    };
                    let actual = match refused(kc.rotate(&old.id, grace.map(TimeDelta::seconds))) {
                        Ok(r) => {
                            let n = m.keys.len();
                            m.keys.push(MKey {
                                id: r.new.id,
                                secret: r.secret.expose().to_owned(),
                                created_at: now,
                                expires_at: old.expires_at.map(|e| now + (e - old.created_at)),
                                rotated_from: Some(k),
                                replaced_by: None,
                                last_used: None,
                                requests: 0,
                                revoked: false,
                                ..old.clone()
                            });
                            let o = &mut m.keys[k];
                            o.replaced_by = Some(n);
                            match grace {
                                Some(g) => {
                                    let until = now + g;
                                    o.expires_at =
                                        Some(o.expires_at.map_or(until, |e| e.min(until)));
                                }
                                None => o.revoked = true,
                            }
                            Result::Done
                        }
                        Err(e) => e,
                    };
                    (expected, actual)
                }
            },
            Op::Verify {
                who,
                env,
                need,
                record,
            } => {
                let target = match who {
                    Who::Key(i) => pick(i, &m),
                    _ => None,
                };
                if matches!(who, Who::Key(_)) && target.is_none() {
                    (Result::Skipped, Result::Skipped)
                } else {
                    let presented = match (who, target) {
                        (Who::Malformed, _) => "sk_live_not_a_key".to_owned(),
                        (_, Some(k)) => m.keys[k].secret.clone(),
                        _ => unknown.clone(),
                    };
                    let request = VerifyRequest {
                        scopes: need.map(scope_of).into_iter().collect(),
                        environment: env.map(|live| {
                            if live {
                                Environment::Live
                            } else {
                                Environment::Test
                            }
                        }),
                        record: *record,
                        ..VerifyRequest::default()
                    };
                    let expected = match (who, target) {
                        (Who::Malformed, _) => Outcome::Malformed,
                        (_, None) => Outcome::NotFound,
                        (_, Some(k)) => {
                            let key = &m.keys[k];
                            let window = now - now.rem_euclid(60);
                            match key.status(now) {
                                Status::Revoked => Outcome::Revoked,
                                Status::Expired => Outcome::Expired,
                                Status::Active => {
                                    if env.is_some_and(|live| live != key.live) {
                                        Outcome::WrongEnvironment
                                    } else if need.is_some_and(|n| !key.satisfies(n)) {
                                        Outcome::InsufficientScope
                                    } else if key.per_minute.is_some_and(|limit| {
                                        m.used.get(&(k, window)).copied().unwrap_or(0) >= limit
                                    }) {
                                        Outcome::RateLimited
                                    } else {
                                        Outcome::Valid
                                    }
                                }
                            }
                        }
                    };
                    if *record && let Some(k) = target {
                        m.keys[k].requests += 1;
                        if expected == Outcome::Valid {
                            m.keys[k].last_used = Some(now);
                            if m.keys[k].per_minute.is_some() {
                                *m.used.entry((k, now - now.rem_euclid(60))).or_default() += 1;
                            }
                        }
                    }
                    let actual = match refused(kc.verify(&presented, &request)) {
                        Ok(v) => Result::Outcome(v.outcome),
                        Err(e) => e,
                    };
                    (Result::Outcome(expected), actual)
                }
            }
            Op::Update(i, change) => match pick(i, &m) {
                None => (Result::Skipped, Result::Skipped),
                Some(k) => {
                    let key = m.keys[k].clone();
                    let mut changes = KeyChanges::default();
                    let mut expected = if key.revoked {
                        Result::Refused(1)
                    } else {
                        Result::Done
                    };
                    match change {
                        Change::Name(n) => changes.name = Some(format!("renamed {n}")),
                        Change::Expires(e) => {
                            let at = e.map(|s| now + s);
                            changes.expires_at = Some(at.map(ts));
                            let extends = match (at, key.expires_at) {
                                (None, _) => true,
                                (Some(new), Some(old)) => new > old,
                                (Some(_), None) => false,
                            };
                            if at.is_some_and(|a| a <= now)
                                || (key.replaced_by.is_some() && extends)
                            {
                                expected = Result::Refused(1);
                            } else if !key.revoked
                                && key.status(now) == Status::Expired
                                && !m.room(0)
                            {
                                // Made active again, it would need room in the plan.
                                expected = Result::Refused(5);
                            }
                        }
                        Change::Rate(r) => {
                            changes.rate_limit = Some(r.map(|count| RateLimit {
                                count,
                                window_secs: 60,
                            }));
                        }
                    }
                    let actual = match refused(kc.update(&key.id, &changes)) {
                        Ok(_) => {
                            let mk = &mut m.keys[k];
                            match change {
                                Change::Name(n) => mk.name = format!("renamed {n}"),
                                Change::Expires(e) => mk.expires_at = e.map(|s| now + s),
                                Change::Rate(r) => mk.per_minute = *r,
                            }
                            Result::Done
                        }
                        Err(e) => e,
                    };
                    (expected, actual)
                }
            },
            Op::Advance(s) => {
                m.now += s;
                (Result::Done, Result::Done)
            }
        };
        prop_assert_eq!(actual, expected, "step {}: {:?}", step, op);
        if m.now != now {
            kc = open(&path, &config, m.now);
        }

        // Every key, as the store has it now.
        let mut stored = HashMap::new();
        let all = ListFilter {
            status: Some(StatusFilter::All),
            ..ListFilter::default()
        };
        kc.list(&all, |k| {
            stored.insert(k.id.clone(), k);
            Ok(())
        })
        .unwrap();
        prop_assert_eq!(stored.len(), m.keys.len(), "step {}: key count", step);
        let id_of = |i: Option<usize>| i.map(|i| m.keys[i].id.clone());
        for mk in &m.keys {
            let k = &stored[&mk.id];
            let now = ts(m.now);
            prop_assert_eq!(k.status(now), mk.status(m.now), "step {}: {}", step, mk.id);
            prop_assert_eq!(k.expires_at, mk.expires_at.map(ts), "step {}", step);
            prop_assert_eq!(k.revoked_at.is_some(), mk.revoked, "step {}", step);
            prop_assert_eq!(&k.rotated_from, &id_of(mk.rotated_from), "step {}", step);
            prop_assert_eq!(&k.replaced_by, &id_of(mk.replaced_by), "step {}", step);
            prop_assert_eq!(
                k.rate_limit.map(|r| r.count),
                mk.per_minute,
                "step {}",
                step
            );
            prop_assert_eq!(&k.name, &mk.name, "step {}", step);
            prop_assert_eq!(k.last_used_at, mk.last_used.map(ts), "step {}", step);
        }
    }
    for mk in &m.keys {
        let details = kc.show(&mk.id).unwrap();
        prop_assert_eq!(details.usage.all_time, mk.requests, "requests of {}", mk.id);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if crate::support::full_scale() { 20_000 } else { 1_000 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_library_agrees_with_a_model(
        ops in prop::collection::vec(op(), 1..=50),
        max_keys in prop::option::of(1u64..5),
    ) {
        run_case(&ops, max_keys)?;
    }
}
