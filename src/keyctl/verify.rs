//! Verification on [`Keyctl`]: the role check, the clock, the plan and the
//! transaction around the decision and the recording in [`crate::verify`].

use super::Keyctl;
use crate::error::Result;
use crate::role::Role;
use crate::secret::Secret;
use crate::store::Durability;
use crate::verify::{self, Verification, VerifyRequest};

impl Keyctl {
    /// Verifies a presented secret. With `request.record`, the request is
    /// recorded and limits are consumed in one write transaction; without it,
    /// nothing is written.
    pub fn verify(&mut self, presented: &str, request: &VerifyRequest) -> Result<Verification> {
        self.authorize("verify", Role::Member)?;
        let required = request.required_scopes()?;
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
        self.store.write(Durability::Normal, |q| {
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
