//! Amounts in exported files (SPEC §1.2a): read per column, never guessing per value.
//!
//! A value is classified by its shape, after dropping a currency sign (`€`, `EUR`) and spaces
//! around the number:
//! - *display* (Italian): a comma before one or two decimals, groups of exactly three digits
//!   separated by `.`, a space or an apostrophe (`1.234,56`, `1 234,56`, `1234,56`);
//! - *machine*: a dot before one or two decimals, no grouping (`16.79`);
//! - *grouped*: dot groups of three digits and no decimals (`1.234`): one thousand two hundred
//!   thirty-four in a display column, never a machine value (three decimals);
//! - *integer*: digits only, the same in both readings.
//!
//! The column's style is the style of most of its values that show one (a grouped value shows
//! none: it fits display, and machine only as a precision error). Values of the other style are refused (`AMOUNT_COLUMN_MIXED`), and so is a
//! grouped value in a column with no display value (`AMOUNT_AMBIGUOUS`): `1.234` alone is never
//! read silently.

use super::{Amount, AmountError};

/// How an exported column writes its amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnStyle {
    /// Italian display: comma decimals, optional grouping.
    Display,
    /// Machine: dot decimals, no grouping.
    Machine,
    /// Only integers (or nothing readable): both readings agree.
    Either,
}

/// Why an exported value is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportedAmountError {
    /// The value's own error (format, precision, too large).
    Value(AmountError),
    /// The value is written in the other style than its column.
    Mixed,
    /// `1.234` in a column that shows no style: one thousand or one point two three four.
    Ambiguous,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Integer,
    Display,
    Grouped,
    Machine,
    Bad(AmountError),
}

/// The number without currency sign, spaces around it, or a leading sign; and the sign.
fn bare(text: &str) -> (bool, &str) {
    let mut t = text.trim();
    for sign in ["€", "EUR", "eur", "Eur"] {
        if let Some(rest) = t.strip_prefix(sign) {
            t = rest.trim_start();
        }
        if let Some(rest) = t.strip_suffix(sign) {
            t = rest.trim_end();
        }
    }
    match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Digits grouped by threes with one separator kind: `1.234.567`, `1 234`, `1'234`.
fn grouped(s: &str, separators: &[char]) -> bool {
    let Some(sep) = s.chars().find(|c| separators.contains(c)) else { return false };
    let mut parts = s.split(sep);
    let first = parts.next().unwrap_or_default();
    (1..=3).contains(&first.len()) && all_digits(first) && parts.all(|p| p.len() == 3 && all_digits(p))
}

fn shape(number: &str) -> Shape {
    const GROUPS: [char; 4] = ['.', ' ', '\u{a0}', '\''];
    if number.is_empty() {
        return Shape::Bad(AmountError::Format);
    }
    if all_digits(number) {
        return Shape::Integer;
    }
    if let Some((int, dec)) = number.split_once(',') {
        let int_ok = all_digits(int) || grouped(int, &GROUPS);
        return match (int_ok, all_digits(dec), dec.len()) {
            (true, true, 1 | 2) => Shape::Display,
            (true, true, _) => Shape::Bad(AmountError::Precision),
            _ => Shape::Bad(AmountError::Format),
        };
    }
    if grouped(number, &['.']) {
        return Shape::Grouped;
    }
    if grouped(number, &[' ', '\u{a0}', '\'']) {
        return Shape::Display;
    }
    if let Some((int, dec)) = number.split_once('.') {
        return match (all_digits(int), all_digits(dec), dec.len()) {
            (true, true, 1 | 2) => Shape::Machine,
            (true, true, _) => Shape::Bad(AmountError::Precision),
            _ => Shape::Bad(AmountError::Format),
        };
    }
    Shape::Bad(AmountError::Format)
}

/// The cents of a number of a known shape (digits kept, the decimal separator read).
fn cents(number: &str, decimal: Option<char>) -> Result<i64, AmountError> {
    let (int, dec) = match decimal.and_then(|d| number.split_once(d)) {
        Some((i, d)) => (i, d),
        None => (number, ""),
    };
    let int: String = int.chars().filter(char::is_ascii_digit).collect();
    let mut value: i64 = 0;
    for b in int.bytes().chain(format!("{dec:0<2}").bytes()) {
        value = value.checked_mul(10).and_then(|v| v.checked_add(i64::from(b - b'0'))).ok_or(AmountError::TooLarge)?;
    }
    Ok(value)
}

/// The style of a column of exported amounts.
pub fn column_style<'a>(values: impl IntoIterator<Item = &'a str>) -> ColumnStyle {
    let (mut display, mut machine) = (0usize, 0usize);
    for v in values {
        match shape(bare(v).1) {
            Shape::Display => display += 1,
            Shape::Machine => machine += 1,
            _ => {}
        }
    }
    match (display, machine) {
        (0, 0) => ColumnStyle::Either,
        (d, m) if d >= m => ColumnStyle::Display,
        _ => ColumnStyle::Machine,
    }
}

/// Reads one exported value of a column of the given style. Negative values are returned as
/// such (the caller's rule decides), amounts beyond 999 999 999,99 are `AMOUNT_TOO_LARGE`.
pub fn read_exported_amount(text: &str, style: ColumnStyle) -> Result<Amount, ExportedAmountError> {
    let (negative, number) = bare(text);
    let decimal = match (shape(number), style) {
        (Shape::Bad(e), _) => return Err(ExportedAmountError::Value(e)),
        (Shape::Integer, _) | (Shape::Grouped, ColumnStyle::Display) => None,
        (Shape::Display, ColumnStyle::Display | ColumnStyle::Either) => Some(','),
        (Shape::Grouped, ColumnStyle::Either) => return Err(ExportedAmountError::Ambiguous),
        // In a machine column, a dot and three digits are three decimals.
        (Shape::Grouped, ColumnStyle::Machine) => return Err(ExportedAmountError::Value(AmountError::Precision)),
        (Shape::Machine, ColumnStyle::Machine | ColumnStyle::Either) => Some('.'),
        (Shape::Display, ColumnStyle::Machine) | (Shape::Machine, ColumnStyle::Display) => {
            return Err(ExportedAmountError::Mixed)
        }
    };
    let cents = cents(number, decimal).map_err(ExportedAmountError::Value)?;
    if cents > Amount::MAX_ENTERED.cents() {
        return Err(ExportedAmountError::Value(AmountError::TooLarge));
    }
    Ok(Amount::from_cents(if negative { -cents } else { cents }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(values: &[&str]) -> Vec<Result<i64, ExportedAmountError>> {
        let style = column_style(values.iter().copied());
        values.iter().map(|v| read_exported_amount(v, style).map(Amount::cents)).collect()
    }

    #[test]
    fn italian_display_columns() {
        assert_eq!(
            read(&["€ 302,22", "1.124,93", "1.234", "16,79", "1 234,56", "1'234,50", "-16,79", "EUR 5"]),
            vec![Ok(30222), Ok(112_493), Ok(123_400), Ok(1679), Ok(123_456), Ok(123_450), Ok(-1679), Ok(500)]
        );
    }

    #[test]
    fn machine_columns() {
        assert_eq!(
            read(&["16.79", "302.2", "1234", "1.234"]),
            vec![Ok(1679), Ok(30220), Ok(123_400), Err(ExportedAmountError::Value(AmountError::Precision))]
        );
    }

    #[test]
    fn never_guessed() {
        // "1.234" alone: one thousand or one point two three four? Refused.
        assert_eq!(read(&["1.234"]), vec![Err(ExportedAmountError::Ambiguous)]);
        assert_eq!(read(&["1.234", "500"]), vec![Err(ExportedAmountError::Ambiguous), Ok(50_000)]);
        // A column that mixes the readings refuses the minority.
        assert_eq!(read(&["16,79", "33,58", "16.79"]), vec![Ok(1679), Ok(3358), Err(ExportedAmountError::Mixed)]);
        // English grouping, three decimals, stray text.
        assert_eq!(read(&["1,234.56"]), vec![Err(ExportedAmountError::Value(AmountError::Format))]);
        assert_eq!(read(&["16,799"]), vec![Err(ExportedAmountError::Value(AmountError::Precision))]);
        assert_eq!(read(&["12.34.5"]), vec![Err(ExportedAmountError::Value(AmountError::Format))]);
        assert_eq!(read(&["1.23,45"]), vec![Err(ExportedAmountError::Value(AmountError::Format))]);
        assert_eq!(read(&["9999999999999999999999"]), vec![Err(ExportedAmountError::Value(AmountError::TooLarge))]);
    }
}
