//! The gateway recipes of `docs/serve.md`, run against the real gateways:
//! Debian's nginx and Caddy on loopback ports, `keyctl serve` behind them,
//! and a small upstream that answers with the request head it received, so
//! that the identity headers reaching the API are checked too.
//!
//! The configurations are read from the page itself (its first `nginx` and
//! `caddy` blocks), with the page's example addresses replaced by this
//! test's ports, so the recipe a reader copies is the one that passed.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::serve::{Response, Server, Target, exchange};
use crate::support::Sandbox;

/// The addresses the recipes are written with.
const DOC_KEYCTL: &str = "127.0.0.1:7373";
const DOC_UPSTREAM: &str = "127.0.0.1:8080";
const DOC_GATEWAY: &str = "127.0.0.1:8000";

/// The first block of `docs/serve.md` fenced with ```` ```lang ````.
fn recipe(lang: &str) -> String {
    let page = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/serve.md"))
        .unwrap();
    let fence = format!("```{lang}\n");
    let start = page
        .find(&fence)
        .unwrap_or_else(|| panic!("no {lang} block"))
        + fence.len();
    let end = start + page[start..].find("```").unwrap();
    page[start..end].to_owned()
}

/// A free loopback port (a race with other processes is possible but harmless:
/// the gateway would fail to start and the test would say so).
fn free_port() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

/// The upstream API: answers every request with its head as the body, and
/// `500` for `/v1/invoices/boom`.
fn upstream() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match conn.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let status = if head.starts_with(b"GET /v1/invoices/boom") {
                    "500 Internal Server Error"
                } else {
                    "200 OK"
                };
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    head.len()
                );
                let _ = conn.write_all(reply.as_bytes());
                let _ = conn.write_all(&head);
            });
        }
    });
    addr
}

/// A gateway process, killed when dropped.
struct Gateway(Child);

impl Drop for Gateway {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: a killed nginx master leaves its workers
        // running, listening, after the test.
        let pid = libc::pid_t::try_from(self.0.id()).unwrap();
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(self.0.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until `addr` accepts connections.
fn wait_for(addr: &str, gateway: &mut Gateway, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(addr).is_err() {
        if let Ok(Some(status)) = gateway.0.try_wait() {
            panic!(
                "the gateway exited ({status}): {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(Instant::now() < deadline, "the gateway did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A program from PATH or Debian's sbin.
fn program(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!("{name} is missing: install Debian's nginx and caddy packages (.ci/run does)")
    })
}

fn fill(text: &str, keyctl: &str, upstream: &str, gateway: &str) -> String {
    text.replace(DOC_KEYCTL, keyctl)
        .replace(DOC_UPSTREAM, upstream)
        .replace(DOC_GATEWAY, gateway)
}

fn start_nginx(dir: &Path, keyctl: &str, upstream: &str, gateway: &str) -> Gateway {
    let site = fill(&recipe("nginx"), keyctl, upstream, gateway);
    std::fs::write(dir.join("keyctl.conf"), site).unwrap();
    let d = dir.display();
    // Workers of a root master run as nobody unless told otherwise, and
    // could not reach this private folder's temporary files.
    let user = if std::env::var("USER").as_deref() == Ok("root") || is_root() {
        "user root;"
    } else {
        ""
    };
    let main = format!(
        "{user}\ndaemon off;\nworker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 512; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
         include {d}/keyctl.conf;\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let child = Command::new(program("nginx"))
        .args([
            "-p",
            &d.to_string(),
            "-c",
            &format!("{d}/nginx.conf"),
            "-e",
            &format!("{d}/error.log"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nginx");
    let mut g = Gateway(child);
    wait_for(gateway, &mut g, &dir.join("error.log"));
    g
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn start_caddy(dir: &Path, keyctl: &str, upstream: &str, gateway: &str) -> Gateway {
    let site = fill(&recipe("caddy"), keyctl, upstream, gateway);
    let file = format!("{{\n\tadmin off\n}}\n\n{site}");
    std::fs::write(dir.join("Caddyfile"), file).unwrap();
    let log = dir.join("caddy.log");
    let child = Command::new(program("caddy"))
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(dir.join("Caddyfile"))
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start caddy");
    let mut g = Gateway(child);
    wait_for(gateway, &mut g, &log);
    g
}

fn through(gateway: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: {gateway}\r\nConnection: close\r\n");
    for (k, v) in headers {
        raw.push_str(&format!("{k}: {v}\r\n"));
    }
    raw.push_str("\r\n");
    exchange(&Target::Tcp(gateway.to_owned()), raw.as_bytes())
}

/// The cases every gateway must get right.
/// `keeps_alive`: whether the recipe reuses its connections to keyctl.
fn check_gateway(s: &Sandbox, gateway: &str, srv: &mut Server, name: &str, keeps_alive: bool) {
    let (id, key) = s.create("billing", &["--scope", "invoices:read"]);
    let (_, limited) = s.create(
        "metered",
        &["--scope", "invoices:read", "--rate-limit", "1/min"],
    );
    let (_, soon_revoked) = s.create("leaky", &["--scope", "invoices:read"]);
    let bearer = |k: &str| format!("Bearer {k}");

    let ok = through(
        gateway,
        "GET",
        "/v1/invoices/42?page=2",
        &[
            ("Authorization", &bearer(&key)),
            ("X-Keyctl-Key-Id", "key_forged"),
        ],
    );
    assert_eq!(ok.status, 200, "{name}: {ok:?}");
    let upstream_saw = ok.body.to_ascii_lowercase();
    assert!(
        upstream_saw.starts_with("get /v1/invoices/42?page=2 "),
        "{name}: {ok:?}"
    );
    assert!(
        upstream_saw.contains(&format!("x-keyctl-key-id: {id}\r\n")),
        "{name}: identity headers reach the API: {upstream_saw}"
    );
    assert!(
        upstream_saw.contains("x-keyctl-scopes: invoices:read\r\n"),
        "{name}"
    );
    assert!(
        upstream_saw.contains("x-keyctl-environment: live\r\n"),
        "{name}"
    );
    assert!(
        !upstream_saw.contains("key_forged"),
        "{name}: a client cannot forge them"
    );

    let missing = through(gateway, "GET", "/v1/invoices/42", &[]);
    assert_eq!(missing.status, 401, "{name}: {}", missing.body);
    assert!(
        missing
            .header("www-authenticate")
            .is_some_and(|h| h.starts_with("Bearer")),
        "{name}: {missing:?}"
    );

    let scope = through(gateway, "DELETE", "/v1/invoices/42", &[("X-API-Key", &key)]);
    assert_eq!(scope.status, 403, "{name}: {}", scope.body);

    assert_eq!(
        through(
            gateway,
            "GET",
            "/v1/invoices",
            &[("X-API-Key", &soon_revoked)]
        )
        .status,
        200
    );
    s.ok(&["revoke", "leaky", "--yes"]);
    let revoked = through(
        gateway,
        "GET",
        "/v1/invoices",
        &[("X-API-Key", &soon_revoked)],
    );
    assert_eq!(revoked.status, 401, "{name}: revoked a moment ago");

    assert_eq!(
        through(gateway, "GET", "/v1/invoices", &[("X-API-Key", &limited)]).status,
        200
    );
    let over = through(gateway, "GET", "/v1/invoices", &[("X-API-Key", &limited)]);
    assert_eq!(
        over.status, 429,
        "{name}: rate limited is 429, not 500: {}",
        over.body
    );
    assert_eq!(over.header("retry-after"), Some("60"), "{name}: {over:?}");

    // The API's own 500 passes through untouched.
    let boom = through(gateway, "GET", "/v1/invoices/boom", &[("X-API-Key", &key)]);
    assert_eq!(boom.status, 500, "{name}");

    // Every request through the gateway was verified and recorded once.
    let lines = srv.wait_for_lines(8);
    assert_eq!(lines.len(), 8, "{name}: {lines:#?}");

    if !keeps_alive {
        return;
    }
    // The gateway keeps its connections to keyctl alive: a gateway that
    // opened one per request would pay a connection for every verification.
    for _ in 0..20 {
        let r = through(gateway, "GET", "/v1/invoices", &[("X-API-Key", &key)]);
        assert_eq!(r.status, 200, "{name}: {}", r.body);
    }
    let metrics = srv.get("/metrics", &[]).body;
    let opened: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("keyctl_connections_total "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{name}: no connection count in {metrics}"));
    assert!(
        opened <= 6,
        "{name}: 28 requests through the gateway and this one opened {opened} connections"
    );
}

#[test]
fn nginx_recipe_passes_valid_keys_and_refuses_the_rest_with_their_status() {
    let s = Sandbox::new();
    s.create("first", &[]);
    let mut srv = Server::start(&s, &[]);
    let Target::Tcp(keyctl) = srv.target.clone() else {
        unreachable!()
    };
    let api = upstream();
    let gateway = free_port();
    let dir = tempfile::tempdir().unwrap();
    let _nginx = start_nginx(dir.path(), &keyctl, &api, &gateway);
    check_gateway(&s, &gateway, &mut srv, "nginx", true);
    // With keyctl gone, nginx fails closed with 503.
    assert_eq!(srv.stop(), 0);
    let (_, key) = s.create("late", &[]);
    let down = through(&gateway, "GET", "/v1/invoices", &[("X-API-Key", &key)]);
    assert_eq!(down.status, 503, "{}", down.body);
}

#[test]
fn caddy_recipe_passes_valid_keys_and_refuses_the_rest_with_their_status() {
    let s = Sandbox::new();
    s.create("first", &[]);
    let mut srv = Server::start(&s, &[]);
    let Target::Tcp(keyctl) = srv.target.clone() else {
        unreachable!()
    };
    let api = upstream();
    let gateway = free_port();
    let dir = tempfile::tempdir().unwrap();
    let _caddy = start_caddy(dir.path(), &keyctl, &api, &gateway);
    // Caddy leaves the body of a 2xx auth answer unread, which closes the
    // connection (docs/serve.md); asking with HEAD instead would cut the
    // body off the refusals it passes to the client.
    check_gateway(&s, &gateway, &mut srv, "caddy", false);
    assert_eq!(srv.stop(), 0);
    let (_, key) = s.create("late", &[]);
    let down = through(&gateway, "GET", "/v1/invoices", &[("X-API-Key", &key)]);
    assert!(down.status >= 500, "fails closed: {}", down.status);
}
