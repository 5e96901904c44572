//! `keyctl roles`: the operators' roles held in the store (SPEC §5).
//!
//! `list`, `grant` and `revoke` need the owner role (with no grant in the
//! store, everyone is an owner). Granting the role someone has, or revoking
//! a grant that does not exist, changes nothing, says so, and exits 0.

use clap::{Args, Subcommand, ValueEnum};
use comfy_table::Cell;
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::render::{Format, csv_io};
use crate::keyctl::RoleChange;
use crate::role::Role;
use crate::store::Access;
use crate::text::escape;
use crate::time::rfc3339;

#[derive(Debug, Args)]
#[command(
    long_about = "Roles say who may do what: a member may read (list, show, usage, audit, scopes, \
        verify, serve, doctor, scan), an admin may also create, update and ingest, an owner may \
        also revoke, rotate, scan --revoke, migrate and manage roles. Roles live in the store, so \
        a different config file cannot change them. With no grant in the store every operator is \
        an owner; the first grant must make someone an owner, and the last owner stays while \
        other grants remain. \"*\" stands for every operator without a grant of their own. Every \
        change is recorded in the audit trail. On SQLite the operator is --actor, else \
        KEYCTL_ACTOR, else the login name; on PostgreSQL it is the database user.",
    after_help = "Examples:\n  \
        keyctl roles grant alice owner\n  \
        keyctl roles grant ci-bot admin\n  \
        keyctl roles grant '*' member\n  \
        keyctl roles list\n  \
        keyctl roles revoke ci-bot"
)]
pub struct RolesArgs {
    #[command(subcommand)]
    pub command: RolesCommand,
}

// The subcommands of `roles`. (A doc comment here would replace the
// command's one-line help, set on its variant of `cli::Command`.)
#[derive(Debug, Subcommand)]
pub enum RolesCommand {
    /// List every grant
    List,
    /// Give an operator a role, replacing the one they had
    Grant {
        /// The operator (on PostgreSQL, a database user), or "*" for every operator without a
        /// grant of their own
        #[arg(value_name = "NAME")]
        operator: String,
        /// The role
        #[arg(value_enum, value_name = "ROLE")]
        role: RoleArg,
    },
    /// Take an operator's grant away
    Revoke {
        /// The operator, or "*"
        #[arg(value_name = "NAME")]
        operator: String,
    },
}

/// A role, as clap parses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Member,
    Admin,
    Owner,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Member => Role::Member,
            RoleArg::Admin => Role::Admin,
            RoleArg::Owner => Role::Owner,
        }
    }
}

#[derive(Serialize)]
struct GrantJson<'a> {
    operator: &'a str,
    role: &'static str,
    granted_at: String,
    granted_by: &'a str,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    operator: &'a str,
    role: Option<&'static str>,
    previous_role: Option<&'static str>,
    changed: bool,
}

pub fn run(ctx: &mut Ctx, args: &RolesArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        RolesCommand::List => list(ctx),
        RolesCommand::Grant { operator, role } => {
            let change = ctx
                .open(Access::Write)?
                .grant_role(operator, (*role).into())?;
            print_change(ctx, &change)
        }
        RolesCommand::Revoke { operator } => {
            let change = ctx.open(Access::Modify)?.revoke_role(operator)?;
            print_change(ctx, &change)
        }
    }
}

fn list(ctx: &mut Ctx) -> anyhow::Result<ExitCode> {
    let grants = ctx.open(Access::Read)?.role_grants()?;
    let out = &mut ctx.out;
    match out.format {
        Format::Json => out.json(
            &grants
                .iter()
                .map(|g| GrantJson {
                    operator: &g.operator,
                    role: g.role.as_str(),
                    granted_at: rfc3339(g.granted_at),
                    granted_by: &g.granted_by,
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(["operator", "role", "granted_at", "granted_by"])
                .map_err(csv_io)?;
            for g in &grants {
                w.write_record([
                    escape(&g.operator).into_owned(),
                    g.role.as_str().to_owned(),
                    rfc3339(g.granted_at),
                    escape(&g.granted_by).into_owned(),
                ])
                .map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            if !grants.is_empty() {
                let mut t = out.table(&["OPERATOR", "ROLE", "GRANTED", "GRANTED BY"]);
                for g in &grants {
                    t.add_row(vec![
                        Cell::new(escape(&g.operator)),
                        Cell::new(g.role),
                        Cell::new(rfc3339(g.granted_at)),
                        Cell::new(escape(&g.granted_by)),
                    ]);
                }
                out.print_table(&t)?;
            }
        }
    }
    if grants.is_empty() && ctx.out.format == Format::Table {
        ctx.note("no grants: every operator is an owner");
    }
    Ok(ExitCode::Success)
}

fn print_change(ctx: &mut Ctx, change: &RoleChange) -> anyhow::Result<ExitCode> {
    let name = escape(&change.operator).into_owned();
    let out = &mut ctx.out;
    match out.format {
        Format::Json => out.json(&ChangeJson {
            operator: &change.operator,
            role: change.after.map(Role::as_str),
            previous_role: change.before.map(Role::as_str),
            changed: change.changed(),
        })?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(["operator", "role", "previous_role", "changed"])
                .map_err(csv_io)?;
            w.write_record([
                name.clone(),
                change
                    .after
                    .map(Role::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                change
                    .before
                    .map(Role::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                change.changed().to_string(),
            ])
            .map_err(csv_io)?;
            w.flush()?;
        }
        Format::Table => {
            let line = match (change.before, change.after, change.changed()) {
                (_, Some(r), false) => format!("{name} is already {r}; nothing changed"),
                (None, None, _) => format!("{name} has no grant; nothing changed"),
                (None, Some(r), true) => format!("granted {r} to {name}"),
                (Some(b), Some(r), true) => format!("{name} is now {r} (was {b})"),
                (Some(b), None, _) => format!("revoked the {b} grant of {name}"),
            };
            out.line(&line)?;
        }
    }
    Ok(ExitCode::Success)
}
