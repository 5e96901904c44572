//! `ingest`: gateway log lines, one JSON object each, checked field by
//! field and turned into request rows; the rollups they add are merged
//! into the store in batches, which bounds memory whatever the file size.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};

use chrono::TimeDelta;
use serde_json::Value;

use super::{IngestSummary, ROLLUP_FLUSH_EVERY, day_of, endpoint, spool_error};
use crate::error::{Error, Result};
use crate::secret::scan::strip_secrets;
use crate::store::{Queries, RequestRecord, Source};
use crate::text::escape;
use crate::time::{Timestamp, from_unix};

/// A line's problem, naming the field.
fn field_error(line: u64, field: &str, message: impl std::fmt::Display) -> Error {
    Error::invalid(format!(
        "line {line}: field '{field}': {message}; nothing was imported"
    ))
}

fn opt_string(
    obj: &serde_json::Map<String, Value>,
    line: u64,
    field: &str,
    max: usize,
) -> Result<Option<String>> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        // A secret in a logged path or user agent is cut to its prefix.
        Some(Value::String(s)) if s.chars().count() <= max => {
            Ok(Some(strip_secrets(&crate::text::storable(s)).into_owned()))
        }
        Some(Value::String(_)) => Err(field_error(
            line,
            field,
            format!("longer than {max} characters"),
        )),
        Some(other) => Err(field_error(
            line,
            field,
            format!("expected a string, found {}", kind(other)),
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The optional `ip` member, which must be an IPv4 or IPv6 address.
fn ip_field(obj: &serde_json::Map<String, Value>, line: u64) -> Result<Option<String>> {
    let ip = opt_string(obj, line, "ip", 100)?;
    if let Some(ip) = &ip
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        return Err(field_error(
            line,
            "ip",
            format!("'{}' is not an IP address", escape(ip)),
        ));
    }
    Ok(ip)
}

/// A log line as parsed: an object whose fields each appear once, or the
/// kind of JSON value it is instead. `serde_json`'s own `Value` keeps the
/// last of two equal fields, so a line could say one thing to a reader and
/// another to keyctl.
enum LineValue {
    Object(serde_json::Map<String, Value>),
    Other(&'static str),
}

impl<'de> serde::Deserialize<'de> for LineValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(LineVisitor)
    }
}

struct LineVisitor;

impl<'de> serde::de::Visitor<'de> for LineVisitor {
    type Value = LineValue;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<LineValue, A::Error> {
        let mut obj = serde_json::Map::new();
        while let Some(field) = map.next_key::<String>()? {
            if obj.contains_key(&field) {
                return Err(serde::de::Error::custom(format!(
                    "field '{}' appears twice",
                    escape(&field)
                )));
            }
            let value: Value = map.next_value()?;
            obj.insert(field, value);
        }
        Ok(LineValue::Object(obj))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<LineValue, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(LineValue::Other("an array"))
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<LineValue, E> {
        Ok(LineValue::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<LineValue, E> {
        Ok(LineValue::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<LineValue, E> {
        Ok(LineValue::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<LineValue, E> {
        Ok(LineValue::Other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<LineValue, E> {
        Ok(LineValue::Other("a string"))
    }

    fn visit_unit<E>(self) -> std::result::Result<LineValue, E> {
        Ok(LineValue::Other("null"))
    }
}

/// The longest line `ingest` reads, in bytes: far above any record, and a
/// bound on the memory one line can take.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Refuses a request time before 1970 or more than a day ahead of `now`
/// (a day allows for clocks that disagree): such a row would head the
/// trail or the reports for ever.
fn check_request_time(ts: Timestamp, now: Timestamp, line: u64) -> Result<()> {
    if ts.timestamp() < 0 {
        return Err(field_error(
            line,
            "ts",
            format!("{} is before 1970", crate::time::rfc3339(ts)),
        ));
    }
    if ts > now + TimeDelta::days(1) {
        return Err(field_error(
            line,
            "ts",
            format!(
                "{} is more than a day after now ({})",
                crate::time::rfc3339(ts),
                crate::time::rfc3339(now)
            ),
        ));
    }
    Ok(())
}

/// Parses one line of a gateway log as `ingest` does (`line` numbers it in
/// errors), without touching a store: `resolve` maps the `key` field (an id
/// or a displayed prefix) to a key id, or to `None` for no such key. For a
/// service that checks its log lines before handing them over.
pub fn parse_request_line(
    text: &str,
    line: u64,
    resolve: &mut dyn FnMut(&str) -> Result<Option<String>>,
) -> Result<RequestRecord> {
    parse_line(text.trim(), line, resolve, None)
}

/// Parses one JSON Lines record; `resolve` maps a key id or prefix to an id.
pub(super) fn parse_line(
    text: &str,
    line: u64,
    resolve: &mut dyn FnMut(&str) -> Result<Option<String>>,
    actor: Option<&str>,
) -> Result<RequestRecord> {
    let value: LineValue = serde_json::from_str(text).map_err(|e| {
        // serde_json counts lines within the one line it was given; say the column only.
        let full = e.to_string();
        let what = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(m, _)| m);
        Error::invalid(format!(
            "line {line}: invalid JSON at column {}: {what}; nothing was imported",
            e.column()
        ))
    })?;
    let obj = match value {
        LineValue::Object(obj) => obj,
        LineValue::Other(kind) => {
            return Err(Error::invalid(format!(
                "line {line}: expected a JSON object, found {kind}; nothing was imported"
            )));
        }
    };
    let key = match obj.get("key") {
        Some(Value::String(s)) => s.clone(),
        None => return Err(field_error(line, "key", "missing")),
        Some(other) => {
            return Err(field_error(
                line,
                "key",
                format!("expected a string, found {}", kind(other)),
            ));
        }
    };
    let key_id = resolve(&key)?.ok_or_else(|| {
        field_error(
            line,
            "key",
            format!("no key has the id or prefix '{}'", escape(&key)),
        )
    })?;
    let ts = match obj.get("ts") {
        Some(Value::String(s)) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| from_unix(t.timestamp()))
            .map_err(|_| {
                field_error(
                    line,
                    "ts",
                    format!("'{}' is not an RFC 3339 time", escape(s)),
                )
            })?,
        Some(Value::Number(n)) => n
            .as_i64()
            .filter(|s| (0..=253_402_300_799).contains(s))
            .map(from_unix)
            .ok_or_else(|| field_error(line, "ts", "expected Unix seconds or an RFC 3339 time"))?,
        None => return Err(field_error(line, "ts", "missing")),
        Some(other) => {
            return Err(field_error(
                line,
                "ts",
                format!("expected a time, found {}", kind(other)),
            ));
        }
    };
    let status = match obj.get("status") {
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|s| (100..=599).contains(s))
            .and_then(|s| u16::try_from(s).ok())
            .ok_or_else(|| {
                field_error(
                    line,
                    "status",
                    format!("{n} is not an HTTP status (100-599)"),
                )
            })?,
        None => return Err(field_error(line, "status", "missing")),
        Some(other) => {
            return Err(field_error(
                line,
                "status",
                format!("expected a number, found {}", kind(other)),
            ));
        }
    };
    let method = opt_string(&obj, line, "method", 16)?;
    if let Some(m) = &method
        && !m.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return Err(field_error(
            line,
            "method",
            format!("'{}' is not an HTTP method", escape(m)),
        ));
    }
    let duration_ms = match obj.get("duration_ms") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(
            n.as_f64()
                .filter(|d| (0.0..=f64::from(u32::MAX)).contains(d))
                .map(|d| d.round() as u32)
                .ok_or_else(|| {
                    field_error(
                        line,
                        "duration_ms",
                        format!("{n} is not a duration in milliseconds"),
                    )
                })?,
        ),
        Some(other) => {
            return Err(field_error(
                line,
                "duration_ms",
                format!("expected a number, found {}", kind(other)),
            ));
        }
    };
    Ok(RequestRecord {
        key_id: Some(key_id),
        ts,
        method: method.map(|m| m.to_ascii_uppercase()),
        path: opt_string(&obj, line, "path", 2048)?,
        status,
        duration_ms,
        ip: ip_field(&obj, line)?,
        user_agent: opt_string(&obj, line, "user_agent", 1000)?,
        outcome: None,
        source: Source::Ingest,
        actor: actor.map(str::to_owned),
    })
}

#[derive(Default)]
struct Rollups {
    daily: HashMap<(String, i64, u16), u64>,
    endpoints: HashMap<(String, i64, String), u64>,
}

impl Rollups {
    fn add(&mut self, r: &RequestRecord) {
        let Some(key_id) = &r.key_id else { return };
        let day = day_of(r.ts);
        *self
            .daily
            .entry((key_id.clone(), day, r.status))
            .or_default() += 1;
        let ep = endpoint(r.method.as_deref(), r.path.as_deref());
        *self.endpoints.entry((key_id.clone(), day, ep)).or_default() += 1;
    }

    fn flush(&mut self, q: &mut dyn Queries) -> Result<()> {
        for ((key, day, status), n) in self.daily.drain() {
            q.add_daily(&key, day, status, n)?;
        }
        for ((key, day, ep), n) in self.endpoints.drain() {
            q.add_endpoint(&key, day, &ep, n)?;
        }
        Ok(())
    }
}

/// Maps each `key` value of a log (an id or a displayed prefix) to a key id.
pub(crate) type KeyIds = HashMap<String, String>;

/// Pass 1: reads every line, checks it, resolves its key, and copies the
/// non-blank lines to `spool`. Any problem stops here, before a write.
pub(crate) fn check_lines(
    q: &mut dyn Queries,
    reader: &mut dyn BufRead,
    spool: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
    now: Timestamp,
) -> Result<KeyIds> {
    let mut ids: HashMap<String, Option<String>> = HashMap::new();
    let mut buf = Vec::new();
    let (mut line, mut bytes) = (0u64, 0u64);
    loop {
        buf.clear();
        // At most one byte past the limit is read: a longer line is refused
        // without being held whole.
        let limit = MAX_LINE_BYTES as u64 + 1;
        let n = std::io::Read::take(&mut *reader, limit)
            .read_until(b'\n', &mut buf)
            .map_err(|e| {
                Error::invalid(format!(
                    "cannot read the input after line {line}: {e}; nothing was imported"
                ))
            })?;
        if n == 0 {
            break;
        }
        line += 1;
        bytes += n as u64;
        if buf.len() > MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
            return Err(Error::invalid(format!(
                "line {line}: longer than {MAX_LINE_BYTES} bytes; nothing was imported"
            )));
        }
        let text = std::str::from_utf8(&buf)
            .map_err(|_| {
                Error::invalid(format!("line {line}: not UTF-8 text; nothing was imported"))
            })?
            .trim();
        if text.is_empty() {
            continue;
        }
        let mut resolve = |k: &str| -> Result<Option<String>> {
            if let Some(id) = ids.get(k) {
                return Ok(id.clone());
            }
            let id = if crate::key::looks_like_key_id(k) {
                q.key_by_id(k)?.map(|key| key.id)
            } else {
                let found = q.keys_by_prefix(k)?;
                match found.len() {
                    0 => None,
                    1 => Some(found[0].id.clone()),
                    n => {
                        return Err(Error::invalid(format!(
                            "line {line}: field 'key': the prefix '{}' matches {n} keys; use the key id; nothing was imported",
                            escape(&strip_secrets(k))
                        )));
                    }
                }
            };
            ids.insert(k.to_owned(), id.clone());
            Ok(id)
        };
        let record = parse_line(text, line, &mut resolve, None)?;
        check_request_time(record.ts, now, line)?;
        spool
            .write_all(text.as_bytes())
            .and_then(|()| spool.write_all(b"\n"))
            .map_err(spool_error)?;
        if line % 50_000 == 0 {
            progress(bytes);
        }
    }
    progress(bytes);
    Ok(ids
        .into_iter()
        .filter_map(|(k, v)| v.map(|id| (k, id)))
        .collect())
}

/// Pass 2: inserts the checked lines with their rollups, aggregated in
/// memory in bounded batches.
pub(crate) fn insert_lines(
    q: &mut dyn Queries,
    lines: &mut dyn BufRead,
    ids: &KeyIds,
    actor: &str,
) -> Result<IngestSummary> {
    let mut rollups = Rollups::default();
    let mut buf = String::new();
    let (mut line, mut requests, mut pending) = (0u64, 0u64, 0usize);
    loop {
        buf.clear();
        if lines.read_line(&mut buf).map_err(spool_error)? == 0 {
            break;
        }
        line += 1;
        let mut resolve = |k: &str| -> Result<Option<String>> { Ok(ids.get(k).cloned()) };
        let record = parse_line(buf.trim_end(), line, &mut resolve, Some(actor))?;
        q.insert_request(&record)?;
        rollups.add(&record);
        requests += 1;
        pending += 1;
        if pending >= ROLLUP_FLUSH_EVERY {
            rollups.flush(q)?;
            pending = 0;
        }
    }
    rollups.flush(q)?;
    // Every resolved reference came from an imported line; an id and a
    // prefix of the same key count once.
    let keys: HashSet<&String> = ids.values().collect();
    Ok(IngestSummary {
        requests,
        keys: keys.len(),
    })
}
