//! `keyctl ingest`: import request records from a gateway log.

use std::fs::File;
use std::io::{self, BufReader, IsTerminal};
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::render::{Format, csv_io};
use crate::error::Error;
use crate::store::Access;

#[derive(Debug, Args)]
#[command(
    long_about = "Import request records from a gateway's log, one JSON object per line: key (an \
        id or a displayed prefix), ts (RFC 3339 or Unix seconds), status (required), and method, \
        path, duration_ms, ip, user_agent (optional); other members are ignored. The import is \
        one transaction: a bad line imports nothing, and the error names the line and the field. \
        Imported requests count in usage reports but do not consume rate limits, quotas or plan \
        calls. A progress bar is shown on a terminal.",
    after_help = "Examples:\n  \
        keyctl ingest gateway-2026-11-23.jsonl\n  \
        zcat gateway.jsonl.gz | keyctl ingest -"
)]
pub struct IngestArgs {
    /// The file to read, or - for standard input
    #[arg(value_name = "FILE", default_value = "-")]
    pub file: PathBuf,
}

#[derive(Serialize)]
struct IngestJson<'a> {
    source: &'a str,
    requests: u64,
    keys: usize,
}

pub fn run(ctx: &mut Ctx, args: &IngestArgs) -> anyhow::Result<ExitCode> {
    let from_stdin = args.file.as_os_str() == "-";
    let (mut reader, size, source): (Box<dyn io::BufRead>, Option<u64>, String) = if from_stdin {
        (Box::new(BufReader::new(io::stdin())), None, "-".to_owned())
    } else {
        let file = File::open(&args.file).map_err(|source| Error::Io {
            path: args.file.clone(),
            source,
        })?;
        let size = file.metadata().ok().map(|m| m.len());
        (
            Box::new(BufReader::with_capacity(1 << 16, file)),
            size,
            args.file.display().to_string(),
        )
    };
    let bar = if io::stderr().is_terminal() && !ctx.global.quiet {
        let bar = match size {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        };
        let style = if size.is_some() {
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {elapsed}")
        } else {
            ProgressStyle::with_template("{spinner} {bytes} read {elapsed}")
        };
        if let Ok(style) = style {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut kc = ctx.open(Access::Write)?;
    let result = kc.ingest(&mut reader, &source, &mut |bytes| bar.set_position(bytes));
    bar.finish_and_clear();
    let summary = result?;
    let out = &mut ctx.out;
    match out.format {
        Format::Json => out.json(&IngestJson {
            source: &source,
            requests: summary.requests,
            keys: summary.keys,
        })?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(["source", "requests", "keys"])
                .map_err(csv_io)?;
            w.write_record([
                source.clone(),
                summary.requests.to_string(),
                summary.keys.to_string(),
            ])
            .map_err(csv_io)?;
            w.flush()?;
        }
        Format::Table => out.line(&format!(
            "Imported {} request{} for {} key{} from {}",
            summary.requests,
            if summary.requests == 1 { "" } else { "s" },
            summary.keys,
            if summary.keys == 1 { "" } else { "s" },
            if from_stdin {
                "standard input"
            } else {
                &source
            }
        ))?,
    }
    Ok(ExitCode::Success)
}
