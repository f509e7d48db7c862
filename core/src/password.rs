//! The portal's password policy, change check and generator (SPEC §6.5–6.6).
//!
//! A password never appears in an error, a log or `Debug` output: the checks return rule
//! codes only, and generated passwords are wrapped in [`Password`], whose `Debug` is redacted.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

use crate::error::{CieError, ErrorCode};

/// Minimum length in characters.
pub const MIN_LENGTH: usize = 10;
/// Maximum length in characters.
pub const MAX_LENGTH: usize = 128;
/// Default length of generated passwords.
pub const DEFAULT_GENERATED_LENGTH: usize = 16;
/// The accepted symbols.
pub const SYMBOLS: &[u8; 3] = b"-_.";

/// One rule of the policy (or of a change), in the stable order of the checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum PasswordRule {
    /// At least 10 characters.
    TooShort,
    /// At least one ASCII uppercase letter.
    NoUppercase,
    /// At least one ASCII lowercase letter.
    NoLowercase,
    /// At least one ASCII digit.
    NoDigit,
    /// One of `-` `_` `.`.
    NoSymbol,
    /// No whitespace or control characters.
    ForbiddenCharacter,
    /// At most 128 characters.
    TooLong,
    /// The confirmation differs from the new password.
    ConfirmationMismatch,
    /// The new password equals the current one.
    Unchanged,
}

impl PasswordRule {
    /// The policy rules, in checklist order (the first five are the portal's).
    pub const POLICY: [PasswordRule; 7] = [
        PasswordRule::TooShort,
        PasswordRule::NoUppercase,
        PasswordRule::NoLowercase,
        PasswordRule::NoDigit,
        PasswordRule::NoSymbol,
        PasswordRule::ForbiddenCharacter,
        PasswordRule::TooLong,
    ];

    /// The stable code of the rule (an [`ErrorCode`]).
    pub fn code(self) -> ErrorCode {
        match self {
            PasswordRule::TooShort => ErrorCode::PasswordTooShort,
            PasswordRule::NoUppercase => ErrorCode::PasswordNoUppercase,
            PasswordRule::NoLowercase => ErrorCode::PasswordNoLowercase,
            PasswordRule::NoDigit => ErrorCode::PasswordNoDigit,
            PasswordRule::NoSymbol => ErrorCode::PasswordNoSymbol,
            PasswordRule::ForbiddenCharacter => ErrorCode::PasswordForbiddenCharacter,
            PasswordRule::TooLong => ErrorCode::PasswordTooLong,
            PasswordRule::ConfirmationMismatch => ErrorCode::PasswordConfirmationMismatch,
            PasswordRule::Unchanged => ErrorCode::PasswordUnchanged,
        }
    }
}

/// Every unmet policy rule, in the stable order of [`PasswordRule::POLICY`]; empty = valid.
pub fn check_password(password: &str) -> Vec<PasswordRule> {
    let (mut len, mut upper, mut lower, mut digit, mut symbol, mut forbidden) =
        (0usize, false, false, false, false, false);
    for c in password.chars() {
        len += 1;
        upper |= c.is_ascii_uppercase();
        lower |= c.is_ascii_lowercase();
        digit |= c.is_ascii_digit();
        symbol |= c.is_ascii() && SYMBOLS.contains(&(c as u8));
        forbidden |= c.is_whitespace() || c.is_control();
    }
    let unmet = [len < MIN_LENGTH, !upper, !lower, !digit, !symbol, forbidden, len > MAX_LENGTH];
    PasswordRule::POLICY.iter().zip(unmet).filter(|(_, u)| *u).map(|(r, _)| *r).collect()
}

/// The policy check of the new password, then the confirmation and "different from the
/// current" rules.
pub fn check_password_change(current: &str, new: &str, confirmation: &str) -> Vec<PasswordRule> {
    let mut unmet = check_password(new);
    if new != confirmation {
        unmet.push(PasswordRule::ConfirmationMismatch);
    }
    if new == current {
        unmet.push(PasswordRule::Unchanged);
    }
    unmet
}

/// A password. Its `Debug` never shows it; read it with [`Password::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The secret text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Why a password could not be generated.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PasswordError {
    /// Asked length below 10.
    #[error("length below the minimum")]
    TooShort,
    /// Asked length above 128.
    #[error("length above the maximum")]
    TooLong,
    /// The random source failed.
    #[error("random source unavailable")]
    Random,
}

impl CieError for PasswordError {
    fn code(&self) -> ErrorCode {
        match self {
            PasswordError::TooShort => ErrorCode::PasswordTooShort,
            PasswordError::TooLong => ErrorCode::PasswordTooLong,
            PasswordError::Random => ErrorCode::PasswordGeneration,
        }
    }
}

/// A source of random bytes. The default is the operating system's CSPRNG ([`OsRandom`]);
/// tests inject a deterministic one.
pub trait RandomSource {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), PasswordError>;
}

/// The operating system's CSPRNG (`getrandom`; `crypto.getRandomValues` in a browser).
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), PasswordError> {
        getrandom::fill(buf).map_err(|_| PasswordError::Random)
    }
}

const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ"; // no I, O
const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz"; // no l, o
const DIGITS: &[u8] = b"23456789"; // no 0, 1

/// A uniform index below `n` (≤ 256) by rejection sampling.
fn uniform(rng: &mut dyn RandomSource, n: usize) -> Result<usize, PasswordError> {
    let limit = 256 - 256 % n;
    let mut byte = [0u8; 1];
    // A source that keeps returning rejected bytes is broken: give up after many tries.
    for _ in 0..1024 {
        rng.fill(&mut byte)?;
        if usize::from(byte[0]) < limit {
            return Ok(usize::from(byte[0]) % n);
        }
    }
    Err(PasswordError::Random)
}

/// Generates a password of `length` characters from letters, digits and `-_.` without
/// look-alikes (0 O o 1 l I), always satisfying the policy: one character of each class at
/// random positions, the others from the whole alphabet.
pub fn generate_password_with(rng: &mut dyn RandomSource, length: usize) -> Result<Password, PasswordError> {
    if length < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordError::TooLong);
    }
    let alphabet: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS.as_slice()].concat();
    let mut out = Vec::with_capacity(length);
    for _ in 0..length {
        out.push(alphabet[uniform(rng, alphabet.len())?]);
    }
    // Four distinct positions receive one character of each class.
    let mut positions: Vec<usize> = (0..length).collect();
    for (k, class) in [UPPER, LOWER, DIGITS, SYMBOLS.as_slice()].into_iter().enumerate() {
        let j = k + uniform(rng, length - k)?;
        positions.swap(k, j);
        out[positions[k]] = class[uniform(rng, class.len())?];
    }
    // infallible: every byte comes from an ASCII alphabet.
    Ok(Password(String::from_utf8(out).unwrap_or_default()))
}

/// Generates a password from the operating system's CSPRNG.
pub fn generate_password(length: usize) -> Result<Password, PasswordError> {
    generate_password_with(&mut OsRandom, length)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A deterministic xorshift source for tests.
    struct Seeded(u64);
    impl RandomSource for Seeded {
        fn fill(&mut self, buf: &mut [u8]) -> Result<(), PasswordError> {
            for b in buf {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                *b = (self.0 >> 24) as u8;
            }
            Ok(())
        }
    }

    struct Broken;
    impl RandomSource for Broken {
        fn fill(&mut self, _: &mut [u8]) -> Result<(), PasswordError> {
            Err(PasswordError::Random)
        }
    }

    #[test]
    fn checklists() {
        use PasswordRule::*;
        assert_eq!(check_password("Abcdefgh1-"), vec![]);
        assert_eq!(check_password(""), vec![TooShort, NoUppercase, NoLowercase, NoDigit, NoSymbol]);
        assert_eq!(check_password("abcdefghij"), vec![NoUppercase, NoDigit, NoSymbol]);
        assert_eq!(check_password("ÀÈÌÒÙàèìòù"), vec![NoUppercase, NoLowercase, NoDigit, NoSymbol]);
        assert_eq!(check_password("Abcdefgh1- "), vec![ForbiddenCharacter]);
        assert_eq!(check_password("Abcdefgh1-\t"), vec![ForbiddenCharacter]);
        assert_eq!(check_password(&format!("Aa1-{}", "x".repeat(125))), vec![TooLong]);
        // Characters, not bytes: nine accented letters are still too short.
        assert_eq!(check_password("Aa1-éééé"), vec![TooShort]);
        assert_eq!(check_password_change("Abcdefgh1-", "Abcdefgh1-", "Abcdefgh1-"), vec![Unchanged]);
        assert_eq!(check_password_change("Old", "Abcdefgh1-", "Abcdefgh1_"), vec![ConfirmationMismatch]);
        assert_eq!(TooShort.code().message_it(), "La password deve contenere un minimo di 10 caratteri");
    }

    #[test]
    fn generated_passwords_are_redacted_and_valid() {
        let pw = generate_password(16).unwrap();
        assert_eq!(format!("{pw:?}"), "Password(***)");
        assert_eq!(pw.expose().chars().count(), 16);
        assert!(check_password(pw.expose()).is_empty());
        assert_eq!(generate_password(9), Err(PasswordError::TooShort));
        assert_eq!(generate_password(129), Err(PasswordError::TooLong));
        assert_eq!(generate_password_with(&mut Broken, 16), Err(PasswordError::Random));
        let a = generate_password_with(&mut Seeded(7), 16).unwrap();
        let b = generate_password_with(&mut Seeded(7), 16).unwrap();
        assert_eq!(a, b, "injected source makes generation reproducible");
    }

    #[test]
    fn ten_thousand_generated_passwords_pass() {
        let mut rng = Seeded(0x9E37_79B9_7F4A_7C15);
        for i in 0..10_000 {
            let length = MIN_LENGTH + i % (MAX_LENGTH - MIN_LENGTH + 1);
            let pw = generate_password_with(&mut rng, length).unwrap();
            assert!(check_password(pw.expose()).is_empty());
            assert!(!pw.expose().contains(['0', 'O', 'o', '1', 'l', 'I']));
            assert_eq!(pw.expose().len(), length);
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_is_ordered(s in "\\PC{0,200}") {
            let rules = check_password(&s);
            let mut sorted = rules.clone();
            sorted.sort();
            prop_assert_eq!(rules, sorted);
        }
    }
}
