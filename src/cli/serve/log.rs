//! The access log: one line per request on standard error, as text or as a
//! JSON object. A line never holds a secret: a key appears as its displayed
//! prefix, paths lose their query string, and every field is passed through
//! the secret redactor and escaped for a terminal.
//!
//! A write to standard error per request would cost a busy server a system
//! call for every answer, so each worker thread gathers its lines and writes
//! them whole, in order, with one call: when the thread runs out of work and
//! parks ([`flush_thread`] is the runtime's park hook), when its lines pass
//! [`FLUSH_BYTES`], or when the oldest of them has waited [`FLUSH_AFTER`].
//! An idle server therefore writes each line as soon as its response is
//! sent, and a busy one writes in blocks.

use std::cell::RefCell;
use std::io::Write;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use serde_json::json;

use crate::keyctl::Presented;
use crate::secret::scan::redact_secrets;
use crate::text::escape;
use crate::verify::Verification;

/// How access-log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// `text` or `json`.
    pub fn parse(s: &str) -> Option<LogFormat> {
        match s {
            "text" => Some(LogFormat::Text),
            "json" => Some(LogFormat::Json),
            _ => None,
        }
    }
}

/// The most bytes of lines a worker thread holds before it writes them.
const FLUSH_BYTES: usize = 32 * 1024;
/// The longest a line waits on a worker that never runs out of work.
const FLUSH_AFTER: Duration = Duration::from_millis(100);

/// The lines of one worker thread not written yet, and when the oldest came.
struct Pending {
    lines: Vec<u8>,
    since: Option<Instant>,
}

thread_local! {
    static PENDING: RefCell<Pending> = const {
        RefCell::new(Pending { lines: Vec::new(), since: None })
    };
}

/// Writes the lines this thread holds to standard error, whole and in order.
/// A log that cannot be written does not stop the server.
pub fn flush_thread() {
    PENDING.with(|p| {
        let Ok(mut p) = p.try_borrow_mut() else {
            return;
        };
        if p.lines.is_empty() {
            return;
        }
        let _ = std::io::stderr().lock().write_all(&p.lines);
        p.lines.clear();
        p.since = None;
    });
}

/// Where access-log lines go.
pub struct AccessLog {
    pub format: LogFormat,
}

/// What one line tells.
pub struct LogEntry {
    method: String,
    path: String,
    pub status: u16,
    /// The method and path of the request being authorized.
    original: Option<String>,
    outcome: Option<&'static str>,
    prefix: Option<String>,
}

/// Text fit for a log line: no secret, no control character.
fn clean(s: &str) -> String {
    escape(&redact_secrets(s)).into_owned()
}

impl LogEntry {
    pub fn new(method: &str, path: &str) -> LogEntry {
        LogEntry {
            method: clean(method),
            path: clean(path),
            status: 0,
            original: None,
            outcome: None,
            prefix: None,
        }
    }

    /// Notes what a verification asks, before it runs.
    pub fn describe(&mut self, p: &Presented) {
        let r = &p.request;
        if let (Some(m), Some(path)) = (&r.method, &r.path) {
            let path = path.split(['?', '#']).next().unwrap_or_default();
            self.original = Some(format!("{} {}", clean(m), clean(path)));
        }
        self.prefix = super::http::shown_prefix(&p.secret);
    }

    /// Notes the outcome of a verification.
    pub fn verified(&mut self, v: &Verification) {
        self.outcome = Some(v.outcome.code());
        if let Some(k) = &v.key {
            self.prefix = Some(k.prefix.clone());
        }
    }
}

impl AccessLog {
    /// Adds the line for `entry`, which took `took`, to this thread's lines
    /// (see the module's introduction for when they are written).
    pub fn write(&self, entry: &LogEntry, took: Duration) {
        let time = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        let ms = took.as_secs_f64() * 1000.0;
        let line = match self.format {
            LogFormat::Text => format!(
                "{time} {} {} {} {} {} {ms:.3}ms{}",
                entry.method,
                entry.path,
                entry.status,
                entry.outcome.unwrap_or("-"),
                entry.prefix.as_deref().unwrap_or("-"),
                entry
                    .original
                    .as_ref()
                    .map(|o| format!(" for=\"{o}\""))
                    .unwrap_or_default(),
            ),
            LogFormat::Json => json!({
                "time": time,
                "method": entry.method,
                "path": entry.path,
                "status": entry.status,
                "outcome": entry.outcome,
                "key_prefix": entry.prefix,
                "request": entry.original,
                "duration_ms": (ms * 1000.0).round() / 1000.0,
            })
            .to_string(),
        };
        let full = PENDING.with(|p| {
            let Ok(mut p) = p.try_borrow_mut() else {
                return true;
            };
            p.lines.extend_from_slice(line.as_bytes());
            p.lines.push(b'\n');
            let since = *p.since.get_or_insert_with(Instant::now);
            p.lines.len() >= FLUSH_BYTES || since.elapsed() >= FLUSH_AFTER
        });
        if full {
            flush_thread();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::VerifyRequest;

    #[test]
    fn a_line_names_a_key_by_its_prefix_and_drops_queries() {
        // A well-formed secret, built as a client would send it.
        let secret = crate::secret::Secret::generate(
            &crate::secret::KeyPrefix::default(),
            crate::secret::Environment::Live,
        )
        .expect("the OS random source works");
        let exposed = secret.expose().to_owned();
        let mut e = LogEntry::new("GET", &format!("/auth/{exposed}"));
        e.describe(&Presented {
            secret: exposed.clone(),
            request: VerifyRequest::http("GET", format!("/v1/invoices?token={exposed}")),
        });
        assert_eq!(e.prefix.as_deref(), Some(secret.display_prefix().as_str()));
        assert_eq!(e.original.as_deref(), Some("GET /v1/invoices"));
        assert!(!e.path.contains(&exposed));
    }
}
