//! The portal's "Resoconto dei Trimestri" (SPEC §4): per quarter the amount, the cards it pays
//! (flagged when not exact), the CIEonline count and the state; the balance scales and the
//! discrepancy badge over transmitted quarters; the €0,70 municipal share, suspended where
//! the counts differ; and annual completeness.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::allocation::EnteredAmounts;
use crate::calendar::{Moment, Quarter};
use crate::money::Amount;
use crate::pricing::{PriceSchedule, PricingError};

mod groups;
mod statement;
pub use groups::{reconcile_groups, GroupError, GroupFinding, GroupResult, GroupSummary, GroupedInput};
pub use statement::{
    settlement, statement, statement_case, statement_json, statement_of_counts, Context, Credit, Debit, FlaggedPortion,
    Offset, Settlement, Statement, StatementError, StatementInput, OFFSET_NOTE_EN, OFFSET_NOTE_IT,
};

/// State of a quarter on the portal (§5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuarterState {
    /// "in lavorazione".
    InProgress,
    /// "in completamento".
    Completing,
    /// "in chiusura".
    Closing,
    /// "trasmesso".
    Transmitted,
}

impl QuarterState {
    /// Every state, in workflow order.
    pub const ALL: [QuarterState; 4] =
        [QuarterState::InProgress, QuarterState::Completing, QuarterState::Closing, QuarterState::Transmitted];

    /// The stable name used by the bindings and the event log: `in_progress`, `completing`,
    /// `closing`, `transmitted`.
    pub fn as_str(self) -> &'static str {
        match self {
            QuarterState::InProgress => "in_progress",
            QuarterState::Completing => "completing",
            QuarterState::Closing => "closing",
            QuarterState::Transmitted => "transmitted",
        }
    }

    /// Reads a state by its stable name.
    pub fn parse(text: &str) -> Option<QuarterState> {
        QuarterState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The portal's Italian label.
    pub fn label_it(self) -> &'static str {
        match self {
            QuarterState::InProgress => "in lavorazione",
            QuarterState::Completing => "in completamento",
            QuarterState::Closing => "in chiusura",
            QuarterState::Transmitted => "trasmesso",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            QuarterState::InProgress => "in progress",
            QuarterState::Completing => "completing",
            QuarterState::Closing => "closing",
            QuarterState::Transmitted => "transmitted",
        }
    }
}

/// When a municipality exists on the portal: from its first quarter (2020-Q1, or later for a
/// municipality created later) to its last (a suppressed municipality).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifespan {
    /// First quarter to report.
    pub first: Quarter,
    /// Last quarter to report, for a suppressed municipality.
    pub last: Option<Quarter>,
}

impl Default for Lifespan {
    fn default() -> Self {
        Lifespan { first: Quarter::PORTAL_FIRST, last: None }
    }
}

/// The balance scales over transmitted quarters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Balance {
    /// Cards from amounts equal CIEonline cards.
    Equal,
    /// The municipality paid for more cards than CIEonline counts.
    Over,
    /// The municipality paid for fewer cards than CIEonline counts.
    Under,
}

/// One row of the Resoconto.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[allow(clippy::struct_excessive_bools)] // the row's independent flags, as the portal shows them
pub struct QuarterRow {
    /// The quarter.
    pub quarter: Quarter,
    /// Sum of the orders entered for the quarter.
    pub amount: Amount,
    /// Whole cards the amount pays.
    pub cards_from_amount: u64,
    /// False when the amount is not an exact multiple (blocking).
    pub exact: bool,
    /// What a further order must add to regularise, when not exact.
    pub top_up: Option<Amount>,
    /// Cards counted by CIEonline; `None` when the count is not known ("n.d."): no
    /// discrepancy is computed and no zero quarter is proposed without it.
    pub cieonline_cards: Option<u64>,
    /// The count is provisional: the quarter contains `now` ("in tempo reale").
    pub cieonline_provisional: bool,
    /// The quarter's state, when the quarter exists on the portal.
    pub state: Option<QuarterState>,
    /// Transmitted with counts that differ: cards from amount − CIEonline cards.
    pub discrepancy: Option<i64>,
    /// Not transmitted, with a known CIEonline count that differs from the cards from amount:
    /// cards from amount − CIEonline cards. A warning to check before signing: the portal
    /// lets the quarter through, and the Ministry will suspend its share.
    pub mismatch: Option<i64>,
    /// Municipal share (€0,70 per card) due for the quarter: transmitted without discrepancy.
    pub municipal_share: Amount,
    /// True when the share is suspended by a discrepancy.
    pub share_suspended: bool,
    /// Not transmitted, ended, without orders, and with a known CIEonline count of 0: to be
    /// transmitted as a zero quarter ("senza mandati").
    pub zero_quarter: bool,
}

/// A quarter before the portal (before 2020-Q1): reported by e-mail to the mailbox of §2.5,
/// never a portal row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PrePortalRow {
    /// The quarter.
    pub quarter: Quarter,
    /// Sum of the amounts imputed to it.
    pub amount: Amount,
    /// Whole cards the amount pays.
    pub cards_from_amount: u64,
    /// Cards counted by CIEonline, when known.
    pub cieonline_cards: Option<u64>,
}

/// The Resoconto dei Trimestri.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// Rows of portal quarters (2020-Q1 on), oldest first: every quarter of the
    /// municipality's lifespan up to the last ended one, plus any other quarter with data.
    pub quarters: Vec<QuarterRow>,
    /// Quarters before the portal with data, oldest first: listed apart (§3.3).
    pub pre_portal: Vec<PrePortalRow>,
    /// Scales over transmitted quarters with a known count; `None` when none is transmitted.
    pub balance: Option<Balance>,
    /// True when a transmitted quarter has no known CIEonline count: the scales leave it out.
    pub balance_incomplete: bool,
    /// Transmitted quarters without a known CIEonline count.
    pub transmitted_without_count: Vec<Quarter>,
    /// Σ cards from amount over transmitted quarters with a known count.
    pub transmitted_cards_from_amount: u64,
    /// Σ CIEonline cards over transmitted quarters with a known count.
    pub transmitted_cieonline_cards: u64,
    /// Quarters not yet transmitted whose known count differs from the cards from amount.
    pub mismatches: usize,
    /// Transmitted quarters whose two counts differ (the badge; 0 shows nothing).
    pub discrepancies: usize,
    /// Municipal share due over transmitted quarters without discrepancy.
    pub municipal_share: Amount,
    /// Municipal share suspended by discrepancies.
    pub suspended_share: Amount,
    /// Ended quarters of the lifespan not yet transmitted, in order.
    pub missing_quarters: Vec<Quarter>,
    /// The next quarter to transmit (quarters are transmitted in sequence).
    pub next_to_transmit: Option<Quarter>,
    /// Years of the lifespan whose four quarters (within the lifespan) are all transmitted.
    pub complete_years: Vec<i32>,
}

impl QuarterRow {
    /// The row of a quarter without orders, count or state: no amount, no card, nothing to
    /// compare (what [`reconcile`] computes of such a quarter).
    fn empty(quarter: Quarter) -> QuarterRow {
        QuarterRow {
            quarter,
            amount: Amount::ZERO,
            cards_from_amount: 0,
            exact: true,
            top_up: None,
            cieonline_cards: None,
            cieonline_provisional: false,
            state: None,
            discrepancy: None,
            mismatch: None,
            municipal_share: Amount::ZERO,
            share_suspended: false,
            zero_quarter: false,
        }
    }
}

fn cards_of(schedule: &PriceSchedule, quarter: Quarter, amount: Amount) -> (u64, bool, Option<Amount>, Amount) {
    if amount.is_zero() {
        // Most quarters of a national reconciliation: no price to look up, as none pays for
        // no card (a schedule's prices are positive).
        return (0, true, None, Amount::ZERO);
    }
    let price = schedule.for_quarter(quarter);
    match price.cards_for_amount(amount) {
        Ok(n) => (n, true, None, price.municipal_share),
        Err(PricingError::NotMultiple { cards_below, top_up, .. }) => {
            (cards_below, false, Some(top_up), price.municipal_share)
        }
        Err(_) => (0, false, None, price.municipal_share),
    }
}

/// `a − b` as a signed count, saturating.
pub(crate) fn signed_difference(a: u64, b: u64) -> i64 {
    let (a, b) = (i64::try_from(a).unwrap_or(i64::MAX), i64::try_from(b).unwrap_or(i64::MAX));
    a.saturating_sub(b)
}

/// The last quarter that has ended at `now` (Rome civil time).
pub fn last_ended_quarter(now: Moment) -> Option<Quarter> {
    now.quarter().ok().and_then(Quarter::previous)
}

/// Reconciles per-quarter amounts with CIEonline counts and states (§4).
pub fn reconcile(
    amounts: &BTreeMap<Quarter, Amount>,
    cieonline: &BTreeMap<Quarter, u64>,
    states: &BTreeMap<Quarter, QuarterState>,
    lifespan: Lifespan,
    now: Moment,
    schedule: &PriceSchedule,
) -> Reconciliation {
    let amounts: Vec<(Quarter, Amount)> = amounts.iter().map(|(q, a)| (*q, *a)).collect();
    reconcile_in(&amounts, cieonline, states, lifespan, QuarterClock::at(now), schedule)
}

/// What reconciling reads of `now`: its quarter in Rome and the last ended one. Found once for
/// the many reconciliations of one moment (the national job's municipalities): each is a time
/// zone lookup.
#[derive(Clone, Copy, Debug)]
pub(crate) struct QuarterClock {
    running: Option<Quarter>,
    ended: Option<Quarter>,
}

impl QuarterClock {
    pub(crate) fn at(now: Moment) -> QuarterClock {
        let running = now.quarter().ok();
        QuarterClock { running, ended: running.and_then(Quarter::previous) }
    }
}

/// [`reconcile`] as of the moment of `clock`, of the amounts by quarter (in order, each quarter once).
pub(crate) fn reconcile_in(
    amounts: &[(Quarter, Amount)],
    cieonline: &BTreeMap<Quarter, u64>,
    states: &BTreeMap<Quarter, QuarterState>,
    lifespan: Lifespan,
    clock: QuarterClock,
    schedule: &PriceSchedule,
) -> Reconciliation {
    let first = lifespan.first.max(Quarter::PORTAL_FIRST);
    let ended = clock.ended;
    let end = match (ended, lifespan.last) {
        (Some(e), Some(l)) => Some(e.min(l)),
        (e, None) => e,
        (None, Some(_)) => None,
    };
    let keys = || amounts.iter().map(|(q, _)| q).chain(cieonline.keys()).chain(states.keys());
    let all = quarters_listed(first, end, keys);
    let running = clock.running;
    let transmitted = |q: &Quarter| states.get(q) == Some(&QuarterState::Transmitted);
    let mut rows = Vec::with_capacity(all.len());
    let mut pre_portal = Vec::new();
    let mut transmitted_without_count = Vec::new();
    let (mut sum_amount_cards, mut sum_cieonline, mut discrepancies, mut mismatches) = (0u64, 0u64, 0usize, 0usize);
    let (mut share, mut suspended) = (Amount::ZERO, Amount::ZERO);
    // The amounts come by quarter, as the quarters: read beside them.
    let mut amounts = amounts.iter().peekable();
    let mut next = 0;
    while next < all.len() {
        // The quarters before the next one with data (most of a national job's) have nothing
        // to compute: their rows are written in one go. Every quarter with data is listed, and
        // every quarter before the portal is one.
        let from = all[next];
        while amounts.next_if(|(q, _)| *q < from).is_some() {}
        let data =
            earliest(earliest(amounts.peek().map(|(q, _)| *q), first_key(cieonline, from)), first_key(states, from));
        let quiet = data.map_or(all.len(), |d| next + all[next..].partition_point(|q| *q < d));
        rows.extend(all[next..quiet].iter().map(|&q| QuarterRow::empty(q)));
        let Some(&quarter) = all.get(quiet) else { break };
        next = quiet + 1;
        let amount = amounts.next_if(|(q, _)| *q == quarter).map_or(Amount::ZERO, |(_, a)| *a);
        let (count, state) = (cieonline.get(&quarter).copied(), states.get(&quarter).copied());
        let (cards, exact, top_up, unit_share) = cards_of(schedule, quarter, amount);
        if quarter < Quarter::PORTAL_FIRST {
            pre_portal.push(PrePortalRow { quarter, amount, cards_from_amount: cards, cieonline_cards: count });
            continue;
        }
        let difference = count.filter(|&n| n != cards).map(|n| signed_difference(cards, n));
        let quarter_share = unit_share.checked_mul(cards).unwrap_or(Amount::ZERO);
        let mut row = QuarterRow {
            quarter,
            amount,
            cards_from_amount: cards,
            exact,
            top_up,
            cieonline_cards: count,
            cieonline_provisional: count.is_some() && Some(quarter) == running,
            state,
            discrepancy: None,
            mismatch: None,
            municipal_share: Amount::ZERO,
            share_suspended: false,
            zero_quarter: false,
        };
        if state == Some(QuarterState::Transmitted) {
            match count {
                None => transmitted_without_count.push(quarter),
                Some(n) => {
                    sum_amount_cards += cards;
                    sum_cieonline += n;
                    if difference.is_some() {
                        discrepancies += 1;
                        row.discrepancy = difference;
                        row.share_suspended = true;
                        suspended = suspended.saturating_add(quarter_share);
                    } else {
                        row.municipal_share = quarter_share;
                        share = share.saturating_add(quarter_share);
                    }
                }
            }
        } else {
            row.mismatch = difference;
            mismatches += usize::from(difference.is_some());
            row.zero_quarter = end.is_some_and(|e| quarter <= e) && amount.is_zero() && count == Some(0);
        }
        rows.push(row);
    }
    let any_counted = rows.iter().any(|r| r.state == Some(QuarterState::Transmitted) && r.cieonline_cards.is_some());
    let balance = any_counted.then(|| match sum_amount_cards.cmp(&sum_cieonline) {
        std::cmp::Ordering::Equal => Balance::Equal,
        std::cmp::Ordering::Greater => Balance::Over,
        std::cmp::Ordering::Less => Balance::Under,
    });
    let (missing_quarters, next_to_transmit, complete_years) = completeness(first, end, lifespan, transmitted);
    Reconciliation {
        quarters: rows,
        pre_portal,
        balance,
        balance_incomplete: !transmitted_without_count.is_empty(),
        transmitted_without_count,
        mismatches,
        transmitted_cards_from_amount: sum_amount_cards,
        transmitted_cieonline_cards: sum_cieonline,
        discrepancies,
        municipal_share: share,
        suspended_share: suspended,
        missing_quarters,
        next_to_transmit,
        complete_years,
    }
}

/// The earlier of two quarters, either of which may be missing. Compared in registers: an
/// array of the three candidates, built and read back on the stack, stalled every
/// municipality's reconciliation on its store.
fn earliest(a: Option<Quarter>, b: Option<Quarter>) -> Option<Quarter> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The first quarter of `map` from `from` on.
fn first_key<V>(map: &BTreeMap<Quarter, V>, from: Quarter) -> Option<Quarter> {
    map.range(from..).next().map(|(q, _)| *q)
}

/// The quarters of the lifespan from `first` up to the last ended one (`end`), then the others
/// with data (`keys`), in order. The data usually fall within the lifespan: no sort then.
fn quarters_listed<'k, K: Iterator<Item = &'k Quarter>>(
    first: Quarter,
    end: Option<Quarter>,
    keys: impl Fn() -> K,
) -> Vec<Quarter> {
    let mut all: Vec<Quarter> = end.map(|end| first.through(end).collect()).unwrap_or_default();
    let within = |q: &Quarter| all.first().is_some_and(|f| f <= q) && all.last().is_some_and(|l| q <= l);
    if !keys().all(within) {
        all.extend(keys());
        all.sort_unstable();
        all.dedup();
    }
    all
}

/// Annual completeness (§4): the ended quarters of the lifespan not transmitted, the next one
/// to transmit, and the years whose quarters are all transmitted.
fn completeness(
    first: Quarter,
    end: Option<Quarter>,
    lifespan: Lifespan,
    transmitted: impl Fn(&Quarter) -> bool,
) -> (Vec<Quarter>, Option<Quarter>, Vec<i32>) {
    let in_life = |q: Quarter| q >= first && lifespan.last.is_none_or(|l| q <= l);
    // Room for every quarter up to `end` (a filter's length is not known ahead): one
    // allocation rather than one per doubling.
    let mut missing_quarters: Vec<Quarter> = Vec::new();
    if let Some(end) = end {
        let quarters = first.through(end);
        missing_quarters.reserve_exact(quarters.size_hint().0);
        missing_quarters.extend(quarters.filter(|q| !transmitted(q)));
    }
    let next_to_transmit = {
        let mut q = Some(first);
        while let Some(c) = q.filter(|c| transmitted(c)) {
            q = c.next();
        }
        q.filter(|q| in_life(*q))
    };
    let complete_years = match end {
        Some(end) => (first.year()..=end.year())
            .filter(|&y| {
                (1..=4)
                    .filter_map(|n| Quarter::new(y, n).ok())
                    .filter(|q| in_life(*q))
                    .all(|q| q <= end && transmitted(&q))
            })
            .collect(),
        None => Vec::new(),
    };
    (missing_quarters, next_to_transmit, complete_years)
}

/// Reconciles an allocation: each quarter's amount is what the municipality enters for it
/// ([`crate::allocation::Allocation::entered_amounts`]: the portions, plus each order's credit in its last
/// quarter); the quarters in `transmitted` are in state Transmitted.
pub fn reconcile_allocation<A: EnteredAmounts + ?Sized>(
    allocation: &A,
    cieonline: &BTreeMap<Quarter, u64>,
    transmitted: &BTreeSet<Quarter>,
    lifespan: Lifespan,
    now: Moment,
    schedule: &PriceSchedule,
) -> Reconciliation {
    let amounts = allocation.entered();
    let states = transmitted.iter().map(|q| (*q, QuarterState::Transmitted)).collect();
    reconcile(&amounts, cieonline, &states, lifespan, now, schedule)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).unwrap()
    }

    fn now(s: &str) -> Moment {
        Moment::parse(s).unwrap()
    }

    #[test]
    fn resoconto() {
        let amounts = BTreeMap::from([
            (q("2020-Q1"), Amount::from_cents(10 * 1679)),
            (q("2020-Q3"), Amount::from_cents(5 * 1679)),
            (q("2020-Q4"), Amount::from_cents(3 * 1679 + 1)),
        ]);
        let cieonline = BTreeMap::from([(q("2020-Q1"), 10), (q("2020-Q3"), 6), (q("2020-Q4"), 3)]);
        let states = BTreeMap::from([
            (q("2020-Q1"), QuarterState::Transmitted),
            (q("2020-Q2"), QuarterState::Transmitted),
            (q("2020-Q3"), QuarterState::Transmitted),
            (q("2020-Q4"), QuarterState::InProgress),
        ]);
        let r = reconcile(
            &amounts,
            &cieonline,
            &states,
            Lifespan::default(),
            now("2021-04-02T10:00:00"),
            &PriceSchedule::builtin(),
        );
        assert_eq!(r.balance, Some(Balance::Under));
        assert_eq!(r.discrepancies, 1);
        assert_eq!(r.municipal_share, Amount::from_cents(700));
        assert_eq!(r.suspended_share, Amount::from_cents(350));
        let q4 = r.quarters.iter().find(|row| row.quarter == q("2020-Q4")).unwrap();
        assert!(!q4.exact);
        assert_eq!(q4.top_up, Some(Amount::from_cents(1678)));
        assert_eq!(r.missing_quarters, vec![q("2020-Q4"), q("2021-Q1")]);
        assert_eq!(r.next_to_transmit, Some(q("2020-Q4")));
        let q3 = r.quarters.iter().find(|row| row.quarter == q("2020-Q3")).unwrap();
        assert_eq!(q3.discrepancy, Some(-1));
        assert!(q3.share_suspended);
        // 2021-Q1 ended with no orders but its count is unknown: "n.d.", never a zero quarter.
        let q1 = r.quarters.iter().find(|row| row.quarter == q("2021-Q1")).unwrap();
        assert_eq!(q1.cieonline_cards, None);
        assert!(!q1.zero_quarter);
        // 2020-Q2 is transmitted without a count: the scales leave it out and say so.
        assert!(r.balance_incomplete);
        assert_eq!(r.transmitted_without_count, vec![q("2020-Q2")]);
        assert_eq!(r.transmitted_cieonline_cards, 16);
        assert!(r.complete_years.is_empty());
    }

    #[test]
    fn unknown_counts_are_not_zero() {
        // Sixteen ended quarters and no CIEonline file: none is a zero quarter.
        let r = reconcile(
            &BTreeMap::new(),
            &BTreeMap::new(),
            &BTreeMap::new(),
            Lifespan::default(),
            now("2024-01-15T10:00:00"),
            &PriceSchedule::builtin(),
        );
        assert_eq!(r.quarters.len(), 16);
        assert!(r.quarters.iter().all(|row| !row.zero_quarter && row.cieonline_cards.is_none()));
        // A known count of 0 makes the zero quarter.
        let counts = BTreeMap::from([(q("2020-Q1"), 0)]);
        let r = reconcile(
            &BTreeMap::new(),
            &counts,
            &BTreeMap::new(),
            Lifespan::default(),
            now("2024-01-15T10:00:00"),
            &PriceSchedule::builtin(),
        );
        assert_eq!(r.quarters.iter().filter(|row| row.zero_quarter).count(), 1);
        assert!(r.quarters[0].zero_quarter);
    }

    #[test]
    fn mismatch_before_transmission_and_provisional_count() {
        let amounts = BTreeMap::from([
            (q("2024-Q1"), Amount::from_cents(295 * 1679)),
            (q("2024-Q2"), Amount::from_cents(10 * 1679)),
        ]);
        let counts = BTreeMap::from([(q("2024-Q1"), 293), (q("2024-Q2"), 4)]);
        let r = reconcile(
            &amounts,
            &counts,
            &BTreeMap::new(),
            Lifespan { first: q("2024-Q1"), last: None },
            now("2024-05-10T10:00:00"),
            &PriceSchedule::builtin(),
        );
        assert_eq!(r.mismatches, 2);
        assert_eq!(r.quarters[0].mismatch, Some(2));
        assert_eq!(r.quarters[0].discrepancy, None, "not transmitted: a warning, not a discrepancy");
        assert!(!r.quarters[0].cieonline_provisional);
        assert!(r.quarters[1].cieonline_provisional, "2024-Q2 contains now");
        assert_eq!(r.discrepancies, 0);
    }

    #[test]
    fn pre_portal_quarters_are_listed_apart() {
        let amounts =
            BTreeMap::from([(q("2019-Q2"), Amount::from_cents(3 * 1679)), (q("2020-Q1"), Amount::from_cents(1679))]);
        let r = reconcile(
            &amounts,
            &BTreeMap::new(),
            &BTreeMap::new(),
            Lifespan::default(),
            now("2020-04-02T10:00:00"),
            &PriceSchedule::builtin(),
        );
        assert_eq!(r.quarters.iter().map(|row| row.quarter).collect::<Vec<_>>(), vec![q("2020-Q1")]);
        assert_eq!(r.pre_portal.len(), 1);
        assert_eq!(r.pre_portal[0].quarter, q("2019-Q2"));
        assert_eq!(r.pre_portal[0].cards_from_amount, 3);
    }

    #[test]
    fn state_names_match_the_serialised_form() {
        for state in QuarterState::ALL {
            assert_eq!(serde_json::to_string(&state).unwrap(), format!("\"{}\"", state.as_str()));
            assert_eq!(QuarterState::parse(state.as_str()), Some(state));
        }
        assert_eq!(QuarterState::parse("chiuso"), None);
    }

    #[test]
    fn no_transmitted_quarter_means_no_scales() {
        let r = reconcile(
            &BTreeMap::new(),
            &BTreeMap::new(),
            &BTreeMap::new(),
            Lifespan::default(),
            now("2020-01-15"),
            &PriceSchedule::builtin(),
        );
        assert_eq!(r.balance, None);
        assert_eq!(r.discrepancies, 0);
        assert!(r.missing_quarters.is_empty());
        assert_eq!(r.next_to_transmit, Some(q("2020-Q1")));
    }

    #[test]
    fn lifespan_of_new_and_suppressed_municipalities() {
        let all: BTreeMap<Quarter, QuarterState> =
            q("2022-Q3").through(q("2023-Q2")).map(|x| (x, QuarterState::Transmitted)).collect();
        let created_later = Lifespan { first: q("2022-Q3"), last: None };
        let r = reconcile(
            &BTreeMap::new(),
            &BTreeMap::new(),
            &all,
            created_later,
            now("2023-07-01T00:00:00"),
            &PriceSchedule::builtin(),
        );
        assert!(r.missing_quarters.is_empty());
        assert_eq!(r.next_to_transmit, Some(q("2023-Q3")));
        assert_eq!(r.complete_years, vec![2022], "2022 counts from its first quarter");
        assert_eq!(r.balance, None, "no transmitted quarter has a known count");
        assert!(r.balance_incomplete);
        let suppressed = Lifespan { first: q("2022-Q3"), last: Some(q("2023-Q1")) };
        let r = reconcile(
            &BTreeMap::new(),
            &BTreeMap::new(),
            &all,
            suppressed,
            now("2025-01-01T00:00:00"),
            &PriceSchedule::builtin(),
        );
        assert!(r.missing_quarters.is_empty());
        assert_eq!(r.next_to_transmit, None);
        assert_eq!(r.complete_years, vec![2022, 2023]);
    }

    proptest::proptest! {
        /// A quarter without data is the row of a quarter whose orders sum to zero: its row is
        /// not computed (most of a national job's are), and must be what computing it gives.
        #[test]
        fn a_quarter_without_data_is_a_zero_amount_quarter(
            amounts in proptest::collection::btree_map(0usize..28, 0i64..4 * 1679, 0..6),
            counts in proptest::collection::btree_map(0usize..28, 0u64..4, 0..6),
            states in proptest::collection::btree_map(0usize..28, 0usize..4, 0..6),
            first in 0usize..8,
            now_index in 0usize..28,
        ) {
            let quarter = |i: usize| Quarter::from_index(Quarter::PORTAL_FIRST.index() + i).unwrap();
            let all_states = [QuarterState::InProgress, QuarterState::Completing, QuarterState::Closing, QuarterState::Transmitted];
            let amounts: BTreeMap<Quarter, Amount> = amounts.into_iter().map(|(i, c)| (quarter(i), Amount::from_cents(c))).collect();
            let counts: BTreeMap<Quarter, u64> = counts.into_iter().map(|(i, n)| (quarter(i), n)).collect();
            let states: BTreeMap<Quarter, QuarterState> = states.into_iter().map(|(i, s)| (quarter(i), all_states[s])).collect();
            let lifespan = Lifespan { first: quarter(first), last: None };
            let now = Moment::from_rome_local(quarter(now_index).first_day().and_hms_opt(12, 0, 0).unwrap());
            let schedule = PriceSchedule::builtin();
            let plain = reconcile(&amounts, &counts, &states, lifespan, now, &schedule);
            // Every other quarter of the rows given an amount of zero.
            let mut zeros = amounts.clone();
            for row in &plain.quarters {
                zeros.entry(row.quarter).or_insert(Amount::ZERO);
            }
            let zeroed = reconcile(&zeros, &counts, &states, lifespan, now, &schedule);
            proptest::prop_assert_eq!(plain, zeroed);
        }
    }
}
