//! The PostgreSQL backend: one key store for API servers on many machines.
//!
//! keyctl's tables live in the schema `keyctl` of the database the URL
//! names, so the database may hold other applications' tables too. The
//! schema is versioned by the table `keyctl.schema_migrations` (one row per
//! applied migration); migrations are an ordered, append-only list applied in
//! one transaction under a transaction-level advisory lock, so many processes
//! starting at once migrate exactly once. A schema from a newer keyctl, or a
//! `keyctl` schema that keyctl did not make, is refused untouched.
//!
//! Isolation: every write transaction takes one transaction-level advisory
//! lock ([`WRITE_LOCK`]) before its first statement, then runs at READ
//! COMMITTED, so every statement after the lock sees everything committed by
//! the writers before it. This is the exact counterpart of SQLite's
//! `BEGIN IMMEDIATE`: one writer at a time per database, whatever machine it
//! runs on, so a check and the write that depends on it (plan key counts,
//! rate-limit and quota counters, the audit chain's tail) never interleave
//! with another writer's. The cost is the same as SQLite's: writes to one
//! database are serial, each holding the lock for its round trips to the
//! server. Reads take no lock: a read is one REPEATABLE READ snapshot, and a
//! peek one autocommit statement, which sees every committed revocation.
//!
//! Durability: [`Durability::Full`] commits as the server is configured
//! (`synchronous_commit = on` by default); [`Durability::Normal`] sets
//! `synchronous_commit = off` for that transaction, like SQLite's
//! `synchronous=NORMAL`: a crash of the database server may lose the last
//! fraction of a second of such commits, never corrupt anything.
//!
//! Connections: the URL's password, else `PGPASSWORD`, else the matching
//! line of `~/.pgpass` (or `PGPASSFILE`). `sslmode` is `disable`, `prefer`
//! (the default), `require` (encrypted, certificate not checked, as libpq),
//! `verify-ca` (the chain is checked) or `verify-full` (chain and host name),
//! through rustls; `sslrootcert` names the trusted roots (PEM), else
//! `~/.postgresql/root.crt` if it exists, else the Mozilla roots.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Row, Statement};

use super::{
    Access, AuditQueries, AuditQuery, AuditRow, Backend, CopyQueries, CopyRecord, CopyTable,
    Counter, DeliveryRow, DeliveryState, Durability, EventQuery, EventRow, EventState, KeyFilter,
    KeyQueries, KeyTotals, OutboxQueries, RequestRecord, RequestTotals, Source, StatusFilter,
    Transaction, TxKind, UsageQueries,
};
use crate::error::{Error, Result};
use crate::key::Key;
use crate::limits::{Period, Quota, RateLimit};
use crate::scope::ScopeSet;
use crate::secret::{Environment, SecretHash};
use crate::time::{Timestamp, from_unix};

/// The migrations, in order; entry `i` brings the schema to version `i + 1`.
/// Append only: a released migration is never edited.
pub const MIGRATIONS: &[&str] = &[include_str!("pg/0001_init.sql")];

/// The schema version this build writes.
#[must_use]
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The advisory lock that serialises migrations ("kctl" and 0).
pub const MIGRATION_LOCK: i64 = 0x6b63_746c_0000_0000;
/// The advisory lock every write transaction holds ("kctl" and 1).
pub const WRITE_LOCK: i64 = 0x6b63_746c_0000_0001;

const BEGIN_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
// One round trip each: the simple-query protocol runs the three statements
// of a batch in order, and the transaction stays open after it.
const BEGIN_WRITE_FULL: &str =
    "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(7738144525218463745)";
const BEGIN_WRITE_NORMAL: &str = "BEGIN ISOLATION LEVEL READ COMMITTED; \
     SET LOCAL synchronous_commit = off; SELECT pg_advisory_xact_lock(7738144525218463745)";

/// How long to wait for the server to accept a connection, unless the URL
/// says (`connect_timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A PostgreSQL database.
pub struct PostgresStore {
    client: Client,
    /// The URL without its password, for messages.
    location: String,
    /// Prepared statements by SQL text: a statement is parsed once per
    /// connection, and each later use is one round trip.
    statements: HashMap<String, Statement>,
}

impl PostgresStore {
    /// Opens the database `url` names and brings its schema up to date.
    ///
    /// With [`Access::Read`] or [`Access::Modify`], a database that keyctl
    /// has never written to reads as an empty store and nothing is created in
    /// it (the same rule as a SQLite file that does not exist yet).
    pub fn open(url: &str, access: Access) -> Result<Box<dyn Backend>> {
        let location = redact_url(url);
        let client = connect(url, &location)?;
        let mut store = PostgresStore {
            client,
            location,
            statements: HashMap::new(),
        };
        match store.identify()? {
            Identity::Current => {}
            Identity::Fresh if access != Access::Write => {
                return Ok(Box::new(super::sqlite::SqliteStore::empty_for(Path::new(
                    &store.location,
                ))?));
            }
            Identity::Fresh | Identity::Unsure | Identity::Older(_) => store.migrate()?,
        }
        Ok(Box::new(store))
    }

    fn refused(&self, message: impl Into<String>) -> Error {
        Error::Database {
            path: PathBuf::from(&self.location),
            message: message.into(),
        }
    }

    fn failed(&self, e: &postgres::Error) -> Error {
        Error::Database {
            path: PathBuf::from(&self.location),
            message: describe(e),
        }
    }

    /// What the database is, read in one statement on the common path
    /// (the schema is current) and without writing anything.
    fn identify(&mut self) -> Result<Identity> {
        // The simple-query protocol: one round trip, no statement to prepare.
        match self
            .client
            .simple_query("SELECT max(version) FROM keyctl.schema_migrations")
        {
            Ok(messages) => {
                let version = messages
                    .iter()
                    .find_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(row) => Some(row.get(0)),
                        _ => None,
                    })
                    .flatten()
                    .map(|v| {
                        v.parse::<i64>()
                            .map_err(|_| self.refused(format!("has a schema version '{v}'")))
                    })
                    .transpose()?;
                self.judge(version.unwrap_or(0))
            }
            Err(e) if is_missing_relation(&e) => {
                let row = self
                    .client
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'keyctl')",
                        &[],
                    )
                    .map_err(|e| self.failed(&e))?;
                let schema: bool = row.try_get(0).map_err(|e| self.failed(&e))?;
                // A schema without the version table is someone else's, or
                // one that another process has just made: the check under
                // the migration lock tells them apart.
                Ok(if schema {
                    Identity::Unsure
                } else {
                    Identity::Fresh
                })
            }
            Err(e) => Err(self.failed(&e)),
        }
    }

    fn judge(&self, version: i64) -> Result<Identity> {
        let latest = latest_version();
        match version {
            v if v > latest => Err(self.refused(format!(
                "was written by a newer keyctl (schema version {v}; this keyctl knows up to {latest}); it was left untouched"
            ))),
            v if v == latest => Ok(Identity::Current),
            v => Ok(Identity::Older(v)),
        }
    }

    fn foreign_schema(&self) -> Error {
        self.refused(
            "has a schema named keyctl that keyctl did not make (no keyctl.schema_migrations); it was left untouched",
        )
    }

    /// Applies the missing migrations in one transaction under the migration
    /// lock. The version is read again under the lock: another process may
    /// have migrated while this one waited.
    fn migrate(&mut self) -> Result<()> {
        let result = self.migrate_locked();
        if result.is_err() {
            let _ = self.client.batch_execute("ROLLBACK");
        }
        result
    }

    fn migrate_locked(&mut self) -> Result<()> {
        self.client
            .batch_execute(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"
            ))
            .map_err(|e| self.failed(&e))?;
        let row = self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'keyctl'), \
                        to_regclass('keyctl.schema_migrations') IS NOT NULL",
                &[],
            )
            .map_err(|e| self.failed(&e))?;
        let (schema, table): (bool, bool) = (
            row.try_get(0).map_err(|e| self.failed(&e))?,
            row.try_get(1).map_err(|e| self.failed(&e))?,
        );
        let current = if table {
            let row = self
                .client
                .query_one("SELECT max(version) FROM keyctl.schema_migrations", &[])
                .map_err(|e| self.failed(&e))?;
            let v: Option<i64> = row.try_get(0).map_err(|e| self.failed(&e))?;
            match self.judge(v.unwrap_or(0))? {
                Identity::Current => {
                    self.client
                        .batch_execute("COMMIT")
                        .map_err(|e| self.failed(&e))?;
                    return Ok(());
                }
                Identity::Older(v) => v,
                Identity::Fresh | Identity::Unsure => 0,
            }
        } else if schema {
            return Err(self.foreign_schema());
        } else {
            self.client
                .batch_execute(
                    "CREATE SCHEMA keyctl; \
                     CREATE TABLE keyctl.schema_migrations (\
                         version    BIGINT PRIMARY KEY, \
                         applied_at BIGINT NOT NULL)",
                )
                .map_err(|e| self.failed(&e))?;
            0
        };
        apply_migrations(&mut self.client, current, latest_version())
            .map_err(|e| self.failed(&e))?;
        self.client
            .batch_execute("COMMIT")
            .map_err(|e| self.failed(&e))?;
        Ok(())
    }
}

/// Applies migrations `from + 1 ..= to` inside the caller's transaction and
/// records each one. Exposed for the migration tests.
pub fn apply_migrations(client: &mut Client, from: i64, to: i64) -> Result<(), postgres::Error> {
    for version in (from + 1)..=to {
        let index = usize::try_from(version - 1).unwrap_or(usize::MAX);
        if let Some(sql) = MIGRATIONS.get(index) {
            client.batch_execute(sql)?;
            client.execute(
                "INSERT INTO keyctl.schema_migrations (version, applied_at) \
                 VALUES ($1, extract(epoch FROM now())::bigint)",
                &[&version],
            )?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
    /// No keyctl schema yet.
    Fresh,
    /// A schema named keyctl without the version table (yet).
    Unsure,
    Older(i64),
    Current,
}

/// `undefined_table` or `invalid_schema_name`.
fn is_missing_relation(e: &postgres::Error) -> bool {
    e.as_db_error()
        .is_some_and(|d| matches!(d.code().code(), "42P01" | "3F000"))
}

/// A PostgreSQL error in one line, in the server's words when it sent some.
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_owned(),
        };
    }
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Error::Storage(describe(&e))
    }
}

// ---------------------------------------------------------------------------
// Connecting

/// The URL with its password, if any, replaced by `***`, for messages.
#[must_use]
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let redacted_query = redact_query(&rest[authority_end..]);
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let user = userinfo.split(':').next().unwrap_or("");
            let shown = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_owned()
            };
            format!(
                "{}{shown}@{}{redacted_query}",
                &url[..scheme_end + 3],
                &authority[at + 1..]
            )
        }
        None => format!("{}{authority}{redacted_query}", &url[..scheme_end + 3]),
    }
}

/// A `password=` query parameter, too, is hidden.
fn redact_query(tail: &str) -> String {
    let Some(q) = tail.find('?') else {
        return tail.to_owned();
    };
    let (path, query) = tail.split_at(q + 1);
    let parts: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => p.to_owned(),
        })
        .collect();
    format!("{path}{}", parts.join("&"))
}

/// How the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verify {
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

fn connect(url: &str, location: &str) -> Result<Client> {
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

mod tls {
    //! rustls settings for each `sslmode`.

    use std::path::Path;
    use std::sync::Arc;

    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{
        CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    };

    use super::Verify;

    pub(super) fn config(verify: Verify, root_cert: Option<&Path>) -> Result<ClientConfig, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?;
        if verify == Verify::Encrypt {
            return Ok(builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unchecked(provider)))
                .with_no_client_auth());
        }
        let roots = roots(root_cert)?;
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| format!("TLS: {e}"))?;
        Ok(if verify == Verify::Full {
            builder.with_webpki_verifier(webpki).with_no_client_auth()
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)))
                .with_no_client_auth()
        })
    }

    /// The roots `sslrootcert` names, else `~/.postgresql/root.crt`, else
    /// the Mozilla roots.
    fn roots(root_cert: Option<&Path>) -> Result<RootCertStore, String> {
        let default = std::env::var_os("HOME")
            .map(|h| Path::new(&h).join(".postgresql/root.crt"))
            .filter(|p| p.exists());
        let mut store = RootCertStore::empty();
        match root_cert.map(Path::to_path_buf).or(default) {
            Some(path) => {
                let certs = CertificateDer::pem_file_iter(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                for cert in certs {
                    let cert = cert.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    store
                        .add(cert)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                }
                if store.is_empty() {
                    return Err(format!("{} holds no certificate", path.display()));
                }
            }
            None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        Ok(store)
    }

    /// `prefer` and `require`: the connection is encrypted and the server's
    /// handshake signature is checked, but not who signed its certificate,
    /// as libpq does in these modes.
    #[derive(Debug)]
    struct Unchecked(Arc<CryptoProvider>);

    impl ServerCertVerifier for Unchecked {
        fn verify_server_cert(
            &self,
            _end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _server_name: &ServerName<'_>,
            _ocsp_response: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls12_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls13_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }

    /// `verify-ca`: the chain is checked, the host name is not.
    #[derive(Debug)]
    struct ChainOnly(Arc<WebPkiServerVerifier>);

    impl ServerCertVerifier for ChainOnly {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            match self.0.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.supported_verify_schemes()
        }
    }
}

// ---------------------------------------------------------------------------
// Transactions

impl Backend for PostgresStore {
    fn begin(&mut self, kind: TxKind) -> Result<Box<dyn Transaction + '_>> {
        let begin = match kind {
            TxKind::Autocommit => None,
            TxKind::Read => Some(BEGIN_READ),
            TxKind::Write(Durability::Full) => Some(BEGIN_WRITE_FULL),
            TxKind::Write(Durability::Normal) => Some(BEGIN_WRITE_NORMAL),
        };
        if let Some(sql) = begin {
            self.client
                .batch_execute(sql)
                .map_err(|e| self.failed(&e))?;
        }
        Ok(Box::new(PgTx {
            store: self,
            open: begin.is_some(),
            failed: false,
        }))
    }
}

/// An open transaction (or, for autocommit, none). Rolled back on drop
/// unless committed. A statement that failed aborts a PostgreSQL
/// transaction, whose COMMIT then quietly rolls back: `failed` turns that
/// into an error instead.
struct PgTx<'a> {
    store: &'a mut PostgresStore,
    open: bool,
    failed: bool,
}

type Params<'p> = [&'p (dyn ToSql + Sync)];

impl Transaction for PgTx<'_> {
    fn commit(mut self: Box<Self>) -> Result<()> {
        if !self.open {
            return Ok(());
        }
        if self.failed {
            return Err(Error::Storage(
                "a statement failed, so the transaction was rolled back".to_owned(),
            ));
        }
        let result = self.store.client.batch_execute("COMMIT");
        self.open = false;
        result.map_err(|e| self.store.failed(&e))
    }
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.store.client.batch_execute("ROLLBACK");
        }
    }
}

impl PgTx<'_> {
    fn note<T>(&mut self, r: Result<T, postgres::Error>) -> Result<T> {
        r.map_err(|e| {
            self.failed = true;
            Error::from(e)
        })
    }

    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.store.statements.get(sql) {
            return Ok(s.clone());
        }
        let prepared = self.store.client.prepare(sql);
        let s = self.note(prepared)?;
        self.store.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    fn query(&mut self, sql: &str, params: &Params<'_>) -> Result<Vec<Row>> {
        let stmt = self.statement(sql)?;
        let rows = self.store.client.query(&stmt, params);
        self.note(rows)
    }

    fn query_opt(&mut self, sql: &str, params: &Params<'_>) -> Result<Option<Row>> {
        let stmt = self.statement(sql)?;
        let row = self.store.client.query_opt(&stmt, params);
        self.note(row)
    }

    fn query_one(&mut self, sql: &str, params: &Params<'_>) -> Result<Row> {
        let stmt = self.statement(sql)?;
        let row = self.store.client.query_one(&stmt, params);
        self.note(row)
    }

    fn execute(&mut self, sql: &str, params: &Params<'_>) -> Result<u64> {
        let stmt = self.statement(sql)?;
        let n = self.store.client.execute(&stmt, params);
        self.note(n)
    }

    /// Streams the rows of a query to `f` as they arrive.
    fn each_row(
        &mut self,
        sql: &str,
        params: &Params<'_>,
        f: &mut dyn FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        let stmt = self.statement(sql)?;
        let iter = self.store.client.query_raw(&stmt, params.iter().copied());
        let mut rows = match iter {
            Ok(rows) => rows,
            Err(e) => {
                self.failed = true;
                return Err(e.into());
            }
        };
        loop {
            match rows.next() {
                Ok(Some(row)) => f(&row)?,
                Ok(None) => return Ok(()),
                Err(e) => {
                    drop(rows);
                    self.failed = true;
                    return Err(e.into());
                }
            }
        }
    }

    fn keys(&mut self, sql: &str, params: &Params<'_>) -> Result<Vec<Key>> {
        self.query(sql, params)?.iter().map(key_from_row).collect()
    }
}

// ---------------------------------------------------------------------------
// Rows

fn conversion(e: impl std::fmt::Display) -> Error {
    Error::Storage(format!("unexpected stored value: {e}"))
}

fn get<'r, T: postgres::types::FromSql<'r>>(r: &'r Row, i: usize) -> Result<T> {
    r.try_get(i).map_err(|e| conversion(describe(&e)))
}

fn ts(r: &Row, i: usize) -> Result<Option<Timestamp>> {
    Ok(get::<Option<i64>>(r, i)?.map(from_unix))
}

fn count(r: &Row, i: usize) -> Result<u64> {
    u64::try_from(get::<i64>(r, i)?).map_err(conversion)
}

fn small<T: TryFrom<i64>>(v: i64) -> Result<T>
where
    T::Error: std::fmt::Display,
{
    T::try_from(v).map_err(conversion)
}

fn opt_small<T: TryFrom<i64>>(v: Option<i64>) -> Result<Option<T>>
where
    T::Error: std::fmt::Display,
{
    v.map(small).transpose()
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

macro_rules! key_columns {
    () => {
        "id, name, description, environment, scopes, prefix, created_at, created_by, expires_at, \
         last_used_at, revoked_at, revoked_by, revoke_reason, rotated_from, replaced_by, \
         rate_limit_count, rate_limit_window, quota_count, quota_period, metadata"
    };
}

fn key_from_row(r: &Row) -> Result<Key> {
    let environment: String = get(r, 3)?;
    let scopes: String = get(r, 4)?;
    let rate_limit = match (get::<Option<i64>>(r, 15)?, get::<Option<i64>>(r, 16)?) {
        (Some(count), Some(window)) => Some(RateLimit {
            count: small(count)?,
            window_secs: small(window)?,
        }),
        _ => None,
    };
    let quota = match (get::<Option<i64>>(r, 17)?, get::<Option<String>>(r, 18)?) {
        (Some(count), Some(p)) => Some(Quota {
            count: small(count)?,
            period: if p == "day" {
                Period::Day
            } else {
                Period::Month
            },
        }),
        _ => None,
    };
    let metadata: String = get(r, 19)?;
    Ok(Key {
        id: get(r, 0)?,
        name: get(r, 1)?,
        description: get(r, 2)?,
        environment: environment.parse::<Environment>().map_err(conversion)?,
        scopes: ScopeSet::from_stored(&scopes).map_err(conversion)?,
        prefix: get(r, 5)?,
        created_at: from_unix(get(r, 6)?),
        created_by: get(r, 7)?,
        expires_at: ts(r, 8)?,
        last_used_at: ts(r, 9)?,
        revoked_at: ts(r, 10)?,
        revoked_by: get(r, 11)?,
        revoke_reason: get(r, 12)?,
        rotated_from: get(r, 13)?,
        replaced_by: get(r, 14)?,
        rate_limit,
        quota,
        metadata: if metadata == "{}" {
            std::collections::BTreeMap::new()
        } else {
            serde_json::from_str(&metadata).map_err(conversion)?
        },
    })
}

/// The values of a key's columns from `rotated_from` on, as bound parameters.
struct KeyValues {
    expires_at: Option<i64>,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
    rate_count: Option<i64>,
    rate_window: Option<i64>,
    quota_count: Option<i64>,
    quota_period: Option<&'static str>,
    metadata: String,
}

impl KeyValues {
    fn of(key: &Key) -> KeyValues {
        KeyValues {
            expires_at: key.expires_at.map(|t| t.timestamp()),
            last_used_at: key.last_used_at.map(|t| t.timestamp()),
            revoked_at: key.revoked_at.map(|t| t.timestamp()),
            rate_count: key.rate_limit.map(|r| i64::from(r.count)),
            rate_window: key.rate_limit.map(|r| i64::from(r.window_secs)),
            quota_count: key.quota.map(|q| to_i64(q.count)),
            quota_period: key.quota.map(|q| q.period.as_str()),
            // A map of strings always serializes.
            metadata: serde_json::to_string(&key.metadata).unwrap_or_else(|_| "{}".to_owned()),
        }
    }
}

const AUDIT_COLUMNS: &str =
    "seq, ts, actor, action, key_id, key_prefix, details, status, path, prev_hash, hash";

fn audit_from_row(r: &Row) -> Result<AuditRow> {
    Ok(AuditRow {
        seq: get(r, 0)?,
        ts: from_unix(get(r, 1)?),
        actor: get(r, 2)?,
        action: get(r, 3)?,
        key_id: get(r, 4)?,
        key_prefix: get(r, 5)?,
        details: get(r, 6)?,
        status: opt_small(get(r, 7)?)?,
        path: get(r, 8)?,
        prev_hash: get(r, 9)?,
        hash: get(r, 10)?,
    })
}

const REQUEST_COLUMNS: &str =
    "key_id, ts, method, path, status, duration_ms, ip, user_agent, outcome, source, actor";

fn request_at(r: &Row, at: usize) -> Result<RequestRecord> {
    let source: String = get(r, at + 9)?;
    Ok(RequestRecord {
        key_id: get(r, at)?,
        ts: from_unix(get(r, at + 1)?),
        method: get(r, at + 2)?,
        path: get(r, at + 3)?,
        status: small(get(r, at + 4)?)?,
        duration_ms: opt_small(get(r, at + 5)?)?,
        ip: get(r, at + 6)?,
        user_agent: get(r, at + 7)?,
        outcome: get(r, at + 8)?,
        source: if source == "ingest" {
            Source::Ingest
        } else {
            Source::Verify
        },
        actor: get(r, at + 10)?,
    })
}

const EVENT_COLUMNS: &str = "seq, id, type, ts, key_id, key_expires_at, payload, state";

fn event_from_row(r: &Row) -> Result<EventRow> {
    let state: String = get(r, 7)?;
    Ok(EventRow {
        seq: get(r, 0)?,
        id: get(r, 1)?,
        kind: get(r, 2)?,
        ts: from_unix(get(r, 3)?),
        key_id: get(r, 4)?,
        key_expires_at: ts(r, 5)?,
        payload: get(r, 6)?,
        state: EventState::parse(&state)
            .ok_or_else(|| conversion(format!("unknown event state '{state}'")))?,
    })
}

const DELIVERY_COLUMNS: &str = "event_seq, destination, state, attempts, next_at, claimed_until, \
    last_attempt_at, last_error, delivered_at, interrupted";

fn delivery_from_row(r: &Row) -> Result<DeliveryRow> {
    let state: String = get(r, 2)?;
    Ok(DeliveryRow {
        event_seq: get(r, 0)?,
        destination: get(r, 1)?,
        state: match state.as_str() {
            "pending" => DeliveryState::Pending,
            "delivered" => DeliveryState::Delivered,
            "dead" => DeliveryState::Dead,
            other => return Err(conversion(format!("unknown delivery state '{other}'"))),
        },
        attempts: small(get(r, 3)?)?,
        next_at: from_unix(get(r, 4)?),
        claimed_until: ts(r, 5)?,
        last_attempt_at: ts(r, 6)?,
        last_error: get(r, 7)?,
        delivered_at: ts(r, 8)?,
        interrupted: small(get(r, 9)?)?,
    })
}

/// A query built from fixed SQL text and numbered parameters.
#[derive(Default)]
struct Sql {
    text: String,
    args: Vec<Box<dyn ToSql + Sync>>,
}

impl Sql {
    fn new(text: impl Into<String>) -> Sql {
        Sql {
            text: text.into(),
            args: Vec::new(),
        }
    }

    /// Appends `before`, the next placeholder, and binds `value` to it.
    fn bind(&mut self, before: &str, value: impl ToSql + Sync + 'static) -> &mut Sql {
        self.args.push(Box::new(value));
        self.text.push_str(before);
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.args
            .iter()
            .map(|a| &**a as &(dyn ToSql + Sync))
            .collect()
    }
}

/// The filters that trail events and requests share (values as parameters).
fn common_filters(query: &AuditQuery, sql: &mut Sql) {
    if let Some(key) = &query.key_id {
        sql.bind(" AND key_id = ", key.clone());
    }
    if let Some(actor) = &query.actor {
        sql.bind(" AND actor = ", actor.clone());
    }
    if let Some(since) = query.since {
        sql.bind(" AND ts >= ", since.timestamp());
    }
    if let Some(until) = query.until {
        sql.bind(" AND ts < ", until.timestamp());
    }
    if let Some((lo, hi)) = query.status {
        if lo == hi {
            sql.bind(" AND status = ", i64::from(lo));
        } else {
            sql.bind(" AND status BETWEEN ", i64::from(lo));
            sql.bind(" AND ", i64::from(hi));
        }
    }
    if let Some(prefix) = &query.path_prefix {
        sql.bind(" AND starts_with(path, ", prefix.clone())
            .push(")");
    }
}

fn audit_events_sql(query: &AuditQuery) -> Sql {
    let mut sql = Sql::new(format!(
        "SELECT {AUDIT_COLUMNS} FROM keyctl.audit_events WHERE true"
    ));
    let actions: Vec<&String> = query.actions.iter().filter(|a| *a != "request").collect();
    for (i, a) in actions.iter().enumerate() {
        let before = if i == 0 { " AND action IN (" } else { ", " };
        sql.bind(before, (*a).clone());
    }
    if !actions.is_empty() {
        sql.push(")");
    }
    common_filters(query, &mut sql);
    sql.bind(
        " ORDER BY ts DESC, seq DESC LIMIT ",
        to_i64(query.limit as u64),
    );
    sql
}

fn trail_requests_sql(query: &AuditQuery) -> Sql {
    let mut sql = Sql::new(format!(
        "SELECT seq, {REQUEST_COLUMNS} FROM keyctl.requests \
         WHERE NOT (source = 'verify' AND outcome IS DISTINCT FROM 'VALID')"
    ));
    common_filters(query, &mut sql);
    sql.bind(
        " ORDER BY ts DESC, seq DESC LIMIT ",
        to_i64(query.limit as u64),
    );
    sql
}

/// A status class as one query per code, and several actions as one query
/// per action: each an index seek that yields rows in time order.
fn split_query(query: &AuditQuery, events: bool) -> Option<Vec<AuditQuery>> {
    if let Some((lo, hi)) = query.status
        && lo < hi
    {
        return Some(
            (lo..=hi)
                .map(|code| AuditQuery {
                    status: Some((code, code)),
                    ..query.clone()
                })
                .collect(),
        );
    }
    let actions: Vec<&String> = query.actions.iter().filter(|a| *a != "request").collect();
    (events && actions.len() > 1).then(|| {
        actions
            .into_iter()
            .map(|a| AuditQuery {
                actions: vec![a.clone()],
                ..query.clone()
            })
            .collect()
    })
}

fn copy_table_name(table: CopyTable) -> &'static str {
    match table {
        CopyTable::Keys => "keyctl.keys",
        CopyTable::Requests => "keyctl.requests",
        CopyTable::UsageDaily => "keyctl.usage_daily",
        CopyTable::UsageEndpoints => "keyctl.usage_endpoints",
        CopyTable::LimitCounters => "keyctl.limit_counters",
        CopyTable::AuditEvents => "keyctl.audit_events",
        CopyTable::Events => "keyctl.events",
        CopyTable::Deliveries => "keyctl.deliveries",
    }
}

impl KeyQueries for PgTx<'_> {
    fn insert_key(&mut self, key: &Key, hash: &SecretHash) -> Result<()> {
        let v = KeyValues::of(key);
        self.execute(
            "INSERT INTO keyctl.keys (id, name, description, environment, scopes, prefix, \
             secret_hash, created_at, created_by, expires_at, last_used_at, revoked_at, \
             revoked_by, revoke_reason, rotated_from, replaced_by, rate_limit_count, \
             rate_limit_window, quota_count, quota_period, metadata) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21)",
            &[
                &key.id,
                &key.name,
                &key.description,
                &key.environment.as_str(),
                &key.scopes.to_stored(),
                &key.prefix,
                &&hash.0[..],
                &key.created_at.timestamp(),
                &key.created_by,
                &v.expires_at,
                &v.last_used_at,
                &v.revoked_at,
                &key.revoked_by,
                &key.revoke_reason,
                &key.rotated_from,
                &key.replaced_by,
                &v.rate_count,
                &v.rate_window,
                &v.quota_count,
                &v.quota_period,
                &v.metadata,
            ],
        )?;
        Ok(())
    }

    fn key_id_exists(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .query_opt("SELECT 1 FROM keyctl.keys WHERE id = $1", &[&id])?
            .is_some())
    }

    fn key_by_id(&mut self, id: &str) -> Result<Option<Key>> {
        self.query_opt(
            concat!("SELECT ", key_columns!(), " FROM keyctl.keys WHERE id = $1"),
            &[&id],
        )?
        .as_ref()
        .map(key_from_row)
        .transpose()
    }

    fn key_by_hash(&mut self, hash: &SecretHash) -> Result<Option<Key>> {
        self.query_opt(
            concat!(
                "SELECT ",
                key_columns!(),
                " FROM keyctl.keys WHERE secret_hash = $1"
            ),
            &[&&hash.0[..]],
        )?
        .as_ref()
        .map(key_from_row)
        .transpose()
    }

    fn keys_by_prefix(&mut self, prefix: &str) -> Result<Vec<Key>> {
        self.keys(
            concat!(
                "SELECT ",
                key_columns!(),
                " FROM keyctl.keys WHERE prefix = $1 ORDER BY created_at, seq"
            ),
            &[&prefix],
        )
    }

    fn keys_by_name(&mut self, name: &str) -> Result<Vec<Key>> {
        self.keys(
            concat!(
                "SELECT ",
                key_columns!(),
                " FROM keyctl.keys WHERE name = $1 ORDER BY created_at, seq"
            ),
            &[&name],
        )
    }

    fn for_each_key(
        &mut self,
        filter: &KeyFilter,
        f: &mut dyn FnMut(Key) -> Result<()>,
    ) -> Result<()> {
        let status = match filter.status {
            StatusFilter::NotRevoked => "revoked_at IS NULL",
            StatusFilter::Active => {
                "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)"
            }
            StatusFilter::Expired => {
                "revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $1"
            }
            StatusFilter::Revoked => "revoked_at IS NOT NULL",
            StatusFilter::All => "true",
        };
        let sql = format!(
            "SELECT {} FROM keyctl.keys WHERE {status} \
             AND ($2::text IS NULL OR environment = $2::text) \
             AND ($3::bigint IS NULL OR (expires_at > $1 AND expires_at <= $3::bigint)) \
             ORDER BY created_at, seq",
            key_columns!()
        );
        let now = filter.now.timestamp();
        let env = filter.environment.map(Environment::as_str);
        let before = filter.expires_before.map(|t| t.timestamp());
        self.each_row(&sql, &[&now, &env, &before], &mut |row| {
            f(key_from_row(row)?)
        })
    }

    fn update_key(&mut self, key: &Key) -> Result<()> {
        let v = KeyValues::of(key);
        let changed = self.execute(
            "UPDATE keyctl.keys SET name = $2, description = $3, expires_at = $4, \
             last_used_at = $5, revoked_at = $6, revoked_by = $7, revoke_reason = $8, \
             rotated_from = $9, replaced_by = $10, rate_limit_count = $11, \
             rate_limit_window = $12, quota_count = $13, quota_period = $14, metadata = $15 \
             WHERE id = $1",
            &[
                &key.id,
                &key.name,
                &key.description,
                &v.expires_at,
                &v.last_used_at,
                &v.revoked_at,
                &key.revoked_by,
                &key.revoke_reason,
                &key.rotated_from,
                &key.replaced_by,
                &v.rate_count,
                &v.rate_window,
                &v.quota_count,
                &v.quota_period,
                &v.metadata,
            ],
        )?;
        if changed == 1 {
            Ok(())
        } else {
            Err(Error::KeyNotFound(key.id.clone()))
        }
    }

    fn count_plan_keys(&mut self, now: Timestamp) -> Result<u64> {
        let row = self.query_one(
            "SELECT count(*) FROM keyctl.keys WHERE revoked_at IS NULL \
             AND (expires_at IS NULL OR expires_at > $1) AND replaced_by IS NULL",
            &[&now.timestamp()],
        )?;
        count(&row, 0)
    }
}

impl UsageQueries for PgTx<'_> {
    fn request_totals(&mut self, key_id: &str, since_day: i64) -> Result<RequestTotals> {
        let row = self.query_one(
            "SELECT coalesce(sum(count), 0)::bigint, \
                    coalesce(sum(CASE WHEN day >= $2 THEN count ELSE 0 END), 0)::bigint, \
                    coalesce(sum(CASE WHEN day >= $2 AND status >= 400 THEN count ELSE 0 END), 0)::bigint \
             FROM keyctl.usage_daily WHERE key_id = $1",
            &[&key_id, &since_day],
        )?;
        Ok(RequestTotals {
            all_time: count(&row, 0)?,
            since: count(&row, 1)?,
            errors_since: count(&row, 2)?,
        })
    }

    fn insert_request(&mut self, r: &RequestRecord) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.requests (key_id, ts, method, path, status, duration_ms, ip, \
             user_agent, outcome, source, actor) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &r.key_id,
                &r.ts.timestamp(),
                &r.method,
                &r.path,
                &i64::from(r.status),
                &r.duration_ms.map(i64::from),
                &r.ip,
                &r.user_agent,
                &r.outcome,
                &r.source.as_str(),
                &r.actor,
            ],
        )?;
        Ok(())
    }

    fn add_daily(&mut self, key_id: &str, day: i64, status: u16, n: u64) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.usage_daily AS u (key_id, day, status, count) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key_id, day, status) DO UPDATE SET count = u.count + excluded.count",
            &[&key_id, &day, &i64::from(status), &to_i64(n)],
        )?;
        Ok(())
    }

    fn add_endpoint(&mut self, key_id: &str, day: i64, endpoint: &str, n: u64) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.usage_endpoints AS u (key_id, day, endpoint, count) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key_id, day, endpoint) DO UPDATE SET count = u.count + excluded.count",
            &[&key_id, &day, &endpoint, &to_i64(n)],
        )?;
        Ok(())
    }

    fn set_last_used(&mut self, key_id: &str, at: Timestamp) -> Result<()> {
        self.execute(
            "UPDATE keyctl.keys SET last_used_at = $2 WHERE id = $1",
            &[&key_id, &at.timestamp()],
        )?;
        Ok(())
    }

    fn counter(&mut self, scope: &str, kind: &str) -> Result<Option<Counter>> {
        self.query_opt(
            "SELECT window_start, count FROM keyctl.limit_counters WHERE scope = $1 AND kind = $2",
            &[&scope, &kind],
        )?
        .map(|r| {
            Ok(Counter {
                window_start: get(&r, 0)?,
                count: count(&r, 1)?,
            })
        })
        .transpose()
    }

    fn put_counter(&mut self, scope: &str, kind: &str, counter: Counter) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.limit_counters (scope, kind, window_start, count) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (scope, kind) DO UPDATE SET window_start = excluded.window_start, \
             count = excluded.count",
            &[&scope, &kind, &counter.window_start, &to_i64(counter.count)],
        )?;
        Ok(())
    }

    fn daily_usage(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<(i64, u16, u64)>> {
        self.query(
            "SELECT day, status, count FROM keyctl.usage_daily \
             WHERE key_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day, status",
            &[&key_id, &from_day, &to_day],
        )?
        .iter()
        .map(|r| Ok((get(r, 0)?, small(get(r, 1)?)?, count(r, 2)?)))
        .collect()
    }

    fn top_endpoints(
        &mut self,
        key_id: &str,
        from_day: i64,
        to_day: i64,
        limit: usize,
    ) -> Result<Vec<(String, u64)>> {
        self.query(
            "SELECT endpoint, sum(count)::bigint AS n FROM keyctl.usage_endpoints \
             WHERE key_id = $1 AND day BETWEEN $2 AND $3 \
             GROUP BY endpoint ORDER BY n DESC, endpoint LIMIT $4",
            &[&key_id, &from_day, &to_day, &to_i64(limit as u64)],
        )?
        .iter()
        .map(|r| Ok((get(r, 0)?, count(r, 1)?)))
        .collect()
    }

    fn recent_requests(
        &mut self,
        key_id: &str,
        since: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<RequestRecord>> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM keyctl.requests \
             WHERE key_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts DESC, seq DESC LIMIT $4"
        );
        self.query(
            &sql,
            &[
                &key_id,
                &since.timestamp(),
                &until.timestamp(),
                &to_i64(limit as u64),
            ],
        )?
        .iter()
        .map(|r| request_at(r, 0))
        .collect()
    }

    fn totals_by_key(&mut self, from_day: i64, to_day: i64) -> Result<Vec<KeyTotals>> {
        self.query(
            "SELECT t.key_id, k.name, k.prefix, k.last_used_at, t.n, t.errors FROM \
             (SELECT key_id, sum(count)::bigint AS n, \
                     sum(CASE WHEN status >= 400 THEN count ELSE 0 END)::bigint AS errors \
              FROM keyctl.usage_daily WHERE day BETWEEN $1 AND $2 GROUP BY key_id) AS t \
             JOIN keyctl.keys AS k ON k.id = t.key_id ORDER BY t.n DESC, k.created_at, k.seq",
            &[&from_day, &to_day],
        )?
        .iter()
        .map(|r| {
            Ok(KeyTotals {
                key_id: get(r, 0)?,
                name: get(r, 1)?,
                prefix: get(r, 2)?,
                last_used_at: ts(r, 3)?,
                requests: count(r, 4)?,
                errors: count(r, 5)?,
            })
        })
        .collect()
    }
}

impl AuditQueries for PgTx<'_> {
    fn audit_tail(&mut self) -> Result<Option<(i64, String)>> {
        self.query_opt(
            "SELECT seq, hash FROM keyctl.audit_events ORDER BY seq DESC LIMIT 1",
            &[],
        )?
        .map(|r| Ok((get(&r, 0)?, get(&r, 1)?)))
        .transpose()
    }

    fn insert_audit(&mut self, row: &AuditRow) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.audit_events (seq, ts, actor, action, key_id, key_prefix, \
             details, status, path, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &row.seq,
                &row.ts.timestamp(),
                &row.actor,
                &row.action,
                &row.key_id,
                &row.key_prefix,
                &row.details,
                &row.status.map(i64::from),
                &row.path,
                &row.prev_hash,
                &row.hash,
            ],
        )?;
        Ok(())
    }

    fn audit_count(&mut self) -> Result<u64> {
        let row = self.query_one("SELECT count(*) FROM keyctl.audit_events", &[])?;
        count(&row, 0)
    }

    fn audit_events(&mut self, query: &AuditQuery) -> Result<Vec<AuditRow>> {
        if let Some(parts) = split_query(query, true) {
            let mut rows = Vec::new();
            for q in parts {
                rows.extend(self.audit_events(&q)?);
            }
            rows.sort_by_key(|r| std::cmp::Reverse((r.ts, r.seq)));
            rows.truncate(query.limit);
            return Ok(rows);
        }
        let sql = audit_events_sql(query);
        self.query(&sql.text, &sql.params())?
            .iter()
            .map(audit_from_row)
            .collect()
    }

    fn trail_requests(&mut self, query: &AuditQuery) -> Result<Vec<(i64, RequestRecord)>> {
        if let Some(parts) = split_query(query, false) {
            let mut rows = Vec::new();
            for q in parts {
                rows.extend(self.trail_requests(&q)?);
            }
            rows.sort_by_key(|r| std::cmp::Reverse((r.1.ts, r.0)));
            rows.truncate(query.limit);
            return Ok(rows);
        }
        let sql = trail_requests_sql(query);
        self.query(&sql.text, &sql.params())?
            .iter()
            .map(|r| Ok((get(r, 0)?, request_at(r, 1)?)))
            .collect()
    }

    fn for_each_audit(&mut self, f: &mut dyn FnMut(AuditRow) -> Result<()>) -> Result<()> {
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM keyctl.audit_events ORDER BY seq");
        self.each_row(&sql, &[], &mut |row| f(audit_from_row(row)?))
    }
}

impl OutboxQueries for PgTx<'_> {
    fn insert_event(&mut self, e: &EventRow) -> Result<i64> {
        let row = self.query_one(
            "INSERT INTO keyctl.events (id, type, ts, key_id, key_expires_at, payload, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
            &[
                &e.id,
                &e.kind,
                &e.ts.timestamp(),
                &e.key_id,
                &e.key_expires_at.map(|t| t.timestamp()),
                &e.payload,
                &e.state.as_str(),
            ],
        )?;
        get(&row, 0)
    }

    fn event_id_exists(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .query_opt("SELECT 1 FROM keyctl.events WHERE id = $1", &[&id])?
            .is_some())
    }

    fn event_by_id(&mut self, id: &str) -> Result<Option<EventRow>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM keyctl.events WHERE id = $1");
        self.query_opt(&sql, &[&id])?
            .as_ref()
            .map(event_from_row)
            .transpose()
    }

    fn event_by_seq(&mut self, seq: i64) -> Result<Option<EventRow>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM keyctl.events WHERE seq = $1");
        self.query_opt(&sql, &[&seq])?
            .as_ref()
            .map(event_from_row)
            .transpose()
    }

    fn events(&mut self, query: &EventQuery) -> Result<Vec<EventRow>> {
        if query.states.len() > 1 {
            let mut rows = Vec::new();
            for state in &query.states {
                rows.extend(self.events(&EventQuery {
                    states: vec![*state],
                    ..query.clone()
                })?);
            }
            rows.sort_by_key(|r| std::cmp::Reverse(r.seq));
            rows.truncate(query.limit);
            return Ok(rows);
        }
        let mut sql = Sql::new(format!(
            "SELECT {EVENT_COLUMNS} FROM keyctl.events WHERE true"
        ));
        if let Some(state) = query.states.first() {
            sql.bind(" AND state = ", state.as_str());
        }
        if let Some(kind) = &query.kind {
            sql.bind(" AND type = ", kind.clone());
        }
        sql.bind(" ORDER BY seq DESC LIMIT ", to_i64(query.limit as u64));
        self.query(&sql.text, &sql.params())?
            .iter()
            .map(event_from_row)
            .collect()
    }

    fn keys_awaiting_expiry_events(
        &mut self,
        until: Timestamp,
        expired_kind: &str,
    ) -> Result<Vec<Key>> {
        self.keys(
            concat!(
                "SELECT ",
                key_columns!(),
                " FROM keyctl.keys k \
                 WHERE k.expires_at <= $1 AND k.revoked_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM keyctl.events e WHERE e.key_id = k.id \
                     AND e.type = $2 AND e.key_expires_at = k.expires_at) \
                 ORDER BY k.expires_at, k.seq"
            ),
            &[&until.timestamp(), &expired_kind],
        )
    }

    fn scan_event_exists(
        &mut self,
        key_id: &str,
        kind: &str,
        expires_at: Timestamp,
    ) -> Result<bool> {
        Ok(self
            .query_opt(
                "SELECT 1 FROM keyctl.events \
                 WHERE key_id = $1 AND type = $2 AND key_expires_at = $3",
                &[&key_id, &kind, &expires_at.timestamp()],
            )?
            .is_some())
    }

    fn set_event_state(&mut self, seq: i64, state: EventState) -> Result<()> {
        self.execute(
            "UPDATE keyctl.events SET state = $2 WHERE seq = $1",
            &[&seq, &state.as_str()],
        )?;
        Ok(())
    }

    fn refresh_event_state(&mut self, seq: i64) -> Result<()> {
        self.execute(
            "UPDATE keyctl.events SET state = CASE \
               WHEN EXISTS (SELECT 1 FROM keyctl.deliveries d \
                            WHERE d.event_seq = $1 AND d.state = 'pending') THEN 'pending' \
               WHEN EXISTS (SELECT 1 FROM keyctl.deliveries d \
                            WHERE d.event_seq = $1 AND d.state = 'dead') THEN 'dead' \
               WHEN EXISTS (SELECT 1 FROM keyctl.deliveries d WHERE d.event_seq = $1) \
                 THEN 'delivered' \
               ELSE 'skipped' END \
             WHERE seq = $1",
            &[&seq],
        )?;
        Ok(())
    }

    fn deliveries_of(&mut self, event_seq: i64) -> Result<Vec<DeliveryRow>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM keyctl.deliveries WHERE event_seq = $1 \
             ORDER BY destination"
        );
        self.query(&sql, &[&event_seq])?
            .iter()
            .map(delivery_from_row)
            .collect()
    }

    fn put_delivery(&mut self, d: &DeliveryRow) -> Result<()> {
        self.execute(
            "INSERT INTO keyctl.deliveries (event_seq, destination, state, attempts, next_at, \
             claimed_until, last_attempt_at, last_error, delivered_at, interrupted) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (event_seq, destination) DO UPDATE SET state = excluded.state, \
             attempts = excluded.attempts, interrupted = excluded.interrupted, \
             next_at = excluded.next_at, claimed_until = excluded.claimed_until, \
             last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error, \
             delivered_at = excluded.delivered_at",
            &[
                &d.event_seq,
                &d.destination,
                &d.state.as_str(),
                &i64::from(d.attempts),
                &d.next_at.timestamp(),
                &d.claimed_until.map(|t| t.timestamp()),
                &d.last_attempt_at.map(|t| t.timestamp()),
                &d.last_error,
                &d.delivered_at.map(|t| t.timestamp()),
                &i64::from(d.interrupted),
            ],
        )?;
        Ok(())
    }

    fn next_due_delivery(
        &mut self,
        now: Timestamp,
        event_seq: Option<i64>,
    ) -> Result<Option<DeliveryRow>> {
        let row = match event_seq {
            Some(seq) => {
                let sql = format!(
                    "SELECT {DELIVERY_COLUMNS} FROM keyctl.deliveries \
                     WHERE event_seq = $2 AND state = 'pending' AND next_at <= $1 \
                     ORDER BY next_at, destination LIMIT 1"
                );
                self.query_opt(&sql, &[&now.timestamp(), &seq])?
            }
            None => {
                let sql = format!(
                    "SELECT {DELIVERY_COLUMNS} FROM keyctl.deliveries \
                     WHERE state = 'pending' AND next_at <= $1 \
                     ORDER BY next_at, event_seq, destination LIMIT 1"
                );
                self.query_opt(&sql, &[&now.timestamp()])?
            }
        };
        row.as_ref().map(delivery_from_row).transpose()
    }
}

impl CopyQueries for PgTx<'_> {
    fn copy_count(&mut self, table: CopyTable) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM {}", copy_table_name(table));
        let row = self.query_one(&sql, &[])?;
        count(&row, 0)
    }

    fn copy_out(
        &mut self,
        table: CopyTable,
        f: &mut dyn FnMut(CopyRecord) -> Result<()>,
    ) -> Result<()> {
        match table {
            CopyTable::Keys => self.each_row(
                concat!(
                    "SELECT ",
                    key_columns!(),
                    ", seq, secret_hash FROM keyctl.keys ORDER BY seq"
                ),
                &[],
                &mut |r| {
                    let bytes: Vec<u8> = get(r, 21)?;
                    let hash: [u8; 32] = bytes
                        .try_into()
                        .map_err(|_| conversion("a secret hash is not 32 bytes"))?;
                    f(CopyRecord::Key {
                        key: key_from_row(r)?,
                        seq: get(r, 20)?,
                        hash: SecretHash(hash),
                    })
                },
            ),
            CopyTable::Requests => self.each_row(
                &format!("SELECT seq, {REQUEST_COLUMNS} FROM keyctl.requests ORDER BY seq"),
                &[],
                &mut |r| {
                    f(CopyRecord::Request {
                        seq: get(r, 0)?,
                        request: request_at(r, 1)?,
                    })
                },
            ),
            CopyTable::UsageDaily => self.each_row(
                "SELECT key_id, day, status, count FROM keyctl.usage_daily \
                 ORDER BY key_id, day, status",
                &[],
                &mut |r| {
                    f(CopyRecord::Daily {
                        key_id: get(r, 0)?,
                        day: get(r, 1)?,
                        status: small(get(r, 2)?)?,
                        count: count(r, 3)?,
                    })
                },
            ),
            CopyTable::UsageEndpoints => self.each_row(
                "SELECT key_id, day, endpoint, count FROM keyctl.usage_endpoints \
                 ORDER BY key_id, day, endpoint",
                &[],
                &mut |r| {
                    f(CopyRecord::Endpoint {
                        key_id: get(r, 0)?,
                        day: get(r, 1)?,
                        endpoint: get(r, 2)?,
                        count: count(r, 3)?,
                    })
                },
            ),
            CopyTable::LimitCounters => self.each_row(
                "SELECT scope, kind, window_start, count FROM keyctl.limit_counters \
                 ORDER BY scope, kind",
                &[],
                &mut |r| {
                    f(CopyRecord::Counter {
                        scope: get(r, 0)?,
                        kind: get(r, 1)?,
                        counter: Counter {
                            window_start: get(r, 2)?,
                            count: count(r, 3)?,
                        },
                    })
                },
            ),
            CopyTable::AuditEvents => self.each_row(
                &format!("SELECT {AUDIT_COLUMNS} FROM keyctl.audit_events ORDER BY seq"),
                &[],
                &mut |r| f(CopyRecord::Audit(audit_from_row(r)?)),
            ),
            CopyTable::Events => self.each_row(
                &format!("SELECT {EVENT_COLUMNS} FROM keyctl.events ORDER BY seq"),
                &[],
                &mut |r| f(CopyRecord::Event(event_from_row(r)?)),
            ),
            CopyTable::Deliveries => self.each_row(
                &format!(
                    "SELECT {DELIVERY_COLUMNS} FROM keyctl.deliveries \
                     ORDER BY event_seq, destination"
                ),
                &[],
                &mut |r| f(CopyRecord::Delivery(delivery_from_row(r)?)),
            ),
        }
    }

    fn copy_in(&mut self, record: &CopyRecord) -> Result<()> {
        match record {
            CopyRecord::Key { seq, key, hash } => {
                let v = KeyValues::of(key);
                self.execute(
                    "INSERT INTO keyctl.keys (seq, id, name, description, environment, scopes, \
                     prefix, secret_hash, created_at, created_by, expires_at, last_used_at, \
                     revoked_at, revoked_by, revoke_reason, rate_limit_count, \
                     rate_limit_window, quota_count, quota_period, metadata) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                     $16, $17, $18, $19, $20)",
                    &[
                        seq,
                        &key.id,
                        &key.name,
                        &key.description,
                        &key.environment.as_str(),
                        &key.scopes.to_stored(),
                        &key.prefix,
                        &&hash.0[..],
                        &key.created_at.timestamp(),
                        &key.created_by,
                        &v.expires_at,
                        &v.last_used_at,
                        &v.revoked_at,
                        &key.revoked_by,
                        &key.revoke_reason,
                        &v.rate_count,
                        &v.rate_window,
                        &v.quota_count,
                        &v.quota_period,
                        &v.metadata,
                    ],
                )?;
            }
            CopyRecord::Request { seq, request: r } => {
                self.execute(
                    "INSERT INTO keyctl.requests (seq, key_id, ts, method, path, status, \
                     duration_ms, ip, user_agent, outcome, source, actor) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    &[
                        seq,
                        &r.key_id,
                        &r.ts.timestamp(),
                        &r.method,
                        &r.path,
                        &i64::from(r.status),
                        &r.duration_ms.map(i64::from),
                        &r.ip,
                        &r.user_agent,
                        &r.outcome,
                        &r.source.as_str(),
                        &r.actor,
                    ],
                )?;
            }
            CopyRecord::Daily {
                key_id,
                day,
                status,
                count,
            } => self.add_daily(key_id, *day, *status, *count)?,
            CopyRecord::Endpoint {
                key_id,
                day,
                endpoint,
                count,
            } => self.add_endpoint(key_id, *day, endpoint, *count)?,
            CopyRecord::Counter {
                scope,
                kind,
                counter,
            } => self.put_counter(scope, kind, *counter)?,
            CopyRecord::Audit(row) => self.insert_audit(row)?,
            CopyRecord::Event(e) => {
                self.execute(
                    "INSERT INTO keyctl.events (seq, id, type, ts, key_id, key_expires_at, \
                     payload, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        &e.seq,
                        &e.id,
                        &e.kind,
                        &e.ts.timestamp(),
                        &e.key_id,
                        &e.key_expires_at.map(|t| t.timestamp()),
                        &e.payload,
                        &e.state.as_str(),
                    ],
                )?;
            }
            CopyRecord::Delivery(d) => self.put_delivery(d)?,
        }
        Ok(())
    }

    fn copy_finish(&mut self) -> Result<()> {
        for table in ["keyctl.keys", "keyctl.requests", "keyctl.events"] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'seq'), \
                 coalesce(max(seq), 0) + 1, false) FROM {table}"
            );
            self.query_one(&sql, &[])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_leave_the_url() {
        assert_eq!(
            redact_url("postgres://alice:s3cret@db.example.com:5432/keys?sslmode=require"),
            "postgres://alice:***@db.example.com:5432/keys?sslmode=require"
        );
        assert_eq!(
            redact_url("postgresql://alice@db/keys?password=hunter2&sslmode=verify-full"),
            "postgresql://alice@db/keys?password=***&sslmode=verify-full"
        );
        assert_eq!(
            redact_url("postgres://db.example.com/keys"),
            "postgres://db.example.com/keys"
        );
        assert_eq!(redact_url("postgres://a:b:c@h/d"), "postgres://a:***@h/d");
    }

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

    #[test]
    fn trail_queries_bind_every_value() {
        let q = AuditQuery {
            key_id: Some("key_1".into()),
            actions: vec!["key.created".into(), "request".into()],
            actor: Some("alice".into()),
            since: Some(from_unix(10)),
            until: Some(from_unix(20)),
            status: Some((401, 401)),
            path_prefix: Some("/v1/'; DROP TABLE keys; --".into()),
            limit: 5,
        };
        let sql = audit_events_sql(&q);
        assert!(!sql.text.contains("DROP"), "{}", sql.text);
        assert_eq!(sql.args.len(), 8, "{}", sql.text);
        assert!(sql.text.ends_with("LIMIT $8"), "{}", sql.text);
        let sql = trail_requests_sql(&q);
        assert_eq!(sql.args.len(), 7, "{}", sql.text);
    }
}
