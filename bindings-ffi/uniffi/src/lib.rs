//! The uniffi surface of cie-pagamenti: the same operations as the C API as Records, Enums,
//! Objects and one error class per stable code, from which `uniffi-bindgen` generates the Ruby,
//! Kotlin and Swift bindings. A thin layer: every rule is computed by the core.
//!
//! Value conventions (as in the WASM binding): money crosses as decimal text (`"1234.56"` or
//! `"1234,56"` in, machine format `"1234.56"` out), dates as ISO text (`"2024-03-31"`), moments as
//! ISO text (naive = Europe/Rome local), quarters as `"2024-Q1"`. Money is never a float.

uniffi::setup_scaffolding!("cie_pagamenti");

#[rustfmt::skip]
mod error;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use cie_pagamenti::allocation as alloc;
use cie_pagamenti::apr::{ConnectionType, FlagPair};
use cie_pagamenti::calendar::{parse_date as core_parse_date, parse_iso_date, pre2020_mailbox as core_mailbox};
use cie_pagamenti::identifiers as id;
use cie_pagamenti::orders::PaymentOrder as CoreOrder;
use cie_pagamenti::password::{self as pw, PasswordRule};
use cie_pagamenti::reconciliation::{self as rec, Lifespan};
use cie_pagamenti::users::{Actor, NewUser as CoreNewUser};
use cie_pagamenti::workflow::Portal as CorePortal;
use cie_pagamenti::{Amount, ErrorCode, Fortnight, Lang, Moment, PriceSchedule, Quarter};
pub use error::CieError;

type Result<T> = std::result::Result<T, CieError>;

impl<E: cie_pagamenti::CieError> From<E> for CieError {
    fn from(e: E) -> CieError {
        error::variant(e.code(), e.message(Lang::It), e.message(Lang::En), e.fields_json())
    }
}

fn invalid(what: &str) -> CieError {
    CieError::InvalidArgument {
        code: "INVALID_ARGUMENT".into(),
        message_it: format!("Argomento non valido: {what}"),
        message_en: format!("Invalid argument: {what}"),
        fields_json: "{}".into(),
    }
}

fn amount(text: &str) -> Result<Amount> {
    Ok(Amount::parse(text)?)
}

fn day(text: &str) -> Result<chrono::NaiveDate> {
    Ok(parse_iso_date(text)?)
}

fn optional_day(text: Option<String>) -> Result<Option<chrono::NaiveDate>> {
    text.as_deref().map(day).transpose()
}

fn quarter(text: &str) -> Result<Quarter> {
    Ok(Quarter::parse(text)?)
}

// ---- pricing ---------------------------------------------------------------------------------

/// The price of one CIE in force on a date (§1.3).
#[derive(uniffi::Record)]
pub struct Price {
    /// Unit price paid to the State, VAT included.
    pub unit: String,
    /// Net of VAT.
    pub net: String,
    /// VAT.
    pub vat: String,
    /// VAT rate, percent.
    pub vat_rate_percent: u32,
    /// Share returned to the municipality.
    pub municipal_share: String,
    /// Share of the Ministry.
    pub ministry_share: String,
    /// First day of validity.
    pub valid_from: String,
}

/// What the citizen pays (§1.5).
#[derive(uniffi::Record)]
pub struct CitizenFee {
    /// The State's price.
    pub state: String,
    /// The municipal fixed fee (doubled for a duplicate).
    pub fixed_fee: String,
    /// The secretarial fee.
    pub secretarial_fee: String,
    /// The total.
    pub total: String,
}

/// Parses a portal amount (`"1234,56"`, §1.2); returns it in machine format (`"1234.56"`).
#[uniffi::export]
pub fn parse_amount(text: String) -> Result<String> {
    Ok(Amount::parse_portal(&text)?.to_string())
}

/// Parses a machine amount (`"1234.56"`, `"1234"`).
#[uniffi::export]
pub fn parse_amount_machine(text: String) -> Result<String> {
    Ok(Amount::parse_machine(&text)?.to_string())
}

/// Formats an amount in the portal format (`"1234,56"`).
#[uniffi::export]
pub fn format_amount(amount_text: String) -> Result<String> {
    Ok(amount(&amount_text)?.to_portal())
}

/// The price in force on `day` (ISO date; `None` = current).
#[uniffi::export]
pub fn price_on(day: Option<String>) -> Result<Price> {
    let schedule = PriceSchedule::builtin();
    let p = schedule.price_at(optional_day(day)?)?;
    Ok(Price {
        unit: p.unit.to_string(),
        net: p.net.to_string(),
        vat: p.vat.to_string(),
        vat_rate_percent: p.vat_rate_percent,
        municipal_share: p.municipal_share.to_string(),
        ministry_share: p.ministry_share.to_string(),
        valid_from: p.valid_from.to_string(),
    })
}

/// Cards paid by an amount (§1.4); `AmountNotMultiple` carries `cards_below`, `remainder` and
/// `top_up` in its fields.
#[uniffi::export]
pub fn cards_for_amount(amount_text: String, on: Option<String>) -> Result<u64> {
    let schedule = PriceSchedule::builtin();
    Ok(schedule.price_at(optional_day(on)?)?.cards_for_amount(amount(&amount_text)?)?)
}

/// The amount due for a number of cards.
#[uniffi::export]
pub fn amount_for_cards(cards: u64, on: Option<String>) -> Result<String> {
    let schedule = PriceSchedule::builtin();
    Ok(schedule.price_at(optional_day(on)?)?.amount_for_cards(cards)?.to_string())
}

/// The citizen fee; `None` fees take the defaults (€5,16 fixed, €0,26 secretarial).
#[uniffi::export]
pub fn citizen_fee(duplicate: bool, fixed_fee: Option<String>, secretarial_fee: Option<String>) -> Result<CitizenFee> {
    let fixed = fixed_fee.as_deref().map(amount).transpose()?;
    let secretarial = secretarial_fee.as_deref().map(amount).transpose()?;
    let fee = PriceSchedule::builtin().current().citizen_fee(duplicate, fixed, secretarial)?;
    Ok(CitizenFee {
        state: fee.state.to_string(),
        fixed_fee: fee.fixed_fee.to_string(),
        secretarial_fee: fee.secretarial_fee.to_string(),
        total: fee.total.to_string(),
    })
}

/// The payment description (§1.6) for a fortnight (`"2024-03-2"`).
#[uniffi::export]
pub fn causale(municipality: String, fortnight: String, cards: u64) -> Result<String> {
    Ok(cie_pagamenti::pricing::causale(&municipality, Fortnight::parse(&fortnight)?, cards)?)
}

// ---- calendar --------------------------------------------------------------------------------

/// A quarter with its dates and neighbours (§2.2).
#[derive(uniffi::Record)]
pub struct QuarterInfo {
    /// `2024-Q1`.
    pub canonical: String,
    /// `1° trimestre 2024`.
    pub label_it: String,
    /// `Q1 2024`.
    pub label_en: String,
    /// First day (ISO).
    pub first_day: String,
    /// Last day (ISO).
    pub last_day: String,
    /// The next quarter (`next` is a keyword in Ruby, hence the longer name).
    pub next_quarter: Option<String>,
    /// The previous quarter.
    pub previous_quarter: Option<String>,
}

/// A fortnight with its payment due date (§2.4).
#[derive(uniffi::Record)]
pub struct FortnightInfo {
    /// `2024-03-2`.
    pub canonical: String,
    /// First day (ISO).
    pub first_day: String,
    /// Last day (ISO).
    pub last_day: String,
    /// Payment due date (ISO).
    pub due_date: String,
}

/// The quarter of a moment (ISO; naive = Europe/Rome local), decided by the Rome date (§2.1).
#[uniffi::export]
pub fn quarter_of(moment: String) -> Result<String> {
    Ok(Moment::parse(&moment)?.quarter()?.to_string())
}

/// The quarter of a moment given as UTC epoch seconds.
#[uniffi::export]
pub fn quarter_of_epoch(seconds: i64) -> Result<String> {
    Ok(Moment::from_epoch(seconds).quarter()?.to_string())
}

/// Parses a quarter (`"2024-q1"` accepted) and describes it.
#[uniffi::export]
pub fn quarter_info(text: String) -> Result<QuarterInfo> {
    let q = quarter(&text)?;
    Ok(QuarterInfo {
        canonical: q.to_string(),
        label_it: q.label_it(),
        label_en: q.label_en(),
        first_day: q.first_day().to_string(),
        last_day: q.last_day().to_string(),
        next_quarter: q.next().map(|n| n.to_string()),
        previous_quarter: q.previous().map(|p| p.to_string()),
    })
}

/// Parses a quarter the portal knows (2020-Q1 or later).
#[uniffi::export]
pub fn portal_quarter(text: String) -> Result<String> {
    Ok(quarter(&text)?.ensure_portal()?.to_string())
}

/// Parses a portal date (`gg/mm/aaaa`) into ISO.
#[uniffi::export]
pub fn parse_date(text: String) -> Result<String> {
    Ok(core_parse_date(&text)?.to_string())
}

/// The fortnight of an ISO date.
#[uniffi::export]
pub fn fortnight_of(day_text: String) -> Result<FortnightInfo> {
    let f = Fortnight::of(day(&day_text)?)?;
    Ok(FortnightInfo {
        canonical: f.to_string(),
        first_day: f.first_day().to_string(),
        last_day: f.last_day().to_string(),
        due_date: f.due_date().to_string(),
    })
}

/// The pre-2020 payment mailbox of a municipality (§2.5).
#[uniffi::export]
pub fn pre2020_mailbox(name: String) -> Result<String> {
    Ok(core_mailbox(&name)?.to_owned())
}

// ---- identifiers -----------------------------------------------------------------------------

/// Validates a personal fiscal code; returns it normalised.
#[uniffi::export]
pub fn validate_fiscal_code(value: String) -> Result<String> {
    Ok(id::validate_fiscal_code(&value)?)
}

/// Validates a VAT number (numeric fiscal code).
#[uniffi::export]
pub fn validate_vat_number(value: String) -> Result<String> {
    Ok(id::validate_vat_number(&value)?)
}

/// Validates an IBAN (Italian: CIN checked too).
#[uniffi::export]
pub fn validate_iban(value: String) -> Result<String> {
    Ok(id::validate_iban(&value)?)
}

/// Validates a CAP.
#[uniffi::export]
pub fn validate_cap(value: String) -> Result<String> {
    Ok(id::validate_cap(&value)?)
}

/// Validates an e-mail address.
#[uniffi::export]
pub fn validate_email(value: String) -> Result<String> {
    Ok(id::validate_email(&value)?)
}

/// Validates a phone number.
#[uniffi::export]
pub fn validate_phone(value: String) -> Result<String> {
    Ok(id::validate_phone(&value)?)
}

// ---- passwords -------------------------------------------------------------------------------

/// A rule of the password policy with its messages.
#[derive(uniffi::Record)]
pub struct PasswordRuleInfo {
    /// The stable code (`PASSWORD_TOO_SHORT` …).
    pub code: String,
    /// Italian message.
    pub message_it: String,
    /// English message.
    pub message_en: String,
}

fn rule_codes(rules: &[PasswordRule]) -> Vec<String> {
    rules.iter().map(|r| r.code().as_str().to_owned()).collect()
}

/// The unmet rules of a password (§6.5); empty = acceptable.
#[uniffi::export]
pub fn check_password(password: String) -> Vec<String> {
    rule_codes(&pw::check_password(&password))
}

/// The unmet rules of a password change (§6.5).
#[uniffi::export]
pub fn check_password_change(current: String, new: String, confirmation: String) -> Vec<String> {
    rule_codes(&pw::check_password_change(&current, &new, &confirmation))
}

/// The password policy.
#[uniffi::export]
pub fn password_rules() -> Vec<PasswordRuleInfo> {
    PasswordRule::POLICY
        .iter()
        .map(|r| PasswordRuleInfo {
            code: r.code().as_str().to_owned(),
            message_it: r.code().message_it().to_owned(),
            message_en: r.code().message_en().to_owned(),
        })
        .collect()
}

/// The Italian or English message of any stable code.
#[uniffi::export]
pub fn code_message(code: String, english: bool) -> Result<String> {
    let code = ErrorCode::from_code(&code).ok_or_else(|| invalid("unknown code"))?;
    Ok(code.message(if english { Lang::En } else { Lang::It }).to_owned())
}

/// A random password meeting every rule (§6.6), from the OS CSPRNG.
#[uniffi::export]
pub fn generate_password(length: u32) -> Result<String> {
    let length = usize::try_from(length).map_err(|_| invalid("length"))?;
    Ok(pw::generate_password(length)?.expose().to_owned())
}

// ---- APR constants (§9) ----------------------------------------------------------------------

/// Parses an APR flag in a pair's spelling (`"S/N"`, `"SI/NO"`, `"1/0"` …).
#[uniffi::export]
pub fn apr_parse_flag(pair: String, text: String) -> Result<bool> {
    Ok(FlagPair::from_name(&pair)?.parse(&text)?)
}

/// Formats an APR flag in a pair's spelling.
#[uniffi::export]
pub fn apr_format_flag(pair: String, value: bool) -> Result<String> {
    Ok(FlagPair::from_name(&pair)?.format(value).to_owned())
}

/// Parses an APR connection type into its canonical name.
#[uniffi::export]
pub fn apr_connection_type(text: String) -> Result<String> {
    Ok(ConnectionType::parse(&text)?.to_string())
}

// ---- allocation and reconciliation -----------------------------------------------------------

/// A payment order (§3).
#[derive(uniffi::Record)]
pub struct PaymentOrder {
    /// The order number.
    pub number: String,
    /// The order date (ISO).
    pub date: String,
    /// The amount (decimal text).
    pub amount: String,
    /// First day of the declared period (ISO), if any.
    pub period_from: Option<String>,
    /// Last day of the declared period (ISO), if any.
    pub period_to: Option<String>,
}

/// Part of an order paying cards of one quarter.
#[derive(uniffi::Record)]
pub struct Portion {
    /// The quarter.
    pub quarter: String,
    /// Cards paid.
    pub cards: u64,
    /// Amount.
    pub amount: String,
}

/// How one order was allocated.
#[derive(uniffi::Record)]
pub struct OrderAllocation {
    /// The order number.
    pub number: String,
    /// The order date (ISO).
    pub date: String,
    /// The amount.
    pub amount: String,
    /// Portions by quarter.
    pub portions: Vec<Portion>,
    /// Paid for cards of more than one quarter.
    pub split: bool,
    /// Paid beyond the cards.
    pub credit: String,
}

/// One quarter of an allocation.
#[derive(uniffi::Record)]
pub struct QuarterAllocation {
    /// The quarter.
    pub quarter: String,
    /// Cards signed.
    pub cards_signed: u64,
    /// Cards paid.
    pub cards_paid: u64,
    /// Amount allocated.
    pub amount: String,
    /// Cards not paid.
    pub unpaid_cards: u64,
    /// Still owed.
    pub debit: String,
}

/// A CIEonline count.
#[derive(uniffi::Record)]
pub struct QuarterCards {
    /// The quarter.
    pub quarter: String,
    /// Cards issued according to CIEonline.
    pub cards: u64,
}

/// The balance scales over the transmitted quarters (§4).
#[derive(uniffi::Enum)]
pub enum Balance {
    /// Amounts and CIEonline agree.
    Equal,
    /// More paid than issued.
    Over,
    /// Less paid than issued.
    Under,
}

/// A quarter's state (§5).
#[derive(uniffi::Enum)]
pub enum QuarterState {
    /// In lavorazione.
    InProgress,
    /// In completamento.
    Completing,
    /// In chiusura.
    Closing,
    /// Trasmesso.
    Transmitted,
}

impl From<rec::QuarterState> for QuarterState {
    fn from(s: rec::QuarterState) -> Self {
        match s {
            rec::QuarterState::InProgress => QuarterState::InProgress,
            rec::QuarterState::Completing => QuarterState::Completing,
            rec::QuarterState::Closing => QuarterState::Closing,
            rec::QuarterState::Transmitted => QuarterState::Transmitted,
        }
    }
}

/// A row of the Resoconto dei Trimestri.
#[derive(uniffi::Record)]
#[allow(clippy::struct_excessive_bools)] // the row's independent flags, as the portal shows them
pub struct QuarterRow {
    /// The quarter.
    pub quarter: String,
    /// Amount entered.
    pub amount: String,
    /// Cards the amount pays.
    pub cards_from_amount: u64,
    /// The amount is an exact multiple.
    pub exact: bool,
    /// What makes it exact, when not.
    pub top_up: Option<String>,
    /// CIEonline cards; `None` when unknown ("n.d.").
    pub cieonline_cards: Option<u64>,
    /// The count is provisional (the quarter contains `now`).
    pub cieonline_provisional: bool,
    /// State.
    pub state: Option<QuarterState>,
    /// Transmitted: cards from amount − CIEonline cards, when they differ.
    pub discrepancy: Option<i64>,
    /// Not transmitted: cards from amount − a known CIEonline count, when they differ (check
    /// before signing).
    pub mismatch: Option<i64>,
    /// The €0,70 share of the quarter.
    pub municipal_share: String,
    /// The share is suspended (counts differ).
    pub share_suspended: bool,
    /// Ended, not transmitted, no orders and a known count of 0: a zero quarter to transmit.
    pub zero_quarter: bool,
}

/// The reconciliation (§4).
#[derive(uniffi::Record)]
pub struct Reconciliation {
    /// Rows by quarter.
    pub quarters: Vec<QuarterRow>,
    /// The balance scales, when a transmitted quarter has a known count.
    pub balance: Option<Balance>,
    /// A transmitted quarter has no known count: the scales leave it out.
    pub balance_incomplete: bool,
    /// Transmitted quarters whose counts differ.
    pub discrepancies: u64,
    /// Quarters not yet transmitted whose known count differs (warnings).
    pub mismatches: u64,
    /// Municipal share due.
    pub municipal_share: String,
    /// Municipal share suspended.
    pub suspended_share: String,
    /// Quarters still to transmit, in order.
    pub missing_quarters: Vec<String>,
    /// The next quarter to transmit.
    pub next_to_transmit: Option<String>,
}

/// The result of an allocation (§3).
#[derive(uniffi::Object)]
pub struct Allocation(alloc::Allocation);

#[uniffi::export]
impl Allocation {
    /// Per-quarter figures in chronological order.
    pub fn quarters(&self) -> Vec<QuarterAllocation> {
        self.0
            .quarters
            .iter()
            .map(|(q, r)| QuarterAllocation {
                quarter: q.to_string(),
                cards_signed: r.cards_signed,
                cards_paid: r.cards_paid,
                amount: r.amount.to_string(),
                unpaid_cards: r.unpaid_cards,
                debit: r.debit.to_string(),
            })
            .collect()
    }

    /// Per-order allocation, in processing order (date, then number).
    pub fn orders(&self) -> Vec<OrderAllocation> {
        self.0
            .orders
            .iter()
            .map(|o| OrderAllocation {
                number: o.order.number.clone(),
                date: o.order.date.to_string(),
                amount: o.order.amount.to_string(),
                portions: o
                    .portions
                    .iter()
                    .map(|p| Portion { quarter: p.quarter.to_string(), cards: p.cards, amount: p.amount.to_string() })
                    .collect(),
                split: o.split,
                credit: o.credit.to_string(),
            })
            .collect()
    }

    /// Total paid beyond the cards.
    pub fn credit(&self) -> String {
        self.0.credit.to_string()
    }

    /// Total owed for unpaid cards.
    pub fn debit(&self) -> String {
        self.0.debit.to_string()
    }

    /// Cards allocated.
    pub fn cards(&self) -> u64 {
        self.0.cards
    }

    /// The whole result as JSON (the CLI's `--json` fields).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(&self.0).map_err(|_| invalid("allocation not serialisable"))
    }

    /// Reconciles with CIEonline counts and the transmitted quarters at `now` (§4);
    /// `first_quarter` is the municipality's first (`None` = 2020-Q1).
    pub fn reconcile(
        &self,
        cieonline: Vec<QuarterCards>,
        transmitted: Vec<String>,
        first_quarter: Option<String>,
        now: String,
    ) -> Result<Reconciliation> {
        let mut counts = BTreeMap::new();
        for c in cieonline {
            *counts.entry(quarter(&c.quarter)?).or_insert(0u64) += c.cards;
        }
        let sent: BTreeSet<Quarter> = transmitted.iter().map(|q| quarter(q)).collect::<Result<_>>()?;
        let mut lifespan = Lifespan::default();
        if let Some(first) = first_quarter {
            lifespan.first = quarter(&first)?;
        }
        let now = Moment::parse(&now)?;
        let r = rec::reconcile_allocation(&self.0, &counts, &sent, lifespan, now, &PriceSchedule::builtin());
        Ok(Reconciliation {
            quarters: r
                .quarters
                .iter()
                .map(|row| QuarterRow {
                    quarter: row.quarter.to_string(),
                    amount: row.amount.to_string(),
                    cards_from_amount: row.cards_from_amount,
                    exact: row.exact,
                    top_up: row.top_up.map(|t| t.to_string()),
                    cieonline_cards: row.cieonline_cards,
                    cieonline_provisional: row.cieonline_provisional,
                    state: row.state.map(QuarterState::from),
                    discrepancy: row.discrepancy,
                    mismatch: row.mismatch,
                    municipal_share: row.municipal_share.to_string(),
                    share_suspended: row.share_suspended,
                    zero_quarter: row.zero_quarter,
                })
                .collect(),
            balance: r.balance.map(|b| match b {
                rec::Balance::Equal => Balance::Equal,
                rec::Balance::Over => Balance::Over,
                rec::Balance::Under => Balance::Under,
            }),
            balance_incomplete: r.balance_incomplete,
            discrepancies: r.discrepancies as u64,
            mismatches: r.mismatches as u64,
            municipal_share: r.municipal_share.to_string(),
            suspended_share: r.suspended_share.to_string(),
            missing_quarters: r.missing_quarters.iter().map(ToString::to_string).collect(),
            next_to_transmit: r.next_to_transmit.map(|q| q.to_string()),
        })
    }
}

/// The order check (SPEC §5 "Order check") on the portal form's texts, as JSON: `{order,
/// findings: [{code, severity, field, message_it, message_en, fields}], cards, top_up, quarters,
/// missed_due_date}`. Dates `gg/mm/aaaa`, amount `1234,56` (strict), empty period ends for no
/// period; `today` is the Rome civil date (ISO or `gg/mm/aaaa`). Every rule is a finding.
#[uniffi::export]
pub fn check_order_json(
    number: String,
    date: String,
    amount: String,
    period_from: String,
    period_to: String,
    today: String,
) -> Result<String> {
    let today = cie_pagamenti::calendar::parse_any_date(&today)?;
    let check = cie_pagamenti::orders::check_order_form(
        &number,
        &date,
        &amount,
        &period_from,
        &period_to,
        today,
        &PriceSchedule::builtin(),
    );
    serde_json::to_string(&check).map_err(|_| invalid("order check not serialisable"))
}

/// Allocation, Resoconto and settlement (credits, debits, offsets "da concordare", pre-portal
/// and Support-only portions) of one municipality from a JSON case, as JSON: the core's
/// `statement_json`, the shape every binding shares.
#[uniffi::export]
pub fn statement_json(input: String) -> Result<String> {
    Ok(rec::statement_json(&input)?)
}

/// Allocates payment orders to the quarters of the cards they pay (§3). `cards` are signing
/// moments as UTC epoch seconds, in any order.
#[uniffi::export]
pub fn allocate(cards: Vec<i64>, orders: Vec<PaymentOrder>) -> Result<std::sync::Arc<Allocation>> {
    let mut core_orders = Vec::with_capacity(orders.len());
    for o in orders {
        let from = o.period_from.as_deref().map(day).transpose()?;
        let to = o.period_to.as_deref().map(day).transpose()?;
        let period = cie_pagamenti::orders::declared_period(from, to)?;
        core_orders.push(CoreOrder::new(&o.number, day(&o.date)?, amount(&o.amount)?, period)?);
    }
    let allocation = alloc::allocate(&cards, core_orders, &PriceSchedule::builtin())?;
    Ok(std::sync::Arc::new(Allocation(allocation)))
}

// ---- the portal ------------------------------------------------------------------------------

/// A new user's data (§6.3).
#[derive(uniffi::Record)]
pub struct NewUser {
    /// Personal fiscal code.
    pub fiscal_code: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail.
    pub email: String,
    /// The e-mail again.
    pub email_confirmation: String,
}

/// The portal aggregate (§5, §6): municipalities, users, quarters. Every command takes the acting
/// user (a fiscal code or `"support"`) and `now` (ISO moment); a refused command changes nothing.
#[derive(uniffi::Object)]
pub struct Portal(Mutex<CorePortal>);

impl Portal {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, CorePortal>> {
        self.0.lock().map_err(|_| invalid("portal poisoned by an earlier failure"))
    }

    fn run(&self, f: impl FnOnce(&mut CorePortal) -> Result<()>) -> Result<()> {
        f(&mut *self.lock()?)
    }
}

#[uniffi::export]
impl Portal {
    /// An empty portal.
    #[uniffi::constructor]
    pub fn new() -> std::sync::Arc<Portal> {
        std::sync::Arc::new(Portal(Mutex::new(CorePortal::new())))
    }

    /// Rebuilds a portal from its versioned event log (§5.3).
    #[uniffi::constructor]
    pub fn replay(events_json: String) -> Result<std::sync::Arc<Portal>> {
        Ok(std::sync::Arc::new(Portal(Mutex::new(CorePortal::replay(&events_json)?))))
    }

    /// Executes a command in its event-log JSON form (every command of §5/§6).
    pub fn execute(&self, actor: String, now: String, command_json: String) -> Result<()> {
        let command = CorePortal::command_from_json(&command_json)?;
        let now = Moment::parse(&now)?;
        self.run(|p| Ok(p.execute(&Actor::parse(&actor), now, command)?))
    }

    /// Support registers a municipality with its first Manager.
    pub fn register_municipality(
        &self,
        actor: String,
        now: String,
        municipality: String,
        name: String,
        first_quarter: String,
        manager: NewUser,
    ) -> Result<()> {
        let (now, first) = (Moment::parse(&now)?, quarter(&first_quarter)?);
        let manager = CoreNewUser {
            fiscal_code: manager.fiscal_code,
            first_name: manager.first_name,
            last_name: manager.last_name,
            email: manager.email,
            email_confirmation: manager.email_confirmation,
        };
        self.run(|p| Ok(p.register_municipality(&Actor::parse(&actor), now, &municipality, &name, first, manager)?))
    }

    /// Support records the CIEonline count of a quarter.
    pub fn set_cieonline(&self, actor: String, now: String, municipality: String, q: String, cards: u64) -> Result<()> {
        let (now, q) = (Moment::parse(&now)?, quarter(&q)?);
        self.run(|p| Ok(p.set_cieonline(&Actor::parse(&actor), now, &municipality, q, cards)?))
    }

    /// Creates a quarter (state "in lavorazione").
    pub fn create_quarter(&self, actor: String, now: String, municipality: String, q: String) -> Result<()> {
        let (now, q) = (Moment::parse(&now)?, quarter(&q)?);
        self.run(|p| Ok(p.create_quarter(&Actor::parse(&actor), now, &municipality, q)?))
    }

    /// Adds a payment order to the actor's work on a quarter.
    #[allow(clippy::too_many_arguments)] // the portal's form
    pub fn add_order(
        &self,
        actor: String,
        now: String,
        municipality: String,
        q: String,
        number: String,
        date: String,
        amount_text: String,
    ) -> Result<()> {
        let (now, q, date, amount) = (Moment::parse(&now)?, quarter(&q)?, day(&date)?, amount(&amount_text)?);
        self.run(|p| Ok(p.add_order(&Actor::parse(&actor), now, &municipality, q, &number, date, amount)?))
    }

    /// Closes the actor's work on a quarter.
    pub fn complete_work(&self, actor: String, now: String, municipality: String, q: String) -> Result<()> {
        let (now, q) = (Moment::parse(&now)?, quarter(&q)?);
        self.run(|p| Ok(p.complete_work(&Actor::parse(&actor), now, &municipality, q)?))
    }

    /// A Manager submits the quarter ("in chiusura").
    pub fn submit(&self, actor: String, now: String, municipality: String, q: String) -> Result<()> {
        let (now, q) = (Moment::parse(&now)?, quarter(&q)?);
        self.run(|p| Ok(p.submit(&Actor::parse(&actor), now, &municipality, q)?))
    }

    /// A Manager transmits with the signed report (PDF or P7M bytes, ≤ 2 MiB).
    pub fn transmit(
        &self,
        actor: String,
        now: String,
        municipality: String,
        q: String,
        signed_report: Vec<u8>,
        same_person: bool,
    ) -> Result<()> {
        let (now, q) = (Moment::parse(&now)?, quarter(&q)?);
        self.run(|p| Ok(p.transmit(&Actor::parse(&actor), now, &municipality, q, &signed_report, same_person)?))
    }

    /// A Manager transmits a quarter without orders (CIEonline = 0).
    pub fn transmit_zero(&self, actor: String, now: String, municipality: String, q: String) -> Result<()> {
        let (now, q) = (Moment::parse(&now)?, quarter(&q)?);
        self.run(|p| Ok(p.transmit_zero(&Actor::parse(&actor), now, &municipality, q)?))
    }

    /// Support reopens any transmitted quarter, with the reason.
    pub fn reopen(&self, actor: String, now: String, municipality: String, q: String, reason: String) -> Result<()> {
        let (now, q) = (Moment::parse(&now)?, quarter(&q)?);
        self.run(|p| Ok(p.reopen(&Actor::parse(&actor), now, &municipality, q, &reason)?))
    }

    /// Records a user's access (a login): activity for the inactivity lock.
    pub fn record_access(&self, actor: String, now: String) -> Result<()> {
        let now = Moment::parse(&now)?;
        self.run(|p| Ok(p.record_access(&Actor::parse(&actor), now)?))
    }

    /// How many events the portal holds (for `execute_if`).
    pub fn event_count(&self) -> Result<u64> {
        Ok(self.lock()?.event_count() as u64)
    }

    /// Executes a command computed on a state of `expected_events` events (`STALE_STATE` otherwise).
    pub fn execute_if(&self, expected_events: u64, actor: String, now: String, command_json: String) -> Result<()> {
        let command = CorePortal::command_from_json(&command_json)?;
        let now = Moment::parse(&now)?;
        let expected = usize::try_from(expected_events).unwrap_or(usize::MAX);
        self.run(|p| Ok(p.execute_if(expected, &Actor::parse(&actor), now, command)?))
    }

    /// The state summary at `now` as JSON (what the shared workflow scenarios compare).
    pub fn summary_json(&self, now: String) -> Result<String> {
        let now = Moment::parse(&now)?;
        Ok(self.lock()?.summary(now).to_string())
    }

    /// The state of a quarter, if created.
    pub fn quarter_state(&self, municipality: String, q: String) -> Result<Option<QuarterState>> {
        let q = quarter(&q)?;
        let portal = self.lock()?;
        Ok(portal.quarter(&municipality, q).map(|r| r.state.into()))
    }

    /// The sum of the amounts entered on a quarter.
    pub fn quarter_total(&self, municipality: String, q: String) -> Result<String> {
        let q = quarter(&q)?;
        let portal = self.lock()?;
        Ok(portal
            .quarter(&municipality, q)
            .map(cie_pagamenti::workflow::QuarterRecord::total)
            .unwrap_or_default()
            .to_string())
    }

    /// The versioned JSON event log.
    pub fn events_json(&self) -> Result<String> {
        let portal = self.lock()?;
        Ok(portal.events_json())
    }
}
