//! `keyctl doctor`: the keys that are a risk, one row per finding.
//!
//! Every format streams: rows are printed as the keys are judged, and the
//! table has fixed column widths instead of measuring every row first, so a
//! store of a million keys is checked in constant memory. Exit 6 when
//! anything is found.

use clap::{Args, ValueEnum};

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::render::{Format, csv_io};
use crate::error::Error;
use crate::key::ID_RANDOM_LEN;
use crate::scan::doctor::{Check, Diagnosis, Doctor};
use crate::secret::DISPLAY_RANDOM_LEN;
use crate::store::Access;
use crate::text::{escape, escape_json_c1};

/// A check, as `--skip` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckArg {
    NoExpiry,
    FullAccess,
    NeverUsed,
    Idle,
    Expiring,
    Old,
}

impl From<CheckArg> for Check {
    fn from(c: CheckArg) -> Check {
        match c {
            CheckArg::NoExpiry => Check::NoExpiry,
            CheckArg::FullAccess => Check::FullAccess,
            CheckArg::NeverUsed => Check::NeverUsed,
            CheckArg::Idle => Check::Idle,
            CheckArg::Expiring => Check::Expiring,
            CheckArg::Old => Check::Old,
        }
    }
}

#[derive(Debug, Args)]
#[command(
    long_about = "List the keys that are a risk, one row per finding: keys that never expire \
        (no-expiry), keys with every scope (full-access), keys created over 30 days ago and \
        never used (never-used), keys not used for 90 days (idle), keys that expire within 7 \
        days (expiring), and keys created over 365 days ago and never rotated (old). Only \
        active keys are judged, and not an old key in its rotation grace period. The \
        thresholds are set in the [doctor] table of the config (never_used_days, idle_days, \
        expiring_days, old_days). Exit status 6 when anything is found, 0 when nothing is.",
    after_help = "Examples:\n  \
        keyctl doctor\n  \
        keyctl doctor --skip no-expiry --skip full-access\n  \
        keyctl doctor --format json | jq -r '.[] | select(.check == \"idle\") | .key_id'"
)]
pub struct DoctorArgs {
    /// Leave out a check (repeatable)
    #[arg(long, value_enum, value_name = "CHECK")]
    pub skip: Vec<CheckArg>,
}

const CSV_HEADER: [&str; 5] = ["key_id", "name", "prefix", "check", "detail"];
/// The width of the CHECK column: the longest check name.
const CHECK_WIDTH: usize = 11;
/// The width of the DETAIL column: the longest detail with a four-digit count.
const DETAIL_WIDTH: usize = 34;

pub fn run(ctx: &mut Ctx, args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    let doctor = Doctor {
        thresholds: ctx.config.doctor,
        skip: args.skip.iter().map(|&c| c.into()).collect(),
    };
    let mut kc = ctx.open(Access::Read)?;
    let prefix_width = ctx.config.key_prefix.as_str().len() + "_live_".len() + DISPLAY_RANDOM_LEN;
    let id_width = "key_".len() + ID_RANDOM_LEN;
    let out = &mut ctx.out;
    let mut n: u64 = 0;
    match out.format {
        Format::Json => {
            kc.doctor(&doctor, &mut |d: Diagnosis| {
                let doc = serde_json::to_string_pretty(&d).unwrap_or_default();
                let doc = escape_json_c1(doc).replace('\n', "\n  ");
                let sep = if n == 0 { "[\n  " } else { ",\n  " };
                n += 1;
                out.write_str(&format!("{sep}{doc}")).map_err(Error::Output)
            })?;
            out.line(if n == 0 { "[]" } else { "\n]" })?;
        }
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(CSV_HEADER).map_err(csv_io)?;
            kc.doctor(&doctor, &mut |d: Diagnosis| {
                n += 1;
                w.write_record([
                    d.key_id,
                    escape(&d.name).into_owned(),
                    d.prefix,
                    d.check.as_str().to_owned(),
                    d.detail,
                ])
                .map_err(|e| Error::Output(csv_io(e)))
            })?;
            w.flush()?;
        }
        Format::Table => {
            let row = |key: &str, prefix: &str, check: &str, detail: &str, name: &str| {
                let line = format!(
                    "{key:<id_width$}  {prefix:<prefix_width$}  {check:<CHECK_WIDTH$}  \
                     {detail:<DETAIL_WIDTH$}  {name}"
                );
                line.trim_end().to_owned()
            };
            kc.doctor(&doctor, &mut |d: Diagnosis| {
                if n == 0 {
                    out.line(&row("KEY", "PREFIX", "CHECK", "DETAIL", "NAME"))
                        .map_err(Error::Output)?;
                }
                n += 1;
                out.line(&row(
                    &d.key_id,
                    &d.prefix,
                    d.check.as_str(),
                    &d.detail,
                    &escape(&d.name),
                ))
                .map_err(Error::Output)
            })?;
            if n == 0 {
                ctx.note("no findings: every active key passes the checks");
            }
        }
    }
    Ok(if n == 0 {
        ExitCode::Success
    } else {
        ExitCode::Finding
    })
}
