//! [`Keyctl`]: the library's entry point, the one place where its operations
//! meet the store, the settings, the clock and the acting operator.
//!
//! Every `impl Keyctl` block lives under this module, one file per concern:
//! `keys` (the key lifecycle), `audit`, `events` and `deliver` (the outbox
//! and its delivery), `verify`, `usage`, `migrate` and `roles` (the grants
//! held in the store). Each operation checks the operator's role, takes
//! what it needs from the clock and the settings, and runs its store
//! transactions, handing the work inside them to the
//! modules below it (`crate::audit`, `crate::events`, `crate::verify`,
//! `crate::usage`, `crate::migrate`), which know the store but neither this
//! façade nor the settings file. Data therefore flows one way: from a
//! caller, through here, into the library, to the store.
//!
//! Every operation is one store transaction, except those that say otherwise
//! (delivery, ingest, migrate); a change, its audit entry and its outbox event
//! commit together or not at all.

use serde_json::json;

use crate::audit::{Event, action};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::key::{Key, looks_like_key_id};
use crate::role::Role;
use crate::secret::Secret;
use crate::store::{Durability, Queries, RoleLookup, Store};
use crate::text;
use crate::time::{Clock, Timestamp};

mod audit;
mod batch;
mod deliver;
mod events;
mod keys;
mod migrate;
mod opener;
mod roles;
mod scan;
#[cfg(feature = "tower")]
mod tower;
mod usage;
mod verify;

pub use batch::Presented;
pub use keys::{
    Created, KeyChanges, KeyDetails, ListFilter, MAX_GRACE, NewKey, Revoked, Rotated, Updated,
};
pub use opener::Opener;
pub use roles::{RoleChange, Seeding};
#[cfg(feature = "tower")]
pub use tower::{KeyAuth, KeyAuthLayer};

/// keyctl over one store, as one operator, at one clock.
pub struct Keyctl {
    store: Store,
    config: Config,
    clock: Clock,
    actor: String,
    /// A name the caller gave that is not the database user of the store's
    /// connection: every operation is refused (SPEC §5).
    claimed: Option<String>,
    /// The operator's grants, read at the first role check and kept for the
    /// life of this `Keyctl`, as a session keeps its privileges: so that an
    /// operation stays one transaction. A role change made through this
    /// `Keyctl` reads them again.
    grants: Option<RoleLookup>,
}

impl Keyctl {
    /// keyctl over `store`, as the operator `actor`. On a store whose
    /// connection has a database user (PostgreSQL), that user is the
    /// operator: an `actor` naming anyone else makes every operation fail
    /// with [`Error::Forbidden`], recorded as the database user.
    #[must_use]
    pub fn new(store: Store, config: Config, clock: Clock, actor: String) -> Keyctl {
        let (actor, claimed) = match store.database_user() {
            Some(user) if user != actor => (user.to_owned(), Some(actor)),
            Some(user) => (user.to_owned(), None),
            None => (actor, None),
        };
        Keyctl {
            store,
            config,
            clock,
            actor,
            claimed,
            grants: None,
        }
    }

    /// Ends this `Keyctl` in a process that is about to exit (see
    /// [`Store::end_at_exit`]).
    pub fn end_at_exit(self) {
        self.store.end_at_exit();
    }

    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The operator: on PostgreSQL the connection's database user.
    #[must_use]
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Checks that the operator may run `command`, which needs the `needed`
    /// role: the role the store grants them (with no grant in the store,
    /// everyone is an owner), and on PostgreSQL that they did not claim to
    /// be another user. Every operation calls it first; a command that
    /// works on the store outside those operations calls it too. A refusal
    /// is recorded in the trail (its own transaction; nothing else is
    /// written) and returns [`Error::Forbidden`]. Crate-private: a library
    /// caller must not be able to write refusal rows of its choosing.
    pub(crate) fn authorize(&mut self, command: &str, needed: Role) -> Result<()> {
        if let Some(claimed) = self.claimed.clone() {
            let details = json!({ "command": command, "claimed_operator": claimed });
            self.record_refusal(&details)?;
            return Err(Error::Forbidden {
                message: format!(
                    "the operator is the database user '{}', not '{}': on PostgreSQL \
                     keyctl acts only as the user it connected as",
                    text::escape(&self.actor),
                    text::escape(&claimed)
                ),
                hint: Some(format!(
                    "connect as '{}' (the user in the database URL), or leave out --actor \
                     and KEYCTL_ACTOR",
                    text::escape(&claimed)
                )),
            });
        }
        let grants = match self.grants {
            Some(g) => g,
            None => {
                let actor = &self.actor;
                let g = self.store.peek(|q| q.role_lookup(actor))?;
                *self.grants.insert(g)
            }
        };
        let role = grants.role();
        if role.is_some_and(|r| r >= needed) {
            return Ok(());
        }
        let details = json!({
            "command": command,
            "role": role.map(Role::as_str),
            "required_role": needed.as_str(),
        });
        self.record_refusal(&details)?;
        let has = match role {
            Some(r) => format!("the {r} role"),
            None => "no role".to_owned(),
        };
        Err(Error::Forbidden {
            message: format!(
                "operator '{}' has {has}; `{command}` needs the {needed} role",
                text::escape(&self.actor)
            ),
            hint: Some(
                "an owner grants roles with `keyctl roles grant NAME ROLE` (`keyctl roles list` \
                 shows them)"
                    .to_owned(),
            ),
        })
    }

    /// Appends a `command.refused` event with `details`, in a transaction of
    /// its own.
    fn record_refusal(&mut self, details: &serde_json::Value) -> Result<()> {
        let now = self.now();
        let actor = &self.actor;
        self.store.write(Durability::Normal, |q| {
            crate::audit::append(
                q,
                &Event {
                    ts: now,
                    actor,
                    action: action::COMMAND_REFUSED,
                    key_id: None,
                    key_prefix: None,
                    details,
                },
            )
            .map(drop)
        })
    }
}

/// Resolves `query` to one key inside a transaction: an id, a displayed
/// prefix, or a name (keys that are not revoked first, else all keys of
/// that name).
fn resolve_in(q: &mut dyn Queries, query: &str, now: Timestamp) -> Result<Key> {
    if Secret::looks_like_secret(query) {
        return Err(Error::invalid_with_hint(
            "that argument is a full secret, which must never be passed on a command line",
            "name the key by its id or displayed prefix; consider rotating a secret that was exposed",
        ));
    }
    if looks_like_key_id(query)
        && let Some(key) = q.key_by_id(query)?
    {
        return Ok(key);
    }
    let by_prefix = q.keys_by_prefix(query)?;
    if !by_prefix.is_empty() {
        return one_of(by_prefix, query, now);
    }
    let by_name = q.keys_by_name(query)?;
    let live: Vec<Key> = by_name
        .iter()
        .filter(|k| k.revoked_at.is_none())
        .cloned()
        .collect();
    if live.is_empty() {
        one_of(by_name, query, now)
    } else {
        one_of(live, query, now)
    }
}

fn one_of(mut keys: Vec<Key>, query: &str, now: Timestamp) -> Result<Key> {
    match keys.len() {
        0 => Err(Error::KeyNotFound(text::escape(query).into_owned())),
        1 => Ok(keys.remove(0)),
        _ => Err(Error::Ambiguous {
            query: text::escape(query).into_owned(),
            candidates: keys.iter().map(|k| k.summary_line(now)).collect(),
        }),
    }
}
