//! The library's typed errors.
//!
//! Messages are written in the user's terms and never contain a secret: a
//! string that looks like a secret is never echoed back. Every message is a
//! single line; an optional hint says what to do next, in words for a caller
//! of the library (no command-line flags: the CLI words its own hints, and
//! maps errors to exit codes, in `cli::exit`). No storage driver's type
//! appears here: a driver's error becomes [`Error::Storage`] or
//! [`Error::Database`] inside its backend, so the API does not change with a
//! driver's version.

use std::path::PathBuf;

/// A result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in the user's terms. New kinds may be added, so a
/// `match` needs a catch-all arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// The store does not exist, and the access asked for one that does
    /// ([`Access::Existing`](crate::store::Access::Existing)); nothing was created.
    #[error("{0}: no keyctl store exists there (nothing was created)")]
    Missing(String),
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
    /// The new secret of `create` or `rotate` could not be handed over, so
    /// the change was rolled back. Not a `source`: unlike other output, a
    /// closed pipe here is a failure, never a quiet success.
    #[error("the new secret could not be written ({0}); nothing was changed")]
    SecretNotDelivered(std::io::Error),
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

    /// A usage error (the arguments themselves) with an optional hint.
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
            Error::Missing(_) => Some(hint::MISSING_STORE.to_owned()),
            Error::Storage(msg) if msg.contains("readonly") || msg.contains("read-only") => {
                Some("check that the database file and its folder are writable".to_owned())
            }
            _ => None,
        }
    }
}

/// Hints that the command line says in its own words: the library gives
/// these texts, and `cli::exit` recognises each one by this constant (not by
/// searching messages) and names the flag or command instead.
pub(crate) mod hint {
    pub const NO_SCOPE: &str = "give at least one scope, or full access";
    pub const ROTATE_REVOKED: &str = "create a new key instead";
    pub const SCOPE_FORM: &str =
        "levels are read, write and admin, e.g. invoices:read; the catalog lists the resources";
    pub const CATALOG: &str = "the catalog lists the resources";
    pub const LONG_WINDOW: &str = "a quota (N/day or N/month) covers longer periods";
    pub const EVENT_IDS: &str = "listing the events shows their ids";
    pub const NO_DB_PLACE: &str = "name the database, or set KEYCTL_DB";
    pub const MISSING_STORE: &str =
        "check the location; a store is created by its first write (Access::Write)";
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn library_hints_name_no_flag_or_command() {
        let hints = [
            hint::NO_SCOPE,
            hint::ROTATE_REVOKED,
            hint::SCOPE_FORM,
            hint::CATALOG,
            hint::LONG_WINDOW,
            hint::EVENT_IDS,
            hint::NO_DB_PLACE,
            hint::MISSING_STORE,
        ];
        for h in hints {
            assert!(!h.contains("--") && !h.contains("keyctl "), "{h}");
        }
        assert_eq!(Error::KeyNotFound("x".into()).hint(), None);
    }
}
