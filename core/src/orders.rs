//! Payment orders (mandati di pagamento) as entered: number, date, amount, and optionally the
//! period of signing dates they declare to pay for (SPEC §3.1, §5 "Order rules").

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::{CieError, ErrorCode, FieldValue, Lang};
use crate::money::{Amount, AmountError};

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
    /// The order is dated after today.
    #[error("order date in the future")]
    DateFuture,
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
    let number = number.trim();
    if number.is_empty() || number.chars().count() > MAX_NUMBER_LENGTH || number.chars().any(char::is_control) {
        return Err(OrderError::NumberInvalid);
    }
    Ok(number.to_owned())
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
        let amount = Amount::entered(amount.cents())?.ensure_positive()?;
        if let Some((from, to)) = period {
            if to < from {
                return Err(OrderError::PeriodInvalid);
            }
        }
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

    /// Refuses an order dated after `today` (the caller's civil date in Rome).
    pub fn ensure_not_future(&self, today: NaiveDate) -> Result<(), OrderError> {
        if self.date > today {
            Err(OrderError::DateFuture)
        } else {
            Ok(())
        }
    }
}

/// Orders sharing a number must share the date (a split order). Returns, for each order
/// after the first of its number whose date differs, its index and the error.
pub fn split_date_conflicts(orders: &[PaymentOrder]) -> Vec<(usize, OrderError)> {
    let mut first_date: HashMap<&str, NaiveDate> = HashMap::new();
    let mut conflicts = Vec::new();
    for (i, order) in orders.iter().enumerate() {
        let date = *first_date.entry(order.number.as_str()).or_insert(order.date);
        if date != order.date {
            conflicts.push((i, OrderError::SplitDateMismatch { number: order.number.clone() }));
        }
    }
    conflicts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    proptest! {
        #[test]
        fn numbers_never_panic(s in "\\PC{0,100}") {
            let _ = normalize_number(&s);
        }
    }
}
