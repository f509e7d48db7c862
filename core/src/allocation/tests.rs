use super::*;
use crate::calendar::Moment;
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

/// Per quarter (signed, paid, amount) and per order (number, portions, credit).
type Reference = (BTreeMap<Quarter, (u64, u64, i64)>, Vec<(String, Vec<Portion>, i64)>);

/// The rule, card by card: O(cards × orders), for comparison on small inputs.
fn reference(cards: &[i64], orders: &[PaymentOrder]) -> Reference {
    let mut sorted: Vec<(i64, NaiveDate, Quarter, bool)> = cards
        .iter()
        .map(|&t| {
            let date = Moment::from_epoch(t).rome_date().unwrap();
            (t, date, Quarter::of_date(date).unwrap(), false)
        })
        .collect();
    sorted.sort_by_key(|c| c.0);
    let mut orders = orders.to_vec();
    orders.sort_by(compare_orders);
    let mut out = Vec::new();
    for o in &orders {
        let mut budget = o.amount.cents();
        let mut portions: Vec<Portion> = Vec::new();
        for card in &mut sorted {
            if card.3 || o.period.is_some_and(|(from, to)| card.1 < from || card.1 > to) {
                continue;
            }
            if budget < 1679 {
                break;
            }
            card.3 = true;
            budget -= 1679;
            match portions.last_mut() {
                Some(p) if p.quarter == card.2 => {
                    p.cards += 1;
                    p.amount = Amount::from_cents(p.amount.cents() + 1679);
                }
                _ => portions.push(Portion { quarter: card.2, cards: 1, amount: Amount::from_cents(1679) }),
            }
        }
        out.push((o.number.clone(), portions, budget));
    }
    let mut per_quarter = BTreeMap::new();
    for c in &sorted {
        let e = per_quarter.entry(c.2).or_insert((0, 0, 0));
        e.0 += 1;
        if c.3 {
            e.1 += 1;
        }
    }
    for (_, portions, _) in &out {
        for p in portions {
            per_quarter.entry(p.quarter).or_insert((0, 0, 0)).2 += p.amount.cents();
        }
    }
    (per_quarter, out)
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn invariants_and_reference((cards, orders) in inputs(), seed in any::<u64>()) {
        let a = allocate(&cards, orders.clone(), &PriceSchedule::builtin()).unwrap();
        // Σ paid + unpaid = signed, per quarter.
        for qa in a.quarters.values() {
            prop_assert_eq!(qa.cards_paid + qa.unpaid_cards, qa.cards_signed);
            prop_assert_eq!(qa.debit.cents(), qa.unpaid_cards as i64 * 1679);
        }
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
}
