//! The event outbox: events recorded with the change they describe, and
//! their deliveries, one per event and destination.
//!
//! An event is written in the same transaction as its change, so an event
//! exists exactly when its change was committed. Its state follows from its
//! deliveries ([`OutboxQueries::refresh_event_state`]); a delivery run claims
//! a delivery by moving its `next_at` to the end of a lease, so a run that
//! dies leaves it to be claimed again.

use crate::error::Result;
use crate::key::Key;
use crate::time::Timestamp;

/// Where an event of the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventState {
    /// Recorded, not yet routed to the configured destinations.
    New,
    /// At least one delivery is still to be made.
    Pending,
    /// Every delivery was made.
    Delivered,
    /// A delivery gave up after its last attempt (and none is pending).
    Dead,
    /// Routed, but no destination wanted it.
    Skipped,
}

impl EventState {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EventState::New => "new",
            EventState::Pending => "pending",
            EventState::Delivered => "delivered",
            EventState::Dead => "dead",
            EventState::Skipped => "skipped",
        }
    }

    /// Parses the stored form.
    #[must_use]
    pub fn parse(s: &str) -> Option<EventState> {
        Some(match s {
            "new" => EventState::New,
            "pending" => EventState::Pending,
            "delivered" => EventState::Delivered,
            "dead" => EventState::Dead,
            "skipped" => EventState::Skipped,
            _ => return None,
        })
    }
}

/// One event of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Assigned by the store on insert (ignored there).
    pub seq: i64,
    /// `evt_` and a random part: the `webhook-id` of every delivery.
    pub id: String,
    /// `api_key.created`, ….
    pub kind: String,
    pub ts: Timestamp,
    pub key_id: Option<String>,
    /// The key's expiry, on the events of `events scan` only.
    pub key_expires_at: Option<Timestamp>,
    /// The JSON document as delivered.
    pub payload: String,
    pub state: EventState,
}

/// Where one delivery (an event to one destination) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Delivered,
    Dead,
}

impl DeliveryState {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
        }
    }

    /// Parses the stored form.
    pub(crate) fn parse(s: &str) -> Option<DeliveryState> {
        Some(match s {
            "pending" => DeliveryState::Pending,
            "delivered" => DeliveryState::Delivered,
            "dead" => DeliveryState::Dead,
            _ => return None,
        })
    }
}

/// One event's delivery to one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub event_seq: i64,
    /// The name of a `[[webhooks]]` or `[[hooks]]` entry.
    pub destination: String,
    pub state: DeliveryState,
    /// Attempts begun (claims), including one interrupted by a crash.
    pub attempts: u32,
    /// Attempts whose run died before it recorded how they ended.
    pub interrupted: u32,
    /// When it is due next (while pending).
    pub next_at: Timestamp,
    /// Set while a run holds it: another run leaves it alone until then.
    pub claimed_until: Option<Timestamp>,
    pub last_attempt_at: Option<Timestamp>,
    /// Why the last attempt failed: never a secret, never a URL.
    pub last_error: Option<String>,
    pub delivered_at: Option<Timestamp>,
}

impl DeliveryRow {
    /// A delivery that has not been tried yet, due at `now`.
    #[must_use]
    pub fn pending(event_seq: i64, destination: &str, now: Timestamp) -> DeliveryRow {
        DeliveryRow {
            event_seq,
            destination: destination.to_owned(),
            state: DeliveryState::Pending,
            attempts: 0,
            interrupted: 0,
            next_at: now,
            claimed_until: None,
            last_attempt_at: None,
            last_error: None,
            delivered_at: None,
        }
    }
}

/// Which events a listing wants.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Any of these states (empty: every state).
    pub states: Vec<EventState>,
    pub kind: Option<String>,
    pub limit: usize,
}

impl EventQuery {
    /// The parts to run instead of this query, if any: one per state. Each
    /// is an index seek on `(state, seq)` whose rows come out in order,
    /// where `IN (...)` would sort every match;
    /// [`newest_first`](super::newest_first) merges them.
    pub(crate) fn state_parts(&self) -> Option<Vec<EventQuery>> {
        (self.states.len() > 1).then(|| {
            self.states
                .iter()
                .map(|state| EventQuery {
                    states: vec![*state],
                    ..self.clone()
                })
                .collect()
        })
    }
}

/// The columns an [`EventRow`] is read from, in the order both backends'
/// row mappings read them.
pub(crate) const EVENT_COLUMNS: &str = "seq, id, type, ts, key_id, key_expires_at, payload, state";

/// The columns a [`DeliveryRow`] is read from, in the order both backends'
/// row mappings read them.
pub(crate) const DELIVERY_COLUMNS: &str = "event_seq, destination, state, attempts, next_at, \
    claimed_until, last_attempt_at, last_error, delivered_at, interrupted";

/// Recording events and tracking their deliveries, inside a transaction.
pub trait OutboxQueries {
    /// Adds an event to the outbox; returns its sequence number.
    fn insert_event(&mut self, event: &EventRow) -> Result<i64>;
    /// Whether an event id is taken.
    fn event_id_exists(&mut self, id: &str) -> Result<bool>;
    fn event_by_id(&mut self, id: &str) -> Result<Option<EventRow>>;
    fn event_by_seq(&mut self, seq: i64) -> Result<Option<EventRow>>;
    /// Events passing the filter, newest first, at most `limit`.
    fn events(&mut self, query: &EventQuery) -> Result<Vec<EventRow>>;
    /// Keys that are not revoked, expire at or before `until`, and have no
    /// event of type `expired_kind` for their present expiry.
    fn keys_awaiting_expiry_events(
        &mut self,
        until: Timestamp,
        expired_kind: &str,
    ) -> Result<Vec<Key>>;
    /// Whether `events scan` already recorded an event of `kind` for this
    /// key and expiry.
    fn scan_event_exists(
        &mut self,
        key_id: &str,
        kind: &str,
        expires_at: Timestamp,
    ) -> Result<bool>;
    /// Sets an event's state.
    fn set_event_state(&mut self, seq: i64, state: EventState) -> Result<()>;
    /// Derives an event's state from its deliveries: pending while one is
    /// pending, else dead if one is dead, else delivered (skipped if none).
    fn refresh_event_state(&mut self, seq: i64) -> Result<()>;
    /// An event's deliveries, by destination name.
    fn deliveries_of(&mut self, event_seq: i64) -> Result<Vec<DeliveryRow>>;
    /// Adds a delivery, or replaces the one for the same event and destination.
    fn put_delivery(&mut self, d: &DeliveryRow) -> Result<()>;
    /// The pending delivery due first at `now` (of one event, if given).
    fn next_due_delivery(
        &mut self,
        now: Timestamp,
        event_seq: Option<i64>,
    ) -> Result<Option<DeliveryRow>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_states_run_as_one_query_each() {
        let q = EventQuery {
            states: vec![EventState::Pending, EventState::Dead],
            kind: Some("api_key.created".into()),
            limit: 5,
        };
        let parts = q.state_parts().unwrap();
        let states: Vec<_> = parts.iter().map(|p| p.states.clone()).collect();
        assert_eq!(states, [vec![EventState::Pending], vec![EventState::Dead]]);
        assert!(parts.iter().all(|p| p.kind == q.kind && p.limit == 5));
        for one in [vec![], vec![EventState::New]] {
            let q = EventQuery {
                states: one,
                ..q.clone()
            };
            assert!(q.state_parts().is_none());
        }
    }

    #[test]
    fn stored_states_parse_back() {
        for s in [
            DeliveryState::Pending,
            DeliveryState::Delivered,
            DeliveryState::Dead,
        ] {
            assert_eq!(DeliveryState::parse(s.as_str()), Some(s));
        }
        assert_eq!(DeliveryState::parse("lost"), None);
    }
}
