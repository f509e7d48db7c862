//! Cards counted per Rome civil day: the only pass over the cards (SPEC §3; the allocation
//! works on these counts, never per card).

use std::collections::BTreeMap;
use std::ops::Range;

use super::AllocationError;
use crate::calendar::{rome_day_of_epoch, rome_midnight_of_day, year_of, CalendarError, DayNumber};

/// Cards per block of the sorted pass: a block wholly within the current day is counted by
/// one branch-free reduction (which the compiler vectorises).
pub(super) const BLOCK: usize = 1024;

/// Cards per sub-block of a block that leaves the current day.
const SUB_BLOCK: usize = 32;

/// Longer than any Rome civil day (25 h = 90 000 s).
const DAY_BITS: u32 = 17;

/// The state of the pass over cards sorted by day.
struct SortedPass {
    out: Vec<(DayNumber, u64)>,
    day: DayNumber,
    /// The current day's first and one-past-last second.
    start: i64,
    end: i64,
    count: u64,
}

impl SortedPass {
    /// True when every moment of `cards` is within the current day: `t - start` and
    /// `end - 1 - t` are both in `0..2^17` exactly when `start <= t < end` (a day is shorter
    /// than 2^17 seconds), so one OR over the block decides, without a branch per card.
    #[inline]
    fn all_within(&self, cards: &[i64]) -> bool {
        let (start, last) = (self.start, self.end.wrapping_sub(1));
        let spread = cards.iter().fold(0u64, |acc, &t| acc | (t.wrapping_sub(start) | last.wrapping_sub(t)) as u64);
        spread >> DAY_BITS == 0
    }

    /// One card, after the cards before it; `Ok(false)` when it is on an earlier day than them.
    #[inline]
    fn card(&mut self, index: usize, t: i64) -> Result<bool, AllocationError> {
        if t >= self.start && t < self.end {
            self.count += 1;
            return Ok(true);
        }
        if t < self.start {
            return Ok(false);
        }
        if self.count > 0 {
            self.out.push((self.day, self.count));
        }
        self.day = rome_day_of_epoch(t).map_err(|source| AllocationError::Card { index, source })?;
        self.start = rome_midnight_of_day(self.day);
        self.end = rome_midnight_of_day(self.day + 1);
        self.count = 1;
        Ok(true)
    }

    /// A run of cards starting at input index `index`: whole when within the day, else by
    /// sub-blocks, and card by card only in the sub-blocks that cross a midnight.
    fn run(&mut self, cards: &[i64], index: usize, sub: usize) -> Result<bool, AllocationError> {
        if self.all_within(cards) {
            self.count += cards.len() as u64;
            return Ok(true);
        }
        if cards.len() > sub {
            for (k, part) in cards.chunks(sub).enumerate() {
                if !self.run(part, index + k * sub, sub)? {
                    return Ok(false);
                }
            }
            return Ok(true);
        }
        for (k, &t) in cards.iter().enumerate() {
            if !self.card(index + k, t)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Per-day counts of cards sorted by Rome day (by moment, as they usually come, or only by
/// day), in one pass; `None` as soon as a card turns out to be on an earlier day than the
/// one before it. Each block of cards within one day costs one vectorised reduction; only
/// the few cards around each midnight are looked at one by one.
pub(super) fn count_sorted(cards: &[i64]) -> Result<Option<Vec<(DayNumber, u64)>>, AllocationError> {
    let Some(&first) = cards.first() else {
        return Ok(Some(Vec::new()));
    };
    let day = rome_day_of_epoch(first).map_err(|source| AllocationError::Card { index: 0, source })?;
    let mut pass = SortedPass {
        out: Vec::new(),
        day,
        start: rome_midnight_of_day(day),
        end: rome_midnight_of_day(day + 1),
        count: 0,
    };
    for (b, block) in cards.chunks(BLOCK).enumerate() {
        if !pass.run(block, b * BLOCK, SUB_BLOCK)? {
            return Ok(None);
        }
    }
    if pass.count > 0 {
        pass.out.push((pass.day, pass.count));
    }
    Ok(Some(pass.out))
}

/// Cards counted per Rome civil day: all the allocation reads of the cards (SPEC §3: cards of
/// the same day are interchangeable). Counted in one pass, or in parts (on as many threads as
/// the caller has: the core starts none) merged afterwards; the result is the same.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CardCounts {
    /// (day, cards signed that day), by day, days without cards left out.
    days: Vec<(DayNumber, u64)>,
}

impl CardCounts {
    /// Counts the cards (UTC epoch seconds, in any order; fastest sorted). A card outside the
    /// calendar is refused with its index.
    pub fn of(cards: &[i64]) -> Result<CardCounts, AllocationError> {
        CardCounts::of_part(cards, 0)
    }

    /// Counts a part of a larger input that starts at index `offset` of it (the index a refused
    /// card is reported with). Merge the parts with [`CardCounts::merge`].
    pub fn of_part(cards: &[i64], offset: usize) -> Result<CardCounts, AllocationError> {
        count_per_day(cards).map(|days| CardCounts { days }).map_err(|e| match e {
            AllocationError::Card { index, source } => AllocationError::Card { index: index + offset, source },
            other @ AllocationError::Pricing(_) => other,
        })
    }

    /// The counts of the parts of one input together (each day's counts summed).
    pub fn merge(parts: impl IntoIterator<Item = CardCounts>) -> CardCounts {
        let mut all: Vec<(DayNumber, u64)> = parts.into_iter().flat_map(|p| p.days).collect();
        // Parts of sorted input come in day order already: the sort only checks.
        all.sort_by_key(|&(day, _)| day);
        let mut days: Vec<(DayNumber, u64)> = Vec::with_capacity(all.len());
        for (day, count) in all {
            match days.last_mut() {
                Some((last, total)) if *last == day => *total = total.saturating_add(count),
                _ => days.push((day, count)),
            }
        }
        CardCounts { days }
    }

    /// Counts given per day (as a streaming reader sums them): days in any order, a day given
    /// more than once summed, days with no cards left out.
    pub fn from_days(days: impl IntoIterator<Item = (DayNumber, u64)>) -> CardCounts {
        let mut all: Vec<(DayNumber, u64)> = days.into_iter().filter(|&(_, c)| c > 0).collect();
        all.sort_by_key(|&(day, _)| day);
        CardCounts::merge([CardCounts { days: all }])
    }

    /// Counts of days already in order, each once, none zero (what the allocation makes of a
    /// counting table).
    pub(crate) fn from_sorted_days(days: Vec<(DayNumber, u64)>) -> CardCounts {
        CardCounts { days }
    }

    /// Number of cards counted.
    pub fn cards(&self) -> u64 {
        self.days.iter().fold(0u64, |t, &(_, c)| t.saturating_add(c))
    }

    /// (day number, cards) of each day with cards, by day.
    pub fn days(&self) -> &[(DayNumber, u64)] {
        &self.days
    }
}

/// The least and the greatest moment (`(i64::MAX, i64::MIN)` for none), in eight lanes: eight
/// independent chains of comparisons instead of one, each waiting on the one before.
pub(crate) fn range_of(moments: &[i64]) -> (i64, i64) {
    const LANES: usize = 8;
    let (mut lo, mut hi) = ([i64::MAX; LANES], [i64::MIN; LANES]);
    let chunks = moments.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for j in 0..LANES {
            lo[j] = lo[j].min(chunk[j]);
            hi[j] = hi[j].max(chunk[j]);
        }
    }
    let lanes = lo.iter().zip(&hi).map(|(&l, &h)| (l, h));
    lanes.chain(rest.iter().map(|&t| (t, t))).fold((i64::MAX, i64::MIN), |(lo, hi), (l, h)| (lo.min(l), hi.max(h)))
}

/// Counts cards per Rome civil day, in any order. Returns (day, count) sorted by day.
pub(super) fn count_per_day(cards: &[i64]) -> Result<Vec<(DayNumber, u64)>, AllocationError> {
    if let Some(counts) = count_sorted(cards)? {
        return Ok(counts);
    }
    // Most unsorted input is one year's cards: read once, not once for the range and once more
    // to count.
    if let Some(counts) = count_within_year(cards) {
        return Ok(counts);
    }
    let day_of = |i: usize, t: i64| rome_day_of_epoch(t).map_err(|source| AllocationError::Card { index: i, source });
    let (min, max) = range_of(cards);
    let (Ok(first), Ok(last)) = (day_of(0, min), day_of(0, max)) else {
        // Some card is outside the calendar: report the first one, in input order.
        for (i, &t) in cards.iter().enumerate() {
            day_of(i, t)?;
        }
        return Err(AllocationError::Card { index: 0, source: CalendarError::MomentFormat });
    };
    let span = usize::try_from(i64::from(last) - i64::from(first) + 1).unwrap_or(usize::MAX);
    // The per-day tables cost O(span): worth it only when the cards outnumber the days.
    if span > (1 << 18).min(cards.len()) {
        let mut counts = BTreeMap::new();
        for (i, &t) in cards.iter().enumerate() {
            *counts.entry(day_of(i, t)?).or_insert(0u64) += 1;
        }
        return Ok(counts.into_iter().collect());
    }
    let index = DayIndex::new(min, max);
    let mut counts = vec![0u64; index.slots()];
    index.count(cards, &mut counts);
    Ok(index.days(&mut counts, cards.len()))
}

/// Unsorted cards counted in one pass when they are all of the Rome civil year of the first
/// (a municipality's year, the usual input): a day index of that year checks each card as it
/// counts it. `None` when one is outside it (the counting given up, the caller reads the range
/// first and counts again) or when there are more cards than a 32-bit counter holds.
fn count_within_year(cards: &[i64]) -> Option<Vec<(DayNumber, u64)>> {
    u32::try_from(cards.len()).ok()?;
    let (from, to) = year_of(*cards.first()?)?;
    let index = DayIndex::new(from, to);
    let mut table = vec![0u32; index.slots()];
    // Counted without taking the cards' range on the way (the days are read from the table).
    index.count_owned(cards, None, &mut table)?;
    Some(index.days(&mut table, cards.len()))
}

/// Rome days of moments within a known range, without a time-zone lookup per moment: Rome is
/// ahead of UTC by less than a day, so a moment of UTC day `u` is on Rome day `u` before the
/// Rome midnight that starts day `u + 1` (which falls within UTC day `u`), and on day `u + 1`
/// from it: one table entry per UTC day of the range.
#[derive(Clone, Debug, Default)]
pub(crate) struct DayIndex {
    utc_first: i64,
    /// The first second of the UTC day `utc_first`.
    first_second: i64,
    midnights: Vec<i64>,
}

/// A group column beside the cards of one group (of the same length): each value should be
/// `group` (the column comes in runs of one group), and is checked as the cards are counted.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Owners<'a> {
    /// The values beside the cards.
    pub(crate) column: &'a [u32],
    /// The group they should all be.
    pub(crate) group: u32,
}

impl Owners<'_> {
    /// True when a value is not the group (read on its own, without counting).
    pub(crate) fn others(&self) -> bool {
        self.column.iter().fold(0, |d, &x| d | (x ^ self.group)) != 0
    }
}

/// Tables a [`DayIndex`] counts in, side by side: cards in a row on the same day would
/// otherwise each wait for the one before to be stored (a chain through memory); with four
/// tables, consecutive cards go to different ones.
pub(crate) const TABLES: usize = 4;

impl DayIndex {
    /// The index of the moments from `min` to `max` (both within the calendar).
    pub(crate) fn new(min: i64, max: i64) -> DayIndex {
        let utc_first = min.div_euclid(86_400);
        let utc_span = max.div_euclid(86_400) - utc_first + 1;
        let midnights = (0..utc_span).map(|k| rome_midnight_of_day((utc_first + k + 1) as DayNumber)).collect();
        DayIndex { utc_first, first_second: utc_first * 86_400, midnights }
    }

    /// Whether every moment from `min` to `max` is within the index.
    pub(crate) fn covers(&self, min: i64, max: i64) -> bool {
        min >= self.first_second && max.abs_diff(self.first_second) / 86_400 < self.midnights.len() as u64
    }

    /// The first and the last second of the index's range; `None` for an empty index.
    pub(crate) fn range(&self) -> Option<(i64, i64)> {
        let days = i64::try_from(self.midnights.len()).ok().filter(|&d| d > 0)?;
        Some((self.first_second, self.first_second + days * 86_400 - 1))
    }

    /// The counters of the days of the moments from `min` to `max` (within the index): the
    /// part of a counting table they are counted in.
    pub(crate) fn window(&self, min: i64, max: i64) -> Range<usize> {
        self.slot(min) * TABLES..(self.slot(max) + 1) * TABLES
    }

    /// The counters of a counting table from the first day with cards to the last (empty for
    /// none): what [`DayIndex::window`] of the cards' range gives, read from the table.
    pub(crate) fn window_counted(table: &[u32]) -> Range<usize> {
        let counted = |lanes: &[u32]| lanes.iter().any(|&c| c > 0);
        let first = table.chunks_exact(TABLES).position(counted);
        let last = table.chunks_exact(TABLES).rposition(counted);
        match (first, last) {
            (Some(first), Some(last)) => first * TABLES..(last + 1) * TABLES,
            _ => 0..0,
        }
    }

    /// The day a counter of a counting table counts.
    pub(crate) fn day_of_counter(&self, counter: usize) -> DayNumber {
        (self.utc_first + (counter / TABLES) as i64) as DayNumber
    }

    /// Length of a counting table: [`TABLES`] counters for each UTC day of the range, and for
    /// one more day.
    pub(crate) fn slots(&self) -> usize {
        (self.midnights.len() + 1) * TABLES
    }

    /// The day slot of a moment within the range (unsigned arithmetic: the moment is not
    /// before the range's first second).
    #[inline]
    fn slot(&self, t: i64) -> usize {
        let k = ((t - self.first_second) as u64 / 86_400) as usize;
        k + usize::from(t >= self.midnights[k])
    }

    /// Adds the cards (every one within the range) to a table of [`DayIndex::slots`] counters.
    pub(crate) fn count(&self, cards: &[i64], table: &mut [u64]) {
        let quads = cards.chunks_exact(TABLES);
        let rest = quads.remainder();
        for quad in quads {
            for (lane, &t) in quad.iter().enumerate() {
                table[self.slot(t) * TABLES + lane] += 1;
            }
        }
        for &t in rest {
            table[self.slot(t) * TABLES] += 1;
        }
    }

    /// [`DayIndex::count`] of cards whose range is not known yet: each card is checked against
    /// the index as it is counted (the check is the bounds check the lookup needs anyway), so
    /// that the cards are read once instead of once for their range and once for counting; the
    /// days counted in are in the table ([`DayIndex::window_counted`]). With `owners` (a group
    /// column beside the cards), they are read in the same pass (a second stream of memory
    /// while the counting waits on the first). Returns whether a value of the column is not
    /// the group, or `None` for no card or a card outside the index; then the table is left
    /// all zero (it must be given all zero). The counters are 32-bit (half the table to read):
    /// the caller gives at most `u32::MAX` cards.
    pub(crate) fn count_owned(&self, cards: &[i64], owners: Option<Owners<'_>>, table: &mut [u32]) -> Option<bool> {
        self.count_into(cards, table, Some, owners)
    }

    /// [`DayIndex::count_owned`] into the counters of groups of days: `group_of[day]` is the
    /// group of each day of the index (`None`, the table zeroed, when it has fewer), and the
    /// table has [`TABLES`] counters per group. A function of its own: inlined in its caller,
    /// its loop lacked registers.
    #[inline(never)]
    pub(crate) fn count_mapped(
        &self,
        cards: &[i64],
        owners: Option<Owners<'_>>,
        group_of: &[u16],
        table: &mut [u32],
    ) -> Option<bool> {
        // Cut to the days a card can be counted on (a UTC day's, or the next): its bounds then
        // follow from the index's, and the loop checks none of its own.
        let Some(group_of) = group_of.get(..self.midnights.len() + 1) else {
            table.fill(0);
            return None;
        };
        self.count_into(cards, table, |day: usize| group_of.get(day).map(|&g| usize::from(g)), owners)
    }

    /// The counting of [`DayIndex::count_owned`], each card counted in the counters of
    /// `counter(day)` (`None`: the card is outside).
    #[inline]
    fn count_into(
        &self,
        cards: &[i64],
        table: &mut [u32],
        counter: impl Fn(usize) -> Option<usize>,
        owners: Option<Owners<'_>>,
    ) -> Option<bool> {
        let counted = match owners {
            Some(owners) if owners.column.len() == cards.len() => {
                self.count_lanes::<true>(cards, owners, table, counter)
            }
            // A column not beside the cards is not theirs: a value differs.
            Some(_) => self.count_lanes::<false>(cards, Owners::default(), table, counter).map(|_| true),
            None => self.count_lanes::<false>(cards, Owners::default(), table, counter),
        };
        if counted.is_none() || cards.is_empty() {
            table.fill(0);
            return None;
        }
        counted
    }

    /// The loop of [`DayIndex::count_into`], reading the owners beside the cards when `OWNED`
    /// (the table left as it is when a card is outside).
    #[inline]
    fn count_lanes<const OWNED: bool>(
        &self,
        cards: &[i64],
        owners: Owners<'_>,
        table: &mut [u32],
        counter: impl Fn(usize) -> Option<usize>,
    ) -> Option<bool> {
        // Lanes in order, then the card counted; `None` at the first card outside the index.
        // The subtraction wraps: a moment before the first second (whose magnitude is far below
        // 2^62, being within the calendar) becomes an offset of at least 2^62 seconds, outside.
        let mut add = |lane: usize, t: i64| -> Option<()> {
            let k = (t.wrapping_sub(self.first_second) as u64 / 86_400) as usize;
            let midnight = *self.midnights.get(k)?;
            *table.get_mut(counter(k + usize::from(t >= midnight))? * TABLES + lane)? += 1;
            Some(())
        };
        let mut other = [0u32; TABLES];
        let quads = cards.chunks_exact(TABLES);
        let rest = quads.remainder();
        if OWNED {
            for (quad, own) in quads.zip(owners.column.chunks_exact(TABLES)) {
                // Lane by lane: one vector operation for the four.
                for (acc, &o) in other.iter_mut().zip(own) {
                    *acc |= o ^ owners.group;
                }
                for (lane, &t) in quad.iter().enumerate() {
                    add(lane, t)?;
                }
            }
            for (&o, &t) in owners.column[cards.len() - rest.len()..].iter().zip(rest) {
                other[0] |= o ^ owners.group;
                add(0, t)?;
            }
        } else {
            for quad in quads {
                for (lane, &t) in quad.iter().enumerate() {
                    add(lane, t)?;
                }
            }
            for &t in rest {
                add(0, t)?;
            }
        }
        Some(other != [0; TABLES])
    }

    /// The (day, count) of the non-zero slots, by day, for `cards` cards counted; the table
    /// is left all zero.
    pub(crate) fn days<C: Copy + Default + Into<u64>>(&self, counts: &mut [C], cards: usize) -> Vec<(DayNumber, u64)> {
        let take = |slot: &mut [C]| {
            let c = slot.iter().map(|&c| c.into()).sum::<u64>();
            slot.fill(C::default());
            c
        };
        let days = counts.len() / TABLES;
        if cards < days / 8 {
            // Few cards over many days: only the days with cards are written.
            let mut out = Vec::with_capacity(cards);
            for (i, slot) in counts.chunks_exact_mut(TABLES).enumerate() {
                let c = take(slot);
                if c > 0 {
                    out.push(((self.utc_first + i as i64) as DayNumber, c));
                }
            }
            return out;
        }
        // Every slot written, the length advanced only past a day with cards: no branch to
        // mispredict on the days of a small municipality, with and without cards at random.
        let mut out = vec![(0 as DayNumber, 0u64); days];
        let mut n = 0;
        for (i, slot) in counts.chunks_exact_mut(TABLES).enumerate() {
            let c = take(slot);
            out[n] = ((self.utc_first + i as i64) as DayNumber, c);
            n += usize::from(c > 0);
        }
        out.truncate(n);
        out
    }
}

#[cfg(test)]
mod tests;
