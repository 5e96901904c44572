//! Signing as the Standard Webhooks specification says: pure, no I/O.
//!
//! A signing secret is written `whsec_` followed by the base64 (standard
//! alphabet, padded) of 24 to 64 random bytes. A message is signed by
//! HMAC-SHA256, keyed by the decoded bytes, over `{id}.{timestamp}.{body}`,
//! where `id` is the `webhook-id` header, `timestamp` the `webhook-timestamp`
//! header (Unix seconds) and `body` the exact bytes sent. The
//! `webhook-signature` header is `v1,` followed by the base64 of the MAC.
//! The secret never leaves this module in readable form: its `Debug` prints
//! nothing of it.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The fixed start of a signing secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// A webhook signing secret (the decoded key bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct SigningSecret(Vec<u8>);

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(…)")
    }
}

impl SigningSecret {
    /// Parses `whsec_<base64>`; the message never repeats the value.
    pub fn parse(s: &str) -> Result<SigningSecret, String> {
        let Some(encoded) = s.trim().strip_prefix(SECRET_PREFIX) else {
            return Err(format!(
                "a signing secret starts with `{SECRET_PREFIX}` followed by base64"
            ));
        };
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| format!("the part after `{SECRET_PREFIX}` is not valid base64"))?;
        if !(24..=64).contains(&bytes.len()) {
            return Err(format!(
                "a signing secret must decode to 24-64 bytes, not {}",
                bytes.len()
            ));
        }
        Ok(SigningSecret(bytes))
    }

    /// The `webhook-signature` header value for one message.
    #[must_use]
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        // HMAC accepts a key of any length; 24-64 bytes were checked above.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(m) => m,
            Err(_) => return String::new(),
        };
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_vector_of_the_specification() {
        let secret = SigningSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1_614_265_330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn any_change_changes_the_signature() {
        let secret = SigningSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let base = secret.sign("evt_1", 10, b"{}");
        assert_ne!(base, secret.sign("evt_2", 10, b"{}"));
        assert_ne!(base, secret.sign("evt_1", 11, b"{}"));
        assert_ne!(base, secret.sign("evt_1", 10, b"{ }"));
    }

    #[test]
    fn bad_secrets_are_refused_without_echoing_them() {
        for bad in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_not base64!",
            "whsec_c2hvcnQ=",
        ] {
            let e = SigningSecret::parse(bad).unwrap_err();
            assert!(!e.contains(bad.trim_start_matches("whsec_")), "{e}");
        }
        let s = SigningSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(format!("{s:?}"), "SigningSecret(…)");
    }
}
