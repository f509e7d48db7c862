//! Money and pricing.

use cie_pagamenti::pricing::causale as core_causale;
use cie_pagamenti::{Amount, ErrorCode, PriceSchedule};
use pyo3::prelude::*;
use rust_decimal::Decimal;

use crate::calendar::fortnight as fortnight_arg;
use crate::convert::{self, amount_out};
use crate::errors::IntoPy;
use crate::results::{PyCitizenFee, PyPrice};

/// Strict portal amount `1234,56` → `Decimal`.
#[pyfunction]
pub(crate) fn parse_amount(text: &Bound<'_, PyAny>) -> PyResult<Decimal> {
    Amount::parse_portal(&convert::text(text, ErrorCode::AmountFormat)?).py_err().map(amount_out)
}

/// Machine amount `1234.56` → `Decimal`.
#[pyfunction]
pub(crate) fn parse_amount_machine(text: &Bound<'_, PyAny>) -> PyResult<Decimal> {
    Amount::parse_machine(&convert::text(text, ErrorCode::AmountFormat)?).py_err().map(amount_out)
}

/// An amount in the portal format `1234,56`.
#[pyfunction]
pub(crate) fn format_amount(amount: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(convert::amount(amount)?.to_portal())
}

/// The price in force on a day (the current one when omitted), in the built-in schedule or
/// `schedule` (a sequence of `Price`).
#[pyfunction]
#[pyo3(signature = (day=None, schedule=None))]
pub(crate) fn price_on(day: Option<&Bound<'_, PyAny>>, schedule: Option<&Bound<'_, PyAny>>) -> PyResult<PyPrice> {
    let schedule = crate::results::schedule(schedule)?;
    schedule.price_at(convert::opt_date(day)?).py_err().map(PyPrice::from)
}

/// Cards paid by an amount; a non-multiple raises `AmountNotMultipleError`.
#[pyfunction]
#[pyo3(signature = (amount, on=None, schedule=None))]
pub(crate) fn cards_for_amount(
    amount: &Bound<'_, PyAny>,
    on: Option<&Bound<'_, PyAny>>,
    schedule: Option<&Bound<'_, PyAny>>,
) -> PyResult<u64> {
    let schedule = crate::results::schedule(schedule)?;
    let price = schedule.price_at(convert::opt_date(on)?).py_err()?;
    price.cards_for_amount(convert::amount(amount)?).py_err()
}

/// The amount paying `cards` cards.
#[pyfunction]
#[pyo3(signature = (cards, on=None, schedule=None))]
pub(crate) fn amount_for_cards(
    cards: u64,
    on: Option<&Bound<'_, PyAny>>,
    schedule: Option<&Bound<'_, PyAny>>,
) -> PyResult<Decimal> {
    let schedule = crate::results::schedule(schedule)?;
    let price = schedule.price_at(convert::opt_date(on)?).py_err()?;
    price.amount_for_cards(cards).py_err().map(amount_out)
}

/// What a citizen pays: €16,79 + the municipal fixed fee (doubled for a duplicate) + the
/// secretarial fee.
#[pyfunction]
#[pyo3(signature = (duplicate=false, fixed_fee=None, secretarial_fee=None))]
pub(crate) fn citizen_fee(
    duplicate: bool,
    fixed_fee: Option<&Bound<'_, PyAny>>,
    secretarial_fee: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyCitizenFee> {
    let schedule = PriceSchedule::builtin();
    let fee = schedule
        .current()
        .citizen_fee(duplicate, convert::opt_amount(fixed_fee)?, convert::opt_amount(secretarial_fee)?)
        .py_err()?;
    Ok(PyCitizenFee {
        state: amount_out(fee.state),
        fixed_fee: amount_out(fee.fixed_fee),
        secretarial_fee: amount_out(fee.secretarial_fee),
        total: amount_out(fee.total),
    })
}

/// The payment description for a fortnight.
#[pyfunction]
pub(crate) fn causale(municipality: &Bound<'_, PyAny>, fortnight: &Bound<'_, PyAny>, cards: u64) -> PyResult<String> {
    core_causale(&convert::text(municipality, ErrorCode::MunicipalityName)?, fortnight_arg(fortnight)?, cards).py_err()
}

/// Parses the expatriation flag with a configured pair (`S/N`, `SI/NO`, `1/0`, …).
#[pyfunction]
pub(crate) fn apr_parse_flag(pair: &Bound<'_, PyAny>, text: &Bound<'_, PyAny>) -> PyResult<bool> {
    let pair = cie_pagamenti::apr::FlagPair::from_name(&convert::text(pair, ErrorCode::AprValue)?).py_err()?;
    pair.parse(&convert::text(text, ErrorCode::AprValue)?).py_err()
}

/// Formats the expatriation flag with a configured pair.
#[pyfunction]
pub(crate) fn apr_format_flag(pair: &Bound<'_, PyAny>, value: bool) -> PyResult<&'static str> {
    let pair = cie_pagamenti::apr::FlagPair::from_name(&convert::text(pair, ErrorCode::AprValue)?).py_err()?;
    Ok(pair.format(value))
}

/// The registry connection type, normalised (`http` or `ftp`).
#[pyfunction]
pub(crate) fn apr_connection_type(text: &Bound<'_, PyAny>) -> PyResult<String> {
    cie_pagamenti::apr::ConnectionType::parse(&convert::text(text, ErrorCode::AprValue)?)
        .py_err()
        .map(|c| c.to_string())
}
