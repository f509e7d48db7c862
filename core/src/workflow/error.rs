//! Why a workflow command was refused.

use thiserror::Error;

use crate::calendar::CalendarError;
use crate::error::{CieError, ErrorCode, FieldValue, Lang};
use crate::identifiers::IdentifierError;
use crate::money::AmountError;
use crate::orders::OrderError;
use crate::pricing::PricingError;
use crate::report::ReportError;

/// A refused command (or event).
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum WorkflowError {
    /// The actor's profile does not allow the command.
    #[error("not authorized")]
    NotAuthorized,
    /// The actor is blocked for inactivity.
    #[error("user blocked for inactivity")]
    UserBlocked,
    /// No such user.
    #[error("user not found")]
    UserNotFound,
    /// A user with this fiscal code already has a profile here.
    #[error("user already present")]
    UserDuplicate,
    /// Empty first or last name.
    #[error("first and last name are required")]
    UserNameRequired,
    /// The two e-mails differ.
    #[error("e-mail confirmation mismatch")]
    EmailConfirmationMismatch,
    /// The change would leave a municipality without a Manager.
    #[error("the municipality must keep a Manager")]
    LastManager,
    /// Only Support can unlock the municipality's sole Manager.
    #[error("contact Support")]
    SupportRequired,
    /// Fiscal code and e-mail do not match one user (no hint which).
    #[error("no user matches")]
    ResetNoMatch,
    /// No such municipality.
    #[error("municipality not found")]
    MunicipalityNotFound,
    /// Municipality already registered.
    #[error("municipality exists")]
    MunicipalityExists,
    /// Quarter already created.
    #[error("quarter exists")]
    QuarterExists,
    /// Quarter not created.
    #[error("quarter not found")]
    QuarterNotFound,
    /// The quarter has not started.
    #[error("quarter not started")]
    QuarterNotStarted,
    /// Before the municipality's first quarter.
    #[error("quarter before the municipality's first")]
    QuarterBeforeFirst,
    /// The quarter has not ended.
    #[error("quarter not ended")]
    QuarterNotEnded,
    /// The previous quarter is not transmitted.
    #[error("previous quarter not transmitted")]
    PreviousNotTransmitted,
    /// Not allowed in the quarter's state.
    #[error("invalid state")]
    InvalidState,
    /// Some works are still open.
    #[error("works still open")]
    WorkOpen,
    /// The user has no work in the quarter.
    #[error("work not found")]
    WorkNotFound,
    /// The quarter has no orders.
    #[error("no orders")]
    NoOrders,
    /// Order number already in the quarter.
    #[error("duplicate order")]
    OrderDuplicate,
    /// No such order.
    #[error("order not found")]
    OrderNotFound,
    /// A zero quarter with CIEonline cards.
    #[error("zero quarter has cards")]
    ZeroQuarterHasCards,
    /// Several orders of the quarter have the number: the financial year is needed.
    #[error("ambiguous order number")]
    OrderAmbiguous,
    /// The quarter's CIEonline count is not known.
    #[error("CIEonline count unknown")]
    CieonlineUnknown,
    /// A reopening needs a reason.
    #[error("reason required")]
    ReopenReasonRequired,
    /// The command was computed on an older state.
    #[error("stale state: expected {expected} events, found {actual}")]
    StaleState {
        /// Events the caller saw.
        expected: usize,
        /// Events the portal holds.
        actual: usize,
    },
    /// A zero quarter with orders.
    #[error("zero quarter has orders")]
    ZeroQuarterHasOrders,
    /// An identifier (fiscal code, e-mail) is invalid.
    #[error(transparent)]
    Identifier(#[from] IdentifierError),
    /// An order is invalid.
    #[error(transparent)]
    Order(#[from] OrderError),
    /// An amount is invalid.
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// The quarter's total is not an exact multiple (and the like).
    #[error(transparent)]
    Pricing(#[from] PricingError),
    /// A calendar value is invalid.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The signed report is refused.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The initial password could not be generated.
    #[error(transparent)]
    Password(#[from] crate::password::PasswordError),
    /// Unsupported event-log version.
    #[error("unsupported event log version {version}")]
    EventLogVersion {
        /// The version found.
        version: u64,
    },
    /// Unreadable event log.
    #[error("unreadable event log: {reason}")]
    EventLogFormat {
        /// What the JSON reader said.
        reason: String,
    },
    /// An event the rules refuse, with its index in the log.
    #[error("event {index} rejected: {cause}")]
    EventRejected {
        /// 0-based index of the event.
        index: usize,
        /// Why the rules refuse it.
        cause: Box<WorkflowError>,
    },
}

impl CieError for WorkflowError {
    fn code(&self) -> ErrorCode {
        match self {
            WorkflowError::NotAuthorized => ErrorCode::NotAuthorized,
            WorkflowError::UserBlocked => ErrorCode::UserBlocked,
            WorkflowError::UserNotFound => ErrorCode::UserNotFound,
            WorkflowError::UserDuplicate => ErrorCode::UserDuplicate,
            WorkflowError::UserNameRequired => ErrorCode::UserNameRequired,
            WorkflowError::EmailConfirmationMismatch => ErrorCode::EmailConfirmationMismatch,
            WorkflowError::LastManager => ErrorCode::LastManager,
            WorkflowError::SupportRequired => ErrorCode::SupportRequired,
            WorkflowError::ResetNoMatch => ErrorCode::ResetNoMatch,
            WorkflowError::MunicipalityNotFound => ErrorCode::MunicipalityNotFound,
            WorkflowError::MunicipalityExists => ErrorCode::MunicipalityExists,
            WorkflowError::QuarterExists => ErrorCode::QuarterExists,
            WorkflowError::QuarterNotFound => ErrorCode::QuarterNotFound,
            WorkflowError::QuarterNotStarted => ErrorCode::QuarterNotStarted,
            WorkflowError::QuarterBeforeFirst => ErrorCode::QuarterBeforeFirst,
            WorkflowError::QuarterNotEnded => ErrorCode::QuarterNotEnded,
            WorkflowError::PreviousNotTransmitted => ErrorCode::PreviousNotTransmitted,
            WorkflowError::InvalidState => ErrorCode::InvalidState,
            WorkflowError::WorkOpen => ErrorCode::WorkOpen,
            WorkflowError::WorkNotFound => ErrorCode::WorkNotFound,
            WorkflowError::NoOrders => ErrorCode::NoOrders,
            WorkflowError::OrderDuplicate => ErrorCode::OrderDuplicate,
            WorkflowError::OrderNotFound => ErrorCode::OrderNotFound,
            WorkflowError::ZeroQuarterHasCards => ErrorCode::ZeroQuarterHasCards,
            WorkflowError::OrderAmbiguous => ErrorCode::OrderAmbiguous,
            WorkflowError::CieonlineUnknown => ErrorCode::CieonlineUnknown,
            WorkflowError::ReopenReasonRequired => ErrorCode::ReopenReasonRequired,
            WorkflowError::StaleState { .. } => ErrorCode::StaleState,
            WorkflowError::ZeroQuarterHasOrders => ErrorCode::ZeroQuarterHasOrders,
            WorkflowError::Identifier(e) => e.code(),
            WorkflowError::Order(e) => e.code(),
            WorkflowError::Amount(e) => e.code(),
            WorkflowError::Pricing(e) => e.code(),
            WorkflowError::Calendar(e) => e.code(),
            WorkflowError::Report(e) => e.code(),
            WorkflowError::Password(e) => e.code(),
            WorkflowError::EventLogVersion { .. } => ErrorCode::EventLogVersion,
            WorkflowError::EventLogFormat { .. } => ErrorCode::EventLogFormat,
            WorkflowError::EventRejected { .. } => ErrorCode::EventRejected,
        }
    }

    fn detail(&self, lang: Lang) -> Option<String> {
        match self {
            WorkflowError::Identifier(e) => e.detail(lang),
            WorkflowError::Order(e) => e.detail(lang),
            WorkflowError::Pricing(e) => e.detail(lang),
            WorkflowError::Calendar(e) => e.detail(lang),
            WorkflowError::Report(e) => e.detail(lang),
            WorkflowError::EventLogVersion { version } => {
                Some(format!("{} {version}", lang.pick("versione", "version")))
            }
            WorkflowError::EventLogFormat { reason } => Some(reason.clone()),
            WorkflowError::EventRejected { index, cause } => {
                Some(format!("{} {index}: {}: {}", lang.pick("evento", "event"), cause.code(), cause.message(lang)))
            }
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        match self {
            WorkflowError::Identifier(e) => e.fields(),
            WorkflowError::Order(e) => e.fields(),
            WorkflowError::Pricing(e) => e.fields(),
            WorkflowError::Calendar(e) => e.fields(),
            WorkflowError::Report(e) => e.fields(),
            WorkflowError::EventLogVersion { version } => vec![("version", FieldValue::Int(*version as i64))],
            WorkflowError::StaleState { expected, actual } => vec![
                ("expected", FieldValue::Int(i64::try_from(*expected).unwrap_or(i64::MAX))),
                ("actual", FieldValue::Int(i64::try_from(*actual).unwrap_or(i64::MAX))),
            ],
            WorkflowError::EventRejected { index, cause } => {
                vec![
                    ("index", FieldValue::Int(*index as i64)),
                    ("cause", FieldValue::Text(cause.code().as_str().to_owned())),
                ]
            }
            _ => Vec::new(),
        }
    }
}
