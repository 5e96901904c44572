//! `keyctl scan`: find keyctl secrets in files, folders, standard input or
//! git's index, tell which keys they are and whether they still work, and
//! optionally revoke the ones that do.
//!
//! Nothing printed, in any format, carries more of a found secret than its
//! displayed prefix. The exit code is 6 when a finding is usable (active, or
//! unknown to this store), so a pipeline step fails on a live leak.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use comfy_table::Cell;
use serde_json::{Value, json};

use crate::cli::ExitCode;
use crate::cli::commands::events::deliver_after_commit;
use crate::cli::render::{Format, FormatChoice, csv_io};
use crate::cli::{Ctx, prompt};
use crate::error::Error;
use crate::scan::find::Finder;
use crate::scan::staged::scan_staged;
use crate::scan::walk::{STDIN_NAME, WalkOptions, scan_paths};
use crate::scan::{Finding, LeakStatus};
use crate::store::Access;
use crate::text::escape;

#[derive(Debug, Args)]
#[command(
    long_about = "Find keyctl secrets in files, folders, standard input (-) or git's index \
        (--staged), and tell for each the key it belongs to and whether it still works. \
        Folders are walked as ripgrep walks them: .gitignore and .ignore are honoured, and \
        hidden and binary files are skipped unless asked. Only strings of the secret format \
        with a matching checksum that stand alone are reported, so there are no false \
        positives. Output shows a secret's displayed prefix, never the secret. Exit status: 0 \
        when no finding is usable, 6 when one is (active, or unknown to this store), 1 on an \
        error. --format sarif writes a SARIF 2.1.0 log for code-scanning tools.",
    after_help = "Examples:\n  \
        keyctl scan\n  \
        keyctl scan src config --format json\n  \
        keyctl scan --staged                      # in a pre-commit hook\n  \
        kubectl logs deploy/api | keyctl scan -\n  \
        keyctl scan . --format sarif > keyctl.sarif\n  \
        keyctl scan --revoke --yes"
)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` reads standard input [default: .]
    #[arg(value_name = "PATH", conflicts_with = "staged")]
    pub paths: Vec<PathBuf>,
    /// Scan what `git commit` would commit now (git's index), for a pre-commit hook
    #[arg(long)]
    pub staged: bool,
    /// Also scan hidden files and folders
    #[arg(long)]
    pub hidden: bool,
    /// Do not honour .gitignore, .ignore and git's exclude files
    #[arg(long)]
    pub no_ignore: bool,
    /// Also scan binary files met in a folder (files named as PATH always are)
    #[arg(long)]
    pub binary: bool,
    /// Revoke every active key found (owner role), with the reason `leaked: PATH:LINE`
    #[arg(long)]
    pub revoke: bool,
    /// With --revoke: do not ask for confirmation
    #[arg(short, long, requires = "revoke")]
    pub yes: bool,
}

/// The rule of a usable finding in SARIF.
const RULE_USABLE: &str = "keyctl/usable-key";
/// The rule of a finding that no longer works.
const RULE_DEAD: &str = "keyctl/dead-key";

pub fn run(ctx: &mut Ctx, args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let access = if args.revoke {
        Access::Modify
    } else {
        Access::Read
    };
    let mut kc = ctx.open(access)?;
    if args.revoke {
        // Refuse before reading anything.
        kc.authorize_scan_revoke()?;
    }
    let finder = Finder::new(&ctx.config.key_prefix);
    let report = if args.staged {
        scan_staged(&finder, args.binary)?
    } else {
        let opts = WalkOptions {
            hidden: args.hidden,
            no_ignore: args.no_ignore,
            binary: args.binary,
        };
        scan_paths(&args.paths, opts, &finder)?
    };
    for w in &report.warnings {
        ctx.note(&format!("warning: {w}"));
    }
    let mut findings = kc.scan_lookup(&report.found)?;
    drop(report);

    if args.revoke {
        let active: Vec<&Finding> = unique_active(&findings);
        if !active.is_empty() {
            if !args.yes {
                confirm_revocations(ctx, &active)?;
            }
            let revoked = kc.revoke_leaked(&mut findings)?;
            for r in &revoked {
                ctx.note(&format!(
                    "Revoked {} ({}) \"{}\": {}",
                    r.key.id,
                    r.key.prefix,
                    escape(&r.key.name),
                    escape(r.key.revoke_reason.as_deref().unwrap_or(""))
                ));
            }
            let events: Vec<String> = revoked.iter().map(|r| r.event_id.clone()).collect();
            deliver_after_commit(ctx, &mut kc, &events, false)?;
        }
    }

    if ctx.global.format == FormatChoice::Sarif {
        ctx.out.json(&sarif(&findings))?;
    } else {
        print_findings(ctx, &findings)?;
    }
    if findings.iter().any(|f| f.status.usable()) {
        Ok(ExitCode::Finding)
    } else {
        Ok(ExitCode::Success)
    }
}

/// The active findings, one per key.
fn unique_active(findings: &[Finding]) -> Vec<&Finding> {
    let mut seen: Vec<&Finding> = Vec::new();
    for f in findings {
        if f.status == LeakStatus::Active && !seen.iter().any(|s| s.key_id == f.key_id) {
            seen.push(f);
        }
    }
    seen
}

/// One confirmation for every revocation, or a refusal off a terminal.
fn confirm_revocations(ctx: &Ctx, active: &[&Finding]) -> Result<(), Error> {
    let n = active.len();
    let keys = if n == 1 { "key" } else { "keys" };
    if !ctx.interactive() {
        return Err(Error::conflict(
            format!(
                "refusing to revoke {n} leaked {keys} without confirmation: standard input is not a terminal"
            ),
            Some("pass --yes to revoke without a prompt".to_owned()),
        ));
    }
    let mut stderr = std::io::stderr().lock();
    for f in active {
        let _ = writeln!(
            stderr,
            "  {}  {}  {}  found in {}:{}",
            f.key_id.as_deref().unwrap_or(""),
            f.prefix,
            escape(f.name.as_deref().unwrap_or("")),
            escape(&f.path),
            f.line
        );
    }
    drop(stderr);
    if prompt::confirm(&format!("Revoke {n} {keys} now? This cannot be undone"))? {
        Ok(())
    } else {
        Err(Error::Declined(
            "revoke cancelled; nothing changed".to_owned(),
        ))
    }
}

/// The CSV and table columns, in order.
const CSV_HEADER: [&str; 7] = [
    "path", "line", "column", "prefix", "key_id", "name", "status",
];
const TABLE_HEADER: [&str; 7] = ["FILE", "LINE", "COLUMN", "PREFIX", "KEY", "NAME", "STATUS"];

fn print_findings(ctx: &mut Ctx, findings: &[Finding]) -> anyhow::Result<()> {
    let out = &mut ctx.out;
    match out.format {
        Format::Json => out.json(findings)?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(CSV_HEADER).map_err(csv_io)?;
            for f in findings {
                w.write_record([
                    escape(&f.path).into_owned(),
                    f.line.to_string(),
                    f.column.to_string(),
                    f.prefix.clone(),
                    f.key_id.clone().unwrap_or_default(),
                    escape(f.name.as_deref().unwrap_or("")).into_owned(),
                    f.status.as_str().to_owned(),
                ])
                .map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            if findings.is_empty() {
                ctx.note("no keyctl secrets found");
                return Ok(());
            }
            let mut table = out.table(&TABLE_HEADER);
            for f in findings {
                let status = Cell::new(f.status.as_str());
                let status = if out.color {
                    status.fg(if f.status.usable() {
                        comfy_table::Color::Red
                    } else {
                        comfy_table::Color::Yellow
                    })
                } else {
                    status
                };
                table.add_row(vec![
                    Cell::new(escape(&f.path)),
                    Cell::new(f.line),
                    Cell::new(f.column),
                    Cell::new(&f.prefix),
                    Cell::new(f.key_id.as_deref().unwrap_or("-")),
                    Cell::new(escape(f.name.as_deref().unwrap_or("-"))),
                    status,
                ]);
            }
            out.print_table(&table)?;
        }
    }
    Ok(())
}

/// A SARIF 2.1.0 log of the findings: one run, two rules, one result each.
fn sarif(findings: &[Finding]) -> Value {
    let rule = |id: &str, name: &str, short: &str, full: &str, level: &str, help: &str| {
        json!({
            "id": id,
            "name": name,
            "shortDescription": { "text": short },
            "fullDescription": { "text": full },
            "defaultConfiguration": { "level": level },
            "help": { "text": help },
        })
    };
    let rules = json!([
        rule(
            RULE_USABLE,
            "UsableKey",
            "A keyctl secret that still works",
            "A keyctl API key secret (its checksum matches) whose key is active, or unknown to \
             the store keyctl checked: whoever reads this file can use it.",
            "error",
            "Revoke or rotate the key (keyctl scan --revoke, or keyctl rotate), then remove the \
             secret from the file and from the repository's history."
        ),
        rule(
            RULE_DEAD,
            "DeadKey",
            "A keyctl secret that no longer works",
            "A keyctl API key secret whose key is revoked or expired: it cannot be used, but \
             secrets do not belong in files.",
            "note",
            "Remove the secret from the file."
        ),
    ]);
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let (rule_id, index, level) = if f.status.usable() {
                (RULE_USABLE, 0, "error")
            } else {
                (RULE_DEAD, 1, "note")
            };
            let key = match (&f.key_id, &f.name) {
                (Some(id), Some(name)) => format!("key {id} (\"{}\")", escape(name)),
                _ => "a key unknown to this store".to_owned(),
            };
            json!({
                "ruleId": rule_id,
                "ruleIndex": index,
                "level": level,
                "message": {
                    "text": format!("keyctl secret {}… of {key} is {}", f.prefix, f.status.as_str()),
                },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": sarif_uri(&f.path) },
                        "region": { "startLine": f.line, "startColumn": f.column },
                    },
                }],
                "partialFingerprints": { "keyctlPrefix/v1": f.prefix },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "keyctl",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                },
            },
            "results": results,
        }],
    })
}

/// A path as a URI reference: relative paths stay relative (as code-scanning
/// tools want them), absolute ones become `file://` URIs, and anything
/// outside the unreserved characters is percent-encoded.
fn sarif_uri(path: &str) -> String {
    let path = if path == STDIN_NAME { "stdin" } else { path };
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(sarif_uri("src/a b.rs"), "src/a%20b.rs");
        assert_eq!(sarif_uri("/etc/app.env"), "file:///etc/app.env");
        assert_eq!(sarif_uri(STDIN_NAME), "stdin");
        assert_eq!(sarif_uri("ä#?.txt"), "%C3%A4%23%3F.txt");
    }
}
