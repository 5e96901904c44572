//! Generated files: shell completions and man pages, from the clap definition.
//!
//! One generator serves `keyctl completions SHELL`, `keyctl man [COMMAND]` and
//! the committed `completions/` and `man/` folders, which a test regenerates
//! and compares (rewriting them when `KEYCTL_UPDATE_GENERATED=1`).

use std::io::Write;

use clap::CommandFactory;
use clap_complete::{Generator, Shell};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use super::Cli;

/// The shells keyctl completes for.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

/// The completion script for `shell`.
#[must_use]
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = expanded_command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "keyctl", &mut out);
    out
}

/// The file name a completion script is installed under.
#[must_use]
pub fn completion_file_name(shell: Shell) -> String {
    shell.file_name("keyctl")
}

/// The command tree with every subcommand already defined, for completions.
///
/// Subcommands are deferred (see [`super::Command`]), and clap copies them
/// under `help` (for `keyctl help events <TAB>`) before it defines them, so
/// that copy would lack nested subcommands. Here each subcommand is built
/// first, in a tree of its own, and then put in place of its deferred self.
fn expanded_command() -> clap::Command {
    let mut built = Cli::command();
    built.build();
    let mut cmd = Cli::command();
    for sub in built.get_subcommands().filter(|s| s.get_name() != "help") {
        let (name, sub) = (sub.get_name().to_owned(), sub.clone());
        cmd = cmd.mut_subcommand(name, |_| sub);
    }
    cmd
}

/// The built command tree, with subcommand display names set (`keyctl-create`).
fn built_command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// Every man page: `keyctl.1` and one `keyctl-<command>.1` per subcommand.
#[must_use]
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let root = built_command();
    let mut pages = vec![(String::from("keyctl.1"), man_page(&root, true))];
    for sub in root.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub
            .get_display_name()
            .unwrap_or_else(|| sub.get_name())
            .to_owned();
        pages.push((format!("{name}.1"), man_page(sub, false)));
    }
    pages
}

/// The man page of the root (`None`) or of one subcommand.
#[must_use]
pub fn man_page_for(command: Option<&str>) -> Option<Vec<u8>> {
    let root = built_command();
    match command {
        None => Some(man_page(&root, true)),
        Some(name) => root
            .get_subcommands()
            .find(|s| s.get_name() == name)
            .map(|s| man_page(s, false)),
    }
}

/// Every generated file, by its path in the repository.
#[must_use]
pub fn generated_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = SHELLS
        .iter()
        .map(|&s| {
            (
                format!("completions/{}", completion_file_name(s)),
                completion(s),
            )
        })
        .collect();
    files.extend(
        man_pages()
            .into_iter()
            .map(|(name, page)| (format!("man/{name}"), page)),
    );
    files
}

fn man_page(cmd: &clap::Command, root: bool) -> Vec<u8> {
    let man = Man::new(cmd.clone())
        .manual("keyctl manual")
        .source(format!("keyctl {}", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);
    if root || cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        let _ = man.render_subcommands_section(&mut out);
    }
    let mut roff = Roff::new();
    examples(&mut roff, cmd);
    exit_status(&mut roff);
    environment(&mut roff);
    files(&mut roff);
    see_also(&mut roff, root);
    let _ = out.write_all(roff.render().as_bytes());
    out
}

fn examples(roff: &mut Roff, cmd: &clap::Command) {
    let Some(after) = cmd.get_after_help().map(ToString::to_string) else {
        return;
    };
    let lines: Vec<&str> = after
        .lines()
        .skip_while(|l| l.trim_end() == "Examples:")
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return;
    }
    roff.control("SH", ["EXAMPLES"]);
    for line in lines {
        roff.control("TP", [] as [&str; 0]);
        roff.text([bold(line)]);
    }
}

fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        ("0", "Success (for verify: the key is VALID)."),
        (
            "1",
            "Failure: no such key, an ambiguous key, an invalid value, a declined or refused \
             confirmation, a config or storage error.",
        ),
        (
            "2",
            "Usage error: an unknown command or option, a missing required option, a value \
             outside a fixed set.",
        ),
        (
            "3",
            "verify: the key is not valid (MALFORMED, NOT_FOUND, REVOKED, EXPIRED, WRONG_ENVIRONMENT).",
        ),
        (
            "4",
            "Forbidden: INSUFFICIENT_SCOPE, or the operator's role does not allow the command.",
        ),
        (
            "5",
            "A limit was reached: a rate limit, a quota, or the plan's key count.",
        ),
        ("130", "Interrupted at a prompt (Ctrl-C); nothing changed."),
    ] {
        roff.control("TP", [] as [&str; 0]);
        roff.text([bold(code)]);
        roff.text([roman(meaning)]);
    }
}

fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    for (var, meaning) in [
        (
            "KEYCTL_DB",
            "The database file, after --db and before database in the config.",
        ),
        ("KEYCTL_CONFIG", "The config file, after --config."),
        (
            "KEYCTL_NOW",
            "An RFC 3339 time that replaces the clock everywhere, for scripts and tests.",
        ),
        (
            "KEYCTL_ACTOR",
            "The operator who runs the command, after --actor and before the login name. On \
             PostgreSQL the operator is the database user, and a name that differs from it is \
             refused (exit 4).",
        ),
        ("NO_COLOR", "When set and not empty, no colour is used."),
    ] {
        roff.control("TP", [] as [&str; 0]);
        roff.text([bold(var)]);
        roff.text([roman(meaning)]);
    }
}

fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    roff.control("TP", [] as [&str; 0]);
    roff.text([italic("$XDG_CONFIG_HOME/keyctl/config.toml")]);
    roff.text([roman(
        "The config file (default ~/.config/keyctl/config.toml); read only if it exists.",
    )]);
    roff.control("TP", [] as [&str; 0]);
    roff.text([italic("$XDG_DATA_HOME/keyctl/keyctl.db")]);
    roff.text([roman(
        "The database (default ~/.local/share/keyctl/keyctl.db), created on the first write \
         with mode 0600, with its -wal and -shm files beside it.",
    )]);
}

fn see_also(roff: &mut Roff, root: bool) {
    roff.control("SH", ["SEE ALSO"]);
    let mut refs = Vec::new();
    if !root {
        refs.push("keyctl(1)".to_owned());
    }
    refs.push("sqlite3(1)".to_owned());
    roff.text([roman(format!(
        "{}. This keyctl manages API keys; the keyctl(1) of Linux's keyutils, which manages \
         kernel keyrings, is a different program.",
        refs.join(", ")
    ))]);
}
