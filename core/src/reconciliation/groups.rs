//! The national job (§3.4): many municipalities, each allocated and reconciled on its own, in
//! one call. The input is columns with a group number per row (a binding turns ISTAT codes or
//! names into numbers `0..groups`); the output is one row per group and quarter, and a summary
//! per group. Groups are independent: [`GroupedInput::reconcile`] of one group needs nothing
//! of the others, so a caller may share the groups among threads or machines (the core starts
//! no thread).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use chrono::NaiveDate;
use serde::Serialize;

use super::{reconcile, Lifespan, QuarterRow, QuarterState};
use crate::allocation::{allocate_entered_in, range_of, AllocationError, CardCounts, Cards, Outcome};
use crate::calendar::{Moment, Quarter};
use crate::error::{CieError, ErrorCode, Lang};
use crate::money::Amount;
use crate::orders::{OrderColumns, PaymentOrder};
use crate::pricing::PriceSchedule;

mod scratch;
mod split;

use scratch::Scratch;
use split::{check_group, split};

/// Why grouped input cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    /// Columns of different lengths.
    #[error("columns of different lengths: {0}")]
    Lengths(&'static str),
    /// A group number not below the number of groups.
    #[error("group {group} of {what} row {row} is not below the number of groups {groups}")]
    Group {
        /// Which input.
        what: &'static str,
        /// The row.
        row: usize,
        /// Its group number.
        group: u32,
        /// The number of groups.
        groups: usize,
    },
}

impl CieError for GroupError {
    fn code(&self) -> ErrorCode {
        ErrorCode::InputFormat
    }

    fn detail(&self, _lang: Lang) -> Option<String> {
        Some(self.to_string())
    }
}

/// Every municipality's input, split by group. The cards' moments are borrowed from the
/// caller when they come in runs of one group (as a partitioned file gives them), else gathered
/// by group (a copy); each group's cards are counted when the group is reconciled, so that
/// threads sharing the groups share the counting too.
#[derive(Clone, Debug, Default)]
pub struct GroupedInput<'a> {
    /// The moments, each group's in one range.
    epochs: Cow<'a, [i64]>,
    /// Each group's range of `epochs`.
    ranges: Vec<Range<usize>>,
    /// The caller's group column when the moments were gathered (to find a refused card's row).
    gathered_from: Option<&'a [u32]>,
    /// The orders, each group's consecutive (in input order within the group).
    orders: OrderColumns,
    /// Each group's range of `orders`.
    order_ranges: Vec<Range<usize>>,
    cieonline: Vec<BTreeMap<Quarter, u64>>,
    /// Each group's first CIEonline count given twice for one quarter (its row and quarter).
    cieonline_twice: Vec<Option<(usize, Quarter)>>,
    transmitted: Vec<BTreeSet<Quarter>>,
}

/// Why one group was not reconciled: its code, the card's row when a card is concerned, and a
/// detail for the message.
type Failure = (ErrorCode, Option<usize>, Option<String>);

/// A summary of one group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupSummary {
    /// The group number.
    pub group: u32,
    /// Cards.
    pub cards: u64,
    /// Orders.
    pub orders: usize,
    /// Credit of its orders (paid beyond the cards signed up to their dates).
    pub credit: Amount,
    /// Value of its unpaid cards.
    pub debit: Amount,
    /// Quarters where the cards paid differ from CIEonline's count.
    pub discrepancies: usize,
    /// Of those, quarters not yet transmitted (to correct before transmitting).
    pub mismatches: usize,
    /// Ended quarters not transmitted.
    pub missing_quarters: Vec<Quarter>,
    /// The error that kept the group from being reconciled (a card outside the calendar, a
    /// price missing), with the input row; the group then has no quarter rows.
    pub error: Option<GroupFinding>,
}

/// An error of one group: its code, the row of the input concerned, and its messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupFinding {
    /// The stable code.
    pub code: ErrorCode,
    /// The row of the cards input, when a card is concerned.
    pub row: Option<usize>,
    /// Italian message.
    pub message_it: String,
    /// English message.
    pub message_en: String,
}

/// The reconciliation of one group: its quarter rows and its summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupResult {
    /// One row per quarter (as [`super::Reconciliation::quarters`]).
    pub rows: Vec<QuarterRow>,
    /// The summary.
    pub summary: GroupSummary,
}

impl<'a> GroupedInput<'a> {
    /// Splits the columns by group. `card_group[i]` is the group of card `i` signed at
    /// `card_epoch[i]` (UTC seconds); orders, CIEonline counts and transmitted quarters carry
    /// their group. Cards in runs of one group (input sorted by group, as a partitioned file
    /// is) are read where they lie; otherwise they are first gathered by group (a copy of the
    /// moments). The orders are put in columns ([`GroupedInput::with_order_columns`] takes
    /// them so).
    #[allow(clippy::needless_pass_by_value)] // the signature callers have used since the first release
    pub fn new(
        groups: usize,
        card_group: &'a [u32],
        card_epoch: &'a [i64],
        orders: Vec<(u32, PaymentOrder)>,
        cieonline: &[(u32, Quarter, u64)],
        transmitted: &[(u32, Quarter)],
    ) -> Result<GroupedInput<'a>, GroupError> {
        let order_group: Vec<u32> = orders.iter().map(|(g, _)| *g).collect();
        let columns = orders.iter().map(|(_, o)| o).collect();
        GroupedInput::with_order_columns(groups, card_group, card_epoch, &order_group, columns, cieonline, transmitted)
    }

    /// [`GroupedInput::new`] of orders in columns, `order_group[i]` the group of order `i`: a
    /// national batch's orders then cost a handful of allocations, not one per order. Orders
    /// in runs of one group are kept where they are; otherwise they are gathered by group.
    pub fn with_order_columns(
        groups: usize,
        card_group: &'a [u32],
        card_epoch: &'a [i64],
        order_group: &[u32],
        orders: OrderColumns,
        cieonline: &[(u32, Quarter, u64)],
        transmitted: &[(u32, Quarter)],
    ) -> Result<GroupedInput<'a>, GroupError> {
        if card_group.len() != card_epoch.len() {
            return Err(GroupError::Lengths("card_group, card_epoch"));
        }
        if order_group.len() != orders.len() {
            return Err(GroupError::Lengths("order_group, orders"));
        }
        // The moments gathered by group (a copy) unless they come in runs of one group.
        let (ranges, gathered) = split("card", card_group, groups, |row| card_epoch[row])?;
        let (epochs, gathered_from) = match gathered {
            None => (Cow::Borrowed(card_epoch), None),
            Some(moments) => (Cow::Owned(moments), Some(card_group)),
        };
        let (order_ranges, gathered) = split("order", order_group, groups, |row| row)?;
        let orders = match gathered {
            None => orders,
            Some(rows) => orders.gather(rows),
        };
        let mut input = GroupedInput {
            epochs,
            ranges,
            gathered_from,
            orders,
            order_ranges,
            cieonline: vec![BTreeMap::new(); groups],
            cieonline_twice: vec![None; groups],
            transmitted: vec![BTreeSet::new(); groups],
        };
        for (row, &(g, quarter, cards)) in cieonline.iter().enumerate() {
            let g = check_group("cieonline", row, g, groups)?;
            if input.cieonline[g].insert(quarter, cards).is_some() && input.cieonline_twice[g].is_none() {
                input.cieonline_twice[g] = Some((row, quarter));
            }
        }
        for (row, &(g, quarter)) in transmitted.iter().enumerate() {
            let g = check_group("transmitted", row, g, groups)?;
            input.transmitted[g].insert(quarter);
        }
        Ok(input)
    }

    /// The cards of one group counted per day on their own (no day index), or a card outside
    /// the calendar as the group's error, with its row in the caller's columns.
    fn count(&self, group: usize) -> Result<CardCounts, (usize, ErrorCode)> {
        let range = self.ranges[group].clone();
        let error = match CardCounts::of(&self.epochs[range]) {
            Ok(counts) => return Ok(counts),
            Err(e) => e,
        };
        let (index, code) = match &error {
            AllocationError::Card { index, .. } => (*index, error.code()),
            AllocationError::Pricing(_) => (0, error.code()),
        };
        Err((self.card_row(group, index), code))
    }

    /// The row in the caller's columns of the group's `index`-th card.
    fn card_row(&self, group: usize, index: usize) -> usize {
        match self.gathered_from {
            None => self.ranges[group].start + index,
            Some(card_group) => {
                card_group.iter().enumerate().filter(|(_, &x)| x as usize == group).nth(index).map_or(0, |r| r.0)
            }
        }
    }

    /// A card signed after `now` (the group's latest moment is `latest`) or an order dated
    /// after `today` (now's date in Rome) as the group's error: data that cannot be true yet
    /// (§11: "an order or a card dated after `now`"), refused as the importers refuse it. The
    /// card's row, or the order's number and date, say which.
    fn refuse_future(&self, group: usize, latest: i64, now: Moment, today: NaiveDate) -> Result<(), Failure> {
        if latest > now.epoch() {
            let epochs = &self.epochs[self.ranges[group].clone()];
            let index = epochs.iter().position(|&t| t > now.epoch()).unwrap_or(0);
            let moment = Moment::from_epoch(epochs.get(index).copied().unwrap_or(latest));
            return Err((ErrorCode::CardDateFuture, Some(self.card_row(group, index)), Some(moment.to_string())));
        }
        let rows = self.order_ranges[group].clone();
        let dates = self.orders.dates().get(rows.clone()).unwrap_or_default();
        let late = dates.iter().position(|&date| date > today).map(|i| rows.start + i);
        match late.and_then(|i| self.orders.get(i)) {
            Some(o) => Err((ErrorCode::OrderDateFuture, None, Some(format!("{}, {}", o.number, o.date)))),
            None => Ok(()),
        }
    }

    /// The amounts entered, credit and debit of one group's allocation: its cards counted with
    /// the thread's day index when its moments are within the calendar and 2^16 days (the
    /// index extended to them if need be), else on their own.
    fn allocate(
        &self,
        group: usize,
        scratch: &mut Scratch,
        now: Moment,
        schedule: &PriceSchedule,
    ) -> Result<Outcome, Failure> {
        let orders = self.orders.range(self.order_ranges[group].clone());
        let failed = |e: AllocationError| (e.code(), None, e.detail(Lang::It));
        let epochs = &self.epochs[self.ranges[group].clone()];
        let today = scratch.today;
        if let Some((latest, window)) = scratch.count(epochs) {
            let Scratch { index, table, allocation, .. } = scratch;
            // The table is left all zero for the next group whatever happens here: it is zeroed
            // as the allocation reads it, and wholly when the group is refused.
            let outcome = match self.refuse_future(group, latest, now, today) {
                Ok(()) => {
                    let first = index.day_of_counter(window.start);
                    allocate_entered_in(Cards::Table(first, &mut table[window]), orders, schedule, allocation)
                        .map_err(failed)
                }
                Err(e) => Err(e),
            };
            if outcome.is_err() {
                table.fill(0);
            }
            return outcome;
        }
        let (_, latest) = range_of(epochs);
        let cards = self.count(group).map_err(|(row, code)| (code, Some(row), None))?;
        self.refuse_future(group, latest, now, today)?;
        allocate_entered_in(Cards::Counts(&cards), orders, schedule, &mut scratch.allocation).map_err(failed)
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// True when there is no group.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The groups cut into at most `parts` shares of consecutive groups of about equal work
    /// (cards, and a fixed cost per group), for as many threads. Municipalities' sizes are skewed
    /// (the largest has hundreds of thousands of cards): equal numbers of groups would leave one
    /// thread with most of the cards.
    pub fn share_ranges(&self, parts: usize) -> Vec<Range<usize>> {
        /// A group's own cost, in cards: its day list, allocation and quarter rows.
        const PER_GROUP: usize = 2_048;
        let weight = |r: &Range<usize>| r.len() + PER_GROUP;
        let total: usize = self.ranges.iter().map(weight).sum();
        let parts = parts.max(1);
        let mut out = Vec::with_capacity(parts);
        let (mut first, mut done) = (0usize, 0usize);
        for k in 1..parts {
            let target = total / parts * k;
            let mut end = first;
            while end < self.ranges.len() && done < target {
                done += weight(&self.ranges[end]);
                end += 1;
            }
            if end > first {
                out.push(first..end);
                first = end;
            }
        }
        if first < self.ranges.len() {
            out.push(first..self.ranges.len());
        }
        out
    }

    /// `results` (one slot per group) cut as [`GroupedInput::share_ranges`], each share with its
    /// first group: what [`GroupedInput::reconcile_into`] takes on each thread.
    pub fn shares<'r>(&self, results: &'r mut [GroupResult], parts: usize) -> Vec<(usize, &'r mut [GroupResult])> {
        let mut out = Vec::with_capacity(parts);
        let mut rest = results;
        let mut taken = 0;
        for range in self.share_ranges(parts) {
            let take = range.end.min(taken + rest.len()) - taken;
            if take == 0 {
                break;
            }
            let (share, tail) = std::mem::take(&mut rest).split_at_mut(take);
            out.push((taken, share));
            rest = tail;
            taken += take;
        }
        out
    }

    /// Reconciles the groups `first..first + slots.len()` into `slots`: one thread's share of
    /// the groups.
    pub fn reconcile_into(
        &self,
        first: usize,
        slots: &mut [GroupResult],
        lifespan: Lifespan,
        now: Moment,
        schedule: &PriceSchedule,
    ) {
        self.reconcile_each(first..first + slots.len(), lifespan, now, schedule, |group, result| {
            slots[group - first] = result;
        });
    }

    /// Reconciles the groups `groups` one after the other (the thread's working memory kept
    /// from one to the next), handing each result to `each` with its group as soon as it is
    /// made: a caller that turns the results into a form of its own (columns, a file) holds one
    /// group's result at a time.
    pub fn reconcile_each(
        &self,
        groups: Range<usize>,
        lifespan: Lifespan,
        now: Moment,
        schedule: &PriceSchedule,
        mut each: impl FnMut(usize, GroupResult),
    ) {
        let mut scratch = Scratch::new(now);
        for group in groups.start..groups.end.min(self.len()) {
            each(group, self.reconcile_with(group, &mut scratch, lifespan, now, schedule));
        }
    }

    /// Allocates and reconciles one group on its own (§3, §4): exactly what reconciling that
    /// municipality alone gives.
    pub fn reconcile(&self, group: usize, lifespan: Lifespan, now: Moment, schedule: &PriceSchedule) -> GroupResult {
        self.reconcile_with(group, &mut Scratch::new(now), lifespan, now, schedule)
    }

    /// [`GroupedInput::reconcile`] in working memory kept from one group to the next.
    fn reconcile_with(
        &self,
        group: usize,
        scratch: &mut Scratch,
        lifespan: Lifespan,
        now: Moment,
        schedule: &PriceSchedule,
    ) -> GroupResult {
        if group >= self.len() {
            return GroupResult::default();
        }
        let id = u32::try_from(group).unwrap_or(u32::MAX);
        let cards = self.ranges[group].len() as u64;
        let summary =
            GroupSummary { group: id, cards, orders: self.order_ranges[group].len(), ..GroupSummary::default() };
        // Two CIEonline counts for one quarter: which is right is the municipality's to say
        // (§11, as the importers refuse the second).
        let checked = match self.cieonline_twice.get(group).copied().flatten() {
            Some((row, quarter)) => {
                Err((ErrorCode::CieonlineDuplicate, None, Some(format!("cieonline row {row}, {quarter}"))))
            }
            None => self.allocate(group, scratch, now, schedule),
        };
        let totals = match checked {
            Ok(t) => t,
            Err((code, row, detail)) => {
                let it = detail
                    .as_ref()
                    .map_or_else(|| code.message_it().to_owned(), |d| format!("{} ({d})", code.message_it()));
                let en =
                    detail.map_or_else(|| code.message_en().to_owned(), |d| format!("{} ({d})", code.message_en()));
                let error = Some(GroupFinding { code, row, message_it: it, message_en: en });
                return GroupResult { rows: Vec::new(), summary: GroupSummary { error, ..summary } };
            }
        };
        let states = self.transmitted[group].iter().map(|q| (*q, QuarterState::Transmitted)).collect();
        let r = reconcile(&totals.entered, &self.cieonline[group], &states, lifespan, now, schedule);
        GroupResult {
            summary: GroupSummary {
                credit: totals.credit,
                debit: totals.debit,
                discrepancies: r.discrepancies,
                mismatches: r.mismatches,
                missing_quarters: r.missing_quarters,
                ..summary
            },
            rows: r.quarters,
        }
    }
}

/// Every group reconciled, in group order (one thread: [`GroupedInput::reconcile_into`] shares
/// the groups among threads).
pub fn reconcile_groups(
    input: &GroupedInput,
    lifespan: Lifespan,
    now: Moment,
    schedule: &PriceSchedule,
) -> Vec<GroupResult> {
    let mut results = vec![GroupResult::default(); input.len()];
    input.reconcile_into(0, &mut results, lifespan, now, schedule);
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allocation::allocate;
    use proptest::prelude::*;

    /// An order of `cards` cards dated `day` of 2024; with `period`, declaring the 15 days up
    /// to its date.
    fn order(number: u32, day: u32, cards: i64, period: bool) -> PaymentOrder {
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(u64::from(day));
        let period = period.then(|| (date - chrono::Days::new(14), date));
        PaymentOrder::new(&number.to_string(), date, Amount::from_cents(1679 * cards), period).unwrap()
    }

    /// The built-in price, then `prices` (day of 2024, unit price in cents); with `starts_late`,
    /// no price before 2024-03-01.
    pub(super) fn schedule_changing_in_2024(prices: &[(i64, i64)], starts_late: bool) -> PriceSchedule {
        let base = crate::pricing::BUILTIN_PRICE;
        let first = if starts_late { chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap() } else { base.valid_from };
        let mut entries = vec![crate::pricing::Price { valid_from: first, ..base }];
        for &(day, unit) in prices {
            let valid_from = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(day as u64);
            if valid_from > first && entries.iter().all(|p| p.valid_from != valid_from) {
                let unit = Amount::from_cents(unit);
                let (zero, rate) = (Amount::ZERO, 0);
                entries.push(crate::pricing::Price {
                    valid_from,
                    unit,
                    net: unit,
                    vat: zero,
                    vat_rate_percent: rate,
                    municipal_share: zero,
                    ministry_share: zero,
                });
            }
        }
        PriceSchedule::new(entries).unwrap()
    }

    proptest! {
        /// Each group's rows and summary are what reconciling that municipality alone gives,
        /// whatever the order of the rows.
        #[test]
        fn every_group_as_if_alone(
            cards in prop::collection::vec((0u32..4, 0i64..300 * 86_400), 0..200),
            orders in prop::collection::vec((0u32..4, 1u32..9999, 0u32..330, 1i64..40, any::<bool>()), 0..16),
            counts in prop::collection::vec((0u32..4, 1u32..5, 0u64..80), 0..8),
            sorted in any::<bool>(),
            prices in prop::collection::vec((0i64..320, 1000i64..2500), 0..3),
            starts_late in any::<bool>(),
            outliers in prop::collection::vec((0u32..4, 0usize..6), 0..4),
        ) {
            let base = 1_704_067_200i64; // 2024-01-01T00:00:00Z
            let mut cards: Vec<(u32, i64)> = cards.into_iter().map(|(g, t)| (g, base + t)).collect();
            // A card a year later or sixty years earlier (the thread's day index extended), two
            // centuries later (too far from the others for one index), or outside the calendar,
            // as far as a moment goes (the group refused).
            let far = [base + 400 * 86_400, base + 80_000 * 86_400, base - 21_900 * 86_400, -(1i64 << 50), i64::MAX, i64::MIN];
            cards.extend(outliers.iter().map(|&(g, k)| (g, far[k])));
            if sorted { cards.sort_by_key(|c| c.0); }
            let groups: Vec<u32> = cards.iter().map(|c| c.0).collect();
            let epochs: Vec<i64> = cards.iter().map(|c| c.1).collect();
            let mut orders: Vec<(u32, PaymentOrder)> = orders.iter().enumerate().map(|(i, &(g, n, d, c, p))| (g, order(n * 100 + i as u32, d, c, p))).collect();
            // Sorted: the cards and the orders in runs of one group (kept where they are);
            // else gathered by group.
            if sorted { orders.sort_by_key(|o| o.0); }
            let counts: Vec<(u32, Quarter, u64)> = counts.iter().map(|&(g, q, n)| (g, Quarter::new(2024, q).unwrap(), n)).collect();
            let transmitted = vec![(1u32, Quarter::new(2024, 1).unwrap())];
            let input = GroupedInput::new(4, &groups, &epochs, orders.clone(), &counts, &transmitted).unwrap();
            let now = Moment::parse("2025-02-01T00:00:00").unwrap();
            // Prices changing within the cards' days (each day's price looked up where the day
            // list is built), and a schedule that starts after some cards (no price for them).
            let schedule = schedule_changing_in_2024(&prices, starts_late);
            let all = reconcile_groups(&input, Lifespan::default(), now, &schedule);
            // The orders given in columns: the same input.
            let order_group: Vec<u32> = orders.iter().map(|o| o.0).collect();
            let columns: OrderColumns = orders.iter().map(|o| &o.1).collect();
            let from_columns = GroupedInput::with_order_columns(4, &groups, &epochs, &order_group, columns, &counts, &transmitted).unwrap();
            prop_assert_eq!(&reconcile_groups(&from_columns, Lifespan::default(), now, &schedule), &all);
            // Handed over one at a time, share after share: the same results, in group order.
            let mut handed = Vec::new();
            for range in input.share_ranges(3) {
                input.reconcile_each(range, Lifespan::default(), now, &schedule, |g, r| handed.push((g, r)));
            }
            prop_assert_eq!(handed.iter().map(|h| h.0).collect::<Vec<_>>(), (0..4).collect::<Vec<_>>());
            prop_assert!(handed.into_iter().map(|h| h.1).eq(all.iter().cloned()));
            for g in 0..4u32 {
                let own: Vec<i64> = cards.iter().filter(|c| c.0 == g).map(|c| c.1).collect();
                let own_orders: Vec<PaymentOrder> = orders.iter().filter(|o| o.0 == g).map(|o| o.1.clone()).collect();
                // Two counts for one quarter: the group refused, whatever its cards.
                let own_counts: Vec<Quarter> = counts.iter().filter(|c| c.0 == g).map(|c| c.1).collect();
                if own_counts.iter().collect::<BTreeSet<_>>().len() < own_counts.len() {
                    let got = &all[g as usize];
                    prop_assert_eq!(got.summary.error.as_ref().map(|f| f.code), Some(ErrorCode::CieonlineDuplicate));
                    prop_assert!(got.rows.is_empty());
                    continue;
                }
                // A card signed after `now` (every card within the calendar): the group refused,
                // naming the first such card's row.
                let readable = own.iter().all(|&t| crate::calendar::rome_day_of_epoch(t).is_ok());
                if readable && own.iter().any(|&t| t > now.epoch()) {
                    let first = cards.iter().position(|c| c.0 == g && c.1 > now.epoch());
                    let got = &all[g as usize];
                    prop_assert_eq!(got.summary.error.as_ref().map(|f| (f.code, f.row)), Some((ErrorCode::CardDateFuture, first)));
                    prop_assert!(got.rows.is_empty());
                    continue;
                }
                let alone = match allocate(&own, own_orders, &schedule) {
                    Ok(alone) => alone,
                    Err(e) => {
                        let got = &all[g as usize];
                        prop_assert_eq!(got.summary.error.as_ref().map(|f| f.code), Some(e.code()));
                        prop_assert!(got.rows.is_empty());
                        continue;
                    }
                };
                prop_assert_eq!(&all[g as usize].summary.error, &None);
                let cie: BTreeMap<Quarter, u64> = counts.iter().filter(|c| c.0 == g).map(|c| (c.1, c.2)).collect();
                let states = transmitted.iter().filter(|t| t.0 == g).map(|t| (t.1, QuarterState::Transmitted)).collect();
                let r = reconcile(&alone.entered_amounts(), &cie, &states, Lifespan::default(), now, &schedule);
                let got = &all[g as usize];
                prop_assert_eq!(&got.rows, &r.quarters);
                prop_assert_eq!(got.summary.credit, alone.credit);
                prop_assert_eq!(got.summary.debit, alone.debit);
                prop_assert_eq!(&got.summary.missing_quarters, &r.missing_quarters);
                prop_assert_eq!(got.summary.cards, own.len() as u64);
            }
        }
    }

    proptest! {
        /// The shares cover every group once, in order, and none holds much more than its part
        /// of the work.
        #[test]
        fn shares_cover_the_groups_evenly(sizes in prop::collection::vec(0usize..5_000, 0..40), parts in 1usize..5) {
            let groups: Vec<u32> = sizes.iter().enumerate().flat_map(|(g, &n)| std::iter::repeat_n(g as u32, n)).collect();
            let epochs = vec![1_704_067_200i64; groups.len()];
            let input = GroupedInput::new(sizes.len(), &groups, &epochs, Vec::new(), &[], &[]).unwrap();
            let mut results = vec![GroupResult::default(); sizes.len()];
            let ranges = input.share_ranges(parts);
            let shares = input.shares(&mut results, parts);
            prop_assert!(shares.len() <= parts);
            prop_assert_eq!(ranges, shares.iter().map(|(first, share)| *first..first + share.len()).collect::<Vec<_>>());
            let mut next = 0;
            let weight = |g: usize| sizes[g] + 2_048;
            let total: usize = (0..sizes.len()).map(weight).sum();
            let heaviest = (0..sizes.len()).map(weight).max().unwrap_or(0);
            for (first, share) in &shares {
                prop_assert_eq!(*first, next);
                next += share.len();
                let work: usize = (*first..next).map(weight).sum();
                prop_assert!(work <= total / parts + 2 * heaviest, "share of {} over {}", work, total / parts);
            }
            prop_assert_eq!(next, sizes.len());
        }
    }

    /// Groups reconciled one after the other in the same working memory: the second, with a
    /// day every third day and an order declaring a fortnight, gets what it gets alone.
    #[test]
    fn working_memory_is_not_carried_to_the_next_group() {
        let base = 1_704_070_800i64; // 2024-01-01T01:00:00Z
        let mut groups = Vec::new();
        let mut epochs = Vec::new();
        for day in 0..60 {
            groups.push(0u32);
            epochs.push(base + day * 86_400);
        }
        for day in (0..60).step_by(3) {
            groups.push(1u32);
            epochs.push(base + day * 86_400);
        }
        let own = order(1, 23, 5, true); // 2024-01-24, declaring 10–24 January: five cards
        let input = GroupedInput::new(2, &groups, &epochs, vec![(1, own.clone())], &[], &[]).unwrap();
        let now = Moment::parse("2025-02-01T00:00:00").unwrap();
        let schedule = PriceSchedule::builtin();
        let all = reconcile_groups(&input, Lifespan::default(), now, &schedule);
        let alone = allocate(&epochs[60..], vec![own], &schedule).unwrap();
        assert_eq!(alone.credit, Amount::ZERO);
        assert_eq!(all[1].summary.credit, alone.credit);
        assert_eq!(all[1].summary.debit, alone.debit);
    }

    /// A card signed after `now`, or an order dated after now's day in Rome, refuses its group
    /// (with the card's row, or the order's number and date), and only its group, whether the
    /// rows come in runs of one group or not.
    #[test]
    fn the_future_refuses_its_group() {
        let now = Moment::parse("2024-06-30T21:59:59Z").unwrap(); // 23:59:59 in Rome
        let schedule = PriceSchedule::builtin();
        let early = 1_704_067_200i64; // 2024-01-01T00:00:00Z

        // Group 1's third card is one second after `now`; in runs, and interleaved.
        for (groups, epochs, row) in [
            (vec![0u32, 1, 1, 1], vec![early, early, now.epoch(), now.epoch() + 1], 3),
            (vec![1u32, 0, 1, 1], vec![early, early, now.epoch() + 1, now.epoch()], 2),
        ] {
            let input = GroupedInput::new(2, &groups, &epochs, Vec::new(), &[], &[]).unwrap();
            let all = reconcile_groups(&input, Lifespan::default(), now, &schedule);
            assert!(all[0].summary.error.is_none() && !all[0].rows.is_empty());
            let e = all[1].summary.error.as_ref().unwrap();
            assert_eq!((e.code, e.row), (ErrorCode::CardDateFuture, Some(row)));
            assert!(e.message_en.contains("2024-07-01T00:00:00+02:00"), "{}", e.message_en);
            assert!(all[1].rows.is_empty());
        }
        // An order of 30 June is today's; one of 1 July is in the future.
        // (`order` dates its orders by day of 2024: day 181 is 30 June.)
        let (today, tomorrow) = (order(7, 181, 1, false), order(8, 182, 1, false));
        let orders = vec![(0, today.clone()), (1, today), (1, tomorrow)];
        let epochs = [early, early];
        let input = GroupedInput::new(2, &[0, 1], &epochs, orders, &[], &[]).unwrap();
        let all = reconcile_groups(&input, Lifespan::default(), now, &schedule);
        assert!(all[0].summary.error.is_none());
        let e = all[1].summary.error.as_ref().unwrap();
        assert_eq!((e.code, e.row), (ErrorCode::OrderDateFuture, None));
        assert!(e.message_it.contains("8, 2024-07-01"), "{}", e.message_it);
    }

    /// Two CIEonline counts for one quarter of a municipality refuse that municipality alone;
    /// the same quarter's count for two municipalities is no duplicate.
    #[test]
    fn two_counts_for_one_quarter_refuse_their_group() {
        let q1 = Quarter::new(2024, 1).unwrap();
        let counts = [(0, q1, 3), (1, q1, 3), (1, Quarter::new(2024, 2).unwrap(), 1), (1, q1, 4)];
        let epochs = [1_704_067_200i64, 1_704_067_200];
        let input = GroupedInput::new(2, &[0, 1], &epochs, Vec::new(), &counts, &[]).unwrap();
        let now = Moment::parse("2025-02-01T00:00:00").unwrap();
        let all = reconcile_groups(&input, Lifespan::default(), now, &PriceSchedule::builtin());
        assert!(all[0].summary.error.is_none());
        let e = all[1].summary.error.as_ref().unwrap();
        assert_eq!(e.code, ErrorCode::CieonlineDuplicate);
        assert!(e.message_en.contains("cieonline row 3, 2024-Q1"), "{}", e.message_en);
        assert!(all[1].rows.is_empty());
    }

    #[test]
    fn a_bad_card_spoils_only_its_group() {
        let input =
            GroupedInput::new(2, &[0, 1, 0], &[1_704_067_200, i64::MAX, 1_704_067_300], Vec::new(), &[], &[]).unwrap();
        let now = Moment::parse("2025-02-01T00:00:00").unwrap();
        let all = reconcile_groups(&input, Lifespan::default(), now, &PriceSchedule::builtin());
        assert!(all[0].summary.error.is_none());
        assert_eq!(all[0].summary.cards, 2);
        let e = all[1].summary.error.as_ref().unwrap();
        assert_eq!(e.row, Some(1));
        assert!(all[1].rows.is_empty());
        assert!(matches!(
            GroupedInput::new(1, &[0, 3], &[0, 0], Vec::new(), &[], &[]),
            Err(GroupError::Group { row: 1, group: 3, .. })
        ));
    }
}
