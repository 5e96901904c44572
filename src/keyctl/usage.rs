//! Usage on [`Keyctl`]: reports and `ingest`. Rollups, report building and
//! the parsing of gateway logs are in [`crate::usage`]; this adds the role
//! check, the clock, the transactions and ingest's audit entry.

use std::io::{BufRead, Seek, SeekFrom, Write};

use serde_json::json;

use super::{Keyctl, resolve_in};
use crate::audit::{self, Event, action};
use crate::error::{Error, Result};
use crate::role::Role;
use crate::store::{Durability, KeyTotals};
use crate::usage::{self, IngestSummary, UsageReport, Window};

impl Keyctl {
    /// The usage report of one key.
    pub fn usage(&mut self, query: &str, window: Window, recent: usize) -> Result<UsageReport> {
        self.authorize("usage", Role::Member)?;
        let now = self.now();
        self.store.read(|q| {
            let key = resolve_in(q, query, now)?;
            usage::report(q, key, window, recent)
        })
    }

    /// Per-key totals over a window, busiest first (then by key id).
    pub fn usage_all(&mut self, window: Window) -> Result<Vec<KeyTotals>> {
        self.authorize("usage", Role::Member)?;
        let (from, to) = window.days();
        let mut totals = self.store.read(|q| q.totals_by_key(from, to))?;
        // Busiest first, then by id: the same order on every backend.
        totals.sort_unstable_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then_with(|| a.key_id.cmp(&b.key_id))
        });
        Ok(totals)
    }

    /// Imports request records (JSON Lines) from a gateway log in one
    /// transaction: a bad line imports nothing. `source` names the file in
    /// the audit trail; `progress` is told how many bytes were read so far.
    pub fn ingest(
        &mut self,
        reader: &mut dyn BufRead,
        source: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<IngestSummary> {
        self.authorize("ingest", Role::Admin)?;
        // The source is kept in the trail, where nothing can be removed.
        crate::secret::scan::refuse_secret("the source name", source)?;
        let now = self.now();
        let actor = self.actor.clone();
        // Pass 1, without the write lock: copy the input to a private spool
        // file while checking every line and resolving its key, so a slow
        // producer or a bad line never holds up other writers.
        let mut spool = tempfile::tempfile().map_err(|e| Error::Io {
            path: std::env::temp_dir(),
            source: e,
        })?;
        let ids = self.store.read(|q| {
            let mut out = std::io::BufWriter::new(&mut spool);
            let ids = usage::check_lines(q, reader, &mut out, progress, now)?;
            out.flush().map_err(usage::spool_error)?;
            Ok(ids)
        })?;
        spool.seek(SeekFrom::Start(0)).map_err(usage::spool_error)?;
        let mut lines = std::io::BufReader::with_capacity(1 << 16, spool);
        // Pass 2: one write transaction that inserts the checked lines.
        self.store.write(Durability::Normal, |q| {
            let summary = usage::insert_lines(q, &mut lines, &ids, &actor)?;
            let details =
                json!({ "source": source, "requests": summary.requests, "keys": summary.keys });
            audit::append(
                q,
                &Event {
                    ts: now,
                    actor: &actor,
                    action: action::INGEST,
                    key_id: None,
                    key_prefix: None,
                    details: &details,
                },
            )?;
            Ok(summary)
        })
    }
}
