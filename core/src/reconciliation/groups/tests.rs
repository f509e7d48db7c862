//! Tests of the national job: every group as if alone, the shares, the working memory
//! kept between groups, and the groups refused.

use super::*;
use crate::allocation::allocate;
use crate::money::Amount;
use crate::reconciliation::reconcile;
use proptest::prelude::*;

/// An order of `cards` cards dated `day` of 2024; with `period`, declaring the 15 days up
/// to its date.
fn order(number: u32, day: u32, cards: i64, period: bool) -> PaymentOrder {
    order_after(number, day, cards, period.then_some(0))
}

/// [`order`] whose period, when it has one, ends `lag` days before its date.
fn order_after(number: u32, day: u32, cards: i64, lag: Option<u64>) -> PaymentOrder {
    let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(u64::from(day));
    let period = lag.map(|lag| (date - chrono::Days::new(14 + lag), date - chrono::Days::new(lag)));
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
    /// whatever the order of the rows. Orders declare periods ending on their date or up to
    /// 19 days before it (the stretches of few-card municipalities are cut at both).
    #[test]
    fn every_group_as_if_alone(
        cards in prop::collection::vec((0u32..4, 0i64..300 * 86_400), 0..200),
        orders in prop::collection::vec((0u32..4, 1u32..9999, 0u32..390, 1i64..40, prop::option::of(0u64..20)), 0..16),
        counts in prop::collection::vec((0u32..4, 1u32..5, 0u64..80), 0..8),
        sorted in any::<bool>(),
        prices in prop::collection::vec((0i64..320, 1000i64..2500), 0..3),
        starts_late in any::<bool>(),
        outliers in prop::collection::vec((0u32..4, 0usize..8), 0..4),
        repeat in prop::sample::select(vec![1usize, 1, 60]),
    ) {
        let base = 1_704_067_200i64; // 2024-01-01T00:00:00Z
        // Each card given `repeat` times: groups of more than `FEW_CARDS` cards (counted per
        // day, allocated per stretch) beside groups of few.
        let cards = cards.iter().flat_map(|&c| std::iter::repeat_n(c, repeat));
        let mut cards: Vec<(u32, i64)> = cards.map(|(g, t)| (g, base + t)).collect();
        // A card a year later or sixty years earlier (the thread's day index extended), two
        // centuries later (too far from the others for one index), or outside the calendar,
        // as far as a moment goes (the group refused); the last second of 2024 in Rome and the
        // first of 2025 (the index first extended to the year of a group's first card).
        let new_year = base + 366 * 86_400 - 3_600;
        let far = [base + 400 * 86_400, base + 80_000 * 86_400, base - 21_900 * 86_400, -(1i64 << 50), i64::MAX, i64::MIN, new_year - 1, new_year];
        cards.extend(outliers.iter().map(|&(g, k)| (g, far[k])));
        if sorted { cards.sort_by_key(|c| c.0); }
        let groups: Vec<u32> = cards.iter().map(|c| c.0).collect();
        let epochs: Vec<i64> = cards.iter().map(|c| c.1).collect();
        let mut orders: Vec<(u32, PaymentOrder)> = orders.iter().enumerate().map(|(i, &(g, n, d, c, p))| (g, order_after(n * 100 + i as u32, d, c, p))).collect();
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
        // Cards in runs given by where each group's run ends (the groups after the last with
        // cards given no end): the same input.
        if sorted {
            let last = groups.last().map_or(0, |&g| g as usize + 1);
            let ends: Vec<usize> = (0..last).map(|g| groups.iter().filter(|&&x| (x as usize) <= g).count()).collect();
            let columns: OrderColumns = orders.iter().map(|o| &o.1).collect();
            let from_runs = GroupedInput::with_card_runs(4, &ends, &epochs, &order_group, columns, &counts, &transmitted).unwrap();
            prop_assert_eq!(&reconcile_groups(&from_runs, Lifespan::default(), now, &schedule), &all);
        }
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

/// A group column in runs at every run's end but with a row of another group inside a run
/// (found as the cards are counted, or as the column is read through): every group gets what
/// it gets from the column sorted, however it is reconciled.
#[test]
fn a_row_of_another_group_inside_a_run_is_found() {
    // Rows 1, 2, 4 and 8 (read to find group 0's run) are of group 0, row 3 of group 1; then
    // a run of seven rows (counted four at a time, and three) with group 1's row among the three;
    // then a run of 3 000 rows (its cards counted per day), group 1's row in the middle.
    let mut long = vec![0u32; 3_001];
    (long[1_500], long[3_000]) = (1, 2);
    for groups in [vec![0u32, 0, 0, 1, 0, 0, 0, 0, 2], vec![0, 0, 0, 0, 0, 1, 0, 2], long] {
        a_row_inside_a_run(&groups);
    }
}

fn a_row_inside_a_run(groups: &[u32]) {
    let base = 1_704_070_800i64; // 2024-01-01T01:00:00Z
    let n = groups.len() as i64;
    let epochs: Vec<i64> = (0..n).map(|k| base + k * 600).collect();
    let orders = vec![(1, order(1, 20, 1, false)), (2, order(2, 20, 1, false))];
    let now = Moment::parse("2025-02-01T00:00:00").unwrap();
    let schedule = PriceSchedule::builtin();
    let mut sorted: Vec<(u32, i64)> = groups.iter().copied().zip(epochs.iter().copied()).collect();
    sorted.sort_by_key(|c| c.0);
    let (sorted_groups, sorted_epochs): (Vec<u32>, Vec<i64>) = sorted.into_iter().unzip();
    let expected = reconcile_groups(
        &GroupedInput::new(3, &sorted_groups, &sorted_epochs, orders.clone(), &[], &[]).unwrap(),
        Lifespan::default(),
        now,
        &schedule,
    );
    assert_eq!(expected.iter().map(|r| r.summary.cards).collect::<Vec<_>>(), vec![n as u64 - 2, 1, 1]);
    assert_eq!(expected[1].summary.debit, Amount::ZERO);
    let input = || GroupedInput::new(3, groups, &epochs, orders.clone(), &[], &[]).unwrap();
    assert_eq!(reconcile_groups(&input(), Lifespan::default(), now, &schedule), expected);
    let mut each = Vec::new();
    input().reconcile_each(0..3, Lifespan::default(), now, &schedule, |_, r| each.push(r));
    assert_eq!(each, expected);
    assert_eq!(input().reconcile(1, Lifespan::default(), now, &schedule), expected[1]);
    // A row of a group not below the number of groups, inside a run: every group's error,
    // naming the row, and the error of the input's check.
    let row = groups.iter().position(|&g| g == 1).unwrap();
    let mut bad = groups.to_vec();
    bad[row] = 7;
    let refused = GroupError::Group { what: "card", row, group: 7, groups: 3 };
    let input = GroupedInput::new(3, &bad, &epochs, orders.clone(), &[], &[]).unwrap();
    let all = reconcile_groups(&input, Lifespan::default(), now, &schedule);
    for result in &all {
        let e = result.summary.error.as_ref().unwrap();
        assert_eq!((e.code, e.row), (ErrorCode::InputFormat, Some(row)));
        assert!(result.rows.is_empty());
    }
    assert_eq!(input.check(), Err(refused.clone()));
    let fresh = GroupedInput::new(3, &bad, &epochs, orders, &[], &[]).unwrap();
    assert_eq!(fresh.check(), Err(refused));
    assert_eq!(fresh.reconcile(0, Lifespan::default(), now, &schedule), all[0]);
}

#[test]
fn runs_that_would_leave_cards_out_are_refused() {
    let epochs = [1_704_067_200i64; 5];
    let runs = |ends: &[usize], groups: usize| {
        GroupedInput::with_card_runs(groups, ends, &epochs, &[], OrderColumns::default(), &[], &[]).map(|i| i.len())
    };
    assert_eq!(runs(&[2, 5], 3), Ok(3));
    assert_eq!(runs(&[0, 5], 2), Ok(2));
    // Ending before the last card, past it, or going back: cards left out or counted twice.
    assert_eq!(runs(&[2, 4], 3), Err(GroupError::Lengths("card_ends, card_epoch")));
    assert_eq!(runs(&[2, 6], 3), Err(GroupError::Lengths("card_ends, card_epoch")));
    assert_eq!(runs(&[3, 2, 5], 3), Err(GroupError::Lengths("card_ends, card_epoch")));
    assert_eq!(runs(&[], 3), Err(GroupError::Lengths("card_ends, card_epoch")));
    // More runs than groups: the first card of the group not below them.
    assert_eq!(runs(&[1, 2, 5], 2), Err(GroupError::Group { what: "card", row: 2, group: 2, groups: 2 }));
}
