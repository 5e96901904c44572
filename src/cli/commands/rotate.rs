//! `keyctl rotate`: replace a key by a new one with the same settings.

use std::io;

use clap::Args;
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::commands::events::deliver_after_commit;
use crate::cli::commands::revoke::confirm_or_refuse;
use crate::cli::commands::{
    KEY_CSV_HEADER, SHOWN_ONCE, key_csv_row, print_secret, print_secret_box,
};
use crate::cli::render::{Format, csv_io};
use crate::key::KeyJson;
use crate::keyctl::Rotated;
use crate::role::Role;
use crate::store::Access;
use crate::text::escape;
use crate::time::{Clock, Timestamp, parse_duration, rfc3339};

#[derive(Debug, Args)]
#[command(
    long_about = "Replace a key by a new one with the same name, scopes, environment, limits, \
        metadata and lifetime length, and print the new secret once. The old key is revoked now, \
        or with --grace stays valid for that long (at most 30 days) and then expires, so clients \
        can move over. Asks for confirmation; without a terminal it refuses unless --yes is given.",
    after_help = "Examples:\n  \
        keyctl rotate key_4f8a2c9d1e --yes\n  \
        keyctl rotate \"Billing sync\" --grace 7d --yes -q > new-secret.txt"
)]
pub struct RotateArgs {
    /// The key: an id, a displayed prefix, or a name
    #[arg(value_name = "KEY")]
    pub key: String,
    /// Keep the old key valid this long (e.g. 24h, 7d; at most 30d) instead of revoking it now
    #[arg(long, value_name = "DURATION")]
    pub grace: Option<String>,
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub yes: bool,
    /// Do not send the change's event to webhooks and hooks now (`keyctl events deliver` will)
    #[arg(long)]
    pub no_deliver: bool,
}

#[derive(Serialize)]
struct NewKeyJson<'a> {
    #[serde(flatten)]
    key: KeyJson<'a>,
    secret: &'a str,
}

#[derive(Serialize)]
struct RotatedJson<'a> {
    old: KeyJson<'a>,
    new: NewKeyJson<'a>,
}

pub fn run(ctx: &mut Ctx, args: &RotateArgs) -> anyhow::Result<ExitCode> {
    let _ = Clock::from_env()?;
    let grace = args.grace.as_deref().map(parse_duration).transpose()?;
    let mut kc = ctx.open(Access::Modify)?;
    // Refuse before asking anything.
    kc.authorize("rotate", Role::Owner)?;
    let now = kc.now();
    let mut target = args.key.clone();
    if !args.yes {
        // Show the key and ask; the rotation below finds it again by id in
        // its own transaction and checks its state there.
        let key = kc.resolve(&args.key)?;
        let fate = match grace {
            Some(g) => format!("stays valid until {}", rfc3339(now + g)),
            None => "is revoked now".to_owned(),
        };
        confirm_or_refuse(
            ctx,
            "rotate",
            &key,
            now,
            &format!(
                "Rotate {}? A new key is made and the old one {fate}",
                key.id
            ),
        )?;
        target = key.id;
    }
    // The new secret is printed inside the transaction: if it cannot be
    // written, the rotation is not committed.
    let rotated =
        kc.rotate_and_hand_over(&target, grace, |rotated| print_rotated(ctx, rotated, now))?;
    deliver_after_commit(
        ctx,
        &mut kc,
        std::slice::from_ref(&rotated.event_id),
        args.no_deliver,
    )?;
    Ok(ExitCode::Success)
}

/// Prints both keys and the new secret, and flushes them out.
fn print_rotated(ctx: &mut Ctx, rotated: &Rotated, now: Timestamp) -> io::Result<()> {
    let (old, new, secret) = (&rotated.old, &rotated.new, &rotated.secret);
    if ctx.global.quiet {
        ctx.out.line(secret.expose())?;
        return ctx.out.flush();
    }
    match ctx.out.format {
        Format::Json => ctx.out.json(&RotatedJson {
            old: old.to_json(now),
            new: NewKeyJson {
                key: new.to_json(now),
                secret: secret.expose(),
            },
        })?,
        Format::Csv => {
            let mut w = ctx.out.csv();
            let mut header: Vec<&str> = vec!["role"];
            header.extend(KEY_CSV_HEADER);
            header.push("secret");
            w.write_record(&header).map_err(csv_io)?;
            for (role, key, s) in [("old", old, ""), ("new", new, secret.expose())] {
                let mut row = vec![role.to_owned()];
                row.extend(key_csv_row(key, now));
                row.push(s.to_owned());
                w.write_record(&row).map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let old_fate = match old.revoked_at {
                Some(_) => "revoked now".to_owned(),
                None => format!(
                    "valid until {}",
                    old.expires_at.map(rfc3339).unwrap_or_default()
                ),
            };
            ctx.out.line(&format!(
                "Rotated {} -> {} \"{}\"",
                old.id,
                new.id,
                escape(&new.name)
            ))?;
            ctx.out.line(&format!("  old {}  {old_fate}", old.prefix))?;
            ctx.out.line(&format!(
                "  new {}  expires {}",
                new.prefix,
                new.expires_at.map_or_else(|| "never".to_owned(), rfc3339)
            ))?;
            if ctx.out.terminal {
                print_secret_box(&mut ctx.out, secret)?;
            } else {
                print_secret(&mut ctx.out, secret)?;
                ctx.out.flush()?;
                ctx.note(SHOWN_ONCE);
            }
        }
    }
    ctx.out.flush()
}
