//! `keyctl webhooks`: the configured destinations, and a test send.
//!
//! Neither prints a signing secret, a URL's path or query (which often
//! carry a token), or a hook's arguments.

use clap::{Args, Subcommand};
use comfy_table::Cell;
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::commands::events::print_attempt;
use crate::cli::render::{Format, csv_io};
use crate::error::Error;
use crate::events::{AttemptResult, Destination, Target};
use crate::store::Access;
use crate::text::escape;

#[derive(Debug, Args)]
#[command(
    long_about = "The [[webhooks]] and [[hooks]] of the config, by name: an entry's `name`, or \
        webhook-N / hook-N after its position in the file.",
    after_help = "Examples:\n  keyctl webhooks list\n  keyctl webhooks test billing"
)]
pub struct WebhooksArgs {
    #[command(subcommand)]
    pub command: WebhooksCommand,
}

// The `webhooks` subcommands. (a doc comment here would replace the
// command's one-line help, set on its variant of `cli::Command`).
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// List the configured webhooks and hooks (never their secrets)
    List,
    /// Send a signed webhook.test event to one webhook or hook
    #[command(
        long_about = "Send a webhook.test event, signed like every other, to one webhook or \
            hook, and report how it went: exit 0 when it was accepted, 1 when not. The test \
            event is not recorded in the outbox.",
        after_help = "Examples:\n  keyctl webhooks test billing\n  keyctl webhooks test webhook-1"
    )]
    Test {
        /// The webhook's or hook's name (its `name`, or webhook-N / hook-N)
        #[arg(value_name = "NAME")]
        name: String,
    },
}

pub fn run(ctx: &mut Ctx, args: &WebhooksArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        WebhooksCommand::List => list(ctx),
        WebhooksCommand::Test { name } => test(ctx, name),
    }
}

/// Where a destination sends, without anything that may be secret: the
/// scheme and host of a URL, the program of a hook.
#[must_use]
pub fn target_summary(d: &Destination) -> String {
    match &d.target {
        Target::Webhook { url, .. } => match url.parse::<http::Uri>() {
            Ok(uri) => {
                let rest = uri.path_and_query().map_or("", |p| p.as_str());
                format!(
                    "{}://{}{}",
                    uri.scheme_str().unwrap_or(""),
                    uri.authority().map_or("", |a| a.as_str()),
                    if rest.is_empty() || rest == "/" {
                        "/"
                    } else {
                        "/…"
                    }
                )
            }
            Err(_) => "(invalid URL)".to_owned(),
        },
        Target::Hook { command } => escape(command.first().map_or("", String::as_str)).into_owned(),
    }
}

#[derive(Serialize)]
struct DestinationJson<'a> {
    name: &'a str,
    kind: &'static str,
    target: String,
    events: Option<Vec<&'static str>>,
}

fn list(ctx: &mut Ctx) -> anyhow::Result<ExitCode> {
    let destinations = &ctx.config.events.destinations;
    let rows: Vec<DestinationJson<'_>> = destinations
        .iter()
        .map(|d| DestinationJson {
            name: &d.name,
            kind: d.kind(),
            target: target_summary(d),
            events: d
                .events
                .as_ref()
                .map(|e| e.iter().map(|k| k.as_str()).collect()),
        })
        .collect();
    let out = &mut ctx.out;
    match out.format {
        Format::Json => out.json(&rows)?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(["name", "kind", "target", "events"])
                .map_err(csv_io)?;
            for r in &rows {
                w.write_record([
                    r.name.to_owned(),
                    r.kind.to_owned(),
                    r.target.clone(),
                    r.events.as_ref().map(|e| e.join(" ")).unwrap_or_default(),
                ])
                .map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            if rows.is_empty() {
                out.line("No [[webhooks]] or [[hooks]] are configured.")?;
                return Ok(ExitCode::Success);
            }
            let mut t = out.table(&["NAME", "KIND", "TARGET", "EVENTS"]);
            for r in &rows {
                t.add_row(vec![
                    Cell::new(r.name),
                    Cell::new(r.kind),
                    Cell::new(&r.target),
                    Cell::new(
                        r.events
                            .as_ref()
                            .map_or_else(|| "all".to_owned(), |e| e.join(", ")),
                    ),
                ]);
            }
            out.print_table(&t)?;
        }
    }
    Ok(ExitCode::Success)
}

fn test(ctx: &mut Ctx, name: &str) -> anyhow::Result<ExitCode> {
    let mut kc = ctx.open(Access::Read)?;
    let attempt = kc.test_destination(name)?;
    let ok = attempt.result == AttemptResult::Delivered;
    let error = attempt.error.clone();
    let destination = attempt.destination.clone();
    if !ctx.global.quiet {
        print_attempt(&mut ctx.out, &attempt)?;
    }
    if ok {
        Ok(ExitCode::Success)
    } else {
        ctx.out.flush()?;
        Err(Error::Delivery(format!(
            "the test event was not accepted by {destination}: {}",
            error.unwrap_or_else(|| "failed".to_owned())
        ))
        .into())
    }
}
