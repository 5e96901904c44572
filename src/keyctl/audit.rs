//! The audit trail on [`Keyctl`]: reading it and checking its hash chain.
//! The chain itself, its canonical form and the trail query are in
//! [`crate::audit`]; entries are appended by the operations that make them.

use super::{Keyctl, resolve_in};
use crate::audit::{self, AuditFilter, ChainReport, TrailEntry};
use crate::error::{Error, Result};
use crate::role::Role;

impl Keyctl {
    /// The trail, newest first.
    pub fn audit(&mut self, filter: &AuditFilter) -> Result<Vec<TrailEntry>> {
        self.authorize("audit", Role::Member)?;
        audit::check_actions(&filter.actions)?;
        if filter.limit == 0 {
            // An empty answer would look like an empty trail.
            return Err(Error::invalid("the audit limit must be at least 1"));
        }
        let now = self.now();
        self.store.read(|q| {
            let key_id = match &filter.key {
                Some(k) => Some(resolve_in(q, k, now)?.id),
                None => None,
            };
            audit::trail(q, filter, key_id)
        })
    }

    /// Checks the hash chain (SPEC §8).
    pub fn audit_verify(&mut self, expected_head: Option<&str>) -> Result<ChainReport> {
        self.authorize("audit verify", Role::Member)?;
        self.store.read(|q| audit::check_chain(q, expected_head))
    }

    /// The number of chained events and the last one's sequence and hash.
    pub fn audit_head(&mut self) -> Result<(u64, Option<(i64, String)>)> {
        self.authorize("audit head", Role::Member)?;
        self.store.read(|q| Ok((q.audit_count()?, q.audit_tail()?)))
    }
}
