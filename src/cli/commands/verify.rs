//! `keyctl verify`: check a presented secret read from standard input.

use std::io::{BufRead, IsTerminal, Read};

use clap::Args;
use comfy_table::Cell;

use crate::cli::ExitCode;
use crate::cli::commands::EnvArg;
use crate::cli::render::{Format, Paint, csv_io};
use crate::cli::{Ctx, prompt};
use crate::scope::Scope;
use crate::secret::Environment;
use crate::store::Access;
use crate::text::escape;
use crate::time::rfc3339;
use crate::verify::{LimitState, Verification, VerifyRequest};

#[derive(Debug, Args)]
#[command(
    long_about = "Check a presented key. The secret is read from standard input (one line), never \
        from the command line, so it stays out of shell history and process listings. Checks run \
        in order: format and checksum, lookup, revoked, expired, environment (--env), scopes, then \
        rate limit, quota and the plan's monthly calls. With --method and --path and no --scope, \
        the required scope is derived from the request (GET /v1/invoices/42 needs invoices:read). \
        The request is recorded (usage, limits, audit) unless --no-record, which writes nothing. \
        The exit code tells the outcome: 0 VALID, 3 unauthorized, 4 forbidden, 5 limited.",
    after_help = "Examples:\n  \
        printf '%s\\n' \"$KEY\" | keyctl verify --scope invoices:read\n  \
        keyctl verify --env live --method GET --path /v1/invoices/42 --ip 203.0.113.7 < key.txt\n  \
        keyctl verify --no-record -q < key.txt && echo ok"
)]
pub struct VerifyArgs {
    /// A scope the key must grant, RESOURCE:LEVEL (repeatable)
    #[arg(long = "scope", value_name = "RESOURCE:LEVEL")]
    pub scopes: Vec<String>,
    /// The environment the key must belong to
    #[arg(long, value_enum, value_name = "ENV")]
    pub env: Option<EnvArg>,
    /// The request's HTTP method (recorded; with --path, derives the scope)
    #[arg(long, value_name = "METHOD", requires = "path")]
    pub method: Option<String>,
    /// The request's path (recorded; with --method, derives the scope)
    #[arg(long, value_name = "PATH", requires = "method")]
    pub path: Option<String>,
    /// The client's IP address (recorded)
    #[arg(long, value_name = "IP", value_parser = ip_address)]
    pub ip: Option<String>,
    /// The client's user agent (recorded)
    #[arg(long, value_name = "TEXT")]
    pub user_agent: Option<String>,
    /// Write nothing: no request, no usage, no limit consumed, no audit event
    #[arg(long)]
    pub no_record: bool,
}

/// The longest line read as a presented secret; anything longer is malformed.
const MAX_PRESENTED: u64 = 4096;

fn read_presented() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        return Ok(prompt::password("Secret")?);
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_PRESENTED)
        .read_until(b'\n', &mut bytes)?;
    // Invalid UTF-8 cannot be a secret: it reads as malformed, not as an error.
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

pub fn run(ctx: &mut Ctx, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let scopes = args
        .scopes
        .iter()
        .map(|s| Scope::parse(s, &ctx.config.catalog))
        .collect::<Result<Vec<_>, _>>()?;
    let request = VerifyRequest {
        scopes,
        environment: args.env.map(Environment::from),
        method: args.method.clone(),
        path: args.path.clone(),
        ip: args.ip.clone(),
        user_agent: args.user_agent.clone(),
        record: !args.no_record,
    };
    request
        .required_scopes()
        .map_err(crate::error::Error::from)?;
    let presented = read_presented()?;
    let access = if args.no_record {
        Access::Read
    } else {
        Access::Modify
    };
    let mut kc = ctx.open(access)?;
    let v = kc.verify(&presented, &request)?;
    render(ctx, &v)?;
    Ok(ExitCode::of_outcome(v.outcome))
}

pub(crate) use crate::http_answer::json_document;

fn limit_text(l: Option<LimitState>, label: &str) -> Option<String> {
    l.map(|l| {
        format!(
            "{label} {} of {} left, resets {}",
            l.remaining,
            l.limit,
            rfc3339(l.resets_at)
        )
    })
}

fn render(ctx: &mut Ctx, v: &Verification) -> anyhow::Result<()> {
    let out = &mut ctx.out;
    if ctx.global.quiet {
        out.line(v.outcome.code())?;
        return Ok(());
    }
    let required: Vec<String> = v.required.iter().map(ToString::to_string).collect();
    match out.format {
        Format::Json => out.json(&json_document(v))?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record([
                "code",
                "status",
                "key_id",
                "name",
                "prefix",
                "environment",
                "scopes",
                "required_scopes",
                "rate_limit_remaining",
                "plan_rate_limit_remaining",
                "quota_remaining",
                "plan_monthly_calls_remaining",
            ])
            .map_err(csv_io)?;
            let k = v.key.as_ref();
            let rem =
                |l: Option<LimitState>| l.map(|l| l.remaining.to_string()).unwrap_or_default();
            w.write_record([
                v.outcome.code().to_owned(),
                v.outcome.http_status().to_string(),
                k.map(|k| k.id.clone()).unwrap_or_default(),
                k.map(|k| escape(&k.name).into_owned()).unwrap_or_default(),
                k.map(|k| k.prefix.clone()).unwrap_or_default(),
                k.map(|k| k.environment.to_string()).unwrap_or_default(),
                k.map(|k| k.scopes.to_string()).unwrap_or_default(),
                required.join(" "),
                rem(v.remaining.rate_limit),
                rem(v.remaining.plan_rate_limit),
                rem(v.remaining.quota),
                rem(v.remaining.plan_monthly_calls),
            ])
            .map_err(csv_io)?;
            w.flush()?;
        }
        Format::Table => {
            let paint = if v.outcome.is_valid() {
                Paint::Green
            } else if v.outcome.http_status() == 429 {
                Paint::Yellow
            } else {
                Paint::Red
            };
            let mut rows: Vec<(&str, String)> = vec![
                ("outcome", out.paint(v.outcome.code(), paint)),
                ("status", v.outcome.http_status().to_string()),
            ];
            if let Some(reason) = v.malformed {
                rows.push(("reason", reason.to_string()));
            }
            if let Some(k) = &v.key {
                rows.push(("key", k.id.clone()));
                rows.push(("name", escape(&k.name).into_owned()));
                rows.push(("prefix", k.prefix.clone()));
                rows.push(("environment", k.environment.to_string()));
                rows.push(("scopes", k.scopes.to_string()));
            }
            if !required.is_empty() {
                rows.push(("required", required.join(" ")));
            }
            for (label, text) in [
                ("rate limit", limit_text(v.remaining.rate_limit, "")),
                ("plan rate", limit_text(v.remaining.plan_rate_limit, "")),
                ("quota", limit_text(v.remaining.quota, "")),
                ("plan calls", limit_text(v.remaining.plan_monthly_calls, "")),
            ] {
                if let Some(text) = text {
                    rows.push((label, text.trim_start().to_owned()));
                }
            }
            let mut fields = out.table(&["FIELD", "VALUE"]);
            for (label, text) in rows {
                fields.add_row(vec![Cell::new(label), Cell::new(text)]);
            }
            out.print_table(&fields)?;
        }
    }
    Ok(())
}

/// An IPv4 or IPv6 address, as `--ip` takes it: anything else would be
/// recorded as if it were one.
fn ip_address(s: &str) -> Result<String, String> {
    s.parse::<std::net::IpAddr>()
        .map(|_| s.to_owned())
        .map_err(|_| "not an IPv4 or IPv6 address".to_owned())
}
