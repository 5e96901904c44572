//! `migrate`: copy a whole store to another one (SQLite to PostgreSQL, or
//! back).
//!
//! The copy reads one snapshot of the source and writes the target in one
//! write transaction, so a copy that fails part way leaves nothing in the
//! target. The target must hold no keyctl data yet. Every row keeps its
//! sequence number, so the copy lists, links and hashes exactly as the
//! source: before committing, the copy's audit chain is checked from its
//! first entry and its head must be the source's, and every table must hold
//! as many rows as the source's. Writes made to the source after the copy
//! began are not in it: stop writers (or point them at the target) first.

use crate::audit::check_chain;
use crate::error::{Error, Result};
use crate::key::Key;
use crate::store::{CopyRecord, CopyTable, Durability, Queries, Store};

/// What `migrate` copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// Rows copied, per table, in copy order.
    pub copied: Vec<(CopyTable, u64)>,
    /// The number of audit entries and the last hash, the same on both sides.
    pub audit_head: Option<(i64, String)>,
}

impl Migrated {
    #[must_use]
    pub fn total(&self) -> u64 {
        self.copied.iter().map(|(_, n)| n).sum()
    }
}

/// Copies everything in `source` to `target`, which must be empty: one
/// read snapshot of the source, one write transaction on the target.
/// `progress` is told the rows copied so far and the total.
pub(crate) fn copy(
    source: &mut Store,
    target: &mut Store,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Migrated> {
    source.read(|source| {
        let mut counts = Vec::new();
        for table in CopyTable::ALL {
            counts.push((table, source.copy_count(table)?));
        }
        let head = source.audit_tail()?;
        target.write(Durability::Full, |copy| {
            refuse_unless_empty(copy)?;
            let total: u64 = counts.iter().map(|(_, n)| n).sum();
            let mut done = 0u64;
            progress(0, total);
            for table in CopyTable::ALL {
                source.copy_out(table, &mut |record| {
                    copy.copy_in(&record)?;
                    done += 1;
                    if done.is_multiple_of(512) {
                        progress(done, total);
                    }
                    Ok(())
                })?;
                if table == CopyTable::Keys {
                    link_rotations(source, copy)?;
                }
            }
            copy.copy_finish()?;
            progress(done, total);
            check_copy(copy, &counts, head.as_ref())?;
            Ok(Migrated {
                copied: counts.clone(),
                audit_head: head.clone(),
            })
        })
    })
}

/// The target must hold no keyctl data: a copy never merges.
fn refuse_unless_empty(copy: &mut dyn Queries) -> Result<()> {
    for table in CopyTable::ALL {
        let n = copy.copy_count(table)?;
        if n > 0 {
            return Err(Error::conflict(
                format!(
                    "the target already holds keyctl data ({n} row{} in its {} table); migrate copies only into an empty store",
                    if n == 1 { "" } else { "s" },
                    table.as_str()
                ),
                Some("choose a new database or file as the target".to_owned()),
            ));
        }
    }
    Ok(())
}

/// Keys were copied without their rotation links (a link may name a later
/// key); this writes them now that every key exists.
fn link_rotations(source: &mut dyn Queries, copy: &mut dyn Queries) -> Result<()> {
    source.copy_out(CopyTable::Keys, &mut |record| {
        if let CopyRecord::Key { key, .. } = record
            && linked(&key)
        {
            copy.update_key(&key)?;
        }
        Ok(())
    })
}

fn linked(key: &Key) -> bool {
    key.rotated_from.is_some() || key.replaced_by.is_some()
}

/// The copy holds what the source holds, and its audit chain verifies and
/// ends where the source's does.
fn check_copy(
    copy: &mut dyn Queries,
    counts: &[(CopyTable, u64)],
    head: Option<&(i64, String)>,
) -> Result<()> {
    for (table, expected) in counts {
        let n = copy.copy_count(*table)?;
        if n != *expected {
            return Err(Error::Storage(format!(
                "the copy holds {n} {} where the source holds {expected}; nothing was copied",
                table.as_str().replace('_', " ")
            )));
        }
    }
    let report = check_chain(copy, head.map(|(_, h)| h.as_str()))?;
    if let Some((_, why)) = report.broken {
        return Err(Error::Storage(format!(
            "the copy's audit chain does not verify ({why}); nothing was copied"
        )));
    }
    if report.head.as_ref() != head {
        return Err(Error::Storage(
            "the copy's audit head differs from the source's; nothing was copied".to_owned(),
        ));
    }
    Ok(())
}
