//! Operators' roles on [`Keyctl`] (SPEC §5): listing, granting and revoking
//! the grants the store holds, and seeding them once from a config's
//! `[roles]` table.
//!
//! Invariants, kept inside each change's write transaction: only an owner
//! changes grants; while the store holds any grant, at least one of them
//! (possibly `"*"`) is an owner, so the first grant makes an owner and the
//! last owner cannot be revoked or demoted while other grants remain
//! (revoking the very last grant returns the store to "everyone is an
//! owner"); every change is a `role.granted` or `role.revoked` entry of the
//! hash-chained trail, committed with it. A change refused by those rules
//! is recorded as `command.refused`.

use serde_json::{Value, json};

use super::Keyctl;
use crate::audit::{self, Event, action};
use crate::error::{Error, Result};
use crate::role::{Role, validate_actor};
use crate::store::{AuditQuery, Durability, EVERYONE, Queries, RoleGrant};
use crate::text;
use crate::time::Timestamp;

/// What a grant or revocation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChange {
    pub operator: String,
    /// The role before the change (`None`: no grant).
    pub before: Option<Role>,
    /// The role after it (`None`: no grant).
    pub after: Option<Role>,
}

impl RoleChange {
    /// Whether anything changed (granting the role someone has, or revoking
    /// a grant that does not exist, changes nothing and is not recorded).
    #[must_use]
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// What became of a config's `[roles]` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeding {
    /// The config has no `[roles]` table.
    NoTable,
    /// The store had never held a grant: the table's grants are now the
    /// store's (this many).
    Seeded(usize),
    /// The store holds its roles already; the table is ignored.
    Ignored,
}

/// A change the owner rules refuse, before it is recorded: the reason and
/// a hint.
struct Refused(String, &'static str);

const HINT_FIRST: &str = "make someone the first owner: keyctl roles grant NAME owner";
const HINT_LAST: &str = "grant the owner role to someone else first: keyctl roles grant NAME owner";

impl Keyctl {
    /// Every grant the store holds, by operator (`"*"` first).
    pub fn role_grants(&mut self) -> Result<Vec<RoleGrant>> {
        self.authorize("roles list", Role::Owner)?;
        self.store.read(|q| q.role_grants())
    }

    /// Gives `operator` (a name, or `"*"` for every operator without a grant
    /// of their own) the role `role`.
    pub fn grant_role(&mut self, operator: &str, role: Role) -> Result<RoleChange> {
        self.authorize("roles grant", Role::Owner)?;
        check_operator(operator)?;
        let (now, actor) = (self.now(), self.actor.clone());
        let outcome = self.store.write(Durability::Full, |q| {
            let grants = q.role_grants()?;
            let before = grants
                .iter()
                .find(|g| g.operator == operator)
                .map(|g| g.role);
            let change = RoleChange {
                operator: operator.to_owned(),
                before,
                after: Some(role),
            };
            if !change.changed() {
                return Ok(Ok(change));
            }
            let owners_after = grants
                .iter()
                .filter(|g| g.operator != operator && g.role == Role::Owner)
                .count()
                + usize::from(role == Role::Owner);
            if owners_after == 0 {
                return Ok(Err(if grants.is_empty() {
                    Refused(
                        format!(
                            "the first grant must make someone an owner, and '{}' would be {role}",
                            text::escape(operator)
                        ),
                        HINT_FIRST,
                    )
                } else {
                    Refused(
                        format!(
                            "'{}' is the last owner; making them {role} would leave no owner",
                            text::escape(operator)
                        ),
                        HINT_LAST,
                    )
                }));
            }
            q.put_role_grant(&RoleGrant {
                operator: operator.to_owned(),
                role,
                granted_at: now,
                granted_by: actor.clone(),
            })?;
            journal(q, action::ROLE_GRANTED, &change, now, &actor, None)?;
            Ok(Ok(change))
        })?;
        self.grants = None;
        self.refused_unless("roles grant", outcome)
    }

    /// Takes `operator`'s grant away.
    pub fn revoke_role(&mut self, operator: &str) -> Result<RoleChange> {
        self.authorize("roles revoke", Role::Owner)?;
        check_operator(operator)?;
        let (now, actor) = (self.now(), self.actor.clone());
        let outcome = self.store.write(Durability::Full, |q| {
            let grants = q.role_grants()?;
            let before = grants
                .iter()
                .find(|g| g.operator == operator)
                .map(|g| g.role);
            let change = RoleChange {
                operator: operator.to_owned(),
                before,
                after: None,
            };
            if !change.changed() {
                return Ok(Ok(change));
            }
            let rest = grants.iter().filter(|g| g.operator != operator);
            if rest.clone().next().is_some() && !rest.clone().any(|g| g.role == Role::Owner) {
                return Ok(Err(Refused(
                    format!(
                        "'{}' is the last owner; revoking their grant would leave grants and \
                         no owner",
                        text::escape(operator)
                    ),
                    HINT_LAST,
                )));
            }
            q.delete_role_grant(operator)?;
            journal(q, action::ROLE_REVOKED, &change, now, &actor, None)?;
            Ok(Ok(change))
        })?;
        self.grants = None;
        self.refused_unless("roles revoke", outcome)
    }

    /// Seeds the store's grants from the config's `[roles]` table when the
    /// store has never held a grant (none now, and no grant or revocation
    /// in the trail); otherwise the table is ignored. The seeded grants are
    /// recorded as `role.granted` entries by the operator, with
    /// `"source": "config"`, in one transaction.
    pub fn seed_roles(&mut self) -> Result<Seeding> {
        let Some(table) = self.config.roles.clone() else {
            return Ok(Seeding::NoTable);
        };
        let actor = &self.actor;
        let lookup = self.store.peek(|q| q.role_lookup(actor))?;
        self.grants = Some(lookup);
        if lookup.any {
            return Ok(Seeding::Ignored);
        }
        let grants = table.grants();
        let (now, actor) = (self.now(), self.actor.clone());
        self.grants = None;
        self.store.write(Durability::Full, |q| {
            if q.role_lookup(&actor)?.any || ever_granted(q)? {
                return Ok(Seeding::Ignored);
            }
            if !grants.iter().any(|(_, r)| *r == Role::Owner) {
                return Err(Error::invalid_with_hint(
                    "the [roles] table of the config names no owner, and the store's first \
                     grants must make someone an owner",
                    "add an owner to [roles] (alice = \"owner\")",
                ));
            }
            for (operator, role) in &grants {
                q.put_role_grant(&RoleGrant {
                    operator: operator.clone(),
                    role: *role,
                    granted_at: now,
                    granted_by: actor.clone(),
                })?;
                let change = RoleChange {
                    operator: operator.clone(),
                    before: None,
                    after: Some(*role),
                };
                journal(
                    q,
                    action::ROLE_GRANTED,
                    &change,
                    now,
                    &actor,
                    Some("config"),
                )?;
            }
            Ok(Seeding::Seeded(grants.len()))
        })
    }

    /// The change, or the refusal recorded and returned as an error.
    fn refused_unless(
        &mut self,
        command: &str,
        outcome: std::result::Result<RoleChange, Refused>,
    ) -> Result<RoleChange> {
        match outcome {
            Ok(change) => Ok(change),
            Err(Refused(reason, hint)) => {
                self.record_refusal(&json!({ "command": command, "reason": reason }))?;
                Err(Error::Conflict {
                    message: reason,
                    hint: Some(hint.to_owned()),
                })
            }
        }
    }
}

/// An operator name a grant may name: `"*"`, or a valid operator name.
fn check_operator(operator: &str) -> Result<()> {
    if operator == EVERYONE {
        return Ok(());
    }
    validate_actor(operator)
}

/// Whether the trail records any grant or revocation: a store that has had
/// grants is never seeded again, even after its last grant was revoked.
fn ever_granted(q: &mut dyn Queries) -> Result<bool> {
    let query = AuditQuery {
        actions: vec![
            action::ROLE_GRANTED.to_owned(),
            action::ROLE_REVOKED.to_owned(),
        ],
        limit: 1,
        ..AuditQuery::default()
    };
    Ok(!q.audit_events(&query)?.is_empty())
}

/// Appends the trail entry of a role change.
fn journal(
    q: &mut dyn Queries,
    what: &str,
    change: &RoleChange,
    now: Timestamp,
    actor: &str,
    source: Option<&str>,
) -> Result<()> {
    let mut details = json!({
        "operator": change.operator,
        "role": change.after.map(Role::as_str),
        "previous_role": change.before.map(Role::as_str),
    });
    if let (Some(source), Value::Object(map)) = (source, &mut details) {
        map.insert("source".to_owned(), json!(source));
    }
    audit::append(
        q,
        &Event {
            ts: now,
            actor,
            action: what,
            key_id: None,
            key_prefix: None,
            details: &details,
        },
    )
    .map(drop)
}
