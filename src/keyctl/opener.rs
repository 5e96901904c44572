//! [`Opener`]: what a service keeps to make a [`Keyctl`] wherever one is
//! needed: for each worker thread, for each slot of a pool, or once for a
//! `Mutex<Keyctl>`.
//!
//! A `Keyctl` owns one store connection. It is `Send` (it can move to a
//! worker) but not `Sync`: a SQLite connection serves one thread at a time.
//! So the part threads share is the opener: the location, the settings, the
//! clock and the operator, `Clone + Send + Sync` and holding no connection,
//! so it can sit in an `Arc`, a static or a server's state, never go stale,
//! and open a fresh `Keyctl` after a failed one is dropped. Each `Keyctl` it
//! opens is as safe beside the others as another process would be: writers
//! queue on the store's write lock, and limits stay exact because each write
//! takes the lock before it reads a counter. Its access defaults to
//! [`Access::Existing`], so that a mistyped path fails when the service
//! opens its first `Keyctl` instead of refusing every key.

use std::sync::Arc;

use super::Keyctl;
use crate::config::Config;
use crate::error::Result;
use crate::store::{Access, Location, Store};
use crate::time::Clock;

/// Opens a [`Keyctl`] per worker over one store. Cheap to clone: the
/// settings are shared, not copied, until a `Keyctl` is opened.
#[derive(Debug, Clone)]
pub struct Opener {
    shared: Arc<Shared>,
    access: Access,
}

#[derive(Debug)]
struct Shared {
    location: Location,
    config: Config,
    clock: Clock,
    actor: String,
}

impl Opener {
    /// An opener for the store at `location` (a `&Path` is a SQLite file; a
    /// `&str` may be a `postgres://` URL), acting as `actor`. It opens with
    /// [`Access::Existing`]: the store must already exist.
    #[must_use]
    pub fn new(
        location: impl Into<Location>,
        config: Config,
        clock: Clock,
        actor: impl Into<String>,
    ) -> Opener {
        Opener {
            shared: Arc::new(Shared {
                location: location.into(),
                config,
                clock,
                actor: actor.into(),
            }),
            access: Access::Existing,
        }
    }

    /// The same opener with another access, such as [`Access::Write`] for a
    /// tool that may create the store.
    #[must_use]
    pub fn with_access(mut self, access: Access) -> Opener {
        self.access = access;
        self
    }

    #[must_use]
    pub fn location(&self) -> &Location {
        &self.shared.location
    }

    #[must_use]
    pub fn access(&self) -> Access {
        self.access
    }

    /// Opens a new [`Keyctl`] with its own connection to the store. A
    /// missing store is [`Error::Missing`](crate::Error::Missing) with
    /// [`Access::Existing`]; the operator's name is checked here.
    pub fn open(&self) -> Result<Keyctl> {
        let s = &*self.shared;
        crate::role::validate_actor(&s.actor)?;
        let store = Store::open_location(&s.location, self.access)?;
        Ok(Keyctl::new(
            store,
            s.config.clone(),
            s.clock,
            s.actor.clone(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compile-time checks: these fail to build, not at run time.
    #[test]
    fn keyctl_moves_between_threads_and_the_opener_is_shared() {
        fn assert_send<T: Send>() {}
        fn assert_shared<T: Clone + Send + Sync + 'static>() {}
        assert_send::<Keyctl>();
        assert_shared::<Opener>();
    }

    #[test]
    fn an_opener_refuses_a_missing_store_until_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.db");
        let opener = Opener::new(&path, Config::default(), Clock::system(), "svc");
        assert_eq!(opener.access(), Access::Existing);
        assert!(matches!(opener.open(), Err(crate::Error::Missing(_))));
        assert!(!path.exists());
        let creator = opener.clone().with_access(Access::Write);
        creator.open().unwrap();
        assert!(opener.open().is_ok());
    }

    #[test]
    fn an_opener_checks_the_operator_name() {
        let dir = tempfile::tempdir().unwrap();
        let opener = Opener::new(
            dir.path().join("k.db"),
            Config::default(),
            Clock::system(),
            "",
        )
        .with_access(Access::Write);
        assert!(opener.open().is_err());
    }

    /// Eight workers, each with its own `Keyctl` from one opener, verify one
    /// key limited to 25 calls a minute: exactly 25 calls are `VALID`, and
    /// every call is recorded.
    #[test]
    fn eight_threads_consume_a_rate_limit_exactly() {
        use crate::audit::{AuditFilter, action};
        use crate::keyctl::NewKey;
        use crate::scope::Scope;
        use crate::verify::{Outcome, VerifyRequest};

        const THREADS: usize = 8;
        const ATTEMPTS: usize = 20;
        const LIMIT: usize = 25;
        let dir = tempfile::tempdir().unwrap();
        // One fixed minute, so that every call falls in one window.
        let clock = Clock::fixed(crate::time::from_unix(1_800_000_000));
        let opener = Opener::new(dir.path().join("k.db"), Config::default(), clock, "svc")
            .with_access(Access::Write);
        let mut setup = opener.open().unwrap();
        let mut new = NewKey::new("limited", vec![Scope::All]);
        new.rate_limit = Some(format!("{LIMIT}/min").parse().unwrap());
        let secret = setup.create(new).unwrap().secret.expose().to_owned();

        let outcomes: Vec<Outcome> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..THREADS)
                .map(|_| {
                    let opener = opener.clone();
                    let secret = &secret;
                    s.spawn(move || {
                        let mut kc = opener.open().unwrap();
                        let request = VerifyRequest::http("GET", "/v1/invoices");
                        (0..ATTEMPTS)
                            .map(|_| kc.verify(secret, &request).unwrap().outcome)
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        });
        let valid = outcomes.iter().filter(|o| o.is_valid()).count();
        let limited = outcomes
            .iter()
            .filter(|o| **o == Outcome::RateLimited)
            .count();
        assert_eq!(valid, LIMIT);
        assert_eq!(limited, THREADS * ATTEMPTS - LIMIT);

        let filter = AuditFilter {
            actions: vec![action::VERIFY_LIMITED.to_owned()],
            limit: 1000,
            ..AuditFilter::default()
        };
        assert_eq!(setup.audit(&filter).unwrap().len(), limited);
        let window = crate::usage::Window::last_days(clock.now(), 1);
        let totals = setup.usage_all(window).unwrap();
        assert_eq!(totals[0].requests, (THREADS * ATTEMPTS) as u64);
    }
}
