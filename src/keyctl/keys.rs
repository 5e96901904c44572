//! The key lifecycle: create, resolve, list, show, update, revoke, rotate.
//!
//! Values arrive typed and checked (names, scopes against the catalog,
//! expiries in the future), so the same rules hold for the CLI and for a
//! Rust service calling the library. Each change is one transaction that
//! also journals it: an audit entry and then an outbox event, written by one
//! helper so that every change leaves both, or with its transaction neither.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde_json::{Value, json};

use super::{Keyctl, resolve_in};
use crate::audit::{self, Event, action};
use crate::error::{Error, Result};
use crate::events::{self, EventKind};
use crate::key::fields;
use crate::key::{Key, Status, new_key_id};
use crate::limits::{Plan, Quota, RateLimit};
use crate::role::Role;
use crate::scope::{Scope, ScopeSet};
use crate::secret::{Environment, Secret};
use crate::store::{Durability, KeyFilter, Queries, RequestTotals, StatusFilter};
use crate::time::{Timestamp, human_duration, rfc3339, within_range};

/// The longest grace period a rotation may give the old key.
pub const MAX_GRACE: TimeDelta = TimeDelta::days(30);

/// What `create` needs. Build it with [`NewKey::new`] and set what applies.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub name: String,
    pub description: Option<String>,
    /// `None`: the configured default environment.
    pub environment: Option<Environment>,
    /// At least one scope; [`Scope::All`] for full access.
    pub scopes: Vec<Scope>,
    pub expires_at: Option<Timestamp>,
    pub rate_limit: Option<RateLimit>,
    pub quota: Option<Quota>,
    pub metadata: BTreeMap<String, String>,
}

impl NewKey {
    #[must_use]
    pub fn new(name: impl Into<String>, scopes: Vec<Scope>) -> NewKey {
        NewKey {
            name: name.into(),
            description: None,
            environment: None,
            scopes,
            expires_at: None,
            rate_limit: None,
            quota: None,
            metadata: BTreeMap::new(),
        }
    }
}

/// A key just made, with its secret: the only time the secret is available.
#[derive(Debug)]
pub struct Created {
    pub key: Key,
    pub secret: Secret,
    /// The id of its `api_key.created` event.
    pub event_id: String,
}

/// What `update` may change. `None` leaves a field as it is; for optional
/// fields `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct KeyChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub expires_at: Option<Option<Timestamp>>,
    pub rate_limit: Option<Option<RateLimit>>,
    pub quota: Option<Option<Quota>>,
    pub set_metadata: Vec<(String, String)>,
    pub unset_metadata: Vec<String>,
}

impl KeyChanges {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.description.is_none()
            && self.expires_at.is_none()
            && self.rate_limit.is_none()
            && self.quota.is_none()
            && self.set_metadata.is_empty()
            && self.unset_metadata.is_empty()
    }
}

/// The result of `update`.
#[derive(Debug)]
pub struct Updated {
    pub key: Key,
    /// The names of the fields that changed (empty: nothing changed).
    pub changed: Vec<&'static str>,
    /// The id of its `api_key.updated` event, if anything changed.
    pub event_id: Option<String>,
}

/// The result of `revoke`.
#[derive(Debug)]
pub struct Revoked {
    pub key: Key,
    /// The key was already revoked; nothing changed.
    pub already: bool,
    /// The id of its `api_key.revoked` event, unless it was already revoked.
    pub event_id: Option<String>,
}

/// The result of `rotate`.
#[derive(Debug)]
pub struct Rotated {
    /// The old key: revoked now, or expiring at the end of the grace period.
    pub old: Key,
    pub new: Key,
    pub secret: Secret,
    /// The id of its `api_key.rotated` event.
    pub event_id: String,
}

/// Everything `show` prints.
#[derive(Debug)]
pub struct KeyDetails {
    pub key: Key,
    /// The keys of its rotation chain, oldest first (including this one).
    pub chain: Vec<Key>,
    /// Request counts; `since` is the last 30 days.
    pub usage: RequestTotals,
}

/// How `list` narrows the keys.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<StatusFilter>,
    pub environment: Option<Environment>,
    /// Keys whose scopes satisfy this one.
    pub scope: Option<Scope>,
    /// Keys that expire within this long from now.
    pub expiring_within: Option<TimeDelta>,
}

impl Keyctl {
    /// Makes a key and returns it with its secret.
    pub fn create(&mut self, new: NewKey) -> Result<Created> {
        self.create_and_hand_over(new, |_| Ok(()))
    }

    /// Makes a key and hands it with its secret to `hand_over` before the
    /// transaction commits, so that a secret nobody received never leaves a
    /// key behind: if `hand_over` fails (a closed pipe, a full disk), nothing
    /// is committed and the error is [`Error::SecretNotDelivered`].
    pub fn create_and_hand_over(
        &mut self,
        new: NewKey,
        hand_over: impl FnOnce(&Created) -> std::io::Result<()>,
    ) -> Result<Created> {
        self.authorize("create", Role::Admin)?;
        let now = self.now();
        let name = fields::validate_name(&new.name)?;
        let description = match &new.description {
            Some(d) => fields::validate_description(d)?,
            None => None,
        };
        let scopes = self.checked_scopes(&new.scopes)?;
        if let Some(at) = new.expires_at {
            within_range(at, "the expiry")?;
        }
        if let Some(at) = new.expires_at
            && at <= now
        {
            return Err(Error::invalid(format!(
                "expiry {} is not in the future (now is {})",
                rfc3339(at),
                rfc3339(now)
            )));
        }
        for (k, v) in &new.metadata {
            fields::parse_meta(&format!("{k}={v}"))?;
        }
        fields::check_meta_count(&new.metadata)?;
        let environment = new.environment.unwrap_or(self.config.default_env);
        let secret = Secret::generate(&self.config.key_prefix, environment)?;
        let actor = self.actor.clone();
        let plan = self.config.plan.clone();
        // A new key is written with synchronous=NORMAL: a power failure
        // could lose it (it then fails closed: the secret just shown does not
        // verify). Revocations, rotations and updates are fsynced.
        self.store.write(Durability::Normal, |q| {
            // A refusal commits its audit entry alone (SPEC §8).
            if let Some(full) = plan_full(q, plan.as_ref(), now, 0)? {
                full.journal(q, "create", None, now, &actor)?;
                return Ok(Err(full.error()));
            }
            let key = Key {
                id: unused_key_id(q)?,
                name,
                description,
                environment,
                scopes,
                prefix: secret.display_prefix(),
                created_at: now,
                created_by: actor.clone(),
                expires_at: new.expires_at,
                last_used_at: None,
                revoked_at: None,
                revoked_by: None,
                revoke_reason: None,
                rotated_from: None,
                replaced_by: None,
                rate_limit: new.rate_limit,
                quota: new.quota,
                metadata: new.metadata,
            };
            q.insert_key(&key, &secret.hash())?;
            let details = created_details(&key);
            let event_id = journal(q, Change::Created, &key, now, &actor, &details)?;
            let created = Created {
                key,
                secret,
                event_id,
            };
            hand_over(&created).map_err(Error::SecretNotDelivered)?;
            Ok(Ok(created))
        })?
    }

    /// Finds the one key that `query` names: an id, a displayed prefix, or a
    /// name (keys that are not revoked first, else all keys of that name).
    pub fn resolve(&mut self, query: &str) -> Result<Key> {
        self.authorize("resolve", Role::Member)?;
        let now = self.now();
        self.store.read(|q| resolve_in(q, query, now))
    }

    /// Streams the keys that pass `filter`, oldest first.
    pub fn list(
        &mut self,
        filter: &ListFilter,
        mut f: impl FnMut(Key) -> Result<()>,
    ) -> Result<()> {
        self.authorize("list", Role::Member)?;
        let now = self.now();
        let store_filter = KeyFilter {
            status: filter.status.unwrap_or(StatusFilter::NotRevoked),
            environment: filter.environment,
            expires_before: filter.expiring_within.map(|d| now + d),
            now,
        };
        let scope = filter.scope.clone();
        self.store.read(|q| {
            q.for_each_key(&store_filter, &mut |key| {
                if scope.as_ref().is_none_or(|s| key.scopes.satisfies(s)) {
                    f(key)
                } else {
                    Ok(())
                }
            })
        })
    }

    /// One key with its rotation chain and a usage summary.
    pub fn show(&mut self, query: &str) -> Result<KeyDetails> {
        self.authorize("show", Role::Member)?;
        let now = self.now();
        let since_day = (now - TimeDelta::days(29)).timestamp().div_euclid(86_400);
        self.store.read(|q| {
            let key = resolve_in(q, query, now)?;
            let chain = rotation_chain(q, &key)?;
            let usage = q.request_totals(&key.id, since_day)?;
            Ok(KeyDetails { key, chain, usage })
        })
    }

    /// Changes what may change on the key `query` names (an id, a displayed
    /// prefix or a name): never its scopes, environment or secret. The key
    /// is found and changed in one transaction.
    pub fn update(&mut self, query: &str, changes: &KeyChanges) -> Result<Updated> {
        self.authorize("update", Role::Admin)?;
        let now = self.now();
        let actor = self.actor.clone();
        let name = changes
            .name
            .as_deref()
            .map(fields::validate_name)
            .transpose()?;
        let description = match &changes.description {
            Some(Some(d)) => Some(fields::validate_description(d)?),
            Some(None) => Some(None),
            None => None,
        };
        if let Some(Some(at)) = changes.expires_at {
            within_range(at, "the expiry")?;
        }
        if let Some(Some(at)) = changes.expires_at
            && at <= now
        {
            return Err(Error::invalid(format!(
                "expiry {} is not in the future (now is {})",
                rfc3339(at),
                rfc3339(now)
            )));
        }
        for (k, v) in &changes.set_metadata {
            fields::parse_meta(&format!("{k}={v}"))?;
        }
        for k in &changes.unset_metadata {
            fields::validate_meta_key(k)?;
        }
        refuse_contradicting_metadata(changes)?;
        let plan = self.config.plan.clone();
        self.store.write(Durability::Full, |q| {
            let before = resolve_in(q, query, now)?;
            if before.revoked_at.is_some() {
                return Err(Error::conflict(
                    format!("key {} is revoked and can no longer be changed", before.id),
                    None,
                ));
            }
            // A replaced key lives only for its grace period, which update
            // may shorten but never extend.
            if let (Some(next), Some(new_expiry)) = (&before.replaced_by, changes.expires_at) {
                let extends = match (new_expiry, before.expires_at) {
                    (None, _) => true,
                    (Some(new), Some(old)) => new > old,
                    (Some(_), None) => false,
                };
                if extends {
                    return Err(Error::conflict(
                        format!(
                            "key {} was rotated to {next}; its grace period can end earlier but not later",
                            before.id
                        ),
                        Some(format!("revoke {} to end it now", before.id)),
                    ));
                }
            }
            let mut key = before.clone();
            let mut diff = serde_json::Map::new();
            let mut changed = Vec::new();
            let mut note = |field: &'static str, from: Value, to: Value| {
                if from != to {
                    changed.push(field);
                    diff.insert(field.to_owned(), json!({"from": from, "to": to}));
                }
            };
            if let Some(name) = name {
                note("name", json!(key.name), json!(name));
                key.name = name;
            }
            if let Some(description) = description {
                note("description", json!(key.description), json!(description));
                key.description = description;
            }
            if let Some(expires_at) = changes.expires_at {
                note(
                    "expires_at",
                    json!(key.expires_at.map(rfc3339)),
                    json!(expires_at.map(rfc3339)),
                );
                key.expires_at = expires_at;
            }
            if let Some(rate_limit) = changes.rate_limit {
                note(
                    "rate_limit",
                    json!(key.rate_limit.map(|r| r.to_string())),
                    json!(rate_limit.map(|r| r.to_string())),
                );
                key.rate_limit = rate_limit;
            }
            if let Some(quota) = changes.quota {
                note(
                    "quota",
                    json!(key.quota.map(|r| r.to_string())),
                    json!(quota.map(|r| r.to_string())),
                );
                key.quota = quota;
            }
            let mut metadata = key.metadata.clone();
            for k in &changes.unset_metadata {
                metadata.remove(k);
            }
            for (k, v) in &changes.set_metadata {
                metadata.insert(k.clone(), v.clone());
            }
            fields::check_meta_count(&metadata)?;
            note("metadata", json!(key.metadata), json!(metadata));
            key.metadata = metadata;
            // A key made active again (a later expiry on an expired key)
            // needs room in the plan, checked under the write lock as
            // `create` checks it; a refusal commits its audit entry alone.
            if before.status(now) != Status::Active
                && key.status(now) == Status::Active
                && let Some(full) = plan_full(q, plan.as_ref(), now, 0)?
            {
                full.journal(q, "update", Some(&before), now, &actor)?;
                return Ok(Err(full.error()));
            }

            let mut event_id = None;
            if !changed.is_empty() {
                q.update_key(&key)?;
                let diff = Value::Object(diff);
                let details = json!({ "changes": diff });
                let change = Change::Updated { diff: &diff };
                event_id = Some(journal(q, change, &key, now, &actor, &details)?);
            }
            Ok(Ok(Updated {
                key,
                changed,
                event_id,
            }))
        })?
    }

    /// Revokes the key `query` names, now, in one transaction. Revoking a
    /// revoked key changes nothing.
    pub fn revoke(&mut self, query: &str, reason: Option<&str>) -> Result<Revoked> {
        self.authorize("revoke", Role::Owner)?;
        let now = self.now();
        let actor = self.actor.clone();
        let reason = match reason {
            Some(r) => fields::validate_description(r)?,
            None => None,
        };
        self.store.write(Durability::Full, |q| {
            let mut key = resolve_in(q, query, now)?;
            if key.revoked_at.is_some() {
                return Ok(Revoked {
                    key,
                    already: true,
                    event_id: None,
                });
            }
            key.revoked_at = Some(now);
            key.revoked_by = Some(actor.clone());
            key.revoke_reason = reason;
            q.update_key(&key)?;
            let details = json!({ "reason": key.revoke_reason });
            let event_id = journal(q, Change::Revoked, &key, now, &actor, &details)?;
            Ok(Revoked {
                key,
                already: false,
                event_id: Some(event_id),
            })
        })
    }

    /// Replaces the key `query` names by a new one with the same name,
    /// scopes, environment, limits, metadata and lifetime length, in one
    /// transaction. The old key is revoked now, or
    /// with a grace period stays valid until then and expires.
    pub fn rotate(&mut self, query: &str, grace: Option<TimeDelta>) -> Result<Rotated> {
        self.rotate_and_hand_over(query, grace, |_| Ok(()))
    }

    /// [`Keyctl::rotate`], handing the result with the new secret to
    /// `hand_over` before the transaction commits: if `hand_over` fails, the old
    /// key stays as it was, no new key is made, and the error is
    /// [`Error::SecretNotDelivered`].
    pub fn rotate_and_hand_over(
        &mut self,
        query: &str,
        grace: Option<TimeDelta>,
        hand_over: impl FnOnce(&Rotated) -> std::io::Result<()>,
    ) -> Result<Rotated> {
        self.authorize("rotate", Role::Owner)?;
        let now = self.now();
        let actor = self.actor.clone();
        if let Some(g) = grace
            && (g > MAX_GRACE || g < TimeDelta::zero())
        {
            return Err(Error::invalid(format!(
                "grace period {} is longer than the limit of {}",
                human_duration(g),
                human_duration(MAX_GRACE)
            )));
        }
        let grace = grace.filter(|g| *g > TimeDelta::zero());
        let plan = self.config.plan.clone();
        let key_prefix = self.config.key_prefix.clone();
        self.store.write(Durability::Full, |q| {
            let mut old = resolve_in(q, query, now)?;
            if old.revoked_at.is_some() {
                return Err(Error::conflict(
                    format!("key {} is revoked; a revoked key cannot be rotated", old.id),
                    Some(crate::error::hint::ROTATE_REVOKED.to_owned()),
                ));
            }
            if let Some(next) = &old.replaced_by {
                return Err(Error::conflict(
                    format!("key {} was already rotated to {next}", old.id),
                    Some(format!("rotate {next} instead")),
                ));
            }
            // The old key stops counting toward the plan once it is replaced.
            let old_counts = old.status(now) == Status::Active;
            if let Some(full) = plan_full(q, plan.as_ref(), now, u64::from(old_counts))? {
                full.journal(q, "rotate", Some(&old), now, &actor)?;
                return Ok(Err(full.error()));
            }

            let secret = Secret::generate(&key_prefix, old.environment)?;
            let lifetime = old.expires_at.map(|e| e - old.created_at);
            let new = Key {
                id: unused_key_id(q)?,
                name: old.name.clone(),
                description: old.description.clone(),
                environment: old.environment,
                scopes: old.scopes.clone(),
                prefix: secret.display_prefix(),
                created_at: now,
                created_by: actor.clone(),
                expires_at: lifetime.map(|l| now + l),
                last_used_at: None,
                revoked_at: None,
                revoked_by: None,
                revoke_reason: None,
                rotated_from: Some(old.id.clone()),
                replaced_by: None,
                rate_limit: old.rate_limit,
                quota: old.quota,
                metadata: old.metadata.clone(),
            };
            q.insert_key(&new, &secret.hash())?;
            old.replaced_by = Some(new.id.clone());
            match grace {
                Some(g) => {
                    let until = now + g;
                    old.expires_at = Some(old.expires_at.map_or(until, |e| e.min(until)));
                }
                None => {
                    old.revoked_at = Some(now);
                    old.revoked_by = Some(actor.clone());
                    old.revoke_reason = Some(format!("rotated to {}", new.id));
                }
            }
            if let Some(at) = new.expires_at {
                within_range(at, "the new key's expiry (the old key's lifetime from now)")?;
            }
            if let Some(at) = old.expires_at {
                within_range(at, "the end of the grace period")?;
            }
            q.update_key(&old)?;
            let details = json!({
                "new_key_id": new.id,
                "new_prefix": new.prefix,
                "old_valid_until": if grace.is_some() {
                    json!(old.expires_at.map(rfc3339))
                } else {
                    json!(rfc3339(now))
                },
            });
            let change = Change::Rotated { new: &new };
            let event_id = journal(q, change, &old, now, &actor, &details)?;
            let rotated = Rotated {
                old,
                new,
                secret,
                event_id,
            };
            hand_over(&rotated).map_err(Error::SecretNotDelivered)?;
            Ok(Ok(rotated))
        })?
    }

    /// Checks scopes against the catalog and normalises them; at least one is needed.
    fn checked_scopes(&self, scopes: &[Scope]) -> Result<ScopeSet> {
        if scopes.is_empty() {
            return Err(Error::usage(
                "a key needs at least one scope",
                Some(crate::error::hint::NO_SCOPE.to_owned()),
            ));
        }
        for s in scopes {
            Scope::parse(&s.to_string(), &self.config.catalog)?;
        }
        Ok(ScopeSet::new(scopes.iter().cloned()))
    }
}

/// A change an operator makes to a key, with what its event carries beyond
/// the key.
#[derive(Debug, Clone, Copy)]
pub(super) enum Change<'a> {
    Created,
    /// `diff`: each changed field with `from` and `to`.
    Updated {
        diff: &'a Value,
    },
    Revoked,
    /// `new`: the key that replaces the rotated one.
    Rotated {
        new: &'a Key,
    },
}

impl Change<'_> {
    fn action(self) -> &'static str {
        match self {
            Change::Created => action::KEY_CREATED,
            Change::Updated { .. } => action::KEY_UPDATED,
            Change::Revoked => action::KEY_REVOKED,
            Change::Rotated { .. } => action::KEY_ROTATED,
        }
    }

    fn event(self) -> EventKind {
        match self {
            Change::Created => EventKind::Created,
            Change::Updated { .. } => EventKind::Updated,
            Change::Revoked => EventKind::Revoked,
            Change::Rotated { .. } => EventKind::Rotated,
        }
    }
}

/// Journals a change to `key` in the caller's transaction, after the change
/// itself is written: its audit entry (with `details`), then its outbox
/// event. Returns the event's id. Every lifecycle operation goes through
/// here, so none can leave one record of a change without the other.
pub(super) fn journal(
    q: &mut dyn Queries,
    change: Change<'_>,
    key: &Key,
    now: Timestamp,
    actor: &str,
    details: &Value,
) -> Result<String> {
    audit::append(q, &Event::about(key, now, actor, change.action(), details))?;
    let extra = events::Extra {
        actor: Some(actor),
        changes: match change {
            Change::Updated { diff } => Some(diff),
            _ => None,
        },
        new_key: match change {
            Change::Rotated { new } => Some(new),
            _ => None,
        },
    };
    events::record(q, change.event(), key, now, &extra)
}

/// A plan whose key count leaves no room for one more key.
struct PlanFull {
    plan: String,
    /// The plan's `max_keys`.
    max: u64,
    /// The keys that count toward it now.
    active: u64,
}

impl PlanFull {
    fn error(&self) -> Error {
        let (plan, max, active) = (&self.plan, self.max, self.active);
        if max == 0 {
            return Error::LimitReached {
                message: format!("plan '{plan}' has no API access: it allows no keys"),
                hint: Some("choose another plan with `plan = ...` in the config".to_owned()),
            };
        }
        Error::LimitReached {
            message: format!(
                "plan '{plan}' allows {max} active key{}, and {active} {} active",
                if max == 1 { "" } else { "s" },
                if active == 1 { "is" } else { "are" }
            ),
            hint: Some("revoke a key you no longer need, or move to a larger plan".to_owned()),
        }
    }

    /// Writes the refusal of `command` to the trail, in the caller's
    /// transaction; `key` is the key the command was about, if any.
    fn journal(
        &self,
        q: &mut dyn Queries,
        command: &str,
        key: Option<&Key>,
        now: Timestamp,
        actor: &str,
    ) -> Result<()> {
        let details = json!({
            "command": command,
            "plan": self.plan,
            "max_keys": self.max,
            "active_keys": self.active,
        });
        let event = match key {
            Some(key) => Event::about(key, now, actor, action::COMMAND_REFUSED, &details),
            None => Event {
                ts: now,
                actor,
                action: action::COMMAND_REFUSED,
                key_id: None,
                key_prefix: None,
                details: &details,
            },
        };
        audit::append(q, &event).map(drop)
    }
}

/// Whether the plan's key count leaves no room for one more key; `leaving`
/// keys stop counting in the same transaction.
fn plan_full(
    q: &mut dyn Queries,
    plan: Option<&Plan>,
    now: Timestamp,
    leaving: u64,
) -> Result<Option<PlanFull>> {
    let Some(plan) = plan else { return Ok(None) };
    let Some(max) = plan.max_keys else {
        return Ok(None);
    };
    let active = if max == 0 {
        0
    } else {
        q.count_plan_keys(now)?.saturating_sub(leaving)
    };
    Ok((active >= max).then(|| PlanFull {
        plan: plan.name.clone(),
        max,
        active,
    }))
}

/// Refuses a metadata key set twice, or set and unset, in one change:
/// which one wins would depend on the order of the arguments.
fn refuse_contradicting_metadata(changes: &KeyChanges) -> Result<()> {
    let mut set = std::collections::BTreeSet::new();
    for (k, _) in &changes.set_metadata {
        if !set.insert(k.as_str()) {
            return Err(Error::usage(
                format!("metadata key '{k}' is set twice"),
                Some("give each metadata key once".to_owned()),
            ));
        }
    }
    if let Some(k) = changes
        .unset_metadata
        .iter()
        .find(|k| set.contains(k.as_str()))
    {
        return Err(Error::usage(
            format!("metadata key '{k}' is both set and unset"),
            Some("use either --meta or --unset-meta for it".to_owned()),
        ));
    }
    Ok(())
}

/// A key id not taken yet (ids are random; a clash is retried).
fn unused_key_id(q: &mut dyn Queries) -> Result<String> {
    loop {
        let id = new_key_id()?;
        if !q.key_id_exists(&id)? {
            return Ok(id);
        }
    }
}

fn created_details(key: &Key) -> Value {
    json!({
        "name": key.name,
        "environment": key.environment.as_str(),
        "scopes": key.scopes.to_strings(),
        "expires_at": key.expires_at.map(rfc3339),
        "rate_limit": key.rate_limit.map(|r| r.to_string()),
        "quota": key.quota.map(|q| q.to_string()),
        "rotated_from": key.rotated_from,
    })
}

/// The keys linked to `key` by rotation, oldest first.
fn rotation_chain(q: &mut dyn Queries, key: &Key) -> Result<Vec<Key>> {
    const LIMIT: usize = 1000;
    let mut before = Vec::new();
    let mut cursor = key.rotated_from.clone();
    while let Some(id) = cursor {
        let Some(k) = q.key_by_id(&id)? else { break };
        cursor = k.rotated_from.clone();
        before.push(k);
        if before.len() >= LIMIT {
            break;
        }
    }
    before.reverse();
    let mut chain = before;
    chain.push(key.clone());
    let mut cursor = key.replaced_by.clone();
    while let Some(id) = cursor {
        let Some(k) = q.key_by_id(&id)? else { break };
        cursor = k.replaced_by.clone();
        chain.push(k);
        if chain.len() >= 2 * LIMIT {
            break;
        }
    }
    Ok(chain)
}
