//! Verification on [`Keyctl`]: the role check, the clock, the plan and the
//! transaction around the decision and the recording in [`crate::verify`].
//! A recorded verification is a [`Store::write_verifications`] naming the
//! presented secret's hash, so on a store that locks per key it waits only
//! for writes touching that key (and the plan-wide counter when the plan has
//! one), never for verifications of other keys.
//!
//! [`Store::write_verifications`]: crate::store::Store::write_verifications

use super::Keyctl;
use crate::error::Result;
use crate::role::Role;
use crate::secret::Secret;
use crate::store::{Durability, Verifying};
use crate::verify::{self, Verification, VerifyRequest};

impl Keyctl {
    /// Verifies a presented secret. With `request.record`, the request is
    /// recorded and limits are consumed in one write transaction; without it,
    /// nothing is written.
    ///
    /// What the client sent is judged, never an error: a method that maps to
    /// no level (`FETCH`) or a path that cannot be judged (`/v1/a/../b` left
    /// ambiguous, an encoded slash) gives a refused verification
    /// (`INSUFFICIENT_SCOPE`, see [`Verification::unjudgeable`]), recorded and
    /// audited as other refusals are. A request the caller built wrong (a
    /// method without a path, or the reverse) is an [`Error::Usage`](crate::Error::Usage).
    pub fn verify(&mut self, presented: &str, request: &VerifyRequest) -> Result<Verification> {
        self.authorize("verify", Role::Member)?;
        let required = request.demand()?;
        let now = self.now();
        let presented = presented.strip_suffix('\n').unwrap_or(presented);
        let presented = presented.strip_suffix('\r').unwrap_or(presented);
        let parsed = Secret::parse(presented);
        if !request.record {
            let Ok(secret) = parsed else {
                return Ok(verify::malformed(parsed.err(), required));
            };
            let plan = self.config.plan.as_ref();
            let hash = secret.hash();
            // Nothing is written: the key is one lookup, and the limits (when
            // the key has any) are shown as they stand, so no snapshot is needed.
            return self
                .store
                .peek(|q| verify::evaluate(q, &hash, now, request, required, plan, false));
        }
        let plan = self.config.plan.as_ref();
        let actor = &self.actor;
        let hash = parsed.as_ref().ok().map(Secret::hash);
        let shown_prefix = parsed.as_ref().ok().map(Secret::display_prefix);
        let scope = Verifying {
            keys: hash.as_slice(),
            plan_wide: verify::counts_across_keys(plan),
        };
        self.store
            .write_verifications(Durability::Normal, scope, |q| {
                let verification = match &hash {
                    Some(h) => verify::evaluate(q, h, now, request, required, plan, true)?,
                    None => verify::malformed(parsed.as_ref().err().copied(), required),
                };
                verify::record(
                    q,
                    &verification,
                    request,
                    now,
                    actor,
                    shown_prefix.as_deref(),
                )?;
                Ok(verification)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditFilter, TrailEntry, action};
    use crate::config::Config;
    use crate::keyctl::NewKey;
    use crate::scope::Scope;
    use crate::store::{Access, Store};
    use crate::time::{Clock, from_unix};
    use crate::verify::{Outcome, Unjudgeable};

    fn keyctl(dir: &std::path::Path) -> Keyctl {
        let store = Store::open(dir.join("k.db"), Access::Write).unwrap();
        let clock = Clock::fixed(from_unix(1_800_000_000));
        Keyctl::new(store, Config::default(), clock, "svc".into())
    }

    fn refusals(kc: &mut Keyctl) -> Vec<String> {
        let filter = AuditFilter {
            actions: vec![action::VERIFY_FORBIDDEN.to_owned()],
            ..AuditFilter::default()
        };
        kc.audit(&filter)
            .unwrap()
            .into_iter()
            .filter_map(|e| match e {
                TrailEntry::Event(row) => Some(row.details),
                TrailEntry::Request { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_method_or_path_the_client_sent_that_cannot_be_judged_is_a_recorded_refusal() {
        let dir = tempfile::tempdir().unwrap();
        let mut kc = keyctl(dir.path());
        // Full access, so that nothing but the request can refuse it.
        let created = kc.create(NewKey::new("all", vec![Scope::All])).unwrap();
        let secret = created.secret.expose().to_owned();
        let cases = [
            (
                VerifyRequest::http("FETCH", "/v1/invoices"),
                "method 'FETCH'",
            ),
            (VerifyRequest::http("GET", "/v1/a%2Fb"), "path '/v1/a%2Fb'"),
            (
                VerifyRequest::http("GET", "/v1/invoices;v=1"),
                "path '/v1/invoices;v=1'",
            ),
        ];
        for (request, why) in &cases {
            let v = kc.verify(&secret, request).unwrap();
            assert_eq!(v.outcome, Outcome::InsufficientScope, "{why}");
            assert!(v.key.is_some());
            assert!(v.unjudgeable.as_ref().unwrap().to_string().contains(why));
        }
        let details = refusals(&mut kc);
        assert_eq!(details.len(), cases.len());
        assert!(
            details.iter().all(|d| d.contains("\"unjudgeable\":")),
            "{details:?}"
        );
        let usage = kc.usage(
            &created.key.id,
            crate::usage::Window::last_days(kc.now(), 1),
            10,
        );
        assert_eq!(usage.unwrap().total, 3);
        // A valid request consumes nothing it should not, and is not flagged.
        let ok = kc
            .verify(&secret, &VerifyRequest::http("GET", "/v1/invoices"))
            .unwrap();
        assert_eq!((ok.outcome, ok.unjudgeable), (Outcome::Valid, None));
    }

    #[test]
    fn an_unjudgeable_request_keeps_the_earlier_outcomes_and_writes_nothing_unrecorded() {
        let dir = tempfile::tempdir().unwrap();
        let mut kc = keyctl(dir.path());
        let fetch = VerifyRequest::http("FETCH", "/v1/invoices");
        let v = kc.verify("sk_live_typo", &fetch).unwrap();
        assert_eq!(v.outcome, Outcome::Malformed);
        assert!(matches!(v.unjudgeable, Some(Unjudgeable::UnknownMethod(_))));
        let before = kc.store.read(|q| q.audit_count()).unwrap();
        let quiet = VerifyRequest {
            record: false,
            ..fetch
        };
        let created = kc.create(NewKey::new("all", vec![Scope::All])).unwrap();
        let v = kc.verify(created.secret.expose(), &quiet).unwrap();
        assert_eq!(v.outcome, Outcome::InsufficientScope);
        assert_eq!(kc.store.read(|q| q.audit_count()).unwrap(), before + 1); // `created` only
    }

    #[test]
    fn a_request_built_with_half_of_method_and_path_is_the_callers_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut kc = keyctl(dir.path());
        let request = VerifyRequest {
            method: Some("GET".into()),
            ..VerifyRequest::default()
        };
        let err = kc.verify("sk_live_typo", &request).unwrap_err();
        assert!(matches!(err, crate::Error::Usage { .. }), "{err:?}");
    }
}
