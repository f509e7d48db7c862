//! The municipality's statement: allocation (§3), Resoconto (§4) and the settlement list of
//! §3.2–3.3 — credits, debits, the possible offsets "da concordare con il Supporto Tecnico",
//! portions that fall into quarters before the portal or already transmitted. One call, one
//! JSON shape, the same in every binding ([`statement_json`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{reconcile, Lifespan, QuarterState, Reconciliation};
use crate::allocation::{allocate_counts, Allocation, AllocationError, CardCounts};
use crate::calendar::{parse_iso_date, pre2020_mailbox, CalendarError, Moment, Quarter};
use crate::error::{CieError, ErrorCode, FieldValue, Lang};
use crate::money::{Amount, AmountError};
use crate::orders::{declared_period, OrderError, OrderId, PaymentOrder};
use crate::pricing::PriceSchedule;

/// The note that goes with every offset: the circular sends them to Support, never settled
/// silently.
pub const OFFSET_NOTE_IT: &str = "da concordare con il Supporto Tecnico";
/// English form of [`OFFSET_NOTE_IT`].
pub const OFFSET_NOTE_EN: &str = "to be agreed with Technical Support";

/// Money of an order that buys no whole eligible card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Credit {
    /// The order (financial year and number).
    pub order: OrderId,
    /// The quarter where the credit is entered with the order.
    pub quarter: Option<Quarter>,
    /// The credit.
    pub amount: Amount,
}

/// Cards of a quarter never paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Debit {
    /// The quarter of the cards.
    pub quarter: Quarter,
    /// Cards not paid.
    pub cards: u64,
    /// Their value.
    pub amount: Amount,
    /// The quarter is before the portal (reported by e-mail).
    pub pre_portal: bool,
}

/// A credit that precedes a debit: a possible offset, to be agreed with Support.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Offset {
    /// The order holding the credit.
    pub order: OrderId,
    /// The quarter of the credit.
    pub credit_quarter: Quarter,
    /// The quarter of the debit.
    pub debit_quarter: Quarter,
    /// The amount that could be offset.
    pub amount: Amount,
    /// "da concordare con il Supporto Tecnico".
    pub note_it: &'static str,
    /// "to be agreed with Technical Support".
    pub note_en: &'static str,
}

/// A portion of an order into a quarter that needs attention: before the portal, or already
/// transmitted when the order was issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FlaggedPortion {
    /// The order.
    pub order: OrderId,
    /// The quarter.
    pub quarter: Quarter,
    /// Cards paid in it.
    pub cards: u64,
    /// Amount imputed to it.
    pub amount: Amount,
}

/// What the reconciliation lists for the municipality to settle: never settled silently.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Settlement {
    /// Credits, in processing order of their orders.
    pub credits: Vec<Credit>,
    /// Debits, oldest quarter first.
    pub debits: Vec<Debit>,
    /// Possible offsets of a credit against a later (or same-quarter) debit, oldest first.
    pub offsets: Vec<Offset>,
    /// Portions into quarters before 2020-Q1: reported by e-mail to `pre_portal_mailbox`.
    pub pre_portal: Vec<FlaggedPortion>,
    /// Portions into a quarter transmitted before the order's date: the municipality cannot
    /// enter them without Support reopening the quarter.
    pub needs_support: Vec<FlaggedPortion>,
}

/// Allocation, Resoconto and settlement together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The allocation of the orders to the quarters of the cards they pay.
    pub allocation: Allocation,
    /// The Resoconto dei Trimestri.
    pub reconciliation: Reconciliation,
    /// Credits, debits, offsets and flagged portions.
    pub settlement: Settlement,
    /// The mailbox for the pre-portal quarters, when there are some and the municipality is
    /// named.
    pub pre_portal_mailbox: Option<&'static str>,
}

/// What a statement is computed from, besides cards and orders.
#[derive(Clone, Debug, Default)]
pub struct Context<'a> {
    /// CIEonline counts of the quarters where they are known.
    pub cieonline: BTreeMap<Quarter, u64>,
    /// Known quarter states.
    pub states: BTreeMap<Quarter, QuarterState>,
    /// Day of transmission of transmitted quarters, where known: an order dated later cannot be
    /// in that quarter, so a portion of it there needs Support.
    pub transmitted_on: BTreeMap<Quarter, NaiveDate>,
    /// The municipality's lifespan on the portal.
    pub lifespan: Lifespan,
    /// The municipality's name (for the pre-portal mailbox).
    pub municipality: Option<&'a str>,
}

/// Credits, debits, offsets and flagged portions of an allocation.
pub fn settlement(allocation: &Allocation, transmitted_on: &BTreeMap<Quarter, NaiveDate>) -> Settlement {
    let mut out = Settlement::default();
    for o in &allocation.orders {
        let order = o.order.identity();
        if !o.credit.is_zero() {
            out.credits.push(Credit { order: order.clone(), quarter: o.credit_quarter(), amount: o.credit });
        }
        for p in &o.portions {
            let flagged =
                || FlaggedPortion { order: order.clone(), quarter: p.quarter, cards: p.cards, amount: p.amount };
            if p.quarter < Quarter::PORTAL_FIRST {
                out.pre_portal.push(flagged());
            } else if transmitted_on.get(&p.quarter).is_some_and(|day| o.order.date > *day) {
                out.needs_support.push(flagged());
            }
        }
    }
    out.debits = allocation
        .quarters
        .iter()
        .filter(|(_, q)| q.unpaid_cards > 0)
        .map(|(quarter, q)| Debit {
            quarter: *quarter,
            cards: q.unpaid_cards,
            amount: q.debit,
            pre_portal: *quarter < Quarter::PORTAL_FIRST,
        })
        .collect();
    // Credits in the order of their quarters (stable: processing order within a quarter).
    let mut credits: Vec<(Quarter, &OrderId, Amount)> =
        out.credits.iter().filter_map(|c| c.quarter.map(|q| (q, &c.order, c.amount))).collect();
    credits.sort_by_key(|(q, _, _)| *q);
    let mut offsets = Vec::new();
    for debit in &out.debits {
        let mut left = debit.amount;
        for (quarter, order, credit) in credits.iter_mut().filter(|(q, _, _)| *q <= debit.quarter) {
            if left.is_zero() {
                break;
            }
            let amount = (*credit).min(left);
            if amount.is_zero() {
                continue;
            }
            *credit = credit.saturating_sub(amount);
            left = left.saturating_sub(amount);
            offsets.push(Offset {
                order: (*order).clone(),
                credit_quarter: *quarter,
                debit_quarter: debit.quarter,
                amount,
                note_it: OFFSET_NOTE_IT,
                note_en: OFFSET_NOTE_EN,
            });
        }
    }
    out.offsets = offsets;
    out
}

/// Allocates, reconciles and lists what to settle. `cards` are signing moments as UTC epoch
/// seconds.
pub fn statement(
    cards: &[i64],
    orders: Vec<PaymentOrder>,
    context: &Context<'_>,
    now: Moment,
    schedule: &PriceSchedule,
) -> Result<Statement, AllocationError> {
    statement_of_counts(&CardCounts::of(cards)?, orders, context, now, schedule)
}

/// [`statement`] of cards counted beforehand ([`CardCounts`], e.g. the tally of a card file read
/// as a stream). Same rules and results.
pub fn statement_of_counts(
    cards: &CardCounts,
    orders: Vec<PaymentOrder>,
    context: &Context<'_>,
    now: Moment,
    schedule: &PriceSchedule,
) -> Result<Statement, AllocationError> {
    let allocation = allocate_counts(cards, orders, schedule)?;
    let reconciliation =
        reconcile(&allocation.entered_amounts(), &context.cieonline, &context.states, context.lifespan, now, schedule);
    let settlement = settlement(&allocation, &context.transmitted_on);
    let any_pre_portal = !reconciliation.pre_portal.is_empty()
        || !settlement.pre_portal.is_empty()
        || settlement.debits.iter().any(|d| d.pre_portal);
    let pre_portal_mailbox =
        context.municipality.filter(|_| any_pre_portal).and_then(|name| pre2020_mailbox(name).ok());
    Ok(Statement { allocation, reconciliation, settlement, pre_portal_mailbox })
}

/// Why a statement's JSON input cannot be used.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum StatementError {
    /// Not the documented JSON shape.
    #[error("{0}")]
    Input(String),
    /// A field with a bad value: the field's error, with where it is.
    #[error("{field}: {message}")]
    Field {
        /// Where: `now`, `cards[3]`, `orders[0].date`, `cieonline.2024-Q1`, ….
        field: String,
        /// The field's error code.
        code: ErrorCode,
        /// Its details, Italian and English.
        detail: Option<(String, String)>,
        /// Its structured fields.
        fields: Vec<(&'static str, FieldValue)>,
        /// Its English message.
        message: String,
    },
    /// The allocation could not be computed.
    #[error(transparent)]
    Allocation(#[from] AllocationError),
}

impl CieError for StatementError {
    fn code(&self) -> ErrorCode {
        match self {
            StatementError::Input(_) => ErrorCode::InputFormat,
            StatementError::Field { code, .. } => *code,
            StatementError::Allocation(e) => e.code(),
        }
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        match self {
            StatementError::Input(text) => Some(text.clone()),
            StatementError::Field { field, detail, .. } => Some(match detail {
                Some((it, en)) => format!("{field}: {}", lang.pick(it, en)),
                None => field.clone(),
            }),
            StatementError::Allocation(e) => e.detail(lang),
        }
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        match self {
            StatementError::Input(_) => Vec::new(),
            StatementError::Field { field, fields, .. } => {
                let mut f = fields.clone();
                f.push(("field", FieldValue::Text(field.clone())));
                f
            }
            StatementError::Allocation(e) => e.fields(),
        }
    }
}

/// An order as the JSON input writes it: amounts in machine text, dates ISO.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderInput {
    number: String,
    date: String,
    amount: String,
    #[serde(default)]
    period_from: Option<String>,
    #[serde(default)]
    period_to: Option<String>,
}

/// The input of [`statement_json`] and [`statement_case`], as plain data (see
/// [`statement_json`] for its shape).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementInput {
    now: String,
    #[serde(default)]
    municipality: Option<String>,
    #[serde(default)]
    cards: Vec<String>,
    #[serde(default)]
    orders: Vec<OrderInput>,
    #[serde(default)]
    cieonline: BTreeMap<String, u64>,
    #[serde(default)]
    states: BTreeMap<String, String>,
    #[serde(default)]
    transmitted_on: BTreeMap<String, String>,
    #[serde(default)]
    first_quarter: Option<String>,
    #[serde(default)]
    last_quarter: Option<String>,
}

fn at<E: CieError>(field: impl FnOnce() -> String) -> impl FnOnce(E) -> StatementError {
    move |e| StatementError::Field {
        field: field(),
        code: e.code(),
        detail: e.detail(Lang::It).zip(e.detail(Lang::En)),
        fields: e.fields(),
        message: e.message(Lang::En),
    }
}

fn quarter(text: &str, what: &str) -> Result<Quarter, StatementError> {
    Quarter::parse(text).map_err(at::<CalendarError>(|| format!("{what}.{text}")))
}

fn order(i: usize, o: &OrderInput) -> Result<PaymentOrder, StatementError> {
    let day =
        |text: &str, name: &str| parse_iso_date(text).map_err(at::<CalendarError>(|| format!("orders[{i}].{name}")));
    let date = day(&o.date, "date")?;
    let amount = Amount::parse_machine(&o.amount).map_err(at::<AmountError>(|| format!("orders[{i}].amount")))?;
    let from = o.period_from.as_deref().map(|t| day(t, "period_from")).transpose()?;
    let to = o.period_to.as_deref().map(|t| day(t, "period_to")).transpose()?;
    let period = declared_period(from, to).map_err(at::<OrderError>(|| format!("orders[{i}].period")))?;
    PaymentOrder::new(&o.number, date, amount, period).map_err(at::<OrderError>(|| format!("orders[{i}]")))
}

/// The statement of a JSON input, as JSON: the entry point every binding shares.
///
/// Input: `{"now": ISO moment, "municipality"?: text, "cards": [moment text…], "orders":
/// [{"number", "date" (ISO), "amount" (machine text "302.22"), "period_from"?, "period_to"?}],
/// "cieonline"?: {"2024-Q1": 18}, "states"?: {"2024-Q1": "transmitted"}, "transmitted_on"?:
/// {"2024-Q1": "2024-04-20"}, "first_quarter"?, "last_quarter"?}`. Output: [`Statement`].
pub fn statement_json(input: &str) -> Result<String, StatementError> {
    let input: StatementInput = serde_json::from_str(input).map_err(|e| StatementError::Input(e.to_string()))?;
    let result = statement_case(&input, &PriceSchedule::builtin())?;
    serde_json::to_string(&result).map_err(|e| StatementError::Input(e.to_string()))
}

/// [`statement_json`] on an input already read (a binding's own data, no JSON text), with a
/// price schedule.
pub fn statement_case(input: &StatementInput, schedule: &PriceSchedule) -> Result<Statement, StatementError> {
    let now = Moment::parse(&input.now).map_err(at::<CalendarError>(|| "now".to_owned()))?;
    let cards = input
        .cards
        .iter()
        .enumerate()
        .map(|(i, c)| Moment::parse(c).map(Moment::epoch).map_err(at::<CalendarError>(|| format!("cards[{i}]"))))
        .collect::<Result<Vec<_>, _>>()?;
    let orders = input.orders.iter().enumerate().map(|(i, o)| order(i, o)).collect::<Result<Vec<_>, _>>()?;
    let mut context = Context { municipality: input.municipality.as_deref(), ..Context::default() };
    for (q, n) in &input.cieonline {
        context.cieonline.insert(quarter(q, "cieonline")?, *n);
    }
    for (q, s) in &input.states {
        let state =
            QuarterState::parse(s).ok_or_else(|| StatementError::Input(format!("states.{q}: unknown state {s:?}")))?;
        context.states.insert(quarter(q, "states")?, state);
    }
    for (q, d) in &input.transmitted_on {
        let day = parse_iso_date(d).map_err(at::<CalendarError>(|| format!("transmitted_on.{q}")))?;
        context.transmitted_on.insert(quarter(q, "transmitted_on")?, day);
    }
    if let Some(first) = &input.first_quarter {
        context.lifespan.first = quarter(first, "first_quarter")?;
    }
    if let Some(last) = &input.last_quarter {
        context.lifespan.last = Some(quarter(last, "last_quarter")?);
    }
    Ok(statement(&cards, orders, &context, now, schedule)?)
}
