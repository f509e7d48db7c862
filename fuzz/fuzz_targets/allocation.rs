//! The allocation on arbitrary cards and orders: never a panic, and the money invariant holds
//! whenever it succeeds; on small inputs it equals the card-by-card reference of §3.2
//! (`allocation::reference`); the orders in columns give the same table, and cards counted in
//! parts (as the Python binding does on two threads) the same counts, table and totals. One input in eight reads the cards as raw i64 epochs (any value), one
//! in eight as i32 second offsets from 2020 (±68 years), the others as offsets of ±97 days,
//! where real data lives and runs are fast.
#![no_main]
use cie_pagamenti::allocation::reference::reference_allocate;
use cie_pagamenti::allocation::{
    allocate, allocate_columns, allocate_counted, allocate_table, allocate_totals, CardCounts,
};
use cie_pagamenti::orders::{OrderColumns, PaymentOrder};
use cie_pagamenti::{Amount, PriceSchedule};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else { return };
    let (head, tail) = data.split_at(data.len() / 2);
    let i32s = || head.chunks_exact(4).map(|c| i32::from_le_bytes(c.try_into().unwrap_or([0; 4])));
    let cards: Vec<i64> = match mode % 8 {
        0 => head.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect(),
        1 => i32s().map(|o| 1_577_836_800 + i64::from(o)).collect(),
        _ => i32s().map(|o| 1_577_836_800 + i64::from(o >> 8)).collect(),
    };
    let base = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
    let orders: Vec<PaymentOrder> = tail
        .chunks_exact(8)
        .enumerate()
        .filter_map(|(i, c)| {
            let day = u64::from(u16::from_le_bytes([c[0], c[1]])) % 3000;
            let cents = i64::from(u32::from_le_bytes([c[2], c[3], c[4], c[5]]));
            let period = (c[6] % 3 == 0)
                .then(|| (base + chrono::Days::new(day), base + chrono::Days::new(day + u64::from(c[7]))));
            PaymentOrder::new(&(i % 7).to_string(), base + chrono::Days::new(day), Amount::from_cents(cents), period)
                .ok()
        })
        .collect();
    let total: i64 = orders.iter().map(|o| o.amount.cents()).sum();
    let columns: OrderColumns = orders.iter().collect();
    let by_columns = allocate_columns(&cards, &columns, &PriceSchedule::builtin());
    assert_eq!(by_columns, allocate_table(&cards, &orders, &PriceSchedule::builtin()));
    // parts of 1 + mode / 8 cards: a refused card is reported by its index in the whole input
    let size = 1 + usize::from(mode / 8);
    let parts: Result<Vec<CardCounts>, _> =
        cards.chunks(size).enumerate().map(|(k, part)| CardCounts::of_part(part, k * size)).collect();
    let counts = parts.map(CardCounts::merge);
    assert_eq!(counts, CardCounts::of(&cards));
    if let Ok(counts) = counts {
        let table = allocate_counted(&counts, &columns, &PriceSchedule::builtin());
        assert_eq!(table, by_columns);
        let totals = allocate_totals(&counts, &columns, &PriceSchedule::builtin());
        assert_eq!(totals.ok(), table.ok().map(|t| t.totals()));
    } else {
        assert_eq!(counts.err(), by_columns.err());
    }
    // Small inputs with distinct (date, number): the card-by-card reference of §3.2 agrees.
    let mut keys: Vec<_> = orders.iter().map(|o| (o.date, o.number.clone())).collect();
    keys.sort();
    keys.dedup();
    let compare = cards.len() <= 200 && orders.len() <= 24 && keys.len() == orders.len();
    let expected = compare.then(|| reference_allocate(&cards, &orders, &PriceSchedule::builtin()));
    let result = allocate(&cards, orders, &PriceSchedule::builtin());
    if let Ok(a) = &result {
        let portions: i64 = a.orders.iter().flat_map(|o| o.portions.iter()).map(|p| p.amount.cents()).sum();
        assert_eq!(portions + a.credit.cents(), total);
    }
    if let Some(expected) = expected {
        match (&result, expected) {
            (Ok(a), Ok(r)) => {
                for (quarter, (signed, paid, amount)) in &r.quarters {
                    let q = a.quarters[quarter];
                    assert_eq!((q.cards_signed, q.cards_paid, q.amount.cents()), (*signed, *paid, *amount));
                }
                for ((number, portions, credit), o) in r.orders.iter().zip(&a.orders) {
                    assert_eq!(number, &o.order.number);
                    assert_eq!(portions.as_slice(), o.portions.as_slice());
                    assert_eq!(*credit, o.credit.cents());
                }
            }
            // Both refuse the input. Which of several bad cards is named first is not part of
            // the rule (the engine reads per day, the reference per card).
            (Err(_), Err(_)) => {}
            (a, r) => panic!("allocation {a:?} but reference {r:?}"),
        }
    }
});
