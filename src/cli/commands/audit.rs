//! `keyctl audit`: the trail, its chain check, and its head.

use clap::{Args, Subcommand};
use comfy_table::Cell;
use serde::Serialize;
use serde_json::Value;

use crate::audit::{AuditFilter, ChainReport, StatusMatch, TrailEntry, action};
use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::render::{Format, Output, Paint, csv_io};
use crate::error::Error;
use crate::store::Access;
use crate::text::{self, escape};
use crate::time::{Clock, parse_since, rfc3339};

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    long_about = "Show the audit trail, newest first: key changes, refused commands, refused \
        verifications, ingest runs, and recorded API requests. Changes and security events form \
        a hash chain that `keyctl audit verify` checks. Filters combine; --by is the operator \
        who made the change or recorded the request (ran verify or ingest), --status and --path \
        apply to requests and verification events. --by is a filter, while the global --actor \
        names the operator who runs this command, as for every command. CSV is the export format \
        for compliance tools.",
    after_help = "Examples:\n  \
        keyctl audit --key \"Billing sync\" --limit 20\n  \
        keyctl audit --status 401 --since 7d\n  \
        keyctl audit --by ci-bot --action key.created\n  \
        keyctl audit --action key.revoked --action key.rotated --format csv > changes.csv\n  \
        keyctl audit head\n  \
        keyctl audit verify --head 3f9c…"
)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// Only entries about this key (id, displayed prefix or name)
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Only this action (repeatable): key.created, key.updated, key.revoked, key.rotated,
    /// verify.failed, verify.forbidden, verify.limited, requests.ingested, command.refused,
    /// role.granted, role.revoked, request
    #[arg(long = "action", value_name = "ACTION")]
    pub actions: Vec<String>,
    /// Only entries by this operator (for requests: who ran verify or ingest). Not --actor,
    /// which names who runs this command
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// From this time: YYYY-MM-DD, RFC 3339, or a duration ago (7d)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Until this time (exclusive)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only this HTTP status or class: 401, 4xx, 5xx
    #[arg(long, value_name = "CODE")]
    pub status: Option<String>,
    /// Only requests whose path starts with this
    #[arg(long, value_name = "PREFIX")]
    pub path: Option<String>,
    /// At most this many entries
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
}

// Checks of the trail. (a doc comment here would replace the
// command's one-line help, set on its variant of `cli::Command`).
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; exit 1 at the first broken entry
    #[command(
        long_about = "Walk the hash chain and report the first entry that was edited, deleted, \
            inserted or reordered (exit 1), or the number of entries checked (exit 0). A chain \
            cut short at its end still looks intact: record `keyctl audit head` somewhere else, \
            and pass its hash to --head, which fails when that entry is gone.",
        after_help = "Examples:\n  keyctl audit verify\n  keyctl audit verify --head \"$(keyctl audit head -q)\""
    )]
    Verify {
        /// A head hash recorded earlier with `keyctl audit head`
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
    },
    /// Print the number of chained entries and the last hash
    #[command(
        long_about = "Print the number of chained entries and the hash of the last one, to be \
            recorded outside the database (a ticket, a log, another machine). With -q only the \
            hash is printed.",
        after_help = "Examples:\n  keyctl audit head\n  keyctl audit head -q >> ~/audit-heads.txt"
    )]
    Head,
}

#[derive(Serialize)]
struct EntryJson<'a> {
    kind: &'static str,
    seq: i64,
    ts: String,
    actor: Option<&'a str>,
    action: &'a str,
    key_id: Option<&'a str>,
    key_prefix: Option<&'a str>,
    details: Value,
    hash: Option<&'a str>,
}

fn entry_json(e: &TrailEntry) -> EntryJson<'_> {
    match e {
        TrailEntry::Event(row) => EntryJson {
            kind: "event",
            seq: row.seq,
            ts: rfc3339(row.ts),
            actor: Some(&row.actor),
            action: &row.action,
            key_id: row.key_id.as_deref(),
            key_prefix: row.key_prefix.as_deref(),
            details: serde_json::from_str(&row.details).unwrap_or(Value::Null),
            hash: Some(&row.hash),
        },
        TrailEntry::Request { seq, request } => EntryJson {
            kind: "request",
            seq: *seq,
            ts: rfc3339(request.ts),
            actor: request.actor.as_deref(),
            action: action::REQUEST,
            key_id: request.key_id.as_deref(),
            key_prefix: None,
            details: TrailEntry::request_details(request),
            hash: None,
        },
    }
}

/// One line of `k=v` pairs for a details object (strings bare when plain).
fn summary(details: &Value) -> String {
    let Value::Object(map) = details else {
        return escape(&details.to_string()).into_owned();
    };
    map.iter()
        .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
        .map(|(k, v)| match v {
            Value::String(s) if !s.is_empty() && !s.contains([' ', '"', '=']) => {
                format!("{k}={}", escape(s))
            }
            other => format!("{k}={}", escape(&other.to_string())),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn run(ctx: &mut Ctx, args: &AuditArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        Some(AuditCommand::Verify { head }) => verify(ctx, head.as_deref()),
        Some(AuditCommand::Head) => head(ctx),
        None => trail(ctx, args),
    }
}

fn trail(ctx: &mut Ctx, args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let now = Clock::from_env()?.now();
    if args.limit == 0 {
        return Err(Error::invalid("--limit must be at least 1").into());
    }
    let filter = AuditFilter {
        key: args.key.clone(),
        actions: args.actions.clone(),
        actor: args.by.clone(),
        since: args
            .since
            .as_deref()
            .map(|s| parse_since(s, now))
            .transpose()?,
        until: args
            .until
            .as_deref()
            .map(|s| parse_since(s, now))
            .transpose()?,
        status: args.status.as_deref().map(StatusMatch::parse).transpose()?,
        path: args.path.clone(),
        limit: args.limit,
    };
    let mut kc = ctx.open(Access::Read)?;
    let entries = kc.audit(&filter)?;
    render_trail(&mut ctx.out, &entries)?;
    if entries.is_empty() && ctx.out.format == Format::Table {
        ctx.note("no entries match");
    }
    Ok(ExitCode::Success)
}

fn render_trail(out: &mut Output, entries: &[TrailEntry]) -> anyhow::Result<()> {
    match out.format {
        Format::Json => out.json(&entries.iter().map(entry_json).collect::<Vec<_>>())?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record([
                "kind",
                "seq",
                "ts",
                "actor",
                "action",
                "key_id",
                "key_prefix",
                "status",
                "method",
                "path",
                "details",
                "hash",
            ])
            .map_err(csv_io)?;
            for e in entries {
                let j = entry_json(e);
                let field = |k: &str| match j.details.get(k) {
                    Some(Value::String(s)) => escape(s).into_owned(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => String::new(),
                };
                w.write_record([
                    j.kind.to_owned(),
                    j.seq.to_string(),
                    j.ts.clone(),
                    j.actor.map(|a| escape(a).into_owned()).unwrap_or_default(),
                    j.action.to_owned(),
                    j.key_id.unwrap_or_default().to_owned(),
                    j.key_prefix.unwrap_or_default().to_owned(),
                    field("status"),
                    field("method"),
                    field("path"),
                    // JSON that a JSON parser reads, with nothing raw
                    // that a terminal would act on.
                    text::escape_json_c1(j.details.to_string()),
                    j.hash.unwrap_or_default().to_owned(),
                ])
                .map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            if entries.is_empty() {
                return Ok(());
            }
            let mut t = out.table(&["TIME", "ACTOR", "ACTION", "KEY", "DETAILS"]);
            for e in entries {
                let j = entry_json(e);
                t.add_row(vec![
                    Cell::new(&j.ts),
                    Cell::new(
                        j.actor
                            .map_or_else(|| "-".to_owned(), |a| escape(a).into_owned()),
                    ),
                    Cell::new(j.action),
                    Cell::new(j.key_id.unwrap_or("-")),
                    Cell::new(summary(&j.details)),
                ]);
            }
            out.print_table(&t)?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct HeadJson<'a> {
    seq: i64,
    hash: &'a str,
}

#[derive(Serialize)]
struct VerifyJson<'a> {
    intact: bool,
    checked: u64,
    head: Option<HeadJson<'a>>,
    broken_at: Option<i64>,
    problem: Option<&'a str>,
}

fn verify(ctx: &mut Ctx, expected: Option<&str>) -> anyhow::Result<ExitCode> {
    if let Some(h) = expected
        && (h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(Error::invalid(format!(
            "--head '{}' is not a SHA-256 hash (64 hex characters)",
            escape(h)
        ))
        .into());
    }
    let expected = expected.map(str::to_ascii_lowercase);
    let mut kc = ctx.open(Access::Read)?;
    let report: ChainReport = kc.audit_verify(expected.as_deref())?;
    let out = &mut ctx.out;
    match out.format {
        Format::Json => out.json(&VerifyJson {
            intact: report.intact(),
            checked: report.checked,
            head: report
                .head
                .as_ref()
                .map(|(seq, hash)| HeadJson { seq: *seq, hash }),
            broken_at: report.broken.as_ref().map(|b| b.0),
            problem: report.broken.as_ref().map(|b| b.1.as_str()),
        })?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record([
                "intact",
                "checked",
                "head_seq",
                "head_hash",
                "broken_at",
                "problem",
            ])
            .map_err(csv_io)?;
            w.write_record([
                report.intact().to_string(),
                report.checked.to_string(),
                report
                    .head
                    .as_ref()
                    .map(|h| h.0.to_string())
                    .unwrap_or_default(),
                report
                    .head
                    .as_ref()
                    .map(|h| h.1.clone())
                    .unwrap_or_default(),
                report
                    .broken
                    .as_ref()
                    .map(|b| b.0.to_string())
                    .unwrap_or_default(),
                report
                    .broken
                    .as_ref()
                    .map(|b| b.1.clone())
                    .unwrap_or_default(),
            ])
            .map_err(csv_io)?;
            w.flush()?;
        }
        Format::Table => match &report.broken {
            None => {
                let ok = out.paint("intact", Paint::Green);
                out.line(&format!("{ok}: {}", entries_checked(report.checked)))?;
                if let Some((seq, hash)) = &report.head {
                    out.line(&format!("head: entry {seq} {hash}"))?;
                }
            }
            Some((seq, problem)) => {
                let bad = out.paint("broken", Paint::Red);
                out.line(&format!("{bad} at entry {seq}: {problem}"))?;
                out.line(&entries_checked(report.checked))?;
            }
        },
    }
    Ok(if report.intact() {
        ExitCode::Success
    } else {
        ExitCode::Failure
    })
}

#[derive(Serialize)]
struct AuditHeadJson<'a> {
    entries: u64,
    seq: Option<i64>,
    hash: Option<&'a str>,
}

fn head(ctx: &mut Ctx) -> anyhow::Result<ExitCode> {
    let mut kc = ctx.open(Access::Read)?;
    let (count, tail) = kc.audit_head()?;
    let out = &mut ctx.out;
    if ctx.global.quiet {
        out.line(tail.as_ref().map_or("", |t| t.1.as_str()))?;
        return Ok(ExitCode::Success);
    }
    match out.format {
        Format::Json => out.json(&AuditHeadJson {
            entries: count,
            seq: tail.as_ref().map(|t| t.0),
            hash: tail.as_ref().map(|t| t.1.as_str()),
        })?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(["entries", "seq", "hash"]).map_err(csv_io)?;
            w.write_record([
                count.to_string(),
                tail.as_ref().map(|t| t.0.to_string()).unwrap_or_default(),
                tail.as_ref().map(|t| t.1.clone()).unwrap_or_default(),
            ])
            .map_err(csv_io)?;
            w.flush()?;
        }
        Format::Table => {
            out.line(&format!("entries  {count}"))?;
            match &tail {
                Some((seq, hash)) => {
                    out.line(&format!("seq      {seq}"))?;
                    out.line(&format!("hash     {hash}"))?;
                }
                None => out.line("hash     (the trail is empty)")?,
            }
        }
    }
    Ok(ExitCode::Success)
}

/// "1 entry checked", "2 entries checked".
fn entries_checked(n: u64) -> String {
    format!("{n} {} checked", if n == 1 { "entry" } else { "entries" })
}
