//! A throwaway PostgreSQL cluster for the tests, started once per test
//! process when `KEYCTL_TEST_BACKEND=postgres`.
//!
//! `initdb` and `pg_ctl` come from `PATH`, else from the newest
//! `/usr/lib/postgresql/<version>/bin` (where Debian's packages put them).
//! The cluster lives in a temporary folder, listens on a unix socket in that
//! folder and on a free 127.0.0.1 port, trusts unix-socket connections,
//! asks TCP connections for a password ([`PASSWORD`], SCRAM), serves TLS on
//! TCP when `openssl` can make it a certificate (for 127.0.0.1), and skips
//! fsync (a test cluster need not survive a power failure). PostgreSQL
//! refuses to run as root, so as root the server runs as the `postgres`
//! user (made with `useradd` if missing) through `runuser`. The cluster is
//! stopped when the test process exits. Each sandbox gets a database of
//! its own.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Whether this test run is against PostgreSQL.
pub fn enabled() -> bool {
    std::env::var("KEYCTL_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

pub struct Cluster {
    dir: PathBuf,
    data: PathBuf,
    bin: PathBuf,
    /// Whether commands run as the `postgres` user.
    as_user: Option<String>,
    pub port: u16,
    /// The certificate authority (PEM) of the server's certificate, when TLS
    /// is on.
    pub certificate: Option<PathBuf>,
}

pub const SUPERUSER: &str = "keyctl";
/// The superuser's password, which TCP connections must give.
pub const PASSWORD: &str = "test-password";

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

/// The cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(Cluster::start)
}

/// A fresh, empty database; returns its URL over the unix socket.
pub fn fresh_database() -> String {
    let c = cluster();
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = c.client("postgres");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    c.url(&name)
}

/// Makes `name` a database user of the cluster if it is not one yet: a
/// real login (unix-socket connections are trusted, so no password), and a
/// superuser, so that every test user may use every test database. The
/// operator of a command on PostgreSQL is the user it connects as.
pub fn ensure_user(name: &str) {
    static MADE: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut made = MADE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if made.iter().any(|m| m == name) {
        return;
    }
    let quoted = format!("\"{}\"", name.replace('"', "\"\""));
    let result = cluster()
        .client("postgres")
        .batch_execute(&format!("CREATE ROLE {quoted} LOGIN SUPERUSER"));
    if let Err(e) = result {
        // Another test binary's process made it first (duplicate_object).
        let duplicate = e.code().is_some_and(|c| c.code() == "42710");
        assert!(duplicate, "create the database user {name}: {e}");
    }
    made.push(name.to_owned());
}

/// `url` (of this cluster) connecting as `user` instead.
pub fn url_as(url: &str, user: &str) -> String {
    let rest = url.split_once('@').map_or(url, |(_, rest)| rest);
    format!("postgres://{}@{rest}", percent_encode(user))
}

fn bin_dir() -> PathBuf {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("pg_ctl").is_file() && dir.join("initdb").is_file() {
                // pg_ctl finds `postgres` beside its real location.
                let real = std::fs::canonicalize(dir.join("pg_ctl")).unwrap_or(dir.join("pg_ctl"));
                return real.parent().map_or(dir, Path::to_path_buf);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("pg_ctl").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).expect(
        "KEYCTL_TEST_BACKEND=postgres needs initdb and pg_ctl (PATH or /usr/lib/postgresql/*/bin); \
         on Debian: apt-get install postgresql",
    )
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

extern "C" fn stop_at_exit() {
    if let Some(c) = CLUSTER.get() {
        let _ = c
            .command("pg_ctl")
            .args(["stop", "-m", "immediate", "-D"])
            .arg(&c.data)
            .output();
        let _ = std::fs::remove_dir_all(&c.dir);
    }
}

impl Cluster {
    fn start() -> Cluster {
        let bin = bin_dir();
        let as_user = is_root().then(|| {
            let exists = Command::new("id")
                .args(["-u", "postgres"])
                .output()
                .is_ok_and(|o| o.status.success());
            if !exists {
                run(
                    Command::new("useradd").args([
                        "--system",
                        "--no-create-home",
                        "--shell",
                        "/usr/sbin/nologin",
                        "postgres",
                    ]),
                    "useradd postgres",
                );
            }
            "postgres".to_owned()
        });
        let dir = tempfile::Builder::new()
            .prefix("keyctl-pg-")
            .tempdir()
            .expect("temp dir")
            .keep();
        if let Some(user) = &as_user {
            run(
                Command::new("chown").arg(user).arg(&dir),
                "chown the cluster folder",
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let mut c = Cluster {
            data: dir.join("data"),
            dir,
            bin,
            as_user,
            port,
            certificate: None,
        };
        let pwfile = c.dir.join("pwfile");
        std::fs::write(&pwfile, PASSWORD).expect("password file");
        c.own(&pwfile);
        run(
            c.command("initdb")
                .args(["-D"])
                .arg(&c.data)
                .args([
                    "-U",
                    SUPERUSER,
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                ])
                .arg(format!("--pwfile={}", pwfile.display()))
                .args(["-E", "UTF8", "--locale=C", "-N"]),
            "initdb",
        );
        let mut options = format!(
            "-k {} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            c.dir.display()
        );
        if let Some((cert, key)) = c.make_certificate() {
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                cert.display(),
                key.display()
            ));
            c.certificate = Some(c.dir.join("ca.crt"));
            let _ = cert;
        }
        run(
            c.command("pg_ctl")
                .args(["start", "-w", "-t", "60", "-D"])
                .arg(&c.data)
                .arg("-l")
                .arg(c.dir.join("log"))
                .args(["-o", &options]),
            "pg_ctl start",
        );
        // SAFETY: registering a plain extern "C" function.
        unsafe { libc::atexit(stop_at_exit) };
        c.port = port;
        c
    }

    /// Gives a file to the server's user.
    fn own(&self, path: &Path) {
        if let Some(user) = &self.as_user {
            run(Command::new("chown").arg(user).arg(path), "chown");
        }
    }

    /// A certificate authority and a server certificate for 127.0.0.1
    /// signed by it, if openssl is there; returns (server certificate, its
    /// key) and sets nothing else: the authority is at `ca.crt`.
    fn make_certificate(&self) -> Option<(PathBuf, PathBuf)> {
        let d = &self.dir;
        let openssl = |args: &[&str]| {
            Command::new("openssl")
                .args(args)
                .current_dir(d)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        std::fs::write(d.join("server.ext"), "subjectAltName=IP:127.0.0.1\n").ok()?;
        let made = openssl(
            &[
                &["req", "-x509"][..],
                &ec,
                &["-days", "2", "-subj", "/CN=keyctl test CA"],
            ]
            .concat()
            .iter()
            .copied()
            .chain(["-keyout", "ca.key", "-out", "ca.crt"])
            .collect::<Vec<_>>(),
        ) && openssl(
            &[&["req"][..], &ec, &["-subj", "/CN=127.0.0.1"]]
                .concat()
                .iter()
                .copied()
                .chain(["-keyout", "server.key", "-out", "server.csr"])
                .collect::<Vec<_>>(),
        ) && openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.crt",
        ]);
        if !made {
            eprintln!("openssl could not make certificates: the test cluster has no TLS");
            return None;
        }
        let (cert, key) = (d.join("server.crt"), d.join("server.key"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600));
        }
        self.own(&cert);
        self.own(&key);
        Some((cert, key))
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match &self.as_user {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", user, "--"]).arg(path);
                cmd
            }
            None => Command::new(path),
        }
    }

    /// The URL of a database over the unix socket.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@{}:{}/{db}",
            percent_encode(&self.dir.display().to_string()),
            self.port
        )
    }

    /// The URL of a database over TCP.
    pub fn tcp_url(&self, db: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{db}", self.port)
    }

    pub fn client(&self, db: &str) -> postgres::Client {
        postgres::Client::connect(
            &format!(
                "host={} port={} user={SUPERUSER} dbname={db}",
                self.dir.display(),
                self.port
            ),
            postgres::NoTls,
        )
        .expect("connect to the test cluster")
    }

    /// The socket folder, which appears in URLs.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The database a URL names (its last path segment).
pub fn database_of(url: &str) -> String {
    url.rsplit('/').next().unwrap_or_default().to_owned()
}
