//! The command line's edge with the library's errors: the one mapping from
//! errors and verification outcomes to exit codes (SPEC §7), and the hints
//! said in the command line's words.
//!
//! The library speaks to a caller in Rust terms; a hint that would name a
//! flag or a command is given by the library as one of the constants of
//! `error::hint`, and [`hint_for`] replaces it here. A hint the CLI does not
//! know passes through unchanged.

use std::fmt;

use crate::error::{Error, hint};
use crate::verify::Outcome;

/// keyctl's exit codes (SPEC §7), in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    /// Success; for `verify`, the key is `VALID`.
    Success = 0,
    /// Not found, invalid value, refused confirmation, storage error.
    Failure = 1,
    /// The arguments themselves are wrong.
    Usage = 2,
    /// `verify`: the key is not valid (401 outcomes).
    Unauthorized = 3,
    /// `INSUFFICIENT_SCOPE`, or the operator's role forbids the command.
    Forbidden = 4,
    /// A rate limit, quota or plan key count was reached.
    Limit = 5,
    /// Interrupted at a prompt (Ctrl-C), as shells report SIGINT.
    Interrupted = 130,
}

impl ExitCode {
    #[must_use]
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The exit code for a command that failed with `e`.
    #[must_use]
    pub fn of_error(e: &Error) -> ExitCode {
        match e {
            Error::Usage { .. } => ExitCode::Usage,
            Error::Forbidden { .. } => ExitCode::Forbidden,
            Error::LimitReached { .. } => ExitCode::Limit,
            Error::Interrupted => ExitCode::Interrupted,
            _ => ExitCode::Failure,
        }
    }

    /// The exit code of `verify` for an outcome: by its HTTP status.
    #[must_use]
    pub fn of_outcome(outcome: Outcome) -> ExitCode {
        match outcome.http_status() {
            200 => ExitCode::Success,
            403 => ExitCode::Forbidden,
            429 => ExitCode::Limit,
            _ => ExitCode::Unauthorized,
        }
    }
}

impl fmt::Display for ExitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// The hint to print under an error, in the command line's words.
#[must_use]
pub fn hint_for(e: &Error) -> Option<String> {
    if let Error::KeyNotFound(_) = e {
        return Some("`keyctl list --status all` shows every key".to_owned());
    }
    let library = e.hint()?;
    let cli = match library.as_str() {
        hint::NO_SCOPE => "pass --scope RESOURCE:LEVEL (repeatable) or --full-access",
        hint::ROTATE_REVOKED => "create a new key with `keyctl create`",
        hint::SCOPE_FORM => {
            "levels are read, write and admin, e.g. invoices:read; `keyctl scopes` lists the resources"
        }
        hint::CATALOG => "`keyctl scopes` lists the catalog",
        hint::LONG_WINDOW => "use --quota N/day or N/month for longer periods",
        hint::EVENT_IDS => "`keyctl events list` shows the recorded events",
        hint::NO_DB_PLACE => "pass --db PATH or set KEYCTL_DB",
        hint::MISSING_STORE => {
            "check --db, KEYCTL_DB or `database` in the config; `keyctl create` makes the store"
        }
        _ => return Some(library),
    };
    Some(cli.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_match_the_spec() {
        assert_eq!(ExitCode::Success.code(), 0);
        assert_eq!(ExitCode::Failure.code(), 1);
        assert_eq!(ExitCode::Usage.code(), 2);
        assert_eq!(ExitCode::Unauthorized.code(), 3);
        assert_eq!(ExitCode::Forbidden.code(), 4);
        assert_eq!(ExitCode::Limit.code(), 5);
        assert_eq!(ExitCode::Interrupted.code(), 130);
    }

    #[test]
    fn errors_map_to_their_exit_codes() {
        let cases = [
            (Error::invalid("x"), ExitCode::Failure),
            (Error::usage("x", None), ExitCode::Usage),
            (Error::KeyNotFound("x".into()), ExitCode::Failure),
            (Error::Missing("x".into()), ExitCode::Failure),
            (
                Error::Ambiguous {
                    query: "x".into(),
                    candidates: vec![],
                },
                ExitCode::Failure,
            ),
            (Error::conflict("x", None), ExitCode::Failure),
            (
                Error::LimitReached {
                    message: "x".into(),
                    hint: None,
                },
                ExitCode::Limit,
            ),
            (
                Error::Forbidden {
                    message: "x".into(),
                    hint: None,
                },
                ExitCode::Forbidden,
            ),
            (Error::Storage("x".into()), ExitCode::Failure),
            (Error::Declined("x".into()), ExitCode::Failure),
            (
                Error::SecretNotDelivered(std::io::ErrorKind::BrokenPipe.into()),
                ExitCode::Failure,
            ),
            (Error::Delivery("x".into()), ExitCode::Failure),
            (Error::Interrupted, ExitCode::Interrupted),
        ];
        for (error, code) in cases {
            assert_eq!(ExitCode::of_error(&error), code, "{error:?}");
        }
    }

    #[test]
    fn outcomes_map_to_exit_codes_by_status() {
        for o in Outcome::ALL {
            let code = match o {
                Outcome::Valid => 0,
                Outcome::InsufficientScope => 4,
                Outcome::RateLimited | Outcome::UsageExceeded => 5,
                _ => 3,
            };
            assert_eq!(ExitCode::of_outcome(o).code(), code, "{o}");
        }
    }

    #[test]
    fn library_hints_are_said_with_flags() {
        let no_scope = Error::usage(
            "a key needs at least one scope",
            Some(hint::NO_SCOPE.into()),
        );
        assert_eq!(
            hint_for(&no_scope).unwrap(),
            "pass --scope RESOURCE:LEVEL (repeatable) or --full-access"
        );
        assert_eq!(
            hint_for(&Error::KeyNotFound("x".into())).unwrap(),
            "`keyctl list --status all` shows every key"
        );
        let other = Error::invalid_with_hint("x", "as it was");
        assert_eq!(hint_for(&other).unwrap(), "as it was");
    }
}
