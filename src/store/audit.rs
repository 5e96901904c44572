//! The audit trail as stored: hash-chained events, and the request rows
//! that the trail shows beside them.
//!
//! The store keeps each event exactly as given, sequence number and hashes
//! included; computing and checking the chain is `crate::audit`'s job. A
//! trail listing is newest first (time, then sequence number) on every
//! backend, and never returns more than its limit.

use super::usage::RequestRecord;
use crate::error::Result;
use crate::time::Timestamp;

/// One row of the hash-chained audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub ts: Timestamp,
    pub actor: String,
    pub action: String,
    pub key_id: Option<String>,
    pub key_prefix: Option<String>,
    /// Canonical JSON of the event's details.
    pub details: String,
    /// The HTTP status in the details of a verification event.
    pub status: Option<u16>,
    /// The request path in the details of a verification event.
    pub path: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The trail's filters, resolved for the store.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub key_id: Option<String>,
    /// Event actions; `request` selects request entries.
    pub actions: Vec<String>,
    pub actor: Option<String>,
    pub since: Option<Timestamp>,
    /// Exclusive.
    pub until: Option<Timestamp>,
    /// An inclusive range of HTTP statuses.
    pub status: Option<(u16, u16)>,
    pub path_prefix: Option<String>,
    pub limit: usize,
}

/// The columns an [`AuditRow`] is read from, in the order both backends'
/// row mappings read them.
pub(crate) const AUDIT_COLUMNS: &str =
    "seq, ts, actor, action, key_id, key_prefix, details, status, path, prev_hash, hash";

impl AuditQuery {
    /// The event actions it filters on: `request` selects the trail's
    /// request entries, and filters no event.
    pub(crate) fn event_actions(&self) -> Vec<&String> {
        self.actions.iter().filter(|a| *a != "request").collect()
    }

    /// The parts to run instead of this query on the events, if any: one
    /// query per status code of a status class (`4xx`), else one per
    /// action. Each part is an index seek on `(status, ts)` or
    /// `(action, ts)` whose rows come out in time order, where a range or a
    /// list would sort every match; [`newest_first`](super::newest_first)
    /// merges them.
    pub(crate) fn event_parts(&self) -> Option<Vec<AuditQuery>> {
        self.status_parts().or_else(|| {
            let actions = self.event_actions();
            (actions.len() > 1).then(|| {
                actions
                    .into_iter()
                    .map(|a| AuditQuery {
                        actions: vec![a.clone()],
                        ..self.clone()
                    })
                    .collect()
            })
        })
    }

    /// The parts to run instead of this query on the request entries, if
    /// any: one per status code of a status class, as for events (actions
    /// do not filter requests).
    pub(crate) fn request_parts(&self) -> Option<Vec<AuditQuery>> {
        self.status_parts()
    }

    fn status_parts(&self) -> Option<Vec<AuditQuery>> {
        let (lo, hi) = self.status?;
        (lo < hi).then(|| {
            (lo..=hi)
                .map(|code| AuditQuery {
                    status: Some((code, code)),
                    ..self.clone()
                })
                .collect()
        })
    }
}

/// Appending to the trail and reading it, inside a transaction.
pub trait AuditQueries {
    /// The sequence number and hash of the last audit entry.
    fn audit_tail(&mut self) -> Result<Option<(i64, String)>>;
    fn insert_audit(&mut self, row: &AuditRow) -> Result<()>;
    /// The number of chained events.
    fn audit_count(&mut self) -> Result<u64>;
    /// Chained events passing the filter, newest first, at most `limit`.
    /// (`actions` other than `request` filter events.)
    fn audit_events(&mut self, query: &AuditQuery) -> Result<Vec<AuditRow>>;
    /// Request entries of the trail passing the filter, newest first, at most
    /// `limit`: every recorded request except refused verifications, which
    /// their events represent.
    fn trail_requests(&mut self, query: &AuditQuery) -> Result<Vec<(i64, RequestRecord)>>;
    /// Streams every chained event in sequence order.
    fn for_each_audit(&mut self, f: &mut dyn FnMut(AuditRow) -> Result<()>) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(status: Option<(u16, u16)>, actions: &[&str]) -> AuditQuery {
        AuditQuery {
            status,
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            limit: 10,
            ..AuditQuery::default()
        }
    }

    #[test]
    fn a_status_class_runs_as_one_query_per_code() {
        let q = query(Some((401, 403)), &["key.created", "key.revoked"]);
        for parts in [q.event_parts(), q.request_parts()] {
            let statuses: Vec<_> = parts.unwrap().iter().map(|p| p.status).collect();
            assert_eq!(
                statuses,
                [Some((401, 401)), Some((402, 402)), Some((403, 403))]
            );
        }
        assert!(query(Some((404, 404)), &[]).event_parts().is_none());
        assert!(query(Some((404, 404)), &[]).request_parts().is_none());
    }

    #[test]
    fn several_actions_split_events_but_not_requests() {
        let q = query(None, &["key.created", "request", "key.revoked"]);
        assert_eq!(q.event_actions(), ["key.created", "key.revoked"]);
        let actions: Vec<_> = q
            .event_parts()
            .unwrap()
            .into_iter()
            .map(|p| p.actions)
            .collect();
        assert_eq!(actions, [vec!["key.created"], vec!["key.revoked"]]);
        assert!(q.request_parts().is_none());
        // `request` alone, or one action beside it, is one query.
        assert!(
            query(None, &["request", "key.created"])
                .event_parts()
                .is_none()
        );
    }

    #[test]
    fn parts_merge_newest_first_up_to_the_limit() {
        let parts = [vec![(5, 1), (3, 2)], vec![(4, 3), (1, 4)], vec![]];
        let merged = super::super::newest_first(&parts, 3, |p| Ok(p.clone()), |r| r.0).unwrap();
        assert_eq!(merged, [(5, 1), (4, 3), (3, 2)]);
    }
}
