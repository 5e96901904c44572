//! `keyctl migrate`: copy the whole store to another one.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::render::{Format, csv_io};
use crate::error::Error;
use crate::store::{Access, Location, Store};

#[derive(Debug, Args)]
#[command(
    long_about = "Copy everything in the store (--db) to another, empty store: keys, requests \
        and usage rollups, the audit trail, limit counters, and events with their deliveries. \
        The target is a postgres:// or postgresql:// URL, or a file path for SQLite, so a store \
        moves either way. The copy is one transaction on the target: if anything fails, the \
        target is left without any of it (a new file that migrate created is removed). Before \
        it commits, the copy's audit chain is checked and its head must equal the source's, so \
        `keyctl audit head` prints the same on both. The source is read from one snapshot and is \
        not changed; writes made to it while migrate runs are not copied, so stop writers (or \
        point them at the target) first. A progress bar is shown on a terminal.",
    after_help = "Examples:\n  \
        keyctl migrate --to postgres://keyctl@db.internal/keyctl?sslmode=verify-full\n  \
        keyctl --db postgres://keyctl@db.internal/keyctl migrate --to ./keyctl-backup.db\n  \
        keyctl --db postgres://keyctl@db-old.internal/keyctl migrate --to postgresql://keyctl@db-new.internal:5432/keyctl"
)]
pub struct MigrateArgs {
    /// The store to copy to: a postgres:// URL or a file path; it must hold no keyctl data
    #[arg(long, value_name = "URL_OR_PATH")]
    pub to: PathBuf,
}

#[derive(Serialize)]
struct MigrateJson {
    target: String,
    copied: serde_json::Map<String, serde_json::Value>,
    audit_entries: Option<i64>,
    audit_head: Option<String>,
}

/// Two locations name the same store (a file by its canonical path).
fn same_store(a: &Location, b: &Location) -> bool {
    match (a, b) {
        (Location::File(x), Location::File(y)) => {
            let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            canon(x) == canon(y)
        }
        (Location::Postgres(x), Location::Postgres(y)) => x == y,
        _ => false,
    }
}

/// Removes a SQLite file (and its -wal and -shm) that migrate created.
fn remove_new_file(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

pub fn run(ctx: &mut Ctx, args: &MigrateArgs) -> anyhow::Result<ExitCode> {
    let source = Location::of(&crate::config::db_path(
        ctx.global.db.as_deref(),
        &ctx.env,
        &ctx.config,
    )?);
    let target = Location::of(&args.to);
    if same_store(&source, &target) {
        return Err(Error::usage(
            format!(
                "the target {} is the store itself",
                crate::text::escape(&target.display())
            ),
            Some("name another database or file with --to".to_owned()),
        )
        .into());
    }
    let mut kc = ctx.open(Access::Read)?;
    let created = match &target {
        Location::File(p) if !p.exists() => Some(p.clone()),
        _ => None,
    };
    let result = Store::open_location(&target, Access::Write).and_then(|mut store| {
        let bar = if io::stderr().is_terminal() && !ctx.global.quiet {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} rows {elapsed}") {
                bar.set_style(style);
            }
            bar
        } else {
            ProgressBar::hidden()
        };
        let migrated = kc.migrate_to(&mut store, &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        });
        bar.finish_and_clear();
        migrated
    });
    let migrated = match result {
        Ok(m) => m,
        Err(e) => {
            if let Some(path) = &created {
                remove_new_file(path);
            }
            return Err(e.into());
        }
    };
    let target_shown = target.display();
    let out = &mut ctx.out;
    match out.format {
        Format::Json => {
            let copied = migrated
                .copied
                .iter()
                .map(|(t, n)| (t.as_str().to_owned(), serde_json::Value::from(*n)))
                .collect();
            out.json(&MigrateJson {
                target: target_shown,
                copied,
                audit_entries: migrated.audit_head.as_ref().map(|h| h.0),
                audit_head: migrated.audit_head.as_ref().map(|h| h.1.clone()),
            })?;
        }
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(["table", "rows"]).map_err(csv_io)?;
            for (table, n) in &migrated.copied {
                w.write_record([table.as_str(), &n.to_string()])
                    .map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            out.line(&format!(
                "Copied {} row{} to {}",
                migrated.total(),
                if migrated.total() == 1 { "" } else { "s" },
                crate::text::escape(&target_shown)
            ))?;
            let mut table = out.table(&["table", "rows"]);
            for (t, n) in &migrated.copied {
                table.add_row(vec![t.as_str().to_owned(), n.to_string()]);
            }
            out.print_table(&table)?;
            match &migrated.audit_head {
                Some((seq, hash)) => out.line(&format!("audit head: entry {seq} {hash}"))?,
                None => out.line("audit head: (the trail is empty)")?,
            }
        }
    }
    Ok(ExitCode::Success)
}
