//! `keyctl serve`: verify keys over HTTP for API gateways and services
//! (SPEC §11). This file resolves the options against the `[serve]` table,
//! refuses a store that does not exist, checks the operator's role, and
//! hands over to the server in [`crate::cli::serve`].

use clap::{Args, ValueEnum};

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::serve::log::LogFormat;
use crate::cli::serve::{self, Listen, Options};
use crate::keyctl::Keyctl;
use crate::role::Role;
use crate::store::{Access, Location, Store};
use crate::time::Clock;

/// The address served when neither `--listen` nor `[serve] listen` names one.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7373";

#[derive(Debug, Args)]
#[command(
    long_about = "Verify keys over HTTP, for API gateways (nginx auth_request, Caddy forward_auth, \
        Traefik ForwardAuth, Envoy ext_authz) and for services in any language. /auth (any method) \
        authorizes the request a gateway forwards (key from Authorization: Bearer or X-API-Key; \
        method and path from X-Original-Method/X-Original-URI or X-Forwarded-Method/X-Forwarded-Uri; \
        scopes from ?scope=, else derived): 200, 401, 403 or 429, with X-Keyctl-* headers to pass \
        upstream. POST /v1/verify takes a JSON request and answers the document of \
        `keyctl verify --format json`. GET /healthz, /readyz and /metrics (Prometheus) serve \
        operations. Every verification is recorded as `keyctl verify` records it, unless \
        --no-record; answers leave only after their record is committed. When ready it prints \
        `keyctl serve: listening on URL` to standard error, then one access-log line per request. \
        SIGTERM or SIGINT stops it cleanly. Defaults may come from a [serve] table in the config.",
    after_help = "Examples:\n  \
        keyctl serve\n  \
        keyctl serve --listen 0.0.0.0:7373 --listen unix:/run/keyctl/keyctl.sock --log-format json\n  \
        curl -H \"Authorization: Bearer $KEY\" -H 'X-Original-Method: GET' \\\n       \
        -H 'X-Original-URI: /v1/invoices/42' http://127.0.0.1:7373/auth"
)]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT or unix:PATH (repeatable) [default: 127.0.0.1:7373]
    #[arg(long, value_name = "ADDR")]
    pub listen: Vec<String>,
    /// Verify without recording: no request, no usage, no limit consumed, no audit event
    #[arg(long)]
    pub no_record: bool,
    /// Access-log format [default: text]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub log_format: Option<LogFormatArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormatArg {
    Text,
    Json,
}

pub fn run(ctx: &mut Ctx, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let settings = &ctx.config.serve;
    let from_config = |what: &str, message: String| crate::error::Error::Config {
        path: ctx.config.source.clone().unwrap_or_default(),
        message: format!("serve.{what}: {message}"),
    };
    let listen = if args.listen.is_empty() {
        match &settings.listen {
            Some(list) if !list.is_empty() => list
                .iter()
                .map(|a| Listen::parse(a).map_err(|m| from_config("listen", m)))
                .collect::<Result<Vec<_>, _>>()?,
            _ => vec![Listen::Tcp(DEFAULT_LISTEN.to_owned())],
        }
    } else {
        args.listen
            .iter()
            .map(|a| Listen::parse(a).map_err(|m| crate::error::Error::usage(m, None)))
            .collect::<Result<Vec<_>, _>>()?
    };
    let log_format = match args.log_format {
        Some(LogFormatArg::Text) => LogFormat::Text,
        Some(LogFormatArg::Json) => LogFormat::Json,
        None => match &settings.log_format {
            Some(f) => LogFormat::parse(f).ok_or_else(|| {
                from_config(
                    "log_format",
                    format!("'{}' is neither text nor json", crate::text::escape(f)),
                )
            })?,
            None => LogFormat::Text,
        },
    };
    let record = !(args.no_record || settings.no_record);

    let clock = Clock::from_env()?;
    // A bad name is refused before anything is opened, as every command does.
    if let Some(claimed) = &ctx.global.actor {
        crate::role::validate_actor(claimed)?;
    }
    let location = crate::config::db_location(ctx.global.db.as_deref(), &ctx.env, &ctx.config)?;
    // Opening a missing SQLite file for reading gives an empty store, which
    // would answer 401 to every client of a server with a mistyped path.
    if let Location::File(file) = &location
        && !file.exists()
    {
        anyhow::bail!(
            "the database {} does not exist; keyctl serve answers from an existing store \
             (create a key first, or pass --db)",
            file.display()
        );
    }
    let store = Store::open_location(&location, Access::Existing)?;
    let actor = crate::role::resolve_actor(ctx.global.actor.as_deref(), store.database_user())?;
    let mut writer = Keyctl::new(store, ctx.config.clone(), clock, actor.clone());
    // Roles as every command sees them (a [roles] table seeds an empty store).
    writer.seed_roles()?;
    writer.authorize("serve", Role::Member)?;
    let open = {
        let config = ctx.config.clone();
        let location = location.clone();
        move || -> crate::error::Result<Keyctl> {
            // A store that disappears under the server fails its requests
            // (503) rather than reading as an empty one (401 for everyone).
            let store = Store::open_location(&location, Access::Existing)?;
            Ok(Keyctl::new(store, config.clone(), clock, actor.clone()))
        }
    };
    let inline_reads = matches!(location, Location::File(_));
    serve::run(
        Options {
            listen,
            record,
            log_format,
        },
        ctx.config.clone(),
        clock,
        writer,
        Box::new(open),
        inline_reads,
    )?;
    Ok(ExitCode::Success)
}
