//! The command line: clap definitions, the dispatcher, and the error edge.
//!
//! Data flows one way: arguments → a library call → a value → a renderer.
//! [`run`] is the only place that turns errors into exit codes and messages;
//! it never exits the process itself. A closed standard output (as in
//! `keyctl list | head -1`) ends the command quietly with success.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::cli::render::{ColorChoice, FormatChoice, Output};
use crate::config::{Config, EnvVars};
use crate::error::Error;
use crate::keyctl::{Keyctl, Seeding};
use crate::secret::scan::redact_secrets;
use crate::store::{Access, Store};
use crate::text;
use crate::time::Clock;

pub mod commands;
pub mod exit;
pub mod generate;
pub mod prompt;
pub mod render;
pub mod serve;

pub use exit::ExitCode;

const LONG_ABOUT: &str = "\
keyctl manages API keys in one local SQLite file, or in a PostgreSQL database \
shared by many machines (--db postgres://...). An operator creates a key, \
sees its secret exactly once, and from then on only its prefix; keys can be \
listed, inspected, updated, revoked and rotated. keyctl stores only the \
SHA-256 of a secret, never the secret itself.

This keyctl manages API keys; it is not the keyctl(1) of Linux's keyutils, \
which manages kernel keyrings. `keyctl --version` tells them apart.";

const AFTER_HELP: &str = "\
Examples:
  keyctl create --name \"Billing sync\" --scope invoices:read
  KEY=$(keyctl create --name ci --scope payouts:write --expires 90d -q)
  keyctl list --format json | jq -r '.[].id'
  keyctl revoke key_4f8a2c9d1e --reason \"leaked in a log\" --yes";

/// keyctl: create, list, revoke and rotate API keys kept in one SQLite file.
#[derive(Debug, Parser)]
#[command(
    name = "keyctl",
    version,
    about = "Manage API keys in one local SQLite file",
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Database file, or postgres:// URL [default: $KEYCTL_DB, else $XDG_DATA_HOME/keyctl/keyctl.db]
    #[arg(long, global = true, value_name = "PATH_OR_URL")]
    pub db: Option<PathBuf>,
    /// Config file [default: $KEYCTL_CONFIG, else $XDG_CONFIG_HOME/keyctl/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = FormatChoice::Table)]
    pub format: FormatChoice,
    /// When to colour the output (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print only the essential value (the secret for create and rotate)
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Who runs the command [default: $KEYCTL_ACTOR, else the login name; on PostgreSQL the
    /// database user, and no other name]
    #[arg(long, global = true, value_name = "NAME")]
    pub actor: Option<String>,
}

/// The subcommands. Each one's arguments are defined only when it is the
/// one being run (or when help, completions or the man pages need them all):
/// building every command's arguments for each run was a tenth of a
/// `verify` process's instructions.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Create a key and print its secret once
    Create(commands::create::CreateArgs),
    /// List keys (never their secrets)
    List(commands::list::ListArgs),
    /// Show every field of one key
    Show(commands::show::ShowArgs),
    /// Change a key's name, description, expiry, limits or metadata
    Update(commands::update::UpdateArgs),
    /// Revoke a key now (permanent)
    Revoke(commands::revoke::RevokeArgs),
    /// Replace a key by a new one and print the new secret once
    Rotate(commands::rotate::RotateArgs),
    /// Check a presented key (read from standard input)
    Verify(commands::verify::VerifyArgs),
    /// Show request statistics of a key, or totals per key
    Usage(commands::usage::UsageArgs),
    /// Import request records (JSON Lines) from a gateway log
    Ingest(commands::ingest::IngestArgs),
    /// Show the audit trail, newest first
    Audit(commands::audit::AuditArgs),
    /// Key events and their delivery to webhooks and hooks
    Events(commands::events::EventsArgs),
    /// Webhooks and hooks of the config
    Webhooks(commands::webhooks::WebhooksArgs),
    /// Copy every key, request, rollup, audit entry, limit counter and event to another store
    Migrate(commands::migrate::MigrateArgs),
    /// Find keyctl secrets in files, standard input or git's index
    Scan(commands::scan::ScanArgs),
    /// List the keys that are a risk (no expiry, full access, unused, old...)
    Doctor(commands::doctor::DoctorArgs),
    /// List the scope catalog and the levels
    Scopes(commands::scopes::ScopesArgs),
    /// List, grant and revoke operators' roles (owner only)
    Roles(commands::roles::RolesArgs),
    /// Verify keys over HTTP for API gateways and services
    Serve(commands::serve::ServeArgs),
    /// Print the completion script for a shell
    Completions(commands::completions::CompletionsArgs),
    /// Print the man page of keyctl or of one command
    Man(commands::man::ManArgs),
}

/// What every command gets: the global options, the environment, the
/// settings, and the output.
pub struct Ctx {
    pub global: GlobalArgs,
    pub env: EnvVars,
    pub config: Config,
    pub out: Output,
    /// The process ends with this command (see [`run_process`]).
    exiting: bool,
}

impl Ctx {
    /// Opens the store for this command's access and wraps it in [`Keyctl`].
    pub fn open(&self, access: Access) -> Result<Session, Error> {
        let clock = Clock::from_env()?;
        // A bad name is refused before anything is opened.
        if let Some(claimed) = &self.global.actor {
            crate::role::validate_actor(claimed)?;
        }
        let location =
            crate::config::db_location(self.global.db.as_deref(), &self.env, &self.config)?;
        let store = Store::open(&location, access)?;
        let actor =
            crate::role::resolve_actor(self.global.actor.as_deref(), store.database_user())?;
        let mut kc = Keyctl::new(store, self.config.clone(), clock, actor);
        if kc.seed_roles()? == Seeding::Ignored {
            let _ = writeln!(
                io::stderr(),
                "warning: the [roles] table of {} is ignored: roles live in the store now \
                 (keyctl roles list)",
                self.config
                    .source
                    .as_deref()
                    .map_or_else(|| "the config".to_owned(), |p| p.display().to_string())
            );
        }
        Ok(Session {
            kc: Some(kc),
            exiting: self.exiting,
        })
    }

    /// Whether prompts may be shown: standard input and standard error are
    /// both terminals (prompts draw on standard error).
    #[must_use]
    pub fn interactive(&self) -> bool {
        io::stdin().is_terminal() && io::stderr().is_terminal()
    }

    /// A message for the person at the terminal, on standard error, unless `-q`.
    pub fn note(&self, message: &str) {
        if !self.global.quiet {
            let _ = writeln!(io::stderr(), "{message}");
        }
    }
}

/// The [`Keyctl`] a command works with. In a process that ends with the
/// command ([`run_process`]) dropping it calls [`Keyctl::end_at_exit`]:
/// for SQLite, closing the connection was a sixteenth of a `verify`
/// process's instructions, all of it freeing what the exit frees anyway.
pub struct Session {
    kc: Option<Keyctl>,
    exiting: bool,
}

impl std::ops::Deref for Session {
    type Target = Keyctl;

    fn deref(&self) -> &Keyctl {
        self.kc
            .as_ref()
            .expect("a session holds its Keyctl until dropped")
    }
}

impl std::ops::DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Keyctl {
        self.kc
            .as_mut()
            .expect("a session holds its Keyctl until dropped")
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(kc) = self.kc.take()
            && self.exiting
        {
            kc.end_at_exit();
        }
    }
}

/// Runs keyctl with these arguments and returns the exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_with(args, false)
}

/// [`run`] for a process that exits when it returns, as the `keyctl`
/// binary does: clap's command tree and matches, and the SQLite connection,
/// are left for the exit to free. ([`run`] frees them, for a caller that
/// goes on.)
pub fn run_process<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_with(args, true)
}

fn run_with<I, T>(args: I, exiting: bool) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut command = Cli::command();
    let parsed = command.try_get_matches_from_mut(args).and_then(|matches| {
        let cli = Cli::from_arg_matches(&matches);
        // The parsed values are owned by `cli`; freeing clap's command
        // tree and matches is work that the process exit makes moot.
        if exiting {
            std::mem::forget(matches);
        }
        cli
    });
    if exiting {
        std::mem::forget(command);
    }
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => return clap_exit(&e),
    };
    match dispatch(cli, exiting) {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

fn clap_exit(e: &clap::Error) -> ExitCode {
    if e.exit_code() == 0 {
        // --help and --version: print as clap renders them (with styling on a terminal).
        let _ = e.print();
        return ExitCode::Success;
    }
    // An argument error quotes the offending argument, which may be a secret
    // pasted in the wrong place: keep only its displayed prefix.
    // It may also quote control characters: escaped line by line, so that
    // the message keeps its own line breaks.
    let rendered = e.render().to_string();
    let redacted = redact_secrets(&rendered);
    let mut stderr = io::stderr().lock();
    for line in redacted.split_inclusive('\n') {
        let (text, end) = match line.strip_suffix('\n') {
            Some(text) => (text, "\n"),
            None => (line, ""),
        };
        let _ = write!(stderr, "{}{end}", text::escape(text));
    }
    ExitCode::Usage
}

fn dispatch(cli: Cli, exiting: bool) -> anyhow::Result<ExitCode> {
    let env = EnvVars::from_process();
    let config = Config::load(cli.global.config.as_deref(), &env)?;
    if cli.global.format == FormatChoice::Sarif && !matches!(cli.command, Command::Scan(_)) {
        return Err(Error::usage(
            "--format sarif is only for `keyctl scan`",
            Some("use --format table, json or csv".to_owned()),
        )
        .into());
    }
    let out = Output::stdout(
        cli.global.format.format(),
        cli.global.color,
        cli.global.quiet,
    );
    let mut ctx = Ctx {
        global: cli.global,
        env,
        config,
        out,
        exiting,
    };
    if matches!(
        cli.command,
        Command::Create(_) | Command::Rotate(_) | Command::Verify(_)
    ) {
        hold_secrets();
    }
    let code = match cli.command {
        Command::Create(args) => commands::create::run(&mut ctx, args),
        Command::List(args) => commands::list::run(&mut ctx, &args),
        Command::Show(args) => commands::show::run(&mut ctx, &args),
        Command::Update(args) => commands::update::run(&mut ctx, &args),
        Command::Revoke(args) => commands::revoke::run(&mut ctx, &args),
        Command::Rotate(args) => commands::rotate::run(&mut ctx, &args),
        Command::Verify(args) => commands::verify::run(&mut ctx, &args),
        Command::Usage(args) => commands::usage::run(&mut ctx, &args),
        Command::Ingest(args) => commands::ingest::run(&mut ctx, &args),
        Command::Audit(args) => commands::audit::run(&mut ctx, &args),
        Command::Events(args) => commands::events::run(&mut ctx, &args),
        Command::Webhooks(args) => commands::webhooks::run(&mut ctx, &args),
        Command::Migrate(args) => commands::migrate::run(&mut ctx, &args),
        Command::Scan(args) => commands::scan::run(&mut ctx, &args),
        Command::Doctor(args) => commands::doctor::run(&mut ctx, &args),
        Command::Scopes(args) => commands::scopes::run(&mut ctx, &args),
        Command::Roles(args) => commands::roles::run(&mut ctx, &args),
        Command::Serve(args) => commands::serve::run(&mut ctx, &args),
        Command::Completions(args) => commands::completions::run(&mut ctx, &args),
        Command::Man(args) => commands::man::run(&mut ctx, &args),
    }?;
    ctx.out.flush()?;
    Ok(code)
}

/// Marks the process as holding a secret (a new one, or one presented to
/// `verify`): on Linux it becomes non-dumpable, so that a core dump taken
/// while it waits (on a webhook, on the database) cannot carry the secret,
/// and other processes of the same user cannot read its memory through
/// ptrace or `/proc/PID/mem`. Never undone: the command ends the process, or
/// the caller of [`run`] held the secret too. Best effort: a failure leaves
/// the process as it was.
pub fn hold_secrets() {
    #[cfg(target_os = "linux")]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
}

/// Prints an error as `error: …` (and `hint: …`) and picks its exit code.
fn report(e: &anyhow::Error) -> ExitCode {
    let closed_pipe = e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    });
    if closed_pipe {
        return ExitCode::Success;
    }
    let lib = e.chain().find_map(|c| c.downcast_ref::<Error>());
    // keyctl's own errors already say everything in one line; others get
    // their causes appended.
    let message = match e.downcast_ref::<Error>() {
        Some(own) => own.to_string(),
        None => format!("{e:#}"),
    };
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "error: {}", text::escape(&redact_secrets(&message)));
    if let Some(hint) = lib.and_then(exit::hint_for) {
        let _ = writeln!(stderr, "hint: {hint}");
    }
    lib.map_or(ExitCode::Failure, ExitCode::of_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_process_holding_secrets_cannot_be_dumped() {
        use rustix::process::{DumpableBehavior, dumpable_behavior};
        hold_secrets();
        assert_eq!(dumpable_behavior().unwrap(), DumpableBehavior::NotDumpable);
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
