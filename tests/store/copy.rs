//! Copies for `keyctl migrate`: every table comes out in its stored order
//! and goes into an empty store exactly as it was, sequence numbers
//! included, from any backend under test to any other.

use keyctl::store::{
    AuditRow, CopyRecord, CopyTable, Counter, DeliveryRow, Durability, EventRow, EventState, Source,
};

use crate::support::{Backend, DAY, at, backends, fresh, full_key, hash, key, request};

/// Fills `store` with rows in every table, some with gaps in their
/// sequence numbers, and rotation links between keys.
fn fill(store: &mut keyctl::Store) {
    store
        .write(Durability::Full, |q| {
            let old = full_key(1);
            let mut new = key(2, 100);
            new.rotated_from = Some(old.id.clone());
            q.insert_key(&key(3, 50), &hash(3))?;
            q.insert_key(&old, &hash(1))?;
            q.insert_key(&new, &hash(2))?;
            q.update_key(&keyctl::Key {
                replaced_by: Some(new.id.clone()),
                ..old
            })?;
            let mut ingested = request(Some("key_0000000002"), 70, 404);
            ingested.source = Source::Ingest;
            ingested.outcome = None;
            for r in [
                request(Some("key_0000000001"), 10, 200),
                request(None, 20, 401),
                ingested,
            ] {
                q.insert_request(&r)?;
            }
            q.add_daily("key_0000000001", DAY, 200, 3)?;
            q.add_daily("key_0000000002", DAY, 404, 1)?;
            q.add_endpoint("key_0000000001", DAY, "GET /v1/invoices/:id", 3)?;
            q.put_counter(
                "*",
                "plan_calls",
                Counter {
                    window_start: 1_000,
                    count: 4,
                },
            )?;
            for seq in [1, 2, 5] {
                q.insert_audit(&AuditRow {
                    seq,
                    ts: at(seq),
                    actor: "alice".into(),
                    action: "key.created".into(),
                    key_id: Some("key_0000000001".into()),
                    key_prefix: Some("sk_live_00000001".into()),
                    details: "{}".into(),
                    status: None,
                    path: None,
                    prev_hash: format!("{:064x}", seq - 1),
                    hash: format!("{seq:064x}"),
                })?;
            }
            let mut seqs = Vec::new();
            for (n, state) in [(1, EventState::Delivered), (2, EventState::Pending)] {
                seqs.push(q.insert_event(&EventRow {
                    seq: 0,
                    id: format!("evt_{n:06}"),
                    kind: "api_key.created".into(),
                    ts: at(n),
                    key_id: Some("key_0000000001".into()),
                    key_expires_at: (n == 2).then(|| at(9_000)),
                    payload: "{}".into(),
                    state,
                })?);
            }
            q.put_delivery(&DeliveryRow::pending(seqs[1], "hook", at(5)))?;
            q.put_delivery(&DeliveryRow {
                last_error: Some("HTTP 503".into()),
                attempts: 2,
                ..DeliveryRow::pending(seqs[0], "webhook", at(9))
            })
        })
        .unwrap();
}

/// Every row of every table, as `copy_out` streams them.
fn dump(store: &mut keyctl::Store) -> Vec<(CopyTable, u64, Vec<CopyRecord>)> {
    store
        .read(|q| {
            let mut all = Vec::new();
            for table in CopyTable::ALL {
                let mut rows = Vec::new();
                q.copy_out(table, &mut |r| {
                    rows.push(r);
                    Ok(())
                })?;
                all.push((table, q.copy_count(table)?, rows));
            }
            Ok(all)
        })
        .unwrap()
}

/// Copies `source` into `target` as `keyctl migrate` does.
fn copy(source: &mut keyctl::Store, target: &mut keyctl::Store) {
    source
        .read(|from| {
            target.write(Durability::Full, |to| {
                for table in CopyTable::ALL {
                    from.copy_out(table, &mut |record| to.copy_in(&record))?;
                }
                from.copy_out(CopyTable::Keys, &mut |record| match record {
                    CopyRecord::Key { key, .. } => to.update_key(&key),
                    _ => Ok(()),
                })?;
                to.copy_finish()
            })
        })
        .unwrap();
}

fn pairs() -> Vec<(Backend, Backend)> {
    let all = backends();
    all.iter()
        .flat_map(|a| all.iter().map(move |b| (*a, *b)))
        .collect()
}

#[test]
fn a_copy_holds_every_row_exactly_as_the_source() {
    for (from, to) in pairs() {
        eprintln!("from {from:?} to {to:?}");
        let mut source = fresh(from);
        let mut target = fresh(to);
        fill(&mut source.store);
        let original = dump(&mut source.store);
        for (table, count, rows) in &original {
            assert_eq!(*count, rows.len() as u64, "{table:?}");
            assert!(!rows.is_empty(), "the source has no {table:?}");
        }
        copy(&mut source.store, &mut target.store);
        assert_eq!(dump(&mut target.store), original);
    }
}

#[test]
fn after_a_copy_new_rows_are_numbered_after_the_copied_ones() {
    for (from, to) in pairs() {
        eprintln!("from {from:?} to {to:?}");
        let mut source = fresh(from);
        let mut target = fresh(to);
        fill(&mut source.store);
        let last = |store: &mut keyctl::Store, table| {
            dump(store)
                .into_iter()
                .find(|(t, _, _)| *t == table)
                .and_then(|(_, _, rows)| rows.last().cloned())
        };
        let last_key = last(&mut source.store, CopyTable::Keys);
        let last_event = last(&mut source.store, CopyTable::Events);
        copy(&mut source.store, &mut target.store);
        let seq = target
            .store
            .write(Durability::Full, |q| {
                q.insert_key(&key(9, 900), &hash(9))?;
                q.insert_request(&request(None, 900, 401))?;
                q.insert_event(&EventRow {
                    seq: 0,
                    id: "evt_000009".into(),
                    kind: "api_key.created".into(),
                    ts: at(900),
                    key_id: None,
                    key_expires_at: None,
                    payload: "{}".into(),
                    state: EventState::New,
                })
            })
            .unwrap();
        let Some(CopyRecord::Event(copied)) = last_event else {
            panic!("no event in the source");
        };
        assert_eq!(seq, copied.seq + 1);
        let (Some(CopyRecord::Key { seq: before, .. }), Some(CopyRecord::Key { seq: after, .. })) =
            (last_key, last(&mut target.store, CopyTable::Keys))
        else {
            panic!("no key");
        };
        assert_eq!(after, before + 1);
        let Some(CopyRecord::Request {
            seq: request_seq, ..
        }) = last(&mut target.store, CopyTable::Requests)
        else {
            panic!("no request");
        };
        assert_eq!(request_seq, 4);
    }
}
