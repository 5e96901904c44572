//! Role grants on PostgreSQL: [`RoleQueries`] over `keyctl.role_grants`.
//!
//! An operator here is a database user, the `session_user` of a
//! connection: the grants name users, and the look-up every command makes
//! is one prepared statement, one round trip.

use super::PgTx;
use super::rows::get;
use crate::error::Result;
use crate::store::roles::role_from_stored;
use crate::store::{EVERYONE, RoleGrant, RoleLookup, RoleQueries};
use crate::time::from_unix;

impl RoleQueries for PgTx<'_> {
    fn role_lookup(&mut self, operator: &str) -> Result<RoleLookup> {
        let row = self.query_one(
            "SELECT (SELECT role FROM keyctl.role_grants WHERE operator = $1), \
                    (SELECT role FROM keyctl.role_grants WHERE operator = $2), \
                    EXISTS (SELECT 1 FROM keyctl.role_grants)",
            &[&operator, &EVERYONE],
        )?;
        let own: Option<String> = get(&row, 0)?;
        let everyone: Option<String> = get(&row, 1)?;
        Ok(RoleLookup {
            own: own.as_deref().map(role_from_stored).transpose()?,
            everyone: everyone.as_deref().map(role_from_stored).transpose()?,
            any: get(&row, 2)?,
        })
    }

    fn role_grants(&mut self) -> Result<Vec<RoleGrant>> {
        self.query(
            "SELECT operator, role, granted_at, granted_by FROM keyctl.role_grants \
             ORDER BY operator",
            &[],
        )?
        .iter()
        .map(|r| {
            let role: String = get(r, 1)?;
            Ok(RoleGrant {
                operator: get(r, 0)?,
                role: role_from_stored(&role)?,
                granted_at: from_unix(get(r, 2)?),
                granted_by: get(r, 3)?,
            })
        })
        .collect()
    }

    fn put_role_grant(&mut self, grant: &RoleGrant) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.role_grants (operator, role, granted_at, granted_by) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (operator) DO UPDATE SET role = excluded.role, \
             granted_at = excluded.granted_at, granted_by = excluded.granted_by",
            &[
                &grant.operator,
                &grant.role.as_str(),
                &grant.granted_at.timestamp(),
                &grant.granted_by,
            ],
        )?;
        Ok(())
    }

    fn delete_role_grant(&mut self, operator: &str) -> Result<bool> {
        Ok(self.execute(
            "DELETE FROM keyctl.role_grants WHERE operator = $1",
            &[&operator],
        )? > 0)
    }
}
