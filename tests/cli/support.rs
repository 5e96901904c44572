//! Test support: run the real `keyctl` binary in a sandbox and snapshot what
//! it prints.
//!
//! Every run gets a temporary HOME (so the default database and config paths
//! point inside it), a cleared environment, a fixed `KEYCTL_NOW`, a fixed
//! actor and no standard input. Secrets, key ids, displayed prefixes and the
//! temporary path are redacted through the one filter list in [`Redactor`],
//! numbered in order of first appearance within a test so that snapshots stay
//! readable and stable while the real values are random.
//!
//! With `KEYCTL_TEST_BACKEND=postgres` every sandbox gets a fresh database of
//! the test cluster (see [`crate::cluster`]) as `KEYCTL_DB`, and the
//! redactor shows its URL as `[DB]`, so the same snapshots hold on both
//! backends. There the operator is the database user, so the sandbox
//! connects as its actor: setting `KEYCTL_ACTOR` switches the URL's user to
//! a real database user of that name. Tests that look inside the SQLite file itself say so with
//! [`sqlite_only`] and pass without checking anything on PostgreSQL.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use regex::Regex;

/// The fixed clock of every test unless it says otherwise.
pub const NOW: &str = "2026-11-23T12:00:00Z";

/// A sandbox: a temporary HOME and the environment keyctl runs with.
pub struct Sandbox {
    dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
    redactor: Redactor,
    /// The PostgreSQL URL of this sandbox's database, on that backend.
    url: Option<String>,
}

/// Whether the tests run against PostgreSQL (`KEYCTL_TEST_BACKEND=postgres`).
pub fn on_postgres() -> bool {
    crate::cluster::enabled()
}

/// For a test that inspects the SQLite file itself: true (so the test
/// returns early) when the suite runs against PostgreSQL.
pub fn sqlite_only(why: &str) -> bool {
    if on_postgres() {
        eprintln!("SQLite only ({why}): not checked on PostgreSQL");
        return true;
    }
    false
}

/// What one run printed.
#[derive(Debug, Clone)]
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().to_string_lossy().into_owned();
        // On PostgreSQL the operator is the database user: the sandbox's
        // actor is the user its URL connects as.
        let url = on_postgres().then(|| {
            crate::cluster::ensure_user("alice");
            crate::cluster::url_as(&crate::cluster::fresh_database(), "alice")
        });
        let mut redactor = Redactor::new(&home);
        let mut vars: Vec<(String, String)> = vec![
            ("HOME".into(), home),
            ("KEYCTL_NOW".into(), NOW.into()),
            ("KEYCTL_ACTOR".into(), "alice".into()),
            ("COLUMNS".into(), "100".into()),
            ("LANG".into(), "C.UTF-8".into()),
        ];
        if let Some(url) = &url {
            redactor.database = Some(url.clone());
            vars.push(("KEYCTL_DB".into(), url.clone()));
        }
        Sandbox {
            dir,
            vars,
            redactor,
            url,
        }
    }

    /// Where this sandbox's keys live: the PostgreSQL URL, or the default
    /// database file.
    pub fn location(&self) -> String {
        match &self.url {
            Some(url) => url.clone(),
            None => self.db().to_string_lossy().into_owned(),
        }
    }

    /// Every stored row of every table, as text: what a look at the
    /// database itself would see, on either backend.
    pub fn dump(&self) -> String {
        const TABLES: [&str; 8] = [
            "keys",
            "requests",
            "usage_daily",
            "usage_endpoints",
            "limit_counters",
            "audit_events",
            "events",
            "deliveries",
        ];
        let mut out = String::new();
        if let Some(url) = &self.url {
            let mut client = crate::cluster::cluster().client(&crate::cluster::database_of(url));
            for t in TABLES {
                let sql = format!("SELECT t::text FROM keyctl.{t} t ORDER BY 1");
                for row in client.query(&sql, &[]).unwrap_or_default() {
                    out.push_str(row.get::<_, &str>(0));
                    out.push('\n');
                }
            }
            return out;
        }
        if !self.db().exists() {
            return out;
        }
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        for t in TABLES {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM {t} ORDER BY 1"))
                .unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap();
            for row in rows {
                out.push_str(&row.unwrap());
                out.push('\n');
            }
        }
        out
    }

    /// Runs SQL on this sandbox's database behind keyctl's back (tables by
    /// their plain names on both backends).
    pub fn sql(&self, sql: &str) {
        match &self.url {
            Some(url) => crate::cluster::cluster()
                .client(&crate::cluster::database_of(url))
                .batch_execute(&format!("SET search_path = keyctl; {sql}"))
                .unwrap(),
            None => rusqlite::Connection::open(self.db())
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
        }
    }

    /// Opens this sandbox's store through the library.
    pub fn store(&self, access: keyctl::store::Access) -> keyctl::Store {
        keyctl::Store::open(self.location(), access).expect("open the store")
    }

    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    /// The default database path inside the sandbox.
    pub fn db(&self) -> PathBuf {
        self.home().join(".local/share/keyctl/keyctl.db")
    }

    /// Moves everything in the `-wal` into the database file and removes the
    /// `-wal`, as a plain SQLite connection does: keyctl leaves the `-wal`
    /// in place when it exits, so a copy of the file alone may be stale.
    pub fn checkpoint(&self) {
        rusqlite::Connection::open(self.db())
            .unwrap()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        assert!(!PathBuf::from(format!("{}-wal", self.db().display())).exists());
    }

    /// Sets (or replaces) an environment variable for later runs. On
    /// PostgreSQL, `KEYCTL_ACTOR` also makes later runs connect as that
    /// database user (made if missing), since that user is the operator.
    pub fn set(&mut self, key: &str, value: &str) -> &mut Self {
        if key == "KEYCTL_ACTOR" {
            self.connect_as(value);
        }
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.to_owned(), value.to_owned()));
        self
    }

    /// On PostgreSQL, makes later runs connect as the database user `user`
    /// (made if missing); nothing on SQLite.
    pub fn connect_as(&mut self, user: &str) -> &mut Self {
        let Some(url) = &self.url else {
            return self;
        };
        crate::cluster::ensure_user(user);
        let url = crate::cluster::url_as(url, user);
        self.redactor.database = Some(url.clone());
        self.vars.retain(|(k, _)| k != "KEYCTL_DB");
        self.vars.push(("KEYCTL_DB".into(), url.clone()));
        self.url = Some(url);
        self
    }

    pub fn unset(&mut self, key: &str) -> &mut Self {
        self.vars.retain(|(k, _)| k != key);
        self
    }

    /// Writes the default config file.
    pub fn config(&self, toml: &str) -> PathBuf {
        let path = self.home().join(".config/keyctl/config.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, toml).unwrap();
        path
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyctl"));
        cmd.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        cmd.args(args).current_dir(self.home());
        cmd
    }

    /// Runs keyctl with no standard input.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    /// Runs keyctl with `input` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: Option<&str>) -> Run {
        let mut cmd = self.command(args);
        cmd.stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn keyctl");
        if let Some(text) = input {
            let mut stdin = child.stdin.take().unwrap();
            // keyctl may exit before reading (a usage error): a closed pipe is fine.
            let _ = stdin.write_all(text.as_bytes());
        }
        let out = child.wait_with_output().expect("wait for keyctl");
        Run {
            args: args.iter().map(|s| (*s).to_owned()).collect(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "keyctl {args:?} failed: {}", run.stderr);
        run.stdout
    }

    /// Creates a key and returns (id, secret).
    pub fn create(&self, name: &str, extra: &[&str]) -> (String, String) {
        let mut args = vec!["create", "--name", name, "--format", "json"];
        if !extra
            .iter()
            .any(|a| *a == "--scope" || *a == "--full-access")
        {
            args.extend(["--scope", "invoices:read"]);
        }
        args.extend(extra);
        let out = self.ok(&args);
        let v: serde_json::Value = serde_json::from_str(&out).expect("create json");
        (
            v["id"].as_str().unwrap().to_owned(),
            v["secret"].as_str().unwrap().to_owned(),
        )
    }

    /// The run, redacted, in the snapshot layout.
    pub fn render(&mut self, run: &Run) -> String {
        let header = format!("$ keyctl {}\n", shell_words(&run.args));
        let mut s = self.redactor.redact(&header);
        s.push_str(&format!("exit: {}\n", run.code));
        if !run.stdout.is_empty() {
            s.push_str("--- stdout\n");
            s.push_str(&self.redactor.redact(&run.stdout));
        }
        if !run.stderr.is_empty() {
            s.push_str("--- stderr\n");
            s.push_str(&self.redactor.redact(&run.stderr));
        }
        s
    }

    /// Runs several commands and renders them one after another.
    pub fn transcript(&mut self, commands: &[&[&str]]) -> String {
        let mut out = String::new();
        for args in commands {
            let run = self.run(args);
            out.push_str(&self.render(&run));
            out.push('\n');
        }
        out
    }

    /// Renders one run (for snapshots of a single command).
    pub fn snap(&mut self, args: &[&str]) -> String {
        let run = self.run(args);
        self.render(&run)
    }
}

fn shell_words(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let a = &keyctl::text::escape(a).into_owned();
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "\"'$*|&;<>".contains(c)) {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The central filter list: secrets, key ids, displayed prefixes, event ids
/// and audit hashes. Each random value becomes a stable placeholder
/// of the same length, so tables keep their alignment.
pub struct Redactor {
    home: String,
    /// The sandbox's database URL, shown as `[DB]`.
    database: Option<String>,
    secret: Regex,
    id: Regex,
    prefix: Regex,
    hash: Regex,
    event: Regex,
    seen: HashMap<String, String>,
    counts: HashMap<&'static str, usize>,
}

impl Redactor {
    fn new(home: &str) -> Redactor {
        Redactor {
            home: home.to_owned(),
            database: None,
            secret: Regex::new(r"\b([a-z][a-z0-9]{1,9}_(?:live|test)_)[0-9A-Za-z]{38}\b").unwrap(),
            id: Regex::new(r"\bkey_[0-9a-z]{10}\b").unwrap(),
            prefix: Regex::new(r"\b([a-z][a-z0-9]{1,9}_(?:live|test)_)[0-9A-Za-z]{8}\b").unwrap(),
            hash: Regex::new(r"\b[0-9a-f]{64}\b").unwrap(),
            event: Regex::new(r"\bevt_[0-9a-z]{24}\b").unwrap(),
            seen: HashMap::new(),
            counts: HashMap::new(),
        }
    }

    fn placeholder(
        &mut self,
        kind: &'static str,
        real: &str,
        make: impl Fn(usize) -> String,
    ) -> String {
        if let Some(p) = self.seen.get(real) {
            return p.clone();
        }
        let n = self.counts.entry(kind).or_insert(0);
        *n += 1;
        let p = make(*n);
        self.seen.insert(real.to_owned(), p.clone());
        p
    }

    pub fn redact(&mut self, text: &str) -> String {
        let mut text = text.replace(&self.home, "[HOME]");
        if let Some(url) = &self.database {
            text = text.replace(url, "[DB]");
        }
        let secret = self.secret.clone();
        let text = secret
            .replace_all(&text, |c: &regex::Captures<'_>| {
                let head = c[1].to_owned();
                self.placeholder("secret", &c[0], |n| format!("{head}SECRET{n:0>32}"))
            })
            .into_owned();
        let id = self.id.clone();
        let text = id
            .replace_all(&text, |c: &regex::Captures<'_>| {
                self.placeholder("id", &c[0], |n| format!("key_ID{n:0>8}"))
            })
            .into_owned();
        let prefix = self.prefix.clone();
        let text = prefix
            .replace_all(&text, |c: &regex::Captures<'_>| {
                let head = c[1].to_owned();
                self.placeholder("prefix", &c[0], |n| format!("{head}PFX{n:0>5}"))
            })
            .into_owned();
        let event = self.event.clone();
        let text = event
            .replace_all(&text, |c: &regex::Captures<'_>| {
                self.placeholder("event", &c[0], |n| format!("evt_ID{n:0>22}"))
            })
            .into_owned();
        // Audit hashes cover ids and prefixes, so they vary from run to run.
        let hash = self.hash.clone();
        hash.replace_all(&text, |c: &regex::Captures<'_>| {
            if c[0].bytes().all(|b| b == b'0') {
                return c[0].to_owned();
            }
            self.placeholder("hash", &c[0], |n| format!("HASH{n:0>60}"))
        })
        .into_owned()
    }
}

/// Whether the long runs of `tests/reliability/run.sh` are wanted. The
/// default `cargo test` runs every reliability property at a smaller size
/// that can still fail; the script sets `KEYCTL_RELIABILITY_FULL=1` for the
/// sizes the closing figures quote.
pub fn full_scale() -> bool {
    std::env::var_os("KEYCTL_RELIABILITY_FULL").is_some_and(|v| v == "1")
}

/// `default` in the normal run, `full` in the long one.
pub fn scaled(default: usize, full: usize) -> usize {
    if full_scale() { full } else { default }
}

/// Spawns `keyctl ARGS` with `input` written to its standard input (or
/// none), stdout and stderr captured. Returns at once.
pub fn spawn(s: &Sandbox, args: &[&str], input: Option<&str>) -> std::process::Child {
    let mut cmd = s.command(args);
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn keyctl");
    if let Some(text) = input {
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(text.as_bytes());
    }
    child
}

/// Waits for a spawned keyctl and returns what it did.
pub fn finish(child: std::process::Child) -> Run {
    let out = child.wait_with_output().expect("wait for keyctl");
    Run {
        args: Vec::new(),
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A small deterministic generator for test choices (not for secrets),
/// seeded from the clock and printed so a failure can be replayed with
/// `KEYCTL_TEST_SEED`.
pub struct Dice(u64);

impl Dice {
    pub fn new(what: &str) -> Dice {
        let seed = std::env::var("KEYCTL_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        eprintln!("{what}: KEYCTL_TEST_SEED={seed}");
        Dice(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Every well-formed secret in some text.
pub fn secrets_in(text: &str) -> Vec<String> {
    let re = Regex::new(r"[a-z][a-z0-9]{1,9}_(?:live|test)_[0-9A-Za-z]{38}").unwrap();
    re.find_iter(text)
        .map(|m| m.as_str().to_owned())
        .filter(|s| keyctl::Secret::parse(s).is_ok())
        .collect()
}

/// A read-only look at the database the sandbox uses.
pub fn open_db(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("open the database")
}
