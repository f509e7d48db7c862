//! Cards counted per Rome civil day: the only pass over the cards (SPEC §3; the allocation
//! works on these counts, never per card).

use std::collections::BTreeMap;

use super::AllocationError;
use crate::calendar::{rome_day_of_epoch, rome_midnight_of_day, CalendarError, DayNumber};

/// Cards per block of the sorted pass: the block is checked for order without early exit
/// (which the compiler vectorises) and counted whole when it lies within one day.
pub(super) const BLOCK: usize = 1024;

/// Per-day counts of cards in ascending order, in one pass that also checks the order;
/// `None` as soon as the input turns out not to be sorted. Only blocks that cross a Rome
/// midnight are searched, while they are in cache.
pub(super) fn count_sorted(cards: &[i64]) -> Result<Option<Vec<(DayNumber, u64)>>, AllocationError> {
    let day_of = |i: usize, t: i64| rome_day_of_epoch(t).map_err(|source| AllocationError::Card { index: i, source });
    let mut out = Vec::new();
    let Some(&first) = cards.first() else {
        return Ok(Some(out));
    };
    let mut day = day_of(0, first)?;
    let mut end = rome_midnight_of_day(day + 1);
    let mut count = 0u64;
    let mut previous = first;
    for (b, block) in cards.chunks(BLOCK).enumerate() {
        // Inversions counted without early exit over two shifted slices, so that the check is
        // vectorised (a fold over `windows(2)` is not).
        let inversions = block
            .iter()
            .zip(block.iter().skip(1))
            .fold(u64::from(previous > block[0]), |n, (a, b)| n + u64::from(a > b));
        if inversions != 0 {
            return Ok(None);
        }
        previous = block[block.len() - 1];
        let mut rest = block;
        let mut index = b * BLOCK;
        while let Some(&last) = rest.last() {
            if last < end {
                count += rest.len() as u64;
                break;
            }
            let within = rest.partition_point(|&t| t < end);
            count += within as u64;
            if count > 0 {
                out.push((day, count));
            }
            rest = &rest[within..];
            index += within;
            day = day_of(index, rest[0])?;
            end = rome_midnight_of_day(day + 1);
            count = 0;
        }
    }
    if count > 0 {
        out.push((day, count));
    }
    Ok(Some(out))
}

/// Counts cards per Rome civil day, in any order. Returns (day, count) sorted by day.
pub(super) fn count_per_day(cards: &[i64]) -> Result<Vec<(DayNumber, u64)>, AllocationError> {
    if let Some(counts) = count_sorted(cards)? {
        return Ok(counts);
    }
    let day_of = |i: usize, t: i64| rome_day_of_epoch(t).map_err(|source| AllocationError::Card { index: i, source });
    let (min, max) = cards.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
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
    // Rome is ahead of UTC by less than a day, so a moment of UTC day `u` is on Rome day `u`
    // before the Rome midnight that starts day `u + 1` (which falls within UTC day `u`), and on
    // day `u + 1` from it: one table entry per UTC day, no time-zone lookup per card.
    let utc_first = min.div_euclid(86_400);
    let utc_span = (max.div_euclid(86_400) - utc_first + 1) as usize;
    let midnights: Vec<i64> =
        (0..utc_span as i64).map(|k| rome_midnight_of_day((utc_first + k + 1) as DayNumber)).collect();
    let mut counts = vec![0u64; span + 1];
    let base = utc_first - i64::from(first);
    for &t in cards {
        let k = (t.div_euclid(86_400) - utc_first) as usize;
        let rome = base + k as i64 + i64::from(t >= midnights[k]);
        counts[rome as usize] += 1;
    }
    Ok(counts.into_iter().enumerate().filter(|(_, c)| *c > 0).map(|(i, c)| (first + i as DayNumber, c)).collect())
}
