//! A tower [`Layer`] that verifies the key of every request in-process, as
//! `keyctl serve`'s `/auth` does over HTTP (feature `tower`).
//!
//! The key comes from `Authorization: Bearer` or `X-API-Key`; the required
//! scope from the request's method and path ([`VerifyRequest::http`]); the
//! verification is recorded. A request that is not `VALID` never reaches the
//! inner service: it gets the status, headers and JSON body `/auth` gives
//! (401 with `WWW-Authenticate`, 403, 429 with `Retry-After`), a path that
//! cannot be judged gets 400, and a store that cannot answer gets 503 (fail
//! closed). A valid request reaches the inner service with its
//! [`Verification`] in the request's extensions. The `Keyctl` is shared
//! behind a mutex and used on tokio's blocking pool, so a slow store never
//! stalls the async workers.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Request, Response, StatusCode};

use super::Keyctl;
use crate::http_answer;
use crate::verify::{Verification, VerifyRequest};

/// Wraps a service so that only requests with a valid key reach it.
#[derive(Clone)]
pub struct KeyAuthLayer {
    keyctl: Arc<Mutex<Keyctl>>,
}

impl KeyAuthLayer {
    /// A layer verifying through `keyctl`, shared by every request.
    #[must_use]
    pub fn new(keyctl: Keyctl) -> KeyAuthLayer {
        KeyAuthLayer::shared(Arc::new(Mutex::new(keyctl)))
    }

    /// A layer on a `Keyctl` that the service also uses elsewhere.
    #[must_use]
    pub fn shared(keyctl: Arc<Mutex<Keyctl>>) -> KeyAuthLayer {
        KeyAuthLayer { keyctl }
    }
}

impl<S> tower::Layer<S> for KeyAuthLayer {
    type Service = KeyAuth<S>;

    fn layer(&self, inner: S) -> KeyAuth<S> {
        KeyAuth {
            inner,
            keyctl: Arc::clone(&self.keyctl),
        }
    }
}

/// The service [`KeyAuthLayer`] makes.
#[derive(Clone)]
pub struct KeyAuth<S> {
    inner: S,
    keyctl: Arc<Mutex<Keyctl>>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, ReqBody, ResBody> tower::Service<Request<ReqBody>> for KeyAuth<S>
where
    S: tower::Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: From<String>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<ResBody>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqBody>) -> Self::Future {
        // The clone that was made ready is the one that is called (tower's
        // rule); a fresh clone takes its place for the next request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let keyctl = Arc::clone(&self.keyctl);
        Box::pin(async move {
            let secret = match http_answer::presented_key(req.headers()) {
                Ok(s) => s,
                Err(message) => return Ok(refusal(StatusCode::BAD_REQUEST, &message)),
            };
            let request = VerifyRequest::http(req.method().as_str(), req.uri().path());
            if let Err(e) = request.required_scopes() {
                let message = crate::error::Error::from(e).to_string();
                return Ok(refusal(StatusCode::BAD_REQUEST, &message));
            }
            let decided = tokio::task::spawn_blocking(move || {
                // A panic in another request's verification poisons the
                // lock, not the connection: the store is still consistent,
                // since every write is one transaction.
                let mut kc = keyctl.lock().unwrap_or_else(|p| p.into_inner());
                let now = kc.now();
                kc.verify(&secret, &request).map(|v| (v, now))
            })
            .await;
            let (v, now) = match decided {
                Ok(Ok(decided)) => decided,
                _ => {
                    return Ok(refusal(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "the store cannot answer; refusing until it can",
                    ));
                }
            };
            if v.outcome.is_valid() {
                req.extensions_mut().insert(v);
                return inner.call(req).await;
            }
            Ok(answer(&v, now))
        })
    }
}

/// The response to a verification that is not `VALID`, as `/auth` gives it.
fn answer<B: From<String>>(v: &Verification, now: crate::time::Timestamp) -> Response<B> {
    let mut r = json(http_answer::status(v), http_answer::document_body(v));
    if let Ok(code) = HeaderValue::from_str(v.outcome.code()) {
        r.headers_mut().insert("x-keyctl-outcome", code);
    }
    http_answer::decision_headers(v, now, r.headers_mut());
    r
}

fn refusal<B: From<String>>(status: StatusCode, message: &str) -> Response<B> {
    json(status, http_answer::error_body(message))
}

fn json<B: From<String>>(status: StatusCode, body: String) -> Response<B> {
    let mut r = Response::new(B::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}
