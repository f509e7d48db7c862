//! VAT number (partita IVA) and numeric fiscal code of an entity: 11 digits, Luhn (SPEC §7).

use super::IdentifierError;

/// Validates a VAT number / numeric fiscal code; spaces and a leading `IT` are removed. The
/// office code (digits 8–10) is not checked: temporary codes 9xx pass.
pub fn validate_vat_number(text: &str) -> Result<String, IdentifierError> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = compact.strip_prefix("IT").or_else(|| compact.strip_prefix("it")).unwrap_or(&compact);
    if let Some(i) = digits.chars().position(|c| !c.is_ascii_digit()) {
        return Err(IdentifierError::VatNumberFormat { position: Some(i + 1) });
    }
    if digits.len() != 11 {
        return Err(IdentifierError::VatNumberFormat { position: None });
    }
    let b = digits.as_bytes();
    let sum: u32 = b[..10]
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let v = u32::from(c - b'0');
            if i % 2 == 0 {
                v
            } else if v * 2 > 9 {
                v * 2 - 9
            } else {
                v * 2
            }
        })
        .sum();
    let expected = (10 - sum % 10) % 10;
    if u32::from(b[10] - b'0') == expected {
        Ok(digits.to_owned())
    } else {
        Err(IdentifierError::VatNumberChecksum { expected: char::from(b'0' + expected as u8) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_numbers() {
        assert_eq!(validate_vat_number("00743110157"), Ok("00743110157".to_owned()));
        assert_eq!(validate_vat_number("IT 00743110157"), Ok("00743110157".to_owned()));
        assert_eq!(validate_vat_number("00743110158"), Err(IdentifierError::VatNumberChecksum { expected: '7' }));
        assert_eq!(validate_vat_number("0074311015"), Err(IdentifierError::VatNumberFormat { position: None }));
        assert_eq!(validate_vat_number("0074311O157"), Err(IdentifierError::VatNumberFormat { position: Some(8) }));
        // Temporary office code 9xx passes.
        let first10 = "1234567999";
        let ok = (0..10).map(|d| format!("{first10}{d}")).filter(|c| validate_vat_number(c).is_ok()).count();
        assert_eq!(ok, 1);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = validate_vat_number(&s);
        }

        #[test]
        fn exactly_one_check_digit_fits(first10 in "[0-9]{10}") {
            let ok = (0..10).filter(|d| validate_vat_number(&format!("{first10}{d}")).is_ok()).count();
            prop_assert_eq!(ok, 1);
        }
    }
}
