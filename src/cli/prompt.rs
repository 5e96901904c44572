//! Prompts on a terminal (dialoguer), with Ctrl-C turned into
//! [`Error::Interrupted`] so the command exits 130 having changed nothing.
//!
//! Prompts are only ever shown when standard input and standard error are
//! terminals; callers check [`super::Ctx::interactive`] first, so no prompt
//! waits on a pipe. The terminal library answers Ctrl-C by raising SIGINT
//! after restoring the terminal; a no-op handler, installed before the first
//! prompt, keeps that signal from killing the process so that the
//! interruption comes back here as an error, the cursor is shown again, and
//! nothing is written.

use std::sync::Once;

use dialoguer::theme::ColorfulTheme;

use crate::error::Error;

static SIGINT_AS_ERROR: Once = Once::new();

fn before_prompt() {
    SIGINT_AS_ERROR.call_once(|| {
        // If a handler cannot be installed, Ctrl-C keeps its default effect
        // (the process ends by SIGINT, which shells also report as 130).
        let _ = ctrlc::set_handler(|| {});
    });
}

/// Maps a prompt failure: Ctrl-C is an interruption, anything else an I/O error.
pub fn prompt_error(e: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = e;
    // Leave the terminal as we found it.
    let _ = dialoguer::console::Term::stderr().show_cursor();
    if io.kind() == std::io::ErrorKind::Interrupted {
        // The prompt line is still open; end it before the error is printed.
        let _ = dialoguer::console::Term::stderr().write_line("");
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
    before_prompt();
    dialoguer::Confirm::with_theme(&ColorfulTheme::default())
        .with_prompt(question)
        .default(false)
        .wait_for_newline(true)
        .interact()
        .map_err(prompt_error)
}

/// Asks for a line of text, re-asking until `check` accepts it.
pub fn input(
    prompt: &str,
    default: Option<&str>,
    mut check: impl FnMut(&str) -> Result<(), Error>,
) -> Result<String, Error> {
    before_prompt();
    let theme = ColorfulTheme::default();
    let mut q = dialoguer::Input::<String>::with_theme(&theme).with_prompt(prompt);
    if let Some(d) = default {
        q = q.default(d.to_owned());
    }
    q.validate_with(move |s: &String| check(s).map_err(|e| e.to_string()))
        .interact_text()
        .map_err(prompt_error)
}

/// Asks for one of `items`.
pub fn select(prompt: &str, items: &[&str], default: usize) -> Result<usize, Error> {
    before_prompt();
    dialoguer::Select::with_theme(&ColorfulTheme::default())
        .with_prompt(prompt)
        .items(items)
        .default(default)
        .interact()
        .map_err(prompt_error)
}

/// Asks for some of `items` (space toggles, enter accepts).
pub fn multi_select(prompt: &str, items: &[String]) -> Result<Vec<usize>, Error> {
    before_prompt();
    dialoguer::MultiSelect::with_theme(&ColorfulTheme::default())
        .with_prompt(prompt)
        .items(items)
        .interact()
        .map_err(prompt_error)
}

/// Asks for a secret without echoing it.
pub fn password(prompt: &str) -> Result<String, Error> {
    before_prompt();
    dialoguer::Password::with_theme(&ColorfulTheme::default())
        .with_prompt(prompt)
        .allow_empty_password(true)
        .interact()
        .map_err(prompt_error)
}
