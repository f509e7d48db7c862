//! The national job (§3.4): many municipalities, each allocated and reconciled on its own, in
//! one call. The input is columns with a group number per row (a binding turns ISTAT codes or
//! names into numbers `0..groups`); the output is one row per group and quarter, and a summary
//! per group. Groups are independent: [`GroupedInput::reconcile`] of one group needs nothing
//! of the others, so a caller may share the groups among threads or machines (the core starts
//! no thread).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::OnceLock;

use chrono::NaiveDate;

use super::{reconcile_in, Lifespan, QuarterState};
use crate::allocation::{allocate_entered_in, range_of, AllocationError, CardCounts, Cards, Outcome, Owners};
use crate::calendar::{day_number, Moment, Quarter};
use crate::error::{CieError, ErrorCode, Lang};
use crate::orders::{OrderColumns, PaymentOrder};
use crate::pricing::PriceSchedule;

mod results;
mod scratch;
mod split;

pub use results::{GroupError, GroupFinding, GroupResult, GroupSummary};
use scratch::Scratch;
use split::{check_group, runs_by_ends, split};

/// Every municipality's input, split by group. The cards' moments are borrowed from the
/// caller when they come in runs of one group (as a partitioned file gives them), else gathered
/// by group (a copy); each group's cards are counted when the group is reconciled, so that
/// threads sharing the groups share the counting too.
///
/// A group column whose runs follow one another in ascending order of group is split by
/// reading the ends of its runs only: the rows between are checked as the groups are
/// reconciled ([`reconcile_groups`] reads them beside the moments, as it counts them; the other
/// ways of reconciling first read the column through), or by [`GroupedInput::check`]. When a
/// run turns out to hold another group's row, the cards are gathered by group then, as they
/// would have been at once; a group number not below the number of groups found so is the
/// error of every group.
#[derive(Clone, Debug, Default)]
pub struct GroupedInput<'a> {
    /// The moments, each group's in one range.
    epochs: Cow<'a, [i64]>,
    /// Each group's range of `epochs`.
    ranges: Vec<Range<usize>>,
    /// The caller's group column when the moments were gathered (to find a refused card's row).
    gathered_from: Option<&'a [u32]>,
    /// The caller's group column when `ranges` were found from its runs' ends: the rows
    /// between are still to be checked.
    unchecked: Option<&'a [u32]>,
    /// What reading all of `unchecked` found, once it was read.
    checked: OnceLock<Checked>,
    /// The orders, each group's consecutive (in input order within the group).
    orders: OrderColumns,
    /// Each group's range of `orders`.
    order_ranges: Vec<Range<usize>>,
    /// Each group's CIEonline counts; empty when none is given (a national job's are often
    /// left out: nothing to allocate for thousands of groups then).
    cieonline: Vec<BTreeMap<Quarter, u64>>,
    /// Each group's first CIEonline count given twice for one quarter (its row and quarter);
    /// empty with `cieonline`.
    cieonline_twice: Vec<Option<(usize, Quarter)>>,
    /// Each group's transmitted quarters; empty when none is given.
    transmitted: Vec<BTreeSet<Quarter>>,
}

/// The CIEonline counts of a group without any.
static NO_COUNTS: BTreeMap<Quarter, u64> = BTreeMap::new();

/// What reading a group column split by its runs' ends found.
#[derive(Clone, Debug)]
enum Checked {
    /// Runs indeed: the ranges found stand.
    Runs,
    /// Not in runs: the moments gathered by group, and each group's range of them.
    Gathered(Vec<i64>, Vec<Range<usize>>),
    /// A group number not below the number of groups.
    Refused(GroupError),
}

/// The cards as one reconciliation reads them: the moments, each group's range of them, the
/// caller's group column when they were gathered from it, and the column to check beside the
/// moments as they are counted (each group's range of it to hold that group alone).
#[derive(Clone, Copy)]
struct CardView<'v> {
    epochs: &'v [i64],
    ranges: &'v [Range<usize>],
    gathered_from: Option<&'v [u32]>,
    owners: Option<&'v [u32]>,
}

/// The most cards a municipality may have to be counted per stretch of days rather than per
/// day: about as many as the days of a year's counting table read (four counters a day).
const FEW_CARDS: usize = 2_048;

/// Why one group was not reconciled: its code, the card's row when a card is concerned, and a
/// detail for the message.
type Failure = (ErrorCode, Option<usize>, Option<String>);

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
        // Runs of one group found from their ends (the rows between checked later); else the
        // column read through, and the moments gathered by group (a copy) unless they come in
        // runs of one group.
        let (epochs, ranges, gathered_from, unchecked) = match runs_by_ends(card_group, groups) {
            Some(ranges) => (Cow::Borrowed(card_epoch), ranges, None, Some(card_group)),
            None => match split("card", card_group, groups, |row| card_epoch[row])? {
                (ranges, None) => (Cow::Borrowed(card_epoch), ranges, None, None),
                (ranges, Some(moments)) => (Cow::Owned(moments), ranges, Some(card_group), None),
            },
        };
        let mut input =
            GroupedInput::with_card_ranges(epochs, ranges, gathered_from, order_group, orders, cieonline, transmitted)?;
        input.unchecked = unchecked;
        Ok(input)
    }

    /// [`GroupedInput::with_order_columns`] of cards that come in one run per group, given by
    /// where each run ends: group `g`'s cards are `card_epoch[card_ends[g - 1]..card_ends[g]]`
    /// (from 0 for group 0), and the groups from `card_ends.len()` to `groups` have none. For a
    /// caller that found the runs already (the Python binding, numbering a partitioned file's
    /// keys): no group column to write, nor to read again. The ends must not decrease and the
    /// last must be the number of cards, so that no card is left out.
    pub fn with_card_runs(
        groups: usize,
        card_ends: &[usize],
        card_epoch: &'a [i64],
        order_group: &[u32],
        orders: OrderColumns,
        cieonline: &[(u32, Quarter, u64)],
        transmitted: &[(u32, Quarter)],
    ) -> Result<GroupedInput<'a>, GroupError> {
        if card_ends.len() > groups {
            // The first card of the first group not below `groups`.
            let row = groups.checked_sub(1).map_or(0, |g| card_ends[g]);
            return Err(GroupError::Group {
                what: "card",
                row,
                group: u32::try_from(groups).unwrap_or(u32::MAX),
                groups,
            });
        }
        let ordered = card_ends.windows(2).all(|w| w[0] <= w[1]);
        if !ordered || card_ends.last().copied().unwrap_or(0) != card_epoch.len() {
            return Err(GroupError::Lengths("card_ends, card_epoch"));
        }
        let starts = std::iter::once(0).chain(card_ends.iter().copied());
        let mut ranges: Vec<Range<usize>> = starts.zip(card_ends).map(|(start, &end)| start..end).collect();
        ranges.resize(groups, 0..0);
        GroupedInput::with_card_ranges(
            Cow::Borrowed(card_epoch),
            ranges,
            None,
            order_group,
            orders,
            cieonline,
            transmitted,
        )
    }

    /// The input of cards already split by group (each group's range of `epochs`; the caller's
    /// group column when they were gathered), the orders (checked as long as their group
    /// column) and the rest split here.
    fn with_card_ranges(
        epochs: Cow<'a, [i64]>,
        ranges: Vec<Range<usize>>,
        gathered_from: Option<&'a [u32]>,
        order_group: &[u32],
        orders: OrderColumns,
        cieonline: &[(u32, Quarter, u64)],
        transmitted: &[(u32, Quarter)],
    ) -> Result<GroupedInput<'a>, GroupError> {
        if order_group.len() != orders.len() {
            return Err(GroupError::Lengths("order_group, orders"));
        }
        let groups = ranges.len();
        let (order_ranges, gathered) = split("order", order_group, groups, |row| row)?;
        let orders = match gathered {
            None => orders,
            Some(rows) => orders.gather(rows),
        };
        let mut input = GroupedInput {
            epochs,
            ranges,
            gathered_from,
            unchecked: None,
            checked: OnceLock::new(),
            orders,
            order_ranges,
            cieonline: Vec::new(),
            cieonline_twice: Vec::new(),
            transmitted: Vec::new(),
        };
        if !cieonline.is_empty() {
            input.cieonline = vec![BTreeMap::new(); groups];
            input.cieonline_twice = vec![None; groups];
        }
        if !transmitted.is_empty() {
            input.transmitted = vec![BTreeSet::new(); groups];
        }
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

    /// The cards as the groups are reconciled: the column split by its runs' ends read through
    /// first (once), the cards gathered by group if it is not in runs after all.
    fn view(&self) -> Result<CardView<'_>, &GroupError> {
        let Some(column) = self.unchecked else { return Ok(self.as_split(None)) };
        let checked =
            self.checked.get_or_init(|| match split("card", column, self.ranges.len(), |row| self.epochs[row]) {
                Ok((_, None)) => Checked::Runs,
                Ok((ranges, Some(moments))) => Checked::Gathered(moments, ranges),
                Err(e) => Checked::Refused(e),
            });
        match checked {
            Checked::Runs => Ok(self.as_split(None)),
            Checked::Gathered(epochs, ranges) => {
                Ok(CardView { epochs, ranges, gathered_from: Some(column), owners: None })
            }
            Checked::Refused(e) => Err(e),
        }
    }

    /// The cards as split at construction, with `owners` to check beside them.
    fn as_split<'v>(&'v self, owners: Option<&'v [u32]>) -> CardView<'v> {
        CardView { epochs: &self.epochs, ranges: &self.ranges, gathered_from: self.gathered_from, owners }
    }

    /// Reads through a group column split by its runs' ends, if that was not done yet: `Err`
    /// when a group number is not below the number of groups (every group's error then).
    /// Reconciling checks it anyway; this is for a caller who wants the error before.
    pub fn check(&self) -> Result<(), GroupError> {
        self.view().map(|_| ()).map_err(Clone::clone)
    }

    /// The cards of one group counted per day on their own (no day index), or a card outside
    /// the calendar as the group's error, with its row in the caller's columns.
    fn count(view: &CardView, group: usize) -> Result<CardCounts, (usize, ErrorCode)> {
        let range = view.ranges[group].clone();
        let error = match CardCounts::of(&view.epochs[range]) {
            Ok(counts) => return Ok(counts),
            Err(e) => e,
        };
        let (index, code) = match &error {
            AllocationError::Card { index, .. } => (*index, error.code()),
            AllocationError::Pricing(_) => (0, error.code()),
        };
        Err((view.card_row(group, index), code))
    }

    /// A card signed after `now` (the group's latest moment is `latest`) or an order dated
    /// after `today` (now's date in Rome) as the group's error: data that cannot be true yet
    /// (§11: "an order or a card dated after `now`"), refused as the importers refuse it. The
    /// card's row, or the order's number and date, say which.
    fn refuse_future(
        &self,
        view: &CardView,
        group: usize,
        latest: i64,
        now: Moment,
        today: NaiveDate,
    ) -> Result<(), Failure> {
        if latest > now.epoch() {
            let epochs = &view.epochs[view.ranges[group].clone()];
            let index = epochs.iter().position(|&t| t > now.epoch()).unwrap_or(0);
            let moment = Moment::from_epoch(epochs.get(index).copied().unwrap_or(latest));
            return Err((ErrorCode::CardDateFuture, Some(view.card_row(group, index)), Some(moment.to_string())));
        }
        let rows = self.order_ranges[group].clone();
        let days = self.orders.days().get(rows.clone()).unwrap_or_default();
        let today = day_number(today);
        let late = days.iter().position(|&day| day > today).map(|i| rows.start + i);
        match late.and_then(|i| self.orders.get(i)) {
            Some(o) => Err((ErrorCode::OrderDateFuture, None, Some(format!("{}, {}", o.number, o.date)))),
            None => Ok(()),
        }
    }

    /// The amounts entered, credit and debit of one group's allocation: its cards counted with
    /// the thread's day index when its moments are within the calendar and 2^16 days (the
    /// index extended to them if need be), else on their own. `owners` (the view's group
    /// column beside the group's cards, when it has one) are read as the cards are counted,
    /// and noted in `scratch` ([`Scratch::note_owners`]).
    fn allocate(
        &self,
        view: &CardView,
        group: usize,
        owners: Option<Owners>,
        scratch: &mut Scratch,
        now: Moment,
        schedule: &PriceSchedule,
    ) -> Result<Outcome, Failure> {
        let orders = self.orders.range(self.order_ranges[group].clone());
        let failed = |e: AllocationError| (e.code(), None, e.detail(Lang::It));
        let epochs = &view.epochs[view.ranges[group].clone()];
        let today = scratch.today;
        // A municipality of few cards: counted per stretch of days its orders and the rules
        // do not tell apart (`Stretches`), where the days of its year would cost more than
        // its cards. An allocation error is then left to the day-by-day path below, which
        // names the day concerned.
        if epochs.len() <= FEW_CARDS {
            let Scratch { index, stretches, .. } = &mut *scratch;
            if let Some((counts, after, others)) = stretches.count(index, epochs, owners, &orders, schedule) {
                scratch.note_owners(owners, Some(others));
                let latest = scratch.latest(epochs, after);
                self.refuse_future(view, group, latest, now, today)?;
                if let Ok(outcome) =
                    allocate_entered_in(Cards::Counts(&counts), orders, schedule, &mut scratch.allocation)
                {
                    return Ok(outcome);
                }
            }
        }
        if let Some((window, others)) = scratch.count(epochs, owners) {
            scratch.note_owners(owners, Some(others));
            let latest = scratch.latest(epochs, scratch.index.day_of_counter(window.end));
            let Scratch { index, table, allocation, stretches, .. } = scratch;
            // The table is left all zero for the next group whatever happens here: it is zeroed
            // as the allocation reads it, and wholly when the group is refused.
            let outcome = self.refuse_future(view, group, latest, now, today).and_then(|()| {
                // Many cards: counted per day, allocated per stretch of days all the same (a
                // year's days are ten times its stretches). An allocation error is left to the
                // days, to name the day concerned.
                if epochs.len() > FEW_CARDS {
                    if let Some(counts) = stretches.sum(index, table, window.clone(), &orders, schedule) {
                        if let Ok(outcome) = allocate_entered_in(Cards::Counts(&counts), orders, schedule, allocation) {
                            table[window].fill(0);
                            return Ok(outcome);
                        }
                    }
                }
                let first = index.day_of_counter(window.start);
                allocate_entered_in(Cards::Table(first, &mut table[window]), orders, schedule, allocation)
                    .map_err(failed)
            });
            if outcome.is_err() {
                table.fill(0);
            }
            return outcome;
        }
        let (_, latest) = range_of(epochs);
        let cards = GroupedInput::count(view, group).map_err(|(row, code)| (code, Some(row), None))?;
        self.refuse_future(view, group, latest, now, today)?;
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
        let view = self.view();
        let mut scratch = Scratch::new(now);
        for group in groups.start..groups.end.min(self.len()) {
            each(group, self.reconcile_with(view, group, &mut scratch, lifespan, now, schedule));
        }
    }

    /// Allocates and reconciles one group on its own (§3, §4): exactly what reconciling that
    /// municipality alone gives.
    pub fn reconcile(&self, group: usize, lifespan: Lifespan, now: Moment, schedule: &PriceSchedule) -> GroupResult {
        self.reconcile_with(self.view(), group, &mut Scratch::new(now), lifespan, now, schedule)
    }

    /// [`GroupedInput::reconcile`] of the cards of `view` (or of none, for a refused group
    /// column: its error) in working memory kept from one group to the next. The view's
    /// owners of the group's cards, when it has them, are read, and noted in `scratch`.
    fn reconcile_with(
        &self,
        view: Result<CardView, &GroupError>,
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
        let cards = view.map_or(0, |v| v.ranges[group].len() as u64);
        let summary =
            GroupSummary { group: id, cards, orders: self.order_ranges[group].len(), ..GroupSummary::default() };
        let checked = match view {
            // A group column refused: every group's error.
            Err(e) => {
                let row = match e {
                    GroupError::Group { row, .. } => Some(*row),
                    GroupError::Lengths(_) => None,
                };
                Err((e.code(), row, Some(e.to_string())))
            }
            Ok(view) => {
                let owners =
                    view.owners.map(|column| Owners { column: &column[view.ranges[group].clone()], group: id });
                scratch.owners_read = false;
                // Two CIEonline counts for one quarter: which is right is the municipality's to
                // say (§11, as the importers refuse the second).
                let outcome = match self.cieonline_twice.get(group).copied().flatten() {
                    Some((row, quarter)) => {
                        Err((ErrorCode::CieonlineDuplicate, None, Some(format!("cieonline row {row}, {quarter}"))))
                    }
                    None => self.allocate(&view, group, owners, scratch, now, schedule),
                };
                if !scratch.owners_read {
                    scratch.note_owners(owners, None);
                }
                outcome
            }
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
        let states =
            self.transmitted.get(group).into_iter().flatten().map(|q| (*q, QuarterState::Transmitted)).collect();
        let counts = self.cieonline.get(group).unwrap_or(&NO_COUNTS);
        let r = reconcile_in(&totals.entered, counts, &states, lifespan, scratch.clock, schedule);
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

impl CardView<'_> {
    /// The row in the caller's columns of the group's `index`-th card.
    fn card_row(&self, group: usize, index: usize) -> usize {
        match self.gathered_from {
            None => self.ranges[group].start + index,
            Some(card_group) => {
                card_group.iter().enumerate().filter(|(_, &x)| x as usize == group).nth(index).map_or(0, |r| r.0)
            }
        }
    }
}

/// Every group reconciled, in group order (one thread: [`GroupedInput::reconcile_into`] shares
/// the groups among threads). A group column split by its runs' ends is read beside the
/// moments as they are counted; should a run hold another group's row, it is read through,
/// the cards gathered by group, and every group reconciled again.
pub fn reconcile_groups(
    input: &GroupedInput,
    lifespan: Lifespan,
    now: Moment,
    schedule: &PriceSchedule,
) -> Vec<GroupResult> {
    if let (Some(column), None) = (input.unchecked, input.checked.get()) {
        let view = input.as_split(Some(column));
        let mut scratch = Scratch::new(now);
        let results: Vec<GroupResult> = (0..input.len())
            .map(|group| input.reconcile_with(Ok(view), group, &mut scratch, lifespan, now, schedule))
            .collect();
        if !scratch.others {
            // Every row was read in its group's run: runs indeed (another thread may have
            // found so at the same time: the same finding).
            let _ = input.checked.set(Checked::Runs);
            return results;
        }
    }
    let mut results = vec![GroupResult::default(); input.len()];
    input.reconcile_into(0, &mut results, lifespan, now, schedule);
    results
}

#[cfg(test)]
mod tests;
