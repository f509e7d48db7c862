//! The personal fiscal code (codice fiscale), with omocodia (SPEC §7).

use serde::Serialize;

use super::{check_letter, compact_upper, compact_upper_ascii, IdentifierError};

/// Digits at these 0-based positions may be replaced by the omocodia letters.
const DIGIT_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
/// Omocodia letters, standing for 0–9.
const OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";
/// Month letters, January to December.
const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";

/// Sex encoded in the day of birth (01–31 man, 41–71 woman).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Sex {
    /// Day 01–31.
    Male,
    /// Day 41–71.
    Female,
}

/// What a valid fiscal code tells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FiscalCodeInfo {
    /// The normalised code (upper case, no spaces).
    pub code: String,
    /// Sex from the day field.
    pub sex: Sex,
    /// Two-digit birth year (the century is not encoded).
    pub year_of_century: u32,
    /// Birth month, 1..=12.
    pub month: u32,
    /// Birth day, 1..=31.
    pub day: u32,
    /// True when some digits are replaced by omocodia letters.
    pub omocode: bool,
}

fn digit_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        _ => OMOCODIA.iter().position(|&l| l == c).map(|p| p as u32),
    }
}

/// Validates a personal fiscal code; returns the normalised code.
pub fn validate_fiscal_code(text: &str) -> Result<String, IdentifierError> {
    // infallible: a checked code is ASCII.
    check(text).map(|(buf, _)| String::from_utf8(buf.to_vec()).unwrap_or_default())
}

/// True when the text is a valid personal fiscal code (no allocation).
pub fn is_valid_fiscal_code(text: &str) -> bool {
    check(text).is_ok()
}

impl FiscalCodeInfo {
    /// Validates and decodes a fiscal code.
    pub fn parse(text: &str) -> Result<FiscalCodeInfo, IdentifierError> {
        fiscal_code_info(text)
    }
}

fn fiscal_code_info(text: &str) -> Result<FiscalCodeInfo, IdentifierError> {
    let (buf, (sex, year_of_century, month, day)) = check(text)?;
    let omocode = DIGIT_POSITIONS.iter().any(|&i| !buf[i].is_ascii_digit());
    // infallible: a checked code is ASCII.
    let code = String::from_utf8(buf.to_vec()).unwrap_or_default();
    Ok(FiscalCodeInfo { code, sex, year_of_century, month, day, omocode })
}

/// Checks a code; returns its normalised bytes and (sex, year of century, month, day).
/// Sex, year of century, month, day.
type Birth = (Sex, u32, u32, u32);

fn check(text: &str) -> Result<([u8; 16], Birth), IdentifierError> {
    let buf = match shape_fast(text.as_bytes()) {
        Some(buf) => buf,
        None => shape_slow(text)?,
    };
    let b = &buf;
    let expected = check_letter(&b[..15]);
    if expected != b[15] {
        return Err(IdentifierError::FiscalCodeChecksum { expected: char::from(expected) });
    }
    let num = |i: usize, j: usize| -> u32 { digit_value(b[i]).unwrap_or(0) * 10 + digit_value(b[j]).unwrap_or(0) };
    let year_of_century = num(6, 7);
    let month = MONTHS.iter().position(|&m| m == b[8]).map_or(0, |p| p as u32 + 1);
    let raw_day = num(9, 10);
    let (sex, day) = match raw_day {
        1..=31 => (Sex::Male, raw_day),
        41..=71 => (Sex::Female, raw_day - 40),
        _ => return Err(IdentifierError::FiscalCodeDate),
    };
    // The day must exist in 19yy or 20yy: only February depends on the century (1900 is not
    // leap, 2000 is), so 29 February needs yy % 4 == 0.
    let max_day = match month {
        2 if year_of_century % 4 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > max_day {
        return Err(IdentifierError::FiscalCodeDate);
    }
    Ok((buf, (sex, year_of_century, month, day)))
}

/// Byte classes for the shape check: upper-case letter, month letter, digit or omocodia letter.
const LETTER: u8 = 1;
const MONTH: u8 = 2;
const DIGIT: u8 = 4;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = b'A';
    while c <= b'Z' {
        t[c as usize] |= LETTER;
        t[c.to_ascii_lowercase() as usize] |= LETTER;
        c += 1;
    }
    let mut i = 0;
    while i < 12 {
        t[MONTHS[i] as usize] |= MONTH;
        t[MONTHS[i].to_ascii_lowercase() as usize] |= MONTH;
        i += 1;
    }
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] |= DIGIT;
        t[OMOCODIA[i] as usize] |= DIGIT;
        t[OMOCODIA[i].to_ascii_lowercase() as usize] |= DIGIT;
        i += 1;
    }
    t
};
/// The class each position requires.
const REQUIRED: [u8; 16] = [
    LETTER, LETTER, LETTER, LETTER, LETTER, LETTER, DIGIT, DIGIT, MONTH, DIGIT, DIGIT, LETTER, DIGIT, DIGIT, DIGIT,
    LETTER,
];

/// The common case: exactly 16 bytes, all of the right class. One pass, no branches per byte.
#[inline]
fn shape_fast(bytes: &[u8]) -> Option<[u8; 16]> {
    let bytes: &[u8; 16] = bytes.try_into().ok()?;
    let mut buf = [0u8; 16];
    let mut ok = true;
    for i in 0..16 {
        let c = bytes[i];
        ok &= CLASS[usize::from(c)] & REQUIRED[i] != 0;
        buf[i] = c.to_ascii_uppercase();
    }
    ok.then_some(buf)
}

/// Everything else: whitespace removed, upper-cased, and the precise error when refused.
fn shape_slow(text: &str) -> Result<[u8; 16], IdentifierError> {
    let Some((buf, len)) = compact_upper_ascii::<16>(text) else {
        return Err(slow_shape_error(text));
    };
    if len != 16 {
        return Err(IdentifierError::FiscalCodeLength { length: len });
    }
    if let Some((i, &c)) = buf.iter().enumerate().find(|&(i, &c)| !allowed(i, c)) {
        return Err(IdentifierError::FiscalCodeCharacter { position: i + 1, character: char::from(c) });
    }
    Ok(buf)
}

/// The error for an input the fast path could not take (non-ASCII or longer than 16).
fn slow_shape_error(text: &str) -> IdentifierError {
    let code = compact_upper(text);
    let length = code.chars().count();
    if length != 16 {
        return IdentifierError::FiscalCodeLength { length };
    }
    match code.char_indices().find(|&(i, c)| !c.is_ascii() || !allowed(i, c as u8)) {
        Some((i, c)) => IdentifierError::FiscalCodeCharacter { position: code[..i].chars().count() + 1, character: c },
        None => IdentifierError::FiscalCodeLength { length },
    }
}

fn allowed(position: usize, c: u8) -> bool {
    match position {
        0..=5 | 11 | 15 => c.is_ascii_uppercase(),
        8 => MONTHS.contains(&c),
        _ => digit_value(c).is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_codes() {
        assert_eq!(validate_fiscal_code("RSSMRAQRCMNFNLRG"), Ok("RSSMRAQRCMNFNLRG".to_owned()));
        assert_eq!(validate_fiscal_code("rssmra80a01f205x"), Ok("RSSMRA80A01F205X".to_owned()));
        assert_eq!(validate_fiscal_code("RSS MRA 80A01 F205X"), Ok("RSSMRA80A01F205X".to_owned()));
        let info = FiscalCodeInfo::parse("RSSMRA80A41F205B").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((info.sex, info.day, info.month), (Sex::Female, 1, 1));
        assert!(FiscalCodeInfo::parse("RSSMRAQRCMNFNLRG").unwrap().omocode);
    }

    #[test]
    fn errors_name_why_and_where() {
        assert_eq!(validate_fiscal_code("RSSMRA80A01F205"), Err(IdentifierError::FiscalCodeLength { length: 15 }));
        assert_eq!(
            validate_fiscal_code("RSSMR480A01F205X"),
            Err(IdentifierError::FiscalCodeCharacter { position: 6, character: '4' })
        );
        assert_eq!(
            validate_fiscal_code("RSSMRA80Z01F205X"),
            Err(IdentifierError::FiscalCodeCharacter { position: 9, character: 'Z' })
        );
        assert_eq!(
            validate_fiscal_code("RSSMRA80A01F205Y"),
            Err(IdentifierError::FiscalCodeChecksum { expected: 'X' })
        );
        assert_eq!(
            validate_fiscal_code("RSSMRAÈ0A01F205X"),
            Err(IdentifierError::FiscalCodeCharacter { position: 7, character: 'È' })
        );
        // 31 April does not exist; 29 February needs a leap year in 19yy or 20yy.
        assert_eq!(validate_fiscal_code(&with_check("RSSMRA80D31F205")), Err(IdentifierError::FiscalCodeDate));
        assert_eq!(validate_fiscal_code(&with_check("RSSMRA80A32F205")), Err(IdentifierError::FiscalCodeDate));
        assert_eq!(validate_fiscal_code(&with_check("RSSMRA80A00F205")), Err(IdentifierError::FiscalCodeDate));
        assert!(validate_fiscal_code(&with_check("RSSMRA00B29F205")).is_ok()); // 2000 is leap
        assert!(validate_fiscal_code(&with_check("RSSMRA04B69F205")).is_ok()); // 1904/2004, woman
        assert_eq!(validate_fiscal_code(&with_check("RSSMRA01B29F205")), Err(IdentifierError::FiscalCodeDate));
    }

    fn with_check(first15: &str) -> String {
        format!("{first15}{}", char::from(check_letter(first15.as_bytes())))
    }

    fn omocode_variant(code: &str, mask: u32) -> String {
        let mut b = code.as_bytes().to_vec();
        for (bit, &i) in DIGIT_POSITIONS.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                b[i] = OMOCODIA[usize::from(b[i] - b'0')];
            }
        }
        with_check(std::str::from_utf8(&b[..15]).unwrap())
    }

    fn code_strategy() -> impl Strategy<Value = String> {
        ("[A-Z]{6}", 0u32..100, 0usize..12, 1u32..=28, any::<bool>(), "[A-Z]", 0u32..1000).prop_map(
            |(name, yy, m, d, woman, letter, place)| {
                let day = if woman { d + 40 } else { d };
                with_check(&format!("{name}{yy:02}{}{day:02}{letter}{place:03}", char::from(MONTHS[m])))
            },
        )
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = validate_fiscal_code(&s);
        }

        #[test]
        fn all_128_omocode_variants_validate(code in code_strategy()) {
            prop_assert!(validate_fiscal_code(&code).is_ok());
            for mask in 0..128 {
                let variant = omocode_variant(&code, mask);
                prop_assert_eq!(validate_fiscal_code(&variant), Ok(variant.clone()));
            }
        }

        #[test]
        fn one_changed_character_never_validates(code in code_strategy(), pos in 0usize..16, c in "[A-Z0-9]") {
            let c = c.as_bytes()[0];
            let mut b = code.as_bytes().to_vec();
            let original = b[pos];
            let same_digit = digit_value(original).is_some() && digit_value(original) == digit_value(c)
                && DIGIT_POSITIONS.contains(&pos);
            prop_assume!(c != original && !same_digit);
            b[pos] = c;
            let changed = String::from_utf8(b).unwrap();
            prop_assert!(validate_fiscal_code(&changed).is_err(), "{} accepted", changed);
        }
    }
}
