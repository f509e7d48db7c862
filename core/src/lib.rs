//! # cie-pagamenti
//!
//! The rules of the Italian electronic identity card (CIE) payment accounting, as one pure
//! library: no I/O, no clock (every time-dependent rule takes `now`), no binding code.
//!
//! Main types:
//! - [`money::Amount`] — exact euro cents; portal format `1234,56` and machine format `1234.56`.
//! - [`pricing::PriceSchedule`] / [`pricing::Price`] — €16,79 per card, `cards_for_amount`
//!   with the blocking top-up error, the citizen fee, the payment description (causale).
//! - [`calendar::Quarter`], [`calendar::Moment`], [`calendar::Fortnight`] — Italian civil time
//!   (Europe/Rome), quarters, fortnights and their due dates.
//! - [`identifiers`] — fiscal code (with omocodia), VAT number, IBAN (mod-97 and CIN), CAP,
//!   e-mail, phone.
//! - [`password`] — the portal's policy, change check and generator.
//! - [`apr`] — registry interface constants.
//! - [`allocation`] — payment orders imputed to the quarters of the cards they pay (§3).
//! - [`reconciliation`] — the Resoconto dei Trimestri (§4).
//! - [`workflow::Portal`] — municipalities, users and the quarter state machine (§5, §6), with
//!   its versioned event log; [`users`] — profiles and the inactivity lock.
//! - [`report`] — the signed report (PDF/P7M ≤ 2 MiB) and the quarterly report's data.
//! - [`sites`] — SediCIE issuing sites, contacts and roles (§8).
//! - [`error`] — the stable error codes with Italian and English messages.
//!
//! Every error implements [`error::CieError`]: a stable [`error::ErrorCode`], messages in both
//! languages and structured fields.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod allocation;
pub mod apr;
pub mod calendar;
pub mod error;
pub mod identifiers;
pub mod money;
pub mod orders;
pub mod password;
pub mod pricing;
pub mod reconciliation;
pub mod report;
pub mod sites;
mod text_de;
pub mod users;
pub mod workflow;

pub use calendar::{Fortnight, Moment, Quarter};
pub use error::{CieError, ErrorCode, FieldValue, Lang};
pub use money::Amount;
pub use pricing::{Price, PriceSchedule};

/// Any error of the library, for callers that handle them together (CLI, bindings).
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// Money.
    #[error(transparent)]
    Amount(#[from] money::AmountError),
    /// Pricing.
    #[error(transparent)]
    Pricing(#[from] pricing::PricingError),
    /// Calendar.
    #[error(transparent)]
    Calendar(#[from] calendar::CalendarError),
    /// Identifiers.
    #[error(transparent)]
    Identifier(#[from] identifiers::IdentifierError),
    /// Password generation.
    #[error(transparent)]
    Password(#[from] password::PasswordError),
    /// APR constants.
    #[error(transparent)]
    Apr(#[from] apr::AprError),
    /// Payment orders.
    #[error(transparent)]
    Order(#[from] orders::OrderError),
    /// Allocation.
    #[error(transparent)]
    Allocation(#[from] allocation::AllocationError),
    /// Signed reports.
    #[error(transparent)]
    Report(#[from] report::ReportError),
    /// Workflow, users and event log.
    #[error(transparent)]
    Workflow(#[from] workflow::WorkflowError),
    /// SediCIE sites.
    #[error(transparent)]
    Sites(#[from] sites::SitesError),
}

impl Error {
    fn inner(&self) -> &dyn CieError {
        match self {
            Error::Amount(e) => e,
            Error::Pricing(e) => e,
            Error::Calendar(e) => e,
            Error::Identifier(e) => e,
            Error::Password(e) => e,
            Error::Apr(e) => e,
            Error::Order(e) => e,
            Error::Allocation(e) => e,
            Error::Report(e) => e,
            Error::Workflow(e) => e,
            Error::Sites(e) => e,
        }
    }
}

impl CieError for Error {
    fn code(&self) -> ErrorCode {
        self.inner().code()
    }
    fn detail(&self, lang: Lang) -> Option<String> {
        self.inner().detail(lang)
    }
    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        self.inner().fields()
    }
}
