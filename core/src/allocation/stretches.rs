//! Cards counted per stretch of days that no rule tells apart, for a municipality with few
//! cards.
//!
//! The allocation reads cards only by their day, and only to compare it with the days its
//! orders and rules name: an order's date (it pays cards signed up to it), its period's first
//! and last day, the first day of a quarter and of a price. Days between two such boundaries
//! are paid in the same quarter at the same price, and every order either reaches all of them
//! or none: their cards are interchangeable, as §3 says the cards of one day are. So a
//! municipality's cards can be counted per stretch (two dozen for a year of fortnightly
//! orders) instead of per day (366), and the allocation runs on stretches as it runs on days,
//! each stretch standing as the day it starts on. The result is the same; the day list, its
//! table and the loop over days shrink by a factor of ten for the municipalities with a few
//! hundred cards, where they cost more than the cards.

use super::counting::{CardCounts, DayIndex, Owners, TABLES};
use crate::calendar::{date_of_day_number, day_number, DayNumber, Quarter};
use crate::orders::OrderRange;
use crate::pricing::PriceSchedule;

/// The working memory of the stretches, kept from one municipality to the next.
#[derive(Default)]
pub(crate) struct Stretches {
    /// One bit per day of the index of `for_index`: its first day, and the days where a
    /// quarter or a price starts.
    fixed: Vec<u64>,
    /// The index (its first second and its number of days) that `fixed` was made for.
    for_index: Option<(i64, usize)>,
    /// One bit per day of the index: a stretch starts there.
    marks: Vec<u64>,
    /// The stretch of each day of the index.
    stretch_of: Vec<u16>,
    /// The first day of each stretch.
    starts: Vec<DayNumber>,
    /// [`TABLES`] counters per stretch, all zero between municipalities.
    table: Vec<u32>,
}

impl Stretches {
    /// The cards of one municipality counted per stretch of the days of `index`, cut by its
    /// orders and by the quarters and prices of `schedule`; the day after the last stretch
    /// with cards (every card is on an earlier day); and, with `owners` read beside the cards,
    /// whether one of them is not the group's. `None` (nothing kept) when a card is outside the
    /// index, or the index has more days than stretches can be numbered.
    pub(crate) fn count(
        &mut self,
        index: &DayIndex,
        cards: &[i64],
        owners: Option<Owners<'_>>,
        orders: &OrderRange<'_>,
        schedule: &PriceSchedule,
    ) -> Option<(CardCounts, DayNumber, bool)> {
        u32::try_from(cards.len()).ok()?;
        self.cut(index, orders, schedule)?;
        self.table.clear();
        self.table.resize(self.starts.len() * TABLES, 0);
        let others = index.count_mapped(cards, owners, &self.stretch_of, &mut self.table)?;
        let mut counts = Vec::with_capacity(self.starts.len());
        let mut last = 0;
        for (k, (&start, lanes)) in self.starts.iter().zip(self.table.chunks_exact_mut(TABLES)).enumerate() {
            let count: u64 = lanes.iter().map(|&c| u64::from(c)).sum();
            lanes.fill(0);
            if count > 0 {
                counts.push((start, count));
                last = k;
            }
        }
        let index_end = index.day_of_counter(self.stretch_of.len() * TABLES);
        let after = self.starts.get(last + 1).copied().unwrap_or(index_end);
        Some((CardCounts::from_sorted_days(counts), after, others))
    }

    /// The cards of a counting table of `index` (its counters `window`, from a day on) summed
    /// per stretch, cut as [`Stretches::count`] cuts them: a municipality of many cards, counted
    /// per day, allocated per stretch. The table is left as it is. `None` when the index has
    /// more days than stretches can be numbered, or the window is not within it.
    pub(crate) fn sum(
        &mut self,
        index: &DayIndex,
        table: &[u32],
        window: std::ops::Range<usize>,
        orders: &OrderRange<'_>,
        schedule: &PriceSchedule,
    ) -> Option<CardCounts> {
        self.cut(index, orders, schedule)?;
        let first_day = window.start / TABLES;
        let lanes = table.get(window)?.chunks_exact(TABLES);
        let stretch_of = self.stretch_of.get(first_day..first_day + lanes.len())?;
        let mut sums = vec![0u64; self.starts.len()];
        for (&stretch, lanes) in stretch_of.iter().zip(lanes) {
            if let Some(sum) = sums.get_mut(usize::from(stretch)) {
                *sum += lanes.iter().map(|&c| u64::from(c)).sum::<u64>();
            }
        }
        let counts = self.starts.iter().zip(sums).filter(|&(_, count)| count > 0).map(|(&start, count)| (start, count));
        Some(CardCounts::from_sorted_days(counts.collect()))
    }

    /// The stretches of the days of `index` cut by `orders` and by the quarters and prices of
    /// `schedule`: each stretch's first day, and the stretch of each day. `None` when the index
    /// has no day or more days than stretches can be numbered.
    fn cut(&mut self, index: &DayIndex, orders: &OrderRange<'_>, schedule: &PriceSchedule) -> Option<()> {
        let (first_second, days) = (index.range()?.0, index.slots() / TABLES);
        if days > usize::from(u16::MAX) {
            return None;
        }
        let first = index.day_of_counter(0);
        // A day outside the index (an order of January paying December's cards, after a year's
        // index) cuts nothing: no card is there. It is marked past the index's days (the marks
        // have a word more, never read), with no branch to mispredict on the orders' days.
        let mark = |marks: &mut [u64], day: i64| {
            let slot = usize::try_from(day - i64::from(first)).map_or(days, |slot| slot.min(days));
            if let Some(word) = marks.get_mut(slot / 64) {
                *word |= 1 << (slot % 64);
            }
        };
        // The boundaries: the first day, the quarters' and prices' first days (the same for
        // every municipality counted with the index), and for each order the day after its
        // date, its period's first day and the day after its last.
        if self.for_index != Some((first_second, days)) {
            self.fixed.clear();
            self.fixed.resize(days / 64 + 1, 0);
            mark(&mut self.fixed, i64::from(first));
            for slot in fixed_starts(first, days, schedule) {
                mark(&mut self.fixed, i64::from(first) + slot as i64);
            }
            self.for_index = Some((first_second, days));
            // Every day's stretch is written below (the first day starts one).
            self.stretch_of.resize(days, 0);
        }
        self.marks.clone_from(&self.fixed);
        // An order without a period marks two days outside the index.
        for (&day, (from, to)) in orders.days().iter().zip(orders.periods_or_none()) {
            mark(&mut self.marks, i64::from(day) + 1);
            mark(&mut self.marks, i64::from(from));
            mark(&mut self.marks, i64::from(to) + 1);
        }
        // Each stretch runs from its mark to the next one (the marks outside the index left).
        self.starts.clear();
        let mut begin: Option<usize> = None;
        for (w, &word) in self.marks.iter().enumerate() {
            let word = if w == days / 64 { word & ((1 << (days % 64)) - 1) } else { word };
            let mut bits = word;
            while bits != 0 {
                let slot = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if let Some(run) = begin.and_then(|b| self.stretch_of.get_mut(b..slot)) {
                    run.fill((self.starts.len() - 1) as u16);
                }
                self.starts.push(first + slot as DayNumber);
                begin = Some(slot);
            }
        }
        if let Some(run) = begin.and_then(|b| self.stretch_of.get_mut(b..)) {
            run.fill((self.starts.len() - 1) as u16);
        }
        Some(())
    }
}

/// The days (index slots from `first`, within `days`) where a quarter or a price of
/// `schedule` starts.
fn fixed_starts(first: DayNumber, days: usize, schedule: &PriceSchedule) -> Vec<usize> {
    let last = i64::from(first) + days as i64 - 1;
    let slot = |date: chrono::NaiveDate| {
        let day = i64::from(day_number(date));
        (day > i64::from(first) && day <= last).then(|| (day - i64::from(first)) as usize)
    };
    let mut out = Vec::new();
    let Some(start) = date_of_day_number(first) else { return out };
    let mut quarter = Quarter::of_date(start).ok();
    while let Some(q) = quarter.and_then(Quarter::next) {
        match slot(q.first_day()) {
            Some(s) => out.push(s),
            None => break,
        }
        quarter = Some(q);
    }
    let mut date = start;
    // Each change is after the date it was looked up from.
    while let (_, Some(change)) = schedule.in_force(date) {
        match slot(change) {
            Some(s) => out.push(s),
            None => break,
        }
        date = change;
    }
    out
}
