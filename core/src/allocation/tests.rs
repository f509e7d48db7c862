use super::processing::{compare_orders, in_processing_order, numeric_digits, small_value};
use super::reference::reference_compare;
use super::*;
use crate::calendar::Moment;
use chrono::NaiveDate;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(y: i32, m: u32, day: u32, h: u32) -> i64 {
    Moment::from_rome_local(d(y, m, day).and_hms_opt(h, 0, 0).unwrap()).epoch()
}

fn order(number: &str, date: NaiveDate, cents: i64, period: Option<(NaiveDate, NaiveDate)>) -> PaymentOrder {
    PaymentOrder::new(number, date, Amount::from_cents(cents), period).unwrap()
}

fn q(s: &str) -> Quarter {
    Quarter::parse(s).unwrap()
}

#[test]
fn circular_example_order_of_april_pays_march_cards() {
    let cards: Vec<i64> = (16..=31).map(|day| at(2024, 3, day, 10)).collect();
    let orders = vec![order("7", d(2024, 4, 10), 16 * 1679, Some((d(2024, 3, 16), d(2024, 3, 31))))];
    let a = allocate(&cards, orders, &PriceSchedule::builtin()).unwrap();
    let o = a.order("7").unwrap();
    assert_eq!(
        o.portions.as_slice(),
        [Portion { quarter: q("2024-Q1"), cards: 16, amount: Amount::from_cents(16 * 1679) }]
    );
    assert!(!o.split);
    assert_eq!(a.quarters[&q("2024-Q1")].cards_paid, 16);
    assert!(!a.quarters.contains_key(&q("2024-Q2")));
    assert_eq!((a.credit, a.debit), (Amount::ZERO, Amount::ZERO));
}

#[test]
fn order_spanning_quarters_is_split_in_exact_multiples() {
    // Cards of 25 March – 5 April 2024, two a day.
    let mut cards = Vec::new();
    for day in 25..=31 {
        cards.extend([at(2024, 3, day, 9), at(2024, 3, day, 15)]);
    }
    for day in 1..=5 {
        cards.extend([at(2024, 4, day, 9), at(2024, 4, day, 15)]);
    }
    let orders = vec![order("31", d(2024, 4, 15), 24 * 1679, Some((d(2024, 3, 25), d(2024, 4, 5))))];
    let a = allocate(&cards, orders, &PriceSchedule::builtin()).unwrap();
    let o = a.order("31").unwrap();
    assert!(o.split);
    assert_eq!(
        o.portions.as_slice(),
        [
            Portion { quarter: q("2024-Q1"), cards: 14, amount: Amount::from_cents(14 * 1679) },
            Portion { quarter: q("2024-Q2"), cards: 10, amount: Amount::from_cents(10 * 1679) },
        ]
    );
    for p in &o.portions {
        assert_eq!(p.amount.cents() % 1679, 0);
    }
}

#[test]
fn rome_midnight_decides_the_quarter() {
    // 2024-03-31T23:30Z is 1 April in Rome: the card belongs to Q2.
    let cards = vec![
        Moment::parse("2024-03-31T23:30:00Z").unwrap().epoch(),
        Moment::parse("2024-03-31T21:59:59Z").unwrap().epoch(),
    ];
    let a = allocate(&cards, vec![], &PriceSchedule::builtin()).unwrap();
    assert_eq!(a.quarters[&q("2024-Q1")].cards_signed, 1);
    assert_eq!(a.quarters[&q("2024-Q2")].cards_signed, 1);
    assert_eq!(a.debit, Amount::from_cents(2 * 1679));
}

#[test]
fn credit_and_debit() {
    let cards: Vec<i64> = (1..=5).map(|day| at(2023, 7, day, 11)).collect();
    let orders = vec![
        order("1", d(2023, 7, 15), 2 * 1679 + 50, None),
        order("2", d(2023, 7, 31), 1679, Some((d(2023, 7, 16), d(2023, 7, 31)))),
    ];
    let a = allocate(&cards, orders, &PriceSchedule::builtin()).unwrap();
    assert_eq!(a.order("1").unwrap().credit, Amount::from_cents(50));
    // Order 2 declares a period with no cards: all of it is credit.
    assert_eq!(a.order("2").unwrap().credit, Amount::from_cents(1679));
    assert!(a.order("2").unwrap().portions.is_empty());
    let q3 = a.quarters[&q("2023-Q3")];
    assert_eq!((q3.cards_signed, q3.cards_paid, q3.unpaid_cards), (5, 2, 3));
    assert_eq!(q3.debit, Amount::from_cents(3 * 1679));
    assert_eq!(a.credit, Amount::from_cents(1729));
}

#[test]
fn orders_are_taken_by_date_then_number() {
    let cards: Vec<i64> = vec![at(2022, 1, 3, 9), at(2022, 5, 3, 9)];
    // Same date: 9 before 10 (numerically), so 9 pays the January card.
    let orders = vec![order("10", d(2022, 6, 1), 1679, None), order("9", d(2022, 6, 1), 1679, None)];
    let a = allocate(&cards, orders, &PriceSchedule::builtin()).unwrap();
    assert_eq!(a.orders[0].order.number, "9");
    assert_eq!(a.order("9").unwrap().portions[0].quarter, q("2022-Q1"));
    assert_eq!(a.order("10").unwrap().portions[0].quarter, q("2022-Q2"));
    let orders = vec![order("A-2", d(2022, 6, 1), 1679, None), order("2", d(2022, 6, 1), 1679, None)];
    let a = allocate(&cards, orders, &PriceSchedule::builtin()).unwrap();
    assert_eq!(a.orders[0].order.number, "2");
}

#[test]
fn refusals() {
    // Numbering restarts every year: two orders "1" are two payments.
    let orders = vec![order("1", d(2023, 6, 1), 1679, None), order("1", d(2024, 6, 2), 1679, None)];
    let a = allocate(&[at(2023, 5, 2, 9), at(2024, 5, 2, 9)], orders, &PriceSchedule::builtin()).unwrap();
    assert_eq!(a.orders.len(), 2);
    assert_eq!(a.orders[1].portions[0].quarter, q("2024-Q2"));
    let e = allocate(&[at(2016, 1, 1, 9)], vec![], &PriceSchedule::builtin()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::PriceNotDefined);
    let e = allocate(&[i64::MAX], vec![], &PriceSchedule::builtin()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::MomentFormat);
}

type Reference = (BTreeMap<Quarter, (u64, u64, i64)>, Vec<(String, Vec<Portion>, i64)>);

/// The card-by-card reference with the built-in schedule, as (per quarter, per order).
fn reference(cards: &[i64], orders: &[PaymentOrder]) -> Reference {
    let r = super::reference::reference_allocate(cards, orders, &PriceSchedule::builtin()).unwrap();
    (r.quarters, r.orders)
}

fn inputs() -> impl Strategy<Value = (Vec<i64>, Vec<PaymentOrder>)> {
    let start = at(2020, 1, 1, 0);
    let cards = prop::collection::vec(start..start + 2 * 365 * 86_400, 0..120);
    let orders = prop::collection::vec((0i64..730, 1i64..12 * 1679, any::<Option<(i64, i64)>>()), 0..25);
    (cards, orders).prop_map(|(cards, raw)| {
        let orders = raw
            .into_iter()
            .enumerate()
            .map(|(i, (day, cents, period))| {
                let base = d(2020, 1, 1);
                let date = base + chrono::Days::new(day as u64);
                let period = period.map(|(a, b)| {
                    let (a, b) = ((a.rem_euclid(730)) as u64, (b.rem_euclid(730)) as u64);
                    (base + chrono::Days::new(a.min(b)), base + chrono::Days::new(a.max(b)))
                });
                order(&format!("{}", (i * 7919) % 101 + i * 1000), date, cents, period)
            })
            .collect();
        (cards, orders)
    })
}

/// Dense input: up to 400 cards over 12 days (several per day) and orders that are mostly
/// exact multiples of the price, so that most orders take part of a day's cards (the loop's
/// shortcut), with some remainders and periods.
fn dense_inputs() -> impl Strategy<Value = (Vec<i64>, Vec<PaymentOrder>)> {
    let start = at(2024, 3, 25, 0);
    let cards = prop::collection::vec(start..start + 12 * 86_400, 0..400);
    let orders = prop::collection::vec(
        (0u64..14, 1i64..8, prop::bool::weighted(0.1), prop::option::weighted(0.15, (0u64..12, 0u64..12))),
        0..60,
    );
    (cards, orders).prop_map(|(cards, raw)| {
        let base = d(2024, 3, 25);
        let orders = raw
            .into_iter()
            .enumerate()
            .map(|(i, (day, k, remainder, period))| {
                let period =
                    period.map(|(a, b)| (base + chrono::Days::new(a.min(b)), base + chrono::Days::new(a.max(b))));
                let cents = k * 1679 + if remainder { 500 } else { 0 };
                order(&i.to_string(), base + chrono::Days::new(day), cents, period)
            })
            .collect();
        (cards, orders)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn invariants_and_reference((cards, orders) in inputs(), seed in any::<u64>()) {
        check_against_reference(&cards, &orders, seed)?;
    }

    #[test]
    fn invariants_and_reference_dense((cards, orders) in dense_inputs(), seed in any::<u64>()) {
        check_against_reference(&cards, &orders, seed)?;
    }
}

/// The allocation's invariants, its independence of input order, and the card-by-card
/// reference.
fn check_against_reference(cards: &[i64], orders: &[PaymentOrder], seed: u64) -> Result<(), TestCaseError> {
    let (cards, orders) = (cards.to_vec(), orders.to_vec());
    {
        let a = allocate(&cards, orders.clone(), &PriceSchedule::builtin()).unwrap();
        // Σ paid + unpaid = signed, per quarter.
        for qa in a.quarters.values() {
            prop_assert_eq!(qa.cards_paid + qa.unpaid_cards, qa.cards_signed);
            prop_assert_eq!(qa.debit.cents(), qa.unpaid_cards as i64 * 1679);
        }
        // The debit is the quarters' debits together.
        prop_assert_eq!(a.debit.cents(), a.quarters.values().map(|q| q.debit.cents()).sum::<i64>());
        // Σ portions + credit = Σ orders; portions are exact multiples.
        let total: i64 = orders.iter().map(|o| o.amount.cents()).sum();
        let portions: i64 = a.orders.iter().flat_map(|o| &o.portions).map(|p| p.amount.cents()).sum();
        prop_assert_eq!(portions + a.credit.cents(), total);
        for o in &a.orders {
            for p in &o.portions {
                prop_assert_eq!(p.amount.cents(), p.cards as i64 * 1679);
            }
            prop_assert!(o.credit.cents() >= 0);
        }
        // Independent of input order.
        let mut rng = seed;
        let mut shuffled_cards = cards.clone();
        let mut shuffled_orders = orders.clone();
        for i in (1..shuffled_cards.len()).rev() {
            rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            shuffled_cards.swap(i, (rng >> 33) as usize % (i + 1));
        }
        shuffled_orders.reverse();
        let b = allocate(&shuffled_cards, shuffled_orders, &PriceSchedule::builtin()).unwrap();
        prop_assert_eq!(&a, &b);
        // Equal to the card-by-card reference.
        let (per_quarter, per_order) = reference(&cards, &orders);
        for (quarter, (signed, paid, amount)) in per_quarter {
            let qa = a.quarters[&quarter];
            prop_assert_eq!((qa.cards_signed, qa.cards_paid, qa.amount.cents()), (signed, paid, amount));
        }
        for ((number, portions, credit), o) in per_order.iter().zip(&a.orders) {
            prop_assert_eq!(number, &o.order.number);
            prop_assert_eq!(portions.as_slice(), o.portions.as_slice());
            prop_assert_eq!(*credit, o.credit.cents());
        }
    }
    Ok(())
}

/// Order numbers that exercise every branch of the comparison: leading zeros, text, empty-ish
/// digit runs, and numbers around `u128::MAX` (39 digits) and beyond.
fn numbers() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,6}",
        "0{0,3}[0-9]{1,3}",
        "[0-9A-Za-z/-]{1,5}",
        "[0-9]{18,21}",
        Just("340282366920938463463374607431768211455".to_string()),
        Just("340282366920938463463374607431768211456".to_string()),
        Just("0340282366920938463463374607431768211455".to_string()),
        "[1-3][0-9]{38,40}",
    ]
}

/// The entered amounts the long way: each order's parts, summed.
fn entered_by_parts(a: &Allocation) -> BTreeMap<Quarter, Amount> {
    let mut amounts: BTreeMap<Quarter, Amount> = BTreeMap::new();
    for (q, amount) in a.orders.iter().flat_map(OrderAllocation::entered_parts) {
        let e = amounts.entry(q).or_default();
        *e = e.saturating_add(amount);
    }
    amounts
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn number_order_equals_the_parsing_reference(a in numbers(), b in numbers(), c in numbers()) {
        let date = d(2024, 1, 1);
        let o = |n: &str| PaymentOrder { number: n.to_string(), date, amount: Amount::from_cents(1), period: None };
        let (oa, ob, oc) = (o(&a), o(&b), o(&c));
        prop_assert_eq!(compare_orders(&oa, &ob), reference_compare(&oa, &ob));
        prop_assert_eq!(compare_orders(&ob, &oa), reference_compare(&ob, &oa));
        // The one-pass check agrees with the comparison.
        prop_assert_eq!(in_processing_order(&[oa.clone(), ob.clone()]), compare_orders(&oa, &ob).is_le());
        // Transitive, as the sort needs.
        if compare_orders(&oa, &ob).is_le() && compare_orders(&ob, &oc).is_le() {
            prop_assert!(compare_orders(&oa, &oc).is_le());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn table_and_records_agree((cards, mut orders) in inputs(), numbers in prop::collection::vec(numbers(), 25)) {
        // Numbers that repeat and mix digits and text, so that sorting is exercised.
        for (o, n) in orders.iter_mut().zip(&numbers) {
            o.number = n.clone();
        }
        let table = allocate_table(&cards, &orders, &PriceSchedule::builtin()).unwrap();
        let a = allocate(&cards, orders.clone(), &PriceSchedule::builtin()).unwrap();
        prop_assert_eq!(table.len(), a.orders.len());
        for (position, record) in a.orders.iter().enumerate() {
            let index = table.order_index(position).unwrap();
            prop_assert_eq!(&orders[index], &record.order);
            prop_assert_eq!(table.portions(position), record.portions.as_slice());
            prop_assert_eq!(table.credit_of(position), record.credit);
        }
        prop_assert_eq!(table.order_index(table.len()), None);
        prop_assert!(table.portions(table.len()).is_empty());
        // Processing order: date, then number; equal orders keep their input order.
        for w in a.orders.windows(2) {
            prop_assert!(compare_orders(&w[0].order, &w[1].order).is_le());
        }
        // Entered amounts: computed in the loop, computed from records, and the long way.
        let by_parts = entered_by_parts(&a);
        prop_assert_eq!(table.entered_amounts(), &by_parts);
        prop_assert_eq!(a.entered_amounts(), by_parts);
        prop_assert_eq!((table.credit, table.debit, table.cards), (a.credit, a.debit, a.cards));
        prop_assert_eq!(&table.quarters, &a.quarters);
        // The same orders in columns: the same table, and the same records back.
        let columns: OrderColumns = orders.iter().collect();
        prop_assert_eq!(columns.to_orders(), orders.clone());
        let by_columns = allocate_columns(&cards, &columns, &PriceSchedule::builtin()).unwrap();
        prop_assert_eq!(&by_columns, &table);
        // Cards counted in parts, as on several threads: the same counts, table and totals.
        let counts = CardCounts::of(&cards).unwrap();
        let parts = CardCounts::merge(cards.chunks(7).enumerate().map(|(k, c)| CardCounts::of_part(c, 7 * k).unwrap()));
        prop_assert_eq!(&parts, &counts);
        prop_assert_eq!(counts.cards(), cards.len() as u64);
        prop_assert_eq!(&allocate_counted(&parts, &columns, &PriceSchedule::builtin()).unwrap(), &table);
        let totals = allocate_totals(&parts, &columns, &PriceSchedule::builtin()).unwrap();
        prop_assert_eq!(&totals, &table.totals());
        prop_assert_eq!(totals.orders, orders.len());
        // What the national job reads: the same entered amounts, credit and debit.
        let range = columns.range(0..columns.len());
        let entered = allocate_entered_in(Cards::Counts(&parts), range, &PriceSchedule::builtin(), &mut AllocationBuffers::default()).unwrap();
        let by_quarter = totals.entered.iter().map(|(q, a)| (*q, *a)).collect();
        prop_assert_eq!(entered, Outcome { entered: by_quarter, credit: totals.credit, debit: totals.debit });
        prop_assert_eq!(by_columns.into_allocation(columns.to_orders()), a);
    }
}

#[test]
fn orders_already_in_processing_order_are_not_reordered() {
    let orders = vec![
        order("2", d(2022, 6, 1), 1679, None),
        order("10", d(2022, 6, 1), 1679, None),
        order("A", d(2022, 6, 1), 1679, None),
        order("1", d(2022, 6, 2), 1679, None),
    ];
    assert!(in_processing_order(&orders));
    let table = allocate_table(&[], &orders, &PriceSchedule::builtin()).unwrap();
    assert_eq!((0..4).map(|p| table.order_index(p).unwrap()).collect::<Vec<_>>(), [0, 1, 2, 3]);
    assert!(table.sequence.is_none());
    let swapped = vec![orders[1].clone(), orders[0].clone()];
    assert!(!in_processing_order(&swapped));
    let work = processing_order(swapped.as_slice());
    assert_eq!(work.iter().map(|w| w.index).collect::<Vec<_>>(), [1, 0]);
    let table = allocate_table(&[], &swapped, &PriceSchedule::builtin()).unwrap();
    assert_eq!((table.order_index(0), table.order_index(1)), (Some(1), Some(0)));
    assert!(table.sequence.is_some());
    assert_eq!(table.credit_of(0), Amount::from_cents(1679));
    // A credit with no portion is entered in the quarter of the order's date.
    assert_eq!(table.entered_amounts()[&q("2022-Q2")], Amount::from_cents(2 * 1679));
}

#[test]
fn the_first_card_outside_the_calendar_is_reported() {
    let good = at(2024, 5, 2, 9);
    for cards in [vec![good, good + 10, i64::MAX, good - 10], vec![good, good + 1, i64::MAX]] {
        let e = allocate_table(&cards, &[], &PriceSchedule::builtin()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MomentFormat);
        assert_eq!(e.fields(), vec![("index", FieldValue::Int(2))]);
    }
}

#[test]
fn an_order_pays_only_cards_signed_by_its_date() {
    // Issue 15: an order dated 10/03/2024 paid cards signed in April; a 2024 order paid a card
    // of 2030 (and a 2030-Q4 row appeared).
    let cards = vec![at(2024, 3, 5, 9), at(2024, 4, 2, 9), at(2024, 4, 3, 9), at(2030, 11, 5, 9)];
    let orders = vec![order("1", d(2024, 3, 10), 3 * 1679, None), order("2", d(2024, 12, 30), 3 * 1679, None)];
    let a = allocate(&cards, orders.clone(), &PriceSchedule::builtin()).unwrap();
    let first = a.order("1").unwrap();
    assert_eq!(
        first.portions.as_slice(),
        [Portion { quarter: q("2024-Q1"), cards: 1, amount: Amount::from_cents(1679) }]
    );
    assert_eq!(first.credit, Amount::from_cents(2 * 1679));
    let second = a.order("2").unwrap();
    assert_eq!(
        second.portions.as_slice(),
        [Portion { quarter: q("2024-Q2"), cards: 2, amount: Amount::from_cents(2 * 1679) }]
    );
    assert_eq!(second.credit, Amount::from_cents(1679));
    assert_eq!(a.quarters[&q("2030-Q4")].cards_paid, 0);
    assert_eq!(a.quarters[&q("2030-Q4")].amount, Amount::ZERO);
    // A declared period reaching past the order's date is cut at the date, and the shortcut
    // for exact multiples within one day respects it too.
    let period = Some((d(2024, 3, 1), d(2024, 4, 30)));
    let a = allocate(&cards, vec![order("3", d(2024, 4, 2), 3 * 1679, period)], &PriceSchedule::builtin()).unwrap();
    assert_eq!(a.order("3").unwrap().portions.iter().map(|p| p.cards).sum::<u64>(), 2);
    let same_day = vec![at(2024, 4, 2, 9), at(2024, 4, 2, 10)];
    let a = allocate(&same_day, vec![order("4", d(2024, 4, 1), 1679, None)], &PriceSchedule::builtin()).unwrap();
    assert!(a.order("4").unwrap().portions.is_empty());
}

#[test]
fn cards_centuries_apart_use_the_binary_search() {
    // A span of more than 2^18 days: no per-day index, the period start is binary-searched.
    let cards = vec![at(2800, 5, 2, 9), at(2020, 5, 2, 9), at(2020, 5, 3, 9)];
    let orders = vec![
        order("1", d(2020, 6, 1), 1679, Some((d(2020, 5, 3), d(2020, 5, 31)))),
        order("2", d(2800, 6, 2), 2 * 1679, Some((d(2800, 5, 1), d(2800, 5, 2)))),
        order("3", d(2900, 6, 3), 1679, Some((d(2900, 1, 1), d(2900, 1, 2)))),
    ];
    let table = allocate_table(&cards, &orders, &PriceSchedule::builtin()).unwrap();
    assert_eq!(table.portions(0), [Portion { quarter: q("2020-Q2"), cards: 1, amount: Amount::from_cents(1679) }]);
    assert_eq!(table.portions(1)[0].quarter, q("2800-Q2"));
    assert_eq!(table.credit_of(1), Amount::from_cents(1679));
    assert!(table.portions(2).is_empty());
    assert_eq!(table.quarters[&q("2020-Q2")].unpaid_cards, 1);
}

#[test]
fn an_order_out_of_place_at_the_end_starts_over() {
    let cards: Vec<i64> = (1..=20).map(|day| at(2023, 3, day, 10)).collect();
    let sorted: Vec<PaymentOrder> =
        (1..=8).map(|n| order(&n.to_string(), d(2023, 4, 1 + n as u32 / 3), 3 * 1679 + n, None)).collect();
    let mut late = sorted.clone();
    late.swap(6, 7);
    let a = allocate_table(&cards, &sorted, &PriceSchedule::builtin()).unwrap();
    let b = allocate_table(&cards, &late, &PriceSchedule::builtin()).unwrap();
    assert!(a.sequence.is_none());
    assert_eq!(b.order_index(6), Some(7));
    for p in 0..8 {
        assert_eq!((a.portions(p), a.credit_of(p)), (b.portions(p), b.credit_of(p)));
    }
    assert_eq!((&a.quarters, a.entered_amounts()), (&b.quarters, b.entered_amounts()));
}

#[test]
fn a_negative_amount_buys_nothing() {
    // The fields are public: an order built without `PaymentOrder::new` may be negative.
    let mut o = order("1", d(2024, 4, 2), 1679, None);
    o.amount = Amount::from_cents(-5 * 1679);
    let table = allocate_table(&[at(2024, 4, 1, 9)], &[o], &PriceSchedule::builtin()).unwrap();
    assert!(table.portions(0).is_empty());
    assert_eq!(table.quarters[&q("2024-Q2")].unpaid_cards, 1);
    let p = Price::new;
    assert_eq!((whole_cards(10 * 1679, p(1679)), whole_cards(-1, p(1679)), whole_cards(5, p(0))), (10, 0, 0));
    assert_eq!(whole_cards(i64::MAX, p(1679)), (i64::MAX / 1679) as u64);
    assert_eq!(
        (whole_cards(7, p(1)), whole_cards(7, p(-3)), whole_cards(i64::from(u32::MAX), p(1))),
        (7, 0, u64::from(u32::MAX))
    );
    assert_eq!(whole_cards(i64::from(u32::MAX), p(i64::from(u32::MAX))), 1);
    assert_eq!(whole_cards(i64::from(u32::MAX) - 1, p(i64::from(u32::MAX))), 0);
    assert_eq!(whole_cards(5, p(i64::from(u32::MAX) + 1)), 0);
}

#[test]
fn orders_years_apart_are_sorted_by_comparison() {
    // Dates spanning more than 2 × orders + 1024 days: no counting sort.
    let orders = vec![
        order("2", d(2030, 1, 1), 1679, None),
        order("1", d(2020, 1, 1), 1679, None),
        order("10", d(2030, 1, 1), 1679, None),
        order("9", d(2030, 1, 1), 1679, None),
    ];
    let work = processing_order(orders.as_slice());
    assert_eq!(work.iter().map(|w| w.index).collect::<Vec<_>>(), [1, 0, 3, 2]);
}

/// The definition of `small_value`: the digits of `numeric_digits`, when at most 19.
fn reference_small_value(number: &str) -> u64 {
    match numeric_digits(number) {
        Some(digits) if digits.len() <= 19 => digits.iter().fold(0u64, |v, &d| v * 10 + u64::from(d - b'0')),
        _ => u64::MAX,
    }
}

proptest! {
    #[test]
    fn small_value_in_one_pass(number in "[0-9]{0,45}|0{0,25}[1-9][0-9]{17,20}|\\PC{0,9}|[0-9/:;?@ ~]{1,9}|[0-9]{8}") {
        prop_assert_eq!(small_value(&number), reference_small_value(&number));
    }
}

#[test]
fn small_value_rejects_every_non_digit_byte_at_every_position() {
    for len in 1..=9 {
        for position in 0..len {
            for byte in 0u8..=127 {
                let mut number = vec![b'7'; len];
                number[position] = byte;
                let number = String::from_utf8(number).unwrap();
                assert_eq!(small_value(&number), reference_small_value(&number), "{number:?}");
            }
        }
    }
    assert_eq!(small_value("12345678"), 12_345_678);
    assert_eq!(small_value("99999999"), 99_999_999);
    assert_eq!(small_value("00000001"), 1);
}

#[test]
fn small_values_at_the_edges() {
    assert_eq!(small_value("9999999999999999999"), 9_999_999_999_999_999_999);
    assert_eq!(small_value("00009999999999999999999"), 9_999_999_999_999_999_999);
    assert_eq!(small_value("10000000000000000000"), u64::MAX);
    assert_eq!(small_value(""), u64::MAX);
    assert_eq!(small_value("000"), 0);
    assert_eq!(small_value("12a"), u64::MAX);
    assert_eq!(small_value("١٢"), u64::MAX);
}

proptest! {
    /// Division by the reciprocal is exact for every 32-bit budget and price.
    #[test]
    fn whole_cards_by_reciprocal_is_division(budget in any::<u32>(), price in 1u32..) {
        prop_assert_eq!(whole_cards(i64::from(budget), Price::new(i64::from(price))), u64::from(budget / price));
    }

    #[test]
    fn whole_cards_small_prices(budget in any::<u32>(), price in 1u32..5000) {
        prop_assert_eq!(whole_cards(i64::from(budget), Price::new(i64::from(price))), u64::from(budget / price));
    }
}

proptest! {
    /// The search from a hint finds the partition point of a binary search, wherever the hint.
    #[test]
    fn partition_from_any_hint_is_the_partition_point(
        mut list in proptest::collection::vec(0i32..60, 0..80),
        target in -1i32..62,
        hint in 0usize..100,
    ) {
        list.sort_unstable();
        let found = super::allocator::partition_from(&list, hint, |&x| x < target);
        prop_assert_eq!(found, list.partition_point(|&x| x < target));
    }
}

#[test]
fn whole_cards_at_every_boundary_of_the_real_prices() {
    for cents in [1679i64, 1_680, 2_200, 2] {
        let price = Price::new(cents);
        let top = i64::from(u32::MAX) / cents;
        let step = usize::try_from((top / 50_000).max(1)).unwrap();
        for k in (0..=top).step_by(step).chain([top]) {
            for budget in [k * cents - 1, k * cents, k * cents + 1, k * cents + cents - 1] {
                if (0..=i64::from(u32::MAX)).contains(&budget) {
                    assert_eq!(whole_cards(budget, price), (budget / cents) as u64, "{budget} / {cents}");
                }
            }
        }
    }
}

/// Found by the fuzz target `allocation`: with a card signed before any price and a later card
/// outside the calendar, the engine reports the calendar error first; the reference now checks
/// every card's calendar before any price, as the engine does.
#[test]
fn calendar_errors_come_before_price_errors() {
    let cards = [1_451_606_400, i64::MAX];
    let engine = allocate(&cards, Vec::new(), &PriceSchedule::builtin()).unwrap_err();
    let reference = super::reference::reference_allocate(&cards, &[], &PriceSchedule::builtin()).unwrap_err();
    assert_eq!(engine.code(), ErrorCode::MomentFormat);
    assert_eq!(reference, engine);
}

/// A schedule whose price changes on the given days after 2020-01-01 (the built-in price
/// before the first), each change a different unit price.
fn changing_schedule(changes: &[(u64, i64)]) -> PriceSchedule {
    let mut entries = vec![crate::pricing::BUILTIN_PRICE];
    for &(day, unit) in changes {
        let valid_from = d(2020, 1, 1) + chrono::Days::new(day);
        if entries.iter().all(|p| p.valid_from != valid_from) {
            let unit = Amount::from_cents(unit);
            entries.push(crate::pricing::Price {
                valid_from,
                unit,
                net: unit,
                vat: Amount::ZERO,
                ..crate::pricing::BUILTIN_PRICE
            });
        }
    }
    for p in &mut entries {
        p.municipal_share = Amount::ZERO;
        p.ministry_share = Amount::ZERO;
    }
    PriceSchedule::new(entries).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Each card at its signing day's price, when the price changes within the input (the
    /// days' prices are looked up again only where the schedule changes): as the card-by-card
    /// reference.
    #[test]
    fn prices_that_change_as_the_reference(
        (cards, orders) in inputs(),
        changes in prop::collection::vec((0u64..730, 1000i64..2500), 0..4),
    ) {
        let schedule = changing_schedule(&changes);
        let a = allocate(&cards, orders.clone(), &schedule).unwrap();
        let r = super::reference::reference_allocate(&cards, &orders, &schedule).unwrap();
        for (quarter, (signed, paid, amount)) in r.quarters {
            let qa = a.quarters[&quarter];
            prop_assert_eq!((qa.cards_signed, qa.cards_paid, qa.amount.cents()), (signed, paid, amount));
        }
        for ((number, portions, credit), o) in r.orders.iter().zip(&a.orders) {
            prop_assert_eq!(number, &o.order.number);
            prop_assert_eq!(portions.as_slice(), o.portions.as_slice());
            prop_assert_eq!(*credit, o.credit.cents());
        }
    }
}

proptest! {
    /// Working memory kept from one allocation to the next (the national job's) gives what
    /// fresh memory gives, whatever the schedules: the quarters and prices it keeps are those
    /// of the schedule they were looked up in.
    #[test]
    fn buffers_kept_between_allocations_and_schedules(
        days in proptest::collection::vec((0u64..900, 1u64..5), 1..30),
        changes in proptest::collection::vec((0u64..900, 1000i64..2500), 0..3),
        orders in proptest::collection::vec((0u64..900, 1i64..6), 0..8),
        sequence in proptest::collection::vec(any::<bool>(), 1..5),
    ) {
        let start = 18_262; // 2020-01-01
        let counts: Vec<(crate::calendar::DayNumber, u64)> =
            days.iter().map(|&(d, n)| ((start + d) as crate::calendar::DayNumber, n)).collect::<BTreeMap<_, _>>().into_iter().collect();
        let counts = CardCounts::from_sorted_days(counts);
        let columns: OrderColumns = orders
            .iter()
            .enumerate()
            .map(|(i, &(day, cards))| order(&(i + 1).to_string(), d(2020, 1, 1) + chrono::Days::new(day), cards * 1679, None))
            .collect::<Vec<_>>()
            .iter()
            .collect();
        let schedules = [PriceSchedule::builtin(), changing_schedule(&changes)];
        let mut kept = AllocationBuffers::default();
        for &which in &sequence {
            let schedule = &schedules[usize::from(which)];
            let range = columns.range(0..columns.len());
            let fresh = allocate_entered_in(Cards::Counts(&counts), range, schedule, &mut AllocationBuffers::default());
            let reused = allocate_entered_in(Cards::Counts(&counts), range, schedule, &mut kept);
            prop_assert_eq!(reused, fresh);
        }
    }
}
