//! Connecting: a `postgres://` URL read as libpq would read it.
//!
//! The password is the URL's, else `PGPASSWORD`, else the matching line of
//! `~/.pgpass` (or `PGPASSFILE`); the user, host, port and database fall
//! back to the `PG*` variables likewise. `sslmode` is `disable`, `prefer`
//! (the default), `require` (encrypted, certificate not checked, as libpq),
//! `verify-ca` (the chain is checked) or `verify-full` (chain and host name),
//! through rustls; `sslrootcert` names the trusted roots (PEM), else
//! `~/.postgresql/root.crt` if it exists, else the Mozilla roots. A password
//! never reaches a message: messages show a URL as [`super::redact_url`] gives it.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

use super::{describe, tls};
use crate::error::{Error, Result};

/// How long to wait for the server to accept a connection, unless the URL
/// says (`connect_timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verify {
    /// No TLS at all.
    Off,
    /// Encrypted; the certificate is not checked (`prefer`, `require`).
    Encrypt,
    /// The certificate chains to a trusted root (`verify-ca`).
    Chain,
    /// The chain and the host name (`verify-full`).
    Full,
}

/// A parsed URL with the settings keyctl handles itself taken out.
struct Settings {
    config: Config,
    verify: Verify,
    root_cert: Option<PathBuf>,
}

fn invalid_url(message: impl std::fmt::Display) -> Error {
    Error::invalid_with_hint(
        format!("the PostgreSQL URL is not valid: {message}"),
        "use postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]",
    )
}

/// Reads a URL, taking out `sslmode` and `sslrootcert` (which the client
/// crate does not know in full), and fills in what libpq would: the user, the
/// host, the port and the password from the environment or `~/.pgpass`.
fn settings(url: &str) -> Result<Settings> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut kept = Vec::new();
    let mut sslmode: Option<String> = None;
    let mut root_cert = None;
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        match pair.split_once('=') {
            Some(("sslmode", v)) => sslmode = Some(percent_decode(v)),
            Some(("sslrootcert", v)) => root_cert = Some(PathBuf::from(percent_decode(v))),
            _ if pair.is_empty() => {}
            _ => kept.push(pair),
        }
    }
    let rebuilt = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    // The client crate's message never repeats the URL (which may hold a
    // password).
    let mut config = Config::from_str(&rebuilt).map_err(invalid_url)?;
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .or_else(|| env("LOGNAME"))
            .ok_or_else(|| invalid_url("it names no user, and PGUSER and USER are unset"))?;
        config.user(&user);
    }
    if config.get_hosts().is_empty() {
        match env("PGHOST") {
            Some(h) => {
                config.host(&h);
            }
            None if Path::new("/var/run/postgresql").is_dir() => {
                config.host("/var/run/postgresql");
            }
            None => {
                config.host("localhost");
            }
        }
    }
    if config.get_ports().is_empty()
        && let Some(port) = env("PGPORT").and_then(|p| p.parse::<u16>().ok())
    {
        config.port(port);
    }
    if config.get_dbname().is_none()
        && let Some(db) = env("PGDATABASE")
    {
        config.dbname(&db);
    }
    if config.get_password().is_none() {
        if let Some(p) = env("PGPASSWORD") {
            config.password(p);
        } else if let Some(p) = pgpass_password(&config) {
            config.password(p);
        }
    }
    if config.get_application_name().is_none() {
        config.application_name("keyctl");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    let all_unix = config
        .get_hosts()
        .iter()
        .all(|h| !matches!(h, Host::Tcp(_)));
    // As libpq: sslmode is checked, but a unix socket never uses TLS.
    let verify = match sslmode.as_deref() {
        None | Some("disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full")
            if all_unix =>
        {
            Verify::Off
        }
        None | Some("prefer" | "allow" | "require") => Verify::Encrypt,
        Some("disable") => Verify::Off,
        Some("verify-ca") => Verify::Chain,
        Some("verify-full") => Verify::Full,
        Some(other) => {
            return Err(invalid_url(format!(
                "sslmode '{}' is not one of disable, prefer, require, verify-ca, verify-full",
                crate::text::escape(other)
            )));
        }
    };
    config.ssl_mode(match (verify, sslmode.as_deref()) {
        (Verify::Off, _) => SslMode::Disable,
        (_, None | Some("prefer" | "allow")) => SslMode::Prefer,
        _ => SslMode::Require,
    });
    Ok(Settings {
        config,
        verify,
        root_cert,
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The password of the first `~/.pgpass` line that matches, as libpq reads
/// it: `host:port:database:user:password`, `*` matching anything, `\`
/// escaping `:` and `\`. A file that others may read is ignored, as libpq
/// does.
fn pgpass_password(config: &Config) -> Option<String> {
    let path = match std::env::var_os("PGPASSFILE") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".pgpass"),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return None;
        }
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let user = config.get_user().unwrap_or("");
    let db = config.get_dbname().unwrap_or(user);
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let is_unix = config
        .get_hosts()
        .first()
        .is_some_and(|h| !matches!(h, Host::Tcp(_)));
    pgpass_lookup(&text, &hosts, is_unix, &port, db, user)
}

fn pgpass_lookup(
    text: &str,
    hosts: &[String],
    is_unix: bool,
    port: &str,
    db: &str,
    user: &str,
) -> Option<String> {
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = pgpass_fields(line);
        let [h, p, d, u, password] = fields.as_slice() else {
            continue;
        };
        let host_ok = h == "*" || hosts.iter().any(|x| x == h) || (is_unix && h == "localhost");
        let matches = |field: &str, value: &str| field == "*" || field == value;
        if host_ok && matches(p, port) && matches(d, db) && matches(u, user) {
            return Some(password.clone());
        }
    }
    None
}

fn pgpass_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && let Some(last) = fields.last_mut()
                {
                    last.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(last) = fields.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    fields
}

pub(super) fn connect(url: &str, location: &str) -> Result<Client> {
    let settings = settings(url)?;
    let failed = |e: postgres::Error| Error::Database {
        path: PathBuf::from(location),
        message: format!("cannot connect: {}", describe(&e)),
    };
    if settings.verify == Verify::Off {
        return settings.config.connect(NoTls).map_err(failed);
    }
    let tls = tls::config(settings.verify, settings.root_cert.as_deref()).map_err(|message| {
        Error::Database {
            path: PathBuf::from(location),
            message,
        }
    })?;
    settings
        .config
        .connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        .map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_the_settings_libpq_would() {
        let s =
            settings("postgres://alice:pw@db.example.com:6543/keys?sslmode=verify-full").unwrap();
        assert_eq!(s.verify, Verify::Full);
        assert_eq!(s.config.get_user(), Some("alice"));
        assert_eq!(s.config.get_dbname(), Some("keys"));
        assert_eq!(s.config.get_ports(), [6543]);
        assert_eq!(s.config.get_password(), Some(&b"pw"[..]));
        assert_eq!(s.config.get_ssl_mode(), SslMode::Require);
        let s = settings("postgresql://alice@%2Ftmp%2Fpg/keys").unwrap();
        assert_eq!(s.verify, Verify::Off, "no TLS over a unix socket");
        let s = settings("postgresql://alice@%2Ftmp%2Fpg/keys?sslmode=verify-full").unwrap();
        assert_eq!(s.verify, Verify::Off, "as libpq, whatever sslmode says");
        let s = settings("postgres://alice@db/keys?sslmode=require&sslrootcert=%2Fca.pem").unwrap();
        assert_eq!(s.verify, Verify::Encrypt);
        assert_eq!(s.config.get_ssl_mode(), SslMode::Require);
        assert_eq!(s.root_cert, Some(PathBuf::from("/ca.pem")));
        let s = settings("postgres://alice@db/keys").unwrap();
        assert_eq!(s.verify, Verify::Encrypt);
        assert_eq!(s.config.get_ssl_mode(), SslMode::Prefer);
        for bad in [
            "postgres://alice@db/keys?sslmode=sometimes",
            "postgres://alice@db/keys?frobnicate=1",
            "postgres://alice@db:notaport/keys",
        ] {
            let err = settings(bad).err().expect("refused");
            assert!(err.to_string().contains("not valid"), "{err}");
        }
    }

    #[test]
    fn pgpass_lines_match_as_libpq_reads_them() {
        let text = "# comment\n\
                    other:5432:*:alice:wrong\n\
                    db.example.com:5432:keys:alice:pa\\:ss\n\
                    *:*:*:bob:bobs\n\
                    localhost:5432:*:carol:carols\n";
        let hosts = vec!["db.example.com".to_owned()];
        assert_eq!(
            pgpass_lookup(text, &hosts, false, "5432", "keys", "alice").as_deref(),
            Some("pa:ss")
        );
        assert_eq!(
            pgpass_lookup(text, &hosts, false, "5433", "keys", "alice"),
            None
        );
        assert_eq!(
            pgpass_lookup(text, &hosts, false, "1", "x", "bob").as_deref(),
            Some("bobs")
        );
        let socket = vec!["/var/run/postgresql".to_owned()];
        assert_eq!(
            pgpass_lookup(text, &socket, true, "5432", "x", "carol").as_deref(),
            Some("carols")
        );
    }
}
