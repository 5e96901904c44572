//! The path of a request, as the API server behind keyctl will act on it.
//!
//! A scope derived from a path (SPEC §3) is only as good as the path it was
//! derived from: `/v1/invoices/../payouts/1` names payouts to any server
//! that resolves dot segments, whatever its first segment says. So the path
//! is normalised first, the way RFC 3986 §5.2.4 removes dot segments, after
//! percent-encoded unreserved characters are decoded (`%2e` is `.`); the
//! query string and fragment are dropped. What a server might still read in
//! more than one way is refused rather than guessed at: a `..` left over, an
//! encoded slash or backslash, a backslash, a `;` parameter, a control
//! character (NUL included), or a broken percent escape.
//!
//! Invariant: an accepted path is returned with no dot segment, no `..`
//! anywhere, no escape of an unreserved character, and every other escape
//! in upper case, so normalising it again gives it back unchanged.

use std::fmt;

/// Why a path cannot be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRefusal {
    /// A `..` that is not a whole segment (`..;`, `a..b`), left after dot
    /// segments were removed.
    DotDot,
    /// `%2F`: a slash that some servers decode into a separator.
    EncodedSlash,
    /// `%5C`: a backslash that some servers decode into a separator.
    EncodedBackslash,
    /// `\`, a separator on some servers.
    Backslash,
    /// A `;` parameter, which some servers strip from a segment (`..;`).
    Parameter,
    /// NUL or another control character, raw or encoded.
    Control,
    /// A `%` not followed by two hexadecimal digits.
    BadEscape,
}

impl fmt::Display for PathRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathRefusal::DotDot => "it holds '..' that is not a whole segment",
            PathRefusal::EncodedSlash => "it holds an encoded slash (%2F)",
            PathRefusal::EncodedBackslash => "it holds an encoded backslash (%5C)",
            PathRefusal::Backslash => "it holds a backslash",
            PathRefusal::Parameter => "it holds a ';' parameter",
            PathRefusal::Control => "it holds a control character",
            PathRefusal::BadEscape => "it holds a '%' that is not followed by two hex digits",
        })
    }
}

/// The path a server acts on: without query and fragment, unreserved
/// escapes decoded, dot segments removed. Refuses what stays ambiguous.
pub fn normalize(path: &str) -> Result<String, PathRefusal> {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    let decoded = decode_unreserved(&path[..end])?;
    let resolved = remove_dot_segments(&decoded);
    if resolved.contains("..") {
        return Err(PathRefusal::DotDot);
    }
    Ok(resolved)
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes the escapes of unreserved characters, upper-cases the others,
/// and refuses the characters no server agrees on.
fn decode_unreserved(path: &str) -> Result<String, PathRefusal> {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'%' => {
                let (Some(hi), Some(lo)) = (
                    bytes.get(i + 1).copied().and_then(hex),
                    bytes.get(i + 2).copied().and_then(hex),
                ) else {
                    return Err(PathRefusal::BadEscape);
                };
                let c = hi * 16 + lo;
                match c {
                    b'/' => return Err(PathRefusal::EncodedSlash),
                    b'\\' => return Err(PathRefusal::EncodedBackslash),
                    c if c.is_ascii_control() => return Err(PathRefusal::Control),
                    c if is_unreserved(c) => out.push(char::from(c)),
                    c => {
                        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
                        out.push('%');
                        out.push(char::from(DIGITS[usize::from(c >> 4)]));
                        out.push(char::from(DIGITS[usize::from(c & 0xf)]));
                    }
                }
                i += 3;
            }
            b'\\' => return Err(PathRefusal::Backslash),
            b';' => return Err(PathRefusal::Parameter),
            b if b.is_ascii_control() => return Err(PathRefusal::Control),
            _ => {
                // Copy up to the next byte that needs a look; the slice ends
                // on an ASCII byte, so it is whole UTF-8.
                let run = bytes[i..]
                    .iter()
                    .position(|&b| matches!(b, b'%' | b'\\' | b';') || b.is_ascii_control())
                    .map_or(bytes.len(), |n| i + n);
                out.push_str(&path[i..run]);
                i = run;
            }
        }
    }
    Ok(out)
}

/// RFC 3986 §5.2.4, on a path whose escapes of `.` are already decoded.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut out = String::with_capacity(path.len());
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../") {
            input = rest;
        } else if let Some(rest) = input.strip_prefix("./") {
            input = rest;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") {
            input = &input[3..];
            pop_segment(&mut out);
        } else if input == "/.." {
            input = "/";
            pop_segment(&mut out);
        } else if input == "." || input == ".." {
            input = "";
        } else {
            // Move the first segment, with its leading slash if any.
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |n| start + n);
            out.push_str(&input[..end]);
            input = &input[end..];
        }
    }
    out
}

/// Removes the last segment of `out` and the slash before it.
fn pop_segment(out: &mut String) {
    let cut = out.rfind('/').unwrap_or(0);
    out.truncate(cut);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(path: &str) -> String {
        normalize(path).unwrap_or_else(|e| panic!("{path:?} refused: {e}"))
    }

    #[test]
    fn dot_segments_are_removed_as_rfc_3986_says() {
        // The examples of RFC 3986 §5.2.4 and §5.4, applied to paths.
        assert_eq!(ok("/a/b/c/./../../g"), "/a/g");
        assert_eq!(ok("mid/content=5/../6"), "mid/6");
        assert_eq!(ok("/v1/invoices/../payouts/1"), "/v1/payouts/1");
        assert_eq!(ok("/v1/./invoices/42"), "/v1/invoices/42");
        assert_eq!(ok("/../../v1/invoices"), "/v1/invoices");
        assert_eq!(ok("/v1/invoices/.."), "/v1/");
        assert_eq!(ok("/v1/invoices/."), "/v1/invoices/");
        assert_eq!(ok("/."), "/");
        assert_eq!(ok("/.."), "/");
        assert_eq!(ok(""), "");
        assert_eq!(ok("/"), "/");
    }

    #[test]
    fn escapes_of_unreserved_characters_are_decoded_first() {
        assert_eq!(ok("/v1/invoices/%2e%2e/payouts/1"), "/v1/payouts/1");
        assert_eq!(ok("/v1/invoices/%2E./payouts"), "/v1/payouts");
        assert_eq!(ok("/v1/%69nvoices/4%32"), "/v1/invoices/42");
        assert_eq!(ok("/v1/invoices/a%7e%5fb"), "/v1/invoices/a~_b");
        // Other escapes stay, in one case.
        assert_eq!(ok("/v1/invoices/a%20b%3f"), "/v1/invoices/a%20b%3F");
    }

    #[test]
    fn query_and_fragment_are_ignored() {
        assert_eq!(ok("/v1/invoices?x=/../payouts"), "/v1/invoices");
        assert_eq!(ok("/v1/invoices#/../../payouts"), "/v1/invoices");
        assert_eq!(ok("/v1/invoices/..?x"), "/v1/");
    }

    #[test]
    fn what_stays_ambiguous_is_refused() {
        let cases = [
            ("/v1/invoices/..;/payouts", PathRefusal::Parameter),
            ("/v1/invoices;x=1/42", PathRefusal::Parameter),
            ("/v1/invoices/a..b", PathRefusal::DotDot),
            ("/v1/invoices/...", PathRefusal::DotDot),
            ("/v1/invoices/%2e%2e%2e", PathRefusal::DotDot),
            ("/v1/invoices%2f..%2fpayouts", PathRefusal::EncodedSlash),
            ("/v1/invoices%2F42", PathRefusal::EncodedSlash),
            ("/v1/invoices%5c..%5cpayouts", PathRefusal::EncodedBackslash),
            ("/v1/invoices\\..\\payouts", PathRefusal::Backslash),
            ("/v1/invoices\0/x", PathRefusal::Control),
            ("/v1/invoices%00", PathRefusal::Control),
            ("/v1/invoices\n", PathRefusal::Control),
            ("/v1/invoices%0d%0a", PathRefusal::Control),
            ("/v1/invoices%", PathRefusal::BadEscape),
            ("/v1/invoices%2", PathRefusal::BadEscape),
            ("/v1/invoices%zz", PathRefusal::BadEscape),
        ];
        for (path, why) in cases {
            assert_eq!(normalize(path), Err(why), "{path:?}");
        }
    }

    #[test]
    fn text_beyond_ascii_passes_through() {
        assert_eq!(ok("/v1/fäcturas/../invoices/ü"), "/v1/invoices/ü");
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        for path in [
            "/a/b/../c/./d",
            "/v1/%2e%2e/%41",
            "x/../../y",
            "/a/%20/..",
            "../a",
            "./../.",
        ] {
            let once = ok(path);
            assert_eq!(ok(&once), once, "{path:?}");
        }
    }
}
