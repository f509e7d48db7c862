//! Italian IBAN: ISO 13616 mod-97 and the national CIN letter (SPEC §7).

use super::{check_letter, compact_upper, compact_upper_ascii, IdentifierError};

/// Validates an Italian IBAN `IT kk X ABI(5) CAB(5) account(12)`; spaces allowed, returns it
/// without spaces, upper-case.
pub fn validate_iban(text: &str) -> Result<String, IdentifierError> {
    // infallible: the shape check admits ASCII only.
    check(text).map(|buf| String::from_utf8(buf.to_vec()).unwrap_or_default())
}

/// True when the text is a valid Italian IBAN (no allocation).
pub fn is_valid_iban(text: &str) -> bool {
    check(text).is_ok()
}

/// Byte classes: digit, letter (either case).
const DIGIT: u8 = 1;
const LETTER: u8 = 2;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = LETTER;
        t[b'a' as usize + i] = LETTER;
        i += 1;
    }
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = DIGIT;
        i += 1;
    }
    t
};
/// The class each position requires (country letters are checked apart).
const REQUIRED: [u8; 27] = {
    let mut r = [DIGIT; 27];
    r[0] = LETTER;
    r[1] = LETTER;
    r[4] = LETTER;
    let mut i = 15;
    while i < 27 {
        r[i] = DIGIT | LETTER;
        i += 1;
    }
    r
};

/// The common case: exactly 27 bytes of the right classes, upper-cased in one pass.
#[inline]
fn shape_fast(bytes: &[u8]) -> Option<[u8; 27]> {
    let bytes: &[u8; 27] = bytes.try_into().ok()?;
    let mut buf = [0u8; 27];
    let mut ok = true;
    for i in 0..27 {
        let c = bytes[i];
        ok &= CLASS[usize::from(c)] & REQUIRED[i] != 0;
        buf[i] = c.to_ascii_uppercase();
    }
    (ok && &buf[..2] == b"IT").then_some(buf)
}

/// Everything else: whitespace removed, upper-cased, and the precise error when refused.
fn shape_slow(text: &str) -> Result<[u8; 27], IdentifierError> {
    let Some((buf, len)) = compact_upper_ascii::<27>(text) else {
        return Err(slow_shape_error(text));
    };
    let b = &buf[..len];
    if b.len() >= 2 && b[..2].iter().all(u8::is_ascii_uppercase) && &b[..2] != b"IT" {
        return Err(IdentifierError::IbanCountry);
    }
    if let Some(i) = b.iter().enumerate().position(|(i, &c)| !shape_ok(i, char::from(c))) {
        return Err(IdentifierError::IbanFormat { position: Some(i + 1) });
    }
    if b.len() != 27 {
        return Err(IdentifierError::IbanFormat { position: None });
    }
    Ok(buf)
}

fn check(text: &str) -> Result<[u8; 27], IdentifierError> {
    let buf = match shape_fast(text.as_bytes()) {
        Some(buf) => buf,
        None => shape_slow(text)?,
    };
    let b = &buf;
    // Rearranged: BBAN then country and check digits; letters count 10..=35. The remainder is
    // taken only when the accumulator could overflow, not at every digit.
    let mut acc = 0u64;
    for &c in b[4..].iter().chain(&b[..4]) {
        acc = if c.is_ascii_digit() { acc * 10 + u64::from(c - b'0') } else { acc * 100 + u64::from(c - b'A') + 10 };
        if acc >= 1 << 56 {
            acc %= 97;
        }
    }
    if acc % 97 != 1 {
        return Err(IdentifierError::IbanChecksum);
    }
    let expected = check_letter(&b[5..27]);
    if expected != b[4] {
        return Err(IdentifierError::IbanCin { expected: char::from(expected) });
    }
    Ok(buf)
}

/// The error for an input the fast path could not take (non-ASCII or longer than 27).
fn slow_shape_error(text: &str) -> IdentifierError {
    let iban = compact_upper(text);
    if iban.len() >= 2 && iban.as_bytes()[..2].iter().all(u8::is_ascii_uppercase) && !iban.starts_with("IT") {
        return IdentifierError::IbanCountry;
    }
    match iban.char_indices().find(|&(i, c)| !shape_ok(i, c)) {
        Some((i, _)) => IdentifierError::IbanFormat { position: Some(iban[..i].chars().count() + 1) },
        None => IdentifierError::IbanFormat { position: None },
    }
}

fn shape_ok(index: usize, c: char) -> bool {
    match index {
        0 => c == 'I',
        1 => c == 'T',
        2 | 3 | 5..=14 => c.is_ascii_digit(),
        4 => c.is_ascii_uppercase(),
        15..=26 => c.is_ascii_uppercase() || c.is_ascii_digit(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TREASURY: &str = "IT81J0100003245348010374600";

    #[test]
    fn known_ibans() {
        assert_eq!(validate_iban(TREASURY), Ok(TREASURY.to_owned()));
        assert_eq!(validate_iban("it81 j010 0003 2453 4801 0374 600"), Ok(TREASURY.to_owned()));
        assert_eq!(validate_iban("IT82J0100003245348010374600"), Err(IdentifierError::IbanChecksum));
        assert_eq!(validate_iban("DE89370400440532013000"), Err(IdentifierError::IbanCountry));
        assert_eq!(validate_iban("IT81J010000324534801037460"), Err(IdentifierError::IbanFormat { position: None }));
        assert_eq!(
            validate_iban("IT81J01000032453480103746000"),
            Err(IdentifierError::IbanFormat { position: Some(28) })
        );
        assert_eq!(
            validate_iban("IT8XJ0100003245348010374600"),
            Err(IdentifierError::IbanFormat { position: Some(4) })
        );
        assert_eq!(validate_iban(""), Err(IdentifierError::IbanFormat { position: None }));
    }

    /// Builds an IBAN with the right CIN and check digits, then swaps the CIN for another letter
    /// and fixes the check digits again: mod-97 passes, the CIN check must catch it.
    fn with_check_digits(cin: u8, bban_rest: &str) -> String {
        let body = format!("{}{bban_rest}", char::from(cin));
        let rem = format!("{body}IT00").bytes().fold(0u32, |acc, c| {
            if c.is_ascii_digit() {
                (acc * 10 + u32::from(c - b'0')) % 97
            } else {
                (acc * 100 + u32::from(c - b'A') + 10) % 97
            }
        });
        format!("IT{:02}{body}", 98 - rem)
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = validate_iban(&s);
        }

        #[test]
        fn cin_is_checked_beyond_mod97(rest in "[0-9]{10}[0-9A-Z]{12}", wrong in 0u8..26) {
            let cin = check_letter(rest.as_bytes());
            let good = with_check_digits(cin, &rest);
            prop_assert_eq!(validate_iban(&good), Ok(good.clone()));
            let wrong = b'A' + wrong;
            prop_assume!(wrong != cin);
            let bad = with_check_digits(wrong, &rest);
            prop_assert_eq!(validate_iban(&bad), Err(IdentifierError::IbanCin { expected: char::from(cin) }));
        }
    }
}
