//! `keyctl create`: make a key and print its secret once.

use std::io;

use clap::Args;
use serde::Serialize;

use crate::cli::ExitCode;
use crate::cli::commands::events::deliver_after_commit;
use crate::cli::commands::{EnvArg, SHOWN_ONCE, print_keys_csv, print_secret, print_secret_box};
use crate::cli::render::Format;
use crate::cli::{Ctx, prompt};
use crate::error::Error;
use crate::key::KeyJson;
use crate::key::fields::{check_meta_count, parse_meta, validate_description, validate_name};
use crate::keyctl::{Created, NewKey};
use crate::limits::{Quota, RateLimit};
use crate::role::Role;
use crate::scope::{Level, Scope};
use crate::secret::Environment;
use crate::store::Access;
use crate::text::escape;
use crate::time::{Clock, Timestamp, parse_expiry};

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
    pub env: Option<EnvArg>,
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
    /// Do not send the change's event to webhooks and hooks now (`keyctl events deliver` will)
    #[arg(long)]
    pub no_deliver: bool,
}

#[derive(Serialize)]
struct CreatedJson<'a> {
    #[serde(flatten)]
    key: KeyJson<'a>,
    secret: &'a str,
}

pub fn run(ctx: &mut Ctx, mut args: CreateArgs) -> anyhow::Result<ExitCode> {
    let mut missing = Vec::new();
    if args.name.is_none() {
        missing.push("--name");
    }
    if args.scopes.is_empty() && !args.full_access {
        missing.push("--scope (or --full-access)");
    }
    if !missing.is_empty() && !ctx.interactive() {
        return Err(Error::usage(
            format!("missing {}", missing.join(" and ")),
            Some(
                "for example: keyctl create --name \"Billing sync\" --scope invoices:read"
                    .to_owned(),
            ),
        )
        .into());
    }
    // Prompting needs the database open first, to refuse before asking.
    let mut opened = None;
    if !missing.is_empty() {
        let mut kc = ctx.open(Access::Write)?;
        kc.authorize("create", Role::Admin)?;
        opened = Some(kc);
        ask_for_missing(ctx, &mut args)?;
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
    new.environment = args.env.map(Environment::from);
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
        if new.metadata.insert(k.clone(), v).is_some() {
            return Err(Error::usage(
                format!("--meta {k} is given twice"),
                Some("give each metadata key once".to_owned()),
            )
            .into());
        }
    }
    // The library checks these too; checking here keeps a bad value from
    // creating the database.
    validate_name(&new.name)?;
    if let Some(d) = &new.description {
        validate_description(d)?;
    }
    check_meta_count(&new.metadata)?;

    let mut kc = match opened {
        Some(kc) => kc,
        None => ctx.open(Access::Write)?,
    };
    // The secret is printed inside the transaction: if it cannot be
    // written, the key is not committed.
    let created = kc.create_and_hand_over(new, |created| print_created(ctx, created, now))?;
    deliver_after_commit(
        ctx,
        &mut kc,
        std::slice::from_ref(&created.event_id),
        args.no_deliver,
    )?;
    Ok(ExitCode::Success)
}

/// Prints the new key and its secret, and flushes them out.
fn print_created(ctx: &mut Ctx, created: &Created, now: Timestamp) -> io::Result<()> {
    let (key, secret) = (&created.key, &created.secret);
    if ctx.global.quiet {
        ctx.out.line(secret.expose())?;
        return ctx.out.flush();
    }
    match ctx.out.format {
        Format::Json => ctx.out.json(&CreatedJson {
            key: key.to_json(now),
            secret: secret.expose(),
        })?,
        Format::Csv => print_keys_csv(&mut ctx.out, std::slice::from_ref(key), now, Some(secret))?,
        Format::Table if ctx.out.terminal => {
            ctx.out.line(&format!(
                "Created key {} ({}) \"{}\"",
                key.id,
                key.prefix,
                escape(&key.name)
            ))?;
            print_secret_box(&mut ctx.out, secret)?;
        }
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
    ctx.out.flush()
}

/// Asks for what the command line left out: name, environment, scopes, expiry.
fn ask_for_missing(ctx: &Ctx, args: &mut CreateArgs) -> Result<(), Error> {
    if args.name.is_none() {
        let name = prompt::input("Name of the key", None, |s| validate_name(s).map(drop))?;
        args.name = Some(name);
    }
    if args.env.is_none() {
        let default = usize::from(ctx.config.default_env == Environment::Test);
        let i = prompt::select("Environment", &["live", "test"], default)?;
        args.env = Some(if i == 1 { EnvArg::Test } else { EnvArg::Live });
    }
    if args.scopes.is_empty() && !args.full_access {
        let mut items: Vec<String> = Vec::new();
        for r in ctx.config.catalog.resources() {
            for level in Level::ALL {
                items.push(format!("{r}:{level}"));
            }
        }
        items.push("* (full access)".to_owned());
        loop {
            let chosen = prompt::multi_select("Scopes (space to select, enter to accept)", &items)?;
            if chosen.is_empty() {
                ctx.note("a key needs at least one scope");
                continue;
            }
            for i in chosen {
                if i == items.len() - 1 {
                    args.full_access = true;
                } else {
                    args.scopes.push(items[i].clone());
                }
            }
            break;
        }
    }
    if args.expires.is_none() {
        let now = Clock::from_env()?.now();
        let when = prompt::input("Expires (YYYY-MM-DD, 90d, never)", Some("never"), |s| {
            parse_expiry(s, now).map(drop)
        })?;
        args.expires = Some(when);
    }
    Ok(())
}
