//! Italian IBAN: ISO 13616 mod-97 and the national CIN letter (SPEC §7).

use super::{check_letter, compact_upper, IdentifierError};

/// Validates an Italian IBAN `IT kk X ABI(5) CAB(5) account(12)`; spaces allowed, returns it
/// without spaces, upper-case.
pub fn validate_iban(text: &str) -> Result<String, IdentifierError> {
    let iban = compact_upper(text);
    let b = iban.as_bytes();
    if b.len() >= 2 && b[..2].iter().all(u8::is_ascii_uppercase) && &b[..2] != b"IT" {
        return Err(IdentifierError::IbanCountry);
    }
    if let Some((i, _)) = iban.char_indices().find(|&(i, c)| !shape_ok(i, c)) {
        let position = iban[..i].chars().count() + 1;
        return Err(IdentifierError::IbanFormat {
            position: Some(position),
        });
    }
    if b.len() != 27 {
        return Err(IdentifierError::IbanFormat { position: None });
    }
    // Rearranged: BBAN then country and check digits; letters count 10..=35.
    let remainder = b[4..].iter().chain(&b[..4]).fold(0u32, |acc, &c| {
        if c.is_ascii_digit() {
            (acc * 10 + u32::from(c - b'0')) % 97
        } else {
            (acc * 100 + u32::from(c - b'A') + 10) % 97
        }
    });
    if remainder != 1 {
        return Err(IdentifierError::IbanChecksum);
    }
    let expected = check_letter(&b[5..27]);
    if expected != b[4] {
        return Err(IdentifierError::IbanCin {
            expected: char::from(expected),
        });
    }
    Ok(iban)
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
        assert_eq!(
            validate_iban("it81 j010 0003 2453 4801 0374 600"),
            Ok(TREASURY.to_owned())
        );
        assert_eq!(
            validate_iban("IT82J0100003245348010374600"),
            Err(IdentifierError::IbanChecksum)
        );
        assert_eq!(
            validate_iban("DE89370400440532013000"),
            Err(IdentifierError::IbanCountry)
        );
        assert_eq!(
            validate_iban("IT81J010000324534801037460"),
            Err(IdentifierError::IbanFormat { position: None })
        );
        assert_eq!(
            validate_iban("IT81J01000032453480103746000"),
            Err(IdentifierError::IbanFormat { position: Some(28) })
        );
        assert_eq!(
            validate_iban("IT8XJ0100003245348010374600"),
            Err(IdentifierError::IbanFormat { position: Some(4) })
        );
        assert_eq!(
            validate_iban(""),
            Err(IdentifierError::IbanFormat { position: None })
        );
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
