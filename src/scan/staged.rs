//! `keyctl scan --staged`: what `git commit` would commit now, read from
//! git's index rather than the work tree.
//!
//! git itself does the reading: `git ls-files --stage -z` lists the index
//! (mode, object id, path) and one `git cat-file --batch` streams every
//! blob, each read through the same bounded [`Finder`] as a file. The git
//! binary is there wherever a pre-commit hook runs, and talking to it over
//! two pipes keeps a git implementation out of keyctl's dependencies.
//!
//! Invariants: paths are relative to the repository's top folder, as git
//! names them; submodules (gitlinks) are not blobs and are skipped; a blob
//! that is binary is skipped unless asked, as in a walk.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::Report;
use super::find::Finder;
use super::walk::scan_one;
use crate::error::{Error, Result};
use crate::text::escape;

/// The mode git gives a submodule's entry.
const GITLINK: &str = "160000";

/// One entry of the index.
struct Entry {
    object: String,
    path: String,
}

/// Scans the blobs of the index of the repository around the current folder.
pub fn scan_staged(finder: &Finder, binary: bool) -> Result<Report> {
    let top = git_output(None, &["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches('\n'));
    let listing = git_output(Some(&top), &["ls-files", "--stage", "-z"])?;
    let entries = parse_stage(&listing);
    let mut report = Report::default();
    if entries.is_empty() {
        return Ok(report);
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(git_missing)?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| Error::invalid("git cat-file: no input pipe"))?;
    let objects: Vec<String> = entries.iter().map(|e| e.object.clone()).collect();
    // Fed from another thread: git answers while it reads, and a full pipe
    // on both sides would otherwise stop both processes.
    let feeder = std::thread::spawn(move || -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(&mut stdin);
        for o in objects {
            writeln!(w, "{o}")?;
        }
        w.flush()
    });
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::invalid("git cat-file: no output pipe"))?;
    let mut out = BufReader::with_capacity(1 << 16, stdout);
    let read = read_blobs(&mut out, &entries, finder, binary, &mut report);
    drop(out);
    let fed = feeder.join();
    let status = child.wait().map_err(git_missing)?;
    read?;
    if !matches!(fed, Ok(Ok(()))) || !status.success() {
        return Err(Error::invalid(
            "git cat-file failed while reading the index",
        ));
    }
    report.sort();
    Ok(report)
}

fn read_blobs(
    out: &mut BufReader<std::process::ChildStdout>,
    entries: &[Entry],
    finder: &Finder,
    binary: bool,
    report: &mut Report,
) -> Result<()> {
    let mut header = Vec::new();
    for entry in entries {
        header.clear();
        out.read_until(b'\n', &mut header)
            .map_err(|e| Error::invalid(format!("git cat-file: {e}")))?;
        // `<object> <type> <size>`, or `<object> missing`.
        let text = String::from_utf8_lossy(&header);
        let mut parts = text.split_whitespace();
        let size = match (parts.next(), parts.next(), parts.next()) {
            (Some(_), Some(_), Some(size)) => size.parse::<u64>().ok(),
            _ => None,
        };
        let Some(size) = size else {
            report.warnings.push(format!(
                "{}: not in git's object store",
                escape(&entry.path)
            ));
            continue;
        };
        let mut blob = (&mut *out).take(size);
        scan_one(finder, &mut blob, &entry.path, !binary, report);
        // A skipped binary blob is left partly read; the rest is drained.
        std::io::copy(&mut blob, &mut std::io::sink())
            .map_err(|e| Error::invalid(format!("git cat-file: {e}")))?;
        let mut newline = [0u8; 1];
        out.read_exact(&mut newline)
            .map_err(|e| Error::invalid(format!("git cat-file: {e}")))?;
    }
    Ok(())
}

/// Parses `git ls-files --stage -z`: `<mode> <object> <stage>\t<path>\0`.
fn parse_stage(listing: &[u8]) -> Vec<Entry> {
    listing
        .split(|&b| b == 0)
        .filter_map(|record| {
            let tab = record.iter().position(|&b| b == b'\t')?;
            let meta = std::str::from_utf8(&record[..tab]).ok()?;
            let mut parts = meta.split(' ');
            let mode = parts.next()?;
            let object = parts.next()?;
            if mode == GITLINK {
                return None;
            }
            Some(Entry {
                object: object.to_owned(),
                path: String::from_utf8_lossy(&record[tab + 1..]).into_owned(),
            })
        })
        .collect()
}

/// Runs git and returns its output, or an error with what it said.
fn git_output(dir: Option<&Path>, args: &[&str]) -> Result<Vec<u8>> {
    let mut cmd = Command::new("git");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    let out = cmd
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(git_missing)?;
    if out.status.success() {
        return Ok(out.stdout);
    }
    let said = String::from_utf8_lossy(&out.stderr);
    let said = said
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("fatal: ");
    Err(Error::invalid_with_hint(
        format!("--staged needs a git repository: {}", escape(said)),
        "run keyctl scan --staged inside the repository, as a pre-commit hook does",
    ))
}

fn git_missing(e: std::io::Error) -> Error {
    Error::invalid_with_hint(
        format!("cannot run git: {e}"),
        "--staged reads the index through the git command; install git",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_listing_is_parsed_and_submodules_are_left_out() {
        let listing =
            b"100644 aaaa 0\tsrc/a.rs\x00160000 bbbb 0\tvendor/lib\x00100755 cccc 0\tbin/run me\0";
        let entries = parse_stage(listing);
        let got: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.object.as_str(), e.path.as_str()))
            .collect();
        assert_eq!(got, [("aaaa", "src/a.rs"), ("cccc", "bin/run me")]);
    }
}
