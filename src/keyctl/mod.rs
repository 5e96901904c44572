//! [`Keyctl`]: the library's entry point, the one place where its operations
//! meet the store, the settings, the clock and the acting operator.
//!
//! Every `impl Keyctl` block lives under this module, one file per concern:
//! `keys` (the key lifecycle), `audit`, `events` and `deliver` (the outbox
//! and its delivery), `verify`, `usage` and `migrate`. Each operation checks
//! the operator's role, takes what it needs from the clock and the settings,
//! and runs its store transactions, handing the work inside them to the
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
use crate::store::{Durability, Queries, Store};
use crate::text;
use crate::time::{Clock, Timestamp};

mod audit;
mod batch;
mod deliver;
mod events;
mod keys;
mod migrate;
mod opener;
mod usage;
mod verify;

pub use batch::Presented;
pub use keys::{
    Created, KeyChanges, KeyDetails, ListFilter, MAX_GRACE, NewKey, Revoked, Rotated, Updated,
};
pub use opener::Opener;

/// keyctl over one store, as one operator, at one clock.
pub struct Keyctl {
    store: Store,
    config: Config,
    clock: Clock,
    actor: String,
}

impl Keyctl {
    /// keyctl over `store`.
    #[must_use]
    pub fn new(store: Store, config: Config, clock: Clock, actor: String) -> Keyctl {
        Keyctl {
            store,
            config,
            clock,
            actor,
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

    #[must_use]
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Checks that the operator's role allows a command. Without `[roles]`
    /// everyone is an owner. A refusal is recorded in the trail (its own
    /// transaction; nothing else is written) and returns `Forbidden`.
    /// Crate-private: each operation checks its own role, and a library
    /// caller must not be able to write refusal rows of its choosing.
    pub(crate) fn authorize(&mut self, command: &str, needed: Role) -> Result<()> {
        let Some(roles) = &self.config.roles else {
            return Ok(());
        };
        let role = roles.role_of(&self.actor);
        if role.is_some_and(|r| r >= needed) {
            return Ok(());
        }
        let now = self.now();
        let actor = self.actor.clone();
        let details = json!({
            "command": command,
            "role": role.map(Role::as_str),
            "required_role": needed.as_str(),
        });
        self.store.write(Durability::Normal, |q| {
            crate::audit::append(
                q,
                &Event {
                    ts: now,
                    actor: &actor,
                    action: action::COMMAND_REFUSED,
                    key_id: None,
                    key_prefix: None,
                    details: &details,
                },
            )
            .map(drop)
        })?;
        let has = match role {
            Some(r) => format!("the {r} role"),
            None => "no role".to_owned(),
        };
        Err(Error::Forbidden {
            message: format!(
                "operator '{}' has {has}; `{command}` needs the {needed} role",
                text::escape(&actor)
            ),
            hint: Some("roles are set in the [roles] table of the config".to_owned()),
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
