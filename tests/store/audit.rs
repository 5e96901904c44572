//! The audit trail: entries read back as stored, in sequence order for the
//! chain and newest first, filtered and limited, for a listing; the trail's
//! request entries leave out refused verifications.

use keyctl::store::{AuditQuery, AuditRow, Durability, RequestRecord, Source};

use crate::support::{at, each_backend, hash, key, request};

/// An entry of `action` by `actor` at `at(secs)`, numbered `seq`.
fn entry(seq: i64, secs: i64, action: &str, actor: &str, key: Option<&str>) -> AuditRow {
    let verification = action == "key.verified";
    AuditRow {
        seq,
        ts: at(secs),
        actor: actor.into(),
        action: action.into(),
        key_id: key.map(str::to_owned),
        key_prefix: key.map(|_| "sk_live_00000001".to_owned()),
        details: format!("{{\"n\":{seq}}}"),
        status: verification.then_some(if seq % 2 == 0 { 401 } else { 403 }),
        path: verification.then(|| format!("/v{}/invoices", seq % 3)),
        prev_hash: format!("{:064x}", seq - 1),
        hash: format!("{seq:064x}"),
    }
}

/// The trail most tests read: a key's lifecycle, two operators, and
/// verification events with statuses and paths.
fn trail() -> Vec<AuditRow> {
    let k = Some("key_0000000001");
    vec![
        entry(1, 10, "key.created", "alice", k),
        entry(2, 20, "key.verified", "gateway", k),
        entry(3, 20, "key.verified", "gateway", k),
        entry(4, 30, "key.updated", "bob", k),
        entry(5, 40, "key.verified", "gateway", k),
        entry(6, 50, "key.verified", "gateway", None),
        entry(7, 60, "key.revoked", "alice", k),
    ]
}

fn seqs(rows: &[AuditRow]) -> Vec<i64> {
    rows.iter().map(|r| r.seq).collect()
}

fn stored_trail(store: &mut keyctl::Store) -> Vec<AuditRow> {
    let rows = trail();
    store
        .write(Durability::Full, |q| {
            q.insert_key(&key(1, 0), &hash(1))?;
            for r in &rows {
                q.insert_audit(r)?;
            }
            Ok(())
        })
        .unwrap();
    rows
}

#[test]
fn the_chain_reads_back_in_sequence_order_with_its_tail() {
    each_backend(|store| {
        assert_eq!(store.read(|q| q.audit_tail()).unwrap(), None);
        assert_eq!(store.read(|q| q.audit_count()).unwrap(), 0);
        let rows = stored_trail(store);
        store
            .read(|q| {
                assert_eq!(q.audit_tail()?, Some((7, rows[6].hash.clone())));
                assert_eq!(q.audit_count()?, 7);
                let mut all = Vec::new();
                q.for_each_audit(&mut |r| {
                    all.push(r);
                    Ok(())
                })?;
                assert_eq!(all, rows);
                Ok(())
            })
            .unwrap();
    });
}

#[test]
fn a_listing_is_newest_first_filtered_and_limited() {
    each_backend(|store| {
        stored_trail(store);
        let base = AuditQuery {
            limit: 50,
            ..AuditQuery::default()
        };
        let mut listed = |q: AuditQuery| seqs(&store.read(|s| s.audit_events(&q)).unwrap());
        assert_eq!(listed(base.clone()), [7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(
            listed(AuditQuery {
                limit: 3,
                ..base.clone()
            }),
            [7, 6, 5]
        );
        assert_eq!(
            listed(AuditQuery {
                key_id: Some("key_0000000001".into()),
                ..base.clone()
            }),
            [7, 5, 4, 3, 2, 1]
        );
        assert_eq!(
            listed(AuditQuery {
                actor: Some("alice".into()),
                ..base.clone()
            }),
            [7, 1]
        );
        // Several actions; `request` filters no event.
        assert_eq!(
            listed(AuditQuery {
                actions: vec!["key.revoked".into(), "request".into(), "key.created".into()],
                ..base.clone()
            }),
            [7, 1]
        );
        assert_eq!(
            listed(AuditQuery {
                since: Some(at(20)),
                until: Some(at(50)),
                ..base.clone()
            }),
            [5, 4, 3, 2]
        );
        assert_eq!(
            listed(AuditQuery {
                status: Some((401, 401)),
                ..base.clone()
            }),
            [6, 2]
        );
        // A status class, merged across its codes and cut to the limit.
        assert_eq!(
            listed(AuditQuery {
                status: Some((400, 499)),
                limit: 3,
                ..base.clone()
            }),
            [6, 5, 3]
        );
        assert_eq!(
            listed(AuditQuery {
                path_prefix: Some("/v2/".into()),
                ..base.clone()
            }),
            [5, 2]
        );
        assert_eq!(
            listed(AuditQuery {
                status: Some((400, 499)),
                actions: vec!["key.verified".into(), "key.created".into()],
                path_prefix: Some("/v0".into()),
                ..base
            }),
            [6, 3]
        );
    });
}

#[test]
fn trail_requests_leave_out_refused_verifications() {
    each_backend(|store| {
        let id = Some("key_0000000001");
        let mut ingested = request(id, 40, 404);
        ingested.source = Source::Ingest;
        ingested.outcome = None;
        let mut other_actor = request(id, 50, 200);
        other_actor.actor = Some("bob".into());
        let rows: Vec<RequestRecord> = vec![
            request(id, 10, 200),
            request(id, 20, 401),
            request(None, 30, 401),
            ingested,
            other_actor,
            request(id, 60, 200),
        ];
        store
            .write(Durability::Normal, |q| {
                q.insert_key(&key(1, 0), &hash(1))?;
                for r in &rows {
                    q.insert_request(r)?;
                }
                Ok(())
            })
            .unwrap();
        let base = AuditQuery {
            limit: 50,
            ..AuditQuery::default()
        };
        let mut listed = |q: AuditQuery| -> Vec<RequestRecord> {
            let found = store.read(|s| s.trail_requests(&q)).unwrap();
            // Sequence numbers count up in insertion order.
            assert!(found.windows(2).all(|w| w[0].0 > w[1].0), "{found:?}");
            found.into_iter().map(|(_, r)| r).collect()
        };
        let kept =
            |is: &[usize]| -> Vec<RequestRecord> { is.iter().map(|i| rows[*i].clone()).collect() };
        assert_eq!(listed(base.clone()), kept(&[5, 4, 3, 0]));
        assert_eq!(
            listed(AuditQuery {
                limit: 2,
                ..base.clone()
            }),
            kept(&[5, 4])
        );
        assert_eq!(
            listed(AuditQuery {
                status: Some((400, 499)),
                ..base.clone()
            }),
            kept(&[3])
        );
        assert_eq!(
            listed(AuditQuery {
                actor: Some("bob".into()),
                // Actions filter events only.
                actions: vec!["key.created".into(), "key.revoked".into()],
                ..base.clone()
            }),
            kept(&[4])
        );
        assert_eq!(
            listed(AuditQuery {
                key_id: Some("key_0000000001".into()),
                since: Some(at(10)),
                until: Some(at(60)),
                path_prefix: Some("/v1/inv".into()),
                ..base
            }),
            kept(&[4, 3, 0])
        );
    });
}
