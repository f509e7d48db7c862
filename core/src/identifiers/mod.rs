//! Italian identifiers (SPEC §7). Every validator returns the normalised value or an error
//! naming why and, where it applies, the 1-based position of the offending character.

mod contact;
mod fiscal_code;
mod iban;
mod name_match;
mod vat_number;

pub use contact::{validate_cap, validate_email, validate_phone};
pub use fiscal_code::{is_valid_fiscal_code, validate_fiscal_code, FiscalCodeInfo, Sex};
pub use iban::{is_valid_iban, validate_iban};
pub use name_match::{
    fiscal_code_matches_name, fiscal_code_matches_name_document, fiscal_code_matches_name_json, NameCheckDocument,
    NameConsistency, NameMismatch, NameWarningDocument,
};
pub use vat_number::validate_vat_number;

use thiserror::Error;

use crate::error::{CieError, ErrorCode, FieldValue, Lang};

/// Why an identifier was refused.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum IdentifierError {
    /// Fiscal code not 16 characters long.
    #[error("fiscal code must be 16 characters, found {length}")]
    FiscalCodeLength {
        /// Characters found (after removing spaces).
        length: usize,
    },
    /// A character not allowed at its position.
    #[error("fiscal code: character {character:?} not allowed at position {position}")]
    FiscalCodeCharacter {
        /// 1-based position.
        position: usize,
        /// The character found.
        character: char,
    },
    /// Wrong check character.
    #[error("fiscal code: check character should be {expected}")]
    FiscalCodeChecksum {
        /// The check character the other fifteen imply.
        expected: char,
    },
    /// Birth date that exists in neither the 1900s nor the 2000s.
    #[error("fiscal code: the birth date does not exist")]
    FiscalCodeDate,
    /// VAT number not 11 digits.
    #[error("VAT number must be 11 digits")]
    VatNumberFormat {
        /// 1-based position of the first non-digit, if that is the reason.
        position: Option<usize>,
    },
    /// Wrong Luhn check digit.
    #[error("VAT number: check digit should be {expected}")]
    VatNumberChecksum {
        /// The check digit the first ten imply.
        expected: char,
    },
    /// IBAN of the wrong shape.
    #[error("invalid IBAN format")]
    IbanFormat {
        /// 1-based position of the first bad character, if that is the reason.
        position: Option<usize>,
    },
    /// Not an Italian IBAN.
    #[error("IBAN must be Italian")]
    IbanCountry,
    /// ISO 13616 mod-97 check failed.
    #[error("IBAN check digits are wrong")]
    IbanChecksum,
    /// The national CIN letter does not match.
    #[error("IBAN CIN should be {expected}")]
    IbanCin {
        /// The CIN the bank code and account imply.
        expected: char,
    },
    /// CAP not exactly five digits.
    #[error("CAP must be 5 digits")]
    Cap,
    /// E-mail address refused.
    #[error("invalid e-mail address")]
    Email,
    /// Phone number refused.
    #[error("invalid phone number")]
    Phone,
}

impl CieError for IdentifierError {
    fn code(&self) -> ErrorCode {
        match self {
            IdentifierError::FiscalCodeLength { .. } => ErrorCode::FiscalCodeLength,
            IdentifierError::FiscalCodeCharacter { .. } => ErrorCode::FiscalCodeCharacter,
            IdentifierError::FiscalCodeChecksum { .. } => ErrorCode::FiscalCodeChecksum,
            IdentifierError::FiscalCodeDate => ErrorCode::FiscalCodeDate,
            IdentifierError::VatNumberFormat { .. } => ErrorCode::VatNumberFormat,
            IdentifierError::VatNumberChecksum { .. } => ErrorCode::VatNumberChecksum,
            IdentifierError::IbanFormat { .. } => ErrorCode::IbanFormat,
            IdentifierError::IbanCountry => ErrorCode::IbanCountry,
            IdentifierError::IbanChecksum => ErrorCode::IbanChecksum,
            IdentifierError::IbanCin { .. } => ErrorCode::IbanCin,
            IdentifierError::Cap => ErrorCode::CapFormat,
            IdentifierError::Email => ErrorCode::EmailFormat,
            IdentifierError::Phone => ErrorCode::PhoneFormat,
        }
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        let position = lang.pick("posizione", "position");
        match self {
            IdentifierError::FiscalCodeLength { length } => {
                Some(format!("{}: {length}", lang.pick("caratteri trovati", "characters found")))
            }
            IdentifierError::FiscalCodeCharacter { position: p, character } => {
                Some(format!("'{}', {position} {p}", character.escape_default()))
            }
            IdentifierError::VatNumberFormat { position: Some(p) }
            | IdentifierError::IbanFormat { position: Some(p) } => Some(format!("{position} {p}")),
            IdentifierError::FiscalCodeChecksum { expected }
            | IdentifierError::VatNumberChecksum { expected }
            | IdentifierError::IbanCin { expected } => Some(format!("{} {expected}", lang.pick("atteso", "expected"))),
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        match self {
            IdentifierError::FiscalCodeLength { length } => {
                vec![("length", FieldValue::Int(*length as i64))]
            }
            IdentifierError::FiscalCodeCharacter { position, character } => vec![
                ("position", FieldValue::Int(*position as i64)),
                ("character", FieldValue::Text(character.to_string())),
            ],
            IdentifierError::VatNumberFormat { position: Some(p) }
            | IdentifierError::IbanFormat { position: Some(p) } => {
                vec![("position", FieldValue::Int(*p as i64))]
            }
            IdentifierError::FiscalCodeChecksum { expected }
            | IdentifierError::VatNumberChecksum { expected }
            | IdentifierError::IbanCin { expected } => {
                vec![("expected", FieldValue::Text(expected.to_string()))]
            }
            _ => Vec::new(),
        }
    }
}

const ODD: [u8; 26] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

/// Values of the fiscal-code tables by byte: `[odd, even]` for `0-9A-Z`, `[0, 0]` elsewhere.
/// In the odd table a digit has the value of the letter of the same rank (0 → A).
static TABLES: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = [ODD[i], i as u8];
        i += 1;
    }
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = [ODD[i], i as u8];
        i += 1;
    }
    t
};

/// The check letter of the fiscal-code tables over a sequence (also the IBAN CIN): 1-based odd
/// positions through the odd table, even ones through the even table, sum mod 26.
pub(crate) fn check_letter(chars: &[u8]) -> u8 {
    let mut sum = 0u32;
    for (i, &c) in chars.iter().enumerate() {
        sum += u32::from(TABLES[usize::from(c)][i & 1]);
    }
    b'A' + (sum % 26) as u8
}

/// Fast path of [`compact_upper`]: when the text is ASCII and has at most `N` characters
/// besides whitespace, they are upper-cased into a stack buffer (no allocation).
pub(crate) fn compact_upper_ascii<const N: usize>(text: &str) -> Option<([u8; N], usize)> {
    let mut buf = [0u8; N];
    let mut len = 0;
    for &b in text.as_bytes() {
        if b.is_ascii_whitespace() {
            continue;
        }
        if !b.is_ascii() || len == N {
            return None;
        }
        buf[len] = b.to_ascii_uppercase();
        len += 1;
    }
    Some((buf, len))
}

/// Upper-cases ASCII and removes whitespace; the common normalisation of codes.
pub(crate) fn compact_upper(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect()
}
