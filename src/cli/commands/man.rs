//! `keyctl man`: print a man page (roff).

use clap::Args;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::generate::man_page_for;
use crate::error::Error;
use crate::text::escape;

#[derive(Debug, Args)]
#[command(
    long_about = "Print the man page of keyctl, or of one command, as roff. The same pages are in \
        the man/ folder of the source tree.",
    after_help = "Examples:\n  \
        keyctl man | man -l -\n  \
        keyctl man create | man -l -"
)]
pub struct ManArgs {
    /// The command whose page to print [default: keyctl itself]
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

pub fn run(ctx: &mut Ctx, args: &ManArgs) -> anyhow::Result<ExitCode> {
    let page = man_page_for(args.command.as_deref()).ok_or_else(|| {
        Error::invalid_with_hint(
            format!(
                "there is no command '{}'",
                escape(args.command.as_deref().unwrap_or_default())
            ),
            "`keyctl --help` lists the commands",
        )
    })?;
    ctx.out.write_bytes(&page)?;
    Ok(ExitCode::Success)
}
