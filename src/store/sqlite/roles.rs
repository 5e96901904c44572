//! Role grants on SQLite: [`RoleQueries`] over `role_grants`.
//!
//! The look-up that every command makes is one cached statement on the
//! primary key, so a role check costs a verification two index probes.

use rusqlite::params;

use super::rows::conversion;
use super::{SqliteTx, fault};
use crate::error::Result;
use crate::store::roles::role_from_stored;
use crate::store::{EVERYONE, RoleGrant, RoleLookup, RoleQueries};
use crate::time::from_unix;

impl RoleQueries for SqliteTx<'_> {
    fn role_lookup(&mut self, operator: &str) -> Result<RoleLookup> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT (SELECT role FROM role_grants WHERE operator = ?1), \
                    (SELECT role FROM role_grants WHERE operator = ?2), \
                    EXISTS (SELECT 1 FROM role_grants)",
            )
            .map_err(fault)?;
        let (own, everyone, any): (Option<String>, Option<String>, bool) = stmt
            .query_row(params![operator, EVERYONE], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(fault)?;
        Ok(RoleLookup {
            own: own.as_deref().map(role_from_stored).transpose()?,
            everyone: everyone.as_deref().map(role_from_stored).transpose()?,
            any,
        })
    }

    fn role_grants(&mut self) -> Result<Vec<RoleGrant>> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT operator, role, granted_at, granted_by FROM role_grants ORDER BY operator",
            )
            .map_err(fault)?;
        let rows = stmt
            .query_map([], |r| {
                let role: String = r.get(1)?;
                Ok(RoleGrant {
                    operator: r.get(0)?,
                    role: role_from_stored(&role).map_err(conversion)?,
                    granted_at: from_unix(r.get(2)?),
                    granted_by: r.get(3)?,
                })
            })
            .map_err(fault)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(fault)?;
        Ok(rows)
    }

    fn put_role_grant(&mut self, grant: &RoleGrant) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO role_grants (operator, role, granted_at, granted_by) \
             VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (operator) DO UPDATE SET role = excluded.role, \
             granted_at = excluded.granted_at, granted_by = excluded.granted_by",
            )
            .map_err(fault)?;
        stmt.execute(params![
            grant.operator,
            grant.role.as_str(),
            grant.granted_at.timestamp(),
            grant.granted_by,
        ])
        .map_err(fault)?;
        Ok(())
    }

    fn delete_role_grant(&mut self, operator: &str) -> Result<bool> {
        let mut stmt = self
            .tx
            .prepare_cached("DELETE FROM role_grants WHERE operator = ?1")
            .map_err(fault)?;
        Ok(stmt.execute(params![operator]).map_err(fault)? > 0)
    }
}
