//! The working memory of one thread of the national job.

use std::ops::Range;

use chrono::NaiveDate;

use crate::allocation::{range_of, AllocationBuffers, DayIndex, Owners, Stretches, TABLES};
use crate::calendar::{day_number, rome_day_of_epoch, year_of, DayNumber, Moment};
use crate::reconciliation::QuarterClock;

/// Working memory of one thread reconciling groups one after the other: a day index covering
/// the moments of the groups seen so far, its counting table (all zero between groups), the
/// allocation's buffers, and `now`'s day in Rome.
pub(super) struct Scratch {
    pub(super) index: DayIndex,
    /// 32-bit counters: [`Scratch::count`] takes groups of at most `u32::MAX` cards.
    pub(super) table: Vec<u32>,
    pub(super) allocation: AllocationBuffers,
    /// The counting of municipalities with few cards per stretch of days.
    pub(super) stretches: Stretches,
    /// `now`'s quarter in Rome and the last ended one.
    pub(super) clock: QuarterClock,
    /// `now`'s civil date in Rome (`MAX` for a `now` outside the calendar: no order is after
    /// it).
    pub(super) today: NaiveDate,
    /// Its day number: no card is after `now` when none is on that day or later (`MIN` for a
    /// `now` outside the calendar: the cards are compared with it).
    pub(super) today_number: i64,
    /// The current group's owners were read (as its cards were counted, or on their own).
    pub(super) owners_read: bool,
    /// An owner read was not its group: a run of the group column holds another group's row.
    pub(super) others: bool,
}

impl Scratch {
    /// Empty working memory for reconciling as of `now`.
    pub(super) fn new(now: Moment) -> Scratch {
        Scratch {
            index: DayIndex::default(),
            table: Vec::new(),
            allocation: AllocationBuffers::default(),
            stretches: Stretches::default(),
            clock: QuarterClock::at(now),
            today: now.rome_date().unwrap_or(NaiveDate::MAX),
            today_number: now.rome_date().map_or(i64::MIN, |d| i64::from(day_number(d))),
            owners_read: false,
            others: false,
        }
    }

    /// The latest of a group's cards, all on days before `after`, or `MIN` when no card can be
    /// after `now` (none is on its day or later): the cards are read again only then.
    pub(super) fn latest(&self, epochs: &[i64], after: DayNumber) -> i64 {
        if i64::from(after) <= self.today_number {
            i64::MIN
        } else {
            range_of(epochs).1
        }
    }

    /// Notes the current group's owners read, with `others` found when they were read as its
    /// cards were counted; with `None`, they are read here. Nothing for no owners.
    pub(super) fn note_owners(&mut self, owners: Option<Owners<'_>>, others: Option<bool>) {
        if let Some(owners) = owners {
            self.others |= others.unwrap_or_else(|| owners.others());
            self.owners_read = true;
        }
    }

    /// Counts a group's cards in the table, read once when they are within the index, else
    /// again after the index is extended ([`Scratch::cover`]) to the year of the first card,
    /// and if need be to the cards' range; `owners`, when given, read beside them. Returns the
    /// part of the table counted in (from the first day with cards to the last) and whether
    /// an owner is not the group; `None` (the table untouched) when they cannot be counted with
    /// the index (no card, a card outside the calendar, cards too far apart, more cards than a
    /// 32-bit counter holds).
    pub(super) fn count(&mut self, epochs: &[i64], owners: Option<Owners<'_>>) -> Option<(Range<usize>, bool)> {
        /// The most days of an index whose table is read through to find the days counted in;
        /// a longer one (extended to far-apart groups) is not, the cards' range is read instead.
        const READ_THROUGH: usize = 800;
        if u32::try_from(epochs.len()).is_err() {
            return None;
        }
        let others = self.index.count_owned(epochs, owners, &mut self.table).or_else(|| {
            // The index first extended to the civil year of the group's first card: a group
            // within it (a year's data, the usual job) is read once more, not twice (its range,
            // then its count). Only when a card falls outside it is the group's range read.
            let (from, to) = year_of(*epochs.first()?)?;
            if self.cover(epochs, from, to).is_some() {
                if let Some(counted) = self.index.count_owned(epochs, owners, &mut self.table) {
                    return Some(counted);
                }
            }
            let (min, max) = range_of(epochs);
            self.cover(epochs, min, max)?;
            self.index.count_owned(epochs, owners, &mut self.table)
        })?;
        let window = if self.index.slots() / TABLES <= READ_THROUGH {
            DayIndex::window_counted(&self.table)
        } else {
            let (min, max) = range_of(epochs);
            self.index.window(min, max)
        };
        Some((window, others))
    }

    /// Makes the index cover `epochs` (from `min` to `max`) when they are outside it: to the
    /// days of both, or of theirs alone when both together would span too long. `None` when
    /// they are empty, outside the calendar or more than 2^16 days apart (counted without the
    /// index).
    fn cover(&mut self, epochs: &[i64], min: i64, max: i64) -> Option<()> {
        /// UTC days an index may span: its table is read for every group.
        const LONGEST: i64 = 1 << 16;
        if epochs.is_empty() {
            return None;
        }
        // An index covers only moments within the calendar (its ends were checked): the
        // moments are checked only when they are outside it.
        if !self.index.covers(min, max) {
            if rome_day_of_epoch(min).is_err() || rome_day_of_epoch(max).is_err() {
                return None;
            }
            let (low, high) = self.index.range().map_or((min, max), |(l, h)| (l.min(min), h.max(max)));
            let (low, high) = if (high - low) / 86_400 < LONGEST { (low, high) } else { (min, max) };
            if (high - low) / 86_400 >= LONGEST {
                return None;
            }
            self.index = DayIndex::new(low, high);
            self.table.clear();
            self.table.resize(self.index.slots(), 0);
        }
        Some(())
    }
}
