//! The audit trail: hash-chained events, the trail query, and the chain check.
//!
//! The trail is the chained events (key changes, refused commands, refused
//! verifications, ingest runs) together with the recorded API requests. A
//! request whose verification was refused is represented by its event.
//!
//! Each event's `hash` is the SHA-256 (lower-case hex) of its canonical
//! form, the UTF-8 text
//!
//! ```text
//! {"seq":N,"ts":"<RFC 3339 UTC>","actor":"…","action":"…","key_id":…,"key_prefix":…,"details":<details>,"status":…,"path":…,"prev_hash":"…"}
//! ```
//!
//! with the members in exactly that order and no spaces; strings are JSON
//! strings as `serde_json` writes them, `key_id`, `key_prefix` and `path` a
//! string or `null`, `status` a number or `null`, `<details>` the `details`
//! column exactly as stored (compact JSON, members sorted by name), and
//! `prev_hash` the previous event's hash (64 zeros for the first). `status`
//! and `path` are the columns that let the trail be filtered by an index;
//! being in the hash, they cannot be edited unnoticed either. An event is appended in the same transaction as the
//! change it describes, so there is no change without its event and no event
//! without its change. No secret ever enters an event.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::key::Key;
use crate::secret::hex;
use crate::store::{AuditQuery, AuditRow, Queries, RequestRecord};
use crate::time::{Timestamp, rfc3339};

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Event actions.
pub mod action {
    pub const KEY_CREATED: &str = "key.created";
    pub const KEY_UPDATED: &str = "key.updated";
    pub const KEY_REVOKED: &str = "key.revoked";
    pub const KEY_ROTATED: &str = "key.rotated";
    /// A verification refused with a 401 outcome.
    pub const VERIFY_FAILED: &str = "verify.failed";
    /// A verification refused for its scope (403).
    pub const VERIFY_FORBIDDEN: &str = "verify.forbidden";
    /// A verification refused by a rate limit, quota or plan (429).
    pub const VERIFY_LIMITED: &str = "verify.limited";
    /// A gateway log brought in by `ingest`.
    pub const INGEST: &str = "requests.ingested";
    /// A command the operator's role does not allow, or a role change the
    /// owner rules refuse.
    pub const COMMAND_REFUSED: &str = "command.refused";
    /// An operator was given a role (by `roles grant`, or seeded from the
    /// config).
    pub const ROLE_GRANTED: &str = "role.granted";
    /// An operator's grant was taken away.
    pub const ROLE_REVOKED: &str = "role.revoked";
    /// The pseudo-action of request entries in the trail.
    pub const REQUEST: &str = "request";

    /// Every action, for help and validation.
    pub const ALL: [&str; 12] = [
        KEY_CREATED,
        KEY_UPDATED,
        KEY_REVOKED,
        KEY_ROTATED,
        VERIFY_FAILED,
        VERIFY_FORBIDDEN,
        VERIFY_LIMITED,
        INGEST,
        COMMAND_REFUSED,
        ROLE_GRANTED,
        ROLE_REVOKED,
        REQUEST,
    ];
}

fn json_str(s: &str) -> String {
    // Serializing a string cannot fail.
    serde_json::to_string(s).unwrap_or_default()
}

fn json_opt(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_owned(), json_str)
}

/// The canonical form of an event, from its stored columns.
#[must_use]
pub fn canonical(row: &AuditRow) -> String {
    format!(
        "{{\"seq\":{},\"ts\":{},\"actor\":{},\"action\":{},\"key_id\":{},\"key_prefix\":{},\"details\":{},\"status\":{},\"path\":{},\"prev_hash\":{}}}",
        row.seq,
        json_str(&rfc3339(row.ts)),
        json_str(&row.actor),
        json_str(&row.action),
        json_opt(row.key_id.as_deref()),
        json_opt(row.key_prefix.as_deref()),
        row.details,
        row.status
            .map_or_else(|| "null".to_owned(), |s| s.to_string()),
        json_opt(row.path.as_deref()),
        json_str(&row.prev_hash),
    )
}

/// SHA-256 of the canonical form, lower-case hex.
#[must_use]
pub fn row_hash(row: &AuditRow) -> String {
    hex(&Sha256::digest(canonical(row).as_bytes()))
}

/// One event to append.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub ts: Timestamp,
    pub actor: &'a str,
    pub action: &'a str,
    pub key_id: Option<&'a str>,
    pub key_prefix: Option<&'a str>,
    /// A JSON object; its `status` and `path` members, when present, are
    /// also stored in columns of their own for filtering.
    pub details: &'a Value,
}

impl<'a> Event<'a> {
    /// An event about a key.
    #[must_use]
    pub fn about(
        key: &'a Key,
        ts: Timestamp,
        actor: &'a str,
        action: &'a str,
        details: &'a Value,
    ) -> Self {
        Event {
            ts,
            actor,
            action,
            key_id: Some(&key.id),
            key_prefix: Some(&key.prefix),
            details,
        }
    }
}

/// The `status` and `path` a details object carries, as stored in columns.
fn indexed_fields(details: &Value) -> (Option<u16>, Option<String>) {
    let status = details
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok());
    let path = details
        .get("path")
        .and_then(Value::as_str)
        .map(str::to_owned);
    (status, path)
}

/// Appends one event to the chain inside the caller's transaction.
pub fn append(q: &mut dyn Queries, e: &Event<'_>) -> Result<AuditRow> {
    let (seq, prev_hash) = match q.audit_tail()? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let (status, path) = indexed_fields(e.details);
    let mut row = AuditRow {
        seq,
        ts: e.ts,
        actor: e.actor.to_owned(),
        action: e.action.to_owned(),
        key_id: e.key_id.map(str::to_owned),
        key_prefix: e.key_prefix.map(str::to_owned),
        // serde_json's map keeps members sorted (no `preserve_order`), and
        // `to_string` is compact: the canonical details.
        details: e.details.to_string(),
        status,
        path,
        prev_hash,
        hash: String::new(),
    };
    row.hash = row_hash(&row);
    q.insert_audit(&row)?;
    Ok(row)
}

/// An entry of the trail: a chained event or a recorded request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrailEntry {
    Event(AuditRow),
    Request { seq: i64, request: RequestRecord },
}

impl TrailEntry {
    #[must_use]
    pub fn ts(&self) -> Timestamp {
        match self {
            TrailEntry::Event(e) => e.ts,
            TrailEntry::Request { request, .. } => request.ts,
        }
    }

    /// The details of a request entry, as a JSON object.
    #[must_use]
    pub fn request_details(r: &RequestRecord) -> Value {
        json!({
            "method": r.method,
            "path": r.path,
            "status": r.status,
            "duration_ms": r.duration_ms,
            "ip": r.ip,
            "user_agent": r.user_agent,
            "source": r.source.as_str(),
            "outcome": r.outcome,
        })
    }
}

/// A status filter: one code, or a class (`4xx` is class 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    Code(u16),
    Class(u16),
}

impl StatusMatch {
    /// Parses `401`, `4xx` or `5XX`.
    pub fn parse(s: &str) -> Result<StatusMatch> {
        let t = s.trim().to_ascii_lowercase();
        if let Some(c) = t.strip_suffix("xx")
            && let Ok(c) = c.parse::<u16>()
            && (1..=5).contains(&c)
        {
            return Ok(StatusMatch::Class(c));
        }
        match t.parse::<u16>() {
            Ok(code) if (100..=599).contains(&code) => Ok(StatusMatch::Code(code)),
            _ => Err(Error::invalid_with_hint(
                format!(
                    "status '{}' is not an HTTP status or class",
                    crate::text::escape(s)
                ),
                "use a code such as 401, or a class such as 4xx",
            )),
        }
    }

    /// The inclusive range of codes it matches.
    #[must_use]
    pub fn range(self) -> (u16, u16) {
        match self {
            StatusMatch::Code(c) => (c, c),
            StatusMatch::Class(c) => (c * 100, c * 100 + 99),
        }
    }
}

/// What a chain check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Events checked.
    pub checked: u64,
    /// The last event's sequence number and hash, if any.
    pub head: Option<(i64, String)>,
    /// The first problem, if any: the sequence number where the chain breaks
    /// and what is wrong there.
    pub broken: Option<(i64, String)>,
}

impl ChainReport {
    #[must_use]
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Walks the chain in order and reports the first broken entry. With
/// `expected_head`, the chain must still contain the event with that hash.
pub fn check_chain(q: &mut dyn Queries, expected_head: Option<&str>) -> Result<ChainReport> {
    let mut prev_seq = 0i64;
    let mut prev_hash = GENESIS_HASH.to_owned();
    let mut checked = 0u64;
    let mut broken: Option<(i64, String)> = None;
    let mut head_seen = expected_head.is_none();
    q.for_each_audit(&mut |row| {
        if broken.is_some() {
            return Ok(());
        }
        checked += 1;
        if row.seq != prev_seq + 1 {
            broken = Some((
                row.seq,
                format!(
                    "entry {} follows entry {prev_seq}: an entry was deleted or inserted",
                    row.seq
                ),
            ));
        } else if row.prev_hash != prev_hash {
            broken = Some((
                row.seq,
                format!(
                    "entry {} does not link to entry {prev_seq}: entries were deleted, inserted or reordered",
                    row.seq
                ),
            ));
        } else if row_hash(&row) != row.hash {
            broken = Some((
                row.seq,
                format!("entry {} was edited: its content does not match its hash", row.seq),
            ));
        }
        if expected_head.is_some_and(|h| h == row.hash) {
            head_seen = true;
        }
        prev_seq = row.seq;
        prev_hash = row.hash;
        Ok(())
    })?;
    let head = (checked > 0).then(|| (prev_seq, prev_hash.clone()));
    if broken.is_none() && !head_seen {
        broken = Some((
            prev_seq,
            format!(
                "no entry has the recorded head hash {}: the trail was truncated after entry {prev_seq} (or the hash is wrong)",
                expected_head.unwrap_or_default()
            ),
        ));
    }
    Ok(ChainReport {
        checked,
        head,
        broken,
    })
}

/// The trail's filters, in the user's terms. The default selects the
/// [`AuditFilter::DEFAULT_LIMIT`] newest entries of every kind.
#[derive(Debug, Clone)]
pub struct AuditFilter {
    /// A key: id, displayed prefix or name.
    pub key: Option<String>,
    pub actions: Vec<String>,
    pub actor: Option<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub status: Option<StatusMatch>,
    /// A path prefix.
    pub path: Option<String>,
    /// At most this many entries, newest first; at least 1.
    pub limit: usize,
}

impl AuditFilter {
    /// The limit of the default filter (as `keyctl audit` without `--limit`).
    pub const DEFAULT_LIMIT: usize = 50;
}

impl Default for AuditFilter {
    fn default() -> AuditFilter {
        AuditFilter {
            key: None,
            actions: Vec::new(),
            actor: None,
            since: None,
            until: None,
            status: None,
            path: None,
            limit: AuditFilter::DEFAULT_LIMIT,
        }
    }
}

/// Refuses an action name that is not in [`action::ALL`].
pub fn check_actions(actions: &[String]) -> Result<()> {
    for a in actions {
        if !action::ALL.contains(&a.as_str()) {
            return Err(Error::invalid_with_hint(
                format!("'{}' is not an audit action", crate::text::escape(a)),
                format!("actions: {}", action::ALL.join(", ")),
            ));
        }
    }
    Ok(())
}

/// The trail that `filter` selects, newest first, inside the caller's
/// transaction; `key_id` is `filter.key` already resolved to an id.
pub fn trail(
    q: &mut dyn Queries,
    filter: &AuditFilter,
    key_id: Option<String>,
) -> Result<Vec<TrailEntry>> {
    let query = AuditQuery {
        key_id,
        actions: filter.actions.clone(),
        actor: filter.actor.clone(),
        since: filter.since,
        until: filter.until,
        status: filter.status.map(StatusMatch::range),
        path_prefix: filter.path.clone(),
        limit: filter.limit,
    };
    let want_events =
        filter.actions.is_empty() || filter.actions.iter().any(|a| a != action::REQUEST);
    let want_requests =
        filter.actions.is_empty() || filter.actions.iter().any(|a| a == action::REQUEST);
    let events = if want_events {
        q.audit_events(&query)?
    } else {
        Vec::new()
    };
    let requests = if want_requests {
        q.trail_requests(&query)?
    } else {
        Vec::new()
    };
    Ok(merge(events, requests, filter.limit))
}

/// Merges events and requests, both newest first, into one list of at most
/// `limit` entries: by time, newest first; at the same second, events first.
fn merge(
    events: Vec<AuditRow>,
    requests: Vec<(i64, RequestRecord)>,
    limit: usize,
) -> Vec<TrailEntry> {
    let mut out = Vec::with_capacity(limit.min(events.len() + requests.len()));
    let mut e = events.into_iter().peekable();
    let mut r = requests.into_iter().peekable();
    while out.len() < limit {
        let take_event = match (e.peek(), r.peek()) {
            (Some(ev), Some((_, rq))) => ev.ts >= rq.ts,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if take_event {
            if let Some(ev) = e.next() {
                out.push(TrailEntry::Event(ev));
            }
        } else if let Some((seq, request)) = r.next() {
            out.push(TrailEntry::Request { seq, request });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::from_unix;

    fn row(seq: i64, details: &str, prev: &str) -> AuditRow {
        let mut r = AuditRow {
            seq,
            ts: from_unix(0),
            actor: "alice".into(),
            action: action::KEY_CREATED.into(),
            key_id: Some("key_0123456789".into()),
            key_prefix: Some("sk_live_abcdefgh".into()),
            details: details.into(),
            status: None,
            path: None,
            prev_hash: prev.into(),
            hash: String::new(),
        };
        r.hash = row_hash(&r);
        r
    }

    #[test]
    fn canonical_form_is_documented_exactly() {
        let r = row(1, r#"{"a":["x",null],"z":1}"#, GENESIS_HASH);
        assert_eq!(
            canonical(&r),
            format!(
                r#"{{"seq":1,"ts":"1970-01-01T00:00:00Z","actor":"alice","action":"key.created","key_id":"key_0123456789","key_prefix":"sk_live_abcdefgh","details":{{"a":["x",null],"z":1}},"status":null,"path":null,"prev_hash":"{GENESIS_HASH}"}}"#
            )
        );
        assert_eq!(r.hash, hex(&Sha256::digest(canonical(&r).as_bytes())));
    }

    #[test]
    fn any_field_changes_the_hash() {
        let base = row(2, "{}", GENESIS_HASH);
        let h = row_hash(&base);
        let variants: [fn(&mut AuditRow); 10] = [
            |r| r.status = Some(401),
            |r| r.path = Some("/v1".into()),
            |r| r.seq = 3,
            |r| r.ts = from_unix(1),
            |r| r.actor = "bob".into(),
            |r| r.action = "key.revoked".into(),
            |r| r.key_id = None,
            |r| r.key_prefix = Some("sk_live_zzzzzzzz".into()),
            |r| r.details = r#"{"r":1}"#.into(),
            |r| r.prev_hash = "1".repeat(64),
        ];
        for change in variants {
            let mut r = base.clone();
            change(&mut r);
            assert_ne!(row_hash(&r), h);
        }
    }

    #[test]
    fn status_filters_parse() {
        assert_eq!(StatusMatch::parse("401").unwrap(), StatusMatch::Code(401));
        assert_eq!(StatusMatch::parse("4xx").unwrap().range(), (400, 499));
        assert_eq!(StatusMatch::parse("5XX").unwrap().range(), (500, 599));
        for bad in ["", "4x", "6xx", "0xx", "99", "600", "abc"] {
            assert!(StatusMatch::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn merge_orders_by_time_and_limits() {
        let ev = |seq, ts| {
            let mut r = row(seq, "{}", GENESIS_HASH);
            r.ts = from_unix(ts);
            r
        };
        let rq = |ts| RequestRecord {
            key_id: None,
            ts: from_unix(ts),
            method: None,
            path: None,
            status: 200,
            duration_ms: None,
            ip: None,
            user_agent: None,
            outcome: None,
            source: crate::store::Source::Ingest,
            actor: None,
        };
        let merged = merge(
            vec![ev(2, 30), ev(1, 10)],
            vec![(5, rq(30)), (4, rq(20))],
            3,
        );
        let times: Vec<i64> = merged.iter().map(|e| e.ts().timestamp()).collect();
        assert_eq!(times, [30, 30, 20]);
        assert!(matches!(merged[0], TrailEntry::Event(_)));
    }
}
