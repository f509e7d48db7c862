//! Payment orders (mandati di pagamento) as entered: number, date, amount, and optionally the
//! period of signing dates they declare to pay for (SPEC §3.1, §5 "Order rules").

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::{CieError, ErrorCode, FieldValue, Lang};
use crate::money::{Amount, AmountError};

mod check;
mod columns;

pub use check::{check_order, check_order_form, OrderCheck, OrderField, OrderFinding, Severity};
pub use columns::OrderColumns;
pub(crate) use columns::{OrderKey, OrderRange};

/// Longest accepted order number, in characters.
pub const MAX_NUMBER_LENGTH: usize = 64;

/// A payment order from the municipality to the State treasury.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PaymentOrder {
    /// The order's number (trimmed, not empty).
    pub number: String,
    /// The order's date.
    pub date: NaiveDate,
    /// The amount paid (> 0).
    pub amount: Amount,
    /// The signing-date period the order declares to cover (from, to), both included.
    pub period: Option<(NaiveDate, NaiveDate)>,
}

/// The identity of a payment order: its financial year (the year of its date) and its number.
/// Treasuries restart numbering every 1 January, so `12` of 2021 and `12` of 2022 are two orders.
/// Its text form is `2022/12` (year first: a number may itself contain `/`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderId {
    /// Financial year.
    pub year: i32,
    /// Number (trimmed).
    pub number: String,
}

impl OrderId {
    /// Parses `2022/12`.
    pub fn parse(text: &str) -> Option<OrderId> {
        let (year, number) = text.split_once('/')?;
        Some(OrderId { year: year.parse().ok()?, number: normalize_number(number).ok()? })
    }
}

impl std::fmt::Display for OrderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.year, self.number)
    }
}

impl Serialize for OrderId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OrderId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<OrderId, D::Error> {
        let text = String::deserialize(d)?;
        OrderId::parse(&text).ok_or_else(|| serde::de::Error::custom("an order identity as year/number"))
    }
}

/// Why an order was refused.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum OrderError {
    /// Empty (after trimming), too long, or with control characters.
    #[error("invalid order number")]
    NumberInvalid,
    /// The amount is invalid (zero, negative, too large…).
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// The declared period ends before it starts.
    #[error("period ends before it starts")]
    PeriodInvalid,
    /// A period with one end only (columns of orders give the two ends apart).
    #[error("both ends of the period or neither")]
    PeriodHalf,
    /// The order is dated after today.
    #[error("order date in the future")]
    DateFuture,
    /// The declared period ends after the order's date (an order cannot pay cards not yet signed).
    #[error("period ends after the order date")]
    PeriodAfterOrder,
    /// An edit would move the order into another financial year (its identity).
    #[error("order cannot change financial year")]
    YearChanged,
    /// The same number appears with two different dates.
    #[error("split order {number} has different dates")]
    SplitDateMismatch {
        /// The order number.
        number: String,
    },
}

impl CieError for OrderError {
    fn code(&self) -> ErrorCode {
        match self {
            OrderError::NumberInvalid => ErrorCode::OrderNumberInvalid,
            OrderError::Amount(e) => e.code(),
            OrderError::PeriodInvalid => ErrorCode::PeriodInvalid,
            OrderError::PeriodHalf => ErrorCode::PeriodIncomplete,
            OrderError::PeriodAfterOrder => ErrorCode::PeriodAfterOrder,
            OrderError::YearChanged => ErrorCode::OrderYearChanged,
            OrderError::DateFuture => ErrorCode::OrderDateFuture,
            OrderError::SplitDateMismatch { .. } => ErrorCode::SplitDateMismatch,
        }
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        match self {
            OrderError::SplitDateMismatch { number } => Some(format!("{} {number}", lang.pick("mandato", "order"))),
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        match self {
            OrderError::SplitDateMismatch { number } => vec![("number", FieldValue::Text(number.clone()))],
            _ => Vec::new(),
        }
    }
}

/// Normalises and checks an order number: trimmed, not empty, at most 64 characters, no
/// control characters.
pub fn normalize_number(number: &str) -> Result<String, OrderError> {
    checked_number(number).map(str::to_owned)
}

/// The pieces of order numbers joined by newlines — exactly `text.split('\n')`, by a plain
/// scan of the bytes (a valid number has no control character, so the newline cannot be part
/// of one). How the bindings receive a column of numbers in one string.
pub fn joined_numbers(text: &str) -> JoinedNumbers<'_> {
    JoinedNumbers { rest: Some(text) }
}

/// The numbers of a column of `rows` orders joined by newlines, when the text splits into
/// exactly `rows` pieces (the empty text being no rows); `None` otherwise: some item has a
/// newline inside, and the caller reads the column item by item, so that the faulty one is
/// refused with its row.
pub fn joined_column(text: &str, rows: usize) -> Option<JoinedNumbers<'_>> {
    let pieces = if text.is_empty() { 0 } else { text.bytes().filter(|&b| b == b'\n').count() + 1 };
    (pieces == rows).then(|| JoinedNumbers { rest: (rows > 0).then_some(text) })
}

/// Iterator of [`joined_numbers`].
#[derive(Clone, Debug)]
pub struct JoinedNumbers<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for JoinedNumbers<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        if let Some(end) = rest.as_bytes().iter().position(|&b| b == b'\n') {
            // `end` and `end + 1` are character boundaries: the newline is one ASCII byte
            self.rest = rest.get(end + 1..);
            rest.get(..end)
        } else {
            self.rest = None;
            Some(rest)
        }
    }
}

/// [`normalize_number`] without the copy: the trimmed number.
fn checked_number(number: &str) -> Result<&str, OrderError> {
    // Printable ASCII with no space at either end (nearly every number): nothing to trim, no
    // control character, one byte per character — one pass over the bytes.
    let bytes = number.as_bytes();
    if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
        let printable = bytes.iter().fold(true, |ok, &b| ok & (b.wrapping_sub(b' ') < 0x5f));
        if printable && first != b' ' && last != b' ' && bytes.len() <= MAX_NUMBER_LENGTH {
            return Ok(number);
        }
    }
    let number = number.trim();
    // ASCII (nearly every number): one byte per character, and the same control characters.
    let valid = if number.is_ascii() {
        number.len() <= MAX_NUMBER_LENGTH && !number.bytes().any(|b| b.is_ascii_control())
    } else {
        number.chars().count() <= MAX_NUMBER_LENGTH && !number.chars().any(char::is_control)
    };
    if number.is_empty() || !valid {
        return Err(OrderError::NumberInvalid);
    }
    Ok(number)
}

/// The declared period of an order given as two optional ends (a column each): both or
/// neither.
pub fn declared_period(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Option<(NaiveDate, NaiveDate)>, OrderError> {
    match (from, to) {
        (Some(from), Some(to)) => Ok(Some((from, to))),
        (None, None) => Ok(None),
        _ => Err(OrderError::PeriodHalf),
    }
}

/// True when a declared period ending on `to` ends after an order dated `date`
/// (`PERIOD_AFTER_ORDER`). An order dated on or after the due date of the fortnight its period
/// ends with is on time: the law puts the second half's due date on the month's last *working*
/// day, so a period ending on a Saturday, Sunday or holiday is paid before it ends.
pub fn period_ends_after_order(date: NaiveDate, to: NaiveDate) -> bool {
    to > date && !crate::calendar::Fortnight::of(to).is_ok_and(|f| f.last_day() == to && date >= f.due_date())
}

/// The checks of [`PaymentOrder::new`] on everything but the number: the amount entered,
/// positive and in range, the period ordered.
fn checked_amount(amount: Amount, period: Option<(NaiveDate, NaiveDate)>) -> Result<Amount, OrderError> {
    let amount = Amount::entered(amount.cents())?.ensure_positive()?;
    match period {
        Some((from, to)) if to < from => Err(OrderError::PeriodInvalid),
        _ => Ok(amount),
    }
}

impl PaymentOrder {
    /// A checked order: number normalised, amount > 0 and ≤ 999 999 999,99, period ordered.
    pub fn new(
        number: &str,
        date: NaiveDate,
        amount: Amount,
        period: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<PaymentOrder, OrderError> {
        let number = normalize_number(number)?;
        let amount = checked_amount(amount, period)?;
        Ok(PaymentOrder { number, date, amount, period })
    }

    /// The day whose price applies to the cards the order pays: the end of its declared period
    /// (the signing dates it pays for), else its own date.
    pub fn priced_on(&self) -> NaiveDate {
        self.period.map_or(self.date, |(_, to)| to)
    }

    /// When the order declares exactly one fortnight and is dated after that fortnight's due
    /// date, the due date it missed (a warning, never an error, SPEC §2.4).
    pub fn missed_due_date(&self) -> Option<NaiveDate> {
        let (from, to) = self.period?;
        let fortnight = crate::calendar::Fortnight::of(from).ok()?;
        (fortnight.first_day() == from && fortnight.last_day() == to && fortnight.is_late(self.date))
            .then(|| fortnight.due_date())
    }

    /// The order's identity: financial year (the year of its date) and number (SPEC §3.2).
    pub fn identity(&self) -> OrderId {
        OrderId { year: self.date.year(), number: self.number.clone() }
    }

    /// Refuses an order dated after `today` (the caller's civil date in Rome).
    pub fn ensure_not_future(&self, today: NaiveDate) -> Result<(), OrderError> {
        if self.date > today {
            Err(OrderError::DateFuture)
        } else {
            Ok(())
        }
    }
}

/// Orders sharing an identity (financial year + number, SPEC §3.2) must share the date (a split
/// order); the same number in another year is another order. Returns, for each order
/// after the first of its number whose date differs, its index and the error.
pub fn split_date_conflicts(orders: &[PaymentOrder]) -> Vec<(usize, OrderError)> {
    let mut first_date: HashMap<(i32, &str), NaiveDate> = HashMap::new();
    let mut conflicts = Vec::new();
    for (i, order) in orders.iter().enumerate() {
        let date = *first_date.entry((order.date.year(), order.number.as_str())).or_insert(order.date);
        if date != order.date {
            conflicts.push((i, OrderError::SplitDateMismatch { number: order.number.clone() }));
        }
    }
    conflicts
}

/// The value of an all-digit number of up to 19 significant digits; `u64::MAX` otherwise. One
/// pass over the bytes (a SWAR conversion of 8 bytes at once was tried and lost to the copy it needs
/// without `unsafe`). Kept per order in [`OrderColumns`]: the processing order compares it.
pub(crate) fn small_value(number: &str) -> u64 {
    let bytes = number.as_bytes();
    // Up to 19 bytes the value fits whatever the leading zeros (nearly every number): no
    // count of significant digits.
    if bytes.is_empty() {
        return u64::MAX;
    }
    let digits = if bytes.len() <= 19 {
        bytes
    } else {
        let zeros = bytes.iter().take_while(|&&b| b == b'0').count();
        match bytes.get(zeros..) {
            Some(rest) if rest.len() <= 19 => rest,
            _ => return u64::MAX,
        }
    };
    let mut value = 0u64;
    for &byte in digits {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return u64::MAX;
        }
        value = value * 10 + u64::from(digit);
    }
    value
}

/// A borrowed view of one order: what the allocation reads of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderView<'a> {
    /// The order's number (trimmed, not empty).
    pub number: &'a str,
    /// The order's date.
    pub date: NaiveDate,
    /// The amount paid.
    pub amount: Amount,
    /// The declared period, if any.
    pub period: Option<(NaiveDate, NaiveDate)>,
}

impl PaymentOrder {
    /// The order as a borrowed view.
    pub fn view(&self) -> OrderView<'_> {
        OrderView { number: &self.number, date: self.date, amount: self.amount, period: self.period }
    }
}

impl OrderView<'_> {
    /// An owned copy of the order.
    pub fn to_order(&self) -> PaymentOrder {
        PaymentOrder { number: self.number.to_owned(), date: self.date, amount: self.amount, period: self.period }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Columns built in parts and concatenated are the columns built at once, periods or
        /// not in each part.
        #[test]
        fn concatenated_parts_are_the_whole(
            orders in prop::collection::vec(("[0-9A-Z/]{1,6}", 0u32..300, 1i64..90_000, any::<bool>()), 0..40),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        ) {
            let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
            let orders: Vec<PaymentOrder> = orders
                .iter()
                .filter_map(|(number, day, cents, period)| {
                    let date = start + chrono::Days::new(u64::from(*day));
                    let period = period.then(|| (date - chrono::Days::new(14), date));
                    PaymentOrder::new(number, date, Amount::from_cents(*cents), period).ok()
                })
                .collect();
            let whole: OrderColumns = orders.iter().collect();
            let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(orders.len() + 1)).collect();
            bounds.extend([0, orders.len()]);
            bounds.sort_unstable();
            let parts = bounds.windows(2).map(|w| orders[w[0]..w[1]].iter().collect()).collect();
            let joined = OrderColumns::concat(parts);
            prop_assert_eq!(joined.to_orders(), whole.to_orders());
            prop_assert_eq!((0..joined.len()).map(|i| joined.key(i)).collect::<Vec<_>>(), (0..whole.len()).map(|i| whole.key(i)).collect::<Vec<_>>());
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn order_rules() {
        let o = PaymentOrder::new(" 12/2024 ", d(2024, 4, 10), Amount::from_cents(3358), None).unwrap();
        assert_eq!(o.number, "12/2024");
        assert_eq!(
            PaymentOrder::new("  ", d(2024, 4, 10), Amount::from_cents(1), None),
            Err(OrderError::NumberInvalid)
        );
        assert_eq!(
            PaymentOrder::new("1", d(2024, 4, 10), Amount::ZERO, None),
            Err(OrderError::Amount(AmountError::Zero))
        );
        assert_eq!(
            PaymentOrder::new("1", d(2024, 4, 10), Amount::from_cents(1), Some((d(2024, 3, 31), d(2024, 3, 16)))),
            Err(OrderError::PeriodInvalid)
        );
        assert_eq!(o.ensure_not_future(d(2024, 4, 9)), Err(OrderError::DateFuture));
        assert_eq!(o.ensure_not_future(d(2024, 4, 10)), Ok(()));
        assert_eq!(o.priced_on(), d(2024, 4, 10));
        let fortnight = Some((d(2024, 3, 16), d(2024, 3, 31)));
        let late = PaymentOrder::new("5", d(2024, 4, 10), Amount::from_cents(1679), fortnight).unwrap();
        assert_eq!(late.priced_on(), d(2024, 3, 31));
        assert_eq!(late.missed_due_date(), Some(d(2024, 3, 29)));
        let on_time = PaymentOrder { date: d(2024, 3, 29), ..late.clone() };
        assert_eq!(on_time.missed_due_date(), None);
        let not_a_fortnight = PaymentOrder { period: Some((d(2024, 3, 16), d(2024, 4, 5))), ..late };
        assert_eq!(not_a_fortnight.missed_due_date(), None);
        let a = o.clone();
        let b = PaymentOrder { date: d(2024, 4, 11), ..o.clone() };
        let conflicts = split_date_conflicts(&[a, o, b]);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].0, 2);
    }

    #[test]
    fn a_period_has_both_ends_or_none() {
        let day = d(2024, 3, 16);
        assert_eq!(declared_period(Some(day), Some(day)), Ok(Some((day, day))));
        assert_eq!(declared_period(None, None), Ok(None));
        assert_eq!(declared_period(Some(day), None), Err(OrderError::PeriodHalf));
        assert_eq!(declared_period(None, Some(day)), Err(OrderError::PeriodHalf));
        assert_eq!(OrderError::PeriodHalf.code(), ErrorCode::PeriodIncomplete);
    }

    #[test]
    fn joined_column_only_when_the_pieces_match_the_rows() {
        let pieces = |text, rows| joined_column(text, rows).map(Iterator::collect::<Vec<_>>);
        assert_eq!(pieces("", 0), Some(vec![]));
        assert_eq!(pieces("", 1), None);
        assert_eq!(pieces("a", 1), Some(vec!["a"]));
        assert_eq!(pieces("10\n2", 2), Some(vec!["10", "2"]));
        assert_eq!(pieces("\n", 2), Some(vec!["", ""]));
        assert_eq!(pieces("1\n0\n2", 2), None);
        assert_eq!(pieces("1", 2), None);
    }

    proptest! {
        /// The byte scan splits exactly as `str::split('\n')`.
        #[test]
        fn joined_numbers_split_as_str_split(s in "[a\\né\\r ]{0,40}|\\PC{0,40}|\\n{0,4}") {
            let ours: Vec<&str> = joined_numbers(&s).collect();
            let std: Vec<&str> = s.split('\n').collect();
            prop_assert_eq!(ours, std);
        }

        #[test]
        fn numbers_never_panic(s in "\\PC{0,100}") {
            let _ = normalize_number(&s);
        }

        /// The ASCII shortcut agrees with the rule read literally (characters, not bytes).
        #[test]
        fn numbers_checked_by_characters(
            s in "\\PC{0,70}|[\\x00-\\x7f]{0,70}|[a\\x7fé\\u{85} ]{60,70}|[ -~]{0,70}|[ a~\\t]{60,70}|[ \\x1f\\x7f0]{1,4}"
        ) {
            let t = s.trim();
            let literal = !t.is_empty() && t.chars().count() <= MAX_NUMBER_LENGTH && !t.chars().any(char::is_control);
            prop_assert_eq!(normalize_number(&s).ok(), literal.then(|| t.to_owned()));
        }

        /// An integer number is pushed exactly as its decimal text: same columns (values
        /// included), same refusals.
        #[test]
        fn integers_push_as_their_text(
            rows in prop::collection::vec((any::<i64>(), -5i64..200_000, prop::option::of((0u64..40, 0u64..40))), 0..30),
        ) {
            let day = |k: u64| d(2024, 1, 1) + chrono::Days::new(k);
            let (mut by_integer, mut by_text) = (OrderColumns::default(), OrderColumns::default());
            for (number, cents, period) in rows {
                let period = period.map(|(a, b)| (day(a), day(b)));
                let amount = Amount::from_cents(cents);
                prop_assert_eq!(
                    by_integer.push_integer(number, day(3), amount, period),
                    by_text.push(&number.to_string(), day(3), amount, period)
                );
            }
            prop_assert_eq!(by_integer, by_text);
        }

        /// Columns accept and refuse exactly what `PaymentOrder::new` does, keep nothing of a
        /// refused order, and give back the accepted orders unchanged.
        #[test]
        fn columns_check_like_orders(
            rows in prop::collection::vec(("\\PC{0,8}|[ 0-9\n\t]{0,6}", 0i32..3000, -5i64..200_000, prop::option::of((0i32..3000, 0i32..3000))), 0..40),
        ) {
            let base = d(2020, 1, 1);
            let day = |k: i32| base + chrono::Days::new(k.unsigned_abs().into());
            let mut columns = OrderColumns::with_capacity(rows.len());
            let mut accepted = Vec::new();
            for (number, date, cents, period) in &rows {
                let period = period.map(|(a, b)| (day(a), day(b)));
                let expected = PaymentOrder::new(number, day(*date), Amount::from_cents(*cents), period);
                let pushed = columns.push(number, day(*date), Amount::from_cents(*cents), period);
                prop_assert_eq!(pushed.clone().err(), expected.clone().err());
                if let Ok(o) = expected {
                    accepted.push(o);
                }
                prop_assert_eq!(columns.len(), accepted.len());
            }
            prop_assert_eq!(columns.is_empty(), accepted.is_empty());
            prop_assert_eq!(columns.to_orders(), accepted.clone());
            prop_assert_eq!(columns.get(columns.len()), None);
            let collected: OrderColumns = accepted.iter().collect();
            prop_assert_eq!(collected, columns);
        }
    }
}
