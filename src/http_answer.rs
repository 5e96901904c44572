//! A verification as HTTP speaks it: where a request carries its key, and
//! the status, headers and JSON body that answer a verification (SPEC §11).
//!
//! `keyctl serve`'s `/auth` and the tower layer both answer through these
//! functions, so a key is found the same way and an outcome maps to the same
//! status in both. Nothing here returns a secret in a header or a body: the
//! answer names a key by its id and displayed prefix only.

use http::StatusCode;
use http::header::{HeaderMap, HeaderValue};
use serde::Serialize;

use crate::secret::Environment;
use crate::time::Timestamp;
use crate::verify::{Outcome, Remaining, Verification};

/// A header's value as text, trimmed; a value that is not UTF-8 is a bad
/// request, described by the error.
pub fn header_text(headers: &HeaderMap, name: &str) -> Result<Option<String>, String> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim().to_owned()))
            .map_err(|_| format!("header {name} is not text")),
    }
}

/// The key a request presents: `Authorization: Bearer …` first, else
/// `X-API-Key`, else empty (which verifies as `MALFORMED`, a `401`).
pub fn presented_key(headers: &HeaderMap) -> Result<String, String> {
    let bearer = header_text(headers, "authorization")?.and_then(|v| {
        let (scheme, token) = v.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned())
    });
    match bearer {
        Some(s) => Ok(s),
        None => Ok(header_text(headers, "x-api-key")?.unwrap_or_default()),
    }
}

/// The status that answers a verification: 200, 401, 403 or 429.
#[must_use]
pub fn status(v: &Verification) -> StatusCode {
    StatusCode::from_u16(v.outcome.http_status()).unwrap_or(StatusCode::UNAUTHORIZED)
}

/// Adds the headers that go with [`status`]: the key's identity on `200`,
/// `WWW-Authenticate` on `401`, `Retry-After` (seconds from `now`) on `429`.
pub fn decision_headers(v: &Verification, now: Timestamp, headers: &mut HeaderMap) {
    let mut put = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    match status(v) {
        StatusCode::OK => {
            if let Some(k) = &v.key {
                put("x-keyctl-key-id", &k.id);
                put("x-keyctl-key-prefix", &k.prefix);
                put("x-keyctl-environment", k.environment.as_str());
                put("x-keyctl-scopes", &k.scopes.to_strings().join(" "));
            }
        }
        StatusCode::UNAUTHORIZED => {
            put(
                "www-authenticate",
                "Bearer realm=\"keyctl\", error=\"invalid_token\"",
            );
        }
        StatusCode::TOO_MANY_REQUESTS => {
            put("retry-after", &retry_after(v, now).to_string());
        }
        _ => {}
    }
}

/// Seconds from `now` until every exhausted limit of `v` has reset (at
/// least 1).
#[must_use]
pub fn retry_after(v: &Verification, now: Timestamp) -> i64 {
    let r = &v.remaining;
    [
        r.rate_limit,
        r.plan_rate_limit,
        r.quota,
        r.plan_monthly_calls,
    ]
    .into_iter()
    .flatten()
    .filter(|l| l.remaining == 0)
    .map(|l| (l.resets_at - now).num_seconds())
    .max()
    .unwrap_or(1)
    .max(1)
}

#[derive(Serialize)]
struct KeyBrief<'a> {
    id: &'a str,
    name: &'a str,
    prefix: &'a str,
    environment: Environment,
    scopes: Vec<String>,
}

#[derive(Serialize)]
struct VerificationJson<'a> {
    code: Outcome,
    status: u16,
    valid: bool,
    reason: Option<String>,
    key: Option<KeyBrief<'a>>,
    required_scopes: Vec<String>,
    remaining: Remaining,
}

/// The JSON document of a verification, as `verify --format json` prints
/// it and as `keyctl serve` answers it.
pub fn json_document(v: &Verification) -> impl Serialize + '_ {
    VerificationJson {
        code: v.outcome,
        status: v.outcome.http_status(),
        valid: v.outcome.is_valid(),
        reason: v.malformed.map(|r| r.to_string()),
        key: v.key.as_ref().map(|k| KeyBrief {
            id: &k.id,
            name: &k.name,
            prefix: &k.prefix,
            environment: k.environment,
            scopes: k.scopes.to_strings(),
        }),
        required_scopes: v.required.iter().map(ToString::to_string).collect(),
        remaining: v.remaining,
    }
}

/// [`json_document`] as a response body: pretty, C1 controls escaped, one
/// final newline.
#[must_use]
pub fn document_body(v: &Verification) -> String {
    let json = serde_json::to_string_pretty(&json_document(v)).unwrap_or_default();
    let mut body = crate::text::escape_json_c1(json);
    body.push('\n');
    body
}

/// The body of a request refused before any verification:
/// `{"error": message}`.
#[must_use]
pub fn error_body(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string() + "\n"
}
