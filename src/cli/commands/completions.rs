//! `keyctl completions`: print a shell completion script.

use clap::Args;
use clap_complete::Shell;

use crate::cli::Ctx;
use crate::cli::ExitCode;
use crate::cli::generate::completion;

#[derive(Debug, Args)]
#[command(
    long_about = "Print the completion script for a shell. The same scripts are in the \
        completions/ folder of the source tree.",
    after_help = "Examples:\n  \
        source <(keyctl completions bash)\n  \
        keyctl completions zsh > ~/.zfunc/_keyctl\n  \
        keyctl completions fish > ~/.config/fish/completions/keyctl.fish"
)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

pub fn run(ctx: &mut Ctx, args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    ctx.out.write_bytes(&completion(args.shell))?;
    Ok(ExitCode::Success)
}
