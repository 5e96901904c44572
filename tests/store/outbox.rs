//! The outbox: events read back as stored, listings newest first, an
//! event's state follows its deliveries, and the next due delivery is the
//! one due first.

use keyctl::store::{DeliveryRow, DeliveryState, Durability, EventQuery, EventRow, EventState};

use crate::support::{at, each_backend, hash, key};

fn event(n: u32, kind: &str, state: EventState) -> EventRow {
    EventRow {
        seq: 0,
        id: format!("evt_{n:06}"),
        kind: kind.into(),
        ts: at(i64::from(n)),
        key_id: Some("key_0000000001".into()),
        key_expires_at: None,
        payload: format!("{{\"type\":\"{kind}\",\"n\":{n}}}"),
        state,
    }
}

/// Stores `events` after key 1, returning them with their sequence numbers.
fn stored(store: &mut keyctl::Store, events: Vec<EventRow>) -> Vec<EventRow> {
    store
        .write(Durability::Full, |q| {
            q.insert_key(&key(1, 0), &hash(1))?;
            events
                .into_iter()
                .map(|mut e| {
                    e.seq = q.insert_event(&e)?;
                    Ok(e)
                })
                .collect()
        })
        .unwrap()
}

#[test]
fn an_event_reads_back_by_id_and_sequence_number() {
    each_backend(|store| {
        let mut scan = event(2, "api_key.expiring", EventState::New);
        scan.key_expires_at = Some(at(86_400));
        scan.key_id = None;
        let events = stored(
            store,
            vec![event(1, "api_key.created", EventState::New), scan],
        );
        assert!(events[1].seq > events[0].seq, "{events:?}");
        store
            .read(|q| {
                for e in &events {
                    assert_eq!(q.event_by_id(&e.id)?.as_ref(), Some(e));
                    assert_eq!(q.event_by_seq(e.seq)?.as_ref(), Some(e));
                    assert!(q.event_id_exists(&e.id)?);
                }
                assert_eq!(q.event_by_id("evt_999999")?, None);
                assert_eq!(q.event_by_seq(events[1].seq + 1)?, None);
                assert!(!q.event_id_exists("evt_999999")?);
                Ok(())
            })
            .unwrap();
    });
}

#[test]
fn listings_are_newest_first_by_state_and_kind() {
    each_backend(|store| {
        let events = stored(
            store,
            vec![
                event(1, "api_key.created", EventState::Delivered),
                event(2, "api_key.updated", EventState::Pending),
                event(3, "api_key.created", EventState::Dead),
                event(4, "api_key.revoked", EventState::New),
                event(5, "api_key.created", EventState::Pending),
            ],
        );
        let ids =
            |ns: &[usize]| -> Vec<String> { ns.iter().map(|n| events[*n].id.clone()).collect() };
        let mut listed = |states: Vec<EventState>, kind: Option<&str>, limit| -> Vec<String> {
            let q = EventQuery {
                states,
                kind: kind.map(str::to_owned),
                limit,
            };
            store
                .read(|s| s.events(&q))
                .unwrap()
                .into_iter()
                .map(|e| e.id)
                .collect()
        };
        assert_eq!(listed(vec![], None, 10), ids(&[4, 3, 2, 1, 0]));
        assert_eq!(listed(vec![], None, 2), ids(&[4, 3]));
        assert_eq!(listed(vec![EventState::Pending], None, 10), ids(&[4, 1]));
        assert_eq!(
            listed(vec![EventState::Dead, EventState::Pending], None, 10),
            ids(&[4, 2, 1])
        );
        assert_eq!(
            listed(vec![EventState::Dead, EventState::Pending], None, 2),
            ids(&[4, 2])
        );
        assert_eq!(listed(vec![], Some("api_key.created"), 10), ids(&[4, 2, 0]));
        assert_eq!(
            listed(
                vec![EventState::Delivered, EventState::Dead],
                Some("api_key.created"),
                10
            ),
            ids(&[2, 0])
        );
    });
}

#[test]
fn an_event_state_follows_its_deliveries() {
    each_backend(|store| {
        let events = stored(store, vec![event(1, "api_key.created", EventState::New)]);
        let seq = events[0].seq;
        let state = |store: &mut keyctl::Store| {
            store
                .read(|q| q.event_by_seq(seq))
                .unwrap()
                .map(|e| e.state)
        };
        let refresh = |store: &mut keyctl::Store, deliveries: &[DeliveryRow]| {
            store
                .write(Durability::Normal, |q| {
                    for d in deliveries {
                        q.put_delivery(d)?;
                    }
                    q.refresh_event_state(seq)
                })
                .unwrap();
        };
        refresh(store, &[]);
        assert_eq!(state(store), Some(EventState::Skipped));
        let hook = DeliveryRow::pending(seq, "hook", at(100));
        let web = DeliveryRow::pending(seq, "audit-webhook", at(100));
        refresh(store, &[hook.clone(), web.clone()]);
        assert_eq!(state(store), Some(EventState::Pending));
        let dead = DeliveryRow {
            state: DeliveryState::Dead,
            attempts: 5,
            interrupted: 1,
            last_attempt_at: Some(at(200)),
            last_error: Some("HTTP 500 from the destination".into()),
            ..web.clone()
        };
        refresh(store, std::slice::from_ref(&dead));
        assert_eq!(state(store), Some(EventState::Pending));
        let delivered = DeliveryRow {
            state: DeliveryState::Delivered,
            attempts: 1,
            delivered_at: Some(at(150)),
            last_attempt_at: Some(at(150)),
            ..hook.clone()
        };
        refresh(store, std::slice::from_ref(&delivered));
        assert_eq!(state(store), Some(EventState::Dead));
        // A replaced delivery reads back whole, by destination name.
        assert_eq!(
            store.read(|q| q.deliveries_of(seq)).unwrap(),
            [dead.clone(), delivered.clone()]
        );
        let retried = DeliveryRow {
            state: DeliveryState::Delivered,
            delivered_at: Some(at(300)),
            ..dead
        };
        refresh(store, &[retried]);
        assert_eq!(state(store), Some(EventState::Delivered));
        store
            .write(Durability::Normal, |q| {
                q.set_event_state(seq, EventState::New)
            })
            .unwrap();
        assert_eq!(state(store), Some(EventState::New));
    });
}

#[test]
fn the_next_due_delivery_is_the_one_due_first() {
    each_backend(|store| {
        let events = stored(
            store,
            vec![
                event(1, "api_key.created", EventState::Pending),
                event(2, "api_key.revoked", EventState::Pending),
            ],
        );
        let (first, second) = (events[0].seq, events[1].seq);
        let claimed = DeliveryRow {
            claimed_until: Some(at(500)),
            attempts: 1,
            next_at: at(500),
            ..DeliveryRow::pending(first, "b-hook", at(0))
        };
        let done = DeliveryRow {
            state: DeliveryState::Delivered,
            ..DeliveryRow::pending(first, "a-hook", at(10))
        };
        let rows = [
            claimed,
            done,
            DeliveryRow::pending(second, "z-hook", at(200)),
            DeliveryRow::pending(second, "a-hook", at(200)),
            DeliveryRow::pending(first, "c-hook", at(300)),
        ];
        store
            .write(Durability::Normal, |q| {
                for d in &rows {
                    q.put_delivery(d)?;
                }
                Ok(())
            })
            .unwrap();
        let next = |store: &mut keyctl::Store, now, event| {
            store
                .read(|q| q.next_due_delivery(at(now), event))
                .unwrap()
                .map(|d| (d.event_seq, d.destination))
        };
        assert_eq!(next(store, 100, None), None);
        // Equal due times: by event, then destination.
        assert_eq!(next(store, 250, None), Some((second, "a-hook".into())));
        assert_eq!(next(store, 1_000, None), Some((second, "a-hook".into())));
        assert_eq!(
            next(store, 1_000, Some(first)),
            Some((first, "c-hook".into()))
        );
        assert_eq!(next(store, 250, Some(first)), None);
        assert_eq!(
            store
                .read(|q| q.next_due_delivery(at(600), Some(first)))
                .unwrap(),
            Some(DeliveryRow::pending(first, "c-hook", at(300)))
        );
    });
}

#[test]
fn expiry_events_are_found_once_per_key_and_expiry() {
    each_backend(|store| {
        let mut soon = key(1, 0);
        soon.expires_at = Some(at(1_000));
        let mut later = key(2, 1);
        later.expires_at = Some(at(9_000));
        let mut revoked = key(3, 2);
        revoked.expires_at = Some(at(500));
        revoked.revoked_at = Some(at(100));
        let mut first = key(4, 3);
        first.expires_at = Some(at(200));
        let never = key(5, 4);
        store
            .write(Durability::Full, |q| {
                for (n, k) in [&soon, &later, &revoked, &first, &never].iter().enumerate() {
                    q.insert_key(k, &hash(u32::try_from(n).unwrap()))?;
                }
                Ok(())
            })
            .unwrap();
        let awaiting = |store: &mut keyctl::Store| -> Vec<String> {
            store
                .read(|q| q.keys_awaiting_expiry_events(at(5_000), "api_key.expired"))
                .unwrap()
                .into_iter()
                .map(|k| k.id)
                .collect()
        };
        // Soonest expiry first.
        assert_eq!(awaiting(store), [first.id.clone(), soon.id.clone()]);
        let mut expired = event(7, "api_key.expired", EventState::New);
        expired.key_id = Some(soon.id.clone());
        expired.key_expires_at = soon.expires_at;
        let mut warned = event(8, "api_key.expiring", EventState::New);
        warned.key_id = Some(first.id.clone());
        warned.key_expires_at = first.expires_at;
        store
            .write(Durability::Normal, |q| {
                q.insert_event(&expired)?;
                q.insert_event(&warned)
            })
            .unwrap();
        assert_eq!(awaiting(store), [first.id.clone()]);
        store
            .read(|q| {
                assert!(q.scan_event_exists(&soon.id, "api_key.expired", at(1_000))?);
                assert!(!q.scan_event_exists(&soon.id, "api_key.expired", at(1_001))?);
                assert!(!q.scan_event_exists(&soon.id, "api_key.expiring", at(1_000))?);
                assert!(q.scan_event_exists(&first.id, "api_key.expiring", at(200))?);
                Ok(())
            })
            .unwrap();
        // A new expiry is a new occasion.
        soon.expires_at = Some(at(2_000));
        store
            .write(Durability::Full, |q| q.update_key(&soon))
            .unwrap();
        assert_eq!(awaiting(store), [first.id.clone(), soon.id.clone()]);
    });
}
