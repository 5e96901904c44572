//! Reading the inputs of `keyctl scan`: files and folders, walked as
//! ripgrep walks them, and standard input.
//!
//! The walk is the `ignore` crate's, ripgrep's own: `.gitignore`, `.ignore`
//! and git's exclude files are honoured (in any folder, not only inside a
//! git repository), hidden files and folders are skipped unless asked, and
//! symbolic links are followed, so that a link to a leaked file is scanned
//! and a loop or a broken link is reported. It runs on every core. A binary
//! file (a NUL near its start) met during the walk is skipped unless asked;
//! a file named on the command line is always read.
//!
//! Invariants: a PATH given that does not exist is an error before anything
//! is read; anything that goes wrong after that is a warning and the walk
//! goes on.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use super::find::{Finder, Scanned};
use super::{Found, Report};
use crate::error::{Error, Result};
use crate::text::escape;

/// How the walk treats what it meets.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// Also scan hidden files and folders.
    pub hidden: bool,
    /// Do not honour `.gitignore`, `.ignore` and git's exclude files.
    pub no_ignore: bool,
    /// Also scan binary files met during the walk.
    pub binary: bool,
}

/// What names standard input, as a PATH and in reports.
pub const STDIN_PATH: &str = "-";
/// How standard input is named in findings.
pub const STDIN_NAME: &str = "<stdin>";

/// Scans `paths` (`-` is standard input; none means `.`).
pub fn scan_paths(paths: &[PathBuf], opts: WalkOptions, finder: &Finder) -> Result<Report> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    for p in paths {
        if p.as_os_str() != STDIN_PATH && std::fs::symlink_metadata(p).is_err() {
            return Err(Error::invalid(format!(
                "{}: no such file or folder",
                escape(&p.to_string_lossy())
            )));
        }
    }
    let mut report = Report::default();
    let mut walked: Vec<&Path> = Vec::new();
    for p in paths {
        if p.as_os_str() == STDIN_PATH {
            let mut stdin = io::stdin().lock();
            scan_one(finder, &mut stdin, STDIN_NAME, false, &mut report);
        } else {
            walked.push(p);
        }
    }
    if let Some((first, rest)) = walked.split_first() {
        walk(first, rest, opts, finder, &mut report);
    }
    report.sort();
    Ok(report)
}

/// Reads one stream into the report; a read error is a warning.
pub(crate) fn scan_one(
    finder: &Finder,
    reader: &mut dyn io::Read,
    path: &str,
    skip_binary: bool,
    report: &mut Report,
) -> Scanned {
    let mut hits = Vec::new();
    let result = finder.scan(reader, skip_binary, &mut |h| hits.push(h));
    report.files += 1;
    report.found.extend(hits.into_iter().map(|h| Found {
        path: path.to_owned(),
        line: h.line,
        column: h.column,
        secret: h.secret,
    }));
    match result {
        Ok(s) => s,
        Err(e) => {
            report
                .warnings
                .push(format!("{}: {}", escape(path), io_message(&e)));
            Scanned::Text
        }
    }
}

fn walk(first: &Path, rest: &[&Path], opts: WalkOptions, finder: &Finder, report: &mut Report) {
    let mut builder = WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    builder
        .hidden(!opts.hidden)
        .ignore(!opts.no_ignore)
        .git_ignore(!opts.no_ignore)
        .git_exclude(!opts.no_ignore)
        .git_global(!opts.no_ignore)
        .parents(!opts.no_ignore)
        .require_git(false)
        .follow_links(true);
    let shared = Mutex::new(Report::default());
    builder.build_parallel().run(|| {
        let shared = &shared;
        Box::new(move |entry| {
            let mut local = Report::default();
            match entry {
                Err(e) => local.warnings.push(walk_message(&e)),
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        let shown = shown_path(entry.path());
                        // A file named on the command line is read whatever it holds.
                        let skip_binary = !opts.binary && entry.depth() > 0;
                        match File::open(entry.path()) {
                            Ok(mut file) => {
                                scan_one(finder, &mut file, &shown, skip_binary, &mut local);
                            }
                            Err(e) => {
                                let broken =
                                    e.kind() == io::ErrorKind::NotFound && entry.path_is_symlink();
                                let why = if broken {
                                    "broken symbolic link".to_owned()
                                } else {
                                    io_message(&e)
                                };
                                local.warnings.push(format!("{}: {why}", escape(&shown)));
                            }
                        }
                    }
                }
            }
            if local.files > 0 || !local.warnings.is_empty() {
                // A poisoned lock only means another thread panicked; its
                // findings so far are still good.
                let mut all = shared
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                all.files += local.files;
                all.found.append(&mut local.found);
                all.warnings.append(&mut local.warnings);
            }
            WalkState::Continue
        })
    });
    let mut walked = shared
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    report.files += walked.files;
    report.found.append(&mut walked.found);
    report.warnings.append(&mut walked.warnings);
}

/// A path as reports show it: as given, without a leading `./`.
fn shown_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => s.into_owned(),
    }
}

/// An I/O error as a short phrase, without the "(os error N)" tail.
fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::NotFound => "no such file".to_owned(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_owned(),
                None => s,
            }
        }
    }
}

/// A walk error as one warning line that names the path.
fn walk_message(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { path, err } => {
            let shown = escape(&shown_path(path)).into_owned();
            match err.io_error() {
                Some(io) if io.kind() == io::ErrorKind::NotFound => {
                    format!("{shown}: broken symbolic link")
                }
                Some(io) => format!("{shown}: {}", io_message(io)),
                None => format!("{shown}: {}", walk_message(err)),
            }
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_message(err)
        }
        ignore::Error::Loop { child, ancestor } => format!(
            "{}: symbolic link loop (back to {})",
            escape(&shown_path(child)),
            escape(&shown_path(ancestor))
        ),
        ignore::Error::Io(io) => io_message(io),
        other => escape(&other.to_string()).into_owned(),
    }
}
