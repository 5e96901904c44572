//! `keyctl usage`: request statistics of one key, or totals per key.

use clap::Args;
use comfy_table::{Cell, CellAlignment};
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::render::{Format, Output, csv_io};
use crate::error::Error;
use crate::key::KeyJson;
use crate::store::{Access, KeyTotals, RequestRecord};
use crate::text::escape;
use crate::time::{Clock, parse_since, rfc3339, short};
use crate::usage::{UsageReport, Window};

#[derive(Debug, Args)]
#[command(
    long_about = "Show request statistics. For one KEY: total requests in the window, a daily \
        chart, the status-code distribution, the most-used endpoints and the last calls. Without \
        KEY: one row per key that had requests, with totals, errors and last use. The window is \
        the last 30 days by default; sections other than the last calls count whole UTC days.",
    after_help = "Examples:\n  \
        keyctl usage \"Billing sync\"\n  \
        keyctl usage key_4f8a2c9d1e --days 7 --recent 10\n  \
        keyctl usage --since 2026-11-01 --until 2026-12-01 --format csv"
)]
pub struct UsageArgs {
    /// The key: an id, a displayed prefix, or a name (omit for totals per key)
    #[arg(value_name = "KEY")]
    pub key: Option<String>,
    /// The last N days, today included [default: 30]
    #[arg(long, value_name = "N", conflicts_with_all = ["since", "until"])]
    pub days: Option<u32>,
    /// Start of the window: YYYY-MM-DD, RFC 3339, or a duration ago (7d)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// End of the window (exclusive) [default: now]
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// How many of the latest calls to list
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub recent: usize,
}

#[derive(Serialize)]
struct WindowJson {
    since: String,
    until: String,
    days: usize,
}

#[derive(Serialize)]
struct DayJson {
    date: String,
    requests: u64,
}

#[derive(Serialize)]
struct StatusJson {
    status: u16,
    requests: u64,
}

#[derive(Serialize)]
struct EndpointJson<'a> {
    endpoint: &'a str,
    requests: u64,
}

#[derive(Serialize)]
struct CallJson<'a> {
    ts: String,
    method: Option<&'a str>,
    path: Option<&'a str>,
    status: u16,
    duration_ms: Option<u32>,
    ip: Option<&'a str>,
    user_agent: Option<&'a str>,
    source: &'static str,
}

#[derive(Serialize)]
struct ReportJson<'a> {
    key: KeyJson<'a>,
    window: WindowJson,
    total: u64,
    errors: u64,
    daily: Vec<DayJson>,
    status_codes: Vec<StatusJson>,
    status_classes: &'a std::collections::BTreeMap<String, u64>,
    endpoints: Vec<EndpointJson<'a>>,
    recent: Vec<CallJson<'a>>,
}

#[derive(Serialize)]
struct TotalsJson<'a> {
    id: &'a str,
    name: &'a str,
    prefix: &'a str,
    requests: u64,
    errors: u64,
    error_rate: f64,
    last_used_at: Option<String>,
}

/// The longest window a report covers (ten years).
const MAX_DAYS: i64 = 3660;

fn window(args: &UsageArgs) -> Result<Window, Error> {
    let now = Clock::from_env()?.now();
    if args.since.is_none() && args.until.is_none() {
        let days = args.days.unwrap_or(30);
        if days == 0 || i64::from(days) > MAX_DAYS {
            return Err(Error::invalid(format!(
                "--days must be between 1 and {MAX_DAYS}"
            )));
        }
        return Ok(Window::last_days(now, days));
    }
    let until = args
        .until
        .as_deref()
        .map(|u| parse_since(u, now))
        .transpose()?
        .unwrap_or(now);
    let since = match args.since.as_deref() {
        Some(s) => parse_since(s, now)?,
        None => Window::last_days(until, 30).since,
    };
    if since >= until {
        return Err(Error::invalid(format!(
            "the window is empty: --since {} is not before --until {}",
            rfc3339(since),
            rfc3339(until)
        )));
    }
    if (until - since).num_days() > MAX_DAYS {
        return Err(Error::invalid(format!(
            "the window is longer than {MAX_DAYS} days"
        )));
    }
    Ok(Window { since, until })
}

pub fn run(ctx: &mut Ctx, args: &UsageArgs) -> anyhow::Result<ExitCode> {
    let window = window(args)?;
    let mut kc = ctx.open(Access::Read)?;
    let now = kc.now();
    match &args.key {
        Some(key) => {
            let report = kc.usage(key, window, args.recent)?;
            render_report(&mut ctx.out, &report, now)?;
        }
        None => {
            let totals = kc.usage_all(window)?;
            render_totals(ctx, &totals, window)?;
        }
    }
    Ok(ExitCode::Success)
}

fn rate(errors: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        // Four decimals: stable output, exact enough for a share.
        (errors as f64 / total as f64 * 10_000.0).round() / 10_000.0
    }
}

fn percent(part: u64, total: u64) -> String {
    if total == 0 {
        "0.0%".to_owned()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / total as f64)
    }
}

/// The widest bar of the daily chart, so a chart line fits in 80 columns.
const BAR_WIDTH: u64 = 50;

fn bar(n: u64, max: u64, block: char) -> String {
    if n == 0 || max == 0 {
        return String::new();
    }
    let len = (n * BAR_WIDTH).div_ceil(max).max(1);
    std::iter::repeat_n(block, usize::try_from(len).unwrap_or(0)).collect()
}

fn render_report(
    out: &mut Output,
    r: &UsageReport,
    now: crate::time::Timestamp,
) -> anyhow::Result<()> {
    match out.format {
        Format::Json => out.json(&ReportJson {
            key: r.key.to_json(now),
            window: WindowJson {
                since: rfc3339(r.window.since),
                until: rfc3339(r.window.until),
                days: r.daily.len(),
            },
            total: r.total,
            errors: r.errors,
            daily: r
                .daily
                .iter()
                .map(|(d, n)| DayJson {
                    date: d.to_string(),
                    requests: *n,
                })
                .collect(),
            status_codes: r
                .status_codes
                .iter()
                .map(|(s, n)| StatusJson {
                    status: *s,
                    requests: *n,
                })
                .collect(),
            status_classes: &r.status_classes,
            endpoints: r
                .endpoints
                .iter()
                .map(|(e, n)| EndpointJson {
                    endpoint: e,
                    requests: *n,
                })
                .collect(),
            recent: r.recent.iter().map(call_json).collect(),
        })?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(["date", "requests"]).map_err(csv_io)?;
            for (d, n) in &r.daily {
                w.write_record([d.to_string(), n.to_string()])
                    .map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let (first, last) = (r.daily.first(), r.daily.last());
            out.line(&format!(
                "{} ({}) \"{}\"",
                r.key.id,
                r.key.prefix,
                escape(&r.key.name)
            ))?;
            out.line(&format!(
                "{} to {} (UTC): {} requests, {} errors ({})",
                first.map(|d| d.0.to_string()).unwrap_or_default(),
                last.map(|d| d.0.to_string()).unwrap_or_default(),
                r.total,
                r.errors,
                percent(r.errors, r.total)
            ))?;
            out.line("")?;
            out.line("Daily requests")?;
            let max = r.daily.iter().map(|d| d.1).max().unwrap_or(0);
            let block = if out.color { '█' } else { '#' };
            let width = r
                .daily
                .iter()
                .map(|d| d.1.to_string().len())
                .max()
                .unwrap_or(1);
            for (d, n) in &r.daily {
                let b = bar(*n, max, block);
                out.line(format!("{d}  {n:>width$}  {b}").trim_end())?;
            }
            out.line("")?;
            let mut t = out.table(&["STATUS", "REQUESTS", "SHARE"]);
            for (s, n) in &r.status_codes {
                t.add_row(vec![
                    Cell::new(s),
                    Cell::new(n).set_alignment(CellAlignment::Right),
                    Cell::new(percent(*n, r.total)).set_alignment(CellAlignment::Right),
                ]);
            }
            for (class, n) in &r.status_classes {
                t.add_row(vec![
                    Cell::new(class),
                    Cell::new(n).set_alignment(CellAlignment::Right),
                    Cell::new(percent(*n, r.total)).set_alignment(CellAlignment::Right),
                ]);
            }
            out.print_table(&t)?;
            out.line("")?;
            let mut t = out.table(&["ENDPOINT", "REQUESTS"]);
            for (e, n) in &r.endpoints {
                t.add_row(vec![
                    Cell::new(escape(e)),
                    Cell::new(n).set_alignment(CellAlignment::Right),
                ]);
            }
            if r.endpoints.is_empty() {
                out.line("No endpoints in this window.")?;
            } else {
                out.print_table(&t)?;
            }
            out.line("")?;
            if r.recent.is_empty() {
                out.line("No calls in this window.")?;
            } else {
                out.line(&format!("Last {} calls", r.recent.len()))?;
                let mut t = out.table(&[
                    "TIME",
                    "METHOD",
                    "PATH",
                    "STATUS",
                    "MS",
                    "IP",
                    "USER AGENT",
                    "SOURCE",
                ]);
                for c in &r.recent {
                    let o = |s: &Option<String>| {
                        s.as_deref()
                            .map_or_else(|| "-".to_owned(), |s| escape(s).into_owned())
                    };
                    t.add_row(vec![
                        Cell::new(rfc3339(c.ts)),
                        Cell::new(o(&c.method)),
                        Cell::new(o(&c.path)),
                        Cell::new(c.status),
                        Cell::new(
                            c.duration_ms
                                .map_or_else(|| "-".to_owned(), |d| d.to_string()),
                        ),
                        Cell::new(o(&c.ip)),
                        Cell::new(o(&c.user_agent)),
                        Cell::new(c.source.as_str()),
                    ]);
                }
                out.print_table(&t)?;
            }
        }
    }
    Ok(())
}

fn call_json(c: &RequestRecord) -> CallJson<'_> {
    CallJson {
        ts: rfc3339(c.ts),
        method: c.method.as_deref(),
        path: c.path.as_deref(),
        status: c.status,
        duration_ms: c.duration_ms,
        ip: c.ip.as_deref(),
        user_agent: c.user_agent.as_deref(),
        source: c.source.as_str(),
    }
}

fn render_totals(ctx: &mut Ctx, totals: &[KeyTotals], window: Window) -> anyhow::Result<()> {
    let out = &mut ctx.out;
    match out.format {
        Format::Json => out.json(
            &totals
                .iter()
                .map(|t| TotalsJson {
                    id: &t.key_id,
                    name: &t.name,
                    prefix: &t.prefix,
                    requests: t.requests,
                    errors: t.errors,
                    error_rate: rate(t.errors, t.requests),
                    last_used_at: t.last_used_at.map(rfc3339),
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record([
                "id",
                "name",
                "prefix",
                "requests",
                "errors",
                "error_rate",
                "last_used_at",
            ])
            .map_err(csv_io)?;
            for t in totals {
                w.write_record([
                    t.key_id.clone(),
                    escape(&t.name).into_owned(),
                    t.prefix.clone(),
                    t.requests.to_string(),
                    t.errors.to_string(),
                    rate(t.errors, t.requests).to_string(),
                    t.last_used_at.map(rfc3339).unwrap_or_default(),
                ])
                .map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            if totals.is_empty() {
                let (from, to) = window.days();
                ctx.note(&format!(
                    "no requests from {} to {}",
                    crate::usage::date_of(from),
                    crate::usage::date_of(to)
                ));
                return Ok(());
            }
            let mut t = out.table(&[
                "ID",
                "NAME",
                "PREFIX",
                "REQUESTS",
                "ERRORS",
                "ERROR RATE",
                "LAST USED",
            ]);
            for k in totals {
                t.add_row(vec![
                    Cell::new(&k.key_id),
                    Cell::new(escape(&k.name)),
                    Cell::new(&k.prefix),
                    Cell::new(k.requests).set_alignment(CellAlignment::Right),
                    Cell::new(k.errors).set_alignment(CellAlignment::Right),
                    Cell::new(percent(k.errors, k.requests)).set_alignment(CellAlignment::Right),
                    Cell::new(k.last_used_at.map_or_else(|| "never".to_owned(), short)),
                ]);
            }
            out.print_table(&t)?;
        }
    }
    Ok(())
}
