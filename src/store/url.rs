//! PostgreSQL URLs in messages: the password hidden, whether or not this
//! build can connect to PostgreSQL (the `postgres` feature), since a
//! location is shown in errors and output either way.

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
}
