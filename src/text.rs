//! User-supplied text: validation of names, descriptions and metadata, and
//! terminal-safe escaping.
//!
//! Anything a user or a gateway log put into the database is printed through
//! [`escape`], so that no stored byte can move a cursor, change a colour or
//! set a window title: C0 controls, DEL and the C1 range (U+0080–U+009F, which
//! includes the single-character CSI U+009B) are written as `\n`, `\t`, `\r`,
//! `\e`, or `\u{9b}`; a backslash is left as it is.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::error::{Error, Result};

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

/// Whether a character would be interpreted by a terminal.
#[must_use]
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// Returns `s` with every control character escaped. Borrows when nothing
/// needs escaping, which is the common case.
#[must_use]
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if is_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escapes DEL and the C1 range in serialized JSON, which `serde_json`
/// leaves raw (C0 controls are already escaped by JSON itself). These
/// characters can only occur inside JSON strings, so a plain replacement is
/// exact.
#[must_use]
pub fn escape_json_c1(json: String) -> String {
    let raw = |c: char| ('\u{7f}'..='\u{9f}').contains(&c);
    if !json.chars().any(raw) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Replaces the random part of anything shaped like a secret with `…`,
/// keeping its displayed prefix: for messages that quote user input which
/// keyctl did not write itself (argument errors from the parser).
#[must_use]
pub fn redact_secrets(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while let Some(pos) = find_env_marker(&bytes[i..]) {
        let at = i + pos; // index of the '_' before live/test
        let random_at = at + 6;
        // A prefix is at most 10 characters: what runs on before them (the
        // end of another secret, a word) is not part of this one.
        let prefix_start = bytes[..at]
            .iter()
            .rposition(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit()))
            .map_or(0, |p| p + 1)
            .max(at.saturating_sub(10));
        let tail = bytes[random_at..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let plausible = at - prefix_start >= 2 && tail >= 12;
        if plausible {
            let keep = random_at + crate::secret::DISPLAY_RANDOM_LEN.min(tail);
            let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
            o.push_str(&s[copied..keep]);
            o.push('…');
            copied = random_at + tail;
        }
        i = random_at;
    }
    match out {
        None => Cow::Borrowed(s),
        Some(mut o) => {
            o.push_str(&s[copied..]);
            Cow::Owned(o)
        }
    }
}

/// The position of the next `_live_` or `_test_`.
fn find_env_marker(b: &[u8]) -> Option<usize> {
    b.windows(6).position(|w| w == b"_live_" || w == b"_test_")
}

/// The byte ranges of the real secrets in `s`: substrings that parse as a
/// secret, checksum included (so ordinary text is never mistaken for one).
fn secret_ranges(s: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = s.as_bytes();
    let len = crate::secret::RANDOM_LEN + crate::secret::CHECKSUM_LEN;
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(pos) = find_env_marker(&bytes[i..]) {
        let at = i + pos;
        let random_at = at + 6;
        let run_start = bytes[..at]
            .iter()
            .rposition(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit()))
            .map_or(0, |p| p + 1);
        let end = random_at + len;
        // The prefix is 2-10 of the characters just before the marker; the
        // run may be longer (a secret right after another, or after a
        // word), so every possible start is tried. The checksum covers the
        // prefix, so only the real one parses.
        let start =
            if end <= bytes.len() && bytes[random_at..end].iter().all(u8::is_ascii_alphanumeric) {
                (run_start.max(at.saturating_sub(10))..at.saturating_sub(1))
                    .find(|&st| crate::secret::Secret::parse(&s[st..end]).is_ok())
            } else {
                None
            };
        if let Some(start) = start {
            found.push(start..end);
            i = end;
        } else {
            i = random_at;
        }
    }
    found
}

/// Whether `s` contains a real secret.
#[must_use]
pub fn contains_secret(s: &str) -> bool {
    !secret_ranges(s).is_empty()
}

/// `s` with every real secret in it cut to its displayed prefix and `…`: for
/// request fields (paths with `?api_key=…`, user agents) before they are stored.
#[must_use]
pub fn strip_secrets(s: &str) -> Cow<'_, str> {
    let ranges = secret_ranges(s);
    if ranges.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for r in ranges {
        let keep = r.end - crate::secret::RANDOM_LEN - crate::secret::CHECKSUM_LEN
            + crate::secret::DISPLAY_RANDOM_LEN;
        out.push_str(&s[copied..keep]);
        out.push('…');
        copied = r.end;
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

/// Refuses operator-supplied text that contains a secret: it would be stored.
pub fn refuse_secret(what: &str, s: &str) -> Result<()> {
    if contains_secret(s) {
        return Err(Error::invalid_with_hint(
            format!("{what} contains a secret key; secrets are never stored"),
            "remove it, and rotate the key if the secret was exposed",
        ));
    }
    Ok(())
}

/// Request text as stored (a path, a user agent from a gateway log or a
/// verification): a NUL character, which PostgreSQL's text cannot hold,
/// becomes U+FFFD on every backend, so both store and print the same.
#[must_use]
pub fn storable(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', "\u{fffd}"))
    } else {
        Cow::Borrowed(s)
    }
}

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
    Ok(name.to_owned())
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

/// Validates a metadata key: 1–64 of `[A-Za-z0-9_.-]`.
pub fn validate_meta_key(key: &str) -> Result<()> {
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

    #[test]
    fn nul_never_reaches_the_store() {
        assert_eq!(storable("/v1/a\0b"), "/v1/a\u{fffd}b");
        assert!(matches!(storable("/v1/ab"), Cow::Borrowed(_)));
        assert!(validate_description("a\0b").is_err());
    }

    #[test]
    fn escape_leaves_plain_text_borrowed() {
        assert!(matches!(escape("Billing sync ü"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_neutralises_c0_c1_and_del() {
        let hostile = "a\u{1b}[31mred\u{9b}2J\u{7f}\r\n\t\u{7}\u{1b}]0;title\u{7}";
        let escaped = escape(hostile);
        assert!(!escaped.chars().any(is_control), "{escaped}");
        assert_eq!(
            escaped,
            "a\\e[31mred\\u{9b}2J\\u{7f}\\r\\n\\t\\u{7}\\e]0;title\\u{7}"
        );
    }

    #[test]
    fn json_c1_and_del_are_escaped() {
        let json = serde_json::to_string("x\u{9b}y\u{1b}\u{7f}").unwrap();
        assert_eq!(escape_json_c1(json), "\"x\\u009by\\u001b\\u007f\"");
    }

    #[test]
    fn secrets_in_messages_are_cut_to_their_prefix() {
        let secret = crate::secret::Secret::generate(
            &crate::secret::KeyPrefix::default(),
            crate::secret::Environment::Live,
        )
        .unwrap();
        let msg = format!("error: unexpected argument '{}' found", secret.expose());
        let red = redact_secrets(&msg);
        assert_eq!(
            red,
            format!(
                "error: unexpected argument '{}…' found",
                secret.display_prefix()
            )
        );
        assert_eq!(redact_secrets("key sk_live_ short"), "key sk_live_ short");
        assert_eq!(redact_secrets("plain text"), "plain text");
    }

    #[test]
    fn secrets_are_found_by_their_checksum() {
        let secret = crate::secret::Secret::generate(
            &crate::secret::KeyPrefix::default(),
            crate::secret::Environment::Test,
        )
        .unwrap();
        let text = format!("/v1/invoices?api_key={}&x=1", secret.expose());
        assert!(contains_secret(&text));
        assert_eq!(
            strip_secrets(&text),
            format!("/v1/invoices?api_key={}…&x=1", secret.display_prefix())
        );
        // Text shaped like a secret but without its checksum is left alone.
        let lookalike = "my_live_integration0123456789abcdefghijklmnopq";
        assert!(!contains_secret(lookalike));
        assert_eq!(strip_secrets(lookalike), lookalike);
        assert!(validate_name(secret.expose()).is_err());
        assert!(validate_description(&format!("see {}", secret.expose())).is_err());
        assert!(parse_meta(&format!("k={}", secret.expose())).is_err());
        assert!(validate_name(lookalike).is_ok());
    }

    #[test]
    fn secrets_run_together_are_all_found() {
        let make = |env| {
            crate::secret::Secret::generate(&crate::secret::KeyPrefix::default(), env).unwrap()
        };
        let (a, b) = (
            make(crate::secret::Environment::Live),
            make(crate::secret::Environment::Test),
        );
        for text in [
            format!("{}{}", a.expose(), b.expose()),
            format!("tokenprefixed{}", a.expose()),
            format!("x{}y{}", a.expose(), b.expose()),
        ] {
            let stripped = strip_secrets(&text);
            assert!(!contains_secret(&stripped), "{text} -> {stripped}");
            assert!(!stripped.contains(&a.expose()[16..]), "{stripped}");
            let redacted = redact_secrets(&text);
            assert!(!contains_secret(&redacted), "{text} -> {redacted}");
            assert!(!redacted.contains(&a.expose()[16..]), "{redacted}");
        }
        assert!(validate_name(&format!("x{}", a.expose())).is_err());
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
