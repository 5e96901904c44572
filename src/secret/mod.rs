//! The secret format: generation, checksum, hashing and the displayed prefix.
//!
//! A secret reads `<prefix>_<env>_<random><checksum>`: `<random>` is 32 base62
//! characters drawn from the operating system's CSPRNG and `<checksum>` is the
//! CRC32 of everything before it, written as 6 base62 characters. This module
//! is pure apart from the CSPRNG: it never stores or prints a secret, and a
//! [`Secret`] never shows its text through `Debug` or `Display`.
//!
//! Invariants: a [`Secret`] value always has a valid layout and checksum;
//! [`SecretHash`] is the SHA-256 of the full secret text and is the only form
//! of a secret that keyctl keeps.
//!
//! Finding secrets inside other text is in [`scan`].

use std::fmt;
use std::str::FromStr;

use rand::rand_core::TryRng;
use rand::rngs::SysRng;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

pub mod scan;

/// The base62 alphabet, in the order of its digit values.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Length of the random part of a secret.
pub const RANDOM_LEN: usize = 32;
/// Length of the base62 checksum (62^6 > 2^32, so any CRC32 fits).
pub const CHECKSUM_LEN: usize = 6;
/// How many random characters the displayed prefix keeps.
pub const DISPLAY_RANDOM_LEN: usize = 8;
/// The default `<prefix>` part of a secret.
pub const DEFAULT_KEY_PREFIX: &str = "sk";

/// The environment a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Live,
    Test,
}

impl Environment {
    pub const ALL: [Environment; 2] = [Environment::Live, Environment::Test];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Live => "live",
            Environment::Test => "test",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "live" => Ok(Environment::Live),
            "test" => Ok(Environment::Test),
            other => Err(Error::invalid(format!(
                "environment '{}' is not 'live' or 'test'",
                crate::text::escape(other)
            ))),
        }
    }
}

/// The `<prefix>` part of every secret this installation makes (`sk` by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPrefix(String);

impl KeyPrefix {
    /// Checks the rule of the spec: 2–10 of `[a-z0-9]`, starting with a letter.
    pub fn new(s: &str) -> Result<Self> {
        let ok = (2..=10).contains(&s.len())
            && s.as_bytes()[0].is_ascii_lowercase()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if ok {
            Ok(KeyPrefix(s.to_owned()))
        } else {
            Err(Error::invalid(format!(
                "key prefix '{}' must be 2-10 characters of a-z and 0-9, starting with a letter",
                crate::text::escape(s)
            )))
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for KeyPrefix {
    fn default() -> Self {
        KeyPrefix(DEFAULT_KEY_PREFIX.to_owned())
    }
}

/// A full secret. Its text is reachable only through [`Secret::expose`], so it
/// cannot end up in a log line or an error by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    text: String,
    /// Byte offset of the random part (just after `<prefix>_<env>_`).
    random_at: usize,
    environment: Environment,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({}…)", self.display_prefix())
    }
}

/// Why a presented string is not a secret. Deliberately carries nothing of the
/// string itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MalformedReason {
    Layout,
    Environment,
    Alphabet,
    Checksum,
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MalformedReason::Layout => "not laid out as <prefix>_<env>_<random><checksum>",
            MalformedReason::Environment => "environment is not 'live' or 'test'",
            MalformedReason::Alphabet => "contains characters outside base62",
            MalformedReason::Checksum => "checksum does not match",
        })
    }
}

impl Secret {
    /// Draws a new secret from the operating system's CSPRNG.
    pub fn generate(prefix: &KeyPrefix, environment: Environment) -> Result<Secret> {
        let mut random = [0u8; RANDOM_LEN];
        fill_base62(&mut random)?;
        let mut text = String::with_capacity(prefix.0.len() + 6 + RANDOM_LEN + CHECKSUM_LEN);
        text.push_str(&prefix.0);
        text.push('_');
        text.push_str(environment.as_str());
        text.push('_');
        let random_at = text.len();
        // base62 bytes are ASCII.
        text.extend(random.iter().map(|&b| char::from(b)));
        let checksum = encode_checksum(crc32fast::hash(text.as_bytes()));
        text.extend(checksum.iter().map(|&b| char::from(b)));
        Ok(Secret {
            text,
            random_at,
            environment,
        })
    }

    /// Parses a presented secret: layout, alphabet and checksum. Any prefix of
    /// the right shape is accepted; whether it is this installation's is a
    /// lookup question, not a format one.
    pub fn parse(s: &str) -> std::result::Result<Secret, MalformedReason> {
        let (head, tail) = s.rsplit_once('_').ok_or(MalformedReason::Layout)?;
        let (prefix, env) = head.split_once('_').ok_or(MalformedReason::Layout)?;
        if KeyPrefix::new(prefix).is_err() || tail.len() != RANDOM_LEN + CHECKSUM_LEN {
            return Err(MalformedReason::Layout);
        }
        let environment = match env {
            "live" => Environment::Live,
            "test" => Environment::Test,
            _ => return Err(MalformedReason::Environment),
        };
        if !tail.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(MalformedReason::Alphabet);
        }
        let body_len = s.len() - CHECKSUM_LEN;
        let expected = encode_checksum(crc32fast::hash(&s.as_bytes()[..body_len]));
        if s.as_bytes()[body_len..] != expected {
            return Err(MalformedReason::Checksum);
        }
        Ok(Secret {
            text: s.to_owned(),
            random_at: head.len() + 1,
            environment,
        })
    }

    /// Whether a string has the shape of a secret (used to refuse secrets
    /// passed where a key id or prefix belongs, without echoing them).
    #[must_use]
    pub fn looks_like_secret(s: &str) -> bool {
        Secret::parse(s).is_ok()
    }

    /// The full text. Call only to show the secret the one time it is shown.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.text
    }

    #[must_use]
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// `<prefix>_<env>_` plus the first 8 random characters.
    #[must_use]
    pub fn display_prefix(&self) -> String {
        self.text[..self.random_at + DISPLAY_RANDOM_LEN].to_owned()
    }

    /// SHA-256 of the full secret: the only form keyctl stores.
    #[must_use]
    pub fn hash(&self) -> SecretHash {
        SecretHash::of(&self.text)
    }
}

/// The SHA-256 of a secret's full text.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretHash(pub [u8; 32]);

impl SecretHash {
    #[must_use]
    pub fn of(text: &str) -> SecretHash {
        SecretHash(Sha256::digest(text.as_bytes()).into())
    }
}

impl fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretHash({})", hex(&self.0[..4]))
    }
}

/// Lower-case hex of some bytes.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Fills `out` with uniformly distributed base62 characters from the OS CSPRNG.
///
/// Rejection sampling: bytes at or above 248 (= 4 × 62) are dropped so every
/// character is equally likely.
pub(crate) fn fill_base62(out: &mut [u8]) -> Result<()> {
    fill_from_alphabet(out, BASE62)
}

/// Fills `out` uniformly from `alphabet` (at most 256 symbols) using the OS CSPRNG.
pub(crate) fn fill_from_alphabet(out: &mut [u8], alphabet: &[u8]) -> Result<()> {
    let n = alphabet.len();
    debug_assert!((1..=256).contains(&n));
    let limit = 256 - 256 % n;
    let mut pool = [0u8; 64];
    let mut filled = 0;
    while filled < out.len() {
        SysRng
            .try_fill_bytes(&mut pool)
            .map_err(|e| Error::Random(e.to_string()))?;
        for &b in &pool {
            if usize::from(b) < limit {
                out[filled] = alphabet[usize::from(b) % n];
                filled += 1;
                if filled == out.len() {
                    break;
                }
            }
        }
    }
    Ok(())
}

fn encode_checksum(mut crc: u32) -> [u8; CHECKSUM_LEN] {
    let mut out = [b'0'; CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(crc % 62) as usize];
        crc /= 62;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Secret {
        Secret::generate(&KeyPrefix::default(), Environment::Live).unwrap()
    }

    #[test]
    fn generated_secret_has_the_documented_layout() {
        let s = sample();
        let text = s.expose();
        assert!(text.starts_with("sk_live_"));
        assert_eq!(text.len(), "sk_live_".len() + RANDOM_LEN + CHECKSUM_LEN);
        assert!(
            text["sk_live_".len()..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric())
        );
        assert_eq!(s.display_prefix(), &text[..16]);
    }

    #[test]
    fn checksum_round_trips() {
        for env in Environment::ALL {
            let prefix = KeyPrefix::new("acme9").unwrap();
            let s = Secret::generate(&prefix, env).unwrap();
            let parsed = Secret::parse(s.expose()).unwrap();
            assert_eq!(parsed, s);
            assert_eq!(parsed.environment(), env);
            assert_eq!(parsed.hash(), s.hash());
        }
    }

    #[test]
    fn every_single_character_change_is_detected() {
        let s = sample();
        let text = s.expose().as_bytes().to_vec();
        for i in 0..text.len() {
            for &c in BASE62.iter().chain(b"_-") {
                if c == text[i] {
                    continue;
                }
                let mut changed = text.clone();
                changed[i] = c;
                let changed = String::from_utf8(changed).unwrap();
                assert!(Secret::parse(&changed).is_err(), "accepted a change at {i}");
            }
        }
    }

    #[test]
    fn malformed_reasons_are_specific() {
        let s = sample();
        let text = s.expose();
        assert_eq!(Secret::parse(""), Err(MalformedReason::Layout));
        assert_eq!(Secret::parse(&text[1..]), Err(MalformedReason::Layout));
        assert_eq!(
            Secret::parse(&text.replace("_live_", "_prod_")),
            Err(MalformedReason::Environment)
        );
        let mut bad = text.to_owned();
        bad.replace_range(10..11, "!");
        assert_eq!(Secret::parse(&bad), Err(MalformedReason::Alphabet));
        let last = text.len() - 1;
        let flipped = if &text[last..] == "A" { "B" } else { "A" };
        let mut bad = text.to_owned();
        bad.replace_range(last.., flipped);
        assert_eq!(Secret::parse(&bad), Err(MalformedReason::Checksum));
    }

    #[test]
    fn checksum_is_zero_padded_base62() {
        assert_eq!(&encode_checksum(0), b"000000");
        assert_eq!(&encode_checksum(61), b"00000z");
        assert_eq!(&encode_checksum(62), b"000010");
        assert_eq!(&encode_checksum(u32::MAX), b"4gfFC3");
    }

    #[test]
    fn hash_is_sha256_of_the_text() {
        let h = SecretHash::of("abc");
        assert_eq!(
            hex(&h.0),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let s = sample();
        let shown = format!("{s:?}");
        assert!(!shown.contains(s.expose()));
        assert!(shown.contains(&s.display_prefix()));
    }

    #[test]
    fn key_prefix_rule() {
        for ok in ["sk", "ab12", "abcdefghij"] {
            assert!(KeyPrefix::new(ok).is_ok(), "{ok}");
        }
        for bad in ["s", "1sk", "Sk", "abcdefghijk", "s_k", ""] {
            assert!(KeyPrefix::new(bad).is_err(), "{bad}");
        }
    }

    /// The long runs of `tests/reliability/run.sh` set this; the default
    /// run checks a smaller sample of the same property.
    fn full_scale() -> bool {
        std::env::var_os("KEYCTL_RELIABILITY_FULL").is_some_and(|v| v == "1")
    }

    #[test]
    fn generated_secrets_are_distinct_and_well_formed() {
        let n = if full_scale() { 1_000_000 } else { 200_000 };
        let prefix = KeyPrefix::default();
        let mut seen = std::collections::HashSet::with_capacity(n);
        for i in 0..n {
            let env = Environment::ALL[i % 2];
            let s = Secret::generate(&prefix, env).unwrap();
            let text = s.expose();
            let head = format!("sk_{env}_");
            assert!(text.starts_with(&head), "{i}: layout");
            let rest = &text.as_bytes()[head.len()..];
            assert_eq!(rest.len(), RANDOM_LEN + CHECKSUM_LEN, "{i}: length");
            assert!(rest.iter().all(|b| BASE62.contains(b)), "{i}: alphabet");
            let body = &text.as_bytes()[..text.len() - CHECKSUM_LEN];
            assert_eq!(
                &text.as_bytes()[body.len()..],
                &encode_checksum(crc32fast::hash(body)),
                "{i}: checksum"
            );
            assert_eq!(Secret::parse(text).as_ref(), Ok(&s), "{i}: parse");
            // The random part alone must be unique: 190 bits leave no room
            // for a collision in any sample a test can draw.
            let mut random = [0u8; RANDOM_LEN];
            random.copy_from_slice(&rest[..RANDOM_LEN]);
            assert!(seen.insert(random), "duplicate secret after {i}");
        }
        assert_eq!(seen.len(), n);
    }

    /// A valid secret built from parts a property test chose.
    fn assemble(prefix: &str, env: Environment, random: &[u8]) -> String {
        let mut text = format!("{prefix}_{env}_");
        text.extend(
            random
                .iter()
                .map(|&b| char::from(BASE62[usize::from(b) % 62])),
        );
        let checksum = encode_checksum(crc32fast::hash(text.as_bytes()));
        text.extend(checksum.iter().map(|&b| char::from(b)));
        text
    }

    /// What a single character may be replaced by: the whole alphabet, the
    /// separators, and characters outside it (multi-byte ones included).
    const REPLACEMENTS: &str =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_- .+/=\0é\u{9b}\u{1b}";

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: if full_scale() { 100_000 } else { 300 },
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Every single-character change of a valid secret is rejected.
        #[test]
        fn every_single_character_change_is_malformed(
            prefix in "[a-z][a-z0-9]{1,9}",
            live in proptest::bool::ANY,
            random in proptest::collection::vec(0u8..62, RANDOM_LEN),
        ) {
            let env = if live { Environment::Live } else { Environment::Test };
            let text = assemble(&prefix, env, &random);
            proptest::prop_assert!(Secret::parse(&text).is_ok());
            let chars: Vec<char> = text.chars().collect();
            for i in 0..chars.len() {
                for c in REPLACEMENTS.chars() {
                    if c == chars[i] {
                        continue;
                    }
                    let mut changed = chars.clone();
                    changed[i] = c;
                    let changed: String = changed.into_iter().collect();
                    proptest::prop_assert!(
                        Secret::parse(&changed).is_err(),
                        "accepted {:?} at {} of {}", c, i, text
                    );
                }
            }
        }
    }

    #[test]
    fn base62_sampling_covers_the_alphabet() {
        let mut buf = [0u8; 4096];
        fill_base62(&mut buf).unwrap();
        let mut seen = [false; 256];
        for b in buf {
            seen[usize::from(b)] = true;
        }
        assert!(BASE62.iter().all(|&c| seen[usize::from(c)]));
        assert!(buf.iter().all(|b| BASE62.contains(b)));
    }
}
