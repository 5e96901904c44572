//! Scan and doctor on [`Keyctl`]: the role checks, the clock and the
//! transactions around [`crate::scan`], which finds secrets and judges keys
//! but never opens a store.
//!
//! Revoking leaked keys is one transaction for all of them: either every
//! active key found is revoked, with its audit entry and its event, or
//! none is.

use serde_json::json;

use super::Keyctl;
use super::keys::{Change, journal};
use crate::error::Result;
use crate::key::{Key, fields};
use crate::role::Role;
use crate::scan::doctor::{Diagnosis, Doctor};
use crate::scan::{Finding, Found, LeakStatus, lookup};
use crate::store::{Durability, KeyFilter, StatusFilter};

/// A key revoked because it leaked.
#[derive(Debug)]
pub struct LeakRevoked {
    pub key: Key,
    /// The id of its `api_key.revoked` event.
    pub event_id: String,
}

impl Keyctl {
    /// Looks up found secrets by hash: which key each is, and its status.
    pub fn scan_lookup(&mut self, found: &[Found]) -> Result<Vec<Finding>> {
        self.authorize("scan", Role::Member)?;
        let now = self.now();
        self.store.read(|q| lookup(q, found, now))
    }

    /// Checks that the operator may revoke leaked keys, before anything is
    /// asked or read.
    pub fn authorize_scan_revoke(&mut self) -> Result<()> {
        self.authorize("scan --revoke", Role::Owner)
    }

    /// Revokes every finding that is still active, in one transaction, with
    /// the reason `leaked: PATH:LINE` (the first place each key was found),
    /// and updates the findings' status. A key that stopped being active
    /// meanwhile is left as it is.
    pub fn revoke_leaked(&mut self, findings: &mut [Finding]) -> Result<Vec<LeakRevoked>> {
        self.authorize_scan_revoke()?;
        let now = self.now();
        let actor = self.actor.clone();
        let revoked = self.store.write(Durability::Full, |q| {
            let mut done: Vec<LeakRevoked> = Vec::new();
            for f in findings.iter() {
                let Some(id) = f.key_id.as_deref() else {
                    continue;
                };
                if f.status != LeakStatus::Active || done.iter().any(|d| d.key.id == id) {
                    continue;
                }
                let Some(mut key) = q.key_by_id(id)? else {
                    continue;
                };
                if key.status(now) != crate::key::Status::Active {
                    continue;
                }
                let reason = leak_reason(&f.path, f.line);
                key.revoked_at = Some(now);
                key.revoked_by = Some(actor.clone());
                key.revoke_reason = fields::validate_description(&reason)?;
                q.update_key(&key)?;
                let details = json!({ "reason": key.revoke_reason });
                let event_id = journal(q, Change::Revoked, &key, now, &actor, &details)?;
                done.push(LeakRevoked { key, event_id });
            }
            Ok(done)
        })?;
        for f in findings.iter_mut() {
            if revoked
                .iter()
                .any(|r| Some(r.key.id.as_str()) == f.key_id.as_deref())
            {
                f.status = LeakStatus::Revoked;
            }
        }
        Ok(revoked)
    }

    /// Runs the doctor's checks over every active key, oldest first, in one
    /// read transaction, handing each finding to `out` as it is made.
    pub fn doctor(
        &mut self,
        doctor: &Doctor,
        out: &mut dyn FnMut(Diagnosis) -> Result<()>,
    ) -> Result<()> {
        self.authorize("doctor", Role::Member)?;
        let now = self.now();
        let filter = KeyFilter {
            status: StatusFilter::Active,
            environment: None,
            expires_before: None,
            now,
        };
        self.store.read(|q| {
            q.for_each_key(&filter, &mut |key| {
                let mut result = Ok(());
                doctor.diagnose(&key, now, &mut |d| {
                    if result.is_ok() {
                        result = out(d);
                    }
                });
                result
            })
        })
    }
}

/// `leaked: PATH:LINE`, kept within the length of a reason: a long path
/// loses its start, which matters least.
fn leak_reason(path: &str, line: u64) -> String {
    let place = format!(":{line}");
    let room = fields::DESCRIPTION_MAX - "leaked: ".len() - place.len();
    let path = crate::text::escape(path);
    let path = crate::secret::scan::strip_secrets(&path);
    let chars = path.chars().count();
    let path: String = if chars > room {
        let tail: String = path.chars().skip(chars - room + 1).collect();
        format!("…{tail}")
    } else {
        path.into_owned()
    };
    format!("leaked: {path}{place}")
}
