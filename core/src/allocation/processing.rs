//! The order in which payment orders are processed: by date, then by number (all-digit
//! numbers first, compared by value), and what the allocation reads of its orders.

use std::cmp::Ordering;

use crate::calendar::{day_number, DayNumber};

pub(super) use crate::orders::small_value;
use crate::orders::{OrderColumns, OrderKey, OrderRange, OrderView, PaymentOrder};

/// The largest number that still counts as numeric (`u128::MAX`): longer all-digit numbers are
/// compared as text.
pub(super) const LARGEST_NUMERIC: &[u8] = b"340282366920938463463374607431768211455";

/// The significant digits (leading zeros removed) of an all-digit number that fits in `u128`;
/// `None` for any other number.
pub(super) fn numeric_digits(number: &str) -> Option<&[u8]> {
    let bytes = number.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let significant = &bytes[bytes.iter().position(|&b| b != b'0').unwrap_or(bytes.len())..];
    let fits = significant.len() < LARGEST_NUMERIC.len()
        || (significant.len() == LARGEST_NUMERIC.len() && significant <= LARGEST_NUMERIC);
    fits.then_some(significant)
}

/// Order of order numbers: numerically when the number is all digits, all-digit numbers before
/// other numbers, other numbers as text, and ties of value (`7`, `007`) broken by the text. A
/// total order: the rule "numerically when both are digits, otherwise as text" alone is not
/// transitive (2 < 10 < 1a < 2). Compares digits without parsing them.
pub(super) fn compare_numbers(a: &str, b: &str) -> Ordering {
    let by_value = match (numeric_digits(a), numeric_digits(b)) {
        (Some(x), Some(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    by_value.then_with(|| a.cmp(b))
}

/// The processing order of orders: by date, then by number ([`compare_numbers`]).
#[cfg(test)]
pub(super) fn compare_orders(a: &PaymentOrder, b: &PaymentOrder) -> Ordering {
    a.date.cmp(&b.date).then_with(|| compare_numbers(&a.number, &b.number))
}

/// What the allocation loop needs of an order, read once: the sort key (the date's day number,
/// and the value of a number of up to 19 significant digits, `u64::MAX` for every other number, whose
/// ties are decided by [`compare_numbers`]), the input index, the amount and the period.
#[derive(Clone, Copy, Debug)]
pub(super) struct Work {
    pub(super) day: DayNumber,
    pub(super) value: u64,
    pub(super) index: usize,
    pub(super) cents: i64,
    /// The declared period's first and last day.
    pub(super) period: Option<(DayNumber, DayNumber)>,
}

impl Work {
    /// The work item of the order at `index` from what the columns keep of it
    /// ([`OrderColumns::key`]).
    fn of_key(index: usize, (day, value, amount, period): OrderKey) -> Work {
        Work { day, value, index, cents: amount.cents(), period }
    }
}

/// The numbers of two work items compared by their text ([`compare_numbers`]): what decides
/// when date and value tie.
fn compare_texts<O: OrderSource + ?Sized>(orders: &O, a: &Work, b: &Work) -> Ordering {
    match (orders.view(a.index), orders.view(b.index)) {
        (Some(x), Some(y)) => compare_numbers(x.number, y.number),
        _ => Ordering::Equal,
    }
}

/// Whether `b` may follow `a` in processing order: decided by the dates and the number
/// values, and by the numbers' text only when both tie.
pub(super) fn may_follow<O: OrderSource + ?Sized>(orders: &O, a: &Work, b: &Work) -> bool {
    (a.day, a.value).cmp(&(b.day, b.value)).then_with(|| compare_texts(orders, a, b)) != Ordering::Greater
}

/// True when the orders already are in processing order.
#[cfg(test)]
pub(super) fn in_processing_order(orders: &[PaymentOrder]) -> bool {
    let work: Vec<Work> = (0..orders.len()).filter_map(|i| orders.work(i)).collect();
    work.windows(2).all(|w| may_follow(orders, &w[0], &w[1]))
}

/// Order of two work items: date, number, then input index (so that the unstable sorts
/// below keep equal orders in input order).
pub(super) fn compare_work<O: OrderSource + ?Sized>(orders: &O, a: &Work, b: &Work) -> Ordering {
    (a.day, a.value).cmp(&(b.day, b.value)).then_with(|| compare_texts(orders, a, b)).then(a.index.cmp(&b.index))
}

/// The orders' work items in processing order. When the dates' span is small for the number
/// of orders (and at most 2^20 days), they are placed by a counting sort, then each date's
/// orders are sorted by number; otherwise one comparison sort.
pub(super) fn processing_order<O: OrderSource + ?Sized>(orders: &O) -> Vec<Work> {
    let mut work: Vec<Work> = Vec::with_capacity(orders.count());
    work.extend((0..orders.count()).filter_map(|i| orders.work(i)));
    let (low, high) = work.iter().fold((DayNumber::MAX, DayNumber::MIN), |(l, h), w| (l.min(w.day), h.max(w.day)));
    let span = usize::try_from(i64::from(high) - i64::from(low) + 1).unwrap_or(usize::MAX);
    if span > (1 << 20).min(2 * work.len() + 1024) {
        work.sort_unstable_by(|a, b| compare_work(orders, a, b));
        return work;
    }
    let mut starts = vec![0usize; span + 1];
    for w in &work {
        starts[(w.day - low) as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut placed = work.clone();
    let mut cursor = starts.clone();
    for w in &work {
        let slot = &mut cursor[(w.day - low) as usize];
        placed[*slot] = *w;
        *slot += 1;
    }
    for range in starts.windows(2) {
        if let Some(group) = placed.get_mut(range[0]..range[1]) {
            if group.len() > 1 {
                group.sort_unstable_by(|a, b| compare_work(orders, a, b));
            }
        }
    }
    placed
}

/// What the allocation reads of its orders: a slice of [`PaymentOrder`] or [`OrderColumns`].
pub(super) trait OrderSource {
    fn count(&self) -> usize;
    fn view(&self, index: usize) -> Option<OrderView<'_>>;

    /// Every order's work item, in input order.
    fn works(&self) -> impl Iterator<Item = Work> + '_ {
        (0..self.count()).filter_map(|i| self.work(i))
    }

    /// The work item of the order at `index`.
    fn work(&self, index: usize) -> Option<Work> {
        self.view(index).map(|o| Work {
            day: day_number(o.date),
            value: small_value(o.number),
            index,
            cents: o.amount.cents(),
            period: o.period.map(|(from, to)| (day_number(from), day_number(to))),
        })
    }
}

impl OrderSource for [PaymentOrder] {
    fn count(&self) -> usize {
        self.len()
    }

    fn view(&self, index: usize) -> Option<OrderView<'_>> {
        self.get(index).map(PaymentOrder::view)
    }
}

impl OrderSource for OrderColumns {
    fn count(&self) -> usize {
        self.len()
    }

    fn view(&self, index: usize) -> Option<OrderView<'_>> {
        self.get(index)
    }

    /// From the columns, the number's value and the day numbers included: the text is not read.
    fn work(&self, index: usize) -> Option<Work> {
        self.key(index).map(|key| Work::of_key(index, key))
    }
}

impl OrderSource for OrderRange<'_> {
    fn count(&self) -> usize {
        self.len()
    }

    fn view(&self, index: usize) -> Option<OrderView<'_>> {
        self.columns.get(self.row(index)?)
    }

    /// From the columns (the number's text not read), numbered within the range.
    fn work(&self, index: usize) -> Option<Work> {
        self.columns.work(self.row(index)?).map(|w| Work { index, ..w })
    }

    /// The columns walked side by side.
    fn works(&self) -> impl Iterator<Item = Work> + '_ {
        self.keys().enumerate().map(|(index, key)| Work::of_key(index, key))
    }
}
