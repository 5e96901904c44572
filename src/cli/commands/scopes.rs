//! `keyctl scopes`: the resource catalog and the levels.

use clap::Args;
use comfy_table::Cell;
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::render::{Format, csv_io};
use crate::role::Role;
use crate::scope::Level;
use crate::store::Access;

#[derive(Debug, Args)]
#[command(
    long_about = "List the resources that scopes may name (the catalog: `scopes` in the config, \
        or the default six) and the levels. A scope is RESOURCE:LEVEL; read < write < admin, and a \
        higher level includes the lower ones. `*` grants everything.",
    after_help = "Examples:\n  keyctl scopes\n  keyctl scopes --format json | jq -r '.resources[]'"
)]
pub struct ScopesArgs {}

#[derive(Serialize)]
struct ScopesJson<'a> {
    resources: &'a [String],
    levels: [&'static str; 3],
    full_access: &'static str,
}

pub fn run(ctx: &mut Ctx, _args: &ScopesArgs) -> anyhow::Result<ExitCode> {
    ctx.open(Access::Read)?.authorize("scopes", Role::Member)?;
    let resources = ctx.config.catalog.resources().to_vec();
    let levels = Level::ALL.map(Level::as_str);
    let out = &mut ctx.out;
    match out.format {
        Format::Json => out.json(&ScopesJson {
            resources: &resources,
            levels,
            full_access: "*",
        })?,
        Format::Csv => {
            let mut w = out.csv();
            w.write_record(["resource", "scopes"]).map_err(csv_io)?;
            for r in &resources {
                let scopes: Vec<String> = levels.iter().map(|l| format!("{r}:{l}")).collect();
                w.write_record([r.clone(), scopes.join(" ")])
                    .map_err(csv_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut table = out.table(&["RESOURCE", "SCOPES"]);
            for r in &resources {
                let scopes: Vec<String> = levels.iter().map(|l| format!("{r}:{l}")).collect();
                table.add_row(vec![Cell::new(r), Cell::new(scopes.join("  "))]);
            }
            table.add_row(vec![
                Cell::new("*"),
                Cell::new("full access to every resource"),
            ]);
            out.print_table(&table)?;
            out.line("")?;
            out.line("Levels: read < write < admin; a higher level includes the lower ones.")?;
        }
    }
    Ok(ExitCode::Success)
}
