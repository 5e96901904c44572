//! Finding keyctl secrets in a stream of bytes, in bounded memory.
//!
//! The input is read in chunks of [`CHUNK`] bytes; the end of each chunk is
//! carried into the next (a secret's length plus one byte), so a secret that
//! crosses a chunk boundary is found once, and memory stays the same for a
//! 2 GB file with no newline as for a small one. Candidates are found with
//! a SIMD literal search for the configured `<prefix>_` and then judged by
//! [`standalone_secret`]: the secret format, the checksum, and nothing
//! alphanumeric right before or after. The bytes are never decoded as text,
//! so invalid UTF-8 and NUL bytes are just bytes.
//!
//! Invariants: a [`Hit`] carries the [`Secret`] (which never prints its
//! text), its 1-based line and its 1-based byte column, counted as ripgrep
//! and SARIF count them (a `\r` before the `\n` belongs to the line it ends).

use std::io::{self, Read};

use memchr::memmem;

use crate::secret::scan::standalone_secret;
use crate::secret::{CHECKSUM_LEN, KeyPrefix, RANDOM_LEN, Secret};

/// How much is read at a time.
pub const CHUNK: usize = 1 << 20;

/// How far into a file a NUL byte makes it binary: git's own rule, so a
/// file keyctl calls binary is one that `git diff` calls binary too.
pub const BINARY_SNIFF: usize = 8000;

/// One secret found in a stream.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 1-based line number.
    pub line: u64,
    /// 1-based byte column within the line.
    pub column: u64,
    pub secret: Secret,
}

/// What a stream turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanned {
    /// Read to its end.
    Text,
    /// Binary (a NUL in its first [`BINARY_SNIFF`] bytes) and skipped, as asked.
    SkippedBinary,
}

/// Looks for the secrets of one key prefix.
#[derive(Clone)]
pub struct Finder {
    needle: memmem::Finder<'static>,
    token_len: usize,
}

impl std::fmt::Debug for Finder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Finder({}…)",
            String::from_utf8_lossy(self.needle.needle())
        )
    }
}

impl Finder {
    /// A finder for the secrets `<prefix>_live_…` and `<prefix>_test_…`.
    #[must_use]
    pub fn new(prefix: &KeyPrefix) -> Finder {
        let needle = format!("{}_", prefix.as_str()).into_bytes();
        Finder {
            token_len: needle.len() + "live_".len() + RANDOM_LEN + CHECKSUM_LEN,
            needle: memmem::Finder::new(&needle).into_owned(),
        }
    }

    /// Every secret in `bytes`, which is the whole input.
    #[must_use]
    pub fn find_all(&self, bytes: &[u8]) -> Vec<Hit> {
        let mut hits = Vec::new();
        // Reading a slice cannot fail.
        let _ = self.scan(&mut &bytes[..], false, &mut |h| hits.push(h));
        hits
    }

    /// Reads `reader` to its end and calls `on_hit` for each secret in it,
    /// in order. With `skip_binary`, a stream with a NUL in its first
    /// [`BINARY_SNIFF`] bytes is left unread past its first chunk. An error
    /// reading comes back after the hits before it were reported.
    pub fn scan(
        &self,
        reader: &mut dyn Read,
        skip_binary: bool,
        on_hit: &mut dyn FnMut(Hit),
    ) -> io::Result<Scanned> {
        // One buffer per thread, zeroed once: a walk reads tens of thousands
        // of small files, and a fresh megabyte each would cost more than
        // the search.
        BUFFER.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buf) => self.scan_in(&mut buf, reader, skip_binary, on_hit),
            // A scan started from inside `on_hit` gets a buffer of its own.
            Err(_) => self.scan_in(&mut Vec::new(), reader, skip_binary, on_hit),
        })
    }

    fn scan_in(
        &self,
        buf: &mut Vec<u8>,
        reader: &mut dyn Read,
        skip_binary: bool,
        on_hit: &mut dyn FnMut(Hit),
    ) -> io::Result<Scanned> {
        if buf.len() < CHUNK {
            buf.resize(CHUNK, 0);
        }
        // buf[..len] holds input; buf[0] is at absolute offset `base`.
        let mut len = 0usize;
        let mut base: u64 = 0;
        // Newlines are counted up to buf[counted]; `line` is the line there
        // and `line_start` the absolute offset where that line begins.
        let mut counted = 0usize;
        let mut line: u64 = 1;
        let mut line_start: u64 = 0;
        // Candidates starting before buf[searched] have been judged.
        let mut searched = 0usize;
        let mut first = true;
        loop {
            let eof = fill(reader, &mut buf[..CHUNK], &mut len)?;
            let data = &buf[..len];
            if first {
                first = false;
                let sniff = &data[..len.min(BINARY_SNIFF)];
                if skip_binary && memchr::memchr(0, sniff).is_some() {
                    return Ok(Scanned::SkippedBinary);
                }
            }
            // A candidate can be judged once the byte after it is here.
            let limit = if eof {
                len
            } else {
                len.saturating_sub(self.token_len)
            };
            if searched < limit {
                for at in self.needle.find_iter(&data[searched..]) {
                    let p = searched + at;
                    if p >= limit {
                        break;
                    }
                    let Some(secret) = standalone_secret(data, p, self.token_len) else {
                        continue;
                    };
                    count_lines(data, &mut counted, p, base, &mut line, &mut line_start);
                    on_hit(Hit {
                        line,
                        column: base + p as u64 - line_start + 1,
                        secret,
                    });
                }
                searched = limit;
            }
            if eof {
                return Ok(Scanned::Text);
            }
            // Keep the undecided tail and the one byte before it (the
            // left boundary of a candidate that starts the next round).
            let keep_from = limit.saturating_sub(1);
            count_lines(
                data,
                &mut counted,
                keep_from,
                base,
                &mut line,
                &mut line_start,
            );
            buf.copy_within(keep_from..len, 0);
            len -= keep_from;
            base += keep_from as u64;
            counted -= keep_from;
            searched -= keep_from;
        }
    }
}

thread_local! {
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads until `buf` is full or the input ends, from `buf[*len]` on; true at the end.
fn fill(reader: &mut dyn Read, buf: &mut [u8], len: &mut usize) -> io::Result<bool> {
    while *len < buf.len() {
        match reader.read(&mut buf[*len..]) {
            Ok(0) => return Ok(true),
            Ok(n) => *len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// Advances the line count from `buf[*counted]` to `buf[to]`.
fn count_lines(
    buf: &[u8],
    counted: &mut usize,
    to: usize,
    base: u64,
    line: &mut u64,
    line_start: &mut u64,
) {
    if to <= *counted {
        return;
    }
    let span = &buf[*counted..to];
    let mut last = None;
    for i in memchr::memchr_iter(b'\n', span) {
        *line += 1;
        last = Some(i);
    }
    if let Some(i) = last {
        *line_start = base + (*counted + i + 1) as u64;
    }
    *counted = to;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Environment;

    fn secret(env: Environment) -> Secret {
        Secret::generate(&KeyPrefix::default(), env).unwrap()
    }

    fn positions(hits: &[Hit]) -> Vec<(u64, u64)> {
        hits.iter().map(|h| (h.line, h.column)).collect()
    }

    /// A reader that hands out at most `step` bytes a call, to put chunk
    /// boundaries everywhere.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.data.len().min(self.step).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn lines_and_columns_count_from_one() {
        let (a, b) = (secret(Environment::Live), secret(Environment::Test));
        let text = format!(
            "first\r\nkey = \"{}\" # and {}\r\n\nlast {}",
            a.expose(),
            b.expose(),
            a.expose()
        );
        let hits = Finder::new(&KeyPrefix::default()).find_all(text.as_bytes());
        let col_b = 8 + a.expose().len() + 8;
        assert_eq!(
            positions(&hits),
            [(2, 8), (2, col_b as u64), (4, 6)],
            "{text}"
        );
        assert_eq!(hits[1].secret, b);
    }

    #[test]
    fn a_secret_must_stand_alone_and_check_out() {
        let a = secret(Environment::Live);
        let mut bad = a.expose().to_owned();
        bad.pop();
        bad.push(if a.expose().ends_with('x') { 'y' } else { 'x' });
        let f = Finder::new(&KeyPrefix::default());
        for text in [
            format!("Z{}", a.expose()),
            format!("{}9", a.expose()),
            format!("{bad} "),
            format!("{}\r\n{}", &a.expose()[..20], &a.expose()[20..]),
        ] {
            assert!(f.find_all(text.as_bytes()).is_empty(), "{text}");
        }
        let other = Finder::new(&KeyPrefix::new("acme").unwrap());
        assert!(other.find_all(a.expose().as_bytes()).is_empty());
    }

    #[test]
    fn invalid_utf8_and_nul_bytes_are_just_bytes() {
        let a = secret(Environment::Live);
        let mut data = vec![0xff, 0xfe, b'\n', 0, 0xc3];
        data.extend_from_slice(a.expose().as_bytes());
        data.extend_from_slice(b"\x00\n");
        let hits = Finder::new(&KeyPrefix::default()).find_all(&data);
        assert_eq!(positions(&hits), [(2, 3)]);
    }

    #[test]
    fn secrets_across_every_chunk_boundary_are_found_once() {
        let a = secret(Environment::Live);
        let f = Finder::new(&KeyPrefix::default());
        // Put the secret across the first chunk boundary at every offset.
        for shift in 0..=a.expose().len() + 1 {
            let pad = CHUNK - shift;
            let mut data = vec![b'.'; pad];
            data.extend_from_slice(a.expose().as_bytes());
            data.extend_from_slice(b"\n");
            let mut reader = Trickle {
                data: &data,
                step: 1 << 16,
            };
            let mut hits = Vec::new();
            f.scan(&mut reader, true, &mut |h| hits.push(h)).unwrap();
            assert_eq!(positions(&hits), [(1, pad as u64 + 1)], "shift {shift}");
        }
    }

    #[test]
    fn lines_are_counted_across_chunks() {
        let a = secret(Environment::Test);
        let line = "let x = 1;\n";
        let mut data = line.repeat(3 * CHUNK / line.len());
        let lines = data.matches('\n').count() as u64;
        data.push_str("  ");
        data.push_str(a.expose());
        let mut reader = Trickle {
            data: data.as_bytes(),
            step: 4093,
        };
        let mut hits = Vec::new();
        f_scan(&mut reader, &mut hits);
        assert_eq!(positions(&hits), [(lines + 1, 3)]);
    }

    fn f_scan(reader: &mut dyn Read, hits: &mut Vec<Hit>) {
        Finder::new(&KeyPrefix::default())
            .scan(reader, true, &mut |h| hits.push(h))
            .unwrap();
    }

    #[test]
    fn binary_streams_are_skipped_only_when_asked() {
        let a = secret(Environment::Live);
        let data = format!("\0{}", a.expose());
        let f = Finder::new(&KeyPrefix::default());
        let mut hits = Vec::new();
        let got = f
            .scan(&mut data.as_bytes(), true, &mut |h| hits.push(h))
            .unwrap();
        assert_eq!((got, hits.len()), (Scanned::SkippedBinary, 0));
        let got = f
            .scan(&mut data.as_bytes(), false, &mut |h| hits.push(h))
            .unwrap();
        assert_eq!((got, hits.len()), (Scanned::Text, 1));
        // A NUL past the sniffed start does not make a text file binary.
        let late = format!("{}\0{}", "x".repeat(BINARY_SNIFF), a.expose());
        hits.clear();
        let got = f
            .scan(&mut late.as_bytes(), true, &mut |h| hits.push(h))
            .unwrap();
        assert_eq!((got, hits.len()), (Scanned::Text, 1));
    }
}
