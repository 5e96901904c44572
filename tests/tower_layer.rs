//! `KeyAuthLayer` driven with real requests through `tower::ServiceExt::oneshot`:
//! what reaches the handler, what is refused with which status and headers,
//! and what the store records (the client's IP and user agent included).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use http::{Request, Response, StatusCode};
use keyctl::usage::Window;
use keyctl::{
    Access, Clock, Config, Environment, KeyAuthLayer, Keyctl, NewKey, RateLimit, Scope, Store,
    Verification,
};
use tower::{Layer, ServiceExt, service_fn};

/// The handler behind the layer: answers with the id of the key it was handed.
async fn handler(req: Request<String>) -> Result<Response<String>, Infallible> {
    let id = req
        .extensions()
        .get::<Verification>()
        .and_then(|v| v.key.as_ref())
        .map(|k| k.id.clone())
        .unwrap_or_else(|| "no key".to_owned());
    Ok(Response::new(id))
}

fn keyctl(path: &Path) -> Keyctl {
    let store = Store::open(path, Access::Write).unwrap();
    Keyctl::new(store, Config::default(), Clock::system(), "test".into())
}

async fn send(
    layer: &KeyAuthLayer,
    method: &str,
    path: &str,
    header: Option<(&str, &str)>,
) -> Response<String> {
    let mut req = Request::builder().method(method).uri(path);
    if let Some((name, value)) = header {
        req = req.header(name, value);
    }
    layer
        .layer(service_fn(handler))
        .oneshot(req.body(String::new()).unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_layer_answers_as_auth_does_and_records_every_verification() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keyctl.db");
    let mut admin = keyctl(&db);
    let read = Scope::parse("invoices:read", &admin.config().catalog).unwrap();
    let mut new = NewKey::new("Billing", vec![read]);
    new.rate_limit = Some(RateLimit {
        count: 2,
        window_secs: 60,
    });
    let created = admin.create(new).unwrap();
    let secret = created.secret.expose().to_owned();
    let bearer = format!("Bearer {secret}");
    let layer = KeyAuthLayer::shared(Arc::new(Mutex::new(keyctl(&db))));

    // Valid: the handler runs and sees the key.
    let r = send(
        &layer,
        "GET",
        "/v1/invoices/42",
        Some(("authorization", &bearer)),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.body(), &created.key.id);

    // The same key in X-API-Key.
    let r = send(&layer, "GET", "/v1/invoices", Some(("x-api-key", &secret))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.body(), &created.key.id);

    // No key: 401 with WWW-Authenticate; the handler does not run.
    let r = send(&layer, "GET", "/v1/invoices/42", None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer ")
    );
    assert!(r.body().contains("\"code\": \"MALFORMED\""), "{}", r.body());

    // A write with a read key: 403.
    let r = send(
        &layer,
        "POST",
        "/v1/invoices",
        Some(("authorization", &bearer)),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.headers()["x-keyctl-outcome"], "INSUFFICIENT_SCOPE");
    assert!(r.body().contains("\"invoices:write\""), "{}", r.body());

    // The third call of a minute limited to 2: 429 with Retry-After.
    let r = send(
        &layer,
        "GET",
        "/v1/invoices/7",
        Some(("authorization", &bearer)),
    )
    .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");

    // A path that cannot be judged: 400, and nothing is verified.
    let r = send(
        &layer,
        "GET",
        "/v1/invoices/..;/payouts",
        Some(("authorization", &bearer)),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.body().contains("\"error\""), "{}", r.body());

    // Every verified request of the key is in the store: two valid, the 403
    // and the 429; the 400 and the keyless request are not the key's.
    let report = admin
        .usage(&created.key.id, Window::last_days(admin.now(), 1), 10)
        .unwrap();
    assert_eq!(report.total, 4);
    assert_eq!(
        report.status_codes,
        vec![(200, 2), (403, 1), (429, 1)],
        "{:?}",
        report.status_codes
    );
}

/// A key with `scopes` (in `environment`, else the default) in a fresh store.
struct Fixture {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    admin: Keyctl,
    key_id: String,
    secret: String,
}

fn fixture(scopes: &[&str], environment: Option<Environment>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("keyctl.db");
    let mut admin = keyctl(&db);
    let scopes = scopes
        .iter()
        .map(|s| Scope::parse(s, &admin.config().catalog).unwrap())
        .collect();
    let mut new = NewKey::new("Billing", scopes);
    new.environment = environment;
    let created = admin.create(new).unwrap();
    Fixture {
        db,
        admin,
        key_id: created.key.id.clone(),
        secret: created.secret.expose().to_owned(),
        _dir: dir,
    }
}

impl Fixture {
    fn layer(&self) -> KeyAuthLayer {
        KeyAuthLayer::new(keyctl(&self.db))
    }

    /// The recorded request rows of the key, newest first.
    fn recorded(&mut self) -> Vec<keyctl::store::RequestRecord> {
        let window = Window::last_days(self.admin.now(), 1);
        self.admin.usage(&self.key_id, window, 50).unwrap().recent
    }
}

/// A GET with the fixture's key, from `peer` when given, with extra headers.
async fn from(
    layer: &KeyAuthLayer,
    f: &Fixture,
    path: &str,
    peer: Option<&str>,
    headers: &[(&str, &[u8])],
) -> Response<String> {
    let mut req = Request::builder()
        .method("GET")
        .uri(path)
        .header("authorization", format!("Bearer {}", f.secret));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let mut req = req.body(String::new()).unwrap();
    if let Some(peer) = peer {
        req.extensions_mut()
            .insert(peer.parse::<SocketAddr>().unwrap());
    }
    layer.layer(service_fn(handler)).oneshot(req).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_peer_address_and_user_agent_are_recorded() {
    let mut f = fixture(&["invoices:read"], None);
    let layer = f.layer();
    let r = from(
        &layer,
        &f,
        "/v1/invoices/1",
        Some("203.0.113.7:51234"),
        &[("user-agent", b"billing-sync/2.1")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    // An IPv4 client of a dual-stack socket is recorded as IPv4.
    let r = from(
        &layer,
        &f,
        "/v1/invoices/2",
        Some("[::ffff:198.51.100.9]:443"),
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = from(&layer, &f, "/v1/invoices/3", Some("[2001:db8::1]:443"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Refusals are recorded with the client too.
    let r = send(
        &layer,
        "POST",
        "/v1/invoices",
        Some(("authorization", &format!("Bearer {}", f.secret))),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let rows = f.recorded();
    let seen: Vec<_> = rows
        .iter()
        .rev()
        .map(|r| (r.path.as_deref(), r.ip.as_deref(), r.user_agent.as_deref()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                Some("/v1/invoices/1"),
                Some("203.0.113.7"),
                Some("billing-sync/2.1")
            ),
            (Some("/v1/invoices/2"), Some("198.51.100.9"), None),
            (Some("/v1/invoices/3"), Some("2001:db8::1"), None),
            (Some("/v1/invoices"), None, None),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_headers_are_believed_only_when_the_layer_trusts_them() {
    let mut f = fixture(&["invoices:read"], None);
    let forged: &[(&str, &[u8])] = &[
        ("x-real-ip", b"192.0.2.1"),
        ("x-forwarded-for", b"192.0.2.2, 10.0.0.1"),
    ];
    let untrusting = f.layer();
    let r = from(
        &untrusting,
        &f,
        "/v1/invoices/1",
        Some("10.0.0.1:4000"),
        forged,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Without a peer address and without trust, the IP is unknown.
    let r = from(&untrusting, &f, "/v1/invoices/2", None, forged).await;
    assert_eq!(r.status(), StatusCode::OK);

    let trusting = f.layer().trust_forwarded_headers(true);
    // X-Real-IP first, as /auth reads it.
    let r = from(
        &trusting,
        &f,
        "/v1/invoices/3",
        Some("10.0.0.1:4000"),
        forged,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Else the first entry of X-Forwarded-For.
    let r = from(
        &trusting,
        &f,
        "/v1/invoices/4",
        Some("10.0.0.1:4000"),
        &[("x-forwarded-for", b" 2001:db8::7 , 10.0.0.1")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Else the peer.
    let r = from(&trusting, &f, "/v1/invoices/5", Some("10.0.0.1:4000"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Trust can be taken back.
    let retracted = trusting.trust_forwarded_headers(false);
    let r = from(
        &retracted,
        &f,
        "/v1/invoices/6",
        Some("10.0.0.1:4000"),
        forged,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);

    let ips: Vec<_> = f.recorded().iter().rev().map(|r| r.ip.clone()).collect();
    let ip = |s: &str| Some(s.to_owned());
    assert_eq!(
        ips,
        vec![
            ip("10.0.0.1"),
            None,
            ip("192.0.2.1"),
            ip("2001:db8::7"),
            ip("10.0.0.1"),
            ip("10.0.0.1"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_value_that_is_no_ip_address_is_ignored_not_a_failure() {
    let mut f = fixture(&["invoices:read"], None);
    let layer = f.layer().trust_forwarded_headers(true);
    let bad: [&[(&str, &[u8])]; 5] = [
        // Not an address: the next source, X-Forwarded-For, is used.
        &[
            ("x-real-ip", b"'; drop table requests; --"),
            ("x-forwarded-for", b"192.0.2.3"),
        ],
        // A first entry that is no address, though a later one is: the peer.
        &[("x-forwarded-for", b"999.0.0.1, 192.0.2.4")],
        // An address with a port, an empty value.
        &[("x-real-ip", b"192.0.2.5:80"), ("x-forwarded-for", b"")],
        // Bytes that are not text.
        &[("x-real-ip", b"\xff\xfe"), ("x-forwarded-for", b"\x80")],
        // The word some proxies write for a client they cannot name.
        &[("x-real-ip", b"unknown")],
    ];
    for (i, headers) in bad.iter().enumerate() {
        let r = from(
            &layer,
            &f,
            &format!("/v1/invoices/{i}"),
            Some("10.0.0.1:4000"),
            headers,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{i}: {}", r.body());
    }
    let ips: Vec<_> = f.recorded().iter().rev().map(|r| r.ip.clone()).collect();
    let ip = |s: &str| Some(s.to_owned());
    assert_eq!(
        ips,
        vec![
            ip("192.0.2.3"),
            ip("10.0.0.1"),
            ip("10.0.0.1"),
            ip("10.0.0.1"),
            ip("10.0.0.1"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn required_scopes_replace_the_one_the_method_and_path_imply() {
    let f = fixture(&["invoices:read"], None);
    let bearer = format!("Bearer {}", f.secret);
    let auth = Some(("authorization", bearer.as_str()));

    // A scope the key lacks: 403, naming it, on a path the key could read.
    let layer = f.layer().require_scope_str("clients:read").unwrap();
    let r = send(&layer, "GET", "/v1/invoices/42", auth).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.headers()["x-keyctl-outcome"], "INSUFFICIENT_SCOPE");
    assert!(r.body().contains("\"clients:read\""), "{}", r.body());

    // Scopes add up: one held and one lacking is still 403.
    let read = Scope::parse("invoices:read", &Config::default().catalog).unwrap();
    let layer = f
        .layer()
        .require_scope(read.clone())
        .require_scope_str("clients:read")
        .unwrap();
    let r = send(&layer, "GET", "/v1/invoices/42", auth).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The required scope stands for the derived one: a POST that would need
    // invoices:write passes with invoices:read required.
    let layer = f.layer().require_scope(read);
    let r = send(&layer, "POST", "/v1/invoices", auth).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.body());
    assert_eq!(r.body(), &f.key_id);

    // A path that cannot be judged is still refused.
    let r = send(&layer, "GET", "/v1/invoices/..;/payouts", auth).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Scopes given as text are checked against the catalog.
    let err = f
        .layer()
        .require_scope_str("invoice:read")
        .err()
        .expect("a resource outside the catalog");
    assert!(
        err.to_string().contains("did you mean 'invoices:read'"),
        "{err}"
    );
    assert!(f.layer().require_scope_str("invoices").is_err());
    assert!(f.layer().require_scope_str("invoices:own").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_of_another_environment_is_refused_with_401() {
    let mut f = fixture(&["invoices:read"], Some(Environment::Test));
    let bearer = format!("Bearer {}", f.secret);
    let auth = Some(("authorization", bearer.as_str()));

    let live = f.layer().environment(Environment::Live);
    let r = send(&live, "GET", "/v1/invoices/42", auth).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["x-keyctl-outcome"], "WRONG_ENVIRONMENT");
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer ")
    );
    assert!(
        r.body().contains("\"code\": \"WRONG_ENVIRONMENT\""),
        "{}",
        r.body()
    );

    let test = f.layer().environment(Environment::Test);
    let r = send(&test, "GET", "/v1/invoices/42", auth).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.body(), &f.key_id);

    let outcomes: Vec<_> = f
        .recorded()
        .iter()
        .rev()
        .map(|r| (r.status, r.outcome.clone()))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (401, Some("WRONG_ENVIRONMENT".to_owned())),
            (200, Some("VALID".to_owned())),
        ]
    );
}
