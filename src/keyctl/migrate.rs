//! `migrate` on [`Keyctl`]: the role check around [`crate::migrate`]'s copy
//! of this store into another.

use super::Keyctl;
use crate::error::Result;
use crate::migrate::{self, Migrated};
use crate::role::Role;
use crate::store::Store;

impl Keyctl {
    /// Copies everything in this store to `target`, which must be empty, in
    /// one transaction on the target. `progress` is told the rows copied so
    /// far and the total.
    pub fn migrate_to(
        &mut self,
        target: &mut Store,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Migrated> {
        self.authorize("migrate", Role::Owner)?;
        migrate::copy(&mut self.store, target, progress)
    }
}
