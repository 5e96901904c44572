//! Keys: a key reads back exactly as written, by each of its lookups, and
//! listings come out oldest first with the filters applied.

use keyctl::store::{Durability, KeyFilter, StatusFilter};
use keyctl::{Environment, Error, Key};

use crate::support::{at, each_backend, full_key, hash, key};

fn insert(store: &mut keyctl::Store, keys: &[(&Key, u32)]) {
    store
        .write(Durability::Full, |q| {
            for (k, n) in keys {
                q.insert_key(k, &hash(*n))?;
            }
            Ok(())
        })
        .unwrap();
}

fn listed(store: &mut keyctl::Store, filter: KeyFilter) -> Vec<String> {
    store
        .read(|q| {
            let mut ids = Vec::new();
            q.for_each_key(&filter, &mut |k| {
                ids.push(k.id);
                Ok(())
            })?;
            Ok(ids)
        })
        .unwrap()
}

#[test]
fn a_key_reads_back_exactly_by_id_hash_prefix_and_name() {
    each_backend(|store| {
        let full = full_key(1);
        let plain = key(2, 10);
        insert(store, &[(&full, 1), (&plain, 2)]);
        store
            .read(|q| {
                assert_eq!(q.key_by_id(&full.id)?.as_ref(), Some(&full));
                assert_eq!(q.key_by_id(&plain.id)?.as_ref(), Some(&plain));
                assert_eq!(q.key_by_hash(&hash(1))?.as_ref(), Some(&full));
                assert_eq!(q.key_by_hash(&hash(3))?, None);
                assert_eq!(q.keys_by_prefix(&full.prefix)?, std::slice::from_ref(&full));
                assert_eq!(q.keys_by_name(&plain.name)?, std::slice::from_ref(&plain));
                assert!(q.keys_by_name("nobody")?.is_empty());
                assert!(q.key_id_exists(&plain.id)?);
                assert!(!q.key_id_exists("key_0000000099")?);
                Ok(())
            })
            .unwrap();
    });
}

#[test]
fn keys_sharing_a_name_list_oldest_first_then_in_insertion_order() {
    each_backend(|store| {
        let mut a = key(1, 50);
        let mut b = key(2, 10);
        let mut c = key(3, 50);
        for k in [&mut a, &mut b, &mut c] {
            k.name = "shared".into();
        }
        insert(store, &[(&a, 1), (&b, 2), (&c, 3)]);
        let names = store.read(|q| q.keys_by_name("shared")).unwrap();
        let ids: Vec<&str> = names.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, [b.id.as_str(), a.id.as_str(), c.id.as_str()]);
    });
}

#[test]
fn an_id_or_a_secret_hash_is_stored_once() {
    each_backend(|store| {
        insert(store, &[(&key(1, 0), 1)]);
        let same_id = store.write(Durability::Full, |q| q.insert_key(&key(1, 5), &hash(2)));
        assert!(same_id.is_err(), "a second key with the same id was stored");
        let same_hash = store.write(Durability::Full, |q| q.insert_key(&key(2, 5), &hash(1)));
        assert!(
            same_hash.is_err(),
            "a second key with the same hash was stored"
        );
        assert!(!store.read(|q| q.key_id_exists("key_0000000002")).unwrap());
    });
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    each_backend(|store| {
        let result: keyctl::Result<()> = store.write(Durability::Full, |q| {
            q.insert_key(&key(1, 0), &hash(1))?;
            Err(Error::Storage("the command changed its mind".into()))
        });
        assert!(result.is_err());
        assert_eq!(store.read(|q| q.key_by_id("key_0000000001")).unwrap(), None);
    });
}

#[test]
fn listings_filter_by_status_environment_and_expiry() {
    each_backend(|store| {
        let now = at(1_000);
        let active = key(1, 1);
        let mut expiring = key(2, 2);
        expiring.expires_at = Some(at(5_000));
        let mut expired = key(3, 3);
        expired.expires_at = Some(at(500));
        let mut revoked = key(4, 4);
        revoked.revoked_at = Some(at(600));
        let mut test_env = key(5, 5);
        test_env.environment = Environment::Test;
        insert(
            store,
            &[
                (&active, 1),
                (&expiring, 2),
                (&expired, 3),
                (&revoked, 4),
                (&test_env, 5),
            ],
        );
        let filter = |status| KeyFilter {
            status,
            environment: None,
            expires_before: None,
            now,
        };
        let ids =
            |ns: &[u32]| -> Vec<String> { ns.iter().map(|n| format!("key_{n:010}")).collect() };
        assert_eq!(
            listed(store, filter(StatusFilter::NotRevoked)),
            ids(&[1, 2, 3, 5])
        );
        assert_eq!(listed(store, filter(StatusFilter::Active)), ids(&[1, 2, 5]));
        assert_eq!(listed(store, filter(StatusFilter::Expired)), ids(&[3]));
        assert_eq!(listed(store, filter(StatusFilter::Revoked)), ids(&[4]));
        assert_eq!(
            listed(store, filter(StatusFilter::All)),
            ids(&[1, 2, 3, 4, 5])
        );
        let test_only = KeyFilter {
            environment: Some(Environment::Test),
            ..filter(StatusFilter::All)
        };
        assert_eq!(listed(store, test_only), ids(&[5]));
        // Expiring before an instant: still valid now, gone by then.
        let soon = KeyFilter {
            expires_before: Some(at(6_000)),
            ..filter(StatusFilter::All)
        };
        assert_eq!(listed(store, soon), ids(&[2]));
    });
}

#[test]
fn an_update_writes_back_every_field_that_may_change() {
    each_backend(|store| {
        let old = key(1, 0);
        let new = key(2, 5);
        insert(store, &[(&old, 1), (&new, 2)]);
        let changed = Key {
            id: old.id.clone(),
            prefix: old.prefix.clone(),
            created_at: old.created_at,
            created_by: old.created_by.clone(),
            environment: old.environment,
            scopes: old.scopes.clone(),
            replaced_by: Some(new.id.clone()),
            ..full_key(1)
        };
        store
            .write(Durability::Full, |q| q.update_key(&changed))
            .unwrap();
        assert_eq!(
            store.read(|q| q.key_by_id(&old.id)).unwrap(),
            Some(changed.clone())
        );
        let missing = key(9, 0);
        let err = store
            .write(Durability::Full, |q| q.update_key(&missing))
            .unwrap_err();
        assert!(matches!(err, Error::KeyNotFound(id) if id == missing.id));
    });
}

#[test]
fn the_plan_counts_keys_that_are_live_and_not_being_replaced() {
    each_backend(|store| {
        let now = at(1_000);
        let active = key(1, 0);
        let mut expired = key(2, 0);
        expired.expires_at = Some(at(999));
        let mut revoked = key(3, 0);
        revoked.revoked_at = Some(at(10));
        let mut replaced = key(4, 0);
        replaced.replaced_by = Some(active.id.clone());
        let mut expiring_later = key(5, 0);
        expiring_later.expires_at = Some(at(1_001));
        insert(
            store,
            &[
                (&active, 1),
                (&expired, 2),
                (&revoked, 3),
                (&replaced, 4),
                (&expiring_later, 5),
            ],
        );
        assert_eq!(store.peek(|q| q.count_plan_keys(now)).unwrap(), 2);
    });
}
