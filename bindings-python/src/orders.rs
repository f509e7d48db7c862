//! The core order check (SPEC §5 "Order check"): typed values or the portal form's texts in,
//! every finding out, as plain data (a dict).

use cie_pagamenti::orders::{check_order as core_check_order, check_order_form as core_check_order_form};
use cie_pagamenti::{ErrorCode, PriceSchedule};
use pyo3::prelude::*;

use crate::convert;
use crate::errors::{coded, IntoPy};

/// The Rome civil date of `now` (a moment, a date or ISO text).
fn today(now: &Bound<'_, PyAny>) -> PyResult<chrono::NaiveDate> {
    convert::moment(now)?.rome_date().py_err()
}

/// The order check on typed values, as a dict. `period` is `None` or a `(from, to)` pair, either
/// end `None` (a half period is the finding `PERIOD_INCOMPLETE`).
#[pyfunction]
#[pyo3(signature = (number, date, amount, period, now, causale=None, municipality=None, schedule=None))]
#[allow(clippy::too_many_arguments)] // keyword arguments of the Python API
pub(crate) fn check_order<'py>(
    py: Python<'py>,
    number: &Bound<'_, PyAny>,
    date: &Bound<'_, PyAny>,
    amount: &Bound<'_, PyAny>,
    period: Option<&Bound<'_, PyAny>>,
    now: &Bound<'_, PyAny>,
    causale: Option<&str>,
    municipality: Option<&str>,
    schedule: Option<&Bound<'_, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let schedule = crate::results::schedule(schedule)?;
    let number = convert::text(number, ErrorCode::OrderNumberInvalid)?;
    let (from, to) = match period.filter(|p| !p.is_none()) {
        None => (None, None),
        Some(p) => {
            let (from, to): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                p.extract().map_err(|_| coded(ErrorCode::PeriodIncomplete, "period must be a (from, to) pair"))?;
            (convert::opt_date(Some(&from))?, convert::opt_date(Some(&to))?)
        }
    };
    let check = core_check_order(
        &number,
        Some(convert::date(date)?),
        Some(convert::amount(amount)?),
        from,
        to,
        today(now)?,
        &schedule,
    );
    let check = match causale {
        Some(text) => check.with_causale(text, municipality, &schedule),
        None => check,
    };
    crate::results::data(py, &check)
}

/// The order check on the portal form's texts (strict: `gg/mm/aaaa`, `1234,56`), as a dict.
#[pyfunction]
#[pyo3(signature = (number, date, amount, period_from, period_to, now))]
pub(crate) fn check_order_form<'py>(
    py: Python<'py>,
    number: &str,
    date: &str,
    amount: &str,
    period_from: &str,
    period_to: &str,
    now: &Bound<'_, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let check =
        core_check_order_form(number, date, amount, period_from, period_to, today(now)?, &PriceSchedule::builtin());
    crate::results::data(py, &check)
}
