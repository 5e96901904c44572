//! The totals of every key, busiest first, sorted with bounded memory:
//! runs of rows sorted in memory spill to private temporary files and are
//! merged as they are read back.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use super::spool_error;
use crate::error::{Error, Result};
use crate::store::KeyTotals;
use crate::time::from_unix;

/// How many rows of the totals of every key are sorted in memory at once;
/// beyond that, sorted runs go to private temporary files and are merged.
const TOTALS_RUN: usize = 1 << 16;

/// The order of `usage` over every key: busiest first, then by key id.
pub(super) fn busiest_first(a: &KeyTotals, b: &KeyTotals) -> Ordering {
    b.requests
        .cmp(&a.requests)
        .then_with(|| a.key_id.cmp(&b.key_id))
}

/// Sorts the totals of every key busiest first with bounded memory: rows
/// are sorted in runs of [`TOTALS_RUN`], every full run is written to a
/// private temporary file, and [`BusiestFirst::finish`] merges the runs as
/// it hands the rows out. Only one run and one row per written run are held
/// at a time, whatever the number of keys.
pub(crate) struct BusiestFirst {
    run: Vec<KeyTotals>,
    run_len: usize,
    spilled: Vec<BufReader<File>>,
}

impl Default for BusiestFirst {
    fn default() -> Self {
        BusiestFirst::with_runs_of(TOTALS_RUN)
    }
}

impl BusiestFirst {
    pub(super) fn with_runs_of(run_len: usize) -> Self {
        BusiestFirst {
            run: Vec::new(),
            run_len: run_len.max(1),
            spilled: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, totals: KeyTotals) -> Result<()> {
        self.run.push(totals);
        if self.run.len() >= self.run_len {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> Result<()> {
        self.run.sort_unstable_by(busiest_first);
        let mut file = tempfile::tempfile().map_err(spool_error)?;
        {
            let mut out = BufWriter::with_capacity(1 << 16, &mut file);
            for t in self.run.drain(..) {
                write_totals(&mut out, &t).map_err(spool_error)?;
            }
            out.flush().map_err(spool_error)?;
        }
        file.seek(SeekFrom::Start(0)).map_err(spool_error)?;
        self.spilled.push(BufReader::with_capacity(1 << 15, file));
        Ok(())
    }

    /// Hands every row to `f`, busiest first, then by key id.
    pub(crate) fn finish<E: From<Error>>(
        mut self,
        f: &mut dyn FnMut(KeyTotals) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.run.sort_unstable_by(busiest_first);
        if self.spilled.is_empty() {
            return self.run.into_iter().try_for_each(f);
        }
        // The run in memory merges as one more source.
        let mut memory = self.run.into_iter();
        let mut heads: BinaryHeap<Head> = BinaryHeap::new();
        for (source, reader) in self.spilled.iter_mut().enumerate() {
            if let Some(row) = read_totals(reader).map_err(spool_error)? {
                heads.push(Head { row, source });
            }
        }
        let in_memory = self.spilled.len();
        if let Some(row) = memory.next() {
            heads.push(Head {
                row,
                source: in_memory,
            });
        }
        while let Some(Head { row, source }) = heads.pop() {
            let next = if source == in_memory {
                memory.next()
            } else {
                read_totals(&mut self.spilled[source]).map_err(spool_error)?
            };
            if let Some(next) = next {
                heads.push(Head { row: next, source });
            }
            f(row)?;
        }
        Ok(())
    }
}

/// The next row of one sorted source, in [`BusiestFirst::finish`]'s heap.
struct Head {
    row: KeyTotals,
    source: usize,
}

impl Ord for Head {
    // The heap pops its greatest element: the row that comes first.
    fn cmp(&self, other: &Self) -> Ordering {
        busiest_first(&other.row, &self.row)
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

fn write_totals(out: &mut impl Write, t: &KeyTotals) -> std::io::Result<()> {
    out.write_all(&t.requests.to_le_bytes())?;
    out.write_all(&t.errors.to_le_bytes())?;
    let last_used = t.last_used_at.map_or(i64::MIN, |at| at.timestamp());
    out.write_all(&last_used.to_le_bytes())?;
    for s in [&t.key_id, &t.name, &t.prefix] {
        let len = u32::try_from(s.len()).map_err(std::io::Error::other)?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(s.as_bytes())?;
    }
    Ok(())
}

/// The next row written by [`write_totals`], or `None` at the end.
fn read_totals(r: &mut impl Read) -> std::io::Result<Option<KeyTotals>> {
    let mut word = [0u8; 8];
    match r.read_exact(&mut word) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let requests = u64::from_le_bytes(word);
    r.read_exact(&mut word)?;
    let errors = u64::from_le_bytes(word);
    r.read_exact(&mut word)?;
    let last_used = i64::from_le_bytes(word);
    let mut text = || -> std::io::Result<String> {
        let mut len = [0u8; 4];
        r.read_exact(&mut len)?;
        let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
        r.read_exact(&mut bytes)?;
        String::from_utf8(bytes).map_err(std::io::Error::other)
    };
    let (key_id, name, prefix) = (text()?, text()?, text()?);
    Ok(Some(KeyTotals {
        key_id,
        name,
        prefix,
        last_used_at: (last_used != i64::MIN).then(|| from_unix(last_used)),
        requests,
        errors,
    }))
}
