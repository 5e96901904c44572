//! Verification of presented keys: the decision, the limits, and recording.
//!
//! Checks run in the order of SPEC §4 and §6: format and checksum
//! (`MALFORMED`, decided without a lookup), lookup by SHA-256 (`NOT_FOUND`),
//! `REVOKED`, `EXPIRED`, `WRONG_ENVIRONMENT`, scopes (`INSUFFICIENT_SCOPE`),
//! then limits (`RATE_LIMITED`, `USAGE_EXCEEDED`). The part before limits is
//! the pure function [`decide`]. Limits read and advance fixed-window
//! counters in the same write transaction that records the request, so they
//! hold exactly under concurrent verifiers and never scan request rows. Only
//! recorded `VALID` verifications consume a limit.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, TimeDelta, TimeZone, Utc};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Event, action};
use crate::error::{Error, Result};
use crate::key::{Key, Status};
use crate::limits::{Period, Plan, RateLimit};
use crate::scope::{Catalog, Scope};
use crate::secret::scan::strip_secrets;
use crate::secret::{Environment, MalformedReason, SecretHash};
use crate::store::{Counter, Queries, RequestRecord, Source};
use crate::time::Timestamp;
use crate::usage::{day_of, endpoint};

/// The outcome of a verification (the `code` of the JSON output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    Valid,
    Malformed,
    NotFound,
    Revoked,
    Expired,
    WrongEnvironment,
    InsufficientScope,
    RateLimited,
    UsageExceeded,
}

impl Outcome {
    pub const ALL: [Outcome; 9] = [
        Outcome::Valid,
        Outcome::Malformed,
        Outcome::NotFound,
        Outcome::Revoked,
        Outcome::Expired,
        Outcome::WrongEnvironment,
        Outcome::InsufficientScope,
        Outcome::RateLimited,
        Outcome::UsageExceeded,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Valid => "VALID",
            Outcome::Malformed => "MALFORMED",
            Outcome::NotFound => "NOT_FOUND",
            Outcome::Revoked => "REVOKED",
            Outcome::Expired => "EXPIRED",
            Outcome::WrongEnvironment => "WRONG_ENVIRONMENT",
            Outcome::InsufficientScope => "INSUFFICIENT_SCOPE",
            Outcome::RateLimited => "RATE_LIMITED",
            Outcome::UsageExceeded => "USAGE_EXCEEDED",
        }
    }

    /// The HTTP status an API would answer with.
    #[must_use]
    pub fn http_status(self) -> u16 {
        match self {
            Outcome::Valid => 200,
            Outcome::InsufficientScope => 403,
            Outcome::RateLimited | Outcome::UsageExceeded => 429,
            _ => 401,
        }
    }

    #[must_use]
    pub fn is_valid(self) -> bool {
        self == Outcome::Valid
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What a verification checks besides the key itself, and what it records.
#[derive(Debug, Clone, Default)]
pub struct VerifyRequest {
    /// Required scopes; empty: derived from `method` and `path` when both are
    /// given, else none.
    pub scopes: Vec<Scope>,
    /// The environment the key must belong to; `None`: not checked.
    pub environment: Option<Environment>,
    pub method: Option<String>,
    pub path: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Record the request (and consume limits). `false` writes nothing at all.
    pub record: bool,
}

impl VerifyRequest {
    /// A recorded verification of an HTTP request: the required scope is
    /// derived from its method and path (SPEC §3).
    #[must_use]
    pub fn http(method: impl Into<String>, path: impl Into<String>) -> VerifyRequest {
        VerifyRequest {
            method: Some(method.into()),
            path: Some(path.into()),
            record: true,
            ..VerifyRequest::default()
        }
    }

    /// The scopes this request requires: the given ones, else the one its
    /// method and path imply (a path that names no resource requires full
    /// access), else none. A method without a path, a path without a method,
    /// a path that stays ambiguous, or (when the scope is derived) a method
    /// that maps to no level cannot be judged: nothing is ever silently left
    /// unchecked.
    pub fn required_scopes(&self) -> std::result::Result<Vec<Scope>, Unjudgeable> {
        let (method, path) = match (&self.method, &self.path) {
            (None, None) => return Ok(self.scopes.clone()),
            (Some(_), None) => return Err(Unjudgeable::MethodWithoutPath),
            (None, Some(_)) => return Err(Unjudgeable::PathWithoutMethod),
            (Some(m), Some(p)) => (m, p),
        };
        let path = crate::request_path::normalize(path)
            .map_err(|why| Unjudgeable::Path(crate::text::escape(path).into_owned(), why))?;
        if !self.scopes.is_empty() {
            return Ok(self.scopes.clone());
        }
        if crate::scope::Level::for_method(method).is_none() {
            return Err(Unjudgeable::UnknownMethod(
                crate::text::escape(method).into_owned(),
            ));
        }
        Ok(vec![
            Catalog::scope_for_request(method, &path).unwrap_or(Scope::All),
        ])
    }
}

/// What a request demands of a key: scopes, or a refusal when the client's
/// method or path cannot be judged.
pub(crate) struct Demand {
    pub scopes: Vec<Scope>,
    pub unjudgeable: Option<Unjudgeable>,
}

impl VerifyRequest {
    /// The scopes this request requires, with a method or a path that cannot
    /// be judged turned into a refusal: those come from the client, and a
    /// client's request is refused, never the caller's error. A method
    /// without a path (or the reverse) stays an error: the caller built the
    /// request.
    pub(crate) fn demand(&self) -> std::result::Result<Demand, Unjudgeable> {
        match self.required_scopes() {
            Ok(scopes) => Ok(Demand {
                scopes,
                unjudgeable: None,
            }),
            Err(e @ (Unjudgeable::UnknownMethod(_) | Unjudgeable::Path(..))) => Ok(Demand {
                scopes: Vec::new(),
                unjudgeable: Some(e),
            }),
            Err(e) => Err(e),
        }
    }
}

/// Why the method and path of a request cannot be judged. The texts are
/// escaped for a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unjudgeable {
    MethodWithoutPath,
    PathWithoutMethod,
    UnknownMethod(String),
    Path(String, crate::request_path::PathRefusal),
}

impl fmt::Display for Unjudgeable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unjudgeable::MethodWithoutPath => {
                f.write_str("a method without a path derives no scope")
            }
            Unjudgeable::PathWithoutMethod => {
                f.write_str("a path without a method derives no scope")
            }
            Unjudgeable::UnknownMethod(m) => {
                write!(f, "method '{m}' does not map to a scope level")
            }
            Unjudgeable::Path(p, why) => write!(f, "path '{p}' cannot be judged: {why}"),
        }
    }
}

impl Unjudgeable {
    /// What a caller can do about it.
    #[must_use]
    pub fn hint(&self) -> &'static str {
        match self {
            Unjudgeable::MethodWithoutPath | Unjudgeable::PathWithoutMethod => {
                "give both the method and the path, or neither"
            }
            Unjudgeable::UnknownMethod(_) => {
                "GET, HEAD, OPTIONS read; POST, PUT, PATCH write; DELETE admin; or name the scope"
            }
            Unjudgeable::Path(..) => {
                "send the path the API server acts on, without '..', encoded slashes, \\ or ';'"
            }
        }
    }
}

impl From<Unjudgeable> for Error {
    fn from(e: Unjudgeable) -> Error {
        let hint = e.hint().to_owned();
        Error::usage(e.to_string(), Some(hint))
    }
}

/// One limit's state after a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LimitState {
    pub limit: u64,
    /// Calls left in the current window, after this one.
    pub remaining: u64,
    #[serde(serialize_with = "crate::verify::ser_ts")]
    pub resets_at: Timestamp,
}

pub(crate) fn ser_ts<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::time::rfc3339(*t))
}

/// The limits that apply to a key, as they stand after the verification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Remaining {
    /// The key's own rate limit.
    pub rate_limit: Option<LimitState>,
    /// The plan's rate limit per key (both apply when both are set).
    pub plan_rate_limit: Option<LimitState>,
    pub quota: Option<LimitState>,
    pub plan_monthly_calls: Option<LimitState>,
}

/// The result of a verification.
#[derive(Debug, Clone)]
pub struct Verification {
    pub outcome: Outcome,
    /// The key, when the secret matched one.
    pub key: Option<Key>,
    /// The scopes that were required.
    pub required: Vec<Scope>,
    pub remaining: Remaining,
    /// Why the secret is malformed, for `MALFORMED`.
    pub malformed: Option<MalformedReason>,
    /// Why the request's method or path could not be judged: the key, if
    /// otherwise valid, is then refused as `INSUFFICIENT_SCOPE` (even a
    /// full-access one), since keyctl cannot tell what it would be used for.
    /// A server answers such a request `400`.
    pub unjudgeable: Option<Unjudgeable>,
}

/// The decision before limits: status, environment and scopes of a key that
/// the secret matched. Pure.
#[must_use]
pub fn decide(
    key: &Key,
    now: Timestamp,
    environment: Option<Environment>,
    required: &[Scope],
) -> Outcome {
    match key.status(now) {
        Status::Revoked => return Outcome::Revoked,
        Status::Expired => return Outcome::Expired,
        Status::Active => {}
    }
    if environment.is_some_and(|e| e != key.environment) {
        return Outcome::WrongEnvironment;
    }
    if !required.iter().all(|r| key.scopes.satisfies(r)) {
        return Outcome::InsufficientScope;
    }
    Outcome::Valid
}

/// The start of the fixed window containing `now`, and its end.
fn window(now: Timestamp, secs: u32) -> (i64, Timestamp) {
    let t = now.timestamp();
    let start = t - t.rem_euclid(i64::from(secs));
    (start, crate::time::from_unix(start + i64::from(secs)))
}

/// The start of the calendar period (UTC) containing `now`, and its end.
fn period(now: Timestamp, p: Period) -> (i64, Timestamp) {
    let day = now.date_naive();
    match p {
        Period::Day => {
            let start = day.and_hms_opt(0, 0, 0).map_or(now, |d| d.and_utc());
            (start.timestamp(), start + TimeDelta::days(1))
        }
        Period::Month => {
            let start = Utc
                .with_ymd_and_hms(day.year(), day.month(), 1, 0, 0, 0)
                .single()
                .unwrap_or(now);
            let (y, m) = if day.month() == 12 {
                (day.year() + 1, 1)
            } else {
                (day.year(), day.month() + 1)
            };
            let end = Utc
                .with_ymd_and_hms(y, m, 1, 0, 0, 0)
                .single()
                .unwrap_or(now);
            (start.timestamp(), end)
        }
    }
}

/// One counter to check: where it lives, its window and its limit.
struct Check {
    scope: String,
    kind: &'static str,
    window_start: i64,
    resets_at: Timestamp,
    limit: u64,
    over: Outcome,
}

fn checks(key: &Key, plan: Option<&Plan>, now: Timestamp) -> [Option<Check>; 4] {
    let rate = |r: RateLimit, kind: &'static str| {
        let (window_start, resets_at) = window(now, r.window_secs);
        Check {
            scope: key.id.clone(),
            kind,
            window_start,
            resets_at,
            limit: u64::from(r.count),
            over: Outcome::RateLimited,
        }
    };
    let own_rate = key.rate_limit.map(|r| rate(r, "rate"));
    let plan_rate = plan
        .and_then(|p| p.rate_limit)
        .map(|r| rate(r, "plan_rate"));
    let quota = key.quota.map(|q| {
        let (window_start, resets_at) = period(now, q.period);
        Check {
            scope: key.id.clone(),
            kind: "quota",
            window_start,
            resets_at,
            limit: q.count,
            over: Outcome::UsageExceeded,
        }
    });
    let monthly = plan.and_then(|p| p.monthly_calls).map(|limit| {
        let (window_start, resets_at) = period(now, Period::Month);
        Check {
            scope: "*".to_owned(),
            kind: "plan_month",
            window_start,
            resets_at,
            limit,
            over: Outcome::UsageExceeded,
        }
    });
    [own_rate, plan_rate, quota, monthly]
}

/// Whether a verification under `plan` may read and advance a counter of all
/// keys together (the plan's monthly calls, see [`checks`]), which a store
/// that locks per key must lock on its own.
pub(crate) fn counts_across_keys(plan: Option<&Plan>) -> bool {
    plan.is_some_and(|p| p.monthly_calls.is_some())
}

/// Applies the limits to a key that passed [`decide`]. With `consume`, a
/// call that fits is counted.
fn apply_limits(
    q: &mut dyn Queries,
    key: &Key,
    plan: Option<&Plan>,
    now: Timestamp,
    consume: bool,
) -> Result<(Outcome, Remaining)> {
    if plan.is_some_and(|p| !p.has_api_access()) {
        return Ok((Outcome::UsageExceeded, Remaining::default()));
    }
    let checks = checks(key, plan, now);
    let mut used = [0u64; 4];
    let mut outcome = Outcome::Valid;
    for (i, check) in checks.iter().enumerate() {
        let Some(c) = check else { continue };
        used[i] = match q.counter(&c.scope, c.kind)? {
            Some(counter) if counter.window_start == c.window_start => counter.count,
            _ => 0,
        };
        if outcome.is_valid() && used[i] >= c.limit {
            outcome = c.over;
        }
    }
    let counted = consume && outcome.is_valid();
    let mut remaining = Remaining::default();
    for (i, check) in checks.iter().enumerate() {
        let Some(c) = check else { continue };
        let after = used[i] + u64::from(counted);
        if counted {
            q.put_counter(
                &c.scope,
                c.kind,
                Counter {
                    window_start: c.window_start,
                    count: after,
                },
            )?;
        }
        let state = LimitState {
            limit: c.limit,
            remaining: c.limit.saturating_sub(after),
            resets_at: c.resets_at,
        };
        match i {
            0 => remaining.rate_limit = Some(state),
            1 => remaining.plan_rate_limit = Some(state),
            2 => remaining.quota = Some(state),
            _ => remaining.plan_monthly_calls = Some(state),
        }
    }
    Ok((outcome, remaining))
}

/// The verification of a string that is not a secret.
pub(crate) fn malformed(reason: Option<MalformedReason>, demand: Demand) -> Verification {
    Verification {
        outcome: Outcome::Malformed,
        key: None,
        required: demand.scopes,
        remaining: Remaining::default(),
        malformed: reason,
        unjudgeable: demand.unjudgeable,
    }
}

/// Looks the secret up and decides, limits included; with `consume`, a
/// call that fits is counted.
pub(crate) fn evaluate(
    q: &mut dyn Queries,
    hash: &SecretHash,
    now: Timestamp,
    request: &VerifyRequest,
    demand: Demand,
    plan: Option<&Plan>,
    consume: bool,
) -> Result<Verification> {
    let Demand {
        scopes: required,
        unjudgeable,
    } = demand;
    let Some(key) = q.key_by_hash(hash)? else {
        return Ok(Verification {
            outcome: Outcome::NotFound,
            key: None,
            required,
            remaining: Remaining::default(),
            malformed: None,
            unjudgeable,
        });
    };
    let mut outcome = decide(&key, now, request.environment, &required);
    if outcome.is_valid() && unjudgeable.is_some() {
        outcome = Outcome::InsufficientScope;
    }
    let mut remaining = Remaining::default();
    if outcome.is_valid() {
        (outcome, remaining) = apply_limits(q, &key, plan, now, consume)?;
    }
    Ok(Verification {
        outcome,
        key: Some(key),
        required,
        remaining,
        malformed: None,
        unjudgeable,
    })
}

/// The rollup increments and last uses of the verifications recorded in one
/// transaction, written together by [`Tally::flush`] before it commits.
///
/// A group of verifications of one key would otherwise update the same
/// rollup rows and key row once per verification. Nothing a verification
/// decides reads these rows (limits have counters of their own), so writing
/// them once per transaction changes no outcome, and the transaction commits
/// all of it or none.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    daily: BTreeMap<(String, i64, u16), u64>,
    endpoints: BTreeMap<(String, i64, String), u64>,
    last_used: BTreeMap<String, Timestamp>,
}

impl Tally {
    /// Writes what was gathered and empties the tally.
    pub(crate) fn flush(&mut self, q: &mut dyn Queries) -> Result<()> {
        for ((key_id, day, status), n) in std::mem::take(&mut self.daily) {
            q.add_daily(&key_id, day, status, n)?;
        }
        for ((key_id, day, ep), n) in std::mem::take(&mut self.endpoints) {
            q.add_endpoint(&key_id, day, &ep, n)?;
        }
        for (key_id, at) in std::mem::take(&mut self.last_used) {
            q.set_last_used(&key_id, at)?;
        }
        Ok(())
    }
}

/// Records a verification: the request row, the rollups and `last_used_at`
/// for a known key, and an audit event for a refusal.
pub(crate) fn record(
    q: &mut dyn Queries,
    v: &Verification,
    request: &VerifyRequest,
    now: Timestamp,
    actor: &str,
    shown_prefix: Option<&str>,
) -> Result<()> {
    let mut tally = Tally::default();
    record_into(q, &mut tally, v, request, now, actor, shown_prefix)?;
    tally.flush(q)
}

/// [`record`], with the rollups and last use gathered into `tally`: the
/// caller flushes it before its transaction commits.
pub(crate) fn record_into(
    q: &mut dyn Queries,
    tally: &mut Tally,
    v: &Verification,
    request: &VerifyRequest,
    now: Timestamp,
    actor: &str,
    shown_prefix: Option<&str>,
) -> Result<()> {
    let status = v.outcome.http_status();
    let key_id = v.key.as_ref().map(|k| k.id.clone());
    // A client may send its key in the path (`?api_key=…`) or elsewhere:
    // nothing secret is stored.
    let clean = |f: &Option<String>| {
        f.as_deref()
            .map(|s| strip_secrets(&crate::text::storable(s)).into_owned())
    };
    let (method, path, ip, user_agent) = (
        clean(&request.method),
        clean(&request.path),
        clean(&request.ip),
        clean(&request.user_agent),
    );
    q.insert_request(&RequestRecord {
        key_id: key_id.clone(),
        ts: now,
        method: method.clone(),
        path: path.clone(),
        status,
        duration_ms: None,
        ip: ip.clone(),
        user_agent: user_agent.clone(),
        outcome: Some(v.outcome.code().to_owned()),
        source: Source::Verify,
        actor: Some(actor.to_owned()),
    })?;
    if let Some(key) = &v.key {
        let day = day_of(now);
        *tally
            .daily
            .entry((key.id.clone(), day, status))
            .or_default() += 1;
        let ep = endpoint(method.as_deref(), path.as_deref());
        *tally
            .endpoints
            .entry((key.id.clone(), day, ep))
            .or_default() += 1;
        if v.outcome.is_valid() {
            let last = tally.last_used.entry(key.id.clone()).or_insert(now);
            *last = (*last).max(now);
        }
    }
    if v.outcome.is_valid() {
        return Ok(());
    }
    let act = match v.outcome.http_status() {
        403 => action::VERIFY_FORBIDDEN,
        429 => action::VERIFY_LIMITED,
        _ => action::VERIFY_FAILED,
    };
    let mut details = json!({
        "code": v.outcome.code(),
        "status": status,
        "method": method,
        "path": path,
        "ip": ip,
        "user_agent": user_agent,
        "required_scopes": v.required.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    // Only when present, so that other refusals keep their shape.
    if let (Some(why), Some(map)) = (&v.unjudgeable, details.as_object_mut()) {
        map.insert(
            "unjudgeable".to_owned(),
            strip_secrets(&why.to_string()).into_owned().into(),
        );
    }
    // A malformed string leaves nothing of itself; an unknown well-formed one
    // leaves its displayed prefix at most.
    let (id, prefix) = match &v.key {
        Some(k) => (Some(k.id.as_str()), Some(k.prefix.as_str())),
        None if v.outcome == Outcome::NotFound => (None, shown_prefix),
        None => (None, None),
    };
    audit::append(
        q,
        &Event {
            ts: now,
            actor,
            action: act,
            key_id: id,
            key_prefix: prefix,
            details: &details,
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{Level, ScopeSet};
    use crate::time::from_unix;

    fn on(r: &str, level: Level) -> Scope {
        Scope::On {
            resource: r.to_owned(),
            level,
        }
    }

    fn key(scopes: Vec<Scope>) -> Key {
        Key::sample(ScopeSet::new(scopes))
    }

    #[test]
    fn outcomes_map_to_statuses() {
        for o in Outcome::ALL {
            let status = match o {
                Outcome::Valid => 200,
                Outcome::InsufficientScope => 403,
                Outcome::RateLimited | Outcome::UsageExceeded => 429,
                _ => 401,
            };
            assert_eq!(o.http_status(), status, "{o}");
        }
        assert_eq!(
            serde_json::to_string(&Outcome::WrongEnvironment).unwrap(),
            "\"WRONG_ENVIRONMENT\""
        );
    }

    #[test]
    fn decide_checks_status_then_environment_then_scopes() {
        let now = from_unix(1000);
        let mut k = key(vec![on("invoices", Level::Write)]);
        assert_eq!(decide(&k, now, None, &[]), Outcome::Valid);
        assert_eq!(
            decide(
                &k,
                now,
                Some(Environment::Live),
                &[on("invoices", Level::Read)]
            ),
            Outcome::Valid
        );
        assert_eq!(
            decide(&k, now, Some(Environment::Test), &[]),
            Outcome::WrongEnvironment
        );
        assert_eq!(
            decide(&k, now, None, &[on("invoices", Level::Admin)]),
            Outcome::InsufficientScope
        );
        assert_eq!(
            decide(&k, now, None, &[on("payouts", Level::Read)]),
            Outcome::InsufficientScope
        );
        assert_eq!(
            decide(&k, now, None, &[Scope::All]),
            Outcome::InsufficientScope
        );
        k.expires_at = Some(now);
        // Expiry comes before environment and scope.
        assert_eq!(
            decide(&k, now, Some(Environment::Test), &[Scope::All]),
            Outcome::Expired
        );
        k.revoked_at = Some(from_unix(1));
        assert_eq!(
            decide(&k, now, Some(Environment::Test), &[Scope::All]),
            Outcome::Revoked
        );
    }

    #[test]
    fn decide_covers_every_scope_pair() {
        let now = from_unix(0);
        for granted in Level::ALL {
            for required in Level::ALL {
                let k = key(vec![on("invoices", granted)]);
                let expected = if granted >= required {
                    Outcome::Valid
                } else {
                    Outcome::InsufficientScope
                };
                assert_eq!(decide(&k, now, None, &[on("invoices", required)]), expected);
                let full = key(vec![Scope::All]);
                assert_eq!(
                    decide(&full, now, None, &[on("anything", required)]),
                    Outcome::Valid
                );
            }
        }
    }

    #[test]
    fn required_scopes_come_from_flags_or_the_request() {
        let mut r = VerifyRequest::default();
        assert!(r.required_scopes().unwrap().is_empty());
        r.method = Some("DELETE".into());
        assert_eq!(
            r.required_scopes(),
            Err(Unjudgeable::MethodWithoutPath),
            "a method alone is never a request that requires nothing"
        );
        r.path = Some("/v1/invoices/42".into());
        assert_eq!(r.required_scopes().unwrap(), [on("invoices", Level::Admin)]);
        r.path = Some("/".into());
        assert_eq!(r.required_scopes().unwrap(), [Scope::All]);
        r.method = Some("BREW".into());
        assert!(matches!(
            r.required_scopes(),
            Err(Unjudgeable::UnknownMethod(_))
        ));
        r.scopes = vec![on("payouts", Level::Read)];
        assert_eq!(r.required_scopes().unwrap(), [on("payouts", Level::Read)]);
        r.method = None;
        assert_eq!(r.required_scopes(), Err(Unjudgeable::PathWithoutMethod));
    }

    #[test]
    fn a_derived_scope_follows_the_path_the_server_acts_on() {
        let derived = |path: &str| VerifyRequest::http("GET", path).required_scopes();
        for path in [
            "/v1/invoices/../payouts/1",
            "/v1/invoices/%2e%2e/payouts/1",
            "/v1/invoices/%2E%2e/payouts/1",
            "/invoices/../payouts/1",
            "/v1/invoices/./../payouts",
        ] {
            assert_eq!(
                derived(path).unwrap(),
                [on("payouts", Level::Read)],
                "{path}"
            );
        }
        for path in [
            "/v1/invoices/..;/payouts/1",
            "/v1/invoices/%2f..%2fpayouts",
            "/v1/invoices\\..\\payouts",
            "/v1/invoices/%5c../payouts",
            "/v1/invoices%00/x",
        ] {
            assert!(
                matches!(derived(path), Err(Unjudgeable::Path(..))),
                "{path}"
            );
        }
        assert_eq!(
            derived("/v1/invoices/42?next=/v1/payouts").unwrap(),
            [on("invoices", Level::Read)]
        );
        // A named scope does not make an ambiguous path acceptable.
        let mut r = VerifyRequest::http("GET", "/v1/invoices/..;/payouts");
        r.scopes = vec![on("invoices", Level::Read)];
        assert!(r.required_scopes().is_err());
    }

    #[test]
    fn windows_and_periods_are_utc() {
        let t = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&Utc)
        };
        let (start, end) = window(t("2026-11-23T12:00:42Z"), 60);
        assert_eq!(start, t("2026-11-23T12:00:00Z").timestamp());
        assert_eq!(end, t("2026-11-23T12:01:00Z"));
        let (start, end) = period(t("2026-12-31T23:59:59Z"), Period::Month);
        assert_eq!(start, t("2026-12-01T00:00:00Z").timestamp());
        assert_eq!(end, t("2027-01-01T00:00:00Z"));
        let (start, end) = period(t("2026-11-23T12:00:00Z"), Period::Day);
        assert_eq!(start, t("2026-11-23T00:00:00Z").timestamp());
        assert_eq!(end, t("2026-11-24T00:00:00Z"));
    }
}
