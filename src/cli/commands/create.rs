//! `keyctl create`: make a key and print its secret once.

use clap::Args;
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::commands::{SHOWN_ONCE, print_keys_csv, print_secret};
use crate::error::{Error, ExitCode};
use crate::key::KeyJson;
use crate::keyctl::NewKey;
use crate::limits::{Quota, RateLimit};
use crate::render::Format;
use crate::scope::Scope;
use crate::secret::Environment;
use crate::store::Access;
use crate::text::{escape, parse_meta};
use crate::time::{Clock, parse_expiry};

/// Create a key and print its secret once
#[derive(Debug, Args)]
#[command(
    long_about = "Create a key and print its secret once.\n\n\
        The secret is printed by this command and never again: keyctl keeps only its SHA-256. \
        A key needs a name and at least one scope (or --full-access). With -q only the secret is \
        printed, on one line, for scripts.",
    after_help = "Examples:\n  \
        keyctl create --name \"Billing sync\" --scope invoices:read\n  \
        keyctl create --name ci --scope payouts:write --env test --expires 90d --meta team=payments\n  \
        KEY=$(keyctl create --name deploy --scope clients:read -q)"
)]
pub struct CreateArgs {
    /// Name of the key (1-100 characters; need not be unique)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// A scope to grant, RESOURCE:LEVEL with LEVEL read, write or admin (repeatable)
    #[arg(long = "scope", value_name = "RESOURCE:LEVEL")]
    pub scopes: Vec<String>,
    /// Grant every scope (the `*` scope)
    #[arg(long)]
    pub full_access: bool,
    /// Environment of the key [default: live, or default_env from the config]
    #[arg(long, value_enum, value_name = "ENV")]
    pub env: Option<Environment>,
    /// Expiry: YYYY-MM-DD (00:00 UTC), an RFC 3339 time, a duration (90d, 12h, 4w) or never
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
    /// Free text about the key (at most 1,000 characters)
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Rate limit, N/WINDOW: 60/min, 2000/15min, 10/s
    #[arg(long, value_name = "N/WINDOW")]
    pub rate_limit: Option<String>,
    /// Quota of valid calls per calendar day or month (UTC): 1000/day, 50000/month
    #[arg(long, value_name = "N/PERIOD")]
    pub quota: Option<String>,
    /// Metadata entry KEY=VALUE (repeatable)
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
}

#[derive(Serialize)]
struct CreatedJson<'a> {
    #[serde(flatten)]
    key: KeyJson<'a>,
    secret: &'a str,
}

pub fn run(ctx: &mut Ctx, args: CreateArgs) -> anyhow::Result<ExitCode> {
    let mut missing = Vec::new();
    if args.name.is_none() {
        missing.push("--name");
    }
    if args.scopes.is_empty() && !args.full_access {
        missing.push("--scope (or --full-access)");
    }
    if !missing.is_empty() {
        return Err(Error::usage(
            format!("missing {}", missing.join(" and ")),
            Some(
                "for example: keyctl create --name \"Billing sync\" --scope invoices:read"
                    .to_owned(),
            ),
        )
        .into());
    }
    // Check every value before the database is opened (or created).
    let now = Clock::from_env()?.now();
    let catalog = &ctx.config.catalog;
    let mut scopes = args
        .scopes
        .iter()
        .map(|s| Scope::parse(s, catalog))
        .collect::<Result<Vec<_>, _>>()?;
    if args.full_access {
        scopes.push(Scope::All);
    }
    let mut new = NewKey::new(args.name.unwrap_or_default(), scopes);
    new.description = args.description;
    new.environment = args.env;
    new.expires_at = match &args.expires {
        Some(s) => parse_expiry(s, now)?,
        None => None,
    };
    new.rate_limit = args
        .rate_limit
        .as_deref()
        .map(str::parse::<RateLimit>)
        .transpose()?;
    new.quota = args.quota.as_deref().map(str::parse::<Quota>).transpose()?;
    for m in &args.meta {
        let (k, v) = parse_meta(m)?;
        new.metadata.insert(k, v);
    }

    let mut kc = ctx.open(Access::Write)?;
    let created = kc.create(new)?;
    let (key, secret) = (&created.key, &created.secret);
    if ctx.global.quiet {
        ctx.out.line(secret.expose())?;
        return Ok(ExitCode::Success);
    }
    match ctx.out.format {
        Format::Json => ctx.out.json(&CreatedJson {
            key: key.to_json(now),
            secret: secret.expose(),
        })?,
        Format::Csv => print_keys_csv(&mut ctx.out, std::slice::from_ref(key), now, Some(secret))?,
        Format::Table => {
            ctx.out.line(&format!(
                "Created key {} ({}) \"{}\", {}, scopes {}",
                key.id,
                key.prefix,
                escape(&key.name),
                key.environment,
                key.scopes
            ))?;
            print_secret(&mut ctx.out, secret)?;
            ctx.out.flush()?;
            ctx.note(SHOWN_ONCE);
        }
    }
    Ok(ExitCode::Success)
}
