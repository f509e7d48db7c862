//! The allocation loop (SPEC §3): the days with cards and their prices, and the state that
//! takes orders one by one in processing order, paying the oldest unpaid cards.

use std::collections::BTreeMap;

use super::counting::TABLES;
use super::processing::Work;
use super::{AllocationError, AllocationTable, CardCounts, Entered, Outcome, Portion, QuarterAllocation};
use crate::calendar::{date_of_day_number, day_number, CalendarError, DayNumber, Quarter};
use crate::money::Amount;
use crate::pricing::{PriceSchedule, PricingError};

/// Cards signed on one Rome civil day.
#[derive(Clone, Copy, Debug)]
struct Day {
    number: DayNumber,
    /// Index of the quarter among the quarters with cards ([`Days::quarters`]); 32 bits (the
    /// calendar has far fewer quarters) keep a day at 40 bytes.
    slot: u32,
    price: Price,
    signed: u64,
    unpaid: u64,
}

/// A price in cents with its reciprocal for division by multiplication (Lemire, Kaser &
/// Kurz, "Faster remainder by direct computation", 2019): for every 32-bit `n` and price
/// `d > 1`, `n / d == (n * M) >> 64` with `M = u64::MAX / d + 1`. The allocation divides each
/// order's budget by a day's price; a hardware division costs several times the multiplication.
#[derive(Clone, Copy, Debug)]
pub(super) struct Price {
    cents: i64,
    /// `M` when `1 < cents < 2^32`, else 0 (plain division).
    reciprocal: u64,
}

impl Price {
    pub(super) fn new(cents: i64) -> Price {
        let reciprocal = match u32::try_from(cents) {
            Ok(d) if d > 1 => u64::MAX / u64::from(d) + 1,
            _ => 0,
        };
        Price { cents, reciprocal }
    }
}

/// How many whole cards at `price` a budget buys (nothing for a budget or price that is not
/// positive). By the reciprocal when both fit in 32 bits, as for any real order.
#[inline]
pub(super) fn whole_cards(budget: i64, price: Price) -> u64 {
    match u32::try_from(budget) {
        Ok(b) if price.reciprocal != 0 => ((u128::from(b) * u128::from(price.reciprocal)) >> 64) as u64,
        _ if price.cents > 0 => (budget / price.cents).max(0) as u64,
        _ => 0,
    }
}

/// "Next day with unpaid cards at or after i": a union-find over days with path halving.
struct NextUnpaid(Vec<u32>);

impl NextUnpaid {
    fn new(n: usize, mut buffer: Vec<u32>) -> NextUnpaid {
        buffer.extend(0..=n as u32);
        NextUnpaid(buffer)
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] as usize != i {
            let parent = self.0[i] as usize;
            self.0[i] = self.0[parent];
            i = parent;
        }
        i
    }

    fn mark_paid(&mut self, i: usize) {
        self.0[i] = (i + 1) as u32;
    }
}

/// Per-quarter accumulators of the allocation loop, one slot per quarter with cards.
#[derive(Clone, Copy, Default)]
struct Slot {
    paid: u64,
    amount: Amount,
    credit: Amount,
    entered: bool,
}

impl Slot {
    /// Cards of the quarter paid at `cost`.
    fn pay(&mut self, cards: u64, cost: Amount) {
        self.paid += cards;
        self.amount = self.amount.saturating_add(cost);
        self.entered = true;
    }
}

/// Adds cards paid in `quarter` to the portions of the order whose portions start at
/// `first`: to its last portion when that is of the same quarter, else as a new one.
fn add_portion(portions: &mut Vec<Portion>, first: usize, quarter: Quarter, cards: u64, amount: Amount) {
    let own_last = portions.len() > first;
    match portions.last_mut() {
        Some(p) if own_last && p.quarter == quarter => {
            p.cards += cards;
            p.amount = p.amount.saturating_add(amount);
        }
        _ => portions.push(Portion { quarter, cards, amount }),
    }
}

/// The allocation's working memory, kept from one allocation to the next by a caller that
/// makes many (the national job: one per municipality), so that each costs no allocation of
/// its own for the days, the quarters and the union-find.
#[derive(Default)]
pub(crate) struct AllocationBuffers {
    days: Vec<Day>,
    quarters: Vec<Quarter>,
    first_at: Vec<usize>,
    next: Vec<u32>,
    slots: Vec<Slot>,
    sums: Vec<QuarterAllocation>,
    /// The segments looked up ([`Segment`]), in the schedule at `segments_of` (its address:
    /// the buffers serve one schedule at a time; another empties them).
    segments: Vec<Segment>,
    segments_of: usize,
}

/// A buffer of [`AllocationBuffers`] taken for use, emptied (its capacity kept).
fn emptied<T>(buffer: &mut Vec<T>) -> Vec<T> {
    let mut taken = std::mem::take(buffer);
    taken.clear();
    taken
}

/// Days of one quarter and one price read from a counting table (zeroed as it is read) into
/// `days` from position `n`, each day's first-day entry written; the new length. Every day is
/// written and the length advanced past a day with cards only: no branch to mispredict on a
/// small municipality's days, with and without cards at random.
#[inline(never)]
fn fill_days(
    table: &mut [u32],
    first_at: &mut [usize],
    days: &mut [Day],
    n: usize,
    first: DayNumber,
    slot: usize,
    price: Option<Price>,
) -> usize {
    let price = price.unwrap_or(Price::new(0));
    let span = first_at.len().min(table.len() / TABLES);
    // Every day of the table is written at `n` (at most one position further per day): the
    // list has room for them all, as `Days::from_table` makes it.
    // infallible: `Days::from_table` sizes the list to the whole table and passes `n` no
    // greater than the piece's first day (so `n + span` is within it); nothing is read else.
    let Some(days) = days.get_mut(n..n + span) else { return n };
    let mut m = 0;
    for k in 0..span {
        let lanes = &mut table[k * TABLES..(k + 1) * TABLES];
        let count: u64 = lanes.iter().map(|&c| u64::from(c)).sum();
        lanes.fill(0);
        first_at[k] = n + m;
        days[m.min(span - 1)] =
            Day { number: first + k as DayNumber, slot: slot as u32, price, signed: count, unpaid: count };
        m += usize::from(count > 0);
    }
    n + m
}

/// The days of one quarter and one price: what a day list looks up where the quarter or the
/// price changes (a day's date, its quarter, the price in force), kept for the next day list
/// (the national job's municipalities, one after the other, share their year's few).
#[derive(Clone, Copy, Debug)]
struct Segment {
    /// Its first and last day number.
    from: i64,
    last: i64,
    quarter: Quarter,
    /// The quarter's last day number.
    quarter_until: i64,
    price: Price,
    /// The day number the next price starts (`MAX`: none).
    price_until: i64,
}

impl Segment {
    /// The segment of `day`, looked up in `schedule` and kept in `kept` (up to a few dozen).
    fn of(day: DayNumber, schedule: &PriceSchedule, kept: &mut Vec<Segment>) -> Result<Segment, AllocationError> {
        let refused = AllocationError::Card { index: 0, source: CalendarError::MomentFormat };
        let date = date_of_day_number(day).ok_or(refused)?;
        let quarter = Quarter::of_date(date).map_err(|source| AllocationError::Card { index: 0, source })?;
        let (p, next) = schedule.price_and_next_change(date)?;
        let quarter_until = i64::from(day_number(quarter.last_day()));
        let price_until = next.map_or(i64::MAX, |n| i64::from(day_number(n)));
        let from = day_number(quarter.first_day()).max(day_number(p.valid_from));
        let segment = Segment {
            from: i64::from(from),
            last: quarter_until.min(price_until - 1),
            quarter,
            quarter_until,
            price: Price::new(p.unit.cents()),
            price_until,
        };
        if kept.len() < 64 {
            kept.push(segment);
        }
        Ok(segment)
    }
}

/// The days with cards, and how to find them.
pub(super) struct Days {
    /// The days with cards: the first `len` entries (a list read from a counting table keeps
    /// the entries beyond, so that the next table's days are written over them rather than
    /// initialised first).
    list: Vec<Day>,
    len: usize,
    /// The distinct quarters of the days, in order (`Day::slot` indexes it).
    quarters: Vec<Quarter>,
    /// Day number of the first day.
    span_start: DayNumber,
    /// Calendar days from the first day with cards to the last.
    span: usize,
    /// For each calendar day of the span, the index of the first day with cards at or after
    /// it; empty when the span is absurd (more than 2^18 days) or large for the input.
    first_at: Vec<usize>,
}

impl Days {
    pub(super) fn new(
        counts: &CardCounts,
        orders: usize,
        schedule: &PriceSchedule,
        buffers: &mut AllocationBuffers,
    ) -> Result<Days, AllocationError> {
        let mut days = emptied(&mut buffers.days);
        days.reserve(counts.days().len());
        let mut quarters = emptied(&mut buffers.quarters);
        // Days come in order: the quarter and the price are looked up (and the day's date
        // computed) only when a day leaves the previous one's quarter or price; every other
        // day is compared by its number alone.
        // The last day of the current quarter, and the day the current price ends (MIN: none
        // looked up yet; MAX: the last price of the schedule).
        let (mut quarter_until, mut price_until) = (i64::MIN, i64::MIN);
        let mut price = Price::new(0);
        let key = std::ptr::from_ref(schedule) as usize;
        if buffers.segments_of != key {
            buffers.segments.clear();
            buffers.segments_of = key;
        }
        for &(day, count) in counts.days() {
            let number = i64::from(day);
            if number > quarter_until || number >= price_until {
                let segment = buffers.segments.iter().find(|s| s.from <= number && number <= s.last).copied();
                let segment = match segment {
                    Some(segment) => segment,
                    None => Segment::of(day, schedule, &mut buffers.segments)?,
                };
                if number > quarter_until {
                    // Days come in order: a day past the quarter's end opens the next quarter.
                    quarter_until = segment.quarter_until;
                    quarters.push(segment.quarter);
                }
                if number >= price_until {
                    price = segment.price;
                    price_until = segment.price_until;
                }
            }
            days.push(Day { number: day, slot: (quarters.len() - 1) as u32, price, signed: count, unpaid: count });
        }
        let span_start = days.first().map_or(0, |d| d.number);
        let span = days.last().map_or(0, |d| (i64::from(d.number) - i64::from(span_start)) as usize + 1);
        let mut first_at = emptied(&mut buffers.first_at);
        // O(span) to build: only when the orders are enough to repay it.
        if span <= (1 << 18).min(4 * (days.len() + orders)) {
            first_at.resize(span, 0);
            let mut from = 0;
            for (i, d) in days.iter().enumerate() {
                let to = (d.number - span_start) as usize + 1;
                first_at[from..to].fill(i);
                from = to;
            }
        }
        Ok(Days { len: days.len(), list: days, quarters, span_start, span, first_at })
    }

    /// The day list straight from (a part of) a day index's counting table whose first day is
    /// `first` (every counter read once, left zeroed): what [`Days::new`] makes of
    /// [`DayIndex::days`](super::counting::DayIndex::days), without the list of counts in between. The first-day table covers
    /// the table's days. The range is cut where the quarter or the price changes; each piece is
    /// then read by a loop with nothing to look up.
    pub(super) fn from_table(
        first: DayNumber,
        table: &mut [u32],
        schedule: &PriceSchedule,
        buffers: &mut AllocationBuffers,
    ) -> Result<Days, AllocationError> {
        let span = table.len() / TABLES;
        // Room for every day of the table; what the last allocation left in the list is
        // written over (only the days beyond it are initialised).
        let mut days = std::mem::take(&mut buffers.days);
        if days.len() < span {
            days.resize(span, Day { number: 0, slot: 0, price: Price::new(0), signed: 0, unpaid: 0 });
        }
        let mut quarters = emptied(&mut buffers.quarters);
        // Every entry is written below.
        let mut first_at = std::mem::take(&mut buffers.first_at);
        first_at.resize(span, 0);
        let refused = AllocationError::Card { index: 0, source: CalendarError::MomentFormat };
        let (mut k, mut n) = (0usize, 0usize);
        while k < span {
            let day = first + k as DayNumber;
            let date = date_of_day_number(day).ok_or(refused.clone())?;
            let quarter = Quarter::of_date(date).map_err(|source| AllocationError::Card { index: 0, source })?;
            // The price in force (failing only if a card of the piece needs it) and the day the
            // next one starts.
            let (price, change) = schedule.in_force(date);
            let price = price.map(|p| Price::new(p.unit.cents()));
            let mut end = i64::from(day_number(quarter.last_day())) + 1;
            if let Some(change) = change {
                end = end.min(i64::from(day_number(change)));
            }
            let end = (end - i64::from(first)).clamp(k as i64 + 1, span as i64) as usize;
            // A quarter gets its slot with its first card.
            let slot = match quarters.last() {
                Some(&q) if q == quarter => quarters.len() - 1,
                _ => quarters.len(),
            };
            let before = n;
            n = fill_days(&mut table[k * TABLES..end * TABLES], &mut first_at[k..end], &mut days, n, day, slot, price);
            if n > before {
                if price.is_none() {
                    let date = date_of_day_number(days[before].number).ok_or(refused)?;
                    return Err(PricingError::NotDefined { date }.into());
                }
                if slot == quarters.len() {
                    quarters.push(quarter);
                }
            }
            k = end;
        }
        Ok(Days { list: days, len: n, quarters, span_start: first, span, first_at })
    }

    /// The days with cards.
    fn list(&self) -> &[Day] {
        self.list.get(..self.len).unwrap_or_default()
    }

    /// The days with cards, to pay, beside their quarters.
    fn list_mut(&mut self) -> (&mut [Day], &[Quarter]) {
        (self.list.get_mut(..self.len).unwrap_or_default(), &self.quarters)
    }

    /// Index of the first day with cards on or after `day`: one step within the span, else a
    /// search from `hint` (a declared fortnight starts at the first unpaid day or a few days
    /// on: a couple of probes instead of a binary search's chain of dependent reads).
    fn first_at_or_after(&self, day: DayNumber, hint: usize) -> usize {
        let offset = i64::from(day) - i64::from(self.span_start);
        match usize::try_from(offset) {
            Err(_) => 0,
            Ok(o) if self.first_at.is_empty() && o < self.span => partition_from(self.list(), hint, |d| d.number < day),
            Ok(o) => self.first_at.get(o).copied().unwrap_or(self.len),
        }
    }
}

/// The partition point of `list` (partitioned by `before`: the first index where it is false),
/// found by probing from `hint` at distances 1, 2, 4… and a binary search between the last two
/// probes: a few reads when the point is near the hint.
pub(super) fn partition_from<T>(list: &[T], hint: usize, before: impl Fn(&T) -> bool) -> usize {
    let mut step = 1;
    let (low, high) = if list.get(hint).is_some_and(&before) {
        // After the hint: every index below `low` is before the point.
        let (mut low, mut probe) = (hint + 1, hint + 1);
        while list.get(probe).is_some_and(&before) {
            low = probe + 1;
            probe += step;
            step *= 2;
        }
        (low, probe.min(list.len()))
    } else {
        // At the hint or before: no index from `high` on is before the point.
        let (mut low, mut high) = (0, hint.min(list.len()));
        while high > low {
            let probe = high.saturating_sub(step);
            if list.get(probe).is_some_and(&before) {
                low = probe + 1;
                break;
            }
            high = probe;
            step *= 2;
        }
        (low, high)
    };
    low + list.get(low..high).map_or(0, |part| part.partition_point(before))
}

/// The state of the allocation loop: the days' unpaid cards and the columns being written.
pub(super) struct Allocator {
    days: Days,
    next: NextUnpaid,
    /// Every day before it is paid: where orders without a period start looking.
    cursor: usize,
    /// The last period seen and where it starts and ends among the days (consecutive orders
    /// nearly always declare the same fortnight).
    period: Option<((DayNumber, DayNumber), (usize, DayNumber))>,
    slots: Vec<Slot>,
    other_credit: BTreeMap<Quarter, Amount>,
    /// Whether the per-order columns (`ends`, `credits`, `portions`) are written.
    detail: bool,
    ends: Vec<usize>,
    credits: Vec<(usize, i64)>,
    portions: Vec<Portion>,
    credit: Amount,
}

impl Allocator {
    pub(super) fn new(days: Days, orders: usize, detail: bool, buffers: &mut AllocationBuffers) -> Allocator {
        let room = if detail { orders } else { 0 };
        let mut slots = emptied(&mut buffers.slots);
        slots.resize(days.quarters.len(), Slot::default());
        Allocator {
            next: NextUnpaid::new(days.len, emptied(&mut buffers.next)),
            cursor: 0,
            period: None,
            slots,
            days,
            other_credit: BTreeMap::new(),
            detail,
            ends: Vec::with_capacity(room),
            credits: Vec::new(),
            portions: Vec::with_capacity(room + room / 16),
            credit: Amount::ZERO,
        }
    }

    /// Forgets every order allocated so far (the buffers are kept): every card unpaid again.
    pub(super) fn restart(&mut self) {
        for d in self.days.list_mut().0 {
            d.unpaid = d.signed;
        }
        self.next = NextUnpaid::new(self.days.len, emptied(&mut self.next.0));
        self.cursor = 0;
        self.period = None;
        self.slots.fill(Slot::default());
        self.other_credit.clear();
        self.ends.clear();
        self.credits.clear();
        self.portions.clear();
        self.credit = Amount::ZERO;
    }

    /// Allocates the next order in processing order: it pays the oldest unpaid cards (of its
    /// period, when it declares one) as long as its budget buys whole cards.
    pub(super) fn order(&mut self, order: Work) {
        // An order pays only cards signed on or before its own date (SPEC §3.2).
        if order.period.is_none() && self.within_one_day(order.cents, order.day) {
            return;
        }
        let first = self.portions.len();
        let mut last_slot = None;
        let (start, end_day) = match order.period {
            Some(period) => {
                let (start, end) = match self.period {
                    Some((last, bounds)) if last == period => bounds,
                    _ => {
                        let bounds = (self.days.first_at_or_after(period.0, self.cursor), period.1);
                        self.period = Some((period, bounds));
                        bounds
                    }
                };
                (start, end.min(order.day))
            }
            None => (self.cursor, order.day),
        };
        let (days, quarters) = self.days.list_mut();
        let mut budget = order.cents;
        let mut i = self.next.find(start);
        // What the order pays in the current quarter, added to the quarter's slot when the
        // quarter changes and at the end (one update per quarter, not one per day: each would
        // wait for the one before through memory).
        let (mut paid, mut cost_in_slot) = (0u64, 0i64);
        while i < days.len() && days[i].number <= end_day {
            let d = &mut days[i];
            let take = d.unpaid.min(whole_cards(budget, d.price));
            if take == 0 {
                break;
            }
            let cost = take as i64 * d.price.cents;
            d.unpaid -= take;
            budget -= cost;
            if last_slot != Some(d.slot as usize) {
                if let Some(s) = last_slot {
                    self.slots[s].pay(paid, Amount::from_cents(cost_in_slot));
                }
                (paid, cost_in_slot) = (0, 0);
                last_slot = Some(d.slot as usize);
            }
            paid += take;
            cost_in_slot += cost;
            if self.detail {
                add_portion(&mut self.portions, first, quarters[d.slot as usize], take, Amount::from_cents(cost));
            }
            if d.unpaid > 0 {
                break;
            }
            self.next.mark_paid(i);
            i = self.next.find(i + 1);
        }
        if let Some(s) = last_slot {
            self.slots[s].pay(paid, Amount::from_cents(cost_in_slot));
        }
        // `i` is the first unpaid day from `start` on (every day the loop passed is paid): the
        // cursor moves there without walking the days just paid again.
        if start == self.cursor {
            self.cursor = i;
        }
        let credit = Amount::from_cents(budget);
        if !credit.is_zero() {
            self.credit = self.credit.saturating_add(credit);
            if let Some(s) = last_slot {
                self.slots[s].credit = self.slots[s].credit.saturating_add(credit);
            } else {
                // An order that paid nothing: its credit goes to the quarter of its date, or of
                // its period's last day.
                let day = order.period.map_or(order.day, |(_, to)| to);
                if let Some(Ok(q)) = date_of_day_number(day).map(Quarter::of_date) {
                    let a = self.other_credit.entry(q).or_default();
                    *a = a.saturating_add(credit);
                }
            }
        }
        if self.detail {
            if budget != 0 {
                self.credits.push((self.ends.len(), budget));
            }
            self.ends.push(self.portions.len());
        }
    }

    /// The usual order, without a period: it buys whole cards of the first unpaid day, exactly
    /// its budget, and leaves that day with unpaid cards — one portion, no credit, the same
    /// effect as the general loop of [`Allocator::order`] in a few steps. False (and nothing
    /// done) for any other order.
    #[inline]
    fn within_one_day(&mut self, cents: i64, order_day: DayNumber) -> bool {
        let (days, quarters) = self.days.list_mut();
        let Some(d) = days.get_mut(self.cursor) else {
            return false;
        };
        if d.number > order_day {
            return false;
        }
        let take = whole_cards(cents, d.price);
        let Some(cost) = (take as i64).checked_mul(d.price.cents) else {
            return false;
        };
        if take == 0 || take >= d.unpaid || cost != cents {
            return false;
        }
        d.unpaid -= take;
        let cost = Amount::from_cents(cost);
        self.slots[d.slot as usize].pay(take, cost);
        if self.detail {
            let first = self.portions.len();
            add_portion(&mut self.portions, first, quarters[d.slot as usize], take, cost);
            self.ends.push(self.portions.len());
        }
        true
    }

    /// The per-quarter totals and the table.
    pub(super) fn finish(mut self, sequence: Option<Vec<usize>>, buffers: &mut AllocationBuffers) -> AllocationTable {
        // Each quarter's days are summed in its slot (the days of a quarter are consecutive),
        // then the quarters are keyed once each.
        let mut sums = emptied(&mut buffers.sums);
        sums.resize(self.days.quarters.len(), QuarterAllocation::default());
        let mut cards = 0u64;
        for d in self.days.list() {
            let q = &mut sums[d.slot as usize];
            q.cards_signed += d.signed;
            q.unpaid_cards += d.unpaid;
            q.debit = q.debit.saturating_add(unpaid_value(d));
            cards += d.signed;
        }
        let mut quarters: BTreeMap<Quarter, QuarterAllocation> = BTreeMap::new();
        for ((quarter, slot), q) in self.days.quarters.iter().zip(&self.slots).zip(&sums) {
            let mut q = *q;
            q.cards_paid += slot.paid;
            q.amount = q.amount.saturating_add(slot.amount);
            quarters.insert(*quarter, q);
        }
        let (ends, credits, portions) =
            (std::mem::take(&mut self.ends), std::mem::take(&mut self.credits), std::mem::take(&mut self.portions));
        let Outcome { entered, credit, debit } = self.outcome(sums, buffers);
        let entered = entered.into_iter().collect();
        AllocationTable { sequence, ends, credits, portions, entered, quarters, credit, debit, cards }
    }

    /// What [`Allocator::finish`] gives of the amounts entered, the credit and the debit,
    /// without the per-quarter table (the national job reads no more).
    pub(super) fn finish_entered(self, buffers: &mut AllocationBuffers) -> Outcome {
        let sums = emptied(&mut buffers.sums);
        self.outcome(sums, buffers)
    }

    /// The amounts entered per quarter (§4.1: what the orders paid in each quarter with their
    /// credit, and the credit of orders that paid nothing), the credit and the debit; the
    /// working memory (with `sums`) goes back to the caller's buffers for the next allocation.
    fn outcome(self, sums: Vec<QuarterAllocation>, buffers: &mut AllocationBuffers) -> Outcome {
        // Every term is at least zero: the exact total (128 bits hold any sum of 64-bit terms of
        // a list that fits in memory), saturated once, is where a sum of per-quarter sums would
        // saturate.
        // The days before the cursor are paid: only the others can have unpaid cards.
        let unpaid = self.days.list().get(self.cursor..).unwrap_or_default();
        let debit = unpaid.iter().fold(0i128, |t, d| t + i128::from(d.unpaid) * i128::from(d.price.cents));
        let debit = Amount::from_cents(i64::try_from(debit).unwrap_or(if debit < 0 { i64::MIN } else { i64::MAX }));
        // The quarters of the days come in order, as do the others (of orders that paid
        // nothing): merged, a quarter of both adding its two amounts.
        let mut entered = Entered::new();
        let mut others = self.other_credit.into_iter().peekable();
        for (&quarter, slot) in self.days.quarters.iter().zip(&self.slots).filter(|(_, s)| s.entered) {
            while let Some(other) = others.next_if(|(q, _)| *q < quarter) {
                entered.push(other);
            }
            let other = others.next_if(|(q, _)| *q == quarter).map_or(Amount::ZERO, |(_, a)| a);
            entered.push((quarter, other.saturating_add(slot.amount).saturating_add(slot.credit)));
        }
        entered.extend(others);
        *buffers = AllocationBuffers {
            days: self.days.list,
            quarters: self.days.quarters,
            first_at: self.days.first_at,
            next: self.next.0,
            slots: self.slots,
            sums,
            segments: std::mem::take(&mut buffers.segments),
            segments_of: buffers.segments_of,
        };
        Outcome { entered, credit: self.credit, debit }
    }
}

/// The value of a day's unpaid cards.
fn unpaid_value(d: &Day) -> Amount {
    Amount::from_cents(d.unpaid as i64 * d.price.cents)
}
