//! `keyctl list`: one row a key, never a secret.
//!
//! JSON and CSV stream row by row, so a listing of a million keys runs in
//! constant memory; a table needs every row to size its columns.

use clap::{Args, ValueEnum};

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::commands::EnvArg;
use crate::cli::commands::{KEY_CSV_HEADER, KEY_TABLE_HEADER, key_csv_row, key_table_row};
use crate::cli::render::{Format, csv_io};
use crate::error::Error;
use crate::keyctl::ListFilter;
use crate::scope::Scope;
use crate::secret::Environment;
use crate::store::{Access, StatusFilter};
use crate::text::escape_json_c1;
use crate::time::parse_duration;

/// Which keys to list by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Active,
    Expired,
    Revoked,
    All,
}

#[derive(Debug, Args)]
#[command(
    long_about = "List keys, one row a key: id, name, prefix, environment, scopes, created, \
        last used, expires and status. Secrets are never shown. By default every key that is \
        not revoked is listed, oldest first.",
    after_help = "Examples:\n  \
        keyctl list\n  \
        keyctl list --status all --env test\n  \
        keyctl list --scope invoices:read --expiring-within 14d\n  \
        keyctl list --format csv > keys.csv"
)]
pub struct ListArgs {
    /// Which keys by status [default: every key that is not revoked]
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<StatusArg>,
    /// Only keys of this environment
    #[arg(long, value_enum, value_name = "ENV")]
    pub env: Option<EnvArg>,
    /// Only keys whose scopes satisfy RESOURCE:LEVEL (or `*`)
    #[arg(long, value_name = "RESOURCE:LEVEL")]
    pub scope: Option<String>,
    /// Only keys that expire within this long (e.g. 14d)
    #[arg(long, value_name = "DURATION")]
    pub expiring_within: Option<String>,
}

pub fn run(ctx: &mut Ctx, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let filter = ListFilter {
        status: args.status.map(|s| match s {
            StatusArg::Active => StatusFilter::Active,
            StatusArg::Expired => StatusFilter::Expired,
            StatusArg::Revoked => StatusFilter::Revoked,
            StatusArg::All => StatusFilter::All,
        }),
        environment: args.env.map(Environment::from),
        scope: args
            .scope
            .as_deref()
            .map(|s| Scope::parse(s, &ctx.config.catalog))
            .transpose()?,
        expiring_within: args
            .expiring_within
            .as_deref()
            .map(parse_duration)
            .transpose()?,
    };
    let mut kc = ctx.open(Access::Read)?;
    let now = kc.now();
    let out = &mut ctx.out;
    match out.format {
        Format::Json => {
            let mut first = true;
            kc.list(&filter, |key| {
                let doc = serde_json::to_string_pretty(&key.to_json(now)).unwrap_or_default();
                let doc = escape_json_c1(doc).replace('\n', "\n  ");
                let sep = if first { "[\n  " } else { ",\n  " };
                first = false;
                out.write_str(&format!("{sep}{doc}")).map_err(Error::Output)
            })?;
            out.line(if first { "[]" } else { "\n]" })?;
        }
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(KEY_CSV_HEADER).map_err(csv_io)?;
            kc.list(&filter, |key| {
                w.write_record(key_csv_row(&key, now))
                    .map_err(|e| Error::Output(csv_io(e)))
            })?;
            w.flush()?;
        }
        Format::Table => {
            let mut table = out.table(&KEY_TABLE_HEADER);
            let mut n = 0usize;
            kc.list(&filter, |key| {
                table.add_row(key_table_row(out, &key, now));
                n += 1;
                Ok(())
            })?;
            if n == 0 {
                ctx.note("no keys match");
            } else {
                out.print_table(&table)?;
            }
        }
    }
    Ok(ExitCode::Success)
}
