//! `keyctl revoke`: revoke a key now, after a confirmation.

use std::io::Write;

use clap::Args;

use crate::cli::ExitCode;
use crate::cli::commands::events::deliver_after_commit;
use crate::cli::commands::print_keys_csv;
use crate::cli::render::Format;
use crate::cli::{Ctx, prompt};
use crate::error::Error;
use crate::key::Key;
use crate::role::Role;
use crate::store::Access;
use crate::text::escape;
use crate::time::{Timestamp, rfc3339};

#[derive(Debug, Args)]
#[command(
    long_about = "Revoke a key now. Revocation is immediate and permanent: the next \
        verification of the key fails. keyctl shows the key's name, prefix and last use and asks \
        for confirmation; without a terminal it refuses unless --yes is given. Revoking a key \
        that is already revoked changes nothing and succeeds.",
    after_help = "Examples:\n  \
        keyctl revoke key_4f8a2c9d1e\n  \
        keyctl revoke sk_live_Ab3dE5gH --reason \"leaked in a CI log\" --yes"
)]
pub struct RevokeArgs {
    /// The key: an id, a displayed prefix, or a name
    #[arg(value_name = "KEY")]
    pub key: String,
    /// Why the key is revoked (kept with the key and in the audit trail)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub yes: bool,
    /// Do not send the change's event to webhooks and hooks now (`keyctl events deliver` will)
    #[arg(long)]
    pub no_deliver: bool,
}

/// Name, prefix, status and last use, for a confirmation.
pub fn describe(key: &Key, now: Timestamp) -> String {
    format!(
        "  key        {}\n  name       {}\n  prefix     {}\n  status     {}\n  last used  {}\n",
        key.id,
        escape(&key.name),
        key.prefix,
        key.status(now),
        key.last_used_at.map_or_else(|| "never".to_owned(), rfc3339)
    )
}

/// Asks before a destructive action, or refuses when nobody can be asked.
pub fn confirm_or_refuse(
    ctx: &Ctx,
    what: &str,
    key: &Key,
    now: Timestamp,
    question: &str,
) -> Result<(), Error> {
    if !ctx.interactive() {
        return Err(Error::conflict(
            format!(
                "refusing to {what} {} without confirmation: standard input is not a terminal",
                key.id
            ),
            Some(format!("pass --yes to {what} without a prompt")),
        ));
    }
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{}", describe(key, now));
    drop(stderr);
    if prompt::confirm(question)? {
        Ok(())
    } else {
        Err(Error::Declined(format!(
            "{what} cancelled; nothing changed"
        )))
    }
}

pub fn run(ctx: &mut Ctx, args: &RevokeArgs) -> anyhow::Result<ExitCode> {
    let mut kc = ctx.open(Access::Modify)?;
    // Refuse before asking anything.
    kc.authorize("revoke", Role::Owner)?;
    let now = kc.now();
    let mut target = args.key.clone();
    if !args.yes {
        // Show the key and ask; the revocation below finds it again by id in
        // its own transaction (an already revoked key is left as it is).
        let key = kc.resolve(&args.key)?;
        if key.revoked_at.is_none() {
            confirm_or_refuse(
                ctx,
                "revoke",
                &key,
                now,
                &format!("Revoke {} now? This cannot be undone", key.id),
            )?;
        }
        target = key.id;
    }
    let revoked = kc.revoke(&target, args.reason.as_deref())?;
    let key = &revoked.key;
    match ctx.out.format {
        Format::Json => ctx.out.json(&key.to_json(now))?,
        Format::Csv => print_keys_csv(&mut ctx.out, std::slice::from_ref(key), now, None)?,
        Format::Table => {
            if revoked.already {
                ctx.out.line(&format!(
                    "{} ({}) was already revoked at {}; nothing changed",
                    key.id,
                    key.prefix,
                    key.revoked_at.map(rfc3339).unwrap_or_default()
                ))?;
            } else {
                ctx.out.line(&format!(
                    "Revoked {} ({}) \"{}\"",
                    key.id,
                    key.prefix,
                    escape(&key.name)
                ))?;
            }
        }
    }
    let events: Vec<String> = revoked.event_id.iter().cloned().collect();
    deliver_after_commit(ctx, &mut kc, &events, args.no_deliver)?;
    Ok(ExitCode::Success)
}
