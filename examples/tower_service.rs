//! A hyper server whose handler sits behind [`keyctl::KeyAuthLayer`]: every
//! request must present a key whose scopes cover its method and path, and
//! the handler reads the verified key from the request's extensions.
//!
//! `cargo run --features tower --example tower_service` creates a store in a
//! temporary folder with one `invoices:read` key, prints the key, and serves
//! on a loopback port until interrupted:
//!
//! ```text
//! curl -H "Authorization: Bearer $KEY" http://127.0.0.1:PORT/v1/invoices/42
//! ```
//!
//! With `--once` it sends itself one request with the key and one without,
//! prints both statuses and what the store recorded of them (the client's
//! address, which the accept loop hands the layer, and its user agent), and
//! exits.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use keyctl::usage::Window;
use keyctl::{Access, Clock, Config, KeyAuthLayer, Keyctl, NewKey, Scope, Store, Verification};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::{Layer, ServiceExt, service_fn};

/// The service's own work: it runs only for a valid key.
async fn invoices(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let key = req
        .extensions()
        .get::<Verification>()
        .and_then(|v| v.key.as_ref())
        .map_or_else(String::new, |k| format!("{} ({})", k.name, k.id));
    let body = format!("{} {} for {key}\n", req.method(), req.uri().path());
    Ok(Response::new(Full::new(Bytes::from(body))))
}

/// One raw HTTP/1.1 request to the server; the status line of its answer.
async fn ask(port: u16, key: Option<&str>) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let auth = key.map_or_else(String::new, |k| format!("Authorization: Bearer {k}\r\n"));
    let request = format!(
        "GET /v1/invoices/42 HTTP/1.1\r\nHost: localhost\r\n{auth}\
         User-Agent: tower-service-example\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    Ok(answer.lines().next().unwrap_or_default().to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let once = std::env::args().any(|a| a == "--once");
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path().join("keyctl.db"), Access::Write)?;
    let mut kc = Keyctl::new(store, Config::default(), Clock::system(), "example".into());
    let read = Scope::parse("invoices:read", &kc.config().catalog)?;
    let created = kc.create(NewKey::new("Invoices reader", vec![read]))?;
    let key = created.secret.expose().to_owned();

    // Shared, so that --once can read back what the layer recorded.
    let kc = Arc::new(Mutex::new(kc));
    let layer = KeyAuthLayer::shared(Arc::clone(&kc));
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let port = listener.local_addr()?.port();
    if once {
        // A run in CI: the key stays out of its log.
        println!("listening on 127.0.0.1:{port}; key {}", created.key.prefix);
    } else {
        println!("listening on 127.0.0.1:{port}; key {key}");
    }

    let server = tokio::spawn(async move {
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                continue;
            };
            let layer = layer.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                    // The peer address is the client's IP the layer records.
                    req.extensions_mut().insert::<SocketAddr>(peer);
                    layer.layer(service_fn(invoices)).oneshot(req)
                });
                // A client that hangs up early is its own business.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });

    if once {
        println!("with the key:    {}", ask(port, Some(&key)).await?);
        println!("without a key:   {}", ask(port, None).await?);
        server.abort();
        let mut kc = kc.lock().unwrap_or_else(|p| p.into_inner());
        let window = Window::last_days(kc.now(), 1);
        for row in kc.usage(&created.key.id, window, 10)?.recent.iter().rev() {
            println!(
                "recorded:        {} from {} ({})",
                row.status,
                row.ip.as_deref().unwrap_or("-"),
                row.user_agent.as_deref().unwrap_or("-")
            );
        }
        return Ok(());
    }
    server.await?;
    Ok(())
}
