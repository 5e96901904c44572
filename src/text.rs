//! Terminal-safe text: escaping what users and gateway logs wrote before it
//! is printed, and the one normalisation request text gets before it is
//! stored. A leaf: it knows nothing of the rest of the crate.
//!
//! Anything a user or a gateway log put into the database is printed through
//! [`escape`], so that no stored byte can move a cursor, change a colour or
//! set a window title: C0 controls, DEL and the C1 range (U+0080–U+009F, which
//! includes the single-character CSI U+009B) are written as `\n`, `\t`, `\r`,
//! `\e`, or `\u{9b}`; a backslash is left as it is.

use std::borrow::Cow;

/// Whether a character would be interpreted by a terminal, or would
/// disguise the text around it: the Unicode format characters that reorder
/// text (bidi embeddings, overrides and isolates) or hide in it (zero-width
/// space, joiners, the byte-order mark) count as control characters, so
/// that `bidi\u{202e}gnp.exe` cannot display as `bidiexe.png`.
#[must_use]
pub fn is_control(c: char) -> bool {
    c.is_control() || is_disguising_format(c)
}

/// Bidi controls U+202A–U+202E and U+2066–U+2069, zero-width U+200B–U+200D,
/// and U+FEFF.
fn is_disguising_format(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200d}' | '\u{feff}')
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

/// Escapes DEL, the C1 range and the disguising format characters (see
/// [`is_control`]) in serialized JSON, which `serde_json` leaves raw (C0
/// controls are already escaped by JSON itself). These characters can only
/// occur inside JSON strings, so a plain replacement is exact.
#[must_use]
pub fn escape_json_c1(json: String) -> String {
    let raw = |c: char| ('\u{7f}'..='\u{9f}').contains(&c) || is_disguising_format(c);
    // The usual document is ASCII without DEL, which a byte scan settles.
    let plain = json.bytes().all(|b| b.is_ascii() && b != 0x7f);
    if plain || !json.chars().any(raw) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_never_reaches_the_store() {
        assert_eq!(storable("/v1/a\0b"), "/v1/a\u{fffd}b");
        assert!(matches!(storable("/v1/ab"), Cow::Borrowed(_)));
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
    fn bidi_and_zero_width_characters_are_escaped() {
        for c in [
            '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200b}', '\u{200d}', '\u{feff}',
        ] {
            assert!(is_control(c), "{c:?}");
            let escaped = escape(&format!("a{c}b")).into_owned();
            assert_eq!(escaped, format!("a\\u{{{:x}}}b", u32::from(c)));
            let json = escape_json_c1(serde_json::to_string(&format!("a{c}b")).unwrap());
            assert_eq!(json, format!("\"a\\u{:04x}b\"", u32::from(c)));
        }
        // Letters of right-to-left scripts are text, not controls.
        assert!(!"שלום".chars().any(is_control));
    }
}
