//! Prompts on a terminal (dialoguer), with Ctrl-C turned into
//! [`Error::Interrupted`] so the command exits 130 having changed nothing.
//!
//! Prompts are only ever shown when standard input and standard error are
//! terminals; callers check [`super::Ctx::interactive`] first, so no prompt
//! waits on a pipe.

use dialoguer::theme::ColorfulTheme;

use crate::error::Error;

/// Maps a prompt failure: Ctrl-C is an interruption, anything else an I/O error.
pub fn prompt_error(e: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = e;
    // Leave the terminal as we found it.
    let _ = dialoguer::console::Term::stderr().show_cursor();
    if io.kind() == std::io::ErrorKind::Interrupted {
        Error::Interrupted
    } else {
        Error::Io {
            path: "<terminal>".into(),
            source: io,
        }
    }
}

/// Asks a yes/no question that defaults to No.
pub fn confirm(question: &str) -> Result<bool, Error> {
    dialoguer::Confirm::with_theme(&ColorfulTheme::default())
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(prompt_error)
}
