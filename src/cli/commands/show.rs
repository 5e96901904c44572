//! `keyctl show`: every field of one key, its rotation chain and a usage summary.

use clap::Args;
use comfy_table::Cell;
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::commands::print_keys_csv;
use crate::cli::render::Format;
use crate::key::{Key, KeyJson, Status};
use crate::store::Access;
use crate::text::escape;
use crate::time::{Timestamp, rfc3339};

#[derive(Debug, Args)]
#[command(
    long_about = "Show every field of one key, the keys of its rotation chain, and how often it \
        was used. KEY is an id, a displayed prefix, or a name.",
    after_help = "Examples:\n  \
        keyctl show key_4f8a2c9d1e\n  \
        keyctl show sk_live_Ab3dE5gH\n  \
        keyctl show \"Billing sync\" --format json"
)]
pub struct ShowArgs {
    /// The key: an id, a displayed prefix, or a name
    #[arg(value_name = "KEY")]
    pub key: String,
}

#[derive(Serialize)]
struct ChainLink<'a> {
    id: &'a str,
    prefix: &'a str,
    status: Status,
    created_at: String,
}

#[derive(Serialize)]
struct UsageJson {
    requests_total: u64,
    requests_30d: u64,
    errors_30d: u64,
}

#[derive(Serialize)]
struct ShowJson<'a> {
    #[serde(flatten)]
    key: KeyJson<'a>,
    rotation_chain: Vec<ChainLink<'a>>,
    usage: UsageJson,
}

pub fn run(ctx: &mut Ctx, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let mut kc = ctx.open(Access::Read)?;
    let now = kc.now();
    let details = kc.show(&args.key)?;
    let key = &details.key;
    let out = &mut ctx.out;
    match out.format {
        Format::Json => out.json(&ShowJson {
            key: key.to_json(now),
            rotation_chain: details
                .chain
                .iter()
                .map(|k| ChainLink {
                    id: &k.id,
                    prefix: &k.prefix,
                    status: k.status(now),
                    created_at: rfc3339(k.created_at),
                })
                .collect(),
            usage: UsageJson {
                requests_total: details.usage.all_time,
                requests_30d: details.usage.since,
                errors_30d: details.usage.errors_since,
            },
        })?,
        Format::Csv => print_keys_csv(out, std::slice::from_ref(key), now, None)?,
        Format::Table => {
            let mut table = out.table(&["FIELD", "VALUE"]);
            for (field, value) in fields(key) {
                table.add_row(vec![Cell::new(field), value]);
                if field == "prefix" {
                    table.add_row(vec![Cell::new("status"), out.status_cell(key.status(now))]);
                }
            }
            if details.chain.len() > 1 {
                let chain: Vec<String> = details
                    .chain
                    .iter()
                    .map(|k| {
                        if k.id == key.id {
                            format!("{} (this key)", k.id)
                        } else {
                            format!("{} ({})", k.id, k.status(now))
                        }
                    })
                    .collect();
                table.add_row(vec![Cell::new("rotation"), Cell::new(chain.join(" -> "))]);
            }
            table.add_row(vec![
                Cell::new("requests"),
                Cell::new(format!(
                    "{} in the last 30 days ({} errors), {} in all",
                    details.usage.since, details.usage.errors_since, details.usage.all_time
                )),
            ]);
            out.print_table(&table)?;
        }
    }
    Ok(ExitCode::Success)
}

/// The labelled fields of a key for the table view (status is added apart, coloured).
fn fields(key: &Key) -> Vec<(&'static str, Cell)> {
    let or_dash = |s: Option<String>| s.unwrap_or_else(|| "-".to_owned());
    let by = |t: Option<Timestamp>, who: Option<&str>| {
        t.map(|t| match who {
            Some(w) => format!("{} by {}", rfc3339(t), escape(w)),
            None => rfc3339(t),
        })
    };
    vec![
        ("id", Cell::new(&key.id)),
        ("name", Cell::new(escape(&key.name))),
        (
            "description",
            Cell::new(or_dash(
                key.description.as_deref().map(|d| escape(d).into_owned()),
            )),
        ),
        ("prefix", Cell::new(&key.prefix)),
        ("environment", Cell::new(key.environment)),
        ("scopes", Cell::new(key.scopes.to_string())),
        (
            "created",
            Cell::new(or_dash(by(Some(key.created_at), Some(&key.created_by)))),
        ),
        (
            "expires",
            Cell::new(key.expires_at.map_or_else(|| "never".to_owned(), rfc3339)),
        ),
        (
            "last used",
            Cell::new(key.last_used_at.map_or_else(|| "never".to_owned(), rfc3339)),
        ),
        (
            "revoked",
            Cell::new(or_dash(by(key.revoked_at, key.revoked_by.as_deref()))),
        ),
        (
            "revoke reason",
            Cell::new(or_dash(
                key.revoke_reason.as_deref().map(|r| escape(r).into_owned()),
            )),
        ),
        ("rotated from", Cell::new(or_dash(key.rotated_from.clone()))),
        ("replaced by", Cell::new(or_dash(key.replaced_by.clone()))),
        (
            "rate limit",
            Cell::new(or_dash(key.rate_limit.map(|r| r.to_string()))),
        ),
        (
            "quota",
            Cell::new(or_dash(key.quota.map(|q| q.to_string()))),
        ),
        (
            "metadata",
            Cell::new(if key.metadata.is_empty() {
                "-".to_owned()
            } else {
                key.metadata
                    .iter()
                    .map(|(k, v)| format!("{k}={}", escape(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ),
    ]
}
