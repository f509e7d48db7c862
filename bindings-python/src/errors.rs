//! Core errors → Python exceptions, in one place. The exhaustive `match` over `ErrorCode` (no
//! catch-all arm) makes a new core code fail to compile until it is mapped here.

use cie_pagamenti::{CieError, ErrorCode, FieldValue, Lang};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

/// The Python class (in `cie_pagamenti.errors`) for a code.
#[allow(clippy::too_many_lines)] // one arm per family of the catalogue; a table, not logic
fn class_name(code: ErrorCode) -> &'static str {
    use ErrorCode as C;
    match code {
        C::AmountFormat
        | C::AmountAmbiguous
        | C::AmountColumnMixed
        | C::AmountPrecision
        | C::AmountNegative
        | C::AmountZero
        | C::AmountTooLarge
        | C::CardCountTooLarge => "AmountError",
        C::AmountNotMultiple => "AmountNotMultipleError",
        C::FloatNotAllowed => "FloatNotAllowedError",
        C::PriceNotDefined => "PriceError",
        C::DateFormat
        | C::DateInvalid
        | C::MomentFormat
        | C::FortnightFormat
        | C::PeriodInvalid
        | C::PeriodIncomplete
        | C::PeriodAfterOrder => "DateError",
        C::QuarterFormat | C::QuarterOutOfRange => "QuarterError",
        C::MunicipalityName => "MunicipalityNameError",
        C::FiscalCodeLength
        | C::FiscalCodeCharacter
        | C::FiscalCodeChecksum
        | C::FiscalCodeDate
        | C::FiscalCodeNameMismatch => "FiscalCodeError",
        C::VatNumberFormat | C::VatNumberChecksum => "VatNumberError",
        C::IbanFormat | C::IbanCountry | C::IbanChecksum | C::IbanCin => "IbanError",
        C::CapFormat => "CapError",
        C::EmailFormat => "EmailError",
        C::PhoneFormat => "PhoneError",
        C::PasswordTooShort
        | C::PasswordNoUppercase
        | C::PasswordNoLowercase
        | C::PasswordNoDigit
        | C::PasswordNoSymbol
        | C::PasswordForbiddenCharacter
        | C::PasswordTooLong
        | C::PasswordConfirmationMismatch
        | C::PasswordUnchanged
        | C::PasswordGeneration => "PasswordError",
        C::NotAuthorized | C::UserBlocked => "NotAuthorizedError",
        C::UserNotFound
        | C::UserDuplicate
        | C::UserNameRequired
        | C::EmailConfirmationMismatch
        | C::LastManager
        | C::SupportRequired
        | C::ResetNoMatch
        | C::MunicipalityNotFound
        | C::MunicipalityExists => "UserError",
        C::QuarterExists
        | C::QuarterNotFound
        | C::QuarterNotStarted
        | C::QuarterBeforeFirst
        | C::QuarterNotEnded
        | C::PreviousNotTransmitted
        | C::InvalidState
        | C::WorkOpen
        | C::WorkNotFound
        | C::NoOrders
        | C::OrderDuplicate
        | C::OrderNotFound
        | C::OrderNumberInvalid
        | C::OrderDateFuture
        | C::SplitDateMismatch
        | C::ZeroQuarterHasCards
        | C::ZeroQuarterHasOrders
        | C::OrderYearChanged
        | C::OrderAmbiguous
        | C::CieonlineUnknown
        | C::ReopenReasonRequired
        | C::StaleState
        | C::PaymentLate => "WorkflowError",
        C::ReportEmpty | C::ReportTooLarge | C::ReportFormat | C::ReportRender => "ReportError",
        C::ContactDuplicate
        | C::ContactNotFound
        | C::ContactInUse
        | C::ContactFiscalCodeFixed
        | C::SiteNotFound
        | C::SiteFieldRequired
        | C::SiteIncomplete
        | C::RoleNotAssociated
        | C::SecurityOfficerElsewhere => "SiteError",
        C::AprValue
        | C::InputFormat
        | C::ColumnMissing
        | C::FileEmpty
        | C::FileFormat
        | C::FileRead
        | C::RowDuplicate
        | C::OrderIdentityDuplicate
        | C::CardDuplicate
        | C::CieonlineDuplicate
        | C::CardDateFuture
        | C::CountFormat
        | C::OrderReversed
        | C::CausaleCountMismatch
        | C::CausalePeriodMismatch
        | C::CausaleMunicipalityMismatch
        | C::CausaleIncomplete => "InputError",
        C::EventLogVersion | C::EventLogFormat | C::EventRejected => "EventLogError",
    }
}

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE.get_or_try_init(py, || PyModule::import(py, "cie_pagamenti.errors").map(Bound::unbind)).map(|m| m.bind(py))
}

/// Builds the Python exception for a code, messages and fields.
pub(crate) fn raise(
    py: Python<'_>,
    code: ErrorCode,
    message_it: &str,
    message_en: &str,
    fields: Vec<(&str, FieldValue)>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = errors_module(py)?.getattr(class_name(code))?;
        let dict = PyDict::new(py);
        for (k, v) in fields {
            match v {
                FieldValue::Int(i) => dict.set_item(k, i)?,
                FieldValue::Text(t) => dict.set_item(k, t)?,
            }
        }
        let instance = class.call1((code.as_str(), message_it, message_en, dict))?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|e| {
        PyRuntimeError::new_err(format!("{code}: {message_en} (and the exception could not be built: {e})"))
    })
}

/// A core error as a Python exception.
pub(crate) fn to_py(e: &dyn CieError) -> PyErr {
    Python::attach(|py| raise(py, e.code(), &e.message(Lang::It), &e.message(Lang::En), e.fields()))
}

/// `Result` of the core → `PyResult`.
pub(crate) trait IntoPy<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T, E: CieError> IntoPy<T> for Result<T, E> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(|e| to_py(&e))
    }
}

/// An error with a code of the catalogue and no core value behind it (type errors of the
/// binding: a float for money, a wrong type where a date is expected).
pub(crate) fn coded(code: ErrorCode, detail: &str) -> PyErr {
    Python::attach(|py| {
        let it = format!("{} ({detail})", code.message_it());
        let en = format!("{} ({detail})", code.message_en());
        raise(py, code, &it, &en, Vec::new())
    })
}

/// The exception of a catalogue code with a detail, for the Python layer to raise (`raise
/// _native.coded_error("INPUT_FORMAT", "...") from exc`): a type or shape error found in Python
/// becomes a coded error with both messages, like those raised here. An unknown code gives
/// `INPUT_FORMAT`.
#[pyfunction]
pub(crate) fn coded_error(py: Python<'_>, code: &str, detail: &str) -> Py<PyAny> {
    let code = ErrorCode::from_code(code).unwrap_or(ErrorCode::InputFormat);
    coded(code, detail).into_value(py).into_any()
}

/// An optional package (pandas), or `INPUT_FORMAT` naming what to install.
pub(crate) fn optional<'py>(py: Python<'py>, module: &str) -> PyResult<Bound<'py, pyo3::types::PyModule>> {
    py.import(module).map_err(|_| {
        coded(
            ErrorCode::InputFormat,
            &format!("{module} is needed for this call: pip install 'cie-pagamenti[{module}]'"),
        )
    })
}
