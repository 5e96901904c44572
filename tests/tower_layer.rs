//! `KeyAuthLayer` driven with real requests through `tower::ServiceExt::oneshot`:
//! what reaches the handler, what is refused with which status and headers,
//! and what the store records.

use std::convert::Infallible;
use std::path::Path;
use std::sync::{Arc, Mutex};

use http::{Request, Response, StatusCode};
use keyctl::usage::Window;
use keyctl::{
    Access, Clock, Config, KeyAuthLayer, Keyctl, NewKey, RateLimit, Scope, Store, Verification,
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
