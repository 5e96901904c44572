//! The endpoints of `keyctl serve` (SPEC §11): what each request asks, the
//! verification it becomes, and the response it gets.
//!
//! Every verification goes through the library: recorded ones through the
//! [`Writer`]'s group commit, the others through the [`Readers`]. Nothing a
//! client sends can make a response `500`: input that cannot be judged is
//! `400`, a store that cannot answer is `503`. A secret never leaves this
//! module except inside the verification that needs it: the access log, the
//! metrics and the error bodies name a key by its displayed prefix.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;

use super::log::{AccessLog, LogEntry};
use super::metrics::Metrics;
use super::readers::Readers;
use super::writer::{Answer, Writer};
use crate::config::Config;
use crate::http_answer::{self, header_text};
use crate::keyctl::Presented;
use crate::scope::Scope;
use crate::secret::{Environment, Secret};
use crate::time::Clock;
use crate::verify::{Verification, VerifyRequest};

/// The largest request body read, in bytes.
pub const MAX_BODY: usize = 64 * 1024;
/// How long a client may take to send its body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a verification may wait for the store before the answer is
/// `503` (SPEC §2's shortest lock wait): a gateway should hear that the
/// store is stuck well before its own timeout turns it into a `5xx` of its own.
pub const STORE_DEADLINE: Duration = Duration::from_secs(5);

/// Query parameters that would carry a key into access logs.
const KEY_PARAMETERS: [&str; 4] = ["key", "api_key", "apikey", "token"];

/// What every request handler shares.
pub struct State {
    pub config: Config,
    pub clock: Clock,
    pub record: bool,
    pub writer: Writer,
    pub readers: Arc<Readers>,
    pub metrics: Arc<Metrics>,
    pub log: AccessLog,
}

type Body = Full<Bytes>;

/// Answers one request; never fails (a failure is a status code).
pub async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let started = Instant::now();
    let mut entry = LogEntry::new(req.method().as_str(), req.uri().path());
    let response = route(&state, req, &mut entry).await;
    entry.status = response.status().as_u16();
    state.log.write(&entry, started.elapsed());
    Ok(response)
}

async fn route(state: &State, req: Request<Incoming>, entry: &mut LogEntry) -> Response<Body> {
    if let Some(name) = key_in_query(req.uri().query()) {
        state.metrics.bad_request();
        return error(
            StatusCode::BAD_REQUEST,
            &format!(
                "a key in the query string ('{name}') would be written to access logs; send it in the Authorization or X-API-Key header"
            ),
        );
    }
    let path = req.uri().path().to_owned();
    let read_only = matches!(*req.method(), Method::GET | Method::HEAD);
    match path.as_str() {
        "/auth" => auth(state, &req, entry).await,
        "/v1/verify" if req.method() == Method::POST => verify_json(state, req, entry).await,
        "/healthz" if read_only => text(StatusCode::OK, "ok\n"),
        "/readyz" if read_only => {
            if state.readers.ping().await {
                text(StatusCode::OK, "ready\n")
            } else {
                text(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the store does not answer\n",
                )
            }
        }
        "/metrics" if read_only => {
            let mut r = text(StatusCode::OK, &state.metrics.render());
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            r
        }
        "/v1/verify" | "/healthz" | "/readyz" | "/metrics" => {
            let mut r = error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
            let allow = if path == "/v1/verify" {
                "POST"
            } else {
                "GET, HEAD"
            };
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
            r
        }
        _ => error(StatusCode::NOT_FOUND, "not found"),
    }
}

/// The name of the first query parameter that would carry a key.
fn key_in_query(query: Option<&str>) -> Option<String> {
    let query = query?;
    query_pairs(query)
        .map(|(name, _)| name)
        .find(|name| KEY_PARAMETERS.iter().any(|k| k.eq_ignore_ascii_case(name)))
}

/// `name=value` pairs of a query string, percent-decoded (`+` is a space).
fn query_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_encoding::percent_decode_str(&s)
            .decode_utf8_lossy()
            .into_owned()
    };
    query.split('&').filter(|p| !p.is_empty()).map(move |pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(name), decode(value))
    })
}

/// The first of these headers that is present.
fn first_header(headers: &HeaderMap, names: &[&str]) -> Result<Option<String>, String> {
    for name in names {
        if let Some(v) = header_text(headers, name)? {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// What `/auth` asks: the presented key, the original request, and the
/// required scopes and environment of the auth URL.
fn auth_request(state: &State, req: &Request<Incoming>) -> Result<Presented, String> {
    let headers = req.headers();
    let secret = http_answer::presented_key(headers)?;
    let mut scopes = Vec::new();
    let mut environment = None;
    for (name, value) in query_pairs(req.uri().query().unwrap_or("")) {
        match name.as_str() {
            "scope" => {
                scopes.push(Scope::parse(&value, &state.config.catalog).map_err(|e| e.to_string())?)
            }
            "env" => environment = Some(value.parse::<Environment>().map_err(|e| e.to_string())?),
            _ => {}
        }
    }
    // A value that is not an IP address (`unknown`, a name, an address with
    // a port) counts as absent, as `verify --ip` would refuse it: the next
    // source is used and nothing but an address is recorded.
    let address = |s: &str| {
        let s = s.trim();
        s.parse::<std::net::IpAddr>().is_ok().then(|| s.to_owned())
    };
    let real = header_text(headers, "x-real-ip").ok().flatten();
    let forwarded = header_text(headers, "x-forwarded-for").ok().flatten();
    let ip = real.as_deref().and_then(address).or_else(|| {
        forwarded
            .as_deref()
            .and_then(|list| list.split(',').next())
            .and_then(address)
    });
    let request = VerifyRequest {
        scopes,
        environment,
        method: first_header(headers, &["x-original-method", "x-forwarded-method"])?,
        path: first_header(headers, &["x-original-uri", "x-forwarded-uri"])?,
        ip,
        user_agent: header_text(headers, "user-agent")?,
        record: state.record,
    };
    Ok(Presented { secret, request })
}

async fn auth(state: &State, req: &Request<Incoming>, entry: &mut LogEntry) -> Response<Body> {
    let presented = match auth_request(state, req) {
        Ok(p) => p,
        Err(message) => {
            state.metrics.bad_request();
            return error(StatusCode::BAD_REQUEST, &message);
        }
    };
    entry.describe(&presented);
    let started = Instant::now();
    match run(state, presented).await {
        Ok(v) => {
            state.metrics.verified(v.outcome, started.elapsed());
            entry.verified(&v);
            auth_response(state, &v)
        }
        Err(r) => r,
    }
}

/// Runs a verification on the writer (recorded) or the readers.
async fn run(state: &State, presented: Presented) -> Result<Verification, Response<Body>> {
    if let Err(e) = presented.request.required_scopes() {
        state.metrics.bad_request();
        return Err(error(
            StatusCode::BAD_REQUEST,
            &crate::error::Error::from(e).to_string(),
        ));
    }
    let answer = if presented.request.record {
        state.writer.verify(presented, STORE_DEADLINE).await
    } else {
        state.readers.verify(presented, STORE_DEADLINE).await
    };
    match answer {
        Answer::Done(v) => Ok(*v),
        Answer::Unjudgeable(message) => {
            state.metrics.bad_request();
            Err(error(StatusCode::BAD_REQUEST, &message))
        }
        Answer::Unavailable => {
            state.metrics.unavailable();
            Err(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the store cannot answer; refusing until it can",
            ))
        }
    }
}

fn auth_response(state: &State, v: &Verification) -> Response<Body> {
    let mut r = document(http_answer::status(v), v);
    http_answer::decision_headers(v, state.clock.now(), r.headers_mut());
    r
}

/// The body of `POST /v1/verify`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyBody {
    key: String,
    #[serde(default)]
    scopes: Vec<String>,
    environment: Option<String>,
    method: Option<String>,
    path: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    record: Option<bool>,
}

async fn verify_json(
    state: &State,
    req: Request<Incoming>,
    entry: &mut LogEntry,
) -> Response<Body> {
    let body = match read_body(req.into_body()).await {
        Ok(b) => b,
        Err(r) => {
            state.metrics.bad_request();
            return r;
        }
    };
    let presented = match parse_verify_body(state, &body) {
        Ok(p) => p,
        Err(message) => {
            state.metrics.bad_request();
            return error(StatusCode::BAD_REQUEST, &message);
        }
    };
    entry.describe(&presented);
    let started = Instant::now();
    match run(state, presented).await {
        Ok(v) => {
            state.metrics.verified(v.outcome, started.elapsed());
            entry.verified(&v);
            document(StatusCode::OK, &v)
        }
        Err(r) => r,
    }
}

fn parse_verify_body(state: &State, body: &[u8]) -> Result<Presented, String> {
    let b: VerifyBody = serde_json::from_slice(body).map_err(|e| {
        // serde's message may quote the input, which may hold a secret.
        let message = crate::secret::scan::redact_secrets(&e.to_string()).into_owned();
        format!("the body is not a verification request: {message}")
    })?;
    let scopes = b
        .scopes
        .iter()
        .map(|s| Scope::parse(s, &state.config.catalog).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let environment = b
        .environment
        .map(|e| e.parse::<Environment>().map_err(|e| e.to_string()))
        .transpose()?;
    Ok(Presented {
        secret: b.key,
        request: VerifyRequest {
            scopes,
            environment,
            method: b.method,
            path: b.path,
            ip: b.ip,
            user_agent: b.user_agent,
            record: state.record && b.record.unwrap_or(true),
        },
    })
}

/// Reads a body of at most [`MAX_BODY`] bytes within [`BODY_TIMEOUT`].
async fn read_body(body: Incoming) -> Result<Bytes, Response<Body>> {
    use hyper::body::Body as _;
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the body is over {} KiB", MAX_BODY / 1024),
        )
    };
    if body
        .size_hint()
        .exact()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(too_large());
    }
    match tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, MAX_BODY).collect()).await {
        Err(_) => Err(error(
            StatusCode::REQUEST_TIMEOUT,
            "the body did not arrive in time",
        )),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Ok(Err(_)) => Err(error(StatusCode::BAD_REQUEST, "the body could not be read")),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}

/// A response whose body is the `verify --format json` document of `v`.
fn document(status: StatusCode, v: &Verification) -> Response<Body> {
    let body = http_answer::document_body(v);
    let mut r = response(status, body, "application/json");
    if let Ok(code) = HeaderValue::from_str(v.outcome.code()) {
        r.headers_mut().insert("x-keyctl-outcome", code);
    }
    r
}

/// `{"error": message}` with `status`.
fn error(status: StatusCode, message: &str) -> Response<Body> {
    response(status, http_answer::error_body(message), "application/json")
}

fn text(status: StatusCode, body: &str) -> Response<Body> {
    response(status, body.to_owned(), "text/plain; charset=utf-8")
}

fn response(status: StatusCode, body: String, content_type: &'static str) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// The displayed prefix of what a client presented, for the access log: the
/// key's own when one matched, else the prefix of a well-formed secret.
pub fn shown_prefix(presented: &str) -> Option<String> {
    Secret::parse(presented).ok().map(|s| s.display_prefix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_the_query_are_found_by_name_in_any_case_and_encoding() {
        assert_eq!(key_in_query(Some("api_key=x")), Some("api_key".to_owned()));
        assert_eq!(
            key_in_query(Some("scope=a&TOKEN=x")),
            Some("TOKEN".to_owned())
        );
        assert_eq!(key_in_query(Some("a%70ikey=x")), Some("apikey".to_owned()));
        assert_eq!(key_in_query(Some("key")), Some("key".to_owned()));
        assert_eq!(key_in_query(Some("scope=invoices:read&env=live")), None);
        assert_eq!(key_in_query(Some("monkey=1&keys=2")), None);
        assert_eq!(key_in_query(None), None);
    }

    #[test]
    fn query_pairs_decode_percent_escapes_and_plus() {
        let pairs: Vec<_> = query_pairs("scope=invoices%3Aread&x=a+b&&flag").collect();
        assert_eq!(
            pairs,
            [
                ("scope".to_owned(), "invoices:read".to_owned()),
                ("x".to_owned(), "a b".to_owned()),
                ("flag".to_owned(), String::new()),
            ]
        );
    }
}
