//! Key events: the outbox, `events scan`, and the JSON shape of an event.
//!
//! An event is written to the outbox table in the same store transaction as
//! the change it describes (next to its audit entry), so there is no change
//! without its event and no event without its change. `api_key.expiring` and
//! `api_key.expired` are found by `events scan`, at most once per
//! key and expiry, however often it runs: a unique index on
//! `(key_id, type, key_expires_at)` holds that even for concurrent scans.
//!
//! Every event is one JSON document, stored as the exact bytes that are later
//! delivered and signed:
//!
//! ```json
//! {"id":"evt_…","type":"api_key.revoked","timestamp":"2026-11-23T12:00:00Z",
//!  "data":{"actor":"alice","key":{…the key's public fields…},"changes":null,"new_key":null}}
//! ```
//!
//! `data.key` is the key as `keyctl show --format json` prints it at the
//! time of the event; `changes` is set on `api_key.updated` (each changed
//! field with `from` and `to`), `new_key` on `api_key.rotated`. A key's
//! secret is never stored, so it can never be in an event.
//!
//! Delivery is in [`deliver`]; destinations and settings in [`destination`];
//! signing in [`sign`].

use std::fmt;

use chrono::TimeDelta;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::key::{Key, KeyJson};
use crate::store::{DeliveryRow, DeliveryState, EventQuery, EventRow, EventState, Queries};
use crate::time::{Timestamp, rfc3339};

pub mod deliver;
pub mod destination;
pub mod sign;

pub use deliver::{Attempt, AttemptResult, DeliverOptions, DeliverySummary};
pub use destination::{Destination, EventSettings, Target};
pub use sign::SigningSecret;

/// The types of key events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    Created,
    Updated,
    Rotated,
    Revoked,
    Expiring,
    Expired,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::Created,
        EventKind::Updated,
        EventKind::Rotated,
        EventKind::Revoked,
        EventKind::Expiring,
        EventKind::Expired,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "api_key.created",
            EventKind::Updated => "api_key.updated",
            EventKind::Rotated => "api_key.rotated",
            EventKind::Revoked => "api_key.revoked",
            EventKind::Expiring => "api_key.expiring",
            EventKind::Expired => "api_key.expired",
        }
    }

    /// Parses a type name, suggesting the nearest one when it is unknown.
    pub fn parse(s: &str) -> Result<EventKind> {
        let t = s.trim();
        if let Some(k) = EventKind::ALL.iter().find(|k| k.as_str() == t) {
            return Ok(*k);
        }
        // `revoked` for `api_key.revoked`.
        if let Some(k) = EventKind::ALL
            .iter()
            .find(|k| k.as_str().strip_prefix("api_key.") == Some(t))
        {
            return Err(Error::invalid_with_hint(
                format!("event type '{}' is not known", crate::text::escape(s)),
                format!("did you mean '{}'?", k.as_str()),
            ));
        }
        Err(Error::invalid_with_hint(
            format!("event type '{}' is not known", crate::text::escape(s)),
            format!(
                "event types: {}",
                EventKind::ALL.map(EventKind::as_str).join(", ")
            ),
        ))
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The envelope of an event, in the documented member order.
#[derive(Serialize)]
struct Envelope<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    timestamp: String,
    data: Data<'a>,
}

#[derive(Serialize)]
struct Data<'a> {
    actor: Option<&'a str>,
    key: KeyJson<'a>,
    changes: Option<&'a Value>,
    new_key: Option<KeyJson<'a>>,
}

/// What an event says beyond its key.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extra<'a> {
    /// The operator who made the change (`None` for `events scan`).
    pub actor: Option<&'a str>,
    /// `api_key.updated`: the changed fields with `from` and `to`.
    pub changes: Option<&'a Value>,
    /// `api_key.rotated`: the key that replaces this one.
    pub new_key: Option<&'a Key>,
}

/// Draws an unused event id: `evt_` and 24 of `[0-9a-z]` (about 124 bits).
pub(crate) fn unused_event_id(q: &mut dyn Queries) -> Result<String> {
    loop {
        let mut buf = [0u8; 24];
        crate::secret::fill_from_alphabet(&mut buf, b"0123456789abcdefghijklmnopqrstuvwxyz")?;
        let mut id = String::with_capacity(28);
        id.push_str("evt_");
        id.extend(buf.iter().map(|&b| char::from(b)));
        if !q.event_id_exists(&id)? {
            return Ok(id);
        }
    }
}

/// The JSON document of an event.
fn payload(
    id: &str,
    kind: EventKind,
    key: &Key,
    now: Timestamp,
    extra: &Extra<'_>,
) -> Result<String> {
    let envelope = Envelope {
        id,
        kind: kind.as_str(),
        timestamp: rfc3339(now),
        data: Data {
            actor: extra.actor,
            key: key.to_json(now),
            changes: extra.changes,
            new_key: extra.new_key.map(|k| k.to_json(now)),
        },
    };
    serde_json::to_string(&envelope).map_err(|e| Error::Storage(format!("event: {e}")))
}

/// Records an event about `key` in the caller's transaction; returns its id.
pub fn record(
    q: &mut dyn Queries,
    kind: EventKind,
    key: &Key,
    now: Timestamp,
    extra: &Extra<'_>,
) -> Result<String> {
    let id = unused_event_id(q)?;
    let body = payload(&id, kind, key, now, extra)?;
    let key_expires_at = match kind {
        EventKind::Expiring | EventKind::Expired => key.expires_at,
        _ => None,
    };
    q.insert_event(&EventRow {
        seq: 0,
        id: id.clone(),
        kind: kind.as_str().to_owned(),
        ts: now,
        key_id: Some(key.id.clone()),
        key_expires_at,
        payload: body,
        state: EventState::New,
    })?;
    Ok(id)
}

/// One event with its deliveries, as `events list` shows it.
#[derive(Debug, Clone)]
pub struct EventInfo {
    pub event: EventRow,
    pub deliveries: Vec<DeliveryRow>,
}

impl EventInfo {
    /// Attempts over all deliveries.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.deliveries.iter().map(|d| d.attempts).sum()
    }

    /// The last error of a delivery that is not delivered, if any.
    #[must_use]
    pub fn last_error(&self) -> Option<&str> {
        self.deliveries
            .iter()
            .filter(|d| d.state != DeliveryState::Delivered)
            .filter_map(|d| d.last_error.as_deref())
            .next()
    }
}

/// How `events list` narrows the outbox.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only events with a delivery still to be made (or not yet routed).
    pub pending: bool,
    /// Only events with a delivery that gave up.
    pub dead: bool,
    pub kind: Option<EventKind>,
    pub limit: usize,
}

/// The outbox that `filter` selects, newest first, with the deliveries of
/// each event.
pub(crate) fn list(q: &mut dyn Queries, filter: &EventFilter) -> Result<Vec<EventInfo>> {
    let mut states = Vec::new();
    if filter.pending {
        states.extend([EventState::New, EventState::Pending]);
    }
    if filter.dead {
        states.push(EventState::Dead);
    }
    let query = EventQuery {
        states,
        kind: filter.kind.map(|k| k.as_str().to_owned()),
        limit: filter.limit,
    };
    let rows = q.events(&query)?;
    rows.into_iter()
        .map(|event| {
            let deliveries = q.deliveries_of(event.seq)?;
            Ok(EventInfo { event, deliveries })
        })
        .collect()
}

/// One event of the outbox, by id, with its deliveries.
pub(crate) fn find(q: &mut dyn Queries, id: &str) -> Result<EventInfo> {
    let event = q
        .event_by_id(id.trim())?
        .ok_or_else(|| event_not_found(id))?;
    let deliveries = q.deliveries_of(event.seq)?;
    Ok(EventInfo { event, deliveries })
}

/// Records `api_key.expiring` for keys that expire within `lead` of `now`
/// and `api_key.expired` for keys that have expired, each once per key and
/// expiry, in the caller's transaction; returns the events recorded.
/// Revoked keys are left out; a key first seen after it expired gets
/// `expired` only.
pub(crate) fn scan(q: &mut dyn Queries, now: Timestamp, lead: TimeDelta) -> Result<Vec<EventRow>> {
    let keys = q.keys_awaiting_expiry_events(now + lead, EventKind::Expired.as_str())?;
    let mut recorded = Vec::new();
    for key in keys {
        let Some(expires_at) = key.expires_at else {
            continue;
        };
        let kind = if expires_at <= now {
            EventKind::Expired
        } else {
            EventKind::Expiring
        };
        if kind == EventKind::Expiring && q.scan_event_exists(&key.id, kind.as_str(), expires_at)? {
            continue;
        }
        let id = record(q, kind, &key, now, &Extra::default())?;
        if let Some(row) = q.event_by_id(&id)? {
            recorded.push(row);
        }
    }
    Ok(recorded)
}

/// Makes the event `id` due again in the caller's transaction: every
/// delivery to one of `destinations` that wants it is reset to pending with
/// no attempts (a destination added since gets one too), except one that a
/// run is sending right now.
pub(crate) fn replay(
    q: &mut dyn Queries,
    id: &str,
    destinations: &[Destination],
    now: Timestamp,
) -> Result<EventInfo> {
    let event = q
        .event_by_id(id.trim())?
        .ok_or_else(|| event_not_found(id))?;
    let kind = EventKind::parse(&event.kind)?;
    let wanted: Vec<&Destination> = destinations.iter().filter(|d| d.wants(kind)).collect();
    if wanted.is_empty() {
        return Err(Error::conflict(
            format!("no configured destination wants {} events", event.kind),
            Some("check the `events` filters of [[webhooks]] and [[hooks]]".to_owned()),
        ));
    }
    let existing = q.deliveries_of(event.seq)?;
    for d in wanted {
        if existing
            .iter()
            .any(|e| e.destination == d.name && e.claimed_until.is_some_and(|c| c > now))
        {
            // A run is sending it right now; leave that one be.
            continue;
        }
        q.put_delivery(&DeliveryRow::pending(event.seq, &d.name, now))?;
    }
    q.refresh_event_state(event.seq)?;
    let event = q.event_by_seq(event.seq)?.unwrap_or(event);
    let deliveries = q.deliveries_of(event.seq)?;
    Ok(EventInfo { event, deliveries })
}

fn event_not_found(id: &str) -> Error {
    Error::Invalid {
        message: format!("no event has the id '{}'", crate::text::escape(id)),
        hint: Some(crate::error::hint::EVENT_IDS.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_parse_and_suggest() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()).unwrap(), k);
        }
        let e = EventKind::parse("revoked").unwrap_err();
        assert_eq!(e.hint().unwrap(), "did you mean 'api_key.revoked'?");
        assert!(EventKind::parse("key.revoked").is_err());
    }
}
