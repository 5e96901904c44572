//! `keyctl update`: change what may change on a key.

use clap::Args;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::commands::events::deliver_after_commit;
use crate::cli::commands::print_keys_csv;
use crate::cli::render::Format;
use crate::error::Error;
use crate::key::fields::{parse_meta, validate_meta_key};
use crate::keyctl::KeyChanges;
use crate::limits::{Quota, RateLimit};
use crate::store::Access;
use crate::time::{Clock, parse_expiry};

#[derive(Debug, Args)]
#[command(
    long_about = "Change what may change on a key: its name, description, expiry, rate limit, \
        quota and metadata. Scopes, environment and the secret never change; a key that needs \
        other scopes is a new key. A revoked key cannot be changed.",
    after_help = "Examples:\n  \
        keyctl update key_4f8a2c9d1e --name \"Billing sync (EU)\"\n  \
        keyctl update \"Billing sync\" --expires 2027-06-30 --meta ticket=OPS-142\n  \
        keyctl update sk_live_Ab3dE5gH --rate-limit none --unset-meta ticket"
)]
pub struct UpdateArgs {
    /// The key: an id, a displayed prefix, or a name
    #[arg(value_name = "KEY")]
    pub key: String,
    /// New name (1-100 characters)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// New description ("" removes it)
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// New expiry: YYYY-MM-DD, an RFC 3339 time, a duration from now (90d), or never
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
    /// New rate limit, N/WINDOW (60/min), or none
    #[arg(long, value_name = "N/WINDOW")]
    pub rate_limit: Option<String>,
    /// New quota, N/day or N/month, or none
    #[arg(long, value_name = "N/PERIOD")]
    pub quota: Option<String>,
    /// Set a metadata entry KEY=VALUE (repeatable)
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    /// Remove a metadata entry (repeatable)
    #[arg(long = "unset-meta", value_name = "KEY")]
    pub unset_meta: Vec<String>,
    /// Do not send the change's event to webhooks and hooks now (`keyctl events deliver` will)
    #[arg(long)]
    pub no_deliver: bool,
}

fn none_or<T>(s: &str, parse: impl FnOnce(&str) -> Result<T, Error>) -> Result<Option<T>, Error> {
    if s.trim() == "none" {
        Ok(None)
    } else {
        parse(s).map(Some)
    }
}

pub fn run(ctx: &mut Ctx, args: &UpdateArgs) -> anyhow::Result<ExitCode> {
    let now = Clock::from_env()?.now();
    let mut changes = KeyChanges {
        name: args.name.clone(),
        description: args
            .description
            .as_ref()
            .map(|d| (!d.trim().is_empty()).then(|| d.clone())),
        expires_at: args
            .expires
            .as_deref()
            .map(|e| parse_expiry(e, now))
            .transpose()?,
        rate_limit: args
            .rate_limit
            .as_deref()
            .map(|r| none_or(r, str::parse::<RateLimit>))
            .transpose()?,
        quota: args
            .quota
            .as_deref()
            .map(|q| none_or(q, str::parse::<Quota>))
            .transpose()?,
        ..KeyChanges::default()
    };
    for m in &args.meta {
        changes.set_metadata.push(parse_meta(m)?);
    }
    for k in &args.unset_meta {
        validate_meta_key(k)?;
        changes.unset_metadata.push(k.clone());
    }
    if changes.is_empty() {
        return Err(Error::usage(
            "nothing to update",
            Some(
                "pass at least one of --name, --description, --expires, --rate-limit, --quota, \
                 --meta, --unset-meta"
                    .to_owned(),
            ),
        )
        .into());
    }
    let mut kc = ctx.open(Access::Modify)?;
    let updated = kc.update(&args.key, &changes)?;
    let now = kc.now();
    match ctx.out.format {
        Format::Json => ctx.out.json(&updated.key.to_json(now))?,
        Format::Csv => print_keys_csv(&mut ctx.out, std::slice::from_ref(&updated.key), now, None)?,
        Format::Table => {
            if updated.changed.is_empty() {
                ctx.out.line(&format!(
                    "No change to {}: it already has these values",
                    updated.key.id
                ))?;
            } else {
                ctx.out.line(&format!(
                    "Updated {} ({}): {}",
                    updated.key.id,
                    updated.key.prefix,
                    updated.changed.join(", ")
                ))?;
            }
        }
    }
    let events: Vec<String> = updated.event_id.into_iter().collect();
    deliver_after_commit(ctx, &mut kc, &events, args.no_deliver)?;
    Ok(ExitCode::Success)
}
