//! Settings: the TOML config file and the resolution of paths.
//!
//! Precedence: `--config` > `KEYCTL_CONFIG` > `$XDG_CONFIG_HOME/keyctl/config.toml`
//! (if it exists) for the config; `--db` > `KEYCTL_DB` > `database` in the
//! config > `$XDG_DATA_HOME/keyctl/keyctl.db` for the database. No config file
//! is needed for anything; an unknown key in one is an error naming the key,
//! the line and the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::events::destination::{self, Destination, EventSettings, Target};
use crate::events::{EventKind, SigningSecret};
use crate::limits::{PRESET_NAMES, Plan, PlanOverride};
use crate::role::Roles;
use crate::scan::doctor::Thresholds;
use crate::scope::Catalog;
use crate::secret::{Environment, KeyPrefix};

/// The environment variables keyctl reads, captured once so that resolution
/// is a pure function of them (and testable).
#[derive(Debug, Clone, Default)]
pub struct EnvVars {
    pub keyctl_db: Option<String>,
    pub keyctl_config: Option<String>,
    pub xdg_config_home: Option<String>,
    pub xdg_data_home: Option<String>,
    pub home: Option<String>,
}

impl EnvVars {
    /// Reads the process environment. Empty values count as unset.
    #[must_use]
    pub fn from_process() -> EnvVars {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        EnvVars {
            keyctl_db: get("KEYCTL_DB"),
            keyctl_config: get("KEYCTL_CONFIG"),
            xdg_config_home: get("XDG_CONFIG_HOME"),
            xdg_data_home: get("XDG_DATA_HOME"),
            home: get("HOME"),
        }
    }

    fn home(&self) -> Option<PathBuf> {
        self.home.as_ref().map(PathBuf::from)
    }

    /// `$XDG_CONFIG_HOME/keyctl/config.toml`, or `~/.config/keyctl/config.toml`.
    #[must_use]
    pub fn default_config_path(&self) -> Option<PathBuf> {
        let base = match &self.xdg_config_home {
            Some(x) if Path::new(x).is_absolute() => PathBuf::from(x),
            _ => self.home()?.join(".config"),
        };
        Some(base.join("keyctl").join("config.toml"))
    }

    /// `$XDG_DATA_HOME/keyctl/keyctl.db`, or `~/.local/share/keyctl/keyctl.db`.
    #[must_use]
    pub fn default_db_path(&self) -> Option<PathBuf> {
        let base = match &self.xdg_data_home {
            Some(x) if Path::new(x).is_absolute() => PathBuf::from(x),
            _ => self.home()?.join(".local").join("share"),
        };
        Some(base.join("keyctl").join("keyctl.db"))
    }

    fn expand(&self, p: &str) -> PathBuf {
        match (p.strip_prefix("~/"), self.home()) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(p),
        }
    }
}

/// Which config file to read, if any: an explicit one must exist; the default
/// one is read only when it exists.
#[must_use]
pub fn config_path(cli: Option<&Path>, env: &EnvVars) -> Option<(PathBuf, bool)> {
    if let Some(p) = cli {
        return Some((p.to_path_buf(), true));
    }
    if let Some(p) = &env.keyctl_config {
        return Some((env.expand(p), true));
    }
    env.default_config_path().map(|p| (p, false))
}

/// The store these settings name (see [`db_path`]): a `postgres://` URL is
/// PostgreSQL, anything else a SQLite file.
pub fn db_location(
    cli: Option<&Path>,
    env: &EnvVars,
    config: &Config,
) -> Result<crate::store::Location> {
    db_path(cli, env, config).map(|p| crate::store::Location::of(&p))
}

/// The database setting: `--db` > `KEYCTL_DB` > `database` in the config >
/// the XDG default. It may hold a URL: open it as [`db_location`] does.
pub fn db_path(cli: Option<&Path>, env: &EnvVars, config: &Config) -> Result<PathBuf> {
    if let Some(p) = cli {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = &env.keyctl_db {
        return Ok(env.expand(p));
    }
    if let Some(p) = &config.database {
        if crate::store::is_postgres_url(p) {
            return Ok(PathBuf::from(p));
        }
        let p = env.expand(p);
        // A relative path in a config file is relative to that file.
        return Ok(match (&config.source, p.is_relative()) {
            (Some(src), true) => src.parent().unwrap_or(Path::new(".")).join(p),
            _ => p,
        });
    }
    env.default_db_path().ok_or_else(|| {
        Error::usage(
            "cannot find a place for the database: HOME and XDG_DATA_HOME are unset",
            Some(crate::error::hint::NO_DB_PLACE.to_owned()),
        )
    })
}

/// The config file's contents, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    database: Option<String>,
    key_prefix: Option<String>,
    default_env: Option<String>,
    scopes: Option<Vec<String>>,
    plan: Option<String>,
    #[serde(default)]
    plans: BTreeMap<String, PlanOverride>,
    roles: Option<BTreeMap<String, String>>,
    events: Option<RawEvents>,
    #[serde(default)]
    webhooks: Vec<RawWebhook>,
    #[serde(default)]
    hooks: Vec<RawHook>,
    doctor: Option<RawDoctor>,
    serve: Option<ServeSettings>,
}

/// `[doctor]`: the thresholds of `keyctl doctor`, in days.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoctor {
    never_used_days: Option<u32>,
    idle_days: Option<u32>,
    expiring_days: Option<u32>,
    old_days: Option<u32>,
}

/// `[events]`: delivery settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvents {
    expiring_within: Option<String>,
    max_attempts: Option<u32>,
    timeout: Option<String>,
    backoff: Option<String>,
}

/// `[serve]`: defaults for `keyctl serve`, which its options override. The
/// values are checked by the command, which names this file in its errors.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeSettings {
    /// Addresses to listen on (`HOST:PORT` or `unix:PATH`).
    pub listen: Option<Vec<String>>,
    /// Verify without recording.
    #[serde(default)]
    pub no_record: bool,
    /// `text` or `json`.
    pub log_format: Option<String>,
}

/// One `[[webhooks]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhook {
    name: Option<String>,
    url: String,
    secret: String,
    events: Option<Vec<String>>,
    #[serde(default)]
    allow_http: bool,
}

/// One `[[hooks]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHook {
    name: Option<String>,
    command: Vec<String>,
    events: Option<Vec<String>>,
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file these settings came from, if any.
    pub source: Option<PathBuf>,
    pub database: Option<String>,
    pub key_prefix: KeyPrefix,
    pub default_env: Environment,
    pub catalog: Catalog,
    /// The active plan (`None`: unlimited).
    pub plan: Option<Plan>,
    /// The role table (`None`: everyone is an owner).
    pub roles: Option<Roles>,
    /// `[events]`, `[[webhooks]]` and `[[hooks]]`.
    pub events: EventSettings,
    /// `[doctor]`: the thresholds of `keyctl doctor`.
    pub doctor: Thresholds,
    /// `[serve]`.
    pub serve: ServeSettings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            source: None,
            database: None,
            key_prefix: KeyPrefix::default(),
            default_env: Environment::Live,
            catalog: Catalog::default(),
            plan: None,
            roles: None,
            events: EventSettings::default(),
            doctor: Thresholds::default(),
            serve: ServeSettings::default(),
        }
    }
}

impl Config {
    /// Loads the config that `--config`/`KEYCTL_CONFIG`/XDG select, or the
    /// defaults when there is none.
    pub fn load(cli: Option<&Path>, env: &EnvVars) -> Result<Config> {
        let Some((path, explicit)) = config_path(cli, env) else {
            return Ok(Config::default());
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                Ok(Config::default())
            }
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    /// Parses config text; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let err = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let msg = e.message().trim().replace('\n', " ");
            err(match line {
                Some(l) => format!("line {l}: {msg}"),
                None => msg,
            })
        })?;
        let line_of = |needle: &str| -> String {
            text.lines()
                .position(|l| l.trim_start().starts_with(needle))
                .map(|i| format!("line {}: ", i + 1))
                .unwrap_or_default()
        };

        let mut config = Config {
            source: Some(path.to_path_buf()),
            database: raw.database,
            serve: raw.serve.unwrap_or_default(),
            ..Config::default()
        };
        if let Some(p) = raw.key_prefix {
            config.key_prefix =
                KeyPrefix::new(&p).map_err(|e| err(format!("{}{e}", line_of("key_prefix"))))?;
        }
        if let Some(e) = raw.default_env {
            config.default_env = e
                .parse()
                .map_err(|x| err(format!("{}default_env: {x}", line_of("default_env"))))?;
        }
        if let Some(scopes) = raw.scopes {
            config.catalog = Catalog::new(scopes)
                .map_err(|m| err(format!("{}scopes: {m}", line_of("scopes"))))?;
        }
        for (name, o) in &raw.plans {
            let mut plan = Plan::preset(name).unwrap_or(Plan {
                name: name.clone(),
                max_keys: None,
                monthly_calls: None,
                rate_limit: None,
            });
            plan.apply(o).map_err(|(field, m)| {
                let header = format!("[plans.{name}]");
                let mut at = field_line(text, &header, 0, field);
                if at.is_empty() {
                    at = line_of(&header);
                }
                err(format!("{at}plans.{name}: {m}"))
            })?;
        }
        if let Some(name) = raw.plan {
            let mut plan = match Plan::preset(&name) {
                Some(p) => p,
                None if raw.plans.contains_key(&name) => Plan {
                    name: name.clone(),
                    max_keys: None,
                    monthly_calls: None,
                    rate_limit: None,
                },
                None => {
                    return Err(err(format!(
                        "{}plan '{}' is neither a preset ({}) nor defined in [plans.{}]",
                        line_of("plan"),
                        crate::text::escape(&name),
                        PRESET_NAMES.join(", "),
                        crate::text::escape(&name)
                    )));
                }
            };
            if let Some(o) = raw.plans.get(&name) {
                // Checked above; cannot fail here.
                plan.apply(o).map_err(|(_, m)| err(m))?;
            }
            config.plan = Some(plan);
        }
        if let Some(roles) = raw.roles {
            config.roles = Some(Roles::from_table(&roles, text).map_err(err)?);
        }
        config.events = event_settings(
            raw.events.unwrap_or_default(),
            &raw.webhooks,
            &raw.hooks,
            text,
        )
        .map_err(err)?;
        if let Some(d) = raw.doctor {
            let t = &mut config.doctor;
            t.never_used_days = d.never_used_days.unwrap_or(t.never_used_days);
            t.idle_days = d.idle_days.unwrap_or(t.idle_days);
            t.expiring_days = d.expiring_days.unwrap_or(t.expiring_days);
            t.old_days = d.old_days.unwrap_or(t.old_days);
        }
        Ok(config)
    }
}

/// `line N: ` for a field of the `index`-th `[[table]]` entry (or for the
/// entry's header when the field is not found), or nothing.
fn entry_line(text: &str, table: &str, index: usize, field: &str) -> String {
    field_line(text, &format!("[[{table}]]"), index, field)
}

/// `line N: ` for a field under the `index`-th line that reads `header`
/// (or for that line when the field is not found), or nothing.
fn field_line(text: &str, header: &str, index: usize, field: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == header)
        .map(|(i, _)| i)
        .nth(index)
    else {
        return String::new();
    };
    let field_at = lines[start + 1..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with('['))
        .position(|l| {
            l.trim_start()
                .strip_prefix(field)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| start + 1 + i);
    format!("line {}: ", field_at.unwrap_or(start) + 1)
}

/// `line N: ` for a field of `[events]`, or nothing.
fn events_line(text: &str, field: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim() == "[events]") else {
        return String::new();
    };
    lines[start + 1..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with('['))
        .position(|l| l.trim_start().starts_with(field))
        .map(|i| format!("line {}: ", start + i + 2))
        .unwrap_or_else(|| format!("line {}: ", start + 1))
}

fn event_filter(
    events: Option<&Vec<String>>,
    at: &dyn Fn(&str) -> String,
    table: &str,
) -> std::result::Result<Option<Vec<EventKind>>, String> {
    let Some(events) = events else {
        return Ok(None);
    };
    if events.is_empty() {
        return Err(format!(
            "{}{table}: events is empty; leave it out to receive every type",
            at("events")
        ));
    }
    events
        .iter()
        .map(|e| {
            EventKind::parse(e).map_err(|x| {
                let hint = x.hint().map(|h| format!(" ({h})")).unwrap_or_default();
                format!("{}{table}: {x}{hint}", at("events"))
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map(Some)
}

/// Checks and resolves `[events]`, `[[webhooks]]` and `[[hooks]]`.
fn event_settings(
    raw: RawEvents,
    webhooks: &[RawWebhook],
    hooks: &[RawHook],
    text: &str,
) -> std::result::Result<EventSettings, String> {
    let mut settings = EventSettings::default();
    let duration =
        |field: &str, value: &str, min: std::time::Duration, max: std::time::Duration| {
            let d = crate::time::parse_duration(value)
                .ok()
                .and_then(|d| d.to_std().ok())
                .ok_or_else(|| {
                    format!(
                        "{}events.{field}: '{}' is not a duration such as 30s, 15min, 12h or 7d",
                        events_line(text, field),
                        crate::text::escape(value)
                    )
                })?;
            if d < min || d > max {
                return Err(format!(
                    "{}events.{field}: {} is out of range ({}s to {}s)",
                    events_line(text, field),
                    crate::text::escape(value),
                    min.as_secs(),
                    max.as_secs()
                ));
            }
            Ok(d)
        };
    let secs = std::time::Duration::from_secs;
    if let Some(v) = &raw.expiring_within {
        let d = duration("expiring_within", v, secs(1), secs(365 * 86_400))?;
        settings.expiring_within =
            chrono::TimeDelta::from_std(d).unwrap_or(settings.expiring_within);
    }
    if let Some(n) = raw.max_attempts {
        if !(1..=100).contains(&n) {
            return Err(format!(
                "{}events.max_attempts: {n} is out of range (1 to 100)",
                events_line(text, "max_attempts")
            ));
        }
        settings.max_attempts = n;
    }
    if let Some(v) = &raw.timeout {
        settings.timeout = duration("timeout", v, secs(1), secs(300))?;
    }
    if let Some(v) = &raw.backoff {
        settings.backoff = duration("backoff", v, secs(0), destination::MAX_BACKOFF)?;
    }

    let mut names: Vec<String> = Vec::new();
    let mut check_unique = |name: &str, at: String| {
        if names.iter().any(|n| n == name) {
            return Err(format!(
                "{at}the name '{name}' is used by two entries of [[webhooks]] and [[hooks]]"
            ));
        }
        names.push(name.to_owned());
        Ok(())
    };
    for (i, w) in webhooks.iter().enumerate() {
        let at = |field: &str| entry_line(text, "webhooks", i, field);
        let name = w
            .name
            .clone()
            .unwrap_or_else(|| format!("webhook-{}", i + 1));
        destination::check_name(&name).map_err(|m| format!("{}webhooks: {m}", at("name")))?;
        check_unique(&name, at("name"))?;
        destination::check_url(&w.url, w.allow_http)
            .map_err(|m| format!("{}webhooks '{name}': {m}", at("url")))?;
        let secret = SigningSecret::parse(&w.secret)
            .map_err(|m| format!("{}webhooks '{name}': secret: {m}", at("secret")))?;
        let events = event_filter(w.events.as_ref(), &at, &format!("webhooks '{name}'"))?;
        settings.destinations.push(Destination {
            name,
            events,
            target: Target::Webhook {
                url: w.url.trim().to_owned(),
                secret,
            },
        });
    }
    for (i, h) in hooks.iter().enumerate() {
        let at = |field: &str| entry_line(text, "hooks", i, field);
        let name = h.name.clone().unwrap_or_else(|| format!("hook-{}", i + 1));
        destination::check_name(&name).map_err(|m| format!("{}hooks: {m}", at("name")))?;
        check_unique(&name, at("name"))?;
        if h.command.first().is_none_or(|p| p.trim().is_empty()) {
            return Err(format!(
                "{}hooks '{name}': command needs a program, as in [\"/usr/local/bin/notify\", \"--flag\"]",
                at("command")
            ));
        }
        let events = event_filter(h.events.as_ref(), &at, &format!("hooks '{name}'"))?;
        settings.destinations.push(Destination {
            name,
            events,
            target: Target::Hook {
                command: h.command.clone(),
            },
        });
    }
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> EnvVars {
        EnvVars {
            home: Some("/home/op".into()),
            ..EnvVars::default()
        }
    }

    #[test]
    fn db_path_precedence() {
        let mut e = env();
        let c = Config::default();
        assert_eq!(
            db_path(None, &e, &c).unwrap(),
            PathBuf::from("/home/op/.local/share/keyctl/keyctl.db")
        );
        e.xdg_data_home = Some("/data".into());
        assert_eq!(
            db_path(None, &e, &c).unwrap(),
            PathBuf::from("/data/keyctl/keyctl.db")
        );
        let c = Config::parse("database = \"k.db\"", Path::new("/etc/keyctl/config.toml")).unwrap();
        assert_eq!(
            db_path(None, &e, &c).unwrap(),
            PathBuf::from("/etc/keyctl/k.db")
        );
        let c2 = Config::parse("database = \"~/k.db\"", Path::new("/etc/c.toml")).unwrap();
        assert_eq!(
            db_path(None, &e, &c2).unwrap(),
            PathBuf::from("/home/op/k.db")
        );
        e.keyctl_db = Some("/env.db".into());
        assert_eq!(db_path(None, &e, &c).unwrap(), PathBuf::from("/env.db"));
        let url = "postgres://keyctl@db.internal/keyctl";
        let c3 = Config::parse(&format!("database = \"{url}\""), Path::new("/etc/c.toml")).unwrap();
        assert_eq!(
            db_path(None, &EnvVars::default(), &c3).unwrap(),
            PathBuf::from(url),
            "a URL in a config file is not a path relative to it"
        );
        assert_eq!(
            db_path(Some(Path::new("cli.db")), &e, &c).unwrap(),
            PathBuf::from("cli.db")
        );
        assert!(db_path(None, &EnvVars::default(), &Config::default()).is_err());
    }

    #[test]
    fn relative_xdg_values_are_ignored() {
        let mut e = env();
        e.xdg_data_home = Some("relative".into());
        e.xdg_config_home = Some("relative".into());
        assert_eq!(
            e.default_db_path().unwrap(),
            PathBuf::from("/home/op/.local/share/keyctl/keyctl.db")
        );
        assert_eq!(
            e.default_config_path().unwrap(),
            PathBuf::from("/home/op/.config/keyctl/config.toml")
        );
    }

    #[test]
    fn config_path_precedence() {
        let mut e = env();
        assert_eq!(
            config_path(None, &e),
            Some((PathBuf::from("/home/op/.config/keyctl/config.toml"), false))
        );
        e.keyctl_config = Some("/env.toml".into());
        assert_eq!(
            config_path(None, &e),
            Some((PathBuf::from("/env.toml"), true))
        );
        assert_eq!(
            config_path(Some(Path::new("/cli.toml")), &e),
            Some((PathBuf::from("/cli.toml"), true))
        );
    }

    #[test]
    fn a_missing_default_config_is_fine_but_an_explicit_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let e = EnvVars {
            home: Some(dir.path().to_string_lossy().into_owned()),
            ..EnvVars::default()
        };
        assert!(Config::load(None, &e).unwrap().source.is_none());
        assert!(Config::load(Some(&dir.path().join("nope.toml")), &e).is_err());
    }

    #[test]
    fn errors_inside_a_table_name_the_line_of_the_field() {
        for (text, expect) in [
            (
                "[plans.trial]\nmax_keys = -1\n",
                "/c.toml: line 2: plans.trial: max_keys must not be negative",
            ),
            (
                "plan = \"trial\"\n\n[plans.trial]\nmonthly_calls = 5\nrate_limit = \"x\"\n",
                "/c.toml: line 5: plans.trial: rate limit 'x'",
            ),
        ] {
            let err = Config::parse(text, Path::new("/c.toml"))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(expect), "{err}");
        }
    }

    #[test]
    fn unknown_keys_name_the_key_the_line_and_the_file() {
        let err = Config::parse(
            "key_prefix = \"sk\"\ncolour = \"red\"\n",
            Path::new("/c.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("/c.toml: line 2: unknown field `colour`"),
            "{err}"
        );
        assert!(!err.contains('\n'));
    }

    #[test]
    fn settings_are_read_and_checked() {
        let c = Config::parse(
            "key_prefix = \"acme\"\ndefault_env = \"test\"\nscopes = [\"orders\"]\nplan = \"pro\"\n[plans.pro]\nmax_keys = 3\n",
            Path::new("/c.toml"),
        )
        .unwrap();
        assert_eq!(c.key_prefix.as_str(), "acme");
        assert_eq!(c.default_env, Environment::Test);
        assert_eq!(c.catalog.resources(), ["orders"]);
        assert_eq!(c.plan.unwrap().max_keys, Some(3));
        for bad in [
            "key_prefix = \"A\"",
            "default_env = \"prod\"",
            "scopes = []",
            "plan = \"gold\"",
            "[plans.pro]\nmax_keys = -2",
            "[plans.pro]\nseats = 2",
            "key_prefix = 3",
        ] {
            let e = Config::parse(bad, Path::new("/c.toml"))
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("/c.toml: "), "{bad}: {e}");
        }
    }

    #[test]
    fn webhooks_and_hooks_are_named_checked_and_ordered() {
        let c = Config::parse(
            "[events]\nexpiring_within = \"14d\"\nmax_attempts = 3\ntimeout = \"5s\"\nbackoff = \"1min\"\n\n\
             [[webhooks]]\nurl = \"https://a.example/x\"\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n\n\
             [[webhooks]]\nname = \"billing\"\nurl = \"http://127.0.0.1:9/x\"\n\
             secret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\nevents = [\"api_key.revoked\"]\n\n\
             [[hooks]]\ncommand = [\"notify\", \"--channel\", \"ops\"]\n",
            Path::new("/c.toml"),
        )
        .unwrap();
        let e = &c.events;
        assert_eq!(e.expiring_within, chrono::TimeDelta::days(14));
        assert_eq!(
            (e.max_attempts, e.timeout.as_secs(), e.backoff.as_secs()),
            (3, 5, 60)
        );
        let names: Vec<&str> = e.destinations.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["webhook-1", "billing", "hook-1"]);
        assert!(!e.destinations[1].wants(EventKind::Created));
        assert!(e.destinations[2].wants(EventKind::Created));
        // Nothing of the secret shows in a debug print of the settings.
        assert!(!format!("{c:?}").contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));

        let err = Config::parse(
            "plan = \"pro\"\n\n[[webhooks]]\nname = \"x\"\nurl = \"http://example.com/\"\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n",
            Path::new("/c.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("/c.toml: line 5: webhooks 'x': url uses plain http"),
            "{err}"
        );
        assert_eq!(
            Config::default().events.expiring_within,
            chrono::TimeDelta::days(7)
        );
    }

    #[test]
    fn custom_plans_can_be_selected() {
        let c = Config::parse(
            "plan = \"team\"\n[plans.team]\nmax_keys = 5\nmonthly_calls = \"unlimited\"\n",
            Path::new("/c.toml"),
        )
        .unwrap();
        let p = c.plan.unwrap();
        assert_eq!(
            (p.name.as_str(), p.max_keys, p.monthly_calls),
            ("team", Some(5), None)
        );
    }
}
