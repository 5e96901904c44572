//! `keyctl events`: the outbox of key events, and its delivery.
//!
//! `list` reads; `deliver`, `scan` and `replay` need the admin role. The
//! delivery log (what `deliver` prints) names destinations, never their
//! URLs, secrets or commands.

use clap::{Args, Subcommand};
use comfy_table::Cell;
use serde::Serialize;
use serde_json::Value;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::render::{Format, Output, csv_io};
use crate::events::deliver::AFTER_COMMIT_TIMEOUT;
use crate::events::{
    Attempt, AttemptResult, DeliverOptions, DeliverySummary, EventFilter, EventInfo, EventKind,
};
use crate::keyctl::Keyctl;
use crate::store::{Access, DeliveryRow, DeliveryState, EventRow};
use crate::text::escape;
use crate::time::{rfc3339, short};

#[derive(Debug, Args)]
#[command(
    long_about = "Key events and their delivery. Every change to a key (api_key.created, \
        .updated, .rotated, .revoked) records an event in the same transaction as the change; \
        `events scan` records api_key.expiring and api_key.expired, once per key. Events go to \
        the [[webhooks]] of the config, signed as the Standard Webhooks specification says, and \
        to the [[hooks]] commands, on standard input.",
    after_help = "Examples:\n  \
        keyctl events list --pending\n  \
        keyctl events scan && keyctl events deliver\n  \
        keyctl events list --dead --format json\n  \
        keyctl events replay evt_0123456789abcdefghijklmn"
)]
pub struct EventsArgs {
    #[command(subcommand)]
    pub command: EventsCommand,
}

// The `events` subcommands. (a doc comment here would replace the
// command's one-line help, set on its variant of `cli::Command`).
#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    List(ListArgs),
    Deliver(DeliverArgs),
    Scan(ScanArgs),
    Replay(ReplayArgs),
}

/// List recorded events, newest first
#[derive(Debug, Args)]
#[command(
    long_about = "List recorded events, newest first, with where their delivery stands: new \
        (not yet routed to a destination), pending, delivered, dead (a delivery gave up after \
        its last attempt) or skipped (no destination wanted it). JSON output carries each \
        event's document and every delivery.",
    after_help = "Examples:\n  \
        keyctl events list\n  \
        keyctl events list --dead\n  \
        keyctl events list --type api_key.revoked --format json | jq '.[].payload.data.key.id'"
)]
pub struct ListArgs {
    /// Only events still to be delivered
    #[arg(long, conflicts_with = "dead")]
    pub pending: bool,
    /// Only events whose delivery gave up (see `events replay`)
    #[arg(long)]
    pub dead: bool,
    /// Only events of this type: api_key.created, api_key.updated, api_key.rotated,
    /// api_key.revoked, api_key.expiring, api_key.expired
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// At most this many events
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
}

/// Send pending events to webhooks and hooks, with retries
#[derive(Debug, Args)]
#[command(
    long_about = "Send the events that are due to the configured [[webhooks]] and [[hooks]]. \
        Each attempt has a timeout (`timeout` in [events], default 10s); a failed one is tried \
        again by a later run after an exponential backoff with jitter (`backoff`, default 30s, \
        doubling up to 6h), and after `max_attempts` (default 10) the delivery is dead. A \
        receiver that fails is not an error: the command exits 0 and prints what happened. Run \
        it from cron or a systemd timer. A run killed while sending leaves the delivery it had \
        in flight to a later run, which may send it a second time: receivers dedupe on the \
        webhook-id header.",
    after_help = "Examples:\n  \
        keyctl events deliver\n  \
        */5 * * * *  keyctl events scan -q && keyctl events deliver -q"
)]
pub struct DeliverArgs {
    /// At most this many attempts in this run
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// Record api_key.expiring and api_key.expired events (for cron)
#[derive(Debug, Args)]
#[command(
    long_about = "Record api_key.expiring for every key that expires within the lead time \
        (`expiring_within` in [events], default 7d) and api_key.expired for every key that has \
        expired, each once per key however often the scan runs. Revoked keys are left out. Then \
        try to deliver them, unless --no-deliver.",
    after_help = "Examples:\n  keyctl events scan\n  keyctl events scan --no-deliver --format json"
)]
pub struct ScanArgs {
    /// Record the events but do not try to deliver them now
    #[arg(long)]
    pub no_deliver: bool,
}

/// Send one event again
#[derive(Debug, Args)]
#[command(
    long_about = "Make one event due again for every configured destination that wants its \
        type, with its attempts reset, and send it now (unless --no-deliver). The event keeps \
        its id, so a receiver that already has it can tell.",
    after_help = "Examples:\n  keyctl events replay evt_0123456789abcdefghijklmn"
)]
pub struct ReplayArgs {
    /// The event's id (evt_...)
    #[arg(value_name = "ID")]
    pub id: String,
    /// Reset the event's deliveries but do not send it now
    #[arg(long)]
    pub no_deliver: bool,
}

pub fn run(ctx: &mut Ctx, args: &EventsArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        EventsCommand::List(a) => list(ctx, a),
        EventsCommand::Deliver(a) => deliver(ctx, a),
        EventsCommand::Scan(a) => scan(ctx, a),
        EventsCommand::Replay(a) => replay(ctx, a),
    }
}

/// After a lifecycle command committed: try to send its events now, with a
/// short timeout. A failure is a warning, never the command's failure.
pub fn deliver_after_commit(
    ctx: &mut Ctx,
    kc: &mut Keyctl,
    event_ids: &[String],
    no_deliver: bool,
) -> anyhow::Result<()> {
    if no_deliver || event_ids.is_empty() || kc.config().events.destinations.is_empty() {
        return Ok(());
    }
    // What the command printed goes out before the wait.
    ctx.out.flush()?;
    let opts = DeliverOptions {
        only: Some(event_ids.to_vec()),
        timeout: Some(AFTER_COMMIT_TIMEOUT.min(kc.config().events.timeout)),
        limit: None,
        once: true,
    };
    match kc.deliver_events(&opts, |_| {}) {
        Ok(summary) => {
            for a in summary
                .attempts
                .iter()
                .filter(|a| a.result != AttemptResult::Delivered)
            {
                ctx.note(&format!(
                    "warning: event {} was not delivered to {}: {}; `keyctl events deliver` {}",
                    a.event_id,
                    a.destination,
                    a.error.as_deref().unwrap_or("failed"),
                    if a.result == AttemptResult::Dead {
                        "will not retry it (see `keyctl events list --dead`)"
                    } else {
                        "will retry"
                    }
                ));
            }
        }
        Err(e) => ctx.note(&format!(
            "warning: the change is saved, but its event could not be delivered now: {e}; \
             `keyctl events deliver` will retry"
        )),
    }
    Ok(())
}

#[derive(Serialize)]
struct DeliveryJson<'a> {
    destination: &'a str,
    state: &'static str,
    attempts: u32,
    next_attempt_at: Option<String>,
    last_attempt_at: Option<String>,
    delivered_at: Option<String>,
    last_error: Option<&'a str>,
}

#[derive(Serialize)]
struct EventJson<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    timestamp: String,
    key_id: Option<&'a str>,
    state: &'static str,
    deliveries: Vec<DeliveryJson<'a>>,
    payload: Value,
}

fn delivery_json(d: &DeliveryRow) -> DeliveryJson<'_> {
    DeliveryJson {
        destination: &d.destination,
        state: d.state.as_str(),
        attempts: d.attempts,
        next_attempt_at: (d.state == DeliveryState::Pending).then(|| rfc3339(d.next_at)),
        last_attempt_at: d.last_attempt_at.map(rfc3339),
        delivered_at: d.delivered_at.map(rfc3339),
        last_error: d.last_error.as_deref(),
    }
}

fn event_json<'a>(e: &'a EventRow, deliveries: &'a [DeliveryRow]) -> EventJson<'a> {
    EventJson {
        id: &e.id,
        kind: &e.kind,
        timestamp: rfc3339(e.ts),
        key_id: e.key_id.as_deref(),
        state: e.state.as_str(),
        deliveries: deliveries.iter().map(delivery_json).collect(),
        payload: serde_json::from_str(&e.payload).unwrap_or(Value::Null),
    }
}

const LIST_HEADER: [&str; 7] = [
    "ID",
    "TYPE",
    "KEY",
    "TIME",
    "STATE",
    "ATTEMPTS",
    "LAST ERROR",
];
const LIST_CSV_HEADER: [&str; 8] = [
    "id",
    "type",
    "timestamp",
    "key_id",
    "state",
    "attempts",
    "destinations",
    "last_error",
];

fn print_events(out: &mut Output, events: &[EventInfo], empty: &str) -> anyhow::Result<()> {
    match out.format {
        Format::Json => {
            let docs: Vec<EventJson<'_>> = events
                .iter()
                .map(|e| event_json(&e.event, &e.deliveries))
                .collect();
            out.json(&docs)?;
        }
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(LIST_CSV_HEADER).map_err(csv_io)?;
            for e in events {
                let destinations: Vec<String> = e
                    .deliveries
                    .iter()
                    .map(|d| format!("{}:{}", d.destination, d.state.as_str()))
                    .collect();
                w.write_record([
                    e.event.id.clone(),
                    e.event.kind.clone(),
                    rfc3339(e.event.ts),
                    e.event.key_id.clone().unwrap_or_default(),
                    e.event.state.as_str().to_owned(),
                    e.attempts().to_string(),
                    destinations.join(" "),
                    escape(e.last_error().unwrap_or_default()).into_owned(),
                ])
                .map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            if events.is_empty() {
                out.line(empty)?;
                return Ok(());
            }
            let mut t = out.table(&LIST_HEADER);
            for e in events {
                t.add_row(vec![
                    Cell::new(&e.event.id),
                    Cell::new(&e.event.kind),
                    Cell::new(e.event.key_id.as_deref().unwrap_or("-")),
                    Cell::new(short(e.event.ts)),
                    Cell::new(e.event.state.as_str()),
                    Cell::new(e.attempts()),
                    Cell::new(escape(e.last_error().unwrap_or(""))),
                ]);
            }
            out.print_table(&t)?;
        }
    }
    Ok(())
}

fn list(ctx: &mut Ctx, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let kind = args.kind.as_deref().map(EventKind::parse).transpose()?;
    let mut kc = ctx.open(Access::Read)?;
    let filter = EventFilter {
        pending: args.pending,
        dead: args.dead,
        kind,
        limit: args.limit,
    };
    let events = kc.events(&filter)?;
    let empty = if args.dead {
        "No dead events."
    } else if args.pending {
        "No events are waiting for delivery."
    } else {
        "No events recorded."
    };
    print_events(&mut ctx.out, &events, empty)?;
    Ok(ExitCode::Success)
}

#[derive(Serialize)]
struct AttemptJson<'a> {
    event_id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    destination: &'a str,
    attempt: u32,
    result: &'static str,
    status: Option<u16>,
    error: Option<&'a str>,
    next_attempt_at: Option<String>,
}

fn attempt_json(a: &Attempt) -> AttemptJson<'_> {
    AttemptJson {
        event_id: &a.event_id,
        kind: &a.event_type,
        destination: &a.destination,
        attempt: a.attempt,
        result: a.result.as_str(),
        status: a.status,
        error: a.error.as_deref(),
        next_attempt_at: match a.result {
            AttemptResult::Retrying(at) => Some(rfc3339(at)),
            _ => None,
        },
    }
}

#[derive(Serialize)]
struct DeliveryRunJson<'a> {
    routed: usize,
    delivered: usize,
    retrying: usize,
    dead: usize,
    attempts: Vec<AttemptJson<'a>>,
}

const ATTEMPT_HEADER: [&str; 6] = [
    "EVENT",
    "TYPE",
    "DESTINATION",
    "ATTEMPT",
    "RESULT",
    "DETAIL",
];

/// One attempt on its own (`webhooks test`), with no run totals.
pub fn print_attempt(out: &mut Output, attempt: &Attempt) -> anyhow::Result<()> {
    match out.format {
        Format::Json => out.json(&attempt_json(attempt))?,
        Format::Csv | Format::Table => {
            let summary = DeliverySummary {
                routed: 0,
                attempts: vec![attempt.clone()],
            };
            print_attempt_rows(out, &summary)?;
        }
    }
    Ok(())
}

/// The delivery log of a run.
pub fn print_attempts(out: &mut Output, summary: &DeliverySummary) -> anyhow::Result<()> {
    let delivered = summary.count(|r| *r == AttemptResult::Delivered);
    let retrying = summary.count(|r| matches!(r, AttemptResult::Retrying(_)));
    let dead = summary.count(|r| *r == AttemptResult::Dead);
    match out.format {
        Format::Json => out.json(&DeliveryRunJson {
            routed: summary.routed,
            delivered,
            retrying,
            dead,
            attempts: summary.attempts.iter().map(attempt_json).collect(),
        })?,
        Format::Csv => print_attempt_rows(out, summary)?,
        Format::Table => {
            if summary.attempts.is_empty() {
                out.line("Nothing to deliver.")?;
                return Ok(());
            }
            print_attempt_rows(out, summary)?;
            out.line(&format!(
                "{delivered} delivered, {retrying} to retry, {dead} dead"
            ))?;
        }
    }
    Ok(())
}

/// The attempts as CSV or table rows.
fn print_attempt_rows(out: &mut Output, summary: &DeliverySummary) -> anyhow::Result<()> {
    match out.format {
        Format::Csv | Format::Json => {
            let mut w = out.csv();
            w.write_record([
                "event_id",
                "type",
                "destination",
                "attempt",
                "result",
                "status",
                "error",
            ])
            .map_err(csv_io)?;
            for a in &summary.attempts {
                w.write_record([
                    a.event_id.clone(),
                    a.event_type.clone(),
                    a.destination.clone(),
                    a.attempt.to_string(),
                    a.result.as_str().to_owned(),
                    a.status.map(|s| s.to_string()).unwrap_or_default(),
                    escape(a.error.as_deref().unwrap_or_default()).into_owned(),
                ])
                .map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut t = out.table(&ATTEMPT_HEADER);
            for a in &summary.attempts {
                let detail = match (&a.error, a.status) {
                    (Some(e), _) => escape(e).into_owned(),
                    (None, Some(s)) => format!("HTTP {s}"),
                    (None, None) => String::new(),
                };
                t.add_row(vec![
                    Cell::new(&a.event_id),
                    Cell::new(&a.event_type),
                    Cell::new(&a.destination),
                    Cell::new(a.attempt),
                    Cell::new(a.result.as_str()),
                    Cell::new(detail),
                ]);
            }
            out.print_table(&t)?;
        }
    }
    Ok(())
}

fn deliver(ctx: &mut Ctx, args: &DeliverArgs) -> anyhow::Result<ExitCode> {
    let mut kc = ctx.open(Access::Modify)?;
    kc.authorize("events deliver", crate::role::Role::Admin)?;
    if kc.config().events.destinations.is_empty() {
        ctx.note("note: no [[webhooks]] or [[hooks]] are configured; events stay in the outbox");
    }
    let opts = DeliverOptions {
        only: None,
        timeout: None,
        limit: args.limit,
        once: false,
    };
    let summary = kc.deliver_events(&opts, |_| {})?;
    if !ctx.global.quiet {
        print_attempts(&mut ctx.out, &summary)?;
    }
    Ok(ExitCode::Success)
}

fn scan(ctx: &mut Ctx, args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let mut kc = ctx.open(Access::Modify)?;
    let recorded = kc.scan_events()?;
    if !ctx.global.quiet {
        let infos: Vec<EventInfo> = recorded
            .iter()
            .map(|e| EventInfo {
                event: e.clone(),
                deliveries: Vec::new(),
            })
            .collect();
        let lead = crate::time::human_duration(kc.config().events.expiring_within);
        print_events(
            &mut ctx.out,
            &infos,
            &format!("No new expiring (within {lead}) or expired keys."),
        )?;
    }
    let ids: Vec<String> = recorded.into_iter().map(|e| e.id).collect();
    deliver_after_commit(ctx, &mut kc, &ids, args.no_deliver)?;
    Ok(ExitCode::Success)
}

fn replay(ctx: &mut Ctx, args: &ReplayArgs) -> anyhow::Result<ExitCode> {
    let mut kc = ctx.open(Access::Modify)?;
    let info = kc.replay_event(&args.id)?;
    if args.no_deliver {
        if !ctx.global.quiet {
            print_events(&mut ctx.out, std::slice::from_ref(&info), "")?;
        }
        return Ok(ExitCode::Success);
    }
    let opts = DeliverOptions {
        only: Some(vec![info.event.id.clone()]),
        timeout: None,
        limit: None,
        once: true,
    };
    let summary = kc.deliver_events(&opts, |_| {})?;
    if !ctx.global.quiet {
        print_attempts(&mut ctx.out, &summary)?;
    }
    Ok(ExitCode::Success)
}
