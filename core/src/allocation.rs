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

use std::collections::BTreeMap;

use serde::Serialize;
use smallvec::SmallVec;
use thiserror::Error;

use crate::calendar::{CalendarError, Quarter};
use crate::error::{CieError, ErrorCode, FieldValue, Lang};
use crate::money::Amount;
use crate::orders::{OrderColumns, OrderRange, PaymentOrder};
use crate::pricing::{PriceSchedule, PricingError};

mod allocator;
mod counting;
mod processing;
pub mod reference;
mod stretches;

pub(crate) use allocator::AllocationBuffers;
#[cfg(test)]
use allocator::{whole_cards, Price};
use allocator::{Allocator, Days};
pub use counting::CardCounts;
pub(crate) use counting::{range_of, DayIndex, Owners, TABLES};
use processing::{may_follow, processing_order, OrderSource, Work};
pub(crate) use stretches::Stretches;

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
        let mut add = |q: Quarter, amount: Amount| {
            let a = amounts.entry(q).or_default();
            *a = a.saturating_add(amount);
        };
        for o in &self.orders {
            for p in &o.portions {
                add(p.quarter, p.amount);
            }
            if let (false, Some(q)) = (o.credit.is_zero(), o.credit_quarter()) {
                add(q, o.credit);
            }
        }
        amounts
    }

    /// The allocation of an order by its number (the first, in processing order: numbers may
    /// repeat across years, as municipalities restart their numbering every January).
    pub fn order(&self, number: &str) -> Option<&OrderAllocation> {
        self.orders.iter().find(|o| o.order.number == number)
    }
}

/// What the reconciliation needs of an allocation: the per-quarter amounts as entered on the
/// portal. Implemented by both result shapes, [`Allocation`] and [`AllocationTable`].
pub trait EnteredAmounts {
    /// Per-quarter amounts as the municipality enters them on the portal.
    fn entered(&self) -> BTreeMap<Quarter, Amount>;
}

impl EnteredAmounts for Allocation {
    fn entered(&self) -> BTreeMap<Quarter, Amount> {
        self.entered_amounts()
    }
}

impl EnteredAmounts for AllocationTable {
    fn entered(&self) -> BTreeMap<Quarter, Amount> {
        self.entered.clone()
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

/// The allocation in columns, for large batches: nothing per order but its credit and where its
/// portions end in one flat vector, and the orders stay in the caller's slice (see
/// [`allocate_table`]). [`allocate`] builds the per-order records of [`Allocation`] from it.
///
/// Orders are addressed by their *position* in processing order (date, then number);
/// [`AllocationTable::order_index`] gives the index of that order in the input slice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllocationTable {
    /// Input index of the order at each position; `None` when the input was already in
    /// processing order.
    sequence: Option<Vec<usize>>,
    /// End of each position's portions in `portions`.
    ends: Vec<usize>,
    /// Positions with a credit (nearly none: orders are multiples of the price), ascending,
    /// with the credit in cents.
    credits: Vec<(usize, i64)>,
    /// Every order's portions, in processing order.
    portions: Vec<Portion>,
    /// Per-quarter amounts as entered on the portal (see [`Allocation::entered_amounts`]).
    entered: BTreeMap<Quarter, Amount>,
    /// Quarters with cards or imputed amounts, in time order.
    pub quarters: BTreeMap<Quarter, QuarterAllocation>,
    /// Total credit of the orders.
    pub credit: Amount,
    /// Total value of unpaid cards.
    pub debit: Amount,
    /// Total cards.
    pub cards: u64,
}

impl AllocationTable {
    /// Number of orders.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there were no orders.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Index in the input slice of the order processed at `position` (`None` past the end).
    pub fn order_index(&self, position: usize) -> Option<usize> {
        match &self.sequence {
            _ if position >= self.ends.len() => None,
            Some(sequence) => sequence.get(position).copied(),
            None => Some(position),
        }
    }

    /// The portions of the order at `position`, oldest quarter first (empty past the end).
    pub fn portions(&self, position: usize) -> &[Portion] {
        let start = position.checked_sub(1).and_then(|p| self.ends.get(p)).copied().unwrap_or(0);
        let end = self.ends.get(position).copied().unwrap_or(start);
        self.portions.get(start..end).unwrap_or(&[])
    }

    /// The credit of the order at `position` (zero past the end).
    pub fn credit_of(&self, position: usize) -> Amount {
        let found = self.credits.binary_search_by_key(&position, |&(p, _)| p);
        Amount::from_cents(found.ok().and_then(|i| self.credits.get(i)).map_or(0, |&(_, c)| c))
    }

    /// Every portion of every order, in processing order.
    pub fn all_portions(&self) -> &[Portion] {
        &self.portions
    }

    /// Per-quarter amounts as the municipality enters them on the portal, computed during the
    /// allocation (the same as [`Allocation::entered_amounts`]).
    pub fn entered_amounts(&self) -> &BTreeMap<Quarter, Amount> {
        &self.entered
    }
}

/// Allocates payment orders to the quarters of the cards they pay (§3), in columns: the
/// orders are borrowed and the result is an [`AllocationTable`] (flat portions, per-order
/// credits), so that a batch of a million orders costs a few bytes per order. Same rules and
/// results as [`allocate`].
pub fn allocate_table(
    cards: &[i64],
    orders: &[PaymentOrder],
    schedule: &PriceSchedule,
) -> Result<AllocationTable, AllocationError> {
    allocate_source(Cards::Counts(&CardCounts::of(cards)?), orders, schedule, true, &mut AllocationBuffers::default())
}

/// [`allocate_table`] of orders given as [`OrderColumns`] (no allocation per order anywhere:
/// the shape for bindings reading columns of a data frame). Same rules and results.
pub fn allocate_columns(
    cards: &[i64],
    orders: &OrderColumns,
    schedule: &PriceSchedule,
) -> Result<AllocationTable, AllocationError> {
    allocate_source(Cards::Counts(&CardCounts::of(cards)?), orders, schedule, true, &mut AllocationBuffers::default())
}

/// [`allocate_columns`] of cards counted beforehand ([`CardCounts`], possibly in parts on
/// several threads). Same rules and results.
pub fn allocate_counted(
    cards: &CardCounts,
    orders: &OrderColumns,
    schedule: &PriceSchedule,
) -> Result<AllocationTable, AllocationError> {
    allocate_source(Cards::Counts(cards), orders, schedule, true, &mut AllocationBuffers::default())
}

/// The totals of an allocation, without the detail of each order: what a national batch
/// reads first (the per-quarter outcome), for a fraction of the memory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AllocationTotals {
    /// Quarters with cards or imputed amounts, in time order.
    pub quarters: BTreeMap<Quarter, QuarterAllocation>,
    /// Per-quarter amounts as entered on the portal (see [`Allocation::entered_amounts`]).
    pub entered: BTreeMap<Quarter, Amount>,
    /// Total credit of the orders.
    pub credit: Amount,
    /// Total value of unpaid cards.
    pub debit: Amount,
    /// Total cards.
    pub cards: u64,
    /// Orders allocated.
    pub orders: usize,
}

impl AllocationTable {
    /// The totals of this allocation.
    pub fn totals(&self) -> AllocationTotals {
        AllocationTotals {
            quarters: self.quarters.clone(),
            entered: self.entered.clone(),
            credit: self.credit,
            debit: self.debit,
            cards: self.cards,
            orders: self.len(),
        }
    }
}

/// [`allocate_counted`] without writing each order's portions and credit: the same totals as
/// [`AllocationTable::totals`], nothing stored per order. The detail, when wanted later, is
/// [`allocate_counted`] of the same input.
pub fn allocate_totals(
    cards: &CardCounts,
    orders: &OrderColumns,
    schedule: &PriceSchedule,
) -> Result<AllocationTotals, AllocationError> {
    allocate_source(Cards::Counts(cards), orders, schedule, false, &mut AllocationBuffers::default())
        .map(|table| table.into_totals(orders.len()))
}

/// [`allocate_totals`] of orders given as a slice (one municipality of a national batch).
pub fn allocate_totals_of(
    cards: &CardCounts,
    orders: &[PaymentOrder],
    schedule: &PriceSchedule,
) -> Result<AllocationTotals, AllocationError> {
    allocate_source(Cards::Counts(cards), orders, schedule, false, &mut AllocationBuffers::default())
        .map(|table| table.into_totals(orders.len()))
}

/// Per-quarter amounts as entered on the portal, by quarter: a municipality's year fits in
/// place (no allocation of its own for each of the national job's municipalities).
pub(crate) type Entered = smallvec::SmallVec<[(Quarter, Amount); 8]>;

/// What the national job reads of one municipality's allocation ([`allocate_entered_in`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// Per-quarter amounts as entered on the portal, by quarter.
    pub(crate) entered: Entered,
    /// Total credit of the orders.
    pub(crate) credit: Amount,
    /// Total value of unpaid cards.
    pub(crate) debit: Amount,
}

/// The entered amounts, the credit and the debit of an allocation of cards counted per day
/// ([`Cards::Counts`]) or read from a day index's counting table ([`Cards::Table`]): what
/// [`allocate_totals`] gives of them, without the per-quarter table, in working memory kept
/// from one allocation to the next (the national job's municipalities, one after the other on
/// a thread).
pub(crate) fn allocate_entered_in(
    cards: Cards<'_>,
    orders: OrderRange<'_>,
    schedule: &PriceSchedule,
    buffers: &mut AllocationBuffers,
) -> Result<Outcome, AllocationError> {
    let (allocator, _) = run(cards, &orders, schedule, false, buffers)?;
    Ok(allocator.finish_entered(buffers))
}

/// The cards an allocation takes: counted per day, or a part of a day index's counting table
/// with the day of its first counter.
pub(crate) enum Cards<'a> {
    Counts(&'a CardCounts),
    Table(crate::calendar::DayNumber, &'a mut [u32]),
}

impl AllocationTable {
    /// The totals of a table computed without detail, for `orders` orders.
    fn into_totals(self, orders: usize) -> AllocationTotals {
        AllocationTotals {
            orders,
            quarters: self.quarters,
            entered: self.entered,
            credit: self.credit,
            debit: self.debit,
            cards: self.cards,
        }
    }
}

/// The allocation loop; `detail`: whether each order's portions and credit are written.
fn allocate_source<O: OrderSource + ?Sized>(
    cards: Cards<'_>,
    orders: &O,
    schedule: &PriceSchedule,
    detail: bool,
    buffers: &mut AllocationBuffers,
) -> Result<AllocationTable, AllocationError> {
    let (allocator, sequence) = run(cards, orders, schedule, detail, buffers)?;
    Ok(allocator.finish(sequence, buffers))
}

/// The allocation loop run over every order, and the processing sequence when the orders were
/// not given in processing order.
fn run<O: OrderSource + ?Sized>(
    cards: Cards<'_>,
    orders: &O,
    schedule: &PriceSchedule,
    detail: bool,
    buffers: &mut AllocationBuffers,
) -> Result<(Allocator, Option<Vec<usize>>), AllocationError> {
    let count = orders.count();
    let days = match cards {
        Cards::Counts(cards) => Days::new(cards, count, schedule, buffers)?,
        Cards::Table(first, table) => Days::from_table(first, table, schedule, buffers)?,
    };
    // Orders are nearly always given in processing order (date, then number): allocate them
    // as they come, checking the order on the way; at the first order out of place, start
    // over on the sorted orders.
    let mut allocator = Allocator::new(days, count, detail, buffers);
    let mut previous: Option<Work> = None;
    let mut in_order = true;
    for work in orders.works() {
        if previous.is_some_and(|p| !may_follow(orders, &p, &work)) {
            in_order = false;
            break;
        }
        previous = Some(work);
        allocator.order(work);
    }
    if in_order {
        return Ok((allocator, None));
    }
    allocator.restart();
    let work = processing_order(orders);
    let sequence = work.iter().map(|w| w.index).collect();
    for w in work {
        allocator.order(w);
    }
    Ok((allocator, Some(sequence)))
}

/// Allocates payment orders to the quarters of the cards they pay (§3). `cards` are signing
/// moments as UTC epoch seconds, in any order. Orders are distinct payments even when their
/// numbers repeat (numbering restarts every year); the output keeps them apart by position.
/// The per-order records are built from [`allocate_table`].
pub fn allocate(
    cards: &[i64],
    orders: Vec<PaymentOrder>,
    schedule: &PriceSchedule,
) -> Result<Allocation, AllocationError> {
    allocate_table(cards, &orders, schedule).map(|table| table.into_allocation(orders))
}

/// [`allocate`] of cards counted beforehand ([`CardCounts`]: a streaming reader's tally, or
/// parts counted on several threads). Same rules and results.
pub fn allocate_counts(
    cards: &CardCounts,
    orders: Vec<PaymentOrder>,
    schedule: &PriceSchedule,
) -> Result<Allocation, AllocationError> {
    allocate_source(Cards::Counts(cards), &orders[..], schedule, true, &mut AllocationBuffers::default())
        .map(|table| table.into_allocation(orders))
}

impl AllocationTable {
    /// The per-order records of [`Allocation`], given the orders this table was computed from
    /// (the same slice, in the same order, as given to [`allocate_table`]); an order missing
    /// from `orders` is left out.
    pub fn into_allocation(self, orders: Vec<PaymentOrder>) -> Allocation {
        let record = |position: usize, order: PaymentOrder| {
            let portions = Portions::from_slice(self.portions(position));
            OrderAllocation { order, split: portions.len() > 1, portions, credit: self.credit_of(position) }
        };
        let records = match &self.sequence {
            None => orders
                .into_iter()
                .take(self.len())
                .enumerate()
                .map(|(position, order)| record(position, order))
                .collect(),
            Some(sequence) => {
                let mut slots: Vec<Option<PaymentOrder>> = orders.into_iter().map(Some).collect();
                sequence
                    .iter()
                    .enumerate()
                    .filter_map(|(position, &i)| slots.get_mut(i).and_then(Option::take).map(|o| record(position, o)))
                    .collect()
            }
        };
        Allocation {
            orders: records,
            quarters: self.quarters,
            credit: self.credit,
            debit: self.debit,
            cards: self.cards,
        }
    }
}

#[cfg(test)]
mod tests;
