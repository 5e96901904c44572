//! One module per subcommand (parse → call the library → render), and the
//! renderings of a key that several of them share.

use std::io;

use comfy_table::Cell;

use crate::cli::render::{Output, Paint, csv_io};
use crate::key::Key;
use crate::secret::{Environment, Secret};
use crate::text::escape;
use crate::time::{Timestamp, rfc3339, short};

pub mod audit;
pub mod completions;
pub mod create;
pub mod doctor;
pub mod events;
pub mod ingest;
pub mod list;
pub mod man;
pub mod migrate;
pub mod revoke;
pub mod roles;
pub mod rotate;
pub mod scan;
pub mod scopes;
pub mod serve;
pub mod show;
pub mod update;
pub mod usage;
pub mod verify;
pub mod webhooks;

/// `--env`, as clap parses it: the library's [`Environment`] knows nothing
/// of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EnvArg {
    Live,
    Test,
}

impl From<EnvArg> for Environment {
    fn from(e: EnvArg) -> Environment {
        match e {
            EnvArg::Live => Environment::Live,
            EnvArg::Test => Environment::Test,
        }
    }
}

/// The CSV columns of a key, in order.
pub const KEY_CSV_HEADER: [&str; 19] = [
    "id",
    "name",
    "description",
    "environment",
    "scopes",
    "prefix",
    "status",
    "created_at",
    "created_by",
    "expires_at",
    "last_used_at",
    "revoked_at",
    "revoked_by",
    "revoke_reason",
    "rotated_from",
    "replaced_by",
    "rate_limit",
    "quota",
    "metadata",
];

/// One CSV row of a key, every field escaped.
#[must_use]
pub fn key_csv_row(key: &Key, now: Timestamp) -> Vec<String> {
    let opt_ts = |t: Option<Timestamp>| t.map(rfc3339).unwrap_or_default();
    let opt = |s: &Option<String>| {
        s.as_deref()
            .map(|s| escape(s).into_owned())
            .unwrap_or_default()
    };
    vec![
        key.id.clone(),
        escape(&key.name).into_owned(),
        opt(&key.description),
        key.environment.to_string(),
        key.scopes.to_string(),
        key.prefix.clone(),
        key.status(now).to_string(),
        rfc3339(key.created_at),
        escape(&key.created_by).into_owned(),
        opt_ts(key.expires_at),
        opt_ts(key.last_used_at),
        opt_ts(key.revoked_at),
        opt(&key.revoked_by),
        opt(&key.revoke_reason),
        key.rotated_from.clone().unwrap_or_default(),
        key.replaced_by.clone().unwrap_or_default(),
        key.rate_limit.map(|r| r.to_string()).unwrap_or_default(),
        key.quota.map(|q| q.to_string()).unwrap_or_default(),
        if key.metadata.is_empty() {
            String::new()
        } else {
            // Valid JSON, with nothing raw that a terminal would act on.
            crate::text::escape_json_c1(serde_json::to_string(&key.metadata).unwrap_or_default())
        },
    ]
}

/// The `list` columns of a key, as table cells.
#[must_use]
pub fn key_table_row(out: &Output, key: &Key, now: Timestamp) -> Vec<Cell> {
    vec![
        Cell::new(&key.id),
        Cell::new(escape(&key.name)),
        Cell::new(&key.prefix),
        Cell::new(key.environment),
        Cell::new(if key.scopes.is_full_access() {
            "* (full access)".to_owned()
        } else {
            key.scopes.to_string()
        }),
        Cell::new(short(key.created_at)),
        Cell::new(key.last_used_at.map_or_else(|| "never".to_owned(), short)),
        Cell::new(key.expires_at.map_or_else(|| "never".to_owned(), short)),
        out.status_cell(key.status(now)),
    ]
}

/// The `list` table header.
pub const KEY_TABLE_HEADER: [&str; 9] = [
    "ID",
    "NAME",
    "PREFIX",
    "ENV",
    "SCOPES",
    "CREATED",
    "LAST USED",
    "EXPIRES",
    "STATUS",
];

/// Prints keys as one CSV document (header, then rows).
pub fn print_keys_csv(
    out: &mut Output,
    keys: &[Key],
    now: Timestamp,
    secret: Option<&Secret>,
) -> io::Result<()> {
    let mut w = out.csv();
    let mut header: Vec<&str> = KEY_CSV_HEADER.to_vec();
    if secret.is_some() {
        header.push("secret");
    }
    w.write_record(&header).map_err(csv_io)?;
    for key in keys {
        let mut row = key_csv_row(key, now);
        if let Some(s) = secret {
            row.push(s.expose().to_owned());
        }
        w.write_record(&row).map_err(csv_io)?;
    }
    w.flush()
}

/// Prints the one-time secret block: the secret on its own line, on stdout;
/// the warning on stderr so it is seen even when stdout is captured.
pub fn print_secret(out: &mut Output, secret: &Secret) -> io::Result<()> {
    out.line("")?;
    let line = format!("  {}", secret.expose());
    let painted = out.paint(&line, Paint::Bold);
    out.line(&painted)?;
    out.line("")?;
    Ok(())
}

/// On a terminal: the secret in a box with the warning inside it.
pub fn print_secret_box(out: &mut Output, secret: &Secret) -> io::Result<()> {
    let warning = "Shown only once: keyctl keeps only its hash. Store it now.";
    let width = secret.expose().len().max(warning.len()) + 4;
    let bar = "─".repeat(width);
    let row = |s: &str| format!("│  {s:<w$}  │", w = width - 4);
    out.line(&format!("┌{bar}┐"))?;
    let secret_row = row(secret.expose());
    let painted = out.paint(&secret_row, Paint::Bold);
    out.line(&painted)?;
    let warning_row = row(warning);
    let painted = out.paint(&warning_row, Paint::Yellow);
    out.line(&painted)?;
    out.line(&format!("└{bar}┘"))
}

/// The warning that goes with a secret shown once.
pub const SHOWN_ONCE: &str =
    "warning: this secret is shown only once; keyctl keeps only its hash. Store it now.";
