//! The library's typed errors and the one mapping from errors to exit codes.
//!
//! Messages are written in the user's terms and never contain a secret: a
//! string that looks like a secret is never echoed back. Every message is a
//! single line; an optional hint says what to do next.

use std::fmt;
use std::path::PathBuf;

/// A result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in the user's terms.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the user gave is not acceptable (bad name, date, scope…).
    #[error("{message}")]
    Invalid {
        message: String,
        hint: Option<String>,
    },
    /// The arguments themselves are wrong (missing a required option).
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
    /// No key matches what the user named.
    #[error("no key matches '{0}'")]
    KeyNotFound(String),
    /// More than one key matches a name or prefix.
    #[error("'{query}' matches {} keys; name one by its id", candidates.len())]
    Ambiguous {
        query: String,
        /// One line per candidate: id, prefix, name, status.
        candidates: Vec<String>,
    },
    /// The operation does not apply to the key in its present state.
    #[error("{message}")]
    Conflict {
        message: String,
        hint: Option<String>,
    },
    /// A plan limit or key limit was reached.
    #[error("{message}")]
    LimitReached {
        message: String,
        hint: Option<String>,
    },
    /// The operator's role does not allow the command.
    #[error("{message}")]
    Forbidden {
        message: String,
        hint: Option<String>,
    },
    /// The config file is wrong.
    #[error("{}: {message}", path.display())]
    Config { path: PathBuf, message: String },
    /// The database file is not one keyctl can use; it was left untouched.
    #[error("{}: {message}", path.display())]
    Database { path: PathBuf, message: String },
    /// The storage engine failed.
    #[error("storage error: {0}")]
    Storage(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Writing the command's output failed (a closed pipe is not reported).
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
    /// The operating system's random source failed.
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    /// The operator declined a confirmation.
    #[error("{0}")]
    Declined(String),
    /// The operator pressed Ctrl-C at a prompt.
    #[error("interrupted")]
    Interrupted,
    /// A webhook or hook did not accept an event sent to it directly
    /// (`webhooks test`). Deliveries of recorded events are retried instead.
    #[error("{0}")]
    Delivery(String),
}

impl Error {
    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid {
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn invalid_with_hint(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Invalid {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// A usage error (exit 2) with an optional hint.
    pub fn usage(message: impl Into<String>, hint: Option<String>) -> Error {
        Error::Usage {
            message: message.into(),
            hint,
        }
    }

    pub(crate) fn conflict(message: impl Into<String>, hint: Option<String>) -> Error {
        Error::Conflict {
            message: message.into(),
            hint,
        }
    }

    /// What to do next, when there is something useful to say.
    #[must_use]
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Invalid { hint, .. }
            | Error::Usage { hint, .. }
            | Error::Conflict { hint, .. }
            | Error::LimitReached { hint, .. }
            | Error::Forbidden { hint, .. } => hint.clone(),
            Error::Ambiguous { candidates, .. } => {
                Some(format!("candidates:\n  {}", candidates.join("\n  ")))
            }
            Error::KeyNotFound(_) => Some("`keyctl list --status all` shows every key".to_owned()),
            Error::Storage(msg) if msg.contains("readonly") || msg.contains("read-only") => {
                Some("check that the database file and its folder are writable".to_owned())
            }
            _ => None,
        }
    }

    /// The process exit code for this error (SPEC §7).
    #[must_use]
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage { .. } => ExitCode::Usage,
            Error::Forbidden { .. } => ExitCode::Forbidden,
            Error::LimitReached { .. } => ExitCode::Limit,
            Error::Interrupted => ExitCode::Interrupted,
            Error::Invalid { .. }
            | Error::KeyNotFound(_)
            | Error::Ambiguous { .. }
            | Error::Conflict { .. }
            | Error::Config { .. }
            | Error::Database { .. }
            | Error::Storage(_)
            | Error::Io { .. }
            | Error::Output(_)
            | Error::Random(_)
            | Error::Declined(_)
            | Error::Delivery(_) => ExitCode::Failure,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Storage(e.to_string())
    }
}

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
    /// `scan` found a key that still works; `doctor` found a hygiene problem.
    Finding = 6,
    /// Interrupted at a prompt (Ctrl-C), as shells report SIGINT.
    Interrupted = 130,
}

impl ExitCode {
    #[must_use]
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for ExitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
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
        assert_eq!(ExitCode::Finding.code(), 6);
        assert_eq!(ExitCode::Interrupted.code(), 130);
    }

    #[test]
    fn errors_map_to_their_exit_codes() {
        let cases = [
            (Error::invalid("x"), ExitCode::Failure),
            (Error::usage("x", None), ExitCode::Usage),
            (Error::KeyNotFound("x".into()), ExitCode::Failure),
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
            (Error::Delivery("x".into()), ExitCode::Failure),
            (Error::Interrupted, ExitCode::Interrupted),
        ];
        for (error, code) in cases {
            assert_eq!(error.exit_code(), code, "{error:?}");
        }
    }

    #[test]
    fn ambiguity_hint_lists_candidates() {
        let e = Error::Ambiguous {
            query: "billing".into(),
            candidates: vec!["key_a".into(), "key_b".into()],
        };
        assert_eq!(
            e.to_string(),
            "'billing' matches 2 keys; name one by its id"
        );
        assert_eq!(e.hint().unwrap(), "candidates:\n  key_a\n  key_b");
    }
}
