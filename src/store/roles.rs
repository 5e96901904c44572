//! Operators' role grants as stored (SPEC §5): who may do what, kept in the
//! store itself so that swapping the config file cannot take a role away or
//! hand one out.
//!
//! A grant names one operator (or `"*"`, every operator without a grant of
//! their own) and one role. The store keeps grants exactly as given, one per
//! operator; the rules about them (only an owner changes them, the first
//! grant makes an owner, the last owner stays) belong to the caller, which
//! checks them and writes the change in one write transaction with its
//! audit entry. The look-up an operator's every command makes is one
//! statement that answers all it needs: the operator's own grant, the `"*"`
//! grant, and whether there is any grant at all.

use crate::error::{Error, Result};
use crate::role::Role;
use crate::time::Timestamp;

/// The name that stands for every operator without a grant of their own.
pub const EVERYONE: &str = "*";

/// One operator's role, and who gave it when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    /// An operator name, or [`EVERYONE`].
    pub operator: String,
    pub role: Role,
    pub granted_at: Timestamp,
    pub granted_by: String,
}

/// What the store says about one operator's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoleLookup {
    /// The operator's own grant.
    pub own: Option<Role>,
    /// The `"*"` grant.
    pub everyone: Option<Role>,
    /// Whether the store holds any grant at all.
    pub any: bool,
}

impl RoleLookup {
    /// The operator's role: with no grant in the store every operator is an
    /// owner; else their own grant, else the `"*"` grant, else none.
    #[must_use]
    pub fn role(&self) -> Option<Role> {
        if self.any {
            self.own.or(self.everyone)
        } else {
            Some(Role::Owner)
        }
    }
}

/// The stored form of a role.
pub(crate) fn role_from_stored(s: &str) -> Result<Role> {
    Role::parse(s).ok_or_else(|| {
        Error::Storage(format!(
            "a stored role grant holds '{}', which is not a role",
            crate::text::escape(s)
        ))
    })
}

/// Reading and changing role grants, inside a transaction.
pub trait RoleQueries {
    /// The grants that decide `operator`'s role, in one statement.
    fn role_lookup(&mut self, operator: &str) -> Result<RoleLookup>;
    /// Every grant, by operator name (`"*"` sorts first).
    fn role_grants(&mut self) -> Result<Vec<RoleGrant>>;
    /// Gives `grant.operator` the role, replacing a grant they had.
    fn put_role_grant(&mut self, grant: &RoleGrant) -> Result<()>;
    /// Removes `operator`'s grant; whether there was one.
    fn delete_role_grant(&mut self, operator: &str) -> Result<bool>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_grant_at_all_makes_everyone_an_owner() {
        assert_eq!(RoleLookup::default().role(), Some(Role::Owner));
        let grants = RoleLookup {
            own: None,
            everyone: None,
            any: true,
        };
        assert_eq!(grants.role(), None);
        let everyone = RoleLookup {
            everyone: Some(Role::Member),
            ..grants
        };
        assert_eq!(everyone.role(), Some(Role::Member));
        let own = RoleLookup {
            own: Some(Role::Admin),
            ..everyone
        };
        assert_eq!(own.role(), Some(Role::Admin));
    }

    #[test]
    fn a_stored_role_that_is_not_one_is_a_storage_error() {
        assert_eq!(role_from_stored("admin").unwrap(), Role::Admin);
        assert!(matches!(role_from_stored("root"), Err(Error::Storage(_))));
    }
}
