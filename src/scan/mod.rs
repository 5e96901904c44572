//! Finding leaked keys and risky keys: the library under `keyctl scan` and
//! `keyctl doctor` (SPEC §12).
//!
//! [`find`] recognises secrets in a stream of bytes; [`walk`] feeds it the
//! files of folders (walked as ripgrep walks them), standard input, or what
//! git's index holds ([`staged`]); [`lookup`] tells, by hash, which key each
//! secret belongs to and whether it still works; [`doctor`] judges key rows
//! against the hygiene checks. None of them opens a store or checks a role:
//! the façade does both and hands them a transaction.
//!
//! Invariants: a found secret lives only in memory, inside a [`Secret`],
//! which never prints its text; everything reported about it is its
//! displayed prefix, its place and its key. A file that cannot be read is a
//! [`Report::warnings`] entry and the scan goes on.

use serde::Serialize;

use crate::error::Result;
use crate::key::Status;
use crate::secret::Secret;
use crate::store::Queries;
use crate::time::Timestamp;

pub mod doctor;
pub mod find;
pub mod staged;
pub mod walk;

/// A secret found at a place.
#[derive(Debug, Clone)]
pub struct Found {
    /// The path as given, or relative to the folder scanned; `<stdin>` for
    /// standard input.
    pub path: String,
    pub line: u64,
    pub column: u64,
    pub secret: Secret,
}

/// What a scan found, and what it could not read.
#[derive(Debug, Default)]
pub struct Report {
    /// In order of path, line and column.
    pub found: Vec<Found>,
    /// One line each, without a `warning: ` prefix, sorted.
    pub warnings: Vec<String>,
    /// How many files (or streams) were read.
    pub files: u64,
}

impl Report {
    /// Puts findings and warnings in their stable order (a parallel walk
    /// meets files in any order).
    pub fn sort(&mut self) {
        self.found.sort_by(|a, b| {
            (a.path.as_str(), a.line, a.column).cmp(&(b.path.as_str(), b.line, b.column))
        });
        self.warnings.sort();
    }
}

/// Whether a found secret still works, as far as this store knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LeakStatus {
    /// A key of this store that verifies (including an old key in its
    /// rotation grace period).
    Active,
    Expired,
    Revoked,
    /// Not a key of this store (or there is no store yet): it may work elsewhere.
    Unknown,
}

impl LeakStatus {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LeakStatus::Active => "active",
            LeakStatus::Expired => "expired",
            LeakStatus::Revoked => "revoked",
            LeakStatus::Unknown => "unknown",
        }
    }

    /// Whether whoever found the secret may be able to use it.
    #[must_use]
    pub fn usable(self) -> bool {
        matches!(self, LeakStatus::Active | LeakStatus::Unknown)
    }
}

impl From<Status> for LeakStatus {
    fn from(s: Status) -> LeakStatus {
        match s {
            Status::Active => LeakStatus::Active,
            Status::Expired => LeakStatus::Expired,
            Status::Revoked => LeakStatus::Revoked,
        }
    }
}

/// A found secret with its key: what `keyctl scan` prints (its JSON shape).
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub path: String,
    pub line: u64,
    pub column: u64,
    /// The displayed prefix: never more of the secret.
    pub prefix: String,
    pub key_id: Option<String>,
    pub name: Option<String>,
    pub status: LeakStatus,
}

/// Looks up each found secret by its hash, in the caller's transaction.
pub fn lookup(q: &mut dyn Queries, found: &[Found], now: Timestamp) -> Result<Vec<Finding>> {
    let mut out = Vec::with_capacity(found.len());
    for f in found {
        let key = q.key_by_hash(&f.secret.hash())?;
        out.push(Finding {
            path: f.path.clone(),
            line: f.line,
            column: f.column,
            prefix: f.secret.display_prefix(),
            status: key
                .as_ref()
                .map_or(LeakStatus::Unknown, |k| k.status(now).into()),
            key_id: key.as_ref().map(|k| k.id.clone()),
            name: key.map(|k| k.name),
        });
    }
    Ok(out)
}
