//! Allocation of payment orders to quarters (SPEC §3).
//!
//! *A payment order is imputed to the quarter of the cards it pays for, by their signing date,
//! regardless of the order's own date.* Cards are paid oldest-signed first; orders are taken by
//! date, then number. An order declaring a period pays the unpaid cards signed in it; one
//! without pays the oldest unpaid cards overall. Money that cannot buy a whole card is the
//! order's credit; cards never paid are their quarter's debit.
//!
//! Cards signed on the same Rome civil day are interchangeable for every rule (same quarter,
//! same price, same declared periods), so the engine works on per-day counts: the input is
//! read once (or binary-searched when sorted) and nothing is allocated per card.

#[cfg(test)]
use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use smallvec::SmallVec;
use thiserror::Error;

use crate::calendar::{
    date_of_day_number, day_number, rome_day_of_epoch, rome_midnight_of_day, CalendarError, DayNumber, Quarter,
};
use crate::error::{CieError, ErrorCode, FieldValue, Lang};
use crate::money::Amount;
use crate::orders::PaymentOrder;
use crate::pricing::{PriceSchedule, PricingError};

/// The part of an order imputed to one quarter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Portion {
    /// The quarter of the cards paid.
    pub quarter: Quarter,
    /// Cards paid in that quarter.
    pub cards: u64,
    /// Amount imputed to that quarter.
    pub amount: Amount,
}

/// The portions of an order: a vector that keeps the usual single portion inline.
pub type Portions = SmallVec<[Portion; 1]>;

/// How one order was allocated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderAllocation {
    /// The order.
    #[serde(flatten)]
    pub order: PaymentOrder,
    /// Its parts by quarter, oldest first (nearly always one: stored inline).
    pub portions: Portions,
    /// True when the order pays cards of more than one quarter ("quota parte").
    pub split: bool,
    /// Money the order could not spend on whole cards.
    pub credit: Amount,
}

/// Per-quarter outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct QuarterAllocation {
    /// Cards signed in the quarter.
    pub cards_signed: u64,
    /// Of those, cards paid.
    pub cards_paid: u64,
    /// Amount of the orders imputed to the quarter.
    pub amount: Amount,
    /// Cards signed and not paid.
    pub unpaid_cards: u64,
    /// Value of the unpaid cards.
    pub debit: Amount,
}

/// The whole allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// Orders in processing order (date, then number).
    pub orders: Vec<OrderAllocation>,
    /// Quarters with cards or imputed amounts, in time order.
    pub quarters: BTreeMap<Quarter, QuarterAllocation>,
    /// Total credit of the orders.
    pub credit: Amount,
    /// Total value of unpaid cards.
    pub debit: Amount,
    /// Total cards.
    pub cards: u64,
}

impl OrderAllocation {
    /// The quarter where the order's credit is entered on the portal: that of its last portion,
    /// else of its declared period's end, else of its own date.
    pub fn credit_quarter(&self) -> Option<Quarter> {
        self.portions
            .last()
            .map(|p| p.quarter)
            .or_else(|| Quarter::of_date(self.order.period.map_or(self.order.date, |(_, to)| to)).ok())
    }
}

impl OrderAllocation {
    /// The order as the municipality enters it on the portal, by quarter: its portions, with
    /// its credit added in its [`OrderAllocation::credit_quarter`].
    pub fn entered_parts(&self) -> Vec<(Quarter, Amount)> {
        let mut parts: Vec<(Quarter, Amount)> = self.portions.iter().map(|p| (p.quarter, p.amount)).collect();
        if let (false, Some(q)) = (self.credit.is_zero(), self.credit_quarter()) {
            match parts.iter_mut().find(|(pq, _)| *pq == q) {
                Some((_, a)) => *a = a.saturating_add(self.credit),
                None => parts.push((q, self.credit)),
            }
        }
        parts
    }
}

impl Allocation {
    /// Per-quarter amounts as the municipality enters them on the portal
    /// ([`OrderAllocation::entered_parts`] summed). A quarter whose entered amount is not an
    /// exact multiple is the blocking case of §1.4.
    pub fn entered_amounts(&self) -> BTreeMap<Quarter, Amount> {
        let mut amounts: BTreeMap<Quarter, Amount> = BTreeMap::new();
        for (q, amount) in self.orders.iter().flat_map(OrderAllocation::entered_parts) {
            let a = amounts.entry(q).or_default();
            *a = a.saturating_add(amount);
        }
        amounts
    }

    /// The allocation of an order by its number (the first, in processing order: numbers may
    /// repeat across years, as municipalities restart their numbering every January).
    pub fn order(&self, number: &str) -> Option<&OrderAllocation> {
        self.orders.iter().find(|o| o.order.number == number)
    }
}

/// Why an allocation could not be computed.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum AllocationError {
    /// A card's signing moment is outside the supported calendar.
    #[error("card {index}: {source}")]
    Card {
        /// Index of the card in the input.
        index: usize,
        /// The calendar error.
        source: CalendarError,
    },
    /// A card signed when no price was defined.
    #[error(transparent)]
    Pricing(#[from] PricingError),
}

impl CieError for AllocationError {
    fn code(&self) -> ErrorCode {
        match self {
            AllocationError::Card { source, .. } => source.code(),
            AllocationError::Pricing(e) => e.code(),
        }
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        match self {
            AllocationError::Card { index, .. } => Some(format!("{} {}", lang.pick("carta n.", "card no."), index + 1)),
            AllocationError::Pricing(e) => e.detail(lang),
        }
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        match self {
            AllocationError::Card { index, .. } => vec![("index", FieldValue::Int(*index as i64))],
            AllocationError::Pricing(e) => e.fields(),
        }
    }
}

/// Cards signed on one Rome civil day.
#[derive(Clone, Copy, Debug)]
struct Day {
    number: DayNumber,
    date: NaiveDate,
    quarter: Quarter,
    price: i64,
    signed: u64,
    unpaid: u64,
}

/// Counts cards per Rome civil day. Sorted input is binary-searched day by day; unsorted input
/// is counted in one pass over a dense day range (or, for absurdly spread dates, per day in a
/// map). Returns (day, count) sorted by day.
fn count_per_day(cards: &[i64]) -> Result<Vec<(DayNumber, u64)>, AllocationError> {
    let day_of = |i: usize, t: i64| rome_day_of_epoch(t).map_err(|source| AllocationError::Card { index: i, source });
    if cards.windows(2).all(|w| w[0] <= w[1]) {
        let mut out = Vec::new();
        let mut i = 0;
        while i < cards.len() {
            let day = day_of(i, cards[i])?;
            let end = rome_midnight_of_day(day + 1);
            let len = cards[i..].partition_point(|&t| t < end);
            out.push((day, len as u64));
            i += len.max(1);
        }
        return Ok(out);
    }
    let (min, max) = cards.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
    let first = day_of(0, min)?;
    let last = day_of(0, max)?;
    let span = usize::try_from(i64::from(last) - i64::from(first) + 1).unwrap_or(usize::MAX);
    if span <= 1 << 18 {
        let mut counts = vec![0u64; span];
        for (i, &t) in cards.iter().enumerate() {
            let day = day_of(i, t)?;
            counts[(day - first) as usize] += 1;
        }
        Ok(counts.into_iter().enumerate().filter(|(_, c)| *c > 0).map(|(i, c)| (first + i as DayNumber, c)).collect())
    } else {
        let mut counts = BTreeMap::new();
        for (i, &t) in cards.iter().enumerate() {
            *counts.entry(day_of(i, t)?).or_insert(0u64) += 1;
        }
        Ok(counts.into_iter().collect())
    }
}

/// Order of orders: by date, then by number — numerically when the number is all digits.
/// All-digit numbers come before other numbers of the same date; other numbers are compared as
/// text. (A total order: the rule "numerically when both are digits, otherwise as text" alone
/// is not transitive — 2 < 10 < 1a < 2.)
fn number_key(number: &str) -> (bool, u128, &str) {
    let digits = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
    match (digits, number.parse::<u128>()) {
        (true, Ok(n)) => (false, n, number),
        _ => (true, 0, number),
    }
}

/// The sort key of an order (date, text-or-number, number value); ties broken by the text.
fn order_key(order: &PaymentOrder) -> (NaiveDate, bool, u128) {
    let (text, value, _) = number_key(&order.number);
    (order.date, text, value)
}

/// The processing order of orders (date, then number).
#[cfg(test)]
fn compare_orders(a: &PaymentOrder, b: &PaymentOrder) -> Ordering {
    order_key(a).cmp(&order_key(b)).then_with(|| a.number.cmp(&b.number))
}

/// Indices of the orders in processing order. Keys are computed once; only indices move, and
/// input already in order is recognised in one pass.
fn processing_order(orders: &[PaymentOrder]) -> Vec<usize> {
    let keys: Vec<(NaiveDate, bool, u128)> = orders.iter().map(order_key).collect();
    let mut indices: Vec<usize> = (0..orders.len()).collect();
    indices.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then_with(|| orders[a].number.cmp(&orders[b].number)));
    indices
}

/// "Next day with unpaid cards at or after i": a union-find over days with path halving.
struct NextUnpaid(Vec<u32>);

impl NextUnpaid {
    fn new(n: usize) -> NextUnpaid {
        NextUnpaid((0..=n as u32).collect())
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] as usize != i {
            let parent = self.0[i] as usize;
            self.0[i] = self.0[parent];
            i = parent;
        }
        i
    }

    fn mark_paid(&mut self, i: usize) {
        self.0[i] = (i + 1) as u32;
    }
}

/// Allocates payment orders to the quarters of the cards they pay (§3). `cards` are signing
/// moments as UTC epoch seconds, in any order. Orders are distinct payments even when their
/// numbers repeat (numbering restarts every year); the output keeps them apart by position.
pub fn allocate(
    cards: &[i64],
    orders: Vec<PaymentOrder>,
    schedule: &PriceSchedule,
) -> Result<Allocation, AllocationError> {
    let mut days = Vec::new();
    for (day, count) in count_per_day(cards)? {
        let date =
            date_of_day_number(day).ok_or(AllocationError::Card { index: 0, source: CalendarError::MomentFormat })?;
        let quarter = Quarter::of_date(date).map_err(|source| AllocationError::Card { index: 0, source })?;
        let price = schedule.price_on(date)?.unit.cents();
        days.push(Day { number: day, date, quarter, price, signed: count, unpaid: count });
    }
    let sequence = processing_order(&orders);
    let orders: Vec<PaymentOrder> = if sequence.iter().enumerate().all(|(i, &j)| i == j) {
        orders
    } else {
        let mut slots: Vec<Option<PaymentOrder>> = orders.into_iter().map(Some).collect();
        sequence.into_iter().filter_map(|i| slots[i].take()).collect()
    };

    let mut next = NextUnpaid::new(days.len());
    let mut allocated = Vec::with_capacity(orders.len());
    for order in orders {
        let (start, end_day) = match order.period {
            Some((from, to)) => (days.partition_point(|d| d.date < from), Some(day_number(to))),
            None => (0, None),
        };
        let mut budget = order.amount.cents();
        let mut portions = Portions::new();
        let mut i = next.find(start);
        while i < days.len() && end_day.is_none_or(|end| days[i].number <= end) {
            let d = &mut days[i];
            let take = d.unpaid.min((budget / d.price) as u64);
            if take == 0 {
                break;
            }
            let cost = take as i64 * d.price;
            d.unpaid -= take;
            budget -= cost;
            match portions.last_mut() {
                Some(p) if p.quarter == d.quarter => {
                    p.cards += take;
                    p.amount = p.amount.saturating_add(Amount::from_cents(cost));
                }
                _ => portions.push(Portion { quarter: d.quarter, cards: take, amount: Amount::from_cents(cost) }),
            }
            if d.unpaid > 0 {
                break;
            }
            next.mark_paid(i);
            i = next.find(i + 1);
        }
        let split = portions.len() > 1;
        allocated.push(OrderAllocation { order, portions, split, credit: Amount::from_cents(budget) });
    }

    let mut quarters: BTreeMap<Quarter, QuarterAllocation> = BTreeMap::new();
    let mut cards_total = 0u64;
    for d in &days {
        let q = quarters.entry(d.quarter).or_default();
        q.cards_signed += d.signed;
        q.unpaid_cards += d.unpaid;
        q.debit = q.debit.saturating_add(Amount::from_cents(d.unpaid as i64 * d.price));
        cards_total += d.signed;
    }
    let mut credit = Amount::ZERO;
    for o in &allocated {
        credit = credit.saturating_add(o.credit);
        for p in &o.portions {
            let q = quarters.entry(p.quarter).or_default();
            q.cards_paid += p.cards;
            q.amount = q.amount.saturating_add(p.amount);
        }
    }
    let debit = quarters.values().fold(Amount::ZERO, |t, q| t.saturating_add(q.debit));
    Ok(Allocation { orders: allocated, quarters, credit, debit, cards: cards_total })
}

#[cfg(test)]
mod tests;
