//! Role grants: one per operator, replaced by a new grant, read back as
//! stored and by operator name, and looked up in one call that tells the
//! operator's grant, the `"*"` grant and whether any grant exists.

use keyctl::role::Role;
use keyctl::store::{Durability, RoleGrant, RoleLookup};

use crate::support::{at, each_backend};

fn grant(operator: &str, role: Role, secs: i64) -> RoleGrant {
    RoleGrant {
        operator: operator.into(),
        role,
        granted_at: at(secs),
        granted_by: "alice".into(),
    }
}

#[test]
fn an_empty_store_has_no_grant_and_everyone_is_an_owner() {
    each_backend(|store| {
        let lookup = store.read(|q| q.role_lookup("anyone")).unwrap();
        assert_eq!(lookup, RoleLookup::default());
        assert_eq!(lookup.role(), Some(Role::Owner));
        assert!(store.read(|q| q.role_grants()).unwrap().is_empty());
    });
}

#[test]
fn grants_read_back_by_operator_and_a_new_grant_replaces_the_old() {
    each_backend(|store| {
        store
            .write(Durability::Full, |q| {
                q.put_role_grant(&grant("bob", Role::Member, 10))?;
                q.put_role_grant(&grant("*", Role::Member, 20))?;
                q.put_role_grant(&grant("alice", Role::Owner, 30))?;
                q.put_role_grant(&grant("bob", Role::Admin, 40))
            })
            .unwrap();
        let grants = store.read(|q| q.role_grants()).unwrap();
        assert_eq!(
            grants,
            [
                grant("*", Role::Member, 20),
                grant("alice", Role::Owner, 30),
                grant("bob", Role::Admin, 40),
            ]
        );
        let lookup =
            |store: &mut keyctl::Store, who: &str| store.peek(|q| q.role_lookup(who)).unwrap();
        let bob = lookup(store, "bob");
        assert_eq!(
            bob,
            RoleLookup {
                own: Some(Role::Admin),
                everyone: Some(Role::Member),
                any: true
            }
        );
        assert_eq!(lookup(store, "carol").role(), Some(Role::Member));
        // Names are compared exactly: no case folding, no collation.
        assert_eq!(lookup(store, "Bob").own, None);
    });
}

#[test]
fn a_revoked_grant_is_gone_and_a_missing_one_is_reported() {
    each_backend(|store| {
        store
            .write(Durability::Full, |q| {
                q.put_role_grant(&grant("alice", Role::Owner, 0))
            })
            .unwrap();
        let removed = store
            .write(Durability::Full, |q| {
                Ok((q.delete_role_grant("alice")?, q.delete_role_grant("alice")?))
            })
            .unwrap();
        assert_eq!(removed, (true, false));
        assert_eq!(
            store.read(|q| q.role_lookup("alice")).unwrap(),
            RoleLookup::default()
        );
    });
}

#[test]
fn a_failed_transaction_keeps_no_grant() {
    each_backend(|store| {
        let failed: keyctl::Result<()> = store.write(Durability::Full, |q| {
            q.put_role_grant(&grant("alice", Role::Owner, 0))?;
            Err(keyctl::Error::Storage("stop".into()))
        });
        assert!(failed.is_err());
        assert!(store.read(|q| q.role_grants()).unwrap().is_empty());
    });
}
