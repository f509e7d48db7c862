//! The rule of SPEC §3.2, card by card: the readable reference the fast allocation is checked
//! against (property tests here, the fuzz target `allocation`). O(cards × orders): for small
//! inputs only, never for real work.
//!
//! Cards are paid oldest-signed first; orders are taken by date, then number (numerically when
//! both are all digits, else as text); an order pays only unpaid cards signed on or before its
//! own date (Rome civil day) and, when it declares a period, within that period; each card costs
//! its price on its signing day; the order stops at the first card it cannot afford.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{AllocationError, Portion};
use crate::calendar::{Moment, Quarter};
use crate::money::Amount;
use crate::orders::PaymentOrder;
use crate::pricing::PriceSchedule;

/// What the reference computes: per quarter (cards signed, cards paid, amount in cents), and per
/// order in processing order (number, portions, credit in cents).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferenceAllocation {
    /// Per quarter: (signed, paid, amount in cents).
    pub quarters: BTreeMap<Quarter, (u64, u64, i64)>,
    /// Per order, in processing order: (number, portions, credit in cents).
    pub orders: Vec<(String, Vec<Portion>, i64)>,
}

/// The processing order of §3.2, by parsing numbers (the fast allocation compares digits).
pub fn reference_compare(a: &PaymentOrder, b: &PaymentOrder) -> Ordering {
    let key = |number: &str| {
        let digits = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
        match (digits, number.parse::<u128>()) {
            (true, Ok(n)) => (false, n),
            _ => (true, 0),
        }
    };
    (a.date, key(&a.number)).cmp(&(b.date, key(&b.number))).then_with(|| a.number.cmp(&b.number))
}

/// Allocates card by card.
pub fn reference_allocate(
    cards: &[i64],
    orders: &[PaymentOrder],
    schedule: &PriceSchedule,
) -> Result<ReferenceAllocation, AllocationError> {
    struct Card {
        at: i64,
        date: NaiveDate,
        quarter: Quarter,
        price: i64,
        paid: bool,
    }
    // Every card's calendar first (the first bad card in input order), then the prices: a card
    // outside the calendar is reported before a card signed when no price was defined.
    let mut dated = Vec::with_capacity(cards.len());
    for (index, &at) in cards.iter().enumerate() {
        let date = Moment::from_epoch(at).rome_date().map_err(|source| AllocationError::Card { index, source })?;
        let quarter = Quarter::of_date(date).map_err(|source| AllocationError::Card { index, source })?;
        dated.push((at, date, quarter));
    }
    let mut sorted = Vec::with_capacity(cards.len());
    for (at, date, quarter) in dated {
        let price = schedule.price_on(date)?.unit.cents();
        sorted.push(Card { at, date, quarter, price, paid: false });
    }
    sorted.sort_by_key(|c| c.at);
    let mut orders = orders.to_vec();
    orders.sort_by(reference_compare);
    let mut out = ReferenceAllocation::default();
    for o in &orders {
        let mut budget = o.amount.cents();
        let mut portions: Vec<Portion> = Vec::new();
        for card in &mut sorted {
            let outside = o.period.is_some_and(|(from, to)| card.date < from || card.date > to);
            if card.paid || outside || card.date > o.date {
                continue;
            }
            if budget < card.price {
                break;
            }
            card.paid = true;
            budget -= card.price;
            match portions.last_mut() {
                Some(p) if p.quarter == card.quarter => {
                    p.cards += 1;
                    p.amount = Amount::from_cents(p.amount.cents() + card.price);
                }
                _ => portions.push(Portion { quarter: card.quarter, cards: 1, amount: Amount::from_cents(card.price) }),
            }
        }
        out.orders.push((o.number.clone(), portions, budget));
    }
    for c in &sorted {
        let e = out.quarters.entry(c.quarter).or_insert((0, 0, 0));
        e.0 += 1;
        e.1 += u64::from(c.paid);
    }
    for (_, portions, _) in &out.orders {
        for p in portions {
            out.quarters.entry(p.quarter).or_insert((0, 0, 0)).2 += p.amount.cents();
        }
    }
    Ok(out)
}
