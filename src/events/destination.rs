//! Where events go: `[[webhooks]]` URLs and `[[hooks]]` commands, and the
//! settings of delivery (`[events]`). Pure: checking a URL never resolves
//! or connects to anything.
//!
//! Every destination has a name, unique among all of them: the `name` of its
//! entry, or `webhook-N` / `hook-N` after its position in the file. A
//! webhook URL must be `https` unless its host is a loopback address
//! (`localhost`, `127.0.0.0/8`, `[::1]`) or its entry says `allow_http = true`.

use std::net::IpAddr;
use std::time::Duration;

use chrono::TimeDelta;

use super::EventKind;
use super::sign::SigningSecret;

/// A destination of events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub name: String,
    /// The event types it wants (`None`: all of them).
    pub events: Option<Vec<EventKind>>,
    pub target: Target,
}

/// How a destination receives an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An HTTP POST, signed as Standard Webhooks says.
    Webhook { url: String, secret: SigningSecret },
    /// A program run with the event's JSON on standard input.
    Hook { command: Vec<String> },
}

impl Destination {
    /// Whether it wants events of this type.
    #[must_use]
    pub fn wants(&self, kind: EventKind) -> bool {
        self.events.as_ref().is_none_or(|e| e.contains(&kind))
    }

    /// `webhook` or `hook`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self.target {
            Target::Webhook { .. } => "webhook",
            Target::Hook { .. } => "hook",
        }
    }
}

/// The delivery settings of `[events]`, with their defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSettings {
    /// `api_key.expiring` is emitted this long before a key expires.
    pub expiring_within: TimeDelta,
    /// Attempts per delivery before it is marked dead.
    pub max_attempts: u32,
    /// The limit of one attempt (HTTP request or hook run).
    pub timeout: Duration,
    /// The wait after the first failed attempt; it doubles after each
    /// further one, up to [`MAX_BACKOFF`], with random jitter.
    pub backoff: Duration,
    /// Every `[[webhooks]]` entry, then every `[[hooks]]` entry.
    pub destinations: Vec<Destination>,
}

/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

impl Default for EventSettings {
    fn default() -> Self {
        EventSettings {
            expiring_within: TimeDelta::days(7),
            max_attempts: 10,
            timeout: Duration::from_secs(10),
            backoff: Duration::from_secs(30),
            destinations: Vec::new(),
        }
    }
}

impl EventSettings {
    /// The destination of this name.
    #[must_use]
    pub fn destination(&self, name: &str) -> Option<&Destination> {
        self.destinations.iter().find(|d| d.name == name)
    }
}

/// Checks a destination name: 1-64 of `[A-Za-z0-9._-]`.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "name '{}' must be 1-64 letters, digits, '.', '_' or '-'",
            crate::text::escape(name)
        ))
    }
}

/// Checks a webhook URL: `http` or `https`, a host, no user name or
/// password; plain `http` only to a loopback host unless `allow_http`.
/// Messages name the scheme and host at most, never the path or query,
/// which often carry a token.
pub fn check_url(url: &str, allow_http: bool) -> Result<(), String> {
    let uri: http::Uri = url
        .parse()
        .map_err(|_| "url is not a valid absolute URL".to_owned())?;
    let scheme = uri.scheme_str().unwrap_or("");
    let Some(authority) = uri.authority() else {
        return Err("url needs a scheme and a host, as in https://hooks.example.com/keyctl".into());
    };
    if authority.as_str().contains('@') {
        return Err("url must not carry a user name or password".into());
    }
    let host = authority.host();
    match scheme {
        "https" => Ok(()),
        "http" if allow_http || is_loopback(host) => Ok(()),
        "http" => Err(format!(
            "url uses plain http to {}; use https, or set allow_http = true in this entry",
            crate::text::escape(host)
        )),
        _ => Err("url must start with https:// (or http:// to a loopback host)".into()),
    }
}

/// Whether a URL host names this machine.
#[must_use]
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_required_off_this_machine() {
        assert!(check_url("https://hooks.example.com/keyctl", false).is_ok());
        assert!(check_url("http://127.0.0.1:8080/hook", false).is_ok());
        assert!(check_url("http://127.5.0.1/hook", false).is_ok());
        assert!(check_url("http://localhost/hook", false).is_ok());
        assert!(check_url("http://[::1]:9000/hook", false).is_ok());
        let e = check_url("http://hooks.example.com/t0ken", false).unwrap_err();
        assert!(e.contains("allow_http") && !e.contains("t0ken"), "{e}");
        assert!(check_url("http://hooks.example.com/", true).is_ok());
        assert!(check_url("ftp://example.com/", true).is_err());
        assert!(check_url("hooks.example.com/keyctl", false).is_err());
        assert!(check_url("https://user:pw@example.com/", false).is_err());
        assert!(check_url("not a url", false).is_err());
    }

    #[test]
    fn names_are_short_and_plain() {
        assert!(check_name("billing-platform.v2").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("has space").is_err());
        assert!(check_name(&"x".repeat(65)).is_err());
    }

    #[test]
    fn filters_select_types() {
        let d = Destination {
            name: "x".into(),
            events: Some(vec![EventKind::Revoked]),
            target: Target::Hook {
                command: vec!["true".into()],
            },
        };
        assert!(d.wants(EventKind::Revoked));
        assert!(!d.wants(EventKind::Created));
        let all = Destination { events: None, ..d };
        assert!(all.wants(EventKind::Created));
    }
}
