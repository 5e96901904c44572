//! `keyctl serve` (SPEC §11), run as the real binary on a free loopback port
//! and spoken to with a few lines of HTTP/1.1 over a plain socket, so that
//! what is tested is exactly what a gateway sends and receives.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::support::{Sandbox, on_postgres, secrets_in, sqlite_only};

/// Where a server listens.
#[derive(Clone, Debug)]
pub enum Target {
    Tcp(String),
    Unix(PathBuf),
}

/// A running `keyctl serve`, stopped with SIGTERM when dropped.
pub struct Server {
    child: Option<Child>,
    pub target: Target,
    /// Every line it wrote to standard error so far.
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `keyctl serve --listen 127.0.0.1:0 ARGS` and waits for its
    /// ready line.
    pub fn start(s: &Sandbox, args: &[&str]) -> Server {
        let mut all = vec!["serve"];
        if !args.contains(&"--listen") {
            all.extend(["--listen", "127.0.0.1:0"]);
        }
        all.extend(args);
        Server::start_raw(s, &all)
    }

    /// Starts keyctl with exactly these arguments and waits for its first
    /// ready line.
    pub fn start_raw(s: &Sandbox, args: &[&str]) -> Server {
        let mut child = s
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn keyctl serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready, first) = mpsc::channel();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix("keyctl serve: listening on ") {
                    let _ = ready.send(Some(addr.to_owned()));
                }
                lines.lock().unwrap().push(line);
            }
            let _ = ready.send(None);
        });
        let addr = first
            .recv_timeout(Duration::from_secs(30))
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("serve did not start: {:?}", log.lock().unwrap()));
        let target = match addr.strip_prefix("http://") {
            Some(a) => Target::Tcp(a.to_owned()),
            None => Target::Unix(PathBuf::from(addr.strip_prefix("unix:").unwrap())),
        };
        Server {
            child: Some(child),
            target,
            log,
        }
    }

    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The access-log lines (everything but the server's own messages).
    pub fn access_lines(&self) -> Vec<String> {
        self.log()
            .into_iter()
            .filter(|l| !l.starts_with("keyctl serve:"))
            .collect()
    }

    /// Waits until the access log holds `n` lines (they are written after
    /// the response is sent).
    pub fn wait_for_lines(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let lines = self.access_lines();
            if lines.len() >= n || Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and waits: returns the exit code.
    pub fn stop(&mut self) -> i32 {
        self.signal(libc::SIGTERM)
    }

    /// Sends `signal` and waits: returns the exit code.
    pub fn signal(&mut self, signal: libc::c_int) -> i32 {
        let Some(mut child) = self.child.take() else {
            return -1;
        };
        let pid = libc::pid_t::try_from(child.id()).unwrap();
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        unsafe { libc::kill(pid, signal) };
        let status = child.wait().expect("wait for serve");
        // Let the reader thread take the last lines.
        std::thread::sleep(Duration::from_millis(50));
        status.code().unwrap_or(-1)
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        self.send("GET", path, headers, None)
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Response {
        let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: keyctl\r\nConnection: close\r\n");
        for (k, v) in headers {
            raw.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = body {
            raw.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        raw.push_str("\r\n");
        if let Some(b) = body {
            raw.push_str(b);
        }
        exchange(&self.target, raw.as_bytes())
    }

    /// `GET /auth` for `key` (as a Bearer token) and the original request.
    pub fn auth(&self, key: &str, method: &str, uri: &str) -> Response {
        let bearer = format!("Bearer {key}");
        self.get(
            "/auth",
            &[
                ("Authorization", &bearer),
                ("X-Original-Method", method),
                ("X-Original-URI", uri),
            ],
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.stop();
        }
    }
}

/// A parsed HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn outcome(&self) -> &str {
        self.header("x-keyctl-outcome").unwrap_or("-")
    }
}

/// Writes `raw` on a new connection and reads the response until the
/// server closes it.
pub fn exchange(target: &Target, raw: &[u8]) -> Response {
    let mut bytes = Vec::new();
    match target {
        Target::Tcp(addr) => {
            let mut s = TcpStream::connect(addr).expect("connect");
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            s.write_all(raw).unwrap();
            let _ = s.read_to_end(&mut bytes);
        }
        Target::Unix(path) => {
            let mut s = UnixStream::connect(path).expect("connect");
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            s.write_all(raw).unwrap();
            let _ = s.read_to_end(&mut bytes);
        }
    }
    parse(&bytes)
}

pub fn parse(bytes: &[u8]) -> Response {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP response: {text:?}"));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// A well-formed secret that no store holds.
fn unknown_secret() -> String {
    let s = keyctl::Secret::generate(
        &keyctl::secret::KeyPrefix::default(),
        keyctl::Environment::Live,
    )
    .unwrap();
    s.expose().to_owned()
}

/// The requests recorded for a key, from `keyctl usage`.
fn recorded(s: &Sandbox, key: &str) -> u64 {
    let out = s.ok(&["usage", key, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["total"]
        .as_u64()
        .unwrap_or_else(|| panic!("no total in {out}"))
}

/// The client addresses of the recorded requests of `key`, oldest first.
fn recorded_ips(s: &Sandbox, key: &str) -> Vec<Option<String>> {
    let out = s.ok(&["usage", key, "--format", "json", "--recent", "50"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut ips: Vec<Option<String>> = v["recent"]
        .as_array()
        .unwrap_or_else(|| panic!("no recent requests in {out}"))
        .iter()
        .map(|r| r["ip"].as_str().map(str::to_owned))
        .collect();
    ips.reverse();
    ips
}

#[test]
fn auth_records_only_ip_addresses_from_the_forwarding_headers() {
    let s = Sandbox::new();
    let (id, key) = s.create("billing", &[]);
    let srv = Server::start(&s, &[]);
    let cases: [&[(&str, &str)]; 5] = [
        &[("X-Real-IP", "198.51.100.7")],
        &[("X-Forwarded-For", " 2001:db8::1 , 10.0.0.1")],
        // Not an address: the next source is used, or none.
        &[
            ("X-Real-IP", "unknown"),
            ("X-Forwarded-For", "203.0.113.9, 10.0.0.1"),
        ],
        &[("X-Real-IP", "203.0.113.9:443")],
        &[("X-Forwarded-For", "gateway.internal")],
    ];
    for headers in cases {
        let mut all = vec![("X-API-Key", key.as_str())];
        all.extend_from_slice(headers);
        let r = srv.get("/auth", &all);
        assert_eq!(r.status, 200, "{headers:?}: {}", r.body);
    }
    drop(srv);
    assert_eq!(
        recorded_ips(&s, &id),
        [
            Some("198.51.100.7".to_owned()),
            Some("2001:db8::1".to_owned()),
            Some("203.0.113.9".to_owned()),
            None,
            None,
        ]
    );
}

#[test]
fn auth_answers_every_outcome_with_its_status_and_headers() {
    let s = Sandbox::new();
    let (id, key) = s.create(
        "billing",
        &["--scope", "invoices:read", "--rate-limit", "2/min"],
    );
    let (_, test_key) = s.create("sandbox", &["--env", "test"]);
    let (_, revoked) = s.create("old", &[]);
    s.ok(&["revoke", "old", "--yes"]);
    let srv = Server::start(&s, &[]);

    let ok = srv.auth(&key, "GET", "/v1/invoices/42?page=2");
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.outcome(), "VALID");
    assert_eq!(ok.header("x-keyctl-key-id"), Some(id.as_str()));
    assert_eq!(ok.header("x-keyctl-key-prefix"), Some(&key[..16]));
    assert_eq!(ok.header("x-keyctl-environment"), Some("live"));
    assert_eq!(ok.header("x-keyctl-scopes"), Some("invoices:read"));
    assert_eq!(ok.json()["required_scopes"][0], "invoices:read");

    // X-Api-Key and the X-Forwarded-* pair of Caddy and Traefik.
    let forwarded = srv.get(
        "/auth",
        &[
            ("X-API-Key", &key),
            ("X-Forwarded-Method", "DELETE"),
            ("X-Forwarded-Uri", "/v1/invoices/42"),
        ],
    );
    assert_eq!(forwarded.status, 403);
    assert_eq!(forwarded.outcome(), "INSUFFICIENT_SCOPE");
    assert_eq!(forwarded.json()["required_scopes"][0], "invoices:admin");

    let missing = srv.get("/auth", &[]);
    assert_eq!(missing.status, 401);
    assert_eq!(missing.outcome(), "MALFORMED");
    assert_eq!(
        missing.header("www-authenticate"),
        Some("Bearer realm=\"keyctl\", error=\"invalid_token\"")
    );
    let unknown = srv.auth(&unknown_secret(), "GET", "/v1/invoices");
    assert_eq!((unknown.status, unknown.outcome()), (401, "NOT_FOUND"));
    let gone = srv.auth(&revoked, "GET", "/v1/invoices");
    assert_eq!((gone.status, gone.outcome()), (401, "REVOKED"));
    let env = srv.get("/auth?env=live", &[("X-API-Key", &test_key)]);
    assert_eq!((env.status, env.outcome()), (401, "WRONG_ENVIRONMENT"));
    // Scopes named in the auth URL win over the derived one.
    let named = srv.get(
        "/auth?scope=invoices:read&scope=payouts%3Aread",
        &[("X-API-Key", &key)],
    );
    assert_eq!((named.status, named.outcome()), (403, "INSUFFICIENT_SCOPE"));

    let again = srv.auth(&key, "GET", "/v1/invoices");
    assert_eq!(again.status, 200);
    let limited = srv.auth(&key, "GET", "/v1/invoices");
    assert_eq!((limited.status, limited.outcome()), (429, "RATE_LIMITED"));
    // The clock is fixed at 12:00:00; the minute's window resets at 12:01.
    assert_eq!(limited.header("retry-after"), Some("60"));
    assert_eq!(limited.json()["remaining"]["rate_limit"]["remaining"], 0);
}

#[test]
fn the_verify_endpoint_answers_the_document_of_verify_format_json() {
    let s = Sandbox::new();
    let (_, key) = s.create("billing", &[]);
    let srv = Server::start(&s, &[]);
    for (body, flags) in [
        (
            format!(
                r#"{{"key": "{key}", "method": "GET", "path": "/v1/invoices/1", "record": false}}"#
            ),
            vec!["--method", "GET", "--path", "/v1/invoices/1"],
        ),
        (
            format!(r#"{{"key": "{key}", "scopes": ["payouts:write"], "record": false}}"#),
            vec!["--scope", "payouts:write"],
        ),
        (
            format!(r#"{{"key": "{key}", "environment": "test", "record": false}}"#),
            vec!["--env", "test"],
        ),
        (
            r#"{"key": "sk_live_nope", "record": false}"#.to_owned(),
            vec![],
        ),
    ] {
        let r = srv.send("POST", "/v1/verify", &[], Some(&body));
        assert_eq!(r.status, 200, "whatever the outcome: {}", r.body);
        let mut args = vec!["verify", "--format", "json", "--no-record"];
        args.extend(flags);
        let input = if body.contains("sk_live_nope") {
            "sk_live_nope\n".to_owned()
        } else {
            format!("{key}\n")
        };
        let cli = s.run_with_stdin(&args, Some(&input));
        assert_eq!(r.body, cli.stdout, "{body}");
        assert_eq!(r.outcome(), r.json()["code"].as_str().unwrap());
    }
    // Recorded unless asked otherwise.
    let r = srv.send(
        "POST",
        "/v1/verify",
        &[],
        Some(&format!(r#"{{"key": "{key}"}}"#)),
    );
    assert_eq!(r.json()["code"], "VALID");
    assert_eq!(recorded(&s, "billing"), 1);

    for bad in [
        "not json",
        "{}",
        r#"{"key": 7}"#,
        r#"{"key": "x", "colour": "red"}"#,
        r#"{"key": "x", "scopes": ["nonsense:read"]}"#,
        r#"{"key": "x", "environment": "staging"}"#,
        r#"{"key": "x", "method": "GET"}"#,
        r#"{"key": "x", "method": "BREW", "path": "/v1/invoices"}"#,
        r#"{"key": "x", "method": "GET", "path": "/v1/invoices/..;/payouts"}"#,
    ] {
        let r = srv.send("POST", "/v1/verify", &[], Some(bad));
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.json()["error"].is_string(), "{bad}");
    }
    let big = format!(r#"{{"key": "{}"}}"#, "x".repeat(70 * 1024));
    assert_eq!(srv.send("POST", "/v1/verify", &[], Some(&big)).status, 413);
    let get = srv.get("/v1/verify", &[]);
    assert_eq!((get.status, get.header("allow")), (405, Some("POST")));
    // Still serving, and none of the bad requests was recorded.
    assert_eq!(srv.get("/healthz", &[]).status, 200);
    assert_eq!(recorded(&s, "billing"), 1);
}

#[test]
fn operations_endpoints_and_unknown_paths() {
    let s = Sandbox::new();
    let (_, key) = s.create("billing", &[]);
    let srv = Server::start(&s, &[]);
    assert_eq!(srv.get("/healthz", &[]).status, 200);
    assert_eq!(srv.get("/readyz", &[]).status, 200);
    assert_eq!(srv.get("/nothing-here", &[]).status, 404);
    assert_eq!(srv.get("/", &[]).status, 404);
    assert_eq!(srv.send("POST", "/healthz", &[], Some("")).status, 405);
    srv.auth(&key, "GET", "/v1/invoices");
    srv.auth(&key, "DELETE", "/v1/invoices");
    let m = srv.get("/metrics", &[]);
    assert_eq!(m.status, 200);
    assert!(m.header("content-type").unwrap().starts_with("text/plain"));
    for line in [
        "keyctl_verifications_total{outcome=\"VALID\"} 1",
        "keyctl_verifications_total{outcome=\"INSUFFICIENT_SCOPE\"} 1",
        "keyctl_verify_duration_seconds_count 2",
        "keyctl_verify_duration_seconds_bucket{le=\"+Inf\"} 2",
    ] {
        assert!(m.body.lines().any(|l| l == line), "{line} in\n{}", m.body);
    }
    assert!(!m.body.contains(&key[..16]), "no key in the metrics");
}

#[test]
fn bad_requests_get_400_and_the_server_goes_on() {
    let s = Sandbox::new();
    let (id, key) = s.create("billing", &[]);
    let srv = Server::start(&s, &[]);
    for query in ["key", "api_key", "apikey", "token", "API_KEY"] {
        let r = srv.get(&format!("/auth?{query}={key}"), &[]);
        assert_eq!(r.status, 400, "{query}");
        assert!(
            !r.body.contains(&key),
            "the error body does not echo the key"
        );
    }
    let post = srv.send(
        "POST",
        &format!("/v1/verify?token={key}"),
        &[],
        Some(&format!(r#"{{"key": "{key}"}}"#)),
    );
    assert_eq!(post.status, 400);
    for (method, uri) in [
        ("GET", "/v1/invoices/../payouts/..%2f1"),
        ("GET", "/v1/invoices/..;/payouts"),
        ("GET", "/v1/invoices\\..\\payouts"),
        ("BREW", "/v1/invoices"),
    ] {
        let r = srv.auth(&key, method, uri);
        assert_eq!(r.status, 400, "{method} {uri}: {}", r.body);
    }
    // A method without a path is never a request that requires nothing.
    let half = srv.get(
        "/auth",
        &[("X-API-Key", &key), ("X-Original-Method", "DELETE")],
    );
    assert_eq!(half.status, 400);
    assert_eq!(
        srv.get("/auth?scope=nonsense:read", &[("X-API-Key", &key)])
            .status,
        400
    );
    assert_eq!(
        srv.get("/auth?env=staging", &[("X-API-Key", &key)]).status,
        400
    );
    // A header that is not text.
    let mut raw =
        b"GET /auth HTTP/1.1\r\nHost: k\r\nConnection: close\r\nX-API-Key: \xff\xfe\r\n\r\n"
            .to_vec();
    assert_eq!(exchange(&srv.target, &raw).status, 400);
    // Not HTTP at all.
    raw = b"\x16\x03\x01 hello\r\n\r\n".to_vec();
    assert_eq!(exchange(&srv.target, &raw).status, 400);
    // A header block over 16 KiB.
    let huge = "a".repeat(17 * 1024);
    let r = srv.get("/healthz", &[("X-Padding", &huge)]);
    assert_eq!(r.status, 431);

    let ok = srv.auth(&key, "GET", "/v1/invoices");
    assert_eq!(ok.status, 200, "still serving");
    // Only the judged verification was recorded.
    assert_eq!(recorded(&s, &id), 1);
}

#[test]
fn a_slow_client_is_cut_off() {
    let s = Sandbox::new();
    s.create("billing", &[]);
    let srv = Server::start(&s, &[]);
    let Target::Tcp(addr) = &srv.target else {
        unreachable!()
    };
    let started = Instant::now();
    let mut headers = TcpStream::connect(addr).unwrap();
    headers
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    headers
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: k\r\n")
        .unwrap();
    let mut body = TcpStream::connect(addr).unwrap();
    body.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    body.write_all(
        b"POST /v1/verify HTTP/1.1\r\nHost: k\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"key\"",
    )
    .unwrap();
    let mut rest = Vec::new();
    let _ = headers.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(9) && waited < Duration::from_secs(20),
        "cut off after {waited:?}"
    );
    let mut answer = Vec::new();
    let _ = body.read_to_end(&mut answer);
    assert_eq!(parse(&answer).status, 408);
    assert_eq!(srv.get("/healthz", &[]).status, 200);
}

#[test]
fn sixty_four_concurrent_clients_get_exactly_the_rate_limit() {
    let s = Sandbox::new();
    let (id, key) = s.create("billing", &["--rate-limit", "5/min"]);
    let srv = Server::start(&s, &[]);
    let clients = 64;
    let start = Arc::new(Barrier::new(clients));
    let outcomes: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let (start, key, target) = (Arc::clone(&start), key.clone(), srv.target.clone());
                scope.spawn(move || {
                    let raw = format!(
                        "GET /auth HTTP/1.1\r\nHost: k\r\nConnection: close\r\nX-API-Key: {key}\r\n\
                         X-Original-Method: GET\r\nX-Original-URI: /v1/invoices\r\n\r\n"
                    );
                    start.wait();
                    exchange(&target, raw.as_bytes()).outcome().to_owned()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let valid = outcomes.iter().filter(|o| *o == "VALID").count();
    let limited = outcomes.iter().filter(|o| *o == "RATE_LIMITED").count();
    assert_eq!((valid, limited), (5, 59), "{outcomes:?}");
    // Every answered request is recorded, and the key's last use with it.
    assert_eq!(recorded(&s, &id), 64);
    let show: serde_json::Value =
        serde_json::from_str(&s.ok(&["show", &id, "--format", "json"])).unwrap();
    assert!(show["last_used_at"].is_string(), "{show}");
    let m = srv.get("/metrics", &[]).body;
    assert!(
        m.contains("keyctl_write_batched_verifications_total 64\n"),
        "{m}"
    );
}

#[test]
fn a_revocation_or_creation_by_another_process_is_seen_by_the_next_request() {
    let s = Sandbox::new();
    let (id, key) = s.create("billing", &[]);
    for args in [&[][..], &["--no-record"][..]] {
        let srv = Server::start(&s, args);
        let (new_id, new_key) = s.create(&format!("fresh{}", args.len()), &[]);
        let fresh = srv.auth(&new_key, "GET", "/v1/invoices");
        assert_eq!(
            fresh.status, 200,
            "a key created after start: {}",
            fresh.body
        );
        assert_eq!(fresh.header("x-keyctl-key-id"), Some(new_id.as_str()));
        if args.is_empty() {
            assert_eq!(srv.auth(&key, "GET", "/v1/invoices").status, 200);
            s.ok(&["revoke", &id, "--yes"]);
        }
        let r = srv.auth(&key, "GET", "/v1/invoices");
        assert_eq!((r.status, r.outcome()), (401, "REVOKED"), "{args:?}");
    }
}

#[test]
fn sigterm_answers_what_is_in_flight_commits_it_and_exits_0() {
    let s = Sandbox::new();
    let (id, key) = s.create("billing", &[]);
    let mut srv = Server::start(&s, &[]);
    let answered = Arc::new(Mutex::new(0u64));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let code = std::thread::scope(|scope| {
        for _ in 0..8 {
            let (key, target, answered, stop) = (
                key.clone(),
                srv.target.clone(),
                Arc::clone(&answered),
                Arc::clone(&stop),
            );
            scope.spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let raw = format!(
                        "GET /auth HTTP/1.1\r\nHost: k\r\nConnection: close\r\nX-API-Key: {key}\r\n\r\n"
                    );
                    let Target::Tcp(addr) = &target else { return };
                    let Ok(mut c) = TcpStream::connect(addr) else { return };
                    if c.write_all(raw.as_bytes()).is_err() {
                        return;
                    }
                    let mut bytes = Vec::new();
                    let _ = c.read_to_end(&mut bytes);
                    if bytes.starts_with(b"HTTP/1.1 200") {
                        *answered.lock().unwrap() += 1;
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_millis(500));
        let code = srv.stop();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        code
    });
    assert_eq!(code, 0, "{:?}", srv.log());
    let answered = *answered.lock().unwrap();
    assert!(answered > 0);
    assert_eq!(
        recorded(&s, &id),
        answered,
        "every answered request was committed, and nothing else"
    );
    assert_eq!(
        srv.log().last().map(String::as_str),
        Some("keyctl serve: stopped")
    );
}

#[test]
fn sigint_stops_as_sigterm_does_and_a_taken_address_is_an_error() {
    let s = Sandbox::new();
    let (id, key) = s.create("billing", &[]);
    let mut srv = Server::start(&s, &[]);
    assert_eq!(srv.auth(&key, "GET", "/v1/invoices").status, 200);
    let Target::Tcp(addr) = srv.target.clone() else {
        unreachable!()
    };
    let taken = s.run(&["serve", "--listen", &addr]);
    assert_eq!(taken.code, 1, "{}", taken.stderr);
    assert!(
        taken.stderr.contains(&addr),
        "names the address: {}",
        taken.stderr
    );
    assert_eq!(srv.signal(libc::SIGINT), 0, "{:?}", srv.log());
    assert_eq!(
        srv.log().last().map(String::as_str),
        Some("keyctl serve: stopped")
    );
    assert_eq!(recorded(&s, &id), 1);
}

#[test]
fn the_access_log_has_one_line_per_request_and_never_a_secret() {
    let s = Sandbox::new();
    let (_, key) = s.create("billing", &[]);
    let unknown = unknown_secret();
    for format in ["text", "json"] {
        let srv = Server::start(&s, &["--log-format", format]);
        srv.auth(&key, "GET", &format!("/v1/invoices?api_key={key}"));
        srv.auth(&unknown, "GET", "/v1/invoices");
        srv.get(&format!("/auth?token={key}"), &[]);
        srv.get(&format!("/{key}"), &[]);
        srv.send(
            "POST",
            "/v1/verify",
            &[],
            Some(&format!(r#"{{"key": "{key}", "nope": 1}}"#)),
        );
        srv.send(
            "POST",
            "/v1/verify",
            &[],
            Some(&format!(r#"{{"key": "{key}"}}"#)),
        );
        let lines = srv.wait_for_lines(6);
        assert_eq!(lines.len(), 6, "{lines:#?}");
        let all = srv.log().join("\n");
        assert!(secrets_in(&all).is_empty(), "{all}");
        assert!(
            all.contains(&key[..16]),
            "the prefix stands for the key: {all}"
        );
        assert!(all.contains(&unknown[..16]));
        if format == "json" {
            for l in &lines {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                for field in [
                    "time",
                    "method",
                    "path",
                    "status",
                    "outcome",
                    "key_prefix",
                    "duration_ms",
                ] {
                    assert!(v.get(field).is_some(), "{field} in {l}");
                }
            }
            let first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
            assert_eq!(first["outcome"], "VALID");
            assert_eq!(first["request"], "GET /v1/invoices");
        } else {
            let parts: Vec<&str> = lines[0].split(' ').collect();
            assert_eq!(parts[1..6], ["GET", "/auth", "200", "VALID", &key[..16]]);
            assert!(parts[6].ends_with("ms"), "{}", lines[0]);
        }
    }
}

#[test]
fn unix_sockets_and_the_serve_table_of_the_config() {
    let s = Sandbox::new();
    let (_, key) = s.create("billing", &[]);
    let sock = s.home().join("keyctl.sock");
    s.config(&format!(
        "[serve]\nlisten = [\"unix:{}\"]\nlog_format = \"json\"\nno_record = true\n",
        sock.display()
    ));
    let srv = Server::start_raw(&s, &["serve"]);
    assert!(matches!(&srv.target, Target::Unix(p) if p == &sock));
    let r = srv.auth(&key, "GET", "/v1/invoices");
    assert_eq!(r.status, 200);
    let lines = srv.wait_for_lines(1);
    assert!(lines[0].starts_with('{'), "json from the config: {lines:?}");
    drop(srv);
    assert!(!Path::new(&sock).exists(), "the socket is removed at exit");
    assert_eq!(recorded(&s, "billing"), 0, "no_record from the config");

    s.config("[serve]\nlisten = [\"nowhere\"]\n");
    let run = s.run(&["serve"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("serve.listen"), "{}", run.stderr);
    let run = s.run(&["serve", "--listen", "localhost"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    s.config("[serve]\nport = 1\n");
    assert_eq!(s.run(&["serve"]).code, 1);
}

#[test]
fn a_missing_store_or_a_missing_role_refuses_to_start() {
    let s = Sandbox::new();
    if !on_postgres() {
        let run = s.run(&["serve", "--listen", "127.0.0.1:0"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("keyctl.db"),
            "names the path: {}",
            run.stderr
        );
        assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
        assert!(!s.db().exists(), "nothing was created");
    }
    s.create("billing", &[]);
    s.config("[roles]\nbob = \"owner\"\n");
    let run = s.run(&["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
}

#[test]
fn a_store_that_cannot_answer_gets_503() {
    if sqlite_only("holds and breaks the SQLite file under the server") {
        return;
    }
    let s = Sandbox::new();
    let (id, key) = s.create("billing", &[]);
    let recording = Server::start(&s, &[]);
    // Another process holds the write lock: the answer is 503 after the
    // server's deadline, not after the store's long lock wait, and the
    // request it refused is never recorded later.
    let lock = rusqlite::Connection::open(s.db()).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let r = recording.auth(&key, "GET", "/v1/invoices");
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(!r.body.contains(&key));
    lock.execute_batch("ROLLBACK").unwrap();
    assert_eq!(recording.auth(&key, "GET", "/v1/invoices").status, 200);
    assert_eq!(recorded(&s, &id), 1, "only the answered request");
    let m = recording.get("/metrics", &[]).body;
    assert!(m.contains("keyctl_store_unavailable_total 1\n"), "{m}");
    assert_eq!(
        recording.get("/healthz", &[]).status,
        200,
        "the process still serves"
    );

    // The file stops being a database under a server that reads.
    drop(recording);
    drop(lock);
    s.checkpoint();
    let reading = Server::start(&s, &["--no-record"]);
    let mut garbage = vec![0x5a_u8; 64 * 1024];
    garbage[..16].copy_from_slice(b"not a database!!");
    std::fs::write(s.db(), &garbage).unwrap();
    let r = reading.auth(&key, "GET", "/v1/invoices");
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(reading.get("/readyz", &[]).status, 503);
    assert_eq!(reading.get("/healthz", &[]).status, 200);
}
