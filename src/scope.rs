//! Scopes: `resource:level` with `read < write < admin`, the `*` full-access
//! scope, the resource catalog, and the scope a request implies.
//!
//! Pure: no I/O. A granted scope satisfies a required one on the same resource
//! at the same or a lower level; `*` satisfies everything. Resources must come
//! from the [`Catalog`]; an unknown one is refused with the nearest known name.

use std::fmt;

use crate::error::{Error, Result};
use crate::text::escape;

/// The resources every installation knows unless its config says otherwise.
pub const DEFAULT_RESOURCES: [&str; 6] = [
    "invoices",
    "payment-links",
    "clients",
    "payouts",
    "disbursements",
    "webhooks",
];

/// An access level; the order is the order of power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Read,
    Write,
    Admin,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Read, Level::Write, Level::Admin];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Read => "read",
            Level::Write => "write",
            Level::Admin => "admin",
        }
    }

    fn parse(s: &str) -> Option<Level> {
        match s {
            "read" => Some(Level::Read),
            "write" => Some(Level::Write),
            "admin" => Some(Level::Admin),
            _ => None,
        }
    }

    /// The level an HTTP method needs (SPEC §3), if the method is known.
    #[must_use]
    pub fn for_method(method: &str) -> Option<Level> {
        match method.to_ascii_uppercase().as_str() {
            "GET" | "HEAD" | "OPTIONS" => Some(Level::Read),
            "POST" | "PUT" | "PATCH" => Some(Level::Write),
            "DELETE" => Some(Level::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One granted or required permission.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// `*`: full access.
    All,
    /// `resource:level`.
    On { resource: String, level: Level },
}

impl Scope {
    /// Parses `resource:level` or `*`, checking the resource against the catalog.
    pub fn parse(s: &str, catalog: &Catalog) -> Result<Scope> {
        let scope = Scope::parse_unchecked(s)?;
        if let Scope::On { resource, level } = &scope {
            catalog.check(resource, Some(*level))?;
        }
        Ok(scope)
    }

    /// Parses the shape only; stored scopes are read back this way, so a
    /// resource later removed from the catalog does not make a key unreadable.
    pub fn parse_unchecked(s: &str) -> Result<Scope> {
        if s == "*" {
            return Ok(Scope::All);
        }
        let Some((resource, level)) = s.split_once(':') else {
            return Err(Error::invalid_with_hint(
                format!("scope '{}' is not of the form resource:level", escape(s)),
                crate::error::hint::SCOPE_FORM,
            ));
        };
        let Some(level) = Level::parse(level) else {
            return Err(Error::invalid_with_hint(
                format!(
                    "scope '{}' has an unknown level '{}'",
                    escape(s),
                    escape(level)
                ),
                "levels are read, write and admin",
            ));
        };
        if !is_resource_name(resource) {
            return Err(Error::invalid(format!(
                "scope '{}' has an invalid resource name",
                escape(s)
            )));
        }
        Ok(Scope::On {
            resource: resource.to_owned(),
            level,
        })
    }

    /// Whether this granted scope satisfies `required`.
    #[must_use]
    pub fn satisfies(&self, required: &Scope) -> bool {
        match (self, required) {
            (Scope::All, _) => true,
            (Scope::On { .. }, Scope::All) => false,
            (
                Scope::On { resource, level },
                Scope::On {
                    resource: r,
                    level: l,
                },
            ) => resource == r && level >= l,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("*"),
            Scope::On { resource, level } => write!(f, "{resource}:{level}"),
        }
    }
}

/// The scopes granted to one key: sorted, without duplicates or scopes that
/// another scope of the set already implies.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScopeSet(Vec<Scope>);

impl ScopeSet {
    /// Builds a normalised set: `*` absorbs everything, and per resource only
    /// the highest level is kept.
    #[must_use]
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> ScopeSet {
        let mut all: Vec<Scope> = scopes.into_iter().collect();
        if all.contains(&Scope::All) {
            return ScopeSet(vec![Scope::All]);
        }
        all.sort();
        let mut out: Vec<Scope> = Vec::with_capacity(all.len());
        for scope in all {
            if let (
                Some(Scope::On {
                    resource: prev_r,
                    level: prev_l,
                }),
                Scope::On { resource, level },
            ) = (out.last_mut(), &scope)
                && prev_r == resource
            {
                // Sorted by (resource, level), so the later one is higher.
                *prev_l = *level;
                continue;
            }
            out.push(scope);
        }
        ScopeSet(out)
    }

    /// Reads a stored set (space-separated, as written by [`ScopeSet::to_stored`]).
    pub fn from_stored(s: &str) -> Result<ScopeSet> {
        s.split_whitespace()
            .map(Scope::parse_unchecked)
            .collect::<Result<Vec<_>>>()
            .map(ScopeSet::new)
    }

    /// The stored form: canonical scopes separated by one space.
    #[must_use]
    pub fn to_stored(&self) -> String {
        self.to_string()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[must_use]
    pub fn is_full_access(&self) -> bool {
        self.0 == [Scope::All]
    }

    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.0.iter()
    }

    /// Whether some granted scope satisfies `required`.
    #[must_use]
    pub fn satisfies(&self, required: &Scope) -> bool {
        self.0.iter().any(|g| g.satisfies(required))
    }

    /// The scope strings, for JSON output.
    #[must_use]
    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

/// Whether `s` may name a resource: lower-case letters, digits, `-` and `_`,
/// starting with a letter, at most 64 characters.
#[must_use]
pub fn is_resource_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.as_bytes()[0].is_ascii_lowercase()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The resources that scopes may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog(Vec<String>);

impl Default for Catalog {
    fn default() -> Self {
        Catalog(DEFAULT_RESOURCES.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl Catalog {
    /// Builds a catalog from configured names, refusing invalid or repeated ones.
    pub fn new(names: Vec<String>) -> std::result::Result<Catalog, String> {
        if names.is_empty() {
            return Err("the scope catalog must name at least one resource".to_owned());
        }
        for (i, name) in names.iter().enumerate() {
            if !is_resource_name(name) {
                return Err(format!(
                    "'{}' is not a valid resource name (a-z, 0-9, '-', '_', starting with a letter)",
                    escape(name)
                ));
            }
            if names[..i].contains(name) {
                return Err(format!("resource '{name}' is listed twice"));
            }
        }
        Ok(Catalog(names))
    }

    #[must_use]
    pub fn resources(&self) -> &[String] {
        &self.0
    }

    #[must_use]
    pub fn contains(&self, resource: &str) -> bool {
        self.0.iter().any(|r| r == resource)
    }

    /// Refuses a resource outside the catalog, suggesting the nearest one.
    fn check(&self, resource: &str, level: Option<Level>) -> Result<()> {
        if self.contains(resource) {
            return Ok(());
        }
        let message = format!(
            "scope resource '{}' is not in the catalog",
            escape(resource)
        );
        match self.nearest(resource) {
            Some(near) => {
                let suggestion = match level {
                    Some(level) => format!("{near}:{level}"),
                    None => near.to_owned(),
                };
                Err(Error::invalid_with_hint(
                    format!("{message}; did you mean '{suggestion}'?"),
                    crate::error::hint::CATALOG,
                ))
            }
            None => Err(Error::invalid_with_hint(
                message,
                crate::error::hint::CATALOG,
            )),
        }
    }

    /// The catalog entry closest to `s`, if any is reasonably close.
    #[must_use]
    pub fn nearest(&self, s: &str) -> Option<&str> {
        let mut best: Option<(usize, &str)> = None;
        for r in &self.0 {
            let d = edit_distance(s, r);
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, r));
            }
        }
        let (d, r) = best?;
        // Close enough to be a typo: at most a third of the longer name.
        let allowed = s.chars().count().max(r.chars().count()).div_ceil(3).max(1);
        (d <= allowed).then_some(r)
    }

    /// The scope a request implies (SPEC §3): the first path segment after an
    /// optional version segment names the resource, the method the level.
    /// `None` when the method is unknown or the path names no resource.
    /// A resource outside the catalog is returned too: no key but a
    /// full-access one satisfies it.
    #[must_use]
    pub fn scope_for_request(method: &str, path: &str) -> Option<Scope> {
        let level = Level::for_method(method)?;
        let path = path.split(['?', '#']).next().unwrap_or("");
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        let mut first = segments.next()?;
        if is_version_segment(first) {
            first = segments.next()?;
        }
        Some(Scope::On {
            resource: first.to_owned(),
            level,
        })
    }
}

/// `v1`, `v2`, `v10`… (also `v1beta`-style suffixes are not versions here).
fn is_version_segment(s: &str) -> bool {
    s.len() >= 2 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (prev + cost).min(row[j] + 1).min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(resource: &str, level: Level) -> Scope {
        Scope::On {
            resource: resource.to_owned(),
            level,
        }
    }

    #[test]
    fn every_level_pair_follows_read_write_admin() {
        for granted in Level::ALL {
            for required in Level::ALL {
                let g = on("invoices", granted);
                let r = on("invoices", required);
                assert_eq!(g.satisfies(&r), granted >= required, "{g} vs {r}");
                assert!(!g.satisfies(&on("payouts", required)));
                assert!(Scope::All.satisfies(&r));
            }
        }
        assert!(!on("invoices", Level::Admin).satisfies(&Scope::All));
        assert!(Scope::All.satisfies(&Scope::All));
    }

    #[test]
    fn parse_checks_the_catalog_and_suggests() {
        let catalog = Catalog::default();
        assert_eq!(
            Scope::parse("invoices:read", &catalog).unwrap(),
            on("invoices", Level::Read)
        );
        assert_eq!(Scope::parse("*", &catalog).unwrap(), Scope::All);
        let err = Scope::parse("invoice:read", &catalog).unwrap_err();
        assert_eq!(
            err.to_string(),
            "scope resource 'invoice' is not in the catalog; did you mean 'invoices:read'?"
        );
        let err = Scope::parse("zzzzzzzz:read", &catalog).unwrap_err();
        assert_eq!(
            err.to_string(),
            "scope resource 'zzzzzzzz' is not in the catalog"
        );
        assert!(Scope::parse("invoices", &catalog).is_err());
        assert!(Scope::parse("invoices:owner", &catalog).is_err());
        assert!(Scope::parse("Invoices:read", &catalog).is_err());
        assert!(Scope::parse(":read", &catalog).is_err());
    }

    #[test]
    fn sets_are_normalised() {
        let set = ScopeSet::new([
            on("payouts", Level::Read),
            on("invoices", Level::Read),
            on("invoices", Level::Admin),
            on("payouts", Level::Read),
        ]);
        assert_eq!(set.to_stored(), "invoices:admin payouts:read");
        assert_eq!(ScopeSet::from_stored(&set.to_stored()).unwrap(), set);
        let full = ScopeSet::new([on("payouts", Level::Read), Scope::All]);
        assert!(full.is_full_access());
        assert_eq!(full.to_stored(), "*");
    }

    #[test]
    fn request_scopes_follow_method_and_path() {
        let s = |m, p| Catalog::scope_for_request(m, p);
        assert_eq!(
            s("GET", "/v1/invoices/42"),
            Some(on("invoices", Level::Read))
        );
        assert_eq!(s("get", "/invoices"), Some(on("invoices", Level::Read)));
        assert_eq!(
            s("HEAD", "/v2/clients?x=1"),
            Some(on("clients", Level::Read))
        );
        assert_eq!(s("OPTIONS", "/payouts/"), Some(on("payouts", Level::Read)));
        assert_eq!(s("POST", "/v1/payouts"), Some(on("payouts", Level::Write)));
        assert_eq!(s("PUT", "/v1/payouts/1"), Some(on("payouts", Level::Write)));
        assert_eq!(
            s("PATCH", "/v1/payouts/1"),
            Some(on("payouts", Level::Write))
        );
        assert_eq!(
            s("DELETE", "/v1/webhooks/9"),
            Some(on("webhooks", Level::Admin))
        );
        assert_eq!(s("GET", "/v1"), None);
        assert_eq!(s("GET", "/"), None);
        assert_eq!(s("BREW", "/v1/invoices"), None);
    }

    #[test]
    fn catalog_rejects_bad_names() {
        assert!(Catalog::new(vec![]).is_err());
        assert!(Catalog::new(vec!["Invoices".into()]).is_err());
        assert!(Catalog::new(vec!["a".into(), "a".into()]).is_err());
        assert!(Catalog::new(vec!["orders".into(), "order-items".into()]).is_ok());
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("invoice", "invoices"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
