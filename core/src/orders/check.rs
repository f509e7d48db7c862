//! The order check (SPEC §5 "Order check"): one rule set for forms, imports and the CLI. It
//! checks an order as entered against `today` and the price and returns every finding with its
//! code, not just the first, together with what a form shows beside the order: the cards paid,
//! the top-up of a non-multiple, the quarter(s) its declared period falls in, the due date missed.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{declared_period, normalize_number, OrderError, PaymentOrder};
use crate::calendar::{format_date, parse_date, Quarter};
use crate::error::{CieError, ErrorCode, FieldValue, Lang};
use crate::money::Amount;
use crate::pricing::{PriceSchedule, PricingError};

/// How much a finding weighs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The order cannot be entered as it is (or, for `AMOUNT_NOT_MULTIPLE`, the quarter cannot
    /// be transmitted until a top-up).
    Error,
    /// Shown, never blocking (a late payment).
    Warning,
}

/// The field of the order a finding concerns (for `aria-describedby` and row reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderField {
    /// The order number.
    Number,
    /// The order date.
    Date,
    /// The amount.
    Amount,
    /// The declared period (from / to).
    Period,
    /// The payment description (§1.6).
    Causale,
}

/// One finding of the order check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderFinding {
    /// The stable code.
    pub code: ErrorCode,
    /// Error or warning.
    pub severity: Severity,
    /// The field concerned.
    pub field: OrderField,
    /// The message in Italian.
    pub message_it: String,
    /// The message in English.
    pub message_en: String,
    /// The error's structured fields (e.g. `top_up` of `AMOUNT_NOT_MULTIPLE`).
    pub fields: BTreeMap<&'static str, FieldValue>,
}

impl OrderFinding {
    fn of(error: &dyn CieError, severity: Severity, field: OrderField) -> OrderFinding {
        OrderFinding {
            code: error.code(),
            severity,
            field,
            message_it: error.message(Lang::It),
            message_en: error.message(Lang::En),
            fields: error.fields().into_iter().collect(),
        }
    }

    /// An error of a field found by the caller (a cell that could not be read, a file-level
    /// rule such as split orders' dates), in the same shape as the check's own findings.
    pub fn error(error: &dyn CieError, field: OrderField) -> OrderFinding {
        OrderFinding::of(error, Severity::Error, field)
    }

    /// The message in a language.
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.message_it, &self.message_en)
    }
}

/// The outcome of the order check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderCheck {
    /// The order, when its number, date and amount could be read and are valid (an amount that
    /// is not an exact multiple still gives the order: it can be entered, with the top-up due).
    pub order: Option<PaymentOrder>,
    /// Every finding, in the order of the form's fields.
    pub findings: Vec<OrderFinding>,
    /// Whole cards the amount pays (the cards below, for a non-multiple).
    pub cards: Option<u64>,
    /// What a further order must add when the amount is not an exact multiple.
    pub top_up: Option<Amount>,
    /// The quarters the declared period falls in, oldest first (two or more: a proposed split).
    pub quarters: Vec<Quarter>,
    /// The due date the order missed (a declared single fortnight paid late).
    pub missed_due_date: Option<NaiveDate>,
}

impl OrderCheck {
    /// True when no finding is an error.
    pub fn is_valid(&self) -> bool {
        self.findings.iter().all(|f| f.severity == Severity::Warning)
    }

    /// Adds the check of the order's causale (§1.6): each mismatch with the order (count, period,
    /// `municipality`) a warning of the field `causale`. Nothing is added when the order could
    /// not be read.
    #[must_use]
    pub fn with_causale(mut self, text: &str, municipality: Option<&str>, schedule: &PriceSchedule) -> OrderCheck {
        if let Some(order) = &self.order {
            for m in crate::pricing::check_causale(text, order, municipality, schedule) {
                self.findings.push(OrderFinding::of(&m, Severity::Warning, OrderField::Causale));
            }
        }
        self
    }

    /// The codes of the findings, in order.
    pub fn codes(&self) -> Vec<&'static str> {
        self.findings.iter().map(|f| f.code.as_str()).collect()
    }
}

/// The late-payment warning.
#[derive(Debug, thiserror::Error)]
#[error("payment after the due date")]
struct Late(NaiveDate);

impl CieError for Late {
    fn code(&self) -> ErrorCode {
        ErrorCode::PaymentLate
    }
    fn detail(&self, lang: Lang) -> Option<String> {
        Some(format!("{} {}", lang.pick("scadenza", "due"), format_date(self.0)))
    }
    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        vec![("due_date", FieldValue::Text(self.0.to_string()))]
    }
}

/// Checks an order as read (typed values; `None` for a date or amount that could not be read,
/// whose reading error the caller reports). `today` is the caller's civil date in Rome.
pub fn check_order(
    number: &str,
    date: Option<NaiveDate>,
    amount: Option<Amount>,
    period_from: Option<NaiveDate>,
    period_to: Option<NaiveDate>,
    today: NaiveDate,
    schedule: &PriceSchedule,
) -> OrderCheck {
    let mut check = Checker::default();
    check.run(number, date, amount, (period_from, period_to), today, schedule);
    check.finish()
}

/// Checks an order as typed in the portal's form: the portal's strict texts (`gg/mm/aaaa`,
/// `1234,56` — never a thousands separator, §1.2), empty period fields meaning no period.
pub fn check_order_form(
    number: &str,
    date: &str,
    amount: &str,
    period_from: &str,
    period_to: &str,
    today: NaiveDate,
    schedule: &PriceSchedule,
) -> OrderCheck {
    let mut check = Checker::default();
    let date = check.read(parse_date(date.trim()), OrderField::Date);
    let amount = check.read(Amount::parse_portal(amount.trim()), OrderField::Amount);
    let mut end = |text: &str| -> Result<Option<NaiveDate>, ()> {
        if text.trim().is_empty() {
            Ok(None)
        } else {
            check.read(parse_date(text.trim()), OrderField::Period).map(Some).ok_or(())
        }
    };
    let (from, to) = (end(period_from), end(period_to));
    match (from, to) {
        (Ok(from), Ok(to)) => check.run(number, date, amount, (from, to), today, schedule),
        // An unreadable end is reported; the period is left out of the rest of the check.
        _ => check.run(number, date, amount, (None, None), today, schedule),
    }
    check.finish()
}

#[derive(Default)]
struct Checker {
    out: Vec<OrderFinding>,
    order: Option<PaymentOrder>,
    cards: Option<u64>,
    top_up: Option<Amount>,
    quarters: Vec<Quarter>,
    missed: Option<NaiveDate>,
}

impl Checker {
    fn error(&mut self, e: &dyn CieError, field: OrderField) {
        self.out.push(OrderFinding::of(e, Severity::Error, field));
    }

    fn read<T, E: CieError>(&mut self, r: Result<T, E>, field: OrderField) -> Option<T> {
        r.map_err(|e| self.error(&e, field)).ok()
    }

    fn run(
        &mut self,
        number: &str,
        date: Option<NaiveDate>,
        amount: Option<Amount>,
        (from, to): (Option<NaiveDate>, Option<NaiveDate>),
        today: NaiveDate,
        schedule: &PriceSchedule,
    ) {
        let number = self.read(normalize_number(number), OrderField::Number);
        if date.is_some_and(|d| d > today) {
            self.error(&OrderError::DateFuture, OrderField::Date);
        }
        let amount = amount.and_then(|a| {
            let checked = Amount::entered(a.cents()).and_then(Amount::ensure_positive);
            self.read(checked, OrderField::Amount)
        });
        let period = match self.read(declared_period(from, to), OrderField::Period) {
            Some(Some((from, to))) if to < from => {
                self.error(&OrderError::PeriodInvalid, OrderField::Period);
                None
            }
            Some(Some((from, to))) => {
                if date.is_some_and(|d| super::period_ends_after_order(d, to)) {
                    self.error(&OrderError::PeriodAfterOrder, OrderField::Period);
                }
                if let (Ok(a), Ok(b)) = (Quarter::of_date(from), Quarter::of_date(to)) {
                    self.quarters = std::iter::successors(Some(a), |q| q.next().filter(|n| *n <= b)).collect();
                }
                Some((from, to))
            }
            _ => None,
        };
        let (Some(number), Some(date), Some(amount)) = (number, date, amount) else { return };
        let order = PaymentOrder { number, date, amount, period };
        match schedule.price_on(order.priced_on()).and_then(|p| p.cards_for_amount(order.amount)) {
            Ok(n) => self.cards = Some(n),
            Err(e) => {
                if let PricingError::NotMultiple { cards_below, top_up, .. } = &e {
                    self.cards = Some(*cards_below);
                    self.top_up = Some(*top_up);
                }
                self.error(&e, OrderField::Amount);
            }
        }
        if let Some(due) = order.missed_due_date() {
            self.missed = Some(due);
            self.out.push(OrderFinding::of(&Late(due), Severity::Warning, OrderField::Date));
        }
        self.order = Some(order);
    }

    fn finish(mut self) -> OrderCheck {
        // Form order: number, date, amount, period; errors before warnings within a field.
        let rank = |f: &OrderFinding| (f.field as u8, f.severity == Severity::Warning);
        self.out.sort_by_key(rank);
        // A non-multiple amount does not make the order itself invalid: it can be entered, and
        // its quarter cannot be transmitted until a top-up. Any other error withholds the order.
        let enterable =
            self.out.iter().all(|f| f.severity == Severity::Warning || f.code == ErrorCode::AmountNotMultiple);
        OrderCheck {
            order: self.order.filter(|_| enterable),
            findings: self.out,
            cards: self.cards,
            top_up: self.top_up,
            quarters: self.quarters,
            missed_due_date: self.missed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn form(number: &str, date: &str, amount: &str, from: &str, to: &str) -> OrderCheck {
        check_order_form(number, date, amount, from, to, d(2024, 6, 1), &PriceSchedule::builtin())
    }

    #[test]
    fn a_good_order_has_no_findings() {
        let c = form("12", "10/04/2024", "33,58", "16/03/2024", "31/03/2024");
        assert!(c.is_valid(), "{:?}", c.findings);
        assert_eq!(c.cards, Some(2));
        assert_eq!(c.quarters, vec![Quarter::parse("2024-Q1").unwrap()]);
        assert_eq!(c.codes(), vec!["PAYMENT_LATE"]);
        assert_eq!(c.missed_due_date, Some(d(2024, 3, 29)));
        assert!(c.order.is_some());
    }

    #[test]
    fn every_finding_not_just_the_first() {
        // The WASM form never reported these (issue 15): zero amount, a future date, a reversed
        // period, an empty number.
        let c = form(" ", "10/03/2030", "0,00", "20/04/2024", "10/04/2024");
        assert_eq!(c.codes(), vec!["ORDER_NUMBER_INVALID", "ORDER_DATE_FUTURE", "AMOUNT_ZERO", "PERIOD_INVALID"]);
        assert!(c.order.is_none());
    }

    #[test]
    fn strict_portal_text_in_forms() {
        // "1.000" is one thousand to an Italian: a form refuses it rather than reading € 1,00.
        assert_eq!(form("1", "10/04/2024", "1.000", "", "").codes(), vec!["AMOUNT_FORMAT"]);
        assert_eq!(form("1", "10/04/2024", "16.79", "", "").codes(), vec!["AMOUNT_FORMAT"]);
        assert_eq!(form("1", "2024-04-10", "16,79", "", "").codes(), vec!["DATE_FORMAT"]);
    }

    #[test]
    fn period_rules_have_their_own_codes() {
        assert_eq!(form("1", "10/04/2024", "16,79", "16/03/2024", "").codes(), vec!["PERIOD_INCOMPLETE"]);
        assert_eq!(form("1", "10/04/2024", "16,79", "01/04/2024", "15/04/2024").codes(), vec!["PERIOD_AFTER_ORDER"]);
        // Paid on the due date, the month's last working day (Friday 29/03/2024), for a
        // fortnight ending on Sunday 31/03: on time, not after the order.
        assert_eq!(form("1", "29/03/2024", "16,79", "16/03/2024", "31/03/2024").codes(), Vec::<&str>::new());
        assert_eq!(form("1", "28/03/2024", "16,79", "16/03/2024", "31/03/2024").codes(), vec!["PERIOD_AFTER_ORDER"]);
        assert_eq!(form("1", "29/03/2024", "16,79", "16/03/2024", "30/03/2024").codes(), vec!["PERIOD_AFTER_ORDER"]);
        let split = form("1", "10/04/2024", "33,58", "16/03/2024", "05/04/2024");
        assert_eq!(split.quarters.len(), 2);
    }

    #[test]
    fn non_multiple_carries_the_top_up_and_plural() {
        let c = form("1", "10/04/2024", "1,00", "", "");
        assert_eq!(c.codes(), vec!["AMOUNT_NOT_MULTIPLE"]);
        assert!(!c.is_valid());
        assert!(c.order.is_some(), "the order can be entered; its quarter cannot be transmitted");
        assert_eq!(c.cards, Some(0));
        assert_eq!(c.top_up, Some(Amount::from_cents(1579)));
        assert!(c.findings[0].message_it.contains("0 carte e un resto di € 1,00"));
        assert!(c.findings[0].message_it.contains("per raggiungere 1 carta"), "{}", c.findings[0].message_it);
        assert!(c.findings[0].message_en.contains("to reach 1 card"), "{}", c.findings[0].message_en);
    }

    #[test]
    fn typed_values_check_the_same_rules() {
        let c = check_order(
            "7",
            Some(d(2024, 4, 10)),
            Some(Amount::ZERO),
            None,
            None,
            d(2024, 4, 1),
            &PriceSchedule::builtin(),
        );
        assert_eq!(c.codes(), vec!["ORDER_DATE_FUTURE", "AMOUNT_ZERO"]);
    }
}
