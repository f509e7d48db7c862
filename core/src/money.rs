//! Exact money (SPEC §1.1–1.2): integer euro cents inside, `rust_decimal` at the edges.
//!
//! Two text formats, never guessed between: the portal format `1234,56` (no thousands
//! separator, comma, exactly two decimals) and the machine format `1234.56` (dot, as in CSV and
//! JSON). `1.234` is never read as one thousand two hundred thirty-four.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::error::{CieError, ErrorCode, Lang};

/// An exact amount of money in euro cents. May be negative as the result of a computation
/// (a balance), never as an entered amount.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(i64);

/// Why an amount was refused.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
pub enum AmountError {
    /// Not digits, comma (or dot) and two decimals.
    #[error("invalid amount format")]
    Format,
    /// More than two fractional digits (never rounded).
    #[error("more than two decimal digits")]
    Precision,
    /// A negative amount where an amount is entered.
    #[error("negative amount")]
    Negative,
    /// Zero where a payment is entered.
    #[error("zero amount")]
    Zero,
    /// Above 999 999 999,99.
    #[error("amount too large")]
    TooLarge,
}

impl CieError for AmountError {
    fn code(&self) -> ErrorCode {
        match self {
            AmountError::Format => ErrorCode::AmountFormat,
            AmountError::Precision => ErrorCode::AmountPrecision,
            AmountError::Negative => ErrorCode::AmountNegative,
            AmountError::Zero => ErrorCode::AmountZero,
            AmountError::TooLarge => ErrorCode::AmountTooLarge,
        }
    }
}

mod exported;
pub use exported::{column_style, read_exported_amount, ColumnStyle, ExportedAmountError};

/// Largest entered amount: 999 999 999,99.
const MAX_ENTERED_CENTS: i64 = 99_999_999_999;

impl Amount {
    /// Zero euro.
    pub const ZERO: Amount = Amount(0);
    /// The largest amount that may be entered (999 999 999,99).
    pub const MAX_ENTERED: Amount = Amount(MAX_ENTERED_CENTS);

    /// An amount from integer cents.
    pub const fn from_cents(cents: i64) -> Amount {
        Amount(cents)
    }

    /// The amount in integer cents.
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Parses the strict portal format `1234,56`.
    pub fn parse_portal(text: &str) -> Result<Amount, AmountError> {
        parse_signed(text, b',', true)
    }

    /// Parses the machine format `1234.56` (`1234` and `1234.5` accepted; fractional digits
    /// beyond the second must be zeros).
    pub fn parse_machine(text: &str) -> Result<Amount, AmountError> {
        parse_signed(text, b'.', false)
    }

    /// Parses either format, after trimming surrounding whitespace: a comma means the portal
    /// format, otherwise the machine format. This is what the CLI and CSV readers use.
    pub fn parse(text: &str) -> Result<Amount, AmountError> {
        let text = text.trim();
        if text.contains(',') {
            Amount::parse_portal(text)
        } else {
            Amount::parse_machine(text)
        }
    }

    /// An entered amount from a decimal: at most two significant fractional digits, not
    /// negative, at most 999 999 999,99.
    pub fn from_decimal(value: Decimal) -> Result<Amount, AmountError> {
        let cents = value * Decimal::ONE_HUNDRED;
        if !cents.fract().is_zero() {
            return Err(AmountError::Precision);
        }
        if value.is_sign_negative() && !value.is_zero() {
            return Err(AmountError::Negative);
        }
        let cents: i64 = cents.trunc().try_into().map_err(|_| AmountError::TooLarge)?;
        Amount::entered(cents)
    }

    /// Validates integer cents as an entered amount (not negative, not too large).
    pub fn entered(cents: i64) -> Result<Amount, AmountError> {
        if cents < 0 {
            Err(AmountError::Negative)
        } else if cents > MAX_ENTERED_CENTS {
            Err(AmountError::TooLarge)
        } else {
            Ok(Amount(cents))
        }
    }

    /// The amount as a decimal with two fractional digits.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// The portal format `1234,56`.
    pub fn to_portal(self) -> String {
        self.format_with(',')
    }

    /// The Italian display form with thousands separators, `4.835,52` (for documents people
    /// read; never for a portal field, which takes [`Amount::to_portal`]).
    pub fn to_display(self) -> String {
        let portal = self.to_portal();
        let (sign, digits) = portal.strip_prefix('-').map_or(("", portal.as_str()), |d| ("-", d));
        let (int, dec) = digits.split_once(',').unwrap_or((digits, "00"));
        let mut grouped = String::with_capacity(int.len() + int.len() / 3);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(c);
        }
        format!("{sign}{grouped},{dec}")
    }

    /// Refuses zero: a payment order moves money.
    pub fn ensure_positive(self) -> Result<Amount, AmountError> {
        match self.0 {
            0 => Err(AmountError::Zero),
            c if c < 0 => Err(AmountError::Negative),
            _ => Ok(self),
        }
    }

    /// Sum, saturating at the bounds of `i64` cents (never reached by real data).
    #[must_use]
    pub fn saturating_add(self, other: Amount) -> Amount {
        Amount(self.0.saturating_add(other.0))
    }

    /// Difference, saturating.
    #[must_use]
    pub fn saturating_sub(self, other: Amount) -> Amount {
        Amount(self.0.saturating_sub(other.0))
    }

    /// Product by a count, `None` on overflow.
    pub fn checked_mul(self, n: u64) -> Option<Amount> {
        i64::try_from(n).ok().and_then(|n| self.0.checked_mul(n)).map(Amount)
    }

    /// True when the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    fn format_with(self, separator: char) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}{separator}{:02}", abs / 100, abs % 100)
    }
}

fn parse_signed(text: &str, separator: u8, strict: bool) -> Result<Amount, AmountError> {
    match text.strip_prefix('-') {
        Some(rest) => parse_unsigned(rest.as_bytes(), separator, strict).and(Err(AmountError::Negative)),
        None => parse_unsigned(text.as_bytes(), separator, strict),
    }
}

fn parse_unsigned(bytes: &[u8], separator: u8, strict: bool) -> Result<Amount, AmountError> {
    let (int, frac) = match bytes.iter().position(|&b| b == separator) {
        Some(i) => (&bytes[..i], Some(&bytes[i + 1..])),
        None => (bytes, None),
    };
    if int.is_empty() || !int.iter().all(u8::is_ascii_digit) {
        return Err(AmountError::Format);
    }
    let frac = match frac {
        None if strict => return Err(AmountError::Format),
        None => &[][..],
        Some(f) if f.is_empty() || !f.iter().all(u8::is_ascii_digit) => return Err(AmountError::Format),
        Some(f) => f,
    };
    if strict && frac.len() < 2 {
        return Err(AmountError::Format);
    }
    if frac.len() > 2 && (strict || frac[2..].iter().any(|&b| b != b'0')) {
        return Err(AmountError::Precision);
    }
    let first_significant = int.iter().position(|&b| b != b'0').unwrap_or(int.len());
    let int = &int[first_significant..];
    if int.len() > 9 {
        return Err(AmountError::TooLarge);
    }
    let euros = int.iter().fold(0i64, |acc, &b| acc * 10 + i64::from(b - b'0'));
    let cents = frac
        .iter()
        .take(2)
        .enumerate()
        .fold(0i64, |acc, (i, &b)| acc + i64::from(b - b'0') * if i == 0 { 10 } else { 1 });
    Ok(Amount(euros * 100 + cents))
}

impl fmt::Display for Amount {
    /// Machine format `1234.56`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_with('.'))
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({self})")
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::text_de::parse_text(deserializer, "an amount", |text| {
            let text = text.trim();
            let (neg, body) = match text.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, text),
            };
            let amount = Amount::parse(body).map_err(|e| e.message(Lang::En))?;
            Ok::<_, String>(if neg { Amount(-amount.0) } else { amount })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn portal_format_is_strict() {
        assert_eq!(Amount::parse_portal("1234,56"), Ok(Amount(123_456)));
        assert_eq!(Amount::parse_portal("0,00"), Ok(Amount(0)));
        assert_eq!(Amount::parse_portal("16,79"), Ok(Amount(1679)));
        for bad in ["1234", "1234,5", "1.234,56", "1234.56", ",56", "12,3a", "", " 1,00", "+1,00", "1,00,00"] {
            assert_eq!(Amount::parse_portal(bad), Err(AmountError::Format), "{bad:?}");
        }
        assert_eq!(Amount::parse_portal("1,234"), Err(AmountError::Precision));
        assert_eq!(Amount::parse_portal("-1,00"), Err(AmountError::Negative));
        assert_eq!(Amount::parse_portal("-x"), Err(AmountError::Format));
        assert_eq!(Amount::parse_portal("999999999,99"), Ok(Amount::MAX_ENTERED));
        assert_eq!(Amount::parse_portal("1000000000,00"), Err(AmountError::TooLarge));
        assert_eq!(Amount::parse_portal("000000000000012,00"), Ok(Amount(1200)));
    }

    #[test]
    fn display_form_groups_thousands() {
        assert_eq!(Amount::from_cents(483_552).to_display(), "4.835,52");
        assert_eq!(Amount::from_cents(99_999_999_999).to_display(), "999.999.999,99");
        assert_eq!(Amount::from_cents(1679).to_display(), "16,79");
        assert_eq!(Amount::from_cents(-123_456).to_display(), "-1.234,56");
        assert_eq!(Amount::ZERO.to_display(), "0,00");
    }

    #[test]
    fn machine_format_never_guesses_thousands() {
        assert_eq!(Amount::parse_machine("1234.56"), Ok(Amount(123_456)));
        assert_eq!(Amount::parse_machine("1234"), Ok(Amount(123_400)));
        assert_eq!(Amount::parse_machine("1234.5"), Ok(Amount(123_450)));
        assert_eq!(Amount::parse_machine("1.230"), Ok(Amount(123)));
        assert_eq!(Amount::parse_machine("1.234"), Err(AmountError::Precision));
        assert_eq!(Amount::parse_machine("1."), Err(AmountError::Format));
        assert_eq!(Amount::parse_machine("1,5"), Err(AmountError::Format));
        assert_eq!(Amount::parse(" 33,59 "), Ok(Amount(3359)));
        assert_eq!(Amount::parse("33.59"), Ok(Amount(3359)));
    }

    #[test]
    fn decimals_at_the_edge() {
        use std::str::FromStr;
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(Amount::from_decimal(d("16.79")), Ok(Amount(1679)));
        assert_eq!(Amount::from_decimal(d("16.790")), Ok(Amount(1679)));
        assert_eq!(Amount::from_decimal(d("16.791")), Err(AmountError::Precision));
        assert_eq!(Amount::from_decimal(d("-1")), Err(AmountError::Negative));
        assert_eq!(Amount::from_decimal(d("1000000000")), Err(AmountError::TooLarge));
        assert_eq!(Amount(1679).to_decimal(), d("16.79"));
        assert_eq!(Amount(-5).to_portal(), "-0,05");
        assert_eq!(Amount(0).ensure_positive(), Err(AmountError::Zero));
    }

    #[test]
    fn serde_round_trip() {
        let json = serde_json::to_string(&Amount(123_456)).unwrap();
        assert_eq!(json, "\"1234.56\"");
        assert_eq!(serde_json::from_str::<Amount>(&json).unwrap(), Amount(123_456));
        assert_eq!(serde_json::from_str::<Amount>("\"-0.05\"").unwrap(), Amount(-5));
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = Amount::parse_portal(&s);
            let _ = Amount::parse_machine(&s);
            let _ = Amount::parse(&s);
        }

        #[test]
        fn format_then_parse_is_identity(cents in 0i64..=MAX_ENTERED_CENTS) {
            let a = Amount(cents);
            prop_assert_eq!(Amount::parse_portal(&a.to_portal()), Ok(a));
            prop_assert_eq!(Amount::parse_machine(&a.to_string()), Ok(a));
            prop_assert_eq!(Amount::from_decimal(a.to_decimal()), Ok(a));
        }

        #[test]
        fn long_digit_strings_are_too_large(n in 10usize..200) {
            let s = format!("{},00", "9".repeat(n));
            prop_assert_eq!(Amount::parse_portal(&s), Err(AmountError::TooLarge));
        }
    }
}
