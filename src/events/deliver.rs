//! Delivery: routing the outbox to destinations, and sending with retries.
//!
//! Routing: an event not yet routed gets one delivery row per configured
//! destination that wants its type, the first time a delivery run finds at
//! least one destination configured. Events recorded before any destination
//! existed are therefore not lost: they go out once one is configured.
//!
//! Sending, one delivery at a time:
//!
//! 1. claim, in a write transaction: `attempts + 1`, and the delivery is
//!    leased (`claimed_until`, and `next_at` moved to the lease's end) so
//!    that no other run takes it;
//! 2. send, outside any transaction, with a timeout;
//! 3. record the result in a write transaction: delivered, or due again
//!    after an exponential backoff with jitter, or dead after the last
//!    attempt.
//!
//! A run killed between 1 and 3 leaves a lease that expires; a later run
//! counts the attempt as interrupted and schedules the delivery again after a
//! backoff, as for a failed attempt. So a killed run costs at most one extra
//! send of the one delivery it had in flight, and never loses it. A delivery interrupted twice may already have
//! arrived twice: it is not sent a third time but marked dead, where `events
//! list --dead` shows it and `events replay` sends it again. (The request is
//! in the kernel's hands as soon as it is written, so an interrupted attempt
//! almost always did arrive; two that both died before writing are rare.)
//! The lease is longer than the timeout, so a live run is never overtaken.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use rand::rand_core::TryRng;
use rand::rngs::SysRng;
use serde_json::json;

use super::EventKind;
use super::destination::{Destination, EventSettings, MAX_BACKOFF, Target};
use crate::error::Result;
use crate::store::{
    DeliveryRow, DeliveryState, Durability, EventQuery, EventRow, EventState, Queries, Store,
};
use crate::time::{Clock, Timestamp, rfc3339};

/// How long a claim outlives the timeout before another run may take over.
const LEASE_MARGIN: Duration = Duration::from_secs(60);

/// Interrupted attempts after which a delivery is not sent again by itself:
/// each may have reached the receiver, and a third send would break the
/// promise of at most two.
pub const MAX_INTERRUPTED: u32 = 2;

pub(crate) const INTERRUPTED: &str = "the run sending it was killed; it may have arrived";

const INTERRUPTED_TWICE: &str = "two runs were killed while sending it, so it may have \
    arrived twice; `keyctl events replay` sends it again";

/// The timeout of the delivery a lifecycle command attempts after it commits.
pub const AFTER_COMMIT_TIMEOUT: Duration = Duration::from_secs(2);

/// What a delivery run does.
#[derive(Debug, Clone, Default)]
pub struct DeliverOptions {
    /// Only these events (ids); every due delivery when `None`.
    pub only: Option<Vec<String>>,
    /// The limit of each attempt (default: `timeout` of `[events]`).
    pub timeout: Option<Duration>,
    /// At most this many attempts in the run.
    pub limit: Option<usize>,
    /// At most one attempt per delivery in this run (no retry within it).
    pub once: bool,
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptResult {
    /// The destination accepted it (HTTP 2xx, or the hook exited 0).
    Delivered,
    /// It failed; it is due again at this time.
    Retrying(Timestamp),
    /// It failed for the last time (or cannot be sent any more).
    Dead,
    /// A test send failed (nothing is retried).
    Failed,
}

impl AttemptResult {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptResult::Delivered => "delivered",
            AttemptResult::Retrying(_) => "retrying",
            AttemptResult::Dead => "dead",
            AttemptResult::Failed => "failed",
        }
    }
}

/// One attempt of a delivery run: the run's log line. It names the
/// destination, never its URL, secret or command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub event_id: String,
    pub event_type: String,
    pub destination: String,
    /// The attempt's number for this delivery (1 for the first).
    pub attempt: u32,
    pub result: AttemptResult,
    /// The HTTP status, when a response came back.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration: Duration,
}

/// What a delivery run did.
#[derive(Debug, Clone, Default)]
pub struct DeliverySummary {
    /// Events routed to destinations by this run.
    pub routed: usize,
    pub attempts: Vec<Attempt>,
}

impl DeliverySummary {
    #[must_use]
    pub fn count(&self, result: fn(&AttemptResult) -> bool) -> usize {
        self.attempts.iter().filter(|a| result(&a.result)).count()
    }
}

/// A delivery this run holds.
struct Claim {
    delivery: DeliveryRow,
    event: EventRow,
    destination: Destination,
}

/// Sends events to destinations. Without the `webhooks` feature it runs
/// hooks only: a webhook's attempt fails (and is retried like any failed
/// attempt, so a build with the feature can deliver it later).
pub struct Sender {
    #[cfg(feature = "webhooks")]
    agent: ureq::Agent,
    timeout: Duration,
}

/// A failed send: the HTTP status if one came back, and why, in words that
/// never include the URL or a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub status: Option<u16>,
    pub message: String,
}

impl Sender {
    #[must_use]
    pub fn new(timeout: Duration) -> Sender {
        #[cfg(feature = "webhooks")]
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("keyctl/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Sender {
            #[cfg(feature = "webhooks")]
            agent,
            timeout,
        }
    }

    /// Sends one event; `Ok` carries the HTTP status (none for a hook).
    pub fn send(
        &self,
        destination: &Destination,
        event_id: &str,
        event_type: &str,
        body: &str,
        now: Timestamp,
    ) -> std::result::Result<Option<u16>, SendError> {
        match &destination.target {
            #[cfg(not(feature = "webhooks"))]
            Target::Webhook { .. } => {
                let _ = now;
                Err(SendError {
                    status: None,
                    message: "this build of keyctl cannot send webhooks (the `webhooks` feature)"
                        .to_owned(),
                })
            }
            #[cfg(feature = "webhooks")]
            Target::Webhook { url, secret } => {
                let timestamp = now.timestamp();
                let signature = secret.sign(event_id, timestamp, body.as_bytes());
                let response = self
                    .agent
                    .post(url)
                    .header("content-type", "application/json")
                    .header("webhook-id", event_id)
                    .header("webhook-timestamp", timestamp.to_string())
                    .header("webhook-signature", signature)
                    .send(body.as_bytes());
                match response {
                    Ok(mut r) => {
                        let status = r.status().as_u16();
                        // Read (a little of) the body so the connection can be reused.
                        let _ = r.body_mut().with_config().limit(64 * 1024).read_to_vec();
                        if (200..300).contains(&status) {
                            Ok(Some(status))
                        } else {
                            Err(SendError {
                                status: Some(status),
                                message: format!("HTTP {status}"),
                            })
                        }
                    }
                    Err(e) => Err(SendError {
                        status: None,
                        message: describe_http_error(&e, self.timeout),
                    }),
                }
            }
            Target::Hook { command } => {
                run_hook(command, event_id, event_type, body, self.timeout).map(|()| None)
            }
        }
    }
}

/// An HTTP failure in a few words: no URL, no header, no body.
#[cfg(feature = "webhooks")]
fn describe_http_error(e: &ureq::Error, timeout: Duration) -> String {
    match e {
        ureq::Error::Timeout(_) => format!("timed out after {}", human_secs(timeout)),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::Io(io) => format!("connection error: {}", io.kind()),
        ureq::Error::Tls(what) => format!("TLS error: {what}"),
        ureq::Error::Rustls(r) => format!("TLS error: {r}"),
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => {
            "the receiver answered with a redirect".to_owned()
        }
        ureq::Error::StatusCode(s) => format!("HTTP {s}"),
        _ => "the request failed".to_owned(),
    }
}

fn human_secs(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// Runs a hook with the event on standard input and waits for it, at most
/// `timeout`; it succeeds when the program exits 0.
fn run_hook(
    command: &[String],
    event_id: &str,
    event_type: &str,
    body: &str,
    timeout: Duration,
) -> std::result::Result<(), SendError> {
    let fail = |message: String| SendError {
        status: None,
        message,
    };
    let Some((program, args)) = command.split_first() else {
        return Err(fail("the hook has an empty command".to_owned()));
    };
    let mut child = Command::new(program)
        .args(args)
        .env("KEYCTL_EVENT_ID", event_id)
        .env("KEYCTL_EVENT_TYPE", event_type)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot start the hook: {}", e.kind())))?;
    // Write and read on threads: a hook that neither reads its input nor
    // exits must not block past the timeout.
    let input = child.stdin.take();
    let body = body.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = input {
            // A hook may exit without reading; that is its business.
            let _ = stdin.write_all(&body);
        }
    });
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut e) = stderr {
            let mut buf = Vec::new();
            let _ = e.read_to_end(&mut buf);
            text = String::from_utf8_lossy(&buf).into_owned();
        }
        text
    });
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(fail(format!("timed out after {}", human_secs(timeout))));
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(e) => break Err(fail(format!("cannot wait for the hook: {}", e.kind()))),
        }
    };
    let _ = writer.join();
    let stderr = reader.join().unwrap_or_default();
    let status = status?;
    if status.success() {
        return Ok(());
    }
    let what = match status.code() {
        Some(code) => format!("the hook exited with status {code}"),
        None => "the hook was killed by a signal".to_owned(),
    };
    let first_line = stderr.lines().find(|l| !l.trim().is_empty()).map(|l| {
        let l: String = l.trim().chars().take(200).collect();
        crate::text::escape(&crate::secret::scan::redact_secrets(&l)).into_owned()
    });
    Err(fail(match first_line {
        Some(line) => format!("{what}: {line}"),
        None => what,
    }))
}

/// The wait after the `attempts`-th failed attempt: `base` doubled for each
/// earlier failure, at most [`MAX_BACKOFF`], then drawn between half of that
/// and all of it so that many failing deliveries do not retry in step.
#[must_use]
pub fn backoff(base: Duration, attempts: u32, random: u64) -> TimeDelta {
    let doubling = attempts.saturating_sub(1).min(30);
    let full = base
        .checked_mul(1u32 << doubling)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF);
    let full_ms = u64::try_from(full.as_millis()).unwrap_or(u64::MAX);
    let half = full_ms / 2;
    let jittered_ms = half + random % (full_ms - half + 1);
    // Stored times are whole seconds: round up so that a wait is never zero
    // when the base is not.
    let secs = jittered_ms.div_ceil(1000);
    TimeDelta::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 1000))
}

fn random_u64() -> u64 {
    let mut b = [0u8; 8];
    match SysRng.try_fill_bytes(&mut b) {
        Ok(()) => u64::from_le_bytes(b),
        Err(_) => 0,
    }
}

fn to_delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::days(1))
}

/// Routes events that are not routed yet (only `only`, when given) to the
/// destinations that want them; returns how many were routed.
fn route(
    q: &mut dyn Queries,
    settings: &EventSettings,
    now: Timestamp,
    only: Option<&[i64]>,
) -> Result<usize> {
    if settings.destinations.is_empty() {
        return Ok(0);
    }
    let events: Vec<EventRow> = match only {
        Some(seqs) => {
            let mut v = Vec::new();
            for seq in seqs {
                if let Some(e) = q.event_by_seq(*seq)?
                    && e.state == EventState::New
                {
                    v.push(e);
                }
            }
            v
        }
        None => q.events(&EventQuery {
            states: vec![EventState::New],
            kind: None,
            limit: usize::MAX >> 1,
        })?,
    };
    for event in &events {
        let kind = EventKind::parse(&event.kind).ok();
        for d in &settings.destinations {
            if kind.is_some_and(|k| d.wants(k)) {
                q.put_delivery(&DeliveryRow::pending(event.seq, &d.name, now))?;
            }
        }
        q.refresh_event_state(event.seq)?;
    }
    Ok(events.len())
}

/// Gives a delivery up without sending it, and says why.
fn give_up(q: &mut dyn Queries, mut d: DeliveryRow, why: &str) -> Result<DeliveryRow> {
    d.state = DeliveryState::Dead;
    d.claimed_until = None;
    d.last_error = Some(why.to_owned());
    q.put_delivery(&d)?;
    q.refresh_event_state(d.event_seq)?;
    Ok(d)
}

/// A delivery run over `store` with `settings`: routes new events, then
/// claims, sends and records one delivery at a time until none is due (or
/// the limit is reached), each step its own transaction. `on_attempt` sees
/// each attempt as it ends. A failing destination is not an error: its
/// delivery is retried later, or marked dead.
pub(crate) fn run(
    store: &mut Store,
    clock: &Clock,
    settings: &EventSettings,
    opts: &DeliverOptions,
    mut on_attempt: impl FnMut(&Attempt),
) -> Result<DeliverySummary> {
    let timeout = opts.timeout.unwrap_or(settings.timeout);
    let lease = to_delta(timeout + LEASE_MARGIN);
    let mut summary = DeliverySummary::default();
    if settings.destinations.is_empty() {
        return Ok(summary);
    }
    let now = clock.now();
    // Resolve the events asked for; an unknown id is simply not there.
    let only: Option<Vec<i64>> = match &opts.only {
        Some(ids) => Some(store.read(|q| {
            let mut seqs = Vec::new();
            for id in ids {
                if let Some(e) = q.event_by_id(id)? {
                    seqs.push(e.seq);
                }
            }
            Ok(seqs)
        })?),
        None => None,
    };
    summary.routed = store.write(Durability::Normal, |q| {
        route(q, settings, now, only.as_deref())
    })?;
    let targets: Vec<Option<i64>> = match &only {
        Some(seqs) => seqs.iter().copied().map(Some).collect(),
        None => vec![None],
    };
    let sender = Sender::new(timeout);
    let mut tried: Vec<(i64, String)> = Vec::new();
    'targets: for target in targets {
        loop {
            if opts.limit.is_some_and(|l| summary.attempts.len() >= l) {
                break 'targets;
            }
            let now = clock.now();
            let max = settings.max_attempts;
            // Deliveries settled without a send, for the log.
            let mut noted = Vec::new();
            let claim = store.write(Durability::Normal, |q| {
                loop {
                    let Some(mut d) = q.next_due_delivery(now, target)? else {
                        return Ok(None);
                    };
                    let Some(event) = q.event_by_seq(d.event_seq)? else {
                        give_up(q, d, "the event is gone")?;
                        continue;
                    };
                    let Some(destination) = settings.destination(&d.destination) else {
                        let d = give_up(q, d, "the destination is no longer in the config")?;
                        noted.push((d, event));
                        continue;
                    };
                    if d.claimed_until.is_some() {
                        // The run that held it died before recording the
                        // result: it may have been sent. Count it, and
                        // treat it as a failed attempt.
                        d.interrupted += 1;
                        d.claimed_until = None;
                        let d = if d.interrupted >= MAX_INTERRUPTED {
                            give_up(q, d, INTERRUPTED_TWICE)?
                        } else if d.attempts >= max {
                            give_up(q, d, "its last attempt was interrupted")?
                        } else {
                            d.last_error = Some(INTERRUPTED.to_owned());
                            d.next_at = now + backoff(settings.backoff, d.attempts, random_u64());
                            q.put_delivery(&d)?;
                            d
                        };
                        noted.push((d, event));
                        continue;
                    }
                    if d.attempts >= max {
                        let d = give_up(q, d, "its last attempt was interrupted")?;
                        noted.push((d, event));
                        continue;
                    }
                    d.attempts += 1;
                    d.claimed_until = Some(now + lease);
                    d.next_at = now + lease;
                    d.last_attempt_at = Some(now);
                    q.put_delivery(&d)?;
                    return Ok(Some(Claim {
                        delivery: d,
                        event,
                        destination: destination.clone(),
                    }));
                }
            })?;
            for (d, event) in noted {
                let a = Attempt {
                    event_id: event.id,
                    event_type: event.kind,
                    destination: d.destination,
                    attempt: d.attempts,
                    result: if d.state == DeliveryState::Dead {
                        AttemptResult::Dead
                    } else {
                        AttemptResult::Retrying(d.next_at)
                    },
                    status: None,
                    error: d.last_error,
                    duration: Duration::ZERO,
                };
                on_attempt(&a);
                summary.attempts.push(a);
            }
            let Some(claim) = claim else { break };
            let key = (claim.delivery.event_seq, claim.delivery.destination.clone());
            if opts.once && tried.contains(&key) {
                // Put the lease back: it was not sent in this run.
                store.write(Durability::Normal, |q| {
                    let mut d = claim.delivery.clone();
                    d.attempts -= 1;
                    d.claimed_until = None;
                    d.next_at = now;
                    q.put_delivery(&d)
                })?;
                break;
            }
            tried.push(key);
            let attempt = send_claimed(store, clock, &sender, &claim, settings)?;
            on_attempt(&attempt);
            summary.attempts.push(attempt);
        }
    }
    Ok(summary)
}

/// Sends one claimed delivery and records how it went.
fn send_claimed(
    store: &mut Store,
    clock: &Clock,
    sender: &Sender,
    claim: &Claim,
    settings: &EventSettings,
) -> Result<Attempt> {
    let started = Instant::now();
    let sent_at = clock.now();
    let result = sender.send(
        &claim.destination,
        &claim.event.id,
        &claim.event.kind,
        &claim.event.payload,
        sent_at,
    );
    let duration = started.elapsed();
    let now = clock.now();
    let held = claim.delivery.clone();
    let max = settings.max_attempts;
    let base = settings.backoff;
    let outcome = store.write(Durability::Normal, |q| {
        let current = q
            .deliveries_of(held.event_seq)?
            .into_iter()
            .find(|d| d.destination == held.destination);
        let mut d = match current {
            // Still ours: nobody took over after the lease.
            Some(d) if d.claimed_until == held.claimed_until && d.attempts == held.attempts => d,
            _ => return Ok(None),
        };
        d.claimed_until = None;
        let outcome = match &result {
            Ok(_) => {
                d.state = DeliveryState::Delivered;
                d.delivered_at = Some(now);
                d.last_error = None;
                AttemptResult::Delivered
            }
            Err(e) => {
                d.last_error = Some(e.message.clone());
                if d.attempts >= max {
                    d.state = DeliveryState::Dead;
                    AttemptResult::Dead
                } else {
                    d.next_at = now + backoff(base, d.attempts, random_u64());
                    AttemptResult::Retrying(d.next_at)
                }
            }
        };
        q.put_delivery(&d)?;
        q.refresh_event_state(d.event_seq)?;
        Ok(Some(outcome))
    })?;
    let (status, error) = match &result {
        Ok(s) => (*s, None),
        Err(e) => (e.status, Some(e.message.clone())),
    };
    Ok(Attempt {
        event_id: claim.event.id.clone(),
        event_type: claim.event.kind.clone(),
        destination: held.destination.clone(),
        attempt: held.attempts,
        // Overtaken: another run owns the delivery now and reports it.
        result: outcome.unwrap_or(AttemptResult::Retrying(now)),
        status,
        error,
        duration,
    })
}

/// Sends a `webhook.test` event (not recorded) to the destination of
/// `settings` named `name`, as `actor`.
pub(crate) fn test_send(
    store: &mut Store,
    clock: &Clock,
    settings: &EventSettings,
    actor: &str,
    name: &str,
) -> Result<Attempt> {
    let Some(destination) = settings.destination(name.trim()) else {
        let names: Vec<&str> = settings
            .destinations
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        return Err(crate::error::Error::Invalid {
            message: format!(
                "no webhook or hook is named '{}'",
                crate::text::escape(name)
            ),
            hint: Some(if names.is_empty() {
                "the config has no [[webhooks]] or [[hooks]] entries".to_owned()
            } else {
                format!("configured: {}", names.join(", "))
            }),
        });
    };
    let now = clock.now();
    let id = store.read(|q| super::unused_event_id(q))?;
    let body = json!({
        "id": id,
        "type": "webhook.test",
        "timestamp": rfc3339(now),
        "data": { "destination": destination.name, "actor": actor },
    })
    .to_string();
    let sender = Sender::new(settings.timeout);
    let started = Instant::now();
    let result = sender.send(destination, &id, "webhook.test", &body, now);
    let duration = started.elapsed();
    let (status, error, result) = match result {
        Ok(s) => (s, None, AttemptResult::Delivered),
        Err(e) => (e.status, Some(e.message), AttemptResult::Failed),
    };
    Ok(Attempt {
        event_id: id,
        event_type: "webhook.test".to_owned(),
        destination: destination.name.clone(),
        attempt: 1,
        result,
        status,
        error,
        duration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_a_ceiling() {
        let base = Duration::from_secs(30);
        // The lowest draw is half, the highest the whole wait.
        assert_eq!(backoff(base, 1, 0), TimeDelta::seconds(15));
        assert_eq!(backoff(base, 1, 15_000), TimeDelta::seconds(30));
        assert_eq!(backoff(base, 2, 0), TimeDelta::seconds(30));
        assert_eq!(backoff(base, 3, 0), TimeDelta::seconds(60));
        for attempts in 1..40 {
            for r in [0, 7, 1 << 40, u64::MAX] {
                let d = backoff(base, attempts, r);
                assert!(d >= TimeDelta::seconds(15), "{attempts} {r}");
                assert!(d <= TimeDelta::hours(6), "{attempts} {r}");
            }
        }
        assert_eq!(backoff(Duration::ZERO, 5, 12345), TimeDelta::zero());
    }

    #[test]
    fn hooks_get_the_event_on_standard_input() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got.json");
        let command = vec![
            "sh".to_owned(),
            "-c".to_owned(),
            format!(
                "cat > '{}'; echo \"$KEYCTL_EVENT_TYPE\" >> '{}'",
                out.display(),
                out.display()
            ),
        ];
        run_hook(
            &command,
            "evt_1",
            "api_key.created",
            "{\"a\":1}",
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "{\"a\":1}api_key.created\n"
        );
    }

    #[test]
    fn failing_and_slow_hooks_are_reported() {
        let fail = vec![
            "sh".into(),
            "-c".into(),
            "echo 'no route' >&2; exit 3".into(),
        ];
        let e = run_hook(&fail, "e", "t", "{}", Duration::from_secs(5)).unwrap_err();
        assert_eq!(e.message, "the hook exited with status 3: no route");
        let slow = vec!["sleep".into(), "5".into()];
        let started = Instant::now();
        let e = run_hook(&slow, "e", "t", "{}", Duration::from_millis(200)).unwrap_err();
        assert_eq!(e.message, "timed out after 200ms");
        assert!(started.elapsed() < Duration::from_secs(3));
        let missing = vec!["/nonexistent/keyctl-hook".into()];
        let e = run_hook(&missing, "e", "t", "{}", Duration::from_secs(1)).unwrap_err();
        assert!(
            e.message.starts_with("cannot start the hook"),
            "{}",
            e.message
        );
    }
}
