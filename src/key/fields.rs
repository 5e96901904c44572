//! The fields of a key that an operator writes: its name, description and
//! metadata, checked the same way for the CLI and for a library caller.
//!
//! A field that passes is safe to store: bounded in length, free of NUL
//! (which PostgreSQL's text cannot hold), and free of any real secret, which
//! would otherwise sit in the database and the audit trail in the clear.
//! Names also refuse control characters, since they are printed in tables.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::secret::scan::refuse_secret;
use crate::text::{escape, is_control};

/// Maximum length of a key name, in characters, after trimming.
pub const NAME_MAX: usize = 100;
/// Maximum length of a description, in characters.
pub const DESCRIPTION_MAX: usize = 1000;
/// Maximum length of a metadata key.
pub const META_KEY_MAX: usize = 64;
/// Maximum length of a metadata value.
pub const META_VALUE_MAX: usize = 500;
/// Maximum number of metadata entries on one key.
pub const META_ENTRIES_MAX: usize = 50;

/// Validates a key name: trimmed, 1–100 characters, no control characters.
/// Returns the trimmed name.
pub fn validate_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Error::invalid("name must not be empty"));
    }
    let len = name.chars().count();
    if len > NAME_MAX {
        return Err(Error::invalid(format!(
            "name is {len} characters long; the limit is {NAME_MAX}"
        )));
    }
    if name.chars().any(is_control) {
        return Err(Error::invalid(format!(
            "name '{}' contains control characters",
            escape(name)
        )));
    }
    refuse_secret("the name", name)?;
    if crate::key::looks_like_key_id(name) || looks_like_display_prefix(name) {
        return Err(Error::invalid_with_hint(
            format!(
                "name '{}' has the form of a key id or a displayed prefix",
                escape(name)
            ),
            "a KEY argument is tried as an id and a prefix before a name, so such a name \
             could pick another key; choose another name",
        ));
    }
    Ok(name.to_owned())
}

/// Whether `s` has the shape of a displayed prefix: `<prefix>_<env>_` and
/// eight base62 characters (`sk_live_Ab3dE5gH`).
fn looks_like_display_prefix(s: &str) -> bool {
    let mut parts = s.splitn(3, '_');
    let (Some(prefix), Some(env), Some(random)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    crate::secret::KeyPrefix::new(prefix).is_ok()
        && matches!(env, "live" | "test")
        && random.len() == 8
        && random.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Validates a description: at most 1,000 characters, no NUL (which
/// PostgreSQL's text cannot hold). An empty (or blank) description means
/// none.
pub fn validate_description(raw: &str) -> Result<Option<String>> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.contains('\0') {
        return Err(Error::invalid("the text contains a NUL character"));
    }
    let len = text.chars().count();
    if len > DESCRIPTION_MAX {
        return Err(Error::invalid(format!(
            "description is {len} characters long; the limit is {DESCRIPTION_MAX}"
        )));
    }
    refuse_secret("the text", text)?;
    Ok(Some(text.to_owned()))
}

/// Validates a metadata key: 1–64 of `[A-Za-z0-9_.-]`, and not a secret
/// (a secret's characters are all allowed).
pub fn validate_meta_key(key: &str) -> Result<()> {
    refuse_secret("a metadata key", key)?;
    let ok = !key.is_empty()
        && key.len() <= META_KEY_MAX
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "metadata key '{}' must be 1-{META_KEY_MAX} characters of A-Z, a-z, 0-9, '_', '.' or '-'",
            escape(key)
        )))
    }
}

/// Parses one `--meta K=V` argument.
pub fn parse_meta(arg: &str) -> Result<(String, String)> {
    let Some((key, value)) = arg.split_once('=') else {
        return Err(Error::invalid_with_hint(
            format!("metadata '{}' is not of the form KEY=VALUE", escape(arg)),
            "for example --meta team=billing",
        ));
    };
    validate_meta_key(key)?;
    refuse_secret(&format!("metadata '{key}'"), value)?;
    let len = value.chars().count();
    if len > META_VALUE_MAX {
        return Err(Error::invalid(format!(
            "metadata value for '{key}' is {len} characters long; the limit is {META_VALUE_MAX}"
        )));
    }
    Ok((key.to_owned(), value.to_owned()))
}

/// Checks the number of metadata entries after a change.
pub fn check_meta_count(meta: &BTreeMap<String, String>) -> Result<()> {
    if meta.len() > META_ENTRIES_MAX {
        return Err(Error::invalid(format!(
            "a key may carry at most {META_ENTRIES_MAX} metadata entries"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::{Environment, KeyPrefix, Secret};

    #[test]
    fn nul_never_reaches_the_store() {
        assert!(validate_description("a\0b").is_err());
    }

    #[test]
    fn fields_refuse_real_secrets_only() {
        let secret = Secret::generate(&KeyPrefix::default(), Environment::Test).unwrap();
        let lookalike = "my_live_integration0123456789abcdefghijklmnopq";
        assert!(validate_name(secret.expose()).is_err());
        assert!(validate_description(&format!("see {}", secret.expose())).is_err());
        assert!(parse_meta(&format!("k={}", secret.expose())).is_err());
        assert!(parse_meta(&format!("{}=note", secret.expose())).is_err());
        assert!(validate_meta_key(secret.expose()).is_err());
        assert!(validate_name(lookalike).is_ok());
        let live = Secret::generate(&KeyPrefix::default(), Environment::Live).unwrap();
        assert!(validate_name(&format!("x{}", live.expose())).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(validate_name("  Billing sync ").unwrap(), "Billing sync");
        assert!(validate_name("   ").is_err());
        assert!(validate_name("").is_err());
        assert!(validate_name(&"x".repeat(100)).is_ok());
        assert!(validate_name(&"é".repeat(100)).is_ok());
        assert!(validate_name(&"x".repeat(101)).is_err());
        assert!(validate_name("bad\u{1b}name").is_err());
        assert!(validate_name("bad\u{9b}name").is_err());
    }

    #[test]
    fn names_cannot_pose_as_ids_or_prefixes() {
        for name in [
            "key_7x2k9m4q1z",
            "key_abc",
            "sk_live_Ab3dE5gH",
            "acme_test_00000000",
        ] {
            assert!(validate_name(name).is_err(), "{name}");
        }
        for name in [
            "key_",
            "key_ABC",
            "sk_live_Ab3dE5g",
            "sk_live_Ab3dE5gH9",
            "Billing key_7",
        ] {
            assert!(validate_name(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn descriptions_are_bounded() {
        assert_eq!(validate_description("  ").unwrap(), None);
        assert!(validate_description(&"x".repeat(1000)).is_ok());
        assert!(validate_description(&"x".repeat(1001)).is_err());
    }

    #[test]
    fn metadata_arguments() {
        assert_eq!(
            parse_meta("team=billing=core").unwrap(),
            ("team".to_owned(), "billing=core".to_owned())
        );
        assert_eq!(parse_meta("ticket=").unwrap().1, "");
        assert!(parse_meta("team").is_err());
        assert!(parse_meta("=x").is_err());
        assert!(parse_meta("te am=x").is_err());
    }
}
