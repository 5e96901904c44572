//! A tower [`Layer`] that verifies the key of every request in-process, as
//! `keyctl serve`'s `/auth` does over HTTP (feature `tower`).
//!
//! The key comes from `Authorization: Bearer` or `X-API-Key`; the required
//! scopes are the ones the layer was built with, else the one the request's
//! method and path imply ([`VerifyRequest::http`]); the environment is
//! checked when the layer names one. The verification is recorded with the
//! client's user agent and IP address: the peer address that the server put
//! in the request's extensions as a [`SocketAddr`], or, only when the layer
//! is told to trust them, `X-Real-IP` or the first `X-Forwarded-For` entry.
//! A recorded IP is always a parsed address; a forwarded value that is not
//! one is ignored, never recorded and never a refusal.
//!
//! A request that is not `VALID` never reaches the inner service: it gets the
//! status, headers and JSON body `/auth` gives (401 with `WWW-Authenticate`,
//! 403, 429 with `Retry-After`), a request that cannot be read or judged gets
//! 400, and a store that cannot answer gets 503 (fail closed). A valid
//! request reaches the inner service with its [`Verification`] in the
//! request's extensions. The `Keyctl` is shared behind a mutex and used on
//! tokio's blocking pool, so a slow store never stalls the async workers.
//!
//! [`Layer`]: tower::Layer

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use http::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use http::{Request, Response, StatusCode};

use super::Keyctl;
use crate::error::Result;
use crate::http_answer;
use crate::scope::Scope;
use crate::secret::Environment;
use crate::verify::{Verification, VerifyRequest};

/// Wraps a service so that only requests with a valid key reach it.
#[derive(Clone)]
pub struct KeyAuthLayer {
    keyctl: Arc<Mutex<Keyctl>>,
    demand: Arc<Demand>,
}

/// What the layer asks of every request beyond a valid key, and whom it
/// believes about the client's address.
#[derive(Clone, Default)]
struct Demand {
    /// Empty: derived from the method and path, as `/auth` without `scope`.
    scopes: Vec<Scope>,
    environment: Option<Environment>,
    trust_forwarded_headers: bool,
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
        KeyAuthLayer {
            keyctl,
            demand: Arc::new(Demand::default()),
        }
    }

    /// Requires `scope` of every request's key. Once a layer requires any
    /// scope, the scope its method and path imply is no longer required,
    /// as with `/auth?scope=...`; calling this again adds a scope.
    #[must_use]
    pub fn require_scope(mut self, scope: Scope) -> KeyAuthLayer {
        Arc::make_mut(&mut self.demand).scopes.push(scope);
        self
    }

    /// [`require_scope`](Self::require_scope) with the scope as text
    /// (`invoices:read`, `*`), checked against the catalog of the layer's
    /// `Keyctl` as `/auth` checks its `scope` parameters.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`](crate::Error::Invalid) when `scope` is not of the
    /// form `resource:level` or names a resource outside the catalog.
    pub fn require_scope_str(self, scope: &str) -> Result<KeyAuthLayer> {
        let parsed = {
            let kc = self.keyctl.lock().unwrap_or_else(|p| p.into_inner());
            Scope::parse(scope, &kc.config().catalog)?
        };
        Ok(self.require_scope(parsed))
    }

    /// Requires every request's key to belong to `environment`: a key of
    /// another is `WRONG_ENVIRONMENT` (401), as with `/auth?env=...`.
    /// Without it the environment is not checked.
    #[must_use]
    pub fn environment(mut self, environment: Environment) -> KeyAuthLayer {
        Arc::make_mut(&mut self.demand).environment = Some(environment);
        self
    }

    /// Whether the client's IP is read from `X-Real-IP`, else the first
    /// entry of `X-Forwarded-For`, before the peer address. Off by default:
    /// any client can send these headers, so turn it on only behind a proxy
    /// that sets them and strips what clients sent.
    #[must_use]
    pub fn trust_forwarded_headers(mut self, trust: bool) -> KeyAuthLayer {
        Arc::make_mut(&mut self.demand).trust_forwarded_headers = trust;
        self
    }
}

impl<S> tower::Layer<S> for KeyAuthLayer {
    type Service = KeyAuth<S>;

    fn layer(&self, inner: S) -> KeyAuth<S> {
        KeyAuth {
            inner,
            keyctl: Arc::clone(&self.keyctl),
            demand: Arc::clone(&self.demand),
        }
    }
}

/// The service [`KeyAuthLayer`] makes.
#[derive(Clone)]
pub struct KeyAuth<S> {
    inner: S,
    keyctl: Arc<Mutex<Keyctl>>,
    demand: Arc<Demand>,
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
        let demand = Arc::clone(&self.demand);
        Box::pin(async move {
            let (secret, request) = match presented(&req, &demand) {
                Ok(p) => p,
                Err(message) => return Ok(refusal(StatusCode::BAD_REQUEST, &message)),
            };
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

/// The presented key and what its verification checks and records; an
/// `Authorization`, `X-API-Key` or `User-Agent` that is not text is a bad
/// request, as at `/auth`.
fn presented<B>(
    req: &Request<B>,
    demand: &Demand,
) -> std::result::Result<(String, VerifyRequest), String> {
    let headers = req.headers();
    let secret = http_answer::presented_key(headers)?;
    let forwarded = if demand.trust_forwarded_headers {
        forwarded_ip(headers)
    } else {
        None
    };
    let peer = req.extensions().get::<SocketAddr>().map(SocketAddr::ip);
    let request = VerifyRequest {
        scopes: demand.scopes.clone(),
        environment: demand.environment,
        ip: forwarded.or(peer).map(|ip| ip.to_canonical().to_string()),
        user_agent: http_answer::header_text(headers, "user-agent")?,
        ..VerifyRequest::http(req.method().as_str(), req.uri().path())
    };
    Ok((secret, request))
}

/// The client's address as a trusted proxy reports it: `X-Real-IP`, else
/// the first `X-Forwarded-For` entry. A value that is not an IP address
/// (a forgery the proxy let through, a port, a name) counts as absent, so
/// the next source is used: a bad header neither fails the request nor
/// reaches the store as if it were an address.
fn forwarded_ip(headers: &HeaderMap) -> Option<IpAddr> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    text("x-real-ip")
        .and_then(|v| v.trim().parse().ok())
        .or_else(|| {
            text("x-forwarded-for")
                .and_then(|list| list.split(',').next())
                .and_then(|first| first.trim().parse().ok())
        })
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
