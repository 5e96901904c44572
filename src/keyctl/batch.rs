//! Group commit on [`Keyctl`]: many recorded verifications in one write
//! transaction, for a server whose clients arrive together.
//!
//! Each verification in a batch is exactly the one [`Keyctl::verify`] makes
//! (the same decision in [`crate::verify::evaluate`], the same recording in
//! [`crate::verify::record`]), run one after the other inside a single
//! transaction of recorded verifications that names every presented key
//! ([`crate::store::Store::write_verifications`]): it holds the write lock
//! on SQLite, and on PostgreSQL the locks of those keys, taken together
//! when it begins, so two batches never wait on each other in a cycle.
//! Limits therefore stay exact: the second verification of a key in a batch
//! sees the counter the first one advanced, and no other transaction touches
//! that key's counters meanwhile. The rollups and last uses of the batch are
//! written once per row at its end ([`crate::verify::Tally`]). Either the
//! whole batch commits or none of it does, so a caller
//! answers its clients only after [`Keyctl::verify_batch`] has returned `Ok`.
//! The operator's role is checked once per batch.

use super::Keyctl;
use crate::error::Result;
use crate::role::Role;
use crate::secret::{Secret, SecretHash};
use crate::store::{Durability, Verifying};
use crate::verify::{self, Verification, VerifyRequest};

/// One verification of a batch: the presented secret and what it asks.
#[derive(Debug, Clone)]
pub struct Presented {
    /// The secret as the client sent it (never stored, never logged).
    pub secret: String,
    pub request: VerifyRequest,
}

impl Keyctl {
    /// Verifies and records every item of `batch` in one write transaction,
    /// in order. The outer `Err` is the transaction's (nothing of the batch
    /// was written); an inner `Err` is that item's own request built wrong (a
    /// method without a path, or the reverse), neither decided nor recorded.
    /// What the client sent that cannot be judged is a refused verification,
    /// as in [`Keyctl::verify`]. Items with `record: false` are decided inside the
    /// same snapshot and write nothing.
    ///
    /// `claim(i)` is asked for each item once the locks are held; an item
    /// it refuses (a caller that stopped waiting) is skipped, writes nothing,
    /// and is `None` in the result. A claimed item's caller must wait for the
    /// answer: the locks are already held, so it comes as soon as the
    /// transaction commits or fails.
    pub fn verify_batch(
        &mut self,
        batch: &[Presented],
        claim: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<Option<Result<Verification>>>> {
        self.authorize("verify", Role::Member)?;
        let now = self.now();
        let plan = self.config.plan.as_ref();
        let actor = &self.actor;
        // Parsed and hashed before the transaction: the hashes name the locks
        // it begins with.
        let parsed: Vec<_> = batch
            .iter()
            .map(|item| {
                let presented = item.secret.strip_suffix('\n').unwrap_or(&item.secret);
                let presented = presented.strip_suffix('\r').unwrap_or(presented);
                Secret::parse(presented).map(|s| (s.hash(), s.display_prefix()))
            })
            .collect();
        let hashes: Vec<SecretHash> = parsed
            .iter()
            .filter_map(|p| p.as_ref().ok().map(|(hash, _)| *hash))
            .collect();
        let scope = Verifying {
            keys: &hashes,
            plan_wide: verify::counts_across_keys(plan),
        };
        self.store
            .write_verifications(Durability::Normal, scope, |q| {
                let mut out = Vec::with_capacity(batch.len());
                let mut tally = verify::Tally::default();
                for (i, (item, parsed)) in batch.iter().zip(&parsed).enumerate() {
                    if !claim(i) {
                        out.push(None);
                        continue;
                    }
                    let request = &item.request;
                    let required = match request.demand() {
                        Ok(r) => r,
                        Err(e) => {
                            out.push(Some(Err(e.into())));
                            continue;
                        }
                    };
                    let verification = match parsed {
                        Ok((hash, _)) => {
                            verify::evaluate(q, hash, now, request, required, plan, request.record)?
                        }
                        Err(reason) => verify::malformed(Some(*reason), required),
                    };
                    if request.record {
                        let shown = parsed.as_ref().ok().map(|(_, prefix)| prefix.as_str());
                        verify::record_into(
                            q,
                            &mut tally,
                            &verification,
                            request,
                            now,
                            actor,
                            shown,
                        )?;
                    }
                    out.push(Some(Ok(verification)));
                }
                tally.flush(q)?;
                Ok(out)
            })
    }

    /// What the checkpointer of [`Keyctl::checkpoint_apart`] asks of the
    /// writer: copies the rest of the log so the next write starts it over.
    #[cfg(feature = "cli")]
    pub(crate) fn catch_up(&mut self) -> Result<()> {
        self.store.catch_up()
    }

    /// Moves the store's checkpoints off this `Keyctl`'s commits, to the
    /// returned checkpointer (see [`crate::store::Store::checkpoint_apart`]);
    /// when it asks, [`Keyctl::catch_up`] between two batches.
    #[cfg(feature = "cli")]
    pub(crate) fn checkpoint_apart(
        &mut self,
    ) -> Result<Option<Box<dyn crate::store::Checkpointer>>> {
        self.store.checkpoint_apart()
    }

    /// Whether the store answers: one indexed lookup, outside any
    /// transaction, for a readiness probe.
    pub fn ping(&mut self) -> Result<()> {
        self.store.peek(|q| q.key_id_exists("key_ping").map(drop))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::keyctl::NewKey;
    use crate::scope::Scope;
    use crate::store::{Access, Store};
    use crate::time::Clock;
    use crate::verify::Outcome;

    fn keyctl(dir: &std::path::Path) -> Keyctl {
        let store = Store::open(dir.join("k.db"), Access::Write).unwrap();
        let clock = Clock::fixed(crate::time::from_unix(1_795_000_000));
        Keyctl::new(store, Config::default(), clock, "tester".into())
    }

    #[test]
    fn a_batch_consumes_limits_in_order_and_skips_what_is_not_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let mut kc = keyctl(dir.path());
        let config = Config::default();
        let mut new = NewKey::new(
            "metered",
            vec![Scope::parse("invoices:read", &config.catalog).unwrap()],
        );
        new.rate_limit = Some("5/min".parse().unwrap());
        let created = kc.create(new).unwrap();
        let item = |path: &str| Presented {
            secret: format!("{}\n", created.secret.expose()),
            request: VerifyRequest::http("GET", path),
        };
        let mut batch: Vec<Presented> = (0..8).map(|_| item("/v1/invoices")).collect();
        let mut half = item("/v1/invoices");
        half.request.path = None;
        batch.push(half);
        let results = kc.verify_batch(&batch, &mut |i| i != 2).unwrap();
        assert!(results[2].is_none(), "not claimed, not decided");
        let outcomes: Vec<Outcome> = results
            .iter()
            .flatten()
            .filter_map(|r| r.as_ref().ok())
            .map(|v| v.outcome)
            .collect();
        assert_eq!(
            outcomes,
            [
                Outcome::Valid,
                Outcome::Valid,
                Outcome::Valid,
                Outcome::Valid,
                Outcome::Valid,
                Outcome::RateLimited,
                Outcome::RateLimited
            ]
        );
        assert!(
            matches!(results[8], Some(Err(_))),
            "built wrong, refused alone"
        );
        let report = kc
            .usage(
                &created.key.id,
                crate::usage::Window::last_days(kc.now(), 1),
                0,
            )
            .unwrap();
        assert_eq!(
            report.total, 7,
            "the skipped and the unjudgeable were not recorded"
        );
        // The rollups gathered over the batch were written once, whole.
        assert_eq!(report.status_codes, [(200, 5), (429, 2)]);
        assert_eq!(report.endpoints, [("GET /v1/invoices".to_owned(), 7)]);
        assert_eq!(report.key.last_used_at, Some(kc.now()));
    }
}
