//! Opening a store that must already exist (`Access::Existing`), on every
//! backend: a missing one is `Error::Missing` and nothing is created, so that
//! a service with a mistyped location fails instead of serving an empty store.

use keyctl::store::{Access, Location};
use keyctl::{Error, Store};

use crate::support::{Backend, backends};

#[test]
fn existing_access_refuses_a_missing_store_and_creates_nothing() {
    for backend in backends() {
        eprintln!("on {backend:?}");
        let dir = tempfile::tempdir().unwrap();
        let location = match backend {
            Backend::Sqlite => Location::File(dir.path().join("keys.db")),
            // A database keyctl has never written to.
            Backend::Postgres => Location::Postgres(crate::cluster::fresh_database()),
        };
        let err = Store::open(&location, Access::Existing)
            .err()
            .expect("refused");
        assert!(
            matches!(&err, Error::Missing(at) if *at == location.display()),
            "{err}"
        );
        // Nothing was created: a store that reads as empty is still not one
        // that `Existing` accepts.
        drop(Store::open(&location, Access::Read).unwrap());
        assert!(Store::open(&location, Access::Existing).is_err());
        if let Location::File(path) = &location {
            assert!(!path.exists());
        }
        drop(Store::open(&location, Access::Write).unwrap());
        let mut store = Store::open(&location, Access::Existing).unwrap();
        assert_eq!(store.read(|q| q.audit_count()).unwrap(), 0);
    }
}
