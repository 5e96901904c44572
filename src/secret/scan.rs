//! Finding secrets inside other text: log lines, request paths, user agents,
//! names and error messages.
//!
//! Two ways of looking, for two needs. [`strip_secrets`] and
//! [`contains_secret`] find only real secrets, substrings that parse with a
//! valid checksum, so ordinary text is never altered; they guard what is
//! stored. [`redact_secrets`] cuts anything merely shaped like a secret, for
//! messages that quote input keyctl did not write itself. Both keep a
//! secret's displayed prefix and drop the rest, so that what remains can
//! still name the key without being able to use it.

use std::borrow::Cow;

use crate::error::{Error, Result};

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
            let keep = random_at + super::DISPLAY_RANDOM_LEN.min(tail);
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
    let len = super::RANDOM_LEN + super::CHECKSUM_LEN;
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
                    .find(|&st| super::Secret::parse(&s[st..end]).is_ok())
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

/// The secret that starts at `bytes[start]`, if one does and it stands
/// alone: `len` bytes long (the configured prefix's length plus the fixed
/// rest), with no ASCII letter or digit right before or right after it, and
/// a matching checksum. The caller has already found the prefix there; what
/// lies past `bytes` counts as a boundary, so a caller reading a stream in
/// chunks must pass enough bytes to judge the character after the secret.
#[must_use]
pub fn standalone_secret(bytes: &[u8], start: usize, len: usize) -> Option<super::Secret> {
    let end = start.checked_add(len)?;
    let token = bytes.get(start..end)?;
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    if bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    // Everything a secret is made of is ASCII; anything else cannot parse.
    let text = std::str::from_utf8(token).ok()?;
    super::Secret::parse(text).ok()
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
        let keep = r.end - super::RANDOM_LEN - super::CHECKSUM_LEN + super::DISPLAY_RANDOM_LEN;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::{Environment, KeyPrefix, Secret};

    #[test]
    fn secrets_in_messages_are_cut_to_their_prefix() {
        let secret = Secret::generate(&KeyPrefix::default(), Environment::Live).unwrap();
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
        let secret = Secret::generate(&KeyPrefix::default(), Environment::Test).unwrap();
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
        assert!(refuse_secret("the name", secret.expose()).is_err());
        assert!(refuse_secret("the name", lookalike).is_ok());
    }

    #[test]
    fn a_standalone_secret_is_bounded_by_non_alphanumerics() {
        let secret = Secret::generate(&KeyPrefix::default(), Environment::Live).unwrap();
        let len = secret.expose().len();
        for (text, start, found) in [
            (secret.expose().to_owned(), 0, true),
            (format!("k=\"{}\"", secret.expose()), 3, true),
            (format!("_{}\r\n", secret.expose()), 1, true),
            (format!("x{}", secret.expose()), 1, false),
            (format!("{}0", secret.expose()), 0, false),
        ] {
            let got = standalone_secret(text.as_bytes(), start, len);
            assert_eq!(got.is_some(), found, "{text}");
        }
        let mut bad = secret.expose().to_owned().into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert!(standalone_secret(&bad, 0, len).is_none());
        assert!(standalone_secret(secret.expose().as_bytes(), 1, len).is_none());
    }

    #[test]
    fn secrets_run_together_are_all_found() {
        let make = |env| Secret::generate(&KeyPrefix::default(), env).unwrap();
        let (a, b) = (make(Environment::Live), make(Environment::Test));
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
    }
}
