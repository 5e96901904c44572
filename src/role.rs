//! Operators and roles (SPEC §5): the role names and their order, the
//! config's `[roles]` table, and who the operator is.
//!
//! The operator is `--actor` > `KEYCTL_ACTOR` > the OS login name, except on
//! a store whose connection has a database user (PostgreSQL), where it is
//! that user. Roles live in the store (`crate::store::RoleQueries`); the
//! `[roles]` table only seeds a store that has never had a grant. `member`
//! may read, `admin` may also create, update and ingest, `owner` may also
//! revoke, rotate and manage roles. A command checks its role with
//! `Keyctl::authorize(command, Role::…)`, which every operation of the
//! library does first.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{Error, Result};
use crate::text::escape;

/// An operator's role; the order is the order of power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Member,
    Admin,
    Owner,
}

impl Role {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    /// A role by its name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "member" => Some(Role::Member),
            "admin" => Some(Role::Admin),
            "owner" => Some(Role::Owner),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `[roles]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roles {
    by_actor: BTreeMap<String, Role>,
    default: Option<Role>,
}

impl Roles {
    /// Builds the table, naming the config line of a bad entry.
    pub fn from_table(
        table: &BTreeMap<String, String>,
        text: &str,
    ) -> std::result::Result<Roles, String> {
        let line_of = |actor: &str| {
            text.lines()
                .position(|l| {
                    let l = l.trim_start();
                    l.starts_with(actor)
                        || l.starts_with(&format!("\"{actor}\""))
                        || l.starts_with(&format!("'{actor}'"))
                })
                .map(|i| format!("line {}: ", i + 1))
                .unwrap_or_default()
        };
        let mut by_actor = BTreeMap::new();
        let mut default = None;
        for (actor, role) in table {
            let Some(r) = Role::parse(role) else {
                return Err(format!(
                    "{}roles: '{}' for '{}' is not a role (member, admin or owner)",
                    line_of(actor),
                    escape(role),
                    escape(actor)
                ));
            };
            if actor == "*" {
                default = Some(r);
            } else if let Err(e) = validate_actor(actor) {
                return Err(format!("{}roles: {e}", line_of(actor)));
            } else {
                by_actor.insert(actor.clone(), r);
            }
        }
        Ok(Roles { by_actor, default })
    }

    /// The role of `actor`, if they have one.
    #[must_use]
    pub fn role_of(&self, actor: &str) -> Option<Role> {
        self.by_actor.get(actor).copied().or(self.default)
    }

    /// Every entry, as grants to seed a store with (`"*"` first).
    #[must_use]
    pub fn grants(&self) -> Vec<(String, Role)> {
        self.default
            .map(|r| ("*".to_owned(), r))
            .into_iter()
            .chain(self.by_actor.iter().map(|(a, r)| (a.clone(), *r)))
            .collect()
    }
}

/// Checks an operator name: 1–100 characters, no control characters.
pub fn validate_actor(actor: &str) -> Result<()> {
    if actor.is_empty() || actor.chars().count() > 100 || actor.chars().any(crate::text::is_control)
    {
        return Err(Error::invalid(format!(
            "operator name '{}' must be 1-100 characters without control characters",
            escape(actor)
        )));
    }
    crate::secret::scan::refuse_secret("the operator name", actor)
}

/// The acting operator: `--actor` > `KEYCTL_ACTOR` > `database_user` (the
/// store's connection user, when it has one) > the OS login name. A name
/// given that differs from the database user is returned as given, for
/// `Keyctl` to refuse.
pub fn resolve_actor(cli: Option<&str>, database_user: Option<&str>) -> Result<String> {
    let from_env = std::env::var("KEYCTL_ACTOR").ok().filter(|s| !s.is_empty());
    let actor = match (cli, from_env, database_user) {
        (Some(a), _, _) => a.to_owned(),
        (None, Some(a), _) => a,
        (None, None, Some(user)) => return Ok(user.to_owned()),
        (None, None, None) => os_login_name(),
    };
    validate_actor(&actor)?;
    Ok(actor)
}

/// The OS login name: `USER`, `LOGNAME`, the passwd entry of this uid, or `uid:N`.
fn os_login_name() -> String {
    for var in ["USER", "LOGNAME"] {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            return v;
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = std::fs::metadata("/proc/self") {
            let uid = meta.uid();
            if let Ok(passwd) = std::fs::read_to_string("/etc/passwd") {
                for line in passwd.lines() {
                    let mut fields = line.split(':');
                    let (Some(name), _, Some(id)) = (fields.next(), fields.next(), fields.next())
                    else {
                        continue;
                    };
                    if id.parse() == Ok(uid) {
                        return name.to_owned();
                    }
                }
            }
            return format!("uid:{uid}");
        }
    }
    "unknown".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, r)| ((*a).to_owned(), (*r).to_owned()))
            .collect()
    }

    #[test]
    fn roles_resolve_with_a_default() {
        let r = Roles::from_table(
            &table(&[("alice", "owner"), ("ci-bot", "admin"), ("*", "member")]),
            "",
        )
        .unwrap();
        assert_eq!(r.role_of("alice"), Some(Role::Owner));
        assert_eq!(r.role_of("ci-bot"), Some(Role::Admin));
        assert_eq!(r.role_of("mallory"), Some(Role::Member));
        let r = Roles::from_table(&table(&[("alice", "owner")]), "").unwrap();
        assert_eq!(r.role_of("mallory"), None);
    }

    #[test]
    fn a_table_seeds_every_entry_everyone_first() {
        let r = Roles::from_table(
            &table(&[("bob", "member"), ("*", "admin"), ("alice", "owner")]),
            "",
        )
        .unwrap();
        assert_eq!(
            r.grants(),
            [
                ("*".to_owned(), Role::Admin),
                ("alice".to_owned(), Role::Owner),
                ("bob".to_owned(), Role::Member)
            ]
        );
    }

    #[test]
    fn unknown_roles_name_the_line() {
        let text = "[roles]\nalice = \"owner\"\nbob = \"superuser\"\n";
        let e = Roles::from_table(&table(&[("alice", "owner"), ("bob", "superuser")]), text)
            .unwrap_err();
        assert_eq!(
            e,
            "line 3: roles: 'superuser' for 'bob' is not a role (member, admin or owner)"
        );
    }

    #[test]
    fn role_order() {
        assert!(Role::Member < Role::Admin && Role::Admin < Role::Owner);
    }
}
