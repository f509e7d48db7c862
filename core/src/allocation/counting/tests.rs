//! Tests of the card counting: the sorted pass's contract, the unsorted paths and the parts.

use std::collections::BTreeMap;

use super::*;
use crate::calendar::Moment;
use crate::error::{CieError, FieldValue};
use chrono::NaiveDate;
use proptest::prelude::*;

fn at(y: i32, m: u32, day: u32, h: u32) -> i64 {
    let date = NaiveDate::from_ymd_opt(y, m, day).and_then(|d| d.and_hms_opt(h, 0, 0)).unwrap();
    Moment::from_rome_local(date).epoch()
}

/// Per-day counts, card by card through the time-zone lookup.
fn naive_counts(cards: &[i64]) -> Vec<(DayNumber, u64)> {
    let mut counts = BTreeMap::new();
    for &t in cards {
        *counts.entry(rome_day_of_epoch(t).unwrap()).or_insert(0u64) += 1;
    }
    counts.into_iter().collect()
}

proptest! {
    #[test]
    fn per_day_counts_sorted_and_unsorted(
        // Around the 2024 spring DST change, thousands of cards so that blocks cross days.
        mut cards in prop::collection::vec(1_711_670_400i64..1_712_102_400, 0..5000),
        wide in prop::collection::vec(-2_208_988_800i64..7_258_118_400, 0..400),
        era in 0i64..295,
        dense in prop::collection::vec(0i64..5 * 365 * 86_400, 2000..2500),
        one_year in prop::collection::vec(0i64..366 * 86_400, 1..3000),
        spill in any::<bool>(),
    ) {
        let expected = naive_counts(&cards);
        prop_assert_eq!(&count_per_day(&cards).unwrap(), &expected);
        cards.sort_unstable();
        prop_assert_eq!(count_sorted(&cards).unwrap(), Some(expected));
        // 1900–2199, few cards over centuries: counted per card.
        prop_assert_eq!(count_per_day(&wide).unwrap(), naive_counts(&wide));
        // Five years of some era, more cards than days, in any order: the per-UTC-day table
        // agrees with the time-zone lookup.
        let start = -2_208_988_800 + era * 365 * 86_400;
        let dense: Vec<i64> = dense.iter().rev().map(|t| start + t).collect();
        prop_assert_eq!(count_per_day(&dense).unwrap(), naive_counts(&dense));
        // One Rome civil year of some era in any order, its first and last second included
        // (counted in one pass against the first card's year); with a card of the next year
        // in the middle, the count is given up there and made again after reading the range.
        let (from, to) = crate::calendar::year_of(at(1900 + era as i32, 7, 1, 12)).unwrap();
        let mut year: Vec<i64> = one_year.iter().map(|t| from + t % (to - from + 1)).collect();
        year.extend([to, from]);
        if spill {
            year.insert(year.len() / 2, to + 1);
        }
        prop_assert_eq!(count_per_day(&year).unwrap(), naive_counts(&year));
    }
}

/// The sorted pass's contract: `None` exactly when some card is on an earlier Rome day than
/// the card before it; otherwise the exact per-day counts.
fn check_sorted_pass(cards: &[i64]) -> Result<(), String> {
    let days: Vec<DayNumber> = cards.iter().map(|&t| rome_day_of_epoch(t).unwrap()).collect();
    let by_day = days.windows(2).all(|w| w[0] <= w[1]);
    let expected = naive_counts(cards);
    let got = count_sorted(cards).map_err(|e| e.to_string())?;
    if got != by_day.then(|| expected.clone()) {
        return Err(format!("sorted by day: {by_day}, got {got:?}"));
    }
    if count_per_day(cards).map_err(|e| e.to_string())? != expected {
        return Err("count_per_day disagrees".into());
    }
    Ok(())
}

#[test]
fn an_inversion_is_found_at_every_position() {
    // A card every 60 s for 3 700 minutes, from 23:13 in Rome (three midnights): swaps within a day keep the days sorted,
    // swaps across a midnight do not; both are counted exactly.
    let sorted: Vec<i64> = (0..3700).map(|i| 1_700_000_000 + 60 * i).collect();
    let mut across = 0;
    for i in 0..sorted.len() - 1 {
        let mut cards = sorted.clone();
        cards.swap(i, i + 1);
        check_sorted_pass(&cards).unwrap_or_else(|e| panic!("swap at {i}: {e}"));
        across += usize::from(count_sorted(&cards) == Ok(None));
    }
    let midnights = sorted.windows(2).filter(|w| rome_day_of_epoch(w[0]) != rome_day_of_epoch(w[1])).count();
    assert_eq!(midnights, 3);
    assert_eq!(across, midnights, "one refused swap per midnight crossed");
    assert_eq!(count_sorted(&sorted).unwrap(), Some(naive_counts(&sorted)));
    assert_eq!(count_sorted(&[]), Ok(Some(vec![])));
}

#[test]
fn a_part_reports_its_refused_card_by_its_index_in_the_whole_input() {
    let good = at(2024, 5, 2, 9);
    let e = CardCounts::of_part(&[good, i64::MIN, good], 1000).unwrap_err();
    assert_eq!(e.fields(), vec![("index", FieldValue::Int(1001))]);
    assert_eq!(CardCounts::merge([]), CardCounts::default());
    let merged = CardCounts::merge([CardCounts::of(&[good + 5]).unwrap(), CardCounts::of(&[good, good]).unwrap()]);
    assert_eq!(merged.days(), &[(rome_day_of_epoch(good).unwrap(), 3)]);
}

proptest! {
    /// Cards over five days around the October DST change, sorted, then one pair swapped
    /// and a run moved: the sorted pass returns the counts exactly when the days are sorted.
    #[test]
    fn sorted_check_finds_every_day_inversion(
        mut cards in prop::collection::vec(1_603_400_000i64..1_603_832_000, 0..3000),
        swap in any::<prop::sample::Index>(),
        moved in any::<prop::sample::Index>(),
    ) {
        cards.sort_unstable();
        prop_assert_eq!(check_sorted_pass(&cards), Ok(()));
        if cards.len() >= 2 {
            let i = swap.index(cards.len() - 1);
            cards.swap(i, i + 1);
            prop_assert_eq!(check_sorted_pass(&cards), Ok(()));
            let j = moved.index(cards.len());
            let half = (cards.len() - j) / 2;
            cards[j..].rotate_left(half);
            prop_assert_eq!(check_sorted_pass(&cards), Ok(()));
        }
    }
}

proptest! {
    /// The eight-lane range is the plain fold's, for any length (the lanes and the rest).
    #[test]
    fn range_of_is_the_least_and_greatest(moments in prop::collection::vec(any::<i64>(), 0..70)) {
        let plain = moments.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
        prop_assert_eq!(super::range_of(&moments), plain);
    }
}

proptest! {
    /// Counting with the check against the index counts as the plain count when every card is
    /// within the index (and gives their range); otherwise it refuses and leaves the table zero.
    #[test]
    fn counting_within_the_index_or_refusing(
        from in 1_704_067_200i64..1_735_689_600,
        days in 1i64..800,
        inside in prop::collection::vec(0i64..1_000_000_000, 0..60),
        outside in prop::option::of((any::<i64>(), any::<prop::sample::Index>())),
    ) {
        let index = DayIndex::new(from, from + days * 86_400 - 1);
        let (first, last) = index.range().unwrap();
        let mut cards: Vec<i64> = inside.iter().map(|&x| first + x % (last - first + 1)).collect();
        let stray = outside.map(|(t, at)| (t, at.index(cards.len() + 1))).filter(|&(t, _)| t < first || t > last);
        if let Some((t, at)) = stray {
            cards.insert(at, t);
        }
        let mut table = vec![0u32; index.slots()];
        let got = index.count_owned(&cards, None, &mut table);
        if stray.is_some() || cards.is_empty() {
            prop_assert_eq!(got, None);
            prop_assert!(table.iter().all(|&c| c == 0));
        } else {
            prop_assert_eq!(got, Some(false));
            // The days counted in, read from the table: the window of the cards' range.
            let (min, max) = range_of(&cards);
            prop_assert_eq!(DayIndex::window_counted(&table), index.window(min, max));
            let mut plain = vec![0u64; index.slots()];
            index.count(&cards, &mut plain);
            prop_assert!(table.iter().map(|&c| u64::from(c)).eq(plain));
        }
    }
}
