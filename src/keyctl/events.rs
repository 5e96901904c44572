//! The outbox on [`Keyctl`]: listing and showing events, `events scan`
//! and `events replay`. What an event is and how it is recorded is in
//! [`crate::events`]; delivery is in this module's `deliver` sibling.

use super::Keyctl;
use crate::error::{Error, Result};
use crate::events::{self, EventFilter, EventInfo};
use crate::role::Role;
use crate::store::{Durability, EventRow};

impl Keyctl {
    /// The outbox, newest first.
    pub fn events(&mut self, filter: &EventFilter) -> Result<Vec<EventInfo>> {
        self.authorize("events list", Role::Member)?;
        self.store.read(|q| events::list(q, filter))
    }

    /// One event of the outbox, by id.
    pub fn event(&mut self, id: &str) -> Result<EventInfo> {
        self.authorize("events show", Role::Member)?;
        self.store.read(|q| events::find(q, id))
    }

    /// Records `api_key.expiring` for keys that expire within the lead time
    /// and `api_key.expired` for keys that have expired, each once per key
    /// and expiry, in one transaction. Revoked keys are left out; a key
    /// first seen after it expired gets `expired` only.
    pub fn scan_events(&mut self) -> Result<Vec<EventRow>> {
        self.authorize("events scan", Role::Admin)?;
        let now = self.now();
        let lead = self.config.events.expiring_within;
        self.store
            .write(Durability::Full, |q| events::scan(q, now, lead))
    }

    /// Makes a recorded event due again: every delivery to a destination in
    /// the config that wants it is reset to pending with no attempts (a
    /// destination added since gets one too). Deliver it afterwards.
    pub fn replay_event(&mut self, id: &str) -> Result<EventInfo> {
        self.authorize("events replay", Role::Admin)?;
        let now = self.now();
        let destinations = &self.config.events.destinations;
        if destinations.is_empty() {
            return Err(Error::conflict(
                "no [[webhooks]] or [[hooks]] are configured; there is nowhere to send the event",
                Some("add a [[webhooks]] or [[hooks]] entry to the config".to_owned()),
            ));
        }
        self.store.write(Durability::Normal, |q| {
            events::replay(q, id, destinations, now)
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::config::Config;
    use crate::keyctl::{KeyChanges, NewKey};
    use crate::scope::Scope;
    use crate::store::{Access, EventState, Store};
    use crate::time::{Clock, from_unix};

    fn keyctl(dir: &std::path::Path, at: i64) -> Keyctl {
        let store = Store::open(dir.join("k.db"), Access::Write).unwrap();
        Keyctl::new(
            store,
            Config::default(),
            Clock::fixed(from_unix(at)),
            "op".into(),
        )
    }

    #[test]
    fn lifecycle_changes_record_one_event_each_in_their_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let mut kc = keyctl(dir.path(), 1_000_000);
        let scope = Scope::parse("invoices:read", &kc.config().catalog).unwrap();
        let created = kc.create(NewKey::new("a", vec![scope])).unwrap();
        let secret = created.secret.expose().to_owned();
        kc.update(
            &created.key.id,
            &KeyChanges {
                name: Some("b".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let rotated = kc.rotate(&created.key.id, None).unwrap();
        kc.revoke(&rotated.new.id, Some("done")).unwrap();
        // Failed changes record nothing.
        assert!(kc.revoke(&rotated.new.id, None).unwrap().already);
        assert!(kc.rotate(&created.key.id, None).is_err());
        let events = kc
            .events(&EventFilter {
                limit: 100,
                ..Default::default()
            })
            .unwrap();
        let kinds: Vec<&str> = events.iter().rev().map(|e| e.event.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "api_key.created",
                "api_key.updated",
                "api_key.rotated",
                "api_key.revoked"
            ]
        );
        for e in &events {
            assert!(!e.event.payload.contains(&secret));
            assert!(!e.event.payload.contains(rotated.secret.expose()));
            let v: Value = serde_json::from_str(&e.event.payload).unwrap();
            assert_eq!(v["id"], e.event.id.as_str());
            assert_eq!(v["type"], e.event.kind.as_str());
            assert_eq!(v["data"]["actor"], "op");
            assert_eq!(e.event.state, EventState::New);
        }
        let rotated_event: Value = serde_json::from_str(&events[1].event.payload).unwrap();
        assert_eq!(
            rotated_event["data"]["new_key"]["id"],
            rotated.new.id.as_str()
        );
        let updated: Value = serde_json::from_str(&events[2].event.payload).unwrap();
        assert_eq!(updated["data"]["changes"]["name"]["to"], "b");
    }

    #[test]
    fn scan_records_expiring_and_expired_once_per_key() {
        let dir = tempfile::tempdir().unwrap();
        let day = 86_400;
        let start = 1_000_000;
        let mut kc = keyctl(dir.path(), start);
        let scope = Scope::parse("invoices:read", &kc.config().catalog).unwrap();
        let mut soon = NewKey::new("soon", vec![scope.clone()]);
        soon.expires_at = Some(from_unix(start + 3 * day));
        kc.create(soon).unwrap();
        let mut later = NewKey::new("later", vec![scope.clone()]);
        later.expires_at = Some(from_unix(start + 9 * day));
        kc.create(later).unwrap();
        kc.create(NewKey::new("never", vec![scope])).unwrap();
        let mut seen = Vec::new();
        for d in 0..=10 {
            for _ in 0..2 {
                let mut kc = keyctl(dir.path(), start + d * day);
                for e in kc.scan_events().unwrap() {
                    let v: Value = serde_json::from_str(&e.payload).unwrap();
                    seen.push((
                        d,
                        e.kind,
                        v["data"]["key"]["name"].as_str().unwrap().to_owned(),
                    ));
                }
            }
        }
        let seen: Vec<(i64, &str, &str)> = seen
            .iter()
            .map(|(d, k, n)| (*d, k.as_str(), n.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (0, "api_key.expiring", "soon"),
                (2, "api_key.expiring", "later"),
                (3, "api_key.expired", "soon"),
                (9, "api_key.expired", "later"),
            ]
        );
    }
}
