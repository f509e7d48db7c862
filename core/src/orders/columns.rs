//! Orders in columns ([`OrderColumns`]): a national batch's orders in a handful of vectors,
//! and one municipality's consecutive orders among them ([`OrderRange`]).

use chrono::NaiveDate;

use super::{checked_amount, checked_number, small_value, OrderError, OrderView, PaymentOrder};
use crate::calendar::{date_of_day_number, day_number, DayNumber};
use crate::money::Amount;

/// The period of an order without one in [`OrderColumns`]: no day is numbered `MIN`.
const NO_PERIOD: (DayNumber, DayNumber) = (DayNumber::MIN, DayNumber::MIN);

/// What the processing order and the allocation read of an order, without its text: day
/// number, number value ([`small_value`]), amount, period's days.
pub(crate) type OrderKey = (DayNumber, u64, Amount, Option<(DayNumber, DayNumber)>);

/// A period as [`OrderColumns`] keeps it, `None` for [`NO_PERIOD`].
fn declared(period: (DayNumber, DayNumber)) -> Option<(DayNumber, DayNumber)> {
    (period.0 != NO_PERIOD.0).then_some(period)
}

/// Orders in columns, for national batches: the numbers in one string, the other fields in
/// one vector each, so that a million orders cost a handful of allocations instead of one
/// per order. Each order is checked on [`OrderColumns::push`] exactly as by
/// [`PaymentOrder::new`]. Allocated with [`crate::allocation::allocate_columns`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderColumns {
    text: String,
    ends: Vec<usize>,
    /// Each order's date as its day number: what the allocation compares (computed once per
    /// order, not by every step that reads the date).
    days: Vec<DayNumber>,
    amounts: Vec<Amount>,
    /// Each number's [`small_value`], which decides the processing order of nearly every
    /// pair of orders without reading the text.
    values: Vec<u64>,
    /// Each order's declared period, its first and last day numbers ([`NO_PERIOD`] for none:
    /// eight bytes an order, where an `Option` takes twelve); empty as long as no order declares
    /// one (a batch without periods pays nothing for them).
    periods: Vec<(DayNumber, DayNumber)>,
}

impl OrderColumns {
    /// Empty columns with room for `orders` orders.
    pub fn with_capacity(orders: usize) -> OrderColumns {
        OrderColumns {
            text: String::with_capacity(orders * 8),
            ends: Vec::with_capacity(orders),
            days: Vec::with_capacity(orders),
            amounts: Vec::with_capacity(orders),
            values: Vec::with_capacity(orders),
            periods: Vec::new(),
        }
    }

    /// Appends a checked order (the checks of [`PaymentOrder::new`]); a refused order leaves
    /// the columns unchanged.
    pub fn push(
        &mut self,
        number: &str,
        date: NaiveDate,
        amount: Amount,
        period: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<(), OrderError> {
        let number = checked_number(number)?;
        let amount = checked_amount(amount, period)?;
        self.append(number, small_value(number), date, amount, period);
        Ok(())
    }

    /// [`OrderColumns::push`] of an integer number (as read from a CSV column), written in
    /// decimal: every integer's decimal text is a valid order number, so only the amount and
    /// the period are checked. The same as `push(&number.to_string(), …)`.
    pub fn push_integer(
        &mut self,
        number: i64,
        date: NaiveDate,
        amount: Amount,
        period: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<(), OrderError> {
        let amount = checked_amount(amount, period)?;
        let value = u64::try_from(number).unwrap_or(u64::MAX);
        self.append(itoa::Buffer::new().format(number), value, date, amount, period);
        Ok(())
    }

    fn append(
        &mut self,
        number: &str,
        value: u64,
        date: NaiveDate,
        amount: Amount,
        period: Option<(NaiveDate, NaiveDate)>,
    ) {
        if period.is_some() || !self.periods.is_empty() {
            self.periods.resize(self.ends.len(), NO_PERIOD);
            self.periods.push(period.map_or(NO_PERIOD, |(from, to)| (day_number(from), day_number(to))));
        }
        self.text.push_str(number);
        self.ends.push(self.text.len());
        self.days.push(day_number(date));
        self.amounts.push(amount);
        self.values.push(value);
    }

    /// The [`OrderKey`] of the order at `index`.
    pub(crate) fn key(&self, index: usize) -> Option<OrderKey> {
        Some((*self.days.get(index)?, *self.values.get(index)?, *self.amounts.get(index)?, self.period_days(index)))
    }

    /// Number of orders.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The orders' dates as day numbers, in order.
    pub(crate) fn days(&self) -> &[DayNumber] {
        &self.days
    }

    /// True when there are no orders.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The order at `index` (`None` past the end).
    pub fn get(&self, index: usize) -> Option<OrderView<'_>> {
        let end = *self.ends.get(index)?;
        let start = index.checked_sub(1).and_then(|i| self.ends.get(i)).copied().unwrap_or(0);
        Some(OrderView {
            number: self.text.get(start..end)?,
            date: date_of_day_number(*self.days.get(index)?)?,
            amount: *self.amounts.get(index)?,
            period: self.period(index),
        })
    }

    fn period(&self, index: usize) -> Option<(NaiveDate, NaiveDate)> {
        let (from, to) = self.period_days(index)?;
        Some((date_of_day_number(from)?, date_of_day_number(to)?))
    }

    fn period_days(&self, index: usize) -> Option<(DayNumber, DayNumber)> {
        declared(self.period_or_none(index))
    }

    /// The period of the order at `index` as kept: [`NO_PERIOD`] for none.
    fn period_or_none(&self, index: usize) -> (DayNumber, DayNumber) {
        self.periods.get(index).copied().unwrap_or(NO_PERIOD)
    }

    /// The orders, in order.
    pub fn iter(&self) -> impl Iterator<Item = OrderView<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The orders as owned values.
    pub fn to_orders(&self) -> Vec<PaymentOrder> {
        self.iter().map(|o| o.to_order()).collect()
    }

    /// The orders of `parts`, one part after the other, in one set of columns (parts built on
    /// several threads, each from its own rows).
    pub fn concat(parts: Vec<OrderColumns>) -> OrderColumns {
        let mut parts = parts.into_iter();
        let Some(mut out) = parts.next() else {
            return OrderColumns::default();
        };
        for part in parts {
            let (offset, before) = (out.text.len(), out.len());
            if !part.periods.is_empty() || !out.periods.is_empty() {
                out.periods.resize(before, NO_PERIOD);
                out.periods.extend((0..part.len()).map(|i| part.period_or_none(i)));
            }
            out.text.push_str(&part.text);
            out.ends.extend(part.ends.iter().map(|end| end + offset));
            out.days.extend_from_slice(&part.days);
            out.amounts.extend_from_slice(&part.amounts);
            out.values.extend_from_slice(&part.values);
        }
        out
    }

    /// The orders at `rows`, in that order (rows past the end left out): columns of their own.
    pub(crate) fn gather(&self, rows: impl IntoIterator<Item = usize>) -> OrderColumns {
        let mut out = OrderColumns::default();
        for row in rows {
            if let (Some(o), Some(&value)) = (self.get(row), self.values.get(row)) {
                out.append(o.number, value, o.date, o.amount, o.period);
            }
        }
        out
    }

    /// The orders `range` (clamped to the columns) as a list of their own, without a copy: one
    /// municipality's orders among a national batch's.
    pub(crate) fn range(&self, range: std::ops::Range<usize>) -> OrderRange<'_> {
        let end = range.end.min(self.len());
        OrderRange { columns: self, start: range.start.min(end), end }
    }
}

/// Consecutive orders of [`OrderColumns`], numbered from 0: what one municipality's allocation
/// reads of a national batch.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OrderRange<'a> {
    pub(crate) columns: &'a OrderColumns,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl OrderRange<'_> {
    /// Number of orders.
    pub(crate) fn len(&self) -> usize {
        self.end - self.start
    }

    /// The columns' row of the order at `index` of the range (`None` past its end).
    pub(crate) fn row(&self, index: usize) -> Option<usize> {
        (index < self.len()).then_some(self.start + index)
    }

    /// The day numbers of the orders' dates, in order.
    pub(crate) fn days(&self) -> &[DayNumber] {
        self.columns.days.get(self.start..self.end).unwrap_or_default()
    }

    /// What the allocation reads of each order of the range, in order ([`OrderColumns::key`]):
    /// the columns walked side by side, not indexed order by order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = OrderKey> + '_ {
        let range = self.start..self.end;
        let c = self.columns;
        let (values, amounts) =
            (c.values.get(range.clone()).unwrap_or_default(), c.amounts.get(range).unwrap_or_default());
        self.days()
            .iter()
            .zip(values)
            .zip(amounts)
            .zip(self.periods_or_none())
            .map(|(((&day, &value), &amount), period)| (day, value, amount, declared(period)))
    }

    /// The declared periods of the orders of the range as day numbers, in order, a pair of
    /// `DayNumber::MIN` (no day) for an order without one.
    pub(crate) fn periods_or_none(&self) -> impl Iterator<Item = (DayNumber, DayNumber)> + '_ {
        (self.start..self.end).map(|row| self.columns.period_or_none(row))
    }
}

impl<'a> FromIterator<&'a PaymentOrder> for OrderColumns {
    /// Columns of already checked orders.
    fn from_iter<I: IntoIterator<Item = &'a PaymentOrder>>(orders: I) -> OrderColumns {
        let mut columns = OrderColumns::default();
        for o in orders {
            columns.append(&o.number, small_value(&o.number), o.date, o.amount, o.period);
        }
        columns
    }
}
